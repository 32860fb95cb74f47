/* test-follow-ui.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "strata-app-util.h"
#include "strata-follow-bar.h"
#include "strata-follow-dialog.h"
#include "strata-follow.h"
#include "strata-render-follow.h"
#include "strata-timeline-view.h"
#include "test-ui-util.h"

/*
 * Following a guest thread in the window, on the generated demo set: Ctrl+F opens the search,
 * the thread's TID finds it, Enter follows it; the bar over the timeline then shows it
 * preempted where its vCPU was preempted, the timeline outlines it on the pCPU its vCPU ran
 * on, ] selects its next state change and [ the one before, Escape stops following.
 */

static StrataFollowDialog *
find_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (STRATA_IS_FOLLOW_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

/* The guest thread on server1's CPU 0 when its vCPU 0 was first preempted for 1 ms or more,
 * and that preemption. */
static gint
preempted_thread (StrataAnalysis          *analysis,
                  const StrataPreemption **out)
{
  StrataStore *store = analysis->store;
  gint guest = strata_analysis_find_machine (analysis, "server1");
  gint cpu_row = strata_store_find_row (store, "server1/cpu/0");

  for (guint i = 0; i < analysis->preemptions->len; i++)
    {
      const StrataPreemption *p = &g_array_index (analysis->preemptions, StrataPreemption, i);
      StrataInterval at;

      if (p->kind == STRATA_PREEMPTION_PREEMPTED && (gint) p->machine == guest && p->vcpu == 0 && !p->open &&
          p->end - p->start >= 1000000 &&
          strata_store_lookup (store, cpu_row, p->start, &at) && at.desc->tid > 0 &&
          at.desc->state != STRATA_STATE_IDLE)
        {
          *out = p;
          return strata_follow_find_row (analysis, (guint16) guest, at.desc->tid);
        }
    }
  g_assert_not_reached ();
  return -1;
}

static gboolean
near (guint32 px,
      double  r,
      double  g,
      double  b)
{
  return fabs (((px >> 16) & 0xff) - r * 255) < 40 && fabs (((px >> 8) & 0xff) - g * 255) < 40 &&
         fabs ((px & 0xff) - b * 255) < 40;
}

static guint32
pixel (cairo_surface_t *surface,
       int              x,
       int              y)
{
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (surface));
  return *(const guint32 *) (cairo_image_surface_get_data (surface) + y * cairo_image_surface_get_stride (surface) + x * 4);
}

