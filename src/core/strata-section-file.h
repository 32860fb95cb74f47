/* strata-section-file.h: files of checksummed sections, read in place through a mapping
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A section file is a header block, sections, and a table of the sections at the end. Each
 * section has a tag, a version of its own and a checksum; the table and the header have
 * theirs. Sections are 64-byte aligned, so their arrays can be read where they lie in a
 * mapping. Bytes outside the sections (a store's row arrays) are checked by their owner.
 * Files are written and read on one machine: numbers are in its byte order, and a file of
 * the other byte order is foreign.
 */

#define STRATA_SECTION_FILE_ERROR (strata_section_file_error_quark ())

typedef enum
{
  STRATA_SECTION_FILE_ERROR_IO,       /* could not be read or written */
  STRATA_SECTION_FILE_ERROR_FOREIGN,  /* not a Strata file of this kind, byte order or version */
  STRATA_SECTION_FILE_ERROR_DAMAGED,  /* truncated, or not what its checksums say */
} StrataSectionFileError;

GQuark strata_section_file_error_quark (void);

#define STRATA_FOURCC(a, b, c, d) \
  ((guint32) (a) | (guint32) (b) << 8 | (guint32) (c) << 16 | (guint32) (d) << 24)

/* Where the first section may start: the header block. */
#define STRATA_SECTION_FILE_DATA_START 4096

/* A fast 64-bit checksum (not cryptographic); chain calls through @seed. */
guint64 strata_hash64 (const void *data,
                       gsize       len,
                       guint64     seed);

typedef struct _StrataSectionWriter StrataSectionWriter;

/* Writes sections into @fd (not taken) from offset @start on; the header block is written by
 * finish(), so a file that is cut short has none. */
StrataSectionWriter *strata_section_writer_new     (int                  fd,
                                                    guint32              kind,
                                                    guint64              start);
void                 strata_section_writer_begin   (StrataSectionWriter *self,
                                                    guint32              tag,
                                                    guint32              version);
void                 strata_section_writer_write   (StrataSectionWriter *self,
                                                    const void          *data,
                                                    gsize                len);
/* Pads the section with zeros up to a multiple of @alignment (a power of two) of the file. */
void                 strata_section_writer_align   (StrataSectionWriter *self,
                                                    gsize                alignment);
/* The file offset the next byte written goes to. */
guint64              strata_section_writer_tell    (StrataSectionWriter *self);
void                 strata_section_writer_end     (StrataSectionWriter *self);
/* Writes the table and the header. FALSE (and the first error met) if anything failed. */
gboolean             strata_section_writer_finish  (StrataSectionWriter *self,
                                                    GError             **error);
void                 strata_section_writer_free    (StrataSectionWriter *self);

typedef struct _StrataSectionFile StrataSectionFile;

/* Maps @path and checks its header, table and every section's checksum. The pages read for
 * that are given back as they are done, so opening costs no resident memory. */
StrataSectionFile *strata_section_file_open       (const char         *path,
                                                   guint32             kind,
                                                   GError            **error);
/* The same checks on bytes in memory (which must stay alive and unchanged, and be 64-byte
 * aligned): for tests and fuzzing. */
StrataSectionFile *strata_section_file_new_for_data (const guint8     *data,
                                                     gsize             size,
                                                     guint32           kind,
                                                     GError          **error);
StrataSectionFile *strata_section_file_ref        (StrataSectionFile  *self);
void               strata_section_file_unref      (StrataSectionFile  *self);
/* The section tagged @tag: its bytes and version. FALSE when there is none. */
gboolean           strata_section_file_lookup     (StrataSectionFile  *self,
                                                   guint32             tag,
                                                   guint32            *version,
                                                   const guint8      **data,
                                                   gsize              *size);
/* The whole file, for arrays that sections refer to by offset. */
const guint8      *strata_section_file_data       (StrataSectionFile  *self);
gsize              strata_section_file_size       (StrataSectionFile  *self);
/* Gives back the resident pages of [offset, offset + size) once read: they stay in the page
 * cache, and come back when read again. Does nothing for data in memory. */
void               strata_section_file_release    (StrataSectionFile  *self,
                                                   gsize               offset,
                                                   gsize               size);
/* Says @size more bytes were read through the mapping, from any thread: every
 * STRATA_SECTION_FILE_RELEASE_EVERY bytes, the whole mapping's pages are given back at once
 * (one call instead of one a small array, each of which interrupts every other core). */
#define STRATA_SECTION_FILE_RELEASE_EVERY ((gsize) 16 << 20)
void               strata_section_file_read       (StrataSectionFile  *self,
                                                   gsize               size);

/* For fuzzing and tests only: checksums that do not match are let through (and said so by
 * strata_section_file_checksum_ok()), so that the checks behind them are reached too. */
void               strata_section_file_set_ignore_checksums (gboolean ignore);
gboolean           strata_section_file_checksum_ok (guint64 computed,
                                                    guint64 expected);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSectionWriter, strata_section_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSectionFile, strata_section_file_unref)

G_END_DECLS
