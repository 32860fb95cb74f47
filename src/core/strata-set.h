/* strata-set.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-event-buffer.h"
#include "strata-strtab.h"

G_BEGIN_DECLS

/* Where a tracer discarded events: between two events of a stream, in the trace's own
 * clock. count 0: the trace says that some were lost, not how many. */
typedef struct
{
  gint64  begin_ns;
  gint64  end_ns;
  guint64 count;
} StrataLoss;

/* Orders losses by where they begin, for g_array_sort(). */
int strata_loss_compare (gconstpointer a,
                         gconstpointer b);

/* What a host's first pass needs of one stream (its KVM windows, who runs them, process ids,
 * sync messages), gathered as the stream's events are appended (strata_stream_append()), so
 * that the analysis does not read every event once more for it. */
typedef struct _StrataStreamScan StrataStreamScan;

/* One stream of a trace (a CPU's channel, possibly over several files). */
typedef struct
{
  char              *name;        /* the decoder's port name: stable, for messages */
  guint32            cpu;         /* packet context cpu_id; G_MAXUINT32 when absent */
  guint64            events;      /* every event read, stored or not */
  guint64            discarded;   /* sum of discarded-events counts */
  GArray            *losses;      /* StrataLoss, in time order */
  gint64             begin_ns;    /* first and last event of any kind; 0 when none */
  gint64             end_ns;
  gint64             cut_ns;      /* its file is damaged or truncated and the rest of it left
                                   * out: what its CPU did after this (the end of the last
                                   * packet read) is not known; 0 when whole */
  gboolean           lost_before; /* events were lost before its first packet read (that
                                   * packet's sequence number or discarded counter says so):
                                   * its first event is not where its CPU was first seen */
  StrataEventBuffer *buffer;      /* the events of kinds Strata understands */
  StrataStreamScan  *scan;        /* of the events appended by strata_stream_append(), or
                                   * NULL; the analysis takes it (so two analyses of one set
                                   * must not run at once) */
} StrataStream;

/* One CTF trace: one machine's kernel (or user-space) trace folder. */
typedef struct
{
  char      *path;               /* the trace folder, as found under the PATH given */
  char      *machine;            /* hostname, made unique within the set by the session */
  char      *hostname;
  char      *domain;             /* "kernel", "ust", or "" */
  char      *tracer;             /* e.g. "lttng-modules 2.11.0" */
  char      *kernel_release;
  char      *clock_uuid;
  char      *session_name;       /* the environment's trace_name, when it has a sane one */
  char      *session_time;       /* its trace_creation_datetime (ISO 8601), likewise */
  GPtrArray *streams;            /* StrataStream* */
  GPtrArray *errors;             /* char*: problems met reading this trace */
  guint64    events;
  guint64    discarded;
  gint64     begin_ns;           /* first and last event; 0 when there is none */
  gint64     end_ns;
  guint      n_cpus;             /* highest cpu_id + 1 */
  gboolean   has_kvm;            /* KVM entry/exit events seen: a host */
  gboolean   failed;             /* nothing could be read */
} StrataTrace;

typedef struct
{
  gatomicrefcount ref_count;
  GPtrArray      *traces;        /* StrataTrace*, in discovery order (sorted by path) */
  GPtrArray      *errors;        /* char*: every problem, each naming its trace or path */
  StrataStrtab   *strings;
  gint64          begin_ns;
  gint64          end_ns;
} StrataSet;

StrataSet   *strata_set_new          (void);
StrataSet   *strata_set_ref          (StrataSet   *self);
void         strata_set_unref        (StrataSet   *self);
StrataTrace *strata_set_add_trace    (StrataSet   *self,
                                      const char  *path);
void         strata_set_add_error    (StrataSet   *self,
                                      const char  *format,
                                      ...) G_GNUC_PRINTF (2, 3);
void         strata_set_finish       (StrataSet   *self);
guint64      strata_set_event_count  (StrataSet   *self);
gsize        strata_set_memory       (StrataSet   *self);

StrataStream *strata_stream_new        (const char  *name);
void          strata_stream_free       (StrataStream *stream);
void          strata_stream_append     (StrataStream      *stream,
                                        const StrataEvent *event);
void          strata_stream_scan_free  (StrataStreamScan  *scan);
StrataStream *strata_trace_add_stream  (StrataTrace *trace,
                                        const char  *name);
void          strata_trace_add_error  (StrataTrace *trace,
                                       const char  *format,
                                       ...) G_GNUC_PRINTF (2, 3);
/* A merged, time-ordered view of all the streams of @trace. Free with strata_event_merge_free(). */
StrataEventMerge *strata_trace_merge  (StrataTrace *trace);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSet, strata_set_unref)

G_END_DECLS
