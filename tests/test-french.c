/* test-french.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#define G_LOG_DOMAIN "test-french"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "strata-app-util.h"
#include "strata-application.h"
#include "strata-store.h"
#include "strata-timeline-view.h"
#include "strata-window.h"
#include "test-ui-util.h"

/*
 * The app with LANGUAGE=fr and the French catalogue built in the build tree (po/fr.po), as
 * main.c binds it there: the welcome page, the primary menu, the set's subtitle with its
 * plural, the states and the shortcuts window speak French. With STRATA_SCREENSHOT_DIR set,
 * /french/screenshot writes the README's French picture there.
 */

static StrataWindow *window;

static void
test_french_catalogue (void)
{
  g_assert_cmpstr (_("Timeline"), ==, "Chronologie");
  g_assert_cmpstr (strata_state_get_title (STRATA_STATE_IDLE), ==, "Inactif");
  /* French counts none as one: the header's plural rule, not English's. */
  g_assert_cmpstr (ngettext ("%u trace", "%u traces", 0), ==, "%u trace");
  g_assert_cmpstr (ngettext ("%u trace", "%u traces", 1), ==, "%u trace");
  g_assert_cmpstr (ngettext ("%u trace", "%u traces", 2), ==, "%u traces");
}

static void
test_french_welcome (void)
{
  GtkStack *stack = test_ui_window_child (window, "stack");
  AdwStatusPage *welcome;

  g_assert_cmpstr (test_ui_visible_page (window), ==, "welcome");
  welcome = test_ui_find_widget (gtk_stack_get_visible_child (stack), ADW_TYPE_STATUS_PAGE);
  g_assert_nonnull (welcome);
  g_assert_cmpstr (adw_status_page_get_title (welcome), ==, "Ouvrir un ensemble de traces");
}

/* The primary menu's items, from the window's template. */
static void
test_french_menu (void)
{
  GtkMenuButton *button = test_ui_window_child (window, "primary_menu_button");
  GMenuModel *menu = gtk_menu_button_get_menu_model (button);
  gboolean found = FALSE;

  g_assert_nonnull (menu);
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
        {
          g_autofree char *action = NULL;
          g_autofree char *label = NULL;

          if (g_menu_model_get_item_attribute (section, j, "action", "s", &action) &&
              g_strcmp0 (action, "win.reload") == 0)
            {
              g_assert_true (g_menu_model_get_item_attribute (section, j, "label", "s", &label));
              g_assert_cmpstr (label, ==, "Re_charger");
              found = TRUE;
            }
        }
    }
  g_assert_true (found);
}

/* The demo set open: its subtitle counts traces and events in French. */
static void
test_french_set (void)
{
  g_autofree char *demo = strata_app_dup_demo_dir ();
  const char *paths[] = { demo, NULL };
  const char *subtitle;

  strata_window_open (window, paths);
  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);
  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");
  test_ui_iterate (100);

  subtitle = adw_window_title_get_subtitle (test_ui_window_child (window, "window_title"));
  g_test_message ("subtitle: %s", subtitle);
  g_assert_true (g_str_has_suffix (subtitle, " événements"));
  g_assert_nonnull (strstr (subtitle, " traces, "));
}

static void
test_french_shortcuts (void)
{
  GtkWindow *overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  GtkWidget *group;
  g_autofree char *first = NULL;

  g_assert_nonnull (overlay);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  test_ui_iterate (300);
  group = test_ui_find_widget (GTK_WIDGET (overlay), GTK_TYPE_SHORTCUTS_GROUP);
  g_assert_nonnull (group);
  g_object_get (group, "title", &first, NULL);
  g_assert_cmpstr (first, ==, "Général");
  gtk_window_close (overlay);
  test_ui_iterate (100);
}

static void
test_french_screenshot (void)
{
  const char *dir = g_getenv ("STRATA_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  cairo_surface_t *surface;
  GtkWidget *view;

  if (dir == NULL)
    {
      g_test_skip ("STRATA_SCREENSHOT_DIR is not set");
      return;
    }
  /* The timeline over the preemptions, whose list speaks too. */
  path = g_build_filename (dir, "strata-french.png", NULL);
  view = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_TIMELINE_VIEW);
  test_ui_isolate_view (view, TRUE);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-details", NULL));
  test_ui_iterate (300);
  surface = test_ui_render_widget (GTK_WIDGET (window));
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-details", NULL);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  test_ui_isolate_view (view, FALSE);
  g_test_message ("wrote %s", path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(StrataApplication) app = NULL;
  g_autofree char *demo = NULL;
  g_autofree char *catalogue = NULL;
  const char *locale_dir = g_getenv ("STRATA_LOCALE_DIR");
  int status;

  /* glibc ignores LANGUAGE in the C locale; C.UTF-8 is always there, and enough. */
  g_setenv ("LANG", "C.UTF-8", TRUE);
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  g_setenv ("LANGUAGE", "fr", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (!test_ui_init ())
    return 77;

  g_assert_nonnull (locale_dir);
  catalogue = g_build_filename (locale_dir, "fr", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  g_assert_true (g_file_test (catalogue, G_FILE_TEST_IS_REGULAR));
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  demo = strata_app_dup_demo_dir ();
  if (!g_file_test (demo, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("no demo set at %s\n", demo);
      return 77;
    }

  window = test_ui_application_window_new (&app);

  g_test_add_func ("/french/catalogue", test_french_catalogue);
  g_test_add_func ("/french/welcome", test_french_welcome);
  g_test_add_func ("/french/menu", test_french_menu);
  g_test_add_func ("/french/set", test_french_set);
  g_test_add_func ("/french/shortcuts", test_french_shortcuts);
  g_test_add_func ("/french/screenshot", test_french_screenshot);

  status = g_test_run ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  test_ui_drain ();
  return status;
}
