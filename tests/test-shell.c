/* test-shell.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#define G_LOG_DOMAIN "test-shell"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "strata-app-util.h"
#include "strata-application.h"
#include "strata-legend.h"
#include "strata-renderer.h"
#include "strata-timeline-view.h"
#include "strata-window.h"
#include "test-ui-util.h"

/*
 * The window's shell on the demo set: the style manager's light and dark styles, Close Set,
 * Reload, the recent sets, export (its folder, name and toast) and the shortcuts window.
 * With STRATA_SCREENSHOT_DIR set, /shell/screenshots writes the README's pictures there.
 */

static StrataWindow *window;

static void
open_demo (StrataWindow *target)
{
  g_autofree char *demo = strata_app_dup_demo_dir ();
  const char *paths[] = { demo, NULL };

  strata_window_open (target, paths);
  test_ui_wait_until_loaded (target, TEST_UI_LOAD_TIMEOUT_US);
  g_assert_cmpstr (test_ui_visible_page (target), ==, "set");
  test_ui_iterate (100);
}

/* The mean luminance of a surface, 0..1. */
static double
mean_luminance (cairo_surface_t *surface)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  double sum = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 p = *(const guint32 *) (data + y * stride + x * 4);

        sum += 0.2126 * ((p >> 16) & 0xff) + 0.7152 * ((p >> 8) & 0xff) + 0.0722 * (p & 0xff);
      }
  return sum / 255.0 / ((double) width * height);
}

/* The share of pixels that differ between two surfaces of one size. */
static double
changed_share (cairo_surface_t *a,
               cairo_surface_t *b)
{
  int stride = cairo_image_surface_get_stride (a);
  int width = cairo_image_surface_get_width (a);
  int height = cairo_image_surface_get_height (a);
  guint64 changed = 0;

  g_assert_cmpint (width, ==, cairo_image_surface_get_width (b));
  g_assert_cmpint (height, ==, cairo_image_surface_get_height (b));
  for (int y = 0; y < height; y++)
    {
      const guint32 *ra = (const guint32 *) (cairo_image_surface_get_data (a) + y * stride);
      const guint32 *rb = (const guint32 *) (cairo_image_surface_get_data (b) + y * stride);

      for (int x = 0; x < width; x++)
        changed += (ra[x] & 0xffffff) != (rb[x] & 0xffffff);
    }
  return (double) changed / ((double) width * height);
}

/* How many pixels have exactly @color, as does the pixel to their right: swatches, not a
 * stray pixel of anti-aliased text that happens to match. */
static guint
count_pixels (cairo_surface_t *surface,
              StrataRgb        color)
{
  guint32 want = ((guint32) (color.r * 255 + 0.5) << 16) | ((guint32) (color.g * 255 + 0.5) << 8) |
                 (guint32) (color.b * 255 + 0.5);
  int stride = cairo_image_surface_get_stride (surface);
  guint n = 0;

  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    {
      const guint32 *row = (const guint32 *) (cairo_image_surface_get_data (surface) + y * stride);

      for (int x = 0; x + 1 < cairo_image_surface_get_width (surface); x++)
        n += (row[x] & 0xffffff) == want && (row[x + 1] & 0xffffff) == want;
    }
  return n;
}

static void
set_color_scheme (AdwColorScheme scheme)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
  test_ui_iterate (200);
}

static void
test_shell_adwaita (void)
{
  g_assert_true (ADW_IS_APPLICATION_WINDOW (window));
  g_assert_true (g_type_is_a (STRATA_TYPE_APPLICATION, ADW_TYPE_APPLICATION));
  g_assert_true (ADW_IS_WINDOW_TITLE (test_ui_window_child (window, "window_title")));
  g_assert_true (ADW_IS_TOAST_OVERLAY (test_ui_window_child (window, "toast_overlay")));
}

/* Switching the style manager to dark redraws the timeline, and its legend, in the dark
 * colours; back to light, they are as they were. */
