/* strata-discover.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char    *path;        /* the trace folder (holds `metadata`) */
  guint64  bytes;       /* size of its stream files */
  guint    n_files;     /* how many stream files */
} StrataFoundTrace;

/*
 * Finds every CTF trace folder below each of @paths: a folder whose `metadata` is a regular
 * file is a trace; other folders are searched down to a bounded depth (a folder named
 * `metadata` included). A symbolic link to a folder is followed only when the folder lies
 * inside one of @paths, and once: a link back to a folder being searched is reported as a
 * loop, and one that leads out of the folders given is reported and not followed. A folder
 * given twice, or inside another one given, is searched once.
 *
 * Returns the traces sorted by path (StrataFoundTrace*), and appends a message to @errors
 * for each path or folder that could not be used.
 */
GPtrArray *strata_discover_traces (const char * const *paths,
                                   GPtrArray          *errors,
                                   GCancellable       *cancellable);

void strata_found_trace_free (StrataFoundTrace *found);

G_END_DECLS
