/* test-store.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "strata-store.h"

static StrataStateDesc
desc (StrataState state,
      guint16     machine,
      gint32      tid)
{
  StrataStateDesc d = { 0 };

  d.state = state;
  d.machine = machine;
  d.vcpu = -1;
  d.tid = tid;
  d.host_tid = -1;
  return d;
}

/* @n descriptions of @state on @machine, tids 0 to @n - 1, interned into @b: past 65,535 they
 * push the ids that follow out of 16 bits. */
static void
intern_fillers (StrataStoreBuilder *b,
                StrataState         state,
                guint16             machine,
                guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      StrataStateDesc filler = desc (state, machine, (gint32) i);

      strata_store_builder_intern (b, &filler);
    }
}

static void
test_intervals (void)
{
  StrataStoreBuilder *b = strata_store_builder_new ();
  g_autoptr(StrataStore) store = NULL;
  StrataStateDesc idle = desc (STRATA_STATE_IDLE, 0, 0);
  StrataStateDesc user = desc (STRATA_STATE_USER, 0, 42);
  StrataInterval iv;
  guint row = strata_store_builder_add_row (b, "m/cpu/0", STRATA_ROW_CPU, 0, 0);
  guint64 first, last;

  strata_store_builder_set (b, row, 100, &idle);
  strata_store_builder_set (b, row, 150, &idle);      /* same state: merged */
  strata_store_builder_set (b, row, 200, &user);
  strata_store_builder_set (b, row, 300, &idle);
  strata_store_builder_set (b, row, 300, &user);      /* same time: replaces, then merges */
  strata_store_builder_set (b, row, 400, &idle);
  strata_store_builder_add_alias (b, "pcpu/0", row);
  store = strata_store_builder_finish (b, 0, 1000);

  g_assert_cmpint (strata_store_find_row (store, "m/cpu/0"), ==, row);
  g_assert_cmpint (strata_store_find_row (store, "pcpu/0"), ==, row);
  g_assert_cmpint (strata_store_find_row (store, "pcpu/1"), ==, -1);
  g_assert_cmpuint (strata_store_row_n_intervals (store, row), ==, 3);

  g_assert_false (strata_store_lookup (store, row, 99, &iv));
  g_assert_true (strata_store_lookup (store, row, 100, &iv));
  g_assert_cmpint (iv.start, ==, 100);
  g_assert_cmpint (iv.end, ==, 200);
  g_assert_cmpuint (iv.desc->state, ==, STRATA_STATE_IDLE);
  g_assert_true (strata_store_lookup (store, row, 399, &iv));
  g_assert_cmpint (iv.start, ==, 200);
  g_assert_cmpint (iv.end, ==, 400);
  g_assert_cmpint (iv.desc->tid, ==, 42);
  g_assert_true (strata_store_lookup (store, row, 999, &iv));
  g_assert_cmpint (iv.end, ==, 1000);
  g_assert_false (strata_store_lookup (store, row, 1000, &iv));

  strata_store_range (store, row, 150, 250, &first, &last);
  g_assert_cmpuint (first, ==, 0);
  g_assert_cmpuint (last, ==, 2);
  strata_store_range (store, row, 200, 400, &first, &last);
  g_assert_cmpuint (first, ==, 1);
  g_assert_cmpuint (last, ==, 2);
  strata_store_range (store, row, 0, 50, &first, &last);
  g_assert_cmpuint (first, ==, last);
}

/* A thread row's descriptions name no thread: an interval's tid is the row's. */
static void
test_thread_row_tid (void)
{
  StrataStoreBuilder *b = strata_store_builder_new ();
  g_autoptr(StrataStore) store = NULL;
  StrataStateDesc running = desc (STRATA_STATE_RUNNING, 0, -1);
  StrataStateDesc user = desc (STRATA_STATE_USER, 0, 42);
  guint thread = strata_store_builder_add_row (b, "m/thread/4242", STRATA_ROW_THREAD, 0, 4242);
  guint cpu = strata_store_builder_add_row (b, "m/cpu/0", STRATA_ROW_CPU, 0, 0);
  StrataInterval iv;

  strata_store_builder_set (b, thread, 100, &running);
  strata_store_builder_set (b, cpu, 100, &user);
  store = strata_store_builder_finish (b, 0, 1000);
  g_assert_true (strata_store_lookup (store, thread, 500, &iv));
  g_assert_cmpint (iv.desc->tid, ==, -1);
  g_assert_cmpint (iv.tid, ==, 4242);
  g_assert_true (strata_store_lookup (store, cpu, 500, &iv));
  g_assert_cmpint (iv.tid, ==, 42);
}

