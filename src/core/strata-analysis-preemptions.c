/* strata-analysis-preemptions.c: what ran instead of a preempted vCPU
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-preemptions"

#include "config.h"

#include <string.h>

#include "strata-analysis-private.h"

static int
compare_causes (gconstpointer a,
                gconstpointer b)
{
  const StrataPreemptionCause *ca = a, *cb = b;

  if (ca->ns != cb->ns)
    return ca->ns < cb->ns ? 1 : -1;
  if (ca->machine != cb->machine)
    return ca->machine < cb->machine ? -1 : 1;
  if (ca->vcpu != cb->vcpu)
    return ca->vcpu < cb->vcpu ? -1 : 1;
  if (ca->state != cb->state)
    return ca->state < cb->state ? -1 : 1;
  return (ca->tid > cb->tid) - (ca->tid < cb->tid);
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

/* By start, so that the list reads in time order whichever model found them. */
void
_strata_analysis_sort_preemptions (GArray *preemptions)
{
  g_array_sort (preemptions, compare_preemptions);
}

typedef struct
{
  StrataStore    *store;
  StrataAnalysis *pub;
  GHashTable     *vcpu_threads;   /* see _strata_analysis_vcpu_threads() */
  guint           from;
  guint           to;
} CausesJob;

/* A vCPU thread's key in _strata_analysis_vcpu_threads(): its host's, as two hosts of a set
 * may each have a thread of that id. */
static inline gint64
vcpu_thread_key (guint   host,
                 gint32  tid)
{
  return (gint64) host << 32 | (guint32) tid;
}

/* A host thread's lives as vCPU threads (_strata_analysis_vcpu_threads()), by their ends. */
typedef struct
{
  gint64  since;            /* G_MININT64: from the start */
  gint64  gone;             /* G_MAXINT64: to the end */
  guint32 code;             /* (VM machine << 16 | vCPU) + 1 */
} VcpuRef;

/* The life of @lives (in time order, apart) that @ts falls in, and its bounds (those of the
 * gap between two lives, when it falls in none: NULL then). */
static const VcpuRef *
vcpu_ref_at (GArray *lives,
             gint64  ts,
             gint64 *from,
             gint64 *until)
{
  for (guint i = 0; i < lives->len; i++)
    {
      const VcpuRef *ref = &g_array_index (lives, VcpuRef, i);

      if (ts < ref->since)
        {
          *until = ref->since;
          return NULL;
        }
      if (ts < ref->gone)
        {
          *from = MAX (*from, ref->since);
          *until = ref->gone;
          return ref;
        }
      *from = ref->gone;
    }
  return NULL;
}

/* What a pCPU row's interval from @ts says ran there, as a cause: a host thread; a vCPU in
 * guest mode, with the guest's thread when its trace says which; another VM's vCPU thread in
 * host mode (its hypervisor part, not a host thread); or nothing. The same description means
 * the same cause over [*@from, *@until), @ts in it (a thread id can be a vCPU's for a time). */
