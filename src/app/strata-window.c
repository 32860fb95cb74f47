/* strata-window.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-window"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-analysis.h"
#include "strata-app-util.h"
#include "strata-application.h"
#include "strata-legend.h"
#include "strata-loss-banner.h"
#include "strata-loader.h"
#include "strata-machine-dialog.h"
#include "strata-open-dialog.h"
#include "strata-exits-panel.h"
#include "strata-findings-panel.h"
#include "strata-follow-bar.h"
#include "strata-follow-dialog.h"
#include "strata-preemptions-panel.h"
#include "strata-stats-panel.h"
#include "strata-range-popover.h"
#include "strata-guest-links.h"
#include "strata-set-summary.h"
#include "strata-style-switcher.h"
#include "strata-time.h"
#include "strata-timeline-view.h"
#include "strata-problems.h"
#include "strata-timing.h"
#include "strata-window.h"

struct _StrataWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;
  GtkMenuButton        *primary_menu_button;
  GMenu                *recent_section;
  GtkStack             *stack;
  GtkRevealer          *welcome_error_revealer;
  GtkLabel             *welcome_error_label;
  GtkWidget            *recent_box;
  GtkListBox           *recent_list;
  GtkLabel             *loading_label;
  GtkProgressBar       *progress_bar;
  StrataGuestLinks     *guest_links;
  StrataSetSummary     *set_summary;
  StrataTimelineView   *timeline_view;
  GtkWidget            *set_buttons;
  GtkWidget            *highlight_button;
  GtkWidget            *export_button;
  GtkWidget            *details_button;
  GtkWidget            *details_box;
  GtkStack             *details_stack;
  GtkRevealer          *notice_revealer;
  GtkLabel             *notice_label;

  /* Owned */
  StrataSession        *session;         /* the view state of the set shown, else NULL */
  GSettings            *settings;        /* NULL when the schema is not installed */
  StrataLoader         *loader;          /* the load in progress, else NULL */
  GCancellable         *cancellable;     /* of the load in progress, else NULL */
  GBindingGroup        *loader_bindings; /* the progress bar shows the loader's progress */
  char                **paths;           /* the folders of the set shown */
  StrataTimeSpan        reload_visible;  /* the range to show again after a reload; empty: none */
  StrataTiming         *timing;          /* STRATA_TIMING=1: a load's time to its first frame */

  /* Borrowed */
  AdwToast             *toast;           /* the toast shown last, until it is dismissed */

  guint                 narrow : 1;      /* the header bar keeps only what the menu lacks */
  guint                 narrow_idle;
};

/* Narrower than this, the header bar leaves out the buttons whose commands the primary menu
 * and the shortcuts have (Highlight Machines, Export, the details panel): the window then
 * works down to 360 px. */
#define NARROW_WIDTH 600

enum {
  PROP_0,
  PROP_LOADING,
  PROP_SESSION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (StrataWindow, strata_window, ADW_TYPE_APPLICATION_WINDOW)

static GParamSpec *properties[N_PROPS];

static void
strata_window_set_titles (StrataWindow *self,
                          const char   *title,
                          const char   *subtitle)
{
  g_autofree char *window_title = NULL;
  g_autofree char *shown_title = strata_display_text (title);
  g_autofree char *shown_subtitle = strata_display_text (subtitle);

  g_assert (STRATA_IS_WINDOW (self));

  /* A set is named after its folders, which may hold anything but a slash. */
  title = shown_title;
  subtitle = shown_subtitle;
  if (title == NULL)
    {
      adw_window_title_set_title (self->window_title, _("Strata"));
      gtk_window_set_title (GTK_WINDOW (self), _("Strata"));
    }
  else
    {
      /* Translators: the window title: the name of the trace set, then the app's */
      window_title = g_strdup_printf (_("%s — Strata"), title);
      adw_window_title_set_title (self->window_title, title);
      gtk_window_set_title (GTK_WINDOW (self), window_title);
    }

  adw_window_title_set_subtitle (self->window_title, subtitle);
}

/* Shows @toast in place of the one shown, which it dismisses. */
static void
strata_window_toast_dismissed_cb (StrataWindow *self,
                                  AdwToast     *toast)
{
  if (self->toast == toast)
    self->toast = NULL;
}

static void
strata_window_show_toast (StrataWindow *self,
                          AdwToast     *toast)
{
  g_assert (STRATA_IS_WINDOW (self));
  g_assert (ADW_IS_TOAST (toast));

  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  self->toast = toast;
  g_signal_connect_object (toast, "dismissed",
                           G_CALLBACK (strata_window_toast_dismissed_cb),
                           self, G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Close Set closes a set shown or loading; on the welcome page, Ctrl+W closes the window. */
static void
strata_window_update_close_set (StrataWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-set",
                                 self->loader != NULL || self->paths != NULL);
}

/* The commands that need a set shown. */
static void
strata_window_set_has_set (StrataWindow *self,
                           gboolean      has_set)
{
  gtk_widget_set_visible (self->set_buttons, has_set);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.select-machines", has_set);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", has_set);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.toggle-details", has_set);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload", has_set);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.follow", has_set);
  strata_window_update_close_set (self);
}

