/* strata-section-file.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-section-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-parallel.h"
#include "strata-section-file.h"

G_DEFINE_QUARK (strata-section-file-error-quark, strata_section_file_error)

/*
 * Layout: the header at offset 0 (in a block of STRATA_SECTION_FILE_DATA_START bytes), the
 * sections, then the table of sections. The magic, byte order and version keep their place
 * in every version, so that any version can tell it is not the one reading it.
 *
 * A section's checksum chains strata_hash64() over blocks of HASH_BLOCK bytes of it, so that
 * a writer can checksum what it writes in passing and a reader can give back pages as it goes.
 */

#define MAGIC "\x89STRATA\n"
#define BYTE_ORDER_MARK 0x01020304u
#define CONTAINER_VERSION 1
#define SECTION_ALIGN 64
#define HASH_BLOCK (1u << 20)
#define RELEASE_EVERY (16u << 20)
/* Files whose sections are larger in all have them checked on every core. */
#define PARALLEL_FROM (16u << 20)

typedef struct
{
  char    magic[8];
  guint32 byte_order;
  guint32 version;
  guint32 kind;
  guint32 n_sections;
  guint64 file_size;
  guint64 table_offset;
  guint64 table_hash;
  guint64 header_hash;       /* of the bytes above */
} FileHeader;

typedef struct
{
  guint32 tag;
  guint32 version;
  guint64 offset;
  guint64 size;
  guint64 hash;
} SectionEntry;

G_STATIC_ASSERT (sizeof (FileHeader) == 56);
G_STATIC_ASSERT (sizeof (SectionEntry) == 32);


/* Four lanes over 32-byte stripes, then the tail, then a final mix: fast enough that checking
 * a file costs little next to reading it. */
#define P1 G_GUINT64_CONSTANT (0x9E3779B185EBCA87)
#define P2 G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F)
#define P3 G_GUINT64_CONSTANT (0x165667B19E3779F9)

static inline guint64
rotl64 (guint64 x,
        guint   r)
{
  return (x << r) | (x >> (64 - r));
}

static inline guint64
load64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return v;
}

static inline guint64
lane (guint64 acc,
      guint64 v)
{
  return rotl64 (acc + v * P2, 31) * P1;
}

