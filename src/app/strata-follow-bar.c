/* strata-follow-bar.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-follow-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-follow-bar.h"
#include "strata-follow.h"
#include "strata-problems.h"
#include "strata-render-follow.h"
#include "strata-time.h"

/*
 * The followed thread's row, pinned over the timeline so that it stays in sight however the
 * rows scroll: its guest states refined by what its vCPU did on the host, drawn by the
 * renderer in the timeline's columns (its label column is as wide as the timeline's). It
 * shows while the session follows a thread; its buttons are the window's follow commands.
 */
struct _StrataFollowBar
{
  GtkWidget           parent_instance;

  /* Template widgets */
  GtkRevealer        *revealer;
  GtkLabel           *title_label;
  GtkDrawingArea     *area;

  /* Owned */
  StrataSession      *session;
  GSignalGroup       *session_signals;
  char               *title;
  char               *name;       /* the followed thread's, for the label column */

  /* Borrowed */
  StrataTimelineView *timeline;   /* weak */
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_TIMELINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataFollowBar, strata_follow_bar, GTK_TYPE_WIDGET)

/* The timeline's label column and width, whose columns the row keeps to. */
static void
get_columns (StrataFollowBar *self,
             int             *header_width,
             int             *width)
{
  *width = gtk_widget_get_width (GTK_WIDGET (self->area));
  *header_width = 160;
  if (self->timeline != NULL && strata_timeline_view_get_session (self->timeline) != NULL)
    {
      StrataRenderOptions o;

      strata_timeline_view_get_render_options (self->timeline, &o);
      *header_width = MIN (o.header_width, *width);
      *width = o.width;
    }
}

static void
strata_follow_bar_draw (GtkDrawingArea *area,
                        cairo_t        *cr,
                        int             width,
                        int             height,
                        gpointer        user_data)
{
  StrataFollowBar *self = user_data;
  StrataAnalysis *analysis;
  const StrataTimeSpan *selection;
  const StrataTimeSpan *visible;
  g_autoptr(GArray) pieces = NULL;
  gint row;
  int header_width, body_width;
  GdkRGBA fg;
  gboolean dark;

  if (self->session == NULL || (row = strata_session_get_followed_row (self->session)) < 0)
    return;
  analysis = strata_session_get_analysis (self->session);
  visible = strata_session_get_visible_time (self->session);
  get_columns (self, &header_width, &body_width);
  body_width = MAX (1, MIN (body_width, width) - header_width);
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  dark = 0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue > 0.5;

  /* The label column: the thread's name, by the outline's colour that marks it elsewhere. */
  {
    g_autoptr(PangoLayout) pl = gtk_widget_create_pango_layout (GTK_WIDGET (area), self->name);
    double r, g, b;
    int tw, th;

    strata_render_follow_color (dark, &r, &g, &b);
    cairo_set_source_rgb (cr, r, g, b);
    cairo_rectangle (cr, 2, 3, 4, height - 6);
    cairo_fill (cr);
    pango_layout_set_width (pl, MAX (header_width - 14, 1) * PANGO_SCALE);
    pango_layout_set_ellipsize (pl, PANGO_ELLIPSIZE_END);
    pango_layout_get_pixel_size (pl, &tw, &th);
    gdk_cairo_set_source_rgba (cr, &fg);
    cairo_move_to (cr, 10, (height - th) / 2.0);
    pango_cairo_show_layout (cr, pl);
  }

  pieces = strata_session_get_followed_pieces (self->session, body_width);
  strata_render_follow_row (cr, analysis, row, pieces, *visible, header_width, 0, body_width, height, dark, NULL);

  selection = strata_session_get_selected_time (self->session);
  if (!strata_time_span_is_empty (*selection))
    {
      double x0 = header_width + strata_time_span_to_x (*visible, selection->begin, body_width);
      double x1 = header_width + strata_time_span_to_x (*visible, selection->end, body_width);

      x0 = MAX (x0, header_width);
      x1 = MIN (x1, header_width + body_width);
      if (x1 > x0)
        {
          cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.25);
          cairo_rectangle (cr, x0, 0, x1 - x0, height);
          cairo_fill (cr);
        }
    }
}

