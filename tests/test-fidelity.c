/* test-fidelity.c: the analysis tells what the trace proves, on sets our generator makes with
 * the conventions of real kernels and LTTng generations (test-fidelity-traces checks the
 * sample traces)
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
#include "strata-range-stats.h"
#include "strata-describe.h"
#include "strata-exit-reason.h"
#include "strata-follow.h"
#include "strata-scenario.h"

/* Every scenario's traces have offset_s = 1000: absolute times are BASE + the scenario's TS. */
#define BASE G_GINT64_CONSTANT (1000000000000)

/* Loads @scenario as the set its CTF traces would read as, and analyses it. */
static StrataAnalysis *
analyse_scenario (const char        *scenario,
                  const StrataVmMap *maps,
                  guint              n_maps)
{
  g_autoptr(GError) error = NULL;
  StrataAnalysisOptions options = { maps, n_maps };
  g_autoptr(StrataSet) set = strata_scenario_load_string (scenario, "test", NULL, &error);
  StrataAnalysis *analysis;

  g_assert_no_error (error);
  g_assert_cmpuint (set->errors->len, ==, 0);
  analysis = strata_analysis_new (set, &options, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < analysis->warnings->len; i++)
    g_test_message ("analysis: %s", (const char *) g_ptr_array_index (analysis->warnings, i));
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

/* @row_name is in @state at BASE + @ts (and, when @tid is not -2, shows thread @tid). */
static void
assert_state (StrataAnalysis *a,
              const char     *row_name,
              gint64          ts,
              const char     *state,
              gint            tid)
{
  StrataInterval iv = interval_at (a, row_name, BASE + ts);

  if (g_strcmp0 (strata_state_to_string (iv.desc->state), state) != 0 ||
      (tid != -2 && iv.tid != tid))
    g_error ("%s at +%" G_GINT64_FORMAT ": %s tid %d, expected %s tid %d", row_name, ts,
             strata_state_to_string (iv.desc->state), iv.tid, state, tid);
}

/* @row_name shows, at BASE + @ts, a thread named @comm. */
static void
assert_comm (StrataAnalysis *a,
             const char     *row_name,
             gint64          ts,
             const char     *comm)
{
  StrataInterval iv = interval_at (a, row_name, BASE + ts);

  g_assert_cmpuint (iv.desc->comm, !=, 0);
  g_assert_cmpstr (strata_analysis_string (a, iv.desc->comm), ==, comm);
}

/* ---- defect 1: preemption markers of every generation, and what the trace proves ---- */

typedef struct
{
  const char *kernel;     /* the trace's kernel_release */
  gint64      marker;     /* what that kernel's LTTng reports for a preempted thread */
} Generation;

static const Generation generations[] = {
  { "3.13.0-170-generic", 1024 },   /* Linux 3.x: TASK_STATE_MAX */
  { "4.4.0-210-generic", 2048 },    /* 4.x up to 4.13 */
  { "4.15.0-29-generic", 4096 },    /* lttng-modules 2.10 and 2.11 on 4.14 to 4.18 */
  { "5.15.0-91-generic", 256 },     /* TASK_REPORT_MAX, current lttng-modules */
};

/*
 * On each generation's kernel, thread 101 is preempted by 102 with that kernel's marker, then
 * sleeps with 1 and is woken; 103 sleeps with TASK_IDLE (1026) and is woken; 104 reports a
 * sleep (1) but runs again with no wakeup in between. A vCPU thread (501) is preempted with
 * the marker. The host traces wakeups and loses nothing.
 */
static char *
markers_scenario (const Generation *g)
{
  return g_strdup_printf (
    "trace host hostname=host cpus=2 offset_s=1000 kernel_release=%s\n"
    "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
    "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
    "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=101 next_comm=worker\n"
    "event 2000 0 sched_switch prev_tid=101 prev_state=%" G_GINT64_FORMAT " prev_comm=worker next_tid=102 next_comm=hog\n"
    "event 3000 0 sched_switch prev_tid=102 prev_state=1 prev_comm=hog next_tid=101 next_comm=worker\n"
    "event 4000 0 sched_switch prev_tid=101 prev_state=1 prev_comm=worker next_tid=103 next_comm=kworker\n"
    "event 5000 1 sched_waking tid=101 comm=worker target_cpu=0\n"
    "event 5100 1 sched_wakeup tid=101 comm=worker target_cpu=0\n"
    "event 6000 0 sched_switch prev_tid=103 prev_state=1026 prev_comm=kworker next_tid=101 next_comm=worker\n"
    "event 7000 0 sched_switch prev_tid=101 prev_state=0 prev_comm=worker next_tid=104 next_comm=batch\n"
    "event 8000 0 sched_switch prev_tid=104 prev_state=1 prev_comm=batch next_tid=101 next_comm=worker\n"
    "event 9000 0 sched_switch prev_tid=101 prev_state=1 prev_comm=worker next_tid=104 next_comm=batch\n"
    "event 10000 1 sched_waking tid=103 comm=kworker target_cpu=1\n"
    "event 10500 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=103 next_comm=kworker\n"
    "event 11000 1 sched_switch prev_tid=103 prev_state=0 prev_comm=kworker next_tid=501 next_comm=\"CPU 0/KVM\"\n"
    "event 12000 1 kvm_x86_entry vcpu_id=0\n"
    "event 13000 1 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
    "event 14000 1 sched_switch prev_tid=501 prev_state=%" G_GINT64_FORMAT " prev_comm=\"CPU 0/KVM\" next_tid=103 next_comm=kworker\n"
    "event 15000 1 sched_switch prev_tid=103 prev_state=1 prev_comm=kworker next_tid=501 next_comm=\"CPU 0/KVM\"\n"
    "event 16000 1 kvm_x86_entry vcpu_id=0\n"
    "event 17000 1 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
    "event 18000 1 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/1\n"
    "event 18500 0 sched_waking tid=501 comm=\"CPU 0/KVM\" target_cpu=1\n"
    "event 19000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
    "event 20000 1 irq_handler_entry irq=16 name=eth0\n"
    "event 20100 1 irq_handler_exit irq=16 ret=1\n",
    g->kernel, g->marker, g->marker);
}

static void
test_preemption_markers (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (generations); i++)
    {
      g_autofree char *scenario = markers_scenario (&generations[i]);
      g_autoptr(StrataAnalysis) a = NULL;
      guint n_preemptions = 0;

      g_test_message ("kernel %s, marker %" G_GINT64_FORMAT, generations[i].kernel, generations[i].marker);
      a = analyse_scenario (scenario, NULL, 0);
      /* The marker alone: runnable. */
      assert_state (a, "host/thread/101", 2500, "wait-cpu", 101);
      /* A sleep, woken: blocked until the wakeup, then waiting for the CPU. */
      assert_state (a, "host/thread/101", 4500, "blocked", 101);
      assert_state (a, "host/thread/101", 5500, "wait-cpu", 101);
      /* TASK_IDLE is a sleep, although it carries the 1024 bit. */
      assert_state (a, "host/thread/103", 8000, "blocked", 103);
      /* A sleep by its value, but run again with no wakeup: runnable all along. */
      assert_state (a, "host/thread/104", 8500, "wait-cpu", 104);
      assert_state (a, "host/thread/101", 8500, "running", 101);

      /* The vCPU thread, preempted with the marker, then halted and sleeping. */
      assert_state (a, "host/vm-500/vcpu/0", 14500, "preempted", 501);
      assert_state (a, "host/vm-500/vcpu/0", 18200, "blocked", 501);
      for (guint p = 0; p < a->preemptions->len; p++)
        {
          const StrataPreemption *pr = &g_array_index (a->preemptions, StrataPreemption, p);

          if (pr->start == BASE + 14000)
            {
              g_assert_cmpint (pr->end, ==, BASE + 15000);
              g_assert_cmpint (pr->pcpu, ==, 1);
              n_preemptions++;
            }
        }
      g_assert_cmpuint (n_preemptions, ==, 1);
    }
}

