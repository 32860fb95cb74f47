/* strata-renderer.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-renderer"

#include "config.h"

#include <cairo-svg.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <math.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <pixman.h>
#include <string.h>
#include <unistd.h>

#include "strata-describe.h"
#include "strata-render-parts.h"
#include "strata-render-text.h"
#include "strata-render-follow.h"
#include "strata-renderer.h"
#include "strata-time.h"

#define MAX_WIDTH 16384
/* Labels go inside intervals at least this wide, and only when a row shows few intervals. */
#define LABEL_MIN_PX 48
/* A label's run goes on over breaks at most this wide. */
#define LABEL_GAP_PX 3
/* The opacity of a dimmed label: GTK's .dim-label, as the legend widget shows it. */
#define DIM_LABEL 0.55
/* The opacity of what the highlight leaves out. */
#define DIM_ALPHA 0.18

/*
 * The state colours, per style. The activity colours share one luminance (0.165): white
 * labels read on them at 4.9:1, and they stand out 4.9:1 from a light background and 3.2:1
 * or more from a dark one (#1e1e1e, or the images' #242426). The greys of idle (a low bar),
 * blocked (a low bar, darker) and unknown (never drawn) are each style's own. Synonyms share a
 * colour: running is user, interrupted is irq, wait-cpu is preempted. tests/test-palette.c
 * checks these ratios, and that every other pair differs by at least 15 (CIE76 ΔE).
 */
static const StrataRgb state_light[STRATA_STATE_N] = {
  [STRATA_STATE_UNKNOWN] = { 0.957, 0.957, 0.957 },     /* #f4f4f4 */
  [STRATA_STATE_IDLE] = { 0.784, 0.784, 0.804 },        /* #c8c8cd */
  [STRATA_STATE_USER] = { 0.106, 0.506, 0.275 },        /* #1b8146 green */
  [STRATA_STATE_SYSCALL] = { 0.106, 0.431, 0.859 },     /* #1b6edb blue */
  [STRATA_STATE_IRQ] = { 0.753, 0.302, 0.000 },         /* #c04d00 orange */
  [STRATA_STATE_SOFTIRQ] = { 0.569, 0.420, 0.000 },     /* #916b00 amber */
  [STRATA_STATE_GUEST] = { 0.416, 0.416, 0.686 },       /* #6a6aaf slate */
  [STRATA_STATE_RUNNING] = { 0.106, 0.506, 0.275 },
  [STRATA_STATE_HYPERVISOR] = { 0.643, 0.286, 0.761 },  /* #a449c2 purple */
  [STRATA_STATE_PREEMPTED] = { 0.867, 0.125, 0.161 },   /* #dd2029 red */
  [STRATA_STATE_BLOCKED] = { 0.541, 0.541, 0.580 },     /* #8a8a94 */
  [STRATA_STATE_INTERRUPTED] = { 0.753, 0.302, 0.000 },
  [STRATA_STATE_WAIT_CPU] = { 0.867, 0.125, 0.161 },
  [STRATA_STATE_WAITING] = { 0.847, 0.106, 0.376 },     /* #d81b60 rose */
};

static const StrataRgb state_dark[STRATA_STATE_N] = {
  [STRATA_STATE_UNKNOWN] = { 0.173, 0.173, 0.184 },     /* #2c2c2f */
  [STRATA_STATE_IDLE] = { 0.306, 0.306, 0.333 },        /* #4e4e55 */
  [STRATA_STATE_USER] = { 0.106, 0.506, 0.275 },
  [STRATA_STATE_SYSCALL] = { 0.106, 0.431, 0.859 },
  [STRATA_STATE_IRQ] = { 0.753, 0.302, 0.000 },
  [STRATA_STATE_SOFTIRQ] = { 0.569, 0.420, 0.000 },
  [STRATA_STATE_GUEST] = { 0.416, 0.416, 0.686 },
  [STRATA_STATE_RUNNING] = { 0.106, 0.506, 0.275 },
  [STRATA_STATE_HYPERVISOR] = { 0.643, 0.286, 0.761 },
  [STRATA_STATE_PREEMPTED] = { 0.867, 0.125, 0.161 },
  [STRATA_STATE_BLOCKED] = { 0.541, 0.541, 0.580 },     /* #8a8a94 */
  [STRATA_STATE_INTERRUPTED] = { 0.753, 0.302, 0.000 },
  [STRATA_STATE_WAIT_CPU] = { 0.867, 0.125, 0.161 },
  [STRATA_STATE_WAITING] = { 0.847, 0.106, 0.376 },
};

/* Machine colours, in hues that no state has, each at least 28 CIE76 ΔE from every state
 * colour of either style and from the dark backgrounds, and at the activity colours'
 * luminance, so that white labels read on them as well (tests/test-palette.c). Machine 1,
 * usually the first VM, gets the first. */
static const StrataRgb machine_palette[] = {
  { 0.000, 0.470, 0.470 },   /* teal */
  { 0.440, 0.450, 0.270 },   /* olive */
  { 0.550, 0.200, 0.450 },   /* plum */
  { 0.520, 0.340, 0.220 },   /* brown */
  { 0.675, 0.304, 0.359 },   /* rose */
  { 0.480, 0.080, 0.140 },   /* maroon */
};

StrataRgb
strata_render_state_color (StrataState state,
                           gboolean    dark)
{
  guint i = (guint) state < STRATA_STATE_N ? state : STRATA_STATE_UNKNOWN;

  return dark ? state_dark[i] : state_light[i];
}

StrataRgb
strata_render_mark_color (gboolean dark)
{
  return dark ? (StrataRgb) { 1, 1, 1 } : (StrataRgb) { 0.1, 0.1, 0.1 };
}

gboolean
strata_render_state_in_machine_color (StrataState state)
{
  return state != STRATA_STATE_PREEMPTED && state != STRATA_STATE_WAITING && state != STRATA_STATE_BLOCKED &&
         state != STRATA_STATE_HYPERVISOR;
}

StrataRgb
strata_render_machine_color (guint machine)
{
  return machine_palette[(machine + G_N_ELEMENTS (machine_palette) - 1) % G_N_ELEMENTS (machine_palette)];
}

void
strata_render_options_init (StrataRenderOptions *o,
                            StrataAnalysis      *analysis,
                            int                  width,
                            int                  height)
{
  memset (o, 0, sizeof *o);
  o->visible.begin = strata_store_begin (analysis->store);
  o->visible.end = strata_store_end (analysis->store);
  if (strata_time_span_is_empty (o->visible))
    o->visible.end = o->visible.begin + 1;
  o->width = width;
  o->height = height;
  o->header_width = 160;
  o->ruler_height = 36;
  o->legend_height = 28;
  o->row_height = 22;
  o->marked_row = -1;
  o->marked_row2 = -1;
  o->marked_exits = -1;
  o->follow_row = -1;
}

