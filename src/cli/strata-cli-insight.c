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
#include "strata-findings.h"
#include "strata-follow.h"
#include "strata-range-stats.h"
#include "strata-time.h"

/* The commands that summarize a range: exits and stats. */

gboolean
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
  if (*to <= begin)
    {
      g_printerr (_("strata-cli %s: --to is before the start of the set\n"), command);
      return FALSE;
    }
  /* Nothing is known outside the set: a range reaching past it (--from 0) is summed over
   * the part inside, which from_ns and to_ns then give, not as hours of unknown time. */
  *from = MAX (*from, begin);
  *to = MIN (*to, end);
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
      strata_json_key (&json, "open");
      strata_json_int (&json, (gint64) s->open);
      strata_json_end_object (&json);
    }
  strata_json_end_array (&json);
  g_print ("%s\n", out->str);
}

static void
print_exits_text (StrataAnalysis *analysis,
                  GArray         *stats)
{
  gboolean any_open = FALSE;

  if (stats->len == 0)
    {
      g_print ("%s\n", _("No VM exit starts in this range."));
      return;
    }
  g_print ("%-20s %5s %-22s %9s %12s %12s %12s %12s %12s %6s\n", _("VM"), _("vCPU"), _("Reason"),
           _("Count"), _("Total"), _("Min"), _("Mean"), _("p99"), _("Max"), _("Open"));
  for (guint i = 0; i < stats->len; i++)
    {
      const StrataExitStats *s = &g_array_index (stats, StrataExitStats, i);
      g_autofree char *total = strata_time_format_duration (s->total_ns);
      g_autofree char *min = strata_time_format_duration (s->min_ns);
      g_autofree char *mean = strata_time_format_duration ((gint64) (s->mean_ns + 0.5));
      g_autofree char *p99 = strata_time_format_duration (s->p99_ns);
      g_autofree char *max = strata_time_format_duration (s->max_ns);

      if (s->count == 0)
        g_print ("%-20s %5d %-22s %9" PRIu64 " %12s %12s %12s %12s %12s %6" PRIu64 "\n",
                 esc (strata_analysis_get_machine_name (analysis, s->machine)), s->vcpu,
                 strata_exit_reason_label (s->isa, s->code), s->count, "", "", "", "", "", s->open);
      else
        g_print ("%-20s %5d %-22s %9" PRIu64 " %12s %12s %12s %12s %12s %6" PRIu64 "\n",
                 esc (strata_analysis_get_machine_name (analysis, s->machine)), s->vcpu,
                 strata_exit_reason_label (s->isa, s->code), s->count, total, min, mean, p99, max, s->open);
      any_open |= s->open > 0;
    }
  if (any_open)
    g_print ("%s\n", _("Open: exits still in progress when their vCPU's trace ends; their length is not known, "
                       "so they are not in the count or the times."));
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
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
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
  if ((analysis = load_or_report (paths)) == NULL || !set_has_time ("exits", analysis))
    return EXIT_BAD_INPUT;
  if (!parse_range ("exits", analysis, from_text, to_text, &from, &to))
    return EXIT_USAGE;
  if (machine != NULL && (only = strata_analysis_find_machine (analysis, machine)) < 0)
    {
      g_printerr (_("strata-cli: no machine “%s” in this set\n"), esc (machine));
      return EXIT_BAD_INPUT;
    }

  /* A host stands for its VMs: every machine's, then those. */
  stats = strata_exits_query (analysis->exits, from, to, machine_is_vm_host (analysis, only) ? -1 : only);
  strata_exits_add_open_stats (analysis->exits, stats, from, to, machine_is_vm_host (analysis, only) ? -1 : only);
  for (guint i = stats->len; i-- > 0;)
    if (!machine_selected (analysis, only, g_array_index (stats, StrataExitStats, i).machine))
      g_array_remove_index (stats, i);
  if (json)
    print_exits_json (analysis, stats);
  else
    print_exits_text (analysis, stats);
  return EXIT_OK;
}

/* The states a vCPU row shows, in the order a reader expects them. */
static const StrataState vcpu_states[] = {
  STRATA_STATE_RUNNING, STRATA_STATE_HYPERVISOR, STRATA_STATE_PREEMPTED, STRATA_STATE_WAITING,
  STRATA_STATE_BLOCKED, STRATA_STATE_UNKNOWN,
};

