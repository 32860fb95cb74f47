/* strata-fuzz-trace.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-fuzz.h"

G_BEGIN_DECLS

/*
 * What the trace-building fuzz targets share: a folder per input in a temporary folder of
 * the process's own, a writer of bit fields in either byte order (as CTF lays them out), and
 * a load through strata_trace_load(), which checks the trace, stages what is sound and has
 * libbabeltrace2 read it. libbabeltrace2 aborts on what the check should have left out, so
 * an abort there is a finding.
 */

typedef struct
{
  GByteArray *bytes;
  guint64     bits;
} StrataBitWriter;

void     strata_bit_writer_init  (StrataBitWriter *w);
void     strata_bit_writer_clear (StrataBitWriter *w);
void     strata_bit_writer_align (StrataBitWriter *w,
                                  guint            align);
void     strata_bit_writer_put   (StrataBitWriter *w,
                                  guint64          value,
                                  guint            size,
                                  gboolean         big_endian);
/* Overwrites @size bits at bit @at (written before). */
void     strata_bit_writer_put_at (StrataBitWriter *w,
                                   guint64          at,
                                   guint64          value,
                                   guint            size,
                                   gboolean         big_endian);
/* Zeros up to @bytes bytes. */
void     strata_bit_writer_pad_to (StrataBitWriter *w,
                                   guint64          bytes);

/* A new empty folder for one input, inside the process's own temporary folder. */
char    *strata_fuzz_folder      (void);
void     strata_fuzz_write       (const char *folder,
                                  const char *name,
                                  const void *data,
                                  gsize       len);
/* Loads @folder (one thread), analyses what loads, then removes @folder; aborts if a staging
 * folder is left behind. */
void     strata_fuzz_load        (const char *folder);

G_END_DECLS
