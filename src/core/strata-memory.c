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

#ifdef __linux__
# include <sys/mman.h>
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

/**
 * strata_memory_advise_large:
 * @block: (nullable): a block from g_malloc() or g_realloc()
 * @size: its size
 *
 * Asks for huge pages under @block once it is large. A large row or array is written from
 * end to end while the analysis runs: with 4 KiB pages each page is a fault of its own, and
 * those faults were about a sixth of an analysis's processor time. A huge page is one fault
 * for 512 pages. Only a block glibc mapped on its own (strata_memory_setup()) is advised,
 * its whole mapping, which realloc() then moves or grows with its advice (advice on a part
 * would split the mapping, which mremap() cannot move); huge pages fill only the whole 2 MiB
 * ranges inside it, so that the memory it takes is not more than with small pages but for
 * the huge page being written.
 */
void
strata_memory_advise_large (gpointer block,
                            gsize    size)
{
#if defined(__GLIBC__) && defined(__linux__) && defined(MADV_HUGEPAGE)
  /* A mapped chunk's header, two words, starts its mapping; its usable size ends it. */
  const gsize header = 2 * sizeof (gsize), page = 4096;
  guintptr start;
  gsize usable;

  if (block == NULL || size < 2 * 1024 * 1024)
    return;
  usable = malloc_usable_size (block);
  start = (guintptr) block - header;
  if (start % page == 0 && ((guintptr) block + usable) % page == 0)
    madvise ((gpointer) start, usable + header, MADV_HUGEPAGE);
#else
  (void) block;
  (void) size;
#endif
}
