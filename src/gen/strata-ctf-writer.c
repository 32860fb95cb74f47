/* strata-ctf-writer.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-ctf-writer"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "strata-ctf-writer.h"
#include "strata-lttng-format.h"

G_DEFINE_QUARK (strata-ctf-writer-error-quark, strata_ctf_writer_error)

#define CTF_MAGIC          0xC1FC1FC1u
#define DEFAULT_PACKET     (64 * 1024)
/* Packet header (magic, uuid, stream_id) then context; every field is byte-aligned, as in
 * LTTng's metadata, so the layout is packed. */
#define HEADER_SIZE        (4 + 16 + 4)
#define CONTEXT_SIZE       (8 * 6 + 4)
#define PREAMBLE_SIZE      (HEADER_SIZE + CONTEXT_SIZE)
#define EVENT_HEADER_SIZE  (4 + 8)

typedef struct
{
  FILE    *fp;
  guint8  *buf;
  gsize    used;
  gboolean open;
  guint64  seq;
  guint64  discarded;        /* cumulative, as written in the next packet's context */
  gint64   begin;            /* ns: the open packet's timestamp_begin */
  gint64   last;             /* ns: latest event or discard; G_MININT64 before any */
  gint64   last_event;
  gboolean discard_pending;  /* a discard awaits a packet to carry its count */
  guint64  events;
} CpuStream;

struct _StrataCtfWriter
{
  char             *dir;
  StrataLttngEnv    env;
  gsize             packet_size;
  CpuStream        *cpus;
  gboolean          closed;
  gint64            first_ts;          /* ns: the earliest packet begin; G_MAXINT64 */
  guint64           n_events;
  guint64           n_discarded;
  StrataLttngSchema schema;
  StrataLttngTasks  tasks;             /* its strings are borrowed */
};

static gboolean
set_io_error (GError     **error,
              int          saved_errno,
              const char  *what,
              const char  *path)
{
  g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_IO,
               _("Cannot %s “%s”: %s"), what, path, g_strerror (saved_errno));
  return FALSE;
}

/* Stream files of an earlier trace written here would join this one with the wrong UUID:
 * remove what this writer writes, and nothing else. */
static gboolean
remove_old_trace (const char  *dir,
                  GError     **error)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, error);
  const char *name;

  if (folder == NULL)
    return FALSE;
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = NULL;
      const char *p;

      if (g_str_has_prefix (name, "channel0_"))
        {
          for (p = name + 9; g_ascii_isdigit (*p); p++)
            ;
          if (p == name + 9 || *p != '\0')
            continue;
        }
      else if (strcmp (name, "metadata") != 0)
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_unlink (path) != 0)
        return set_io_error (error, errno, _("remove"), path);
    }
  return TRUE;
}

StrataCtfWriter *
strata_ctf_writer_new (const char                   *dir,
                       const StrataCtfWriterOptions *options,
                       StrataStrtab                 *strings,
                       GError                      **error)
{
  g_autoptr(StrataCtfWriter) self = NULL;

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (strings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (StrataCtfWriter, 1);
  if (!strata_lttng_env_init (&self->env, options, error))
    return NULL;
  if (options != NULL && options->packet_size != 0 &&
      (options->packet_size < 1024 || options->packet_size % 8 != 0 ||
       options->packet_size > 256 * 1024 * 1024))
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                   _("Packet size %zu is not a multiple of 8 from 1 KiB to 256 MiB"),
                   options->packet_size);
      return NULL;
    }

  self->dir = g_strdup (dir);
  self->packet_size = options != NULL && options->packet_size ? options->packet_size
                                                               : DEFAULT_PACKET;
  self->first_ts = G_MAXINT64;
  strata_lttng_schema_init (&self->schema, self->env.legacy);
  strata_lttng_tasks_init (&self->tasks, strings);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      set_io_error (error, errno, _("create the folder"), dir);
      return NULL;
    }
  if (!remove_old_trace (dir, error))
    return NULL;

  self->cpus = g_new0 (CpuStream, self->env.n_cpus);
  for (guint cpu = 0; cpu < self->env.n_cpus; cpu++)
    {
      CpuStream *s = &self->cpus[cpu];
      g_autofree char *name = g_strdup_printf ("channel0_%u", cpu);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      s->last = G_MININT64;
      s->last_event = G_MININT64;
      if ((s->fp = g_fopen (path, "wb")) == NULL)
        {
          set_io_error (error, errno, _("create the stream file"), path);
          return NULL;
        }
    }

  return g_steal_pointer (&self);
}

