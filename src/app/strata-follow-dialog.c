/* strata-follow-dialog.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-follow-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-follow-dialog.h"
#include "strata-follow.h"
#include "strata-problems.h"

/*
 * Ctrl+F: the set's threads, one line each ("worker (812) — server1"), which typing a name
 * or a TID filters; Enter follows the selected one (the first left by the search), as does
 * activating a line. A thread's line is a string, so that GtkStringFilter does the search;
 * its store row rides on the string's object.
 */
struct _StrataFollowDialog
{
  GtkWindow           parent_instance;

  /* Template widgets */
  GtkSearchEntry     *search_entry;
  GtkListView        *list_view;
  GtkSingleSelection *selection;
  GtkFilterListModel *filter_model;
  GtkStringFilter    *filter;

  /* Owned */
  StrataSession      *session;
};

G_DEFINE_FINAL_TYPE (StrataFollowDialog, strata_follow_dialog, GTK_TYPE_WINDOW)

static GQuark row_quark;

static void
strata_follow_dialog_follow_item (StrataFollowDialog *self,
                                  GObject            *item)
{
  gint row;

  if (item == NULL)
    return;
  row = GPOINTER_TO_INT (g_object_get_qdata (item, row_quark)) - 1;
  gtk_widget_activate_action (GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (self))),
                              "win.follow-thread", "i", row);
  gtk_window_close (GTK_WINDOW (self));
}

static void
strata_follow_dialog_follow_cb (StrataFollowDialog *self)
{
  strata_follow_dialog_follow_item (self, gtk_single_selection_get_selected_item (self->selection));
}

static void
strata_follow_dialog_activate_cb (StrataFollowDialog *self,
                                  guint               position,
                                  GtkListView        *list_view)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  strata_follow_dialog_follow_item (self, item);
}

static void
strata_follow_dialog_search_changed_cb (StrataFollowDialog *self,
                                        GtkSearchEntry     *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  gtk_string_filter_set_search (self->filter, text[0] != '\0' ? text : NULL);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    gtk_single_selection_set_selected (self->selection, 0);
}

static GListModel *
thread_list (StrataAnalysis *analysis)
{
  StrataStore *store = analysis->store;
  GtkStringList *list = gtk_string_list_new (NULL);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint));

  for (guint r = 0; r < strata_store_n_rows (store); r++)
    if (strata_store_row_kind (store, r) == STRATA_ROW_THREAD && strata_store_row_number (store, r) > 0)
      {
        g_autofree char *name = strata_follow_name (analysis, r);
        g_autofree char *shown = strata_display_text (name);
        g_autofree char *machine = strata_display_text (strata_analysis_get_machine_name (analysis,
                                                                                          strata_store_row_machine (store, r)));
        /* Translators: a line of the Follow dialog: a thread (name and TID), its machine */
        g_autofree char *line = g_strdup_printf (_("%s — %s"), shown, machine);
        gint row = (gint) r;

        gtk_string_list_append (list, line);
        g_array_append_val (rows, row);
      }
  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_object_set_qdata (item, row_quark, GINT_TO_POINTER (g_array_index (rows, gint, i) + 1));
    }
  return G_LIST_MODEL (list);
}

GtkEditable *
strata_follow_dialog_get_search_entry (StrataFollowDialog *self)
{
  g_return_val_if_fail (STRATA_IS_FOLLOW_DIALOG (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

guint
strata_follow_dialog_get_n_shown (StrataFollowDialog *self)
{
  g_return_val_if_fail (STRATA_IS_FOLLOW_DIALOG (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
}

static void
strata_follow_dialog_dispose (GObject *object)
{
  StrataFollowDialog *self = STRATA_FOLLOW_DIALOG (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (strata_follow_dialog_parent_class)->dispose (object);
}

static void
strata_follow_dialog_class_init (StrataFollowDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_follow_dialog_dispose;
  row_quark = g_quark_from_static_string ("strata-follow-row");

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratatrace/Strata/ui/strata-follow-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataFollowDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataFollowDialog, list_view);
  gtk_widget_class_bind_template_child (widget_class, StrataFollowDialog, selection);
  gtk_widget_class_bind_template_child (widget_class, StrataFollowDialog, filter_model);
  gtk_widget_class_bind_template_child (widget_class, StrataFollowDialog, filter);
  gtk_widget_class_bind_template_callback (widget_class, strata_follow_dialog_follow_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_follow_dialog_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_follow_dialog_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, gtk_window_close);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
strata_follow_dialog_init (StrataFollowDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

StrataFollowDialog *
strata_follow_dialog_new (GtkWindow     *parent,
                          StrataSession *session)
{
  StrataFollowDialog *self;
  g_autoptr(GListModel) threads = NULL;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (STRATA_IS_SESSION (session), NULL);

  self = g_object_new (STRATA_TYPE_FOLLOW_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  threads = thread_list (strata_session_get_analysis (session));
  gtk_filter_list_model_set_model (self->filter_model, threads);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return self;
}
