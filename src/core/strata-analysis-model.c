/* strata-analysis-model.c: the kernel model of one machine, which writes its rows
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-model"

#include "config.h"

#include <string.h>

#include "strata-analysis-private.h"

/* LTTng's statedump process status. */
enum {
  LTTNG_WAIT_CPU = 2,
  LTTNG_WAIT = 5,
  LTTNG_RUN = 6,
};

#define RUN_AHEAD_EVENTS (1u << 17)

static guint16
vm_machine (Model  *model,
            gint32  vm)
{
  return ((Vm *) g_ptr_array_index (model->a->vms, vm))->machine;
}

static G_GNUC_NO_INLINE Thread *
get_thread_slow (Model    *model,
                 gint32    tid,
                 Thread  **cached)
{
  Thread *t;

  t = g_hash_table_lookup (model->threads, GINT_TO_POINTER (tid));
  if (t == NULL)
    {
      VcpuLife *life;

      if (model->thread_next == model->thread_end)
        {
          model->thread_next = g_new0 (Thread, THREAD_BLOCK);
          model->thread_end = model->thread_next + THREAD_BLOCK;
          g_ptr_array_add (model->thread_blocks, model->thread_next);
        }
      t = model->thread_next++;
      t->tid = tid;
      t->pid = -1;
      t->ppid = -1;
      t->vtid = -1;
      t->vpid = -1;
      t->cpu = -1;
      t->vm = -1;
      t->vcpu = -1;
      t->row = -1;
      t->state = STRATA_STATE_UNKNOWN;
      t->first_ts = G_MAXINT64;
      t->wait_cpu = -1;
      /* A vCPU's thread from the start; one a fork makes is one from there. */
      if ((life = _strata_analysis_vcpu_life (model, tid, VCPU_LIFE_FROM_START, 0)) != NULL)
        _strata_analysis_vcpu_attach (model, t, life, G_MININT64);
      g_hash_table_insert (model->threads, GINT_TO_POINTER (tid), t);
    }
  *cached = t;
  return t;
}

/* Inline for the recent threads (most lookups, several an event), a call for the others. */
static inline Thread *
get_thread (Model *model,
            gint32 tid)
{
  Thread **cached = &model->thread_cache[(guint) tid % G_N_ELEMENTS (model->thread_cache)];

  if (G_LIKELY (*cached != NULL && (*cached)->tid == tid))
    return *cached;
  return get_thread_slow (model, tid, cached);
}

/* Where a thread keeps the id of its description in a state, + 1 (0: not kept, interned each
 * time): on its thread row, on the CPU rows it runs on (an IRQ's is the CPU's), on its vCPU's
 * row. */
static const guint8 thread_slot[STRATA_STATE_N] = {
  [STRATA_STATE_UNKNOWN] = 1, [STRATA_STATE_RUNNING] = 2, [STRATA_STATE_SYSCALL] = 3,
  [STRATA_STATE_INTERRUPTED] = 4, [STRATA_STATE_BLOCKED] = 5, [STRATA_STATE_WAIT_CPU] = 6,
};
static const guint8 cpu_slot[STRATA_STATE_N] = {
  [STRATA_STATE_USER] = 1, [STRATA_STATE_SYSCALL] = 2, [STRATA_STATE_GUEST] = 3,
};
static const guint8 vcpu_slot[STRATA_STATE_N] = {
  [STRATA_STATE_RUNNING] = 1, [STRATA_STATE_HYPERVISOR] = 2, [STRATA_STATE_PREEMPTED] = 3,
  [STRATA_STATE_BLOCKED] = 4, [STRATA_STATE_WAITING] = 5,
};

static inline void
thread_check_ids (Thread *t)
{
  if (t->ids_name != t->name)
    {
      memset (t->thread_ids, 0, sizeof t->thread_ids);
      memset (t->cpu_ids, 0, sizeof t->cpu_ids);
      if (t->kvm != NULL)
        memset (t->kvm->vcpu_ids, 0, sizeof t->kvm->vcpu_ids);
      t->ids_name = t->name;
    }
  if (t->ids_syscall != t->syscall)
    {
      t->thread_ids[thread_slot[STRATA_STATE_SYSCALL] - 1] = 0;
      t->cpu_ids[cpu_slot[STRATA_STATE_SYSCALL] - 1] = 0;
      t->ids_syscall = t->syscall;
    }
}

static inline SyscallIds *
syscall_ids (Model   *model,
             gint32   tid,
             guint32  syscall)
{
  return &model->syscall_ids[((((guint32) tid * 31u) ^ syscall) * 2654435761u) >> 22];
}

G_STATIC_ASSERT (SYSCALL_IDS_SIZE == 1 << (32 - 22));

/* @t enters syscall @syscall: the ids of its syscall descriptions are those of @syscall,
 * kept from the last time it was in it, and those of the one it was in are kept. */
static void
enter_syscall (Model   *model,
               Thread  *t,
               guint32  syscall)
{
  const guint ts = thread_slot[STRATA_STATE_SYSCALL] - 1;
  const guint cs = cpu_slot[STRATA_STATE_SYSCALL] - 1;
  SyscallIds *e;

  if (t->syscall == syscall)
    return;
  thread_check_ids (t);
  if (t->syscall != 0 && (t->thread_ids[ts] != 0 || t->cpu_ids[cs] != 0))
    *syscall_ids (model, t->tid, t->syscall) = (SyscallIds) { t->tid, t->syscall, t->name, t->vcpu,
                                                              t->thread_ids[ts], t->cpu_ids[cs] };
  t->syscall = t->ids_syscall = syscall;
  e = syscall_ids (model, t->tid, syscall);
  if (e->tid == t->tid && e->syscall == syscall && e->name == t->name && e->vcpu == t->vcpu)
    {
      t->thread_ids[ts] = e->thread_id;
      t->cpu_ids[cs] = e->cpu_id;
    }
  else
    t->thread_ids[ts] = t->cpu_ids[cs] = 0;
}

static G_GNUC_NO_INLINE guint32
thread_state_intern (Model       *model,
                     Thread      *t,
                     StrataState  state,
                     guint        k)
{
  StrataStateDesc d = { 0 };
  guint32 id;

  d.state = state;
  d.machine = model->index;
  d.vcpu = t->vcpu >= 0 ? t->vcpu : -1;
  /* The row is the thread's: without its tid, the threads of a switch-heavy set share a
   * few hundred descriptions instead of a handful each (half of all there are). */
  d.tid = -1;
  d.comm = t->name;
  t->unnamed_row |= t->name == 0;
  d.host_tid = -1;
  d.irq = -1;
  d.detail = state == STRATA_STATE_SYSCALL ? t->syscall : 0;
  id = strata_store_builder_intern (model->b, &d);
  if (k != 0)
    t->thread_ids[k - 1] = id + 1;
  return id;
}

/* The id of @t's thread-row description in @state: inline when kept (most changes). */
static inline guint32
thread_state_id (Model       *model,
                 Thread      *t,
                 StrataState  state)
{
  guint k = (guint) state < STRATA_STATE_N ? thread_slot[state] : 0;

  thread_check_ids (t);
  if (G_LIKELY (k != 0 && t->thread_ids[k - 1] != 0))
    return t->thread_ids[k - 1] - 1;
  return thread_state_intern (model, t, state, k);
}

