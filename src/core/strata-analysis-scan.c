/* strata-analysis-scan.c: the first pass, what the kernel model needs to know up front
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-scan"

#include "config.h"

#include <string.h>

#include "strata-analysis-private.h"
#include "strata-parallel.h"
#include "strata-stream-scan.h"

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
        NetKey key = { e->f[STRATA_F_NET_SEQ], e->f[STRATA_F_NET_ACK_SEQ], e->f[STRATA_F_NET_FLAGS] };
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

/* What a host's scan reads, the KVM windows and each CPU's current thread, who belongs to
 * which process, and the sync messages, by kind: 1 + how many leading fields (the windows
 * need no field of an exit, the switches only the next thread, the other host events only
 * their time: they end guest mode, see _strata_event_ends_guest_mode()). */
#define ALL_FIELDS (STRATA_EVENT_MAX_FIELDS + 1)
static const guint8 host_scan_fields[STRATA_EV_N_KINDS] = {
  [STRATA_EV_SCHED_WAKEUP] = 1, [STRATA_EV_SCHED_WAKEUP_NEW] = 1, [STRATA_EV_SCHED_WAKING] = 1,
  [STRATA_EV_PROCESS_EXIT] = 1 + STRATA_F_EXIT_TID + 1, [STRATA_EV_PROCESS_FREE] = 1 + STRATA_F_EXIT_TID + 1,
  [STRATA_EV_PROCESS_EXEC] = 1,
  [STRATA_EV_STATEDUMP_PID_NS] = 1, [STRATA_EV_IRQ_ENTRY] = 1, [STRATA_EV_IRQ_EXIT] = 1,
  [STRATA_EV_SOFTIRQ_ENTRY] = 1, [STRATA_EV_SOFTIRQ_EXIT] = 1, [STRATA_EV_SOFTIRQ_RAISE] = 1,
  [STRATA_EV_SYSCALL_ENTRY] = 1, [STRATA_EV_SYSCALL_EXIT] = 1,
  [STRATA_EV_SCHED_SWITCH] = 1 + STRATA_F_SWITCH_NEXT_TID + 1,
  [STRATA_EV_STATEDUMP_PROCESS] = 1 + MAX (STRATA_F_SD_TID, STRATA_F_SD_PID) + 1,
  [STRATA_EV_PROCESS_FORK] = 1 + MAX (STRATA_F_FORK_CHILD_TID, STRATA_F_FORK_CHILD_PID) + 1,
  [STRATA_EV_KVM_ENTRY] = 1 + STRATA_F_KVM_VCPU_ID + 1, [STRATA_EV_KVM_EXIT] = 1,
  [STRATA_EV_VMSYNC_GH_HOST] = ALL_FIELDS, [STRATA_EV_VMSYNC_HG_HOST] = ALL_FIELDS,
  [STRATA_EV_VMSYNC_GH_GUEST] = ALL_FIELDS, [STRATA_EV_VMSYNC_HG_GUEST] = ALL_FIELDS,
  [STRATA_EV_NET_SEND] = ALL_FIELDS, [STRATA_EV_NET_RECV] = ALL_FIELDS,
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
  /* A machine that may be a guest of a host in the set: its event times, for the KVM fit,
   * taken in the same pass. */
  g_autoptr(KvmSampler) sampler = model->a->kvm_fit && g_strcmp0 (trace->domain, "ust") != 0
                                  ? _strata_analysis_kvm_sampler_new (model) : NULL;

  for (guint i = 0; i < trace->streams->len; i++)
    {
      StrataEventCursor cursor;
      StrataEvent e;
      gint kind;

      strata_event_cursor_init (&cursor, ((StrataStream *) g_ptr_array_index (trace->streams, i))->buffer);
      while (sampler != NULL ? (kind = strata_event_cursor_peek (&cursor)) >= 0
                             : strata_event_cursor_next_wanted (&cursor, &e, wanted))
        {
          if (sampler != NULL)
            {
              if (kind >= STRATA_EV_N_KINDS || !wanted[kind])
                {
                  /* Up to the next sample at once: the events before it only count down. */
                  guint64 k = strata_event_cursor_skip_unwanted (&cursor, wanted, sampler->until);

                  sampler->until -= k - 1;
                  _strata_analysis_kvm_sample (sampler, cursor.ts, cursor.cpu);
                  continue;
                }
              strata_event_cursor_next (&cursor, &e);
              _strata_analysis_kvm_sample (sampler, e.ts, e.cpu);
            }
          if (!strata_time_in_range (e.ts))
            continue;
          if (e.kind == STRATA_EV_KVM_ENTRY || e.kind == STRATA_EV_VMSYNC_GH_HOST || e.kind == STRATA_EV_VMSYNC_HG_HOST)
            return FALSE;
          scan_message (model, &e);
        }
    }
  if (sampler != NULL)
    _strata_analysis_kvm_sampler_finish (g_steal_pointer (&sampler));
  return TRUE;
}

/* ---- a machine's streams ---- */

/* Whether @trace recorded any event of the kinds in @kinds (a mask of kinds). */
gboolean
_strata_analysis_records_kinds (StrataTrace *trace,
                                guint64      kinds)
{
  for (guint i = 0; i < trace->streams->len; i++)
    if (strata_event_buffer_kinds (((StrataStream *) g_ptr_array_index (trace->streams, i))->buffer) & kinds)
      return TRUE;
  return FALSE;
}

/* The streams of @trace by CPU: a group of streams a CPU (several channels share one), or one
 * group of every stream when some do not say their CPU (then *@by_cpu is FALSE). Returns the
 * number of groups. */
