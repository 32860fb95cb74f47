/* strata-ctf-check.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "strata-tsdl.h"

G_BEGIN_DECLS

/*
 * A check of a CTF 1.8 trace folder before libbabeltrace2 reads it.
 *
 * libbabeltrace2 2.0 trusts what a trace says: a packet_size or content_size of 2^63 bits or
 * more, a counter or timestamp at 2^64 - 1, an index entry past the end of its file, or a
 * fixed-length array of 2^32 elements in an event's payload trips one of its assertions or
 * exhausts memory (and the process dies), and a packet_size of 0 makes it index the same
 * packet forever. One flipped bit is enough. So the metadata is parsed here first, the way
 * libbabeltrace2 parses it (strata-tsdl), every packet's header and context is decoded, the
 * index files are compared with the packets they describe, and the event declarations are
 * measured against the packets they must fit in.
 *
 * What is not sound is then left out of what libbabeltrace2 sees (strata-staging): packets,
 * stream files, index files, event declarations; a trace whose metadata cannot be read or
 * parsed is not handed to libbabeltrace2 at all. Every such decision is a message.
 */

/* The CPUs a machine can have: Linux's NR_CPUS is at most 8192. */
#define STRATA_MAX_CPUS 8192

/* Metadata text (comments left out) longer than this is not a trace LTTng wrote (a kernel
 * trace with every event enabled has about 350 KB); libbabeltrace2 2.0 takes time
 * quadratic in the number of event classes. */
#define STRATA_MAX_METADATA_TEXT (4 * 1024 * 1024)
/* Nor more event classes than this (a kernel trace has about 1,200): 16,384 already take
 * libbabeltrace2 2.0 seconds, 60,000 a minute and a half. */
#define STRATA_MAX_EVENT_CLASSES 16384

/*
 * Opens @path for reading if it is a regular file, without blocking on a FIFO or a device;
 * fills @st. Returns the descriptor, or -1 with errno set (EINVAL for a file that is not
 * regular).
 */
int          strata_open_regular        (const char  *path,
                                         GStatBuf    *st);

/*
 * The metadata text of @folder, unpacketized when it is packetized, with comments as they
 * are; NULL with @error_message set when it cannot be read, is not a regular file, or is
 * absurdly big. @cut (may be NULL): set to the bytes past the last whole packet of a
 * packetized file, which are left out (0: none).
 */
char        *strata_ctf_load_metadata   (const char  *folder,
                                         gsize       *len,
                                         gsize       *cut,
                                         char       **error_message);

/* One packet of a stream file, as its header and context describe it. */
typedef struct
{
  guint64  offset;          /* bytes from the file's start */
  guint64  size;            /* bytes */
  guint64  ts_begin;        /* clock cycles */
  guint64  ts_end;
  guint32  cpu;
  guint    stream_class;
  guint64  instance;        /* stream_instance_id */
  guint64  seq;             /* packet_seq_num */
  guint64  discarded;       /* events_discarded: the stream's, from its start */
  guint    has_ts : 1;
  guint    has_cpu : 1;
  guint    has_instance : 1;
  guint    has_seq : 1;
  guint    has_discarded : 1;
  guint    sound : 1;
} StrataCtfPacket;

typedef struct
{
  char    *file;            /* the stream file's name in the trace folder */
  guint64  size;
  GArray  *packets;         /* StrataCtfPacket, in file order; bad ones have sound = 0 */
  guint64  sound_bytes;     /* what the sound packets take */
  guint    n_bad;           /* packets left out */
  guint64  lost_from;       /* G_MAXUINT64, or where the packets could no longer be found */
  char    *reason;          /* the first damage, for a message; NULL when sound */
  guint64  reason_offset;
  gboolean unreadable;      /* the file cannot be opened: @reason says why */
  char    *index_problem;   /* index/FILE.idx does not describe the file; NULL when fine or absent */
  gboolean has_index;       /* index/FILE.idx is there and describes the file */
  char    *duplicate_of;    /* another stream file of the trace with the same bytes */
} StrataStreamCheck;

typedef struct
{
  char       *folder;
  StrataTsdl *tsdl;             /* NULL when the metadata could not be parsed */
  char       *failure;          /* why libbabeltrace2 must not read the trace; NULL if it may */
  GPtrArray  *streams;          /* StrataStreamCheck*, sorted by file name */
  GPtrArray  *problems;         /* char*: messages, each starting with the folder */
  char       *metadata;         /* the metadata text to read instead, or NULL for the file */
  gsize       metadata_len;
  gboolean    needs_staging;    /* something must be left out of what libbabeltrace2 sees */
} StrataTraceCheck;

/*
 * Checks the trace in @folder: metadata, stream files and index files. Messages name
 * @display_path (the folder the user gave, when @folder is a copy).
 */
StrataTraceCheck *strata_ctf_check_trace    (const char       *folder,
                                             const char       *display_path,
                                             GCancellable     *cancellable);
void              strata_trace_check_free   (StrataTraceCheck *check);

/*
 * The events_discarded counter of the first packet of @folder/@file: the events the tracer
 * lost before that packet. libbabeltrace2 2.0 says that such a loss happened, not how many.
 * FALSE when the metadata is not understood or the packet has no such counter.
 */
gboolean          strata_ctf_first_packet_discarded (const char *folder,
                                                     const char *file,
                                                     guint64    *count);

/* Reads @len bytes at @offset of a stream file into @buf; FALSE when it cannot. */
typedef gboolean (*StrataCtfRead) (gpointer  data,
                                   guint64   offset,
                                   guint8   *buf,
                                   gsize     len);

/*
 * Walks the packets of one stream file of @size bytes, read through @read, as laid out by
 * @tsdl. Fills @check's packets, n_bad, lost_from and reason. Returns TRUE when every packet
 * is sound.
 */
gboolean          strata_ctf_walk_packets   (StrataTsdl        *tsdl,
                                             StrataCtfRead      read,
                                             gpointer           data,
                                             guint64            size,
                                             StrataStreamCheck *check);

void              strata_stream_check_free  (StrataStreamCheck *check);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataTraceCheck, strata_trace_check_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataTsdl, strata_tsdl_free)

G_END_DECLS
