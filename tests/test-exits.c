/* test-exits.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strata-analysis.h"
#include "strata-describe.h"
#include "strata-exit-reason.h"
#include "strata-scenario.h"
#include "strata-section-file.h"

/*
 * VM exits: the names of their reasons, and the per-vCPU, per-reason statistics of a range,
 * compared with what the generated events say: each exit lasts from a kvm_x86_exit to the
 * next kvm_x86_entry of the same vCPU thread, and counts in the range where it starts.
 */

#define BASE G_GINT64_CONSTANT (1000000000000)

static StrataAnalysis *
analyse (StrataSet *set)
{
  g_autoptr(GError) error = NULL;
  StrataAnalysis *analysis = strata_analysis_new (set, NULL, &error);

  g_assert_no_error (error);
  return analysis;
}

static void
test_names (void)
{
  guint32 code = 0;
  StrataExitDetail detail;
  g_autofree char *text = NULL;

  g_assert_cmpstr (strata_exit_reason_display (STRATA_ISA_VMX, 12), ==, "HLT");
  g_assert_cmpstr (strata_exit_reason_display (STRATA_ISA_VMX, 40), ==, "PAUSE_INSTRUCTION");
  g_assert_cmpstr (strata_exit_reason_display (STRATA_ISA_VMX, 48), ==, "EPT_VIOLATION");
  g_assert_cmpstr (strata_exit_reason_display (STRATA_ISA_SVM, 0x077), ==, "pause");
  g_assert_cmpstr (strata_exit_reason_display (STRATA_ISA_SVM, 0x400), ==, "npf");
  g_assert_cmpstr (strata_exit_reason_display (STRATA_ISA_VMX, 9999), ==, "UNKNOWN");
  g_assert_null (strata_exit_reason_name (STRATA_ISA_VMX, 9999));
  /* For people, two unknown codes read apart. */
  g_assert_cmpstr (strata_exit_reason_label (STRATA_ISA_VMX, 9999), ==, "UNKNOWN (9999)");
  g_assert_cmpstr (strata_exit_reason_label (0, 12), ==, "UNKNOWN (12)");
  g_assert_cmpstr (strata_exit_reason_label (STRATA_ISA_VMX, 12), ==, "HLT");
  /* The flags of a failed entry are not a reason of their own. */
  g_assert_cmpuint (strata_exit_code (STRATA_ISA_VMX, 0x80000021), ==, 33);
  g_assert_true (strata_exit_is_pause (STRATA_ISA_VMX, 40));
  g_assert_true (strata_exit_is_pause (STRATA_ISA_SVM, 0x077));
  g_assert_false (strata_exit_is_pause (STRATA_ISA_VMX, 0x077));
  g_assert_true (strata_exit_reason_from_name (STRATA_ISA_SVM, "hlt", &code));
  g_assert_cmpuint (code, ==, 0x078);
  g_assert_false (strata_exit_reason_from_name (STRATA_ISA_VMX, "hlt", &code));
  g_assert_cmpstr (strata_isa_to_string (STRATA_ISA_SVM), ==, "svm");

  /* VMX I/O: the port in bits 16-31, bit 3 clear for out, the size less one in bits 0-2. */
  g_assert_true (strata_exit_detail (STRATA_ISA_VMX, 30, (0x3f8 << 16), 0, &detail));
  g_assert_cmpuint (detail.value, ==, 0x3f8);
  g_assert_cmpuint (detail.kind, ==, STRATA_EXIT_DETAIL_PORT_OUT);
  g_assert_cmpuint (detail.size, ==, 1);
  text = strata_exit_detail_format (&detail);
  g_assert_nonnull (strstr (text, "0x3f8"));
  g_assert_false (strata_exit_detail (STRATA_ISA_VMX, 12, 0, 0, &detail));
}