typedef struct
{
  StrataRgb color;
  double    alpha;
  double    top;          /* fraction of the row height left empty above */
  gboolean  draw;
} Paint;

static Paint
paint_for (StrataAnalysis            *analysis,
           const StrataRenderOptions *o,
           StrataRowKind              kind,
           guint                      state,
           guint16                    machine,
           gboolean                   dimmed)
{
  Paint p = { { 0, 0, 0 }, 1.0, 0.0, TRUE };
  gboolean guest = strata_analysis_machine_is_guest (analysis, machine) &&
                   (kind == STRATA_ROW_PCPU || kind == STRATA_ROW_VCPU || state == STRATA_STATE_GUEST);

  if (state == STRATA_STATE_UNKNOWN)
    {
      p.draw = FALSE;
      return p;
    }
  if (guest && strata_render_state_in_machine_color (state))
    {
      /* A guest's own state inside its machine's colour: user full, kernel darker, idle pale. */
      p.color = strata_render_machine_color (machine);
      if (state == STRATA_STATE_SYSCALL || state == STRATA_STATE_IRQ || state == STRATA_STATE_SOFTIRQ)
        p.color = (StrataRgb) { p.color.r * 0.6, p.color.g * 0.6, p.color.b * 0.6 };
      else if (state == STRATA_STATE_IDLE)
        {
          p.alpha = 0.35;
          p.top = 0.5;
        }
    }
  else
    {
      p.color = strata_render_state_color (state, o->dark);
      if (state == STRATA_STATE_IDLE || state == STRATA_STATE_BLOCKED)
        p.top = 0.75;
    }
  if (dimmed)
    p.alpha *= DIM_ALPHA;
  return p;
}

/* paint_for() for runs of columns that mostly repeat the column before. */
typedef struct
{
  guint    state;
  guint16  machine;
  gboolean dimmed;
  Paint    paint;
  gboolean valid;
} PaintCache;

static inline Paint
paint_cached (PaintCache                *cache,
              StrataAnalysis            *analysis,
              const StrataRenderOptions *o,
              StrataRowKind              kind,
              guint                      state,
              guint16                    machine,
              gboolean                   dimmed)
{
  if (!cache->valid || cache->state != state || cache->machine != machine || cache->dimmed != dimmed)
    {
      cache->paint = paint_for (analysis, o, kind, state, machine, dimmed);
      cache->state = state;
      cache->machine = machine;
      cache->dimmed = dimmed;
      cache->valid = TRUE;
    }
  return cache->paint;
}

/*
 * What the highlight dims in one row. A vCPU row and a guest's CPU row are about one vCPU of
 * their machine; a pCPU row shows every machine, so there each column is dimmed by what it
 * shows: the vCPU whose guest time its bar is, when only some vCPUs of that VM are
 * highlighted, else whether a highlighted machine appears in it.
 */
typedef struct
{
  const StrataHighlight *highlight;   /* NULL: nothing dimmed */
  gint                   vcpu_machine; /* a row about one vCPU: its machine, else -1 */
  gint64                 vcpu;
  gboolean               row_dimmed;   /* the whole row */
} Dimming;

static void
dimming_init (Dimming               *dim,
              StrataAnalysis        *analysis,
              const StrataHighlight *highlight,
              guint                  row)
{
  StrataRowKind kind = strata_store_row_kind (analysis->store, row);
  guint16 machine = strata_store_row_machine (analysis->store, row);

  dim->highlight = highlight;
  dim->vcpu_machine = -1;
  dim->vcpu = -1;
  dim->row_dimmed = FALSE;
  if (highlight == NULL)
    return;
  if (kind == STRATA_ROW_VCPU || (kind == STRATA_ROW_CPU && strata_analysis_machine_is_guest (analysis, machine)))
    {
      dim->vcpu_machine = machine;
      dim->vcpu = strata_store_row_number (analysis->store, row);
      dim->row_dimmed = !strata_highlight_has_vcpu (highlight, machine, (guint) dim->vcpu);
    }
}

static inline gboolean
dims_column (const Dimming         *dim,
             const StrataStateDesc *d,
             guint16                machine,
             guint32                mask)
{
  if (dim->highlight == NULL)
    return FALSE;
  if (dim->vcpu_machine >= 0)
    return dim->row_dimmed;
  if (d != NULL && d->machine == machine && d->machine != STRATA_NO_MACHINE && d->vcpu >= 0 &&
      strata_highlight_is_partial (dim->highlight, d->machine))
    return !strata_highlight_has_vcpu (dim->highlight, d->machine, d->vcpu);
  return !strata_highlight_has_pixel (dim->highlight, mask, machine);
}

static gboolean
paint_equal (const Paint *a,
             const Paint *b)
{
  return a->draw == b->draw && a->alpha == b->alpha && a->top == b->top &&
         a->color.r == b->color.r && a->color.g == b->color.g && a->color.b == b->color.b;
}

typedef struct
{
  double x, y, w, h;
} Rect;

typedef struct
{
  Paint   paint;
  GArray *rects;         /* Rect */
} Batch;

/* Rectangles are collected per paint and filled once per paint at the end: a few fills of
 * pixel-aligned boxes per frame instead of one per run, which Cairo draws far faster. */
static void
add_rect (GArray      *batches,
          const Paint *p,
          double       x0,
          double       x1,
          double       y0,
          double       y1)
{
  Rect r = { x0, y0, x1 - x0, y1 - y0 };
  Batch *b = NULL;

  if (!p->draw || x1 <= x0 || y1 <= y0)
    return;
  for (guint i = 0; i < batches->len; i++)
    if (paint_equal (&g_array_index (batches, Batch, i).paint, p))
      {
        b = &g_array_index (batches, Batch, i);
        break;
      }
  if (b == NULL)
    {
      Batch fresh = { *p, g_array_new (FALSE, FALSE, sizeof (Rect)) };

      g_array_append_val (batches, fresh);
      b = &g_array_index (batches, Batch, batches->len - 1);
    }
  g_array_append_val (b->rects, r);
}

/*
 * Cairo turns a path of many boxes into a polygon and back into boxes before it fills them,
 * which costs more than the rest of a frame. Into an image, boxes of an opaque colour are
 * written straight into its pixels instead, with the pixel Cairo would write (it is asked
 * for it): the same image, several times faster. Anything else (a vector surface, such as
 * an SVG, a recording, a transformed or oddly clipped context, a translucent colour) is
 * left to Cairo.
 */
typedef struct
{
  cairo_surface_t *target;
  guint32         *data;
  int              stride;       /* in pixels */
  int              dx, dy;       /* from user space to the image's pixels: whole pixels */
  GArray          *clip;         /* cairo_rectangle_int_t, in the image's pixels */
} Direct;

