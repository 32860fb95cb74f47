/* strata-render-parts.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-render-parts"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "strata-describe.h"
#include "strata-render-parts.h"
#include "strata-time.h"

static void
tick_clear (gpointer data)
{
  g_free (((StrataRulerTick *) data)->label);
}

/* The characters of the longest label of a step (an estimate of its width). */
static guint
label_chars (StrataTimeSpan visible,
             gint64         step)
{
  g_autofree char *sample = strata_time_format_ruler (visible.begin - visible.begin % step, step);
  guint n = g_utf8_strlen (sample, -1);

  /* Spans over midnight label it with the date. */
  if (visible.begin / STRATA_TIME_DAY_NS != visible.end / STRATA_TIME_DAY_NS)
    {
      g_autofree char *date = strata_time_format_date (visible.end - visible.end % STRATA_TIME_DAY_NS);

      n = MAX (n, (guint) g_utf8_strlen (date, -1));
    }
  return n;
}

GArray *
strata_render_ruler_ticks (StrataTimeSpan visible,
                           double         width)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (StrataRulerTick));
  gint64 span = strata_time_span_duration (visible), step, first;

  g_array_set_clear_func (ticks, tick_clear);
  /* No room: no ticks (a step for no width would be 1 ns, and the ticks countless). */
  if (width <= 0 || strata_time_span_is_empty (visible))
    return ticks;
  /* Far enough apart for their labels: longer labels (more decimals, dates) take a longer
   * step, until the step's own labels fit. */
  step = strata_time_tick_step (span, width, STRATA_RENDER_TICK_MIN_PX);
  for (guint i = 0; i < 8; i++)
    {
      double need = label_chars (visible, step) * STRATA_RENDER_TICK_CHAR_PX + STRATA_RENDER_TICK_GAP_PX;
      gint64 next;

      if ((double) step / strata_time_span_ns_per_px (visible, width) >= need ||
          (next = strata_time_tick_step (span, width, need)) == step)
        break;
      step = next;
    }
  first = visible.begin - (visible.begin % step) + (visible.begin % step > 0 ? step : 0);
  for (gint64 t = first; t <= visible.end && t >= first; t += step)
    {
      StrataRulerTick tick = { t, strata_time_span_to_x (visible, t, width),
                               strata_time_format_ruler (t, step) };

      g_array_append_val (ticks, tick);
    }
  return ticks;
}

gboolean
strata_render_place_tick_label (double  tick_x,
                                double  label_width,
                                double  body_width,
                                double *prev_end,
                                double *label_x)
{
  double x = tick_x + 3;

  /* Not cut by the right edge: it ends there instead. */
  if (x + label_width > body_width - 2)
    x = body_width - 2 - label_width;
  if (x < *prev_end + STRATA_RENDER_TICK_GAP_PX / 2 || x < 0)
    return FALSE;
  *label_x = x;
  *prev_end = x + label_width;
  return TRUE;
}

static void
header_clear (gpointer data)
{
  g_free (((StrataRenderHeader *) data)->text);
}

/* The highlight dims what is about machines it leaves out, except the host's pCPU rows and
 * their group, which show every machine's activity; and a vCPU's rows (its vCPU row, its
 * guest CPU row) when only other vCPUs of its machine are highlighted. */
static gboolean
is_dimmed (StrataAnalysis            *analysis,
           const StrataLayoutEntry   *e,
           const StrataRenderOptions *o)
{
  StrataRowKind kind;
  StrataMachine *machine;

  if (e->machine < 0 || strata_highlight_is_empty (o->highlight))
    return FALSE;
  if (e->header)
    return e->machine != analysis->host && !strata_highlight_has_machine (o->highlight, e->machine);
  kind = strata_store_row_kind (analysis->store, e->row);
  machine = strata_analysis_get_machine (analysis, e->machine);
  if (kind == STRATA_ROW_VCPU || (kind == STRATA_ROW_CPU && machine != NULL && machine->role == STRATA_ROLE_GUEST))
    return !strata_highlight_has_vcpu (o->highlight, e->machine,
                                       (guint) strata_store_row_number (analysis->store, e->row));
  return kind != STRATA_ROW_PCPU && !strata_highlight_has_machine (o->highlight, e->machine);
}