/* Stepping and stopping work while a thread is followed (Escape is free otherwise). */
static void
strata_window_followed_changed_cb (StrataWindow *self)
{
  gboolean following = self->session != NULL && strata_session_get_followed_row (self->session) >= 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.follow-next", following);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.follow-prev", following);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.follow-stop", following);
}

static void
strata_window_set_session (StrataWindow  *self,
                           StrataSession *session)
{
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, strata_window_followed_changed_cb, self);
  if (g_set_object (&self->session, session))
    {
      if (session != NULL)
        g_signal_connect_object (session, "notify::followed-row",
                                 G_CALLBACK (strata_window_followed_changed_cb), self, G_CONNECT_SWAPPED);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
    }
  strata_window_followed_changed_cb (self);
}

static void
strata_window_show_welcome (StrataWindow *self,
                            const char   *error_message)
{
  g_assert (STRATA_IS_WINDOW (self));

  /* What a toast says is of the set that goes (its problems toast stays until dismissed). */
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  strata_set_summary_set_set (self->set_summary, NULL);
  strata_window_set_session (self, NULL);
  g_clear_pointer (&self->paths, g_strfreev);
  strata_window_set_has_set (self, FALSE);
  strata_window_set_titles (self, NULL, NULL);

  {
    g_autofree char *shown = strata_display_text (error_message != NULL ? error_message : "");

    gtk_label_set_label (self->welcome_error_label, shown);
  }
  gtk_revealer_set_reveal_child (self->welcome_error_revealer, error_message != NULL);
  gtk_stack_set_visible_child_name (self->stack, "welcome");
}

static void
strata_window_show_set (StrataWindow       *self,
                        const char * const *paths,
                        StrataAnalysis     *analysis)
{
  g_autoptr(StrataSession) session = NULL;
  StrataSet *set = analysis->set;
  g_autofree char *name = NULL;
  g_autofree char *events = NULL;
  g_autofree char *subtitle = NULL;
  guint n_traces;

  g_assert (STRATA_IS_WINDOW (self));
  g_assert (paths != NULL);
  g_assert (analysis != NULL);

  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  g_clear_pointer (&self->paths, g_strfreev);
  self->paths = g_strdupv ((char **) paths);

  n_traces = set->traces->len;
  name = strata_app_set_name (paths);
  events = strata_app_format_count (strata_set_event_count (set));
  /* Translators: the subtitle of a trace set: the number of traces, then of events */
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u trace, %s events",
                                           "%u traces, %s events",
                                           n_traces),
                              n_traces, events);

  /* The machines highlighted when this set was last shown are highlighted again. */
  session = strata_session_new (analysis);
  strata_machine_dialog_restore (session, self->settings, paths);

  strata_set_summary_set_set (self->set_summary, set);
  strata_set_summary_set_warnings (self->set_summary, analysis->warnings);
  strata_set_summary_set_span (self->set_summary, strata_store_begin (analysis->store),
                               strata_store_end (analysis->store));
  strata_window_set_session (self, session);
  /* The rows come first: the problems of single traces are a toast's button away. */
  gtk_widget_set_visible (self->details_box, FALSE);
  if (strata_set_summary_get_n_problems (self->set_summary) > 0)
    {
      guint n = strata_set_summary_get_n_problems (self->set_summary);
      AdwToast *toast;

      /* Translators: a toast after loading a set that was read only in part, or whose
       * analysis found something wrong (a guest linked by hand that does not fit its VM) */
      toast = adw_toast_new_format (g_dngettext (GETTEXT_PACKAGE,
                                                 "%u problem while reading or analysing this set",
                                                 "%u problems while reading or analysing this set",
                                                 n),
                                    n);
      adw_toast_set_button_label (toast, _("_Show"));
      adw_toast_set_action_name (toast, "win.show-problems");
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      /* Until dismissed: it is the way to what was wrong, which must not go by unread. */
      adw_toast_set_timeout (toast, 0);
      strata_window_show_toast (self, toast);
    }
  strata_window_set_has_set (self, TRUE);
  strata_window_set_titles (self, name, subtitle);
  gtk_revealer_set_reveal_child (self->welcome_error_revealer, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "set");
  gtk_widget_grab_focus (GTK_WIDGET (self->timeline_view));
}

