/* strata-set.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-set"

#include "config.h"

#include "strata-set.h"

StrataStream *
strata_stream_new (const char *name)
{
  StrataStream *stream = g_new0 (StrataStream, 1);

  stream->name = g_strdup (name);
  stream->cpu = G_MAXUINT32;
  stream->buffer = strata_event_buffer_new ();
  return stream;
}

void
strata_stream_free (StrataStream *stream)
{
  if (stream == NULL)
    return;
  g_free (stream->name);
  strata_event_buffer_free (stream->buffer);
  g_free (stream);
}

static void
trace_free (gpointer data)
{
  StrataTrace *trace = data;

  g_free (trace->path);
  g_free (trace->machine);
  g_free (trace->hostname);
  g_free (trace->domain);
  g_free (trace->tracer);
  g_free (trace->kernel_release);
  g_free (trace->clock_uuid);
  g_ptr_array_unref (trace->streams);
  g_ptr_array_unref (trace->errors);
  g_free (trace);
}

StrataSet *
strata_set_new (void)
{
  StrataSet *self = g_new0 (StrataSet, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->traces = g_ptr_array_new_with_free_func (trace_free);
  self->errors = g_ptr_array_new_with_free_func (g_free);
  self->strings = strata_strtab_new ();
  return self;
}

StrataSet *
strata_set_ref (StrataSet *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
strata_set_unref (StrataSet *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_ptr_array_unref (self->traces);
      g_ptr_array_unref (self->errors);
      strata_strtab_free (self->strings);
      g_free (self);
    }
}

StrataTrace *
strata_set_add_trace (StrataSet  *self,
                      const char *path)
{
  StrataTrace *trace;

  g_return_val_if_fail (self != NULL, NULL);

  trace = g_new0 (StrataTrace, 1);
  trace->path = g_strdup (path);
  trace->streams = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_stream_free);
  trace->errors = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->traces, trace);
  return trace;
}

void
strata_set_add_error (StrataSet  *self,
                      const char *format,
                      ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->errors, g_strdup_vprintf (format, args));
  va_end (args);
}

StrataStream *
strata_trace_add_stream (StrataTrace *trace,
                         const char  *name)
{
  StrataStream *stream = strata_stream_new (name);

  g_ptr_array_add (trace->streams, stream);
  return stream;
}

void
strata_trace_add_error (StrataTrace *trace,
                        const char  *format,
                        ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (trace->errors, g_strdup_vprintf (format, args));
  va_end (args);
}

/* Totals, time range and unique machine names, once every trace is read. */
void
strata_set_finish (StrataSet *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean any = FALSE;

  self->begin_ns = self->end_ns = 0;
  for (guint i = 0; i < self->traces->len; i++)
    {
      StrataTrace *trace = g_ptr_array_index (self->traces, i);
      gboolean trace_any = FALSE;

      trace->events = trace->discarded = 0;
      for (guint s = 0; s < trace->streams->len; s++)
        {
          StrataStream *stream = g_ptr_array_index (trace->streams, s);
          StrataEventBuffer *buf = stream->buffer;

          strata_event_buffer_seal (buf);
          trace->events += stream->events;
          trace->discarded += stream->discarded;
          if (stream->cpu != G_MAXUINT32)
            trace->n_cpus = MAX (trace->n_cpus, stream->cpu + 1);
          if (strata_event_buffer_count (buf) > 0)
            {
              stream->begin_ns = stream->begin_ns ? MIN (stream->begin_ns, strata_event_buffer_first_ts (buf))
                                                  : strata_event_buffer_first_ts (buf);
              stream->end_ns = MAX (stream->end_ns, strata_event_buffer_last_ts (buf));
            }
          if (stream->begin_ns == 0 && stream->end_ns == 0)
            continue;
          if (!trace_any || stream->begin_ns < trace->begin_ns)
            trace->begin_ns = stream->begin_ns;
          if (!trace_any || stream->end_ns > trace->end_ns)
            trace->end_ns = stream->end_ns;
          trace_any = TRUE;
        }

      /* Two traces of one hostname are two machines (or two sessions): keep them apart. */
      if (trace->machine == NULL)
        {
          const char *base = trace->hostname && *trace->hostname ? trace->hostname : "unknown";

          if (g_hash_table_contains (seen, base))
            {
              g_autofree char *folder = g_path_get_basename (trace->path);
              g_autofree char *name = g_strdup_printf ("%s/%s", base, folder);
              guint n = 2;

              while (g_hash_table_contains (seen, name))
                {
                  g_free (name);
                  name = g_strdup_printf ("%s/%s-%u", base, folder, n++);
                }
              trace->machine = g_steal_pointer (&name);
            }
          else
            trace->machine = g_strdup (base);
        }
      g_hash_table_add (seen, trace->machine);

      if (!trace_any)
        continue;
      if (!any || trace->begin_ns < self->begin_ns)
        self->begin_ns = trace->begin_ns;
      if (!any || trace->end_ns > self->end_ns)
        self->end_ns = trace->end_ns;
      any = TRUE;
    }
}

guint64
strata_set_event_count (StrataSet *self)
{
  guint64 n = 0;

  for (guint i = 0; i < self->traces->len; i++)
    n += ((StrataTrace *) g_ptr_array_index (self->traces, i))->events;
  return n;
}

gsize
strata_set_memory (StrataSet *self)
{
  gsize bytes = strata_strtab_memory (self->strings);

  for (guint i = 0; i < self->traces->len; i++)
    {
      StrataTrace *trace = g_ptr_array_index (self->traces, i);

      for (guint s = 0; s < trace->streams->len; s++)
        bytes += strata_event_buffer_memory (((StrataStream *) g_ptr_array_index (trace->streams, s))->buffer);
    }
  return bytes;
}

StrataEventMerge *
strata_trace_merge (StrataTrace *trace)
{
  g_autofree StrataEventBuffer **buffers = g_new (StrataEventBuffer *, MAX (trace->streams->len, 1));

  for (guint s = 0; s < trace->streams->len; s++)
    buffers[s] = ((StrataStream *) g_ptr_array_index (trace->streams, s))->buffer;
  return strata_event_merge_new (buffers, trace->streams->len);
}
