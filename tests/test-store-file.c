/* test-store-file.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "strata-section-file.h"
#include "strata-store-private.h"
#include "strata-time.h"

#define KIND STRATA_FOURCC ('T', 'E', 'S', 'T')

/* A store of every kind of row: dense rows that spill, a sparse row of plain 64-bit times,
 * an empty row, small thread rows (summarized only when asked), and aliases. */
static StrataStore *
build (StrataStoreBuilder *b,
       guint               seed,
       guint               n_dense)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gint64 end = G_GINT64_CONSTANT (40) * G_USEC_PER_SEC * 1000;
  guint rows[8];

  rows[0] = strata_store_builder_add_row (b, "m/cpu/0", STRATA_ROW_CPU, 0, 0);
  rows[1] = strata_store_builder_add_row (b, "m/cpu/1", STRATA_ROW_CPU, 0, 1);
  rows[2] = strata_store_builder_add_row (b, "m/irq/5", STRATA_ROW_IRQ, 0, 5);
  rows[3] = strata_store_builder_add_row (b, "m/irq/9", STRATA_ROW_IRQ, 0, 9);
  rows[4] = strata_store_builder_add_row (b, "vm/vcpu/0", STRATA_ROW_VCPU, 1, 0);
  for (guint t = 0; t < 3; t++)
    {
      g_autofree char *name = g_strdup_printf ("m/thread/%u", 100 + t);

      rows[5 + t] = strata_store_builder_add_row (b, name, STRATA_ROW_THREAD, 0, 100 + t);
    }
  strata_store_builder_add_alias (b, "pcpu/0", rows[0]);
  strata_store_builder_add_alias (b, "pcpu/1", rows[1]);

  for (guint r = 0; r < 2; r++)
    {
      gint64 ts = 1000 + r;

      for (guint i = 0; i < n_dense; i++)
        {
          StrataStateDesc d = { 0 };

          d.state = 1 + g_rand_int_range (rand, 0, STRATA_STATE_N - 1);
          d.machine = g_rand_int_range (rand, 0, 3);
          d.vcpu = -1;
          d.tid = g_rand_int_range (rand, 0, 50);
          d.host_tid = -1;
          strata_store_builder_set (b, rows[r], ts, &d);
          ts += 1 + g_rand_int_range (rand, 0, 2 * (end / n_dense));
          if (ts >= end)
            break;
        }
    }
  /* Sparse: changes seconds apart, past what 32-bit offsets hold. */
  for (guint i = 0; i < 8; i++)
    {
      StrataStateDesc d = { 0 };

      d.state = i % 2 ? STRATA_STATE_IRQ : STRATA_STATE_IDLE;
      d.machine = STRATA_NO_MACHINE;
      d.vcpu = d.tid = d.host_tid = -1;
      strata_store_builder_set (b, rows[2], i * G_GINT64_CONSTANT (5000000000), &d);
    }
  /* rows[3] stays empty. */
  for (guint i = 0; i < 300; i++)
    {
      StrataStateDesc d = { 0 };

      d.state = STRATA_STATE_RUNNING + i % 4;
      d.machine = 1;
      d.vcpu = 0;
      d.tid = -1;
      d.host_tid = 4242;
      strata_store_builder_set (b, rows[4], 5000 + i * G_GINT64_CONSTANT (100000000), &d);
    }
  for (guint t = 0; t < 3; t++)
    for (guint i = 0; i < 20 * (t + 1); i++)
      {
        StrataStateDesc d = { 0 };

        d.state = i % 2 ? STRATA_STATE_RUNNING : STRATA_STATE_BLOCKED;
        d.machine = 0;
        d.vcpu = d.host_tid = -1;
        d.tid = 100 + t;
        strata_store_builder_set (b, rows[5 + t], 7000 + i * G_GINT64_CONSTANT (33000000), &d);
      }
  return strata_store_builder_finish (b, 0, end);
}

static void
assert_same (StrataStore *a,
             StrataStore *b)
{
  gint64 begin = strata_store_begin (a), end = strata_store_end (a);

  g_assert_cmpint (strata_store_begin (b), ==, begin);
  g_assert_cmpint (strata_store_end (b), ==, end);
  g_assert_cmpuint (strata_store_n_rows (b), ==, strata_store_n_rows (a));
  g_assert_cmpuint (strata_store_n_changes (b), ==, strata_store_n_changes (a));
  g_assert_cmpint (strata_store_find_row (b, "pcpu/1"), ==, strata_store_find_row (a, "pcpu/1"));
  g_assert_cmpint (strata_store_find_row (b, "nothing"), ==, -1);

  for (guint r = 0; r < strata_store_n_rows (a); r++)
    {
      guint64 n = strata_store_row_n_intervals (a, r);
      const guint widths[] = { 1, 7, 640, 1920 };

      g_assert_cmpstr (strata_store_row_name (b, r), ==, strata_store_row_name (a, r));
      g_assert_cmpint (strata_store_find_row (b, strata_store_row_name (a, r)), ==, r);
      g_assert_cmpint (strata_store_row_kind (b, r), ==, strata_store_row_kind (a, r));
      g_assert_cmpint (strata_store_row_machine (b, r), ==, strata_store_row_machine (a, r));
      g_assert_cmpint (strata_store_row_number (b, r), ==, strata_store_row_number (a, r));
      g_assert_cmpuint (strata_store_row_n_intervals (b, r), ==, n);
      for (guint64 i = 0; i < n; i++)
        {
          StrataInterval x, y;

          strata_store_interval (a, r, i, &x);
          strata_store_interval (b, r, i, &y);
          g_assert_cmpint (x.start, ==, y.start);
          g_assert_cmpint (x.end, ==, y.end);
          g_assert_cmpuint (x.desc_id, ==, y.desc_id);
          g_assert_true (memcmp (x.desc, y.desc, sizeof *x.desc) == 0);
        }
      /* Drawing summaries, whole and zoomed, come out the same. */
      for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
        for (guint z = 0; z < 3; z++)
          {
            gint64 span = (end - begin) >> (4 * z);
            g_autofree StrataPixel *pa = g_new (StrataPixel, widths[w]);
            g_autofree StrataPixel *pb = g_new (StrataPixel, widths[w]);

            strata_store_summarize (a, r, begin + span / 3, begin + span / 3 + span, widths[w], pa);
            strata_store_summarize (b, r, begin + span / 3, begin + span / 3 + span, widths[w], pb);
            g_assert_true (memcmp (pa, pb, widths[w] * sizeof (StrataPixel)) == 0);
          }
    }
}

