/* test-thread-lives.c: scenarios of threads' lives and waits
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "strata-analysis.h"
#include "strata-exits.h"
#include "test-scenario-util.h"

/*
 * As test-scenarios, on what happens to a thread between its switches: thread ids used again
 * (by forks, frees and state dumps traced or not), a vCPU thread's end, waits for a CPU
 * through lost events and cut streams, and wakeups as kernels trace them.
 */

/* @scenario without its lines that have @a or (if not NULL) @b. */
static char *
scenario_without (const char *scenario,
                  const char *a,
                  const char *b)
{
  g_auto(GStrv) lines = g_strsplit (scenario, "\n", -1);
  GString *text = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], a) == NULL && (b == NULL || strstr (lines[i], b) == NULL))
      g_string_append_printf (text, "%s\n", lines[i]);
  return g_string_free (text, FALSE);
}

/*
 * Thread ids used again. VM 500's vCPU thread 501 exits and its id is freed; a host `make`
 * gets it, and preempts VM 900's vCPU; then the id is freed again and a new VM, 1100, makes
 * its vCPU thread with it. The make is a host thread, not VM 500's vCPU in the hypervisor,
 * and leaves VM 500's vCPU row alone (unknown from the free); VM 1100 is a VM of its own,
 * whose vCPU thread 501 is.
 */
static const char *reused_tids =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 0 0 lttng_statedump_process_state tid=600 pid=600 ppid=1 name=bash status=5\n"
  "event 0 0 lttng_statedump_process_state tid=900 pid=900 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=901 pid=900 ppid=1 name=\"CPU 0/KVM\" status=5 cpu=1\n"
  "event 0 0 lttng_statedump_process_state tid=1100 pid=1100 ppid=1 name=qemu status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 5000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 6000 0 sched_process_exit tid=501 comm=\"CPU 0/KVM\" prio=120\n"
  "event 6100 0 sched_switch prev_tid=501 prev_state=64 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n"
  "event 7000 0 sched_process_free tid=501 comm=\"CPU 0/KVM\" prio=120\n"
  "event 8000 0 sched_process_fork parent_tid=600 parent_pid=600 child_tid=501 child_pid=501 child_comm=make\n"
  "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=901 next_comm=\"CPU 0/KVM\"\n"
  "event 1500 1 kvm_x86_entry vcpu_id=0\n"
  "event 8900 1 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 8950 1 sched_wakeup tid=501 comm=make target_cpu=1\n"
  "event 9000 1 sched_switch prev_tid=901 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=501 next_comm=make\n"
  "event 12000 1 sched_switch prev_tid=501 prev_state=0 prev_comm=make next_tid=901 next_comm=\"CPU 0/KVM\"\n"
  "event 12100 1 kvm_x86_entry vcpu_id=0\n"
  "event 12500 0 sched_process_free tid=501 comm=make prio=120\n"
  "event 13000 0 sched_process_fork parent_tid=1100 parent_pid=1100 child_tid=501 child_pid=1100 child_comm=\"CPU 0/KVM\"\n"
  "event 13500 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 14000 0 kvm_x86_entry vcpu_id=0\n"
  "event 20000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 20500 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n"
  "event 21000 1 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 21500 1 sched_switch prev_tid=901 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/1\n"
;

/* The id's free event after its fork for another thread (the kernel frees an id before its
 * thread's free event, which waits for RCU): the free is the old thread's, and the new one,
 * a vCPU's, goes on. */
static const char *late_free =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=501 ppid=1 name=make status=6 cpu=0\n"
  "event 0 0 lttng_statedump_process_state tid=1100 pid=1100 ppid=1 name=qemu status=5\n"
  "event 1000 0 sched_process_exit tid=501 comm=make prio=120\n"
  "event 1100 0 sched_switch prev_tid=501 prev_state=64 prev_comm=make next_tid=0 next_comm=swapper/0\n"
  "event 2000 1 sched_process_fork parent_tid=1100 parent_pid=1100 child_tid=501 child_pid=1100 child_comm=\"CPU 0/KVM\"\n"
  "event 3000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 3100 0 kvm_x86_entry vcpu_id=0\n"
  "event 4000 1 sched_process_free tid=501 comm=make prio=120\n"
  "event 9000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 9500 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n"
;

/* A state dump as a trace begins: one vCPU's thread asleep (status 5, WAIT), the other's
 * waiting for a CPU (status 2, WAIT_CPU). */
static const char *dumped_vcpus =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 0 0 lttng_statedump_process_state tid=502 pid=500 ppid=1 name=\"CPU 1/KVM\" status=2\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=502 next_comm=\"CPU 1/KVM\"\n"
  "event 1500 0 kvm_x86_entry vcpu_id=1\n"
  "event 3000 0 kvm_x86_exit vcpu_id=1 exit_reason=12\n"
  "event 3500 0 sched_switch prev_tid=502 prev_state=1 prev_comm=\"CPU 1/KVM\" next_tid=0 next_comm=swapper/0\n"
  "event 4000 1 sched_wakeup tid=501 comm=\"CPU 0/KVM\" target_cpu=1\n"
  "event 4500 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 5000 1 kvm_x86_entry vcpu_id=0\n"
  "event 8000 1 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 9000 0 irq_handler_entry irq=16 name=eth0\n"
  "event 9100 0 irq_handler_exit irq=16 ret=1\n";

