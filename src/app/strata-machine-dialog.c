/* strata-machine-dialog.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-machine-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-app-util.h"
#include "strata-machine-dialog.h"
#include "strata-machine-item.h"

/* Sets remembered in the settings' highlighted-machines, the most recent last. */
#define MAX_REMEMBERED 20

/*
 * The select-machine dialog: a checklist tree of the set's machines (hosts, their VMs, the VMs'
 * vCPUs) that a search entry filters. Each change applies at once: the session's highlight
 * dims what is not checked, and the choice is remembered for the set in the settings.
 * Keyboard: type to filter, Down to reach the list, arrows to move, Space to toggle, Enter or
 * Escape to close.
 */
struct _StrataMachineDialog
{
  GtkWindow           parent_instance;

  /* Template widgets */
  GtkSearchEntry     *search_entry;
  GtkListView        *list_view;
  GtkSingleSelection *selection;
  GtkFilterListModel *filter_model;
  GtkStack           *list_stack;

  /* Owned */
  StrataSession      *session;
  GSettings          *settings;   /* NULL: nothing is remembered */
  char              **paths;      /* the set's folders: its key in the settings */
  GListModel         *roots;      /* StrataMachineItem */
  GtkCustomFilter    *filter;
  char               *folded_search;
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SETTINGS,
  PROP_PATHS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataMachineDialog, strata_machine_dialog, GTK_TYPE_WINDOW)

static char *
choice_key (const char * const *paths)
{
  return g_strjoinv ("\n", (char **) paths);
}

/**
 * strata_machine_dialog_load_choice:
 *
 * Returns: (transfer full) (nullable): the names checked when the set of @paths was last
 *   shown, or %NULL
 */
char **
strata_machine_dialog_load_choice (GSettings          *settings,
                                   const char * const *paths)
{
  g_autoptr(GVariant) all = NULL;
  g_autofree char *key = NULL;
  char **names = NULL;

  if (settings == NULL || paths == NULL || !strata_app_strv_is_utf8 (paths))
    return NULL;
  key = choice_key (paths);
  all = g_settings_get_value (settings, "highlighted-machines");
  if (!g_variant_lookup (all, key, "^as", &names))
    return NULL;
  return names;
}

void
strata_machine_dialog_save_choice (GSettings          *settings,
                                   const char * const *paths,
                                   const char * const *names)
{
  g_autoptr(GVariant) all = NULL;
  g_autoptr(GVariant) previous = NULL;
  g_autofree char *key = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *other;
  GVariant *value;
  gsize n, skip;

  /* Settings hold text: folders or names that are not UTF-8 are not remembered. */
  if (settings == NULL || paths == NULL || !strata_app_strv_is_utf8 (paths) ||
      !strata_app_strv_is_utf8 (names))
    return;
  key = choice_key (paths);
  all = g_settings_get_value (settings, "highlighted-machines");

  /* The other sets' choices, the oldest dropped beyond the limit; this set's last. */
  previous = g_variant_lookup_value (all, key, NULL);
  n = g_variant_n_children (all) - (previous != NULL);
  skip = n >= MAX_REMEMBERED ? n - MAX_REMEMBERED + 1 : 0;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sas}"));
  g_variant_iter_init (&iter, all);
  while (g_variant_iter_next (&iter, "{&s@as}", &other, &value))
    {
      if (g_strcmp0 (other, key) != 0)
        {
          if (skip > 0)
            skip--;
          else
            g_variant_builder_add (&builder, "{s@as}", other, value);
        }
      g_variant_unref (value);
    }
  if (names != NULL && names[0] != NULL)
    g_variant_builder_add (&builder, "{s^as}", key, names);
  g_settings_set_value (settings, "highlighted-machines", g_variant_builder_end (&builder));
}

/**
 * strata_machine_dialog_restore:
 *
 * Highlights in @session what was checked when the set of @paths was last shown.
 */
void
strata_machine_dialog_restore (StrataSession      *session,
                               GSettings          *settings,
                               const char * const *paths)
{
  g_auto(GStrv) names = strata_machine_dialog_load_choice (settings, paths);
  g_autoptr(GListModel) roots = NULL;
  g_autoptr(StrataHighlight) highlight = NULL;

  g_return_if_fail (STRATA_IS_SESSION (session));

  if (names == NULL)
    return;
  roots = strata_machine_item_new_tree (strata_session_get_analysis (session));
  strata_machine_items_set_checked (roots, (const char * const *) names);
  highlight = strata_machine_items_get_highlight (roots);
  strata_session_set_highlight (session, highlight);
}

