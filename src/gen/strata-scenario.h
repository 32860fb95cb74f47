/* strata-scenario.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-event.h"
#include "strata-set.h"
#include "strata-strtab.h"

G_BEGIN_DECLS

/*
 * Test and demo trace sets, either from a small text format or from a procedural model of a
 * KVM host running a guest (the "demo") or two (the "bench"): written as CTF trace folders
 * through StrataCtfWriter, or loaded straight into a StrataSet through StrataSetWriter, as
 * strata_trace_load() would read those folders.
 *
 * Scenario text, one statement a line; '#' starts a comment:
 *
 *   trace NAME [hostname=H] [cpus=N] [offset_s=S] [legacy=0|1] [kernel_release=R] [seed=U]
 *   event TS CPU KIND [FIELD=VALUE]...
 *   discard CPU COUNT TS
 *
 * Events and discards belong to the last trace line and are written to OUTDIR/NAME. TS is ns
 * after the trace's clock origin (the absolute time is offset_s * 10^9 + TS), either an
 * integer or a decimal with a unit (1.5s, 250ms, 40us, 100ns). KIND is a name of
 * strata_event_kind_info() (sched_switch, irq_softirq_entry, kvm_x86_exit, syscall_entry…);
 * FIELD is one of its field names, or for syscalls (name=read) also an argument the writer
 * declares (fd=3). String fields take text, quoted with "" when it has spaces; numbers are
 * decimal or 0x hex; missing fields are 0, but for kvm_x86_exit's isa, which is vmx (1) unless
 * given (isa=svm, or 2). An exit's exit_reason may also be the kernel's name of it for that
 * ISA (exit_reason=PAUSE_INSTRUCTION, isa=svm exit_reason=pause), and info1/info2 are what
 * KVM records (an I/O exit's port, direction and size in info1). Lines need not be in time
 * order: each trace's events are sorted by time (stable) before writing.
 *
 * Or, instead of traces and events, hosts for the demo's model to simulate (8 pCPUs, the
 * demo's host load) and their VMs, each with a traced guest:
 *
 *   host NAME [duration=T] [seed=N] [preempt_state=N] [legacy=0|1] [trace=0|1] [offset_s=S]
 *             [trace_from=T] [trace_to=T]
 *   vm NAME vcpus=N [pcpus=LIST] [float=0|1] [qemu_pid=P] [clock_offset=±T] [drift_ppm=±N]
 *          [sync=vmsync|vmsync-gh|none] [busy=T] [idle=T] [kernel_release=R] [offset_s=S]
 *
 * A vm belongs to the host above it. vCPU n runs in thread qemu_pid + 1 + n, pinned to the
 * n-th pCPU of LIST ("0,1", "2-7"), or with float=1 waking on any pCPU of LIST after each halt.
 * The guest's clock is guest = host + clock_offset + floor ((host - STRATA_DEMO_T0_NS) *
 * drift_ppm / 10^6) (a StrataScenarioClock). sync=none leaves out the vmsync events (the
 * hypercalls still happen), as stock LTTng would record, and sync=vmsync-gh keeps only those of
 * the guest-to-host direction (messages one way: they bound the clock from one side); busy and idle are the guest's mean
 * busy and idle periods (8ms and 3ms). trace=0 writes only the guests' traces: guests from a
 * host that is not in the set. trace_from and trace_to (times from the run's start) record only
 * that part of it in the host's trace, as a tracer started late or stopped early does, its
 * state dump at trace_from; the guests' traces hold all of it. The seed moves every random
 * choice of that host's model.
 */

#define STRATA_SCENARIO_ERROR (strata_scenario_error_quark ())

typedef enum
{
  STRATA_SCENARIO_ERROR_PARSE,
} StrataScenarioError;

GQuark strata_scenario_error_quark (void);