static char *
temp_path (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("strata-store-file-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static void
remove_temp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

/* As g_file_set_contents(), without its sync to disk: hundreds of copies are written. */
static void
write_file (const char *path,
            const void *data,
            gsize       size)
{
  int fd;

  /* A new file each time: truncating one waits for its writeback. */
  g_unlink (path);
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, data, size), ==, (gssize) size);
  close (fd);
}

static void
save (StrataStore *store,
      int          fd,
      guint64      start)
{
  g_autoptr(StrataSectionWriter) writer = strata_section_writer_new (fd, KIND, start);
  g_autoptr(GError) error = NULL;

  strata_store_write (store, writer);
  g_assert_true (strata_section_writer_finish (writer, &error));
  g_assert_no_error (error);
}

static StrataStore *
load (const char  *path,
      GError     **error)
{
  g_autoptr(StrataSectionFile) file = strata_section_file_open (path, KIND, error);

  if (file == NULL)
    return NULL;
  return strata_store_read (file, error);
}

/* Saves @store into @fd, after the spill's rows when there is @spill (the way a large
 * analysis writes its store file), closing @fd otherwise, and reads it back from @path. */
static StrataStore *
save_and_load (StrataStore      *store,
               StrataStoreSpill *spill,
               int               fd,
               const char       *path)
{
  g_autoptr(GError) error = NULL;
  StrataStore *back;

  if (spill != NULL)
    save (store, strata_store_spill_get_fd (spill), strata_store_spill_get_size (spill));
  else
    {
      save (store, fd, STRATA_SECTION_FILE_DATA_START);
      close (fd);
    }
  back = load (path, &error);
  g_assert_no_error (error);
  return back;
}

static void
test_round_trip (void)
{
  g_autoptr(StrataStore) store = build (strata_store_builder_new (), 1, 20000);
  g_autoptr(StrataStore) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_path ("store");
  int fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  save (store, fd, STRATA_SECTION_FILE_DATA_START);
  close (fd);
  back = load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_true (strata_store_summaries_mapped (back));
  assert_same (store, back);
  /* The store read keeps its file alive: the name can go. */
  remove_temp (path);
  assert_same (store, back);
}

/* Thread rows of two machines, in turn, named MACHINE/thread/TID (whose names the file keeps
 * as their machine's prefix) or otherwise: read back, each gives its name and is found by it,
 * and a name no row has is not found. */
static void
test_thread_names (void)
{
  static const struct { const char *name; gint64 number; } rows[] = {
    { "m/thread/7", 7 }, { "vm/thread/7", 7 }, { "m/thread/8", 8 }, { "vm/thread/0042", 42 },
    { "m/thread/9", 9 }, { "m/thread/10", 11 }, { "vm/thread/2147483647", G_MAXINT32 },
  };
  StrataStoreBuilder *b = strata_store_builder_new ();
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(StrataStore) back = NULL;
  g_autofree char *path = temp_path ("store");
  int fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      StrataStateDesc d = { 0 };
      guint r = strata_store_builder_add_row (b, rows[i].name, STRATA_ROW_THREAD, i % 2, rows[i].number);

      d.state = STRATA_STATE_RUNNING;
      d.machine = i % 2;
      d.vcpu = d.tid = d.host_tid = d.irq = -1;
      strata_store_builder_set (b, r, 100 + i, &d);
    }
  store = strata_store_builder_finish (b, 0, 1000);
  back = save_and_load (store, NULL, fd, path);
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      g_assert_cmpstr (strata_store_row_name (back, r), ==, rows[r].name);
      g_assert_cmpint (strata_store_find_row (back, rows[r].name), ==, r);
      g_assert_cmpint (strata_store_row_number (back, r), ==, rows[r].number);
    }
  g_assert_cmpint (strata_store_find_row (back, "vm/thread/42"), ==, -1);
  g_assert_cmpint (strata_store_find_row (back, "m/thread/11"), ==, -1);
  g_assert_cmpint (strata_store_find_row (back, "x/thread/7"), ==, -1);
  remove_temp (path);
}

/* A row long enough that its arrays and its summary each span several of the chunks that
 * checksums and checks go through, on the heap and spilled. */
