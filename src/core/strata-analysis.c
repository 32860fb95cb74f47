/* strata-analysis.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <string.h>

#include "strata-analysis-private.h"
#include "strata-parallel.h"

/*
 * Two passes over each machine's events. The first (scan) finds what the second needs to know
 * up front: the host's vCPU threads and their VMs, guest-mode windows, and the messages that
 * synchronize clocks. Then guests are linked and clocks solved. The second pass runs the
 * kernel model of each machine in host time and writes the rows: guests first, so that the
 * host's pass can fuse the guests' CPU rows into its pCPU rows at each guest-mode window.
 */

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

static guint
net_key_hash (gconstpointer p)
{
  const NetKey *k = p;

  /* Unsigned: damaged values overflow a signed product. */
  return (guint) ((guint64) k->seq * 2654435761u) ^ (guint) ((guint64) k->ack * 40503u) ^
         (guint) k->flags;
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
    case STRATA_SYNC_METHOD_KVM: return "kvm";
    case STRATA_SYNC_METHOD_NONE:
    default: return "none";
    }
}

const char *
strata_preemption_kind_to_string (StrataPreemptionKind kind)
{
  return kind == STRATA_PREEMPTION_WAKEUP ? "wakeup" : "preemption";
}

const char *
strata_cause_state_to_string (StrataCauseState state)
{
  switch (state)
    {
    case STRATA_CAUSE_GUEST: return "guest";
    case STRATA_CAUSE_HYPERVISOR: return "hypervisor";
    case STRATA_CAUSE_IDLE: return "idle";
    case STRATA_CAUSE_HOST:
    default: return "host";
    }
}

const char *
strata_link_to_string (StrataLink link)
{
  switch (link)
    {
    case STRATA_LINK_VMSYNC: return "vmsync";
    case STRATA_LINK_KVM: return "kvm";
    case STRATA_LINK_MAP: return "map";
    case STRATA_LINK_NONE:
    default: return "none";
    }
}

static void
machine_free (gpointer data)
{
  StrataMachine *m = data;

  g_free (m->name);
  g_array_unref (m->vcpus);
  g_array_unref (m->threads);
  g_array_unref (m->fits);
  g_free (m);
}

