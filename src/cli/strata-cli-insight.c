/* strata-cli-insight.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-cli"

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>
#include <stdio.h>

#include "strata-cli-private.h"
#include "strata-exit-reason.h"
#include "strata-time.h"

/* The commands that summarize a range: exits and stats. */

/* --from and --to as a range of the set: the whole set by default. */
static gboolean
parse_range (const char     *command,
             StrataAnalysis *analysis,
             const char     *from_text,
             const char     *to_text,
             gint64         *from,
             gint64         *to)
{
  gint64 begin = strata_store_begin (analysis->store);
  gint64 end = strata_store_end (analysis->store);

  *from = begin;
  *to = end;
  if (!parse_time_option (from_text, analysis, from) || !parse_time_option (to_text, analysis, to))
    return FALSE;
  if (*from >= end)
    {
      g_autofree char *span = strata_time_format_duration (end - begin);

      g_printerr (_("strata-cli %s: --from is after the end of the set (+%s)\n"), command, span);
      return FALSE;
    }
  if (*to <= *from)
    {
      g_printerr (_("strata-cli %s: --to must be after --from\n"), command);
      return FALSE;
    }
  return TRUE;
}

static void
print_exits_json (StrataAnalysis *analysis,
                  GArray         *stats)
{
  g_autoptr(GString) out = g_string_new (NULL);
  StrataJson json;

  strata_json_init (&json, out);
  strata_json_begin_array (&json);
  for (guint i = 0; i < stats->len; i++)
    {
      const StrataExitStats *s = &g_array_index (stats, StrataExitStats, i);

      strata_json_begin_object (&json);
      strata_json_key (&json, "machine");
      strata_json_string (&json, strata_analysis_get_machine_name (analysis, s->machine));
      strata_json_key (&json, "vcpu");
      strata_json_int (&json, s->vcpu);
      strata_json_key (&json, "isa");
      strata_json_string (&json, strata_isa_to_string (s->isa));
      strata_json_key (&json, "code");
      strata_json_int (&json, s->code);
      strata_json_key (&json, "reason");
      strata_json_string (&json, strata_exit_reason_display (s->isa, s->code));
      strata_json_key (&json, "count");
      strata_json_int (&json, (gint64) s->count);
      strata_json_key (&json, "total_ns");
      strata_json_int (&json, s->total_ns);
      strata_json_key (&json, "min_ns");
      strata_json_int (&json, s->min_ns);
      strata_json_key (&json, "mean_ns");
      strata_json_double (&json, s->mean_ns);
      strata_json_key (&json, "p99_ns");
      strata_json_int (&json, s->p99_ns);
      strata_json_key (&json, "max_ns");
      strata_json_int (&json, s->max_ns);
      strata_json_end_object (&json);
    }
  strata_json_end_array (&json);
  g_print ("%s\n", out->str);
}

static void
print_exits_text (StrataAnalysis *analysis,
                  GArray         *stats)
{
  if (stats->len == 0)
    {
      g_print ("%s\n", _("No VM exit starts in this range."));
      return;
    }
  g_print ("%-20s %5s %-22s %9s %12s %12s %12s %12s %12s\n", _("VM"), _("vCPU"), _("Reason"),
           _("Count"), _("Total"), _("Min"), _("Mean"), _("p99"), _("Max"));
  for (guint i = 0; i < stats->len; i++)
    {
      const StrataExitStats *s = &g_array_index (stats, StrataExitStats, i);
      g_autofree char *total = strata_time_format_duration (s->total_ns);
      g_autofree char *min = strata_time_format_duration (s->min_ns);
      g_autofree char *mean = strata_time_format_duration ((gint64) (s->mean_ns + 0.5));
      g_autofree char *p99 = strata_time_format_duration (s->p99_ns);
      g_autofree char *max = strata_time_format_duration (s->max_ns);

      g_print ("%-20s %5d %-22s %9" PRIu64 " %12s %12s %12s %12s %12s\n",
               esc (strata_analysis_get_machine_name (analysis, s->machine)), s->vcpu,
               strata_exit_reason_display (s->isa, s->code), s->count, total, min, mean, p99, max);
    }
}

int
strata_cli_exits (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  g_autofree char *machine = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_auto(GStrv) paths = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("Start: ns, or +1.5s from the set's start"), N_("T") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("End: ns, or +2s from the set's start"), N_("T") },
    { "machine", 0, 0, G_OPTION_ARG_STRING, &machine, N_("Only the vCPUs of this VM"), N_("NAME") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, N_("PATH…") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PATH… — VM exits per vCPU and reason: count, total, min, mean, p99 and max"));
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(GArray) stats = NULL;
  gint64 from, to;
  gint only = -1;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, "exits") || !check_time ("exits", "--from", from_text) ||
      !check_time ("exits", "--to", to_text) || !check_paths ("exits", paths))
    return EXIT_USAGE;
  if ((analysis = load_or_report (paths)) == NULL)
    return EXIT_BAD_INPUT;
  if (!parse_range ("exits", analysis, from_text, to_text, &from, &to))
    return EXIT_USAGE;
  if (machine != NULL && (only = strata_analysis_find_machine (analysis, machine)) < 0)
    {
      g_printerr (_("strata-cli: no machine “%s” in this set\n"), esc (machine));
      return EXIT_BAD_INPUT;
    }

  stats = strata_exits_query (analysis->exits, from, to, only);
  if (json)
    print_exits_json (analysis, stats);
  else
    print_exits_text (analysis, stats);
  return EXIT_OK;
}
