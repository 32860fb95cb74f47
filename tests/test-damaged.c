/* test-damaged.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

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
 *
 * The cases are one table (cases[] below): what a case's folder starts as, the damage done to
 * it (some rows make several cases: one per cut, or per round of flips), and what must come
 * of it. main() adds a test for each row, and test_case() makes, loads and checks them all.
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

/* Flips @n bytes of @data, saying which in @what. */
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

/* ---- the damage ---- */

/* What one case must come to; a row's expectations, which a damage may refine. */
typedef enum
{
  EXPECT_ANY     = 0,      /* may load whole: a flip that lands in a payload value changes nothing */
  EXPECT_REPORT  = 1 << 0, /* a message names the damaged folder */
  EXPECT_FAILED  = 1 << 1, /* the damaged trace was refused as a whole (or not found) */
  EXPECT_FOUND   = 1 << 2, /* the damaged trace is in the set */
  EXPECT_KEPT    = 1 << 3, /* …and loaded, what was sound of it */
  EXPECT_EVENTS  = 1 << 4, /* …with events_min to events_max events */
  EXPECT_ORDERED = 1 << 5, /* …which come out of the merge in time order */
  EXPECT_ABSENT  = 1 << 6, /* no trace was found where the damaged one is */
} Expect;

/* A message of @where (relative to the case's folder; "" the folder itself) that says @says. */
typedef struct
{
  const char *where;
  const char *says;
} Said;

/* Where a case runs its load: here, or in a child process that cannot read files of mode 0
 * (not root) or has no temporary folder to stage damaged files in. */
typedef enum
{
  CHILD_NONE,
  CHILD_NOBODY,
  CHILD_NO_TMPDIR,
} Child;

/* A cut of a file at @at bytes plus @num/@den of its length. */
typedef struct
{
  gint64 at;
  guint  num;
  guint  den;
} Cut;

typedef struct
{
  guint    packet;           /* which packet of channel0_0; G_MAXUINT: the last */
  gboolean set_content;
  guint64  content_bits;
  gboolean set_packet;
  guint64  packet_bits;
} SizePatch;

typedef struct _DamageCase DamageCase;

typedef struct
{
  GString    *label;
  Expect      expect;
  guint64     events_min;
  guint64     events_max;
} Check;

/* Damages the folder @dir of @c (variant @variant), refining @check. */
typedef void (*DamageFunc) (const DamageCase *c,
                            guint             variant,
                            const char       *dir,
                            Check            *check);

typedef enum
{
  FROM_NOTHING,              /* an empty folder */
  FROM_SAMPLE,               /* a copy of tvl-simple-kernel/simple-kernel */
  FROM_SAMPLE_NO_INDEX,      /* the same without its index, so libbabeltrace2 reads the packet
                              * sizes from the damaged packets themselves */
  FROM_WRITER,               /* a trace our writer makes (see write_trace()) */
} Source;

struct _DamageCase
{
  const char *path;          /* the test path, below /damaged/ */
  /* What the folder starts as */
  Source      source;
  const char *hostname;      /* FROM_WRITER */
  guint       n_cpus;
  gsize       packet_size;
  guint       n_events;
  const char *trace_at;      /* where the trace is in the folder; NULL: the folder itself */
  /* The damage */
  DamageFunc  damage;
  guint       n_variants;    /* cases of this damage; 0 is 1 */
  const char *file;          /* the file damaged */
  const Cut  *cuts;          /* damage_cut(): one case per cut */
  guint32     seed;          /* damage_flip(): seeded flips of @file */
  gsize       flip_packet;   /* half of them in a packet's first 128 bytes; 0: anywhere */
  const char *from;          /* damage_replace(): @from becomes @to in @file */
  const char *to;
  SizePatch   size;          /* damage_sizes() */
  Child       child;
  /* What must come of it */
  Expect      expect;
  Said        set_says[3];   /* messages of the set */
  Said        trace_says;    /* a message of the damaged trace itself (@where: a needle) */
  guint64     events_min;    /* EXPECT_EVENTS */
  guint64     events_max;
  guint       streams_min;   /* of the damaged trace */
  guint       n_traces;      /* of the set, when not 0 */
};