static void
test_dumped_vcpus (void)
{
  Fixture f = { 0 };
  /* Asleep in the dump: blocked from there, not unknown until woken. */
  const Expect vcpu0[] = {
    { 0, 4000, "blocked", "host/vm-500", 0, 501, "CPU 0/KVM" },
    { 4000, 4500, "waiting", "host/vm-500", 0, 501, NULL },
    { 4500, 5000, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 5000, 8000, "running", "host/vm-500", 0, 501, NULL },
    { 8000, 0, "hypervisor", "host/vm-500", 0, 501, NULL },
  };
  /* Waiting for a CPU in the dump: preempted or woken, and since when, it does not say. */
  const Expect vcpu1[] = {
    { 1000, 1500, "hypervisor", "host/vm-500", 1, 502, "CPU 1/KVM" },
    { 1500, 3000, "running", "host/vm-500", 1, 502, NULL },
    { 3000, 3500, "hypervisor", "host/vm-500", 1, 502, NULL },
    { 3500, 0, "blocked", "host/vm-500", 1, 502, NULL },
  };
  /* Its thread row says what the dump does. */
  const Expect thread502[] = {
    { 0, 1000, "wait-cpu", "host", 1, -2, NULL },
    { 1000, 3500, "running", "host", 1, -2, NULL },
    { 3500, 0, "blocked", "host", 1, -2, NULL },
  };
  const StrataPreemption *p;

  fixture_load (&f, dumped_vcpus, NULL, 0);
  check_row_from (&f, "host/vm-500/vcpu/0", G_MININT64, vcpu0, G_N_ELEMENTS (vcpu0));
  check_row_from (&f, "host/vm-500/vcpu/1", G_MININT64, vcpu1, G_N_ELEMENTS (vcpu1));
  check_row_from (&f, "host/thread/502", G_MININT64, thread502, G_N_ELEMENTS (thread502));
  /* Only the wake-up wait: no preemption of vCPU 1 made up before its first switch. */
  g_assert_cmpuint (f.analysis->preemptions->len, ==, 1);
  p = &g_array_index (f.analysis->preemptions, StrataPreemption, 0);
  g_assert_cmpint (p->vcpu, ==, 0);
  g_assert_cmpint (p->kind, ==, STRATA_PREEMPTION_WAKEUP);
  g_assert_cmpint (p->start - BASE, ==, 4000);
  g_assert_cmpint (p->end - BASE, ==, 4500);
  fixture_clear (&f);
}

/* vCPU 1 preempted on pCPU 1 by a hog; events of pCPU 1 are lost, and its next switch names
 * another thread: what pCPU 1 ran in the loss, the vCPU maybe, is not known. */
static const char *loss_while_preempted =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=502 pid=500 ppid=1 name=\"CPU 1/KVM\" status=5\n"
  "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=502 next_comm=\"CPU 1/KVM\"\n"
  "event 2000 1 kvm_x86_entry vcpu_id=1\n"
  "event 4000 1 kvm_x86_exit vcpu_id=1 exit_reason=1\n"
  "event 5000 1 sched_switch prev_tid=502 prev_state=0 prev_comm=\"CPU 1/KVM\" next_tid=700 next_comm=hog\n"
  "event 7000 1 syscall_entry_read fd=3 buf=0 count=1\n"
  "discard 1 50 10000\n"
  "event 20000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=800 next_comm=other\n"
  "event 26000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=502 next_comm=\"CPU 1/KVM\"\n"
  "event 30000 1 sched_switch prev_tid=800 prev_state=1 prev_comm=other next_tid=0 next_comm=swapper/1\n"
  "event 31000 0 irq_handler_entry irq=16 name=eth0\n"
  "event 31100 0 irq_handler_exit irq=16 ret=1\n";

static void
test_loss_while_preempted (void)
{
  Fixture f = { 0 };
  /* Preempted until the loss, not to the end through an idle pCPU; then unknown until it is
   * seen again. */
  const Expect vcpu1[] = {
    { 5000, 7000, "preempted", "host/vm-500", 1, 502, NULL },
    { 7000, 26000, "unknown", "host/vm-500", 1, 502, NULL },
    { 26000, 0, "hypervisor", "host/vm-500", 1, 502, NULL },
  };
  const StrataPreemption *p;
  const StrataPreemptionCause *cause;

  fixture_load (&f, loss_while_preempted, NULL, 0);
  check_row_from (&f, "host/vm-500/vcpu/1", 5000, vcpu1, G_N_ELEMENTS (vcpu1));
  g_assert_cmpuint (f.analysis->preemptions->len, ==, 1);
  p = &g_array_index (f.analysis->preemptions, StrataPreemption, 0);
  g_assert_cmpint (p->start - BASE, ==, 5000);
  g_assert_cmpint (p->end - BASE, ==, 7000);
  g_assert_true (p->cut);
  /* The hog alone, for all of it: nothing of the loss, nor of the idle pCPU after. */
  g_assert_cmpuint (p->by->len, ==, 1);
  cause = &g_array_index (p->by, StrataPreemptionCause, 0);
  g_assert_cmpint (cause->tid, ==, 700);
  g_assert_cmpint (cause->ns, ==, 2000);
  fixture_clear (&f);
}

/* Plain threads waiting for a CPU whose lost events hid a switch: 700, preempted there, and
 * 600, woken onto it, may have run in the loss; their waits end where it begins. 650, woken
 * onto the other CPU, and 660, preempted there, still wait through it. */
