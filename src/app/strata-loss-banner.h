/* strata-loss-banner.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_LOSS_BANNER (strata_loss_banner_get_type ())

G_DECLARE_FINAL_TYPE (StrataLossBanner, strata_loss_banner, STRATA, LOSS_BANNER, GtkWidget)

GtkWidget     *strata_loss_banner_new         (void);
StrataSession *strata_loss_banner_get_session (StrataLossBanner *self);
void           strata_loss_banner_set_session (StrataLossBanner *self,
                                               StrataSession    *session);
/* What it says, or NULL when it is hidden (a set that lost nothing, or dismissed). */
const char    *strata_loss_banner_get_text    (StrataLossBanner *self);

G_END_DECLS