/* Thread rows are found by name and give it back whole, whether their name is the usual
 * MACHINE/thread/TID (kept as its machine's prefix and the tid, or made from them) or any
 * other; of two rows of one name, the later; nothing else of that shape is found. Through a
 * second builder absorbed, and a saved store read again (test-store-file), as well. */
static void
test_thread_row_names (void)
{
  static const struct { const char *name; gint64 number; } rows[] = {
    { "m/thread/7", 7 }, { "other/thread/7", 7 }, { "m/thread/12", 12 }, { "m/thread/007", 7 },
    { "m/thread/9", 10 }, { "thread/3", 3 }, { "m/thread/2147483647", G_MAXINT32 },
    { "m/thread/12", 12 }, { "other/thread/12", 12 },
  };
  static const char *absent[] = {
    "m/thread/10", "x/thread/7", "m/thread/", "m/thread/-7", "m/thread/+7", "m/thread/07",
    "m/thread/4294967303", "m/thread/7x", "m/threads/7", "m/cpu/7", "thread/", "7",
  };
  StrataStoreBuilder *b = strata_store_builder_new ();
  StrataStoreBuilder *other = strata_store_builder_new ();
  g_autoptr(StrataStore) store = NULL;
  StrataStateDesc running = desc (STRATA_STATE_RUNNING, 0, -1);
  guint ids[G_N_ELEMENTS (rows)];
  guint cpu = strata_store_builder_add_row (b, "m/cpu/0", STRATA_ROW_CPU, 0, 0);
  guint offset, extra;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      /* The last two in a builder of their own, absorbed after. */
      StrataStoreBuilder *to = i + 2 < G_N_ELEMENTS (rows) ? b : other;

      ids[i] = strata_store_builder_add_row (to, rows[i].name, STRATA_ROW_THREAD, 0, rows[i].number);
      strata_store_builder_set (to, ids[i], 100 + i, &running);
    }
  extra = strata_store_builder_add_thread_row (b, "m/", 0, 77);
  strata_store_builder_set (b, extra, 50, &running);
  offset = strata_store_builder_absorb (b, other);
  ids[G_N_ELEMENTS (rows) - 2] += offset;
  ids[G_N_ELEMENTS (rows) - 1] += offset;
  store = strata_store_builder_finish (b, 0, 1000);

  g_assert_cmpint (strata_store_find_row (store, "m/cpu/0"), ==, cpu);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      gint later = -1;

      g_assert_cmpstr (strata_store_row_name (store, ids[i]), ==, rows[i].name);
      /* The same string each time: callers keep it. */
      g_assert_true (strata_store_row_name (store, ids[i]) == strata_store_row_name (store, ids[i]));
      for (guint j = 0; j < G_N_ELEMENTS (rows); j++)
        if (strcmp (rows[j].name, rows[i].name) == 0)
          later = MAX (later, (gint) ids[j]);
      g_assert_cmpint (strata_store_find_row (store, rows[i].name), ==, later);
    }
  g_assert_cmpint (strata_store_find_row (store, "m/thread/12"), ==, ids[7]);
  /* Made from its prefix and tid. */
  g_assert_cmpstr (strata_store_row_name (store, extra), ==, "m/thread/77");
  g_assert_cmpint (strata_store_find_row (store, "m/thread/77"), ==, extra);
  g_assert_cmpint (strata_store_row_number (store, extra), ==, 77);
  for (guint i = 0; i < G_N_ELEMENTS (absent); i++)
    g_assert_cmpint (strata_store_find_row (store, absent[i]), ==, -1);
}

/* A row given room at once keeps every change it gets within it, and the room it did not use
 * goes at the end; room for a row that has changes already changes nothing. */
static StrataStore *
reserved_store (gboolean reserve,
                guint    n)
{
  StrataStoreBuilder *b = strata_store_builder_new ();
  StrataStateDesc d[3] = { desc (STRATA_STATE_IDLE, 0, 0), desc (STRATA_STATE_USER, 0, 7),
                           desc (STRATA_STATE_SYSCALL, 0, 8) };
  guint row = strata_store_builder_add_row (b, "m/cpu/0", STRATA_ROW_CPU, 0, 0);
  guint other = strata_store_builder_add_row (b, "m/cpu/1", STRATA_ROW_CPU, 0, 1);

  if (reserve)
    strata_store_builder_row_reserve (b, row, 100000);
  strata_store_builder_set (b, other, 10, &d[1]);
  if (reserve)
    strata_store_builder_row_reserve (b, other, 100000);
  for (guint i = 0; i < n; i++)
    strata_store_builder_set (b, row, 1000 + (gint64) i * 977, &d[i % 3]);
  strata_store_builder_set (b, other, 20, &d[2]);
  strata_store_builder_trim (b);
  return strata_store_builder_finish (b, 0, 1000 + (gint64) n * 977);
}

