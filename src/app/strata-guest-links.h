/* strata-guest-links.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_GUEST_LINKS (strata_guest_links_get_type ())

G_DECLARE_FINAL_TYPE (StrataGuestLinks, strata_guest_links, STRATA, GUEST_LINKS, GtkWidget)

GtkWidget     *strata_guest_links_new         (void);
StrataSession *strata_guest_links_get_session (StrataGuestLinks *self);
void           strata_guest_links_set_session (StrataGuestLinks *self,
                                               StrataSession    *session);
char          *strata_guest_links_describe    (StrataAnalysis   *analysis,
                                               gint              machine);
char          *strata_guest_links_describe_vm (StrataAnalysis   *analysis,
                                               gint              guest,
                                               gint              vm);

G_END_DECLS
