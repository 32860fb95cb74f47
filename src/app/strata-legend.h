/* strata-legend.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_LEGEND (strata_legend_get_type ())

G_DECLARE_FINAL_TYPE (StrataLegend, strata_legend, STRATA, LEGEND, GtkWidget)

GtkWidget     *strata_legend_new         (void);
StrataSession *strata_legend_get_session (StrataLegend  *self);
void           strata_legend_set_session (StrataLegend  *self,
                                          StrataSession *session);

G_END_DECLS