static void
test_reserve (void)
{
  const guint n = 5000;
  g_autoptr(StrataStore) store = reserved_store (TRUE, n);
  g_autoptr(StrataStore) plain = reserved_store (FALSE, n);
  StrataStateDesc d[3] = { desc (STRATA_STATE_IDLE, 0, 0), desc (STRATA_STATE_USER, 0, 7),
                           desc (STRATA_STATE_SYSCALL, 0, 8) };
  guint row = 0, other = 1;

  g_assert_cmpuint (strata_store_row_n_intervals (store, row), ==, n);
  for (guint i = 0; i < n; i++)
    {
      StrataInterval iv;

      strata_store_interval (store, row, i, &iv);
      g_assert_cmpint (iv.start, ==, 1000 + (gint64) i * 977);
      g_assert_cmpint (iv.end, ==, 1000 + (gint64) (i + 1) * 977);
      g_assert_cmpuint (iv.desc->state, ==, d[i % 3].state);
      g_assert_cmpint (iv.tid, ==, d[i % 3].tid);
    }
  g_assert_cmpuint (strata_store_row_n_intervals (store, other), ==, 2);
  g_assert_cmpuint (strata_store_memory (store), ==, strata_store_memory (plain));
}

/* Trimming packs a builder's small rows together; a packed row changed afterwards (a change
 * added, its descriptions fixed up, or cut short by the store's end) moves back to the heap
 * with everything it held. Rows of each id form: 16-bit, a palette (ids past 65,535), 64-bit
 * times (a gap past 4.29 s), two blocks of times. */
#define PACKED_ROWS 5

static gboolean
rename_comm_9 (StrataStateDesc *d,
               gpointer         user_data)
{
  if (d->comm != 9)
    return FALSE;
  d->comm = 10;
  return TRUE;
}

static void
test_packed (void)
{
  StrataStoreBuilder *b = strata_store_builder_new ();
  g_autoptr(StrataStore) store = NULL;
  StrataStateDesc d[4] = { desc (STRATA_STATE_RUNNING, 0, -1), desc (STRATA_STATE_BLOCKED, 0, -1),
                           desc (STRATA_STATE_SYSCALL, 0, -1), desc (STRATA_STATE_WAIT_CPU, 0, -1) };
  guint rows[PACKED_ROWS];
  gint64 times[PACKED_ROWS][400];
  guint32 comms[PACKED_ROWS][400];
  guint lens[PACKED_ROWS] = { 7, 7, 5, 300, 3 };

  for (guint r = 0; r < PACKED_ROWS; r++)
    {
      g_autofree char *name = g_strdup_printf ("m/thread/%u", 100 + r);

      rows[r] = strata_store_builder_add_row (b, name, STRATA_ROW_THREAD, 0, 100 + r);
    }
  for (guint k = 0; k < PACKED_ROWS; k++)
    {
      /* Row 1 last, after ids past 65,535: its own are a palette. */
      guint r = (k + 2) % PACKED_ROWS;

      if (r == 1)
        intern_fillers (b, STRATA_STATE_USER, 1, 70000);
      for (guint i = 0; i < lens[r]; i++)
        {
          StrataStateDesc x = d[i % 4];

          times[r][i] = 1000 + (gint64) i * 500 + (r == 2 && i == lens[r] - 1 ? G_GINT64_CONSTANT (6000000000) : 0);
          /* Row 4 has comm 9, fixed up below. */
          x.comm = comms[r][i] = r == 1 ? 20 + i % 4 : r == 4 ? 9 : 0;
          strata_store_builder_set (b, rows[r], times[r][i], &x);
        }
    }
  strata_store_builder_trim (b);

  /* Rows 0 and 1 grow after packing (row 1's palette cannot hold what it gets), row 4's
   * descriptions change. */
  times[0][lens[0]] = times[0][lens[0] - 1] + 500;
  comms[0][lens[0]] = 0;
  strata_store_builder_set (b, rows[0], times[0][lens[0]], &d[lens[0] % 4]);
  lens[0]++;
  times[1][lens[1]] = times[1][lens[1] - 1] + 500;
  comms[1][lens[1]] = 0;
  strata_store_builder_set (b, rows[1], times[1][lens[1]], &d[lens[1] % 4]);
  lens[1]++;
  strata_store_builder_fixup (b, rename_comm_9, NULL);
  for (guint i = 0; i < lens[4]; i++)
    comms[4][i] = 10;
  /* The store ends at row 2's last change (its 64-bit time), which it drops. */
  g_assert_cmpint (times[0][lens[0] - 1], <, times[2][lens[2] - 1]);
  store = strata_store_builder_finish (b, 0, times[2][lens[2] - 1]);
  lens[2]--;

  for (guint r = 0; r < PACKED_ROWS; r++)
    {
      g_assert_cmpuint (strata_store_row_n_intervals (store, rows[r]), ==, lens[r]);
      for (guint i = 0; i < lens[r]; i++)
        {
          StrataInterval iv;

          strata_store_interval (store, rows[r], i, &iv);
          g_assert_cmpint (iv.start, ==, times[r][i]);
          if (i + 1 < lens[r])
            g_assert_cmpint (iv.end, ==, times[r][i + 1]);
          g_assert_cmpuint (iv.desc->state, ==, d[i % 4].state);
          g_assert_cmpuint (iv.desc->comm, ==, comms[r][i]);
          g_assert_cmpint (iv.tid, ==, 100 + r);
        }
    }
}

