/* strata-follow.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-follow"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-describe.h"
#include "strata-exit-reason.h"
#include "strata-follow.h"

typedef struct
{
  StrataAnalysis *analysis;
  guint16         machine;
  gint32          tid;
  GArray         *cpu_rows;     /* gint: the guest's CPU rows, -1: none */
  GArray         *vcpu_rows;    /* gint: the vCPU row of each guest CPU, -1: none */
  const gint     *pcpu_rows;    /* the store's pCPU rows */
  guint           n_pcpu_rows;
  gint            last_pcpu;    /* index in pcpu_rows of the last pCPU found: tried first */
  gint            last_cpu;     /* index in cpu_rows of the last guest CPU found: tried first */
  guint           row;
  gboolean        refinable;
  GArray         *out;
} Follow;

gboolean
strata_follow_can_refine (StrataAnalysis *analysis,
                          guint           row)
{
  StrataStore *store;
  guint16 machine;
  const StrataMachine *m;

  g_return_val_if_fail (analysis != NULL, FALSE);

  store = analysis->store;
  if (row >= strata_store_n_rows (store) || strata_store_row_kind (store, row) != STRATA_ROW_THREAD)
    return FALSE;
  machine = strata_store_row_machine (store, row);
  m = strata_analysis_get_machine (analysis, machine);
  return m != NULL && strata_analysis_machine_is_guest (analysis, machine) && m->trace != NULL &&
         m->vcpus != NULL && m->vcpus->len > 0;
}

static void
emit (Follow                     *f,
      const StrataFollowInterval *iv)
{
  StrataFollowInterval *last;

  if (iv->end <= iv->start)
    return;
  last = f->out->len > 0 ? &g_array_index (f->out, StrataFollowInterval, f->out->len - 1) : NULL;
  if (last != NULL && last->end == iv->start && last->state == iv->state && last->desc_id == iv->desc_id &&
      last->guest_cpu == iv->guest_cpu && last->pcpu == iv->pcpu && last->has_exit == iv->has_exit &&
      last->exit_isa == iv->exit_isa && last->exit_code == iv->exit_code && last->preemption == iv->preemption)
    {
      last->end = iv->end;
      return;
    }
  g_array_append_val (f->out, *iv);
}

/* The guest CPU the thread was on at @ns, or -1: the last one found first (a thread mostly
 * stays where it is, and is on one CPU at a time). */
static gint
guest_cpu_at (Follow *f,
              gint64  ns)
{
  guint n_cpus = f->cpu_rows->len;

  for (guint k = 0; k < n_cpus; k++)
    {
      guint n = ((guint) MAX (f->last_cpu, 0) + k) % n_cpus;
      StrataInterval iv;
      gint row = g_array_index (f->cpu_rows, gint, n);

      if (row >= 0 && strata_store_lookup (f->analysis->store, row, ns, &iv) && iv.desc->tid == f->tid)
        {
          f->last_cpu = (gint) n;
          return n;
        }
    }
  return -1;
}

/* The pCPU that vCPU thread @host_tid ran on at @ns, or -1: as
 * strata_describe_pcpu_of_thread(), over the pCPU rows only, the last one found first (a vCPU
 * mostly stays where it is). */
static gint32
pcpu_of (Follow *f,
         gint32  host_tid,
         gint64  ns)
{
  StrataStore *store = f->analysis->store;
  guint n = f->n_pcpu_rows;

  for (guint k = 0; k < n; k++)
    {
      guint i = ((guint) MAX (f->last_pcpu, 0) + k) % n;
      gint row = f->pcpu_rows[i];
      StrataInterval iv;

      if (strata_store_lookup (store, row, ns, &iv) &&
          (iv.desc->host_tid == host_tid || (iv.desc->tid == host_tid && (gint) iv.desc->machine == f->analysis->host)))
        {
          f->last_pcpu = (gint) i;
          return (gint32) strata_store_row_number (store, row);
        }
    }
  return -1;
}

