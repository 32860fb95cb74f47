/* strata-findings.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-findings"

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "strata-describe.h"
#include "strata-exit-reason.h"
#include "strata-findings.h"
#include "strata-time.h"

static void
finding_clear (gpointer data)
{
  g_clear_pointer (&((StrataLockHolderFinding *) data)->siblings, g_array_unref);
}

/* The PAUSE exits of vCPU @vcpu of @machine that start in [from, to), whichever the ISA. */
static guint64
pause_exits (StrataExits *exits,
             guint16      machine,
             gint32       vcpu,
             gint64       from,
             gint64       to)
{
  static const struct { guint8 isa; guint32 code; } pause[] = {
    { STRATA_ISA_VMX, 40 }, { STRATA_ISA_SVM, 0x077 },
  };
  guint64 n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (pause); i++)
    {
      gint group = strata_exits_find_group (exits, machine, vcpu, pause[i].isa, pause[i].code);

      if (group >= 0)
        n += strata_exits_count (exits, group, from, to);
    }
  return n;
}

GArray *
strata_find_lock_holder_preemptions (StrataAnalysis *analysis,
                                     gint64          from,
                                     gint64          to,
                                     gint            machine)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (StrataLockHolderFinding));

  g_array_set_clear_func (out, finding_clear);
  g_return_val_if_fail (analysis != NULL, out);

  for (guint i = 0; i < analysis->preemptions->len; i++)
    {
      const StrataPreemption *p = &g_array_index (analysis->preemptions, StrataPreemption, i);
      const StrataMachine *vm;
      StrataLockHolderFinding finding = { p, 0, NULL };

      if (p->start >= to)
        break;
      if (p->kind != STRATA_PREEMPTION_PREEMPTED || p->end <= from ||
          (machine >= 0 && p->machine != (guint) machine) ||
          (vm = strata_analysis_get_machine (analysis, p->machine)) == NULL || vm->vcpus == NULL)
        continue;
      for (guint v = 0; v < vm->vcpus->len; v++)
        {
          StrataSiblingPauses sibling = { g_array_index (vm->vcpus, StrataVcpu, v).id, 0 };

          if (sibling.vcpu == p->vcpu)
            continue;
          sibling.pause_exits = pause_exits (analysis->exits, p->machine, sibling.vcpu, p->start, p->end);
          if (sibling.pause_exits == 0)
            continue;
          if (finding.siblings == NULL)
            finding.siblings = g_array_new (FALSE, FALSE, sizeof (StrataSiblingPauses));
          g_array_append_val (finding.siblings, sibling);
          finding.pause_exits += sibling.pause_exits;
        }
      if (finding.pause_exits >= STRATA_LHP_MIN_PAUSE_EXITS)
        g_array_append_val (out, finding);
      else
        g_clear_pointer (&finding.siblings, g_array_unref);
    }
  return out;
}

char *
strata_lock_holder_finding_describe (StrataAnalysis                *analysis,
                                     const StrataLockHolderFinding *finding)
{
  const StrataPreemption *p;
  g_autofree char *dur = NULL;
  g_autofree char *cause = NULL;
  GString *text;

  g_return_val_if_fail (analysis != NULL, NULL);
  g_return_val_if_fail (finding != NULL, NULL);

  p = finding->preemption;
  dur = strata_time_format_duration (p->end - p->start);
  if (p->by != NULL && p->by->len > 0)
    cause = strata_describe_cause (analysis, &g_array_index (p->by, StrataPreemptionCause, 0));
  text = g_string_new (NULL);
  if (cause != NULL)
    /* Translators: "vCPU 1 of web01 preempted 3.2 ms by stress (4001)" */
    g_string_append_printf (text, _("vCPU %d of %s preempted %s by %s"), p->vcpu,
                            strata_analysis_get_machine_name (analysis, p->machine), dur, cause);
  else
    g_string_append_printf (text, _("vCPU %d of %s preempted %s"), p->vcpu,
                            strata_analysis_get_machine_name (analysis, p->machine), dur);
  for (guint s = 0; finding->siblings != NULL && s < finding->siblings->len; s++)
    {
      const StrataSiblingPauses *sibling = &g_array_index (finding->siblings, StrataSiblingPauses, s);

      /* Translators: "; vCPU 0: 412 PAUSE exits meanwhile" */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "; vCPU %d: %" PRIu64 " PAUSE exit meanwhile",
                                                 "; vCPU %d: %" PRIu64 " PAUSE exits meanwhile",
                                                 sibling->pause_exits),
                              sibling->vcpu, sibling->pause_exits);
    }
  return g_string_free (text, FALSE);
}
