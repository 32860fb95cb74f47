/* strata-analysis-starts.c: what each CPU's first events prove of what ran before them
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-scan"

#include "config.h"

#include "strata-analysis-private.h"

/* LTTng's statedump status of a thread on a CPU (lttng-modules itself writes 1 or 2 for every
 * TASK_RUNNING thread, running or not, which proves nothing). */
#define STATEDUMP_RUN 6

typedef struct
{
  gint64  ts;
  gint32  tid;
  guint32 name;
  gint64  cpu;
} RunDump;

/* Whether any stream of @trace holds statedump events. */
static gboolean
runs_in_trace (const StrataTrace *trace)
{
  for (guint s = 0; s < trace->streams->len; s++)
    if (strata_event_buffer_kinds (((StrataStream *) g_ptr_array_index (trace->streams, s))->buffer) &
        (G_GUINT64_CONSTANT (1) << STRATA_EV_STATEDUMP_PROCESS))
      return TRUE;
  return FALSE;
}

/*
 * A CPU's first sched_switch names the thread that ran before it, from the CPU's first event;
 * an IRQ or soft IRQ exit met before any entry says that handler was open from then too. Each
 * group of streams is read only up to its CPUs' first switches. A statedump that says a thread
 * runs on a CPU (status RUN with its cpu) names a CPU that never switches, wherever that dump
 * lies; and a dump before a CPU's first event, of the thread its first switch names (or of any
 * thread, when it never switches), starts the CPU there: a thread that runs makes no event
 * (a vCPU in guest mode, a loop in user space) until it does.
 */
