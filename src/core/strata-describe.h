/* strata-describe.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-analysis.h"

G_BEGIN_DECLS

/*
 * What the views say about a row and its intervals, in the user's words: the names the row
 * headers show ("CPU 1", "vCPU 0 of server1"), what preempted a vCPU ("stress (4001) on
 * CPU 1"), which pCPU a running vCPU is on and which guest thread it runs, and the names of
 * threads, processes and interrupts. The tooltips and the labels drawn inside intervals
 * (screen and exported images alike) come from here, so they say the same things.
 */

/* How accurate a clock correction is: "±1.372 µs", or, when nothing bounds it (messages one
 * way only), which way the clock may be off. */
char                   *strata_describe_sync_accuracy   (const StrataSyncResult *sync);

/* "CPU 1 of host", "vCPU 0 of server1", "IRQ 16 of host". */
char                   *strata_describe_row             (StrataAnalysis         *analysis,
                                                         guint                   row);

/* The preemption (or wake-up wait) of vCPU @vcpu of @machine that starts at @start, or
 * NULL: O(log n) in the preemptions. */
const StrataPreemption *strata_describe_find_preemption (StrataAnalysis         *analysis,
                                                         guint                   machine,
                                                         gint32                  vcpu,
                                                         gint64                  start);

/* The host pCPU that vCPU thread @tid (a host thread id) is on at @ns, or -1. */
gint64                  strata_describe_pcpu_of_thread  (StrataAnalysis         *analysis,
                                                         gint32                  tid,
                                                         gint64                  ns);

/* What ran instead of a preempted vCPU, the longest first: "stress (4001)", "vCPU 0 of db01
 * running postgres (812)", "nothing: the CPU was idle". NULL when nothing is known. */
char                   *strata_describe_cause           (StrataAnalysis              *analysis,
                                                         const StrataPreemptionCause *cause);

/* The text drawn inside @iv on @row ("worker", "by stress (4001)"), or NULL for none. */
char                   *strata_describe_label           (StrataAnalysis         *analysis,
                                                         guint                   row,
                                                         const StrataInterval   *iv);

/* The tooltip of @iv on @row at @ns: the row, the state and what it is about, the thread
 * and its process, start, end and duration; one fact a line. */
char                   *strata_describe_interval        (StrataAnalysis         *analysis,
                                                         guint                   row,
                                                         const StrataInterval   *iv,
                                                         gint64                  ns);

/* Where a tracer discarded events, in the view's time (each machine's clock corrected). */
typedef struct
{
  gint64  begin;
  gint64  end;
  guint64 count;        /* 0: some, not counted */
  guint   machine;
  guint32 cpu;          /* the stream's CPU; G_MAXUINT32 when it has none */
} StrataLossMark;

/* Every loss of the set, by begin. */
GArray                 *strata_describe_losses          (StrataAnalysis         *analysis);

/* The events discarded in all, and whether some losses were not counted. */
guint64                 strata_describe_losses_total    (const GArray           *losses,
                                                         gboolean               *uncounted);

/* What the time axis says of the losses in [@begin, @end): "12,800 events discarded by the
 * tracer on CPU 2 of loki", one line a machine and CPU, at most a few; NULL when none. */
char                   *strata_describe_losses_in       (StrataAnalysis         *analysis,
                                                         const GArray           *losses,
                                                         gint64                  begin,
                                                         gint64                  end);

G_END_DECLS
