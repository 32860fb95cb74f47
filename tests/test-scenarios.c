/* test-scenarios.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <math.h>

#include <string.h>

#include "strata-analysis.h"
#include "strata-exits.h"
#include "strata-scenario.h"
#include "test-scenario-util.h"

/*
 * Each scenario is loaded as the set its CTF traces would read as (strata_scenario_load*():
 * no trace files, no libbabeltrace2) and analysed; the assertions name exact intervals. Host
 * and guests share offset_s = 1000, so absolute times are 1000 s + the scenario's TS unless a
 * test says otherwise. test-roundtrip checks that writing the CTF and reading it back gives
 * the same sets and analyses.
 */

static StrataMachine *
machine (Fixture    *f,
         const char *name)
{
  gint m = strata_analysis_find_machine (f->analysis, name);

  if (m < 0)
    g_error ("no machine %s", name);
  return g_ptr_array_index (f->analysis->machines, m);
}

/* A vCPU switched out while runnable, a host thread runs instead; later the guest halts. */
static const char *preempted_by_host =
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
test_preempted_by_host (void)
{
  Fixture f = { 0 };
  const Expect vcpu[] = {
    /* Its thread asleep in the state dump: a halted vCPU. */
    { 0, 1000, "blocked", "host/vm-500", 0, 501, "CPU 0/KVM" },
    { 1000, 2000, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 2000, 10000, "running", "host/vm-500", 0, 501, NULL },
    { 10000, 11000, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 11000, 31000, "preempted", "host/vm-500", 0, 501, NULL },
    { 31000, 32000, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 32000, 40000, "running", "host/vm-500", 0, 501, NULL },
    { 40000, 50000, "hypervisor", "host/vm-500", 0, 501, NULL },
    /* Halted: blocked, not preempted, until woken; then waiting for its pCPU. */
    { 50000, 60000, "blocked", "host/vm-500", 0, 501, NULL },
    { 60000, 65000, "waiting", "host/vm-500", 0, 501, NULL },
    { 65000, 0, "hypervisor", "host/vm-500", 0, 501, NULL },
  };
  const Expect pcpu[] = {
    /* The first switch names who ran from the CPU's first event. */
    { 0, 1000, "idle", "host", -1, 0, "swapper/0" },
    { 1000, 2000, "user", "host", -1, 501, "CPU 0/KVM" },
    { 2000, 10000, "guest", "host/vm-500", 0, 501, "CPU 0/KVM" },
    { 10000, 11000, "user", "host", -1, 501, NULL },
    { 11000, 31000, "user", "host", -1, 600, "stress" },
    { 31000, 32000, "user", "host", -1, 501, NULL },
    { 32000, 40000, "guest", "host/vm-500", 0, 501, NULL },
    { 40000, 50000, "user", "host", -1, 501, NULL },
    { 50000, 65000, "idle", "host", -1, 0, "swapper/0" },
    { 65000, 0, "user", "host", -1, 501, NULL },
  };
  StrataPreemption *p;
  StrataPreemptionCause *cause;
  StrataMachine *vm;

  fixture_load (&f, preempted_by_host, NULL, 0);
  vm = machine (&f, "host/vm-500");
  g_assert_cmpint (vm->role, ==, STRATA_ROLE_GUEST);
  g_assert_cmpint (vm->parent, ==, strata_analysis_find_machine (f.analysis, "host"));
  g_assert_cmpuint (vm->vcpus->len, ==, 1);
  g_assert_cmpint (g_array_index (vm->vcpus, StrataVcpu, 0).host_tid, ==, 501);
  g_assert_cmpint (machine (&f, "host")->role, ==, STRATA_ROLE_HOST);
  check_row (&f, "host/vm-500/vcpu/0", vcpu, G_N_ELEMENTS (vcpu));
  check_row (&f, "pcpu/0", pcpu, G_N_ELEMENTS (pcpu));

  g_assert_cmpuint (f.analysis->preemptions->len, ==, 2);
  p = &g_array_index (f.analysis->preemptions, StrataPreemption, 0);
  g_assert_cmpint (p->start - BASE, ==, 11000);
  g_assert_cmpint (p->end - BASE, ==, 31000);
  g_assert_cmpint (p->pcpu, ==, 0);
  g_assert_cmpint (p->vcpu, ==, 0);
  g_assert_cmpint (p->kind, ==, STRATA_PREEMPTION_PREEMPTED);
  g_assert_false (p->open);
  g_assert_cmpuint (p->by->len, ==, 1);
  cause = &g_array_index (p->by, StrataPreemptionCause, 0);
  g_assert_cmpint (cause->tid, ==, 600);
  g_assert_cmpstr (strata_analysis_string (f.analysis, cause->comm), ==, "stress");
  g_assert_cmpint (cause->vcpu, ==, -1);
  g_assert_cmpint (cause->state, ==, STRATA_CAUSE_HOST);
  g_assert_cmpint (cause->ns, ==, 20000);
  /* The wake-up wait: on the pCPU where it then ran, which was idle. */
  p = &g_array_index (f.analysis->preemptions, StrataPreemption, 1);
  g_assert_cmpint (p->start - BASE, ==, 60000);
  g_assert_cmpint (p->end - BASE, ==, 65000);
  g_assert_cmpint (p->pcpu, ==, 0);
  g_assert_cmpint (p->kind, ==, STRATA_PREEMPTION_WAKEUP);
  g_assert_cmpuint (p->by->len, ==, 1);
  g_assert_cmpint (g_array_index (p->by, StrataPreemptionCause, 0).state, ==, STRATA_CAUSE_IDLE);
  fixture_clear (&f);
}

/* Two VMs share pCPU 0: VM A's vCPU is preempted by VM B's, whose guest runs worker-b. */
static const char *two_vms =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu-a status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 0 0 lttng_statedump_process_state tid=700 pid=700 ppid=1 name=qemu-b status=5\n"
  "event 0 0 lttng_statedump_process_state tid=701 pid=700 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 2300 0 kvm_x86_exit vcpu_id=0\n"
  "event 2600 0 vmsync_gh_host cnt=1 vm_uid=111\n"
  "event 3000 0 vmsync_hg_host cnt=1 vm_uid=111\n"
  "event 3200 0 kvm_x86_entry vcpu_id=0\n"
  "event 10000 0 kvm_x86_exit vcpu_id=0\n"
  "event 11000 0 sched_switch prev_tid=501 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=701 next_comm=\"CPU 0/KVM\"\n"
  "event 11200 0 vmsync_hg_host cnt=1 vm_uid=222\n"
  "event 12000 0 kvm_x86_entry vcpu_id=0\n"
  "event 20000 0 kvm_x86_exit vcpu_id=0\n"
  "event 20300 0 vmsync_gh_host cnt=1 vm_uid=222\n"
  "event 21000 0 sched_switch prev_tid=701 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 22000 0 kvm_x86_entry vcpu_id=0\n"
  "event 30000 0 kvm_x86_exit vcpu_id=0\n"
  "event 31000 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0\n"
  "event 40000 0 irq_handler_entry irq=16 name=eth0\n"
  "event 40100 0 irq_handler_exit irq=16 ret=1\n"
  "event 50000 1 irq_handler_entry irq=9 name=timer\n"
  "event 50100 1 irq_handler_exit irq=9 ret=1\n"
  "trace guesta hostname=guesta cpus=1 offset_s=1000\n"
  "event 2100 0 vmsync_gh_guest cnt=1 vm_uid=111\n"
  "event 3500 0 vmsync_hg_guest cnt=1 vm_uid=111\n"
  "event 3600 0 sched_switch prev_tid=0 prev_state=0 next_tid=50 next_comm=worker-a\n"
  /* A last event at the end of the last guest-mode window: rows stop where a trace stops. */
  "event 29999 0 vmsync_gh_guest cnt=2 vm_uid=111\n"
  "trace guestb hostname=guestb cpus=1 offset_s=1000\n"
  "event 12100 0 vmsync_hg_guest cnt=1 vm_uid=222\n"
  "event 12200 0 sched_switch prev_tid=0 prev_state=0 next_tid=42 next_comm=worker-b\n"
  "event 19400 0 vmsync_gh_guest cnt=1 vm_uid=222\n"
  "event 19999 0 vmsync_gh_guest cnt=2 vm_uid=222\n";

