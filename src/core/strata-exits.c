/* strata-exits.c: the exits' index, built and queried (saved: strata-exits-file.c)
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

#include "strata-batch-ring.h"
#include "strata-exits-private.h"
#include "strata-parallel.h"
#include "strata-time.h"

gint64
_strata_exits_dur_wide (const StrataExits *self,
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

/* Exit @i's duration and info1 (of group @gi), as made by an analysis (its start is kept
 * apart). */
static inline void
set_dur_info1 (StrataExits *self,
               guint        gi,
               guint64      i,
               gint64       dur,
               guint64      info1)
{
  guint64 k = self->dur_at[gi] + (i - self->groups[gi].offset);

  if (self->dur16[gi] && G_LIKELY (dur < DUR16_WIDE))
    self->durs16[k] = (guint16) dur;
  else if (!self->dur16[gi] && G_LIKELY (dur < DUR32_WIDE))
    self->durs32[k] = (guint32) dur;
  else
    {
      /* Exits are set in order (a group set again drops its own first). */
      if (self->n_ovf == self->ovf_cap)
        {
          self->ovf_cap = MAX (2 * self->ovf_cap, 64);
          self->ovf_at = g_renew (guint64, self->ovf_at, self->ovf_cap);
          self->ovf_dur = g_renew (gint64, self->ovf_dur, self->ovf_cap);
        }
      if (self->dur16[gi])
        self->durs16[k] = DUR16_WIDE;
      else
        self->durs32[k] = DUR32_WIDE;
      self->ovf_at[self->n_ovf] = i;
      self->ovf_dur[self->n_ovf++] = dur;
    }
  if (self->info_at != NULL && self->info_at[gi] == NO_INFO1)
    g_assert (info1 == 0);
  else if (self->info32 != NULL)
    self->info32[info1_at (self, gi, i)] = (guint32) info1;
  else
    self->info1[info1_at (self, gi, i)] = info1;
}

/* The arrays of @self->n exits. With @starts, as read: 64-bit starts, and durations of 64
 * bits (@wide_durs) or 32. Else, as made: 32-bit starts and their blocks' (of
 * @self->n_blocks), @n_durs16 durations of 16 bits and the others' of 32 (dur_at). @n_info1:
 * how many info1 values are kept, of 64 bits (@wide_info1) or 32. */