guint
_strata_analysis_group_streams (StrataTrace  *trace,
                                GPtrArray   **groups,
                                gboolean     *by_cpu)
{
  g_autoptr(GHashTable) group_of = g_hash_table_new (NULL, NULL);   /* cpu + 1 -> group + 1 */
  gboolean known_cpus = TRUE;
  guint n = 0;

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
          groups[g - 1] = g_ptr_array_new ();
        }
      g_ptr_array_add (groups[g - 1], (gpointer) stream);
    }
  *by_cpu = known_cpus;
  return n;
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
  gint32 tid;             /* START_TID: the CPU's start thread (strata-analysis-starts.c);
                           * LOSS_TID: the thread its next switch names */
  gint32 vcpu_id;         /* as the event gives it, -1 without */
  Vm    *vm;              /* resolved: NULL to leave out */
  guint  vm_index;
  gint32 vcpu;
  guint  cpu;
} Run;

/* What a pid event says of its thread id. */
typedef enum
{
  PID_DUMP,               /* a state dump names its process */
  PID_FORK,               /* a fork made a thread of that id there, of that process */
  PID_EXIT,               /* its thread exited: dropped by settle_pid_events() */
  PID_FREE,               /* the id was freed: by settle_pid_events(), PID_END or dropped */
  PID_END,                /* its thread is gone: a later one of the id is another's, which
                           * no event may name */
} PidKind;

typedef struct
{
  gint64   ts;
  gint32   tid;
  gint32   pid;           /* PID_DUMP, PID_FORK */
  PidKind  kind;
} PidEvent;

/* A vmsync or TCP message, for the replay; a host's vmsync with the thread it came from. */
typedef struct
{
  StrataEvent event;
  gint32      tid;        /* the CPU's current thread at a host vmsync, else -1 */
} Message;

typedef struct
{
  gint32   cur;           /* the current thread, -1 unknown; START_TID before its first switch,
                           * LOSS_TID after events were lost, until the next switch */
  gboolean in_guest;
  gint64   entry;
  guint    run;           /* the run of the open window */
  gint     last_run;      /* the CPU's last run, -1 none */
  /* With cur LOSS_TID: the thread before the loss and its last run, where the runs and
   * messages that wait for the next switch to name their thread begin, and the loss. */
  gint32   before_loss;
  gint     loss_run;
  guint    pending_runs;
  guint    pending_messages;
  gint64   loss_begin;
  gint64   loss_end;
} CpuScan;

/*
 * Before a CPU's first switch, the thread it runs is its start thread, which
 * _strata_analysis_find_starts() finds only once the whole trace is read (a statedump anywhere may name it): the scan calls
 * it START_TID and treats it as a thread, and place_start() puts the thread in once known,
 * or leaves out what it ran when it is not one (unknown, or the idle thread).
 */
#define START_TID G_MININT32

/*
 * Events lost on a CPU may hide a switch: until its next switch, whose previous thread is
 * the one that ran since, the scan calls the thread LOSS_TID, and the runs and messages of
 * that time take the thread the switch names (resolve_loss()). A thread other than the one
 * before the loss becomes a handover (Handover) that the model makes at the loss; a CPU
 * that never switches again keeps the thread it had, but only for entries of the vCPU that
 * thread was seen to run before: a kernel thread seen last before the loss is no vCPU.
 */
#define LOSS_TID (G_MININT32 + 1)

struct _StrataStreamScan
{
  GArray  *cpus;          /* CpuScan, by CPU */
  GArray  *windows;       /* RunWindow; its first n_windows are set */
  guint    n_windows;
  GArray  *runs;          /* Run */
  GArray  *pids;          /* PidEvent */
  GArray  *messages;      /* Message */
  GArray  *handovers;     /* Handover, in the order of their losses on each CPU */
  guint64  count;         /* events fed */
  gint64   last_ts;       /* the last one's time */
  guint    losses;        /* losses of the stream fed (_strata_stream_scan_feed()) */
};

StrataStreamScan *
_strata_stream_scan_new (void)
{
  StrataStreamScan *self = g_new0 (StrataStreamScan, 1);

  self->cpus = g_array_new (FALSE, FALSE, sizeof (CpuScan));
  self->windows = g_array_new (FALSE, FALSE, sizeof (RunWindow));
  self->runs = g_array_new (FALSE, FALSE, sizeof (Run));
  self->pids = g_array_new (FALSE, FALSE, sizeof (PidEvent));
  self->messages = g_array_new (FALSE, FALSE, sizeof (Message));
  self->handovers = g_array_new (FALSE, FALSE, sizeof (Handover));
  return self;
}

void
strata_stream_scan_free (StrataStreamScan *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->cpus);
  g_array_unref (self->windows);
  g_array_unref (self->runs);
  g_array_unref (self->pids);
  g_array_unref (self->messages);
  g_array_unref (self->handovers);
  g_free (self);
}

/* Appends @w to @windows, whose first *@n are set: the array grows by doubling, without a
 * call per window, and is cut to *@n at the end of the scan. */
static inline void
push_window (GArray    *windows,
             guint     *n,
             RunWindow  w)
{
  if (G_UNLIKELY (*n == windows->len))
    g_array_set_size (windows, MAX (2 * windows->len, 1024));
  g_array_index (windows, RunWindow, (*n)++) = w;
}

static CpuScan *
cpu_scan (StrataStreamScan *ss,
          guint             cpu)
{
  while (ss->cpus->len <= cpu)
    g_array_append_val (ss->cpus, ((CpuScan) { START_TID, FALSE, 0, 0, -1 }));
  return &g_array_index (ss->cpus, CpuScan, cpu);
}

/* A thread the scan stands in for, known later (START_TID, LOSS_TID), or a real one. */
static inline gboolean
runs_thread (gint32 tid)
{
  return tid > 0 || tid == START_TID || tid == LOSS_TID;
}

