/* strata-preemptions-panel.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-preemptions-panel"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "strata-follow-menu.h"
#include "strata-follow.h"
#include "strata-preemptions-panel.h"
#include "strata-time.h"

/* How much of a preemption's length to show on each side of it when zooming to it. */
#define ZOOM_CONTEXT 0.5

/*
 * Every preemption of every vCPU of a session, one StrataPreemptionItem a row, longest first, or
 * sorted by the column the user clicks. Activating a row (Enter, double click) zooms the
 * session to that preemption with some context, and marks its vCPU's row. Wake-up waits (a
 * woken vCPU waiting for its pCPU: often most entries, and short) are listed only when asked
 * for; the summary counts them either way.
 */
struct _StrataPreemptionsPanel
{
  GtkWidget           parent_instance;

  /* Template widgets */
  GtkStack           *stack;
  AdwStatusPage      *empty_page;
  GtkLabel           *summary_label;
  GtkColumnView      *column_view;
  GtkSingleSelection *selection;
  GtkSortListModel   *sort_model;
  GtkFilterListModel *filter_model;
  GtkCheckButton     *wakeups_button;
  GtkColumnViewColumn *duration_column;

  /* Owned */
  GListStore         *items;       /* StrataPreemptionItem, by start */
  GtkCustomFilter    *filter;
  StrataSession      *session;
  gboolean            show_wakeups;
  guint               n_wakeups;
  char               *summary;     /* of the preemptions */
  gboolean            stale;       /* a session came while hidden: listed once shown or asked */
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SHOW_WAKEUPS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataPreemptionsPanel, strata_preemptions_panel, GTK_TYPE_WIDGET)

/* The summary of the preemptions, and of the wake-up waits when they are listed too. */
static void
strata_preemptions_panel_update_summary (StrataPreemptionsPanel *self)
{
  g_autofree char *text = NULL;

  if (self->summary == NULL)
    return;
  if (self->show_wakeups && self->n_wakeups > 0)
    /* Translators: after the preemptions' summary; %u is how many wake-up waits */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s Also listed: %u wake-up wait, whose cause begins with “woken”.",
                                         "%s Also listed: %u wake-up waits, whose cause begins with “woken”.",
                                         self->n_wakeups),
                            self->summary, self->n_wakeups);
  gtk_label_set_label (self->summary_label, text != NULL ? text : self->summary);
}

static void
strata_preemptions_panel_rebuild (StrataPreemptionsPanel *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *total_text = NULL;
  g_autofree char *longest_text = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *wakeups_text = NULL;
  StrataAnalysis *analysis = self->session ? strata_session_get_analysis (self->session) : NULL;
  gint64 total = 0, longest = 0;
  guint n_preemptions = 0;

  g_assert (STRATA_IS_PREEMPTIONS_PANEL (self));

  self->n_wakeups = 0;
  if (analysis != NULL)
    for (guint i = 0; i < analysis->preemptions->len; i++)
      {
        StrataPreemptionItem *item = strata_preemption_item_new (analysis, i);
        gint64 duration = strata_preemption_item_get_duration (item);

        if (strata_preemption_item_get_wakeup (item))
          self->n_wakeups++;
        else
          {
            n_preemptions++;
            total += duration;
            longest = MAX (longest, duration);
          }
        g_ptr_array_add (items, item);
      }
  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);

  if (items->len == 0)
    summary = g_strdup (analysis != NULL && analysis->host >= 0
                        ? _("No vCPU was preempted.")
                        : _("Preemptions are found in traces of a KVM host; this set has none."));
  else if (n_preemptions == 0)
    summary = g_strdup (_("No vCPU was preempted."));
  else
    {
      total_text = strata_time_format_duration (total);
      longest_text = strata_time_format_duration (longest);
      /* Translators: the first %s is a total duration, the second the longest one */
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u preemption, %s in all, the longest %s. "
                                              "Press Enter or double-click on one to zoom to it.",
                                              "%u preemptions, %s in all, the longest %s. "
                                              "Press Enter or double-click on one to zoom to it.",
                                              n_preemptions),
                                 n_preemptions, total_text, longest_text);
    }
  g_free (self->summary);
  self->summary = g_strdup (summary);
  strata_preemptions_panel_update_summary (self);
  /* Translators: a check button; %u is how many times a woken vCPU waited for its pCPU */
  wakeups_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Show %u wake-up wait",
                                               "Show %u wake-up waits", self->n_wakeups),
                                  self->n_wakeups);
  gtk_check_button_set_label (self->wakeups_button, wakeups_text);
  gtk_widget_set_visible (GTK_WIDGET (self->wakeups_button), self->n_wakeups > 0);
  /* No list to show: a status page says why. */
  adw_status_page_set_description (self->empty_page, items->len == 0 ? summary : NULL);
  gtk_stack_set_visible_child_name (self->stack, items->len == 0 ? "empty" : "list");
}

