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
 * Sets made in memory from a few hand-written events, for the unit tests: no trace files, no
 * libbabeltrace2. Times are ns after SYNTH_BASE. Each CPU of a trace is a stream of its own;
 * events must be added in time order per CPU.
 */

#define SYNTH_BASE G_GINT64_CONSTANT (1000000000000)

StrataTrace    *synth_trace     (StrataSet   *set,
                                 const char  *hostname,
                                 gboolean     kvm);
void            synth_switch    (StrataSet   *set,
                                 StrataTrace *trace,
                                 guint        cpu,
                                 gint64       ts,
                                 gint         prev_tid,
                                 gint         prev_state,
                                 const char  *prev_comm,
                                 gint         next_tid,
                                 const char  *next_comm);
void            synth_statedump (StrataSet   *set,
                                 StrataTrace *trace,
                                 gint64       ts,
                                 gint         tid,
                                 gint         pid,
                                 const char  *name);
void            synth_kvm       (StrataSet   *set,
                                 StrataTrace *trace,
                                 guint        cpu,
                                 gint64       ts,
                                 gboolean     entry,
                                 gint         vcpu_id,
                                 gint         exit_reason);
/* Finishes @set and analyses it; asserts that it succeeds. */
StrataAnalysis *synth_analyse   (StrataSet   *set);

/* A host ("host", 2 pCPUs) running one VM (qemu pid 500, vCPU 0 as thread 501, vCPU 1 as
 * thread 502) that it knows only from its KVM events: the VM is "host/vm-500". "stress" (600)
 * preempts vCPU 0 on pCPU 0 over [11 µs, 31 µs). */
StrataAnalysis *synth_host_with_vm   (void);
/* @n standalone machines "m00", "m01"…, one CPU each, where "worker" runs over
 * [1 µs, 9 µs) of a 10 µs set. */
StrataAnalysis *synth_many_machines  (guint n);

G_END_DECLS
