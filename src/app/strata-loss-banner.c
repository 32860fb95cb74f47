/* strata-loss-banner.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-loss-banner"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "strata-describe.h"
#include "strata-loss-banner.h"

/*
 * Over the timeline of a set whose tracers discarded events: how many, of how many, and that
 * the time axis marks where. A count behind the details pane is easy to miss, and a row that
 * looks idle may only have lost its events.
 */
struct _StrataLossBanner
{
  GtkWidget      parent_instance;

  /* Owned */
  StrataSession *session;

  /* Template widgets */
  GtkRevealer   *revealer;
  GtkLabel      *label;
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataLossBanner, strata_loss_banner, GTK_TYPE_WIDGET)

static void
strata_loss_banner_dismissed_cb (StrataLossBanner *self)
{
  gtk_revealer_set_reveal_child (self->revealer, FALSE);
}

static void
strata_loss_banner_update (StrataLossBanner *self)
{
  const GArray *losses = self->session != NULL ? strata_session_get_losses (self->session) : NULL;
  StrataAnalysis *analysis = self->session != NULL ? strata_session_get_analysis (self->session) : NULL;
  g_autofree char *text = NULL;
  gboolean uncounted = FALSE;
  guint64 total, read;

  if (losses == NULL || losses->len == 0)
    {
      gtk_revealer_set_reveal_child (self->revealer, FALSE);
      gtk_label_set_label (self->label, "");
      return;
    }
  total = strata_describe_losses_total (losses, &uncounted);
  read = strata_set_event_count (analysis->set);
  if (total == 0)
    text = g_strdup (_("The tracer discarded events, without saying how many: marks along the time axis show where."));
  else
    {
      double share = 100.0 * total / (double) (total + read);
      g_autofree char *percent = share < 0.1 ? g_strdup ("< 0.1") : g_strdup_printf ("%.1f", share);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "The tracer discarded %'" PRIu64 " event (%s %% of those it met)%s: marks along the time axis show where.",
                                           "The tracer discarded %'" PRIu64 " events (%s %% of those it met)%s: marks along the time axis show where.",
                                           total),
                              total, percent,
                              uncounted ? _(", and more it did not count") : "");
    }
  /* One line, whole in the tooltip: on a small window the rows need the height. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->label), text);
  gtk_label_set_label (self->label, text);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);
}

const char *
strata_loss_banner_get_text (StrataLossBanner *self)
{
  g_return_val_if_fail (STRATA_IS_LOSS_BANNER (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->revealer))
    return NULL;
  return gtk_label_get_label (self->label);
}

StrataSession *
strata_loss_banner_get_session (StrataLossBanner *self)
{
  g_return_val_if_fail (STRATA_IS_LOSS_BANNER (self), NULL);

  return self->session;
}

void
strata_loss_banner_set_session (StrataLossBanner *self,
                                StrataSession    *session)
{
  g_return_if_fail (STRATA_IS_LOSS_BANNER (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  strata_loss_banner_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
strata_loss_banner_dispose (GObject *object)
{
  StrataLossBanner *self = STRATA_LOSS_BANNER (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), STRATA_TYPE_LOSS_BANNER);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (strata_loss_banner_parent_class)->dispose (object);
}

static void
strata_loss_banner_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  StrataLossBanner *self = STRATA_LOSS_BANNER (object);

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
strata_loss_banner_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  StrataLossBanner *self = STRATA_LOSS_BANNER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      strata_loss_banner_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_loss_banner_class_init (StrataLossBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_loss_banner_dispose;
  object_class->get_property = strata_loss_banner_get_property;
  object_class->set_property = strata_loss_banner_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratatrace/Strata/ui/strata-loss-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataLossBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, StrataLossBanner, label);
  gtk_widget_class_bind_template_callback (widget_class, strata_loss_banner_dismissed_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lossbanner");
}

static void
strata_loss_banner_init (StrataLossBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
strata_loss_banner_new (void)
{
  return g_object_new (STRATA_TYPE_LOSS_BANNER, NULL);
}
