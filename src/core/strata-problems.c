/* strata-problems.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-problems"

#include "config.h"

#include <string.h>

#include "strata-problems.h"

static gboolean
needs_escape (gunichar c)
{
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || (c >= 0x202a && c <= 0x202e) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

char *
strata_display_text (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return NULL;
  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!needs_escape (c))
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x80)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_printf (out, "\\u%04x", c);
    }
  return g_string_free (out, FALSE);
}

static void
group_clear (gpointer data)
{
  g_free (((StrataProblemGroup *) data)->what);
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const StrataProblemGroup *ga = a, *gb = b;

  if (ga->count != gb->count)
    return ga->count > gb->count ? -1 : 1;
  return ga->first < gb->first ? -1 : ga->first > gb->first;
}

/* A problem's kind: what it says once its folder (the text before the first ": "), the
 * names it quotes and its numbers are left out. */
static char *
kind_of (const char *problem)
{
  static GRegex *names, *numbers;
  const char *colon = strstr (problem, ": ");
  g_autofree char *named = NULL;

  if (g_once_init_enter (&names))
    {
      GRegex *n = g_regex_new ("(stream file|index file|stream) [^ ]+|“[^”]*”", G_REGEX_OPTIMIZE, 0, NULL);

      numbers = g_regex_new ("[0-9]+", G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&names, n);
    }
  named = g_regex_replace (names, colon != NULL ? colon + 2 : problem, -1, 0, "\\1 …", 0, NULL);
  if (named == NULL)
    return g_strdup (problem);
  return g_regex_replace_literal (numbers, named, -1, 0, "N", 0, NULL);
}

GArray *
strata_problems_group (GPtrArray *problems)
{
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GArray *groups = g_array_new (FALSE, FALSE, sizeof (StrataProblemGroup));

  g_array_set_clear_func (groups, group_clear);
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      char *kind = kind_of (g_ptr_array_index (problems, i));
      gpointer at;

      if (g_hash_table_lookup_extended (index, kind, NULL, &at))
        {
          g_array_index (groups, StrataProblemGroup, GPOINTER_TO_UINT (at)).count++;
          g_free (kind);
        }
      else
        {
          StrataProblemGroup g = { g_strdup (kind), 1, i };

          g_hash_table_insert (index, kind, GUINT_TO_POINTER (groups->len));
          g_array_append_val (groups, g);
        }
    }
  g_array_sort (groups, compare_groups);
  return groups;
}
