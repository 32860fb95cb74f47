/* test-guest-links.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "strata-app-util.h"
#include "strata-guest-links.h"
#include "strata-set-summary.h"
#include "strata-scenario.h"
#include "strata-window.h"
#include "test-ui-util.h"
#include "test-util.h"

/*
 * The Traces tab's guests: each with its VM, how it was linked, and its clock's method,
 * quality and accuracy; a guest that no VM fits says so and links to the VM the user chooses
 * (Link to VM…), which is remembered for the set and analysed again; the link can be
 * forgotten. The set: a host with a guest without sync events and one with vmsync events,
 * and a guest traced on a host that is not in the set.
 */

static const char scenario[] =
  "host host duration=1s preempt_state=256\n"
  "vm web01 vcpus=2 pcpus=0,1 qemu_pid=3000 clock_offset=+300ms drift_ppm=20 sync=none\n"
  "vm spare vcpus=2 pcpus=2,3 qemu_pid=3200 sync=vmsync\n"
  "host elsewhere duration=1s seed=11 trace=0\n"
  "vm stranger vcpus=2 pcpus=4,5 qemu_pid=3400 clock_offset=-200ms sync=none\n";

static GtkWidget *
guest_row (StrataGuestLinks *links,
           const char       *name)
{
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (links)); w != NULL;)
    {
      if (GTK_IS_LIST_BOX_ROW (w) && g_strcmp0 (gtk_widget_get_name (w), name) == 0)
        return w;
      /* Depth first over the widget tree. */
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
            w = (w == GTK_WIDGET (links)) ? NULL : gtk_widget_get_parent (w);
          if (w == GTK_WIDGET (links))
            w = NULL;
          if (w != NULL)
            w = gtk_widget_get_next_sibling (w);
        }
    }
  g_error ("no row for %s", name);
  return NULL;
}

/* The status line of a guest's row: its second label. */
static const char *
row_text (GtkWidget *row)
{
  GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
  GtkWidget *status = gtk_widget_get_next_sibling (gtk_widget_get_first_child (box));

  g_assert_true (GTK_IS_LABEL (status));
  return gtk_label_get_label (GTK_LABEL (status));
}