/* A vCPU thread that reports a sleep but is switched in again with no wakeup was preempted;
 * without wakeups in the trace at all, nothing proves it, and the value stands. */
static void
test_switched_in_without_wakeup (void)
{
  const char *with_wakeups =
    "trace host hostname=host cpus=1 offset_s=1000\n"
    "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
    "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
    "event 2000 0 kvm_x86_entry vcpu_id=0\n"
    "event 3000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
    "event 4000 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=600 next_comm=stress\n"
    "event 9000 0 sched_switch prev_tid=600 prev_state=1 prev_comm=stress next_tid=501 next_comm=\"CPU 0/KVM\"\n"
    "event 9500 0 sched_waking tid=600 comm=stress target_cpu=0\n";
  g_autofree char *without_wakeups = g_strndup (with_wakeups, strstr (with_wakeups, "event 9500") - with_wakeups);
  g_autoptr(StrataAnalysis) proved = analyse_scenario (with_wakeups, NULL, 0);
  g_autoptr(StrataAnalysis) unproved = analyse_scenario (without_wakeups, NULL, 0);
  const StrataPreemption *p;

  assert_state (proved, "host/thread/501", 5000, "wait-cpu", 501);
  assert_state (proved, "host/vm-500/vcpu/0", 5000, "preempted", 501);
  g_assert_cmpuint (proved->preemptions->len, ==, 1);
  p = &g_array_index (proved->preemptions, StrataPreemption, 0);
  g_assert_cmpint (p->start, ==, BASE + 4000);
  g_assert_cmpint (p->end, ==, BASE + 9000);
  g_assert_cmpint (p->pcpu, ==, 0);

  assert_state (unproved, "host/thread/501", 5000, "blocked", 501);
  assert_state (unproved, "host/vm-500/vcpu/0", 5000, "blocked", 501);
  g_assert_cmpuint (unproved->preemptions->len, ==, 0);
}

/* ---- defect 2: rows start at the first evidence ---- */

/*
 * CPU 0's first events (a wakeup, an IRQ exit, a soft IRQ, a syscall exit) come before its first switch,
 * which names thread 70001 as what ran: the row holds it from the CPU's first event, with the
 * IRQ open from then, and 70001 in the syscall whose exit is its first syscall event. CPU 1
 * never switches: a statedump (on CPU 0) says its vCPU thread 70501 runs there, so the KVM
 * windows before anything else are that VM's. Thread ids above 65535, as on hosts with a large
 * pid_max.
 */
static const char *first_evidence =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 500 0 sched_waking tid=70002 comm=kworker target_cpu=0\n"
  "event 1000 0 irq_handler_exit irq=19 ret=1\n"
  "event 1500 0 irq_softirq_entry vec=3\n"
  "event 2000 0 irq_softirq_exit vec=3\n"
  "event 3000 0 syscall_exit_ioctl ret=0\n"
  "event 3100 1 kvm_x86_entry vcpu_id=0\n"
  "event 4000 0 lttng_statedump_process_state tid=70001 pid=70001 ppid=1 name=sessiond status=2 cpu=0\n"
  "event 4100 0 lttng_statedump_process_state tid=70500 pid=70500 ppid=1 name=qemu status=5 cpu=1\n"
  "event 4200 0 lttng_statedump_process_state tid=70501 pid=70500 ppid=1 name=\"CPU 0/KVM\" status=6 cpu=1\n"
  "event 5000 0 syscall_entry_ioctl fd=3\n"
  "event 6000 0 sched_switch prev_tid=70001 prev_state=1 prev_comm=sessiond next_tid=0 next_comm=swapper/0\n"
  "event 7000 1 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 7200 1 kvm_x86_entry vcpu_id=0\n"
  "event 9000 1 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 9100 0 irq_handler_entry irq=19 name=eth0\n"
  "event 9200 0 irq_handler_exit irq=19 ret=1\n";

