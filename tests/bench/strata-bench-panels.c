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
#include "strata-findings.h"
#include "strata-follow.h"
#include "strata-loader.h"
#include "strata-render-follow.h"
#include "strata-range-stats.h"

/*
 * What the Exits, Statistics and Findings panels and a followed thread's row cost on a set:
 * the time to build the range index once, then the median time of each query over the whole
 * set and over random ranges, and the index's memory (follow: the busiest guest thread's
 * refined states over the range; follow drawn: its row and outlines drawn 1,600 px wide, as
 * the timeline does for the range it shows). Usage: strata-bench-panels PATH… (a saved analysis is used and made).
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

typedef enum
{
  Q_EXITS,
  Q_STATS,
  Q_FINDINGS,
  Q_FOLLOW,
  Q_FOLLOW_DRAWN,
  N_QUERIES
} Query;

static const char *query_names[N_QUERIES] = { "exits", "stats", "findings", "follow", "follow drawn" };

/* The followed thread's row and outlines as a 1,600 px wide view draws them. */
#define DRAWN_WIDTH 1600

static void
draw_follow (StrataAnalysis *analysis,
             gint            follow_row,
             gint64          from,
             gint64          to)
{
  StrataStore *store = analysis->store;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, DRAWN_WIDTH, 22 * 40);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (StrataRenderRowY));
  g_autoptr(GArray) pieces = NULL;
  StrataTimeSpan span = { from, to };

  /* Every pCPU and vCPU row, as a view scrolled over all of them would have them. */
  for (guint r = 0; r < strata_store_n_rows (store) && rows->len < 39; r++)
    if (strata_store_row_kind (store, r) == STRATA_ROW_PCPU || strata_store_row_kind (store, r) == STRATA_ROW_VCPU)
      {
        StrataRenderRowY y = { (gint) r, 22.0 * (rows->len + 1) };

        g_array_append_val (rows, y);
      }
  /* Worked out once for both, as the app's session does for a frame. */
  pieces = strata_follow_thread_drawn (analysis, follow_row, span, DRAWN_WIDTH);
  strata_render_follow_row (cr, analysis, follow_row, pieces, span, 0, 0, DRAWN_WIDTH, 22, FALSE, NULL);
  strata_render_follow_outlines (cr, analysis, follow_row, pieces, span, rows, 22, 0, DRAWN_WIDTH, FALSE);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* One query over [from, to), freed at once. */
static void
run_query (Query             q,
           StrataAnalysis   *analysis,
           StrataRangeIndex *index,
           gint              follow_row,
           gint64            from,
           gint64            to)
{
  switch (q)
    {
    case Q_EXITS:
      g_array_unref (strata_exits_query (analysis->exits, from, to, -1));
      break;
    case Q_STATS:
      strata_range_stats_free (strata_range_index_query (index, from, to));
      break;
    case Q_FINDINGS:
      g_array_unref (strata_find_lock_holder_preemptions (analysis, from, to, -1));
      break;
    case Q_FOLLOW:
      if (follow_row >= 0)
        g_array_unref (strata_follow_thread (analysis, follow_row, from, to));
      break;
    case Q_FOLLOW_DRAWN:
      if (follow_row >= 0)
        draw_follow (analysis, follow_row, from, to);
      break;
    default:
      break;
    }
}

/* The refinable guest thread with the most intervals: the dearest to follow. */
static gint
busiest_guest_thread (StrataAnalysis *analysis)
{
  StrataStore *store = analysis->store;
  gint best = -1;
  guint64 most = 0;

  for (guint r = 0; r < strata_store_n_rows (store); r++)
    if (strata_store_row_kind (store, r) == STRATA_ROW_THREAD && strata_store_row_n_intervals (store, r) > most &&
        strata_follow_can_refine (analysis, r))
      {
        best = (gint) r;
        most = strata_store_row_n_intervals (store, r);
      }
  return best;
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
  double wall[N_QUERIES][2][RUNS], cpu[N_QUERIES][2][RUNS];
  gint64 begin, end;
  gint follow_row;
  double t;

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
  follow_row = busiest_guest_thread (analysis);
  if (follow_row >= 0)
    printf ("followed: %s, %" G_GUINT64_FORMAT " intervals\n", strata_store_row_name (analysis->store, follow_row),
            strata_store_row_n_intervals (analysis->store, follow_row));

  for (guint r = 0; r < RUNS; r++)
    {
      gint64 a = begin + (gint64) (g_rand_double (rand) * (double) (end - begin));
      gint64 b = begin + (gint64) (g_rand_double (rand) * (double) (end - begin));

      for (guint q = 0; q < N_QUERIES; q++)
        for (guint part = 0; part < 2; part++)
          {
            double c = cpu_ms ();

            t = g_get_monotonic_time ();
            /* A followed thread's pieces drawn last are kept for the next draw of the same
             * frame: each run's whole set is a nanosecond longer, so that none draws from them
             * (as a view being panned). */
            if (part == 0)
              run_query (q, analysis, index, follow_row, begin, q == Q_FOLLOW_DRAWN ? end + r : end);
            else
              run_query (q, analysis, index, follow_row, MIN (a, b), MAX (a, b) + 1);
            cpu[q][part][r] = cpu_ms () - c;
            wall[q][part][r] = (g_get_monotonic_time () - t) / 1000.0;
          }
    }
  printf ("median of %d, wall / thread CPU:\n", RUNS);
  for (guint part = 0; part < 2; part++)
    for (guint q = 0; q < N_QUERIES; q++)
      {
        g_autofree char *label = g_strdup_printf ("%s, %s:", query_names[q], part == 0 ? "whole set" : "random ranges");

        printf ("%-26s %.2f / %.2f ms\n", label, median (wall[q][part], RUNS), median (cpu[q][part], RUNS));
      }
  return 0;
}
