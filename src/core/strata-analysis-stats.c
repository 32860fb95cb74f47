/* strata-analysis-stats.c: where the time of a range went, per vCPU and per pCPU
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-stats"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "strata-analysis-private.h"
#include "strata-describe.h"
#include "strata-parallel.h"
#include "strata-range-stats.h"
#include "strata-time.h"

/*
 * Each interval of a row has a kind: a vCPU row's is its state; a pCPU row's is unknown,
 * idle, host, or guest mode of one VM's vCPU with what the guest did (a StrataGuestShare).
 * Per block of BLOCK intervals, the index keeps the time of each kind found in it. A range's
 * whole blocks are added from there; the intervals at its ends, clipped to it, one by one.
 */

#define BLOCK_BITS 8
#define BLOCK      (G_GUINT64_CONSTANT (1) << BLOCK_BITS)

enum {
  K_UNKNOWN = 0,
  K_IDLE = 1,
  K_HOST = 2,
  K_GUEST = 3,
};

/* A pCPU kind: K_GUEST with the machine, vCPU and share above its two low bits. */
#define GUEST_KEY(machine, vcpu, share) \
  (((guint64) (machine) << 40) | ((guint64) (guint32) (vcpu) << 8) | ((guint64) (share) << 2) | K_GUEST)
#define KEY_MACHINE(key) ((guint16) ((key) >> 40))
#define KEY_VCPU(key)    ((gint32) (((key) >> 8) & 0xffffffffu))
#define KEY_SHARE(key)   ((guint) (((key) >> 2) & 0x3f))

typedef struct
{
  guint64 key;
  gint64  ns;
} Entry;

typedef struct
{
  gint     row;
  gboolean is_vcpu;
  guint16  machine;              /* vCPU rows */
  gint32   number;               /* the vCPU, or the pCPU */
  guint64  n;                    /* intervals */
  guint32 *block_off;            /* n_blocks + 1, into entries */
  Entry   *entries;
} RowIndex;

struct _StrataRangeIndex
{
  StrataAnalysis *analysis;
  GHashTable     *vcpu_threads;
  guint64        *vcpu_keys;     /* by description id: its kind on a vCPU row */
  guint64        *pcpu_keys;     /* and on a pCPU row */
  guint           n_descs;
  GPtrArray      *rows;          /* RowIndex*: the vCPUs by machine and vCPU, then pCPUs */
  guint           n_vcpu_rows;
  GArray         *pcpu_rows;     /* gint: the pCPU row of each pCPU, -1: none */
  guint           next;          /* atomic: the next row to index */
};

const char *
strata_guest_share_to_string (StrataGuestShare share)
{
  static const char * const names[] = { "user", "kernel", "idle", "other" };

  return share < G_N_ELEMENTS (names) ? names[share] : "other";
}

static guint64
pcpu_key (const StrataStateDesc *d)
{
  if (strata_state_desc_is_gap (d) || d->state == STRATA_STATE_UNKNOWN)
    return K_UNKNOWN;
  if (d->vcpu >= 0 && d->machine != STRATA_NO_MACHINE)
    {
      StrataGuestShare share;

      switch (d->state)
        {
        case STRATA_STATE_USER:
          share = STRATA_GUEST_USER;
          break;
        case STRATA_STATE_SYSCALL:
        case STRATA_STATE_IRQ:
        case STRATA_STATE_SOFTIRQ:
          share = STRATA_GUEST_KERNEL;
          break;
        case STRATA_STATE_IDLE:
          share = STRATA_GUEST_IDLE;
          break;
        default:
          share = STRATA_GUEST_OTHER;
          break;
        }
      return GUEST_KEY (d->machine, d->vcpu, share);
    }
  if (d->state == STRATA_STATE_IDLE)
    return K_IDLE;
  return K_HOST;
}

