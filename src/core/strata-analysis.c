/* strata-analysis.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "strata-analysis.h"
#include "strata-parallel.h"
#include "strata-store-private.h"
#include "strata-time.h"

/*
 * Two passes over each machine's events. The first (scan) finds what the second needs to know
 * up front: the host's vCPU threads and their VMs, guest-mode windows, and the messages that
 * synchronize clocks. Then guests are linked and clocks solved. The second pass runs the
 * kernel model of each machine in host time and writes the rows: guests first, so that the
 * host's pass can fuse the guests' CPU rows into its pCPU rows at each guest-mode window.
 */

#define FUSE_CACHE_SIZE 1024
#define IRQ_CACHE_SIZE 64

/* LTTng's statedump process status. */
enum {
  LTTNG_WAIT_CPU = 2,
  LTTNG_WAIT = 5,
  LTTNG_RUN = 6,
};

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
  gint64     vm_uid;
  gboolean   has_uid;
  GPtrArray *windows;       /* GArray of Window, by vCPU id, in host time */
  GArray    *vcpu_rows;     /* gint, by vCPU id; -1 none */
} Vm;

typedef struct
{
  gint64 seq, ack, flags, check;
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

static guint
vmsync_hash (gconstpointer p)
{
  const VmsyncPair *pair = p;

  /* Unsigned: damaged values overflow a signed product. */
  return (guint) ((guint64) pair->uid * 2654435761u) ^ (guint) ((guint64) pair->cnt * 40503u) ^
         (guint) pair->gh;
}

static gboolean
vmsync_equal (gconstpointer a,
              gconstpointer b)
{
  const VmsyncPair *pa = a, *pb = b;

  return pa->uid == pb->uid && pa->cnt == pb->cnt && pa->gh == pb->gh;
}

typedef struct
{
  gint32  tid;
  gint32  pid;
  gint32  ppid;
  gint32  vtid;             /* in its innermost PID namespace; -1 unknown */
  gint32  vpid;
  gint64  ns_inum;          /* that namespace's inode number; 0 unknown */
  guint32 name;
  gint32  cpu;              /* the CPU it runs on, -1 */
  gint32  vm;               /* index in vms when a vCPU thread, else -1 */
  gint32  vcpu;
  gint    row;              /* thread row, -1 until needed */
  guint8  in_syscall;
  guint8  in_guest;
  guint8  state;            /* thread row state */
  gboolean preempted;
  gint64  preempt_start;
  gint32  preempt_cpu;
  /* Description ids already interned for this thread, by state (+1; 0: not yet), valid while
   * the thread keeps the name they were made with: most changes then need no hashing. */
  guint32 ids_name;
  guint32 thread_ids[STRATA_STATE_N];
  guint32 cpu_ids[STRATA_STATE_N];
  guint32 vcpu_ids[STRATA_STATE_N];
} Thread;

typedef struct
{
  gint32  tid;              /* current thread, -1 unknown */
  guint16 irq_depth;
  guint16 softirq_depth;
  gint    row;              /* MACHINE/cpu/N */
  gint    pcpu_row;         /* the host's fused pcpu/N, or -1 */
  gboolean in_guest;
  guint32 idle_name;        /* "swapper/N" */
  gint64  window_start;     /* a guest's CPU: the host guest-mode window its last event fell */
  gint64  window_end;       /* in, empty at first */
  guint32 idle_ids[STRATA_STATE_N]; /* as Thread's cpu_ids, for the idle thread */
} Cpu;

typedef struct
{
  gint    row;
  guint32 active;
  /* the description written last, and its id: IRQs of one line repeat it */
  guint8  last_state;
  gint32  last_tid;
  guint32 last_name;
  guint32 last_id;
} IrqRow;

typedef struct _Analysis Analysis;

typedef struct
{
  Analysis         *a;
  guint             index;
  StrataMachine    *machine;
  GHashTable       *threads;       /* tid -> Thread* */
  Thread           *thread_cache[1024]; /* by tid % 1024: most lookups are recent threads */
  GArray           *cpus;          /* Cpu */
  GHashTable       *irqs;          /* irq -> IrqRow* */
  GHashTable       *softirqs;
  IrqRow           *irq_cache[IRQ_CACHE_SIZE];      /* the same rows, by small line numbers */
  IrqRow           *softirq_cache[IRQ_CACHE_SIZE];
  char             *prefix;        /* "name/" */
  gboolean          primary;
  gboolean          mapped;        /* times go through the sync transform */
  gint64            safe_lo;       /* own times that surely map inside the time range */
  gint64            safe_hi;
  /* scan */
  Vm               *scan_vm;       /* the VM found last, and its index */
  guint             scan_vm_index;
  GHashTable       *vcpu_of;       /* tid -> (vm index << 16 | vcpu) + 1, on a host */
  GHashTable       *net_send;      /* NetKey -> gint64 ns */
  GHashTable       *net_recv;
  gint64            vm_uid;
  gint64            vm_uid_ts;
  gboolean          has_uid;
  Vm               *vm;            /* a guest's VM on its host, or NULL */
  GArray           *guest_cursor;  /* guint per vCPU: window cursor for outside-mode checks */
  /* model pass: each model writes its own builder (and preemptions) so that models run on
   * several threads; they become one store afterwards */
  StrataStoreBuilder *b;
  GArray           *preemptions;   /* StrataPreemption */
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
  GCancellable       *cancellable;
};

static guint
net_key_hash (gconstpointer p)
{
  const NetKey *k = p;

  /* Unsigned: damaged values overflow a signed product. */
  return (guint) ((guint64) k->seq * 2654435761u) ^ (guint) ((guint64) k->ack * 40503u) ^
         (guint) k->flags ^ (guint) ((guint64) k->check << 7);
}

static gboolean
net_key_equal (gconstpointer a,
               gconstpointer b)
{
  return memcmp (a, b, sizeof (NetKey)) == 0;
}

const char *
strata_role_to_string (StrataRole role)
{
  switch (role)
    {
    case STRATA_ROLE_HOST: return "host";
    case STRATA_ROLE_GUEST: return "guest";
    case STRATA_ROLE_STANDALONE:
    default: return "standalone";
    }
}

const char *
strata_sync_method_to_string (StrataSyncMethod method)
{
  switch (method)
    {
    case STRATA_SYNC_METHOD_VMSYNC: return "vmsync";
    case STRATA_SYNC_METHOD_TCP: return "tcp";
    case STRATA_SYNC_METHOD_MANUAL: return "manual";
    case STRATA_SYNC_METHOD_NONE:
    default: return "none";
    }
}

gboolean
strata_vm_map_parse (const char   *text,
                     StrataVmMap  *map,
                     GError      **error)
{
  const char *eq = strrchr (text, '=');
  char *end = NULL;
  gint64 pid;

  if (eq == NULL || eq == text || eq[1] == '\0')
    goto bad;
  pid = g_ascii_strtoll (eq + 1, &end, 10);
  if (*end != '\0' || pid <= 0)
    goto bad;
  map->guest = g_strndup (text, eq - text);
  map->host_pid = pid;
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("Invalid map “%s”: use GUEST=HOST_PID, e.g. server1=2000"), text);
  return FALSE;
}

static void
machine_free (gpointer data)
{
  StrataMachine *m = data;

  g_free (m->name);
  g_array_unref (m->vcpus);
  g_array_unref (m->threads);
  g_free (m);
}

static StrataMachine *
machine_new (const char *name)
{
  StrataMachine *m = g_new0 (StrataMachine, 1);

  m->name = g_strdup (name);
  m->parent = -1;
  m->vm_pid = -1;
  m->vcpus = g_array_new (FALSE, FALSE, sizeof (StrataVcpu));
  m->threads = g_array_new (FALSE, FALSE, sizeof (StrataThreadInfo));
  m->sync_reference = -1;
  strata_sync_result_init_identity (&m->sync);
  return m;
}

static void
vm_free (gpointer data)
{
  Vm *vm = data;

  g_ptr_array_unref (vm->windows);
  g_array_unref (vm->vcpu_rows);
  g_free (vm);
}

static void
thread_free (gpointer data)
{
  Thread *t = data;

  g_free (t);
}

static void
model_free (gpointer data)
{
  Model *model = data;

  if (model == NULL)
    return;
  g_hash_table_unref (model->threads);
  g_array_unref (model->cpus);
  g_hash_table_unref (model->irqs);
  g_hash_table_unref (model->softirqs);
  g_hash_table_unref (model->vcpu_of);
  g_hash_table_unref (model->net_send);
  g_hash_table_unref (model->net_recv);
  strata_store_builder_free (model->b);
  g_array_unref (model->preemptions);
  g_clear_pointer (&model->guest_cursor, g_array_unref);
  g_free (model->prefix);
  g_free (model);
}

static Model *
model_new (Analysis *a,
           guint     index)
{
  Model *model = g_new0 (Model, 1);

  model->a = a;
  model->index = index;
  model->machine = g_ptr_array_index (a->pub->machines, index);
  model->threads = g_hash_table_new_full (NULL, NULL, NULL, thread_free);
  model->cpus = g_array_new (FALSE, TRUE, sizeof (Cpu));
  model->irqs = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  model->softirqs = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  model->vcpu_of = g_hash_table_new (NULL, NULL);
  model->net_send = g_hash_table_new_full (net_key_hash, net_key_equal, g_free, g_free);
  model->net_recv = g_hash_table_new_full (net_key_hash, net_key_equal, g_free, g_free);
  model->prefix = g_strdup_printf ("%s/", model->machine->name);
  model->b = strata_store_builder_new ();
  model->preemptions = g_array_new (FALSE, FALSE, sizeof (StrataPreemption));
  return model;
}

/* llround(), inline; exact for |x| < 2^62, which the callers guarantee. */
static inline gint64
round_half_away (double x)
{
  gint64 t = (gint64) x;
  double f = x - (double) t;

  return t + (f >= 0.5) - (f <= -0.5);
}

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

/* ---- pass 1: scan ---- */

/* The VM of qemu process @pid on @model's machine, and its index in a->vms. Machines are
 * scanned on several threads: the list is shared, a VM's fields belong to its host's. */
static Vm *
get_vm (Model  *model,
        gint64  pid,
        guint  *index)
{
  Analysis *a = model->a;
  Vm *vm = NULL;
  guint i;

  if (model->scan_vm != NULL && model->scan_vm->pid == pid)
    {
      *index = model->scan_vm_index;
      return model->scan_vm;
    }
  g_mutex_lock (&a->vms_lock);
  for (i = 0; i < a->vms->len; i++)
    {
      vm = g_ptr_array_index (a->vms, i);
      if (vm->host == model->index && vm->pid == pid)
        break;
    }
  if (i == a->vms->len)
    {
      vm = g_new0 (Vm, 1);
      vm->host = model->index;
      vm->pid = pid;
      vm->machine = G_MAXUINT;
      vm->windows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
      vm->vcpu_rows = g_array_new (FALSE, FALSE, sizeof (gint));
      g_ptr_array_add (a->vms, vm);
    }
  g_mutex_unlock (&a->vms_lock);
  model->scan_vm = vm;
  model->scan_vm_index = *index = i;
  return vm;
}

static GArray *
vm_windows (Vm    *vm,
            gint32 vcpu)
{
  while (vm->windows->len <= (guint) vcpu)
    g_ptr_array_add (vm->windows, g_array_new (FALSE, FALSE, sizeof (Window)));
  return g_ptr_array_index (vm->windows, vcpu);
}

