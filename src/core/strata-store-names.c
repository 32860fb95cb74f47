/* strata-store-names.c: rows' names, and rows found by name
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-store"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strata-memory.h"
#include "strata-store-private.h"

#define ROW(self, r) ((StoreRow *) g_ptr_array_index ((self)->rows, (r)))

/* @v in decimal into @out (at least 10 bytes), without a NUL; returns its length. By hand: a
 * switch-heavy set names hundreds of thousands of thread rows. */
static gsize
format_tid (guint32  v,
            char    *out)
{
  char digits[10];
  gsize n = 0, len;

  do
    digits[n++] = (char) ('0' + v % 10);
  while ((v /= 10) != 0);
  for (len = n; n > 0; n--)
    out[len - n] = digits[n - 1];
  return len;
}

#define THREAD_INFIX "thread/"
#define THREAD_INFIX_LEN (sizeof THREAD_INFIX - 1)

gboolean
store_thread_name_prefix (const char *name,
                          gint64      number,
                          gsize      *prefix_len)
{
  char tail[THREAD_INFIX_LEN + 10];
  gsize len = strlen (name), n;

  if (number <= 0 || number > G_MAXINT32)
    return FALSE;
  memcpy (tail, THREAD_INFIX, THREAD_INFIX_LEN);
  n = THREAD_INFIX_LEN + format_tid ((guint32) number, tail + THREAD_INFIX_LEN);
  if (len < n || memcmp (name + len - n, tail, n) != 0)
    return FALSE;
  *prefix_len = len - n;
  return TRUE;
}

gsize
store_row_name_len (const StoreRow *row)
{
  char digits[10];

  if (!row->name_tid)
    return strlen (row->name);
  return strlen (row->name) + THREAD_INFIX_LEN + format_tid ((guint32) row->number, digits);
}

void
store_row_name_write (const StoreRow *row,
                      char           *out)
{
  gsize len = strlen (row->name);

  memcpy (out, row->name, len);
  if (row->name_tid)
    {
      memcpy (out + len, THREAD_INFIX, THREAD_INFIX_LEN);
      len += THREAD_INFIX_LEN;
      len += format_tid ((guint32) row->number, out + len);
    }
  out[len] = '\0';
}

static gpointer
names_thread (gpointer data)
{
  StrataStore *self = data;

  /* Aliases after rows: a name is found as the last entered. */
  for (guint r = 0; r < self->rows->len + self->aliases->len / 2; r++)
    _strata_store_names_add (self, r + 1);
  return NULL;
}

void
_strata_store_names_later (StrataStore *self)
{
  self->names_thread = g_thread_try_new ("strata-store-names", names_thread, self, NULL);
  if (self->names_thread == NULL)
    names_thread (self);
  if (self->names_thread == NULL)
    g_atomic_int_set (&self->names_ready, TRUE);
}

static void
names_wait (StrataStore *self)
{
  if (g_atomic_int_get (&self->names_ready))
    return;
  g_mutex_lock (&self->names_lock);
  if (self->names_thread != NULL)
    g_thread_join (g_steal_pointer (&self->names_thread));
  g_atomic_int_set (&self->names_ready, TRUE);
  g_mutex_unlock (&self->names_lock);
}

/* The table of names, once it is filled, and its locks, which exist once it does
 * (_strata_store_names_init()). */
static void
names_table_drop (StrataStore *self)
{
  if (self->names != NULL)
    {
      names_wait (self);
      g_mutex_clear (&self->names_lock);
      g_mutex_clear (&self->derived_lock);
    }
  g_clear_pointer (&self->names, g_free);
  g_clear_pointer (&self->name_hashes, g_free);
}

void
_strata_store_names_clear (StrataStore *self)
{
  names_table_drop (self);
  g_clear_pointer (&self->thread_index, g_free);
  g_clear_pointer (&self->derived_names, g_hash_table_unref);
}

static guint32
name_hash (const char *name)
{
  /* The string hash mixed: names differ mostly at their ends. */
  return g_str_hash (name) * 0x9e3779b1u;
}

/* The first slot of @hash: its high bits, as the mixing leaves them best spread. */
static guint32
names_slot (StrataStore *self,
            guint32      hash)
{
  return (guint32) (((guint64) hash * (self->names_mask + 1ull)) >> 32);
}

/* The name of index entry @entry, and its row. */
static const char *
names_entry (StrataStore *self,
             guint32      entry,
             gint        *row)
{
  guint32 i = entry - 1;

  if (i < self->rows->len)
    {
      *row = (gint) i;
      return ROW (self, i)->name_tid ? NULL : ROW (self, i)->name;
    }
  i = 2 * (i - self->rows->len);
  *row = (gint) GPOINTER_TO_UINT (g_ptr_array_index (self->aliases, i + 1));
  return g_ptr_array_index (self->aliases, i);
}

void
_strata_store_names_init (StrataStore *self)
{
  guint64 n = (guint64) self->rows->len + self->aliases->len / 2;
  guint64 named = self->aliases->len / 2;
  guint64 size = 16;

  for (guint r = 0; r < self->rows->len; r++)
    named += !ROW (self, r)->name_tid;
  while (size / 4 * 3 < named)
    size *= 2;
  names_table_drop (self);
  g_mutex_init (&self->names_lock);
  g_mutex_init (&self->derived_lock);
  self->names = strata_memory_new0 (gint, size);
  self->names_mask = size - 1;
  self->name_hashes = g_new (guint32, MAX (n, 1));
}