/* Forgets the load in progress, without showing anything else. */
static void
strata_window_clear_load (StrataWindow *self)
{
  g_assert (STRATA_IS_WINDOW (self));

  if (self->loader == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_binding_group_set_source (self->loader_bindings, NULL);
  g_clear_object (&self->loader);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-load", FALSE);
  strata_window_update_close_set (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* STRATA_TIMING=1: how long the first frame of a set took after its load ended. */
static void
strata_window_after_paint_cb (StrataWindow  *self,
                              GdkFrameClock *clock)
{
  g_assert (STRATA_IS_WINDOW (self));

  g_signal_handlers_disconnect_by_func (clock, strata_window_after_paint_cb, self);
  strata_timing_phase_cb ("first frame", self->timing);
  g_clear_pointer (&self->timing, strata_timing_free);
}

/* Each load has a StrataLoader of its own, which the progress bar follows while it is the
 * window's. Its completion reaches the window through a weak reference (a window closed
 * while loading goes, and its disposal cancels the load), and drops what a load that is no
 * longer the window's made: the window is gone, or the load was cancelled or superseded. */
static void
strata_window_load_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  StrataLoader *loader = (StrataLoader *) object;
  GWeakRef *window_ref = user_data;
  g_autoptr(StrataWindow) self = g_weak_ref_get (window_ref);
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;

  g_weak_ref_clear (window_ref);
  g_free (window_ref);
  analysis = strata_loader_load_finish (loader, result, &error);

  if (self == NULL || self->loader != loader)
    return;

  paths = g_strdupv ((char **) strata_loader_get_paths (loader));
  strata_window_clear_load (self);

  if (analysis == NULL)
    {
      g_debug ("Loading failed: %s", error->message);
      strata_window_show_welcome (self, error->message);
      return;
    }

  strata_window_show_set (self, (const char * const *) paths, analysis);
  strata_app_remember_set (self->settings, (const char * const *) paths);
  if (self->timing != NULL && gtk_widget_get_frame_clock (GTK_WIDGET (self)) != NULL)
    {
      strata_timing_phase_cb (strata_loader_get_from_cache (loader) ? "opened saved" : "loaded", self->timing);
      g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                               G_CALLBACK (strata_window_after_paint_cb), self, G_CONNECT_SWAPPED);
    }

  /* A set read again shows the range it showed, as far as it still lies in the set. */
  if (!strata_time_span_is_empty (self->reload_visible))
    strata_session_zoom_to (self->session, self->reload_visible.begin, self->reload_visible.end);
  self->reload_visible = (StrataTimeSpan) { 0, 0 };

  /* Told once a run of the application, whichever window loads first. */
  if (strata_loader_get_cache (loader) != NULL)
    {
      g_autofree char *problem = strata_cache_take_problem (strata_loader_get_cache (loader));

      if (problem != NULL)
        {
          g_autofree char *notice =
            /* Translators: %s says why, e.g. "Cannot save analyses in /x: Permission denied" */
            g_strdup_printf (_("%s. Sets will be read and analysed each time they are opened."), problem);

          gtk_label_set_label (self->notice_label, notice);
          gtk_revealer_set_reveal_child (self->notice_revealer, TRUE);
        }
    }
}

static void
strata_window_notice_dismissed_cb (StrataWindow *self,
                                   GtkButton    *button)
{
  g_assert (STRATA_IS_WINDOW (self));

  gtk_revealer_set_reveal_child (self->notice_revealer, FALSE);
}

/**
 * strata_window_open:
 * @paths: trace folders, or folders above trace folders
 *
 * Loads every trace found below @paths as one set, and shows it. A load in progress is
 * cancelled. While loading, the window shows the progress; a load that fails as a whole
 * leaves the window on its welcome page with the error.
 */
void
strata_window_open (StrataWindow       *self,
                    const char * const *paths)
{
  g_autoptr(GPtrArray) absolute = NULL;
  g_autofree char *listed = NULL;
  GWeakRef *window_ref;

  g_return_if_fail (STRATA_IS_WINDOW (self));
  g_return_if_fail (paths != NULL && paths[0] != NULL);

  strata_window_clear_load (self);
  /* The time to the first frame starts as the set is chosen. */
  g_clear_pointer (&self->timing, strata_timing_free);
  self->timing = strata_timing_new_from_env ("window");
  strata_timing_phase_cb (NULL, self->timing);
  self->reload_visible = (StrataTimeSpan) { 0, 0 };

  /* Remembered sets must not depend on the working directory. */
  absolute = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  for (guint i = 0; paths[i] != NULL; i++)
    g_ptr_array_add (absolute, g_canonicalize_filename (paths[i], NULL));

  self->loader = strata_loader_new ((const char * const *) absolute->pdata);
  /* The guests linked by hand to a VM of this set (Link to VM), as --map links them. */
  {
    g_autoptr(GVariant) links = strata_app_dup_guest_links (self->settings, (const char * const *) absolute->pdata);
    GVariantIter iter;
    const char *guest;
    gint64 pid;

    if (links != NULL)
      {
        g_variant_iter_init (&iter, links);
        while (g_variant_iter_next (&iter, "{&sx}", &guest, &pid))
          strata_loader_add_map (self->loader, guest, pid);
      }
  }
  if (STRATA_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))))
    strata_loader_set_cache (self->loader,
                             strata_application_get_cache (STRATA_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)))));
  self->cancellable = g_cancellable_new ();
  g_binding_group_set_source (self->loader_bindings, self->loader);

  {
    g_auto(GStrv) shown = g_new0 (char *, absolute->len + 1);

    /* One folder a line, each as a label may show it. */
    for (guint i = 0; i < absolute->len; i++)
      shown[i] = strata_display_text (g_ptr_array_index (absolute, i));
    listed = g_strjoinv ("\n", shown);
  }
  gtk_label_set_label (self->loading_label, listed);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  /* The set shown before is out of sight while this one loads: its commands wait (Cancel
   * goes back to it, and gives them back). */
  strata_window_set_has_set (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-load", TRUE);
  strata_window_update_close_set (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);

  window_ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (window_ref, self);
  strata_loader_load_async (self->loader, self->cancellable, strata_window_load_cb, window_ref);
}

