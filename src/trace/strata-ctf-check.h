/* strata-ctf-check.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A check of the packet framing of CTF 1.8 stream files, before libbabeltrace2 reads them.
 *
 * libbabeltrace2 2.0 trusts a packet's declared sizes and counters: a packet_size or
 * content_size of 2^63 bits or more, or a counter at 2^64 - 1, trips one of its assertions
 * (which abort the process), and a packet_size of 0 makes it index the same packet forever.
 * One flipped bit in a packet context is enough. So each stream file's packets are walked
 * first, reading only their header and context, and a file is cut before its first packet
 * that is not sound.
 *
 * The layout of the packet header and context comes from the metadata's TSDL. Only the
 * subset that LTTng and Strata's writer use is understood (integer, struct, enum, fixed
 * arrays, typealias, typedef); with anything else in those two structures, or metadata that
 * does not parse, the check says nothing and libbabeltrace2 reads the trace as it is.
 */

typedef struct _StrataCtfLayout StrataCtfLayout;

/* The metadata text of @folder, unpacketized when it is packetized; NULL if unreadable. */
char            *strata_ctf_read_metadata   (const char      *folder,
                                             gsize           *len);

/* NULL when the packet header and contexts cannot be laid out from @text. */
StrataCtfLayout *strata_ctf_layout_parse    (const char      *text,
                                             gsize            len);
void             strata_ctf_layout_free     (StrataCtfLayout *layout);

/* Reads @len bytes at @offset of a stream file into @buf; FALSE when it cannot. */
typedef gboolean (*StrataCtfRead) (gpointer  data,
                                   guint64   offset,
                                   guint8   *buf,
                                   gsize     len);

/*
 * Walks the packets of one stream file of @size bytes. Returns TRUE when every packet is
 * sound; otherwise sets @good_bytes to the offset of the first packet that is not (the
 * bytes before it are whole packets) and @reason to why, for a message.
 */
gboolean         strata_ctf_layout_check    (StrataCtfLayout *layout,
                                             StrataCtfRead    read,
                                             gpointer         data,
                                             guint64          size,
                                             guint64         *good_bytes,
                                             char           **reason);

/*
 * The events_discarded counter of the first packet of @folder/@file: the events the tracer
 * lost before that packet. libbabeltrace2 2.0 says that such a loss happened, not how many.
 * FALSE when the layout is not understood or the packet has no such counter.
 */
gboolean         strata_ctf_first_packet_discarded (const char *folder,
                                                    const char *file,
                                                    guint64    *count);

typedef struct
{
  char     *file;         /* the stream file's name in the trace folder */
  guint64   good_bytes;   /* the whole packets before the damage; 0: none */
  char     *reason;
  gboolean  unreadable;   /* the file cannot be opened: @reason says why */
} StrataStreamDamage;

void             strata_stream_damage_free  (StrataStreamDamage *damage);

/*
 * Checks every stream file of the trace in @folder. Returns the damaged ones
 * (StrataStreamDamage*), and those that cannot be opened; an empty array when there are
 * none. Packets are checked only when the layout is understood.
 */
GPtrArray       *strata_ctf_check_streams   (const char      *folder,
                                             GCancellable    *cancellable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataCtfLayout, strata_ctf_layout_free)

G_END_DECLS