static gboolean
is_whole (double v)
{
  return v == floor (v) && fabs (v) < G_MAXINT / 2;
}

static gboolean
direct_init (Direct  *direct,
             cairo_t *cr)
{
  cairo_surface_t *target = cairo_get_group_target (cr);
  cairo_rectangle_list_t *list;
  cairo_matrix_t m;
  double sx, sy, ox, oy;
  int width, height;

  memset (direct, 0, sizeof *direct);
  if (cairo_surface_get_type (target) != CAIRO_SURFACE_TYPE_IMAGE ||
      cairo_image_surface_get_format (target) != CAIRO_FORMAT_ARGB32 ||
      cairo_surface_status (target) != CAIRO_STATUS_SUCCESS)
    return FALSE;
  cairo_surface_get_device_scale (target, &sx, &sy);
  cairo_surface_get_device_offset (target, &ox, &oy);
  cairo_get_matrix (cr, &m);
  if (sx != 1 || sy != 1 || m.xx != 1 || m.yy != 1 || m.xy != 0 || m.yx != 0 ||
      !is_whole (m.x0 + ox) || !is_whole (m.y0 + oy))
    return FALSE;
  direct->dx = (int) (m.x0 + ox);
  direct->dy = (int) (m.y0 + oy);

  list = cairo_copy_clip_rectangle_list (cr);
  if (list->status != CAIRO_STATUS_SUCCESS)
    {
      cairo_rectangle_list_destroy (list);
      return FALSE;
    }
  width = cairo_image_surface_get_width (target);
  height = cairo_image_surface_get_height (target);
  direct->clip = g_array_new (FALSE, FALSE, sizeof (cairo_rectangle_int_t));
  for (int i = 0; i < list->num_rectangles; i++)
    {
      const cairo_rectangle_t *r = &list->rectangles[i];
      int x0, y0, x1, y1;

      if (!is_whole (r->x) || !is_whole (r->y) || !is_whole (r->width) || !is_whole (r->height))
        {
          cairo_rectangle_list_destroy (list);
          g_clear_pointer (&direct->clip, g_array_unref);
          return FALSE;
        }
      x0 = MAX ((int) r->x + direct->dx, 0);
      y0 = MAX ((int) r->y + direct->dy, 0);
      x1 = MIN ((int) (r->x + r->width) + direct->dx, width);
      y1 = MIN ((int) (r->y + r->height) + direct->dy, height);
      if (x1 > x0 && y1 > y0)
        g_array_append_val (direct->clip, ((cairo_rectangle_int_t) { x0, y0, x1 - x0, y1 - y0 }));
    }
  cairo_rectangle_list_destroy (list);

  cairo_surface_flush (target);
  direct->target = target;
  direct->data = (guint32 *) cairo_image_surface_get_data (target);
  direct->stride = cairo_image_surface_get_stride (target) / 4;
  return TRUE;
}

static void
direct_finish (Direct *direct)
{
  if (direct->target == NULL)
    return;
  cairo_surface_mark_dirty (direct->target);
  g_array_unref (direct->clip);
}

/* The pixel Cairo writes for opaque @color. */
static guint32
opaque_pixel (StrataRgb color)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);
  guint32 pixel;

  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_set_source_rgba (cr, color.r, color.g, color.b, 1.0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  pixel = *(guint32 *) cairo_image_surface_get_data (surface);
  cairo_surface_destroy (surface);
  return pixel;
}

/* Fills @b's boxes into @direct's image if it can, all or none. */
static gboolean
direct_fill (Direct      *direct,
             const Batch *b)
{
  guint32 pixel;

  if (direct->target == NULL || b->paint.alpha != 1.0)
    return FALSE;
  for (guint k = 0; k < b->rects->len; k++)
    {
      const Rect *r = &g_array_index (b->rects, Rect, k);

      if (!is_whole (r->x) || !is_whole (r->y) || !is_whole (r->w) || !is_whole (r->h))
        return FALSE;
    }
  pixel = opaque_pixel (b->paint.color);
  for (guint k = 0; k < b->rects->len; k++)
    {
      const Rect *r = &g_array_index (b->rects, Rect, k);
      int x0 = (int) r->x + direct->dx, y0 = (int) r->y + direct->dy;
      int x1 = x0 + (int) r->w, y1 = y0 + (int) r->h;

      for (guint c = 0; c < direct->clip->len; c++)
        {
          const cairo_rectangle_int_t *clip = &g_array_index (direct->clip, cairo_rectangle_int_t, c);
          int cx0 = MAX (x0, clip->x), cy0 = MAX (y0, clip->y);
          int cx1 = MIN (x1, clip->x + clip->width), cy1 = MIN (y1, clip->y + clip->height);

          if (cx1 > cx0 && cy1 > cy0)
            pixman_fill (direct->data, direct->stride, 32, cx0, cy0, cx1 - cx0, cy1 - cy0, pixel);
        }
    }
  return TRUE;
}

static void
flush_batches (cairo_t *cr,
               GArray  *batches)
{
  Direct direct;

  if (!direct_init (&direct, cr))
    direct.target = NULL;
  for (guint i = 0; i < batches->len; i++)
    {
      Batch *b = &g_array_index (batches, Batch, i);

      if (!direct_fill (&direct, b))
        {
          /* Cairo draws over what went straight into the pixels. */
          if (direct.target != NULL)
            cairo_surface_mark_dirty (direct.target);
          cairo_set_source_rgba (cr, b->paint.color.r, b->paint.color.g, b->paint.color.b, b->paint.alpha);
          for (guint k = 0; k < b->rects->len; k++)
            {
              Rect *r = &g_array_index (b->rects, Rect, k);

              cairo_rectangle (cr, r->x, r->y, r->w, r->h);
            }
          cairo_fill (cr);
          if (direct.target != NULL)
            cairo_surface_flush (direct.target);
        }
      g_array_unref (b->rects);
    }
  direct_finish (&direct);
  g_array_set_size (batches, 0);
}

typedef struct
{
  double    x;
  double    y;
  double    width;
  double    height;
  char     *text;
  gboolean  dimmed;
} Label;

static void
label_clear (gpointer data)
{
  g_free (((Label *) data)->text);
}

/* What a column's label is about: columns with the same key in a row share one label. */
typedef struct
{
  guint8  state;        /* on vCPU rows, where the state is what the label says */
  guint16 machine;
  gint32  tid;
  guint32 comm;
} LabelKey;

