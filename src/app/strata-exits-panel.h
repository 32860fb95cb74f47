/* strata-exits-panel.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_EXITS_PANEL (strata_exits_panel_get_type ())

G_DECLARE_FINAL_TYPE (StrataExitsPanel, strata_exits_panel, STRATA, EXITS_PANEL, GtkWidget)

GtkWidget     *strata_exits_panel_new         (void);
StrataSession *strata_exits_panel_get_session (StrataExitsPanel *self);
void           strata_exits_panel_set_session (StrataExitsPanel *self,
                                               StrataSession    *session);
/* The lines shown, StrataExitItem, in the order shown. */
GListModel    *strata_exits_panel_get_model   (StrataExitsPanel *self);
/* Computes the lines now rather than on the next idle. */
void           strata_exits_panel_update      (StrataExitsPanel *self);

G_END_DECLS
