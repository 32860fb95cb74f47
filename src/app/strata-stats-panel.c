/* strata-stats-panel.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-stats-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-range-stats.h"
#include "strata-stats-panel.h"
#include "strata-problems.h"

/*
 * Where the time of the selected range (or, with no selection, the visible one) went: per
 * vCPU its row's states, its guest's share of its running time and its top preemptors; per
 * pCPU its VMs, host threads and idle. The range index is built once per analysis on a worker
 * thread; a range then costs its partial blocks and a sum over whole ones, so the figures follow
 * the range an idle after each change. Copy as CSV puts the same figures, in ns, on the
 * clipboard.
 */
struct _StrataStatsPanel
{
  GtkWidget         parent_instance;

  /* Template widgets */
  GtkLabel         *summary_label;
  GtkLabel         *table_label;
  GtkButton        *copy_button;

  /* Owned */
  StrataSession    *session;
  GSignalGroup     *session_signals;
  StrataRangeIndex *index;
  GCancellable     *cancellable;
  char             *csv;
  guint             update_source;
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataStatsPanel, strata_stats_panel, GTK_TYPE_WIDGET)

static void
strata_stats_panel_update (StrataStatsPanel *self)
{
  g_autoptr(StrataRangeStats) stats = NULL;
  g_autofree char *text = NULL;
  g_autofree char *shown = NULL;
  StrataAnalysis *analysis;
  const StrataTimeSpan *span;
  gboolean selection;

  g_clear_handle_id (&self->update_source, g_source_remove);
  g_clear_pointer (&self->csv, g_free);
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), FALSE);
  if (self->session == NULL)
    {
      gtk_label_set_label (self->summary_label, NULL);
      gtk_label_set_label (self->table_label, NULL);
      return;
    }
  if (self->index == NULL)
    {
      gtk_label_set_label (self->summary_label, _("Indexing the rows…"));
      gtk_label_set_label (self->table_label, NULL);
      return;
    }
  analysis = strata_session_get_analysis (self->session);
  selection = strata_session_has_selection (self->session);
  span = selection ? strata_session_get_selected_time (self->session)
                   : strata_session_get_visible_time (self->session);
  if (span->end <= span->begin)
    return;
  stats = strata_range_index_query (self->index, span->begin, span->end);
  text = strata_range_stats_to_text (stats, analysis);
  /* Names from the traces are shown safe, line by line. */
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++)
      {
        char *safe = strata_display_text (lines[i]);

        g_free (lines[i]);
        lines[i] = safe;
      }
    shown = g_strjoinv ("\n", lines);
  }
  self->csv = strata_range_stats_to_csv (stats, analysis);
  gtk_label_set_label (self->summary_label, selection ? _("Where the time of the selection went.")
                                                      : _("Where the time of the visible range went."));
  gtk_label_set_label (self->table_label, shown);
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), TRUE);
}

static gboolean
update_idle (gpointer data)
{
  StrataStatsPanel *self = data;

  self->update_source = 0;
  strata_stats_panel_update (self);
  return G_SOURCE_REMOVE;
}

static void
queue_update (StrataStatsPanel *self)
{
  if (self->update_source == 0)
    self->update_source = g_idle_add_full (G_PRIORITY_LOW, update_idle, self, NULL);
}

static void
index_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_task_return_pointer (task, strata_range_index_new (task_data), (GDestroyNotify) strata_range_index_free);
}

static void
index_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(StrataStatsPanel) self = user_data;
  StrataRangeIndex *index = g_task_propagate_pointer (G_TASK (result), NULL);

  /* A session replaced meanwhile: its own task follows. */
  if (g_task_get_task_data (G_TASK (result)) != (gpointer) (self->session ? strata_session_get_analysis (self->session) : NULL) ||
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    {
      strata_range_index_free (index);
      return;
    }
  g_clear_pointer (&self->index, strata_range_index_free);
  self->index = index;
  strata_stats_panel_update (self);
}

GtkWidget *
strata_stats_panel_new (void)
{
  return g_object_new (STRATA_TYPE_STATS_PANEL, NULL);
}

StrataSession *
strata_stats_panel_get_session (StrataStatsPanel *self)
{
  g_return_val_if_fail (STRATA_IS_STATS_PANEL (self), NULL);
  return self->session;
}

/* The range index reads every row of the set: it is built once the panel is shown (or asked
 * whether it is ready), not as the set opens, when it would compete with the first frame and
 * read every page of a saved analysis. */
static void
strata_stats_panel_start_index (StrataStatsPanel *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->session == NULL || self->index != NULL || self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->cancellable, index_done, g_object_ref (self));
  g_task_set_task_data (task, strata_analysis_ref (strata_session_get_analysis (self->session)),
                        (GDestroyNotify) strata_analysis_unref);
  g_task_run_in_thread (task, index_thread);
}

static void
strata_stats_panel_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (strata_stats_panel_parent_class)->map (widget);
  strata_stats_panel_start_index (STRATA_STATS_PANEL (widget));
}

void
strata_stats_panel_set_session (StrataStatsPanel *self,
                                StrataSession    *session)
{
  g_return_if_fail (STRATA_IS_STATS_PANEL (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->index, strata_range_index_free);
  g_signal_group_set_target (self->session_signals, session);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    strata_stats_panel_start_index (self);
  strata_stats_panel_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

const char *
strata_stats_panel_get_csv (StrataStatsPanel *self)
{
  g_return_val_if_fail (STRATA_IS_STATS_PANEL (self), NULL);
  return self->csv;
}

gboolean
strata_stats_panel_is_ready (StrataStatsPanel *self)
{
  g_return_val_if_fail (STRATA_IS_STATS_PANEL (self), FALSE);
  strata_stats_panel_start_index (self);
  return self->index != NULL;
}

void
strata_stats_panel_copy (StrataStatsPanel *self)
{
  g_return_if_fail (STRATA_IS_STATS_PANEL (self));

  if (self->update_source != 0)
    strata_stats_panel_update (self);
  if (self->csv != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->csv);
}

static void
strata_stats_panel_copy_cb (StrataStatsPanel *self)
{
  strata_stats_panel_copy (self);
}

static void
strata_stats_panel_dispose (GObject *object)
{
  StrataStatsPanel *self = STRATA_STATS_PANEL (object);
  GtkWidget *child;

  g_clear_handle_id (&self->update_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);
  g_clear_pointer (&self->index, strata_range_index_free);
  g_clear_pointer (&self->csv, g_free);
  G_OBJECT_CLASS (strata_stats_panel_parent_class)->dispose (object);
}

static void
strata_stats_panel_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  StrataStatsPanel *self = STRATA_STATS_PANEL (object);

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
strata_stats_panel_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  StrataStatsPanel *self = STRATA_STATS_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      strata_stats_panel_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_stats_panel_class_init (StrataStatsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_stats_panel_dispose;
  GTK_WIDGET_CLASS (klass)->map = strata_stats_panel_map;
  object_class->get_property = strata_stats_panel_get_property;
  object_class->set_property = strata_stats_panel_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratatrace/Strata/ui/strata-stats-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataStatsPanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, StrataStatsPanel, table_label);
  gtk_widget_class_bind_template_child (widget_class, StrataStatsPanel, copy_button);
  gtk_widget_class_bind_template_callback (widget_class, strata_stats_panel_copy_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "statspanel");
}

static void
strata_stats_panel_init (StrataStatsPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->session_signals = g_signal_group_new (STRATA_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::visible-time",
                                 G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::selected-time",
                                 G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
}
