/* strata-staging.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-ctf-check.h"

G_BEGIN_DECLS

/*
 * A staging folder: what libbabeltrace2 reads instead of a trace folder that has something to
 * leave out (see strata-ctf-check.h). It holds links to the trace's sound stream files, with
 * index files of its own that list only their sound packets, so that libbabeltrace2 reads
 * nothing else and nothing is copied. A file whose first packet is damaged (libbabeltrace2
 * always reads a file's first packet) is the one thing copied: its sound packets, if the
 * temporary folder has room.
 *
 * Folders are named strata-stage-XXXXXX, in g_get_tmp_dir(), once they hold a lock on their
 * `.lock` file, which they keep while their process lives: strata_staging_sweep() removes
 * those whose process is gone (killed, or crashed), and SIGTERM, SIGINT and SIGHUP remove
 * the folders of the process they end.
 */

typedef struct _StrataStaging StrataStaging;

#define STRATA_STAGING_PREFIX "strata-stage-"

/*
 * Stages the trace @check describes, without the files in @exclude (names; may be NULL).
 * Files that cannot be staged are left out, and @problems (char*) says so. Returns NULL with
 * @error set when no folder can be made.
 */
StrataStaging *strata_staging_new      (StrataTraceCheck *check,
                                        const char       *display_path,
                                        GHashTable       *exclude,
                                        GPtrArray        *problems,
                                        GError          **error);
const char    *strata_staging_get_path (StrataStaging    *self);
/* How many stream files the folder holds. */
guint          strata_staging_get_n_streams (StrataStaging *self);
/* Removes the folder. */
void           strata_staging_free     (StrataStaging    *self);

/* Removes the staging folders left behind by processes that are gone. Once per process is
 * enough; later calls do nothing. */
void           strata_staging_sweep    (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataStaging, strata_staging_free)

G_END_DECLS
