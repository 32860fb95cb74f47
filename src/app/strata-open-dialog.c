/* strata-open-dialog.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-open-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-open-dialog.h"

/* The one place that asks the user for trace folders, and for an image file to export to.
 * GTK 4.8 has GtkFileChooserNative (a portal inside a Flatpak); with GTK >= 4.10 these become
 * gtk_file_dialog_select_multiple_folders() and gtk_file_dialog_save(), and nothing else
 * changes. */

static void
strata_open_trace_dialog_response_cb (GtkNativeDialog *native,
                                      int              response,
                                      GTask           *task)
{
  g_autoptr(GTask) owned_task = task;
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GPtrArray) paths = NULL;
  guint n_files;

  g_assert (GTK_IS_NATIVE_DIALOG (native));
  g_assert (G_IS_TASK (task));

  g_signal_handlers_disconnect_by_func (native, strata_open_trace_dialog_response_cb, task);

  if (response != GTK_RESPONSE_ACCEPT)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "%s", _("No folder was chosen"));
      return;
    }

  files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));
  n_files = g_list_model_get_n_items (files);
  paths = g_ptr_array_new_null_terminated (n_files, g_free, TRUE);

  for (guint i = 0; i < n_files; i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      g_autofree char *path = g_file_get_path (file);

      /* Only local folders can be read; a portal hands out local paths too. */
      if (path != NULL)
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }

  if (paths->len == 0)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             "%s", _("Only local folders can be opened"));
  else
    g_task_return_pointer (task, g_ptr_array_steal (paths, NULL), (GDestroyNotify) g_strfreev);
}

/**
 * strata_open_trace_dialog:
 * @parent: (nullable): the window the dialog is modal for
 *
 * Asks for one or more trace folders. Finish with strata_open_trace_dialog_finish().
 */
void
strata_open_trace_dialog (GtkWindow           *parent,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GtkFileChooserNative *native;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  native = gtk_file_chooser_native_new (_("Open Trace Folders"),
                                        parent,
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                        _("_Open"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_open_trace_dialog);
  /* The task owns the dialog; the dialog's handler owns a task reference until it answers. */
  g_task_set_task_data (task, native, g_object_unref);

  g_signal_connect (native, "response",
                    G_CALLBACK (strata_open_trace_dialog_response_cb),
                    g_object_ref (task));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/**
 * strata_open_trace_dialog_finish:
 *
 * Returns: (transfer full): the absolute paths chosen, or %NULL with %G_IO_ERROR_CANCELLED
 *   when the user chose none
 */
char **
strata_open_trace_dialog_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_open_trace_dialog, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
strata_save_image_dialog_response_cb (GtkNativeDialog *native,
                                      int              response,
                                      GTask           *task)
{
  g_autoptr(GTask) owned_task = task;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  GtkFileFilter *filter;

  g_assert (GTK_IS_NATIVE_DIALOG (native));
  g_assert (G_IS_TASK (task));

  g_signal_handlers_disconnect_by_func (native, strata_save_image_dialog_response_cb, task);

  if (response != GTK_RESPONSE_ACCEPT ||
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native))) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "%s", _("No file was chosen"));
      return;
    }
  if ((path = g_file_get_path (file)) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "%s", _("Images can only be written to local files"));
      return;
    }

  /* A name typed without its extension takes the chosen type's. */
  if (!g_str_has_suffix (path, ".png") && !g_str_has_suffix (path, ".PNG") &&
      !g_str_has_suffix (path, ".svg") && !g_str_has_suffix (path, ".SVG"))
    {
      char *named;

      filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (native));
      named = g_strconcat (path, filter != NULL && g_object_get_data (G_OBJECT (filter), "strata-svg")
                                 ? ".svg" : ".png", NULL);
      g_free (path);
      path = named;
    }
  g_task_return_pointer (task, g_steal_pointer (&path), g_free);
}

/**
 * strata_save_image_dialog:
 * @name: the file name offered, without its extension
 * @folder: (nullable): the folder the dialog opens in
 *
 * Asks for a PNG or SVG file to write; strata_save_image_dialog_finish() gives its path.
 */
void
strata_save_image_dialog (GtkWindow           *parent,
                          const char          *name,
                          const char          *folder,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GtkFileFilter) png = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) svg = gtk_file_filter_new ();
  g_autofree char *file_name = NULL;
  GtkFileChooserNative *native;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  native = gtk_file_chooser_native_new (_("Export the View"),
                                        parent,
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);

  gtk_file_filter_set_name (png, _("PNG Image"));
  gtk_file_filter_add_mime_type (png, "image/png");
  gtk_file_filter_add_suffix (png, "png");
  gtk_file_filter_set_name (svg, _("SVG Image"));
  gtk_file_filter_add_mime_type (svg, "image/svg+xml");
  gtk_file_filter_add_suffix (svg, "svg");
  g_object_set_data (G_OBJECT (svg), "strata-svg", GINT_TO_POINTER (TRUE));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), png);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), svg);
  file_name = g_strdup_printf ("%s.png", name != NULL && name[0] != '\0' ? name : "strata");
  if (folder != NULL)
    {
      g_autoptr(GFile) location = g_file_new_for_path (folder);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), location, NULL);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), file_name);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_save_image_dialog);
  g_task_set_task_data (task, native, g_object_unref);

  g_signal_connect (native, "response",
                    G_CALLBACK (strata_save_image_dialog_response_cb),
                    g_object_ref (task));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

char *
strata_save_image_dialog_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_save_image_dialog, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
