/* strata-store.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "strata-memory.h"
#include "strata-parallel.h"
#include "strata-store-private.h"

/*
 * A row is two plain arrays: the time of each change and the id of its description, 6 bytes
 * a change (see StoreRow and StrataIdMode). Interval i is [ts[i], ts[i+1]), the last one
 * ends at the store's end.
 *
 * The summary for drawing is built and read in strata-store-summary.c.
 */

static const char *state_names[STRATA_STATE_N] = {
  [STRATA_STATE_UNKNOWN] = "unknown",
  [STRATA_STATE_IDLE] = "idle",
  [STRATA_STATE_USER] = "user",
  [STRATA_STATE_SYSCALL] = "syscall",
  [STRATA_STATE_IRQ] = "irq",
  [STRATA_STATE_SOFTIRQ] = "softirq",
  [STRATA_STATE_GUEST] = "guest",
  [STRATA_STATE_RUNNING] = "running",
  [STRATA_STATE_HYPERVISOR] = "hypervisor",
  [STRATA_STATE_PREEMPTED] = "preempted",
  [STRATA_STATE_BLOCKED] = "blocked",
  [STRATA_STATE_INTERRUPTED] = "interrupted",
  [STRATA_STATE_WAIT_CPU] = "wait-cpu",
  [STRATA_STATE_WAITING] = "waiting",
};

const char *
strata_state_to_string (StrataState state)
{
  return (guint) state < STRATA_STATE_N ? state_names[state] : "unknown";
}

static const char *state_titles[STRATA_STATE_N] = {
  /* Translators: a state on the timeline, in its legend and tooltips */
  [STRATA_STATE_UNKNOWN] = NC_("state", "Unknown"),
  [STRATA_STATE_IDLE] = NC_("state", "Idle"),
  /* Translators: a CPU running a program's own code, in user space */
  [STRATA_STATE_USER] = NC_("state", "User"),
  [STRATA_STATE_SYSCALL] = NC_("state", "System call"),
  [STRATA_STATE_IRQ] = NC_("state", "IRQ"),
  [STRATA_STATE_SOFTIRQ] = NC_("state", "Soft IRQ"),
  /* Translators: a CPU running a virtual machine that was not traced */
  [STRATA_STATE_GUEST] = NC_("state", "Guest"),
  [STRATA_STATE_RUNNING] = NC_("state", "Running"),
  /* Translators: a virtual CPU's thread running in the host, not in the guest */
  [STRATA_STATE_HYPERVISOR] = NC_("state", "Hypervisor"),
  [STRATA_STATE_PREEMPTED] = NC_("state", "Preempted"),
  [STRATA_STATE_BLOCKED] = NC_("state", "Blocked"),
  [STRATA_STATE_INTERRUPTED] = NC_("state", "Interrupted"),
  [STRATA_STATE_WAIT_CPU] = NC_("state", "Waiting for CPU"),
  /* Translators: a virtual CPU woken up, until the host runs it */
  [STRATA_STATE_WAITING] = NC_("state", "Waking up"),
};

const char *
strata_state_get_title (StrataState state)
{
  return g_dpgettext2 (GETTEXT_PACKAGE, "state",
                       state_titles[(guint) state < STRATA_STATE_N ? state : STRATA_STATE_UNKNOWN]);
}

const char *
strata_softirq_vector_name (gint64 vector)
{
  /* include/linux/interrupt.h; kernels before 4.4 call IRQ_POLL BLOCK_IOPOLL. */
  static const char * const names[] = {
    "HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU",
  };

  return vector >= 0 && vector < (gint64) G_N_ELEMENTS (names) ? names[vector] : NULL;
}

StrataState
strata_state_from_string (const char *name)
{
  for (guint i = 0; i < STRATA_STATE_N; i++)
    if (g_strcmp0 (state_names[i], name) == 0)
      return i;
  return STRATA_STATE_UNKNOWN;
}

/* @d's hash, mixed: store_desc_hash() mixes its fields little. Its low bits are the index's first
 * slot for @d; the bits above the index's length are kept in the slot, beside the id. */
