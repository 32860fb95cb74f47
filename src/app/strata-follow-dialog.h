/* strata-follow-dialog.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_FOLLOW_DIALOG (strata_follow_dialog_get_type ())

G_DECLARE_FINAL_TYPE (StrataFollowDialog, strata_follow_dialog, STRATA, FOLLOW_DIALOG, GtkWindow)

StrataFollowDialog *strata_follow_dialog_new              (GtkWindow          *parent,
                                                           StrataSession      *session);
GtkEditable        *strata_follow_dialog_get_search_entry (StrataFollowDialog *self);
/* The threads the search leaves, in order. */
guint               strata_follow_dialog_get_n_shown      (StrataFollowDialog *self);

G_END_DECLS
