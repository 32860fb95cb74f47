/* strata-store-row.c: a row's change arrays, wherever they live
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-store"

#include "config.h"

#include <string.h>

#include "strata-memory.h"
#include "strata-store-private.h"

/*
 * A row's arrays are on the heap, in the builder's spill file, in its blocks once packed, or
 * in a mapped file (see StoreStorage). Only the heap and the spill own theirs; the heap's
 * share of a spilling builder is counted, so that rows move to the spill once the heap holds
 * enough.
 *
 * On the heap, a row's arrays are one allocation: its bases (or wide times) first, then its
 * offsets, then its ids, so that growing or widening the ids never moves the rest. A
 * switch-heavy set's hundreds of thousands of short thread rows pay one allocation's
 * overhead each, not three. A large row's (STORE_APART_BYTES) are three: growing one
 * allocation would move its offsets and ids within it each time, and shrinking it at the
 * end once more, where three mapped blocks are each remapped, their pages not copied.
 */

static gpointer
storage_alloc (StrataStoreSpill *spill,
               guint8            storage,
               gsize             bytes)
{
  if (storage == STORE_SPILL)
    return store_spill_alloc (spill, bytes);
  return g_malloc (bytes);
}

static void
storage_free (StrataStoreSpill *spill,
              guint8            storage,
              gpointer          p)
{
  if (p == NULL)
    return;
  if (storage == STORE_HEAP || storage == STORE_HEAP_APART)
    g_free (p);
  else if (storage == STORE_SPILL)
    store_spill_free (spill, p);
}

static guint64
row_blocks (guint64 cap)
{
  return (cap + STORE_BLOCK - 1) / STORE_BLOCK + 1;
}

/* Where a heap row's offsets and ids start in its allocation, and its size. */
static gsize
heap_off_at (guint64 cap)
{
  return row_blocks (cap) * sizeof (gint64);
}

static gsize
heap_ids_at (gboolean wide,
             guint64  cap)
{
  return wide ? MAX (cap, 1) * sizeof (gint64) : heap_off_at (cap) + MAX (cap, 1) * sizeof (guint32);
}

static gsize
heap_size (gboolean wide,
           guint64  cap,
           gsize    id_size)
{
  return heap_ids_at (wide, cap) + MAX (cap, 1) * id_size;
}

/* A heap row's allocation, or NULL. */
static guint8 *
heap_start (const StoreRow *row)
{
  return store_row_is_wide (row) ? (guint8 *) row->wide : (guint8 *) row->base;
}

static void
heap_point (StoreRow *row,
            guint8   *p,
            gboolean  wide,
            guint64   cap)
{
  if (wide)
    {
      row->base = NULL;
      row->wide = (gint64 *) p;
    }
  else
    {
      row->base = (gint64 *) p;
      row->off = (guint32 *) (p + heap_off_at (cap));
    }
  row->ids = p + heap_ids_at (wide, cap);
}

/* Frees @row's arrays, whatever holds them, leaving its fields as they are. */
static void
row_arrays_free (StoreRow         *row,
                 StrataStoreSpill *spill)
{
  if (row->storage == STORE_HEAP)
    {
      g_free (heap_start (row));
      return;
    }
  /* Of a wide row, its times are in `off`'s place. */
  storage_free (spill, row->storage, row->base);
  storage_free (spill, row->storage, row->off);
  storage_free (spill, row->storage, row->ids);
}

/* The bytes of @row's arrays as allocated. */
gsize
store_row_bytes (const StoreRow *row)
{
  guint64 cap = MAX (row->cap, 1);

  if (row->ids == NULL)
    return 0;
  if (store_row_is_wide (row))
    return cap * (store_row_id_size (row) + sizeof (gint64));
  return cap * (store_row_id_size (row) + sizeof (guint32)) + row_blocks (row->cap) * sizeof (gint64);
}

gsize
store_row_heap_bytes (const StoreRow *row)
{
  return row->storage == STORE_HEAP || row->storage == STORE_HEAP_APART ? store_row_bytes (row) : 0;
}

void
store_row_heap_changed (StoreRow         *row,
                        StrataStoreSpill *spill,
                        gsize             before)
{
  if (spill != NULL)
    store_spill_heap_add (spill, (gssize) store_row_heap_bytes (row) - (gssize) before);
}

