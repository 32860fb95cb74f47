/* test-robust-util.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-set.h"

G_BEGIN_DECLS

/*
 * Helpers of the robustness tests (test-robust-*.c): small traces written at run time, byte
 * patches, and loads bounded in time and memory. A bounded load runs in a thread watched by
 * another: past its time or its memory budget, the test process aborts there, so that a
 * regression fails the test instead of hanging the machine or exhausting its memory.
 */

/* Writer-made traces: clock origin, and a base that makes every event's timestamp an 8-byte
 * pattern found nowhere else in the stream file. Event i is on CPU i % n_cpus at
 * rt_time (i). */
#define RT_OFFSET_S  G_GINT64_CONSTANT (1000)
#define RT_BASE_CYC  G_GINT64_CONSTANT (0x123456789000)
#define RT_STEP      G_GINT64_CONSTANT (1000)
/* The writer's packet layout: header (magic, uuid, stream_id), then the context. */
#define RT_OFF_TS_BEGIN      24
#define RT_OFF_TS_END        32
#define RT_OFF_CONTENT_SIZE  40
#define RT_OFF_PACKET_SIZE   48
#define RT_OFF_SEQ_NUM       56
#define RT_OFF_DISCARDED     64
#define RT_OFF_CPU_ID        72

/* LTTng's layout in the sample tvl-simple-kernel: header (magic, uuid, stream_id,
 * stream_instance_id), then the context. */
#define LT_OFF_INSTANCE_ID   24
#define LT_OFF_TS_BEGIN      32
#define LT_OFF_TS_END        40
#define LT_OFF_CONTENT_SIZE  48
#define LT_OFF_PACKET_SIZE   56
#define LT_OFF_DISCARDED     72
#define LT_OFF_CPU_ID        80

/* The sample trace every case is loaded beside, and its number of events. */
#define RT_GOOD_TRACE  "tc-flipping-endianness"
#define RT_GOOD_EVENTS 14310

gint64       rt_time           (guint       i);
void         rt_write_trace    (const char *dir,
                                const char *hostname,
                                guint       n_cpus,
                                gsize       packet_size,
                                guint       n_events);

guint8      *rt_read_file      (const char *path,
                                gsize      *len);
void         rt_write_file     (const char *path,
                                const void *data,
                                gsize       len);
void         rt_patch          (const char *path,
                                gsize       offset,
                                const void *bytes,
                                gsize       len);
void         rt_patch_u64      (const char *path,
                                gsize       offset,
                                guint64     value);
void         rt_patch_u32      (const char *path,
                                gsize       offset,
                                guint32     value);
guint64      rt_get_u64        (const char *path,
                                gsize       offset);
gsize        rt_file_size      (const char *path);
/* Replaces every occurrence of @from in the text file @path; asserts there is one at least. */
void         rt_replace        (const char *path,
                                const char *from,
                                const char *to);
void         rt_append         (const char *path,
                                const char *text);

/* Loads @paths in a thread, bounded in time (@timeout_s) and peak RSS growth (@rss_mb); then
 * analyses a loaded set and walks its store. NULL with @error when the load fails as a whole. */
StrataSet   *rt_load_bounded   (const char         *label,
                                const char * const *paths,
                                guint               timeout_s,
                                guint               rss_mb,
                                GError            **error);

/* Loads @damaged beside the good sample trace, bounded: the good trace must load whole, and
 * every message must name the folder it is about (inside @case_dir). */
StrataSet   *rt_check_case     (const char *label,
                                const char *case_dir,
                                const char *damaged);

/* Every stream file's events in @trace. */
guint64      rt_trace_events   (StrataTrace *trace);
/* The highest CPU of @trace's streams, + 1. */
guint        rt_trace_n_cpus   (StrataTrace *trace);
void         rt_dump_errors    (const char *label,
                                GPtrArray  *errors);

/* No staging folder left in $TMPDIR (the tests run with a private one). */
void         rt_assert_no_staging (void);

G_END_DECLS