static void
test_long_row (void)
{
  for (guint spilling = 0; spilling < 2; spilling++)
    {
      g_autofree char *path = temp_path ("long");
      int fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      g_autoptr(StrataStoreSpill) spill = spilling ? strata_store_spill_new (fd, NULL) : NULL;
      StrataStoreBuilder *b = strata_store_builder_new_spilling (spill);
      g_autoptr(StrataStore) store = NULL;
      g_autoptr(StrataStore) back = NULL;
      guint row = strata_store_builder_add_row (b, "pcpu/0", STRATA_ROW_PCPU, 0, 0);
      guint wide = strata_store_builder_add_row (b, "irq/1", STRATA_ROW_IRQ, 0, 1);
      gint64 ts = 1000;

      /* 1.2 million changes: 150,000 level-0 buckets, 1.8 MB of them. */
      for (guint i = 0; i < 1200000; i++)
        {
          StrataStateDesc d = { 0 };

          d.state = 1 + i % 5;
          d.machine = i % 3;
          d.vcpu = d.tid = d.host_tid = -1;
          strata_store_builder_set (b, row, ts, &d);
          /* Every few changes, seconds apart: 64-bit times. */
          if (i % 1000 == 0)
            strata_store_builder_set (b, wide, ts * 1000 + i, &d);
          ts += 1 + i % 7;
        }
      store = strata_store_builder_finish (b, 0, ts * 1000 + 2000000);
      back = save_and_load (store, spill, fd, path);
      g_assert_true (strata_store_summaries_mapped (back));
      assert_same (store, back);
      g_clear_pointer (&store, strata_store_free);
      g_clear_pointer (&spill, strata_store_spill_unref);
      g_clear_pointer (&back, strata_store_free);
      remove_temp (path);
    }
}

static void
test_spill (void)
{
  g_autofree char *path = temp_path ("spill");
  int fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataStoreSpill) spill = NULL;
  g_autoptr(StrataStore) heap = build (strata_store_builder_new (), 2, 60000);
  g_autoptr(StrataStore) spilled = NULL;
  g_autoptr(StrataStore) back = NULL;
  guint64 size;

  g_assert_cmpint (fd, >=, 0);
  spill = strata_store_spill_new (fd, &error);
  g_assert_no_error (error);
  spilled = build (strata_store_builder_new_spilling (spill), 2, 60000);
  /* The dense rows moved there, and read the same from it. */
  size = strata_store_spill_get_size (spill);
  g_assert_cmpuint (size, >, 60000 * 8);
  assert_same (heap, spilled);

  /* Saved after its spilled rows, in the same file. */
  save (spilled, strata_store_spill_get_fd (spill), size);
  back = load (path, &error);
  g_assert_no_error (error);
  assert_same (heap, back);
  g_clear_pointer (&spilled, strata_store_free);
  g_clear_pointer (&spill, strata_store_spill_unref);
  /* Freeing the store built does not touch the file it was saved into. */
  g_clear_pointer (&back, strata_store_free);
  back = load (path, &error);
  g_assert_no_error (error);
  assert_same (heap, back);
  remove_temp (path);
}

/* Rows moved between spilling builders, cleared and grown again, as the analysis does. */
static void
test_spill_moves (void)
{
  g_autofree char *path = temp_path ("spill");
  int fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_autoptr(StrataStoreSpill) spill = strata_store_spill_new (fd, NULL);
  StrataStoreBuilder *a = strata_store_builder_new_spilling (spill);
  StrataStoreBuilder *b = strata_store_builder_new_spilling (spill);
  StrataStoreBuilder *plain = strata_store_builder_new ();
  g_autoptr(StrataStore) store = NULL;
  guint ra = strata_store_builder_add_row (a, "a", STRATA_ROW_CPU, 0, 0);
  guint rb = strata_store_builder_add_row (b, "b", STRATA_ROW_CPU, 0, 1);
  guint rp = strata_store_builder_add_row (plain, "p", STRATA_ROW_CPU, 0, 2);
  guint offset;

  for (guint i = 0; i < 100000; i++)
    {
      StrataStateDesc d = { 0 };

      d.state = 1 + i % 3;
      d.machine = STRATA_NO_MACHINE;
      d.vcpu = d.tid = d.host_tid = -1;
      strata_store_builder_set (a, ra, 10 + 3 * i, &d);
      d.state = 1 + i % 4;
      strata_store_builder_set (b, rb, 10 + 2 * i, &d);
      strata_store_builder_set (plain, rp, 10 + 5 * i, &d);
    }
  strata_store_builder_row_trim (a, ra);
  strata_store_builder_move_rows (a, &ra, b, &rb, 1);
  g_assert_cmpuint (strata_store_builder_row_len (b, rb), ==, 0);
  g_assert_cmpuint (strata_store_builder_row_len (a, ra), ==, 100000);
  strata_store_builder_row_clear (b, rb);
  offset = strata_store_builder_absorb (a, b);
  g_assert_cmpuint (offset, ==, 1);
  strata_store_builder_absorb (a, plain);
  store = strata_store_builder_finish (a, 0, 1000000);
  g_assert_cmpuint (strata_store_row_n_intervals (store, 0), ==, 100000);
  g_assert_cmpuint (strata_store_row_n_intervals (store, 2), ==, 100000);
  for (guint64 i = 0; i < 100000; i += 997)
    {
      StrataInterval iv;

      strata_store_interval (store, 0, i, &iv);
      g_assert_cmpint (iv.start, ==, 10 + 2 * i);
      g_assert_cmpuint (iv.desc->state, ==, 1 + i % 4);
      strata_store_interval (store, 2, i, &iv);
      g_assert_cmpint (iv.start, ==, 10 + 5 * i);
    }
  g_clear_pointer (&store, strata_store_free);
  g_clear_pointer (&spill, strata_store_spill_unref);
  remove_temp (path);
}

