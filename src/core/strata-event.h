/* strata-event.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The normalized kernel event every analysis consumes. The decoder maps all of LTTng's naming
 * generations onto these kinds; analyses never see an event name.
 *
 * Field slots are kind-specific (see the STRATA_F_* constants below). String slots hold ids of
 * the set's StrataStrtab; id 0 is the empty string.
 */
typedef enum
{
  STRATA_EV_NONE = 0,
  STRATA_EV_SCHED_SWITCH,
  STRATA_EV_SCHED_WAKEUP,
  STRATA_EV_SCHED_WAKEUP_NEW,
  STRATA_EV_SCHED_WAKING,
  STRATA_EV_PROCESS_FORK,
  STRATA_EV_PROCESS_EXIT,
  STRATA_EV_PROCESS_FREE,
  STRATA_EV_PROCESS_EXEC,
  STRATA_EV_STATEDUMP_PROCESS,
  STRATA_EV_STATEDUMP_PID_NS,
  STRATA_EV_IRQ_ENTRY,
  STRATA_EV_IRQ_EXIT,
  STRATA_EV_SOFTIRQ_ENTRY,
  STRATA_EV_SOFTIRQ_EXIT,
  STRATA_EV_SOFTIRQ_RAISE,
  STRATA_EV_SYSCALL_ENTRY,
  STRATA_EV_SYSCALL_EXIT,
  STRATA_EV_KVM_ENTRY,
  STRATA_EV_KVM_EXIT,
  STRATA_EV_VMSYNC_GH_GUEST,
  STRATA_EV_VMSYNC_HG_GUEST,
  STRATA_EV_VMSYNC_GH_HOST,
  STRATA_EV_VMSYNC_HG_HOST,
  STRATA_EV_NET_SEND,
  STRATA_EV_NET_RECV,
  STRATA_EV_N_KINDS
} StrataEventKind;

#define STRATA_EVENT_MAX_FIELDS 9

