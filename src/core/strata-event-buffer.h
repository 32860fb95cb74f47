/* strata-event-buffer.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-event.h"

G_BEGIN_DECLS

/*
 * A compact, append-only store of one stream's events. Events are varint-encoded (time as a
 * delta from the previous event, fields zigzag-coded) in fixed-size chunks, so a typical kernel
 * event costs 5–15 bytes instead of sizeof (StrataEvent). Written by one thread, then read by
 * any number of cursors once sealed.
 */
typedef struct _StrataEventBuffer StrataEventBuffer;

StrataEventBuffer *strata_event_buffer_new      (void);
void               strata_event_buffer_free     (StrataEventBuffer *self);
void               strata_event_buffer_append   (StrataEventBuffer *self,
                                                 const StrataEvent *event);
void               strata_event_buffer_seal     (StrataEventBuffer *self);
guint64            strata_event_buffer_count    (const StrataEventBuffer *self);
gsize              strata_event_buffer_memory   (const StrataEventBuffer *self);
/* Bit k set: the buffer holds an event of kind k (what a trace recorded at all). */
guint64            strata_event_buffer_kinds    (const StrataEventBuffer *self);
gint64             strata_event_buffer_first_ts (const StrataEventBuffer *self);
gint64             strata_event_buffer_last_ts  (const StrataEventBuffer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataEventBuffer, strata_event_buffer_free)

typedef struct
{
  const StrataEventBuffer *buffer;
  guint                    chunk;     /* the chunk after the one being read */
  const guint8            *pos;
  const guint8            *end;
  gint64                   ts;
  guint32                  cpu;
  gboolean                 consume;   /* frees each chunk once past it */
} StrataEventCursor;

void     strata_event_cursor_init (StrataEventCursor       *cursor,
                                   const StrataEventBuffer *buffer);
gboolean strata_event_cursor_next (StrataEventCursor       *cursor,
                                   StrataEvent             *event);
/* The next event whose kind is set in @wanted (indexed by kind): the others are stepped over
 * without decoding their fields. */
gboolean strata_event_cursor_next_wanted (StrataEventCursor *cursor,
                                          StrataEvent       *event,
                                          const gboolean    *wanted);

/* The kind of the next event, without reading it; -1 at the end. */
gint     strata_event_cursor_peek        (StrataEventCursor *cursor);
/* Steps over the next event, leaving its time and CPU in @cursor's ts and cpu, without
 * decoding its fields. FALSE at the end. */
gboolean strata_event_cursor_skip        (StrataEventCursor *cursor);
/* Steps over up to @max next events whose kinds are not set in @wanted, as
 * strata_event_cursor_skip() does, stopping before one that is or at the end. Returns how
 * many it stepped over. */
guint64  strata_event_cursor_skip_unwanted (StrataEventCursor *cursor,
                                            const gboolean    *wanted,
                                            guint64            max);

/*
 * Merges several buffers into one time-ordered sequence without copying them. Ties keep the
 * order of the buffers as given, so a merge is deterministic.
 */
typedef struct _StrataEventMerge StrataEventMerge;

StrataEventMerge *strata_event_merge_new  (StrataEventBuffer * const *buffers,
                                           guint                      n_buffers);
/* The same, for only the kinds set in @wanted. */
StrataEventMerge *strata_event_merge_new_wanted (StrataEventBuffer * const *buffers,
                                                 guint                      n_buffers,
                                                 const gboolean            *wanted);
/* The same, reading of each kind k only its first @fields[k] - 1 fields (the others read
 * 0); kinds whose @fields is 0 are left out. */
StrataEventMerge *strata_event_merge_new_fields (StrataEventBuffer * const *buffers,
                                                 guint                      n_buffers,
                                                 const guint8              *fields);
/* From now on the merging runs ahead of the reader on a thread of its own (when one can be
 * made): the same events, in the same order. Call it before reading any. */
void              strata_event_merge_run_ahead (StrataEventMerge     *self);
/* From now on each chunk of the merge's buffers is freed once the merge read past it: for
 * the last reader of the buffers, which then free only what is left. Call it before reading
 * any, and before strata_event_merge_run_ahead(). */
void              strata_event_merge_consume   (StrataEventMerge     *self);
void              strata_event_merge_free (StrataEventMerge          *self);
/* The next event, without copying it: valid until the next call. NULL at the end. */
const StrataEvent *strata_event_merge_step (StrataEventMerge         *self);
/* The next @n events (at least one), in order, without copying them: valid until the next
 * call. NULL at the end. Running ahead, a whole batch a call. */
const StrataEvent *strata_event_merge_step_many (StrataEventMerge    *self,
                                                 guint               *n);
gboolean          strata_event_merge_next (StrataEventMerge          *self,
                                           StrataEvent               *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataEventMerge, strata_event_merge_free)

G_END_DECLS
