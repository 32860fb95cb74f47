/* strata-store-private.h: the builder's rows, for the analysis's hottest loop
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <string.h>

#include "strata-section-file.h"
#include "strata-store.h"

G_BEGIN_DECLS

/*
 * Only the store's files (strata-store.c, -row.c, -fixup.c, -summary.c, -file.c) and the
 * analysis include this: setting a row's state is what the analysis does most (tens of
 * millions of times on a large set), and a call per change costs more than the common case
 * itself, which strata_store_builder_set_id_fast() inlines.
 */

/* One bucket of a row's summary. Times are in 65535ths of the bucket's width, so that a
 * bucket is 16 bytes; busy is rounded up, so that activity of any length leaves a mark. */
typedef struct
{
  guint32 key;           /* dominant: state | machine << 8 | longest other activity << 24;
                          * NO_KEY: nothing */
  guint32 mask;          /* bit m: machine m appears (bit 31: machine 31 or above) */
  guint32 desc;          /* the description that held the activity drawn longest: the
                          * dominant key's, or the other activity's when it dominates idle */
  guint16 dur;           /* time held by key's (state, machine) */
  guint16 busy;          /* time in an activity state (not idle, blocked or unknown) */
} StoreBucket;

#define STORE_BUCKET_UNIT 65535
#define NO_KEY G_MAXUINT32

/* What a row's ids are besides their mode. */
typedef enum
{
  STORE_PALETTE_MAPPED = 1 << 0, /* its palette is in a mapped file, not its own */
  STORE_PALETTE_BLOCK  = 1 << 2, /* its palette is in its builder's (or store's) blocks of
                                  * names: its own, but not freed alone */
  STORE_IDS_MANY       = 1 << 1, /* ids (24- or 32-bit) that name too many descriptions for a
                                  * palette */
  STORE_PALETTE_SHARED = 1 << 3, /* with BLOCK: other rows of its builder have that palette
                                  * too; its builder, not the row, renumbers it */
} StoreIdFlags;

/* Where a row's arrays (or its summary's buckets) live. */
typedef enum
{
  STORE_HEAP,            /* owned, from malloc */
  STORE_SPILL,           /* owned, in the builder's spill file */
  STORE_MAPPED,          /* not owned: in a mapped file, which the store keeps alive */
  STORE_PACKED,          /* in its builder's (then its store's) blocks, never freed alone:
                          * a finished row, exactly its size (store_row_pack()); to change
                          * size or the width of its times or ids, it moves back to the heap */
  STORE_HEAP_APART,      /* owned, from malloc, its arrays apart: a large row, whose arrays
                          * each grow and shrink where they are (a mapped block's pages are
                          * remapped, not copied), while one allocation's would move within
                          * it */
} StoreStorage;

/* A row's summary for drawing (strata-store-summary.c), made when the row is first
 * summarized: most thread rows never are. One allocation, its levels' lengths and pointers
 * after it. */
typedef struct
{
  gint64         w0;           /* level-0 bucket width, ns */
  StoreBucket   *pyramid;      /* every level's buckets or bits (STORE_BIT_LEVELS) */
  StoreBucket  **levels;       /* into pyramid: each level's buckets, or bits */
  guint64       *level_len;
  guint8         n_levels;     /* at most STORE_MAX_LEVELS; 0: a row of no changes */
  guint8         storage;      /* StoreStorage of pyramid */
} StoreSummary;

typedef struct
{
  /* What adding a change reads, first. Times: a 64-bit base per block of STORE_BLOCK
   * changes and a 32-bit offset per change, 4 bytes less a change than plain times. A row
   * whose block would span more than 4.29 s (a sparse row: cheap anyway) switches to plain
   * 64-bit times in `wide`, in place of its offsets, and has no bases: see
   * store_row_is_wide(). */
  gint64        *base;
  union {
    guint32     *off;
    gint64      *wide;
  };
  gpointer       ids;          /* read through store_row_id(): 16 bits a change but in
                                * STRATA_IDS_24 and STRATA_IDS_32 */
  /* Two words: a row of a trillion changes (STORE_ROW_MAX) would need terabytes, and a
   * switch-heavy set has hundreds of thousands of rows, 8 bytes less each. */
  guint64        n        : 40;
  guint64        id_mode  : 4; /* StrataIdMode */
  guint64        id_flags : 4; /* StoreIdFlags */
  guint64        storage  : 4; /* StoreStorage of base, off (or wide) and ids */
  guint64        kind     : 4; /* StrataRowKind */
  guint64        name_tid : 1; /* a thread row named PREFIX "thread/" TID: its name is only
                                * the PREFIX, which the machine's thread rows share, and its
                                * number is the TID (store_row_name_len()) */
  guint64        cap      : 40;
  guint64        machine  : 16;
  char          *name;
  gint64         number;
  StoreSummary  *summary;      /* g_once: NULL until the row is summarized */
  guint32       *palette;      /* how many descriptions the row names, then those: what
                                * STORE_IDS_PALETTE ids index (the row's own, or in a mapped
                                * file); of a saved row of other ids, found while they were
                                * checked; else NULL */
} StoreRow;

