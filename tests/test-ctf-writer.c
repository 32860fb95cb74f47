/* test-ctf-writer.c
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
#include "strata-scenario.h"
#include "strata-set-writer.h"

/* These tests read the writer's output with their own few lines of code, not babeltrace2:
 * they check the packet framing and the metadata text. tests/test-roundtrip.c reads
 * written traces back through libbabeltrace2. */

#define OFFSET_S  G_GINT64_CONSTANT (1000)
#define ORIGIN    (OFFSET_S * G_GINT64_CONSTANT (1000000000))
#define PACKET    (64 * 1024)
#define PREAMBLE  (24 + 52)

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("strata-ctf-writer-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static char *
read_text (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static StrataEvent
event (gint64 ts, guint cpu, StrataEventKind kind)
{
  StrataEvent ev = { 0 };

  ev.ts = ORIGIN + ts;
  ev.cpu = cpu;
  ev.kind = kind;
  return ev;
}

static void
add_ok (StrataCtfWriter   *writer,
        const StrataEvent *ev)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_ctf_writer_add (writer, ev, &error));
  g_assert_no_error (error);
}

static void
write_small_trace (const char   *dir,
                   gboolean      legacy,
                   StrataStrtab *strings)
{
  StrataCtfWriterOptions options = { 0 };
  g_autoptr(StrataCtfWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  StrataEvent ev;

  options.hostname = "box \"one\"";
  options.n_cpus = 2;
  options.offset_s = OFFSET_S;
  options.legacy_naming = legacy;
  writer = strata_ctf_writer_new (dir, &options, strings, &error);
  g_assert_no_error (error);

  ev = event (100, 0, STRATA_EV_SCHED_SWITCH);
  ev.f[STRATA_F_SWITCH_PREV_COMM] = strata_strtab_intern (strings, "swapper/0");
  ev.f[STRATA_F_SWITCH_NEXT_COMM] = strata_strtab_intern (strings, "a-name-longer-than-sixteen");
  ev.f[STRATA_F_SWITCH_NEXT_TID] = 42;
  add_ok (writer, &ev);
  ev = event (200, 0, STRATA_EV_SYSCALL_ENTRY);
  ev.f[STRATA_F_SYSCALL_NAME] = strata_strtab_intern (strings, "read");
  ev.f[strata_ctf_writer_syscall_arg_slot ("read", "fd")] = 3;
  add_ok (writer, &ev);
  ev = event (300, 0, STRATA_EV_SYSCALL_EXIT);
  ev.f[STRATA_F_SYSCALL_NAME] = strata_strtab_intern (strings, "read");
  ev.f[STRATA_F_SYSCALL_RET] = -11;
  add_ok (writer, &ev);
  ev = event (400, 1, STRATA_EV_KVM_EXIT);
  ev.f[STRATA_F_KVM_EXIT_REASON] = 12;
  add_ok (writer, &ev);
  ev = event (500, 1, STRATA_EV_SOFTIRQ_ENTRY);
  add_ok (writer, &ev);
  ev = event (600, 1, STRATA_EV_PROCESS_FORK);
  ev.f[STRATA_F_FORK_CHILD_TID] = 77;
  ev.f[STRATA_F_FORK_CHILD_VTID] = 1;
  add_ok (writer, &ev);
  ev = event (700, 1, STRATA_EV_VMSYNC_GH_HOST);
  add_ok (writer, &ev);
  g_assert_true (strata_ctf_writer_close (writer, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strata_ctf_writer_get_event_count (writer), ==, 7);
}

static void
test_metadata (void)
{
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *text = NULL;
  static const char * const expected[] = {
    "hostname = \"box \\\"one\\\"\";",
    "domain = \"kernel\";",
    "sysname = \"Linux\";",
    "kernel_release = \"5.10.0-20-amd64\";",
    "tracer_name = \"lttng-modules\";",
    "tracer_major = 2;",
    "tracer_minor = 11;",
    "name = \"monotonic\";",
    "freq = 1000000000;",
    "offset_s = 1000;",
    "absolute = FALSE;",
    "byte_order = le;",
    "uint64_t packet_seq_num;",
    "unsigned long events_discarded;",
    "uint32_t cpu_id;",
    "map = clock.monotonic.value;",
    "name = \"sched_switch\";",
    "encoding = UTF8; base = 10; } _prev_comm[16];",
    "signed = 1; encoding = none; base = 10; } _prev_state;",
    "name = \"syscall_entry_read\";",
    "} _fd;",
    "name = \"syscall_exit_read\";",
    "signed = 1; encoding = none; base = 10; } _ret;",
    "name = \"kvm_x86_exit\";",
    "} _vcpu_id;",
    "name = \"irq_softirq_entry\";",
    "name = \"sched_process_fork\";",
    "} __vtids_length;",
    "} _vtids[ __vtids_length ];",
    "name = \"vmsync_gh_host\";",
    "size = 64; align = 8; signed = 0; encoding = none; base = 10; } _vm_uid;",
  };

  write_small_trace (dir, FALSE, strings);
  text = read_text (dir, "metadata");
  g_assert_true (g_str_has_prefix (text, "/* CTF 1.8 */\n"));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (text, expected[i]) == NULL)
      g_error ("metadata lacks “%s”:\n%s", expected[i], text);
  /* Classes are declared for what was written, and only that. */
  g_assert_null (strstr (text, "kvm_x86_entry"));
  g_assert_null (strstr (text, "sched_wakeup"));
  g_assert_null (strstr (text, "syscall_entry_write"));
  remove_tree (dir);
}

static void
test_metadata_legacy (void)
{
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *text = NULL;
  g_autofree char *kvm_exit = NULL;
  const char *p;

  write_small_trace (dir, TRUE, strings);
  text = read_text (dir, "metadata");
  g_assert_nonnull (strstr (text, "name = \"sys_read\";"));
  g_assert_nonnull (strstr (text, "name = \"exit_syscall\";"));
  g_assert_nonnull (strstr (text, "name = \"softirq_entry\";"));
  g_assert_nonnull (strstr (text, "name = \"kvm_exit\";"));
  g_assert_nonnull (strstr (text, "tracer_minor = 5;"));
  g_assert_null (strstr (text, "syscall_exit_read"));
  g_assert_null (strstr (text, "kvm_x86"));
  g_assert_null (strstr (text, "vtids"));
  /* The old kvm_exit has no vcpu_id. */
  p = strstr (text, "name = \"kvm_exit\";");
  kvm_exit = g_strndup (p, strstr (p, "};\n};") - p);
  g_assert_null (strstr (kvm_exit, "vcpu_id"));
  remove_tree (dir);
}

static inline guint32
le32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static inline guint64
le64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

typedef struct
{
  guint64 begin;
  guint64 end;
  guint64 content_bits;
  guint64 packet_bits;
  guint64 seq;
  guint64 discarded;
  guint32 cpu;
} Packet;

static GArray *
read_packets (const char *dir,
              guint       cpu)
{
  g_autofree char *name = g_strdup_printf ("channel0_%u", cpu);
  g_autofree char *data = read_text (dir, name);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GArray *packets = g_array_new (FALSE, FALSE, sizeof (Packet));
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size % PACKET, ==, 0);
  for (gsize off = 0; off < (gsize) st.st_size; off += PACKET)
    {
      const guint8 *p = (const guint8 *) data + off;
      Packet pk;

      g_assert_cmphex (le32 (p), ==, 0xC1FC1FC1);
      g_assert_cmpuint (le32 (p + 20), ==, 0);             /* stream_id */
      pk.begin = le64 (p + 24);
      pk.end = le64 (p + 32);
      pk.content_bits = le64 (p + 40);
      pk.packet_bits = le64 (p + 48);
      pk.seq = le64 (p + 56);
      pk.discarded = le64 (p + 64);
      pk.cpu = le32 (p + 72);
      g_array_append_val (packets, pk);
    }
  return packets;
}

