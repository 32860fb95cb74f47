/* strata-scenario-model.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <math.h>

#include "strata-scenario.h"

G_BEGIN_DECLS

/*
 * The procedural model behind the demo and bench sets, shared by its files: a KVM host and
 * its guests, simulated one pCPU at a time.
 *
 * Each pCPU runs a small event-driven scheduler over the tasks pinned to it: tasks alternate
 * CPU bursts (user time cut by syscalls) and sleeps; device IRQs, scheduler ticks and timer
 * wakeups interrupt whatever runs; a woken task preempts the current one after a short
 * granularity, and time slices rotate runnable tasks. A vCPU thread is such a task whose
 * bursts are the guest's busy periods: while it runs it cycles through guest mode
 * (kvm entry to kvm exit) and short hypervisor spells, and when the guest goes idle it
 * exits on HLT and blocks. The "stress" task moves between pCPUs 0 and 1 on a plan made up
 * front, so the pCPUs can be simulated independently and the plan keeps it on one CPU at a
 * time. Guest events are made when a guest-mode window closes, inside that window only, and
 * converted to the guest's clock: whatever the guest does, the host saw it in guest mode.
 */

#define US  G_GINT64_CONSTANT (1000)
#define MS  G_GINT64_CONSTANT (1000000)
#define SEC G_GINT64_CONSTANT (1000000000)

enum { TT_IDLE, TT_NORMAL, TT_KTHREAD, TT_VCPU, TT_STRESS, TT_CHILD };
enum { TS_SLEEPING, TS_RUNNABLE, TS_RUNNING, TS_AWAY, TS_DEAD };
enum { SEG_IDLE, SEG_USER, SEG_SYSCALL, SEG_HYP, SEG_GUEST };

/* lttng_statedump_process_state status */
#define SD_WAIT 5
#define SD_RUN  6

/* prev_state of a task that exits (EXIT_ZOMBIE, as kernels >= 4.14 report it) */
#define STATE_ZOMBIE 32

/* VMX exit reasons */
#define EXIT_EXTERNAL_INTERRUPT 1
#define EXIT_CPUID              10
#define EXIT_HLT                12
#define EXIT_VMCALL             18
#define EXIT_IO_INSTRUCTION     30
#define EXIT_MSR_WRITE          32
#define EXIT_EPT_VIOLATION      48
#define EXIT_PREEMPTION_TIMER   52

#define VEC_TIMER  1
#define VEC_NET_RX 3
#define VEC_BLOCK  4
#define VEC_RCU    9

#define KVM_RUN    0xae80
#define TICK       (4 * MS)          /* HZ = 250 */
#define SLICE      (3 * MS)
#define WAKEUP_GRANULARITY MS
#define INF        G_MAXINT64
/* Guest events keep this far from the bounds of their guest-mode window, so that rounding
 * in the clock conversion can never push one out of it. */
#define GUEST_MARGIN   (200)
#define GUEST_STEP_MAX (14 * US)
#define MAX_PIN    32
#define MAX_CALLS  10

enum
{
  SC_READ, SC_WRITE, SC_OPENAT, SC_CLOSE, SC_IOCTL, SC_FUTEX, SC_POLL, SC_PPOLL, SC_EPOLL_WAIT,
  SC_NANOSLEEP, SC_RECVFROM, SC_SENDTO, SC_RECVMSG, SC_SENDMSG, SC_MMAP, SC_MUNMAP, SC_NEWFSTAT,
  SC_LSEEK, SC_WRITEV, SC_SELECT, SC_CLONE, SC_EXECVE, SC_WAIT4, SC_EXIT_GROUP, SC_N
};

/* Where a syscall's plausible argument values go, looked up once. */
typedef struct
{
  guint32 name;
  gint8   fd;
  gint8   len;
  gint8   ptr;
  gint8   op;
  gint8   path;
} SysProfile;

typedef struct _Gen Gen;
typedef struct _Machine Machine;
typedef struct _Task Task;
typedef struct _Vcpu Vcpu;
typedef struct _GuestCpu GuestCpu;
typedef struct _Cpu Cpu;

struct _Gen
{
  const StrataScenarioSink *sink;
  gpointer                  data;
  StrataStrtab             *strings;
  GError                   *error;
  SysProfile                sys[SC_N];
  GPtrArray                *owned;          /* every Task but short-lived children */
  gint32                    next_child_tid;
  guint                     guest_fork_pct; /* of a guest worker's steps that fork a thread */
  gint32                    next_guest_tid;
  guint32                   s_ls;
  guint32                   s_ls_path;
  guint32                   s_virtio;
  guint32                   s_open_path;
};

