/* strata-ctf-writer.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-ctf-writer"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "strata-ctf-writer.h"
#include "strata-time.h"

G_DEFINE_QUARK (strata-ctf-writer-error-quark, strata_ctf_writer_error)

#define CTF_MAGIC          0xC1FC1FC1u
#define DEFAULT_PACKET     (64 * 1024)
#define NS_PER_S           G_GINT64_CONSTANT (1000000000)
/* Packet header (magic, uuid, stream_id) then context; every field is byte-aligned, as in
 * LTTng's metadata, so the layout is packed. */
#define HEADER_SIZE        (4 + 16 + 4)
#define CONTEXT_SIZE       (8 * 6 + 4)
#define PREAMBLE_SIZE      (HEADER_SIZE + CONTEXT_SIZE)
#define EVENT_HEADER_SIZE  (4 + 8)
#define COMM_LEN           16

typedef enum
{
  FT_U8,
  FT_U16,
  FT_U32,
  FT_U64,
  FT_S32,
  FT_S64,
  FT_X64,        /* uint64 shown in hex: addresses */
  FT_U16_BE,     /* network byte order, as lttng's inet_* events */
  FT_U32_BE,
  FT_COMM,       /* char[16], encoding UTF8 */
  FT_STRING,
  FT_VTIDS,      /* uint8 _vtids_length, then int32 _vtids[_vtids_length] */
} FieldType;

/* Where a field's value comes from: a StrataEvent slot (>= 0) or one of these. */
enum
{
  SRC_ZERO = -1,
  SRC_ONE = -2,
  SRC_CPU = -3,
  SRC_PARENT_COMM = -4,    /* the parent's comm, from what this writer saw of that tid */
  SRC_SD_VTID = -5,        /* statedump vtid, or tid when the slot is 0 */
  SRC_SD_VPID = -6,
  SRC_SK = -7,             /* a plausible kernel socket address */
};

typedef struct
{
  const char *name;
  guint8      type;
  gint8       src;
} FieldDesc;

typedef struct
{
  char            *name;
  guint32          id;
  const FieldDesc *fields;
  guint            n_fields;
  guint            fixed_size;     /* bytes of everything but strings */
  gboolean         has_strings;
  FieldDesc       *owned_fields;   /* syscall classes build their field list */
} EventClass;

typedef struct
{
  FILE    *fp;
  guint8  *buf;
  gsize    used;
  gboolean open;
  guint64  seq;
  guint64  discarded;        /* cumulative, as written in the next packet's context */
  gint64   begin;            /* ns: the open packet's timestamp_begin */
  gint64   last;             /* ns: latest event or discard; G_MININT64 before any */
  gint64   last_event;
  gboolean discard_pending;  /* a discard awaits a packet to carry its count */
  guint64  events;
} CpuStream;

struct _StrataCtfWriter
{
  char         *dir;
  char         *hostname;
  char         *kernel_release;
  char         *kernel_version;
  guint         tracer[3];
  gboolean      legacy;
  gint64        offset_s;
  gint64        offset_ns;
  gsize         packet_size;
  guint8        trace_uuid[16];
  guint8        clock_uuid[16];
  guint         n_cpus;
  CpuStream    *cpus;
  gboolean      closed;
  gint64        first_ts;                      /* ns: the earliest packet begin; G_MAXINT64 */
  guint64       n_events;
  guint64       n_discarded;

  /* Borrowed */
  StrataStrtab *strings;

  /* Owned */
  GPtrArray    *classes;                       /* EventClass*, by id */
  EventClass   *kind_class[STRATA_EV_N_KINDS];
  GPtrArray    *entry_by_name;                 /* string id -> EventClass* (syscalls) */
  GPtrArray    *exit_by_name;
  GHashTable   *comms;                         /* tid -> comm string id, for parent_comm */
};

/* Payloads, per kind, as lttng-modules 2.11 writes them, then those of the 2.5 era. */