guint64
strata_hash64 (const void *data,
               gsize       len,
               guint64     seed)
{
  const guint8 *p = data;
  const guint8 *end = p + len;
  guint64 h;

  if (len >= 32)
    {
      guint64 a = seed + P1 + P2, b = seed + P2, c = seed, d = seed - P1;

      for (; p + 32 <= end; p += 32)
        {
          a = lane (a, load64 (p));
          b = lane (b, load64 (p + 8));
          c = lane (c, load64 (p + 16));
          d = lane (d, load64 (p + 24));
        }
      h = rotl64 (a, 1) + rotl64 (b, 7) + rotl64 (c, 12) + rotl64 (d, 18);
      h = (h ^ lane (0, a)) * P1 + P3;
      h = (h ^ lane (0, b)) * P1 + P3;
      h = (h ^ lane (0, c)) * P1 + P3;
      h = (h ^ lane (0, d)) * P1 + P3;
    }
  else
    h = seed + P3;
  h += len;
  for (; p + 8 <= end; p += 8)
    h = rotl64 (h ^ lane (0, load64 (p)), 27) * P1 + P3;
  for (; p < end; p++)
    h = rotl64 (h ^ (*p * P3), 11) * P1;
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

/* A section's checksum: see above. */
static guint64
hash_blocks (const guint8 *data,
             gsize         size,
             guint64       seed)
{
  guint64 h = seed;

  for (gsize at = 0; at < size; at += HASH_BLOCK)
    h = strata_hash64 (data + at, MIN (HASH_BLOCK, size - at), h);
  return h;
}


struct _StrataSectionWriter
{
  int           fd;
  guint32       kind;
  guint64       pos;          /* file offset of buf[0] */
  guint8       *buf;          /* the open section's current block, or padding */
  gsize         len;
  gboolean      open;
  SectionEntry  current;
  GArray       *sections;     /* SectionEntry */
  int           error;        /* the first errno met, 0: none */
};

StrataSectionWriter *
strata_section_writer_new (int     fd,
                           guint32 kind,
                           guint64 start)
{
  StrataSectionWriter *self = g_new0 (StrataSectionWriter, 1);

  g_return_val_if_fail (start >= STRATA_SECTION_FILE_DATA_START, NULL);

  self->fd = fd;
  self->kind = kind;
  self->pos = start;
  self->buf = g_malloc (HASH_BLOCK);
  self->sections = g_array_new (FALSE, FALSE, sizeof (SectionEntry));
  return self;
}

void
strata_section_writer_free (StrataSectionWriter *self)
{
  if (self == NULL)
    return;
  g_free (self->buf);
  g_array_unref (self->sections);
  g_free (self);
}

static void
write_at (StrataSectionWriter *self,
          const void          *data,
          gsize                len,
          guint64              offset)
{
  const guint8 *p = data;

  while (self->error == 0 && len > 0)
    {
      gssize n = pwrite (self->fd, p, len, offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          self->error = n < 0 ? errno : ENOSPC;
          return;
        }
      p += n;
      len -= n;
      offset += n;
    }
}

static void
flush (StrataSectionWriter *self)
{
  if (self->open && self->len > 0)
    self->current.hash = strata_hash64 (self->buf, self->len, self->current.hash);
  write_at (self, self->buf, self->len, self->pos);
  self->pos += self->len;
  self->len = 0;
}

guint64
strata_section_writer_tell (StrataSectionWriter *self)
{
  return self->pos + self->len;
}

static void
pad_to (StrataSectionWriter *self,
        gsize                alignment)
{
  static const guint8 zeros[SECTION_ALIGN];

  while ((strata_section_writer_tell (self) & (alignment - 1)) != 0)
    {
      gsize n = MIN (sizeof zeros, alignment - (strata_section_writer_tell (self) & (alignment - 1)));

      strata_section_writer_write (self, zeros, n);
    }
}

void
strata_section_writer_begin (StrataSectionWriter *self,
                             guint32              tag,
                             guint32              version)
{
  g_return_if_fail (!self->open);

  pad_to (self, SECTION_ALIGN);
  flush (self);
  self->open = TRUE;
  self->current = (SectionEntry) { tag, version, self->pos, 0, 0 };
}

void
strata_section_writer_write (StrataSectionWriter *self,
                             const void          *data,
                             gsize                len)
{
  const guint8 *p = data;

  /* Large arrays outside sections (a store's rows) go straight to the file. */
  if (!self->open && len >= HASH_BLOCK / 4)
    {
      flush (self);
      write_at (self, p, len, self->pos);
      self->pos += len;
      return;
    }
  while (len > 0)
    {
      gsize n = MIN (len, HASH_BLOCK - self->len);

      memcpy (self->buf + self->len, p, n);
      self->len += n;
      p += n;
      len -= n;
      if (self->len == HASH_BLOCK)
        flush (self);
    }
}

void
strata_section_writer_align (StrataSectionWriter *self,
                             gsize                alignment)
{
  g_return_if_fail (alignment > 0 && (alignment & (alignment - 1)) == 0 && alignment <= SECTION_ALIGN);

  pad_to (self, alignment);
}

void
strata_section_writer_end (StrataSectionWriter *self)
{
  g_return_if_fail (self->open);

  flush (self);
  self->current.size = self->pos - self->current.offset;
  g_array_append_val (self->sections, self->current);
  self->open = FALSE;
}

gboolean
strata_section_writer_finish (StrataSectionWriter *self,
                              GError             **error)
{
  g_autofree guint8 *block = g_malloc0 (STRATA_SECTION_FILE_DATA_START);
  FileHeader header = { 0 };
  gsize table_size = self->sections->len * sizeof (SectionEntry);

  g_return_val_if_fail (!self->open, FALSE);

  pad_to (self, SECTION_ALIGN);
  flush (self);
  memcpy (header.magic, MAGIC, sizeof header.magic);
  header.byte_order = BYTE_ORDER_MARK;
  header.version = CONTAINER_VERSION;
  header.kind = self->kind;
  header.n_sections = self->sections->len;
  header.table_offset = self->pos;
  header.table_hash = hash_blocks ((const guint8 *) self->sections->data, table_size, 0);
  header.file_size = self->pos + table_size;
  header.header_hash = strata_hash64 (&header, G_STRUCT_OFFSET (FileHeader, header_hash), 0);
  write_at (self, self->sections->data, table_size, self->pos);
  memcpy (block, &header, sizeof header);
  write_at (self, block, STRATA_SECTION_FILE_DATA_START, 0);
  if (self->error == 0 && ftruncate (self->fd, header.file_size) != 0)
    self->error = errno;
  if (self->error != 0)
    {
      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_IO,
                   "%s", g_strerror (self->error));
      return FALSE;
    }
  return TRUE;
}


static gint ignore_checksums;

