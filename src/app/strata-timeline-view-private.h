/* strata-timeline-view-private.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-time-ruler.h"
#include "strata-timeline-view.h"

G_BEGIN_DECLS

/* The view's state, shared by strata-timeline-view.c (state, input) and
 * strata-timeline-view-draw.c (drawing). */

/* What the kept render nodes show. */
typedef struct
{
  StrataTimeSpan visible;
  StrataTimeSpan selection;
  int            header_width;
  int            width;
  int            height;
  double         scroll_y;
  gint           marked_row;
  gint           marked_row2;
  StrataTimeSpan marked_span;
  gint           marked_exits;
  gint           follow_row;
  guint          serial;       /* look_serial */
  GdkRGBA        fg;
} RowsKey;

typedef struct
{
  int            header_width;
  int            width;
  int            height;
  double         scroll_y;
  gint           marked_row;
  gint           marked_row2;
  guint          serial;
  guint          focus_entry;
  gboolean       focused;
  GdkRGBA        fg;
} HeadersKey;

typedef enum
{
  DRAG_NONE,
  DRAG_PAN,
  DRAG_SELECT,
  DRAG_HEADER,
  DRAG_RESIZE,                     /* the label column's edge */
} DragMode;

struct _StrataTimelineView
{
  GtkWidget       parent_instance;

  /* Owned */
  StrataSession  *session;
  GSignalGroup   *session_signals;
  GtkAdjustment  *hadjustment;
  GtkAdjustment  *vadjustment;
  GskRenderNode  *rows_node;       /* kept while rows_key holds */
  GskRenderNode  *headers_node;    /* kept while headers_key holds */
  RowsKey         rows_key;
  HeadersKey      headers_key;

  /* Children */
  StrataTimeRuler *ruler;

  int             header_width;    /* the renderer's geometry: the label column as shown */
  int             header_width_wanted; /* as wide as dragged to */
  int             ruler_height;
  int             row_height;
  guint           focus_entry;     /* layout entry with the keyboard focus */

  DragMode        drag_mode;
  double          drag_x;          /* where the drag started, widget coordinates */
  double          drag_y;
  StrataTimeSpan  drag_visible;    /* the visible range when a pan started */
  double          drag_width;      /* and the body's width */
  double          drag_scroll_y;
  int             drag_header_width;
  gint64          drag_anchor;     /* the time where a selection started */

  double          pointer_x;
  double          pinch_scale;

  guint           look_serial;     /* changes with the highlight, the groups, the session */
  guint           n_rows_builds;   /* for the tests: how often the rows were drawn anew */
  guint           n_snapshots;

  guint           hscroll_policy : 1;
  guint           vscroll_policy : 1;
  guint           pointer_inside : 1;
  guint           updating_hadjustment : 1;
};


/* What the scroll controller does with one event, given its modifiers and unit: the UI tests
 * call it with Ctrl held, which an emitted "scroll" signal cannot carry. */
gboolean _strata_timeline_view_scroll (StrataTimelineView *self,
                                       double              dx,
                                       double              dy,
                                       GdkModifierType     state,
                                       GdkScrollUnit       unit);

/* How often the view drew its rows anew, and how often it drew at all: moving the pointer
 * must draw without drawing the rows. */
guint    _strata_timeline_view_get_rows_builds (StrataTimelineView *self);
guint    _strata_timeline_view_get_snapshots   (StrataTimelineView *self);

void     _strata_timeline_view_snapshot        (GtkWidget          *widget,
                                                GtkSnapshot        *snapshot);

G_END_DECLS
