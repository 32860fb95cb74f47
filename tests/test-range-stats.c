/* test-range-stats.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "strata-range-stats.h"
#include "strata-scenario.h"

/*
 * Range statistics: a scenario whose every interval is known gives known figures; on the
 * generated demo sets, every range's figures equal the sums of the rows' intervals clipped to
 * it, and each row's add up to the range's length exactly.
 */

#define BASE G_GINT64_CONSTANT (1000000000000)

/* vCPU 0: blocked 0 (the state dump), hypervisor 1000, running 2000, hypervisor 10000,
 * preempted by stress 11000, hypervisor 31000, running 32000, hypervisor 40000, blocked 50000,
 * waiting 60000, hypervisor 65000 on. */
static const char *known_set =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu-system-x86 status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 0 0 lttng_statedump_process_state tid=600 pid=600 ppid=1 name=stress status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 10000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 11000 0 sched_switch prev_tid=501 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=600 next_comm=stress\n"
  "event 31000 0 sched_switch prev_tid=600 prev_state=1 prev_comm=stress next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 32000 0 kvm_x86_entry vcpu_id=0\n"
  "event 40000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 50000 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n"
  "event 60000 0 sched_wakeup tid=501 comm=\"CPU 0/KVM\" target_cpu=0\n"
  "event 65000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 70000 1 irq_handler_entry irq=16 name=eth0\n"
  "event 70500 1 irq_handler_exit irq=16 ret=1\n";

static void
test_known (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load_string (known_set, "test", NULL, &error);
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(StrataRangeIndex) index = NULL;
  g_autoptr(StrataRangeStats) stats = NULL;
  const StrataVcpuRangeStats *v;
  const StrataPcpuRangeStats *p;
  gint vm;

  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  vm = strata_analysis_find_machine (analysis, "host/vm-500");
  index = strata_range_index_new (analysis);

  stats = strata_range_index_query (index, BASE + 5000, BASE + 62000);
  g_assert_cmpuint (stats->vcpus->len, ==, 1);
  v = &g_array_index (stats->vcpus, StrataVcpuRangeStats, 0);
  g_assert_cmpint (v->machine, ==, vm);
  g_assert_cmpint (v->vcpu, ==, 0);
  g_assert_cmpint (v->ns[STRATA_STATE_RUNNING], ==, 5000 + 8000);
  g_assert_cmpint (v->ns[STRATA_STATE_HYPERVISOR], ==, 1000 + 1000 + 10000);
  g_assert_cmpint (v->ns[STRATA_STATE_PREEMPTED], ==, 20000);
  g_assert_cmpint (v->ns[STRATA_STATE_BLOCKED], ==, 10000);
  g_assert_cmpint (v->ns[STRATA_STATE_WAITING], ==, 2000);
  g_assert_cmpint (v->ns[STRATA_STATE_UNKNOWN], ==, 0);
  /* No guest trace: guest mode is all it knows of the guest. */
  g_assert_false (v->traced);
  g_assert_cmpint (v->guest_ns[STRATA_GUEST_OTHER], ==, 13000);
  g_assert_cmpuint (v->n_preemptors, ==, 1);
  g_assert_cmpint (v->preemptors[0].tid, ==, 600);
  g_assert_cmpint (v->preemptors[0].ns, ==, 20000);
  g_assert_cmpstr (strata_analysis_string (analysis, v->preemptors[0].comm), ==, "stress");

  g_assert_cmpuint (stats->pcpus->len, ==, 2);
  p = &g_array_index (stats->pcpus, StrataPcpuRangeStats, 0);
  g_assert_cmpint (p->cpu, ==, 0);
  g_assert_cmpint (p->machine_ns[vm], ==, 13000);
  g_assert_cmpint (p->host, ==, 1000 + 20000 + 1000 + 10000);
  g_assert_cmpint (p->idle, ==, 12000);
  g_assert_cmpint (p->unknown, ==, 0);
  /* pCPU 1 has no event before 70000. */
  p = &g_array_index (stats->pcpus, StrataPcpuRangeStats, 1);
  g_assert_cmpint (p->unknown, ==, 57000);
  g_clear_pointer (&stats, strata_range_stats_free);

  /* Across the preemption's start: only its part inside counts, stress's 11 µs. */
  stats = strata_range_index_query (index, BASE + 20000, BASE + 62000);
  v = &g_array_index (stats->vcpus, StrataVcpuRangeStats, 0);
  g_assert_cmpint (v->ns[STRATA_STATE_PREEMPTED], ==, 11000);
  g_assert_cmpuint (v->n_preemptors, ==, 1);
  g_assert_cmpint (v->preemptors[0].ns, ==, 11000);
  g_clear_pointer (&stats, strata_range_stats_free);

  /* Before the set, nothing is known; from the state dump, its thread sleeps. */
  stats = strata_range_index_query (index, BASE - 1000, BASE + 1500);
  v = &g_array_index (stats->vcpus, StrataVcpuRangeStats, 0);
  g_assert_cmpint (v->ns[STRATA_STATE_UNKNOWN], ==, 1000);
  g_assert_cmpint (v->ns[STRATA_STATE_BLOCKED], ==, 1000);
  g_assert_cmpint (v->ns[STRATA_STATE_HYPERVISOR], ==, 500);
}

/* The truth for one row over [from, to): its intervals clipped, by description. */
static void
row_truth (StrataAnalysis *analysis,
           const char     *name,
           gint64          from,
           gint64          to,
           GArray         *by_desc)
{
  StrataStore *store = analysis->store;
  gint row = strata_store_find_row (store, name);
  guint64 first, last;

  g_assert_cmpint (row, >=, 0);
  g_array_set_size (by_desc, 0);
  g_array_set_size (by_desc, strata_store_n_descs (store));
  strata_store_range (store, row, from, to, &first, &last);
  for (guint64 k = first; k < last; k++)
    {
      StrataInterval iv;

      strata_store_interval (store, row, k, &iv);
      g_array_index (by_desc, gint64, iv.desc_id) += MIN (iv.end, to) - MAX (iv.start, from);
    }
}