static inline guint8 *
put_u16 (guint8  *p,
         guint16  v)
{
  v = GUINT16_TO_LE (v);
  memcpy (p, &v, 2);
  return p + 2;
}

static inline guint8 *
put_u32 (guint8  *p,
         guint32  v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
  return p + 4;
}

static inline guint8 *
put_u64 (guint8  *p,
         guint64  v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
  return p + 8;
}

static void
packet_open (StrataCtfWriter *self,
             CpuStream       *s,
             gint64           begin)
{
  guint8 *p;

  /* Only CPUs that see events hold a packet buffer: a trace may declare many idle ones. */
  if (s->buf == NULL)
    s->buf = g_malloc (self->packet_size);
  p = s->buf;
  p = put_u32 (p, CTF_MAGIC);
  memcpy (p, self->env.trace_uuid, 16);
  p += 16;
  p = put_u32 (p, 0);
  /* The context is filled in at packet_close, when its end is known. */
  s->used = PREAMBLE_SIZE;
  s->begin = begin;
  self->first_ts = MIN (self->first_ts, begin);
  s->open = TRUE;
}

static gboolean
packet_close (StrataCtfWriter  *self,
              guint             cpu,
              GError          **error)
{
  CpuStream *s = &self->cpus[cpu];
  guint8 *p = s->buf + HEADER_SIZE;
  gint64 end = MAX (s->begin, s->last_event);

  p = put_u64 (p, (guint64) (s->begin - self->env.offset_ns));
  p = put_u64 (p, (guint64) (end - self->env.offset_ns));
  p = put_u64 (p, (guint64) s->used * 8);
  p = put_u64 (p, (guint64) self->packet_size * 8);
  p = put_u64 (p, s->seq);
  p = put_u64 (p, s->discarded);
  put_u32 (p, cpu);
  memset (s->buf + s->used, 0, self->packet_size - s->used);

  s->open = FALSE;
  s->seq++;
  s->discard_pending = FALSE;
  if (fwrite (s->buf, 1, self->packet_size, s->fp) != self->packet_size)
    {
      g_autofree char *name = g_strdup_printf ("channel0_%u", cpu);
      g_autofree char *path = g_build_filename (self->dir, name, NULL);

      return set_io_error (error, errno, _("write"), path);
    }
  return TRUE;
}