static gboolean
label_key (StrataStore       *store,
           StrataRowKind      kind,
           const StrataPixel *px,
           LabelKey          *key)
{
  const StrataStateDesc *d;

  /* A column that is mostly something else draws no part of the label's bar. A column of
   * one interval has its description's state: what is not a label's is known without
   * reading the description, which is far away in memory. */
  if (px->changes == 0 || (px->changes > 1 && px->busy < 0.5) ||
      (px->changes == 1 && !strata_state_is_activity (px->state)))
    return FALSE;
  d = strata_store_desc (store, px->desc_id);
  if (!strata_state_is_activity (d->state))
    return FALSE;
  key->state = kind == STRATA_ROW_VCPU ? d->state : 0;
  key->machine = d->machine;
  key->tid = d->tid;
  key->comm = d->comm;
  return TRUE;
}

static gboolean
label_key_equal (const LabelKey *a,
                 const LabelKey *b)
{
  return a->state == b->state && a->machine == b->machine && a->tid == b->tid && a->comm == b->comm;
}

/* Names inside runs of columns wide enough to hold them, one a run of the same thread (user
 * time, syscalls and interrupts in it alike) or, on vCPU rows, of the same state: found from
 * the summary, so the cost stays per pixel; the text is strata_describe_label()'s, the
 * tooltips' words. Drawn after the boxes. */
static void
collect_labels (GArray                    *labels,
                StrataAnalysis            *analysis,
                const StrataRenderOptions *o,
                const Dimming             *dim,
                guint                      row,
                const StrataPixel         *pixels,
                int                        width,
                double                     x,
                double                     y,
                double                     h)
{
  StrataStore *store = analysis->store;
  StrataRowKind kind = strata_store_row_kind (store, row);
  double ns_per_px = strata_time_span_ns_per_px (o->visible, width);
  int p = 0;

  while (p < width)
    {
      const StrataStateDesc *d;
      LabelKey key, next;
      StrataInterval iv;
      char *text = NULL;
      int q = p + 1;

      if (!label_key (store, kind, &pixels[p], &key))
        {
          p++;
          continue;
        }
      d = strata_store_desc (store, pixels[p].desc_id);
      /* The run goes on over short breaks (an exit of a vCPU, an interrupt of a thread the
       * CPU shows in another's name) when the same thing resumes after them. */
      for (;;)
        {
          int gap = 0;

          while (q < width && label_key (store, kind, &pixels[q], &next) &&
                 label_key_equal (&key, &next))
            q++;
          while (q + gap < width && gap <= LABEL_GAP_PX &&
                 !(label_key (store, kind, &pixels[q + gap], &next) &&
                   label_key_equal (&key, &next)))
            gap++;
          if (q + gap >= width || gap > LABEL_GAP_PX)
            break;
          q += gap;
        }
      if (q - p < LABEL_MIN_PX)
        {
          p = q;
          continue;
        }
      /* The interval the label names: the one under the run's first column, or its middle. */
      for (guint i = 0; i < 2 && text == NULL; i++)
        {
          double at = i == 0 ? p + 0.5 : (p + q) / 2.0;

          if (strata_store_lookup (store, row, o->visible.begin + (gint64) (at * ns_per_px), &iv) &&
              label_key (store, kind, &(StrataPixel) { .desc_id = iv.desc_id, .state = iv.desc->state, .changes = 1, .busy = 1 },
                         &next) &&
              label_key_equal (&key, &next))
            text = strata_describe_label (analysis, row, &iv);
        }
      if (text != NULL)
        {
          /* Over a dimmed machine, white text would vanish in the pale box. */
          Label label = { x + p + 3, y, q - p - 6, h, text,
                          dims_column (dim, d, d->machine, pixels[p].machine_mask) };

          g_array_append_val (labels, label);
        }
      p = q;
    }
}

static void
draw_labels (cairo_t        *cr,
             PangoLayout    *pl,
             GArray         *labels)
{
  for (guint i = 0; i < labels->len; i++)
    {
      Label *l = &g_array_index (labels, Label, i);
      int tw, th;

      if (l->dimmed)
        cairo_set_source_rgba (cr, 0.3, 0.3, 0.3, 0.6);
      else
        cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
      pango_layout_set_text (pl, l->text, -1);
      pango_layout_set_width (pl, (int) (l->width * PANGO_SCALE));
      pango_layout_get_pixel_size (pl, &tw, &th);
      cairo_move_to (cr, l->x, l->y + (l->height - th) / 2);
      strata_render_show_layout (cr, pl);
    }
}

/* A run of pixel columns drawn as one box: the same paint, from the same top. */
typedef struct
{
  Paint  paint;
  int    start;
  double top;
} Run;

static void
run_extend (GArray      *batches,
            Run         *run,
            int          p,
            const Paint *paint,
            double       top,
            double       x,
            double       bottom)
{
  if (paint_equal (paint, &run->paint) && top == run->top && paint->draw)
    return;
  add_rect (batches, &run->paint, x + run->start, x + p, run->top, bottom);
  run->paint = *paint;
  run->start = p;
  run->top = top;
}

/*
 * One row. A pixel column stands for all the time under it: the row's resting state (idle,
 * blocked) is drawn as when it is alone, and over it, from the bottom, a bar whose height is
 * the share of that time the row was busy, in the colour of its main activity. Heights are
 * rounded with the error carried along the row, so that the painted area stays the busy
 * time. Activity too short for a pixel row still gets one, at least every SPIKE_GAP + 1
 * columns, so light activity everywhere shows as dots at its density; and a lone burst (at
 * most LONE_RUN columns with nothing for LONE_GAP columns around) is drawn a quarter of the
 * row high, so that a single 2 µs interrupt can be found at any zoom.
 */
#define SPIKE_GAP 3
#define LONE_RUN  2
#define LONE_GAP  8

static gboolean
is_busy (const StrataPixel *pixels,
         int                width,
         int                p)
{
  return p >= 0 && p < width && pixels[p].changes > 0 && pixels[p].busy > 0;
}

/* Whether the run of busy columns through @p is a lone burst. */
static gboolean
is_lone (const StrataPixel *pixels,
         int                width,
         int                p)
{
  int a = p, b = p;

  while (is_busy (pixels, width, a - 1) && p - a < LONE_RUN)
    a--;
  while (is_busy (pixels, width, b + 1) && b - a < LONE_RUN)
    b++;
  if (b - a + 1 > LONE_RUN)
    return FALSE;
  for (int q = 1; q <= LONE_GAP; q++)
    if (is_busy (pixels, width, a - q) || is_busy (pixels, width, b + q))
      return FALSE;
  return TRUE;
}

static inline gboolean
pixel_equal (const StrataPixel *a,
             const StrataPixel *b)
{
  return a->desc_id == b->desc_id && a->state == b->state && a->changes == b->changes &&
         a->machine == b->machine && a->secondary == b->secondary &&
         a->machine_mask == b->machine_mask && a->busy == b->busy;
}

