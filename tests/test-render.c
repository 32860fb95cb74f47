/* test-render.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "strata-describe.h"
#include "strata-render-parts.h"
#include "strata-renderer.h"
#include "strata-scenario.h"
#include "strata-time.h"
#include "test-synthetic.h"

/*
 * The renderer on sets made in memory, drawn into image surfaces (what the highlight dims),
 * and the parts it shares with the widgets: ruler ticks, row headers, legend items.
 */

typedef struct
{
  StrataAnalysis      *analysis;
  StrataLayout        *layout;
  StrataRenderOptions  options;
  cairo_surface_t     *surface;
} Picture;

static void
picture_draw (Picture *p)
{
  cairo_t *cr;

  g_clear_pointer (&p->surface, cairo_surface_destroy);
  p->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, p->options.width, p->options.height);
  cr = cairo_create (p->surface);
  strata_render (cr, p->analysis, p->layout, &p->options);
  cairo_destroy (cr);
  cairo_surface_flush (p->surface);
}

static void
picture_clear (Picture *p)
{
  g_clear_pointer (&p->surface, cairo_surface_destroy);
  g_clear_pointer (&p->layout, strata_layout_free);
  g_clear_pointer (&p->analysis, strata_analysis_unref);
}

/* The middle of the body of store row @name, in surface coordinates. */
static void
row_middle (Picture    *p,
            const char *name,
            double     *x,
            double     *y)
{
  g_autoptr(GArray) visible = strata_layout_visible (p->layout, p->options.collapsed);
  gint row = strata_store_find_row (p->analysis->store, name);

  g_assert_cmpint (row, >=, 0);
  for (guint v = 0; v < visible->len; v++)
    {
      const StrataLayoutEntry *e = &g_array_index (p->layout->entries, StrataLayoutEntry,
                                                   g_array_index (visible, guint, v));

      if (!e->header && e->row == row)
        {
          *x = p->options.header_width + (p->options.width - p->options.header_width) / 2.0;
          *y = p->options.ruler_height + (v + 0.5) * p->options.row_height - p->options.scroll_y;
          return;
        }
    }
  g_assert_not_reached ();
}

static void
assert_pixel (Picture   *p,
              double     x,
              double     y,
              StrataRgb  c,
              double     alpha)
{
  const guint8 *data = cairo_image_surface_get_data (p->surface);
  guint32 px = *(const guint32 *) (data + (int) y * cairo_image_surface_get_stride (p->surface) + (int) x * 4);
  int got[3] = { (px >> 16) & 0xff, (px >> 8) & 0xff, px & 0xff };
  /* Over the white background. */
  int want[3] = {
    (int) lround ((c.r * alpha + (1 - alpha)) * 255),
    (int) lround ((c.g * alpha + (1 - alpha)) * 255),
    (int) lround ((c.b * alpha + (1 - alpha)) * 255),
  };

  g_test_message ("pixel %d,%d,%d at %.0f,%.0f, expected %d,%d,%d", got[0], got[1], got[2], x, y,
                  want[0], want[1], want[2]);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (ABS (got[i] - want[i]), <=, 2);
}

static void
test_highlight_many (void)
{
  Picture p = { 0 };
  g_autoptr(StrataHighlight) highlight = strata_highlight_new ();
  StrataRgb user = strata_render_state_color (STRATA_STATE_USER, FALSE);
  double x, y;

  p.analysis = synth_many_machines (40);
  p.layout = strata_layout_new (p.analysis);
  strata_render_options_init (&p.options, p.analysis, 800, 1);
  p.options.height = p.options.ruler_height + p.layout->entries->len * p.options.row_height;
  p.options.legend_height = 0;

  /* Nothing highlighted: every machine's worker in full colour. */
  picture_draw (&p);
  row_middle (&p, "m33/cpu/0", &x, &y);
  assert_pixel (&p, x, y, user, 1.0);

  /* Machine 35 highlighted: it alone stays; 31 to 39 do not come along with it. */
  strata_highlight_add_machine (highlight, strata_analysis_find_machine (p.analysis, "m35"));
  p.options.highlight = highlight;
  picture_draw (&p);
  for (guint m = 1; m < 40; m++)
    {
      g_autofree char *name = g_strdup_printf ("m%02u/cpu/0", m);

      row_middle (&p, name, &x, &y);
      assert_pixel (&p, x, y, user, m == 35 ? 1.0 : 0.18);
    }
  row_middle (&p, "pcpu/0", &x, &y);
  assert_pixel (&p, x, y, user, 0.18);
  picture_clear (&p);
}

/* The pixels of the body of store row @name (its inner band, which bars fill whole) that
 * have the colour @c, as a share of the band. */