StrataPreemptionCause
_strata_analysis_cause_of (GHashTable            *vcpu_threads,
                           const StrataStateDesc *d,
                           gint64                 ts,
                           gint64                *from,
                           gint64                *until)
{
  StrataPreemptionCause cause = { .machine = d->machine, .tid = d->tid, .comm = d->comm, .vcpu = -1,
                                  .state = STRATA_CAUSE_HOST };
  GArray *lives;
  const VcpuRef *ref = NULL;

  *from = G_MININT64;
  *until = G_MAXINT64;

  if (d->vcpu >= 0)
    {
      /* Guest mode: a guest thread only where the guest's trace named one. */
      cause.vcpu = d->vcpu;
      cause.state = STRATA_CAUSE_GUEST;
      if (d->state == STRATA_STATE_GUEST || d->tid < 0)
        {
          cause.tid = -1;
          cause.comm = 0;
        }
    }
  /* Handlers the idle task was interrupted by are the host's work: as stats counts them. */
  else if (d->state == STRATA_STATE_IDLE ||
           (d->tid == 0 && d->state != STRATA_STATE_IRQ && d->state != STRATA_STATE_SOFTIRQ))
    {
      cause.state = STRATA_CAUSE_IDLE;
      cause.tid = -1;
      cause.comm = 0;
    }
  else if (d->tid > 0 &&
           (lives = g_hash_table_lookup (vcpu_threads, &(gint64) { vcpu_thread_key (d->machine, d->tid) })) != NULL &&
           (ref = vcpu_ref_at (lives, ts, from, until)) != NULL)
    {
      cause.machine = (ref->code - 1) >> 16;
      cause.vcpu = (ref->code - 1) & 0xffff;
      cause.state = STRATA_CAUSE_HYPERVISOR;
      cause.tid = -1;
      cause.comm = 0;
    }
  else if (d->tid < 0)
    cause.comm = 0;
  return cause;
}

/* The causes of descriptions met lately, by id: the intervals a preemption spans repeat a
 * few descriptions, each of which would otherwise cost a look in the vCPU threads' table. */
#define CAUSE_CACHE 256

typedef struct
{
  guint32               id[CAUSE_CACHE];    /* G_MAXUINT32: empty */
  StrataPreemptionCause cause[CAUSE_CACHE]; /* ns unused */
  gint64                from[CAUSE_CACHE];  /* the times it holds for */
  gint64                until[CAUSE_CACHE];
} CauseCache;

static void
cause_cache_init (CauseCache *cache)
{
  memset (cache->id, 0xff, sizeof cache->id);
}

/* The longest few stretches of a cause, longest first; ns 0: none. */
typedef struct
{
  gint64 ns[4];
  gint64 at[4];
} LongStretches;

static inline void
long_stretch (LongStretches *l,
              gint64         at,
              gint64         ns)
{
  guint k = G_N_ELEMENTS (l->ns);

  if (ns <= l->ns[k - 1])
    return;
  while (k > 0 && ns > l->ns[k - 1])
    {
      if (k < G_N_ELEMENTS (l->ns))
        {
          l->ns[k] = l->ns[k - 1];
          l->at[k] = l->at[k - 1];
        }
      k--;
    }
  l->ns[k] = ns;
  l->at[k] = at;
}

/* As _strata_analysis_add_causes(), through @cache (NULL: none). The row's arrays are read
 * in place: a busy pCPU gives a preemption tens of intervals. */
