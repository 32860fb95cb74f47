/* strata-fuzz-roundtrip.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "strata-ctf-writer.h"
#include "strata-fuzz.h"
#include "strata-time.h"
#include "strata-trace-loader.h"

/*
 * The input picks a trace (hostname, CPUs, clock origin, packet size, naming generation) and
 * events of every kind with any field values; our CTF writer writes them, libbabeltrace2
 * reads them back through strata_trace_load(), and each CPU's events must come back the
 * same: times, kinds, every field (strings by text), as the field's CTF type keeps it.
 */

#define MAX_EVENTS 512

typedef enum
{
  W_ZERO,        /* not written: the reader gives 0 */
  W_S32,
  W_U32,
  W_U16,
  W_64,          /* signed or unsigned 64 bits: the bits come back */
  W_COMM,        /* char[16]: up to 15 bytes */
  W_STRING,
  W_SYSCALL,     /* the syscall's name, from the event class name */
  W_SPECIAL,     /* see expected_value() */
} Width;

/* How the writer declares @slot of @kind (see the FieldDesc tables of strata-ctf-writer.c). */
static Width
slot_width (StrataEventKind kind,
            guint           slot,
            gboolean        legacy)
{
  switch (kind)
    {
    case STRATA_EV_SCHED_SWITCH:
      return slot == STRATA_F_SWITCH_PREV_STATE ? W_64 :
             slot == STRATA_F_SWITCH_PREV_COMM || slot == STRATA_F_SWITCH_NEXT_COMM ? W_COMM : W_S32;
    case STRATA_EV_SCHED_WAKEUP:
    case STRATA_EV_SCHED_WAKEUP_NEW:
    case STRATA_EV_SCHED_WAKING:
      return slot == STRATA_F_WAKEUP_COMM ? W_COMM : W_S32;
    case STRATA_EV_PROCESS_FORK:
      switch (slot)
        {
        case STRATA_F_FORK_CHILD_COMM: return W_COMM;
        case STRATA_F_FORK_CHILD_VTID: return W_SPECIAL;
        case STRATA_F_FORK_PARENT_NS_INUM:
        case STRATA_F_FORK_CHILD_NS_INUM: return legacy ? W_ZERO : W_U32;
        default: return W_S32;
        }
    case STRATA_EV_PROCESS_EXIT:
    case STRATA_EV_PROCESS_FREE:
      return slot == STRATA_F_EXIT_COMM ? W_COMM : W_S32;
    case STRATA_EV_PROCESS_EXEC:
      return slot == STRATA_F_EXEC_FILENAME ? W_STRING : W_S32;
    case STRATA_EV_STATEDUMP_PROCESS:
      switch (slot)
        {
        case STRATA_F_SD_NAME: return W_COMM;
        case STRATA_F_SD_VTID:
        case STRATA_F_SD_VPID: return W_SPECIAL;
        case STRATA_F_SD_NS_INUM: return legacy ? W_ZERO : W_U32;
        case STRATA_F_SD_CPU: return legacy ? W_SPECIAL : W_U32;
        default: return W_S32;
        }
    case STRATA_EV_STATEDUMP_PID_NS:
      return slot == STRATA_F_SDNS_NS_INUM ? W_U32 : W_S32;
    case STRATA_EV_IRQ_ENTRY:
      return slot == STRATA_F_IRQ_NAME ? W_STRING : W_S32;
    case STRATA_EV_IRQ_EXIT:
      return W_S32;
    case STRATA_EV_SOFTIRQ_ENTRY:
    case STRATA_EV_SOFTIRQ_EXIT:
    case STRATA_EV_SOFTIRQ_RAISE:
      return W_U32;
    case STRATA_EV_SYSCALL_ENTRY:
      return slot == STRATA_F_SYSCALL_NAME ? W_SYSCALL : W_ZERO;
    case STRATA_EV_SYSCALL_EXIT:
      if (slot == STRATA_F_SYSCALL_NAME)
        return legacy ? W_ZERO : W_SYSCALL;
      return W_64;
    case STRATA_EV_KVM_ENTRY:
      return W_U32;
    case STRATA_EV_KVM_EXIT:
      if (slot == STRATA_F_KVM_VCPU_ID)
        return legacy ? W_SPECIAL : W_U32;
      return slot == STRATA_F_KVM_GUEST_RIP || slot == STRATA_F_KVM_INFO1 || slot == STRATA_F_KVM_INFO2 ?
             W_64 : W_U32;
    case STRATA_EV_VMSYNC_GH_GUEST:
    case STRATA_EV_VMSYNC_HG_GUEST:
    case STRATA_EV_VMSYNC_GH_HOST:
    case STRATA_EV_VMSYNC_HG_HOST:
      return slot == STRATA_F_VMSYNC_VM_UID ? W_64 : W_U32;
    case STRATA_EV_NET_SEND:
    case STRATA_EV_NET_RECV:
      return slot == STRATA_F_NET_SEQ || slot == STRATA_F_NET_ACK_SEQ ? W_U32 : W_U16;
    case STRATA_EV_NONE:
    case STRATA_EV_N_KINDS:
    default:
      return W_ZERO;
    }
}