/**
 * strata_preemptions_panel_activate:
 *
 * Zooms the session to @item's preemption, with context around it, and marks its vCPU's row.
 */
void
strata_preemptions_panel_activate (StrataPreemptionsPanel *self,
                                   StrataPreemptionItem   *item)
{
  g_return_if_fail (STRATA_IS_PREEMPTIONS_PANEL (self));
  g_return_if_fail (STRATA_IS_PREEMPTION_ITEM (item));

  if (self->session == NULL)
    return;
  strata_session_zoom_around (self->session,
                              strata_preemption_item_get_start (item),
                              strata_preemption_item_get_end (item),
                              ZOOM_CONTEXT);
  strata_session_mark (self->session, strata_preemption_item_get_row (item),
                       strata_preemption_item_get_pcpu_row (item),
                       strata_preemption_item_get_start (item), strata_preemption_item_get_end (item));
}

static void
strata_preemptions_panel_activate_cb (StrataPreemptionsPanel *self,
                                      guint                   position,
                                      GtkColumnView          *column_view)
{
  g_autoptr(StrataPreemptionItem) item = NULL;

  g_assert (STRATA_IS_PREEMPTIONS_PANEL (self));

  item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  if (item != NULL)
    strata_preemptions_panel_activate (self, item);
}

/* The context menu of the selected preemption: follow the guest thread its vCPU ran, or what
 * took its pCPU. */
static void
popup_follow_menu (StrataPreemptionsPanel *self,
                   double                  x,
                   double                  y)
{
  StrataPreemptionItem *item = gtk_single_selection_get_selected_item (self->selection);
  StrataAnalysis *analysis;
  gint rows[2];

  if (item == NULL || self->session == NULL)
    return;
  analysis = strata_session_get_analysis (self->session);
  strata_follow_preemption_rows (analysis,
                                 &g_array_index (analysis->preemptions, StrataPreemption,
                                                 strata_preemption_item_get_index (item)),
                                 &rows[0], &rows[1]);
  strata_follow_menu_popup (GTK_WIDGET (self->column_view), analysis, rows, G_N_ELEMENTS (rows), x, y);
}

/* Right-click: the line under the pointer is selected (its row's own action), then its menu. */
static void
strata_preemptions_panel_context_cb (StrataPreemptionsPanel *self,
                                     int                     n_press,
                                     double                  x,
                                     double                  y,
                                     GtkGestureClick        *gesture)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->column_view), x, y, GTK_PICK_DEFAULT);

  if (picked == NULL || !gtk_widget_activate_action (picked, "listitem.select", "(bb)", FALSE, FALSE))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_follow_menu (self, x, y);
}

static gboolean
strata_preemptions_panel_menu_key_cb (GtkWidget *widget,
                                      GVariant  *args,
                                      gpointer   user_data)
{
  StrataPreemptionsPanel *self = user_data;

  if (gtk_single_selection_get_selected_item (self->selection) == NULL)
    return FALSE;
  popup_follow_menu (self, 24, 24);
  return TRUE;
}

