/* test-damaged.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "strata-analysis.h"
#include "strata-ctf-writer.h"
#include "strata-trace-loader.h"
#include "test-util.h"

/*
 * A corpus of damaged traces, made at run time from good ones (copies of the sample traces,
 * or traces our CTF writer writes) in a temporary folder. Each case loads the damaged trace
 * beside a good one, tc-flipping-endianness, which must still load whole: the load and the
 * analysis of what loaded must return (each is bounded by a timeout), stay within a memory
 * budget, and every problem must come out as a message that names its trace folder.
 */

/* A load that takes longer than this is a hang. */
#define LOAD_TIMEOUT_S 60
/* Peak RSS growth allowed for one load: the traces here are a few MB at most, so this is
 * room for libbabeltrace2, the thread stacks and (in sanitizer builds) ASan's quarantine, but
 * far below what honouring an absurd declared packet size would take. */
#define RSS_BUDGET_KB (512 * 1024)

#define GOOD_EVENTS 14310

/* Writer-made traces: clock origin, and a base that makes every event's timestamp an 8-byte
 * pattern found nowhere else in the stream file, so that the tests can patch it. */
#define W_OFFSET_S  G_GINT64_CONSTANT (1000)
#define W_BASE_CYC  G_GINT64_CONSTANT (0x123456789000)
#define W_STEP      G_GINT64_CONSTANT (1000)
/* The writer's packet layout: header (magic, uuid, stream_id), then the context. */
#define W_OFF_TS_BEGIN      24
#define W_OFF_TS_END        32
#define W_OFF_CONTENT_SIZE  40
#define W_OFF_PACKET_SIZE   48
#define W_OFF_CPU_ID        72
#define W_PREAMBLE          76

static guint8 *
read_file (const char *path,
           gsize      *len)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, len, &error);
  g_assert_no_error (error);
  return (guint8 *) data;
}

static void
write_file (const char   *path,
            const guint8 *data,
            gsize         len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, len, &error);
  g_assert_no_error (error);
}

static void
patch_u64 (const char *path,
           gsize       offset,
           guint64     value)
{
  gsize len = 0;
  g_autofree guint8 *data = read_file (path, &len);
  guint64 le = GUINT64_TO_LE (value);

  g_assert_cmpuint (offset + 8, <=, len);
  memcpy (data + offset, &le, 8);
  write_file (path, data, len);
}

static guint64
get_u64 (const char *path,
         gsize       offset)
{
  gsize len = 0;
  g_autofree guint8 *data = read_file (path, &len);
  guint64 le;

  g_assert_cmpuint (offset + 8, <=, len);
  memcpy (&le, data + offset, 8);
  return GUINT64_FROM_LE (le);
}

/* The offset of the only occurrence of @value (8 bytes, little-endian) in @path. */
static gsize
find_u64 (const char *path,
          guint64     value)
{
  gsize len = 0;
  g_autofree guint8 *data = read_file (path, &len);
  guint64 le = GUINT64_TO_LE (value);
  gsize found = G_MAXSIZE;

  for (gsize i = 0; i + 8 <= len; i++)
    if (memcmp (data + i, &le, 8) == 0)
      {
        g_assert_cmpuint (found, ==, G_MAXSIZE);
        found = i;
      }
  g_assert_cmpuint (found, !=, G_MAXSIZE);
  return found;
}

static void
replace_in_file (const char *path,
                 const char *from,
                 const char *to)
{
  gsize len = 0;
  g_autofree char *text = (char *) read_file (path, &len);
  g_autoptr(GString) s = g_string_new_len (text, len);

  g_assert_cmpuint (g_string_replace (s, from, to, 1), ==, 1);
  write_file (path, (const guint8 *) s->str, s->len);
}

/* The absolute time of event @i of a writer-made trace. */
static gint64
w_time (guint i)
{
  return W_OFFSET_S * G_GINT64_CONSTANT (1000000000) + W_BASE_CYC + i * W_STEP;
}

/*
 * Writes a small kernel trace of @n_events events over @n_cpus CPUs (event i on CPU
 * i % n_cpus, at w_time (i)), in packets of @packet_size bytes: context switches between two
 * threads, with syscalls and interrupts.
 */