static void
draw_row (GArray                    *back,
          GArray                    *front,
          StrataAnalysis            *analysis,
          const StrataRenderOptions *o,
          const Dimming             *dim,
          StrataRowKind              kind,
          const StrataPixel         *pixels,
          int                        width,
          double                     x,
          double                     y,
          double                     h)
{
  StrataStore *store = analysis->store;
  guint resting = kind == STRATA_ROW_VCPU || kind == STRATA_ROW_THREAD ? STRATA_STATE_BLOCKED : STRATA_STATE_IDLE;
  double bottom = floor (y + h);
  int full = (int) (bottom - floor (y));
  Run rest_run = { { { 0 }, 0, 0, FALSE }, 0, 0 };
  Run bar_run = rest_run;
  double carry = 0;
  int last_mark = -SPIKE_GAP - 1;
  PaintCache rest_cache = { 0 }, bar_cache = { 0 };
  double top = -1, top_px = 0;
  int last_height = 0;

  for (int p = 0; p <= width; p++)
    {
      Paint rest = { { 0 }, 0, 0, FALSE };
      Paint bar = rest;
      int height = 0;
      double rest_top = bottom;

      /* Zoomed in, many columns in a row are the same interval: with nothing carried, one
       * wholly busy or wholly not is drawn as the column before, whose runs go on. */
      if (p > 0 && p < width && carry == 0 && full >= 4 && (pixels[p].busy == 0 || pixels[p].busy == 1.0f) &&
          pixel_equal (&pixels[p], &pixels[p - 1]))
        {
          if (last_height > 0)
            last_mark = p;
          continue;
        }

      if (p < width && pixels[p].changes > 0)
        {
          const StrataPixel *px = &pixels[p];
          /* Read only when needed: descriptions are far apart in memory. */
          const StrataStateDesc *d = NULL;
          guint act = 0, still = resting;
          guint16 act_machine = STRATA_NO_MACHINE, still_machine = STRATA_NO_MACHINE;

          if (strata_state_is_activity (px->state))
            {
              act = px->state;
              act_machine = px->machine;
            }
          else
            {
              still = px->state;
              still_machine = px->machine;
              if (px->secondary != 0)
                {
                  act = px->secondary;
                  d = strata_store_desc (store, px->desc_id);
                  act_machine = d->state == act ? d->machine : STRATA_NO_MACHINE;
                }
            }

          if (act != 0 && px->busy > 0)
            {
              double want = px->busy * full + carry;

              height = MIN ((int) floor (want + 0.5), full);
              if (height < full / 4 && is_lone (pixels, width, p))
                height = full / 4;
              else if (height == 0 && p - last_mark > SPIKE_GAP)
                height = 1;
              carry = CLAMP (want - height, -1.0, 1.0);
              if (height > 0)
                {
                  if (d == NULL && dim->highlight != NULL)
                    d = strata_store_desc (store, px->desc_id);
                  bar = paint_cached (&bar_cache, analysis, o, kind, act, act_machine,
                                      dims_column (dim, d, act_machine, px->machine_mask));
                  last_mark = p;
                }
            }
          else
            carry = 0;

          rest = paint_cached (&rest_cache, analysis, o, kind, still, still_machine,
                               dims_column (dim, NULL, still_machine, px->machine_mask));
          if (rest.top != top)
            {
              top = rest.top;
              top_px = floor (y + h * top);
            }
          rest_top = top_px;
          /* Hidden under the bar. */
          if (bottom - height <= rest_top)
            rest.draw = FALSE;
        }
      else
        carry = 0;

      run_extend (back, &rest_run, p, &rest, rest.draw ? rest_top : bottom, x, bottom);
      run_extend (front, &bar_run, p, &bar, bar.draw ? bottom - height : bottom, x, bottom);
      last_height = height;
    }
}

/* The vCPU row of exits group @group, or -1. */
static gint
marked_exits_row (StrataAnalysis *analysis,
                  gint            group)
{
  g_autofree char *name = NULL;
  guint16 machine;
  gint32 vcpu;

  if (group < 0 || analysis->exits == NULL || (guint) group >= strata_exits_n_groups (analysis->exits))
    return -1;
  strata_exits_group (analysis->exits, group, &machine, &vcpu, NULL, NULL);
  name = g_strdup_printf ("%s/vcpu/%d", strata_analysis_get_machine_name (analysis, machine), vcpu);
  return strata_store_find_row (analysis->store, name);
}

/* Each marked exit as a tick over its vCPU's row (its span when wider than a pixel), one per
 * pixel column at most: the next exit after a column is found by binary search, so a million
 * exits in sight cost the width, not a million. */
static void
draw_marked_exits (cairo_t                   *cr,
                   StrataAnalysis            *analysis,
                   const StrataRenderOptions *o,
                   int                        x,
                   double                     ry,
                   int                        width)
{
  StrataRgb c = strata_render_mark_color (o->dark);
  guint64 first, last;
  double next_x = -G_MAXDOUBLE;

  strata_exits_range (analysis->exits, o->marked_exits, o->visible.begin, o->visible.end, &first, &last);
  cairo_set_source_rgba (cr, c.r, c.g, c.b, 0.9);
  while (first < last)
    {
      gint64 start, end;
      double x0, x1;
      guint64 skip;

      strata_exits_get (analysis->exits, o->marked_exits, first, &start, &end);
      x0 = floor (x + strata_time_span_to_x (o->visible, start, width));
      x1 = MAX (x0 + 1, ceil (x + strata_time_span_to_x (o->visible, MIN (end, o->visible.end), width)));
      if (x0 >= next_x)
        {
          cairo_rectangle (cr, x0, ry + 1, x1 - x0, 3);
          cairo_rectangle (cr, x0, ry + o->row_height - 4, x1 - x0, 3);
          next_x = x1;
        }
      /* The first exit that starts at or after the next free column. */
      strata_exits_range (analysis->exits, o->marked_exits,
                          o->visible.begin + (gint64) ((next_x - x) / width * (double) (o->visible.end - o->visible.begin)),
                          o->visible.end, &skip, &last);
      first = MAX (first + 1, skip);
    }
  cairo_fill (cr);
}

