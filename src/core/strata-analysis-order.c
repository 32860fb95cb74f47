/* strata-analysis-order.c: the orders a model walks besides its events': CPUs by the first
 * event that proves what ran on them, CPUs by where their streams were cut, handovers by the
 * end of their losses
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-model"

#include "config.h"

#include "strata-analysis-private.h"

/* CPU indexes sorted by one of their Cpu's times: the one at @offset. */
typedef struct
{
  GArray *cpus;
  gsize   offset;
} CpuTimeOrder;

static inline gint64
cpu_time (const CpuTimeOrder *order,
          guint               cpu)
{
  return G_STRUCT_MEMBER (gint64, &g_array_index (order->cpus, Cpu, cpu), order->offset);
}

static int
compare_cpu_time (gconstpointer a,
                  gconstpointer b,
                  gpointer      data)
{
  gint64 ta = cpu_time (data, *(const guint *) a), tb = cpu_time (data, *(const guint *) b);

  return (ta > tb) - (ta < tb);
}

static void
sort_cpus_by (GArray *order,
              GArray *cpus,
              gsize   offset)
{
  CpuTimeOrder by = { cpus, offset };

  g_array_sort_with_data (order, compare_cpu_time, &by);
}

GArray *
_strata_analysis_cpu_starts (Model *model)
{
  GArray *starts = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < model->cpus->len; i++)
    {
      const Cpu *c = &g_array_index (model->cpus, Cpu, i);

      if (c->start_ts != G_MAXINT64 && strata_time_in_range (c->start_ts) &&
          (c->start_tid >= 0 || c->n_start_irqs > 0))
        g_array_append_val (starts, i);
    }
  sort_cpus_by (starts, model->cpus, G_STRUCT_OFFSET (Cpu, start_ts));
  return starts;
}

GArray *
_strata_analysis_cpu_cuts (Model *model)
{
  StrataTrace *trace = model->machine->trace;
  GArray *cuts = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < trace->streams->len; i++)
    {
      const StrataStream *stream = g_ptr_array_index (trace->streams, i);

      /* A CPU with no event has no row to cut. */
      if (stream->cut_ns > 0 && stream->cpu < model->cpus->len && strata_time_in_range (stream->cut_ns))
        {
          Cpu *c = &g_array_index (model->cpus, Cpu, stream->cpu);

          if (c->cut_ts == G_MAXINT64)
            g_array_append_val (cuts, stream->cpu);
          c->cut_ts = MIN (c->cut_ts, stream->cut_ns);
        }
    }
  sort_cpus_by (cuts, model->cpus, G_STRUCT_OFFSET (Cpu, cut_ts));
  return cuts;
}

static int
compare_handover_end (gconstpointer a,
                      gconstpointer b,
                      gpointer      data)
{
  const Handover *ha = &g_array_index ((GArray *) data, Handover, *(const guint *) a);
  const Handover *hb = &g_array_index ((GArray *) data, Handover, *(const guint *) b);

  if (ha->end != hb->end)
    return ha->end < hb->end ? -1 : 1;
  return (*(const guint *) a > *(const guint *) b) - (*(const guint *) a < *(const guint *) b);
}

guint *
_strata_analysis_handover_arrivals (GArray *handovers)
{
  guint *arrivals = g_new (guint, MAX (handovers->len, 1));

  for (guint i = 0; i < handovers->len; i++)
    arrivals[i] = i;
  g_qsort_with_data (arrivals, handovers->len, sizeof (guint), compare_handover_end, handovers);
  return arrivals;
}
