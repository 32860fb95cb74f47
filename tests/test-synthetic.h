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
