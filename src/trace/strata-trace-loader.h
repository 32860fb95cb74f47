/* strata-trace-loader.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-set.h"

G_BEGIN_DECLS

#define STRATA_TRACE_ERROR (strata_trace_error_quark ())

/* Why a load failed as a whole. A cancelled load fails with G_IO_ERROR_CANCELLED. */
typedef enum
{
  STRATA_TRACE_ERROR_NO_TRACE,       /* nothing below the paths is a CTF trace (a path that
                                      * does not exist included) */
  STRATA_TRACE_ERROR_UNREADABLE,     /* every trace found failed to open */
} StrataTraceError;

GQuark strata_trace_error_quark (void);

/* @done and @total are bytes of stream files: @total their size, @done estimated from the
 * events read so far (libbabeltrace2 does not tell positions). strata_trace_load() calls it
 * from decoder threads, strata_trace_load_async() in the caller's main context; a few times a
 * second at most, and once with @done == @total at the end. */
typedef void (*StrataLoadProgress) (guint64  done,
                                    guint64  total,
                                    gpointer user_data);

typedef struct
{
  guint              n_threads;     /* 0: one per processor */
  guint64            shard_bytes;   /* a trace this big is split over threads if it is a good
                                     * part of the set, four times as big if not; 0: 4 MiB */
  StrataLoadProgress progress;
  gpointer           progress_data;
  guint              max_strings;   /* distinct names kept, "" included; 0: 16 M */
} StrataLoadOptions;

/*
 * Discovers every CTF trace below @paths and decodes them into one set, in parallel threads.
 * Problems of single traces or paths go into the set's errors (and the trace's); the call
 * fails only when nothing at all could be loaded, or when @cancellable is cancelled.
 * Blocks: call it from a worker thread (see strata_trace_load_async()).
 */
StrataSet *strata_trace_load        (const char * const       *paths,
                                     const StrataLoadOptions  *options,
                                     GCancellable             *cancellable,
                                     GError                  **error);
void       strata_trace_load_async  (const char * const       *paths,
                                     GCancellable             *cancellable,
                                     StrataLoadProgress        progress,
                                     gpointer                  progress_data,
                                     GAsyncReadyCallback       callback,
                                     gpointer                  user_data);
StrataSet *strata_trace_load_finish (GAsyncResult             *result,
                                     GError                  **error);

G_END_DECLS
