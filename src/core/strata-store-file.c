/* strata-store-file.c: the store on disk (its spill file while building, a saved store)
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-store-file"
#define _GNU_SOURCE             /* fallocate() */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "strata-memory.h"
#include "strata-parallel.h"
#include "strata-store-private.h"
#include "strata-time.h"

/*
 * The spill. Rows that move there get extents of the file, a power of two bytes each (a
 * page at least), from a bump pointer or from the extents freed before; a freed extent's
 * blocks go back to the file system at once (a hole), so the file holds what the rows hold.
 * The whole file is mapped once, in a reservation of address space far larger than any
 * store, so extents never move; each extent is allocated on disk before it is used, so a
 * full disk is a failed allocation (the row stays on the heap), not a signal on write.
 *
 * Written pages stay resident in the mapping until unmapped: a janitor thread watches the
 * process's resident file pages, and past a budget drops every page of the mapping from it
 * (they stay in the page cache, dirty ones are written back by the kernel, and all come back
 * when touched). That is how a store larger than memory is built and read.
 */

#define MIN_CLASS 12                        /* 4 KiB extents at least */
#define N_CLASSES 48
#define SPILL_ROW_BYTES (64u << 10)         /* rows this large spill */
#define HEAP_BUDGET ((gssize) 64 << 20)     /* and every row, once the heap holds this much */
#define RESIDENT_BUDGET ((gsize) 256 << 20)
#define JANITOR_PERIOD_US 50000

struct _StrataStoreSpill
{
  gatomicrefcount  ref_count;
  int              fd;
  guint8          *map;
  gsize            reserved;
  GMutex           lock;
  guint64          end;                    /* the next extent from the bump pointer */
  GHashTable      *extents;                /* offset -> class */
  GArray          *free[N_CLASSES];        /* offsets, by class */
  gssize           heap_bytes;             /* of the rows of its builders still on the heap */
  GThread         *janitor;
  GMutex           janitor_lock;
  GCond            janitor_cond;
  gboolean         stopping;
  gsize            baseline;               /* resident file pages when it was made */
};

/* Bytes of file-backed pages resident in this process (the third field of statm). */
static gsize
resident_file_bytes (void)
{
  char buf[128];
  unsigned long size = 0, resident = 0, shared = 0;
  FILE *f = fopen ("/proc/self/statm", "re");

  if (f == NULL)
    return 0;
  if (fgets (buf, sizeof buf, f) == NULL || sscanf (buf, "%lu %lu %lu", &size, &resident, &shared) != 3)
    shared = 0;
  fclose (f);
  return (gsize) shared * sysconf (_SC_PAGESIZE);
}

static gpointer
janitor_thread (gpointer data)
{
  StrataStoreSpill *self = data;

  g_mutex_lock (&self->janitor_lock);
  while (!self->stopping)
    {
      gint64 until = g_get_monotonic_time () + JANITOR_PERIOD_US;
      guint64 end;

      g_cond_wait_until (&self->janitor_cond, &self->janitor_lock, until);
      if (self->stopping)
        break;
      if (resident_file_bytes () <= self->baseline + RESIDENT_BUDGET)
        continue;
      g_mutex_lock (&self->lock);
      end = self->end;
      g_mutex_unlock (&self->lock);
      /* Threads may be writing there: on a shared file mapping the data stays in the page
       * cache, and a page touched again is mapped again. */
      madvise (self->map, end, MADV_DONTNEED);
    }
  g_mutex_unlock (&self->janitor_lock);
  return NULL;
}

StrataStoreSpill *
strata_store_spill_new (int      fd,
                        GError **error)
{
  StrataStoreSpill *self;
  gsize reserved = (gsize) 1 << 40;
  void *map;

  g_return_val_if_fail (fd >= 0, NULL);

  /* As much address space as the system gives, from 1 TiB down. */
  while ((map = mmap (NULL, reserved, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0)) == MAP_FAILED &&
         reserved > ((gsize) 1 << 30))
    reserved /= 2;
  if (map == MAP_FAILED)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_IO,
                   "Cannot map a spill file: %s", g_strerror (saved));
      return NULL;
    }
  self = g_new0 (StrataStoreSpill, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->fd = fd;
  self->map = map;
  self->reserved = reserved;
  self->end = STRATA_SECTION_FILE_DATA_START;
  g_mutex_init (&self->lock);
  self->extents = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint c = 0; c < N_CLASSES; c++)
    self->free[c] = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_mutex_init (&self->janitor_lock);
  g_cond_init (&self->janitor_cond);
  self->baseline = resident_file_bytes ();
  self->janitor = g_thread_new ("strata-spill", janitor_thread, self);
  return self;
}

StrataStoreSpill *
strata_store_spill_ref (StrataStoreSpill *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
strata_store_spill_unref (StrataStoreSpill *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_mutex_lock (&self->janitor_lock);
  self->stopping = TRUE;
  g_cond_signal (&self->janitor_cond);
  g_mutex_unlock (&self->janitor_lock);
  g_thread_join (self->janitor);
  munmap (self->map, self->reserved);
  close (self->fd);
  g_hash_table_unref (self->extents);
  for (guint c = 0; c < N_CLASSES; c++)
    g_array_unref (self->free[c]);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->janitor_lock);
  g_cond_clear (&self->janitor_cond);
  g_free (self);
}

int
strata_store_spill_get_fd (StrataStoreSpill *self)
{
  return self->fd;
}

guint64
strata_store_spill_get_size (StrataStoreSpill *self)
{
  guint64 end;

  g_mutex_lock (&self->lock);
  end = self->end;
  g_mutex_unlock (&self->lock);
  return end;
}

