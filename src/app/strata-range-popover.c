/* strata-range-popover.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-range-popover"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "strata-range-popover.h"
#include "strata-time.h"

/*
 * Two entries that set the session's visible range exactly. They open on the range shown,
 * to the ns, as the ruler writes it; they take a time of day (UTC), ns since the epoch, or a
 * time relative to the set's start (strata_time_parse(), as strata-cli does). The summary
 * property (the visible span) labels the button that opens the popover.
 */
struct _StrataRangePopover
{
  GtkPopover     parent_instance;

  /* Template widgets */
  GtkEntry      *from_entry;
  GtkEntry      *to_entry;
  GtkLabel      *error_label;

  /* Owned */
  StrataSession *session;
  GSignalGroup  *session_signals;
  char          *summary;
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataRangePopover, strata_range_popover, GTK_TYPE_POPOVER)

static gboolean
parse_time (StrataRangePopover  *self,
            const char          *text,
            gint64              *out,
            GError             **error)
{
  gint64 origin = strata_session_get_document_time (self->session)->begin;

  text += strspn (text, " \t");
  if (strchr (text, ':') != NULL)
    return strata_time_parse_clock (text, origin, out, error);
  return strata_time_parse (text, origin, out, error);
}

/**
 * strata_range_popover_apply:
 * @from: the start, as typed
 * @to: the end, as typed
 *
 * Shows [@from, @to) in the session, if both parse and @to comes after @from.
 */
gboolean
strata_range_popover_apply (StrataRangePopover  *self,
                            const char          *from,
                            const char          *to,
                            GError             **error)
{
  gint64 from_ns, to_ns;

  g_return_val_if_fail (STRATA_IS_RANGE_POPOVER (self), FALSE);
  g_return_val_if_fail (from != NULL && to != NULL, FALSE);

  if (self->session == NULL)
    return FALSE;
  if (!parse_time (self, from, &from_ns, error) || !parse_time (self, to, &to_ns, error))
    return FALSE;
  if (to_ns <= from_ns)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("The end must come after the start."));
      return FALSE;
    }
  /* A range wholly outside the set would show the whole set, as if it had been taken. */
  if (from_ns >= strata_session_get_document_time (self->session)->end ||
      to_ns <= strata_session_get_document_time (self->session)->begin)
    {
      g_autofree char *span = strata_time_format_duration (strata_time_span_duration (*strata_session_get_document_time (self->session)));

      /* Translators: %s is the set's length, such as "3.000 s" */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("This range is outside the set, which spans %s from its start."), span);
      return FALSE;
    }
  strata_session_zoom_to (self->session, from_ns, to_ns);
  return TRUE;
}

static void
strata_range_popover_fill (StrataRangePopover *self)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (self->session == NULL)
    return;
  from = strata_time_format_tick (strata_session_get_visible_time (self->session)->begin, 1);
  to = strata_time_format_tick (strata_session_get_visible_time (self->session)->end, 1);
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static void
strata_range_popover_entry_activate_cb (StrataRangePopover *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (STRATA_IS_RANGE_POPOVER (self));

  if (strata_range_popover_apply (self,
                                  gtk_editable_get_text (GTK_EDITABLE (self->from_entry)),
                                  gtk_editable_get_text (GTK_EDITABLE (self->to_entry)),
                                  &error))
    {
      gtk_popover_popdown (GTK_POPOVER (self));
      return;
    }
  if (error != NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    }
}

static void
strata_range_popover_entry_changed_cb (StrataRangePopover *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static void
strata_range_popover_fit_cb (StrataRangePopover *self)
{
  if (self->session == NULL)
    return;
  strata_session_fit (self->session);
  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
strata_range_popover_visible_changed_cb (StrataRangePopover *self,
                                         GParamSpec         *pspec,
                                         StrataSession      *session)
{
  g_autofree char *summary = NULL;

  g_assert (STRATA_IS_RANGE_POPOVER (self));

  if (session != NULL)
    summary = strata_time_format_duration (
      strata_time_span_duration (*strata_session_get_visible_time (session)));
  if (g_strcmp0 (summary, self->summary) == 0)
    return;
  g_free (self->summary);
  self->summary = g_steal_pointer (&summary);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

static void
strata_range_popover_show (GtkWidget *widget)
{
  StrataRangePopover *self = STRATA_RANGE_POPOVER (widget);

  strata_range_popover_fill (self);
  GTK_WIDGET_CLASS (strata_range_popover_parent_class)->show (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->from_entry));
}

StrataSession *
strata_range_popover_get_session (StrataRangePopover *self)
{
  g_return_val_if_fail (STRATA_IS_RANGE_POPOVER (self), NULL);

  return self->session;
}

void
strata_range_popover_set_session (StrataRangePopover *self,
                                  StrataSession      *session)
{
  g_return_if_fail (STRATA_IS_RANGE_POPOVER (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  g_signal_group_set_target (self->session_signals, session);
  strata_range_popover_visible_changed_cb (self, NULL, session);
  strata_range_popover_fill (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/**
 * strata_range_popover_get_summary:
 *
 * Returns: (nullable): the visible span, e.g. "12.000 ms"
 */
const char *
strata_range_popover_get_summary (StrataRangePopover *self)
{
  g_return_val_if_fail (STRATA_IS_RANGE_POPOVER (self), NULL);

  return self->summary;
}

static void
strata_range_popover_dispose (GObject *object)
{
  StrataRangePopover *self = STRATA_RANGE_POPOVER (object);

  g_signal_group_set_target (self->session_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (strata_range_popover_parent_class)->dispose (object);
}

static void
strata_range_popover_finalize (GObject *object)
{
  StrataRangePopover *self = STRATA_RANGE_POPOVER (object);

  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (strata_range_popover_parent_class)->finalize (object);
}

static void
strata_range_popover_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  StrataRangePopover *self = STRATA_RANGE_POPOVER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_range_popover_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  StrataRangePopover *self = STRATA_RANGE_POPOVER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      strata_range_popover_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_range_popover_class_init (StrataRangePopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_range_popover_dispose;
  object_class->finalize = strata_range_popover_finalize;
  object_class->get_property = strata_range_popover_get_property;
  object_class->set_property = strata_range_popover_set_property;
  widget_class->show = strata_range_popover_show;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratatrace/Strata/ui/strata-range-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataRangePopover, from_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataRangePopover, to_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataRangePopover, error_label);
  gtk_widget_class_bind_template_callback (widget_class, strata_range_popover_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_range_popover_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_range_popover_fit_cb);
}

static void
strata_range_popover_init (StrataRangePopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->session_signals = g_signal_group_new (STRATA_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::visible-time",
                                 G_CALLBACK (strata_range_popover_visible_changed_cb),
                                 self, G_CONNECT_SWAPPED);
}

GtkWidget *
strata_range_popover_new (void)
{
  return g_object_new (STRATA_TYPE_RANGE_POPOVER, NULL);
}