/* A switch-heavy set has hundreds of thousands of thread rows: what only some rows need is
 * elsewhere (their summary, their builder's spill). A builder's rows lie in blocks of their
 * own (row_alloc()), so that rows written by different threads share no cache line. */
G_STATIC_ASSERT (sizeof (StoreRow) == 72);

#define STORE_ROW_MAX ((G_GUINT64_CONSTANT (1) << 40) - 1)

/* What the row's 4-bit fields hold. */
G_STATIC_ASSERT (STRATA_IDS_24 < 16 && STORE_HEAP_APART < 16 && STRATA_ROW_THREAD < 16 &&
                 (STORE_PALETTE_MAPPED | STORE_PALETTE_BLOCK | STORE_IDS_MANY | STORE_PALETTE_SHARED) < 16);

#define STORE_BLOCK_BITS 8
#define STORE_BLOCK (1u << STORE_BLOCK_BITS)

/* Whether @row's times are plain 64-bit ones, in `wide`: it has them but no bases. A row of
 * offsets has bases whenever it has offsets, so of a row with changes, no bases says it. */
static inline gboolean
store_row_is_wide (const StoreRow *row)
{
  return row->base == NULL && row->wide != NULL;
}

static inline gint64
store_row_ts (const StoreRow *row,
              guint64         i)
{
  return row->base == NULL ? row->wide[i] : row->base[i >> STORE_BLOCK_BITS] + row->off[i];
}

/* The description id of change @i of @row: every reader of a row's ids goes through here. */
static inline guint32
store_row_id (const StoreRow *row,
              guint64         i)
{
  return strata_ids_get (row->ids, row->id_mode, row->palette, i);
}

static inline gsize
store_row_id_size (const StoreRow *row)
{
  if (row->id_mode == STRATA_IDS_32)
    return sizeof (guint32);
  return row->id_mode == STRATA_IDS_24 ? 3 : sizeof (guint16);
}

/* Whether @row's ids are the descriptions' own in more than 16 bits: what
 * store_row_compact_ids() makes smaller. */
static inline gboolean
store_row_ids_wide (const StoreRow *row)
{
  return row->id_mode == STRATA_IDS_32 || row->id_mode == STRATA_IDS_24;
}

/* Whether @row's ids, as they are, can hold @id: a palette's cannot hold a new one. */
static inline gboolean
store_row_ids_fit (const StoreRow *row,
                   guint32         id)
{
  if (row->id_mode == STRATA_IDS_16)
    return id <= G_MAXUINT16;
  if (row->id_mode == STRATA_IDS_24)
    return id <= STRATA_IDS_24_MAX;
  return row->id_mode == STRATA_IDS_32;
}

/*
 * A summary's two lowest levels, when it has more than two, keep one bit a bucket: whether a
 * change lies strictly inside it, all that is read of them (many_changes() in
 * strata-store-summary.c), since a pixel column read from buckets takes them from level 2 up.
 * They are three quarters of a summary's buckets. A summary's bytes are its bucket levels'
 * buckets, lowest level first, then its bit levels' 64-bit words, lowest first; `levels`
 * points to each level's, whichever they are.
 */
#define STORE_BIT_LEVELS 2

static inline guint
store_bit_levels (guint n_levels)
{
  return n_levels > STORE_BIT_LEVELS ? STORE_BIT_LEVELS : 0;
}

/* The bytes of a summary of @n_levels levels of @level_len buckets; @n_buckets (if not NULL):
 * how many of them are kept as buckets. */
