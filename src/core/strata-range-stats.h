/* strata-range-stats.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-analysis.h"

G_BEGIN_DECLS

/*
 * Where the time of a range went, per vCPU (its row's states; the guest's states while it
 * ran; what preempted it most) and per pCPU (each VM, the host's threads, idle). Every figure
 * is exact to the nanosecond and each row's add up to the range's length: time a row has no
 * data for is `unknown`. The index holds, per block of a row's intervals, the time of each of
 * its kinds; a range then costs its two partial blocks per row and a sum over whole blocks,
 * never a walk over every change.
 */

typedef enum
{
  STRATA_GUEST_USER,             /* the guest thread ran in user space */
  STRATA_GUEST_KERNEL,           /* a system call, an interrupt or a soft IRQ */
  STRATA_GUEST_IDLE,             /* the guest's idle task (polling rather than halted) */
  STRATA_GUEST_OTHER,            /* guest mode the guest's trace says nothing about */
  STRATA_GUEST_N
} StrataGuestShare;

/* "user", "kernel", "idle", "other": the JSON keys. */
const char *strata_guest_share_to_string (StrataGuestShare share);

#define STRATA_RANGE_TOP_PREEMPTORS 3

typedef struct
{
  guint16               machine;
  gint32                vcpu;
  gint64                ns[STRATA_STATE_N];       /* the vCPU row's states: sum = to - from */
  gboolean              traced;                   /* its guest was traced: guest_ns refines */
  gint64                guest_ns[STRATA_GUEST_N]; /* running, by what the guest did: sum =
                                                   * ns[STRATA_STATE_RUNNING] */
  guint                 n_preemptors;
  StrataPreemptionCause preemptors[STRATA_RANGE_TOP_PREEMPTORS]; /* longest first, ns within
                                                   * the range */
} StrataVcpuRangeStats;

typedef struct
{
  gint32  cpu;
  gint    machine;               /* whose: the set's host (or first kernel trace), or
                                  * another KVM host of the set */
  gint64  idle;
  gint64  host;                  /* host threads, a vCPU's hypervisor part included */
  gint64  unknown;               /* no data */
  gint64 *machine_ns;            /* guest mode of each machine (by index): sum with the
                                  * above = to - from */
} StrataPcpuRangeStats;

typedef struct
{
  gint64  from;
  gint64  to;
  guint   n_machines;
  GArray *vcpus;                 /* StrataVcpuRangeStats, by machine then vCPU */
  GArray *pcpus;                 /* StrataPcpuRangeStats, by CPU: the set's host's, then
                                  * those of its other KVM hosts */
} StrataRangeStats;

typedef struct _StrataRangeIndex StrataRangeIndex;

/* Reads every vCPU and pCPU row of @analysis once, on every core. */
StrataRangeIndex *strata_range_index_new   (StrataAnalysis   *analysis);
void              strata_range_index_free  (StrataRangeIndex *self);
gsize             strata_range_index_memory (StrataRangeIndex *self);
/* The statistics of [@from, @to), @from < @to. */
StrataRangeStats *strata_range_index_query (StrataRangeIndex *self,
                                            gint64            from,
                                            gint64            to);
void              strata_range_stats_free  (StrataRangeStats *stats);

/* @stats as CSV, one line a vCPU then a pCPU, times in ns: row, running (and its guest
 * user, kernel, idle, other), hypervisor, preempted, waiting, blocked, idle, host, one column
 * per VM (its guest mode on a pCPU), unknown, then the top preemptors as text. Each line's
 * times add up to the range: a vCPU's running, hypervisor to blocked and unknown; a pCPU's
 * idle, host, VMs and unknown. */
char             *strata_range_stats_to_csv (StrataRangeStats *stats,
                                             StrataAnalysis   *analysis);
/* @stats as a table for people: shares of the range, the top preemptors, one line a vCPU
 * (and one for its guest's share of its running time) then a pCPU. */
char             *strata_range_stats_to_text (StrataRangeStats *stats,
                                              StrataAnalysis   *analysis);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataRangeIndex, strata_range_index_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataRangeStats, strata_range_stats_free)

G_END_DECLS
