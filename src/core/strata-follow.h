/* strata-follow.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-analysis.h"
#include "strata-time-span.h"

G_BEGIN_DECLS

/*
 * One guest thread followed through the host. Its row says what the guest saw: running, in
 * a system call, interrupted, waiting for a CPU, blocked. Where it was on a guest CPU, that
 * CPU's vCPU may not have been running at all: the refined states say what the vCPU did then
 * on the host (running on pCPU n; in the hypervisor for exit Y; preempted, by whom; waiting for
 * its pCPU after a wakeup). A thread of a machine that is not a traced guest of a VM keeps
 * its row's states.
 */

typedef struct
{
  gint64                  start;
  gint64                  end;
  guint8                  state;      /* StrataState: the thread row's, or on a guest CPU the
                                       * vCPU's hypervisor, preempted, waiting or blocked */
  guint32                 desc_id;    /* the thread row's description (its name, machine) */
  gint32                  guest_cpu;  /* the guest CPU it was on, -1: none */
  gint32                  pcpu;       /* the host pCPU its vCPU ran on, -1: not running */
  gboolean                has_exit;   /* hypervisor: the exit it is part of */
  guint8                  exit_isa;
  guint32                 exit_code;
  const StrataPreemption *preemption; /* preempted or waiting: the analysis' record, or NULL */
} StrataFollowInterval;

/* The refined intervals of thread row @row over [@from, @to), consecutive, in time order
 * (intervals after the thread's machine's trace ended are left out, as in the row). */
GArray  *strata_follow_thread (StrataAnalysis *analysis,
                               guint           row,
                               gint64          from,
                               gint64          to);

/* Past this many of the thread's intervals per pixel column, each column shows a sample. */
#define STRATA_FOLLOW_EXACT_PER_PX 4
/* How many intervals of a column a sample looks through for one where the thread ran. */
#define STRATA_FOLLOW_SAMPLE_SCAN 8

/* The refined intervals of thread row @row to draw over @visible, @width px wide: all of
 * them while there are at most STRATA_FOLLOW_EXACT_PER_PX of the row's per column; zoomed out
 * further, one per pixel column, that column's sample (the first interval in it where the
 * thread ran, among its first few, else the state at its start), neighbours alike joined, so
 * that a thread with a million changes costs the width, as the rows' summaries do. A frame
 * draws them twice (the bar and the outlines): strata_session_get_followed_pieces() keeps
 * them for it. */
GArray  *strata_follow_thread_drawn (StrataAnalysis *analysis,
                                     guint           row,
                                     StrataTimeSpan  visible,
                                     int             width);

/* Whether @row is a thread of a guest whose CPUs are vCPUs of a VM: refinable. */
gboolean strata_follow_can_refine (StrataAnalysis *analysis,
                                   guint           row);

/* What a refined interval says, short enough to draw inside it: "running on pCPU 3",
 * "vCPU 1 preempted by stress (4001)", "hypervisor: EPT_VIOLATION", "blocked". */
char    *strata_follow_describe   (StrataAnalysis             *analysis,
                                   const StrataFollowInterval *interval);

/* The thread row of @tid on machine @machine ("MACHINE/thread/TID"), or -1. */
gint     strata_follow_find_row   (StrataAnalysis *analysis,
                                   guint16         machine,
                                   gint32          tid);

/* A thread row's name as people know it: "worker (812)", by the name it had last. */
char    *strata_follow_name       (StrataAnalysis *analysis,
                                   guint           row);

/* The thread row that row @row shows at @ns, to follow: the thread of its interval there (a
 * guest's on a pCPU running the guest), on a vCPU row the guest thread on its guest CPU, else
 * the vCPU's host thread; -1: none (idle, or a thread without a row). */
gint     strata_follow_thread_at  (StrataAnalysis *analysis,
                                   guint           row,
                                   gint64          ns);

/* The threads a preemption is about, to follow: the guest thread its vCPU was running
 * (the vCPU's host thread when the guest was not traced) in *@preempted, and what took its
 * pCPU in *@preemptor; -1 where there is none. */
void     strata_follow_preemption_rows (StrataAnalysis         *analysis,
                                        const StrataPreemption *preemption,
                                        gint                   *preempted,
                                        gint                   *preemptor);

/* The refined interval of thread row @row after the one that holds @ns (@direction > 0), or
 * before it (< 0), in *@out: the thread's next or previous state change. FALSE when there is
 * none. Reads the row in growing windows around @ns, so a step costs what it skips. */
gboolean strata_follow_step       (StrataAnalysis       *analysis,
                                   guint                 row,
                                   gint64                ns,
                                   gint                  direction,
                                   StrataFollowInterval *out);

G_END_DECLS