/* The row of the Link to VM list of @row that starts with @prefix. */
static GtkWidget *
vm_choice (GtkWidget  *row,
           const char *prefix)
{
  GtkMenuButton *button = test_ui_find_widget (row, GTK_TYPE_MENU_BUTTON);
  GtkListBox *list;
  GtkListBoxRow *choice;

  g_assert_nonnull (button);
  list = test_ui_find_widget (GTK_WIDGET (gtk_menu_button_get_popover (button)), GTK_TYPE_LIST_BOX);
  g_assert_nonnull (list);
  for (guint i = 0; (choice = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      const char *text = gtk_label_get_label (GTK_LABEL (gtk_list_box_row_get_child (choice)));

      g_test_message ("choice: %s%s", text, gtk_widget_get_sensitive (GTK_WIDGET (choice)) ? "" : " (insensitive)");
      if (g_str_has_prefix (text, prefix))
        return GTK_WIDGET (choice);
    }
  g_error ("no choice %s", prefix);
  return NULL;
}

/* With STRATA_SCREENSHOT_DIR: the Traces tab as shown, in strata-guest-links.png. */
static void
screenshot (StrataWindow *window)
{
  const char *dir = g_getenv ("STRATA_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  cairo_surface_t *surface;
  cairo_t *cr;
  int width, height;

  if (dir == NULL)
    return;
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-problems", NULL));
  test_ui_iterate (500);
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  path = g_build_filename (dir, "strata-guest-links.png", NULL);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

static void
choose (StrataWindow *window,
        GtkWidget    *choice)
{
  g_assert_true (gtk_widget_get_sensitive (choice));
  g_signal_emit_by_name (choice, "activate");
  /* The set is read and analysed again, with the link. */
  g_assert_true (strata_window_get_loading (window));
  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);
  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");
}

static void
test_guest_links (void)
{
  g_autofree char *dir = test_make_tmpdir ();
  const char *paths[] = { dir, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = strata_app_settings_new ();
  g_autoptr(GVariant) links = NULL;
  StrataWindow *window;
  StrataGuestLinks *guest_links;
  GtkWidget *row;
  gint64 pid = 0;

  g_assert_nonnull (settings);
  g_assert_true (strata_scenario_write_string (scenario, "guest-links", dir, NULL, &error));
  g_assert_no_error (error);

  window = test_ui_window_new ();
  strata_window_open (window, paths);
  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);
  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");
  guest_links = test_ui_window_child (window, "guest_links");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (guest_links)));
  screenshot (window);

  /* Each guest's VM, how it was linked, and its clock. */
  row = guest_row (guest_links, "web01");
  g_test_message ("web01: %s", row_text (row));
  g_assert_true (g_str_has_prefix (row_text (row), "VM 3000 of host, by its KVM windows"));
  g_assert_nonnull (strstr (row_text (row), "clock: KVM windows, accurate, ±"));
  g_assert_null (test_ui_find_widget (row, GTK_TYPE_MENU_BUTTON));
  row = guest_row (guest_links, "spare");
  g_test_message ("spare: %s", row_text (row));
  g_assert_true (g_str_has_prefix (row_text (row), "VM 3200 of host, by its vmsync events"));
  g_assert_nonnull (strstr (row_text (row), "clock: vmsync events, accurate, ±"));

  /* The stranger fits no VM: it says why, and offers the VMs. */
  row = guest_row (guest_links, "stranger");
  g_test_message ("stranger: %s", row_text (row));
  g_assert_true (g_str_has_prefix (row_text (row), "Not linked to a VM: "));
  g_assert_nonnull (strstr (row_text (row), "another host"));
  g_assert_false (gtk_widget_get_sensitive (vm_choice (row, "VM 3200 of host, 2 vCPUs, runs spare")));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (vm_choice (row, "VM 3000 "))))),
                            "does not fit"));

  /* Linked by hand: remembered for the set, analysed again with it, the VM's other guest
   * left unpaired. */
  choose (window, vm_choice (row, "VM 3000 "));
  links = strata_app_dup_guest_links (settings, paths);
  g_assert_nonnull (links);
  g_assert_true (g_variant_lookup (links, "stranger", "x", &pid));
  g_assert_cmpint (pid, ==, 3000);
  g_assert_cmpuint (g_variant_n_children (links), ==, 1);
  guest_links = test_ui_window_child (window, "guest_links");
  row = guest_row (guest_links, "stranger");
  g_test_message ("stranger: %s", row_text (row));
  g_assert_true (g_str_has_prefix (row_text (row), "VM 3000 of host, linked by hand"));
  /* What the analysis says of that link is listed with the set's problems, and a toast
   * leads there. */
  {
    StrataSetSummary *summary = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_SET_SUMMARY);
    GListModel *problems = strata_set_summary_get_problems (summary);
    gboolean said = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (problems); i++)
      {
        g_autoptr(GtkStringObject) item = g_list_model_get_item (problems, i);

        g_test_message ("problem: %s", gtk_string_object_get_string (item));
        said |= g_str_has_prefix (gtk_string_object_get_string (item), "stranger: ");
      }
    g_assert_true (said);
    g_assert_nonnull (strata_window_get_toast (window));
  }
  row = guest_row (guest_links, "web01");
  g_test_message ("web01: %s", row_text (row));
  g_assert_true (g_str_has_prefix (row_text (row), "Not linked to a VM"));

  /* Forgotten: paired automatically again. */
  choose (window, vm_choice (guest_row (guest_links, "stranger"), "Forget"));
  g_clear_pointer (&links, g_variant_unref);
  links = strata_app_dup_guest_links (settings, paths);
  g_assert_null (links);
  g_assert_true (g_str_has_prefix (row_text (guest_row (guest_links, "web01")), "VM 3000 of host, by its KVM windows"));
  g_assert_true (g_str_has_prefix (row_text (guest_row (guest_links, "stranger")), "Not linked to a VM"));

  gtk_window_destroy (GTK_WINDOW (window));
  test_ui_drain ();
  test_rm_tree (dir);
}

/* A set without guests has nothing to show there. */
static void
test_no_guests (void)
{
  g_autofree char *dir = test_make_tmpdir ();
  const char *paths[] = { dir, NULL };
  g_autoptr(GError) error = NULL;
  StrataWindow *window;

  g_assert_true (strata_scenario_write_string ("host lonely duration=200ms\n", "no-guests", dir, NULL, &error));
  g_assert_no_error (error);
  window = test_ui_window_new ();
  strata_window_open (window, paths);
  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);
  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");
  g_assert_false (gtk_widget_get_visible (test_ui_window_child (window, "guest_links")));
  gtk_window_destroy (GTK_WINDOW (window));
  test_ui_drain ();
  test_rm_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    return 77;

  g_test_add_func ("/guest-links/link-and-forget", test_guest_links);
  g_test_add_func ("/guest-links/no-guests", test_no_guests);

  return g_test_run ();
}
