/* strata-cache.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-cache"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <babeltrace2/babeltrace.h>

#include "strata-analysis-file.h"
#include "strata-cache.h"
#include "strata-code-id.h"
#include "strata-discover.h"

#define TAG_KEY STRATA_FOURCC ('S', 'K', 'E', 'Y')
#define SUFFIX ".strata"
/* A temporary file this old belongs to a process that died. */
#define STALE_SECONDS (24 * 3600)

struct _StrataCache
{
  gatomicrefcount  ref_count;
  char            *dir;
  guint64          limit;
  GMutex           lock;
  char            *problem;       /* why saving failed, until told */
  gboolean         told;
};

struct _StrataCacheSave
{
  StrataCache      *cache;
  char             *key;
  char             *tmp_path;
  char             *path;
  int               fd;
  StrataStoreSpill *spill;
  gboolean          committed;
};

G_DEFINE_BOXED_TYPE (StrataCache, strata_cache, strata_cache_ref, strata_cache_unref)

StrataCache *
strata_cache_new (const char *dir,
                  guint64     limit_bytes)
{
  StrataCache *self = g_new0 (StrataCache, 1);
  const char *env = g_getenv ("STRATA_CACHE_LIMIT_MB");

  g_atomic_ref_count_init (&self->ref_count);
  self->dir = dir ? g_strdup (dir) : g_build_filename (g_get_user_cache_dir (), "strata", NULL);
  if (limit_bytes == 0 && env != NULL && g_ascii_strtoull (env, NULL, 10) > 0)
    limit_bytes = g_ascii_strtoull (env, NULL, 10) << 20;
  self->limit = limit_bytes ? limit_bytes : STRATA_CACHE_DEFAULT_LIMIT;
  g_mutex_init (&self->lock);
  return self;
}

StrataCache *
strata_cache_ref (StrataCache *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
strata_cache_unref (StrataCache *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->dir);
  g_free (self->problem);
  g_mutex_clear (&self->lock);
  g_free (self);
}

const char *
strata_cache_get_dir (StrataCache *self)
{
  return self->dir;
}

guint64
strata_cache_get_limit (StrataCache *self)
{
  return self->limit;
}


/* Key */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Every regular file of a trace folder: what changes when a trace is rewritten, cut or
 * replaced, without reading the stream files. The metadata is read: it is small. */
static void
key_folder (GString    *key,
            const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *real = realpath (folder, NULL);
  const char *name;

  g_string_append_printf (key, "trace %s\n", real ? real : folder);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (folder, file, NULL);
      struct stat st;

      if (stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      g_string_append_printf (key, "file %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT ".%09ld %"
                              G_GINT64_FORMAT ".%09ld %" G_GUINT64_FORMAT,
                              file, (gint64) st.st_size, (gint64) st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                              (gint64) st.st_ctim.tv_sec, st.st_ctim.tv_nsec, (guint64) st.st_ino);
      if (strcmp (file, "metadata") == 0)
        {
          g_autofree char *text = NULL;
          gsize len = 0;

          if (g_file_get_contents (path, &text, &len, NULL))
            g_string_append_printf (key, " %016" G_GINT64_MODIFIER "x", strata_hash64 (text, len, 0));
        }
      g_string_append_c (key, '\n');
    }
}

char *
strata_cache_make_key (const char * const *paths,
                       GPtrArray          *found,
                       const StrataVmMap  *maps,
                       guint               n_maps)
{
  GString *key = g_string_new (NULL);
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_free);

  g_string_append_printf (key, "strata saved analysis %u %u %u %u %s babeltrace2 %u.%u.%u\n",
                          STRATA_CACHE_FORMAT_VERSION, STRATA_ANALYSIS_FILE_VERSION,
                          STRATA_STORE_FORMAT_VERSION, STRATA_STORE_SUMMARY_VERSION, STRATA_CODE_ID,
                          bt_version_get_major (), bt_version_get_minor (), bt_version_get_patch ());
  /* Paths as given: messages and trace paths quote them. */
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *cwd = g_path_is_absolute (paths[i]) ? NULL : g_get_current_dir ();

      g_string_append_printf (key, "path %s%s%s\n", cwd ? cwd : "", cwd ? " " : "", paths[i]);
    }
  for (guint i = 0; i < n_maps; i++)
    g_ptr_array_add (links, g_strdup_printf ("map %s=%" G_GINT64_FORMAT "\n", maps[i].guest, maps[i].host_pid));
  g_ptr_array_sort (links, compare_strings);
  for (guint i = 0; i < links->len; i++)
    g_string_append (key, g_ptr_array_index (links, i));
  for (guint i = 0; i < found->len; i++)
    key_folder (key, ((StrataFoundTrace *) g_ptr_array_index (found, i))->path);
  return g_string_free (key, FALSE);
}

