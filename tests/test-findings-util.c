/* test-findings-util.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "test-findings-util.h"

GString *
test_lock_holder_scenario (const char *isa,
                           const char *reason,
                           gint64      spin_from,
                           gint64      spin_to)
{
  GString *s = g_string_new (
    "trace host hostname=host cpus=2 offset_s=1000\n"
    "event 0 0 lttng_statedump_process_state tid=500 pid=500 ppid=1 name=qemu-system-x86 status=5\n"
    "event 0 0 lttng_statedump_process_state tid=501 pid=500 ppid=1 name=\"CPU 0/KVM\" status=5\n"
    "event 0 0 lttng_statedump_process_state tid=502 pid=500 ppid=1 name=\"CPU 1/KVM\" status=5\n"
    "event 0 0 lttng_statedump_process_state tid=600 pid=600 ppid=1 name=stress status=5\n"
    "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=501 next_comm=\"CPU 0/KVM\"\n"
    "event 2000 0 kvm_x86_entry vcpu_id=0\n"
    "event 10000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
    "event 11000 0 sched_switch prev_tid=501 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=600 next_comm=stress\n"
    "event 31000 0 sched_switch prev_tid=600 prev_state=1 prev_comm=stress next_tid=501 next_comm=\"CPU 0/KVM\"\n"
    "event 32000 0 kvm_x86_entry vcpu_id=0\n"
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
