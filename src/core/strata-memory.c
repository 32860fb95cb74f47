/* strata-memory.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>     /* defines __GLIBC__ on glibc */
#ifdef __GLIBC__
# include <malloc.h>
#endif

#include "strata-memory.h"

/**
 * strata_memory_setup:
 *
 * Called once by each program, before loading. Strata's arrays grow to many megabytes, and
 * some big ones are temporary. glibc serves big blocks with mmap(), but raises that threshold
 * each time such a block is freed; after the analysis frees its first temporary arrays, the
 * rows then grow inside the heap, where what they leave behind as they move stays resident:
 * about a fifth more peak memory on a large set. A fixed threshold keeps big blocks mapped.
 */
void
strata_memory_setup (void)
{
#ifdef __GLIBC__
  mallopt (M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

/**
 * strata_memory_give_back:
 *
 * Gives the system the free pages inside the heap, not only at its end: called once many
 * small blocks were freed together, as when a builder packs its rows (strata-store.c).
 */
void
strata_memory_give_back (void)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
}
