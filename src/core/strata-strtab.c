/* strata-strtab.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-strtab"

#include "config.h"

#include <string.h>

#include "strata-strtab.h"

/* Ids index a table of fixed-size pages so that readers never see a reallocated array:
 * a page, once published, stays where it is. */
#define PAGE_BITS 12
#define PAGE_SIZE (1u << PAGE_BITS)
#define MAX_PAGES 4096
#define MAX_STRINGS (MAX_PAGES * PAGE_SIZE)

struct _StrataStrtab
{
  GMutex        lock;
  GStringChunk *chunk;
  GHashTable   *index;               /* const char* (in chunk) -> id + 1 */
  const char  **pages[MAX_PAGES];
  guint         count;
  guint         limit;               /* at most this many strings, "" included */
  guint         dropped;             /* distinct strings refused past the limit */
  gsize         bytes;
};

StrataStrtab *
strata_strtab_new (void)
{
  StrataStrtab *self = g_new0 (StrataStrtab, 1);

  g_mutex_init (&self->lock);
  self->chunk = g_string_chunk_new (64 * 1024);
  self->index = g_hash_table_new (g_str_hash, g_str_equal);
  self->limit = MAX_STRINGS;
  strata_strtab_intern (self, "");
  return self;
}

void
strata_strtab_free (StrataStrtab *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < MAX_PAGES && self->pages[i] != NULL; i++)
    g_free (self->pages[i]);
  g_hash_table_unref (self->index);
  g_string_chunk_free (self->chunk);
  g_mutex_clear (&self->lock);
  g_free (self);
}

guint32
strata_strtab_intern_len (StrataStrtab *self,
                          const char   *str,
                          gssize        len)
{
  g_autofree char *copy = NULL;
  const char *key;
  gpointer value;
  guint32 id;

  g_return_val_if_fail (self != NULL, 0);

  if (str == NULL)
    return 0;
  if (len >= 0 && memchr (str, '\0', len) == NULL)
    key = copy = g_strndup (str, len);
  else
    key = str;

  g_mutex_lock (&self->lock);
  if ((value = g_hash_table_lookup (self->index, key)) != NULL)
    {
      g_mutex_unlock (&self->lock);
      return GPOINTER_TO_UINT (value) - 1;
    }

  id = self->count;
  if (id >= self->limit)
    {
      /* 16 M distinct strings: a damaged trace, not a real one. Keep going without growing,
       * and count what is lost so that the loader can say so. */
      if (self->dropped < G_MAXUINT)
        self->dropped++;
      g_mutex_unlock (&self->lock);
      return 0;
    }
  if (self->pages[id >> PAGE_BITS] == NULL)
    self->pages[id >> PAGE_BITS] = g_new0 (const char *, PAGE_SIZE);
  key = g_string_chunk_insert (self->chunk, key);
  self->pages[id >> PAGE_BITS][id & (PAGE_SIZE - 1)] = key;
  self->bytes += strlen (key) + 1 + 2 * sizeof (gpointer);
  g_hash_table_insert (self->index, (char *) key, GUINT_TO_POINTER (id + 1));
  g_atomic_int_set (&self->count, id + 1);
  g_mutex_unlock (&self->lock);

  return id;
}

guint32
strata_strtab_intern (StrataStrtab *self,
                      const char   *str)
{
  return strata_strtab_intern_len (self, str, -1);
}

const char *
strata_strtab_get (StrataStrtab *self,
                   guint32       id)
{
  g_return_val_if_fail (self != NULL, "");

  if (id >= (guint32) g_atomic_int_get (&self->count))
    return "";
  return self->pages[id >> PAGE_BITS][id & (PAGE_SIZE - 1)];
}

/* Lowers the number of distinct strings kept (the empty string included; at least 1, at
 * most 16 M): past it, strata_strtab_intern() returns 0 and counts the string as dropped. */
void
strata_strtab_set_limit (StrataStrtab *self,
                         guint         limit)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->limit = CLAMP (limit, 1, MAX_STRINGS);
  g_mutex_unlock (&self->lock);
}

/* How many times a string new to the table was refused for the limit (a string refused
 * twice counts twice: the table keeps nothing of it). */
guint
strata_strtab_n_dropped (StrataStrtab *self)
{
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->lock);
  n = self->dropped;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
strata_strtab_count (StrataStrtab *self)
{
  return g_atomic_int_get (&self->count);
}

gsize
strata_strtab_memory (StrataStrtab *self)
{
  gsize bytes;

  g_mutex_lock (&self->lock);
  bytes = self->bytes;
  g_mutex_unlock (&self->lock);
  return bytes;
}