void
store_row_free_arrays (StoreRow         *row,
                       StrataStoreSpill *spill)
{
  gsize before = store_row_heap_bytes (row);

  row_arrays_free (row, spill);
  store_row_free_palette (row);
  row->base = NULL;
  row->off = NULL;
  row->ids = NULL;
  row->id_flags = 0;
  row->id_mode = STRATA_IDS_16;
  row->n = row->cap = 0;
  store_row_heap_changed (row, spill, before);
  row->storage = STORE_HEAP;
}

void
store_row_free_palette (StoreRow *row)
{
  if (!(row->id_flags & (STORE_PALETTE_MAPPED | STORE_PALETTE_BLOCK)))
    g_free (row->palette);
  row->palette = NULL;
  row->id_flags &= ~(STORE_PALETTE_MAPPED | STORE_PALETTE_BLOCK | STORE_PALETTE_SHARED);
}

void
store_row_free_pyramid (StoreRow         *row,
                        StrataStoreSpill *spill)
{
  StoreSummary *sum = g_steal_pointer (&row->summary);

  if (sum == NULL)
    return;
  storage_free (spill, sum->storage, sum->pyramid);
  g_free (sum);
}

/* Gives @row arrays of @cap changes in @storage, keeping its changes. FALSE, with nothing
 * changed, when the spill cannot hold them. */
static gboolean
row_relocate (StoreRow         *row,
              StrataStoreSpill *spill,
              guint8            storage,
              guint64           cap)
{
  guint64 keep = MIN (row->n, cap);
  gboolean wide = store_row_is_wide (row);
  gsize time_size = wide ? sizeof (gint64) : sizeof (guint32);
  gsize id_size = store_row_id_size (row);
  gsize before = store_row_heap_bytes (row);
  guint8 *ids, *times, *base = NULL;

  cap = CLAMP (cap, 1, STORE_ROW_MAX);
  if (storage == STORE_HEAP)
    {
      guint8 *p = g_malloc (heap_size (wide, cap, id_size));

      ids = p + heap_ids_at (wide, cap);
      times = wide ? p : p + heap_off_at (cap);
      base = wide ? NULL : p;
    }
  else
    {
      ids = storage_alloc (spill, storage, cap * id_size);
      times = storage_alloc (spill, storage, cap * time_size);
      if (!wide)
        base = storage_alloc (spill, storage, row_blocks (cap) * sizeof (gint64));
    }
  if (ids == NULL || times == NULL || (!wide && base == NULL))
    {
      storage_free (spill, storage, ids);
      storage_free (spill, storage, times);
      storage_free (spill, storage, base);
      return FALSE;
    }
  if (keep > 0)
    {
      memcpy (ids, row->ids, keep * id_size);
      memcpy (times, row->off, keep * time_size);
      if (base != NULL)
        memcpy (base, row->base, ((keep + STORE_BLOCK - 1) / STORE_BLOCK) * sizeof (gint64));
    }
  if (row->storage == STORE_HEAP || row->storage == STORE_HEAP_APART)
    strata_memory_freed (before);
  row_arrays_free (row, spill);
  row->ids = ids;
  row->off = (guint32 *) times;
  row->base = (gint64 *) base;
  row->n = keep;
  row->cap = cap;
  row->storage = storage;
  store_row_heap_changed (row, spill, before);
  return TRUE;
}

/* Plain 64-bit times from now on: for a row too sparse for 32-bit offsets. */
static void
row_make_wide (StoreRow         *row,
               StrataStoreSpill *spill)
{
  gsize before = store_row_heap_bytes (row);
  gint64 *wide = NULL;

  if (row->storage == STORE_PACKED)
    {
      row_relocate (row, spill, STORE_HEAP, row->cap);
      before = store_row_heap_bytes (row);
    }
  if (row->storage == STORE_SPILL)
    {
      wide = store_spill_alloc (spill, MAX (row->cap, 1) * sizeof (gint64));
      if (wide == NULL)
        {
          /* The spill is full: the heap takes the row. */
          row_relocate (row, spill, STORE_HEAP, row->cap);
          before = store_row_heap_bytes (row);
        }
    }
  else if (row->storage == STORE_HEAP_APART)
    wide = g_new (gint64, MAX (row->cap, 1));
  if (row->storage == STORE_HEAP)
    {
      gsize id_size = store_row_id_size (row);
      guint8 *p = g_malloc (heap_size (TRUE, row->cap, id_size));

      for (guint64 i = 0; i < row->n; i++)
        ((gint64 *) p)[i] = store_row_ts (row, i);
      memcpy (p + heap_ids_at (TRUE, row->cap), row->ids, row->n * id_size);
      g_free (heap_start (row));
      heap_point (row, p, TRUE, row->cap);
      store_row_heap_changed (row, spill, before);
      return;
    }
  for (guint64 i = 0; i < row->n; i++)
    wide[i] = store_row_ts (row, i);
  storage_free (spill, row->storage, g_steal_pointer (&row->base));
  storage_free (spill, row->storage, row->off);
  row->wide = wide;
  store_row_heap_changed (row, spill, before);
}

