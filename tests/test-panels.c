/* test-panels.c
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
#include "strata-exit-item.h"
#include "strata-exits-panel.h"
#include "strata-range-stats.h"
#include "strata-stats-panel.h"
#include "strata-timeline-view.h"
#include "strata-window.h"
#include "test-ui-util.h"

/*
 * The panels that summarize a range, on the demo set in a window: the Exits panel lists the
 * exits of the visible range, or of the selection when there is one, as the index gives
 * them, sorts by each column and marks the selected line's exits in the view; the Statistics panel's CSV has every vCPU and pCPU of the
 * range, each line adding up to its length, and Copy as CSV puts it on the clipboard.
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

  /* Selecting a line marks its exits on their vCPU's row; the view draws them. */
  {
    GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (column_view));
    GtkWidget *view = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_TIMELINE_VIEW);
    g_autoptr(StrataExitItem) item = g_list_model_get_item (model, 0);
    const StrataExitStats *st = strata_exit_item_get_stats (item);
    cairo_surface_t *before, *after;

    g_assert_cmpint (strata_session_get_marked_exits (session), ==, -1);
    before = test_ui_render_widget (view);
    gtk_single_selection_set_selected (selection, 0);
    g_assert_cmpint (strata_session_get_marked_exits (session), ==,
                     strata_exits_find_group (analysis->exits, st->machine, st->vcpu, st->isa, st->code));
    test_ui_iterate (50);
    after = test_ui_render_widget (view);
    g_assert_cmpint (cairo_image_surface_get_height (before), ==, cairo_image_surface_get_height (after));
    g_assert_true (memcmp (cairo_image_surface_get_data (before), cairo_image_surface_get_data (after),
                           cairo_image_surface_get_stride (before) * cairo_image_surface_get_height (before)) != 0);
    gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
    g_assert_cmpint (strata_session_get_marked_exits (session), ==, -1);
    cairo_surface_destroy (before);
    cairo_surface_destroy (after);
  }
}

static void
clipboard_read (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static void
test_stats (void)
{
  StrataStatsPanel *panel = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_STATS_PANEL);
  StrataSession *session = get_session ();
  StrataAnalysis *analysis = strata_session_get_analysis (session);
  gint64 deadline = g_get_monotonic_time () + TEST_UI_LOAD_TIMEOUT_US;
  g_autoptr(StrataRangeIndex) index = strata_range_index_new (analysis);
  g_autoptr(StrataRangeStats) stats = NULL;
  g_autofree char *truth = NULL;
  g_autofree char *pasted = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 begin, end;
  guint n_lines = 0;

  g_assert_nonnull (panel);
  while (!strata_stats_panel_is_ready (panel))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      test_ui_iterate (10);
    }
  begin = strata_session_get_document_time (session)->begin + 100000000;
  end = begin + 400000000;
  strata_session_select (session, begin, end);
  test_ui_iterate (50);

  /* The CSV of the selection: as the index gives it, a line a vCPU and a pCPU, each adding up. */
  stats = strata_range_index_query (index, begin, end);
  truth = strata_range_stats_to_csv (stats, analysis);
  g_assert_cmpstr (strata_stats_panel_get_csv (panel), ==, truth);
  lines = g_strsplit (truth, "\n", -1);
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);
      gint64 sum = 0;
      guint n = g_strv_length (cells);

      /* Running and its guest split are one time: count running once (column 1), skip 2-5. */
      for (guint c = 1; c + 1 < n; c++)
        if (c < 2 || c > 5)
          sum += g_ascii_strtoll (cells[c], NULL, 10);
      g_assert_cmpint (sum, ==, end - begin);
      n_lines++;
    }
  g_assert_cmpuint (n_lines, ==, stats->vcpus->len + stats->pcpus->len);
  g_assert_cmpuint (n_lines, ==, 2 + 8);

  /* Copy as CSV. */
  strata_stats_panel_copy (panel);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (panel)), NULL, clipboard_read, &pasted);
  while (pasted == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      test_ui_iterate (10);
    }
  g_assert_cmpstr (pasted, ==, truth);
  strata_session_clear_selection (session);
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
  g_test_add_func ("/panels/stats", test_stats);
  return g_test_run ();
}
