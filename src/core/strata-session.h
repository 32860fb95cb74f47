/* strata-session.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "strata-analysis.h"
#include "strata-highlight.h"
#include "strata-layout.h"
#include "strata-time-span.h"

G_BEGIN_DECLS

#define STRATA_TYPE_SESSION (strata_session_get_type ())

G_DECLARE_FINAL_TYPE (StrataSession, strata_session, STRATA, SESSION, GObject)

/*
 * The view state of one opened set, with one owner: the visible range and the selection
 * (time spans), the highlighted machines, the marked row and which groups of rows are
 * collapsed. Every view of the set (timeline, ruler, legend, panels) shows the window's one
 * session: widgets convert pixels to ns and call one method, and redraw on notify. All the
 * clamping lives here, so it is tested without a display.
 */

/* The narrowest range a view can show. */
#define STRATA_SESSION_MIN_SPAN 20

StrataSession         *strata_session_new                (StrataAnalysis        *analysis);
StrataAnalysis        *strata_session_get_analysis       (StrataSession         *self);
StrataLayout          *strata_session_get_layout         (StrataSession         *self);
/* Where the tracers discarded events: strata_describe_losses(), once. */
const GArray          *strata_session_get_losses         (StrataSession         *self);

/* The whole set (never narrower than STRATA_SESSION_MIN_SPAN), and the part shown. */
const StrataTimeSpan  *strata_session_get_document_time  (StrataSession         *self);
const StrataTimeSpan  *strata_session_get_visible_time   (StrataSession         *self);
void                   strata_session_zoom_to            (StrataSession         *self,
                                                          gint64                 from,
                                                          gint64                 to);
/* Zooms by @factor (> 1 zooms in) keeping @anchor_ns at the same place on screen. */
void                   strata_session_zoom_at            (StrataSession         *self,
                                                          gint64                 anchor_ns,
                                                          double                 factor);
void                   strata_session_pan                (StrataSession         *self,
                                                          gint64                 delta_ns);
void                   strata_session_fit                (StrataSession         *self);
/* Shows [from, to) with @context (a fraction of its span) on each side. */
void                   strata_session_zoom_around        (StrataSession         *self,
                                                          gint64                 from,
                                                          gint64                 to,
                                                          double                 context);

/* The selection; an empty span when there is none. */
const StrataTimeSpan  *strata_session_get_selected_time  (StrataSession         *self);
gboolean               strata_session_has_selection      (StrataSession         *self);
void                   strata_session_select             (StrataSession         *self,
                                                          gint64                 from,
                                                          gint64                 to);
void                   strata_session_clear_selection    (StrataSession         *self);
gboolean               strata_session_zoom_to_selection  (StrataSession         *self);

/* Never NULL: empty when nothing is highlighted. */
const StrataHighlight *strata_session_get_highlight      (StrataSession         *self);
void                   strata_session_set_highlight      (StrataSession         *self,
                                                          const StrataHighlight *highlight);

/* A store row outlined in every view (a preemption's vCPU), or -1; over the marked span
 * only, unless it is empty, and on a second row too (the pCPU it happened on), or -1. */
/* A group of the analysis' exits whose exits are marked on their vCPU's row; -1: none. */
gint                   strata_session_get_marked_exits   (StrataSession         *self);
void                   strata_session_set_marked_exits   (StrataSession         *self,
                                                          gint                   group);
gint                   strata_session_get_marked_row     (StrataSession         *self);
void                   strata_session_set_marked_row     (StrataSession         *self,
                                                          gint                   row);
gint                   strata_session_get_marked_row2    (StrataSession         *self);
const StrataTimeSpan  *strata_session_get_marked_time    (StrataSession         *self);
void                   strata_session_mark               (StrataSession         *self,
                                                          gint                   row,
                                                          gint                   row2,
                                                          gint64                 from,
                                                          gint64                 to);

/* A thread row followed through the host (strata-follow.h), or -1; follow() takes -1 or a
 * row that is not a thread's to stop. follow_step() selects its next (@direction > 0) or
 * previous state change and brings it into sight; FALSE when there is none.
 * get_followed_pieces() gives what to draw of it over the visible range, @width px wide. */
gint                   strata_session_get_followed_row   (StrataSession         *self);
void                   strata_session_follow             (StrataSession         *self,
                                                          gint                   row);
gboolean               strata_session_follow_step        (StrataSession         *self,
                                                          gint                   direction);
GArray                *strata_session_get_followed_pieces (StrataSession         *self,
                                                          int                    width);

/* The groups of the layout whose rows are hidden: a gboolean per layout entry. */
const GArray          *strata_session_get_collapsed      (StrataSession         *self);
gboolean               strata_session_get_group_collapsed (StrataSession        *self,
                                                           guint                 header);
void                   strata_session_set_group_collapsed (StrataSession        *self,
                                                           guint                 header,
                                                           gboolean              collapsed);
/* The layout entries shown, in order (guint indices), given the collapsed groups. */
const GArray          *strata_session_get_shown          (StrataSession         *self);
/* The layout entry of store row @row, or -1 when the layout does not show it. */
gint                   strata_session_find_entry         (StrataSession         *self,
                                                          guint                  row);

/* The tooltip text of @row at @ns (strata_describe_interval(): the row, the state and what
 * it is about, the thread and process, start, end, duration), or NULL when nothing is
 * there. */
char                  *strata_session_describe_at        (StrataSession         *self,
                                                          guint                  row,
                                                          gint64                 ns);
/* What the pixel column [@from, @to) of @row stands for, when it spans several intervals:
 * "This pixel, 14.375 ms: 12% busy (Soft IRQ)"; NULL when one interval
 * covers it. */
char                  *strata_session_describe_span      (StrataSession         *self,
                                                          guint                  row,
                                                          gint64                 from,
                                                          gint64                 to);

G_END_DECLS