static void
write_trace (const char *dir,
             const char *hostname,
             guint       n_cpus,
             gsize       packet_size,
             guint       n_events)
{
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autoptr(StrataCtfWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  StrataCtfWriterOptions options = { 0 };
  guint32 comm_a = strata_strtab_intern (strings, "worker");
  guint32 comm_b = strata_strtab_intern (strings, "swapper");
  guint32 read_name = strata_strtab_intern (strings, "read");

  options.hostname = hostname;
  options.n_cpus = n_cpus;
  options.offset_s = W_OFFSET_S;
  options.uuid_seed = g_str_hash (hostname);
  options.packet_size = packet_size;
  writer = strata_ctf_writer_new (dir, &options, strings, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n_events; i++)
    {
      StrataEvent ev = { 0 };
      guint cpu = i % n_cpus;
      guint step = i / n_cpus;

      ev.ts = w_time (i);
      ev.cpu = cpu;
      switch (step % 4)
        {
        case 0:
          ev.kind = STRATA_EV_SCHED_SWITCH;
          ev.f[STRATA_F_SWITCH_PREV_TID] = 0;
          ev.f[STRATA_F_SWITCH_NEXT_TID] = 100 + cpu;
          ev.f[STRATA_F_SWITCH_PREV_COMM] = comm_b;
          ev.f[STRATA_F_SWITCH_NEXT_COMM] = comm_a;
          break;
        case 1:
          ev.kind = STRATA_EV_SYSCALL_ENTRY;
          ev.f[STRATA_F_SYSCALL_NAME] = read_name;
          break;
        case 2:
          ev.kind = STRATA_EV_SYSCALL_EXIT;
          ev.f[STRATA_F_SYSCALL_NAME] = read_name;
          ev.f[STRATA_F_SYSCALL_RET] = 8;
          break;
        default:
          ev.kind = STRATA_EV_SCHED_SWITCH;
          ev.f[STRATA_F_SWITCH_PREV_TID] = 100 + cpu;
          ev.f[STRATA_F_SWITCH_PREV_STATE] = 1;
          ev.f[STRATA_F_SWITCH_NEXT_TID] = 0;
          ev.f[STRATA_F_SWITCH_PREV_COMM] = comm_a;
          ev.f[STRATA_F_SWITCH_NEXT_COMM] = comm_b;
          break;
        }
      g_assert_true (strata_ctf_writer_add (writer, &ev, &error));
      g_assert_no_error (error);
    }
  g_assert_true (strata_ctf_writer_close (writer, &error));
  g_assert_no_error (error);
}

/* ---- bounded loads ---- */

typedef struct
{
  char          **paths;
  StrataSet      *set;
  GError         *error;
  StrataAnalysis *analysis;
  GError         *analysis_error;
  guint64         intervals;
  GMutex          lock;
  GCond           cond;
  gboolean        done;
} Run;

/* Every query of the store, on every row: they must stay inside the row and in order. */
static guint64
walk_store (StrataStore *store)
{
  gint64 begin = strata_store_begin (store);
  gint64 end = strata_store_end (store);
  guint64 total = 0;
  StrataPixel pixels[64];

  g_assert_cmpint (begin, <=, end);
  for (guint r = 0; r < strata_store_n_rows (store); r++)
    {
      guint64 n = strata_store_row_n_intervals (store, r);
      guint64 first = 0, last = 0;
      gint64 prev_end = G_MININT64;
      StrataInterval iv;

      for (guint64 i = 0; i < n; i++)
        {
          strata_store_interval (store, r, i, &iv);
          g_assert_cmpint (iv.start, <, iv.end);
          g_assert_cmpint (iv.start, >=, prev_end);
          prev_end = iv.end;
        }
      total += n;
      strata_store_lookup (store, r, begin, &iv);
      strata_store_lookup (store, r, begin + (end - begin) / 2, &iv);
      strata_store_lookup (store, r, end - 1, &iv);
      strata_store_range (store, r, begin, end, &first, &last);
      g_assert_cmpuint (first, <=, last);
      g_assert_cmpuint (last, <=, n);
      strata_store_summarize (store, r, begin, end + 1, G_N_ELEMENTS (pixels), pixels);
    }
  return total;
}

static gpointer
run_thread (gpointer data)
{
  Run *run = data;

  run->set = strata_trace_load ((const char * const *) run->paths, NULL, NULL, &run->error);
  if (run->set != NULL)
    {
      run->analysis = strata_analysis_new (run->set, NULL, &run->analysis_error);
      if (run->analysis != NULL)
        run->intervals = walk_store (run->analysis->store);
    }

  g_mutex_lock (&run->lock);
  run->done = TRUE;
  g_cond_signal (&run->cond);
  g_mutex_unlock (&run->lock);
  return NULL;
}

static glong
peak_rss_kb (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

/*
 * Loads @paths and analyses them in a thread, failing the test when that takes longer than
 * LOAD_TIMEOUT_S or raises the peak RSS by more than RSS_BUDGET_KB. The load may fail as a
 * whole (then *error is set); the analysis of a loaded set must succeed.
 */
static StrataSet *
load_bounded (const char          *label,
              const char * const  *paths,
              GError             **error)
{
  Run run = { 0 };
  GThread *thread;
  gint64 deadline = g_get_monotonic_time () + LOAD_TIMEOUT_S * G_USEC_PER_SEC;
  gint64 started = g_get_monotonic_time ();
  glong rss_before = peak_rss_kb ();
  glong rss_growth;

  run.paths = g_strdupv ((char **) paths);
  g_mutex_init (&run.lock);
  g_cond_init (&run.cond);
  thread = g_thread_new ("strata-test-load", run_thread, &run);

  g_mutex_lock (&run.lock);
  while (!run.done)
    if (!g_cond_wait_until (&run.cond, &run.lock, deadline))
      /* The thread is stuck: nothing can stop it, so end the test here. */
      g_error ("%s: the load did not finish within %d s", label, LOAD_TIMEOUT_S);
  g_mutex_unlock (&run.lock);
  g_thread_join (thread);

  rss_growth = peak_rss_kb () - rss_before;
  g_test_message ("%s: %.0f ms, peak RSS +%ld KiB, %" G_GUINT64_FORMAT " intervals", label,
                  (g_get_monotonic_time () - started) / 1000.0, rss_growth, run.intervals);
  if (rss_growth > RSS_BUDGET_KB)
    g_error ("%s: the peak RSS grew by %ld MiB", label, rss_growth / 1024);

  if (run.set != NULL)
    {
      g_assert_no_error (run.analysis_error);
      g_assert_nonnull (run.analysis);
      for (guint i = 0; i < run.analysis->warnings->len; i++)
        g_test_message ("%s: analysis: %s", label,
                        (const char *) g_ptr_array_index (run.analysis->warnings, i));
    }
  g_clear_pointer (&run.analysis, strata_analysis_unref);
  g_strfreev (run.paths);
  g_mutex_clear (&run.lock);
  g_cond_clear (&run.cond);
  if (run.error != NULL)
    g_propagate_error (error, run.error);
  return run.set;
}

typedef enum
{
  EXPECT_ANY = 0,         /* may load whole: a flip that lands in a payload value changes nothing */
  EXPECT_REPORT = 1 << 0, /* a message names the damaged trace */
  EXPECT_FAILED = 1 << 1, /* the damaged trace was refused as a whole */
} Expect;

/*
 * Loads @damaged (a trace folder, or a folder above it, inside @case_dir) with the good sample
 * trace, and checks the contract: the good trace loads whole, every message of a trace names
 * that trace's folder first, and every other message names something inside @case_dir.
 */
static StrataSet *
check_case (const char *label,
            const char *case_dir,
            const char *damaged,
            Expect      expect)
{
  g_autofree char *good = test_sample ("tc-flipping-endianness");
  const char *paths[] = { damaged, good, NULL };
  g_autoptr(GError) error = NULL;
  StrataSet *set;
  StrataTrace *t;

  set = load_bounded (label, paths, &error);
  g_assert_no_error (error);
  g_assert_nonnull (set);

  for (guint i = 0; i < set->errors->len; i++)
    {
      const char *e = g_ptr_array_index (set->errors, i);

      g_test_message ("%s: %s", label, e);
      /* A subprocess runs quiet: say it on stderr, which the parent passes on. */
      if (g_test_subprocess ())
        g_printerr ("%s: %s\n", label, e);
      g_assert_true (g_str_has_prefix (e, case_dir));
    }
  for (guint i = 0; i < set->traces->len; i++)
    {
      t = g_ptr_array_index (set->traces, i);
      for (guint e = 0; e < t->errors->len; e++)
        g_assert_true (g_str_has_prefix (g_ptr_array_index (t->errors, e), t->path));
      if (t->errors->len == 0)
        g_assert_false (t->failed);
    }

  t = test_find_trace (set, good);
  g_assert_nonnull (t);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->events, ==, GOOD_EVENTS);
  g_assert_cmpuint (t->errors->len, ==, 0);

  if (expect & EXPECT_REPORT)
    g_assert_true (test_errors_contain (set->errors, damaged, NULL));
  if (expect & EXPECT_FAILED)
    {
      t = test_find_trace (set, damaged);
      g_assert_true (t == NULL || t->failed);
    }
  return set;
}

/* ---- the cases ---- */

static void
test_truncated_sample (void)
{
  g_autofree char *src = NULL;
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *orig = g_build_filename (tmp, "orig", NULL);
  g_autofree char *orig_stream = g_build_filename (orig, "k_5", NULL);
  g_autofree guint8 *data = NULL;
  gsize len = 0;
  /* simple-kernel: a 32-byte packet header (magic, uuid, stream_id, stream_instance_id), a
   * context up to byte 88, then compact event headers. Offsets below a packet's size fall
   * in its first packet; the others spread over the file. */
  gsize offsets[20] = { 0, 1, 3, 4, 17, 24, 31, 32, 40, 57, 70, 88, 89, 95, 130, 777,
                        0, 0, 0, 0 };

  if (!test_have_samples ())
    return;
  src = test_sample ("tvl-simple-kernel/simple-kernel");
  test_copy_tree (src, orig);
  data = read_file (orig_stream, &len);
  offsets[16] = len / 3 + 5;
  offsets[17] = len / 2 + 1;
  offsets[18] = len - 4097;
  offsets[19] = len - 1;

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      g_autofree char *name = g_strdup_printf ("cut-%" G_GSIZE_FORMAT, offsets[i]);
      g_autofree char *dir = g_build_filename (tmp, name, NULL);
      g_autofree char *stream = g_build_filename (dir, "k_5", NULL);
      g_autofree char *label = g_strdup_printf ("k_5 cut at %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT,
                                                offsets[i], len);
      g_autoptr(StrataSet) set = NULL;
      StrataTrace *t;

      test_copy_tree (orig, dir);
      write_file (stream, data, offsets[i]);
      set = check_case (label, tmp, dir, offsets[i] == 0 ? EXPECT_ANY : EXPECT_REPORT);
      t = test_find_trace (set, dir);
      g_assert_nonnull (t);
      /* The seven other streams are always kept. */
      g_assert_false (t->failed);
      g_assert_cmpuint (t->streams->len, >=, 7);
      if (offsets[i] > 0)
        g_assert_true (test_errors_contain (t->errors, "k_5", NULL));
      test_rm_tree (dir);
    }
  test_rm_tree (tmp);
}

