/* test-event-buffer.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include "strata-event-buffer.h"
#include "strata-strtab.h"

static StrataEvent
make_event (gint64 ts, guint32 cpu, StrataEventKind kind, gint64 a, gint64 b)
{
  StrataEvent ev = { 0 };

  ev.ts = ts;
  ev.cpu = cpu;
  ev.kind = kind;
  ev.f[0] = a;
  ev.f[1] = b;
  return ev;
}

static void
test_round_trip (void)
{
  g_autoptr(StrataEventBuffer) buf = strata_event_buffer_new ();
  g_autoptr(GArray) written = g_array_new (FALSE, FALSE, sizeof (StrataEvent));
  StrataEventCursor cursor;
  StrataEvent ev;
  guint n = 0;
  gint64 ts = G_GINT64_CONSTANT (1571261795523067504);

  /* Enough events to span several chunks, with extreme field values and a time going back. */
  for (guint i = 0; i < 200000; i++)
    {
      StrataEventKind kind = 1 + i % (STRATA_EV_N_KINDS - 1);
      const StrataEventKindInfo *info = strata_event_kind_info (kind);

      ts += (i % 7 == 0) ? -3 : (gint64) (i % 1000);
      ev = make_event (ts, i % 5 == 0 ? 3 : 65535, kind, 0, 0);
      for (guint f = 0; f < info->n_fields; f++)
        ev.f[f] = (f == 0) ? G_MININT64 + i : (f == 1) ? G_MAXINT64 - i : (gint64) i * f - 7;
      strata_event_buffer_append (buf, &ev);
      g_array_append_val (written, ev);
    }
  strata_event_buffer_seal (buf);
  g_assert_cmpuint (strata_event_buffer_count (buf), ==, written->len);

  strata_event_cursor_init (&cursor, buf);
  while (strata_event_cursor_next (&cursor, &ev))
    {
      const StrataEvent *w = &g_array_index (written, StrataEvent, n);

      g_assert_cmpint (ev.ts, ==, w->ts);
      g_assert_cmpuint (ev.cpu, ==, w->cpu);
      g_assert_cmpuint (ev.kind, ==, w->kind);
      for (guint f = 0; f < STRATA_EVENT_MAX_FIELDS; f++)
        g_assert_cmpint (ev.f[f], ==, w->f[f]);
      n++;
    }
  g_assert_cmpuint (n, ==, written->len);
  /* Compactness is the point of the buffer: far below the 80-byte struct. */
  g_assert_cmpuint (strata_event_buffer_memory (buf) / written->len, <, 40);
}

/* A sealed buffer gave back its last chunk's unused pages: events appended after that go to
 * a new chunk, never past the pages kept. */
static void
test_append_after_seal (void)
{
  g_autoptr(StrataEventBuffer) buf = strata_event_buffer_new ();
  StrataEventCursor cursor;
  StrataEvent ev;
  guint n = 0;

  for (guint i = 0; i < 10; i++)
    {
      ev = make_event (1000 + i, 0, STRATA_EV_SCHED_SWITCH, i, -(gint64) i);
      strata_event_buffer_append (buf, &ev);
    }
  strata_event_buffer_seal (buf);
  for (guint i = 10; i < 20000; i++)
    {
      ev = make_event (1000 + i, i % 3, STRATA_EV_SCHED_SWITCH, i, -(gint64) i);
      strata_event_buffer_append (buf, &ev);
    }
  strata_event_buffer_seal (buf);
  g_assert_cmpuint (strata_event_buffer_count (buf), ==, 20000);

  strata_event_cursor_init (&cursor, buf);
  while (strata_event_cursor_next (&cursor, &ev))
    {
      g_assert_cmpint (ev.ts, ==, 1000 + n);
      g_assert_cmpint (ev.f[0], ==, n);
      g_assert_cmpint (ev.f[1], ==, -(gint64) n);
      n++;
    }
  g_assert_cmpuint (n, ==, 20000);
}

static void
test_merge (void)
{
  StrataEventBuffer *bufs[3];
  g_autoptr(StrataEventMerge) merge = NULL;
  StrataEvent ev;
  gint64 last = G_MININT64;
  guint n = 0, ties_in_order = 0;
  guint last_cpu = 0;

  for (guint b = 0; b < 3; b++)
    {
      bufs[b] = strata_event_buffer_new ();
      for (guint i = 0; i < 1000; i++)
        {
          ev = make_event ((gint64) i * (b + 1) * 10, b, STRATA_EV_SOFTIRQ_ENTRY, i, 0);
          strata_event_buffer_append (bufs[b], &ev);
        }
      strata_event_buffer_seal (bufs[b]);
    }
  merge = strata_event_merge_new (bufs, 3);
  while (strata_event_merge_next (merge, &ev))
    {
      g_assert_cmpint (ev.ts, >=, last);
      if (ev.ts == last)
        {
          g_assert_cmpuint (ev.cpu, >, last_cpu);
          ties_in_order++;
        }
      last = ev.ts;
      last_cpu = ev.cpu;
      n++;
    }
  g_assert_cmpuint (n, ==, 3000);
  g_assert_cmpuint (ties_in_order, >, 0);
  for (guint b = 0; b < 3; b++)
    strata_event_buffer_free (bufs[b]);
}

