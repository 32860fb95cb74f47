/* strata-lttng-format.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-lttng-format"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <string.h>

#include "strata-lttng-format.h"
#include "strata-time.h"

#define NS_PER_S G_GINT64_CONSTANT (1000000000)

/* Short names for the tables. */
#define FT_U8           STRATA_LTTNG_U8
#define FT_U16          STRATA_LTTNG_U16
#define FT_U32          STRATA_LTTNG_U32
#define FT_U64          STRATA_LTTNG_U64
#define FT_S32          STRATA_LTTNG_S32
#define FT_S64          STRATA_LTTNG_S64
#define FT_X64          STRATA_LTTNG_X64
#define FT_U16_BE       STRATA_LTTNG_U16_BE
#define FT_U32_BE       STRATA_LTTNG_U32_BE
#define FT_COMM         STRATA_LTTNG_COMM
#define FT_STRING       STRATA_LTTNG_STRING
#define FT_VTIDS        STRATA_LTTNG_VTIDS
#define SRC_ZERO        STRATA_LTTNG_SRC_ZERO
#define SRC_ONE         STRATA_LTTNG_SRC_ONE
#define SRC_CPU         STRATA_LTTNG_SRC_CPU
#define SRC_PARENT_COMM STRATA_LTTNG_SRC_PARENT_COMM
#define SRC_SD_VTID     STRATA_LTTNG_SRC_SD_VTID
#define SRC_SD_VPID     STRATA_LTTNG_SRC_SD_VPID
#define SRC_SK          STRATA_LTTNG_SRC_SK

/* Payloads, per kind, as lttng-modules 2.11 writes them, then those of the 2.5 era. */

