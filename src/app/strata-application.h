/* strata-application.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata-cache.h"

G_BEGIN_DECLS

#define STRATA_TYPE_APPLICATION (strata_application_get_type ())

G_DECLARE_FINAL_TYPE (StrataApplication, strata_application, STRATA, APPLICATION, AdwApplication)

StrataApplication *strata_application_new       (void);
StrataCache       *strata_application_get_cache (StrataApplication *self);

G_END_DECLS
