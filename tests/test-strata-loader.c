/* test-strata-loader.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "strata-loader.h"
#include "strata-scenario.h"
#include "strata-trace-loader.h"
#include "test-util.h"

/*
 * StrataLoader, without a display: its progress (a fraction that never goes back and ends at
 * 1, the phases in order, all told in the main context of the load), the blocking form, the
 * options it passes to the analysis, a load that fails, and cancelling while it reads and
 * while it analyses. The big set is the procedural bench (a host and two guests), written
 * to a temporary folder.
 */

#define BENCH_EVENTS    1000000
#define CANCEL_LIMIT_US (2 * G_USEC_PER_SEC)

static char *bench_dir;

static const char *
bench (void)
{
  if (bench_dir == NULL)
    {
      g_autoptr(GError) error = NULL;

      bench_dir = g_dir_make_tmp ("strata-loader-XXXXXX", NULL);
      g_assert_nonnull (bench_dir);
      g_assert_true (strata_scenario_write_bench (bench_dir, BENCH_EVENTS, &error));
      g_assert_no_error (error);
    }
  return bench_dir;
}

/* What a load told through its properties, and how it ended. */
typedef struct
{
  GThread           *thread;        /* where every notification must come */
  GArray            *fractions;     /* double, one per notify::fraction */
  GArray            *phases;        /* StrataLoaderPhase, one per notify::phase */
  guint              n_messages;
  guint              wrong_thread;
  gboolean           done;
  StrataAnalysis    *analysis;
  GError            *error;
  /* Cancelling */
  GCancellable      *cancellable;
  StrataLoaderPhase  cancel_in;     /* cancel once the load enters this phase… */
  guint              cancel_after_ms; /* …and this long after it got there */
  StrataLoaderPhase  phase_at_cancel;
  gint64             cancelled_at;
  gint64             done_at;
} Watch;

static void
watch_init (Watch *w)
{
  memset (w, 0, sizeof *w);
  w->thread = g_thread_self ();
  w->fractions = g_array_new (FALSE, FALSE, sizeof (double));
  w->phases = g_array_new (FALSE, FALSE, sizeof (StrataLoaderPhase));
  w->cancellable = g_cancellable_new ();
  /* Never: the phase never goes back to idle. */
  w->cancel_in = STRATA_LOADER_PHASE_IDLE;
}

static void
watch_clear (Watch *w)
{
  g_array_unref (w->fractions);
  g_array_unref (w->phases);
  g_clear_pointer (&w->analysis, strata_analysis_unref);
  g_clear_error (&w->error);
  g_clear_object (&w->cancellable);
}

static gboolean
cancel_cb (gpointer data)
{
  Watch *w = data;
  StrataLoader *loader = g_object_get_data (G_OBJECT (w->cancellable), "loader");

  w->phase_at_cancel = strata_loader_get_phase (loader);
  w->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (w->cancellable);
  return G_SOURCE_REMOVE;
}

static void
notify_cb (StrataLoader *loader,
           GParamSpec   *pspec,
           Watch        *w)
{
  if (g_thread_self () != w->thread)
    w->wrong_thread++;

  if (strcmp (pspec->name, "fraction") == 0)
    {
      double fraction = strata_loader_get_fraction (loader);

      g_array_append_val (w->fractions, fraction);
    }
  else if (strcmp (pspec->name, "message") == 0)
    w->n_messages++;
  else if (strcmp (pspec->name, "phase") == 0)
    {
      StrataLoaderPhase phase = strata_loader_get_phase (loader);

      g_array_append_val (w->phases, phase);
      if (phase == w->cancel_in)
        {
          g_object_set_data (G_OBJECT (w->cancellable), "loader", loader);
          if (w->cancel_after_ms == 0)
            cancel_cb (w);
          else
            {
              /* In the context the load tells its progress in: the blocking form's own. */
              GSource *source = g_timeout_source_new (w->cancel_after_ms);

              g_source_set_callback (source, cancel_cb, w, NULL);
              g_source_attach (source, g_main_context_get_thread_default ());
              g_source_unref (source);
            }
        }
    }
}

