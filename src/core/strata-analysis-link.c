/* strata-analysis-link.c: guests linked to their VMs, clocks solved, late names
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-link"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <math.h>

#include "strata-analysis-private.h"
#include "strata-parallel.h"

void
_strata_analysis_create_cpu_rows (Model    *model,
                                  gboolean  fused)
{
  Analysis *a = model->a;

  _strata_analysis_ensure_cpus (model, model->machine->n_cpus);
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

void
_strata_analysis_link_vm (Model      *model,
                          Vm         *vm,
                          StrataLink  how)
{
  vm->machine = model->index;
  model->vm = vm;
  model->machine->role = STRATA_ROLE_GUEST;
  model->machine->parent = vm->host;
  model->machine->vm_pid = vm->pid;
  model->machine->vm_pid_guessed = vm->pid_guessed;
  model->machine->sync_reference = vm->host;
  model->machine->link = how;
}

/* Whether a --map names @model's trace or @vm's process: the map pairs them, whatever their
 * vmsync events say (it is there to mend a pairing). */
static gboolean
is_mapped (const StrataAnalysisOptions *options,
           Model                       *model,
           Vm                          *vm)
{
  for (guint i = 0; options != NULL && i < options->n_maps; i++)
    if ((model != NULL && g_strcmp0 (options->maps[i].guest, model->machine->name) == 0) ||
        (vm != NULL && options->maps[i].host_pid == vm->pid))
      return TRUE;
  return FALSE;
}

/* How many VMs, and how many guest traces, announce @uid. vmsync messages are matched by
 * (vm_uid, cnt) across the set: with two of either (the same VM traced twice, or two hosts
 * whose tools numbered their VMs alike), they cannot be told apart. */
static gboolean
uid_is_shared (Analysis *a,
               gint64    uid,
               guint    *n_vms,
               guint    *n_guests)
{
  *n_vms = *n_guests = 0;
  for (guint v = 0; v < a->vms->len; v++)
    {
      Vm *vm = g_ptr_array_index (a->vms, v);

      *n_vms += vm->windows->len > 0 && vm->has_uid && vm->vm_uid == uid;
    }
  for (guint m = 0; m < a->models->len; m++)
    {
      Model *model = g_ptr_array_index (a->models, m);

      *n_guests += model != NULL && model->has_uid && model->vm_uid == uid;
    }
  return *n_vms > 1 || *n_guests > 1;
}

void
_strata_analysis_link_guests (Analysis                    *a,
                              const StrataAnalysisOptions *options)
{
  StrataAnalysis *pub = a->pub;
  g_autoptr(GHashTable) shared = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  /* The vm_uid of vmsync events, where the addon was loaded. */
  for (guint v = 0; v < a->vms->len; v++)
    {
      Vm *vm = g_ptr_array_index (a->vms, v);
      guint n_vms, n_guests;

      /* A VM seen only through kvm events or host vmsync: one with windows is a real VM. */
      if (vm->windows->len == 0 || !vm->has_uid || is_mapped (options, NULL, vm))
        continue;
      if (uid_is_shared (a, vm->vm_uid, &n_vms, &n_guests))
        {
          /* Paired by their KVM windows instead, which tell them apart. */
          if (!g_hash_table_contains (shared, &vm->vm_uid))
            {
              g_hash_table_add (shared, g_memdup2 (&vm->vm_uid, sizeof vm->vm_uid));
              g_ptr_array_add (pub->warnings,
                               g_strdup_printf (_("vm_uid %" PRId64 " is announced by %u VMs and %u guest traces: their vmsync events cannot be told apart, and are not used; the guests are paired with their VMs by their KVM windows"),
                                                vm->vm_uid, n_vms, n_guests));
            }
          continue;
        }
      for (guint m = 0; m < a->models->len && vm->machine == G_MAXUINT; m++)
        {
          Model *model = g_ptr_array_index (a->models, m);

          if (model == NULL || model->vm != NULL || m == vm->host || is_mapped (options, model, NULL))
            continue;
          if (model->has_uid && vm->vm_uid == model->vm_uid)
            {
              _strata_analysis_link_vm (model, vm, STRATA_LINK_VMSYNC);
              model->machine->sync_method = STRATA_SYNC_METHOD_VMSYNC;
            }
        }
    }

  /* The maps, then the KVM windows of the VMs left. */
  _strata_analysis_kvm_link (a, options);

  for (guint v = 0; v < a->vms->len; v++)
    {
      Vm *vm = g_ptr_array_index (a->vms, v);

      if (vm->windows->len == 0 || vm->machine != G_MAXUINT)
        continue;
      {
        StrataMachine *host = g_ptr_array_index (pub->machines, vm->host);
        g_autofree char *name = g_strdup_printf ("%s/vm-%" G_GINT64_FORMAT, host->name, vm->pid);
        StrataMachine *m = _strata_analysis_machine_new (name);

        m->role = STRATA_ROLE_GUEST;
        m->parent = vm->host;
        m->vm_pid = vm->pid;
        m->vm_pid_guessed = vm->pid_guessed;
        m->n_cpus = vm->windows->len;
        vm->machine = pub->machines->len;
        g_ptr_array_add (pub->machines, m);
      }
    }

  /* vmsync events that no host's match: the guest stays standalone, and says why. */
  for (guint m = 0; m < a->models->len; m++)
    {
      Model *model = g_ptr_array_index (a->models, m);
      guint n_vms = 0, n_guests;

      if (model != NULL && model->has_uid)
        uid_is_shared (a, model->vm_uid, &n_vms, &n_guests);
      /* Not when its VM is there, but a map gave it to another. */
      if (model != NULL && model->has_uid && model->vm == NULL && n_vms == 0 && !is_mapped (options, model, NULL))
        g_ptr_array_add (pub->warnings,
                         g_strdup_printf (_("%s has vmsync events for vm_uid %" PRId64 ", which no VM of the hosts traced shares; it is shown as a machine of its own"),
                                          model->machine->name, model->vm_uid));
    }
}