/* The offset of @p in the spill file, if it lies there. */
static gboolean
spill_offset (StrataStoreSpill *self,
              gconstpointer     p,
              guint64          *offset)
{
  if (self == NULL || (const guint8 *) p < self->map + STRATA_SECTION_FILE_DATA_START ||
      (const guint8 *) p >= self->map + self->reserved)
    return FALSE;
  *offset = (const guint8 *) p - self->map;
  return TRUE;
}

gboolean
store_spill_wants (StrataStoreSpill *self,
                   gsize             bytes)
{
  return bytes >= SPILL_ROW_BYTES || g_atomic_pointer_get (&self->heap_bytes) > HEAP_BUDGET;
}

void
store_spill_heap_add (StrataStoreSpill *self,
                      gssize            bytes)
{
  g_atomic_pointer_add (&self->heap_bytes, bytes);
}

gpointer
store_spill_alloc (StrataStoreSpill *self,
                   gsize             bytes)
{
  guint class = MIN_CLASS;
  guint64 offset, size;
  gboolean fresh = FALSE;

  while (class < N_CLASSES && ((guint64) 1 << class) < bytes)
    class++;
  if (class >= N_CLASSES)
    return NULL;
  size = (guint64) 1 << class;

  g_mutex_lock (&self->lock);
  if (self->free[class]->len > 0)
    {
      offset = g_array_index (self->free[class], guint64, self->free[class]->len - 1);
      g_array_set_size (self->free[class], self->free[class]->len - 1);
    }
  else if (self->end + size <= self->reserved)
    {
      offset = self->end;
      self->end += size;
      fresh = TRUE;
    }
  else
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  g_hash_table_insert (self->extents, GSIZE_TO_POINTER (offset), GUINT_TO_POINTER (class));
  g_mutex_unlock (&self->lock);

  if (fallocate (self->fd, 0, offset, size) != 0)
    {
      /* A file system without fallocate() still grows by ftruncate(); a full one gives the
       * extent back. */
      gboolean grown = errno == EOPNOTSUPP && fresh;

      if (grown)
        {
          g_mutex_lock (&self->lock);
          grown = ftruncate (self->fd, MAX (self->end, offset + size)) == 0;
          g_mutex_unlock (&self->lock);
        }
      if (!grown)
        {
          g_mutex_lock (&self->lock);
          g_hash_table_remove (self->extents, GSIZE_TO_POINTER (offset));
          g_array_append_val (self->free[class], offset);
          g_mutex_unlock (&self->lock);
          return NULL;
        }
    }
  return self->map + offset;
}

void
store_spill_free (StrataStoreSpill *self,
                  gpointer          p)
{
  guint64 offset;
  gpointer class;

  if (!spill_offset (self, p, &offset))
    g_return_if_reached ();
  g_mutex_lock (&self->lock);
  if (!g_hash_table_steal_extended (self->extents, GSIZE_TO_POINTER (offset), NULL, &class))
    {
      g_mutex_unlock (&self->lock);
      g_return_if_reached ();
    }
  g_mutex_unlock (&self->lock);
  /* A hole before it is handed out again, so that the hole never lands on new data. */
  fallocate (self->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset,
             (guint64) 1 << GPOINTER_TO_UINT (class));
  g_mutex_lock (&self->lock);
  g_array_append_val (self->free[GPOINTER_TO_UINT (class)], offset);
  g_mutex_unlock (&self->lock);
}

void
store_spill_trim (StrataStoreSpill *self,
                  gpointer          p,
                  gsize             used)
{
  gsize page = sysconf (_SC_PAGESIZE);
  guint64 offset, from, to;
  gpointer class;

  if (!spill_offset (self, p, &offset))
    return;
  g_mutex_lock (&self->lock);
  class = g_hash_table_lookup (self->extents, GSIZE_TO_POINTER (offset));
  g_mutex_unlock (&self->lock);
  from = (offset + used + page - 1) & ~((guint64) page - 1);
  to = offset + ((guint64) 1 << GPOINTER_TO_UINT (class));
  if (class != NULL && to > from)
    fallocate (self->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, from, to - from);
}


/*
 * A saved store: its rows' arrays lie anywhere in the file (in the spill extents they were
 * built in, or written after them), referred to by offset from the row table; the small
 * sections follow.
 *
 *   'SMET' StoreMeta       'SROW' FileRow × n_rows       'SDSC' StrataStateDesc × n_descs
 *   'SALI' FileAlias × n   'SSTR' names, each ending in NUL
 *
 * A row's checksum chains strata_hash64() over its times' bases, its times, its palette (when
 * its ids index one) and its ids, each in blocks of CHUNK bytes; its summary has one of its own, so that a summary of another
 * version can be left out unread. Reading checks each row against it and
 * against the rules the builder keeps (times strictly increasing inside the time range and
 * before the end, known descriptions, ids inside their palette, summaries of the shape their
 * row gives), on every
 * core, and gives the pages back as it goes: a store read is as sound as one built.
 */

#define TAG_META STRATA_FOURCC ('S', 'M', 'E', 'T')
#define TAG_ROWS STRATA_FOURCC ('S', 'R', 'O', 'W')
#define TAG_DESCS STRATA_FOURCC ('S', 'D', 'S', 'C')
#define TAG_ALIASES STRATA_FOURCC ('S', 'A', 'L', 'I')
#define TAG_NAMES STRATA_FOURCC ('S', 'S', 'T', 'R')
/* About 1 MiB; a chunk is a whole number of its array's items, so that its checks never
 * start inside one. */
#define CHUNK (1u << 20)