/* Whether the thread @c ran when its loss began is a vCPU's, seen entering it on @c. */
static gboolean
vcpu_at_loss (StrataStreamScan *ss,
              const CpuScan    *c)
{
  return c->before_loss > 0 && c->loss_run >= 0 && g_array_index (ss->runs, Run, c->loss_run).tid == c->before_loss;
}

/* Events were lost on @cpu between its last event and its next (@loss). */
static void
scan_loss (StrataStreamScan *ss,
           guint             cpu,
           const StrataLoss *loss)
{
  CpuScan *c;

  if (cpu >= 4096)
    return;
  c = cpu_scan (ss, cpu);
  /* Before its first switch, the thread is what that switch names anyway. */
  if (c->cur == START_TID)
    return;
  if (c->cur != LOSS_TID)
    {
      c->before_loss = c->cur;
      c->loss_run = c->last_run;
      c->pending_runs = ss->runs->len;
      c->pending_messages = ss->messages->len;
      c->loss_begin = loss->begin_ns;
    }
  c->loss_end = loss->end_ns;
  c->cur = LOSS_TID;
  /* A vCPU's thread out of guest mode when events were lost may have entered it in the loss:
   * its guest's events then are not outside its guest mode. (A window open at the loss stays
   * open to the CPU's next event.) */
  if (!c->in_guest && vcpu_at_loss (ss, c) && loss->end_ns > loss->begin_ns)
    push_window (ss->windows, &ss->n_windows, (RunWindow) { loss->begin_ns, loss->end_ns, c->loss_run });
}

/* The runs and messages of @cpu since its loss ran @tid (LOSS_TID: none, left out); only
 * the runs of vCPU @vcpu_id, unless it is G_MININT32. */
static void
name_pending (StrataStreamScan *ss,
              guint             cpu,
              const CpuScan    *c,
              gint32            tid,
              gint32            vcpu_id)
{
  for (guint i = c->pending_runs; i < ss->runs->len; i++)
    {
      Run *run = &g_array_index (ss->runs, Run, i);

      if (run->cpu == cpu && run->tid == LOSS_TID && (vcpu_id == G_MININT32 || run->vcpu_id == vcpu_id))
        run->tid = tid;
    }
  for (guint i = c->pending_messages; i < ss->messages->len; i++)
    {
      Message *message = &g_array_index (ss->messages, Message, i);

      if (message->event.cpu == cpu && message->tid == LOSS_TID)
        message->tid = tid;
    }
}

/* @cpu's first switch since its loss: @prev ran from the loss on. A vCPU's thread that ran
 * before and after is a handover too: what its vCPU did in the loss (exits, entries) is not
 * known. */
static void
resolve_loss (StrataStreamScan *ss,
              guint             cpu,
              CpuScan          *c,
              gint32            prev)
{
  gint32 tid = prev > 0 ? prev : LOSS_TID;

  name_pending (ss, cpu, c, tid, G_MININT32);
  if (prev == c->before_loss && !vcpu_at_loss (ss, c))
    return;
  /* A window open at the loss stays open to the CPU's next event: the model draws the time
   * lost as unknown, but a guest event in it (in guest mode, then, as far as anyone knows)
   * is not one outside its vCPU's guest mode. */
  g_array_append_val (ss->handovers, ((Handover) { c->loss_begin, c->loss_end, cpu, prev >= 0 ? prev : -1 }));
}

/* The end of the stream: a CPU still waiting for a switch kept its thread, as far as the
 * vCPU that thread entered before is concerned. */
static void
resolve_losses_at_end (StrataStreamScan *ss)
{
  for (guint cpu = 0; cpu < ss->cpus->len; cpu++)
    {
      CpuScan *c = &g_array_index (ss->cpus, CpuScan, cpu);

      if (c->cur != LOSS_TID)
        continue;
      /* Left out (LOSS_TID) otherwise. */
      if (vcpu_at_loss (ss, c))
        {
          name_pending (ss, cpu, c, c->before_loss, g_array_index (ss->runs, Run, c->loss_run).vcpu_id);
          g_array_append_val (ss->handovers, ((Handover) { c->loss_begin, c->loss_end, cpu, c->before_loss }));
        }
      c->cur = c->before_loss;
    }
}

/* One event of a stream, or of a group of streams merged, in time order; @losses, if any,
 * are the stream's, each fed before the first event after it. */