static void
test_packets (void)
{
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autofree char *dir = make_tmp_dir ();
  StrataCtfWriterOptions options = { 0 };
  g_autoptr(StrataCtfWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  const guint n_events = 20000;
  guint64 counted[3] = { 0 };

  options.n_cpus = 3;
  options.offset_s = OFFSET_S;
  writer = strata_ctf_writer_new (dir, &options, strings, &error);
  g_assert_no_error (error);

  /* Softirq events have a fixed size (id, timestamp, vec: 16 bytes), so the packets' content
   * sizes tell how many each holds. CPU 2 gets nothing. */
  for (guint i = 0; i < n_events; i++)
    {
      StrataEvent ev = event (1000 + i * 10, i % 2, STRATA_EV_SOFTIRQ_RAISE);

      ev.f[STRATA_F_SOFTIRQ_VEC] = i % 10;
      add_ok (writer, &ev);
      if (i == n_events / 2)
        {
          g_assert_true (strata_ctf_writer_discard (writer, 1, 17, ev.ts + 5, &error));
          g_assert_no_error (error);
        }
    }
  g_assert_true (strata_ctf_writer_discard (writer, 1, 3, ORIGIN + 1000 + n_events * 10, &error));
  g_assert_true (strata_ctf_writer_close (writer, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strata_ctf_writer_get_discarded (writer), ==, 20);

  for (guint cpu = 0; cpu < 3; cpu++)
    {
      g_autoptr(GArray) packets = read_packets (dir, cpu);
      guint64 last_end = 0, last_discarded = 0;

      g_assert_cmpuint (packets->len, >=, 1);
      for (guint i = 0; i < packets->len; i++)
        {
          const Packet *pk = &g_array_index (packets, Packet, i);

          g_assert_cmpuint (pk->cpu, ==, cpu);
          g_assert_cmpuint (pk->seq, ==, i);
          g_assert_cmpuint (pk->packet_bits, ==, PACKET * 8);
          g_assert_cmpuint (pk->content_bits, <=, pk->packet_bits);
          g_assert_cmpuint (pk->content_bits, >=, PREAMBLE * 8);
          g_assert_cmpuint ((pk->content_bits / 8 - PREAMBLE) % 16, ==, 0);
          g_assert_cmpuint (pk->begin, <=, pk->end);
          g_assert_cmpuint (pk->begin, >=, last_end);
          g_assert_cmpuint (pk->discarded, >=, last_discarded);
          counted[cpu] += (pk->content_bits / 8 - PREAMBLE) / 16;
          last_end = pk->end;
          last_discarded = pk->discarded;
        }
      /* Cumulative, as LTTng writes it; the trailing discard got its own empty packet. */
      g_assert_cmpuint (last_discarded, ==, cpu == 1 ? 20 : 0);
      if (cpu == 1)
        g_assert_cmpuint (g_array_index (packets, Packet, packets->len - 1).content_bits, ==,
                          PREAMBLE * 8);
    }
  g_assert_cmpuint (counted[0], ==, n_events / 2);
  g_assert_cmpuint (counted[1], ==, n_events / 2);
  g_assert_cmpuint (counted[2], ==, 0);
  remove_tree (dir);
}

static void
test_rejects (void)
{
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autofree char *dir = make_tmp_dir ();
  StrataCtfWriterOptions options = { 0 };
  g_autoptr(StrataCtfWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  StrataEvent ev;

  options.n_cpus = 2;
  options.offset_s = OFFSET_S;
  writer = strata_ctf_writer_new (dir, &options, strings, &error);
  g_assert_no_error (error);

  ev = event (5000, 0, STRATA_EV_IRQ_EXIT);
  add_ok (writer, &ev);
  /* Same time is fine; earlier is not, on that CPU only. */
  add_ok (writer, &ev);
  ev = event (4999, 0, STRATA_EV_IRQ_EXIT);
  g_assert_false (strata_ctf_writer_add (writer, &ev, &error));
  g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_ORDER);
  g_clear_error (&error);
  ev.cpu = 1;
  add_ok (writer, &ev);
  g_assert_false (strata_ctf_writer_discard (writer, 1, 4, ORIGIN + 10, &error));
  g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_ORDER);
  g_clear_error (&error);

  ev = event (-1, 1, STRATA_EV_IRQ_EXIT);
  ev.ts = ORIGIN - 1;
  g_assert_false (strata_ctf_writer_add (writer, &ev, &error));
  g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_ORDER);
  g_clear_error (&error);

  ev = event (9000, 2, STRATA_EV_IRQ_EXIT);
  g_assert_false (strata_ctf_writer_add (writer, &ev, &error));
  g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID);
  g_clear_error (&error);
  ev = event (9000, 0, STRATA_EV_N_KINDS);
  g_assert_false (strata_ctf_writer_add (writer, &ev, &error));
  g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpuint (strata_ctf_writer_get_event_count (writer), ==, 3);
  g_assert_true (strata_ctf_writer_close (writer, &error));
  g_assert_no_error (error);
  ev = event (9000, 0, STRATA_EV_IRQ_EXIT);
  g_assert_false (strata_ctf_writer_add (writer, &ev, &error));
  g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_CLOSED);
  remove_tree (dir);
}

