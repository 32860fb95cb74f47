/* strata-preemption-item.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "strata-analysis.h"

G_BEGIN_DECLS

#define STRATA_TYPE_PREEMPTION_ITEM (strata_preemption_item_get_type ())

G_DECLARE_FINAL_TYPE (StrataPreemptionItem, strata_preemption_item, STRATA, PREEMPTION_ITEM, GObject)

StrataPreemptionItem *strata_preemption_item_new          (StrataAnalysis       *analysis,
                                                           guint                 index);
guint                 strata_preemption_item_get_index    (StrataPreemptionItem *self);
const char           *strata_preemption_item_get_machine  (StrataPreemptionItem *self);
gint                  strata_preemption_item_get_vcpu     (StrataPreemptionItem *self);
gint                  strata_preemption_item_get_pcpu     (StrataPreemptionItem *self);
gint64                strata_preemption_item_get_start    (StrataPreemptionItem *self);
gint64                strata_preemption_item_get_end      (StrataPreemptionItem *self);
gint64                strata_preemption_item_get_duration (StrataPreemptionItem *self);
const char           *strata_preemption_item_get_cause    (StrataPreemptionItem *self);
gint                  strata_preemption_item_get_row      (StrataPreemptionItem *self);
gboolean              strata_preemption_item_get_wakeup   (StrataPreemptionItem *self);
gboolean              strata_preemption_item_get_open     (StrataPreemptionItem *self);
/* The store row of the pCPU where it happened, or -1. */
gint                  strata_preemption_item_get_pcpu_row (StrataPreemptionItem *self);

G_END_DECLS