static void
damage_cut (const DamageCase *c,
            guint             variant,
            const char       *dir,
            Check            *check)
{
  g_autofree char *path = g_build_filename (dir, c->file, NULL);
  g_autofree guint8 *data = NULL;
  const Cut *cut = &c->cuts[variant];
  gsize len = 0;
  gint64 at;

  data = read_file (path, &len);
  at = cut->at + (cut->den > 0 ? (gint64) len * cut->num / cut->den : 0);
  g_assert_cmpint (at, >=, 0);
  g_assert_cmpint (at, <, (gint64) len);
  write_file (path, data, at);
  g_string_append_printf (check->label, ", %s cut at %" G_GINT64_FORMAT " of %" G_GSIZE_FORMAT,
                          c->file, at, len);
}

/* Flips 1 to 4 bytes: variant i makes the i-th round of flips of the seed's sequence. */
static void
damage_flip (const DamageCase *c,
             guint             variant,
             const char       *dir,
             Check            *check)
{
  g_autofree char *path = g_build_filename (dir, c->file, NULL);
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *copy = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (c->seed);
  g_autoptr(GString) what = g_string_new (NULL);
  gsize len = 0;

  data = read_file (path, &len);
  for (guint round = 0; round <= variant; round++)
    {
      g_free (copy);
      copy = g_memdup2 (data, len);
      g_string_truncate (what, 0);
      flip_bytes (copy, len, rand, g_rand_int_range (rand, 1, 5), c->flip_packet, what);
    }
  write_file (path, copy, len);
  g_string_append_printf (check->label, ", %s seed %u case %u, flipped:%s",
                          c->file, c->seed, variant, what->str);
}

static void
damage_empty (const DamageCase *c,
              guint             variant,
              const char       *dir,
              Check            *check)
{
  g_autofree char *path = g_build_filename (dir, c->file, NULL);

  write_file (path, NULL, 0);
}

/* An empty metadata file and an empty stream file, alone in the folder. */
static void
damage_all_empty (const DamageCase *c,
                  guint             variant,
                  const char       *dir,
                  Check            *check)
{
  g_autofree char *m = g_build_filename (dir, "metadata", NULL);
  g_autofree char *s = g_build_filename (dir, "channel0_0", NULL);

  write_file (m, NULL, 0);
  write_file (s, NULL, 0);
}

static void
damage_remove (const DamageCase *c,
               guint             variant,
               const char       *dir,
               Check            *check)
{
  g_autofree char *path = g_build_filename (dir, c->file, NULL);

  g_assert_cmpint (g_unlink (path), ==, 0);
}

/* Every file but the metadata goes: a trace of no events. */
static void
damage_only_metadata (const DamageCase *c,
                      guint             variant,
                      const char       *dir,
                      Check            *check)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (strcmp (name, "metadata") != 0)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        test_rm_tree (path);
      }
}

/* The metadata is a folder, which even holds a metadata file of its own. */
static void
damage_metadata_folder (const DamageCase *c,
                        guint             variant,
                        const char       *dir,
                        Check            *check)
{
  g_autofree char *metadata = g_build_filename (dir, "metadata", NULL);
  g_autofree char *inside = g_build_filename (metadata, "metadata", NULL);

  g_assert_cmpint (g_unlink (metadata), ==, 0);
  g_assert_cmpint (g_mkdir (metadata, 0755), ==, 0);
  write_file (inside, (const guint8 *) "/* CTF 1.8 */\n", 14);
}

static void
damage_replace (const DamageCase *c,
                guint             variant,
                const char       *dir,
                Check            *check)
{
  g_autofree char *path = g_build_filename (dir, c->file, NULL);

  replace_in_file (path, c->from, c->to);
}

/* Patches the sizes of one packet of channel0_0 (1 KiB packets, at least 8 of them). The
 * packets before it are kept. */