static const FieldDesc f_switch[] = {
  { "prev_comm", FT_COMM, STRATA_F_SWITCH_PREV_COMM },
  { "prev_tid", FT_S32, STRATA_F_SWITCH_PREV_TID },
  { "prev_prio", FT_S32, STRATA_F_SWITCH_PREV_PRIO },
  { "prev_state", FT_S64, STRATA_F_SWITCH_PREV_STATE },
  { "next_comm", FT_COMM, STRATA_F_SWITCH_NEXT_COMM },
  { "next_tid", FT_S32, STRATA_F_SWITCH_NEXT_TID },
  { "next_prio", FT_S32, STRATA_F_SWITCH_NEXT_PRIO },
};
static const FieldDesc f_wakeup[] = {
  { "comm", FT_COMM, STRATA_F_WAKEUP_COMM },
  { "tid", FT_S32, STRATA_F_WAKEUP_TID },
  { "prio", FT_S32, STRATA_F_WAKEUP_PRIO },
  { "target_cpu", FT_S32, STRATA_F_WAKEUP_TARGET_CPU },
};
static const FieldDesc f_wakeup_legacy[] = {
  { "comm", FT_COMM, STRATA_F_WAKEUP_COMM },
  { "tid", FT_S32, STRATA_F_WAKEUP_TID },
  { "prio", FT_S32, STRATA_F_WAKEUP_PRIO },
  { "success", FT_S32, SRC_ONE },
  { "target_cpu", FT_S32, STRATA_F_WAKEUP_TARGET_CPU },
};
static const FieldDesc f_fork[] = {
  { "parent_comm", FT_COMM, SRC_PARENT_COMM },
  { "parent_tid", FT_S32, STRATA_F_FORK_PARENT_TID },
  { "parent_pid", FT_S32, STRATA_F_FORK_PARENT_PID },
  { "parent_ns_inum", FT_U32, STRATA_F_FORK_PARENT_NS_INUM },
  { "child_comm", FT_COMM, STRATA_F_FORK_CHILD_COMM },
  { "child_tid", FT_S32, STRATA_F_FORK_CHILD_TID },
  { "vtids", FT_VTIDS, STRATA_F_FORK_CHILD_VTID },
  { "child_pid", FT_S32, STRATA_F_FORK_CHILD_PID },
  { "child_ns_inum", FT_U32, STRATA_F_FORK_CHILD_NS_INUM },
};
static const FieldDesc f_fork_legacy[] = {
  { "parent_comm", FT_COMM, SRC_PARENT_COMM },
  { "parent_tid", FT_S32, STRATA_F_FORK_PARENT_TID },
  { "parent_pid", FT_S32, STRATA_F_FORK_PARENT_PID },
  { "child_comm", FT_COMM, STRATA_F_FORK_CHILD_COMM },
  { "child_tid", FT_S32, STRATA_F_FORK_CHILD_TID },
  { "child_pid", FT_S32, STRATA_F_FORK_CHILD_PID },
};
static const FieldDesc f_exit[] = {
  { "comm", FT_COMM, STRATA_F_EXIT_COMM },
  { "tid", FT_S32, STRATA_F_EXIT_TID },
  { "prio", FT_S32, STRATA_F_EXIT_PRIO },
};
static const FieldDesc f_exec[] = {
  { "filename", FT_STRING, STRATA_F_EXEC_FILENAME },
  { "tid", FT_S32, STRATA_F_EXEC_TID },
  { "old_tid", FT_S32, STRATA_F_EXEC_OLD_TID },
};
static const FieldDesc f_statedump[] = {
  { "tid", FT_S32, STRATA_F_SD_TID },
  { "vtid", FT_S32, SRC_SD_VTID },
  { "pid", FT_S32, STRATA_F_SD_PID },
  { "vpid", FT_S32, SRC_SD_VPID },
  { "ppid", FT_S32, STRATA_F_SD_PPID },
  { "vppid", FT_S32, STRATA_F_SD_PPID },
  { "name", FT_COMM, STRATA_F_SD_NAME },
  { "type", FT_S32, SRC_ZERO },
  { "mode", FT_S32, SRC_ZERO },
  { "submode", FT_S32, SRC_ZERO },
  { "status", FT_S32, STRATA_F_SD_STATUS },
  { "ns_level", FT_S32, SRC_ZERO },
  { "ns_inum", FT_U32, STRATA_F_SD_NS_INUM },
  { "cpu", FT_U32, SRC_CPU },
};
static const FieldDesc f_pid_ns[] = {
  { "tid", FT_S32, STRATA_F_SDNS_TID },
  { "vtid", FT_S32, STRATA_F_SDNS_VTID },
  { "ns_level", FT_S32, STRATA_F_SDNS_NS_LEVEL },
  { "ns_inum", FT_U32, STRATA_F_SDNS_NS_INUM },
};
static const FieldDesc f_irq_entry[] = {
  { "irq", FT_S32, STRATA_F_IRQ_IRQ },
  { "name", FT_STRING, STRATA_F_IRQ_NAME },
};
static const FieldDesc f_irq_exit[] = {
  { "irq", FT_S32, STRATA_F_IRQX_IRQ },
  { "ret", FT_S32, STRATA_F_IRQX_RET },
};
static const FieldDesc f_softirq[] = {
  { "vec", FT_U32, STRATA_F_SOFTIRQ_VEC },
};
static const FieldDesc f_kvm_entry[] = {
  { "vcpu_id", FT_U32, STRATA_F_KVM_VCPU_ID },
};
static const FieldDesc f_kvm_exit[] = {
  { "exit_reason", FT_U32, STRATA_F_KVM_EXIT_REASON },
  { "guest_rip", FT_X64, STRATA_F_KVM_GUEST_RIP },
  { "isa", FT_U32, SRC_ONE },
  { "info1", FT_U64, SRC_ZERO },
  { "info2", FT_U64, SRC_ZERO },
  { "vcpu_id", FT_U32, STRATA_F_KVM_VCPU_ID },
};
static const FieldDesc f_vmsync[] = {
  { "cnt", FT_U32, STRATA_F_VMSYNC_CNT },
  { "vm_uid", FT_U64, STRATA_F_VMSYNC_VM_UID },
};
/* The addon's payload: the segment's header fields as they are on the wire. */
static const FieldDesc f_inet[] = {
  { "sk", FT_X64, SRC_SK },
  { "seq", FT_U32_BE, STRATA_F_NET_SEQ },
  { "ack_seq", FT_U32_BE, STRATA_F_NET_ACK_SEQ },
  { "check", FT_U16_BE, STRATA_F_NET_CHECK },
  { "window", FT_U16_BE, STRATA_F_NET_WINDOW },
  { "flags", FT_U16_BE, STRATA_F_NET_FLAGS },
};
static const FieldDesc f_syscall_ret[] = {
  { "ret", FT_S64, STRATA_F_SYSCALL_RET },
};

typedef struct
{
  const char      *name;
  const FieldDesc *fields;
  guint            n_fields;
} ClassDesc;

#define CD(n, f) { n, f, G_N_ELEMENTS (f) }

static const ClassDesc modern_classes[STRATA_EV_N_KINDS] = {
  [STRATA_EV_SCHED_SWITCH] = CD ("sched_switch", f_switch),
  [STRATA_EV_SCHED_WAKEUP] = CD ("sched_wakeup", f_wakeup),
  [STRATA_EV_SCHED_WAKEUP_NEW] = CD ("sched_wakeup_new", f_wakeup),
  [STRATA_EV_SCHED_WAKING] = CD ("sched_waking", f_wakeup),
  [STRATA_EV_PROCESS_FORK] = CD ("sched_process_fork", f_fork),
  [STRATA_EV_PROCESS_EXIT] = CD ("sched_process_exit", f_exit),
  [STRATA_EV_PROCESS_FREE] = CD ("sched_process_free", f_exit),
  [STRATA_EV_PROCESS_EXEC] = CD ("sched_process_exec", f_exec),
  [STRATA_EV_STATEDUMP_PROCESS] = CD ("lttng_statedump_process_state", f_statedump),
  [STRATA_EV_STATEDUMP_PID_NS] = CD ("lttng_statedump_process_pid_ns", f_pid_ns),
  [STRATA_EV_IRQ_ENTRY] = CD ("irq_handler_entry", f_irq_entry),
  [STRATA_EV_IRQ_EXIT] = CD ("irq_handler_exit", f_irq_exit),
  [STRATA_EV_SOFTIRQ_ENTRY] = CD ("irq_softirq_entry", f_softirq),
  [STRATA_EV_SOFTIRQ_EXIT] = CD ("irq_softirq_exit", f_softirq),
  [STRATA_EV_SOFTIRQ_RAISE] = CD ("irq_softirq_raise", f_softirq),
  [STRATA_EV_KVM_ENTRY] = CD ("kvm_x86_entry", f_kvm_entry),
  [STRATA_EV_KVM_EXIT] = CD ("kvm_x86_exit", f_kvm_exit),
  [STRATA_EV_VMSYNC_GH_GUEST] = CD ("vmsync_gh_guest", f_vmsync),
  [STRATA_EV_VMSYNC_HG_GUEST] = CD ("vmsync_hg_guest", f_vmsync),
  [STRATA_EV_VMSYNC_GH_HOST] = CD ("vmsync_gh_host", f_vmsync),
  [STRATA_EV_VMSYNC_HG_HOST] = CD ("vmsync_hg_host", f_vmsync),
  [STRATA_EV_NET_SEND] = CD ("inet_sock_local_out", f_inet),
  [STRATA_EV_NET_RECV] = CD ("inet_sock_local_in", f_inet),
};