static inline guint32
index_hash (const StrataStateDesc *d)
{
  guint32 h = store_desc_hash (d);

  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

/* A slot: the id + 1 in the low bits (the index is longer than there are descriptions, so it
 * fits), the hash's high bits above, so that most slots that hold another description are
 * passed over without reading it: a read of a description is a cache miss. */
#define INDEX_ID(self, v) (((v) & (self)->index_mask) - 1)

static inline guint32
index_entry (const StrataStoreBuilder *self,
             guint32                   h,
             guint32                   id)
{
  return (h & ~self->index_mask) | (id + 1);
}

/* The slot that holds @d (of hash @h), or the empty one where it would go. */
static inline guint32
index_probe_hash (const StrataStoreBuilder *self,
                  const StrataStateDesc    *d,
                  guint32                   h)
{
  guint32 mask = self->index_mask, i = h & mask, tag = h & ~mask;

  for (;;)
    {
      guint32 v = self->index[i];

      if (v == 0 || ((v & ~mask) == tag && memcmp (&self->descs[(v & mask) - 1], d, sizeof *d) == 0))
        return i;
      i = (i + 1) & mask;
    }
}

static inline guint32
index_probe (const StrataStoreBuilder *self,
             const StrataStateDesc    *d)
{
  return index_probe_hash (self, d, index_hash (d));
}

/* How many descriptions ahead a walk over many fetches their slots. */
#define INDEX_AHEAD 16

/* Room in the index for @n descriptions, at most three quarters full: the host's builder's,
 * as fusion moves the guests' descriptions in, is at the peak of a set of many guest threads,
 * and the slots a fuller index passes over mostly hold another hash (their high bits say so)
 * and are not read further. */
static void
index_reserve (StrataStoreBuilder *self,
               guint32             n)
{
  guint32 ahead[INDEX_AHEAD];
  guint64 cap = 16;

  while (cap / 4 * 3 < (guint64) n)
    cap *= 2;
  if (self->index != NULL && cap <= (guint64) self->index_mask + 1)
    return;
  if (cap > G_MAXUINT32)
    g_error ("too many state descriptions");
  g_free (self->index);
  self->index = strata_memory_new0 (guint32, cap);
  self->index_mask = (guint32) (cap - 1);
  /* They are distinct: each goes to the first empty slot from its home, which is fetched
   * INDEX_AHEAD descriptions before (a slot of a large index is a cache miss). */
  for (guint32 id = 0; id < MIN (self->n_descs, INDEX_AHEAD); id++)
    {
      ahead[id] = index_hash (&self->descs[id]);
      __builtin_prefetch (&self->index[ahead[id] & self->index_mask], 1);
    }
  for (guint32 id = 0; id < self->n_descs; id++)
    {
      guint32 h = ahead[id % INDEX_AHEAD], i = h & self->index_mask;

      if (id + INDEX_AHEAD < self->n_descs)
        {
          ahead[id % INDEX_AHEAD] = index_hash (&self->descs[id + INDEX_AHEAD]);
          __builtin_prefetch (&self->index[ahead[id % INDEX_AHEAD] & self->index_mask], 1);
        }
      while (self->index[i] != 0)
        i = (i + 1) & self->index_mask;
      self->index[i] = index_entry (self, h, id);
    }
}

/* The index goes (a builder being absorbed needs none); the next interning builds it again. */
static void
index_drop (StrataStoreBuilder *self)
{
  g_clear_pointer (&self->index, g_free);
  self->index_mask = 0;
}

static void
descs_reserve (StrataStoreBuilder *self,
               guint32             n)
{
  if (n <= self->descs_cap)
    return;
  self->descs_cap = MAX (n, self->descs_cap + self->descs_cap / 2);
  self->descs = g_renew (StrataStateDesc, self->descs, self->descs_cap);
}

void
store_row_clear (StoreRow         *row,
                 StrataStoreSpill *spill)
{
  store_row_free_arrays (row, spill);
  store_row_free_pyramid (row, spill);
}

/* A store's row (no longer a builder's: see row_let_go()). Its own memory and its name are in
 * its owner's blocks (row_alloc()). */
static void
row_release (gpointer data)
{
  if (data != NULL)
    store_row_clear (data, NULL);
}

/* @size bytes, aligned to @align (a power of two, at most 64), from @self's blocks of names,
 * which the builder, and then its store, own: for what lives as long as its row and is never
 * freed alone. */
static gpointer
names_alloc (StrataStoreBuilder *self,
             gsize               size,
             gsize               align)
{
  gsize pad = -(guintptr) self->names_next & (align - 1);
  gpointer p;

  if ((gsize) (self->names_end - self->names_next) < pad + size)
    {
      gsize block = MAX (size, CLAMP ((gsize) self->rows->len * 32, 256, 65536));

      self->names_next = g_aligned_alloc (block, 1, 64);
      self->names_end = self->names_next + block;
      g_ptr_array_add (self->blocks, self->names_next);
      pad = 0;
    }
  p = self->names_next + pad;
  self->names_next += pad + size;
  return p;
}

/* A new row of @self, zeroed, and the copy of @name it keeps (none for NULL: the caller names
 * it): from blocks of rows and of names that the builder, and then its store, own. A
 * switch-heavy set makes hundreds of thousands of rows: one aligned allocation each costs a
 * third of the row again, and its name's allocation half of the name. */
static StoreRow *
row_alloc (StrataStoreBuilder *self,
           const char         *name)
{
  StoreRow *row;

  if (self->rows_next == self->rows_end)
    {
      /* Growing blocks: most builders hold a few rows, the largest hundreds of thousands.
       * Eight rows are a whole number of cache lines. */
      guint n = (CLAMP (self->rows->len, 8, 512) + 7) & ~7u;

      G_STATIC_ASSERT (8 * sizeof (StoreRow) % 64 == 0);

      self->rows_next = g_aligned_alloc0 (n, sizeof (StoreRow), 64);
      self->rows_end = self->rows_next + n;
      g_ptr_array_add (self->blocks, self->rows_next);
    }
  row = self->rows_next++;
  if (name != NULL)
    {
      gsize len = strlen (name) + 1;

      row->name = memcpy (names_alloc (self, len, 1), name, len);
    }
  return row;
}

/* A palette made for one of @self's rows (see StorePaletteRoom) lies in its blocks of names. */
static gpointer
palette_keep (gpointer owner,
              gsize    size)
{
  return names_alloc (owner, size, sizeof (guint32));
}

StrataStoreBuilder *
strata_store_builder_new (void)
{
  return strata_store_builder_new_spilling (NULL);
}

StrataStoreBuilder *
strata_store_builder_new_spilling (StrataStoreSpill *spill)
{
  StrataStoreBuilder *self = g_new0 (StrataStoreBuilder, 1);

  self->spill = spill ? strata_store_spill_ref (spill) : NULL;

  self->rows = g_ptr_array_new_with_free_func (row_release);
  self->blocks = g_ptr_array_new_with_free_func (g_aligned_free);
  self->aliases = g_ptr_array_new ();
  self->shared_palettes = g_ptr_array_new ();
  self->cache = g_new (StoreDescCacheEntry, STORE_DESC_CACHE_SIZE);
  for (guint i = 0; i < STORE_DESC_CACHE_SIZE; i++)
    self->cache[i].id = G_MAXUINT32;
  index_reserve (self, 0);
  return self;
}

void
strata_store_builder_free (StrataStoreBuilder *self)
{
  if (self == NULL)
    return;
  /* Its rows' arrays may be in its spill. */
  for (guint r = 0; self->rows != NULL && r < self->rows->len; r++)
    if (g_ptr_array_index (self->rows, r) != NULL)
      store_row_clear (g_steal_pointer (&g_ptr_array_index (self->rows, r)), self->spill);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  for (guint i = 0; self->aliases && i < self->aliases->len; i += 2)
    g_free (g_ptr_array_index (self->aliases, i));
  g_clear_pointer (&self->aliases, g_ptr_array_unref);
  g_clear_pointer (&self->shared_palettes, g_ptr_array_unref);
  g_free (self->descs);
  g_free (self->index);
  g_free (self->cache);
  g_clear_pointer (&self->spill, strata_store_spill_unref);
  g_free (self);
}

/* A new row of @self, its name given (by row_alloc(), or after). */
static guint
row_add (StrataStoreBuilder *self,
         StoreRow           *row,
         StrataRowKind       kind,
         guint16             machine,
         gint64              number)
{
  row->id_mode = STRATA_IDS_16;
  row->kind = kind;
  row->machine = machine;
  row->number = number;
  g_ptr_array_add (self->rows, row);
  return self->rows->len - 1;
}

/* A thread row of the name PREFIX "thread/" @number, the first @prefix_len bytes of @prefix
 * being PREFIX: its name is only PREFIX, which the builder keeps once for all the rows that
 * share it (a set of many short-lived threads has hundreds of thousands). */
static guint
thread_row_add (StrataStoreBuilder *self,
                const char         *prefix,
                gsize               prefix_len,
                guint16             machine,
                gint64              number)
{
  StoreRow *row = row_alloc (self, NULL);

  if (self->thread_prefix == NULL || self->thread_prefix_len != prefix_len ||
      memcmp (self->thread_prefix, prefix, prefix_len) != 0)
    {
      char *copy = names_alloc (self, prefix_len + 1, 1);

      memcpy (copy, prefix, prefix_len);
      copy[prefix_len] = '\0';
      self->thread_prefix = copy;
      self->thread_prefix_len = prefix_len;
    }
  row->name = (char *) self->thread_prefix;
  row->name_tid = TRUE;
  return row_add (self, row, STRATA_ROW_THREAD, machine, number);
}

guint
strata_store_builder_add_row (StrataStoreBuilder *self,
                              const char         *name,
                              StrataRowKind       kind,
                              guint16             machine,
                              gint64              number)
{
  gsize prefix_len;

  if (kind == STRATA_ROW_THREAD && store_thread_name_prefix (name, number, &prefix_len))
    return thread_row_add (self, name, prefix_len, machine, number);
  return row_add (self, row_alloc (self, name), kind, machine, number);
}

guint
strata_store_builder_add_thread_row (StrataStoreBuilder *self,
                                     const char         *prefix,
                                     guint16             machine,
                                     gint32              tid)
{
  g_return_val_if_fail (tid > 0, G_MAXUINT);

  return thread_row_add (self, prefix, strlen (prefix), machine, tid);
}

/* Interning @key (its reserved field 0) of index_hash() @h, past the cache. */
static guint32
intern_hashed (StrataStoreBuilder    *self,
               const StrataStateDesc *key,
               guint32                h)
{
  guint32 i, id;

  if (self->n_descs + 1 > (self->index_mask + 1) / 4 * 3)
    index_reserve (self, self->n_descs + 1);
  i = index_probe_hash (self, key, h);
  if (self->index[i] != 0)
    return INDEX_ID (self, self->index[i]);
  if (self->n_descs == G_MAXUINT32 - 1)
    g_error ("too many state descriptions");
  descs_reserve (self, self->n_descs + 1);
  id = self->n_descs++;
  self->descs[id] = *key;
  self->index[i] = index_entry (self, h, id);
  return id;
}

guint32
strata_store_builder_intern (StrataStoreBuilder    *self,
                             const StrataStateDesc *desc)
{
  StrataStateDesc key = *desc;
  StoreDescCacheEntry *slot;

  key.reserved = 0;
  slot = &self->cache[store_desc_hash (&key) & (STORE_DESC_CACHE_SIZE - 1)];
  if (slot->id != G_MAXUINT32 && memcmp (&slot->desc, &key, sizeof key) == 0)
    return slot->id;
  slot->desc = key;
  slot->id = intern_hashed (self, &key, index_hash (&key));
  return slot->id;
}

/* The cases strata_store_builder_set_id_fast() leaves out: a row's first change, one that
 * replaces the last, a new block, growth, wide rows. */
void
strata_store_builder_set_id_slow (StrataStoreBuilder *self,
                                  StoreRow           *row,
                                  gint64              ts,
                                  guint32             id)
{
  guint64 n = row->n;

  if (n > 0)
    {
      gint64 last_ts = store_row_ts (row, n - 1);
      guint32 last_id = store_row_id (row, n - 1);

      if (last_id == id)
        return;
      /* A change at (or, after clock mapping, slightly before) the last one replaces it. */
      if (ts <= last_ts)
        {
          if (n > 1 && store_row_id (row, n - 2) == id)
            {
              if (row->id_mode == STRATA_IDS_PALETTE)
                store_row_widen_ids (row, self->spill);
              row->n--;
            }
          else
            store_row_put_id (row, self->spill, n - 1, id);
          return;
        }
    }
  strata_store_row_push (row, self->spill, ts, id);
}

void
strata_store_builder_remap_since (StrataStoreBuilder *self,
                                  guint               row_index,
                                  gint64              from,
                                  StrataIdMap         map,
                                  gpointer            user_data)
{
  StoreRow *row;
  gint64 first;
  gboolean merge = FALSE;

  g_return_if_fail (row_index < self->rows->len);

  row = g_ptr_array_index (self->rows, row_index);
  if (row->id_mode == STRATA_IDS_PALETTE)
    store_row_widen_ids (row, self->spill);
  first = store_row_find_le (row, from - 1) + 1;
  for (guint64 i = first; i < row->n; i++)
    {
      store_row_put_id (row, self->spill, i, map (store_row_id (row, i), user_data));
      merge |= i > 0 && store_row_id (row, i) == store_row_id (row, i - 1);
    }
  if (!merge)
    return;
  /* Changes that became equal to the one before merge: the tail is pushed again. */
  {
    guint64 len = row->n, start = first > 0 ? first : 1;
    g_autofree gint64 *ts = g_new (gint64, len - start);
    g_autofree guint32 *ids = g_new (guint32, len - start);

    for (guint64 i = start; i < len; i++)
      {
        ts[i - start] = store_row_ts (row, i);
        ids[i - start] = store_row_id (row, i);
      }
    row->n = start;
    for (guint64 i = 0; i < len - start; i++)
      if (ids[i] != store_row_id (row, row->n - 1))
        strata_store_row_push (row, self->spill, ts[i], ids[i]);
  }
}

gboolean
strata_store_builder_replace_last (StrataStoreBuilder *self,
                                   guint               row_index,
                                   gint64              ts,
                                   guint32             id)
{
  StoreRow *row;
  guint64 n;

  g_return_val_if_fail (row_index < self->rows->len, FALSE);

  row = g_ptr_array_index (self->rows, row_index);
  n = row->n;
  if (n == 0 || store_row_ts (row, n - 1) != ts)
    return FALSE;
  /* Equal neighbours merge, as set_id() would have merged them; a palette would no longer
   * be the descriptions the row names. */
  if (row->id_mode == STRATA_IDS_PALETTE)
    store_row_widen_ids (row, self->spill);
  if (n > 1 && store_row_id (row, n - 2) == id)
    row->n--;
  else
    store_row_put_id (row, self->spill, n - 1, id);
  return TRUE;
}

void
strata_store_builder_set_id (StrataStoreBuilder *self,
                             guint               row_index,
                             gint64              ts,
                             guint32             id)
{
  strata_store_builder_set_id_fast (self, row_index, ts, id);
}

void
strata_store_builder_set (StrataStoreBuilder    *self,
                          guint                  row,
                          gint64                 ts,
                          const StrataStateDesc *desc)
{
  strata_store_builder_set_id (self, row, ts, strata_store_builder_intern (self, desc));
}

void
strata_store_builder_add_alias (StrataStoreBuilder *self,
                                const char         *alias,
                                guint               row)
{
  g_ptr_array_add (self->aliases, g_strdup (alias));
  g_ptr_array_add (self->aliases, GUINT_TO_POINTER (row));
}

guint64
strata_store_builder_n_changes (StrataStoreBuilder *self)
{
  guint64 n = 0;

  for (guint r = 0; r < self->rows->len; r++)
    n += ((StoreRow *) g_ptr_array_index (self->rows, r))->n;
  return n;
}

guint64
strata_store_builder_row_len (StrataStoreBuilder *self,
                              guint               row_index)
{
  return ((StoreRow *) g_ptr_array_index (self->rows, row_index))->n;
}

/* Whether @map keeps every id below 65,536 there: rows of 16-bit ids then stay as they are. */
static gboolean
map_keeps_small (const guint32 *map,
                 guint32        n)
{
  for (guint32 i = 0; i < MIN (n, G_MAXUINT16 + 1); i++)
    if (map[i] > G_MAXUINT16)
      return FALSE;
  return TRUE;
}

const StrataStateDesc *
strata_store_builder_desc (StrataStoreBuilder *self,
                           guint32             desc_id)
{
  return &self->descs[desc_id];
}

void
strata_store_builder_summarize (StrataStoreBuilder *self,
                                guint               row_index,
                                gint64              end_ns)
{
  StoreRow *row = g_ptr_array_index (self->rows, row_index);
  gsize bytes = 0;

  g_return_if_fail (row->summary == NULL);
  row->summary = _strata_store_build_pyramid (self->descs, end_ns, NULL, row, self->spill, &bytes);
}

void
strata_store_builder_row_view (StrataStoreBuilder *self,
                               guint               row_index,
                               StrataRowView      *view)
{
  const StoreRow *row = g_ptr_array_index (self->rows, row_index);

  G_STATIC_ASSERT (STORE_BLOCK_BITS == STRATA_ROW_VIEW_BLOCK_BITS);
  view->base = row->base;
  view->off = row->base != NULL ? row->off : NULL;
  view->wide = row->base == NULL ? row->wide : NULL;
  view->ids = row->ids;
  view->palette = row->palette;
  view->id_mode = row->id_mode;
  view->n = row->n;
}

void
strata_store_builder_move_rows (StrataStoreBuilder *self,
                                const guint        *rows,
                                StrataStoreBuilder *other,
                                const guint        *other_rows,
                                guint               n)
{
  guint n_descs = other->n_descs;
  g_autofree guint32 *map = g_new (guint32, MAX (n_descs, 1));
  g_autofree guint32 *scratch = NULL;
  guint32 ahead[INDEX_AHEAD];
  gboolean small;

  /* Each of @other's descriptions is interned, its slot fetched ahead (most are new). */
  for (guint i = 0; i < MIN (n_descs, INDEX_AHEAD); i++)
    ahead[i] = index_hash (&other->descs[i]);
  for (guint i = 0; i < n_descs; i++)
    {
      guint32 h = ahead[i % INDEX_AHEAD];

      if (i + INDEX_AHEAD < n_descs)
        {
          ahead[i % INDEX_AHEAD] = index_hash (&other->descs[i + INDEX_AHEAD]);
          if (self->index != NULL)
            __builtin_prefetch (&self->index[ahead[i % INDEX_AHEAD] & self->index_mask]);
        }
      map[i] = intern_hashed (self, &other->descs[i], h);
    }
  small = map_keeps_small (map, n_descs);
  if (!small)
    scratch = strata_memory_new0 (guint32, G_MAXUINT16 + 1);
  for (guint k = 0; k < n; k++)
    {
      StoreRow *to = g_ptr_array_index (self->rows, rows[k]);
      StoreRow *from = g_ptr_array_index (other->rows, other_rows[k]);

      g_return_if_fail (from->storage != STORE_SPILL || other->spill == self->spill);

      /* A packed row's arrays are in @other's blocks, which go with @other. */
      if (from->storage == STORE_PACKED)
        store_row_resize (from, other->spill, from->n);

      store_row_free_arrays (to, self->spill);
      store_row_free_pyramid (to, self->spill);
      if (other->spill != NULL)
        store_spill_heap_add (other->spill, -(gssize) store_row_heap_bytes (from));
      to->base = g_steal_pointer (&from->base);
      to->off = g_steal_pointer (&from->off);      /* or its wide times */
      to->ids = g_steal_pointer (&from->ids);
      to->palette = g_steal_pointer (&from->palette);
      to->id_flags = from->id_flags;
      /* @other's blocks go with it. */
      if (to->id_flags & STORE_PALETTE_BLOCK)
        {
          to->palette = g_memdup2 (to->palette, (to->palette[0] + 1) * sizeof (guint32));
          to->id_flags &= ~(STORE_PALETTE_BLOCK | STORE_PALETTE_SHARED);
        }
      to->id_mode = from->id_mode;
      to->n = from->n;
      to->cap = from->cap;
      to->storage = from->storage;
      from->n = from->cap = 0;
      from->storage = STORE_HEAP;
      from->id_mode = STRATA_IDS_16;
      from->id_flags = 0;
      store_row_heap_changed (to, self->spill, 0);
      /* A summary, if the row has one, goes along, its descriptions renumbered. */
      to->summary = g_steal_pointer (&from->summary);
      store_row_remap_ids (to, self->spill, map, small, scratch, NULL);
      store_row_remap_pyramid (to, map);
    }
}

/* Gives back @row's growth room, and half its ids' bytes when they are 32-bit but it names
 * at most 65,536 descriptions, else a quarter when they fit in 24 bits. @scratch: as
 * store_row_compact_ids() wants, made when first needed. */
static void
row_trim (StrataStoreBuilder  *self,
          StoreRow            *row,
          guint32            **scratch)
{
  if (row->cap > row->n)
    store_row_resize (row, self->spill, row->n);
  if (store_row_ids_wide (row) && row->n > 0)
    {
      if (*scratch == NULL && !(row->id_flags & STORE_IDS_MANY))
        *scratch = strata_memory_new0 (guint32, self->n_descs);
      store_row_compact_ids (row, self->spill, *scratch);
    }
}

void
strata_store_builder_row_trim (StrataStoreBuilder *self,
                               guint               row_index)
{
  g_autofree guint32 *scratch = NULL;

  row_trim (self, g_ptr_array_index (self->rows, row_index), &scratch);
}

static guint
palette_hash (gconstpointer key)
{
  const guint32 *p = key;
  guint32 h = p[0];

  for (guint32 k = 1; k <= p[0]; k++)
    h = (h ^ p[k]) * 0x9e3779b1u;
  return h ^ (h >> 16);
}

static gboolean
palette_equal (gconstpointer a,
               gconstpointer b)
{
  const guint32 *pa = a, *pb = b;

  return pa[0] == pb[0] && memcmp (pa + 1, pb + 1, pa[0] * sizeof (guint32)) == 0;
}

/* Rows at most this large are packed into their builder's blocks once trimmed: a
 * switch-heavy set's hundreds of thousands of short thread rows would otherwise each keep an
 * allocation's overhead, and leave between them the holes that their growth and trimming
 * freed, too small to be used again. A larger row is an allocation malloc maps apart, or one
 * of few. A spilling builder's rows are counted against its budget as they are: none move. */
#define STORE_PACK_MAX 4096

void
strata_store_builder_trim (StrataStoreBuilder *self)
{
  g_autofree guint32 *scratch = NULL;
  g_autoptr(GHashTable) palettes = NULL;
  StorePaletteRoom room = { palette_keep, self, NULL, NULL, self->shared_palettes };
  gboolean packed = FALSE;

  for (guint r = 0; r < self->rows->len; r++)
    {
      StoreRow *row = g_ptr_array_index (self->rows, r);
      gsize size;

      row_trim (self, row, &scratch);
      if (self->spill == NULL && row->storage == STORE_HEAP && row->n > 0 &&
          (size = store_row_packed_size (row)) <= STORE_PACK_MAX)
        {
          store_row_pack (row, names_alloc (self, size, sizeof (gint64)));
          packed = TRUE;
          /* Its palette too, so that no piece of it stays among the holes: one copy of
           * each, as short thread rows mostly name the same few descriptions in the same
           * order. */
          if (row->id_mode == STRATA_IDS_PALETTE && !(row->id_flags & (STORE_PALETTE_MAPPED | STORE_PALETTE_BLOCK)))
            {
              if (room.shared == NULL)
                room.shared = palettes = g_hash_table_new (palette_hash, palette_equal);
              store_row_keep_palette (row, &room, row->palette);
            }
        }
    }
  /* What they leave is now in runs: their pages go back. */
  if (packed)
    strata_memory_give_back ();
}

void
strata_store_builder_row_reserve (StrataStoreBuilder *self,
                                  guint               row_index,
                                  guint64             cap)
{
  if (self->spill == NULL)
    store_row_try_reserve (g_ptr_array_index (self->rows, row_index), cap);
}

void
strata_store_builder_row_clear (StrataStoreBuilder *self,
                                guint               row_index)
{
  store_row_free_arrays (g_ptr_array_index (self->rows, row_index), self->spill);
}

void
strata_store_builder_reserve_descs (StrataStoreBuilder *self,
                                    guint64             extra)
{
  guint64 n = MIN ((guint64) self->n_descs + extra, G_MAXUINT32 - 1);
  StrataStateDesc *descs;

  if (n <= self->descs_cap)
    return;
  /* Address space may be short (a strict overcommit policy): the room is then not made,
   * which callers see through descs_fit(). */
  if ((descs = g_try_renew (StrataStateDesc, self->descs, n)) == NULL)
    return;
  self->descs = descs;
  self->descs_cap = (guint32) n;
}

gboolean
strata_store_builder_descs_fit (StrataStoreBuilder *self,
                                StrataStoreBuilder *other)
{
  return (guint64) self->n_descs + other->n_descs <= self->descs_cap;
}

void
strata_store_builder_drop_index (StrataStoreBuilder *self)
{
  index_drop (self);
}

/* Descriptions of @other looked up at a time by each thread of absorb_map(). */
#define ABSORB_MAP_CHUNK 16384

typedef struct
{
  const StrataStoreBuilder *self;
  const StrataStoreBuilder *other;
  const guint32            *slots;
  guint32                  *map;
  guint32                   mask;
  guint32                   id_mask;
  gint                      next;
} AbsorbMapJob;

/* The descriptions are independent: looked up on every core. A slot's hash bits above the
 * table's length spare reading most descriptions it does not hold, each a cache miss. */
static gpointer
absorb_map_worker (gpointer data)
{
  AbsorbMapJob *job = data;
  const StrataStoreBuilder *self = job->self, *other = job->other;
  guint32 mask = job->mask, id_mask = job->id_mask;
  guint32 ahead[INDEX_AHEAD];
  gint chunk;

  while ((chunk = g_atomic_int_add (&job->next, 1)) < (gint) ((other->n_descs + ABSORB_MAP_CHUNK - 1) / ABSORB_MAP_CHUNK))
    {
      guint32 from = (guint32) chunk * ABSORB_MAP_CHUNK;
      guint32 to = MIN (from + ABSORB_MAP_CHUNK, other->n_descs);

      for (guint32 i = from; i < MIN (to, from + INDEX_AHEAD); i++)
        {
          ahead[i % INDEX_AHEAD] = index_hash (&other->descs[i]);
          __builtin_prefetch (&job->slots[ahead[i % INDEX_AHEAD] & mask]);
        }
      for (guint32 i = from; i < to; i++)
        {
          const StrataStateDesc *d = &other->descs[i];
          guint32 h = ahead[i % INDEX_AHEAD], tag = h & ~id_mask;

          if (i + INDEX_AHEAD < to)
            {
              ahead[i % INDEX_AHEAD] = index_hash (&other->descs[i + INDEX_AHEAD]);
              __builtin_prefetch (&job->slots[ahead[i % INDEX_AHEAD] & mask]);
            }
          job->map[i] = G_MAXUINT32;
          for (guint32 j = h & mask; job->slots[j] != 0; j = (j + 1) & mask)
            if ((job->slots[j] & ~id_mask) == tag &&
                memcmp (&self->descs[(job->slots[j] & id_mask) - 1], d, sizeof *d) == 0)
              {
                job->map[i] = (job->slots[j] & id_mask) - 1;
                break;
              }
        }
    }
  return NULL;
}

/* What interning each of @other's descriptions into @self would find there: its id in @self,
 * or G_MAXUINT32. Equal descriptions name one machine, so only @self's of the machines
 * @other's name are indexed: on a set of several machines a fraction, where an index of
 * either builder's, twice as many slots as descriptions, would be the merge's peak. A slot
 * holds an id + 1 under the hash's bits that an id leaves free. */
static void
absorb_map (StrataStoreBuilder *self,
            StrataStoreBuilder *other,
            guint32            *map)
{
  g_autofree guint8 *named = g_new0 (guint8, G_MAXUINT16 + 1);
  g_autofree guint32 *slots = NULL;
  guint64 n_indexed = 0, cap = 16;
  guint32 mask, id_mask = 1;
  AbsorbMapJob job;

  for (guint32 i = 0; i < other->n_descs; i++)
    named[other->descs[i].machine] = 1;
  for (guint32 id = 0; id < self->n_descs; id++)
    n_indexed += named[self->descs[id].machine];
  while (cap < 2 * n_indexed)
    cap *= 2;
  slots = strata_memory_new0 (guint32, cap);
  mask = (guint32) (cap - 1);
  while (id_mask < self->n_descs && id_mask != G_MAXUINT32)
    id_mask = 2 * id_mask + 1;
  for (guint32 id = 0; id < self->n_descs; id++)
    if (named[self->descs[id].machine])
      {
        guint32 h = index_hash (&self->descs[id]), j = h & mask;

        while (slots[j] != 0)
          j = (j + 1) & mask;
        slots[j] = (h & ~id_mask) | (id + 1);
      }
  job = (AbsorbMapJob) { self, other, slots, map, mask, id_mask, 0 };
  strata_parallel_run ("strata-absorb", (other->n_descs + ABSORB_MAP_CHUNK - 1) / ABSORB_MAP_CHUNK,
                       absorb_map_worker, &job);
}

/* Descriptions copied between two shrinkings of the absorbed builder's (1 MiB). */
#define ABSORB_CHUNK 32768

guint
strata_store_builder_absorb (StrataStoreBuilder *self,
                             StrataStoreBuilder *other)
{
  guint offset = self->rows->len;
  guint n = other->n_descs;
  g_autofree guint32 *map = NULL;
  g_autofree guint32 *scratch = NULL;
  g_autofree guint32 *build = NULL;
  StorePaletteRoom room = { palette_keep, self, NULL, NULL, self->shared_palettes };
  g_autoptr(GHashTable) shared = NULL;
  gboolean same = TRUE, small;

  g_return_val_if_fail (other->spill == NULL || other->spill == self->spill, offset);

  if (self->n_descs == 0)
    {
      /* Interned into an empty builder, every description would keep its id: the arrays
       * are taken as they are, with no second copy. */
      g_free (self->descs);
      self->descs = g_steal_pointer (&other->descs);
      self->n_descs = other->n_descs;
      self->descs_cap = other->descs_cap;
      other->n_descs = other->descs_cap = 0;
      index_drop (self);
    }
  else
    {
      guint32 n_new = 0;

      /* Neither index is needed: they go before @self grows. */
      index_drop (other);
      index_drop (self);
      map = g_new (guint32, MAX (n, 1));
      absorb_map (self, other, map);
      for (guint i = 0; i < n; i++)
        {
          if (map[i] == G_MAXUINT32)
            map[i] = self->n_descs + n_new++;
          same &= map[i] == i;
        }
      /* At most that many: no growth slack. */
      if (self->n_descs + n_new > self->descs_cap)
        {
          self->descs_cap = self->n_descs + n_new;
          self->descs = g_renew (StrataStateDesc, self->descs, MAX (self->descs_cap, 1));
        }
      /* Copied from the last, @other's array shrinking behind: its descriptions are never
       * all held twice (a shrunk mapping gives its pages back at once). */
      for (guint i = n; i-- > 0;)
        {
          if (map[i] >= self->n_descs)
            self->descs[map[i]] = other->descs[i];
          if (i % ABSORB_CHUNK == 0 && i > 0 && other->descs_cap - i >= ABSORB_CHUNK)
            {
              other->descs = g_renew (StrataStateDesc, other->descs, i);
              other->descs_cap = i;
            }
        }
      self->n_descs += n_new;
    }
  /* Distinct descriptions stay distinct, so no two neighbouring changes become equal. */
  small = same || map_keeps_small (map, n);
  if (!small)
    {
      scratch = strata_memory_new0 (guint32, G_MAXUINT16 + 1);
      room.build = build = g_new (guint32, STORE_PALETTE_BUILD);
      /* Rows renumbered alike share one palette: short thread rows mostly are. */
      room.shared = shared = g_hash_table_new (palette_hash, palette_equal);
    }
  /* A palette that rows share is renumbered once, not by each row. */
  for (guint i = 0; i < other->shared_palettes->len; i++)
    {
      guint32 *palette = g_ptr_array_index (other->shared_palettes, i);

      for (guint32 k = 1; !same && k <= palette[0]; k++)
        palette[k] = map[palette[k]];
      g_ptr_array_add (self->shared_palettes, palette);
    }
  g_ptr_array_set_size (other->shared_palettes, 0);
  for (guint r = 0; r < other->rows->len; r++)
    {
      StoreRow *row = g_ptr_array_index (other->rows, r);

      if (!same)
        {
          store_row_remap_ids (row, other->spill, map, small, scratch, &room);
          store_row_remap_pyramid (row, map);
        }
      /* Its heap bytes count in @self's spill from now on. */
      if (other->spill == NULL && self->spill != NULL)
        store_row_heap_changed (row, self->spill, 0);
      g_ptr_array_add (self->rows, row);
      g_ptr_array_index (other->rows, r) = NULL;
    }
  for (guint i = 0; i < other->aliases->len; i += 2)
    {
      g_ptr_array_add (self->aliases, g_ptr_array_index (other->aliases, i));
      g_ptr_array_add (self->aliases, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_ptr_array_index (other->aliases, i + 1)) + offset));
    }
  g_ptr_array_set_size (other->aliases, 0);
  /* Its rows' memory comes along; its blocks' free room is not used again. */
  g_ptr_array_extend_and_steal (self->blocks, g_steal_pointer (&other->blocks));
  strata_store_builder_free (other);
  return offset;
}

