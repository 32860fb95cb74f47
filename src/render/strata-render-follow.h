/* strata-render-follow.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>

#include "strata-analysis.h"
#include "strata-time-span.h"

G_BEGIN_DECLS

/*
 * A followed thread (strata-follow.h) as the renderer draws it: its own row of refined
 * states, and the outline of where it was on the rows of the resources view.
 */

typedef struct
{
  gint   row;     /* a store row drawn */
  double y;       /* its top, in the surface */
} StrataRenderRowY;

/* Both take the pieces of @follow_row to draw (strata_follow_thread_drawn() over @visible and
 * the width), or NULL to work them out. */

/* Outlines, over [@x, @x + @width), the time thread row @follow_row spent on each of @rows
 * (StrataRenderRowY, the rows drawn, of @row_height): its guest CPU, that CPU's vCPU and the
 * pCPU the vCPU ran on for a guest's thread; the CPU it ran on for another. Outlines closer
 * than 3 px on one row join, so the cost is bounded by the width, not by the intervals. */
void strata_render_follow_outlines (cairo_t        *cr,
                                    StrataAnalysis *analysis,
                                    gint            follow_row,
                                    const GArray   *pieces,
                                    StrataTimeSpan  visible,
                                    const GArray   *rows,
                                    int             row_height,
                                    int             x,
                                    int             width,
                                    gboolean        dark);

/* Draws thread row @follow_row's refined states over @visible in the rectangle given, each
 * labelled inside when there is room for it ("Running on pCPU 3"). */
void strata_render_follow_row      (cairo_t        *cr,
                                    StrataAnalysis *analysis,
                                    gint            follow_row,
                                    const GArray   *pieces,
                                    StrataTimeSpan  visible,
                                    double          x,
                                    double          y,
                                    double          width,
                                    double          height,
                                    gboolean        dark,
                                    const char     *font);

/* The outline of a followed thread: not a state's colour, nor a marked preemption's. */
void strata_render_follow_color    (gboolean        dark,
                                    double         *r,
                                    double         *g,
                                    double         *b);

G_END_DECLS
