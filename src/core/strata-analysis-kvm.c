/* strata-analysis-kvm.c: guests paired with their VMs, and their clocks, from KVM windows
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-kvm"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "strata-analysis-private.h"
#include "strata-parallel.h"

/*
 * A guest trace with no vmsync link is fitted to the KVM windows of every VM with as many
 * vCPUs as it has CPUs (strata-kvm-sync), all pairs on every core; a guest is paired with the
 * VM it fits clearly better than any other, and its clock is that fit's. A --map (or the
 * app's Link to VM) forces the pairing, never the clock: the fit still measures it, and says
 * when the pairing looks wrong. What stays unpaired is said, with why and what to do.
 */

/* The fit reads at most this many events of a guest, evenly spread: enough for the windows'
 * edges, bounded in memory and time whatever the trace. */
#define MAX_FIT_EVENTS (1 << 17)

G_STATIC_ASSERT (sizeof (Window) == sizeof (StrataKvmWindow));
G_STATIC_ASSERT (G_STRUCT_OFFSET (Window, start) == G_STRUCT_OFFSET (StrataKvmWindow, start));
G_STATIC_ASSERT (G_STRUCT_OFFSET (Window, end) == G_STRUCT_OFFSET (StrataKvmWindow, end));

static int
compare_ts (gconstpointer a,
            gconstpointer b)
{
  gint64 ta = *(const gint64 *) a, tb = *(const gint64 *) b;

  return (ta > tb) - (ta < tb);
}

/* Whether CPU @cpu of @model's trace has an event. */
static gboolean
cpu_has_events (Model *model,
                guint  cpu)
{
  StrataTrace *trace = model->machine->trace;

  for (guint s = 0; s < trace->streams->len; s++)
    {
      StrataStream *stream = g_ptr_array_index (trace->streams, s);

      if (stream->cpu == cpu && strata_event_buffer_count (stream->buffer) > 0)
        return TRUE;
    }
  return FALSE;
}

KvmSampler *
_strata_analysis_kvm_sampler_new (Model *model)
{
  StrataTrace *trace = model->machine->trace;
  guint n_cpus = MIN (trace->n_cpus, 4096);
  guint64 total = 0;
  KvmSampler *sampler;

  if (n_cpus == 0)
    return NULL;
  for (guint s = 0; s < trace->streams->len; s++)
    total += strata_event_buffer_count (((StrataStream *) g_ptr_array_index (trace->streams, s))->buffer);
  sampler = g_new0 (KvmSampler, 1);
  sampler->model = model;
  sampler->stride = MAX ((total + MAX_FIT_EVENTS - 1) / MAX_FIT_EVENTS, 1);
  sampler->until = 1;
  sampler->by_cpu = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint c = 0; c < n_cpus; c++)
    g_ptr_array_add (sampler->by_cpu, g_array_sized_new (FALSE, FALSE, sizeof (gint64),
                                                         MIN (total / n_cpus / sampler->stride + 1, 1 << 16)));
  return sampler;
}

void
_strata_analysis_kvm_sampler_free (KvmSampler *sampler)
{
  if (sampler == NULL)
    return;
  g_clear_pointer (&sampler->by_cpu, g_ptr_array_unref);
  g_free (sampler);
}

/* The times, in order, become the model's. */
void
_strata_analysis_kvm_sampler_finish (KvmSampler *sampler)
{
  /* One stream a CPU keeps them in order; several channels of one CPU need a sort. */
  for (guint c = 0; c < sampler->by_cpu->len; c++)
    {
      GArray *ts = g_ptr_array_index (sampler->by_cpu, c);

      for (guint i = 1; i < ts->len; i++)
        if (g_array_index (ts, gint64, i) < g_array_index (ts, gint64, i - 1))
          {
            g_array_sort (ts, compare_ts);
            break;
          }
    }
  g_clear_pointer (&sampler->model->kvm_events, g_ptr_array_unref);
  sampler->model->kvm_events = g_steal_pointer (&sampler->by_cpu);
  _strata_analysis_kvm_sampler_free (sampler);
}