/**
 * strata_window_open_files:
 * @files: (array length=n_files): local folders
 *
 * Like strata_window_open(), for #GFile; files without a local path are skipped.
 */
void
strata_window_open_files (StrataWindow  *self,
                          GFile        **files,
                          guint          n_files)
{
  g_autoptr(GPtrArray) paths = NULL;

  g_return_if_fail (STRATA_IS_WINDOW (self));
  g_return_if_fail (files != NULL || n_files == 0);

  paths = g_ptr_array_new_null_terminated (n_files, g_free, TRUE);
  for (guint i = 0; i < n_files; i++)
    {
      char *path = g_file_get_path (files[i]);

      if (path != NULL)
        g_ptr_array_add (paths, path);
    }

  if (paths->len == 0)
    {
      strata_window_show_error (self, _("Only local folders can be opened."));
      return;
    }

  strata_window_open (self, (const char * const *) paths->pdata);
}

/**
 * strata_window_cancel_load:
 *
 * Stops the load in progress, and goes back to the page shown before it.
 */
void
strata_window_cancel_load (StrataWindow *self)
{
  g_return_if_fail (STRATA_IS_WINDOW (self));

  if (self->loader == NULL)
    return;

  strata_window_clear_load (self);

  if (strata_set_summary_get_set (self->set_summary) != NULL)
    {
      strata_window_set_has_set (self, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "set");
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "welcome");
}

/**
 * strata_window_close_set:
 *
 * Stops any load, closes the set shown, and goes back to the welcome page, where the set is
 * among the recent ones.
 */
void
strata_window_close_set (StrataWindow *self)
{
  g_return_if_fail (STRATA_IS_WINDOW (self));

  strata_window_clear_load (self);
  strata_window_show_welcome (self, NULL);
}

/**
 * strata_window_reload:
 *
 * Reads the set shown again (a trace still being written has grown), and shows the same
 * range once it is read.
 */
void
strata_window_reload (StrataWindow *self)
{
  g_auto(GStrv) paths = NULL;
  StrataTimeSpan visible;

  g_return_if_fail (STRATA_IS_WINDOW (self));

  if (self->paths == NULL || self->session == NULL)
    return;

  paths = g_strdupv (self->paths);
  visible = *strata_session_get_visible_time (self->session);
  strata_window_open (self, (const char * const *) paths);
  self->reload_visible = visible;
}

/**
 * strata_window_show_error:
 * @message: what went wrong, for the user
 *
 * Stops any load, and shows @message on the welcome page.
 */
void
strata_window_show_error (StrataWindow *self,
                          const char   *message)
{
  g_return_if_fail (STRATA_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  strata_window_clear_load (self);
  strata_window_show_welcome (self, message);
}

/**
 * strata_window_show_notice:
 *
 * Says @text in a toast for a few seconds, over whatever the window shows: the outcome of a
 * command that changes nothing in sight (Forget Saved Analyses). A toast that waits to be
 * dismissed (the problems of the set) comes back after it.
 */
void
strata_window_show_notice (StrataWindow *self,
                           const char   *text)
{
  AdwToast *toast;

  g_return_if_fail (STRATA_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  toast = adw_toast_new (text);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, 3);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
strata_window_open_dialog_cb (GObject      *source_object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(StrataWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;

  paths = strata_open_trace_dialog_finish (result, &error);

  if (paths == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        strata_window_show_error (self, error->message);
      return;
    }

  /* A window closed while its dialog was up opens nothing. */
  if (gtk_widget_get_root (GTK_WIDGET (self->stack)) == NULL)
    return;

  strata_window_open (self, (const char * const *) paths);
}

static void
strata_window_open_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  strata_open_trace_dialog (GTK_WINDOW (self), NULL,
                            strata_window_open_dialog_cb,
                            g_object_ref (self));
}

static void
strata_window_select_machines_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *param)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  StrataMachineDialog *dialog;

  if (self->session == NULL)
    return;
  dialog = strata_machine_dialog_new (GTK_WINDOW (self), self->session, self->settings,
                                      (const char * const *) self->paths);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
strata_window_follow_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  if (self->session != NULL)
    gtk_window_present (GTK_WINDOW (strata_follow_dialog_new (GTK_WINDOW (self), self->session)));
}