static void
vmsync_record (Analysis *a,
               gint64    uid,
               gint64    cnt,
               gboolean  gh,
               gboolean  host,
               gint64    ts)
{
  VmsyncPair key = { uid, cnt, gh != FALSE };
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&a->vms_lock);
  VmsyncPair *pair = g_hash_table_lookup (a->vmsync, &key);

  if (pair == NULL)
    {
      pair = g_memdup2 (&key, sizeof key);
      g_hash_table_add (a->vmsync, pair);
    }
  /* The first of repeated messages, whatever order the scan meets them in. */
  if (host && (!pair->has_host || ts < pair->host_ns))
    {
      pair->host_ns = ts;
      pair->has_host = TRUE;
    }
  else if (!host && (!pair->has_guest || ts < pair->guest_ns))
    {
      pair->guest_ns = ts;
      pair->has_guest = TRUE;
    }
}

static void
ensure_cpus (Model *model,
             guint  n)
{
  guint old = model->cpus->len;

  if (n <= old)
    return;
  g_array_set_size (model->cpus, n);
  for (guint i = old; i < n; i++)
    {
      Cpu *c = &g_array_index (model->cpus, Cpu, i);

      c->tid = -1;
      c->row = -1;
      c->pcpu_row = -1;
    }
}

/* Guest-side vmsync messages and TCP messages: what clock sync needs from every machine. */
static void
scan_message (Model             *model,
              const StrataEvent *e)
{
  switch (e->kind)
    {
    case STRATA_EV_VMSYNC_GH_GUEST:
    case STRATA_EV_VMSYNC_HG_GUEST:
      /* The machine's vm_uid: the last one it announced. */
      if (!model->has_uid || e->ts >= model->vm_uid_ts)
        {
          model->vm_uid = e->f[STRATA_F_VMSYNC_VM_UID];
          model->vm_uid_ts = e->ts;
          model->has_uid = TRUE;
        }
      vmsync_record (model->a, e->f[STRATA_F_VMSYNC_VM_UID], e->f[STRATA_F_VMSYNC_CNT],
                     e->kind == STRATA_EV_VMSYNC_GH_GUEST, FALSE, e->ts);
      break;

    case STRATA_EV_NET_SEND:
    case STRATA_EV_NET_RECV:
      {
        NetKey key = { e->f[STRATA_F_NET_SEQ], e->f[STRATA_F_NET_ACK_SEQ],
                       e->f[STRATA_F_NET_FLAGS], e->f[STRATA_F_NET_CHECK] };
        GHashTable *table = e->kind == STRATA_EV_NET_SEND ? model->net_send : model->net_recv;
        gint64 *known = g_hash_table_lookup (table, &key);

        /* Retransmissions repeat a key: the first send and the first receive bound best. */
        if (known == NULL)
          g_hash_table_insert (table, g_memdup2 (&key, sizeof key), g_memdup2 (&e->ts, sizeof e->ts));
        else if (e->ts < *known)
          *known = e->ts;
        break;
      }

    default:
      break;
    }
}

/* What a host's scan reads: the KVM windows and each CPU's current thread, who belongs to
 * which process, and the sync messages. */
static const gboolean host_scan_kinds[STRATA_EV_N_KINDS] = {
  [STRATA_EV_SCHED_SWITCH] = TRUE, [STRATA_EV_STATEDUMP_PROCESS] = TRUE, [STRATA_EV_PROCESS_FORK] = TRUE,
  [STRATA_EV_KVM_ENTRY] = TRUE, [STRATA_EV_KVM_EXIT] = TRUE,
  [STRATA_EV_VMSYNC_GH_HOST] = TRUE, [STRATA_EV_VMSYNC_HG_HOST] = TRUE,
  [STRATA_EV_VMSYNC_GH_GUEST] = TRUE, [STRATA_EV_VMSYNC_HG_GUEST] = TRUE,
  [STRATA_EV_NET_SEND] = TRUE, [STRATA_EV_NET_RECV] = TRUE,
};


/* A machine without KVM events needs only its guest-side vmsync and its TCP messages, which
 * the scan may meet in any order: each stream on its own, without a merge, stepping over the
 * other events undecoded. FALSE when it meets a KVM or host vmsync event after all. */
static gboolean
scan_messages (Model *model)
{
  static const gboolean wanted[STRATA_EV_N_KINDS] = {
    [STRATA_EV_VMSYNC_GH_GUEST] = TRUE, [STRATA_EV_VMSYNC_HG_GUEST] = TRUE,
    [STRATA_EV_NET_SEND] = TRUE, [STRATA_EV_NET_RECV] = TRUE,
    [STRATA_EV_KVM_ENTRY] = TRUE, [STRATA_EV_VMSYNC_GH_HOST] = TRUE, [STRATA_EV_VMSYNC_HG_HOST] = TRUE,
  };
  StrataTrace *trace = model->machine->trace;

  for (guint i = 0; i < trace->streams->len; i++)
    {
      StrataEventCursor cursor;
      StrataEvent e;

      strata_event_cursor_init (&cursor, ((StrataStream *) g_ptr_array_index (trace->streams, i))->buffer);
      while (strata_event_cursor_next_wanted (&cursor, &e, wanted))
        {
          if (!strata_time_in_range (e.ts))
            continue;
          if (e.kind == STRATA_EV_KVM_ENTRY || e.kind == STRATA_EV_VMSYNC_GH_HOST || e.kind == STRATA_EV_VMSYNC_HG_HOST)
            return FALSE;
          scan_message (model, &e);
        }
    }
  return TRUE;
}

/* ---- a host's scan, one CPU a thread ---- */

/*
 * A host's KVM windows depend only on each CPU's own events (its current thread, its entries
 * and exits), so each CPU's streams are scanned on their own, in parallel, into plain lists. What needs
 * the whole machine in time order (which process a vCPU thread belongs to, the VMs in the
 * order they appear, old vCPU numbering) is then replayed on the first entry of each run of
 * entries by one thread, a few records instead of every event.
 */

typedef struct
{
  gint64 start;
  gint64 end;
  guint  run;             /* index in the stream's runs */
} RunWindow;

typedef struct
{
  gint64 first;           /* the run's first entry */
  gint32 tid;
  gint32 vcpu_id;         /* as the event gives it, -1 without */
  Vm    *vm;              /* resolved: NULL to leave out */
  guint  vm_index;
  gint32 vcpu;
} Run;

typedef struct
{
  gint64 ts;
  gint32 tid;
  gint32 pid;
} PidEvent;

typedef struct
{
  gint32   cur;           /* the current thread, -1 unknown */
  gboolean in_guest;
  gint64   entry;
  guint    run;           /* the run of the open window */
  gint     last_run;      /* the CPU's last run, -1 none */
} CpuScan;

typedef struct
{
  Model             *model;
  GPtrArray         *buffers;   /* StrataEventBuffer*: the group's streams */
  GArray            *windows;   /* RunWindow */
  GArray            *runs;      /* Run */
  GArray            *pids;      /* PidEvent */
  GArray            *others;    /* StrataEvent: vmsync and TCP messages, for the replay */
} StreamScan;

/* One group of streams: one stream, or those that share CPUs, merged. */
static void
scan_stream (StreamScan *ss)
{
  g_autoptr(StrataEventMerge) merge = strata_event_merge_new_wanted ((StrataEventBuffer * const *) ss->buffers->pdata,
                                                                      ss->buffers->len, host_scan_kinds);
  g_autoptr(GArray) cpus = g_array_new (FALSE, FALSE, sizeof (CpuScan));
  const StrataEvent *e;
  guint64 n = 0;

  while ((e = strata_event_merge_step (merge)) != NULL)
    {
      CpuScan *c;

      if (G_UNLIKELY ((++n & 0xffff) == 0) && g_cancellable_is_cancelled (ss->model->a->cancellable))
        break;
      if (e->cpu >= 4096 || !strata_time_in_range (e->ts))
        continue;
      while (cpus->len <= e->cpu)
        g_array_append_val (cpus, ((CpuScan) { -1, FALSE, 0, 0, -1 }));
      c = &g_array_index (cpus, CpuScan, e->cpu);
      switch (e->kind)
        {
        case STRATA_EV_SCHED_SWITCH:
        case STRATA_EV_KVM_EXIT:
        case STRATA_EV_KVM_ENTRY:
          if (e->kind == STRATA_EV_KVM_ENTRY &&
              (c->cur <= 0 || e->f[STRATA_F_KVM_VCPU_ID] > 0xfff))
            break;
          if (c->in_guest)
            {
              RunWindow w = { c->entry, e->ts, c->run };

              g_array_append_val (ss->windows, w);
              c->in_guest = FALSE;
            }
          if (e->kind == STRATA_EV_SCHED_SWITCH)
            c->cur = e->f[STRATA_F_SWITCH_NEXT_TID];
          else if (e->kind == STRATA_EV_KVM_ENTRY)
            {
              Run *last = c->last_run >= 0 ? &g_array_index (ss->runs, Run, c->last_run) : NULL;

              if (last == NULL || last->tid != c->cur || last->vcpu_id != e->f[STRATA_F_KVM_VCPU_ID])
                {
                  Run run = { e->ts, c->cur, e->f[STRATA_F_KVM_VCPU_ID], NULL, 0, -1 };

                  g_array_append_val (ss->runs, run);
                  c->last_run = ss->runs->len - 1;
                }
              c->in_guest = TRUE;
              c->entry = e->ts;
              c->run = c->last_run;
            }
          break;

        case STRATA_EV_STATEDUMP_PROCESS:
        case STRATA_EV_PROCESS_FORK:
          {
            gboolean dump = e->kind == STRATA_EV_STATEDUMP_PROCESS;
            PidEvent pe = { e->ts, e->f[dump ? STRATA_F_SD_TID : STRATA_F_FORK_CHILD_TID],
                            e->f[dump ? STRATA_F_SD_PID : STRATA_F_FORK_CHILD_PID] };

            g_array_append_val (ss->pids, pe);
            break;
          }

        case STRATA_EV_VMSYNC_GH_HOST:
        case STRATA_EV_VMSYNC_HG_HOST:
          if (c->cur <= 0)
            break;
          /* The thread it came from, for the replay. */
          g_array_append_val (ss->others, *e);
          g_array_index (ss->others, StrataEvent, ss->others->len - 1).reserved = (guint32) c->cur;
          break;

        default:
          g_array_append_val (ss->others, *e);
          break;
        }
    }
  for (guint i = 0; i < cpus->len; i++)
    {
      CpuScan *c = &g_array_index (cpus, CpuScan, i);
      RunWindow w = { c->entry, strata_time_clamp (ss->model->machine->trace->end_ns) + 1, c->run };

      if (c->in_guest)
        g_array_append_val (ss->windows, w);
    }
}

typedef struct
{
  StreamScan *scans;
  guint       n;
  gint        next;
} StreamJobs;

static gpointer
stream_worker (gpointer data)
{
  StreamJobs *jobs = data;
  gint i;

  while ((i = g_atomic_int_add (&jobs->next, 1)) < (gint) jobs->n)
    scan_stream (&jobs->scans[i]);
  return NULL;
}

typedef struct
{
  gint64  ts;
  guint   kind;           /* 0: a run's first entry, 1: a pid, 2: another message */
  guint   stream;
  guint   index;
} Replay;