StrataStore *
strata_store_builder_finish (StrataStoreBuilder *self,
                             gint64              begin_ns,
                             gint64              end_ns)
{
  return strata_store_builder_finish_full (self, begin_ns, end_ns, NULL, NULL);
}

/* What a finished row holds in memory, its summary's buckets included. */
static gsize
row_memory (const StoreRow *row)
{
  return row->n * (store_row_is_wide (row) ? sizeof (gint64) : sizeof (guint32)) +
         (store_row_is_wide (row) ? 0 : (row->n / STORE_BLOCK + 1) * sizeof (gint64)) +
         row->n * store_row_id_size (row) + sizeof (StoreRow) + (row->name_tid ? 0 : strlen (row->name) + 1) +
         (row->id_mode == STRATA_IDS_PALETTE ? (row->palette[0] + 1) * sizeof (guint32) : 0) +
         store_row_pyramid_bytes (row);
}

/* A spilled row stays where it is, but is no longer the builder's to free: the spill file may
 * become a saved store. From then on, what it is given comes from the heap (a NULL spill for
 * the store_row_*() calls), and its heap bytes no longer count in the spill's budget. */
static void
row_let_go (StoreRow *row)
{
  if (row->storage == STORE_SPILL)
    row->storage = STORE_MAPPED;
  if (row->summary != NULL && row->summary->storage == STORE_SPILL)
    row->summary->storage = STORE_MAPPED;
}

