/* strata-application.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-application"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "strata-app-util.h"
#include "strata-application.h"
#include "strata-window.h"

struct _StrataApplication
{
  AdwApplication  parent_instance;

  /* Owned */
  StrataCache    *cache;       /* where every window's analyses are saved */
  GSettings      *settings;    /* NULL when the schema is not installed */
};

G_DEFINE_FINAL_TYPE (StrataApplication, strata_application, ADW_TYPE_APPLICATION)

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

/* The style-variant setting ("system", "light", "dark") drives the style manager. */
static void
strata_application_apply_style (StrataApplication *self,
                                const char        *variant)
{
  AdwColorScheme scheme = ADW_COLOR_SCHEME_DEFAULT;

  g_assert (STRATA_IS_APPLICATION (self));

  if (g_strcmp0 (variant, "light") == 0)
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (variant, "dark") == 0)
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static void
strata_application_style_variant_changed_cb (StrataApplication *self,
                                             const char        *key,
                                             GSettings         *settings)
{
  g_autofree char *variant = g_settings_get_string (settings, key);

  strata_application_apply_style (self, variant);
}

/* Without the schema the choice lasts as long as the process. */
static void
strata_application_style_variant_action (GSimpleAction *action,
                                         GVariant      *parameter,
                                         gpointer       user_data)
{
  g_simple_action_set_state (action, parameter);
  strata_application_apply_style (user_data, g_variant_get_string (parameter, NULL));
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
    { "win.close-set", { "<Control>w", NULL } },
    { "win.reload", { "F5", "<Control>r", NULL } },
    /* The window binds these itself (it works without an application); set here too, the
     * primary menu shows them beside their items. */
    { "win.select-machines", { "<Control>m", NULL } },
    { "win.export", { "<Control>e", NULL } },
    { "win.toggle-details", { "F9", NULL } },
    /* Ctrl+W closes the window when there is no set to close: the first of the two
     * actions that is enabled takes it. */
    { "window.close", { "<Control><Shift>w", "<Control>w", NULL } },
  };
  StrataApplication *self = STRATA_APPLICATION (application);
  g_autoptr(GtkCssProvider) css = NULL;
  g_autoptr(GAction) style_action = NULL;

  G_APPLICATION_CLASS (strata_application_parent_class)->startup (application);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                           accels[i].action, accels[i].accels);

  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, RESOURCE_BASE_PATH "/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  /* app.style-variant: the primary menu's style switcher. */
  self->settings = strata_app_settings_new ();
  if (self->settings != NULL)
    {
      style_action = g_settings_create_action (self->settings, "style-variant");
      g_signal_connect_object (self->settings, "changed::style-variant",
                               G_CALLBACK (strata_application_style_variant_changed_cb),
                               self, G_CONNECT_SWAPPED);
      strata_application_style_variant_changed_cb (self, "style-variant", self->settings);
    }
  else
    {
      style_action = G_ACTION (g_simple_action_new_stateful ("style-variant", G_VARIANT_TYPE_STRING,
                                                             g_variant_new_string ("system")));
      g_signal_connect_object (style_action, "change-state",
                               G_CALLBACK (strata_application_style_variant_action),
                               self, 0);
    }
  g_action_map_add_action (G_ACTION_MAP (self), style_action);
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
  static const char *developers[] = { "The Strata authors", NULL };
  StrataApplication *self = user_data;
  GtkWindow *window;
  GtkWidget *about;

  g_assert (STRATA_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", window,
                        "application-name", _("Strata"),
                        "application-icon", "io.github.stratatrace.Strata",
                        "developer-name", _("The Strata authors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("LTTng kernel traces of a KVM host and its virtual "
                                      "machines on one timeline"),
                        "website", "https://github.com/stratatrace/strata",
                        "issue-url", "https://github.com/stratatrace/strata/issues",
                        "copyright", "© 2026 The Strata authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: your name(s), one a line, optionally with an e-mail
                         * address in <>, as "Jane Doe <jane@example.org>" */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
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
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert (STRATA_IS_APPLICATION (self));

  /* Sets open now keep what they read: a removed file stays readable while mapped. Said
   * in a toast, which leaves the set shown. */
  if (!strata_cache_forget (self->cache, &error))
    /* Translators: %s says why the saved analyses could not be removed */
    text = g_strdup_printf (_("The saved analyses could not all be forgotten: %s"), error->message);
  else
    text = g_strdup (_("Saved analyses forgotten: the next sets opened are analysed again"));
  if (STRATA_IS_WINDOW (window))
    strata_window_show_notice (STRATA_WINDOW (window), text);
  else if (error != NULL)
    g_warning ("%s", error->message);
}

static const GActionEntry app_actions[] = {
  { "quit", strata_application_quit_action },
  { "forget-saved-analyses", strata_application_forget_saved_analyses_action },
  { "about", strata_application_about_action },
  { "open-demo", strata_application_open_demo_action },
};

static void
strata_application_dispose (GObject *object)
{
  StrataApplication *self = STRATA_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (strata_application_parent_class)->dispose (object);
}

static void
strata_application_finalize (GObject *object)
{
  StrataApplication *self = (StrataApplication *) object;

  g_clear_pointer (&self->cache, strata_cache_unref);

  G_OBJECT_CLASS (strata_application_parent_class)->finalize (object);
}

/* --version, answered here and not by a running instance. */
static gint
strata_application_handle_local_options (GApplication *application,
                                         GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("strata %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }
  return -1;
}

static void
strata_application_class_init (StrataApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = strata_application_finalize;
  object_class->dispose = strata_application_dispose;

  app_class->activate = strata_application_activate;
  app_class->open = strata_application_open;
  app_class->startup = strata_application_startup;
  app_class->handle_local_options = strata_application_handle_local_options;
}

static void
strata_application_init (StrataApplication *self)
{
  static const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  /* Trace folders, or folders above them, opened as one set. */
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("PATH…"));
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
