/* strata-app-util.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-time-span.h"

G_BEGIN_DECLS

/* The schema id is the same for the .Devel build: see data/meson.build. */
#define STRATA_SCHEMA_ID "io.github.stratatrace.Strata"
#define STRATA_RECENT_SETS_MAX 10

gboolean   strata_app_running_from_build_tree (void);
char      *strata_app_dup_demo_dir            (void);
GSettings *strata_app_settings_new            (void);
void       strata_app_remember_set            (GSettings          *settings,
                                               const char * const *paths);
void       strata_app_forget_set              (GSettings          *settings,
                                               const char * const *paths);
char      *strata_app_dup_export_folder       (GSettings          *settings);
void       strata_app_remember_export_folder  (GSettings          *settings,
                                               const char         *file);
char      *strata_app_export_name             (const char         *set_name,
                                               StrataTimeSpan      visible,
                                               StrataTimeSpan      document);
GVariant  *strata_app_dup_guest_links         (GSettings          *settings,
                                               const char * const *paths);
void       strata_app_remember_guest_link     (GSettings          *settings,
                                               const char * const *paths,
                                               const char         *guest,
                                               gint64              vm_pid);
gboolean   strata_app_strv_is_utf8            (const char * const *strv);
char      *strata_app_set_name                (const char * const *paths);
char      *strata_app_format_count            (guint64             count);

G_END_DECLS