static void
entry_add (GArray  *entries,
           guint    from,
           guint64  key,
           gint64   ns)
{
  for (guint i = from; i < entries->len; i++)
    if (g_array_index (entries, Entry, i).key == key)
      {
        g_array_index (entries, Entry, i).ns += ns;
        return;
      }
  g_array_append_vals (entries, &(Entry) { key, ns }, 1);
}

static gpointer
index_worker (gpointer data)
{
  StrataRangeIndex *self = data;
  StrataStore *store = self->analysis->store;
  guint r;

  while ((r = g_atomic_int_add (&self->next, 1)) < self->rows->len)
    {
      RowIndex *ri = g_ptr_array_index (self->rows, r);
      const guint64 *keys = ri->is_vcpu ? self->vcpu_keys : self->pcpu_keys;
      guint64 n_blocks = (ri->n + BLOCK - 1) >> BLOCK_BITS;
      g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));

      ri->block_off = g_new (guint32, n_blocks + 1);
      for (guint64 b = 0; b < n_blocks; b++)
        {
          ri->block_off[b] = entries->len;
          for (guint64 k = b << BLOCK_BITS; k < MIN (ri->n, (b + 1) << BLOCK_BITS); k++)
            {
              StrataInterval iv;

              strata_store_interval (store, ri->row, k, &iv);
              entry_add (entries, ri->block_off[b], keys[iv.desc_id], iv.end - iv.start);
            }
        }
      ri->block_off[n_blocks] = entries->len;
      ri->entries = (Entry *) g_array_free (g_steal_pointer (&entries), FALSE);
    }
  return NULL;
}

static void
row_index_free (gpointer data)
{
  RowIndex *ri = data;

  g_free (ri->block_off);
  g_free (ri->entries);
  g_free (ri);
}

static int
compare_vcpu_rows (gconstpointer a,
                   gconstpointer b)
{
  const RowIndex *ra = *(RowIndex * const *) a, *rb = *(RowIndex * const *) b;

  if (ra->machine != rb->machine)
    return ra->machine < rb->machine ? -1 : 1;
  return (ra->number > rb->number) - (ra->number < rb->number);
}

static void
add_row (StrataRangeIndex *self,
         const char       *name,
         gboolean          is_vcpu,
         guint16           machine,
         gint32            number)
{
  gint row = strata_store_find_row (self->analysis->store, name);
  RowIndex *ri;

  /* Preemptions name a CPU of the set's host by its number (others by their VM's host). */
  if (!is_vcpu && machine == STRATA_NO_MACHINE)
    g_array_append_val (self->pcpu_rows, row);
  if (row < 0)
    return;
  ri = g_new0 (RowIndex, 1);
  ri->row = row;
  ri->is_vcpu = is_vcpu;
  ri->machine = machine;
  ri->number = number;
  ri->n = strata_store_row_n_intervals (self->analysis->store, row);
  g_ptr_array_add (self->rows, ri);
}