static const char *loss_while_waiting =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=700 next_comm=hog\n"
  "event 1500 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=660 next_comm=other\n"
  "event 2000 1 sched_wakeup tid=600 comm=sleeper target_cpu=1\n"
  "event 2500 0 sched_wakeup tid=650 comm=elsewhere target_cpu=0\n"
  "event 3000 1 sched_switch prev_tid=700 prev_state=0 prev_comm=hog next_tid=710 next_comm=next\n"
  "event 3500 0 sched_switch prev_tid=660 prev_state=0 prev_comm=other next_tid=670 next_comm=runner\n"
  "event 7000 1 syscall_entry_read fd=3 buf=0 count=1\n"
  "discard 1 50 10000\n"
  "event 20000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=800 next_comm=later\n"
  "event 26000 0 sched_switch prev_tid=670 prev_state=1 prev_comm=runner next_tid=700 next_comm=hog\n"
  "event 27000 0 sched_switch prev_tid=700 prev_state=1 prev_comm=hog next_tid=650 next_comm=elsewhere\n"
  "event 28000 0 sched_switch prev_tid=650 prev_state=1 prev_comm=elsewhere next_tid=660 next_comm=other\n"
  "event 29000 0 sched_switch prev_tid=660 prev_state=1 prev_comm=other next_tid=600 next_comm=sleeper\n"
  "event 31000 0 irq_handler_entry irq=16 name=eth0\n"
  "event 31100 0 irq_handler_exit irq=16 ret=1\n";

static void
test_loss_while_waiting (void)
{
  Fixture f = { 0 };
  const Expect hog[] = {
    { 3000, 7000, "wait-cpu", "host", -1, -2, NULL },
    { 7000, 26000, "unknown", "host", -1, -2, NULL },
    { 26000, 27000, "running", "host", -1, -2, NULL },
    { 27000, 0, "blocked", "host", -1, -2, NULL },
  };
  const Expect sleeper[] = {
    { 2000, 7000, "wait-cpu", "host", -1, -2, NULL },
    { 7000, 29000, "unknown", "host", -1, -2, NULL },
    { 29000, 31000, "running", "host", -1, -2, NULL },
    { 31000, 0, "interrupted", "host", -1, -2, NULL },
  };
  const Expect elsewhere[] = {
    { 2500, 27000, "wait-cpu", "host", -1, -2, NULL },
    { 27000, 28000, "running", "host", -1, -2, NULL },
    { 28000, 0, "blocked", "host", -1, -2, NULL },
  };
  const Expect other[] = {
    { 3500, 28000, "wait-cpu", "host", -1, -2, NULL },
    { 28000, 29000, "running", "host", -1, -2, NULL },
    { 29000, 0, "blocked", "host", -1, -2, NULL },
  };

  fixture_load (&f, loss_while_waiting, NULL, 0);
  check_row_from (&f, "host/thread/700", 3000, hog, G_N_ELEMENTS (hog));
  check_row_from (&f, "host/thread/600", 2000, sleeper, G_N_ELEMENTS (sleeper));
  check_row_from (&f, "host/thread/650", 2500, elsewhere, G_N_ELEMENTS (elsewhere));
  check_row_from (&f, "host/thread/660", 3500, other, G_N_ELEMENTS (other));
  fixture_clear (&f);
}

/* CPU 1's stream cut short at 6000: 600, woken onto it, waits for a CPU nothing more is
 * known of, and is unknown from there; 610, which slept there but was woken onto CPU 0,
 * still waits, until it runs there. */
static const char *cut_while_waiting =
  "trace host hostname=host cpus=2 offset_s=1000\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=600 next_comm=sleeper\n"
  "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=610 next_comm=other\n"
  "event 2000 0 sched_switch prev_tid=600 prev_state=1 prev_comm=sleeper next_tid=0 next_comm=swapper/0\n"
  "event 2500 1 sched_switch prev_tid=610 prev_state=1 prev_comm=other next_tid=0 next_comm=swapper/1\n"
  "event 4000 0 sched_wakeup tid=600 comm=sleeper target_cpu=1\n"
  "event 4500 1 sched_wakeup tid=610 comm=other target_cpu=0\n"
  "event 6000 1 irq_handler_entry irq=16 name=eth0\n"
  "event 15000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=610 next_comm=other\n"
  "event 20000 0 irq_handler_entry irq=17 name=disk\n";

static void
test_cut_while_waiting (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  StrataTrace *trace;
  const Expect sleeper[] = {
    { 4000, 6000, "wait-cpu", "host", -1, -2, NULL },
    { 6000, 0, "unknown", "host", -1, -2, NULL },
  };
  const Expect other[] = {
    { 4500, 15000, "wait-cpu", "host", -1, -2, NULL },
    { 15000, 0, "running", "host", -1, -2, NULL },
  };

  f.set = strata_scenario_load_string (cut_while_waiting, "test", NULL, &error);
  g_assert_no_error (error);
  trace = g_ptr_array_index (f.set->traces, 0);
  for (guint s = 0; s < trace->streams->len; s++)
    {
      StrataStream *stream = g_ptr_array_index (trace->streams, s);

      if (stream->cpu == 1)
        stream->cut_ns = BASE + 6000;
    }
  f.analysis = strata_analysis_new (f.set, NULL, &error);
  g_assert_no_error (error);
  check_row_from (&f, "host/thread/600", 4000, sleeper, G_N_ELEMENTS (sleeper));
  check_row_from (&f, "host/thread/610", 4500, other, G_N_ELEMENTS (other));
  fixture_clear (&f);
}

