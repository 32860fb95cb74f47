/* strata-preemptions-panel.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-preemption-item.h"
#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_PREEMPTIONS_PANEL (strata_preemptions_panel_get_type ())

G_DECLARE_FINAL_TYPE (StrataPreemptionsPanel, strata_preemptions_panel, STRATA, PREEMPTIONS_PANEL, GtkWidget)

GtkWidget     *strata_preemptions_panel_new         (void);
StrataSession *strata_preemptions_panel_get_session (StrataPreemptionsPanel *self);
void           strata_preemptions_panel_set_session (StrataPreemptionsPanel *self,
                                                     StrataSession          *session);
GListModel    *strata_preemptions_panel_get_model   (StrataPreemptionsPanel *self);
gboolean       strata_preemptions_panel_get_show_wakeups (StrataPreemptionsPanel *self);
void           strata_preemptions_panel_set_show_wakeups (StrataPreemptionsPanel *self,
                                                          gboolean                show);
void           strata_preemptions_panel_activate    (StrataPreemptionsPanel *self,
                                                     StrataPreemptionItem   *item);

G_END_DECLS
