/* strata-analysis-private.h: what the analysis's passes share
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <math.h>

#include "strata-analysis.h"
#include "strata-exit-reason.h"
#include "strata-store-private.h"
#include "strata-time.h"

G_BEGIN_DECLS

/*
 * The analysis is one job in several files, one a pass: strata-analysis.c runs them (and the
 * task queue that puts them on every core), strata-analysis-scan.c is the first pass,
 * strata-analysis-link.c links guests to their VMs and solves their clocks (those linked by
 * their KVM windows alone in strata-analysis-kvm.c),
 * strata-analysis-model.c is the kernel model (the second pass), strata-analysis-fusion.c puts
 * the guests' CPU rows into the host's pCPU rows, strata-analysis-preemptions.c finds what ran
 * instead of a preempted vCPU. Only these files (and strata-analysis-file.c, which saves an
 * analysis and reads it back) include this header.
 */

/* MSI and MSI-X lines of a busy host number in the hundreds: 8 KiB a model finds them all
 * without hashing. */
#define IRQ_CACHE_SIZE 1024
#define THREAD_ROW_SLOTS 6
#define CPU_ROW_SLOTS 3
#define VCPU_ROW_SLOTS 5
#define SOFTIRQ_CACHE_SIZE 16   /* Linux has 10 vectors */


typedef struct
{
  gint64 start;
  gint64 end;
} Window;

typedef struct
{
  guint      machine;       /* the VM's machine */
  guint      host;          /* its host's machine */
  gint64     pid;
  gboolean   pid_guessed;   /* the trace names no process of its vCPU threads: pid is its
                             * first vCPU thread's id (see vm_pid_of()) */
  gint64     vm_uid;
  gboolean   has_uid;
  GPtrArray *windows;       /* GArray of Window, by vCPU id, in host time */
  GArray    *vcpu_rows;     /* gint, by vCPU id; -1 none */
} Vm;

/* A TCP segment, as both ends record it: (seq, ack_seq, flags), Trace Compass's key. The
 * checksum is no part of it (offloading may leave it unset at one end). */
typedef struct
{
  gint64 seq, ack, flags;
} NetKey;

typedef struct
{
  gint64   uid;             /* the key: a message is (vm_uid, cnt, direction) */
  gint64   cnt;
  gboolean gh;              /* guest to host */
  gint64   host_ns;
  gint64   guest_ns;
  gboolean has_host;
  gboolean has_guest;
} VmsyncPair;

/* What only a vCPU thread keeps: its open preemption and KVM exit, its vCPU row's ids. */
typedef struct
{
  gint64  preempt_start;
  gint64  exit_start;
  guint64 exit_info1;
  gint32  preempt_cpu;      /* the pCPU it left; for a wake-up, the one it was woken onto */
  guint32 exit_code;
  guint8  preempted;        /* preempted, or woken and waiting: a vCPU row interval open */
  guint8  preempt_kind;     /* StrataPreemptionKind */
  guint8  exit_open;        /* its last KVM exit, until its next entry ends it */
  guint8  exit_late;        /* the exit began at a host event; its kvm_exit, with the
                             * reason, comes later (see _strata_event_ends_guest_mode()) */
  guint8  exit_isa;
  guint32 vcpu_ids[VCPU_ROW_SLOTS];  /* as Thread's thread_ids, for its vCPU row */
  gint    row;              /* its vCPU row, -1 none */
  guint16 machine;          /* its VM's machine */
  gint32  tid;              /* the thread, its VM (index in vms) and vCPU, kept when the
                             * thread's id goes to another thread */
  gint32  vm;
  gint32  vcpu;
  gint64  born;             /* the fork that made it (host time), G_MININT64: none seen */
  gint64  exited;           /* its sched_process_exit, G_MAXINT64: none */
  gint64  gone;             /* when it stopped being this vCPU's thread (its exit, or its id
                             * freed or forked again, or its dead switch-out), G_MAXINT64: not
                             * in the trace */
} VcpuThread;

/* A life of a thread id as one vCPU's thread, from the scan: a VM's vCPU thread may exit and
 * its id go to another thread, of the host or of another VM. */