/* A vCPU woken onto a pCPU that idles but handles an IRQ and a soft IRQ meanwhile: those are
 * the host's work, as stats counts them, not "idle" where nothing ran. */
static const char *wait_behind_irqs =
  "trace host hostname=host cpus=1 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 10000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 11000 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n"
  "event 20000 0 irq_handler_entry irq=0 name=timer\n"
  "event 20500 0 sched_wakeup tid=501 comm=\"CPU 0/KVM\" target_cpu=0\n"
  "event 25000 0 irq_handler_exit irq=0 ret=1\n"
  "event 25100 0 irq_softirq_entry vec=1\n"
  "event 29000 0 irq_softirq_exit vec=1\n"
  "event 30000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 31000 0 kvm_x86_entry vcpu_id=0\n"
  "event 40000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n";

static void
test_wait_behind_irqs (void)
{
  Fixture f = { 0 };
  const StrataPreemption *p;
  const StrataPreemptionCause *host, *idle;

  fixture_load (&f, wait_behind_irqs, NULL, 0);
  g_assert_cmpuint (f.analysis->preemptions->len, ==, 1);
  p = &g_array_index (f.analysis->preemptions, StrataPreemption, 0);
  g_assert_cmpint (p->kind, ==, STRATA_PREEMPTION_WAKEUP);
  g_assert_cmpint (p->start - BASE, ==, 20500);
  g_assert_cmpint (p->end - BASE, ==, 30000);
  g_assert_cmpuint (p->by->len, ==, 2);
  host = &g_array_index (p->by, StrataPreemptionCause, 0);
  idle = &g_array_index (p->by, StrataPreemptionCause, 1);
  /* The timer IRQ from the wakeup on (4.5 us) and the soft IRQ (3.9 us), in the idle task. */
  g_assert_cmpint (host->state, ==, STRATA_CAUSE_HOST);
  g_assert_cmpint (host->tid, ==, 0);
  g_assert_cmpint (host->ns, ==, 8400);
  g_assert_cmpint (idle->state, ==, STRATA_CAUSE_IDLE);
  g_assert_cmpint (idle->ns, ==, 1100);
  fixture_clear (&f);
}

/* Wakeups as kernels trace them. vCPU 0 is woken by sched_waking, naming the CPU it last ran
 * on (0), then put on CPU 1 by sched_wakeup: it waits for CPU 1, behind what runs there.
 * vCPU 1 is woken (its sched_waking) while still on its CPU, about to halt: its switch-out
 * with a sleep state leaves it woken, waiting, not asleep and then "preempted". hog1 is woken
 * while still queued (its sched_wakeup at once): it runs on, and its later sleep is one. */
static const char *wakeup_kinds =
  "trace host hostname=host cpus=3 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 0 0 lttng_statedump_process_state tid=502 pid=500 ppid=1 name=\"CPU 1/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 10000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 11000 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=600 next_comm=hog0\n"
  "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=700 next_comm=hog1\n"
  "event 20000 1 sched_waking tid=501 comm=\"CPU 0/KVM\" target_cpu=0\n"
  "event 20100 1 sched_wakeup tid=501 comm=\"CPU 0/KVM\" target_cpu=1\n"
  "event 25000 0 sched_waking tid=700 comm=hog1 target_cpu=1\n"
  "event 25100 0 sched_wakeup tid=700 comm=hog1 target_cpu=1\n"
  "event 30000 1 sched_switch prev_tid=700 prev_state=1 prev_comm=hog1 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 1000 2 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/2 next_tid=502 next_comm=\"CPU 1/KVM\"\n"
  "event 2000 2 kvm_x86_entry vcpu_id=1\n"
  "event 10000 2 kvm_x86_exit vcpu_id=1 exit_reason=12\n"
  "event 10900 0 sched_waking tid=502 comm=\"CPU 1/KVM\" target_cpu=2\n"
  "event 11000 2 sched_switch prev_tid=502 prev_state=1 prev_comm=\"CPU 1/KVM\" next_tid=800 next_comm=hog2\n"
  "event 20000 2 sched_switch prev_tid=800 prev_state=256 prev_comm=hog2 next_tid=502 next_comm=\"CPU 1/KVM\"\n"
  "event 21000 2 kvm_x86_entry vcpu_id=1\n"
  "event 40000 0 sched_switch prev_tid=600 prev_state=1 prev_comm=hog0 next_tid=0 next_comm=swapper/0\n";

/* vCPU 0 is put on CPU 1 by its wakeup, then moved to CPU 2, where it runs: its wait's
 * causes are what ran on CPU 1, where it was woken onto. */
static const char *woken_then_moved =
  "trace host hostname=host cpus=3 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 10000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 11000 0 sched_switch prev_tid=501 prev_state=1 prev_comm=\"CPU 0/KVM\" next_tid=600 next_comm=hog0\n"
  "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=700 next_comm=hog1\n"
  "event 20000 1 sched_wakeup tid=501 comm=\"CPU 0/KVM\" target_cpu=1\n"
  "event 1000 2 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/2 next_tid=800 next_comm=hog2\n"
  "event 30000 2 sched_switch prev_tid=800 prev_state=1 prev_comm=hog2 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 40000 1 sched_switch prev_tid=700 prev_state=1 prev_comm=hog1 next_tid=0 next_comm=swapper/1\n";

