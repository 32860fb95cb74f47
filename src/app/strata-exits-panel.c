/* strata-exits-panel.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-exits-panel"

#include "config.h"

#include <adwaita.h>
#include <inttypes.h>
#include <glib/gi18n.h>

#include "strata-exit-item.h"
#include "strata-exits-panel.h"
#include "strata-time.h"

/*
 * The VM exits of the selected range (or, with no selection, the visible one): one line per
 * VM, vCPU and reason, with count, total, min, mean, p99 and max, sortable by each column,
 * the longest total first. The exits' index answers a range in a few binary searches per
 * group, so the lines follow the range as it changes, an idle after each change. The
 * selected line's exits are marked on their vCPU's row (the session's marked exits).
 */
struct _StrataExitsPanel
{
  GtkWidget         parent_instance;

  /* Template widgets */
  GtkStack         *stack;
  AdwStatusPage    *empty_page;
  GtkLabel         *summary_label;
  GtkColumnView    *column_view;
  GtkSortListModel *sort_model;
  GtkSingleSelection *selection;
  GtkColumnViewColumn *total_column;

  /* Owned */
  GListStore       *items;
  StrataSession    *session;
  GSignalGroup     *session_signals;
  guint             update_source;
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataExitsPanel, strata_exits_panel, GTK_TYPE_WIDGET)

void
strata_exits_panel_update (StrataExitsPanel *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) stats = NULL;
  g_autofree char *summary = NULL;
  StrataAnalysis *analysis;
  const StrataTimeSpan *span;
  guint64 count = 0;
  gint64 total = 0;

  g_return_if_fail (STRATA_IS_EXITS_PANEL (self));

  g_clear_handle_id (&self->update_source, g_source_remove);
  analysis = self->session != NULL ? strata_session_get_analysis (self->session) : NULL;
  if (analysis != NULL && analysis->exits != NULL)
    {
      span = strata_session_has_selection (self->session) ? strata_session_get_selected_time (self->session)
                                                          : strata_session_get_visible_time (self->session);
      stats = strata_exits_query (analysis->exits, span->begin, span->end, -1);
      for (guint i = 0; i < stats->len; i++)
        {
          const StrataExitStats *s = &g_array_index (stats, StrataExitStats, i);

          g_ptr_array_add (items, strata_exit_item_new (analysis, s));
          count += s->count;
          total += s->total_ns;
        }
    }
  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);

  if (analysis == NULL || strata_exits_n_exits (analysis->exits) == 0)
    summary = g_strdup (_("VM exits are found in traces of a KVM host with kvm_x86_exit events; this set has none."));
  else if (items->len == 0)
    summary = g_strdup (strata_session_has_selection (self->session) ? _("No VM exit starts in the selection.")
                                                                     : _("No VM exit starts in the visible range."));
  else
    {
      g_autofree char *total_text = strata_time_format_duration (total);

      if (strata_session_has_selection (self->session))
        /* Translators: %s is a duration: how long the exits lasted in all */
        summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRIu64 " exit starts in the selection, %s in all.",
                                                "%" PRIu64 " exits start in the selection, %s in all.", count),
                                   count, total_text);
      else
        summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRIu64 " exit starts in the visible range, %s in all.",
                                                "%" PRIu64 " exits start in the visible range, %s in all.", count),
                                   count, total_text);
    }
  gtk_label_set_label (self->summary_label, summary);
  adw_status_page_set_description (self->empty_page, items->len == 0 ? summary : NULL);
  gtk_stack_set_visible_child_name (self->stack, items->len == 0 ? "empty" : "list");
}

static gboolean
update_idle (gpointer data)
{
  StrataExitsPanel *self = data;

  self->update_source = 0;
  strata_exits_panel_update (self);
  return G_SOURCE_REMOVE;
}

static void
queue_update (StrataExitsPanel *self)
{
  if (self->update_source == 0)
    self->update_source = g_idle_add_full (G_PRIORITY_LOW, update_idle, self, NULL);
}

/* The selected line's exits are marked on their vCPU's row; none, when none is selected. */
static void
selection_changed (StrataExitsPanel *self)
{
  StrataExitItem *item = gtk_single_selection_get_selected_item (self->selection);
  StrataAnalysis *analysis;
  const StrataExitStats *s;

  if (self->session == NULL)
    return;
  analysis = strata_session_get_analysis (self->session);
  if (item == NULL || analysis->exits == NULL)
    {
      strata_session_set_marked_exits (self->session, -1);
      return;
    }
  s = strata_exit_item_get_stats (item);
  strata_session_set_marked_exits (self->session,
                                   strata_exits_find_group (analysis->exits, s->machine, s->vcpu, s->isa, s->code));
}

GtkWidget *
strata_exits_panel_new (void)
{
  return g_object_new (STRATA_TYPE_EXITS_PANEL, NULL);
}

StrataSession *
strata_exits_panel_get_session (StrataExitsPanel *self)
{
  g_return_val_if_fail (STRATA_IS_EXITS_PANEL (self), NULL);
  return self->session;
}

void
strata_exits_panel_set_session (StrataExitsPanel *self,
                                StrataSession    *session)
{
  g_return_if_fail (STRATA_IS_EXITS_PANEL (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  g_signal_group_set_target (self->session_signals, session);
  /* After the set's first frame, as for a change of range. */
  queue_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

GListModel *
strata_exits_panel_get_model (StrataExitsPanel *self)
{
  g_return_val_if_fail (STRATA_IS_EXITS_PANEL (self), NULL);
  return G_LIST_MODEL (self->sort_model);
}

static void
strata_exits_panel_dispose (GObject *object)
{
  StrataExitsPanel *self = STRATA_EXITS_PANEL (object);
  GtkWidget *child;

  g_clear_handle_id (&self->update_source, g_source_remove);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);
  g_clear_object (&self->items);
  G_OBJECT_CLASS (strata_exits_panel_parent_class)->dispose (object);
}

static void
strata_exits_panel_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  StrataExitsPanel *self = STRATA_EXITS_PANEL (object);

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
strata_exits_panel_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  StrataExitsPanel *self = STRATA_EXITS_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      strata_exits_panel_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_exits_panel_class_init (StrataExitsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_exits_panel_dispose;
  object_class->get_property = strata_exits_panel_get_property;
  object_class->set_property = strata_exits_panel_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (STRATA_TYPE_EXIT_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratatrace/Strata/ui/strata-exits-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataExitsPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataExitsPanel, empty_page);
  gtk_widget_class_bind_template_child (widget_class, StrataExitsPanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, StrataExitsPanel, column_view);
  gtk_widget_class_bind_template_child (widget_class, StrataExitsPanel, sort_model);
  gtk_widget_class_bind_template_child (widget_class, StrataExitsPanel, selection);
  gtk_widget_class_bind_template_child (widget_class, StrataExitsPanel, total_column);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "exitspanel");
}

static void
strata_exits_panel_init (StrataExitsPanel *self)
{
  self->items = g_list_store_new (STRATA_TYPE_EXIT_ITEM);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_sort_list_model_set_model (self->sort_model, G_LIST_MODEL (self->items));
  gtk_sort_list_model_set_sorter (self->sort_model, gtk_column_view_get_sorter (self->column_view));
  /* The longest total first, until the user sorts otherwise. */
  gtk_column_view_sort_by_column (self->column_view, self->total_column, GTK_SORT_DESCENDING);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (selection_changed),
                           self, G_CONNECT_SWAPPED);

  self->session_signals = g_signal_group_new (STRATA_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::visible-time",
                                 G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::selected-time",
                                 G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
}