struct _Machine
{
  Gen                *gen;
  guint               index;
  guint               n_cpus;
  gboolean            legacy;
  gboolean            is_guest;
  StrataScenarioClock clock;
  gint64              preempt_state;   /* prev_state of an involuntary switch-out */
  GPtrArray          *tasks;           /* Task*: every thread, for the statedump */
  Task              **idle;            /* swapper/N */
  StrataScenarioTrace info;
  char               *name;
  char               *hostname;
};

struct _Task
{
  guint32  comm;
  gint32   tid;
  gint32   pid;
  gint32   ppid;
  gint32   prio;
  guint8   type;
  guint8   state;
  gboolean in_syscall;
  gboolean spawner;
  gboolean dormant;
  guint8   syscall;         /* SC_*, while in_syscall */
  guint8   block;           /* SC_* it sleeps in */
  guint8   calls[MAX_CALLS];
  guint8   n_calls;
  guint8   child_phase;
  gint     wake_irq;        /* woken from that IRQ's softirq; 0: by a timer */
  guint    cpu;
  gint64   run_mean;
  gint64   sleep_mean;
  gint64   user_mean;
  gint64   demand;          /* ns of CPU left in this burst */
  gint64   wake_at;
  gint64   last_in;         /* when it last got the CPU */
  Vcpu    *vcpu;
  Task    *child;           /* a spawner's child, until it is reaped */
  Task    *parent;
};

/* Emits a CPU's events in time order; `now` is always host time. */
typedef struct
{
  Machine *m;
  guint    cpu;
  GRand   *rand;
  gint64   now;
  gint64   drop_from;       /* events in [drop_from, drop_to) are lost on purpose */
  gint64   drop_to;
  guint64  dropped;
} Out;

struct _GuestCpu
{
  Out      o;
  Task    *idle;
  Task    *worker;
  Task    *kworker;
  Task    *sessiond;        /* the CPU that does the statedump */
  Task    *cur;
  gint64   step_left;       /* guest-mode ns until the next step of the current task */
  gboolean hg_pending;
  guint32  hg_cnt;
  gboolean statedump_pending;
};

struct _Vcpu
{
  Task     *thread;
  GuestCpu *guest;
  guint     id;
  guint     n_vm_vcpus;
  guint64   vm_uid;
  gboolean  sync_events;    /* vmsync events are written (else only their hypercall exits) */
  gboolean  sync_gh_only;   /* only those of the guest-to-host direction */
  Cpu     **float_cpus;     /* a floating vCPU thread wakes on any of these; NULL: pinned */
  guint     n_float;
  gint64    busy_mean;
  gint64    idle_mean;
  gint64    win_mean;
  gint64    win_min;        /* the shortest guest-mode window, past its first ones */
  gint64    sync_period;
  gint64    win_start;
  gint64    win_guard;      /* nothing interrupts guest mode before this */
  gboolean  hlt_pending;
  gboolean  first_of_busy;
  gboolean  block_after_hyp;
  gint64    last_sync;
  guint32   sync_seq;
  guint64   rip;
};

typedef struct
{
  gint    irq;
  guint32 name;
  guint8  vec;
  gint64  mean_gap;
  gint64  next;
} IrqSource;

typedef struct
{
  gint64   start;
  gint64   end;
  guint    cpu;
  gboolean wake;            /* it was asleep (in nanosleep); else it migrates in */
  gboolean sleep;           /* it goes to sleep at the end; else it migrates out */
} Burst;

struct _Cpu
{
  Out        o;
  Machine   *m;
  Task      *idle;
  Task      *cur;
  Task      *tasks[MAX_PIN];
  guint      n_tasks;
  Task      *runq[MAX_PIN];
  guint      rq_len;
  IrqSource  irqs[4];
  guint      n_irqs;
  gint64     next_tick;
  guint      n_ticks;
  guint8     seg;
  gint64     seg_end;
  gint64     seg_len;
  gint64     irq_t0;
  Task      *stress;
  GArray    *bursts;        /* Burst, this CPU's only */
  guint      next_burst;
  gint64     stress_end;
  /* what host_cpu_next() found */
  gint64     t_irq;
  gint64     t_tick;
  gint64     t_wake;
  gint64     t_burst;
  IrqSource *next_irq;
  Task      *next_waker;
  gboolean   moved_in;      /* a task moved here since host_cpu_next() */
};

static inline gint64
rexp (GRand  *rand,
      gint64  mean)
{
  return (gint64) (-log (1.0 - g_rand_double (rand)) * (double) mean);
}

