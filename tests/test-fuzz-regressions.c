/* test-fuzz-regressions.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "strata-fuzz.h"

/*
 * Replays every input kept in tests/fuzz/regressions/<target>/ through the body of that
 * fuzz target (tests/fuzz/strata-fuzz-*.c), with whatever compiler built the test suite:
 * what a fuzzer once found stays fixed without clang or libFuzzer.
 */

typedef void (*FuzzBody) (const guint8 *data,
                          gsize         size);

static const struct
{
  const char *target;
  FuzzBody    body;
} targets[] = {
  { "fuzz-analysis", strata_fuzz_analysis },
  { "fuzz-roundtrip", strata_fuzz_roundtrip },
  { "fuzz-ctf-check", strata_fuzz_ctf_check },
  { "fuzz-store-file", strata_fuzz_store_file },
  { "fuzz-packet-context", strata_fuzz_packet_context },
  { "fuzz-index", strata_fuzz_index },
  { "fuzz-event-decl", strata_fuzz_event_decl },
};

typedef struct
{
  FuzzBody  body;
  char     *path;
} Case;

static void
case_free (gpointer data)
{
  Case *c = data;

  g_free (c->path);
  g_free (c);
}

static void
replay (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  gsize len = 0;

  g_file_get_contents (c->path, &bytes, &len, &error);
  g_assert_no_error (error);
  c->body ((const guint8 *) bytes, len);
}

/* An empty input and a few fixed ones, so that each body runs even with no regression kept. */
static void
smoke (gconstpointer data)
{
  FuzzBody body = (FuzzBody) data;
  guint8 bytes[512];

  body (NULL, 0);
  for (guint seed = 0; seed < 8; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

      for (guint i = 0; i < sizeof bytes; i++)
        bytes[i] = g_rand_int_range (rand, 0, 256);
      body (bytes, sizeof bytes);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (case_free);
  const char *srcdir;

  g_test_init (&argc, &argv, NULL);
  srcdir = g_getenv ("G_TEST_SRCDIR");

  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    {
      g_autofree char *smoke_path = g_strdup_printf ("/fuzz/%s/smoke", targets[t].target);
      g_autofree char *folder = g_build_filename (srcdir ? srcdir : ".", "fuzz", "regressions",
                                                  targets[t].target, NULL);
      g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      g_test_add_data_func (smoke_path, (gconstpointer) targets[t].body, smoke);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.' && strcmp (name, "README.md") != 0)
          g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
      for (guint i = 0; i < names->len; i++)
        {
          const char *file = *(const char **) &g_ptr_array_index (names, i);
          g_autofree char *test_path = g_strdup_printf ("/fuzz/%s/%s", targets[t].target, file);
          Case *c = g_new0 (Case, 1);

          c->body = targets[t].body;
          c->path = g_build_filename (folder, file, NULL);
          g_ptr_array_add (cases, c);
          g_test_add_data_func (test_path, c, replay);
        }
    }
  return g_test_run ();
}