typedef struct
{
  Model            *guest;
  Vm               *vm;
  gboolean          forced;
  StrataKvmFit      fit;
  gboolean          has_seed;  /* combining: the clock the messages or windows gave */
  StrataSyncResult  seed;
  GArray           *messages;  /* StrataKvmMessage, or NULL */
} Pair;

typedef struct
{
  Analysis *a;
  GArray   *pairs;
  gint      next;
} FitJob;

static void
fit_pair (Analysis *a,
          Pair     *pair)
{
  StrataTrace *host = ((Model *) g_ptr_array_index (a->models, pair->vm->host))->machine->trace;
  StrataTrace *trace = pair->guest->machine->trace;
  GPtrArray *events = pair->guest->kvm_events;
  guint n_vcpus = pair->vm->windows->len;
  g_autofree StrataKvmWindows *vcpus = g_new0 (StrataKvmWindows, MAX (n_vcpus, 1));
  g_autofree StrataKvmEvents *cpus = g_new0 (StrataKvmEvents, MAX (events->len, 1));
  StrataKvmFitParams params = { 0 };

  for (guint k = 0; k < n_vcpus; k++)
    {
      GArray *w = g_ptr_array_index (pair->vm->windows, k);

      vcpus[k].windows = (const StrataKvmWindow *) (gconstpointer) w->data;
      vcpus[k].n = w->len;
    }
  for (guint c = 0; c < events->len; c++)
    {
      GArray *ts = g_ptr_array_index (events, c);

      cpus[c].ts = (const gint64 *) (gconstpointer) ts->data;
      cpus[c].n = ts->len;
    }
  params.vcpus = vcpus;
  params.n_vcpus = n_vcpus;
  params.host_begin = strata_time_clamp (host->begin_ns);
  params.host_end = strata_time_clamp (host->end_ns);
  params.cpus = cpus;
  params.n_cpus = events->len;
  params.guest_begin = strata_time_clamp (trace->begin_ns);
  params.guest_end = strata_time_clamp (trace->end_ns);
  params.seed = pair->has_seed ? &pair->seed : NULL;
  if (pair->messages != NULL)
    {
      params.messages = (const StrataKvmMessage *) (gconstpointer) pair->messages->data;
      params.n_messages = pair->messages->len;
    }
  strata_kvm_fit (&params, &pair->fit);
}

static gpointer
fit_worker (gpointer data)
{
  FitJob *job = data;
  gint i;

  while ((i = g_atomic_int_add (&job->next, 1)) < (gint) job->pairs->len)
    if (!g_cancellable_is_cancelled (job->a->cancellable))
      fit_pair (job->a, &g_array_index (job->pairs, Pair, i));
  return NULL;
}

static Vm *
find_vm (Analysis *a,
         gint64    pid)
{
  for (guint v = 0; v < a->vms->len; v++)
    {
      Vm *vm = g_ptr_array_index (a->vms, v);

      if (vm->pid == pid && vm->windows->len > 0)
        return vm;
    }
  return NULL;
}

static Model *
find_model (Analysis   *a,
            const char *name)
{
  for (guint m = 0; m < a->models->len; m++)
    {
      Model *model = g_ptr_array_index (a->models, m);

      if (model != NULL && g_strcmp0 (model->machine->name, name) == 0)
        return model;
    }
  return NULL;
}

/* "VM 3000 (2 vCPUs), VM 3200 (4 vCPUs)": the VMs no trace is linked to yet. */
static char *
describe_vms (Analysis *a)
{
  GString *out = g_string_new (NULL);

  for (guint v = 0; v < a->vms->len; v++)
    {
      Vm *vm = g_ptr_array_index (a->vms, v);

      if (vm->windows->len == 0 || vm->machine != G_MAXUINT)
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append_printf (out, ngettext ("VM %" PRId64 " (%u vCPU)",
                                                "VM %" PRId64 " (%u vCPUs)", vm->windows->len),
                              vm->pid, vm->windows->len);
    }
  return g_string_free (out, FALSE);
}