/* @tid's thread row, "MACHINE/thread/TID". */
static gint
add_thread_row (Model  *model,
                gint32  tid)
{
  return (gint) strata_store_builder_add_thread_row (model->b, model->prefix, model->index, tid);
}

static void
thread_set_state (Model       *model,
                  Thread      *t,
                  StrataState  state,
                  gint64       ts)
{
  if (t->tid <= 0 || (t->state == state && t->row >= 0))
    {
      t->state = state;
      return;
    }
  t->state = state;
  if (t->row < 0)
    t->row = add_thread_row (model, t->tid);
  strata_store_builder_set_id_fast (model->b, t->row, ts, thread_state_id (model, t, state));
}

/* A thread on a CPU is running, in a syscall, or interrupted by what the CPU handles. */
static StrataState
running_state (Model  *model,
               Thread *t)
{
  Cpu *c;

  if (t->cpu < 0)
    return t->state;
  c = &g_array_index (model->cpus, Cpu, t->cpu);
  if (c->irq_depth > 0 || c->softirq_depth > 0)
    return STRATA_STATE_INTERRUPTED;
  return t->in_syscall ? STRATA_STATE_SYSCALL : STRATA_STATE_RUNNING;
}

/* What a CPU does, by what it handles and the thread it runs (@t: NULL for the idle thread or
 * an unknown one): its row's state, and the state of its description. */
static inline StrataState
cpu_state (const Cpu    *c,
           const Thread *t)
{
  if (c->irq_depth > 0)
    return STRATA_STATE_IRQ;
  if (c->softirq_depth > 0)
    return STRATA_STATE_SOFTIRQ;
  if (c->tid == 0)
    return STRATA_STATE_IDLE;
  if (c->tid < 0)
    return STRATA_STATE_UNKNOWN;
  if (t->in_guest && t->vm >= 0)
    return STRATA_STATE_GUEST;
  return t->in_syscall ? STRATA_STATE_SYSCALL : STRATA_STATE_USER;
}

static StrataStateDesc
cpu_desc (Model       *model,
          const Cpu   *c,
          Thread      *t,
          StrataState  state)
{
  StrataStateDesc d = { 0 };

  d.state = state;
  d.machine = model->index;
  d.vcpu = -1;
  d.tid = c->tid;
  d.host_tid = -1;
  d.irq = -1;
  if (t != NULL)
    d.comm = t->name;
  else if (c->tid == 0)
    d.comm = c->idle_name;
  switch (state)
    {
    case STRATA_STATE_GUEST:
      d.machine = vm_machine (model, t->vm);
      d.vcpu = t->vcpu;
      break;
    case STRATA_STATE_SYSCALL:
      d.detail = t->syscall;
      break;
    case STRATA_STATE_IRQ:
      d.irq = c->irq;
      d.detail = c->irq_name;
      break;
    case STRATA_STATE_SOFTIRQ:
      d.irq = c->softirq;
      break;
    default:
      break;
    }
  return d;
}

static G_GNUC_NO_INLINE guint32
vcpu_state_intern (Model       *model,
                   Thread      *t,
                   StrataState  state,
                   guint        k)
{
  StrataStateDesc d = { 0 };
  guint32 id;

  d.state = state;
  d.machine = vm_machine (model, t->vm);
  d.vcpu = t->vcpu;
  d.tid = t->tid;
  d.comm = t->name;
  d.host_tid = t->tid;
  d.irq = -1;
  id = strata_store_builder_intern (model->b, &d);
  if (k != 0)
    t->kvm->vcpu_ids[k - 1] = id + 1;
  return id;
}

/* The id of vCPU thread @t's vCPU-row description in @state: inline when kept. */
static inline guint32
vcpu_state_id (Model       *model,
               Thread      *t,
               StrataState  state)
{
  guint k = (guint) state < STRATA_STATE_N ? vcpu_slot[state] : 0;

  thread_check_ids (t);
  if (G_LIKELY (k != 0 && t->kvm->vcpu_ids[k - 1] != 0))
    return t->kvm->vcpu_ids[k - 1] - 1;
  return vcpu_state_intern (model, t, state, k);
}

static void
vcpu_set (Model       *model,
          Thread      *t,
          StrataState  state,
          gint64       ts)
{
  gint row;

  if (t->kvm == NULL || (row = t->kvm->row) < 0)
    return;
  strata_store_builder_set_id_fast (model->b, row, ts, vcpu_state_id (model, t, state));
}

/*
 * @t, switched out with a sleep value in prev_state, runs again with no wakeup in between:
 * the trace proves it was runnable all along, whatever the value said. Its thread row (and
 * its vCPU row) still end on that switch-out's change, which becomes wait-cpu (preempted),
 * and a vCPU's preemption is recorded from there. Only a trace that records wakeups and
 * lost nothing proves it.
 */
static void
settle_sleep (Model  *model,
              Thread *t)
{
  gint row;

  if (!t->slept)
    return;
  t->slept = FALSE;
  if (!model->proves_runnable)
    return;
  if (t->row >= 0)
    strata_store_builder_replace_last (model->b, t->row, t->sleep_start,
                                       thread_state_id (model, t, STRATA_STATE_WAIT_CPU));
  if (t->kvm != NULL && (row = t->kvm->row) >= 0 &&
      strata_store_builder_replace_last (model->b, row, t->sleep_start,
                                         vcpu_state_id (model, t, STRATA_STATE_PREEMPTED)))
    {
      t->kvm->preempted = TRUE;
      t->kvm->preempt_kind = STRATA_PREEMPTION_PREEMPTED;
      t->kvm->preempt_start = t->sleep_start;
      t->kvm->preempt_cpu = t->wait_cpu;
    }
}

/* Writes the CPU's state to its row, and returns its description id. A pCPU row in guest
 * mode keeps the entry's change: fusion fills it in from the guest. */
static guint32
cpu_update (Model  *model,
            guint32 cpu,
            gint64  ts)
{
  Cpu *c = &g_array_index (model->cpus, Cpu, cpu);
  Thread *t = c->tid > 0 ? get_thread (model, c->tid) : NULL;
  guint32 *slot = NULL;
  StrataState state = cpu_state (c, t);
  guint32 id;

  if (G_UNLIKELY (state == STRATA_STATE_IRQ || state == STRATA_STATE_SOFTIRQ))
    {
      /* Which handler is part of it: the one the CPU had last in that state is the likeliest
       * (a soft IRQ often follows each IRQ: one kept for both would change every time). It
       * is known by what cpu_desc() takes from the CPU, compared as they are: a description
       * made only to be compared would be written a field at a time and read a word at a
       * time, which stalls. */
      guint h = state == STRATA_STATE_SOFTIRQ;
      CpuHandler *last = &c->handler[h];
      guint32 comm = t != NULL ? t->name : c->tid == 0 ? c->idle_name : 0;
      gint32 irq = h ? c->softirq : c->irq;
      guint32 detail = h ? 0 : c->irq_name;

      if (last->id == 0 || last->tid != c->tid || last->comm != comm || last->irq != irq ||
          last->detail != detail)
        {
          StrataStateDesc d = cpu_desc (model, c, t, state);

          *last = (CpuHandler) { c->tid, comm, irq, detail,
                                 strata_store_builder_intern (model->b, &d) + 1 };
        }
      id = last->id - 1;
    }
  else
    {
      if (t != NULL)
        {
          guint k = cpu_slot[state];

          thread_check_ids (t);
          slot = k != 0 ? &t->cpu_ids[k - 1] : NULL;
        }
      else if (c->tid == 0)
        slot = &c->idle_ids[state];
      if (slot != NULL && *slot != 0)
        id = *slot - 1;
      else
        {
          StrataStateDesc d = cpu_desc (model, c, t, state);

          id = strata_store_builder_intern (model->b, &d);
          if (slot != NULL)
            *slot = id + 1;
        }
    }

  if (c->row >= 0)
    strata_store_builder_set_id_fast (model->b, c->row, ts, id);
  if (c->pcpu_row >= 0 && !c->in_guest)
    strata_store_builder_set_id_fast (model->b, c->pcpu_row, ts, id);
  return id;
}

