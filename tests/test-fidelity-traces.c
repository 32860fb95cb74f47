/* test-fidelity-traces.c: on the sample traces, the analysis tells what the trace proves
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include "strata-analysis.h"
#include "strata-trace-loader.h"
#include "test-util.h"

static StrataAnalysis *
analyse_sample (const char *name)
{
  g_autofree char *path = test_sample (name);
  const char *paths[] = { path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_trace_load (paths, NULL, NULL, &error);
  StrataAnalysis *analysis;

  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  return analysis;
}

/* The interval of @row_name at @ts, which must exist. */
static StrataInterval
interval_at (StrataAnalysis *a,
             const char     *row_name,
             gint64          ts)
{
  gint row = strata_store_find_row (a->store, row_name);
  StrataInterval iv;

  if (row < 0)
    g_error ("no row %s", row_name);
  if (!strata_store_lookup (a->store, row, ts, &iv))
    g_error ("%s has no interval at %" G_GINT64_FORMAT, row_name, ts);
  return iv;
}

/* tvl-simple-kernel (lttng-modules 2.11, Linux 4.18): lttng-sessiond (6974) is switched out
 * with 4096 at …493719659 and back at …493725704, with no wakeup in between. */
static void
test_simple_kernel_marker (void)
{
  g_autoptr(StrataAnalysis) a = NULL;
  StrataInterval iv;

  if (!test_have_samples ())
    return;
  a = analyse_sample ("tvl-simple-kernel");
  iv = interval_at (a, "wilbrod/thread/6974", G_GINT64_CONSTANT (1540227223493719659));
  g_assert_cmpstr (strata_state_to_string (iv.desc->state), ==, "wait-cpu");
  g_assert_cmpint (iv.start, ==, G_GINT64_CONSTANT (1540227223493719659));
  g_assert_cmpint (iv.end, ==, G_GINT64_CONSTANT (1540227223493725704));
}

/* tvl-simple-kernel: pCPU 3 first switches 6.1 ms into the trace, from swapper/3, which ran
 * from the CPU's first event; lttng-sessiond (6974) is in its statedump ioctl, whose exit is
 * its first syscall event, from its first appearance. */
static void
test_simple_kernel_start (void)
{
  g_autoptr(StrataAnalysis) a = NULL;
  StrataInterval iv;

  if (!test_have_samples ())
    return;
  a = analyse_sample ("tvl-simple-kernel");
  iv = interval_at (a, "pcpu/3", G_GINT64_CONSTANT (1540227223494788059));
  g_assert_cmpint (iv.start, ==, G_GINT64_CONSTANT (1540227223494788059));
  g_assert_cmpstr (strata_state_to_string (iv.desc->state), ==, "idle");
  g_assert_cmpint (iv.desc->tid, ==, 0);
  iv = interval_at (a, "pcpu/5", G_GINT64_CONSTANT (1540227223501460101));
  g_assert_cmpstr (strata_state_to_string (iv.desc->state), ==, "syscall");
  g_assert_cmpint (iv.desc->tid, ==, 6974);
  iv = interval_at (a, "wilbrod/thread/6974", G_GINT64_CONSTANT (1540227223493495028));
  g_assert_cmpstr (strata_state_to_string (iv.desc->state), ==, "syscall");
}

/* tc-synctraces: the segments that Trace Compass's matcher pairs by (seq, ack_seq, flags), 46;
 * and an accuracy over the whole guest trace (23 s), not only over the 0.2 s of messages. */
static void
test_synctraces (void)
{
  g_autoptr(StrataAnalysis) a = NULL;
  StrataMachine *synced = NULL;

  if (!test_have_samples ())
    return;
  a = analyse_sample ("tc-synctraces");
  for (guint i = 0; i < a->machines->len; i++)
    if (((StrataMachine *) g_ptr_array_index (a->machines, i))->sync_method == STRATA_SYNC_METHOD_TCP)
      synced = g_ptr_array_index (a->machines, i);
  g_assert_nonnull (synced);
  g_assert_cmpuint (synced->sync.matches, ==, 46);
  g_assert_cmpint (synced->sync.quality, ==, STRATA_SYNC_ACCURATE);
  /* Half the feasible band at the trace's ends, which is tens of milliseconds wide there. */
  g_assert_cmpfloat (synced->sync.accuracy_ns, >, 10e6);
}

