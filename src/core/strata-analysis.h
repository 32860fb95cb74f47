/* strata-analysis.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-exits.h"
#include "strata-kvm-sync.h"
#include "strata-set.h"
#include "strata-store.h"
#include "strata-sync.h"

G_BEGIN_DECLS

typedef enum
{
  STRATA_ROLE_STANDALONE,
  STRATA_ROLE_HOST,
  STRATA_ROLE_GUEST,
} StrataRole;

const char *strata_role_to_string (StrataRole role);

/* Where a machine's clock mapping comes from: messages, or its VM's KVM windows. */
typedef enum
{
  STRATA_SYNC_METHOD_NONE,
  STRATA_SYNC_METHOD_VMSYNC,
  STRATA_SYNC_METHOD_TCP,
  STRATA_SYNC_METHOD_KVM,
} StrataSyncMethod;

const char *strata_sync_method_to_string (StrataSyncMethod method);

/* How a guest trace was paired with its VM. */
typedef enum
{
  STRATA_LINK_NONE,
  STRATA_LINK_VMSYNC,               /* the vm_uid its vmsync events share with the host's */
  STRATA_LINK_KVM,                  /* its events fit that VM's KVM windows, and no other's */
  STRATA_LINK_MAP,                  /* forced: --map GUEST=HOST_PID, or Link to VM in the app */
} StrataLink;

/* "none", "vmsync", "kvm", "map" */
const char *strata_link_to_string (StrataLink link);

/* How well a guest trace's events fit one VM's KVM windows (strata-kvm-sync). */
typedef struct
{
  gint64           vm_pid;
  guint            n_vcpus;
  StrataKvmVerdict verdict;
  double           outside;         /* share of its judged events outside every window */
  double           empty;           /* share of the VM's guest-mode time without its events */
  double           background;      /* the share a random placement would put inside */
  guint64          events;          /* events judged */
} StrataVmFit;

/* strata-analysis-file.c saves every field of the structs below and reads it back: a field
 * added here is added there too, and STRATA_ANALYSIS_FILE_VERSION changes. */

typedef struct
{
  gint32 id;
  gint32 host_tid;
  gint64 since_ns;                  /* when the fork that made its thread was; G_MININT64: it
                                     * was there before the trace, or no event says */
  gint64 gone_ns;                   /* when its thread exited, or its id went to another
                                     * thread; G_MAXINT64: not in the trace */
} StrataVcpu;

/* What the kernel model learned of a thread by the end of the trace. */
typedef struct
{
  gint32  tid;
  gint32  pid;                      /* -1 unknown */
  gint32  ppid;
  gint32  vtid;                     /* in its innermost PID namespace; -1 unknown */
  gint32  vpid;
  guint32 name;                     /* string id */
  guint32 ns_inum;                  /* that namespace's inode (the kernel's are 32-bit); 0
                                     * unknown */
} StrataThreadInfo;

/* 28 bytes, without padding: a switch-heavy set keeps hundreds of thousands. */
G_STATIC_ASSERT (sizeof (StrataThreadInfo) == 28);

typedef struct
{
  char             *name;
  StrataRole        role;
  StrataTrace      *trace;          /* borrowed; NULL for a VM seen only from its host */
  gint              parent;         /* machine index of the host, or -1 */
  guint             n_cpus;
  gint64            vm_pid;         /* a VM's qemu process on its host, or -1 */
  gboolean          vm_pid_guessed; /* no event named that process: vm_pid is the id of
                                     * the VM's first vCPU thread */
  GArray           *vcpus;          /* StrataVcpu, by id */
  StrataSyncMethod  sync_method;
  gint              sync_reference; /* machine index, or -1 */
  StrataSyncResult  sync;
  guint64           outside_guest_mode; /* guest events outside every guest-mode window */
  GArray           *threads;        /* StrataThreadInfo, by tid */
  StrataLink        link;           /* a guest's: how it was paired with its VM */
  GArray           *fits;           /* StrataVmFit: the VMs its events were fitted to, best
                                     * first (same vCPU count, or the one it was mapped to) */
} StrataMachine;

/* What ran on the pCPU instead: a host thread, another vCPU in guest mode or in the host's
 * (hypervisor) mode, or nothing. */
typedef enum
{
  STRATA_CAUSE_HOST,                /* a host thread (machine: the host) */
  STRATA_CAUSE_GUEST,               /* a vCPU in guest mode (machine: its VM), with the guest
                                     * thread when that guest was traced */
  STRATA_CAUSE_HYPERVISOR,          /* a vCPU's thread in host mode (machine: its VM) */
  STRATA_CAUSE_IDLE,                /* the pCPU was idle (machine: the host) */
} StrataCauseState;

/* "host", "guest", "hypervisor", "idle": the JSON `state` of a cause. */
const char *strata_cause_state_to_string (StrataCauseState state);

typedef struct
{
  guint16 machine;
  gint32  tid;                      /* -1: not known (or none) */
  guint32 comm;
  gint32  vcpu;                     /* -1: not a vCPU */
  guint8  state;                    /* StrataCauseState */
  guint8  has_exit;                 /* STRATA_CAUSE_HYPERVISOR: the exit it ran in longest is */
  guint8  exit_isa;                 /* known: its ISA and code (strata_exit_reason_name()) */
  guint32 exit_code;
  gint64  ns;
  gint64  exit_ns;                  /* how long it ran in that exit */
} StrataPreemptionCause;