static Cpu *
model_cpu (Model  *model,
           guint32 cpu)
{
  if (cpu >= model->cpus->len)
    {
      if (cpu >= 4096)
        return NULL;
      _strata_analysis_ensure_cpus (model, cpu + 1);
      model->machine->n_cpus = MAX (model->machine->n_cpus, cpu + 1);
    }
  return &g_array_index (model->cpus, Cpu, cpu);
}

static void
exit_guest (Model  *model,
            guint32 cpu,
            gint64  ts)
{
  Cpu *c = &g_array_index (model->cpus, Cpu, cpu);
  Thread *t;

  if (!c->in_guest)
    return;
  t = get_thread (model, c->tid);
  c->in_guest = FALSE;
  t->in_guest = FALSE;
  vcpu_set (model, t, STRATA_STATE_HYPERVISOR, ts);
}

/* The reason of vCPU thread @t's exit, from kvm_exit event @e. */
static void
exit_reason (Thread            *t,
             const StrataEvent *e)
{
  t->kvm->exit_late = FALSE;
  t->kvm->exit_isa = (guint8) e->f[STRATA_F_KVM_ISA];
  t->kvm->exit_code = strata_exit_code (t->kvm->exit_isa, (guint64) e->f[STRATA_F_KVM_EXIT_REASON]);
  t->kvm->exit_info1 = (guint64) e->f[STRATA_F_KVM_INFO1];
}

/* vCPU thread @t leaves guest mode for the reason in @e: an exit, until its next entry. */
static void
exit_begin (Model             *model,
            Thread            *t,
            const StrataEvent *e,
            gint64             ts)
{
  if (t->vm < 0)
    return;
  t->kvm->exit_open = TRUE;
  t->kvm->exit_start = ts;
  exit_reason (t, e);
}

/* A host event on CPU @cpu in guest mode: the guest left before it (an old kernel's late
 * kvm_exit, see _strata_event_ends_guest_mode()), for a reason its kvm_exit gives later. */
static G_GNUC_NO_INLINE void
exit_early (Model  *model,
            guint32 cpu,
            gint64  ts)
{
  Cpu *c = &g_array_index (model->cpus, Cpu, cpu);
  Thread *t = get_thread (model, c->tid);

  if (t->vm >= 0)
    {
      t->kvm->exit_open = TRUE;
      t->kvm->exit_late = TRUE;
      t->kvm->exit_start = ts;
    }
  exit_guest (model, cpu, ts);
  cpu_update (model, cpu, ts);
}

/* vCPU thread @t enters guest mode again at @ts: its exit, if it had one, ends. An exit the
 * trace ends in has no length, and is not counted. */
static void
exit_end (Model  *model,
          Thread *t,
          gint64  ts)
{
  StrataExitRecord r = { 0 };

  if (t->kvm == NULL || !t->kvm->exit_open)
    return;
  t->kvm->exit_open = FALSE;
  /* Its kvm_exit was lost: what the exit was is not known. */
  if (t->kvm->exit_late)
    {
      t->kvm->exit_late = FALSE;
      return;
    }
  r.start = t->kvm->exit_start;
  r.end = MAX (ts, t->kvm->exit_start);
  r.code = t->kvm->exit_code;
  r.isa = t->kvm->exit_isa;
  r.machine = t->kvm->machine;
  r.vcpu = t->vcpu;
  r.info1 = t->kvm->exit_info1;
  strata_exits_builder_add (model->exits, &r);
}

/* The preemption or wake-up wait of vCPU thread @t ends at @ts, when it runs on @cpu (-1:
 * the trace ends, and it is still open). */
static void
record_preemption_end (Model  *model,
                       Thread *t,
                       gint64  ts,
                       gint32  cpu)
{
  StrataPreemption p = { 0 };

  if (t->kvm == NULL || !t->kvm->preempted)
    return;
  t->kvm->preempted = FALSE;
  if (ts <= t->kvm->preempt_start)
    return;
  p.machine = t->kvm->machine;
  p.vcpu = t->vcpu;
  p.start = t->kvm->preempt_start;
  p.end = ts;
  p.kind = t->kvm->preempt_kind;
  p.open = cpu < 0;
  /* A wake-up wait's pCPU is the one it was woken onto; where only a sched_waking named one
   * (where the thread last ran, not where it was put), the one it ran on, once it did. */
  p.pcpu = p.kind == STRATA_PREEMPTION_WAKEUP && cpu >= 0 && t->wait_by_waking ? cpu : MAX (t->kvm->preempt_cpu, 0);
  g_array_append_val (model->preemptions, p);
}

/* The preemption or wake-up wait of vCPU thread @t, if it has one, ends where what is known of
 * it stops (@ts): open, its end not in the trace, as at the end. */
static void
record_preemption_cut (Model  *model,
                       Thread *t,
                       gint64  ts)
{
  guint before = model->preemptions->len;

  record_preemption_end (model, t, ts, -1);
  if (model->preemptions->len > before)
    g_array_index (model->preemptions, StrataPreemption, before).cut = TRUE;
}

/* vCPU thread @t stops being its vCPU's at @ts: it exited and its id was freed, or forked
 * again for another thread. Its vCPU row is unknown from there; the thread, if the id runs
 * again, is another, of the host unless a life of its own says which vCPU's. */
static void
vcpu_detach (Model  *model,
             Thread *t,
             gint64  ts)
{
  gboolean running = t->cpu >= 0 && (guint) t->cpu < model->cpus->len;

  if (t->kvm == NULL)
    return;
  /* Still in guest mode on a CPU (events were lost): it left it then. */
  if (running && g_array_index (model->cpus, Cpu, t->cpu).tid == t->tid)
    exit_guest (model, t->cpu, ts);
  record_preemption_cut (model, t, ts);
  /* An exit its thread never came back from (a VM's end): not counted, as one still open at
   * the trace's end, but its reason and its end are known, which its vCPU row's last stretch
   * in the hypervisor names. */
  if (model->exits != NULL && t->kvm->exit_open && !t->kvm->exit_late)
    {
      StrataExitRecord r = { t->kvm->exit_start, ts, t->kvm->exit_code, t->kvm->machine, t->kvm->exit_isa, 0,
                             t->kvm->vcpu, t->kvm->exit_info1 };

      strata_exits_builder_add_open (model->exits, &r);
    }
  t->kvm->exit_open = t->kvm->exit_late = FALSE;
  vcpu_set (model, t, STRATA_STATE_UNKNOWN, ts);
  t->kvm->gone = MIN (t->kvm->exited, ts);
  t->kvm = NULL;
  t->vm = -1;
  t->vcpu = -1;
  t->in_guest = FALSE;
  memset (t->cpu_ids, 0, sizeof t->cpu_ids);
  memset (t->thread_ids, 0, sizeof t->thread_ids);
  if (running && g_array_index (model->cpus, Cpu, t->cpu).tid == t->tid)
    cpu_update (model, t->cpu, ts);
}