void
_strata_exits_alloc (StrataExits *self,
                     gboolean     starts,
                     guint64      n_durs16,
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
  if (!starts)
    {
      self->durs16 = g_new (guint16, MAX (n_durs16, 1));
      self->sorted16 = g_new (guint16, MAX (n_durs16, 1));
      self->durs32 = g_new (guint32, MAX (self->n - n_durs16, 1));
      self->sorted32 = g_new (guint32, MAX (self->n - n_durs16, 1));
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

/* As radix_sort_u32(), for 16-bit values: through it, which skips the top bytes that every
 * value shares. */
static void
radix_sort_u16 (const guint16 *in,
                guint16       *out,
                gsize          n)
{
  guint32 wide[BLOCK], sorted[BLOCK];

  g_assert (n <= BLOCK);
  if (n == 0)
    return;
  for (gsize i = 0; i < n; i++)
    wide[i] = in[i];
  radix_sort_u32 (wide, sorted, n);
  for (gsize i = 0; i < n; i++)
    out[i] = (guint16) sorted[i];
}

/* The block arrays, from the durations; and their sorted copy with `sort`. */
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
              gint64 d = exit_dur (self, g, i);

              lo = MIN (lo, d);
              hi = MAX (hi, d);
              sum += (guint64) d;
            }
          self->bmin[g->block0 + b] = lo;
          self->bmax[g->block0 + b] = hi;
          self->bsum[g->block0 + b] = (gint64) sum;
          if (self->file != NULL)
            strata_section_file_read (self->file, len * dur_bytes (self));
          if (job->sort && self->dur_at != NULL)
            {
              /* The escaped ones sort last, where the block's own sorted ones stand for them. */
              guint64 o = self->bovf[g->block0 + b], no = self->bovf[g->block0 + b + 1] - o;
              guint64 k = self->dur_at[gi] + (b << BLOCK_BITS);

              if (self->dur16[gi])
                radix_sort_u16 (&self->durs16[k], &self->sorted16[k], len);
              else
                radix_sort_u32 (&self->durs32[k], &self->sorted32[k], len);
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

void
_strata_exits_build_blocks (StrataExits *self,
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
  if (self->dur_at != NULL)
    {
      guint64 o = 0;

      /* The escaped durations of each block: blocks, as the exits, go in order. */
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
  guint    n_long;            /* durations of DUR16_WIDE ns or more */
} BuilderGroup;

#define WIDE G_MAXUINT32

typedef struct
{
  gint64  dur;
  guint64 info1;
} WideExit;

/* Records handed to the thread that adds them (strata_exits_builder_run_apart()). */
#define APART_BATCH 4096
#define APART_BATCHES 4

typedef struct
{
  GThread          *thread;
  StrataBatchRing  *ring;     /* of StrataExitRecord */
  StrataExitRecord *batch;    /* being filled, and how far */
  guint             n;
} Apart;

struct _StrataExitsBuilder
{
  GArray     *open;           /* StrataExitRecord: strata_exits_builder_add_open() */
  Apart      *apart;          /* non-NULL: records are added on a thread of their own */
  gboolean    wide_info1;     /* an info1 does not fit 32 bits */
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
  self->open = g_array_new (FALSE, FALSE, sizeof (StrataExitRecord));
  self->index = g_hash_table_new_full (group_hash, group_equal, g_free, NULL);
  self->wide = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  return self;
}

void
strata_exits_builder_free (StrataExitsBuilder *self)
{
  if (self == NULL)
    return;
  strata_exits_builder_join (self);
  for (guint i = 0; i < self->groups->len; i++)
    {
      g_clear_pointer (&g_array_index (self->groups, BuilderGroup, i).exits, g_free);
      g_clear_pointer (&g_array_index (self->groups, BuilderGroup, i).segs, g_free);
    }
  g_array_unref (self->groups);
  g_array_unref (self->open);
  g_hash_table_unref (self->index);
  g_hash_table_unref (self->wide);
  g_free (self);
}

static void builder_add (StrataExitsBuilder     *self,
                         const StrataExitRecord *r);

static gpointer
apart_thread (gpointer data)
{
  StrataExitsBuilder *self = data;
  const StrataExitRecord *batch;
  guint n;

  while ((batch = strata_batch_ring_take (self->apart->ring, &n)) != NULL)
    for (guint i = 0; i < n; i++)
      builder_add (self, &batch[i]);
  return NULL;
}

/**
 * strata_exits_builder_run_apart:
 *
 * From now on, @self adds the records it is given on a thread of its own, in the order it is
 * given them, until strata_exits_builder_join(): a host's model, which the analysis waits
 * for, hands each exit over instead of filing it (an exit-heavy host has millions).
 */
void
strata_exits_builder_run_apart (StrataExitsBuilder *self)
{
  Apart *apart;

  g_return_if_fail (self != NULL && self->apart == NULL);

  apart = g_new0 (Apart, 1);
  apart->ring = strata_batch_ring_new (sizeof (StrataExitRecord), APART_BATCH, APART_BATCHES);
  apart->batch = strata_batch_ring_fill (apart->ring);
  self->apart = apart;
  apart->thread = g_thread_try_new ("strata-exits", apart_thread, self, NULL);
  if (apart->thread == NULL)
    {
      /* No thread: added where they come, as without. */
      self->apart = NULL;
      strata_batch_ring_free (apart->ring);
      g_free (apart);
    }
}

/**
 * strata_exits_builder_join:
 *
 * Waits until every record given to @self is added, and adds them where they come again:
 * what reads a builder calls it first. Does nothing unless strata_exits_builder_run_apart()
 * was called.
 */
void
strata_exits_builder_join (StrataExitsBuilder *self)
{
  Apart *apart;

  g_return_if_fail (self != NULL);

  if ((apart = self->apart) == NULL)
    return;
  strata_batch_ring_hand_over (apart->ring, apart->n, TRUE);
  g_thread_join (apart->thread);
  self->apart = NULL;
  strata_batch_ring_free (apart->ring);
  g_free (apart);
}

void
strata_exits_builder_add_open (StrataExitsBuilder     *self,
                               const StrataExitRecord *r)
{
  g_return_if_fail (self != NULL && r != NULL);

  g_array_append_val (self->open, *r);
}

void
strata_exits_builder_add (StrataExitsBuilder     *self,
                          const StrataExitRecord *r)
{
  Apart *apart = self->apart;

  if (apart != NULL)
    {
      apart->batch[apart->n++] = *r;
      if (apart->n == APART_BATCH)
        {
          strata_batch_ring_hand_over (apart->ring, apart->n, FALSE);
          apart->batch = strata_batch_ring_fill (apart->ring);
          apart->n = 0;
        }
      return;
    }
  builder_add (self, r);
}

static void
builder_add (StrataExitsBuilder     *self,
             const StrataExitRecord *r)
{
  Group key = { r->machine, r->isa, 0, r->vcpu, r->code, 0, 0, 0, 0 };
  guint *slot = &self->recent[group_hash (&key) & (G_N_ELEMENTS (self->recent) - 1)];
  gint64 dur = MAX (r->end - r->start, 0);
  Exit exit = { 0, dur >= WIDE ? WIDE : (guint32) dur, r->info1 >= WIDE ? WIDE : (guint32) r->info1 };
  BuilderGroup *group;
  gpointer found;
  gint64 base;

  self->wide_info1 |= r->info1 > G_MAXUINT32;
  /* A vCPU's exits repeat a few reasons: most need no hash table. */
  if (*slot == 0 || compare_group_key (&key, &g_array_index (self->groups, BuilderGroup, *slot - 1).key) != 0)
    {
      if (!g_hash_table_lookup_extended (self->index, &key, NULL, &found))
        {
          BuilderGroup g = { key, 0, 0, NULL, NULL, 0, 0, 0 };

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
  group->n_long += dur >= DUR16_WIDE;
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
  guint64 offset = 0, n_info1 = 0, n_durs16 = 0;
  g_autofree guint64 *n_long = NULL;
  gboolean wide_info1 = FALSE;

  g_return_val_if_fail (builders != NULL || n_builders == 0, NULL);

  for (guint b = 0; b < n_builders; b++)
    strata_exits_builder_join (builders[b]);
  /* The builders' groups by key, and for one key in the builders' order: the exits of a group
   * keep the order they came in (the analysis records them in time order per vCPU). */
  self->open = g_array_new (FALSE, FALSE, sizeof (StrataExitRecord));
  for (guint b = 0; b < n_builders; b++)
    {
      wide_info1 |= builders[b]->wide_info1;
      g_array_append_vals (self->open, builders[b]->open->data, builders[b]->open->len);
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
  self->dur_at = g_new (guint64, MAX (self->n_groups, 1));
  self->dur16 = g_new (guint8, MAX (self->n_groups, 1));
  n_long = g_new0 (guint64, MAX (self->n_groups, 1));
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
      n_long[gi] += from->n_long;
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
  /* Most exits of most reasons last less than 65.5 µs: a group's take 16 bits each, and 24
   * bytes for each of the others, unless those are more than a sixteenth of them (a halt's
   * exits are long), when each takes 32 bits. */
  for (guint gi = 0; gi < self->n_groups; gi++)
    self->dur16[gi] = n_long[gi] <= self->groups[gi].n / 16;
  for (guint gi = 0; gi < self->n_groups; gi++)
    if (self->dur16[gi])
      {
        self->dur_at[gi] = n_durs16;
        n_durs16 += self->groups[gi].n;
      }
  for (guint gi = 0, n_durs32 = 0; gi < self->n_groups; gi++)
    if (!self->dur16[gi])
      {
        self->dur_at[gi] = n_durs32;
        n_durs32 += self->groups[gi].n;
      }
  for (guint gi = 0; gi < self->n_groups; gi++)
    {
      self->groups[gi].block0 = self->n_blocks;
      self->n_blocks += group_blocks (&self->groups[gi]);
    }
  self->n_info1 = n_info1;
  _strata_exits_alloc (self, FALSE, n_durs16, FALSE, wide_info1, n_info1);

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
              triples[3 * k + 1] = exit_dur (self, g, g->offset + k);
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
  _strata_exits_build_blocks (self, TRUE);
  return self;
}

void
strata_exits_free (StrataExits *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->open, g_array_unref);
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
  g_free (self->dur_at);
  g_free (self->dur16);
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
  gsize wide = 0, durs;

  g_return_val_if_fail (self != NULL, 0);

  durs = self->n * 2 * dur_bytes (self);
  if (self->dur_at != NULL)
    {
      /* Two bytes or four, and the sorted copy. */
      durs = 0;
      for (guint gi = 0; gi < self->n_groups; gi++)
        durs += self->groups[gi].n * (self->dur16[gi] ? 2 * sizeof (guint16) : 2 * sizeof (guint32));
    }
  for (guint gi = 0; self->bwide != NULL && gi < self->n_groups; gi++)
    for (guint64 b = 0; b < group_blocks (&self->groups[gi]); b++)
      if (self->bwide[self->groups[gi].block0 + b] != NULL)
        wide += MIN (BLOCK, self->groups[gi].n - (b << BLOCK_BITS)) * sizeof (gint64);
  return self->n_groups * sizeof (Group) +
         self->n * (self->starts != NULL ? sizeof (gint64) : sizeof (guint32)) + durs +
         info1_bytes (self) * (self->info_at != NULL ? self->n_info1 : self->n) +
         self->n_blocks * (3 * sizeof (gint64) + (self->starts != NULL ? 0 : sizeof (gint64) + sizeof (gint64 *))) + wide +
         (self->dur_at != NULL ? self->n_ovf * 3 * sizeof (gint64) + (self->n_blocks + 1) * sizeof (guint64) +
                                 self->n_groups * (sizeof (guint64) + 1) : 0);
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

/* The number of durations <= @v of whole block @b of group @g. */
static guint64
count_block_le (const StrataExits *self,
                const Group       *g,
                guint64            b,
                gint64             v)
{
  guint64 first = g->offset + (b << BLOCK_BITS), o, no, at;
  gsize gi;

  if (self->dur_at == NULL)
    return self->sorted32 != NULL ? count_le32 (&self->sorted32[first], BLOCK, v)
                                  : count_le (&self->sorted[first], BLOCK, v);
  /* The escaped ones are last, each the width's largest value: more than any @v below it. */
  gi = (gsize) (g - self->groups);
  at = self->dur_at[gi] + (b << BLOCK_BITS);
  if (self->dur16[gi] && v < DUR16_WIDE)
    return count_le16 (&self->sorted16[at], BLOCK, v);
  if (!self->dur16[gi] && v < DUR32_WIDE)
    return count_le32 (&self->sorted32[at], BLOCK, v);
  o = self->bovf[g->block0 + b];
  no = self->bovf[g->block0 + b + 1] - o;
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
    *end = exit_start (self, g, g->offset + index) + exit_dur (self, g, g->offset + index);
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
      if (i == g->offset || exit_start (self, g, i - 1) + exit_dur (self, g, i - 1) <= ts)
        continue;
      *group = gi;
      *at = i - 1;
      return TRUE;
    }
  return FALSE;
}

guint
strata_exits_n_open (StrataExits *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->open != NULL ? self->open->len : 0;
}

static int
compare_stats (gconstpointer a,
               gconstpointer b)
{
  const StrataExitStats *sa = a, *sb = b;

  if (sa->machine != sb->machine)
    return sa->machine < sb->machine ? -1 : 1;
  if (sa->vcpu != sb->vcpu)
    return sa->vcpu < sb->vcpu ? -1 : 1;
  if (sa->isa != sb->isa)
    return sa->isa < sb->isa ? -1 : 1;
  return sa->code < sb->code ? -1 : sa->code > sb->code;
}

void
strata_exits_add_open_stats (StrataExits *self,
                             GArray      *stats,
                             gint64       from,
                             gint64       to,
                             gint         machine)
{
  gboolean added = FALSE;

  g_return_if_fail (self != NULL && stats != NULL);

  for (guint i = 0; self->open != NULL && i < self->open->len; i++)
    {
      const StrataExitRecord *r = &g_array_index (self->open, StrataExitRecord, i);
      StrataExitStats *s = NULL;

      /* Only those open at their trace's end: one its thread ended is no exit of the vCPU. */
      if (r->end != G_MAXINT64 || r->start < from || r->start >= to || (machine >= 0 && r->machine != machine))
        continue;
      for (guint k = 0; k < stats->len && s == NULL; k++)
        {
          StrataExitStats *t = &g_array_index (stats, StrataExitStats, k);

          if (t->machine == r->machine && t->vcpu == r->vcpu && t->isa == r->isa && t->code == r->code)
            s = t;
        }
      if (s == NULL)
        {
          StrataExitStats fresh = { r->machine, r->vcpu, r->isa, r->code, 0, 0, 0, 0, 0, 0, 0 };

          g_array_append_val (stats, fresh);
          s = &g_array_index (stats, StrataExitStats, stats->len - 1);
          added = TRUE;
        }
      s->open++;
    }
  if (added)
    g_array_sort (stats, compare_stats);
}

const StrataExitRecord *
strata_exits_get_open (StrataExits *self,
                       guint        i)
{
  g_return_val_if_fail (self != NULL && i < strata_exits_n_open (self), NULL);

  return &g_array_index (self->open, StrataExitRecord, i);
}

void
strata_exits_add_open (StrataExits            *self,
                       const StrataExitRecord *r)
{
  g_return_if_fail (self != NULL && r != NULL);

  if (self->open == NULL)
    self->open = g_array_new (FALSE, FALSE, sizeof (StrataExitRecord));
  g_array_append_val (self->open, *r);
}

/* The exit of vCPU @vcpu of @machine that no entry ended and that holds @ts: the last begun
 * by then (a vCPU whose thread ended in one and was made again may have had two). */
static const StrataExitRecord *
open_at (StrataExits *self,
         guint16      machine,
         gint32       vcpu,
         gint64       ts)
{
  const StrataExitRecord *found = NULL;

  for (guint i = 0; self->open != NULL && i < self->open->len; i++)
    {
      const StrataExitRecord *r = &g_array_index (self->open, StrataExitRecord, i);

      if (r->machine == machine && r->vcpu == vcpu && r->start <= ts && ts < r->end &&
          (found == NULL || r->start > found->start))
        found = r;
    }
  return found;
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
    {
      const StrataExitRecord *open = open_at (self, machine, vcpu, ts);

      if (open == NULL)
        return FALSE;
      if (isa != NULL)
        *isa = open->isa;
      if (code != NULL)
        *code = open->code;
      if (start != NULL)
        *start = open->start;
      if (end != NULL)
        *end = open->end;
      return TRUE;
    }
  if (isa != NULL)
    *isa = self->groups[gi].isa;
  if (code != NULL)
    *code = self->groups[gi].code;
  if (start != NULL)
    *start = exit_start (self, &self->groups[gi], i);
  if (end != NULL)
    *end = exit_start (self, &self->groups[gi], i) + exit_dur (self, &self->groups[gi], i);
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
    {
      const StrataExitRecord *open = open_at (self, machine, vcpu, ts);

      return open != NULL && strata_exit_detail (open->isa, open->code, open->info1, 0, detail);
    }
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
  memset (out, 0, sizeof *out);
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
    partial[n_partial++] = exit_dur (self, g, g->offset + i);
  for (guint64 i = tail_start; i < last; i++)
    partial[n_partial++] = exit_dur (self, g, g->offset + i);
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
            if (self->bmax[g->block0 + b] <= mid)
              c += BLOCK;
            else if (self->bmin[g->block0 + b] <= mid)
              c += count_block_le (self, g, b, mid);
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

