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

gpointer strata_memory_alloc0_n (gsize n,
                                 gsize size);

/* A zeroed array of @n @type, its pages written through (see strata_memory_alloc0_n()). */
#define strata_memory_new0(type, n) ((type *) strata_memory_alloc0_n ((n), sizeof (type)))

G_END_DECLS
