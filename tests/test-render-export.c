/* test-render-export.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "strata-renderer.h"
#include "strata-time.h"
#include "test-synthetic.h"

/*
 * Exported images: an SVG keeps its text as text (no glyph outlines), a title band names the
 * set, the day, the range and the time zone, and group titles carry no collapse arrows.
 */

typedef struct
{
  GString *text;          /* the character data of every <text>, one a line */
  guint    n_text;
  guint    n_glyphs;      /* elements whose id Cairo gives its glyph outlines */
  gboolean in_text;
} SvgScan;

static void
svg_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  SvgScan *scan = user_data;

  if (strcmp (element, "text") == 0)
    {
      scan->n_text++;
      scan->in_text = TRUE;
    }
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], "id") == 0 && g_str_has_prefix (values[i], "glyph"))
      scan->n_glyphs++;
}

static void
svg_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  SvgScan *scan = user_data;

  if (strcmp (element, "text") == 0)
    {
      scan->in_text = FALSE;
      g_string_append_c (scan->text, '\n');
    }
}

static void
svg_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 length,
          gpointer              user_data,
          GError              **error)
{
  SvgScan *scan = user_data;

  if (scan->in_text)
    g_string_append_len (scan->text, text, length);
}

/* Parses @path as XML (it must be well formed) and gathers its text. */
static void
scan_svg (const char *path,
          SvgScan    *scan)
{
  static const GMarkupParser parser = { svg_start, svg_end, svg_text, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  memset (scan, 0, sizeof *scan);
  scan->text = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, 0, scan, NULL);
  g_assert_true (g_markup_parse_context_parse (context, contents, length, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
}

static void
test_svg_text (void)
{
  g_autoptr(StrataAnalysis) analysis = synth_host_with_vm ();
  StrataLayout *layout = strata_layout_new (analysis);
  g_autofree char *tmpdir = g_dir_make_tmp ("strata-test-XXXXXX", NULL);
  g_autofree char *svg = g_build_filename (tmpdir, "view.svg", NULL);
  g_autofree char *png = g_build_filename (tmpdir, "view.png", NULL);
  g_autofree char *range = NULL;
  g_autoptr(GError) error = NULL;
  StrataRenderOptions o;
  SvgScan scan;

  strata_render_options_init (&o, analysis, 900, 1);
  o.title = "host & guest <1>";
  o.height = STRATA_RENDER_TITLE_HEIGHT + o.ruler_height +
             layout->entries->len * o.row_height + o.legend_height;

  g_assert_true (strata_render_to_file (analysis, layout, &o, svg, &error));
  g_assert_no_error (error);
  scan_svg (svg, &scan);
  g_test_message ("%u text elements:\n%s", scan.n_text, scan.text->str);

  /* Text, not outlines. */
  g_assert_cmpuint (scan.n_glyphs, ==, 0);
  g_assert_cmpuint (scan.n_text, >, 10);

  /* The title band: the set's name (escaped in the file), the range and its time zone. */
  range = strata_render_range_text (o.visible);
  g_assert_nonnull (strstr (range, "UTC"));
  g_assert_nonnull (strstr (scan.text->str, "host & guest <1>\n"));
  g_assert_nonnull (strstr (scan.text->str, range));

  /* Group titles without their arrows; row labels and the legend are there too. */
  g_assert_null (strstr (scan.text->str, "▾"));
  g_assert_null (strstr (scan.text->str, "▸"));
  g_assert_nonnull (strstr (scan.text->str, "\nCPU 0\n"));
  g_assert_nonnull (strstr (scan.text->str, "stress"));
  g_string_free (scan.text, TRUE);

  /* A PNG of the same options is the size asked for. */
  g_assert_true (strata_render_to_file (analysis, layout, &o, png, &error));
  g_assert_no_error (error);
  {
    cairo_surface_t *surface = cairo_image_surface_create_from_png (png);

    g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
    g_assert_cmpint (cairo_image_surface_get_height (surface), ==, o.height);
    cairo_surface_destroy (surface);
  }

  g_unlink (svg);
  g_unlink (png);
  g_rmdir (tmpdir);
  strata_layout_free (layout);
}

/* An ellipsized label is written as Pango draws it: its start and an ellipsis. */
static void
test_svg_ellipsis (void)
{
  g_autoptr(StrataAnalysis) analysis = synth_host_with_vm ();
  StrataLayout *layout = strata_layout_new (analysis);
  g_autofree char *tmpdir = g_dir_make_tmp ("strata-test-XXXXXX", NULL);
  g_autofree char *svg = g_build_filename (tmpdir, "narrow.svg", NULL);
  g_autoptr(GError) error = NULL;
  StrataRenderOptions o;
  SvgScan scan;

  strata_render_options_init (&o, analysis, 400, 1);
  o.title = "a set whose name is far too long to be shown whole in a picture this narrow";
  o.height = STRATA_RENDER_TITLE_HEIGHT + o.ruler_height + 4 * o.row_height + o.legend_height;

  g_assert_true (strata_render_to_file (analysis, layout, &o, svg, &error));
  g_assert_no_error (error);
  scan_svg (svg, &scan);
  g_assert_nonnull (strstr (scan.text->str, "a set whose name"));
  g_assert_null (strstr (scan.text->str, "this narrow"));
  g_assert_nonnull (strstr (scan.text->str, "…\n"));
  g_string_free (scan.text, TRUE);

  g_unlink (svg);
  g_rmdir (tmpdir);
  strata_layout_free (layout);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render-export/svg-text", test_svg_text);
  g_test_add_func ("/render-export/svg-ellipsis", test_svg_ellipsis);

  return g_test_run ();
}