static char *
entry_name (const char *key)
{
  gsize len = strlen (key);

  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x" SUFFIX,
                          strata_hash64 (key, len, 1), strata_hash64 (key, len, 2));
}


/* Lookup */

/* Removes @path if it is still the file @st describes: another process may have put a sound
 * one there meanwhile. */
static void
remove_if_same (const char        *path,
                const struct stat *st)
{
  struct stat now;

  if (stat (path, &now) == 0 && now.st_ino == st->st_ino && now.st_dev == st->st_dev)
    g_unlink (path);
}

StrataAnalysis *
strata_cache_lookup (StrataCache *self,
                     const char  *key)
{
  g_autofree char *name = entry_name (key);
  g_autofree char *path = g_build_filename (self->dir, name, NULL);
  g_autoptr(StrataSectionFile) file = NULL;
  g_autoptr(GError) error = NULL;
  StrataAnalysis *analysis = NULL;
  const guint8 *stored;
  gsize stored_len;
  struct stat st;

  if (stat (path, &st) != 0)
    return NULL;
  file = strata_section_file_open (path, STRATA_ANALYSIS_FILE_KIND, &error);
  if (file == NULL)
    g_debug ("%s: %s", path, error->message);
  else if (!strata_section_file_lookup (file, TAG_KEY, NULL, &stored, &stored_len) ||
           stored_len != strlen (key) || memcmp (stored, key, stored_len) != 0)
    g_debug ("%s: saved for another set, or by other code", path);
  else if ((analysis = strata_analysis_read (file, &error)) == NULL)
    g_debug ("%s: %s", path, error->message);

  if (analysis == NULL)
    {
      remove_if_same (path, &st);
      return NULL;
    }
  /* Used now: the last to go when the folder is over its limit. */
  utimensat (AT_FDCWD, path, NULL, 0);
  return analysis;
}


/* Saving */

static void
set_problem (StrataCache *self,
             const char  *message)
{
  g_mutex_lock (&self->lock);
  if (self->problem == NULL)
    self->problem = g_strdup (message);
  g_mutex_unlock (&self->lock);
}

char *
strata_cache_take_problem (StrataCache *self)
{
  char *problem = NULL;

  g_mutex_lock (&self->lock);
  if (self->problem != NULL && !self->told)
    {
      problem = g_strdup (self->problem);
      self->told = TRUE;
    }
  g_mutex_unlock (&self->lock);
  return problem;
}

StrataCacheSave *
strata_cache_save_begin (StrataCache  *self,
                         const char   *key,
                         GError      **error)
{
  g_autoptr(StrataCacheSave) save = g_new0 (StrataCacheSave, 1);
  g_autofree char *name = entry_name (key);
  g_autofree char *template = g_strconcat (name, ".XXXXXX", NULL);
  int saved;

  save->fd = -1;
  save->cache = strata_cache_ref (self);
  save->key = g_strdup (key);
  save->path = g_build_filename (self->dir, name, NULL);
  save->tmp_path = g_build_filename (self->dir, template, NULL);
  if (g_mkdir_with_parents (self->dir, 0700) != 0 ||
      (save->fd = g_mkstemp_full (save->tmp_path, O_RDWR | O_CLOEXEC, 0600)) < 0)
    {
      g_autofree char *message = NULL;

      saved = errno;
      message = g_strdup_printf (_("Cannot save analyses in %s: %s"), self->dir, g_strerror (saved));
      set_problem (self, message);
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), message);
      return NULL;
    }
  return g_steal_pointer (&save);
}

StrataStoreSpill *
strata_cache_save_get_spill (StrataCacheSave  *save,
                             GError          **error)
{
  int fd;

  if (save->spill != NULL)
    return save->spill;
  if ((fd = dup (save->fd)) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      return NULL;
    }
  save->spill = strata_store_spill_new (fd, error);
  return save->spill;
}

