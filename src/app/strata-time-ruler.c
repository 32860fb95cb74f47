/* strata-time-ruler.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-time-ruler"

#include "config.h"

#include <math.h>

#include "strata-describe.h"
#include "strata-draw-util.h"
#include "strata-render-parts.h"
#include "strata-time-ruler.h"
#include "strata-time.h"

/*
 * The time axis over a session's visible range, as wide as the rows' body under it: the
 * renderer's ticks (strata_render_ruler_ticks(), as exported images have them) with their
 * labels, and the selection's band and length. It redraws when the session's visible range
 * or selection changes, and only then: the timeline's hover line does not touch it.
 */
struct _StrataTimeRuler
{
  GtkWidget      parent_instance;

  /* Owned */
  StrataSession *session;
  GSignalGroup  *session_signals;
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataTimeRuler, strata_time_ruler, GTK_TYPE_WIDGET)

static void
strata_time_ruler_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  StrataTimeRuler *self = STRATA_TIME_RULER (widget);
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(GArray) ticks = NULL;
  g_autoptr(GArray) lost = NULL;
  const StrataTimeSpan *selection;
  StrataTimeSpan visible;
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double prev_end = -G_MAXDOUBLE;
  GdkRGBA fg, c;
  int tw, th;

  if (self->session == NULL || width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  layout = gtk_widget_create_pango_layout (widget, NULL);
  visible = *strata_session_get_visible_time (self->session);
  selection = strata_session_get_selected_time (self->session);

  c = strata_rgba_with_alpha (&fg, 0.04);
  gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (0, 0, width, height));
  c = strata_rgba_with_alpha (&fg, 0.15);
  gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (0, height - 1, width, 1));

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* The selection's band, and its length beside or inside it. */
  if (!strata_time_span_is_empty (*selection))
    {
      double sx0 = strata_time_span_to_x (visible, selection->begin, width);
      double sx1 = strata_time_span_to_x (visible, selection->end, width);
      g_autofree char *duration = strata_time_format_duration (strata_time_span_duration (*selection));
      double lx;

      c = strata_rgba_with_alpha (&strata_selection_color, 0.3);
      gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (sx0, 0, MAX (1, sx1 - sx0), height));
      pango_layout_set_text (layout, duration, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      lx = tw + 8 < sx1 - sx0 ? (sx0 + sx1 - tw) / 2 : sx1 + 4;
      strata_snapshot_append_text (snapshot, layout, &fg, lx, height - th - 4);
    }

  ticks = strata_render_ruler_ticks (visible, width);
  for (guint i = 0; i < ticks->len; i++)
    {
      const StrataRulerTick *tick = &g_array_index (ticks, StrataRulerTick, i);
      double tx = floor (tick->x), lx;

      c = strata_rgba_with_alpha (&fg, 0.35);
      gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (tx, height - 8, 1, 7));
      pango_layout_set_text (layout, tick->label, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      /* Whole, and never touching the one before, in whatever font. */
      if (!strata_render_place_tick_label (tick->x, tw, width, &prev_end, &lx))
        continue;
      c = strata_rgba_with_alpha (&fg, 0.8);
      strata_snapshot_append_text (snapshot, layout, &c, lx, 2);
    }

  /* Where the tracer lost events, along the lower edge, as exported images have them. */
  lost = strata_render_loss_ticks (strata_session_get_losses (self->session), visible, width);
  if (lost->len > 0)
    {
      StrataRgb l = strata_render_loss_color (0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue > 0.5);

      c = (GdkRGBA) { l.r, l.g, l.b, 1 };
      for (guint i = 0; i < lost->len; i++)
        {
          const StrataLossTick *tick = &g_array_index (lost, StrataLossTick, i);
          /* On whole pixels, as exported images have them. */
          double x0 = floor (tick->x0), x1 = MAX (ceil (tick->x1), x0 + 1);

          gtk_snapshot_append_color (snapshot, &c,
                                     &GRAPHENE_RECT_INIT (x0, height - 1 - STRATA_RENDER_LOSS_HEIGHT,
                                                          x1 - x0, STRATA_RENDER_LOSS_HEIGHT));
        }
    }
  gtk_snapshot_pop (snapshot);
}

char *
strata_time_ruler_describe_at (StrataTimeRuler *self,
                               double           x)
{
  g_autoptr(GArray) lost = NULL;
  StrataTimeSpan visible;
  double width = gtk_widget_get_width (GTK_WIDGET (self));

  g_return_val_if_fail (STRATA_IS_TIME_RULER (self), NULL);

  if (self->session == NULL || width <= 0)
    return NULL;
  visible = *strata_session_get_visible_time (self->session);
  lost = strata_render_loss_ticks (strata_session_get_losses (self->session), visible, width);
  for (guint i = 0; i < lost->len; i++)
    {
      const StrataLossTick *tick = &g_array_index (lost, StrataLossTick, i);

      /* A mark is a few px wide: a pixel either side finds it. */
      if (x >= tick->x0 - 1 && x <= tick->x1 + 1)
        return strata_describe_losses_in (strata_session_get_analysis (self->session),
                                          strata_session_get_losses (self->session),
                                          strata_time_span_to_ns (visible, tick->x0 - 1, width),
                                          strata_time_span_to_ns (visible, tick->x1 + 1, width));
    }
  return NULL;
}

static void
strata_time_ruler_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  /* Its owner gives it the rows' width and the renderer's ruler height. */
  *minimum = *natural = 0;
}

StrataSession *
strata_time_ruler_get_session (StrataTimeRuler *self)
{
  g_return_val_if_fail (STRATA_IS_TIME_RULER (self), NULL);

  return self->session;
}

void
strata_time_ruler_set_session (StrataTimeRuler *self,
                               StrataSession   *session)
{
  g_return_if_fail (STRATA_IS_TIME_RULER (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  g_signal_group_set_target (self->session_signals, session);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
strata_time_ruler_dispose (GObject *object)
{
  StrataTimeRuler *self = STRATA_TIME_RULER (object);

  g_signal_group_set_target (self->session_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (strata_time_ruler_parent_class)->dispose (object);
}

static void
strata_time_ruler_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  StrataTimeRuler *self = STRATA_TIME_RULER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_time_ruler_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  StrataTimeRuler *self = STRATA_TIME_RULER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      strata_time_ruler_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_time_ruler_class_init (StrataTimeRulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_time_ruler_dispose;
  object_class->get_property = strata_time_ruler_get_property;
  object_class->set_property = strata_time_ruler_set_property;

  widget_class->snapshot = strata_time_ruler_snapshot;
  widget_class->measure = strata_time_ruler_measure;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "timeruler");
}

static void
strata_time_ruler_init (StrataTimeRuler *self)
{
  self->session_signals = g_signal_group_new (STRATA_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::visible-time",
                                 G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::selected-time",
                                 G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
}

GtkWidget *
strata_time_ruler_new (void)
{
  return g_object_new (STRATA_TYPE_TIME_RULER, NULL);
}
