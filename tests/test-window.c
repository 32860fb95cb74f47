/* test-window.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "strata-app-util.h"
#include "strata-application.h"
#include "strata-set-summary.h"
#include "strata-trace-item.h"
#include "strata-window.h"
#include "test-ui-util.h"

static void
test_window_welcome (void)
{
  StrataWindow *window = test_ui_window_new ();

  g_assert_cmpstr (test_ui_visible_page (window), ==, "welcome");
  g_assert_false (strata_window_get_loading (window));
  g_assert_true (strata_window_get_empty (window));
  g_assert_null (strata_window_get_set (window));
  g_assert_false (gtk_revealer_get_reveal_child (test_ui_window_child (window, "welcome_error_revealer")));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Strata");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_missing_folder (void)
{
  StrataWindow *window = test_ui_window_new ();
  g_autofree char *tmpdir = g_dir_make_tmp ("strata-test-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-trace", NULL);
  const char *paths[] = { missing, NULL };
  const char *message;

  strata_window_open (window, paths);
  g_assert_true (strata_window_get_loading (window));
  g_assert_cmpstr (test_ui_visible_page (window), ==, "loading");

  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);

  g_assert_cmpstr (test_ui_visible_page (window), ==, "welcome");
  g_assert_null (strata_window_get_set (window));
  g_assert_true (gtk_revealer_get_reveal_child (test_ui_window_child (window, "welcome_error_revealer")));
  message = gtk_label_get_label (test_ui_window_child (window, "welcome_error_label"));
  g_test_message ("error shown: %s", message);
  g_assert_cmpstr (message, !=, "");

  gtk_window_destroy (GTK_WINDOW (window));
  g_rmdir (tmpdir);
}

static void
test_window_empty_folder (void)
{
  StrataWindow *window = test_ui_window_new ();
  g_autofree char *tmpdir = g_dir_make_tmp ("strata-test-XXXXXX", NULL);
  const char *paths[] = { tmpdir, NULL };

  /* A folder with no trace below it fails as a whole too. */
  strata_window_open (window, paths);
  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);

  g_assert_cmpstr (test_ui_visible_page (window), ==, "welcome");
  g_assert_true (gtk_revealer_get_reveal_child (test_ui_window_child (window, "welcome_error_revealer")));

  gtk_window_destroy (GTK_WINDOW (window));
  g_rmdir (tmpdir);
}

static char *
get_demo_dir (void)
{
  g_autofree char *dir = strata_app_dup_demo_dir ();

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip_printf ("no demo set at %s", dir);
      return NULL;
    }

  return g_steal_pointer (&dir);
}

