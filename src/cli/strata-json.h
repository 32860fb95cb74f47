/* strata-json.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A minimal streaming JSON writer for the CLI's reports: commas and escaping are its job.
 * Not json-glib: reports of millions of intervals are written as they are produced, with no
 * tree of nodes in memory; and a number can be written exactly as formatted
 * (strata_json_number_text()), which `beta_ns` needs: it is a long double near the epoch in
 * ns, whose digits a double would lose.
 */
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
