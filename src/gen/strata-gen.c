/* strata-gen.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-gen"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>

#include "strata-scenario.h"

static const char usage[] =
  "Usage:\n"
  "  strata-gen demo [--legacy] [--no-sync] OUTDIR\n"
  "  strata-gen bench [--events N] [--shape SHAPE] [--guest-forks PCT] [--guest-window US]\n"
  "                   [--legacy] [--no-sync] OUTDIR\n"
  "  strata-gen scenario FILE OUTDIR\n"
  "\n"
  "Writes LTTng-like CTF kernel traces, one folder per machine, under OUTDIR. SHAPE is\n"
  "mixed (the default), exits, switches, irqs or contention.\n";

static int
fail (const char *message)
{
  g_printerr ("strata-gen: %s\n", message);
  return EXIT_FAILURE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  StrataScenarioStats stats = { 0 };
  gint64 n_events = 10000000;
  gboolean legacy = FALSE;
  gboolean no_sync = FALSE;
  gint guest_forks = 0;
  gint64 guest_window_us = 0;
  g_autofree char *shape = NULL;
  const char *command;
  gint64 start;
  GOptionEntry entries[] = {
    { "events", 'n', 0, G_OPTION_ARG_INT64, &n_events, "bench: about this many events", "N" },
    { "legacy", 0, 0, G_OPTION_ARG_NONE, &legacy, "older LTTng event naming", NULL },
    { "no-sync", 0, 0, G_OPTION_ARG_NONE, &no_sync, "no vmsync events (stock LTTng)", NULL },
    { "shape", 0, 0, G_OPTION_ARG_STRING, &shape, "bench: what the set is made of most", "SHAPE" },
    { "guest-forks", 0, 0, G_OPTION_ARG_INT, &guest_forks,
      "bench: percent of a guest worker's steps that fork a new thread (1-100)", "PCT" },
    { "guest-window", 0, 0, G_OPTION_ARG_INT64, &guest_window_us,
      "bench: mean time a vCPU stays in guest mode between two KVM exits", "MICROSECONDS" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("demo|bench|scenario … OUTDIR");
  g_option_context_set_summary (context, usage);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (error->message);
  if (argc < 2)
    {
      g_printerr ("%s", usage);
      return EXIT_FAILURE;
    }

  command = argv[1];
  start = g_get_monotonic_time ();
  if (g_str_equal (command, "demo") || g_str_equal (command, "bench"))
    {
      StrataScenarioParams params = { 0 };

      if (argc != 3)
        return fail ("expected one OUTDIR");
      if (n_events <= 0)
        return fail ("--events must be positive");
      if (guest_forks < 0 || guest_forks > 100)
        return fail ("--guest-forks must be from 1 to 100 (0: the shape's own)");
      if (guest_window_us < 0 || guest_window_us > G_MAXINT64 / 1000)
        return fail ("--guest-window must be positive and below 2^63 ns (0: the shape's own)");
      params.model = g_str_equal (command, "demo") ? STRATA_SCENARIO_DEMO : STRATA_SCENARIO_BENCH;
      params.n_events = (guint64) n_events;
      params.legacy = legacy;
      params.no_sync = no_sync;
      if (shape != NULL && strata_scenario_shape_from_string (shape) < 0)
        return fail ("--shape: mixed, exits, switches, irqs or contention");
      params.shape = shape ? strata_scenario_shape_from_string (shape) : STRATA_SCENARIO_SHAPE_MIXED;
      params.guest_fork_pct = (guint) guest_forks;
      params.guest_window_ns = guest_window_us * 1000;
      if (!strata_scenario_write (&params, argv[2], &stats, &error))
        return fail (error->message);
    }
  else if (g_str_equal (command, "scenario"))
    {
      g_autofree char *text = NULL;

      if (argc != 4)
        return fail ("expected FILE OUTDIR");
      if (!g_file_get_contents (argv[2], &text, NULL, &error) ||
          !strata_scenario_write_string (text, argv[2], argv[3], &stats, &error))
        return fail (error->message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("unknown command “%s” (demo, bench, scenario)",
                                                  command);

      return fail (message);
    }

  g_print ("%u traces, %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " discarded, in %.2f s\n",
           stats.n_traces, stats.n_events, stats.n_discarded,
           (g_get_monotonic_time () - start) / 1e6);
  return EXIT_SUCCESS;
}
