/* strata-set-writer.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-ctf-writer.h"
#include "strata-set.h"

G_BEGIN_DECLS

/*
 * Writes StrataEvents into a StrataSet in memory: the trace that strata_trace_load() would
 * read from the folder StrataCtfWriter writes with the same options and events, without the
 * files or libbabeltrace2. Its streams (named, and in the order, as the decoder has them),
 * events (each field as its CTF type keeps it, with the reader's defaults for what an LTTng
 * generation lacks), discarded counts and environment are the same; both writers follow the
 * one description in strata-lttng-format. What only files limit, a packet's size, is not
 * checked. It makes analysis tests need neither trace files nor libbabeltrace2.
 *
 * The trace is added to @set at once, with the path @path. Once every trace is written, the
 * caller puts them in the order strata_trace_load() finds folders (sorted by path) and calls
 * strata_set_finish().
 */
typedef struct _StrataSetWriter StrataSetWriter;

/*
 * @strings resolves the string slots of the events given to strata_set_writer_add(), as for
 * strata_ctf_writer_new(); the set's own table receives the strings the trace reads back as.
 */
StrataSetWriter *strata_set_writer_new     (StrataSet                    *set,
                                            const char                   *path,
                                            const StrataCtfWriterOptions *options,
                                            StrataStrtab                 *strings,
                                            GError                      **error);
/* As strata_ctf_writer_add(), with the same errors. */
gboolean         strata_set_writer_add     (StrataSetWriter              *self,
                                            const StrataEvent            *event,
                                            GError                      **error);
/* As strata_ctf_writer_discard(). */
gboolean         strata_set_writer_discard (StrataSetWriter              *self,
                                            guint                         cpu,
                                            guint64                       count,
                                            gint64                        ts,
                                            GError                      **error);
/* Releases the writer; the trace stays in the set. */
void             strata_set_writer_free    (StrataSetWriter              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSetWriter, strata_set_writer_free)

G_END_DECLS