/* Every cut and every flipped byte is refused, or (in padding) changes nothing. */
static void
test_damage (void)
{
  g_autoptr(StrataStore) store = build (strata_store_builder_new (), 3, 3000);
  g_autofree char *path = temp_path ("store");
  g_autofree char *damaged = g_strconcat (path, ".bad", NULL);
  g_autofree guint8 *bytes = NULL;
  gsize size;
  int fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  guint refused = 0, same = 0;

  save (store, fd, STRATA_SECTION_FILE_DATA_START);
  close (fd);
  g_assert_true (g_file_get_contents (path, (char **) &bytes, &size, NULL));

  for (gsize cut = 0; cut < size; cut += 1 + cut / 3)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataStore) back = NULL;

      write_file (damaged, bytes, cut);
      back = load (damaged, &error);
      g_assert_null (back);
      g_assert_true (g_error_matches (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_DAMAGED) ||
                     (cut < 8 && g_error_matches (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN)));
    }
  for (gsize at = 0; at < size; at += 1 + g_random_int_range (0, 97))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataStore) back = NULL;

      bytes[at] ^= 1u << (at % 8);
      write_file (damaged, bytes, size);
      bytes[at] ^= 1u << (at % 8);
      back = load (damaged, &error);
      if (back == NULL)
        {
          g_assert_nonnull (error);
          refused++;
        }
      else
        {
          assert_same (store, back);
          same++;
        }
    }
  g_test_message ("%u damaged copies refused, %u read the same (a flip in padding)", refused, same);
  g_assert_cmpuint (refused, >, same);
  g_unlink (damaged);
  remove_temp (path);
}

static void
test_foreign (void)
{
  g_autofree char *path = temp_path ("other");
  g_autoptr(StrataStore) store = build (strata_store_builder_new (), 4, 100);
  const char *texts[] = { "", "hello", "\x89STRATA\n", "\x89STRATA\nshort" };
  g_autoptr(GError) error = NULL;
  StrataSectionFile *file;
  int fd;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) e = NULL;

      write_file (path, texts[i], strlen (texts[i]));
      g_assert_null (load (path, &e));
      g_assert_nonnull (e);
    }
  /* A directory, a missing file. */
  {
    g_autofree char *dir = g_path_get_dirname (path);
    g_autoptr(GError) e1 = NULL;
    g_autoptr(GError) e2 = NULL;
    g_autofree char *missing = g_build_filename (dir, "missing", NULL);

    g_assert_null (load (dir, &e1));
    g_assert_error (e1, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN);
    g_assert_null (load (missing, &e2));
    g_assert_error (e2, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_IO);
  }
  /* A sound section file of another kind, and one without a store. */
  fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  save (store, fd, STRATA_SECTION_FILE_DATA_START);
  close (fd);
  g_assert_null (strata_section_file_open (path, STRATA_FOURCC ('O', 'T', 'H', 'R'), &error));
  g_assert_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN);
  g_clear_error (&error);
  {
    g_autoptr(StrataSectionWriter) writer = NULL;

    fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    writer = strata_section_writer_new (fd, KIND, STRATA_SECTION_FILE_DATA_START);
    strata_section_writer_begin (writer, STRATA_FOURCC ('X', 'X', 'X', 'X'), 1);
    strata_section_writer_write (writer, "data", 4);
    strata_section_writer_end (writer);
    g_assert_true (strata_section_writer_finish (writer, NULL));
    close (fd);
  }
  file = strata_section_file_open (path, KIND, &error);
  g_assert_no_error (error);
  g_assert_null (strata_store_read (file, &error));
  g_assert_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN);
  strata_section_file_unref (file);
  remove_temp (path);
}

/* Summaries of another version are left out and built again, rows still read in place. */
static void
test_other_summaries (void)
{
  g_autoptr(StrataStore) store = build (strata_store_builder_new (), 5, 5000);
  g_autoptr(StrataStore) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_path ("store");
  g_autofree guint8 *bytes = NULL;
  const guint8 *meta;
  gsize size, meta_size;
  StrataSectionFile *file;
  guint32 version = STRATA_STORE_SUMMARY_VERSION + 1;
  int fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  save (store, fd, STRATA_SECTION_FILE_DATA_START);
  close (fd);
  file = strata_section_file_open (path, KIND, &error);
  g_assert_no_error (error);
  g_assert_true (strata_section_file_lookup (file, STRATA_FOURCC ('S', 'M', 'E', 'T'), NULL, &meta, &meta_size));
  g_assert_true (g_file_get_contents (path, (char **) &bytes, &size, NULL));
  /* The summary version is the meta section's last field; its checksum is let through. */
  memcpy (bytes + (meta - strata_section_file_data (file)) + meta_size - 4, &version, 4);
  strata_section_file_unref (file);
  write_file (path, bytes, size);

  g_assert_null (load (path, &error));
  g_assert_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_DAMAGED);
  g_clear_error (&error);
  strata_section_file_set_ignore_checksums (TRUE);
  back = load (path, &error);
  strata_section_file_set_ignore_checksums (FALSE);
  g_assert_no_error (error);
  g_assert_false (strata_store_summaries_mapped (back));
  assert_same (store, back);
  remove_temp (path);
}