/* Only what differs from modern_classes; the rest falls through to it. */
static const ClassDesc legacy_classes[STRATA_EV_N_KINDS] = {
  [STRATA_EV_SCHED_WAKEUP] = CD ("sched_wakeup", f_wakeup_legacy),
  [STRATA_EV_SCHED_WAKEUP_NEW] = CD ("sched_wakeup_new", f_wakeup_legacy),
  [STRATA_EV_SCHED_WAKING] = CD ("sched_waking", f_wakeup_legacy),
  [STRATA_EV_PROCESS_FORK] = CD ("sched_process_fork", f_fork_legacy),
  /* The statedump of the 2.5 era: without the last two fields, ns_inum and cpu. */
  [STRATA_EV_STATEDUMP_PROCESS] = { "lttng_statedump_process_state", f_statedump, G_N_ELEMENTS (f_statedump) - 2 },
  [STRATA_EV_SOFTIRQ_ENTRY] = CD ("softirq_entry", f_softirq),
  [STRATA_EV_SOFTIRQ_EXIT] = CD ("softirq_exit", f_softirq),
  [STRATA_EV_SOFTIRQ_RAISE] = CD ("softirq_raise", f_softirq),
  [STRATA_EV_KVM_ENTRY] = CD ("kvm_entry", f_kvm_entry),
  /* kvm_exit before kernels put vcpu_id in it: the first five fields of f_kvm_exit. */
  [STRATA_EV_KVM_EXIT] = { "kvm_exit", f_kvm_exit, 5 },
  [STRATA_EV_SYSCALL_EXIT] = CD ("exit_syscall", f_syscall_ret),
};

/*
 * Syscall arguments: StrataEvent carries none, so an event's slots from 2 on hold them, in
 * this order. "in" arguments go in the entry event, "out" ones in the exit event after ret,
 * as lttng-modules splits them.
 */
typedef struct
{
  const char *name;
  guint8      type;
  guint8      out;
} SyscallArg;

typedef struct
{
  const char *name;
  SyscallArg  args[STRATA_EVENT_MAX_FIELDS - 2];
} SyscallDesc;

static const SyscallDesc syscalls[] = {
  { "read", { { "fd", FT_U32, 0 }, { "count", FT_U64, 0 }, { "buf", FT_X64, 1 } } },
  { "write", { { "fd", FT_U32, 0 }, { "buf", FT_X64, 0 }, { "count", FT_U64, 0 } } },
  { "pread64", { { "fd", FT_U32, 0 }, { "count", FT_U64, 0 }, { "pos", FT_S64, 0 },
                 { "buf", FT_X64, 1 } } },
  { "openat", { { "dfd", FT_S32, 0 }, { "filename", FT_STRING, 0 }, { "flags", FT_S32, 0 },
                { "mode", FT_U16, 0 } } },
  { "close", { { "fd", FT_U32, 0 } } },
  { "ioctl", { { "fd", FT_U32, 0 }, { "cmd", FT_U32, 0 }, { "arg", FT_U64, 0 } } },
  { "futex", { { "uaddr", FT_X64, 0 }, { "op", FT_S32, 0 }, { "val", FT_U32, 0 },
               { "utime", FT_X64, 0 }, { "uaddr2", FT_X64, 0 }, { "val3", FT_U32, 0 } } },
  { "poll", { { "ufds", FT_X64, 0 }, { "nfds", FT_U32, 0 }, { "timeout_msecs", FT_S32, 0 } } },
  { "ppoll", { { "ufds", FT_X64, 0 }, { "nfds", FT_U32, 0 }, { "tsp", FT_X64, 0 },
               { "sigmask", FT_X64, 0 }, { "sigsetsize", FT_U64, 0 } } },
  { "epoll_wait", { { "epfd", FT_S32, 0 }, { "maxevents", FT_S32, 0 }, { "timeout", FT_S32, 0 },
                    { "events", FT_X64, 1 } } },
  { "nanosleep", { { "rqtp", FT_X64, 0 }, { "rmtp", FT_X64, 1 } } },
  { "clock_nanosleep", { { "which_clock", FT_S32, 0 }, { "flags", FT_S32, 0 },
                         { "rqtp", FT_X64, 0 }, { "rmtp", FT_X64, 1 } } },
  { "recvfrom", { { "fd", FT_S32, 0 }, { "size", FT_U64, 0 }, { "flags", FT_U32, 0 },
                  { "ubuf", FT_X64, 1 } } },
  { "sendto", { { "fd", FT_S32, 0 }, { "buff", FT_X64, 0 }, { "len", FT_U64, 0 },
                { "flags", FT_U32, 0 } } },
  { "recvmsg", { { "fd", FT_S32, 0 }, { "msg", FT_X64, 0 }, { "flags", FT_U32, 0 } } },
  { "sendmsg", { { "fd", FT_S32, 0 }, { "msg", FT_X64, 0 }, { "flags", FT_U32, 0 } } },
  { "mmap", { { "addr", FT_X64, 0 }, { "len", FT_U64, 0 }, { "prot", FT_S32, 0 },
              { "flags", FT_S32, 0 }, { "fd", FT_S32, 0 }, { "offset", FT_S64, 0 } } },
  { "munmap", { { "addr", FT_X64, 0 }, { "len", FT_U64, 0 } } },
  { "brk", { { "brk", FT_X64, 0 } } },
  { "newfstat", { { "fd", FT_U32, 0 }, { "statbuf", FT_X64, 1 } } },
  { "lseek", { { "fd", FT_U32, 0 }, { "offset", FT_S64, 0 }, { "whence", FT_U32, 0 } } },
  { "select", { { "n", FT_S32, 0 }, { "inp", FT_X64, 0 }, { "outp", FT_X64, 0 },
                { "exp", FT_X64, 0 }, { "tvp", FT_X64, 0 } } },
  { "writev", { { "fd", FT_U64, 0 }, { "vec", FT_X64, 0 }, { "vlen", FT_U64, 0 } } },
  { "execve", { { "filename", FT_STRING, 0 }, { "argv", FT_X64, 0 }, { "envp", FT_X64, 0 } } },
  { "clone", { { "clone_flags", FT_U64, 0 }, { "newsp", FT_X64, 0 }, { "parent_tid", FT_X64, 0 },
               { "child_tid", FT_X64, 0 } } },
  { "wait4", { { "upid", FT_S32, 0 }, { "options", FT_S32, 0 }, { "stat_addr", FT_X64, 1 },
               { "ru", FT_X64, 1 } } },
  { "exit_group", { { "error_code", FT_S32, 0 } } },
  { "sched_yield", { { NULL } } },
  { "getpid", { { NULL } } },
  { "gettid", { { NULL } } },
};

