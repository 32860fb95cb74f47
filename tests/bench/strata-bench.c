/* strata-bench.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * Benchmarks that print numbers; nothing here passes or fails on speed.
 *
 *   strata-bench load DIR...     decode (and analysis) throughput and peak memory, side by
 *                                side with `babeltrace2 -c sink.utils.dummy` on the same folders
 *   strata-bench open DIR...     time and peak memory to a first drawn frame, opening the set
 *                                the first time (decode, analyse, save) and again (saved)
 *   strata-bench render DIR...   median time to draw a 1920×1080 frame of every row for 100
 *                                random zoom windows, the median hover query, and the
 *                                median tooltip text of a drawn row
 *   strata-bench shapes ROOT     load and open, for each shape's set ROOT/<shape>: a table
 *   strata-bench sync DIR NODIR  analysis time of one set recorded with vmsync events (DIR) and
 *                                without any (NODIR: its guests are paired and synchronized by
 *                                their VMs' KVM windows)
 *
 * Each measured run is a child process, so that its peak resident memory is its own.
 */

#define G_LOG_DOMAIN "strata-bench"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "strata-analysis.h"
#include "strata-describe.h"
#include "strata-layout.h"
#include "strata-memory.h"
#include "strata-renderer.h"
#include "strata-timing.h"
#include "strata-loader.h"
#include "strata-trace-loader.h"

typedef struct
{
  double  seconds;
  double  peak_mib;
  int     status;
  char   *out;
} Run;

/* Runs @argv, returns its wall time and peak RSS (from wait4), and its stdout. */
static Run
measure (char **argv)
{
  Run run = { 0 };
  struct rusage usage;
  int pipefd[2];
  gint64 start;
  pid_t pid;
  GString *out = g_string_new (NULL);
  char buf[4096];
  ssize_t n;

  if (pipe (pipefd) != 0)
    g_error ("pipe: %s", g_strerror (errno));
  start = g_get_monotonic_time ();
  pid = fork ();
  if (pid == 0)
    {
      int null = open ("/dev/null", O_WRONLY);

      dup2 (pipefd[1], 1);
      dup2 (null, 2);
      close (pipefd[0]);
      execvp (argv[0], argv);
      _exit (127);
    }
  close (pipefd[1]);
  while ((n = read (pipefd[0], buf, sizeof buf)) > 0)
    g_string_append_len (out, buf, n);
  close (pipefd[0]);
  wait4 (pid, &run.status, 0, &usage);
  run.seconds = (g_get_monotonic_time () - start) / 1e6;
  run.peak_mib = usage.ru_maxrss / 1024.0;
  run.out = g_string_free (out, FALSE);
  return run;
}

static const char *self_path;