static void
test_window_demo (void)
{
  g_autofree char *demo = get_demo_dir ();
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GVariant) recent = NULL;
  g_autofree const char **first = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *name = NULL;
  StrataWindow *window;
  StrataSetSummary *summary;
  GListModel *traces;
  const char *paths[2] = { NULL, NULL };
  guint64 total = 0;
  guint n_traces;

  if (demo == NULL)
    return;

  window = test_ui_window_new ();
  paths[0] = demo;
  strata_window_open (window, paths);
  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);

  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");
  g_assert_nonnull (strata_window_get_set (window));
  g_assert_false (strata_window_get_empty (window));

  summary = test_ui_window_child (window, "set_summary");
  /* The span in host time, as the rows show it: the guest's own clock is seconds off. */
  {
    StrataStore *store = strata_session_get_analysis (strata_window_get_session (window))->store;

    g_assert_cmpint (strata_set_summary_get_span (summary), ==, strata_store_end (store) - strata_store_begin (store));
    g_assert_cmpint (strata_set_summary_get_span (summary), <, strata_window_get_set (window)->end_ns -
                                                              strata_window_get_set (window)->begin_ns);
  }
  traces = strata_set_summary_get_traces (summary);
  n_traces = g_list_model_get_n_items (traces);
  g_assert_cmpuint (n_traces, >, 0);
  g_assert_cmpuint (n_traces, ==, strata_window_get_set (window)->traces->len);

  for (guint i = 0; i < n_traces; i++)
    {
      g_autoptr(StrataTraceItem) item = g_list_model_get_item (traces, i);

      g_test_message ("trace %s: %" G_GUINT64_FORMAT " events",
                      strata_trace_item_get_machine (item), strata_trace_item_get_events (item));
      g_assert_cmpstr (strata_trace_item_get_machine (item), !=, "");
      total += strata_trace_item_get_events (item);
    }
  g_assert_cmpuint (total, >, 0);
  g_assert_cmpuint (total, ==, strata_set_event_count (strata_window_get_set (window)));

  /* The title names the set after its folder. */
  canonical = g_canonicalize_filename (demo, NULL);
  paths[0] = canonical;
  name = strata_app_set_name (paths);
  g_assert_cmpstr (adw_window_title_get_title (test_ui_window_child (window, "window_title")), ==, name);

  /* The set is remembered, first. */
  settings = g_settings_new (STRATA_SCHEMA_ID);
  recent = g_settings_get_value (settings, "recent-sets");
  g_assert_cmpuint (g_variant_n_children (recent), >=, 1);
  g_variant_get_child (recent, 0, "^a&s", &first);
  g_assert_cmpstr (first[0], ==, canonical);
  g_assert_null (first[1]);
  g_assert_true (gtk_widget_get_visible (test_ui_window_child (window, "recent_box")));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_cancel (void)
{
  g_autofree char *demo = get_demo_dir ();
  StrataWindow *window;
  const char *paths[2] = { NULL, NULL };

  if (demo == NULL)
    return;

  window = test_ui_window_new ();
  paths[0] = demo;

  /* Cancelled at once: back to the welcome page, with no error. */
  strata_window_open (window, paths);
  g_assert_true (strata_window_get_loading (window));
  strata_window_cancel_load (window);
  g_assert_false (strata_window_get_loading (window));
  g_assert_cmpstr (test_ui_visible_page (window), ==, "welcome");
  g_assert_false (gtk_revealer_get_reveal_child (test_ui_window_child (window, "welcome_error_revealer")));

  /* A second load supersedes a first one still running: only the second shows. */
  strata_window_open (window, paths);
  strata_window_open (window, paths);
  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);
  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");

  /* While another set loads, the one shown before is out of sight, and so are its commands;
   * cancelled, it is back with them. */
  strata_window_open (window, paths);
  g_assert_cmpstr (test_ui_visible_page (window), ==, "loading");
  g_assert_false (gtk_widget_get_visible (test_ui_window_child (window, "set_buttons")));
  g_assert_false (gtk_widget_get_sensitive (test_ui_window_child (window, "export_button")));
  strata_window_cancel_load (window);
  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");
  g_assert_true (gtk_widget_get_visible (test_ui_window_child (window, "set_buttons")));
  g_assert_true (gtk_widget_get_sensitive (test_ui_window_child (window, "export_button")));

  /* Closing while loading cancels: the completion finds no window. */
  strata_window_open (window, paths);
  g_assert_true (strata_window_get_loading (window));
  gtk_window_destroy (GTK_WINDOW (window));

  /* Let the cancelled load complete. */
  test_ui_iterate (500);
}

/* Waits for every window of @app to load; returns the active one. */
static StrataWindow *
wait_for_window (GtkApplication *app)
{
  GtkWindow *active = gtk_application_get_active_window (app);

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    {
      g_assert_true (STRATA_IS_WINDOW (l->data));
      test_ui_wait_until_loaded (l->data, TEST_UI_LOAD_TIMEOUT_US);
    }

  g_assert_true (STRATA_IS_WINDOW (active));
  return STRATA_WINDOW (active);
}