static void
test_wakeup_kinds (void)
{
  Fixture f = { 0 };
  const Expect vcpu0[] = {
    { 11000, 20000, "blocked", "host/vm-500", 0, 501, NULL },
    { 20000, 30000, "waiting", "host/vm-500", 0, 501, NULL },
    { 30000, 0, "hypervisor", "host/vm-500", 0, 501, NULL },
  };
  const Expect vcpu1[] = {
    { 11000, 20000, "waiting", "host/vm-500", 1, 502, NULL },
    { 20000, 21000, "hypervisor", "host/vm-500", 1, 502, NULL },
    { 21000, 0, "running", "host/vm-500", 1, 502, NULL },
  };
  const Expect hog1[] = {
    { 1000, 30000, "running", "host", -1, -2, NULL },
    { 30000, 0, "blocked", "host", -1, -2, NULL },
  };
  guint seen = 0;

  fixture_load (&f, wakeup_kinds, NULL, 0);
  check_row_from (&f, "host/vm-500/vcpu/0", 11000, vcpu0, G_N_ELEMENTS (vcpu0));
  check_row_from (&f, "host/vm-500/vcpu/1", 11000, vcpu1, G_N_ELEMENTS (vcpu1));
  check_row_from (&f, "host/thread/700", 1000, hog1, G_N_ELEMENTS (hog1));
  for (guint i = 0; i < f.analysis->preemptions->len; i++)
    {
      const StrataPreemption *p = &g_array_index (f.analysis->preemptions, StrataPreemption, i);
      const StrataPreemptionCause *cause = &g_array_index (p->by, StrataPreemptionCause, 0);

      g_assert_cmpint (p->kind, ==, STRATA_PREEMPTION_WAKEUP);
      g_assert_cmpuint (p->by->len, ==, 1);
      if (p->vcpu == 0)
        {
          /* Behind hog1 on CPU 1, where it was put and ran. */
          g_assert_cmpint (p->pcpu, ==, 1);
          g_assert_cmpint (cause->tid, ==, 700);
          g_assert_cmpint (cause->ns, ==, 10000);
        }
      else
        {
          g_assert_cmpint (p->start - BASE, ==, 11000);
          g_assert_cmpint (p->pcpu, ==, 2);
          g_assert_cmpint (cause->tid, ==, 800);
        }
      seen |= 1u << p->vcpu;
    }
  g_assert_cmpuint (seen, ==, 3);
  fixture_clear (&f);

  /* The same, vCPU 0's wait still open at the end: the CPU it waits for is the wakeup's. */
  {
    g_autofree char *text = scenario_without (wakeup_kinds, "event 30000 1", NULL);
    const StrataPreemption *open = NULL;

    fixture_load (&f, text, NULL, 0);
    for (guint i = 0; i < f.analysis->preemptions->len; i++)
      if (g_array_index (f.analysis->preemptions, StrataPreemption, i).vcpu == 0)
        open = &g_array_index (f.analysis->preemptions, StrataPreemption, i);
    g_assert_nonnull (open);
    g_assert_true (open->open);
    g_assert_cmpint (open->pcpu, ==, 1);
    g_assert_cmpint (g_array_index (open->by, StrataPreemptionCause, 0).tid, ==, 700);
    fixture_clear (&f);
  }

  /* With no sched_wakeup recorded, vCPU 1's sched_waking cannot tell a wakeup that came as it
   * went to sleep from one that came before it slept (and it ran on): the design's rule holds,
   * switched in again with no wakeup in between, it was runnable all along. */
  {
    g_autofree char *text = scenario_without (wakeup_kinds, "sched_wakeup", NULL);
    const Expect vcpu1_waking_only[] = {
      { 11000, 20000, "preempted", "host/vm-500", 1, 502, NULL },
      { 20000, 21000, "hypervisor", "host/vm-500", 1, 502, NULL },
      { 21000, 0, "running", "host/vm-500", 1, 502, NULL },
    };

    fixture_load (&f, text, NULL, 0);
    check_row_from (&f, "host/vm-500/vcpu/1", 11000, vcpu1_waking_only, G_N_ELEMENTS (vcpu1_waking_only));
    fixture_clear (&f);
  }

  /* Woken onto CPU 1, run on CPU 2: CPU 1's; with a sched_waking alone, which names where it
   * last ran (CPU 0), the CPU it ran on is the likelier. */
  for (guint waking = 0; waking < 2; waking++)
    {
      g_autoptr(GString) text = g_string_new (woken_then_moved);
      const StrataPreemption *p;

      if (waking)
        g_string_replace (text, "sched_wakeup tid=501 comm=\"CPU 0/KVM\" target_cpu=1",
                          "sched_waking tid=501 comm=\"CPU 0/KVM\" target_cpu=0", 1);
      fixture_load (&f, text->str, NULL, 0);
      g_assert_cmpuint (f.analysis->preemptions->len, ==, 1);
      p = &g_array_index (f.analysis->preemptions, StrataPreemption, 0);
      g_assert_cmpint (p->kind, ==, STRATA_PREEMPTION_WAKEUP);
      g_assert_cmpint (p->start - BASE, ==, 20000);
      g_assert_cmpint (p->end - BASE, ==, 30000);
      g_assert_cmpint (p->pcpu, ==, waking ? 2 : 1);
      g_assert_cmpuint (p->by->len, ==, 1);
      g_assert_cmpint (g_array_index (p->by, StrataPreemptionCause, 0).tid, ==, waking ? 800 : 700);
      fixture_clear (&f);
    }
}

/* A vCPU thread that exits in the hypervisor (its VM ends): its last exit keeps its reason,
 * and its vCPU, with no thread after its dead switch-out, is unknown, not blocked; with its
 * free traced or not. */
