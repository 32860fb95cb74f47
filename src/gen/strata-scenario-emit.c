/* strata-scenario-emit.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-scenario"

#include "config.h"

#include "strata-exit-reason.h"
#include "strata-scenario-model.h"

/* The events the model makes: one function a kind, so that each kind's fields are filled in
 * one place. */

void
gen_put (Out         *o,
         StrataEvent *ev)
{
  Machine *m = o->m;
  Gen *gen = m->gen;

  if (gen->error != NULL)
    return;
  ev->cpu = o->cpu;
  ev->ts = m->is_guest ? strata_scenario_clock_to_guest (&m->clock, o->now) : o->now;
  if (G_UNLIKELY (o->now >= o->drop_from))
    {
      if (o->now < o->drop_to)
        {
          o->dropped++;
          return;
        }
      /* The next packet after a full ring buffer tells how many were lost. */
      if (!gen->sink->discard (gen->data, m->index, o->cpu, o->dropped, ev->ts, &gen->error))
        return;
      o->drop_from = INF;
    }
  gen->sink->event (gen->data, m->index, ev, &gen->error);
}

void
gen_switch (Out    *o,
            Task   *prev,
            gint64  prev_state,
            Task   *next)
{
  EV (ev, STRATA_EV_SCHED_SWITCH);

  ev.f[STRATA_F_SWITCH_PREV_TID] = prev->tid;
  ev.f[STRATA_F_SWITCH_PREV_STATE] = prev_state;
  ev.f[STRATA_F_SWITCH_PREV_PRIO] = prev->prio;
  ev.f[STRATA_F_SWITCH_PREV_COMM] = prev->comm;
  ev.f[STRATA_F_SWITCH_NEXT_TID] = next->tid;
  ev.f[STRATA_F_SWITCH_NEXT_PRIO] = next->prio;
  ev.f[STRATA_F_SWITCH_NEXT_COMM] = next->comm;
  gen_put (o, &ev);
  gap (o);
}

void
gen_wake (Out   *o,
          guint  kind,
          Task  *task)
{
  EV (ev, kind);

  /* sched_waking appeared with Linux 4.3: older tracers only have sched_wakeup. */
  if (kind == STRATA_EV_SCHED_WAKING && o->m->legacy)
    return;
  ev.f[STRATA_F_WAKEUP_TID] = task->tid;
  ev.f[STRATA_F_WAKEUP_PRIO] = task->prio;
  ev.f[STRATA_F_WAKEUP_TARGET_CPU] = task->cpu;
  ev.f[STRATA_F_WAKEUP_COMM] = task->comm;
  gen_put (o, &ev);
  gap (o);
}

void
gen_sys_entry (Out   *o,
               Task  *task,
               guint  sc)
{
  const SysProfile *p = &o->m->gen->sys[sc];
  EV (ev, STRATA_EV_SYSCALL_ENTRY);

  ev.f[STRATA_F_SYSCALL_NAME] = p->name;
  if (p->fd >= 0)
    ev.f[p->fd] = 3 + task->tid % 13;
  if (p->len >= 0)
    ev.f[p->len] = 1 << g_rand_int_range (o->rand, 4, 17);
  if (p->ptr >= 0)
    ev.f[p->ptr] = G_GINT64_CONSTANT (0x7ffd5a3c0000) + (g_rand_int (o->rand) & 0xfff0);
  if (p->op >= 0)
    ev.f[p->op] = sc == SC_IOCTL ? (task->type == TT_VCPU ? KVM_RUN : 0x5401) :
                  sc == SC_FUTEX ? 128 + g_rand_int_range (o->rand, 0, 2) : 0;
  if (p->path >= 0)
    ev.f[p->path] = sc == SC_EXECVE ? o->m->gen->s_ls_path : o->m->gen->s_open_path;
  gen_put (o, &ev);
  gap (o);
}

void
gen_sys_exit (Out    *o,
              guint   sc,
              gint64  ret)
{
  EV (ev, STRATA_EV_SYSCALL_EXIT);

  ev.f[STRATA_F_SYSCALL_RET] = ret;
  ev.f[STRATA_F_SYSCALL_NAME] = o->m->gen->sys[sc].name;
  gen_put (o, &ev);
  gap (o);
}

