/* strata-store-summary.c: a row's summary for drawing, built and read
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-store"

#include "config.h"

#include <float.h>
#include <string.h>

#include "strata-store-private.h"
#include "strata-time.h"

#define ACC_SLOTS 8
#define ACC_WHERE_BITS 6
#define ACC_WHERE (1u << ACC_WHERE_BITS)
#define ACC_MANY 0xff

/*
 * For drawing, each row also keeps a pyramid of time buckets: level 0 buckets are a power of
 * two of ns wide, about eight changes each on average; each level above halves their number.
 * A bucket keeps the (state, machine) that held it longest and the machines seen in it, so a
 * pixel column that spans many changes is answered from one to three buckets. Of levels 0
 * and 1 only a bit a bucket is kept (STORE_BIT_LEVELS): a column narrow enough to read them
 * spans few changes, which make its buckets again.
 */

static inline guint32
desc_key (const StrataStateDesc *d)
{
  return d->state | ((guint32) d->machine << 8);
}

static inline guint32
key_of (const StrataStore *store,
        guint32            id)
{
  return desc_key (&store->descs[id]);
}

static inline guint32
machine_bit (guint16 machine)
{
  if (machine == STRATA_NO_MACHINE)
    return 0;
  return 1u << MIN (machine, 31);
}

/* The machine bit of a key, as machine_bit() of its description's machine. */
static inline guint32
key_mask (guint32 key)
{
  return machine_bit ((key >> 8) & 0xffff);
}

/*
 * A bucket's keys as it is built. Per change only a slot's times are added to: the machines
 * seen and the busy time follow from the keys, so they are counted when a key first comes
 * or leaves its slot, and at the end of the bucket.
 */
typedef struct
{
  guint32 key[ACC_SLOTS];
  gint64  dur[ACC_SLOTS];   /* ns */
  guint32 desc[ACC_SLOTS];  /* the longest piece of each key: its description */
  gint64  piece[ACC_SLOTS]; /* and its length */
  guint   n;
  guint   act;              /* bit i: slot i's key is of an activity state */
  guint32 mask;             /* machines of every key seen */
  gint64  busy;             /* ns in activity states of keys no longer in a slot */
  /* By a key's hash, the slots of the keys with that hash: 0 none, 1 + the slot of the only
   * one, or ACC_MANY. Most keys of a bucket are new to it, each a search of every slot
   * without this, in a loop of unforeseeable length. */
  guint8  where[ACC_WHERE];
} Acc;

static inline guint
acc_hash (guint32 key)
{
  return (key * 0x9e3779b1u) >> (32 - ACC_WHERE_BITS);
}

static inline void
acc_init (Acc *acc)
{
  for (guint i = 0; i < acc->n; i++)
    acc->where[acc_hash (acc->key[i])] = 0;
  acc->n = 0;
  acc->act = 0;
  acc->mask = 0;
  acc->busy = 0;
}

/* A first bucket. */
static inline void
acc_start (Acc *acc)
{
  memset (acc->where, 0, sizeof acc->where);
  acc->n = 0;
  acc_init (acc);
}

/* Key @key (of hash @h) has slot @i now. */
static inline void
acc_where_add (Acc    *acc,
               guint   h,
               guint   i)
{
  acc->where[h] = acc->where[h] == 0 ? i + 1 : ACC_MANY;
}

static inline void
acc_slot (Acc     *acc,
          guint    i,
          guint32  id,
          gint64   dur)
{
  acc->dur[i] += dur;
  if (dur > acc->piece[i])
    {
      acc->piece[i] = dur;
      acc->desc[i] = id;
    }
}

/* A key not in a slot when every slot is taken: the shortest one's slot, or none. */
static G_NO_INLINE void
acc_add_full (Acc     *acc,
              guint32  key,
              guint    h,
              guint32  id,
              gint64   dur)
{
  guint i, min = 0;

  /* Many states in one bucket: the shortest is the least likely to dominate. */
  for (i = 1; i < ACC_SLOTS; i++)
    if (acc->dur[i] < acc->dur[min])
      min = i;
  if (dur > acc->dur[min])
    {
      if (strata_state_is_activity (acc->key[min] & 0xff))
        acc->busy += acc->dur[min];
      /* The key that goes leaves its hash's entry, unless it shared it. */
      if (acc->where[acc_hash (acc->key[min])] == min + 1)
        acc->where[acc_hash (acc->key[min])] = 0;
      acc->key[min] = key;
      acc->act = (acc->act & ~(1u << min)) | (guint) strata_state_is_activity (key & 0xff) << min;
      acc_where_add (acc, h, min);
      acc->dur[min] = acc->piece[min] = 0;
      acc_slot (acc, min, id, dur);
    }
  else if (strata_state_is_activity (key & 0xff))
    acc->busy += dur;
}