void
_strata_stream_scan_feed (StrataStreamScan  *ss,
                          const StrataEvent *e,
                          GArray            *losses)
{
  CpuScan *c;

  ss->count++;
  ss->last_ts = e->ts;
  while (G_UNLIKELY (losses != NULL && ss->losses < losses->len) &&
         g_array_index (losses, StrataLoss, ss->losses).begin_ns < e->ts)
    scan_loss (ss, e->cpu, &g_array_index (losses, StrataLoss, ss->losses++));
  if ((guint) e->kind >= STRATA_EV_N_KINDS || host_scan_fields[e->kind] == 0)
    return;
  if (e->cpu >= 4096 || !strata_time_in_range (e->ts))
    return;
  c = cpu_scan (ss, e->cpu);
  if (G_UNLIKELY (c->in_guest) && _strata_event_ends_guest_mode (e->kind))
    {
      push_window (ss->windows, &ss->n_windows, (RunWindow) { c->entry, e->ts, c->run });
      c->in_guest = FALSE;
    }
  /* Read for their time only. */
  if (host_scan_fields[e->kind] == 1 && e->kind != STRATA_EV_KVM_EXIT)
    return;
  switch (e->kind)
    {
    case STRATA_EV_SCHED_SWITCH:
    case STRATA_EV_KVM_EXIT:
    case STRATA_EV_KVM_ENTRY:
      if (e->kind == STRATA_EV_KVM_ENTRY && (!runs_thread (c->cur) || e->f[STRATA_F_KVM_VCPU_ID] > 0xfff))
        break;
      if (c->in_guest)
        {
          push_window (ss->windows, &ss->n_windows, (RunWindow) { c->entry, e->ts, c->run });
          c->in_guest = FALSE;
        }
      if (e->kind == STRATA_EV_SCHED_SWITCH)
        {
          if (G_UNLIKELY (c->cur == LOSS_TID))
            resolve_loss (ss, e->cpu, c, e->f[STRATA_F_SWITCH_PREV_TID]);
          /* A damaged id that reads as START_TID or LOSS_TID is no thread, as any other
           * below 1. */
          c->cur = e->f[STRATA_F_SWITCH_NEXT_TID];
          if (c->cur == START_TID || c->cur == LOSS_TID)
            c->cur = -1;
        }
      else if (e->kind == STRATA_EV_KVM_ENTRY)
        {
          Run *last = c->last_run >= 0 ? &g_array_index (ss->runs, Run, c->last_run) : NULL;

          if (last == NULL || last->tid != c->cur || last->vcpu_id != e->f[STRATA_F_KVM_VCPU_ID])
            {
              Run run = { e->ts, c->cur, e->f[STRATA_F_KVM_VCPU_ID], NULL, 0, -1, e->cpu };

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
                        e->f[dump ? STRATA_F_SD_PID : STRATA_F_FORK_CHILD_PID], dump ? PID_DUMP : PID_FORK };

        g_array_append_val (ss->pids, pe);
        break;
      }

    case STRATA_EV_PROCESS_EXIT:
    case STRATA_EV_PROCESS_FREE:
      if (e->f[STRATA_F_EXIT_TID] > 0)
        g_array_append_val (ss->pids, ((PidEvent) { e->ts, e->f[STRATA_F_EXIT_TID], -1,
                                                    e->kind == STRATA_EV_PROCESS_EXIT ? PID_EXIT : PID_FREE }));
      break;

    case STRATA_EV_VMSYNC_GH_HOST:
    case STRATA_EV_VMSYNC_HG_HOST:
      if (!runs_thread (c->cur))
        break;
      g_array_append_val (ss->messages, ((Message) { *e, c->cur }));
      break;

    default:
      g_array_append_val (ss->messages, ((Message) { *e, -1 }));
      break;
    }
}

typedef struct
{
  Model            *model;
  GPtrArray        *streams;   /* StrataStream*: the group's */
  StrataStreamScan *scan;
} StreamScan;

/* Whether @stream's scan, gathered as its events were appended, is whole: fed every event,
 * and every loss but those after its last event (which change nothing), none found after the
 * events were read (packets left out). */
static gboolean
stream_scan_whole (const StrataStream *stream)
{
  guint before = 0;

  if (stream->scan == NULL || stream->scan->count != strata_event_buffer_count (stream->buffer))
    return FALSE;
  for (guint i = 0; i < stream->losses->len; i++)
    before += g_array_index (stream->losses, StrataLoss, i).begin_ns < stream->scan->last_ts;
  return before == stream->scan->losses;
}

/* A scan of @buffers read again, merged, fed @losses (sorted); cut short if @model's load is
 * cancelled. */
static StrataStreamScan *
scan_again (Model              *model,
            StrataEventBuffer **buffers,
            guint               n_buffers,
            GArray             *losses)
{
  g_autoptr(StrataEventMerge) merge = strata_event_merge_new_fields (buffers, n_buffers, host_scan_fields);
  StrataStreamScan *scan = _strata_stream_scan_new ();
  const StrataEvent *e;
  guint64 n = 0;

  while ((e = strata_event_merge_step (merge)) != NULL)
    {
      if (G_UNLIKELY ((++n & 0xffff) == 0) && g_cancellable_is_cancelled (model->a->cancellable))
        break;
      _strata_stream_scan_feed (scan, e, losses);
    }
  return scan;
}

/* One group of streams: one stream that was scanned as its events came (its scan is taken),
 * or streams read again, merged (those that share CPUs). Windows still open end with the
 * trace; START_TID is then put in (place_start()). */
static void
scan_stream (StreamScan *ss)
{
  StrataStream *only = ss->streams->len == 1 ? g_ptr_array_index (ss->streams, 0) : NULL;

  if (only != NULL && stream_scan_whole (only))
    ss->scan = g_steal_pointer (&only->scan);
  else
    {
      g_autofree StrataEventBuffer **buffers = g_new (StrataEventBuffer *, MAX (ss->streams->len, 1));
      g_autoptr(GArray) losses = g_array_new (FALSE, FALSE, sizeof (StrataLoss));

      for (guint i = 0; i < ss->streams->len; i++)
        {
          StrataStream *stream = g_ptr_array_index (ss->streams, i);

          buffers[i] = stream->buffer;
          g_array_append_vals (losses, stream->losses->data, stream->losses->len);
        }
      /* The streams of a group share their CPU: each loss is fed before the group's first
       * event after it. */
      g_array_sort (losses, strata_loss_compare);
      ss->scan = scan_again (ss->model, buffers, ss->streams->len, losses);
    }
  resolve_losses_at_end (ss->scan);
  for (guint i = 0; i < ss->streams->len; i++)
    g_clear_pointer (&((StrataStream *) g_ptr_array_index (ss->streams, i))->scan, strata_stream_scan_free);

  for (guint i = 0; i < ss->scan->cpus->len; i++)
    {
      CpuScan *c = &g_array_index (ss->scan->cpus, CpuScan, i);
      RunWindow w = { c->entry, strata_time_clamp (ss->model->machine->trace->end_ns) + 1, c->run };

      if (c->in_guest)
        push_window (ss->scan->windows, &ss->scan->n_windows, w);
    }
  g_array_set_size (ss->scan->windows, ss->scan->n_windows);
}