/* What the reader gives back for a numeric slot of @ev. */
static gint64
expected_value (const StrataEvent *ev,
                guint              slot,
                gboolean           legacy)
{
  gint64 v = ev->f[slot];

  switch (slot_width (ev->kind, slot, legacy))
    {
    case W_S32:
      return (gint32) v;
    case W_U32:
      return (guint32) v;
    case W_U16:
      return v & 0xffff;
    case W_64:
      return v;
    case W_SPECIAL:
      if (ev->kind == STRATA_EV_PROCESS_FORK)
        {
          /* vtids[]: [tid] or [tid, vtid]; the reader takes the last, and the tid for 0 or
           * when the older payload has no vtids. */
          gint64 tid = ev->f[STRATA_F_FORK_CHILD_TID];
          gint32 last = (gint32) (v != 0 && v != tid && !legacy ? v : tid);

          return last != 0 ? last : (gint32) tid;
        }
      /* The older statedump has no cpu. */
      if (ev->kind == STRATA_EV_STATEDUMP_PROCESS && slot == STRATA_F_SD_CPU)
        return -1;
      if (ev->kind == STRATA_EV_STATEDUMP_PROCESS)
        {
          /* vtid and vpid: the tid and pid when 0. */
          gint64 id = slot == STRATA_F_SD_VTID ? ev->f[STRATA_F_SD_TID] : ev->f[STRATA_F_SD_PID];

          return (gint32) (v != 0 ? v : id);
        }
      /* Old kvm_exit has no vcpu_id. */
      return -1;
    case W_ZERO:
    case W_COMM:
    case W_STRING:
    case W_SYSCALL:
    default:
      return 0;
    }
}

static char *
expected_text (const char *text,
               Width       width)
{
  return width == W_COMM ? g_strndup (text, 15) : g_strdup (text);
}

/* Text from the input: mostly plain, with quotes, backslashes, controls and UTF-8. */
static char *
fuzz_text (StrataFuzzInput *in,
           guint            max_len)
{
  static const char *pieces[] = { "a", "b", "sh", "kworker/0:1", "\"", "\\", " ", "é", "\t", ".", "-", "_" };
  GString *s = g_string_new (NULL);
  guint len = strata_fuzz_range (in, max_len + 1);

  for (guint i = 0; i < len; i++)
    {
      guint8 c = strata_fuzz_bits (in, 1);

      if (c < 0x80 && g_ascii_isalnum (c))
        g_string_append_c (s, c);
      else
        g_string_append (s, pieces[c % G_N_ELEMENTS (pieces)]);
    }
  return g_string_free (s, FALSE);
}

