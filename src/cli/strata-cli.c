/* strata-cli.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "strata-json.h"
#include "strata-time.h"
#include "strata-trace-loader.h"

/* Exit statuses: scripts tell bad input from a usage mistake. */
enum {
  EXIT_OK = 0,
  EXIT_BAD_INPUT = 1,
  EXIT_USAGE = 2,
};

static const char *
machine_role (StrataTrace *trace)
{
  return trace->has_kvm ? "host" : "standalone";
}

static void
print_info_json (StrataSet *set)
{
  g_autoptr(GString) out = g_string_new (NULL);
  StrataJson json;

  strata_json_init (&json, out);
  strata_json_begin_object (&json);
  strata_json_key (&json, "begin_ns");
  strata_json_int (&json, set->begin_ns);
  strata_json_key (&json, "end_ns");
  strata_json_int (&json, set->end_ns);

  strata_json_key (&json, "traces");
  strata_json_begin_array (&json);
  for (guint i = 0; i < set->traces->len; i++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, i);

      strata_json_begin_object (&json);
      strata_json_key (&json, "path");
      strata_json_string (&json, trace->path);
      strata_json_key (&json, "machine");
      strata_json_string (&json, trace->machine);
      strata_json_key (&json, "events");
      strata_json_int (&json, trace->events);
      strata_json_key (&json, "discarded");
      strata_json_int (&json, trace->discarded);
      strata_json_key (&json, "streams");
      strata_json_int (&json, trace->streams->len);
      strata_json_key (&json, "begin_ns");
      strata_json_int (&json, trace->begin_ns);
      strata_json_key (&json, "end_ns");
      strata_json_int (&json, trace->end_ns);
      strata_json_key (&json, "domain");
      strata_json_string (&json, trace->domain);
      strata_json_key (&json, "tracer");
      strata_json_string (&json, trace->tracer);
      strata_json_key (&json, "errors");
      strata_json_begin_array (&json);
      for (guint e = 0; e < trace->errors->len; e++)
        strata_json_string (&json, g_ptr_array_index (trace->errors, e));
      strata_json_end_array (&json);
      strata_json_end_object (&json);
    }
  strata_json_end_array (&json);

  strata_json_key (&json, "machines");
  strata_json_begin_array (&json);
  for (guint i = 0; i < set->traces->len; i++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, i);

      if (trace->failed)
        continue;
      strata_json_begin_object (&json);
      strata_json_key (&json, "name");
      strata_json_string (&json, trace->machine);
      strata_json_key (&json, "role");
      strata_json_string (&json, machine_role (trace));
      strata_json_key (&json, "parent");
      strata_json_null (&json);
      strata_json_key (&json, "cpus");
      strata_json_int (&json, trace->n_cpus);
      strata_json_key (&json, "vcpus");
      strata_json_begin_array (&json);
      strata_json_end_array (&json);
      strata_json_key (&json, "sync");
      strata_json_begin_object (&json);
      strata_json_key (&json, "method");
      strata_json_string (&json, "none");
      strata_json_key (&json, "reference");
      strata_json_null (&json);
      strata_json_key (&json, "matches");
      strata_json_int (&json, 0);
      strata_json_key (&json, "quality");
      strata_json_string (&json, "absent");
      strata_json_key (&json, "alpha");
      strata_json_double (&json, 1.0);
      strata_json_key (&json, "beta_ns");
      strata_json_double (&json, 0.0);
      strata_json_key (&json, "accuracy");
      strata_json_double (&json, 0.0);
      strata_json_end_object (&json);
      strata_json_end_object (&json);
    }
  strata_json_end_array (&json);

  strata_json_key (&json, "errors");
  strata_json_begin_array (&json);
  for (guint e = 0; e < set->errors->len; e++)
    strata_json_string (&json, g_ptr_array_index (set->errors, e));
  strata_json_end_array (&json);
  strata_json_end_object (&json);

  g_print ("%s\n", out->str);
}

static void
print_info_text (StrataSet *set)
{
  g_autofree char *begin = strata_time_format_absolute (set->begin_ns);
  g_autofree char *end = strata_time_format_absolute (set->end_ns);
  g_autofree char *span = strata_time_format_duration (set->end_ns - set->begin_ns);
  guint64 events = 0, discarded = 0;

  for (guint i = 0; i < set->traces->len; i++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, i);

      events += trace->events;
      discarded += trace->discarded;
    }

  g_print (_("Time range: %s — %s (%s)\n"), begin, end, span);
  g_print (_("Events:     %" G_GUINT64_FORMAT " read, %" G_GUINT64_FORMAT " discarded\n"),
           events, discarded);
  g_print ("\n%s\n", _("Traces:"));
  for (guint i = 0; i < set->traces->len; i++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, i);

      g_print ("  %s\n", trace->path);
      if (trace->failed)
        {
          g_print ("    %s\n", _("not loaded"));
          continue;
        }
      g_print (_("    machine %s (%s), %s, %u CPUs, %u streams\n"), trace->machine,
               machine_role (trace), trace->tracer ? trace->tracer : _("unknown tracer"),
               trace->n_cpus, trace->streams->len);
      g_print (_("    %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " discarded\n"),
               trace->events, trace->discarded);
    }
  if (set->errors->len > 0)
    {
      g_print ("\n%s\n", _("Errors:"));
      for (guint e = 0; e < set->errors->len; e++)
        g_print ("  %s\n", (const char *) g_ptr_array_index (set->errors, e));
    }
}

static StrataSet *
load_or_report (char **paths)
{
  g_autoptr(GError) error = NULL;
  StrataSet *set;

  if (paths == NULL || paths[0] == NULL)
    {
      g_printerr ("%s\n", _("strata-cli: no PATH given"));
      return NULL;
    }
  if ((set = strata_trace_load ((const char * const *) paths, NULL, NULL, &error)) == NULL)
    g_printerr ("strata-cli: %s\n", error->message);
  return set;
}

static int
cmd_info (int    argc,
          char **argv)
{
  gboolean json = FALSE;
  g_auto(GStrv) paths = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, N_("PATH…") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PATH… — describe a trace set"));
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("strata-cli info: %s\n", error->message);
      return EXIT_USAGE;
    }
  if ((set = load_or_report (paths)) == NULL)
    return EXIT_BAD_INPUT;
  if (json)
    print_info_json (set);
  else
    print_info_text (set);
  return EXIT_OK;
}

static void
usage (FILE *fp)
{
  fprintf (fp, "%s",
           _("Usage: strata-cli COMMAND [OPTION…] PATH…\n"
             "\n"
             "Commands:\n"
             "  info [--json] PATH…   traces, machines, events and errors of a trace set\n"
             "\n"
             "PATH is a trace folder or any folder above trace folders; all the traces\n"
             "found below the PATHs form one set.\n"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      usage (stderr);
      return EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("strata-cli %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }
  if (strcmp (argv[1], "info") == 0)
    return cmd_info (argc - 1, argv + 1);

  g_printerr (_("strata-cli: unknown command “%s”; try strata-cli --help\n"), argv[1]);
  return EXIT_USAGE;
}