/* [a, b) of the thread on guest CPU @cpu: cut where its vCPU's state changes on the host. */
static void
refine (Follow                     *f,
        const StrataFollowInterval *base,
        gint                        cpu)
{
  StrataStore *store = f->analysis->store;
  gint vrow = (guint) cpu < f->vcpu_rows->len ? g_array_index (f->vcpu_rows, gint, cpu) : -1;
  guint64 first, last;
  gint64 at = base->start;

  if (vrow < 0)
    {
      emit (f, base);
      return;
    }
  strata_store_range (store, vrow, base->start, base->end, &first, &last);
  for (guint64 k = first; k < last; k++)
    {
      StrataInterval vi;
      StrataFollowInterval piece = *base;
      const StrataStateDesc *d;

      strata_store_interval (store, vrow, k, &vi);
      d = vi.desc;
      piece.start = MAX (vi.start, base->start);
      piece.end = MIN (vi.end, base->end);
      piece.guest_cpu = cpu;
      if (piece.start > at)
        {
          StrataFollowInterval before = *base;

          before.start = at;
          before.end = piece.start;
          before.guest_cpu = cpu;
          emit (f, &before);
        }
      at = piece.end;
      switch (d->state)
        {
        case STRATA_STATE_RUNNING:
          piece.pcpu = pcpu_of (f, d->host_tid, piece.start);
          break;
        case STRATA_STATE_HYPERVISOR:
          piece.state = STRATA_STATE_HYPERVISOR;
          piece.has_exit = d->machine != STRATA_NO_MACHINE &&
                           strata_exits_at (f->analysis->exits, d->machine, d->vcpu, piece.start,
                                            &piece.exit_isa, &piece.exit_code, NULL, NULL);
          break;
        case STRATA_STATE_PREEMPTED:
        case STRATA_STATE_WAITING:
          piece.state = d->state;
          piece.preemption = strata_describe_find_preemption (f->analysis, d->machine, d->vcpu, vi.start);
          break;
        case STRATA_STATE_BLOCKED:
          piece.state = STRATA_STATE_BLOCKED;
          break;
        default:
          break;
        }
      emit (f, &piece);
    }
  if (at < base->end)
    {
      StrataFollowInterval after = *base;

      after.start = at;
      after.guest_cpu = cpu;
      emit (f, &after);
    }
}

/* Resolves the rows that refine thread row @row once, for any number of ranges. */
static void
follow_init (Follow         *f,
             StrataAnalysis *analysis,
             guint           row)
{
  StrataStore *store = analysis->store;

  *f = (Follow) {
    .analysis = analysis,
    .tid = -1,
    .cpu_rows = g_array_new (FALSE, FALSE, sizeof (gint)),
    .vcpu_rows = g_array_new (FALSE, FALSE, sizeof (gint)),
    .row = row,
    .out = g_array_new (FALSE, FALSE, sizeof (StrataFollowInterval)),
  };
  f->refinable = strata_follow_can_refine (analysis, row);
  f->machine = strata_store_row_machine (store, row);
  f->tid = (gint32) strata_store_row_number (store, row);
  if (f->refinable)
    {
      const StrataMachine *m = strata_analysis_get_machine (analysis, f->machine);

      for (guint n = 0; n < m->n_cpus; n++)
        {
          g_autofree char *cpu = g_strdup_printf ("%s/cpu/%u", m->name, n);
          g_autofree char *vcpu = g_strdup_printf ("%s/vcpu/%u", m->name, n);
          gint r = strata_store_find_row (store, cpu);

          g_array_append_val (f->cpu_rows, r);
          r = strata_store_find_row (store, vcpu);
          g_array_append_val (f->vcpu_rows, r);
        }
      /* The pCPU rows are the set's host's: a VM of another host runs on none of them. */
      if (strata_analysis_vm_host (f->analysis, f->machine) == f->analysis->host)
        f->pcpu_rows = strata_store_pcpu_rows (store, &f->n_pcpu_rows);
    }
}

static void
follow_clear (Follow *f)
{
  g_clear_pointer (&f->cpu_rows, g_array_unref);
  g_clear_pointer (&f->vcpu_rows, g_array_unref);
  g_clear_pointer (&f->out, g_array_unref);
}