typedef struct
{
  gint64  begin;
  gint64  end;
  guint64 n_changes;
  guint32 n_rows;
  guint32 n_descs;
  guint32 n_aliases;
  guint32 summary_version;
} StoreMeta;

typedef struct
{
  guint64 name;              /* offset in 'SSTR' */
  gint64  number;
  guint64 n;
  guint64 base;              /* file offsets of the arrays; 0 when n is 0 */
  guint64 times;             /* off (32 bits) or, when wide, plain times */
  guint64 ids;               /* 16 bits each, but 24 or 32 with id_mode STRATA_IDS_24 or
                              * STRATA_IDS_32 */
  guint64 palette;           /* with id_mode STRATA_IDS_PALETTE: the count, then the
                              * descriptions the ids index; else 0 */
  guint64 hash;              /* of the arrays */
  guint64 pyramid;           /* file offset of the summary's buckets; 0: none */
  guint64 pyramid_size;      /* bytes */
  guint64 pyramid_hash;
  gint64  w0;
  guint16 kind;
  guint8  id_mode;           /* StrataIdMode */
  guint8  name_tid;          /* 1: a thread row, and name is only the PREFIX of its name,
                              * PREFIX "thread/" number (StoreRow's name_tid) */
  guint16 machine;
  guint8  wide;
  guint8  n_levels;
} FileRow;

typedef struct
{
  guint64 name;
  guint32 row;
  guint32 reserved;
} FileAlias;

G_STATIC_ASSERT (sizeof (StoreMeta) == 40);
G_STATIC_ASSERT (sizeof (FileRow) == 104);
/* A bucket of another layout: check_buckets() must check each of its fields that names
 * something (states, descriptions), and STRATA_STORE_SUMMARY_VERSION must change. */
G_STATIC_ASSERT (sizeof (StoreBucket) == 16);

static gsize
row_time_size (const StoreRow *row)
{
  return store_row_is_wide (row) ? sizeof (gint64) : sizeof (guint32);
}

static gsize
row_times_bytes (const StoreRow *row)
{
  return row->n * row_time_size (row);
}

static gsize
row_base_bytes (const StoreRow *row)
{
  return store_row_is_wide (row) ? 0 : ((row->n + STORE_BLOCK - 1) / STORE_BLOCK) * sizeof (gint64);
}

static gsize
row_ids_bytes (const StoreRow *row)
{
  return row->n * store_row_id_size (row);
}

/* The bytes of the palette that @row's ids index, 0 when they index none. */
static gsize
row_palette_bytes (const StoreRow *row)
{
  return row->id_mode == STRATA_IDS_PALETTE ? (row->palette[0] + 1) * sizeof (guint32) : 0;
}


/* What a reading thread has checked and not yet told its file: the file's count is shared by
 * every thread, and a switch-heavy store has hundreds of thousands of small rows, so each
 * thread tells it a megabyte at a time, not an array at a time. */
typedef struct
{
  StrataSectionFile *file;
  gsize              pending;
} ReadTally;

static void
tally_flush (ReadTally *tally)
{
  strata_section_file_read (tally->file, tally->pending);
  tally->pending = 0;
}

/* Chains the checksum over @size bytes of @data, a chunk at a time; each chunk goes
 * through @check (when given) and is then counted in @tally (when given), whose file gives
 * its mapping's pages back as they add up. */
typedef gboolean (*ChunkCheck) (const guint8 *chunk,
                                gsize         first,     /* index of its first byte */
                                gsize         size,
                                gpointer      user_data);

static gboolean
hash_array (gconstpointer      data,
            gsize              size,
            gsize              item_size,
            guint64           *hash,
            ReadTally         *tally,
            ChunkCheck         check,
            gpointer           user_data)
{
  const guint8 *p = data;
  gsize chunk = CHUNK - CHUNK % item_size;

  for (gsize at = 0; at < size; at += chunk)
    {
      gsize n = MIN (chunk, size - at);

      *hash = strata_hash64 (p + at, n, *hash);
      if (check != NULL && !check (p + at, at, n, user_data))
        return FALSE;
      if (tally != NULL && (tally->pending += n) >= CHUNK)
        tally_flush (tally);
    }
  return TRUE;
}

static guint64
row_hash (const StoreRow *row)
{
  guint64 h = row->n;

  hash_array (row->base, row_base_bytes (row), sizeof (gint64), &h, NULL, NULL, NULL);
  hash_array (row->off, row_times_bytes (row),
              row_time_size (row), &h, NULL, NULL, NULL);
  hash_array (row->palette, row_palette_bytes (row), sizeof (guint32), &h, NULL, NULL, NULL);
  hash_array (row->ids, row_ids_bytes (row), store_row_id_size (row), &h, NULL, NULL, NULL);
  return h;
}

/* The checksum of @row's summary: its buckets (each through @check, when given), then its
 * bits, which any value of is sound. */
static gboolean
pyramid_hash (const StoreRow *row,
              guint64        *hash,
              ReadTally      *tally,
              ChunkCheck      check,
              gpointer        user_data)
{
  const StoreSummary *sum = row->summary;
  guint64 n_buckets;
  gsize size = store_pyramid_size (sum->n_levels, sum->level_len, &n_buckets);
  gsize bucket_bytes = n_buckets * sizeof (StoreBucket);

  *hash = sum->n_levels;
  return hash_array (sum->pyramid, bucket_bytes, sizeof (StoreBucket), hash, tally, check, user_data) &&
         hash_array ((const guint8 *) sum->pyramid + bucket_bytes, size - bucket_bytes, sizeof (guint64),
                     hash, tally, NULL, NULL);
}