static void
test_first_evidence (void)
{
  g_autoptr(StrataAnalysis) a = analyse_scenario (first_evidence, NULL, 0);
  gint vm;

  /* CPU 0: the thread its first switch names, from its first event, in the IRQ open then. */
  assert_state (a, "pcpu/0", 500, "irq", 70001);
  assert_state (a, "pcpu/0", 1200, "syscall", 70001);
  assert_state (a, "pcpu/0", 1700, "softirq", 70001);
  /* In the ioctl whose exit is its first syscall event, then in user space, then another. */
  assert_state (a, "pcpu/0", 2500, "syscall", 70001);
  assert_state (a, "pcpu/0", 4000, "user", 70001);
  assert_state (a, "pcpu/0", 5500, "syscall", 70001);
  assert_state (a, "host/thread/70001", 1200, "syscall", 70001);
  assert_state (a, "host/thread/70001", 4000, "running", 70001);
  assert_state (a, "pcpu/0", 6500, "idle", 0);
  assert_state (a, "irq/19", 500, "irq", 70001);

  /* CPU 1: never switched; the statedump names its thread, whose entries make the VM. */
  vm = strata_analysis_find_machine (a, "host/vm-70500");
  g_assert_cmpint (vm, >=, 0);
  assert_state (a, "pcpu/1", 3500, "guest", 70501);
  assert_state (a, "pcpu/1", 7100, "user", 70501);
  assert_state (a, "pcpu/1", 8000, "guest", 70501);
  assert_state (a, "host/vm-70500/vcpu/0", 3500, "running", 70501);
  assert_state (a, "host/vm-70500/vcpu/0", 7100, "hypervisor", 70501);
}

/*
 * A statedump (on CPU 0, at +1000) says which thread runs on CPUs 1 to 5, whose first events
 * come later. CPU 1's first switch names that thread: the row holds it from the dump. CPU 2's
 * names another: nothing is known before its first event. CPU 3's vCPU thread makes a KVM exit
 * first, and CPU 4 leaves an IRQ first: when they entered guest mode or the IRQ is not known,
 * so they start at their first event too; as does CPU 5, whose tracer lost events before it.
 */
static const char *dump_before_first_event =
  "trace host hostname=host cpus=6 offset_s=1000\n"
  "event 500 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=70001 next_comm=sessiond\n"
  "event 1000 0 lttng_statedump_process_state tid=70050 pid=70050 ppid=1 name=gone status=6 cpu=5\n"
  "discard 5 7 3000\n"
  "event 5000 5 sched_switch prev_tid=70050 prev_state=1 prev_comm=gone next_tid=0 next_comm=swapper/5\n"
  "event 1000 0 lttng_statedump_process_state tid=70010 pid=70010 ppid=1 name=spin status=6 cpu=1\n"
  "event 1000 0 lttng_statedump_process_state tid=70020 pid=70020 ppid=1 name=other status=6 cpu=2\n"
  "event 1000 0 lttng_statedump_process_state tid=70501 pid=70500 ppid=1 name=\"CPU 0/KVM\" status=6 cpu=3\n"
  "event 1000 0 lttng_statedump_process_state tid=70040 pid=70040 ppid=1 name=irqd status=6 cpu=4\n"
  "event 4000 4 irq_handler_exit irq=19 ret=1\n"
  "event 5000 1 sched_switch prev_tid=70010 prev_state=1 prev_comm=spin next_tid=0 next_comm=swapper/1\n"
  "event 5000 2 sched_switch prev_tid=70021 prev_state=1 prev_comm=else next_tid=0 next_comm=swapper/2\n"
  "event 5000 4 sched_switch prev_tid=70040 prev_state=1 prev_comm=irqd next_tid=0 next_comm=swapper/4\n"
  "event 6000 3 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 7000 3 sched_switch prev_tid=70501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/3\n"
  "event 9000 0 sched_switch prev_tid=70001 prev_state=1 prev_comm=sessiond next_tid=0 next_comm=swapper/0\n";

/* Nothing is known of @row_name at BASE + @ts. */
static void
assert_unknown (StrataAnalysis *a,
                const char     *row_name,
                gint64          ts)
{
  gint row = strata_store_find_row (a->store, row_name);
  StrataInterval iv;

  g_assert_cmpint (row, >=, 0);
  if (strata_store_lookup (a->store, row, BASE + ts, &iv))
    g_assert_cmpstr (strata_state_to_string (iv.desc->state), ==, "unknown");
}

static void
test_dump_before_first_event (void)
{
  g_autoptr(StrataAnalysis) a = analyse_scenario (dump_before_first_event, NULL, 0);

  assert_state (a, "pcpu/1", 1000, "user", 70010);
  assert_state (a, "pcpu/1", 4900, "user", 70010);
  assert_state (a, "host/thread/70010", 2000, "running", 70010);
  assert_comm (a, "pcpu/1", 2000, "spin");
  assert_state (a, "pcpu/1", 5500, "idle", 0);
  assert_unknown (a, "pcpu/1", 900);
  assert_unknown (a, "pcpu/2", 2000);
  assert_unknown (a, "pcpu/3", 2000);
  assert_unknown (a, "pcpu/4", 2000);
  assert_state (a, "pcpu/4", 4500, "user", 70040);
  assert_unknown (a, "pcpu/5", 2000);
  assert_state (a, "pcpu/5", 6000, "idle", 0);
}

/*
 * Thread 70003 runs on CPU 0 from its first event, but the switch that says so gives no name:
 * the statedump names it later. Its intervals from the first have that name, on its thread
 * row (whose descriptions name no thread, so that all threads share them) as on the CPU's.
 */
static const char *named_late =
  "trace host hostname=host cpus=1 offset_s=1000\n"
  "event 1000 0 syscall_entry_read fd=3\n"
  "event 2000 0 syscall_exit_read ret=0\n"
  "event 3000 0 sched_switch prev_tid=70003 prev_state=1 prev_comm=\"\" next_tid=0 next_comm=swapper/0\n"
  "event 4000 0 lttng_statedump_process_state tid=70003 pid=70003 ppid=1 name=late status=1 cpu=0\n"
  "event 5000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=70003 next_comm=late\n"
  "event 6000 0 sched_switch prev_tid=70003 prev_state=1 prev_comm=late next_tid=0 next_comm=swapper/0\n";