static const StrataLttngField f_switch[] = {
  { "prev_comm", FT_COMM, STRATA_F_SWITCH_PREV_COMM },
  { "prev_tid", FT_S32, STRATA_F_SWITCH_PREV_TID },
  { "prev_prio", FT_S32, STRATA_F_SWITCH_PREV_PRIO },
  { "prev_state", FT_S64, STRATA_F_SWITCH_PREV_STATE },
  { "next_comm", FT_COMM, STRATA_F_SWITCH_NEXT_COMM },
  { "next_tid", FT_S32, STRATA_F_SWITCH_NEXT_TID },
  { "next_prio", FT_S32, STRATA_F_SWITCH_NEXT_PRIO },
};
static const StrataLttngField f_wakeup[] = {
  { "comm", FT_COMM, STRATA_F_WAKEUP_COMM },
  { "tid", FT_S32, STRATA_F_WAKEUP_TID },
  { "prio", FT_S32, STRATA_F_WAKEUP_PRIO },
  { "target_cpu", FT_S32, STRATA_F_WAKEUP_TARGET_CPU },
};
static const StrataLttngField f_wakeup_legacy[] = {
  { "comm", FT_COMM, STRATA_F_WAKEUP_COMM },
  { "tid", FT_S32, STRATA_F_WAKEUP_TID },
  { "prio", FT_S32, STRATA_F_WAKEUP_PRIO },
  { "success", FT_S32, SRC_ONE },
  { "target_cpu", FT_S32, STRATA_F_WAKEUP_TARGET_CPU },
};
static const StrataLttngField f_fork[] = {
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
static const StrataLttngField f_fork_legacy[] = {
  { "parent_comm", FT_COMM, SRC_PARENT_COMM },
  { "parent_tid", FT_S32, STRATA_F_FORK_PARENT_TID },
  { "parent_pid", FT_S32, STRATA_F_FORK_PARENT_PID },
  { "child_comm", FT_COMM, STRATA_F_FORK_CHILD_COMM },
  { "child_tid", FT_S32, STRATA_F_FORK_CHILD_TID },
  { "child_pid", FT_S32, STRATA_F_FORK_CHILD_PID },
};
static const StrataLttngField f_exit[] = {
  { "comm", FT_COMM, STRATA_F_EXIT_COMM },
  { "tid", FT_S32, STRATA_F_EXIT_TID },
  { "prio", FT_S32, STRATA_F_EXIT_PRIO },
};
static const StrataLttngField f_exec[] = {
  { "filename", FT_STRING, STRATA_F_EXEC_FILENAME },
  { "tid", FT_S32, STRATA_F_EXEC_TID },
  { "old_tid", FT_S32, STRATA_F_EXEC_OLD_TID },
};
static const StrataLttngField f_statedump[] = {
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
  { "cpu", FT_U32, STRATA_F_SD_CPU },
};
static const StrataLttngField f_pid_ns[] = {
  { "tid", FT_S32, STRATA_F_SDNS_TID },
  { "vtid", FT_S32, STRATA_F_SDNS_VTID },
  { "ns_level", FT_S32, STRATA_F_SDNS_NS_LEVEL },
  { "ns_inum", FT_U32, STRATA_F_SDNS_NS_INUM },
};
static const StrataLttngField f_irq_entry[] = {
  { "irq", FT_S32, STRATA_F_IRQ_IRQ },
  { "name", FT_STRING, STRATA_F_IRQ_NAME },
};
static const StrataLttngField f_irq_exit[] = {
  { "irq", FT_S32, STRATA_F_IRQX_IRQ },
  { "ret", FT_S32, STRATA_F_IRQX_RET },
};
static const StrataLttngField f_softirq[] = {
  { "vec", FT_U32, STRATA_F_SOFTIRQ_VEC },
};
static const StrataLttngField f_kvm_entry[] = {
  { "vcpu_id", FT_U32, STRATA_F_KVM_VCPU_ID },
};
static const StrataLttngField f_kvm_exit[] = {
  { "exit_reason", FT_U32, STRATA_F_KVM_EXIT_REASON },
  { "guest_rip", FT_X64, STRATA_F_KVM_GUEST_RIP },
  { "isa", FT_U32, STRATA_F_KVM_ISA },
  { "info1", FT_U64, STRATA_F_KVM_INFO1 },
  { "info2", FT_U64, STRATA_F_KVM_INFO2 },
  { "vcpu_id", FT_U32, STRATA_F_KVM_VCPU_ID },
};
static const StrataLttngField f_vmsync[] = {
  { "cnt", FT_U32, STRATA_F_VMSYNC_CNT },
  { "vm_uid", FT_U64, STRATA_F_VMSYNC_VM_UID },
};
/* The addon's payload: the segment's header fields as they are on the wire. */
static const StrataLttngField f_inet[] = {
  { "sk", FT_X64, SRC_SK },
  { "seq", FT_U32_BE, STRATA_F_NET_SEQ },
  { "ack_seq", FT_U32_BE, STRATA_F_NET_ACK_SEQ },
  { "check", FT_U16_BE, STRATA_F_NET_CHECK },
  { "window", FT_U16_BE, STRATA_F_NET_WINDOW },
  { "flags", FT_U16_BE, STRATA_F_NET_FLAGS },
};
static const StrataLttngField f_syscall_ret[] = {
  { "ret", FT_S64, STRATA_F_SYSCALL_RET },
};

typedef struct
{
  const char             *name;
  const StrataLttngField *fields;
  guint                   n_fields;
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


/* Declared in strata-ctf-writer.h: the public face of the table above. */
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
type_size (guint8 type)
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
      return STRATA_LTTNG_COMM_LEN;
    case FT_VTIDS:
      return 1 + 2 * 4;
    case FT_STRING:
    default:
      return 0;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* A trace's classes */

static StrataLttngClass *
declare_class (StrataLttngSchema      *schema,
               StrataEventKind         kind,
               const char             *name,
               const StrataLttngField *fields,
               guint                   n_fields,
               StrataLttngField       *owned_fields)
{
  StrataLttngClass *klass = g_new0 (StrataLttngClass, 1);
  const StrataEventKindInfo *info = strata_event_kind_info (kind);

  klass->name = g_strdup (name);
  klass->id = schema->classes->len;
  klass->kind = kind;
  klass->fields = fields;
  klass->n_fields = n_fields;
  klass->owned_fields = owned_fields;
  for (guint i = 0; i < n_fields; i++)
    {
      klass->fixed_size += type_size (fields[i].type);
      if (fields[i].type == FT_STRING)
        klass->has_strings = TRUE;
    }

  /* The decoder looks each slot's field up by the name the kind gives it. */
  for (guint slot = 0; slot < STRATA_EVENT_MAX_FIELDS; slot++)
    {
      klass->reading[slot] = -1;
      for (guint i = 0; slot < info->n_fields && i < n_fields; i++)
        if (strcmp (fields[i].name, info->field_names[slot]) == 0)
          {
            klass->reading[slot] = i;
            break;
          }
    }
  /* ... and a syscall's name in its event's name; the older exit event, one for all
   * syscalls, names none. */
  if (kind == STRATA_EV_SYSCALL_ENTRY || kind == STRATA_EV_SYSCALL_EXIT)
    {
      static const char * const prefixes[] = { "syscall_entry_", "syscall_exit_", "sys_" };

      for (guint i = 0; i < G_N_ELEMENTS (prefixes) && klass->syscall == NULL; i++)
        if (g_str_has_prefix (klass->name, prefixes[i]))
          klass->syscall = klass->name + strlen (prefixes[i]);
    }

  g_ptr_array_add (schema->classes, klass);
  return klass;
}

static void
class_free (StrataLttngClass *klass)
{
  g_free (klass->name);
  g_free (klass->owned_fields);
  g_free (klass);
}

void
strata_lttng_schema_init (StrataLttngSchema *schema,
                          gboolean           legacy)
{
  memset (schema, 0, sizeof *schema);
  schema->legacy = legacy;
  schema->classes = g_ptr_array_new_with_free_func ((GDestroyNotify) class_free);
  schema->entry_by_name = g_ptr_array_new ();
  schema->exit_by_name = g_ptr_array_new ();
}

void
strata_lttng_schema_clear (StrataLttngSchema *schema)
{
  g_clear_pointer (&schema->classes, g_ptr_array_unref);
  g_clear_pointer (&schema->entry_by_name, g_ptr_array_unref);
  g_clear_pointer (&schema->exit_by_name, g_ptr_array_unref);
}

static StrataLttngClass *
syscall_class (StrataLttngSchema      *schema,
               const StrataLttngTasks *tasks,
               gboolean                entry,
               guint32                 name_id)
{
  GPtrArray *by_name = entry ? schema->entry_by_name : schema->exit_by_name;
  StrataEventKind kind = entry ? STRATA_EV_SYSCALL_ENTRY : STRATA_EV_SYSCALL_EXIT;
  const char *name;
  const SyscallDesc *desc;
  g_autofree char *event_name = NULL;
  StrataLttngField *fields;
  guint n = 0;

  if (!entry && schema->legacy)
    {
      const ClassDesc *exit = &legacy_classes[STRATA_EV_SYSCALL_EXIT];

      if (schema->by_kind[kind] == NULL)
        schema->by_kind[kind] = declare_class (schema, kind, exit->name, exit->fields,
                                               exit->n_fields, NULL);
      return schema->by_kind[kind];
    }
  if (name_id < by_name->len && g_ptr_array_index (by_name, name_id) != NULL)
    return g_ptr_array_index (by_name, name_id);

  name = strata_strtab_get (tasks->strings, name_id);
  if (*name == '\0')
    name = "unknown";
  desc = find_syscall (name);
  if (entry)
    event_name = g_strdup_printf (schema->legacy ? "sys_%s" : "syscall_entry_%s", name);
  else
    event_name = g_strdup_printf ("syscall_exit_%s", name);

  fields = g_new0 (StrataLttngField, STRATA_EVENT_MAX_FIELDS);
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
  g_ptr_array_index (by_name, name_id) = declare_class (schema, kind, event_name, fields, n,
                                                        fields);
  return g_ptr_array_index (by_name, name_id);
}

const StrataLttngClass *
strata_lttng_schema_class (StrataLttngSchema      *schema,
                           const StrataLttngTasks *tasks,
                           const StrataEvent      *event)
{
  const ClassDesc *desc;

  if (event->kind == STRATA_EV_NONE || event->kind >= STRATA_EV_N_KINDS)
    return NULL;
  if (event->kind == STRATA_EV_SYSCALL_ENTRY || event->kind == STRATA_EV_SYSCALL_EXIT)
    {
      gint64 name_id = event->f[STRATA_F_SYSCALL_NAME];

      /* An id the table never gave out names nothing: file it under "unknown". */
      if (name_id < 0 || name_id >= strata_strtab_count (tasks->strings))
        name_id = 0;
      return syscall_class (schema, tasks, event->kind == STRATA_EV_SYSCALL_ENTRY,
                            (guint32) name_id);
    }
  if (schema->by_kind[event->kind] != NULL)
    return schema->by_kind[event->kind];

  desc = &modern_classes[event->kind];
  if (schema->legacy && legacy_classes[event->kind].name != NULL)
    desc = &legacy_classes[event->kind];
  if (desc->name == NULL)
    return NULL;
  schema->by_kind[event->kind] = declare_class (schema, event->kind, desc->name, desc->fields,
                                                desc->n_fields, NULL);
  return schema->by_kind[event->kind];
}

/* ------------------------------------------------------------------------------------------ */
/* The trace's environment and clock */

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

char *
strata_lttng_uuid_string (const guint8 u[16])
{
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
                          u[11], u[12], u[13], u[14], u[15]);
}

gboolean
strata_lttng_env_init (StrataLttngEnv               *env,
                       const StrataCtfWriterOptions *options,
                       GError                      **error)
{
  StrataCtfWriterOptions defaults = { 0 };
  g_autoptr(GRand) rand = NULL;
  guint32 seed[3];

  g_return_val_if_fail (env != NULL, FALSE);

  memset (env, 0, sizeof *env);
  if (options == NULL)
    options = &defaults;
  /* An origin beyond the time range leaves no time to write events at. */
  if (options->offset_s < 0 || options->offset_s > STRATA_TIME_MAX / NS_PER_S)
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                   _("Clock offset %" PRId64 " s is out of range"), options->offset_s);
      return FALSE;
    }

  env->legacy = options->legacy_naming;
  env->hostname = g_strdup (options->hostname ? options->hostname : "localhost");
  env->kernel_release = g_strdup (options->kernel_release ? options->kernel_release :
                                  env->legacy ? "3.13.0-24-generic" : "5.10.0-20-amd64");
  env->kernel_version = g_strdup (options->kernel_version ? options->kernel_version :
                                  env->legacy ? "#46-Ubuntu SMP Thu Apr 10 19:11:08 UTC 2014" :
                                  "#1 SMP Debian 5.10.158-2 (2022-12-13)");
  if (options->tracer_major == 0 && options->tracer_minor == 0 && options->tracer_patchlevel == 0)
    {
      env->tracer[0] = 2;
      env->tracer[1] = env->legacy ? 5 : 11;
      env->tracer[2] = 0;
    }
  else
    {
      env->tracer[0] = options->tracer_major;
      env->tracer[1] = options->tracer_minor;
      env->tracer[2] = options->tracer_patchlevel;
    }
  env->offset_s = options->offset_s;
  env->offset_ns = options->offset_s * NS_PER_S;
  env->n_cpus = MAX (options->n_cpus, 1);

  /* Same seed and host, same UUIDs: generated traces are reproducible byte for byte. */
  seed[0] = (guint32) options->uuid_seed;
  seed[1] = (guint32) (options->uuid_seed >> 32);
  seed[2] = g_str_hash (env->hostname);
  rand = g_rand_new_with_seed_array (seed, G_N_ELEMENTS (seed));
  make_uuid (rand, env->trace_uuid);
  make_uuid (rand, env->clock_uuid);
  return TRUE;
}

