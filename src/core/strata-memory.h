/* strata-memory.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void strata_memory_setup     (void);
void strata_memory_give_back (void);
void strata_memory_freed     (gsize bytes);

G_END_DECLS