/*
 * Description ids of 16 bits: a row naming more than 65,536 descriptions keeps 24-bit ids,
 * a row naming few of a builder of more gets a palette, one whose every id is small keeps
 * those; each read back as it was set, before and after saving, against a plain record.
 */

#define MANY (G_MAXUINT16 + 1 + 4000)

typedef struct
{
  GArray *ts;      /* gint64 */
  GArray *descs;   /* StrataStateDesc */
} Record;

static StrataStateDesc
tid_desc (gint32 tid,
          guint  state)
{
  StrataStateDesc d = { 0 };

  d.state = state;
  d.machine = 0;
  d.vcpu = d.host_tid = -1;
  d.tid = tid;
  return d;
}

/* Sets @d in @row of @b, and in the record as the builder's rules would keep it. */
static void
record_set (StrataStoreBuilder    *b,
            guint                  row,
            Record                *rec,
            gint64                 ts,
            const StrataStateDesc *d)
{
  strata_store_builder_set (b, row, ts, d);
  if (rec->descs->len > 0 &&
      memcmp (&g_array_index (rec->descs, StrataStateDesc, rec->descs->len - 1), d, sizeof *d) == 0)
    return;
  g_array_append_val (rec->ts, ts);
  g_array_append_vals (rec->descs, d, 1);
}

static void
assert_record (StrataStore  *store,
               const char   *name,
               const Record *rec)
{
  gint row = strata_store_find_row (store, name);
  g_autofree guint8 *used = g_new0 (guint8, strata_store_n_descs (store));
  g_autoptr(GHashTable) named = g_hash_table_new (NULL, NULL);
  guint n_used = 0;

  g_assert_cmpint (row, >=, 0);
  g_assert_cmpuint (strata_store_row_n_intervals (store, row), ==, rec->ts->len);
  for (guint i = 0; i < rec->ts->len; i++)
    {
      StrataInterval iv;

      strata_store_interval (store, row, i, &iv);
      g_assert_cmpint (iv.start, ==, g_array_index (rec->ts, gint64, i));
      g_assert_true (memcmp (iv.desc, &g_array_index (rec->descs, StrataStateDesc, i), sizeof *iv.desc) == 0);
      g_assert_true (iv.desc == strata_store_desc (store, iv.desc_id));
      g_hash_table_add (named, GUINT_TO_POINTER (iv.desc_id + 1));
    }
  /* The legend's descriptions: exactly those named. */
  strata_store_row_mark_descs (store, row, used);
  for (guint d = 0; d < strata_store_n_descs (store); d++)
    {
      g_assert_cmpint (used[d], ==, g_hash_table_contains (named, GUINT_TO_POINTER (d + 1)));
      n_used += used[d];
    }
  g_assert_cmpuint (n_used, ==, g_hash_table_size (named));
}

/* Rows: "many" names MANY descriptions (and gets more changes once trimmed), "few" a handful
 * past the first 65,536 (after some below), "small" only the first few; "moved" comes from
 * another builder whose small ids are renumbered past 16 bits when it is absorbed, and
 * "moved-many", of 24-bit ids, from the same builder. */
static StrataStore *
build_palettes (StrataStoreSpill *spill,
                Record           *recs,
                gint64            end)
{
  StrataStoreBuilder *b = strata_store_builder_new_spilling (spill);
  StrataStoreBuilder *other = strata_store_builder_new_spilling (spill);
  guint many = strata_store_builder_add_row (b, "many", STRATA_ROW_PCPU, 0, 0);
  guint few = strata_store_builder_add_row (b, "few", STRATA_ROW_PCPU, 0, 1);
  guint small = strata_store_builder_add_row (b, "small", STRATA_ROW_IRQ, 0, 1);
  guint thread = strata_store_builder_add_row (b, "thread", STRATA_ROW_THREAD, 0, 7);
  guint moved = strata_store_builder_add_row (other, "moved", STRATA_ROW_PCPU, 0, 2);
  guint moved_many = strata_store_builder_add_row (other, "moved-many", STRATA_ROW_VCPU, 1, 0);
  gint64 ts = 1000;

  StrataStateDesc last = tid_desc (MANY + 50, STRATA_STATE_IDLE);

  for (guint i = 0; i < MANY; i++, ts += 3)
    {
      StrataStateDesc d = tid_desc ((gint32) i, STRATA_STATE_RUNNING);

      record_set (b, many, &recs[0], ts, &d);
    }
  for (guint i = 0; i < 5000; i++)
    {
      /* Small ids first: the row widens to 24 bits when the first large one comes. */
      gint32 tid = i < 100 ? (gint32) (i % 3) : MANY - 7 + (gint32) (i % 5);
      StrataStateDesc d = tid_desc (tid, STRATA_STATE_RUNNING);

      record_set (b, few, &recs[1], 1000 + i * 7, &d);
      d = tid_desc ((gint32) (i % 4), STRATA_STATE_RUNNING);
      record_set (b, small, &recs[2], 2000 + i * 11, &d);
      d = tid_desc (MANY - 1 - (gint32) (i % 2), STRATA_STATE_RUNNING);
      record_set (b, thread, &recs[3], 3000 + i * 13, &d);
    }
  for (guint i = 0; i < 3000; i++)
    {
      /* Descriptions @b lacks: renumbered past its MANY when absorbed. */
      StrataStateDesc d = tid_desc (100 + (gint32) (i % 6), STRATA_STATE_SYSCALL);

      record_set (other, moved, &recs[4], 5000 + i * 17, &d);
    }
  for (guint i = 0; i < MANY; i++)
    {
      /* Of descriptions @b lacks too, but for every third. */
      StrataStateDesc d = tid_desc ((gint32) i, i % 3 == 0 ? STRATA_STATE_RUNNING : STRATA_STATE_BLOCKED);

      record_set (other, moved_many, &recs[5], 7000 + i * 5, &d);
    }
  /* At the very end: dropped, as an empty interval. */
  strata_store_builder_set (b, few, end, &last);
  strata_store_builder_trim (b);
  strata_store_builder_trim (other);
  for (guint i = 0; i < 50; i++, ts += 3)
    {
      /* Into 24-bit ids, as they are, and to replace the last change. */
      StrataStateDesc d = tid_desc ((gint32) (i * 1297 % MANY), STRATA_STATE_RUNNING);

      record_set (b, many, &recs[0], ts, &d);
    }
  {
    StrataStateDesc d = tid_desc (MANY / 2, STRATA_STATE_RUNNING);

    strata_store_builder_set (b, many, ts - 3, &d);
    g_array_index (recs[0].descs, StrataStateDesc, recs[0].descs->len - 1) = d;
  }
  strata_store_builder_absorb (b, other);
  return strata_store_builder_finish (b, 0, end);
}

