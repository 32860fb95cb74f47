/* strata-exits-private.h: the exits' arrays, for their index and its saved form
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-exits.h"

G_BEGIN_DECLS

/*
 * Four arrays of all exits, group after group, each group in time order: start, duration,
 * info1 (for the port or MSR it names), and the durations again, sorted within each block of
 * BLOCK exits. Durations (and their sorted copy) and info1 take 32 bits an exit when every one
 * of the set fits, as they nearly always do: an exit-heavy set has millions of exits, 20 bytes
 * each instead of 32, held at the end of the analysis, where its peak memory is. A fresh
 * analysis keeps a group's durations and their sorted copy in 16 bits when no more than a
 * sixteenth of them last 65,535 ns or more (else in 32), those that do not fit as the width's
 * largest value there and in a table of their own (see `ovf_at`), and no info1 for a group
 * whose every info1 is 0 (see `info_at`). Per block,
 * the shortest,
 * the longest and the sum. A range [first, last) of a group is its partial blocks at both
 * ends and the whole blocks between: count, total, min and max come from the block sums
 * and a short loop over the partial blocks; the p99 is the smallest duration d with at least
 * ceil(0.99 n) durations <= d, found by bisecting d, counting in each whole block by binary
 * search in its sorted copy, and in the partial blocks (sorted once per query).
 */

#define BLOCK_BITS 10
#define BLOCK      (G_GUINT64_CONSTANT (1) << BLOCK_BITS)

/* Also the saved form of a group. */
typedef struct
{
  guint16 machine;
  guint8  isa;
  guint8  reserved;
  gint32  vcpu;
  guint32 code;
  guint32 reserved2;
  guint64 offset;             /* of its first exit in the arrays */
  guint64 n;
  guint64 block0;             /* of its first block in the block arrays */
} Group;

G_STATIC_ASSERT (sizeof (Group) == 40);

struct _StrataExits
{
  GArray  *open;              /* StrataExitRecord: exits still open at their trace's end */
  Group   *groups;
  guint    n_groups;
  guint64  n;
  guint64  n_blocks;
  gint64  *starts;            /* read from a file, or being built; else NULL and: */
  guint32 *starts32;          /* a start less its block's first (bstart) */
  gint64  *bstart;
  gint64 **bwide;             /* by block: NULL, or its own starts when it spans more than
                               * 4.29 s (a rare exit reason's) */
  gint64  *durs;              /* as read: or durs32, when every duration fits; sorted alike */
  guint32 *durs32;
  guint64 *info1;             /* or info32, when every info1 fits */
  guint32 *info32;
  gint64  *sorted;
  guint32 *sorted32;
  /* Or, made by an analysis (dur_at not NULL): a group's durations from dur_at[group] in
   * durs16 when dur16[group], else in durs32, sorted alike, each of them that does not fit
   * as the largest value of its width there (DUR16_WIDE, DUR32_WIDE); those are in ovf_at
   * (their exits, in order), ovf_dur (theirs) and ovf_sorted (theirs sorted within each
   * block, the range bovf[b] .. bovf[b + 1] of block b, which is where the block's sorted
   * copy ends). */
  guint64 *dur_at;
  guint8  *dur16;
  guint16 *durs16;
  guint16 *sorted16;
  guint64 *ovf_at;
  gint64  *ovf_dur;
  gint64  *ovf_sorted;
  guint64  n_ovf;
  guint64  ovf_cap;
  guint64 *bovf;
  /* And by group: where its info1 values start in info32 or info1, or NO_INFO1 when each is
   * 0, as every one of many exit reasons' is; NULL when each exit has its own (as read). */
  guint64 *info_at;
  guint64  n_info1;
  gint64  *bmin;
  gint64  *bmax;
  gint64  *bsum;
  StrataSectionFile *file;    /* where starts, durs, info1 and sorted lie, or NULL: owned */
};

#define DUR16_WIDE G_MAXUINT16
#define DUR32_WIDE G_MAXUINT32
#define NO_INFO1   G_MAXUINT64

/* The duration of exit @i, which is in ovf_at. */
gint64 _strata_exits_dur_wide (const StrataExits *self,
                               guint64            i);

/* The duration of exit @i, of group @g. */
static inline gint64
exit_dur (const StrataExits *self,
          const Group       *g,
          guint64            i)
{
  if (self->dur_at != NULL)
    {
      gsize gi = (gsize) (g - self->groups);
      guint64 k = self->dur_at[gi] + (i - g->offset);

      if (self->dur16[gi] && G_LIKELY (self->durs16[k] != DUR16_WIDE))
        return self->durs16[k];
      if (!self->dur16[gi] && G_LIKELY (self->durs32[k] != DUR32_WIDE))
        return self->durs32[k];
      return _strata_exits_dur_wide (self, i);
    }
  return self->durs32 != NULL ? (gint64) self->durs32[i] : self->durs[i];
}

/* The start of exit @i, of group @g. */
static inline gint64
exit_start (const StrataExits *self,
            const Group       *g,
            guint64            i)
{
  guint64 b;

  if (self->starts != NULL)
    return self->starts[i];
  b = g->block0 + ((i - g->offset) >> BLOCK_BITS);
  if (G_UNLIKELY (self->bwide[b] != NULL))
    return self->bwide[b][(i - g->offset) & (BLOCK - 1)];
  return self->bstart[b] + self->starts32[i];
}

/* Where exit @i of group @gi has its info1 in info32 or info1. */
static inline guint64
info1_at (const StrataExits *self,
          guint              gi,
          guint64            i)
{
  return self->info_at != NULL ? self->info_at[gi] + (i - self->groups[gi].offset) : i;
}

static inline guint64
exit_info1 (const StrataExits *self,
            guint              gi,
            guint64            i)
{
  if (self->info_at != NULL && self->info_at[gi] == NO_INFO1)
    return 0;
  return self->info32 != NULL ? self->info32[info1_at (self, gi, i)] : self->info1[info1_at (self, gi, i)];
}

static inline gint64
exit_sorted (const StrataExits *self,
             guint64            i)
{
  return self->sorted32 != NULL ? (gint64) self->sorted32[i] : self->sorted[i];
}

/* As read: the bytes of a duration. */
static inline gsize
dur_bytes (const StrataExits *self)
{
  return self->durs32 != NULL ? sizeof (guint32) : sizeof (gint64);
}

static inline gsize
info1_bytes (const StrataExits *self)
{
  return self->info32 != NULL ? sizeof (guint32) : sizeof (guint64);
}

static inline guint64
group_blocks (const Group *g)
{
  return (g->n + BLOCK - 1) >> BLOCK_BITS;
}

static inline int
compare_group_key (const Group *a,
                   const Group *b)
{
  if (a->machine != b->machine)
    return a->machine < b->machine ? -1 : 1;
  if (a->vcpu != b->vcpu)
    return a->vcpu < b->vcpu ? -1 : 1;
  if (a->isa != b->isa)
    return a->isa < b->isa ? -1 : 1;
  if (a->code != b->code)
    return a->code < b->code ? -1 : 1;
  return 0;
}

/* The arrays of @self->n exits: see strata-exits.c. */
void _strata_exits_alloc        (StrataExits *self,
                                 gboolean     starts,
                                 guint64      n_durs16,
                                 gboolean     wide_durs,
                                 gboolean     wide_info1,
                                 guint64      n_info1);
/* The block arrays, from the durations; and their sorted copy with @sort. */
void _strata_exits_build_blocks (StrataExits *self,
                                 gboolean     sort);

G_END_DECLS
