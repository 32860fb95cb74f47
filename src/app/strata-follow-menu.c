/* strata-follow-menu.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-follow-menu"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-follow-menu.h"
#include "strata-follow.h"
#include "strata-problems.h"

/* Tooltips cannot be clicked: "Follow" is a context menu of whatever shows a thread. */

static gboolean
unparent_idle_cb (gpointer data)
{
  GtkWidget *popover = data;

  if (gtk_widget_get_parent (popover) != NULL)
    gtk_widget_unparent (popover);
  g_object_unref (popover);
  return G_SOURCE_REMOVE;
}

static void
popover_closed_cb (GtkPopover *popover)
{
  /* After the activated item's action ran. */
  g_idle_add (unparent_idle_cb, g_object_ref (popover));
}

void
strata_follow_menu_popup (GtkWidget      *parent,
                          StrataAnalysis *analysis,
                          const gint     *rows,
                          guint           n_rows,
                          double          x,
                          double          y)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkWidget *popover;

  g_return_if_fail (GTK_IS_WIDGET (parent));
  g_return_if_fail (analysis != NULL);

  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *shown = NULL;
      g_autofree char *label = NULL;
      g_autoptr(GMenuItem) item = NULL;
      const char *machine;

      if (rows[i] < 0)
        continue;
      name = strata_follow_name (analysis, (guint) rows[i]);
      shown = strata_display_text (name);
      machine = strata_analysis_get_machine_name (analysis, strata_store_row_machine (analysis->store, rows[i]));
      /* Translators: a context menu item: a thread (name and TID) and its machine */
      label = g_strdup_printf (_("Follow %s of %s"), shown, machine);
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "win.follow-thread", g_variant_new_int32 (rows[i]));
      g_menu_append_item (menu, item);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (menu)) == 0)
    return;

  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_widget_set_parent (popover, parent);
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  g_signal_connect (popover, "closed", G_CALLBACK (popover_closed_cb), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
}
