/* strata-exits.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-exit-reason.h"
#include "strata-section-file.h"

G_BEGIN_DECLS

/*
 * Every VM exit of a set, indexed for range queries: one group per (VM, vCPU, ISA, reason),
 * its exits in time order. An exit lasts from its KVM exit to the vCPU's next KVM entry (what
 * the vCPU row shows as hypervisor, and the time it was preempted or blocked meanwhile), and
 * belongs to the range where it starts. The statistics of a range cost two binary searches per
 * group, and the partial blocks at its ends: never a scan of the exits.
 */

/* One exit, as the analysis records it. */
typedef struct
{
  gint64  start;                 /* the KVM exit, host time */
  gint64  end;                   /* the next KVM entry of the same vCPU */
  guint32 code;                  /* strata_exit_code() */
  guint16 machine;               /* the VM */
  guint8  isa;                   /* StrataIsa */
  guint8  reserved;
  gint32  vcpu;
  guint64 info1;                 /* kvm_exit's info1, whose port or MSR strata_exit_detail() reads */
} StrataExitRecord;

typedef struct
{
  guint16 machine;
  gint32  vcpu;
  guint8  isa;
  guint32 code;
  guint64 count;
  gint64  total_ns;
  gint64  min_ns;
  gint64  max_ns;
  double  mean_ns;
  gint64  p99_ns;                /* nearest rank: the ceil(0.99 n)-th shortest */
  guint64 open;                  /* exits still open when their trace ends: not in the count
                                  * (their length is not known); strata_exits_query() leaves
                                  * it 0, strata_exits_add_open_stats() counts them */
} StrataExitStats;

typedef struct _StrataExits StrataExits;

/* Exits are gathered by builders (one per thread), then become one index. */
typedef struct _StrataExitsBuilder StrataExitsBuilder;

StrataExitsBuilder *strata_exits_builder_new  (void);
void                strata_exits_builder_free (StrataExitsBuilder     *self);
/* Exits of one vCPU must not overlap; they may come in any order. */
void                strata_exits_builder_add  (StrataExitsBuilder     *self,
                                               const StrataExitRecord *record);
/* An exit no KVM entry ended: not counted, but strata_exits_at() finds it. @r's end is
 * G_MAXINT64 for one still open when the vCPU's trace ends, else where it ended otherwise
 * (its thread's end). */
void                strata_exits_builder_add_open (StrataExitsBuilder     *self,
                                                   const StrataExitRecord *r);
void                strata_exits_builder_run_apart (StrataExitsBuilder *self);
void                strata_exits_builder_join      (StrataExitsBuilder *self);
/* Takes @builders and frees them. */
StrataExits *strata_exits_new         (StrataExitsBuilder **builders,
                                       guint                n_builders);
void         strata_exits_free        (StrataExits       *self);
guint64      strata_exits_n_exits     (StrataExits       *self);
gsize        strata_exits_memory      (StrataExits       *self);

/* Groups are ordered by machine, vCPU, ISA and reason code. */
guint        strata_exits_n_groups    (StrataExits       *self);
void         strata_exits_group       (StrataExits       *self,
                                       guint              group,
                                       guint16           *machine,
                                       gint32            *vcpu,
                                       guint8            *isa,
                                       guint32           *code);
/* The group of these, or -1. */
gint         strata_exits_find_group  (StrataExits       *self,
                                       guint16            machine,
                                       gint32             vcpu,
                                       guint8             isa,
                                       guint32            code);
/* The exits of @group that start in [from, to): indexes [*first, *last). */
void         strata_exits_range       (StrataExits       *self,
                                       guint              group,
                                       gint64             from,
                                       gint64             to,
                                       guint64           *first,
                                       guint64           *last);
void         strata_exits_get         (StrataExits       *self,
                                       guint              group,
                                       guint64            index,
                                       gint64            *start,
                                       gint64            *end);

/* The exits still open at their trace's end (strata_exits_builder_add_open()), for a saved
 * analysis: their number, each, and one read back. */
guint                   strata_exits_n_open   (StrataExits            *self);
const StrataExitRecord *strata_exits_get_open (StrataExits            *self,
                                               guint                   i);
void                    strata_exits_add_open (StrataExits            *self,
                                               const StrataExitRecord *r);

/* The exit of vCPU @vcpu of @machine that holds @ts (from its KVM exit to the next entry):
 * its ISA, reason and span; FALSE when the vCPU was not in an exit then. An exit still open
 * when the vCPU's trace ends (not counted by the queries) has the end G_MAXINT64; one its
 * thread ended in (not counted either), that end. */
gboolean     strata_exits_at          (StrataExits       *self,
                                       guint16            machine,
                                       gint32             vcpu,
                                       gint64             ts,
                                       guint8            *isa,
                                       guint32           *code,
                                       gint64            *start,
                                       gint64            *end);

/* The port or MSR that the exit of vCPU @vcpu of @machine holding @ts names, as
 * strata_exit_detail() reads it; FALSE (and kind NONE) when it names neither or the vCPU was
 * not in an exit then. */
gboolean     strata_exits_detail_at   (StrataExits       *self,
                                       guint16            machine,
                                       gint32             vcpu,
                                       gint64             ts,
                                       StrataExitDetail  *detail);

/* The statistics of every group with an exit starting in [from, to), of @machine only when
 * it is not -1, in group order. */
GArray      *strata_exits_query       (StrataExits       *self,
                                       gint64             from,
                                       gint64             to,
                                       gint               machine);
/* Counts, in @stats (from strata_exits_query()), the exits still open at their trace's end
 * that start in [from, to), of @machine only when it is not -1: in their group's open, a
 * group of their own (count 0) when it has no other; @stats stays in group order. */
void         strata_exits_add_open_stats (StrataExits *self,
                                          GArray      *stats,
                                          gint64       from,
                                          gint64       to,
                                          gint         machine);
/* Those of one group; FALSE when no exit of it starts in [from, to). */
gboolean     strata_exits_group_stats (StrataExits       *self,
                                       guint              group,
                                       gint64             from,
                                       gint64             to,
                                       StrataExitStats   *out);
/* How many exits of @group start in [from, to). */
guint64      strata_exits_count       (StrataExits       *self,
                                       guint              group,
                                       gint64             from,
                                       gint64             to);

/* The saved form: one section of @writer, and reading it back with every index and order
 * checked; @n_machines bounds the machine indexes. */
#define STRATA_EXITS_TAG STRATA_FOURCC ('A', 'E', 'X', 'I')
#define STRATA_EXITS_FORMAT_VERSION 3

void         strata_exits_write       (StrataExits         *self,
                                       StrataSectionWriter *writer);
StrataExits *strata_exits_read        (StrataSectionFile   *file,
                                       guint                n_machines,
                                       GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataExits, strata_exits_free)

G_END_DECLS
