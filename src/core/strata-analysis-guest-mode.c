/* strata-analysis-guest-mode.c: whether a guest's event falls in its vCPU's guest mode, as
 * the host's KVM windows and the sync's accuracy say
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-model"

#include "config.h"

#include <math.h>

#include "strata-analysis-private.h"

/* What guest @model's checks need, once, before its model runs. */
void
_strata_analysis_guest_mode_init (Model *model)
{
  Analysis *a = model->a;
  double accuracy = model->machine->sync.accuracy_ns;
  Model *host = model->vm->host < a->models->len ? g_ptr_array_index (a->models, model->vm->host) : NULL;

  model->guest_cursor = g_array_new (FALSE, TRUE, sizeof (guint));
  /* The sync's accuracy, and the nanosecond that mapping a time rounds off. A clock nothing
   * bounds (messages one way only) cannot tell an event outside guest mode: none is counted. */
  model->guest_slack = accuracy > 0 ? (gint64) MIN (ceil (accuracy), 1e15) + 1 : 1;
  /* Before the host's trace begins and after it ends, it says nothing of guest mode. */
  model->host_begin = G_MAXINT64;
  model->host_cut = G_MAXINT64;
  if (host != NULL && host->machine->trace->events > 0)
    {
      model->host_begin = to_host (host, host->machine->trace->begin_ns);
      model->host_cut = to_host (host, host->machine->trace->end_ns) + 1;
    }
  for (guint s = 0; host != NULL && s < host->machine->trace->streams->len; s++)
    {
      const StrataStream *stream = g_ptr_array_index (host->machine->trace->streams, s);

      if (stream->cut_ns > 0 && strata_time_in_range (stream->cut_ns))
        model->host_cut = MIN (model->host_cut, to_host (host, stream->cut_ns));
    }
}

/* The outside-guest-mode check: is @ts inside a window of the guest's vCPU @cpu, widened by
 * the sync's accuracy on both sides? The caller has seen it is not in the last one's. */
static gboolean
in_guest_mode (Model  *model,
               Cpu    *c,
               guint32 cpu,
               gint64  ts)
{
  const Window *w, *end;
  GArray *windows;
  guint *cursor;
  gint64 slack = model->guest_slack;

  if (cpu >= model->vm->windows->len)
    return FALSE;
  windows = g_ptr_array_index (model->vm->windows, cpu);
  if (windows->len == 0)
    return FALSE;
  if (G_UNLIKELY (model->guest_cursor->len <= cpu))
    g_array_set_size (model->guest_cursor, cpu + 1);
  cursor = &g_array_index (model->guest_cursor, guint, cpu);
  w = &g_array_index (windows, Window, 0) + *cursor;
  end = &g_array_index (windows, Window, 0) + windows->len;
  while (w < end && w->end <= ts - slack)
    w++;
  *cursor = w - &g_array_index (windows, Window, 0);
  if (w < end && w->start <= ts + slack)
    {
      c->window_start = w->start - slack;
      c->window_end = w->end + slack;
      return TRUE;
    }
  return FALSE;
}

/* Whether a guest event at host time @ts on vCPU @cpu falls outside its guest mode where the
 * host's trace can tell: not before the vCPU's first KVM entry in it (a trace that began with
 * the vCPU in guest mode shows no window before its first exit), nor outside the host's
 * trace. */
gboolean
_strata_analysis_outside_guest_mode (Model  *model,
                                     Cpu    *c,
                                     guint32 cpu,
                                     gint64  ts)
{
  GArray *windows;

  if (ts < model->host_begin || ts >= model->host_cut || in_guest_mode (model, c, cpu, ts))
    return FALSE;
  windows = cpu < model->vm->windows->len ? g_ptr_array_index (model->vm->windows, cpu) : NULL;
  return windows != NULL && windows->len > 0 && ts >= g_array_index (windows, Window, 0).start - model->guest_slack;
}