StrataRangeIndex *
strata_range_index_new (StrataAnalysis *analysis)
{
  StrataRangeIndex *self;
  StrataStore *store;
  StrataMachine *primary;

  g_return_val_if_fail (analysis != NULL, NULL);

  self = g_new0 (StrataRangeIndex, 1);
  self->analysis = strata_analysis_ref (analysis);
  store = analysis->store;
  self->vcpu_threads = _strata_analysis_vcpu_threads (analysis);
  self->n_descs = strata_store_n_descs (store);
  self->vcpu_keys = g_new (guint64, MAX (self->n_descs, 1));
  self->pcpu_keys = g_new (guint64, MAX (self->n_descs, 1));
  for (guint id = 0; id < self->n_descs; id++)
    {
      const StrataStateDesc *d = strata_store_desc (store, id);

      self->vcpu_keys[id] = d->state < STRATA_STATE_N ? d->state : STRATA_STATE_UNKNOWN;
      self->pcpu_keys[id] = pcpu_key (d);
    }

  self->rows = g_ptr_array_new_with_free_func (row_index_free);
  self->pcpu_rows = g_array_new (FALSE, FALSE, sizeof (gint));
  for (guint m = 0; m < analysis->machines->len && m < STRATA_NO_MACHINE; m++)
    {
      StrataMachine *machine = g_ptr_array_index (analysis->machines, m);

      for (guint v = 0; machine->vcpus != NULL && v < machine->vcpus->len; v++)
        {
          gint32 id = g_array_index (machine->vcpus, StrataVcpu, v).id;
          g_autofree char *name = g_strdup_printf ("%s/vcpu/%d", machine->name, id);

          add_row (self, name, TRUE, m, id);
        }
    }
  /* A VM's vCPUs in the order of their numbers, whatever the order they were seen in. */
  g_ptr_array_sort (self->rows, compare_vcpu_rows);
  self->n_vcpu_rows = self->rows->len;
  primary = strata_analysis_get_machine (analysis, analysis->primary);
  for (guint cpu = 0; primary != NULL && cpu < primary->n_cpus; cpu++)
    {
      g_autofree char *name = g_strdup_printf ("pcpu/%u", cpu);

      add_row (self, name, FALSE, STRATA_NO_MACHINE, cpu);
    }
  /* Another KVM host's CPU rows are fused as the set host's pCPU rows are. */
  for (guint m = 0; m < analysis->machines->len && m < STRATA_NO_MACHINE; m++)
    {
      StrataMachine *machine = g_ptr_array_index (analysis->machines, m);

      if ((gint) m == analysis->primary || machine->role != STRATA_ROLE_HOST)
        continue;
      for (guint cpu = 0; cpu < machine->n_cpus; cpu++)
        {
          g_autofree char *name = g_strdup_printf ("%s/cpu/%u", machine->name, cpu);

          add_row (self, name, FALSE, m, cpu);
        }
    }
  strata_parallel_run ("strata-range-index", self->rows->len, index_worker, self);
  return self;
}

void
strata_range_index_free (StrataRangeIndex *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->rows);
  g_array_unref (self->pcpu_rows);
  g_hash_table_unref (self->vcpu_threads);
  g_free (self->vcpu_keys);
  g_free (self->pcpu_keys);
  strata_analysis_unref (self->analysis);
  g_free (self);
}

gsize
strata_range_index_memory (StrataRangeIndex *self)
{
  gsize size;

  g_return_val_if_fail (self != NULL, 0);

  size = sizeof *self + 2 * self->n_descs * sizeof (guint64);
  for (guint r = 0; r < self->rows->len; r++)
    {
      RowIndex *ri = g_ptr_array_index (self->rows, r);
      guint64 n_blocks = (ri->n + BLOCK - 1) >> BLOCK_BITS;

      size += sizeof *ri + (n_blocks + 1) * sizeof (guint32) + ri->block_off[n_blocks] * sizeof (Entry);
    }
  return size;
}

/* Adds each kind's time in [from, to) of @ri to @sums; returns the time covered. */
static gint64
row_sums (StrataRangeIndex *self,
          RowIndex         *ri,
          gint64            from,
          gint64            to,
          GArray           *sums)
{
  StrataStore *store = self->analysis->store;
  const guint64 *keys = ri->is_vcpu ? self->vcpu_keys : self->pcpu_keys;
  guint64 first, last, k;
  gint64 covered = 0;

  strata_store_range (store, ri->row, from, to, &first, &last);
  k = first;
  while (k < last)
    {
      /* A whole block inside, its ends clipped by neither end of the range. */
      if ((k & (BLOCK - 1)) == 0 && k > first && k + BLOCK < last)
        {
          guint64 b = k >> BLOCK_BITS;

          for (guint32 e = ri->block_off[b]; e < ri->block_off[b + 1]; e++)
            {
              entry_add (sums, 0, ri->entries[e].key, ri->entries[e].ns);
              covered += ri->entries[e].ns;
            }
          k += BLOCK;
        }
      else
        {
          StrataInterval iv;
          gint64 ns;

          strata_store_interval (store, ri->row, k, &iv);
          ns = MIN (iv.end, to) - MAX (iv.start, from);
          if (ns > 0)
            {
              entry_add (sums, 0, keys[iv.desc_id], ns);
              covered += ns;
            }
          k++;
        }
    }
  return covered;
}

