/* strata-timeline-view.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-timeline-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-describe.h"
#include "strata-follow-menu.h"
#include "strata-follow.h"
#include "strata-time.h"
#include "strata-timeline-view-private.h"

/*
 * The resources view of a session: a time ruler on top (a StrataTimeRuler child), a column of
 * row headers on the left, and the rows' body, which strata_render_body() draws, the same
 * code that writes exported images; the ruler's ticks and the headers come from the
 * renderer's helpers too (strata-render-parts.h). The widget only turns input into
 * StrataSession calls and redraws when the session notifies (strata-timeline-view-draw.c
 * draws). It is a GtkScrollable: the vertical adjustment scrolls the rows under the fixed
 * ruler, and the horizontal one mirrors where the visible range lies in the whole set, so a
 * GtkScrolledWindow around it shows both scrollbars.
 */

#define ZOOM_STEP        1.5    /* zoom-in and zoom-out actions */
#define WHEEL_ZOOM_STEP  1.25   /* one mouse wheel notch with Ctrl */
#define SURFACE_ZOOM     0.01   /* per touchpad pixel with Ctrl: exp (-dy × this) */
#define PAN_FRACTION     0.1    /* one wheel notch, or an arrow key, pans this much of the span */
#define CLICK_SLOP       3.0    /* px a press may move and still be a click */
#define HEADER_WIDTH     220    /* wider than the renderer's default: group titles fit */
#define HEADER_MIN       64     /* the label column, made narrower by a drag or a small window */
#define BODY_MIN         120    /* the rows' body left beside it */
#define RESIZE_SLOP      4.0    /* px either side of the column's edge where a drag resizes it */


enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS,

  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (StrataTimelineView, strata_timeline_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static StrataAnalysis *
get_analysis (StrataTimelineView *self)
{
  return self->session != NULL ? strata_session_get_analysis (self->session) : NULL;
}

static gboolean
is_dark (StrataTimelineView *self)
{
  GdkRGBA fg;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  return 0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue > 0.5;
}

/* The options the screen is drawn with: the renderer's defaults, the session's state, and
 * this widget's size and scroll position. No legend: a StrataLegend shows it. */
void
strata_timeline_view_get_render_options (StrataTimelineView  *self,
                                         StrataRenderOptions *o)
{
  StrataAnalysis *analysis;

  g_return_if_fail (STRATA_IS_TIMELINE_VIEW (self));
  g_return_if_fail (self->session != NULL);
  g_return_if_fail (o != NULL);

  analysis = get_analysis (self);
  strata_render_options_init (o, analysis,
                              gtk_widget_get_width (GTK_WIDGET (self)),
                              gtk_widget_get_height (GTK_WIDGET (self)));
  o->header_width = self->header_width;
  o->visible = *strata_session_get_visible_time (self->session);
  o->legend_height = 0;
  o->scroll_y = gtk_adjustment_get_value (self->vadjustment);
  o->highlight = strata_session_get_highlight (self->session);
  o->collapsed = strata_session_get_collapsed (self->session);
  o->selection = *strata_session_get_selected_time (self->session);
  o->marked_row = strata_session_get_marked_row (self->session);
  o->marked_row2 = strata_session_get_marked_row2 (self->session);
  o->marked_span = *strata_session_get_marked_time (self->session);
  o->marked_exits = strata_session_get_marked_exits (self->session);
  o->follow_row = strata_session_get_followed_row (self->session);
  o->dark = is_dark (self);
}

/* Geometry shared by drawing and input: the renderer's, cached when the session is set
 * (all zero without one). */
static void
get_geometry (StrataTimelineView *self,
              int                *header_width,
              int                *ruler_height,
              int                *row_height)
{
  if (header_width)
    *header_width = self->header_width;
  if (ruler_height)
    *ruler_height = self->ruler_height;
  if (row_height)
    *row_height = self->row_height;
}

static double
body_width (StrataTimelineView *self)
{
  int header_width;

  get_geometry (self, &header_width, NULL, NULL);
  return MAX (1, gtk_widget_get_width (GTK_WIDGET (self)) - header_width);
}

static guint
n_visible_entries (StrataTimelineView *self)
{
  if (self->session == NULL)
    return 0;
  return strata_session_get_shown (self->session)->len;
}

/* The position of @entry among the shown entries, or -1. */
static gint
visible_position (StrataTimelineView *self,
                  guint               entry)
{
  const GArray *visible;

  if (self->session == NULL)
    return -1;
  visible = strata_session_get_shown (self->session);
  for (guint v = 0; v < visible->len; v++)
    if (g_array_index (visible, guint, v) == entry)
      return v;
  return -1;
}

static void
update_hadjustment (StrataTimelineView *self)
{
  double width = body_width (self);
  double upper = width, value = 0;

  /* The whole set as wide as it would be at this zoom; the visible range where it lies. */
  if (self->session != NULL)
    {
      const StrataTimeSpan *document = strata_session_get_document_time (self->session);
      StrataTimeSpan visible = *strata_session_get_visible_time (self->session);

      upper = strata_time_span_duration (*document) / strata_time_span_ns_per_px (visible, width);
      value = -strata_time_span_to_x (visible, document->begin, width);
    }

  self->updating_hadjustment = TRUE;
  gtk_adjustment_configure (self->hadjustment, value, 0, MAX (upper, width),
                            width * PAN_FRACTION, width * 0.9, width);
  self->updating_hadjustment = FALSE;
}

static void
update_vadjustment (StrataTimelineView *self)
{
  int ruler_height, row_height;
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double upper;

  get_geometry (self, NULL, &ruler_height, &row_height);
  upper = ruler_height + (double) n_visible_entries (self) * row_height;
  gtk_adjustment_configure (self->vadjustment,
                            CLAMP (gtk_adjustment_get_value (self->vadjustment), 0, MAX (0, upper - height)),
                            0, MAX (upper, height), row_height, height * 0.9, height);
}

static void
update_actions (StrataTimelineView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean has = self->session != NULL;
  gboolean selection = has && strata_session_has_selection (self->session);
  gint64 span = 0, full = 0;

  if (has)
    {
      span = strata_time_span_duration (*strata_session_get_visible_time (self->session));
      full = strata_time_span_duration (*strata_session_get_document_time (self->session));
    }
  gtk_widget_action_set_enabled (widget, "view.zoom-in", has && span > STRATA_SESSION_MIN_SPAN);
  gtk_widget_action_set_enabled (widget, "view.zoom-out", has && span < full);
  gtk_widget_action_set_enabled (widget, "view.zoom-fit", has && span < full);
  gtk_widget_action_set_enabled (widget, "view.zoom-selection", selection);
  gtk_widget_action_set_enabled (widget, "view.clear-selection", selection);
  gtk_widget_action_set_enabled (widget, "view.pan-left", has && span < full);
  gtk_widget_action_set_enabled (widget, "view.pan-right", has && span < full);
}

static void
strata_timeline_view_visible_changed_cb (StrataTimelineView *self,
                                         GParamSpec         *pspec,
                                         StrataSession      *session)
{
  g_assert (STRATA_IS_TIMELINE_VIEW (self));

  update_hadjustment (self);
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
strata_timeline_view_selection_changed_cb (StrataTimelineView *self,
                                           GParamSpec         *pspec,
                                           StrataSession      *session)
{
  g_assert (STRATA_IS_TIMELINE_VIEW (self));

  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The highlight or the marked row. */
static void
strata_timeline_view_look_changed_cb (StrataTimelineView *self,
                                      GParamSpec         *pspec,
                                      StrataSession      *session)
{
  g_assert (STRATA_IS_TIMELINE_VIEW (self));

  self->look_serial++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static const StrataLayoutEntry *
get_entry (StrataTimelineView *self,
           guint               entry)
{
  return &g_array_index (strata_session_get_layout (self->session)->entries, StrataLayoutEntry, entry);
}

static void
strata_timeline_view_groups_changed_cb (StrataTimelineView *self,
                                        StrataSession      *session)
{
  g_assert (STRATA_IS_TIMELINE_VIEW (self));

  /* A row that disappears hands the focus to its group's header. */
  if (visible_position (self, self->focus_entry) < 0)
    self->focus_entry = get_entry (self, self->focus_entry)->group;
  self->look_serial++;
  update_vadjustment (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void scroll_to_position (StrataTimelineView *self,
                                gint                v);

/* A row just marked (a preemption's vCPU): it takes the focus and comes into sight. */
static void
strata_timeline_view_reveal_row_cb (StrataTimelineView *self,
                                    gint                row,
                                    StrataSession      *session)
{
  gint entry = strata_session_find_entry (session, row);

  g_assert (STRATA_IS_TIMELINE_VIEW (self));

  if (entry < 0)
    return;
  self->focus_entry = entry;
  scroll_to_position (self, visible_position (self, entry));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gint64
strata_timeline_view_x_to_time (StrataTimelineView *self,
                                double              x)
{
  int header_width;

  g_return_val_if_fail (STRATA_IS_TIMELINE_VIEW (self), 0);
  g_return_val_if_fail (self->session != NULL, 0);

  get_geometry (self, &header_width, NULL, NULL);
  return strata_time_span_to_ns (*strata_session_get_visible_time (self->session), x - header_width,
                                 body_width (self));
}

double
strata_timeline_view_time_to_x (StrataTimelineView *self,
                                gint64              ns)
{
  int header_width;

  g_return_val_if_fail (STRATA_IS_TIMELINE_VIEW (self), 0);
  g_return_val_if_fail (self->session != NULL, 0);

  get_geometry (self, &header_width, NULL, NULL);
  return header_width + strata_time_span_to_x (*strata_session_get_visible_time (self->session), ns,
                                               body_width (self));
}

/* The layout entry under @y, as the renderer lays the rows out, or -1. */
static gint
entry_at (StrataTimelineView *self,
          double              y)
{
  StrataRenderOptions o;

  if (self->session == NULL)
    return -1;
  strata_timeline_view_get_render_options (self, &o);
  if (y < o.ruler_height)
    return -1;
  return strata_render_entry_at (strata_session_get_layout (self->session), &o, y);
}

/**
 * strata_timeline_view_get_row_area:
 * @row: a store row
 * @area: (out): where its body is drawn, in widget coordinates
 *
 * Returns: whether @row is shown (its group is expanded); it may be scrolled out of sight
 */
gboolean
strata_timeline_view_get_row_area (StrataTimelineView *self,
                                   guint               row,
                                   graphene_rect_t    *area)
{
  int header_width, ruler_height, row_height;
  gint entry, v;

  g_return_val_if_fail (STRATA_IS_TIMELINE_VIEW (self), FALSE);
  g_return_val_if_fail (area != NULL, FALSE);

  if (self->session == NULL || (entry = strata_session_find_entry (self->session, row)) < 0 ||
      (v = visible_position (self, entry)) < 0)
    return FALSE;
  get_geometry (self, &header_width, &ruler_height, &row_height);
  graphene_rect_init (area, header_width,
                      ruler_height + v * row_height - gtk_adjustment_get_value (self->vadjustment),
                      body_width (self), row_height);
  return TRUE;
}

/* Scrolls the rows so that the entry at visible position @v shows below the ruler. */
static void
scroll_to_position (StrataTimelineView *self,
                    gint                v)
{
  int ruler_height, row_height;
  double top, bottom, value, page;

  if (v < 0)
    return;
  get_geometry (self, NULL, &ruler_height, &row_height);
  value = gtk_adjustment_get_value (self->vadjustment);
  page = gtk_widget_get_height (GTK_WIDGET (self)) - ruler_height;
  top = (double) v * row_height;
  bottom = top + row_height;
  if (top < value)
    gtk_adjustment_set_value (self->vadjustment, top);
  else if (bottom > value + page)
    gtk_adjustment_set_value (self->vadjustment, bottom - page);
}

char *
strata_timeline_view_describe_at (StrataTimelineView *self,
                                  double              x,
                                  double              y)
{
  const StrataLayoutEntry *e;
  int header_width, ruler_height;
  gint entry;

  g_return_val_if_fail (STRATA_IS_TIMELINE_VIEW (self), NULL);

  if (self->session == NULL)
    return NULL;
  get_geometry (self, &header_width, &ruler_height, NULL);

  if (y < ruler_height)
    {
      g_autofree char *at = NULL;

      if (x < header_width)
        return NULL;
      at = strata_time_format_absolute (strata_timeline_view_x_to_time (self, x));
      /* Over a mark of discarded events, the CPUs that lost them and how many. */
      {
        g_autofree char *lost = strata_time_ruler_describe_at (self->ruler, x - header_width);

        if (lost != NULL)
          {
            char *both = g_strdup_printf ("%s\n%s", at, lost);

            g_free (at);
            at = both;
          }
      }
      if (strata_session_has_selection (self->session))
        {
          g_autofree char *duration =
            strata_time_format_duration (strata_time_span_duration (*strata_session_get_selected_time (self->session)));

          /* Translators: the ruler's tooltip: the time under the pointer, then the selection's length */
          return g_strdup_printf (_("%s\nSelection: %s"), at, duration);
        }
      return g_steal_pointer (&at);
    }

  if ((entry = entry_at (self, y)) < 0)
    return NULL;
  e = get_entry (self, entry);
  if (x < header_width)
    {
      /* The whole title, which the column may cut short. */
      if (e->header)
        return g_strdup_printf ("%s\n%s", e->label,
                                strata_session_get_group_collapsed (self->session, entry)
                                ? _("Click to show this group's rows")
                                : _("Click to hide this group's rows"));
      return strata_describe_row (get_analysis (self), e->row);
    }
  if (e->header)
    return NULL;
  {
    double px = floor (x);
    const char *rest;
    g_autofree char *text = strata_session_describe_at (self->session, e->row,
                                                        strata_timeline_view_x_to_time (self, x));
    g_autofree char *pixel = strata_session_describe_span (self->session, e->row,
                                                           strata_timeline_view_x_to_time (self, px),
                                                           strata_timeline_view_x_to_time (self, px + 1));

    /* Zoomed out: what the column under the pointer stands for, under the row's name. */
    if (text == NULL || pixel == NULL || (rest = strchr (text, '\n')) == NULL)
      return g_steal_pointer (&text);
    return g_strdup_printf ("%.*s\n%s%s", (int) (rest - text), text, pixel, rest);
  }
}

static gint thread_at (StrataTimelineView *self,
                       double              x,
                       double              y);

static gboolean
strata_timeline_view_query_tooltip (GtkWidget  *widget,
                                    int         x,
                                    int         y,
                                    gboolean    keyboard_mode,
                                    GtkTooltip *tooltip)
{
  StrataTimelineView *self = STRATA_TIMELINE_VIEW (widget);
  g_autofree char *text = NULL;

  if (self->session == NULL)
    return FALSE;

  if (keyboard_mode)
    {
      /* The focused row, in the middle of the visible range. */
      const StrataTimeSpan *visible = strata_session_get_visible_time (self->session);
      int ruler_height, row_height;
      gint v = visible_position (self, self->focus_entry);

      get_geometry (self, NULL, &ruler_height, &row_height);
      if (v < 0)
        return FALSE;
      text = strata_timeline_view_describe_at (self,
                                               strata_timeline_view_time_to_x (self,
                                                 visible->begin + strata_time_span_duration (*visible) / 2),
                                               ruler_height + (v + 0.5) * row_height -
                                               gtk_adjustment_get_value (self->vadjustment));
    }
  else
    text = strata_timeline_view_describe_at (self, x, y);

  if (text == NULL)
    return FALSE;
  /* A thread there can be followed from the context menu, which a tooltip cannot hold. */
  if (!keyboard_mode && thread_at (self, x, y) >= 0)
    {
      char *with_hint = g_strdup_printf ("%s\n%s", text, _("Right-click to follow this thread"));

      g_free (text);
      text = with_hint;
    }
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* The thread row to follow under (@x, @y), or -1. */
static gint
thread_at (StrataTimelineView *self,
           double              x,
           double              y)
{
  const StrataLayoutEntry *e;
  int header_width, ruler_height;
  gint entry;

  get_geometry (self, &header_width, &ruler_height, NULL);
  if (self->session == NULL || x < header_width || y < ruler_height || (entry = entry_at (self, y)) < 0)
    return -1;
  e = get_entry (self, entry);
  if (e->header)
    return -1;
  return strata_follow_thread_at (get_analysis (self), e->row, strata_timeline_view_x_to_time (self, x));
}

static void
strata_timeline_view_context_cb (StrataTimelineView *self,
                                 int                 n_press,
                                 double              x,
                                 double              y,
                                 GtkGestureClick    *gesture)
{
  gint row = thread_at (self, x, y);

  if (row < 0)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  strata_follow_menu_popup (GTK_WIDGET (self), get_analysis (self), &row, 1, x, y);
}

static void
strata_timeline_view_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  StrataTimelineView *self = STRATA_TIMELINE_VIEW (widget);
  int header_width, ruler_height, row_height;

  get_geometry (self, &header_width, &ruler_height, &row_height);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* The label column gives way on a small window (size_allocate). */
      *minimum = self->session != NULL ? HEADER_MIN + BODY_MIN : 0;
      *natural = self->session != NULL ? self->header_width_wanted + 840 : 0;
    }
  else
    {
      *minimum = ruler_height + 3 * row_height;
      *natural = ruler_height + MAX (3, n_visible_entries (self)) * row_height;
    }
}

static void
strata_timeline_view_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  StrataTimelineView *self = STRATA_TIMELINE_VIEW (widget);
  int header_width, ruler_height;

  /* The label column as wide as wanted (HEADER_WIDTH, or dragged), but not more than 45% of
   * a small window. */
  if (self->session != NULL)
    self->header_width = CLAMP (MIN (self->header_width_wanted, (int) (width * 0.45)), HEADER_MIN,
                                MAX (HEADER_MIN, width - BODY_MIN));
  get_geometry (self, &header_width, &ruler_height, NULL);
  gtk_widget_allocate (GTK_WIDGET (self->ruler), MAX (0, width - header_width), ruler_height, -1,
                       gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (header_width, 0)));
  update_hadjustment (self);
  update_vadjustment (self);
}

/* Groups and keyboard focus */

static void
toggle_group_of (StrataTimelineView *self,
                 guint               entry)
{
  guint header = get_entry (self, entry)->group;

  strata_session_set_group_collapsed (self->session, header,
                                      !strata_session_get_group_collapsed (self->session, header));
}

static gboolean
strata_timeline_view_move_focus_cb (GtkWidget *widget,
                                    GVariant  *args,
                                    gpointer   user_data)
{
  StrataTimelineView *self = STRATA_TIMELINE_VIEW (widget);
  const GArray *visible;
  int delta = g_variant_get_int32 (args);
  gint v;

  if (self->session == NULL)
    return FALSE;
  visible = strata_session_get_shown (self->session);
  v = visible_position (self, self->focus_entry);
  v = CLAMP (MAX (v, 0) + delta, 0, (gint) visible->len - 1);
  self->focus_entry = g_array_index (visible, guint, v);
  scroll_to_position (self, v);
  gtk_widget_queue_draw (widget);
  return TRUE;
}

static gboolean
strata_timeline_view_toggle_focus_group_cb (GtkWidget *widget,
                                            GVariant  *args,
                                            gpointer   user_data)
{
  StrataTimelineView *self = STRATA_TIMELINE_VIEW (widget);

  if (self->session == NULL)
    return FALSE;
  toggle_group_of (self, self->focus_entry);
  scroll_to_position (self, visible_position (self, self->focus_entry));
  return TRUE;
}

/* Input */

static gint64
anchor_time (StrataTimelineView *self)
{
  const StrataTimeSpan *visible;
  int header_width;

  get_geometry (self, &header_width, NULL, NULL);
  if (self->pointer_inside && self->pointer_x >= header_width)
    return strata_timeline_view_x_to_time (self, self->pointer_x);
  visible = strata_session_get_visible_time (self->session);
  return visible->begin + strata_time_span_duration (*visible) / 2;
}

static gint64
px_to_ns (StrataTimelineView *self,
          double              px)
{
  return strata_time_span_px_to_duration (*strata_session_get_visible_time (self->session), px,
                                          body_width (self));
}

gboolean
_strata_timeline_view_scroll (StrataTimelineView *self,
                              double              dx,
                              double              dy,
                              GdkModifierType     state,
                              GdkScrollUnit       unit)
{
  gboolean wheel = unit == GDK_SCROLL_UNIT_WHEEL;

  g_return_val_if_fail (STRATA_IS_TIMELINE_VIEW (self), FALSE);

  if (self->session == NULL)
    return FALSE;

  if (state & GDK_CONTROL_MASK)
    {
      double factor = wheel ? pow (WHEEL_ZOOM_STEP, -dy) : exp (-dy * SURFACE_ZOOM);

      if (dy != 0)
        strata_session_zoom_at (self->session, anchor_time (self), factor);
      return TRUE;
    }

  /* Shift turns a vertical wheel into a horizontal one. */
  if ((state & GDK_SHIFT_MASK) && dx == 0)
    {
      dx = dy;
      dy = 0;
    }
  if (dx == 0)
    return FALSE;      /* vertical: the scrolled window scrolls the rows */
  strata_session_pan (self->session,
                      px_to_ns (self, wheel ? dx * PAN_FRACTION * body_width (self) : dx));
  return TRUE;
}

static gboolean
strata_timeline_view_scroll_cb (StrataTimelineView       *self,
                                double                    dx,
                                double                    dy,
                                GtkEventControllerScroll *controller)
{
  g_assert (STRATA_IS_TIMELINE_VIEW (self));

  return _strata_timeline_view_scroll (self, dx, dy,
                                       gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller)),
                                       gtk_event_controller_scroll_get_unit (controller));
}

static void
strata_timeline_view_pinch_begin_cb (StrataTimelineView *self,
                                     GdkEventSequence   *sequence,
                                     GtkGesture         *gesture)
{
  self->pinch_scale = 1.0;
}

static void
strata_timeline_view_pinch_changed_cb (StrataTimelineView *self,
                                       double              scale,
                                       GtkGestureZoom     *gesture)
{
  double x, y;

  g_assert (STRATA_IS_TIMELINE_VIEW (self));

  if (self->session == NULL || scale <= 0 || self->pinch_scale <= 0)
    return;
  if (gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      self->pointer_x = x;
      self->pointer_inside = TRUE;
    }
  strata_session_zoom_at (self->session, anchor_time (self), scale / self->pinch_scale);
  self->pinch_scale = scale;
}

static void
strata_timeline_view_drag_begin_cb (StrataTimelineView *self,
                                    double              x,
                                    double              y,
                                    GtkGestureDrag     *gesture)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  int header_width, ruler_height;

  g_assert (STRATA_IS_TIMELINE_VIEW (self));

  self->drag_mode = DRAG_NONE;
  if (self->session == NULL)
    return;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  get_geometry (self, &header_width, &ruler_height, NULL);
  self->drag_x = x;
  self->drag_y = y;
  self->drag_visible = *strata_session_get_visible_time (self->session);
  self->drag_width = body_width (self);
  self->drag_scroll_y = gtk_adjustment_get_value (self->vadjustment);
  self->drag_anchor = strata_timeline_view_x_to_time (self, MAX (x, header_width));

  self->drag_header_width = header_width;
  if (fabs (x - header_width) <= RESIZE_SLOP)
    self->drag_mode = DRAG_RESIZE;
  else if (x < header_width)
    self->drag_mode = y >= ruler_height ? DRAG_HEADER : DRAG_NONE;
  else if (y < ruler_height || (state & GDK_SHIFT_MASK))
    self->drag_mode = DRAG_SELECT;
  else
    {
      self->drag_mode = DRAG_PAN;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
    }
}

static void
strata_timeline_view_drag_update_cb (StrataTimelineView *self,
                                     double              offset_x,
                                     double              offset_y,
                                     GtkGestureDrag     *gesture)
{
  g_assert (STRATA_IS_TIMELINE_VIEW (self));

  if (self->session == NULL)
    return;

  switch (self->drag_mode)
    {
    case DRAG_PAN:
      {
        /* Anchored: the time under the pointer stays under it. */
        gint64 target = self->drag_visible.begin -
                        strata_time_span_px_to_duration (self->drag_visible, offset_x, self->drag_width);

        strata_session_pan (self->session, target - strata_session_get_visible_time (self->session)->begin);
        gtk_adjustment_set_value (self->vadjustment, self->drag_scroll_y - offset_y);
      }
      break;

    case DRAG_SELECT:
      if (fabs (offset_x) >= CLICK_SLOP)
        strata_session_select (self->session, self->drag_anchor,
                               strata_timeline_view_x_to_time (self, self->drag_x + offset_x));
      break;

    case DRAG_RESIZE:
      self->header_width_wanted = CLAMP (self->drag_header_width + (int) offset_x, HEADER_MIN,
                                         MAX (HEADER_MIN, gtk_widget_get_width (GTK_WIDGET (self)) - BODY_MIN));
      gtk_widget_queue_allocate (GTK_WIDGET (self));
      break;

    case DRAG_HEADER:
    case DRAG_NONE:
    default:
      break;
    }
}

static void
strata_timeline_view_drag_end_cb (StrataTimelineView *self,
                                  double              offset_x,
                                  double              offset_y,
                                  GtkGestureDrag     *gesture)
{
  gboolean click = fabs (offset_x) < CLICK_SLOP && fabs (offset_y) < CLICK_SLOP;
  DragMode mode = self->drag_mode;
  gint entry;

  g_assert (STRATA_IS_TIMELINE_VIEW (self));

  self->drag_mode = DRAG_NONE;
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  if (self->session == NULL || !click)
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }

  switch (mode)
    {
    case DRAG_SELECT:
      /* A click on the ruler drops the selection. */
      strata_session_clear_selection (self->session);
      break;

    case DRAG_HEADER:
    case DRAG_PAN:
      if ((entry = entry_at (self, self->drag_y)) >= 0)
        {
          self->focus_entry = entry;
          if (mode == DRAG_HEADER && get_entry (self, entry)->header)
            toggle_group_of (self, entry);
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
      break;

    case DRAG_NONE:
    default:
      break;
    }
}

static void
strata_timeline_view_motion_cb (StrataTimelineView       *self,
                                double                    x,
                                double                    y,
                                GtkEventControllerMotion *controller)
{
  g_assert (STRATA_IS_TIMELINE_VIEW (self));

  self->pointer_x = x;
  self->pointer_inside = TRUE;
  /* The label column's edge can be dragged. */
  if (self->drag_mode == DRAG_NONE && self->session != NULL)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                     fabs (x - self->header_width) <= RESIZE_SLOP ? "col-resize" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
strata_timeline_view_leave_cb (StrataTimelineView       *self,
                               GtkEventControllerMotion *controller)
{
  g_assert (STRATA_IS_TIMELINE_VIEW (self));

  self->pointer_inside = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
strata_timeline_view_focus_changed_cb (StrataTimelineView *self,
                                       GtkEventController *controller)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Actions */

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  StrataTimelineView *self = STRATA_TIMELINE_VIEW (widget);
  StrataSession *session = self->session;
  const StrataTimeSpan *visible;
  gint64 middle;

  if (session == NULL)
    return;
  visible = strata_session_get_visible_time (session);
  middle = visible->begin + strata_time_span_duration (*visible) / 2;

  if (g_str_equal (action_name, "view.zoom-in"))
    strata_session_zoom_at (session, middle, ZOOM_STEP);
  else if (g_str_equal (action_name, "view.zoom-out"))
    strata_session_zoom_at (session, middle, 1.0 / ZOOM_STEP);
  else if (g_str_equal (action_name, "view.zoom-fit"))
    strata_session_fit (session);
  else if (g_str_equal (action_name, "view.zoom-selection"))
    strata_session_zoom_to_selection (session);
  else if (g_str_equal (action_name, "view.clear-selection"))
    strata_session_clear_selection (session);
  else if (g_str_equal (action_name, "view.pan-left"))
    strata_session_pan (session, -px_to_ns (self, PAN_FRACTION * body_width (self)));
  else if (g_str_equal (action_name, "view.pan-right"))
    strata_session_pan (session, px_to_ns (self, PAN_FRACTION * body_width (self)));
}

/* Properties */

StrataSession *
strata_timeline_view_get_session (StrataTimelineView *self)
{
  g_return_val_if_fail (STRATA_IS_TIMELINE_VIEW (self), NULL);

  return self->session;
}

void
strata_timeline_view_set_session (StrataTimelineView *self,
                                  StrataSession      *session)
{
  g_return_if_fail (STRATA_IS_TIMELINE_VIEW (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  self->header_width = self->ruler_height = self->row_height = 0;
  if (session != NULL)
    {
      StrataRenderOptions o;

      strata_render_options_init (&o, strata_session_get_analysis (session), 1, 1);
      self->header_width = self->header_width_wanted;
      self->ruler_height = o.ruler_height;
      self->row_height = o.row_height;
    }
  g_signal_group_set_target (self->session_signals, session);
  strata_time_ruler_set_session (self->ruler, session);
  self->focus_entry = 0;
  self->look_serial++;
  g_clear_pointer (&self->rows_node, gsk_render_node_unref);
  g_clear_pointer (&self->headers_node, gsk_render_node_unref);
  gtk_adjustment_set_value (self->vadjustment, 0);

  update_actions (self);
  update_hadjustment (self);
  update_vadjustment (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/**
 * strata_timeline_view_export:
 * @path: a file name ending in .png or .svg
 *
 * Draws what the view shows (range, highlight, selection, marked row, collapsed groups,
 * colours) at its width, with every shown row and the legend, through strata_render().
 */
gboolean
strata_timeline_view_export (StrataTimelineView  *self,
                             const char          *path,
                             GError             **error)
{
  return strata_timeline_view_export_titled (self, path, NULL, error);
}

/**
 * strata_timeline_view_export_titled:
 * @title: (nullable): the set's name, which a band on top gives with the range and the
 *   time zone
 *
 * Like strata_timeline_view_export(), under a title.
 */
gboolean
strata_timeline_view_export_titled (StrataTimelineView  *self,
                                    const char          *path,
                                    const char          *title,
                                    GError             **error)
{
  StrataRenderOptions o;

  g_return_val_if_fail (STRATA_IS_TIMELINE_VIEW (self), FALSE);
  g_return_val_if_fail (self->session != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  strata_timeline_view_get_render_options (self, &o);
  if (o.width < o.header_width + 160)
    o.width = o.header_width + 1040;
  o.scroll_y = 0;
  o.legend_height = 28;
  o.height = o.ruler_height + n_visible_entries (self) * o.row_height + o.legend_height + 4;
  o.title = title;
  if (title != NULL)
    o.height += STRATA_RENDER_TITLE_HEIGHT;
  return strata_render_to_file (get_analysis (self), strata_session_get_layout (self->session), &o, path, error);
}

static void
strata_timeline_view_vadjustment_changed_cb (StrataTimelineView *self,
                                             GtkAdjustment      *adjustment)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
strata_timeline_view_hadjustment_changed_cb (StrataTimelineView *self,
                                             GtkAdjustment      *adjustment)
{
  StrataTimeSpan visible;
  gint64 from;

  if (self->updating_hadjustment || self->session == NULL)
    return;
  visible = *strata_session_get_visible_time (self->session);
  from = strata_session_get_document_time (self->session)->begin +
         strata_time_span_px_to_duration (visible, gtk_adjustment_get_value (adjustment), body_width (self));
  strata_session_pan (self->session, from - visible.begin);
}

static void
set_adjustment (StrataTimelineView  *self,
                GtkAdjustment      **slot,
                GtkAdjustment       *adjustment,
                GCallback            callback)
{
  if (adjustment != NULL && adjustment == *slot)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, callback, self);
      g_clear_object (slot);
    }
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect_object (adjustment, "value-changed", callback, self, G_CONNECT_SWAPPED);
}

static void
strata_timeline_view_dispose (GObject *object)
{
  StrataTimelineView *self = STRATA_TIMELINE_VIEW (object);

  g_signal_group_set_target (self->session_signals, NULL);
  if (self->ruler != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->ruler));
      self->ruler = NULL;
    }
  g_clear_pointer (&self->rows_node, gsk_render_node_unref);
  g_clear_pointer (&self->headers_node, gsk_render_node_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (strata_timeline_view_parent_class)->dispose (object);
}

static void
strata_timeline_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  StrataTimelineView *self = STRATA_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_timeline_view_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  StrataTimelineView *self = STRATA_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      strata_timeline_view_set_session (self, g_value_get_object (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value),
                      G_CALLBACK (strata_timeline_view_hadjustment_changed_cb));
      update_hadjustment (self);
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value),
                      G_CALLBACK (strata_timeline_view_vadjustment_changed_cb));
      update_vadjustment (self);
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_binding (GtkWidgetClass  *widget_class,
             guint            keyval,
             GdkModifierType  mods,
             const char      *action)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, mods, action, NULL);
}

