/* strata-render-text.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

G_BEGIN_DECLS

/*
 * The renderer's text. Cairo's SVG surface writes glyphs as outlines, which no one can select,
 * search or restyle; an SVG export keeps its text as <text> elements instead. While a
 * StrataRenderText is attached to a Cairo context, strata_render_show_layout() records each
 * layout there (where, in which colour and font, with the ellipsis Pango would draw) instead
 * of drawing it, and strata_render_text_to_svg() puts the records into the SVG document Cairo
 * wrote. Unattached, strata_render_show_layout() is pango_cairo_show_layout().
 */

typedef struct _StrataRenderText StrataRenderText;

StrataRenderText *strata_render_text_new    (void);
void              strata_render_text_free   (StrataRenderText *self);
void              strata_render_text_attach (StrataRenderText *self,
                                             cairo_t          *cr);
char             *strata_render_text_to_svg (StrataRenderText *self,
                                             const char       *svg,
                                             gsize            *length);

/* Draws @layout at the current point of @cr, or records it. */
void              strata_render_show_layout (cairo_t          *cr,
                                             PangoLayout      *layout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataRenderText, strata_render_text_free)

G_END_DECLS
