/* strata-timeline-view.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-layout.h"
#include "strata-renderer.h"
#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_TIMELINE_VIEW (strata_timeline_view_get_type ())

G_DECLARE_FINAL_TYPE (StrataTimelineView, strata_timeline_view, STRATA, TIMELINE_VIEW, GtkWidget)

GtkWidget     *strata_timeline_view_new                (void);
StrataSession *strata_timeline_view_get_session        (StrataTimelineView  *self);
void           strata_timeline_view_set_session        (StrataTimelineView  *self,
                                                        StrataSession       *session);
void           strata_timeline_view_get_render_options (StrataTimelineView  *self,
                                                        StrataRenderOptions *options);
gboolean       strata_timeline_view_get_row_area       (StrataTimelineView  *self,
                                                        guint                row,
                                                        graphene_rect_t     *area);
double         strata_timeline_view_time_to_x          (StrataTimelineView  *self,
                                                        gint64               ns);
gint64         strata_timeline_view_x_to_time          (StrataTimelineView  *self,
                                                        double               x);
char          *strata_timeline_view_describe_at        (StrataTimelineView  *self,
                                                        double               x,
                                                        double               y);
gboolean       strata_timeline_view_export             (StrataTimelineView  *self,
                                                        const char          *path,
                                                        GError             **error);
gboolean       strata_timeline_view_export_titled      (StrataTimelineView  *self,
                                                        const char          *path,
                                                        const char          *title,
                                                        GError             **error);

G_END_DECLS