/* Two vCPUs of one VM; exits with lengths chosen so that every statistic is known. */
static const char *known =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu-system-x86 status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 0 0 lttng_statedump_process_state tid=502 pid=500 ppid=1 name=\"CPU 1/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=502 next_comm=\"CPU 1/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 3000 0 kvm_x86_exit vcpu_id=0 exit_reason=HLT\n"            /* 100 */
  "event 3100 0 kvm_x86_entry vcpu_id=0\n"
  "event 4000 0 kvm_x86_exit vcpu_id=0 exit_reason=HLT\n"            /* 300 */
  "event 4300 0 kvm_x86_entry vcpu_id=0\n"
  "event 5000 0 kvm_x86_exit vcpu_id=0 exit_reason=48\n"             /* EPT: 50 */
  "event 5050 0 kvm_x86_entry vcpu_id=0\n"
  "event 6000 0 kvm_x86_exit vcpu_id=0 exit_reason=HLT\n"            /* 200 */
  "event 6200 0 kvm_x86_entry vcpu_id=0\n"
  "event 7000 0 kvm_x86_exit vcpu_id=0 exit_reason=IO_INSTRUCTION info1=0x3f80000\n"  /* open */
  "event 2000 1 kvm_x86_entry vcpu_id=1\n"
  "event 2500 1 kvm_x86_exit vcpu_id=1 exit_reason=PAUSE_INSTRUCTION\n" /* 10 */
  "event 2510 1 kvm_x86_entry vcpu_id=1\n"
  "event 2600 1 kvm_x86_exit vcpu_id=1 exit_reason=PAUSE_INSTRUCTION\n" /* 30 */
  "event 2630 1 kvm_x86_entry vcpu_id=1\n"
  "event 8000 1 sched_switch prev_tid=502 prev_state=1 prev_comm=\"CPU 1/KVM\" next_tid=0 next_comm=swapper/1\n";

static const StrataExitStats *
find_stats (GArray     *stats,
            gint32      vcpu,
            guint32     code)
{
  for (guint i = 0; i < stats->len; i++)
    {
      const StrataExitStats *s = &g_array_index (stats, StrataExitStats, i);

      if (s->vcpu == vcpu && s->code == code)
        return s;
    }
  return NULL;
}

static void
test_known (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load_string (known, "test", NULL, &error);
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) part = NULL;
  const StrataExitStats *s;
  gint vm;

  g_assert_no_error (error);
  analysis = analyse (set);
  vm = strata_analysis_find_machine (analysis, "host/vm-500");
  g_assert_cmpint (vm, >=, 0);

  all = strata_exits_query (analysis->exits, G_MININT64, G_MAXINT64, -1);
  /* HLT, EPT on vCPU 0, PAUSE on vCPU 1; the I/O exit the trace ends in has no length. */
  g_assert_cmpuint (all->len, ==, 3);
  s = find_stats (all, 0, 12);
  g_assert_nonnull (s);
  g_assert_cmpint (s->machine, ==, vm);
  g_assert_cmpuint (s->isa, ==, STRATA_ISA_VMX);
  g_assert_cmpuint (s->count, ==, 3);
  g_assert_cmpint (s->total_ns, ==, 600);
  g_assert_cmpint (s->min_ns, ==, 100);
  g_assert_cmpint (s->max_ns, ==, 300);
  g_assert_cmpfloat (s->mean_ns, ==, 200.0);
  g_assert_cmpint (s->p99_ns, ==, 300);
  s = find_stats (all, 0, 48);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->count, ==, 1);
  g_assert_cmpint (s->total_ns, ==, 50);
  s = find_stats (all, 1, 40);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->count, ==, 2);
  g_assert_cmpint (s->total_ns, ==, 40);
  g_assert_cmpint (s->min_ns, ==, 10);
  g_assert_cmpint (s->p99_ns, ==, 30);

  /* A range counts the exits that start in it: [4000, 6000) holds one HLT and the EPT. */
  part = strata_exits_query (analysis->exits, BASE + 4000, BASE + 6000, vm);
  g_assert_cmpuint (part->len, ==, 2);
  s = find_stats (part, 0, 12);
  g_assert_cmpuint (s->count, ==, 1);
  g_assert_cmpint (s->total_ns, ==, 300);
  g_assert_cmpint (s->p99_ns, ==, 300);
  g_assert_null (find_stats (part, 1, 40));
  g_clear_pointer (&part, g_array_unref);
  /* The host has no exits of its own. */
  part = strata_exits_query (analysis->exits, G_MININT64, G_MAXINT64, strata_analysis_find_machine (analysis, "host"));
  g_assert_cmpuint (part->len, ==, 0);
  g_clear_pointer (&part, g_array_unref);

  /* The I/O exit the trace ends in is open: a group of its own, counted apart, in order;
   * not in a range it does not start in. */
  strata_exits_add_open_stats (analysis->exits, all, G_MININT64, G_MAXINT64, -1);
  g_assert_cmpuint (all->len, ==, 4);
  s = find_stats (all, 0, 30);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->count, ==, 0);
  g_assert_cmpuint (s->open, ==, 1);
  g_assert_cmpint (s->total_ns, ==, 0);
  g_assert_cmpuint (find_stats (all, 0, 12)->open, ==, 0);
  for (guint i = 1; i < all->len; i++)
    g_assert_cmpint (g_array_index (all, StrataExitStats, i - 1).vcpu * 1000 + (gint) g_array_index (all, StrataExitStats, i - 1).code,
                     <, g_array_index (all, StrataExitStats, i).vcpu * 1000 + (gint) g_array_index (all, StrataExitStats, i).code);
  part = strata_exits_query (analysis->exits, BASE + 4000, BASE + 6000, vm);
  strata_exits_add_open_stats (analysis->exits, part, BASE + 4000, BASE + 6000, vm);
  g_assert_null (find_stats (part, 0, 30));
}