void
strata_section_file_set_ignore_checksums (gboolean ignore)
{
  g_atomic_int_set (&ignore_checksums, ignore);
}

gboolean
strata_section_file_checksum_ok (guint64 computed,
                                 guint64 expected)
{
  return computed == expected || g_atomic_int_get (&ignore_checksums);
}

struct _StrataSectionFile
{
  gatomicrefcount     ref_count;
  gsize               read;         /* bytes read since the mapping was last given back */
  const guint8       *data;
  gsize               size;
  gboolean            mapped;
  const SectionEntry *sections;
  guint               n_sections;
};

static gboolean
damaged (GError    **error,
         const char *what)
{
  g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_DAMAGED,
               "damaged: %s", what);
  return FALSE;
}

typedef struct
{
  StrataSectionFile *file;
  guint             *order;       /* the sections, largest first */
  gint               next;
  gint               bad;
} CheckJob;

static gboolean
section_ok (StrataSectionFile  *self,
            const SectionEntry *s)
{
  guint64 h = 0;

  for (guint64 at = 0; at < s->size; at += RELEASE_EVERY)
    {
      gsize n = MIN (RELEASE_EVERY, s->size - at);

      h = hash_blocks (self->data + s->offset + at, n, h);
      strata_section_file_release (self, s->offset + at, n);
    }
  return strata_section_file_checksum_ok (h, s->hash);
}

static gpointer
check_worker (gpointer data)
{
  CheckJob *job = data;
  guint i;

  while (!g_atomic_int_get (&job->bad) &&
         (i = (guint) g_atomic_int_add (&job->next, 1)) < job->file->n_sections)
    if (!section_ok (job->file, &job->file->sections[job->order[i]]))
      g_atomic_int_set (&job->bad, TRUE);
  return NULL;
}

static gint
by_size (gconstpointer a,
         gconstpointer b,
         gpointer      data)
{
  const SectionEntry *sections = data;
  guint64 sa = sections[*(const guint *) a].size, sb = sections[*(const guint *) b].size;

  return sa < sb ? 1 : sa > sb ? -1 : 0;
}

/* Whether every section's checksum matches. A saved analysis is opened with its sections
 * checked on every core, the largest first: one thread checking them all took 60 to 75 ms of
 * the half second a switch-heavy set took to reopen. */
static gboolean
check_sections (StrataSectionFile *self,
                guint64            total)
{
  g_autofree guint *order = NULL;
  CheckJob job = { self, NULL, 0, FALSE };

  if (total < PARALLEL_FROM || self->n_sections < 2)
    {
      for (guint i = 0; i < self->n_sections; i++)
        if (!section_ok (self, &self->sections[i]))
          return FALSE;
      return TRUE;
    }
  order = g_new (guint, self->n_sections);
  for (guint i = 0; i < self->n_sections; i++)
    order[i] = i;
  g_qsort_with_data (order, self->n_sections, sizeof (guint), by_size, (gpointer) self->sections);
  job.order = order;
  strata_parallel_run ("strata-check", self->n_sections, check_worker, &job);
  return !job.bad;
}

/* Every check: see the layout above. */
static gboolean
check (StrataSectionFile *self,
       guint32            kind,
       GError           **error)
{
  FileHeader header;
  guint64 total = 0;

  if (self->size < sizeof header || memcmp (self->data, MAGIC, 8) != 0)
    {
      if (self->size >= 8 && memcmp (self->data, MAGIC, 8) == 0)
        return damaged (error, "cut short");
      g_set_error_literal (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN,
                           "not a Strata file");
      return FALSE;
    }
  memcpy (&header, self->data, sizeof header);
  if (header.byte_order != BYTE_ORDER_MARK)
    {
      g_set_error_literal (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN,
                           "written on a machine of another byte order");
      return FALSE;
    }
  if (header.version != CONTAINER_VERSION || header.kind != kind)
    {
      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN,
                   "a file of another kind or version (%u, version %u)", header.kind, header.version);
      return FALSE;
    }
  if (!strata_section_file_checksum_ok (strata_hash64 (&header, G_STRUCT_OFFSET (FileHeader, header_hash), 0),
                                        header.header_hash))
    return damaged (error, "the header's checksum does not match");
  if (header.file_size != self->size)
    return damaged (error, header.file_size > self->size ? "cut short" : "longer than written");
  if (header.table_offset < STRATA_SECTION_FILE_DATA_START || header.table_offset > self->size ||
      header.table_offset % SECTION_ALIGN != 0 ||
      header.n_sections != (self->size - header.table_offset) / sizeof (SectionEntry) ||
      (self->size - header.table_offset) % sizeof (SectionEntry) != 0)
    return damaged (error, "the table of sections is out of place");
  self->sections = (const SectionEntry *) (self->data + header.table_offset);
  self->n_sections = header.n_sections;
  if (!strata_section_file_checksum_ok (hash_blocks ((const guint8 *) self->sections,
                                                    self->n_sections * sizeof (SectionEntry), 0),
                                       header.table_hash))
    return damaged (error, "the table's checksum does not match");

  for (guint i = 0; i < self->n_sections; i++)
    {
      const SectionEntry *s = &self->sections[i];

      if (s->offset < STRATA_SECTION_FILE_DATA_START || s->offset % SECTION_ALIGN != 0 ||
          s->offset > header.table_offset || s->size > header.table_offset - s->offset)
        return damaged (error, "a section lies outside the file");
      for (guint j = 0; j < i; j++)
        if (self->sections[j].tag == s->tag)
          return damaged (error, "a section appears twice");
      total += s->size;
    }
  if (!check_sections (self, total))
    return damaged (error, "a section's checksum does not match");
  return TRUE;
}