static void
test_two_vms (void)
{
  Fixture f = { 0 };
  const Expect pcpu[] = {
    { 0, 1000, "idle", "host", -1, 0, NULL },
    { 1000, 2000, "user", "host", -1, 501, NULL },
    /* Guest mode before the guest's first event; from it, the idle thread that the guest
     * CPU's first switch names. */
    { 2000, 2100, "guest", "guesta", 0, 501, NULL },
    { 2100, 2300, "idle", "guesta", 0, 0, NULL },
    { 2300, 3200, "user", "host", -1, 501, NULL },
    { 3200, 3600, "idle", "guesta", 0, 0, NULL },
    { 3600, 10000, "user", "guesta", 0, 50, "worker-a" },
    { 10000, 11000, "user", "host", -1, 501, NULL },
    { 11000, 12000, "user", "host", -1, 701, NULL },
    { 12000, 12100, "guest", "guestb", 0, 701, NULL },
    { 12100, 12200, "idle", "guestb", 0, 0, NULL },
    { 12200, 20000, "user", "guestb", 0, 42, "worker-b" },
    { 20000, 21000, "user", "host", -1, 701, NULL },
    { 21000, 22000, "user", "host", -1, 501, NULL },
    { 22000, 30000, "user", "guesta", 0, 50, "worker-a" },
    { 30000, 31000, "user", "host", -1, 501, NULL },
    { 31000, 40000, "idle", "host", -1, 0, NULL },
    { 40000, 40100, "irq", "host", -1, 0, NULL },
    { 40100, 0, "idle", "host", -1, 0, NULL },
  };
  StrataPreemption *p;
  StrataPreemptionCause *cause;
  gint64 total = 0;
  StrataMachine *a, *b;

  fixture_load (&f, two_vms, NULL, 0);
  a = machine (&f, "guesta");
  b = machine (&f, "guestb");
  g_assert_cmpint (a->role, ==, STRATA_ROLE_GUEST);
  g_assert_cmpint (b->role, ==, STRATA_ROLE_GUEST);
  g_assert_cmpint (a->sync_method, ==, STRATA_SYNC_METHOD_VMSYNC);
  g_assert_cmpint (b->vm_pid, ==, 700);
  g_assert_cmpuint (a->sync.matches, ==, 2);
  /* The fit's origin is the first message in time (sent by guesta at 2100, received at
   * 2600), not whichever the analysis met first. */
  g_assert_cmpint (a->sync.own_origin, ==, a->trace->begin_ns);
  g_assert_cmpint (a->sync.ref_origin, ==, a->trace->begin_ns + 500);
  g_assert_cmpuint (a->outside_guest_mode, ==, 0);
  g_assert_cmpuint (b->outside_guest_mode, ==, 0);
  check_row (&f, "pcpu/0", pcpu, G_N_ELEMENTS (pcpu));
  /* guestb's trace ends at 19999: its rows say nothing after that, up to the set's end. */
  {
    StrataInterval iv;
    gint row = strata_store_find_row (f.analysis->store, "guestb/cpu/0");

    g_assert_true (strata_store_lookup (f.analysis->store, row, BASE + 25000, &iv));
    g_assert_true (strata_state_desc_is_gap (iv.desc));
    g_assert_cmpint (iv.start - BASE, ==, 20000);
  }

  g_assert_cmpuint (f.analysis->preemptions->len, ==, 1);
  p = &g_array_index (f.analysis->preemptions, StrataPreemption, 0);
  g_assert_cmpstr (machine (&f, "guesta")->name, ==,
                   ((StrataMachine *) g_ptr_array_index (f.analysis->machines, p->machine))->name);
  g_assert_cmpint (p->start - BASE, ==, 11000);
  g_assert_cmpint (p->end - BASE, ==, 21000);
  /* The main cause: VM B's vCPU 0, running its guest thread worker-b. */
  cause = &g_array_index (p->by, StrataPreemptionCause, 0);
  g_assert_cmpint (cause->machine, ==, strata_analysis_find_machine (f.analysis, "guestb"));
  g_assert_cmpint (cause->vcpu, ==, 0);
  g_assert_cmpint (cause->tid, ==, 42);
  g_assert_cmpstr (strata_analysis_string (f.analysis, cause->comm), ==, "worker-b");
  g_assert_cmpint (cause->state, ==, STRATA_CAUSE_GUEST);
  g_assert_cmpint (cause->ns, ==, 7800);
  for (guint c = 0; c < p->by->len; c++)
    total += g_array_index (p->by, StrataPreemptionCause, c).ns;
  g_assert_cmpint (total, ==, 10000);
  fixture_clear (&f);
}

/* Without vmsync the guest stays apart until the user links it; events outside guest mode
 * are counted, not drawn. */
static const char *unsynced_guest =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 9000 0 kvm_x86_exit vcpu_id=0\n"
  "event 10000 0 sched_switch prev_tid=501 prev_state=1 next_tid=0\n"
  "event 12000 1 irq_handler_entry irq=9 name=timer\n"
  "event 12100 1 irq_handler_exit irq=9 ret=1\n"
  "trace lonely hostname=lonely cpus=1 offset_s=1000\n"
  "event 3000 0 sched_switch prev_tid=0 prev_state=0 next_tid=77 next_comm=inside\n"
  "event 8000 0 sched_switch prev_tid=77 prev_state=1 next_tid=0\n"
  "event 9500 0 irq_handler_entry irq=5 name=late\n"
  "event 9600 0 irq_handler_exit irq=5 ret=1\n";

/* A bench set's guest threads and KVM exits, per 1,000 events. */
static void
bench_counts (const StrataScenarioParams *params,
              double                     *threads,
              double                     *exits)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load (params, NULL, &error);
  StrataAnalysis *analysis;
  guint64 n = 0;

  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (analysis->host, >=, 0);
  for (guint m = 0; m < analysis->machines->len; m++)
    if ((gint) m != analysis->host)
      n += ((StrataMachine *) g_ptr_array_index (analysis->machines, m))->threads->len;
  *threads = 1000.0 * n / strata_set_event_count (set);
  *exits = 1000.0 * strata_exits_n_exits (analysis->exits) / strata_set_event_count (set);
  strata_analysis_unref (analysis);
}

/* The bench's knobs over a shape: more guest forks give more guest threads, shorter guest-mode
 * windows more KVM exits, for the same number of events. */
static void
test_bench_knobs (void)
{
  StrataScenarioParams params = { STRATA_SCENARIO_BENCH, 200000, FALSE };
  double threads, exits, more_threads, more_exits, more_exits_threads;

  params.shape = STRATA_SCENARIO_SHAPE_CONTENTION;
  bench_counts (&params, &threads, &exits);
  params.guest_fork_pct = 40;
  bench_counts (&params, &more_threads, &more_exits_threads);
  params.guest_fork_pct = 0;
  params.guest_window_ns = 10000;
  bench_counts (&params, &more_exits_threads, &more_exits);
  g_assert_cmpfloat (more_threads, >, 3 * threads);
  /* An exit and its entry are most events already: their share can only grow so far. */
  g_assert_cmpfloat (more_exits, >, 1.1 * exits);
}

/* The analysis runs on several threads: analysed again, a set big enough for the threads to
 * overlap (the procedural bench, 300,000 events) gives the same rows (names, intervals,
 * descriptions and their ids) and preemptions, whichever thread finished first. The first
 * analysis takes the host's first pass as its streams' events were appended; the next ones
 * read the events again for it, and find the same. */
static void
test_same_every_time (void)
{
  g_autoptr(GError) error = NULL;
  StrataScenarioParams params = { STRATA_SCENARIO_BENCH, 300000, FALSE };
  g_autoptr(StrataSet) set = NULL;
  StrataAnalysis *first;
  StrataTrace *host = NULL;

  set = strata_scenario_load (&params, NULL, &error);
  g_assert_no_error (error);
  for (guint t = 0; t < set->traces->len; t++)
    if (((StrataTrace *) g_ptr_array_index (set->traces, t))->has_kvm)
      host = g_ptr_array_index (set->traces, t);
  g_assert_nonnull (host);
  for (guint s = 0; s < host->streams->len; s++)
    g_assert_nonnull (((StrataStream *) g_ptr_array_index (host->streams, s))->scan);
  first = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  /* Taken from the host's streams, and dropped from the guests' (which need none). */
  for (guint t = 0; t < set->traces->len; t++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, t);

      for (guint s = 0; s < trace->streams->len; s++)
        g_assert_null (((StrataStream *) g_ptr_array_index (trace->streams, s))->scan);
    }
  g_assert_cmpuint (first->preemptions->len, >, 0);
  for (guint run = 0; run < 3; run++)
    {
      StrataAnalysis *again = strata_analysis_new (set, NULL, &error);
      StrataStore *a = first->store, *b;

      g_assert_no_error (error);
      b = again->store;
      g_assert_cmpuint (strata_store_n_rows (a), ==, strata_store_n_rows (b));
      g_assert_cmpuint (again->machines->len, ==, first->machines->len);
      for (guint r = 0; r < strata_store_n_rows (a); r++)
        {
          gint rb = strata_store_find_row (b, strata_store_row_name (a, r));

          g_assert_cmpint (rb, >=, 0);
          g_assert_cmpuint (strata_store_row_n_intervals (a, r), ==, strata_store_row_n_intervals (b, rb));
          for (guint64 k = 0; k < strata_store_row_n_intervals (a, r); k++)
            {
              StrataInterval ia, ib;

              strata_store_interval (a, r, k, &ia);
              strata_store_interval (b, rb, k, &ib);
              g_assert_cmpint (ia.start, ==, ib.start);
              g_assert_cmpint (ia.end, ==, ib.end);
              g_assert_cmpuint (ia.desc_id, ==, ib.desc_id);
              g_assert_cmpmem (ia.desc, sizeof *ia.desc, ib.desc, sizeof *ib.desc);
            }
        }
      g_assert_cmpuint (again->preemptions->len, ==, first->preemptions->len);
      for (guint i = 0; i < again->preemptions->len; i++)
        {
          StrataPreemption *pa = &g_array_index (first->preemptions, StrataPreemption, i);
          StrataPreemption *pb = &g_array_index (again->preemptions, StrataPreemption, i);

          g_assert_cmpint (pa->start, ==, pb->start);
          g_assert_cmpint (pa->end, ==, pb->end);
          g_assert_cmpint (pa->vcpu, ==, pb->vcpu);
          g_assert_cmpuint (pa->by->len, ==, pb->by->len);
        }
      /* The clock fits too: their origin is their first message, whichever scan met it. */
      for (guint m = 0; m < again->machines->len; m++)
        {
          const StrataSyncResult *sa = &((StrataMachine *) g_ptr_array_index (first->machines, m))->sync;
          const StrataSyncResult *sb = &((StrataMachine *) g_ptr_array_index (again->machines, m))->sync;

          g_assert_cmpint (sa->own_origin, ==, sb->own_origin);
          g_assert_cmpint (sa->ref_origin, ==, sb->ref_origin);
          g_assert_cmpfloat (sa->alpha, ==, sb->alpha);
          g_assert_true (sa->beta_ns == sb->beta_ns);
        }
      strata_analysis_unref (again);
    }
  strata_analysis_unref (first);
}