/* Gives a heap row room for @cap changes of @id_size ids (its ids' bytes kept as they are),
 * in place when it can: the parts move within the allocation, the offsets and ids up before
 * or down after it changes size. */
static void
row_heap_resize (StoreRow *row,
                 guint64   cap,
                 gsize     id_size)
{
  gboolean wide = store_row_is_wide (row);
  gsize old_size = store_row_id_size (row);
  gsize off_from = heap_off_at (row->cap), ids_from = heap_ids_at (wide, row->cap);
  gsize off_to = heap_off_at (cap), ids_to = heap_ids_at (wide, cap);
  gsize keep = MIN (row->n, cap);
  guint8 *p = heap_start (row);
  gsize room = heap_size (wide, cap, MAX (id_size, old_size));

  if (p == NULL)
    keep = 0;
  if (ids_to < ids_from)
    {
      if (!wide)
        memmove (p + off_to, p + off_from, keep * sizeof (guint32));
      memmove (p + ids_to, p + ids_from, keep * old_size);
    }
  if (p == NULL || room != heap_size (wide, row->cap, old_size))
    {
      guintptr was = (guintptr) p;

      p = g_realloc (p, room);
      if (was != 0 && (guintptr) p != was)
        strata_memory_freed (heap_size (wide, row->cap, old_size));
    }
  if (ids_to > ids_from)
    {
      memmove (p + ids_to, p + ids_from, keep * old_size);
      if (!wide)
        memmove (p + off_to, p + off_from, keep * sizeof (guint32));
    }
  if (id_size < old_size)
    p = g_realloc (p, heap_size (wide, cap, id_size));
  heap_point (row, p, wide, cap);
  row->cap = cap;
}

/* A heap row this large has its arrays apart (STORE_HEAP_APART). */
#define STORE_APART_BYTES (1u << 20)

/* Gives a row of STORE_HEAP_APART room for @cap changes: each array resized where it is. */
static void
row_apart_resize (StoreRow *row,
                  guint64   cap)
{
  gboolean wide = store_row_is_wide (row);

  cap = MAX (cap, 1);
  row->n = MIN (row->n, cap);
  row->ids = g_realloc (row->ids, cap * store_row_id_size (row));
  /* Of a wide row, its times are in `off`'s place. */
  row->off = g_realloc (row->off, cap * (wide ? sizeof (gint64) : sizeof (guint32)));
  if (!wide)
    row->base = g_renew (gint64, row->base, row_blocks (cap));
  row->cap = cap;
}

/* Room for ids of @id_size bytes in a heap row of either storage, its ids kept where they are:
 * the allocation's last part, or one of their own. */
static void
row_heap_ids_resize (StoreRow *row,
                     gsize     id_size)
{
  if (row->storage == STORE_HEAP)
    row_heap_resize (row, row->cap, id_size);
  else
    row->ids = g_realloc (row->ids, MAX (row->cap, 1) * id_size);
}