/* The truth, from the generated events themselves. */
typedef struct
{
  gint32  tid;
  guint8  isa;
  guint32 code;
  gint64  start;
  gint64  dur;
  guint64 info1;
} TrueExit;

static GArray *
true_exits (StrataSet *set)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (TrueExit));

  for (guint t = 0; t < set->traces->len; t++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, t);
      g_autoptr(GPtrArray) buffers = g_ptr_array_new ();
      g_autoptr(GHashTable) open = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      g_autoptr(StrataEventMerge) merge = NULL;
      gint32 cur[256];
      const StrataEvent *e;

      if (!trace->has_kvm)
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (cur); i++)
        cur[i] = -1;
      for (guint s = 0; s < trace->streams->len; s++)
        g_ptr_array_add (buffers, ((StrataStream *) g_ptr_array_index (trace->streams, s))->buffer);
      merge = strata_event_merge_new ((StrataEventBuffer * const *) buffers->pdata, buffers->len);
      while ((e = strata_event_merge_step (merge)) != NULL)
        {
          g_assert_cmpuint (e->cpu, <, G_N_ELEMENTS (cur));
          if (e->kind == STRATA_EV_SCHED_SWITCH)
            cur[e->cpu] = (gint32) e->f[STRATA_F_SWITCH_NEXT_TID];
          else if (e->kind == STRATA_EV_KVM_EXIT && cur[e->cpu] > 0)
            {
              TrueExit *x = g_new0 (TrueExit, 1);

              x->tid = cur[e->cpu];
              x->isa = (guint8) e->f[STRATA_F_KVM_ISA];
              x->code = (guint32) e->f[STRATA_F_KVM_EXIT_REASON] & 0xffff;
              x->start = e->ts;
              x->info1 = (guint64) e->f[STRATA_F_KVM_INFO1];
              g_hash_table_replace (open, GINT_TO_POINTER (x->tid), x);
            }
          else if (e->kind == STRATA_EV_KVM_ENTRY && cur[e->cpu] > 0)
            {
              TrueExit *x = g_hash_table_lookup (open, GINT_TO_POINTER (cur[e->cpu]));

              if (x != NULL)
                {
                  x->dur = e->ts - x->start;
                  g_array_append_val (out, *x);
                  g_hash_table_remove (open, GINT_TO_POINTER (cur[e->cpu]));
                }
            }
        }
    }
  return out;
}