G_ALWAYS_INLINE static inline void
acc_add (Acc     *acc,
         guint32  key,
         guint32  id,
         gint64   dur)
{
  guint h, w;

  h = acc_hash (key);
  w = acc->where[h];
  if (w != 0 && w != ACC_MANY && acc->key[w - 1] == key)
    {
      acc_slot (acc, w - 1, id, dur);
      return;
    }
  if (w == ACC_MANY)
    for (guint i = 0; i < acc->n; i++)
      if (acc->key[i] == key)
        {
          acc_slot (acc, i, id, dur);
          return;
        }
  acc->mask |= key_mask (key);
  if (G_LIKELY (acc->n < ACC_SLOTS))
    {
      guint i = acc->n++;

      acc->key[i] = key;
      acc->act |= (guint) strata_state_is_activity (key & 0xff) << i;
      acc_where_add (acc, h, i);
      acc->dur[i] = acc->piece[i] = 0;
      acc_slot (acc, i, id, dur);
      return;
    }
  acc_add_full (acc, key, h, id, dur);
}

/* @ns of a bucket @width ns wide, in STORE_BUCKET_UNITs: rounded, or rounded up. */
static inline guint16
to_units (gint64   ns,
          gint64   width,
          gboolean up)
{
  double u = (double) ns / (double) MAX (width, 1) * STORE_BUCKET_UNIT;
  guint t;

  /* As ceil() or round(), then clamped, without a call per bucket: below the unit, the
   * fraction u - t is exact. */
  if (u >= STORE_BUCKET_UNIT)
    return STORE_BUCKET_UNIT;
  if (!(u > 0))
    return 0;
  t = (guint) u;
  if (up ? u - t > 0 : u - t >= 0.5)
    t++;
  return (guint16) t;
}

/* The dominant key of a bucket @width ns wide, with the longest other activity in its top
 * byte: short IRQs and the like that never dominate a pixel still get a mark. */
static StoreBucket
acc_take (Acc    *acc,
          gint64  width)
{
  StoreBucket b = { NO_KEY, acc->mask, 0, 0, 0 };
  guint secondary = 0, secondary_slot = 0;
  gint64 secondary_dur = -1, best = -1, busy = acc->busy;
  guint best_slot = 0;

  /* Durations are not negative: the first slot is taken, and ties go to the first. */
  for (guint i = 0; i < acc->n; i++)
    if (acc->dur[i] > best)
      {
        best = acc->dur[i];
        best_slot = i;
      }
  if (acc->n > 0)
    b.key = acc->key[best_slot];
  for (guint m = acc->act; m != 0; m &= m - 1)
    busy += acc->dur[__builtin_ctz (m)];
  b.busy = to_units (busy, width, TRUE);
  for (guint m = acc->act; m != 0; m &= m - 1)
    {
      guint i = __builtin_ctz (m), state = acc->key[i] & 0xff;

      if (state != (b.key & 0xff) && acc->dur[i] > secondary_dur)
        {
          secondary = state;
          secondary_dur = acc->dur[i];
          secondary_slot = i;
        }
    }
  if (b.key != NO_KEY)
    {
      b.key |= secondary << 24;
      b.dur = to_units (best, width, FALSE);
      /* The description of the activity drawn: the dominant's, or the other activity's when
       * the dominant is idle time (which machine and thread kept the CPU busy). */
      b.desc = acc->desc[!strata_state_is_activity (b.key & 0xff) && secondary != 0 ? secondary_slot : best_slot];
    }
  acc_init (acc);
  return b;
}