/* Rows, and then names, finished at a time by each thread of finish_worker(). */
#define FINISH_CHUNK 4096
/* In FinishJob's kinds: the row's ids are to be made 16-bit, which needs a table as long as
 * there are descriptions, made once, after the other threads are done. */
#define FINISH_COMPACT 0x80

typedef struct
{
  StrataStore *store;
  StrataStoreSpill *spill;   /* the builder's */
  gint64       end;
  guint8      *kinds;        /* by row: its kind, | FINISH_COMPACT */
  gint         next;
  guint64      n_changes;
  gsize        memory;
  GMutex       lock;         /* of n_changes and memory */
} FinishJob;

/* Rows are independent, and so is entering each name in the index: a switch-heavy set's
 * hundreds of thousands of rows are finished on every core. */
static gpointer
finish_worker (gpointer data)
{
  FinishJob *job = data;
  StrataStore *store = job->store;
  guint n_row_chunks = (store->rows->len + FINISH_CHUNK - 1) / FINISH_CHUNK;
  guint n_entries = store->rows->len + store->aliases->len / 2;
  guint64 n_changes = 0;
  gsize memory = 0;
  gint chunk;

  while ((chunk = g_atomic_int_add (&job->next, 1)) < (gint) (n_row_chunks + (n_entries + FINISH_CHUNK - 1) / FINISH_CHUNK))
    {
      if ((guint) chunk >= n_row_chunks)
        {
          guint from = ((guint) chunk - n_row_chunks) * FINISH_CHUNK;

          /* Aliases after rows, as for any order: a name is found as the last entered. */
          for (guint e = from; e < MIN (from + FINISH_CHUNK, n_entries); e++)
            _strata_store_names_add (store, e + 1);
          continue;
        }
      for (guint r = (guint) chunk * FINISH_CHUNK; r < MIN (((guint) chunk + 1) * FINISH_CHUNK, store->rows->len); r++)
        {
          StoreRow *row = g_ptr_array_index (store->rows, r);

          /* A change at the very end would be an empty interval. */
          if (row->n > 0 && store_row_ts (row, row->n - 1) >= job->end && row->id_mode == STRATA_IDS_PALETTE)
            store_row_widen_ids (row, job->spill);     /* its palette would name what it no longer does */
          while (row->n > 0 && store_row_ts (row, row->n - 1) >= job->end)
            row->n--;
          /* Shrunk in place (no copy, so no second peak): growth slack is not kept. Most rows
           * were trimmed when their model ended. */
          if (row->cap != row->n || row->ids == NULL || row->storage == STORE_SPILL)
            store_row_resize (row, job->spill, row->n);
          job->kinds[r] = row->kind;
          n_changes += row->n;
          if (store_row_ids_wide (row) && row->n > 0 && !(row->id_flags & STORE_IDS_MANY))
            job->kinds[r] |= FINISH_COMPACT;
          else
            {
              /* Too many for a palette: 24-bit ids, if they fit, need no table. */
              store_row_compact_ids (row, job->spill, NULL);
              memory += row_memory (row);
            }
          /* Thread rows get their summaries when first drawn, from the heap: nothing is
           * added to the spill for them from now on. */
          if (row->kind == STRATA_ROW_THREAD)
            row_let_go (row);
        }
    }
  g_mutex_lock (&job->lock);
  job->n_changes += n_changes;
  job->memory += memory;
  g_mutex_unlock (&job->lock);
  return NULL;
}