/* The accuracy a clock's hull reports covers the whole of @own's trace. */
static void
set_span (StrataSyncHull *hull,
          Model          *own)
{
  StrataTrace *trace = own->machine->trace;

  if (trace->begin_ns != 0 || trace->end_ns != 0)
    strata_sync_hull_set_span (hull, strata_time_clamp (trace->begin_ns), strata_time_clamp (trace->end_ns));
}

/* A message between a machine and its reference clock, as both ends recorded it. */
typedef struct
{
  gboolean from_ref;        /* sent by the reference */
  gint64   own_ns;
  gint64   ref_ns;
} SyncPoint;

static int
compare_sync_points (gconstpointer a,
                     gconstpointer b)
{
  const SyncPoint *pa = a, *pb = b;

  if (pa->own_ns != pb->own_ns)
    return pa->own_ns < pb->own_ns ? -1 : 1;
  if (pa->ref_ns != pb->ref_ns)
    return pa->ref_ns < pb->ref_ns ? -1 : 1;
  return (pa->from_ref > pb->from_ref) - (pa->from_ref < pb->from_ref);
}

/* The hull's origin is its first point, and the fit's rounding depends on it: the points go
 * in time order, not in that of a hash table, which the scan threads fill in any order. */
static void
add_points (StrataSyncHull *hull,
            GArray         *points)
{
  g_array_sort (points, compare_sync_points);
  for (guint i = 0; i < points->len; i++)
    {
      const SyncPoint *p = &g_array_index (points, SyncPoint, i);

      if (p->from_ref)
        strata_sync_hull_add_from_ref (hull, p->ref_ns, p->own_ns);
      else
        strata_sync_hull_add_to_ref (hull, p->own_ns, p->ref_ns);
    }
}

static void
sync_vmsync (Analysis *a,
             Model    *guest)
{
  g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (SyncPoint));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, a->vmsync);
  while (g_hash_table_iter_next (&iter, &value, NULL))
    {
      VmsyncPair *pair = value;
      SyncPoint p = { !pair->gh, pair->guest_ns, pair->host_ns };

      if (pair->uid != guest->vm->vm_uid || !pair->has_host || !pair->has_guest)
        continue;
      g_array_append_val (points, p);
    }
  add_points (hull, points);
  set_span (hull, guest);
  strata_sync_hull_solve (hull, &guest->machine->sync);
}

static guint
sync_tcp (Model          *own,
          Model          *ref,
          StrataSyncHull *hull)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (SyncPoint));
  GHashTableIter iter;
  gpointer key, value, other;

  g_hash_table_iter_init (&iter, own->net_send);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if ((other = g_hash_table_lookup (ref->net_recv, key)) != NULL)
      {
        SyncPoint p = { FALSE, *(gint64 *) value, *(gint64 *) other };

        g_array_append_val (points, p);
      }
  g_hash_table_iter_init (&iter, ref->net_send);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if ((other = g_hash_table_lookup (own->net_recv, key)) != NULL)
      {
        SyncPoint p = { TRUE, *(gint64 *) other, *(gint64 *) value };

        g_array_append_val (points, p);
      }
  add_points (hull, points);
  return points->len;
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

void
_strata_analysis_solve_clocks (Analysis *a)
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
              set_span (hull, model);
              strata_sync_hull_solve (hull, &machine->sync);
              machine->sync_method = STRATA_SYNC_METHOD_TCP;
              machine->sync_reference = ref->index;
            }
        }
    }

  /* Guests with both messages and KVM windows: what both say, where messages alone fall short. */
  _strata_analysis_kvm_combine (a);

  for (guint m = 0; m < a->models->len; m++)
    {
      Model *model = g_ptr_array_index (a->models, m);
      StrataMachine *machine;

      if (model == NULL)
        continue;
      machine = model->machine;
      if (machine->sync_method == STRATA_SYNC_METHOD_NONE)
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
  const StrataThreadInfo *t;

  /* The set's threads: the models' are gone. Most descriptions have a name, and need no
   * lookup. */
  if (d->tid <= 0 || d->comm != 0 || d->machine >= a->models->len || g_ptr_array_index (a->models, d->machine) == NULL)
    return FALSE;
  if ((t = strata_analysis_find_thread (a->pub, d->machine, d->tid)) != NULL && t->name != 0)
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
void
_strata_analysis_fix_names (Analysis *a)
{
  FixJob job = { a, 0 };

  strata_parallel_run ("strata-names", a->models->len, fix_worker, &job);
}