typedef struct
{
  gint64   born;            /* the fork that made the thread (trace time), G_MININT64: it was
                             * there before (a state dump, or no event says) */
  guint32  code;            /* (vm index << 16 | vCPU) + 1, as vcpu_of */
  gboolean used;            /* the model gave a thread that life */
} VcpuLife;

/* A switch-heavy set has hundreds of thousands of threads: the fields are ordered so that
 * none pads, and what only vCPU threads need is apart (136 bytes, not 216). */
typedef struct
{
  gint32  tid;
  gint32  pid;
  gint32  ppid;
  gint32  vtid;             /* in its innermost PID namespace; -1 unknown */
  gint32  vpid;
  guint32 name;
  guint32 ns_inum;          /* that namespace's inode number; 0 unknown */
  gint32  cpu;              /* the CPU it runs on, -1 */
  gint32  vm;               /* index in vms when a vCPU thread, else -1 */
  gint32  vcpu;
  gint    row;              /* thread row, -1 until needed */
  guint32 syscall;          /* the syscall it is or was last in, by name; 0: unknown */
  guint8  in_syscall;
  guint8  syscall_seen;     /* a syscall event of it was met: before, it may have been in one */
  guint8  in_guest;
  guint8  state;            /* thread row state */
  gint32  wait_cpu;         /* the CPU it was switched out of, or that a wakeup put it on: in
                             * wait-cpu, the one it waits for; -1 unknown. While it runs, the
                             * one a sched_waking named (see woken_running) */
  gint64  first_ts;         /* when it first ran, or G_MAXINT64 */
  guint64 ran_on;           /* bit cpu % 64: the CPUs it ran on before its first syscall event */
  gint64  sleep_start;
  VcpuThread *kvm;          /* a vCPU thread's (vm >= 0), else NULL */
  guint8  slept;            /* switched out with a sleep value, no wakeup since */
  guint8  unnamed_row;      /* its row has a description made while it had no name */
  guint8  freed;            /* its sched_process_free came, no fork of its id since */
  guint8  owes_free;        /* its id was forked again before the thread it had was freed:
                             * the next free, but for one after its own exit, is that one's */
  /* Description ids already interned for this thread, by state (+1; 0: not yet), valid while
   * the thread keeps the name they were made with: most changes then need no hashing. Those
   * of state syscall name a syscall: they are for syscall ids_syscall. */
  guint32 ids_name;
  guint32 ids_syscall;
  guint32 thread_ids[THREAD_ROW_SLOTS];  /* by thread_slot[state] - 1 (model): only the  */
  guint32 cpu_ids[CPU_ROW_SLOTS];        /* states each kind of row gives a thread */
  guint8  waiting_listed;   /* in its model's waiting list */
  guint8  woken_running;    /* a sched_waking while still on its CPU, going to sleep: its
                             * switch-out leaves it woken, whatever prev_state says */
  guint8  wait_by_waking;   /* in wait-cpu since a sched_waking, whose CPU is where the thread
                             * was: the sched_wakeup after it says where it was put (and a
                             * vCPU's wake-up wait is then on the CPU it was woken onto) */
} Thread;

G_STATIC_ASSERT (sizeof (Thread) == 144);

#define THREAD_BLOCK 4096

typedef struct _IrqRow IrqRow;

/* A thread's description ids in one syscall (+1; 0: none), while it has name @name and is the
 * thread of vCPU @vcpu (its thread row's descriptions name it): a thread that goes from one
 * syscall to another finds them again instead of interning them. */
#define SYSCALL_IDS_SIZE 1024
typedef struct
{
  gint32  tid;              /* 0: empty */
  guint32 syscall;
  guint32 name;
  gint32  vcpu;
  guint32 thread_id;
  guint32 cpu_id;
} SyscallIds;

/* What a CPU's description in an IRQ or a soft IRQ is made of, and its id (+1; 0: none). */
typedef struct
{
  gint32  tid;
  guint32 comm;
  gint32  irq;
  guint32 detail;
  guint32 id;
} CpuHandler;

