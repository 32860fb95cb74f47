/* strata-set-summary.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-set.h"

G_BEGIN_DECLS

#define STRATA_TYPE_SET_SUMMARY (strata_set_summary_get_type ())

G_DECLARE_FINAL_TYPE (StrataSetSummary, strata_set_summary, STRATA, SET_SUMMARY, GtkWidget)

GtkWidget  *strata_set_summary_new        (void);
StrataSet  *strata_set_summary_get_set    (StrataSetSummary *self);
void        strata_set_summary_set_set    (StrataSetSummary *self,
                                           StrataSet        *set);
void        strata_set_summary_set_warnings (StrataSetSummary *self,
                                             GPtrArray        *warnings);
guint       strata_set_summary_get_n_problems (StrataSetSummary *self);
void        strata_set_summary_set_span   (StrataSetSummary *self,
                                           gint64            begin_ns,
                                           gint64            end_ns);
gint64      strata_set_summary_get_span   (StrataSetSummary *self);
GListModel *strata_set_summary_get_traces (StrataSetSummary *self);
GListModel *strata_set_summary_get_problems (StrataSetSummary *self);
const char *strata_set_summary_get_problem_summary (StrataSetSummary *self);

G_END_DECLS