/* User and system time of this process and its threads so far. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* Child: load (and analyse); print "events decode_s analyse_s changes store_bytes". */
static int
child_load (char **paths,
            gboolean analyse)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(StrataTiming) timing = strata_timing_new_from_env ("analysis");
  StrataAnalysisOptions options = { .release_events = TRUE, .phase_func = strata_timing_phase_cb,
                                    .phase_data = timing };
  gint64 t0 = g_get_monotonic_time (), t1, t2;
  double cpu0 = cpu_seconds (), cpu1, cpu2;
  gsize set_bytes;

  set = strata_trace_load ((const char * const *) paths, NULL, NULL, &error);
  if (set == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  t1 = g_get_monotonic_time ();
  cpu1 = cpu_seconds ();
  set_bytes = strata_set_memory (set);
  if (analyse)
    {
      /* STRATA_BENCH_REPEAT=N analyses N times: for profiling the analysis alone. */
      guint repeat = g_getenv ("STRATA_BENCH_REPEAT") ? atoi (g_getenv ("STRATA_BENCH_REPEAT")) : 1;

      options.release_events = repeat <= 1;
      for (guint r = 1; r < repeat; r++)
        strata_analysis_unref (strata_analysis_new (set, &options, NULL));
      analysis = strata_analysis_new (set, &options, &error);
    }
  t2 = g_get_monotonic_time ();
  cpu2 = cpu_seconds ();
  g_print ("%" G_GUINT64_FORMAT " %.4f %.4f %" G_GUINT64_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %.4f %.4f\n",
           strata_set_event_count (set), (t1 - t0) / 1e6, (t2 - t1) / 1e6,
           analysis ? strata_store_n_changes (analysis->store) : 0,
           analysis ? strata_store_memory (analysis->store) : 0,
           set_bytes, cpu1 - cpu0, cpu2 - cpu1);
  return 0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

/* Runs @argv @n times; returns the run of median wall time (the others are freed). */
static Run
median_run (char **argv,
            guint  n)
{
  Run runs[15] = { { 0 } }, median;
  double seconds[15];
  guint pick = 0;

  for (guint r = 0; r < n; r++)
    {
      runs[r] = measure (argv);
      seconds[r] = runs[r].seconds;
    }
  qsort (seconds, n, sizeof (double), compare_double);
  while (runs[pick].seconds != seconds[n / 2])
    pick++;
  median = runs[pick];
  for (guint r = 0; r < n; r++)
    if (r != pick)
      g_free (runs[r].out);
  return median;
}

/* What bench_load() measures, medians of its runs. */
typedef struct
{
  guint64 events;
  guint64 changes;
  double  bt_s;                /* babeltrace2 -c sink.utils.dummy */
  double  bt_peak_mib;
  double  decode_s;            /* the decoder alone */
  double  decode_peak_mib;
  double  full_s;              /* decode + analysis, wall clock of the process */
  double  full_decode_s;       /* its two parts, as the child times them */
  double  analyse_s;
  double  peak_mib;            /* the highest of the full runs */
  double  decode_cpu;
  double  analyse_cpu;
  gsize   store_bytes;
  gsize   set_bytes;
  char   *ratios;              /* every full run's analysis / decode */
  guint   n_runs;
} LoadFigures;

static guint
bench_runs (void)
{
  return g_getenv ("STRATA_BENCH_RUNS") ? CLAMP (atoi (g_getenv ("STRATA_BENCH_RUNS")), 1, 15) : 3;
}

static GPtrArray *
child_argv (const char  *mode,
            char       **paths)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) self_path);
  g_ptr_array_add (argv, (char *) mode);
  for (guint i = 0; paths[i]; i++)
    g_ptr_array_add (argv, paths[i]);
  g_ptr_array_add (argv, NULL);
  return argv;
}