void
strata_lttng_env_clear (StrataLttngEnv *env)
{
  g_clear_pointer (&env->hostname, g_free);
  g_clear_pointer (&env->kernel_release, g_free);
  g_clear_pointer (&env->kernel_version, g_free);
}

/* ------------------------------------------------------------------------------------------ */
/* Field values */

void
strata_lttng_tasks_init (StrataLttngTasks *tasks,
                         StrataStrtab     *strings)
{
  tasks->strings = strings;
  tasks->comms = g_hash_table_new (NULL, NULL);
}

void
strata_lttng_tasks_clear (StrataLttngTasks *tasks)
{
  g_clear_pointer (&tasks->comms, g_hash_table_unref);
}

const char *
strata_lttng_string (const StrataLttngTasks *tasks,
                     gint64                  id)
{
  if (id <= 0 || id > G_MAXUINT32)
    return "";
  return strata_strtab_get (tasks->strings, (guint32) id);
}

/* Keeps tid -> comm for the parent_comm of forks, which StrataEvent does not carry. */
void
strata_lttng_tasks_note (StrataLttngTasks  *tasks,
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
        const char *path = strata_lttng_string (tasks, event->f[STRATA_F_EXEC_FILENAME]);
        const char *base = strrchr (path, '/');

        /* exec renames the task after its file, cut to the kernel's comm length. */
        base = base ? base + 1 : path;
        tid = event->f[STRATA_F_EXEC_TID];
        comm = strata_strtab_intern_len (tasks->strings, base,
                                         strnlen (base, STRATA_LTTNG_COMM_LEN - 1));
      }
      break;
    default:
      return;
    }
  g_hash_table_insert (tasks->comms, GINT_TO_POINTER ((gint) tid), GUINT_TO_POINTER ((guint) comm));
}