static gboolean
strata_preemptions_panel_filter (gpointer item,
                                 gpointer user_data)
{
  StrataPreemptionsPanel *self = user_data;

  return self->show_wakeups || !strata_preemption_item_get_wakeup (item);
}

gboolean
strata_preemptions_panel_get_show_wakeups (StrataPreemptionsPanel *self)
{
  g_return_val_if_fail (STRATA_IS_PREEMPTIONS_PANEL (self), FALSE);

  return self->show_wakeups;
}

/**
 * strata_preemptions_panel_set_show_wakeups:
 *
 * Lists the wake-up waits too, or only the preemptions (the default).
 */
void
strata_preemptions_panel_set_show_wakeups (StrataPreemptionsPanel *self,
                                           gboolean                show)
{
  g_return_if_fail (STRATA_IS_PREEMPTIONS_PANEL (self));

  show = !!show;
  if (self->show_wakeups == show)
    return;
  self->show_wakeups = show;
  gtk_check_button_set_active (self->wakeups_button, show);
  gtk_filter_changed (GTK_FILTER (self->filter),
                      show ? GTK_FILTER_CHANGE_LESS_STRICT : GTK_FILTER_CHANGE_MORE_STRICT);
  strata_preemptions_panel_update_summary (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_WAKEUPS]);
}

static void
strata_preemptions_panel_wakeups_toggled_cb (StrataPreemptionsPanel *self,
                                             GtkCheckButton         *button)
{
  strata_preemptions_panel_set_show_wakeups (self, gtk_check_button_get_active (button));
}

StrataSession *
strata_preemptions_panel_get_session (StrataPreemptionsPanel *self)
{
  g_return_val_if_fail (STRATA_IS_PREEMPTIONS_PANEL (self), NULL);

  return self->session;
}

/* A set's list is made when the panel is first shown or its model asked for, not as the set
 * opens: its tens of thousands of items took longer than drawing the set's first frame. */
static void
strata_preemptions_panel_ensure (StrataPreemptionsPanel *self)
{
  if (!self->stale)
    return;
  self->stale = FALSE;
  strata_preemptions_panel_rebuild (self);
}