static void
print_stats_json (StrataAnalysis   *analysis,
                  StrataRangeStats *stats)
{
  g_autoptr(GString) out = g_string_new (NULL);
  StrataJson json;

  strata_json_init (&json, out);
  strata_json_begin_object (&json);
  strata_json_key (&json, "from_ns");
  strata_json_int (&json, stats->from);
  strata_json_key (&json, "to_ns");
  strata_json_int (&json, stats->to);
  strata_json_key (&json, "vcpus");
  strata_json_begin_array (&json);
  for (guint i = 0; i < stats->vcpus->len; i++)
    {
      const StrataVcpuRangeStats *v = &g_array_index (stats->vcpus, StrataVcpuRangeStats, i);

      strata_json_begin_object (&json);
      strata_json_key (&json, "machine");
      strata_json_string (&json, strata_analysis_get_machine_name (analysis, v->machine));
      strata_json_key (&json, "vcpu");
      strata_json_int (&json, v->vcpu);
      strata_json_key (&json, "ns");
      strata_json_begin_object (&json);
      for (guint s = 0; s < G_N_ELEMENTS (vcpu_states); s++)
        {
          strata_json_key (&json, strata_state_to_string (vcpu_states[s]));
          strata_json_int (&json, v->ns[vcpu_states[s]]);
        }
      /* A vCPU row shows no other state; were one there, the sum would still hold. */
      for (guint s = 0; s < STRATA_STATE_N; s++)
        {
          gboolean listed = FALSE;

          for (guint k = 0; k < G_N_ELEMENTS (vcpu_states); k++)
            listed |= vcpu_states[k] == s;
          if (!listed && v->ns[s] != 0)
            {
              strata_json_key (&json, strata_state_to_string (s));
              strata_json_int (&json, v->ns[s]);
            }
        }
      strata_json_end_object (&json);
      strata_json_key (&json, "running_ns");
      if (v->traced)
        {
          strata_json_begin_object (&json);
          for (guint s = 0; s < STRATA_GUEST_N; s++)
            {
              strata_json_key (&json, strata_guest_share_to_string (s));
              strata_json_int (&json, v->guest_ns[s]);
            }
          strata_json_end_object (&json);
        }
      else
        strata_json_null (&json);
      strata_json_key (&json, "preempted_by");
      strata_json_begin_array (&json);
      for (guint c = 0; c < v->n_preemptors; c++)
        print_cause_json (analysis, &json, &v->preemptors[c]);
      strata_json_end_array (&json);
      strata_json_end_object (&json);
    }
  strata_json_end_array (&json);
  strata_json_key (&json, "pcpus");
  strata_json_begin_array (&json);
  for (guint i = 0; i < stats->pcpus->len; i++)
    {
      const StrataPcpuRangeStats *p = &g_array_index (stats->pcpus, StrataPcpuRangeStats, i);

      strata_json_begin_object (&json);
      strata_json_key (&json, "cpu");
      strata_json_int (&json, p->cpu);
      /* Whose: the host's (without one, the first kernel trace's), or another KVM host's. */
      strata_json_key (&json, "machine");
      strata_json_string (&json, p->machine >= 0 ? strata_analysis_get_machine_name (analysis, p->machine) : NULL);
      strata_json_key (&json, "ns");
      strata_json_begin_object (&json);
      strata_json_key (&json, "idle");
      strata_json_int (&json, p->idle);
      strata_json_key (&json, "host");
      strata_json_int (&json, p->host);
      strata_json_key (&json, "unknown");
      strata_json_int (&json, p->unknown);
      for (guint m = 0; m < stats->n_machines; m++)
        if (p->machine_ns[m] != 0)
          {
            strata_json_key (&json, strata_analysis_get_machine_name (analysis, m));
            strata_json_int (&json, p->machine_ns[m]);
          }
      strata_json_end_object (&json);
      strata_json_end_object (&json);
    }
  strata_json_end_array (&json);
  strata_json_end_object (&json);
  g_print ("%s\n", out->str);
}

static void
print_stats_text (StrataAnalysis   *analysis,
                  StrataRangeStats *stats)
{
  g_autofree char *text = strata_range_stats_to_text (stats, analysis);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  /* Names from the traces in it cannot drive the terminal. */
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i + 1] != NULL || lines[i][0] != '\0')
      g_print ("%s\n", esc (lines[i]));
}