/* A row past a megabyte has its arrays apart: it grows, takes ids past 16 bits, gets 64-bit
 * times after a gap past 4.29 s, and is trimmed, keeping every change. */
static void
test_large_row (void)
{
  StrataStoreBuilder *b = strata_store_builder_new ();
  g_autoptr(StrataStore) store = NULL;
  guint row = strata_store_builder_add_row (b, "m/cpu/0", STRATA_ROW_CPU, 0, 0);
  const guint n = 400000;

  for (guint i = 0; i < n; i++)
    {
      /* Ids past 65,535 from the middle on; the gap three quarters in. */
      StrataStateDesc d = desc (STRATA_STATE_USER, 0, (gint32) (i < n / 2 ? i % 100 : i));
      gint64 ts = (gint64) i * 100 + (i >= 3 * n / 4 ? G_GINT64_CONSTANT (5000000000) : 0);

      strata_store_builder_set (b, row, ts, &d);
    }
  strata_store_builder_trim (b);
  store = strata_store_builder_finish (b, 0, (gint64) n * 100 + G_GINT64_CONSTANT (5000000000));

  g_assert_cmpuint (strata_store_row_n_intervals (store, row), ==, n);
  for (guint i = 0; i < n; i += 997)
    {
      StrataInterval iv;

      strata_store_interval (store, row, i, &iv);
      g_assert_cmpint (iv.start, ==, (gint64) i * 100 + (i >= 3 * n / 4 ? G_GINT64_CONSTANT (5000000000) : 0));
      g_assert_cmpint (iv.desc->tid, ==, (gint32) (i < n / 2 ? i % 100 : i));
    }
}

/* A packed row moved into another builder keeps its changes once the builder it was packed
 * in is gone. */
static void
test_packed_moved (void)
{
  StrataStoreBuilder *b = strata_store_builder_new ();
  StrataStoreBuilder *other = strata_store_builder_new ();
  g_autoptr(StrataStore) store = NULL;
  StrataStateDesc d[2] = { desc (STRATA_STATE_RUNNING, 0, -1), desc (STRATA_STATE_BLOCKED, 0, -1) };
  guint row = strata_store_builder_add_row (b, "m/thread/7", STRATA_ROW_THREAD, 0, 7);
  guint from = strata_store_builder_add_row (other, "", STRATA_ROW_THREAD, 0, 7);

  for (guint i = 0; i < 10; i++)
    strata_store_builder_set (other, from, 100 + 10 * i, &d[i % 2]);
  strata_store_builder_trim (other);
  strata_store_builder_move_rows (b, &row, other, &from, 1);
  strata_store_builder_free (other);
  store = strata_store_builder_finish (b, 0, 1000);

  g_assert_cmpuint (strata_store_row_n_intervals (store, row), ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      StrataInterval iv;

      strata_store_interval (store, row, i, &iv);
      g_assert_cmpint (iv.start, ==, 100 + 10 * i);
      g_assert_cmpuint (iv.desc->state, ==, d[i % 2].state);
    }
}