static void
test_named_late (void)
{
  g_autoptr(StrataAnalysis) a = analyse_scenario (named_late, NULL, 0);
  g_autofree char *text = NULL;
  StrataInterval iv;
  gint row;

  assert_state (a, "host/thread/70003", 1500, "syscall", 70003);
  assert_comm (a, "host/thread/70003", 1500, "late");
  assert_state (a, "host/thread/70003", 2500, "running", 70003);
  assert_comm (a, "host/thread/70003", 2500, "late");
  assert_comm (a, "host/thread/70003", 5500, "late");
  assert_state (a, "pcpu/0", 1500, "syscall", 70003);
  assert_comm (a, "pcpu/0", 1500, "late");

  /* The tooltip names the thread, which its row's descriptions do not. */
  row = strata_store_find_row (a->store, "host/thread/70003");
  g_assert_true (strata_store_lookup (a->store, row, BASE + 1500, &iv));
  text = strata_describe_interval (a, row, &iv, BASE + 1500);
  g_assert_nonnull (strstr (text, "\nProcess: late (70003)\n"));
}

/* A thread that has its process's name: the tooltip names the process by its own id, not the
 * thread's; a thread whose process is not named, by the process's id alone. */
static const char *same_name_threads =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 100 0 lttng_statedump_process_state tid=812 pid=812 ppid=1 name=worker status=5\n"
  "event 100 0 lttng_statedump_process_state tid=813 pid=812 ppid=1 name=worker status=5\n"
  "event 100 0 lttng_statedump_process_state tid=915 pid=914 ppid=1 name=helper status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=813 next_comm=worker\n"
  "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=915 next_comm=helper\n"
  "event 3000 0 sched_switch prev_tid=813 prev_state=1 prev_comm=worker next_tid=0 next_comm=swapper/0\n"
  "event 3000 1 sched_switch prev_tid=915 prev_state=1 prev_comm=helper next_tid=0 next_comm=swapper/1\n";

static void
test_same_name_threads (void)
{
  g_autoptr(StrataAnalysis) a = analyse_scenario (same_name_threads, NULL, 0);
  const char *rows[] = { "pcpu/0", "pcpu/1" };
  const char *expected[] = { "\nProcess: worker (812), thread worker (813)\n", "\nProcess: 914, thread helper (915)\n" };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      gint row = strata_store_find_row (a->store, rows[i]);
      g_autofree char *text = NULL;
      StrataInterval iv;

      g_assert_true (strata_store_lookup (a->store, row, BASE + 2000, &iv));
      text = strata_describe_interval (a, row, &iv, BASE + 2000);
      if (strstr (text, expected[i]) == NULL)
        g_error ("%s: %s", rows[i], text);
    }
}

/* Two hosts in one set, each with a VM whose vCPU thread has the same id: the tooltip of the
 * second host's vCPU names that host's thread and process, and no pCPU of the first host
 * (whose pcpu/N rows they are), where a thread of that id runs another VM. */
static const char *two_hosts =
  "trace hosta hostname=hosta cpus=1 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu-alpha status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 6000 0 kvm_x86_exit vcpu_id=0 exit_reason=HLT\n"
  "event 7000 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=900 next_comm=intruder\n"
  "event 10000 0 sched_switch prev_tid=900 prev_state=1 prev_comm=intruder next_tid=0 next_comm=swapper/0\n"
  "trace hostb hostname=hostb cpus=1 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=800 pid=800 ppid=1 name=qemu-beta status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=800 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1500 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2500 0 kvm_x86_entry vcpu_id=0\n"
  "event 6500 0 kvm_x86_exit vcpu_id=0 exit_reason=HLT\n"
  "event 7500 0 sched_switch prev_tid=501 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=700 next_comm=hog\n"
  "event 9000 0 sched_switch prev_tid=700 prev_state=1 prev_comm=hog next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 9500 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n";

static void
test_two_hosts (void)
{
  g_autoptr(StrataAnalysis) a = analyse_scenario (two_hosts, NULL, 0);
  gint hostb = strata_analysis_find_machine (a, "hostb");
  gboolean found_preemption = FALSE;
  gint vm = -1;
  g_autofree char *row_name = NULL;
  g_autofree char *text = NULL;
  StrataInterval iv;
  gint row;

  g_assert_cmpint (hostb, >=, 0);
  for (guint m = 0; m < a->machines->len; m++)
    if (((StrataMachine *) g_ptr_array_index (a->machines, m))->parent == hostb)
      vm = m;
  g_assert_cmpint (vm, >=, 0);
  g_assert_cmpint (((StrataMachine *) g_ptr_array_index (a->machines, vm))->vm_pid, ==, 800);
  row_name = g_strdup_printf ("%s/vcpu/0", ((StrataMachine *) g_ptr_array_index (a->machines, vm))->name);
  row = strata_store_find_row (a->store, row_name);
  g_assert_cmpint (row, >=, 0);
  g_assert_true (strata_store_lookup (a->store, row, BASE + 4000, &iv));
  g_assert_cmpint (iv.desc->state, ==, STRATA_STATE_RUNNING);
  text = strata_describe_interval (a, row, &iv, BASE + 4000);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "Host thread: qemu-beta (800), thread CPU 0/KVM (501)\n"));
  g_assert_null (strstr (text, "qemu-alpha"));
  /* hosta's pcpu/0 runs its own VM's vCPU thread 501 then: not this one. */
  g_assert_null (strstr (text, "on CPU"));
  /* What to follow from the vCPU row, the guest untraced: the thread on its own host. */
  row = strata_follow_thread_at (a, row, BASE + 4000);
  g_assert_cmpint (row, >=, 0);
  g_assert_cmpstr (strata_store_row_name (a->store, row), ==, "hostb/thread/501");

  /* Its preemption on its host's CPU 0: by that host's thread, not by the one the other
   * host ran on its own CPU 0 meanwhile. */
  for (guint i = 0; i < a->preemptions->len; i++)
    {
      const StrataPreemption *p = &g_array_index (a->preemptions, StrataPreemption, i);
      const StrataPreemptionCause *top;

      if (p->machine != (guint) vm)
        continue;
      g_assert_cmpint (p->start, ==, BASE + 7500);
      g_assert_cmpint (p->end, ==, BASE + 9000);
      g_assert_cmpuint (p->by->len, ==, 1);
      top = &g_array_index (p->by, StrataPreemptionCause, 0);
      g_assert_cmpint (top->machine, ==, hostb);
      g_assert_cmpint (top->tid, ==, 700);
      g_assert_cmpstr (strata_analysis_string (a, top->comm), ==, "hog");
      g_assert_cmpint (top->ns, ==, 1500);
      found_preemption = TRUE;
    }
  g_assert_true (found_preemption);
}

