/* strata-session.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "strata-analysis.h"

G_BEGIN_DECLS

#define STRATA_TYPE_SESSION (strata_session_get_type ())

G_DECLARE_FINAL_TYPE (StrataSession, strata_session, STRATA, SESSION, GObject)

/*
 * The view state of one opened set: the visible time range, the selection and the highlighted
 * machines. Widgets convert pixels to ns and call one method; they redraw on notify. All the
 * clamping lives here, so it is tested without a display.
 */

/* The narrowest range a view can show. */
#define STRATA_SESSION_MIN_SPAN 20

StrataSession  *strata_session_new               (StrataAnalysis *analysis);
StrataAnalysis *strata_session_get_analysis      (StrataSession  *self);
gint64          strata_session_get_begin         (StrataSession  *self);
gint64          strata_session_get_end           (StrataSession  *self);
gint64          strata_session_get_visible_from  (StrataSession  *self);
gint64          strata_session_get_visible_to    (StrataSession  *self);
void            strata_session_zoom_to           (StrataSession  *self,
                                                  gint64          from,
                                                  gint64          to);
/* Zooms by @factor (> 1 zooms in) keeping @anchor_ns at the same place on screen. */
void            strata_session_zoom_at           (StrataSession  *self,
                                                  gint64          anchor_ns,
                                                  double          factor);
void            strata_session_pan               (StrataSession  *self,
                                                  gint64          delta_ns);
void            strata_session_fit               (StrataSession  *self);
gboolean        strata_session_get_selection     (StrataSession  *self,
                                                  gint64         *from,
                                                  gint64         *to);
void            strata_session_select            (StrataSession  *self,
                                                  gint64          from,
                                                  gint64          to);
void            strata_session_clear_selection   (StrataSession  *self);
gboolean        strata_session_zoom_to_selection (StrataSession  *self);
/* Shows [from, to) with @context (a fraction of its span) on each side. */
void            strata_session_zoom_around       (StrataSession  *self,
                                                  gint64          from,
                                                  gint64          to,
                                                  double          context);
guint32         strata_session_get_highlight     (StrataSession  *self);
void            strata_session_set_highlight     (StrataSession  *self,
                                                  guint32         machines);

/* Pixel <-> time for a view @width pixels wide showing the visible range. */
gint64          strata_session_x_to_ns           (StrataSession  *self,
                                                  double          x,
                                                  double          width);
double          strata_session_ns_to_x           (StrataSession  *self,
                                                  gint64          ns,
                                                  double          width);

/* The tooltip text of @row at @ns (row, state, machine, vCPU, TID, process, start, end,
 * duration), or NULL when nothing is there. */
char           *strata_session_describe_at       (StrataSession  *self,
                                                  guint           row,
                                                  gint64          ns);

G_END_DECLS
