/* strata-bench-summaries.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <sys/resource.h>

#include "strata-store.h"

/*
 * What finishing a store costs, most of it its rows' drawing summaries, on rows made up here:
 * no trace, so that a change to the summaries is measured alone. Eight pCPU-like rows of
 * 1.75 million changes each, whose states (five, over three machines) mostly alternate and
 * now and then are any of 45. Prints the median of five runs, wall and processor time (every
 * thread's, which a busy machine does not inflate). Usage: strata-bench-summaries
 */

#define RUNS 5
#define ROWS 8
#define CHANGES 1750000
#define KEYS 45

static double
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (void)
{
  double wall[RUNS], cpu[RUNS];
  guint64 n_changes = 0;

  for (guint run = 0; run < RUNS; run++)
    {
      StrataStoreBuilder *b = strata_store_builder_new ();
      guint32 ids[KEYS], seed = 12345;
      gint64 ts = 1000, t0;
      double c0;
      StrataStore *store;

      for (guint k = 0; k < KEYS; k++)
        {
          StrataStateDesc d = { 0 };

          d.state = 1 + k % 9;
          d.machine = (k / 9) % 3;
          d.vcpu = d.host_tid = d.irq = -1;
          d.tid = 100 + k;
          ids[k] = strata_store_builder_intern (b, &d);
        }
      for (guint r = 0; r < ROWS; r++)
        {
          g_autofree char *name = g_strdup_printf ("pcpu/%u", r);

          strata_store_builder_add_row (b, name, STRATA_ROW_PCPU, 0, r);
        }
      for (guint i = 0; i < CHANGES; i++)
        for (guint r = 0; r < ROWS; r++)
          {
            guint k;

            seed = seed * 1103515245u + 12345u;
            k = (seed >> 16) % 5 + ((seed >> 24) % 4 == 0 ? 5 * ((seed >> 8) % 8) : 0);
            strata_store_builder_set_id (b, r, ts + r, ids[k % KEYS]);
            ts += 50 + (seed >> 20) % 2000;
          }
      c0 = cpu_ms ();
      t0 = g_get_monotonic_time ();
      store = strata_store_builder_finish (b, 0, ts + 10);
      wall[run] = (g_get_monotonic_time () - t0) / 1e3;
      cpu[run] = cpu_ms () - c0;
      n_changes = strata_store_n_changes (store);
      strata_store_free (store);
    }
  qsort (wall, RUNS, sizeof (double), (GCompareFunc) compare_double);
  qsort (cpu, RUNS, sizeof (double), (GCompareFunc) compare_double);
  printf ("finishing a store of %u rows, %" G_GUINT64_FORMAT " changes: median of %d runs %.1f ms, processor %.1f ms\n",
          ROWS, n_changes, RUNS, wall[RUNS / 2], cpu[RUNS / 2]);
  return 0;
}
