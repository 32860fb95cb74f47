/* strata-scenario-host.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-scenario"

#include "config.h"

#include <string.h>

#include "strata-scenario-model.h"

/* The host side: each pCPU's scheduler, interrupts, vCPU threads entering and leaving guest
 * mode, and processes that fork, exec and exit. */

static inline void
at (Cpu    *c,
    gint64  t)
{
  c->o.now = MAX (c->o.now, t);
}

static void
rq_push (Cpu  *c,
         Task *task)
{
  g_assert (c->rq_len < MAX_PIN);
  c->runq[c->rq_len++] = task;
}

static Task *
rq_take (Cpu  *c,
         Task *task)
{
  for (guint i = 0; i < c->rq_len; i++)
    if (task == NULL || c->runq[i] == task)
      {
        Task *found = c->runq[i];

        memmove (&c->runq[i], &c->runq[i + 1], (c->rq_len - i - 1) * sizeof (Task *));
        c->rq_len--;
        return found;
      }
  return NULL;
}

static void
child_start (Cpu  *c,
             Task *child)
{
  Out *o = &c->o;
  Gen *gen = c->m->gen;

  gen_sys_exit (o, SC_CLONE, 0);
  o->now += runi (o->rand, 20 * US, 60 * US);
  gen_sys_entry (o, child, SC_EXECVE);
  o->now += runi (o->rand, 80 * US, 250 * US);
  {
    EV (ev, STRATA_EV_PROCESS_EXEC);

    ev.f[STRATA_F_EXEC_TID] = child->tid;
    ev.f[STRATA_F_EXEC_OLD_TID] = child->tid;
    ev.f[STRATA_F_EXEC_FILENAME] = gen->s_ls_path;
    gen_put (o, &ev);
    gap (o);
  }
  child->comm = gen->s_ls;
  gen_sys_exit (o, SC_EXECVE, 0);
  child->in_syscall = FALSE;
  child->child_phase = 1;
}

/* Sets up what the task that just got the CPU does next. */
static void
segment_start (Cpu *c)
{
  Task *t = c->cur;
  GRand *rand = c->o.rand;

  switch (t->type)
    {
    case TT_IDLE:
      c->seg = SEG_IDLE;
      c->seg_end = INF;
      return;

    case TT_VCPU:
      if (t->in_syscall)
        {
          c->seg = SEG_HYP;
          c->seg_end = c->o.now + runi (rand, 1 * US, 3 * US);
        }
      else
        {
          c->seg = SEG_USER;
          c->seg_end = c->o.now + runi (rand, 1 * US, 5 * US);
        }
      return;

    case TT_STRESS:
      if (t->in_syscall)
        {
          gen_sys_exit (&c->o, SC_NANOSLEEP, 0);
          t->in_syscall = FALSE;
        }
      c->seg = SEG_USER;
      c->seg_end = MAX (c->stress_end, c->o.now + US);
      return;

    case TT_CHILD:
      if (t->child_phase == 0)
        child_start (c, t);
      G_GNUC_FALLTHROUGH;
    default:
      if (t->in_syscall)
        {
          c->seg = SEG_SYSCALL;
          c->seg_len = runi (rand, 500, 3 * US);
        }
      else
        {
          c->seg = SEG_USER;
          c->seg_len = t->type == TT_KTHREAD ? t->demand : rexp (rand, t->user_mean) + US;
        }
      c->seg_end = c->o.now + c->seg_len;
      return;
    }
}

static void
switch_to (Cpu    *c,
           Task   *next,
           gint64  prev_state)
{
  Task *prev = c->cur;

  gen_switch (&c->o, prev, prev_state, next);
  if (prev->type != TT_IDLE && prev->state == TS_RUNNING)
    {
      prev->state = TS_RUNNABLE;
      rq_push (c, prev);
    }
  if (next->type != TT_IDLE)
    {
      rq_take (c, next);
      next->state = TS_RUNNING;
    }
  next->last_in = c->o.now;
  c->cur = next;
  segment_start (c);
}