/* Three thread rows of machine 1: rows 0 and 1 alike, row 2 in another order. */
static void
add_alike_rows (StrataStoreBuilder *b,
                guint               rows[3])
{
  for (guint r = 0; r < 3; r++)
    {
      g_autofree char *name = g_strdup_printf ("g/thread/%u", r);

      rows[r] = strata_store_builder_add_row (b, name, STRATA_ROW_THREAD, 1, r);
      for (guint i = 0; i < 4; i++)
        {
          StrataStateDesc x = desc (r == 2 ? STRATA_STATE_BLOCKED - i : STRATA_STATE_RUNNING + i, 1, -1);

          strata_store_builder_set (b, rows[r], 100 + 10 * i, &x);
        }
    }
}

/* Each of add_alike_rows()' rows, moved to @offset + its index, still names its own. */
static void
check_alike_rows (StrataStore *store,
                  guint        offset,
                  const guint  rows[3])
{
  for (guint r = 0; r < 3; r++)
    for (guint i = 0; i < 4; i++)
      {
        StrataInterval iv;

        strata_store_interval (store, offset + rows[r], i, &iv);
        g_assert_cmpint (iv.start, ==, 100 + 10 * i);
        g_assert_cmpuint (iv.desc->state, ==, (r == 2 ? STRATA_STATE_BLOCKED - i : STRATA_STATE_RUNNING + i));
        g_assert_cmpuint (iv.desc->machine, ==, 1);
        g_assert_cmpint (iv.tid, ==, r);
      }
}

/* Packed rows that name the same descriptions in the same order share one palette, which
 * moving them into another builder renumbers once: each row still names its own. */
static void
test_shared_palette (void)
{
  StrataStoreBuilder *host = strata_store_builder_new ();
  StrataStoreBuilder *guest = strata_store_builder_new ();
  g_autoptr(StrataStore) store = NULL;
  guint rows[3], offset;

  /* Past 65,535 descriptions in the guest, so that its rows get palettes; the host has
   * others, so that the guest's are renumbered when they move. */
  intern_fillers (guest, STRATA_STATE_USER, 1, 70000);
  intern_fillers (host, STRATA_STATE_IDLE, 0, 100);
  add_alike_rows (guest, rows);
  strata_store_builder_trim (guest);
  offset = strata_store_builder_absorb (host, guest);
  store = strata_store_builder_finish (host, 0, 1000);

  check_alike_rows (store, offset, rows);
}

/* Rows of 16-bit ids renumbered past 65,535 when their builder merges get palettes, one for
 * rows alike: each row still names its own descriptions. */
static void
test_merged_palettes (void)
{
  StrataStoreBuilder *host = strata_store_builder_new ();
  StrataStoreBuilder *guest = strata_store_builder_new ();
  g_autoptr(StrataStore) store = NULL;
  guint rows[3], offset;

  intern_fillers (host, STRATA_STATE_IDLE, 0, 70000);
  add_alike_rows (guest, rows);
  offset = strata_store_builder_absorb (host, guest);
  store = strata_store_builder_finish (host, 0, 1000);

  check_alike_rows (store, offset, rows);
}

