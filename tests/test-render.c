/* test-render.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <math.h>

#include "strata-renderer.h"
#include "test-synthetic.h"

/*
 * The renderer on sets made in memory, drawn into image surfaces: what the highlight dims.
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/highlight-many", test_highlight_many);

  return g_test_run ();
}
