/* strata-describe.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-describe"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "strata-describe.h"
#include "strata-exit-reason.h"
#include "strata-layout.h"
#include "strata-time.h"

/* How many causes of a preemption a tooltip lists, the longest first. */
#define MAX_CAUSES 3

char *
strata_describe_row (StrataAnalysis *analysis,
                     guint           row)
{
  g_autofree char *label = NULL;
  const char *machine;

  g_return_val_if_fail (analysis != NULL, NULL);
  g_return_val_if_fail (row < strata_store_n_rows (analysis->store), NULL);

  label = strata_layout_row_label (analysis, row);
  machine = strata_analysis_get_machine_name (analysis, strata_store_row_machine (analysis->store, row));
  if (machine == NULL)
    return g_steal_pointer (&label);
  /* Translators: a row of the timeline, then its machine: "vCPU 0 of server1" */
  return g_strdup_printf (_("%s of %s"), label, machine);
}

const StrataPreemption *
strata_describe_find_preemption (StrataAnalysis *analysis,
                                 guint           machine,
                                 gint32          vcpu,
                                 gint64          start)
{
  GArray *all = analysis->preemptions;
  guint lo = 0, hi = all->len;

  /* They are sorted by start, then machine and vCPU. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (all, StrataPreemption, mid).start < start)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (; lo < all->len && g_array_index (all, StrataPreemption, lo).start == start; lo++)
    {
      const StrataPreemption *p = &g_array_index (all, StrataPreemption, lo);

      if (p->machine == machine && p->vcpu == vcpu)
        return p;
    }
  return NULL;
}

/* "worker (812)", or "thread 812" when it has no name. */
static char *
thread_name (StrataAnalysis *analysis,
             guint32         comm,
             gint32          tid)
{
  if (comm != 0 && tid >= 0)
    return g_strdup_printf ("%s (%d)", strata_analysis_string (analysis, comm), tid);
  if (comm != 0)
    return g_strdup (strata_analysis_string (analysis, comm));
  /* Translators: a thread known only by its id */
  return g_strdup_printf (_("thread %d"), tid);
}

char *
strata_describe_cause (StrataAnalysis              *analysis,
                       const StrataPreemptionCause *cause)
{
  g_autofree char *thread = NULL;
  const char *machine;

  g_return_val_if_fail (analysis != NULL, NULL);

  if (cause == NULL)
    return NULL;
  machine = strata_analysis_get_machine_name (analysis, cause->machine);
  switch (cause->state)
    {
    case STRATA_CAUSE_IDLE:
      return g_strdup (_("nothing (the CPU was idle)"));

    case STRATA_CAUSE_HYPERVISOR:
      if (cause->has_exit)
        /* Translators: what ran instead of a preempted vCPU: another VM's vCPU thread, in the
         * host's kernel, handling a VM exit of that reason (EPT_VIOLATION, HLT, …) */
        return g_strdup_printf (_("vCPU %d of %s in the hypervisor (%s)"), cause->vcpu, machine ? machine : "?",
                                strata_exit_reason_label (cause->exit_isa, cause->exit_code));
      /* Translators: what ran instead of a preempted vCPU: another VM's vCPU thread, in the
       * host's kernel (a VM exit) */
      return g_strdup_printf (_("vCPU %d of %s in the hypervisor"), cause->vcpu, machine ? machine : "?");

    case STRATA_CAUSE_GUEST:
      if (cause->tid < 0 || cause->comm == 0)
        /* Translators: what ran instead of a preempted vCPU: another VM's vCPU */
        return g_strdup_printf (_("vCPU %d of %s"), cause->vcpu, machine ? machine : "?");
      thread = thread_name (analysis, cause->comm, cause->tid);
      /* Translators: what ran instead of a preempted vCPU: another VM's vCPU, and the guest
       * thread it ran */
      return g_strdup_printf (_("vCPU %d of %s running %s"), cause->vcpu, machine ? machine : "?", thread);

    case STRATA_CAUSE_HOST:
    default:
      if (cause->tid < 0)
        return g_strdup (_("a host thread not known by name"));
      return thread_name (analysis, cause->comm, cause->tid);
    }
}

/* The main cause of @p, "by stress (4001)", or NULL. */
static char *
by_text (StrataAnalysis         *analysis,
         const StrataPreemption *p)
{
  g_autofree char *cause = NULL;

  if (p == NULL || p->by == NULL || p->by->len == 0)
    return NULL;
  cause = strata_describe_cause (analysis, &g_array_index (p->by, StrataPreemptionCause, 0));
  /* Translators: what preempted a vCPU, drawn inside its bar: "by stress (4001)" */
  return g_strdup_printf (_("by %s"), cause);
}

/* The CPU row of @machine's CPU @cpu as seen inside it: a guest's own trace. */
static gint
guest_cpu_row (StrataAnalysis *analysis,
               guint           machine,
               gint32          cpu)
{
  g_autofree char *name = NULL;
  const char *mname = strata_analysis_get_machine_name (analysis, machine);

  if (mname == NULL || cpu < 0 || !strata_analysis_machine_is_guest (analysis, machine))
    return -1;
  name = g_strdup_printf ("%s/cpu/%d", mname, cpu);
  return strata_store_find_row (analysis->store, name);
}

/* What the guest of @machine ran on its CPU @cpu at @ns: an interval of its own trace. */
static gboolean
guest_at (StrataAnalysis *analysis,
          guint           machine,
          gint32          cpu,
          gint64          ns,
          StrataInterval *iv)
{
  gint row = guest_cpu_row (analysis, machine, cpu);

  return row >= 0 && strata_store_lookup (analysis->store, row, ns, iv) &&
         !strata_state_desc_is_gap (iv->desc);
}

/* The host pCPU that vCPU thread @tid is on at @ns, or -1. */
static gint64
pcpu_of_thread (StrataAnalysis *analysis,
                gint32          tid,
                gint64          ns)
{
  StrataStore *store = analysis->store;
  guint n_rows;
  const gint *rows = strata_store_pcpu_rows (store, &n_rows);

  for (guint k = 0; k < n_rows; k++)
    {
      guint r = (guint) rows[k];
      StrataInterval iv;

      if (!strata_store_lookup (store, r, ns, &iv))
        continue;
      if (iv.desc->host_tid == tid || (iv.desc->tid == tid && (gint) iv.desc->machine == analysis->host))
        return strata_store_row_number (store, r);
    }
  return -1;
}

gint64
strata_describe_pcpu_of_thread (StrataAnalysis *analysis,
                                gint32          tid,
                                gint64          ns)
{
  g_return_val_if_fail (analysis != NULL, -1);

  return pcpu_of_thread (analysis, tid, ns);
}

char *
strata_describe_label (StrataAnalysis       *analysis,
                       guint                 row,
                       const StrataInterval *iv)
{
  const StrataStateDesc *d;
  StrataRowKind kind;

  g_return_val_if_fail (analysis != NULL, NULL);
  g_return_val_if_fail (iv != NULL, NULL);

  d = iv->desc;
  if (!strata_state_is_activity (d->state))
    return NULL;
  kind = strata_store_row_kind (analysis->store, row);
  if (kind == STRATA_ROW_VCPU)
    {
      StrataInterval guest;

      if (d->state == STRATA_STATE_PREEMPTED)
        return by_text (analysis, strata_describe_find_preemption (analysis, d->machine, d->vcpu, iv->start));
      if (d->state == STRATA_STATE_WAITING)
        {
          const StrataPreemption *p = strata_describe_find_preemption (analysis, d->machine, d->vcpu, iv->start);
          g_autofree char *cause = p != NULL && p->by != NULL && p->by->len > 0
                                   ? strata_describe_cause (analysis, &g_array_index (p->by, StrataPreemptionCause, 0))
                                   : NULL;

          /* Translators: drawn in a woken vCPU's wait: what ran on its CPU meanwhile */
          return cause != NULL ? g_strdup_printf (_("woken; %s ran"), cause) : NULL;
        }
      /* Running: the guest thread in it, when the guest was traced. */
      if (d->state == STRATA_STATE_RUNNING &&
          guest_at (analysis, d->machine, d->vcpu, iv->start + (iv->end - iv->start) / 2, &guest) &&
          guest.desc->comm != 0 && strata_state_is_activity (guest.desc->state))
        return g_strdup (strata_analysis_string (analysis, guest.desc->comm));
      return NULL;
    }
  /* Guest time on a pCPU: the guest's thread, not the host thread that runs the vCPU. */
  if (kind == STRATA_ROW_PCPU && d->machine != STRATA_NO_MACHINE && (gint) d->machine != analysis->host &&
      d->vcpu >= 0 && strata_analysis_machine_is_guest (analysis, d->machine))
    {
      if (d->state != STRATA_STATE_GUEST && d->tid >= 0 && d->comm != 0)
        return g_strdup (strata_analysis_string (analysis, d->comm));
      /* Translators: guest time on a host CPU, when the guest thread is not known */
      return g_strdup_printf (_("vCPU %d of %s"), d->vcpu, strata_analysis_get_machine_name (analysis, d->machine));
    }
  if (d->comm == 0)
    return NULL;
  return g_strdup (strata_analysis_string (analysis, d->comm));
}

/* "Process: qemu-system-x86 (3000), thread CPU 0/KVM (3001)", "Process: stress (4001)". */
static void
append_process (GString        *text,
                StrataAnalysis *analysis,
                const char     *key,
                guint16         machine,
                gint32          tid,
                guint32         comm)
{
  const StrataThreadInfo *thread = machine == STRATA_NO_MACHINE || tid <= 0 ? NULL :
                                   strata_analysis_find_thread (analysis, machine, tid);
  const StrataThreadInfo *process = thread != NULL && thread->pid > 0 && thread->pid != thread->tid ?
                                    strata_analysis_find_thread (analysis, machine, thread->pid) : NULL;
  g_autofree char *name = NULL;

  if (comm == 0 && thread != NULL)
    comm = thread->name;
  if (comm == 0 && tid <= 0)
    return;
  name = thread_name (analysis, comm, tid);
  /* A thread of another process is named with it, even when both have one name ("worker"
   * threads of "worker"): the process's id is not the thread's. */
  if (process != NULL && process->name != 0)
    /* Translators: a process (name and id), then its thread (name and id) */
    g_string_append_printf (text, _("%s: %s (%d), thread %s\n"), key,
                            strata_analysis_string (analysis, process->name), thread->pid, name);
  else if (thread != NULL && thread->pid > 0 && thread->pid != thread->tid)
    /* Translators: a process id whose name is not known, then its thread (name and id) */
    g_string_append_printf (text, _("%s: %d, thread %s\n"), key, thread->pid, name);
  else
    /* Translators: a key ("Process") and its value, one line of a tooltip */
    g_string_append_printf (text, _("%s: %s\n"), key, name);
}

/* What a CPU or thread in a syscall or handler is in: "System call: openat", "Interrupt: IRQ 23
 * (ahci)", "Interrupt: soft IRQ 1 (TIMER)". */
static void
append_detail (GString               *text,
               StrataAnalysis        *analysis,
               const StrataStateDesc *d)
{
  const char *name = d->detail != 0 ? strata_analysis_string (analysis, d->detail) : NULL;

  switch (d->state)
    {
    case STRATA_STATE_SYSCALL:
      if (name != NULL)
        /* Translators: the system call a CPU or thread is in: "System call: openat" */
        g_string_append_printf (text, _("System call: %s\n"), name);
      break;

    case STRATA_STATE_IRQ:
      if (d->irq < 0)
        break;
      if (name != NULL)
        /* Translators: the interrupt a CPU handles, its line and its handler's name */
        g_string_append_printf (text, _("Interrupt: IRQ %d (%s)\n"), d->irq, name);
      else
        g_string_append_printf (text, _("Interrupt: IRQ %d\n"), d->irq);
      break;

    case STRATA_STATE_SOFTIRQ:
      if (d->irq < 0)
        break;
      name = strata_softirq_vector_name (d->irq);
      if (name != NULL)
        /* Translators: the soft IRQ a CPU handles, its vector and the kernel's name of it */
        g_string_append_printf (text, _("Interrupt: soft IRQ %d (%s)\n"), d->irq, name);
      else
        g_string_append_printf (text, _("Interrupt: soft IRQ %d\n"), d->irq);
      break;

    default:
      break;
    }
}

/* On a host CPU or thread row, a vCPU's thread in the host is hypervisor time: the exit it is
 * part of, "Exit of vCPU 0 of server1: EPT_VIOLATION, 3.2 µs in all". */
static void
append_host_exit (GString               *text,
                  StrataAnalysis        *analysis,
                  const StrataStateDesc *d,
                  gint32                 tid,
                  gint64                 ns)
{
  if (analysis->exits == NULL || tid <= 0 || d->machine == STRATA_NO_MACHINE ||
      !strata_state_is_activity (d->state))
    return;
  for (guint m = 0; m < strata_analysis_get_n_machines (analysis); m++)
    {
      StrataMachine *vm = strata_analysis_get_machine (analysis, m);

      if (vm->parent != (gint) d->machine || vm->vcpus == NULL)
        continue;
      for (guint v = 0; v < vm->vcpus->len; v++)
        {
          const StrataVcpu *vcpu = &g_array_index (vm->vcpus, StrataVcpu, v);
          g_autofree char *length = NULL;
          gint64 exit_start, exit_end;
          guint32 code;
          guint8 isa;

          if (vcpu->host_tid != tid || ns < vcpu->since_ns || ns >= vcpu->gone_ns)
            continue;
          if (!strata_exits_at (analysis->exits, m, vcpu->id, ns, &isa, &code, &exit_start, &exit_end))
            return;
          if (exit_end == G_MAXINT64)
            {
              /* Translators: a vCPU's thread running in the host: the VM exit it handles,
               * whose end is after the trace's */
              g_string_append_printf (text, _("Exit of vCPU %d of %s: %s, still going when the trace ends\n"),
                                      vcpu->id, vm->name, strata_exit_reason_label (isa, code));
              return;
            }
          length = strata_time_format_duration (exit_end - exit_start);
          /* Translators: a vCPU's thread running in the host: the VM exit it handles, and
           * that exit's whole length */
          g_string_append_printf (text, _("Exit of vCPU %d of %s: %s, %s in all\n"), vcpu->id, vm->name,
                                  strata_exit_reason_display (isa, code), length);
          return;
        }
    }
}

static void
append_causes (GString                *text,
               StrataAnalysis         *analysis,
               const StrataPreemption *p)
{
  for (guint i = 1; p != NULL && p->by != NULL && i < MIN (p->by->len, MAX_CAUSES); i++)
    {
      const StrataPreemptionCause *c = &g_array_index (p->by, StrataPreemptionCause, i);
      g_autofree char *cause = strata_describe_cause (analysis, c);
      g_autofree char *ns = strata_time_format_duration (c->ns);

      /* Translators: another thing that ran while a vCPU was preempted, and for how long */
      g_string_append_printf (text, _("Also: %s, %s\n"), cause, ns);
    }
  if (p != NULL && p->by != NULL && p->by->len > MAX_CAUSES)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "and %u more\n", "and %u more\n",
                                               p->by->len - MAX_CAUSES),
                            p->by->len - MAX_CAUSES);
}