/* win.follow-thread(row), win.follow-next, win.follow-prev, win.follow-stop. */
static void
strata_window_follow_step_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *param)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  if (self->session == NULL)
    return;
  if (g_str_equal (action_name, "win.follow-thread"))
    strata_session_follow (self->session, g_variant_get_int32 (param));
  else if (g_str_equal (action_name, "win.follow-stop"))
    strata_session_follow (self->session, -1);
  else
    strata_session_follow_step (self->session, g_str_equal (action_name, "win.follow-next") ? 1 : -1);
}

static void
strata_window_report_error (StrataWindow *self,
                            const char   *title,
                            const char   *message)
{
  GtkWidget *dialog;

  dialog = gtk_message_dialog_new (GTK_WINDOW (self),
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", title);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * strata_window_export:
 * @path: a file name ending in .png or .svg
 *
 * Writes what the timeline shows to @path, remembers its folder for the next export, and
 * confirms with a toast that can open the file.
 */
gboolean
strata_window_export (StrataWindow  *self,
                      const char    *path,
                      GError       **error)
{
  g_autofree char *name = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;
  AdwToast *toast;

  g_return_val_if_fail (STRATA_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->session == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("No set is shown"));
      return FALSE;
    }
  name = strata_app_set_name ((const char * const *) self->paths);
  if (!strata_timeline_view_export_titled (self->timeline_view, path, name, error))
    return FALSE;

  strata_app_remember_export_folder (self->settings, path);

  basename = g_filename_display_basename (path);
  /* A toast's title is markup. */
  escaped = g_markup_escape_text (basename, -1);
  uri = g_filename_to_uri (path, NULL, NULL);
  /* Translators: a toast after an export; %s is a file name */
  toast = adw_toast_new_format (_("Exported to “%s”"), escaped);
  if (uri != NULL)
    {
      adw_toast_set_button_label (toast, _("_Open"));
      adw_toast_set_detailed_action_name (toast, "win.open-export");
      adw_toast_set_action_target_value (toast, g_variant_new_string (uri));
    }
  strata_window_show_toast (self, toast);
  return TRUE;
}

static void
strata_window_export_dialog_cb (GObject      *source_object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(StrataWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  path = strata_save_image_dialog_finish (result, &error);
  if (path == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        strata_window_report_error (self, _("The view could not be exported"), error->message);
      return;
    }

  /* Closed, or showing no set any more. */
  if (gtk_widget_get_root (GTK_WIDGET (self->stack)) == NULL || self->session == NULL)
    return;

  if (!strata_window_export (self, path, &error))
    strata_window_report_error (self, _("The view could not be exported"), error->message);
}

static void
strata_window_export_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  g_autofree char *set_name = NULL;
  g_autofree char *name = NULL;
  g_autofree char *folder = NULL;

  if (self->paths == NULL || self->session == NULL)
    return;
  set_name = strata_app_set_name ((const char * const *) self->paths);
  name = strata_app_export_name (set_name,
                                 *strata_session_get_visible_time (self->session),
                                 *strata_session_get_document_time (self->session));
  folder = strata_app_dup_export_folder (self->settings);
  strata_save_image_dialog (GTK_WINDOW (self), name, folder, NULL,
                            strata_window_export_dialog_cb, g_object_ref (self));
}

static void
strata_window_open_export_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *param)
{
  gtk_show_uri (GTK_WINDOW (widget), g_variant_get_string (param, NULL), GDK_CURRENT_TIME);
}

static void
strata_window_show_problems_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *param)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  if (self->session == NULL)
    return;
  gtk_stack_set_visible_child_name (self->details_stack, "traces");
  gtk_widget_set_visible (self->details_box, TRUE);
}

static void
strata_window_close_set_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *param)
{
  strata_window_close_set (STRATA_WINDOW (widget));
}

static void
strata_window_reload_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  strata_window_reload (STRATA_WINDOW (widget));
}

/* Link to VM (the Traces tab): remembered for the set, which is analysed again with it. */
static void
strata_window_link_vm_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  const char *guest;
  gint64 pid;

  g_variant_get (param, "(&sx)", &guest, &pid);
  if (self->paths == NULL || self->settings == NULL)
    return;
  strata_app_remember_guest_link (self->settings, (const char * const *) self->paths, guest, pid);
  strata_window_reload (self);
}

static void
strata_window_open_recent_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *param)
{
  g_autofree const char **paths = g_variant_get_strv (param, NULL);

  if (paths[0] != NULL)
    strata_window_open (STRATA_WINDOW (widget), paths);
}

