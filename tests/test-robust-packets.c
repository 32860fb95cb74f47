/* test-robust-packets.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <babeltrace2/babeltrace.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "strata-bt-guard.h"
#include "strata-ctf-check.h"
#include "strata-decoder.h"
#include "strata-staging.h"
#include "strata-trace-loader.h"
#include "test-robust-util.h"
#include "test-util.h"

/*
 * Regression tests for what libbabeltrace2 2.0 trusts in a trace's packets, index files and
 * event declarations (issue 15, items 1 to 6, 12 and 13): each class of damage, in several
 * instances, generated at run time from traces our writer makes or from copies of the sample
 * traces. Every load is bounded in time and memory (test-robust-util.c), and each damaged
 * trace is loaded beside a good one, which must load whole.
 */

#define EVENTS 400          /* per writer-made trace: 2 CPUs, 1 KiB packets */

/* A writer-made trace of EVENTS events on 2 CPUs in 1 KiB packets, in @tmp/@name. */
static char *
writer_case (const char *tmp,
             const char *name)
{
  char *dir = g_build_filename (tmp, name, NULL);

  rt_write_trace (dir, name, 2, 1024, EVENTS);
  return dir;
}

static gsize
n_packets (const char *stream)
{
  return rt_file_size (stream) / 1024;
}

/* ---- item 1: CPU numbers ---- */

static void
test_cpu_id (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  /* Which packet of channel0_1, and the cpu_id it gets. */
  const struct { const char *name; gint packet; guint32 cpu; } cases[] = {
    { "last-fffffffe", -1, 0xFFFFFFFEu },
    { "first-1000000", 0, 1000000 },
    { "middle-8192", 2, STRATA_MAX_CPUS },
    /* Under the bound, but not the CPU of the rest of the file. */
    { "middle-7", 3, 7 },
  };

  if (!test_have_samples ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = writer_case (tmp, cases[i].name);
      g_autofree char *stream = g_build_filename (dir, "channel0_1", NULL);
      gsize packet = cases[i].packet < 0 ? n_packets (stream) - 1 : (gsize) cases[i].packet;
      g_autoptr(StrataSet) set = NULL;
      StrataTrace *t;

      rt_patch_u32 (stream, packet * 1024 + RT_OFF_CPU_ID, cases[i].cpu);
      set = rt_check_case (cases[i].name, tmp, dir);
      t = test_find_trace (set, dir);
      g_assert_false (t->failed);
      /* Two CPUs, whatever the packet says; the packet is left out, the rest is read. */
      g_assert_cmpuint (t->n_cpus, ==, 2);
      g_assert_cmpuint (rt_trace_n_cpus (t), ==, 2);
      g_assert_true (test_errors_contain (t->errors, "channel0_1", "CPU"));
      g_assert_cmpuint (t->events, <, EVENTS);
      g_assert_cmpuint (t->events, >=, EVENTS / 2);
    }

  /* On a real LTTng trace: the CPU of k_5's only packet. */
  {
    g_autofree char *src = test_sample ("tvl-simple-kernel/simple-kernel");
    g_autofree char *dir = g_build_filename (tmp, "lttng-cpu", NULL);
    g_autofree char *stream = g_build_filename (dir, "k_5", NULL);
    g_autoptr(StrataSet) set = NULL;
    StrataTrace *t;

    test_copy_tree (src, dir);
    rt_patch_u32 (stream, LT_OFF_CPU_ID, 0xFFFFFFFEu);
    set = rt_check_case ("lttng cpu_id 0xfffffffe", tmp, dir);
    t = test_find_trace (set, dir);
    g_assert_false (t->failed);
    g_assert_cmpuint (t->n_cpus, <=, 8);
    g_assert_true (test_errors_contain (t->errors, "k_5", "CPU"));
  }
  test_rm_tree (tmp);
}

/* Packets missing from the sequence (a flight-recorder session overwrote them): their
 * number is said, and their time is a loss of events not counted, between the packets
 * around them; every event kept is read. */
