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
 *   strata-bench render DIR...   median time to draw a 1920×1080 frame of every row for 100
 *                                random zoom windows, and the median hover query
 *
 * Each measured run is a child process, so that its peak resident memory is its own.
 */

#define G_LOG_DOMAIN "strata-bench"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strata-analysis.h"
#include "strata-layout.h"
#include "strata-memory.h"
#include "strata-renderer.h"
#include "strata-timing.h"
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

static int
bench_load (char **paths)
{
  g_autoptr(GPtrArray) bt = g_ptr_array_new ();
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();
  g_autoptr(GPtrArray) full = g_ptr_array_new ();
  /* The analysis is measured over several runs: on a shared machine one run can be a third
   * off. The run with the median ratio is shown, and every run's ratio. */
  guint n_runs = g_getenv ("STRATA_BENCH_RUNS") ? CLAMP (atoi (g_getenv ("STRATA_BENCH_RUNS")), 1, 15) : 3;
  Run rb, rm, rf, runs[15];
  double ratios[15], sorted[15], peak_mib = 0;
  g_autoptr(GString) all = g_string_new (NULL);
  guint median = 0;
  guint64 events = 0, changes = 0;
  double decode_s = 0, analyse_s = 0, full_decode_s = 0, decode_cpu = 0, analyse_cpu = 0;
  gsize store_bytes = 0, set_bytes = 0;

  g_ptr_array_add (bt, (char *) "babeltrace2");
  for (guint i = 0; paths[i]; i++)
    g_ptr_array_add (bt, paths[i]);
  g_ptr_array_add (bt, (char *) "-c");
  g_ptr_array_add (bt, (char *) "sink.utils.dummy");
  g_ptr_array_add (bt, NULL);

  g_ptr_array_add (mine, (char *) self_path);
  g_ptr_array_add (mine, (char *) "--child-decode");
  g_ptr_array_add (full, (char *) self_path);
  g_ptr_array_add (full, (char *) "--child-analyse");
  for (guint i = 0; paths[i]; i++)
    {
      g_ptr_array_add (mine, paths[i]);
      g_ptr_array_add (full, paths[i]);
    }
  g_ptr_array_add (mine, NULL);
  g_ptr_array_add (full, NULL);

  /* babeltrace2 and the decoder alone: the median of as many runs, for the same reason. */
  rb = median_run ((char **) bt->pdata, n_runs);
  rm = median_run ((char **) mine->pdata, n_runs);
  if (sscanf (rm.out, "%" G_GUINT64_FORMAT " %lf", &events, &decode_s) != 2)
    {
      g_printerr ("strata-bench: the loader failed (status %d)\n", rm.status);
      return 1;
    }
  for (guint r = 0; r < n_runs; r++)
    {
      double d, an;

      runs[r] = measure ((char **) full->pdata);
      if (sscanf (runs[r].out, "%*u %lf %lf", &d, &an) != 2)
        {
          g_printerr ("strata-bench: the analysis failed (status %d)\n", runs[r].status);
          return 1;
        }
      sorted[r] = ratios[r] = an / d;
      peak_mib = MAX (peak_mib, runs[r].peak_mib);
      g_string_append_printf (all, "%s%.0f%%", r ? ", " : "", 100 * ratios[r]);
    }
  qsort (sorted, n_runs, sizeof (double), compare_double);
  while (ratios[median] != sorted[n_runs / 2])
    median++;
  rf = runs[median];
  if (sscanf (rf.out, "%*u %lf %lf %" G_GUINT64_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %lf %lf",
              &full_decode_s, &analyse_s, &changes, &store_bytes, &set_bytes, &decode_cpu, &analyse_cpu) != 7)
    {
      g_printerr ("strata-bench: the analysis failed (status %d)\n", rf.status);
      return 1;
    }

  g_print ("Trace set: %" G_GUINT64_FORMAT " events, %u processors\n\n", events, g_get_num_processors ());
  g_print ("%-44s %10s %12s %10s %10s\n", "", "seconds", "events/s", "peak MiB", "B/event");
  g_print ("%-44s %10.2f %12.0f %10.1f %10.1f\n", "babeltrace2 -c sink.utils.dummy",
           rb.seconds, events / rb.seconds, rb.peak_mib, rb.peak_mib * 1048576 / events);
  g_print ("%-44s %10.2f %12.0f %10.1f %10.1f\n", "strata: decode into core events",
           rm.seconds, events / rm.seconds, rm.peak_mib, rm.peak_mib * 1048576 / events);
  g_print ("%-44s %10.2f %12.0f %10.1f %10.1f\n", "strata: decode + analysis (fused store)",
           rf.seconds, events / rf.seconds, peak_mib, peak_mib * 1048576 / events);
  g_print ("\n");
  g_print ("decode speed-up over babeltrace2:  %.2fx (target >= 2.5x)\n", rb.seconds / rm.seconds);
  g_print ("analysis time / decode time:       %.0f%% (target <= 30%%; decode %.2f s, analysis %.2f s)\n",
           100 * analyse_s / full_decode_s, full_decode_s, analyse_s);
  g_print ("                                   median of %u runs: %s\n", n_runs, all->str);
  g_print ("processor time:                    decode %.2f s, analysis %.2f s (on %u processors)\n",
           decode_cpu, analyse_cpu, g_get_num_processors ());
  g_print ("stored changes:                    %" G_GUINT64_FORMAT " (%.2f per event)\n", changes,
           (double) changes / events);
  g_print ("bytes per stored change:           %.1f (target <= 16)\n", (double) store_bytes / changes);
  g_print ("decoded events in memory:          %.1f B/event\n", (double) set_bytes / events);
  g_print ("peak memory per event, full load:  %.1f B/event (target <= 32; the highest of the runs)\n",
           peak_mib * 1048576 / events);
  g_free (rb.out);
  g_free (rm.out);
  for (guint r = 0; r < n_runs; r++)
    g_free (runs[r].out);
  return 0;
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
  double frames[100], hovers[1000];
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

      options.visible.begin = from;
      options.visible.end = from + span;
      t0 = g_get_monotonic_time ();
      strata_render (cr, analysis, layout, &options);
      cairo_surface_flush (surface);
      frames[i] = (g_get_monotonic_time () - t0) / 1000.0;
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
  qsort (frames, G_N_ELEMENTS (frames), sizeof (double), compare_double);
  qsort (hovers, G_N_ELEMENTS (hovers), sizeof (double), compare_double);
  g_print ("%" G_GUINT64_FORMAT " events, %u rows (%u drawn), %" G_GUINT64_FORMAT " changes\n",
           strata_set_event_count (set), n_rows, layout->entries->len, strata_store_n_changes (analysis->store));
  g_print ("frame 1920x1080, 100 random zoom windows: median %.2f ms, p90 %.2f ms, max %.2f ms (target median <= 8 ms)\n",
           frames[49], frames[89], frames[99]);
  g_print ("hover query, 1000 random points: median %.4f ms, max %.4f ms (target <= 0.1 ms)\n",
           hovers[499], hovers[999]);
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
  if (argc >= 3 && strcmp (argv[1], "load") == 0)
    return bench_load (argv + 2);
  if (argc >= 3 && strcmp (argv[1], "render") == 0)
    return bench_render (argv + 2);
  g_printerr ("Usage: strata-bench load|render DIR...\n");
  return 2;
}
