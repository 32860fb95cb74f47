/* strata-set.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-set"

#include "config.h"

#include <string.h>

#include "strata-set.h"
#include "strata-stream-scan.h"

StrataStream *
strata_stream_new (const char *name)
{
  StrataStream *stream = g_new0 (StrataStream, 1);

  stream->name = g_strdup (name);
  stream->cpu = G_MAXUINT32;
  stream->buffer = strata_event_buffer_new ();
  stream->losses = g_array_new (FALSE, FALSE, sizeof (StrataLoss));
  return stream;
}

void
strata_stream_free (StrataStream *stream)
{
  if (stream == NULL)
    return;
  g_free (stream->name);
  strata_event_buffer_free (stream->buffer);
  strata_stream_scan_free (stream->scan);
  g_array_unref (stream->losses);
  g_free (stream);
}

int
strata_loss_compare (gconstpointer a,
                     gconstpointer b)
{
  gint64 ta = ((const StrataLoss *) a)->begin_ns, tb = ((const StrataLoss *) b)->begin_ns;

  return (ta > tb) - (ta < tb);
}

/**
 * strata_stream_append:
 *
 * Appends @event to @stream's buffer, in time order, and gathers what a host's first pass
 * needs of it on the way (_strata_stream_scan_feed()). An event appended to the buffer itself
 * leaves the stream's scan short of it: the analysis then reads the buffer instead.
 */
void
strata_stream_append (StrataStream      *stream,
                      const StrataEvent *event)
{
  strata_event_buffer_append (stream->buffer, event);
  if (stream->scan == NULL)
    stream->scan = _strata_stream_scan_new ();
  _strata_stream_scan_feed (stream->scan, event, stream->losses);
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
  g_free (trace->session_name);
  g_free (trace->session_time);
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

/* LTTng's own folders between a session's folder and a trace: kernel, ust/uid/1000/64-bit,
 * ust/pid/…. */
static gboolean
is_lttng_folder (const char *name)
{
  static const char * const names[] = { "kernel", "ust", "uid", "pid", "64-bit", "32-bit", NULL };

  if (g_strv_contains (names, name))
    return TRUE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return name[0] != '\0';
}

/* Reads LTTng's session folder name, "NAME-YYYYMMDD-HHMMSS". */
static gboolean
parse_session_folder (const char  *folder,
                      char       **name,
                      char       **time)
{
  gsize len = strlen (folder);
  const char *tail;

  if (len < 17)
    return FALSE;
  tail = folder + len - 16;
  if (tail[0] != '-' || tail[9] != '-')
    return FALSE;
  for (guint i = 1; i < 16; i++)
    if (i != 9 && !g_ascii_isdigit (tail[i]))
      return FALSE;
  *name = g_strndup (folder, len - 16);
  *time = g_strdup_printf ("%.4s-%.2s-%.2s %.2s:%.2s:%.2s", tail + 1, tail + 5, tail + 7,
                           tail + 10, tail + 12, tail + 14);
  return TRUE;
}

/* What tells the traces of one hostname apart: their session's name and start, from the
 * trace's environment, else from the session's folder (the first above the trace that is not
 * one of LTTng's own), the domain, and the folder. */
typedef struct
{
  StrataTrace *trace;
  char        *name;       /* the session's name, or the folder's; never NULL */
  char        *time;       /* "2018-08-02 11:50:43", or NULL */
  char        *folder;     /* the trace folder's path */
  const char  *domain;     /* "kernel" or "ust" */
  char        *label;      /* what the machine name adds, or NULL for the hostname alone */
} Session;

static void
session_clear (gpointer data)
{
  Session *s = data;

  g_free (s->name);
  g_free (s->time);
  g_free (s->folder);
  g_free (s->label);
}

static void
session_init (Session     *s,
              StrataTrace *trace)
{
  g_autofree char *folder = g_strdup (trace->path);
  g_autofree char *base = g_path_get_basename (folder);

  s->trace = trace;
  s->folder = g_strdup (trace->path);
  s->domain = g_strcmp0 (trace->domain, "ust") == 0 ? "ust" : "kernel";

  while (is_lttng_folder (base))
    {
      char *parent = g_path_get_dirname (folder);

      if (strcmp (parent, folder) == 0)
        {
          g_free (parent);
          break;
        }
      g_free (folder);
      folder = parent;
      g_free (base);
      base = g_path_get_basename (folder);
    }
  if (!parse_session_folder (base, &s->name, &s->time))
    s->name = g_strdup (base);

  if (trace->session_name != NULL)
    {
      g_free (s->name);
      s->name = g_strdup (trace->session_name);
    }
  if (trace->session_time != NULL)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (trace->session_time, NULL);

      if (dt != NULL)
        {
          g_free (s->time);
          s->time = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
        }
    }
}

typedef enum
{
  LABEL_DOMAIN,
  LABEL_NAME,
  LABEL_NAME_TIME,
  LABEL_FOLDER,
} LabelKind;