int
strata_cli_stats (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_auto(GStrv) paths = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("Start: ns, or +1.5s from the set's start"), N_("T") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("End: ns, or +2s from the set's start"), N_("T") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PATH… — where each vCPU's and each pCPU's time went over a range"));
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(StrataRangeIndex) index = NULL;
  g_autoptr(StrataRangeStats) stats = NULL;
  gint64 from, to;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, "stats") || !check_time ("stats", "--from", from_text) ||
      !check_time ("stats", "--to", to_text) || !check_paths ("stats", paths))
    return EXIT_USAGE;
  if ((analysis = load_or_report (paths)) == NULL || !set_has_time ("stats", analysis))
    return EXIT_BAD_INPUT;
  if (!parse_range ("stats", analysis, from_text, to_text, &from, &to))
    return EXIT_USAGE;

  index = strata_range_index_new (analysis);
  stats = strata_range_index_query (index, from, to);
  if (json)
    print_stats_json (analysis, stats);
  else
    print_stats_text (analysis, stats);
  return EXIT_OK;
}

int
strata_cli_findings (int    argc,
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
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PATH… — lock-holder preemptions: a vCPU preempted while its siblings spin"));
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(GArray) findings = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  StrataJson writer;
  gint64 from, to;
  gint only = -1;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, "findings") || !check_time ("findings", "--from", from_text) ||
      !check_time ("findings", "--to", to_text) || !check_paths ("findings", paths))
    return EXIT_USAGE;
  if ((analysis = load_or_report (paths)) == NULL || !set_has_time ("findings", analysis))
    return EXIT_BAD_INPUT;
  if (!parse_range ("findings", analysis, from_text, to_text, &from, &to))
    return EXIT_USAGE;
  if (machine != NULL && (only = strata_analysis_find_machine (analysis, machine)) < 0)
    {
      g_printerr (_("strata-cli: no machine “%s” in this set\n"), esc (machine));
      return EXIT_BAD_INPUT;
    }

  findings = strata_find_lock_holder_preemptions (analysis, from, to, machine_is_vm_host (analysis, only) ? -1 : only);
  for (guint i = findings->len; i-- > 0;)
    if (!machine_selected (analysis, only, g_array_index (findings, StrataLockHolderFinding, i).preemption->machine))
      g_array_remove_index (findings, i);
  strata_json_init (&writer, out);
  if (json)
    strata_json_begin_array (&writer);
  for (guint i = 0; i < findings->len; i++)
    {
      const StrataLockHolderFinding *f = &g_array_index (findings, StrataLockHolderFinding, i);
      const StrataPreemption *p = f->preemption;
      g_autofree char *text = strata_lock_holder_finding_describe (analysis, f);

      if (!json)
        {
          g_autofree char *when = strata_time_format_absolute (p->start);

          g_print ("%s  %s\n", when, esc (text));
          continue;
        }
      strata_json_begin_object (&writer);
      strata_json_key (&writer, "kind");
      strata_json_string (&writer, "lock-holder-preemption");
      strata_json_key (&writer, "machine");
      strata_json_string (&writer, strata_analysis_get_machine_name (analysis, p->machine));
      strata_json_key (&writer, "vcpu");
      strata_json_int (&writer, p->vcpu);
      strata_json_key (&writer, "start_ns");
      strata_json_int (&writer, p->start);
      strata_json_key (&writer, "end_ns");
      strata_json_int (&writer, p->end);
      strata_json_key (&writer, "pcpu");
      strata_json_int (&writer, p->pcpu);
      strata_json_key (&writer, "by");
      strata_json_begin_array (&writer);
      for (guint c = 0; p->by != NULL && c < p->by->len; c++)
        print_cause_json (analysis, &writer, &g_array_index (p->by, StrataPreemptionCause, c));
      strata_json_end_array (&writer);
      strata_json_key (&writer, "pause_exits");
      strata_json_int (&writer, (gint64) f->pause_exits);
      strata_json_key (&writer, "siblings");
      strata_json_begin_array (&writer);
      for (guint s = 0; s < f->siblings->len; s++)
        {
          const StrataSiblingPauses *sibling = &g_array_index (f->siblings, StrataSiblingPauses, s);

          strata_json_begin_object (&writer);
          strata_json_key (&writer, "vcpu");
          strata_json_int (&writer, sibling->vcpu);
          strata_json_key (&writer, "pause_exits");
          strata_json_int (&writer, (gint64) sibling->pause_exits);
          strata_json_end_object (&writer);
        }
      strata_json_end_array (&writer);
      strata_json_key (&writer, "text");
      strata_json_string (&writer, text);
      strata_json_end_object (&writer);
    }
  if (json)
    {
      strata_json_end_array (&writer);
      g_print ("%s\n", out->str);
    }
  else if (findings->len == 0)
    g_print ("%s\n", _("No lock-holder preemption: no preempted vCPU whose siblings spun meanwhile."));
  return EXIT_OK;
}