static int
compare_replay (gconstpointer a,
                gconstpointer b)
{
  const Replay *ra = a, *rb = b;

  if (ra->ts != rb->ts)
    return ra->ts < rb->ts ? -1 : 1;
  if (ra->stream != rb->stream)
    return ra->stream < rb->stream ? -1 : 1;
  return ra->index < rb->index ? -1 : ra->index > rb->index;
}

static inline gboolean
window_before (const Window *a,
               const Window *b)
{
  return a->end < b->end || (a->end == b->end && a->start < b->start);
}

/* Sorts @windows by end: they come as one sorted run per stream, so merging neighbouring runs
 * until one is left costs a pass per doubling, not a full sort. */
static void
sort_windows (GArray *windows)
{
  guint n = windows->len;
  g_autofree Window *tmp = NULL;
  Window *src = (Window *) windows->data, *dst;
  gboolean sorted = FALSE;

  if (n < 2)
    return;
  tmp = g_new (Window, n);
  dst = tmp;
  while (!sorted)
    {
      guint i = 0, out = 0, runs = 0;

      while (i < n)
        {
          guint mid = i + 1, end;

          while (mid < n && !window_before (&src[mid], &src[mid - 1]))
            mid++;
          end = mid;
          if (end < n)
            {
              end++;
              while (end < n && !window_before (&src[end], &src[end - 1]))
                end++;
            }
          /* Merge [i, mid) and [mid, end). */
          for (guint l = i, r = mid; l < mid || r < end;)
            dst[out++] = r >= end || (l < mid && !window_before (&src[r], &src[l])) ? src[l++] : src[r++];
          runs++;
          i = end;
        }
      sorted = runs == 1;
      {
        Window *swap = src;

        src = dst;
        dst = swap;
      }
    }
  if (src != (Window *) windows->data)
    memcpy (windows->data, src, n * sizeof (Window));
}

/* The pid of @tid: the last one given at or before @ts, else the first one given after (a
 * state dump may come after a thread's first entries), else the thread itself. */
static gint32
pid_at (GHashTable *pids,
        gint32      tid,
        gint64      ts)
{
  GArray *events = g_hash_table_lookup (pids, GINT_TO_POINTER (tid));
  gint32 pid = tid;

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      const PidEvent *pe = &g_array_index (events, PidEvent, i);

      if (i > 0 && pe->ts > ts)
        break;
      pid = pe->pid;
    }
  return pid;
}

static void
scan_host (Model *model)
{
  StrataTrace *trace = model->machine->trace;
  guint n = 0;
  g_autofree StreamScan *scans = g_new0 (StreamScan, MAX (trace->streams->len, 1));
  g_autoptr(GArray) replay = NULL;
  g_autoptr(GHashTable) group_of = g_hash_table_new (NULL, NULL);   /* cpu + 1 -> group + 1 */
  g_autoptr(GHashTable) pids = NULL;
  g_autoptr(GPtrArray) vms = g_ptr_array_new ();   /* the VMs met, once each */
  gboolean known_cpus = TRUE;
  StreamJobs jobs;

  /* A group a CPU: streams of one CPU (several channels) are merged; streams that do not
   * say their CPU may hold any, so then the whole trace is one group. */
  for (guint s = 0; s < trace->streams->len; s++)
    known_cpus &= ((StrataStream *) g_ptr_array_index (trace->streams, s))->cpu < 4096;
  for (guint s = 0; s < trace->streams->len; s++)
    {
      const StrataStream *stream = g_ptr_array_index (trace->streams, s);
      gpointer key = GUINT_TO_POINTER (known_cpus ? stream->cpu + 1 : 1);
      guint g = GPOINTER_TO_UINT (g_hash_table_lookup (group_of, key));

      if (g == 0)
        {
          g = ++n;
          g_hash_table_insert (group_of, key, GUINT_TO_POINTER (g));
          scans[g - 1].buffers = g_ptr_array_new ();
        }
      g_ptr_array_add (scans[g - 1].buffers, stream->buffer);
    }
  for (guint s = 0; s < n; s++)
    {
      scans[s].model = model;
      scans[s].windows = g_array_new (FALSE, FALSE, sizeof (RunWindow));
      scans[s].runs = g_array_new (FALSE, FALSE, sizeof (Run));
      scans[s].pids = g_array_new (FALSE, FALSE, sizeof (PidEvent));
      scans[s].others = g_array_new (FALSE, FALSE, sizeof (StrataEvent));
    }
  jobs = (StreamJobs) { scans, n, 0 };
  strata_parallel_run ("strata-scan", n, stream_worker, &jobs);

  /* Replay, in time order, what depends on the whole machine. */
  replay = g_array_new (FALSE, FALSE, sizeof (Replay));
  pids = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  for (guint s = 0; s < n; s++)
    {
      for (guint i = 0; i < scans[s].runs->len; i++)
        g_array_append_val (replay, ((Replay) { g_array_index (scans[s].runs, Run, i).first, 0, s, i }));
      for (guint i = 0; i < scans[s].pids->len; i++)
        g_array_append_val (replay, ((Replay) { g_array_index (scans[s].pids, PidEvent, i).ts, 1, s, i }));
      for (guint i = 0; i < scans[s].others->len; i++)
        g_array_append_val (replay, ((Replay) { g_array_index (scans[s].others, StrataEvent, i).ts, 2, s, i }));
    }
  g_array_sort (replay, compare_replay);
  /* Every thread's pids first, in time order, so that pid_at() can look ahead. */
  for (guint i = 0; i < replay->len; i++)
    {
      const Replay *r = &g_array_index (replay, Replay, i);
      const PidEvent *pe;
      GArray *events;

      if (r->kind != 1)
        continue;
      pe = &g_array_index (scans[r->stream].pids, PidEvent, r->index);
      events = g_hash_table_lookup (pids, GINT_TO_POINTER (pe->tid));
      if (events == NULL)
        {
          events = g_array_new (FALSE, FALSE, sizeof (PidEvent));
          g_hash_table_insert (pids, GINT_TO_POINTER (pe->tid), events);
        }
      g_array_append_val (events, *pe);
    }
  for (guint i = 0; i < replay->len; i++)
    {
      const Replay *r = &g_array_index (replay, Replay, i);

      if (r->kind == 0)
        {
          Run *run = &g_array_index (scans[r->stream].runs, Run, r->index);
          gpointer known = g_hash_table_lookup (model->vcpu_of, GINT_TO_POINTER (run->tid));
          gint32 vcpu = run->vcpu_id;
          Vm *vm = get_vm (model, pid_at (pids, run->tid, run->first), &run->vm_index);

          if (vcpu < 0)
            {
              /* Old kvm_entry without vcpu_id: number the VM's threads as they come. */
              vcpu = known ? (GPOINTER_TO_INT (known) - 1) & 0xffff : (gint32) vm->windows->len;
            }
          if (vcpu > 0xfff)
            continue;
          if (!g_ptr_array_find (vms, vm, NULL))
            g_ptr_array_add (vms, vm);
          vm_windows (vm, vcpu);
          g_hash_table_insert (model->vcpu_of, GINT_TO_POINTER (run->tid),
                               GINT_TO_POINTER (((run->vm_index << 16) | vcpu) + 1));
          run->vm = vm;
          run->vcpu = vcpu;
        }
      else if (r->kind == 2)
        {
          const StrataEvent *e = &g_array_index (scans[r->stream].others, StrataEvent, r->index);

          if (e->kind == STRATA_EV_VMSYNC_GH_HOST || e->kind == STRATA_EV_VMSYNC_HG_HOST)
            {
              guint vm_index;
              Vm *vm = get_vm (model, pid_at (pids, (gint32) e->reserved, e->ts), &vm_index);

              vm->vm_uid = e->f[STRATA_F_VMSYNC_VM_UID];
              vm->has_uid = TRUE;
              vmsync_record (model->a, e->f[STRATA_F_VMSYNC_VM_UID], e->f[STRATA_F_VMSYNC_CNT],
                             e->kind == STRATA_EV_VMSYNC_GH_HOST, TRUE, e->ts);
            }
          else
            scan_message (model, e);
        }
    }

  /* The windows, each vCPU's in time order. */
  for (guint s = 0; s < n; s++)
    {
      const RunWindow *windows = (const RunWindow *) scans[s].windows->data;
      guint len = scans[s].windows->len;

      /* A run's windows come together: one block a run. */
      for (guint i = 0, j; i < len; i = j)
        {
          const Run *run = &g_array_index (scans[s].runs, Run, windows[i].run);
          GArray *target;
          Window *out;

          for (j = i + 1; j < len && windows[j].run == windows[i].run; j++)
            ;
          if (run->vm == NULL)
            continue;
          target = vm_windows (run->vm, run->vcpu);
          g_array_set_size (target, target->len + (j - i));
          out = &g_array_index (target, Window, target->len - (j - i));
          for (guint k = i; k < j; k++)
            out[k - i] = (Window) { windows[k].start, windows[k].end };
        }
      g_ptr_array_unref (scans[s].buffers);
      g_array_unref (scans[s].windows);
      g_array_unref (scans[s].runs);
      g_array_unref (scans[s].pids);
      g_array_unref (scans[s].others);
    }
  for (guint v = 0; v < vms->len; v++)
    {
      Vm *vm = g_ptr_array_index (vms, v);

      for (guint c = 0; c < vm->windows->len; c++)
        sort_windows (g_ptr_array_index (vm->windows, c));
    }
}

static void
scan_machine (Model *model)
{
  ensure_cpus (model, model->machine->n_cpus);
  /* What scan_messages() records does not change when recorded again by scan_host(). */
  if (model->machine->trace->has_kvm || !scan_messages (model))
    scan_host (model);
}

/* ---- pass 2: kernel model ---- */

static Thread *
get_thread (Model *model,
            gint32 tid)
{
  Thread **cached = &model->thread_cache[(guint) tid % G_N_ELEMENTS (model->thread_cache)];
  Thread *t;

  if (*cached != NULL && (*cached)->tid == tid)
    return *cached;
  t = g_hash_table_lookup (model->threads, GINT_TO_POINTER (tid));
  if (t == NULL)
    {
      gpointer vcpu;

      t = g_new0 (Thread, 1);
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
      if ((vcpu = g_hash_table_lookup (model->vcpu_of, GINT_TO_POINTER (tid))) != NULL)
        {
          t->vm = (GPOINTER_TO_INT (vcpu) - 1) >> 16;
          t->vcpu = (GPOINTER_TO_INT (vcpu) - 1) & 0xffff;
        }
      g_hash_table_insert (model->threads, GINT_TO_POINTER (tid), t);
    }
  *cached = t;
  return t;
}

static guint16
vm_machine (Model  *model,
            gint32  vm)
{
  return ((Vm *) g_ptr_array_index (model->a->vms, vm))->machine;
}

static void
thread_check_ids (Thread *t)
{
  if (t->ids_name != t->name)
    {
      memset (t->thread_ids, 0, sizeof t->thread_ids);
      memset (t->cpu_ids, 0, sizeof t->cpu_ids);
      memset (t->vcpu_ids, 0, sizeof t->vcpu_ids);
      t->ids_name = t->name;
    }
}