typedef struct
{
  gint32  tid;              /* current thread, -1 unknown */
  guint16 irq_depth;
  guint16 softirq_depth;
  gint    row;              /* MACHINE/cpu/N */
  gint    pcpu_row;         /* the host's fused pcpu/N, or -1 */
  gboolean in_guest;
  guint32 idle_name;        /* "swapper/N" */
  /* What the trace proves about the time before the CPU's first switch (the scan finds it):
   * who ran from its first event, and the handlers open then, outermost first. */
  gint64  start_ts;         /* its first event, own clock; G_MAXINT64: none */
  gint64  cut_ts;           /* own clock: a stream of it was cut short there (StrataStream's
                             * cut_ns), and nothing after is known; G_MAXINT64: none */
  gint32  start_tid;        /* -1 unknown */
  guint32 start_comm;
  guint8  n_start_irqs;
  gboolean start_soft[2];
  gint64  start_irq[2];     /* the line or vector */
  gint64  window_start;     /* a guest's CPU: the host guest-mode window its last event fell */
  gint64  window_end;       /* in, empty at first */
  guint32 idle_ids[STRATA_STATE_N]; /* as Thread's cpu_ids, for the idle thread */
  IrqRow *softirq_rows[SOFTIRQ_CACHE_SIZE]; /* this CPU's, by small vectors */
  /* The IRQ and the soft IRQ it handles (entered last: nested handlers of one kind are rare),
   * and the description it had last in each of the two states, with its id (+1; 0: none). */
  gint32  irq;
  guint32 irq_name;
  gint32  softirq;
  CpuHandler handler[2];    /* in an IRQ, in a soft IRQ */
} Cpu;

struct _IrqRow
{
  gint64  number;           /* the key of its table: a line, or a softirq row's number */
  gint    row;
  guint32 active;
  /* the description written last while active, and its id: IRQs of one line repeat it */
  guint8  last_state;
  gint32  last_tid;
  guint32 last_name;
  guint32 last_id;
};

typedef struct _Analysis Analysis;

/* Events lost on a CPU hid a switch: over [begin, end] (own clock) what it ran is not known,
 * and from the end it ran @tid (-1: not known until its next switch), which the first switch
 * after the loss named. */
typedef struct
{
  gint64 begin;
  gint64 end;
  guint  cpu;
  gint32 tid;
} Handover;