/* Whether the summary of @row is of the shape its row and @end give. */
static gboolean
pyramid_fits (const StoreRow *row,
              gint64          end)
{
  const StoreSummary *sum = row->summary;
  guint64 level_len[STORE_MAX_LEVELS];
  guint n_levels;
  gint64 w0;

  if (row->n == 0 || sum == NULL || sum->n_levels == 0)
    return FALSE;
  store_pyramid_layout (store_row_ts (row, 0), end, row->n, &w0, &n_levels, level_len);
  if (w0 != sum->w0 || n_levels != sum->n_levels)
    return FALSE;
  for (guint l = 0; l < n_levels; l++)
    if (level_len[l] != sum->level_len[l])
      return FALSE;
  return TRUE;
}

typedef struct
{
  StrataStore  *store;
  guint        *order;         /* rows, largest first */
  guint64      *hashes;        /* per row: its arrays', then its summary's checksum */
  guint8       *has_pyramid;
  gint          next;
} WriteJob;

static gpointer
hash_worker (gpointer data)
{
  WriteJob *job = data;
  gint i;

  while ((i = g_atomic_int_add (&job->next, 1)) < (gint) job->store->rows->len)
    {
      guint r = job->order[i];
      const StoreRow *row = g_ptr_array_index (job->store->rows, r);

      job->hashes[2 * r] = row_hash (row);
      if (job->has_pyramid[r])
        pyramid_hash (row, &job->hashes[2 * r + 1], NULL, NULL, NULL);
    }
  return NULL;
}

typedef guint64 (*RowSize) (gconstpointer rows,
                            guint         r);

typedef struct
{
  RowSize       size;
  gconstpointer rows;
} SizeOrder;

static int
compare_row_size (gconstpointer a,
                  gconstpointer b,
                  gpointer      data)
{
  const SizeOrder *o = data;
  guint64 na = o->size (o->rows, *(const guint *) a);
  guint64 nb = o->size (o->rows, *(const guint *) b);

  return na < nb ? 1 : na > nb ? -1 : 0;
}

/* Rows in the order workers take them: the large ones first, largest first, so that
 * no core is left with one at the end; then the others in row order (sorting the hundreds
 * of thousands of short rows of a switch-heavy set would cost more than it balances). */
#define LARGE_ROW 4096

static guint *
rows_by_size (guint         n_rows,
              RowSize       size,
              gconstpointer rows)
{
  guint *order = g_new (guint, MAX (n_rows, 1));
  SizeOrder o = { size, rows };
  guint n_large = 0, k;

  for (guint r = 0; r < n_rows; r++)
    if (size (rows, r) >= LARGE_ROW)
      order[n_large++] = r;
  k = n_large;
  for (guint r = 0; r < n_rows; r++)
    if (size (rows, r) < LARGE_ROW)
      order[k++] = r;
  g_qsort_with_data (order, n_large, sizeof (guint), compare_row_size, &o);
  return order;
}

static guint64
store_row_size (gconstpointer rows,
                guint         r)
{
  return ((const StoreRow *) g_ptr_array_index ((GPtrArray *) rows, r))->n;
}

/* Where @data of @size bytes lies in the writer's file: in the spill it is written to, or
 * written now. */
static guint64
place_array (StrataStore         *store,
             StrataSectionWriter *writer,
             gconstpointer        data,
             gsize                size)
{
  guint64 offset;

  if (size == 0)
    return 0;
  if (spill_offset (store->spill, data, &offset))
    return offset;
  strata_section_writer_align (writer, 64);
  offset = strata_section_writer_tell (writer);
  strata_section_writer_write (writer, data, size);
  return offset;
}