static void
strata_timeline_view_class_init (StrataTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *actions[] = {
    "view.zoom-in", "view.zoom-out", "view.zoom-fit", "view.zoom-selection",
    "view.clear-selection", "view.pan-left", "view.pan-right",
  };

  object_class->dispose = strata_timeline_view_dispose;
  object_class->get_property = strata_timeline_view_get_property;
  object_class->set_property = strata_timeline_view_set_property;

  widget_class->snapshot = _strata_timeline_view_snapshot;
  widget_class->measure = strata_timeline_view_measure;
  widget_class->size_allocate = strata_timeline_view_size_allocate;
  widget_class->query_tooltip = strata_timeline_view_query_tooltip;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, zoom_action);

  add_binding (widget_class, GDK_KEY_plus, 0, "view.zoom-in");
  add_binding (widget_class, GDK_KEY_equal, 0, "view.zoom-in");
  add_binding (widget_class, GDK_KEY_KP_Add, 0, "view.zoom-in");
  add_binding (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "view.zoom-in");
  add_binding (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "view.zoom-in");
  add_binding (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "view.zoom-in");
  add_binding (widget_class, GDK_KEY_minus, 0, "view.zoom-out");
  add_binding (widget_class, GDK_KEY_KP_Subtract, 0, "view.zoom-out");
  add_binding (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "view.zoom-out");
  add_binding (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "view.zoom-out");
  add_binding (widget_class, GDK_KEY_0, 0, "view.zoom-fit");
  add_binding (widget_class, GDK_KEY_KP_0, 0, "view.zoom-fit");
  add_binding (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "view.zoom-fit");
  add_binding (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "view.zoom-fit");
  add_binding (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "view.zoom-selection");
  add_binding (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "view.zoom-selection");
  add_binding (widget_class, GDK_KEY_z, 0, "view.zoom-selection");
  add_binding (widget_class, GDK_KEY_Escape, 0, "view.clear-selection");
  add_binding (widget_class, GDK_KEY_Left, 0, "view.pan-left");
  add_binding (widget_class, GDK_KEY_Right, 0, "view.pan-right");

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Up, 0,
                                strata_timeline_view_move_focus_cb, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Down, 0,
                                strata_timeline_view_move_focus_cb, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Page_Up, 0,
                                strata_timeline_view_move_focus_cb, "i", -10);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Page_Down, 0,
                                strata_timeline_view_move_focus_cb, "i", 10);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Home, 0,
                                strata_timeline_view_move_focus_cb, "i", G_MININT / 2);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_End, 0,
                                strata_timeline_view_move_focus_cb, "i", G_MAXINT / 2);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_space, 0,
                                strata_timeline_view_toggle_focus_group_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Return, 0,
                                strata_timeline_view_toggle_focus_group_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Enter, 0,
                                strata_timeline_view_toggle_focus_group_cb, NULL);

  gtk_widget_class_set_css_name (widget_class, "timelineview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static const struct
{
  guint           keyval;
  GdkModifierType mods;
  const char     *action;
} window_keys[] = {
  { GDK_KEY_plus, 0, "view.zoom-in" },
  { GDK_KEY_equal, 0, "view.zoom-in" },
  { GDK_KEY_KP_Add, 0, "view.zoom-in" },
  { GDK_KEY_plus, GDK_CONTROL_MASK, "view.zoom-in" },
  { GDK_KEY_equal, GDK_CONTROL_MASK, "view.zoom-in" },
  { GDK_KEY_KP_Add, GDK_CONTROL_MASK, "view.zoom-in" },
  { GDK_KEY_minus, 0, "view.zoom-out" },
  { GDK_KEY_KP_Subtract, 0, "view.zoom-out" },
  { GDK_KEY_minus, GDK_CONTROL_MASK, "view.zoom-out" },
  { GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "view.zoom-out" },
  { GDK_KEY_0, 0, "view.zoom-fit" },
  { GDK_KEY_KP_0, 0, "view.zoom-fit" },
  { GDK_KEY_0, GDK_CONTROL_MASK, "view.zoom-fit" },
  { GDK_KEY_KP_0, GDK_CONTROL_MASK, "view.zoom-fit" },
  { GDK_KEY_z, 0, "view.zoom-selection" },
  { GDK_KEY_Left, 0, "view.pan-left" },
  { GDK_KEY_Right, 0, "view.pan-right" },
};

static void
strata_timeline_view_init (StrataTimelineView *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  self->header_width_wanted = HEADER_WIDTH;
  set_adjustment (self, &self->hadjustment, NULL, G_CALLBACK (strata_timeline_view_hadjustment_changed_cb));
  set_adjustment (self, &self->vadjustment, NULL, G_CALLBACK (strata_timeline_view_vadjustment_changed_cb));

  /* Input on the ruler is the view's: it selects, and its tooltip gives the time. */
  self->ruler = STRATA_TIME_RULER (strata_time_ruler_new ());
  gtk_widget_set_can_target (GTK_WIDGET (self->ruler), FALSE);
  gtk_widget_set_parent (GTK_WIDGET (self->ruler), GTK_WIDGET (self));

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Timeline"),
                                  -1);

  self->session_signals = g_signal_group_new (STRATA_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::visible-time",
                                 G_CALLBACK (strata_timeline_view_visible_changed_cb),
                                 self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::selected-time",
                                 G_CALLBACK (strata_timeline_view_selection_changed_cb),
                                 self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::highlight",
                                 G_CALLBACK (strata_timeline_view_look_changed_cb),
                                 self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::marked-exits",
                                 G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::marked-row",
                                 G_CALLBACK (strata_timeline_view_look_changed_cb),
                                 self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::followed-row",
                                 G_CALLBACK (strata_timeline_view_look_changed_cb),
                                 self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "groups-changed",
                                 G_CALLBACK (strata_timeline_view_groups_changed_cb),
                                 self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "reveal-row",
                                 G_CALLBACK (strata_timeline_view_reveal_row_cb),
                                 self, G_CONNECT_SWAPPED);

  /* Capture phase: before the scrolled window around us takes the wheel for itself. */
  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "scroll",
                           G_CALLBACK (strata_timeline_view_scroll_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect_object (gesture, "begin",
                           G_CALLBACK (strata_timeline_view_pinch_begin_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "scale-changed",
                           G_CALLBACK (strata_timeline_view_pinch_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (gesture, "drag-begin",
                           G_CALLBACK (strata_timeline_view_drag_begin_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "drag-update",
                           G_CALLBACK (strata_timeline_view_drag_update_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "drag-end",
                           G_CALLBACK (strata_timeline_view_drag_end_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  /* Right-click: follow the thread there. */
  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (gesture, "pressed",
                           G_CALLBACK (strata_timeline_view_context_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "enter",
                           G_CALLBACK (strata_timeline_view_motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "motion",
                           G_CALLBACK (strata_timeline_view_motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave",
                           G_CALLBACK (strata_timeline_view_leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  /* The zoom and pan keys work wherever the focus is in the window, after Return in the
   * preemptions list too, unless the focus takes them first (digits in a text field): the
   * window runs these shortcuts when the key has gone through the focus's controllers. */
  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint i = 0; i < G_N_ELEMENTS (window_keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (window_keys[i].keyval,
                                                                                    window_keys[i].mods),
                                                            gtk_named_action_new (window_keys[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_object (controller, "enter",
                           G_CALLBACK (strata_timeline_view_focus_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave",
                           G_CALLBACK (strata_timeline_view_focus_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  update_actions (self);
}

GtkWidget *
strata_timeline_view_new (void)
{
  return g_object_new (STRATA_TYPE_TIMELINE_VIEW, NULL);
}

guint
_strata_timeline_view_get_rows_builds (StrataTimelineView *self)
{
  g_return_val_if_fail (STRATA_IS_TIMELINE_VIEW (self), 0);

  return self->n_rows_builds;
}

guint
_strata_timeline_view_get_snapshots (StrataTimelineView *self)
{
  g_return_val_if_fail (STRATA_IS_TIMELINE_VIEW (self), 0);

  return self->n_snapshots;
}