typedef enum
{
  STRATA_PREEMPTION_PREEMPTED,      /* switched out while runnable, until switched in again */
  STRATA_PREEMPTION_WAKEUP,         /* woken, until it ran: the scheduler's latency */
} StrataPreemptionKind;

/* "preemption" or "wakeup": the JSON `kind`. */
const char *strata_preemption_kind_to_string (StrataPreemptionKind kind);

typedef struct
{
  guint   machine;                  /* the VM whose vCPU was preempted */
  gint32  vcpu;
  gint64  start;
  gint64  end;
  gint32  pcpu;                     /* the pCPU it left, or was woken onto */
  guint8  kind;                     /* StrataPreemptionKind */
  gboolean open;                    /* its end is not in the trace: still going at the end of
                                     * its host's trace (end), or cut */
  gboolean cut;                     /* open, because what came next is not known (events lost,
                                     * a damaged file): end is where knowledge stops */
  GArray *by;                       /* StrataPreemptionCause, longest first */
} StrataPreemption;

typedef struct
{
  char   *guest;                    /* machine name */
  gint64  host_pid;                 /* the VM's qemu process on the host */
} StrataVmMap;

/* Called on the analysing thread with NULL as the first phase starts, then with the name of
 * each phase ("scan", "models", …) as it ends: strata_timing_phase_cb() prints their times. */
typedef void (*StrataAnalysisPhaseFunc) (const char *phase,
                                         gpointer    user_data);

typedef struct
{
  const StrataVmMap *maps;          /* manual guest <-> VM links */
  guint              n_maps;
  gboolean           release_events; /* free each trace's events once analysed: the set then
                                      * keeps its counts but no events (halves peak memory) */
  GCancellable      *cancellable;    /* stops the analysis early: it then fails with
                                      * G_IO_ERROR_CANCELLED */
  StrataAnalysisPhaseFunc phase_func;
  gpointer                phase_data;
  StrataStoreSpill       *spill;     /* a file for the store's large rows (NULL: memory), so
                                      * that a store larger than memory can be built */
} StrataAnalysisOptions;

typedef struct
{
  gatomicrefcount  ref_count;
  StrataSet       *set;
  GPtrArray       *machines;        /* StrataMachine* */
  gint             host;            /* index of the host machine, or -1 */
  gint             primary;         /* whose CPUs are the pcpu/N rows: the host, or the first */
  StrataStore     *store;
  GArray          *preemptions;     /* StrataPreemption, by start */
  StrataExits     *exits;           /* every VM exit, indexed by vCPU and reason */
  GPtrArray       *warnings;        /* char*: inconsistencies found while analysing */
} StrataAnalysis;

StrataAnalysis *strata_analysis_new   (StrataSet                   *set,
                                       const StrataAnalysisOptions *options,
                                       GError                     **error);
StrataAnalysis *strata_analysis_ref   (StrataAnalysis *self);
void            strata_analysis_unref (StrataAnalysis *self);

/* Machines are named by their index in @machines; -1 (no parent, no reference) and other
 * indexes out of range name none. */
guint           strata_analysis_get_n_machines     (StrataAnalysis *self);
StrataMachine  *strata_analysis_get_machine        (StrataAnalysis *self,
                                                    gint            machine);
const char     *strata_analysis_get_machine_name   (StrataAnalysis *self,
                                                    gint            machine);
gboolean        strata_analysis_machine_is_host    (StrataAnalysis *self,
                                                    gint            machine);
gboolean        strata_analysis_machine_is_guest   (StrataAnalysis *self,
                                                    gint            machine);
gint            strata_analysis_find_machine       (StrataAnalysis *self,
                                                    const char     *name);
const char     *strata_analysis_string             (StrataAnalysis *self,
                                                    guint32         id);
const StrataThreadInfo *
                strata_analysis_find_thread        (StrataAnalysis *self,
                                                    guint           machine,
                                                    gint32          tid);
guint32         strata_analysis_host_thread_name   (StrataAnalysis        *self,
                                                    const StrataStateDesc *desc);
gint            strata_analysis_vm_host            (StrataAnalysis        *self,
                                                    guint                  machine);

/* The guests of a host, in machine order:
 *
 *   StrataGuestIter iter;
 *   guint guest;
 *
 *   strata_guest_iter_init (&iter, analysis, host);
 *   while (strata_guest_iter_next (&iter, &guest))
 *     …
 */
typedef struct
{
  /*< private >*/
  StrataAnalysis *analysis;
  gint            host;
  guint           next;
} StrataGuestIter;

void            strata_guest_iter_init             (StrataGuestIter *iter,
                                                    StrataAnalysis  *analysis,
                                                    gint             host);
gboolean        strata_guest_iter_next             (StrataGuestIter *iter,
                                                    guint           *guest);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataAnalysis, strata_analysis_unref)

G_END_DECLS