static void
check_range (StrataAnalysis   *analysis,
             StrataRangeIndex *index,
             gint64            from,
             gint64            to)
{
  g_autoptr(StrataRangeStats) stats = strata_range_index_query (index, from, to);
  g_autoptr(GArray) by_desc = g_array_new (FALSE, TRUE, sizeof (gint64));
  StrataStore *store = analysis->store;

  g_assert_cmpuint (stats->vcpus->len, >, 0);
  for (guint i = 0; i < stats->vcpus->len; i++)
    {
      const StrataVcpuRangeStats *v = &g_array_index (stats->vcpus, StrataVcpuRangeStats, i);
      g_autofree char *name = g_strdup_printf ("%s/vcpu/%d", strata_analysis_get_machine_name (analysis, v->machine), v->vcpu);
      gint64 truth[STRATA_STATE_N] = { 0 };
      gint64 sum = 0, known = 0, guest_sum = 0;

      row_truth (analysis, name, from, to, by_desc);
      for (guint id = 0; id < by_desc->len; id++)
        {
          truth[strata_store_desc (store, id)->state] += g_array_index (by_desc, gint64, id);
          known += g_array_index (by_desc, gint64, id);
        }
      truth[STRATA_STATE_UNKNOWN] += (to - from) - known;
      for (guint s = 0; s < STRATA_STATE_N; s++)
        {
          g_assert_cmpint (v->ns[s], ==, truth[s]);
          sum += v->ns[s];
        }
      g_assert_cmpint (sum, ==, to - from);
      for (guint s = 0; s < STRATA_GUEST_N; s++)
        guest_sum += v->guest_ns[s];
      /* What the pCPUs say the vCPU ran is what its row says. */
      g_assert_cmpint (guest_sum, ==, v->ns[STRATA_STATE_RUNNING]);
      g_assert_cmpuint (v->n_preemptors, <=, STRATA_RANGE_TOP_PREEMPTORS);
      for (guint c = 1; c < v->n_preemptors; c++)
        g_assert_cmpint (v->preemptors[c - 1].ns, >=, v->preemptors[c].ns);
      if (v->n_preemptors > 0)
        g_assert_cmpint (v->preemptors[0].ns, <=, v->ns[STRATA_STATE_PREEMPTED]);
    }

  for (guint i = 0; i < stats->pcpus->len; i++)
    {
      const StrataPcpuRangeStats *p = &g_array_index (stats->pcpus, StrataPcpuRangeStats, i);
      g_autofree char *name = g_strdup_printf ("pcpu/%d", p->cpu);
      g_autofree gint64 *machines = g_new0 (gint64, stats->n_machines);
      gint64 idle = 0, host = 0, known = 0, sum;

      row_truth (analysis, name, from, to, by_desc);
      for (guint id = 0; id < by_desc->len; id++)
        {
          const StrataStateDesc *d = strata_store_desc (store, id);
          gint64 ns = g_array_index (by_desc, gint64, id);

          if (ns == 0 || strata_state_desc_is_gap (d) || d->state == STRATA_STATE_UNKNOWN)
            continue;
          known += ns;
          if (d->vcpu >= 0)
            machines[d->machine] += ns;
          else if (d->state == STRATA_STATE_IDLE)
            idle += ns;
          else
            host += ns;
        }
      g_assert_cmpint (p->idle, ==, idle);
      g_assert_cmpint (p->host, ==, host);
      g_assert_cmpint (p->unknown, ==, (to - from) - known);
      sum = p->idle + p->host + p->unknown;
      for (guint m = 0; m < stats->n_machines; m++)
        {
          g_assert_cmpint (p->machine_ns[m], ==, machines[m]);
          sum += p->machine_ns[m];
        }
      g_assert_cmpint (sum, ==, to - from);
    }
}

static void
check_set (StrataSet *set)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(StrataRangeIndex) index = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  gint64 begin, end;

  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  index = strata_range_index_new (analysis);
  begin = strata_store_begin (analysis->store);
  end = strata_store_end (analysis->store);
  check_range (analysis, index, begin, end);
  check_range (analysis, index, begin - 1000, end + 1000);
  for (guint i = 0; i < 30; i++)
    {
      gint64 a = begin + (gint64) (g_rand_double (rand) * (double) (end - begin));
      gint64 b = begin + (gint64) (g_rand_double (rand) * (double) (end - begin));

      check_range (analysis, index, MIN (a, b), MAX (a, b) + 1);
    }
}

static void
test_demo (void)
{
  StrataScenarioParams params = { STRATA_SCENARIO_DEMO, 0, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load (&params, NULL, &error);

  g_assert_no_error (error);
  check_set (set);
}

/* VMs sharing pCPUs, vCPUs that float, one VM nearly idle: preemptions by other VMs. */
static void
test_shared (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load_string ("host host duration=1s seed=7\n"
                                                          "vm web vcpus=2 pcpus=0,1 qemu_pid=3000\n"
                                                          "vm db vcpus=3 pcpus=0-3 float=1 qemu_pid=71234\n"
                                                          "vm batch vcpus=1 pcpus=1 qemu_pid=3400 busy=1ms idle=20ms\n",
                                                          "test", NULL, &error);

  g_assert_no_error (error);
  check_set (set);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/range-stats/known", test_known);
  g_test_add_func ("/range-stats/demo", test_demo);
  g_test_add_func ("/range-stats/shared", test_shared);
  return g_test_run ();
}