/* The second host's VM traced as well: that host's own CPU rows are fused as the first
 * host's pcpu/N are, its guest-mode time showing the guest's thread. */
static const char *two_hosts_traced =
  "trace hosta hostname=hosta cpus=1 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu-alpha status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 6000 0 kvm_x86_exit vcpu_id=0 exit_reason=HLT\n"
  "event 7000 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n"
  "trace hostb hostname=hostb cpus=1 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=800 pid=800 ppid=1 name=qemu-beta status=5\n"
  "event 0 0 lttng_statedump_process_state tid=801 pid=800 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1500 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=801 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 2300 0 kvm_x86_exit vcpu_id=0\n"
  "event 2600 0 vmsync_gh_host cnt=1 vm_uid=9\n"
  "event 3000 0 vmsync_hg_host cnt=1 vm_uid=9\n"
  "event 3200 0 kvm_x86_entry vcpu_id=0\n"
  "event 6500 0 kvm_x86_exit vcpu_id=0 exit_reason=HLT\n"
  "event 7500 0 sched_switch prev_tid=801 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=700 next_comm=hog\n"
  "event 9000 0 sched_switch prev_tid=700 prev_state=1 prev_comm=hog next_tid=801 next_comm=\"CPU 0/KVM\"\n"
  "event 9500 0 sched_switch prev_tid=801 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n"
  "trace guestb hostname=guestb cpus=1 offset_s=1000\n"
  "event 2100 0 vmsync_gh_guest cnt=1 vm_uid=9\n"
  "event 3500 0 vmsync_hg_guest cnt=1 vm_uid=9\n"
  "event 3600 0 sched_switch prev_tid=0 prev_state=0 next_tid=42 next_comm=worker-b\n"
  "event 6000 0 sched_switch prev_tid=42 prev_state=1 prev_comm=worker-b next_tid=0\n";

static void
test_two_hosts_fused (void)
{
  g_autoptr(StrataAnalysis) a = analyse_scenario (two_hosts_traced, NULL, 0);
  gint guestb = strata_analysis_find_machine (a, "guestb");
  StrataRangeIndex *index;
  StrataRangeStats *stats;
  const StrataPcpuRangeStats *p;
  StrataInterval iv;

  g_assert_cmpint (guestb, >=, 0);
  g_assert_cmpint (((StrataMachine *) g_ptr_array_index (a->machines, guestb))->parent, ==,
                   strata_analysis_find_machine (a, "hostb"));
  /* In guest mode, hostb's CPU 0 runs the guest's worker. */
  assert_state (a, "hostb/cpu/0", 4000, "user", 42);
  assert_comm (a, "hostb/cpu/0", 4000, "worker-b");
  iv = interval_at (a, "hostb/cpu/0", BASE + 4000);
  g_assert_cmpint (iv.desc->machine, ==, guestb);
  g_assert_cmpint (iv.desc->host_tid, ==, 801);
  /* Idle in the guest, still the guest's. */
  iv = interval_at (a, "hostb/cpu/0", BASE + 6200);
  g_assert_cmpint (iv.desc->machine, ==, guestb);
  assert_state (a, "hostb/cpu/0", 8000, "user", 700);
  /* The first host's rows as they were: its VM was not traced. */
  assert_state (a, "pcpu/0", 4000, "guest", 501);
  iv = interval_at (a, "pcpu/0", BASE + 4000);
  g_assert_cmpint (iv.desc->machine, !=, guestb);

  /* Its CPUs' share of time follows the set host's, each said whose. */
  index = strata_range_index_new (a);
  stats = strata_range_index_query (index, strata_store_begin (a->store), strata_store_end (a->store));
  g_assert_cmpuint (stats->pcpus->len, ==, 2);
  p = &g_array_index (stats->pcpus, StrataPcpuRangeStats, 0);
  g_assert_cmpint (p->machine, ==, strata_analysis_find_machine (a, "hosta"));
  g_assert_cmpint (p->machine_ns[guestb], ==, 0);
  p = &g_array_index (stats->pcpus, StrataPcpuRangeStats, 1);
  g_assert_cmpint (p->machine, ==, strata_analysis_find_machine (a, "hostb"));
  g_assert_cmpint (p->cpu, ==, 0);
  g_assert_cmpint (p->machine_ns[guestb], ==, (2300 - 2000) + (6500 - 3200));
  g_assert_cmpint (p->idle + p->host + p->unknown + p->machine_ns[guestb], ==, stats->to - stats->from);
  strata_range_stats_free (stats);
  strata_range_index_free (index);
}

/* A status other than RUN proves nothing: lttng-modules writes 1 or 2 for every runnable
 * thread, on the CPU it last ran on, running or not. */
static void
test_statedump_not_run (void)
{
  g_autofree char *scenario = g_strdup (first_evidence);
  char *run = strstr (scenario, "status=6");
  g_autoptr(StrataAnalysis) a = NULL;
  gint row;
  StrataInterval iv;

  run[strlen ("status=")] = '2';
  a = analyse_scenario (scenario, NULL, 0);
  g_assert_cmpint (strata_analysis_find_machine (a, "host/vm-70500"), <, 0);
  row = strata_store_find_row (a->store, "pcpu/1");
  g_assert_true (row < 0 || !strata_store_lookup (a->store, row, BASE + 3500, &iv) ||
                 iv.desc->state == STRATA_STATE_UNKNOWN);
}

/* ---- defects 3 to 5: preemptions and wake-up waits, open ones, their causes ---- */

