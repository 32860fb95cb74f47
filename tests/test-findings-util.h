/* test-findings-util.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The lock-holder preemption of the findings tests, as scenario text: vCPU 0 of a VM is
 * preempted by a host task (stress) from 11 to 31 µs while vCPU 1, on the other pCPU, leaves
 * guest mode every @step ns between @spin_from and @spin_to for @reason (exit fields of @isa,
 * or the default ISA's when NULL). Both vCPUs leave guest mode at 60 µs.
 */
GString *test_lock_holder_scenario (const char *isa,
                                    const char *reason,
                                    gint64      spin_from,
                                    gint64      spin_to);

G_END_DECLS