/* Writing again over a trace leaves no stream of the old one behind. */
static void
test_rewrite (void)
{
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *old_stream = g_build_filename (dir, "channel0_2", NULL);
  g_autofree char *other = g_build_filename (dir, "notes.txt", NULL);

  for (guint n_cpus = 3; n_cpus >= 2; n_cpus--)
    {
      StrataCtfWriterOptions options = { 0 };
      g_autoptr(StrataCtfWriter) writer = NULL;
      g_autoptr(GError) error = NULL;

      options.n_cpus = n_cpus;
      writer = strata_ctf_writer_new (dir, &options, strings, &error);
      g_assert_no_error (error);
      g_assert_true (strata_ctf_writer_close (writer, &error));
      g_assert_no_error (error);
      if (n_cpus == 3)
        {
          g_assert_true (g_file_test (old_stream, G_FILE_TEST_EXISTS));
          g_assert_true (g_file_set_contents (other, "mine", -1, NULL));
        }
    }
  g_assert_false (g_file_test (old_stream, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  remove_tree (dir);
}

/* ------------------------------------------------------------------------------------------ */
/* A sink that keeps what the generator or the parser gives it */

typedef struct
{
  gint64  ts;
  guint   cpu;
  guint64 count;
} Discard;

typedef struct
{
  StrataScenarioTrace info;
  char               *name;
  GArray             *events;      /* StrataEvent, in arrival order */
  GArray             *discards;
} Collected;

static void
collected_free (Collected *c)
{
  g_free (c->name);
  g_array_unref (c->events);
  g_array_unref (c->discards);
  g_free (c);
}

static gboolean
collect_add_trace (gpointer                   data,
                   guint                      trace,
                   const StrataScenarioTrace *info,
                   GError                   **error)
{
  GPtrArray *traces = data;
  Collected *c = g_new0 (Collected, 1);

  g_assert_cmpuint (trace, ==, traces->len);
  c->info = *info;
  c->name = g_strdup (info->name);
  c->info.name = c->name;
  c->info.hostname = NULL;
  c->info.kernel_release = NULL;
  c->events = g_array_new (FALSE, FALSE, sizeof (StrataEvent));
  c->discards = g_array_new (FALSE, FALSE, sizeof (Discard));
  g_ptr_array_add (traces, c);
  return TRUE;
}

static gboolean
collect_event (gpointer            data,
               guint               trace,
               const StrataEvent  *event,
               GError            **error)
{
  Collected *c = g_ptr_array_index ((GPtrArray *) data, trace);

  g_assert_cmpuint (event->cpu, <, c->info.n_cpus);
  g_array_append_val (c->events, *event);
  return TRUE;
}

static gboolean
collect_discard (gpointer   data,
                 guint      trace,
                 guint      cpu,
                 guint64    count,
                 gint64     ts,
                 GError   **error)
{
  Collected *c = g_ptr_array_index ((GPtrArray *) data, trace);
  Discard d = { ts, cpu, count };

  g_array_append_val (c->discards, d);
  return TRUE;
}

static const StrataScenarioSink collect_sink = {
  collect_add_trace, collect_event, collect_discard,
};

static GPtrArray *
collected_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) collected_free);
}

