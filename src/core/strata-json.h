/* strata-json.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A minimal streaming JSON writer for the CLI's reports: commas and escaping are its job. */
typedef struct
{
  GString *out;
  guint    depth;
  guint64  need_comma;   /* bit per depth: a value was already written at that level */
  gboolean after_key;
} StrataJson;

void strata_json_init         (StrataJson *json,
                               GString    *out);
void strata_json_begin_object (StrataJson *json);
void strata_json_end_object   (StrataJson *json);
void strata_json_begin_array  (StrataJson *json);
void strata_json_end_array    (StrataJson *json);
void strata_json_key          (StrataJson *json,
                               const char *key);
void strata_json_string       (StrataJson *json,
                               const char *value);
void strata_json_int          (StrataJson *json,
                               gint64      value);
void strata_json_double       (StrataJson *json,
                               double      value);
void strata_json_bool         (StrataJson *json,
                               gboolean    value);
void strata_json_null         (StrataJson *json);
/* A number already formatted, e.g. a long double printed with every digit. */
void strata_json_number_text  (StrataJson *json,
                               const char *text);

G_END_DECLS