static inline gint64
runi (GRand  *rand,
      gint64  lo,
      gint64  hi)
{
  return lo + (gint64) (g_rand_double (rand) * (double) (hi - lo));
}

static inline void
gap (Out *o)
{
  o->now += 150 + g_rand_int_range (o->rand, 0, 450);
}

/* A zeroed event of kind @k: a declaration, so it goes with the block's others. */
#define EV(name, k) StrataEvent name = { .kind = (k) }

/* strata-scenario-emit.c: each makes one event of the CPU that @o writes, at o->now, then
 * moves o->now on by a plausible gap. */
void   gen_put       (Out         *o,
                      StrataEvent *ev);
void   gen_switch    (Out         *o,
                      Task        *prev,
                      gint64       prev_state,
                      Task        *next);
void   gen_wake      (Out         *o,
                      guint        kind,
                      Task        *task);
void   gen_sys_entry (Out         *o,
                      Task        *task,
                      guint        sc);
void   gen_sys_exit  (Out         *o,
                      guint        sc,
                      gint64       ret);
gint64 gen_sys_ret   (Out         *o,
                      guint        sc);
void   gen_irq       (Out         *o,
                      guint        kind,
                      gint         irq,
                      guint32      name);
void   gen_softirq   (Out         *o,
                      guint        kind,
                      guint        vec);
gint64 gen_kvm       (Out         *o,
                      guint        kind,
                      Vcpu        *v,
                      guint        reason);
void   gen_vmsync    (Out         *o,
                      guint        kind,
                      guint32      cnt,
                      const Vcpu  *v);
void   gen_task      (Out         *o,
                      guint        kind,
                      Task        *task);
void   gen_statedump (Out         *o,
                      Task        *running);

/* strata-scenario-guest.c */
void   guest_window   (Vcpu       *v,
                       gint64      entry,
                       gint64      exit,
                       guint       reason,
                       guint32     cnt);

/* strata-scenario-host.c */
void   host_cpu_block (Cpu        *c,
                       gint64      prev_state,
                       gint64      wake_at);
gint64 host_cpu_next  (Cpu        *c);
void   host_cpu_step  (Cpu        *c,
                       gint64      t);

/* strata-scenario-model.c: hosts and their VMs as the scenario text or the demo describe them. */
#define MAX_VMS   8
#define MAX_VCPUS 8
#define HOST_CPUS 8

typedef struct
{
  const char         *name;
  const char         *kernel_release;
  guint               n_vcpus;
  guint               pcpus[MAX_VCPUS]; /* pinned: vCPU n on pcpus[n]; floating: where they wake */
  guint               n_pcpus;
  gboolean            floating;
  gint32              qemu_pid;
  guint64             vm_uid;
  gint64              offset_s;
  StrataScenarioClock clock;
  gboolean            no_sync;          /* no vmsync events */
  gboolean            sync_gh_only;     /* vmsync events guest to host only */
  gint64              busy_mean;        /* 0: 8 ms */
  gint64              idle_mean;        /* 0: 3 ms */
} VmSpec;

typedef struct
{
  const char *name;                     /* NULL: "host" */
  gint64      duration;
  gint64      preempt_state;
  gboolean    legacy;
  gboolean    drop;
  gboolean    no_host_trace;            /* only the guests' traces are written */
  gint64      trace_from;               /* the host's trace holds [from, to) of the run (times
                                         * from its start), its state dump at from; to 0: the end */
  gint64      trace_to;
  guint64     seed;
  gint64      offset_s;
  guint       n_vms;
  VmSpec      vms[MAX_VMS];
  /* What the set is made of most (see StrataScenarioShape); 0 for the usual */
  gint64      win_mean;                 /* guest-mode windows: 150 µs */
  gint64      win_min;                  /* 10 µs */
  gint64      irq_gap_div;              /* device interrupts this many times as often: 1 */
  gboolean    irq_every_cpu;            /* a queue's interrupt line on each pCPU too */
  guint       n_spawners;               /* host tasks forking short-lived children, one a pCPU */
  guint       guest_fork_pct;           /* of a guest worker's steps that fork a thread */
} ModelSpec;

/* Whether the host's own threads (or the children it forks) use @tid. */
gboolean gen_host_tid_taken (gint64 tid);

/* Runs each host's model in turn; their traces are numbered one after the other for @sink. */
gboolean gen_models_run (const ModelSpec           *hosts,
                         guint                      n_hosts,
                         StrataStrtab              *strings,
                         const StrataScenarioSink  *sink,
                         gpointer                   data,
                         GError                   **error);

G_END_DECLS