static inline gsize
store_pyramid_size (guint          n_levels,
                    const guint64 *level_len,
                    guint64       *n_buckets)
{
  guint bit_levels = store_bit_levels (n_levels);
  guint64 buckets = 0, words = 0;

  for (guint l = 0; l < n_levels; l++)
    {
      if (l < bit_levels)
        words += (level_len[l] + 63) / 64;
      else
        buckets += level_len[l];
    }
  if (n_buckets != NULL)
    *n_buckets = buckets;
  return buckets * sizeof (StoreBucket) + words * sizeof (guint64);
}

/* The words of bit level @l of summary @s. */
static inline guint64 *
store_summary_level_bits (const StoreSummary *s,
                          guint               l)
{
  return (guint64 *) s->levels[l];
}

/* A summary of @n_levels levels of @level_len buckets, its bytes not yet made. */
static inline StoreSummary *
store_summary_new (gint64         w0,
                   guint          n_levels,
                   const guint64 *level_len)
{
  StoreSummary *s = g_malloc0 (sizeof (StoreSummary) + n_levels * (sizeof (guint64) + sizeof (StoreBucket *)));

  s->w0 = w0;
  s->n_levels = (guint8) n_levels;
  s->level_len = (guint64 *) (s + 1);
  s->levels = (StoreBucket **) (s->level_len + n_levels);
  if (n_levels > 0)
    memcpy (s->level_len, level_len, n_levels * sizeof (guint64));
  return s;
}

/* Points @s's levels into its bytes, @s->pyramid, after its layout. */
static inline void
store_summary_set_levels (StoreSummary *s)
{
  guint bit_levels = store_bit_levels (s->n_levels);
  guint8 *p = (guint8 *) s->pyramid;

  for (guint l = bit_levels; l < s->n_levels; l++)
    {
      s->levels[l] = (StoreBucket *) p;
      p += s->level_len[l] * sizeof (StoreBucket);
    }
  for (guint l = 0; l < bit_levels; l++)
    {
      s->levels[l] = (StoreBucket *) p;
      p += (s->level_len[l] + 63) / 64 * sizeof (guint64);
    }
}

/* The bytes of @row's summary, 0 when it has none (yet). */
static inline gsize
store_row_pyramid_bytes (const StoreRow *row)
{
  const StoreSummary *s = row->summary;

  return s != NULL && s->n_levels > 0 ? store_pyramid_size (s->n_levels, s->level_len, NULL) : 0;
}

/* Index of the last change at or before @ts, or -1. A block's base is its first change's
 * time: the bases find the block, so that a search reads one block of a row's times (a page
 * of a saved store) besides them, not a page at each step. */
static inline gint64
store_row_find_le (const StoreRow *row,
                   gint64          ts)
{
  guint64 lo = 0, hi = row->n;

  if (row->base != NULL && row->n > STORE_BLOCK)
    {
      guint64 blo = 0, bhi = (row->n + STORE_BLOCK - 1) >> STORE_BLOCK_BITS;

      while (blo < bhi)
        {
          guint64 mid = blo + (bhi - blo) / 2;

          if (row->base[mid] <= ts)
            blo = mid + 1;
          else
            bhi = mid;
        }
      /* Block blo - 1 is the last to start at or before @ts. */
      if (blo == 0)
        return -1;
      lo = (blo - 1) << STORE_BLOCK_BITS;
      hi = MIN (blo << STORE_BLOCK_BITS, row->n);
    }
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (store_row_ts (row, mid) <= ts)
        lo = mid + 1;
      else
        hi = mid;
    }
  return (gint64) lo - 1;
}

/* A description's hash, little mixed, and equality: for tables of descriptions. */
static inline guint
store_desc_hash (gconstpointer p)
{
  const StrataStateDesc *d = p;

  return d->state ^ (d->machine << 5) ^ ((guint) d->vcpu * 31u) ^ ((guint) d->tid * 2654435761u) ^
         (d->comm * 40503u) ^ ((guint) d->host_tid * 97u) ^
         ((guint) d->irq * 769u) ^ (d->detail * 2246822519u);
}

static inline gboolean
store_desc_equal (gconstpointer a,
                  gconstpointer b)
{
  return memcmp (a, b, sizeof (StrataStateDesc)) == 0;
}

/* Most changes reuse a handful of descriptions: a small direct-mapped cache in front of the
 * hash table halves the cost of interning. */
#define STORE_DESC_CACHE_SIZE 4096

typedef struct
{
  StrataStateDesc desc;
  guint32         id;
} StoreDescCacheEntry;

