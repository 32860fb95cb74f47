/* strata-analysis-irqs.c: a model's IRQ and soft IRQ rows, what each handler does
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-model"

#include "config.h"

#include "strata-analysis-private.h"

IrqRow *
_strata_analysis_irq_row (Model    *model,
                          gint64    number,
                          gboolean  soft,
                          guint     cpu)
{
  IrqRow **cached = NULL;
  GHashTable *table = soft ? model->softirqs : model->irqs;
  gint64 key = soft ? strata_softirq_row_number (number, cpu) : number;
  IrqRow *r;

  if (soft && number >= 0 && number < SOFTIRQ_CACHE_SIZE)
    cached = &g_array_index (model->cpus, Cpu, cpu).softirq_rows[number];
  else if (!soft && number >= 0 && number < IRQ_CACHE_SIZE)
    cached = &model->irq_cache[number];
  if (cached != NULL && *cached != NULL)
    return *cached;
  r = soft ? g_hash_table_lookup (table, &key) : g_hash_table_lookup (table, GINT_TO_POINTER (number));
  if (r == NULL)
    {
      g_autofree char *name = NULL;
      g_autofree char *alias = NULL;

      if (soft)
        {
          number = strata_softirq_row_vector (key);
          name = g_strdup_printf ("%ssoftirq/%" G_GINT64_FORMAT "/cpu/%u", model->prefix, number, cpu);
          alias = g_strdup_printf ("softirq/%" G_GINT64_FORMAT "/cpu/%u", number, cpu);
        }
      else
        {
          name = g_strdup_printf ("%sirq/%" G_GINT64_FORMAT, model->prefix, number);
          alias = g_strdup_printf ("irq/%" G_GINT64_FORMAT, number);
        }
      r = g_new0 (IrqRow, 1);
      r->number = key;
      r->last_id = G_MAXUINT32;
      r->row = strata_store_builder_add_row (model->b, name, soft ? STRATA_ROW_SOFTIRQ : STRATA_ROW_IRQ,
                                             model->index, key);
      if (model->primary)
        strata_store_builder_add_alias (model->b, alias, r->row);
      g_hash_table_insert (table, soft ? (gpointer) &r->number : GINT_TO_POINTER (number), r);
    }
  if (cached != NULL)
    *cached = r;
  return r;
}

void
_strata_analysis_irq_set (Model    *model,
                          IrqRow   *r,
                          gboolean  soft,
                          gboolean  enter,
                          gint64    ts,
                          gint32    tid,
                          guint32   name)
{
  StrataStateDesc d = { 0 };

  if (enter)
    r->active++;
  else if (r->active > 0)
    r->active--;
  else
    return;
  d.machine = model->index;
  d.vcpu = -1;
  d.host_tid = -1;
  d.irq = -1;
  if (r->active == 0)
    {
      /* Every handler row of the machine is idle with the same description: an exit, half
       * of a row's changes, needs no hashing. */
      if (model->irq_idle_id == 0)
        {
          d.state = STRATA_STATE_IDLE;
          d.tid = -1;
          model->irq_idle_id = strata_store_builder_intern (model->b, &d) + 1;
        }
      strata_store_builder_set_id_fast (model->b, r->row, ts, model->irq_idle_id - 1);
      return;
    }
  d.state = soft ? STRATA_STATE_SOFTIRQ : STRATA_STATE_IRQ;
  d.tid = tid;
  d.comm = name;
  if (r->last_id == G_MAXUINT32 || r->last_state != d.state || r->last_tid != d.tid || r->last_name != d.comm)
    {
      r->last_state = d.state;
      r->last_tid = d.tid;
      r->last_name = d.comm;
      r->last_id = strata_store_builder_intern (model->b, &d);
    }
  strata_store_builder_set_id_fast (model->b, r->row, ts, r->last_id);
}
