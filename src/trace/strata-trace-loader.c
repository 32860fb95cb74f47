/* strata-trace-loader.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-trace-loader"

#include "config.h"

#include <babeltrace2/babeltrace.h>
#include <errno.h>
#include <inttypes.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "strata-bt-guard.h"
#include "strata-ctf-check.h"
#include "strata-decoder.h"
#include "strata-discover.h"
#include "strata-port-key.h"
#include "strata-staging.h"
#include "strata-time.h"
#include "strata-trace-loader.h"

G_DEFINE_QUARK (strata-trace-error-quark, strata_trace_error)

typedef struct
{
  StrataTrace       *trace;
  char              *folder;       /* what libbabeltrace2 opens: the trace, or a staging copy */
  guint              shard;
  guint              n_shards;
  guint64            bytes;
  guint64            packet_bits;  /* the trace's largest packet; 0: not known */
  GHashTable        *plan;         /* with several shards: see plan_shards() */
  StrataShardResult *result;
} Job;

typedef struct
{
  GPtrArray            *jobs;      /* Job*, biggest first */
  gint                  next;      /* atomic */
  StrataStrtab         *strings;
  StrataDecodeProgress *progress;
} Queue;

static void
job_free (Job *job)
{
  g_free (job->folder);
  g_clear_pointer (&job->plan, g_hash_table_unref);
  strata_shard_result_free (job->result);
  g_free (job);
}

static int
compare_jobs (gconstpointer a,
              gconstpointer b)
{
  const Job *ja = *(const Job * const *) a;
  const Job *jb = *(const Job * const *) b;
  guint64 wa = ja->bytes / ja->n_shards;
  guint64 wb = jb->bytes / jb->n_shards;

  return wa < wb ? 1 : wa > wb ? -1 : 0;
}

static gpointer
worker (gpointer data)
{
  Queue *queue = data;
  gint i;

  while ((i = g_atomic_int_add (&queue->next, 1)) < (gint) queue->jobs->len)
    {
      Job *job = g_ptr_array_index (queue->jobs, i);

      if (g_cancellable_is_cancelled (queue->progress->cancellable))
        break;
      strata_bt_guard_set_packet_bits (job->packet_bits);
      job->result = strata_decode_shard (job->folder, job->trace->path, job->shard, job->n_shards,
                                         job->plan, queue->strings, queue->progress);
    }
  return NULL;
}

static void
run_jobs (GPtrArray            *jobs,
          guint                 n_threads,
          StrataStrtab         *strings,
          StrataDecodeProgress *progress)
{
  Queue queue = { jobs, 0, strings, progress };
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();

  n_threads = MAX (1, MIN (n_threads, jobs->len));
  /* The calling thread works too: one fewer thread to start. */
  for (guint t = 1; t < n_threads; t++)
    g_ptr_array_add (threads, g_thread_new ("strata-decode", worker, &queue));
  worker (&queue);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (g_ptr_array_index (threads, t));
}

/* Moves what the shards of one trace read into the trace, streams in port order. */
static void
collect_trace (StrataTrace *trace,
               GPtrArray   *shard_jobs)
{
  g_autoptr(GPtrArray) streams = g_ptr_array_new ();
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) said = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean failed = TRUE;

  for (guint e = 0; e < trace->errors->len; e++)
    g_hash_table_add (said, g_ptr_array_index (trace->errors, e));

  for (guint j = 0; j < shard_jobs->len; j++)
    {
      Job *job = g_ptr_array_index (shard_jobs, j);
      StrataShardResult *r = job->result;

      if (r == NULL)
        continue;
      /* Every shard opens the same trace: say each thing once, retries' failures included. */
      for (guint e = 0; e < r->errors->len; e++)
        if (!g_hash_table_contains (said, g_ptr_array_index (r->errors, e)))
          {
            char *copy = g_strdup (g_ptr_array_index (r->errors, e));

            g_ptr_array_add (trace->errors, copy);
            g_hash_table_add (said, copy);
          }
      if (r->failed)
        continue;
      failed = FALSE;
      if (trace->hostname == NULL && r->hostname != NULL)
        {
          trace->hostname = g_strdup (r->hostname);
          trace->domain = g_strdup (r->domain);
          trace->tracer = g_strdup (r->tracer);
          trace->kernel_release = g_strdup (r->kernel_release);
          trace->clock_uuid = g_strdup (r->clock_uuid);
          trace->session_name = g_strdup (r->session_name);
          trace->session_time = g_strdup (r->session_time);
        }
      trace->has_kvm |= r->has_kvm;
      while (r->streams->len > 0)
        {
          g_ptr_array_add (streams, g_ptr_array_steal_index (r->streams, 0));
          g_array_append_val (order, g_array_index (r->port_indices, guint, 0));
          g_array_remove_index (r->port_indices, 0);
        }
    }
  trace->failed = failed;

  for (guint p = 0; p < streams->len; p++)
    {
      guint best = 0;

      for (guint q = 1; q < streams->len; q++)
        if (g_ptr_array_index (streams, q) != NULL &&
            (g_ptr_array_index (streams, best) == NULL ||
             g_array_index (order, guint, q) < g_array_index (order, guint, best)))
          best = q;
      g_ptr_array_add (trace->streams, g_ptr_array_index (streams, best));
      g_ptr_array_index (streams, best) = NULL;
    }
}