/* A namespace's inode number as the kernel has it, 32-bit; 0 (unknown) for what is not. */
static guint32
ns_inum (gint64 value)
{
  return value > 0 && value <= G_MAXUINT32 ? (guint32) value : 0;
}

static void
set_name (Thread  *t,
          guint32  name)
{
  if (name != 0)
    t->name = name;
}

/* @t runs on @cpu from @ts: until its first syscall event, remember where and since when. */
static inline void
note_run (Thread *t,
          guint   cpu,
          gint64  ts)
{
  if (G_LIKELY (t->syscall_seen))
    return;
  t->ran_on |= G_GUINT64_CONSTANT (1) << (cpu % 64);
  t->first_ts = MIN (t->first_ts, ts);
}

/*
 * @t's first syscall event. An exit proves it was in that syscall (@name) from its first
 * appearance: what its thread row and the CPU rows it ran on said since then, "running" or
 * "user", becomes "syscall". Costs the changes of those rows since then, once per thread.
 */
static void
settle_syscall (Model    *model,
                Thread   *t,
                gboolean  exit,
                guint32   name,
                gint64    ts)
{
  t->syscall_seen = TRUE;
  if (!exit || t->first_ts == G_MAXINT64)
    return;
  if (t->row >= 0)
    {
      _strata_analysis_syscall_since (model, t->row, -1, t->first_ts, name);
      /* Out of the syscall from here, whatever the exit changes next. */
      if (t->state == STRATA_STATE_RUNNING)
        strata_store_builder_set_id_fast (model->b, t->row, ts,
                                          thread_state_id (model, t, STRATA_STATE_RUNNING));
    }
  for (guint cpu = 0; cpu < model->cpus->len; cpu++)
    {
      Cpu *c = &g_array_index (model->cpus, Cpu, cpu);

      if (!(t->ran_on & (G_GUINT64_CONSTANT (1) << (cpu % 64))))
        continue;
      if (c->row >= 0)
        _strata_analysis_syscall_since (model, c->row, t->tid, t->first_ts, name);
      if (c->pcpu_row >= 0)
        _strata_analysis_syscall_since (model, c->pcpu_row, t->tid, t->first_ts, name);
    }
}

/* CPU @cpu's first event: what ran and what was open from then, as the scan found them. */
static void
start_cpu (Model  *model,
           guint   cpu)
{
  Cpu *c = &g_array_index (model->cpus, Cpu, cpu);
  gint64 ts = to_host (model, c->start_ts);

  /* Cut before its first event: none is known. */
  if (c->tid >= 0 || c->irq_depth > 0 || c->softirq_depth > 0 || c->cut_ts < c->start_ts)
    return;
  c->tid = c->start_tid;
  for (guint i = 0; i < c->n_start_irqs; i++)
    {
      gboolean soft = c->start_soft[i];

      (*(soft ? &c->softirq_depth : &c->irq_depth))++;
      *(soft ? &c->softirq : &c->irq) = (gint32) CLAMP (c->start_irq[i], -1, G_MAXINT32);
      _strata_analysis_irq_set (model, _strata_analysis_irq_row (model, c->start_irq[i], soft, cpu), soft, TRUE, ts, c->tid, 0);
    }
  if (c->tid > 0)
    {
      Thread *t = get_thread (model, c->tid);

      set_name (t, c->start_comm);
      t->cpu = cpu;
      note_run (t, cpu, ts);
      thread_set_state (model, t, running_state (model, t), ts);
      if (t->vm >= 0)
        vcpu_set (model, t, STRATA_STATE_HYPERVISOR, ts);
    }
  cpu_update (model, cpu, ts);
}

/* @t goes into wait-cpu, for CPU @cpu; or, not @waits, sleeps, switched out of @cpu (which
 * settle_sleep() takes if the trace proves it was runnable). A wait is listed for the next
 * handover (a trace that lost events), which ends the waits for its CPU. */
static inline void
note_wait (Model    *model,
           Thread   *t,
           gint32    cpu,
           gboolean  waits)
{
  t->wait_cpu = cpu;
  if (G_UNLIKELY (model->waiting != NULL) && waits && !t->waiting_listed)
    {
      t->waiting_listed = TRUE;
      g_ptr_array_add (model->waiting, t);
    }
}

/* @t's state and its vCPU's, if it is one, are unknown from @ts: what would have ended them
 * happens on a CPU nothing more is known of (or in events lost). An open exit goes
 * unrecorded; an open preemption is recorded open, until @ts. */
static void
thread_unknown (Model  *model,
                Thread *t,
                gint64  ts)
{
  t->cpu = -1;
  t->in_guest = FALSE;
  t->woken_running = FALSE;
  t->wait_by_waking = FALSE;
  t->wait_cpu = -1;
  thread_set_state (model, t, STRATA_STATE_UNKNOWN, ts);
  if (t->vm >= 0)
    {
      /* Its vCPU row shows it preempted until then: a preemption whose end is not known. */
      record_preemption_cut (model, t, ts);
      t->kvm->exit_open = t->kvm->exit_late = FALSE;
      vcpu_set (model, t, STRATA_STATE_UNKNOWN, ts);
    }
}

/* Whether @cpu is cut (see cut_cpu()) at @ts, in @model's own clock. */
static gboolean
cpu_cut_at (Model  *model,
            gint64  cpu,
            gint64  ts)
{
  return cpu >= 0 && cpu < model->cpus->len && ts > g_array_index (model->cpus, Cpu, cpu).cut_ts;
}

/* A stream of @cpu was cut short at @ts (host time): from then on nothing is known of the
 * CPU, its thread, the threads waiting for it (preempted there or woken onto it), its soft
 * IRQs or the vCPU it ran, which its later events (of its other streams, if any) do not make
 * known again: each of those rows is unknown from there. Its hard IRQ, on a line other CPUs
 * share, ends. */
static void
cut_cpu (Model *model,
         guint  cpu,
         gint64 ts)
{
  Cpu *c = &g_array_index (model->cpus, Cpu, cpu);
  guint32 gap = _strata_analysis_gap_id (model);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, model->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Thread *t = value;

      if (t->cpu == (gint) cpu ||
          (t->cpu < 0 && t->state == STRATA_STATE_WAIT_CPU &&
           (t->wait_cpu == (gint32) cpu || (t->vm >= 0 && t->kvm->preempted && t->kvm->preempt_cpu == (gint32) cpu))))
        thread_unknown (model, t, ts);
    }
  for (guint d = 0; d < c->irq_depth && c->irq >= 0; d++)
    _strata_analysis_irq_set (model, _strata_analysis_irq_row (model, c->irq, FALSE, cpu), FALSE, FALSE, ts, -1, 0);
  g_hash_table_iter_init (&iter, model->softirqs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      IrqRow *r = value;

      if (strata_softirq_row_cpu (r->number) == cpu)
        {
          r->active = 0;
          strata_store_builder_set_id_fast (model->b, r->row, ts, gap);
        }
    }
  c->in_guest = FALSE;
  c->tid = -1;
  c->irq_depth = c->softirq_depth = 0;
  if (c->row >= 0)
    strata_store_builder_set_id_fast (model->b, c->row, ts, gap);
  if (c->pcpu_row >= 0)
    strata_store_builder_set_id_fast (model->b, c->pcpu_row, ts, gap);
}

