/* strata-exits.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-exits"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "strata-exits.h"
#include "strata-parallel.h"
#include "strata-time.h"

/*
 * Four arrays of all exits, group after group, each group in time order: start, duration,
 * info1 (for the port or MSR it names), and the durations again, sorted within each block of
 * BLOCK exits. Durations (and their sorted copy) and info1 take 32 bits an exit when every one
 * of the set fits, as they nearly always do: an exit-heavy set has millions of exits, 20 bytes
 * each instead of 32, held at the end of the analysis, where its peak memory is. A fresh
 * analysis keeps its durations and their sorted copy in 16 bits, the few of 65,535 ns or more
 * as DUR16_WIDE there and in a table of their own (see `ovf_at`), and no info1 for a group
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
  Group   *groups;
  guint    n_groups;
  guint64  n;
  guint64  n_blocks;
  gint64  *starts;            /* read from a file, or being built; else NULL and: */
  guint32 *starts32;          /* a start less its block's first (bstart) */
  gint64  *bstart;
  gint64 **bwide;             /* by block: NULL, or its own starts when it spans more than
                               * 4.29 s (a rare exit reason's) */
  gint64  *durs;              /* or durs32, when every duration fits; sorted alike */
  guint32 *durs32;
  guint64 *info1;             /* or info32, when every info1 fits */
  guint32 *info32;
  gint64  *sorted;
  guint32 *sorted32;
  /* Or, made by an analysis: 16 bits a duration, DUR16_WIDE for one of 65,535 ns or more;
   * those are in ovf_at (their exits, in order), ovf_dur (theirs) and ovf_sorted (theirs
   * sorted within each block, the range bovf[b] .. bovf[b + 1] of block b, which is where
   * the block's sorted copy ends). */
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
#define NO_INFO1   G_MAXUINT64

/* The duration of exit @i, which is in ovf_at. */
static G_NO_INLINE gint64
exit_dur_wide (const StrataExits *self,
               guint64            i)
{
  guint64 lo = 0, hi = self->n_ovf;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (self->ovf_at[mid] < i)
        lo = mid + 1;
      else
        hi = mid;
    }
  g_assert (lo < self->n_ovf && self->ovf_at[lo] == i);
  return self->ovf_dur[lo];
}

