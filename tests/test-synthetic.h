/* test-synthetic.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-analysis.h"

G_BEGIN_DECLS

/*
 * Sets made in memory from scenarios (strata_scenario_load_string()), analysed, for the unit
 * tests of what the views show: no trace files, no libbabeltrace2. Times are ns after
 * SYNTH_BASE; each trace's path is /nowhere/<trace name>.
 */

#define SYNTH_BASE G_GINT64_CONSTANT (1000000000000)

/* The start of a host with one VM of two vCPUs (tids 501 and 502): vCPU 0 is preempted by a
 * host task, stress (600), from 11 to 31 µs, and enters guest mode again at 32 µs. */
#define SYNTH_VCPU0_PREEMPTED \
  "trace host hostname=host cpus=2 offset_s=1000\n" \
  "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu-system-x86 status=5\n" \
  "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n" \
  "event 0 0 lttng_statedump_process_state tid=502 pid=500 ppid=1 name=\"CPU 1/KVM\" status=5\n" \
  "event 0 0 lttng_statedump_process_state tid=600 pid=600 ppid=1 name=stress status=5\n" \
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n" \
  "event 2000 0 kvm_x86_entry vcpu_id=0\n" \
  "event 10000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n" \
  "event 11000 0 sched_switch prev_tid=501 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=600 next_comm=stress\n" \
  "event 31000 0 sched_switch prev_tid=600 prev_state=1 prev_comm=stress next_tid=501 next_comm=\"CPU 0/KVM\"\n" \
  "event 32000 0 kvm_x86_entry vcpu_id=0\n"

/* Analyses the set of @scenario; asserts that it loads and analyses. */
StrataAnalysis *synth_analyse        (const char *scenario);

/* A host ("host", 2 pCPUs) running one VM (qemu pid 500, vCPU 0 as thread 501, vCPU 1 as
 * thread 502) that it knows only from its KVM events: the VM is "host/vm-500". "stress" (600)
 * preempts vCPU 0 on pCPU 0 over [11 µs, 31 µs). */
StrataAnalysis *synth_host_with_vm   (void);
/* @n standalone machines "m00", "m01"…, one CPU each, where "worker" runs over
 * [1 µs, 9 µs) of a 10 µs set. */
StrataAnalysis *synth_many_machines  (guint n);

G_END_DECLS
