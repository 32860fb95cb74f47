/* test-ui-util.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include "strata-application.h"
#include "test-ui-util.h"

#if defined (GDK_WINDOWING_X11) && defined (TEST_UI_HAVE_X11)
#include <gdk/x11/gdkx.h>
#endif

/* gtk_init_check(), without animations, and the X pointer moved to the screen's last pixel,
 * out of every test window. Both make a snapshot depend on what the test did only: a CSS
 * transition spreads a change over frames, which a busy machine may snapshot halfway, and
 * Xvfb starts the pointer in the middle of the screen, over the windows, where the crossing
 * events of windows mapping and dialogs closing (of this test or of another one on the same
 * display) would move the view's hover line, which follows the pointer, between a test's
 * synthetic motion and its snapshot. */
gboolean
test_ui_init (void)
{
  if (!gtk_init_check ())
    return FALSE;
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
#if defined (GDK_WINDOWING_X11) && defined (TEST_UI_HAVE_X11)
  if (GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      Display *xdisplay = gdk_x11_display_get_xdisplay (gdk_display_get_default ());
      Screen *screen = DefaultScreenOfDisplay (xdisplay);

      XWarpPointer (xdisplay, None, RootWindowOfScreen (screen), 0, 0, 0, 0,
                    WidthOfScreen (screen) - 1, HeightOfScreen (screen) - 1);
      XSync (xdisplay, False);
    }
#endif
  return TRUE;
}

/* The window of a registered application, as users get it: its style sheet, icons, actions
 * and shortcuts, 1280 × 800. Not unique: a Strata running on the session bus must not take
 * the calls. The caller quits @app when done. */
StrataWindow *
test_ui_application_window_new (StrataApplication **app)
{
  g_autoptr(GError) error = NULL;
  StrataWindow *window;

  *app = strata_application_new ();
  g_application_set_flags (G_APPLICATION (*app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (*app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (*app));
  window = STRATA_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (*app)));
  g_assert_nonnull (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_unmaximize (GTK_WINDOW (window));
  test_ui_iterate (100);
  return window;
}

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

/* @widget as drawn now, on white, in an RGB24 surface. */
cairo_surface_t *
test_ui_render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  cairo_surface_t *surface;
  cairo_t *cr;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* The timeline draws a hover line where the real pointer is, and outlines the focused row
 * while it has the keyboard focus. UI tests running beside each other share a display: their
 * windows opening and closing over one another move the pointer in and out of a view (a
 * window closing over it sends the view an enter) and take the focus from a window and give
 * it back. Either puts a one-pixel column, or a row's outline, in one image and not in the
 * next. Where images are compared or kept, @view (a StrataTimelineView) has no focus, forgets
 * the pointer and hears of it no more, until it is given them back. */
static GtkWidget *isolated_focus;  /* what had the focus before */

void
test_ui_isolate_view (GtkWidget *view,
                      gboolean   isolate)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (view);
  GtkWindow *toplevel = GTK_WINDOW (gtk_widget_get_root (view));
  GObject *motion = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && motion == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
        motion = controller;
    }
  g_assert_nonnull (motion);
  if (isolate)
    {
      g_set_weak_pointer (&isolated_focus, gtk_window_get_focus (toplevel));
      gtk_window_set_focus (toplevel, NULL);
      g_signal_emit_by_name (motion, "leave");
      g_signal_handlers_block_matched (motion, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, view);
    }
  else
    {
      g_signal_handlers_unblock_matched (motion, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, view);
      if (isolated_focus != NULL)
        gtk_widget_grab_focus (isolated_focus);
      g_clear_weak_pointer (&isolated_focus);
    }
}

/* Whether one of @widget's shortcut controllers takes the key: the last added first, as
 * GTK dispatches them; with @any_kind, whatever their phase and scope. */
static gboolean
run_shortcuts (GtkWidget          *widget,
               gboolean            any_kind,
               GtkPropagationPhase phase,
               GtkShortcutScope    scope,
               guint               keyval,
               GdkModifierType     mods)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = g_list_model_get_n_items (controllers); i-- > 0;)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller) ||
          (!any_kind && (gtk_event_controller_get_propagation_phase (controller) != phase ||
                         gtk_shortcut_controller_get_scope (GTK_SHORTCUT_CONTROLLER (controller)) != scope)))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == mods &&
              gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                            gtk_shortcut_get_arguments (shortcut)))
            return TRUE;
        }
    }
  return FALSE;
}

/* Whether a shortcut of @widget, of any phase and scope, takes the key. */
gboolean
test_ui_key_taken (GtkWidget       *widget,
                   guint            keyval,
                   GdkModifierType  mods)
{
  return run_shortcuts (widget, TRUE, GTK_PHASE_NONE, GTK_SHORTCUT_SCOPE_LOCAL, keyval, mods);
}

gboolean
test_ui_run_shortcuts (GtkWidget          *widget,
                       GtkPropagationPhase phase,
                       GtkShortcutScope    scope,
                       guint               keyval,
                       GdkModifierType     mods)
{
  return run_shortcuts (widget, FALSE, phase, scope, keyval, mods);
}

void
test_ui_press_key (GtkWidget       *widget,
                   guint            keyval,
                   GdkModifierType  mods)
{
  g_assert_true (run_shortcuts (widget, TRUE, GTK_PHASE_NONE, GTK_SHORTCUT_SCOPE_LOCAL, keyval, mods));
}

/* Whether a shortcut controller of global scope of @widget or of one of its mapped
 * descendants takes the key, as the window runs them once the focus has let it go (GTK 4.8
 * cannot make key events for a test). */
gboolean
test_ui_run_global_shortcuts (GtkWidget      *widget,
                              guint           keyval,
                              GdkModifierType mods)
{
  if (test_ui_run_shortcuts (widget, GTK_PHASE_BUBBLE, GTK_SHORTCUT_SCOPE_GLOBAL, keyval, mods))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_mapped (child) && test_ui_run_global_shortcuts (child, keyval, mods))
      return TRUE;
  return FALSE;
}
