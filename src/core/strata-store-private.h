/* strata-store-private.h: the builder's rows, for the analysis's hottest loop
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-store.h"

G_BEGIN_DECLS

/*
 * Only strata-store.c and the analysis include this: setting a row's state is what the
 * analysis does most (tens of millions of times on a large set), and a call per change costs
 * more than the common case itself, which strata_store_builder_set_id_fast() inlines.
 */

typedef struct
{
  guint32 key;           /* state | machine << 8; NO_KEY: nothing */
  float   dur;           /* ns held by key */
  guint32 mask;
} StoreBucket;

typedef struct
{
  char          *name;
  StrataRowKind  kind;
  guint16        machine;
  gint64         number;
  /* Times: a 64-bit base per block of STORE_BLOCK changes and a 32-bit offset per change, 4 bytes
   * less a change than plain times. A row whose block would span more than 4.29 s (a sparse
   * row: cheap anyway) switches to plain 64-bit times in `wide`. */
  gint64        *base;
  guint32       *off;
  gint64        *wide;
  guint32       *ids;
  guint64        n;
  guint64        cap;
  gsize          pyramid_ready; /* g_once: thread rows get theirs when first summarized */
  gsize          pyramid_memory; /* of one built before finish() */
  gint64         w0;           /* level-0 bucket width, ns */
  guint          n_levels;
  StoreBucket       **levels;
  guint64       *level_len;
} __attribute__ ((aligned (64))) StoreRow;   /* rows of different threads share no cache line */

#define STORE_BLOCK_BITS 8
#define STORE_BLOCK (1u << STORE_BLOCK_BITS)

static inline gint64
store_row_ts (const StoreRow *row,
              guint64         i)
{
  return row->wide ? row->wide[i] : row->base[i >> STORE_BLOCK_BITS] + row->off[i];
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
  StoreDescCacheEntry *cache;       /* id G_MAXUINT32: empty */
  GPtrArray  *rows;            /* StoreRow* */
  GPtrArray  *aliases;         /* char* name, then GUINT_TO_POINTER (row), in pairs */
  GArray     *descs;           /* StrataStateDesc */
  GHashTable *desc_index;      /* StrataStateDesc* (in a private copy) -> id + 1 */
};

void strata_store_row_push            (StoreRow           *row,
                                       gint64              ts,
                                       guint32             id);
void strata_store_builder_set_id_slow (StrataStoreBuilder *self,
                                       StoreRow           *row,
                                       gint64              ts,
                                       guint32             id);

/* strata_store_builder_set_id(), with its common case inline: a change after the last one,
 * with room, inside the current block. */
static inline void
strata_store_builder_set_id_fast (StrataStoreBuilder *self,
                                  guint               row_index,
                                  gint64              ts,
                                  guint32             id)
{
  StoreRow *row = g_ptr_array_index (self->rows, row_index);
  guint64 n = row->n;

  if (G_LIKELY (n > 0 && row->wide == NULL && n < row->cap && (n & (STORE_BLOCK - 1)) != 0))
    {
      gint64 base = row->base[n >> STORE_BLOCK_BITS];

      if (row->ids[n - 1] == id)
        return;
      if (G_LIKELY (ts > base + row->off[n - 1] && (guint64) (ts - base) <= G_MAXUINT32))
        {
          row->off[n] = (guint32) (ts - base);
          row->ids[n] = id;
          row->n = n + 1;
          return;
        }
    }
  strata_store_builder_set_id_slow (self, row, ts, id);
}

G_END_DECLS