StrataStore *
strata_store_builder_finish_full (StrataStoreBuilder *self,
                                  gint64              begin_ns,
                                  gint64              end_ns,
                                  StrataStoreFunc     alongside,
                                  gpointer            user_data)
{
  StrataStore *store = g_new0 (StrataStore, 1);
  g_autofree guint32 *scratch = NULL;

  store->begin = begin_ns;
  store->end = end_ns;
  store->n_descs = self->n_descs;
  /* Growth slack is not kept; shrunk in place. */
  store->descs = g_renew (StrataStateDesc, g_steal_pointer (&self->descs), MAX (self->n_descs, 1));
  g_clear_pointer (&self->index, g_free);
  store->rows = g_steal_pointer (&self->rows);
  store->blocks = g_steal_pointer (&self->blocks);
  store->pcpu_rows = g_array_new (FALSE, FALSE, sizeof (gint));
  store->shown_rows = g_array_new (FALSE, FALSE, sizeof (gint));
  store->aliases = g_steal_pointer (&self->aliases);
  store->memory = store->n_descs * sizeof (StrataStateDesc);

  _strata_store_names_init (store);
  {
    FinishJob job = { store, self->spill, end_ns, g_new (guint8, MAX (store->rows->len, 1)), 0, 0, 0 };
    guint n_chunks = (store->rows->len + FINISH_CHUNK - 1) / FINISH_CHUNK +
                     (store->rows->len + store->aliases->len / 2 + FINISH_CHUNK - 1) / FINISH_CHUNK;

    g_mutex_init (&job.lock);
    strata_parallel_run ("strata-finish", n_chunks, finish_worker, &job);
    g_mutex_clear (&job.lock);
    store->n_changes = job.n_changes;
    store->memory += job.memory;
    for (gint r = 0; r < (gint) store->rows->len; r++)
      {
        if (job.kinds[r] & FINISH_COMPACT)
          {
            StoreRow *row = g_ptr_array_index (store->rows, r);

            if (scratch == NULL)
              scratch = strata_memory_new0 (guint32, self->n_descs);
            /* A thread row is no longer the builder's (row_let_go()). */
            store_row_compact_ids (row, row->kind == STRATA_ROW_THREAD ? NULL : self->spill, scratch);
            store->memory += row_memory (row);
          }
        if ((job.kinds[r] & ~FINISH_COMPACT) == STRATA_ROW_PCPU)
          g_array_append_val (store->pcpu_rows, r);
        if ((job.kinds[r] & ~FINISH_COMPACT) != STRATA_ROW_THREAD)
          g_array_append_val (store->shown_rows, r);
      }
    g_free (job.kinds);
  }
  store->names_ready = TRUE;
  _strata_store_build_pyramids (store, self->spill, alongside, user_data);

  /* Spilled rows stay where they are, but are no longer the builder's to free: the spill
   * file may become a saved store. Nothing is added to the spill from now on. */
  store->spill = g_steal_pointer (&self->spill);
  for (guint i = 0; i < store->shown_rows->len; i++)
    row_let_go (g_ptr_array_index (store->rows, g_array_index (store->shown_rows, gint, i)));

  strata_store_builder_free (self);
  return store;
}