/* Whether @file is (one of) @stream's file(s): the key of the stream's port is the file's
 * (a rotated stream's files share it). */
static gboolean
stream_has_file (const StrataStream      *stream,
                 const StrataStreamCheck *file,
                 const StrataTsdl        *tsdl)
{
  g_autofree char *port = strata_port_key (stream->name);
  g_autofree char *key = port != NULL ? strata_port_key_of_file_check (file, tsdl) : NULL;

  return port != NULL && strcmp (port, key) == 0;
}

/* Streams whose file was cut short, damaged or truncated with no packet found after: the
 * time past their last packet read is not known, and must not pass for the state their CPU
 * was last seen in. Only when that packet ends the stream: a rotated stream's earlier file
 * cut short is a hole, which later files end. */
static void
mark_cut_streams (StrataTrace            *trace,
                  const StrataTraceCheck *check)
{
  for (guint s = 0; check != NULL && check->tsdl != NULL && s < check->streams->len; s++)
    {
      const StrataStreamCheck *file = g_ptr_array_index (check->streams, s);
      gint64 end = 0;

      if (file->lost_from == G_MAXUINT64 || file->packets == NULL)
        continue;
      for (guint p = 0; p < file->packets->len; p++)
        {
          const StrataCtfPacket *packet = &g_array_index (file->packets, StrataCtfPacket, p);
          gint64 ns;

          if (packet->sound && packet->has_ts && packet->offset < file->lost_from &&
              strata_tsdl_cycles_to_ns (check->tsdl, packet->stream_class, packet->ts_end, &ns))
            end = MAX (end, ns);
        }
      if (end <= 0)
        continue;
      for (guint i = 0; i < trace->streams->len; i++)
        {
          StrataStream *stream = g_ptr_array_index (trace->streams, i);

          /* Reading it may have stopped earlier (the decoder's cut): knowledge ends there. */
          if (end >= stream->end_ns && stream_has_file (stream, file, check->tsdl))
            stream->cut_ns = stream->cut_ns > 0 ? MIN (stream->cut_ns, end) : end;
        }
    }
}

/* Packets left out between sound ones (damaged, and skipped): their time is a hole in the
 * stream, which the view marks as events lost there (their number not known), as it does
 * the tracer's own losses, instead of passing it for time the CPU was seen in. */
static void
mark_holes (StrataTrace            *trace,
            const StrataTraceCheck *check)
{
  for (guint s = 0; check != NULL && check->tsdl != NULL && s < check->streams->len; s++)
    {
      const StrataStreamCheck *file = g_ptr_array_index (check->streams, s);
      const StrataCtfPacket *before = NULL;
      gboolean left_out = FALSE;
      guint64 sound_end = 0;

      if (file->n_bad == 0 || file->packets == NULL)
        continue;
      for (guint p = 0; p < file->packets->len; p++)
        {
          const StrataCtfPacket *packet = &g_array_index (file->packets, StrataCtfPacket, p);
          StrataLoss hole = { 0, 0, 0 };

          if (!packet->sound)
            {
              left_out = TRUE;
              continue;
            }
          /* A damaged packet whose header was not found leaves only a gap in the offsets. */
          left_out |= p > 0 && packet->offset > sound_end;
          sound_end = packet->offset + packet->size;
          if (!packet->has_ts)
            continue;
          if (left_out && before != NULL &&
              strata_tsdl_cycles_to_ns (check->tsdl, before->stream_class, before->ts_end, &hole.begin_ns) &&
              strata_tsdl_cycles_to_ns (check->tsdl, packet->stream_class, packet->ts_begin, &hole.end_ns) &&
              strata_time_in_range (hole.begin_ns) && strata_time_in_range (hole.end_ns) &&
              hole.begin_ns <= hole.end_ns)
            for (guint i = 0; i < trace->streams->len; i++)
              {
                StrataStream *stream = g_ptr_array_index (trace->streams, i);

                if (stream_has_file (stream, file, check->tsdl))
                  {
                    g_array_append_val (stream->losses, hole);
                    g_array_sort (stream->losses, strata_loss_compare);
                  }
              }
          before = packet;
          left_out = FALSE;
        }
    }
}

/* Packets libbabeltrace2 found missing from a stream's sequence: those Strata left out
 * (damaged, whose time mark_holes() marked) were not lost by the tracer; the others were, and
 * are said, their time a loss of events not counted. */
