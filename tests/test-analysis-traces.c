/* test-analysis-traces.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "strata-analysis.h"
#include "strata-trace-loader.h"

static const char *traces_dir;

static StrataAnalysis *
analyse (const char *name)
{
  g_autofree char *path = g_build_filename (traces_dir, name, NULL);
  const char *paths[] = { path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_trace_load (paths, NULL, NULL, &error);
  StrataAnalysis *analysis;

  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (analysis);
  return analysis;
}

/* Busy time per CPU counted straight from sched_switch: the time a non-idle thread is current,
 * from each CPU's first event (its first switch names the thread that ran until then) to the
 * end of the set. */
static void
check_busy_time (const char *name)
{
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(StrataEventMerge) merge = NULL;
  g_autoptr(GArray) busy = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_autoptr(GArray) since = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_autoptr(GArray) current = g_array_new (FALSE, TRUE, sizeof (gint64));
  StrataTrace *trace;
  StrataEvent ev;
  gint64 end;
  guint checked = 0;

  if (traces_dir == NULL || !g_file_test (traces_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("sample traces not found (STRATA_TRACES_DIR)");
      return;
    }
  analysis = analyse (name);
  trace = g_ptr_array_index (analysis->set->traces, 0);
  end = strata_store_end (analysis->store);
  g_array_set_size (busy, trace->n_cpus);
  g_array_set_size (since, trace->n_cpus);
  g_array_set_size (current, trace->n_cpus);
  for (guint c = 0; c < trace->n_cpus; c++)
    {
      g_array_index (current, gint64, c) = -1;
      g_array_index (since, gint64, c) = G_MAXINT64;
    }
  for (guint s = 0; s < trace->streams->len; s++)
    {
      StrataStream *stream = g_ptr_array_index (trace->streams, s);
      gint64 *first = &g_array_index (since, gint64, stream->cpu);

      *first = MIN (*first, stream->begin_ns);
    }

  merge = strata_trace_merge (trace);
  while (strata_event_merge_next (merge, &ev))
    {
      gint64 *cur = &g_array_index (current, gint64, ev.cpu);

      if (ev.kind != STRATA_EV_SCHED_SWITCH)
        continue;
      if (*cur < 0)
        *cur = ev.f[STRATA_F_SWITCH_PREV_TID];
      if (*cur > 0)
        g_array_index (busy, gint64, ev.cpu) += ev.ts - g_array_index (since, gint64, ev.cpu);
      *cur = ev.f[STRATA_F_SWITCH_NEXT_TID];
      g_array_index (since, gint64, ev.cpu) = ev.ts;
    }
  for (guint c = 0; c < trace->n_cpus; c++)
    if (g_array_index (current, gint64, c) > 0)
      g_array_index (busy, gint64, c) += end - g_array_index (since, gint64, c);

  for (guint c = 0; c < trace->n_cpus; c++)
    {
      g_autofree char *row_name = g_strdup_printf ("pcpu/%u", c);
      gint row = strata_store_find_row (analysis->store, row_name);
      guint64 n = strata_store_row_n_intervals (analysis->store, row);
      gint64 store_busy = 0;

      g_assert_cmpint (row, >=, 0);
      for (guint64 i = 0; i < n; i++)
        {
          StrataInterval iv;

          strata_store_interval (analysis->store, row, i, &iv);
          g_assert_cmpint (iv.end, >=, iv.start);
          if (iv.desc->tid > 0)
            store_busy += iv.end - iv.start;
        }
      g_test_message ("%s cpu %u: busy %" G_GINT64_FORMAT " ns", name, c, store_busy);
      g_assert_cmpint (store_busy, ==, g_array_index (busy, gint64, c));
      if (store_busy > 0)
        checked++;
    }
  g_assert_cmpuint (checked, >=, 2);
}

static void
test_busy_many_threads (void)
{
  check_busy_time ("tc-many-threads");
}

static void
test_busy_yum (void)
{
  check_busy_time ("tvl-package-managers/yum");
}

/* Every kernel trace analyses: rows for each CPU, intervals consecutive and in the set. */
static void
test_every_trace (void)
{
  const char *names[] = {
    "bt-lttng-tracefile-rotation/kernel", "bt-multi-domains", "tc-bug446190-arm64",
    "tc-flipping-endianness", "tc-hello-lost", "tc-many-threads", "tc-synctraces",
    "tvl-cat-kern-ust", "tvl-ls-ust", "tvl-package-managers", "tvl-simple-kernel",
    "tvl-wget-critical-path",
  };

  if (traces_dir == NULL || !g_file_test (traces_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("sample traces not found (STRATA_TRACES_DIR)");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(StrataAnalysis) analysis = analyse (names[i]);
      StrataStore *store = analysis->store;

      g_test_message ("%s: %u machines, %u rows, %" G_GUINT64_FORMAT " changes", names[i],
                      analysis->machines->len, strata_store_n_rows (store),
                      strata_store_n_changes (store));
      g_assert_cmpuint (analysis->machines->len, >=, 1);
      g_assert_cmpint (strata_store_end (store), >=, strata_store_begin (store));
      for (guint r = 0; r < strata_store_n_rows (store); r++)
        {
          guint64 n = strata_store_row_n_intervals (store, r);
          gint64 last_end = G_MININT64;

          for (guint64 k = 0; k < n; k++)
            {
              StrataInterval iv;

              strata_store_interval (store, r, k, &iv);
              g_assert_cmpint (iv.start, <, iv.end);
              g_assert_true (last_end == G_MININT64 || iv.start == last_end);
              last_end = iv.end;
            }
        }
    }
}

/* Two VM traces recorded at once synchronize by their TCP traffic. */
static void
test_tcp_sync (void)
{
  g_autoptr(StrataAnalysis) analysis = NULL;
  StrataMachine *synced = NULL;

  if (traces_dir == NULL || !g_file_test (traces_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("sample traces not found (STRATA_TRACES_DIR)");
      return;
    }
  analysis = analyse ("tc-synctraces");
  g_assert_cmpuint (analysis->machines->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      StrataMachine *m = g_ptr_array_index (analysis->machines, i);

      if (m->sync_method == STRATA_SYNC_METHOD_TCP)
        synced = m;
    }
  g_assert_nonnull (synced);
  g_assert_cmpint (synced->sync_reference, >=, 0);
  g_assert_true (synced->sync.quality == STRATA_SYNC_ACCURATE ||
                 synced->sync.quality == STRATA_SYNC_APPROXIMATE);
  g_assert_cmpuint (synced->sync.matches, >=, 10);
  /* Two clocks of one lab: nearly the same rate. */
  g_assert_cmpfloat (ABS (synced->sync.alpha - 1.0), <, 1e-3);
}

/* Chromium's sandbox nests PID namespaces: the state dump gives each thread its ids there. */
static void
test_pid_namespaces (void)
{
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(GHashTable) namespaces = g_hash_table_new (g_int64_hash, g_int64_equal);
  StrataMachine *m;
  guint nested = 0;

  if (traces_dir == NULL || !g_file_test (traces_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("sample traces not found (STRATA_TRACES_DIR)");
      return;
    }
  analysis = analyse ("tvl-wget-critical-path/wget-k-20180802-115043/kernel");
  m = g_ptr_array_index (analysis->machines, 0);
  for (guint i = 0; i < m->threads->len; i++)
    {
      StrataThreadInfo *t = &g_array_index (m->threads, StrataThreadInfo, i);

      if (t->vtid >= 0 && t->vtid != t->tid)
        nested++;
      if (t->ns_inum != 0)
        g_hash_table_add (namespaces, &t->ns_inum);
    }
  g_test_message ("%u threads with their own ids in a namespace, %u namespaces", nested,
                  g_hash_table_size (namespaces));
  g_assert_cmpuint (nested, >=, 100);
  g_assert_cmpuint (g_hash_table_size (namespaces), >=, 10);
  /* Lookups by tid, and the parent process of a thread. */
  {
    StrataThreadInfo *t = &g_array_index (m->threads, StrataThreadInfo, m->threads->len / 2);
    const StrataThreadInfo *found = strata_analysis_find_thread (analysis, 0, t->tid);

    g_assert_true (found == t);
    g_assert_null (strata_analysis_find_thread (analysis, 0, -5));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  traces_dir = g_getenv ("STRATA_TRACES_DIR");
  g_test_add_func ("/analysis/traces/busy-many-threads", test_busy_many_threads);
  g_test_add_func ("/analysis/traces/busy-yum", test_busy_yum);
  g_test_add_func ("/analysis/traces/every-trace", test_every_trace);
  g_test_add_func ("/analysis/traces/tcp-sync", test_tcp_sync);
  g_test_add_func ("/analysis/traces/pid-namespaces", test_pid_namespaces);
  return g_test_run ();
}
