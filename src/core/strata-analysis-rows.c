/* strata-analysis-rows.c: what a model writes into its rows afterwards: a syscall proven
 * back to a thread's first appearance, names learned late, and where rows end
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-model"

#include "config.h"

#include "strata-analysis-private.h"

/* The description of the time past a trace's end. */
guint32
_strata_analysis_gap_id (Model *model)
{
  StrataStateDesc gap = { 0 };

  gap.state = STRATA_STATE_UNKNOWN;
  gap.machine = STRATA_NO_MACHINE;
  gap.vcpu = gap.tid = gap.host_tid = gap.irq = -1;
  return strata_store_builder_intern (model->b, &gap);
}

/* Rows stop where their trace stops, not at the end of the longest trace of the set. */
void
_strata_analysis_end_rows (Model  *model,
                           gint64  end)
{
  StrataStoreBuilder *b = model->b;
  GHashTableIter iter;
  gpointer value;
  guint32 id = _strata_analysis_gap_id (model);

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

      /* Not where the store will drop it: one change long after a thread's last would give
       * its row 64-bit times (and, in a palette, a description it does not name). */
      if (t->row >= 0 && end < model->a->end)
        strata_store_builder_set_id_fast (b, t->row, end, id);
    }
  for (guint i = 0; i < model->vcpu_threads->len; i++)
    {
      const VcpuThread *kvm = g_ptr_array_index (model->vcpu_threads, i);

      if (kvm->row >= 0)
        strata_store_builder_set_id_fast (b, kvm->row, end, id);
    }
  for (guint k = 0; k < 2; k++)
    {
      g_hash_table_iter_init (&iter, k == 0 ? model->irqs : model->softirqs);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        strata_store_builder_set_id_fast (b, ((IrqRow *) value)->row, end, id);
    }
}

/* What a remap of a thread's rows (strata_store_builder_remap_since()) makes of their
 * descriptions: change() rewrites a description of the thread, or says it is not one. The
 * last one rewritten is kept, as a row repeats few. */
typedef struct _Rewrite Rewrite;

struct _Rewrite
{
  Model     *model;
  gboolean (*change) (const Rewrite   *r,
                      StrataStateDesc *d);
  gint32     row_tid;       /* the tid the row's descriptions of the thread give: -1 on its
                             * thread row */
  guint32    name;          /* a syscall's name, or the thread's */
  guint32    last_in;
  guint32    last_out;
};

static guint32
rewrite_id (guint32  id,
            gpointer data)
{
  Rewrite *r = data;
  StrataStateDesc d;

  if (id == r->last_in)
    return r->last_out;
  d = *strata_store_builder_desc (r->model->b, id);
  if (!r->change (r, &d))
    return id;
  r->last_in = id;
  r->last_out = strata_store_builder_intern (r->model->b, &d);
  return r->last_out;
}

/* The thread's "user" or "running" made "syscall". */
static gboolean
to_syscall (const Rewrite   *r,
            StrataStateDesc *d)
{
  if (d->tid != r->row_tid || d->machine != r->model->index ||
      (d->state != STRATA_STATE_USER && d->state != STRATA_STATE_RUNNING))
    return FALSE;
  d->state = STRATA_STATE_SYSCALL;
  d->detail = r->name;
  return TRUE;
}

/* Row @row's descriptions of a thread (@row_tid, -1 on the thread's own row) since @since,
 * "user" or "running", become syscall @name. */
void
_strata_analysis_syscall_since (Model   *model,
                                gint     row,
                                gint32   row_tid,
                                gint64   since,
                                guint32  name)
{
  Rewrite r = { model, to_syscall, row_tid, name, G_MAXUINT32, G_MAXUINT32 };

  strata_store_builder_remap_since (model->b, row, since, rewrite_id, &r);
}

/* A thread's description without its name, made before the name was known: with the name. */
static gboolean
to_named (const Rewrite   *r,
          StrataStateDesc *d)
{
  if (d->comm != 0 || strata_state_desc_is_gap (d))
    return FALSE;
  d->comm = r->name;
  return TRUE;
}

/* Threads running when tracing began are named only once they are switched out or dumped:
 * their rows' earlier intervals get the name learned later (a description naming the
 * thread, on a CPU row, gets it in the names pass). */
void
_strata_analysis_name_thread_rows (Model *model)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, model->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Thread *t = value;
      Rewrite r = { model, to_named, -1, t->name, G_MAXUINT32, G_MAXUINT32 };

      if (t->unnamed_row && t->row >= 0 && t->name != 0)
        strata_store_builder_remap_since (model->b, t->row, STRATA_TIME_MIN, rewrite_id, &r);
    }
}
