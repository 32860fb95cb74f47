/* strata-render-parts.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-renderer.h"

G_BEGIN_DECLS

/*
 * What is drawn around the rows: the time ruler's ticks, the row headers and the legend.
 * Computed here, without GTK, and drawn both by the renderer (Cairo, for PNG and SVG) and by
 * the widgets (GtkSnapshot), so that the screen and the exported images show the same ticks,
 * titles, dimming and colours.
 */

/* Ticks at least this far apart, and far enough for their labels: so many px a character
 * (more than any usual font's digits at the ruler's size) and a gap. */
#define STRATA_RENDER_TICK_MIN_PX  110
#define STRATA_RENDER_TICK_CHAR_PX 9
#define STRATA_RENDER_TICK_GAP_PX  16
/* The opacity of what the highlight leaves out: row headers, and legend swatches. */
#define STRATA_RENDER_HEADER_DIM  0.4
#define STRATA_RENDER_LEGEND_DIM  (80.0 / 255.0)

typedef struct
{
  gint64  ns;
  double  x;               /* px from the left edge of the rows' body */
  char   *label;           /* "16:32:05.250", as many decimals as the step needs; "16:40";
                            * "Sep 17, 2015" at midnight and for days */
} StrataRulerTick;

/* The ticks of a body @width px wide that shows @visible, a round step apart
 * (strata_time_tick_step()) and far enough for their labels (StrataRulerTick, which the
 * array frees). Empty when @width is not positive. */
GArray  *strata_render_ruler_ticks      (StrataTimeSpan             visible,
                                         double                     width);
/* Where the label of the tick at @tick_x goes, @label_width px wide: right of it, or ending
 * at the body's right edge rather than cut there. FALSE when it would then come close to the
 * label before, which ends at *@prev_end (the first: -G_MAXDOUBLE); updates *@prev_end. */
gboolean strata_render_place_tick_label (double                     tick_x,
                                         double                     label_width,
                                         double                     body_width,
                                         double                    *prev_end,
                                         double                    *label_x);

/* Where the tracer lost events, as the ruler marks them: a span of the body in px, at
 * least STRATA_RENDER_LOSS_MIN_PX wide, losses closer than that merged into one. */
#define STRATA_RENDER_LOSS_MIN_PX 3
#define STRATA_RENDER_LOSS_HEIGHT 5

typedef struct
{
  double   x0;
  double   x1;
  guint64  count;          /* events lost under it, of those counted */
} StrataLossTick;

/* The marks of @losses (StrataLossMark, by begin: strata_describe_losses()) in @visible on
 * a body @width px wide, left to right. */
GArray  *strata_render_loss_ticks       (const GArray              *losses,
                                         StrataTimeSpan             visible,
                                         double                     width);
/* The colour of the marks: not a state's. */
StrataRgb strata_render_loss_color      (gboolean                   dark);

typedef struct
{
  guint      entry;        /* in the layout */
  double     y;            /* the top of its row, surface coordinates */
  gboolean   header;       /* a group's title, else a row's label */
  char      *text;         /* "▾ host — physical CPUs" ("▸" when collapsed), "CPU 0" */
  const char *label;       /* the text without its arrow, as images show it (in @text) */
  int        text_x;       /* where the text starts, px */
  int        text_width;   /* at most this wide, ellipsized */
  gboolean   keep_end;     /* ellipsized in the middle: a row's label, whose end tells it from
                            * its neighbours ("Soft IRQ 1 (TIMER), CPU 3", "vhost-3000 (4812)") */
  double     alpha;        /* 1, or STRATA_RENDER_HEADER_DIM for what the highlight leaves out */
  gboolean   has_color;    /* a guest's group: a bar in its machine's colour, at @alpha */
  StrataRgb  color;
} StrataRenderHeader;

/* The row headers of the shown entries that fall in the surface (StrataRenderHeader, which
 * the array frees), laid out by the options (rows under the ruler, scrolled by scroll_y). */
GArray *strata_render_headers      (StrataAnalysis            *analysis,
                                    StrataLayout              *layout,
                                    const StrataRenderOptions *options);

typedef enum
{
  STRATA_LEGEND_STATE,     /* a state, drawn in its colour */
  STRATA_LEGEND_MACHINE,   /* a VM running (its guest time, its vCPUs running), in its colour */
  STRATA_LEGEND_SHARE,     /* how a column over many intervals reads: a bar as high as the
                            * busy share; drawn as a half-high bar of @color */
} StrataLegendKind;

typedef struct
{
  StrataLegendKind kind;
  StrataRgb        color;
  char            *name;   /* "user", "server1 running", "bar height: busy share" */
  gboolean         dimmed; /* a machine the highlight leaves out */
} StrataLegendItem;

/* The states the set draws in their own colours, then each VM it draws in its colour
 * (dimmed when the highlight leaves it out), then the key to mixed columns
 * (StrataLegendItem, which the array frees). */
GArray *strata_render_legend_items (StrataAnalysis            *analysis,
                                    StrataLayout              *layout,
                                    const StrataHighlight     *highlight,
                                    gboolean                   dark);

G_END_DECLS