void
strata_store_write (StrataStore         *self,
                    StrataSectionWriter *writer)
{
  guint n_rows = self->rows->len;
  g_autofree FileRow *table = g_new0 (FileRow, MAX (n_rows, 1));
  g_autoptr(GByteArray) names = g_byte_array_new ();
  g_autoptr(GArray) aliases = g_array_new (FALSE, FALSE, sizeof (FileAlias));
  WriteJob job = { self, rows_by_size (n_rows, store_row_size, self->rows), g_new0 (guint64, 2 * MAX (n_rows, 1)),
                   g_new0 (guint8, MAX (n_rows, 1)), 0 };
  StoreMeta meta = { self->begin, self->end, self->n_changes, n_rows, self->n_descs, 0,
                     STRATA_STORE_SUMMARY_VERSION };
  const char *last_prefix = NULL;
  guint64 last_prefix_at = 0;

  for (guint r = 0; r < n_rows; r++)
    {
      StoreRow *row = g_ptr_array_index (self->rows, r);

      /* A summary being built on another thread, or of another shape, is left out: the
       * reader builds it again. */
      job.has_pyramid[r] = g_atomic_pointer_get (&row->summary) != NULL && pyramid_fits (row, self->end);
    }
  strata_parallel_run ("strata-store-hash", n_rows, hash_worker, &job);

  for (guint r = 0; r < n_rows; r++)
    {
      StoreRow *row = g_ptr_array_index (self->rows, r);
      FileRow *f = &table[r];

      /* A machine's thread rows share their prefix, in the file as in memory. */
      if (row->name_tid && row->name == last_prefix)
        f->name = last_prefix_at;
      else
        {
          f->name = names->len;
          g_byte_array_append (names, (const guint8 *) row->name, strlen (row->name) + 1);
        }
      if (row->name_tid)
        {
          last_prefix = row->name;
          last_prefix_at = f->name;
        }
      f->name_tid = row->name_tid;
      f->number = row->number;
      f->n = row->n;
      f->kind = row->kind;
      f->id_mode = row->id_mode;
      f->machine = row->machine;
      f->wide = store_row_is_wide (row);
      f->base = place_array (self, writer, row->base, row_base_bytes (row));
      f->times = place_array (self, writer, row->off, row_times_bytes (row));
      f->palette = place_array (self, writer, row->palette, row_palette_bytes (row));
      f->ids = place_array (self, writer, row->ids, row_ids_bytes (row));
      f->hash = job.hashes[2 * r];
      if (job.has_pyramid[r])
        {
          f->pyramid_size = store_row_pyramid_bytes (row);
          f->pyramid = place_array (self, writer, row->summary->pyramid, f->pyramid_size);
          f->pyramid_hash = job.hashes[2 * r + 1];
          f->w0 = row->summary->w0;
          f->n_levels = row->summary->n_levels;
        }
    }
  for (guint i = 0; i < self->aliases->len; i += 2)
    {
      const char *name = g_ptr_array_index (self->aliases, i);
      FileAlias a = { names->len, GPOINTER_TO_UINT (g_ptr_array_index (self->aliases, i + 1)), 0 };

      g_byte_array_append (names, (const guint8 *) name, strlen (name) + 1);
      g_array_append_val (aliases, a);
    }
  meta.n_aliases = aliases->len;

  strata_section_writer_begin (writer, TAG_META, STRATA_STORE_FORMAT_VERSION);
  strata_section_writer_write (writer, &meta, sizeof meta);
  strata_section_writer_end (writer);
  strata_section_writer_begin (writer, TAG_ROWS, STRATA_STORE_FORMAT_VERSION);
  strata_section_writer_write (writer, table, n_rows * sizeof (FileRow));
  strata_section_writer_end (writer);
  strata_section_writer_begin (writer, TAG_DESCS, STRATA_STORE_FORMAT_VERSION);
  strata_section_writer_write (writer, self->descs, self->n_descs * sizeof (StrataStateDesc));
  strata_section_writer_end (writer);
  strata_section_writer_begin (writer, TAG_ALIASES, STRATA_STORE_FORMAT_VERSION);
  strata_section_writer_write (writer, aliases->data, aliases->len * sizeof (FileAlias));
  strata_section_writer_end (writer);
  strata_section_writer_begin (writer, TAG_NAMES, STRATA_STORE_FORMAT_VERSION);
  strata_section_writer_write (writer, names->data, names->len);
  strata_section_writer_end (writer);

  g_free (job.order);
  g_free (job.hashes);
  g_free (job.has_pyramid);
}


typedef struct
{
  StrataStore       *store;
  StrataSectionFile *file;
  const FileRow     *table;
  const StoreMeta   *meta;
  const guint8      *names;
  gsize              names_size;
  guint             *order;
  gint               next;
  guint              n_desc_chunks; /* the first tasks; then the rows */
  gint               failed;      /* a row that failed + 1, or G_MAXINT */
  const char        *what;        /* how it failed */
  gsize              memory;      /* of the rows read */
} ReadJob;

typedef struct
{
  const StoreRow *row;
  guint32         n_descs;
  gint64          end;
  gint64          last;           /* the time before this chunk's first */
  guint8         *seen;           /* per description: named by the row */
  GArray         *used;           /* guint32: the descriptions seen */
} RowCheck;