void
store_row_resize (StoreRow         *row,
                  StrataStoreSpill *spill,
                  guint64           cap)
{
  gsize before = store_row_heap_bytes (row);

  /* Terabytes, which no set reaches: but a count is never let wrap. */
  if (G_UNLIKELY (cap > STORE_ROW_MAX))
    g_error ("a row of more than %" G_GUINT64_FORMAT " changes", STORE_ROW_MAX);
  if (row->storage == STORE_PACKED)
    {
      row_relocate (row, spill, STORE_HEAP, cap);
      return;
    }
  if ((row->storage == STORE_HEAP || row->storage == STORE_HEAP_APART) && spill != NULL && cap > row->cap &&
      store_spill_wants (spill, store_row_bytes (row) +
                         (cap - (guint64) row->cap) * (store_row_id_size (row) + sizeof (guint32))))
    {
      /* Spilled rows grow by doubling: each move is a copy, not a remap. */
      if (row_relocate (row, spill, STORE_SPILL, MAX (cap, 2 * (guint64) row->cap)))
        return;
    }
  else if (row->storage == STORE_SPILL)
    {
      if (cap <= row->cap)
        {
          /* Shrinking: the pages past the end go back to the file system. */
          store_spill_trim (spill, row->ids, row->n * store_row_id_size (row));
          store_spill_trim (spill, row->off,
                            row->n * (store_row_is_wide (row) ? sizeof (gint64) : sizeof (guint32)));
          row->cap = MAX (cap, row->n);
          return;
        }
      if (row_relocate (row, spill, STORE_SPILL, MAX (cap, 2 * (guint64) row->cap)) ||
          row_relocate (row, spill, STORE_HEAP, cap))
        return;
      g_error ("out of memory for a row of %" G_GUINT64_FORMAT " changes", cap);
    }
  if (row->storage == STORE_HEAP && cap > row->cap &&
      heap_size (store_row_is_wide (row), cap, store_row_id_size (row)) >= STORE_APART_BYTES)
    {
      /* Moved once, so that it never moves again. */
      row_relocate (row, spill, STORE_HEAP_APART, cap);
      return;
    }
  if (row->storage == STORE_HEAP_APART)
    row_apart_resize (row, cap);
  else
    row_heap_resize (row, cap, store_row_id_size (row));
  store_row_heap_changed (row, spill, before);
}

/* Room for @cap changes in a heap row of none yet, of a builder that spills nothing, made at
 * once, when the address space has it (under a strict overcommit policy it may not): FALSE,
 * and nothing changed, if not. */
gboolean
store_row_try_reserve (StoreRow *row,
                       guint64   cap)
{
  gpointer base, off, ids;

  if (row->storage != STORE_HEAP || row->n > 0 || cap <= row->cap || cap > STORE_ROW_MAX)
    return FALSE;
  /* Its arrays apart, as for any large row: what it does not use goes at its end without a
   * move. */
  base = g_try_malloc (row_blocks (cap) * sizeof (gint64));
  off = g_try_malloc (cap * sizeof (guint32));
  ids = g_try_malloc (cap * store_row_id_size (row));
  if (base == NULL || off == NULL || ids == NULL)
    {
      g_free (base);
      g_free (off);
      g_free (ids);
      return FALSE;
    }
  g_free (heap_start (row));
  row->base = base;
  row->off = off;
  row->ids = ids;
  row->cap = cap;
  row->storage = STORE_HEAP_APART;
  return TRUE;
}

/* A packed row's layout: its bases (none if wide), then its times, then its ids; no block
 * base kept for growth. */
static void
packed_layout (const StoreRow *row,
               gsize          *bases,
               gsize          *time_size)
{
  *time_size = store_row_is_wide (row) ? sizeof (gint64) : sizeof (guint32);
  *bases = store_row_is_wide (row) ? 0 : (row->n + STORE_BLOCK - 1) / STORE_BLOCK;
}

gsize
store_row_packed_size (const StoreRow *row)
{
  gsize bases, time_size;

  packed_layout (row, &bases, &time_size);
  return bases * sizeof (gint64) + row->n * time_size + ((row->n * store_row_id_size (row) + 7) & ~(gsize) 7);
}

void
store_row_pack (StoreRow *row,
                gpointer  room)
{
  gsize bases, time_size;
  guint8 *p = room;

  g_return_if_fail (row->storage == STORE_HEAP && row->n > 0);

  packed_layout (row, &bases, &time_size);
  if (bases > 0)
    memcpy (p, row->base, bases * sizeof (gint64));
  memcpy (p + bases * sizeof (gint64), row->off, row->n * time_size);
  memcpy (p + bases * sizeof (gint64) + row->n * time_size, row->ids, row->n * store_row_id_size (row));
  g_free (heap_start (row));
  row->base = bases > 0 ? (gint64 *) p : NULL;
  row->off = (guint32 *) (p + bases * sizeof (gint64));
  row->ids = p + bases * sizeof (gint64) + row->n * time_size;
  row->cap = row->n;
  row->storage = STORE_PACKED;
}

