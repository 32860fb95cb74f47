/* test-ui-util.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include "test-ui-util.h"

/* Dispatches everything the main context has ready, without waiting. */
void
test_ui_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Runs the main context for @msec, dispatching what comes; at least once. */
void
test_ui_iterate (guint msec)
{
  gint64 until = g_get_monotonic_time () + (gint64) msec * 1000;

  do
    {
      test_ui_drain ();
      if (g_get_monotonic_time () < until)
        g_usleep (2000);
    }
  while (g_get_monotonic_time () < until);
  test_ui_drain ();
}

/* A window without an application, shown. */
StrataWindow *
test_ui_window_new (void)
{
  StrataWindow *window = strata_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

gpointer
test_ui_window_child (StrataWindow *window,
                      const char   *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), STRATA_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return child;
}

const char *
test_ui_visible_page (StrataWindow *window)
{
  return gtk_stack_get_visible_child_name (test_ui_window_child (window, "stack"));
}

/* Waits until @window no longer loads, then lets what the load left pending run: it must
 * not disturb a finished load. */
void
test_ui_wait_until_loaded (StrataWindow *window,
                           gint64        timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  while (strata_window_get_loading (window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  test_ui_drain ();
}

/* The first widget of @type at or below @root, popovers of menu buttons included. */
gpointer
test_ui_find_widget (GtkWidget *root,
                     GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  if (GTK_IS_MENU_BUTTON (root) && gtk_menu_button_get_popover (GTK_MENU_BUTTON (root)) != NULL)
    {
      gpointer found = test_ui_find_widget (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (root))), type);

      if (found != NULL)
        return found;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      gpointer found = test_ui_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}