static void
thread_set_state (Model       *model,
                  Thread      *t,
                  StrataState  state,
                  gint64       ts)
{
  StrataStateDesc d = { 0 };

  if (t->tid <= 0 || (t->state == state && t->row >= 0))
    {
      t->state = state;
      return;
    }
  t->state = state;
  if (t->row < 0)
    {
      g_autofree char *name = g_strdup_printf ("%sthread/%d", model->prefix, t->tid);

      t->row = strata_store_builder_add_row (model->b, name, STRATA_ROW_THREAD,
                                             model->index, t->tid);
    }
  thread_check_ids (t);
  if (t->thread_ids[state] == 0)
    {
      d.state = state;
      d.machine = model->index;
      d.vcpu = t->vcpu >= 0 ? t->vcpu : -1;
      d.tid = t->tid;
      d.comm = t->name;
      d.host_tid = -1;
      t->thread_ids[state] = strata_store_builder_intern (model->b, &d) + 1;
    }
  strata_store_builder_set_id_fast (model->b, t->row, ts, t->thread_ids[state] - 1);
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

static StrataStateDesc
cpu_desc (Model *model,
          Cpu   *c)
{
  StrataStateDesc d = { 0 };
  Thread *t = c->tid > 0 ? get_thread (model, c->tid) : NULL;

  d.machine = model->index;
  d.vcpu = -1;
  d.tid = c->tid;
  d.host_tid = -1;
  if (t != NULL)
    d.comm = t->name;
  else if (c->tid == 0)
    d.comm = c->idle_name;
  if (c->irq_depth > 0)
    d.state = STRATA_STATE_IRQ;
  else if (c->softirq_depth > 0)
    d.state = STRATA_STATE_SOFTIRQ;
  else if (c->tid == 0)
    d.state = STRATA_STATE_IDLE;
  else if (c->tid < 0)
    d.state = STRATA_STATE_UNKNOWN;
  else if (t->in_guest && t->vm >= 0)
    {
      d.state = STRATA_STATE_GUEST;
      d.machine = vm_machine (model, t->vm);
      d.vcpu = t->vcpu;
    }
  else
    d.state = t->in_syscall ? STRATA_STATE_SYSCALL : STRATA_STATE_USER;
  return d;
}

static gint
vcpu_row (Model  *model,
          Thread *t)
{
  Vm *vm = g_ptr_array_index (model->a->vms, t->vm);

  return (guint) t->vcpu < vm->vcpu_rows->len ? g_array_index (vm->vcpu_rows, gint, t->vcpu) : -1;
}

static void
vcpu_set (Model       *model,
          Thread      *t,
          StrataState  state,
          gint64       ts)
{
  gint row;

  if (t->vm < 0 || (row = vcpu_row (model, t)) < 0)
    return;
  thread_check_ids (t);
  if (t->vcpu_ids[state] == 0)
    {
      StrataStateDesc d = { 0 };

      d.state = state;
      d.machine = vm_machine (model, t->vm);
      d.vcpu = t->vcpu;
      d.tid = t->tid;
      d.comm = t->name;
      d.host_tid = t->tid;
      d.host_comm = t->name;
      t->vcpu_ids[state] = strata_store_builder_intern (model->b, &d) + 1;
    }
  strata_store_builder_set_id_fast (model->b, row, ts, t->vcpu_ids[state] - 1);
}

/* Writes the CPU's state to its row, and returns its description id. A pCPU row in guest
 * mode keeps the entry's change: fuse_guests() fills it in from the guest. */
static guint32
cpu_update (Model  *model,
            guint32 cpu,
            gint64  ts)
{
  Cpu *c = &g_array_index (model->cpus, Cpu, cpu);
  Thread *t = c->tid > 0 ? get_thread (model, c->tid) : NULL;
  guint32 *slot = NULL;
  guint32 id;
  StrataState state;

  if (c->irq_depth > 0)
    state = STRATA_STATE_IRQ;
  else if (c->softirq_depth > 0)
    state = STRATA_STATE_SOFTIRQ;
  else if (c->tid == 0)
    state = STRATA_STATE_IDLE;
  else if (c->tid < 0)
    state = STRATA_STATE_UNKNOWN;
  else if (t->in_guest && t->vm >= 0)
    state = STRATA_STATE_GUEST;
  else
    state = t->in_syscall ? STRATA_STATE_SYSCALL : STRATA_STATE_USER;

  if (t != NULL)
    {
      thread_check_ids (t);
      slot = &t->cpu_ids[state];
    }
  else if (c->tid == 0)
    slot = &c->idle_ids[state];
  if (slot != NULL && *slot != 0)
    id = *slot - 1;
  else
    {
      StrataStateDesc d = cpu_desc (model, c);

      id = strata_store_builder_intern (model->b, &d);
      if (slot != NULL)
        *slot = id + 1;
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
      ensure_cpus (model, cpu + 1);
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

static void
record_preemption_end (Model  *model,
                       Thread *t,
                       gint64  ts,
                       gint32  cpu)
{
  StrataPreemption p = { 0 };

  if (!t->preempted)
    return;
  t->preempted = FALSE;
  if (ts <= t->preempt_start)
    return;
  p.machine = vm_machine (model, t->vm);
  p.vcpu = t->vcpu;
  p.start = t->preempt_start;
  p.end = ts;
  p.pcpu = t->preempt_cpu >= 0 ? t->preempt_cpu : cpu;
  g_array_append_val (model->preemptions, p);
}

static IrqRow *
irq_row (Model      *model,
         GHashTable *table,
         gint64      number,
         gboolean    soft)
{
  IrqRow **cached = number >= 0 && number < IRQ_CACHE_SIZE ? &(soft ? model->softirq_cache : model->irq_cache)[number] : NULL;
  IrqRow *r;

  if (cached != NULL && *cached != NULL)
    return *cached;
  r = g_hash_table_lookup (table, GINT_TO_POINTER (number));
  if (r == NULL)
    {
      g_autofree char *name = g_strdup_printf ("%s%s/%" G_GINT64_FORMAT, model->prefix,
                                               soft ? "softirq" : "irq", number);

      r = g_new0 (IrqRow, 1);
      r->last_id = G_MAXUINT32;
      r->row = strata_store_builder_add_row (model->b, name,
                                             soft ? STRATA_ROW_SOFTIRQ : STRATA_ROW_IRQ,
                                             model->index, number);
      if (model->primary)
        {
          g_autofree char *alias = g_strdup_printf ("%s/%" G_GINT64_FORMAT, soft ? "softirq" : "irq", number);

          strata_store_builder_add_alias (model->b, alias, r->row);
        }
      g_hash_table_insert (table, GINT_TO_POINTER (number), r);
    }
  if (cached != NULL)
    *cached = r;
  return r;
}

static void
irq_set (Model  *model,
         IrqRow *r,
         gboolean soft,
         gboolean enter,
         gint64   ts,
         gint32   tid,
         guint32  name)
{
  StrataStateDesc d = { 0 };

  if (enter)
    r->active++;
  else if (r->active > 0)
    r->active--;
  else
    return;
  d.state = r->active > 0 ? (soft ? STRATA_STATE_SOFTIRQ : STRATA_STATE_IRQ) : STRATA_STATE_IDLE;
  d.machine = model->index;
  d.vcpu = -1;
  d.tid = r->active > 0 ? tid : -1;
  d.comm = r->active > 0 ? name : 0;
  d.host_tid = -1;
  if (r->last_id == G_MAXUINT32 || r->last_state != d.state || r->last_tid != d.tid || r->last_name != d.comm)
    {
      r->last_state = d.state;
      r->last_tid = d.tid;
      r->last_name = d.comm;
      r->last_id = strata_store_builder_intern (model->b, &d);
    }
  strata_store_builder_set_id_fast (model->b, r->row, ts, r->last_id);
}

static void
set_name (Thread  *t,
          guint32  name)
{
  if (name != 0)
    t->name = name;
}

/* The outside-guest-mode check: is @ts inside a window of the guest's vCPU @cpu? */
static gboolean
in_guest_mode (Model  *model,
               Cpu    *c,
               guint32 cpu,
               gint64  ts)
{
  const Window *w, *end;
  GArray *windows;
  guint *cursor;

  /* Most events fall in the window the CPU's last one fell in. */
  if (ts >= c->window_start && ts < c->window_end)
    return TRUE;
  if (model->vm == NULL || cpu >= model->vm->windows->len)
    return FALSE;
  windows = g_ptr_array_index (model->vm->windows, cpu);
  if (windows->len == 0)
    return FALSE;
  if (G_UNLIKELY (model->guest_cursor->len <= cpu))
    g_array_set_size (model->guest_cursor, cpu + 1);
  cursor = &g_array_index (model->guest_cursor, guint, cpu);
  w = &g_array_index (windows, Window, 0) + *cursor;
  end = &g_array_index (windows, Window, 0) + windows->len;
  while (w < end && w->end <= ts)
    w++;
  *cursor = w - &g_array_index (windows, Window, 0);
  if (w < end && w->start <= ts)
    {
      c->window_start = w->start;
      c->window_end = w->end;
      return TRUE;
    }
  return FALSE;
}

/* Rows stop where their trace stops, not at the end of the longest trace of the set. */
static void
end_rows (Model  *model,
          gint64  end)
{
  StrataStoreBuilder *b = model->b;
  StrataStateDesc gap = { 0 };
  GHashTableIter iter;
  gpointer value;
  guint32 id;

  gap.state = STRATA_STATE_UNKNOWN;
  gap.machine = STRATA_NO_MACHINE;
  gap.vcpu = gap.tid = gap.host_tid = -1;
  id = strata_store_builder_intern (b, &gap);
  for (guint c = 0; c < model->cpus->len; c++)
    {
      Cpu *cpu = &g_array_index (model->cpus, Cpu, c);

      if (cpu->row >= 0)
        strata_store_builder_set_id_fast (b, cpu->row, end, id);
      if (cpu->pcpu_row >= 0)
        strata_store_builder_set_id_fast (b, cpu->pcpu_row, end, id);
    }
  g_hash_table_iter_init (&iter, model->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Thread *t = value;

      if (t->row >= 0)
        strata_store_builder_set_id_fast (b, t->row, end, id);
      if (t->vm >= 0 && vcpu_row (model, t) >= 0)
        strata_store_builder_set_id_fast (b, vcpu_row (model, t), end, id);
    }
  for (guint k = 0; k < 2; k++)
    {
      g_hash_table_iter_init (&iter, k == 0 ? model->irqs : model->softirqs);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        strata_store_builder_set_id_fast (b, ((IrqRow *) value)->row, end, id);
    }
}

static void
run_model (Model *model)
{
  Analysis *a = model->a;
  StrataStrtab *strings = a->pub->set->strings;
  g_autoptr(StrataEventMerge) merge = strata_trace_merge (model->machine->trace);
  const StrataEvent *e;
  guint64 n = 0;

  if (model->vm != NULL)
    model->guest_cursor = g_array_new (FALSE, TRUE, sizeof (guint));

  while ((e = strata_event_merge_step (merge)) != NULL)
    {
      Cpu *c;
      Thread *t;
      gint64 ts;

      if (G_UNLIKELY ((++n & 0xffff) == 0) && g_cancellable_is_cancelled (a->cancellable))
        return;

      /* The decoder leaves out times outside the range; a set made otherwise may not. */
      if (!strata_time_in_range (e->ts) || (c = model_cpu (model, e->cpu)) == NULL)
        continue;
      ts = to_host (model, e->ts);
      if (model->vm != NULL && !in_guest_mode (model, c, e->cpu, ts))
        model->machine->outside_guest_mode++;

      switch (e->kind)
        {
        case STRATA_EV_SCHED_SWITCH:
          {
            gint32 prev = e->f[STRATA_F_SWITCH_PREV_TID];
            gint32 next = e->f[STRATA_F_SWITCH_NEXT_TID];
            gboolean runnable = strata_prev_state_is_runnable (e->f[STRATA_F_SWITCH_PREV_STATE]);

            if (c->in_guest)
              exit_guest (model, e->cpu, ts);
            if (prev > 0)
              {
                t = get_thread (model, prev);
                set_name (t, e->f[STRATA_F_SWITCH_PREV_COMM]);
                t->cpu = -1;
                thread_set_state (model, t, runnable ? STRATA_STATE_WAIT_CPU : STRATA_STATE_BLOCKED, ts);
                if (t->vm >= 0)
                  {
                    if (runnable)
                      {
                        t->preempted = TRUE;
                        t->preempt_start = ts;
                        t->preempt_cpu = e->cpu;
                      }
                    vcpu_set (model, t, runnable ? STRATA_STATE_PREEMPTED : STRATA_STATE_BLOCKED, ts);
                  }
              }
            c->tid = next;
            if (next > 0)
              {
                t = get_thread (model, next);
                set_name (t, e->f[STRATA_F_SWITCH_NEXT_COMM]);
                t->cpu = e->cpu;
                thread_set_state (model, t, running_state (model, t), ts);
                if (t->vm >= 0)
                  {
                    record_preemption_end (model, t, ts, e->cpu);
                    vcpu_set (model, t, STRATA_STATE_HYPERVISOR, ts);
                  }
              }
            cpu_update (model, e->cpu, ts);
            break;
          }

        case STRATA_EV_SCHED_WAKEUP:
        case STRATA_EV_SCHED_WAKEUP_NEW:
        case STRATA_EV_SCHED_WAKING:
          {
            gint32 tid = e->f[STRATA_F_WAKEUP_TID];

            if (tid <= 0)
              break;
            t = get_thread (model, tid);
            set_name (t, e->f[STRATA_F_WAKEUP_COMM]);
            if (t->cpu >= 0 || t->state == STRATA_STATE_WAIT_CPU)
              break;
            thread_set_state (model, t, STRATA_STATE_WAIT_CPU, ts);
            if (t->vm >= 0 && !t->preempted)
              {
                /* Woken and waiting for a pCPU: preempted, where it will run decides the pCPU. */
                t->preempted = TRUE;
                t->preempt_start = ts;
                t->preempt_cpu = -1;
                vcpu_set (model, t, STRATA_STATE_PREEMPTED, ts);
              }
            break;
          }

        case STRATA_EV_PROCESS_FORK:
          {
            Thread *parent = get_thread (model, e->f[STRATA_F_FORK_PARENT_TID]);

            t = get_thread (model, e->f[STRATA_F_FORK_CHILD_TID]);
            t->pid = e->f[STRATA_F_FORK_CHILD_PID];
            t->ppid = parent->pid >= 0 ? parent->pid : e->f[STRATA_F_FORK_PARENT_PID];
            t->vtid = e->f[STRATA_F_FORK_CHILD_VTID];
            if (e->f[STRATA_F_FORK_CHILD_NS_INUM] != 0)
              t->ns_inum = e->f[STRATA_F_FORK_CHILD_NS_INUM];
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

        case STRATA_EV_PROCESS_FREE:
          t = get_thread (model, e->f[STRATA_F_EXIT_TID]);
          if (t->cpu < 0)
            thread_set_state (model, t, STRATA_STATE_UNKNOWN, ts);
          break;

        case STRATA_EV_STATEDUMP_PID_NS:
          /* Newer LTTng: one event per namespace level; the last is the innermost. */
          t = get_thread (model, e->f[STRATA_F_SDNS_TID]);
          t->vtid = e->f[STRATA_F_SDNS_VTID];
          t->ns_inum = e->f[STRATA_F_SDNS_NS_INUM];
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
                t->ns_inum = e->f[STRATA_F_SD_NS_INUM];
              }
            set_name (t, e->f[STRATA_F_SD_NAME]);
            if (t->state == STRATA_STATE_UNKNOWN && t->cpu < 0)
              {
                if (status == LTTNG_WAIT)
                  thread_set_state (model, t, STRATA_STATE_BLOCKED, ts);
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
            IrqRow *r = irq_row (model, soft ? model->softirqs : model->irqs, e->f[0], soft);

            if (enter)
              (*depth)++;
            else if (*depth > 0)
              (*depth)--;
            irq_set (model, r, soft, enter, ts, c->tid,
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
          t->in_syscall = e->kind == STRATA_EV_SYSCALL_ENTRY;
          if (t->cpu == (gint32) e->cpu)
            thread_set_state (model, t, running_state (model, t), ts);
          cpu_update (model, e->cpu, ts);
          break;

        case STRATA_EV_KVM_ENTRY:
          if (c->tid <= 0)
            break;
          t = get_thread (model, c->tid);
          if (t->vm < 0)
            break;
          if (c->in_guest)
            exit_guest (model, e->cpu, ts);
          c->in_guest = TRUE;
          t->in_guest = TRUE;
          {
            guint32 id = cpu_update (model, e->cpu, ts);

            if (c->pcpu_row >= 0)
              strata_store_builder_set_id_fast (model->b, c->pcpu_row, ts, id);
          }
          vcpu_set (model, t, STRATA_STATE_RUNNING, ts);
          break;

        case STRATA_EV_KVM_EXIT:
          if (!c->in_guest)
            break;
          exit_guest (model, e->cpu, ts);
          cpu_update (model, e->cpu, ts);
          break;

        default:
          break;
        }
    }

  for (guint cpu = 0; cpu < model->cpus->len; cpu++)
    if (g_array_index (model->cpus, Cpu, cpu).in_guest)
      exit_guest (model, cpu, to_host (model, strata_time_clamp (model->machine->trace->end_ns)));
  end_rows (model, to_host (model, strata_time_clamp (model->machine->trace->end_ns)) + 1);
}

/* ---- fusion ---- */

typedef struct
{
  guint32 host_id;
  guint32 guest_id;
  guint32 fused;
} FuseSlot;

/* The fused description of a pCPU in guest mode (@host: the host's view, state guest) while
 * the guest's CPU row holds @guest_id (G_MAXUINT32: not traced). */
static guint32
fused_id (StrataStoreBuilder    *hb,
          guint32                host_id,
          const StrataStateDesc *host,
          StrataStoreBuilder    *gb,
          guint32                guest_id,
          FuseSlot              *cache)
{
  FuseSlot *slot = &cache[(host_id * 31u + guest_id) % FUSE_CACHE_SIZE];
  StrataStateDesc d = *host;

  if (slot->host_id == host_id && slot->guest_id == guest_id)
    return slot->fused;
  d.host_tid = host->tid;
  d.host_comm = host->comm;
  if (guest_id != G_MAXUINT32)
    {
      const StrataStateDesc *gd = strata_store_builder_desc (gb, guest_id);

      if (gd->state != STRATA_STATE_UNKNOWN)
        {
          d.state = gd->state;
          d.tid = gd->tid;
          d.comm = gd->comm;
        }
    }
  slot->host_id = host_id;
  slot->guest_id = guest_id;
  slot->fused = strata_store_builder_intern (hb, &d);
  return slot->fused;
}

/* Index of the last change of @view at or before @ts, or -1; searched forward from @hint
 * (the answer for an earlier time) when it can be. */
static gint64
find_from (const StrataRowView *view,
           gint64               ts,
           gint64              *hint)
{
  gint64 len = view->n;
  gint64 lo = *hint, step = 1, hi;

  if (lo < 0 || lo >= len || strata_row_view_ts (view, lo) > ts)
    {
      lo = -1;
      hi = len;
    }
  else
    {
      /* Gallop: windows of one vCPU come in time order on each pCPU. */
      while (lo + step < len && strata_row_view_ts (view, lo + step) <= ts)
        {
          lo += step;
          step *= 2;
        }
      hi = MIN (lo + step, len);
    }
  while (hi - lo > 1)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (strata_row_view_ts (view, mid) <= ts)
        lo = mid;
      else
        hi = mid;
    }
  return *hint = lo;
}

typedef struct
{
  Analysis *a;
  Model    *host;
  gint64    end;
  gint64    set_end;        /* for the rows' drawing summaries */
  gint      next;
  GMutex    lock;
  GPtrArray *done;          /* per worker: its builder, then the rows it rewrote */
} FuseJob;

typedef struct
{
  StrataStoreBuilder *b;
  GArray             *host_rows;
  GArray             *rows;
} FuseResult;

/* One pCPU row: the host's view, with each guest-mode interval replaced by the changes the
 * guest's CPU made within it. Written to @out's @out_row; the host builder is only read. */
static void
fuse_row (FuseJob            *job,
          guint               row,
          StrataStoreBuilder *out,
          guint               out_row,
          FuseSlot           *cache,
          guint32            *host_map,
          gint64            **hints)
{
  Analysis *a = job->a;
  StrataStoreBuilder *hb = job->host->b;
  StrataRowView host;

  strata_store_builder_row_view (hb, row, &host);
  for (guint64 i = 0; i < host.n; i++)
    {
      guint32 id = host.ids[i];
      const StrataStateDesc *hd = strata_store_builder_desc (hb, id);
      gint64 from = strata_row_view_ts (&host, i);
      gint64 to = MIN (i + 1 < host.n ? strata_row_view_ts (&host, i + 1) : G_MAXINT64, job->end);
      StrataRowView guest;
      Model *model;
      Cpu *gc;
      gint64 j;

      if (hd->state != STRATA_STATE_GUEST)
        {
          guint32 *slot = &host_map[2 * (id % FUSE_CACHE_SIZE)];

          if (slot[0] != id)
            {
              slot[0] = id;
              slot[1] = strata_store_builder_intern (out, hd);
            }
          strata_store_builder_set_id_fast (out, out_row, from, slot[1]);
          continue;
        }
      model = hd->machine < a->models->len ? g_ptr_array_index (a->models, hd->machine) : NULL;
      gc = model != NULL && (guint) hd->vcpu < model->cpus->len ? &g_array_index (model->cpus, Cpu, hd->vcpu) : NULL;
      if (gc == NULL || gc->row < 0)
        {
          strata_store_builder_set_id_fast (out, out_row, from, fused_id (out, id, hd, NULL, G_MAXUINT32, cache));
          continue;
        }
      /* The guest's state at the entry, then its changes until the exit. */
      strata_store_builder_row_view (model->b, gc->row, &guest);
      j = find_from (&guest, from, &hints[hd->machine][hd->vcpu]);
      strata_store_builder_set_id_fast (out, out_row, from,
                                   fused_id (out, id, hd, model->b, j >= 0 ? guest.ids[j] : G_MAXUINT32, cache));
      for (j++; j < (gint64) guest.n; j++)
        {
          gint64 when = strata_row_view_ts (&guest, j);

          if (when >= to)
            break;
          strata_store_builder_set_id_fast (out, out_row, when, fused_id (out, id, hd, model->b, guest.ids[j], cache));
        }
    }
}

static gpointer
fuse_worker (gpointer data)
{
  FuseJob *job = data;
  Analysis *a = job->a;
  g_autofree FuseSlot *cache = g_new (FuseSlot, FUSE_CACHE_SIZE);
  g_autofree guint32 *host_map = g_new (guint32, 2 * FUSE_CACHE_SIZE);
  g_autofree gint64 **hints = g_new0 (gint64 *, a->models->len);
  gint cpu;

  for (guint m = 0; m < a->models->len; m++)
    {
      Model *model = g_ptr_array_index (a->models, m);

      hints[m] = g_new (gint64, MAX (model->cpus->len, 1));
      memset (hints[m], 0xff, MAX (model->cpus->len, 1) * sizeof (gint64));
    }
  while ((cpu = g_atomic_int_add (&job->next, 1)) < (gint) job->host->cpus->len)
    {
      guint row = g_array_index (job->host->cpus, Cpu, cpu).pcpu_row, out_row;
      FuseResult *result;

      if ((gint) row < 0)
        continue;
      /* A builder per row, whichever thread fuses it: the ids its descriptions get when the
       * rows come back in CPU order then do not depend on how the rows were shared out. */
      result = g_new0 (FuseResult, 1);
      result->b = strata_store_builder_new ();
      result->host_rows = g_array_new (FALSE, FALSE, sizeof (guint));
      result->rows = g_array_new (FALSE, FALSE, sizeof (guint));
      memset (cache, 0xff, FUSE_CACHE_SIZE * sizeof (FuseSlot));
      memset (host_map, 0xff, 2 * FUSE_CACHE_SIZE * sizeof (guint32));
      out_row = strata_store_builder_add_row (result->b, "", STRATA_ROW_PCPU, 0, cpu);
      fuse_row (job, row, result->b, out_row, cache, host_map, hints);
      /* The host's own row is not read again (this thread alone reads it). */
      strata_store_builder_row_clear (job->host->b, row);
      strata_store_builder_row_trim (result->b, out_row);
      strata_store_builder_summarize (result->b, out_row, job->set_end);
      g_array_append_val (result->host_rows, row);
      g_array_append_val (result->rows, out_row);
      g_mutex_lock (&job->lock);
      g_ptr_array_add (job->done, result);
      g_mutex_unlock (&job->lock);
    }
  for (guint m = 0; m < a->models->len; m++)
    g_free (hints[m]);
  return NULL;
}

static int
compare_fuse_results (gconstpointer a,
                      gconstpointer b)
{
  const FuseResult *ra = *(FuseResult **) a, *rb = *(FuseResult **) b;
  guint first_a = ra->host_rows->len ? g_array_index (ra->host_rows, guint, 0) : G_MAXUINT;
  guint first_b = rb->host_rows->len ? g_array_index (rb->host_rows, guint, 0) : G_MAXUINT;

  return first_a < first_b ? -1 : first_a > first_b;
}

/* After every model ran (each on its own), the host's pCPU rows take in the guests' CPU rows,
 * one pCPU row a thread: the builders are only read, each thread writes one of its own. */
static void
fuse_guests (Analysis *a,
             Model    *host,
             gint64    set_end)
{
  FuseJob job = { a, host, to_host (host, strata_time_clamp (host->machine->trace->end_ns)), set_end, 0 };

  g_mutex_init (&job.lock);
  job.done = g_ptr_array_new ();
  strata_parallel_run ("strata-fuse", host->cpus->len, fuse_worker, &job);
  /* In CPU order, so that description ids do not depend on timing. */
  g_ptr_array_sort (job.done, compare_fuse_results);
  for (guint i = 0; i < job.done->len; i++)
    {
      FuseResult *result = g_ptr_array_index (job.done, i);

      strata_store_builder_move_rows (host->b, (guint *) result->host_rows->data, result->b,
                                      (guint *) result->rows->data, result->rows->len);
      strata_store_builder_free (result->b);
      g_array_unref (result->host_rows);
      g_array_unref (result->rows);
      g_free (result);
    }
  g_ptr_array_unref (job.done);
  g_mutex_clear (&job.lock);
}

/* ---- the model pass, on every core ---- */

static guint64
model_events (Model *model)
{
  StrataTrace *trace = model->machine->trace;
  guint64 n = 0;

  for (guint i = 0; i < trace->streams->len; i++)
    n += strata_event_buffer_count (((StrataStream *) g_ptr_array_index (trace->streams, i))->buffer);
  return n;
}

static int
compare_model_size (gconstpointer a,
                    gconstpointer b)
{
  guint64 na = model_events (*(Model **) a), nb = model_events (*(Model **) b);

  return na < nb ? 1 : na > nb ? -1 : 0;
}

/* A queue of tasks for every core: a machine's scan or model pass, or the drawing summary of
 * a row a finished model will not touch again, queued as soon as that model is done. */
typedef struct
{
  Model *model;
  gint   row;             /* -1: the machine's pass, else a row to summarize */
} Task;

typedef struct
{
  Analysis                    *a;
  const StrataAnalysisOptions *options;
  void                       (*run) (Model *model, const StrataAnalysisOptions *options);
  gboolean                     summarize;
  gint64                       end;       /* the set's end, for summaries */
  GMutex                       lock;
  GCond                        cond;
  GQueue                       tasks;     /* Task* */
  guint                        passes;    /* passes not yet done */
} Tasks;

static void
push_task (Tasks *tasks,
           Model *model,
           gint   row)
{
  Task *task = g_new (Task, 1);

  task->model = model;
  task->row = row;
  g_queue_push_tail (&tasks->tasks, task);
}

/* Rows the model pass is done with: not the pCPU rows (fusion rewrites them), and not thread
 * rows (summarized when first drawn). */
static void
push_summaries (Tasks *tasks,
                Model *model)
{
  GHashTableIter iter;
  gpointer value;

  for (guint c = 0; c < model->cpus->len; c++)
    if (g_array_index (model->cpus, Cpu, c).row >= 0)
      push_task (tasks, model, g_array_index (model->cpus, Cpu, c).row);
  for (guint v = 0; v < tasks->a->vms->len; v++)
    {
      Vm *vm = g_ptr_array_index (tasks->a->vms, v);

      if (vm->host == model->index)
        for (guint i = 0; i < vm->vcpu_rows->len; i++)
          push_task (tasks, model, g_array_index (vm->vcpu_rows, gint, i));
    }
  for (guint k = 0; k < 2; k++)
    {
      g_hash_table_iter_init (&iter, k == 0 ? model->irqs : model->softirqs);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        push_task (tasks, model, ((IrqRow *) value)->row);
    }
}

static gpointer
task_worker (gpointer data)
{
  Tasks *tasks = data;

  g_mutex_lock (&tasks->lock);
  for (;;)
    {
      Task *task = g_queue_pop_head (&tasks->tasks);

      if (task == NULL)
        {
          if (tasks->passes == 0)
            break;
          g_cond_wait (&tasks->cond, &tasks->lock);
          continue;
        }
      g_mutex_unlock (&tasks->lock);
      if (task->row < 0)
        tasks->run (task->model, tasks->options);
      else
        strata_store_builder_summarize (task->model->b, task->row, tasks->end);
      g_mutex_lock (&tasks->lock);
      if (task->row < 0)
        {
          if (tasks->summarize)
            push_summaries (tasks, task->model);
          tasks->passes--;
          g_cond_broadcast (&tasks->cond);
        }
      g_free (task);
    }
  g_mutex_unlock (&tasks->lock);
  return NULL;
}

static void
model_pass (Model                       *model,
            const StrataAnalysisOptions *options)
{
  run_model (model);
  strata_store_builder_trim (model->b);
  if (options != NULL && options->release_events)
    for (guint s = 0; s < model->machine->trace->streams->len; s++)
      {
        StrataStream *stream = g_ptr_array_index (model->machine->trace->streams, s);

        strata_event_buffer_free (stream->buffer);
        stream->buffer = strata_event_buffer_new ();
      }
}

static void
scan_pass (Model                       *model,
           const StrataAnalysisOptions *options G_GNUC_UNUSED)
{
  scan_machine (model);
}

/* Machines are scanned, and their models run, independently: one machine a thread, largest
 * first. With @summarize, the rows a model finished are summarized on whatever core is free. */
static void
run_models (Analysis                    *a,
            const StrataAnalysisOptions *options,
            void                       (*run) (Model *, const StrataAnalysisOptions *),
            gboolean                     summarize,
            gint64                       end)
{
  Tasks tasks = { a, options, run, summarize, end };
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  g_mutex_init (&tasks.lock);
  g_cond_init (&tasks.cond);
  g_queue_init (&tasks.tasks);
  for (guint m = 0; m < a->models->len; m++)
    if (g_ptr_array_index (a->models, m) != NULL)
      g_ptr_array_add (order, g_ptr_array_index (a->models, m));
  g_ptr_array_sort (order, compare_model_size);
  for (guint i = 0; i < order->len; i++)
    push_task (&tasks, g_ptr_array_index (order, i), -1);
  tasks.passes = order->len;
  strata_parallel_run ("strata-model", summarize ? 2 * order->len : order->len, task_worker, &tasks);
  g_mutex_clear (&tasks.lock);
  g_cond_clear (&tasks.cond);
}

/* The scan threads created VMs in the order they met them: put them in host order (each
 * host's in its own order), so that what follows does not depend on timing. */
static int
compare_vm_host (gconstpointer a,
                 gconstpointer b)
{
  const Vm *va = *(Vm **) a, *vb = *(Vm **) b;

  return va->host < vb->host ? -1 : va->host > vb->host;
}

static void
order_vms (Analysis *a)
{
  guint n = a->vms->len;
  g_autofree guint *new_index = g_new (guint, MAX (n, 1));
  g_autofree gpointer *old = g_memdup2 (a->vms->pdata, MAX (n, 1) * sizeof (gpointer));

  g_ptr_array_sort (a->vms, compare_vm_host);
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      if (g_ptr_array_index (a->vms, j) == old[i])
        new_index[i] = j;
  for (guint m = 0; m < a->models->len; m++)
    {
      Model *model = g_ptr_array_index (a->models, m);
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, model->vcpu_of);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          guint v = GPOINTER_TO_UINT (value) - 1;

          g_hash_table_iter_replace (&iter, GUINT_TO_POINTER (((new_index[v >> 16] << 16) | (v & 0xffff)) + 1));
        }
    }
}

/* ---- linking, sync and rows ---- */

static void
create_cpu_rows (Model *model,
                 gboolean fused)
{
  Analysis *a = model->a;

  ensure_cpus (model, model->machine->n_cpus);
  for (guint i = 0; i < model->cpus->len; i++)
    {
      Cpu *c = &g_array_index (model->cpus, Cpu, i);
      g_autofree char *name = g_strdup_printf ("%scpu/%u", model->prefix, i);
      g_autofree char *pname = g_strdup_printf ("pcpu/%u", i);
      g_autofree char *idle = g_strdup_printf ("swapper/%u", i);

      c->idle_name = strata_strtab_intern (a->pub->set->strings, idle);
      /* The host's own view of its CPUs is its fused pCPU rows: one row, not two copies. */
      if (fused)
        {
          c->pcpu_row = strata_store_builder_add_row (model->b, pname, STRATA_ROW_PCPU, model->index, i);
          strata_store_builder_add_alias (model->b, name, c->pcpu_row);
        }
      else
        {
          c->row = strata_store_builder_add_row (model->b, name, STRATA_ROW_CPU, model->index, i);
          if (model->primary)
            strata_store_builder_add_alias (model->b, pname, c->row);
        }
    }
}

static void
link_guests (Analysis                    *a,
             const StrataAnalysisOptions *options)
{
  StrataAnalysis *pub = a->pub;

  for (guint v = 0; v < a->vms->len; v++)
    {
      Vm *vm = g_ptr_array_index (a->vms, v);

      /* A VM seen only through kvm events or host vmsync: one with windows is a real VM. */
      if (vm->windows->len == 0)
        continue;
      for (guint m = 0; m < a->models->len && vm->machine == G_MAXUINT; m++)
        {
          Model *model = g_ptr_array_index (a->models, m);

          if (model == NULL || model->vm != NULL || m == vm->host)
            continue;
          for (guint i = 0; options && i < options->n_maps; i++)
            if (g_strcmp0 (options->maps[i].guest, model->machine->name) == 0 &&
                options->maps[i].host_pid == vm->pid)
              {
                vm->machine = m;
                model->machine->sync_method = STRATA_SYNC_METHOD_MANUAL;
              }
          if (vm->machine == G_MAXUINT && vm->has_uid && model->has_uid && vm->vm_uid == model->vm_uid)
            {
              vm->machine = m;
              model->machine->sync_method = STRATA_SYNC_METHOD_VMSYNC;
            }
          if (vm->machine == m)
            {
              model->vm = vm;
              model->machine->role = STRATA_ROLE_GUEST;
              model->machine->parent = vm->host;
              model->machine->vm_pid = vm->pid;
              model->machine->sync_reference = vm->host;
            }
        }
      if (vm->machine == G_MAXUINT)
        {
          StrataMachine *host = g_ptr_array_index (pub->machines, vm->host);
          g_autofree char *name = g_strdup_printf ("%s/vm-%" G_GINT64_FORMAT, host->name, vm->pid);
          StrataMachine *m = machine_new (name);

          m->role = STRATA_ROLE_GUEST;
          m->parent = vm->host;
          m->vm_pid = vm->pid;
          m->n_cpus = vm->windows->len;
          vm->machine = pub->machines->len;
          g_ptr_array_add (pub->machines, m);
        }
    }

  for (guint i = 0; options && i < options->n_maps; i++)
    if (strata_analysis_find_machine (pub, options->maps[i].guest) < 0)
      g_ptr_array_add (pub->warnings,
                       g_strdup_printf (_("--map %s=%" G_GINT64_FORMAT ": no machine named %s"),
                                        options->maps[i].guest, options->maps[i].host_pid,
                                        options->maps[i].guest));
}

static void
sync_vmsync (Analysis *a,
             Model    *guest)
{
  g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, a->vmsync);
  while (g_hash_table_iter_next (&iter, &value, NULL))
    {
      VmsyncPair *pair = value;

      if (pair->uid != guest->vm->vm_uid || !pair->has_host || !pair->has_guest)
        continue;
      if (pair->gh)
        strata_sync_hull_add_to_ref (hull, pair->guest_ns, pair->host_ns);
      else
        strata_sync_hull_add_from_ref (hull, pair->host_ns, pair->guest_ns);
    }
  strata_sync_hull_solve (hull, &guest->machine->sync);
}

static guint
sync_tcp (Model          *own,
          Model          *ref,
          StrataSyncHull *hull)
{
  GHashTableIter iter;
  gpointer key, value, other;
  guint n = 0;

  g_hash_table_iter_init (&iter, own->net_send);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if ((other = g_hash_table_lookup (ref->net_recv, key)) != NULL)
      {
        strata_sync_hull_add_to_ref (hull, *(gint64 *) value, *(gint64 *) other);
        n++;
      }
  g_hash_table_iter_init (&iter, ref->net_send);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if ((other = g_hash_table_lookup (own->net_recv, key)) != NULL)
      {
        strata_sync_hull_add_from_ref (hull, *(gint64 *) value, *(gint64 *) other);
        n++;
      }
  return n;
}

/* The map is increasing: when both ends of the trace map well inside the time range, every
 * time between them does, and to_host() can skip its checks there. */
static void
set_safe_range (Model *model)
{
  const StrataSyncResult *sync = &model->machine->sync;
  StrataTrace *trace = model->machine->trace;
  gint64 lo = strata_time_clamp (trace->begin_ns), hi = strata_time_clamp (trace->end_ns);
  const double margin = 1e15;
  gboolean safe = lo <= hi && sync->drift > -1.0;

  for (guint k = 0; k < 2 && safe; k++)
    {
      gint64 d = (k == 0 ? lo : hi) - sync->own_origin;
      double correction = sync->drift * (double) d + sync->beta_rel;
      double host = (double) sync->ref_origin + (double) d + correction;

      safe = host >= (double) STRATA_TIME_MIN + margin && host <= (double) STRATA_TIME_MAX - margin &&
             fabs (correction) < 0x1p52;
    }
  model->safe_lo = safe ? lo : 1;
  model->safe_hi = safe ? hi : 0;
}

static void
solve_clocks (Analysis *a)
{
  StrataAnalysis *pub = a->pub;
  Model *ref = pub->primary >= 0 ? g_ptr_array_index (a->models, pub->primary) : NULL;

  for (guint m = 0; m < a->models->len; m++)
    {
      Model *model = g_ptr_array_index (a->models, m);
      StrataMachine *machine;

      if (model == NULL)
        continue;
      machine = model->machine;
      if (model->vm != NULL && machine->sync_method == STRATA_SYNC_METHOD_VMSYNC)
        sync_vmsync (a, model);
      else if (model->vm == NULL && ref != NULL && model != ref)
        {
          g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();

          if (sync_tcp (model, ref, hull) > 0)
            {
              strata_sync_hull_solve (hull, &machine->sync);
              machine->sync_method = STRATA_SYNC_METHOD_TCP;
              machine->sync_reference = ref->index;
            }
        }

      if (machine->sync_method == STRATA_SYNC_METHOD_NONE || machine->sync_method == STRATA_SYNC_METHOD_MANUAL)
        continue;
      if (machine->sync.quality == STRATA_SYNC_FAIL)
        g_ptr_array_add (pub->warnings,
                         g_strdup_printf (_("%s: the clock synchronization messages contradict each other; times are not corrected"),
                                          machine->name));
      else if (machine->sync.quality != STRATA_SYNC_ABSENT)
        {
          model->mapped = TRUE;
          set_safe_range (model);
        }
    }
}

/* Threads running when tracing began are named only once they are switched out or dumped:
 * give their earlier intervals the name learned later. */
static gboolean
fixup_name (StrataStateDesc *d,
            gpointer         data)
{
  Analysis *a = data;
  Model *model;
  Thread *t;

  if (d->tid <= 0 || d->machine >= a->models->len)
    return FALSE;
  model = g_ptr_array_index (a->models, d->machine);
  if (model == NULL || (t = g_hash_table_lookup (model->threads, GINT_TO_POINTER (d->tid))) == NULL)
    return FALSE;
  if (d->comm == 0 && t->name != 0)
    {
      d->comm = t->name;
      return TRUE;
    }
  return FALSE;
}

typedef struct
{
  Analysis *a;
  gint      next;
} FixJob;

static gpointer
fix_worker (gpointer data)
{
  FixJob *job = data;
  gint m;

  while ((m = g_atomic_int_add (&job->next, 1)) < (gint) job->a->models->len)
    {
      Model *model = g_ptr_array_index (job->a->models, m);

      /* The models are done: their threads are only read. */
      strata_store_builder_fixup (model->b, fixup_name, job->a);
    }
  return NULL;
}

/* Each machine's builder on a core of its own. */
static void
fix_names (Analysis *a)
{
  FixJob job = { a, 0 };

  strata_parallel_run ("strata-names", a->models->len, fix_worker, &job);
}

static int
compare_thread_info (gconstpointer a,
                     gconstpointer b)
{
  gint32 ta = ((const StrataThreadInfo *) a)->tid;
  gint32 tb = ((const StrataThreadInfo *) b)->tid;

  /* Not ta - tb: damaged tids overflow it, and the order it gives breaks the lookup. */
  return (ta > tb) - (ta < tb);
}

const StrataThreadInfo *
strata_analysis_find_thread (StrataAnalysis *self,
                             guint           machine,
                             gint32          tid)
{
  StrataMachine *m;
  guint lo = 0, hi;

  g_return_val_if_fail (self != NULL, NULL);

  if (machine >= self->machines->len)
    return NULL;
  m = g_ptr_array_index (self->machines, machine);
  hi = m->threads->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const StrataThreadInfo *info = &g_array_index (m->threads, StrataThreadInfo, mid);

      if (info->tid == tid)
        return info;
      if (info->tid < tid)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* STRATA_TIMING=1 prints how long each phase took: for benchmarks and profiling. */
typedef struct
{
  gboolean on;
  gint64   last;
} Timing;

static void
timing_mark (Timing     *timing,
             const char *phase)
{
  gint64 now;

  if (!timing->on)
    return;
  now = g_get_monotonic_time ();
  if (phase != NULL)
    {
      g_autofree char *status = NULL;
      const char *rss, *peak;

      /* With the resident and peak memory where the system says (Linux). */
      if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
          (rss = strstr (status, "VmRSS:")) != NULL && (peak = strstr (status, "VmHWM:")) != NULL)
        g_printerr ("analysis: %-16s %8.1f ms  resident %6.0f MiB, peak %6.0f MiB\n", phase,
                    (now - timing->last) / 1000.0, g_ascii_strtod (rss + 6, NULL) / 1024,
                    g_ascii_strtod (peak + 6, NULL) / 1024);
      else
        g_printerr ("analysis: %-16s %8.1f ms\n", phase, (now - timing->last) / 1000.0);
    }
  timing->last = now;
}

static int
compare_causes (gconstpointer a,
                gconstpointer b)
{
  const StrataPreemptionCause *ca = a, *cb = b;

  return ca->ns < cb->ns ? 1 : ca->ns > cb->ns ? -1 : (ca->tid > cb->tid) - (ca->tid < cb->tid);
}

static int
compare_preemptions (gconstpointer a,
                     gconstpointer b)
{
  const StrataPreemption *pa = a, *pb = b;

  if (pa->start != pb->start)
    return pa->start < pb->start ? -1 : 1;
  if (pa->machine != pb->machine)
    return (gint) pa->machine - (gint) pb->machine;
  return (pa->vcpu > pb->vcpu) - (pa->vcpu < pb->vcpu);
}

typedef struct
{
  StrataStore    *store;
  StrataAnalysis *pub;
  guint           from;
  guint           to;
} CausesJob;

static gpointer causes_worker (gpointer data);

/* Preemptions are independent: half of them on another core. */
static void
find_causes (StrataStore *store,
             gpointer     data)
{
  StrataAnalysis *pub = data;
  guint half = g_get_num_processors () > 1 ? pub->preemptions->len / 2 : 0;
  CausesJob first = { store, pub, 0, half }, second = { store, pub, half, pub->preemptions->len };
  GThread *thread = half > 0 ? g_thread_new ("strata-causes", causes_worker, &first) : NULL;

  causes_worker (&second);
  if (thread != NULL)
    g_thread_join (thread);
}

static gpointer
causes_worker (gpointer data)
{
  CausesJob *job = data;
  StrataStore *store = job->store;
  StrataAnalysis *pub = job->pub;

  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint));   /* by pCPU, -2: not looked up */

  for (guint i = job->from; i < job->to; i++)
    {
      StrataPreemption *p = &g_array_index (pub->preemptions, StrataPreemption, i);
      gint row = -1;
      guint64 first, last;

      if (p->pcpu >= 0 && p->pcpu < 4096)
        {
          if ((guint) p->pcpu >= rows->len)
            {
              guint old = rows->len;

              g_array_set_size (rows, p->pcpu + 1);
              for (guint k = old; k < rows->len; k++)
                g_array_index (rows, gint, k) = -2;
            }
          if (g_array_index (rows, gint, p->pcpu) == -2)
            {
              g_autofree char *name = g_strdup_printf ("pcpu/%d", p->pcpu);

              g_array_index (rows, gint, p->pcpu) = strata_store_find_row (store, name);
            }
          row = g_array_index (rows, gint, p->pcpu);
        }

      p->by = g_array_new (FALSE, FALSE, sizeof (StrataPreemptionCause));
      if (row < 0)
        continue;
      strata_store_range (store, row, p->start, p->end, &first, &last);
      for (guint64 k = first; k < last; k++)
        {
          StrataInterval iv;
          gint64 ns;
          guint c;

          strata_store_interval (store, row, k, &iv);
          ns = MIN (iv.end, p->end) - MAX (iv.start, p->start);
          if (ns <= 0 || strata_state_desc_is_gap (iv.desc))
            continue;
          for (c = 0; c < p->by->len; c++)
            {
              StrataPreemptionCause *cause = &g_array_index (p->by, StrataPreemptionCause, c);

              if (cause->machine == iv.desc->machine && cause->tid == iv.desc->tid &&
                  cause->vcpu == iv.desc->vcpu)
                {
                  cause->ns += ns;
                  break;
                }
            }
          if (c == p->by->len)
            {
              StrataPreemptionCause cause = { iv.desc->machine, iv.desc->tid, iv.desc->comm,
                                              iv.desc->vcpu, ns };

              g_array_append_val (p->by, cause);
            }
        }
      g_array_sort (p->by, compare_causes);
    }
  return NULL;
}