static const SyscallDesc *
find_syscall (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (syscalls); i++)
    if (strcmp (syscalls[i].name, name) == 0)
      return &syscalls[i];
  return NULL;
}

gint
strata_ctf_writer_syscall_arg_slot (const char *syscall,
                                    const char *arg)
{
  const SyscallDesc *desc;

  g_return_val_if_fail (syscall != NULL, -1);
  g_return_val_if_fail (arg != NULL, -1);

  if ((desc = find_syscall (syscall)) == NULL)
    return -1;
  for (guint i = 0; i < G_N_ELEMENTS (desc->args) && desc->args[i].name != NULL; i++)
    if (strcmp (desc->args[i].name, arg) == 0)
      return STRATA_F_SYSCALL_NAME + 1 + i;
  return -1;
}

static guint
field_fixed_size (guint8 type)
{
  switch (type)
    {
    case FT_U8:
      return 1;
    case FT_U16:
    case FT_U16_BE:
      return 2;
    case FT_U32:
    case FT_S32:
    case FT_U32_BE:
      return 4;
    case FT_U64:
    case FT_S64:
    case FT_X64:
      return 8;
    case FT_COMM:
      return COMM_LEN;
    case FT_VTIDS:
      return 1 + 2 * 4;
    case FT_STRING:
    default:
      return 0;
    }
}

static EventClass *
declare_class (StrataCtfWriter *self,
               const char      *name,
               const FieldDesc *fields,
               guint            n_fields,
               FieldDesc       *owned_fields)
{
  EventClass *klass = g_new0 (EventClass, 1);

  klass->name = g_strdup (name);
  klass->id = self->classes->len;
  klass->fields = fields;
  klass->n_fields = n_fields;
  klass->owned_fields = owned_fields;
  for (guint i = 0; i < n_fields; i++)
    {
      klass->fixed_size += field_fixed_size (fields[i].type);
      if (fields[i].type == FT_STRING)
        klass->has_strings = TRUE;
    }
  g_ptr_array_add (self->classes, klass);
  return klass;
}

static void
event_class_free (EventClass *klass)
{
  g_free (klass->name);
  g_free (klass->owned_fields);
  g_free (klass);
}

static EventClass *
syscall_class (StrataCtfWriter *self,
               gboolean         entry,
               guint32          name_id)
{
  GPtrArray *by_name = entry ? self->entry_by_name : self->exit_by_name;
  const char *name;
  const SyscallDesc *desc;
  g_autofree char *event_name = NULL;
  FieldDesc *fields;
  guint n = 0;

  if (!entry && self->legacy)
    {
      if (self->kind_class[STRATA_EV_SYSCALL_EXIT] == NULL)
        self->kind_class[STRATA_EV_SYSCALL_EXIT] =
          declare_class (self, "exit_syscall", f_syscall_ret, 1, NULL);
      return self->kind_class[STRATA_EV_SYSCALL_EXIT];
    }
  if (name_id < by_name->len && g_ptr_array_index (by_name, name_id) != NULL)
    return g_ptr_array_index (by_name, name_id);

  name = strata_strtab_get (self->strings, name_id);
  if (*name == '\0')
    name = "unknown";
  desc = find_syscall (name);
  if (entry)
    event_name = g_strdup_printf (self->legacy ? "sys_%s" : "syscall_entry_%s", name);
  else
    event_name = g_strdup_printf ("syscall_exit_%s", name);

  fields = g_new0 (FieldDesc, STRATA_EVENT_MAX_FIELDS);
  if (!entry)
    fields[n++] = f_syscall_ret[0];
  for (guint i = 0; desc != NULL && i < G_N_ELEMENTS (desc->args) && desc->args[i].name; i++)
    if (desc->args[i].out == !entry)
      {
        fields[n].name = desc->args[i].name;
        fields[n].type = desc->args[i].type;
        fields[n].src = STRATA_F_SYSCALL_NAME + 1 + i;
        n++;
      }

  if (by_name->len <= name_id)
    g_ptr_array_set_size (by_name, name_id + 1);
  g_ptr_array_index (by_name, name_id) = declare_class (self, event_name, fields, n, fields);
  return g_ptr_array_index (by_name, name_id);
}

static EventClass *
class_for_event (StrataCtfWriter   *self,
                 const StrataEvent *event)
{
  const ClassDesc *desc;

  if (event->kind == STRATA_EV_SYSCALL_ENTRY || event->kind == STRATA_EV_SYSCALL_EXIT)
    {
      gint64 name_id = event->f[STRATA_F_SYSCALL_NAME];

      /* An id the table never gave out names nothing: file it under "unknown". */
      if (name_id < 0 || name_id >= strata_strtab_count (self->strings))
        name_id = 0;
      return syscall_class (self, event->kind == STRATA_EV_SYSCALL_ENTRY, (guint32) name_id);
    }
  if (self->kind_class[event->kind] != NULL)
    return self->kind_class[event->kind];

  desc = &modern_classes[event->kind];
  if (self->legacy && legacy_classes[event->kind].name != NULL)
    desc = &legacy_classes[event->kind];
  if (desc->name == NULL)
    return NULL;
  self->kind_class[event->kind] = declare_class (self, desc->name, desc->fields, desc->n_fields,
                                                 NULL);
  return self->kind_class[event->kind];
}