typedef struct
{
  Analysis         *a;
  guint             index;
  StrataMachine    *machine;
  GHashTable       *threads;       /* tid -> Thread*, in thread_blocks */
  /* Threads are never freed one by one: they come from blocks of THREAD_BLOCK, large enough
   * to be mapped on their own, so that freeing them gives their memory back at once. */
  GPtrArray        *thread_blocks;
  GPtrArray        *vcpu_threads;  /* VcpuThread*, the threads' */
  Thread           *thread_next;   /* in the last block */
  Thread           *thread_end;
  Thread           *thread_cache[1024]; /* by tid % 1024: most lookups are recent threads */
  GArray           *cpus;          /* Cpu */
  GHashTable       *irqs;          /* irq -> IrqRow* */
  GHashTable       *softirqs;      /* &number -> IrqRow*: one per vector and CPU */
  IrqRow           *irq_cache[IRQ_CACHE_SIZE];      /* the same rows, by small line numbers */
  guint32           irq_idle_id;   /* + 1: an idle handler row's description; 0: not yet */
  SyscallIds        syscall_ids[SYSCALL_IDS_SIZE];   /* by thread and syscall, hashed */
  char             *prefix;        /* "name/" */
  gboolean          primary;
  gboolean          mapped;        /* times go through the sync transform */
  gint64            safe_lo;       /* own times that surely map inside the time range */
  gint64            safe_hi;
  /* scan */
  Vm               *scan_vm;       /* the VM found last, and its index */
  guint             scan_vm_index;
  GHashTable       *vcpu_of;       /* tid -> (vm index << 16 | vcpu) + 1, on a host: its last,
                                    * for the scan's numbering of vCPUs without ids only (in
                                    * the scan's order of VMs) */
  GHashTable       *vcpu_lives;    /* tid -> GArray of VcpuLife, in the order of their runs */
  GHashTable       *net_send;      /* NetKey -> gint64 ns */
  GHashTable       *net_recv;
  gint64            vm_uid;
  gint64            vm_uid_ts;
  gboolean          has_uid;
  Vm               *vm;            /* a guest's VM on its host, or NULL */
  GArray           *guest_cursor;  /* guint per vCPU: window cursor for outside-mode checks */
  gint64            guest_slack;   /* how far outside a window an event is still in it: the
                                    * sync's accuracy, since its time is known only that well */
  gint64            host_begin;    /* host time: the host's first event, before which guest
                                    * mode is not known; G_MAXINT64: none */
  gint64            host_cut;      /* host time: past the host's last event, or the first cut
                                    * of a host's stream (see cut_cpu()), from which guest mode
                                    * is not known on all its CPUs; G_MAXINT64: none */
  GArray           *handovers;     /* Handover, by begin, from the scan */
  GPtrArray        *waiting;       /* Thread*, only with handovers: each that went into
                                    * wait-cpu, until a handover finds it waiting no more (or
                                    * waiting for its CPU) */
  GPtrArray        *kvm_events;    /* GArray of gint64 per CPU: event times (a sample) for the
                                    * KVM fit, on a machine that may be a guest; else NULL */
  /* model pass: each model writes its own builder (and preemptions) so that models run on
   * several threads; they become one store afterwards */
  StrataStoreBuilder *b;
  GArray           *preemptions;   /* StrataPreemption */
  StrataExitsBuilder *exits;       /* in time order per vCPU */
  gboolean          proves_runnable; /* wakeups recorded, nothing lost: a thread switched in
                                      * again with no wakeup since it slept was runnable */
  gboolean          consume_events;  /* the model is its events' last reader: it frees each
                                      * chunk as it goes, not all of them when it ends */
} Model;

struct _Analysis
{
  StrataAnalysis     *pub;
  StrataStoreBuilder *builder;
  GPtrArray          *models;      /* Model*, by machine index (NULL for VM-only machines) */
  GPtrArray          *vms;         /* Vm* */
  GHashTable         *vmsync;      /* "uid:cnt:dir" -> VmsyncPair* */
  GArray             *preemptions;
  GMutex              strings_lock;  /* the set's string table, shared by the model threads */
  GMutex              vms_lock;      /* vms and vmsync, shared by the scan threads */
  gboolean            kvm_fit;       /* a trace of the set is a host: others may be its guests */
  GCancellable       *cancellable;
  StrataStoreSpill   *spill;         /* where every builder moves its large rows, or NULL */
  gint64              end;           /* the set's end, once the models run: the store drops
                                      * every change from it on */
  StrataExits        *exits;         /* the KVM exits' index, once every host's model ran */
};

/*
 * Whether an event of @kind on a host CPU means that the CPU is in host mode: any but a KVM
 * entry or exit. Before Linux 5.8, kvm_exit was traced late, in the exit's handler, after
 * the host had taken the exit's interrupt with interrupts enabled again (and could switch
 * threads): the IRQ and whatever followed came before the exit event, and the guest had
 * left at the first of them.
 */
static inline gboolean
_strata_event_ends_guest_mode (guint kind)
{
  return kind != STRATA_EV_NONE && kind < STRATA_EV_N_KINDS && kind != STRATA_EV_KVM_ENTRY &&
         kind != STRATA_EV_KVM_EXIT;
}

/* llround(), inline; exact for |x| < 2^62, which the callers guarantee. */
static inline gint64
round_half_away (double x)
{
  gint64 t = (gint64) x;
  double f = x - (double) t;

  return t + (f >= 0.5) - (f <= -0.5);
}