static void
test_shell_dark_style (void)
{
  GtkWidget *view = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_TIMELINE_VIEW);
  GtkWidget *legend = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_LEGEND);
  cairo_surface_t *light, *dark, *light_again, *legend_light, *legend_dark;
  double l_light, l_dark;

  g_assert_nonnull (view);
  g_assert_nonnull (legend);

  test_ui_isolate_view (view, TRUE);
  set_color_scheme (ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_false (adw_style_manager_get_dark (adw_style_manager_get_default ()));
  light = test_ui_render_widget (view);
  legend_light = test_ui_render_widget (legend);

  set_color_scheme (ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()));
  dark = test_ui_render_widget (view);
  legend_dark = test_ui_render_widget (legend);

  l_light = mean_luminance (light);
  l_dark = mean_luminance (dark);
  g_test_message ("timeline luminance: light %.3f, dark %.3f; %.0f%% of its pixels changed",
                  l_light, l_dark, 100 * changed_share (light, dark));
  g_assert_cmpfloat (l_dark, <, l_light - 0.3);
  g_assert_cmpfloat (changed_share (light, dark), >, 0.5);
  /* The legend's swatches follow: idle's, which has a colour per style. */
  for (guint dark_style = 0; dark_style <= 1; dark_style++)
    {
      StrataRgb idle = strata_render_state_color (STRATA_STATE_IDLE, dark_style);
      guint in_light = count_pixels (legend_light, idle);
      guint in_dark = count_pixels (legend_dark, idle);

      g_test_message ("idle's %s swatch: %u px in the light legend, %u in the dark one",
                      dark_style ? "dark" : "light", in_light, in_dark);
      g_assert_cmpuint (dark_style ? in_dark : in_light, >=, 40);
      g_assert_cmpuint (dark_style ? in_light : in_dark, ==, 0);
    }

  set_color_scheme (ADW_COLOR_SCHEME_FORCE_LIGHT);
  light_again = test_ui_render_widget (view);
  g_assert_cmpfloat (changed_share (light, light_again), ==, 0);

  set_color_scheme (ADW_COLOR_SCHEME_DEFAULT);
  test_ui_isolate_view (view, FALSE);
  cairo_surface_destroy (light);
  cairo_surface_destroy (dark);
  cairo_surface_destroy (light_again);
  cairo_surface_destroy (legend_light);
  cairo_surface_destroy (legend_dark);
}

/* The first recent set's folders, as the welcome page lists them. */
static const char * const *
first_recent_row_paths (void)
{
  GtkWidget *list = test_ui_window_child (window, "recent_list");
  GtkWidget *row = gtk_widget_get_first_child (list);

  if (row == NULL || !gtk_widget_get_visible (test_ui_window_child (window, "recent_box")))
    return NULL;
  return g_object_get_data (G_OBJECT (row), "strata-paths");
}

static guint
n_recent_menu_items (void)
{
  GMenuModel *section = test_ui_window_child (window, "recent_section");
  guint n = 0;

  for (int i = 0; i < g_menu_model_get_n_items (section); i++)
    {
      g_autofree char *action = NULL;

      if (g_menu_model_get_item_attribute (section, i, "action", "s", &action) &&
          g_strcmp0 (action, "win.open-recent") == 0)
        n++;
    }
  return n;
}

/* Close Set goes back to the welcome page, where the set is first among the recent ones and
 * in the primary menu's Recent Sets; a recent set can be removed, and opened from the menu. */
static void
test_shell_close_set (void)
{
  g_autofree char *demo = strata_app_dup_demo_dir ();
  g_autofree char *canonical = g_canonicalize_filename (demo, NULL);
  g_autoptr(GSettings) settings = g_settings_new (STRATA_SCHEMA_ID);
  const char * const *paths;

  g_settings_reset (settings, "recent-sets");
  open_demo (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-set", NULL));
  test_ui_drain ();

  g_assert_cmpstr (test_ui_visible_page (window), ==, "welcome");
  g_assert_null (strata_window_get_set (window));
  g_assert_null (strata_window_get_session (window));
  g_assert_true (strata_window_get_empty (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Strata");
  paths = first_recent_row_paths ();
  g_assert_nonnull (paths);
  g_assert_cmpstr (paths[0], ==, canonical);
  g_assert_null (paths[1]);
  g_assert_cmpuint (n_recent_menu_items (), ==, 1);

  /* Nothing to close now (Ctrl+W closes the window instead). */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.close-set", NULL);
  test_ui_drain ();
  g_assert_cmpstr (test_ui_visible_page (window), ==, "welcome");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* Opened again from the menu's Recent Sets. */
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.open-recent",
                                                     g_variant_new_strv (paths, -1)));
  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);
  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");

  /* Removed from the recent sets, by the row's button. */
  {
    const char *demo_paths[] = { canonical, NULL };

    strata_window_close_set (window);
    g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.forget-recent",
                                                       g_variant_new_strv (demo_paths, -1)));
    test_ui_drain ();
    g_assert_null (first_recent_row_paths ());
    g_assert_cmpuint (n_recent_menu_items (), ==, 0);
  }

  open_demo (window);
}

