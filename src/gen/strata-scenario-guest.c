/* strata-scenario-guest.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-scenario"

#include "config.h"

#include "strata-scenario-model.h"

/* The guest side: what a guest does inside the guest-mode windows the host gives it. */

static void
guest_wake (GuestCpu *g)
{
  Out *o = &g->o;
  Task *w = g->worker;

  /* The guest leaves its idle loop on a virtio interrupt or on a timer. */
  if (g_rand_boolean (o->rand))
    {
      gen_irq (o, STRATA_EV_IRQ_ENTRY, 24, o->m->gen->s_virtio);
      gen_softirq (o, STRATA_EV_SOFTIRQ_RAISE, VEC_NET_RX);
      gen_irq (o, STRATA_EV_IRQ_EXIT, 24, 0);
      gen_softirq (o, STRATA_EV_SOFTIRQ_ENTRY, VEC_NET_RX);
      gen_wake (o, STRATA_EV_SCHED_WAKING, w);
      gen_wake (o, STRATA_EV_SCHED_WAKEUP, w);
      gen_softirq (o, STRATA_EV_SOFTIRQ_EXIT, VEC_NET_RX);
    }
  else
    {
      gen_wake (o, STRATA_EV_SCHED_WAKING, w);
      gen_wake (o, STRATA_EV_SCHED_WAKEUP, w);
    }
  gen_switch (o, g->idle, 0, w);
  g->cur = w;
  if (w->in_syscall)
    {
      gen_sys_exit (o, w->syscall, gen_sys_ret (o, w->syscall));
      w->in_syscall = FALSE;
    }
  g->step_left = rexp (o->rand, w->user_mean);
}

static void
guest_statedump (GuestCpu *g)
{
  Out *o = &g->o;
  Task *s = g->sessiond;

  gen_wake (o, STRATA_EV_SCHED_WAKING, s);
  gen_wake (o, STRATA_EV_SCHED_WAKEUP, s);
  gen_switch (o, g->idle, 0, s);
  gen_sys_exit (o, SC_PPOLL, 1);
  gen_sys_entry (o, s, SC_IOCTL);
  gen_statedump (o, s);
  gen_sys_exit (o, SC_IOCTL, 0);
  gen_sys_entry (o, s, SC_PPOLL);
  gen_switch (o, s, 1, g->idle);
  g->statedump_pending = FALSE;
}

static void
guest_halt (GuestCpu *g)
{
  Out *o = &g->o;
  Task *w = g->worker;

  if (w->in_syscall)
    gen_sys_exit (o, w->syscall, gen_sys_ret (o, w->syscall));
  gen_sys_entry (o, w, w->block);
  w->in_syscall = TRUE;
  w->syscall = w->block;
  gen_switch (o, w, 1, g->idle);
  g->cur = g->idle;
}

/* The worker starts a command that runs for a few µs and exits: a thread that lives inside
 * one step. Its parent reaps it at once. */
static void
guest_fork (GuestCpu *g)
{
  Out *o = &g->o;
  Task *w = g->worker;
  Gen *gen = o->m->gen;
  Task child = { 0 };

  child.comm = w->comm;
  child.tid = child.pid = gen->next_guest_tid++;
  child.ppid = w->pid;
  child.prio = w->prio;
  child.type = TT_CHILD;
  child.cpu = o->cpu;
  gen_sys_entry (o, w, SC_CLONE);
  {
    EV (ev, STRATA_EV_PROCESS_FORK);

    ev.f[STRATA_F_FORK_PARENT_TID] = w->tid;
    ev.f[STRATA_F_FORK_PARENT_PID] = w->pid;
    ev.f[STRATA_F_FORK_CHILD_TID] = child.tid;
    ev.f[STRATA_F_FORK_CHILD_PID] = child.pid;
    ev.f[STRATA_F_FORK_CHILD_VTID] = child.tid;
    ev.f[STRATA_F_FORK_PARENT_NS_INUM] = G_GINT64_CONSTANT (4026531836);
    ev.f[STRATA_F_FORK_CHILD_NS_INUM] = G_GINT64_CONSTANT (4026531836);
    ev.f[STRATA_F_FORK_CHILD_COMM] = child.comm;
    gen_put (o, &ev);
    gap (o);
  }
  gen_wake (o, STRATA_EV_SCHED_WAKEUP_NEW, &child);
  gen_sys_exit (o, SC_CLONE, child.tid);
  gen_switch (o, w, o->m->preempt_state, &child);
  o->now += runi (o->rand, 1 * US, 4 * US);
  gen_sys_entry (o, &child, SC_EXIT_GROUP);
  gen_task (o, STRATA_EV_PROCESS_EXIT, &child);
  gen_switch (o, &child, STATE_ZOMBIE, w);
  gen_task (o, STRATA_EV_PROCESS_FREE, &child);
}