/* @ts of @model's machine in the reference clock (the host's). */
static inline gint64
to_host (Model  *model,
         gint64  ts)
{
  const StrataSyncResult *sync = &model->machine->sync;
  double correction, host;
  gint64 d;

  if (!model->mapped)
    return ts;
  /* Inside the range known to map inside the time range: no checks. */
  if (ts >= model->safe_lo && ts <= model->safe_hi)
    {
      d = ts - sync->own_origin;
      return sync->ref_origin + d + round_half_away (sync->drift * (double) d + sync->beta_rel);
    }
  /* A transform solved from odd or damaged messages may map far away: keep the result in
   * the time range, and the integer arithmetic from overflowing (which needs @ts in the
   * range too). The same arithmetic as strata_sync_map(), inline: it runs for every event. */
  ts = strata_time_clamp (ts);
  d = ts - sync->own_origin;
  correction = sync->drift * (double) d + sync->beta_rel;
  host = (double) sync->ref_origin + (double) d + correction;
  if (!(host >= (double) STRATA_TIME_MIN && host <= (double) STRATA_TIME_MAX))
    return host > 0 ? STRATA_TIME_MAX : STRATA_TIME_MIN;
  return strata_time_clamp (sync->ref_origin + d + (gint64) llround (correction));
}

/* strata-analysis.c */
StrataAnalysis *_strata_analysis_new_empty       (StrataSet                   *set);
StrataMachine *_strata_analysis_machine_new      (const char                  *name);
void           _strata_analysis_ensure_cpus      (Model                       *model,
                                                  guint                        n);

/* strata-analysis-scan.c */
void           _strata_analysis_scan             (Model                       *model);
guint          _strata_analysis_group_streams    (StrataTrace                 *trace,
                                                  GPtrArray                  **groups,
                                                  gboolean                    *by_cpu);
gboolean       _strata_analysis_records_kinds    (StrataTrace                 *trace,
                                                  guint64                      kinds);

/* strata-analysis-starts.c: what each CPU's first events prove of what ran before them */
void           _strata_analysis_find_starts      (Model                       *model);

/* strata-analysis-guest-mode.c. The check is for a guest's event at host time @ts on its vCPU
 * @cpu that is not in the window the CPU's last one fell in (c->window_start, _end). */
void           _strata_analysis_guest_mode_init  (Model                       *model);
gboolean       _strata_analysis_outside_guest_mode (Model                     *model,
                                                    Cpu                       *c,
                                                    guint32                    cpu,
                                                    gint64                     ts);

/* strata-analysis-link.c */
void           _strata_analysis_link_guests      (Analysis                    *a,
                                                  const StrataAnalysisOptions *options);
void           _strata_analysis_link_vm          (Model                       *model,
                                                  Vm                          *vm,
                                                  StrataLink                   how);
void           _strata_analysis_solve_clocks     (Analysis                    *a);
void           _strata_analysis_create_cpu_rows  (Model                       *model,
                                                  gboolean                     fused);
void           _strata_analysis_fix_names        (Analysis                    *a);

/* strata-analysis-kvm.c */
typedef struct _KvmSampler KvmSampler;

KvmSampler    *_strata_analysis_kvm_sampler_new    (Model                     *model);
void           _strata_analysis_kvm_sampler_free   (KvmSampler                *sampler);
void           _strata_analysis_kvm_sampler_finish (KvmSampler                *sampler);
void           _strata_analysis_kvm_link         (Analysis                    *a,
                                                  const StrataAnalysisOptions *options);
void           _strata_analysis_kvm_combine      (Analysis                    *a);

struct _KvmSampler
{
  Model     *model;
  GPtrArray *by_cpu;        /* GArray of gint64 */
  guint64    stride;
  guint64    until;         /* events to the next sample, this one included */
};

/* In the scan's pass over a possible guest's events: every stride-th event's time, by CPU,
 * the first included. A count down, not a division an event. */
static inline void
_strata_analysis_kvm_sample (KvmSampler *sampler,
                             gint64      ts,
                             guint32     cpu)
{
  if (G_LIKELY (--sampler->until != 0))
    return;
  sampler->until = sampler->stride;
  if (cpu < sampler->by_cpu->len && strata_time_in_range (ts))
    g_array_append_val ((GArray *) g_ptr_array_index (sampler->by_cpu, cpu), ts);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvmSampler, _strata_analysis_kvm_sampler_free)