static void
record_clear (Record *recs,
              guint   n)
{
  for (guint i = 0; i < n; i++)
    {
      g_clear_pointer (&recs[i].ts, g_array_unref);
      g_clear_pointer (&recs[i].descs, g_array_unref);
    }
}

static const char *palette_rows[] = { "many", "few", "small", "thread", "moved", "moved-many" };
static const StrataIdMode palette_modes[] = {
  STRATA_IDS_24, STRATA_IDS_PALETTE, STRATA_IDS_16, STRATA_IDS_PALETTE, STRATA_IDS_PALETTE, STRATA_IDS_24,
};

/* How the row keeps its ids: the point of these tests, which the public API hides. */
static StrataIdMode
row_id_mode (StrataStore *store,
             const char  *name)
{
  return ((StoreRow *) g_ptr_array_index (store->rows, strata_store_find_row (store, name)))->id_mode;
}

static void
test_palette (void)
{
  for (guint spilling = 0; spilling < 2; spilling++)
    {
      g_autofree char *path = temp_path ("palette");
      int fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      g_autoptr(StrataStoreSpill) spill = spilling ? strata_store_spill_new (fd, NULL) : NULL;
      g_autoptr(StrataStore) store = NULL;
      g_autoptr(StrataStore) back = NULL;
      gint64 end = 10000000;
      Record recs[G_N_ELEMENTS (palette_rows)];

      for (guint i = 0; i < G_N_ELEMENTS (recs); i++)
        {
          recs[i].ts = g_array_new (FALSE, FALSE, sizeof (gint64));
          recs[i].descs = g_array_new (FALSE, FALSE, sizeof (StrataStateDesc));
        }
      store = build_palettes (spill, recs, end);
      g_assert_cmpuint (strata_store_n_descs (store), >, MANY);
      for (guint i = 0; i < G_N_ELEMENTS (recs); i++)
        {
          assert_record (store, palette_rows[i], &recs[i]);
          g_assert_cmpint (row_id_mode (store, palette_rows[i]), ==, palette_modes[i]);
        }
      back = save_and_load (store, spill, fd, path);
      for (guint i = 0; i < G_N_ELEMENTS (recs); i++)
        {
          assert_record (back, palette_rows[i], &recs[i]);
          g_assert_cmpint (row_id_mode (back, palette_rows[i]), ==, palette_modes[i]);
        }
      assert_same (store, back);
      record_clear (recs, G_N_ELEMENTS (recs));
      g_clear_pointer (&store, strata_store_free);
      g_clear_pointer (&spill, strata_store_spill_unref);
      g_clear_pointer (&back, strata_store_free);
      remove_temp (path);
    }
}

/* A palette damaged in a saved file, even with a checksum that lets it through, makes the
 * store damaged, never a crash or a wrong description. */
