/* test-app-cache.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#define G_LOG_DOMAIN "test-app-cache"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "strata-application.h"
#include "strata-window.h"
#include "test-ui-util.h"
#include "test-util.h"

/*
 * The app's saved analyses: its windows save what they open in $XDG_CACHE_HOME/strata, the
 * menu's Forget Saved Analyses removes them, and a cache folder that cannot be written to
 * is said once, in the first window that opens a set, and nowhere after.
 */

static StrataApplication *
app_new (void)
{
  StrataApplication *app = strata_application_new ();
  g_autoptr(GError) error = NULL;

  /* Not unique: a Strata running on the session bus must not take the calls. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

static StrataWindow *
open_demo (StrataApplication *app)
{
  const char *paths[] = { g_getenv ("STRATA_DEMO_DIR"), NULL };
  StrataWindow *window = strata_window_new (GTK_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  strata_window_open (window, paths);
  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);
  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");
  return window;
}

static guint
count_saved (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* Whether a label under @widget says @text. */
static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static void
test_save_and_forget (void)
{
  g_autoptr(StrataApplication) app = app_new ();
  const char *dir = strata_cache_get_dir (strata_application_get_cache (app));
  StrataWindow *window;

  g_assert_true (g_str_has_prefix (dir, g_getenv ("XDG_CACHE_HOME")));
  strata_cache_forget (strata_application_get_cache (app), NULL);
  window = open_demo (app);
  g_assert_cmpuint (count_saved (dir), ==, 1);
  g_assert_false (gtk_revealer_get_reveal_child (test_ui_window_child (window, "notice_revealer")));

  g_action_group_activate_action (G_ACTION_GROUP (app), "forget-saved-analyses", NULL);
  g_assert_cmpuint (count_saved (dir), ==, 0);
  /* The set shown is still whole: its file stays mapped; a toast says it was done. */
  g_assert_nonnull (strata_window_get_set (window));
  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");
  test_ui_iterate (20);
  g_assert_true (has_label (GTK_WIDGET (window), "Saved analyses forgotten"));
  gtk_window_destroy (GTK_WINDOW (window));

  window = open_demo (app);
  g_assert_cmpuint (count_saved (dir), ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* In a child process, where $XDG_CACHE_HOME is a file. */
static void
unwritable_child (void)
{
  g_autoptr(StrataApplication) app = app_new ();
  StrataWindow *first = open_demo (app);
  StrataWindow *second = open_demo (app);
  const char *notice = gtk_label_get_label (test_ui_window_child (first, "notice_label"));

  /* Said in the first window, with the folder; not again. */
  g_assert_true (gtk_revealer_get_reveal_child (test_ui_window_child (first, "notice_revealer")));
  g_assert_nonnull (strstr (notice, strata_cache_get_dir (strata_application_get_cache (app))));
  g_assert_false (gtk_revealer_get_reveal_child (test_ui_window_child (second, "notice_revealer")));
  gtk_window_destroy (GTK_WINDOW (first));
  gtk_window_destroy (GTK_WINDOW (second));
}

static void
test_unwritable (void)
{
  g_autofree char *tmp = NULL;
  g_autofree char *blocker = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("XDG_CACHE_HOME"));

  if (g_test_subprocess ())
    {
      unwritable_child ();
      return;
    }
  /* Made here, not in the child, which would leave its own behind. */
  tmp = g_dir_make_tmp ("strata-test-XXXXXX", NULL);
  blocker = g_build_filename (tmp, "file", NULL);
  /* A file where the cache folder should be: not even root can make it. */
  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  g_setenv ("XDG_CACHE_HOME", blocker, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_setenv ("XDG_CACHE_HOME", saved, TRUE);
  g_test_trap_assert_passed ();
  g_unlink (blocker);
  g_rmdir (tmp);
}

int
main (int   argc,
      char *argv[])
{
  /* A cache folder of its own, whatever other tests save beside it meanwhile; set before
   * anything asks GLib where the cache is. */
  g_autofree char *own = NULL;
  int status;

  if (g_getenv ("XDG_CACHE_HOME") != NULL && g_getenv ("STRATA_TEST_OWN_CACHE") == NULL)
    {
      own = g_build_filename (g_getenv ("XDG_CACHE_HOME"), "test-app-cache-XXXXXX", NULL);
      g_mkdir_with_parents (g_getenv ("XDG_CACHE_HOME"), 0700);
      if (g_mkdtemp (own) == NULL)
        g_clear_pointer (&own, g_free);
      else
        {
          g_setenv ("XDG_CACHE_HOME", own, TRUE);
          g_setenv ("STRATA_TEST_OWN_CACHE", "1", TRUE);
        }
    }
  g_test_init (&argc, &argv, NULL);

  if (!test_ui_init () || g_getenv ("STRATA_DEMO_DIR") == NULL || g_getenv ("XDG_CACHE_HOME") == NULL)
    {
      if (own != NULL)
        test_rm_tree (own);
      return 77;
    }

  g_test_add_func ("/app-cache/save-and-forget", test_save_and_forget);
  g_test_add_func ("/app-cache/unwritable", test_unwritable);

  status = g_test_run ();
  if (own != NULL)
    test_rm_tree (own);
  return status;
}