void
strata_render_body (cairo_t                   *cr,
                    StrataAnalysis            *analysis,
                    StrataLayout              *layout,
                    const StrataRenderOptions *o,
                    int                        x,
                    int                        y,
                    int                        width,
                    int                        height)
{
  g_autoptr(GArray) visible = strata_layout_visible (layout, o->collapsed);
  const StrataHighlight *highlight = strata_highlight_is_empty (o->highlight) ? NULL : o->highlight;
  g_autofree StrataPixel *pixels = NULL;
  g_autoptr(PangoLayout) pl = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (o->font ? o->font : "Sans 8");
  g_autoptr(GArray) back = g_array_new (FALSE, FALSE, sizeof (Batch));
  g_autoptr(GArray) front = g_array_new (FALSE, FALSE, sizeof (Batch));
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (Label));
  StrataStore *store = analysis->store;
  double marked_y[2] = { -G_MAXDOUBLE, -G_MAXDOUBLE };
  double exits_y = -G_MAXDOUBLE;
  gint exits_row = marked_exits_row (analysis, o->marked_exits);
  g_autoptr(GArray) drawn = o->follow_row >= 0 ? g_array_new (FALSE, FALSE, sizeof (StrataRenderRowY)) : NULL;

  if (width <= 0 || height <= 0 || strata_time_span_is_empty (o->visible))
    return;
  width = MIN (width, MAX_WIDTH);
  pixels = g_new (StrataPixel, width);
  g_array_set_clear_func (labels, label_clear);
  pango_layout_set_font_description (pl, font);
  pango_layout_set_ellipsize (pl, PANGO_ELLIPSIZE_END);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  cairo_clip (cr);

  for (guint v = 0; v < visible->len; v++)
    {
      const StrataLayoutEntry *e = &g_array_index (layout->entries, StrataLayoutEntry,
                                                   g_array_index (visible, guint, v));
      double ry = y + v * o->row_height - o->scroll_y;
      double h = o->row_height - 2;
      StrataRowKind kind;
      Dimming dim;

      if (ry + o->row_height < y || ry > y + height)
        continue;
      if (e->header)
        {
          cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, o->dark ? 0.25 : 0.12);
          cairo_rectangle (cr, x, ry, width, o->row_height);
          cairo_fill (cr);
          /* What its machine holds that no row draws, over the band. */
          if (e->note != NULL)
            {
              int tw, th;

              pango_layout_set_width (pl, MAX (width - 16, 1) * PANGO_SCALE);
              pango_layout_set_text (pl, e->note, -1);
              pango_layout_get_pixel_size (pl, &tw, &th);
              if (o->dark)
                cairo_set_source_rgba (cr, 1, 1, 1, 0.75);
              else
                cairo_set_source_rgba (cr, 0, 0, 0, 0.7);
              cairo_move_to (cr, x + 8, ry + (o->row_height - th) / 2.0);
              strata_render_show_layout (cr, pl);
            }
          continue;
        }

      kind = strata_store_row_kind (store, e->row);
      strata_store_summarize (store, e->row, o->visible.begin, o->visible.end, width, pixels);
      dimming_init (&dim, analysis, highlight, e->row);
      draw_row (back, front, analysis, o, &dim, kind, pixels, width, x, ry + 1, h);
      collect_labels (labels, analysis, o, &dim, e->row, pixels, width, x, ry + 1, h);
      if (e->row == o->marked_row)
        marked_y[0] = ry;
      if (e->row == o->marked_row2)
        marked_y[1] = ry;
      if (exits_row >= 0 && e->row == exits_row)
        exits_y = ry;
      if (drawn != NULL)
        {
          StrataRenderRowY d = { e->row, ry };

          g_array_append_val (drawn, d);
        }
    }
  flush_batches (cr, back);
  flush_batches (cr, front);
  draw_labels (cr, pl, labels);
  /* The marked preemption: outlined on its vCPU's row and its pCPU's, over its span. */
  for (guint i = 0; i < G_N_ELEMENTS (marked_y); i++)
    if (marked_y[i] > -G_MAXDOUBLE)
      {
        StrataRgb c = strata_render_mark_color (o->dark);
        double x0 = x + 1, x1 = x + width - 1;

        if (!strata_time_span_is_empty (o->marked_span))
          {
            x0 = MAX (x0, floor (x + strata_time_span_to_x (o->visible, o->marked_span.begin, width)) - 1);
            x1 = MIN (x1, ceil (x + strata_time_span_to_x (o->visible, o->marked_span.end, width)) + 1);
          }
        if (x1 <= x0)
          continue;
        cairo_set_source_rgba (cr, c.r, c.g, c.b, 0.9);
        cairo_set_line_width (cr, 2);
        cairo_rectangle (cr, x0, marked_y[i] + 1, x1 - x0, o->row_height - 2);
        cairo_stroke (cr);
      }

  if (exits_y > -G_MAXDOUBLE)
    draw_marked_exits (cr, analysis, o, x, exits_y, width);

  if (drawn != NULL)
    strata_render_follow_outlines (cr, analysis, o->follow_row, o->follow_pieces, o->visible, drawn, o->row_height, x,
                                   width, o->dark);

  if (!strata_time_span_is_empty (o->selection))
    {
      double sx0 = x + strata_time_span_to_x (o->visible, o->selection.begin, width);
      double sx1 = x + strata_time_span_to_x (o->visible, o->selection.end, width);

      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.18);
      cairo_rectangle (cr, sx0, y, sx1 - sx0, height);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.8);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, sx0 + 0.5, y);
      cairo_line_to (cr, sx0 + 0.5, y + height);
      cairo_move_to (cr, sx1 - 0.5, y);
      cairo_line_to (cr, sx1 - 0.5, y + height);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static void
set_fg (cairo_t                   *cr,
        const StrataRenderOptions *o,
        double                     alpha)
{
  if (o->dark)
    cairo_set_source_rgba (cr, 1, 1, 1, alpha);
  else
    cairo_set_source_rgba (cr, 0, 0, 0, alpha);
}

static void
draw_ruler (cairo_t                   *cr,
            PangoLayout               *pl,
            const StrataRenderOptions *o,
            const GArray              *losses,
            int                        x,
            int                        width)
{
  g_autoptr(GArray) ticks = strata_render_ruler_ticks (o->visible, width);
  g_autoptr(GArray) lost = strata_render_loss_ticks (losses, o->visible, width);
  g_autofree char *date = strata_time_format_date (o->visible.begin);
  double prev_end = -G_MAXDOUBLE;

  set_fg (cr, o, 0.06);
  cairo_rectangle (cr, 0, 0, o->width, o->ruler_height);
  cairo_fill (cr);

  if (date[0] != '\0' && o->header_width > 0)
    {
      pango_layout_set_width (pl, -1);
      pango_layout_set_text (pl, date, -1);
      set_fg (cr, o, 0.7);
      cairo_move_to (cr, 8, 4);
      strata_render_show_layout (cr, pl);
    }

  for (guint i = 0; i < ticks->len; i++)
    {
      const StrataRulerTick *tick = &g_array_index (ticks, StrataRulerTick, i);
      double tx = x + tick->x, lx;
      int tw, th;

      set_fg (cr, o, 0.35);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, floor (tx) + 0.5, o->ruler_height - 8);
      cairo_line_to (cr, floor (tx) + 0.5, o->ruler_height);
      cairo_stroke (cr);
      /* Faint grid lines through the rows help reading across. */
      set_fg (cr, o, 0.07);
      cairo_move_to (cr, floor (tx) + 0.5, o->ruler_height);
      cairo_line_to (cr, floor (tx) + 0.5, o->height - o->legend_height);
      cairo_stroke (cr);
      pango_layout_set_width (pl, -1);
      pango_layout_set_text (pl, tick->label, -1);
      pango_layout_get_pixel_size (pl, &tw, &th);
      if (!strata_render_place_tick_label (tick->x, tw, width, &prev_end, &lx))
        continue;
      set_fg (cr, o, 0.8);
      cairo_move_to (cr, x + lx, o->ruler_height - 24);
      strata_render_show_layout (cr, pl);
    }

  /* Where the tracer lost events, along the axis' lower edge. */
  if (lost->len > 0)
    {
      StrataRgb c = strata_render_loss_color (o->dark);

      cairo_set_source_rgb (cr, c.r, c.g, c.b);
      for (guint i = 0; i < lost->len; i++)
        {
          const StrataLossTick *tick = &g_array_index (lost, StrataLossTick, i);
          /* On whole pixels: a mark a pixel or two wide stays sharp, not a blur. */
          double x0 = floor (tick->x0), x1 = MAX (ceil (tick->x1), x0 + 1);

          cairo_rectangle (cr, x + x0, o->ruler_height - STRATA_RENDER_LOSS_HEIGHT,
                           x1 - x0, STRATA_RENDER_LOSS_HEIGHT);
        }
      cairo_fill (cr);
    }
}