static void G_GNUC_PRINTF (2, 3)
warn (Analysis   *a,
      const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (a->pub->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

static double
outside (const Pair *pair)
{
  return 100 * strata_kvm_fit_outside_share (&pair->fit);
}

typedef struct
{
  const StrataVmMap *map;
  Model             *model;
  Vm                *vm;
  gboolean           clash;
} MapEntry;

/* The maps given, checked: each names a guest trace and a VM, and no other map names either
 * of them. Returns, by model index, the VM each model is mapped to (NULL: none). */
static Vm **
check_maps (Analysis                    *a,
            const StrataAnalysisOptions *options)
{
  Vm **mapped = g_new0 (Vm *, MAX (a->models->len, 1));
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (MapEntry));

  for (guint i = 0; options != NULL && i < options->n_maps; i++)
    {
      const StrataVmMap *map = &options->maps[i];
      Model *model = find_model (a, map->guest);
      Vm *vm = find_vm (a, map->host_pid);

      if (model == NULL)
        warn (a, _("--map %s=%" PRId64 ": no machine named %s"), map->guest, map->host_pid, map->guest);
      else if (vm == NULL)
        {
          g_autofree char *vms = describe_vms (a);

          warn (a, _("--map %s=%" PRId64 ": no VM has qemu pid %" PRId64 " (VMs that no vmsync events link: %s)"),
                map->guest, map->host_pid, map->host_pid, *vms ? vms : _("none"));
        }
      else if (model->machine->role == STRATA_ROLE_HOST || model->index == vm->host)
        warn (a, _("--map %s=%" PRId64 ": %s is a host, not a guest"), map->guest, map->host_pid, map->guest);
      else if (model->vm != NULL && model->vm != vm)
        warn (a, _("--map %s=%" PRId64 ": its vmsync events link %s to VM %" PRId64 "; the map is not used"),
              map->guest, map->host_pid, map->guest, model->vm->pid);
      else if (model->vm == NULL && vm->machine != G_MAXUINT)
        warn (a, _("--map %s=%" PRId64 ": vmsync events link VM %" PRId64 " to %s; the map is not used"),
              map->guest, map->host_pid, vm->pid,
              ((StrataMachine *) g_ptr_array_index (a->pub->machines, vm->machine))->name);
      else if (model->vm == NULL)
        g_array_append_val (entries, ((MapEntry) { map, model, vm, FALSE }));
    }

  /* One guest a VM, one VM a guest: maps that say otherwise are all left out. */
  for (guint i = 0; i < entries->len; i++)
    for (guint j = i + 1; j < entries->len; j++)
      {
        MapEntry *e = &g_array_index (entries, MapEntry, i), *f = &g_array_index (entries, MapEntry, j);

        if ((e->vm == f->vm) == (e->model == f->model))
          continue;
        if (e->vm == f->vm)
          warn (a, _("--map %s=%" PRId64 " and --map %s=%" PRId64 ": a VM runs one guest; neither map is used"),
                e->map->guest, e->map->host_pid, f->map->guest, f->map->host_pid);
        else
          warn (a, _("--map %s=%" PRId64 " and --map %s=%" PRId64 ": a guest runs in one VM; neither map is used"),
                e->map->guest, e->map->host_pid, f->map->guest, f->map->host_pid);
        e->clash = f->clash = TRUE;
      }
  for (guint i = 0; i < entries->len; i++)
    {
      MapEntry *e = &g_array_index (entries, MapEntry, i);

      if (!e->clash)
        mapped[e->model->index] = e->vm;
    }
  return mapped;
}

static void
record_fit (StrataMachine *machine,
            const Pair    *pair)
{
  StrataVmFit fit = { pair->vm->pid, pair->vm->windows->len, pair->fit.verdict,
                      strata_kvm_fit_outside_share (&pair->fit), pair->fit.empty, pair->fit.background,
                      pair->fit.n_events };

  g_array_append_val (machine->fits, fit);
}

static void
take_clock (Model      *model,
            const Pair *pair)
{
  StrataMachine *machine = model->machine;
  const StrataSyncResult *sync = &pair->fit.sync;

  if (pair->fit.verdict == STRATA_KVM_FIT_NONE ||
      (sync->quality != STRATA_SYNC_ACCURATE && sync->quality != STRATA_SYNC_APPROXIMATE))
    return;
  machine->sync_method = STRATA_SYNC_METHOD_KVM;
  machine->sync = *sync;
}

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  const Pair *pa = a, *pb = b;
  gboolean ga = pa->fit.verdict == STRATA_KVM_FIT_GOOD, gb = pb->fit.verdict == STRATA_KVM_FIT_GOOD;
  double sa = strata_kvm_fit_misfit (&pa->fit), sb = strata_kvm_fit_misfit (&pb->fit);

  if (pa->guest != pb->guest)
    return pa->guest->index < pb->guest->index ? -1 : 1;
  if (ga != gb)
    return ga ? -1 : 1;
  if (sa != sb)
    return sa < sb ? -1 : 1;
  return pa->vm->pid < pb->vm->pid ? -1 : pa->vm->pid > pb->vm->pid;
}

