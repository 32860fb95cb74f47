/* strata-decoder.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-set.h"

G_BEGIN_DECLS

/* Shared by the shards of one load: progress in bytes of packets read. */
typedef struct
{
  guint64          total_bytes;
  gssize           done_bytes;        /* atomic */
  gpointer         last_report_us;    /* atomic: the monotonic time of the last report */
  void           (*report) (guint64 done, guint64 total, gpointer data);
  gpointer         report_data;
  GCancellable    *cancellable;
} StrataDecodeProgress;

/* What one shard of a trace produced; merged into the StrataTrace by the loader. */
/* A stream whose reading stopped at a packet libbabeltrace2 could not read: the loader reads
 * on from the next packet when it can (strata_decode_resume()), or says where it stopped. */
typedef struct
{
  StrataStream *stream;     /* in the result's streams, or the one resumed */
  guint64       packets;    /* packets begun in this run, the one that failed among them */
  guint64       events;     /* the stream's events when it stopped */
  gint64        at_ns;      /* its last event read then; 0 when none */
  char         *cause;
} StrataDecodeStop;

/* Packets missing from a stream's sequence, and the time between the packets around them. */
typedef struct
{
  StrataStream *stream;
  StrataLoss    loss;       /* count 0: how many events, not known */
  guint64       count;      /* packets */
} StrataDecodeLostPackets;

/* Events the tracer lost before a stream's first packet, whose number libbabeltrace2 does not
 * give (it has no packet before to subtract from): the packet's counter has it. */
typedef struct
{
  StrataStream *stream;
  guint         loss;       /* its index in the stream's losses; G_MAXUINT: not placed */
} StrataDecodeFirstLoss;

typedef struct
{
  GPtrArray *streams;       /* StrataStream*, in port order */
  GArray    *port_indices;  /* guint, the port of each stream */
  GPtrArray *errors;        /* char* */
  char      *hostname;
  char      *domain;
  char      *tracer;
  char      *kernel_release;
  char      *clock_uuid;
  char      *session_name;  /* trace_name and trace_creation_datetime, when they are text */
  char      *session_time;
  guint      n_ports;
  gboolean   has_kvm;
  gboolean   failed;        /* the trace could not be opened at all */
  char      *bad_file;      /* on failure: the stream file libbabeltrace2 blamed, if any */
  GArray    *stops;         /* StrataDecodeStop, of streams that stopped before their end */
  GArray    *lost_packets;  /* StrataDecodeLostPackets, as libbabeltrace2 reported them */
  GArray    *first_losses;  /* StrataDecodeFirstLoss, not counted yet */
} StrataShardResult;

gboolean strata_decoder_init (GError **error);

/*
 * Decodes the ports of shard @shard of @n_shards of the CTF trace in @folder, in the calling
 * thread, with a graph of its own: those whose key (strata_port_key()) @plan gives
 * @shard + 1, and the ports @shard, @shard + @n_shards, ... of those it does not give (@plan
 * NULL: every port). @display_path names the trace in messages.
 */
StrataShardResult *strata_decode_shard (const char           *folder,
                                        const char           *display_path,
                                        guint                 shard,
                                        guint                 n_shards,
                                        GHashTable           *plan,
                                        StrataStrtab         *strings,
                                        StrataDecodeProgress *progress);

/*
 * Reads @folder, a staging folder of one stream file (the packets after one that could not
 * be read), on into @stream: its events follow the stream's, and the time between is a loss
 * of events not counted. The result holds no stream; its stops, @stream's if it stopped again.
 */
StrataShardResult *strata_decode_resume (const char           *folder,
                                         const char           *display_path,
                                         StrataStream         *stream,
                                         StrataStrtab         *strings,
                                         StrataDecodeProgress *progress);

/* A stream's name for messages: its file, or its CPU. */
char *strata_decode_stream_label (const StrataStream *stream);

/* The message for a stream that stopped and could not be read on. */
char *strata_decode_stop_message (const char             *display_path,
                                  const StrataDecodeStop *stop);

void strata_shard_result_free (StrataShardResult *result);

/* The first byte of a CTF 2 metadata stream (a JSON text sequence record separator). */
gboolean strata_trace_is_ctf2 (const char *folder);

G_END_DECLS