static const char *vcpu_thread_exits =
  "trace host hostname=host cpus=1 offset_s=1000\n"
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu status=5\n"
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
  "event 2000 0 kvm_x86_entry vcpu_id=0\n"
  "event 10000 0 kvm_x86_exit vcpu_id=0 exit_reason=30\n"
  "event 11000 0 sched_process_exit tid=501 comm=\"CPU 0/KVM\" prio=120\n"
  "event 12000 0 sched_switch prev_tid=501 prev_state=16 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n"
  "event 13000 0 sched_process_free tid=501 comm=\"CPU 0/KVM\" prio=120\n"
  "event 20000 0 irq_handler_entry irq=9 name=acpi\n";

static void
test_vcpu_thread_exits (void)
{
  const Expect vcpu0[] = {
    { 2000, 10000, "running", "host/vm-500", 0, 501, NULL },
    { 10000, 12000, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 12000, 0, "unknown", "host/vm-500", 0, -2, NULL },
  };

  for (guint freed = 0; freed < 2; freed++)
    {
      Fixture f = { 0 };
      g_autofree char *text = freed ? g_strdup (vcpu_thread_exits) : scenario_without (vcpu_thread_exits, "sched_process_free", NULL);
      guint8 isa;
      guint32 code;
      gint64 start, end;
      gint vm;

      fixture_load (&f, text, NULL, 0);
      check_row_from (&f, "host/vm-500/vcpu/0", 2000, vcpu0, G_N_ELEMENTS (vcpu0));
      vm = strata_analysis_find_machine (f.analysis, "host/vm-500");
      g_assert_true (strata_exits_at (f.analysis->exits, vm, 0, BASE + 11000, &isa, &code, &start, &end));
      g_assert_cmpuint (code, ==, 30);
      g_assert_cmpint (start - BASE, ==, 10000);
      /* Ended by its thread's end, not still going at the trace's: nothing after. */
      g_assert_cmpint (end - BASE, ==, 12000);
      g_assert_false (strata_exits_at (f.analysis->exits, vm, 0, BASE + 15000, &isa, &code, &start, &end));
      /* Never ended by an entry: not counted. */
      g_assert_cmpuint (strata_exits_n_exits (f.analysis->exits), ==, 0);
      fixture_clear (&f);
    }
}

