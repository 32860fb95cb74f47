/* strata-cache.h: saved analyses, so that a set opened again opens at once
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-analysis.h"

G_BEGIN_DECLS

/*
 * A folder of saved analyses ($XDG_CACHE_HOME/strata by default), one file each, named by a
 * digest of its key. The key says everything the analysis depends on: the paths given, every
 * trace folder found, each of their files' size, modification and change times and inode, a
 * checksum of each metadata file, the manual VM links, the file format's version, the code
 * that analysed it (STRATA_CODE_ID, a digest of the sources) and libbabeltrace2's version;
 * the file holds the key and is used only when it matches (and the loader saves only sets
 * read without problems, since some problems come from the run, not the traces). A file is written under a temporary name and renamed,
 * so that processes saving the same set at once never see half a file; past the size
 * limit, the least recently used files go. A folder that cannot be written to leaves the
 * program working without it.
 */

#define STRATA_CACHE_FORMAT_VERSION 1

typedef struct _StrataCache StrataCache;
typedef struct _StrataCacheSave StrataCacheSave;

/* @dir: NULL for $XDG_CACHE_HOME/strata; @limit_bytes: 0 for STRATA_CACHE_DEFAULT_LIMIT, or
 * $STRATA_CACHE_LIMIT_MB when set. */
#define STRATA_CACHE_DEFAULT_LIMIT (G_GUINT64_CONSTANT (10) << 30)

#define STRATA_TYPE_CACHE (strata_cache_get_type ())

GType            strata_cache_get_type       (void);
StrataCache     *strata_cache_new            (const char          *dir,
                                              guint64              limit_bytes);
StrataCache     *strata_cache_ref            (StrataCache         *self);
void             strata_cache_unref          (StrataCache         *self);
const char      *strata_cache_get_dir        (StrataCache         *self);
guint64          strata_cache_get_limit      (StrataCache         *self);
/* Bytes of disk the saved analyses take. */
guint64          strata_cache_get_size       (StrataCache         *self);

/* The key of the set of @found traces (StrataFoundTrace*), found below @paths. */
char            *strata_cache_make_key       (const char * const  *paths,
                                              GPtrArray           *found,
                                              const StrataVmMap   *maps,
                                              guint                n_maps);
/* The analysis saved under @key, or NULL. A file that is damaged, foreign, of another version
 * or of another key is not used, and removed. */
StrataAnalysis  *strata_cache_lookup         (StrataCache         *self,
                                              const char          *key);

/* Saving: begin() makes the file (under a temporary name), whose descriptor may hold a spill
 * for the analysis's store (see strata_store_spill_new()); commit() writes the analysis
 * after it, renames the file into place and applies the size limit; free() without a commit
 * removes it. begin() fails when the folder cannot be written to: the first such failure is
 * kept for strata_cache_take_problem(). */
StrataCacheSave *strata_cache_save_begin     (StrataCache         *self,
                                              const char          *key,
                                              GError             **error);
/* A spill in the file being saved, for strata_analysis_new()'s options. */
StrataStoreSpill *strata_cache_save_get_spill (StrataCacheSave    *save,
                                              GError             **error);
gboolean         strata_cache_save_commit    (StrataCacheSave     *save,
                                              StrataAnalysis      *analysis,
                                              GError             **error);
void             strata_cache_save_free      (StrataCacheSave     *save);

/* Why nothing can be saved, the first time it is asked after it happened (then NULL), so
 * that a program says it once. */
char            *strata_cache_take_problem   (StrataCache         *self);
/* Removes every saved analysis. */
gboolean         strata_cache_forget         (StrataCache         *self,
                                              GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataCache, strata_cache_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataCacheSave, strata_cache_save_free)

G_END_DECLS