static Task *
pick_next (Cpu *c)
{
  Task *next = rq_take (c, NULL);

  return next ? next : c->idle;
}

void
host_cpu_block (Cpu    *c,
                gint64  prev_state,
                gint64  wake_at)
{
  c->cur->state = TS_SLEEPING;
  c->cur->wake_at = wake_at;
  switch_to (c, pick_next (c), prev_state);
}

static gint64
preempt_state (Cpu *c)
{
  return c->cur->type == TT_IDLE ? 0 : c->m->preempt_state;
}

static void
wake (Cpu  *c,
      Task *task)
{
  gen_wake (&c->o, STRATA_EV_SCHED_WAKING, task);
  gen_wake (&c->o, STRATA_EV_SCHED_WAKEUP, task);
  task->state = TS_RUNNABLE;
  rq_push (c, task);
  if (task->type == TT_VCPU)
    {
      task->demand = rexp (c->o.rand, task->vcpu->busy_mean) + 50 * US;
      task->vcpu->first_of_busy = TRUE;
    }
  else
    task->demand = rexp (c->o.rand, task->run_mean) + 5 * US;
}

static void
leave_guest (Cpu     *c,
             guint    reason,
             guint32  cnt)
{
  Vcpu *v = c->cur->vcpu;
  gint64 exit = gen_kvm (&c->o, STRATA_EV_KVM_EXIT, v, reason);

  c->cur->demand -= exit - v->win_start;
  guest_window (v, v->win_start, exit, reason, cnt);
  v->first_of_busy = FALSE;
  c->seg = SEG_HYP;
  c->seg_end = c->o.now + runi (c->o.rand, 500, 2 * US);
}

static void
interrupt_enter (Cpu *c)
{
  if (c->seg == SEG_GUEST)
    leave_guest (c, EXIT_EXTERNAL_INTERRUPT, 0);
  c->irq_t0 = c->o.now;
}

/* Time in interrupts is not the task's: its segment ends that much later. */
static void
interrupt_leave (Cpu *c)
{
  gint64 spent = c->o.now - c->irq_t0;

  switch (c->cur->type)
    {
    case TT_IDLE:
    case TT_STRESS:
      break;
    case TT_VCPU:
      if (c->seg == SEG_HYP)
        {
          gint64 resume = c->o.now + runi (c->o.rand, 500, 2 * US);

          c->seg_end = MAX (c->seg_end, resume);
        }
      else
        c->seg_end += spent;
      break;
    default:
      c->seg_end += spent;
      break;
    }
}

static void
maybe_preempt (Cpu      *c,
               gboolean  woke)
{
  if (c->rq_len == 0)
    return;
  if (c->cur->type == TT_IDLE)
    switch_to (c, pick_next (c), 0);
  else if (woke && c->cur->type != TT_STRESS && c->o.now - c->cur->last_in >= WAKEUP_GRANULARITY)
    switch_to (c, pick_next (c), preempt_state (c));
}

static void
do_irq (Cpu       *c,
        IrqSource *src)
{
  Out *o = &c->o;
  gboolean woke = FALSE;

  at (c, src->next);
  interrupt_enter (c);
  gen_irq (o, STRATA_EV_IRQ_ENTRY, src->irq, src->name);
  o->now += runi (o->rand, 1 * US, 4 * US);
  if (src->vec)
    gen_softirq (o, STRATA_EV_SOFTIRQ_RAISE, src->vec);
  gen_irq (o, STRATA_EV_IRQ_EXIT, src->irq, 0);
  if (src->vec)
    {
      gen_softirq (o, STRATA_EV_SOFTIRQ_ENTRY, src->vec);
      o->now += runi (o->rand, 1 * US, 6 * US);
      for (guint i = 0; i < c->n_tasks; i++)
        {
          Task *t = c->tasks[i];

          if (t->wake_irq == src->irq && t->state == TS_SLEEPING && t->wake_at <= o->now)
            {
              wake (c, t);
              woke = TRUE;
            }
        }
      gen_softirq (o, STRATA_EV_SOFTIRQ_EXIT, src->vec);
    }
  interrupt_leave (c);
  src->next = o->now + 5 * US + rexp (o->rand, src->mean_gap);
  maybe_preempt (c, woke);
}

