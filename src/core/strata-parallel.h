/* strata-parallel.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void strata_parallel_run (const char  *name,
                          guint        n_tasks,
                          GThreadFunc  worker,
                          gpointer     data);

G_END_DECLS