static void
strata_machine_dialog_apply (StrataMachineDialog *self)
{
  g_auto(GStrv) names = strata_machine_items_dup_checked (self->roots);
  g_autoptr(StrataHighlight) highlight = strata_machine_items_get_highlight (self->roots);

  strata_session_set_highlight (self->session, highlight);
  strata_machine_dialog_save_choice (self->settings, (const char * const *) self->paths,
                                     (const char * const *) names);
}

static void
strata_machine_dialog_item_changed_cb (StrataMachineDialog *self,
                                       GParamSpec          *pspec,
                                       StrataMachineItem   *item)
{
  strata_machine_dialog_apply (self);
}

static void
watch_items (StrataMachineDialog *self,
             GListModel          *model)
{
  guint n = model ? g_list_model_get_n_items (model) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataMachineItem) item = g_list_model_get_item (model, i);

      g_signal_connect_object (item, "notify::checked",
                               G_CALLBACK (strata_machine_dialog_item_changed_cb),
                               self, G_CONNECT_SWAPPED);
      watch_items (self, strata_machine_item_get_children (item));
    }
}

static gboolean
strata_machine_dialog_filter_func (gpointer item,
                                   gpointer user_data)
{
  StrataMachineDialog *self = user_data;

  return strata_machine_item_matches (gtk_tree_list_row_get_item (item), self->folded_search);
}

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  GListModel *children = strata_machine_item_get_children (item);

  return children ? g_object_ref (children) : NULL;
}

static gboolean
matches_itself (StrataMachineItem *item,
                const char        *folded)
{
  const char *subtitle = strata_machine_item_get_subtitle (item);
  g_autofree char *name = g_utf8_casefold (strata_machine_item_get_name (item), -1);
  g_autofree char *title = g_utf8_casefold (strata_machine_item_get_title (item), -1);
  g_autofree char *sub = g_utf8_casefold (subtitle ? subtitle : "", -1);

  return strstr (name, folded) != NULL || strstr (title, folded) != NULL || strstr (sub, folded) != NULL;
}

static void
strata_machine_dialog_search_changed_cb (StrataMachineDialog *self,
                                         GtkSearchEntry      *entry)
{
  guint n;

  g_assert (STRATA_IS_MACHINE_DIALOG (self));

  g_free (self->folded_search);
  self->folded_search = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (entry)), -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);

  /* Select the first row that matches itself, not just a parent of a match, so that Space
   * toggles what was searched for. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  gtk_stack_set_visible_child_name (self->list_stack, n > 0 ? "list" : "empty");
  for (guint i = 0; i < n && self->folded_search[0] != '\0'; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), i);

      if (matches_itself (gtk_tree_list_row_get_item (row), self->folded_search))
        {
          gtk_single_selection_set_selected (self->selection, i);
          break;
        }
    }
}

static void
strata_machine_dialog_close_cb (StrataMachineDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
toggle_row (GtkTreeListRow *row)
{
  StrataMachineItem *item;

  if (row == NULL)
    return;
  item = gtk_tree_list_row_get_item (row);
  strata_machine_item_set_checked (item, !strata_machine_item_get_checked (item));
  g_object_unref (item);
}

static void
strata_machine_dialog_activate_cb (StrataMachineDialog *self,
                                   guint                position,
                                   GtkListView         *list_view)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  /* Double click: toggle. (Enter closes, through the list's shortcuts.) */
  toggle_row (row);
}

static gboolean
strata_machine_dialog_toggle_selected_cb (GtkWidget *widget,
                                          GVariant  *args,
                                          gpointer   user_data)
{
  StrataMachineDialog *self = user_data;

  toggle_row (gtk_single_selection_get_selected_item (self->selection));
  return TRUE;
}

/* Space in the search field: part of the search while the search with a space still finds
 * something ("vCPU 1"), else it checks or unchecks the row the search selected. */
static gboolean
strata_machine_dialog_search_space_cb (GtkWidget *widget,
                                       GVariant  *args,
                                       gpointer   user_data)
{
  StrataMachineDialog *self = user_data;
  g_autofree char *folded = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);
  g_autofree char *spaced = NULL;
  guint n;

  /* The entry says a search has changed only after a pause: typed quickly, "vcpu 1" meets
   * this Space before the filter knows of "vcpu". Filter by what is typed first. */
  if (g_strcmp0 (folded, self->folded_search) != 0)
    strata_machine_dialog_search_changed_cb (self, self->search_entry);
  spaced = g_strconcat (self->folded_search, " ", NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  if (self->folded_search[0] != '\0')
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), i);

        if (strata_machine_item_matches (gtk_tree_list_row_get_item (row), spaced))
          return FALSE;
      }
  toggle_row (gtk_single_selection_get_selected_item (self->selection));
  return TRUE;
}

static gboolean
strata_machine_dialog_close_shortcut_cb (GtkWidget *widget,
                                         GVariant  *args,
                                         gpointer   user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
  return TRUE;
}

