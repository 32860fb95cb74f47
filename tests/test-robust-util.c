/* test-robust-util.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "strata-analysis.h"
#include "strata-ctf-writer.h"
#include "strata-staging.h"
#include "strata-trace-loader.h"
#include "test-robust-util.h"
#include "test-util.h"

gint64
rt_time (guint i)
{
  return RT_OFFSET_S * G_GINT64_CONSTANT (1000000000) + RT_BASE_CYC + i * RT_STEP;
}

/* Context switches between two threads, with syscalls in between. */
void
rt_write_trace (const char *dir,
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
  options.offset_s = RT_OFFSET_S;
  options.uuid_seed = g_str_hash (hostname);
  options.packet_size = packet_size;
  writer = strata_ctf_writer_new (dir, &options, strings, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n_events; i++)
    {
      StrataEvent ev = { 0 };
      guint cpu = i % n_cpus;
      guint step = i / n_cpus;

      ev.ts = rt_time (i);
      ev.cpu = cpu;
      switch (step % 4)
        {
        case 0:
          ev.kind = STRATA_EV_SCHED_SWITCH;
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
          ev.f[STRATA_F_SWITCH_PREV_COMM] = comm_a;
          ev.f[STRATA_F_SWITCH_NEXT_COMM] = comm_b;
          break;
        }
      g_assert_true (strata_ctf_writer_add (writer, &ev, &error));
    }
  g_assert_true (strata_ctf_writer_close (writer, &error));
  g_assert_no_error (error);
}

guint8 *
rt_read_file (const char *path,
              gsize      *len)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, len, &error);
  g_assert_no_error (error);
  return (guint8 *) data;
}

void
rt_write_file (const char *path,
               const void *data,
               gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

void
rt_patch (const char *path,
          gsize       offset,
          const void *bytes,
          gsize       len)
{
  FILE *fp = g_fopen (path, "r+b");

  g_assert_nonnull (fp);
  g_assert_cmpint (fseek (fp, offset, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (bytes, 1, len, fp), ==, len);
  g_assert_cmpint (fclose (fp), ==, 0);
}

void
rt_patch_u64 (const char *path,
              gsize       offset,
              guint64     value)
{
  guint64 le = GUINT64_TO_LE (value);

  g_assert_cmpuint (offset + 8, <=, rt_file_size (path));
  rt_patch (path, offset, &le, 8);
}

void
rt_patch_u32 (const char *path,
              gsize       offset,
              guint32     value)
{
  guint32 le = GUINT32_TO_LE (value);

  g_assert_cmpuint (offset + 4, <=, rt_file_size (path));
  rt_patch (path, offset, &le, 4);
}

guint64
rt_get_u64 (const char *path,
            gsize       offset)
{
  gsize len = 0;
  g_autofree guint8 *data = rt_read_file (path, &len);
  guint64 le;

  g_assert_cmpuint (offset + 8, <=, len);
  memcpy (&le, data + offset, 8);
  return GUINT64_FROM_LE (le);
}

gsize
rt_file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

void
rt_replace (const char *path,
            const char *from,
            const char *to)
{
  gsize len = 0;
  g_autofree char *text = (char *) rt_read_file (path, &len);
  g_autoptr(GString) s = g_string_new_len (text, len);

  g_assert_cmpuint (g_string_replace (s, from, to, 0), >=, 1);
  rt_write_file (path, s->str, s->len);
}

void
rt_append (const char *path,
           const char *text)
{
  gsize len = 0;
  g_autofree char *old = (char *) rt_read_file (path, &len);
  g_autoptr(GString) s = g_string_new_len (old, len);

  g_string_append (s, text);
  rt_write_file (path, s->str, s->len);
}

/* ---- bounded loads ---- */

typedef struct
{
  char          **paths;
  StrataSet      *set;
  GError         *error;
  StrataAnalysis *analysis;
  GError         *analysis_error;
  gint            done;         /* atomic */
} Run;

static gpointer
run_thread (gpointer data)
{
  Run *run = data;

  run->set = strata_trace_load ((const char * const *) run->paths, NULL, NULL, &run->error);
  if (run->set != NULL)
    {
      run->analysis = strata_analysis_new (run->set, NULL, &run->analysis_error);
      if (run->analysis != NULL)
        for (guint r = 0; r < strata_store_n_rows (run->analysis->store); r++)
          {
            StrataInterval iv;

            strata_store_lookup (run->analysis->store, r, strata_store_begin (run->analysis->store), &iv);
          }
    }
  g_atomic_int_set (&run->done, 1);
  return NULL;
}

static glong
rss_kb (void)
{
  g_autofree char *statm = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL) ||
      sscanf (statm, "%lu %lu", &size, &resident) != 2)
    return 0;
  return (glong) (resident * (sysconf (_SC_PAGESIZE) / 1024));
}