/* Who a cause is, in the list of vCPU @list: causes of a range are merged by it. A busy set's
 * preemptors are thousands of short-lived threads, so they are found by hash, not by a walk
 * over the list for each. */
typedef struct
{
  guint   list;
  guint16 machine;
  guint8  state;
  gint32  tid;
  gint32  vcpu;
} CauseKey;

static guint
cause_key_hash (gconstpointer data)
{
  const CauseKey *k = data;

  return ((k->list * 31u + k->machine) * 31u + k->state) * 2654435761u ^ (guint) k->tid * 40503u ^ (guint) k->vcpu;
}

static gboolean
cause_key_equal (gconstpointer a,
                 gconstpointer b)
{
  const CauseKey *ka = a, *kb = b;

  return ka->list == kb->list && ka->machine == kb->machine && ka->state == kb->state &&
         ka->tid == kb->tid && ka->vcpu == kb->vcpu;
}

static void
add_cause (GArray                      *by,
           guint                        list,
           GHashTable                  *at_cause,
           const StrataPreemptionCause *now)
{
  CauseKey key = { list, now->machine, now->state, now->tid, now->vcpu };
  gpointer at;

  if (g_hash_table_lookup_extended (at_cause, &key, NULL, &at))
    {
      StrataPreemptionCause *cause = &g_array_index (by, StrataPreemptionCause, GPOINTER_TO_UINT (at));

      cause->ns += now->ns;
      if (cause->comm == 0)
        cause->comm = now->comm;
      _strata_analysis_cause_keep_exit (cause, now);
      return;
    }
  g_hash_table_insert (at_cause, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (by->len));
  g_array_append_val (by, *now);
}

/* The row where preemption @p happened: the set's host's pCPU row, or, for a VM of another
 * host, that host's own CPU row; -1 when there is none. */
static gint
preemption_row (StrataRangeIndex       *self,
                const StrataPreemption *p)
{
  if (strata_analysis_vm_host (self->analysis, p->machine) != self->analysis->host)
    return _strata_analysis_preemption_row (self->analysis, self->analysis->store, p->machine, p->pcpu);
  if (p->pcpu < 0 || (guint) p->pcpu >= self->pcpu_rows->len)
    return -1;
  return g_array_index (self->pcpu_rows, gint, p->pcpu);
}

/* The top preemptors of each vCPU over [from, to): a preemption inside the range brings its
 * causes as recorded; one across an end, those of its part inside. */