/* Why @guest stays unpaired, with its pairs (best first) in [@first, @end). */
static void
explain (Analysis   *a,
         Model      *guest,
         const Pair *first,
         const Pair *end,
         const Pair *taken_by)
{
  const char *name = guest->machine->name;
  g_autofree char *todo = g_strdup_printf (_("If it is a guest, link it with --map %s=QEMU_PID or Link to VM in the Traces tab"),
                                           name);
  const Pair *best = first != NULL && first < end ? first : NULL;
  const Pair *next = best != NULL && best + 1 < end ? best + 1 : NULL;

  if (best == NULL)
    {
      g_autofree char *vms = describe_vms (a);

      if (*vms == '\0')
        {
          /* Every VM its hosts traced has a guest already: one linked by hand may have taken
           * the VM this one would have been paired with. Said, not left in silence. */
          g_autoptr(GString) taken = g_string_new (NULL);

          for (guint v = 0; v < a->vms->len; v++)
            {
              Vm *vm = g_ptr_array_index (a->vms, v);
              const char *other = vm->machine != G_MAXUINT ? strata_analysis_get_machine_name (a->pub, vm->machine) : NULL;

              if (vm->windows->len == 0 || other == NULL)
                continue;
              if (taken->len > 0)
                g_string_append (taken, ", ");
              g_string_append_printf (taken, _("VM %" PRId64 " is %s's"), vm->pid, other);
            }
          if (taken->len > 0)
            warn (a, _("%s: not linked to a VM: every VM of its hosts has a guest already (%s). %s"),
                  name, taken->str, todo);
          return;
        }
      warn (a, ngettext ("%s: not linked to a VM: no VM without a guest has %u vCPU like its CPU (%s). %s",
                         "%s: not linked to a VM: no VM without a guest has %u vCPUs like its CPUs (%s). %s",
                         guest->kvm_events->len),
            name, guest->kvm_events->len, vms, todo);
    }
  else if (taken_by != NULL)
    warn (a, _("%s: not linked to a VM: VM %" PRId64 " fits it (%.2f%% of its events outside), but fits %s "
               "as well or better (%.2f%%). %s"),
          name, best->vm->pid, outside (best), taken_by->guest->machine->name, outside (taken_by), todo);
  else if (best->fit.verdict == STRATA_KVM_FIT_NONE)
    warn (a, _("%s: not linked to a VM: too few of its events fall where its host traced VM %" PRId64
               " to tell (were both traced at the same time?). %s"), name, best->vm->pid, todo);
  else if (best->fit.verdict == STRATA_KVM_FIT_POOR)
    warn (a, _("%s: not linked to a VM: its events fit no VM's guest-mode windows (VM %" PRId64
               " leaves %.1f%% of them outside); it may come from another host. %s"),
          name, best->vm->pid, outside (best), todo);
  else if (best->fit.verdict == STRATA_KVM_FIT_UNSPECIFIC)
    warn (a, _("%s: not linked to a VM: the vCPUs of VM %" PRId64 " are in guest mode %.0f%% of the time, "
               "so their windows would fit any trace. %s"), name, best->vm->pid, 100 * best->fit.background, todo);
  else if (next != NULL)
    warn (a, _("%s: not linked to a VM: VM %" PRId64 " and VM %" PRId64
               " fit its events about as well (%.2f%% and %.2f%% of them outside, %.0f%% and %.0f%% of "
               "the VMs' guest-mode time without them). %s"),
          name, best->vm->pid, next->vm->pid, outside (best), outside (next), 100 * best->fit.empty,
          100 * next->fit.empty, todo);
}