static void
test_summary_matches_brute_force (void)
{
  StrataStoreBuilder *b = strata_store_builder_new ();
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint row = strata_store_builder_add_row (b, "pcpu/0", STRATA_ROW_PCPU, 0, 0);
  gint64 ts = 1000;
  StrataPixel pixels[500];
  guint exact = 0, sampled = 0;

  /* Mostly machine 0 user time with short idle gaps, and a long stretch of machine 1. */
  for (guint i = 0; i < 200000; i++)
    {
      StrataStateDesc d;

      if (i >= 100000 && i < 120000)
        d = desc (STRATA_STATE_USER, 1, 7);
      else
        d = desc (i % 2 ? STRATA_STATE_IDLE : STRATA_STATE_USER, 0, i % 2 ? 0 : 5);
      strata_store_builder_set (b, row, ts, &d);
      ts += (i % 2) ? 10 : 1 + g_rand_int_range (rand, 50, 150);
    }
  store = strata_store_builder_finish (b, 0, ts);

  /* A zoomed-out view: every pixel spans hundreds of changes. */
  strata_store_summarize (store, row, 0, ts, G_N_ELEMENTS (pixels), pixels);
  for (guint p = 0; p < G_N_ELEMENTS (pixels); p++)
    {
      gint64 a = ts * p / G_N_ELEMENTS (pixels);
      gint64 z = ts * (p + 1) / G_N_ELEMENTS (pixels);
      StrataInterval mid;

      if (a < 1000)
        continue;
      g_assert_true (strata_store_lookup (store, row, (a + z) / 2, &mid));
      g_assert_cmpuint (pixels[p].changes, >=, 1);
      /* User time dominates everywhere; the machine is the one that ran there. */
      g_assert_cmpuint (pixels[p].state, ==, STRATA_STATE_USER);
      if (pixels[p].machine_mask == 1u)
        g_assert_cmpuint (pixels[p].machine, ==, 0);
      if (pixels[p].machine_mask == 2u)
        g_assert_cmpuint (pixels[p].machine, ==, 1);
      if (mid.desc->machine == 1 && pixels[p].machine_mask == 2u)
        sampled++;
    }
  g_assert_cmpuint (sampled, >, 10);

  /* Zoomed in: each pixel is inside one interval or spans a couple; exact. */
  {
    gint64 from = 5000000, to = 5000500;

    strata_store_summarize (store, row, from, to, 500, pixels);
    for (guint p = 0; p < 500; p++)
      {
        StrataInterval iv;

        g_assert_true (strata_store_lookup (store, row, from + p, &iv));
        if (pixels[p].changes == 1)
          {
            g_assert_cmpuint (pixels[p].desc_id, ==, iv.desc_id);
            g_assert_cmpuint (pixels[p].state, ==, iv.desc->state);
            exact++;
          }
      }
    g_assert_cmpuint (exact, >, 400);
  }
  /* The pyramid costs a fraction of the changes themselves: a change is 6 bytes (its time's
   * offset, its 16-bit description id), its summary about one (a bit a bucket of the two finest
   * levels, eight changes a bucket at level 0, a 16-byte bucket from level 2 up). */
  g_assert_cmpfloat ((double) strata_store_memory (store) / strata_store_n_changes (store), <=, 7.5);
}

static void
test_states_round_trip (void)
{
  for (guint s = 0; s < STRATA_STATE_N; s++)
    g_assert_cmpuint (strata_state_from_string (strata_state_to_string (s)), ==, s);
  g_assert_cmpstr (strata_state_to_string (STRATA_STATE_WAIT_CPU), ==, "wait-cpu");
}

static gboolean
name_tid_7 (StrataStateDesc *d,
            gpointer         data)
{
  if (d->tid != 7 || d->comm != 0)
    return FALSE;
  d->comm = GPOINTER_TO_UINT (data);
  return TRUE;
}

/* Builders filled apart become one store: rows moved with their ids remapped, aliases kept,
 * a summary made before finish() equal to one made by it; a fixup that makes a description
 * equal to another merges the changes, one that does not leaves the row alone. */