static gboolean
check_bases (const guint8 *chunk,
             gsize         first,
             gsize         size,
             gpointer      user_data)
{
  for (gsize i = 0; i < size; i += sizeof (gint64))
    {
      gint64 base;

      memcpy (&base, chunk + i, sizeof base);
      if (base < STRATA_TIME_MIN || base > STRATA_TIME_MAX)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_times (const guint8 *chunk,
             gsize         first,
             gsize         size,
             gpointer      user_data)
{
  RowCheck *c = user_data;
  const StoreRow *row = c->row;
  guint64 i0 = first / row_time_size (row);
  guint64 n = size / row_time_size (row);
  gint64 last = c->last;

  for (guint64 i = i0; i < i0 + n; i++)
    {
      gint64 ts = store_row_ts (row, i);

      if (ts <= last || ts < STRATA_TIME_MIN || ts >= c->end)
        return FALSE;
      last = ts;
    }
  c->last = last;
  return TRUE;
}

static gboolean
check_palette (const guint8 *chunk,
               gsize         first,
               gsize         size,
               gpointer      user_data)
{
  RowCheck *c = user_data;
  const guint32 *p = (const guint32 *) chunk;

  /* After the count, which read_row() checked: descriptions of the store. */
  for (gsize i = first == 0 ? 1 : 0; i < size / sizeof (guint32); i++)
    if (p[i] >= c->n_descs)
      return FALSE;
  return TRUE;
}

static gboolean
check_ids (const guint8 *chunk,
           gsize         first,
           gsize         size,
           gpointer      user_data)
{
  RowCheck *c = user_data;
  const StoreRow *row = c->row;
  guint64 n = size / store_row_id_size (row);
  guint32 max = 0, last = G_MAXUINT32;

  /* Which descriptions the row names, found while its ids are checked, in one pass: unless
   * its palette says, and but for thread rows, which are in no legend and may be hundreds of
   * thousands. */
  if (row->kind != STRATA_ROW_THREAD && row->id_mode != STRATA_IDS_PALETTE)
    {
      for (guint64 i = 0; i < n; i++)
        {
          guint32 id = strata_ids_get (chunk, row->id_mode, NULL, i);

          if (id >= c->n_descs)
            return FALSE;
          if (id == last)
            continue;
          if (!c->seen[last = id])
            {
              c->seen[id] = 1;
              g_array_append_val (c->used, id);
            }
        }
      return TRUE;
    }
  if (row->id_mode == STRATA_IDS_32)
    for (guint64 i = 0; i < n; i++)
      max = MAX (max, ((const guint32 *) chunk)[i]);
  else if (row->id_mode == STRATA_IDS_24)
    for (guint64 i = 0; i < n; i++)
      max = MAX (max, strata_ids_get (chunk, STRATA_IDS_24, NULL, i));
  else
    for (guint64 i = 0; i < n; i++)
      max = MAX (max, ((const guint16 *) chunk)[i]);
  return n == 0 || max < (row->id_mode == STRATA_IDS_PALETTE ? row->palette[0] : c->n_descs);
}

static gboolean
check_buckets (const guint8 *chunk,
               gsize         first,
               gsize         size,
               gpointer      user_data)
{
  const StoreBucket *b = (const StoreBucket *) chunk;
  guint n_descs = *(const guint *) user_data;

  for (gsize i = 0; i < size / sizeof (StoreBucket); i++)
    if (b[i].key != NO_KEY && ((b[i].key & 0xff) >= STRATA_STATE_N || (b[i].key >> 24) >= STRATA_STATE_N ||
                               b[i].desc >= n_descs))
      return FALSE;
  return TRUE;
}

/* One row's arrays against its checksum and the builder's rules. */
static gboolean
verify_row (ReadJob   *job,
            StoreRow  *row,
            guint      r,
            guint8    *seen,
            GArray    *used,
            ReadTally *tally)
{
  const FileRow *f = &job->table[r];
  RowCheck c = { row, job->store->n_descs, job->store->end, G_MININT64, seen, used };
  guint64 h = row->n;
  gboolean ok;

  g_array_set_size (used, 0);
  ok = hash_array (row->base, row_base_bytes (row), sizeof (gint64), &h, tally, check_bases, &c) &&
       hash_array (row->off, row_times_bytes (row),
                   row_time_size (row), &h, tally, check_times, &c) &&
       hash_array (row->palette, row_palette_bytes (row), sizeof (guint32), &h, tally, check_palette, &c) &&
       hash_array (row->ids, row_ids_bytes (row), store_row_id_size (row), &h, tally, check_ids, &c);
  for (guint i = 0; i < used->len; i++)
    seen[g_array_index (used, guint32, i)] = 0;
  if (!ok)
    return FALSE;
  if (row->kind != STRATA_ROW_THREAD && row->id_mode != STRATA_IDS_PALETTE)
    {
      row->palette = g_new (guint32, used->len + 1);
      row->palette[0] = used->len;
      if (used->len > 0)
        memcpy (row->palette + 1, used->data, used->len * sizeof (guint32));
    }
  if (!strata_section_file_checksum_ok (h, f->hash))
    return FALSE;
  if (row->summary != NULL)
    {
      if (!pyramid_fits (row, job->store->end) ||
          !pyramid_hash (row, &h, tally, check_buckets, &job->store->n_descs) ||
          !strata_section_file_checksum_ok (h, f->pyramid_hash))
        return FALSE;
    }
  return TRUE;
}

/* @size bytes at file @offset, 8-byte aligned, inside the file and outside its header. */
static gconstpointer
file_array (StrataSectionFile *file,
            guint64            offset,
            guint64            size)
{
  gsize file_size = strata_section_file_size (file);

  if (size == 0)
    return NULL;
  if (offset < STRATA_SECTION_FILE_DATA_START || offset % 8 != 0 || offset > file_size ||
      size > file_size - offset)
    return NULL;
  return strata_section_file_data (file) + offset;
}

/* Points @row's summary into @file, where @f says it lies, if it has the shape the row's
 * first time, its length and @end give (verify_row() checks that first time). */
static gboolean
setup_pyramid (StrataSectionFile *file,
               const FileRow     *f,
               StoreRow          *row,
               gint64             end)
{
  guint64 level_len[STORE_MAX_LEVELS];
  StoreBucket *pyramid;
  gint64 first, w0;
  guint n_levels;

  if (row->n == 0 || (row->base != NULL && (row->base[0] < STRATA_TIME_MIN || row->base[0] > STRATA_TIME_MAX)))
    return FALSE;
  first = CLAMP (store_row_ts (row, 0), STRATA_TIME_MIN, end);
  store_pyramid_layout (first, end, row->n, &w0, &n_levels, level_len);
  if (w0 != f->w0 || n_levels != f->n_levels || f->pyramid_size != store_pyramid_size (n_levels, level_len, NULL))
    return FALSE;
  /* 8-byte aligned: the bits are 64-bit words. */
  pyramid = (StoreBucket *) file_array (file, f->pyramid, f->pyramid_size);
  if (pyramid == NULL)
    return FALSE;
  row->summary = store_summary_new (w0, n_levels, level_len);
  row->summary->pyramid = pyramid;
  row->summary->storage = STORE_MAPPED;
  store_summary_set_levels (row->summary);
  return TRUE;
}

static StrataStore *
invalid (StrataStore *store,
         GError     **error,
         const char  *what)
{
  g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_DAMAGED,
               "damaged store: %s", what);
  strata_store_free (store);
  return NULL;
}

static gboolean
section (StrataSectionFile *file,
         guint32            tag,
         gsize              item_size,
         guint64            n_items,
         const guint8     **data,
         GError           **error)
{
  guint32 version;
  gsize size;

  if (!strata_section_file_lookup (file, tag, &version, data, &size))
    {
      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN,
                   "not a saved store");
      return FALSE;
    }
  if (version != STRATA_STORE_FORMAT_VERSION)
    {
      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN,
                   "a store of another version (%u)", version);
      return FALSE;
    }
  if (item_size > 0 && (n_items > size / item_size || size != n_items * item_size))
    {
      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_DAMAGED,
                   "damaged store: a section of the wrong size");
      return FALSE;
    }
  return TRUE;
}