/*
 * VM A's vCPU (thread 70501) is preempted on pCPU 0 by VM B's vCPU thread (80501; VM B was not
 * traced), in host then guest mode, then by a host thread, then nothing; later it sleeps, is
 * woken and waits; last it is preempted and the trace ends first.
 */
static const char *causes =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=70500 pid=70500 ppid=1 name=qemu-a status=5\n"
  "event 0 0 lttng_statedump_process_state tid=70501 pid=70500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 0 0 lttng_statedump_process_state tid=80500 pid=80500 ppid=1 name=qemu-b status=5\n"
  "event 0 0 lttng_statedump_process_state tid=80501 pid=80500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=70501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 3000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 4000 0 sched_switch prev_tid=70501 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=80501 next_comm=\"CPU 0/KVM\"\n"
  "event 5000 0 kvm_x86_entry vcpu_id=0\n"
  "event 7000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 7500 0 kvm_x86_entry vcpu_id=0\n"
  "event 7700 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 8000 0 sched_switch prev_tid=80501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=600 next_comm=stress\n"
  "event 9000 0 sched_switch prev_tid=600 prev_state=1 prev_comm=stress next_tid=0 next_comm=swapper/0\n"
  "event 10000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=70501 next_comm=\"CPU 0/KVM\"\n"
  "event 11000 0 sched_switch prev_tid=70501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n"
  "event 12000 1 sched_waking tid=70501 comm=\"CPU 0/KVM\" target_cpu=0\n"
  "event 12500 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=70501 next_comm=\"CPU 0/KVM\"\n"
  "event 13000 0 sched_switch prev_tid=70501 prev_state=4096 prev_comm=\"CPU 0/KVM\" next_tid=600 next_comm=stress\n"
  "event 20000 1 irq_handler_entry irq=16 name=eth0\n"
  "event 20100 1 irq_handler_exit irq=16 ret=1\n";

static const StrataPreemptionCause *
find_cause (StrataAnalysis         *a,
            const StrataPreemption *p,
            const char             *machine,
            StrataCauseState        state)
{
  gint m = strata_analysis_find_machine (a, machine);

  for (guint c = 0; c < p->by->len; c++)
    {
      const StrataPreemptionCause *cause = &g_array_index (p->by, StrataPreemptionCause, c);

      if (cause->machine == m && cause->state == state)
        return cause;
    }
  g_error ("no cause %s %s", machine, strata_cause_state_to_string (state));
  return NULL;
}

static void
test_preemptions_and_causes (void)
{
  g_autoptr(StrataAnalysis) a = analyse_scenario (causes, NULL, 0);
  gint vm_a = strata_analysis_find_machine (a, "host/vm-70500");
  const StrataPreemption *p;
  const StrataPreemptionCause *c;

  g_assert_cmpuint (a->preemptions->len, ==, 3);
  for (guint i = 0; i < a->preemptions->len; i++)
    g_assert_cmpint (g_array_index (a->preemptions, StrataPreemption, i).machine, ==, vm_a);

  /* Preempted by VM B's vCPU (its hypervisor part one cause, its guest mode another, with no
   * thread since B was not traced), by a host thread, and by nothing. */
  p = &g_array_index (a->preemptions, StrataPreemption, 0);
  g_assert_cmpint (p->kind, ==, STRATA_PREEMPTION_PREEMPTED);
  g_assert_cmpint (p->start, ==, BASE + 4000);
  g_assert_cmpint (p->end, ==, BASE + 10000);
  g_assert_false (p->open);
  g_assert_cmpuint (p->by->len, ==, 4);
  c = find_cause (a, p, "host/vm-80500", STRATA_CAUSE_HYPERVISOR);
  g_assert_cmpint (c->vcpu, ==, 0);
  g_assert_cmpint (c->tid, ==, -1);
  g_assert_cmpint (c->ns, ==, 1800);
  /* Before its first entry it handled no exit; from 7,000 an EXTERNAL_INTERRUPT exit, the
   * longest, and from 7,700 one of HLT still open when the trace ends. */
  g_assert_true (c->has_exit);
  g_assert_cmpuint (c->exit_isa, ==, STRATA_ISA_VMX);
  g_assert_cmpuint (c->exit_code, ==, 1);
  g_assert_cmpint (c->exit_ns, ==, 500);
  {
    g_autofree char *text = strata_describe_cause (a, c);

    g_assert_cmpstr (text, ==, "vCPU 0 of host/vm-80500 in the hypervisor (EXTERNAL_INTERRUPT)");
  }
  c = find_cause (a, p, "host/vm-80500", STRATA_CAUSE_GUEST);
  g_assert_cmpint (c->vcpu, ==, 0);
  g_assert_cmpint (c->tid, ==, -1);
  g_assert_cmpuint (c->comm, ==, 0);
  g_assert_cmpint (c->ns, ==, 2200);
  c = find_cause (a, p, "host", STRATA_CAUSE_HOST);
  g_assert_cmpint (c->tid, ==, 600);
  g_assert_cmpstr (strata_analysis_string (a, c->comm), ==, "stress");
  g_assert_cmpint (c->vcpu, ==, -1);
  g_assert_cmpint (c->ns, ==, 1000);
  c = find_cause (a, p, "host", STRATA_CAUSE_IDLE);
  g_assert_cmpint (c->tid, ==, -1);
  g_assert_cmpint (c->ns, ==, 1000);

  /* Woken and waiting: a wake-up wait, the vCPU row waiting, behind the idle pCPU. */
  p = &g_array_index (a->preemptions, StrataPreemption, 1);
  g_assert_cmpint (p->kind, ==, STRATA_PREEMPTION_WAKEUP);
  g_assert_cmpint (p->start, ==, BASE + 12000);
  g_assert_cmpint (p->end, ==, BASE + 12500);
  g_assert_cmpint (p->pcpu, ==, 0);
  assert_state (a, "host/vm-70500/vcpu/0", 12200, "waiting", 70501);
  assert_state (a, "host/vm-70500/vcpu/0", 11500, "blocked", 70501);
  g_assert_cmpint (find_cause (a, p, "host", STRATA_CAUSE_IDLE)->ns, ==, 500);

  /* Still preempted when the trace ends: listed, open, up to the end, where its vCPU row's
   * last preempted interval ends (here the set's end; see /kvm-link/open-preemption-end). */
  p = &g_array_index (a->preemptions, StrataPreemption, 2);
  g_assert_cmpint (p->kind, ==, STRATA_PREEMPTION_PREEMPTED);
  g_assert_true (p->open);
  g_assert_cmpint (p->start, ==, BASE + 13000);
  g_assert_cmpint (p->end, ==, BASE + 20100);
  assert_state (a, "host/vm-70500/vcpu/0", 20099, "preempted", 70501);
  g_assert_cmpint (interval_at (a, "host/vm-70500/vcpu/0", BASE + 20099).end, ==, p->end);
  g_assert_cmpint (find_cause (a, p, "host", STRATA_CAUSE_HOST)->tid, ==, 600);
}