static Collected *
find_trace (GPtrArray  *traces,
            const char *name)
{
  for (guint i = 0; i < traces->len; i++)
    if (strcmp (((Collected *) g_ptr_array_index (traces, i))->name, name) == 0)
      return g_ptr_array_index (traces, i);
  g_error ("no trace %s", name);
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Scenario text */

static void
test_scenario_parse (void)
{
  static const char text[] =
    "# a comment, then blank lines\n"
    "\n"
    "trace h hostname=\"my host\" cpus=2 offset_s=1000 legacy=1\n"
    "event 2us 1 sched_switch prev_tid=0 prev_comm=swapper/1 next_tid=9 next_comm=\"my task\" # c\n"
    "event 1000 0 syscall_entry name=read fd=3 count=0x10\n"
    "event 1500 0 syscall_exit_read ret=-4\n"
    "discard 0 12 1.6us\n"
    "event 1000 1 kvm_x86_exit exit_reason=12\n"
    "event 3000 0 lttng_statedump_process_state tid=5 name=\"a b\"\n"
    "trace g\n"
    "event 0 0 vmsync_gh_guest cnt=7 vm_uid=18446744073709551615\n";
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autoptr(GPtrArray) traces = collected_new ();
  g_autoptr(GError) error = NULL;
  Collected *h, *g;
  const StrataEvent *ev;

  g_assert_true (strata_scenario_parse (text, "t", strings, &collect_sink, traces, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (traces->len, ==, 2);
  h = find_trace (traces, "h");
  g = find_trace (traces, "g");
  g_assert_cmpuint (h->info.n_cpus, ==, 2);
  g_assert_true (h->info.legacy);
  g_assert_cmpint (h->info.offset_s, ==, 1000);
  g_assert_cmpuint (g->info.n_cpus, ==, 1);

  /* Sorted by time, file order kept on ties. */
  g_assert_cmpuint (h->events->len, ==, 5);
  ev = &g_array_index (h->events, StrataEvent, 0);
  g_assert_cmpint (ev->ts, ==, ORIGIN + 1000);
  g_assert_cmpuint (ev->kind, ==, STRATA_EV_SYSCALL_ENTRY);
  g_assert_cmpstr (strata_strtab_get (strings, ev->f[STRATA_F_SYSCALL_NAME]), ==, "read");
  g_assert_cmpint (ev->f[strata_ctf_writer_syscall_arg_slot ("read", "fd")], ==, 3);
  g_assert_cmpint (ev->f[strata_ctf_writer_syscall_arg_slot ("read", "count")], ==, 16);
  ev = &g_array_index (h->events, StrataEvent, 1);
  g_assert_cmpuint (ev->kind, ==, STRATA_EV_KVM_EXIT);
  g_assert_cmpuint (ev->cpu, ==, 1);
  g_assert_cmpint (ev->f[STRATA_F_KVM_EXIT_REASON], ==, 12);
  ev = &g_array_index (h->events, StrataEvent, 2);
  g_assert_cmpuint (ev->kind, ==, STRATA_EV_SYSCALL_EXIT);
  g_assert_cmpint (ev->f[STRATA_F_SYSCALL_RET], ==, -4);
  g_assert_cmpstr (strata_strtab_get (strings, ev->f[STRATA_F_SYSCALL_NAME]), ==, "read");
  ev = &g_array_index (h->events, StrataEvent, 3);
  g_assert_cmpint (ev->ts, ==, ORIGIN + 2000);
  g_assert_cmpstr (strata_strtab_get (strings, ev->f[STRATA_F_SWITCH_NEXT_COMM]), ==, "my task");
  ev = &g_array_index (h->events, StrataEvent, 4);
  g_assert_cmpstr (strata_strtab_get (strings, ev->f[STRATA_F_SD_NAME]), ==, "a b");
  g_assert_cmpuint (h->discards->len, ==, 1);
  g_assert_cmpint (g_array_index (h->discards, Discard, 0).ts, ==, ORIGIN + 1600);
  g_assert_cmpuint (g_array_index (h->discards, Discard, 0).count, ==, 12);

  ev = &g_array_index (g->events, StrataEvent, 0);
  g_assert_cmpuint ((guint64) ev->f[STRATA_F_VMSYNC_VM_UID], ==, G_MAXUINT64);
  g_assert_cmpint (ev->f[STRATA_F_VMSYNC_CNT], ==, 7);
}

static void
test_scenario_errors (void)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "trace a\nevent 0 0 sched_switch\nevent 10 0 sched_swich\n", "t:3: unknown event kind “sched_swich”" },
    { "\n\nevent 0 0 sched_switch\n", "t:3: “event” before any “trace” line" },
    { "trace a cpus=2\n# c\nevent 0 2 sched_switch\n", "t:3: CPU 2 is out of range" },
    { "trace a\nevent 0 0 sched_switch bogus=1\n", "t:2: sched_switch has no field “bogus”" },
    { "trace a\nevent 0 0 sched_switch prev_tid=x\n", "t:2: invalid prev_tid “x”" },
    { "trace a\nevent soon 0 sched_switch\n", "t:2: invalid time “soon”" },
    { "trace a\nevent 0 0 irq_handler_entry name=\"eth0\n", "t:2: unterminated quote" },
    { "trace a\ntrace a\n", "t:2: trace “a” is defined twice" },
    { "trace a nope=1\n", "t:1: unknown trace option “nope”" },
    { "trace a\nfrobnicate\n", "t:2: unknown statement “frobnicate”" },
    { "trace a\ndiscard 0 5\n", "t:2: expected “discard CPU COUNT TS”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(StrataStrtab) strings = strata_strtab_new ();
      g_autoptr(GPtrArray) traces = collected_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (strata_scenario_parse (cases[i].text, "t", strings, &collect_sink, traces,
                                             &error));
      g_assert_error (error, STRATA_SCENARIO_ERROR, STRATA_SCENARIO_ERROR_PARSE);
      if (!g_str_has_prefix (error->message, cases[i].message))
        g_error ("case %u: “%s” does not start with “%s”", i, error->message,
                 cases[i].message);
    }
}

/* What the writer refuses comes back with the scenario's line number too. */
static void
test_scenario_writer_error (void)
{
  g_autofree char *big = g_strnfill (70000, 'x');
  g_autofree char *text = g_strdup_printf ("trace a\n"
                                           "event 1 0 irq_handler_exit irq=1\n"
                                           "\n"
                                           "event 2 0 irq_handler_entry irq=1 name=%s\n", big);
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GError) error = NULL;

  g_assert_false (strata_scenario_write_string (text, "big.txt", dir, NULL, &error));
  g_assert_error (error, STRATA_SCENARIO_ERROR, STRATA_SCENARIO_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "big.txt:4: "));
  g_assert_nonnull (strstr (error->message, "does not fit in a packet"));
  remove_tree (dir);
}