guint64
store_pyramid_layout (gint64   begin,
                      gint64   end,
                      guint64  n,
                      gint64  *w0,
                      guint   *n_levels,
                      guint64 *level_len)
{
  gint64 span = MAX (end - begin, 1);
  guint64 total = 0;

  *w0 = 1;
  while (*w0 < span / (gint64) MAX (n / 8, 1))
    *w0 <<= 1;
  level_len[0] = (span + *w0 - 1) / *w0;
  *n_levels = 1;
  for (guint64 len = level_len[0]; len > 1; len = (len + 1) / 2)
    level_len[(*n_levels)++] = (len + 1) / 2;
  for (guint l = 0; l < *n_levels; l++)
    total += level_len[l];
  return total;
}

/* Where level 0's buckets go as they are made: a chunk of them at a time, which flush()
 * turns into the levels kept. */
#define LEVEL0_CHUNK 4096

typedef struct
{
  StoreSummary *sum;
  StoreBucket *chunk;          /* LEVEL0_CHUNK buckets */
  guint64      cb;             /* buckets made */
  guint64      n0;
} Level0;

static void level0_flush (Level0 *out);

G_ALWAYS_INLINE static inline void
level0_emit (Level0      *out,
             StoreBucket  bucket)
{
  out->chunk[out->cb++ % LEVEL0_CHUNK] = bucket;
  if (out->cb % LEVEL0_CHUNK == 0)
    level0_flush (out);
}

/* The piece [@s, @e) of a change, in level 0 from bucket @out->cb on: FALSE once the last
 * bucket is made. */
G_ALWAYS_INLINE static inline gboolean
level0_piece (Acc         *acc,
              guint32      key,
              guint32      id,
              gint64       s,
              gint64       e,
              gint64      *bucket_end,
              Level0      *out,
              gint64       w0)
{
  /* Most changes end inside the bucket they start in. */
  if (e < *bucket_end)
    {
      if (s < e)
        acc_add (acc, key, id, e - s);
      return TRUE;
    }
  while (s < e && out->cb < out->n0)
    {
      gint64 upto = MIN (e, *bucket_end);

      acc_add (acc, key, id, upto - s);
      s = upto;
      if (s == *bucket_end)
        {
          level0_emit (out, acc_take (acc, w0));
          /* Not past the last bucket: that end may not fit in 64 bits. */
          if (out->cb < out->n0)
            *bucket_end += w0;
        }
    }
  return out->cb < out->n0;
}

/* Level 0 of @row's summary: the changes' times per bucket, into @out. */
G_ALWAYS_INLINE static inline void
build_level0 (const StrataStateDesc *descs,
              const guint32         *info,
              gint64                 end,
              const StoreRow        *row,
              Acc                   *acc,
              Level0                *out,
              gboolean               wide)
{
  const gint64 *wide_ts = row->wide, *base = row->base;
  const guint32 *off = row->off;
  gint64 begin = wide ? wide_ts[0] : base[0] + off[0];
  gint64 w0 = out->sum->w0, bucket_end = w0, s = 0;
  guint64 n = row->n, i;

  /* Every change but the last ends where the next begins; the last, at @end. */
  for (i = 0; i + 1 < n; i++)
    {
      gint64 e = (wide ? wide_ts[i + 1] : base[(i + 1) >> STORE_BLOCK_BITS] + off[i + 1]) - begin;
      guint32 id = store_row_id (row, i);
      guint32 key = info ? info[id] : desc_key (&descs[id]);

      if (!level0_piece (acc, key, id, s, e, &bucket_end, out, w0))
        return;
      s = e;
    }
  {
    guint32 id = store_row_id (row, i);
    guint32 key = info ? info[id] : desc_key (&descs[id]);

    level0_piece (acc, key, id, s, end - begin, &bucket_end, out, w0);
  }
}

/* The bucket twice as wide as @a and @b, its halves (@b NULL: past the level's end).
 * Approximate: the dominant of two halves is taken as the longer. Times halve, as the bucket
 * is twice as wide; busy time rounds up. */