static void
test_builders (void)
{
  StrataStoreBuilder *main_b = strata_store_builder_new ();
  StrataStoreBuilder *other = strata_store_builder_new ();
  StrataStoreBuilder *plain = strata_store_builder_new ();
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(StrataStore) reference = NULL;
  StrataStateDesc anon = desc (STRATA_STATE_USER, 0, 7);       /* tid 7 without a name yet */
  StrataStateDesc named = desc (STRATA_STATE_USER, 0, 7);
  StrataStateDesc idle = desc (STRATA_STATE_IDLE, 0, 0);
  StrataStateDesc other_user = desc (STRATA_STATE_USER, 1, 9);
  StrataPixel a[50], b[50];
  StrataInterval iv;
  guint row, orow, offset, prow;
  StrataRowView view;
  gint64 *ts;
  guint32 *ids;
  guint64 n;

  named.comm = 5;
  row = strata_store_builder_add_row (main_b, "m/cpu/0", STRATA_ROW_CPU, 0, 0);
  strata_store_builder_set (main_b, row, 100, &anon);
  strata_store_builder_set (main_b, row, 200, &named);         /* the same thread, named */
  strata_store_builder_set (main_b, row, 300, &idle);
  orow = strata_store_builder_add_row (other, "n/cpu/0", STRATA_ROW_CPU, 1, 0);
  prow = strata_store_builder_add_row (plain, "n/cpu/0", STRATA_ROW_CPU, 1, 0);
  strata_store_builder_set (other, orow, 150, &idle);
  strata_store_builder_set (other, orow, 250, &other_user);
  strata_store_builder_set (plain, prow, 150, &idle);
  strata_store_builder_set (plain, prow, 250, &other_user);
  /* Enough changes that a pixel spans many: drawn from the summary. */
  for (gint64 t = 1000; t < 90000; t += 10 + t % 7)
    {
      strata_store_builder_set (other, orow, t, (t / 10) % 3 ? &idle : &other_user);
      strata_store_builder_set (plain, prow, t, (t / 10) % 3 ? &idle : &other_user);
    }
  strata_store_builder_add_alias (other, "pcpu/0", orow);
  strata_store_builder_summarize (other, orow, 100000);

  /* Read out through a view, cleared, and written back: the same row. */
  strata_store_builder_row_view (main_b, row, &view);
  n = view.n;
  g_assert_cmpuint (n, ==, 3);
  ts = g_new (gint64, n);
  ids = g_new (guint32, n);
  for (guint64 i = 0; i < n; i++)
    {
      ts[i] = strata_row_view_ts (&view, i);
      ids[i] = strata_row_view_id (&view, i);
    }
  g_assert_cmpint (ts[1], ==, 200);
  strata_store_builder_row_clear (main_b, row);
  g_assert_cmpuint (strata_store_builder_row_len (main_b, row), ==, 0);
  for (guint64 i = 0; i < n; i++)
    strata_store_builder_set_id (main_b, row, ts[i], ids[i]);
  g_free (ts);
  g_free (ids);

  /* Named: the anonymous interval becomes the named one's, and they merge. */
  strata_store_builder_fixup (main_b, name_tid_7, GUINT_TO_POINTER (5));
  g_assert_cmpuint (strata_store_builder_row_len (main_b, row), ==, 2);

  offset = strata_store_builder_absorb (main_b, other);
  g_assert_cmpuint (offset, ==, 1);
  store = strata_store_builder_finish (main_b, 0, 100000);
  reference = strata_store_builder_finish (plain, 0, 100000);

  g_assert_cmpint (strata_store_find_row (store, "pcpu/0"), ==, offset + orow);
  g_assert_true (strata_store_lookup (store, offset + orow, 260, &iv));
  g_assert_cmpint (iv.start, ==, 250);
  g_assert_cmpuint (iv.desc->machine, ==, 1);
  g_assert_cmpint (iv.desc->tid, ==, 9);
  g_assert_true (strata_store_lookup (store, row, 150, &iv));
  g_assert_cmpint (iv.start, ==, 100);
  g_assert_cmpint (iv.end, ==, 300);
  g_assert_cmpuint (iv.desc->comm, ==, 5);

  strata_store_summarize (store, offset + orow, 0, 100000, G_N_ELEMENTS (a), a);
  strata_store_summarize (reference, prow, 0, 100000, G_N_ELEMENTS (b), b);
  g_assert_cmpuint (a[20].changes, ==, 2);
  for (guint p = 0; p < G_N_ELEMENTS (a); p++)
    {
      g_assert_cmpuint (a[p].secondary, ==, b[p].secondary);
      g_assert_cmpuint (a[p].state, ==, b[p].state);
      g_assert_cmpuint (a[p].machine, ==, b[p].machine);
      g_assert_cmpuint (a[p].changes, ==, b[p].changes);
      g_assert_cmpuint (a[p].machine_mask, ==, b[p].machine_mask);
      g_assert_cmpfloat (a[p].busy, ==, b[p].busy);
      /* Numbered apart, the same descriptions: a summary made before the rows were
       * absorbed names them as the store does. */
      g_assert_true (memcmp (strata_store_desc (store, a[p].desc_id), strata_store_desc (reference, b[p].desc_id),
                             sizeof (StrataStateDesc)) == 0);
    }
}

static gboolean
name_every_third (StrataStateDesc *d,
                  gpointer         data)
{
  if (d->comm != 0 || d->tid % 3 != 0)
    return FALSE;
  d->comm = 1;
  return TRUE;
}

/* Interning over many growths of the index: ids in order of first sight, found again; a
 * fixup that renames a description onto an existing one leaves it where it was, one that
 * makes it new moves it in the index (its old value is no longer found); absorbing keeps
 * ids into an empty builder and maps them into one that has some. */