void
_strata_store_names_add (StrataStore *self,
                         guint32      entry)
{
  gint row;
  const char *name = names_entry (self, entry, &row);
  guint32 hash;

  /* A thread row whose name is not kept whole is found through thread_index. */
  if (name == NULL)
    return;
  hash = name_hash (name);
  /* Before the entry is in a slot, where other threads may find it. */
  self->name_hashes[entry - 1] = hash;
  for (guint32 s = names_slot (self, hash);; s = (s + 1) & self->names_mask)
    {
      guint32 other = (guint32) g_atomic_int_get (&self->names[s]);

      if (other == 0)
        {
          if (g_atomic_int_compare_and_exchange (&self->names[s], 0, (gint) entry))
            return;
          other = (guint32) g_atomic_int_get (&self->names[s]);
        }
      if (self->name_hashes[other - 1] == hash && strcmp (names_entry (self, other, &row), name) == 0)
        {
          while (other < entry && !g_atomic_int_compare_and_exchange (&self->names[s], (gint) other, (gint) entry))
            other = (guint32) g_atomic_int_get (&self->names[s]);
          return;
        }
    }
}

static int
compare_u64 (gconstpointer a,
             gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return (x > y) - (x < y);
}

/* The rows whose name is not kept whole, by tid then row: made when one is first looked up
 * by name (the analysis never does; a view or a command may). */
static const guint64 *
thread_index (StrataStore *self,
              guint       *n)
{
  g_mutex_lock (&self->derived_lock);
  if (self->thread_index == NULL)
    {
      guint k = 0;

      for (guint r = 0; r < self->rows->len; r++)
        k += ROW (self, r)->name_tid;
      self->thread_index = g_new (guint64, MAX (k, 1));
      k = 0;
      for (guint r = 0; r < self->rows->len; r++)
        if (ROW (self, r)->name_tid)
          self->thread_index[k++] = (guint64) ROW (self, r)->number << 32 | r;
      qsort (self->thread_index, k, sizeof (guint64), compare_u64);
      self->n_thread_index = k;
    }
  *n = self->n_thread_index;
  g_mutex_unlock (&self->derived_lock);
  return self->thread_index;
}

/* @name as the name of a row that does not keep it whole: PREFIX "thread/" TID, the TID
 * written as a kernel's (no sign, no leading zero). Of two rows of one name, the greater. */
static gint
find_thread_row (StrataStore *self,
                 const char  *name)
{
  const char *slash = strrchr (name, '/'), *p;
  const guint64 *index;
  guint64 tid = 0;
  gsize prefix_len;
  guint n, lo = 0, hi;

  if (slash == NULL || (gsize) (slash + 1 - name) < THREAD_INFIX_LEN ||
      memcmp (slash + 1 - THREAD_INFIX_LEN, THREAD_INFIX, THREAD_INFIX_LEN) != 0 ||
      slash[1] < '1' || slash[1] > '9')
    return -1;
  for (p = slash + 1; *p >= '0' && *p <= '9' && tid <= G_MAXINT32; p++)
    tid = tid * 10 + (guint64) (*p - '0');
  if (*p != '\0' || tid > G_MAXINT32)
    return -1;
  prefix_len = (gsize) (slash + 1 - THREAD_INFIX_LEN - name);
  index = thread_index (self, &n);
  /* The first entry past the tid's, then back through the tid's. */
  for (hi = n; lo < hi;)
    {
      guint mid = lo + (hi - lo) / 2;

      if (index[mid] >> 32 <= tid)
        lo = mid + 1;
      else
        hi = mid;
    }
  while (lo > 0 && index[lo - 1] >> 32 == tid)
    {
      const StoreRow *row = ROW (self, (guint) (index[--lo] & G_MAXUINT32));

      if (strlen (row->name) == prefix_len && memcmp (row->name, name, prefix_len) == 0)
        return (gint) (index[lo] & G_MAXUINT32);
    }
  return -1;
}

gint
strata_store_find_row (StrataStore *self,
                       const char  *name)
{
  guint32 hash;

  g_return_val_if_fail (name != NULL, -1);

  names_wait (self);

  hash = name_hash (name);
  for (guint32 s = names_slot (self, hash); self->names[s] != 0; s = (s + 1) & self->names_mask)
    {
      guint32 entry = (guint32) self->names[s];
      gint row;

      if (self->name_hashes[entry - 1] == hash && strcmp (names_entry (self, entry, &row), name) == 0)
        return row;
    }
  return find_thread_row (self, name);
}

const char *
strata_store_row_name (StrataStore *self,
                       guint        r)
{
  const StoreRow *row = ROW (self, r);
  char *name;

  if (!row->name_tid)
    return row->name;
  g_mutex_lock (&self->derived_lock);
  if (self->derived_names == NULL)
    self->derived_names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  if ((name = g_hash_table_lookup (self->derived_names, GUINT_TO_POINTER (r))) == NULL)
    {
      name = g_malloc (store_row_name_len (row) + 1);
      store_row_name_write (row, name);
      g_hash_table_insert (self->derived_names, GUINT_TO_POINTER (r), name);
    }
  g_mutex_unlock (&self->derived_lock);
  return name;
}