struct _StrataStoreBuilder
{
  StrataStoreSpill *spill;
  StoreDescCacheEntry *cache;       /* id G_MAXUINT32: empty */
  GPtrArray  *rows;            /* StoreRow* */
  GPtrArray  *blocks;          /* where rows and their names lie (row_alloc()) */
  StoreRow   *rows_next;       /* free room in the last block of rows */
  StoreRow   *rows_end;
  char       *names_next;      /* and in the last block of names */
  char       *names_end;
  const char *thread_prefix;   /* in its blocks: the PREFIX of the last thread row added */
  gsize       thread_prefix_len;
  GPtrArray  *aliases;         /* char* name, then GUINT_TO_POINTER (row), in pairs */
  GPtrArray  *shared_palettes; /* guint32*, in its blocks: the STORE_PALETTE_SHARED ones */
  StrataStateDesc *descs;
  guint32     n_descs;
  guint32     descs_cap;
  /* Open addressing over descs: id + 1 by hash, 0 empty, linear probing, at most three
   * quarters full. A description is kept once, in descs: 11 bytes of index a description at
   * most, against a hash table's node and private key copy. */
  guint32    *index;
  guint32     index_mask;
};

struct _StrataStore
{
  GPtrArray         *rows;
  gpointer           row_block;  /* a read store's rows, all in one allocation, or NULL */
  GPtrArray         *blocks;     /* a built store's rows and their names, or NULL */
  /* Rows and aliases by name: open addressing, at most three quarters full (a slot passed
   * over costs a read of its entry's hash, not of its name); a slot holds 0 (empty),
   * r + 1 for row r or n_rows + 1 + a for alias a. 4 bytes a slot, against a hash table's
   * 20, and filled after a saved store is read, beside its first frame. The hash of each entry's
   * name spares comparing names, each a read of a row and of its name elsewhere. */
  gint              *names;
  guint32            names_mask;
  guint32           *name_hashes;
  GThread           *names_thread; /* filling names, or NULL */
  GMutex             names_lock;   /* of names_thread */
  gint               names_ready;
  /* Rows whose name is not kept whole (name_tid) are not in names: found through
   * thread_index, their tids and rows sorted (tid << 32 | row), made at their first lookup;
   * their whole names are made only when asked for, in derived_names (by row). */
  GMutex             derived_lock;
  guint64           *thread_index;
  guint              n_thread_index;
  GHashTable        *derived_names;
  GArray            *pcpu_rows;  /* gint: the rows of kind pcpu, in row order */
  GArray            *shown_rows; /* gint: the rows of kinds other than thread, in row order */
  GPtrArray         *aliases;    /* as in the builder */
  StrataStateDesc   *descs;
  guint              n_descs;
  gboolean           descs_mapped;
  gint64             begin;
  gint64             end;
  guint64            n_changes;
  gsize              memory;
  StrataStoreSpill  *spill;      /* where spilled rows lie, or NULL */
  StrataSectionFile *file;       /* where mapped rows lie, or NULL */
};

/* The spill file (strata-store-file.c). alloc() gives NULL when the file cannot grow: the
 * caller then uses the heap. heap_budget() says whether a row of @bytes on the heap should
 * move to the spill: large rows always do, and all rows once the heap holds enough. */
gpointer store_spill_alloc       (StrataStoreSpill *spill,
                                  gsize             bytes);
void     store_spill_free        (StrataStoreSpill *spill,
                                  gpointer          p);
void     store_spill_trim        (StrataStoreSpill *spill,
                                  gpointer          p,
                                  gsize             used);
gboolean store_spill_wants       (StrataStoreSpill *spill,
                                  gsize             bytes);
void     store_spill_heap_add    (StrataStoreSpill *spill,
                                  gssize            bytes);

/* The shape of a row's summary: level 0's bucket width and every level's length (at most
 * STORE_MAX_LEVELS); returns the number of buckets of all levels. */
#define STORE_MAX_LEVELS 64
guint64  store_pyramid_layout    (gint64            begin,
                                  gint64            end,
                                  guint64           n,
                                  gint64           *w0,
                                  guint            *n_levels,
                                  guint64          *level_len);

/* Where store_row_remap_ids() puts a palette it makes: @keep (@owner, @size) gives @size
 * bytes, 4-byte aligned, that @owner keeps as long as the row (the palette is then
 * STORE_PALETTE_BLOCK), and @build, of STORE_PALETTE_BUILD words, holds it while it is made:
 * no allocation of its own, which for the few descriptions a thread row names would cost
 * half as much again, nor the heap's holes that making one would leave. */
