/* strata-timeline-view-draw.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-timeline-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "strata-draw-util.h"
#include "strata-render-parts.h"
#include "strata-time.h"
#include "strata-timeline-view-private.h"

/*
 * How StrataTimelineView draws. The rows (with their grid lines, and the corner above the
 * headers) and the headers are render nodes kept until what they show changes: the range, the
 * size, the scroll position, the selection, the marked row, the highlight, the collapsed
 * groups or the colours. Moving the pointer only draws the hover line over them again; the
 * ruler is a child widget, whose node GTK keeps.
 */

/* Above the headers: the date (ticks give the time of day, in UTC) and the visible span. */
static void
snapshot_corner (StrataTimelineView        *self,
                 GtkSnapshot               *snapshot,
                 const StrataRenderOptions *o,
                 const GdkRGBA             *fg)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  g_autofree char *date = strata_time_format_date (o->visible.begin);
  g_autofree char *span_text = strata_time_format_duration (strata_time_span_duration (o->visible));
  int hw = o->header_width, rh = o->ruler_height;
  GdkRGBA c;
  int tw, th;

  c = strata_rgba_with_alpha (fg, 0.04);
  gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (0, 0, hw, rh));
  c = strata_rgba_with_alpha (fg, 0.15);
  gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (0, rh - 1, hw, 1));
  pango_layout_set_width (layout, (o->header_width - 12) * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  if (date[0] != '\0')
    {
      /* Translators: the date above the row headers; the ruler's times are in UTC */
      g_autofree char *text = g_strdup_printf (_("%s UTC"), date);

      pango_layout_set_text (layout, text, -1);
      c = strata_rgba_with_alpha (fg, 0.8);
      strata_snapshot_append_text (snapshot, layout, &c, 8, 2);
    }
  pango_layout_set_text (layout, span_text, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  c = strata_rgba_with_alpha (fg, 0.55);
  strata_snapshot_append_text (snapshot, layout, &c, 8, o->ruler_height - th - 2);
}

/* The rows' body, as the renderer draws it for exported images, with the ruler's faint grid
 * lines through it, which help reading across. */
static GskRenderNode *
build_rows_node (StrataTimelineView        *self,
                 const StrataRenderOptions *o,
                 const GdkRGBA             *fg)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int bw = o->width - o->header_width, bh = o->height - o->ruler_height;
  g_autoptr(GArray) ticks = strata_render_ruler_ticks (o->visible, bw);
  GdkRGBA c = strata_rgba_with_alpha (fg, 0.07);
  cairo_t *cr;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (o->header_width, o->ruler_height, bw, bh));
  strata_render_body (cr, strata_session_get_analysis (self->session),
                      strata_session_get_layout (self->session), o,
                      o->header_width, o->ruler_height, bw, bh);
  cairo_destroy (cr);
  for (guint i = 0; i < ticks->len; i++)
    {
      double tx = floor (o->header_width + g_array_index (ticks, StrataRulerTick, i).x);

      if (tx < o->width)
        gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (tx, o->ruler_height, 1, bh));
    }
  snapshot_corner (self, snapshot, o, fg);
  self->n_rows_builds++;
  return gtk_snapshot_free_to_node (snapshot);
}

/* The header column: the renderer's titles, labels, colours and dimming, with what only the
 * screen has (the marked row's tab, the keyboard focus). */