static int
compare_i64 (const void *a,
             const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Brute force over the true exits of one vCPU thread and reason that start in [from, to). */
static gboolean
true_stats (GArray          *exits,
            gint32           tid,
            guint8           isa,
            guint32          code,
            gint64           from,
            gint64           to,
            StrataExitStats *out)
{
  g_autoptr(GArray) durs = g_array_new (FALSE, FALSE, sizeof (gint64));

  memset (out, 0, sizeof *out);
  for (guint i = 0; i < exits->len; i++)
    {
      const TrueExit *x = &g_array_index (exits, TrueExit, i);

      if (x->tid == tid && x->isa == isa && x->code == code && x->start >= from && x->start < to)
        g_array_append_val (durs, x->dur);
    }
  if (durs->len == 0)
    return FALSE;
  qsort (durs->data, durs->len, sizeof (gint64), compare_i64);
  out->count = durs->len;
  for (guint i = 0; i < durs->len; i++)
    out->total_ns += g_array_index (durs, gint64, i);
  out->min_ns = g_array_index (durs, gint64, 0);
  out->max_ns = g_array_index (durs, gint64, durs->len - 1);
  out->p99_ns = g_array_index (durs, gint64, (99 * durs->len + 99) / 100 - 1);
  return TRUE;
}

static void
check_range (StrataAnalysis *analysis,
             GArray         *truth,
             gint64          from,
             gint64          to)
{
  g_autoptr(GArray) got = strata_exits_query (analysis->exits, from, to, -1);
  guint64 n_true = 0, n_got = 0;

  for (guint i = 0; i < got->len; i++)
    {
      const StrataExitStats *s = &g_array_index (got, StrataExitStats, i);
      StrataMachine *vm = g_ptr_array_index (analysis->machines, s->machine);
      gint32 tid = -1;
      StrataExitStats t;

      for (guint v = 0; v < vm->vcpus->len; v++)
        if (g_array_index (vm->vcpus, StrataVcpu, v).id == s->vcpu)
          tid = g_array_index (vm->vcpus, StrataVcpu, v).host_tid;
      g_assert_cmpint (tid, >, 0);
      g_assert_true (true_stats (truth, tid, s->isa, s->code, from, to, &t));
      g_assert_cmpuint (s->count, ==, t.count);
      g_assert_cmpint (s->total_ns, ==, t.total_ns);
      g_assert_cmpint (s->min_ns, ==, t.min_ns);
      g_assert_cmpint (s->max_ns, ==, t.max_ns);
      g_assert_cmpint (s->p99_ns, ==, t.p99_ns);
      g_assert_cmpfloat (s->mean_ns, ==, (double) t.total_ns / (double) t.count);
      n_got += s->count;
    }
  /* And no true exit is missing from the groups. */
  for (guint i = 0; i < truth->len; i++)
    {
      const TrueExit *x = &g_array_index (truth, TrueExit, i);

      n_true += x->start >= from && x->start < to;
    }
  g_assert_cmpuint (n_got, ==, n_true);
}

/* Each exit's port or MSR, as its own info1 names it, at any time within the exit; the
 * generated I/O exits name the virtio notify port and the serial port. */
static void
check_details (StrataAnalysis *analysis,
               GArray         *truth)
{
  guint n_virtio = 0, n_serial = 0, n_tooltips = 0, n_plain = 0, n_host = 0;

  for (guint i = 0; i < truth->len; i++)
    {
      const TrueExit *x = &g_array_index (truth, TrueExit, i);
      StrataExitDetail want, got;
      gboolean has_want, found = FALSE;

      if (x->dur == 0)
        continue;
      has_want = strata_exit_detail (x->isa, x->code, x->info1, 0, &want);
      for (guint m = 0; m < analysis->machines->len && !found; m++)
        {
          StrataMachine *vm = g_ptr_array_index (analysis->machines, m);

          for (guint v = 0; v < vm->vcpus->len && !found; v++)
            {
              const StrataVcpu *vcpu = &g_array_index (vm->vcpus, StrataVcpu, v);

              if (vcpu->host_tid != x->tid)
                continue;
              found = TRUE;
              /* The vCPU thread's own row, in the host meanwhile, names the exit too: its
               * descriptions name no thread, the row does. */
              if (n_host == 0)
                {
                  g_autofree char *name = g_strdup_printf ("%s/thread/%d", strata_analysis_get_machine_name (analysis, vm->parent),
                                                           x->tid);
                  g_autofree char *exit = g_strdup_printf ("\nExit of vCPU %d of %s: ", vcpu->id, vm->name);
                  gint row = strata_store_find_row (analysis->store, name);
                  StrataInterval iv;

                  if (row >= 0 && strata_store_lookup (analysis->store, row, x->start + x->dur / 2, &iv) &&
                      strata_state_is_activity (iv.desc->state))
                    {
                      g_autofree char *text = strata_describe_interval (analysis, row, &iv, x->start + x->dur / 2);

                      g_assert_cmpint (iv.tid, ==, x->tid);
                      g_assert_nonnull (strstr (text, exit));
                      n_host++;
                    }
                }
              g_assert_cmpint (strata_exits_detail_at (analysis->exits, m, vcpu->id, x->start + x->dur / 2, &got),
                               ==, has_want);
              /* The tooltip of the first exit to the serial port the row shows in the
               * hypervisor names the port. */
              if (has_want && n_tooltips == 0 && want.value == 0x3f8)
                {
                  g_autofree char *name = g_strdup_printf ("%s/vcpu/%d", strata_analysis_get_machine_name (analysis, m),
                                                           vcpu->id);
                  gint row = strata_store_find_row (analysis->store, name);
                  StrataInterval iv;

                  g_assert_cmpint (row, >=, 0);
                  if (strata_store_lookup (analysis->store, row, x->start, &iv) &&
                      iv.desc->state == STRATA_STATE_HYPERVISOR)
                    {
                      g_autofree char *text = strata_describe_interval (analysis, row, &iv, x->start);

                      g_test_message ("%s", text);
                      g_assert_nonnull (strstr (text, "\nExit: IO_INSTRUCTION, "));
                      g_assert_nonnull (strstr (text, "\nAccess: port 0x3f8 out, 1 byte\n"));
                      n_tooltips++;
                    }
                }
              else if (!has_want && n_plain == 0)
                {
                  g_autofree char *name = g_strdup_printf ("%s/vcpu/%d", strata_analysis_get_machine_name (analysis, m),
                                                           vcpu->id);
                  gint row = strata_store_find_row (analysis->store, name);
                  StrataInterval iv;

                  if (strata_store_lookup (analysis->store, row, x->start, &iv) &&
                      iv.desc->state == STRATA_STATE_HYPERVISOR)
                    {
                      g_autofree char *text = strata_describe_interval (analysis, row, &iv, x->start);

                      g_assert_nonnull (strstr (text, "\nExit: "));
                      g_assert_null (strstr (text, "\nAccess: "));
                      n_plain++;
                    }
                }
            }
        }
      g_assert_true (found);
      if (!has_want)
        {
          g_assert_cmpuint (got.kind, ==, STRATA_EXIT_DETAIL_NONE);
          continue;
        }
      g_assert_cmpuint (got.kind, ==, want.kind);
      g_assert_cmpuint (got.size, ==, want.size);
      g_assert_cmpint (got.has_value, ==, want.has_value);
      g_assert_cmpuint (got.value, ==, want.value);
      if (got.kind == STRATA_EXIT_DETAIL_PORT_OUT && got.value == 0xc050 && got.size == 2)
        n_virtio++;
      if (got.kind == STRATA_EXIT_DETAIL_PORT_OUT && got.value == 0x3f8 && got.size == 1)
        n_serial++;
    }
  g_assert_cmpuint (n_virtio, >, 0);
  g_assert_cmpuint (n_serial, >, 0);
  g_assert_cmpuint (n_tooltips, ==, 1);
  g_assert_cmpuint (n_host, ==, 1);
  g_assert_cmpuint (n_plain, ==, 1);
}

static void
test_demo_truth (void)
{
  StrataScenarioParams params = { STRATA_SCENARIO_DEMO, 0, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load (&params, NULL, &error);
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(GArray) truth = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  gint64 begin, end;
  guint n_big = 0;

  g_assert_no_error (error);
  truth = true_exits (set);
  analysis = analyse (set);
  g_assert_cmpuint (truth->len, >, 10000);
  g_assert_cmpuint (strata_exits_n_exits (analysis->exits), ==, truth->len);
  /* Groups of several index blocks, so that whole blocks and partial ones both count. */
  for (guint g = 0; g < strata_exits_n_groups (analysis->exits); g++)
    n_big += strata_exits_count (analysis->exits, g, G_MININT64, G_MAXINT64) > 3000;
  g_assert_cmpuint (n_big, >, 0);

  check_details (analysis, truth);

  begin = strata_store_begin (analysis->store);
  end = strata_store_end (analysis->store);
  check_range (analysis, truth, G_MININT64, G_MAXINT64);
  check_range (analysis, truth, begin, end);
  for (guint i = 0; i < 40; i++)
    {
      gint64 a = g_rand_int_range (rand, 0, 1 << 30) * ((end - begin) / (1 << 30)) + begin;
      gint64 b = g_rand_int_range (rand, 0, 1 << 30) * ((end - begin) / (1 << 30)) + begin;

      check_range (analysis, truth, MIN (a, b), MAX (a, b) + 1);
    }
}

/* Brute force over @exits (of one group) that start in [from, to). */
static void
brute_stats (const StrataExitRecord *exits,
             guint                   n,
             gint64                  from,
             gint64                  to,
             StrataExitStats        *out)
{
  g_autoptr(GArray) durs = g_array_new (FALSE, FALSE, sizeof (gint64));

  *out = (StrataExitStats) { .min_ns = G_MAXINT64, .max_ns = G_MININT64 };
  for (guint i = 0; i < n; i++)
    if (exits[i].start >= from && exits[i].start < to)
      {
        gint64 d = exits[i].end - exits[i].start;

        g_array_append_val (durs, d);
        out->total_ns += d;
        out->min_ns = MIN (out->min_ns, d);
        out->max_ns = MAX (out->max_ns, d);
      }
  out->count = durs->len;
  if (durs->len > 0)
    {
      g_array_sort (durs, (GCompareFunc) compare_i64);
      out->p99_ns = g_array_index (durs, gint64, (99 * durs->len + 99) / 100 - 1);
    }
}

static StrataExits *
save_and_read (StrataExits *exits,
               guint        n_machines)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "strata-test-exits-XXXXXX", NULL);
  g_autoptr(StrataSectionWriter) writer = NULL;
  g_autoptr(StrataSectionFile) file = NULL;
  g_autoptr(GError) error = NULL;
  StrataExits *read;
  int fd = g_mkstemp (path);

  g_assert_cmpint (fd, >=, 0);
  writer = strata_section_writer_new (fd, STRATA_FOURCC ('T', 'E', 'S', 'T'), STRATA_SECTION_FILE_DATA_START);
  strata_exits_write (exits, writer);
  g_assert_true (strata_section_writer_finish (writer, &error));
  g_assert_no_error (error);
  close (fd);
  file = strata_section_file_open (path, STRATA_FOURCC ('T', 'E', 'S', 'T'), &error);
  g_assert_no_error (error);
  read = strata_exits_read (file, n_machines, &error);
  g_assert_no_error (error);
  g_unlink (path);
  return read;
}