void
_strata_analysis_find_starts (Model *model)
{
  static const gboolean wanted[STRATA_EV_N_KINDS] = {
    [STRATA_EV_SCHED_SWITCH] = TRUE, [STRATA_EV_STATEDUMP_PROCESS] = TRUE,
    [STRATA_EV_IRQ_ENTRY] = TRUE, [STRATA_EV_IRQ_EXIT] = TRUE,
    [STRATA_EV_SOFTIRQ_ENTRY] = TRUE, [STRATA_EV_SOFTIRQ_EXIT] = TRUE,
    [STRATA_EV_KVM_ENTRY] = TRUE, [STRATA_EV_KVM_EXIT] = TRUE,
  };
  static const gboolean dumps[STRATA_EV_N_KINDS] = { [STRATA_EV_STATEDUMP_PROCESS] = TRUE };
  StrataTrace *trace = model->machine->trace;
  g_autofree GPtrArray **groups = g_new0 (GPtrArray *, MAX (trace->streams->len, 1));
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (RunDump));
  g_autoptr(GArray) switched = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_autoptr(GArray) entered = g_array_new (FALSE, TRUE, sizeof (guint8));  /* depth since the start */
  g_autoptr(GArray) kvm = g_array_new (FALSE, TRUE, sizeof (gboolean));     /* before the first switch */
  g_autoptr(GArray) late = g_array_new (FALSE, TRUE, sizeof (gboolean));    /* events lost before its first */
  gboolean by_cpu;
  guint n_groups = _strata_analysis_group_streams (trace, groups, &by_cpu);
  gboolean all_read = TRUE, unnamed = FALSE;
  gint64 last_start = G_MININT64;

  for (guint s = 0; s < trace->streams->len; s++)
    {
      const StrataStream *stream = g_ptr_array_index (trace->streams, s);
      Cpu *c;

      if (stream->cpu >= 4096 || strata_event_buffer_count (stream->buffer) == 0)
        continue;
      _strata_analysis_ensure_cpus (model, stream->cpu + 1);
      c = &g_array_index (model->cpus, Cpu, stream->cpu);
      c->start_ts = MIN (c->start_ts, stream->begin_ns);
    }
  g_array_set_size (switched, model->cpus->len);
  g_array_set_size (entered, model->cpus->len);
  g_array_set_size (kvm, model->cpus->len);
  g_array_set_size (late, model->cpus->len);
  for (guint s = 0; s < trace->streams->len; s++)
    {
      const StrataStream *stream = g_ptr_array_index (trace->streams, s);
      gboolean lost = stream->lost_before;

      /* A loss at or before its first event: other threads may have run there meanwhile. */
      for (guint l = 0; l < stream->losses->len && !lost; l++)
        lost = g_array_index (stream->losses, StrataLoss, l).begin_ns <= stream->begin_ns;
      if (lost && stream->cpu < late->len)
        g_array_index (late, gboolean, stream->cpu) = TRUE;
    }

  for (guint g = 0; g < n_groups; g++)
    {
      g_autofree StrataEventBuffer **buffers = g_new (StrataEventBuffer *, MAX (groups[g]->len, 1));
      g_autoptr(StrataEventMerge) merge = NULL;
      gboolean group_done = FALSE;
      const StrataEvent *e = NULL;

      for (guint i = 0; i < groups[g]->len; i++)
        buffers[i] = ((StrataStream *) g_ptr_array_index (groups[g], i))->buffer;
      merge = strata_event_merge_new_wanted (buffers, groups[g]->len, wanted);
      /* A group of one CPU is done at that CPU's first switch; one of any CPU never is. */
      while (!group_done)
        {
          Cpu *c;
          gboolean *done;

          if ((e = strata_event_merge_step (merge)) == NULL)
            break;
          if (e->cpu >= model->cpus->len || !strata_time_in_range (e->ts))
            continue;
          c = &g_array_index (model->cpus, Cpu, e->cpu);
          done = &g_array_index (switched, gboolean, e->cpu);
          if (e->kind == STRATA_EV_STATEDUMP_PROCESS)
            {
              RunDump run = { e->ts, e->f[STRATA_F_SD_TID], e->f[STRATA_F_SD_NAME], e->f[STRATA_F_SD_CPU] };

              if (e->f[STRATA_F_SD_STATUS] == STATEDUMP_RUN && run.cpu >= 0 && run.tid >= 0)
                g_array_append_val (runs, run);
              continue;
            }
          if (*done)
            continue;
          if (e->kind == STRATA_EV_KVM_ENTRY || e->kind == STRATA_EV_KVM_EXIT)
            {
              g_array_index (kvm, gboolean, e->cpu) = TRUE;
              continue;
            }
          if (e->kind == STRATA_EV_SCHED_SWITCH)
            {
              *done = TRUE;
              group_done = by_cpu;
              c->start_tid = e->f[STRATA_F_SWITCH_PREV_TID];
              c->start_comm = e->f[STRATA_F_SWITCH_PREV_COMM];
            }
          else
            {
              gboolean soft = e->kind == STRATA_EV_SOFTIRQ_ENTRY || e->kind == STRATA_EV_SOFTIRQ_EXIT;
              guint8 *depth = &g_array_index (entered, guint8, e->cpu);

              if (e->kind == STRATA_EV_IRQ_ENTRY || e->kind == STRATA_EV_SOFTIRQ_ENTRY)
                *depth = MIN (*depth + 1, 255);
              else if (*depth > 0)
                (*depth)--;
              else if (c->n_start_irqs < 2 && (c->n_start_irqs == 0 || !c->start_soft[0]))
                {
                  /* Open from the start, inside those found so far; a soft IRQ runs only
                   * outside hard IRQ handlers, so none can be open around it. */
                  if (c->n_start_irqs == 1)
                    {
                      c->start_soft[1] = c->start_soft[0];
                      c->start_irq[1] = c->start_irq[0];
                    }
                  c->start_soft[0] = soft;
                  c->start_irq[0] = e->f[soft ? STRATA_F_SOFTIRQ_VEC : STRATA_F_IRQX_IRQ];
                  c->n_start_irqs++;
                }
            }
        }
      all_read &= e == NULL;
      g_ptr_array_unref (groups[g]);
    }

  for (guint i = 0; i < model->cpus->len; i++)
    {
      const Cpu *c = &g_array_index (model->cpus, Cpu, i);

      unnamed |= !g_array_index (switched, gboolean, i) && c->start_ts != G_MAXINT64;
      if (c->start_ts != G_MAXINT64)
        last_start = MAX (last_start, c->start_ts);
    }
  /* A dump past where the groups stopped may still name a CPU that never switched, or come
   * before another CPU's first event: read them all, up to the last CPU's first event unless
   * one never switched. */
  if (!all_read && runs_in_trace (trace))
    {
      gint64 until = unnamed ? G_MAXINT64 : last_start;

      g_array_set_size (runs, 0);
      for (guint s = 0; s < trace->streams->len; s++)
        {
          StrataEventCursor cursor;
          StrataEvent e;

          strata_event_cursor_init (&cursor, ((StrataStream *) g_ptr_array_index (trace->streams, s))->buffer);
          while (strata_event_cursor_next_wanted (&cursor, &e, dumps) && e.ts < until)
            {
              RunDump run = { e.ts, e.f[STRATA_F_SD_TID], e.f[STRATA_F_SD_NAME], e.f[STRATA_F_SD_CPU] };

              if (e.f[STRATA_F_SD_STATUS] == STATEDUMP_RUN && run.cpu >= 0 && run.tid >= 0 &&
                  strata_time_in_range (e.ts))
                g_array_append_val (runs, run);
            }
        }
    }
  /* A CPU that never switched takes the thread its first dump names. A CPU whose thread a dump
   * names before its first event starts at that dump: not one with a handler open at its
   * first event, which began after the dump at a time not known, nor one in KVM before its
   * first switch, whose vCPU thread may have been in guest mode from the dump (which the
   * windows of guest mode do not say), nor one whose events before its first were lost. */
  for (guint i = 0; i < runs->len; i++)
    {
      const RunDump *run = &g_array_index (runs, RunDump, i);
      Cpu *c;

      if (run->cpu >= model->cpus->len)
        continue;
      c = &g_array_index (model->cpus, Cpu, run->cpu);
      if (!g_array_index (switched, gboolean, run->cpu) && c->start_tid < 0)
        {
          c->start_tid = run->tid;
          c->start_comm = run->name;
        }
      if (run->tid == c->start_tid && c->start_ts != G_MAXINT64 && run->ts < c->start_ts && c->n_start_irqs == 0 &&
          !g_array_index (kvm, gboolean, run->cpu) && !g_array_index (late, gboolean, run->cpu))
        c->start_ts = run->ts;
    }
}
