/* strata-event.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-event"

#include "config.h"

#include <string.h>

#include "strata-event.h"

#define S(i) (1u << (i))

/* Field names are those of the current LTTng generation; the decoder knows the older
 * spellings and the writer writes these. */
static const StrataEventKindInfo kind_infos[STRATA_EV_N_KINDS] = {
  [STRATA_EV_NONE] = { "none", 0, { NULL }, 0 },
  [STRATA_EV_SCHED_SWITCH] = { "sched_switch", 7,
    { "prev_tid", "prev_state", "prev_prio", "next_tid", "next_prio", "prev_comm", "next_comm" },
    S (STRATA_F_SWITCH_PREV_COMM) | S (STRATA_F_SWITCH_NEXT_COMM) },
  [STRATA_EV_SCHED_WAKEUP] = { "sched_wakeup", 4,
    { "tid", "prio", "target_cpu", "comm" }, S (STRATA_F_WAKEUP_COMM) },
  [STRATA_EV_SCHED_WAKEUP_NEW] = { "sched_wakeup_new", 4,
    { "tid", "prio", "target_cpu", "comm" }, S (STRATA_F_WAKEUP_COMM) },
  [STRATA_EV_SCHED_WAKING] = { "sched_waking", 4,
    { "tid", "prio", "target_cpu", "comm" }, S (STRATA_F_WAKEUP_COMM) },
  [STRATA_EV_PROCESS_FORK] = { "sched_process_fork", 8,
    { "parent_tid", "parent_pid", "child_tid", "child_pid", "vtids", "parent_ns_inum",
      "child_ns_inum", "child_comm" }, S (STRATA_F_FORK_CHILD_COMM) },
  [STRATA_EV_PROCESS_EXIT] = { "sched_process_exit", 3,
    { "tid", "prio", "comm" }, S (STRATA_F_EXIT_COMM) },
  [STRATA_EV_PROCESS_FREE] = { "sched_process_free", 3,
    { "tid", "prio", "comm" }, S (STRATA_F_EXIT_COMM) },
  [STRATA_EV_PROCESS_EXEC] = { "sched_process_exec", 3,
    { "tid", "old_tid", "filename" }, S (STRATA_F_EXEC_FILENAME) },
  [STRATA_EV_STATEDUMP_PROCESS] = { "lttng_statedump_process_state", 9,
    { "tid", "pid", "ppid", "vtid", "vpid", "status", "ns_inum", "name", "cpu" }, S (STRATA_F_SD_NAME) },
  [STRATA_EV_STATEDUMP_PID_NS] = { "lttng_statedump_process_pid_ns", 4,
    { "tid", "vtid", "ns_level", "ns_inum" }, 0 },
  [STRATA_EV_IRQ_ENTRY] = { "irq_handler_entry", 2, { "irq", "name" }, S (STRATA_F_IRQ_NAME) },
  [STRATA_EV_IRQ_EXIT] = { "irq_handler_exit", 2, { "irq", "ret" }, 0 },
  [STRATA_EV_SOFTIRQ_ENTRY] = { "irq_softirq_entry", 1, { "vec" }, 0 },
  [STRATA_EV_SOFTIRQ_EXIT] = { "irq_softirq_exit", 1, { "vec" }, 0 },
  [STRATA_EV_SOFTIRQ_RAISE] = { "irq_softirq_raise", 1, { "vec" }, 0 },
  [STRATA_EV_SYSCALL_ENTRY] = { "syscall_entry", 2, { "ret", "name" }, S (STRATA_F_SYSCALL_NAME) },
  [STRATA_EV_SYSCALL_EXIT] = { "syscall_exit", 2, { "ret", "name" }, S (STRATA_F_SYSCALL_NAME) },
  [STRATA_EV_KVM_ENTRY] = { "kvm_x86_entry", 1, { "vcpu_id" }, 0 },
  [STRATA_EV_KVM_EXIT] = { "kvm_x86_exit", 4, { "vcpu_id", "exit_reason", "isa", "info1" }, 0 },
  [STRATA_EV_VMSYNC_GH_GUEST] = { "vmsync_gh_guest", 2, { "cnt", "vm_uid" }, 0 },
  [STRATA_EV_VMSYNC_HG_GUEST] = { "vmsync_hg_guest", 2, { "cnt", "vm_uid" }, 0 },
  [STRATA_EV_VMSYNC_GH_HOST] = { "vmsync_gh_host", 2, { "cnt", "vm_uid" }, 0 },
  [STRATA_EV_VMSYNC_HG_HOST] = { "vmsync_hg_host", 2, { "cnt", "vm_uid" }, 0 },
  [STRATA_EV_NET_SEND] = { "inet_sock_local_out", 5,
    { "seq", "ack_seq", "flags", "check", "window" }, 0 },
  [STRATA_EV_NET_RECV] = { "inet_sock_local_in", 5,
    { "seq", "ack_seq", "flags", "check", "window" }, 0 },
};

const StrataEventKindInfo *
strata_event_kind_info (StrataEventKind kind)
{
  if ((guint) kind >= STRATA_EV_N_KINDS)
    kind = STRATA_EV_NONE;
  return &kind_infos[kind];
}

StrataEventKind
strata_event_kind_from_name (const char *name)
{
  g_return_val_if_fail (name != NULL, STRATA_EV_NONE);

  for (guint i = 1; i < STRATA_EV_N_KINDS; i++)
    if (strcmp (kind_infos[i].name, name) == 0)
      return i;
  return STRATA_EV_NONE;
}