gboolean
strata_ctf_writer_add (StrataCtfWriter    *self,
                       const StrataEvent  *event,
                       GError            **error)
{
  CpuStream *s;
  const StrataLttngClass *klass;
  gsize need;
  guint8 *p;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  if (G_UNLIKELY (self->closed))
    {
      g_set_error_literal (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_CLOSED,
                           _("The trace writer is closed"));
      return FALSE;
    }
  if ((klass = strata_lttng_check_event (&self->env, &self->schema, &self->tasks, event,
                                         event->cpu < self->env.n_cpus ?
                                         self->cpus[event->cpu].last : G_MININT64,
                                         error)) == NULL)
    return FALSE;

  s = &self->cpus[event->cpu];
  need = EVENT_HEADER_SIZE + klass->fixed_size;
  if (klass->has_strings)
    for (guint i = 0; i < klass->n_fields; i++)
      if (klass->fields[i].type == STRATA_LTTNG_STRING)
        need += strlen (strata_lttng_string (&self->tasks,
                                             strata_lttng_field_value (&self->tasks, event,
                                                                       &klass->fields[i]))) + 1;
  if (G_UNLIKELY (need > self->packet_size - PREAMBLE_SIZE))
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                   _("Event %s of %zu bytes does not fit in a packet"),
                   klass->name, need);
      return FALSE;
    }
  if (s->open && s->used + need > self->packet_size && !packet_close (self, event->cpu, error))
    return FALSE;
  if (!s->open)
    packet_open (self, s, s->discard_pending ? s->last : event->ts);

  p = put_u32 (s->buf + s->used, klass->id);
  p = put_u64 (p, (guint64) (event->ts - self->env.offset_ns));
  for (guint i = 0; i < klass->n_fields; i++)
    {
      const StrataLttngField *field = &klass->fields[i];
      gint64 v = strata_lttng_field_value (&self->tasks, event, field);

      switch (field->type)
        {
        case STRATA_LTTNG_U8:
          *p++ = (guint8) v;
          break;
        case STRATA_LTTNG_U16:
          p = put_u16 (p, (guint16) v);
          break;
        case STRATA_LTTNG_U32:
        case STRATA_LTTNG_S32:
          p = put_u32 (p, (guint32) v);
          break;
        case STRATA_LTTNG_U64:
        case STRATA_LTTNG_S64:
        case STRATA_LTTNG_X64:
          p = put_u64 (p, (guint64) v);
          break;
        case STRATA_LTTNG_U16_BE:
          {
            guint16 be = GUINT16_TO_BE ((guint16) v);

            memcpy (p, &be, 2);
            p += 2;
          }
          break;
        case STRATA_LTTNG_U32_BE:
          {
            guint32 be = GUINT32_TO_BE ((guint32) v);

            memcpy (p, &be, 4);
            p += 4;
          }
          break;
        case STRATA_LTTNG_COMM:
          {
            const char *str = strata_lttng_string (&self->tasks, v);
            gsize len = strnlen (str, STRATA_LTTNG_COMM_LEN - 1);

            /* The kernel's TASK_STRATA_LTTNG_COMM_LEN: 15 bytes and a NUL, zero-padded. */
            memcpy (p, str, len);
            memset (p + len, 0, STRATA_LTTNG_COMM_LEN - len);
            p += STRATA_LTTNG_COMM_LEN;
          }
          break;
        case STRATA_LTTNG_STRING:
          {
            const char *str = strata_lttng_string (&self->tasks, v);
            gsize len = strlen (str) + 1;

            memcpy (p, str, len);
            p += len;
          }
          break;
        case STRATA_LTTNG_VTIDS:
          {
            gint64 tid = event->f[STRATA_F_FORK_CHILD_TID];

            /* One tid per pid namespace level, innermost last: the reader takes the last. */
            if (v != 0 && v != tid)
              {
                *p++ = 2;
                p = put_u32 (p, (guint32) tid);
                p = put_u32 (p, (guint32) v);
              }
            else
              {
                *p++ = 1;
                p = put_u32 (p, (guint32) tid);
              }
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }

  s->used = p - s->buf;
  s->last = s->last_event = event->ts;
  s->events++;
  self->n_events++;
  if (G_UNLIKELY (event->kind == STRATA_EV_STATEDUMP_PROCESS ||
                  event->kind == STRATA_EV_PROCESS_FORK ||
                  event->kind == STRATA_EV_PROCESS_EXEC))
    strata_lttng_tasks_note (&self->tasks, event);
  return TRUE;
}

gboolean
strata_ctf_writer_discard (StrataCtfWriter  *self,
                           guint             cpu,
                           guint64           count,
                           gint64            ts,
                           GError          **error)
{
  CpuStream *s;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->closed)
    {
      g_set_error_literal (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_CLOSED,
                           _("The trace writer is closed"));
      return FALSE;
    }
  if (!strata_lttng_check_discard (&self->env, cpu, ts,
                                   cpu < self->env.n_cpus ? self->cpus[cpu].last : G_MININT64,
                                   error))
    return FALSE;
  if (count == 0)
    return TRUE;

  s = &self->cpus[cpu];
  if (s->open && !packet_close (self, cpu, error))
    return FALSE;
  s->discarded += count;
  s->discard_pending = TRUE;
  s->last = ts;
  self->n_discarded += count;
  return TRUE;
}