static void
do_tick (Cpu *c)
{
  Out *o = &c->o;

  at (c, c->next_tick);
  c->next_tick += TICK;
  interrupt_enter (c);
  gen_softirq (o, STRATA_EV_SOFTIRQ_RAISE, VEC_TIMER);
  gen_softirq (o, STRATA_EV_SOFTIRQ_ENTRY, VEC_TIMER);
  o->now += runi (o->rand, 1 * US, 3 * US);
  gen_softirq (o, STRATA_EV_SOFTIRQ_EXIT, VEC_TIMER);
  if (++c->n_ticks % 4 == 0)
    {
      gen_softirq (o, STRATA_EV_SOFTIRQ_RAISE, VEC_RCU);
      gen_softirq (o, STRATA_EV_SOFTIRQ_ENTRY, VEC_RCU);
      o->now += runi (o->rand, 1 * US, 4 * US);
      gen_softirq (o, STRATA_EV_SOFTIRQ_EXIT, VEC_RCU);
    }
  interrupt_leave (c);
  if (c->rq_len > 0 && c->cur->type != TT_IDLE && c->cur->type != TT_STRESS &&
      o->now - c->cur->last_in >= SLICE)
    switch_to (c, pick_next (c), preempt_state (c));
}

static void
do_timer_wake (Cpu  *c,
               Task *task)
{
  at (c, task->wake_at);
  /* An hrtimer fires in the local timer interrupt, which LTTng does not show as an IRQ. */
  interrupt_enter (c);
  wake (c, task);
  interrupt_leave (c);
  maybe_preempt (c, TRUE);
}

static void
do_burst_start (Cpu *c)
{
  Burst *b = &g_array_index (c->bursts, Burst, c->next_burst);
  Task *s = c->stress;

  at (c, b->start);
  interrupt_enter (c);
  s->in_syscall = b->wake;
  s->state = TS_RUNNABLE;
  if (b->wake)
    {
      gen_wake (&c->o, STRATA_EV_SCHED_WAKING, s);
      gen_wake (&c->o, STRATA_EV_SCHED_WAKEUP, s);
    }
  interrupt_leave (c);
  c->stress_end = b->end;
  c->next_burst++;
  /* Never queued: it takes the CPU at once. */
  switch_to (c, s, preempt_state (c));
}

static void
do_burst_end (Cpu *c)
{
  Burst *b = &g_array_index (c->bursts, Burst, c->next_burst - 1);
  Task *s = c->stress;

  if (b->sleep)
    {
      gen_sys_entry (&c->o, s, SC_NANOSLEEP);
      s->state = TS_AWAY;
      switch_to (c, pick_next (c), 1);
    }
  else
    {
      /* Moved to the other pCPU while running, as a migration does. */
      s->state = TS_AWAY;
      switch_to (c, pick_next (c), c->m->preempt_state);
    }
}

