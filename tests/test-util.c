/* test-util.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "test-util.h"

char *
test_sample (const char *name)
{
  return g_build_filename (g_getenv ("STRATA_TRACES_DIR"), name, NULL);
}

gboolean
test_have_samples (void)
{
  const char *dir = g_getenv ("STRATA_TRACES_DIR");

  if (dir != NULL && g_file_test (dir, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_test_skip ("sample traces not found (STRATA_TRACES_DIR)");
  return FALSE;
}

void
test_run_shell (const char *cmd)
{
  const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

void
test_copy_tree (const char *from,
                const char *to)
{
  g_autofree char *cmd = g_strdup_printf ("cp -r '%s' '%s' && chmod -R u+w '%s'", from, to, to);

  test_run_shell (cmd);
}

void
test_rm_tree (const char *dir)
{
  /* Permission cases leave folders without access: give it back first. */
  g_autofree char *cmd = g_strdup_printf ("chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", dir, dir);

  test_run_shell (cmd);
}

char *
test_make_tmpdir (void)
{
  char *dir = g_dir_make_tmp ("strata-test-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return dir;
}

StrataTrace *
test_find_trace (StrataSet  *set,
                 const char *path)
{
  for (guint i = 0; i < set->traces->len; i++)
    {
      StrataTrace *t = g_ptr_array_index (set->traces, i);

      if (strcmp (t->path, path) == 0)
        return t;
    }
  return NULL;
}

gboolean
test_errors_contain (GPtrArray  *errors,
                     const char *needle1,
                     const char *needle2)
{
  for (guint i = 0; i < errors->len; i++)
    {
      const char *e = g_ptr_array_index (errors, i);

      if (strstr (e, needle1) && (needle2 == NULL || strstr (e, needle2)))
        return TRUE;
    }
  return FALSE;
}
