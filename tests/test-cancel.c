/* test-cancel.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <glib/gstdio.h>
#include <malloc.h>

#include "strata-analysis.h"
#include "strata-scenario.h"
#include "strata-trace-loader.h"
#include "test-util.h"

/*
 * Cancelling a load of a big set (the procedural bench: a host and two guests, three million
 * events, generated into a temporary folder) shortly after it starts: it must end with
 * G_IO_ERROR_CANCELLED within CANCEL_LIMIT_US of the cancel, return no set, release its task,
 * and give back its memory.
 */

#define BENCH_EVENTS   3000000
#define CANCEL_LIMIT_US (2 * G_USEC_PER_SEC)

#if defined(__SANITIZE_ADDRESS__)
# define UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define UNDER_ASAN 1
# endif
#endif

static char *bench_dir;

static const char *
bench (void)
{
  if (bench_dir == NULL)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      /* Load nothing once: libbabeltrace2's plugins and the thread pool are set up for good
       * on the first load, which the heap comparison below must not count. */
      {
        const char *nothing[] = { "/nonexistent/strata-cancel", NULL };

        g_assert_null (strata_trace_load (nothing, NULL, NULL, &error));
        g_clear_error (&error);
      }
      bench_dir = g_dir_make_tmp ("strata-cancel-XXXXXX", NULL);
      g_assert_nonnull (bench_dir);
      g_assert_true (strata_scenario_write_bench (bench_dir, BENCH_EVENTS, &error));
      g_assert_no_error (error);
      g_test_message ("bench set of %d events written in %.1f s", BENCH_EVENTS,
                      (g_get_monotonic_time () - start) / 1e6);
    }
  return bench_dir;
}

/* Heap bytes in use; 0 under ASan, whose allocator glibc's statistics do not see. */
static gsize
heap_in_use (void)
{
#ifdef UNDER_ASAN
  return 0;
#else
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
#endif
}

typedef struct
{
  GMainLoop *loop;
  StrataSet *set;
  GError    *error;
  guint      progress_calls;
  gint64     cancelled_at;
  gint64     done_at;
  gboolean   task_finalized;
} Load;

static void
load_progress (guint64  done,
               guint64  total,
               gpointer data)
{
  Load *load = data;

  load->progress_calls++;
}

static void
task_finalized (gpointer  data,
                GObject  *where_the_object_was)
{
  Load *load = data;

  load->task_finalized = TRUE;
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Load *load = data;

  load->done_at = g_get_monotonic_time ();
  load->set = strata_trace_load_finish (result, &load->error);
  g_object_weak_ref (G_OBJECT (result), task_finalized, load);
  g_main_loop_quit (load->loop);
}

