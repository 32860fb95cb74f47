/* strata-render-follow.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-render"

#include "config.h"

#include <math.h>
#include <pango/pangocairo.h>

#include "strata-follow.h"
#include "strata-render-follow.h"
#include "strata-render-text.h"
#include "strata-renderer.h"

/* Outlines nearer than this on one row are one. */
#define JOIN_PX 3
typedef struct
{
  double y;
  double x0;        /* the outline being extended; x1 < x0: none yet */
  double x1;
} Outline;

void
strata_render_follow_color (gboolean  dark,
                            double   *r,
                            double   *g,
                            double   *b)
{
  /* A yellow no state and no machine has, bright enough on either background. */
  *r = dark ? 0.973 : 0.898;
  *g = dark ? 0.894 : 0.647;
  *b = dark ? 0.361 : 0.039;
}

static void
stroke_outline (cairo_t *cr,
                Outline *o,
                int      row_height)
{
  if (o->x1 > o->x0)
    cairo_rectangle (cr, o->x0, o->y + 1.5, o->x1 - o->x0, row_height - 3);
}

/* Adds [x0, x1) to the outline of the row at index @k of @rows. */
static void
add_span (cairo_t *cr,
          Outline *outlines,
          gint     k,
          double   x0,
          double   x1,
          int      row_height)
{
  Outline *o;

  if (k < 0)
    return;
  o = &outlines[k];
  if (o->x1 >= o->x0 && x0 <= o->x1 + JOIN_PX)
    {
      o->x1 = MAX (o->x1, x1);
      return;
    }
  stroke_outline (cr, o, row_height);
  o->x0 = x0;
  o->x1 = x1;
}

/* The index in @rows of store row @row, or -1: few rows are drawn at once. */
static gint
index_of (const GArray *rows,
          gint          row)
{
  if (row < 0)
    return -1;
  for (guint i = 0; i < rows->len; i++)
    if (g_array_index (rows, StrataRenderRowY, i).row == row)
      return (gint) i;
  return -1;
}

/* Row MACHINE/KIND/N, or pcpu/N when @machine is NULL; -1: none. */
static gint
named_row (StrataAnalysis *analysis,
           const char     *kind,
           const char     *machine,
           gint            n)
{
  g_autofree char *name = machine != NULL ? g_strdup_printf ("%s/%s/%d", machine, kind, n)
                                          : g_strdup_printf ("%s/%d", kind, n);

  return strata_store_find_row (analysis->store, name);
}

/* The index in @rows of row MACHINE/KIND/@n (see named_row()), or -1, through @cache
 * (gint per @n, -2: not looked up yet): pieces name the same few CPUs over and over. */
static gint
cached_index (GArray         *cache,
              StrataAnalysis *analysis,
              const GArray   *rows,
              const char     *kind,
              const char     *machine,
              gint            n)
{
  if (n < 0)
    return -1;
  if ((guint) n >= cache->len)
    {
      guint len = cache->len;

      g_array_set_size (cache, n + 1);
      for (guint i = len; i < cache->len; i++)
        g_array_index (cache, gint, i) = -2;
    }
  if (g_array_index (cache, gint, n) == -2)
    g_array_index (cache, gint, n) = index_of (rows, named_row (analysis, kind, machine, n));
  return g_array_index (cache, gint, n);
}