static void
test_scenario_write (void)
{
  static const char text[] =
    "trace one hostname=h1 cpus=2 offset_s=1000\n"
    "event 100 0 sched_switch prev_tid=0 next_tid=5 next_comm=w\n"
    "event 200 1 irq_handler_entry irq=41 name=eth0\n"
    "event 300 1 irq_handler_exit irq=41 ret=1\n"
    "discard 1 9 400\n"
    "trace two cpus=1 offset_s=2000 legacy=1\n"
    "event 100 0 syscall_entry_read fd=1\n";
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *one = g_build_filename (dir, "one", NULL);
  g_autofree char *two = g_build_filename (dir, "two", NULL);
  g_autofree char *meta = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) packets = NULL;
  StrataScenarioStats stats = { 0 };

  g_assert_true (strata_scenario_write_string (text, "t", dir, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.n_traces, ==, 2);
  g_assert_cmpuint (stats.n_events, ==, 4);
  g_assert_cmpuint (stats.n_discarded, ==, 9);
  meta = read_text (one, "metadata");
  g_assert_nonnull (strstr (meta, "hostname = \"h1\";"));
  packets = read_packets (one, 1);
  g_assert_cmpuint (g_array_index (packets, Packet, packets->len - 1).discarded, ==, 9);
  g_clear_pointer (&meta, g_free);
  meta = read_text (two, "metadata");
  g_assert_nonnull (strstr (meta, "name = \"sys_read\";"));
  g_assert_nonnull (strstr (meta, "offset_s = 2000;"));
  remove_tree (dir);
}

/* ------------------------------------------------------------------------------------------ */
/* The demo set's invariants, checked on its events by replaying them, not by trusting the
 * generator's bookkeeping. */

typedef struct
{
  gint64 entry;
  gint64 exit;
  gint64 exit_reason;
} Window;

typedef struct
{
  StrataEvent event;
  guint       index;
} Ordered;

static gint
ordered_compare (gconstpointer a,
                 gconstpointer b)
{
  const Ordered *oa = a, *ob = b;

  if (oa->event.ts != ob->event.ts)
    return oa->event.ts < ob->event.ts ? -1 : 1;
  return oa->index < ob->index ? -1 : oa->index > ob->index;
}

/* The events of a trace in one time order, each CPU's own order kept. */
static GArray *
merged (Collected *c)
{
  g_autoptr(GArray) ordered = g_array_sized_new (FALSE, FALSE, sizeof (Ordered), c->events->len);
  GArray *out = g_array_sized_new (FALSE, FALSE, sizeof (StrataEvent), c->events->len);
  g_autofree gint64 *last = g_new0 (gint64, c->info.n_cpus);

  for (guint i = 0; i < c->events->len; i++)
    {
      Ordered o = { g_array_index (c->events, StrataEvent, i), i };

      /* What the writer would reject. */
      g_assert_cmpint (o.event.ts, >=, last[o.event.cpu]);
      last[o.event.cpu] = o.event.ts;
      g_array_append_val (ordered, o);
    }
  g_array_sort (ordered, ordered_compare);
  for (guint i = 0; i < ordered->len; i++)
    g_array_append_val (out, g_array_index (ordered, Ordered, i).event);
  return out;
}

static gboolean
in_windows (GArray *windows,
            gint64  t)
{
  guint lo = 0, hi = windows->len;

  /* The last window that starts before t. */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (windows, Window, mid).entry < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo > 0 && t < g_array_index (windows, Window, lo - 1).exit;
}

