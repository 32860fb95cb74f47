/* strata-app-util.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-app-util"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-app-util.h"
#include "strata-time.h"

/* STRATA_BUILD_ROOT, STRATA_DEMO_DIR and STRATA_BUILD_DEMO_DIR come from src/app/meson.build. */

/**
 * strata_app_running_from_build_tree:
 *
 * Whether the running executable lies in the meson build tree it was built in, as
 * `_build/src/app/strata` and the test programs do. Such a run finds the demo set and the
 * compiled schema in the build tree instead of the install prefix.
 */
gboolean
strata_app_running_from_build_tree (void)
{
  static gsize initialized;
  static gboolean in_build_tree;

  if (g_once_init_enter (&initialized))
    {
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

      in_build_tree = exe != NULL &&
                      g_str_has_prefix (exe, STRATA_BUILD_ROOT G_DIR_SEPARATOR_S);
      g_once_init_leave (&initialized, 1);
    }

  return in_build_tree;
}

/**
 * strata_app_dup_demo_dir:
 *
 * The folder of the demo trace set: `$STRATA_DEMO_DIR` when set, the one generated in the
 * build tree when running from there, else the installed one.
 *
 * Returns: (transfer full): a path, which may not exist
 */
char *
strata_app_dup_demo_dir (void)
{
  const char *env = g_getenv ("STRATA_DEMO_DIR");

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  if (strata_app_running_from_build_tree ())
    return g_strdup (STRATA_BUILD_DEMO_DIR);

  return g_strdup (STRATA_DEMO_DIR);
}

/**
 * strata_app_settings_new:
 *
 * Returns: (transfer full) (nullable): the application's settings, or %NULL when the schema
 *   is not installed (g_settings_new() would abort): the app then remembers nothing.
 */
GSettings *
strata_app_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, STRATA_SCHEMA_ID, TRUE);

  if (schema == NULL)
    {
      static gsize warned;

      if (g_once_init_enter (&warned))
        {
          g_warning ("Settings schema %s is not installed: recent sets and window size "
                     "are not remembered", STRATA_SCHEMA_ID);
          g_once_init_leave (&warned, 1);
        }
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

/**
 * strata_app_remember_set:
 * @settings: (nullable): from strata_app_settings_new()
 * @paths: the folders the set was opened from
 *
 * Puts @paths first in `recent-sets`, dropping an older entry for the same folders and
 * keeping at most %STRATA_RECENT_SETS_MAX entries.
 */
void
strata_app_remember_set (GSettings          *settings,
                         const char * const *paths)
{
  g_autoptr(GVariant) recent = NULL;
  g_autoptr(GVariantBuilder) builder = NULL;
  GVariantIter iter;
  GVariant *child;
  guint n = 1;

  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));
  g_return_if_fail (paths != NULL && paths[0] != NULL);

  /* Settings hold text: a folder whose name is not UTF-8 is not remembered. */
  if (settings == NULL || !strata_app_strv_is_utf8 (paths))
    return;

  recent = g_settings_get_value (settings, "recent-sets");
  builder = g_variant_builder_new (G_VARIANT_TYPE ("aas"));
  g_variant_builder_add_value (builder, g_variant_new_strv (paths, -1));

  g_variant_iter_init (&iter, recent);
  while ((child = g_variant_iter_next_value (&iter)))
    {
      g_autofree const char **old = g_variant_get_strv (child, NULL);

      if (n < STRATA_RECENT_SETS_MAX && old[0] != NULL &&
          !g_strv_equal ((const char * const *) old, paths))
        {
          g_variant_builder_add_value (builder, child);
          n++;
        }
      g_variant_unref (child);
    }

  g_settings_set_value (settings, "recent-sets", g_variant_builder_end (builder));
}

/**
 * strata_app_forget_set:
 * @settings: (nullable): from strata_app_settings_new()
 * @paths: the folders of a set in `recent-sets`
 *
 * Removes @paths from `recent-sets`; the others keep their order.
 */
