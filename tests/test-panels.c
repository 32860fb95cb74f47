/* test-panels.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <gtk/gtk.h>

#include "strata-app-util.h"
#include "strata-exit-item.h"
#include "strata-exits-panel.h"
#include "strata-timeline-view.h"
#include "strata-window.h"
#include "test-ui-util.h"

/*
 * The panels that summarize a range, on the demo set in a window: the Exits panel lists the
 * exits of the visible range, or of the selection when there is one, as the index gives
 * them, and sorts by each column.
 */

static StrataWindow *window;

static StrataSession *
get_session (void)
{
  StrataTimelineView *view = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_TIMELINE_VIEW);

  return strata_timeline_view_get_session (view);
}

static GtkColumnViewColumn *
get_column (GtkColumnView *column_view,
            const char    *title)
{
  GListModel *columns = gtk_column_view_get_columns (column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_str_equal (gtk_column_view_column_get_title (column), title))
        return column;
    }
  g_assert_not_reached ();
}

/* The panel's lines equal the index's answer for [from, to), whatever their order. */
static void
check_lines (GListModel     *model,
             StrataAnalysis *analysis,
             gint64          from,
             gint64          to)
{
  g_autoptr(GArray) truth = strata_exits_query (analysis->exits, from, to, -1);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, truth->len);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(StrataExitItem) item = g_list_model_get_item (model, i);
      const StrataExitStats *s = strata_exit_item_get_stats (item);
      gboolean found = FALSE;

      for (guint k = 0; k < truth->len && !found; k++)
        {
          const StrataExitStats *t = &g_array_index (truth, StrataExitStats, k);

          found = t->machine == s->machine && t->vcpu == s->vcpu && t->isa == s->isa && t->code == s->code &&
                  t->count == s->count && t->total_ns == s->total_ns && t->p99_ns == s->p99_ns;
        }
      g_assert_true (found);
    }
}

static void
test_exits (void)
{
  StrataExitsPanel *panel = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_EXITS_PANEL);
  GtkColumnView *column_view = test_ui_find_widget (GTK_WIDGET (panel), GTK_TYPE_COLUMN_VIEW);
  GListModel *model = strata_exits_panel_get_model (panel);
  StrataSession *session = get_session ();
  StrataAnalysis *analysis = strata_session_get_analysis (session);
  const StrataTimeSpan *visible;
  gint64 begin, end;

  g_assert_nonnull (panel);
  strata_session_fit (session);
  strata_session_clear_selection (session);
  test_ui_iterate (50);
  visible = strata_session_get_visible_time (session);
  check_lines (model, analysis, visible->begin, visible->end);
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 4);

  /* The longest total first; then by count, most first, then least. */
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(StrataExitItem) a = g_list_model_get_item (model, i - 1);
      g_autoptr(StrataExitItem) b = g_list_model_get_item (model, i);

      g_assert_cmpint (strata_exit_item_get_total (a), >=, strata_exit_item_get_total (b));
    }
  gtk_column_view_sort_by_column (column_view, get_column (column_view, "Count"), GTK_SORT_DESCENDING);
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(StrataExitItem) a = g_list_model_get_item (model, i - 1);
      g_autoptr(StrataExitItem) b = g_list_model_get_item (model, i);

      g_assert_cmpuint (strata_exit_item_get_count (a), >=, strata_exit_item_get_count (b));
    }
  gtk_column_view_sort_by_column (column_view, get_column (column_view, "p99"), GTK_SORT_ASCENDING);
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(StrataExitItem) a = g_list_model_get_item (model, i - 1);
      g_autoptr(StrataExitItem) b = g_list_model_get_item (model, i);

      g_assert_cmpint (strata_exit_item_get_p99 (a), <=, strata_exit_item_get_p99 (b));
    }

  /* A selection: its exits, after the next idle. */
  begin = visible->begin + (visible->end - visible->begin) / 3;
  end = begin + (visible->end - visible->begin) / 50;
  strata_session_select (session, begin, end);
  test_ui_iterate (50);
  check_lines (model, analysis, begin, end);
  strata_session_clear_selection (session);
  test_ui_iterate (50);
  check_lines (model, analysis, visible->begin, visible->end);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *demo = NULL;
  const char *paths[2] = { NULL, NULL };

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    return 77;
  demo = strata_app_dup_demo_dir ();
  if (!g_file_test (demo, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("no demo set at %s\n", demo);
      return 77;
    }
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  window = strata_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  paths[0] = demo;
  strata_window_open (window, paths);
  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);
  test_ui_iterate (100);

  g_test_add_func ("/panels/exits", test_exits);
  return g_test_run ();
}