static void
add_causes (StrataStore *store,
            guint        row_index,
            gint64       from,
            gint64       to,
            GHashTable  *vcpu_threads,
            StrataExits *exits,
            CauseCache  *cache,
            GArray      *by)
{
  const StoreRow *row = g_ptr_array_index (store->rows, row_index);
  guint64 first, last;
  /* By cause of @by: its longest stretches in the hypervisor here, whose exits are looked up
   * once all are seen, the longest first, until one has an exit (not a stretch before the
   * vCPU's first entry, nor in an exit the trace ends in): a preemption by a busy vCPU spans
   * thousands, and looking each up made the causes take seven times as long. Made for the
   * preemptions that have such a cause only. */
  g_autoptr(GArray) longest = NULL;

  strata_store_range (store, row_index, from, to, &first, &last);
  for (guint64 k = first; k < last; k++)
    {
      gint64 start = store_row_ts (row, k);
      gint64 end = k + 1 < row->n ? store_row_ts (row, k + 1) : store->end;
      guint32 id = store_row_id (row, k);
      const StrataStateDesc *desc = &store->descs[id];
      StrataPreemptionCause now;
      gint64 ns;
      guint c;

      ns = MIN (end, to) - MAX (start, from);
      if (ns <= 0 || strata_state_desc_is_gap (desc))
        continue;
      if (cache == NULL)
        {
          gint64 valid_from, valid_until;

          now = _strata_analysis_cause_of (vcpu_threads, desc, start, &valid_from, &valid_until);
        }
      else
        {
          guint slot = id % CAUSE_CACHE;

          if (cache->id[slot] != id || start < cache->from[slot] || start >= cache->until[slot])
            {
              cache->id[slot] = id;
              cache->cause[slot] = _strata_analysis_cause_of (vcpu_threads, desc, start, &cache->from[slot],
                                                              &cache->until[slot]);
            }
          now = cache->cause[slot];
        }
      for (c = 0; c < by->len; c++)
        {
          StrataPreemptionCause *cause = &g_array_index (by, StrataPreemptionCause, c);

          if (cause->machine == now.machine && cause->tid == now.tid &&
              cause->vcpu == now.vcpu && cause->state == now.state)
            {
              cause->ns += ns;
              /* A name learned late, on a later interval of the same thread. */
              if (cause->comm == 0)
                cause->comm = now.comm;
              break;
            }
        }
      if (c == by->len)
        {
          now.ns = ns;
          g_array_append_val (by, now);
        }
      /* Another VM's vCPU thread in host mode handles one of its exits there: which. */
      if (now.state == STRATA_CAUSE_HYPERVISOR && exits != NULL)
        {
          if (longest == NULL)
            longest = g_array_new (FALSE, TRUE, sizeof (LongStretches));
          if (longest->len <= c)
            g_array_set_size (longest, c + 1);
          long_stretch (&g_array_index (longest, LongStretches, c), start, ns);
        }
    }
  for (guint i = 0; longest != NULL && i < longest->len; i++)
    {
      StrataPreemptionCause *cause = &g_array_index (by, StrataPreemptionCause, i);
      const LongStretches *l = &g_array_index (longest, LongStretches, i);

      for (guint k = 0; k < G_N_ELEMENTS (l->ns) && l->ns[k] > 0; k++)
        {
          StrataPreemptionCause part = *cause;
          gint64 exit_start, exit_end;

          if (strata_exits_at (exits, cause->machine, cause->vcpu, l->at[k], &part.exit_isa, &part.exit_code,
                               &exit_start, &exit_end))
            {
              part.has_exit = TRUE;
              part.exit_ns = l->ns[k];
              _strata_analysis_cause_keep_exit (cause, &part);
              break;
            }
        }
    }
}

/* Of two parts of one hypervisor cause, @cause keeps the exit @part ran in if it ran longer
 * there than in its own. */
void
_strata_analysis_cause_keep_exit (StrataPreemptionCause       *cause,
                                  const StrataPreemptionCause *part)
{
  if (part->has_exit && (!cause->has_exit || part->exit_ns > cause->exit_ns))
    {
      cause->has_exit = TRUE;
      cause->exit_isa = part->exit_isa;
      cause->exit_code = part->exit_code;
      cause->exit_ns = part->exit_ns;
    }
}

/* Adds what ran on pCPU row @row over [@from, @to) to @by, a cause each (not sorted); with
 * @exits, a hypervisor cause's exit. */
void
_strata_analysis_add_causes (StrataStore *store,
                             guint        row,
                             gint64       from,
                             gint64       to,
                             GHashTable  *vcpu_threads,
                             StrataExits *exits,
                             GArray      *by)
{
  add_causes (store, row, from, to, vcpu_threads, exits, NULL, by);
}

void
_strata_analysis_sort_causes (GArray *by)
{
  g_array_sort (by, compare_causes);
}

static gpointer
causes_worker (gpointer data)
{
  CausesJob *job = data;
  StrataStore *store = job->store;
  StrataAnalysis *pub = job->pub;

  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint));   /* by pCPU, -2: not looked up */
  g_autofree CauseCache *cache = g_new (CauseCache, 1);

  cause_cache_init (cache);
  for (guint i = job->from; i < job->to; i++)
    {
      StrataPreemption *p = &g_array_index (pub->preemptions, StrataPreemption, i);
      gint row = -1;

      if (strata_analysis_vm_host (pub, p->machine) != pub->host)
        row = _strata_analysis_preemption_row (pub, store, p->machine, p->pcpu);
      else if (p->pcpu >= 0 && p->pcpu < 4096)
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
      add_causes (store, row, p->start, p->end, job->vcpu_threads, pub->exits, cache, p->by);
      g_array_sort (p->by, compare_causes);
    }
  return NULL;
}