static void
make_uuid (GRand  *rand,
           guint8  uuid[16])
{
  for (guint i = 0; i < 16; i += 4)
    {
      guint32 r = g_rand_int (rand);

      memcpy (uuid + i, &r, 4);
    }
  /* A random (version 4) RFC 4122 UUID. */
  uuid[6] = (uuid[6] & 0x0f) | 0x40;
  uuid[8] = (uuid[8] & 0x3f) | 0x80;
}

static char *
uuid_string (const guint8 u[16])
{
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
                          u[11], u[12], u[13], u[14], u[15]);
}

static gboolean
set_io_error (GError     **error,
              int          saved_errno,
              const char  *what,
              const char  *path)
{
  g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_IO,
               _("Cannot %s “%s”: %s"), what, path, g_strerror (saved_errno));
  return FALSE;
}

/* Stream files of an earlier trace written here would join this one with the wrong UUID:
 * remove what this writer writes, and nothing else. */
static gboolean
remove_old_trace (const char  *dir,
                  GError     **error)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, error);
  const char *name;

  if (folder == NULL)
    return FALSE;
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = NULL;
      const char *p;

      if (g_str_has_prefix (name, "channel0_"))
        {
          for (p = name + 9; g_ascii_isdigit (*p); p++)
            ;
          if (p == name + 9 || *p != '\0')
            continue;
        }
      else if (strcmp (name, "metadata") != 0)
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_unlink (path) != 0)
        return set_io_error (error, errno, _("remove"), path);
    }
  return TRUE;
}

StrataCtfWriter *
strata_ctf_writer_new (const char                   *dir,
                       const StrataCtfWriterOptions *options,
                       StrataStrtab                 *strings,
                       GError                      **error)
{
  g_autoptr(StrataCtfWriter) self = NULL;
  StrataCtfWriterOptions defaults = { 0 };
  g_autoptr(GRand) rand = NULL;
  guint32 seed[3];

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (strings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &defaults;
  /* An origin beyond the time range leaves no time to write events at. */
  if (options->offset_s < 0 || options->offset_s > STRATA_TIME_MAX / NS_PER_S)
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                   _("Clock offset %" G_GINT64_FORMAT " s is out of range"), options->offset_s);
      return NULL;
    }
  if (options->packet_size != 0 &&
      (options->packet_size < 1024 || options->packet_size % 8 != 0 ||
       options->packet_size > 256 * 1024 * 1024))
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                   _("Packet size %" G_GSIZE_FORMAT " is not a multiple of 8 from 1 KiB to 256 MiB"),
                   options->packet_size);
      return NULL;
    }

  self = g_new0 (StrataCtfWriter, 1);
  self->dir = g_strdup (dir);
  self->strings = strings;
  self->legacy = options->legacy_naming;
  self->hostname = g_strdup (options->hostname ? options->hostname : "localhost");
  self->kernel_release = g_strdup (options->kernel_release ? options->kernel_release :
                                   self->legacy ? "3.13.0-24-generic" : "5.10.0-20-amd64");
  self->kernel_version = g_strdup (options->kernel_version ? options->kernel_version :
                                   self->legacy ? "#46-Ubuntu SMP Thu Apr 10 19:11:08 UTC 2014" :
                                   "#1 SMP Debian 5.10.158-2 (2022-12-13)");
  if (options->tracer_major == 0 && options->tracer_minor == 0 && options->tracer_patchlevel == 0)
    {
      self->tracer[0] = 2;
      self->tracer[1] = self->legacy ? 5 : 11;
      self->tracer[2] = 0;
    }
  else
    {
      self->tracer[0] = options->tracer_major;
      self->tracer[1] = options->tracer_minor;
      self->tracer[2] = options->tracer_patchlevel;
    }
  self->offset_s = options->offset_s;
  self->offset_ns = options->offset_s * NS_PER_S;
  self->packet_size = options->packet_size ? options->packet_size : DEFAULT_PACKET;
  self->n_cpus = MAX (options->n_cpus, 1);
  self->first_ts = G_MAXINT64;
  self->classes = g_ptr_array_new_with_free_func ((GDestroyNotify) event_class_free);
  self->entry_by_name = g_ptr_array_new ();
  self->exit_by_name = g_ptr_array_new ();
  self->comms = g_hash_table_new (NULL, NULL);

  /* Same seed and host, same UUIDs: generated traces are reproducible byte for byte. */
  seed[0] = (guint32) options->uuid_seed;
  seed[1] = (guint32) (options->uuid_seed >> 32);
  seed[2] = g_str_hash (self->hostname);
  rand = g_rand_new_with_seed_array (seed, G_N_ELEMENTS (seed));
  make_uuid (rand, self->trace_uuid);
  make_uuid (rand, self->clock_uuid);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      set_io_error (error, errno, _("create the folder"), dir);
      return NULL;
    }
  if (!remove_old_trace (dir, error))
    return NULL;

  self->cpus = g_new0 (CpuStream, self->n_cpus);
  for (guint cpu = 0; cpu < self->n_cpus; cpu++)
    {
      CpuStream *s = &self->cpus[cpu];
      g_autofree char *name = g_strdup_printf ("channel0_%u", cpu);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      s->last = G_MININT64;
      s->last_event = G_MININT64;
      if ((s->fp = g_fopen (path, "wb")) == NULL)
        {
          set_io_error (error, errno, _("create the stream file"), path);
          return NULL;
        }
    }

  return g_steal_pointer (&self);
}

static inline guint8 *
put_u16 (guint8  *p,
         guint16  v)
{
  v = GUINT16_TO_LE (v);
  memcpy (p, &v, 2);
  return p + 2;
}

static inline guint8 *
put_u32 (guint8  *p,
         guint32  v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
  return p + 4;
}

static inline guint8 *
put_u64 (guint8  *p,
         guint64  v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
  return p + 8;
}

static void
packet_open (StrataCtfWriter *self,
             CpuStream       *s,
             gint64           begin)
{
  guint8 *p;

  /* Only CPUs that see events hold a packet buffer: a trace may declare many idle ones. */
  if (s->buf == NULL)
    s->buf = g_malloc (self->packet_size);
  p = s->buf;
  p = put_u32 (p, CTF_MAGIC);
  memcpy (p, self->trace_uuid, 16);
  p += 16;
  p = put_u32 (p, 0);
  /* The context is filled in at packet_close, when its end is known. */
  s->used = PREAMBLE_SIZE;
  s->begin = begin;
  self->first_ts = MIN (self->first_ts, begin);
  s->open = TRUE;
}

