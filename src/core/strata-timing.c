/* strata-timing.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-timing"

#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include "strata-timing.h"

struct _StrataTiming
{
  char   *what;
  gint64  last;
  gint64  last_cpu;      /* the process's processor time (µs), every thread's */
};

/* On a shared machine the wall time of a phase says little: its processor time (user and
 * system, all threads) says what it cost. */
static gint64
process_cpu_us (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC +
         usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

/**
 * strata_timing_new_from_env:
 * @what: the job's name, which starts each line
 *
 * Returns: (transfer full) (nullable): a timing that starts now, or %NULL when
 *   `STRATA_TIMING` is not set
 */
StrataTiming *
strata_timing_new_from_env (const char *what)
{
  StrataTiming *self;

  g_return_val_if_fail (what != NULL, NULL);

  if (g_getenv ("STRATA_TIMING") == NULL)
    return NULL;
  self = g_new0 (StrataTiming, 1);
  self->what = g_strdup (what);
  self->last = g_get_monotonic_time ();
  self->last_cpu = process_cpu_us ();
  return self;
}

void
strata_timing_free (StrataTiming *self)
{
  if (self == NULL)
    return;
  g_free (self->what);
  g_free (self);
}

/**
 * strata_timing_phase_cb:
 * @phase: (nullable): the phase just done, or %NULL when the first one starts
 * @timing: (nullable): a #StrataTiming, or %NULL when timing is off
 *
 * Prints the time since the last call; a #StrataAnalysisPhaseFunc.
 */
void
strata_timing_phase_cb (const char *phase,
                        gpointer    timing)
{
  StrataTiming *self = timing;
  g_autofree char *status = NULL;
  const char *rss, *peak;
  gint64 now, cpu;

  if (self == NULL)
    return;
  now = g_get_monotonic_time ();
  cpu = process_cpu_us ();
  if (phase == NULL)
    {
      self->last = now;
      self->last_cpu = cpu;
      return;
    }
  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (rss = strstr (status, "VmRSS:")) != NULL && (peak = strstr (status, "VmHWM:")) != NULL)
    g_printerr ("%s: %-16s %8.1f ms  processor %8.1f ms  resident %6.0f MiB, peak %6.0f MiB\n", self->what,
                phase, (now - self->last) / 1000.0, (cpu - self->last_cpu) / 1000.0,
                g_ascii_strtod (rss + 6, NULL) / 1024, g_ascii_strtod (peak + 6, NULL) / 1024);
  else
    g_printerr ("%s: %-16s %8.1f ms  processor %8.1f ms\n", self->what, phase, (now - self->last) / 1000.0,
                (cpu - self->last_cpu) / 1000.0);
  self->last_cpu = cpu;
  self->last = now;
}
