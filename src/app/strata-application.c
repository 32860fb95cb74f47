/* strata-application.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-application"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-app-util.h"
#include "strata-application.h"
#include "strata-window.h"

struct _StrataApplication
{
  GtkApplication  parent_instance;

  StrataCache    *cache;          /* where every window's analyses are saved */
};

G_DEFINE_FINAL_TYPE (StrataApplication, strata_application, GTK_TYPE_APPLICATION)

/* The same in development builds, whose app id ends in .Devel. */
#define RESOURCE_BASE_PATH "/io/github/stratatrace/Strata"

/* A window to open a set in: the active one if it shows nothing yet. */
static StrataWindow *
strata_application_get_empty_window (StrataApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  g_assert (STRATA_IS_APPLICATION (self));

  if (STRATA_IS_WINDOW (window) && strata_window_get_empty (STRATA_WINDOW (window)))
    return STRATA_WINDOW (window);

  return strata_window_new (GTK_APPLICATION (self));
}

static void
strata_application_activate (GApplication *application)
{
  StrataApplication *self = STRATA_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (strata_window_new (GTK_APPLICATION (self)));

  gtk_window_present (window);
}

/* `strata PATH...`: all the paths form one set. */
static void
strata_application_open (GApplication  *application,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  StrataApplication *self = STRATA_APPLICATION (application);
  StrataWindow *window = strata_application_get_empty_window (self);

  strata_window_open_files (window, files, n_files);
  gtk_window_present (GTK_WINDOW (window));
}

static void
strata_application_startup (GApplication *application)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.cancel-load", { "Escape", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };
  g_autoptr(GtkCssProvider) css = NULL;

  G_APPLICATION_CLASS (strata_application_parent_class)->startup (application);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                           accels[i].action, accels[i].accels);

  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, RESOURCE_BASE_PATH "/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
strata_application_quit_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  StrataApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  g_assert (STRATA_IS_APPLICATION (self));

  /* Closing (not destroying) each window saves its size and cancels its load; the
   * application ends with its last window. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
strata_application_about_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  static const char *authors[] = { "The Strata authors", NULL };
  StrataApplication *self = user_data;
  GtkWindow *window;

  g_assert (STRATA_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_show_about_dialog (window,
                         "program-name", _("Strata"),
                         "logo-icon-name", "io.github.stratatrace.Strata",
                         "version", PACKAGE_VERSION,
                         "comments", _("LTTng kernel traces of a KVM host and its virtual "
                                       "machines on one timeline"),
                         "website", "https://github.com/stratatrace/strata",
                         "copyright", "© 2026 The Strata authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         /* Translators: your name(s), one a line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
strata_application_open_demo_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  StrataApplication *self = user_data;
  g_autofree char *demo_dir = strata_app_dup_demo_dir ();
  const char *paths[] = { demo_dir, NULL };
  GtkWindow *window;

  g_assert (STRATA_IS_APPLICATION (self));

  /* The demo replaces what the active window shows, as opening folders there does. */
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (!STRATA_IS_WINDOW (window))
    window = GTK_WINDOW (strata_window_new (GTK_APPLICATION (self)));

  if (g_file_test (demo_dir, G_FILE_TEST_IS_DIR))
    {
      strata_window_open (STRATA_WINDOW (window), paths);
    }
  else
    {
      g_autofree char *message =
        /* Translators: %s is a folder */
        g_strdup_printf (_("The demo set is not installed: %s does not exist."), demo_dir);

      strata_window_show_error (STRATA_WINDOW (window), message);
    }
  gtk_window_present (window);
}

static void
strata_application_forget_saved_analyses_action (GSimpleAction *action,
                                                 GVariant      *parameter,
                                                 gpointer       user_data)
{
  StrataApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  g_assert (STRATA_IS_APPLICATION (self));

  /* Sets open now keep what they read: a removed file stays readable while mapped. */
  if (!strata_cache_forget (self->cache, &error))
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

      if (STRATA_IS_WINDOW (window))
        strata_window_show_error (STRATA_WINDOW (window), error->message);
      else
        g_warning ("%s", error->message);
    }
}

static const GActionEntry app_actions[] = {
  { "quit", strata_application_quit_action },
  { "forget-saved-analyses", strata_application_forget_saved_analyses_action },
  { "about", strata_application_about_action },
  { "open-demo", strata_application_open_demo_action },
};

static void
strata_application_finalize (GObject *object)
{
  StrataApplication *self = (StrataApplication *) object;

  g_clear_pointer (&self->cache, strata_cache_unref);

  G_OBJECT_CLASS (strata_application_parent_class)->finalize (object);
}

static void
strata_application_class_init (StrataApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = strata_application_finalize;

  app_class->activate = strata_application_activate;
  app_class->open = strata_application_open;
  app_class->startup = strata_application_startup;
}

static void
strata_application_init (StrataApplication *self)
{
  self->cache = strata_cache_new (NULL, 0);
  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   self);
}

/**
 * strata_application_get_cache:
 *
 * Returns: (transfer none): where the windows save their analyses and find them again
 */
StrataCache *
strata_application_get_cache (StrataApplication *self)
{
  g_return_val_if_fail (STRATA_IS_APPLICATION (self), NULL);

  return self->cache;
}

StrataApplication *
strata_application_new (void)
{
  return g_object_new (STRATA_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE_PATH,
                       NULL);
}