/*
 * A guest clock as a function of host time, exact in integers:
 *   guest = host + shift_ns + floor ((host - origin_ns) * drift_num / drift_den)
 * so, as a line, host ≈ alpha * guest + beta with alpha = den / (den + num) and
 * beta = (origin_ns * num / den - shift_ns) * alpha.
 */
typedef struct
{
  gint64 origin_ns;
  gint64 shift_ns;
  gint64 drift_num;
  gint64 drift_den;
} StrataScenarioClock;

gint64 strata_scenario_clock_to_guest (const StrataScenarioClock *clock,
                                       gint64                     host_ns);
/* The latest host time that maps to @guest_ns or before it: the exact inverse on every
 * guest time the generator produced. */
gint64 strata_scenario_clock_to_host  (const StrataScenarioClock *clock,
                                       gint64                     guest_ns);

/*
 * The demo set: host "host" (8 pCPUs, clock offset_s STRATA_DEMO_HOST_OFFSET_S) and guest
 * "server1" (2 vCPUs, offset_s STRATA_DEMO_GUEST_OFFSET_S), whose clock is
 *   guest = host - 2.5 s + floor ((host - STRATA_DEMO_T0_NS) / 50000)
 * i.e. 2.5 s behind at the start of the trace and 20 ppm fast; as a line,
 * host = guest * 50000/50001 + 28851994960100.8 ns.
 *
 * Both traces span [T0, T0 + 3 s) in host time. The VM is process "qemu-system-x86"
 * (STRATA_DEMO_QEMU_PID); vCPU n is thread "CPU n/KVM" (pid + 1 + n), pinned to pCPU n, and
 * vmsync events carry STRATA_DEMO_VM_UID. "stress" (STRATA_DEMO_STRESS_TID) runs in bursts
 * on pCPUs 0 and 1, preempting the vCPU threads (prev_state 0); a vCPU thread sleeps
 * (prev_state 1) only after its guest halted (exit reason 12). pCPU 6 loses a few events at
 * T0 + 1.7 s (a discarded-events record). The bench adds "server2" (4 vCPUs on pCPUs 1–4,
 * qemu pid 3200, 1.25 s ahead and 15 ppm slow) and reports preemptions as prev_state 256.
 */
#define STRATA_DEMO_HOST_OFFSET_S  G_GINT64_CONSTANT (1442500000)
#define STRATA_DEMO_GUEST_OFFSET_S G_GINT64_CONSTANT (1442500900)
#define STRATA_DEMO_T0_NS          G_GINT64_CONSTANT (1442503600000000000)
#define STRATA_DEMO_DURATION_NS    G_GINT64_CONSTANT (3000000000)
#define STRATA_DEMO_QEMU_PID       3000      /* vCPU n runs in thread 3001 + n */
#define STRATA_DEMO_STRESS_TID     4001
#define STRATA_DEMO_VM_UID         G_GUINT64_CONSTANT (0x5e5e000000001001)

const StrataScenarioClock *strata_scenario_demo_clock (void);

typedef enum
{
  STRATA_SCENARIO_DEMO,
  STRATA_SCENARIO_BENCH,
} StrataScenarioModel;

/* What a bench set is made of most: the benchmarks hold their targets on every shape. */
typedef enum
{
  STRATA_SCENARIO_SHAPE_MIXED,       /* the bench as it always was: a bit of everything */
  STRATA_SCENARIO_SHAPE_EXITS,       /* busy vCPUs leaving guest mode at about 50 kHz each */
  STRATA_SCENARIO_SHAPE_SWITCHES,    /* many short-lived threads, on the host and in guests */
  STRATA_SCENARIO_SHAPE_IRQS,        /* device interrupts at tens of kHz on every pCPU */
  STRATA_SCENARIO_SHAPE_CONTENTION,  /* two busy VMs whose vCPUs share the same pCPUs */
  STRATA_SCENARIO_SHAPE_N
} StrataScenarioShape;