static void
test_truncated_writer (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *orig = g_build_filename (tmp, "orig", NULL);
  g_autofree char *orig_stream = g_build_filename (orig, "channel0_1", NULL);
  g_autofree guint8 *data = NULL;
  gsize len = 0;
  /* 1 KiB packets: inside the magic, the uuid, stream_id, each context field, the first
   * event's header and payload, the second packet's header, and the middle of the last. */
  const gsize offsets[] = { 2, 12, 22, 28, 36, 44, 52, 60, 68, 74, W_PREAMBLE + 2,
                            W_PREAMBLE + 13, W_PREAMBLE + 40, 1024 + 3, 1024 + 50, 4096 + 600 };

  if (!test_have_samples ())
    return;
  write_trace (orig, "cut", 2, 1024, 400);
  data = read_file (orig_stream, &len);
  g_assert_cmpuint (len, >, 4096 + 1024);

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      g_autofree char *name = g_strdup_printf ("cut-%" G_GSIZE_FORMAT, offsets[i]);
      g_autofree char *dir = g_build_filename (tmp, name, NULL);
      g_autofree char *stream = g_build_filename (dir, "channel0_1", NULL);
      g_autofree char *label = g_strdup_printf ("writer channel0_1 cut at %" G_GSIZE_FORMAT, offsets[i]);
      g_autoptr(StrataSet) set = NULL;
      StrataTrace *t;

      test_copy_tree (orig, dir);
      write_file (stream, data, offsets[i]);
      set = check_case (label, tmp, dir, EXPECT_REPORT);
      t = test_find_trace (set, dir);
      g_assert_nonnull (t);
      g_assert_false (t->failed);
      /* CPU 0 is whole: 200 events. */
      g_assert_cmpuint (t->events, >=, 200);
      g_assert_cmpuint (t->events, <, 400);
      test_rm_tree (dir);
    }
  test_rm_tree (tmp);
}