/* The state line and what goes with it, on a vCPU row. */
static void
append_vcpu (GString              *text,
             StrataAnalysis       *analysis,
             const StrataInterval *iv,
             gint64                ns)
{
  const StrataStateDesc *d = iv->desc;
  const StrataPreemption *p = strata_describe_find_preemption (analysis, d->machine, d->vcpu, iv->start);
  g_autofree char *host_name = thread_name (analysis, strata_analysis_host_thread_name (analysis, d), d->host_tid);
  gint host = strata_analysis_vm_host (analysis, d->machine);
  StrataInterval guest;
  gint64 pcpu;

  switch (d->state)
    {
    case STRATA_STATE_RUNNING:
    case STRATA_STATE_HYPERVISOR:
      /* The pCPU rows are the set's host's: another host's thread ids are not theirs. */
      pcpu = host == analysis->host ? pcpu_of_thread (analysis, d->host_tid, ns) : -1;
      if (pcpu >= 0)
        g_string_append_printf (text, d->state == STRATA_STATE_RUNNING
                                      /* Translators: a vCPU running its guest on a host CPU */
                                      ? _("State: running on CPU %d\n")
                                      /* Translators: a vCPU's thread in the host's kernel (a VM exit) */
                                      : _("State: hypervisor, on CPU %d\n"), (int) pcpu);
      else
        g_string_append_printf (text, _("State: %s\n"), strata_state_get_title (d->state));
      if (d->state == STRATA_STATE_HYPERVISOR && analysis->exits != NULL)
        {
          guint8 isa;
          guint32 code;
          gint64 exit_start, exit_end;

          if (strata_exits_at (analysis->exits, d->machine, d->vcpu, ns, &isa, &code, &exit_start, &exit_end))
            {
              g_autofree char *length = strata_time_format_duration (exit_end - exit_start);
              StrataExitDetail detail;

              if (exit_end == G_MAXINT64)
                /* Translators: the VM exit a vCPU is in, whose end is after the trace's */
                g_string_append_printf (text, _("Exit: %s, still going when the trace ends\n"),
                                        strata_exit_reason_display (isa, code));
              else
                /* Translators: the VM exit a vCPU is in: "Exit: EPT_VIOLATION, 3.2 µs in all" */
                g_string_append_printf (text, _("Exit: %s, %s in all\n"), strata_exit_reason_display (isa, code), length);
              if (strata_exits_detail_at (analysis->exits, d->machine, d->vcpu, ns, &detail))
                {
                  g_autofree char *what = strata_exit_detail_format (&detail);

                  /* Translators: the I/O port or MSR a VM exit is for: "Access: port 0x3f8 out, 1 byte" */
                  g_string_append_printf (text, _("Access: %s\n"), what);
                }
            }
        }
      if (d->state == STRATA_STATE_RUNNING && guest_at (analysis, d->machine, d->vcpu, ns, &guest))
        {
          if (guest.desc->tid > 0)
            append_process (text, analysis, _("Guest thread"), guest.desc->machine, guest.desc->tid,
                            guest.desc->comm);
          else
            /* Translators: what a guest was doing on the vCPU, when no thread ran (idle) */
            g_string_append_printf (text, _("Guest: %s\n"), strata_state_get_title (guest.desc->state));
        }
      break;

    case STRATA_STATE_PREEMPTED:
      if (p != NULL && p->by != NULL && p->by->len > 0)
        {
          g_autofree char *cause = strata_describe_cause (analysis, &g_array_index (p->by, StrataPreemptionCause, 0));

          /* Translators: a vCPU's state: what ran instead, and on which host CPU */
          g_string_append_printf (text, _("State: preempted by %s on CPU %d\n"), cause, p->pcpu);
          append_causes (text, analysis, p);
        }
      else
        g_string_append_printf (text, _("State: %s\n"), strata_state_get_title (d->state));
      if (p != NULL && p->cut)
        g_string_append (text, _("What came next is not known: events were lost there\n"));
      else if (p != NULL && p->open)
        g_string_append (text, _("Still preempted when the trace ends\n"));
      break;

    case STRATA_STATE_WAITING:
      if (p != NULL && p->by != NULL && p->by->len > 0)
        {
          g_autofree char *cause = strata_describe_cause (analysis, &g_array_index (p->by, StrataPreemptionCause, 0));

          /* Translators: a vCPU woken and not yet running: the CPU it waits for, and what ran
           * there meanwhile */
          g_string_append_printf (text, _("State: woken, waiting for CPU %d while %s ran\n"), p->pcpu, cause);
          append_causes (text, analysis, p);
        }
      else
        g_string_append_printf (text, _("State: %s\n"), strata_state_get_title (d->state));
      if (p != NULL && p->cut)
        g_string_append (text, _("What came next is not known: events were lost there\n"));
      else if (p != NULL && p->open)
        g_string_append (text, _("Still waiting when the trace ends\n"));
      break;

    case STRATA_STATE_BLOCKED:
      /* Translators: a vCPU whose host thread sleeps, usually since its guest is idle */
      g_string_append (text, _("State: blocked (its thread sleeps)\n"));
      break;

    default:
      g_string_append_printf (text, _("State: %s\n"), strata_state_get_title (d->state));
      break;
    }
  if (host >= 0)
    /* Translators: the host thread that runs a vCPU */
    append_process (text, analysis, _("Host thread"), host, d->host_tid,
                    strata_analysis_host_thread_name (analysis, d));
  else
    g_string_append_printf (text, "%s: %s\n", _("Host thread"), host_name);
}