/* "mixed", "exits", "switches", "irqs", "contention"; -1 for another name. */
const char *strata_scenario_shape_to_string   (StrataScenarioShape shape);
gint        strata_scenario_shape_from_string (const char         *name);

typedef struct
{
  StrataScenarioModel model;
  guint64             n_events;      /* bench: about this many events in all; 0: 10 M */
  gboolean            legacy;        /* every trace uses the older LTTng naming */
  gboolean            no_sync;       /* no vmsync events: only the KVM windows link the guests */
  StrataScenarioShape shape;         /* bench only */
  /* Bench only, over the shape's own: 0 keeps the shape's. */
  guint               guest_fork_pct;    /* of a guest worker's steps that fork a thread */
  gint64              guest_window_ns;   /* the mean guest-mode window between KVM exits */
} StrataScenarioParams;

/* One trace of a set, as the generator announces it to a sink. */
typedef struct
{
  const char *name;                  /* folder name */
  const char *hostname;
  guint       n_cpus;
  gint64      offset_s;
  gboolean    legacy;
  const char *kernel_release;        /* NULL: the writer's default */
  guint64     uuid_seed;
} StrataScenarioTrace;

/*
 * Where generated events go. Events reach @event in time order per (trace, CPU), not
 * globally: a trace's CPUs are generated one after the other. String slots are ids in the
 * StrataStrtab given to the generator. Returning FALSE stops generation with that error.
 */
typedef struct
{
  gboolean (*add_trace) (gpointer                   data,
                         guint                      trace,
                         const StrataScenarioTrace *info,
                         GError                   **error);
  gboolean (*event)     (gpointer                   data,
                         guint                      trace,
                         const StrataEvent         *event,
                         GError                   **error);
  gboolean (*discard)   (gpointer                   data,
                         guint                      trace,
                         guint                      cpu,
                         guint64                    count,
                         gint64                     ts,
                         GError                   **error);
} StrataScenarioSink;

gboolean strata_scenario_generate      (const StrataScenarioParams *params,
                                        StrataStrtab               *strings,
                                        const StrataScenarioSink   *sink,
                                        gpointer                    data,
                                        GError                    **error);
/* Parses @text (named @source in messages) and feeds it to @sink. */
gboolean strata_scenario_parse         (const char                 *text,
                                        const char                 *source,
                                        StrataStrtab               *strings,
                                        const StrataScenarioSink   *sink,
                                        gpointer                    data,
                                        GError                    **error);

typedef struct
{
  guint   n_traces;
  guint64 n_events;
  guint64 n_discarded;
} StrataScenarioStats;

/* Each writes the traces to OUTDIR/<trace name>/ (creating folders as needed); @stats, when
 * not NULL, receives what was written. */
gboolean strata_scenario_write         (const StrataScenarioParams *params,
                                        const char                 *outdir,
                                        StrataScenarioStats        *stats,
                                        GError                    **error);
gboolean strata_scenario_write_demo    (const char                 *outdir,
                                        GError                    **error);
gboolean strata_scenario_write_bench   (const char                 *outdir,
                                        guint64                     n_events,
                                        GError                    **error);
gboolean strata_scenario_write_file    (const char                 *scenario_path,
                                        const char                 *outdir,
                                        GError                    **error);
gboolean strata_scenario_write_string  (const char                 *text,
                                        const char                 *source,
                                        const char                 *outdir,
                                        StrataScenarioStats        *stats,
                                        GError                    **error);

/*
 * Each returns the set that strata_trace_load() gives for the folder the matching
 * strata_scenario_write*() writes, @root standing for that folder (each trace's path is
 * @root/<trace name>), without writing it or reading it back: for tests that need neither
 * trace files nor libbabeltrace2.
 */
StrataSet *strata_scenario_load        (const StrataScenarioParams *params,
                                        const char                 *root,
                                        GError                    **error);
StrataSet *strata_scenario_load_string (const char                 *text,
                                        const char                 *source,
                                        const char                 *root,
                                        GError                    **error);

G_END_DECLS