static gboolean
cancel_now (gpointer data)
{
  GCancellable *cancellable = data;

  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

/* Starts an async load of the bench set and cancels it after @delay_ms, or when the first
 * progress report arrives if @delay_ms is 0 (decoding has then begun). */
static void
cancel_after (guint delay_ms)
{
  const char *paths[] = { bench (), NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Load load = { 0 };
  gsize heap_before, heap_after;
  gint64 started;

  load.loop = g_main_loop_new (NULL, FALSE);
  heap_before = heap_in_use ();
  started = g_get_monotonic_time ();
  strata_trace_load_async (paths, cancellable, load_progress, &load, load_done, &load);

  if (delay_ms > 0)
    g_timeout_add (delay_ms, cancel_now, cancellable);
  else
    {
      while (load.progress_calls == 0 && load.done_at == 0)
        g_main_context_iteration (NULL, TRUE);
      g_cancellable_cancel (cancellable);
    }

  /* The time of the cancel, as close to it as the main loop tells. */
  while (!g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (NULL, TRUE);
  load.cancelled_at = g_get_monotonic_time ();
  if (load.done_at == 0)
    g_main_loop_run (load.loop);

  g_test_message ("cancelled %.0f ms after the start, done %.0f ms after the cancel, %u progress reports",
                  (load.cancelled_at - started) / 1e3, (load.done_at - load.cancelled_at) / 1e3,
                  load.progress_calls);
  g_assert_error (load.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (load.set);
  g_assert_cmpint (load.done_at - load.cancelled_at, <, CANCEL_LIMIT_US);

  /* The task, and the load data it owns, go once the callback has run and the worker thread
   * and the progress idles have dropped their references. */
  {
    gint64 deadline = g_get_monotonic_time () + CANCEL_LIMIT_US;

    while (!load.task_finalized && g_get_monotonic_time () < deadline)
      {
        while (g_main_context_iteration (NULL, FALSE))
          ;
        if (!load.task_finalized)
          g_usleep (1000);
      }
  }
  g_assert_true (load.task_finalized);

  /* The events decoded so far are freed too: what a few threads' stacks and caches keep is
   * all that may remain (far less than the set, which takes tens of MB). */
  heap_after = heap_in_use ();
  g_test_message ("heap in use: %" G_GSIZE_FORMAT " KiB before, %" G_GSIZE_FORMAT " KiB after",
                  heap_before / 1024, heap_after / 1024);
  if (heap_after > heap_before)
    g_assert_cmpuint (heap_after - heap_before, <, 8 * 1024 * 1024);

  g_clear_error (&load.error);
  g_main_loop_unref (load.loop);
}

static void
test_cancel_once_decoding (void)
{
  cancel_after (0);
}

static void
test_cancel_after_100ms (void)
{
  cancel_after (100);
}

static void
test_cancel_at_once (void)
{
  cancel_after (1);
}

typedef struct
{
  GCancellable *cancellable;
  StrataSet    *set;
  GError       *error;
  gint64        done_at;
} SyncLoad;

static gpointer
sync_load_thread (gpointer data)
{
  SyncLoad *load = data;
  const char *paths[] = { bench (), NULL };

  load->set = strata_trace_load (paths, NULL, load->cancellable, &load->error);
  load->done_at = g_get_monotonic_time ();
  return NULL;
}

/* The blocking call, as the CLI makes it, cancelled from another thread. */
static void
test_cancel_blocking (void)
{
  SyncLoad load = { 0 };
  GThread *thread;
  gint64 cancelled_at;

  bench ();
  load.cancellable = g_cancellable_new ();
  thread = g_thread_new ("strata-test-load", sync_load_thread, &load);
  g_usleep (200 * 1000);
  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (load.cancellable);
  g_thread_join (thread);

  g_test_message ("done %.0f ms after the cancel", (load.done_at - cancelled_at) / 1e3);
  g_assert_error (load.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (load.set);
  g_assert_cmpint (load.done_at - cancelled_at, <, CANCEL_LIMIT_US);
  g_clear_error (&load.error);
  g_object_unref (load.cancellable);
}

typedef struct
{
  StrataSet      *set;
  GCancellable   *cancellable;
  StrataAnalysis *analysis;
  GError         *error;
  gint64          done_at;
} Analyse;

static gpointer
analyse_thread (gpointer data)
{
  Analyse *job = data;
  StrataAnalysisOptions options = { .cancellable = job->cancellable };

  job->analysis = strata_analysis_new (job->set, &options, &job->error);
  job->done_at = g_get_monotonic_time ();
  return NULL;
}

/* The analysis of a loaded set, cancelled before it starts and while it runs. */
static void
test_cancel_analysis (void)
{
  g_autoptr(GError) error = NULL;
  const char *paths[] = { bench (), NULL };
  g_autoptr(StrataSet) set = strata_trace_load (paths, NULL, NULL, &error);
  g_autoptr(GCancellable) before = g_cancellable_new ();
  StrataAnalysisOptions options = { .cancellable = before };
  Analyse job = { 0 };
  GThread *thread;
  gint64 cancelled_at;

  g_assert_no_error (error);
  g_cancellable_cancel (before);
  g_assert_null (strata_analysis_new (set, &options, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  job.set = set;
  job.cancellable = g_cancellable_new ();
  thread = g_thread_new ("strata-test-analyse", analyse_thread, &job);
  g_usleep (20 * 1000);
  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (job.cancellable);
  g_thread_join (thread);

  g_test_message ("done %.0f ms after the cancel", (job.done_at - cancelled_at) / 1e3);
  g_assert_error (job.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (job.analysis);
  g_assert_cmpint (job.done_at - cancelled_at, <, CANCEL_LIMIT_US);
  g_clear_error (&job.error);
  g_object_unref (job.cancellable);

  /* And left alone, the same set analyses. */
  job.analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (job.analysis);
  g_assert_cmpuint (job.analysis->machines->len, ==, 3);
  strata_analysis_unref (job.analysis);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cancel/once-decoding", test_cancel_once_decoding);
  g_test_add_func ("/cancel/after-100ms", test_cancel_after_100ms);
  g_test_add_func ("/cancel/at-once", test_cancel_at_once);
  g_test_add_func ("/cancel/blocking", test_cancel_blocking);
  g_test_add_func ("/cancel/analysis", test_cancel_analysis);
  status = g_test_run ();

  if (bench_dir != NULL)
    test_rm_tree (bench_dir);
  g_free (bench_dir);
  return status;
}