static void
mark_lost_packets (StrataTrace *trace,
                   GPtrArray   *shard_jobs)
{
  g_autoptr(GHashTable) counts = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  for (guint j = 0; j < shard_jobs->len; j++)
    {
      StrataShardResult *r = ((Job *) g_ptr_array_index (shard_jobs, j))->result;

      for (guint k = 0; r != NULL && k < r->lost_packets->len; k++)
        {
          const StrataDecodeLostPackets *lost = &g_array_index (r->lost_packets, StrataDecodeLostPackets, k);
          StrataStream *stream = lost->stream;
          gboolean left_out = FALSE;
          guint64 *count;

          for (guint l = 0; l < stream->losses->len && !left_out; l++)
            {
              const StrataLoss *hole = &g_array_index (stream->losses, StrataLoss, l);

              left_out = hole->count == 0 && hole->begin_ns <= lost->loss.end_ns && hole->end_ns >= lost->loss.begin_ns;
            }
          if (left_out)
            continue;
          g_array_append_val (stream->losses, lost->loss);
          g_array_sort (stream->losses, strata_loss_compare);
          if ((count = g_hash_table_lookup (counts, stream)) == NULL)
            g_hash_table_insert (counts, stream, (count = g_new0 (guint64, 1)));
          *count += lost->count;
        }
    }
  for (guint s = 0; s < trace->streams->len; s++)
    {
      StrataStream *stream = g_ptr_array_index (trace->streams, s);
      const guint64 *count = g_hash_table_lookup (counts, stream);
      g_autofree char *label = NULL;

      if (count == NULL)
        continue;
      label = strata_decode_stream_label (stream);
      strata_trace_add_error (trace,
                              ngettext ("%s: stream %s: the tracer lost %" PRIu64 " packet (its number is missing from the sequence); its events are not counted, and its time is marked as lost",
                                        "%s: stream %s: the tracer lost %" PRIu64 " packets (their numbers are missing from the sequence); their events are not counted, and their time is marked as lost",
                                        *count),
                              trace->path, label, *count);
    }
}

/* The first sound packet of @stream (of its files, a rotated stream having several, the one
 * that begins first), and its file; NULL when none is found. */
static const StrataCtfPacket *
first_packet (const StrataStream       *stream,
              const StrataTraceCheck   *check,
              const StrataStreamCheck **file_out)
{
  const StrataCtfPacket *first = NULL;

  *file_out = NULL;
  for (guint s = 0; check != NULL && check->tsdl != NULL && s < check->streams->len; s++)
    {
      const StrataStreamCheck *f = g_ptr_array_index (check->streams, s);

      if (f->packets == NULL || !stream_has_file (stream, f, check->tsdl))
        continue;
      for (guint p = 0; p < f->packets->len; p++)
        {
          const StrataCtfPacket *packet = &g_array_index (f->packets, StrataCtfPacket, p);

          if (!packet->sound)
            continue;
          if (first == NULL || (packet->has_ts && (!first->has_ts || packet->ts_begin < first->ts_begin)))
            {
              first = packet;
              *file_out = f;
            }
          break;
        }
    }
  return first;
}

/* Streams whose first packet read says events were lost before it: its sequence number is
 * not the first, or its discarded counter is not 0 (a flight-recorder session overwrote the
 * packets before, or the tracer dropped events). What ran on their CPU before their first
 * event is then not known, whatever a statedump says of it. */
static void
mark_late_starts (StrataTrace            *trace,
                  const StrataTraceCheck *check)
{
  for (guint i = 0; i < trace->streams->len; i++)
    {
      StrataStream *stream = g_ptr_array_index (trace->streams, i);
      const StrataStreamCheck *file;
      const StrataCtfPacket *first = first_packet (stream, check, &file);

      if (first != NULL && ((first->has_seq && first->seq > 0) || (first->has_discarded && first->discarded > 0)))
        stream->lost_before = TRUE;
    }
}

/* Events lost before a stream's first packet, counted from that packet's counter, found
 * through the stream's first file; said when they cannot be. */
static void
count_first_losses (StrataTrace            *trace,
                    const StrataTraceCheck *check,
                    GPtrArray              *shard_jobs)
{
  for (guint j = 0; j < shard_jobs->len; j++)
    {
      StrataShardResult *r = ((Job *) g_ptr_array_index (shard_jobs, j))->result;

      for (guint k = 0; r != NULL && k < r->first_losses->len; k++)
        {
          const StrataDecodeFirstLoss *first = &g_array_index (r->first_losses, StrataDecodeFirstLoss, k);
          const StrataStreamCheck *file = NULL;
          guint64 count = 0;

          first_packet (first->stream, check, &file);
          if (file != NULL && strata_ctf_first_packet_discarded (check->folder, file->file, &count) && count > 0)
            {
              first->stream->discarded += count;
              if (first->loss < first->stream->losses->len)
                g_array_index (first->stream->losses, StrataLoss, first->loss).count = count;
              continue;
            }
          {
            g_autofree char *label = strata_decode_stream_label (first->stream);

            strata_trace_add_error (trace, _("%s: stream %s: the tracer discarded events that are not counted (their number is not in the trace)"),
                                    trace->path, label);
          }
        }
    }
}