static const char *
field_type_tsdl (guint8 type)
{
  switch (type)
    {
    case STRATA_LTTNG_U8:
      return "integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; }";
    case STRATA_LTTNG_U16:
      return "integer { size = 16; align = 8; signed = 0; encoding = none; base = 10; }";
    case STRATA_LTTNG_U32:
      return "integer { size = 32; align = 8; signed = 0; encoding = none; base = 10; }";
    case STRATA_LTTNG_U64:
      return "integer { size = 64; align = 8; signed = 0; encoding = none; base = 10; }";
    case STRATA_LTTNG_S32:
      return "integer { size = 32; align = 8; signed = 1; encoding = none; base = 10; }";
    case STRATA_LTTNG_S64:
      return "integer { size = 64; align = 8; signed = 1; encoding = none; base = 10; }";
    case STRATA_LTTNG_X64:
      return "integer { size = 64; align = 8; signed = 0; encoding = none; base = 16; }";
    case STRATA_LTTNG_U16_BE:
      return "integer { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; }";
    case STRATA_LTTNG_U32_BE:
      return "integer { size = 32; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; }";
    case STRATA_LTTNG_COMM:
      return "integer { size = 8; align = 8; signed = 0; encoding = UTF8; base = 10; }";
    case STRATA_LTTNG_STRING:
      return "string";
    default:
      g_assert_not_reached ();
      return NULL;
    }
}

