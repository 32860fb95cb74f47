/* main.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-main"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "strata-app-util.h"
#include "strata-application.h"
#include "strata-memory.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(StrataApplication) app = NULL;

  strata_memory_setup ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Run from the build tree, use the schema and the translations built there (the installed
   * ones may be missing or older). */
  if (strata_app_running_from_build_tree ())
    {
      g_setenv ("GSETTINGS_SCHEMA_DIR", STRATA_BUILD_ROOT G_DIR_SEPARATOR_S "data", FALSE);
      bindtextdomain (GETTEXT_PACKAGE, STRATA_BUILD_ROOT G_DIR_SEPARATOR_S "po");
    }

  g_set_application_name (_("Strata"));

  app = strata_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