static char *
summarize_errors (GPtrArray *errors)
{
  if (errors->len == 0)
    return g_strdup (_("No trace could be loaded"));
  if (errors->len == 1)
    return g_strdup (g_ptr_array_index (errors, 0));
  return g_strdup_printf (ngettext ("%s (and %u more problem)", "%s (and %u more problems)",
                                    errors->len - 1),
                          (const char *) g_ptr_array_index (errors, 0), errors->len - 1);
}

/* What the load knows of one trace beside the StrataTrace: its check, and what was left
 * out of what libbabeltrace2 reads. */
typedef struct
{
  StrataTrace      *trace;
  StrataTraceCheck *check;
  GHashTable       *excluded;     /* stream files libbabeltrace2 refused */
} TraceState;

static void
trace_state_free (TraceState *state)
{
  strata_trace_check_free (state->check);
  g_hash_table_unref (state->excluded);
  g_free (state);
}

/* libbabeltrace2 refused a whole trace for one stream file after all (the check missed a
 * kind of damage): read the others, for at most this many files per trace. */
#define MAX_REFUSED_FILES 4

static void
add_problems (StrataTrace *trace,
              GPtrArray   *problems)
{
  for (guint i = 0; i < problems->len; i++)
    strata_trace_add_error (trace, "%s", (const char *) g_ptr_array_index (problems, i));
  g_ptr_array_set_size (problems, 0);
}

/* Stages @state's trace without the files it excludes; NULL (and the trace has said why)
 * when that leaves nothing to read. */
static StrataStaging *
stage_trace (TraceState *state)
{
  StrataTrace *trace = state->trace;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  StrataStaging *staging;

  staging = strata_staging_new (state->check, trace->path, state->excluded, problems, &local_error);
  add_problems (trace, problems);
  if (staging == NULL)
    {
      strata_trace_add_error (trace, _("%s: cannot be read: %s"), trace->path, local_error->message);
      return NULL;
    }
  if (strata_staging_get_n_streams (staging) == 0 && state->check->streams->len > 0)
    {
      strata_trace_add_error (trace, _("%s: none of its stream files can be read; the trace is left out"),
                              trace->path);
      strata_staging_free (staging);
      return NULL;
    }
  return staging;
}

/* How many times the reading of one stream goes on past a packet it could not read, and how
 * many of those in a row may read nothing (each copies the rest of the file). */
#define MAX_READ_ON 16
#define MAX_READ_NOTHING 3

/* The one checked file of @stream; NULL when it has several (a rotated stream) or none. */
static StrataStreamCheck *
single_file (const StrataStream     *stream,
             const StrataTraceCheck *check)
{
  StrataStreamCheck *found = NULL;

  for (guint i = 0; i < check->streams->len; i++)
    if (stream_has_file (stream, g_ptr_array_index (check->streams, i), check->tsdl))
      {
        if (found != NULL)
          return NULL;
        found = g_ptr_array_index (check->streams, i);
      }
  return found;
}

static guint
n_sound (const StrataStreamCheck *file)
{
  guint n = 0;

  for (guint p = 0; p < file->packets->len; p++)
    n += g_array_index (file->packets, StrataCtfPacket, p).sound;
  return n;
}

/* A staging folder of @file alone, with its sound packets from the @first-th on: its first
 * packet is then not the file's, so they are copied (see strata-staging.h). */
static StrataStaging *
stage_rest (StrataTraceCheck  *check,
            StrataStreamCheck *file,
            guint              first,
            const char        *display_path,
            GPtrArray         *problems)
{
  g_autoptr(GArray) packets = g_array_copy (file->packets);
  g_autoptr(GPtrArray) streams = g_ptr_array_new ();
  StrataStreamCheck rest = *file;
  StrataTraceCheck alone = *check;
  guint sound = 0;

  rest.packets = packets;
  rest.sound_bytes = 0;
  rest.reason = (char *) "read on";
  rest.has_index = FALSE;
  for (guint p = 0; p < packets->len; p++)
    {
      StrataCtfPacket *packet = &g_array_index (packets, StrataCtfPacket, p);

      if (!packet->sound)
        continue;
      if (sound++ < first)
        packet->sound = FALSE;
      else
        rest.sound_bytes += packet->size;
    }
  g_ptr_array_add (streams, &rest);
  alone.streams = streams;
  return strata_staging_new (&alone, display_path, NULL, problems, NULL);
}

/*
 * libbabeltrace2 stops reading a stream at the first packet it cannot decode (its header whole,
 * what follows garbled), and the rest of the stream would be lost with it. Read on from the
 * next sound packet, the time between marked as lost, as many times as it takes; a stream
 * of several files (rotated) stops there, as do streams of a trace whose metadata Strata did
 * not parse. Says what was not read, into @result's errors.
 */