static void
test_lost_packets (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *dir = writer_case (tmp, "seq-gap");
  g_autofree char *stream = g_build_filename (dir, "channel0_0", NULL);
  g_autoptr(StrataSet) set = NULL;
  const StrataLoss *gap = NULL;
  StrataTrace *t;
  StrataStream *cpu0 = NULL;

  if (!test_have_samples ())
    return;
  for (gsize p = 3; p < n_packets (stream); p++)
    rt_patch_u64 (stream, p * 1024 + RT_OFF_SEQ_NUM, rt_get_u64 (stream, p * 1024 + RT_OFF_SEQ_NUM) + 2);
  set = rt_check_case ("seq-gap", tmp, dir);
  t = test_find_trace (set, dir);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->events, ==, EVENTS);
  g_assert_true (test_errors_contain (t->errors, "channel0_0", "the tracer lost 2 packets"));
  g_assert_false (test_errors_contain (t->errors, "channel0_1", "lost"));
  for (guint s = 0; s < t->streams->len; s++)
    if (((StrataStream *) g_ptr_array_index (t->streams, s))->cpu == 0)
      cpu0 = g_ptr_array_index (t->streams, s);
  g_assert_nonnull (cpu0);
  for (guint l = 0; l < cpu0->losses->len; l++)
    if (g_array_index (cpu0->losses, StrataLoss, l).count == 0)
      {
        g_assert_null (gap);
        gap = &g_array_index (cpu0->losses, StrataLoss, l);
      }
  g_assert_nonnull (gap);
  /* From the end of the packet before to the beginning of the one after (1 GHz clock). */
  g_assert_cmpint (gap->end_ns - gap->begin_ns, ==,
                   (gint64) (rt_get_u64 (stream, 3 * 1024 + RT_OFF_TS_BEGIN) - rt_get_u64 (stream, 2 * 1024 + RT_OFF_TS_END)));
  g_assert_cmpint (gap->begin_ns, >, cpu0->begin_ns);
  g_assert_cmpint (gap->end_ns, <, cpu0->end_ns);
  test_rm_tree (tmp);
}

/* Events lost before a stream's first packet (its counter at 9): counted, from that packet,
 * though the stream's port is named by its ids (LTTng's stream instance id), not its file. */
static void
test_first_packet_losses (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *src = NULL;
  g_autofree char *dir = g_build_filename (tmp, "first-losses", NULL);
  g_autofree char *stream = g_build_filename (dir, "k_5", NULL);
  g_autoptr(StrataSet) set = NULL;
  StrataTrace *t;
  guint64 cpu5 = 0;

  if (!test_have_samples ())
    return;
  src = test_sample ("tvl-simple-kernel/simple-kernel");
  test_copy_tree (src, dir);
  g_assert_cmpuint (rt_get_u64 (stream, LT_OFF_DISCARDED), ==, 0);
  rt_patch_u64 (stream, LT_OFF_DISCARDED, 9);
  set = rt_check_case ("first-losses", tmp, dir);
  t = test_find_trace (set, dir);
  g_assert_cmpuint (t->discarded, ==, 9);
  for (guint s = 0; s < t->streams->len; s++)
    if (((StrataStream *) g_ptr_array_index (t->streams, s))->cpu == 5)
      cpu5 = ((StrataStream *) g_ptr_array_index (t->streams, s))->discarded;
  g_assert_cmpuint (cpu5, ==, 9);
  g_assert_false (test_errors_contain (t->errors, "not counted", NULL));
  test_rm_tree (tmp);
}

/* ---- item 2: all-ones timestamps and ids ---- */

static void
test_all_ones (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *src = NULL;
  const struct { const char *name; gint packet; gsize offset; gsize len; } writer_cases[] = {
    { "ts-begin-ones", 2, RT_OFF_TS_BEGIN, 8 },
    { "ts-end-ones", 3, RT_OFF_TS_END, 8 },
    { "ts-both-ones-first", 0, RT_OFF_TS_BEGIN, 16 },
    { "ts-both-ones-last", -1, RT_OFF_TS_BEGIN, 16 },
    { "seq-num-ones", 1, RT_OFF_SEQ_NUM, 8 },
  };
  /* In tvl-simple-kernel's k_2, the file's only packet: timestamps, stream instance id. */
  const struct { const char *name; gsize offset; gsize len; } lttng_cases[] = {
    { "lttng-ts-ones", LT_OFF_TS_BEGIN, 16 },
    { "lttng-instance-ones", LT_OFF_INSTANCE_ID, 8 },
    { "lttng-ts-end-ones", LT_OFF_TS_END, 8 },
  };
  guint8 ones[16];

  if (!test_have_samples ())
    return;
  memset (ones, 0xff, sizeof ones);
  for (guint i = 0; i < G_N_ELEMENTS (writer_cases); i++)
    {
      g_autofree char *dir = writer_case (tmp, writer_cases[i].name);
      g_autofree char *stream = g_build_filename (dir, "channel0_0", NULL);
      gsize packet = writer_cases[i].packet < 0 ? n_packets (stream) - 1 : (gsize) writer_cases[i].packet;
      g_autoptr(StrataSet) set = NULL;
      StrataTrace *t;

      rt_patch (stream, packet * 1024 + writer_cases[i].offset, ones, writer_cases[i].len);
      set = rt_check_case (writer_cases[i].name, tmp, dir);
      t = test_find_trace (set, dir);
      g_assert_false (t->failed);
      g_assert_true (test_errors_contain (t->errors, "channel0_0", "impossible"));
      /* CPU 1 is whole, and so are CPU 0's other packets. */
      g_assert_cmpuint (t->events, >, EVENTS / 2);
      g_assert_cmpuint (t->events, <, EVENTS);
    }

  src = test_sample ("tvl-simple-kernel/simple-kernel");
  for (guint i = 0; i < G_N_ELEMENTS (lttng_cases); i++)
    {
      g_autofree char *dir = g_build_filename (tmp, lttng_cases[i].name, NULL);
      g_autofree char *stream = g_build_filename (dir, "k_2", NULL);
      g_autoptr(StrataSet) set = NULL;
      StrataTrace *t;

      test_copy_tree (src, dir);
      rt_patch (stream, lttng_cases[i].offset, ones, lttng_cases[i].len);
      set = rt_check_case (lttng_cases[i].name, tmp, dir);
      t = test_find_trace (set, dir);
      g_assert_false (t->failed);
      g_assert_cmpuint (t->streams->len, ==, 7);
      g_assert_true (test_errors_contain (t->errors, "k_2", "impossible"));
    }
  test_rm_tree (tmp);
}