void
strata_store_free (StrataStore *self)
{
  if (self == NULL)
    return;
  _strata_store_names_clear (self);
  g_array_unref (self->pcpu_rows);
  g_array_unref (self->shown_rows);
  for (guint i = 0; i < self->aliases->len; i += 2)
    g_free (g_ptr_array_index (self->aliases, i));
  g_ptr_array_unref (self->aliases);
  /* A read store's rows have their names in its file, and their memory in one block. */
  if (self->row_block != NULL)
    for (guint r = 0; r < self->rows->len; r++)
      store_row_clear (g_ptr_array_index (self->rows, r), NULL);
  g_ptr_array_unref (self->rows);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_free (self->row_block);
  if (!self->descs_mapped)
    g_free (self->descs);
  g_clear_pointer (&self->spill, strata_store_spill_unref);
  g_clear_pointer (&self->file, strata_section_file_unref);
  g_free (self);
}

gint64 strata_store_begin (StrataStore *self) { return self->begin; }
gint64 strata_store_end (StrataStore *self) { return self->end; }
guint strata_store_n_rows (StrataStore *self) { return self->rows->len; }
guint64 strata_store_n_changes (StrataStore *self) { return self->n_changes; }
guint strata_store_n_descs (StrataStore *self) { return self->n_descs; }
gsize strata_store_memory (StrataStore *self) { return self->memory; }