static char *
escape_tsdl (const char *str)
{
  GString *out = g_string_new (NULL);

  for (const char *p = str; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      if ((guchar) *p >= 0x20)
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static void
append_event_class (GString                *out,
                    const StrataLttngClass *klass)
{
  g_autofree char *name = escape_tsdl (klass->name);

  g_string_append_printf (out,
                          "event {\n"
                          "\tname = \"%s\";\n"
                          "\tid = %u;\n"
                          "\tstream_id = 0;\n"
                          "\tfields := struct {\n",
                          name, klass->id);
  /* TSDL field names take a leading underscore, which readers strip: it keeps names such as
   * "event" or "string" from clashing with keywords. */
  for (guint i = 0; i < klass->n_fields; i++)
    {
      const StrataLttngField *field = &klass->fields[i];

      switch (field->type)
        {
        case STRATA_LTTNG_COMM:
          g_string_append_printf (out, "\t\t%s _%s[%u];\n", field_type_tsdl (STRATA_LTTNG_COMM), field->name,
                                  STRATA_LTTNG_COMM_LEN);
          break;
        case STRATA_LTTNG_VTIDS:
          g_string_append_printf (out, "\t\t%s __%s_length;\n", field_type_tsdl (STRATA_LTTNG_U8),
                                  field->name);
          g_string_append_printf (out, "\t\t%s _%s[ __%s_length ];\n", field_type_tsdl (STRATA_LTTNG_S32),
                                  field->name, field->name);
          break;
        default:
          g_string_append_printf (out, "\t\t%s _%s;\n", field_type_tsdl (field->type), field->name);
          break;
        }
    }
  g_string_append (out, "\t};\n};\n\n");
}

static GString *
build_metadata (StrataCtfWriter *self)
{
  GString *out = g_string_new ("/* CTF 1.8 */\n\n");
  g_autofree char *trace_uuid = strata_lttng_uuid_string (self->env.trace_uuid);
  g_autofree char *clock_uuid = strata_lttng_uuid_string (self->env.clock_uuid);
  g_autofree char *hostname = escape_tsdl (self->env.hostname);
  g_autofree char *release = escape_tsdl (self->env.kernel_release);
  g_autofree char *version = escape_tsdl (self->env.kernel_version);

  g_string_append (out,
                   "typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
                   "typealias integer { size = 16; align = 8; signed = false; } := uint16_t;\n"
                   "typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
                   "typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
                   "typealias integer { size = 64; align = 8; signed = false; } := unsigned long;\n\n");
  g_string_append_printf (out,
                          "trace {\n"
                          "\tmajor = 1;\n"
                          "\tminor = 8;\n"
                          "\tuuid = \"%s\";\n"
                          "\tbyte_order = le;\n"
                          "\tpacket.header := struct {\n"
                          "\t\tuint32_t magic;\n"
                          "\t\tuint8_t  uuid[16];\n"
                          "\t\tuint32_t stream_id;\n"
                          "\t};\n"
                          "};\n\n", trace_uuid);
  g_string_append_printf (out,
                          "env {\n"
                          "\thostname = \"%s\";\n"
                          "\tdomain = \"kernel\";\n"
                          "\tsysname = \"Linux\";\n"
                          "\tkernel_release = \"%s\";\n"
                          "\tkernel_version = \"%s\";\n"
                          "\ttracer_name = \"lttng-modules\";\n"
                          "\ttracer_major = %u;\n"
                          "\ttracer_minor = %u;\n"
                          "\ttracer_patchlevel = %u;\n"
                          "};\n\n",
                          hostname, release, version, self->env.tracer[0], self->env.tracer[1],
                          self->env.tracer[2]);
  g_string_append_printf (out,
                          "clock {\n"
                          "\tname = \"monotonic\";\n"
                          "\tuuid = \"%s\";\n"
                          "\tdescription = \"Monotonic Clock\";\n"
                          "\tfreq = 1000000000; /* Frequency, in Hz */\n"
                          "\t/* clock value offset from Epoch is: offset_s + offset * (1/freq) */\n"
                          "\toffset_s = %" G_GINT64_FORMAT ";\n"
                          "\toffset = 0;\n"
                          "\tprecision = 0;\n"
                          "\tabsolute = FALSE;\n"
                          "};\n\n", clock_uuid, self->env.offset_s);
  g_string_append (out,
                   "typealias integer {\n"
                   "\tsize = 64; align = 8; signed = false;\n"
                   "\tmap = clock.monotonic.value;\n"
                   "} := uint64_clock_monotonic_t;\n\n"
                   "struct packet_context {\n"
                   "\tuint64_clock_monotonic_t timestamp_begin;\n"
                   "\tuint64_clock_monotonic_t timestamp_end;\n"
                   "\tuint64_t content_size;\n"
                   "\tuint64_t packet_size;\n"
                   "\tuint64_t packet_seq_num;\n"
                   "\tunsigned long events_discarded;\n"
                   "\tuint32_t cpu_id;\n"
                   "};\n\n"
                   "struct event_header {\n"
                   "\tuint32_t id;\n"
                   "\tuint64_clock_monotonic_t timestamp;\n"
                   "} align(8);\n\n"
                   "stream {\n"
                   "\tid = 0;\n"
                   "\tevent.header := struct event_header;\n"
                   "\tpacket.context := struct packet_context;\n"
                   "};\n\n");
  for (guint i = 0; i < self->schema.classes->len; i++)
    append_event_class (out, g_ptr_array_index (self->schema.classes, i));
  return out;
}

gboolean
strata_ctf_writer_close (StrataCtfWriter  *self,
                         GError          **error)
{
  g_autoptr(GString) metadata = NULL;
  g_autofree char *path = NULL;
  gint64 first;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->closed)
    {
      g_set_error_literal (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_CLOSED,
                           _("The trace writer is closed"));
      return FALSE;
    }
  self->closed = TRUE;
  first = self->first_ts;

  for (guint cpu = 0; cpu < self->env.n_cpus; cpu++)
    {
      CpuStream *s = &self->cpus[cpu];
      g_autofree char *name = g_strdup_printf ("channel0_%u", cpu);
      g_autofree char *stream_path = g_build_filename (self->dir, name, NULL);

      if (!s->open && s->discard_pending)
        packet_open (self, s, s->last);
      /* A CPU that saw nothing still gets one empty packet, as LTTng writes: readers then
       * know the stream and its cpu_id. */
      if (!s->open && s->seq == 0)
        packet_open (self, s, first != G_MAXINT64 ? first : self->env.offset_ns);
      if (s->open && !packet_close (self, cpu, error))
        return FALSE;
      g_clear_pointer (&s->buf, g_free);
      if (fclose (s->fp) != 0)
        {
          s->fp = NULL;
          return set_io_error (error, errno, _("write"), stream_path);
        }
      s->fp = NULL;
    }

  metadata = build_metadata (self);
  path = g_build_filename (self->dir, "metadata", NULL);
  return g_file_set_contents (path, metadata->str, metadata->len, error);
}

void
strata_ctf_writer_free (StrataCtfWriter *self)
{
  if (self == NULL)
    return;
  for (guint cpu = 0; self->cpus != NULL && cpu < self->env.n_cpus; cpu++)
    {
      if (self->cpus[cpu].fp != NULL)
        fclose (self->cpus[cpu].fp);
      g_free (self->cpus[cpu].buf);
    }
  g_free (self->cpus);
  strata_lttng_schema_clear (&self->schema);
  strata_lttng_tasks_clear (&self->tasks);
  g_free (self->dir);
  strata_lttng_env_clear (&self->env);
  g_free (self);
}

guint64
strata_ctf_writer_get_event_count (StrataCtfWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_events;
}

guint64
strata_ctf_writer_get_discarded (StrataCtfWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_discarded;
}