void
strata_preemptions_panel_set_session (StrataPreemptionsPanel *self,
                                      StrataSession          *session)
{
  g_return_if_fail (STRATA_IS_PREEMPTIONS_PANEL (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  self->stale = TRUE;
  if (session == NULL || gtk_widget_get_mapped (GTK_WIDGET (self)))
    strata_preemptions_panel_ensure (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
strata_preemptions_panel_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (strata_preemptions_panel_parent_class)->map (widget);
  strata_preemptions_panel_ensure (STRATA_PREEMPTIONS_PANEL (widget));
}

/**
 * strata_preemptions_panel_get_model:
 *
 * Returns: (transfer none): the rows as shown, sorted: #StrataPreemptionItem
 */
GListModel *
strata_preemptions_panel_get_model (StrataPreemptionsPanel *self)
{
  g_return_val_if_fail (STRATA_IS_PREEMPTIONS_PANEL (self), NULL);

  strata_preemptions_panel_ensure (self);
  return G_LIST_MODEL (self->selection);
}

static void
strata_preemptions_panel_dispose (GObject *object)
{
  StrataPreemptionsPanel *self = STRATA_PREEMPTIONS_PANEL (object);
  GtkWidget *child;

  g_clear_object (&self->session);
  /* GTK 4.8's gtk_widget_dispose_template() leaves the unnamed top box. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->items);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (strata_preemptions_panel_parent_class)->dispose (object);
}

static void
strata_preemptions_panel_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  StrataPreemptionsPanel *self = STRATA_PREEMPTIONS_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_SHOW_WAKEUPS:
      g_value_set_boolean (value, self->show_wakeups);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_preemptions_panel_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  StrataPreemptionsPanel *self = STRATA_PREEMPTIONS_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      strata_preemptions_panel_set_session (self, g_value_get_object (value));
      break;
    case PROP_SHOW_WAKEUPS:
      strata_preemptions_panel_set_show_wakeups (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_preemptions_panel_class_init (StrataPreemptionsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_preemptions_panel_dispose;
  object_class->get_property = strata_preemptions_panel_get_property;
  object_class->set_property = strata_preemptions_panel_set_property;
  widget_class->map = strata_preemptions_panel_map;

  /**
   * StrataPreemptionsPanel:session:
   *
   * The session whose preemptions are listed, and which activation zooms.
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * StrataPreemptionsPanel:show-wakeups:
   *
   * Whether the wake-up waits are listed with the preemptions.
   */
  properties[PROP_SHOW_WAKEUPS] =
    g_param_spec_boolean ("show-wakeups", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratatrace/Strata/ui/strata-preemptions-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataPreemptionsPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataPreemptionsPanel, empty_page);
  gtk_widget_class_bind_template_child (widget_class, StrataPreemptionsPanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, StrataPreemptionsPanel, column_view);
  gtk_widget_class_bind_template_child (widget_class, StrataPreemptionsPanel, selection);
  gtk_widget_class_bind_template_child (widget_class, StrataPreemptionsPanel, sort_model);
  gtk_widget_class_bind_template_child (widget_class, StrataPreemptionsPanel, filter_model);
  gtk_widget_class_bind_template_child (widget_class, StrataPreemptionsPanel, wakeups_button);
  gtk_widget_class_bind_template_child (widget_class, StrataPreemptionsPanel, duration_column);
  gtk_widget_class_bind_template_callback (widget_class, strata_preemptions_panel_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_preemptions_panel_wakeups_toggled_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "preemptionspanel");

  g_type_ensure (STRATA_TYPE_PREEMPTION_ITEM);
}

/* Left and Right pan the timeline from the list too, whose rows go up and down only. */
static gboolean
strata_preemptions_panel_pan_cb (GtkWidget *widget,
                                 GVariant  *args,
                                 gpointer   user_data)
{
  StrataPreemptionsPanel *self = user_data;
  const StrataTimeSpan *visible;

  if (self->session == NULL)
    return FALSE;
  visible = strata_session_get_visible_time (self->session);
  strata_session_pan (self->session, g_variant_get_int32 (args) * strata_time_span_duration (*visible) / 10);
  return TRUE;
}

static void
strata_preemptions_panel_init (StrataPreemptionsPanel *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_list_store_new (STRATA_TYPE_PREEMPTION_ITEM);
  self->filter = gtk_custom_filter_new (strata_preemptions_panel_filter, self, NULL);
  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (self->items));
  gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->filter));
  gtk_sort_list_model_set_sorter (self->sort_model, gtk_column_view_get_sorter (self->column_view));
  /* Longest first: who took a vCPU for long is the question; sub-microsecond wake-ups are not. */
  gtk_column_view_sort_by_column (self->column_view, self->duration_column, GTK_SORT_DESCENDING);

  controller = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < 2; i++)
    {
      GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (i == 0 ? GDK_KEY_Left : GDK_KEY_Right, 0),
                                                gtk_callback_action_new (strata_preemptions_panel_pan_cb, self, NULL));

      gtk_shortcut_set_arguments (shortcut, g_variant_new_int32 (i == 0 ? -1 : 1));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
    }
  /* The menu key and Shift+F10 open the selected line's Follow menu, as a right-click does. */
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Menu, 0),
                                                                                       gtk_keyval_trigger_new (GDK_KEY_F10, GDK_SHIFT_MASK)),
                                                          gtk_callback_action_new (strata_preemptions_panel_menu_key_cb, self, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), controller);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (gesture, "pressed", G_CALLBACK (strata_preemptions_panel_context_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (gesture));
  strata_preemptions_panel_rebuild (self);
}

GtkWidget *
strata_preemptions_panel_new (void)
{
  return g_object_new (STRATA_TYPE_PREEMPTIONS_PANEL, NULL);
}