static gboolean
strata_machine_dialog_focus_list_cb (GtkWidget *widget,
                                     GVariant  *args,
                                     gpointer   user_data)
{
  StrataMachineDialog *self = user_data;

  return gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
strata_machine_dialog_setup_cb (StrataMachineDialog      *self,
                                GtkListItem              *list_item,
                                GtkSignalListItemFactory *factory)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *subtitle = gtk_label_new (NULL);

  /* The row takes the focus; Space on it toggles the box. */
  gtk_widget_set_focusable (check, FALSE);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (subtitle, TRUE);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 1.0f);
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (list_item, expander);
}

static void
unbind_all (gpointer data)
{
  GPtrArray *bindings = data;

  for (guint i = 0; i < bindings->len; i++)
    g_binding_unbind (g_ptr_array_index (bindings, i));
  g_ptr_array_unref (bindings);
}

static void
strata_machine_dialog_bind_cb (StrataMachineDialog      *self,
                               GtkListItem              *list_item,
                               GtkSignalListItemFactory *factory)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkWidget *check = gtk_widget_get_first_child (box);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (check);
  g_autoptr(StrataMachineItem) item = gtk_tree_list_row_get_item (row);
  GPtrArray *bindings = g_ptr_array_new ();

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_check_button_set_label (GTK_CHECK_BUTTON (check), strata_machine_item_get_title (item));
  gtk_label_set_label (GTK_LABEL (subtitle), strata_machine_item_get_subtitle (item));
  /* Bindings hold no reference on their ends: the list item keeps them until unbind. */
  g_ptr_array_add (bindings, g_object_bind_property (item, "checked", check, "active",
                                                     G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE));
  g_ptr_array_add (bindings, g_object_bind_property (item, "inconsistent", check, "inconsistent",
                                                     G_BINDING_SYNC_CREATE));
  g_object_set_data_full (G_OBJECT (list_item), "strata-bindings", bindings, unbind_all);
}

static void
strata_machine_dialog_unbind_cb (StrataMachineDialog      *self,
                                 GtkListItem              *list_item,
                                 GtkSignalListItemFactory *factory)
{
  GtkWidget *expander = gtk_list_item_get_child (list_item);

  g_object_set_data (G_OBJECT (list_item), "strata-bindings", NULL);
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), NULL);
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  StrataMachineDialog *self = STRATA_MACHINE_DIALOG (widget);

  strata_machine_items_set_checked (self->roots, NULL);
  strata_machine_dialog_apply (self);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  gtk_widget_grab_focus (GTK_WIDGET (STRATA_MACHINE_DIALOG (widget)->search_entry));
}

static void
add_shortcut (GtkWidget       *widget,
              guint            keyval,
              GtkShortcutFunc  func,
              gpointer         user_data)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (keyval, 0),
                                                          gtk_callback_action_new (func, user_data, NULL)));
  gtk_widget_add_controller (widget, controller);
}

/* Checks what @highlight names: whole machines, or the vCPUs named of a machine in part. */
static void
check_highlighted (GListModel            *model,
                   const StrataHighlight *highlight)
{
  guint n = model ? g_list_model_get_n_items (model) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataMachineItem) item = g_list_model_get_item (model, i);
      gint machine = strata_machine_item_get_machine (item);
      gint vcpu = strata_machine_item_get_vcpu (item);

      if (vcpu < 0 && strata_highlight_has_machine (highlight, machine) &&
          !strata_highlight_is_partial (highlight, machine))
        strata_machine_item_set_checked (item, TRUE);
      else if (vcpu >= 0 && strata_highlight_is_partial (highlight, machine) &&
               strata_highlight_has_vcpu (highlight, machine, vcpu))
        strata_machine_item_set_checked (item, TRUE);
      check_highlighted (strata_machine_item_get_children (item), highlight);
    }
}

static void
strata_machine_dialog_constructed (GObject *object)
{
  StrataMachineDialog *self = STRATA_MACHINE_DIALOG (object);
  g_autoptr(StrataHighlight) from_names = NULL;
  g_auto(GStrv) names = NULL;
  GtkTreeListModel *tree;

  G_OBJECT_CLASS (strata_machine_dialog_parent_class)->constructed (object);

  g_return_if_fail (STRATA_IS_SESSION (self->session));

  self->roots = strata_machine_item_new_tree (strata_session_get_analysis (self->session));

  /* What the view shows now: the remembered names when they give the session's highlight
   * (they are what the user checked), else the highlight itself, machine by machine. */
  names = strata_machine_dialog_load_choice (self->settings, (const char * const *) self->paths);
  strata_machine_items_set_checked (self->roots, (const char * const *) names);
  from_names = strata_machine_items_get_highlight (self->roots);
  if (!strata_highlight_equal (from_names, strata_session_get_highlight (self->session)))
    {
      strata_machine_items_set_checked (self->roots, NULL);
      check_highlighted (self->roots, strata_session_get_highlight (self->session));
    }
  watch_items (self, self->roots);

  tree = gtk_tree_list_model_new (g_object_ref (self->roots), FALSE, TRUE, create_children, NULL, NULL);
  self->filter = gtk_custom_filter_new (strata_machine_dialog_filter_func, self, NULL);
  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (tree));
  gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->filter));
  g_object_unref (tree);
}