/* Appends the refined intervals of the row's interval @k over [@from, @to) to f->out. */
static void
follow_one (Follow  *f,
            guint64 k,
            gint64  from,
            gint64  to)
{
  StrataInterval iv;
  StrataFollowInterval base = { 0 };
  gint cpu;

  strata_store_interval (f->analysis->store, f->row, k, &iv);
  if (strata_state_desc_is_gap (iv.desc))
    return;
  base.start = MAX (iv.start, from);
  base.end = MIN (iv.end, to);
  base.state = iv.desc->state;
  base.desc_id = iv.desc_id;
  base.guest_cpu = -1;
  base.pcpu = -1;
  if (f->refinable && (base.state == STRATA_STATE_RUNNING || base.state == STRATA_STATE_SYSCALL ||
                       base.state == STRATA_STATE_INTERRUPTED) &&
      (cpu = guest_cpu_at (f, base.start)) >= 0)
    refine (f, &base, cpu);
  else
    emit (f, &base);
}

/* Appends the refined intervals over [@from, @to) to f->out. */
static void
follow_range (Follow *f,
              gint64  from,
              gint64  to)
{
  guint64 first, last;

  strata_store_range (f->analysis->store, f->row, from, to, &first, &last);
  for (guint64 k = first; k < last; k++)
    follow_one (f, k, from, to);
}

GArray *
strata_follow_thread (StrataAnalysis *analysis,
                      guint           row,
                      gint64          from,
                      gint64          to)
{
  Follow f;
  GArray *out;

  g_return_val_if_fail (analysis != NULL, g_array_new (FALSE, FALSE, sizeof (StrataFollowInterval)));
  g_return_val_if_fail (row < strata_store_n_rows (analysis->store),
                        g_array_new (FALSE, FALSE, sizeof (StrataFollowInterval)));

  follow_init (&f, analysis, row);
  follow_range (&f, from, to);
  out = g_steal_pointer (&f.out);
  follow_clear (&f);
  return out;
}

GArray *
strata_follow_thread_drawn (StrataAnalysis *analysis,
                            guint           row,
                            StrataTimeSpan  visible,
                            int             width)
{
  StrataStore *store;
  GArray *out;
  Follow f;
  guint64 first, last, n;

  g_return_val_if_fail (analysis != NULL, g_array_new (FALSE, FALSE, sizeof (StrataFollowInterval)));
  g_return_val_if_fail (row < strata_store_n_rows (analysis->store),
                        g_array_new (FALSE, FALSE, sizeof (StrataFollowInterval)));

  store = analysis->store;
  follow_init (&f, analysis, row);
  strata_store_range (store, row, visible.begin, visible.end, &first, &last);
  if (last - first <= (guint64) STRATA_FOLLOW_EXACT_PER_PX * (guint64) MAX (width, 1))
    {
      follow_range (&f, visible.begin, visible.end);
      out = g_steal_pointer (&f.out);
      follow_clear (&f);
      return out;
    }

  n = strata_store_row_n_intervals (store, row);
  out = g_array_new (FALSE, FALSE, sizeof (StrataFollowInterval));
  for (int c = 0; c < width; c++)
    {
      gint64 t0 = strata_time_span_to_ns (visible, c, width);
      gint64 t1 = strata_time_span_to_ns (visible, c + 1, width);
      gint64 at = t0;
      gint64 at_k;
      StrataFollowInterval *p, *prev;

      if (t1 <= t0)
        continue;
      /* The interval that holds t0 (at_k < 0: the row starts later), then those that start
       * before t1: the sample is taken in the interval where it lies, found once. */
      strata_store_range (store, row, t0, t0 + 1, &first, &last);
      at_k = last > first ? (gint64) first : -1;
      for (guint64 k = first; k < n && k < first + STRATA_FOLLOW_SAMPLE_SCAN; k++)
        {
          StrataInterval iv;

          strata_store_interval (store, row, k, &iv);
          if (iv.start >= t1)
            break;
          if (strata_state_is_activity (iv.desc->state))
            {
              at = MAX (iv.start, t0);
              at_k = (gint64) k;
              /* The last interval to start there holds it, as a search would find. */
              while ((guint64) at_k + 1 < n && iv.end <= at)
                strata_store_interval (store, row, (guint64) ++at_k, &iv);
              break;
            }
        }
      if (at_k < 0)
        continue;
      g_array_set_size (f.out, 0);
      follow_one (&f, (guint64) at_k, at, at + 1);
      if (f.out->len == 0)
        continue;
      p = &g_array_index (f.out, StrataFollowInterval, 0);
      p->start = t0;
      p->end = t1;
      prev = out->len > 0 ? &g_array_index (out, StrataFollowInterval, out->len - 1) : NULL;
      if (prev != NULL && prev->end == t0 && prev->state == p->state && prev->guest_cpu == p->guest_cpu &&
          prev->pcpu == p->pcpu && prev->has_exit == p->has_exit && prev->exit_code == p->exit_code)
        prev->end = t1;
      else
        g_array_append_val (out, *p);
    }
  follow_clear (&f);
  return out;
}