gint64
gen_sys_ret (Out   *o,
             guint  sc)
{
  switch (sc)
    {
    case SC_READ:
    case SC_WRITE:
    case SC_RECVFROM:
    case SC_SENDTO:
    case SC_RECVMSG:
    case SC_SENDMSG:
    case SC_WRITEV:
      return g_rand_int_range (o->rand, 1, 4097);
    case SC_OPENAT:
      return g_rand_int_range (o->rand, 3, 40);
    case SC_POLL:
    case SC_PPOLL:
    case SC_EPOLL_WAIT:
    case SC_SELECT:
      return g_rand_int_range (o->rand, 1, 4);
    case SC_MMAP:
      return G_GINT64_CONSTANT (0x7f3a12000000) + (g_rand_int (o->rand) & 0xfff000);
    case SC_FUTEX:
      return g_rand_int_range (o->rand, 0, 100) < 90 ? 0 : -11;
    default:
      return 0;
    }
}

void
gen_irq (Out     *o,
         guint    kind,
         gint     irq,
         guint32  name)
{
  EV (ev, kind);

  ev.f[STRATA_F_IRQ_IRQ] = irq;
  ev.f[1] = kind == STRATA_EV_IRQ_ENTRY ? name : 1;  /* name, or ret = IRQ_HANDLED */
  gen_put (o, &ev);
  gap (o);
}

void
gen_softirq (Out   *o,
             guint  kind,
             guint  vec)
{
  EV (ev, kind);

  ev.f[STRATA_F_SOFTIRQ_VEC] = vec;
  gen_put (o, &ev);
  gap (o);
}

gint64
gen_kvm (Out    *o,
         guint   kind,
         Vcpu   *v,
         guint   reason)
{
  gint64 ts = o->now;
  EV (ev, kind);

  ev.f[STRATA_F_KVM_VCPU_ID] = v->id;
  if (kind == STRATA_EV_KVM_EXIT)
    {
      ev.f[STRATA_F_KVM_EXIT_REASON] = reason;
      ev.f[STRATA_F_KVM_GUEST_RIP] = (gint64) v->rip;
      ev.f[STRATA_F_KVM_ISA] = STRATA_ISA_VMX;
      /* Port I/O is a virtio device's notify register, or now and then the serial port: the
       * exit qualification's port (bits 16-31), direction (bit 3, out) and size less one. */
      if (reason == EXIT_IO_INSTRUCTION)
        ev.f[STRATA_F_KVM_INFO1] = (v->rip & 0x10) ? ((gint64) 0x3f8 << 16) : ((gint64) 0xc050 << 16) | 1;
    }
  gen_put (o, &ev);
  gap (o);
  return ts;
}

void
gen_vmsync (Out        *o,
            guint       kind,
            guint32     cnt,
            const Vcpu *v)
{
  EV (ev, kind);

  ev.f[STRATA_F_VMSYNC_CNT] = cnt;
  ev.f[STRATA_F_VMSYNC_VM_UID] = (gint64) v->vm_uid;
  /* Without the addon, the same time passes in the hypercall, with nothing written: a set
   * with and one without sync events are otherwise the same. */
  if (v->sync_events && !(v->sync_gh_only && (kind == STRATA_EV_VMSYNC_HG_HOST || kind == STRATA_EV_VMSYNC_HG_GUEST)))
    gen_put (o, &ev);
  gap (o);
}

static void
e_statedump (Out  *o,
             Task *task,
             gint  status)
{
  EV (ev, STRATA_EV_STATEDUMP_PROCESS);

  ev.f[STRATA_F_SD_TID] = task->tid;
  ev.f[STRATA_F_SD_PID] = task->pid;
  ev.f[STRATA_F_SD_PPID] = task->ppid;
  ev.f[STRATA_F_SD_VTID] = task->tid;
  ev.f[STRATA_F_SD_VPID] = task->pid;
  ev.f[STRATA_F_SD_STATUS] = status;
  ev.f[STRATA_F_SD_NS_INUM] = G_GINT64_CONSTANT (4026531836);   /* the initial pid namespace */
  ev.f[STRATA_F_SD_NAME] = task->comm;
  ev.f[STRATA_F_SD_CPU] = o->cpu;
  gen_put (o, &ev);
  o->now += 300 + g_rand_int_range (o->rand, 0, 300);
}

void
gen_task (Out   *o,
          guint  kind,
          Task  *task)
{
  EV (ev, kind);

  ev.f[STRATA_F_EXIT_TID] = task->tid;
  ev.f[STRATA_F_EXIT_PRIO] = task->prio;
  ev.f[STRATA_F_EXIT_COMM] = task->comm;
  gen_put (o, &ev);
  gap (o);
}

/* Every thread the trace knows at its start; the current one is running. */
void
gen_statedump (Out  *o,
               Task *running)
{
  GPtrArray *tasks = o->m->tasks;

  for (guint i = 0; i < tasks->len; i++)
    {
      Task *task = g_ptr_array_index (tasks, i);

      e_statedump (o, task, task == running ? SD_RUN : SD_WAIT);
    }
}