static gboolean
packet_close (StrataCtfWriter  *self,
              guint             cpu,
              GError          **error)
{
  CpuStream *s = &self->cpus[cpu];
  guint8 *p = s->buf + HEADER_SIZE;
  gint64 end = MAX (s->begin, s->last_event);

  p = put_u64 (p, (guint64) (s->begin - self->offset_ns));
  p = put_u64 (p, (guint64) (end - self->offset_ns));
  p = put_u64 (p, (guint64) s->used * 8);
  p = put_u64 (p, (guint64) self->packet_size * 8);
  p = put_u64 (p, s->seq);
  p = put_u64 (p, s->discarded);
  put_u32 (p, cpu);
  memset (s->buf + s->used, 0, self->packet_size - s->used);

  s->open = FALSE;
  s->seq++;
  s->discard_pending = FALSE;
  if (fwrite (s->buf, 1, self->packet_size, s->fp) != self->packet_size)
    {
      g_autofree char *name = g_strdup_printf ("channel0_%u", cpu);
      g_autofree char *path = g_build_filename (self->dir, name, NULL);

      return set_io_error (error, errno, _("write"), path);
    }
  return TRUE;
}

static gboolean
check_time (StrataCtfWriter  *self,
            guint             cpu,
            gint64            ts,
            GError          **error)
{
  CpuStream *s = &self->cpus[cpu];

  if (G_UNLIKELY (ts < s->last))
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_ORDER,
                   _("Event at %" G_GINT64_FORMAT " ns on CPU %u is earlier than the previous one "
                     "(%" G_GINT64_FORMAT " ns)"), ts, cpu, s->last);
      return FALSE;
    }
  if (G_UNLIKELY (ts < self->offset_ns))
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_ORDER,
                   _("Event at %" G_GINT64_FORMAT " ns on CPU %u is before the clock origin "
                     "(offset_s %" G_GINT64_FORMAT ")"), ts, cpu, self->offset_s);
      return FALSE;
    }
  /* Readers cannot convert every 64-bit time to ns from the origin, and Strata's decoder
   * leaves out times beyond its range: such a trace would not read back. */
  if (G_UNLIKELY (ts > STRATA_TIME_MAX))
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                   _("Event at %" G_GINT64_FORMAT " ns on CPU %u is after the end of the time "
                     "range (%" G_GINT64_FORMAT " ns)"), ts, cpu, STRATA_TIME_MAX);
      return FALSE;
    }
  return TRUE;
}

static inline gint64
field_value (StrataCtfWriter   *self,
             const StrataEvent *event,
             gint8              src)
{
  if (G_LIKELY (src >= 0))
    return event->f[src];
  switch (src)
    {
    case SRC_ONE:
      return 1;
    case SRC_CPU:
      return event->cpu;
    case SRC_PARENT_COMM:
      {
        gint parent = (gint) event->f[STRATA_F_FORK_PARENT_TID];

        return GPOINTER_TO_UINT (g_hash_table_lookup (self->comms, GINT_TO_POINTER (parent)));
      }
    case SRC_SD_VTID:
      return event->f[STRATA_F_SD_VTID] ? event->f[STRATA_F_SD_VTID] : event->f[STRATA_F_SD_TID];
    case SRC_SD_VPID:
      return event->f[STRATA_F_SD_VPID] ? event->f[STRATA_F_SD_VPID] : event->f[STRATA_F_SD_PID];
    case SRC_SK:
      return (gint64) G_GUINT64_CONSTANT (0xffff8c8a3b6e0c00);
    case SRC_ZERO:
    default:
      return 0;
    }
}

static inline const char *
string_value (StrataCtfWriter *self,
              gint64           id)
{
  if (id <= 0 || id > G_MAXUINT32)
    return "";
  return strata_strtab_get (self->strings, (guint32) id);
}

/* Keeps tid -> comm for the parent_comm of forks, which StrataEvent does not carry. */
static void
note_comm (StrataCtfWriter   *self,
           const StrataEvent *event)
{
  gint64 tid, comm;

  switch (event->kind)
    {
    case STRATA_EV_STATEDUMP_PROCESS:
      tid = event->f[STRATA_F_SD_TID];
      comm = event->f[STRATA_F_SD_NAME];
      break;
    case STRATA_EV_PROCESS_FORK:
      tid = event->f[STRATA_F_FORK_CHILD_TID];
      comm = event->f[STRATA_F_FORK_CHILD_COMM];
      break;
    case STRATA_EV_PROCESS_EXEC:
      {
        const char *path = string_value (self, event->f[STRATA_F_EXEC_FILENAME]);
        const char *base = strrchr (path, '/');

        /* exec renames the task after its file, cut to the kernel's comm length. */
        base = base ? base + 1 : path;
        tid = event->f[STRATA_F_EXEC_TID];
        comm = strata_strtab_intern_len (self->strings, base, strnlen (base, COMM_LEN - 1));
      }
      break;
    default:
      return;
    }
  g_hash_table_insert (self->comms, GINT_TO_POINTER ((gint) tid), GUINT_TO_POINTER ((guint) comm));
}