static StrataSectionFile *
file_new (const guint8 *data,
          gsize         size,
          gboolean      mapped)
{
  StrataSectionFile *self = g_new0 (StrataSectionFile, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->data = data;
  self->size = size;
  self->mapped = mapped;
  return self;
}

StrataSectionFile *
strata_section_file_open (const char  *path,
                          guint32      kind,
                          GError     **error)
{
  g_autoptr(StrataSectionFile) self = NULL;
  struct stat st;
  void *map;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_IO,
                   "%s", g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error_literal (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN,
                           "not a regular file");
      return NULL;
    }
  if (st.st_size == 0)
    {
      close (fd);
      damaged (error, "empty");
      return NULL;
    }
  map = mmap (NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
  close (fd);
  if (map == MAP_FAILED)
    {
      int saved = errno;

      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_IO,
                   "%s", g_strerror (saved));
      return NULL;
    }
  self = file_new (map, st.st_size, TRUE);
  if (!check (self, kind, error))
    return NULL;
  return g_steal_pointer (&self);
}

StrataSectionFile *
strata_section_file_new_for_data (const guint8 *data,
                                  gsize         size,
                                  guint32       kind,
                                  GError      **error)
{
  g_autoptr(StrataSectionFile) self = NULL;

  g_return_val_if_fail (size == 0 || ((gsize) data & (SECTION_ALIGN - 1)) == 0, NULL);

  self = file_new (data, size, FALSE);
  if (!check (self, kind, error))
    return NULL;
  return g_steal_pointer (&self);
}

StrataSectionFile *
strata_section_file_ref (StrataSectionFile *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
strata_section_file_unref (StrataSectionFile *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  if (self->mapped)
    munmap ((void *) self->data, self->size);
  g_free (self);
}

gboolean
strata_section_file_lookup (StrataSectionFile  *self,
                            guint32             tag,
                            guint32            *version,
                            const guint8      **data,
                            gsize              *size)
{
  for (guint i = 0; i < self->n_sections; i++)
    if (self->sections[i].tag == tag)
      {
        if (version != NULL)
          *version = self->sections[i].version;
        *data = self->data + self->sections[i].offset;
        *size = self->sections[i].size;
        return TRUE;
      }
  return FALSE;
}

const guint8 *
strata_section_file_data (StrataSectionFile *self)
{
  return self->data;
}

gsize
strata_section_file_size (StrataSectionFile *self)
{
  return self->size;
}

void
strata_section_file_read (StrataSectionFile *self,
                          gsize              size)
{
  gsize before;

  if (!self->mapped)
    return;
  before = g_atomic_pointer_add (&self->read, size);
  if (before < STRATA_SECTION_FILE_RELEASE_EVERY && before + size >= STRATA_SECTION_FILE_RELEASE_EVERY)
    {
      g_atomic_pointer_set (&self->read, 0);
      madvise ((guint8 *) self->data, self->size, MADV_DONTNEED);
    }
}

void
strata_section_file_release (StrataSectionFile *self,
                             gsize              offset,
                             gsize              size)
{
  gsize page = sysconf (_SC_PAGESIZE);
  gsize from, to;

  if (!self->mapped || offset >= self->size)
    return;
  /* Whole pages around the range: a neighbour still in use comes back when read. */
  from = offset & ~(page - 1);
  to = MIN (offset + size, self->size);
  if (to > from)
    madvise ((guint8 *) self->data + from, to - from, MADV_DONTNEED);
}
