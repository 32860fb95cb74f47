/* test-follow.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include "strata-follow.h"
#include "strata-scenario.h"

/*
 * Following a guest thread through the host, on the generated demo: a thread that its guest
 * saw running while its vCPU was preempted reads preempted there, for exactly the
 * preemption, with its cause; where the vCPU ran, the thread runs on the pCPU the vCPU was on.
 */

static void
test_across_preemption (void)
{
  StrataScenarioParams params = { STRATA_SCENARIO_DEMO, 0, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load (&params, NULL, &error);
  g_autoptr(StrataAnalysis) analysis = NULL;
  StrataStore *store;
  gint guest, cpu_row;
  guint checked = 0, running = 0;

  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  store = analysis->store;
  guest = strata_analysis_find_machine (analysis, "server1");
  cpu_row = strata_store_find_row (store, "server1/cpu/0");
  g_assert_cmpint (cpu_row, >=, 0);

  for (guint i = 0; i < analysis->preemptions->len && checked < 20; i++)
    {
      const StrataPreemption *p = &g_array_index (analysis->preemptions, StrataPreemption, i);
      g_autofree char *name = NULL;
      g_autoptr(GArray) followed = NULL;
      StrataInterval at;
      gint row;
      gboolean seen = FALSE;

      if (p->kind != STRATA_PREEMPTION_PREEMPTED || (gint) p->machine != guest || p->vcpu != 0 || p->open ||
          !strata_store_lookup (store, cpu_row, p->start, &at) || at.desc->tid <= 0 ||
          at.desc->state == STRATA_STATE_IDLE)
        continue;
      /* The guest's thread on its CPU 0 when vCPU 0 was switched out. */
      name = g_strdup_printf ("server1/thread/%d", at.desc->tid);
      row = strata_store_find_row (store, name);
      g_assert_cmpint (row, >=, 0);
      g_assert_true (strata_follow_can_refine (analysis, row));
      followed = strata_follow_thread (analysis, row, p->start - 1000000, p->end + 1000000);
      for (guint k = 0; k < followed->len; k++)
        {
          const StrataFollowInterval *iv = &g_array_index (followed, StrataFollowInterval, k);

          if (k > 0)
            g_assert_cmpint (iv->start, ==, g_array_index (followed, StrataFollowInterval, k - 1).end);
          if (iv->start <= p->start && iv->end > p->start)
            {
              /* The guest cannot run while its vCPU is preempted: the thread stays on. */
              g_assert_cmpstr (strata_state_to_string (iv->state), ==, "preempted");
              g_assert_cmpint (iv->start, ==, p->start);
              g_assert_cmpint (iv->end, ==, p->end);
              g_assert_cmpint (iv->guest_cpu, ==, 0);
              g_assert_cmpint (iv->pcpu, ==, -1);
              g_assert_true (iv->preemption == p);
              seen = TRUE;
            }
          if (iv->state == STRATA_STATE_RUNNING || iv->state == STRATA_STATE_SYSCALL)
            {
              g_assert_cmpint (iv->guest_cpu, >=, 0);
              if (iv->pcpu >= 0)
                running++;
            }
          if (iv->state == STRATA_STATE_HYPERVISOR)
            g_assert_true (iv->has_exit);
        }
      g_assert_true (seen);
      checked++;
    }
  g_assert_cmpuint (checked, >, 3);
  g_assert_cmpuint (running, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/follow/across-preemption", test_across_preemption);
  return g_test_run ();
}