static void
test_demo_invariants (void)
{
  const StrataScenarioClock *clock = strata_scenario_demo_clock ();
  StrataScenarioParams params = { STRATA_SCENARIO_DEMO, 0, FALSE };
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autoptr(GPtrArray) traces = collected_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) host_events = NULL;
  GArray *windows[2];
  gint64 open_entry[2] = { -1, -1 };
  gint64 last_exit_reason[2] = { -1, -1 };
  gint64 cur[8];
  gboolean cur_known[8] = { FALSE };
  guint preempted[2] = { 0 }, by_stress[2] = { 0 }, blocked[2] = { 0 };
  guint stress_running = 0, n_sync = 0, n_guest = 0, statedumps = 0;
  /* cnt -> host time */
  g_autoptr(GHashTable) gh_host = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                         g_free, g_free);
  g_autoptr(GHashTable) hg_host = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                         g_free, g_free);
  const Discard *lost;
  gboolean lost_seen = FALSE;
  Collected *host, *guest;
  const gint64 vm_pid = STRATA_DEMO_QEMU_PID;

  g_assert_true (strata_scenario_generate (&params, strings, &collect_sink, traces, &error));
  g_assert_no_error (error);
  host = find_trace (traces, "host");
  guest = find_trace (traces, "server1");
  g_assert_cmpuint (host->info.n_cpus, ==, 8);
  g_assert_cmpuint (guest->info.n_cpus, ==, 2);
  g_assert_cmpint (host->info.offset_s, ==, STRATA_DEMO_HOST_OFFSET_S);
  g_assert_cmpint (guest->info.offset_s, ==, STRATA_DEMO_GUEST_OFFSET_S);
  g_assert_cmpuint (host->events->len + guest->events->len, >, 50000);
  g_assert_cmpuint (host->events->len + guest->events->len, <, 1000000);
  g_test_message ("demo: %u host and %u guest events", host->events->len, guest->events->len);

  /* The clock map and its inverse agree. */
  for (gint64 h = STRATA_DEMO_T0_NS; h < STRATA_DEMO_T0_NS + STRATA_DEMO_DURATION_NS; h += 7777777)
    g_assert_cmpint (strata_scenario_clock_to_host (clock, strata_scenario_clock_to_guest (clock, h)),
                     ==, h);
  g_assert_cmpint (strata_scenario_clock_to_guest (clock, STRATA_DEMO_T0_NS), ==,
                   STRATA_DEMO_T0_NS - G_GINT64_CONSTANT (2500000000));
  g_assert_cmpint (strata_scenario_clock_to_guest (clock, STRATA_DEMO_T0_NS + 1000000000), ==,
                   STRATA_DEMO_T0_NS + 1000000000 - G_GINT64_CONSTANT (2500000000) + 20000);

  for (guint i = 0; i < 2; i++)
    windows[i] = g_array_new (FALSE, FALSE, sizeof (Window));

  /* The demo loses a few events on purpose, and says so. */
  g_assert_cmpuint (host->discards->len, ==, 1);
  lost = &g_array_index (host->discards, Discard, 0);
  g_assert_cmpuint (lost->count, >, 0);

  host_events = merged (host);
  for (guint i = 0; i < host_events->len; i++)
    {
      const StrataEvent *ev = &g_array_index (host_events, StrataEvent, i);
      guint cpu = ev->cpu;

      if (i < 20 && ev->kind == STRATA_EV_STATEDUMP_PROCESS)
        statedumps++;
      /* Who runs there is unknown after lost events, until the next switch. */
      if (!lost_seen && cpu == lost->cpu && ev->ts >= lost->ts)
        {
          cur_known[cpu] = FALSE;
          lost_seen = TRUE;
        }
      g_assert_cmpint (ev->ts, >=, STRATA_DEMO_T0_NS);
      g_assert_cmpint (ev->ts, <, STRATA_DEMO_T0_NS + STRATA_DEMO_DURATION_NS);

      switch (ev->kind)
        {
        case STRATA_EV_SCHED_SWITCH:
          {
            gint64 prev = ev->f[STRATA_F_SWITCH_PREV_TID];
            gint64 next = ev->f[STRATA_F_SWITCH_NEXT_TID];

            if (cur_known[cpu])
              g_assert_cmpint (prev, ==, cur[cpu]);
            cur[cpu] = next;
            cur_known[cpu] = TRUE;
            if (prev == STRATA_DEMO_STRESS_TID)
              stress_running--;
            if (next == STRATA_DEMO_STRESS_TID)
              {
                /* One thread: never current on two pCPUs at once. */
                g_assert_cmpuint (stress_running, ==, 0);
                stress_running++;
                g_assert_cmpuint (cpu, <=, 1);
              }
            if (prev > vm_pid && prev <= vm_pid + 2)
              {
                guint v = prev - vm_pid - 1;

                /* A vCPU thread leaves its pCPU in host mode only. */
                g_assert_cmpint (open_entry[v], <, 0);
                g_assert_cmpuint (cpu, ==, v);
                if (strata_prev_state_is_runnable (ev->f[STRATA_F_SWITCH_PREV_STATE]))
                  {
                    preempted[v]++;
                    if (next == STRATA_DEMO_STRESS_TID)
                      by_stress[v]++;
                  }
                else
                  {
                    /* It sleeps only when its guest halted. */
                    g_assert_cmpint (ev->f[STRATA_F_SWITCH_PREV_STATE], ==, 1);
                    g_assert_cmpint (last_exit_reason[v], ==, 12);
                    blocked[v]++;
                  }
              }
          }
          break;

        case STRATA_EV_KVM_ENTRY:
          {
            gint64 v = ev->f[STRATA_F_KVM_VCPU_ID];

            g_assert_cmpint (v, >=, 0);
            g_assert_cmpint (v, <, 2);
            /* Entered by the vCPU thread that is current there. */
            g_assert_true (cur_known[cpu]);
            g_assert_cmpint (cur[cpu], ==, vm_pid + 1 + v);
            g_assert_cmpint (open_entry[v], <, 0);
            open_entry[v] = ev->ts;
          }
          break;

        case STRATA_EV_KVM_EXIT:
          {
            gint64 v = ev->f[STRATA_F_KVM_VCPU_ID];
            Window w;

            g_assert_cmpint (cur[cpu], ==, vm_pid + 1 + v);
            g_assert_cmpint (open_entry[v], >=, 0);
            w.entry = open_entry[v];
            w.exit = ev->ts;
            w.exit_reason = ev->f[STRATA_F_KVM_EXIT_REASON];
            g_array_append_val (windows[v], w);
            open_entry[v] = -1;
            last_exit_reason[v] = w.exit_reason;
          }
          break;

        case STRATA_EV_VMSYNC_GH_HOST:
        case STRATA_EV_VMSYNC_HG_HOST:
          {
            GHashTable *table = ev->kind == STRATA_EV_VMSYNC_GH_HOST ? gh_host : hg_host;

            /* In the vCPU thread's context, between an exit and the next entry. */
            g_assert_cmpint (cur[cpu], >, vm_pid);
            g_assert_cmpint (cur[cpu], <=, vm_pid + 2);
            g_assert_cmpint (open_entry[cur[cpu] - vm_pid - 1], <, 0);
            g_assert_cmpuint ((guint64) ev->f[STRATA_F_VMSYNC_VM_UID], ==, STRATA_DEMO_VM_UID);
            g_assert_false (g_hash_table_contains (table, &ev->f[STRATA_F_VMSYNC_CNT]));
            g_hash_table_insert (table, g_memdup2 (&ev->f[STRATA_F_VMSYNC_CNT], sizeof (gint64)),
                                 g_memdup2 (&ev->ts, sizeof (gint64)));
          }
          break;

        default:
          break;
        }
    }
  g_assert_cmpuint (statedumps, >=, 15);

  for (guint v = 0; v < 2; v++)
    {
      g_test_message ("vCPU %u: %u windows, %u preempted (%u by stress), %u blocked", v,
                      windows[v]->len, preempted[v], by_stress[v], blocked[v]);
      g_assert_cmpuint (windows[v]->len, >, 1000);
      g_assert_cmpuint (preempted[v], >, 10);
      g_assert_cmpuint (by_stress[v], >, 2);
      g_assert_cmpuint (blocked[v], >, 10);
    }

  /* Guest events: each inside a guest-mode window of its vCPU, in host time. */
  {
    g_autoptr(GArray) guest_events = merged (guest);
    gint64 gcur[2] = { 0, 0 };

    for (guint i = 0; i < guest_events->len; i++)
      {
        const StrataEvent *ev = &g_array_index (guest_events, StrataEvent, i);
        gint64 h = strata_scenario_clock_to_host (clock, ev->ts);

        if (!in_windows (windows[ev->cpu], h))
          g_error ("guest event %u (kind %u, CPU %u) at host time %" G_GINT64_FORMAT
                   " is outside guest mode", i, ev->kind, ev->cpu, h);
        n_guest++;
        if (i < 40 && ev->kind == STRATA_EV_STATEDUMP_PROCESS)
          statedumps++;
        if (ev->kind == STRATA_EV_SCHED_SWITCH)
          {
            g_assert_cmpint (ev->f[STRATA_F_SWITCH_PREV_TID], ==, gcur[ev->cpu]);
            gcur[ev->cpu] = ev->f[STRATA_F_SWITCH_NEXT_TID];
          }
        if (ev->kind == STRATA_EV_VMSYNC_GH_GUEST || ev->kind == STRATA_EV_VMSYNC_HG_GUEST)
          {
            gboolean gh = ev->kind == STRATA_EV_VMSYNC_GH_GUEST;
            const gint64 *host_ts = g_hash_table_lookup (gh ? gh_host : hg_host,
                                                         &ev->f[STRATA_F_VMSYNC_CNT]);

            g_assert_cmpuint ((guint64) ev->f[STRATA_F_VMSYNC_VM_UID], ==, STRATA_DEMO_VM_UID);
            g_assert_nonnull (host_ts);
            /* Guest-to-host: the guest's event comes first; host-to-guest: the host's. */
            if (gh)
              g_assert_cmpint (h, <, *host_ts);
            else
              g_assert_cmpint (*host_ts, <, h);
            n_sync++;
          }
      }
  }
  g_assert_cmpuint (n_guest, ==, guest->events->len);
  g_assert_cmpuint (n_sync, >, 100);
  g_assert_cmpuint (statedumps, >=, 20);

  for (guint i = 0; i < 2; i++)
    g_array_unref (windows[i]);
}