static void
flip_bytes (guint8 *data,
            gsize   len,
            GRand  *rand,
            guint   n,
            gsize   packet_size,
            GString *what)
{
  for (guint k = 0; k < n; k++)
    {
      gsize pos;
      guint8 mask;

      /* Half in a packet's first 128 bytes (header and context), half anywhere. */
      if (packet_size > 0 && g_rand_boolean (rand))
        pos = (gsize) g_rand_int_range (rand, 0, (gint32) (len / packet_size)) * packet_size +
              (gsize) g_rand_int_range (rand, 0, 128);
      else
        pos = (gsize) g_rand_int_range (rand, 0, (gint32) len);
      pos = MIN (pos, len - 1);
      mask = g_rand_boolean (rand) ? (guint8) (1u << g_rand_int_range (rand, 0, 8))
                                   : (guint8) g_rand_int_range (rand, 1, 256);
      data[pos] ^= mask;
      g_string_append_printf (what, " %" G_GSIZE_FORMAT "^%02x", pos, mask);
    }
}

/* Flips 1 to 4 bytes of @file in each of @n_cases copies of @orig, seeded. */
static void
flip_cases (const char *tmp,
            const char *orig,
            const char *file,
            gsize       packet_size,
            guint32     seed,
            guint       n_cases)
{
  g_autofree char *orig_file = g_build_filename (orig, file, NULL);
  g_autofree guint8 *data = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gsize len = 0;

  data = read_file (orig_file, &len);
  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *name = g_strdup_printf ("flip-%s-%u", file, i);
      g_autofree char *dir = g_build_filename (tmp, name, NULL);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autofree guint8 *copy = g_memdup2 (data, len);
      g_autoptr(GString) what = g_string_new (NULL);
      g_autofree char *label = NULL;
      g_autoptr(StrataSet) set = NULL;

      flip_bytes (copy, len, rand, g_rand_int_range (rand, 1, 5), packet_size, what);
      label = g_strdup_printf ("%s seed %u case %u, flipped:%s", file, seed, i, what->str);
      test_copy_tree (orig, dir);
      write_file (path, copy, len);
      set = check_case (label, tmp, dir, EXPECT_ANY);
      test_rm_tree (dir);
    }
}

static void
test_flipped_stream (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *sample_copy = g_build_filename (tmp, "simple", NULL);
  g_autofree char *writer_made = g_build_filename (tmp, "written", NULL);
  g_autofree char *index = g_build_filename (sample_copy, "index", NULL);
  g_autofree char *src = NULL;

  if (!test_have_samples ())
    return;
  src = test_sample ("tvl-simple-kernel/simple-kernel");
  test_copy_tree (src, sample_copy);
  /* Without its index, libbabeltrace2 reads the packet sizes from the flipped packets
   * themselves. (The truncation cases keep a stale index.) */
  test_rm_tree (index);
  write_trace (writer_made, "flip", 2, 1024, 600);

  flip_cases (tmp, sample_copy, "k_2", 4096, 1, 16);
  flip_cases (tmp, sample_copy, "k_5", 4096, 2, 8);
  flip_cases (tmp, writer_made, "channel0_0", 1024, 3, 16);
  test_rm_tree (tmp);
}

static void
test_flipped_metadata (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *sample_copy = g_build_filename (tmp, "simple", NULL);
  g_autofree char *writer_made = g_build_filename (tmp, "written", NULL);
  g_autofree char *src = NULL;

  if (!test_have_samples ())
    return;
  src = test_sample ("tvl-simple-kernel/simple-kernel");
  test_copy_tree (src, sample_copy);
  write_trace (writer_made, "flip", 2, 1024, 200);

  /* Packetized metadata (4 KiB packets), and the writer's plain text. */
  flip_cases (tmp, sample_copy, "metadata", 4096, 4, 16);
  flip_cases (tmp, writer_made, "metadata", 0, 5, 16);
  test_rm_tree (tmp);
}