/* Buffers of @total events over @n_bufs streams, with times that interleave and tie. */
static void
fill_streams (StrataEventBuffer **bufs,
              guint               n_bufs,
              guint               total,
              GRand              *rand)
{
  gint64 ts[8] = { 0 };

  for (guint b = 0; b < n_bufs; b++)
    bufs[b] = strata_event_buffer_new ();
  for (guint i = 0; i < total; i++)
    {
      guint b = g_rand_int_range (rand, 0, n_bufs);
      StrataEvent ev;

      ts[b] += g_rand_int_range (rand, 0, 3);
      ev = make_event (ts[b], b, STRATA_EV_SCHED_SWITCH, g_rand_int (rand), -(gint64) i);
      ev.f[2] = i;
      strata_event_buffer_append (bufs[b], &ev);
    }
  for (guint b = 0; b < n_bufs; b++)
    strata_event_buffer_seal (bufs[b]);
}

/* Merging ahead on another thread gives every event a plain merge gives, in its order,
 * whatever the number of events is to the batches it hands over, taken one or many at a
 * time; a reader may stop early. */
static void
test_run_ahead (void)
{
  const guint totals[] = { 0, 1, 4095, 4096, 8192, 20011 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint t = 0; t < G_N_ELEMENTS (totals); t++)
    {
      StrataEventBuffer *bufs[5];
      g_autoptr(StrataEventMerge) plain = NULL;
      g_autoptr(StrataEventMerge) ahead = NULL;
      g_autoptr(StrataEventMerge) early = NULL;
      const StrataEvent *a, *b;
      guint n = 0;

      fill_streams (bufs, G_N_ELEMENTS (bufs), totals[t], rand);
      plain = strata_event_merge_new (bufs, G_N_ELEMENTS (bufs));
      ahead = strata_event_merge_new (bufs, G_N_ELEMENTS (bufs));
      strata_event_merge_run_ahead (ahead);
      for (;;)
        {
          a = strata_event_merge_step (plain);
          b = strata_event_merge_step (ahead);
          if (a == NULL || b == NULL)
            break;
          g_assert_cmpint (a->ts, ==, b->ts);
          g_assert_cmpuint (a->cpu, ==, b->cpu);
          g_assert_cmpuint (a->kind, ==, b->kind);
          for (guint f = 0; f < STRATA_EVENT_MAX_FIELDS; f++)
            g_assert_cmpint (a->f[f], ==, b->f[f]);
          n++;
        }
      g_assert_null (a);
      g_assert_null (b);
      g_assert_null (strata_event_merge_step (ahead));
      g_assert_cmpuint (n, ==, totals[t]);

      /* Taken many at a time (a batch, running ahead; one, not), between single steps: the
       * same events again. */
      for (guint mode = 0; mode < 2; mode++)
        {
          g_autoptr(StrataEventMerge) again = strata_event_merge_new (bufs, G_N_ELEMENTS (bufs));
          g_autoptr(StrataEventMerge) many = strata_event_merge_new (bufs, G_N_ELEMENTS (bufs));
          guint calls = 0, seen = 0, len;

          if (mode == 1)
            strata_event_merge_run_ahead (many);
          for (;;)
            {
              if (calls++ % 3 == 2)
                {
                  b = strata_event_merge_step (many);
                  len = b != NULL;
                }
              else
                b = strata_event_merge_step_many (many, &len);
              if (b == NULL)
                break;
              g_assert_cmpuint (len, >, 0);
              g_assert_cmpuint (len, <=, mode == 1 ? 4096 : 1);
              for (guint i = 0; i < len; i++)
                {
                  a = strata_event_merge_step (again);
                  g_assert_nonnull (a);
                  g_assert_cmpint (a->ts, ==, b[i].ts);
                  g_assert_cmpuint (a->cpu, ==, b[i].cpu);
                  g_assert_cmpuint (a->kind, ==, b[i].kind);
                  for (guint f = 0; f < STRATA_EVENT_MAX_FIELDS; f++)
                    g_assert_cmpint (a->f[f], ==, b[i].f[f]);
                }
              seen += len;
            }
          g_assert_cmpuint (len, ==, 0);
          g_assert_null (strata_event_merge_step (again));
          g_assert_cmpuint (seen, ==, totals[t]);
        }

      /* Freed after a few events, while the thread still has batches to fill. */
      early = strata_event_merge_new (bufs, G_N_ELEMENTS (bufs));
      strata_event_merge_run_ahead (early);
      for (guint i = 0; i < 10 && strata_event_merge_step (early) != NULL; i++)
        ;
      g_clear_pointer (&early, strata_event_merge_free);

      g_clear_pointer (&plain, strata_event_merge_free);
      g_clear_pointer (&ahead, strata_event_merge_free);
      for (guint k = 0; k < G_N_ELEMENTS (bufs); k++)
        strata_event_buffer_free (bufs[k]);
    }
}