gboolean
strata_ctf_writer_add (StrataCtfWriter    *self,
                       const StrataEvent  *event,
                       GError            **error)
{
  CpuStream *s;
  EventClass *klass;
  gsize need;
  guint8 *p;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  if (G_UNLIKELY (self->closed))
    {
      g_set_error_literal (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_CLOSED,
                           _("The trace writer is closed"));
      return FALSE;
    }
  if (G_UNLIKELY (event->cpu >= self->n_cpus))
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                   _("Event on CPU %u, but the trace has %u CPUs"), event->cpu, self->n_cpus);
      return FALSE;
    }
  if (G_UNLIKELY (event->kind == STRATA_EV_NONE || event->kind >= STRATA_EV_N_KINDS ||
                  (klass = class_for_event (self, event)) == NULL))
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                   _("Event of unknown kind %u"), event->kind);
      return FALSE;
    }
  if (!check_time (self, event->cpu, event->ts, error))
    return FALSE;

  s = &self->cpus[event->cpu];
  need = EVENT_HEADER_SIZE + klass->fixed_size;
  if (klass->has_strings)
    for (guint i = 0; i < klass->n_fields; i++)
      if (klass->fields[i].type == FT_STRING)
        need += strlen (string_value (self, field_value (self, event, klass->fields[i].src))) + 1;
  if (G_UNLIKELY (need > self->packet_size - PREAMBLE_SIZE))
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                   _("Event %s of %" G_GSIZE_FORMAT " bytes does not fit in a packet"),
                   klass->name, need);
      return FALSE;
    }
  if (s->open && s->used + need > self->packet_size && !packet_close (self, event->cpu, error))
    return FALSE;
  if (!s->open)
    packet_open (self, s, s->discard_pending ? s->last : event->ts);

  p = put_u32 (s->buf + s->used, klass->id);
  p = put_u64 (p, (guint64) (event->ts - self->offset_ns));
  for (guint i = 0; i < klass->n_fields; i++)
    {
      const FieldDesc *field = &klass->fields[i];
      gint64 v = field_value (self, event, field->src);

      switch (field->type)
        {
        case FT_U8:
          *p++ = (guint8) v;
          break;
        case FT_U16:
          p = put_u16 (p, (guint16) v);
          break;
        case FT_U32:
        case FT_S32:
          p = put_u32 (p, (guint32) v);
          break;
        case FT_U64:
        case FT_S64:
        case FT_X64:
          p = put_u64 (p, (guint64) v);
          break;
        case FT_U16_BE:
          {
            guint16 be = GUINT16_TO_BE ((guint16) v);

            memcpy (p, &be, 2);
            p += 2;
          }
          break;
        case FT_U32_BE:
          {
            guint32 be = GUINT32_TO_BE ((guint32) v);

            memcpy (p, &be, 4);
            p += 4;
          }
          break;
        case FT_COMM:
          {
            const char *str = string_value (self, v);
            gsize len = strnlen (str, COMM_LEN - 1);

            /* The kernel's TASK_COMM_LEN: 15 bytes and a NUL, zero-padded. */
            memcpy (p, str, len);
            memset (p + len, 0, COMM_LEN - len);
            p += COMM_LEN;
          }
          break;
        case FT_STRING:
          {
            const char *str = string_value (self, v);
            gsize len = strlen (str) + 1;

            memcpy (p, str, len);
            p += len;
          }
          break;
        case FT_VTIDS:
          {
            gint64 tid = event->f[STRATA_F_FORK_CHILD_TID];

            /* One tid per pid namespace level, innermost last: the reader takes the last. */
            if (v != 0 && v != tid)
              {
                *p++ = 2;
                p = put_u32 (p, (guint32) tid);
                p = put_u32 (p, (guint32) v);
              }
            else
              {
                *p++ = 1;
                p = put_u32 (p, (guint32) tid);
              }
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }

  s->used = p - s->buf;
  s->last = s->last_event = event->ts;
  s->events++;
  self->n_events++;
  if (G_UNLIKELY (event->kind == STRATA_EV_STATEDUMP_PROCESS ||
                  event->kind == STRATA_EV_PROCESS_FORK ||
                  event->kind == STRATA_EV_PROCESS_EXEC))
    note_comm (self, event);
  return TRUE;
}

gboolean
strata_ctf_writer_discard (StrataCtfWriter  *self,
                           guint             cpu,
                           guint64           count,
                           gint64            ts,
                           GError          **error)
{
  CpuStream *s;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->closed)
    {
      g_set_error_literal (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_CLOSED,
                           _("The trace writer is closed"));
      return FALSE;
    }
  if (cpu >= self->n_cpus)
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                   _("Discarded events on CPU %u, but the trace has %u CPUs"), cpu, self->n_cpus);
      return FALSE;
    }
  if (!check_time (self, cpu, ts, error))
    return FALSE;
  if (count == 0)
    return TRUE;

  s = &self->cpus[cpu];
  if (s->open && !packet_close (self, cpu, error))
    return FALSE;
  s->discarded += count;
  s->discard_pending = TRUE;
  s->last = ts;
  self->n_discarded += count;
  return TRUE;
}

static const char *
field_type_tsdl (guint8 type)
{
  switch (type)
    {
    case FT_U8:
      return "integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; }";
    case FT_U16:
      return "integer { size = 16; align = 8; signed = 0; encoding = none; base = 10; }";
    case FT_U32:
      return "integer { size = 32; align = 8; signed = 0; encoding = none; base = 10; }";
    case FT_U64:
      return "integer { size = 64; align = 8; signed = 0; encoding = none; base = 10; }";
    case FT_S32:
      return "integer { size = 32; align = 8; signed = 1; encoding = none; base = 10; }";
    case FT_S64:
      return "integer { size = 64; align = 8; signed = 1; encoding = none; base = 10; }";
    case FT_X64:
      return "integer { size = 64; align = 8; signed = 0; encoding = none; base = 16; }";
    case FT_U16_BE:
      return "integer { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; }";
    case FT_U32_BE:
      return "integer { size = 32; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; }";
    case FT_COMM:
      return "integer { size = 8; align = 8; signed = 0; encoding = UTF8; base = 10; }";
    case FT_STRING:
      return "string";
    default:
      g_assert_not_reached ();
      return NULL;
    }
}

