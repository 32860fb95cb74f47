/* test-ui-util.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-application.h"
#include "strata-window.h"

G_BEGIN_DECLS

/* Helpers of the UI tests: running the main loop, and looking into a StrataWindow. */

/* A load of the demo set takes a second or two; leave room for a loaded machine. */
#define TEST_UI_LOAD_TIMEOUT_US (60 * G_USEC_PER_SEC)

gboolean      test_ui_init              (void);
void          test_ui_drain             (void);
void          test_ui_iterate           (guint         msec);
StrataWindow *test_ui_window_new        (void);
StrataWindow *test_ui_application_window_new (StrataApplication **app);
gpointer      test_ui_window_child      (StrataWindow *window,
                                         const char   *name);
const char   *test_ui_visible_page      (StrataWindow *window);
void          test_ui_wait_until_loaded (StrataWindow *window,
                                         gint64        timeout_us);
gpointer      test_ui_find_widget       (GtkWidget    *root,
                                         GType         type);
cairo_surface_t *test_ui_render_widget  (GtkWidget    *widget);
void          test_ui_isolate_view      (GtkWidget    *view,
                                         gboolean      isolate);
gboolean      test_ui_run_shortcuts     (GtkWidget          *widget,
                                         GtkPropagationPhase phase,
                                         GtkShortcutScope    scope,
                                         guint               keyval,
                                         GdkModifierType     mods);
gboolean      test_ui_run_global_shortcuts (GtkWidget      *widget,
                                            guint           keyval,
                                            GdkModifierType mods);
/* Presses a key on @widget through its own shortcut controllers, whatever their phase and
 * scope (GTK 4.8 cannot make key events for a test); one of them must take it. */
gboolean    test_ui_key_taken         (GtkWidget       *widget,
                                       guint            keyval,
                                       GdkModifierType  mods);
void          test_ui_press_key         (GtkWidget       *widget,
                                         guint            keyval,
                                         GdkModifierType  mods);

G_END_DECLS
