/* strata-exit-item.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "strata-analysis.h"

G_BEGIN_DECLS

/* One line of the Exits panel: the exits of one VM's vCPU for one reason, over a range. Its
 * properties are what the columns show and sort by. */

#define STRATA_TYPE_EXIT_ITEM (strata_exit_item_get_type ())

G_DECLARE_FINAL_TYPE (StrataExitItem, strata_exit_item, STRATA, EXIT_ITEM, GObject)

StrataExitItem        *strata_exit_item_new         (StrataAnalysis        *analysis,
                                                     const StrataExitStats *stats);
const StrataExitStats *strata_exit_item_get_stats   (StrataExitItem        *self);
const char            *strata_exit_item_get_machine (StrataExitItem        *self);
gint                   strata_exit_item_get_vcpu    (StrataExitItem        *self);
const char            *strata_exit_item_get_reason  (StrataExitItem        *self);
guint64                strata_exit_item_get_count   (StrataExitItem        *self);
gint64                 strata_exit_item_get_total   (StrataExitItem        *self);
gint64                 strata_exit_item_get_min     (StrataExitItem        *self);
double                 strata_exit_item_get_mean    (StrataExitItem        *self);
gint64                 strata_exit_item_get_p99     (StrataExitItem        *self);
gint64                 strata_exit_item_get_max     (StrataExitItem        *self);

G_END_DECLS