char *
strata_describe_interval (StrataAnalysis       *analysis,
                          guint                 row,
                          const StrataInterval *iv,
                          gint64                ns)
{
  StrataStore *store;
  const StrataStateDesc *d;
  StrataRowKind kind;
  GString *text;
  g_autofree char *title = NULL;
  g_autofree char *start = NULL;
  g_autofree char *stop = NULL;
  g_autofree char *duration = NULL;

  g_return_val_if_fail (analysis != NULL, NULL);
  g_return_val_if_fail (iv != NULL, NULL);

  store = analysis->store;
  d = iv->desc;
  kind = strata_store_row_kind (store, row);
  title = strata_describe_row (analysis, row);
  text = g_string_new (title);
  g_string_append_c (text, '\n');

  if (kind == STRATA_ROW_VCPU)
    append_vcpu (text, analysis, iv, ns);
  else if (kind == STRATA_ROW_IRQ || kind == STRATA_ROW_SOFTIRQ)
    {
      const char *vector = kind == STRATA_ROW_SOFTIRQ && d->state == STRATA_STATE_SOFTIRQ
                           ? strata_softirq_vector_name (strata_softirq_row_vector (strata_store_row_number (store, row)))
                           : NULL;

      g_string_append_printf (text, _("State: %s\n"), strata_state_get_title (d->state));
      if (d->state == STRATA_STATE_IRQ && d->comm != 0)
        /* Translators: the name of an interrupt's handler */
        g_string_append_printf (text, _("Handler: %s\n"), strata_analysis_string (analysis, d->comm));
      if (vector != NULL)
        g_string_append_printf (text, _("Handler: %s\n"), vector);
      if (strata_state_is_activity (d->state) && iv->tid >= 0)
        /* Translators: the thread an interrupt arrived in */
        append_process (text, analysis, _("Interrupted"), d->machine, iv->tid, 0);
    }
  else if (d->machine != STRATA_NO_MACHINE && (gint) d->machine != (gint) strata_store_row_machine (store, row) &&
           d->vcpu >= 0)
    {
      /* Guest time on a host CPU. */
      if (d->state == STRATA_STATE_GUEST)
        /* Translators: a host CPU running a VM's vCPU, the guest not traced */
        g_string_append_printf (text, _("State: guest mode of vCPU %d of %s\n"), d->vcpu,
                                strata_analysis_get_machine_name (analysis, d->machine));
      else
        {
          /* Translators: a guest's state on a host CPU, then the VM and vCPU it is in */
          g_string_append_printf (text, _("State: %s, inside vCPU %d of %s\n"), strata_state_get_title (d->state),
                                  d->vcpu, strata_analysis_get_machine_name (analysis, d->machine));
          append_detail (text, analysis, d);
          if (d->tid > 0)
            append_process (text, analysis, _("Process"), d->machine, d->tid, d->comm);
        }
      if (d->host_tid >= 0)
        append_process (text, analysis, _("Host thread"), strata_store_row_machine (store, row), d->host_tid,
                        strata_analysis_host_thread_name (analysis, d));
    }
  else
    {
      g_string_append_printf (text, _("State: %s\n"), strata_state_get_title (d->state));
      append_detail (text, analysis, d);
      if (iv->tid > 0)
        append_process (text, analysis, _("Process"), d->machine, iv->tid, d->comm);
      append_host_exit (text, analysis, d, iv->tid, ns);
    }

  start = strata_time_format_absolute (iv->start);
  stop = strata_time_format_absolute (iv->end);
  duration = strata_time_format_duration (iv->end - iv->start);
  g_string_append_printf (text, _("Start: %s\n"), start);
  g_string_append_printf (text, _("End: %s\n"), stop);
  g_string_append_printf (text, _("Duration: %s"), duration);
  return g_string_free (text, FALSE);
}

