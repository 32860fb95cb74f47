/* test-findings-util.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "test-findings-util.h"
#include "test-synthetic.h"

GString *
test_lock_holder_scenario (const char *isa,
                           const char *reason,
                           gint64      spin_from,
                           gint64      spin_to)
{
  GString *s = g_string_new (
    SYNTH_VCPU0_PREEMPTED
    "event 60000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
    "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=502 next_comm=\"CPU 1/KVM\"\n"
    "event 2000 1 kvm_x86_entry vcpu_id=1\n");

  for (gint64 t = spin_from; t < spin_to; t += 1000)
    {
      g_string_append_printf (s, "event %" G_GINT64_FORMAT " 1 kvm_x86_exit vcpu_id=1", t);
      if (isa != NULL)
        g_string_append_printf (s, " isa=%s", isa);
      g_string_append_printf (s, " exit_reason=%s\n", reason);
      g_string_append_printf (s, "event %" G_GINT64_FORMAT " 1 kvm_x86_entry vcpu_id=1\n", t + 100);
    }
  g_string_append (s, "event 60000 1 kvm_x86_exit vcpu_id=1 exit_reason=12\n");
  return s;
}