gint
strata_follow_find_row (StrataAnalysis *analysis,
                        guint16         machine,
                        gint32          tid)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (analysis != NULL, -1);

  if (machine >= strata_analysis_get_n_machines (analysis))
    return -1;
  name = g_strdup_printf ("%s/thread/%d", strata_analysis_get_machine_name (analysis, machine), tid);
  return strata_store_find_row (analysis->store, name);
}

char *
strata_follow_name (StrataAnalysis *analysis,
                    guint           row)
{
  StrataStore *store;
  guint64 n;
  gint64 tid;

  g_return_val_if_fail (analysis != NULL, NULL);
  g_return_val_if_fail (row < strata_store_n_rows (analysis->store), NULL);

  store = analysis->store;
  tid = strata_store_row_number (store, row);
  n = strata_store_row_n_intervals (store, row);
  for (guint64 k = n; k-- > 0 && k + 8 >= n;)
    {
      StrataInterval iv;

      strata_store_interval (store, row, k, &iv);
      if (iv.desc->comm != 0)
        return g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", strata_analysis_string (analysis, iv.desc->comm), tid);
    }
  return g_strdup_printf ("%" G_GINT64_FORMAT, tid);
}

gint
strata_follow_thread_at (StrataAnalysis *analysis,
                         guint           row,
                         gint64          ns)
{
  StrataStore *store;
  StrataInterval iv;
  const StrataStateDesc *d;
  gint found = -1, host;

  g_return_val_if_fail (analysis != NULL, -1);

  store = analysis->store;
  if (row >= strata_store_n_rows (store) || !strata_store_lookup (store, row, ns, &iv))
    return -1;
  d = iv.desc;
  if (strata_store_row_kind (store, row) == STRATA_ROW_THREAD)
    return (gint) row;
  if (strata_store_row_kind (store, row) == STRATA_ROW_VCPU && d->machine != STRATA_NO_MACHINE && d->vcpu >= 0)
    {
      g_autofree char *name = g_strdup_printf ("%s/cpu/%d", strata_analysis_get_machine_name (analysis, d->machine), d->vcpu);
      gint cpu_row = strata_store_find_row (store, name);
      StrataInterval guest;

      if (cpu_row >= 0 && strata_store_lookup (store, cpu_row, ns, &guest) && guest.desc->tid > 0 &&
          guest.desc->state != STRATA_STATE_IDLE)
        found = strata_follow_find_row (analysis, d->machine, guest.desc->tid);
    }
  else if (d->tid > 0 && d->machine != STRATA_NO_MACHINE && d->state != STRATA_STATE_IDLE)
    found = strata_follow_find_row (analysis, d->machine, d->tid);
  host = strata_analysis_vm_host (analysis, d->machine);
  if (found < 0 && d->host_tid > 0 && host >= 0)
    found = strata_follow_find_row (analysis, (guint16) host, d->host_tid);
  return found;
}

void
strata_follow_preemption_rows (StrataAnalysis         *analysis,
                               const StrataPreemption *p,
                               gint                   *preempted,
                               gint                   *preemptor)
{
  g_autofree char *name = NULL;
  gint vrow;

  g_return_if_fail (analysis != NULL);
  g_return_if_fail (p != NULL);

  *preempted = -1;
  *preemptor = -1;
  name = g_strdup_printf ("%s/vcpu/%d", strata_analysis_get_machine_name (analysis, p->machine), p->vcpu);
  if ((vrow = strata_store_find_row (analysis->store, name)) >= 0)
    *preempted = strata_follow_thread_at (analysis, (guint) vrow, p->start);
  if (p->by != NULL && p->by->len > 0)
    {
      const StrataPreemptionCause *c = &g_array_index (p->by, StrataPreemptionCause, 0);

      if (c->tid > 0)
        *preemptor = strata_follow_find_row (analysis, c->machine, c->tid);
    }
}

/* The refined interval that starts at @start, whole: read in windows growing until one
 * holds its end. */