/* ---- defect 7: soft IRQ rows per CPU ---- */

/* Vector 3 runs on CPUs 0 and 1 at once, and nests in itself on CPU 1 (a raise in a hard IRQ
 * inside it): each CPU has its row, and their times add up to the handlers'. */
static const char *softirqs =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 1000 0 irq_softirq_entry vec=3\n"
  "event 1500 1 irq_softirq_entry vec=3\n"
  "event 3000 0 irq_softirq_exit vec=3\n"
  "event 3200 1 irq_softirq_entry vec=3\n"
  "event 3400 1 irq_softirq_exit vec=3\n"
  "event 4500 1 irq_softirq_exit vec=3\n"
  "event 5000 0 irq_softirq_entry vec=9\n"
  "event 5100 0 irq_softirq_exit vec=9\n";

static gint64
softirq_time (StrataAnalysis *a,
              const char     *row_name)
{
  gint row = strata_store_find_row (a->store, row_name);
  guint64 first, last;
  gint64 ns = 0;

  g_assert_cmpint (row, >=, 0);
  g_assert_cmpint (strata_store_row_kind (a->store, row), ==, STRATA_ROW_SOFTIRQ);
  strata_store_range (a->store, row, strata_store_begin (a->store), strata_store_end (a->store), &first, &last);
  for (guint64 i = first; i < last; i++)
    {
      StrataInterval iv;

      strata_store_interval (a->store, row, i, &iv);
      if (iv.desc->state == STRATA_STATE_SOFTIRQ)
        ns += iv.end - iv.start;
    }
  return ns;
}

static void
test_softirq_per_cpu (void)
{
  g_autoptr(StrataAnalysis) a = analyse_scenario (softirqs, NULL, 0);
  gint row = strata_store_find_row (a->store, "host/softirq/3/cpu/1");

  g_assert_cmpint (softirq_time (a, "softirq/3/cpu/0"), ==, 2000);
  g_assert_cmpint (softirq_time (a, "softirq/3/cpu/1"), ==, 3000);
  g_assert_cmpint (softirq_time (a, "softirq/9/cpu/0"), ==, 100);
  g_assert_cmpint (strata_store_find_row (a->store, "softirq/9/cpu/1"), <, 0);
  g_assert_cmpint (strata_store_find_row (a->store, "softirq/3"), <, 0);
  g_assert_cmpint (row, ==, strata_store_find_row (a->store, "softirq/3/cpu/1"));
  g_assert_cmpint (strata_softirq_row_vector (strata_store_row_number (a->store, row)), ==, 3);
  g_assert_cmpuint (strata_softirq_row_cpu (strata_store_row_number (a->store, row)), ==, 1);
}

/* One vCPU's windows on the host, with a vmsync exchange, and the guest's part of it: the
 * host's state dump and the guest's events at the edges around it are each test's own. */
#define EDGES_VCPU \
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n" \
  "event 2000 0 kvm_x86_entry vcpu_id=0\n" \
  "event 2300 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n" \
  "event 2600 0 vmsync_gh_host cnt=1 vm_uid=7\n" \
  "event 3000 0 vmsync_hg_host cnt=1 vm_uid=7\n" \
  "event 3200 0 kvm_x86_entry vcpu_id=0\n" \
  "event 10000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n" \
  "event 11000 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n" \
  "event 15000 0 kvm_x86_entry vcpu_id=0\n" \
  "trace guest hostname=guest cpus=1 offset_s=1000\n" \
  "event 2100 0 vmsync_gh_guest cnt=1 vm_uid=7\n" \
  "event 3500 0 vmsync_hg_guest cnt=1 vm_uid=7\n" \
  "event 3600 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=50 next_comm=worker\n"

/*
 * The guest's clock is known to ±500 ns (one message each way, 500 ns of slack in each): its
 * event 200 ns after its window's exit, as mapped, may well be inside it, and is not counted
 * outside; one 2 µs after the exit is.
 */
static const char *edges =
  "trace host hostname=host cpus=1 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  EDGES_VCPU
  "event 10200 0 irq_handler_entry irq=3 name=edge\n"
  "event 12000 0 irq_handler_exit irq=3 ret=1\n";

static void
test_outside_guest_mode (void)
{
  g_autoptr(StrataAnalysis) a = analyse_scenario (edges, NULL, 0);
  StrataMachine *guest = g_ptr_array_index (a->machines, strata_analysis_find_machine (a, "guest"));

  g_assert_cmpint (guest->sync_method, ==, STRATA_SYNC_METHOD_VMSYNC);
  g_assert_cmpfloat (fabs (guest->sync.accuracy_ns - 500), <, 1);
  g_assert_cmpint (strata_sync_map (&guest->sync, BASE + 10200), ==, BASE + 10200);
  g_assert_cmpuint (guest->outside_guest_mode, ==, 1);
}

/* The guest's trace began before the host's and ended after it: of its events there, the host
 * says nothing, and none is counted outside guest mode. */