static void
test_empty_files (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *a = g_build_filename (tmp, "empty-stream", NULL);
  g_autofree char *a_stream = g_build_filename (a, "channel0_0", NULL);
  g_autofree char *b = g_build_filename (tmp, "empty-metadata", NULL);
  g_autofree char *b_metadata = g_build_filename (b, "metadata", NULL);
  g_autofree char *c = g_build_filename (tmp, "all-empty", NULL);
  g_autoptr(StrataSet) set = NULL;
  StrataTrace *t;

  if (!test_have_samples ())
    return;

  /* An empty stream file: the other CPU's stream is kept. */
  write_trace (a, "empty", 2, 1024, 100);
  write_file (a_stream, NULL, 0);
  set = check_case ("empty stream file", tmp, a, EXPECT_ANY);
  t = test_find_trace (set, a);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->events, ==, 50);
  g_clear_pointer (&set, strata_set_unref);

  /* An empty metadata file: the trace is refused, and said why. */
  write_trace (b, "empty", 2, 1024, 100);
  write_file (b_metadata, NULL, 0);
  set = check_case ("empty metadata file", tmp, b, EXPECT_REPORT | EXPECT_FAILED);
  g_assert_true (test_errors_contain (set->errors, b, "metadata file is empty"));
  g_clear_pointer (&set, strata_set_unref);

  /* Everything empty. */
  g_assert_cmpint (g_mkdir (c, 0755), ==, 0);
  {
    g_autofree char *m = g_build_filename (c, "metadata", NULL);
    g_autofree char *s = g_build_filename (c, "channel0_0", NULL);

    write_file (m, NULL, 0);
    write_file (s, NULL, 0);
  }
  set = check_case ("empty metadata and stream files", tmp, c, EXPECT_REPORT | EXPECT_FAILED);
  test_rm_tree (tmp);
}

static void
test_missing_metadata (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (tmp, "no-metadata", NULL);
  g_autofree char *metadata = g_build_filename (dir, "metadata", NULL);
  g_autoptr(StrataSet) set = NULL;

  if (!test_have_samples ())
    return;
  write_trace (dir, "nometa", 2, 1024, 100);
  g_assert_cmpint (g_unlink (metadata), ==, 0);
  set = check_case ("stream files without metadata", tmp, dir, EXPECT_REPORT);
  g_assert_true (test_errors_contain (set->errors, dir, "without a metadata file"));
  g_assert_null (test_find_trace (set, dir));
  test_rm_tree (tmp);
}

static void
test_metadata_is_folder (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (tmp, "metadata-folder", NULL);
  g_autofree char *metadata = g_build_filename (dir, "metadata", NULL);
  g_autofree char *inside = g_build_filename (metadata, "metadata", NULL);
  g_autoptr(StrataSet) set = NULL;

  if (!test_have_samples ())
    return;
  write_trace (dir, "metadir", 2, 1024, 100);
  g_assert_cmpint (g_unlink (metadata), ==, 0);
  g_assert_cmpint (g_mkdir (metadata, 0755), ==, 0);
  /* ... which even holds a metadata file of its own: not a trace either. */
  write_file (inside, (const guint8 *) "/* CTF 1.8 */\n", 14);
  set = check_case ("metadata is a folder", tmp, dir, EXPECT_REPORT | EXPECT_FAILED);
  g_assert_true (test_errors_contain (set->errors, dir, "metadata is a folder"));
  test_rm_tree (tmp);
}

typedef struct
{
  const char *what;
  guint       packet;           /* which packet of channel0_0; G_MAXUINT: the last */
  gboolean    set_content;
  guint64     content_bits;
  gboolean    set_packet;
  guint64     packet_bits;
} SizePatch;

