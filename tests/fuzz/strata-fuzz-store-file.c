/* strata-fuzz-store-file.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#define _GNU_SOURCE             /* memfd_create() */

#include "config.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-fuzz.h"
#include "strata-section-file.h"
#include "strata-store.h"

/*
 * The input builds a small store (rows of any kind, changes of any description, summaries
 * built now or left for later, on the heap or in a spill), which is saved; then it damages
 * the saved bytes (flips, overwrites, cuts), and the reader must refuse them or read a store
 * that answers every query sanely. With checksums honoured, a store read back must be the
 * one saved; with them ignored (the input's first bit), the checks behind them are reached.
 */

#define KIND STRATA_FOURCC ('F', 'U', 'Z', 'Z')

static StrataStore *
build (StrataFuzzInput  *in,
       StrataStoreSpill *spill)
{
  StrataStoreBuilder *b = strata_store_builder_new_spilling (spill);
  guint n_rows = 1 + strata_fuzz_range (in, 6);
  guint n_changes = strata_fuzz_bits (in, 2) % 3000;
  gint64 *last = g_new0 (gint64, n_rows);
  gint64 end = 0;
  StrataStore *store;

  for (guint r = 0; r < n_rows; r++)
    {
      g_autofree char *name = g_strdup_printf ("m/row/%u", r);

      strata_store_builder_add_row (b, name, strata_fuzz_range (in, STRATA_ROW_THREAD + 1),
                                    strata_fuzz_range (in, 3), r);
      if (strata_fuzz_range (in, 4) == 0)
        {
          g_autofree char *alias = g_strdup_printf ("alias/%u", r);

          strata_store_builder_add_alias (b, alias, r);
        }
    }
  for (guint i = 0; i < n_changes && !strata_fuzz_done (in); i++)
    {
      StrataStateDesc d = { 0 };
      guint row = strata_fuzz_range (in, n_rows);
      guint8 step = strata_fuzz_bits (in, 1);

      /* Mostly small steps, now and then one past what 32-bit offsets hold. */
      last[row] += step < 250 ? step : (gint64) strata_fuzz_bits (in, 5);
      d.state = strata_fuzz_range (in, STRATA_STATE_N);
      d.machine = strata_fuzz_range (in, 4) == 3 ? STRATA_NO_MACHINE : strata_fuzz_range (in, 3);
      d.vcpu = (gint32) strata_fuzz_range (in, 3) - 1;
      d.tid = (gint32) strata_fuzz_range (in, 40) - 1;
      d.host_tid = -1;
      strata_store_builder_set (b, row, last[row], &d);
      end = MAX (end, last[row]);
    }
  for (guint r = 0; r < n_rows; r++)
    if (strata_fuzz_range (in, 2))
      strata_store_builder_summarize (b, r, end + 1);
  g_free (last);
  store = strata_store_builder_finish (b, 0, end + 1);
  return store;
}

/* Every query on every row: intervals consecutive inside the store's range, descriptions
 * there, summaries filled. */
static void
query_all (StrataStore *store)
{
  gint64 begin = strata_store_begin (store), end = strata_store_end (store);
  StrataPixel pixels[64];

  g_assert_cmpint (begin, <=, end);
  for (guint r = 0; r < strata_store_n_rows (store); r++)
    {
      guint64 n = strata_store_row_n_intervals (store, r), first, last;
      gint64 prev_end = G_MININT64;
      StrataInterval iv;

      g_assert_nonnull (strata_store_row_name (store, r));
      for (guint64 i = 0; i < n; i++)
        {
          strata_store_interval (store, r, i, &iv);
          g_assert_nonnull (iv.desc);
          g_assert_cmpint (iv.start, <, iv.end);
          g_assert_cmpint (iv.end, <=, end);
          g_assert_true (prev_end == G_MININT64 || prev_end == iv.start);
          prev_end = iv.end;
          g_assert_true (strata_store_lookup (store, r, iv.start, &iv));
        }
      strata_store_range (store, r, begin, end, &first, &last);
      g_assert_cmpuint (last, <=, n);
      strata_store_summarize (store, r, begin, end, G_N_ELEMENTS (pixels), pixels);
      strata_store_summarize (store, r, begin + (end - begin) / 3, begin + (end - begin) / 3 + 7, 5, pixels);
      for (guint p = 0; p < 5; p++)
        g_assert_cmpuint (pixels[p].state, <, STRATA_STATE_N);
    }
}