/* The start thread of CPU @cpu, or what stands for none (0). */
static gint32
start_of (Model *model,
          guint  cpu)
{
  gint32 tid = cpu < model->cpus->len ? g_array_index (model->cpus, Cpu, cpu).start_tid : -1;

  return tid > 0 ? tid : 0;
}

/* START_TID becomes each CPU's start thread: its runs and host vmsync messages take it, or,
 * when it is none, are left out (runs keep START_TID, and no VM), as the entries and messages
 * of a CPU running no thread are. */
static void
place_start (StreamScan *ss)
{
  for (guint i = 0; i < ss->scan->runs->len; i++)
    {
      Run *run = &g_array_index (ss->scan->runs, Run, i);

      if (run->tid == START_TID && start_of (ss->model, run->cpu) > 0)
        run->tid = start_of (ss->model, run->cpu);
    }
  for (guint i = 0; i < ss->scan->messages->len; i++)
    {
      Message *message = &g_array_index (ss->scan->messages, Message, i);

      if (message->tid == START_TID && start_of (ss->model, message->event.cpu) > 0)
        message->tid = start_of (ss->model, message->event.cpu);
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
    {
      scan_stream (&jobs->scans[i]);
      place_start (&jobs->scans[i]);
    }
  return NULL;
}

typedef struct
{
  gint64  ts;
  guint   kind;           /* 0: a run's first entry, 1: a pid, 2: a message */
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

/* A run's windows in its stream's list, and where they go in their vCPU's. */
typedef struct
{
  GArray *target;
  guint   at;
  guint   from;
  guint   to;
} WindowBlock;

typedef struct
{
  StreamScan  *scans;
  GArray     **blocks;    /* WindowBlock, by stream */
  guint        n;
  GPtrArray   *sort;      /* the vCPUs' windows to sort */
  gint         next;      /* atomic: the next stream, then the next array to sort */
} WindowJobs;

static gpointer
copy_worker (gpointer data)
{
  WindowJobs *jobs = data;
  gint i;

  while ((i = g_atomic_int_add (&jobs->next, 1)) < (gint) jobs->n)
    {
      StreamScan *ss = &jobs->scans[i];
      const RunWindow *windows = (const RunWindow *) ss->scan->windows->data;

      for (guint b = 0; b < jobs->blocks[i]->len; b++)
        {
          const WindowBlock *block = &g_array_index (jobs->blocks[i], WindowBlock, b);
          Window *out = &g_array_index (block->target, Window, block->at);

          for (guint k = block->from; k < block->to; k++)
            out[k - block->from] = (Window) { windows[k].start, windows[k].end };
        }
      g_ptr_array_unref (ss->streams);
      g_clear_pointer (&ss->scan, strata_stream_scan_free);
      g_array_unref (jobs->blocks[i]);
    }
  return NULL;
}

static gpointer
sort_worker (gpointer data)
{
  WindowJobs *jobs = data;
  gint i;

  while ((i = g_atomic_int_add (&jobs->next, 1)) < (gint) jobs->sort->len)
    sort_windows (g_ptr_array_index (jobs->sort, i));
  return NULL;
}

/* Each stream's windows to their vCPUs' lists, in the order of the streams and of their runs
 * (each vCPU's list is then sorted by merging those runs), and the streams' lists freed. */
static void
place_windows (StreamScan *scans,
               guint       n,
               GPtrArray  *vms)
{
  g_autofree GArray **blocks = g_new0 (GArray *, MAX (n, 1));
  g_autoptr(GHashTable) lengths = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) targets = g_ptr_array_new ();
  g_autoptr(GPtrArray) sort = g_ptr_array_new ();
  WindowJobs jobs;

  for (guint s = 0; s < n; s++)
    {
      const RunWindow *windows = (const RunWindow *) scans[s].scan->windows->data;
      guint len = scans[s].scan->windows->len;

      blocks[s] = g_array_new (FALSE, FALSE, sizeof (WindowBlock));
      /* A run's windows come together: one block a run. */
      for (guint i = 0, j; i < len; i = j)
        {
          const Run *run = &g_array_index (scans[s].scan->runs, Run, windows[i].run);
          WindowBlock block;
          gpointer known;

          for (j = i + 1; j < len && windows[j].run == windows[i].run; j++)
            ;
          if (run->vm == NULL)
            continue;
          block.target = vm_windows (run->vm, run->vcpu);
          if (!g_hash_table_lookup_extended (lengths, block.target, NULL, &known))
            {
              known = GUINT_TO_POINTER (block.target->len);
              g_ptr_array_add (targets, block.target);
            }
          block.at = GPOINTER_TO_UINT (known);
          block.from = i;
          block.to = j;
          g_hash_table_insert (lengths, block.target, GUINT_TO_POINTER (block.at + (j - i)));
          g_array_append_val (blocks[s], block);
        }
    }
  for (guint t = 0; t < targets->len; t++)
    {
      GArray *target = g_ptr_array_index (targets, t);

      g_array_set_size (target, GPOINTER_TO_UINT (g_hash_table_lookup (lengths, target)));
    }
  jobs = (WindowJobs) { scans, blocks, n, sort, 0 };
  strata_parallel_run ("strata-scan", n, copy_worker, &jobs);

  for (guint v = 0; v < vms->len; v++)
    {
      Vm *vm = g_ptr_array_index (vms, v);

      for (guint c = 0; c < vm->windows->len; c++)
        g_ptr_array_add (sort, g_ptr_array_index (vm->windows, c));
    }
  jobs.next = 0;
  strata_parallel_run ("strata-scan", sort->len, sort_worker, &jobs);
}

/* How far apart the ids of one VM's vCPU threads may be when no event names their process:
 * qemu starts them one after the other. */
#define GUESS_TIDS 64

typedef struct
{
  gint32 tid;
  gint32 vcpu;
} GuessThread;

static int
compare_guess_threads (gconstpointer a,
                       gconstpointer b)
{
  const GuessThread *ga = a, *gb = b;

  return (ga->tid > gb->tid) - (ga->tid < gb->tid);
}

static const PidEvent *pid_event_at (GHashTable *pids, gint32 tid, gint64 ts);

/*
 * The vCPU threads of @scans whose process no event names (no state dump, no fork before
 * their entries), each put with a VM known by the id of its first thread (tid -> that id): in
 * the order of their ids, a thread joins the VM of the one before unless their ids are more
 * than GUESS_TIDS apart or that VM has a thread for its vCPU already. In the order of ids,
 * not of their first entries, so that what runs first does not decide. Without it, a trace
 * recorded without state dump made a VM of each vCPU thread.
 */
static GHashTable *
guess_vms (StreamScan *scans,
           guint       n,
           GHashTable *pids)
{
  GHashTable *rep = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) threads = g_array_new (FALSE, FALSE, sizeof (GuessThread));
  g_autoptr(GHashTable) vcpus = g_hash_table_new (NULL, NULL);
  gint32 first = 0, last = 0;

  for (guint s = 0; s < n; s++)
    for (guint i = 0; i < scans[s].scan->runs->len; i++)
      {
        const Run *run = &g_array_index (scans[s].scan->runs, Run, i);

        if (run->tid <= 0 || run->vcpu_id < 0 || run->vcpu_id > 0xfff ||
            pid_event_at (pids, run->tid, run->first) != NULL ||
            !g_hash_table_add (seen, GINT_TO_POINTER (run->tid)))
          continue;
        g_array_append_val (threads, ((GuessThread) { run->tid, run->vcpu_id }));
      }
  g_array_sort (threads, compare_guess_threads);
  for (guint i = 0; i < threads->len; i++)
    {
      const GuessThread *t = &g_array_index (threads, GuessThread, i);

      if (i == 0 || t->tid - last > GUESS_TIDS || g_hash_table_contains (vcpus, GINT_TO_POINTER (t->vcpu + 1)))
        {
          first = t->tid;
          g_hash_table_remove_all (vcpus);
        }
      g_hash_table_add (vcpus, GINT_TO_POINTER (t->vcpu + 1));
      g_hash_table_insert (rep, GINT_TO_POINTER (t->tid), GINT_TO_POINTER (first));
      last = t->tid;
    }
  return rep;
}


