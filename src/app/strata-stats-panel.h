/* strata-stats-panel.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_STATS_PANEL (strata_stats_panel_get_type ())

G_DECLARE_FINAL_TYPE (StrataStatsPanel, strata_stats_panel, STRATA, STATS_PANEL, GtkWidget)

GtkWidget     *strata_stats_panel_new         (void);
StrataSession *strata_stats_panel_get_session (StrataStatsPanel *self);
void           strata_stats_panel_set_session (StrataStatsPanel *self,
                                               StrataSession    *session);
/* The figures shown, as CSV (what Copy as CSV copies); NULL until the index is built. */
const char    *strata_stats_panel_get_csv     (StrataStatsPanel *self);
/* Whether the range index is built and the figures follow the range. */
gboolean       strata_stats_panel_is_ready    (StrataStatsPanel *self);
/* Copies the CSV to the clipboard. */
void           strata_stats_panel_copy        (StrataStatsPanel *self);

G_END_DECLS