static void
test_demo_deterministic (void)
{
  StrataScenarioParams params = { STRATA_SCENARIO_DEMO, 0, FALSE };
  guint64 sums[2] = { 0 };

  for (guint run = 0; run < 2; run++)
    {
      g_autoptr(StrataStrtab) strings = strata_strtab_new ();
      g_autoptr(GPtrArray) traces = collected_new ();
      g_autoptr(GError) error = NULL;

      g_assert_true (strata_scenario_generate (&params, strings, &collect_sink, traces, &error));
      g_assert_no_error (error);
      for (guint t = 0; t < traces->len; t++)
        {
          Collected *c = g_ptr_array_index (traces, t);

          for (guint i = 0; i < c->events->len; i++)
            {
              const StrataEvent *ev = &g_array_index (c->events, StrataEvent, i);

              sums[run] = sums[run] * 31 + (guint64) ev->ts + ev->kind + (guint64) ev->f[0];
            }
        }
    }
  g_assert_cmpuint (sums[0], ==, sums[1]);
}

static void
test_bench_size (void)
{
  StrataScenarioParams params = { STRATA_SCENARIO_BENCH, 200000, FALSE };
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autoptr(GPtrArray) traces = collected_new ();
  g_autoptr(GError) error = NULL;
  guint64 total = 0;

  g_assert_true (strata_scenario_generate (&params, strings, &collect_sink, traces, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (traces->len, ==, 3);
  for (guint t = 0; t < traces->len; t++)
    total += ((Collected *) g_ptr_array_index (traces, t))->events->len;
  g_assert_cmpuint (find_trace (traces, "server2")->info.n_cpus, ==, 4);
  g_assert_cmpuint (total, >, 180000);
  g_assert_cmpuint (total, <, 220000);
}

/* ------------------------------------------------------------------------------------------ */
/* The set writer: what reading the CTF writer's folder gives (test-roundtrip compares the
 * two in full); here, what it refuses and how the trace looks. */

static void
test_set_writer_rejects (void)
{
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autoptr(StrataSet) set = strata_set_new ();
  StrataCtfWriterOptions options = { 0 };
  g_autoptr(StrataSetWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  StrataEvent ev;

  options.n_cpus = 2;
  options.offset_s = -1;
  g_assert_null (strata_set_writer_new (set, "t", &options, strings, &error));
  g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID);
  g_clear_error (&error);
  /* The trace is added only once the options are good. */
  g_assert_cmpuint (set->traces->len, ==, 0);

  options.offset_s = OFFSET_S;
  writer = strata_set_writer_new (set, "t", &options, strings, &error);
  g_assert_no_error (error);
  ev = event (5000, 0, STRATA_EV_IRQ_EXIT);
  g_assert_true (strata_set_writer_add (writer, &ev, &error));
  g_assert_true (strata_set_writer_add (writer, &ev, &error));
  g_assert_no_error (error);
  ev = event (4999, 0, STRATA_EV_IRQ_EXIT);
  g_assert_false (strata_set_writer_add (writer, &ev, &error));
  g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_ORDER);
  g_clear_error (&error);
  ev.cpu = 1;
  g_assert_true (strata_set_writer_add (writer, &ev, &error));
  g_assert_false (strata_set_writer_discard (writer, 1, 4, ORIGIN + 10, &error));
  g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_ORDER);
  g_clear_error (&error);
  ev.ts = ORIGIN - 1;
  g_assert_false (strata_set_writer_add (writer, &ev, &error));
  g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_ORDER);
  g_clear_error (&error);
  ev = event (9000, 2, STRATA_EV_IRQ_EXIT);
  g_assert_false (strata_set_writer_add (writer, &ev, &error));
  g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (strata_set_writer_discard (writer, 2, 1, ORIGIN + 9000, &error));
  g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID);
  g_clear_error (&error);
  ev = event (9000, 0, STRATA_EV_N_KINDS);
  g_assert_false (strata_set_writer_add (writer, &ev, &error));
  g_assert_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID);
  g_clear_error (&error);

  strata_set_finish (set);
  g_assert_cmpuint (strata_set_event_count (set), ==, 3);
}