/* Time @row_name spends in @state (0 without such a row). */
static gint64
row_time (StrataAnalysis *a,
          const char     *row_name,
          StrataState     state)
{
  gint row = strata_store_find_row (a->store, row_name);
  guint64 first, last;
  gint64 ns = 0;

  if (row < 0)
    return 0;
  strata_store_range (a->store, row, strata_store_begin (a->store), strata_store_end (a->store), &first, &last);
  for (guint64 i = first; i < last; i++)
    {
      StrataInterval iv;

      strata_store_interval (a->store, row, i, &iv);
      if (iv.desc->state == state)
        ns += iv.end - iv.start;
    }
  return ns;
}

/*
 * tc-many-threads: soft IRQ vectors run on every CPU at once (vector 9 for 11.7 ms in all),
 * and each (vector, CPU) row holds exactly the time between that CPU's entries and exits of
 * the vector, worked out here from the events.
 */
static void
test_softirq_per_cpu (void)
{
  g_autoptr(StrataAnalysis) a = NULL;
  g_autoptr(StrataEventMerge) merge = NULL;
  g_autoptr(GHashTable) open = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GHashTable) spent = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;
  gint64 vector9 = 0;
  StrataEvent e;

  if (!test_have_samples ())
    return;
  a = analyse_sample ("tc-many-threads");
  merge = strata_trace_merge (((StrataMachine *) g_ptr_array_index (a->machines, 0))->trace);
  while (strata_event_merge_next (merge, &e))
    {
      gint64 k = e.f[0] * 4096 + e.cpu;
      gint64 *since;

      if (e.kind == STRATA_EV_SOFTIRQ_ENTRY)
        g_hash_table_insert (open, g_memdup2 (&k, sizeof k), g_memdup2 (&e.ts, sizeof e.ts));
      else if (e.kind == STRATA_EV_SOFTIRQ_EXIT && (since = g_hash_table_lookup (open, &k)) != NULL)
        {
          gint64 *total = g_hash_table_lookup (spent, &k);

          if (total == NULL)
            {
              total = g_new0 (gint64, 1);
              g_hash_table_insert (spent, g_memdup2 (&k, sizeof k), total);
            }
          *total += e.ts - *since;
          g_hash_table_remove (open, &k);
        }
    }
  g_assert_cmpuint (g_hash_table_size (spent), >, 8);
  g_hash_table_iter_init (&iter, spent);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 k = *(gint64 *) key;
      g_autofree char *row = g_strdup_printf ("softirq/%" G_GINT64_FORMAT "/cpu/%d", k / 4096, (int) (k % 4096));

      g_assert_cmpint (row_time (a, row, STRATA_STATE_SOFTIRQ), ==, *(gint64 *) value);
      if (k / 4096 == 9)
        vector9 += *(gint64 *) value;
    }
  g_assert_cmpint (vector9, >, 11000000);
}

/*
 * On every sample kernel trace, no switch-out that the trace proves runnable reads blocked:
 * prev_state 0 or one preemption marker, or (in a trace that records wakeups and lost
 * nothing) a switch-in again with no wakeup in between. Worked out here from the events
 * themselves, not from the analysis.
 */
typedef struct
{
  gint32 tid;
  gint64 ts;
} SwitchOut;