typedef struct
{
  gint64 ts;
  guint  buffer;
  guint  index;            /* in its buffer */
} Expected;

static int
compare_expected (gconstpointer a,
                  gconstpointer b)
{
  const Expected *x = a, *y = b;

  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  if (x->buffer != y->buffer)
    return x->buffer < y->buffer ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* The merge's order is that of a sort by time, then buffer, then place in the buffer, for
 * any number of buffers, whose events come in runs of one buffer (as a CPU's do) and tie
 * within and across buffers; merging ahead on another thread as well. */
static void
test_merge_order (void)
{
  const guint n_buffers[] = { 1, 2, 3, 5, 8, 9 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint k = 0; k < G_N_ELEMENTS (n_buffers); k++)
    for (guint ahead = 0; ahead < 2; ahead++)
      {
        guint n = n_buffers[k], total = 0;
        StrataEventBuffer *bufs[9];
        gint64 ts[9] = { 0 };
        guint counts[9] = { 0 };
        g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (Expected));
        g_autoptr(StrataEventMerge) merge = NULL;
        const StrataEvent *e;

        for (guint b = 0; b < n; b++)
          bufs[b] = strata_event_buffer_new ();
        while (total < 30000)
          {
            guint b = g_rand_int_range (rand, 0, n), run = g_rand_int_range (rand, 1, 40);
            guint other = g_rand_int_range (rand, 0, n);
            gint64 near = ts[other] - g_rand_int_range (rand, 0, 5);

            /* A run that starts at or a little before another buffer's time. */
            ts[b] = MAX (ts[b], near);
            for (guint i = 0; i < run; i++, total++)
              {
                StrataEvent ev;

                ts[b] += g_rand_int_range (rand, 0, 3);
                ev = make_event (ts[b], b, STRATA_EV_SCHED_SWITCH, b, counts[b]);
                strata_event_buffer_append (bufs[b], &ev);
                g_array_append_val (expected, ((Expected) { ts[b], b, counts[b]++ }));
              }
          }
        for (guint b = 0; b < n; b++)
          strata_event_buffer_seal (bufs[b]);
        g_array_sort (expected, compare_expected);

        merge = strata_event_merge_new (bufs, n);
        if (ahead)
          strata_event_merge_run_ahead (merge);
        for (guint i = 0; i < expected->len; i++)
          {
            const Expected *x = &g_array_index (expected, Expected, i);

            e = strata_event_merge_step (merge);
            g_assert_nonnull (e);
            g_assert_cmpint (e->ts, ==, x->ts);
            g_assert_cmpint (e->f[0], ==, x->buffer);
            g_assert_cmpint (e->f[1], ==, x->index);
          }
        g_assert_null (strata_event_merge_step (merge));
        g_clear_pointer (&merge, strata_event_merge_free);
        for (guint b = 0; b < n; b++)
          strata_event_buffer_free (bufs[b]);
      }
}

/* Stepping over unwanted kinds gives the wanted events exactly as a full read does: their
 * times (kept as deltas across the skipped ones), CPUs (changed on skipped ones) and fields,
 * from a cursor and from a merge. */
static void
test_wanted (void)
{
  gboolean wanted[STRATA_EV_N_KINDS] = { [STRATA_EV_KVM_ENTRY] = TRUE, [STRATA_EV_SCHED_SWITCH] = TRUE };
  StrataEventBuffer *bufs[2];
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (StrataEvent));
  g_autoptr(StrataEventMerge) merge = NULL;
  const StrataEvent *step;
  StrataEventCursor cursor;
  StrataEvent ev;
  guint n = 0;

  for (guint b = 0; b < 2; b++)
    {
      bufs[b] = strata_event_buffer_new ();
      for (guint i = 0; i < 50000; i++)
        {
          StrataEventKind kind = 1 + (i * 7 + b) % (STRATA_EV_N_KINDS - 1);
          const StrataEventKindInfo *info = strata_event_kind_info (kind);

          ev = make_event ((gint64) i * 100 + b, i % 3 == 0 ? 2 * b : 2 * b + 1, kind, 0, 0);
          for (guint f = 0; f < info->n_fields; f++)
            {
              /* Small and large, positive and negative: varints of every length. */
              guint64 v = (guint64) ((i * 2654435761u) ^ f) << (i % 40);

              ev.f[f] = (gint64) (f % 2 ? ~v : v);
            }
          strata_event_buffer_append (bufs[b], &ev);
          if (wanted[kind] && b == 0)
            g_array_append_val (expected, ev);
        }
      strata_event_buffer_seal (bufs[b]);
    }
  g_assert_cmpuint (expected->len, >, 1000);

  strata_event_cursor_init (&cursor, bufs[0]);
  while (strata_event_cursor_next_wanted (&cursor, &ev, wanted))
    {
      const StrataEvent *e = &g_array_index (expected, StrataEvent, n++);

      g_assert_cmpint (ev.ts, ==, e->ts);
      g_assert_cmpuint (ev.cpu, ==, e->cpu);
      g_assert_cmpuint (ev.kind, ==, e->kind);
      for (guint f = 0; f < STRATA_EVENT_MAX_FIELDS; f++)
        g_assert_cmpint (ev.f[f], ==, e->f[f]);
    }
  g_assert_cmpuint (n, ==, expected->len);

  /* Merged: only wanted kinds, in time order, from both buffers. */
  n = 0;
  merge = strata_event_merge_new_wanted (bufs, 2, wanted);
  for (gint64 last = G_MININT64; (step = strata_event_merge_step (merge)) != NULL; last = step->ts, n++)
    {
      g_assert_true (wanted[step->kind]);
      g_assert_cmpint (step->ts, >=, last);
    }
  g_assert_cmpuint (n, >, expected->len);
  for (guint b = 0; b < 2; b++)
    strata_event_buffer_free (bufs[b]);
}

