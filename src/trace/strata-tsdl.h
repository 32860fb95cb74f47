/* strata-tsdl.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * CTF 1.8 metadata (TSDL), read the way libbabeltrace2 2.0 reads it, so that Strata can check
 * what libbabeltrace2 would trust before it does.
 *
 * The parser knows the whole of the type language: integers, floating point, strings,
 * enumerations, structures, variants, arrays and sequences, named or anonymous, and every
 * way of naming a type (typealias, typedef, struct/variant/enum names, scoped to the block
 * they are declared in). Field names lose one leading underscore, as libbabeltrace2's do
 * (CTF 1.8 escapes names that way), while references to fields (variant tags, sequence
 * lengths) use the names as written, as libbabeltrace2 resolves them.
 *
 * The decoder reads a packet's header and context from the bytes of a stream file, whatever
 * their layout, and gives the fields that libbabeltrace2 gives a meaning to.
 */

typedef struct _StrataTsdl StrataTsdl;

/* Parses @len bytes of metadata text. On failure returns NULL and sets @error_message to
 * what is wrong, and where. */
StrataTsdl *strata_tsdl_parse            (const char  *text,
                                          gsize        len,
                                          char       **error_message);
void        strata_tsdl_free             (StrataTsdl  *tsdl);

guint       strata_tsdl_n_stream_classes (const StrataTsdl *tsdl);
/* The id of stream class @sc (an index). */
guint64     strata_tsdl_stream_class_id  (const StrataTsdl *tsdl,
                                          guint             sc);
/* The index of the stream class with @id; -1 when none. */
gint        strata_tsdl_find_stream_class (const StrataTsdl *tsdl,
                                           guint64           id);
/* Whether packets of stream class @sc have a clock that the timestamps convert with. */
gboolean    strata_tsdl_stream_has_clock (const StrataTsdl *tsdl,
                                          guint             sc);
/* Converts clock cycles of stream class @sc to ns from the clock's origin, as
 * libbabeltrace2 does; FALSE when it overflows int64 (libbabeltrace2 then fails). */
gboolean    strata_tsdl_cycles_to_ns     (const StrataTsdl *tsdl,
                                          guint             sc,
                                          guint64           cycles,
                                          gint64           *ns);

/* The fields of a packet header and context that libbabeltrace2 gives a meaning to. */
typedef enum
{
  STRATA_PF_MAGIC,
  STRATA_PF_STREAM_ID,
  STRATA_PF_STREAM_INSTANCE_ID,
  STRATA_PF_PACKET_SIZE,
  STRATA_PF_CONTENT_SIZE,
  STRATA_PF_TIMESTAMP_BEGIN,
  STRATA_PF_TIMESTAMP_END,
  STRATA_PF_EVENTS_DISCARDED,
  STRATA_PF_PACKET_SEQ_NUM,
  STRATA_PF_CPU_ID,
  STRATA_PF_N_FIELDS
} StrataPacketField;

typedef struct
{
  guint64  value[STRATA_PF_N_FIELDS];
  guint    size[STRATA_PF_N_FIELDS];    /* bits; 0: the packet has no such field */
  guint    stream_class;                /* index, see strata_tsdl_find_stream_class() */
  guint64  header_bits;                 /* where the packet header ends */
  guint64  preamble_bits;               /* where the packet context ends */
} StrataPacketInfo;

typedef enum
{
  STRATA_DECODE_OK,
  STRATA_DECODE_SHORT,      /* the header or context goes past the bytes given */
  STRATA_DECODE_BAD,        /* it cannot be decoded: @reason says why */
} StrataDecodeStatus;

/* Decodes the header and context of the packet that starts at @buf (@len bytes). */
StrataDecodeStatus strata_tsdl_decode_packet (StrataTsdl       *tsdl,
                                              const guint8     *buf,
                                              gsize             len,
                                              StrataPacketInfo *info,
                                              char            **reason);

/*
 * Why libbabeltrace2 2.0 cannot read a trace with this metadata at all (it would crash), or
 * NULL. A sequence of numbers in the packet header or an event header is one such thing:
 * libbabeltrace2 keeps no field objects for those headers, and setting the length of one
 * that is not there dereferences nothing.
 */
const char *strata_tsdl_unreadable     (const StrataTsdl *tsdl);

/* The env block's hostname and domain, or NULL: what names a trace's machine when no stream
 * of it is read (libbabeltrace2 gives the environment with a stream only). */
const char *strata_tsdl_env_hostname  (const StrataTsdl *tsdl);
const char *strata_tsdl_env_domain    (const StrataTsdl *tsdl);

/* What an event class needs at least, in every packet it can be in. */
typedef struct
{
  guint        stream_class;   /* index */
  guint64      id;
  const char  *name;
  guint64      min_bits;       /* header, contexts and payload with every sequence empty */
  guint64      elements;       /* fields libbabeltrace2 makes for its fixed-length arrays */
  gsize        text_begin;     /* its `event { }` block in the text */
  gsize        text_end;
} StrataTsdlEvent;

/* The event classes, in declaration order. Borrowed from @tsdl. */
const StrataTsdlEvent *strata_tsdl_events (const StrataTsdl *tsdl,
                                           guint            *n_events);
/* The least a stream class's events take whatever their class: the event header and the
 * stream's event context. */
guint64     strata_tsdl_stream_min_event_bits (const StrataTsdl *tsdl,
                                               guint             sc);

/*
 * @text without its comments (each replaced by one space), and the number of bytes of
 * comments. libbabeltrace2 2.0's lexer takes time quadratic in a comment's length.
 */
char       *strata_tsdl_strip_comments   (const char  *text,
                                          gsize        len,
                                          gsize       *out_len,
                                          gsize       *comment_bytes);

G_END_DECLS