static double
row_share (Picture    *p,
           const char *name,
           StrataRgb   c,
           int         x0,
           int         x1)
{
  const guint8 *data = cairo_image_surface_get_data (p->surface);
  int stride = cairo_image_surface_get_stride (p->surface);
  int want[3] = { (int) lround (c.r * 255), (int) lround (c.g * 255), (int) lround (c.b * 255) };
  double x, y;
  int top, bottom;
  guint64 hits = 0;

  row_middle (p, name, &x, &y);
  top = (int) floor (y - p->options.row_height / 2.0 + 1);
  bottom = (int) floor (y - p->options.row_height / 2.0 + p->options.row_height - 1);
  for (int py = top; py < bottom; py++)
    for (int px = x0; px < x1; px++)
      {
        guint32 v = *(const guint32 *) (data + py * stride + px * 4);
        int got[3] = { (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

        if (ABS (got[0] - want[0]) <= 2 && ABS (got[1] - want[1]) <= 2 && ABS (got[2] - want[2]) <= 2)
          hits++;
      }
  return (double) hits / ((double) (x1 - x0) * (bottom - top));
}

/*
 * Zoomed out, each pixel column is drawn as a bar as high as the share of its time the CPU
 * was busy: a row's activity-coloured area is its busy share, however many switches a pixel
 * spans, and a lone 2 µs interrupt in 2 s is still drawn.
 */
static void
test_busy_shares (void)
{
  static const struct
  {
    gint64 busy;
    double share;
  } cpus[] = {
    { 1000, 0.005 },         /* every 200 µs: 0.5 % busy */
    { 100000, 0.5 },
    { 198000, 0.99 },
  };
  const gint64 period = 200000, span = 2000000000, spike = 1234567000;
  g_autoptr(GString) scenario = g_string_new ("trace box hostname=box cpus=4 offset_s=1000\n");
  StrataRgb user = strata_render_state_color (STRATA_STATE_USER, FALSE);
  StrataRgb irq = strata_render_state_color (STRATA_STATE_IRQ, FALSE);
  Picture p = { 0 };
  int body, full, spike_x;
  double share;

  for (guint c = 0; c < G_N_ELEMENTS (cpus); c++)
    for (gint64 t = 0; t < span; t += period)
      g_string_append_printf (scenario,
                              "event %" G_GINT64_FORMAT " %u sched_switch prev_tid=0 prev_comm=swapper/%u "
                              "next_tid=%u next_comm=worker\n"
                              "event %" G_GINT64_FORMAT " %u sched_switch prev_tid=%u prev_state=1 "
                              "prev_comm=worker next_tid=0 next_comm=swapper/%u\n",
                              t, c, c, 100 + c, t + cpus[c].busy, c, 100 + c, c);
  g_string_append_printf (scenario,
                          "event 0 3 sched_switch prev_tid=7 prev_state=1 prev_comm=kworker next_tid=0 next_comm=swapper/3\n"
                          "event %" G_GINT64_FORMAT " 3 irq_handler_entry irq=16 name=eth0\n"
                          "event %" G_GINT64_FORMAT " 3 irq_handler_exit irq=16 ret=1\n"
                          "event %" G_GINT64_FORMAT " 3 irq_handler_entry irq=17 name=end\n",
                          spike, spike + 2000, span);
  p.analysis = synth_analyse (scenario->str);
  p.layout = strata_layout_new (p.analysis);
  strata_render_options_init (&p.options, p.analysis, 160 + 1600, 1);
  p.options.height = p.options.ruler_height + p.layout->entries->len * p.options.row_height;
  p.options.legend_height = 0;
  body = p.options.width - p.options.header_width;
  full = p.options.row_height - 2;

  /* The whole set: each column spans six periods, dozens of switches. */
  picture_draw (&p);
  for (guint c = 0; c < G_N_ELEMENTS (cpus); c++)
    {
      g_autofree char *row = g_strdup_printf ("pcpu/%u", c);

      share = row_share (&p, row, user, p.options.header_width, p.options.width);
      g_test_message ("CPU %u: %.4f of the row drawn busy, %.4f busy", c, share, cpus[c].share);
      /* Light activity everywhere shows as a dot at least every fourth column. */
      g_assert_cmpfloat (share, >=, cpus[c].share - 0.01);
      g_assert_cmpfloat (share, <=, MAX (cpus[c].share, 1.0 / (4 * full)) + 0.01);
    }

  /* The lone interrupt: a mark a quarter of the row high, and nothing else. */
  g_assert_cmpint (strata_store_begin (p.analysis->store), ==, 1000 * G_GINT64_CONSTANT (1000000000));
  spike_x = p.options.header_width +
            (int) ((double) spike / (strata_store_end (p.analysis->store) - strata_store_begin (p.analysis->store)) * body);
  share = row_share (&p, "pcpu/3", irq, spike_x - 2, spike_x + 3);
  g_test_message ("CPU 3 around its interrupt: %.4f", share);
  g_assert_cmpfloat (share, >=, 0.2 / 5);
  g_assert_cmpfloat (row_share (&p, "pcpu/3", irq, p.options.header_width, spike_x - 3), ==, 0);
  g_assert_cmpfloat (row_share (&p, "pcpu/3", irq, spike_x + 4, p.options.width), <=, 1.0 / body);

  /* Zoomed in on one period of the 50 % CPU: exact, half the body busy (less the name of
   * the thread written in its bar). */
  p.options.visible.begin = strata_store_begin (p.analysis->store) + 10 * period;
  p.options.visible.end = p.options.visible.begin + period;
  picture_draw (&p);
  share = row_share (&p, "pcpu/1", user, p.options.header_width, p.options.width);
  g_assert_cmpfloat_with_epsilon (share, 0.5, 0.01);
  picture_clear (&p);
}

/* Whether the pixel at @x, @y is pale: drawn dimmed (or not at all) over white. */
static gboolean
pixel_is_pale (Picture *p,
               double   x,
               double   y)
{
  const guint8 *data = cairo_image_surface_get_data (p->surface);
  guint32 px = *(const guint32 *) (data + (int) y * cairo_image_surface_get_stride (p->surface) + (int) x * 4);

  g_test_message ("pixel %u,%u,%u at %.0f,%.0f", (px >> 16) & 0xff, (px >> 8) & 0xff, px & 0xff, x, y);
  return MIN (MIN ((px >> 16) & 0xff, (px >> 8) & 0xff), px & 0xff) >= 190;
}

/*
 * vCPU 1 of the demo's VM highlighted alone: it stays in full colour on its vCPU row, on its
 * guest CPU row and on the pCPU it runs on, while vCPU 0 is dimmed on all three, at a time
 * when both run their guest.
 */
static void
test_highlight_vcpu (void)
{
  StrataScenarioParams params = { STRATA_SCENARIO_DEMO, 0, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load (&params, "/nowhere", &error);
  g_autoptr(StrataHighlight) highlight = strata_highlight_new ();
  Picture p = { 0 };
  StrataStore *store;
  gint server1, row0, row1;
  gint64 when = -1;
  guint64 first, last;
  double x, y;

  g_assert_no_error (error);
  p.analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  store = p.analysis->store;
  p.layout = strata_layout_new (p.analysis);
  server1 = strata_analysis_find_machine (p.analysis, "server1");
  row0 = strata_store_find_row (store, "server1/vcpu/0");
  row1 = strata_store_find_row (store, "server1/vcpu/1");
  g_assert_cmpint (server1, >=, 0);

  /* A moment when both vCPUs run their guest for a while around it. */
  strata_store_range (store, row0, strata_store_begin (store), strata_store_end (store), &first, &last);
  for (guint64 i = first; i < last && when < 0; i++)
    {
      StrataInterval a, b;

      strata_store_interval (store, row0, i, &a);
      if (a.desc->state == STRATA_STATE_RUNNING && a.end - a.start > 20000 &&
          strata_store_lookup (store, row1, (a.start + a.end) / 2, &b) &&
          b.desc->state == STRATA_STATE_RUNNING && b.start < (a.start + a.end) / 2 - 2000 &&
          b.end > (a.start + a.end) / 2 + 2000 && a.start < (a.start + a.end) / 2 - 2000 &&
          a.end > (a.start + a.end) / 2 + 2000)
        when = (a.start + a.end) / 2;
    }
  g_assert_cmpint (when, >, 0);

  strata_render_options_init (&p.options, p.analysis, 800, 1);
  p.options.height = p.options.ruler_height + p.layout->entries->len * p.options.row_height;
  p.options.legend_height = 0;
  p.options.visible = (StrataTimeSpan) { when - 1000, when + 1000 };

  /* Nothing highlighted: all in colour. */
  picture_draw (&p);
  row_middle (&p, "server1/vcpu/0", &x, &y);
  g_assert_false (pixel_is_pale (&p, x, y));

  strata_highlight_add_vcpu (highlight, server1, 1);
  p.options.highlight = highlight;
  picture_draw (&p);
  row_middle (&p, "server1/vcpu/0", &x, &y);
  g_assert_true (pixel_is_pale (&p, x, y));
  row_middle (&p, "server1/cpu/0", &x, &y);
  g_assert_true (pixel_is_pale (&p, x, y));
  row_middle (&p, "pcpu/0", &x, &y);
  g_assert_true (pixel_is_pale (&p, x, y));
  row_middle (&p, "server1/vcpu/1", &x, &y);
  g_assert_false (pixel_is_pale (&p, x, y));
  row_middle (&p, "server1/cpu/1", &x, &y);
  g_assert_false (pixel_is_pale (&p, x, y));
  row_middle (&p, "pcpu/1", &x, &y);
  g_assert_false (pixel_is_pale (&p, x, y));

  /* Zoomed out, where each column spans many changes: the pCPUs still follow their vCPU. */
  p.options.visible = (StrataTimeSpan) { strata_store_begin (store), strata_store_end (store) };
  picture_draw (&p);
  g_assert_cmpfloat (row_share (&p, "pcpu/0", strata_render_machine_color (server1), p.options.header_width,
                                p.options.width), <, 0.01);
  g_assert_cmpfloat (row_share (&p, "pcpu/1", strata_render_machine_color (server1), p.options.header_width,
                                p.options.width), >, 0.2);
  picture_clear (&p);
}

/* @p drawn into an ARGB32 image, as images are exported, clipped (when @round) to a circle
 * around the whole image: a clip Cairo cannot give as rectangles, under which the renderer
 * leaves every box to Cairo instead of writing it into the image itself. */
static cairo_surface_t *
draw_argb (Picture  *p,
           gboolean  round)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, p->options.width, p->options.height);
  cairo_t *cr = cairo_create (surface);

  if (round)
    {
      cairo_arc (cr, p->options.width / 2.0, p->options.height / 2.0,
                 4.0 * (p->options.width + p->options.height), 0, 2 * G_PI);
      cairo_clip (cr);
    }
  strata_render (cr, p->analysis, p->layout, &p->options);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
assert_same_image (cairo_surface_t *a,
                   cairo_surface_t *b)
{
  int stride = cairo_image_surface_get_stride (a);
  int height = cairo_image_surface_get_height (a);
  const guint8 *da = cairo_image_surface_get_data (a), *db = cairo_image_surface_get_data (b);
  guint differ = 0;

  g_assert_cmpint (stride, ==, cairo_image_surface_get_stride (b));
  g_assert_cmpint (height, ==, cairo_image_surface_get_height (b));
  for (int i = 0; i < stride * height; i += 4)
    if (memcmp (da + i, db + i, 4) != 0 && differ++ < 8)
      g_test_message ("pixel %d,%d: %02x%02x%02x%02x, %02x%02x%02x%02x", (i % stride) / 4, i / stride,
                      da[i + 2], da[i + 1], da[i], da[i + 3], db[i + 2], db[i + 1], db[i], db[i + 3]);
  g_assert_cmpuint (differ, ==, 0);
}

/*
 * The boxes the renderer writes straight into an image are the pixels Cairo draws: the demo
 * drawn whole, zoomed in, highlighted (translucent boxes, left to Cairo, among opaque ones),
 * dark, scrolled (rows cut by the ruler) and with a title (drawn translated), each the same
 * as under a clip that leaves it all to Cairo. (Scrolled by a fraction of a pixel, the two
 * differ already in what Cairo alone draws: its edges are blended through the clip's mask.)
 */
static void
test_direct_fill (void)
{
  StrataScenarioParams params = { STRATA_SCENARIO_DEMO, 0, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load (&params, "/nowhere", &error);
  g_autoptr(StrataHighlight) highlight = strata_highlight_new ();
  Picture p = { 0 };
  gint64 begin, end;

  g_assert_no_error (error);
  p.analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  p.layout = strata_layout_new (p.analysis);
  begin = strata_store_begin (p.analysis->store);
  end = strata_store_end (p.analysis->store);
  strata_highlight_add_vcpu (highlight, strata_analysis_find_machine (p.analysis, "server1"), 1);

  for (guint frame = 0; frame < 6; frame++)
    {
      cairo_surface_t *direct, *cairo;

      strata_render_options_init (&p.options, p.analysis, 1000, 700);
      switch (frame)
        {
        case 1:
          p.options.visible = (StrataTimeSpan) { begin + (end - begin) / 3, begin + (end - begin) / 3 + 200000 };
          break;
        case 2:
          p.options.highlight = highlight;
          break;
        case 3:
          p.options.dark = TRUE;
          p.options.visible = (StrataTimeSpan) { begin + (end - begin) / 2, begin + (end - begin) / 2 + 5000000 };
          break;
        case 4:
          p.options.scroll_y = 11;
          break;
        case 5:
          p.options.title = "demo";
          break;
        default:
          break;
        }
      direct = draw_argb (&p, FALSE);
      cairo = draw_argb (&p, TRUE);
      g_test_message ("frame %u", frame);
      assert_same_image (direct, cairo);
      cairo_surface_destroy (direct);
      cairo_surface_destroy (cairo);
    }
  picture_clear (&p);
}

static void
test_ruler_ticks (void)
{
  g_autoptr(GArray) ticks = NULL;
  g_autoptr(GArray) none = NULL;
  StrataTimeSpan second = { G_GINT64_CONSTANT (1442503600000000000), G_GINT64_CONSTANT (1442503601000000000) };
  StrataTimeSpan odd = { second.begin + 123456789, second.begin + 123456789 + 7000 };
  static const char *labels[] = {
    "15:26:40.000", "15:26:40.200", "15:26:40.400", "15:26:40.600", "15:26:40.800", "15:26:41.000",
  };

  /* 1 s over 1000 px: 100 ms would be 100 px apart, closer than 110; 200 ms is the step. */
  ticks = strata_render_ruler_ticks (second, 1000);
  g_assert_cmpuint (ticks->len, ==, G_N_ELEMENTS (labels));
  for (guint i = 0; i < ticks->len; i++)
    {
      StrataRulerTick *t = &g_array_index (ticks, StrataRulerTick, i);

      g_assert_cmpint (t->ns, ==, second.begin + i * G_GINT64_CONSTANT (200000000));
      g_assert_cmpfloat_with_epsilon (t->x, i * 200.0, 1e-9);
      g_assert_cmpstr (t->label, ==, labels[i]);
    }
  g_clear_pointer (&ticks, g_array_unref);

  /* An odd start, 7 µs over 700 px (2 µs steps): the first tick is the first round time in
   * it, placed where it falls. */
  ticks = strata_render_ruler_ticks (odd, 700);
  g_assert_cmpuint (ticks->len, ==, 3);
  g_assert_cmpint (g_array_index (ticks, StrataRulerTick, 0).ns, ==, second.begin + 123458000);
  g_assert_cmpfloat_with_epsilon (g_array_index (ticks, StrataRulerTick, 0).x, 121.1, 1e-6);
  g_assert_cmpstr (g_array_index (ticks, StrataRulerTick, 0).label, ==, "15:26:40.123458");
  g_assert_cmpint (g_array_index (ticks, StrataRulerTick, 2).ns, ==, second.begin + 123462000);

  /* No room, no ticks (not one per ns). */
  none = strata_render_ruler_ticks (second, 0);
  g_assert_cmpuint (none->len, ==, 0);
}

/* Whether @step is a round one: 1, 2 or 5 of a power of ten ns below a second, a divisor of
 * the next unit above (1, 2, 5, 10, 20, 30 s or min; 1, 2, 3, 6, 12 h), 1, 2 or 5 of a power
 * of ten days. */
static gboolean
is_round_step (gint64 step)
{
  static const gint64 above[] = { 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200,
                                  10800, 21600, 43200 };
  gint64 unit = G_GINT64_CONSTANT (1000000000);

  if (step < unit)
    {
      while (step % 10 == 0)
        step /= 10;
      return step == 1 || step == 2 || step == 5;
    }
  for (guint i = 0; i < G_N_ELEMENTS (above); i++)
    if (step == above[i] * unit)
      return TRUE;
  if (step % STRATA_TIME_DAY_NS != 0)
    return FALSE;
  step /= STRATA_TIME_DAY_NS;
  while (step % 10 == 0)
    step /= 10;
  return step == 1 || step == 2 || step == 5;
}

/*
 * Over spans from 20 ns to a month, at odd starts and several widths, in the renderer's font:
 * steps are round, every label fits beside the next one with room to spare (none has to be
 * left out), the last one is not cut by the edge, labels keep apart, and spans over a day
 * show dates.
 */
static void
test_ruler_spans (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 8, 8);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 9");
  static const double widths[] = { 200, 333, 700, 1600 };
  const gint64 base = G_GINT64_CONSTANT (1442503600000000000);
  guint n_spans = 0;

  pango_layout_set_font_description (layout, font);
  for (double span = 20; span < 40.0 * STRATA_TIME_DAY_NS; span *= 1.37)
    for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
      {
        StrataTimeSpan visible = { base + (gint64) (span * 0.377) + 123, 0 };
        g_autoptr(GArray) ticks = NULL;
        double prev_end = -G_MAXDOUBLE, prev_x = -G_MAXDOUBLE;
        gboolean dated = FALSE;

        visible.end = visible.begin + (gint64) span;
        ticks = strata_render_ruler_ticks (visible, widths[w]);
        n_spans++;
        for (guint i = 0; i < ticks->len; i++)
          {
            const StrataRulerTick *t = &g_array_index (ticks, StrataRulerTick, i);
            double lx;
            int tw, th;

            if (i > 0)
              g_assert_true (is_round_step (t->ns - g_array_index (ticks, StrataRulerTick, i - 1).ns));
            g_assert_cmpfloat (t->x, >=, 0);
            g_assert_cmpfloat (t->x, <=, widths[w] + 1e-6);
            pango_layout_set_text (layout, t->label, -1);
            pango_layout_get_pixel_size (layout, &tw, &th);
            /* Room for it before the next tick, gap included. */
            if (i > 0)
              {
                if (t->x - prev_x < tw + STRATA_RENDER_TICK_GAP_PX / 2)
                  g_error ("%.0f ns over %.0f px: \"%s\" is %d px wide, %.1f px after the tick before",
                           span, widths[w], t->label, tw, t->x - prev_x);
              }
            prev_x = t->x;
            dated |= strchr (t->label, ',') != NULL;
            /* Every label shows, but perhaps the last when the edge leaves no room for it. */
            if (!strata_render_place_tick_label (t->x, tw, widths[w], &prev_end, &lx))
              {
                g_assert_cmpuint (i, ==, ticks->len - 1);
                continue;
              }
            g_assert_cmpfloat (lx, >=, 0);
            g_assert_cmpfloat (lx + tw, <=, widths[w]);
          }
        if (span > 1.5 * STRATA_TIME_DAY_NS && ticks->len > 0)
          g_assert_true (dated);
      }
  g_test_message ("%u spans and widths", n_spans);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static const StrataRenderHeader *
find_header (GArray          *headers,
             StrataLayout    *layout,
             const char      *label)
{
  for (guint i = 0; i < headers->len; i++)
    {
      const StrataRenderHeader *h = &g_array_index (headers, StrataRenderHeader, i);
      const StrataLayoutEntry *e = &g_array_index (layout->entries, StrataLayoutEntry, h->entry);

      if (g_str_equal (e->label, label))
        return h;
    }
  g_assert_not_reached ();
}

static void
test_headers (void)
{
  g_autoptr(StrataAnalysis) analysis = synth_host_with_vm ();
  g_autoptr(StrataLayout) layout = strata_layout_new (analysis);
  g_autoptr(StrataHighlight) highlight = strata_highlight_new ();
  g_autoptr(GArray) collapsed = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_autoptr(GArray) headers = NULL;
  const StrataRenderHeader *h;
  StrataRenderOptions o;

  strata_render_options_init (&o, analysis, 800, 400);

  /* Groups, then their rows, one under the other below the ruler. */
  headers = strata_render_headers (analysis, layout, &o);
  g_assert_cmpuint (headers->len, ==, layout->entries->len);
  h = find_header (headers, layout, "host — physical CPUs");
  g_assert_true (h->header);
  g_assert_cmpstr (h->text, ==, "▾ host — physical CPUs");
  g_assert_cmpfloat (h->y, ==, o.ruler_height);
  g_assert_false (h->has_color);
  g_assert_cmpint (h->text_x, ==, 8);
  g_assert_cmpint (h->text_width, ==, o.header_width - 16);
  g_assert_false (h->keep_end);
  h = find_header (headers, layout, "CPU 1");
  g_assert_false (h->header);
  g_assert_cmpstr (h->text, ==, "CPU 1");
  g_assert_cmpfloat (h->y, ==, o.ruler_height + 2 * o.row_height);
  g_assert_cmpint (h->text_x, ==, 20);
  /* Within the column, and cut in the middle: rows that differ only at the end of their
   * labels (a CPU, a thread id) still read apart. */
  g_assert_cmpint (h->text_x + h->text_width, <=, o.header_width - 8);
  g_assert_true (h->keep_end);
  h = find_header (headers, layout, "host/vm-500 — virtual machine");
  g_assert_true (h->has_color);
  g_assert_cmpfloat (h->color.r, ==, strata_render_machine_color (strata_analysis_find_machine (analysis, "host/vm-500")).r);
  for (guint i = 0; i < headers->len; i++)
    g_assert_cmpfloat (g_array_index (headers, StrataRenderHeader, i).alpha, ==, 1.0);
  g_clear_pointer (&headers, g_array_unref);

  /* The host highlighted: the VM's group and rows are dimmed, as on screen. */
  strata_highlight_add_machine (highlight, strata_analysis_find_machine (analysis, "host"));
  o.highlight = highlight;
  headers = strata_render_headers (analysis, layout, &o);
  g_assert_cmpfloat (find_header (headers, layout, "host — physical CPUs")->alpha, ==, 1.0);
  g_assert_cmpfloat (find_header (headers, layout, "CPU 0")->alpha, ==, 1.0);
  g_assert_cmpfloat (find_header (headers, layout, "host/vm-500 — virtual machine")->alpha, ==,
                     STRATA_RENDER_HEADER_DIM);
  g_assert_cmpfloat (find_header (headers, layout, "vCPU 0")->alpha, ==, STRATA_RENDER_HEADER_DIM);
  g_clear_pointer (&headers, g_array_unref);

  /* The VM's vCPU 1 highlighted: the host's pCPU rows and group stay, since they show every
   * machine, and so does the VM's group; its vCPU 0 is dimmed. */
  g_clear_pointer (&highlight, strata_highlight_free);
  highlight = strata_highlight_new ();
  strata_highlight_add_vcpu (highlight, strata_analysis_find_machine (analysis, "host/vm-500"), 1);
  o.highlight = highlight;
  headers = strata_render_headers (analysis, layout, &o);
  g_assert_cmpfloat (find_header (headers, layout, "host — physical CPUs")->alpha, ==, 1.0);
  g_assert_cmpfloat (find_header (headers, layout, "CPU 1")->alpha, ==, 1.0);
  g_assert_cmpfloat (find_header (headers, layout, "host/vm-500 — virtual machine")->alpha, ==, 1.0);
  g_assert_cmpfloat (find_header (headers, layout, "vCPU 1")->alpha, ==, 1.0);
  g_assert_cmpfloat (find_header (headers, layout, "vCPU 0")->alpha, ==, STRATA_RENDER_HEADER_DIM);
  g_clear_pointer (&headers, g_array_unref);

  /* A collapsed group: its title says so, its rows are gone, what follows moves up; rows
   * scrolled out of the surface are left out. */
  g_array_set_size (collapsed, layout->entries->len);
  g_array_index (collapsed, gboolean, 0) = TRUE;
  o.collapsed = collapsed;
  headers = strata_render_headers (analysis, layout, &o);
  g_assert_cmpstr (find_header (headers, layout, "host — physical CPUs")->text, ==, "▸ host — physical CPUs");
  g_assert_cmpfloat (find_header (headers, layout, "host/vm-500 — virtual machine")->y, ==,
                     o.ruler_height + o.row_height);
  g_clear_pointer (&headers, g_array_unref);
  o.collapsed = NULL;
  o.scroll_y = 2.5 * o.row_height;
  headers = strata_render_headers (analysis, layout, &o);
  g_assert_cmpuint (headers->len, ==, layout->entries->len - 2);
  g_assert_cmpfloat (g_array_index (headers, StrataRenderHeader, 0).y, ==, o.ruler_height - 0.5 * o.row_height);
}

static const StrataLegendItem *
find_legend_item (GArray     *items,
                  const char *name)
{
  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (g_array_index (items, StrataLegendItem, i).name, name))
      return &g_array_index (items, StrataLegendItem, i);
  return NULL;
}

/* vCPU 1 halts, is woken at +20000 and runs at +25000: its row shows the wait in the state's
 * colour (not its VM's), and the legend names it. */
static void
test_legend_waiting (void)
{
  g_autoptr(StrataAnalysis) analysis = synth_analyse (
    SYNTH_VCPU0_PREEMPTED
    "event 40000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
    "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=502 next_comm=\"CPU 1/KVM\"\n"
    "event 2000 1 kvm_x86_entry vcpu_id=1\n"
    "event 5000 1 kvm_x86_exit vcpu_id=1 exit_reason=12\n"
    "event 6000 1 sched_switch prev_tid=502 prev_state=1 prev_comm=\"CPU 1/KVM\" next_tid=0 next_comm=swapper/1\n"
    "event 20000 0 sched_waking tid=502 comm=\"CPU 1/KVM\" target_cpu=1\n"
    "event 25000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=502 next_comm=\"CPU 1/KVM\"\n"
    "event 26000 1 kvm_x86_entry vcpu_id=1\n"
    "event 40000 1 kvm_x86_exit vcpu_id=1 exit_reason=1\n");
  g_autoptr(StrataLayout) layout = strata_layout_new (analysis);
  g_autoptr(GArray) items = strata_render_legend_items (analysis, layout, NULL, FALSE);
  gint row = strata_store_find_row (analysis->store, "host/vm-500/vcpu/1");
  StrataInterval iv;

  g_assert_true (strata_store_lookup (analysis->store, row, SYNTH_BASE + 22000, &iv));
  g_assert_cmpint (iv.desc->state, ==, STRATA_STATE_WAITING);
  g_assert_false (strata_render_state_in_machine_color (STRATA_STATE_WAITING));
  g_assert_nonnull (find_legend_item (items, "Waking up"));
  g_assert_nonnull (find_legend_item (items, "Preempted"));
}

static void
test_legend (void)
{
  g_autoptr(StrataAnalysis) analysis = synth_host_with_vm ();
  g_autoptr(StrataLayout) layout = strata_layout_new (analysis);
  g_autoptr(StrataHighlight) highlight = strata_highlight_new ();
  g_autoptr(GArray) items = strata_render_legend_items (analysis, layout, NULL, FALSE);
  g_autoptr(GArray) dark = strata_render_legend_items (analysis, layout, NULL, TRUE);
  g_autoptr(GArray) dimmed = NULL;
  gint vm = strata_analysis_find_machine (analysis, "host/vm-500");
  const StrataLegendItem *item;

  /* The states the set draws, and only those: the host's threads, the vCPU's exits and its
   * preemption; no CPU is in a syscall or an interrupt. */
  g_assert_nonnull (find_legend_item (items, "User"));
  g_assert_nonnull (find_legend_item (items, "Hypervisor"));
  g_assert_nonnull (find_legend_item (items, "Preempted"));
  g_assert_null (find_legend_item (items, "Soft IRQ"));
  g_assert_null (find_legend_item (items, "System call"));
  /* Thread rows are not drawn: their states are not listed. */
  g_assert_null (find_legend_item (items, "Waiting for CPU"));
  g_assert_cmpfloat (find_legend_item (dark, "Preempted")->color.r, ==,
                     strata_render_state_color (STRATA_STATE_PREEMPTED, TRUE).r);

  /* Then the VM in its colour, the word a running vCPU's tooltip says; last, the key to
   * columns over many intervals. */
  item = find_legend_item (items, "host/vm-500 running");
  g_assert_nonnull (item);
  g_assert_cmpint (item->kind, ==, STRATA_LEGEND_MACHINE);
  g_assert_cmpfloat (item->color.g, ==, strata_render_machine_color (vm).g);
  g_assert_false (item->dimmed);
  g_assert_cmpint (g_array_index (items, StrataLegendItem, items->len - 1).kind, ==, STRATA_LEGEND_SHARE);

  strata_highlight_add_machine (highlight, strata_analysis_find_machine (analysis, "host"));
  dimmed = strata_render_legend_items (analysis, layout, highlight, FALSE);
  g_assert_true (find_legend_item (dimmed, "host/vm-500 running")->dimmed);
  g_assert_false (find_legend_item (dimmed, "User")->dimmed);
}

/*
 * Where a tracer discarded events, the ruler is marked, in its machine's corrected time: a
 * dark band along its lower edge over the loss, nothing elsewhere; the tooltip's words name
 * the CPU and the count, and the legend has the key.
 */
static void
test_losses (void)
{
  Picture p = { 0 };
  g_autoptr(GArray) losses = NULL;
  g_autoptr(GArray) ticks = NULL;
  g_autoptr(GArray) items = NULL;
  g_autofree char *text = NULL;
  g_autofree char *none = NULL;
  StrataRgb mark = strata_render_loss_color (FALSE);
  StrataMachine *m01;
  StrataStream *stream;
  StrataLoss loss = { 0 };
  gboolean uncounted = TRUE;
  double body, lx, y;

  p.analysis = synth_many_machines (2);
  p.layout = strata_layout_new (p.analysis);
  m01 = strata_analysis_get_machine (p.analysis, strata_analysis_find_machine (p.analysis, "m01"));
  stream = g_ptr_array_index (m01->trace->streams, 0);
  /* Between the worker's events, in the trace's own clock. */
  loss.begin_ns = m01->trace->begin_ns + 4000;
  loss.end_ns = m01->trace->begin_ns + 5000;
  loss.count = 1234;
  g_array_append_val (stream->losses, loss);

  losses = strata_describe_losses (p.analysis);
  g_assert_cmpuint (losses->len, ==, 1);
  g_assert_cmpuint (strata_describe_losses_total (losses, &uncounted), ==, 1234);
  g_assert_false (uncounted);
  g_assert_cmpint (g_array_index (losses, StrataLossMark, 0).begin, ==, strata_sync_map (&m01->sync, loss.begin_ns));

  strata_render_options_init (&p.options, p.analysis, 800, 1);
  p.options.height = p.options.ruler_height + p.layout->entries->len * p.options.row_height;
  p.options.legend_height = 0;
  picture_draw (&p);
  body = p.options.width - p.options.header_width;
  ticks = strata_render_loss_ticks (losses, p.options.visible, body);
  g_assert_cmpuint (ticks->len, ==, 1);
  g_assert_cmpuint (g_array_index (ticks, StrataLossTick, 0).count, ==, 1234);
  lx = p.options.header_width + strata_time_span_to_x (p.options.visible, g_array_index (losses, StrataLossMark, 0).begin, body);
  y = p.options.ruler_height - 2;
  assert_pixel (&p, lx + 1, y, mark, 1.0);
  assert_pixel (&p, p.options.header_width + 3, y, (StrataRgb) { 0.94, 0.94, 0.94 }, 1.0);
  assert_pixel (&p, p.options.width - 3, y, (StrataRgb) { 0.94, 0.94, 0.94 }, 1.0);

  text = strata_describe_losses_in (p.analysis, losses, p.options.visible.begin, p.options.visible.end);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "events discarded by the tracer on CPU 0 of m01"));
  /* With or without the locale's thousands separator. */
  g_assert_true (strstr (text, "1234 events") != NULL || strstr (text, "1,234 events") != NULL);
  none = strata_describe_losses_in (p.analysis, losses, p.options.visible.begin,
                                    g_array_index (losses, StrataLossMark, 0).begin - 1);
  g_assert_null (none);

  items = strata_render_legend_items (p.analysis, p.layout, NULL, FALSE);
  g_assert_nonnull (find_legend_item (items, "Discarded events"));
  g_assert_cmpfloat (find_legend_item (items, "Discarded events")->color.r, ==, mark.r);
  picture_clear (&p);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/highlight-many", test_highlight_many);
  g_test_add_func ("/render/busy-shares", test_busy_shares);
  g_test_add_func ("/render/highlight-vcpu", test_highlight_vcpu);
  g_test_add_func ("/render/direct-fill", test_direct_fill);
  g_test_add_func ("/render/ruler-ticks", test_ruler_ticks);
  g_test_add_func ("/render/ruler-spans", test_ruler_spans);
  g_test_add_func ("/render/headers", test_headers);
  g_test_add_func ("/render/legend", test_legend);
  g_test_add_func ("/render/legend-waiting", test_legend_waiting);
  g_test_add_func ("/render/losses", test_losses);

  return g_test_run ();
}
