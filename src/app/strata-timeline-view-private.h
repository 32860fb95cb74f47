/* strata-timeline-view-private.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-timeline-view.h"

G_BEGIN_DECLS

/* What the scroll controller does with one event, given its modifiers and unit: the UI tests
 * call it with Ctrl held, which an emitted "scroll" signal cannot carry. */
gboolean _strata_timeline_view_scroll (StrataTimelineView *self,
                                       double              dx,
                                       double              dy,
                                       GdkModifierType     state,
                                       GdkScrollUnit       unit);

G_END_DECLS
