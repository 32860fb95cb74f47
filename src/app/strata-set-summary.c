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
#include "strata-problems.h"
#include "strata-set-summary.h"
#include "strata-time.h"
#include "strata-trace-item.h"

/* The page shown once a set is loaded: its figures, a table of its traces, and a banner with
 * the problems met while reading it: their kinds, counted, over a list of every one (a list
 * view: a set may have tens of thousands, and only the rows in sight are made). */
struct _StrataSetSummary
{
  GtkWidget      parent_instance;

  /* Template widgets */
  GtkInfoBar    *error_bar;
  GtkLabel      *error_title;
  GtkLabel      *error_summary;
  GtkListView   *problems_view;
  GtkLabel      *traces_label;
  GtkLabel      *span_label;
  GtkLabel      *events_label;
  GtkLabel      *discarded_label;
  GtkColumnView *column_view;

  /* Owned */
  StrataSet     *set;
  GPtrArray     *warnings;     /* char*: the analysis's, or NULL */
  GPtrArray     *problems_all; /* char*, borrowed: the set's errors, then the warnings */
  /* The set's span in the reference clock, as the analysis synchronized it: a guest's own
   * clock may be seconds off. Unset, the traces' own times. */
  gboolean       have_span;
  gint64         span_begin;
  gint64         span_end;
  GListStore    *traces;       /* StrataTraceItem */
  GtkStringList *problems;     /* each problem, as display text */
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

/* At most this many kinds of problem are named in the banner; the list has them all. */
#define MAX_KINDS_SHOWN 4

static void
strata_set_summary_update_errors (StrataSetSummary *self)
{
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  g_autoptr(GArray) groups = NULL;
  g_autofree char *title = NULL;
  GPtrArray *all = self->problems_all;
  guint n_errors = all->len;

  g_assert (STRATA_IS_SET_SUMMARY (self));

  /* The kinds, counted, each said as its first problem says it (its numbers and names, not
   * placeholders), less the folder when others like it follow. */
  groups = strata_problems_group (all);
  for (guint i = 0; i < groups->len && i < MAX_KINDS_SHOWN; i++)
    {
      StrataProblemGroup *g = &g_array_index (groups, StrataProblemGroup, i);
      const char *first = g_ptr_array_index (all, g->first);
      const char *colon = strstr (first, ": ");
      g_autofree char *what = strata_display_text (g->count > 1 && colon != NULL ? colon + 2 : first);

      if (summary->len > 0)
        g_string_append_c (summary, '\n');
      if (g->count == 1)
        g_string_append_printf (summary, "• %s", what);
      else
        /* Translators: a problem as it was met, then how many more of its kind there are */
        {
          g_autofree char *more = strata_app_format_count (g->count - 1);

          g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "• %s (and %s more like it)",
                                                        "• %s (and %s more like it)", g->count - 1),
                                  what, more);
        }
    }
  if (groups->len > MAX_KINDS_SHOWN)
    {
      g_string_append_c (summary, '\n');
      g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "and %u other kind of problem, in the list below",
                                                    "and %u other kinds of problems, in the list below",
                                                    groups->len - MAX_KINDS_SHOWN),
                              groups->len - MAX_KINDS_SHOWN);
    }

  for (guint i = 0; i < n_errors; i++)
    g_ptr_array_add (lines, strata_display_text (g_ptr_array_index (all, i)));
  gtk_string_list_splice (self->problems, 0, g_list_model_get_n_items (G_LIST_MODEL (self->problems)),
                          (const char * const *) lines->pdata);

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%u problem was met while reading or analysing this set; "
                                        "the rest of it is shown.",
                                        "%u problems were met while reading or analysing this set; "
                                        "the rest of it is shown.",
                                        n_errors),
                           n_errors);
  gtk_label_set_label (self->error_title, title);
  gtk_label_set_label (self->error_summary, summary->str);
  gtk_info_bar_set_revealed (self->error_bar, n_errors > 0);
}

static void
strata_set_summary_setup_problem_cb (GtkSignalListItemFactory *factory,
                                     GtkListItem              *item,
                                     gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  /* One line a row: rows of one height scroll through tens of thousands at no cost; the
   * whole text is in the tooltip. */
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_list_item_set_child (item, label);
}