static void
read_on (StrataTraceCheck       *check,
         const char             *display_path,
         StrataShardResult      *result,
         const StrataDecodeStop *stop,
         StrataStrtab           *strings,
         StrataDecodeProgress   *progress)
{
  StrataStreamCheck *file = check != NULL && check->tsdl != NULL ? single_file (stop->stream, check) : NULL;
  StrataStream *stream = stop->stream;
  StrataDecodeStop now = *stop;
  g_autofree char *cause = g_strdup (stop->cause);   /* of the gap being read past */
  guint64 first = 0, sound = file != NULL ? n_sound (file) : 0;
  guint nothing = 0;

  for (guint attempt = 0;; attempt++)
    {
      guint64 failed = first + MAX (now.packets, 1) - 1, before = stream->events;
      guint n_losses = stream->losses->len;
      g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(StrataStaging) staging = NULL;
      StrataShardResult *more;
      gboolean went_on;

      if (file == NULL || attempt >= MAX_READ_ON || nothing >= MAX_READ_NOTHING || failed + 1 >= sound ||
          (progress != NULL && g_cancellable_is_cancelled (progress->cancellable)) ||
          (staging = stage_rest (check, file, failed + 1, display_path, problems)) == NULL ||
          strata_staging_get_n_streams (staging) != 1)
        {
          now.cause = cause;
          g_ptr_array_add (result->errors, strata_decode_stop_message (display_path, &now));
          return;
        }
      first = failed + 1;
      more = strata_decode_resume (strata_staging_get_path (staging), display_path, stream, strings, progress);
      for (guint e = 0; e < more->errors->len; e++)
        g_ptr_array_add (result->errors, g_strdup (g_ptr_array_index (more->errors, e)));
      /* Packets missing from the sequence after the one it went on from are said with the
       * others (mark_lost_packets()). */
      g_array_append_vals (result->lost_packets, more->lost_packets->data, more->lost_packets->len);
      went_on = stream->events > before;
      nothing = went_on ? 0 : nothing + 1;
      if (went_on)
        {
          g_autofree char *label = g_path_get_basename (file->file);
          g_autofree char *to = strata_time_format_absolute (stream->begin_ns);

          if (now.events == 0 || stream->losses->len == n_losses)
            g_ptr_array_add (result->errors,
                             g_strdup_printf (_("%s: stream %s is damaged: its first packets cannot be read (%s); it is read from %s on"),
                                              display_path, label, cause, to));
          else
            {
              const StrataLoss *loss = &g_array_index (stream->losses, StrataLoss, n_losses);
              g_autofree char *from = strata_time_format_absolute (loss->begin_ns);

              g_free (to);
              to = strata_time_format_absolute (loss->end_ns);
              g_ptr_array_add (result->errors,
                               g_strdup_printf (_("%s: stream %s is damaged: what it holds between %s and %s cannot be read (%s); that time is marked as lost, and the stream is read on after it"),
                                                display_path, label, from, to, cause));
            }
          /* Known again from its next event on, unless it stopped again (its new stop). */
          if (more->stops->len == 0)
            stream->cut_ns = 0;
        }
      if (more->stops->len == 0)
        {
          strata_shard_result_free (more);
          return;
        }
      now = g_array_index (more->stops, StrataDecodeStop, 0);
      /* A run that stopped before its first event leaves the same gap, of the same cause. */
      if (went_on)
        {
          g_free (cause);
          cause = g_strdup (now.cause);
        }
      now.cause = NULL;
      strata_shard_result_free (more);
    }
}

/* The largest sound packet of a checked trace, in bits: no sequence read from it is longer. */
static guint64
largest_packet_bits (const StrataTraceCheck *check)
{
  guint64 bytes = 0;

  for (guint s = 0; check != NULL && s < check->streams->len; s++)
    {
      const StrataStreamCheck *stream = g_ptr_array_index (check->streams, s);

      for (guint p = 0; stream->packets != NULL && p < stream->packets->len; p++)
        {
          const StrataCtfPacket *packet = &g_array_index (stream->packets, StrataCtfPacket, p);

          if (packet->sound)
            bytes = MAX (bytes, packet->size);
        }
    }
  return bytes > G_MAXUINT64 / 8 ? G_MAXUINT64 : bytes * 8;
}

/* The bytes of each stream of a checked trace that libbabeltrace2 reads (a rotated stream's
 * files add up; a file with no sound packet is left out), by the key of its port: empty when
 * the trace has no TSDL (CTF 2). */
static GHashTable *
stream_bytes (const StrataTraceCheck *check)
{
  GHashTable *bytes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; check != NULL && check->tsdl != NULL && i < check->streams->len; i++)
    {
      const StrataStreamCheck *file = g_ptr_array_index (check->streams, i);
      char *key;
      guint64 *sum;

      if (file->sound_bytes == 0)
        continue;
      key = strata_port_key_of_file_check (file, check->tsdl);
      if ((sum = g_hash_table_lookup (bytes, key)) == NULL)
        {
          sum = g_new0 (guint64, 1);
          g_hash_table_insert (bytes, key, sum);
        }
      else
        g_free (key);
      *sum += file->sound_bytes;
    }
  return bytes;
}