static void
damage_sizes (const DamageCase *c,
              guint             variant,
              const char       *dir,
              Check            *check)
{
  g_autofree char *stream = g_build_filename (dir, "channel0_0", NULL);
  const SizePatch *p = &c->size;
  GStatBuf st;
  guint packet;

  g_assert_cmpint (g_stat (stream, &st), ==, 0);
  g_assert_cmpint (st.st_size, >=, 8192);
  g_assert_cmpint (st.st_size % 1024, ==, 0);
  g_assert_cmpuint (get_u64 (stream, W_OFF_PACKET_SIZE), ==, 1024 * 8);
  packet = p->packet == G_MAXUINT ? st.st_size / 1024 - 1 : p->packet;

  if (p->set_content)
    patch_u64 (stream, packet * 1024 + W_OFF_CONTENT_SIZE, p->content_bits);
  if (p->set_packet)
    patch_u64 (stream, packet * 1024 + W_OFF_PACKET_SIZE, p->packet_bits);
  if (packet > 0)
    check->events_min = 1;
}

/* One event, mid-packet, dated before the three before it. */
static void
damage_event_back (const DamageCase *c,
                   guint             variant,
                   const char       *dir,
                   Check            *check)
{
  g_autofree char *stream = g_build_filename (dir, "channel0_0", NULL);

  patch_u64 (stream, find_u64 (stream, (guint64) (W_BASE_CYC + 20 * W_STEP)),
             (guint64) (W_BASE_CYC + 13 * W_STEP));
}

/* Packets 0 and 1 swapped: the second packet in the file goes back by a packet. */
static void
damage_swap_packets (const DamageCase *c,
                     guint             variant,
                     const char       *dir,
                     Check            *check)
{
  g_autofree char *stream = g_build_filename (dir, "channel0_0", NULL);
  g_autofree guint8 *data = NULL;
  guint8 first[1024];
  gsize len = 0;

  data = read_file (stream, &len);
  g_assert_cmpuint (len, >=, 2048);
  memcpy (first, data, 1024);
  memmove (data, data + 1024, 1024);
  memcpy (data + 1024, first, 1024);
  write_file (stream, data, len);
}

/* Packet 1 claims to begin before packet 0 ends, and so does its first event. */
static void
damage_packet_early (const DamageCase *c,
                     guint             variant,
                     const char       *dir,
                     Check            *check)
{
  g_autofree char *stream = g_build_filename (dir, "channel0_0", NULL);
  guint64 end0 = get_u64 (stream, W_OFF_TS_END);
  guint64 begin1 = get_u64 (stream, 1024 + W_OFF_TS_BEGIN);

  g_assert_cmpuint (begin1, >, end0);
  patch_u64 (stream, 1024 + W_OFF_TS_BEGIN, end0 - 5 * W_STEP);
  patch_u64 (stream, find_u64 (stream, begin1), end0 - 5 * W_STEP);
}

/* Five levels back up to the top; two siblings that lead to each other; a folder that links
 * to itself; and, in a trace folder, a stream file that is a link to itself. */