StrataMachine *
_strata_analysis_machine_new (const char *name)
{
  StrataMachine *m = g_new0 (StrataMachine, 1);

  m->name = g_strdup (name);
  m->parent = -1;
  m->vm_pid = -1;
  m->vcpus = g_array_new (FALSE, FALSE, sizeof (StrataVcpu));
  m->threads = g_array_new (FALSE, FALSE, sizeof (StrataThreadInfo));
  m->fits = g_array_new (FALSE, FALSE, sizeof (StrataVmFit));
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
model_free (gpointer data)
{
  Model *model = data;

  if (model == NULL)
    return;
  g_clear_pointer (&model->threads, g_hash_table_unref);
  g_clear_pointer (&model->thread_blocks, g_ptr_array_unref);
  g_clear_pointer (&model->vcpu_threads, g_ptr_array_unref);
  g_array_unref (model->cpus);
  g_hash_table_unref (model->irqs);
  g_hash_table_unref (model->softirqs);
  g_hash_table_unref (model->vcpu_of);
  g_hash_table_unref (model->vcpu_lives);
  g_hash_table_unref (model->net_send);
  g_hash_table_unref (model->net_recv);
  strata_store_builder_free (model->b);
  g_array_unref (model->preemptions);
  g_array_unref (model->handovers);
  g_clear_pointer (&model->waiting, g_ptr_array_unref);
  g_clear_pointer (&model->exits, strata_exits_builder_free);
  g_clear_pointer (&model->guest_cursor, g_array_unref);
  g_clear_pointer (&model->kvm_events, g_ptr_array_unref);
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
  model->threads = g_hash_table_new (NULL, NULL);
  model->thread_blocks = g_ptr_array_new_with_free_func (g_free);
  model->vcpu_threads = g_ptr_array_new_with_free_func (g_free);
  model->cpus = g_array_new (FALSE, TRUE, sizeof (Cpu));
  model->irqs = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  model->softirqs = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  model->vcpu_of = g_hash_table_new (NULL, NULL);
  model->vcpu_lives = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  model->net_send = g_hash_table_new_full (net_key_hash, net_key_equal, g_free, g_free);
  model->net_recv = g_hash_table_new_full (net_key_hash, net_key_equal, g_free, g_free);
  model->prefix = g_strdup_printf ("%s/", model->machine->name);
  model->b = strata_store_builder_new_spilling (a->spill);
  model->preemptions = g_array_new (FALSE, FALSE, sizeof (StrataPreemption));
  model->handovers = g_array_new (FALSE, FALSE, sizeof (Handover));
  model->exits = strata_exits_builder_new ();
  return model;
}

void
_strata_analysis_ensure_cpus (Model *model,
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
      c->start_ts = G_MAXINT64;
      c->cut_ts = G_MAXINT64;
      c->start_tid = -1;
      c->irq = -1;
      c->softirq = -1;
    }
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
 * a row a finished model will not touch again, queued as soon as that model is done, or the
 * KVM exits' index, queued once every host's model is. */
typedef struct
{
  Model *model;
  gint   row;             /* TASK_PASS: the machine's pass; TASK_EXITS: the exits' index; else
                           * a row to summarize */
} Task;

#define TASK_PASS  (-1)
#define TASK_EXITS (-2)

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
  guint                        hosts;     /* with summarize: hosts' passes not yet done */
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

static gboolean model_is_host (Model *model);

/* Rows the model pass is done with: not a host's CPU rows (fusion rewrites them), and not
 * thread rows (summarized when first drawn). */
static void
push_summaries (Tasks *tasks,
                Model *model)
{
  GHashTableIter iter;
  gpointer value;

  for (guint c = 0; c < model->cpus->len && !model_is_host (model); c++)
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

/* Only a host's model records KVM exits. */
static gboolean
model_is_host (Model *model)
{
  return model->machine->role == STRATA_ROLE_HOST;
}

/* The exits' index, made once every host's model ran, on a core a model no longer needs,
 * rather than in the merge: its builders, half again its size, then do not wait through
 * fusion, which makes the peak of a set of many guest threads and exits. */
static void
index_exits (Analysis *a)
{
  g_autofree StrataExitsBuilder **builders = g_new0 (StrataExitsBuilder *, MAX (a->models->len, 1));
  guint n = 0;

  for (guint m = 0; m < a->models->len; m++)
    {
      Model *model = g_ptr_array_index (a->models, m);

      if (model != NULL && model_is_host (model))
        builders[n++] = g_steal_pointer (&model->exits);
    }
  a->exits = strata_exits_new (builders, n);
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
      if (task->row == TASK_PASS)
        tasks->run (task->model, tasks->options);
      else if (task->row == TASK_EXITS)
        index_exits (tasks->a);
      else
        strata_store_builder_summarize (task->model->b, task->row, tasks->end);
      g_mutex_lock (&tasks->lock);
      if (task->row == TASK_PASS)
        {
          if (tasks->summarize)
            {
              push_summaries (tasks, task->model);
              if (model_is_host (task->model) && --tasks->hosts == 0)
                push_task (tasks, NULL, TASK_EXITS);
            }
          tasks->passes--;
          g_cond_broadcast (&tasks->cond);
        }
      g_free (task);
    }
  g_mutex_unlock (&tasks->lock);
  return NULL;
}

/* A VM's guest-mode windows (16 bytes a KVM entry, the most on an exit-heavy host) serve the
 * link and the guest's model pass only: not held to the end of the analysis, where its peak
 * memory is. The vCPUs stay, each with no windows. */
static void
vm_release_windows (Vm *vm)
{
  for (guint c = 0; c < vm->windows->len; c++)
    {
      g_array_unref (g_ptr_array_index (vm->windows, c));
      g_ptr_array_index (vm->windows, c) = g_array_new (FALSE, FALSE, sizeof (Window));
    }
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

static int
compare_vcpu_ids (gconstpointer a,
                  gconstpointer b)
{
  gint32 ia = ((const StrataVcpu *) a)->id, ib = ((const StrataVcpu *) b)->id;

  return (ia > ib) - (ia < ib);
}

/* A model's threads, as the set keeps them for lookups, and a host's vCPU threads, now that
 * its model named them: its thread state goes as soon as its model ends, while the other
 * models still run (a switch-heavy set has hundreds of thousands of threads, and holding
 * every model's until the last ended would make the peak). */
static void
keep_threads (Analysis *a,
              Model    *model)
{
  GArray *threads;
  gboolean hosts = FALSE, sorted = TRUE;

  for (guint v = 0; v < a->vms->len; v++)
    hosts |= ((Vm *) g_ptr_array_index (a->vms, v))->host == model->index;
  if (hosts)
    {
      /* Every thread that was a vCPU's, those whose ids went to another thread too. */
      for (guint i = 0; i < model->vcpu_threads->len; i++)
        {
          const VcpuThread *t = g_ptr_array_index (model->vcpu_threads, i);
          Vm *vm = t->vm >= 0 && (guint) t->vm < a->vms->len ? g_ptr_array_index (a->vms, t->vm) : NULL;
          StrataVcpu vc = { t->vcpu, t->tid, t->born, MIN (t->gone, t->exited) };

          /* A VM seen only through host vmsync events, or a vCPU id out of range, never ran
           * a vCPU: linking gave it no machine. */
          if (vm != NULL && vm->host == model->index && vm->machine < a->pub->machines->len)
            g_array_append_val (((StrataMachine *) g_ptr_array_index (a->pub->machines, vm->machine))->vcpus, vc);
        }
      /* By number, not in the order of the table (a vCPU added later came out anywhere). */
      for (guint v = 0; v < a->vms->len; v++)
        {
          Vm *vm = g_ptr_array_index (a->vms, v);

          if (vm->host == model->index && vm->machine < a->pub->machines->len)
            g_array_sort (((StrataMachine *) g_ptr_array_index (a->pub->machines, vm->machine))->vcpus, compare_vcpu_ids);
        }
    }

  /* Sized once, not grown by copies; read from the threads' blocks in the order they were
   * made, mostly that of their tids, not from the table: a model's end, where its thread
   * state and its rows' growth room are both held, is its memory peak, which is the shorter
   * as this is quick, and the lower as the table goes first and each block as soon as it is
   * read (the list grows by as much as they give back). */
  threads = g_array_sized_new (FALSE, FALSE, sizeof (StrataThreadInfo), g_hash_table_size (model->threads));
  g_clear_pointer (&model->threads, g_hash_table_unref);
  for (guint b = 0; b < model->thread_blocks->len; b++)
    {
      Thread *block = g_ptr_array_index (model->thread_blocks, b);
      const Thread *end = b + 1 < model->thread_blocks->len ? block + THREAD_BLOCK : model->thread_next;

      for (const Thread *t = block; t < end; t++)
        {
          StrataThreadInfo info = { t->tid, t->pid, t->ppid, t->vtid, t->vpid, t->name, t->ns_inum };

          sorted &= threads->len == 0 || g_array_index (threads, StrataThreadInfo, threads->len - 1).tid < t->tid;
          g_array_append_val (threads, info);
        }
      g_free (block);
      g_ptr_array_index (model->thread_blocks, b) = NULL;
    }
  if (!sorted)
    g_array_sort (threads, compare_thread_info);
  g_array_unref (model->machine->threads);
  model->machine->threads = threads;

  g_clear_pointer (&model->thread_blocks, g_ptr_array_unref);
  g_clear_pointer (&model->vcpu_threads, g_ptr_array_unref);
  model->thread_next = model->thread_end = NULL;
  memset (model->thread_cache, 0, sizeof model->thread_cache);
}

static void
model_pass (Model                       *model,
            const StrataAnalysisOptions *options)
{
  model->consume_events = options != NULL && options->release_events;
  _strata_analysis_run_model (model);
  strata_exits_builder_join (model->exits);
  /* Only this guest's model reads its VM's windows. */
  if (model->vm != NULL)
    vm_release_windows (model->vm);
  keep_threads (model->a, model);
  strata_store_builder_trim (model->b);
  /* Nothing is interned into a guest's builder from now on (fusion adds to the host's): its
   * index, 5 to 11 bytes a description, would only wait for the merge, which builds again what
   * it needs. */
  if ((gint) model->index != model->a->pub->host)
    strata_store_builder_drop_index (model->b);
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
  _strata_analysis_scan (model);
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
    {
      push_task (&tasks, g_ptr_array_index (order, i), TASK_PASS);
      tasks.hosts += summarize && model_is_host (g_ptr_array_index (order, i));
    }
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

      g_hash_table_iter_init (&iter, model->vcpu_lives);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        for (guint l = 0; l < ((GArray *) value)->len; l++)
          {
            VcpuLife *life = &g_array_index ((GArray *) value, VcpuLife, l);
            guint v = life->code - 1;

            life->code = ((new_index[v >> 16] << 16) | (v & 0xffff)) + 1;
          }
    }
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

/**
 * strata_analysis_vm_host:
 *
 * The host of machine @machine: the machine index of its parent when it is a VM, else the
 * set's host (-1 when there is none). A set of two KVM hosts has two, each with threads of
 * its own: what a VM's host thread is is looked up on its host.
 */
gint
strata_analysis_vm_host (StrataAnalysis *self,
                         guint           machine)
{
  g_return_val_if_fail (self != NULL, -1);

  if (machine < self->machines->len)
    {
      const StrataMachine *m = g_ptr_array_index (self->machines, machine);

      if (m->parent >= 0)
        return m->parent;
    }
  return self->host;
}

/**
 * strata_analysis_host_thread_name:
 *
 * The name (a string id, 0 when unknown) of @desc's host thread (`host_tid`), the vCPU
 * thread of a guest's interval, on the host of @desc's VM: the last its host's model saw,
 * which a vCPU thread has from before it first enters the guest.
 */
guint32
strata_analysis_host_thread_name (StrataAnalysis        *self,
                                  const StrataStateDesc *desc)
{
  const StrataThreadInfo *info;
  gint host;

  g_return_val_if_fail (self != NULL && desc != NULL, 0);

  if (desc->host_tid < 0)
    return 0;
  host = strata_analysis_vm_host (self, desc->machine);
  if (host < 0 || (info = strata_analysis_find_thread (self, host, desc->host_tid)) == NULL)
    return 0;
  return info->name;
}

static void
phase_done (const StrataAnalysisOptions *options,
            const char                  *phase)
{
  if (options != NULL && options->phase_func != NULL)
    options->phase_func (phase, options->phase_data);
}

/* Cancelled: everything made so far goes. */
static StrataAnalysis *
analysis_abort (Analysis *a)
{
  strata_store_builder_free (a->builder);
  strata_exits_free (a->exits);
  g_ptr_array_unref (a->models);
  g_ptr_array_unref (a->vms);
  g_hash_table_unref (a->vmsync);
  g_mutex_clear (&a->strings_lock);
  g_mutex_clear (&a->vms_lock);
  strata_analysis_unref (a->pub);
  return NULL;
}

/* An analysis of @set with nothing in it yet. */
StrataAnalysis *
_strata_analysis_new_empty (StrataSet *set)
{
  StrataAnalysis *pub = g_new0 (StrataAnalysis, 1);

  g_atomic_ref_count_init (&pub->ref_count);
  pub->set = strata_set_ref (set);
  pub->machines = g_ptr_array_new_with_free_func (machine_free);
  pub->warnings = g_ptr_array_new_with_free_func (g_free);
  pub->preemptions = g_array_new (FALSE, FALSE, sizeof (StrataPreemption));
  pub->host = pub->primary = -1;
  return pub;
}

/* What the merge does beside absorbing the builders, which it does not touch. */
typedef struct
{
  Analysis            *a;
  StrataExitsBuilder **exits;   /* a model's each, taken */
  StrataExits         *index;
} MergeJob;

static gpointer
merge_side (gpointer data)
{
  MergeJob *job = data;

  _strata_analysis_sort_preemptions (job->a->preemptions);
  /* Made during the models' pass (index_exits()) unless no machine is a host. */
  if (job->index == NULL)
    job->index = strata_exits_new (job->exits, job->a->models->len);
  return NULL;
}

StrataAnalysis *
strata_analysis_new (StrataSet                   *set,
                     const StrataAnalysisOptions *options,
                     GError                     **error)
{
  StrataAnalysis *pub;
  Analysis a = { 0 };
  gint64 begin = G_MAXINT64, end = G_MININT64;

  g_return_val_if_fail (set != NULL, NULL);

  pub = _strata_analysis_new_empty (set);
  a.pub = pub;
  a.spill = options != NULL ? options->spill : NULL;
  a.builder = strata_store_builder_new_spilling (a.spill);
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
      m = _strata_analysis_machine_new (trace->machine);
      m->trace = trace;
      m->n_cpus = trace->n_cpus;
      m->role = trace->has_kvm ? STRATA_ROLE_HOST : STRATA_ROLE_STANDALONE;
      g_ptr_array_add (pub->machines, m);
      g_ptr_array_add (a.models, model_new (&a, pub->machines->len - 1));
      if (m->role == STRATA_ROLE_HOST && pub->host < 0)
        pub->host = pub->machines->len - 1;
      a.kvm_fit |= m->role == STRATA_ROLE_HOST;
    }

  /* The pcpu rows belong to the host; without one, to the first kernel trace. */
  pub->primary = pub->host;
  for (guint m = 0; m < a.models->len && pub->primary < 0; m++)
    if (g_strcmp0 (((StrataMachine *) g_ptr_array_index (pub->machines, m))->trace->domain, "ust") != 0)
      pub->primary = m;

  phase_done (options, NULL);
  run_models (&a, NULL, scan_pass, FALSE, 0);
  if (g_cancellable_set_error_if_cancelled (a.cancellable, error))
    return analysis_abort (&a);
  order_vms (&a);
  phase_done (options, "scan");
  _strata_analysis_link_guests (&a, options);
  _strata_analysis_solve_clocks (&a);

  for (guint m = 0; m < a.models->len; m++)
    {
      Model *model = g_ptr_array_index (a.models, m);

      model->primary = (gint) m == pub->primary;
      if (g_strcmp0 (model->machine->trace->domain, "ust") != 0)
        _strata_analysis_create_cpu_rows (model, (gint) m == pub->host);
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

  phase_done (options, "link and sync");
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

  a.end = end;
  run_models (&a, options, model_pass, TRUE, end);
  if (g_cancellable_set_error_if_cancelled (a.cancellable, error))
    return analysis_abort (&a);
  for (guint v = 0; v < a.vms->len; v++)
    vm_release_windows (g_ptr_array_index (a.vms, v));
  phase_done (options, "models");
  /* Every KVM host's: the set's first one has the pcpu/N rows, another its own CPU rows. */
  for (guint m = 0; m < a.models->len; m++)
    if (model_is_host (g_ptr_array_index (a.models, m)))
      _strata_analysis_fuse (&a, g_ptr_array_index (a.models, m), end);
  phase_done (options, "fusion");
  _strata_analysis_fix_names (&a);
  phase_done (options, "names");
  /* The preemptions' order, and the exits' index when no host's model made it, are made on
   * another core meanwhile. */
  {
    MergeJob job = { &a, g_new0 (StrataExitsBuilder *, MAX (a.models->len, 1)), g_steal_pointer (&a.exits) };
    GThread *thread;
    guint largest = 0;

    for (guint m = 0; m < a.models->len; m++)
      {
        Model *model = g_ptr_array_index (a.models, m);

        g_array_append_vals (a.preemptions, model->preemptions->data, model->preemptions->len);
        if (job.index == NULL)
          job.exits[m] = g_steal_pointer (&model->exits);
      }
    thread = g_thread_try_new ("strata-exits", merge_side, &job, NULL);
    if (thread == NULL)
      merge_side (&job);
    /* The largest builder first: into an empty one, its descriptions keep their ids. */
    for (guint m = 1; m < a.models->len; m++)
      if (strata_store_builder_n_changes (((Model *) g_ptr_array_index (a.models, m))->b) >
          strata_store_builder_n_changes (((Model *) g_ptr_array_index (a.models, largest))->b))
        largest = m;
    if (largest < a.models->len)
      strata_store_builder_absorb (a.builder, g_steal_pointer (&((Model *) g_ptr_array_index (a.models, largest))->b));
    for (guint m = 0; m < a.models->len; m++)
      {
        Model *model = g_ptr_array_index (a.models, m);

        if (model->b != NULL)
          strata_store_builder_absorb (a.builder, g_steal_pointer (&model->b));
      }
    if (thread != NULL)
      g_thread_join (thread);
    pub->exits = job.index;
    g_free (job.exits);
  }
  phase_done (options, "merge");

  for (guint m = 0; m < pub->machines->len; m++)
    {
      StrataMachine *machine = g_ptr_array_index (pub->machines, m);

      if (machine->outside_guest_mode > 0)
        g_ptr_array_add (pub->warnings,
                         g_strdup_printf (ngettext ("%s: %" PRIu64 " guest event falls outside the guest mode of its vCPU; it is not drawn on the host",
                                                    "%s: %" PRIu64 " guest events fall outside the guest mode of their vCPU; they are not drawn on the host",
                                                    machine->outside_guest_mode),
                                          machine->name, machine->outside_guest_mode));
    }

  /* Causes need the rows, not their drawing summaries: found while those are built. */
  pub->store = strata_store_builder_finish_full (g_steal_pointer (&a.builder), begin, end,
                                                 _strata_analysis_find_causes, pub);
  phase_done (options, "store and causes");

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
  g_return_val_if_fail (self != NULL, NULL);

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
  strata_exits_free (self->exits);
  g_ptr_array_unref (self->machines);
  g_ptr_array_unref (self->warnings);
  strata_store_free (self->store);
  strata_set_unref (self->set);
  g_free (self);
}

guint
strata_analysis_get_n_machines (StrataAnalysis *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->machines->len;
}

/**
 * strata_analysis_get_machine:
 *
 * Returns: (transfer none) (nullable): machine @machine, or %NULL when there is none
 */
StrataMachine *
strata_analysis_get_machine (StrataAnalysis *self,
                             gint            machine)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (machine < 0 || (guint) machine >= self->machines->len)
    return NULL;
  return g_ptr_array_index (self->machines, machine);
}

/**
 * strata_analysis_get_machine_name:
 *
 * Returns: (transfer none) (nullable): the name of machine @machine, or %NULL when there is none
 */
const char *
strata_analysis_get_machine_name (StrataAnalysis *self,
                                  gint            machine)
{
  StrataMachine *m;

  g_return_val_if_fail (self != NULL, NULL);

  m = strata_analysis_get_machine (self, machine);
  return m != NULL ? m->name : NULL;
}

gboolean
strata_analysis_machine_is_host (StrataAnalysis *self,
                                 gint            machine)
{
  StrataMachine *m;

  g_return_val_if_fail (self != NULL, FALSE);

  m = strata_analysis_get_machine (self, machine);
  return m != NULL && m->role == STRATA_ROLE_HOST;
}

gboolean
strata_analysis_machine_is_guest (StrataAnalysis *self,
                                  gint            machine)
{
  StrataMachine *m;

  g_return_val_if_fail (self != NULL, FALSE);

  m = strata_analysis_get_machine (self, machine);
  return m != NULL && m->role == STRATA_ROLE_GUEST;
}

/* Returns: the index of the machine named @name, or -1 */
gint
strata_analysis_find_machine (StrataAnalysis *self,
                              const char     *name)
{
  g_return_val_if_fail (self != NULL, -1);

  for (guint i = 0; i < self->machines->len; i++)
    if (g_strcmp0 (((StrataMachine *) g_ptr_array_index (self->machines, i))->name, name) == 0)
      return i;
  return -1;
}

void
strata_guest_iter_init (StrataGuestIter *iter,
                        StrataAnalysis  *analysis,
                        gint             host)
{
  g_return_if_fail (iter != NULL);
  g_return_if_fail (analysis != NULL);

  iter->analysis = analysis;
  iter->host = host;
  iter->next = 0;
}

/* Returns: %FALSE when @iter's host has no more guests; else %TRUE, with the next in @guest */
gboolean
strata_guest_iter_next (StrataGuestIter *iter,
                        guint           *guest)
{
  g_return_val_if_fail (iter != NULL, FALSE);
  g_return_val_if_fail (guest != NULL, FALSE);

  while (iter->next < iter->analysis->machines->len)
    {
      guint m = iter->next++;
      StrataMachine *machine = g_ptr_array_index (iter->analysis->machines, m);

      if (iter->host >= 0 && machine->role == STRATA_ROLE_GUEST && machine->parent == iter->host)
        {
          *guest = m;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
strata_analysis_string (StrataAnalysis *self,
                        guint32         id)
{
  g_return_val_if_fail (self != NULL, NULL);

  return strata_strtab_get (self->set->strings, id);
}