static void
test_interning (void)
{
  StrataStoreBuilder *b = strata_store_builder_new ();
  StrataStoreBuilder *empty = strata_store_builder_new ();
  StrataStoreBuilder *other = strata_store_builder_new ();
  StrataStoreBuilder *mixed = strata_store_builder_new ();
  const gint32 n = 60000;
  StrataStateDesc d;
  guint32 next;

  for (gint32 i = 0; i < n; i++)
    {
      d = desc (i % 2 ? STRATA_STATE_USER : STRATA_STATE_SYSCALL, i % 5, i);
      g_assert_cmpuint (strata_store_builder_intern (b, &d), ==, i);
    }
  /* Those that every sixth will be renamed onto. */
  for (gint32 i = 0; i < n; i += 6)
    {
      d = desc (i % 2 ? STRATA_STATE_USER : STRATA_STATE_SYSCALL, i % 5, i);
      d.comm = 1;
      g_assert_cmpuint (strata_store_builder_intern (b, &d), ==, n + i / 6);
    }
  next = n + (n + 5) / 6;
  for (gint32 i = n - 1; i >= 0; i--)
    {
      d = desc (i % 2 ? STRATA_STATE_USER : STRATA_STATE_SYSCALL, i % 5, i);
      g_assert_cmpuint (strata_store_builder_intern (b, &d), ==, i);
    }

  strata_store_builder_fixup (b, name_every_third, NULL);
  for (gint32 i = 0; i < n; i += 3)
    {
      d = desc (i % 2 ? STRATA_STATE_USER : STRATA_STATE_SYSCALL, i % 5, i);
      d.comm = 1;
      if (i % 6 == 0)
        {
          /* Merged: both are found where they were. */
          g_assert_cmpuint (strata_store_builder_intern (b, &d), ==, n + i / 6);
          d.comm = 0;
          g_assert_cmpuint (strata_store_builder_intern (b, &d), ==, i);
        }
      else
        {
          /* Renamed in place: its old value is new again. */
          g_assert_cmpuint (strata_store_builder_intern (b, &d), ==, i);
          g_assert_cmpuint (strata_store_builder_desc (b, i)->comm, ==, 1);
          d.comm = 0;
          g_assert_cmpuint (strata_store_builder_intern (b, &d), ==, next++);
        }
    }
  for (gint32 i = 1; i < n; i += 3)
    {
      d = desc (i % 2 ? STRATA_STATE_USER : STRATA_STATE_SYSCALL, i % 5, i);
      g_assert_cmpuint (strata_store_builder_intern (b, &d), ==, i);
    }

  /* Into an empty builder, ids stay; into another, they are mapped and still found. */
  for (gint32 i = 0; i < 100; i++)
    {
      d = desc (STRATA_STATE_IDLE, 0, -i);
      g_assert_cmpuint (strata_store_builder_intern (other, &d), ==, i);
      d = desc (STRATA_STATE_IDLE, 0, i);
      g_assert_cmpuint (strata_store_builder_intern (mixed, &d), ==, i);
    }
  strata_store_builder_absorb (empty, b);
  for (gint32 i = 1; i < n; i += 3)
    {
      d = desc (i % 2 ? STRATA_STATE_USER : STRATA_STATE_SYSCALL, i % 5, i);
      g_assert_cmpuint (strata_store_builder_intern (empty, &d), ==, i);
    }
  strata_store_builder_absorb (mixed, other);
  for (gint32 i = 0; i < 100; i++)
    {
      d = desc (STRATA_STATE_IDLE, 0, -i);
      /* Idle of tid 0 was mixed's own id 0. */
      g_assert_cmpuint (strata_store_builder_intern (mixed, &d), ==, i == 0 ? 0 : 99 + i);
    }
  strata_store_builder_free (empty);
  strata_store_builder_free (mixed);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/intervals", test_intervals);
  g_test_add_func ("/store/summary", test_summary_matches_brute_force);
  g_test_add_func ("/store/states", test_states_round_trip);
  g_test_add_func ("/store/builders", test_builders);
  g_test_add_func ("/store/thread-row-tid", test_thread_row_tid);
  g_test_add_func ("/store/thread-row-names", test_thread_row_names);
  g_test_add_func ("/store/reserve", test_reserve);
  g_test_add_func ("/store/large-row", test_large_row);
  g_test_add_func ("/store/packed", test_packed);
  g_test_add_func ("/store/packed-moved", test_packed_moved);
  g_test_add_func ("/store/shared-palette", test_shared_palette);
  g_test_add_func ("/store/merged-palettes", test_merged_palettes);
  g_test_add_func ("/store/interning", test_interning);
  return g_test_run ();
}