static gboolean
measure_load (char        **paths,
              LoadFigures  *fig)
{
  g_autoptr(GPtrArray) bt = g_ptr_array_new ();
  g_autoptr(GPtrArray) mine = child_argv ("--child-decode", paths);
  g_autoptr(GPtrArray) full = child_argv ("--child-analyse", paths);
  /* The analysis is measured over several runs: on a shared machine one run can be a third
   * off. The run with the median ratio is kept, and every run's ratio. */
  guint n_runs = bench_runs ();
  Run rb, rm, rf, runs[15];
  double ratios[15], sorted[15];
  GString *all = g_string_new (NULL);
  guint median = 0;

  memset (fig, 0, sizeof *fig);
  fig->n_runs = n_runs;
  g_ptr_array_add (bt, (char *) "babeltrace2");
  for (guint i = 0; paths[i]; i++)
    g_ptr_array_add (bt, paths[i]);
  g_ptr_array_add (bt, (char *) "-c");
  g_ptr_array_add (bt, (char *) "sink.utils.dummy");
  g_ptr_array_add (bt, NULL);

  /* babeltrace2 and the decoder alone: the median of as many runs, for the same reason. */
  rb = median_run ((char **) bt->pdata, n_runs);
  rm = median_run ((char **) mine->pdata, n_runs);
  if (sscanf (rm.out, "%" G_GUINT64_FORMAT, &fig->events) != 1)
    {
      g_printerr ("strata-bench: the loader failed (status %d)\n", rm.status);
      return FALSE;
    }
  for (guint r = 0; r < n_runs; r++)
    {
      double d, an;

      runs[r] = measure ((char **) full->pdata);
      if (sscanf (runs[r].out, "%*u %lf %lf", &d, &an) != 2)
        {
          g_printerr ("strata-bench: the analysis failed (status %d)\n", runs[r].status);
          return FALSE;
        }
      sorted[r] = ratios[r] = an / d;
      fig->peak_mib = MAX (fig->peak_mib, runs[r].peak_mib);
      g_string_append_printf (all, "%s%.0f%%", r ? ", " : "", 100 * ratios[r]);
    }
  qsort (sorted, n_runs, sizeof (double), compare_double);
  while (ratios[median] != sorted[n_runs / 2])
    median++;
  rf = runs[median];
  if (sscanf (rf.out, "%*u %lf %lf %" G_GUINT64_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %lf %lf",
              &fig->full_decode_s, &fig->analyse_s, &fig->changes, &fig->store_bytes, &fig->set_bytes,
              &fig->decode_cpu, &fig->analyse_cpu) != 7)
    {
      g_printerr ("strata-bench: the analysis failed (status %d)\n", rf.status);
      return FALSE;
    }
  fig->bt_s = rb.seconds;
  fig->bt_peak_mib = rb.peak_mib;
  fig->decode_s = rm.seconds;
  fig->decode_peak_mib = rm.peak_mib;
  fig->full_s = rf.seconds;
  fig->ratios = g_string_free (all, FALSE);
  g_free (rb.out);
  g_free (rm.out);
  for (guint r = 0; r < n_runs; r++)
    g_free (runs[r].out);
  return TRUE;
}

static int
bench_load (char **paths)
{
  LoadFigures f;
  double events;

  if (!measure_load (paths, &f))
    return 1;
  events = f.events;
  g_print ("Trace set: %" G_GUINT64_FORMAT " events, %u processors\n\n", f.events, g_get_num_processors ());
  g_print ("%-44s %10s %12s %10s %10s\n", "", "seconds", "events/s", "peak MiB", "B/event");
  g_print ("%-44s %10.2f %12.0f %10.1f %10.1f\n", "babeltrace2 -c sink.utils.dummy",
           f.bt_s, events / f.bt_s, f.bt_peak_mib, f.bt_peak_mib * 1048576 / events);
  g_print ("%-44s %10.2f %12.0f %10.1f %10.1f\n", "strata: decode into core events",
           f.decode_s, events / f.decode_s, f.decode_peak_mib, f.decode_peak_mib * 1048576 / events);
  g_print ("%-44s %10.2f %12.0f %10.1f %10.1f\n", "strata: decode + analysis (fused store)",
           f.full_s, events / f.full_s, f.peak_mib, f.peak_mib * 1048576 / events);
  g_print ("\n");
  g_print ("decode speed-up over babeltrace2:  %.2fx (target >= 2.0x)\n", f.bt_s / f.decode_s);
  g_print ("full load speed-up:                %.2fx (decode + analysis)\n", f.bt_s / f.full_s);
  g_print ("analysis time / decode time:       %.0f%% (target <= 30%%; decode %.2f s, analysis %.2f s)\n",
           100 * f.analyse_s / f.full_decode_s, f.full_decode_s, f.analyse_s);
  g_print ("                                   median of %u runs: %s\n", f.n_runs, f.ratios);
  g_print ("processor time:                    decode %.2f s, analysis %.2f s (on %u processors)\n",
           f.decode_cpu, f.analyse_cpu, g_get_num_processors ());
  g_print ("stored changes:                    %" G_GUINT64_FORMAT " (%.2f per event)\n", f.changes,
           (double) f.changes / events);
  g_print ("bytes per stored change:           %.1f (target <= 16)\n", (double) f.store_bytes / f.changes);
  g_print ("decoded events in memory:          %.1f B/event\n", (double) f.set_bytes / events);
  g_print ("peak memory per event, full load:  %.1f B/event (target <= 32; the highest of the runs)\n",
           f.peak_mib * 1048576 / events);
  g_free (f.ratios);
  return 0;
}