static int
compare_keys_by_bytes (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  const char *ka = *(const char * const *) a, *kb = *(const char * const *) b;
  guint64 ba = *(guint64 *) g_hash_table_lookup (user_data, ka);
  guint64 bb = *(guint64 *) g_hash_table_lookup (user_data, kb);

  if (ba != bb)
    return ba < bb ? 1 : -1;
  return strcmp (ka, kb);
}

/* Which of @n_shards shards reads each stream of @bytes (see stream_bytes()), by its key (the
 * shard + 1): the streams largest first, each to the shard with the fewest bytes yet. Every
 * n-th port instead can give one shard twice the bytes of another, and the set waits for it.
 * A port the plan does not name is read by every n-th shard still. */
static GHashTable *
plan_shards (GHashTable *bytes,
             guint       n_shards)
{
  GHashTable *plan = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree guint64 *load = g_new0 (guint64, n_shards);
  g_autoptr(GPtrArray) keys = g_ptr_array_sized_new (g_hash_table_size (bytes));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, bytes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort_with_data (keys, compare_keys_by_bytes, bytes);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *k = g_ptr_array_index (keys, i);
      guint least = 0;

      for (guint s = 1; s < n_shards; s++)
        if (load[s] < load[least])
          least = s;
      load[least] += *(guint64 *) g_hash_table_lookup (bytes, k);
      g_hash_table_insert (plan, g_strdup (k), GUINT_TO_POINTER (least + 1));
    }
  return plan;
}

/* The jobs of @trace, read from @folder in @n_shards shards (@streams: see stream_bytes(),
 * which plans them when there are several; @bytes: its size). */
static void
add_jobs (GPtrArray   *jobs,
          StrataTrace *trace,
          const char  *folder,
          guint        n_shards,
          GHashTable  *streams,
          guint64      bytes,
          guint64      packet_bits)
{
  g_autoptr(GHashTable) plan = n_shards > 1 && streams != NULL ? plan_shards (streams, n_shards) : NULL;

  for (guint s = 0; s < n_shards; s++)
    {
      Job *job = g_new0 (Job, 1);

      job->trace = trace;
      job->folder = g_strdup (folder);
      job->shard = s;
      job->n_shards = n_shards;
      job->bytes = bytes;
      job->packet_bits = packet_bits;
      job->plan = plan != NULL ? g_hash_table_ref (plan) : NULL;
      g_ptr_array_add (jobs, job);
    }
}