static void
piece_from (StrataAnalysis       *analysis,
            guint                 row,
            gint64                start,
            StrataFollowInterval *out)
{
  gint64 end = strata_store_end (analysis->store);

  for (gint64 width = 1000; ; width *= 16)
    {
      gint64 to = width > end - start ? end : start + width;
      g_autoptr(GArray) pieces = strata_follow_thread (analysis, row, start, to);

      if (pieces->len > 0)
        *out = g_array_index (pieces, StrataFollowInterval, 0);
      if (pieces->len > 1 || to >= end)
        return;
    }
}

gboolean
strata_follow_step (StrataAnalysis       *analysis,
                    guint                 row,
                    gint64                ns,
                    gint                  direction,
                    StrataFollowInterval *out)
{
  StrataStore *store;
  gint64 begin, end;

  g_return_val_if_fail (analysis != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  store = analysis->store;
  if (row >= strata_store_n_rows (store) || direction == 0)
    return FALSE;
  begin = strata_store_begin (store);
  end = strata_store_end (store);
  ns = CLAMP (ns, begin, end);

  /* Windows of 1 µs, then 16 times wider each time, until one holds a change. Pieces are
   * consecutive and never equal neighbours, so each start in a window is a change, but for
   * the first, which the window may have cut. */
  for (gint64 width = 1000; ; width *= 16)
    {
      gint64 from = direction > 0 ? ns : (width > ns - begin ? begin : ns - width);
      gint64 to = direction > 0 ? (width > end - ns ? end : ns + width) : ns;
      g_autoptr(GArray) pieces = strata_follow_thread (analysis, row, from, to);

      if (direction > 0)
        {
          for (guint i = 0; i < pieces->len; i++)
            if (g_array_index (pieces, StrataFollowInterval, i).start > ns)
              {
                piece_from (analysis, row, g_array_index (pieces, StrataFollowInterval, i).start, out);
                return TRUE;
              }
          if (to >= end)
            return FALSE;
        }
      else
        {
          for (guint i = pieces->len; i-- > 0;)
            {
              gint64 start = g_array_index (pieces, StrataFollowInterval, i).start;

              if (start < ns && (start > from || from <= begin))
                {
                  piece_from (analysis, row, start, out);
                  return TRUE;
                }
            }
          if (from <= begin)
            return FALSE;
        }
    }
}

char *
strata_follow_describe (StrataAnalysis             *analysis,
                        const StrataFollowInterval *iv)
{
  const char *state;

  g_return_val_if_fail (analysis != NULL, NULL);
  g_return_val_if_fail (iv != NULL, NULL);

  state = strata_state_get_title (iv->state);
  if (iv->pcpu >= 0)
    /* Translators: a followed guest thread's state, and the host CPU its vCPU ran on */
    return g_strdup_printf (_("%s on pCPU %d"), state, iv->pcpu);
  if (iv->has_exit)
    /* Translators: a followed guest thread's vCPU in the hypervisor, and the exit's reason */
    return g_strdup_printf (_("vCPU %d in the hypervisor: %s"), iv->guest_cpu,
                            strata_exit_reason_display (iv->exit_isa, iv->exit_code));
  if ((iv->state == STRATA_STATE_PREEMPTED || iv->state == STRATA_STATE_WAITING) && iv->preemption != NULL &&
      iv->preemption->by != NULL && iv->preemption->by->len > 0)
    {
      g_autofree char *cause = strata_describe_cause (analysis, &g_array_index (iv->preemption->by,
                                                                                StrataPreemptionCause, 0));

      /* Translators: a followed guest thread's vCPU preempted, or woken and waiting, and what
       * ran on its pCPU: "vCPU 1 preempted by stress (4001)" */
      return iv->state == STRATA_STATE_PREEMPTED
             ? g_strdup_printf (_("vCPU %d preempted by %s"), iv->guest_cpu, cause)
             : g_strdup_printf (_("vCPU %d waiting, %s ran"), iv->guest_cpu, cause);
    }
  if (iv->guest_cpu >= 0 && iv->state != STRATA_STATE_RUNNING && iv->state != STRATA_STATE_SYSCALL &&
      iv->state != STRATA_STATE_INTERRUPTED)
    /* Translators: a followed guest thread's vCPU state: "vCPU 1 preempted" */
    return g_strdup_printf (_("vCPU %d %s"), iv->guest_cpu, state);
  return g_strdup (state);
}
