/* strata-vm-map.h: --map GUEST=HOST_PID
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-analysis.h"

G_BEGIN_DECLS

#define STRATA_VM_MAP_ERROR (strata_vm_map_error_quark ())

typedef enum
{
  STRATA_VM_MAP_ERROR_INVALID,       /* not GUEST=HOST_PID with a positive pid */
} StrataVmMapError;

GQuark   strata_vm_map_error_quark (void);

/* Parses "GUEST=HOST_PID"; on success @map->guest is the caller's to free. */
gboolean strata_vm_map_parse       (const char   *text,
                                    StrataVmMap  *map,
                                    GError      **error);

G_END_DECLS