StrataSet *
strata_trace_load (const char * const      *paths,
                   const StrataLoadOptions *options,
                   GCancellable            *cancellable,
                   GError                 **error)
{
  g_autoptr(StrataSet) set = strata_set_new ();
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
  g_autoptr(GPtrArray) stagings = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_staging_free);
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func ((GDestroyNotify) trace_state_free);
  StrataDecodeProgress progress = { 0 };
  guint n_threads;
  guint64 total_bytes = 0;
  guint64 shard_bytes;
  guint loaded = 0;
  guint first_new;
  gboolean ctf2_supported;

  g_return_val_if_fail (paths != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (!strata_decoder_init (error))
    return NULL;
  strata_staging_sweep ();

  n_threads = options && options->n_threads ? options->n_threads : g_get_num_processors ();
  shard_bytes = options && options->shard_bytes ? options->shard_bytes : 4 * 1024 * 1024;
  if (options != NULL && options->max_strings != 0)
    strata_strtab_set_limit (set->strings, options->max_strings);
  ctf2_supported = bt_version_get_major () > 2 ||
                   (bt_version_get_major () == 2 && bt_version_get_minor () >= 1);

  found = strata_discover_traces (paths, set->errors, cancellable);
  for (guint i = 0; i < found->len; i++)
    total_bytes += ((StrataFoundTrace *) g_ptr_array_index (found, i))->bytes;

  for (guint i = 0; i < found->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      StrataFoundTrace *f = g_ptr_array_index (found, i);
      StrataTrace *trace = strata_set_add_trace (set, f->path);
      TraceState *state = g_new0 (TraceState, 1);
      StrataStaging *staging = NULL;
      GHashTable *streams;
      guint n_shards = 1, n_ports;

      state->trace = trace;
      state->excluded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_ptr_array_add (states, state);

      if (strata_trace_is_ctf2 (f->path) && !ctf2_supported)
        {
          strata_trace_add_error (trace,
                                  /* Translators: %s is a folder, then a version such as 2.0.4 */
                                  _("%s: this is a CTF 2 trace, as LTTng 2.15 writes by default (2.14 as an option). Reading it needs libbabeltrace2 2.1 or later, and this build of Strata uses %u.%u.%u. Strata's Flatpak build reads CTF 2 (see the README), or record with “lttng create --trace-format=ctf-1.8”"),
                                  f->path, bt_version_get_major (), bt_version_get_minor (),
                                  bt_version_get_patch ());
          trace->failed = TRUE;
          continue;
        }

      /* What would crash, hang or exhaust libbabeltrace2 is left out of what it reads, in
       * one pass over every file; a trace it must not read at all is not handed to it. */
      state->check = strata_ctf_check_trace (f->path, f->path, cancellable);
      add_problems (trace, state->check->problems);
      if (state->check->failure != NULL)
        {
          strata_trace_add_error (trace, "%s", state->check->failure);
          trace->failed = TRUE;
          continue;
        }
      if (state->check->needs_staging)
        {
          if ((staging = stage_trace (state)) == NULL)
            {
              trace->failed = TRUE;
              continue;
            }
          g_ptr_array_add (stagings, staging);
        }

      /* A trace that is a good part of the whole, or big, is split over the threads (a port
       * a shard at most), each shard with as many bytes as can be: whole, the last big trace
       * to finish is decoded on one processor while the others wait (a seventh of the decode
       * of a host and two guests each a third of its size). Not a small one: each shard parses
       * the metadata and indexes every file again. */
      streams = stream_bytes (state->check);
      n_ports = g_hash_table_size (streams) > 0 ? g_hash_table_size (streams) : MAX (f->n_files, 1);
      if (n_threads > 1 && f->bytes >= shard_bytes &&
          (f->bytes * 2 * n_threads >= total_bytes || f->bytes >= 4 * shard_bytes))
        n_shards = MIN (n_threads, n_ports);
      add_jobs (jobs, trace, staging != NULL ? strata_staging_get_path (staging) : f->path,
                n_shards, streams, f->bytes, largest_packet_bits (state->check));
      g_hash_table_unref (streams);
    }

  progress.total_bytes = total_bytes;
  progress.cancellable = cancellable;
  if (options != NULL)
    {
      progress.report = options->progress;
      progress.report_data = options->progress_data;
    }

  /* Run every job; then, for the traces libbabeltrace2 refused because of one stream file,
   * the same again without that file. */
  first_new = 0;
  while (first_new < jobs->len && !g_cancellable_is_cancelled (cancellable))
    {
      g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new (jobs->len - first_new);
      guint end = jobs->len;

      for (guint j = first_new; j < end; j++)
        g_ptr_array_add (sorted, g_ptr_array_index (jobs, j));
      g_ptr_array_sort (sorted, compare_jobs);
      run_jobs (sorted, n_threads, set->strings, &progress);

      for (guint j = first_new; j < end; j++)
        {
          Job *job = g_ptr_array_index (jobs, j);
          TraceState *state = NULL;
          StrataStaging *staging;

          if (job->shard != 0 || job->result == NULL || !job->result->failed || job->result->bad_file == NULL)
            continue;
          for (guint t = 0; t < states->len && state == NULL; t++)
            if (((TraceState *) g_ptr_array_index (states, t))->trace == job->trace)
              state = g_ptr_array_index (states, t);
          if (state == NULL || state->check == NULL || state->check->tsdl == NULL ||
              g_hash_table_contains (state->excluded, job->result->bad_file))
            continue;
          if (g_hash_table_size (state->excluded) >= MAX_REFUSED_FILES)
            {
              strata_trace_add_error (job->trace, _("%s: libbabeltrace2 refused %u of its stream files; the others are not tried"),
                                      job->trace->path, g_hash_table_size (state->excluded) + 1);
              continue;
            }
          g_hash_table_add (state->excluded, g_strdup (job->result->bad_file));
          if ((staging = stage_trace (state)) == NULL)
            continue;
          g_ptr_array_add (stagings, staging);
          add_jobs (jobs, job->trace, strata_staging_get_path (staging), 1, NULL, job->bytes,
                    job->packet_bits);
        }
      first_new = end;
    }

  /* Streams that stopped at a packet libbabeltrace2 could not read: read on past it. */
  for (guint j = 0; j < jobs->len; j++)
    {
      Job *job = g_ptr_array_index (jobs, j);
      StrataTraceCheck *check = NULL;

      if (job->result == NULL)
        continue;
      for (guint t = 0; t < states->len && check == NULL; t++)
        if (((TraceState *) g_ptr_array_index (states, t))->trace == job->trace)
          check = ((TraceState *) g_ptr_array_index (states, t))->check;
      for (guint k = 0; k < job->result->stops->len; k++)
        read_on (check, job->trace->path, job->result, &g_array_index (job->result->stops, StrataDecodeStop, k),
                 set->strings, &progress);
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  for (guint i = 0; i < set->traces->len; i++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, i);
      g_autoptr(GPtrArray) mine = g_ptr_array_new ();

      for (guint j = 0; j < jobs->len; j++)
        if (((Job *) g_ptr_array_index (jobs, j))->trace == trace)
          g_ptr_array_add (mine, g_ptr_array_index (jobs, j));
      if (mine->len > 0)
        collect_trace (trace, mine);
      if (i < states->len)
        {
          const StrataTraceCheck *check = ((TraceState *) g_ptr_array_index (states, i))->check;

          mark_cut_streams (trace, check);
          /* Before the holes are added: it finds its loss by its index, in the decoder's order. */
          count_first_losses (trace, check, mine);
          mark_late_starts (trace, check);
          mark_holes (trace, check);
          mark_lost_packets (trace, mine);
          /* No stream read, no environment from libbabeltrace2: its machine is still the one
           * the metadata names. */
          if (trace->hostname == NULL && check != NULL && check->tsdl != NULL &&
              strata_tsdl_env_hostname (check->tsdl) != NULL)
            {
              trace->hostname = g_strdup (strata_tsdl_env_hostname (check->tsdl));
              if (trace->domain == NULL && strata_tsdl_env_domain (check->tsdl) != NULL)
                trace->domain = g_strdup (strata_tsdl_env_domain (check->tsdl));
            }
        }
      /* Nothing read of a trace that has stream files: it is not loaded, whatever opened. */
      if (!trace->failed && trace->streams->len == 0 && i < states->len)
        {
          TraceState *state = g_ptr_array_index (states, i);

          if (state->check != NULL && state->check->streams->len > 0)
            {
              strata_trace_add_error (trace, _("%s: none of its stream files can be read; the trace is left out"),
                                      trace->path);
              trace->failed = TRUE;
            }
        }
      if (!trace->failed)
        loaded++;
      for (guint e = 0; e < trace->errors->len; e++)
        g_ptr_array_add (set->errors, g_strdup (g_ptr_array_index (trace->errors, e)));
    }
  /* Remove the staging folders before saying anything. */
  g_clear_pointer (&stagings, g_ptr_array_unref);

  /* Names past the string table's limit read as "": not in silence. */
  if (strata_strtab_n_dropped (set->strings) > 0)
    g_ptr_array_add (set->errors,
                     g_strdup_printf (ngettext ("The traces hold more distinct names (of threads, interrupts and others) than Strata keeps (%2$u): %1$u name read after that is shown empty",
                                                "The traces hold more distinct names (of threads, interrupts and others) than Strata keeps (%2$u): %1$u names read after that are shown empty",
                                                strata_strtab_n_dropped (set->strings)),
                                      strata_strtab_n_dropped (set->strings), strata_strtab_count (set->strings)));

  if (loaded == 0)
    {
      g_autofree char *message = summarize_errors (set->errors);
      int code = found->len == 0 ? STRATA_TRACE_ERROR_NO_TRACE : STRATA_TRACE_ERROR_UNREADABLE;

      g_set_error_literal (error, STRATA_TRACE_ERROR, code, message);
      return NULL;
    }

  strata_set_finish (set);
  if (progress.report != NULL)
    progress.report (total_bytes, total_bytes, progress.report_data);
  return g_steal_pointer (&set);
}

