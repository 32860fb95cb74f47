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

struct _StrataStrtab
{
  GMutex        lock;
  GStringChunk *chunk;
  GHashTable   *index;               /* const char* (in chunk) -> id + 1 */
  const char  **pages[MAX_PAGES];
  guint         count;
  gsize         bytes;
};

StrataStrtab *
strata_strtab_new (void)
{
  StrataStrtab *self = g_new0 (StrataStrtab, 1);

  g_mutex_init (&self->lock);
  self->chunk = g_string_chunk_new (64 * 1024);
  self->index = g_hash_table_new (g_str_hash, g_str_equal);
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
  if ((id >> PAGE_BITS) >= MAX_PAGES)
    {
      /* 16 M distinct strings: a damaged trace, not a real one. Keep going without growing. */
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