GArray *
strata_render_headers (StrataAnalysis            *analysis,
                       StrataLayout              *layout,
                       const StrataRenderOptions *o)
{
  g_autoptr(GArray) visible = strata_layout_visible (layout, o->collapsed);
  GArray *headers = g_array_new (FALSE, TRUE, sizeof (StrataRenderHeader));
  int top = o->ruler_height;

  g_array_set_clear_func (headers, header_clear);
  for (guint v = 0; v < visible->len; v++)
    {
      guint index = g_array_index (visible, guint, v);
      const StrataLayoutEntry *e = &g_array_index (layout->entries, StrataLayoutEntry, index);
      StrataRenderHeader h = { 0 };

      h.y = top + v * o->row_height - o->scroll_y;
      if (h.y + o->row_height < top || h.y > o->height)
        continue;
      h.entry = index;
      h.header = e->header;
      h.alpha = is_dimmed (analysis, e, o) ? STRATA_RENDER_HEADER_DIM : 1.0;
      h.text_x = e->header ? 8 : 20;
      h.text_width = o->header_width - h.text_x - 8;
      h.keep_end = !e->header;
      if (e->header)
        {
          gboolean collapsed = o->collapsed != NULL && g_array_index (o->collapsed, gboolean, index);

          h.text = g_strdup_printf ("%s %s", collapsed ? "▸" : "▾", e->label);
          h.label = h.text + strlen (collapsed ? "▸ " : "▾ ");
          h.has_color = strata_analysis_machine_is_guest (analysis, e->machine);
          if (h.has_color)
            h.color = strata_render_machine_color (e->machine);
        }
      else
        h.label = h.text = g_strdup (e->label);
      g_array_append_val (headers, h);
    }
  return headers;
}

static void
legend_item_clear (gpointer data)
{
  g_free (((StrataLegendItem *) data)->name);
}

GArray *
strata_render_legend_items (StrataAnalysis        *analysis,
                            StrataLayout          *layout,
                            const StrataHighlight *highlight,
                            gboolean               dark)
{
  /* In the order of the legend: activity, then what keeps a vCPU from running, then rest. */
  static const StrataState order[] = {
    STRATA_STATE_USER, STRATA_STATE_SYSCALL, STRATA_STATE_IRQ, STRATA_STATE_SOFTIRQ,
    STRATA_STATE_RUNNING, STRATA_STATE_INTERRUPTED, STRATA_STATE_GUEST, STRATA_STATE_HYPERVISOR,
    STRATA_STATE_PREEMPTED, STRATA_STATE_WAITING, STRATA_STATE_WAIT_CPU, STRATA_STATE_BLOCKED, STRATA_STATE_IDLE,
  };
  GArray *items = g_array_new (FALSE, FALSE, sizeof (StrataLegendItem));
  guint n_slots;
  const guint8 *used = strata_layout_get_states_used (layout, analysis, &n_slots);
  gboolean states[STRATA_STATE_N] = { FALSE };
  g_autofree gboolean *machines = g_new0 (gboolean, analysis->machines->len + 1);

  g_array_set_clear_func (items, legend_item_clear);

  /* As strata_render_body() paints them: guest time on pCPU and vCPU rows in its machine's
   * colour, but for what keeps a vCPU from running. */
  for (guint m = 0; m <= n_slots; m++)
    for (guint s = 0; s < STRATA_STATE_N; s++)
      {
        guint8 u = used[m * STRATA_STATE_N + s];
        StrataMachine *machine = m < n_slots ? strata_analysis_get_machine (analysis, m) : NULL;
        gboolean guest = machine != NULL && machine->role == STRATA_ROLE_GUEST;
        gboolean own = strata_render_state_in_machine_color (s);

        if (u == 0 || s == STRATA_STATE_UNKNOWN)
          continue;
        if (guest && own && ((u & STRATA_LAYOUT_ON_FUSED) || s == STRATA_STATE_GUEST))
          machines[m] = TRUE;
        if (!(guest && own && s == STRATA_STATE_GUEST) &&
            (!(guest && own) || (u & STRATA_LAYOUT_ON_OTHER)))
          states[s] = TRUE;
      }

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (states[order[i]])
      {
        StrataLegendItem item = { STRATA_LEGEND_STATE, strata_render_state_color (order[i], dark),
                                  g_strdup (strata_state_get_title (order[i])), FALSE };

        g_array_append_val (items, item);
      }
  for (guint m = 0; m < analysis->machines->len; m++)
    if (machines[m])
      {
        StrataMachine *machine = g_ptr_array_index (analysis->machines, m);
        /* Translators: a legend entry: a VM's colour, in which its guest time is drawn */
        StrataLegendItem item = { STRATA_LEGEND_MACHINE, strata_render_machine_color (m),
                                  g_strdup_printf (_("%s running"), machine->name),
                                  strata_highlight_dims_machine (highlight, m) };

        g_array_append_val (items, item);
      }
  {
    g_autoptr(GArray) losses = strata_describe_losses (analysis);

    if (losses->len > 0)
      {
        /* Translators: a legend entry: the marks on the time axis where the tracer lost
         * events */
        StrataLegendItem item = { STRATA_LEGEND_STATE, strata_render_loss_color (dark),
                                  g_strdup (_("Discarded events")), FALSE };

        g_array_append_val (items, item);
      }
  }
  {
    /* Translators: a legend entry: zoomed out, the height of a pixel column's bar is the
     * share of its time the row was busy */
    StrataLegendItem item = { STRATA_LEGEND_SHARE, dark ? (StrataRgb) { 0.8, 0.8, 0.8 } : (StrataRgb) { 0.45, 0.45, 0.45 },
                              g_strdup (_("Bar height: busy share")), FALSE };

    g_array_append_val (items, item);
  }
  return items;
}