static void
find_preemptors (StrataRangeIndex *self,
                 StrataRangeStats *stats,
                 GHashTable       *vcpu_at)
{
  StrataAnalysis *analysis = self->analysis;
  g_autoptr(GPtrArray) by = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(GHashTable) at_cause = g_hash_table_new_full (cause_key_hash, cause_key_equal, g_free, NULL);

  for (guint i = 0; i < stats->vcpus->len; i++)
    g_ptr_array_add (by, g_array_new (FALSE, FALSE, sizeof (StrataPreemptionCause)));
  for (guint i = 0; i < analysis->preemptions->len; i++)
    {
      const StrataPreemption *p = &g_array_index (analysis->preemptions, StrataPreemption, i);
      gpointer at;
      GArray *list;
      gint row;

      if (p->start >= stats->to)
        break;
      if (p->kind != STRATA_PREEMPTION_PREEMPTED || p->end <= stats->from ||
          !g_hash_table_lookup_extended (vcpu_at, GUINT_TO_POINTER (((guint) p->machine << 16) | (guint) (p->vcpu & 0xffff)),
                                         NULL, &at))
        continue;
      list = g_ptr_array_index (by, GPOINTER_TO_UINT (at));
      if (p->start >= stats->from && p->end <= stats->to)
        {
          for (guint c = 0; p->by != NULL && c < p->by->len; c++)
            add_cause (list, GPOINTER_TO_UINT (at), at_cause, &g_array_index (p->by, StrataPreemptionCause, c));
        }
      else if ((row = preemption_row (self, p)) >= 0)
        {
          g_autoptr(GArray) part = g_array_new (FALSE, FALSE, sizeof (StrataPreemptionCause));

          _strata_analysis_add_causes (analysis->store, row, MAX (p->start, stats->from), MIN (p->end, stats->to),
                                       self->vcpu_threads, analysis->exits, part);
          for (guint c = 0; c < part->len; c++)
            add_cause (list, GPOINTER_TO_UINT (at), at_cause, &g_array_index (part, StrataPreemptionCause, c));
        }
    }
  for (guint i = 0; i < stats->vcpus->len; i++)
    {
      StrataVcpuRangeStats *v = &g_array_index (stats->vcpus, StrataVcpuRangeStats, i);
      GArray *list = g_ptr_array_index (by, i);

      _strata_analysis_sort_causes (list);
      v->n_preemptors = MIN (list->len, STRATA_RANGE_TOP_PREEMPTORS);
      for (guint c = 0; c < v->n_preemptors; c++)
        v->preemptors[c] = g_array_index (list, StrataPreemptionCause, c);
    }
}

static void
pcpu_stats_clear (gpointer data)
{
  g_free (((StrataPcpuRangeStats *) data)->machine_ns);
}

StrataRangeStats *
strata_range_index_query (StrataRangeIndex *self,
                          gint64            from,
                          gint64            to)
{
  StrataRangeStats *stats;
  g_autoptr(GHashTable) vcpu_at = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) sums = g_array_new (FALSE, FALSE, sizeof (Entry));

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (from < to, NULL);

  stats = g_new0 (StrataRangeStats, 1);
  stats->from = from;
  stats->to = to;
  stats->n_machines = self->analysis->machines->len;
  stats->vcpus = g_array_new (FALSE, TRUE, sizeof (StrataVcpuRangeStats));
  stats->pcpus = g_array_new (FALSE, TRUE, sizeof (StrataPcpuRangeStats));
  g_array_set_clear_func (stats->pcpus, pcpu_stats_clear);

  for (guint r = 0; r < self->n_vcpu_rows; r++)
    {
      RowIndex *ri = g_ptr_array_index (self->rows, r);
      StrataVcpuRangeStats v = { 0 };
      StrataMachine *machine = g_ptr_array_index (self->analysis->machines, ri->machine);
      gint64 covered;

      v.machine = ri->machine;
      v.vcpu = ri->number;
      v.traced = machine->trace != NULL;
      g_array_set_size (sums, 0);
      covered = row_sums (self, ri, from, to, sums);
      for (guint e = 0; e < sums->len; e++)
        v.ns[g_array_index (sums, Entry, e).key] += g_array_index (sums, Entry, e).ns;
      v.ns[STRATA_STATE_UNKNOWN] += (to - from) - covered;
      g_hash_table_insert (vcpu_at, GUINT_TO_POINTER (((guint) v.machine << 16) | (guint) (v.vcpu & 0xffff)),
                           GUINT_TO_POINTER (stats->vcpus->len));
      g_array_append_val (stats->vcpus, v);
    }

  for (guint r = self->n_vcpu_rows; r < self->rows->len; r++)
    {
      RowIndex *ri = g_ptr_array_index (self->rows, r);
      StrataPcpuRangeStats p = { 0 };
      gint64 covered;

      p.cpu = ri->number;
      p.machine = ri->machine == STRATA_NO_MACHINE ? self->analysis->primary : ri->machine;
      p.machine_ns = g_new0 (gint64, MAX (stats->n_machines, 1));
      g_array_set_size (sums, 0);
      covered = row_sums (self, ri, from, to, sums);
      for (guint e = 0; e < sums->len; e++)
        {
          const Entry *entry = &g_array_index (sums, Entry, e);
          gpointer at;

          switch (entry->key & 3)
            {
            case K_UNKNOWN:
              p.unknown += entry->ns;
              break;
            case K_IDLE:
              p.idle += entry->ns;
              break;
            case K_HOST:
              p.host += entry->ns;
              break;
            default:
              if (KEY_MACHINE (entry->key) < stats->n_machines)
                p.machine_ns[KEY_MACHINE (entry->key)] += entry->ns;
              else
                p.unknown += entry->ns;
              if (g_hash_table_lookup_extended (vcpu_at,
                                                GUINT_TO_POINTER (((guint) KEY_MACHINE (entry->key) << 16) |
                                                                  (guint) (KEY_VCPU (entry->key) & 0xffff)),
                                                NULL, &at))
                g_array_index (stats->vcpus, StrataVcpuRangeStats, GPOINTER_TO_UINT (at)).guest_ns[KEY_SHARE (entry->key)] += entry->ns;
              break;
            }
        }
      p.unknown += (to - from) - covered;
      g_array_append_val (stats->pcpus, p);
    }

  find_preemptors (self, stats, vcpu_at);
  return stats;
}

