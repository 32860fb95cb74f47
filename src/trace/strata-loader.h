/* strata-loader.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-analysis.h"
#include "strata-cache.h"

G_BEGIN_DECLS

typedef enum
{
  STRATA_LOADER_PHASE_IDLE,          /* not started */
  STRATA_LOADER_PHASE_READING,       /* finding and decoding the traces */
  STRATA_LOADER_PHASE_ANALYSING,     /* the set is read; the analysis runs */
  STRATA_LOADER_PHASE_DONE,          /* finished, whether it succeeded, failed or was cancelled */
} StrataLoaderPhase;

#define STRATA_TYPE_LOADER_PHASE (strata_loader_phase_get_type ())

GType strata_loader_phase_get_type (void);

/* A store expected to take more goes to disk as it is made. */
#define STRATA_LOADER_DEFAULT_MEMORY_LIMIT (G_GUINT64_CONSTANT (1) << 30)

#define STRATA_TYPE_LOADER (strata_loader_get_type ())

G_DECLARE_FINAL_TYPE (StrataLoader, strata_loader, STRATA, LOADER, GObject)

StrataLoader       *strata_loader_new                (const char * const   *paths);
const char * const *strata_loader_get_paths          (StrataLoader         *self);
void                strata_loader_add_map            (StrataLoader         *self,
                                                      const char           *guest,
                                                      gint64                host_pid);
gboolean            strata_loader_get_release_events (StrataLoader         *self);
void                strata_loader_set_release_events (StrataLoader         *self,
                                                      gboolean              release_events);
StrataCache        *strata_loader_get_cache          (StrataLoader         *self);
void                strata_loader_set_cache          (StrataLoader         *self,
                                                      StrataCache          *cache);
guint64             strata_loader_get_memory_limit   (StrataLoader         *self);
void                strata_loader_set_memory_limit   (StrataLoader         *self,
                                                      guint64               bytes);
gboolean            strata_loader_get_from_cache     (StrataLoader         *self);
double              strata_loader_get_fraction       (StrataLoader         *self);
const char         *strata_loader_get_message        (StrataLoader         *self);
StrataLoaderPhase   strata_loader_get_phase          (StrataLoader         *self);
void                strata_loader_load_async         (StrataLoader         *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
StrataAnalysis     *strata_loader_load_finish        (StrataLoader         *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
StrataAnalysis     *strata_loader_load               (StrataLoader         *self,
                                                      GCancellable         *cancellable,
                                                      GError              **error);

G_END_DECLS