/* Child: opens a set as the app does (StrataLoader, with the cache in $STRATA_BENCH_CACHE),
 * then draws a first 1920×1080 frame of it; prints "from_cache open_s frame_s". */
static int
child_open (char **paths)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataLoader) loader = strata_loader_new ((const char * const *) paths);
  g_autoptr(StrataCache) cache = strata_cache_new (g_getenv ("STRATA_BENCH_CACHE"), G_MAXUINT64);
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(StrataLayout) layout = NULL;
  cairo_surface_t *surface;
  StrataRenderOptions options;
  gint64 t0 = g_get_monotonic_time (), t1;
  cairo_t *cr;

  strata_loader_set_release_events (loader, TRUE);
  strata_loader_set_cache (loader, cache);
  /* STRATA_BENCH_MEMORY_LIMIT=0 puts every store on disk as it is made. */
  if (g_getenv ("STRATA_BENCH_MEMORY_LIMIT") != NULL)
    strata_loader_set_memory_limit (loader, g_ascii_strtoull (g_getenv ("STRATA_BENCH_MEMORY_LIMIT"), NULL, 10));
  if ((analysis = strata_loader_load (loader, NULL, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  t1 = g_get_monotonic_time ();
  layout = strata_layout_new (analysis);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1920, 1080);
  cr = cairo_create (surface);
  strata_render_options_init (&options, analysis, 1920, 1080);
  strata_render (cr, analysis, layout, &options);
  cairo_surface_flush (surface);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  g_print ("%d %.4f %.4f\n", strata_loader_get_from_cache (loader), (t1 - t0) / 1e6,
           (g_get_monotonic_time () - t0) / 1e6);
  return 0;
}

typedef struct
{
  double first_s;          /* to a drawn frame, median */
  double first_peak_mib;   /* the highest */
  double reopen_s;
  double reopen_peak_mib;
  guint64 saved_bytes;
} OpenFigures;

static gboolean
measure_open (char        **paths,
              OpenFigures  *fig)
{
  g_autoptr(GPtrArray) argv = child_argv ("--child-open", paths);
  guint n_runs = bench_runs ();
  double first[15], again[15];
  const char *base = g_getenv ("STRATA_BENCH_DIR");
  g_autofree char *root = g_build_filename (base ? base : g_get_user_cache_dir (), base ? NULL : "strata-bench", NULL);

  memset (fig, 0, sizeof *fig);
  for (guint r = 0; r < n_runs; r++)
    {
      g_autofree char *dir = g_build_filename (root, "saved-XXXXXX", NULL);
      g_autoptr(StrataCache) cache = NULL;
      Run a, b;
      int opened[2] = { -1, -1 };

      if (g_mkdir_with_parents (root, 0700) != 0 || g_mkdtemp (dir) == NULL)
        return FALSE;
      cache = strata_cache_new (dir, G_MAXUINT64);
      g_setenv ("STRATA_BENCH_CACHE", dir, TRUE);
      a = measure ((char **) argv->pdata);
      b = measure ((char **) argv->pdata);
      g_unsetenv ("STRATA_BENCH_CACHE");
      fig->saved_bytes = strata_cache_get_size (cache);
      strata_cache_forget (cache, NULL);
      g_rmdir (dir);
      if (sscanf (a.out, "%d %*f %lf", &opened[0], &first[r]) != 2 ||
          sscanf (b.out, "%d %*f %lf", &opened[1], &again[r]) != 2 || opened[0] != 0 || opened[1] != 1)
        {
          g_printerr ("strata-bench: opening failed (status %d, %d; from cache %d, %d)\n",
                      a.status, b.status, opened[0], opened[1]);
          return FALSE;
        }
      fig->first_peak_mib = MAX (fig->first_peak_mib, a.peak_mib);
      fig->reopen_peak_mib = MAX (fig->reopen_peak_mib, b.peak_mib);
      g_free (a.out);
      g_free (b.out);
    }
  qsort (first, n_runs, sizeof (double), compare_double);
  qsort (again, n_runs, sizeof (double), compare_double);
  fig->first_s = first[n_runs / 2];
  fig->reopen_s = again[n_runs / 2];
  return TRUE;
}

static int
bench_open (char **paths)
{
  OpenFigures f;

  if (!measure_open (paths, &f))
    return 1;
  g_print ("%-44s %10s %10s\n", "(to a drawn 1920x1080 frame)", "seconds", "peak MiB");
  g_print ("%-44s %10.2f %10.1f\n", "first open: decode, analyse, save", f.first_s, f.first_peak_mib);
  g_print ("%-44s %10.2f %10.1f\n", "reopen from the saved analysis", f.reopen_s, f.reopen_peak_mib);
  g_print ("\nreopen / first open: %.0f%% of the time (target <= 10%%), %.0f%% of the peak memory "
           "(target <= 50%%); saved file %.1f MiB\n", 100 * f.reopen_s / f.first_s,
           100 * f.reopen_peak_mib / f.first_peak_mib, f.saved_bytes / 1048576.0);
  return 0;
}

/* Every shape's set under ROOT (ROOT/<shape>): one line each. "guest-threads" is contention
 * again, with many short-lived guest threads and short guest-mode windows: what a busy
 * consolidated host gives, and what costs the most memory an event. */
static int
bench_shapes (const char *root)
{
  static const char *shapes[] = { "mixed", "exits", "switches", "irqs", "contention", "guest-threads" };
  g_autoptr(GString) runs = g_string_new (NULL);

  g_print ("%-14s %8s %7s %7s %9s %8s %8s %9s %8s %8s\n", "shape", "events", "decode", "full",
           "analysis", "peak", "changes", "reopen", "reopen", "reopen");
  g_print ("%-14s %8s %7s %7s %9s %8s %8s %9s %8s %8s\n", "", "M", "ratio", "ratio",
           "% decode", "B/event", "/event", "s", "% time", "% peak");
  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autofree char *dir = g_build_filename (root, shapes[i], NULL);
      char *paths[] = { dir, NULL };
      LoadFigures l;
      OpenFigures o;

      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        continue;
      if (!measure_load (paths, &l) || !measure_open (paths, &o))
        return 1;
      g_print ("%-14s %8.2f %6.2fx %6.2fx %8.0f%% %8.1f %8.2f %9.2f %7.0f%% %7.0f%%\n", shapes[i],
               l.events / 1e6, l.bt_s / l.decode_s, l.bt_s / l.full_s, 100 * l.analyse_s / l.full_decode_s,
               l.peak_mib * 1048576 / l.events, (double) l.changes / l.events, o.reopen_s,
               100 * o.reopen_s / o.first_s, 100 * o.reopen_peak_mib / o.first_peak_mib);
      g_string_append_printf (runs, "%-14s %s\n", shapes[i], l.ratios);
      g_free (l.ratios);
    }
  g_print ("\nTargets: decode ratio >= 2.0x babeltrace2 -c sink.utils.dummy, analysis <= 30%% of "
           "decode, peak <= 32 B/event; reopen <= 10%% of the first open's time and <= 50%% of its "
           "peak (first open: decode, analyse, save, draw; reopen: open the saved analysis, draw). "
           "Medians of %u runs.\n", bench_runs ());
  /* Wall-clock shares move from run to run on a shared machine: each run's, to judge the median. */
  g_print ("\nAnalysis %% of decode, every run:\n%s", runs->str);
  return 0;
}

