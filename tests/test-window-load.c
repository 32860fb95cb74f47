/* test-window-load.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#define G_LOG_DOMAIN "test-window-load"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <unistd.h>

#include "strata-app-util.h"
#include "strata-scenario.h"
#include "strata-window.h"
#include "test-ui-util.h"
#include "test-util.h"

/*
 * The window with a load that takes a while (the procedural bench set, three million events,
 * written to a temporary folder): another set opened while it loads supersedes it, and a
 * window closed while it loads stops it, after which the process goes idle promptly.
 */

#define BENCH_EVENTS     3000000
#define LOAD_TIMEOUT_US  (120 * G_USEC_PER_SEC)
/* From closing the window to the load's threads having stopped. */
#define STOP_LIMIT_US    (2 * G_USEC_PER_SEC)

static char *bench_dir;

static const char *
bench (void)
{
  if (bench_dir == NULL)
    {
      g_autoptr(GError) error = NULL;

      bench_dir = g_dir_make_tmp ("strata-window-load-XXXXXX", NULL);
      g_assert_nonnull (bench_dir);
      g_assert_true (strata_scenario_write_bench (bench_dir, BENCH_EVENTS, &error));
      g_assert_no_error (error);
    }
  return bench_dir;
}

/* A small set of its own: one trace our writer makes from a scenario. */
static char *
small_set (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("strata-window-small-XXXXXX", NULL);

  g_assert_nonnull (dir);
  g_assert_true (strata_scenario_write_string ("trace small hostname=small cpus=1 offset_s=1000\n"
                                               "event 100 0 sched_switch prev_tid=0 next_tid=7 next_comm=worker\n"
                                               "event 900 0 sched_switch prev_tid=7 next_tid=0 prev_comm=worker\n",
                                               "small", dir, NULL, &error));
  g_assert_no_error (error);
  return dir;
}

/* Processor time this process has used, in clock ticks. */
static guint64
cpu_ticks (void)
{
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  g_assert_true (g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL));
  /* The command name, in parentheses, may hold spaces: count fields after it. */
  after = strrchr (stat, ')');
  g_assert_nonnull (after);
  fields = g_strsplit (after + 2, " ", -1);
  g_assert_cmpuint (g_strv_length (fields), >, 13);
  /* utime and stime: fields 14 and 15 of stat(5), 12 and 13 after the name. */
  return g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
}

/* Waits until the window shows a progress report from the decoders: the load runs. */
static void
wait_until_decoding (StrataWindow *window)
{
  GtkProgressBar *bar = test_ui_window_child (window, "progress_bar");
  gint64 deadline = g_get_monotonic_time () + LOAD_TIMEOUT_US;

  while (gtk_progress_bar_get_fraction (bar) == 0.0)
    {
      g_assert_true (strata_window_get_loading (window));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  /* Still decoding, not yet analysing. */
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), <, 1.0);
}

typedef struct
{
  GArray    *fractions;  /* double */
  GPtrArray *texts;      /* char*, "" for none */
} BarLog;

static void
bar_notify_cb (GtkProgressBar *bar,
               GParamSpec     *pspec,
               BarLog         *log)
{
  if (g_str_equal (pspec->name, "fraction"))
    {
      double fraction = gtk_progress_bar_get_fraction (bar);

      g_array_append_val (log->fractions, fraction);
    }
  else if (g_str_equal (pspec->name, "text"))
    {
      const char *text = gtk_progress_bar_get_text (bar);

      g_ptr_array_add (log->texts, g_strdup (text != NULL ? text : ""));
    }
}

/* The loading page's progress bar, over a whole load: the amount read, climbing, then the
 * analysis at 1. */