/* A name at @offset of the names section: NUL-terminated inside it, and UTF-8. */
static const char *
file_name (const guint8 *names,
           gsize         size,
           guint64       offset)
{
  const char *name;

  if (offset >= size || memchr (names + offset, 0, size - offset) == NULL)
    return NULL;
  name = (const char *) names + offset;
  return g_utf8_validate (name, -1, NULL) ? name : NULL;
}

static guint64
file_row_size (gconstpointer rows,
               guint         r)
{
  return ((const FileRow *) rows)[r].n;
}

/* Row @r from its entry of the table, pointing into the file; NULL, or why it cannot be. */
static const char *
read_row (ReadJob   *job,
          guint      r,
          StoreRow  *row,
          guint8    *seen,
          GArray    *used,
          ReadTally *tally)
{
  StrataSectionFile *file = job->file;
  const FileRow *f = &job->table[r];
  const char *name = file_name (job->names, job->names_size, f->name);
  gsize time_size = f->wide ? sizeof (gint64) : sizeof (guint32);
  guint64 max_n = strata_section_file_size (file) / sizeof (guint32);

  row->storage = STORE_MAPPED;
  if (name == NULL || f->kind > STRATA_ROW_THREAD || f->wide > 1 || f->n > MIN (max_n, STORE_ROW_MAX) ||
      f->id_mode > STRATA_IDS_24 || f->name_tid > 1 ||
      (f->name_tid && (f->kind != STRATA_ROW_THREAD || f->number <= 0 || f->number > G_MAXINT32)))
    return "a row out of bounds";
  row->name = (char *) name;
  row->name_tid = f->name_tid;
  row->kind = f->kind;
  row->id_mode = f->id_mode;
  row->machine = f->machine;
  row->number = f->number;
  row->n = row->cap = f->n;
  if (f->wide)
    row->wide = (gint64 *) file_array (file, f->times, f->n * time_size);
  else
    {
      /* The bases first: a row of offsets but no bases would be taken for a wide one. */
      row->base = (gint64 *) file_array (file, f->base, row_base_bytes (row));
      row->off = (guint32 *) file_array (file, f->times, f->n * time_size);
    }
  row->ids = (gpointer) file_array (file, f->ids, row_ids_bytes (row));
  if (f->n > 0 && (row->ids == NULL || row->off == NULL || (!f->wide && row->base == NULL)))
    return "a row out of bounds";
  if (row->id_mode == STRATA_IDS_PALETTE)
    {
      /* At least one description, at most 65,536 and no more than the row's changes. */
      const guint32 *count = file_array (file, f->palette, sizeof (guint32));

      if (f->n == 0 || count == NULL || *count == 0 || *count > G_MAXUINT16 + 1 || *count > f->n)
        return "a damaged palette";
      row->palette = (guint32 *) file_array (file, f->palette, (*count + 1) * sizeof (guint32));
      if (row->palette == NULL)
        return "a damaged palette";
      row->id_flags = STORE_PALETTE_MAPPED;
    }
  else if (f->palette != 0)
    return "a damaged palette";
  /* A summary of this version is read in place; one of another is left out, and
   * built again when drawn. Its shape must be the one its row gives. */
  if (f->pyramid != 0 && job->meta->summary_version == STRATA_STORE_SUMMARY_VERSION &&
      !setup_pyramid (file, f, row, job->meta->end))
    return "a summary out of bounds";
  if (!verify_row (job, row, r, seen, used, tally))
    return "a row that does not match its checksum, or breaks a rule of rows";
  return NULL;
}

/* Descriptions a task of the read: millions in a switch-heavy set. */
#define DESC_CHUNK 65536

static gboolean
check_descs (StrataStore *store,
             guint        from,
             guint        to)
{
  for (guint d = from; d < to; d++)
    if (store->descs[d].state >= STRATA_STATE_N || store->descs[d].reserved != 0)
      return FALSE;
  return TRUE;
}

/* Tasks are taken a few at a time: an atomic a task would be a cache line passed between the
 * threads for each of a switch-heavy store's hundreds of thousands of rows. */
#define READ_BATCH 16

static gpointer
read_worker (gpointer data)
{
  ReadJob *job = data;
  g_autofree guint8 *seen = strata_memory_new0 (guint8, job->store->n_descs);
  g_autoptr(GArray) used = g_array_new (FALSE, FALSE, sizeof (guint32));
  ReadTally tally = { job->file, 0 };
  guint n_tasks = job->n_desc_chunks + job->store->rows->len;
  gsize memory = 0;
  gint first;

  while ((first = g_atomic_int_add (&job->next, READ_BATCH)) < (gint) n_tasks)
    for (guint i = first; i < MIN ((guint) first + READ_BATCH, n_tasks); i++)
      {
        guint r;
        StoreRow *row;
        const char *what;

        if (g_atomic_int_get (&job->failed) != 0)
          goto out;
        if (i < job->n_desc_chunks)
          {
            guint from = i * DESC_CHUNK, to = MIN (job->store->n_descs, (i + 1) * DESC_CHUNK);

            if (!check_descs (job->store, from, to) &&
                g_atomic_int_compare_and_exchange (&job->failed, 0, G_MAXINT))
              job->what = "an unknown state";
            /* Counted as the rows are, so that the descriptions' pages (a switch-heavy
             * store's are a hundred megabytes) do not all stay resident until the end. */
            tally.pending += (to - from) * sizeof (StrataStateDesc);
            if (tally.pending >= (1 << 20))
              tally_flush (&tally);
            continue;
          }
        r = job->order[i - job->n_desc_chunks];
        row = g_ptr_array_index (job->store->rows, r);
        if ((what = read_row (job, r, row, seen, used, &tally)) != NULL)
          {
            if (g_atomic_int_compare_and_exchange (&job->failed, 0, r + 1))
              job->what = what;
            goto out;
          }
        memory += row_base_bytes (row) + row_times_bytes (row) + row_ids_bytes (row) + row_palette_bytes (row) +
                  sizeof (StoreRow) + (row->name_tid ? 0 : strlen (row->name) + 1) + store_row_pyramid_bytes (row);
      }
out:
  tally_flush (&tally);
  g_atomic_pointer_add (&job->memory, memory);
  return NULL;
}