static void
test_application (void)
{
  g_autofree char *demo = get_demo_dir ();
  g_autoptr(StrataApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  StrataWindow *window;

  if (demo == NULL)
    return;

  app = strata_application_new ();
  /* Not unique: a Strata running on the session bus must not take the calls. */
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  /* app.open-demo opens a window on the demo set, with its shortcuts window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-demo", NULL);
  window = wait_for_window (GTK_APPLICATION (app));
  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 1);

  /* `strata PATH`: the active window shows a set, so the set opens in a new one. */
  file = g_file_new_for_path (demo);
  g_application_open (G_APPLICATION (app), &file, 1, "");
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 2);
  window = wait_for_window (GTK_APPLICATION (app));
  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");

  /* app.quit closes every window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
}

static void
test_application_missing_demo (void)
{
  g_autoptr(StrataApplication) app = strata_application_new ();
  g_autofree char *saved = g_strdup (g_getenv ("STRATA_DEMO_DIR"));
  g_autofree char *tmpdir = g_dir_make_tmp ("strata-test-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "demo", NULL);
  g_autoptr(GError) error = NULL;
  StrataWindow *window;

  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  /* On a session bus, the application of /application/open keeps its object path there
   * until the test program ends: this one takes another. */
  g_application_set_application_id (G_APPLICATION (app), "io.github.stratatrace.Strata.MissingDemo");
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_setenv ("STRATA_DEMO_DIR", missing, TRUE);
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-demo", NULL);
  if (saved != NULL)
    g_setenv ("STRATA_DEMO_DIR", saved, TRUE);
  else
    g_unsetenv ("STRATA_DEMO_DIR");

  /* No load starts: the welcome page says where the demo was looked for. */
  window = wait_for_window (GTK_APPLICATION (app));
  g_assert_cmpstr (test_ui_visible_page (window), ==, "welcome");
  g_assert_true (gtk_revealer_get_reveal_child (test_ui_window_child (window, "welcome_error_revealer")));
  g_assert_nonnull (strstr (gtk_label_get_label (test_ui_window_child (window, "welcome_error_label")),
                            missing));

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_rmdir (tmpdir);
}

static void
test_window_remember_set (void)
{
  g_autoptr(GSettings) settings = g_settings_new (STRATA_SCHEMA_ID);
  g_autoptr(GVariant) recent = NULL;
  const char *a[] = { "/traces/a", NULL };
  const char *b[] = { "/traces/host", "/traces/server1", NULL };
  g_autofree const char **first = NULL;

  g_settings_reset (settings, "recent-sets");

  /* Most recent first, no duplicates, at most STRATA_RECENT_SETS_MAX. */
  for (guint i = 0; i < STRATA_RECENT_SETS_MAX + 5; i++)
    {
      g_autofree char *path = g_strdup_printf ("/traces/set%u", i);
      const char *set[] = { path, NULL };

      strata_app_remember_set (settings, set);
    }
  strata_app_remember_set (settings, a);
  strata_app_remember_set (settings, b);
  strata_app_remember_set (settings, a);

  recent = g_settings_get_value (settings, "recent-sets");
  g_assert_cmpuint (g_variant_n_children (recent), ==, STRATA_RECENT_SETS_MAX);
  g_variant_get_child (recent, 0, "^a&s", &first);
  g_assert_cmpstr (first[0], ==, "/traces/a");
  g_clear_pointer (&first, g_free);
  g_variant_get_child (recent, 1, "^a&s", &first);
  g_assert_cmpstr (first[0], ==, "/traces/host");
  g_assert_cmpstr (first[1], ==, "/traces/server1");

  g_settings_reset (settings, "recent-sets");
}

static void
test_window_set_name (void)
{
  static const struct {
    const char *paths[3];
    const char *name;
  } cases[] = {
    { { "/traces/server1", "/traces/host", NULL }, "server1 + host" },
    { { "/traces/kvm/", NULL }, "kvm" },
    { { "relative", NULL }, "relative" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = strata_app_set_name (cases[i].paths);

      g_assert_cmpstr (name, ==, cases[i].name);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!test_ui_init ())
    return 77;

  g_test_add_func ("/window/set-name", test_window_set_name);
  g_test_add_func ("/window/remember-set", test_window_remember_set);
  g_test_add_func ("/window/welcome", test_window_welcome);
  g_test_add_func ("/window/missing-folder", test_window_missing_folder);
  g_test_add_func ("/window/empty-folder", test_window_empty_folder);
  g_test_add_func ("/window/demo", test_window_demo);
  g_test_add_func ("/window/cancel", test_window_cancel);
  g_test_add_func ("/application/open", test_application);
  g_test_add_func ("/application/missing-demo", test_application_missing_demo);

  return g_test_run ();
}