static gint64
fuzz_number (StrataFuzzInput *in)
{
  static const gint64 edges[] = {
    0, 1, -1, G_MAXINT32, G_MININT32, (gint64) G_MAXUINT32, G_MAXINT64, G_MININT64, 0xffff,
    0x10000, 256, 2048, -4095,
  };
  guint8 how = strata_fuzz_bits (in, 1);

  if (how < 96)
    return how;
  if (how < 160)
    return edges[how % G_N_ELEMENTS (edges)];
  if (how < 208)
    return (gint32) strata_fuzz_bits (in, 4);
  return (gint64) strata_fuzz_bits (in, 8);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
compare_events (StrataSet         *set,
                const StrataEvent *expected,
                guint              n_expected,
                StrataStrtab      *strings,
                guint              n_cpus,
                gboolean           legacy)
{
  StrataTrace *trace = g_ptr_array_index (set->traces, 0);
  g_autofree guint *next = g_new0 (guint, n_cpus);
  guint64 n_read = 0;

  for (guint s = 0; s < trace->streams->len; s++)
    {
      StrataStream *stream = g_ptr_array_index (trace->streams, s);
      StrataEventCursor cursor;
      StrataEvent got;

      g_assert_cmpuint (stream->cpu, <, n_cpus);
      strata_event_cursor_init (&cursor, stream->buffer);
      while (strata_event_cursor_next (&cursor, &got))
        {
          const StrataEvent *want = NULL;
          const StrataEventKindInfo *info;

          /* The next event written on this CPU. */
          while (next[stream->cpu] < n_expected && expected[next[stream->cpu]].cpu != stream->cpu)
            next[stream->cpu]++;
          if (next[stream->cpu] >= n_expected)
            g_error ("CPU %u: an event more than written (kind %u at %" G_GINT64_FORMAT ")",
                     stream->cpu, got.kind, got.ts);
          want = &expected[next[stream->cpu]++];
          n_read++;

          if (got.ts != want->ts || got.kind != want->kind || got.cpu != want->cpu)
            g_error ("CPU %u: wrote %s at %" G_GINT64_FORMAT ", read %s at %" G_GINT64_FORMAT,
                     stream->cpu, strata_event_kind_info (want->kind)->name, want->ts,
                     strata_event_kind_info (got.kind)->name, got.ts);
          info = strata_event_kind_info (want->kind);
          for (guint f = 0; f < STRATA_EVENT_MAX_FIELDS; f++)
            {
              Width width = f < info->n_fields ? slot_width (want->kind, f, legacy) : W_ZERO;

              if (width == W_COMM || width == W_STRING || width == W_SYSCALL)
                {
                  g_autofree char *text = expected_text (strata_strtab_get (strings, want->f[f]), width);
                  const char *read = strata_strtab_get (set->strings, got.f[f]);

                  if (g_strcmp0 (text, read) != 0)
                    g_error ("%s slot %u: wrote \"%s\", read \"%s\"", info->name, f, text, read);
                }
              else if (got.f[f] != expected_value (want, f, legacy))
                g_error ("%s slot %u: wrote %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT
                         ", read %" G_GINT64_FORMAT, info->name, f, want->f[f],
                         expected_value (want, f, legacy), got.f[f]);
            }
        }
    }
  if (n_read != n_expected)
    g_error ("wrote %u events, read %" G_GUINT64_FORMAT, n_expected, n_read);
}

void
strata_fuzz_roundtrip (const guint8 *data,
                       gsize         size)
{
  static const gint64 origins[] = {
    0, 1, 1000, 1700000000, G_GINT64_CONSTANT (9223372035), G_GINT64_CONSTANT (9223372036), -1,
  };
  static const gsize packet_sizes[] = { 1024, 2048, 4096, 65536 };
  static const char *syscalls[] = {
    "read", "write", "openat", "futex", "close", "ioctl", "epoll_wait", "clone3", "x", "my_call2",
  };
  StrataFuzzInput in = { data, size, 0 };
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autoptr(StrataCtfWriter) writer = NULL;
  g_autoptr(GArray) written = g_array_new (FALSE, FALSE, sizeof (StrataEvent));
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *hostname = NULL;
  g_autofree char *expected_host = NULL;
  g_autofree gint64 *last = NULL;
  StrataCtfWriterOptions options = { 0 };
  StrataLoadOptions load = { 1, 0, NULL, NULL, 0 };
  const char *paths[2] = { NULL, NULL };
  gint64 origin_ns;

  hostname = fuzz_text (&in, 24);
  options.hostname = hostname;
  options.n_cpus = 1 + strata_fuzz_range (&in, 4);
  options.offset_s = origins[strata_fuzz_range (&in, G_N_ELEMENTS (origins))];
  options.legacy_naming = strata_fuzz_range (&in, 2);
  options.packet_size = packet_sizes[strata_fuzz_range (&in, G_N_ELEMENTS (packet_sizes))];
  options.uuid_seed = strata_fuzz_bits (&in, 8);

  dir = g_dir_make_tmp ("strata-fuzz-XXXXXX", NULL);
  g_assert_nonnull (dir);
  writer = strata_ctf_writer_new (dir, &options, strings, &error);
  if (writer == NULL)
    {
      /* Options the writer refuses (a clock origin before the epoch): said, not written. */
      g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID);
      remove_tree (dir);
      return;
    }

  origin_ns = options.offset_s * G_GINT64_CONSTANT (1000000000);
  last = g_new (gint64, options.n_cpus);
  for (guint c = 0; c < options.n_cpus; c++)
    last[c] = origin_ns;

  for (guint n = 0; n < MAX_EVENTS && !strata_fuzz_done (&in); n++)
    {
      StrataEvent ev = { 0 };
      const StrataEventKindInfo *info;
      guint8 step = strata_fuzz_bits (&in, 1);
      gint64 delta;

      ev.cpu = strata_fuzz_range (&in, options.n_cpus);
      delta = step < 240 ? step : (gint64) (strata_fuzz_bits (&in, 6));
      ev.ts = delta > G_MAXINT64 - last[ev.cpu] ? G_MAXINT64 : last[ev.cpu] + delta;

      /* Past the time range, the writer refuses events and discards alike. */
      if (ev.ts > STRATA_TIME_MAX)
        {
          if (strata_ctf_writer_discard (writer, ev.cpu, 1, ev.ts, &error))
            g_error ("a discard at %" G_GINT64_FORMAT " ns was accepted", ev.ts);
          g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID);
          g_clear_error (&error);
          continue;
        }
      last[ev.cpu] = ev.ts;

      /* Now and then, lost events. */
      if (strata_fuzz_range (&in, 32) == 0)
        {
          guint64 count = 1 + strata_fuzz_bits (&in, 2);

          if (!strata_ctf_writer_discard (writer, ev.cpu, count, ev.ts, &error))
            g_error ("discard refused: %s", error->message);
          continue;
        }

      ev.kind = 1 + strata_fuzz_range (&in, STRATA_EV_N_KINDS - 1);
      info = strata_event_kind_info (ev.kind);
      for (guint f = 0; f < info->n_fields; f++)
        {
          Width width = slot_width (ev.kind, f, FALSE);

          if (width == W_SYSCALL)
            ev.f[f] = strata_strtab_intern (strings, syscalls[strata_fuzz_range (&in, G_N_ELEMENTS (syscalls))]);
          else if (strata_event_field_is_string (ev.kind, f))
            {
              g_autofree char *text = fuzz_text (&in, width == W_COMM ? 20 : 40);

              ev.f[f] = strata_strtab_intern (strings, text);
            }
          else
            ev.f[f] = fuzz_number (&in);
        }
      if (!strata_ctf_writer_add (writer, &ev, &error))
        g_error ("event refused: %s", error->message);
      g_array_append_val (written, ev);
    }
  if (!strata_ctf_writer_close (writer, &error))
    g_error ("close failed: %s", error->message);

  paths[0] = dir;
  set = strata_trace_load (paths, &load, NULL, &error);
  if (set == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < set->errors->len; i++)
    g_error ("load: %s", (const char *) g_ptr_array_index (set->errors, i));
  g_assert_cmpuint (set->traces->len, ==, 1);

  /* The hostname goes through TSDL: controls are dropped, quotes and backslashes escaped. */
  {
    GString *host = g_string_new (NULL);
    StrataTrace *trace = g_ptr_array_index (set->traces, 0);

    for (const char *p = hostname; *p; p++)
      if ((guchar) *p >= 0x20)
        g_string_append_c (host, *p);
    expected_host = g_string_free (host, FALSE);
    if (g_strcmp0 (trace->hostname, expected_host) != 0)
      g_error ("hostname \"%s\" came back as \"%s\"", expected_host, trace->hostname);
    if (trace->discarded != strata_ctf_writer_get_discarded (writer))
      g_error ("%" G_GUINT64_FORMAT " events discarded, %" G_GUINT64_FORMAT " read",
               strata_ctf_writer_get_discarded (writer), trace->discarded);
  }
  compare_events (set, (const StrataEvent *) written->data, written->len, strings,
                  options.n_cpus, options.legacy_naming);
  remove_tree (dir);
}