/* Group @group of @index and of @read (@index saved and read back) over [@from, @to): count,
 * total, shortest, longest and p99 as brute force over @exits, the group's @n, finds them. */
static void
assert_group_stats (StrataExits            *index,
                    StrataExits            *read,
                    guint                   group,
                    const StrataExitRecord *exits,
                    guint                   n,
                    gint64                  from,
                    gint64                  to)
{
  StrataExits *both[2] = { index, read };
  StrataExitStats truth, got;

  brute_stats (exits, n, from, to, &truth);
  for (guint w = 0; w < 2; w++)
    {
      if (truth.count == 0)
        {
          g_assert_false (strata_exits_group_stats (both[w], group, from, to, &got));
          continue;
        }
      g_assert_true (strata_exits_group_stats (both[w], group, from, to, &got));
      g_assert_cmpuint (got.count, ==, truth.count);
      g_assert_cmpint (got.total_ns, ==, truth.total_ns);
      g_assert_cmpint (got.min_ns, ==, truth.min_ns);
      g_assert_cmpint (got.max_ns, ==, truth.max_ns);
      g_assert_cmpint (got.p99_ns, ==, truth.p99_ns);
    }
}

/* What @index and @read (@index saved and read back) say of exit @e's info1, at its start. */
static void
assert_detail_at (StrataExits            *index,
                  StrataExits            *read,
                  const StrataExitRecord *e)
{
  StrataExits *both[2] = { index, read };
  StrataExitDetail detail, expect;

  strata_exit_detail (STRATA_ISA_VMX, e->code, e->info1, 0, &expect);
  for (guint w = 0; w < 2; w++)
    {
      strata_exits_detail_at (both[w], 0, 0, e->start, &detail);
      g_assert_cmpuint (detail.kind, ==, expect.kind);
      g_assert_cmpuint (detail.value, ==, expect.value);
      g_assert_cmpuint (detail.size, ==, expect.size);
    }
}

