/* strata-fuzz-analysis.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "strata-analysis.h"
#include "strata-fuzz.h"

/*
 * The input drives a generator of what a damaged or unusual set could hand the analysis:
 * 1-3 traces with any hostnames (equal ones too), any CPUs, and events of any kind in any
 * interleaving across streams, with missing exits, unknown tids, vCPU ids out of range,
 * vmsync and TCP messages that contradict each other, and huge or negative values. Times
 * are sorted within each stream, as the decoder guarantees (it clamps those that go back);
 * across streams and traces they are arbitrary, including near the ends of int64.
 */

#define MAX_EVENTS 4096

/* Values that make models take their special paths, and their edges. */
static const gint64 interesting[] = {
  0, 1, 2, -1, 3, 4, 100, 101, 102, 1000, 1001, 3000, 3001, 4001,
  G_MAXINT32, G_MININT32, (gint64) G_MAXUINT32, 0xfff, 0x1000, 0xffff, 0x10000,
  256, 1024, 2048, 257, 5, 6, G_MAXINT64, G_MININT64, G_MAXINT64 - 1, G_MININT64 + 1,
  G_GINT64_CONSTANT (0x5e5e000000001001),
};

static gint64
fuzz_value (StrataFuzzInput *in)
{
  guint8 how = strata_fuzz_bits (in, 1);

  switch (how % 4)
    {
    case 0:
    case 1:
      /* Small numbers: tids, CPUs, vCPUs, IRQs and counters that meet each other. */
      return how / 4 % 8;
    case 2:
      return interesting[strata_fuzz_range (in, G_N_ELEMENTS (interesting))];
    default:
      return (gint64) strata_fuzz_bits (in, 8);
    }
}

static gint64
saturating_add (gint64 a,
                gint64 b)
{
  if (b > 0 && a > G_MAXINT64 - b)
    return G_MAXINT64;
  if (b < 0 && a < G_MININT64 - b)
    return G_MININT64;
  return a + b;
}

static void
walk (StrataAnalysis  *analysis,
      StrataFuzzInput *in)
{
  StrataStore *store = analysis->store;
  gint64 begin = strata_store_begin (store);
  gint64 end = strata_store_end (store);
  guint n_rows = strata_store_n_rows (store);
  StrataPixel pixels[97];

  g_assert_cmpint (begin, <=, end);
  for (guint r = 0; r < n_rows; r++)
    {
      guint64 n = strata_store_row_n_intervals (store, r);
      gint64 prev_end = G_MININT64;
      guint64 first = 0, last = 0;
      StrataInterval iv;
      gint64 from, to;
      guint n_pixels;

      g_assert_cmpint (strata_store_find_row (store, strata_store_row_name (store, r)), ==, (gint) r);
      for (guint64 i = 0; i < n; i++)
        {
          strata_store_interval (store, r, i, &iv);
          g_assert_cmpint (iv.start, <, iv.end);
          g_assert_cmpint (iv.start, >=, prev_end);
          g_assert_nonnull (iv.desc);
          g_assert_cmpuint (iv.desc->state, <, STRATA_STATE_N);
          prev_end = iv.end;
          if (strata_store_lookup (store, r, iv.start, &iv))
            g_assert_cmpuint (iv.start, <=, prev_end);
        }

      /* Queries at the edges, and at times the input picks (anywhere in int64). */
      strata_store_lookup (store, r, begin, &iv);
      strata_store_lookup (store, r, end, &iv);
      strata_store_lookup (store, r, G_MININT64, &iv);
      strata_store_lookup (store, r, G_MAXINT64, &iv);
      from = strata_fuzz_bits (in, 1) % 2 ? begin + (gint64) (strata_fuzz_bits (in, 4) % ((guint64) (end - begin) / 2 + 1))
                                          : (gint64) strata_fuzz_bits (in, 8);
      to = strata_fuzz_bits (in, 1) % 2 ? saturating_add (from, (gint64) strata_fuzz_bits (in, 4))
                                        : (gint64) strata_fuzz_bits (in, 8);
      strata_store_lookup (store, r, from, &iv);
      strata_store_range (store, r, from, to, &first, &last);
      g_assert_cmpuint (first, <=, last);
      g_assert_cmpuint (last, <=, n);
      for (guint64 i = first; i < last && i < first + 64; i++)
        strata_store_interval (store, r, i, &iv);
      strata_store_range (store, r, begin, end, &first, &last);
      g_assert_cmpuint (last, <=, n);
      n_pixels = 1 + strata_fuzz_range (in, G_N_ELEMENTS (pixels));
      strata_store_summarize (store, r, from, to, n_pixels, pixels);
      strata_store_summarize (store, r, begin, end, n_pixels, pixels);
      for (guint p = 0; p < n_pixels; p++)
        g_assert_cmpuint (pixels[p].state, <, STRATA_STATE_N);
    }

  for (guint i = 0; i < analysis->preemptions->len; i++)
    {
      StrataPreemption *p = &g_array_index (analysis->preemptions, StrataPreemption, i);

      g_assert_cmpint (p->start, <, p->end);
      g_assert_cmpuint (p->machine, <, analysis->machines->len);
      for (guint c = 0; c < p->by->len; c++)
        g_assert_cmpint (g_array_index (p->by, StrataPreemptionCause, c).ns, >, 0);
    }
  for (guint m = 0; m < analysis->machines->len; m++)
    {
      StrataMachine *machine = g_ptr_array_index (analysis->machines, m);

      g_assert_cmpint (strata_analysis_find_machine (analysis, machine->name), >=, 0);
      g_assert_true (machine->parent < (gint) analysis->machines->len);
    }
}