static inline gint64
exit_dur (const StrataExits *self,
          guint64            i)
{
  if (self->durs16 != NULL)
    return G_LIKELY (self->durs16[i] != DUR16_WIDE) ? (gint64) self->durs16[i] : exit_dur_wide (self, i);
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

/* Exit @i's duration and info1 (of group @gi), narrow or wide (its start is kept apart). */
static inline void
set_dur_info1 (StrataExits *self,
               guint        gi,
               guint64      i,
               gint64       dur,
               guint64      info1)
{
  if (self->durs16 != NULL && G_LIKELY (dur < DUR16_WIDE))
    self->durs16[i] = (guint16) dur;
  else if (self->durs16 != NULL)
    {
      /* Exits are set in order (a group set again drops its own first). */
      if (self->n_ovf == self->ovf_cap)
        {
          self->ovf_cap = MAX (2 * self->ovf_cap, 64);
          self->ovf_at = g_renew (guint64, self->ovf_at, self->ovf_cap);
          self->ovf_dur = g_renew (gint64, self->ovf_dur, self->ovf_cap);
        }
      self->durs16[i] = DUR16_WIDE;
      self->ovf_at[self->n_ovf] = i;
      self->ovf_dur[self->n_ovf++] = dur;
    }
  else if (self->durs32 != NULL)
    self->durs32[i] = (guint32) dur;
  else
    self->durs[i] = dur;
  if (self->info_at != NULL && self->info_at[gi] == NO_INFO1)
    g_assert (info1 == 0);
  else if (self->info32 != NULL)
    self->info32[info1_at (self, gi, i)] = (guint32) info1;
  else
    self->info1[info1_at (self, gi, i)] = info1;
}

/* The arrays of @self->n exits, narrow or wide; with @starts, 64-bit starts, else 32-bit
 * ones and their blocks' (of @self->n_blocks). @narrow: 16-bit durations, else 64-bit ones
 * (@wide_durs) or 32-bit. @n_info1: how many info1 values are kept. */
static void
alloc_exits (StrataExits *self,
             gboolean     starts,
             gboolean     narrow,
             gboolean     wide_durs,
             gboolean     wide_info1,
             guint64      n_info1)
{
  gsize n = MAX (self->n, 1);

  if (starts)
    self->starts = g_new (gint64, n);
  else
    {
      self->starts32 = g_new (guint32, n);
      self->bstart = g_new (gint64, MAX (self->n_blocks, 1));
      self->bwide = g_new0 (gint64 *, MAX (self->n_blocks, 1));
    }
  if (narrow)
    {
      self->durs16 = g_new (guint16, n);
      self->sorted16 = g_new (guint16, n);
    }
  else if (wide_durs)
    {
      self->durs = g_new (gint64, n);
      self->sorted = g_new (gint64, n);
    }
  else
    {
      self->durs32 = g_new (guint32, n);
      self->sorted32 = g_new (guint32, n);
    }
  if (wide_info1)
    self->info1 = g_new (guint64, MAX (n_info1, 1));
  else
    self->info32 = g_new (guint32, MAX (n_info1, 1));
}

static gsize
dur_bytes (const StrataExits *self)
{
  return self->durs16 != NULL ? sizeof (guint16) : self->durs32 != NULL ? sizeof (guint32) : sizeof (gint64);
}

static gsize
info1_bytes (const StrataExits *self)
{
  return self->info32 != NULL ? sizeof (guint32) : sizeof (guint64);
}

static int
compare_i64 (const void *a,
             const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Sorts @n values in place: qsort()'s call per comparison is most of the cost of a block
 * of exits' durations. Quicksort (median of three), insertion sort below 16. */
static void
sort_i64 (gint64 *v,
          gsize   n)
{
  while (n > 16)
    {
      gint64 a = v[0], b = v[n / 2], c = v[n - 1];
      gint64 pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
      gssize i = -1, j = (gssize) n;

      /* Hoare: v[0..j] <= pivot <= v[j+1..n), both sides non-empty. */
      for (;;)
        {
          gint64 t;

          do
            i++;
          while (v[i] < pivot);
          do
            j--;
          while (v[j] > pivot);
          if (i >= j)
            break;
          t = v[i];
          v[i] = v[j];
          v[j] = t;
        }
      /* The smaller side recursively, the larger in the loop: a shallow stack. */
      if ((gsize) (j + 1) < n - (gsize) (j + 1))
        {
          sort_i64 (v, j + 1);
          v += j + 1;
          n -= j + 1;
        }
      else
        {
          sort_i64 (v + j + 1, n - (j + 1));
          n = j + 1;
        }
    }
  for (gsize i = 1; i < n; i++)
    {
      gint64 x = v[i];
      gsize k = i;

      for (; k > 0 && v[k - 1] > x; k--)
        v[k] = v[k - 1];
      v[k] = x;
    }
}

/* Sorts @n (at most BLOCK) values of @in into @out, a byte at a time from the lowest
 * (a stable counting pass each), skipping the bytes that every value shares: durations
 * rarely use their top ones. A few passes over a block instead of a comparison sort's
 * mispredicted branches. */
static void
radix_sort_u32 (const guint32 *in,
                guint32       *out,
                gsize          n)
{
  guint32 count[4][256] = { { 0 } };
  guint32 tmp[BLOCK];
  guint passes[4], n_passes = 0;
  const guint32 *src = in;
  guint32 *dst;

  g_assert (n <= BLOCK);
  for (gsize i = 0; i < n; i++)
    {
      guint32 v = in[i];

      count[0][v & 0xff]++;
      count[1][(v >> 8) & 0xff]++;
      count[2][(v >> 16) & 0xff]++;
      count[3][v >> 24]++;
    }
  for (guint b = 0; b < 4 && n > 0; b++)
    if (count[b][(in[0] >> (8 * b)) & 0xff] != n)
      passes[n_passes++] = b;
  if (n_passes == 0)
    {
      memcpy (out, in, n * sizeof (guint32));
      return;
    }
  /* The last pass writes @out. */
  dst = n_passes % 2 ? out : tmp;
  for (guint p = 0; p < n_passes; p++)
    {
      guint shift = 8 * passes[p];
      guint32 *c = count[passes[p]];
      guint32 sum = 0;

      for (guint k = 0; k < 256; k++)
        {
          guint32 here = c[k];

          c[k] = sum;
          sum += here;
        }
      for (gsize i = 0; i < n; i++)
        dst[c[(src[i] >> shift) & 0xff]++] = src[i];
      src = dst;
      dst = dst == out ? tmp : out;
    }
}

/* As radix_sort_u32(), for 16-bit values. */
static void
radix_sort_u16 (const guint16 *in,
                guint16       *out,
                gsize          n)
{
  guint32 count[2][256] = { { 0 } };
  guint16 tmp[BLOCK];
  guint passes[2], n_passes = 0;
  const guint16 *src = in;
  guint16 *dst;

  g_assert (n <= BLOCK);
  for (gsize i = 0; i < n; i++)
    {
      count[0][in[i] & 0xff]++;
      count[1][in[i] >> 8]++;
    }
  for (guint b = 0; b < 2 && n > 0; b++)
    if (count[b][(in[0] >> (8 * b)) & 0xff] != n)
      passes[n_passes++] = b;
  if (n_passes == 0)
    {
      memcpy (out, in, n * sizeof (guint16));
      return;
    }
  dst = n_passes % 2 ? out : tmp;
  for (guint p = 0; p < n_passes; p++)
    {
      guint shift = 8 * passes[p];
      guint32 *c = count[passes[p]];
      guint32 sum = 0;

      for (guint k = 0; k < 256; k++)
        {
          guint32 here = c[k];

          c[k] = sum;
          sum += here;
        }
      for (gsize i = 0; i < n; i++)
        dst[c[(src[i] >> shift) & 0xff]++] = src[i];
      src = dst;
      dst = dst == out ? tmp : out;
    }
}

static int
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

static guint64
group_blocks (const Group *g)
{
  return (g->n + BLOCK - 1) >> BLOCK_BITS;
}

/* The block arrays, from durs; and the sorted copy unless @sorted_given. */
typedef struct
{
  StrataExits *self;
  gboolean     sort;
  guint        next;          /* atomic: the next group to do */
} BlockJob;

static gpointer
block_worker (gpointer data)
{
  BlockJob *job = data;
  StrataExits *self = job->self;
  guint gi;

  while ((gi = g_atomic_int_add (&job->next, 1)) < self->n_groups)
    {
      const Group *g = &self->groups[gi];

      for (guint64 b = 0; b < group_blocks (g); b++)
        {
          guint64 from = g->offset + (b << BLOCK_BITS);
          guint64 len = MIN (BLOCK, g->n - (b << BLOCK_BITS));
          gint64 lo = G_MAXINT64, hi = G_MININT64;
          guint64 sum = 0;

          /* Unsigned: exits of one vCPU do not overlap, so the sum fits, but a damaged file's
           * need not. */
          for (guint64 i = from; i < from + len; i++)
            {
              gint64 d = exit_dur (self, i);

              lo = MIN (lo, d);
              hi = MAX (hi, d);
              sum += (guint64) d;
            }
          self->bmin[g->block0 + b] = lo;
          self->bmax[g->block0 + b] = hi;
          self->bsum[g->block0 + b] = (gint64) sum;
          if (self->file != NULL)
            strata_section_file_read (self->file, len * dur_bytes (self));
          if (job->sort && self->sorted16 != NULL)
            {
              /* DUR16_WIDE sorts last, where the block's own sorted wide ones stand for it. */
              guint64 o = self->bovf[g->block0 + b], no = self->bovf[g->block0 + b + 1] - o;

              radix_sort_u16 (&self->durs16[from], &self->sorted16[from], len);
              memcpy (&self->ovf_sorted[o], &self->ovf_dur[o], no * sizeof (gint64));
              sort_i64 (&self->ovf_sorted[o], no);
            }
          else if (job->sort && self->sorted32 != NULL)
            radix_sort_u32 (&self->durs32[from], &self->sorted32[from], len);
          else if (job->sort)
            {
              memcpy (&self->sorted[from], &self->durs[from], len * sizeof (gint64));
              sort_i64 (&self->sorted[from], len);
            }
        }
    }
  return NULL;
}

static void
build_blocks (StrataExits *self,
              gboolean     sort)
{
  BlockJob job = { self, sort, 0 };

  self->n_blocks = 0;
  for (guint gi = 0; gi < self->n_groups; gi++)
    {
      self->groups[gi].block0 = self->n_blocks;
      self->n_blocks += group_blocks (&self->groups[gi]);
    }
  self->bmin = g_new (gint64, MAX (self->n_blocks, 1));
  self->bmax = g_new (gint64, MAX (self->n_blocks, 1));
  self->bsum = g_new (gint64, MAX (self->n_blocks, 1));
  if (self->durs16 != NULL)
    {
      guint64 o = 0;

      /* The wide ones of each block: blocks, as the exits, go in order. */
      self->bovf = g_new (guint64, self->n_blocks + 1);
      for (guint gi = 0; gi < self->n_groups; gi++)
        {
          const Group *g = &self->groups[gi];

          for (guint64 b = 0; b < group_blocks (g); b++)
            {
              self->bovf[g->block0 + b] = o;
              while (o < self->n_ovf && self->ovf_at[o] < g->offset + MIN ((b + 1) << BLOCK_BITS, g->n))
                o++;
            }
        }
      self->bovf[self->n_blocks] = o;
      self->ovf_sorted = g_new (gint64, MAX (self->n_ovf, 1));
    }
  strata_parallel_run ("strata-exits", self->n_groups, block_worker, &job);
}

static guint
group_hash (gconstpointer p)
{
  const Group *g = p;

  return ((guint) g->machine * 2654435761u) ^ ((guint) g->vcpu * 40503u) ^ g->code ^ ((guint) g->isa << 28);
}

static gboolean
group_equal (gconstpointer a,
             gconstpointer b)
{
  return compare_group_key (a, b) == 0;
}

/* A start is an offset from its segment's base (see BuilderGroup). A duration or info1 that
 * does not fit 32 bits is WIDE here, and the exit is in the builder's wide table: the
 * builders hold every exit at once, at the analysis's peak. */
typedef struct
{
  guint32 start;
  guint32 dur;
  guint32 info1;
} Exit;

/* Exits from @first on start at @base or later, less than 4.29 s after it. */
typedef struct
{
  guint64 first;
  gint64  base;
} Segment;

/* A builder's group: its exits so far (12 bytes an exit, no key), and the segments that
 * their starts are offsets in, a new one whenever a start is out of the last's reach: a
 * busy vCPU's exits need one every 4.29 s. */
typedef struct
{
  Group    key;               /* offset and n unused */
  guint    n;
  guint    cap;               /* doubling, as an array's would */
  Exit    *exits;
  Segment *segs;
  guint    n_segs;
  guint    segs_cap;
} BuilderGroup;

#define WIDE G_MAXUINT32

typedef struct
{
  gint64  dur;
  guint64 info1;
} WideExit;

struct _StrataExitsBuilder
{
  gboolean    wide_durs;      /* a duration or an info1 does not fit 32 bits */
  gboolean    wide_info1;
  guint64     n_long;         /* durations of DUR16_WIDE or more */
  GHashTable *wide;           /* group index << 40 | exit index (gint64*) -> WideExit* */
  GArray     *groups;         /* BuilderGroup */
  GHashTable *index;          /* Group* (a private copy) -> index + 1 */
  guint       recent[256];    /* a recent group by a few bits of its hash, + 1 */
};

StrataExitsBuilder *
strata_exits_builder_new (void)
{
  StrataExitsBuilder *self = g_new0 (StrataExitsBuilder, 1);

  self->groups = g_array_new (FALSE, FALSE, sizeof (BuilderGroup));
  self->index = g_hash_table_new_full (group_hash, group_equal, g_free, NULL);
  self->wide = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  return self;
}

void
strata_exits_builder_free (StrataExitsBuilder *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->groups->len; i++)
    {
      g_clear_pointer (&g_array_index (self->groups, BuilderGroup, i).exits, g_free);
      g_clear_pointer (&g_array_index (self->groups, BuilderGroup, i).segs, g_free);
    }
  g_array_unref (self->groups);
  g_hash_table_unref (self->index);
  g_hash_table_unref (self->wide);
  g_free (self);
}

void
strata_exits_builder_add (StrataExitsBuilder     *self,
                          const StrataExitRecord *r)
{
  Group key = { r->machine, r->isa, 0, r->vcpu, r->code, 0, 0, 0, 0 };
  guint *slot = &self->recent[group_hash (&key) & (G_N_ELEMENTS (self->recent) - 1)];
  gint64 dur = MAX (r->end - r->start, 0);
  Exit exit = { 0, dur >= WIDE ? WIDE : (guint32) dur, r->info1 >= WIDE ? WIDE : (guint32) r->info1 };
  BuilderGroup *group;
  gpointer found;
  gint64 base;

  self->wide_durs |= (guint64) dur > G_MAXUINT32;
  self->n_long += dur >= DUR16_WIDE;
  self->wide_info1 |= r->info1 > G_MAXUINT32;
  /* A vCPU's exits repeat a few reasons: most need no hash table. */
  if (*slot == 0 || compare_group_key (&key, &g_array_index (self->groups, BuilderGroup, *slot - 1).key) != 0)
    {
      if (!g_hash_table_lookup_extended (self->index, &key, NULL, &found))
        {
          BuilderGroup g = { key, 0, 0, NULL, NULL, 0, 0 };

          g_array_append_val (self->groups, g);
          found = GUINT_TO_POINTER (self->groups->len);
          g_hash_table_insert (self->index, g_memdup2 (&key, sizeof key), found);
        }
      *slot = GPOINTER_TO_UINT (found);
    }
  group = &g_array_index (self->groups, BuilderGroup, *slot - 1);
  /* Stored in place: an exit-heavy host adds millions, and an array's append is a call and a
   * copy each. */
  if (G_UNLIKELY (group->n == group->cap))
    {
      if (group->cap > G_MAXUINT / 2)
        g_error ("too many KVM exits in one group");
      group->cap = group->cap == 0 ? 1 : 2 * group->cap;
      group->exits = g_renew (Exit, group->exits, group->cap);
    }
  base = group->n_segs > 0 ? group->segs[group->n_segs - 1].base : 0;
  /* A vCPU's exits come in time order. */
  if (group->n_segs == 0 || r->start < base || (guint64) (r->start - base) > G_MAXUINT32)
    {
      if (group->n_segs == group->segs_cap)
        {
          group->segs_cap = group->segs_cap == 0 ? 1 : 2 * group->segs_cap;
          group->segs = g_renew (Segment, group->segs, group->segs_cap);
        }
      base = r->start;
      group->segs[group->n_segs++] = (Segment) { group->n, base };
    }
  exit.start = (guint32) (r->start - base);
  if (exit.dur == WIDE || exit.info1 == WIDE)
    {
      gint64 wide_key = (gint64) (*slot - 1) << 40 | group->n;
      WideExit *wide = g_new (WideExit, 1);

      wide->dur = dur;
      wide->info1 = r->info1;
      g_hash_table_insert (self->wide, g_memdup2 (&wide_key, sizeof wide_key), wide);
    }
  group->exits[group->n++] = exit;
}

typedef struct
{
  const Group *key;
  guint        builder;
  guint        group;
} GroupRef;

static int
compare_group_refs (gconstpointer a,
                    gconstpointer b)
{
  const GroupRef *ra = a, *rb = b;
  int c = compare_group_key (ra->key, rb->key);

  if (c != 0)
    return c;
  return ra->builder < rb->builder ? -1 : ra->builder > rb->builder;
}

StrataExits *
strata_exits_new (StrataExitsBuilder **builders,
                  guint                n_builders)
{
  g_autoptr(GArray) refs = g_array_new (FALSE, FALSE, sizeof (GroupRef));
  StrataExits *self = g_new0 (StrataExits, 1);
  guint64 offset = 0, n_long = 0, n_info1 = 0;
  gboolean wide_durs = FALSE, wide_info1 = FALSE;

  g_return_val_if_fail (builders != NULL || n_builders == 0, NULL);

  /* The builders' groups by key, and for one key in the builders' order: the exits of a group
   * keep the order they came in (the analysis records them in time order per vCPU). */
  for (guint b = 0; b < n_builders; b++)
    {
      wide_durs |= builders[b]->wide_durs;
      wide_info1 |= builders[b]->wide_info1;
      n_long += builders[b]->n_long;
    }
  for (guint b = 0; b < n_builders; b++)
    for (guint g = 0; g < builders[b]->groups->len; g++)
      {
        GroupRef ref = { &g_array_index (builders[b]->groups, BuilderGroup, g).key, b, g };

        g_array_append_val (refs, ref);
      }
  g_array_sort (refs, compare_group_refs);
  for (guint i = 0; i < refs->len; i++)
    {
      const GroupRef *ref = &g_array_index (refs, GroupRef, i);

      if (i == 0 || compare_group_key (ref->key, g_array_index (refs, GroupRef, i - 1).key) != 0)
        self->n_groups++;
    }
  self->groups = g_new0 (Group, MAX (self->n_groups, 1));
  self->info_at = g_new (guint64, MAX (self->n_groups, 1));
  for (guint i = 0, gi = 0; i < refs->len; i++)
    {
      const GroupRef *ref = &g_array_index (refs, GroupRef, i);
      const BuilderGroup *from = &g_array_index (builders[ref->builder]->groups, BuilderGroup, ref->group);
      gboolean first = i == 0 || compare_group_key (ref->key, g_array_index (refs, GroupRef, i - 1).key) != 0;
      Group *g;

      if (first && i > 0)
        gi++;
      g = &self->groups[gi];
      if (first)
        {
          *g = *ref->key;
          g->offset = offset;
          g->n = 0;
          self->info_at[gi] = NO_INFO1;
        }
      /* Marked for now: a group with an info1 other than 0 keeps them. */
      for (guint k = 0; k < from->n && self->info_at[gi] == NO_INFO1; k++)
        if (from->exits[k].info1 != 0)
          self->info_at[gi] = 0;
      g->n += from->n;
      offset += from->n;
    }
  self->n = offset;
  for (guint gi = 0; gi < self->n_groups; gi++)
    if (self->info_at[gi] != NO_INFO1)
      {
        self->info_at[gi] = n_info1;
        n_info1 += self->groups[gi].n;
      }
  for (guint gi = 0; gi < self->n_groups; gi++)
    {
      self->groups[gi].block0 = self->n_blocks;
      self->n_blocks += group_blocks (&self->groups[gi]);
    }
  /* Most exits of most reasons last less than 65.5 µs: 16 bits each, and 24 bytes for each
   * of the others; when they are more than a sixteenth, 32 or 64 bits each. */
  self->n_info1 = n_info1;
  alloc_exits (self, FALSE, n_long <= self->n / 16, wide_durs, wide_info1, n_info1);

  /* A group at a time: its exits go to their place, and their builders' copies go at once,
   * so that the two are not held whole together; its starts are whole only while it is
   * made. */
  for (guint i = 0, gi = 0; gi < self->n_groups; gi++)
    {
      const Group *g = &self->groups[gi];
      g_autofree gint64 *starts = g_new (gint64, MAX (g->n, 1));
      guint64 at = 0, group_ovf = self->n_ovf;
      gboolean ordered = TRUE;

      for (; i < refs->len && compare_group_key (g_array_index (refs, GroupRef, i).key, g) == 0; i++)
        {
          const GroupRef *ref = &g_array_index (refs, GroupRef, i);
          BuilderGroup *from = &g_array_index (builders[ref->builder]->groups, BuilderGroup, ref->group);
          const Exit *exits = from->exits;
          guint seg = 0;

          for (guint k = 0; k < from->n; k++, at++)
            {
              while (seg + 1 < from->n_segs && from->segs[seg + 1].first <= k)
                seg++;
              starts[at] = from->segs[seg].base + exits[k].start;
              if (G_LIKELY (exits[k].dur != WIDE && exits[k].info1 != WIDE))
                set_dur_info1 (self, gi, g->offset + at, exits[k].dur, exits[k].info1);
              else
                {
                  gint64 key = (gint64) ref->group << 40 | k;
                  const WideExit *wide = g_hash_table_lookup (builders[ref->builder]->wide, &key);

                  set_dur_info1 (self, gi, g->offset + at, wide->dur, wide->info1);
                }
            }
          g_clear_pointer (&from->exits, g_free);
          g_clear_pointer (&from->segs, g_free);
        }

      /* In case the order came otherwise: sort a group whose starts go back. */
      for (guint64 k = 1; k < g->n && ordered; k++)
        ordered = starts[k - 1] <= starts[k];
      if (!ordered)
        {
          g_autofree gint64 *triples = g_new (gint64, 3 * g->n);

          for (guint64 k = 0; k < g->n; k++)
            {
              triples[3 * k] = starts[k];
              triples[3 * k + 1] = exit_dur (self, g->offset + k);
              triples[3 * k + 2] = (gint64) exit_info1 (self, gi, g->offset + k);
            }
          /* Triples sort by start: compare_i64 on the first of each. */
          qsort (triples, g->n, 3 * sizeof (gint64), compare_i64);
          self->n_ovf = group_ovf;
          for (guint64 k = 0; k < g->n; k++)
            {
              starts[k] = triples[3 * k];
              set_dur_info1 (self, gi, g->offset + k, triples[3 * k + 1], (guint64) triples[3 * k + 2]);
            }
        }

      /* A start is kept as an offset from its block's first: 4 bytes an exit less, held to
       * the end of the analysis, where its peak is. A block that spans more than 4.29 s (a
       * rare exit reason's) keeps its own 64-bit starts. */
      for (guint64 b = 0; b < group_blocks (g); b++)
        {
          guint64 from = b << BLOCK_BITS;
          guint64 len = MIN (BLOCK, g->n - from);

          self->bstart[g->block0 + b] = starts[from];
          if ((guint64) (starts[from + len - 1] - starts[from]) > G_MAXUINT32)
            self->bwide[g->block0 + b] = g_memdup2 (&starts[from], len * sizeof (gint64));
          for (guint64 k = from; k < from + len; k++)
            self->starts32[g->offset + k] = self->bwide[g->block0 + b] != NULL ? 0 : (guint32) (starts[k] - starts[from]);
        }
    }
  for (guint b = 0; b < n_builders; b++)
    strata_exits_builder_free (builders[b]);
  self->ovf_at = g_renew (guint64, self->ovf_at, MAX (self->n_ovf, 1));
  self->ovf_dur = g_renew (gint64, self->ovf_dur, MAX (self->n_ovf, 1));
  build_blocks (self, TRUE);
  return self;
}

void
strata_exits_free (StrataExits *self)
{
  if (self == NULL)
    return;
  g_free (self->groups);
  if (self->file == NULL)
    {
      g_free (self->starts);
      g_free (self->durs);
      g_free (self->durs32);
      g_free (self->info1);
      g_free (self->info32);
      g_free (self->sorted);
      g_free (self->sorted32);
    }
  g_free (self->durs16);
  g_free (self->sorted16);
  g_free (self->ovf_at);
  g_free (self->ovf_dur);
  g_free (self->ovf_sorted);
  g_free (self->bovf);
  g_free (self->info_at);
  g_free (self->starts32);
  g_free (self->bstart);
  for (guint64 b = 0; self->bwide != NULL && b < self->n_blocks; b++)
    g_free (self->bwide[b]);
  g_free (self->bwide);
  g_clear_pointer (&self->file, strata_section_file_unref);
  g_free (self->bmin);
  g_free (self->bmax);
  g_free (self->bsum);
  g_free (self);
}

guint64
strata_exits_n_exits (StrataExits *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n;
}

gsize
strata_exits_memory (StrataExits *self)
{
  gsize wide = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint gi = 0; self->bwide != NULL && gi < self->n_groups; gi++)
    for (guint64 b = 0; b < group_blocks (&self->groups[gi]); b++)
      if (self->bwide[self->groups[gi].block0 + b] != NULL)
        wide += MIN (BLOCK, self->groups[gi].n - (b << BLOCK_BITS)) * sizeof (gint64);
  return self->n_groups * sizeof (Group) +
         self->n * ((self->starts != NULL ? sizeof (gint64) : sizeof (guint32)) + 2 * dur_bytes (self)) +
         info1_bytes (self) * (self->info_at != NULL ? self->n_info1 : self->n) +
         self->n_blocks * (3 * sizeof (gint64) + (self->starts != NULL ? 0 : sizeof (gint64) + sizeof (gint64 *))) + wide +
         (self->durs16 != NULL ? self->n_ovf * 3 * sizeof (gint64) + (self->n_blocks + 1) * sizeof (guint64) : 0);
}