/* Reload reads the set again and shows the range it showed. */
static void
test_shell_reload (void)
{
  StrataSession *session = strata_window_get_session (window);
  StrataTimeSpan doc = *strata_session_get_document_time (session);
  StrataTimeSpan range = { doc.begin + (doc.end - doc.begin) / 4, doc.begin + (doc.end - doc.begin) / 3 };

  strata_session_zoom_to (session, range.begin, range.end);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reload", NULL));
  g_assert_true (strata_window_get_loading (window));
  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);

  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");
  g_assert_true (strata_window_get_session (window) != session);
  session = strata_window_get_session (window);
  g_assert_cmpint (strata_session_get_visible_time (session)->begin, ==, range.begin);
  g_assert_cmpint (strata_session_get_visible_time (session)->end, ==, range.end);
}

/* An export proposes a name from the set and the range, in the folder used last (Pictures
 * the first time), writes the file there and says so in a toast that can open it. */
static void
test_shell_export (void)
{
  g_autoptr(GSettings) settings = g_settings_new (STRATA_SCHEMA_ID);
  g_autofree char *tmpdir = g_dir_make_tmp ("strata-test-XXXXXX", NULL);
  g_autofree char *first = g_build_filename (tmpdir, "first.svg", NULL);
  g_autofree char *folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;
  StrataSession *session = strata_window_get_session (window);
  StrataTimeSpan doc = *strata_session_get_document_time (session);
  AdwToast *toast;
  GVariant *target;

  g_settings_reset (settings, "export-folder");
  folder = strata_app_dup_export_folder (settings);
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
  g_clear_pointer (&folder, g_free);

  /* A first export remembers its folder. */
  g_assert_true (strata_window_export (window, first, &error));
  g_assert_no_error (error);
  folder = strata_app_dup_export_folder (settings);
  g_assert_cmpstr (folder, ==, tmpdir);

  /* The next proposes the set's name and the range shown. */
  strata_session_zoom_to (session, doc.begin + 250000000, doc.begin + 500000000);
  name = strata_app_export_name ("demo", *strata_session_get_visible_time (session), doc);
  g_test_message ("proposed name: %s", name);
  g_assert_true (g_str_has_prefix (name, "demo "));
  g_assert_nonnull (strstr (name, "250.000 ms"));
  g_assert_null (strchr (name, ':'));
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (folder, file, NULL);
  g_assert_true (strata_window_export (window, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  toast = strata_window_get_toast (window);
  g_assert_nonnull (toast);
  g_test_message ("toast: %s", adw_toast_get_title (toast));
  g_assert_nonnull (strstr (adw_toast_get_title (toast), file));
  g_assert_cmpstr (adw_toast_get_action_name (toast), ==, "win.open-export");
  target = adw_toast_get_action_target_value (toast);
  uri = g_filename_to_uri (path, NULL, NULL);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, uri);

  g_settings_reset (settings, "export-folder");
  strata_session_fit (session);
  g_unlink (first);
  g_unlink (path);
  g_rmdir (tmpdir);
}

/* About Strata is libadwaita's about window. */
static void
test_shell_about (void)
{
  GApplication *app = g_application_get_default ();
  GtkWindow *about = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  test_ui_iterate (200);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (ADW_IS_ABOUT_WINDOW (l->data))
      about = l->data;
  if (about == NULL)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

          if (ADW_IS_ABOUT_WINDOW (toplevel))
            about = toplevel;
        }
    }
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Strata");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (window));
  gtk_window_destroy (about);
  test_ui_iterate (50);
}

/* The shortcuts window opens without a warning (the test would abort: g_test_init() makes
 * warnings fatal), General first, with the pointer's gestures listed. */