/* ---- item 3: the packet context as libbabeltrace2 reads it ---- */

typedef struct
{
  const char *name;
  const char *from;       /* in the writer's metadata */
  const char *to;
} Rewrite;

static void
test_spellings (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  /* The writer's packet context, respelled the ways TSDL allows; each case is then damaged
   * (packet_size 2^63 in channel0_0's third packet), which the check must still see. */
  static const Rewrite rewrites[] = {
    { "underscores", "\tuint64_t content_size;\n\tuint64_t packet_size;\n\tuint64_t packet_seq_num;",
      "\tuint64_t _content_size;\n\tuint64_t _packet_size;\n\tuint64_t _packet_seq_num;" },
    { "typedef-context", "struct packet_context {",
      "typedef struct packet_context_s {" },
    { "typealias-context", "struct packet_context {",
      "typealias struct {" },
    { "aliased-fields", "\tuint64_t content_size;\n\tuint64_t packet_size;",
      "\ttypealias uint64_t := size_bits_t;\n\ttypedef size_bits_t size_in_bits;\n"
      "\tsize_in_bits _content_size;\n\tsize_bits_t packet_size;" },
    /* Through `struct packet_context` (named, then used), libbabeltrace2 copies the
     * structure twice more, and each copy drops one more underscore. */
    { "three-underscores", "\tuint64_t packet_size;", "\tuint64_t ___packet_size;" },
    { "enum-size", "\tuint64_t packet_size;",
      "\tenum : uint64_t { small = 0 ... 1023, big = 1024 ... 0xFFFFFFFFFFFFFFFF } _packet_size;" },
    { "inline-integers", "\tuint64_t content_size;\n\tuint64_t packet_size;",
      "\tinteger { size = 64; align = 8; signed = false; } content_size;\n"
      "\tinteger { size = 32; align = 8; signed = false; byte_order = le; } _packet_size, __packet_size_hi;" },
  };

  if (!test_have_samples ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (rewrites); i++)
    {
      g_autofree char *dir = writer_case (tmp, rewrites[i].name);
      g_autofree char *metadata = g_build_filename (dir, "metadata", NULL);
      g_autofree char *stream = g_build_filename (dir, "channel0_0", NULL);
      g_autoptr(StrataTraceCheck) check = NULL;
      g_autoptr(StrataSet) set = NULL;
      guint64 packet_size_offset = RT_OFF_PACKET_SIZE;
      StrataTrace *t;

      rt_replace (metadata, rewrites[i].from, rewrites[i].to);
      if (g_str_equal (rewrites[i].name, "typedef-context"))
        rt_replace (metadata, "\tuint32_t cpu_id;\n};", "\tuint32_t cpu_id;\n} packet_context_t;");
      if (g_str_equal (rewrites[i].name, "typealias-context"))
        rt_replace (metadata, "\tuint32_t cpu_id;\n};", "\tuint32_t cpu_id;\n} := packet_context_t;");
      if (g_str_has_suffix (rewrites[i].name, "-context"))
        rt_replace (metadata, "packet.context := struct packet_context;", "packet.context := packet_context_t;");
      /* A 32-bit packet_size: the damage goes in its low half. */
      if (g_str_equal (rewrites[i].name, "inline-integers"))
        packet_size_offset = RT_OFF_PACKET_SIZE - 4;

      /* Sound as written: every packet passes, nothing is staged. */
      check = strata_ctf_check_trace (dir, dir, NULL);
      rt_dump_errors (rewrites[i].name, check->problems);
      g_assert_null (check->failure);
      g_assert_false (check->needs_staging);
      g_clear_pointer (&check, strata_trace_check_free);

      if (packet_size_offset == RT_OFF_PACKET_SIZE)
        rt_patch_u64 (stream, 2 * 1024 + packet_size_offset, G_GUINT64_CONSTANT (1) << 63);
      else
        rt_patch_u32 (stream, 2 * 1024 + packet_size_offset, 0xFFFFFFF8u);
      set = rt_check_case (rewrites[i].name, tmp, dir);
      t = test_find_trace (set, dir);
      g_assert_false (t->failed);
      g_assert_true (test_errors_contain (t->errors, "channel0_0", "damaged or truncated"));
      g_assert_cmpuint (t->events, >, EVENTS / 2);
    }

  /* Sequences in the packet header or the event header: valid TSDL, on which libbabeltrace2
   * 2.0 crashes (found by fuzz-packet-context): the trace is not handed to it. */
  {
    static const Rewrite headers[] = {
      { "header-sequence", "\tuint32_t stream_id;\n\t};",
        "\tuint32_t stream_id;\n\t\tuint8_t n;\n\t\tuint8_t s[n];\n\t};" },
      { "event-header-sequence", "\tuint64_clock_monotonic_t timestamp;\n} align(8);",
        "\tuint64_clock_monotonic_t timestamp;\n\tuint8_t n;\n\tuint32_t s[n];\n} align(8);" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
      {
        g_autofree char *dir = writer_case (tmp, headers[i].name);
        g_autofree char *metadata = g_build_filename (dir, "metadata", NULL);
        g_autoptr(StrataSet) set = NULL;
        StrataTrace *t;

        rt_replace (metadata, headers[i].from, headers[i].to);
        set = rt_check_case (headers[i].name, tmp, dir);
        t = test_find_trace (set, dir);
        g_assert_true (t->failed);
        g_assert_true (test_errors_contain (t->errors, dir, "holds a sequence"));
      }
  }

  /* Metadata Strata cannot lay out is not handed to libbabeltrace2 unchecked. */
  {
    g_autofree char *dir = writer_case (tmp, "unparsable");
    g_autofree char *metadata = g_build_filename (dir, "metadata", NULL);
    g_autoptr(StrataSet) set = NULL;
    StrataTrace *t;

    rt_replace (metadata, "packet.context := struct packet_context;", "packet.context := struct packet_context_missing;");
    set = rt_check_case ("unknown context type", tmp, dir);
    t = test_find_trace (set, dir);
    g_assert_true (t->failed);
    g_assert_true (test_errors_contain (t->errors, dir, "could not be parsed"));
  }
  test_rm_tree (tmp);
}

/* ---- item 4: index files ---- */

static void
test_index_files (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *src = NULL;
  g_autoptr(StrataSet) reference = NULL;
  const char *paths[2] = { NULL, NULL };
  guint64 events = 0;
  /* Fields of tc-many-threads' index/channel0_0.idx: which entry (-1: the header, -2: the
   * last entry), where in it, and the big-endian value written there (G_MAXUINT64: one more
   * than it was). libbabeltrace2 asserts on the first two, and refuses the trace on the
   * third. */
  const struct { const char *name; gint entry; gsize field; guint64 value; } cases[] = {
    { "last-offset-past-end", -2, 0, G_GUINT64_CONSTANT (1) << 40 },
    { "last-offset-2^63", -2, 0, G_GUINT64_CONSTANT (1) << 63 },
    { "offset-misaligned", 1, 0, G_MAXUINT64 },
    { "size-zero", 0, 8, 0 },
    { "magic", -1, 0, 0 },
  };

  if (!test_have_samples ())
    return;
  src = test_sample ("tc-many-threads");
  paths[0] = src;
  reference = rt_load_bounded ("tc-many-threads", paths, 120, 1024, NULL);
  g_assert_nonnull (reference);
  events = ((StrataTrace *) g_ptr_array_index (reference->traces, 0))->events;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = g_build_filename (tmp, cases[i].name, NULL);
      g_autofree char *index = g_build_filename (dir, "index", "channel0_0.idx", NULL);
      g_autoptr(StrataSet) set = NULL;
      StrataTrace *t;
      guint64 be;

      test_copy_tree (src, dir);
      g_assert_cmpuint (rt_file_size (index), >=, 16 + 2 * 56);
      be = GUINT64_TO_BE (cases[i].value);
      if (cases[i].entry == -1)
        rt_patch (index, 0, &be, 4);
      else
        {
          /* Entries are as long as the header's packet_index_len says. */
          gsize len = 0;
          g_autofree guint8 *data = rt_read_file (index, &len);
          guint32 entry = GUINT32_FROM_BE (*(guint32 *) (data + 12));
          gsize n = (len - 16) / entry;
          gsize at = 16 + (cases[i].entry == -2 ? n - 1 : (gsize) cases[i].entry) * entry + cases[i].field;

          if (cases[i].value == G_MAXUINT64)
            {
              guint64 old;

              memcpy (&old, data + at, 8);
              old = GUINT64_FROM_BE (old) + 1;
              be = GUINT64_TO_BE (old);
            }
          rt_patch (index, at, &be, 8);
        }
      set = rt_check_case (cases[i].name, tmp, dir);
      t = test_find_trace (set, dir);
      /* The index is left out, and the trace is read whole without it. */
      g_assert_false (t->failed);
      g_assert_cmpuint (t->events, ==, events);
      g_assert_true (test_errors_contain (t->errors, "index/channel0_0.idx", "left out"));
    }

  /* A FIFO, and a folder, in place of an index file: nothing waits on them. */
  {
    g_autofree char *dir = g_build_filename (tmp, "index-fifo", NULL);
    g_autofree char *fifo = g_build_filename (dir, "index", "channel0_1.idx", NULL);
    g_autofree char *folder = g_build_filename (dir, "index", "channel0_2.idx", NULL);
    g_autoptr(StrataSet) set = NULL;
    StrataTrace *t;

    test_copy_tree (src, dir);
    g_assert_cmpint (g_unlink (fifo), ==, 0);
    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    g_assert_cmpint (g_unlink (folder), ==, 0);
    g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
    set = rt_check_case ("index fifo", tmp, dir);
    t = test_find_trace (set, dir);
    g_assert_false (t->failed);
    g_assert_cmpuint (t->events, ==, events);
    g_assert_true (test_errors_contain (t->errors, "channel0_1.idx", "not a regular file"));
  }
  test_rm_tree (tmp);
}

/* ---- item 5: event declarations ---- */

static void
test_event_declarations (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  /* sched_switch's payload gets one more field; its events are in every packet. */
  static const struct { const char *name; const char *field; } cases[] = {
    { "array-2^32-1", "integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; } _huge[4294967295];" },
    { "array-2^64-1", "integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; } _huge[18446744073709551615];" },
    { "array-1e8", "integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; } _huge[100000000];" },
    { "nested-arrays", "integer { size = 1; align = 1; signed = 0; } _huge[65536][65536];" },
    { "struct-of-arrays", "struct { integer { size = 8; align = 8; signed = 0; } a[4000]; } _huge[4000];" },
    { "empty-struct-array", "struct { } _huge[4294967295];" },
    /* Inside a sequence, which may be empty, an element is still made as soon as it is not
     * (found by fuzz-event-decl). */
    { "sequence-of-huge-arrays", "integer { size = 8; align = 8; signed = 0; } _n; "
                                 "struct { integer { size = 32; align = 1; signed = 0; } a[4294967295][1]; } align(2) _huge[_n];" },
    { "sequence-of-sequence-of-arrays", "integer { size = 8; align = 8; signed = 0; } _n; "
                                        "struct { integer { size = 8; align = 8; signed = 0; } m; "
                                        "struct { integer { size = 16; align = 8; signed = 0; } b[100000]; } in[m]; } _huge[_n];" },
  };

  if (!test_have_samples ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = writer_case (tmp, cases[i].name);
      g_autofree char *metadata = g_build_filename (dir, "metadata", NULL);
      g_autofree char *text = NULL;
      g_autofree char *patched = NULL;
      g_autoptr(StrataSet) set = NULL;
      const char *anchor = "name = \"sched_switch\";";
      const char *at, *fields;
      StrataTrace *t;

      text = (char *) rt_read_file (metadata, NULL);
      at = strstr (text, anchor);
      g_assert_nonnull (at);
      fields = strstr (at, "fields := struct {");
      g_assert_nonnull (fields);
      fields += strlen ("fields := struct {");
      patched = g_strdup_printf ("%.*s\n\t\t%s%s", (int) (fields - text), text, cases[i].field, fields);
      rt_write_file (metadata, patched, strlen (patched));

      set = rt_check_case (cases[i].name, tmp, dir);
      t = test_find_trace (set, dir);
      /* The declaration is refused with a message; nothing is allocated for it. */
      g_assert_true (test_errors_contain (t->errors, "sched_switch", "impossible event class"));
    }

  /* Sequences are declared sound; their length comes from the payload, which is the start
   * of sched_switch's prev_comm ("swap", 1.9 billion): libbabeltrace2 would make a field for
   * each element before reading one. The streams stop there, with a message. */
  {
    static const struct { const char *name; const char *fields; } sequences[] = {
      { "sequence-u16", "integer { size = 32; align = 8; signed = 0; } _n; "
                        "integer { size = 16; align = 8; signed = 0; } _s[_n];" },
      { "sequence-bytes", "integer { size = 32; align = 8; signed = 0; } _n; "
                          "integer { size = 8; align = 8; signed = 0; encoding = none; base = 16; } _s[_n];" },
      { "sequence-structs", "integer { size = 32; align = 8; signed = 0; } _n; "
                            "struct { integer { size = 32; align = 8; signed = 1; } fd; "
                            "integer { size = 16; align = 8; signed = 0; } events; } _s[_n];" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (sequences); i++)
      {
        g_autofree char *dir = writer_case (tmp, sequences[i].name);
        g_autofree char *metadata = g_build_filename (dir, "metadata", NULL);
        g_autofree char *text = (char *) rt_read_file (metadata, NULL);
        g_autofree char *patched = NULL;
        g_autoptr(StrataSet) set = NULL;
        const char *fields;
        guint refused = strata_bt_guard_n_refused ();
        StrataTrace *t;

        fields = strstr (strstr (text, "name = \"sched_switch\";"), "fields := struct {");
        g_assert_nonnull (fields);
        fields += strlen ("fields := struct {");
        patched = g_strdup_printf ("%.*s\n\t\t%s%s", (int) (fields - text), text, sequences[i].fields, fields);
        rt_write_file (metadata, patched, strlen (patched));

        set = rt_check_case (sequences[i].name, tmp, dir);
        t = test_find_trace (set, dir);
        g_assert_true (test_errors_contain (t->errors, dir, "more than its packet can hold"));
        /* No date for a stream that gave no event. */
        g_assert_false (test_errors_contain (t->errors, dir, "1970"));
        g_assert_cmpuint (strata_bt_guard_n_refused (), >, refused);
      }
  }
  test_rm_tree (tmp);
}

/* ---- item 6: an error left on the thread ---- */

static void
test_thread_error (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *sparse = writer_case (tmp, "sparse-8g");
  g_autofree char *stream = g_build_filename (sparse, "channel0_0", NULL);
  g_autofree char *good = NULL;
  const char *paths[2] = { NULL, NULL };
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(GError) error = NULL;
  StrataLoadOptions options = { 1, 0, NULL, NULL, 0 };
  StrataTrace *t;
  int fd;

  if (!test_have_samples ())
    return;

  /* An error cause left on the calling thread by earlier libbabeltrace2 use: the load runs
   * on this very thread (one thread), and must neither abort nor fail for it. */
  good = test_sample (RT_GOOD_TRACE);
  paths[0] = good;
  bt_current_thread_error_append_cause_from_unknown ("test", __FILE__, __LINE__, "a stale error");
  set = strata_trace_load (paths, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (((StrataTrace *) g_ptr_array_index (set->traces, 0))->events, ==, RT_GOOD_EVENTS);
  g_clear_pointer (&set, strata_set_unref);

  /* A stream file made sparse to 8 GiB after its packets: read in seconds, not minutes. */
  fd = g_open (stream, O_WRONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, G_GINT64_CONSTANT (8) << 30), ==, 0);
  close (fd);
  set = rt_check_case ("sparse 8 GiB stream file", tmp, sparse);
  t = test_find_trace (set, sparse);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->events, ==, EVENTS);
  g_assert_true (test_errors_contain (t->errors, "channel0_0", "damaged or truncated"));
  g_clear_pointer (&set, strata_set_unref);
  test_rm_tree (tmp);
}

/* ---- items 12 and 13: what is staged, and a trace with nothing readable ---- */

static void
test_staging_in_place (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *cut = writer_case (tmp, "cut-last");
  g_autofree char *stream = g_build_filename (cut, "channel0_0", NULL);
  g_autofree char *middle = writer_case (tmp, "bad-middle");
  g_autofree char *middle_stream = g_build_filename (middle, "channel0_1", NULL);
  gsize len = 0;
  g_autofree guint8 *data = rt_read_file (stream, &len);

  if (!test_have_samples ())
    return;

  /* The last packet cut short, and a packet in the middle damaged. */
  rt_write_file (stream, data, len - 300);
  rt_patch_u64 (middle_stream, 2 * 1024 + RT_OFF_CONTENT_SIZE, G_MAXUINT64);

  for (guint c = 0; c < 2; c++)
    {
      const char *dir = c == 0 ? cut : middle;
      const char *file = c == 0 ? "channel0_0" : "channel0_1";
      g_autoptr(StrataTraceCheck) check = strata_ctf_check_trace (dir, dir, NULL);
      g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(StrataStaging) staging = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *staged = NULL;
      g_autofree char *index = NULL;
      g_autofree char *staged_path = NULL;
      GStatBuf st;

      g_assert_true (check->needs_staging);
      staging = strata_staging_new (check, dir, NULL, problems, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (problems->len, ==, 0);
      staged = g_build_filename (strata_staging_get_path (staging), file, NULL);
      index = g_strdup_printf ("%s/index/%s.idx", strata_staging_get_path (staging), file);
      /* Not a copy: a link to the file, and an index of its sound packets. */
      g_assert_cmpint (g_lstat (staged, &st), ==, 0);
      g_assert_true (S_ISLNK (st.st_mode));
      g_assert_cmpint (g_stat (index, &st), ==, 0);
      g_assert_cmpuint (st.st_size, ==, 16 + 56 * (c == 0 ? n_packets (stream) : n_packets (middle_stream) - 1));

      /* libbabeltrace2 reads exactly the sound packets through it, and finds nothing wrong. */
      staged_path = g_strdup (strata_staging_get_path (staging));
      {
        g_autoptr(StrataStrtab) strings = strata_strtab_new ();
        StrataShardResult *result = strata_decode_shard (staged_path, dir, 0, 1, NULL, strings, NULL);
        guint64 events = 0;

        g_assert_false (result->failed);
        rt_dump_errors ("staged", result->errors);
        g_assert_cmpuint (result->errors->len, ==, 0);
        for (guint s = 0; s < result->streams->len; s++)
          {
            StrataStream *stream_read = g_ptr_array_index (result->streams, s);

            events += stream_read->events;
            /* Named after the trace folder, not the staging folder. */
            g_assert_null (strstr (stream_read->name, staged_path));
          }
        g_assert_cmpuint (events, <, EVENTS);
        g_assert_cmpuint (events, >, EVENTS - 40);
        strata_shard_result_free (result);
      }
      g_clear_pointer (&staging, strata_staging_free);
      g_assert_false (g_file_test (staged_path, G_FILE_TEST_EXISTS));
    }
  test_rm_tree (tmp);
  rt_assert_no_staging ();
}

static void
test_nothing_readable (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *two = writer_case (tmp, "two-files");
  g_autofree char *many = g_build_filename (tmp, "fifty-files", NULL);
  const char *paths[2] = { NULL, NULL };
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(GError) error = NULL;
  StrataTrace *t;
  gint64 started;

  if (!test_have_samples ())
    return;

  /* Both stream files damaged at their start. */
  for (guint c = 0; c < 2; c++)
    {
      g_autofree char *name = g_strdup_printf ("channel0_%u", c);
      g_autofree char *stream = g_build_filename (two, name, NULL);

      for (gsize p = 0; p < n_packets (stream); p++)
        rt_patch_u32 (stream, p * 1024, 0x12345678);
    }
  set = rt_check_case ("two files refused", tmp, two);
  t = test_find_trace (set, two);
  g_assert_true (t->failed);
  g_assert_cmpuint (t->events, ==, 0);
  g_assert_true (test_errors_contain (t->errors, two, "none of its 2 stream files"));
  g_clear_pointer (&set, strata_set_unref);

  /* Alone, the load fails as a whole. */
  paths[0] = two;
  set = rt_load_bounded ("two files refused, alone", paths, 60, 512, &error);
  g_assert_null (set);
  g_assert_error (error, STRATA_TRACE_ERROR, STRATA_TRACE_ERROR_UNREADABLE);
  g_clear_error (&error);

  /* Fifty files, each damaged its own way: one pass, one message each. */
  rt_write_trace (many, "many", 50, 1024, 50 * 30);
  for (guint c = 0; c < 50; c++)
    {
      g_autofree char *name = g_strdup_printf ("channel0_%u", c);
      g_autofree char *stream = g_build_filename (many, name, NULL);

      switch (c % 3)
        {
        case 0:
          /* Cut inside the first packet header. */
          {
            gsize len = 0;
            g_autofree guint8 *data = rt_read_file (stream, &len);

            rt_write_file (stream, data, 10);
          }
          break;
        case 1:
          /* No packet starts where one should. */
          for (gsize p = 0; p < n_packets (stream); p++)
            rt_patch_u32 (stream, p * 1024, 0);
          break;
        default:
          /* A packet size of 0 in every packet. */
          for (gsize p = 0; p < n_packets (stream); p++)
            rt_patch_u64 (stream, p * 1024 + RT_OFF_PACKET_SIZE, 0);
          break;
        }
    }
  started = g_get_monotonic_time ();
  set = rt_check_case ("fifty files refused", tmp, many);
  t = test_find_trace (set, many);
  g_assert_true (t->failed);
  for (guint c = 0; c < 50; c++)
    {
      g_autofree char *name = g_strdup_printf ("stream file channel0_%u ", c);

      g_assert_true (test_errors_contain (t->errors, name, NULL));
    }
  g_test_message ("fifty refused files: %.0f ms", (g_get_monotonic_time () - started) / 1000.0);
  test_rm_tree (tmp);
}

/* ---- item 17: past the string table's limit, names are lost, and said to be ---- */

static void
test_string_limit (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *one = writer_case (tmp, "names-one");
  g_autofree char *other = writer_case (tmp, "names-other");
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  guint all;

  if (!test_have_samples ())
    return;

  /* The table itself: full, it answers "" for what is new, still finds what it holds, and
   * counts every refusal. */
  strata_strtab_set_limit (strings, 3);
  g_assert_cmpuint (strata_strtab_intern (strings, "a"), ==, 1);
  g_assert_cmpuint (strata_strtab_intern (strings, "b"), ==, 2);
  g_assert_cmpuint (strata_strtab_intern (strings, "c"), ==, 0);
  g_assert_cmpuint (strata_strtab_intern_len (strings, "dd", 1), ==, 0);
  g_assert_cmpuint (strata_strtab_intern (strings, "a"), ==, 1);
  g_assert_cmpstr (strata_strtab_get (strings, 2), ==, "b");
  g_assert_cmpuint (strata_strtab_count (strings), ==, 3);
  g_assert_cmpuint (strata_strtab_n_dropped (strings), ==, 2);

  /* How many names a load of both traces keeps without a limit: none is lost. */
  {
    const char *paths[] = { one, other, NULL };
    StrataLoadOptions options = { 1, 0, NULL, NULL, 0 };
    g_autoptr(StrataSet) set = NULL;
    g_autoptr(GError) error = NULL;

    set = strata_trace_load (paths, &options, NULL, &error);
    g_assert_no_error (error);
    g_assert_false (test_errors_contain (set->errors, "distinct names", NULL));
    all = strata_strtab_count (set->strings);
    g_assert_cmpuint (all, >, 3);
  }

  /* Every name but "" lost, then only the last one: the events are all read, and the loss is
   * a problem of the set. */
  for (guint c = 0; c < 2; c++)
    {
      const char *paths[] = { one, other, NULL };
      StrataLoadOptions options = { 1, 0, NULL, NULL, c == 0 ? 1 : all - 1 };
      g_autoptr(StrataSet) set = NULL;
      g_autoptr(GError) error = NULL;

      set = strata_trace_load (paths, &options, NULL, &error);
      g_assert_no_error (error);
      rt_dump_errors ("string limit", set->errors);
      g_assert_cmpuint (set->traces->len, ==, 2);
      for (guint t = 0; t < 2; t++)
        g_assert_cmpuint (((StrataTrace *) g_ptr_array_index (set->traces, t))->events, ==, EVENTS);
      g_assert_cmpuint (strata_strtab_count (set->strings), ==, c == 0 ? 1 : all - 1);
      g_assert_cmpuint (strata_strtab_n_dropped (set->strings), >, 0);
      g_assert_true (test_errors_contain (set->errors, "more distinct names", "than Strata keeps"));
    }
  test_rm_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  const char *base = g_getenv ("TMPDIR") ? g_getenv ("TMPDIR") : "/tmp";
  g_autofree char *tmpdir = g_build_filename (base, "robust-packets-XXXXXX", NULL);
  int status;

  /* Staging folders go in a folder of this test's own, which must be empty at the end.
   * (Before anything asks GLib for the temporary folder: it keeps the first answer.) */
  g_assert_nonnull (g_mkdtemp (tmpdir));
  g_setenv ("TMPDIR", tmpdir, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/robust/cpu-id", test_cpu_id);
  g_test_add_func ("/robust/all-ones", test_all_ones);
  g_test_add_func ("/robust/lost-packets", test_lost_packets);
  g_test_add_func ("/robust/first-packet-losses", test_first_packet_losses);
  g_test_add_func ("/robust/spellings", test_spellings);
  g_test_add_func ("/robust/index-files", test_index_files);
  g_test_add_func ("/robust/event-declarations", test_event_declarations);
  g_test_add_func ("/robust/thread-error", test_thread_error);
  g_test_add_func ("/robust/staging-in-place", test_staging_in_place);
  g_test_add_func ("/robust/nothing-readable", test_nothing_readable);
  g_test_add_func ("/robust/string-limit", test_string_limit);
  status = g_test_run ();
  if (!g_test_subprocess ())
    {
      rt_assert_no_staging ();
      g_rmdir (tmpdir);
    }
  return status;
}