/* Ids of @id_mode (STRATA_IDS_24 or STRATA_IDS_32, holding every id of the row) from now
 * on: for a row given an id its ids cannot hold, or one whose palette would have to change. */
void
store_row_widen_ids_to (StoreRow         *row,
                        StrataStoreSpill *spill,
                        guint8            id_mode)
{
  gsize before = store_row_heap_bytes (row);
  gsize size = id_mode == STRATA_IDS_32 ? sizeof (guint32) : 3;
  guint8 *ids;

  if (row->storage == STORE_PACKED)
    {
      row_relocate (row, spill, STORE_HEAP, row->cap);
      before = store_row_heap_bytes (row);
    }
  ids = NULL;
  if (row->ids != NULL && row->storage == STORE_SPILL)
    {
      ids = store_spill_alloc (spill, MAX (row->cap, 1) * size);
      if (ids == NULL)
        {
          /* The spill is full: the heap takes the row. */
          row_relocate (row, spill, STORE_HEAP, row->cap);
          before = store_row_heap_bytes (row);
        }
    }
  if (row->ids != NULL && (row->storage == STORE_HEAP || row->storage == STORE_HEAP_APART))
    {
      /* They widen in place, from the last. */
      row_heap_ids_resize (row, size);
      for (guint64 i = row->n; i-- > 0;)
        store_ids_put (row->ids, id_mode, i, store_row_id (row, i));
    }
  else if (ids != NULL)
    {
      for (guint64 i = 0; i < row->n; i++)
        store_ids_put (ids, id_mode, i, store_row_id (row, i));
      store_spill_free (spill, row->ids);
      row->ids = ids;
    }
  store_row_free_palette (row);
  row->id_mode = id_mode;
  store_row_heap_changed (row, spill, before);
}

void
store_row_widen_ids (StoreRow         *row,
                     StrataStoreSpill *spill)
{
  store_row_widen_ids_to (row, spill, STRATA_IDS_32);
}

/* Ids that hold @id and every id of @row, as narrow as can be. */
void
store_row_widen_ids_for (StoreRow         *row,
                         StrataStoreSpill *spill,
                         guint32           id)
{
  guint32 max = id;

  if (row->id_mode == STRATA_IDS_PALETTE)
    for (guint32 k = 0; k < row->palette[0]; k++)
      max = MAX (max, row->palette[1 + k]);
  store_row_widen_ids_to (row, spill, row->id_mode != STRATA_IDS_32 && max <= STRATA_IDS_24_MAX ? STRATA_IDS_24 : STRATA_IDS_32);
}

/* Narrows a row's ids, once made @id_size bytes each at the start of their array, to that
 * size. */
static void
row_ids_shrunk (StoreRow         *row,
                StrataStoreSpill *spill,
                gsize             id_size)
{
  /* A packed row keeps its bytes: it changes size no more. */
  if (row->storage == STORE_HEAP || row->storage == STORE_HEAP_APART)
    row_heap_ids_resize (row, id_size);
  else if (row->storage == STORE_SPILL)
    store_spill_trim (spill, row->ids, row->n * id_size);
}

/* A row of 32-bit ids that names too many descriptions for a palette gets 24-bit ids, in
 * place, when every one fits: the pCPU rows of a switch-heavy set name millions. */
static void
row_ids_pack24 (StoreRow         *row,
                StrataStoreSpill *spill)
{
  guint8 *bytes = row->ids;
  const guint32 *ids = row->ids;
  guint32 max = 0;
  gsize before;

  for (guint64 i = 0; i < row->n; i++)
    max = MAX (max, ids[i]);
  if (max > STRATA_IDS_24_MAX)
    return;
  /* Each 3-byte id lands below the 4-byte ones still to be read. */
  for (guint64 i = 0; i < row->n; i++)
    {
      guint32 v;

      memcpy (&v, bytes + i * sizeof v, sizeof v);
      bytes[3 * i] = (guint8) v;
      bytes[3 * i + 1] = (guint8) (v >> 8);
      bytes[3 * i + 2] = (guint8) (v >> 16);
    }
  before = store_row_heap_bytes (row);
  row_ids_shrunk (row, spill, 3);
  row->id_mode = STRATA_IDS_24;
  store_row_heap_changed (row, spill, before);
}