/* Handover @h begins (see Handover): the thread CPU @h->cpu ran, the one it runs after, the
 * vCPU either is and the CPU itself are unknown from the loss on. */
static void
loss_leave (Model          *model,
            const Handover *h)
{
  Cpu *c = &g_array_index (model->cpus, Cpu, h->cpu);
  gint64 ts = to_host (model, h->begin);

  if (h->begin > c->cut_ts)
    return;
  if (c->tid > 0)
    {
      Thread *t = get_thread (model, c->tid);

      if (t->cpu == (gint32) h->cpu)
        thread_unknown (model, t, ts);
    }
  if (h->tid > 0 && h->tid != c->tid)
    {
      Thread *t = get_thread (model, h->tid);

      /* Unless it runs elsewhere still: it comes here when that CPU let it go. */
      if (t->cpu < 0)
        thread_unknown (model, t, ts);
    }
  /* A thread waiting for this CPU (preempted here, or woken onto it) may have run in the
   * loss, as at a cut: its wait ends where knowledge stops, and a vCPU's preemption or
   * wake-up wait with it. Threads are listed as they go into wait-cpu, and stay listed only
   * while they wait for another CPU: not every thread is looked at. */
  for (guint i = 0; model->waiting != NULL && i < model->waiting->len;)
    {
      Thread *t = g_ptr_array_index (model->waiting, i);
      gboolean waits = t->cpu < 0 && t->state == STRATA_STATE_WAIT_CPU;

      if (waits && t->wait_cpu != (gint32) h->cpu)
        {
          i++;
          continue;
        }
      if (waits)
        thread_unknown (model, t, ts);
      t->waiting_listed = FALSE;
      g_ptr_array_remove_index_fast (model->waiting, i);
    }
  /* The switch that named the thread proves the handlers open at the loss returned. */
  for (guint d = 0; d < c->irq_depth && c->irq >= 0; d++)
    _strata_analysis_irq_set (model, _strata_analysis_irq_row (model, c->irq, FALSE, h->cpu), FALSE, FALSE, ts, -1, 0);
  for (guint d = 0; d < c->softirq_depth && c->softirq >= 0; d++)
    _strata_analysis_irq_set (model, _strata_analysis_irq_row (model, c->softirq, TRUE, h->cpu), TRUE, FALSE, ts, -1, 0);
  c->irq_depth = c->softirq_depth = 0;
  c->in_guest = FALSE;
  c->tid = -1;
  cpu_update (model, h->cpu, ts);
}

/* Handover @h ends: the CPU runs the thread its next switch named, from the loss's end. */
static void
loss_arrive (Model          *model,
             const Handover *h)
{
  Cpu *c = &g_array_index (model->cpus, Cpu, h->cpu);
  gint64 ts = to_host (model, h->end);

  if (h->end > c->cut_ts || h->tid < 0 || c->tid >= 0)
    return;
  c->tid = h->tid;
  if (c->tid > 0)
    {
      Thread *t = get_thread (model, c->tid);

      /* As at a switch-in; a preemption it had began elsewhere (where it still ran when
       * the loss began) and ended somewhere in the loss. */
      settle_sleep (model, t);
      record_preemption_cut (model, t, ts);
      t->cpu = h->cpu;
      t->woken_running = FALSE;
      t->wait_by_waking = FALSE;
      note_run (t, h->cpu, ts);
      thread_set_state (model, t, running_state (model, t), ts);
      if (t->vm >= 0)
        vcpu_set (model, t, STRATA_STATE_HYPERVISOR, ts);
    }
  cpu_update (model, h->cpu, ts);
}