static void
test_manual_map (void)
{
  Fixture f = { 0 };
  StrataVmMap map = { (char *) "lonely", 500 };
  const Expect pcpu[] = {
    { 0, 1000, "idle", "host", -1, 0, NULL },
    { 1000, 2000, "user", "host", -1, 501, NULL },
    { 2000, 3000, "guest", "lonely", 0, 501, NULL },
    { 3000, 8000, "user", "lonely", 0, 77, "inside" },
    { 8000, 9000, "idle", "lonely", 0, 0, NULL },
    { 9000, 10000, "user", "host", -1, 501, NULL },
    { 10000, 0, "idle", "host", -1, 0, NULL },
  };
  StrataMachine *guest;

  fixture_load (&f, unsynced_guest, NULL, 0);
  g_assert_cmpint (machine (&f, "lonely")->role, ==, STRATA_ROLE_STANDALONE);
  g_assert_cmpint (strata_analysis_find_machine (f.analysis, "host/vm-500"), >=, 0);
  fixture_clear (&f);

  fixture_load (&f, unsynced_guest, &map, 1);
  guest = machine (&f, "lonely");
  g_assert_cmpint (guest->role, ==, STRATA_ROLE_GUEST);
  g_assert_cmpint (guest->link, ==, STRATA_LINK_MAP);
  g_assert_cmpint (strata_analysis_find_machine (f.analysis, "host/vm-500"), ==, -1);
  check_row (&f, "pcpu/0", pcpu, G_N_ELEMENTS (pcpu));
  /* Four events are too few for the windows to measure the clock, which the map does not
   * replace: the times stay as recorded, and that is said. The IRQ at 9500 then comes after
   * the KVM exit at 9000: two events outside guest mode. */
  g_assert_cmpint (guest->sync_method, ==, STRATA_SYNC_METHOD_NONE);
  g_assert_cmpuint (guest->outside_guest_mode, ==, 2);
  g_assert_cmpuint (f.analysis->warnings->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (f.analysis->warnings, 0), "its times are not corrected"));
  g_assert_nonnull (strstr (g_ptr_array_index (f.analysis->warnings, 1), "outside the guest mode"));
  fixture_clear (&f);
}