char *
strata_follow_bar_describe_at (StrataFollowBar *self,
                               double           x)
{
  StrataAnalysis *analysis;
  const StrataTimeSpan *visible;
  g_autoptr(GArray) pieces = NULL;
  int header_width, body_width;
  gint64 ns;
  gint row;

  g_return_val_if_fail (STRATA_IS_FOLLOW_BAR (self), NULL);

  if (self->session == NULL || (row = strata_session_get_followed_row (self->session)) < 0)
    return NULL;
  get_columns (self, &header_width, &body_width);
  body_width = MAX (1, body_width - header_width);
  if (x < header_width)
    return g_strdup (self->title);
  analysis = strata_session_get_analysis (self->session);
  visible = strata_session_get_visible_time (self->session);
  ns = strata_time_span_to_ns (*visible, x - header_width, body_width);
  pieces = strata_follow_thread (analysis, row, ns, ns + 1);
  if (pieces->len == 0)
    return NULL;
  {
    const StrataFollowInterval *p = &g_array_index (pieces, StrataFollowInterval, 0);
    StrataFollowInterval step;
    g_autofree char *what = NULL;
    g_autofree char *start = NULL;
    g_autofree char *duration = NULL;
    gint64 begin = p->start, end = p->end;

    /* The whole interval, not the nanosecond asked for. */
    if (strata_follow_step (analysis, row, ns + 1, -1, &step) && step.start <= ns && step.end > ns)
      {
        begin = step.start;
        end = step.end;
      }
    what = strata_follow_describe (analysis, p);
    start = strata_time_format_absolute (begin);
    duration = strata_time_format_duration (end - begin);
    /* Translators: a followed thread's state, its start and its length */
    return g_strdup_printf (_("%s\nStart: %s\nDuration: %s"), what, start, duration);
  }
}

