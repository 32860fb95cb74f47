/* strata-time-ruler.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_TIME_RULER (strata_time_ruler_get_type ())

G_DECLARE_FINAL_TYPE (StrataTimeRuler, strata_time_ruler, STRATA, TIME_RULER, GtkWidget)

GtkWidget     *strata_time_ruler_new         (void);
StrataSession *strata_time_ruler_get_session (StrataTimeRuler *self);
void           strata_time_ruler_set_session (StrataTimeRuler *self,
                                              StrataSession   *session);
/* The events lost under the mark at @x (px from its left edge), for the timeline's tooltip;
 * NULL when there is none. */
char          *strata_time_ruler_describe_at (StrataTimeRuler *self,
                                              double           x);

G_END_DECLS