GArray *
strata_render_loss_ticks (const GArray   *losses,
                          StrataTimeSpan  visible,
                          double          width)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (StrataLossTick));
  StrataLossTick *last = NULL;

  if (losses == NULL || width <= 0 || strata_time_span_is_empty (visible))
    return ticks;
  for (guint i = 0; i < losses->len; i++)
    {
      const StrataLossMark *mark = &g_array_index (losses, StrataLossMark, i);
      StrataLossTick tick;
      double mid;

      if (mark->begin > visible.end)
        break;
      if (mark->end < visible.begin)
        continue;
      tick.x0 = MAX (strata_time_span_to_x (visible, mark->begin, width), 0);
      tick.x1 = MIN (strata_time_span_to_x (visible, mark->end, width), width);
      tick.count = mark->count;
      if (tick.x1 - tick.x0 < STRATA_RENDER_LOSS_MIN_PX)
        {
          mid = (tick.x0 + tick.x1) / 2;
          tick.x0 = MAX (mid - STRATA_RENDER_LOSS_MIN_PX / 2.0, 0);
          tick.x1 = MIN (tick.x0 + STRATA_RENDER_LOSS_MIN_PX, width);
          tick.x0 = MIN (tick.x0, tick.x1 - STRATA_RENDER_LOSS_MIN_PX);
        }
      /* Sorted by begin: a mark that reaches the last one joins it. */
      if (last != NULL && tick.x0 <= last->x1 + 1)
        {
          last->x1 = MAX (last->x1, tick.x1);
          last->count += tick.count;
          continue;
        }
      g_array_append_val (ticks, tick);
      last = &g_array_index (ticks, StrataLossTick, ticks->len - 1);
    }
  return ticks;
}

StrataRgb
strata_render_loss_color (gboolean dark)
{
  /* The text's colour, on the ruler's grey where no state is drawn: no state is so dark (or,
   * in the dark style, so light), so the legend's key is not read as one. */
  return dark ? (StrataRgb) { 0.95, 0.95, 0.95 } : (StrataRgb) { 0.1, 0.1, 0.1 };
}
