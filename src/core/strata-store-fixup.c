/* strata-store-fixup.c: a builder's descriptions corrected once its rows are written
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-store"

#include "config.h"

#include <string.h>

#include "strata-parallel.h"
#include "strata-store-private.h"

typedef struct
{
  StrataStoreBuilder *self;
  const guint32      *map;
  gint                next;
} RemapJob;

/* Rows are independent: rewritten on every core. */
static gpointer
remap_worker (gpointer data)
{
  RemapJob *job = data;
  const guint32 *map = job->map;
  gint r;

  while ((r = g_atomic_int_add (&job->next, 1)) < (gint) job->self->rows->len)
    {
      StoreRow *row = g_ptr_array_index (job->self->rows, r);
      g_autofree gint64 *ts = NULL;
      g_autofree guint32 *ids = NULL;
      guint64 len = row->n, first = 0;

      while (first < len && map[store_row_id (row, first)] == store_row_id (row, first))
        first++;
      if (first == len)
        continue;
      if (row->id_mode == STRATA_IDS_PALETTE)
        store_row_widen_ids (row, job->self->spill);
      /* Changes that became equal merge: re-encode the row from its first remapped change,
       * from a plain copy. */
      ts = g_new (gint64, len - first);
      ids = g_new (guint32, len - first);
      for (guint64 i = first; i < len; i++)
        {
          ts[i - first] = store_row_ts (row, i);
          ids[i - first] = store_row_id (row, i);
        }
      row->n = first;
      for (guint64 i = 0; i < len - first; i++)
        {
          guint32 id = map[ids[i]];

          if (row->n > 0 && store_row_id (row, row->n - 1) == id)
            continue;
          strata_store_row_push (row, job->self->spill, ts[i], id);
        }
      store_row_remap_pyramid (row, map);
    }
  return NULL;
}

/* A few of a description's fields, mixed: what may be equal to a fixed description is found
 * with a filter of these, and then looked up whole. */
static inline guint32
fixup_filter_hash (const StrataStateDesc *d)
{
  guint32 h = ((guint32) d->tid * 0x9e3779b1u) ^ (d->comm * 0x85ebca6bu) ^ (d->state * 0xc2b2ae35u);

  return h ^ (h >> 15);
}

void
strata_store_builder_fixup (StrataStoreBuilder *self,
                            StrataDescFixup     fixup,
                            gpointer            user_data)
{
  guint n = self->n_descs;
  g_autofree guint32 *map = NULL;
  g_autoptr(GArray) fixed = g_array_new (FALSE, FALSE, sizeof (StrataStateDesc));
  g_autoptr(GArray) fixed_ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GHashTable) found = NULL;
  g_autofree guint64 *filter = NULL;
  guint32 filter_mask = 63;
  gboolean any = FALSE;

  /* Few descriptions change, often none: what they become is looked for among those equal
   * to one of them, in a table of these only, not in an index of all (which a builder that
   * is done has dropped). */
  for (guint i = 0; i < n; i++)
    {
      StrataStateDesc d = self->descs[i];

      if (fixup (&d, user_data))
        {
          d.reserved = 0;
          g_array_append_val (fixed, d);
          g_array_append_val (fixed_ids, i);
        }
    }
  if (fixed->len == 0)
    return;
  /* Each description that one of them becomes, by its id + 1 while it is one. A filter of
   * their hashes, two bits each, spares looking up nearly every description in the table. */
  found = g_hash_table_new_full (store_desc_hash, store_desc_equal, g_free, NULL);
  while (filter_mask < 32 * (guint64) fixed->len && filter_mask < G_MAXUINT32 / 2)
    filter_mask = 2 * filter_mask + 1;
  filter = g_new0 (guint64, filter_mask / 64 + 1);
  for (guint k = 0; k < fixed->len; k++)
    {
      guint32 h = fixup_filter_hash (&g_array_index (fixed, StrataStateDesc, k));

      filter[(h & filter_mask) / 64] |= G_GUINT64_CONSTANT (1) << (h % 64);
      filter[((h * 0x9e3779b1u) & filter_mask) / 64] |= G_GUINT64_CONSTANT (1) << ((h * 0x9e3779b1u) % 64);
      g_hash_table_insert (found, g_memdup2 (&g_array_index (fixed, StrataStateDesc, k), sizeof (StrataStateDesc)),
                           GUINT_TO_POINTER (0));
    }
  for (guint i = 0; i < n; i++)
    {
      guint32 h = fixup_filter_hash (&self->descs[i]);

      if ((filter[(h & filter_mask) / 64] >> (h % 64) & 1) &&
          (filter[((h * 0x9e3779b1u) & filter_mask) / 64] >> ((h * 0x9e3779b1u) % 64) & 1) &&
          g_hash_table_contains (found, &self->descs[i]))
        g_hash_table_insert (found, g_memdup2 (&self->descs[i], sizeof (StrataStateDesc)), GUINT_TO_POINTER (i + 1));
    }
  map = g_new (guint32, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    map[i] = i;
  strata_store_builder_drop_index (self);
  for (guint k = 0; k < fixed->len; k++)
    {
      guint i = g_array_index (fixed_ids, guint32, k);
      StrataStateDesc *d = &g_array_index (fixed, StrataStateDesc, k);
      guint id = GPOINTER_TO_UINT (g_hash_table_lookup (found, d));

      if (id != 0)
        {
          /* It became one that exists: the rows must say that one. */
          map[i] = id - 1;
          any |= map[i] != i;
          continue;
        }
      /* Else it is changed where it is, and the rows need not be touched. */
      if (g_hash_table_contains (found, &self->descs[i]))
        g_hash_table_insert (found, g_memdup2 (&self->descs[i], sizeof (StrataStateDesc)), GUINT_TO_POINTER (0));
      self->descs[i] = *d;
      g_hash_table_insert (found, g_memdup2 (d, sizeof (StrataStateDesc)), GUINT_TO_POINTER (i + 1));
    }
  for (guint i = 0; i < STORE_DESC_CACHE_SIZE; i++)
    self->cache[i].id = G_MAXUINT32;
  if (!any)
    return;
  {
    RemapJob job = { self, map, 0 };

    strata_parallel_run ("strata-remap", self->rows->len, remap_worker, &job);
  }
}
