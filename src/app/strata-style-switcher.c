/* strata-style-switcher.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-style-switcher"

#include "config.h"

#include <adwaita.h>

#include "strata-style-switcher.h"

/*
 * The top of the primary menu, as in GNOME's own apps: three round buttons that choose the
 * style (follow the system, light, dark). They are radio items of the application's
 * `app.style-variant` action, whose state is the `style-variant` setting. The first is
 * hidden where the system has no light or dark preference to follow.
 */
struct _StrataStyleSwitcher
{
  GtkWidget  parent_instance;

  /* Template widgets */
  GtkWidget *box;
  GtkWidget *system_button;
};

G_DEFINE_FINAL_TYPE (StrataStyleSwitcher, strata_style_switcher, GTK_TYPE_WIDGET)

static void
strata_style_switcher_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STRATA_TYPE_STYLE_SWITCHER);

  G_OBJECT_CLASS (strata_style_switcher_parent_class)->dispose (object);
}

static void
strata_style_switcher_class_init (StrataStyleSwitcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_style_switcher_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratatrace/Strata/ui/strata-style-switcher.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataStyleSwitcher, box);
  gtk_widget_class_bind_template_child (widget_class, StrataStyleSwitcher, system_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "styleswitcher");
}

static void
strata_style_switcher_init (StrataStyleSwitcher *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_object_bind_property (style_manager, "system-supports-color-schemes",
                          self->system_button, "visible",
                          G_BINDING_SYNC_CREATE);
}

GtkWidget *
strata_style_switcher_new (void)
{
  return g_object_new (STRATA_TYPE_STYLE_SWITCHER, NULL);
}