static inline StoreBucket
merge_halves (const StoreBucket *a,
              const StoreBucket *b)
{
  static const StoreBucket none = { NO_KEY, 0, 0, 0, 0 };
  StoreBucket u;

  if (b == NULL)
    b = &none;
  if (a->key != NO_KEY && b->key != NO_KEY && (a->key & 0xffffff) == (b->key & 0xffffff))
    u = (StoreBucket) { a->key, 0, a->dur >= b->dur ? a->desc : b->desc, (a->dur + b->dur + 1) / 2, 0 };
  else if (b->key == NO_KEY || (a->key != NO_KEY && a->dur >= b->dur))
    u = (StoreBucket) { a->key, 0, a->desc, (a->dur + 1) / 2, 0 };
  else
    u = (StoreBucket) { b->key, 0, b->desc, (b->dur + 1) / 2, 0 };
  u.mask = a->mask | b->mask;
  u.busy = (a->busy + b->busy + 1) / 2;
  /* Keep a mark of the other half's activity if the winner has none. */
  if (u.key != NO_KEY && (u.key >> 24) == 0)
    {
      const StoreBucket *other = u.key == a->key ? b : a;
      guint sec = other->key == NO_KEY ? 0 : (other->key >> 24) ? (other->key >> 24) : (other->key & 0xff);

      if (strata_state_is_activity (sec) && sec != (u.key & 0xff))
        {
          u.key |= (guint32) sec << 24;
          if (!strata_state_is_activity (u.key & 0xff))
            u.desc = other->desc;
        }
    }
  return u;
}

/* Whether a change lies strictly inside bucket @b: its dominant key held less than all of it
 * (see many_changes()), all that is kept of a bit level's bucket. */
static inline gboolean
bucket_split (const StoreBucket *b)
{
  return b->key != NO_KEY && b->dur < STORE_BUCKET_UNIT;
}

