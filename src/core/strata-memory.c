/* strata-memory.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>     /* defines __GLIBC__ on glibc */
#include <string.h>
#ifdef __GLIBC__
# include <malloc.h>
#endif

#include "strata-memory.h"

/* After GLib's headers, which say whether the system is Unix. */
#ifdef G_OS_UNIX
# include <sys/mman.h>
#endif

/* Blocks from this size are mapped by themselves (see strata_memory_setup()). */
#define MAPPED_FROM (1024 * 1024)
/* How much a heap may hold of blocks left behind before their pages go back. */
#define TRIM_EVERY (32 * 1024 * 1024)
/* Tables from this size are given huge pages where they fill them (see
 * strata_memory_alloc0_n()). */
#define HUGE_PAGE (2 * 1024 * 1024)
#define HUGE_FROM (4 * HUGE_PAGE)

static gsize freed_in_heap;

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
 * switch-heavy set a sixth to a third of its processor time (runs differ). From 1 MiB, the blocks the rows leave in the
 * heaps are given back as they go (strata_memory_freed()). The event buffers' chunks, freed
 * as soon as read, are mapped whatever the threshold (strata-event-buffer.c).
 */
void
strata_memory_setup (void)
{
#ifdef __GLIBC__
  mallopt (M_MMAP_THRESHOLD, MAPPED_FROM);
#endif
}

/**
 * strata_memory_freed:
 * @bytes: the size of a block just freed, or left behind by a realloc() that moved it
 *
 * Rows grow by realloc(). In a heap, the blocks they leave behind as they move stay resident
 * until others take their place, and a large model's rows leave tens of megabytes of them
 * before it ends, on top of its peak (an exit-heavy set's models: 64 MiB, a quarter more).
 * Each time TRIM_EVERY bytes of them have been left, the heaps' free pages go back.
 */
void
strata_memory_freed (gsize bytes)
{
#ifdef __GLIBC__
  if (bytes >= MAPPED_FROM)
    return;
  if ((gsize) g_atomic_pointer_add (&freed_in_heap, (gssize) bytes) + bytes >= TRIM_EVERY)
    {
      g_atomic_pointer_set (&freed_in_heap, 0);
      malloc_trim (0);
    }
#endif
}

/**
 * strata_memory_alloc0_n:
 * @n: how many items
 * @size: the size of one
 *
 * Zeroed memory for @n items of @size bytes, written through, as calloc() does not do for a
 * large block: it maps fresh pages, and leaves them unwritten. Of a table read before it is
 * written (a hash table's slots, flags of what was seen, a map), each page's first read then
 * maps the shared zero page, and its first write faults again and flushes the page's
 * mapping on every processor the program runs on. On a virtual machine, without them, a
 * switch-heavy set opened from its saved analysis in two thirds of the time.
 *
 * Returns: (transfer full): the memory, to free with g_free()
 */
gpointer
strata_memory_alloc0_n (gsize n,
                        gsize size)
{
  gsize bytes = MAX (n, 1) * size;
  gpointer p = NULL;

#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  /* A large table on huge pages, where the system gives them to those who ask: each page
   * of it faulted in is then one fault, not 512. On a virtual machine where a fault is
   * dear, writing a fresh 22 MiB table took 11 to 36 ms so, 64 to 69 ms otherwise. Only
   * the huge pages it fills are asked for: its last part, on small pages, wastes nothing.
   * Aligned by the allocator, it is freed as any other block. */
  if (bytes >= HUGE_FROM && size > 0 && bytes / size == MAX (n, 1))
    {
      if (posix_memalign (&p, HUGE_PAGE, bytes) == 0)
        madvise (p, bytes / HUGE_PAGE * HUGE_PAGE, MADV_HUGEPAGE);
      else
        p = NULL;
    }
#endif
  if (p == NULL)
    p = g_malloc_n (MAX (n, 1), size);
  memset (p, 0, bytes);
  return p;
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