static gboolean
strata_follow_bar_query_tooltip_cb (StrataFollowBar *self,
                                    int              x,
                                    int              y,
                                    gboolean         keyboard_mode,
                                    GtkTooltip      *tooltip,
                                    GtkWidget       *area)
{
  g_autofree char *text = strata_follow_bar_describe_at (self, x);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

const char *
strata_follow_bar_get_title (StrataFollowBar *self)
{
  g_return_val_if_fail (STRATA_IS_FOLLOW_BAR (self), NULL);

  return self->title;
}

static void
strata_follow_bar_followed_changed_cb (StrataFollowBar *self)
{
  gint row = self->session != NULL ? strata_session_get_followed_row (self->session) : -1;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->name, g_free);
  if (row >= 0)
    {
      StrataAnalysis *analysis = strata_session_get_analysis (self->session);
      g_autofree char *name = strata_follow_name (analysis, row);
      const char *machine = strata_analysis_get_machine_name (analysis, strata_store_row_machine (analysis->store, row));
      g_autofree char *shown_machine = strata_display_text (machine);

      self->name = strata_display_text (name);
      self->title = strata_follow_can_refine (analysis, row)
                    /* Translators: a thread (name and TID), its guest; the bar over the timeline */
                    ? g_strdup_printf (_("Following %s of %s, through the host: [ and ] step through its states"),
                                       self->name, shown_machine)
                    /* Translators: a thread (name and TID), its machine */
                    : g_strdup_printf (_("Following %s of %s: [ and ] step through its states"),
                                       self->name, shown_machine);
    }
  gtk_label_set_label (self->title_label, self->title);
  gtk_revealer_set_reveal_child (self->revealer, row >= 0);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

StrataSession *
strata_follow_bar_get_session (StrataFollowBar *self)
{
  g_return_val_if_fail (STRATA_IS_FOLLOW_BAR (self), NULL);

  return self->session;
}

void
strata_follow_bar_set_session (StrataFollowBar *self,
                               StrataSession   *session)
{
  g_return_if_fail (STRATA_IS_FOLLOW_BAR (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  g_signal_group_set_target (self->session_signals, session);
  strata_follow_bar_followed_changed_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

StrataTimelineView *
strata_follow_bar_get_timeline (StrataFollowBar *self)
{
  g_return_val_if_fail (STRATA_IS_FOLLOW_BAR (self), NULL);

  return self->timeline;
}

void
strata_follow_bar_set_timeline (StrataFollowBar    *self,
                                StrataTimelineView *timeline)
{
  g_return_if_fail (STRATA_IS_FOLLOW_BAR (self));
  g_return_if_fail (timeline == NULL || STRATA_IS_TIMELINE_VIEW (timeline));

  if (self->timeline == timeline)
    return;
  g_set_weak_pointer (&self->timeline, timeline);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMELINE]);
}

static void
strata_follow_bar_dispose (GObject *object)
{
  StrataFollowBar *self = STRATA_FOLLOW_BAR (object);
  GtkWidget *child;

  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);
  g_clear_weak_pointer (&self->timeline);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (strata_follow_bar_parent_class)->dispose (object);
}

static void
strata_follow_bar_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  StrataFollowBar *self = STRATA_FOLLOW_BAR (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_TIMELINE:
      g_value_set_object (value, self->timeline);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_follow_bar_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  StrataFollowBar *self = STRATA_FOLLOW_BAR (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      strata_follow_bar_set_session (self, g_value_get_object (value));
      break;
    case PROP_TIMELINE:
      strata_follow_bar_set_timeline (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_follow_bar_class_init (StrataFollowBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_follow_bar_dispose;
  object_class->get_property = strata_follow_bar_get_property;
  object_class->set_property = strata_follow_bar_set_property;

  /**
   * StrataFollowBar:session:
   *
   * The session whose followed thread is shown.
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * StrataFollowBar:timeline:
   *
   * The timeline whose columns the row keeps to.
   */
  properties[PROP_TIMELINE] =
    g_param_spec_object ("timeline", NULL, NULL, STRATA_TYPE_TIMELINE_VIEW,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratatrace/Strata/ui/strata-follow-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataFollowBar, revealer);
  gtk_widget_class_bind_template_child (widget_class, StrataFollowBar, title_label);
  gtk_widget_class_bind_template_child (widget_class, StrataFollowBar, area);
  gtk_widget_class_bind_template_callback (widget_class, strata_follow_bar_query_tooltip_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "followbar");
}

/* The window's follow commands, wherever the focus is in the window, once the focus's own
 * controllers have let the key go (a text field keeps its brackets, the timeline's Escape
 * drops its selection first). Application accelerators would run before the focus. */
static const struct {
  guint           keyval;
  GdkModifierType mods;
  const char     *action;
} follow_keys[] = {
  { GDK_KEY_f, GDK_CONTROL_MASK, "win.follow" },
  { GDK_KEY_bracketright, 0, "win.follow-next" },
  { GDK_KEY_bracketleft, 0, "win.follow-prev" },
  { GDK_KEY_Escape, 0, "win.follow-stop" },
};

static void
strata_follow_bar_init (StrataFollowBar *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));

  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint i = 0; i < G_N_ELEMENTS (follow_keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (follow_keys[i].keyval,
                                                                                    follow_keys[i].mods),
                                                            gtk_named_action_new (follow_keys[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gtk_drawing_area_set_draw_func (self->area, strata_follow_bar_draw, self, NULL);
  self->session_signals = g_signal_group_new (STRATA_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::followed-row",
                                 G_CALLBACK (strata_follow_bar_followed_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::visible-time",
                                 G_CALLBACK (gtk_widget_queue_draw), self->area, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::selected-time",
                                 G_CALLBACK (gtk_widget_queue_draw), self->area, G_CONNECT_SWAPPED);
  strata_follow_bar_followed_changed_cb (self);
}

GtkWidget *
strata_follow_bar_new (void)
{
  return g_object_new (STRATA_TYPE_FOLLOW_BAR, NULL);
}