static GskRenderNode *
build_headers_node (StrataTimelineView        *self,
                    const StrataRenderOptions *o,
                    const GdkRGBA             *fg,
                    gboolean                   focused)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  StrataLayout *rows = strata_session_get_layout (self->session);
  g_autoptr(GArray) headers = strata_render_headers (strata_session_get_analysis (self->session), rows, o);
  PangoAttrList *bold = pango_attr_list_new ();
  GdkRGBA c;

  pango_attr_list_insert (bold, pango_attr_weight_new (PANGO_WEIGHT_BOLD));

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, o->ruler_height, o->header_width,
                                                         o->height - o->ruler_height));
  c = strata_rgba_with_alpha (fg, 0.03);
  gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (0, o->ruler_height, o->header_width,
                                                                o->height - o->ruler_height));
  for (guint i = 0; i < headers->len; i++)
    {
      const StrataRenderHeader *h = &g_array_index (headers, StrataRenderHeader, i);
      const StrataLayoutEntry *e = &g_array_index (rows->entries, StrataLayoutEntry, h->entry);
      int tw, th;

      if (h->header)
        {
          c = strata_rgba_with_alpha (fg, 0.06);
          gtk_snapshot_append_color (snapshot, &c,
                                     &GRAPHENE_RECT_INIT (0, h->y, o->header_width, o->row_height));
          if (h->has_color)
            gtk_snapshot_append_color (snapshot, &(GdkRGBA) { h->color.r, h->color.g, h->color.b, h->alpha },
                                       &GRAPHENE_RECT_INIT (0, h->y + 2, 4, o->row_height - 4));
        }
      pango_layout_set_attributes (layout, h->header ? bold : NULL);
      pango_layout_set_text (layout, h->text, -1);
      pango_layout_set_width (layout, h->text_width * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, h->keep_end ? PANGO_ELLIPSIZE_MIDDLE : PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &tw, &th);
      c = strata_rgba_with_alpha (fg, (h->header ? 0.9 : 0.75) * h->alpha);
      strata_snapshot_append_text (snapshot, layout, &c, h->text_x, h->y + (o->row_height - th) / 2.0);

      if (!h->header && (e->row == o->marked_row || e->row == o->marked_row2))
        {
          StrataRgb m = strata_render_mark_color (o->dark);

          gtk_snapshot_append_color (snapshot, &(GdkRGBA) { m.r, m.g, m.b, 0.9 },
                                     &GRAPHENE_RECT_INIT (o->header_width - 6, h->y + 3, 3, o->row_height - 6));
        }

      if (focused && h->entry == self->focus_entry)
        {
          GskRoundedRect outline;
          GdkRGBA ring = strata_rgba_with_alpha (&strata_selection_color, 0.8);

          gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (1, h->y + 1, o->header_width - 3,
                                                                          o->row_height - 2), 3);
          gtk_snapshot_append_border (snapshot, &outline, (float[4]) { 2, 2, 2, 2 },
                                      (GdkRGBA[4]) { ring, ring, ring, ring });
        }
    }
  gtk_snapshot_pop (snapshot);
  pango_attr_list_unref (bold);

  c = strata_rgba_with_alpha (fg, 0.15);
  gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (o->header_width - 1, 0, 1, o->height));
  return gtk_snapshot_free_to_node (snapshot);
}

void
_strata_timeline_view_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  StrataTimelineView *self = STRATA_TIMELINE_VIEW (widget);
  /* The focused row stays outlined while the view has the focus, after a click too. */
  gboolean focused = gtk_widget_has_focus (widget);
  StrataRenderOptions o;
  RowsKey rows_key;
  HeadersKey headers_key;
  GdkRGBA fg;

  if (self->session == NULL)
    return;

  strata_timeline_view_get_render_options (self, &o);
  if (o.width - o.header_width <= 0 || o.height - o.ruler_height <= 0)
    return;
  self->n_snapshots++;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);

  /* Zeroed first: the keys are compared as bytes. */
  memset (&rows_key, 0, sizeof rows_key);
  rows_key.visible = o.visible;
  rows_key.header_width = o.header_width;
  rows_key.selection = o.selection;
  rows_key.width = o.width;
  rows_key.height = o.height;
  rows_key.scroll_y = o.scroll_y;
  rows_key.marked_row = o.marked_row;
  rows_key.marked_row2 = o.marked_row2;
  rows_key.marked_span = o.marked_span;
  rows_key.marked_exits = o.marked_exits;
  rows_key.follow_row = o.follow_row;
  rows_key.serial = self->look_serial;
  rows_key.fg = fg;
  if (self->rows_node == NULL || memcmp (&rows_key, &self->rows_key, sizeof rows_key) != 0)
    {
      g_autoptr(GArray) follow_pieces = strata_session_get_followed_pieces (self->session, o.width - o.header_width);

      o.follow_pieces = follow_pieces;
      g_clear_pointer (&self->rows_node, gsk_render_node_unref);
      self->rows_node = build_rows_node (self, &o, &fg);
      self->rows_key = rows_key;
    }

  memset (&headers_key, 0, sizeof headers_key);
  headers_key.header_width = o.header_width;
  headers_key.width = o.width;
  headers_key.height = o.height;
  headers_key.scroll_y = o.scroll_y;
  headers_key.marked_row = o.marked_row;
  headers_key.marked_row2 = o.marked_row2;
  headers_key.serial = self->look_serial;
  headers_key.focus_entry = self->focus_entry;
  headers_key.focused = focused;
  headers_key.fg = fg;
  if (self->headers_node == NULL || memcmp (&headers_key, &self->headers_key, sizeof headers_key) != 0)
    {
      g_clear_pointer (&self->headers_node, gsk_render_node_unref);
      self->headers_node = build_headers_node (self, &o, &fg, focused);
      self->headers_key = headers_key;
    }

  gtk_snapshot_append_node (snapshot, self->rows_node);
  gtk_widget_snapshot_child (widget, GTK_WIDGET (self->ruler), snapshot);
  gtk_snapshot_append_node (snapshot, self->headers_node);

  if (self->pointer_inside && self->pointer_x >= o.header_width && self->pointer_x < o.width &&
      self->drag_mode != DRAG_PAN)
    {
      GdkRGBA c = strata_rgba_with_alpha (&fg, 0.35);

      gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (floor (self->pointer_x), 0, 1, o.height));
    }
}
