/* strata-discover.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-discover"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-ctf-check.h"
#include "strata-discover.h"

#define MAX_DEPTH 32
/* Folders without metadata whose files start with the CTF packet magic are damaged traces;
 * looking at a few files per folder is enough to tell. */
#define MAX_PROBED_FILES 8

typedef struct
{
  GPtrArray    *found;
  GPtrArray    *errors;
  GHashTable   *seen;       /* "dev:ino" of folders already searched */
  GPtrArray    *stack;      /* "dev:ino" of the folders on the current path */
  GPtrArray    *roots;      /* the folders given, canonical: links may lead inside them only */
  gboolean      met_seen;   /* the walk reached a folder searched before */
  GCancellable *cancellable;
} Walk;

void
strata_found_trace_free (StrataFoundTrace *found)
{
  if (found == NULL)
    return;
  g_free (found->path);
  g_free (found);
}

/* g_ptr_array_sort () passes pointers to the elements. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
dir_key (const struct stat *st)
{
  return g_strdup_printf ("%llu:%llu", (unsigned long long) st->st_dev,
                          (unsigned long long) st->st_ino);
}

static gboolean
starts_with_ctf_magic (const char *path)
{
  static const guint8 le[4] = { 0xc1, 0x1f, 0xfc, 0xc1 };
  static const guint8 be[4] = { 0xc1, 0xfc, 0x1f, 0xc1 };
  guint8 head[4];
  GStatBuf st;
  ssize_t n;
  int fd;

  /* Never a FIFO or a device: opening or reading one can block forever. */
  if ((fd = strata_open_regular (path, &st)) < 0)
    return FALSE;
  n = read (fd, head, sizeof head);
  close (fd);
  return n == 4 && (memcmp (head, le, 4) == 0 || memcmp (head, be, 4) == 0);
}

/* Whether @path (canonical) is one of the folders given or inside one. */
static gboolean
inside_roots (Walk       *walk,
              const char *path)
{
  for (guint i = 0; i < walk->roots->len; i++)
    {
      const char *root = g_ptr_array_index (walk->roots, i);
      gsize n = strlen (root);

      if (strncmp (path, root, n) == 0 && (path[n] == '\0' || path[n] == G_DIR_SEPARATOR ||
                                            (n > 0 && root[n - 1] == G_DIR_SEPARATOR)))
        return TRUE;
    }
  return FALSE;
}

/* The canonical form of @path, links resolved; NULL when it cannot be resolved. */
static char *
resolve_path (const char *path)
{
  char *resolved = realpath (path, NULL);
  char *copy;

  if (resolved == NULL)
    return NULL;
  copy = g_strdup (resolved);
  free (resolved);
  return copy;
}

/* The size and number of the stream files: what the loader plans its threads by. */
static void
measure_streams (StrataFoundTrace *found)
{
  g_autoptr(GDir) dir = g_dir_open (found->path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (found->path, name, NULL);
      GStatBuf st;

      if (name[0] == '.' || strcmp (name, "metadata") == 0)
        continue;
      if (g_stat (child, &st) == 0 && S_ISREG (st.st_mode))
        {
          found->bytes += st.st_size;
          found->n_files++;
        }
    }
}

static void
add_trace (Walk       *walk,
           const char *folder)
{
  StrataFoundTrace *found = g_new0 (StrataFoundTrace, 1);

  found->path = g_strdup (folder);
  measure_streams (found);
  g_ptr_array_add (walk->found, found);
}