/* strata-analysis-model.c */
void           _strata_analysis_run_model        (Model                       *model);
/* strata-analysis-rows.c: a model's rows rewritten and ended */
guint32        _strata_analysis_gap_id           (Model                       *model);
void           _strata_analysis_end_rows         (Model                       *model,
                                                  gint64                       end);
void           _strata_analysis_syscall_since    (Model                       *model,
                                                  gint                         row,
                                                  gint32                       row_tid,
                                                  gint64                       since,
                                                  guint32                      name);
void           _strata_analysis_name_thread_rows (Model                       *model);

/* strata-analysis-fusion.c */
void           _strata_analysis_fuse             (Analysis                    *a,
                                                  Model                       *host,
                                                  gint64                       set_end);

/* strata-analysis-lives.c: a thread's life as a vCPU's (VcpuLife) that the model gives it: the
 * first one not given yet that begins before the trace, at the fork at @at, or by @at. */
typedef enum
{
  VCPU_LIFE_FROM_START,
  VCPU_LIFE_BORN_AT,
  VCPU_LIFE_BORN_BY,
} VcpuLifeWhich;

VcpuLife      *_strata_analysis_vcpu_life        (Model                       *model,
                                                  gint32                       tid,
                                                  VcpuLifeWhich                which,
                                                  gint64                       at);
/* @t becomes the thread of @life's vCPU, made at @born (host time; G_MININT64: before). */
void           _strata_analysis_vcpu_attach      (Model                       *model,
                                                  Thread                      *t,
                                                  VcpuLife                    *life,
                                                  gint64                       born);

/* strata-analysis-irqs.c: the row of IRQ line @number, or of soft IRQ vector @number on @cpu
 * (made the first time); a handler of @r entered (@enter) or left at @ts, on a CPU running
 * @tid, named @name (an IRQ line's entry). */
IrqRow        *_strata_analysis_irq_row          (Model                       *model,
                                                  gint64                       number,
                                                  gboolean                     soft,
                                                  guint                        cpu);
void           _strata_analysis_irq_set          (Model                       *model,
                                                  IrqRow                      *r,
                                                  gboolean                     soft,
                                                  gboolean                     enter,
                                                  gint64                       ts,
                                                  gint32                       tid,
                                                  guint32                      name);

/* strata-analysis-order.c: the CPUs whose first event proves something, in the order of
 * those events; the CPUs with a stream cut short, in the order of their cuts (each CPU's
 * cut_ts set); the indexes of @handovers in the order their losses end. */
GArray        *_strata_analysis_cpu_starts       (Model                       *model);
GArray        *_strata_analysis_cpu_cuts         (Model                       *model);
guint         *_strata_analysis_handover_arrivals (GArray                     *handovers);

/* strata-analysis-preemptions.c */
void           _strata_analysis_sort_preemptions (GArray                      *preemptions);
void           _strata_analysis_find_causes      (StrataStore                 *store,
                                                  gpointer                     data);
/* Also for the range statistics (strata-analysis-stats.c): what ran on a pCPU row. */
GHashTable    *_strata_analysis_vcpu_threads     (StrataAnalysis              *pub);
gint           _strata_analysis_preemption_row   (StrataAnalysis              *pub,
                                                  StrataStore                 *store,
                                                  guint                        machine,
                                                  gint32                       pcpu);
StrataPreemptionCause _strata_analysis_cause_of  (GHashTable                  *vcpu_threads,
                                                  const StrataStateDesc       *d,
                                                  gint64                       ts,
                                                  gint64                      *from,
                                                  gint64                      *until);
void           _strata_analysis_add_causes       (StrataStore                 *store,
                                                  guint                        row,
                                                  gint64                       from,
                                                  gint64                       to,
                                                  GHashTable                  *vcpu_threads,
                                                  StrataExits                 *exits,
                                                  GArray                      *by);
void           _strata_analysis_cause_keep_exit  (StrataPreemptionCause       *cause,
                                                  const StrataPreemptionCause *part);
void           _strata_analysis_sort_causes      (GArray                      *by);

G_END_DECLS