static void
strata_set_summary_bind_problem_cb (GtkSignalListItemFactory *factory,
                                    GtkListItem              *item,
                                    gpointer                  user_data)
{
  GtkStringObject *problem = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_label (GTK_LABEL (label), gtk_string_object_get_string (problem));
  gtk_widget_set_tooltip_text (label, gtk_string_object_get_string (problem));
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
  if (self->have_span)
    duration = strata_time_format_duration (self->span_end - self->span_begin);
  else
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
  g_clear_object (&self->problems);
  g_clear_pointer (&self->set, strata_set_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->problems_all, g_ptr_array_unref);

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
  gtk_widget_class_bind_template_child (widget_class, StrataSetSummary, error_summary);
  gtk_widget_class_bind_template_child (widget_class, StrataSetSummary, problems_view);
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

  self->problems = gtk_string_list_new (NULL);
  self->problems_all = g_ptr_array_new ();
  {
    g_autoptr(GtkNoSelection) problems = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->problems)));
    g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

    g_signal_connect (factory, "setup", G_CALLBACK (strata_set_summary_setup_problem_cb), NULL);
    g_signal_connect (factory, "bind", G_CALLBACK (strata_set_summary_bind_problem_cb), NULL);
    gtk_list_view_set_factory (self->problems_view, factory);
    gtk_list_view_set_model (self->problems_view, GTK_SELECTION_MODEL (problems));
  }
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

static void
strata_set_summary_collect_problems (StrataSetSummary *self)
{
  g_ptr_array_set_size (self->problems_all, 0);
  for (guint i = 0; self->set != NULL && self->set->errors != NULL && i < self->set->errors->len; i++)
    g_ptr_array_add (self->problems_all, g_ptr_array_index (self->set->errors, i));
  for (guint i = 0; self->warnings != NULL && i < self->warnings->len; i++)
    g_ptr_array_add (self->problems_all, g_ptr_array_index (self->warnings, i));
}

/**
 * strata_set_summary_set_warnings:
 * @warnings: (nullable): what the analysis of the set found wrong (a guest linked by hand
 *   whose events fall outside its vCPUs' guest mode, a clock it could not find...), which
 *   the summary keeps a reference to and lists after the set's problems
 */
void
strata_set_summary_set_warnings (StrataSetSummary *self,
                                 GPtrArray        *warnings)
{
  g_return_if_fail (STRATA_IS_SET_SUMMARY (self));

  if (self->warnings == warnings)
    return;
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  if (warnings != NULL)
    self->warnings = g_ptr_array_ref (warnings);
  strata_set_summary_collect_problems (self);
  strata_set_summary_update_errors (self);
}

/* How many problems the summary lists: the set's, and the warnings of its analysis. */
guint
strata_set_summary_get_n_problems (StrataSetSummary *self)
{
  g_return_val_if_fail (STRATA_IS_SET_SUMMARY (self), 0);

  return self->problems_all->len;
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
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  if (set != NULL)
    self->set = strata_set_ref (set);
  self->have_span = FALSE;

  strata_set_summary_collect_problems (self);
  strata_set_summary_update_errors (self);
  strata_set_summary_update_stats (self);
  strata_set_summary_update_traces (self);
}

/**
 * strata_set_summary_set_span:
 *
 * The set's span, from @begin_ns to @end_ns in the reference clock (the analysis' range),
 * which the summary shows instead of the traces' own times until the set changes.
 */
void
strata_set_summary_set_span (StrataSetSummary *self,
                             gint64            begin_ns,
                             gint64            end_ns)
{
  g_return_if_fail (STRATA_IS_SET_SUMMARY (self));

  self->have_span = begin_ns <= end_ns;
  self->span_begin = begin_ns;
  self->span_end = end_ns;
  strata_set_summary_update_stats (self);
}

/**
 * strata_set_summary_get_span:
 *
 * Returns: the span the summary shows, in nanoseconds (0 without a set)
 */
gint64
strata_set_summary_get_span (StrataSetSummary *self)
{
  g_return_val_if_fail (STRATA_IS_SET_SUMMARY (self), 0);

  if (self->set == NULL)
    return 0;
  return self->have_span ? self->span_end - self->span_begin : self->set->end_ns - self->set->begin_ns;
}

/**
 * strata_set_summary_get_problems:
 *
 * Returns: (transfer none): every problem of the set, as #GtkStringObject display text
 */
GListModel *
strata_set_summary_get_problems (StrataSetSummary *self)
{
  g_return_val_if_fail (STRATA_IS_SET_SUMMARY (self), NULL);

  return G_LIST_MODEL (self->problems);
}

/**
 * strata_set_summary_get_problem_summary:
 *
 * Returns: (transfer none): the banner's count of problems by kind
 */
const char *
strata_set_summary_get_problem_summary (StrataSetSummary *self)
{
  g_return_val_if_fail (STRATA_IS_SET_SUMMARY (self), NULL);

  return gtk_label_get_label (self->error_summary);
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