void
strata_cli_print_followed (StrataAnalysis *analysis,
                           guint           row,
                           gint64          from,
                           gint64          to,
                           gboolean        json)
{
  g_autoptr(GArray) intervals = strata_follow_thread (analysis, row, from, to);
  g_autoptr(GString) out = g_string_new (NULL);
  /* The followed thread's: its row's descriptions name no thread. */
  gint32 tid = (gint32) strata_store_row_number (analysis->store, row);
  StrataJson writer;

  strata_json_init (&writer, out);
  if (json)
    strata_json_begin_array (&writer);
  for (guint i = 0; i < intervals->len; i++)
    {
      const StrataFollowInterval *iv = &g_array_index (intervals, StrataFollowInterval, i);
      const StrataStateDesc *d = strata_store_desc (analysis->store, iv->desc_id);
      const char *machine = d->machine == STRATA_NO_MACHINE ? NULL : strata_analysis_get_machine_name (analysis, d->machine);
      const char *comm = d->comm ? strata_analysis_string (analysis, d->comm) : NULL;
      const StrataPreemptionCause *cause = iv->preemption != NULL && iv->preemption->by != NULL &&
                                           iv->preemption->by->len > 0
                                           ? &g_array_index (iv->preemption->by, StrataPreemptionCause, 0) : NULL;

      if (json)
        {
          strata_json_begin_object (&writer);
          strata_json_key (&writer, "start_ns");
          strata_json_int (&writer, iv->start);
          strata_json_key (&writer, "end_ns");
          strata_json_int (&writer, iv->end);
          strata_json_key (&writer, "state");
          strata_json_string (&writer, strata_state_to_string (iv->state));
          strata_json_key (&writer, "machine");
          strata_json_string (&writer, machine);
          /* A thread row's descriptions name no vCPU; on guest CPU n, it was on vCPU n. */
          strata_json_key (&writer, "vcpu");
          json_nullable_int (&writer, d->vcpu >= 0 ? d->vcpu : iv->guest_cpu);
          strata_json_key (&writer, "tid");
          json_nullable_int (&writer, tid);
          strata_json_key (&writer, "comm");
          strata_json_string (&writer, comm);
          if (iv->state == d->state)
            json_state_detail (&writer, analysis, d);
          strata_json_key (&writer, "guest_cpu");
          json_nullable_int (&writer, iv->guest_cpu);
          strata_json_key (&writer, "pcpu");
          json_nullable_int (&writer, iv->pcpu);
          if (iv->has_exit)
            {
              strata_json_key (&writer, "exit_reason");
              strata_json_string (&writer, strata_exit_reason_display (iv->exit_isa, iv->exit_code));
            }
          if (iv->state == STRATA_STATE_PREEMPTED || iv->state == STRATA_STATE_WAITING)
            {
              strata_json_key (&writer, "preempted_by");
              if (cause != NULL)
                print_cause_json (analysis, &writer, cause);
              else
                strata_json_null (&writer);
            }
          strata_json_end_object (&writer);
        }
      else
        {
          g_autofree char *when = strata_time_format_absolute (iv->start);
          g_autofree char *dur = strata_time_format_duration (iv->end - iv->start);
          g_autofree char *where = NULL;

          if (iv->pcpu >= 0)
            where = g_strdup_printf (_("vCPU %d on pCPU %d"), iv->guest_cpu, iv->pcpu);
          else if (iv->has_exit)
            where = g_strdup_printf (_("vCPU %d exit %s"), iv->guest_cpu, strata_exit_reason_label (iv->exit_isa, iv->exit_code));
          else if (cause != NULL)
            {
              const char *who = cause->comm != 0 ? strata_analysis_string (analysis, cause->comm)
                                : strata_analysis_get_machine_name (analysis, cause->machine);

              where = g_strdup_printf (_("vCPU %d by %s"), iv->guest_cpu, esc (who));
            }
          else if (iv->guest_cpu >= 0)
            where = g_strdup_printf (_("vCPU %d"), iv->guest_cpu);
          g_print ("%s  %12s  %-11s %-18s %7d %-16s %s\n", when, dur, strata_state_to_string (iv->state),
                   machine ? esc (machine) : "", tid, comm ? esc (comm) : "", where ? where : "");
        }
    }
  if (json)
    {
      strata_json_end_array (&writer);
      g_print ("%s\n", out->str);
    }
}