/* A group of many long exits keeps its durations in 32 bits, and the one that does not fit
 * (more than 4.29 s) apart; info1 is kept in 32 bits when all of a set's fit, else in 64. An
 * exit of more than 4.29 s, or an info1 above 32 bits, gives the same answers as the others,
 * before and after saving (where durations are 64-bit when one needs it). */
static void
test_widths (void)
{
  for (guint variant = 0; variant < 3; variant++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (7 + variant);
      g_autofree StrataExitRecord *exits = g_new0 (StrataExitRecord, 5000);
      StrataExitsBuilder *builder = strata_exits_builder_new ();
      StrataExits *index, *read;
      gint64 ts = BASE;
      gsize memory[3];

      for (guint i = 0; i < 5000; i++)
        {
          gint64 dur = g_rand_int_range (rand, 100, 200000);

          if (variant == 1 && i == 2345)
            dur = G_GINT64_CONSTANT (5000000000);     /* a 5 s exit */
          exits[i] = (StrataExitRecord) { ts, ts + dur, 31, 0, STRATA_ISA_VMX, 0, 0,
                                          variant == 2 && i == 777 ? G_GUINT64_CONSTANT (0x1234500000c0) : i };
          ts += dur + g_rand_int_range (rand, 1, 1000);
          strata_exits_builder_add (builder, &exits[i]);
        }
      index = strata_exits_new (&builder, 1);
      read = save_and_read (index, 1);
      memory[variant] = strata_exits_memory (index);
      /* 16 bytes an exit when narrow, 4 more for a wide info1; a block of exits that spans
       * more than 4.29 s (the 5 s exit's) keeps 64-bit starts, as a saved index does for every
       * exit. */
      g_assert_cmpuint (memory[variant] / 5000, ==, variant == 0 ? 16 : variant == 1 ? 17 : 20);
      g_assert_cmpuint (strata_exits_memory (read) / 5000, ==, variant == 0 ? 20 : variant == 1 ? 28 : 24);

      for (guint k = 0; k < 60; k++)
        {
          gint64 a = k == 0 ? G_MININT64 : exits[g_rand_int_range (rand, 0, 5000)].start + g_rand_int_range (rand, -5, 5);
          gint64 b = k == 0 ? G_MAXINT64 : exits[g_rand_int_range (rand, 0, 5000)].start + g_rand_int_range (rand, -5, 5);

          assert_group_stats (index, read, 0, exits, 5000, MIN (a, b), MAX (a, b));
        }
      for (guint i = 0; i < 5000; i += 7)
        {
          StrataExits *both[2] = { index, read };

          for (guint w = 0; w < 2; w++)
            {
              gint64 start, end;

              g_assert_true (strata_exits_at (both[w], 0, 0, exits[i].end - 1, NULL, NULL, &start, &end));
              g_assert_cmpint (start, ==, exits[i].start);
              g_assert_cmpint (end, ==, exits[i].end);
            }
          assert_detail_at (index, read, &exits[i]);
        }
      {
        StrataExits *both[2] = { index, read };

        for (guint w = 0; w < 2; w++)
          {
            gint64 start, end;

            g_assert_true (strata_exits_at (both[w], 0, 0, exits[2345].start + 1, NULL, NULL, &start, &end));
            g_assert_cmpint (end - start, ==, exits[2345].end - exits[2345].start);
          }
      }
      strata_exits_free (read);
      strata_exits_free (index);
    }
}