void
strata_fuzz_analysis (const guint8 *data,
                      gsize         size)
{
  static const char *hostnames[] = { "host", "server1", "host", "", "vm-2" };
  StrataFuzzInput in = { data, size, 0 };
  g_autoptr(StrataSet) set = strata_set_new ();
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *last_ts = NULL;
  StrataAnalysisOptions options = { NULL, 0 };
  StrataVmMap map = { NULL, 0 };
  guint n_traces = 1 + strata_fuzz_range (&in, 3);
  guint n_streams = 0;
  guint32 strings[6];

  strings[0] = 0;
  strings[1] = strata_strtab_intern (set->strings, "qemu-system-x86");
  strings[2] = strata_strtab_intern (set->strings, "swapper/0");
  strings[3] = strata_strtab_intern (set->strings, "/usr/bin/stress");
  strings[4] = strata_strtab_intern (set->strings, "read");
  strings[5] = strata_strtab_intern (set->strings, "a-very-long-thread-name-indeed");

  for (guint t = 0; t < n_traces; t++)
    {
      g_autofree char *path = g_strdup_printf ("/fuzz/trace-%u", t);
      StrataTrace *trace = strata_set_add_trace (set, path);
      guint n_cpus = 1 + strata_fuzz_range (&in, 6);

      trace->hostname = g_strdup (hostnames[strata_fuzz_range (&in, G_N_ELEMENTS (hostnames))]);
      trace->domain = g_strdup (strata_fuzz_range (&in, 8) == 0 ? "ust" : "kernel");
      for (guint c = 0; c < n_cpus; c++)
        {
          g_autofree char *name = g_strdup_printf ("stream-%u", c);
          StrataStream *stream = strata_trace_add_stream (trace, name);

          /* A stream without cpu_id (G_MAXUINT32) has its events on CPU 0. */
          stream->cpu = strata_fuzz_range (&in, 16) == 0 ? G_MAXUINT32 : c;
          n_streams++;
        }
    }

  /* Where each stream's time starts: near its trace's origin, or anywhere. */
  last_ts = g_new0 (gint64, n_streams);
  {
    guint s = 0;

    for (guint t = 0; t < n_traces; t++)
      {
        StrataTrace *trace = g_ptr_array_index (set->traces, t);
        gint64 origin = strata_fuzz_range (&in, 4) == 0 ? fuzz_value (&in)
                                                        : G_GINT64_CONSTANT (1000000000000) +
                                                          (gint64) strata_fuzz_bits (&in, 2) * 1000;

        for (guint c = 0; c < trace->streams->len; c++)
          last_ts[s++] = origin;
      }
  }

  for (guint n = 0; n < MAX_EVENTS && !strata_fuzz_done (&in); n++)
    {
      guint t = strata_fuzz_range (&in, n_traces);
      StrataTrace *trace = g_ptr_array_index (set->traces, t);
      guint c = strata_fuzz_range (&in, trace->streams->len);
      StrataStream *stream = g_ptr_array_index (trace->streams, c);
      guint s = 0;
      const StrataEventKindInfo *info;
      StrataEvent ev = { 0 };
      guint8 step = strata_fuzz_bits (&in, 1);

      for (guint i = 0; i < t; i++)
        s += ((StrataTrace *) g_ptr_array_index (set->traces, i))->streams->len;
      s += c;

      /* Mostly small steps, so that events of different streams interleave closely. */
      if (step < 200)
        last_ts[s] = saturating_add (last_ts[s], step * 10);
      else if (step < 250)
        last_ts[s] = saturating_add (last_ts[s], (gint64) (strata_fuzz_bits (&in, 4) & G_MAXINT32));
      else
        last_ts[s] = saturating_add (last_ts[s], (gint64) (strata_fuzz_bits (&in, 8) >> 1));

      ev.ts = last_ts[s];
      ev.cpu = stream->cpu == G_MAXUINT32 ? 0 : stream->cpu;
      if (strata_fuzz_range (&in, 64) == 0)
        ev.cpu = (guint32) fuzz_value (&in);
      ev.kind = 1 + strata_fuzz_range (&in, STRATA_EV_N_KINDS - 1);
      info = strata_event_kind_info (ev.kind);
      for (guint f = 0; f < info->n_fields; f++)
        ev.f[f] = strata_event_field_is_string (ev.kind, f) && strata_fuzz_range (&in, 8) != 0
                  ? strings[strata_fuzz_range (&in, G_N_ELEMENTS (strings))]
                  : fuzz_value (&in);
      if (ev.kind == STRATA_EV_KVM_ENTRY || ev.kind == STRATA_EV_KVM_EXIT)
        trace->has_kvm = TRUE;
      strata_event_buffer_append (stream->buffer, &ev);
      stream->events++;
    }
  for (guint t = 0; t < n_traces; t++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, t);

      for (guint c = 0; c < trace->streams->len; c++)
        ((StrataStream *) g_ptr_array_index (trace->streams, c))->discarded = strata_fuzz_bits (&in, 1);
    }
  strata_set_finish (set);

  /* Sometimes a manual guest link, right or wrong. */
  if (strata_fuzz_range (&in, 4) == 0)
    {
      map.guest = (char *) hostnames[strata_fuzz_range (&in, G_N_ELEMENTS (hostnames))];
      map.host_pid = fuzz_value (&in);
      options.maps = &map;
      options.n_maps = 1;
    }

  analysis = strata_analysis_new (set, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (analysis);
  walk (analysis, &in);
}