#define STORE_PALETTE_BUILD (1 + (G_MAXUINT16 + 1) + (G_MAXUINT16 + 1) / 2)

typedef struct
{
  gpointer (*keep) (gpointer owner,
                    gsize    size);
  gpointer   owner;
  guint32   *build;
  /* Or NULL: the palettes kept so far, by their contents; one alike is shared
   * (STORE_PALETTE_SHARED), and each kept is added to @shared_list. */
  GHashTable *shared;
  GPtrArray  *shared_list;
} StorePaletteRoom;

/* A row's change arrays (strata-store-row.c). @spill: its builder's (which holds the rows of
 * STORE_SPILL and counts the others' heap bytes), or NULL when it has none or the row is no
 * longer the builder's (see row_let_go()). bytes(): as allocated; heap_bytes(): of them,
 * what the heap holds, and heap_changed() counts its change since @before in the spill's
 * budget. free_arrays() leaves an empty heap row; free_palette() lets the row's palette go
 * (freed if it is its own allocation); resize() gives room for @cap changes
 * (moving a row to the spill or back as its budget says); push() appends a change; pack()
 * moves a finished heap row's arrays to @room, store_row_packed_size() bytes aligned to 8,
 * which its builder owns (STORE_PACKED). The ids:
 * widen_ids() makes them 32-bit (_to(): of a mode given; _for(): as narrow as holds an id),
 * compact_ids() gives a row of wide ids a palette or else 24-bit ids (see its comment for
 * @scratch), remap_ids() renumbers them by @map. */
gsize    store_row_bytes         (const StoreRow   *row);
gsize    store_row_heap_bytes    (const StoreRow   *row);
void     store_row_heap_changed  (StoreRow         *row,
                                  StrataStoreSpill *spill,
                                  gsize             before);
void     store_row_free_arrays   (StoreRow         *row,
                                  StrataStoreSpill *spill);
void     store_row_free_palette  (StoreRow         *row);
void     store_row_free_pyramid  (StoreRow         *row,
                                  StrataStoreSpill *spill);
void     store_row_resize        (StoreRow         *row,
                                  StrataStoreSpill *spill,
                                  guint64           cap);
gboolean store_row_try_reserve   (StoreRow         *row,
                                  guint64           cap);
gsize    store_row_packed_size   (const StoreRow   *row);
void     store_row_pack          (StoreRow         *row,
                                  gpointer          room);
void     store_row_widen_ids     (StoreRow         *row,
                                  StrataStoreSpill *spill);
void     store_row_widen_ids_to  (StoreRow         *row,
                                  StrataStoreSpill *spill,
                                  guint8            id_mode);
void     store_row_widen_ids_for (StoreRow         *row,
                                  StrataStoreSpill *spill,
                                  guint32           id);
void     store_row_remap_pyramid (StoreRow         *row,
                                  const guint32    *map);
void     store_row_compact_ids   (StoreRow         *row,
                                  StrataStoreSpill *spill,
                                  guint32          *scratch);
/* Gives @row a copy of @palette kept in @room (see StorePaletteRoom), its own freed. */
void     store_row_keep_palette  (StoreRow         *row,
                                  StorePaletteRoom *room,
                                  const guint32    *palette);
void     store_row_remap_ids     (StoreRow         *row,
                                  StrataStoreSpill *spill,
                                  const guint32    *map,
                                  gboolean          small,
                                  guint32          *scratch,
                                  StorePaletteRoom *room);

/* Sets id @i of @ids, of a mode other than STRATA_IDS_PALETTE, to @id, which it holds. */
static inline void
store_ids_put (gpointer ids,
               guint8   id_mode,
               guint64  i,
               guint32  id)
{
  if (id_mode == STRATA_IDS_16)
    ((guint16 *) ids)[i] = (guint16) id;
  else if (id_mode == STRATA_IDS_24)
    {
      guint8 *p = (guint8 *) ids + 3 * i;

      p[0] = (guint8) id;
      p[1] = (guint8) (id >> 8);
      p[2] = (guint8) (id >> 16);
    }
  else
    ((guint32 *) ids)[i] = id;
}

/* Sets change @i's id: a row of 16- or 24-bit ids widens first when @id needs it, to 24
 * bits when that is enough. */