/* The two sets' analyses alternate, so that a busy spell of a shared machine weighs on both. */
static int
bench_sync (char *with,
            char *without)
{
  char *paths[2][2] = { { with, NULL }, { without, NULL } };
  guint n_runs = MAX (bench_runs (), 5);
  double wall[2][15], cpu[2][15], median_wall[2], median_cpu[2];
  guint64 events[2] = { 0, 0 };

  for (guint r = 0; r < n_runs; r++)
    for (guint k = 0; k < 2; k++)
      {
        g_autoptr(GPtrArray) argv = child_argv ("--child-analyse", paths[k]);
        Run run = measure ((char **) argv->pdata);

        if (sscanf (run.out, "%" G_GUINT64_FORMAT " %*f %lf %*u %*u %*u %*f %lf",
                    &events[k], &wall[k][r], &cpu[k][r]) != 3)
          {
            g_printerr ("strata-bench: the analysis of %s failed (status %d)\n", paths[k][0], run.status);
            g_free (run.out);
            return 1;
          }
        g_free (run.out);
      }
  for (guint k = 0; k < 2; k++)
    {
      qsort (wall[k], n_runs, sizeof (double), compare_double);
      qsort (cpu[k], n_runs, sizeof (double), compare_double);
      median_wall[k] = wall[k][n_runs / 2];
      median_cpu[k] = cpu[k][n_runs / 2];
    }
  g_print ("%-36s %10s %12s %14s\n", "", "events", "analysis s", "processor s");
  g_print ("%-36s %10" G_GUINT64_FORMAT " %12.3f %14.3f\n", "guests with vmsync events", events[0],
           median_wall[0], median_cpu[0]);
  g_print ("%-36s %10" G_GUINT64_FORMAT " %12.3f %14.3f\n", "guests without sync events (KVM fit)", events[1],
           median_wall[1], median_cpu[1]);
  g_print ("\nanalysis time without / with sync:  %.0f%% (target <= 110%%; processor time %.0f%%)\n",
           100 * median_wall[1] / median_wall[0], 100 * median_cpu[1] / median_cpu[0]);
  g_print ("                                    medians of %u runs each, alternating\n", n_runs);
  return 0;
}

