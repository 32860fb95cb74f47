/* strata-json.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-json"

#include "config.h"

#include <math.h>

#include "strata-json.h"

void
strata_json_init (StrataJson *json,
                  GString    *out)
{
  json->out = out;
  json->depth = 0;
  json->need_comma = 0;
  json->after_key = FALSE;
}

static void
before_value (StrataJson *json)
{
  if (json->after_key)
    {
      json->after_key = FALSE;
      return;
    }
  if (json->need_comma & (G_GUINT64_CONSTANT (1) << json->depth))
    g_string_append_c (json->out, ',');
  json->need_comma |= G_GUINT64_CONSTANT (1) << json->depth;
}

static void
json_open (StrataJson *json,
      char        c)
{
  before_value (json);
  g_string_append_c (json->out, c);
  json->depth++;
  json->need_comma &= ~(G_GUINT64_CONSTANT (1) << json->depth);
}

static void
json_close (StrataJson *json,
       char        c)
{
  g_return_if_fail (json->depth > 0);
  json->depth--;
  g_string_append_c (json->out, c);
}

void strata_json_begin_object (StrataJson *json) { json_open (json, '{'); }
void strata_json_end_object (StrataJson *json) { json_close (json, '}'); }
void strata_json_begin_array (StrataJson *json) { json_open (json, '['); }
void strata_json_end_array (StrataJson *json) { json_close (json, ']'); }

static void
append_escaped (GString    *out,
                const char *s)
{
  g_string_append_c (out, '"');
  for (; s && *s; s++)
    {
      guchar c = *s;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

void
strata_json_key (StrataJson *json,
                 const char *key)
{
  before_value (json);
  append_escaped (json->out, key);
  g_string_append_c (json->out, ':');
  json->after_key = TRUE;
}

void
strata_json_string (StrataJson *json,
                    const char *value)
{
  before_value (json);
  if (value == NULL)
    {
      g_string_append (json->out, "null");
      return;
    }
  /* Trace strings come from other machines: never emit invalid UTF-8. */
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      append_escaped (json->out, valid);
      return;
    }
  append_escaped (json->out, value);
}

void
strata_json_int (StrataJson *json,
                 gint64      value)
{
  before_value (json);
  g_string_append_printf (json->out, "%" G_GINT64_FORMAT, value);
}

void
strata_json_double (StrataJson *json,
                    double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  before_value (json);
  if (!isfinite (value))
    {
      g_string_append (json->out, "null");
      return;
    }
  g_string_append (json->out, g_ascii_dtostr (buf, sizeof buf, value));
}

void
strata_json_bool (StrataJson *json,
                  gboolean    value)
{
  before_value (json);
  g_string_append (json->out, value ? "true" : "false");
}

void
strata_json_null (StrataJson *json)
{
  before_value (json);
  g_string_append (json->out, "null");
}

void
strata_json_number_text (StrataJson *json,
                         const char *text)
{
  before_value (json);
  g_string_append (json->out, text);
}
