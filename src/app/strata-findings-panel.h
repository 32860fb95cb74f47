/* strata-findings-panel.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_FINDINGS_PANEL (strata_findings_panel_get_type ())

G_DECLARE_FINAL_TYPE (StrataFindingsPanel, strata_findings_panel, STRATA, FINDINGS_PANEL, GtkWidget)

GtkWidget     *strata_findings_panel_new            (void);
StrataSession *strata_findings_panel_get_session    (StrataFindingsPanel *self);
void           strata_findings_panel_set_session    (StrataFindingsPanel *self,
                                                     StrataSession       *session);
guint          strata_findings_panel_get_n_findings (StrataFindingsPanel *self);
/* The text of finding @index, as listed; NULL past the last. */
const char    *strata_findings_panel_get_text       (StrataFindingsPanel *self,
                                                     guint                index);
void           strata_findings_panel_activate       (StrataFindingsPanel *self,
                                                     guint                index);

G_END_DECLS