static char *
escape_tsdl (const char *str)
{
  GString *out = g_string_new (NULL);

  for (const char *p = str; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      if ((guchar) *p >= 0x20)
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static void
append_event_class (GString          *out,
                    const EventClass *klass)
{
  g_autofree char *name = escape_tsdl (klass->name);

  g_string_append_printf (out,
                          "event {\n"
                          "\tname = \"%s\";\n"
                          "\tid = %u;\n"
                          "\tstream_id = 0;\n"
                          "\tfields := struct {\n",
                          name, klass->id);
  /* TSDL field names take a leading underscore, which readers strip: it keeps names such as
   * "event" or "string" from clashing with keywords. */
  for (guint i = 0; i < klass->n_fields; i++)
    {
      const FieldDesc *field = &klass->fields[i];

      switch (field->type)
        {
        case FT_COMM:
          g_string_append_printf (out, "\t\t%s _%s[%u];\n", field_type_tsdl (FT_COMM), field->name,
                                  COMM_LEN);
          break;
        case FT_VTIDS:
          g_string_append_printf (out, "\t\t%s __%s_length;\n", field_type_tsdl (FT_U8),
                                  field->name);
          g_string_append_printf (out, "\t\t%s _%s[ __%s_length ];\n", field_type_tsdl (FT_S32),
                                  field->name, field->name);
          break;
        default:
          g_string_append_printf (out, "\t\t%s _%s;\n", field_type_tsdl (field->type), field->name);
          break;
        }
    }
  g_string_append (out, "\t};\n};\n\n");
}

static GString *
build_metadata (StrataCtfWriter *self)
{
  GString *out = g_string_new ("/* CTF 1.8 */\n\n");
  g_autofree char *trace_uuid = uuid_string (self->trace_uuid);
  g_autofree char *clock_uuid = uuid_string (self->clock_uuid);
  g_autofree char *hostname = escape_tsdl (self->hostname);
  g_autofree char *release = escape_tsdl (self->kernel_release);
  g_autofree char *version = escape_tsdl (self->kernel_version);

  g_string_append (out,
                   "typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
                   "typealias integer { size = 16; align = 8; signed = false; } := uint16_t;\n"
                   "typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
                   "typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
                   "typealias integer { size = 64; align = 8; signed = false; } := unsigned long;\n\n");
  g_string_append_printf (out,
                          "trace {\n"
                          "\tmajor = 1;\n"
                          "\tminor = 8;\n"
                          "\tuuid = \"%s\";\n"
                          "\tbyte_order = le;\n"
                          "\tpacket.header := struct {\n"
                          "\t\tuint32_t magic;\n"
                          "\t\tuint8_t  uuid[16];\n"
                          "\t\tuint32_t stream_id;\n"
                          "\t};\n"
                          "};\n\n", trace_uuid);
  g_string_append_printf (out,
                          "env {\n"
                          "\thostname = \"%s\";\n"
                          "\tdomain = \"kernel\";\n"
                          "\tsysname = \"Linux\";\n"
                          "\tkernel_release = \"%s\";\n"
                          "\tkernel_version = \"%s\";\n"
                          "\ttracer_name = \"lttng-modules\";\n"
                          "\ttracer_major = %u;\n"
                          "\ttracer_minor = %u;\n"
                          "\ttracer_patchlevel = %u;\n"
                          "};\n\n",
                          hostname, release, version, self->tracer[0], self->tracer[1],
                          self->tracer[2]);
  g_string_append_printf (out,
                          "clock {\n"
                          "\tname = \"monotonic\";\n"
                          "\tuuid = \"%s\";\n"
                          "\tdescription = \"Monotonic Clock\";\n"
                          "\tfreq = 1000000000; /* Frequency, in Hz */\n"
                          "\t/* clock value offset from Epoch is: offset_s + offset * (1/freq) */\n"
                          "\toffset_s = %" G_GINT64_FORMAT ";\n"
                          "\toffset = 0;\n"
                          "\tprecision = 0;\n"
                          "\tabsolute = FALSE;\n"
                          "};\n\n", clock_uuid, self->offset_s);
  g_string_append (out,
                   "typealias integer {\n"
                   "\tsize = 64; align = 8; signed = false;\n"
                   "\tmap = clock.monotonic.value;\n"
                   "} := uint64_clock_monotonic_t;\n\n"
                   "struct packet_context {\n"
                   "\tuint64_clock_monotonic_t timestamp_begin;\n"
                   "\tuint64_clock_monotonic_t timestamp_end;\n"
                   "\tuint64_t content_size;\n"
                   "\tuint64_t packet_size;\n"
                   "\tuint64_t packet_seq_num;\n"
                   "\tunsigned long events_discarded;\n"
                   "\tuint32_t cpu_id;\n"
                   "};\n\n"
                   "struct event_header {\n"
                   "\tuint32_t id;\n"
                   "\tuint64_clock_monotonic_t timestamp;\n"
                   "} align(8);\n\n"
                   "stream {\n"
                   "\tid = 0;\n"
                   "\tevent.header := struct event_header;\n"
                   "\tpacket.context := struct packet_context;\n"
                   "};\n\n");
  for (guint i = 0; i < self->classes->len; i++)
    append_event_class (out, g_ptr_array_index (self->classes, i));
  return out;
}

gboolean
strata_ctf_writer_close (StrataCtfWriter  *self,
                         GError          **error)
{
  g_autoptr(GString) metadata = NULL;
  g_autofree char *path = NULL;
  gint64 first;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->closed)
    {
      g_set_error_literal (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_CLOSED,
                           _("The trace writer is closed"));
      return FALSE;
    }
  self->closed = TRUE;
  first = self->first_ts;

  for (guint cpu = 0; cpu < self->n_cpus; cpu++)
    {
      CpuStream *s = &self->cpus[cpu];
      g_autofree char *name = g_strdup_printf ("channel0_%u", cpu);
      g_autofree char *stream_path = g_build_filename (self->dir, name, NULL);

      if (!s->open && s->discard_pending)
        packet_open (self, s, s->last);
      /* A CPU that saw nothing still gets one empty packet, as LTTng writes: readers then
       * know the stream and its cpu_id. */
      if (!s->open && s->seq == 0)
        packet_open (self, s, first != G_MAXINT64 ? first : self->offset_ns);
      if (s->open && !packet_close (self, cpu, error))
        return FALSE;
      g_clear_pointer (&s->buf, g_free);
      if (fclose (s->fp) != 0)
        {
          s->fp = NULL;
          return set_io_error (error, errno, _("write"), stream_path);
        }
      s->fp = NULL;
    }

  metadata = build_metadata (self);
  path = g_build_filename (self->dir, "metadata", NULL);
  return g_file_set_contents (path, metadata->str, metadata->len, error);
}

void
strata_ctf_writer_free (StrataCtfWriter *self)
{
  if (self == NULL)
    return;
  for (guint cpu = 0; self->cpus != NULL && cpu < self->n_cpus; cpu++)
    {
      if (self->cpus[cpu].fp != NULL)
        fclose (self->cpus[cpu].fp);
      g_free (self->cpus[cpu].buf);
    }
  g_free (self->cpus);
  g_clear_pointer (&self->classes, g_ptr_array_unref);
  g_clear_pointer (&self->entry_by_name, g_ptr_array_unref);
  g_clear_pointer (&self->exit_by_name, g_ptr_array_unref);
  g_clear_pointer (&self->comms, g_hash_table_unref);
  g_free (self->dir);
  g_free (self->hostname);
  g_free (self->kernel_release);
  g_free (self->kernel_version);
  g_free (self);
}

guint64
strata_ctf_writer_get_event_count (StrataCtfWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_events;
}

guint64
strata_ctf_writer_get_discarded (StrataCtfWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_discarded;
}
