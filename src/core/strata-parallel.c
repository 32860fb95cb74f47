/* strata-parallel.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata-parallel.h"

#define MAX_THREADS 8

/**
 * strata_parallel_run:
 * @name: the threads' name
 * @n_tasks: how many pieces of work there are: no more threads than that start
 * @worker: runs on each thread, the caller's included; the workers share the work out
 *   themselves (an atomic counter, a queue) and return when none is left
 * @data: for @worker
 *
 * Runs @worker on as many threads as there are processors (at most 8, at most @n_tasks), one
 * of them the calling thread, and returns when every one has returned.
 */
void
strata_parallel_run (const char  *name,
                     guint        n_tasks,
                     GThreadFunc  worker,
                     gpointer     data)
{
  guint n_threads = CLAMP (MIN (g_get_num_processors (), n_tasks), 1, MAX_THREADS);
  GThread *threads[MAX_THREADS];

  for (guint t = 1; t < n_threads; t++)
    threads[t] = g_thread_new (name, worker, data);
  worker (data);
  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
}