static void
strata_window_forget_recent_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *param)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  g_autofree const char **paths = g_variant_get_strv (param, NULL);

  strata_app_forget_set (self->settings, paths);
}

static void
strata_window_no_recent_sets_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *param)
{
}

static void
strata_window_clear_recent_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *param)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  if (self->settings != NULL)
    g_settings_reset (self->settings, "recent-sets");
}

static gboolean
strata_window_toggle_details_cb (GtkWidget *widget,
                                 GVariant  *args,
                                 gpointer   user_data)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  if (self->session == NULL)
    return FALSE;
  gtk_widget_set_visible (self->details_box, !gtk_widget_get_visible (self->details_box));
  return TRUE;
}

static void
strata_window_toggle_details_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *param)
{
  strata_window_toggle_details_cb (widget, NULL, NULL);
}

static void
strata_window_narrow_cb (gpointer data)
{
  StrataWindow *self = data;

  self->narrow_idle = 0;
  gtk_widget_set_visible (self->highlight_button, !self->narrow);
  gtk_widget_set_visible (self->export_button, !self->narrow);
  gtk_widget_set_visible (self->details_button, !self->narrow);
}

static void
strata_window_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  gboolean narrow = width < NARROW_WIDTH;

  GTK_WIDGET_CLASS (strata_window_parent_class)->size_allocate (widget, width, height, baseline);

  /* Not while allocating: the header bar's size changes with it. */
  if (narrow != self->narrow)
    {
      self->narrow = narrow;
      if (self->narrow_idle == 0)
        self->narrow_idle = g_idle_add_once (strata_window_narrow_cb, self);
    }
}

static void
strata_window_cancel_load_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *param)
{
  strata_window_cancel_load (STRATA_WINDOW (widget));
}

static void
strata_window_recent_row_activated_cb (StrataWindow  *self,
                                       GtkListBoxRow *row,
                                       GtkListBox    *list_box)
{
  const char * const *paths;

  g_assert (STRATA_IS_WINDOW (self));
  g_assert (GTK_IS_LIST_BOX_ROW (row));

  paths = g_object_get_data (G_OBJECT (row), "strata-paths");
  if (paths != NULL && paths[0] != NULL)
    strata_window_open (self, paths);
}

/* GMenu labels read "_" as a mnemonic. */
static char *
escape_mnemonics (const char *text)
{
  g_autoptr(GString) escaped = g_string_new (text);

  g_string_replace (escaped, "_", "__", 0);
  return g_string_free (g_steal_pointer (&escaped), FALSE);
}

static GtkWidget *
strata_window_create_recent_row (const char * const *paths)
{
  g_autofree char *set_name = strata_app_set_name (paths);
  g_autofree char *joined = g_strjoinv (", ", (char **) paths);
  g_autofree char *name = strata_display_text (set_name);
  g_autofree char *folders = strata_display_text (joined);
  GtkWidget *row;
  GtkWidget *remove;

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), folders);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, folders);

  remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _("Remove From Recent Sets"));
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_add_css_class (remove, "circular");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "win.forget-recent");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (remove), g_variant_new_strv (paths, -1));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  g_object_set_data_full (G_OBJECT (row), "strata-paths",
                          g_strdupv ((char **) paths), (GDestroyNotify) g_strfreev);

  return row;
}

/* The welcome page's list and the primary menu's Recent Sets show `recent-sets`. */
static void
strata_window_recent_sets_changed_cb (StrataWindow *self,
                                      const char   *key,
                                      GSettings    *settings)
{
  g_autoptr(GVariant) recent = NULL;
  GtkWidget *child;
  GVariantIter iter;
  GVariant *set;
  guint n_rows = 0;

  g_assert (STRATA_IS_WINDOW (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))))
    gtk_list_box_remove (self->recent_list, child);
  g_menu_remove_all (self->recent_section);

  if (settings != NULL)
    {
      recent = g_settings_get_value (settings, "recent-sets");
      g_variant_iter_init (&iter, recent);
      while ((set = g_variant_iter_next_value (&iter)))
        {
          g_autofree const char **paths = g_variant_get_strv (set, NULL);

          if (paths[0] != NULL)
            {
              g_autofree char *name = strata_app_set_name (paths);
              g_autofree char *label = escape_mnemonics (name);
              g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

              g_menu_item_set_action_and_target_value (item, "win.open-recent", set);
              g_menu_append_item (self->recent_section, item);
              gtk_list_box_append (self->recent_list, strata_window_create_recent_row (paths));
              n_rows++;
            }
          g_variant_unref (set);
        }
    }

  if (n_rows == 0)
    g_menu_append (self->recent_section, _("No Recent Sets"), "win.no-recent-sets");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-recent", n_rows > 0);
  gtk_widget_set_visible (self->recent_box, n_rows > 0);
}