StrataStore *
strata_store_read (StrataSectionFile *file,
                   GError           **error)
{
  const guint8 *meta_data, *rows_data, *descs_data, *aliases_data, *names;
  gsize names_size;
  StoreMeta meta;
  StrataStore *store;
  ReadJob job = { 0 };
  guint64 n_changes = 0;

  if (!section (file, TAG_META, sizeof (StoreMeta), 1, &meta_data, error))
    return NULL;
  memcpy (&meta, meta_data, sizeof meta);
  if (!section (file, TAG_ROWS, sizeof (FileRow), meta.n_rows, &rows_data, error) ||
      !section (file, TAG_DESCS, sizeof (StrataStateDesc), meta.n_descs, &descs_data, error) ||
      !section (file, TAG_ALIASES, sizeof (FileAlias), meta.n_aliases, &aliases_data, error) ||
      !section (file, TAG_NAMES, 0, 0, &names, error))
    return NULL;
  strata_section_file_lookup (file, TAG_NAMES, NULL, &names, &names_size);

  store = g_new0 (StrataStore, 1);
  store->file = strata_section_file_ref (file);
  store->rows = g_ptr_array_new ();
  store->pcpu_rows = g_array_new (FALSE, FALSE, sizeof (gint));
  store->shown_rows = g_array_new (FALSE, FALSE, sizeof (gint));
  store->aliases = g_ptr_array_new ();
  store->descs = (StrataStateDesc *) descs_data;
  store->descs_mapped = TRUE;
  store->n_descs = meta.n_descs;
  store->begin = meta.begin;
  store->end = meta.end;
  store->memory = store->n_descs * sizeof (StrataStateDesc);
  if (meta.begin < STRATA_TIME_MIN || meta.end > STRATA_TIME_MAX || meta.begin > meta.end)
    return invalid (store, error, "a time range out of bounds");

  /* Every row is made on every core, from the file's table, as it is checked: a set of
   * many short-lived threads has hundreds of thousands. Their memory is one block, written
   * through here: the workers read rows beside the ones they write. */
  store->row_block = strata_memory_alloc0_n ((gsize) MAX (meta.n_rows, 1) * sizeof (StoreRow) + 64, 1);
  g_ptr_array_set_size (store->rows, meta.n_rows);
  for (guint r = 0; r < meta.n_rows; r++)
    g_ptr_array_index (store->rows, r) = (StoreRow *) (((guintptr) store->row_block + 63) & ~(guintptr) 63) + r;
  for (guint i = 0; i < meta.n_aliases; i++)
    {
      FileAlias a;
      const char *name;

      memcpy (&a, aliases_data + i * sizeof a, sizeof a);
      name = file_name (names, names_size, a.name);
      if (name == NULL || a.row >= meta.n_rows)
        return invalid (store, error, "an alias out of bounds");
      g_ptr_array_add (store->aliases, g_strdup (name));
      g_ptr_array_add (store->aliases, GUINT_TO_POINTER (a.row));
    }
  _strata_store_names_init (store);

  job.store = store;
  job.file = file;
  job.table = (const FileRow *) rows_data;
  job.meta = &meta;
  job.names = names;
  job.names_size = names_size;
  job.order = rows_by_size (meta.n_rows, file_row_size, job.table);
  job.n_desc_chunks = (meta.n_descs + DESC_CHUNK - 1) / DESC_CHUNK;
  strata_parallel_run ("strata-store-read", job.n_desc_chunks + store->rows->len, read_worker, &job);
  g_free (job.order);
  if (job.failed == G_MAXINT)
    return invalid (store, error, job.what);
  if (job.failed != 0)
    {
      const StoreRow *row = g_ptr_array_index (store->rows, job.failed - 1);
      g_autofree char *name = row->name != NULL ? g_malloc (store_row_name_len (row) + 1) : NULL;
      g_autofree char *what = NULL;

      if (name != NULL)
        store_row_name_write (row, name);
      what = g_strdup_printf ("row %s: %s", name ? name : "?", job.what);

      return invalid (store, error, what);
    }
  for (guint r = 0; r < meta.n_rows; r++)
    {
      n_changes += ((StoreRow *) g_ptr_array_index (store->rows, r))->n;
      _strata_store_note_row (store, r);
    }
  if (n_changes != meta.n_changes)
    return invalid (store, error, "a count of changes that does not add up");
  store->n_changes = n_changes;
  /* Nothing looks a row up by name to draw a first frame. */
  _strata_store_names_later (store);
  store->memory += job.memory;
  /* The checks' last pages too: a store opens with none of its file resident. */
  strata_section_file_release (file, 0, strata_section_file_size (file));
  return store;
}

gboolean
strata_store_summaries_mapped (StrataStore *self)
{
  for (guint r = 0; r < self->rows->len; r++)
    {
      const StoreRow *row = g_ptr_array_index (self->rows, r);

      if (row->summary != NULL && row->summary->pyramid != NULL && row->summary->storage == STORE_MAPPED)
        return TRUE;
    }
  return FALSE;
}