static void
draw_headers (cairo_t                   *cr,
              PangoLayout               *pl,
              StrataLayout              *layout,
              const StrataRenderOptions *o,
              StrataAnalysis            *analysis)
{
  g_autoptr(GArray) headers = strata_render_headers (analysis, layout, o);
  int top = o->ruler_height;

  cairo_save (cr);
  cairo_rectangle (cr, 0, top, o->header_width, o->height - top - o->legend_height);
  cairo_clip (cr);
  for (guint i = 0; i < headers->len; i++)
    {
      const StrataRenderHeader *h = &g_array_index (headers, StrataRenderHeader, i);
      int tw, th;

      if (h->header)
        {
          if (h->has_color)
            {
              cairo_set_source_rgba (cr, h->color.r, h->color.g, h->color.b, h->alpha);
              cairo_rectangle (cr, 0, h->y + 2, 4, o->row_height - 4);
              cairo_fill (cr);
            }
          /* An image has no group to open or close: no arrow before the title. */
          pango_layout_set_markup (pl, "", -1);
          pango_layout_set_text (pl, h->label, -1);
          set_fg (cr, o, 0.9 * h->alpha);
        }
      else
        {
          pango_layout_set_text (pl, h->text, -1);
          set_fg (cr, o, 0.75 * h->alpha);
        }
      pango_layout_set_width (pl, h->text_width * PANGO_SCALE);
      pango_layout_set_ellipsize (pl, h->keep_end ? PANGO_ELLIPSIZE_MIDDLE : PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (pl, &tw, &th);
      cairo_move_to (cr, h->text_x, h->y + (o->row_height - th) / 2.0);
      strata_render_show_layout (cr, pl);
    }
  pango_layout_set_ellipsize (pl, PANGO_ELLIPSIZE_END);
  cairo_restore (cr);
  set_fg (cr, o, 0.15);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, o->header_width - 0.5, 0);
  cairo_line_to (cr, o->header_width - 0.5, o->height - o->legend_height);
  cairo_stroke (cr);
}

static void
draw_legend (cairo_t                   *cr,
             PangoLayout               *pl,
             const StrataRenderOptions *o,
             StrataAnalysis            *analysis,
             StrataLayout              *layout)
{
  g_autoptr(GArray) items = strata_render_legend_items (analysis, layout, o->highlight, o->dark);
  double lx = 8, ly = o->height - o->legend_height;

  set_fg (cr, o, 0.04);
  cairo_rectangle (cr, 0, ly, o->width, o->legend_height);
  cairo_fill (cr);
  for (guint i = 0; i < items->len; i++)
    {
      const StrataLegendItem *item = &g_array_index (items, StrataLegendItem, i);
      int tw, th;

      /* A machine the highlight leaves out: pale, as the GTK legend shows it. */
      cairo_set_source_rgba (cr, item->color.r, item->color.g, item->color.b,
                             item->dimmed ? STRATA_RENDER_LEGEND_DIM : 1.0);
      if (item->kind == STRATA_LEGEND_SHARE)
        {
          cairo_rectangle (cr, lx, ly + 14, 12, 6);
          cairo_fill (cr);
          cairo_set_line_width (cr, 1);
          cairo_rectangle (cr, lx + 0.5, ly + 8.5, 11, 11);
          cairo_stroke (cr);
        }
      else
        {
          cairo_rectangle (cr, lx, ly + 8, 12, 12);
          cairo_fill (cr);
        }
      pango_layout_set_width (pl, -1);
      pango_layout_set_text (pl, item->name, -1);
      pango_layout_get_pixel_size (pl, &tw, &th);
      set_fg (cr, o, item->dimmed ? 0.8 * DIM_LABEL : 0.8);
      cairo_move_to (cr, lx + 16, ly + (o->legend_height - th) / 2.0);
      strata_render_show_layout (cr, pl);
      lx += 16 + tw + 16;
    }
}

/* "server1 + host  Sep 17, 2015, 15:26:40.250 to 15:26:40.500 UTC (250.000 ms)": what the
 * image shows, where and when, and in which time zone. */
static void
draw_title (cairo_t                   *cr,
            PangoLayout               *pl,
            const StrataRenderOptions *o)
{
  g_autofree char *range = strata_render_range_text (o->visible);
  g_autofree char *markup = NULL;
  g_autofree char *title = g_markup_escape_text (o->title, -1);
  g_autofree char *escaped_range = g_markup_escape_text (range, -1);
  int tw, th;

  set_fg (cr, o, 0.04);
  cairo_rectangle (cr, 0, 0, o->width, STRATA_RENDER_TITLE_HEIGHT);
  cairo_fill (cr);
  set_fg (cr, o, 0.15);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, STRATA_RENDER_TITLE_HEIGHT - 0.5);
  cairo_line_to (cr, o->width, STRATA_RENDER_TITLE_HEIGHT - 0.5);
  cairo_stroke (cr);

  /* Two layouts rather than one with markup: an SVG's text keeps one style a <text>. */
  pango_layout_set_width (pl, (o->width - 16) * PANGO_SCALE);
  markup = g_strdup_printf ("<b>%s</b>", title);
  pango_layout_set_markup (pl, markup, -1);
  pango_layout_get_pixel_size (pl, &tw, &th);
  set_fg (cr, o, 0.9);
  cairo_move_to (cr, 8, (STRATA_RENDER_TITLE_HEIGHT - th) / 2.0);
  strata_render_show_layout (cr, pl);

  pango_layout_set_markup (pl, escaped_range, -1);
  pango_layout_set_width (pl, MAX (1, o->width - 16 - tw - 16) * PANGO_SCALE);
  set_fg (cr, o, 0.7);
  cairo_move_to (cr, 8 + tw + 16, (STRATA_RENDER_TITLE_HEIGHT - th) / 2.0);
  strata_render_show_layout (cr, pl);
  pango_layout_set_markup (pl, "", -1);
}