static void
test_palette_damage (void)
{
  g_autofree char *path = temp_path ("palette");
  g_autofree char *damaged = g_strconcat (path, ".bad", NULL);
  g_autofree guint8 *bytes = NULL;
  Record recs[G_N_ELEMENTS (palette_rows)];
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) palette = g_array_new (FALSE, FALSE, sizeof (guint32));
  gint row;
  guint8 *at;
  gsize size;
  int fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  /* Each damage: the palette word it changes (0: the count), and to what. */
  const struct { guint word; guint32 value; } damage[] = {
    { 0, 0 }, { 0, 2 }, { 0, G_MAXUINT32 }, { 0, G_MAXUINT16 + 2 }, { 1, G_MAXUINT32 }, { 3, 0x7fffffff },
  };

  for (guint i = 0; i < G_N_ELEMENTS (recs); i++)
    {
      recs[i].ts = g_array_new (FALSE, FALSE, sizeof (gint64));
      recs[i].descs = g_array_new (FALSE, FALSE, sizeof (StrataStateDesc));
    }
  store = build_palettes (NULL, recs, 10000000);
  record_clear (recs, G_N_ELEMENTS (recs));
  save (store, fd, STRATA_SECTION_FILE_DATA_START);
  close (fd);
  g_assert_true (g_file_get_contents (path, (char **) &bytes, &size, NULL));

  /* Row "few"'s palette, as it must lie in the file: its count, then the descriptions in
   * the order the row first names them. */
  row = strata_store_find_row (store, "few");
  g_array_set_size (palette, 1);
  for (guint64 i = 0; i < strata_store_row_n_intervals (store, row); i++)
    {
      StrataInterval iv;

      strata_store_interval (store, row, i, &iv);
      if (!g_hash_table_contains (seen, GUINT_TO_POINTER (iv.desc_id + 1)))
        {
          g_hash_table_add (seen, GUINT_TO_POINTER (iv.desc_id + 1));
          g_array_append_val (palette, iv.desc_id);
        }
    }
  g_array_index (palette, guint32, 0) = palette->len - 1;
  at = NULL;
  for (gsize i = 0; at == NULL && i + palette->len * sizeof (guint32) <= size; i += 4)
    if (memcmp (bytes + i, palette->data, palette->len * sizeof (guint32)) == 0)
      at = bytes + i;
  g_assert_nonnull (at);

  for (guint ignore = 0; ignore < 2; ignore++)
    for (guint k = 0; k < G_N_ELEMENTS (damage); k++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(StrataStore) back = NULL;
        guint32 was;

        g_assert_cmpuint (damage[k].word, <, palette->len);
        memcpy (&was, at + 4 * damage[k].word, 4);
        memcpy (at + 4 * damage[k].word, &damage[k].value, 4);
        write_file (damaged, bytes, size);
        memcpy (at + 4 * damage[k].word, &was, 4);
        strata_section_file_set_ignore_checksums (ignore);
        back = load (damaged, &error);
        strata_section_file_set_ignore_checksums (FALSE);
        g_assert_null (back);
        g_assert_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_DAMAGED);
      }
  g_unlink (damaged);
  remove_temp (path);
}

/* 24-bit ids damaged in a saved file (past the descriptions), even with a checksum that lets
 * them through, make the store damaged. */
static void
test_ids_24_damage (void)
{
  g_autofree char *path = temp_path ("ids24");
  g_autofree char *damaged = g_strconcat (path, ".bad", NULL);
  g_autofree guint8 *bytes = NULL;
  Record recs[G_N_ELEMENTS (palette_rows)];
  g_autoptr(StrataStore) store = NULL;
  guint8 first[3 * 16];
  gint row;
  guint8 *at = NULL;
  gsize size;
  int fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  guint32 bad[2];

  for (guint i = 0; i < G_N_ELEMENTS (recs); i++)
    {
      recs[i].ts = g_array_new (FALSE, FALSE, sizeof (gint64));
      recs[i].descs = g_array_new (FALSE, FALSE, sizeof (StrataStateDesc));
    }
  store = build_palettes (NULL, recs, 10000000);
  record_clear (recs, G_N_ELEMENTS (recs));
  bad[0] = strata_store_n_descs (store);
  bad[1] = STRATA_IDS_24_MAX;
  save (store, fd, STRATA_SECTION_FILE_DATA_START);
  close (fd);
  g_assert_true (g_file_get_contents (path, (char **) &bytes, &size, NULL));

  /* Row "many"'s first ids, as they must lie in the file: 3 bytes each, little-endian. */
  row = strata_store_find_row (store, "many");
  for (guint i = 0; i < 16; i++)
    {
      StrataInterval iv;

      strata_store_interval (store, row, i, &iv);
      first[3 * i] = (guint8) iv.desc_id;
      first[3 * i + 1] = (guint8) (iv.desc_id >> 8);
      first[3 * i + 2] = (guint8) (iv.desc_id >> 16);
    }
  for (gsize i = 0; at == NULL && i + sizeof first <= size; i++)
    if (memcmp (bytes + i, first, sizeof first) == 0)
      at = bytes + i;
  g_assert_nonnull (at);

  for (guint ignore = 0; ignore < 2; ignore++)
    for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(StrataStore) back = NULL;
        guint8 was[3];

        memcpy (was, at + 3 * 5, 3);
        at[3 * 5] = (guint8) bad[k];
        at[3 * 5 + 1] = (guint8) (bad[k] >> 8);
        at[3 * 5 + 2] = (guint8) (bad[k] >> 16);
        write_file (damaged, bytes, size);
        memcpy (at + 3 * 5, was, 3);
        strata_section_file_set_ignore_checksums (ignore);
        back = load (damaged, &error);
        strata_section_file_set_ignore_checksums (FALSE);
        g_assert_null (back);
        g_assert_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_DAMAGED);
      }
  /* Undamaged, the same bytes are read. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(StrataStore) back = NULL;

    write_file (damaged, bytes, size);
    back = load (damaged, &error);
    g_assert_no_error (error);
    assert_same (store, back);
  }
  g_unlink (damaged);
  remove_temp (path);
}

/* A row of 16-bit ids widens to 24 bits for an id past 16; one of 32-bit ids naming too
 * many descriptions for a palette is made 24-bit, 3 bytes a change; a row of 24-bit ids
 * takes new ones as they are while they fit, and widens to 32 bits, keeping every id it
 * had, for one that does not. */
