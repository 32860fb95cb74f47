/* strata-fuzz.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The bodies of the fuzz targets. Each libFuzzer target (fuzz-*.c, built with clang and
 * -Dfuzzing=true) calls one; test-fuzz-regressions replays the inputs kept in
 * tests/fuzz/regressions/<target>/ through the same function in the normal test suite.
 * A body returns normally for every input; a bug aborts it.
 */

/* Bytes -> a set of 1-3 in-memory traces of arbitrary events -> analysis -> every query. */
void strata_fuzz_analysis  (const guint8 *data,
                            gsize         size);

/* Bytes -> events -> StrataCtfWriter -> strata_trace_load(): the same events must come back. */
void strata_fuzz_roundtrip (const guint8 *data,
                            gsize         size);

/* Bytes -> metadata text and a stream file -> strata-ctf-check's TSDL layout and packet walk. */
void strata_fuzz_ctf_check (const guint8 *data,
                            gsize         size);

/* Bytes -> a store, saved, then damaged -> strata_store_read(): refused, or sound. */
void strata_fuzz_store_file (const guint8 *data,
                             gsize         size);

/* Bytes -> a packet header and context spelled any way TSDL allows, and packets laid out so
 * -> strata_trace_load(): libbabeltrace2 must not abort on what the check lets through. */
void strata_fuzz_packet_context (const guint8 *data,
                                 gsize         size);

/* Bytes -> edits of the index files of a small trace -> strata_trace_load(). */
void strata_fuzz_index (const guint8 *data,
                        gsize         size);

/* Bytes -> an event's payload declaration (arrays, sequences, structures) and its bytes ->
 * strata_trace_load(). */
void strata_fuzz_event_decl (const guint8 *data,
                             gsize         size);

/* Reads fuzz input: each call takes bytes from the front, and gives 0 once it runs out. */
typedef struct
{
  const guint8 *data;
  gsize         size;
  gsize         pos;
} StrataFuzzInput;

static inline guint64
strata_fuzz_bits (StrataFuzzInput *in,
                  guint            n_bytes)
{
  guint64 v = 0;

  for (guint i = 0; i < n_bytes && in->pos < in->size; i++)
    v |= (guint64) in->data[in->pos++] << (8 * i);
  return v;
}

static inline guint
strata_fuzz_range (StrataFuzzInput *in,
                   guint            n)
{
  return n <= 1 ? 0 : (guint) (strata_fuzz_bits (in, n > 256 ? 2 : 1) % n);
}

static inline gboolean
strata_fuzz_done (const StrataFuzzInput *in)
{
  return in->pos >= in->size;
}

G_END_DECLS
