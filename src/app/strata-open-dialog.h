/* strata-open-dialog.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void   strata_open_trace_dialog        (GtkWindow            *parent,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
char **strata_open_trace_dialog_finish (GAsyncResult         *result,
                                        GError              **error);

/* Asks where to write an image: a path ending in .png or .svg. */
void   strata_save_image_dialog        (GtkWindow            *parent,
                                        const char           *name,
                                        const char           *folder,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
char  *strata_save_image_dialog_finish (GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