static int
compare_loss_marks (gconstpointer a,
                    gconstpointer b)
{
  const StrataLossMark *la = a, *lb = b;

  return la->begin < lb->begin ? -1 : la->begin > lb->begin;
}

static gint64
clamp_time (gint64 t)
{
  return CLAMP (t, STRATA_TIME_MIN, STRATA_TIME_MAX);
}

GArray *
strata_describe_losses (StrataAnalysis *analysis)
{
  GArray *marks = g_array_new (FALSE, FALSE, sizeof (StrataLossMark));

  g_return_val_if_fail (analysis != NULL, marks);

  for (guint m = 0; m < strata_analysis_get_n_machines (analysis); m++)
    {
      StrataMachine *machine = strata_analysis_get_machine (analysis, m);

      if (machine->trace == NULL)
        continue;
      for (guint s = 0; s < machine->trace->streams->len; s++)
        {
          StrataStream *stream = g_ptr_array_index (machine->trace->streams, s);

          for (guint l = 0; l < stream->losses->len; l++)
            {
              const StrataLoss *loss = &g_array_index (stream->losses, StrataLoss, l);
              StrataLossMark mark;

              /* Each machine's own clock, corrected as its events were. */
              mark.begin = clamp_time (strata_sync_map (&machine->sync, loss->begin_ns));
              mark.end = MAX (mark.begin, clamp_time (strata_sync_map (&machine->sync, loss->end_ns)));
              mark.count = loss->count;
              mark.machine = m;
              mark.cpu = stream->cpu;
              g_array_append_val (marks, mark);
            }
        }
    }
  g_array_sort (marks, compare_loss_marks);
  return marks;
}