/* A forced pairing: the clock is the fit's, and a fit that contradicts it is said. */
static void
link_mapped (Analysis *a,
             Pair     *pair)
{
  StrataMachine *machine = pair->guest->machine;

  _strata_analysis_link_vm (pair->guest, pair->vm, STRATA_LINK_MAP);
  record_fit (machine, pair);
  take_clock (pair->guest, pair);
  if (pair->guest->kvm_events->len != pair->vm->windows->len)
    warn (a, _("--map %s=%" PRId64 ": %s has %u CPUs but VM %" PRId64 " has %u vCPUs"),
          machine->name, pair->vm->pid, machine->name, pair->guest->kvm_events->len, pair->vm->pid,
          pair->vm->windows->len);
  switch (pair->fit.verdict)
    {
    case STRATA_KVM_FIT_GOOD:
      /* Inside the windows, but in few of them: a sparse guest placed on a busy VM. */
      if (pair->fit.empty > 0.75)
        warn (a, _("--map %s=%" PRId64 ": VM %" PRId64 " ran %.0f%% of its guest-mode time "
                   "without any event of %s: the link may be wrong"),
              machine->name, pair->vm->pid, pair->vm->pid, 100 * pair->fit.empty, machine->name);
      break;
    case STRATA_KVM_FIT_POOR:
      warn (a, _("--map %s=%" PRId64 ": its events do not fit the guest-mode windows of VM %" PRId64
                 " (%.1f%% of them outside): the link is probably wrong"),
            machine->name, pair->vm->pid, pair->vm->pid, outside (pair));
      break;
    case STRATA_KVM_FIT_UNSPECIFIC:
      warn (a, _("--map %s=%" PRId64 ": the vCPUs of VM %" PRId64 " are in guest mode %.0f%% of the "
                 "time, so their windows hardly tell its clock; it may be off"),
            machine->name, pair->vm->pid, pair->vm->pid, 100 * pair->fit.background);
      break;
    case STRATA_KVM_FIT_NONE:
    default:
      warn (a, _("--map %s=%" PRId64 ": too few of its events fall where VM %" PRId64
                 " was traced to measure its clock; its times are not corrected"),
            machine->name, pair->vm->pid, pair->vm->pid);
      break;
    }
}