void
strata_range_stats_free (StrataRangeStats *stats)
{
  if (stats == NULL)
    return;
  g_array_unref (stats->vcpus);
  g_array_unref (stats->pcpus);
  g_free (stats);
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void
csv_field (GString    *out,
           const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\n\r") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* A pCPU as rows name it: pcpu/N for the set's host's, MACHINE/cpu/N for another host's. */
static char *
pcpu_label (StrataAnalysis             *analysis,
            const StrataPcpuRangeStats *p)
{
  if (p->machine == analysis->primary)
    return g_strdup_printf ("pcpu/%d", p->cpu);
  return g_strdup_printf ("%s/cpu/%d", strata_analysis_get_machine_name (analysis, p->machine), p->cpu);
}

char *
strata_range_stats_to_csv (StrataRangeStats *stats,
                           StrataAnalysis   *analysis)
{
  static const StrataState vcpu_states[] = {
    STRATA_STATE_HYPERVISOR, STRATA_STATE_PREEMPTED, STRATA_STATE_WAITING, STRATA_STATE_BLOCKED,
  };
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (stats != NULL, NULL);
  g_return_val_if_fail (analysis != NULL, NULL);

  g_string_append (out, "row,running,guest_user,guest_kernel,guest_idle,guest_other,hypervisor,preempted,"
                        "waiting,blocked,idle,host");
  for (guint m = 0; m < stats->n_machines; m++)
    {
      g_autofree char *name = g_strdup_printf ("vm:%s", strata_analysis_get_machine_name (analysis, m));

      if (!strata_analysis_machine_is_guest (analysis, m))
        continue;
      g_string_append_c (out, ',');
      csv_field (out, name);
    }
  g_string_append (out, ",unknown,preempted_by\n");

  for (guint i = 0; i < stats->vcpus->len; i++)
    {
      const StrataVcpuRangeStats *v = &g_array_index (stats->vcpus, StrataVcpuRangeStats, i);
      g_autofree char *row = g_strdup_printf ("%s/vcpu/%d", strata_analysis_get_machine_name (analysis, v->machine), v->vcpu);
      g_autoptr(GString) by = g_string_new (NULL);

      csv_field (out, row);
      g_string_append_printf (out, ",%" G_GINT64_FORMAT, v->ns[STRATA_STATE_RUNNING]);
      for (guint s = 0; s < STRATA_GUEST_N; s++)
        if (v->traced)
          g_string_append_printf (out, ",%" G_GINT64_FORMAT, v->guest_ns[s]);
        else
          g_string_append_c (out, ',');
      for (guint s = 0; s < G_N_ELEMENTS (vcpu_states); s++)
        g_string_append_printf (out, ",%" G_GINT64_FORMAT, v->ns[vcpu_states[s]]);
      g_string_append (out, ",,");
      for (guint m = 0; m < stats->n_machines; m++)
        if (strata_analysis_machine_is_guest (analysis, m))
          g_string_append_c (out, ',');
      g_string_append_printf (out, ",%" G_GINT64_FORMAT ",", v->ns[STRATA_STATE_UNKNOWN]);
      for (guint c = 0; c < v->n_preemptors; c++)
        {
          g_autofree char *who = strata_describe_cause (analysis, &v->preemptors[c]);

          g_string_append_printf (by, "%s%s %" G_GINT64_FORMAT " ns", c > 0 ? "; " : "", who ? who : "?", v->preemptors[c].ns);
        }
      csv_field (out, by->str);
      g_string_append_c (out, '\n');
    }

  for (guint i = 0; i < stats->pcpus->len; i++)
    {
      const StrataPcpuRangeStats *p = &g_array_index (stats->pcpus, StrataPcpuRangeStats, i);

      g_autofree char *label = pcpu_label (analysis, p);

      csv_field (out, label);
      g_string_append_printf (out, ",,,,,,,,,,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT, p->idle, p->host);
      for (guint m = 0; m < stats->n_machines; m++)
        if (strata_analysis_machine_is_guest (analysis, m))
          g_string_append_printf (out, ",%" G_GINT64_FORMAT, p->machine_ns[m]);
      /* Guest mode of a machine that is not a guest: none, but the sum must hold. */
      {
        gint64 unknown = p->unknown;

        for (guint m = 0; m < stats->n_machines; m++)
          if (!strata_analysis_machine_is_guest (analysis, m))
            unknown += p->machine_ns[m];
        g_string_append_printf (out, ",%" G_GINT64_FORMAT ",\n", unknown);
      }
    }
  return g_string_free (out, FALSE);
}

/* "12.5%" of the range. */
static char *
share (gint64 ns,
       gint64 length)
{
  return g_strdup_printf ("%.1f%%", 100.0 * (double) ns / (double) length);
}

char *
strata_range_stats_to_text (StrataRangeStats *stats,
                            StrataAnalysis   *analysis)
{
  static const StrataState vcpu_states[] = {
    STRATA_STATE_RUNNING, STRATA_STATE_HYPERVISOR, STRATA_STATE_PREEMPTED, STRATA_STATE_WAITING,
    STRATA_STATE_BLOCKED, STRATA_STATE_UNKNOWN,
  };
  GString *out = g_string_new (NULL);
  gint64 length = stats->to - stats->from;
  g_autofree char *span = strata_time_format_duration (length);
  gint label_width = 6;

  g_string_append_printf (out, _("Range of %s\n"), span);
  if (stats->vcpus->len > 0)
    g_string_append_printf (out, "\n%-20s %5s %9s %9s %9s %9s %9s %9s   %s\n", _("VM"), _("vCPU"), _("Running"),
             _("Hyperv."), _("Preempt."), _("Waiting"), _("Blocked"), _("Unknown"), _("Preempted by"));
  for (guint i = 0; i < stats->vcpus->len; i++)
    {
      const StrataVcpuRangeStats *v = &g_array_index (stats->vcpus, StrataVcpuRangeStats, i);
      /* Freed one by one below: g_autofree on an array frees its first element only. */
      char *cells[G_N_ELEMENTS (vcpu_states)] = { NULL };

      for (guint s = 0; s < G_N_ELEMENTS (vcpu_states); s++)
        cells[s] = share (v->ns[vcpu_states[s]], length);
      g_string_append_printf (out, "%-20s %5d %9s %9s %9s %9s %9s %9s  ",
               (strata_analysis_get_machine_name (analysis, v->machine)), v->vcpu,
               cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]);
      for (guint s = 0; s < G_N_ELEMENTS (cells); s++)
        g_free (cells[s]);
      for (guint c = 0; c < v->n_preemptors; c++)
        {
          const StrataPreemptionCause *cause = &v->preemptors[c];
          g_autofree char *dur = strata_time_format_duration (cause->ns);
          g_autofree char *who = strata_describe_cause (analysis, cause);

          g_string_append_printf (out, " %s %s%s", who ? who : "?", dur, c + 1 < v->n_preemptors ? "," : "");
        }
      g_string_append_printf (out, "\n");
      if (v->traced && v->ns[STRATA_STATE_RUNNING] > 0)
        {
          g_autofree char *user = share (v->guest_ns[STRATA_GUEST_USER], v->ns[STRATA_STATE_RUNNING]);
          g_autofree char *kernel = share (v->guest_ns[STRATA_GUEST_KERNEL], v->ns[STRATA_STATE_RUNNING]);
          g_autofree char *idle = share (v->guest_ns[STRATA_GUEST_IDLE], v->ns[STRATA_STATE_RUNNING]);
          g_autofree char *other = share (v->guest_ns[STRATA_GUEST_OTHER], v->ns[STRATA_STATE_RUNNING]);

          /* Guest mode its trace says nothing of (it was cut short, say): not left to guess. */
          if (v->guest_ns[STRATA_GUEST_OTHER] * 1000 >= v->ns[STRATA_STATE_RUNNING])
            g_string_append_printf (out, _("%26s running: guest user %s, kernel %s, idle %s, not known %s\n"), "", user,
                                    kernel, idle, other);
          else
            g_string_append_printf (out, _("%26s running: guest user %s, kernel %s, idle %s\n"), "", user, kernel, idle);
        }
    }
  /* Of several machines, none a host: which one's CPUs these are is not to be guessed. */
  if (stats->pcpus->len > 0 && analysis->host < 0 && analysis->primary >= 0 && strata_analysis_get_n_machines (analysis) > 1)
    g_string_append_printf (out, _("\nThe CPUs of %s, the set's first kernel trace (it has no KVM host):"),
                            strata_analysis_get_machine_name (analysis, analysis->primary));
  /* The set host's CPUs by number; another host's by row name, which widens the column. */
  for (guint i = 0; i < stats->pcpus->len; i++)
    {
      const StrataPcpuRangeStats *p = &g_array_index (stats->pcpus, StrataPcpuRangeStats, i);

      if (p->machine != analysis->primary)
        {
          g_autofree char *label = pcpu_label (analysis, p);

          label_width = MAX (label_width, (gint) g_utf8_strlen (label, -1));
        }
    }
  if (stats->pcpus->len > 0)
    g_string_append_printf (out, "\n%-*s %9s %9s %9s  %s\n", label_width, _("pCPU"), _("Idle"), _("Host"), _("Unknown"),
                            _("VMs"));
  for (guint i = 0; i < stats->pcpus->len; i++)
    {
      const StrataPcpuRangeStats *p = &g_array_index (stats->pcpus, StrataPcpuRangeStats, i);
      g_autofree char *idle = share (p->idle, length);
      g_autofree char *host = share (p->host, length);
      g_autofree char *unknown = share (p->unknown, length);
      g_autofree char *label = p->machine == analysis->primary ? g_strdup_printf ("%d", p->cpu) : pcpu_label (analysis, p);

      g_string_append_printf (out, "%-*s %9s %9s %9s ", label_width, label, idle, host, unknown);
      for (guint m = 0; m < stats->n_machines; m++)
        if (p->machine_ns[m] != 0)
          {
            g_autofree char *vm = share (p->machine_ns[m], length);

            g_string_append_printf (out, " %s %s", (strata_analysis_get_machine_name (analysis, m)), vm);
          }
      g_string_append_printf (out, "\n");
    }
  return g_string_free (out, FALSE);
}