void
strata_app_forget_set (GSettings          *settings,
                       const char * const *paths)
{
  g_autoptr(GVariant) recent = NULL;
  g_autoptr(GVariantBuilder) builder = NULL;
  GVariantIter iter;
  GVariant *child;

  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));
  g_return_if_fail (paths != NULL);

  if (settings == NULL)
    return;

  recent = g_settings_get_value (settings, "recent-sets");
  builder = g_variant_builder_new (G_VARIANT_TYPE ("aas"));
  g_variant_iter_init (&iter, recent);
  while ((child = g_variant_iter_next_value (&iter)))
    {
      g_autofree const char **old = g_variant_get_strv (child, NULL);

      if (!g_strv_equal ((const char * const *) old, paths))
        g_variant_builder_add_value (builder, child);
      g_variant_unref (child);
    }

  g_settings_set_value (settings, "recent-sets", g_variant_builder_end (builder));
}

/**
 * strata_app_dup_export_folder:
 * @settings: (nullable): from strata_app_settings_new()
 *
 * Returns: (transfer full): the folder an export was last written to, when it still
 *   exists, else the Pictures folder, else the home folder
 */
char *
strata_app_dup_export_folder (GSettings *settings)
{
  g_autofree char *last = NULL;
  const char *pictures;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  if (settings != NULL)
    last = g_settings_get_string (settings, "export-folder");
  if (last != NULL && g_path_is_absolute (last) && g_file_test (last, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&last);

  pictures = g_get_user_special_dir (G_USER_DIRECTORY_PICTURES);
  if (pictures != NULL && g_file_test (pictures, G_FILE_TEST_IS_DIR))
    return g_strdup (pictures);

  return g_strdup (g_get_home_dir ());
}

/**
 * strata_app_remember_export_folder:
 * @file: an image just exported
 *
 * Remembers the folder of @file, where the next export dialog opens.
 */
void
strata_app_remember_export_folder (GSettings  *settings,
                                   const char *file)
{
  g_autofree char *folder = NULL;

  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));
  g_return_if_fail (file != NULL);

  if (settings == NULL || !g_path_is_absolute (file))
    return;
  folder = g_path_get_dirname (file);
  g_settings_set_string (settings, "export-folder", folder);
}

/**
 * strata_app_export_name:
 * @set_name: from strata_app_set_name()
 * @visible: the range shown
 * @document: the set's whole range
 *
 * The file name an export proposes, without its extension: the set's name, and when only part
 * of the set is shown, where that part starts (UTC, as precise as its length needs) and how long
 * it is: "server1 + host 15-26-40.004, 250.000 ms". No "/" or ":", which some file systems
 * refuse.
 *
 * Returns: (transfer full): a file name
 */
char *
strata_app_export_name (const char     *set_name,
                        StrataTimeSpan  visible,
                        StrataTimeSpan  document)
{
  g_autofree char *start = NULL;
  g_autofree char *length = NULL;
  g_autofree char *name = NULL;
  gint64 duration = strata_time_span_duration (visible);
  gint64 step = 1;

  g_return_val_if_fail (set_name != NULL, NULL);

  if (set_name[0] == '\0')
    set_name = "strata";
  if (strata_time_span_is_empty (visible) ||
      (visible.begin <= document.begin && visible.end >= document.end))
    name = g_strdup (set_name);
  else
    {
      /* The start to about a thousandth of the length. */
      while (step * 1000 <= duration && step < G_GINT64_CONSTANT (1000000000))
        step *= 10;
      start = strata_time_format_tick (visible.begin, step);
      length = strata_time_format_duration (duration);
      /* Translators: the file name an export proposes: the set's name, the time the image
       * starts at, and how long a range it shows, as in "server1 + host 15-26-40.004, 250.000 ms" */
      name = g_strdup_printf (_("%s %s, %s"), set_name, start, length);
    }

  g_strdelimit (name, "/:", '-');
  return g_steal_pointer (&name);
}

/* Sets remembered in the settings' guest-links, the most recent last. */
#define GUEST_LINKS_MAX 20

static char *
set_key (const char * const *paths)
{
  return g_strjoinv ("\n", (char **) paths);
}

/**
 * strata_app_dup_guest_links:
 *
 * Returns: (transfer full) (nullable): the guests linked by hand in the set of @paths, as
 *   `a{sx}` (guest machine → the VM's qemu pid), or %NULL for none
 */