/* A row of 24- or 32-bit ids gets a palette of the descriptions it names and 16-bit ids
 * into it, in place, or when it names more than 65,536 (and is not tried again), 24-bit ids
 * if they fit. @scratch: per description of the row's builder, 0 (and so left); unused (may
 * be NULL) for a row of STORE_IDS_MANY. */
void
store_row_compact_ids (StoreRow         *row,
                       StrataStoreSpill *spill,
                       guint32          *scratch)
{
  guint8 *bytes = row->ids;
  guint32 *palette;
  guint32 n_palette = 0;
  gsize before;
  guint64 i;

  if ((row->id_mode != STRATA_IDS_32 && row->id_mode != STRATA_IDS_24) || row->n == 0 ||
      row->storage == STORE_MAPPED)
    return;
  if (row->id_flags & STORE_IDS_MANY)
    {
      if (row->id_mode == STRATA_IDS_32)
        row_ids_pack24 (row, spill);
      return;
    }
  palette = g_new (guint32, 1 + MIN (row->n, G_MAXUINT16 + 1));
  /* Each 16-bit index lands below the wider ids still to be read. */
  for (i = 0; i < row->n; i++)
    {
      guint32 id = store_row_id (row, i), l = scratch[id];
      guint16 w;

      if (l == 0)
        {
          if (n_palette == G_MAXUINT16 + 1)
            break;
          palette[1 + n_palette] = id;
          l = scratch[id] = ++n_palette;
        }
      w = (guint16) (l - 1);
      memcpy (bytes + i * sizeof w, &w, sizeof w);
    }
  for (guint32 k = 0; k < n_palette; k++)
    scratch[palette[1 + k]] = 0;
  if (i < row->n)
    {
      /* Too many: the row keeps its ids (each back in place from the last, above the
       * indexes still to be read), and is not tried again. */
      for (guint64 j = i; j-- > 0;)
        {
          guint16 w;

          memcpy (&w, bytes + j * sizeof w, sizeof w);
          store_ids_put (bytes, row->id_mode, j, palette[1 + w]);
        }
      g_free (palette);
      row->id_flags |= STORE_IDS_MANY;
      if (row->id_mode == STRATA_IDS_32)
        row_ids_pack24 (row, spill);
      return;
    }
  before = store_row_heap_bytes (row);
  row_ids_shrunk (row, spill, sizeof (guint16));
  palette[0] = n_palette;
  row->palette = g_renew (guint32, palette, 1 + n_palette);
  row->id_flags = 0;
  row->id_mode = STRATA_IDS_PALETTE;
  store_row_heap_changed (row, spill, before);
}

void
store_row_keep_palette (StoreRow         *row,
                        StorePaletteRoom *room,
                        const guint32    *palette)
{
  guint32 *kept = room->shared != NULL ? g_hash_table_lookup (room->shared, palette) : NULL;

  if (kept == NULL)
    {
      gsize bytes = (1 + palette[0]) * sizeof (guint32);

      kept = memcpy (room->keep (room->owner, bytes), palette, bytes);
      if (room->shared != NULL)
        {
          g_hash_table_add (room->shared, kept);
          g_ptr_array_add (room->shared_list, kept);
        }
    }
  /* @palette may be the row's own, freed here once copied. */
  if (row->palette != kept)
    store_row_free_palette (row);
  row->palette = kept;
  row->id_flags |= STORE_PALETTE_BLOCK | (room->shared != NULL ? STORE_PALETTE_SHARED : 0);
}

/* Renumbers @row's descriptions by @map, which keeps distinct ones distinct. @scratch: 65,536
 * zeros (and so left); @small: whether @map keeps every id below 65,536 there; @room: where a
 * palette it makes goes, or NULL (the heap). */
