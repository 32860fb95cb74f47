/* strata-findings-panel.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-findings-panel"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "strata-findings-panel.h"
#include "strata-findings.h"
#include "strata-preemption-item.h"
#include "strata-time.h"

/* How much of a preemption's length to show on each side of it when zooming to it. */
#define ZOOM_CONTEXT 0.5

/*
 * The patterns worth a look in the selected range (or, with no selection, the visible one),
 * one line each: for now the lock-holder preemptions (a vCPU preempted while its siblings spin
 * in PAUSE-loop exits), by time, by length or by PAUSE exits. Activating one zooms the session
 * to that preemption and marks its vCPU's row, as the Preemptions panel does. Findings are
 * few, so a list box of labels does; the list is made again an idle after the range changes,
 * from the exits' index (a few binary searches per preemption in the range).
 */
struct _StrataFindingsPanel
{
  GtkWidget      parent_instance;

  /* Template widgets */
  GtkStack      *stack;
  AdwStatusPage *empty_page;
  GtkLabel      *summary_label;
  GtkListBox    *list_box;
  GtkDropDown   *sort_dropdown;

  /* Owned */
  StrataSession *session;
  GSignalGroup  *session_signals;
  GPtrArray     *items;       /* StrataPreemptionItem of each finding's preemption */
  GPtrArray     *texts;       /* char *, what each line says */
  guint          n_in_set;    /* findings in the whole set, counted once per session */
  guint          update_source;
};

/* The orders of the sort drop-down, as its items are. */
enum {
  SORT_TIME,
  SORT_DURATION,
  SORT_PAUSE_EXITS,
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataFindingsPanel, strata_findings_panel, GTK_TYPE_WIDGET)

static int
compare_duration (gconstpointer a,
                  gconstpointer b)
{
  const StrataLockHolderFinding *fa = a, *fb = b;
  gint64 da = fa->preemption->end - fa->preemption->start;
  gint64 db = fb->preemption->end - fb->preemption->start;

  return da != db ? (da < db ? 1 : -1) : (fa->preemption->start > fb->preemption->start) - (fa->preemption->start < fb->preemption->start);
}

static int
compare_pause_exits (gconstpointer a,
                     gconstpointer b)
{
  const StrataLockHolderFinding *fa = a, *fb = b;

  return fa->pause_exits != fb->pause_exits ? (fa->pause_exits < fb->pause_exits ? 1 : -1)
                                            : compare_duration (a, b);
}

static void
strata_findings_panel_rebuild (StrataFindingsPanel *self)
{
  StrataAnalysis *analysis = self->session ? strata_session_get_analysis (self->session) : NULL;
  g_autoptr(GArray) findings = NULL;
  g_autofree char *summary = NULL;
  const StrataTimeSpan *span = NULL;
  gboolean selected = FALSE;
  GtkWidget *child;

  g_clear_handle_id (&self->update_source, g_source_remove);
  g_ptr_array_set_size (self->items, 0);
  g_ptr_array_set_size (self->texts, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  if (analysis != NULL && analysis->exits != NULL)
    {
      selected = strata_session_has_selection (self->session);
      span = selected ? strata_session_get_selected_time (self->session) : strata_session_get_visible_time (self->session);
      findings = strata_find_lock_holder_preemptions (analysis, span->begin, span->end, -1);
      switch (gtk_drop_down_get_selected (self->sort_dropdown))
        {
        case SORT_DURATION:
          g_array_sort (findings, compare_duration);
          break;
        case SORT_PAUSE_EXITS:
          g_array_sort (findings, compare_pause_exits);
          break;
        default:
          break;
        }
    }
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      const StrataLockHolderFinding *f = &g_array_index (findings, StrataLockHolderFinding, i);
      guint index = (guint) (f->preemption - &g_array_index (analysis->preemptions, StrataPreemption, 0));
      g_autofree char *said = strata_lock_holder_finding_describe (analysis, f);
      g_autofree char *when = strata_time_format_absolute (f->preemption->start);
      char *text = g_strdup_printf ("%s  %s", when, said);
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_start (label, 6);
      gtk_widget_set_margin_end (label, 6);
      gtk_widget_set_margin_top (label, 3);
      gtk_widget_set_margin_bottom (label, 3);
      gtk_list_box_append (self->list_box, label);
      g_ptr_array_add (self->items, strata_preemption_item_new (analysis, index));
      g_ptr_array_add (self->texts, text);
    }

  if (analysis == NULL || analysis->host < 0)
    summary = g_strdup (_("Findings are made in traces of a KVM host; this set has none."));
  else if (self->n_in_set == 0)
    /* Translators: lock-holder preemption: a vCPU preempted while its siblings spin */
    summary = g_strdup (_("No lock-holder preemption: no preempted vCPU whose siblings spun meanwhile."));
  else if (self->items->len == 0)
    summary = g_strdup_printf (selected
                               ? g_dngettext (GETTEXT_PACKAGE,
                                              "No lock-holder preemption in the selection; %u in the whole set.",
                                              "No lock-holder preemption in the selection; %u in the whole set.",
                                              self->n_in_set)
                               : g_dngettext (GETTEXT_PACKAGE,
                                              "No lock-holder preemption in the visible range; %u in the whole set.",
                                              "No lock-holder preemption in the visible range; %u in the whole set.",
                                              self->n_in_set),
                               self->n_in_set);
  else
    {
      g_autofree char *scope = selected
                               /* Translators: how many lock-holder preemptions the selection holds */
                               ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "%u lock-holder preemption in the selection",
                                                               "%u lock-holder preemptions in the selection",
                                                               self->items->len),
                                                  self->items->len)
                               : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "%u lock-holder preemption in the visible range",
                                                               "%u lock-holder preemptions in the visible range",
                                                               self->items->len),
                                                  self->items->len);

      /* Translators: the count above, then the whole set's */
      summary = g_strdup_printf (_("%s (%u in the set): a vCPU preempted while its siblings spun. "
                                   "Press Enter or double-click on one to zoom to it."),
                                 scope, self->n_in_set);
    }
  gtk_label_set_label (self->summary_label, summary);
  adw_status_page_set_description (self->empty_page, self->items->len == 0 ? summary : NULL);
  gtk_stack_set_visible_child_name (self->stack, self->items->len == 0 ? "empty" : "list");
}