static void
test_absurd_packet_sizes (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *orig = g_build_filename (tmp, "orig", NULL);
  const guint64 tib = G_GUINT64_CONSTANT (1) << 43;
  const guint64 gib4 = G_GUINT64_CONSTANT (1) << 35;
  /* Sizes are in bits. The first two made libbabeltrace2 abort, and 0 made it loop. */
  const SizePatch patches[] = {
    { "packet_size 2^63", 0, FALSE, 0, TRUE, G_GUINT64_CONSTANT (1) << 63 },
    { "packet_size 2^64 - 8", 0, FALSE, 0, TRUE, G_MAXUINT64 - 7 },
    { "content and packet 1 TiB", 0, TRUE, tib, TRUE, tib },
    { "content and packet 4 GiB, second packet", 1, TRUE, gib4, TRUE, gib4 },
    { "packet_size 0", 0, FALSE, 0, TRUE, 0 },
    { "packet and content 0", 0, TRUE, 0, TRUE, 0 },
    { "content_size past packet_size", 0, TRUE, 8192 * 8, TRUE, 1024 * 8 },
    { "content_size 2^64 - 1, third packet", 2, TRUE, G_MAXUINT64, FALSE, 0 },
    { "content_size 2^63, third packet", 2, TRUE, G_GUINT64_CONSTANT (1) << 63, FALSE, 0 },
    { "packet_size below the preamble", 0, TRUE, 64, TRUE, 64 },
    { "packet_size not whole bytes", 0, FALSE, 0, TRUE, 1024 * 8 - 3 },
    { "packet_size twice the file", 0, FALSE, 0, TRUE, 2 * 8192 * 8 },
    { "content_size inside the context", 1, TRUE, 400, FALSE, 0 },
    { "last packet 2 KiB in a 1 KiB tail", G_MAXUINT, FALSE, 0, TRUE, 2048 * 8 },
  };
  guint n_packets = 0;

  if (!test_have_samples ())
    return;
  /* At least 8 packets of 1 KiB on CPU 0. */
  write_trace (orig, "sizes", 1, 1024, 8 * 30);
  {
    g_autofree char *s = g_build_filename (orig, "channel0_0", NULL);
    GStatBuf st;

    g_assert_cmpint (g_stat (s, &st), ==, 0);
    g_assert_cmpint (st.st_size, >=, 8192);
    g_assert_cmpint (st.st_size % 1024, ==, 0);
    n_packets = st.st_size / 1024;
    g_assert_cmpuint (get_u64 (s, W_OFF_PACKET_SIZE), ==, 1024 * 8);
  }

  for (guint i = 0; i < G_N_ELEMENTS (patches); i++)
    {
      const SizePatch *p = &patches[i];
      guint packet = p->packet == G_MAXUINT ? n_packets - 1 : p->packet;
      g_autofree char *name = g_strdup_printf ("size-%u", i);
      g_autofree char *dir = g_build_filename (tmp, name, NULL);
      g_autofree char *stream = g_build_filename (dir, "channel0_0", NULL);
      g_autoptr(StrataSet) set = NULL;
      StrataTrace *t;

      test_copy_tree (orig, dir);
      if (p->set_content)
        patch_u64 (stream, packet * 1024 + W_OFF_CONTENT_SIZE, p->content_bits);
      if (p->set_packet)
        patch_u64 (stream, packet * 1024 + W_OFF_PACKET_SIZE, p->packet_bits);
      set = check_case (p->what, tmp, dir, EXPECT_REPORT);
      t = test_find_trace (set, dir);
      /* The packets before the damaged one are kept. */
      g_assert_nonnull (t);
      g_assert_false (t->failed);
      g_assert_true (test_errors_contain (t->errors, "channel0_0", "damaged or truncated"));
      g_assert_cmpuint (t->events, <, 8 * 30);
      if (packet > 0)
        g_assert_cmpuint (t->events, >, 0);
      test_rm_tree (dir);
    }
  test_rm_tree (tmp);
}

static void
test_clock_frequency (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *zero = g_build_filename (tmp, "freq-0", NULL);
  g_autofree char *one = g_build_filename (tmp, "freq-1", NULL);
  g_autofree char *far = g_build_filename (tmp, "offset-far", NULL);
  g_autoptr(StrataSet) set = NULL;
  StrataTrace *t;

  if (!test_have_samples ())
    return;

  write_trace (zero, "freq0", 2, 1024, 100);
  {
    g_autofree char *m = g_build_filename (zero, "metadata", NULL);

    replace_in_file (m, "freq = 1000000000;", "freq = 0;");
  }
  set = check_case ("clock frequency 0", tmp, zero, EXPECT_REPORT | EXPECT_FAILED);
  g_clear_pointer (&set, strata_set_unref);

  /* 1 Hz: every cycle is a second, so the times leave int64 ns: events without a time. */
  write_trace (one, "freq1", 2, 1024, 100);
  {
    g_autofree char *m = g_build_filename (one, "metadata", NULL);

    replace_in_file (m, "freq = 1000000000;", "freq = 1;");
  }
  set = check_case ("clock frequency 1 Hz", tmp, one, EXPECT_ANY);
  t = test_find_trace (set, one);
  g_assert_nonnull (t);
  g_clear_pointer (&set, strata_set_unref);

  /* An origin at the far end of int64 ns. */
  write_trace (far, "far", 2, 1024, 100);
  {
    g_autofree char *m = g_build_filename (far, "metadata", NULL);

    replace_in_file (m, "offset_s = 1000;", "offset_s = 9223372036;");
  }
  set = check_case ("clock origin near the int64 limit", tmp, far, EXPECT_ANY);
  test_rm_tree (tmp);
}

/* Events of one stream must reach the core in time order: the merge depends on it. */
static void
assert_merge_ordered (StrataTrace *t,
                      guint64      expected)
{
  g_autoptr(StrataEventMerge) merge = strata_trace_merge (t);
  StrataEvent ev;
  gint64 last = G_MININT64;
  guint64 n = 0;

  while (strata_event_merge_next (merge, &ev))
    {
      g_assert_cmpint (ev.ts, >=, last);
      last = ev.ts;
      n++;
    }
  g_assert_cmpuint (n, ==, expected);
}