guint
strata_exits_n_groups (StrataExits *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_groups;
}

void
strata_exits_group (StrataExits *self,
                    guint        group,
                    guint16     *machine,
                    gint32      *vcpu,
                    guint8      *isa,
                    guint32     *code)
{
  const Group *g;

  g_return_if_fail (self != NULL);
  g_return_if_fail (group < self->n_groups);

  g = &self->groups[group];
  if (machine != NULL)
    *machine = g->machine;
  if (vcpu != NULL)
    *vcpu = g->vcpu;
  if (isa != NULL)
    *isa = g->isa;
  if (code != NULL)
    *code = g->code;
}

gint
strata_exits_find_group (StrataExits *self,
                         guint16      machine,
                         gint32       vcpu,
                         guint8       isa,
                         guint32      code)
{
  Group key = { machine, isa, 0, vcpu, code, 0, 0, 0, 0 };
  guint lo = 0, hi;

  g_return_val_if_fail (self != NULL, -1);

  hi = self->n_groups;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int c = compare_group_key (&self->groups[mid], &key);

      if (c == 0)
        return mid;
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -1;
}

/* The first exit of group @g (an index in the arrays) whose start is >= @t, or the group's
 * end. */
static guint64
group_lower_bound (const StrataExits *self,
                   const Group       *g,
                   gint64             t)
{
  guint64 lo = g->offset, hi = g->offset + g->n;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (exit_start (self, g, mid) < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The number of values of sorted @a [0, n) that are <= @v. */
static guint64
count_le16 (const guint16 *a,
            guint64        n,
            gint64         v)
{
  guint64 lo = 0, hi = n;

  /* Only asked below DUR16_WIDE (count_block_le()). */
  if (v < 0)
    return 0;
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (a[mid] <= (guint16) v)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The number of values of sorted @a [0, n) that are <= @v. */
static guint64
count_le32 (const guint32 *a,
            guint64        n,
            gint64         v)
{
  guint64 lo = 0, hi = n;

  if (v < 0)
    return 0;
  if (v >= G_MAXUINT32)
    return n;
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (a[mid] <= (guint32) v)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static guint64
count_le (const gint64 *a,
          guint64       n,
          gint64        v)
{
  guint64 lo = 0, hi = n;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (a[mid] <= v)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The number of durations <= @v of the whole block @b (in the block arrays), whose first
 * exit is @first. */
static guint64
count_block_le (const StrataExits *self,
                guint64            b,
                guint64            first,
                gint64             v)
{
  guint64 o, no;

  if (self->sorted32 != NULL)
    return count_le32 (&self->sorted32[first], BLOCK, v);
  if (self->sorted != NULL)
    return count_le (&self->sorted[first], BLOCK, v);
  /* The wide ones are last, each DUR16_WIDE: more than any @v below it. */
  if (v < DUR16_WIDE)
    return count_le16 (&self->sorted16[first], BLOCK, v);
  o = self->bovf[b];
  no = self->bovf[b + 1] - o;
  return BLOCK - no + count_le (&self->ovf_sorted[o], no, v);
}

void
strata_exits_range (StrataExits *self,
                    guint        group,
                    gint64       from,
                    gint64       to,
                    guint64     *first,
                    guint64     *last)
{
  const Group *g;

  g_return_if_fail (self != NULL);
  g_return_if_fail (group < self->n_groups);
  g_return_if_fail (first != NULL && last != NULL);

  g = &self->groups[group];
  *first = group_lower_bound (self, g, from) - g->offset;
  *last = MAX (*first, group_lower_bound (self, g, to) - g->offset);
}

void
strata_exits_get (StrataExits *self,
                  guint        group,
                  guint64      index,
                  gint64      *start,
                  gint64      *end)
{
  const Group *g;

  g_return_if_fail (self != NULL);
  g_return_if_fail (group < self->n_groups);
  g_return_if_fail (index < self->groups[group].n);

  g = &self->groups[group];
  if (start != NULL)
    *start = exit_start (self, g, g->offset + index);
  if (end != NULL)
    *end = exit_start (self, g, g->offset + index) + exit_dur (self, g->offset + index);
}

/* The group and the index in the arrays of the exit of vCPU @vcpu of @machine that holds @ts;
 * FALSE when it was in none. */
static gboolean
find_at (StrataExits *self,
         guint16      machine,
         gint32       vcpu,
         gint64       ts,
         guint       *group,
         guint64     *at)
{
  Group key = { machine, 0, 0, vcpu, 0, 0, 0, 0, 0 };
  guint lo = 0, hi;

  /* The vCPU's groups are contiguous, from the first not before (machine, vcpu, 0, 0); its
   * exits do not overlap, so at most one group holds @ts. */
  hi = self->n_groups;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (compare_group_key (&self->groups[mid], &key) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (guint gi = lo; gi < self->n_groups; gi++)
    {
      const Group *g = &self->groups[gi];
      guint64 i;

      if (g->machine != machine || g->vcpu != vcpu)
        break;
      /* The last exit starting at or before @ts. */
      i = group_lower_bound (self, g, ts == G_MAXINT64 ? ts : ts + 1);
      if (i == g->offset || exit_start (self, g, i - 1) + exit_dur (self, i - 1) <= ts)
        continue;
      *group = gi;
      *at = i - 1;
      return TRUE;
    }
  return FALSE;
}

gboolean
strata_exits_at (StrataExits *self,
                 guint16      machine,
                 gint32       vcpu,
                 gint64       ts,
                 guint8      *isa,
                 guint32     *code,
                 gint64      *start,
                 gint64      *end)
{
  guint gi;
  guint64 i;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!find_at (self, machine, vcpu, ts, &gi, &i))
    return FALSE;
  if (isa != NULL)
    *isa = self->groups[gi].isa;
  if (code != NULL)
    *code = self->groups[gi].code;
  if (start != NULL)
    *start = exit_start (self, &self->groups[gi], i);
  if (end != NULL)
    *end = exit_start (self, &self->groups[gi], i) + exit_dur (self, i);
  return TRUE;
}

gboolean
strata_exits_detail_at (StrataExits      *self,
                        guint16           machine,
                        gint32            vcpu,
                        gint64            ts,
                        StrataExitDetail *detail)
{
  guint gi;
  guint64 i;

  g_return_val_if_fail (detail != NULL, FALSE);

  *detail = (StrataExitDetail) { 0 };
  g_return_val_if_fail (self != NULL, FALSE);

  if (!find_at (self, machine, vcpu, ts, &gi, &i))
    return FALSE;
  /* info2 names nothing the decoder reads: it is not kept. */
  return strata_exit_detail (self->groups[gi].isa, self->groups[gi].code, exit_info1 (self, gi, i), 0, detail);
}

guint64
strata_exits_count (StrataExits *self,
                    guint        group,
                    gint64       from,
                    gint64       to)
{
  guint64 first, last;

  strata_exits_range (self, group, from, to, &first, &last);
  return last - first;
}

gboolean
strata_exits_group_stats (StrataExits     *self,
                          guint            group,
                          gint64           from,
                          gint64           to,
                          StrataExitStats *out)
{
  const Group *g;
  guint64 first, last, n, rank, head_end, tail_start, bfirst, blast;
  g_autofree gint64 *partial = NULL;
  guint64 n_partial = 0;
  gint64 lo = G_MAXINT64, hi = G_MININT64, total = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (group < self->n_groups, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  g = &self->groups[group];
  strata_exits_range (self, group, from, to, &first, &last);
  n = last - first;
  if (n == 0)
    return FALSE;

  /* Whole blocks are [bfirst, blast) of the group's blocks; the rest is partial. */
  bfirst = (first + BLOCK - 1) >> BLOCK_BITS;
  blast = last >> BLOCK_BITS;
  if (bfirst >= blast)
    {
      bfirst = blast = 0;
      head_end = last;
      tail_start = last;
    }
  else
    {
      head_end = bfirst << BLOCK_BITS;
      tail_start = blast << BLOCK_BITS;
    }
  partial = g_new (gint64, MAX ((head_end - first) + (last - tail_start), 1));
  for (guint64 i = first; i < head_end; i++)
    partial[n_partial++] = exit_dur (self, g->offset + i);
  for (guint64 i = tail_start; i < last; i++)
    partial[n_partial++] = exit_dur (self, g->offset + i);
  for (guint64 i = 0; i < n_partial; i++)
    {
      lo = MIN (lo, partial[i]);
      hi = MAX (hi, partial[i]);
      total += partial[i];
    }
  for (guint64 b = bfirst; b < blast; b++)
    {
      lo = MIN (lo, self->bmin[g->block0 + b]);
      hi = MAX (hi, self->bmax[g->block0 + b]);
      total += self->bsum[g->block0 + b];
    }
  sort_i64 (partial, n_partial);

  /* Nearest rank, in integers: ceil (99 n / 100). */
  rank = (99 * n + 99) / 100;
  {
    gint64 a = lo, z = hi;

    /* The smallest d in [a, z] with count (<= d) >= rank: a duration of the range. */
    while (a < z)
      {
        gint64 mid = a + (z - a) / 2;
        guint64 c = count_le (partial, n_partial, mid);

        for (guint64 b = bfirst; b < blast && c < rank; b++)
          {
            guint64 block = g->offset + (b << BLOCK_BITS);

            if (self->bmax[g->block0 + b] <= mid)
              c += BLOCK;
            else if (self->bmin[g->block0 + b] <= mid)
              c += count_block_le (self, g->block0 + b, block, mid);
          }
        if (c >= rank)
          z = mid;
        else
          a = mid + 1;
      }
    out->p99_ns = a;
  }

  out->machine = g->machine;
  out->vcpu = g->vcpu;
  out->isa = g->isa;
  out->code = g->code;
  out->count = n;
  out->total_ns = total;
  out->min_ns = lo;
  out->max_ns = hi;
  out->mean_ns = (double) total / (double) n;
  return TRUE;
}

GArray *
strata_exits_query (StrataExits *self,
                    gint64       from,
                    gint64       to,
                    gint         machine)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (StrataExitStats));

  g_return_val_if_fail (self != NULL, out);

  for (guint gi = 0; gi < self->n_groups; gi++)
    {
      StrataExitStats stats;

      if (machine >= 0 && self->groups[gi].machine != machine)
        continue;
      if (strata_exits_group_stats (self, gi, from, to, &stats))
        g_array_append_val (out, stats);
    }
  return out;
}

/* Saved form: n_groups (u32), block bits (u32), n_exits (u64), widths (u32: bit 0, durations
 * of 64 bits; bit 1, info1 of 64 bits; else 32), zero (u32), the groups, then starts (64 bits),
 * durations, the sorted copy and info1, each an array of n_exits integers: each is aligned to
 * its width when the section is to 8 bytes. */
#define WIDE_DURS  1u
#define WIDE_INFO1 2u

/* The durations of @self, or their sorted copy, as saved: 32 or 64 bits (@wide) each. */
static void
write_durs (StrataExits         *self,
            StrataSectionWriter *writer,
            gboolean             sorted,
            gboolean             wide)
{
  if (self->durs16 == NULL)
    {
      strata_section_writer_write (writer, self->durs32 != NULL ? (sorted ? (gconstpointer) self->sorted32 : self->durs32)
                                                                : (sorted ? (gconstpointer) self->sorted : self->durs),
                                   self->n * dur_bytes (self));
      return;
    }
  for (guint gi = 0; gi < self->n_groups; gi++)
    {
      const Group *g = &self->groups[gi];

      for (guint64 b = 0; b < group_blocks (g); b++)
        {
          guint64 from = g->offset + (b << BLOCK_BITS);
          guint64 len = MIN (BLOCK, g->n - (b << BLOCK_BITS));
          guint64 o = self->bovf[g->block0 + b], no = self->bovf[g->block0 + b + 1] - o;
          union { gint64 w[BLOCK]; guint32 n[BLOCK]; } chunk;

          for (guint64 k = 0; k < len; k++)
            {
              gint64 d;

              if (!sorted)
                d = exit_dur (self, from + k);
              else
                d = k < len - no ? self->sorted16[from + k] : self->ovf_sorted[o + k - (len - no)];
              if (wide)
                chunk.w[k] = d;
              else
                chunk.n[k] = (guint32) d;
            }
          strata_section_writer_write (writer, &chunk, len * (wide ? sizeof (gint64) : sizeof (guint32)));
        }
    }
}

void
strata_exits_write (StrataExits         *self,
                    StrataSectionWriter *writer)
{
  guint32 n_groups = self->n_groups;
  guint32 block_bits = BLOCK_BITS;
  guint64 n = self->n;
  gboolean wide_durs = self->durs32 == NULL && self->durs16 == NULL;
  guint32 widths[2];

  for (guint64 o = 0; self->durs16 != NULL && o < self->n_ovf; o++)
    wide_durs |= self->ovf_dur[o] > G_MAXUINT32;
  widths[0] = (wide_durs ? WIDE_DURS : 0) | (self->info32 == NULL ? WIDE_INFO1 : 0);
  widths[1] = 0;

  g_return_if_fail (self != NULL);
  g_return_if_fail (writer != NULL);

  strata_section_writer_begin (writer, STRATA_EXITS_TAG, STRATA_EXITS_FORMAT_VERSION);
  strata_section_writer_write (writer, &n_groups, sizeof n_groups);
  strata_section_writer_write (writer, &block_bits, sizeof block_bits);
  strata_section_writer_write (writer, &n, sizeof n);
  strata_section_writer_write (writer, widths, sizeof widths);
  strata_section_writer_write (writer, self->groups, self->n_groups * sizeof (Group));
  if (self->starts != NULL)
    strata_section_writer_write (writer, self->starts, self->n * sizeof (gint64));
  else
    for (guint gi = 0; gi < self->n_groups; gi++)
      {
        const Group *g = &self->groups[gi];
        gint64 chunk[BLOCK];

        for (guint64 b = 0; b < group_blocks (g); b++)
          {
            guint64 from = g->offset + (b << BLOCK_BITS);
            guint64 len = MIN (BLOCK, g->n - (b << BLOCK_BITS));

            for (guint64 k = 0; k < len; k++)
              chunk[k] = exit_start (self, g, from + k);
            strata_section_writer_write (writer, chunk, len * sizeof (gint64));
          }
      }
  write_durs (self, writer, FALSE, wide_durs);
  write_durs (self, writer, TRUE, wide_durs);
  if (self->info_at == NULL)
    strata_section_writer_write (writer, self->info32 != NULL ? (gconstpointer) self->info32 : self->info1,
                                 self->n * info1_bytes (self));
  else
    for (guint gi = 0; gi < self->n_groups; gi++)
      {
        static const guint64 zeros[BLOCK] = { 0 };
        gsize size = info1_bytes (self);

        if (self->info_at[gi] != NO_INFO1)
          {
            strata_section_writer_write (writer, (const guint8 *) (self->info32 != NULL ? (gconstpointer) self->info32
                                                                                          : self->info1) + self->info_at[gi] * size,
                                         self->groups[gi].n * size);
            continue;
          }
        for (guint64 k = 0; k < self->groups[gi].n; k += BLOCK)
          strata_section_writer_write (writer, zeros, MIN (BLOCK, self->groups[gi].n - k) * size);
      }
  strata_section_writer_end (writer);
}

static StrataExits *
damaged (StrataExits  *self,
         GError      **error,
         const char   *what)
{
  strata_exits_free (self);
  g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_DAMAGED,
               _("The saved exits are damaged (%s)"), what);
  return NULL;
}

StrataExits *
strata_exits_read (StrataSectionFile  *file,
                   guint               n_machines,
                   GError            **error)
{
  const guint8 *data;
  gsize size;
  guint32 version, n_groups, block_bits, widths, zero;
  guint64 n, expect = 0;
  gsize wd, wi, per_exit;
  StrataExits *self;

  g_return_val_if_fail (file != NULL, NULL);

  if (!strata_section_file_lookup (file, STRATA_EXITS_TAG, &version, &data, &size))
    {
      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_DAMAGED,
                   _("The saved analysis has no exits"));
      return NULL;
    }
  if (version != STRATA_EXITS_FORMAT_VERSION)
    {
      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN,
                   _("The saved exits are of another version"));
      return NULL;
    }
  if (size < 24)
    return damaged (NULL, error, "size");
  memcpy (&n_groups, data, 4);
  memcpy (&block_bits, data + 4, 4);
  memcpy (&n, data + 8, 8);
  memcpy (&widths, data + 16, 4);
  memcpy (&zero, data + 20, 4);
  if ((widths & ~(WIDE_DURS | WIDE_INFO1)) != 0 || zero != 0)
    return damaged (NULL, error, "widths");
  wd = widths & WIDE_DURS ? sizeof (gint64) : sizeof (guint32);
  wi = widths & WIDE_INFO1 ? sizeof (guint64) : sizeof (guint32);
  per_exit = sizeof (gint64) + 2 * wd + wi;
  if (block_bits != BLOCK_BITS || n_groups > (size - 24) / sizeof (Group) ||
      n > (size - 24 - n_groups * sizeof (Group)) / per_exit ||
      size != 24 + n_groups * sizeof (Group) + n * per_exit)
    return damaged (NULL, error, "size");

  self = g_new0 (StrataExits, 1);
  self->n_groups = n_groups;
  self->n = n;
  self->groups = g_new (Group, MAX (n_groups, 1));
  memcpy (self->groups, data + 24, n_groups * sizeof (Group));
  data += 24 + n_groups * sizeof (Group);
  if (n > 0 && (guintptr) data % sizeof (gint64) == 0)
    {
      /* Read in place, as the store's rows: a reopened set's exits take memory only as the
       * panels query them. Each array is aligned to its width (see above). */
      const guint8 *durs = data + n * sizeof (gint64), *sorted = durs + n * wd, *info1 = sorted + n * wd;

      self->file = strata_section_file_ref (file);
      self->starts = (gint64 *) data;
      if (widths & WIDE_DURS)
        {
          self->durs = (gint64 *) durs;
          self->sorted = (gint64 *) sorted;
        }
      else
        {
          self->durs32 = (guint32 *) durs;
          self->sorted32 = (guint32 *) sorted;
        }
      if (widths & WIDE_INFO1)
        self->info1 = (guint64 *) info1;
      else
        self->info32 = (guint32 *) info1;
    }
  else
    {
      alloc_exits (self, TRUE, FALSE, (widths & WIDE_DURS) != 0, (widths & WIDE_INFO1) != 0, n);
      if (n > 0)
        {
          memcpy (self->starts, data, n * sizeof (gint64));
          data += n * sizeof (gint64);
          memcpy (self->durs32 != NULL ? (gpointer) self->durs32 : self->durs, data, n * wd);
          data += n * wd;
          memcpy (self->sorted32 != NULL ? (gpointer) self->sorted32 : self->sorted, data, n * wd);
          data += n * wd;
          memcpy (self->info32 != NULL ? (gpointer) self->info32 : self->info1, data, n * wi);
        }
    }

  /* Groups cover the arrays in order, with known machines, and are ordered and distinct. */
  for (guint gi = 0; gi < n_groups; gi++)
    {
      const Group *g = &self->groups[gi];

      if (g->machine >= n_machines || g->offset != expect || g->n == 0 || g->n > n - expect ||
          (gi > 0 && compare_group_key (&self->groups[gi - 1], g) >= 0))
        return damaged (self, error, "groups");
      expect += g->n;
      /* In the time range, and not overlapping, as exits of one vCPU are: sums then fit. */
      for (guint64 i = g->offset; i < g->offset + g->n; i++)
        {
          if (self->starts[i] < STRATA_TIME_MIN || exit_dur (self, i) < 0 ||
              exit_dur (self, i) > STRATA_TIME_MAX - self->starts[i] ||
              (i > g->offset && self->starts[i - 1] + exit_dur (self, i - 1) > self->starts[i]))
            return damaged (self, error, "order");
          /* The pages read go back as the checks go (a large set's exits pass 200 MiB). */
          if ((i & 0xffff) == 0xffff)
            strata_section_file_read (file, 0x10000 * (sizeof (gint64) + wd));
        }
    }
  if (expect != n)
    return damaged (self, error, "groups");
  build_blocks (self, FALSE);
  /* The sorted copy must hold each block's durations in order: same sum, bounds, order. */
  for (guint gi = 0; gi < n_groups; gi++)
    {
      const Group *g = &self->groups[gi];

      for (guint64 b = 0; b < group_blocks (g); b++)
        {
          guint64 from = g->offset + (b << BLOCK_BITS);
          guint64 len = MIN (BLOCK, g->n - (b << BLOCK_BITS));
          guint64 sum = 0;

          for (guint64 i = from; i < from + len; i++)
            {
              if (i > from && exit_sorted (self, i - 1) > exit_sorted (self, i))
                return damaged (self, error, "sorted");
              sum += (guint64) exit_sorted (self, i);
            }
          if ((gint64) sum != self->bsum[g->block0 + b] || exit_sorted (self, from) != self->bmin[g->block0 + b] ||
              exit_sorted (self, from + len - 1) != self->bmax[g->block0 + b])
            return damaged (self, error, "sorted");
          strata_section_file_read (file, len * wd);
        }
    }
  /* What the checks read goes back to the page cache. */
  strata_section_file_release (file, (const guint8 *) self->starts - strata_section_file_data (file),
                               n * per_exit);
  return self;
}