#define ROW(self, r) ((StoreRow *) g_ptr_array_index ((self)->rows, (r)))

/* Row @r is in: the store finds its pCPU rows without a walk over every row, of which a set
 * of many short-lived threads has hundreds of thousands. */
void
_strata_store_note_row (StrataStore *self,
                        guint        r)
{
  gint pr = (gint) r;

  if (ROW (self, r)->kind == STRATA_ROW_PCPU)
    g_array_append_val (self->pcpu_rows, pr);
  if (ROW (self, r)->kind != STRATA_ROW_THREAD)
    g_array_append_val (self->shown_rows, pr);
}

const gint *
strata_store_shown_rows (StrataStore *self,
                         guint       *n_rows)
{
  *n_rows = self->shown_rows->len;
  return (const gint *) (gpointer) self->shown_rows->data;
}

const gint *
strata_store_pcpu_rows (StrataStore *self,
                        guint       *n_rows)
{
  *n_rows = self->pcpu_rows->len;
  return (const gint *) (gpointer) self->pcpu_rows->data;
}

StrataRowKind strata_store_row_kind (StrataStore *self, guint row) { return ROW (self, row)->kind; }
guint16 strata_store_row_machine (StrataStore *self, guint row) { return ROW (self, row)->machine; }
gint64 strata_store_row_number (StrataStore *self, guint row) { return ROW (self, row)->number; }
guint64 strata_store_row_n_intervals (StrataStore *self, guint row) { return ROW (self, row)->n; }

