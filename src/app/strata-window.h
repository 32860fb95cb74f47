/* strata-window.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata-session.h"
#include "strata-set.h"

G_BEGIN_DECLS

#define STRATA_TYPE_WINDOW (strata_window_get_type ())

G_DECLARE_FINAL_TYPE (StrataWindow, strata_window, STRATA, WINDOW, AdwApplicationWindow)

StrataWindow *strata_window_new         (GtkApplication     *application);
void          strata_window_open        (StrataWindow       *self,
                                         const char * const *paths);
void          strata_window_open_files  (StrataWindow       *self,
                                         GFile             **files,
                                         guint               n_files);
void          strata_window_cancel_load (StrataWindow       *self);
void          strata_window_close_set   (StrataWindow       *self);
void          strata_window_reload      (StrataWindow       *self);
gboolean      strata_window_export      (StrataWindow       *self,
                                         const char         *path,
                                         GError            **error);
void          strata_window_show_error  (StrataWindow       *self,
                                         const char         *message);
void          strata_window_show_notice (StrataWindow       *self,
                                         const char         *text);
gboolean      strata_window_get_loading (StrataWindow       *self);
gboolean      strata_window_get_empty   (StrataWindow       *self);
StrataSet    *strata_window_get_set     (StrataWindow       *self);
StrataSession *strata_window_get_session (StrataWindow      *self);

/* The toast shown last, while it is shown: for the tests. */
AdwToast     *strata_window_get_toast   (StrataWindow       *self);

G_END_DECLS
