/* test-synthetic.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include "strata-scenario.h"
#include "test-synthetic.h"

StrataAnalysis *
synth_analyse (const char *scenario)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load_string (scenario, "test", "/nowhere", &error);
  StrataAnalysis *analysis;

  g_assert_no_error (error);
  g_assert_nonnull (set);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (analysis);
  return analysis;
}

static const char *host_with_vm =
  SYNTH_VCPU0_PREEMPTED
  "event 40000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
  "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=502 next_comm=\"CPU 1/KVM\"\n"
  "event 2000 1 kvm_x86_entry vcpu_id=1\n"
  "event 40000 1 kvm_x86_exit vcpu_id=1 exit_reason=1\n";

StrataAnalysis *
synth_host_with_vm (void)
{
  return synth_analyse (host_with_vm);
}

StrataAnalysis *
synth_many_machines (guint n)
{
  g_autoptr(GString) scenario = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (scenario,
                            "trace m%02u hostname=m%02u cpus=1 offset_s=1000\n"
                            "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 "
                            "next_tid=%u next_comm=worker\n"
                            "event 9000 0 sched_switch prev_tid=%u prev_state=1 prev_comm=worker "
                            "next_tid=0 next_comm=swapper/0\n"
                            "event 10000 0 irq_handler_entry irq=16 name=eth0\n",
                            i, i, 100 + i, 100 + i);
  return synth_analyse (scenario->str);
}