static void
spawn (Cpu  *c,
       Task *parent)
{
  Out *o = &c->o;
  Task *child = g_new0 (Task, 1);

  child->comm = parent->comm;
  child->tid = child->pid = c->m->gen->next_child_tid++;
  child->ppid = parent->pid;
  child->prio = parent->prio;
  child->type = TT_CHILD;
  child->cpu = c->o.cpu;
  child->user_mean = 40 * US;
  child->demand = runi (o->rand, 300 * US, 2 * MS);
  child->calls[0] = SC_OPENAT;
  child->calls[1] = SC_READ;
  child->calls[2] = SC_WRITE;
  child->calls[3] = SC_CLOSE;
  child->calls[4] = SC_NEWFSTAT;
  child->calls[5] = SC_MMAP;
  child->n_calls = 6;
  child->parent = parent;
  parent->child = child;

  gen_sys_entry (o, parent, SC_CLONE);
  o->now += runi (o->rand, 5 * US, 15 * US);
  {
    EV (ev, STRATA_EV_PROCESS_FORK);

    ev.f[STRATA_F_FORK_PARENT_TID] = parent->tid;
    ev.f[STRATA_F_FORK_PARENT_PID] = parent->pid;
    ev.f[STRATA_F_FORK_CHILD_TID] = child->tid;
    ev.f[STRATA_F_FORK_CHILD_PID] = child->pid;
    ev.f[STRATA_F_FORK_CHILD_VTID] = child->tid;
    ev.f[STRATA_F_FORK_PARENT_NS_INUM] = G_GINT64_CONSTANT (4026531836);
    ev.f[STRATA_F_FORK_CHILD_NS_INUM] = G_GINT64_CONSTANT (4026531836);
    ev.f[STRATA_F_FORK_CHILD_COMM] = child->comm;
    gen_put (o, &ev);
    gap (o);
  }
  gen_wake (o, STRATA_EV_SCHED_WAKEUP_NEW, child);
  child->state = TS_RUNNABLE;
  child->in_syscall = TRUE;
  child->syscall = SC_CLONE;
  rq_push (c, child);
  gen_sys_exit (o, SC_CLONE, child->tid);
  o->now += runi (o->rand, 3 * US, 10 * US);
  gen_sys_entry (o, parent, SC_WAIT4);
  parent->in_syscall = TRUE;
  parent->syscall = SC_WAIT4;
  host_cpu_block (c, 1, INF);
}

static void
child_exit (Cpu  *c,
            Task *child)
{
  Out *o = &c->o;

  gen_sys_entry (o, child, SC_EXIT_GROUP);
  o->now += runi (o->rand, 5 * US, 20 * US);
  gen_task (o, STRATA_EV_PROCESS_EXIT, child);
  wake (c, child->parent);
  child->state = TS_DEAD;
  switch_to (c, pick_next (c), STATE_ZOMBIE);
}

static void
end_burst (Cpu *c)
{
  Task *t = c->cur;
  Out *o = &c->o;

  if (t->type == TT_CHILD)
    {
      child_exit (c, t);
      return;
    }
  if (t->type == TT_KTHREAD)
    {
      host_cpu_block (c, 1, o->now + rexp (o->rand, t->sleep_mean) + 10 * US);
      return;
    }
  if (t->spawner && t->child == NULL && g_rand_int_range (o->rand, 0, 100) < 50)
    {
      spawn (c, t);
      return;
    }
  gen_sys_entry (o, t, t->block);
  t->in_syscall = TRUE;
  t->syscall = t->block;
  o->now += runi (o->rand, 500, 2 * US);
  /* Waiting on the disk is uninterruptible sleep. */
  host_cpu_block (c, t->wake_irq == 43 ? 2 : 1,
                  t->dormant ? INF : o->now + rexp (o->rand, t->sleep_mean) + 10 * US);
}

static void
enter_guest (Cpu *c)
{
  Task *t = c->cur;
  Vcpu *v = t->vcpu;
  GRand *rand = c->o.rand;
  gint64 min, len;

  v->rip = G_GUINT64_CONSTANT (0xffffffff81000000) + (g_rand_int (rand) & 0x3ffff0);
  v->win_start = gen_kvm (&c->o, STRATA_EV_KVM_ENTRY, v, 0);
  /* Long enough for the guest events that must fit in it (wake-up, statedump). */
  min = v->win_min;
  if (v->first_of_busy)
    min = (v->guest != NULL && v->guest->statedump_pending) ? 250 * US : 30 * US;
  /* Interrupts due meanwhile wait for the guard, plus a little: as they would wait for the
   * guest to re-enable them, not for a round number. */
  v->win_guard = v->win_start + min + runi (rand, 0, 3 * US);
  len = rexp (rand, v->win_mean);
  if (len < min + v->win_min)
    len = min + runi (rand, v->win_min, 3 * v->win_min);
  v->hlt_pending = len >= t->demand;
  if (v->hlt_pending)
    len = MAX (t->demand, MAX (min + 10 * US, 25 * US));
  c->seg = SEG_GUEST;
  c->seg_end = v->win_start + len;
}