static void
test_follow (void)
{
  g_autoptr(StrataApplication) app = NULL;
  StrataWindow *window;
  g_autofree char *demo = strata_app_dup_demo_dir ();
  const char *paths[] = { demo, NULL };
  StrataSession *session;
  StrataAnalysis *analysis;
  StrataTimelineView *view;
  StrataFollowBar *bar;
  StrataFollowDialog *dialog;
  const StrataPreemption *p;
  g_autofree char *search = NULL;
  g_autofree char *said = NULL;
  g_autoptr(GArray) pieces = NULL;
  const StrataFollowInterval *ran = NULL;
  gint row;
  gint64 d, next_start;
  guint before;

  window = test_ui_application_window_new (&app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 900);
  gtk_window_present (GTK_WINDOW (window));
  strata_window_open (window, paths);
  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);
  session = strata_window_get_session (window);
  g_assert_nonnull (session);
  analysis = strata_session_get_analysis (session);
  view = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_TIMELINE_VIEW);
  bar = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_FOLLOW_BAR);
  g_assert_nonnull (view);
  g_assert_nonnull (bar);
  test_ui_isolate_view (GTK_WIDGET (view), TRUE);
  row = preempted_thread (analysis, &p);
  g_assert_null (strata_follow_bar_get_title (bar));
  /* Nothing followed: the follow keys but Ctrl+F do nothing. */
  g_assert_false (test_ui_run_global_shortcuts (GTK_WIDGET (window), GDK_KEY_bracketright, 0));

  /* Ctrl+F, the TID and its machine, Enter. */
  g_assert_true (test_ui_run_global_shortcuts (GTK_WIDGET (window), GDK_KEY_f, GDK_CONTROL_MASK));
  test_ui_iterate (50);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  before = strata_follow_dialog_get_n_shown (dialog);
  search = g_strdup_printf ("(%" G_GINT64_FORMAT ") — server1", strata_store_row_number (analysis->store, row));
  gtk_editable_set_text (strata_follow_dialog_get_search_entry (dialog), search);
  for (guint i = 0; i < 100 && strata_follow_dialog_get_n_shown (dialog) == before; i++)
    test_ui_iterate (20);
  g_assert_cmpuint (strata_follow_dialog_get_n_shown (dialog), ==, 1);
  g_signal_emit_by_name (strata_follow_dialog_get_search_entry (dialog), "activate");
  test_ui_iterate (50);
  g_assert_null (find_dialog ());
  g_assert_cmpint (strata_session_get_followed_row (session), ==, row);
  g_assert_nonnull (strata_follow_bar_get_title (bar));
  g_test_message ("%s", strata_follow_bar_get_title (bar));

  /* Around the preemption: the bar shows the thread preempted there, in the preempted colour. */
  d = p->end - p->start;
  strata_session_zoom_to (session, p->start - d, p->end + d);
  test_ui_iterate (300);
  {
    double x = strata_timeline_view_time_to_x (view, p->start + d / 2);
    GtkWidget *area = gtk_widget_get_last_child (gtk_widget_get_first_child (gtk_widget_get_first_child (GTK_WIDGET (bar))));
    cairo_surface_t *image;
    StrataRgb red = strata_render_state_color (STRATA_STATE_PREEMPTED, FALSE);

    said = strata_follow_bar_describe_at (bar, x);
    g_test_message ("%s", said);
    g_assert_nonnull (strstr (said, "preempted by"));
    g_assert_true (GTK_IS_DRAWING_AREA (area));
    image = test_ui_render_widget (area);
    g_assert_true (near (pixel (image, (int) x, cairo_image_surface_get_height (image) / 2), red.r, red.g, red.b));
    cairo_surface_destroy (image);
  }

  /* The outline, on the pCPU its vCPU ran on before the preemption. */
  pieces = strata_follow_thread (analysis, row, p->start - d, p->start);
  for (guint k = pieces->len; k-- > 0 && ran == NULL;)
    {
      const StrataFollowInterval *piece = &g_array_index (pieces, StrataFollowInterval, k);

      if (piece->pcpu >= 0 && strata_timeline_view_time_to_x (view, piece->end) - strata_timeline_view_time_to_x (view, piece->start) > 6)
        ran = piece;
    }
  g_assert_nonnull (ran);
  {
    g_autofree char *name = g_strdup_printf ("pcpu/%d", ran->pcpu);
    gint pcpu_row = strata_store_find_row (analysis->store, name);
    graphene_rect_t area;
    cairo_surface_t *image;
    int x = (int) strata_timeline_view_time_to_x (view, (ran->start + ran->end) / 2);
    double r, g, b;
    gboolean outlined = FALSE;

    g_assert_true (strata_timeline_view_get_row_area (view, pcpu_row, &area));
    image = test_ui_render_widget (GTK_WIDGET (view));
    strata_render_follow_color (FALSE, &r, &g, &b);
    for (int dy = 0; dy < 4; dy++)
      outlined |= near (pixel (image, x, (int) area.origin.y + dy), r, g, b);
    g_assert_true (outlined);
    cairo_surface_destroy (image);

    /* Not following: no outline there. */
    strata_session_follow (session, -1);
    test_ui_iterate (50);
    image = test_ui_render_widget (GTK_WIDGET (view));
    outlined = FALSE;
    for (int dy = 0; dy < 4; dy++)
      outlined |= near (pixel (image, x, (int) area.origin.y + dy), r, g, b);
    g_assert_false (outlined);
    cairo_surface_destroy (image);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.follow-thread", "i", row));
  }

  /* ] from the preemption: the change after it; [ back to it. */
  strata_session_select (session, p->start, p->start + 1);
  g_assert_true (test_ui_run_global_shortcuts (GTK_WIDGET (window), GDK_KEY_bracketright, 0));
  next_start = strata_session_get_selected_time (session)->begin;
  g_assert_cmpint (next_start, ==, p->end);
  g_assert_true (test_ui_run_global_shortcuts (GTK_WIDGET (window), GDK_KEY_bracketleft, 0));
  g_assert_cmpint (strata_session_get_selected_time (session)->begin, ==, p->start);
  g_assert_cmpint (strata_session_get_selected_time (session)->end, ==, p->end);

  /* Escape stops following; then the follow keys are free again. */
  g_assert_true (test_ui_run_global_shortcuts (GTK_WIDGET (window), GDK_KEY_Escape, 0));
  g_assert_cmpint (strata_session_get_followed_row (session), ==, -1);
  test_ui_iterate (50);
  g_assert_null (strata_follow_bar_get_title (bar));
  g_assert_false (test_ui_run_global_shortcuts (GTK_WIDGET (window), GDK_KEY_bracketright, 0));

  gtk_window_destroy (GTK_WINDOW (window));
  test_ui_drain ();
  g_application_quit (G_APPLICATION (app));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!test_ui_init ())
    return 77;
  g_test_add_func ("/follow-ui/follow", test_follow);
  return g_test_run ();
}