static void
walk_folder (Walk       *walk,
             const char *folder,
             guint       depth)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) children = NULL;
  g_autofree char *metadata = NULL;
  g_autofree char *key = NULL;
  const char *name;
  GStatBuf st;
  guint probed = 0;
  gboolean has_stream_files = FALSE;

  if (g_cancellable_is_cancelled (walk->cancellable))
    return;

  if (g_stat (folder, &st) != 0)
    {
      g_ptr_array_add (walk->errors, g_strdup_printf (_("%s: cannot open folder: %s"),
                                                      folder, g_strerror (errno)));
      return;
    }
  key = dir_key (&st);
  for (guint i = 0; i < walk->stack->len; i++)
    if (strcmp (g_ptr_array_index (walk->stack, i), key) == 0)
      {
        g_ptr_array_add (walk->errors,
                         g_strdup_printf (_("%s: symbolic link loop (leads back to a folder above it); not followed"),
                                          folder));
        return;
      }
  /* Reached twice through different links, or given twice: read it once. */
  if (!g_hash_table_add (walk->seen, g_strdup (key)))
    {
      walk->met_seen = TRUE;
      return;
    }

  /* A trace's metadata is a regular file: a folder named `metadata` (a Python package, say)
   * is searched like any other, and a FIFO or a device is never opened. */
  metadata = g_build_filename (folder, "metadata", NULL);
  if (g_stat (metadata, &st) == 0)
    {
      if (S_ISREG (st.st_mode))
        {
          add_trace (walk, folder);
          return;
        }
      if (!S_ISDIR (st.st_mode))
        g_ptr_array_add (walk->errors,
                         g_strdup_printf (_("%s: its metadata is not a regular file (a FIFO, a socket or a device); it is not read"),
                                          folder));
    }

  if (depth >= MAX_DEPTH)
    {
      g_ptr_array_add (walk->errors,
                       g_strdup_printf (_("%s: folders nested too deep; not searched further"), folder));
      return;
    }

  if ((dir = g_dir_open (folder, 0, &error)) == NULL)
    {
      g_ptr_array_add (walk->errors, g_strdup_printf (_("%s: cannot read folder: %s"),
                                                      folder, error->message));
      return;
    }

  children = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (children, g_strdup (name));
  g_ptr_array_sort (children, compare_names);

  g_ptr_array_add (walk->stack, g_steal_pointer (&key));
  for (guint i = 0; i < children->len && !g_cancellable_is_cancelled (walk->cancellable); i++)
    {
      const char *child_name = *(const char **) &g_ptr_array_index (children, i);
      g_autofree char *child = g_build_filename (folder, child_name, NULL);
      GStatBuf lst;

      if (g_lstat (child, &lst) != 0)
        {
          if (errno != ENOENT)
            g_ptr_array_add (walk->errors, g_strdup_printf (_("%s: %s"), child, g_strerror (errno)));
          continue;
        }
      if (g_stat (child, &st) != 0)
        {
          /* A dangling link is worth a word only if it is a link at all. */
          if (S_ISLNK (lst.st_mode))
            g_ptr_array_add (walk->errors,
                             g_strdup_printf (_("%s: broken symbolic link"), child));
          else if (errno != ENOENT)
            g_ptr_array_add (walk->errors, g_strdup_printf (_("%s: %s"), child, g_strerror (errno)));
          continue;
        }
      if (S_ISDIR (st.st_mode))
        {
          if (S_ISLNK (lst.st_mode))
            {
              g_autofree char *target = resolve_path (child);

              /* A link to / or /proc would walk the whole machine. */
              if (target == NULL || !inside_roots (walk, target))
                {
                  g_ptr_array_add (walk->errors,
                                   g_strdup_printf (_("%s: symbolic link to %s, outside the folders opened; not followed"),
                                                    child, target ? target : _("a folder that cannot be resolved")));
                  continue;
                }
            }
          walk_folder (walk, child, depth + 1);
        }
      else if (S_ISREG (st.st_mode) && probed < MAX_PROBED_FILES && !has_stream_files)
        {
          probed++;
          has_stream_files = starts_with_ctf_magic (child);
        }
    }
  g_ptr_array_remove_index (walk->stack, walk->stack->len - 1);

  if (has_stream_files)
    g_ptr_array_add (walk->errors,
                     g_strdup_printf (_("%s: CTF stream files without a metadata file; the trace cannot be read"),
                                      folder));
  return;
}

static int
compare_found (gconstpointer a,
               gconstpointer b)
{
  const StrataFoundTrace *fa = *(const StrataFoundTrace * const *) a;
  const StrataFoundTrace *fb = *(const StrataFoundTrace * const *) b;

  return strcmp (fa->path, fb->path);
}

GPtrArray *
strata_discover_traces (const char * const *paths,
                        GPtrArray          *errors,
                        GCancellable       *cancellable)
{
  Walk walk = { 0 };

  g_return_val_if_fail (paths != NULL, NULL);
  g_return_val_if_fail (errors != NULL, NULL);

  walk.found = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_found_trace_free);
  walk.errors = errors;
  walk.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  walk.stack = g_ptr_array_new_with_free_func (g_free);
  walk.roots = g_ptr_array_new_with_free_func (g_free);
  walk.cancellable = cancellable;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      char *root = paths[i][0] != '\0' ? resolve_path (paths[i]) : NULL;

      if (root != NULL)
        g_ptr_array_add (walk.roots, root);
    }

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *base = NULL;
      GStatBuf st;

      if (paths[i][0] == '\0')
        {
          g_ptr_array_add (errors, g_strdup (_("an empty path names no folder")));
          continue;
        }
      base = g_path_get_basename (paths[i]);
      if (g_stat (paths[i], &st) != 0)
        {
          g_ptr_array_add (errors, g_strdup_printf (_("%s: %s"), paths[i], g_strerror (errno)));
          continue;
        }
      /* A metadata file stands for its trace folder. */
      if (S_ISREG (st.st_mode) && strcmp (base, "metadata") == 0)
        path = g_path_get_dirname (paths[i]);
      else if (S_ISDIR (st.st_mode))
        path = g_strdup (paths[i]);
      else
        {
          g_ptr_array_add (errors, g_strdup_printf (_("%s: not a folder"), paths[i]));
          continue;
        }

      {
        guint before = walk.found->len, errors_before = errors->len;

        /* A folder searched already (given twice, or one given inside another) adds
         * nothing, and that is no problem. */
        walk.met_seen = FALSE;
        walk_folder (&walk, path, 0);
        if (walk.found->len == before && errors->len == errors_before && !walk.met_seen &&
            !g_cancellable_is_cancelled (cancellable))
          g_ptr_array_add (errors, g_strdup_printf (_("%s: no CTF trace found in this folder"), path));
      }
    }

  /* Each trace once, whichever paths led to it. */
  for (guint i = 0; i < walk.found->len; i++)
    {
      StrataFoundTrace *f = g_ptr_array_index (walk.found, i);

      for (guint j = i + 1; j < walk.found->len; j++)
        if (strcmp (f->path, ((StrataFoundTrace *) g_ptr_array_index (walk.found, j))->path) == 0)
          g_ptr_array_remove_index (walk.found, j--);
    }

  g_ptr_array_sort (walk.found, compare_found);
  g_hash_table_unref (walk.seen);
  g_ptr_array_unref (walk.stack);
  g_ptr_array_unref (walk.roots);
  return walk.found;
}