static void
test_set_writer_trace (void)
{
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autoptr(StrataSet) set = strata_set_new ();
  StrataCtfWriterOptions options = { 0 };
  g_autoptr(StrataSetWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataEventMerge) merge = NULL;
  StrataTrace *trace;
  StrataEvent ev;
  static const guint order[] = { 0, 1, 10, 11, 2, 3, 4, 5, 6, 7, 8, 9 };

  options.hostname = "wide";
  options.n_cpus = 12;
  options.offset_s = OFFSET_S;
  options.legacy_naming = TRUE;
  writer = strata_set_writer_new (set, "/x/wide", &options, strings, &error);
  g_assert_no_error (error);

  ev = event (100, 11, STRATA_EV_SCHED_SWITCH);
  ev.f[STRATA_F_SWITCH_NEXT_TID] = 70001;
  ev.f[STRATA_F_SWITCH_NEXT_COMM] = strata_strtab_intern (strings, "a-name-longer-than-fifteen");
  ev.f[STRATA_F_SWITCH_PREV_STATE] = 1026;
  g_assert_true (strata_set_writer_add (writer, &ev, &error));
  ev = event (200, 11, STRATA_EV_KVM_EXIT);
  ev.f[STRATA_F_KVM_VCPU_ID] = 3;
  ev.f[STRATA_F_KVM_EXIT_REASON] = 12;
  g_assert_true (strata_set_writer_add (writer, &ev, &error));
  ev = event (300, 2, STRATA_EV_SYSCALL_EXIT);
  ev.f[STRATA_F_SYSCALL_NAME] = strata_strtab_intern (strings, "read");
  ev.f[STRATA_F_SYSCALL_RET] = -4;
  g_assert_true (strata_set_writer_add (writer, &ev, &error));
  g_assert_true (strata_set_writer_discard (writer, 3, 7, ORIGIN + 50, &error));
  g_assert_no_error (error);
  strata_set_finish (set);

  trace = g_ptr_array_index (set->traces, 0);
  g_assert_cmpstr (trace->path, ==, "/x/wide");
  g_assert_cmpstr (trace->hostname, ==, "wide");
  g_assert_cmpstr (trace->machine, ==, "wide");
  g_assert_cmpstr (trace->domain, ==, "kernel");
  g_assert_cmpstr (trace->tracer, ==, "lttng-modules 2.5.0");
  g_assert_cmpstr (trace->kernel_release, ==, "3.13.0-24-generic");
  g_assert_true (trace->has_kvm);
  g_assert_cmpuint (trace->n_cpus, ==, 12);
  g_assert_cmpuint (trace->events, ==, 3);
  g_assert_cmpuint (trace->discarded, ==, 7);
  g_assert_cmpint (trace->begin_ns, ==, ORIGIN + 100);
  g_assert_cmpint (trace->end_ns, ==, ORIGIN + 300);
  /* Streams in the order of their files' names, as libbabeltrace2 lists its ports. */
  g_assert_cmpuint (trace->streams->len, ==, 12);
  for (guint s = 0; s < 12; s++)
    {
      StrataStream *stream = g_ptr_array_index (trace->streams, s);
      g_autofree char *file = g_strdup_printf ("/x/wide/channel0_%u", order[s]);

      g_assert_cmpuint (stream->cpu, ==, order[s]);
      g_assert_true (g_str_has_suffix (stream->name, file));
    }

  /* Each event as the older generation's CTF keeps it. */
  merge = strata_trace_merge (trace);
  g_assert_true (strata_event_merge_next (merge, &ev));
  g_assert_cmpuint (ev.kind, ==, STRATA_EV_SCHED_SWITCH);
  g_assert_cmpint (ev.f[STRATA_F_SWITCH_NEXT_TID], ==, 70001);
  g_assert_cmpint (ev.f[STRATA_F_SWITCH_PREV_STATE], ==, 1026);
  g_assert_cmpstr (strata_strtab_get (set->strings, ev.f[STRATA_F_SWITCH_NEXT_COMM]), ==,
                   "a-name-longer-t");
  g_assert_true (strata_event_merge_next (merge, &ev));
  g_assert_cmpuint (ev.kind, ==, STRATA_EV_KVM_EXIT);
  g_assert_cmpint (ev.f[STRATA_F_KVM_VCPU_ID], ==, -1);    /* kvm_exit had no vcpu_id then */
  g_assert_cmpint (ev.f[STRATA_F_KVM_EXIT_REASON], ==, 12);
  g_assert_true (strata_event_merge_next (merge, &ev));
  g_assert_cmpuint (ev.kind, ==, STRATA_EV_SYSCALL_EXIT);
  g_assert_cmpint (ev.f[STRATA_F_SYSCALL_RET], ==, -4);
  g_assert_cmpint (ev.f[STRATA_F_SYSCALL_NAME], ==, 0);    /* exit_syscall names none */
  g_assert_false (strata_event_merge_next (merge, &ev));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ctf-writer/metadata", test_metadata);
  g_test_add_func ("/ctf-writer/metadata-legacy", test_metadata_legacy);
  g_test_add_func ("/ctf-writer/packets", test_packets);
  g_test_add_func ("/ctf-writer/rejects", test_rejects);
  g_test_add_func ("/ctf-writer/rewrite", test_rewrite);
  g_test_add_func ("/set-writer/rejects", test_set_writer_rejects);
  g_test_add_func ("/set-writer/trace", test_set_writer_trace);
  g_test_add_func ("/scenario/parse", test_scenario_parse);
  g_test_add_func ("/scenario/errors", test_scenario_errors);
  g_test_add_func ("/scenario/writer-error", test_scenario_writer_error);
  g_test_add_func ("/scenario/write", test_scenario_write);
  g_test_add_func ("/scenario/demo-invariants", test_demo_invariants);
  g_test_add_func ("/scenario/demo-deterministic", test_demo_deterministic);
  g_test_add_func ("/scenario/bench-size", test_bench_size);
  return g_test_run ();
}