/* Cancelled: everything made so far goes. */
static StrataAnalysis *
analysis_abort (Analysis *a)
{
  strata_store_builder_free (a->builder);
  g_ptr_array_unref (a->models);
  g_ptr_array_unref (a->vms);
  g_hash_table_unref (a->vmsync);
  g_mutex_clear (&a->strings_lock);
  g_mutex_clear (&a->vms_lock);
  strata_analysis_unref (a->pub);
  return NULL;
}

StrataAnalysis *
strata_analysis_new (StrataSet                   *set,
                     const StrataAnalysisOptions *options,
                     GError                     **error)
{
  StrataAnalysis *pub = g_new0 (StrataAnalysis, 1);
  Analysis a = { 0 };
  Timing timing = { g_getenv ("STRATA_TIMING") != NULL, 0 };
  gint64 begin = G_MAXINT64, end = G_MININT64;

  g_return_val_if_fail (set != NULL, NULL);

  g_atomic_ref_count_init (&pub->ref_count);
  pub->set = strata_set_ref (set);
  pub->machines = g_ptr_array_new_with_free_func (machine_free);
  pub->warnings = g_ptr_array_new_with_free_func (g_free);
  pub->preemptions = g_array_new (FALSE, FALSE, sizeof (StrataPreemption));
  pub->host = pub->primary = -1;

  a.pub = pub;
  a.builder = strata_store_builder_new ();
  a.models = g_ptr_array_new_with_free_func (model_free);
  a.vms = g_ptr_array_new_with_free_func (vm_free);
  a.vmsync = g_hash_table_new_full (vmsync_hash, vmsync_equal, g_free, NULL);
  a.preemptions = pub->preemptions;
  a.cancellable = options != NULL ? options->cancellable : NULL;
  g_mutex_init (&a.strings_lock);
  g_mutex_init (&a.vms_lock);

  for (guint i = 0; i < set->traces->len; i++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, i);
      StrataMachine *m;

      if (trace->failed)
        continue;
      m = machine_new (trace->machine);
      m->trace = trace;
      m->n_cpus = trace->n_cpus;
      m->role = trace->has_kvm ? STRATA_ROLE_HOST : STRATA_ROLE_STANDALONE;
      g_ptr_array_add (pub->machines, m);
      g_ptr_array_add (a.models, model_new (&a, pub->machines->len - 1));
      if (m->role == STRATA_ROLE_HOST && pub->host < 0)
        pub->host = pub->machines->len - 1;
    }

  /* The pcpu rows belong to the host; without one, to the first kernel trace. */
  pub->primary = pub->host;
  for (guint m = 0; m < a.models->len && pub->primary < 0; m++)
    if (g_strcmp0 (((StrataMachine *) g_ptr_array_index (pub->machines, m))->trace->domain, "ust") != 0)
      pub->primary = m;

  timing_mark (&timing, NULL);
  run_models (&a, NULL, scan_pass, FALSE, 0);
  if (g_cancellable_set_error_if_cancelled (a.cancellable, error))
    return analysis_abort (&a);
  order_vms (&a);
  timing_mark (&timing, "scan");
  link_guests (&a, options);
  solve_clocks (&a);

  for (guint m = 0; m < a.models->len; m++)
    {
      Model *model = g_ptr_array_index (a.models, m);

      model->primary = (gint) m == pub->primary;
      if (g_strcmp0 (model->machine->trace->domain, "ust") != 0)
        create_cpu_rows (model, (gint) m == pub->host);
    }
  for (guint v = 0; v < a.vms->len; v++)
    {
      Vm *vm = g_ptr_array_index (a.vms, v);
      StrataMachine *machine = vm->machine < pub->machines->len ? g_ptr_array_index (pub->machines, vm->machine) : NULL;

      if (machine == NULL)
        continue;
      for (guint c = 0; c < vm->windows->len; c++)
        {
          g_autofree char *name = g_strdup_printf ("%s/vcpu/%u", machine->name, c);
          Model *host = g_ptr_array_index (a.models, vm->host);
          gint row = strata_store_builder_add_row (host->b, name, STRATA_ROW_VCPU, vm->machine, c);

          g_array_append_val (vm->vcpu_rows, row);
        }
    }

  timing_mark (&timing, "link and sync");
  /* The set's range in the reference clock. */
  for (guint m = 0; m < a.models->len; m++)
    {
      Model *model = g_ptr_array_index (a.models, m);
      StrataTrace *trace = model->machine->trace;

      if (trace->begin_ns == 0 && trace->end_ns == 0)
        continue;
      begin = MIN (begin, to_host (model, strata_time_clamp (trace->begin_ns)));
      end = MAX (end, to_host (model, strata_time_clamp (trace->end_ns)));
    }
  if (begin > end)
    begin = end = 0;

  run_models (&a, options, model_pass, TRUE, end);
  if (g_cancellable_set_error_if_cancelled (a.cancellable, error))
    return analysis_abort (&a);
  timing_mark (&timing, "models");
  if (pub->host >= 0)
    fuse_guests (&a, g_ptr_array_index (a.models, pub->host), end);
  timing_mark (&timing, "fusion");
  fix_names (&a);
  timing_mark (&timing, "names");
  /* The largest builder first: into an empty one, its descriptions keep their ids. */
  {
    guint largest = 0;

    for (guint m = 1; m < a.models->len; m++)
      if (strata_store_builder_n_changes (((Model *) g_ptr_array_index (a.models, m))->b) >
          strata_store_builder_n_changes (((Model *) g_ptr_array_index (a.models, largest))->b))
        largest = m;
    if (largest < a.models->len)
      strata_store_builder_absorb (a.builder, g_steal_pointer (&((Model *) g_ptr_array_index (a.models, largest))->b));
  }
  for (guint m = 0; m < a.models->len; m++)
    {
      Model *model = g_ptr_array_index (a.models, m);

      if (model->b != NULL)
        strata_store_builder_absorb (a.builder, g_steal_pointer (&model->b));
      g_array_append_vals (a.preemptions, model->preemptions->data, model->preemptions->len);
    }
  timing_mark (&timing, "merge");

  /* Every thread seen, for lookups after the models are gone. */
  for (guint m = 0; m < a.models->len; m++)
    {
      Model *model = g_ptr_array_index (a.models, m);
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, model->threads);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Thread *t = value;
          StrataThreadInfo info = { t->tid, t->pid, t->ppid, t->vtid, t->vpid, t->ns_inum, t->name };

          g_array_append_val (model->machine->threads, info);
        }
      g_array_sort (model->machine->threads, compare_thread_info);
    }

  /* vCPU threads, now that the host's model named them. */
  for (guint v = 0; v < a.vms->len; v++)
    {
      Vm *vm = g_ptr_array_index (a.vms, v);
      Model *host = g_ptr_array_index (a.models, vm->host);
      StrataMachine *machine;
      GHashTableIter iter;
      gpointer value;

      /* A VM seen only through host vmsync events, or a vCPU id out of range, never ran a
       * vCPU: link_guests() gave it no machine. */
      if (vm->machine >= pub->machines->len)
        continue;
      machine = g_ptr_array_index (pub->machines, vm->machine);
      g_hash_table_iter_init (&iter, host->threads);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Thread *t = value;

          if (t->vm == (gint32) v)
            {
              StrataVcpu vc = { t->vcpu, t->tid };

              g_array_append_val (machine->vcpus, vc);
            }
        }
    }
  for (guint m = 0; m < pub->machines->len; m++)
    {
      StrataMachine *machine = g_ptr_array_index (pub->machines, m);

      if (machine->outside_guest_mode > 0)
        g_ptr_array_add (pub->warnings,
                         g_strdup_printf (ngettext ("%s: %" G_GUINT64_FORMAT " guest event falls outside the guest mode of its vCPU; it is not drawn on the host",
                                                    "%s: %" G_GUINT64_FORMAT " guest events fall outside the guest mode of their vCPU; they are not drawn on the host",
                                                    machine->outside_guest_mode),
                                          machine->name, machine->outside_guest_mode));
    }

  g_array_sort (pub->preemptions, compare_preemptions);
  /* Causes need the rows, not their drawing summaries: found while those are built. */
  pub->store = strata_store_builder_finish_full (g_steal_pointer (&a.builder), begin, end,
                                                 find_causes, pub);
  timing_mark (&timing, "store and causes");

  g_ptr_array_unref (a.models);
  g_ptr_array_unref (a.vms);
  g_hash_table_unref (a.vmsync);
  g_mutex_clear (&a.strings_lock);
  g_mutex_clear (&a.vms_lock);
  return pub;
}

StrataAnalysis *
strata_analysis_ref (StrataAnalysis *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
strata_analysis_unref (StrataAnalysis *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  for (guint i = 0; i < self->preemptions->len; i++)
    g_clear_pointer (&g_array_index (self->preemptions, StrataPreemption, i).by, g_array_unref);
  g_array_unref (self->preemptions);
  g_ptr_array_unref (self->machines);
  g_ptr_array_unref (self->warnings);
  strata_store_free (self->store);
  strata_set_unref (self->set);
  g_free (self);
}

gint
strata_analysis_find_machine (StrataAnalysis *self,
                              const char     *name)
{
  for (guint i = 0; i < self->machines->len; i++)
    if (g_strcmp0 (((StrataMachine *) g_ptr_array_index (self->machines, i))->name, name) == 0)
      return i;
  return -1;
}

const char *
strata_analysis_string (StrataAnalysis *self,
                        guint32         id)
{
  return strata_strtab_get (self->set->strings, id);
}