static void
guest_step (GuestCpu *g)
{
  Out *o = &g->o;
  Task *w = g->worker;
  Gen *gen = o->m->gen;
  guint r;

  g_assert (g->cur == w);
  if (w->in_syscall)
    {
      gen_sys_exit (o, w->syscall, gen_sys_ret (o, w->syscall));
      w->in_syscall = FALSE;
      g->step_left = rexp (o->rand, w->user_mean);
      return;
    }

  if (gen->guest_fork_pct > 0 && (guint) g_rand_int_range (o->rand, 0, 100) < gen->guest_fork_pct)
    {
      guest_fork (g);
      g->step_left = rexp (o->rand, w->user_mean);
      return;
    }
  r = g_rand_int_range (o->rand, 0, 100);
  if (r < 62)
    {
      w->syscall = w->calls[g_rand_int_range (o->rand, 0, w->n_calls)];
      w->in_syscall = TRUE;
      gen_sys_entry (o, w, w->syscall);
      g->step_left = runi (o->rand, 1 * US, 15 * US);
      return;
    }
  if (r < 77)
    {
      gen_irq (o, STRATA_EV_IRQ_ENTRY, 24, gen->s_virtio);
      o->now += runi (o->rand, 1 * US, 3 * US);
      gen_softirq (o, STRATA_EV_SOFTIRQ_RAISE, VEC_NET_RX);
      gen_irq (o, STRATA_EV_IRQ_EXIT, 24, 0);
      gen_softirq (o, STRATA_EV_SOFTIRQ_ENTRY, VEC_NET_RX);
      o->now += runi (o->rand, 2 * US, 5 * US);
      gen_softirq (o, STRATA_EV_SOFTIRQ_EXIT, VEC_NET_RX);
    }
  else if (r < 90)
    {
      gen_softirq (o, STRATA_EV_SOFTIRQ_RAISE, VEC_TIMER);
      gen_softirq (o, STRATA_EV_SOFTIRQ_ENTRY, VEC_TIMER);
      o->now += runi (o->rand, 1 * US, 3 * US);
      gen_softirq (o, STRATA_EV_SOFTIRQ_EXIT, VEC_TIMER);
    }
  else
    {
      /* A kernel worker gets the vCPU for a moment: a preemption inside the guest. */
      gen_wake (o, STRATA_EV_SCHED_WAKING, g->kworker);
      gen_wake (o, STRATA_EV_SCHED_WAKEUP, g->kworker);
      gen_switch (o, w, o->m->preempt_state, g->kworker);
      o->now += runi (o->rand, 2 * US, 8 * US);
      gen_switch (o, g->kworker, 1, w);
    }
  g->step_left = rexp (o->rand, w->user_mean);
}

/* Fills the guest-mode window [entry, exit] (host time) of @v with guest events. */
void
guest_window (Vcpu    *v,
              gint64   entry,
              gint64   exit,
              guint    reason,
              guint32  cnt)
{
  GuestCpu *g = v->guest;
  Out *o;
  gint64 end, limit;

  if (g == NULL)
    return;
  o = &g->o;
  o->now = entry + GUEST_MARGIN;
  end = exit - GUEST_MARGIN;

  if (g->hg_pending)
    {
      gen_vmsync (o, STRATA_EV_VMSYNC_HG_GUEST, g->hg_cnt, v);
      g->hg_pending = FALSE;
    }
  if (v->first_of_busy && g->cur == g->idle)
    {
      if (g->statedump_pending)
        guest_statedump (g);
      guest_wake (g);
    }

  limit = end - (reason == EXIT_HLT ? 3 * US : reason == EXIT_VMCALL ? 1 * US : 0);
  while (g->cur != g->idle)
    {
      if (g->step_left > 0)
        {
          gint64 avail = limit - o->now;

          if (avail <= g->step_left)
            {
              g->step_left -= MAX (avail, 0);
              break;
            }
          o->now += g->step_left;
          g->step_left = 0;
        }
      if (o->now + GUEST_STEP_MAX > limit)
        break;
      guest_step (g);
    }

  o->now = MAX (o->now, limit);
  if (reason == EXIT_VMCALL)
    {
      gen_vmsync (o, STRATA_EV_VMSYNC_GH_GUEST, cnt, v);
      g->hg_pending = TRUE;
      g->hg_cnt = cnt;
    }
  else if (reason == EXIT_HLT && g->cur != g->idle)
    guest_halt (g);
  /* The host side sizes windows so that this cannot happen; the tests check it too. */
  g_warn_if_fail (o->now <= end + 600);
}