static void
test_ids_24_widen (void)
{
  for (guint spilling = 0; spilling < 2; spilling++)
    {
      g_autofree char *path = temp_path ("widen");
      int fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      g_autoptr(StrataStoreSpill) spill = spilling ? strata_store_spill_new (fd, NULL) : NULL;
      StrataStoreBuilder *b = strata_store_builder_new_spilling (spill);
      guint r = strata_store_builder_add_row (b, "pcpu/0", STRATA_ROW_PCPU, 0, 0);
      StoreRow *row = g_ptr_array_index (b->rows, r);
      guint n = MANY + 1000, n_ids = 200003;
      g_autofree guint32 *scratch = g_new0 (guint32, n_ids);
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint32));
      gint64 ts = 100;

      /* Ids of a builder of many descriptions (the row's functions read none of them). */
      for (guint i = 0; i < n; i++, ts += 7)
        {
          guint32 id = (guint32) ((guint64) i * 7919 % n_ids);

          strata_store_row_push (row, spill, ts, id);
          g_array_append_val (ids, id);
        }
      /* Widened from 16 bits, but only to 24. */
      g_assert_cmpint (row->id_mode, ==, STRATA_IDS_24);
      for (guint i = 0; i < n; i++)
        g_assert_cmpuint (store_row_id (row, i), ==, g_array_index (ids, guint32, i));
      store_row_widen_ids (row, spill);
      g_assert_cmpint (row->id_mode, ==, STRATA_IDS_32);
      store_row_resize (row, spill, row->n);
      store_row_compact_ids (row, spill, scratch);
      /* Too many for a palette. */
      g_assert_true (row->id_flags & STORE_IDS_MANY);
      g_assert_cmpint (row->id_mode, ==, STRATA_IDS_24);
      for (guint i = 0; i < n_ids; i++)
        g_assert_cmpuint (scratch[i], ==, 0);
      g_assert_cmpuint (store_row_id_size (row), ==, 3);
      if (!spilling)
        g_assert_cmpuint (store_row_bytes (row), ==,
                          n * (3 + sizeof (guint32)) + ((n + STORE_BLOCK - 1) / STORE_BLOCK + 1) * sizeof (gint64));
      for (guint i = 0; i < n; i++)
        g_assert_cmpuint (store_row_id (row, i), ==, g_array_index (ids, guint32, i));

      for (guint k = 0; k < 2; k++, ts += 7)
        {
          guint32 id = k == 0 ? STRATA_IDS_24_MAX : STRATA_IDS_24_MAX + 1;

          strata_store_row_push (row, spill, ts, id);
          g_array_append_val (ids, id);
          g_assert_cmpint (row->id_mode, ==, k == 0 ? STRATA_IDS_24 : STRATA_IDS_32);
          for (guint i = 0; i < ids->len; i++)
            g_assert_cmpuint (store_row_id (row, i), ==, g_array_index (ids, guint32, i));
        }
      /* Past 24 bits: kept as they are. */
      store_row_compact_ids (row, spill, NULL);
      g_assert_cmpint (row->id_mode, ==, STRATA_IDS_32);
      strata_store_builder_free (b);
      g_clear_pointer (&spill, strata_store_spill_unref);
      remove_temp (path);
    }
}

static void
test_hash (void)
{
  guint8 data[300];
  guint64 seen[301];

  for (guint i = 0; i < sizeof data; i++)
    data[i] = i * 7;
  /* Every length differs, and so does every flipped bit of a long input. */
  for (guint len = 0; len <= sizeof data; len++)
    {
      seen[len] = strata_hash64 (data, len, 0);
      for (guint k = 0; k < len; k++)
        g_assert_cmpuint (seen[k], !=, seen[len]);
    }
  for (guint bit = 0; bit < sizeof data * 8; bit++)
    {
      data[bit / 8] ^= 1u << (bit % 8);
      g_assert_cmpuint (strata_hash64 (data, sizeof data, 0), !=, seen[sizeof data]);
      data[bit / 8] ^= 1u << (bit % 8);
    }
  g_assert_cmpuint (strata_hash64 (data, sizeof data, 1), !=, seen[sizeof data]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-file/hash", test_hash);
  g_test_add_func ("/store-file/round-trip", test_round_trip);
  g_test_add_func ("/store-file/thread-names", test_thread_names);
  g_test_add_func ("/store-file/spill", test_spill);
  g_test_add_func ("/store-file/long-row", test_long_row);
  g_test_add_func ("/store-file/spill-moves", test_spill_moves);
  g_test_add_func ("/store-file/damage", test_damage);
  g_test_add_func ("/store-file/foreign", test_foreign);
  g_test_add_func ("/store-file/other-summaries", test_other_summaries);
  g_test_add_func ("/store-file/palette", test_palette);
  g_test_add_func ("/store-file/palette-damage", test_palette_damage);
  g_test_add_func ("/store-file/ids-24-damage", test_ids_24_damage);
  g_test_add_func ("/store-file/ids-24-widen", test_ids_24_widen);
  return g_test_run ();
}