void
strata_render_follow_outlines (cairo_t        *cr,
                               StrataAnalysis *analysis,
                               gint            follow_row,
                               const GArray   *given,
                               StrataTimeSpan  visible,
                               const GArray   *rows,
                               int             row_height,
                               int             x,
                               int             width,
                               gboolean        dark)
{
  StrataStore *store = analysis->store;
  g_autoptr(GArray) pieces = NULL;
  g_autoptr(GArray) cpu_rows = g_array_new (FALSE, FALSE, sizeof (gint)); /* the machine's CPU rows drawn */
  g_autoptr(GArray) vcpu_index = g_array_new (FALSE, FALSE, sizeof (gint));
  g_autoptr(GArray) cpu_index = g_array_new (FALSE, FALSE, sizeof (gint));
  g_autoptr(GArray) pcpu_index = g_array_new (FALSE, FALSE, sizeof (gint));
  g_autofree Outline *outlines = NULL;
  guint16 machine;
  const char *mname;
  gint32 tid;
  double r, g, b;

  if (follow_row < 0 || (guint) follow_row >= strata_store_n_rows (store) || rows == NULL || rows->len == 0 ||
      width <= 0 || strata_time_span_is_empty (visible))
    return;
  machine = strata_store_row_machine (store, follow_row);
  mname = strata_analysis_get_machine_name (analysis, machine);
  tid = (gint32) strata_store_row_number (store, follow_row);
  if (mname == NULL)
    return;

  /* Where a thread that is not refined ran: the rows of its machine's CPUs in sight. */
  for (guint i = 0; i < rows->len; i++)
    {
      gint row = g_array_index (rows, StrataRenderRowY, i).row;
      StrataRowKind kind = strata_store_row_kind (store, row);

      if ((kind == STRATA_ROW_CPU && strata_store_row_machine (store, row) == machine) ||
          (kind == STRATA_ROW_PCPU && (gint) machine == analysis->host))
        g_array_append_val (cpu_rows, row);
    }

  outlines = g_new (Outline, rows->len);
  for (guint i = 0; i < rows->len; i++)
    outlines[i] = (Outline) { g_array_index (rows, StrataRenderRowY, i).y, 0, -1 };

  pieces = given ? g_array_ref ((GArray *) given) : strata_follow_thread_drawn (analysis, follow_row, visible, width);
  for (guint i = 0; i < pieces->len; i++)
    {
      const StrataFollowInterval *p = &g_array_index (pieces, StrataFollowInterval, i);
      double x0 = floor (x + strata_time_span_to_x (visible, p->start, width));
      double x1 = MAX (x0 + 2, ceil (x + strata_time_span_to_x (visible, p->end, width)));

      if (p->guest_cpu >= 0)
        {
          add_span (cr, outlines, cached_index (vcpu_index, analysis, rows, "vcpu", mname, p->guest_cpu), x0, x1,
                    row_height);
          add_span (cr, outlines, cached_index (cpu_index, analysis, rows, "cpu", mname, p->guest_cpu), x0, x1,
                    row_height);
          if (p->pcpu >= 0)
            add_span (cr, outlines, cached_index (pcpu_index, analysis, rows, "pcpu", NULL, p->pcpu), x0, x1,
                      row_height);
        }
      else if (p->state == STRATA_STATE_RUNNING || p->state == STRATA_STATE_SYSCALL ||
               p->state == STRATA_STATE_INTERRUPTED || p->state == STRATA_STATE_USER)
        {
          for (guint c = 0; c < cpu_rows->len; c++)
            {
              gint row = g_array_index (cpu_rows, gint, c);
              StrataInterval iv;

              if (strata_store_lookup (store, row, p->start, &iv) && iv.desc->tid == tid &&
                  (iv.desc->machine == machine || strata_store_row_kind (store, row) == STRATA_ROW_CPU))
                {
                  add_span (cr, outlines, index_of (rows, row), x0, x1, row_height);
                  break;
                }
            }
        }
    }

  strata_render_follow_color (dark, &r, &g, &b);
  cairo_save (cr);
  cairo_set_source_rgba (cr, r, g, b, 0.95);
  cairo_set_line_width (cr, 2.5);
  for (guint i = 0; i < rows->len; i++)
    stroke_outline (cr, &outlines[i], row_height);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
strata_render_follow_row (cairo_t        *cr,
                          StrataAnalysis *analysis,
                          gint            follow_row,
                          const GArray   *given,
                          StrataTimeSpan  visible,
                          double          x,
                          double          y,
                          double          width,
                          double          height,
                          gboolean        dark,
                          const char     *font)
{
  StrataStore *store = analysis->store;
  g_autoptr(GArray) pieces = NULL;
  g_autoptr(PangoLayout) pl = NULL;
  g_autoptr(PangoFontDescription) desc = NULL;
  double next_x = -G_MAXDOUBLE;

  if (follow_row < 0 || (guint) follow_row >= strata_store_n_rows (store) || width <= 0 || height <= 0 ||
      strata_time_span_is_empty (visible))
    return;

  pl = pango_cairo_create_layout (cr);
  desc = pango_font_description_from_string (font ? font : "Sans 8");
  pango_layout_set_font_description (pl, desc);
  pango_layout_set_ellipsize (pl, PANGO_ELLIPSIZE_END);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  cairo_clip (cr);
  pieces = given ? g_array_ref ((GArray *) given)
                 : strata_follow_thread_drawn (analysis, follow_row, visible, (int) width);
  for (guint i = 0; i < pieces->len; i++)
    {
      const StrataFollowInterval *p = &g_array_index (pieces, StrataFollowInterval, i);
      double x0 = floor (x + strata_time_span_to_x (visible, p->start, (int) width));
      double x1 = MAX (x0 + 1, ceil (x + strata_time_span_to_x (visible, p->end, (int) width)));
      gboolean low = !strata_state_is_activity (p->state);
      StrataRgb c = strata_render_state_color (p->state, dark);
      double top = low ? y + height * 0.6 : y + 1;

      /* One piece per pixel column at most: the first one there is drawn. */
      if (x1 <= next_x)
        continue;
      x0 = MAX (x0, next_x);
      next_x = x1;
      cairo_set_source_rgb (cr, c.r, c.g, c.b);
      cairo_rectangle (cr, x0, top, x1 - x0, y + height - 1 - top);
      cairo_fill (cr);
      if (!low && x1 - x0 > 40)
        {
          g_autofree char *text = strata_follow_describe (analysis, p);
          int tw, th;

          pango_layout_set_width (pl, (int) (x1 - x0 - 6) * PANGO_SCALE);
          pango_layout_set_text (pl, text, -1);
          pango_layout_get_pixel_size (pl, &tw, &th);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_move_to (cr, x0 + 3, y + (height - th) / 2.0);
          strata_render_show_layout (cr, pl);
        }
    }
  cairo_restore (cr);
}