void
_strata_analysis_kvm_link (Analysis                    *a,
                           const StrataAnalysisOptions *options)
{
  g_autofree Vm **mapped = check_maps (a, options);
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  g_autofree gint *choice = NULL;
  FitJob job = { a, pairs, 0 };
  guint start;

  /* Every pair to fit: the maps, then each unlinked trace that may be a guest with each VM of
   * its size that no vmsync event links. */
  for (guint m = 0; m < a->models->len; m++)
    {
      Model *model = g_ptr_array_index (a->models, m);

      if (model == NULL || model->vm != NULL || model->kvm_events == NULL)
        continue;
      /* A guest started with more possible CPUs than online ones (-smp N,maxcpus=M) has
       * streams for CPUs that never ran: the VM has a vCPU for each CPU that did. */
      while (model->kvm_events->len > 1 && !cpu_has_events (model, model->kvm_events->len - 1))
        g_ptr_array_set_size (model->kvm_events, model->kvm_events->len - 1);
      if (mapped[m] != NULL)
        {
          g_array_append_val (pairs, ((Pair) { model, mapped[m], TRUE }));
          continue;
        }
      for (guint v = 0; v < a->vms->len; v++)
        {
          Vm *vm = g_ptr_array_index (a->vms, v);
          gboolean is_mapped = FALSE;

          for (guint k = 0; k < a->models->len; k++)
            is_mapped |= mapped[k] == vm;
          if (vm->windows->len == model->kvm_events->len && vm->machine == G_MAXUINT && !is_mapped &&
              vm->host != m)
            g_array_append_val (pairs, ((Pair) { model, vm, FALSE }));
        }
    }
  strata_parallel_run ("strata-kvm-fit", pairs->len, fit_worker, &job);
  if (g_cancellable_is_cancelled (a->cancellable))
    return;

  for (guint i = 0; i < pairs->len; i++)
    {
      Pair *pair = &g_array_index (pairs, Pair, i);

      if (pair->forced)
        link_mapped (a, pair);
    }

  /* Each guest's choice: its best VM, when clearly better than its next best. */
  g_array_sort (pairs, compare_pairs);
  choice = g_new (gint, pairs->len + 1);
  for (guint i = 0; i < pairs->len; i = start)
    {
      Pair *best = &g_array_index (pairs, Pair, i);

      for (start = i + 1; start < pairs->len && g_array_index (pairs, Pair, start).guest == best->guest; start++)
        ;
      for (guint j = i; j < start; j++)
        {
          choice[j] = -1;
          if (!best->forced)
            record_fit (best->guest->machine, &g_array_index (pairs, Pair, j));
        }
      if (!best->forced && strata_kvm_fit_clearly_better (&best->fit, i + 1 < start ? &g_array_index (pairs, Pair, i + 1).fit : &(StrataKvmFit) { 0 }))
        choice[i] = (gint) i;
    }

  /* Two guests may choose one VM: the one it fits clearly better gets it, else neither. */
  for (guint i = 0; i < pairs->len; i = start)
    {
      Pair *first = &g_array_index (pairs, Pair, i);
      const Pair *taken_by = NULL;
      gboolean won = FALSE;

      for (start = i + 1; start < pairs->len && g_array_index (pairs, Pair, start).guest == first->guest; start++)
        ;
      if (first->forced)
        continue;
      if (choice[i] >= 0)
        {
          won = TRUE;
          for (guint j = 0; j < pairs->len && won; j++)
            {
              Pair *other = &g_array_index (pairs, Pair, j);

              if (j != i && choice[j] >= 0 && other->vm == first->vm &&
                  !strata_kvm_fit_clearly_better (&first->fit, &other->fit))
                {
                  won = FALSE;
                  taken_by = other;
                }
            }
        }
      if (won)
        {
          _strata_analysis_link_vm (first->guest, first->vm, STRATA_LINK_KVM);
          take_clock (first->guest, first);
        }
      else
        explain (a, first->guest, first, &g_array_index (pairs, Pair, 0) + start, taken_by);
    }

  /* Traces that may be guests but had no VM of their size. */
  for (guint m = 0; m < a->models->len; m++)
    {
      Model *model = g_ptr_array_index (a->models, m);
      gboolean tried = FALSE;

      if (model == NULL || model->vm != NULL || model->kvm_events == NULL)
        continue;
      for (guint i = 0; i < pairs->len && !tried; i++)
        tried = g_array_index (pairs, Pair, i).guest == model;
      if (!tried)
        explain (a, model, NULL, NULL, NULL);
    }
}

/* ---- messages and windows together ---- */

static void
add_message (GArray   *messages,
             gint64    guest,
             gint64    host,
             gboolean  to_host)
{
  StrataKvmMessage m = { guest, host, to_host };

  g_array_append_val (messages, m);
}

