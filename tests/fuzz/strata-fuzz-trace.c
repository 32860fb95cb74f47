/* strata-fuzz-trace.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "strata-analysis.h"
#include "strata-fuzz-trace.h"
#include "strata-staging.h"
#include "strata-trace-loader.h"

void
strata_bit_writer_init (StrataBitWriter *w)
{
  w->bytes = g_byte_array_new ();
  w->bits = 0;
}

void
strata_bit_writer_clear (StrataBitWriter *w)
{
  g_clear_pointer (&w->bytes, g_byte_array_unref);
}

static void
set_bit (StrataBitWriter *w,
         guint64          at,
         guint            bit,
         gboolean         big_endian)
{
  guint64 byte = at / 8;
  guint8 zero = 0;
  guint8 mask = big_endian ? 1u << (7 - at % 8) : 1u << (at % 8);

  while (w->bytes->len <= byte)
    g_byte_array_append (w->bytes, &zero, 1);
  if (bit)
    w->bytes->data[byte] |= mask;
  else
    w->bytes->data[byte] &= ~mask;
}

static void
put_bit (StrataBitWriter *w,
         guint            bit,
         gboolean         big_endian)
{
  set_bit (w, w->bits++, bit, big_endian);
}

void
strata_bit_writer_put_at (StrataBitWriter *w,
                          guint64          at,
                          guint64          value,
                          guint            size,
                          gboolean         big_endian)
{
  for (guint i = 0; i < size; i++)
    set_bit (w, at + i, big_endian ? (value >> (size - 1 - i)) & 1 : (value >> i) & 1, big_endian);
}

void
strata_bit_writer_align (StrataBitWriter *w,
                         guint            align)
{
  while (align > 1 && w->bits % align != 0)
    put_bit (w, 0, FALSE);
}

/* The first bit written is the value's least significant one in little endian, its most
 * significant one in big endian: libbabeltrace2's bit-field order. */
void
strata_bit_writer_put (StrataBitWriter *w,
                       guint64          value,
                       guint            size,
                       gboolean         big_endian)
{
  for (guint i = 0; i < size; i++)
    put_bit (w, big_endian ? (value >> (size - 1 - i)) & 1 : (value >> i) & 1, big_endian);
}

void
strata_bit_writer_pad_to (StrataBitWriter *w,
                          guint64          bytes)
{
  guint8 zero = 0;

  while (w->bytes->len < bytes)
    g_byte_array_append (w->bytes, &zero, 1);
  w->bits = MAX (w->bits, bytes * 8);
}

static char *process_tmp;

/* It is empty by then: each input's folder is removed after its load. */
static void
remove_process_folder (void)
{
  g_rmdir (process_tmp);
}

static const char *
process_folder (void)
{

  if (g_once_init_enter (&process_tmp))
    {
      const char *base = g_getenv ("TMPDIR") ? g_getenv ("TMPDIR") : "/tmp";
      char *dir = g_build_filename (base, "strata-fuzz-XXXXXX", NULL);

      g_assert_nonnull (g_mkdtemp (dir));
      /* Staging folders go there too, where they can be counted (if GLib has not yet
       * settled on a temporary folder: it keeps the first it finds). */
      g_setenv ("TMPDIR", dir, TRUE);
      atexit (remove_process_folder);
      g_once_init_leave (&process_tmp, dir);
    }
  return process_tmp;
}

char *
strata_fuzz_folder (void)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("trace-%u", n++);
  char *folder = g_build_filename (process_folder (), name, NULL);

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  return folder;
}

void
strata_fuzz_write (const char *folder,
                   const char *name,
                   const void *data,
                   gsize       len)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GError) error = NULL;

  if (strchr (name, '/') != NULL)
    {
      g_autofree char *parent = g_path_get_dirname (path);

      g_mkdir_with_parents (parent, 0700);
    }
  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
strata_fuzz_load (const char *folder)
{
  const char *paths[2] = { folder, NULL };
  StrataLoadOptions options = { 1, 0, NULL, NULL, 0 };
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  /* To look at what an input makes: STRATA_FUZZ_KEEP=FOLDER keeps a copy of it there. */
  if (g_getenv ("STRATA_FUZZ_KEEP") != NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s' && cp -r '%s' '%s'", g_getenv ("STRATA_FUZZ_KEEP"),
                                              folder, g_getenv ("STRATA_FUZZ_KEEP"));

      g_assert_cmpint (system (cmd), ==, 0);
    }
  set = strata_trace_load (paths, &options, NULL, &error);
  g_assert_true ((set == NULL) != (error == NULL));
  if (set != NULL)
    {
      g_autoptr(StrataAnalysis) analysis = strata_analysis_new (set, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (analysis);
      for (guint i = 0; i < set->traces->len; i++)
        {
          StrataTrace *trace = g_ptr_array_index (set->traces, i);

          g_assert_cmpuint (trace->n_cpus, <=, 8192);
        }
    }
  remove_tree (folder);
  if (g_str_equal (g_get_tmp_dir (), process_folder ()))
    {
      dir = g_dir_open (process_folder (), 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        g_assert_false (g_str_has_prefix (name, STRATA_STAGING_PREFIX));
    }
}