static StrataLoader *
watched_loader (const char *path,
                Watch      *w)
{
  const char *paths[] = { path, NULL };
  StrataLoader *loader = strata_loader_new (paths);

  g_assert_cmpint (strata_loader_get_phase (loader), ==, STRATA_LOADER_PHASE_IDLE);
  g_assert_cmpfloat (strata_loader_get_fraction (loader), ==, 0.0);
  g_assert_null (strata_loader_get_message (loader));
  g_assert_cmpstr (strata_loader_get_paths (loader)[0], ==, path);
  g_assert_null (strata_loader_get_paths (loader)[1]);
  g_signal_connect (loader, "notify", G_CALLBACK (notify_cb), w);
  return loader;
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Watch *w = user_data;

  g_assert_true (g_thread_self () == w->thread);
  /* The phase says so before the callback runs. */
  g_assert_cmpint (strata_loader_get_phase (STRATA_LOADER (object)), ==, STRATA_LOADER_PHASE_DONE);
  w->analysis = strata_loader_load_finish (STRATA_LOADER (object), result, &w->error);
  w->done_at = g_get_monotonic_time ();
  w->done = TRUE;
}

static void
run_async (StrataLoader *loader,
           Watch        *w)
{
  strata_loader_load_async (loader, w->cancellable, load_cb, w);
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
assert_phases (Watch                   *w,
               const StrataLoaderPhase *expected,
               guint                    n_expected)
{
  g_assert_cmpuint (w->phases->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (g_array_index (w->phases, StrataLoaderPhase, i), ==, expected[i]);
}

static void
assert_monotonic (Watch *w)
{
  for (guint i = 1; i < w->fractions->len; i++)
    g_assert_cmpfloat (g_array_index (w->fractions, double, i), >,
                       g_array_index (w->fractions, double, i - 1));
}

static const StrataLoaderPhase all_phases[] = {
  STRATA_LOADER_PHASE_READING, STRATA_LOADER_PHASE_ANALYSING, STRATA_LOADER_PHASE_DONE,
};

/* A whole load: the fraction climbs to 1 while reading, the phases come in order, and every
 * notification comes in the main context of the load. */
static void
test_progress (void)
{
  g_autoptr(StrataLoader) loader = NULL;
  Watch w;

  watch_init (&w);
  loader = watched_loader (bench (), &w);
  run_async (loader, &w);

  g_assert_no_error (w.error);
  g_assert_nonnull (w.analysis);
  g_assert_cmpuint (w.analysis->machines->len, ==, 3);
  g_assert_cmpuint (strata_set_event_count (w.analysis->set), >=, BENCH_EVENTS);

  g_test_message ("%u fraction reports, %u messages", w.fractions->len, w.n_messages);
  g_assert_cmpuint (w.wrong_thread, ==, 0);
  assert_phases (&w, all_phases, G_N_ELEMENTS (all_phases));
  assert_monotonic (&w);
  /* Reports while reading, then 1 for the analysis. */
  g_assert_cmpuint (w.fractions->len, >=, 2);
  g_assert_cmpfloat (g_array_index (w.fractions, double, 0), <, 1.0);
  g_assert_cmpfloat (g_array_index (w.fractions, double, w.fractions->len - 1), ==, 1.0);
  g_assert_cmpfloat (strata_loader_get_fraction (loader), ==, 1.0);
  g_assert_cmpuint (w.n_messages, >=, 2);
  g_assert_null (strata_loader_get_message (loader));

  watch_clear (&w);
}

/* The message follows the phase: sizes read while reading, then the analysis. */
static void
message_cb (StrataLoader *loader,
            GParamSpec   *pspec,
            GPtrArray    *messages)
{
  const char *message = strata_loader_get_message (loader);

  g_ptr_array_add (messages, g_strdup_printf ("%s|%s",
                                              strata_loader_get_phase (loader) == STRATA_LOADER_PHASE_READING
                                                ? "reading" : "other",
                                              message != NULL ? message : "none"));
}

static void
test_messages (void)
{
  g_autoptr(StrataLoader) loader = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  Watch w;

  watch_init (&w);
  loader = watched_loader (bench (), &w);
  g_signal_connect (loader, "notify::message", G_CALLBACK (message_cb), messages);
  run_async (loader, &w);
  g_assert_no_error (w.error);

  g_assert_cmpuint (messages->len, >=, 3);
  for (guint i = 0; i < messages->len - 2; i++)
    {
      const char *m = g_ptr_array_index (messages, i);

      g_assert_true (g_str_has_prefix (m, "reading|"));
      g_assert_nonnull (strstr (m, " of "));
    }
  g_assert_cmpstr (g_ptr_array_index (messages, messages->len - 2), ==, "other|Analysing…");
  g_assert_cmpstr (g_ptr_array_index (messages, messages->len - 1), ==, "other|none");

  watch_clear (&w);
}

typedef struct
{
  Watch          w;
  StrataLoader  *loader;
} SyncRun;

static gpointer
sync_thread (gpointer data)
{
  SyncRun *run = data;

  /* The thread's own: notifications must come here, not in the main thread. */
  run->w.thread = g_thread_self ();
  run->w.analysis = strata_loader_load (run->loader, run->w.cancellable, &run->w.error);
  run->w.done = TRUE;
  return NULL;
}

/* The blocking form, on a thread of its own, as a command-line tool or a worker calls it. */
static void
test_blocking (void)
{
  SyncRun run;

  watch_init (&run.w);
  run.loader = watched_loader (bench (), &run.w);
  g_thread_join (g_thread_new ("strata-test-load", sync_thread, &run));

  g_assert_no_error (run.w.error);
  g_assert_nonnull (run.w.analysis);
  g_assert_cmpuint (run.w.analysis->machines->len, ==, 3);
  g_assert_cmpuint (run.w.wrong_thread, ==, 0);
  assert_phases (&run.w, all_phases, G_N_ELEMENTS (all_phases));
  assert_monotonic (&run.w);
  g_assert_cmpfloat (strata_loader_get_fraction (run.loader), ==, 1.0);
  /* Nothing of the load was left for the main context. */
  g_assert_false (g_main_context_pending (NULL));

  g_object_unref (run.loader);
  watch_clear (&run.w);
}

/* Options reach the analysis: a guest linked by hand, and events released. */
static const char *unsynced_guest =
  "trace host hostname=host cpus=1 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 9000 0 kvm_x86_exit vcpu_id=0\n"
  "event 10000 0 sched_switch prev_tid=501 prev_state=1 next_tid=0\n"
  "trace lonely hostname=lonely cpus=1 offset_s=1000\n"
  "event 3000 0 sched_switch prev_tid=0 prev_state=0 next_tid=77 next_comm=inside\n"
  "event 8000 0 sched_switch prev_tid=77 prev_state=1 next_tid=0\n";

static guint64
events_kept (StrataSet *set)
{
  guint64 n = 0;

  for (guint i = 0; i < set->traces->len; i++)
    {
      StrataTrace *t = g_ptr_array_index (set->traces, i);

      for (guint s = 0; s < t->streams->len; s++)
        n += strata_event_buffer_count (((StrataStream *) g_ptr_array_index (t->streams, s))->buffer);
    }
  return n;
}

static void
test_options (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_tmpdir ();
  const char *paths[] = { dir, NULL };

  g_assert_true (strata_scenario_write_string (unsynced_guest, "test", dir, NULL, &error));
  g_assert_no_error (error);

  for (guint mapped = 0; mapped < 2; mapped++)
    {
      g_autoptr(StrataLoader) loader = strata_loader_new (paths);
      g_autoptr(StrataAnalysis) analysis = NULL;
      StrataMachine *lonely;

      g_assert_false (strata_loader_get_release_events (loader));
      if (mapped)
        {
          strata_loader_add_map (loader, "lonely", 500);
          strata_loader_set_release_events (loader, TRUE);
        }
      analysis = strata_loader_load (loader, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (analysis);

      lonely = g_ptr_array_index (analysis->machines, strata_analysis_find_machine (analysis, "lonely"));
      g_assert_cmpint (lonely->role, ==, mapped ? STRATA_ROLE_GUEST : STRATA_ROLE_STANDALONE);
      g_assert_cmpint (lonely->link, ==, mapped ? STRATA_LINK_MAP : STRATA_LINK_NONE);
      /* The set keeps its counts; its events only when they are not released. */
      g_assert_cmpuint (strata_set_event_count (analysis->set), >, 0);
      if (mapped)
        g_assert_cmpuint (events_kept (analysis->set), ==, 0);
      else
        g_assert_cmpuint (events_kept (analysis->set), ==, strata_set_event_count (analysis->set));
    }
  test_rm_tree (dir);
}

/* A load that finds nothing fails as strata_trace_load() does, and is done. */
static void
test_failure (void)
{
  g_autofree char *dir = test_make_tmpdir ();
  g_autoptr(StrataLoader) loader = NULL;
  static const StrataLoaderPhase phases[] = {
    STRATA_LOADER_PHASE_READING, STRATA_LOADER_PHASE_DONE,
  };
  Watch w;

  watch_init (&w);
  loader = watched_loader (dir, &w);
  run_async (loader, &w);

  g_assert_error (w.error, STRATA_TRACE_ERROR, STRATA_TRACE_ERROR_NO_TRACE);
  g_assert_null (w.analysis);
  assert_phases (&w, phases, G_N_ELEMENTS (phases));
  g_assert_cmpuint (w.wrong_thread, ==, 0);

  watch_clear (&w);
  test_rm_tree (dir);
}

/* Cancelled in @phase, @after_ms after it began: the load ends cancelled, promptly. */
static void
cancel_in (StrataLoaderPhase phase,
           guint             after_ms,
           gboolean          blocking)
{
  g_autoptr(StrataLoader) loader = NULL;
  Watch w;

  watch_init (&w);
  w.cancel_in = phase;
  w.cancel_after_ms = after_ms;
  loader = watched_loader (bench (), &w);
  if (blocking)
    {
      w.analysis = strata_loader_load (loader, w.cancellable, &w.error);
      w.done_at = g_get_monotonic_time ();
    }
  else
    run_async (loader, &w);

  g_test_message ("cancelled %u ms into the %s phase, done %.0f ms later", after_ms,
                  phase == STRATA_LOADER_PHASE_READING ? "reading" : "analysis",
                  (w.done_at - w.cancelled_at) / 1e3);
  /* The load was still in that phase: what was cancelled is that phase's work. */
  g_assert_cmpint (w.phase_at_cancel, ==, phase);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (w.analysis);
  g_assert_cmpint (strata_loader_get_phase (loader), ==, STRATA_LOADER_PHASE_DONE);
  g_assert_cmpint (w.done_at - w.cancelled_at, <, CANCEL_LIMIT_US);
  g_assert_cmpint (g_array_index (w.phases, StrataLoaderPhase, w.phases->len - 1), ==,
                   STRATA_LOADER_PHASE_DONE);
  if (phase == STRATA_LOADER_PHASE_READING)
    g_assert_cmpfloat (strata_loader_get_fraction (loader), <, 1.0);
  else
    assert_phases (&w, all_phases, G_N_ELEMENTS (all_phases));
  assert_monotonic (&w);

  watch_clear (&w);
}

static void
test_cancel_reading (void)
{
  cancel_in (STRATA_LOADER_PHASE_READING, 20, FALSE);
}

static void
test_cancel_analysis (void)
{
  cancel_in (STRATA_LOADER_PHASE_ANALYSING, 20, FALSE);
}

static void
test_cancel_analysis_start (void)
{
  cancel_in (STRATA_LOADER_PHASE_ANALYSING, 0, FALSE);
}

static void
test_cancel_blocking (void)
{
  cancel_in (STRATA_LOADER_PHASE_ANALYSING, 20, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata-loader/progress", test_progress);
  g_test_add_func ("/strata-loader/messages", test_messages);
  g_test_add_func ("/strata-loader/blocking", test_blocking);
  g_test_add_func ("/strata-loader/options", test_options);
  g_test_add_func ("/strata-loader/failure", test_failure);
  g_test_add_func ("/strata-loader/cancel/reading", test_cancel_reading);
  g_test_add_func ("/strata-loader/cancel/analysis", test_cancel_analysis);
  g_test_add_func ("/strata-loader/cancel/analysis-start", test_cancel_analysis_start);
  g_test_add_func ("/strata-loader/cancel/blocking", test_cancel_blocking);
  status = g_test_run ();

  if (bench_dir != NULL)
    test_rm_tree (bench_dir);
  g_free (bench_dir);
  return status;
}