/**
 * strata_render_range_text:
 * @visible: a range
 *
 * Returns: (transfer full): the day, start and end of @visible, its time zone and its length,
 *   as an image's title gives them: "Sep 17, 2015, 15:26:40.250 to 15:26:40.500 UTC (250.000 ms)"
 */
char *
strata_render_range_text (StrataTimeSpan visible)
{
  gint64 duration = strata_time_span_duration (visible);
  g_autofree char *date = strata_time_format_date (visible.begin);
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  g_autofree char *length = strata_time_format_duration (duration);
  gint64 step = 1;

  /* To about a thousandth of the length. */
  while (step * 1000 <= duration && step < G_GINT64_CONSTANT (1000000000))
    step *= 10;
  start = strata_time_format_tick (visible.begin, step);
  end = strata_time_format_tick (visible.end, step);
  /* Translators: an exported image's title after the set's name: the day, the start and end
   * times, the time zone (always UTC) and the length, as in
   * "Sep 17, 2015, 15:26:40.250 to 15:26:40.500 UTC (250.000 ms)" */
  return g_strdup_printf (_("%s, %s to %s UTC (%s)"), date, start, end, length);
}

void
strata_render (cairo_t                   *cr,
               StrataAnalysis            *analysis,
               StrataLayout              *layout,
               const StrataRenderOptions *o)
{
  g_autoptr(PangoLayout) pl = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (o->font ? o->font : "Sans 9");
  int body_x = o->header_width;
  int body_w = o->width - o->header_width;

  pango_layout_set_font_description (pl, font);
  pango_layout_set_ellipsize (pl, PANGO_ELLIPSIZE_END);

  if (o->dark)
    cairo_set_source_rgb (cr, 0.14, 0.14, 0.15);
  else
    cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  /* The title band, then the rest below it, as if it were the whole surface. */
  if (o->title != NULL && o->height > STRATA_RENDER_TITLE_HEIGHT)
    {
      StrataRenderOptions rest = *o;

      draw_title (cr, pl, o);
      rest.title = NULL;
      rest.height = o->height - STRATA_RENDER_TITLE_HEIGHT;
      cairo_save (cr);
      cairo_rectangle (cr, 0, STRATA_RENDER_TITLE_HEIGHT, o->width, rest.height);
      cairo_clip (cr);
      cairo_translate (cr, 0, STRATA_RENDER_TITLE_HEIGHT);
      strata_render (cr, analysis, layout, &rest);
      cairo_restore (cr);
      return;
    }

  if (o->ruler_height > 0)
    {
      g_autoptr(GArray) losses = strata_describe_losses (analysis);

      draw_ruler (cr, pl, o, losses, body_x, body_w);
    }
  strata_render_body (cr, analysis, layout, o, body_x, o->ruler_height, body_w,
                      o->height - o->ruler_height - o->legend_height);
  if (o->header_width > 0)
    draw_headers (cr, pl, layout, o, analysis);
  if (o->legend_height > 0)
    draw_legend (cr, pl, o, analysis, layout);
}

gint
strata_render_entry_at (StrataLayout              *layout,
                        const StrataRenderOptions *o,
                        double                     y)
{
  g_autoptr(GArray) visible = strata_layout_visible (layout, o->collapsed);
  double v = (y - o->ruler_height + o->scroll_y) / o->row_height;

  if (v < 0 || v >= visible->len)
    return -1;
  return g_array_index (visible, guint, (guint) v);
}

static cairo_status_t
append_to_string (void                *closure,
                  const unsigned char *data,
                  unsigned int         length)
{
  g_string_append_len (closure, (const char *) data, length);
  return CAIRO_STATUS_SUCCESS;
}

typedef struct
{
  int fd;
  int error;      /* errno of the first failed write */
} Output;

static cairo_status_t
write_out (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  Output *out = closure;

  while (length > 0 && out->error == 0)
    {
      ssize_t n = write (out->fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        out->error = n < 0 ? errno : ENOSPC;
      else
        {
          data += n;
          length -= n;
        }
    }
  return out->error == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

gboolean
strata_render_to_file (StrataAnalysis            *analysis,
                       StrataLayout              *layout,
                       const StrataRenderOptions *options,
                       const char                *path,
                       GError                   **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  Output out = { -1, 0 };
  gboolean svg = g_str_has_suffix (path, ".svg") || g_str_has_suffix (path, ".SVG");
  g_autoptr(GString) document = NULL;
  g_autoptr(StrataRenderText) text = NULL;

  if (!svg && !g_str_has_suffix (path, ".png") && !g_str_has_suffix (path, ".PNG"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: the file name must end in .png or .svg"), path);
      return FALSE;
    }
  if (options->width <= 0 || options->height <= 0 || options->width > MAX_WIDTH || options->height > MAX_WIDTH)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The image size must be between 1 and %d pixels"), MAX_WIDTH);
      return FALSE;
    }

  /* Written through a file of ours, so that a failure says why (cairo says only that
   * writing failed). */
  if ((out.fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot write %s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  /* An SVG is written to memory, so that its text goes in as text before it is saved. */
  if (svg)
    {
      document = g_string_new (NULL);
      text = strata_render_text_new ();
      surface = cairo_svg_surface_create_for_stream (append_to_string, document,
                                                     options->width, options->height);
    }
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, options->width, options->height);
  cr = cairo_create (surface);
  if (text != NULL)
    strata_render_text_attach (text, cr);
  strata_render (cr, analysis, layout, options);
  cairo_destroy (cr);
  if (svg)
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  else if ((status = cairo_surface_status (surface)) == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png_stream (surface, write_out, &out);
  cairo_surface_destroy (surface);
  if (svg && status == CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *contents = NULL;
      gsize length;

      contents = strata_render_text_to_svg (text, document->str, &length);
      status = write_out (&out, (const unsigned char *) contents, length);
    }
  if (close (out.fd) != 0 && out.error == 0)
    out.error = errno;
  if (status != CAIRO_STATUS_SUCCESS || out.error != 0)
    {
      g_set_error (error, G_IO_ERROR, out.error ? g_io_error_from_errno (out.error) : G_IO_ERROR_FAILED,
                   _("Cannot write %s: %s"), path,
                   out.error ? g_strerror (out.error) : cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