/* Async: progress is forwarded to the caller's main context, coalesced. */

typedef struct
{
  char              **paths;
  GMainContext       *context;
  StrataLoadProgress  progress;
  gpointer            progress_data;
  GMutex              lock;
  guint64             done;
  guint64             total;
  gboolean            pending;
} AsyncLoad;

static void
async_load_free (AsyncLoad *load)
{
  g_strfreev (load->paths);
  g_main_context_unref (load->context);
  g_mutex_clear (&load->lock);
  g_free (load);
}

static gboolean
dispatch_progress (gpointer data)
{
  GTask *task = data;
  AsyncLoad *load = g_task_get_task_data (task);
  guint64 done, total;

  g_mutex_lock (&load->lock);
  done = load->done;
  total = load->total;
  load->pending = FALSE;
  g_mutex_unlock (&load->lock);

  if (load->progress != NULL)
    load->progress (done, total, load->progress_data);
  return G_SOURCE_REMOVE;
}

static void
thread_progress (guint64  done,
                 guint64  total,
                 gpointer data)
{
  GTask *task = data;
  AsyncLoad *load = g_task_get_task_data (task);
  gboolean schedule;

  g_mutex_lock (&load->lock);
  load->done = done;
  load->total = total;
  schedule = !load->pending;
  load->pending = TRUE;
  g_mutex_unlock (&load->lock);

  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      /* The task's completion is dispatched at default priority: be no later than it. */
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, dispatch_progress, g_object_ref (task), g_object_unref);
      g_source_attach (source, load->context);
      g_source_unref (source);
    }
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  AsyncLoad *load = task_data;
  StrataLoadOptions options = { 0, 0, thread_progress, task, 0 };
  GError *error = NULL;
  StrataSet *set;

  set = strata_trace_load ((const char * const *) load->paths, &options, cancellable, &error);
  if (set == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, set, (GDestroyNotify) strata_set_unref);
}

void
strata_trace_load_async (const char * const  *paths,
                         GCancellable        *cancellable,
                         StrataLoadProgress   progress,
                         gpointer             progress_data,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncLoad *load;

  g_return_if_fail (paths != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  load = g_new0 (AsyncLoad, 1);
  load->paths = g_strdupv ((char **) paths);
  load->context = g_main_context_ref_thread_default ();
  load->progress = progress;
  load->progress_data = progress_data;
  g_mutex_init (&load->lock);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_trace_load_async);
  g_task_set_task_data (task, load, (GDestroyNotify) async_load_free);
  g_task_run_in_thread (task, load_thread);
}

StrataSet *
strata_trace_load_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