static void
test_time_goes_back (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *orig = g_build_filename (tmp, "orig", NULL);
  g_autofree char *a = g_build_filename (tmp, "event-back", NULL);
  g_autofree char *a_stream = g_build_filename (a, "channel0_0", NULL);
  g_autofree char *b = g_build_filename (tmp, "packets-swapped", NULL);
  g_autofree char *b_stream = g_build_filename (b, "channel0_0", NULL);
  g_autofree char *c = g_build_filename (tmp, "packet-begins-early", NULL);
  g_autofree char *c_stream = g_build_filename (c, "channel0_0", NULL);
  g_autoptr(StrataSet) set = NULL;
  StrataTrace *t;

  if (!test_have_samples ())
    return;
  /* Two CPUs; event i is on CPU i % 2 at w_time (i); 1 KiB packets of about 30 events. */
  write_trace (orig, "back", 2, 1024, 400);

  /* One event, mid-packet, dated before the three before it. */
  test_copy_tree (orig, a);
  patch_u64 (a_stream, find_u64 (a_stream, (guint64) (W_BASE_CYC + 20 * W_STEP)),
             (guint64) (W_BASE_CYC + 13 * W_STEP));
  set = check_case ("one event back in time", tmp, a, EXPECT_REPORT);
  t = test_find_trace (set, a);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->events, ==, 400);
  g_assert_true (test_errors_contain (t->errors, "channel0_0", "earlier than"));
  assert_merge_ordered (t, 400);
  g_clear_pointer (&set, strata_set_unref);

  /* Packets 0 and 1 swapped: the second packet in the file goes back by a packet. */
  test_copy_tree (orig, b);
  {
    gsize len = 0;
    g_autofree guint8 *data = read_file (b_stream, &len);
    guint8 tmp_packet[1024];

    g_assert_cmpuint (len, >=, 2048);
    memcpy (tmp_packet, data, 1024);
    memmove (data, data + 1024, 1024);
    memcpy (data + 1024, tmp_packet, 1024);
    write_file (b_stream, data, len);
  }
  set = check_case ("packets swapped", tmp, b, EXPECT_REPORT);
  t = test_find_trace (set, b);
  g_assert_false (t->failed);
  assert_merge_ordered (t, t->events);
  g_clear_pointer (&set, strata_set_unref);

  /* Packet 1 claims to begin before packet 0 ends, and so does its first event. */
  test_copy_tree (orig, c);
  {
    guint64 end0 = get_u64 (c_stream, W_OFF_TS_END);
    guint64 begin1 = get_u64 (c_stream, 1024 + W_OFF_TS_BEGIN);

    g_assert_cmpuint (begin1, >, end0);
    patch_u64 (c_stream, 1024 + W_OFF_TS_BEGIN, end0 - 5 * W_STEP);
    patch_u64 (c_stream, find_u64 (c_stream, begin1), end0 - 5 * W_STEP);
  }
  set = check_case ("packet begins before the previous one ends", tmp, c, EXPECT_REPORT);
  t = test_find_trace (set, c);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->events, ==, 400);
  assert_merge_ordered (t, 400);
  test_rm_tree (tmp);
}

static void
test_empty_folders (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *empty = g_build_filename (tmp, "empty", NULL);
  g_autofree char *only = g_build_filename (tmp, "only-metadata", NULL);
  g_autofree char *only_metadata = g_build_filename (only, "metadata", NULL);
  g_autofree char *written = g_build_filename (tmp, "written", NULL);
  g_autofree char *written_metadata = g_build_filename (written, "metadata", NULL);
  g_autofree guint8 *metadata = NULL;
  g_autoptr(StrataSet) set = NULL;
  gsize len = 0;

  if (!test_have_samples ())
    return;

  /* A folder with nothing at all. */
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  set = check_case ("empty folder", tmp, empty, EXPECT_REPORT);
  g_assert_true (test_errors_contain (set->errors, empty, "no CTF trace found"));
  g_clear_pointer (&set, strata_set_unref);

  /* A trace folder with its metadata and no stream file: a trace of no events. */
  write_trace (written, "only", 1, 1024, 10);
  metadata = read_file (written_metadata, &len);
  g_assert_cmpint (g_mkdir (only, 0755), ==, 0);
  write_file (only_metadata, metadata, len);
  set = check_case ("metadata without stream files", tmp, only, EXPECT_ANY);
  {
    StrataTrace *t = test_find_trace (set, only);

    g_assert_nonnull (t);
    g_assert_cmpuint (t->events, ==, 0);
  }
  test_rm_tree (tmp);
}