static gboolean
strata_window_drop_cb (StrataWindow  *self,
                       const GValue  *value,
                       double         x,
                       double         y,
                       GtkDropTarget *target)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GSList) list = NULL;

  g_assert (STRATA_IS_WINDOW (self));

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  /* The list is the value's; its files too. */
  list = gdk_file_list_get_files (g_value_get_boxed (value));
  files = g_ptr_array_new ();
  for (const GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);

  if (files->len == 0)
    return FALSE;

  strata_window_open_files (self, (GFile **) files->pdata, files->len);
  return TRUE;
}

static gboolean
strata_window_close_request_cb (StrataWindow *self)
{
  int width;
  int height;

  g_assert (STRATA_IS_WINDOW (self));

  strata_window_clear_load (self);

  if (self->settings != NULL)
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", MAX (width, 320));
      g_settings_set_int (self->settings, "window-height", MAX (height, 240));
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (GTK_WINDOW (self)));
    }

  return GDK_EVENT_PROPAGATE;
}

static void
strata_window_dispose (GObject *object)
{
  StrataWindow *self = (StrataWindow *) object;

  /* A load still running is cancelled; its completion finds the window without a load
   * and frees what it made. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->loader);
  g_clear_object (&self->loader_bindings);
  g_clear_handle_id (&self->narrow_idle, g_source_remove);

  /* No gtk_widget_dispose_template() here: GTK 4.8 would unparent the stack behind
   * GtkWindow's back, and GtkWindow's own dispose unparents it again. GtkWindow disposes
   * its child and title bar itself. */

  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (strata_window_parent_class)->dispose (object);
}

static void
strata_window_finalize (GObject *object)
{
  StrataWindow *self = (StrataWindow *) object;

  g_clear_pointer (&self->paths, g_strfreev);
  g_clear_pointer (&self->timing, strata_timing_free);

  G_OBJECT_CLASS (strata_window_parent_class)->finalize (object);
}

static void
strata_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  StrataWindow *self = STRATA_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, strata_window_get_loading (self));
      break;

    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Left and Right on a button of the window (the header bar's, the panel's check boxes) pan
 * the timeline, as they do wherever else the focus is: a button takes no arrows, but the
 * window would move the focus with them before the timeline's window-wide keys ran. Not in
 * a popover (its own surface), whose menus move through their items with them. */
static gboolean
strata_window_key_pressed_cb (StrataWindow          *self,
                              guint                  keyval,
                              guint                  keycode,
                              GdkModifierType        state,
                              GtkEventControllerKey *controller)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if ((keyval != GDK_KEY_Left && keyval != GDK_KEY_Right) ||
      (state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK | GDK_ALT_MASK)) != 0 ||
      !(GTK_IS_BUTTON (focus) || GTK_IS_CHECK_BUTTON (focus)) || gtk_widget_get_native (focus) != GTK_NATIVE (self) ||
      !gtk_widget_get_mapped (GTK_WIDGET (self->timeline_view)))
    return FALSE;
  return gtk_widget_activate_action (GTK_WIDGET (self->timeline_view),
                                     keyval == GDK_KEY_Left ? "view.pan-left" : "view.pan-right", NULL);
}