static inline void
store_row_put_id (StoreRow         *row,
                  StrataStoreSpill *spill,
                  guint64           i,
                  guint32           id)
{
  if (!store_row_ids_fit (row, id))
    store_row_widen_ids_for (row, spill, id);
  store_ids_put (row->ids, row->id_mode, i, id);
}

/* Indexes row @r once it is in @self (its kind, for strata_store_pcpu_rows() and
 * strata_store_shown_rows()). */
void     _strata_store_note_row       (StrataStore           *self,
                                       guint                  r);
/* The index of names: init() sizes it for @self's rows and aliases; add() enters row r
 * (@entry r + 1) or alias a (n_rows + 1 + a), from any thread once the row's name is set.
 * Of two entries of one name, the greater is found, as a later insertion into a hash table
 * would be. index_later() enters every row and alias on a thread of its own, which the
 * first lookup waits for. */
void     _strata_store_names_init     (StrataStore           *self);
void     _strata_store_names_add      (StrataStore           *self,
                                       guint32                entry);
void     _strata_store_names_later    (StrataStore           *self);
/* Frees the index of names and what finds thread rows (strata-store-names.c). */
void     _strata_store_names_clear    (StrataStore           *self);
/* Whether @name is PREFIX "thread/" @number, @number a tid written as a kernel's: then
 * *@prefix_len is the length of PREFIX, all a thread row keeps of its name. */
gboolean store_thread_name_prefix     (const char            *name,
                                       gint64                 number,
                                       gsize                 *prefix_len);
/* A row's name: its length without the NUL, and written whole into @out (that length and
 * one more). */
gsize    store_row_name_len           (const StoreRow        *row);
void     store_row_name_write         (const StoreRow        *row,
                                       char                  *out);
/* Frees what @row owns: its arrays and summary (not its own memory nor its name). */
void     store_row_clear              (StoreRow              *row,
                                       StrataStoreSpill      *spill);

/* Rows' summaries (strata-store-summary.c): _strata_store_build_pyramid() builds @row's
 * summary (not yet its own; in @spill, the row's builder's, when it wants it) and adds its
 * bytes to @bytes; _strata_store_build_pyramids() builds those of every row of @store but
 * thread rows, on every core while @alongside runs, and counts them in the store's memory. */
StoreSummary *_strata_store_build_pyramid (const StrataStateDesc *descs,
                                           gint64                 end,
                                           const guint32         *info,
                                           const StoreRow        *row,
                                           StrataStoreSpill      *spill,
                                           gsize                 *bytes);
void     _strata_store_build_pyramids (StrataStore           *store,
                                       StrataStoreSpill      *spill,
                                       StrataStoreFunc        alongside,
                                       gpointer               user_data);

void strata_store_row_push            (StoreRow           *row,
                                       StrataStoreSpill   *spill,
                                       gint64              ts,
                                       guint32             id);
void strata_store_builder_set_id_slow (StrataStoreBuilder *self,
                                       StoreRow           *row,
                                       gint64              ts,
                                       guint32             id);

/* strata_store_builder_set_id(), with its common case inline: a change after the last one,
 * with room, inside the current block, of an id the row's ids hold as they are. */
G_ALWAYS_INLINE static inline void
strata_store_builder_set_id_fast (StrataStoreBuilder *self,
                                  guint               row_index,
                                  gint64              ts,
                                  guint32             id)
{
  StoreRow *row = g_ptr_array_index (self->rows, row_index);
  guint64 n = row->n;
  guint8 mode = row->id_mode;
  gboolean narrow = mode == STRATA_IDS_16;

  if (G_LIKELY (n > 0 && row->base != NULL && n < row->cap && (n & (STORE_BLOCK - 1)) != 0 &&
                (narrow ? id <= G_MAXUINT16 : mode == STRATA_IDS_24 ? id <= STRATA_IDS_24_MAX : mode == STRATA_IDS_32)))
    {
      gint64 base = row->base[n >> STORE_BLOCK_BITS];
      guint32 last = narrow ? ((const guint16 *) row->ids)[n - 1] : strata_ids_get (row->ids, mode, NULL, n - 1);

      if (last == id)
        return;
      if (G_LIKELY (ts > base + row->off[n - 1] && (guint64) (ts - base) <= G_MAXUINT32))
        {
          row->off[n] = (guint32) (ts - base);
          store_ids_put (row->ids, mode, n, id);
          row->n = n + 1;
          return;
        }
    }
  strata_store_builder_set_id_slow (self, row, ts, id);
}

G_END_DECLS