static void
test_strtab (void)
{
  g_autoptr(StrataStrtab) tab = strata_strtab_new ();
  guint32 a, b, c;

  g_assert_cmpuint (strata_strtab_intern (tab, ""), ==, 0);
  g_assert_cmpuint (strata_strtab_intern (tab, NULL), ==, 0);
  a = strata_strtab_intern (tab, "qemu-system-x86");
  b = strata_strtab_intern_len (tab, "qemu-system-x86_64", 15);
  c = strata_strtab_intern (tab, "swapper/0");
  g_assert_cmpuint (a, ==, b);
  g_assert_cmpuint (a, !=, c);
  g_assert_cmpstr (strata_strtab_get (tab, c), ==, "swapper/0");
  g_assert_cmpstr (strata_strtab_get (tab, 999), ==, "");
  for (guint i = 0; i < 10000; i++)
    {
      g_autofree char *s = g_strdup_printf ("t%u", i);
      g_assert_cmpstr (strata_strtab_get (tab, strata_strtab_intern (tab, s)), ==, s);
    }
  g_assert_cmpuint (strata_strtab_count (tab), ==, 10003);
}

static void
test_kind_names (void)
{
  for (guint k = 1; k < STRATA_EV_N_KINDS; k++)
    {
      const StrataEventKindInfo *info = strata_event_kind_info (k);

      g_assert_cmpuint (strata_event_kind_from_name (info->name), ==, k);
      g_assert_cmpuint (info->n_fields, <=, STRATA_EVENT_MAX_FIELDS);
    }
  g_assert_true (strata_prev_state_is_runnable (0));
  g_assert_true (strata_prev_state_is_runnable (256));
  g_assert_true (strata_prev_state_is_runnable (1024));
  g_assert_true (strata_prev_state_is_runnable (2048));
  g_assert_true (strata_prev_state_is_runnable (4096));
  g_assert_false (strata_prev_state_is_runnable (256 | 1024));
  g_assert_false (strata_prev_state_is_runnable (4096 | 1));
  g_assert_false (strata_prev_state_is_runnable (1));
  g_assert_false (strata_prev_state_is_runnable (2));
  g_assert_false (strata_prev_state_is_runnable (1026));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/event-buffer/round-trip", test_round_trip);
  g_test_add_func ("/event-buffer/append-after-seal", test_append_after_seal);
  g_test_add_func ("/event-buffer/merge", test_merge);
  g_test_add_func ("/event-buffer/run-ahead", test_run_ahead);
  g_test_add_func ("/event-buffer/merge-order", test_merge_order);
  g_test_add_func ("/event-buffer/wanted", test_wanted);
  g_test_add_func ("/strtab/intern", test_strtab);
  g_test_add_func ("/event/kinds", test_kind_names);
  return g_test_run ();
}