static void
guest_exit_natural (Cpu *c)
{
  Task *t = c->cur;
  Vcpu *v = t->vcpu;
  Out *o = &c->o;
  guint reason;
  guint32 cnt = 0;
  guint r;

  if (v->hlt_pending)
    reason = EXIT_HLT;
  else if (o->now - v->last_sync >= v->sync_period)
    reason = EXIT_VMCALL;
  else if ((r = g_rand_int_range (o->rand, 0, 100)) < 30)
    reason = EXIT_EPT_VIOLATION;
  else if (r < 50)
    reason = EXIT_MSR_WRITE;
  else if (r < 75)
    reason = EXIT_IO_INSTRUCTION;
  else if (r < 80)
    reason = EXIT_CPUID;
  else
    reason = EXIT_PREEMPTION_TIMER;

  if (reason == EXIT_VMCALL)
    cnt = v->id + v->n_vm_vcpus * ++v->sync_seq;
  leave_guest (c, reason, cnt);

  switch (reason)
    {
    case EXIT_HLT:
      c->seg_end = o->now + runi (o->rand, 2 * US, 6 * US);
      v->block_after_hyp = TRUE;
      break;
    case EXIT_VMCALL:
      /* The vmsync hypercall: the host side of the exchange, in the vCPU thread. */
      o->now += runi (o->rand, 300, 900);
      gen_vmsync (o, STRATA_EV_VMSYNC_GH_HOST, cnt, v);
      o->now += runi (o->rand, 300, 1200);
      gen_vmsync (o, STRATA_EV_VMSYNC_HG_HOST, cnt, v);
      v->last_sync = o->now;
      c->seg_end = o->now + runi (o->rand, 500, 2 * US);
      break;
    case EXIT_IO_INSTRUCTION:
      /* Device emulation happens in qemu: back to user space, then KVM_RUN again. */
      o->now += runi (o->rand, 500, 1500);
      gen_sys_exit (o, SC_IOCTL, 0);
      t->in_syscall = FALSE;
      c->seg = SEG_USER;
      c->seg_end = o->now + runi (o->rand, 2 * US, 10 * US);
      break;
    default:
      c->seg_end = o->now + runi (o->rand, 800, 4 * US);
      break;
    }
}

/* A floating vCPU thread, asleep, will wake on any of its pCPUs. */
static void
vcpu_float (Cpu  *c,
            Task *t)
{
  Vcpu *v = t->vcpu;
  Cpu *to = v->float_cpus[g_rand_int_range (c->o.rand, 0, (gint32) v->n_float)];
  guint i;

  if (to == c)
    return;
  for (i = 0; i < c->n_tasks && c->tasks[i] != t; i++)
    ;
  g_assert (i < c->n_tasks && to->n_tasks < MAX_PIN - 2);
  memmove (&c->tasks[i], &c->tasks[i + 1], (c->n_tasks - i - 1) * sizeof (Task *));
  c->n_tasks--;
  to->tasks[to->n_tasks++] = t;
  to->moved_in = TRUE;
  t->cpu = to->o.cpu;
}