static void
assert_same (StrataStore *a,
             StrataStore *b)
{
  g_assert_cmpint (strata_store_begin (a), ==, strata_store_begin (b));
  g_assert_cmpint (strata_store_end (a), ==, strata_store_end (b));
  g_assert_cmpuint (strata_store_n_rows (a), ==, strata_store_n_rows (b));
  for (guint r = 0; r < strata_store_n_rows (a); r++)
    {
      guint64 n = strata_store_row_n_intervals (a, r);
      StrataPixel pa[37], pb[37];

      g_assert_cmpstr (strata_store_row_name (a, r), ==, strata_store_row_name (b, r));
      g_assert_cmpuint (n, ==, strata_store_row_n_intervals (b, r));
      for (guint64 i = 0; i < n; i++)
        {
          StrataInterval x, y;

          strata_store_interval (a, r, i, &x);
          strata_store_interval (b, r, i, &y);
          g_assert_true (x.start == y.start && x.end == y.end && x.desc_id == y.desc_id);
          g_assert_true (memcmp (x.desc, y.desc, sizeof *x.desc) == 0);
        }
      strata_store_summarize (a, r, strata_store_begin (a), strata_store_end (a), G_N_ELEMENTS (pa), pa);
      strata_store_summarize (b, r, strata_store_begin (b), strata_store_end (b), G_N_ELEMENTS (pb), pb);
      g_assert_true (memcmp (pa, pb, sizeof pa) == 0);
    }
}

void
strata_fuzz_store_file (const guint8 *data,
                        gsize         size)
{
  StrataFuzzInput in = { data, size, 0 };
  guint flags = strata_fuzz_bits (&in, 1);
  gboolean ignore = flags & 1, spilling = flags & 2;
  g_autoptr(StrataStoreSpill) spill = NULL;
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(StrataStore) back = NULL;
  g_autoptr(StrataSectionWriter) writer = NULL;
  g_autoptr(StrataSectionFile) file = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *bytes;
  gboolean damaged = FALSE;
  guint n_damages;
  struct stat st;
  gsize len;
  int fd;

  fd = memfd_create ("strata-fuzz-store", MFD_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  if (spilling)
    {
      spill = strata_store_spill_new (dup (fd), &error);
      g_assert_no_error (error);
    }
  store = build (&in, spill);
  writer = strata_section_writer_new (fd, KIND, spill ? strata_store_spill_get_size (spill) : STRATA_SECTION_FILE_DATA_START);
  strata_store_write (store, writer);
  g_assert_true (strata_section_writer_finish (writer, &error));
  g_assert_no_error (error);

  g_assert_cmpint (fstat (fd, &st), ==, 0);
  len = st.st_size;
  bytes = g_aligned_alloc (len, 1, 64);
  g_assert_cmpint (pread (fd, bytes, len, 0), ==, (gssize) len);
  close (fd);

  n_damages = strata_fuzz_range (&in, 9);
  for (guint i = 0; i < n_damages && len > 0; i++)
    {
      guint how = strata_fuzz_range (&in, 4);
      /* Aimed at the header, the table at the end, or anywhere. */
      guint where = strata_fuzz_range (&in, 3);
      gsize at = (where == 0 ? strata_fuzz_bits (&in, 1) :
                  where == 1 ? len - 1 - strata_fuzz_range (&in, MIN (len, 4096)) :
                  strata_fuzz_bits (&in, 3)) % len;

      damaged = TRUE;
      switch (how)
        {
        case 0:
          bytes[at] ^= 1u << strata_fuzz_range (&in, 8);
          break;
        case 1:
          bytes[at] = strata_fuzz_bits (&in, 1);
          break;
        case 2:
          {
            guint64 v = strata_fuzz_bits (&in, 8);

            memcpy (bytes + at, &v, MIN (sizeof v, len - at));
          }
          break;
        default:
          len = at;
          break;
        }
    }

  strata_section_file_set_ignore_checksums (ignore);
  file = strata_section_file_new_for_data (bytes, len, KIND, &error);
  if (file != NULL)
    back = strata_store_read (file, &error);
  strata_section_file_set_ignore_checksums (FALSE);

  if (back == NULL)
    {
      g_assert_nonnull (error);
      if (!damaged)
        g_error ("an undamaged store was refused: %s", error->message);
    }
  else
    {
      g_assert_no_error (error);
      query_all (back);
      /* What the checksums let through is the store saved (a change in padding changes
       * nothing). */
      if (!ignore)
        assert_same (store, back);
    }
  g_clear_pointer (&back, strata_store_free);
  g_clear_pointer (&file, strata_section_file_unref);
  g_aligned_free (bytes);
}
