/* strata-follow-bar.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-session.h"
#include "strata-timeline-view.h"

G_BEGIN_DECLS

#define STRATA_TYPE_FOLLOW_BAR (strata_follow_bar_get_type ())

G_DECLARE_FINAL_TYPE (StrataFollowBar, strata_follow_bar, STRATA, FOLLOW_BAR, GtkWidget)

GtkWidget          *strata_follow_bar_new          (void);
StrataSession      *strata_follow_bar_get_session  (StrataFollowBar    *self);
void                strata_follow_bar_set_session  (StrataFollowBar    *self,
                                                    StrataSession      *session);
StrataTimelineView *strata_follow_bar_get_timeline (StrataFollowBar    *self);
void                strata_follow_bar_set_timeline (StrataFollowBar    *self,
                                                    StrataTimelineView *timeline);
/* What its title says ("Following worker (812) of server1"), or NULL when nothing is
 * followed. */
const char         *strata_follow_bar_get_title    (StrataFollowBar    *self);
/* The followed thread's state at @x of its row (the timeline's x): its tooltip. NULL: none. */
char               *strata_follow_bar_describe_at  (StrataFollowBar    *self,
                                                    double              x);

G_END_DECLS