static void
test_progress_page (void)
{
  const char *big_paths[] = { bench (), NULL };
  StrataWindow *window = test_ui_window_new ();
  GtkProgressBar *bar = test_ui_window_child (window, "progress_bar");
  BarLog log = { g_array_new (FALSE, FALSE, sizeof (double)), g_ptr_array_new_with_free_func (g_free) };
  gboolean reading_shown = FALSE;
  gint analysing_at = -1;

  strata_window_open (window, big_paths);
  g_assert_cmpstr (test_ui_visible_page (window), ==, "loading");
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), ==, 0.0);
  g_signal_connect (bar, "notify::fraction", G_CALLBACK (bar_notify_cb), &log);
  g_signal_connect (bar, "notify::text", G_CALLBACK (bar_notify_cb), &log);
  test_ui_wait_until_loaded (window, LOAD_TIMEOUT_US);
  g_signal_handlers_disconnect_by_data (bar, &log);
  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");

  g_test_message ("%u fractions, %u texts shown", log.fractions->len, log.texts->len);
  g_assert_cmpuint (log.fractions->len, >=, 2);
  g_assert_cmpfloat (g_array_index (log.fractions, double, 0), >, 0.0);
  g_assert_cmpfloat (g_array_index (log.fractions, double, 0), <, 1.0);
  for (guint i = 1; i < log.fractions->len; i++)
    g_assert_cmpfloat (g_array_index (log.fractions, double, i), >=,
                       g_array_index (log.fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (log.fractions, double, log.fractions->len - 1), ==, 1.0);
  for (guint i = 0; i < log.texts->len; i++)
    {
      const char *text = g_ptr_array_index (log.texts, i);

      if (strstr (text, " of ") != NULL)
        {
          g_assert_cmpint (analysing_at, ==, -1);
          reading_shown = TRUE;
        }
      else if (g_str_equal (text, "Analysing…"))
        analysing_at = i;
    }
  g_assert_true (reading_shown);
  g_assert_cmpint (analysing_at, >, 0);

  g_array_unref (log.fractions);
  g_ptr_array_unref (log.texts);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Opening another set while a big one loads: only the second shows. */
static void
test_open_while_loading (void)
{
  g_autofree char *small = small_set ();
  const char *big_paths[] = { bench (), NULL };
  const char *small_paths[] = { small, NULL };
  StrataWindow *window = test_ui_window_new ();
  StrataSet *set;
  gint64 opened;

  strata_window_open (window, big_paths);
  wait_until_decoding (window);

  opened = g_get_monotonic_time ();
  strata_window_open (window, small_paths);
  g_assert_true (strata_window_get_loading (window));
  /* The progress bar follows the new load from its start. */
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (test_ui_window_child (window, "progress_bar")), ==, 0.0);
  test_ui_wait_until_loaded (window, LOAD_TIMEOUT_US);
  g_test_message ("the second set showed %.0f ms after it was opened",
                  (g_get_monotonic_time () - opened) / 1e3);

  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");
  set = strata_window_get_set (window);
  g_assert_nonnull (set);
  g_assert_cmpuint (set->traces->len, ==, 1);
  g_assert_cmpstr (((StrataTrace *) g_ptr_array_index (set->traces, 0))->hostname, ==, "small");

  /* The first load's completion, when it comes, changes nothing. */
  test_ui_iterate (500);
  g_assert_true (strata_window_get_set (window) == set);
  g_assert_cmpstr (test_ui_visible_page (window), ==, "set");

  gtk_window_destroy (GTK_WINDOW (window));
  test_rm_tree (small);
}

/* Closing the window while a big set loads: the load stops, and the process goes idle. */
static void
test_close_while_loading (void)
{
  const char *big_paths[] = { bench (), NULL };
  StrataWindow *window = test_ui_window_new ();
  gint64 closed, idle_at = 0;
  long hz = sysconf (_SC_CLK_TCK);

  strata_window_open (window, big_paths);
  wait_until_decoding (window);

  closed = g_get_monotonic_time ();
  gtk_window_destroy (GTK_WINDOW (window));

  /* Busy decoding uses a processor or two; idle, the main loop uses next to nothing. Look
   * for a 200 ms slice that uses under 20 ms of processor time. */
  while (g_get_monotonic_time () - closed < STOP_LIMIT_US + 200 * 1000)
    {
      guint64 before = cpu_ticks ();

      test_ui_iterate (200);
      if ((cpu_ticks () - before) * 1000 / hz < 20)
        {
          idle_at = g_get_monotonic_time () - 200 * 1000;
          break;
        }
    }
  g_assert_cmpint (idle_at, !=, 0);
  g_test_message ("idle %.0f ms after the window closed", MAX (idle_at - closed, 0) / 1e3);
  g_assert_cmpint (idle_at - closed, <, STOP_LIMIT_US);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!test_ui_init ())
    return 77;

  g_test_add_func ("/window-load/progress-page", test_progress_page);
  g_test_add_func ("/window-load/open-while-loading", test_open_while_loading);
  g_test_add_func ("/window-load/close-while-loading", test_close_while_loading);
  status = g_test_run ();

  if (bench_dir != NULL)
    test_rm_tree (bench_dir);
  g_free (bench_dir);
  return status;
}