/**
 * strata_machine_dialog_get_roots:
 *
 * Returns: (transfer none): the top items of the checklist (#StrataMachineItem)
 */
GListModel *
strata_machine_dialog_get_roots (StrataMachineDialog *self)
{
  g_return_val_if_fail (STRATA_IS_MACHINE_DIALOG (self), NULL);

  return self->roots;
}

/**
 * strata_machine_dialog_get_shown:
 *
 * Returns: (transfer none): the rows the filter leaves, as listed (#GtkTreeListRow)
 */
GListModel *
strata_machine_dialog_get_shown (StrataMachineDialog *self)
{
  g_return_val_if_fail (STRATA_IS_MACHINE_DIALOG (self), NULL);

  return G_LIST_MODEL (self->selection);
}

static void
strata_machine_dialog_dispose (GObject *object)
{
  StrataMachineDialog *self = STRATA_MACHINE_DIALOG (object);

  if (self->filter_model != NULL)
    gtk_filter_list_model_set_filter (self->filter_model, NULL);
  g_clear_object (&self->filter);
  g_clear_object (&self->roots);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (strata_machine_dialog_parent_class)->dispose (object);
}

static void
strata_machine_dialog_finalize (GObject *object)
{
  StrataMachineDialog *self = STRATA_MACHINE_DIALOG (object);

  g_clear_pointer (&self->paths, g_strfreev);
  g_clear_pointer (&self->folded_search, g_free);

  G_OBJECT_CLASS (strata_machine_dialog_parent_class)->finalize (object);
}

static void
strata_machine_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  StrataMachineDialog *self = STRATA_MACHINE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_PATHS:
      g_value_set_boxed (value, self->paths);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_machine_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  StrataMachineDialog *self = STRATA_MACHINE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_PATHS:
      self->paths = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_machine_dialog_class_init (StrataMachineDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = strata_machine_dialog_constructed;
  object_class->dispose = strata_machine_dialog_dispose;
  object_class->finalize = strata_machine_dialog_finalize;
  object_class->get_property = strata_machine_dialog_get_property;
  object_class->set_property = strata_machine_dialog_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * StrataMachineDialog:paths:
   *
   * The folders of the set shown: the choice is remembered under them.
   */
  properties[PROP_PATHS] =
    g_param_spec_boxed ("paths", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratatrace/Strata/ui/strata-machine-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataMachineDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataMachineDialog, list_view);
  gtk_widget_class_bind_template_child (widget_class, StrataMachineDialog, selection);
  gtk_widget_class_bind_template_child (widget_class, StrataMachineDialog, filter_model);
  gtk_widget_class_bind_template_child (widget_class, StrataMachineDialog, list_stack);
  gtk_widget_class_bind_template_callback (widget_class, strata_machine_dialog_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_machine_dialog_close_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_machine_dialog_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_machine_dialog_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_machine_dialog_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_machine_dialog_unbind_cb);

  gtk_widget_class_install_action (widget_class, "dialog.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "dialog.focus-search", NULL, focus_search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "dialog.focus-search", NULL);
}

static void
strata_machine_dialog_init (StrataMachineDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->folded_search = g_strdup ("");
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
  add_shortcut (GTK_WIDGET (self->list_view), GDK_KEY_space, strata_machine_dialog_toggle_selected_cb, self);
  add_shortcut (GTK_WIDGET (self->list_view), GDK_KEY_Return, strata_machine_dialog_close_shortcut_cb, self);
  add_shortcut (GTK_WIDGET (self->list_view), GDK_KEY_KP_Enter, strata_machine_dialog_close_shortcut_cb, self);
  add_shortcut (GTK_WIDGET (self->search_entry), GDK_KEY_Down, strata_machine_dialog_focus_list_cb, self);
  add_shortcut (GTK_WIDGET (self->search_entry), GDK_KEY_space, strata_machine_dialog_search_space_cb, self);
}

StrataMachineDialog *
strata_machine_dialog_new (GtkWindow          *parent,
                           StrataSession      *session,
                           GSettings          *settings,
                           const char * const *paths)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (STRATA_IS_SESSION (session), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (STRATA_TYPE_MACHINE_DIALOG,
                       "transient-for", parent,
                       "session", session,
                       "settings", settings,
                       "paths", paths,
                       NULL);
}
