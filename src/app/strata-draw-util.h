/* strata-draw-util.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What the widgets that draw with GtkSnapshot (the timeline, its ruler) share. */

/* The selection's blue, on the ruler and around the focused row. */
static const GdkRGBA strata_selection_color = { 0.21, 0.52, 0.89, 1.0 };

static inline GdkRGBA
strata_rgba_with_alpha (const GdkRGBA *color,
                        double         alpha)
{
  GdkRGBA c = *color;

  c.alpha *= alpha;
  return c;
}

/* @layout's text with its top left corner at @x, @y. */
static inline void
strata_snapshot_append_text (GtkSnapshot   *snapshot,
                             PangoLayout   *layout,
                             const GdkRGBA *color,
                             double         x,
                             double         y)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

G_END_DECLS