static void
check_runnable_switch_outs (StrataAnalysis *a,
                            guint           machine,
                            guint          *n_checked)
{
  StrataMachine *m = g_ptr_array_index (a->machines, machine);
  StrataTrace *trace = m->trace;
  g_autoptr(StrataEventMerge) merge = strata_trace_merge (trace);
  g_autoptr(GHashTable) slept = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GArray) proved = g_array_new (FALSE, FALSE, sizeof (SwitchOut));
  gboolean wakeups = FALSE;
  StrataEvent e;

  /* Does the trace record wakeups at all? */
  while (!wakeups && strata_event_merge_next (merge, &e))
    wakeups = e.kind == STRATA_EV_SCHED_WAKEUP || e.kind == STRATA_EV_SCHED_WAKING;
  g_clear_pointer (&merge, strata_event_merge_free);
  merge = strata_trace_merge (trace);

  while (strata_event_merge_next (merge, &e))
    {
      if (e.kind == STRATA_EV_SCHED_WAKEUP || e.kind == STRATA_EV_SCHED_WAKING ||
          e.kind == STRATA_EV_SCHED_WAKEUP_NEW)
        g_hash_table_remove (slept, GINT_TO_POINTER ((gint32) e.f[STRATA_F_WAKEUP_TID]));
      if (e.kind != STRATA_EV_SCHED_SWITCH)
        continue;
      if (e.f[STRATA_F_SWITCH_PREV_TID] > 0)
        {
          SwitchOut out = { e.f[STRATA_F_SWITCH_PREV_TID], e.ts };
          gint64 state = e.f[STRATA_F_SWITCH_PREV_STATE];

          if (state == 0 || state == 256 || state == 1024 || state == 2048 || state == 4096)
            g_array_append_val (proved, out);
          else
            g_hash_table_insert (slept, GINT_TO_POINTER (out.tid), g_memdup2 (&out, sizeof out));
        }
      if (e.f[STRATA_F_SWITCH_NEXT_TID] > 0)
        {
          SwitchOut *out = g_hash_table_lookup (slept, GINT_TO_POINTER ((gint32) e.f[STRATA_F_SWITCH_NEXT_TID]));

          /* Only a trace that records wakeups and lost nothing proves it. */
          if (out != NULL && wakeups && trace->discarded == 0)
            g_array_append_val (proved, *out);
          g_hash_table_remove (slept, GINT_TO_POINTER ((gint32) e.f[STRATA_F_SWITCH_NEXT_TID]));
        }
    }

  for (guint i = 0; i < proved->len; i++)
    {
      const SwitchOut *out = &g_array_index (proved, SwitchOut, i);
      g_autofree char *row = g_strdup_printf ("%s/thread/%d", m->name, out->tid);
      StrataInterval iv;

      /* The last event of the set: its rows end there. */
      if (out->ts >= strata_store_end (a->store))
        continue;
      iv = interval_at (a, row, out->ts);
      if (iv.desc->state == STRATA_STATE_BLOCKED)
        g_error ("%s: tid %d switched out runnable at %" G_GINT64_FORMAT " reads blocked",
                 trace->path, out->tid, out->ts);
      (*n_checked)++;
    }
}

static void
test_samples_runnable (void)
{
  static const char *samples[] = {
    "bt-lttng-tracefile-rotation", "bt-multi-domains/kernel", "tc-bug446190-arm64",
    "tc-flipping-endianness", "tc-many-threads", "tc-synctraces/scp_dest",
    "tc-synctraces/scp_src", "tvl-cat-kern-ust/cat-kernel", "tvl-package-managers/apt",
    "tvl-package-managers/pacman", "tvl-package-managers/yum", "tvl-simple-kernel",
    "tvl-wget-critical-path",
  };
  guint n_checked = 0;

  if (!test_have_samples ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(StrataAnalysis) a = analyse_sample (samples[i]);
      guint before = n_checked;

      for (guint m = 0; m < a->machines->len; m++)
        {
          StrataMachine *machine = g_ptr_array_index (a->machines, m);

          if (machine->trace != NULL && g_strcmp0 (machine->trace->domain, "kernel") == 0)
            check_runnable_switch_outs (a, m, &n_checked);
        }
      g_test_message ("%s: %u switch-outs proven runnable", samples[i], n_checked - before);
    }
  /* The samples hold thousands: a check that found none checked nothing. */
  g_assert_cmpuint (n_checked, >, 2000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fidelity/samples/simple-kernel-marker", test_simple_kernel_marker);
  g_test_add_func ("/fidelity/samples/simple-kernel-start", test_simple_kernel_start);
  g_test_add_func ("/fidelity/samples/synctraces", test_synctraces);
  g_test_add_func ("/fidelity/samples/softirq-per-cpu", test_softirq_per_cpu);
  g_test_add_func ("/fidelity/samples/runnable", test_samples_runnable);
  return g_test_run ();
}
