/* strata-follow-menu.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-analysis.h"

G_BEGIN_DECLS

/* A context menu at (@x, @y) of @parent offering to follow each of @rows (thread rows, -1
 * left out, up to 4), through the window's win.follow-thread. */
void strata_follow_menu_popup (GtkWidget      *parent,
                               StrataAnalysis *analysis,
                               const gint     *rows,
                               guint           n_rows,
                               double          x,
                               double          y);

G_END_DECLS