gint64
strata_lttng_field_value (const StrataLttngTasks *tasks,
                          const StrataEvent      *event,
                          const StrataLttngField *field)
{
  if (G_LIKELY (field->src >= 0))
    return event->f[field->src];
  switch (field->src)
    {
    case SRC_ONE:
      return 1;
    case SRC_CPU:
      return event->cpu;
    case SRC_PARENT_COMM:
      {
        gint parent = (gint) event->f[STRATA_F_FORK_PARENT_TID];

        return GPOINTER_TO_UINT (g_hash_table_lookup (tasks->comms, GINT_TO_POINTER (parent)));
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

/* ------------------------------------------------------------------------------------------ */
/* Checks */

static gboolean
check_cpu (const StrataLttngEnv  *env,
           guint                  cpu,
           gboolean               discard,
           GError               **error)
{
  if (G_LIKELY (cpu < env->n_cpus))
    return TRUE;
  if (discard)
    g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                 _("Discarded events on CPU %u, but the trace has %u CPUs"), cpu, env->n_cpus);
  else
    g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                 _("Event on CPU %u, but the trace has %u CPUs"), cpu, env->n_cpus);
  return FALSE;
}

static gboolean
check_time (const StrataLttngEnv  *env,
            guint                  cpu,
            gint64                 ts,
            gint64                 last,
            GError               **error)
{
  if (G_UNLIKELY (ts < last))
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_ORDER,
                   _("Event at %" PRId64 " ns on CPU %u is earlier than the previous one "
                     "(%" PRId64 " ns)"), ts, cpu, last);
      return FALSE;
    }
  if (G_UNLIKELY (ts < env->offset_ns))
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_ORDER,
                   _("Event at %" PRId64 " ns on CPU %u is before the clock origin "
                     "(offset_s %" PRId64 ")"), ts, cpu, env->offset_s);
      return FALSE;
    }
  /* Readers cannot convert every 64-bit time to ns from the origin, and Strata's decoder
   * leaves out times beyond its range: such a trace would not read back. */
  if (G_UNLIKELY (ts > STRATA_TIME_MAX))
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                   _("Event at %" PRId64 " ns on CPU %u is after the end of the time "
                     "range (%" PRId64 " ns)"), ts, cpu, STRATA_TIME_MAX);
      return FALSE;
    }
  return TRUE;
}

