/* strata-renderer.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>

#include "strata-analysis.h"
#include "strata-highlight.h"
#include "strata-layout.h"
#include "strata-time-span.h"

G_BEGIN_DECLS

/*
 * The one drawing code path: the resources view on screen, PNG and SVG export, and
 * `strata-cli render` all go through strata_render(). Cairo and Pango only, no GTK.
 */

typedef struct
{
  double r, g, b;
} StrataRgb;

/* The band over the ruler that names the set and the range, when the options give a title. */
#define STRATA_RENDER_TITLE_HEIGHT 26

typedef struct
{
  StrataTimeSpan         visible;      /* the time range drawn across the body */
  int                    width;        /* whole surface, px */
  int                    height;
  int                    header_width; /* row header column; 0: none */
  int                    ruler_height; /* time ruler on top; 0: none */
  int                    legend_height; /* legend at the bottom; 0: none */
  int                    row_height;
  double                 scroll_y;     /* px of rows scrolled out above */
  const StrataHighlight *highlight;    /* borrowed; NULL or empty: nothing dimmed */
  const GArray          *collapsed;    /* borrowed, a gboolean per layout entry: groups whose
                                        * rows are hidden (a session's); NULL: none */
  StrataTimeSpan         selection;    /* a selected range to shade; empty: none */
  gint                   marked_row;   /* a store row to outline (a preemption's vCPU); -1: none */
  gint                   marked_row2;  /* another (the pCPU it happened on); -1: none */
  StrataTimeSpan         marked_span;  /* the part of them to outline; empty: whole */
  gint                   marked_exits; /* a group of the analysis' exits (one vCPU's, one
                                        * reason) marked on their vCPU's row; -1: none */
  gint                   follow_row;   /* a thread row followed (strata-follow.h), outlined on
                                        * the CPU, vCPU and pCPU rows it was on; -1: none */
  const GArray          *follow_pieces; /* borrowed: its pieces as strata_follow_thread_drawn()
                                         * gives them over visible, the body's width; NULL:
                                         * worked out */
  gboolean               dark;
  const char            *font;         /* Pango font description; NULL: "Sans 9" */
  const char            *title;        /* a band on top names it ("server1 + host") with the
                                        * range and the time zone; NULL: none. Part of height */
} StrataRenderOptions;

void      strata_render_options_init (StrataRenderOptions *options,
                                      StrataAnalysis      *analysis,
                                      int                  width,
                                      int                  height);

/* Draws everything the options ask for into @cr, whose origin is the surface's top left. */
void      strata_render              (cairo_t                   *cr,
                                      StrataAnalysis            *analysis,
                                      StrataLayout              *layout,
                                      const StrataRenderOptions *options);

/* Draws only the rows' body: no headers, ruler or legend (for a widget that draws those). */
void      strata_render_body         (cairo_t                   *cr,
                                      StrataAnalysis            *analysis,
                                      StrataLayout              *layout,
                                      const StrataRenderOptions *options,
                                      int                        x,
                                      int                        y,
                                      int                        width,
                                      int                        height);

/* What the title band says after the title. */
char     *strata_render_range_text   (StrataTimeSpan             visible);

/* Writes a PNG or an SVG, chosen by the file name's extension. An SVG's text stays text. */
gboolean  strata_render_to_file      (StrataAnalysis            *analysis,
                                      StrataLayout              *layout,
                                      const StrataRenderOptions *options,
                                      const char                *path,
                                      GError                   **error);

/* The outline of a marked preemption: not a state's colour. */
StrataRgb strata_render_mark_color    (gboolean    dark);

/* The colour of a state, and of a machine (guests are drawn in their machine's colour). */
StrataRgb strata_render_state_color   (StrataState state,
                                       gboolean    dark);
StrataRgb strata_render_machine_color (guint       machine);
/* Whether a guest's interval in @state is drawn in its machine's colour (its own activity),
 * not in the state's (what keeps a vCPU from running: preempted, waiting, blocked, host mode). */
gboolean  strata_render_state_in_machine_color (StrataState state);

/* The entry of the layout under @y (surface coordinates), or -1. */
gint      strata_render_entry_at      (StrataLayout              *layout,
                                       const StrataRenderOptions *options,
                                       double                     y);

G_END_DECLS