static void
step (Cpu *c)
{
  Task *t = c->cur;
  Out *o = &c->o;

  at (c, c->seg_end);
  switch (t->type)
    {
    case TT_VCPU:
      if (c->seg == SEG_GUEST)
        guest_exit_natural (c);
      else if (c->seg == SEG_USER)
        {
          gen_sys_entry (o, t, SC_IOCTL);
          t->in_syscall = TRUE;
          t->syscall = SC_IOCTL;
          c->seg = SEG_HYP;
          c->seg_end = o->now + runi (o->rand, 500, 1500);
        }
      else if (t->vcpu->block_after_hyp)
        {
          t->vcpu->block_after_hyp = FALSE;
          host_cpu_block (c, 1, o->now + rexp (o->rand, t->vcpu->idle_mean) + 20 * US);
          if (t->vcpu->float_cpus != NULL)
            vcpu_float (c, t);
        }
      else
        enter_guest (c);
      return;

    case TT_STRESS:
      do_burst_end (c);
      return;

    default:
      t->demand -= c->seg_len;
      if (c->seg == SEG_SYSCALL)
        {
          if (t->syscall == SC_WAIT4 && t->child != NULL)
            {
              /* The reaped child's task struct goes (through RCU) as wait4 returns. */
              gen_task (o, STRATA_EV_PROCESS_FREE, t->child);
              gen_sys_exit (o, SC_WAIT4, t->child->tid);
              g_clear_pointer (&t->child, g_free);
            }
          else
            gen_sys_exit (o, t->syscall, gen_sys_ret (o, t->syscall));
          t->in_syscall = FALSE;
          c->seg = SEG_USER;
          c->seg_len = rexp (o->rand, t->user_mean) + US;
        }
      else if (t->demand <= 0 || t->type == TT_KTHREAD)
        {
          end_burst (c);
          return;
        }
      else
        {
          t->syscall = t->calls[g_rand_int_range (o->rand, 0, t->n_calls)];
          t->in_syscall = TRUE;
          gen_sys_entry (o, t, t->syscall);
          c->seg = SEG_SYSCALL;
          c->seg_len = runi (o->rand, 1 * US, 12 * US);
        }
      c->seg_end = o->now + c->seg_len;
      return;
    }
}

/* When @c next has something to do (a segment's end, an interrupt, a tick, a wake-up, a
 * burst of stress), and what: the pCPUs of a host are stepped together, earliest first, so that
 * a vCPU thread can move from one to another. */
gint64
host_cpu_next (Cpu *c)
{
  gint64 t_irq = INF, t_tick = INF, t_wake = INF, t_burst = INF;
  gint64 guard = c->seg == SEG_GUEST ? c->cur->vcpu->win_guard : G_MININT64;

  c->next_irq = NULL;
  c->next_waker = NULL;
  for (guint i = 0; i < c->n_irqs; i++)
    if (c->irqs[i].next < t_irq)
      {
        t_irq = c->irqs[i].next;
        c->next_irq = &c->irqs[i];
      }
  /* No ticks on an idle CPU (NOHZ). */
  while (c->next_tick <= c->o.now)
    c->next_tick += TICK;
  if (c->cur->type != TT_IDLE)
    t_tick = c->next_tick;
  for (guint i = 0; i < c->n_tasks; i++)
    {
      Task *task = c->tasks[i];

      if (task->state == TS_SLEEPING && task->wake_irq == 0 && task->wake_at < t_wake)
        {
          t_wake = task->wake_at;
          c->next_waker = task;
        }
    }
  if (c->next_burst < c->bursts->len && c->cur != c->stress)
    t_burst = g_array_index (c->bursts, Burst, c->next_burst).start;

  c->t_irq = MAX (t_irq, guard);
  c->t_tick = MAX (t_tick, guard);
  c->t_wake = MAX (t_wake, guard);
  c->t_burst = MAX (t_burst, guard);
  return MIN (MIN (c->seg_end, c->t_irq), MIN (MIN (c->t_tick, c->t_wake), c->t_burst));
}

/* Does what host_cpu_next() found, at @t. */
void
host_cpu_step (Cpu    *c,
               gint64  t)
{
  if (t == c->seg_end)
    {
      step (c);
      return;
    }
  at (c, t);
  if (t == c->t_burst)
    do_burst_start (c);
  else if (t == c->t_wake)
    do_timer_wake (c, c->next_waker);
  else if (t == c->t_irq)
    {
      c->next_irq->next = MAX (c->next_irq->next, t);
      do_irq (c, c->next_irq);
    }
  else
    do_tick (c);
}
