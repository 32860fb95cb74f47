/* strata-set-summary.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-set-summary"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-app-util.h"
#include "strata-set-summary.h"
#include "strata-time.h"
#include "strata-trace-item.h"

/* The page shown once a set is loaded: its figures, a table of its traces, and a banner that
 * lists every problem met while reading it. The timeline view will take this place later. */
struct _StrataSetSummary
{
  GtkWidget      parent_instance;

  /* Template widgets */
  GtkInfoBar    *error_bar;
  GtkLabel      *error_title;
  GtkLabel      *error_label;
  GtkLabel      *traces_label;
  GtkLabel      *span_label;
  GtkLabel      *events_label;
  GtkLabel      *discarded_label;
  GtkColumnView *column_view;

  /* Owned */
  StrataSet     *set;
  GListStore    *traces;       /* StrataTraceItem */
};

G_DEFINE_FINAL_TYPE (StrataSetSummary, strata_set_summary, GTK_TYPE_WIDGET)

static void
strata_set_summary_error_bar_response_cb (StrataSetSummary *self,
                                          int               response,
                                          GtkInfoBar       *info_bar)
{
  g_assert (STRATA_IS_SET_SUMMARY (self));

  if (response == GTK_RESPONSE_CLOSE)
    gtk_info_bar_set_revealed (info_bar, FALSE);
}

static void
strata_set_summary_update_errors (StrataSetSummary *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *title = NULL;
  guint n_errors = 0;

  g_assert (STRATA_IS_SET_SUMMARY (self));

  if (self->set != NULL && self->set->errors != NULL)
    n_errors = self->set->errors->len;

  for (guint i = 0; i < n_errors; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "• %s", (const char *) g_ptr_array_index (self->set->errors, i));
    }

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%u problem was met while reading this set; "
                                        "the rest of it is shown.",
                                        "%u problems were met while reading this set; "
                                        "the rest of it is shown.",
                                        n_errors),
                           n_errors);
  gtk_label_set_label (self->error_title, title);
  gtk_label_set_label (self->error_label, text->str);
  gtk_info_bar_set_revealed (self->error_bar, n_errors > 0);
}

static void
strata_set_summary_update_stats (StrataSetSummary *self)
{
  g_autofree char *traces = NULL;
  g_autofree char *span = NULL;
  g_autofree char *events = NULL;
  g_autofree char *discarded = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *count = NULL;
  guint64 n_discarded = 0;
  guint n_traces = 0;

  g_assert (STRATA_IS_SET_SUMMARY (self));

  if (self->set == NULL)
    {
      gtk_label_set_label (self->traces_label, "");
      gtk_label_set_label (self->span_label, "");
      gtk_label_set_label (self->events_label, "");
      gtk_label_set_label (self->discarded_label, "");
      return;
    }

  n_traces = self->set->traces->len;
  for (guint i = 0; i < n_traces; i++)
    n_discarded += ((StrataTrace *) g_ptr_array_index (self->set->traces, i))->discarded;

  traces = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u trace", "%u traces", n_traces),
                            n_traces);
  duration = strata_time_format_duration (self->set->end_ns - self->set->begin_ns);
  /* Translators: the time span of the trace set */
  span = g_strdup_printf (_("Span: %s"), duration);
  count = strata_app_format_count (strata_set_event_count (self->set));
  events = g_strdup_printf (_("Events: %s"), count);
  g_clear_pointer (&count, g_free);
  count = strata_app_format_count (n_discarded);
  /* Translators: events that the tracer lost */
  discarded = g_strdup_printf (_("Discarded: %s"), count);

  gtk_label_set_label (self->traces_label, traces);
  gtk_label_set_label (self->span_label, span);
  gtk_label_set_label (self->events_label, events);
  gtk_label_set_label (self->discarded_label, discarded);

  if (n_discarded > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->discarded_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->discarded_label), "warning");
}

static void
strata_set_summary_update_traces (StrataSetSummary *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert (STRATA_IS_SET_SUMMARY (self));

  if (self->set != NULL)
    {
      for (guint i = 0; i < self->set->traces->len; i++)
        g_ptr_array_add (items, strata_trace_item_new (g_ptr_array_index (self->set->traces, i)));
    }

  g_list_store_splice (self->traces, 0, g_list_model_get_n_items (G_LIST_MODEL (self->traces)),
                       items->pdata, items->len);
}

static void
strata_set_summary_dispose (GObject *object)
{
  StrataSetSummary *self = (StrataSetSummary *) object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_SET_SUMMARY);
  /* dispose_template() leaves the template's unnamed children in place. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  g_clear_object (&self->traces);
  g_clear_pointer (&self->set, strata_set_unref);

  G_OBJECT_CLASS (strata_set_summary_parent_class)->dispose (object);
}

static void
strata_set_summary_class_init (StrataSetSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_set_summary_dispose;

  gtk_widget_class_set_css_name (widget_class, "setsummary");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratatrace/Strata/ui/strata-set-summary.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataSetSummary, error_bar);
  gtk_widget_class_bind_template_child (widget_class, StrataSetSummary, error_title);
  gtk_widget_class_bind_template_child (widget_class, StrataSetSummary, error_label);
  gtk_widget_class_bind_template_child (widget_class, StrataSetSummary, traces_label);
  gtk_widget_class_bind_template_child (widget_class, StrataSetSummary, span_label);
  gtk_widget_class_bind_template_child (widget_class, StrataSetSummary, events_label);
  gtk_widget_class_bind_template_child (widget_class, StrataSetSummary, discarded_label);
  gtk_widget_class_bind_template_child (widget_class, StrataSetSummary, column_view);
  gtk_widget_class_bind_template_callback (widget_class, strata_set_summary_error_bar_response_cb);

  /* The list item templates name this type in their lookups. */
  g_type_ensure (STRATA_TYPE_TRACE_ITEM);
}

static void
strata_set_summary_init (StrataSetSummary *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->traces = g_list_store_new (STRATA_TYPE_TRACE_ITEM);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->traces)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
}

GtkWidget *
strata_set_summary_new (void)
{
  return g_object_new (STRATA_TYPE_SET_SUMMARY, NULL);
}

/**
 * strata_set_summary_get_set:
 *
 * Returns: (transfer none) (nullable): the set shown
 */
StrataSet *
strata_set_summary_get_set (StrataSetSummary *self)
{
  g_return_val_if_fail (STRATA_IS_SET_SUMMARY (self), NULL);

  return self->set;
}

/**
 * strata_set_summary_set_set:
 * @set: (nullable): a loaded set, which the summary keeps a reference to
 */
void
strata_set_summary_set_set (StrataSetSummary *self,
                            StrataSet        *set)
{
  g_return_if_fail (STRATA_IS_SET_SUMMARY (self));

  if (self->set == set)
    return;

  g_clear_pointer (&self->set, strata_set_unref);
  if (set != NULL)
    self->set = strata_set_ref (set);

  strata_set_summary_update_errors (self);
  strata_set_summary_update_stats (self);
  strata_set_summary_update_traces (self);
}

/**
 * strata_set_summary_get_traces:
 *
 * Returns: (transfer none): the rows of the table, as #StrataTraceItem
 */
GListModel *
strata_set_summary_get_traces (StrataSetSummary *self)
{
  g_return_val_if_fail (STRATA_IS_SET_SUMMARY (self), NULL);

  return G_LIST_MODEL (self->traces);
}