void
_strata_analysis_run_model (Model *model)
{
  Analysis *a = model->a;
  StrataStrtab *strings = a->pub->set->strings;
  g_autoptr(StrataEventMerge) merge = strata_trace_merge (model->machine->trace);
  g_autoptr(GArray) starts = _strata_analysis_cpu_starts (model);
  g_autoptr(GArray) cuts = _strata_analysis_cpu_cuts (model);
  guint next_start = 0, next_cut = 0;
  gint64 next_start_ts = starts->len > 0 ? g_array_index (model->cpus, Cpu, g_array_index (starts, guint, 0)).start_ts : G_MAXINT64;
  gint64 next_cut_ts = cuts->len > 0 ? g_array_index (model->cpus, Cpu, g_array_index (cuts, guint, 0)).cut_ts : G_MAXINT64;
  GArray *handovers = model->handovers;
  g_autofree guint *arrivals = _strata_analysis_handover_arrivals (handovers);
  guint next_leave = 0, next_arrival = 0;
  gboolean wakeups_told;
  const StrataEvent *e, *batch = NULL;
  guint n_batch = 0, taken = 0;
  guint64 n = 0;
  GHashTableIter iter;
  gpointer value;
  gint64 end;

  if (model->vm != NULL)
    _strata_analysis_guest_mode_init (model);
  /* Without wakeups, no wakeup between a switch-out and the next switch-in proves nothing. */
  model->proves_runnable = _strata_analysis_records_kinds (model->machine->trace,
                                                           (G_GUINT64_CONSTANT (1) << STRATA_EV_SCHED_WAKEUP) |
                                                           (G_GUINT64_CONSTANT (1) << STRATA_EV_SCHED_WAKING)) &&
                           model->machine->trace->discarded == 0;
  /* With sched_wakeup recorded besides sched_waking, a sched_waking of a thread still on its
   * CPU tells its two cases apart (see the wakeups below). */
  wakeups_told = _strata_analysis_records_kinds (model->machine->trace,
                                                (G_GUINT64_CONSTANT (1) << STRATA_EV_SCHED_WAKEUP) |
                                                (G_GUINT64_CONSTANT (1) << STRATA_EV_SCHED_WAKEUP_NEW));
  if (handovers->len > 0)
    model->waiting = g_ptr_array_new ();
  /* Its id made first, among the 16-bit ones: every thread row of a trace that ends before
   * the set's gets it at the end, where an id past 65,535 would widen them all at once, at
   * the model's memory peak. */
  _strata_analysis_gap_id (model);
  /* Decoding and merging are a third of a model's work: on a large machine, whose model the
   * others wait for, they run ahead on another core. */
  if (model->consume_events)
    strata_event_merge_consume (merge);
  if (model->machine->trace->events >= RUN_AHEAD_EVENTS && g_get_num_processors () > 1)
    {
      strata_event_merge_run_ahead (merge);
      /* So are the KVM exits filed: strata_exits_builder_join() once the model ran. */
      if (model->machine->trace->has_kvm)
        strata_exits_builder_run_apart (model->exits);
    }

  /* A batch of events at a time: running ahead, the merge hands each whole. */
  for (;;)
    {
      Cpu *c;
      Thread *t;
      gint64 ts;

      if (G_UNLIKELY (taken == n_batch))
        {
          if ((batch = strata_event_merge_step_many (merge, &n_batch)) == NULL)
            break;
          taken = 0;
        }
      e = &batch[taken++];

      if (G_UNLIKELY ((++n & 0xffff) == 0) && g_cancellable_is_cancelled (a->cancellable))
        return;

      /* The decoder leaves out times outside the range; a set made otherwise may not. */
      if (!strata_time_in_range (e->ts) || (c = model_cpu (model, e->cpu)) == NULL)
        continue;
      /* Cut CPUs go unknown right after their last known time, before any later event. */
      while (G_UNLIKELY (e->ts > next_cut_ts))
        {
          guint cpu = g_array_index (cuts, guint, next_cut++);

          cut_cpu (model, cpu, to_host (model, next_cut_ts));
          next_cut_ts = next_cut < cuts->len ? g_array_index (model->cpus, Cpu, g_array_index (cuts, guint, next_cut)).cut_ts
                                             : G_MAXINT64;
          c = &g_array_index (model->cpus, Cpu, e->cpu);
        }
      if (G_UNLIKELY (e->ts > c->cut_ts))
        continue;
      /* CPUs start in time order with the rest, at their first event of any kind. */
      while (G_UNLIKELY (e->ts >= next_start_ts))
        {
          start_cpu (model, g_array_index (starts, guint, next_start++));
          next_start_ts = next_start < starts->len ?
                          g_array_index (model->cpus, Cpu, g_array_index (starts, guint, next_start)).start_ts : G_MAXINT64;
        }
      /* Lost events that hid a switch: each CPU's first event after them comes after both. */
      while (G_UNLIKELY (next_leave < handovers->len && e->ts > g_array_index (handovers, Handover, next_leave).begin))
        loss_leave (model, &g_array_index (handovers, Handover, next_leave++));
      while (G_UNLIKELY (next_arrival < handovers->len &&
                         e->ts > g_array_index (handovers, Handover, arrivals[next_arrival]).begin &&
                         e->ts >= g_array_index (handovers, Handover, arrivals[next_arrival]).end))
        loss_arrive (model, &g_array_index (handovers, Handover, arrivals[next_arrival++]));
      ts = to_host (model, e->ts);
      /* Past a cut of the host's, the windows an event would fall in may be unknown. */
      if (model->vm != NULL && (ts < c->window_start || ts >= c->window_end) &&
          _strata_analysis_outside_guest_mode (model, c, e->cpu, ts))
        model->machine->outside_guest_mode++;
      if (G_UNLIKELY (c->in_guest) && _strata_event_ends_guest_mode (e->kind))
        exit_early (model, e->cpu, ts);

      switch (e->kind)
        {
        case STRATA_EV_SCHED_SWITCH:
          {
            gint32 prev = e->f[STRATA_F_SWITCH_PREV_TID];
            gint32 next = e->f[STRATA_F_SWITCH_NEXT_TID];
            gboolean runnable = strata_prev_state_is_runnable (e->f[STRATA_F_SWITCH_PREV_STATE]);

            if (c->in_guest)
              exit_guest (model, e->cpu, ts);
            /* Already switched in on another CPU (its clock a little ahead of this one's):
             * it left this CPU before, and runs there. */
            if (prev > 0 && (t = get_thread (model, prev))->cpu >= 0 && t->cpu != (gint32) e->cpu)
              set_name (t, e->f[STRATA_F_SWITCH_PREV_COMM]);
            else if (prev > 0)
              {
                /* Woken as it went to sleep (its sched_waking before its switch-out, the
                 * waker waiting for the switch to end): not asleep, but woken, waiting. */
                gboolean woken;

                t = get_thread (model, prev);
                /* Not a dead task's last switch: that wakeup was of the task before it died. */
                woken = t->woken_running && !runnable && (e->f[STRATA_F_SWITCH_PREV_STATE] & 0x70) == 0;
                set_name (t, e->f[STRATA_F_SWITCH_PREV_COMM]);
                t->cpu = -1;
                thread_set_state (model, t, runnable || woken ? STRATA_STATE_WAIT_CPU : STRATA_STATE_BLOCKED, ts);
                t->slept = !runnable && !woken;
                t->sleep_start = ts;
                /* The woken one waits for the CPU its wakeup named. */
                note_wait (model, t, woken ? t->wait_cpu : (gint32) e->cpu, runnable || woken);
                t->wait_by_waking = woken;
                t->woken_running = FALSE;
                if (t->vm >= 0)
                  {
                    if (runnable || woken)
                      {
                        t->kvm->preempted = TRUE;
                        t->kvm->preempt_kind = woken ? STRATA_PREEMPTION_WAKEUP : STRATA_PREEMPTION_PREEMPTED;
                        t->kvm->preempt_start = ts;
                        t->kvm->preempt_cpu = t->wait_cpu;
                      }
                    vcpu_set (model, t, woken ? STRATA_STATE_WAITING : runnable ? STRATA_STATE_PREEMPTED : STRATA_STATE_BLOCKED, ts);
                  }
                /* A vCPU thread's last switch, after its exit: a dead task's state (EXIT_DEAD
                 * 16, EXIT_ZOMBIE 32, and before Linux 4.14 TASK_DEAD 64; not 128, TASK_WAKEKILL
                 * then, a killable sleep). Its vCPU has no thread from here: not blocked, which
                 * is a sleep, but unknown; the id, if it runs again, is another thread's (their
                 * fork and the free between were not traced, or lost). Before that switch-out
                 * a thread still runs, and may wait. */
                if (t->kvm != NULL && t->kvm->exited <= ts && (e->f[STRATA_F_SWITCH_PREV_STATE] & 0x70) != 0 &&
                    !runnable)
                  vcpu_detach (model, t, ts);
              }
            c->tid = next;
            if (next > 0)
              {
                t = get_thread (model, next);
                set_name (t, e->f[STRATA_F_SWITCH_NEXT_COMM]);
                settle_sleep (model, t);
                t->cpu = e->cpu;
                t->woken_running = FALSE;
                note_run (t, e->cpu, ts);
                thread_set_state (model, t, running_state (model, t), ts);
                if (t->vm >= 0)
                  {
                    record_preemption_end (model, t, ts, e->cpu);
                    vcpu_set (model, t, STRATA_STATE_HYPERVISOR, ts);
                  }
                t->wait_by_waking = FALSE;
              }
            cpu_update (model, e->cpu, ts);
            break;
          }

        case STRATA_EV_SCHED_WAKEUP:
        case STRATA_EV_SCHED_WAKEUP_NEW:
        case STRATA_EV_SCHED_WAKING:
          {
            gint32 tid = e->f[STRATA_F_WAKEUP_TID];
            gint32 target = (gint32) CLAMP (e->f[STRATA_F_WAKEUP_TARGET_CPU], -1, G_MAXINT32);
            gboolean again;

            if (tid <= 0)
              break;

            t = get_thread (model, tid);
            set_name (t, e->f[STRATA_F_WAKEUP_COMM]);
            t->slept = FALSE;
            /* Still on its CPU, in a sleep state (the only one a wakeup is traced for). Either
             * it was still queued, and is made runnable there and then (its sched_wakeup
             * follows at once): it runs on, and a later sleep is another; or its switch-out
             * had begun, and the waker waits for it to end before putting it on a CPU (its
             * sched_wakeup comes after the switch-out): from there it is woken, waiting,
             * whatever prev_state says. Only a trace that records sched_wakeup tells which. */
            if (t->cpu >= 0)
              {
                if (e->kind != STRATA_EV_SCHED_WAKING)
                  t->woken_running = FALSE;
                else if (wakeups_told)
                  {
                    t->woken_running = TRUE;
                    t->wait_cpu = target;
                  }
                break;
              }
            /* The sched_wakeup after a sched_waking: the CPU it names is where the thread was
             * put (the waking's is where it last ran). */
            again = t->state == STRATA_STATE_WAIT_CPU && t->wait_by_waking && e->kind != STRATA_EV_SCHED_WAKING;
            if (t->state == STRATA_STATE_WAIT_CPU && !again)
              break;
            t->wait_by_waking = e->kind == STRATA_EV_SCHED_WAKING;
            /* Woken onto a CPU nothing more is known of: when it ran is not known either. */
            if (G_UNLIKELY (cuts->len > 0 && cpu_cut_at (model, e->f[STRATA_F_WAKEUP_TARGET_CPU], e->ts)))
              {
                if (t->state != STRATA_STATE_UNKNOWN)
                  thread_unknown (model, t, ts);
                break;
              }
            note_wait (model, t, target, TRUE);
            if (again)
              {
                if (t->vm >= 0 && t->kvm->preempted && t->kvm->preempt_kind == STRATA_PREEMPTION_WAKEUP)
                  t->kvm->preempt_cpu = target;
                break;
              }
            thread_set_state (model, t, STRATA_STATE_WAIT_CPU, ts);
            if (t->vm >= 0 && !t->kvm->preempted)
              {
                /* Woken and waiting for a pCPU: wake-up latency, not a preemption. */
                t->kvm->preempted = TRUE;
                t->kvm->preempt_kind = STRATA_PREEMPTION_WAKEUP;
                t->kvm->preempt_start = ts;
                t->kvm->preempt_cpu = target;
                vcpu_set (model, t, STRATA_STATE_WAITING, ts);
              }
            break;
          }

        case STRATA_EV_PROCESS_FORK:
          {
            Thread *parent = get_thread (model, e->f[STRATA_F_FORK_PARENT_TID]);
            gboolean existed = g_hash_table_contains (model->threads, GINT_TO_POINTER (e->f[STRATA_F_FORK_CHILD_TID]));
            VcpuLife *life;

            t = get_thread (model, e->f[STRATA_F_FORK_CHILD_TID]);
            /* The id again, for a new thread: not the vCPU's it was. The kernel frees an id
             * before the free event of its thread, which may come after this fork. */
            if (existed)
              {
                vcpu_detach (model, t, ts);
                t->owes_free = !t->freed;
                t->woken_running = FALSE;
                t->wait_by_waking = FALSE;
                t->wait_cpu = -1;
              }
            t->freed = FALSE;
            if (t->kvm == NULL && (life = _strata_analysis_vcpu_life (model, t->tid, VCPU_LIFE_BORN_AT, e->ts)) != NULL)
              _strata_analysis_vcpu_attach (model, t, life, ts);
            t->pid = e->f[STRATA_F_FORK_CHILD_PID];
            t->ppid = parent->pid >= 0 ? parent->pid : e->f[STRATA_F_FORK_PARENT_PID];
            t->vtid = e->f[STRATA_F_FORK_CHILD_VTID];
            if (e->f[STRATA_F_FORK_CHILD_NS_INUM] != 0)
              t->ns_inum = ns_inum (e->f[STRATA_F_FORK_CHILD_NS_INUM]);
            set_name (t, e->f[STRATA_F_FORK_CHILD_COMM]);
            break;
          }

        case STRATA_EV_PROCESS_EXEC:
          {
            const char *file, *slash;
            g_autofree char *comm = NULL;

            /* Other models run at the same time, and interning may move the strings. */
            g_mutex_lock (&a->strings_lock);
            file = strata_strtab_get (strings, e->f[STRATA_F_EXEC_FILENAME]);
            slash = strrchr (file, '/');
            comm = g_strndup (slash ? slash + 1 : file, 15);
            t = get_thread (model, e->f[STRATA_F_EXEC_TID]);
            if (*comm != '\0')
              set_name (t, strata_strtab_intern (strings, comm));
            g_mutex_unlock (&a->strings_lock);
            break;
          }

        case STRATA_EV_PROCESS_EXIT:
          /* Only a vCPU thread's is kept: not a thread of its own for one never seen. */
          t = g_hash_table_lookup (model->threads, GINT_TO_POINTER (e->f[STRATA_F_EXIT_TID]));
          if (t != NULL)
            t->owes_free = FALSE;
          if (t != NULL && t->kvm != NULL)
            t->kvm->exited = MIN (t->kvm->exited, ts);
          break;

        case STRATA_EV_PROCESS_FREE:
          t = get_thread (model, e->f[STRATA_F_EXIT_TID]);
          /* The thread the id had before its last fork: not this one. */
          if (t->owes_free)
            {
              t->owes_free = FALSE;
              break;
            }
          t->freed = TRUE;
          t->woken_running = FALSE;
          t->wait_by_waking = FALSE;
          t->wait_cpu = -1;
          if (t->cpu < 0)
            thread_set_state (model, t, STRATA_STATE_UNKNOWN, ts);
          vcpu_detach (model, t, ts);
          break;

        case STRATA_EV_STATEDUMP_PID_NS:
          /* Newer LTTng: one event per namespace level; the last is the innermost. */
          t = get_thread (model, e->f[STRATA_F_SDNS_TID]);
          t->vtid = e->f[STRATA_F_SDNS_VTID];
          t->ns_inum = ns_inum (e->f[STRATA_F_SDNS_NS_INUM]);
          break;

        case STRATA_EV_STATEDUMP_PROCESS:
          {
            gint64 status = e->f[STRATA_F_SD_STATUS];

            t = get_thread (model, e->f[STRATA_F_SD_TID]);
            t->pid = e->f[STRATA_F_SD_PID];
            t->ppid = e->f[STRATA_F_SD_PPID];
            /* Older LTTng dumps a thread once per namespace level, innermost first. */
            if (t->vtid < 0)
              {
                t->vtid = e->f[STRATA_F_SD_VTID];
                t->vpid = e->f[STRATA_F_SD_VPID];
                t->ns_inum = ns_inum (e->f[STRATA_F_SD_NS_INUM]);
              }
            set_name (t, e->f[STRATA_F_SD_NAME]);
            if (t->state == STRATA_STATE_UNKNOWN && t->cpu < 0)
              {
                if (status == LTTNG_WAIT)
                  {
                    thread_set_state (model, t, STRATA_STATE_BLOCKED, ts);
                    /* Its vCPU is blocked from here (a halted guest CPU: most vCPUs of an
                     * idle VM when a trace begins), not unknown until its first wakeup. A
                     * thread waiting for a CPU is not said of its vCPU: preempted or woken,
                     * the dump does not tell, nor since when. */
                    vcpu_set (model, t, STRATA_STATE_BLOCKED, ts);
                  }
                else if (status == LTTNG_WAIT_CPU)
                  thread_set_state (model, t, STRATA_STATE_WAIT_CPU, ts);
              }
            break;
          }

        case STRATA_EV_IRQ_ENTRY:
        case STRATA_EV_IRQ_EXIT:
        case STRATA_EV_SOFTIRQ_ENTRY:
        case STRATA_EV_SOFTIRQ_EXIT:
          {
            gboolean soft = e->kind == STRATA_EV_SOFTIRQ_ENTRY || e->kind == STRATA_EV_SOFTIRQ_EXIT;
            gboolean enter = e->kind == STRATA_EV_IRQ_ENTRY || e->kind == STRATA_EV_SOFTIRQ_ENTRY;
            guint16 *depth = soft ? &c->softirq_depth : &c->irq_depth;
            IrqRow *r = _strata_analysis_irq_row (model, e->f[0], soft, e->cpu);

            if (enter)
              {
                (*depth)++;
                if (soft)
                  c->softirq = (gint32) CLAMP (e->f[STRATA_F_SOFTIRQ_VEC], -1, G_MAXINT32);
                else
                  {
                    c->irq = (gint32) CLAMP (e->f[STRATA_F_IRQ_IRQ], -1, G_MAXINT32);
                    c->irq_name = (guint32) e->f[STRATA_F_IRQ_NAME];
                  }
              }
            else if (*depth > 0)
              (*depth)--;
            _strata_analysis_irq_set (model, r, soft, enter, ts, c->tid,
                     e->kind == STRATA_EV_IRQ_ENTRY ? (guint32) e->f[STRATA_F_IRQ_NAME] : 0);
            if (c->tid > 0 && !c->in_guest)
              {
                t = get_thread (model, c->tid);
                thread_set_state (model, t, running_state (model, t), ts);
              }
            cpu_update (model, e->cpu, ts);
            break;
          }

        case STRATA_EV_SYSCALL_ENTRY:
        case STRATA_EV_SYSCALL_EXIT:
          if (c->tid <= 0)
            break;
          t = get_thread (model, c->tid);
          if (G_UNLIKELY (!t->syscall_seen))
            settle_syscall (model, t, e->kind == STRATA_EV_SYSCALL_EXIT, (guint32) e->f[STRATA_F_SYSCALL_NAME], ts);
          t->in_syscall = e->kind == STRATA_EV_SYSCALL_ENTRY;
          /* It runs on: a sched_waking before was of a sleep it did not go into. */
          t->woken_running = FALSE;
          if (t->in_syscall)
            enter_syscall (model, t, (guint32) e->f[STRATA_F_SYSCALL_NAME]);
          if (t->cpu == (gint32) e->cpu)
            thread_set_state (model, t, running_state (model, t), ts);
          cpu_update (model, e->cpu, ts);
          break;

        case STRATA_EV_KVM_ENTRY:
          if (c->tid <= 0)
            break;
          t = get_thread (model, c->tid);
          /* A vCPU's thread made by a fork the model did not read (left out, or lost). */
          if (G_UNLIKELY (t->kvm == NULL))
            {
              VcpuLife *life = _strata_analysis_vcpu_life (model, t->tid, VCPU_LIFE_BORN_BY, e->ts);

              if (life != NULL)
                _strata_analysis_vcpu_attach (model, t, life, life->born == G_MININT64 ? G_MININT64 : to_host (model, life->born));
            }
          /* Not the vCPU the thread runs (a thread kept across lost events, which the scan
           * gave no window for that vCPU). */
          if (t->vm < 0 || (e->f[STRATA_F_KVM_VCPU_ID] >= 0 && e->f[STRATA_F_KVM_VCPU_ID] != t->vcpu))
            break;
          exit_end (model, t, ts);
          if (c->in_guest)
            exit_guest (model, e->cpu, ts);
          c->in_guest = TRUE;
          t->in_guest = TRUE;
          t->woken_running = FALSE;
          {
            guint32 id = cpu_update (model, e->cpu, ts);

            if (c->pcpu_row >= 0)
              strata_store_builder_set_id_fast (model->b, c->pcpu_row, ts, id);
          }
          vcpu_set (model, t, STRATA_STATE_RUNNING, ts);
          break;

        case STRATA_EV_KVM_EXIT:
          if (!c->in_guest)
            {
              if (c->tid <= 0 || (t = get_thread (model, c->tid))->vm < 0)
                break;
              /* The reason of an exit that began at a host event; or the first exit of a
               * vCPU the trace began in guest mode, whose entry it did not see. */
              if (t->kvm->exit_open && t->kvm->exit_late)
                exit_reason (t, e);
              else if (!t->kvm->exit_open && t->cpu == (gint32) e->cpu)
                {
                  exit_begin (model, t, e, ts);
                  vcpu_set (model, t, STRATA_STATE_HYPERVISOR, ts);
                }
              break;
            }
          exit_begin (model, get_thread (model, c->tid), e, ts);
          exit_guest (model, e->cpu, ts);
          cpu_update (model, e->cpu, ts);
          break;

        default:
          break;
        }
    }

  while (next_start < starts->len)
    start_cpu (model, g_array_index (starts, guint, next_start++));
  /* Each handover had an event after it (the switch that named its thread), unless that
   * event was left out (out of the range, or cut). */
  while (next_leave < handovers->len)
    loss_leave (model, &g_array_index (handovers, Handover, next_leave++));
  while (next_arrival < handovers->len)
    loss_arrive (model, &g_array_index (handovers, Handover, arrivals[next_arrival++]));
  end = to_host (model, strata_time_clamp (model->machine->trace->end_ns));
  /* Cuts no event the model read came after (the trace's last may be of a kind it does not
   * read): those before the trace's end still end their CPU. */
  for (; next_cut < cuts->len; next_cut++)
    {
      guint cpu = g_array_index (cuts, guint, next_cut);
      gint64 at = to_host (model, g_array_index (model->cpus, Cpu, cpu).cut_ts);

      if (at < end)
        cut_cpu (model, cpu, at);
    }
  /* A vCPU in guest mode when the trace ends ran in it to the end: its row says so up to
   * the rows' end, not the hypervisor from the last nanosecond, which would hide an entry
   * there (a host trace that ends before the set's). */
  for (guint cpu = 0; cpu < model->cpus->len; cpu++)
    {
      Cpu *c = &g_array_index (model->cpus, Cpu, cpu);

      if (c->in_guest)
        get_thread (model, c->tid)->in_guest = c->in_guest = FALSE;
    }
  /* Exits still open when the trace ends: not counted (their length is not known), but
   * their reason is, which the vCPU row's last stretch in the hypervisor and the causes name. */
  for (guint i = 0; model->exits != NULL && i < model->vcpu_threads->len; i++)
    {
      const VcpuThread *kvm = g_ptr_array_index (model->vcpu_threads, i);
      StrataExitRecord r = { kvm->exit_start, G_MAXINT64, kvm->exit_code, kvm->machine, kvm->exit_isa, 0, kvm->vcpu,
                             kvm->exit_info1 };

      if (kvm->exit_open && !kvm->exit_late && kvm->gone == G_MAXINT64)
        strata_exits_builder_add_open (model->exits, &r);
    }
  /* Preemptions and wake-up waits still open when the trace ends: where the rows end (just
   * past the trace's last event, within the set), so that each is its vCPU row's last
   * preempted interval, to the nanosecond. */
  g_hash_table_iter_init (&iter, model->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Thread *) value)->vm >= 0)
      record_preemption_end (model, value, MIN (end + 1, MAX (a->end, end)), -1);
  g_clear_pointer (&model->waiting, g_ptr_array_unref);
  _strata_analysis_end_rows (model, end + 1);
  _strata_analysis_name_thread_rows (model);
}
