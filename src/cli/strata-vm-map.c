/* strata-vm-map.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-vm-map"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

#include "strata-vm-map.h"

G_DEFINE_QUARK (strata-vm-map-error-quark, strata_vm_map_error)

#define STRATA_VM_MAP_MAX_PID 4194304

gboolean
strata_vm_map_parse (const char   *text,
                     StrataVmMap  *map,
                     GError      **error)
{
  const char *eq;
  char *end = NULL;
  gint64 pid;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (map != NULL, FALSE);

  /* The last '=': a guest's name may hold one, a pid never does. */
  eq = strrchr (text, '=');
  if (eq == NULL || eq == text || eq[1] == '\0')
    goto bad;
  errno = 0;
  pid = g_ascii_strtoll (eq + 1, &end, 10);
  if (*end != '\0' || errno == ERANGE || pid <= 0)
    goto bad;
  /* Linux's pid_max goes up to 2^22: no process has a larger pid. */
  if (pid > STRATA_VM_MAP_MAX_PID)
    {
      g_set_error (error, STRATA_VM_MAP_ERROR, STRATA_VM_MAP_ERROR_INVALID,
                   _("Invalid map “%s”: a process id is from 1 to %d"), text, STRATA_VM_MAP_MAX_PID);
      return FALSE;
    }
  map->guest = g_strndup (text, eq - text);
  map->host_pid = pid;
  return TRUE;

bad:
  g_set_error (error, STRATA_VM_MAP_ERROR, STRATA_VM_MAP_ERROR_INVALID,
               _("Invalid map “%s”: use GUEST=HOST_PID, e.g. server1=2000"), text);
  return FALSE;
}