/* The VM (its qemu pid) of thread @tid at @ts: its process, when the trace names it (a state
 * dump, a fork); else the VM guess_vms() put it with (*@guessed), or its own. */
static gint64
vm_pid_of (GHashTable *pids,
           GHashTable *guessed_vms,
           gint32      tid,
           gint64      ts,
           gboolean   *guessed)
{
  const PidEvent *pe = pid_event_at (pids, tid, ts);
  gpointer rep;

  *guessed = pe == NULL;
  if (pe != NULL)
    return pe->pid;
  if (g_hash_table_lookup_extended (guessed_vms, GINT_TO_POINTER (tid), NULL, &rep))
    return GPOINTER_TO_INT (rep);
  return tid;
}

/* What gives the pid of @tid at @ts: the last event at or before @ts, else the first one
 * after if a state dump (which may come after a thread's first entries; a fork after them
 * made another thread); NULL if none names it, or if the last is the end of the id's thread
 * (settle_pid_events()) and no state dump right after it names the next one. */
static const PidEvent *
pid_event_at (GHashTable *pids,
              gint32      tid,
              gint64      ts)
{
  GArray *events = g_hash_table_lookup (pids, GINT_TO_POINTER (tid));
  const PidEvent *at = NULL;

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      const PidEvent *pe = &g_array_index (events, PidEvent, i);

      /* After the id's thread went, a state dump names the next one too. */
      if (pe->ts > ts && !((i == 0 || at->kind == PID_END) && pe->kind == PID_DUMP))
        break;
      at = pe;
      if (pe->ts > ts)
        break;
    }
  return at != NULL && at->kind == PID_END ? NULL : at;
}

/* The first fork or end after @after among an id's pid events @events, looked for from event
 * *@k on (left at it); G_MAXINT64 if none. */
static gint64
next_fork (GArray *events,
           guint  *k,
           gint64  after)
{
  for (; events != NULL && *k < events->len; (*k)++)
    {
      const PidEvent *pe = &g_array_index (events, PidEvent, *k);

      if ((pe->kind == PID_FORK || pe->kind == PID_END) && pe->ts > after)
        return pe->ts;
    }
  return G_MAXINT64;
}

/*
 * An id's pid events, in time order, as the model reads them: a free ends the id's thread,
 * unless the id was forked again before the thread it had was freed (the kernel frees an id
 * before the free event of its thread, which waits for RCU): that free is the old thread's,
 * and says nothing of the new one. Exits only say which thread the next free is of. Where
 * the trace records exits (@exits), a thread is freed only after its exit: a free since a
 * fork with no exit between is the thread's before, even one no pid event named.
 */
static void
settle_pid_events (GArray   *events,
                   gboolean  exits)
{
  gboolean freed = FALSE, owes = FALSE;
  guint out = 0;

  for (guint i = 0; i < events->len; i++)
    {
      PidEvent pe = g_array_index (events, PidEvent, i);

      switch (pe.kind)
        {
        case PID_FORK:
          /* The next free is the thread's before, if the id had one not freed yet (any
           * event of it, its exit alone too), or any free before an exit of the new one. */
          owes = exits || (i > 0 && !freed);
          freed = FALSE;
          break;
        case PID_EXIT:
          owes = FALSE;
          continue;
        case PID_FREE:
          if (owes || freed)
            {
              owes = FALSE;
              continue;
            }
          freed = TRUE;
          pe.kind = PID_END;
          break;
        default:
          freed = FALSE;
          break;
        }
      g_array_index (events, PidEvent, out++) = pe;
    }
  g_array_set_size (events, out);
}