static char *
session_label (const Session *s,
               LabelKind      kind,
               gboolean       same_day)
{
  const char *time = s->time;

  /* The day goes when every session of the hostname started on the same one. */
  if (time != NULL && same_day)
    time += 11;
  switch (kind)
    {
    case LABEL_DOMAIN:
      return g_strdup (s->domain);
    case LABEL_NAME:
      return g_strdup (s->name);
    case LABEL_NAME_TIME:
      return time != NULL ? g_strdup_printf ("%s %s", s->name, time) : NULL;
    case LABEL_FOLDER:
    default:
      return g_strdup (s->folder);
    }
}

/* Labels the sessions of one hostname so that none two are alike. A single kernel trace
 * among them is the machine, and keeps the hostname alone; user-space traces of it, and every
 * trace of a hostname traced more than once, say what they are. */
static void
label_sessions (Session **group,
                guint     n)
{
  guint n_kernel = 0;
  gboolean same_day = TRUE;

  for (guint i = 0; i < n; i++)
    {
      n_kernel += strcmp (group[i]->domain, "kernel") == 0;
      if (group[i]->time == NULL || group[0]->time == NULL ||
          strncmp (group[i]->time, group[0]->time, 10) != 0)
        same_day = FALSE;
    }

  for (LabelKind kind = LABEL_DOMAIN; kind <= LABEL_FOLDER; kind++)
    {
      g_autoptr(GHashTable) labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      gboolean apart = TRUE;

      for (guint i = 0; i < n && apart; i++)
        {
          char *label;

          if (n_kernel == 1 && strcmp (group[i]->domain, "kernel") == 0)
            continue;
          label = session_label (group[i], kind, same_day);
          if (label == NULL || g_hash_table_contains (labels, label))
            {
              g_free (label);
              apart = FALSE;
            }
          else
            g_hash_table_add (labels, label);
        }
      /* Domains tell traces apart only when they are all different. */
      if (kind == LABEL_DOMAIN && n_kernel > 1)
        apart = FALSE;
      if (!apart)
        continue;
      for (guint i = 0; i < n; i++)
        if (!(n_kernel == 1 && strcmp (group[i]->domain, "kernel") == 0))
          group[i]->label = session_label (group[i], kind, same_day);
      return;
    }
}

/* Machine names: the hostname, and when several traces share one, what tells each apart,
 * "arnaud-desktop (wget-k 11:50:43)". A name already given (by a scenario) stays. */
static void
name_machines (StrataSet *self)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) sessions = g_array_sized_new (FALSE, TRUE, sizeof (Session), self->traces->len);

  g_array_set_clear_func (sessions, session_clear);
  g_array_set_size (sessions, self->traces->len);
  for (guint i = 0; i < self->traces->len; i++)
    {
      StrataTrace *trace = g_ptr_array_index (self->traces, i);
      Session *s = &g_array_index (sessions, Session, i);
      const char *host = trace->hostname != NULL && trace->hostname[0] != '\0' ? trace->hostname : "unknown";
      GPtrArray *group;

      session_init (s, trace);
      if (trace->machine != NULL)
        {
          g_hash_table_add (seen, trace->machine);
          continue;
        }
      if ((group = g_hash_table_lookup (groups, host)) == NULL)
        g_hash_table_insert (groups, (gpointer) host, (group = g_ptr_array_new ()));
      g_ptr_array_add (group, s);
    }

  for (guint i = 0; i < self->traces->len; i++)
    {
      StrataTrace *trace = g_ptr_array_index (self->traces, i);
      Session *s = &g_array_index (sessions, Session, i);
      const char *host = trace->hostname != NULL && trace->hostname[0] != '\0' ? trace->hostname : "unknown";
      GPtrArray *group = g_hash_table_lookup (groups, host);
      g_autofree char *name = NULL;
      guint n = 2;

      if (trace->machine != NULL)
        continue;
      if (group->len > 1 && s->label == NULL && g_ptr_array_index (group, 0) == s)
        label_sessions ((Session **) group->pdata, group->len);
      name = s->label != NULL ? g_strdup_printf ("%s (%s)", host, s->label) : g_strdup (host);
      /* Whatever is left alike (two copies of one trace) is numbered. */
      while (g_hash_table_contains (seen, name))
        {
          g_free (name);
          name = s->label != NULL ? g_strdup_printf ("%s (%s, %u)", host, s->label, n++)
                                  : g_strdup_printf ("%s (%u)", host, n++);
        }
      trace->machine = g_steal_pointer (&name);
      g_hash_table_add (seen, trace->machine);
    }
}

/* Totals, time range and unique machine names, once every trace is read. */
void
strata_set_finish (StrataSet *self)
{
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

      if (!trace_any)
        continue;
      if (!any || trace->begin_ns < self->begin_ns)
        self->begin_ns = trace->begin_ns;
      if (!any || trace->end_ns > self->end_ns)
        self->end_ns = trace->end_ns;
      any = TRUE;
    }

  name_machines (self);
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