static void
test_symlink_loops (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *deep = g_build_filename (tmp, "a", "b", "c", "d", "e", NULL);
  g_autofree char *deep_link = g_build_filename (deep, "up", NULL);
  g_autofree char *x = g_build_filename (tmp, "x", NULL);
  g_autofree char *y = g_build_filename (tmp, "y", NULL);
  g_autofree char *x_link = g_build_filename (x, "to-y", NULL);
  g_autofree char *y_link = g_build_filename (y, "to-x", NULL);
  g_autofree char *self_link = g_build_filename (tmp, "a", "b", "self", NULL);
  g_autofree char *trace = g_build_filename (tmp, "a", "b", "c", "trace", NULL);
  g_autofree char *trace_loop = g_build_filename (trace, "channel0_9", NULL);
  g_autoptr(StrataSet) set = NULL;
  StrataTrace *t;

  if (!test_have_samples ())
    return;
  g_assert_cmpint (g_mkdir_with_parents (deep, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (x, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (y, 0755), ==, 0);
  /* Five levels back up to the top; two siblings that lead to each other; a folder that
   * links to itself; and, in a trace folder, a stream file that is a link to itself. */
  g_assert_cmpint (symlink ("../../../../..", deep_link), ==, 0);
  g_assert_cmpint (symlink ("../y", x_link), ==, 0);
  g_assert_cmpint (symlink ("../x", y_link), ==, 0);
  g_assert_cmpint (symlink (".", self_link), ==, 0);
  write_trace (trace, "loops", 2, 1024, 100);
  g_assert_cmpint (symlink ("channel0_9", trace_loop), ==, 0);

  set = check_case ("symbolic link loops", tmp, tmp, EXPECT_REPORT);
  g_assert_true (test_errors_contain (set->errors, deep_link, "symbolic link loop"));
  g_assert_true (test_errors_contain (set->errors, self_link, "symbolic link loop"));
  g_assert_true (test_errors_contain (set->errors, "to-", "symbolic link loop"));
  /* The trace is found once, and its two real streams are read; libbabeltrace2 skips the
   * stream "file" that is a link to itself, as it skips any file it cannot open. */
  t = test_find_trace (set, trace);
  g_assert_nonnull (t);
  g_assert_cmpuint (t->events, ==, 100);
  g_assert_cmpuint (set->traces->len, ==, 2);
  test_rm_tree (tmp);
}

/* ---- permissions ---- */

static void
permission_cases (const char *tmp)
{
  g_autofree char *a = g_build_filename (tmp, "stream-unreadable", NULL);
  g_autofree char *b = g_build_filename (tmp, "metadata-unreadable", NULL);
  g_autofree char *c_parent = g_build_filename (tmp, "closed", NULL);
  g_autofree char *c = g_build_filename (c_parent, "trace", NULL);
  g_autoptr(StrataSet) set = NULL;
  StrataTrace *t;

  set = check_case ("unreadable stream file", tmp, a, EXPECT_REPORT);
  g_assert_true (test_errors_contain (set->errors, a, "channel0_1 cannot be read (Permission denied)"));
  t = test_find_trace (set, a);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->events, ==, 50);
  g_clear_pointer (&set, strata_set_unref);

  set = check_case ("unreadable metadata", tmp, b, EXPECT_REPORT | EXPECT_FAILED);
  g_assert_true (test_errors_contain (set->errors, b, "ermission denied"));
  g_clear_pointer (&set, strata_set_unref);

  set = check_case ("unreadable folder", tmp, c_parent, EXPECT_REPORT);
  g_assert_true (test_errors_contain (set->errors, c_parent, "ermission denied"));
  g_assert_null (test_find_trace (set, c));
}

static void
test_permissions (void)
{
  g_autofree char *tmp = NULL;
  g_autofree char *a = NULL;
  g_autofree char *a_stream = NULL;
  g_autofree char *b = NULL;
  g_autofree char *b_metadata = NULL;
  g_autofree char *c_parent = NULL;
  g_autofree char *c = NULL;
  g_autofree char *chmod_cmd = NULL;

  if (g_test_subprocess ())
    {
      const char *dir = g_getenv ("STRATA_TEST_DAMAGED_DIR");

      /* Root reads everything: be nobody. LeakSanitizer needs the process to stay
       * dumpable, which changing credentials turns off. */
      g_assert_nonnull (dir);
      if (geteuid () == 0)
        {
          g_assert_cmpint (setgroups (0, NULL), ==, 0);
          g_assert_cmpint (setgid (65534), ==, 0);
          g_assert_cmpint (setuid (65534), ==, 0);
          prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
        }
      permission_cases (dir);
      return;
    }

  if (!test_have_samples ())
    return;
  tmp = test_make_tmpdir ();
  a = g_build_filename (tmp, "stream-unreadable", NULL);
  a_stream = g_build_filename (a, "channel0_1", NULL);
  b = g_build_filename (tmp, "metadata-unreadable", NULL);
  b_metadata = g_build_filename (b, "metadata", NULL);
  c_parent = g_build_filename (tmp, "closed", NULL);
  c = g_build_filename (c_parent, "trace", NULL);

  write_trace (a, "perm", 2, 1024, 100);
  write_trace (b, "perm", 2, 1024, 100);
  write_trace (c, "perm", 2, 1024, 100);
  /* Others (nobody, in the child) may search the folders, and read all but these. */
  chmod_cmd = g_strdup_printf ("chmod -R a+rX '%s'", tmp);
  test_run_shell (chmod_cmd);
  g_assert_cmpint (g_chmod (a_stream, 0), ==, 0);
  g_assert_cmpint (g_chmod (b_metadata, 0), ==, 0);
  g_assert_cmpint (g_chmod (c_parent, 0), ==, 0);

  if (geteuid () != 0)
    permission_cases (tmp);
  else
    {
      /* Root reads every file whatever its mode: test as nobody in a child process. */
      g_setenv ("STRATA_TEST_DAMAGED_DIR", tmp, TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_unsetenv ("STRATA_TEST_DAMAGED_DIR");
      g_test_trap_assert_passed ();
    }
  test_rm_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/damaged/permissions", test_permissions);
  g_test_add_func ("/damaged/truncated/sample", test_truncated_sample);
  g_test_add_func ("/damaged/truncated/writer", test_truncated_writer);
  g_test_add_func ("/damaged/flipped/stream", test_flipped_stream);
  g_test_add_func ("/damaged/flipped/metadata", test_flipped_metadata);
  g_test_add_func ("/damaged/empty-files", test_empty_files);
  g_test_add_func ("/damaged/missing-metadata", test_missing_metadata);
  g_test_add_func ("/damaged/metadata-is-folder", test_metadata_is_folder);
  g_test_add_func ("/damaged/absurd-packet-sizes", test_absurd_packet_sizes);
  g_test_add_func ("/damaged/clock-frequency", test_clock_frequency);
  g_test_add_func ("/damaged/time-goes-back", test_time_goes_back);
  g_test_add_func ("/damaged/empty-folders", test_empty_folders);
  g_test_add_func ("/damaged/symlink-loops", test_symlink_loops);
  return g_test_run ();
}