const StrataStateDesc *
strata_store_desc (StrataStore *self,
                   guint32      desc_id)
{
  g_return_val_if_fail (desc_id < self->n_descs, NULL);
  return &self->descs[desc_id];
}


void
strata_store_interval (StrataStore    *self,
                       guint           row_index,
                       guint64         index,
                       StrataInterval *out)
{
  const StoreRow *row = ROW (self, row_index);

  g_return_if_fail (index < row->n);
  out->start = store_row_ts (row, index);
  out->end = index + 1 < row->n ? store_row_ts (row, index + 1) : self->end;
  out->desc_id = store_row_id (row, index);
  out->desc = &self->descs[out->desc_id];
  out->tid = row->kind == STRATA_ROW_THREAD ? (gint32) row->number : out->desc->tid;
}

gboolean
strata_store_lookup (StrataStore    *self,
                     guint           row_index,
                     gint64          ts,
                     StrataInterval *out)
{
  const StoreRow *row = ROW (self, row_index);
  gint64 i;

  if (row->n == 0 || ts >= self->end || (i = store_row_find_le (row, ts)) < 0)
    return FALSE;
  strata_store_interval (self, row_index, i, out);
  return TRUE;
}

void
strata_store_range (StrataStore *self,
                    guint        row_index,
                    gint64       from,
                    gint64       to,
                    guint64     *first,
                    guint64     *last)
{
  const StoreRow *row = ROW (self, row_index);
  gint64 a = store_row_find_le (row, from);
  gint64 b = store_row_find_le (row, to == G_MININT64 ? to : to - 1);

  *first = a < 0 ? 0 : a;
  *last = b < 0 ? 0 : b + 1;
  if (to <= from)
    *last = *first;
}

void
strata_store_row_mark_descs (StrataStore *self,
                             guint        row_index,
                             guint8      *used)
{
  const StoreRow *row = ROW (self, row_index);
  guint32 last = G_MAXUINT32;

  /* A palette, or a saved row's list, spares reading all its ids (all its pages) for a
   * legend. */
  if (row->palette != NULL)
    {
      for (guint i = 1; i <= row->palette[0]; i++)
        used[row->palette[i]] = 1;
      return;
    }
  for (guint64 i = 0; i < row->n; i++)
    if (store_row_id (row, i) != last)
      used[last = store_row_id (row, i)] = 1;
}