/* This thread's processor time: a frame is drawn on one thread, and a busy machine inflates
 * its wall time, not this. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
bench_render (char **paths)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_trace_load ((const char * const *) paths, NULL, NULL, &error);
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(StrataLayout) layout = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1920, 1080);
  double frames[100], frames_cpu[100], hovers[1000], tooltips[1000];
  StrataRenderOptions options;
  gint64 begin, end;
  guint n_rows;

  if (set == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  analysis = strata_analysis_new (set, NULL, &error);
  layout = strata_layout_new (analysis);
  begin = strata_store_begin (analysis->store);
  end = strata_store_end (analysis->store);
  n_rows = strata_store_n_rows (analysis->store);
  strata_render_options_init (&options, analysis, 1920, 1080);

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      /* Zoom windows from the whole set down to a few µs, anywhere in it. */
      double zoom = g_rand_double_range (rand, 0, 6);
      gint64 span = MAX ((gint64) ((end - begin) / pow (10, zoom)), 1000);
      gint64 from = begin + (gint64) (g_rand_double (rand) * (end - begin - span));
      cairo_t *cr = cairo_create (surface);
      gint64 t0;
      double c0;

      options.visible.begin = from;
      options.visible.end = from + span;
      t0 = g_get_monotonic_time ();
      c0 = thread_cpu_ms ();
      strata_render (cr, analysis, layout, &options);
      cairo_surface_flush (surface);
      frames[i] = (g_get_monotonic_time () - t0) / 1000.0;
      frames_cpu[i] = thread_cpu_ms () - c0;
      cairo_destroy (cr);
    }
  for (guint i = 0; i < G_N_ELEMENTS (hovers); i++)
    {
      guint row = g_rand_int_range (rand, 0, n_rows);
      gint64 ts = begin + (gint64) (g_rand_double (rand) * (end - begin));
      StrataInterval iv;
      gint64 t0 = g_get_monotonic_time ();
      volatile gboolean found;
      double us;

      /* What a tooltip does: find the row, the interval, and its names. */
      found = strata_store_lookup (analysis->store, row, ts, &iv) &&
              strata_analysis_string (analysis, iv.desc->comm) != NULL;
      (void) found;
      us = (g_get_monotonic_time () - t0);
      hovers[i] = us / 1000.0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (tooltips); i++)
    {
      const StrataLayoutEntry *e = &g_array_index (layout->entries, StrataLayoutEntry,
                                                   g_rand_int_range (rand, 0, layout->entries->len));
      gint64 ts = begin + (gint64) (g_rand_double (rand) * (end - begin));
      gint64 t0 = g_get_monotonic_time ();
      g_autofree char *text = NULL;
      StrataInterval iv;

      /* What the app's tooltip over a drawn row does: the interval's text, and what the
       * pixel column under the pointer stands for. */
      if (!e->header && strata_store_lookup (analysis->store, e->row, ts, &iv))
        {
          StrataPixel px;

          text = strata_describe_interval (analysis, e->row, &iv, ts);
          strata_store_summarize (analysis->store, e->row, ts, ts + (end - begin) / 1600, 1, &px);
        }
      tooltips[i] = (g_get_monotonic_time () - t0) / 1000.0;
    }
  qsort (frames, G_N_ELEMENTS (frames), sizeof (double), compare_double);
  qsort (frames_cpu, G_N_ELEMENTS (frames_cpu), sizeof (double), compare_double);
  qsort (tooltips, G_N_ELEMENTS (tooltips), sizeof (double), compare_double);
  qsort (hovers, G_N_ELEMENTS (hovers), sizeof (double), compare_double);
  g_print ("%" G_GUINT64_FORMAT " events, %u rows (%u drawn), %" G_GUINT64_FORMAT " changes\n",
           strata_set_event_count (set), n_rows, layout->entries->len, strata_store_n_changes (analysis->store));
  g_print ("frame 1920x1080, 100 random zoom windows: median %.2f ms, p90 %.2f ms, max %.2f ms (target median <= 8 ms)\n",
           frames[49], frames[89], frames[99]);
  g_print ("                 its processor time: median %.2f ms, p90 %.2f ms, max %.2f ms\n",
           frames_cpu[49], frames_cpu[89], frames_cpu[99]);
  g_print ("hover query, 1000 random points: median %.4f ms, max %.4f ms (target <= 0.1 ms)\n",
           hovers[499], hovers[999]);
  g_print ("tooltip text of a drawn row, 1000 random points: median %.4f ms, p99 %.4f ms, max %.4f ms\n",
           tooltips[499], tooltips[989], tooltips[999]);
  cairo_surface_destroy (surface);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  self_path = argv[0];
  /* As the app and the CLI do: the memory figures are theirs. */
  strata_memory_setup ();
  if (argc >= 3 && strcmp (argv[1], "--child-decode") == 0)
    return child_load (argv + 2, FALSE);
  if (argc >= 3 && strcmp (argv[1], "--child-analyse") == 0)
    return child_load (argv + 2, TRUE);
  if (argc >= 3 && strcmp (argv[1], "--child-open") == 0)
    return child_open (argv + 2);
  if (argc >= 3 && strcmp (argv[1], "load") == 0)
    return bench_load (argv + 2);
  if (argc >= 3 && strcmp (argv[1], "open") == 0)
    return bench_open (argv + 2);
  if (argc == 3 && strcmp (argv[1], "shapes") == 0)
    return bench_shapes (argv[2]);
  if (argc >= 3 && strcmp (argv[1], "render") == 0)
    return bench_render (argv + 2);
  if (argc == 4 && strcmp (argv[1], "sync") == 0)
    return bench_sync (argv[2], argv[3]);
  g_printerr ("Usage: strata-bench load|open|render DIR...\n"
              "       strata-bench shapes ROOT\n"
              "       strata-bench sync DIR_WITH_VMSYNC DIR_WITHOUT\n");
  return 2;
}