typedef struct
{
  GArray *events;         /* the pid events of the run's thread id */
  guint   k;              /* the next of them to look at */
  gint64  next;           /* the fork or end that ends the run's current part, G_MAXINT64:
                           * none */
  guint   cur;            /* the run its windows go to now */
} RunSplit;

/*
 * A run goes on while a CPU's entries are by one thread id for one vCPU: across that
 * thread's exit when a new thread gets the id and enters a VM there too. A fork of the id
 * after a run began (the same thread cannot be made again), or its thread's end (a free),
 * ends that run: its windows from there are a run of their own, whose VM is that of the new
 * thread (unknown, without its fork). @replay gets those runs.
 * One pass over each stream's windows (in time order), and none for a stream whose runs'
 * ids were not forked again or ended.
 */
static void
split_reused_runs (StreamScan *scans,
                   guint       n,
                   GHashTable *pids,
                   GArray     *replay)
{
  gboolean added = FALSE;

  for (guint s = 0; s < n; s++)
    {
      StrataStreamScan *scan = scans[s].scan;
      guint n_runs = scan->runs->len;
      g_autofree RunSplit *splits = g_new (RunSplit, MAX (n_runs, 1));
      gboolean any = FALSE;

      for (guint i = 0; i < n_runs; i++)
        {
          const Run *run = &g_array_index (scan->runs, Run, i);
          RunSplit *sp = &splits[i];

          sp->events = run->tid > 0 ? g_hash_table_lookup (pids, GINT_TO_POINTER (run->tid)) : NULL;
          sp->k = 0;
          sp->next = next_fork (sp->events, &sp->k, run->first);
          sp->cur = i;
          any |= sp->next != G_MAXINT64;
        }
      if (!any)
        continue;
      for (guint w = 0; w < scan->n_windows; w++)
        {
          RunWindow *win = &g_array_index (scan->windows, RunWindow, w);
          RunSplit *sp = win->run < n_runs ? &splits[win->run] : NULL;

          if (sp == NULL)
            continue;
          if (win->start >= sp->next)
            {
              Run later = g_array_index (scan->runs, Run, win->run);

              /* Forks with no window between: the part begins at the last of them. */
              while (win->start >= sp->next)
                sp->next = next_fork (sp->events, &sp->k, sp->next);
              later.first = win->start;
              sp->cur = scan->runs->len;
              g_array_append_val (scan->runs, later);
              g_array_append_val (replay, ((Replay) { later.first, 0, s, sp->cur }));
              added = TRUE;
            }
          win->run = sp->cur;
        }
    }
  if (added)
    g_array_sort (replay, compare_replay);
}

/* Run @run, of vCPU @code, begins a life of its thread id as that vCPU's thread unless it
 * continues the last one: the same vCPU, from the same fork. */
static void
note_vcpu_life (Model      *model,
                GHashTable *pids,
                const Run  *run,
                guint32     code)
{
  GArray *lives = g_hash_table_lookup (model->vcpu_lives, GINT_TO_POINTER (run->tid));
  GArray *events = g_hash_table_lookup (pids, GINT_TO_POINTER (run->tid));
  VcpuLife life = { G_MININT64, code, FALSE };
  const VcpuLife *last;

  /* Born at the last fork of its id before the run (a state dump since says nothing of that),
   * or after the end of the thread the id had: then when is not known, but not before. */
  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      const PidEvent *pe = &g_array_index (events, PidEvent, i);

      if (pe->ts > run->first)
        break;
      if (pe->kind == PID_FORK || pe->kind == PID_END)
        life.born = pe->ts;
    }

  if (lives == NULL)
    {
      lives = g_array_new (FALSE, FALSE, sizeof (VcpuLife));
      g_hash_table_insert (model->vcpu_lives, GINT_TO_POINTER (run->tid), lives);
    }
  last = lives->len > 0 ? &g_array_index (lives, VcpuLife, lives->len - 1) : NULL;
  if (last == NULL || last->code != life.code || last->born != life.born)
    g_array_append_val (lives, life);
}

static int
compare_handover_begin (gconstpointer a,
                        gconstpointer b)
{
  const Handover *ha = a, *hb = b;

  if (ha->begin != hb->begin)
    return ha->begin < hb->begin ? -1 : 1;
  return (ha->cpu > hb->cpu) - (ha->cpu < hb->cpu);
}