static void
strata_window_class_init (StrataWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_window_dispose;
  object_class->finalize = strata_window_finalize;
  object_class->get_property = strata_window_get_property;

  /**
   * StrataWindow:loading:
   *
   * Whether a set is being loaded.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * StrataWindow:session:
   *
   * The view state of the set shown (range, selection, highlight, marked row, collapsed
   * groups), or %NULL. The timeline, its legend, the range popover and the preemptions panel
   * bind to it, so that they all show one state.
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratatrace/Strata/ui/strata-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, welcome_error_revealer);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, welcome_error_label);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, recent_box);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, guest_links);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, set_summary);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, timeline_view);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, set_buttons);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, highlight_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, details_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, details_box);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, details_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, notice_label);
  gtk_widget_class_bind_template_callback (widget_class, strata_window_close_request_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_window_notice_dismissed_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_window_recent_row_activated_cb);

  /* Keyboard shortcuts are the application's accelerators (strata-application.c), so that
   * the shortcuts window shows them. */
  gtk_widget_class_install_action (widget_class, "win.open", NULL, strata_window_open_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-load", NULL,
                                   strata_window_cancel_load_action);
  gtk_widget_class_install_action (widget_class, "win.close-set", NULL,
                                   strata_window_close_set_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, strata_window_reload_action);
  gtk_widget_class_install_action (widget_class, "win.link-vm", "(sx)", strata_window_link_vm_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "as",
                                   strata_window_open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.forget-recent", "as",
                                   strata_window_forget_recent_action);
  gtk_widget_class_install_action (widget_class, "win.clear-recent", NULL,
                                   strata_window_clear_recent_action);
  /* Never enabled: the Recent Sets submenu's "No Recent Sets". */
  gtk_widget_class_install_action (widget_class, "win.no-recent-sets", NULL,
                                   strata_window_no_recent_sets_action);
  gtk_widget_class_install_action (widget_class, "win.open-export", "s",
                                   strata_window_open_export_action);
  gtk_widget_class_install_action (widget_class, "win.show-problems", NULL,
                                   strata_window_show_problems_action);

  /* The timeline's window-wide commands; they work without an application too. */
  gtk_widget_class_install_action (widget_class, "win.select-machines", NULL,
                                   strata_window_select_machines_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, strata_window_export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK,
                                       "win.select-machines", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_install_action (widget_class, "win.follow", NULL, strata_window_follow_action);
  gtk_widget_class_install_action (widget_class, "win.follow-thread", "i", strata_window_follow_step_action);
  gtk_widget_class_install_action (widget_class, "win.follow-next", NULL, strata_window_follow_step_action);
  gtk_widget_class_install_action (widget_class, "win.follow-prev", NULL, strata_window_follow_step_action);
  gtk_widget_class_install_action (widget_class, "win.follow-stop", NULL, strata_window_follow_step_action);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_F9, 0, strata_window_toggle_details_cb, NULL);
  gtk_widget_class_install_action (widget_class, "win.toggle-details", NULL, strata_window_toggle_details_action);
  widget_class->size_allocate = strata_window_size_allocate;

  /* Windows made without an AdwApplication (the UI tests) need libadwaita set up too; it
   * is done once. */
  adw_init ();

  g_type_ensure (STRATA_TYPE_EXITS_PANEL);
  g_type_ensure (STRATA_TYPE_FINDINGS_PANEL);
  g_type_ensure (STRATA_TYPE_FOLLOW_BAR);
  g_type_ensure (STRATA_TYPE_GUEST_LINKS);
  g_type_ensure (STRATA_TYPE_LEGEND);
  g_type_ensure (STRATA_TYPE_LOSS_BANNER);
  g_type_ensure (STRATA_TYPE_PREEMPTIONS_PANEL);
  g_type_ensure (STRATA_TYPE_RANGE_POPOVER);
  g_type_ensure (STRATA_TYPE_SET_SUMMARY);
  g_type_ensure (STRATA_TYPE_STATS_PANEL);
  g_type_ensure (STRATA_TYPE_TIMELINE_VIEW);
}

static void
strata_window_init (StrataWindow *self)
{
  GtkDropTarget *drop_target;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-load", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.no-recent-sets", FALSE);
  strata_window_set_has_set (self, FALSE);
  strata_window_followed_changed_cb (self);

  gtk_popover_menu_add_child (GTK_POPOVER_MENU (gtk_menu_button_get_popover (self->primary_menu_button)),
                              strata_style_switcher_new (), "style-switcher");

  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    gtk_event_controller_set_name (keys, "strata-pan-keys");
    g_signal_connect_object (keys, "key-pressed", G_CALLBACK (strata_window_key_pressed_cb), self,
                             G_CONNECT_SWAPPED);
    gtk_widget_add_controller (GTK_WIDGET (self), keys);
  }

  self->loader_bindings = g_binding_group_new ();
  g_binding_group_bind (self->loader_bindings, "fraction", self->progress_bar, "fraction",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->loader_bindings, "message", self->progress_bar, "text",
                        G_BINDING_SYNC_CREATE);

  self->settings = strata_app_settings_new ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));

      g_signal_connect_object (self->settings, "changed::recent-sets",
                               G_CALLBACK (strata_window_recent_sets_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
  strata_window_recent_sets_changed_cb (self, "recent-sets", self->settings);

  /* Folders dropped anywhere on the window open as one set. */
  drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop_target, "drop",
                           G_CALLBACK (strata_window_drop_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));
}

/**
 * strata_window_new:
 * @application: (nullable): the application
 */
StrataWindow *
strata_window_new (GtkApplication *application)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (STRATA_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

gboolean
strata_window_get_loading (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), FALSE);

  return self->loader != NULL;
}

/**
 * strata_window_get_empty:
 *
 * Returns: whether the window neither shows nor loads a set, so that it can open one
 *   without replacing anything
 */
gboolean
strata_window_get_empty (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), FALSE);

  return self->loader == NULL && strata_set_summary_get_set (self->set_summary) == NULL;
}

/**
 * strata_window_get_set:
 *
 * Returns: (transfer none) (nullable): the set shown
 */
StrataSet *
strata_window_get_set (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), NULL);

  return strata_set_summary_get_set (self->set_summary);
}

/**
 * strata_window_get_session:
 *
 * Returns: (transfer none) (nullable): the view state of the set shown
 */
StrataSession *
strata_window_get_session (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), NULL);

  return self->session;
}

AdwToast *
strata_window_get_toast (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), NULL);

  return self->toast;
}