static void
damage_symlink_loops (const DamageCase *c,
                      guint             variant,
                      const char       *dir,
                      Check            *check)
{
  g_autofree char *deep = g_build_filename (dir, "a", "b", "c", "d", "e", NULL);
  g_autofree char *deep_link = g_build_filename (deep, "up", NULL);
  g_autofree char *x = g_build_filename (dir, "x", NULL);
  g_autofree char *y = g_build_filename (dir, "y", NULL);
  g_autofree char *x_link = g_build_filename (x, "to-y", NULL);
  g_autofree char *y_link = g_build_filename (y, "to-x", NULL);
  g_autofree char *self_link = g_build_filename (dir, "a", "b", "self", NULL);
  g_autofree char *trace = g_build_filename (dir, c->trace_at, NULL);
  g_autofree char *trace_loop = g_build_filename (trace, "channel0_9", NULL);

  g_assert_cmpint (g_mkdir_with_parents (deep, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (x, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (y, 0755), ==, 0);
  g_assert_cmpint (symlink ("../../../../..", deep_link), ==, 0);
  g_assert_cmpint (symlink ("../y", x_link), ==, 0);
  g_assert_cmpint (symlink ("../x", y_link), ==, 0);
  g_assert_cmpint (symlink (".", self_link), ==, 0);
  write_trace (trace, "loops", 2, 1024, 100);
  g_assert_cmpint (symlink ("channel0_9", trace_loop), ==, 0);
}

/* Mode 0 for @file, or for the folder itself when @file is NULL; others may search and read
 * all the rest (the child that checks it may run as nobody). */
static void
damage_unreadable (const DamageCase *c,
                   guint             variant,
                   const char       *dir,
                   Check            *check)
{
  g_autofree char *parent = g_path_get_dirname (dir);
  g_autofree char *cmd = g_strdup_printf ("chmod a+x '%s' && chmod -R a+rX '%s'", parent, dir);
  g_autofree char *path = g_build_filename (dir, c->file, NULL);

  test_run_shell (cmd);
  g_assert_cmpint (g_chmod (path, 0), ==, 0);
}

/* ---- the cases ---- */

/* simple-kernel's k_5: a 32-byte packet header (magic, uuid, stream_id, stream_instance_id),
 * a context up to byte 88, then compact event headers. Offsets below a packet's size fall
 * in its first packet; the others spread over the file. (A cut at 0 empties it.) */
static const Cut sample_cuts[] = {
  { 1 }, { 3 }, { 4 }, { 17 }, { 24 }, { 31 }, { 32 }, { 40 }, { 57 }, { 70 }, { 88 }, { 89 },
  { 95 }, { 130 }, { 777 }, { 5, 1, 3 }, { 1, 1, 2 }, { -4097, 1, 1 }, { -1, 1, 1 },
};
static const Cut sample_emptied[] = { { 0 } };
/* simple-kernel's metadata, 91 packets of 4 KiB: inside its last packet, inside one where
 * the packets before end with a whole declaration (libbabeltrace2 2.0 looped for ever on
 * both), and inside its second, where they do not. */
static const Cut metadata_cuts[] = { { -100, 1, 1 }, { 100, 1, 2 }, { 4100 } };

/* The writer's 1 KiB packets: inside the magic, the uuid, stream_id, each context field, the
 * first event's header and payload, the second packet's header, and the middle of the last. */
static const Cut writer_cuts[] = {
  { 2 }, { 12 }, { 22 }, { 28 }, { 36 }, { 44 }, { 52 }, { 60 }, { 68 }, { 74 },
  { W_PREAMBLE + 2 }, { W_PREAMBLE + 13 }, { W_PREAMBLE + 40 }, { 1024 + 3 }, { 1024 + 50 },
  { 4096 + 600 },
};

#define WRITER(host, cpus, packet, events) \
  .source = FROM_WRITER, .hostname = host, .n_cpus = cpus, .packet_size = packet, .n_events = events
#define TIB  (G_GUINT64_CONSTANT (1) << 43)
#define GIB4 (G_GUINT64_CONSTANT (1) << 35)
/* At least 8 packets of 1 KiB on CPU 0; sizes are in bits. The first two made libbabeltrace2
 * abort, and 0 made it loop. The packets before the damaged one are kept. */
#define SIZES(which, content, c_bits, packet_, p_bits) \
  WRITER ("sizes", 1, 1024, 8 * 30), .damage = damage_sizes, \
  .size = { which, content, c_bits, packet_, p_bits }, \
  .expect = EXPECT_REPORT | EXPECT_KEPT | EXPECT_EVENTS, \
  .trace_says = { "channel0_0", "damaged or truncated" }, .events_max = 8 * 30 - 1

static const DamageCase cases[] = {
  /* Files cut short. The seven other streams of the sample are always kept; the writer's
   * CPU 0 is whole (200 events). */
  { "truncated/sample", FROM_SAMPLE, .damage = damage_cut, .file = "k_5",
    .cuts = sample_cuts, .n_variants = G_N_ELEMENTS (sample_cuts),
    .expect = EXPECT_REPORT | EXPECT_KEPT, .trace_says = { "k_5", NULL }, .streams_min = 7 },
  { "truncated/sample-emptied", FROM_SAMPLE, .damage = damage_cut, .file = "k_5",
    .cuts = sample_emptied, .n_variants = 1, .expect = EXPECT_KEPT, .streams_min = 7 },
  { "truncated/metadata", FROM_SAMPLE, .damage = damage_cut, .file = "metadata",
    .cuts = metadata_cuts, .n_variants = G_N_ELEMENTS (metadata_cuts), .expect = EXPECT_REPORT,
    .set_says = { { "", "metadata file is cut short" } } },
  { "truncated/writer", WRITER ("cut", 2, 1024, 400), .damage = damage_cut, .file = "channel0_1",
    .cuts = writer_cuts, .n_variants = G_N_ELEMENTS (writer_cuts),
    .expect = EXPECT_REPORT | EXPECT_KEPT | EXPECT_EVENTS, .events_min = 200, .events_max = 399 },

  /* Bytes flipped at random, seeded: in stream files, packetized metadata (4 KiB packets)
   * and the writer's plain-text metadata. */
  { "flipped/stream/sample-k_2", FROM_SAMPLE_NO_INDEX, .damage = damage_flip, .file = "k_2",
    .flip_packet = 4096, .seed = 1, .n_variants = 16 },
  { "flipped/stream/sample-k_5", FROM_SAMPLE_NO_INDEX, .damage = damage_flip, .file = "k_5",
    .flip_packet = 4096, .seed = 2, .n_variants = 8 },
  { "flipped/stream/writer", WRITER ("flip", 2, 1024, 600), .damage = damage_flip,
    .file = "channel0_0", .flip_packet = 1024, .seed = 3, .n_variants = 16 },
  { "flipped/metadata/sample", FROM_SAMPLE, .damage = damage_flip, .file = "metadata",
    .flip_packet = 4096, .seed = 4, .n_variants = 16 },
  { "flipped/metadata/writer", WRITER ("flip", 2, 1024, 200), .damage = damage_flip,
    .file = "metadata", .flip_packet = 0, .seed = 5, .n_variants = 16 },

  /* Empty and missing files. */
  { "empty-files/stream", WRITER ("empty", 2, 1024, 100), .damage = damage_empty,
    .file = "channel0_0", .expect = EXPECT_KEPT | EXPECT_EVENTS, .events_min = 50, .events_max = 50 },
  { "empty-files/metadata", WRITER ("empty", 2, 1024, 100), .damage = damage_empty,
    .file = "metadata", .expect = EXPECT_REPORT | EXPECT_FAILED,
    .set_says = { { "", "metadata file is empty" } } },
  { "empty-files/all", FROM_NOTHING, .damage = damage_all_empty,
    .expect = EXPECT_REPORT | EXPECT_FAILED },
  { "missing-metadata", WRITER ("nometa", 2, 1024, 100), .damage = damage_remove,
    .file = "metadata", .expect = EXPECT_REPORT | EXPECT_ABSENT,
    .set_says = { { "", "without a metadata file" } } },
  /* Not a trace (its metadata must be a file), but a folder searched like others, where the
   * folder named metadata is the trace, with metadata that says nothing. */
  { "metadata-is-folder", WRITER ("metadir", 2, 1024, 100), .damage = damage_metadata_folder,
    .expect = EXPECT_REPORT | EXPECT_FAILED,
    .set_says = { { "", "without a metadata file" }, { "metadata", "could not be parsed" } } },

  /* Absurd packet sizes. */
  { "absurd-packet-sizes/packet-size-2^63", SIZES (0, FALSE, 0, TRUE, G_GUINT64_CONSTANT (1) << 63) },
  { "absurd-packet-sizes/packet-size-2^64-8", SIZES (0, FALSE, 0, TRUE, G_MAXUINT64 - 7) },
  { "absurd-packet-sizes/both-1TiB", SIZES (0, TRUE, TIB, TRUE, TIB) },
  { "absurd-packet-sizes/both-4GiB-second-packet", SIZES (1, TRUE, GIB4, TRUE, GIB4) },
  { "absurd-packet-sizes/packet-size-0", SIZES (0, FALSE, 0, TRUE, 0) },
  { "absurd-packet-sizes/both-0", SIZES (0, TRUE, 0, TRUE, 0) },
  { "absurd-packet-sizes/content-past-packet", SIZES (0, TRUE, 8192 * 8, TRUE, 1024 * 8) },
  { "absurd-packet-sizes/content-2^64-1-third-packet", SIZES (2, TRUE, G_MAXUINT64, FALSE, 0) },
  { "absurd-packet-sizes/content-2^63-third-packet",
    SIZES (2, TRUE, G_GUINT64_CONSTANT (1) << 63, FALSE, 0) },
  { "absurd-packet-sizes/packet-below-preamble", SIZES (0, TRUE, 64, TRUE, 64) },
  { "absurd-packet-sizes/packet-not-whole-bytes", SIZES (0, FALSE, 0, TRUE, 1024 * 8 - 3) },
  { "absurd-packet-sizes/packet-twice-the-file", SIZES (0, FALSE, 0, TRUE, 2 * 8192 * 8) },
  { "absurd-packet-sizes/content-inside-context", SIZES (1, TRUE, 400, FALSE, 0) },
  { "absurd-packet-sizes/last-packet-2KiB-in-1KiB", SIZES (G_MAXUINT, FALSE, 0, TRUE, 2048 * 8) },

  /* The clock: 0 Hz; 1 Hz, where every cycle is a second, so the times leave int64 ns; an
   * origin at the far end of int64 ns. */
  { "clock/frequency-0", WRITER ("freq0", 2, 1024, 100), .damage = damage_replace,
    .file = "metadata", .from = "freq = 1000000000;", .to = "freq = 0;",
    .expect = EXPECT_REPORT | EXPECT_FAILED },
  { "clock/frequency-1hz", WRITER ("freq1", 2, 1024, 100), .damage = damage_replace,
    .file = "metadata", .from = "freq = 1000000000;", .to = "freq = 1;", .expect = EXPECT_FOUND },
  { "clock/origin-far", WRITER ("far", 2, 1024, 100), .damage = damage_replace,
    .file = "metadata", .from = "offset_s = 1000;", .to = "offset_s = 9223372036;" },

  /* Time going back (two CPUs; event i is on CPU i % 2 at w_time (i); packets of about 30
   * events): events of one stream must still reach the core in time order. */
  { "time-back/one-event", WRITER ("back", 2, 1024, 400), .damage = damage_event_back,
    .expect = EXPECT_REPORT | EXPECT_KEPT | EXPECT_EVENTS | EXPECT_ORDERED,
    .trace_says = { "channel0_0", "earlier than" }, .events_min = 400, .events_max = 400 },
  { "time-back/packets-swapped", WRITER ("back", 2, 1024, 400), .damage = damage_swap_packets,
    .expect = EXPECT_REPORT | EXPECT_KEPT | EXPECT_ORDERED },
  { "time-back/packet-begins-early", WRITER ("back", 2, 1024, 400), .damage = damage_packet_early,
    .expect = EXPECT_REPORT | EXPECT_KEPT | EXPECT_EVENTS | EXPECT_ORDERED,
    .events_min = 400, .events_max = 400 },

  /* Folders with nothing, or a trace's metadata and no stream file: a trace of no events,
   * which says so. */
  { "empty-folders/empty", FROM_NOTHING, .expect = EXPECT_REPORT,
    .set_says = { { "", "no CTF trace found" } } },
  { "empty-folders/only-metadata", WRITER ("only", 1, 1024, 10), .damage = damage_only_metadata,
    .expect = EXPECT_REPORT | EXPECT_FOUND | EXPECT_EVENTS, .events_min = 0, .events_max = 0,
    .set_says = { { "", "no stream file, only its metadata" } } },

  /* The trace is found once, and its two real streams are read; libbabeltrace2 skips the
   * stream "file" that is a link to itself, as it skips any file it cannot open. */
  { "symlink-loops", FROM_NOTHING, .trace_at = "a/b/c/trace", .damage = damage_symlink_loops,
    .expect = EXPECT_REPORT | EXPECT_FOUND | EXPECT_EVENTS,
    .set_says = { { "a/b/c/d/e/up", "symbolic link loop" }, { "a/b/self", "symbolic link loop" },
                  { "", "to-" } },
    .events_min = 100, .events_max = 100, .n_traces = 2 },

  /* Files and folders that cannot be read. */
  { "permissions/stream", WRITER ("perm", 2, 1024, 100), .damage = damage_unreadable,
    .file = "channel0_1", .child = CHILD_NOBODY,
    .expect = EXPECT_REPORT | EXPECT_KEPT | EXPECT_EVENTS,
    .set_says = { { "", "channel0_1 cannot be read (Permission denied)" } },
    .events_min = 50, .events_max = 50 },
  { "permissions/metadata", WRITER ("perm", 2, 1024, 100), .damage = damage_unreadable,
    .file = "metadata", .child = CHILD_NOBODY, .expect = EXPECT_REPORT | EXPECT_FAILED,
    .set_says = { { "", "ermission denied" } } },
  { "permissions/folder", WRITER ("perm", 2, 1024, 100), .trace_at = "trace",
    .damage = damage_unreadable, .file = "", .child = CHILD_NOBODY,
    .expect = EXPECT_REPORT | EXPECT_ABSENT, .set_says = { { "", "ermission denied" } } },

  /* A damaged file with nowhere to stage its sound packets: the trace is refused, and says
   * why (never a warning on stderr, which the child would die of). */
  { "staging/no-temporary-folder", WRITER ("staging", 1, 1024, 8 * 30), .damage = damage_sizes,
    .size = { 0, FALSE, 0, TRUE, G_GUINT64_CONSTANT (1) << 63 }, .child = CHILD_NO_TMPDIR,
    .expect = EXPECT_REPORT | EXPECT_FAILED,
    .set_says = { { "", "cannot make a temporary folder" } } },
};

/* ---- one loop ---- */

/*
 * Loads @dir (a damaged trace, or a folder above it) with the good sample trace, and checks
 * the contract: the good trace loads whole, every message of a trace names that trace's
 * folder first, and every other message names something inside @dir; then what @c expects.
 */
static void
check_case (const DamageCase *c,
            const char       *dir,
            const Check      *check)
{
  g_autofree char *good = test_sample ("tc-flipping-endianness");
  g_autofree char *damaged = g_build_filename (dir, c->trace_at, NULL);
  const char *paths[] = { dir, good, NULL };
  const char *label = check->label->str;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = NULL;
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
      g_assert_true (g_str_has_prefix (e, dir));
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

  if (check->expect & EXPECT_REPORT)
    g_assert_cmpuint (set->errors->len, >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (c->set_says) && c->set_says[i].says != NULL; i++)
    {
      g_autofree char *where = g_build_filename (dir, c->set_says[i].where, NULL);

      g_assert_true (test_errors_contain (set->errors, where, c->set_says[i].says));
    }
  if (c->n_traces > 0)
    g_assert_cmpuint (set->traces->len, ==, c->n_traces);

  t = test_find_trace (set, damaged);
  if (check->expect & EXPECT_ABSENT)
    g_assert_null (t);
  if (check->expect & EXPECT_FAILED)
    g_assert_true (t == NULL || t->failed);
  if (check->expect & (EXPECT_FOUND | EXPECT_KEPT | EXPECT_EVENTS | EXPECT_ORDERED))
    {
      g_assert_nonnull (t);
      /* Named by its metadata's hostname, stream or not. */
      if (c->source == FROM_WRITER)
        g_assert_cmpstr (t->hostname, ==, c->hostname);
    }
  if (check->expect & EXPECT_KEPT)
    g_assert_false (t->failed);
  if (check->expect & EXPECT_EVENTS)
    {
      g_test_message ("%s: %" G_GUINT64_FORMAT " events", label, t->events);
      g_assert_cmpuint (t->events, >=, check->events_min);
      g_assert_cmpuint (t->events, <=, check->events_max);
    }
  if (check->expect & EXPECT_ORDERED)
    assert_merge_ordered (t, t->events);
  if (c->streams_min > 0)
    g_assert_cmpuint (t->streams->len, >=, c->streams_min);
  if (c->trace_says.where != NULL)
    g_assert_true (test_errors_contain (t->errors, c->trace_says.where, c->trace_says.says));
}

/* What @c expects before its damage refines it. */
static void
check_init (Check            *check,
            const DamageCase *c,
            const char       *label)
{
  check->label = g_string_new (label);
  check->expect = c->expect;
  check->events_min = c->events_min;
  check->events_max = c->events_max;
}

/* Makes the folder of @c's case @variant at @dir, and what it must come to. */
static void
make_case (const DamageCase *c,
           guint             variant,
           const char       *dir,
           Check            *check)
{
  g_autofree char *sample = test_sample ("tvl-simple-kernel/simple-kernel");
  g_autofree char *trace = g_build_filename (dir, c->trace_at, NULL);

  check_init (check, c, c->path);
  switch (c->source)
    {
    case FROM_NOTHING:
      g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
      break;

    case FROM_SAMPLE:
    case FROM_SAMPLE_NO_INDEX:
      test_copy_tree (sample, dir);
      if (c->source == FROM_SAMPLE_NO_INDEX)
        {
          g_autofree char *index = g_build_filename (dir, "index", NULL);

          test_rm_tree (index);
        }
      break;

    case FROM_WRITER:
      write_trace (trace, c->hostname, c->n_cpus, c->packet_size, c->n_events);
      break;

    default:
      g_assert_not_reached ();
    }
  if (c->damage != NULL)
    c->damage (c, variant, dir, check);
}

static void
drop_privileges (void)
{
  /* Root reads every file whatever its mode: be nobody. LeakSanitizer needs the process to
   * stay dumpable, which changing credentials turns off. */
  if (geteuid () == 0)
    {
      g_assert_cmpint (setgroups (0, NULL), ==, 0);
      g_assert_cmpint (setgid (65534), ==, 0);
      g_assert_cmpint (setuid (65534), ==, 0);
      prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
    }
}

static void
test_case (gconstpointer data)
{
  const DamageCase *c = data;
  g_autofree char *tmp = NULL;

  if (g_test_subprocess ())
    {
      /* The parent made the case; check it here, where files of mode 0 cannot be read or
       * no temporary folder can be made. */
      const char *dir = g_getenv ("STRATA_TEST_DAMAGED_DIR");
      Check check = { 0 };

      g_assert_nonnull (dir);
      check_init (&check, c, g_getenv ("STRATA_TEST_DAMAGED_LABEL"));
      if (c->child == CHILD_NOBODY)
        drop_privileges ();
      check_case (c, dir, &check);
      g_string_free (check.label, TRUE);
      return;
    }

  if (!test_have_samples ())
    return;
  tmp = test_make_tmpdir ();

  for (guint v = 0; v < MAX (c->n_variants, 1); v++)
    {
      g_autofree char *name = g_strdup_printf ("case-%u", v);
      g_autofree char *dir = g_build_filename (tmp, name, NULL);
      Check check = { 0 };

      make_case (c, v, dir, &check);
      if (c->child == CHILD_NONE)
        check_case (c, dir, &check);
      else
        {
          g_autofree char *saved_tmpdir = g_strdup (g_getenv ("TMPDIR"));

          g_setenv ("STRATA_TEST_DAMAGED_DIR", dir, TRUE);
          g_setenv ("STRATA_TEST_DAMAGED_LABEL", check.label->str, TRUE);
          if (c->child == CHILD_NO_TMPDIR)
            g_setenv ("TMPDIR", "/nonexistent/strata-test-tmp", TRUE);
          g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
          if (saved_tmpdir != NULL)
            g_setenv ("TMPDIR", saved_tmpdir, TRUE);
          else
            g_unsetenv ("TMPDIR");
          g_unsetenv ("STRATA_TEST_DAMAGED_DIR");
          g_unsetenv ("STRATA_TEST_DAMAGED_LABEL");
          g_test_trap_assert_passed ();
        }
      g_string_free (check.label, TRUE);
      test_rm_tree (dir);
    }
  test_rm_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/damaged/", cases[i].path, NULL);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  return g_test_run ();
}