static const char *wider =
  "trace host hostname=host cpus=1 offset_s=1000\n"
  "event 1000 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 1000 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  EDGES_VCPU
  "event 200 0 irq_handler_entry irq=3 name=edge\n"
  "event 400 0 irq_handler_exit irq=3 ret=1\n"
  "event 10200 0 irq_handler_entry irq=3 name=edge\n"
  "event 12000 0 irq_handler_exit irq=3 ret=1\n"
  "event 16000 0 irq_handler_entry irq=3 name=edge\n"
  "event 16400 0 irq_handler_exit irq=3 ret=1\n";

static void
test_guest_wider (void)
{
  g_autoptr(StrataAnalysis) a = analyse_scenario (wider, NULL, 0);
  StrataMachine *guest = g_ptr_array_index (a->machines, strata_analysis_find_machine (a, "guest"));

  g_assert_cmpint (guest->sync_method, ==, STRATA_SYNC_METHOD_VMSYNC);
  g_assert_cmpint (strata_sync_map (&guest->sync, BASE + 16000), ==, BASE + 16000);
  /* The IRQ's end at 12,000 only, as above: not those before the host's first event or after
   * its last. */
  g_assert_cmpuint (guest->outside_guest_mode, ==, 1);
}

/* ---- defect 6: TCP keys and the accuracy over the whole trace ---- */

/* Two segments differ only by their checksum (one end computed it, offloading left the other's
 * unset): the key is (seq, ack_seq, flags), so they still match. */
static const char *tcp =
  "trace a hostname=a cpus=1 offset_s=1000\n"
  "event 1000 0 inet_sock_local_out seq=100 ack_seq=7 flags=24 check=4660\n"
  "event 50000 0 inet_sock_local_in seq=900 ack_seq=101 flags=16 check=0\n"
  "event 90000 0 irq_handler_entry irq=1 name=x\n"
  "trace b hostname=b cpus=1 offset_s=1000\n"
  "event 30000 0 inet_sock_local_in seq=100 ack_seq=7 flags=24 check=0\n"
  "event 40000 0 inet_sock_local_out seq=900 ack_seq=101 flags=16 check=51966\n";

static void
test_tcp_key (void)
{
  g_autoptr(StrataAnalysis) a = analyse_scenario (tcp, NULL, 0);
  guint synced = 0;

  for (guint m = 0; m < a->machines->len; m++)
    {
      StrataMachine *machine = g_ptr_array_index (a->machines, m);

      if (machine->sync_method == STRATA_SYNC_METHOD_TCP)
        {
          g_assert_cmpuint (machine->sync.matches, ==, 2);
          synced++;
        }
    }
  g_assert_cmpuint (synced, ==, 1);
}

/*
 * Messages over 0.2 s of a trace that lasts 20 s: far from them, the feasible lines part. The
 * accuracy covers the whole trace: the true line (feasible, by construction) maps each end of
 * it within the accuracy, and it is much wider than over the messages alone.
 */
static void
test_accuracy_over_span (void)
{
  const gint64 t0 = G_GINT64_CONSTANT (1700000000000000000);
  const double alpha = 1.00002;              /* the true line: ref = own * alpha + beta */
  const gint64 beta = G_GINT64_CONSTANT (-34000000000000);
  g_autoptr(StrataSyncHull) narrow = strata_sync_hull_new ();
  g_autoptr(StrataSyncHull) wide = strata_sync_hull_new ();
  StrataSyncResult near, whole;
  gint64 first = t0 - G_GINT64_CONSTANT (10000000000), last = t0 + G_GINT64_CONSTANT (10000000000);

  for (gint64 i = 0; i < 200; i++)
    {
      gint64 own = t0 + i * 1000000;
      gint64 ref = (gint64) ((long double) own * alpha) + beta;
      gint64 latency = 20000 + (i * 7919) % 30000;

      /* Sent by own, received later by the reference; and the other way. */
      strata_sync_hull_add_to_ref (narrow, own, ref + latency);
      strata_sync_hull_add_to_ref (wide, own, ref + latency);
      strata_sync_hull_add_from_ref (narrow, ref + 500000 - latency, own + 500000 / alpha);
      strata_sync_hull_add_from_ref (wide, ref + 500000 - latency, own + 500000 / alpha);
    }
  strata_sync_hull_set_span (wide, first, last);
  strata_sync_hull_solve (narrow, &near);
  strata_sync_hull_solve (wide, &whole);
  g_assert_cmpint (whole.quality, ==, STRATA_SYNC_ACCURATE);
  /* The same line; only the accuracy is over more. */
  g_assert_cmpfloat (whole.alpha, ==, near.alpha);
  g_assert_cmpfloat (whole.accuracy_ns, >, 20 * near.accuracy_ns);
  for (guint k = 0; k < 2; k++)
    {
      gint64 own = k == 0 ? first : last;
      gint64 truth = (gint64) ((long double) own * alpha) + beta;

      g_assert_cmpfloat (fabs ((double) (strata_sync_map (&whole, own) - truth)), <=, whole.accuracy_ns + 1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fidelity/preemption-markers", test_preemption_markers);
  g_test_add_func ("/fidelity/switched-in-without-wakeup", test_switched_in_without_wakeup);
  g_test_add_func ("/fidelity/first-evidence", test_first_evidence);
  g_test_add_func ("/fidelity/dump-before-first-event", test_dump_before_first_event);
  g_test_add_func ("/fidelity/statedump-not-run", test_statedump_not_run);
  g_test_add_func ("/fidelity/named-late", test_named_late);
  g_test_add_func ("/fidelity/same-name-threads", test_same_name_threads);
  g_test_add_func ("/fidelity/two-hosts", test_two_hosts);
  g_test_add_func ("/fidelity/two-hosts-fused", test_two_hosts_fused);
  g_test_add_func ("/fidelity/preemptions-and-causes", test_preemptions_and_causes);
  g_test_add_func ("/fidelity/softirq-per-cpu", test_softirq_per_cpu);
  g_test_add_func ("/fidelity/outside-guest-mode", test_outside_guest_mode);
  g_test_add_func ("/fidelity/guest-wider", test_guest_wider);
  g_test_add_func ("/fidelity/tcp-key", test_tcp_key);
  g_test_add_func ("/fidelity/accuracy-over-span", test_accuracy_over_span);
  return g_test_run ();
}
