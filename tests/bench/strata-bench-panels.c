/* strata-bench-panels.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "strata-analysis.h"
#include "strata-loader.h"
#include "strata-range-stats.h"

/*
 * What the Exits and Statistics panels cost on a set: the time to build the range index once,
 * then the median time of each query over the whole set and over random ranges, and the
 * index's memory. Usage: strata-bench-panels PATH… (a saved analysis is used and made).
 * Each query runs on this thread alone: besides the wall time, the thread's processor time,
 * which a busy machine does not inflate.
 */

#define RUNS 15

static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *v,
        guint   n)
{
  qsort (v, n, sizeof (double), compare_double);
  return v[n / 2];
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataLoader) loader = NULL;
  g_autoptr(StrataCache) cache = NULL;
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(StrataRangeIndex) index = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  double t, c, whole_exits[RUNS], whole_stats[RUNS], part_exits[RUNS], part_stats[RUNS];
  double cpu_whole_exits[RUNS], cpu_whole_stats[RUNS], cpu_part_exits[RUNS], cpu_part_stats[RUNS];
  gint64 begin, end;

  if (argc < 2)
    {
      fprintf (stderr, "usage: strata-bench-panels PATH…\n");
      return 2;
    }
  loader = strata_loader_new ((const char * const *) argv + 1);
  cache = strata_cache_new (NULL, 0);
  strata_loader_set_cache (loader, cache);
  strata_loader_set_release_events (loader, TRUE);
  t = g_get_monotonic_time ();
  if ((analysis = strata_loader_load (loader, NULL, &error)) == NULL)
    {
      fprintf (stderr, "strata-bench-panels: %s\n", error->message);
      return 1;
    }
  printf ("set: %" G_GUINT64_FORMAT " changes, %" G_GUINT64_FORMAT " exits, %u preemptions; loaded in %.0f ms\n",
          strata_store_n_changes (analysis->store), strata_exits_n_exits (analysis->exits),
          analysis->preemptions->len, (g_get_monotonic_time () - t) / 1000.0);
  begin = strata_store_begin (analysis->store);
  end = strata_store_end (analysis->store);

  t = g_get_monotonic_time ();
  index = strata_range_index_new (analysis);
  printf ("range index: built once in %.1f ms, %.2f MiB\n", (g_get_monotonic_time () - t) / 1000.0,
          strata_range_index_memory (index) / 1048576.0);

  for (guint r = 0; r < RUNS; r++)
    {
      gint64 a = begin + (gint64) (g_rand_double (rand) * (double) (end - begin));
      gint64 b = begin + (gint64) (g_rand_double (rand) * (double) (end - begin));
      GArray *exits;
      StrataRangeStats *stats;

      t = g_get_monotonic_time ();
      c = cpu_ms ();
      exits = strata_exits_query (analysis->exits, begin, end, -1);
      cpu_whole_exits[r] = cpu_ms () - c;
      whole_exits[r] = (g_get_monotonic_time () - t) / 1000.0;
      g_array_unref (exits);
      t = g_get_monotonic_time ();
      c = cpu_ms ();
      stats = strata_range_index_query (index, begin, end);
      cpu_whole_stats[r] = cpu_ms () - c;
      whole_stats[r] = (g_get_monotonic_time () - t) / 1000.0;
      strata_range_stats_free (stats);
      t = g_get_monotonic_time ();
      c = cpu_ms ();
      exits = strata_exits_query (analysis->exits, MIN (a, b), MAX (a, b) + 1, -1);
      cpu_part_exits[r] = cpu_ms () - c;
      part_exits[r] = (g_get_monotonic_time () - t) / 1000.0;
      g_array_unref (exits);
      t = g_get_monotonic_time ();
      c = cpu_ms ();
      stats = strata_range_index_query (index, MIN (a, b), MAX (a, b) + 1);
      cpu_part_stats[r] = cpu_ms () - c;
      part_stats[r] = (g_get_monotonic_time () - t) / 1000.0;
      strata_range_stats_free (stats);
    }
  printf ("median of %d, wall / thread CPU:\n", RUNS);
  printf ("exits, whole set:     %.2f / %.2f ms\n", median (whole_exits, RUNS), median (cpu_whole_exits, RUNS));
  printf ("stats, whole set:     %.2f / %.2f ms\n", median (whole_stats, RUNS), median (cpu_whole_stats, RUNS));
  printf ("exits, random ranges: %.2f / %.2f ms\n", median (part_exits, RUNS), median (cpu_part_exits, RUNS));
  printf ("stats, random ranges: %.2f / %.2f ms\n", median (part_stats, RUNS), median (cpu_part_stats, RUNS));
  return 0;
}