/* Field slots, per kind. "(s)" marks a string id. */
enum {
  /* SCHED_SWITCH */
  STRATA_F_SWITCH_PREV_TID = 0,
  STRATA_F_SWITCH_PREV_STATE,
  STRATA_F_SWITCH_PREV_PRIO,
  STRATA_F_SWITCH_NEXT_TID,
  STRATA_F_SWITCH_NEXT_PRIO,
  STRATA_F_SWITCH_PREV_COMM,      /* (s) */
  STRATA_F_SWITCH_NEXT_COMM,      /* (s) */
};
enum {
  /* SCHED_WAKEUP, SCHED_WAKEUP_NEW, SCHED_WAKING */
  STRATA_F_WAKEUP_TID = 0,
  STRATA_F_WAKEUP_PRIO,
  STRATA_F_WAKEUP_TARGET_CPU,
  STRATA_F_WAKEUP_COMM,           /* (s) */
};
enum {
  /* PROCESS_FORK */
  STRATA_F_FORK_PARENT_TID = 0,
  STRATA_F_FORK_PARENT_PID,
  STRATA_F_FORK_CHILD_TID,
  STRATA_F_FORK_CHILD_PID,
  STRATA_F_FORK_CHILD_VTID,       /* innermost namespace tid; child_tid when absent */
  STRATA_F_FORK_PARENT_NS_INUM,
  STRATA_F_FORK_CHILD_NS_INUM,
  STRATA_F_FORK_CHILD_COMM,       /* (s) */
};
enum {
  /* PROCESS_EXIT, PROCESS_FREE */
  STRATA_F_EXIT_TID = 0,
  STRATA_F_EXIT_PRIO,
  STRATA_F_EXIT_COMM,             /* (s) */
};
enum {
  /* PROCESS_EXEC */
  STRATA_F_EXEC_TID = 0,
  STRATA_F_EXEC_OLD_TID,
  STRATA_F_EXEC_FILENAME,         /* (s) */
};
enum {
  /* STATEDUMP_PROCESS */
  STRATA_F_SD_TID = 0,
  STRATA_F_SD_PID,
  STRATA_F_SD_PPID,
  STRATA_F_SD_VTID,
  STRATA_F_SD_VPID,
  STRATA_F_SD_STATUS,
  STRATA_F_SD_NS_INUM,
  STRATA_F_SD_NAME,               /* (s) */
  STRATA_F_SD_CPU,                /* the CPU it runs or last ran on; -1 when absent (LTTng 2.5) */
};
enum {
  /* STATEDUMP_PID_NS */
  STRATA_F_SDNS_TID = 0,
  STRATA_F_SDNS_VTID,
  STRATA_F_SDNS_NS_LEVEL,
  STRATA_F_SDNS_NS_INUM,
};
enum {
  /* IRQ_ENTRY */
  STRATA_F_IRQ_IRQ = 0,
  STRATA_F_IRQ_NAME,              /* (s) */
};
enum {
  /* IRQ_EXIT */
  STRATA_F_IRQX_IRQ = 0,
  STRATA_F_IRQX_RET,
};
enum {
  /* SOFTIRQ_ENTRY, SOFTIRQ_EXIT, SOFTIRQ_RAISE */
  STRATA_F_SOFTIRQ_VEC = 0,
};
enum {
  /* SYSCALL_ENTRY, SYSCALL_EXIT */
  STRATA_F_SYSCALL_RET = 0,       /* exit only; 0 on entry */
  STRATA_F_SYSCALL_NAME,          /* (s) from the event name; 0 for an old unnamed exit_syscall */
};
enum {
  /* KVM_ENTRY, KVM_EXIT */
  STRATA_F_KVM_VCPU_ID = 0,       /* -1 when the event has no vcpu_id (old kvm_exit) */
  STRATA_F_KVM_EXIT_REASON,       /* exit only */
  STRATA_F_KVM_ISA,               /* exit only: StrataIsa (1 VMX, 2 SVM), 0 when absent */
  STRATA_F_KVM_INFO1,             /* exit only: VMX exit qualification, SVM EXITINFO1 */
  /* Past the kind's fields: written by the generators, never read or kept (nothing asks
   * for them, and an exit-heavy set has millions). */
  STRATA_F_KVM_GUEST_RIP,         /* exit only */
  STRATA_F_KVM_INFO2,             /* exit only */
};
enum {
  /* VMSYNC_* */
  STRATA_F_VMSYNC_CNT = 0,
  STRATA_F_VMSYNC_VM_UID,
};
enum {
  /* NET_SEND, NET_RECV (TCP segment identity) */
  STRATA_F_NET_SEQ = 0,
  STRATA_F_NET_ACK_SEQ,
  STRATA_F_NET_FLAGS,
  STRATA_F_NET_CHECK,             /* TCP checksum: tells apart segments of equal seq/ack */
  STRATA_F_NET_WINDOW,
};

typedef struct
{
  gint64  ts;        /* ns from the clock's origin, in the trace's own clock */
  guint32 cpu;       /* the stream's packet context cpu_id */
  guint16 kind;      /* StrataEventKind */
  guint16 reserved;  /* padding, 0; too narrow to carry a tid */
  gint64  f[STRATA_EVENT_MAX_FIELDS];
} StrataEvent;

typedef struct
{
  const char *name;                               /* our name, e.g. "sched_switch" */
  guint n_fields;
  const char *field_names[STRATA_EVENT_MAX_FIELDS]; /* LTTng payload names */
  guint string_mask;                              /* bit i set: slot i is a string id */
} StrataEventKindInfo;

const StrataEventKindInfo *strata_event_kind_info (StrataEventKind kind);
StrataEventKind            strata_event_kind_from_name (const char *name);

static inline gboolean
strata_event_field_is_string (StrataEventKind kind,
                              guint           slot)
{
  return (strata_event_kind_info (kind)->string_mask >> slot) & 1;
}

/* A switch-out that leaves the thread runnable: prev_state is TASK_RUNNING (0) or exactly one
 * of the preemption markers the kernel and LTTng generations report, and nothing else:
 * TASK_REPORT_MAX (256, current lttng-modules on Linux >= 4.14), or the raw TASK_STATE_MAX
 * of older pairs: 1024 (3.x), 2048 (4.x up to 4.13), 4096 (lttng-modules 2.10 and 2.11 on
 * 4.14 to 4.18). Any other value is a sleep, combinations such as 1026 (TASK_IDLE)
 * included. */
static inline gboolean
strata_prev_state_is_runnable (gint64 prev_state)
{
  return prev_state == 0 || prev_state == 256 || prev_state == 1024 || prev_state == 2048 ||
         prev_state == 4096;
}

G_END_DECLS
