/* strata-range-popover.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_RANGE_POPOVER (strata_range_popover_get_type ())

G_DECLARE_FINAL_TYPE (StrataRangePopover, strata_range_popover, STRATA, RANGE_POPOVER, GtkPopover)

GtkWidget     *strata_range_popover_new         (void);
StrataSession *strata_range_popover_get_session (StrataRangePopover  *self);
void           strata_range_popover_set_session (StrataRangePopover  *self,
                                                 StrataSession       *session);
const char    *strata_range_popover_get_summary (StrataRangePopover  *self);
gboolean       strata_range_popover_apply       (StrataRangePopover  *self,
                                                 const char          *from,
                                                 const char          *to,
                                                 GError             **error);

G_END_DECLS