/* An analysis keeps durations in 16 bits when few last 65.5 µs or more; those few (up to the
 * longest, of more than 32 bits) give the same answers, p99 and exits at a time included,
 * before and after saving. */
static void
test_narrow (void)
{
  const guint n = 20000;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autofree StrataExitRecord *exits = g_new0 (StrataExitRecord, n);
  StrataExitsBuilder *builder = strata_exits_builder_new ();
  StrataExits *index, *read;
  gint64 ts = BASE;

  for (guint i = 0; i < n; i++)
    {
      gint64 dur = g_rand_int_range (rand, 0, 60000);

      /* One in 18 is long, most of those in a few blocks where they are the p99. */
      if (i % 25 == 3 || (i >= 5000 && i < 5300))
        dur = g_rand_int_range (rand, 65533, 400000);
      if (i == 9999)
        dur = G_GINT64_CONSTANT (5000000000);
      if (i == 10001)
        dur = 65535;
      exits[i] = (StrataExitRecord) { ts, ts + dur, 31, 0, STRATA_ISA_VMX, 0, 0, i };
      ts += dur + g_rand_int_range (rand, 1, 1000);
      strata_exits_builder_add (builder, &exits[i]);
    }
  index = strata_exits_new (&builder, 1);
  read = save_and_read (index, 1);
  /* 12 bytes an exit, and 24 for each long one: 20 with 32-bit durations. */
  g_assert_cmpuint (strata_exits_memory (index) / n, ==, 13);

  for (guint k = 0; k < 200; k++)
    {
      gint64 a = k == 0 ? G_MININT64 : exits[g_rand_int_range (rand, 0, n)].start + g_rand_int_range (rand, -5, 5);
      gint64 b = k == 0 ? G_MAXINT64 : exits[g_rand_int_range (rand, 0, n)].start + g_rand_int_range (rand, -5, 5);
      gint64 from = MIN (a, b), to = MAX (a, b);

      if (k == 1)
        from = exits[5000].start, to = exits[5300].start;
      assert_group_stats (index, read, 0, exits, n, from, to);
    }
  for (guint i = 0; i < n; i += 3)
    {
      StrataExits *both[2] = { index, read };

      for (guint w = 0; w < 2; w++)
        {
          gint64 start, end;

          g_assert_true (strata_exits_at (both[w], 0, 0, exits[i].end - 1 < exits[i].start ? exits[i].start : exits[i].end - 1,
                                          NULL, NULL, &start, &end));
          g_assert_cmpint (start, ==, exits[i].start);
          g_assert_cmpint (end, ==, exits[i].end);
        }
    }
  strata_exits_free (read);
  strata_exits_free (index);
}