static int
compare_vcpu_refs (gconstpointer a,
                   gconstpointer b)
{
  gint64 ga = ((const VcpuRef *) a)->gone, gb = ((const VcpuRef *) b)->gone;

  return (ga > gb) - (ga < gb);
}

/* The hosts' vCPU threads, by host and tid (vcpu_thread_key()), to their lives as vCPU
 * threads (VcpuRef, by their ends): in host mode they are their VM's, not their host's, until
 * the thread exits and its id may go to another. */
GHashTable *
_strata_analysis_vcpu_threads (StrataAnalysis *pub)
{
  GHashTable *vcpu_threads = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                    (GDestroyNotify) g_array_unref);
  GHashTableIter iter;
  gpointer value;

  for (guint m = 0; m < pub->machines->len; m++)
    {
      StrataMachine *machine = g_ptr_array_index (pub->machines, m);

      if (machine->parent < 0 || m > 0xffff)
        continue;
      for (guint v = 0; v < machine->vcpus->len; v++)
        {
          const StrataVcpu *vcpu = &g_array_index (machine->vcpus, StrataVcpu, v);
          gint64 key = vcpu_thread_key (machine->parent, vcpu->host_tid);

          VcpuRef ref = { vcpu->since_ns, vcpu->gone_ns, ((m << 16) | (guint) vcpu->id) + 1 };
          GArray *lives;

          if (vcpu->id < 0 || vcpu->id > 0xffff)
            continue;
          if ((lives = g_hash_table_lookup (vcpu_threads, &key)) == NULL)
            {
              lives = g_array_new (FALSE, FALSE, sizeof (VcpuRef));
              g_hash_table_insert (vcpu_threads, g_memdup2 (&key, sizeof key), lives);
            }
          g_array_append_val (lives, ref);
        }
    }
  g_hash_table_iter_init (&iter, vcpu_threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_array_sort (value, compare_vcpu_refs);
  return vcpu_threads;
}

/* The row of the CPU @pcpu of the host of VM @machine, where its preemptions happened: the
 * set's host's fused pCPU row, another host's own CPU row; -1 when there is none. */
gint
_strata_analysis_preemption_row (StrataAnalysis *pub,
                                 StrataStore    *store,
                                 guint           machine,
                                 gint32          pcpu)
{
  gint host = strata_analysis_vm_host (pub, machine);
  g_autofree char *name = NULL;

  if (pcpu < 0 || host < 0)
    return -1;
  if (host == pub->host)
    name = g_strdup_printf ("pcpu/%d", pcpu);
  else
    name = g_strdup_printf ("%s/cpu/%d", strata_analysis_get_machine_name (pub, host), pcpu);
  return strata_store_find_row (store, name);
}

/* Preemptions are independent: half of them on another core. */
void
_strata_analysis_find_causes (StrataStore *store,
                              gpointer     data)
{
  StrataAnalysis *pub = data;
  g_autoptr(GHashTable) vcpu_threads = _strata_analysis_vcpu_threads (pub);
  guint half = g_get_num_processors () > 1 ? pub->preemptions->len / 2 : 0;
  CausesJob first = { store, pub, vcpu_threads, 0, half };
  CausesJob second = { store, pub, vcpu_threads, half, pub->preemptions->len };
  GThread *thread;

  thread = half > 0 ? g_thread_new ("strata-causes", causes_worker, &first) : NULL;
  causes_worker (&second);
  if (thread != NULL)
    g_thread_join (thread);
}