static void
test_reused_tids (void)
{
  Fixture f = { 0 };
  Expect row500[] = {
    { 1000, 2000, "hypervisor", "host/vm-500", 0, 501, NULL },
    { 2000, 5000, "running", "host/vm-500", 0, 501, NULL },
    { 5000, 6100, "hypervisor", "host/vm-500", 0, 501, NULL },
    /* Switched out dead after its exit: its vCPU has no thread from there. */
    { 6100, 0, "unknown", "host/vm-500", 0, -2, NULL },
  };
  const Expect row1100[] = {
    { 13500, 14000, "hypervisor", "host/vm-1100", 0, 501, NULL },
    { 14000, 20000, "running", "host/vm-1100", 0, 501, NULL },
    { 20000, 20500, "hypervisor", "host/vm-1100", 0, 501, NULL },
    { 20500, 0, "blocked", "host/vm-1100", 0, 501, NULL },
  };
  const Expect pcpu0[] = {
    { 0, 1000, "idle", "host", -1, 0, NULL },
    { 1000, 2000, "user", "host", -1, 501, NULL },
    { 2000, 5000, "guest", "host/vm-500", 0, 501, NULL },
    { 5000, 6100, "user", "host", -1, 501, NULL },
    { 6100, 13500, "idle", "host", -1, 0, NULL },
    { 13500, 14000, "user", "host", -1, 501, NULL },
    { 14000, 20000, "guest", "host/vm-1100", 0, 501, NULL },
    { 20000, 20500, "user", "host", -1, 501, NULL },
    { 20500, 0, "idle", "host", -1, 0, NULL },
  };
  const StrataPreemption *p;
  const StrataPreemptionCause *cause;
  const StrataMachine *m;
  gint vm500, vm1100;

  fixture_load (&f, reused_tids, NULL, 0);
  vm500 = strata_analysis_find_machine (f.analysis, "host/vm-500");
  vm1100 = strata_analysis_find_machine (f.analysis, "host/vm-1100");
  g_assert_cmpint (vm500, >=, 0);
  g_assert_cmpint (vm1100, >=, 0);
  /* From its first switch (before, blocked as its state dump says). */
  check_row_from (&f, "host/vm-500/vcpu/0", 1000, row500, G_N_ELEMENTS (row500));
  check_row (&f, "host/vm-1100/vcpu/0", row1100, G_N_ELEMENTS (row1100));
  check_row (&f, "pcpu/0", pcpu0, G_N_ELEMENTS (pcpu0));
  /* Each VM keeps its vCPU thread, for the time it was its. */
  m = g_ptr_array_index (f.analysis->machines, vm500);
  g_assert_cmpuint (m->vcpus->len, ==, 1);
  g_assert_cmpint (g_array_index (m->vcpus, StrataVcpu, 0).host_tid, ==, 501);
  g_assert_cmpint (g_array_index (m->vcpus, StrataVcpu, 0).gone_ns - BASE, ==, 6000);
  m = g_ptr_array_index (f.analysis->machines, vm1100);
  g_assert_cmpuint (m->vcpus->len, ==, 1);
  g_assert_cmpint (g_array_index (m->vcpus, StrataVcpu, 0).since_ns - BASE, ==, 13000);
  g_assert_cmpint (g_array_index (m->vcpus, StrataVcpu, 0).gone_ns, ==, G_MAXINT64);
  /* VM 900's vCPU, preempted by the make: a host thread. */
  g_assert_cmpuint (f.analysis->preemptions->len, ==, 1);
  p = &g_array_index (f.analysis->preemptions, StrataPreemption, 0);
  g_assert_cmpint (p->machine, ==, strata_analysis_find_machine (f.analysis, "host/vm-900"));
  g_assert_cmpint (p->start - BASE, ==, 9000);
  g_assert_cmpint (p->end - BASE, ==, 12000);
  g_assert_cmpuint (p->by->len, ==, 1);
  cause = &g_array_index (p->by, StrataPreemptionCause, 0);
  g_assert_cmpint (cause->state, ==, STRATA_CAUSE_HOST);
  g_assert_cmpint (cause->tid, ==, 501);
  g_assert_cmpstr (strata_analysis_string (f.analysis, cause->comm), ==, "make");
  fixture_clear (&f);

  /* No state dump of VM 500: its process is not known, only its vCPU thread's id, which the
   * make's fork gives later to a process of that number. The VM is still one, known by its
   * thread, and the make is not part of it. */
  {
    g_autofree char *text = scenario_without (reused_tids, "tid=500 ", "tid=501 pid=500");

    fixture_load (&f, text, NULL, 0);
  }
  vm500 = strata_analysis_find_machine (f.analysis, "host/vm-501");
  g_assert_cmpint (vm500, >=, 0);
  m = g_ptr_array_index (f.analysis->machines, vm500);
  g_assert_true (m->vm_pid_guessed);
  row500[3].machine = row500[2].machine = row500[1].machine = row500[0].machine = "host/vm-501";
  check_row (&f, "host/vm-501/vcpu/0", row500, G_N_ELEMENTS (row500));
  check_row (&f, "host/vm-1100/vcpu/0", row1100, G_N_ELEMENTS (row1100));
  g_assert_cmpuint (f.analysis->preemptions->len, ==, 1);
  cause = &g_array_index (g_array_index (f.analysis->preemptions, StrataPreemption, 0).by, StrataPreemptionCause, 0);
  g_assert_cmpint (cause->state, ==, STRATA_CAUSE_HOST);
  g_assert_cmpint (cause->tid, ==, 501);
  fixture_clear (&f);

  /* Neither the make's fork nor the vCPU thread's free traced: the thread exited, so the one
   * woken with its id later is another, and not VM 500's vCPU. Nor is VM 1100's fork of it:
   * the make's free ends the thread the id had, so the entries after it are a vCPU's of a VM
   * no event names, known by its thread, not VM 500's, and drawn. */
  {
    g_autofree char *text = scenario_without (reused_tids, "sched_process_fork", "7000 0 sched_process_free");
    const Expect gone[] = {
      { 5000, 6100, "hypervisor", "host/vm-500", 0, 501, NULL },
      { 6100, 0, "unknown", "host/vm-500", 0, -2, NULL },
    };
    const Expect unnamed[] = {
      { 14000, 20000, "running", "host/vm-501", 0, 501, NULL },
      { 20000, 20500, "hypervisor", "host/vm-501", 0, 501, NULL },
      { 20500, 0, "blocked", "host/vm-501", 0, 501, NULL },
    };
    const Expect pcpu0_later[] = {
      { 13500, 14000, "user", "host", -1, 501, NULL },
      { 14000, 20000, "guest", "host/vm-501", 0, 501, NULL },
      { 20000, 20500, "user", "host", -1, 501, NULL },
      { 20500, 0, "idle", "host", -1, 0, NULL },
    };

    fixture_load (&f, text, NULL, 0);
    check_row_from (&f, "host/vm-500/vcpu/0", 5000, gone, G_N_ELEMENTS (gone));
    check_row (&f, "host/vm-501/vcpu/0", unnamed, G_N_ELEMENTS (unnamed));
    check_row_from (&f, "pcpu/0", 13500, pcpu0_later, G_N_ELEMENTS (pcpu0_later));
    m = g_ptr_array_index (f.analysis->machines, strata_analysis_find_machine (f.analysis, "host/vm-501"));
    g_assert_true (m->vm_pid_guessed);
    /* Its thread came after the make's free: not from the start. */
    g_assert_cmpint (g_array_index (m->vcpus, StrataVcpu, 0).since_ns - BASE, ==, 12500);
    g_assert_cmpuint (f.analysis->preemptions->len, ==, 1);
    cause = &g_array_index (g_array_index (f.analysis->preemptions, StrataPreemption, 0).by, StrataPreemptionCause, 0);
    g_assert_cmpint (cause->state, ==, STRATA_CAUSE_HOST);
    g_assert_cmpint (cause->tid, ==, 501);
    fixture_clear (&f);
  }

  /* A state dump that names the id's thread after its fork for VM 1100 says nothing of when
   * that thread was made: still a life of its own, and the make before it a host thread. */
  {
    g_autoptr(GString) text = g_string_new (reused_tids);

    g_string_append (text, "event 13200 1 lttng_statedump_process_state tid=501 pid=1100 ppid=1 name=\"CPU 0/KVM\" status=5\n");
    fixture_load (&f, text->str, NULL, 0);
    m = g_ptr_array_index (f.analysis->machines, strata_analysis_find_machine (f.analysis, "host/vm-1100"));
    g_assert_cmpint (g_array_index (m->vcpus, StrataVcpu, 0).since_ns - BASE, ==, 13000);
    cause = &g_array_index (g_array_index (f.analysis->preemptions, StrataPreemption, 0).by, StrataPreemptionCause, 0);
    g_assert_cmpint (cause->state, ==, STRATA_CAUSE_HOST);
    g_assert_cmpint (cause->tid, ==, 501);
    fixture_clear (&f);
  }

  /* After its exit a thread still runs, and may be preempted before its last switch: still
   * VM 500's vCPU thread, preempted from 6,100 to 6,500, not another thread from 6,500. */
  {
    g_autofree char *text = scenario_without (reused_tids, "event 6100 0 sched_switch", "event 1000 0 sched_switch");
    g_autoptr(GString) more = g_string_new (text);
    const Expect dying[] = {
      { 5000, 6100, "hypervisor", "host/vm-500", 0, 501, NULL },
      { 6100, 6500, "preempted", "host/vm-500", 0, 501, NULL },
      { 6500, 6600, "hypervisor", "host/vm-500", 0, 501, NULL },
      { 6600, 0, "unknown", "host/vm-500", 0, -2, NULL },
    };
    const StrataPreemption *p0 = NULL;

    g_string_append (more,
                     "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
                     "event 6100 0 sched_switch prev_tid=501 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=600 next_comm=bash\n"
                     "event 6500 0 sched_switch prev_tid=600 prev_state=1 prev_comm=bash next_tid=501 next_comm=\"CPU 0/KVM\"\n"
                     "event 6600 0 sched_switch prev_tid=501 prev_state=64 prev_comm=\"CPU 0/KVM\" next_tid=0 next_comm=swapper/0\n");
    fixture_load (&f, more->str, NULL, 0);
    check_row_from (&f, "host/vm-500/vcpu/0", 5000, dying, G_N_ELEMENTS (dying));
    for (guint i = 0; i < f.analysis->preemptions->len; i++)
      if (g_array_index (f.analysis->preemptions, StrataPreemption, i).machine == (guint) strata_analysis_find_machine (f.analysis, "host/vm-500"))
        p0 = &g_array_index (f.analysis->preemptions, StrataPreemption, i);
    g_assert_nonnull (p0);
    g_assert_cmpint (p0->start - BASE, ==, 6100);
    g_assert_cmpint (p0->end - BASE, ==, 6500);
    g_assert_false (p0->open);
    g_assert_false (p0->cut);
    fixture_clear (&f);
  }

  /* A late free, after the id's fork for VM 1100's vCPU thread. */
  {
    const Expect alive[] = {
      { 3000, 3100, "hypervisor", "host/vm-1100", 0, 501, NULL },
      { 3100, 9000, "running", "host/vm-1100", 0, 501, NULL },
      { 9000, 0, "hypervisor", "host/vm-1100", 0, 501, NULL },
    };

    const Expect alive_later[] = {
      { 9000, 9500, "hypervisor", "host/vm-1100", 0, 501, NULL },
      { 9500, 10000, "blocked", "host/vm-1100", 0, 501, NULL },
      { 10000, 10100, "hypervisor", "host/vm-1100", 0, 501, NULL },
      { 10100, 0, "running", "host/vm-1100", 0, 501, NULL },
    };

    fixture_load (&f, late_free, NULL, 0);
    check_row (&f, "host/vm-1100/vcpu/0", alive, G_N_ELEMENTS (alive));
    fixture_clear (&f);

    /* Entries after the late free, with a state dump of the make and without one: its exit
     * alone says the id had a thread before the fork, whose the late free is. */
    for (guint dump = 0; dump < 2; dump++)
      {
        g_autoptr(GString) text = g_string_new (late_free);

        if (!dump)
          g_string_replace (text, "event 0 0 lttng_statedump_process_state tid=501 pid=501 ppid=1 name=make status=6 cpu=0\n", "", 1);
        g_string_append (text,
                         "event 10000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
                         "event 10100 0 kvm_x86_entry vcpu_id=0\n"
                         "event 12000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n");
        fixture_load (&f, text->str, NULL, 0);
        check_row_from (&f, "host/vm-1100/vcpu/0", 9000, alive_later, G_N_ELEMENTS (alive_later));
        g_assert_cmpint (strata_analysis_find_machine (f.analysis, "host/vm-501"), <, 0);
        m = g_ptr_array_index (f.analysis->machines, strata_analysis_find_machine (f.analysis, "host/vm-1100"));
        g_assert_cmpint (g_array_index (m->vcpus, StrataVcpu, 0).since_ns - BASE, ==, 2000);
        g_assert_cmpint (g_array_index (m->vcpus, StrataVcpu, 0).gone_ns, ==, G_MAXINT64);
        fixture_clear (&f);
      }
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scenario/reused-tids", test_reused_tids);
  g_test_add_func ("/scenario/dumped-vcpus", test_dumped_vcpus);
  g_test_add_func ("/scenario/loss-while-preempted", test_loss_while_preempted);
  g_test_add_func ("/scenario/loss-while-waiting", test_loss_while_waiting);
  g_test_add_func ("/scenario/cut-while-waiting", test_cut_while_waiting);
  g_test_add_func ("/scenario/wait-behind-irqs", test_wait_behind_irqs);
  g_test_add_func ("/scenario/wakeup-kinds", test_wakeup_kinds);
  g_test_add_func ("/scenario/vcpu-thread-exits", test_vcpu_thread_exits);
  return g_test_run ();
}
