/* strata-findings.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-analysis.h"

G_BEGIN_DECLS

/*
 * Patterns worth a look, found from the analysis' records. The first: lock-holder
 * preemption. One vCPU of a VM is preempted while its sibling vCPUs spin, taking PAUSE-loop
 * exits (VMX reason 40, the SVM PAUSE intercept): the preempted vCPU most likely holds a lock
 * they wait for, and the whole VM waits on the host's scheduler. A preemption is a finding when
 * its siblings take at least STRATA_LHP_MIN_PAUSE_EXITS PAUSE exits that start within it.
 */

#define STRATA_LHP_MIN_PAUSE_EXITS 5

typedef struct
{
  gint32  vcpu;
  guint64 pause_exits;
} StrataSiblingPauses;

typedef struct
{
  const StrataPreemption *preemption; /* the lock holder's (the analysis' own record) */
  guint64                 pause_exits; /* of all its siblings within it */
  GArray                 *siblings;    /* StrataSiblingPauses, those that took any, by vCPU */
} StrataLockHolderFinding;

/* The lock-holder preemptions that overlap [@from, @to), of @machine only unless it is -1,
 * by start. Costs a few binary searches per preemption, in the exits' index. */
GArray *strata_find_lock_holder_preemptions (StrataAnalysis *analysis,
                                             gint64          from,
                                             gint64          to,
                                             gint            machine);

/* "vCPU 1 preempted 3.2 ms by kworker/1:1 (88); vCPU 0: 412 PAUSE exits meanwhile". */
char   *strata_lock_holder_finding_describe (StrataAnalysis                *analysis,
                                             const StrataLockHolderFinding *finding);

G_END_DECLS