StrataSet *
rt_load_bounded (const char         *label,
                 const char * const *paths,
                 guint               timeout_s,
                 guint               rss_mb,
                 GError            **error)
{
  Run run = { 0 };
  GThread *thread;
  gint64 started = g_get_monotonic_time ();
  gint64 deadline = started + (gint64) timeout_s * G_USEC_PER_SEC;
  glong base = rss_kb (), peak = base;

  run.paths = g_strdupv ((char **) paths);
  thread = g_thread_new ("robust-load", run_thread, &run);
  /* The watchdog: a hang or a runaway allocation ends the test here, not the machine. */
  while (!g_atomic_int_get (&run.done))
    {
      glong now = rss_kb ();

      peak = MAX (peak, now);
      if (now - base > (glong) rss_mb * 1024)
        g_error ("%s: the load grew the memory by %ld MiB (budget %u MiB)", label, (now - base) / 1024, rss_mb);
      if (g_get_monotonic_time () > deadline)
        g_error ("%s: the load did not finish within %u s", label, timeout_s);
      g_usleep (10000);
    }
  g_thread_join (thread);
  g_test_message ("%s: %.0f ms, peak RSS +%ld KiB", label,
                  (g_get_monotonic_time () - started) / 1000.0, peak - base);
  if (run.set != NULL)
    {
      g_assert_no_error (run.analysis_error);
      g_assert_nonnull (run.analysis);
    }
  g_clear_pointer (&run.analysis, strata_analysis_unref);
  g_strfreev (run.paths);
  if (run.error != NULL)
    g_propagate_error (error, run.error);
  return run.set;
}

void
rt_dump_errors (const char *label,
                GPtrArray  *errors)
{
  for (guint i = 0; i < errors->len; i++)
    g_test_message ("%s: %s", label, (const char *) g_ptr_array_index (errors, i));
}

StrataSet *
rt_check_case (const char *label,
               const char *case_dir,
               const char *damaged)
{
  g_autofree char *good = test_sample (RT_GOOD_TRACE);
  const char *paths[] = { damaged, good, NULL };
  g_autoptr(GError) error = NULL;
  StrataSet *set;
  StrataTrace *t;

  set = rt_load_bounded (label, paths, 120, 1024, &error);
  g_assert_no_error (error);
  g_assert_nonnull (set);
  rt_dump_errors (label, set->errors);
  for (guint i = 0; i < set->errors->len; i++)
    g_assert_true (g_str_has_prefix (g_ptr_array_index (set->errors, i), case_dir));
  for (guint i = 0; i < set->traces->len; i++)
    {
      t = g_ptr_array_index (set->traces, i);
      for (guint e = 0; e < t->errors->len; e++)
        g_assert_true (g_str_has_prefix (g_ptr_array_index (t->errors, e), t->path));
    }
  t = test_find_trace (set, good);
  g_assert_nonnull (t);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->events, ==, RT_GOOD_EVENTS);
  g_assert_cmpuint (t->errors->len, ==, 0);
  return set;
}

guint64
rt_trace_events (StrataTrace *trace)
{
  guint64 n = 0;

  for (guint i = 0; i < trace->streams->len; i++)
    n += ((StrataStream *) g_ptr_array_index (trace->streams, i))->events;
  return n;
}

guint
rt_trace_n_cpus (StrataTrace *trace)
{
  guint n = 0;

  for (guint i = 0; i < trace->streams->len; i++)
    {
      StrataStream *s = g_ptr_array_index (trace->streams, i);

      if (s->cpu != G_MAXUINT32)
        n = MAX (n, s->cpu + 1);
    }
  return n;
}

void
rt_assert_no_staging (void)
{
  g_autoptr(GDir) dir = g_dir_open (g_get_tmp_dir (), 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, STRATA_STAGING_PREFIX) || g_str_has_prefix (name, "strata-prep-"))
      g_error ("a staging folder was left behind: %s/%s", g_get_tmp_dir (), name);
}
