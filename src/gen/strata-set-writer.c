/* strata-set-writer.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-set-writer"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strata-lttng-format.h"
#include "strata-set-writer.h"

struct _StrataSetWriter
{
  StrataLttngEnv     env;
  StrataLttngSchema  schema;
  StrataLttngTasks   tasks;        /* its strings are the caller's, borrowed */
  gint64            *last;         /* per CPU: the latest event or discard; G_MININT64 */
  gint64            *last_event;   /* per CPU: the latest event; G_MININT64 */
  gboolean          *loss_open;    /* per CPU: its last loss waits for the next event */

  /* Borrowed: the set owns them */
  StrataSet         *set;
  StrataTrace       *trace;
  StrataStream     **streams;      /* per CPU */
};

typedef struct
{
  guint  cpu;
  char  *file;
} StreamFile;

static gint
compare_stream_files (gconstpointer a,
                      gconstpointer b)
{
  return strcmp (((const StreamFile *) a)->file, ((const StreamFile *) b)->file);
}

StrataSetWriter *
strata_set_writer_new (StrataSet                    *set,
                       const char                   *path,
                       const StrataCtfWriterOptions *options,
                       StrataStrtab                 *strings,
                       GError                      **error)
{
  g_autoptr(StrataSetWriter) self = NULL;
  g_autofree char *trace_uuid = NULL;
  g_autofree StreamFile *files = NULL;
  StrataTrace *trace;

  g_return_val_if_fail (set != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (strings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (StrataSetWriter, 1);
  if (!strata_lttng_env_init (&self->env, options, error))
    return NULL;
  strata_lttng_schema_init (&self->schema, self->env.legacy);
  strata_lttng_tasks_init (&self->tasks, strings);
  self->set = set;

  /* What the decoder reads from the metadata's environment and clock. */
  self->trace = trace = strata_set_add_trace (set, path);
  trace->hostname = g_strdup (self->env.hostname);
  trace->domain = g_strdup ("kernel");
  trace->tracer = g_strdup_printf ("lttng-modules %u.%u.%u", self->env.tracer[0],
                                   self->env.tracer[1], self->env.tracer[2]);
  trace->kernel_release = g_strdup (self->env.kernel_release);
  trace->clock_uuid = strata_lttng_uuid_string (self->env.clock_uuid);

  /* One stream per CPU file, named as libbabeltrace2 names its port, in the order of those
   * names (which is not the CPUs' order past CPU 9): merges break ties in stream order. */
  trace_uuid = strata_lttng_uuid_string (self->env.trace_uuid);
  files = g_new0 (StreamFile, self->env.n_cpus);
  for (guint cpu = 0; cpu < self->env.n_cpus; cpu++)
    {
      g_autofree char *name = g_strdup_printf ("channel0_%u", cpu);

      files[cpu].cpu = cpu;
      files[cpu].file = g_build_filename (path, name, NULL);
    }
  qsort (files, self->env.n_cpus, sizeof *files, compare_stream_files);
  self->streams = g_new0 (StrataStream *, self->env.n_cpus);
  self->last = g_new (gint64, self->env.n_cpus);
  self->last_event = g_new (gint64, self->env.n_cpus);
  self->loss_open = g_new0 (gboolean, self->env.n_cpus);
  for (guint i = 0; i < self->env.n_cpus; i++)
    {
      g_autofree char *port = g_strdup_printf ("%s | 0 | %s", trace_uuid, files[i].file);
      StrataStream *stream = strata_trace_add_stream (trace, port);

      stream->cpu = files[i].cpu;
      self->streams[files[i].cpu] = stream;
      self->last[files[i].cpu] = self->last_event[files[i].cpu] = G_MININT64;
      g_free (files[i].file);
    }
  return g_steal_pointer (&self);
}

gboolean
strata_set_writer_add (StrataSetWriter    *self,
                       const StrataEvent  *event,
                       GError            **error)
{
  const StrataLttngClass *klass;
  StrataStream *stream;
  StrataEvent read;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  if ((klass = strata_lttng_check_event (&self->env, &self->schema, &self->tasks, event,
                                         event->cpu < self->env.n_cpus ?
                                         self->last[event->cpu] : G_MININT64,
                                         error)) == NULL)
    return FALSE;

  strata_lttng_read_back (klass, &self->tasks, event, self->set->strings, &read);
  stream = self->streams[event->cpu];
  if (self->loss_open[event->cpu])
    {
      StrataLoss *loss = &g_array_index (stream->losses, StrataLoss, stream->losses->len - 1);

      loss->end_ns = MAX (loss->begin_ns, event->ts);
      self->loss_open[event->cpu] = FALSE;
    }
  strata_stream_append (stream, &read);
  /* As the decoder counts: every event, and the times of the first and the latest. */
  stream->events++;
  if (stream->begin_ns == 0 && stream->end_ns == 0)
    stream->begin_ns = event->ts;
  stream->end_ns = MAX (stream->end_ns, event->ts);
  if (event->kind == STRATA_EV_KVM_ENTRY || event->kind == STRATA_EV_KVM_EXIT)
    self->trace->has_kvm = TRUE;
  self->last[event->cpu] = self->last_event[event->cpu] = event->ts;
  strata_lttng_tasks_note (&self->tasks, event);
  return TRUE;
}

gboolean
strata_set_writer_discard (StrataSetWriter  *self,
                           guint             cpu,
                           guint64           count,
                           gint64            ts,
                           GError          **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!strata_lttng_check_discard (&self->env, cpu, ts,
                                   cpu < self->env.n_cpus ? self->last[cpu] : G_MININT64, error))
    return FALSE;
  if (count == 0)
    return TRUE;
  /* Whether a packet carries the count or a reader works it out from the first packet's,
   * the stream's total comes out the same. */
  self->streams[cpu]->discarded += count;
  self->last[cpu] = ts;
  /* As the decoder places it: from the end of the packet before (its last event) to the
   * next event, or to the discard when none comes; losses with no event between are one. */
  if (self->loss_open[cpu])
    g_array_index (self->streams[cpu]->losses, StrataLoss, self->streams[cpu]->losses->len - 1).count += count;
  else
    {
      gint64 begin = self->last_event[cpu] != G_MININT64 ? self->last_event[cpu] : ts;

      g_array_append_val (self->streams[cpu]->losses, ((StrataLoss) { begin, MAX (begin, ts), count }));
      self->loss_open[cpu] = TRUE;
    }
  return TRUE;
}

void
strata_set_writer_free (StrataSetWriter *self)
{
  if (self == NULL)
    return;
  strata_lttng_env_clear (&self->env);
  strata_lttng_schema_clear (&self->schema);
  strata_lttng_tasks_clear (&self->tasks);
  g_free (self->streams);
  g_free (self->last);
  g_free (self->last_event);
  g_free (self->loss_open);
  g_free (self);
}
