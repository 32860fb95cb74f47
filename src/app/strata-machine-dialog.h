/* strata-machine-dialog.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_MACHINE_DIALOG (strata_machine_dialog_get_type ())

G_DECLARE_FINAL_TYPE (StrataMachineDialog, strata_machine_dialog, STRATA, MACHINE_DIALOG, GtkWindow)

StrataMachineDialog *strata_machine_dialog_new         (GtkWindow           *parent,
                                                        StrataSession       *session,
                                                        GSettings           *settings,
                                                        const char * const  *paths);
GListModel          *strata_machine_dialog_get_roots   (StrataMachineDialog *self);
GListModel          *strata_machine_dialog_get_shown   (StrataMachineDialog *self);

/* The choice remembered for the set of @paths (its machine and vCPU names), and applied. */
char               **strata_machine_dialog_load_choice (GSettings           *settings,
                                                        const char * const  *paths);
void                 strata_machine_dialog_save_choice (GSettings           *settings,
                                                        const char * const  *paths,
                                                        const char * const  *names);
void                 strata_machine_dialog_restore     (StrataSession       *session,
                                                        GSettings           *settings,
                                                        const char * const  *paths);

G_END_DECLS
