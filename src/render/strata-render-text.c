/* strata-render-text.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-render-text"

#include "config.h"

#include <string.h>

#include "strata-render-text.h"

struct _StrataRenderText
{
  GString *elements;      /* <text> elements, one a line */
};

static cairo_user_data_key_t text_key;

StrataRenderText *
strata_render_text_new (void)
{
  StrataRenderText *self = g_new0 (StrataRenderText, 1);

  self->elements = g_string_new (NULL);
  return self;
}

void
strata_render_text_free (StrataRenderText *self)
{
  if (self == NULL)
    return;
  g_string_free (self->elements, TRUE);
  g_free (self);
}

/* Until @cr is destroyed, or another is attached. @self must outlive @cr's drawing. */
void
strata_render_text_attach (StrataRenderText *self,
                           cairo_t          *cr)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (cr != NULL);

  cairo_set_user_data (cr, &text_key, self, NULL);
}

/* Numbers in SVG take a dot, whatever the locale. */
static void
append_number (GString    *out,
               const char *name,
               double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, " %s=\"%s\"", name, g_ascii_formatd (buf, sizeof buf, "%.2f", value));
}

/* What @layout shows: its text, or, ellipsized, the longest start of it that fits its width
 * with an ellipsis after it. Only the end is ever ellipsized here. */
static char *
shown_text (PangoLayout *layout)
{
  const char *text = pango_layout_get_text (layout);
  int width = pango_layout_get_width (layout);
  g_autoptr(PangoLayout) probe = NULL;
  glong lo = 0, hi;

  if (width < 0 || !pango_layout_is_ellipsized (layout))
    return g_strdup (text);

  probe = pango_layout_copy (layout);
  pango_layout_set_width (probe, -1);
  pango_layout_set_ellipsize (probe, PANGO_ELLIPSIZE_NONE);
  hi = g_utf8_strlen (text, -1);
  while (lo < hi)
    {
      glong mid = (lo + hi + 1) / 2;
      g_autofree char *start = g_utf8_substring (text, 0, mid);
      g_autofree char *candidate = g_strconcat (start, "…", NULL);
      int w;

      pango_layout_set_text (probe, candidate, -1);
      pango_layout_get_size (probe, &w, NULL);
      if (w <= width)
        lo = mid;
      else
        hi = mid - 1;
    }
  {
    g_autofree char *start = g_utf8_substring (text, 0, lo);

    return g_strconcat (start, "…", NULL);
  }
}

/* Bold by its font, or by markup ("<b>…</b>") over it. */
static gboolean
is_bold (PangoLayout                *layout,
         const PangoFontDescription *desc)
{
  PangoAttrList *attrs = pango_layout_get_attributes (layout);
  gboolean bold = pango_font_description_get_weight (desc) >= PANGO_WEIGHT_BOLD;

  if (attrs != NULL)
    {
      GSList *list = pango_attr_list_get_attributes (attrs);

      for (const GSList *l = list; l != NULL; l = l->next)
        {
          const PangoAttribute *attr = l->data;

          if (attr->klass->type == PANGO_ATTR_WEIGHT)
            bold = ((const PangoAttrInt *) attr)->value >= PANGO_WEIGHT_BOLD;
        }
      g_slist_free_full (list, (GDestroyNotify) pango_attribute_destroy);
    }
  return bold;
}

static void
record (StrataRenderText *self,
        cairo_t          *cr,
        PangoLayout      *layout)
{
  PangoContext *context = pango_layout_get_context (layout);
  const PangoFontDescription *desc = pango_layout_get_font_description (layout);
  g_autofree char *text = shown_text (layout);
  g_autofree char *escaped = NULL;
  g_autofree char *family = NULL;
  double x, y, size, resolution;
  double r = 0, g = 0, b = 0, a = 1;

  if (text[0] == '\0' || !cairo_has_current_point (cr))
    return;
  if (desc == NULL)
    desc = pango_context_get_font_description (context);

  /* SVG places text by its baseline; Pango by its top left. */
  cairo_get_current_point (cr, &x, &y);
  y += pango_layout_get_baseline (layout) / (double) PANGO_SCALE;
  cairo_user_to_device (cr, &x, &y);

  cairo_pattern_get_rgba (cairo_get_source (cr), &r, &g, &b, &a);

  /* Pango sizes are points, at the context's resolution (96 dpi unless set). */
  resolution = pango_cairo_context_get_resolution (context);
  if (resolution <= 0)
    resolution = 96;
  size = pango_font_description_get_size (desc) / (double) PANGO_SCALE;
  if (!pango_font_description_get_size_is_absolute (desc))
    size *= resolution / 72.0;

  family = g_markup_escape_text (pango_font_description_get_family (desc) != NULL
                                 ? pango_font_description_get_family (desc) : "Sans", -1);
  escaped = g_markup_escape_text (text, -1);

  g_string_append (self->elements, "<text");
  append_number (self->elements, "x", x);
  append_number (self->elements, "y", y);
  g_string_append_printf (self->elements, " font-family=\"%s, sans-serif\"", family);
  append_number (self->elements, "font-size", size);
  if (is_bold (layout, desc))
    g_string_append (self->elements, " font-weight=\"bold\"");
  g_string_append_printf (self->elements, " fill=\"#%02x%02x%02x\"",
                          (guint) CLAMP (r * 255 + 0.5, 0, 255),
                          (guint) CLAMP (g * 255 + 0.5, 0, 255),
                          (guint) CLAMP (b * 255 + 0.5, 0, 255));
  if (a < 1)
    append_number (self->elements, "fill-opacity", a);
  g_string_append_printf (self->elements, " xml:space=\"preserve\">%s</text>\n", escaped);
}

void
strata_render_show_layout (cairo_t     *cr,
                           PangoLayout *layout)
{
  StrataRenderText *self = cairo_get_user_data (cr, &text_key);

  if (self != NULL)
    record (self, cr, layout);
  else
    pango_cairo_show_layout (cr, layout);
}

/**
 * strata_render_text_to_svg:
 * @svg: a document Cairo's SVG surface wrote, without the text recorded
 * @length: (out): the length of the result
 *
 * Returns: (transfer full): @svg with the recorded text, drawn over the rest
 */
char *
strata_render_text_to_svg (StrataRenderText *self,
                           const char       *svg,
                           gsize            *length)
{
  const char *end;
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (svg != NULL, NULL);

  out = g_string_new (NULL);
  end = g_strrstr (svg, "</svg>");
  if (end == NULL)
    end = svg + strlen (svg);
  g_string_append_len (out, svg, end - svg);
  g_string_append (out, "<g id=\"text\">\n");
  g_string_append_len (out, self->elements->str, self->elements->len);
  g_string_append (out, "</g>\n");
  g_string_append (out, end);

  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}