static gboolean
has_warning (Fixture    *f,
             const char *part1,
             const char *part2)
{
  for (guint i = 0; i < f->analysis->warnings->len; i++)
    {
      const char *w = g_ptr_array_index (f->analysis->warnings, i);

      if (strstr (w, part1) != NULL && strstr (w, part2) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* vmsync events that match no VM leave their guest standalone and say why; a --map that
 * vmsync events contradict is not used, and says so (issue 15, item 17). */
static void
test_unmatched_sync (void)
{
  const char *guestb = strstr (two_vms, "trace guestb");
  g_autofree char *head = g_strndup (two_vms, guestb - two_vms);
  g_auto(GStrv) tail = g_strsplit (guestb, "vm_uid=222", -1);
  g_autofree char *tail_333 = g_strjoinv ("vm_uid=333", tail);
  g_autofree char *one = g_strconcat (head, tail_333, NULL);
  g_auto(GStrv) guesta = g_strsplit (one, "_guest cnt=1 vm_uid=111", -1);
  g_autofree char *both_tmp = g_strjoinv ("_guest cnt=1 vm_uid=444", guesta);
  g_auto(GStrv) guesta2 = g_strsplit (both_tmp, "_guest cnt=2 vm_uid=111", -1);
  g_autofree char *both = g_strjoinv ("_guest cnt=2 vm_uid=444", guesta2);
  StrataVmMap against = { (char *) "guesta", 700 };
  StrataVmMap taken = { (char *) "guestb", 500 };
  Fixture f = { 0 };

  /* guestb's vm_uid is no VM's: guestb alone, said; guesta is linked as before. */
  fixture_load (&f, one, NULL, 0);
  g_assert_cmpint (machine (&f, "guestb")->role, ==, STRATA_ROLE_STANDALONE);
  g_assert_cmpint (machine (&f, "guesta")->role, ==, STRATA_ROLE_GUEST);
  g_assert_true (has_warning (&f, "guestb has vmsync events for vm_uid 333", "no VM of the hosts traced"));
  g_assert_false (has_warning (&f, "guesta", "vm_uid"));
  fixture_clear (&f);

  /* Neither guest's: both said. */
  fixture_load (&f, both, NULL, 0);
  g_assert_cmpint (machine (&f, "guesta")->role, ==, STRATA_ROLE_STANDALONE);
  g_assert_cmpint (machine (&f, "guestb")->role, ==, STRATA_ROLE_STANDALONE);
  g_assert_true (has_warning (&f, "guesta has vmsync events for vm_uid 444", "no VM of the hosts traced"));
  g_assert_true (has_warning (&f, "guestb has vmsync events for vm_uid 333", "no VM of the hosts traced"));
  fixture_clear (&f);

  /* Maps against the vmsync events force the pairing (they are there to mend one): guesta's
   * own events say VM 500, the map VM 700; VM 500 is guesta's by its events, the map gives it
   * to guestb, and guesta, its VM taken, is not said to have none. */
  fixture_load (&f, two_vms, &against, 1);
  g_assert_cmpint (machine (&f, "guesta")->vm_pid, ==, 700);
  g_assert_cmpint (machine (&f, "guesta")->link, ==, STRATA_LINK_MAP);
  g_assert_false (has_warning (&f, "--map guesta=700", "the map is not used"));
  fixture_clear (&f);
  fixture_load (&f, one, &taken, 1);
  g_assert_cmpint (machine (&f, "guestb")->role, ==, STRATA_ROLE_GUEST);
  g_assert_cmpint (machine (&f, "guestb")->vm_pid, ==, 500);
  g_assert_false (has_warning (&f, "--map guestb=500", "the map is not used"));
  g_assert_false (has_warning (&f, "guesta has vmsync events", "no VM of the hosts traced"));
  fixture_clear (&f);
}

/* Discarded events in the middle of a trace are counted, and the rest still reads. */
static const char *discards =
  "trace solo hostname=solo cpus=2 offset_s=1000\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 next_tid=10 next_comm=a\n"
  "event 2000 1 sched_switch prev_tid=0 prev_state=0 next_tid=20 next_comm=b\n"
  "discard 0 1234 3000\n"
  "event 4000 0 sched_switch prev_tid=10 prev_state=1 next_tid=0\n"
  "event 5000 1 sched_switch prev_tid=20 prev_state=1 next_tid=0\n";

static void
test_discards (void)
{
  Fixture f = { 0 };
  const Expect cpu0[] = {
    { 1000, 4000, "user", "solo", -1, 10, "a" },
    { 4000, 0, "idle", "solo", -1, 0, NULL },
  };
  StrataTrace *trace;

  fixture_load (&f, discards, NULL, 0);
  trace = g_ptr_array_index (f.set->traces, 0);
  g_assert_cmpuint (trace->events, ==, 4);
  g_assert_cmpuint (trace->discarded, ==, 1234);
  check_row (&f, "pcpu/0", cpu0, G_N_ELEMENTS (cpu0));
  check_row (&f, "solo/cpu/0", cpu0, G_N_ELEMENTS (cpu0));
  fixture_clear (&f);
}

/* Events lost on a host's CPUs: what the next switch names ran since the loss. CPU 0 lost
 * the switch back to a vCPU thread (its entry after the loss is the vCPU's, not the
 * kworker's, which makes no VM); CPU 1 lost nothing that changed the thread; CPU 2's vCPU
 * thread keeps entering its vCPU with no switch after; CPU 3's kworker, with no switch after
 * either, is taken for no vCPU. */
static const char *losses =
  "trace host hostname=host cpus=4 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu-system-x86 status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 0 0 lttng_statedump_process_state tid=502 pid=500 ppid=1 name=\"CPU 1/KVM\" status=5\n"
  "event 0 0 lttng_statedump_process_state tid=20 pid=20 ppid=2 name=kworker/0:1 status=5\n"
  "event 0 0 lttng_statedump_process_state tid=21 pid=21 ppid=2 name=kworker/3:1 status=5\n"
  "event 0 0 lttng_statedump_process_state tid=30 pid=30 ppid=1 name=sshd status=1\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 10000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 11000 0 sched_switch prev_tid=501 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=20 next_comm=kworker/0:1\n"
  "event 12000 0 syscall_entry name=read fd=3 count=16\n"
  "discard 0 50 13000\n"
  "event 16000 0 kvm_x86_entry vcpu_id=0\n"
  "event 20000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 21000 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n"
  "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=30 next_comm=sshd\n"
  "event 5000 1 syscall_entry name=read fd=3 count=16\n"
  "discard 1 7 6000\n"
  "event 8000 1 syscall_exit name=read ret=16\n"
  "event 9000 1 sched_switch prev_tid=30 prev_state=1 prev_comm=sshd next_tid=0 next_comm=swapper/1\n"
  "event 1000 2 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/2 next_tid=502 next_comm=\"CPU 1/KVM\"\n"
  "event 2000 2 kvm_x86_entry vcpu_id=1\n"
  "event 5000 2 kvm_x86_exit vcpu_id=1 exit_reason=1\n"
  "discard 2 9 6000\n"
  "event 7000 2 kvm_x86_entry vcpu_id=1\n"
  "event 9000 2 kvm_x86_exit vcpu_id=1 exit_reason=1\n"
  "event 1000 3 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/3 next_tid=21 next_comm=kworker/3:1\n"
  "discard 3 4 3000\n"
  "event 4000 3 kvm_x86_entry vcpu_id=0\n"
  "event 6000 3 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 30000 3 irq_handler_entry irq=16 name=eth0\n"
  "event 30500 3 irq_handler_exit irq=16 ret=1\n";

static void
test_losses (void)
{
  Fixture f = { 0 };
  const Expect pcpu0[] = {
    { 0, 1000, "idle", "host", -1, 0, "swapper/0" },
    { 1000, 2000, "user", "host", -1, 501, "CPU 0/KVM" },
    { 2000, 10000, "guest", "host/vm-500", 0, 501, "CPU 0/KVM" },
    { 10000, 11000, "user", "host", -1, 501, NULL },
    { 11000, 12000, "user", "host", -1, 20, "kworker/0:1" },
    /* From the kworker's last event to the vCPU thread's first: not known. */
    { 12000, 16000, "unknown", "host", -1, -1, NULL },
    { 16000, 20000, "guest", "host/vm-500", 0, 501, "CPU 0/KVM" },
    { 20000, 21000, "user", "host", -1, 501, NULL },
    { 21000, 0, "idle", "host", -1, 0, NULL },
  };
  const Expect vcpu0[] = {
    { 0, 1000, "blocked", "host/vm-500", 0, 501, NULL },
    { 1000, 2000, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 2000, 10000, "running", "host/vm-500", 0, 501, NULL },
    { 10000, 11000, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 11000, 12000, "preempted", "host/vm-500", 0, 501, NULL },
    { 12000, 16000, "unknown", "host/vm-500", 0, 501, NULL },
    { 16000, 20000, "running", "host/vm-500", 0, 501, NULL },
    { 20000, 21000, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 21000, 0, "blocked", "host/vm-500", 0, 501, NULL },
  };
  const Expect kworker0[] = {
    { 0, 11000, "blocked", "host", -1, -2, NULL },
    { 11000, 12000, "running", "host", -1, -2, NULL },
    /* Where it went is in the events lost. */
    { 12000, 0, "unknown", "host", -1, -2, NULL },
  };
  const Expect pcpu1[] = {
    { 1000, 5000, "user", "host", -1, 30, "sshd" },
    { 5000, 8000, "syscall", "host", -1, 30, "sshd" },
    { 8000, 9000, "user", "host", -1, 30, "sshd" },
    { 9000, 0, "idle", "host", -1, 0, NULL },
  };
  const Expect vcpu1[] = {
    { 0, 1000, "blocked", "host/vm-500", 1, 502, NULL },
    { 1000, 2000, "hypervisor", "host/vm-500", 1, 502, NULL },
    { 2000, 5000, "running", "host/vm-500", 1, 502, NULL },
    /* What the vCPU did in the loss (exits, entries) is not known. */
    { 5000, 7000, "unknown", "host/vm-500", 1, 502, NULL },
    { 7000, 9000, "running", "host/vm-500", 1, 502, NULL },
    { 9000, 0, "hypervisor", "host/vm-500", 1, 502, NULL },
  };
  const Expect pcpu3[] = {
    { 1000, 30000, "user", "host", -1, 21, "kworker/3:1" },
    { 30000, 0, "irq", "host", -1, 21, NULL },
  };
  StrataMachine *vm;
  const StrataPreemption *p;

  fixture_load (&f, losses, NULL, 0);
  g_assert_cmpuint (f.analysis->machines->len, ==, 2);
  vm = machine (&f, "host/vm-500");
  g_assert_cmpuint (vm->vcpus->len, ==, 2);
  g_assert_cmpint (g_array_index (vm->vcpus, StrataVcpu, 0).host_tid, ==, 501);
  g_assert_cmpint (g_array_index (vm->vcpus, StrataVcpu, 1).host_tid, ==, 502);
  check_row (&f, "pcpu/0", pcpu0, G_N_ELEMENTS (pcpu0));
  check_row (&f, "host/vm-500/vcpu/0", vcpu0, G_N_ELEMENTS (vcpu0));
  check_row (&f, "host/thread/20", kworker0, G_N_ELEMENTS (kworker0));
  check_row (&f, "pcpu/1", pcpu1, G_N_ELEMENTS (pcpu1));
  check_row (&f, "host/vm-500/vcpu/1", vcpu1, G_N_ELEMENTS (vcpu1));
  /* Nor is the exit that began before that loss counted: it may have ended in it. */
  g_assert_false (strata_exits_at (f.analysis->exits, strata_analysis_find_machine (f.analysis, "host/vm-500"), 1,
                                   BASE + 5000, NULL, NULL, NULL, NULL));
  check_row (&f, "pcpu/3", pcpu3, G_N_ELEMENTS (pcpu3));
  /* The vCPU's preemption ended in the events lost, when, nobody knows: open from the loss. */
  g_assert_cmpuint (f.analysis->preemptions->len, ==, 1);
  p = &g_array_index (f.analysis->preemptions, StrataPreemption, 0);
  g_assert_cmpint (p->start - BASE, ==, 11000);
  g_assert_cmpint (p->end - BASE, ==, 12000);
  g_assert_true (p->open);
  g_assert_true (p->cut);
  g_assert_cmpint (p->pcpu, ==, 0);
  g_assert_cmpuint (p->by->len, ==, 1);
  g_assert_cmpint (g_array_index (p->by, StrataPreemptionCause, 0).tid, ==, 20);
  fixture_clear (&f);
}

/* The same on a machine that is no host: its CPU row is not known over the loss, and then
 * runs the thread the next switch names. */
static const char *losses_plain =
  "trace solo hostname=solo cpus=2 offset_s=1000\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 next_tid=10 next_comm=a\n"
  "event 2000 0 syscall_entry name=read fd=3 count=16\n"
  "discard 0 5 3000\n"
  "event 4000 0 syscall_exit name=read ret=16\n"
  "event 5000 0 sched_switch prev_tid=11 prev_state=1 prev_comm=b next_tid=0\n"
  "event 6000 0 irq_handler_entry irq=16 name=eth0\n"
  "event 6500 0 irq_handler_exit irq=16 ret=1\n"
  /* The switch after the loss says the CPU was idle. */
  "event 1000 1 sched_switch prev_tid=0 prev_state=0 next_tid=12 next_comm=c\n"
  "event 2000 1 syscall_entry name=read fd=3 count=16\n"
  "discard 1 2 3000\n"
  "event 4000 1 irq_handler_entry irq=9 name=timer\n"
  "event 4500 1 irq_handler_exit irq=9 ret=1\n"
  "event 5000 1 sched_switch prev_tid=0 prev_state=0 next_tid=12 next_comm=c\n";

static void
test_losses_plain (void)
{
  Fixture f = { 0 };
  const Expect cpu0[] = {
    { 1000, 2000, "user", "solo", -1, 10, "a" },
    { 2000, 4000, "unknown", "solo", -1, -1, NULL },
    { 4000, 5000, "user", "solo", -1, 11, "b" },
    { 5000, 6000, "idle", "solo", -1, 0, NULL },
    { 6000, 0, "irq", "solo", -1, 0, NULL },
  };

  const Expect cpu1[] = {
    { 1000, 2000, "user", "solo", -1, 12, "c" },
    { 2000, 4000, "unknown", "solo", -1, -1, NULL },
    { 4000, 4500, "irq", "solo", -1, 0, NULL },
    { 4500, 5000, "idle", "solo", -1, 0, NULL },
    { 5000, 0, "syscall", "solo", -1, 12, "c" },
  };

  fixture_load (&f, losses_plain, NULL, 0);
  check_row (&f, "solo/cpu/0", cpu0, G_N_ELEMENTS (cpu0));
  check_row (&f, "solo/cpu/1", cpu1, G_N_ELEMENTS (cpu1));
  fixture_clear (&f);
}

/* A loss on CPU 0 hides its switch to the vCPU thread, which meanwhile, on CPU 1, was
 * preempted: it ran again somewhere in the loss, so that preemption ends there, cut; it
 * then blocks, is woken and waits. CPU 2 was in an IRQ when its loss began, which the
 * switch after it proves over. */
static const char *losses_elsewhere =
  "trace host hostname=host cpus=3 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=20 next_comm=kworker\n"
  "event 2000 0 syscall_entry name=read fd=3 count=16\n"
  "discard 0 30 3000\n"
  "event 8000 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n"
  "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 1500 1 kvm_x86_entry vcpu_id=0\n"
  "event 3500 1 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 4000 1 sched_switch prev_tid=501 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=700 next_comm=hog\n"
  "event 12000 1 sched_wakeup tid=501 comm=\"CPU 0/KVM\" target_cpu=1\n"
  "event 13000 1 sched_switch prev_tid=700 prev_state=1 prev_comm=hog next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 13500 1 kvm_x86_entry vcpu_id=0\n"
  "event 15000 1 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 16000 1 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/1\n"
  "event 1000 2 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/2 next_tid=10 next_comm=a\n"
  "event 2000 2 irq_handler_entry irq=16 name=eth0\n"
  "discard 2 5 3000\n"
  "event 5000 2 sched_switch prev_tid=11 prev_state=1 prev_comm=b next_tid=0 next_comm=swapper/2\n";

static void
test_losses_elsewhere (void)
{
  Fixture f = { 0 };
  const Expect vcpu0[] = {
    { 0, 1000, "blocked", "host/vm-500", 0, 501, NULL },
    { 1000, 1500, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 1500, 3500, "running", "host/vm-500", 0, 501, NULL },
    { 3500, 4000, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 4000, 8000, "preempted", "host/vm-500", 0, 501, NULL },
    { 8000, 12000, "blocked", "host/vm-500", 0, 501, NULL },
    { 12000, 13000, "waiting", "host/vm-500", 0, 501, NULL },
    { 13000, 13500, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 13500, 15000, "running", "host/vm-500", 0, 501, NULL },
    { 15000, 0, "hypervisor", "host/vm-500", 0, 501, NULL },
  };
  const Expect cpu2[] = {
    { 1000, 2000, "user", "host", -1, 10, "a" },
    { 2000, 5000, "unknown", "host", -1, -1, NULL },
    { 5000, 0, "idle", "host", -1, 0, NULL },
  };
  const StrataPreemption *p;

  fixture_load (&f, losses_elsewhere, NULL, 0);
  check_row (&f, "host/vm-500/vcpu/0", vcpu0, G_N_ELEMENTS (vcpu0));
  check_row (&f, "pcpu/2", cpu2, G_N_ELEMENTS (cpu2));
  g_assert_cmpuint (f.analysis->preemptions->len, ==, 2);
  p = &g_array_index (f.analysis->preemptions, StrataPreemption, 0);
  g_assert_cmpint (p->start - BASE, ==, 4000);
  g_assert_cmpint (p->end - BASE, ==, 8000);
  g_assert_true (p->open && p->cut);
  p = &g_array_index (f.analysis->preemptions, StrataPreemption, 1);
  g_assert_cmpint (p->kind, ==, STRATA_PREEMPTION_WAKEUP);
  g_assert_cmpint (p->start - BASE, ==, 12000);
  g_assert_cmpint (p->end - BASE, ==, 13000);
  g_assert_false (p->open);
  fixture_clear (&f);
}

/* Recorded without state dump or forks: no event names the vCPU threads' process. Threads
 * 1001 and 1002 are one qemu's vCPUs 0 and 1, 1040 and 1041 another's (VMs started one after
 * the other), which first enter in an order that mixes them; VM 500's are named. */
static const char *no_statedump =
  "trace host hostname=host cpus=6 offset_s=1000\n"
  "event 0 4 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 0 4 lttng_statedump_process_state tid=502 pid=500 ppid=1 name=\"CPU 1/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 next_tid=1001 next_comm=\"CPU 0/KVM\"\n"
  "event 1100 0 kvm_x86_entry vcpu_id=0\n"
  "event 1200 1 sched_switch prev_tid=0 prev_state=0 next_tid=1041 next_comm=\"CPU 1/KVM\"\n"
  "event 1300 1 kvm_x86_entry vcpu_id=1\n"
  "event 1400 2 sched_switch prev_tid=0 prev_state=0 next_tid=1040 next_comm=\"CPU 0/KVM\"\n"
  "event 1500 2 kvm_x86_entry vcpu_id=0\n"
  "event 1600 3 sched_switch prev_tid=0 prev_state=0 next_tid=1002 next_comm=\"CPU 1/KVM\"\n"
  "event 1700 3 kvm_x86_entry vcpu_id=1\n"
  "event 1800 4 sched_switch prev_tid=0 prev_state=0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 1900 4 kvm_x86_entry vcpu_id=0\n"
  "event 2000 5 sched_switch prev_tid=0 prev_state=0 next_tid=502 next_comm=\"CPU 1/KVM\"\n"
  "event 2100 5 kvm_x86_entry vcpu_id=1\n"
  "event 3000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 3000 1 kvm_x86_exit vcpu_id=1 exit_reason=12\n"
  "event 3000 2 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 3000 3 kvm_x86_exit vcpu_id=1 exit_reason=12\n"
  "event 3000 4 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 3000 5 kvm_x86_exit vcpu_id=1 exit_reason=12\n";

/* Without state dump, a guest whose vCPU 1 sends a vmsync before that thread's first entry
 * the trace has (it began in guest mode): the message's VM is the thread's. */
static const char *no_statedump_vmsync =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 500 0 sched_switch prev_tid=0 prev_state=0 next_tid=1000 next_comm=\"CPU 0/KVM\"\n"
  "event 600 0 kvm_x86_entry vcpu_id=0\n"
  "event 5000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 5100 0 kvm_x86_entry vcpu_id=0\n"
  "event 9000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 9100 0 sched_switch prev_tid=1000 prev_state=1 next_tid=0\n"
  "event 400 1 sched_switch prev_tid=0 prev_state=0 next_tid=1001 next_comm=\"CPU 1/KVM\"\n"
  "event 650 1 kvm_x86_exit vcpu_id=1 exit_reason=18\n"
  "event 700 1 vmsync_gh_host cnt=1 vm_uid=9\n"
  "event 800 1 kvm_x86_entry vcpu_id=1\n"
  "event 2000 1 kvm_x86_exit vcpu_id=1 exit_reason=18\n"
  "event 2100 1 vmsync_hg_host cnt=1 vm_uid=9\n"
  "event 2200 1 kvm_x86_entry vcpu_id=1\n"
  "event 8000 1 kvm_x86_exit vcpu_id=1 exit_reason=12\n"
  "event 8100 1 sched_switch prev_tid=1001 prev_state=1 next_tid=0\n"
  "trace guest hostname=guest cpus=2 offset_s=1000\n"
  "event 690 1 vmsync_gh_guest cnt=1 vm_uid=9\n"
  "event 2300 1 vmsync_hg_guest cnt=1 vm_uid=9\n"
  "event 3000 0 sched_switch prev_tid=0 prev_state=0 next_tid=42 next_comm=w\n"
  "event 4000 0 sched_switch prev_tid=42 prev_state=1 next_tid=0\n"
  "event 3000 1 sched_switch prev_tid=0 prev_state=0 next_tid=43 next_comm=x\n"
  "event 4000 1 sched_switch prev_tid=43 prev_state=1 next_tid=0\n";

static void
test_no_statedump (void)
{
  Fixture f = { 0 };
  const struct { const char *name; gboolean guessed; gint32 tids[2]; } vms[] = {
    { "host/vm-1001", TRUE, { 1001, 1002 } },
    { "host/vm-1040", TRUE, { 1040, 1041 } },
    { "host/vm-500", FALSE, { 501, 502 } },
  };
  StrataMachine *guest;

  fixture_load (&f, no_statedump, NULL, 0);
  g_assert_cmpuint (f.analysis->machines->len, ==, 1 + G_N_ELEMENTS (vms));
  for (guint i = 0; i < G_N_ELEMENTS (vms); i++)
    {
      StrataMachine *vm = machine (&f, vms[i].name);

      g_assert_cmpint (vm->vm_pid_guessed, ==, vms[i].guessed);
      g_assert_cmpuint (vm->vcpus->len, ==, 2);
      for (guint v = 0; v < 2; v++)
        {
          const StrataVcpu *vc = &g_array_index (vm->vcpus, StrataVcpu, v);

          g_assert_cmpint (vc->id, >=, 0);
          g_assert_cmpint (vc->id, <, 2);
          g_assert_cmpint (vc->host_tid, ==, vms[i].tids[vc->id]);
        }
    }
  fixture_clear (&f);

  fixture_load (&f, no_statedump_vmsync, NULL, 0);
  guest = machine (&f, "guest");
  g_assert_cmpint (guest->role, ==, STRATA_ROLE_GUEST);
  g_assert_cmpint (guest->link, ==, STRATA_LINK_VMSYNC);
  g_assert_cmpint (guest->vm_pid, ==, 1000);
  g_assert_true (guest->vm_pid_guessed);
  g_assert_cmpuint (guest->vcpus->len, ==, 2);
  fixture_clear (&f);
}

/* CPU 1's clock a little ahead of CPU 0's: the vCPU thread is switched in on CPU 1 50 ns
 * before its switch-out on CPU 0 is stamped. It was not preempted in between. */
static const char *skewed_switch =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 0 0 lttng_statedump_process_state tid=600 pid=600 ppid=1 name=stress status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 1100 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=0 next_comm=swapper/1\n"
  "event 1500 0 kvm_x86_entry vcpu_id=0\n"
  "event 5000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 5950 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 6000 0 sched_switch prev_tid=501 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=600 next_comm=stress\n"
  "event 6500 1 kvm_x86_entry vcpu_id=0\n"
  "event 9000 1 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 9500 1 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/1\n";

static void
test_skewed_switch (void)
{
  Fixture f = { 0 };
  const Expect vcpu0[] = {
    { 0, 1000, "blocked", "host/vm-500", 0, 501, NULL },
    { 1000, 1500, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 1500, 5000, "running", "host/vm-500", 0, 501, NULL },
    { 5000, 6500, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 6500, 9000, "running", "host/vm-500", 0, 501, NULL },
    { 9000, 0, "hypervisor", "host/vm-500", 0, 501, NULL },
  };
  const Expect thread[] = {
    { 0, 1000, "blocked", "host", 0, -2, NULL },
    { 1000, 0, "running", "host", 0, -2, NULL },
  };

  fixture_load (&f, skewed_switch, NULL, 0);
  check_row (&f, "host/vm-500/vcpu/0", vcpu0, G_N_ELEMENTS (vcpu0));
  check_row (&f, "host/thread/501", thread, G_N_ELEMENTS (thread));
  g_assert_cmpuint (f.analysis->preemptions->len, ==, 0);
  fixture_clear (&f);
}

/* Linux before 5.8 traced kvm_exit in the exit's handler, after the host took the exit's
 * interrupt and could switch threads: on CPU 0 the IRQ and the switch to stress come before
 * the kvm_exit, and the guest left at the IRQ. CPU 1's trace begins in guest mode: its first
 * event is an exit, of the vCPU its statedump says runs there. */
static const char *late_exits =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 0 0 lttng_statedump_process_state tid=502 pid=500 ppid=1 name=\"CPU 1/KVM\" status=6 cpu=1\n"
  "event 0 0 lttng_statedump_process_state tid=600 pid=600 ppid=1 name=stress status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 5000 0 irq_handler_entry irq=0 name=timer\n"
  "event 5200 0 irq_handler_exit irq=0 ret=1\n"
  "event 5300 0 sched_wakeup tid=600 comm=stress target_cpu=0\n"
  "event 5400 0 sched_switch prev_tid=501 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=600 next_comm=stress\n"
  "event 15000 0 sched_switch prev_tid=600 prev_state=1 prev_comm=stress next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 15100 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 15500 0 kvm_x86_entry vcpu_id=0\n"
  "event 20000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 20500 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n"
  "event 3000 1 kvm_x86_exit vcpu_id=1 exit_reason=30\n"
  "event 4000 1 kvm_x86_entry vcpu_id=1\n"
  "event 9000 1 kvm_x86_exit vcpu_id=1 exit_reason=1\n"
  "event 9500 1 kvm_x86_entry vcpu_id=1\n"
  "event 30000 1 irq_handler_entry irq=16 name=eth0\n"
  "event 30500 1 irq_handler_exit irq=16 ret=1\n";

static void
test_late_exits (void)
{
  Fixture f = { 0 };
  const Expect pcpu0[] = {
    { 0, 1000, "idle", "host", -1, 0, NULL },
    { 1000, 2000, "user", "host", -1, 501, NULL },
    { 2000, 5000, "guest", "host/vm-500", 0, 501, NULL },
    { 5000, 5200, "irq", "host", -1, 501, NULL },
    { 5200, 5400, "user", "host", -1, 501, NULL },
    { 5400, 15000, "user", "host", -1, 600, "stress" },
    { 15000, 15500, "user", "host", -1, 501, NULL },
    { 15500, 20000, "guest", "host/vm-500", 0, 501, NULL },
    { 20000, 20500, "user", "host", -1, 501, NULL },
    { 20500, 0, "idle", "host", -1, 0, NULL },
  };
  const Expect vcpu0[] = {
    { 0, 1000, "blocked", "host/vm-500", 0, 501, NULL },
    { 1000, 2000, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 2000, 5000, "running", "host/vm-500", 0, 501, NULL },
    { 5000, 5400, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 5400, 15000, "preempted", "host/vm-500", 0, 501, NULL },
    { 15000, 15500, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 15500, 20000, "running", "host/vm-500", 0, 501, NULL },
    { 20000, 20500, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 20500, 0, "blocked", "host/vm-500", 0, 501, NULL },
  };
  gint vm;
  guint8 isa;
  guint32 code;
  gint64 start, end;

  fixture_load (&f, late_exits, NULL, 0);
  vm = strata_analysis_find_machine (f.analysis, "host/vm-500");
  check_row (&f, "pcpu/0", pcpu0, G_N_ELEMENTS (pcpu0));
  check_row (&f, "host/vm-500/vcpu/0", vcpu0, G_N_ELEMENTS (vcpu0));
  /* The exit from the IRQ on, for the reason its late kvm_exit gives, preemption included. */
  g_assert_true (strata_exits_at (f.analysis->exits, vm, 0, BASE + 5000, &isa, &code, &start, &end));
  g_assert_cmpuint (code, ==, 1);
  g_assert_cmpint (start - BASE, ==, 5000);
  g_assert_cmpint (end - BASE, ==, 15500);
  /* The first event of CPU 1 is an exit: counted, with its reason. */
  g_assert_true (strata_exits_at (f.analysis->exits, vm, 1, BASE + 3000, &isa, &code, &start, &end));
  g_assert_cmpuint (code, ==, 30);
  g_assert_cmpint (start - BASE, ==, 3000);
  g_assert_cmpint (end - BASE, ==, 4000);
  /* An exit still open when the trace ends (CPU 0's HLT) is not counted; its reason is
   * known, where it has no end. */
  g_assert_cmpuint (strata_exits_n_exits (f.analysis->exits), ==, 3);
  g_assert_true (strata_exits_at (f.analysis->exits, vm, 0, BASE + 20200, &isa, &code, &start, &end));
  g_assert_cmpuint (code, ==, 12);
  g_assert_cmpint (start - BASE, ==, 20000);
  g_assert_cmpint (end, ==, G_MAXINT64);
  g_assert_cmpuint (f.analysis->preemptions->len, ==, 1);
  fixture_clear (&f);
}

/* A host traced for less time than another machine of the set, its last event an entry. */
static const char *host_ends_first =
  "trace host hostname=host cpus=1 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 9000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 9500 0 kvm_x86_entry vcpu_id=0\n"
  "trace other hostname=other cpus=1 offset_s=1000\n"
  "event 500 0 sched_switch prev_tid=0 prev_state=0 next_tid=77 next_comm=x\n"
  "event 20000 0 sched_switch prev_tid=77 prev_state=1 prev_comm=x next_tid=0\n";

static void
test_host_ends_first (void)
{
  Fixture f = { 0 };
  /* In guest mode from its last entry to the end of its trace; then nothing is known. */
  const Expect vcpu0[] = {
    { 9000, 9500, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 9500, 9501, "running", "host/vm-500", 0, 501, NULL },
    { 9501, 0, "unknown", NULL, -1, -2, NULL },
  };
  const Expect pcpu0[] = {
    { 9000, 9500, "user", "host", -1, 501, NULL },
    { 9500, 9501, "guest", "host/vm-500", 0, 501, NULL },
    { 9501, 0, "unknown", NULL, -1, -2, NULL },
  };

  fixture_load (&f, host_ends_first, NULL, 0);
  check_row_from (&f, "host/vm-500/vcpu/0", 9000, vcpu0, G_N_ELEMENTS (vcpu0));
  check_row_from (&f, "pcpu/0", 9000, pcpu0, G_N_ELEMENTS (pcpu0));
  fixture_clear (&f);
}

/* vmsync messages from the guest only: its clock is bounded on one side. Its worker's
 * switch-out at 10500 maps between two guest-mode windows as placed, but the clock may be
 * anywhere earlier: nothing can be said to fall outside guest mode. */
static const char *one_way_guest =
  "trace host hostname=host cpus=1 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 2600 0 vmsync_gh_host cnt=1 vm_uid=111\n"
  "event 9000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 12000 0 kvm_x86_entry vcpu_id=0\n"
  "event 15600 0 vmsync_gh_host cnt=2 vm_uid=111\n"
  "event 20000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 21000 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n"
  "trace guest hostname=guest cpus=1 offset_s=1000\n"
  "event 2500 0 vmsync_gh_guest cnt=1 vm_uid=111\n"
  "event 3000 0 sched_switch prev_tid=0 prev_state=0 next_tid=50 next_comm=worker\n"
  "event 10500 0 sched_switch prev_tid=50 prev_state=1 prev_comm=worker next_tid=0 next_comm=swapper/0\n"
  "event 15500 0 vmsync_gh_guest cnt=2 vm_uid=111\n"
  "event 19000 0 sched_switch prev_tid=0 prev_state=0 next_tid=50 next_comm=worker\n";

static void
test_one_way_guest (void)
{
  Fixture f = { 0 };
  StrataMachine *guest;

  fixture_load (&f, one_way_guest, NULL, 0);
  guest = machine (&f, "guest");
  g_assert_cmpint (guest->sync.quality, ==, STRATA_SYNC_INCOMPLETE);
  g_assert_true (isinf (guest->sync.accuracy_ns));
  g_assert_cmpint (strata_sync_one_sided (&guest->sync), ==, -1);
  g_assert_cmpuint (guest->outside_guest_mode, ==, 0);
  fixture_clear (&f);
}

/* The bundled demo: the clock sync recovers the guest's offset and drift within its own
 * accuracy, and each vCPU is preempted by the host task, named as the cause. */
static void
test_demo (void)
{
  StrataScenarioParams params = { STRATA_SCENARIO_DEMO, 0, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(StrataAnalysis) analysis = NULL;
  const StrataScenarioClock *clock = strata_scenario_demo_clock ();
  StrataMachine *guest;
  gboolean by_stress[2] = { FALSE, FALSE };

  set = strata_scenario_load (&params, NULL, &error);
  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);

  guest = g_ptr_array_index (analysis->machines, strata_analysis_find_machine (analysis, "server1"));
  g_assert_cmpint (guest->role, ==, STRATA_ROLE_GUEST);
  g_assert_cmpint (guest->sync_method, ==, STRATA_SYNC_METHOD_VMSYNC);
  g_assert_true (guest->sync.quality == STRATA_SYNC_ACCURATE);
  g_test_message ("demo sync: %u matches, alpha %.12f, accuracy %.1f ns", guest->sync.matches,
                  guest->sync.alpha, guest->sync.accuracy_ns);
  for (gint64 host = STRATA_DEMO_T0_NS; host < STRATA_DEMO_T0_NS + STRATA_DEMO_DURATION_NS;
       host += STRATA_DEMO_DURATION_NS / 16)
    {
      gint64 g = strata_scenario_clock_to_guest (clock, host);
      gint64 mapped = strata_sync_map (&guest->sync, g);

      g_assert_cmpfloat (ABS ((double) (mapped - host)), <=, guest->sync.accuracy_ns + 1);
    }
  g_assert_cmpuint (guest->outside_guest_mode, ==, 0);

  for (guint i = 0; i < analysis->preemptions->len; i++)
    {
      StrataPreemption *p = &g_array_index (analysis->preemptions, StrataPreemption, i);
      StrataPreemptionCause *top;

      if (p->by->len == 0 || p->vcpu < 0 || p->vcpu > 1)
        continue;
      top = &g_array_index (p->by, StrataPreemptionCause, 0);
      if (top->tid == STRATA_DEMO_STRESS_TID &&
          g_strcmp0 (strata_analysis_string (analysis, top->comm), "stress") == 0)
        by_stress[p->vcpu] = TRUE;
    }
  g_assert_true (by_stress[0]);
  g_assert_true (by_stress[1]);
}

/* What the trace writer refuses comes back as a parse error on the scenario's line, whether
 * the set is written or loaded. */
static void
test_load_error (void)
{
  static const char text[] =
    "trace a\n"
    "event 4611686018427387904 0 irq_handler_exit irq=1\n";
  g_autoptr(GError) error = NULL;
  StrataSet *set = strata_scenario_load_string (text, "t", NULL, &error);

  g_assert_null (set);
  g_assert_error (error, STRATA_SCENARIO_ERROR, STRATA_SCENARIO_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "t:2: "));
  g_assert_nonnull (strstr (error->message, "after the end of the time range"));
}

/* Thread and process ids are 32-bit: Linux's pid_max reaches 4194304, so qemu's pid is often
 * above 65535. Both VMs link to their guests through vmsync, which the host's scan ties to the
 * VM by the thread current when the message was sent. */
static const char *big_pids =
  "trace host hostname=host cpus=1 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=70000 pid=70000 ppid=1 name=qemu-a status=5\n"
  "event 0 0 lttng_statedump_process_state tid=70001 pid=70000 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 0 0 lttng_statedump_process_state tid=4194000 pid=4194000 ppid=1 name=qemu-b status=5\n"
  "event 0 0 lttng_statedump_process_state tid=4194001 pid=4194000 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 next_tid=70001 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 2300 0 kvm_x86_exit vcpu_id=0\n"
  "event 2600 0 vmsync_gh_host cnt=1 vm_uid=111\n"
  "event 3000 0 vmsync_hg_host cnt=1 vm_uid=111\n"
  "event 3200 0 kvm_x86_entry vcpu_id=0\n"
  "event 10000 0 kvm_x86_exit vcpu_id=0\n"
  "event 11000 0 sched_switch prev_tid=70001 prev_state=1 next_tid=4194001 next_comm=\"CPU 0/KVM\"\n"
  "event 11200 0 vmsync_hg_host cnt=1 vm_uid=222\n"
  "event 12000 0 kvm_x86_entry vcpu_id=0\n"
  "event 20000 0 kvm_x86_exit vcpu_id=0\n"
  "event 20300 0 vmsync_gh_host cnt=1 vm_uid=222\n"
  "event 21000 0 sched_switch prev_tid=4194001 prev_state=1 next_tid=0\n"
  "trace guesta hostname=guesta cpus=1 offset_s=1000\n"
  "event 2100 0 vmsync_gh_guest cnt=1 vm_uid=111\n"
  "event 3500 0 vmsync_hg_guest cnt=1 vm_uid=111\n"
  "event 3600 0 sched_switch prev_tid=0 prev_state=0 next_tid=50 next_comm=worker-a\n"
  "trace guestb hostname=guestb cpus=1 offset_s=1000\n"
  "event 12100 0 vmsync_hg_guest cnt=1 vm_uid=222\n"
  "event 12200 0 sched_switch prev_tid=0 prev_state=0 next_tid=4194303 next_comm=worker-b\n"
  "event 19400 0 vmsync_gh_guest cnt=1 vm_uid=222\n";

static void
test_big_pids (void)
{
  Fixture f = { 0 };
  const struct { const char *guest; gint64 pid; gint32 vcpu_tid; } vms[] = {
    { "guesta", 70000, 70001 },
    { "guestb", 4194000, 4194001 },
  };
  StrataInterval iv;

  fixture_load (&f, big_pids, NULL, 0);
  /* The host and the two guests: no VM left without its guest. */
  g_assert_cmpuint (f.analysis->machines->len, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (vms); i++)
    {
      StrataMachine *m = machine (&f, vms[i].guest);

      g_assert_cmpint (m->role, ==, STRATA_ROLE_GUEST);
      g_assert_cmpint (m->parent, ==, strata_analysis_find_machine (f.analysis, "host"));
      g_assert_cmpint (m->vm_pid, ==, vms[i].pid);
      g_assert_cmpint (m->sync_method, ==, STRATA_SYNC_METHOD_VMSYNC);
      g_assert_cmpuint (m->sync.matches, ==, 2);
      g_assert_cmpuint (m->vcpus->len, ==, 1);
      g_assert_cmpint (g_array_index (m->vcpus, StrataVcpu, 0).host_tid, ==, vms[i].vcpu_tid);
    }
  /* The pCPU shows guestb's own thread while its vCPU runs. */
  g_assert_true (strata_store_lookup (f.analysis->store, strata_store_find_row (f.analysis->store, "pcpu/0"),
                                      BASE + 15000, &iv));
  g_assert_cmpint (iv.desc->machine, ==, strata_analysis_find_machine (f.analysis, "guestb"));
  g_assert_cmpint (iv.desc->tid, ==, 4194303);
  g_assert_cmpint (iv.desc->host_tid, ==, 4194001);
  g_assert_cmpint (strata_store_find_row (f.analysis->store, "host/thread/4194001"), >=, 0);
  fixture_clear (&f);
}

static guint64
count_kinds (StrataTrace    *trace,
             StrataEventKind first,
             StrataEventKind last)
{
  guint64 n = 0;

  for (guint s = 0; s < trace->streams->len; s++)
    {
      StrataEventCursor cursor;
      StrataEvent e;

      strata_event_cursor_init (&cursor, ((StrataStream *) g_ptr_array_index (trace->streams, s))->buffer);
      while (strata_event_cursor_next (&cursor, &e))
        n += e.kind >= first && e.kind <= last;
    }
  return n;
}

static StrataTrace *
find_trace (StrataSet  *set,
            const char *machine)
{
  for (guint i = 0; i < set->traces->len; i++)
    if (g_strcmp0 (((StrataTrace *) g_ptr_array_index (set->traces, i))->machine, machine) == 0)
      return g_ptr_array_index (set->traces, i);
  g_error ("no trace %s", machine);
  return NULL;
}

/* Hosts and VMs for the model: guests with or without vmsync events, floating vCPU threads,
 * clocks as given, and a host whose own trace is left out. */
static void
test_model_text (void)
{
  static const char text[] =
    "host h1 duration=300ms\n"
    "vm a vcpus=2 pcpus=0,1 clock_offset=-1s drift_ppm=40 sync=none\n"
    "vm b vcpus=2 pcpus=2-7 float=1 qemu_pid=70000 clock_offset=+250ms\n"
    "host h2 duration=300ms seed=7 trace=0\n"
    "vm c vcpus=1 pcpus=3 sync=none\n";
  static const struct { const char *text; const char *message; } bad[] = {
    { "vm a vcpus=1\n", "before any “host”" },
    { "host h\nvm a vcpus=2 pcpus=0\n", "one pCPU each" },
    { "host h\nvm a vcpus=1 qemu_pid=5000\n", "already a thread" },
    { "host h\nvm a vcpus=1 pcpus=8\n", "out of range" },
    { "host h\nvm a vcpus=1 sync=tcp\n", "invalid sync" },
    /* One error, not two (GLib warns of one set over another, fatal in tests). */
    { "host h\nvm a vcpus=1 clock_offset=-1h\n", "invalid clock_offset" },
    { "host h\nvm h vcpus=1\n", "defined twice" },
    { "trace t\nhost h\n", "either traces" },
    { "host h\ntrace t\n", "either traces" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load_string (text, "t", NULL, &error);
  g_autoptr(StrataAnalysis) analysis = NULL;
  StrataTrace *a, *b, *c;
  gint vm_b;
  guint pcpus_used = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (set->traces->len, ==, 4);
  a = find_trace (set, "a");
  b = find_trace (set, "b");
  c = find_trace (set, "c");
  find_trace (set, "h1");
  g_assert_cmpuint (a->n_cpus, ==, 2);
  g_assert_cmpuint (count_kinds (a, STRATA_EV_VMSYNC_GH_GUEST, STRATA_EV_VMSYNC_HG_HOST), ==, 0);
  g_assert_cmpuint (count_kinds (c, STRATA_EV_VMSYNC_GH_GUEST, STRATA_EV_VMSYNC_HG_HOST), ==, 0);
  g_assert_cmpuint (count_kinds (b, STRATA_EV_VMSYNC_GH_GUEST, STRATA_EV_VMSYNC_HG_HOST), >, 0);
  /* a's clock: a second behind the host's, and 40 ppm fast. */
  g_assert_cmpint (a->begin_ns, <, STRATA_DEMO_T0_NS - 999 * G_GINT64_CONSTANT (1000000));

  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  /* b (vmsync, its vCPU threads above 65535) is linked; its threads ran on several pCPUs. */
  vm_b = strata_analysis_find_machine (analysis, "b");
  g_assert_cmpint (vm_b, >=, 0);
  g_assert_cmpint (((StrataMachine *) g_ptr_array_index (analysis->machines, vm_b))->sync_method, ==,
                   STRATA_SYNC_METHOD_VMSYNC);
  g_assert_cmpint (((StrataMachine *) g_ptr_array_index (analysis->machines, vm_b))->vm_pid, ==, 70000);
  for (guint cpu = 2; cpu < 8; cpu++)
    {
      g_autofree char *name = g_strdup_printf ("pcpu/%u", cpu);
      gint row = strata_store_find_row (analysis->store, name);
      guint64 n = strata_store_row_n_intervals (analysis->store, row);

      for (guint64 i = 0; i < n; i++)
        {
          StrataInterval iv;

          strata_store_interval (analysis->store, row, i, &iv);
          if (iv.desc->machine == (guint) vm_b)
            {
              pcpus_used++;
              break;
            }
        }
    }
  g_assert_cmpuint (pcpus_used, >=, 3);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) local = NULL;
      StrataSet *none = strata_scenario_load_string (bad[i].text, "bad", NULL, &local);

      g_assert_null (none);
      g_assert_error (local, STRATA_SCENARIO_ERROR, STRATA_SCENARIO_ERROR_PARSE);
      if (strstr (local->message, bad[i].message) == NULL)
        g_error ("“%s” gave “%s”", bad[i].text, local->message);
    }
}

/* The model's accessors: machines by index, roles, and a host's guests in machine order. */
static void
test_accessors (void)
{
  Fixture f = { 0 };
  gint host, a, b;
  StrataGuestIter iter;
  guint guest, n = 0;
  guint expected[2];

  fixture_load (&f, two_vms, NULL, 0);
  host = strata_analysis_find_machine (f.analysis, "host");
  a = strata_analysis_find_machine (f.analysis, "guesta");
  b = strata_analysis_find_machine (f.analysis, "guestb");
  g_assert_cmpuint (strata_analysis_get_n_machines (f.analysis), ==, 3);
  g_assert_cmpstr (strata_analysis_get_machine_name (f.analysis, a), ==, "guesta");
  g_assert_true (strata_analysis_get_machine (f.analysis, b) == g_ptr_array_index (f.analysis->machines, b));
  g_assert_null (strata_analysis_get_machine (f.analysis, -1));
  g_assert_null (strata_analysis_get_machine_name (f.analysis, 3));
  g_assert_null (strata_analysis_get_machine_name (f.analysis, STRATA_NO_MACHINE));
  g_assert_true (strata_analysis_machine_is_host (f.analysis, host));
  g_assert_false (strata_analysis_machine_is_guest (f.analysis, host));
  g_assert_true (strata_analysis_machine_is_guest (f.analysis, a));
  g_assert_false (strata_analysis_machine_is_host (f.analysis, b));
  g_assert_false (strata_analysis_machine_is_guest (f.analysis, -1));
  g_assert_cmpint (strata_analysis_find_machine (f.analysis, "nobody"), ==, -1);

  expected[0] = MIN (a, b);
  expected[1] = MAX (a, b);
  strata_guest_iter_init (&iter, f.analysis, host);
  while (strata_guest_iter_next (&iter, &guest))
    {
      g_assert_cmpuint (n, <, 2);
      g_assert_cmpuint (guest, ==, expected[n++]);
    }
  g_assert_cmpuint (n, ==, 2);
  /* A guest, and no machine, have no guests. */
  strata_guest_iter_init (&iter, f.analysis, a);
  g_assert_false (strata_guest_iter_next (&iter, &guest));
  strata_guest_iter_init (&iter, f.analysis, -1);
  g_assert_false (strata_guest_iter_next (&iter, &guest));

  if (g_test_undefined ())
    {
      g_test_expect_message ("strata-analysis", G_LOG_LEVEL_CRITICAL, "*self != NULL*");
      g_assert_null (strata_analysis_get_machine_name (NULL, 0));
      g_test_assert_expected_messages ();
    }
  fixture_clear (&f);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scenario/preempted-by-host", test_preempted_by_host);
  g_test_add_func ("/scenario/two-vms", test_two_vms);
  g_test_add_func ("/scenario/same-every-time", test_same_every_time);
  g_test_add_func ("/scenario/manual-map", test_manual_map);
  g_test_add_func ("/scenario/unmatched-sync", test_unmatched_sync);
  g_test_add_func ("/scenario/discards", test_discards);
  g_test_add_func ("/scenario/losses", test_losses);
  g_test_add_func ("/scenario/losses-plain", test_losses_plain);
  g_test_add_func ("/scenario/late-exits", test_late_exits);
  g_test_add_func ("/scenario/skewed-switch", test_skewed_switch);
  g_test_add_func ("/scenario/no-statedump", test_no_statedump);
  g_test_add_func ("/scenario/host-ends-first", test_host_ends_first);
  g_test_add_func ("/scenario/one-way-guest", test_one_way_guest);
  g_test_add_func ("/scenario/losses-elsewhere", test_losses_elsewhere);
  g_test_add_func ("/scenario/demo", test_demo);
  g_test_add_func ("/scenario/load-error", test_load_error);
  g_test_add_func ("/scenario/big-pids", test_big_pids);
  g_test_add_func ("/scenario/model-text", test_model_text);
  g_test_add_func ("/scenario/accessors", test_accessors);
  g_test_add_func ("/scenario/bench-knobs", test_bench_knobs);
  return g_test_run ();
}