void
store_row_remap_ids (StoreRow         *row,
                     StrataStoreSpill *spill,
                     const guint32    *map,
                     gboolean          small,
                     guint32          *scratch,
                     StorePaletteRoom *room)
{
  if (row->id_mode == STRATA_IDS_32)
    {
      guint32 *ids = row->ids;

      for (guint64 i = 0; i < row->n; i++)
        ids[i] = map[ids[i]];
    }
  else if (row->id_mode == STRATA_IDS_24)
    {
      guint32 max = 0;

      for (guint64 i = 0; i < row->n; i++)
        max = MAX (max, map[store_row_id (row, i)]);
      if (max > STRATA_IDS_24_MAX)
        store_row_widen_ids (row, spill), store_row_remap_ids (row, spill, map, small, scratch, room);
      else
        for (guint64 i = 0; i < row->n; i++)
          store_row_put_id (row, spill, i, map[store_row_id (row, i)]);
    }
  else if (row->id_mode == STRATA_IDS_PALETTE)
    {
      if (row->id_flags & STORE_PALETTE_MAPPED)
        store_row_widen_ids (row, spill), store_row_remap_ids (row, spill, map, small, scratch, room);
      else if (!(row->id_flags & STORE_PALETTE_SHARED))
        for (guint32 k = 0; k < row->palette[0]; k++)
          row->palette[1 + k] = map[row->palette[1 + k]];
    }
  else if (small)
    {
      guint16 *ids = row->ids;

      for (guint64 i = 0; i < row->n; i++)
        ids[i] = (guint16) map[ids[i]];
    }
  else if (row->n > 0)
    {
      /* Renumbered past 16 bits: the row's own palette, of at most 65,536, made in @room's
       * buffer, or else in one of its own. */
      guint16 *ids = row->ids;
      guint64 most = MIN (row->n, G_MAXUINT16 + 1);
      g_autofree guint32 *own = room ? NULL : g_new (guint32, 1 + most + (most + 1) / 2);
      guint32 *palette = room ? room->build : own;
      guint16 *old = (guint16 *) (palette + 1 + most);
      guint32 n_palette = 0;

      for (guint64 i = 0; i < row->n; i++)
        {
          guint32 l = scratch[ids[i]];

          if (l == 0)
            {
              old[n_palette] = ids[i];
              palette[1 + n_palette] = map[ids[i]];
              l = scratch[ids[i]] = ++n_palette;
            }
          ids[i] = (guint16) (l - 1);
        }
      for (guint32 k = 0; k < n_palette; k++)
        scratch[old[k]] = 0;
      palette[0] = n_palette;
      store_row_free_palette (row);
      if (room != NULL)
        store_row_keep_palette (row, room, palette);
      else
        row->palette = g_memdup2 (palette, (1 + n_palette) * sizeof (guint32));
      row->id_mode = STRATA_IDS_PALETTE;
    }
}

void
strata_store_row_push (StoreRow         *row,
                       StrataStoreSpill *spill,
                       gint64            ts,
                       guint32           id)
{
  guint64 n = row->n;

  if (!store_row_ids_fit (row, id))
    store_row_widen_ids_for (row, spill, id);
  if (n == row->cap)
    {
      /* In 64 bits: sums of 40-bit fields wrap at 2^40. Past STORE_ROW_MAX, resize() stops. */
      guint64 cap = row->cap;

      store_row_resize (row, spill, cap == STORE_ROW_MAX ? cap + 1 : MAX (16, MIN (cap + cap / 2, STORE_ROW_MAX)));
    }
  if (row->base != NULL)
    {
      if ((n & (STORE_BLOCK - 1)) == 0)
        row->base[n >> STORE_BLOCK_BITS] = ts;
      else if ((guint64) (ts - row->base[n >> STORE_BLOCK_BITS]) > G_MAXUINT32)
        row_make_wide (row, spill);
    }
  if (row->base == NULL)
    row->wide[n] = ts;
  else
    row->off[n] = (guint32) (ts - row->base[n >> STORE_BLOCK_BITS]);
  store_row_put_id (row, spill, n, id);
  row->n = n + 1;
}

/* A row summarized before its descriptions were renumbered: its buckets name them too. */
void
store_row_remap_pyramid (StoreRow      *row,
                         const guint32 *map)
{
  StoreSummary *sum = row->summary;
  guint64 total;

  if (sum == NULL || sum->pyramid == NULL)
    return;
  /* The buckets come first; bits name no description. */
  store_pyramid_size (sum->n_levels, sum->level_len, &total);
  for (guint64 i = 0; i < total; i++)
    if (sum->pyramid[i].key != NO_KEY)
      sum->pyramid[i].desc = map[sum->pyramid[i].desc];
}
