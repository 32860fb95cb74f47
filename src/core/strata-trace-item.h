/* strata-trace-item.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "strata-set.h"

G_BEGIN_DECLS

#define STRATA_TYPE_TRACE_ITEM (strata_trace_item_get_type ())

G_DECLARE_FINAL_TYPE (StrataTraceItem, strata_trace_item, STRATA, TRACE_ITEM, GObject)

StrataTraceItem *strata_trace_item_new           (const StrataTrace *trace);
const char      *strata_trace_item_get_machine   (StrataTraceItem   *self);
const char      *strata_trace_item_get_path      (StrataTraceItem   *self);
guint64          strata_trace_item_get_events    (StrataTraceItem   *self);
guint64          strata_trace_item_get_discarded (StrataTraceItem   *self);
guint            strata_trace_item_get_n_errors  (StrataTraceItem   *self);

G_END_DECLS