typedef struct
{
  char    *name;
  guint64  bytes;
  gint64   used;       /* ns */
} Entry;

static int
compare_used (gconstpointer a,
              gconstpointer b)
{
  const Entry *x = a, *y = b;

  return x->used < y->used ? -1 : x->used > y->used;
}

/* The saved analyses, oldest use first; stale temporary files go on the way. */
static GArray *
list_entries (StrataCache *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  const char *name;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->dir, name, NULL);
      struct stat st;

      if (strstr (name, SUFFIX) == NULL || lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (!g_str_has_suffix (name, SUFFIX))
        {
          if (now - st.st_mtime > STALE_SECONDS)
            g_unlink (path);
          continue;
        }
      {
        Entry e = { g_strdup (name), (guint64) st.st_blocks * 512,
                    (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec };

        g_array_append_val (entries, e);
      }
    }
  g_array_sort (entries, compare_used);
  return entries;
}

static void
entries_free (GArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    g_free (g_array_index (entries, Entry, i).name);
  g_array_unref (entries);
}

guint64
strata_cache_get_size (StrataCache *self)
{
  GArray *entries = list_entries (self);
  guint64 total = 0;

  for (guint i = 0; i < entries->len; i++)
    total += g_array_index (entries, Entry, i).bytes;
  entries_free (entries);
  return total;
}

/* The least recently used go until the rest fit the limit; @keep stays. */
static void
evict (StrataCache *self,
       const char  *keep)
{
  GArray *entries = list_entries (self);
  guint64 total = 0;

  for (guint i = 0; i < entries->len; i++)
    total += g_array_index (entries, Entry, i).bytes;
  for (guint i = 0; i < entries->len && total > self->limit; i++)
    {
      Entry *e = &g_array_index (entries, Entry, i);
      g_autofree char *path = NULL;

      if (g_strcmp0 (e->name, keep) == 0)
        continue;
      path = g_build_filename (self->dir, e->name, NULL);
      if (g_unlink (path) == 0)
        total -= e->bytes;
    }
  entries_free (entries);
}

gboolean
strata_cache_save_commit (StrataCacheSave  *save,
                          StrataAnalysis   *analysis,
                          GError          **error)
{
  g_autoptr(StrataSectionWriter) writer = NULL;
  g_autofree char *name = g_path_get_basename (save->path);
  guint64 start = STRATA_SECTION_FILE_DATA_START;

  g_return_val_if_fail (!save->committed, FALSE);

  if (save->spill != NULL)
    start = strata_store_spill_get_size (save->spill);
  writer = strata_section_writer_new (save->fd, STRATA_ANALYSIS_FILE_KIND, start);
  strata_section_writer_begin (writer, TAG_KEY, STRATA_CACHE_FORMAT_VERSION);
  strata_section_writer_write (writer, save->key, strlen (save->key));
  strata_section_writer_end (writer);
  strata_analysis_write (analysis, writer);
  if (!strata_section_writer_finish (writer, error))
    return FALSE;
  if (g_rename (save->tmp_path, save->path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      return FALSE;
    }
  save->committed = TRUE;
  evict (save->cache, name);
  return TRUE;
}

void
strata_cache_save_free (StrataCacheSave *save)
{
  if (save == NULL)
    return;
  if (!save->committed && save->fd >= 0)
    g_unlink (save->tmp_path);
  if (save->fd >= 0)
    close (save->fd);
  g_clear_pointer (&save->spill, strata_store_spill_unref);
  g_clear_pointer (&save->cache, strata_cache_unref);
  g_free (save->key);
  g_free (save->tmp_path);
  g_free (save->path);
  g_free (save);
}

gboolean
strata_cache_forget (StrataCache  *self,
                     GError      **error)
{
  GArray *entries = list_entries (self);
  gboolean ok = TRUE;

  for (guint i = 0; i < entries->len; i++)
    {
      g_autofree char *path = g_build_filename (self->dir, g_array_index (entries, Entry, i).name, NULL);

      if (g_unlink (path) != 0 && errno != ENOENT && ok)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot remove %s: %s"), path, g_strerror (saved));
          ok = FALSE;
        }
    }
  entries_free (entries);
  return ok;
}