/* An analysis keeps no info1 for a group whose every info1 is 0 (as many reasons' are): the
 * others keep theirs, in place, before and after saving. */
static void
test_info1_groups (void)
{
  static const guint32 codes[3] = { 1, 30, 84 };
  const guint n = 3000;
  g_autofree StrataExitRecord *exits = g_new0 (StrataExitRecord, n);
  StrataExitsBuilder *builder = strata_exits_builder_new ();
  StrataExits *index, *read;
  gint64 ts = BASE;

  for (guint i = 0; i < n; i++)
    {
      guint32 code = codes[i % 3];

      /* Port I/O names its port at each exit; an MSR read names 0 but once, another reason
       * nothing. */
      exits[i] = (StrataExitRecord) { ts, ts + 500 + i % 7, code, 0, STRATA_ISA_VMX, 0, 0,
                                      code == 30 ? (guint64) (0x3f8 + i) << 16 | (i & 15) : code == 84 && i == 2000 ? 0xc0000080 : 0 };
      ts += 2000;
      strata_exits_builder_add (builder, &exits[i]);
    }
  index = strata_exits_new (&builder, 1);
  read = save_and_read (index, 1);
  /* 4 bytes of start and 4 of durations an exit, and 4 of info1 for two groups of three. */
  g_assert_cmpuint (strata_exits_memory (index), <, n * 8 + 2 * (n / 3) * 4 + 4096);
  for (guint i = 0; i < n; i++)
    assert_detail_at (index, read, &exits[i]);
  strata_exits_free (read);
  strata_exits_free (index);
}

/* A group's durations take 16 bits unless many of its exits are long (a halt's), whatever
 * the other groups': a set of both keeps the short ones in 16 bits, and both give the same
 * answers, p99 included, before and after saving. */
static void
test_group_widths (void)
{
  const guint n = 6000;
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autofree StrataExitRecord *shorts = g_new0 (StrataExitRecord, n);
  g_autofree StrataExitRecord *halts = g_new0 (StrataExitRecord, n);
  StrataExitsBuilder *builder = strata_exits_builder_new ();
  StrataExits *index, *read;
  guint n_shorts = 0, n_halts = 0;
  gint64 ts = BASE;

  for (guint i = 0; i < n; i++)
    {
      gboolean halt = i % 3 == 0;
      gint64 dur = halt ? g_rand_int_range (rand, 50000, 5000000)
                        : i % 40 == 1 ? g_rand_int_range (rand, 70000, 900000) : g_rand_int_range (rand, 500, 30000);
      StrataExitRecord r = { ts, ts + dur, halt ? 12 : 1, 0, STRATA_ISA_VMX, 0, 0, 0 };

      if (halt)
        halts[n_halts++] = r;
      else
        shorts[n_shorts++] = r;
      ts += dur + g_rand_int_range (rand, 1, 1000);
      strata_exits_builder_add (builder, &r);
    }
  index = strata_exits_new (&builder, 1);
  read = save_and_read (index, 1);
  /* 8 bytes a short exit (and 24 more for each of its few long ones), 12 a halt's: a start and
   * a duration twice, no info1 (each is 0). */
  g_assert_cmpuint (strata_exits_memory (index), <, n_shorts * 9 + n_halts * 12 + 4096);

  for (guint k = 0; k < 100; k++)
    {
      gint64 a = k == 0 ? G_MININT64 : BASE + g_rand_int_range (rand, 0, (gint) MIN (ts - BASE, G_MAXINT32));
      gint64 b = k == 0 ? G_MAXINT64 : BASE + g_rand_int_range (rand, 0, (gint) MIN (ts - BASE, G_MAXINT32));

      /* Groups by code: 1, then 12. */
      assert_group_stats (index, read, 0, shorts, n_shorts, MIN (a, b), MAX (a, b));
      assert_group_stats (index, read, 1, halts, n_halts, MIN (a, b), MAX (a, b));
    }
  strata_exits_free (read);
  strata_exits_free (index);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/exits/names", test_names);
  g_test_add_func ("/exits/known", test_known);
  g_test_add_func ("/exits/demo-truth", test_demo_truth);
  g_test_add_func ("/exits/widths", test_widths);
  g_test_add_func ("/exits/narrow", test_narrow);
  g_test_add_func ("/exits/info1-groups", test_info1_groups);
  g_test_add_func ("/exits/group-widths", test_group_widths);
  return g_test_run ();
}