static void
collect_vmsync (Analysis *a,
                Model    *guest,
                GArray   *messages)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, a->vmsync);
  while (g_hash_table_iter_next (&iter, &value, NULL))
    {
      VmsyncPair *pair = value;

      if (pair->uid == guest->vm->vm_uid && pair->has_host && pair->has_guest)
        add_message (messages, pair->guest_ns, pair->host_ns, pair->gh);
    }
}

static void
collect_tcp (Model  *guest,
             Model  *host,
             GArray *messages)
{
  GHashTableIter iter;
  gpointer key, value, other;

  g_hash_table_iter_init (&iter, guest->net_send);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if ((other = g_hash_table_lookup (host->net_recv, key)) != NULL)
      add_message (messages, *(gint64 *) value, *(gint64 *) other, TRUE);
  g_hash_table_iter_init (&iter, host->net_send);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if ((other = g_hash_table_lookup (guest->net_recv, key)) != NULL)
      add_message (messages, *(gint64 *) other, *(gint64 *) value, FALSE);
}

/*
 * A guest with both sync messages and its VM's KVM windows. Linked by vmsync events that go
 * one way only, or too few to bound the drift (incomplete, approximate), its clock is fitted
 * to the windows with the messages in every hull; linked by its windows, TCP messages with
 * its host join the windows' constraints. The result replaces the clock only when the fit is
 * good and accurate, and no less accurate than the clock it had: messages that bound the
 * clock well on their own keep it as it was.
 */
void
_strata_analysis_kvm_combine (Analysis *a)
{
  g_autoptr(GArray) pairs = g_array_new (FALSE, TRUE, sizeof (Pair));
  FitJob job = { a, pairs, 0 };

  for (guint m = 0; m < a->models->len; m++)
    {
      Model *model = g_ptr_array_index (a->models, m);
      StrataMachine *machine;
      Pair pair = { 0 };

      if (model == NULL || model->vm == NULL || model->kvm_events == NULL || model->vm->windows->len == 0)
        continue;
      machine = model->machine;
      pair.guest = model;
      pair.vm = model->vm;
      pair.messages = g_array_new (FALSE, FALSE, sizeof (StrataKvmMessage));
      if (machine->sync_method == STRATA_SYNC_METHOD_VMSYNC &&
          (machine->sync.quality == STRATA_SYNC_INCOMPLETE || machine->sync.quality == STRATA_SYNC_APPROXIMATE))
        /* A one-sided bound is no seed: the windows search the clock as for a guest without
         * messages, which then keep the hulls honest. */
        collect_vmsync (a, model, pair.messages);
      else if (machine->sync_method == STRATA_SYNC_METHOD_KVM && machine->sync.quality == STRATA_SYNC_ACCURATE)
        {
          collect_tcp (model, g_ptr_array_index (a->models, model->vm->host), pair.messages);
          pair.has_seed = TRUE;
          pair.seed = machine->sync;
        }
      if (pair.messages->len == 0)
        {
          g_array_unref (pair.messages);
          continue;
        }
      g_array_append_val (pairs, pair);
    }
  if (pairs->len == 0)
    return;

  strata_parallel_run ("strata-kvm-combine", pairs->len, fit_worker, &job);
  for (guint i = 0; i < pairs->len; i++)
    {
      Pair *pair = &g_array_index (pairs, Pair, i);
      StrataMachine *machine = pair->guest->machine;
      const StrataSyncResult *fit = &pair->fit.sync;

      if (!g_cancellable_is_cancelled (a->cancellable) && pair->fit.verdict == STRATA_KVM_FIT_GOOD &&
          fit->quality == STRATA_SYNC_ACCURATE &&
          (machine->sync.quality != STRATA_SYNC_ACCURATE || fit->accuracy_ns <= machine->sync.accuracy_ns))
        {
          /* Its clock is then the windows' (the messages only narrow them): said as such,
           * not as vmsync's, whose messages alone went one way or were too few. */
          if (machine->sync_method == STRATA_SYNC_METHOD_VMSYNC)
            machine->sync_method = STRATA_SYNC_METHOD_KVM;
          machine->sync = *fit;
        }
      g_array_unref (pair->messages);
    }
}