GVariant *
strata_app_dup_guest_links (GSettings          *settings,
                            const char * const *paths)
{
  g_autoptr(GVariant) all = NULL;
  g_autofree char *key = NULL;

  if (settings == NULL || paths == NULL || !strata_app_strv_is_utf8 (paths))
    return NULL;
  key = set_key (paths);
  all = g_settings_get_value (settings, "guest-links");
  return g_variant_lookup_value (all, key, G_VARIANT_TYPE ("a{sx}"));
}

/**
 * strata_app_remember_guest_link:
 * @vm_pid: the VM's qemu process id, or 0 to forget the guest's link
 *
 * Remembers that @guest, in the set of @paths, runs in the VM of @vm_pid, as `--map` says it.
 * A guest links to one VM and a VM to one guest: the links this one replaces are forgotten.
 */
void
strata_app_remember_guest_link (GSettings          *settings,
                                const char * const *paths,
                                const char         *guest,
                                gint64              vm_pid)
{
  g_autoptr(GVariant) all = NULL;
  g_autoptr(GVariant) previous = NULL;
  g_autofree char *key = NULL;
  GVariantBuilder builder, links;
  GVariantIter iter;
  const char *other;
  GVariant *value;
  gint64 pid;
  gsize n, skip;
  gboolean any = FALSE;

  if (settings == NULL || paths == NULL || guest == NULL || !strata_app_strv_is_utf8 (paths) ||
      !g_utf8_validate (guest, -1, NULL))
    return;
  key = set_key (paths);
  all = g_settings_get_value (settings, "guest-links");

  g_variant_builder_init (&links, G_VARIANT_TYPE ("a{sx}"));
  previous = g_variant_lookup_value (all, key, G_VARIANT_TYPE ("a{sx}"));
  if (previous != NULL)
    {
      g_variant_iter_init (&iter, previous);
      while (g_variant_iter_next (&iter, "{&sx}", &other, &pid))
        if (g_strcmp0 (other, guest) != 0 && pid != vm_pid)
          {
            g_variant_builder_add (&links, "{sx}", other, pid);
            any = TRUE;
          }
    }
  if (vm_pid > 0)
    {
      g_variant_builder_add (&links, "{sx}", guest, vm_pid);
      any = TRUE;
    }

  /* The other sets' links, the oldest dropped beyond the limit; this set's last. */
  n = g_variant_n_children (all) - (previous != NULL);
  skip = n >= GUEST_LINKS_MAX ? n - GUEST_LINKS_MAX + 1 : 0;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sa{sx}}"));
  g_variant_iter_init (&iter, all);
  while (g_variant_iter_next (&iter, "{&s@a{sx}}", &other, &value))
    {
      if (g_strcmp0 (other, key) != 0)
        {
          if (skip > 0)
            skip--;
          else
            g_variant_builder_add (&builder, "{s@a{sx}}", other, value);
        }
      g_variant_unref (value);
    }
  if (any)
    g_variant_builder_add (&builder, "{sa{sx}}", key, &links);
  else
    g_variant_builder_clear (&links);
  g_settings_set_value (settings, "guest-links", g_variant_builder_end (&builder));
}

/**
 * strata_app_strv_is_utf8:
 *
 * Returns: whether every string of @strv is valid UTF-8, as text the settings can hold
 */
gboolean
strata_app_strv_is_utf8 (const char * const *strv)
{
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    if (!g_utf8_validate (strv[i], -1, NULL))
      return FALSE;
  return TRUE;
}

/**
 * strata_app_set_name:
 * @paths: the folders of a set
 *
 * Returns: (transfer full): the folder names joined by " + ", e.g. "server1 + host"
 */
char *
strata_app_set_name (const char * const *paths)
{
  g_autoptr(GString) name = g_string_new (NULL);

  g_return_val_if_fail (paths != NULL, NULL);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (paths[i]);

      if (i > 0)
        g_string_append (name, " + ");
      g_string_append (name, base);
    }

  return g_string_free (g_steal_pointer (&name), FALSE);
}

/* Digits grouped the locale's way ("1,234,567" in English). */
char *
strata_app_format_count (guint64 count)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
}