guint64
strata_describe_losses_total (const GArray *losses,
                              gboolean     *uncounted)
{
  guint64 total = 0;
  gboolean some = FALSE;

  for (guint i = 0; losses != NULL && i < losses->len; i++)
    {
      const StrataLossMark *mark = &g_array_index (losses, StrataLossMark, i);

      total += mark->count;
      some |= mark->count == 0;
    }
  if (uncounted != NULL)
    *uncounted = some;
  return total;
}

/* How many machine and CPU lines a description of losses lists. */
#define MAX_LOSS_LINES 4

typedef struct
{
  guint   machine;
  guint32 cpu;
  guint64 count;
  guint   n;              /* losses, counted or not */
} LossLine;

char *
strata_describe_losses_in (StrataAnalysis *analysis,
                           const GArray   *losses,
                           gint64          begin,
                           gint64          end)
{
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (LossLine));
  GString *text;

  g_return_val_if_fail (analysis != NULL, NULL);

  for (guint i = 0; losses != NULL && i < losses->len; i++)
    {
      const StrataLossMark *mark = &g_array_index (losses, StrataLossMark, i);
      guint j;

      if (mark->begin >= end)
        break;
      if (mark->end < begin)
        continue;
      for (j = 0; j < lines->len; j++)
        {
          LossLine *line = &g_array_index (lines, LossLine, j);

          if (line->machine == mark->machine && line->cpu == mark->cpu)
            {
              line->count += mark->count;
              line->n++;
              break;
            }
        }
      if (j == lines->len)
        {
          LossLine line = { mark->machine, mark->cpu, mark->count, 1 };

          g_array_append_val (lines, line);
        }
    }
  if (lines->len == 0)
    return NULL;

  text = g_string_new (NULL);
  for (guint j = 0; j < lines->len && j < MAX_LOSS_LINES; j++)
    {
      const LossLine *line = &g_array_index (lines, LossLine, j);
      const char *machine = strata_analysis_get_machine_name (analysis, line->machine);
      g_autofree char *where = line->cpu == G_MAXUINT32
        ? g_strdup (machine)
        /* Translators: where events were lost: "CPU 2 of loki" */
        : g_strdup_printf (_("CPU %u of %s"), line->cpu, machine);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (line->count == 0)
        /* Translators: the tracer lost events without saying how many */
        g_string_append_printf (text, _("Events discarded by the tracer on %s (not counted)"), where);
      else
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                   "%'" PRIu64 " event discarded by the tracer on %s",
                                                   "%'" PRIu64 " events discarded by the tracer on %s",
                                                   line->count),
                                line->count, where);
    }
  if (lines->len > MAX_LOSS_LINES)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "and on %u other CPU", "and on %u other CPUs",
                                                 lines->len - MAX_LOSS_LINES),
                              lines->len - MAX_LOSS_LINES);
    }
  return g_string_free (text, FALSE);
}

char *
strata_describe_sync_accuracy (const StrataSyncResult *sync)
{
  g_autofree char *d = NULL;

  g_return_val_if_fail (sync != NULL, NULL);

  if (strata_sync_one_sided (sync) < 0)
    /* Translators: the accuracy of a clock correction from messages sent one way only */
    return g_strdup (_("not bounded: its events may be earlier than shown, by the delay of its fastest message"));
  if (strata_sync_one_sided (sync) > 0)
    return g_strdup (_("not bounded: its events may be later than shown, by the delay of its fastest message"));
  if (!isfinite (sync->accuracy_ns))
    return g_strdup (_("not bounded"));
  d = strata_time_format_duration ((gint64) (sync->accuracy_ns + 0.5));
  return g_strdup_printf ("±%s", d);
}
