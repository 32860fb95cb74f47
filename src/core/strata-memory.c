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
 *
 * Not too small a one: each mapped block costs system calls as it grows (a move of its pages,
 * which every processor running the analysis must hear of) and when freed, and the pages of
 * the next one are faulted in afresh. On a virtual machine, where each of those is dear, a
 * threshold of 256 KiB, which put a model's medium rows in mappings, cost the analysis of a
 * switch-heavy set a third of its processor time; from 1 MiB, its peak grew by 4%. The event
 * buffers' chunks, freed as soon as read, are mapped whatever the threshold
 * (strata-event-buffer.c).
 */
void
strata_memory_setup (void)
{
#ifdef __GLIBC__
  mallopt (M_MMAP_THRESHOLD, 1024 * 1024);
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