static inline void
set_bit (guint64 *words,
         guint64  i)
{
  words[i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
}

/* Level 0's last chunk of buckets (a whole chunk, but the last): into level 0 itself, or,
 * when the lowest levels are bit levels, into their bits and the buckets of level 2 they
 * make. A chunk is a multiple of four buckets, so that its pairs and pairs of pairs are its
 * own; only the level's last may lack its other half. */
static void
level0_flush (Level0 *out)
{
  StoreSummary *sum = out->sum;
  guint64 first = (out->cb - 1) / LEVEL0_CHUNK * LEVEL0_CHUNK;
  guint64 n = out->cb - first;
  StoreBucket level1[LEVEL0_CHUNK / 2];
  guint64 *bits0, *bits1;
  guint64 n1;

  if (store_bit_levels (sum->n_levels) == 0)
    {
      memcpy (sum->levels[0] + first, out->chunk, n * sizeof (StoreBucket));
      return;
    }
  bits0 = store_summary_level_bits (sum, 0);
  bits1 = store_summary_level_bits (sum, 1);
  n1 = (n + 1) / 2;
  for (guint64 i = 0; i < n; i++)
    if (bucket_split (&out->chunk[i]))
      set_bit (bits0, first + i);
  for (guint64 j = 0; j < n1; j++)
    {
      level1[j] = merge_halves (&out->chunk[2 * j], 2 * j + 1 < n ? &out->chunk[2 * j + 1] : NULL);
      if (bucket_split (&level1[j]))
        set_bit (bits1, first / 2 + j);
    }
  for (guint64 k = 0; k < (n1 + 1) / 2; k++)
    sum->levels[2][first / 4 + k] = merge_halves (&level1[2 * k], 2 * k + 1 < n1 ? &level1[2 * k + 1] : NULL);
}

/* @info: per description, its key, in a compact array: the descriptions themselves are far
 * apart in memory (and 8 times as large: a switch-heavy set has millions). */
StoreSummary *
_strata_store_build_pyramid (const StrataStateDesc *descs,
                             gint64                 end,
                             const guint32         *info,
                             const StoreRow        *row,
                             StrataStoreSpill      *spill,
                             gsize                 *bytes)
{
  guint64 level_len[STORE_MAX_LEVELS];
  g_autofree StoreBucket *chunk = NULL;
  StoreSummary *sum;
  Level0 out;
  gsize size;
  Acc acc;
  gint64 begin, w0;
  guint n_levels;

  if (row->n == 0)
    return store_summary_new (0, 0, NULL);
  begin = store_row_ts (row, 0);
  store_pyramid_layout (begin, end, row->n, &w0, &n_levels, level_len);
  sum = store_summary_new (w0, n_levels, level_len);
  size = store_pyramid_size (n_levels, level_len, NULL);
  /* A row that spilled puts its summary in the spill too. */
  if (spill != NULL && (row->storage == STORE_SPILL || store_spill_wants (spill, size)))
    {
      sum->pyramid = store_spill_alloc (spill, size);
      sum->storage = STORE_SPILL;
    }
  if (sum->pyramid == NULL)
    {
      sum->pyramid = g_malloc (size);
      sum->storage = STORE_HEAP;
    }
  store_summary_set_levels (sum);
  /* Bits are set, never cleared. */
  for (guint l = 0; l < store_bit_levels (n_levels); l++)
    memset (sum->levels[l], 0, (level_len[l] + 63) / 64 * sizeof (guint64));

  chunk = g_new (StoreBucket, MIN (level_len[0], LEVEL0_CHUNK));
  out = (Level0) { sum, chunk, 0, level_len[0] };
  acc_start (&acc);
  /* One copy of the loop per layout of the times and per source of the keys. */
  if (row->base == NULL)
    info ? build_level0 (NULL, info, end, row, &acc, &out, TRUE)
         : build_level0 (descs, NULL, end, row, &acc, &out, TRUE);
  else
    info ? build_level0 (NULL, info, end, row, &acc, &out, FALSE)
         : build_level0 (descs, NULL, end, row, &acc, &out, FALSE);
  while (out.cb < out.n0)
    level0_emit (&out, acc_take (&acc, w0));
  if (out.cb % LEVEL0_CHUNK != 0)
    level0_flush (&out);

  for (guint l = store_bit_levels (n_levels) ? STORE_BIT_LEVELS + 1 : 1; l < n_levels; l++)
    {
      const StoreBucket *below = sum->levels[l - 1];

      for (guint64 i = 0; i < level_len[l]; i++)
        sum->levels[l][i] = merge_halves (&below[2 * i], 2 * i + 1 < level_len[l - 1] ? &below[2 * i + 1] : NULL);
    }
  *bytes += size;
  return sum;
}

typedef struct
{
  StrataStore      *store;
  StrataStoreSpill *spill;     /* the builder's */
  guint32          *info;      /* see _strata_store_build_pyramid() */
  guint            *order;     /* the rows to summarize, largest first */
  guint             n_rows;
  gint              next;
  gsize             memory;
} PyramidJob;

static gpointer
pyramid_worker (gpointer data)
{
  PyramidJob *job = data;
  gsize memory = 0;
  gint i;

  while ((i = g_atomic_int_add (&job->next, 1)) < (gint) job->n_rows)
    {
      StoreRow *row = g_ptr_array_index (job->store->rows, job->order[i]);

      row->summary = _strata_store_build_pyramid (job->store->descs, job->store->end, job->info, row, job->spill,
                                                  &memory);
    }
  g_atomic_pointer_add (&job->memory, memory);
  return NULL;
}

static int
compare_row_size (gconstpointer a,
                  gconstpointer b,
                  gpointer      data)
{
  const StrataStore *store = data;
  guint64 na = ((StoreRow *) g_ptr_array_index (store->rows, *(const guint *) a))->n;
  guint64 nb = ((StoreRow *) g_ptr_array_index (store->rows, *(const guint *) b))->n;

  return na < nb ? 1 : na > nb ? -1 : 0;
}

/* Rows are independent: their pyramids are built on every core, largest rows first. */
void
_strata_store_build_pyramids (StrataStore      *store,
                              StrataStoreSpill *spill,
                              StrataStoreFunc   alongside,
                              gpointer          user_data)
{
  PyramidJob job = { store, spill, NULL, g_new (guint, MAX (store->rows->len, 1)), 0, 0, 0 };
  guint n_threads = MIN (g_get_num_processors (), 8);
  GThread *threads[8];

  /* Thread rows are not drawn by the resources view: theirs wait until asked for. Most
   * others were summarized as their model or fusion ended: the keys of every description
   * (12 MB for a switch-heavy set's millions) are made only for the rest, and only those are
   * put in order (not a switch-heavy set's hundreds of thousands of thread rows). */
  for (guint r = 0; r < store->rows->len; r++)
    {
      const StoreRow *row = g_ptr_array_index (store->rows, r);

      if (row->kind != STRATA_ROW_THREAD && row->summary == NULL)
        job.order[job.n_rows++] = r;
      if (job.info == NULL && row->kind != STRATA_ROW_THREAD && row->summary == NULL && row->n > 0)
        {
          job.info = g_new (guint32, MAX (store->n_descs, 1));
          for (guint d = 0; d < store->n_descs; d++)
            job.info[d] = key_of (store, d);
        }
    }
  g_qsort_with_data (job.order, job.n_rows, sizeof (guint), compare_row_size, store);
  for (guint t = 1; t < n_threads; t++)
    threads[t] = g_thread_new ("strata-pyramid", pyramid_worker, &job);
  if (alongside != NULL)
    alongside (store, user_data);
  pyramid_worker (&job);
  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
  store->memory += job.memory;
  g_free (job.order);
  g_free (job.info);
}
/* First index >= @lo whose change is at or after @ts: galloping, since pixels go left to right. */
static guint64
gallop_ge (const StoreRow *row,
           guint64         lo,
           gint64          ts)
{
  guint64 step = 1, hi;

  if (lo >= row->n || store_row_ts (row, lo) >= ts)
    return lo;
  while (lo + step < row->n && store_row_ts (row, lo + step) < ts)
    {
      lo += step;
      step <<= 1;
    }
  hi = MIN (lo + step, row->n);
  lo++;
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (store_row_ts (row, mid) < ts)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Bucket @i of level 0 of @row's summary, made again from the row's changes as
 * _strata_store_build_pyramid() made it: each change's piece inside it, in order. */
static StoreBucket
level0_bucket (const StrataStore *store,
               const StoreRow    *row,
               guint64            i)
{
  gint64 begin = store_row_ts (row, 0);
  gint64 w0 = row->summary->w0;
  gint64 bs = (gint64) i * w0;
  gint64 be = bs > G_MAXINT64 - w0 ? G_MAXINT64 : bs + w0;
  Acc acc;

  acc_start (&acc);
  for (gint64 k = MAX (store_row_find_le (row, begin + bs), 0); (guint64) k < row->n; k++)
    {
      gint64 s = store_row_ts (row, k) - begin;
      gint64 e = (guint64) k + 1 < row->n ? store_row_ts (row, k + 1) - begin : store->end - begin;

      if (s >= be)
        break;
      if (MAX (s, bs) < MIN (e, be))
        {
          guint32 id = store_row_id (row, k);

          acc_add (&acc, key_of (store, id), id, MIN (e, be) - MAX (s, bs));
        }
    }
  return acc_take (&acc, w0);
}

/* Bucket @i of @level of @row's summary: kept, or, on a bit level, made again. */
static StoreBucket
row_bucket (const StrataStore *store,
            const StoreRow    *row,
            guint              level,
            guint64            i)
{
  const StoreSummary *sum = row->summary;
  StoreBucket a, b;

  if (level >= store_bit_levels (sum->n_levels))
    return sum->levels[level][i];
  if (level == 0)
    return level0_bucket (store, row, i);
  g_assert (level == 1);
  a = level0_bucket (store, row, 2 * i);
  if (2 * i + 1 >= sum->level_len[0])
    return merge_halves (&a, NULL);
  b = level0_bucket (store, row, 2 * i + 1);
  return merge_halves (&a, &b);
}

/* A pixel column [@a, @b) of many changes, from the summary's buckets; @cur, the last change
 * at or before @a, names its description only where no bucket has one (it may be -1 when
 * one has). A column narrower than four buckets of level 0 takes them from one of the bit
 * levels: it spans few changes, which make those buckets again. */
static void
summarize_buckets (const StrataStore *store,
                   const StoreRow    *row,
                   gint64             a,
                   gint64             b,
                   gint64             cur,
                   StrataPixel       *px)
{
  const StoreSummary *sum = row->summary;
  gint64 begin = store_row_ts (row, 0);
  guint level = 0;
  gint64 wl = sum->w0;
  StoreBucket best = { NO_KEY, 0, 0, 0, 0 };
  double best_dur = -1, busy = 0;
  gboolean any_busy = FALSE;
  guint32 mask = 0;

  while (level + 1 < sum->n_levels && wl * 2 <= b - a)
    {
      wl *= 2;
      level++;
    }
  for (guint64 bi = (a - begin) / wl; bi <= (guint64) ((b - 1 - begin) / wl) && bi < sum->level_len[level]; bi++)
    {
      StoreBucket bk = row_bucket (store, row, level, bi);
      gint64 bs = begin + (gint64) bi * wl;
      double overlap = (double) (MIN (b, bs + wl) - MAX (a, bs)) / wl;

      mask |= bk.mask;
      /* Each bucket's busy time taken as spread evenly over it. */
      busy += overlap * bk.busy;
      any_busy |= bk.busy > 0;
      if (bk.key != NO_KEY && bk.dur * overlap > best_dur)
        {
          best = bk;
          best_dur = bk.dur * overlap;
        }
    }
  px->desc_id = best.key == NO_KEY ? store_row_id (row, MAX (cur, 0)) : best.desc;
  px->state = best.key == NO_KEY ? STRATA_STATE_UNKNOWN : (best.key & 0xff);
  px->machine = best.key == NO_KEY ? STRATA_NO_MACHINE : ((best.key >> 8) & 0xffff);
  px->secondary = best.key == NO_KEY ? 0 : best.key >> 24;
  px->machine_mask = mask;
  px->busy = (float) (busy * wl / STORE_BUCKET_UNIT / (double) (b - a));
  /* Activity in a bucket the column barely overlaps still shows. */
  if (any_busy && px->busy <= 0)
    px->busy = FLT_MIN;
  px->changes = 2;
}

/* Whether the summary shows that [@a, @b) holds three changes or more, with no look at the
 * row's own arrays: a pixel column that spans many changes is then drawn from the summary
 * alone, and a whole-set frame of a saved store touches its summaries' pages only.
 *
 * A bucket whose dominant key held less than all of it saw another key, so a change lies
 * strictly inside it: at level 0, since its time is rounded to the nearest unit; above, as
 * either its halves' dominant keys differ or one half is such a bucket (a sum rounded up
 * stays short of the whole only then). The last bucket of a level may be partly past the
 * end or padded, and proves nothing. Three such buckets inside the column are three
 * changes. */
static gboolean
many_changes (const StoreRow *row,
              gint64          a,
              gint64          b)
{
  const StoreSummary *sum = row->summary;
  gint64 begin = store_row_ts (row, 0);
  gint64 wl = sum->w0;
  guint level = 0, found = 0;
  guint64 first, last;

  /* The widest buckets of which at least three fit inside (divided, not multiplied: the
   * first level's buckets may be as wide as the time range). */
  if ((b - a) / 4 < wl)
    return FALSE;
  while (level + 1 < sum->n_levels && wl <= (b - a) / 8)
    {
      wl *= 2;
      level++;
    }
  first = (guint64) ((a - begin + wl - 1) / wl);
  last = (guint64) ((b - begin) / wl);         /* past the last whole bucket */
  last = MIN (last, sum->level_len[level] - 1);
  if (level < store_bit_levels (sum->n_levels))
    {
      const guint64 *bits = store_summary_level_bits (sum, level);

      for (guint64 bi = first; bi < last && found < 3; bi++)
        found += (bits[bi / 64] >> (bi % 64)) & 1;
      return found >= 3;
    }
  for (guint64 bi = first; bi < last && found < 3; bi++)
    if (bucket_split (&sum->levels[level][bi]))
      found++;
  return found >= 3;
}

void
strata_store_summarize (StrataStore *self,
                        guint        row_index,
                        gint64       from,
                        gint64       to,
                        guint        n_pixels,
                        StrataPixel *pixels)
{
  StoreRow *row = g_ptr_array_index (self->rows, row_index);
  double width;
  gint64 cur = -1;
  gboolean read_row = FALSE;

  g_return_if_fail (n_pixels > 0);

  /* Rows hold times of the time range only: outside it there is nothing to find, and inside
   * it the arithmetic below cannot overflow. */
  from = strata_time_clamp (from);
  to = strata_time_clamp (to);
  memset (pixels, 0, n_pixels * sizeof *pixels);
  if (row->n == 0 || to <= from)
    return;
  if (g_once_init_enter (&row->summary))
    {
      gsize bytes = 0;
      /* A thread row, or a saved one: no longer a builder's, so from the heap. */
      StoreSummary *sum = _strata_store_build_pyramid (self->descs, self->end, NULL, row, NULL, &bytes);

      g_atomic_pointer_add (&self->memory, bytes);
      g_once_init_leave (&row->summary, sum);
    }
  width = (double) (to - from) / n_pixels;

  for (guint p = 0; p < n_pixels; p++)
    {
      StrataPixel *px = &pixels[p];
      gint64 a = from + (gint64) (p * width);
      gint64 b = p + 1 == n_pixels ? to : from + (gint64) ((p + 1) * width);
      guint64 k;

      if (b <= a)
        b = a + 1;
      if (b <= store_row_ts (row, 0) || a >= self->end)
        continue;
      a = MAX (a, store_row_ts (row, 0));
      b = MIN (b, self->end);
      if (many_changes (row, a, b))
        {
          summarize_buckets (self, row, a, b, cur, px);
          px->busy = CLAMP (px->busy, 0.f, 1.f);
          /* The next column finds its first change afresh. */
          cur = -1;
          continue;
        }
      read_row = TRUE;
      if (cur < 0 || store_row_ts (row, cur) > a)
        cur = store_row_find_le (row, a);
      else if (cur + 1 < (gint64) row->n && store_row_ts (row, cur + 1) <= a)
        cur = (gint64) gallop_ge (row, cur, a + 1) - 1;
      k = gallop_ge (row, cur + 1, b);

      if (k - cur <= 3)
        {
          /* A few pieces: exact, without the accumulator's bookkeeping. */
          guint32 keys[3], ids[3];
          gint64 durs[3], pieces[3], busy = 0;
          guint n = 0, best = 0, second = 0;
          gint64 second_dur = -1;

          px->machine_mask = 0;
          for (guint64 i = cur; i < k; i++)
            {
              gint64 s = MAX (store_row_ts (row, i), a);
              gint64 e = MIN (i + 1 < row->n ? store_row_ts (row, i + 1) : self->end, b);
              const StrataStateDesc *d = &self->descs[store_row_id (row, i)];
              guint32 key = desc_key (d);
              guint j;

              px->machine_mask |= machine_bit (d->machine);
              if (strata_state_is_activity (d->state))
                busy += e - s;
              for (j = 0; j < n && keys[j] != key; j++)
                ;
              if (j == n)
                {
                  keys[n] = key;
                  durs[n] = pieces[n] = 0;
                  n++;
                }
              durs[j] += e - s;
              if (e - s > pieces[j] || pieces[j] == 0)
                {
                  pieces[j] = e - s;
                  ids[j] = store_row_id (row, i);
                }
            }
          for (guint j = 1; j < n; j++)
            if (durs[j] > durs[best])
              best = j;
          for (guint j = 0; j < n; j++)
            {
              guint state = keys[j] & 0xff;

              if (strata_state_is_activity (state) && state != (keys[best] & 0xff) && durs[j] > second_dur)
                {
                  second = j;
                  second_dur = durs[j];
                }
            }
          px->state = keys[best] & 0xff;
          px->machine = (keys[best] >> 8) & 0xffff;
          px->secondary = second_dur >= 0 ? keys[second] & 0xff : 0;
          px->busy = (float) ((double) busy / (double) (b - a));
          if (k - cur == 1)
            px->desc_id = store_row_id (row, cur);
          else
            px->desc_id = ids[!strata_state_is_activity (px->state) && px->secondary != 0 ? second : best];
          px->changes = k - cur == 1 ? 1 : 2;
        }
      else
        summarize_buckets (self, row, a, b, cur, px);
      px->busy = CLAMP (px->busy, 0.f, 1.f);
      /* Zoomed in, one interval covers many columns: those inside it are this one again. */
      if (k - cur == 1)
        {
          gint64 next = k < row->n ? store_row_ts (row, k) : self->end;

          while (next > b && p + 1 < n_pixels)
            {
              guint q = p + 1;
              gint64 qa = from + (gint64) (q * width);
              gint64 qb = q + 1 == n_pixels ? to : from + (gint64) ((q + 1) * width);

              if (qb <= qa)
                qb = qa + 1;
              if (qb >= next || qb > self->end)
                break;
              pixels[q] = *px;
              p = q;
            }
        }
      cur = (k < row->n && store_row_ts (row, k) == b) ? (gint64) k : (gint64) k - 1;
    }
  /* A few reads of a saved row may map much of it (the page cache maps large folios whole):
   * counted as read whole, so that the mapping's pages are given back every so often, as
   * when the store was checked, and a frame of many rows does not keep them all. */
  if (read_row && row->storage == STORE_MAPPED && self->file != NULL)
    strata_section_file_read (self->file, row->n * ((store_row_is_wide (row) ? sizeof (gint64) : sizeof (guint32)) +
                                                    sizeof (guint32)));
}