static void
test_shell_shortcuts (void)
{
  GtkWindow *overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  GtkWidget *group;
  g_autofree char *first = NULL;

  g_assert_nonnull (overlay);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  test_ui_iterate (300);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));

  group = test_ui_find_widget (GTK_WIDGET (overlay), GTK_TYPE_SHORTCUTS_GROUP);
  g_assert_nonnull (group);
  g_object_get (group, "title", &first, NULL);
  g_assert_cmpstr (first, ==, "General");

  gtk_window_close (overlay);
  test_ui_iterate (100);
}

/* With STRATA_SCREENSHOT_DIR: the demo set in the light and the dark style. */
static void
test_shell_screenshots (void)
{
  const char *dir = g_getenv ("STRATA_SCREENSHOT_DIR");
  static const struct {
    const char *name;
    AdwColorScheme scheme;
  } shots[] = {
    { "strata-light.png", ADW_COLOR_SCHEME_FORCE_LIGHT },
    { "strata-dark.png", ADW_COLOR_SCHEME_FORCE_DARK },
  };

  if (dir == NULL)
    {
      g_test_skip ("STRATA_SCREENSHOT_DIR is not set");
      return;
    }
  test_ui_isolate_view (test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_TIMELINE_VIEW), TRUE);

  /* What an export of the view writes. */
  {
    g_autofree char *path = g_build_filename (dir, "strata-export.png", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true (strata_window_export (window, path, &error));
    g_assert_no_error (error);
    adw_toast_dismiss (strata_window_get_toast (window));
  }

  for (guint i = 0; i < G_N_ELEMENTS (shots); i++)
    {
      g_autofree char *path = g_build_filename (dir, shots[i].name, NULL);
      cairo_surface_t *surface;

      set_color_scheme (shots[i].scheme);
      surface = test_ui_render_widget (GTK_WIDGET (window));
      g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (surface);
      g_test_message ("wrote %s", path);
    }

  /* The welcome page with the set among the recent ones, and the primary menu. */
  set_color_scheme (ADW_COLOR_SCHEME_FORCE_LIGHT);
  strata_window_close_set (window);
  test_ui_iterate (300);
  {
    g_autofree char *path = g_build_filename (dir, "strata-welcome.png", NULL);
    cairo_surface_t *surface = test_ui_render_widget (GTK_WIDGET (window));
    GtkMenuButton *button = test_ui_window_child (window, "primary_menu_button");
    GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (button));

    g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy (surface);
    gtk_menu_button_popup (button);
    test_ui_iterate (300);
    g_free (path);
    path = g_build_filename (dir, "strata-menu.png", NULL);
    surface = test_ui_render_widget (popover);
    g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy (surface);
    gtk_menu_button_popdown (button);
  }
  open_demo (window);

  {
    g_autofree char *path = g_build_filename (dir, "strata-shortcuts.png", NULL);
    GtkWidget *overlay = GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
    cairo_surface_t *surface;

    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
    test_ui_iterate (300);
    surface = test_ui_render_widget (overlay);
    g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy (surface);
    gtk_window_close (GTK_WINDOW (overlay));
  }
  set_color_scheme (ADW_COLOR_SCHEME_DEFAULT);
  test_ui_isolate_view (test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_TIMELINE_VIEW), FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(StrataApplication) app = NULL;
  g_autofree char *demo = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!test_ui_init ())
    return 77;

  demo = strata_app_dup_demo_dir ();
  if (!g_file_test (demo, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("no demo set at %s\n", demo);
      return 77;
    }

  /* Its actions (app.style-variant, app.open-demo) and shortcuts are the application's. */
  window = test_ui_application_window_new (&app);
  open_demo (window);

  g_test_add_func ("/shell/adwaita", test_shell_adwaita);
  g_test_add_func ("/shell/dark-style", test_shell_dark_style);
  g_test_add_func ("/shell/close-set", test_shell_close_set);
  g_test_add_func ("/shell/reload", test_shell_reload);
  g_test_add_func ("/shell/export", test_shell_export);
  g_test_add_func ("/shell/about", test_shell_about);
  g_test_add_func ("/shell/shortcuts", test_shell_shortcuts);
  g_test_add_func ("/shell/screenshots", test_shell_screenshots);

  status = g_test_run ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  test_ui_drain ();
  return status;
}