const StrataLttngClass *
strata_lttng_check_event (const StrataLttngEnv    *env,
                          StrataLttngSchema       *schema,
                          const StrataLttngTasks  *tasks,
                          const StrataEvent       *event,
                          gint64                   last,
                          GError                 **error)
{
  const StrataLttngClass *klass;

  if (!check_cpu (env, event->cpu, FALSE, error))
    return NULL;
  /* Declared before the time is checked: a refused event still declares its class. */
  if (G_UNLIKELY ((klass = strata_lttng_schema_class (schema, tasks, event)) == NULL))
    {
      g_set_error (error, STRATA_CTF_WRITER_ERROR, STRATA_CTF_WRITER_ERROR_INVALID,
                   _("Event of unknown kind %u"), event->kind);
      return NULL;
    }
  if (!check_time (env, event->cpu, event->ts, last, error))
    return NULL;
  return klass;
}

gboolean
strata_lttng_check_discard (const StrataLttngEnv  *env,
                            guint                  cpu,
                            gint64                 ts,
                            gint64                 last,
                            GError               **error)
{
  return check_cpu (env, cpu, TRUE, error) && check_time (env, cpu, ts, last, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Reading back */

void
strata_lttng_read_back (const StrataLttngClass *klass,
                        const StrataLttngTasks *tasks,
                        const StrataEvent      *event,
                        StrataStrtab           *strings,
                        StrataEvent            *out)
{
  const StrataEventKindInfo *info = strata_event_kind_info (klass->kind);

  memset (out, 0, sizeof *out);
  out->ts = event->ts;
  out->cpu = event->cpu;
  out->kind = klass->kind;
  for (guint slot = 0; slot < info->n_fields; slot++)
    {
      const StrataLttngField *field;
      gint64 v;

      if (klass->reading[slot] < 0)
        continue;
      field = &klass->fields[klass->reading[slot]];
      v = strata_lttng_field_value (tasks, event, field);
      switch (field->type)
        {
        case FT_U8:
          v = (guint8) v;
          break;
        case FT_U16:
        case FT_U16_BE:
          v = (guint16) v;
          break;
        case FT_U32:
        case FT_U32_BE:
          v = (guint32) v;
          break;
        case FT_S32:
          v = (gint32) v;
          break;
        case FT_COMM:
          {
            const char *text = strata_lttng_string (tasks, v);

            v = strata_strtab_intern_len (strings, text,
                                          strnlen (text, STRATA_LTTNG_COMM_LEN - 1));
          }
          break;
        case FT_STRING:
          v = strata_strtab_intern (strings, strata_lttng_string (tasks, v));
          break;
        case FT_VTIDS:
          {
            gint64 tid = event->f[STRATA_F_FORK_CHILD_TID];

            /* [tid], or [tid, vtid] (see the writer): a reader takes the last element. */
            v = (gint32) (guint32) (v != 0 && v != tid ? v : tid);
          }
          break;
        case FT_U64:
        case FT_S64:
        case FT_X64:
        default:
          break;
        }
      out->f[slot] = v;
    }

  /* What the decoder gives for what the class lacks (its fill_defaults()). */
  switch (klass->kind)
    {
    case STRATA_EV_KVM_ENTRY:
    case STRATA_EV_KVM_EXIT:
      if (klass->reading[STRATA_F_KVM_VCPU_ID] < 0)
        out->f[STRATA_F_KVM_VCPU_ID] = -1;
      break;
    case STRATA_EV_PROCESS_FORK:
      if (klass->reading[STRATA_F_FORK_CHILD_VTID] < 0 || out->f[STRATA_F_FORK_CHILD_VTID] == 0)
        out->f[STRATA_F_FORK_CHILD_VTID] = out->f[STRATA_F_FORK_CHILD_TID];
      break;
    case STRATA_EV_STATEDUMP_PROCESS:
      if (klass->reading[STRATA_F_SD_VTID] < 0)
        out->f[STRATA_F_SD_VTID] = out->f[STRATA_F_SD_TID];
      if (klass->reading[STRATA_F_SD_VPID] < 0)
        out->f[STRATA_F_SD_VPID] = out->f[STRATA_F_SD_PID];
      if (klass->reading[STRATA_F_SD_CPU] < 0)
        out->f[STRATA_F_SD_CPU] = -1;
      break;
    case STRATA_EV_SYSCALL_ENTRY:
    case STRATA_EV_SYSCALL_EXIT:
      out->f[STRATA_F_SYSCALL_NAME] = klass->syscall != NULL ?
                                      strata_strtab_intern (strings, klass->syscall) : 0;
      if (klass->kind == STRATA_EV_SYSCALL_ENTRY)
        out->f[STRATA_F_SYSCALL_RET] = 0;
      break;
    default:
      break;
    }
}
