/* strata-problems.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The problems met reading a set, as a person reads them: text safe to show, and the
 * problems grouped by kind (thousands of folders of stream files without metadata are one
 * line, not thousands).
 */

/*
 * @text as a label may show it: bytes that are not UTF-8 become U+FFFD, control characters
 * and bidirectional overrides become visible escapes (\n, \x1b, \u202e), so that a name from
 * a trace cannot forge lines or reorder what follows it.
 */
char      *strata_display_text    (const char *text);

typedef struct
{
  char  *what;      /* the kind: a problem with its folder, file names and numbers left out */
  guint  count;
  guint  first;     /* the index of its first problem, which says it as it was */
} StrataProblemGroup;

/* @problems (char*) by kind, the most frequent first. Free with g_array_unref(). */
GArray    *strata_problems_group  (GPtrArray  *problems);

G_END_DECLS
