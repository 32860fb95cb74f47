/* strata-legend.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-legend"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-legend.h"
#include "strata-render-parts.h"

/* The colours of the timeline under it: the renderer's legend items (the states, then each
 * guest's machine colour, dimmed when the highlight leaves it out), as exported images show
 * them. */
struct _StrataLegend
{
  GtkWidget      parent_instance;

  /* Owned */
  StrataSession *session;
  GSignalGroup  *session_signals;

  /* Borrowed */
  GtkWidget     *scroller;
  GtkWidget     *flow_box;

  gboolean       dark;        /* the colours the swatches were made for */
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataLegend, strata_legend, GTK_TYPE_WIDGET)

#define SWATCH_SIZE 12
/* About three lines of the legend. */
#define MAX_HEIGHT 66

static GtkWidget *
create_swatch (const StrataLegendItem *item)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guint8 pixels[SWATCH_SIZE * SWATCH_SIZE * 4];
  GtkWidget *box, *image, *label;

  for (guint i = 0; i < SWATCH_SIZE * SWATCH_SIZE; i++)
    {
      guint x = i % SWATCH_SIZE, y = i / SWATCH_SIZE;
      /* The key to mixed columns: a half-high bar in an outline, as the renderer draws it. */
      gboolean on = item->kind != STRATA_LEGEND_SHARE || y >= SWATCH_SIZE / 2 ||
                    x == 0 || y == 0 || x == SWATCH_SIZE - 1;

      pixels[i * 4 + 0] = (guint8) (item->color.r * 255 + 0.5);
      pixels[i * 4 + 1] = (guint8) (item->color.g * 255 + 0.5);
      pixels[i * 4 + 2] = (guint8) (item->color.b * 255 + 0.5);
      pixels[i * 4 + 3] = on ? (guint8) ((item->dimmed ? STRATA_RENDER_LEGEND_DIM : 1.0) * 255 + 0.5) : 0;
    }
  bytes = g_bytes_new (pixels, sizeof pixels);
  texture = gdk_memory_texture_new (SWATCH_SIZE, SWATCH_SIZE, GDK_MEMORY_R8G8B8A8,
                                    bytes, SWATCH_SIZE * 4);

  image = gtk_image_new_from_paintable (GDK_PAINTABLE (texture));
  gtk_image_set_pixel_size (GTK_IMAGE (image), SWATCH_SIZE);
  gtk_widget_add_css_class (image, "swatch");
  gtk_accessible_update_state (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  label = gtk_label_new (item->name);
  if (item->dimmed)
    gtk_widget_add_css_class (label, "dim-label");
  if (item->kind == STRATA_LEGEND_SHARE)
    gtk_widget_set_tooltip_text (label, _("Zoomed out, a pixel column stands for all the time under it: "
                                          "its bar rises from the row's idle band as high as the share of "
                                          "that time the row was busy, in the colour of its main activity. "
                                          "A short tick marks a lone short burst."));

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

/* Light text: a dark style, whose state colours the timeline uses too. */
static gboolean
strata_legend_is_dark (StrataLegend *self)
{
  GdkRGBA fg;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  return 0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue > 0.5;
}

static void
strata_legend_rebuild (StrataLegend *self)
{
  GtkFlowBox *flow_box = GTK_FLOW_BOX (self->flow_box);
  g_autoptr(GArray) items = NULL;
  GtkWidget *child;
  gboolean dark;

  g_assert (STRATA_IS_LEGEND (self));

  while ((child = gtk_widget_get_first_child (self->flow_box)) != NULL)
    gtk_flow_box_remove (flow_box, child);
  if (self->session == NULL)
    return;

  dark = strata_legend_is_dark (self);
  self->dark = dark;
  items = strata_render_legend_items (strata_session_get_analysis (self->session),
                                      strata_session_get_layout (self->session),
                                      strata_session_get_highlight (self->session), dark);
  for (guint i = 0; i < items->len; i++)
    gtk_flow_box_append (flow_box, create_swatch (&g_array_index (items, StrataLegendItem, i)));
  for (child = gtk_widget_get_first_child (self->flow_box); child; child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
}

static void
strata_legend_highlight_changed_cb (StrataLegend  *self,
                                    GParamSpec    *pspec,
                                    StrataSession *session)
{
  strata_legend_rebuild (self);
}

StrataSession *
strata_legend_get_session (StrataLegend *self)
{
  g_return_val_if_fail (STRATA_IS_LEGEND (self), NULL);

  return self->session;
}

void
strata_legend_set_session (StrataLegend  *self,
                           StrataSession *session)
{
  g_return_if_fail (STRATA_IS_LEGEND (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  g_signal_group_set_target (self->session_signals, session);
  strata_legend_rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* The style manager switched between light and dark: the swatches change colour. */
static void
strata_legend_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  StrataLegend *self = STRATA_LEGEND (widget);

  GTK_WIDGET_CLASS (strata_legend_parent_class)->css_changed (widget, change);

  if (self->session != NULL && strata_legend_is_dark (self) != self->dark)
    strata_legend_rebuild (self);
}

static void
strata_legend_dispose (GObject *object)
{
  StrataLegend *self = STRATA_LEGEND (object);

  g_signal_group_set_target (self->session_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  self->flow_box = NULL;

  G_OBJECT_CLASS (strata_legend_parent_class)->dispose (object);
}

static void
strata_legend_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  StrataLegend *self = STRATA_LEGEND (object);

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
strata_legend_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  StrataLegend *self = STRATA_LEGEND (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      strata_legend_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_legend_class_init (StrataLegendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_legend_dispose;
  object_class->get_property = strata_legend_get_property;
  object_class->set_property = strata_legend_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->css_changed = strata_legend_css_changed;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "legend");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
strata_legend_init (StrataLegend *self)
{
  self->flow_box = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->flow_box), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->flow_box), 32);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->flow_box), 12);
  gtk_widget_set_focusable (self->flow_box, FALSE);
  gtk_widget_set_can_target (self->flow_box, FALSE);
  /* A narrow window wraps the legend into many lines: past a few, they scroll, so that the
   * rows keep the height. */
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (self->scroller), MAX_HEIGHT);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->flow_box);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
  /* Nothing in it takes the focus: Tab passes over it (its flow box would keep the focus
   * where it was, so that Tab could never leave the timeline). */
  gtk_widget_set_can_focus (GTK_WIDGET (self), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Legend"),
                                  -1);

  self->session_signals = g_signal_group_new (STRATA_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::highlight",
                                 G_CALLBACK (strata_legend_highlight_changed_cb),
                                 self, G_CONNECT_SWAPPED);
}

GtkWidget *
strata_legend_new (void)
{
  return g_object_new (STRATA_TYPE_LEGEND, NULL);
}