static void
scan_host (Model *model)
{
  StrataTrace *trace = model->machine->trace;
  guint n = 0;
  g_autofree StreamScan *scans = g_new0 (StreamScan, MAX (trace->streams->len, 1));
  g_autoptr(GArray) replay = NULL;
  g_autofree GPtrArray **groups = g_new0 (GPtrArray *, MAX (trace->streams->len, 1));
  g_autoptr(GHashTable) pids = NULL;
  g_autoptr(GHashTable) guessed_vms = NULL;
  g_autoptr(GPtrArray) vms = g_ptr_array_new ();   /* the VMs met, once each */
  GHashTableIter iter;
  gpointer value;
  gboolean by_cpu, exits;
  StreamJobs jobs;

  /* A group a CPU: streams of one CPU (several channels) are merged. */
  n = _strata_analysis_group_streams (trace, groups, &by_cpu);
  for (guint s = 0; s < n; s++)
    scans[s] = (StreamScan) { model, groups[s], NULL };
  jobs = (StreamJobs) { scans, n, 0 };
  strata_parallel_run ("strata-scan", n, stream_worker, &jobs);

  /* Replay, in time order, what depends on the whole machine. */
  replay = g_array_new (FALSE, FALSE, sizeof (Replay));
  pids = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  for (guint s = 0; s < n; s++)
    {
      const StrataStreamScan *scan = scans[s].scan;

      /* Not what ran on a CPU before its first switch, or after a loss, when that was no
       * thread or none known. */
      for (guint i = 0; i < scan->runs->len; i++)
        if (g_array_index (scan->runs, Run, i).tid > 0)
          g_array_append_val (replay, ((Replay) { g_array_index (scan->runs, Run, i).first, 0, s, i }));
      for (guint i = 0; i < scan->pids->len; i++)
        g_array_append_val (replay, ((Replay) { g_array_index (scan->pids, PidEvent, i).ts, 1, s, i }));
      for (guint i = 0; i < scan->messages->len; i++)
        if (g_array_index (scan->messages, Message, i).tid != START_TID &&
            g_array_index (scan->messages, Message, i).tid != LOSS_TID)
          g_array_append_val (replay, ((Replay) { g_array_index (scan->messages, Message, i).event.ts, 2, s, i }));
      g_array_append_vals (model->handovers, scan->handovers->data, scan->handovers->len);
    }
  g_array_sort (model->handovers, compare_handover_begin);
  g_array_sort (replay, compare_replay);
  /* Every thread's pids first, in time order, so that pid_event_at() can look ahead. */
  for (guint i = 0; i < replay->len; i++)
    {
      const Replay *r = &g_array_index (replay, Replay, i);
      const PidEvent *pe;
      GArray *events;

      if (r->kind != 1)
        continue;
      pe = &g_array_index (scans[r->stream].scan->pids, PidEvent, r->index);
      events = g_hash_table_lookup (pids, GINT_TO_POINTER (pe->tid));
      if (events == NULL)
        {
          events = g_array_new (FALSE, FALSE, sizeof (PidEvent));
          g_hash_table_insert (pids, GINT_TO_POINTER (pe->tid), events);
        }
      g_array_append_val (events, *pe);
    }
  exits = _strata_analysis_records_kinds (trace, G_GUINT64_CONSTANT (1) << STRATA_EV_PROCESS_EXIT);
  g_hash_table_iter_init (&iter, pids);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    settle_pid_events (value, exits);
  split_reused_runs (scans, n, pids, replay);
  guessed_vms = guess_vms (scans, n, pids);
  for (guint i = 0; i < replay->len; i++)
    {
      const Replay *r = &g_array_index (replay, Replay, i);

      if (r->kind == 0)
        {
          Run *run = &g_array_index (scans[r->stream].scan->runs, Run, r->index);
          gpointer known = g_hash_table_lookup (model->vcpu_of, GINT_TO_POINTER (run->tid));
          gint32 vcpu = run->vcpu_id;
          gboolean guessed;
          Vm *vm = get_vm (model, vm_pid_of (pids, guessed_vms, run->tid, run->first, &guessed), &run->vm_index);

          vm->pid_guessed |= guessed;

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
          note_vcpu_life (model, pids, run, ((run->vm_index << 16) | vcpu) + 1);
          run->vm = vm;
          run->vcpu = vcpu;
        }
      else if (r->kind == 2)
        {
          const Message *message = &g_array_index (scans[r->stream].scan->messages, Message, r->index);
          const StrataEvent *e = &message->event;

          if (e->kind == STRATA_EV_VMSYNC_GH_HOST || e->kind == STRATA_EV_VMSYNC_HG_HOST)
            {
              guint vm_index;
              gboolean guessed;
              Vm *vm = get_vm (model, vm_pid_of (pids, guessed_vms, message->tid, e->ts, &guessed), &vm_index);

              vm->pid_guessed |= guessed;

              vm->vm_uid = e->f[STRATA_F_VMSYNC_VM_UID];
              vm->has_uid = TRUE;
              vmsync_record (model->a, e->f[STRATA_F_VMSYNC_VM_UID], e->f[STRATA_F_VMSYNC_CNT],
                             e->kind == STRATA_EV_VMSYNC_GH_HOST, TRUE, e->ts);
            }
          else
            scan_message (model, e);
        }
    }

  /* The windows, each vCPU's in time order: where each run's go is found here, the copying
   * and sorting (tens of megabytes on an exit-heavy host) run on every core. */
  place_windows (scans, n, vms);
}

/* The handovers of a machine that is no host (see LOSS_TID), from the scans of its streams
 * that lost events, each stream on its own. */
static void
scan_handovers (Model *model)
{
  StrataTrace *trace = model->machine->trace;

  for (guint s = 0; s < trace->streams->len; s++)
    {
      StrataStream *stream = g_ptr_array_index (trace->streams, s);
      StrataStreamScan *scan;

      if (stream->losses->len == 0)
        continue;
      scan = stream_scan_whole (stream) ? g_steal_pointer (&stream->scan)
                                        : scan_again (model, &stream->buffer, 1, stream->losses);
      resolve_losses_at_end (scan);
      g_array_append_vals (model->handovers, scan->handovers->data, scan->handovers->len);
      strata_stream_scan_free (scan);
    }
  g_array_sort (model->handovers, compare_handover_begin);
}

void
_strata_analysis_scan (Model *model)
{
  gboolean kernel = g_strcmp0 (model->machine->trace->domain, "ust") != 0;

  _strata_analysis_ensure_cpus (model, model->machine->n_cpus);
  if (kernel)
    _strata_analysis_find_starts (model);
  /* What scan_messages() records does not change when recorded again by scan_host(). */
  if (model->machine->trace->has_kvm || !scan_messages (model))
    scan_host (model);
  else if (kernel)
    scan_handovers (model);
  /* A machine that is no host did not need what its streams gathered: not kept with the set. */
  for (guint s = 0; s < model->machine->trace->streams->len; s++)
    g_clear_pointer (&((StrataStream *) g_ptr_array_index (model->machine->trace->streams, s))->scan,
                     strata_stream_scan_free);
}