static gboolean
update_idle (gpointer data)
{
  StrataFindingsPanel *self = data;

  self->update_source = 0;
  strata_findings_panel_rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
queue_update (StrataFindingsPanel *self)
{
  if (self->update_source == 0)
    self->update_source = g_idle_add_full (G_PRIORITY_LOW, update_idle, self, NULL);
}

static void
strata_findings_panel_sort_changed_cb (StrataFindingsPanel *self)
{
  /* The template sets the drop-down up before the panel is. */
  if (self->items != NULL)
    strata_findings_panel_rebuild (self);
}

guint
strata_findings_panel_get_n_findings (StrataFindingsPanel *self)
{
  g_return_val_if_fail (STRATA_IS_FINDINGS_PANEL (self), 0);

  return self->items->len;
}

const char *
strata_findings_panel_get_text (StrataFindingsPanel *self,
                                guint                index)
{
  g_return_val_if_fail (STRATA_IS_FINDINGS_PANEL (self), NULL);

  return index < self->texts->len ? g_ptr_array_index (self->texts, index) : NULL;
}

/**
 * strata_findings_panel_activate:
 *
 * Zooms the session to the preemption of finding @index, with context around it, and marks
 * its vCPU's row.
 */
void
strata_findings_panel_activate (StrataFindingsPanel *self,
                                guint                index)
{
  StrataPreemptionItem *item;

  g_return_if_fail (STRATA_IS_FINDINGS_PANEL (self));

  if (self->session == NULL || index >= self->items->len)
    return;
  item = g_ptr_array_index (self->items, index);
  strata_session_zoom_around (self->session,
                              strata_preemption_item_get_start (item),
                              strata_preemption_item_get_end (item),
                              ZOOM_CONTEXT);
  strata_session_mark (self->session, strata_preemption_item_get_row (item),
                       strata_preemption_item_get_pcpu_row (item),
                       strata_preemption_item_get_start (item), strata_preemption_item_get_end (item));
}

static void
strata_findings_panel_row_activated_cb (StrataFindingsPanel *self,
                                        GtkListBoxRow       *row,
                                        GtkListBox          *list_box)
{
  g_assert (STRATA_IS_FINDINGS_PANEL (self));

  strata_findings_panel_activate (self, (guint) gtk_list_box_row_get_index (row));
}

StrataSession *
strata_findings_panel_get_session (StrataFindingsPanel *self)
{
  g_return_val_if_fail (STRATA_IS_FINDINGS_PANEL (self), NULL);

  return self->session;
}

void
strata_findings_panel_set_session (StrataFindingsPanel *self,
                                   StrataSession       *session)
{
  g_return_if_fail (STRATA_IS_FINDINGS_PANEL (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  g_signal_group_set_target (self->session_signals, session);
  self->n_in_set = 0;
  if (session != NULL && strata_session_get_analysis (session)->exits != NULL)
    {
      g_autoptr(GArray) all = strata_find_lock_holder_preemptions (strata_session_get_analysis (session),
                                                                   G_MININT64, G_MAXINT64, -1);

      self->n_in_set = all->len;
    }
  strata_findings_panel_rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
strata_findings_panel_dispose (GObject *object)
{
  StrataFindingsPanel *self = STRATA_FINDINGS_PANEL (object);
  GtkWidget *child;

  g_clear_handle_id (&self->update_source, g_source_remove);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);
  /* GTK 4.8's gtk_widget_dispose_template() leaves the unnamed top box. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->texts, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_findings_panel_parent_class)->dispose (object);
}

static void
strata_findings_panel_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  StrataFindingsPanel *self = STRATA_FINDINGS_PANEL (object);

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
strata_findings_panel_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  StrataFindingsPanel *self = STRATA_FINDINGS_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      strata_findings_panel_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_findings_panel_class_init (StrataFindingsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_findings_panel_dispose;
  object_class->get_property = strata_findings_panel_get_property;
  object_class->set_property = strata_findings_panel_set_property;

  /**
   * StrataFindingsPanel:session:
   *
   * The session whose findings are listed, and which activation zooms.
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratatrace/Strata/ui/strata-findings-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataFindingsPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataFindingsPanel, empty_page);
  gtk_widget_class_bind_template_child (widget_class, StrataFindingsPanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, StrataFindingsPanel, list_box);
  gtk_widget_class_bind_template_child (widget_class, StrataFindingsPanel, sort_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, strata_findings_panel_sort_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_findings_panel_row_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "findingspanel");
}

static void
strata_findings_panel_init (StrataFindingsPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->texts = g_ptr_array_new_with_free_func (g_free);
  self->session_signals = g_signal_group_new (STRATA_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::visible-time",
                                 G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::selected-time",
                                 G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
  strata_findings_panel_rebuild (self);
}

GtkWidget *
strata_findings_panel_new (void)
{
  return g_object_new (STRATA_TYPE_FINDINGS_PANEL, NULL);
}
