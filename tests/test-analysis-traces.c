/* test-analysis-traces.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-analysis.h"
#include "strata-describe.h"
#include "strata-layout.h"
#include "strata-renderer.h"
#include "strata-trace-loader.h"

static const char *traces_dir;

static StrataAnalysis *
analyse (const char *name)
{
  g_autofree char *path = g_build_filename (traces_dir, name, NULL);
  const char *paths[] = { path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_trace_load (paths, NULL, NULL, &error);
  StrataAnalysis *analysis;

  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (analysis);
  return analysis;
}

/* Busy time per CPU counted straight from sched_switch: the time a non-idle thread is current,
 * from each CPU's first event (its first switch names the thread that ran until then) to the
 * end of the set. */
static void
check_busy_time (const char *name)
{
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(StrataEventMerge) merge = NULL;
  g_autoptr(GArray) busy = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_autoptr(GArray) since = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_autoptr(GArray) current = g_array_new (FALSE, TRUE, sizeof (gint64));
  StrataTrace *trace;
  StrataEvent ev;
  gint64 end;
  guint checked = 0;

  if (traces_dir == NULL || !g_file_test (traces_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("sample traces not found (STRATA_TRACES_DIR)");
      return;
    }
  analysis = analyse (name);
  trace = g_ptr_array_index (analysis->set->traces, 0);
  end = strata_store_end (analysis->store);
  g_array_set_size (busy, trace->n_cpus);
  g_array_set_size (since, trace->n_cpus);
  g_array_set_size (current, trace->n_cpus);
  for (guint c = 0; c < trace->n_cpus; c++)
    {
      g_array_index (current, gint64, c) = -1;
      g_array_index (since, gint64, c) = G_MAXINT64;
    }
  for (guint s = 0; s < trace->streams->len; s++)
    {
      StrataStream *stream = g_ptr_array_index (trace->streams, s);
      gint64 *first = &g_array_index (since, gint64, stream->cpu);

      *first = MIN (*first, stream->begin_ns);
    }

  merge = strata_trace_merge (trace);
  while (strata_event_merge_next (merge, &ev))
    {
      gint64 *cur = &g_array_index (current, gint64, ev.cpu);

      if (ev.kind != STRATA_EV_SCHED_SWITCH)
        continue;
      if (*cur < 0)
        *cur = ev.f[STRATA_F_SWITCH_PREV_TID];
      if (*cur > 0)
        g_array_index (busy, gint64, ev.cpu) += ev.ts - g_array_index (since, gint64, ev.cpu);
      *cur = ev.f[STRATA_F_SWITCH_NEXT_TID];
      g_array_index (since, gint64, ev.cpu) = ev.ts;
    }
  for (guint c = 0; c < trace->n_cpus; c++)
    if (g_array_index (current, gint64, c) > 0)
      g_array_index (busy, gint64, c) += end - g_array_index (since, gint64, c);

  for (guint c = 0; c < trace->n_cpus; c++)
    {
      g_autofree char *row_name = g_strdup_printf ("pcpu/%u", c);
      gint row = strata_store_find_row (analysis->store, row_name);
      guint64 n = strata_store_row_n_intervals (analysis->store, row);
      gint64 store_busy = 0;

      g_assert_cmpint (row, >=, 0);
      for (guint64 i = 0; i < n; i++)
        {
          StrataInterval iv;

          strata_store_interval (analysis->store, row, i, &iv);
          g_assert_cmpint (iv.end, >=, iv.start);
          if (iv.desc->tid > 0)
            store_busy += iv.end - iv.start;
        }
      g_test_message ("%s cpu %u: busy %" G_GINT64_FORMAT " ns", name, c, store_busy);
      g_assert_cmpint (store_busy, ==, g_array_index (busy, gint64, c));
      if (store_busy > 0)
        checked++;
    }
  g_assert_cmpuint (checked, >=, 2);
}

static void
test_busy_many_threads (void)
{
  check_busy_time ("tc-many-threads");
}

static void
test_busy_yum (void)
{
  check_busy_time ("tvl-package-managers/yum");
}

/* Every kernel trace analyses: rows for each CPU, intervals consecutive and in the set. */
/* Each syscall entry and IRQ entry of @name's events starts an interval of its CPU's row that
 * names it, as the tooltip then does; returns the tooltip of the first interval in IRQ
 * @irq and of the first in syscall @syscall. */
static void
check_names (const char  *name,
             gint64       irq,
             const char  *syscall,
             char       **irq_text,
             char       **syscall_text)
{
  g_autoptr(StrataAnalysis) analysis = analyse (name);
  g_autoptr(StrataEventMerge) merge = NULL;
  StrataTrace *trace = g_ptr_array_index (analysis->set->traces, 0);
  StrataEvent ev;
  guint n_syscalls = 0, n_irqs = 0;

  merge = strata_trace_merge (trace);
  while (strata_event_merge_next (merge, &ev))
    {
      g_autofree char *row_name = NULL;
      StrataInterval iv;
      gint row;

      if (ev.kind != STRATA_EV_SYSCALL_ENTRY && ev.kind != STRATA_EV_IRQ_ENTRY)
        continue;
      row_name = g_strdup_printf ("pcpu/%u", ev.cpu);
      row = strata_store_find_row (analysis->store, row_name);
      g_assert_cmpint (row, >=, 0);
      /* Another event at the same time may have changed the state again. */
      if (!strata_store_lookup (analysis->store, row, ev.ts, &iv) || iv.start != ev.ts)
        continue;
      if (ev.kind == STRATA_EV_SYSCALL_ENTRY && iv.desc->state == STRATA_STATE_SYSCALL)
        {
          g_assert_cmpuint (iv.desc->detail, ==, ev.f[STRATA_F_SYSCALL_NAME]);
          if (*syscall_text == NULL &&
              g_str_equal (strata_analysis_string (analysis, iv.desc->detail), syscall))
            *syscall_text = strata_describe_interval (analysis, row, &iv, iv.start);
          n_syscalls++;
        }
      else if (ev.kind == STRATA_EV_IRQ_ENTRY && iv.desc->state == STRATA_STATE_IRQ)
        {
          g_assert_cmpint (iv.desc->irq, ==, ev.f[STRATA_F_IRQ_IRQ]);
          g_assert_cmpuint (iv.desc->detail, ==, ev.f[STRATA_F_IRQ_NAME]);
          if (*irq_text == NULL && iv.desc->irq == irq)
            *irq_text = strata_describe_interval (analysis, row, &iv, iv.start);
          n_irqs++;
        }
    }
  g_test_message ("%s: %u syscalls and %u IRQs named", name, n_syscalls, n_irqs);
  g_assert_cmpuint (n_syscalls, >, 100);
}

/* The tooltips of real traces name the syscall and the IRQ a CPU is in. */
static void
test_syscall_irq_names (void)
{
  g_autofree char *irq_text = NULL;
  g_autofree char *syscall_text = NULL;
  g_autofree char *wget_irq = NULL;
  g_autofree char *futex = NULL;

  if (traces_dir == NULL || !g_file_test (traces_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("sample traces not found (STRATA_TRACES_DIR)");
      return;
    }
  check_names ("tc-bug446190-arm64", 288, "clock_gettime", &irq_text, &syscall_text);
  g_test_message ("%s\n%s", irq_text, syscall_text);
  g_assert_nonnull (irq_text);
  g_assert_nonnull (strstr (irq_text, "State: IRQ\nInterrupt: IRQ 288 (rcar-du-r8a7790)\n"));
  g_assert_nonnull (syscall_text);
  g_assert_nonnull (strstr (syscall_text, "State: System call\nSystem call: clock_gettime\n"));
  check_names ("tvl-wget-critical-path", -1, "futex", &wget_irq, &futex);
  g_assert_nonnull (futex);
  g_assert_nonnull (strstr (futex, "System call: futex\n"));
}

static void
test_every_trace (void)
{
  const char *names[] = {
    "bt-lttng-tracefile-rotation/kernel", "bt-multi-domains", "tc-bug446190-arm64",
    "tc-flipping-endianness", "tc-hello-lost", "tc-many-threads", "tc-synctraces",
    "tvl-cat-kern-ust", "tvl-ls-ust", "tvl-package-managers", "tvl-simple-kernel",
    "tvl-wget-critical-path",
  };

  if (traces_dir == NULL || !g_file_test (traces_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("sample traces not found (STRATA_TRACES_DIR)");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(StrataAnalysis) analysis = analyse (names[i]);
      StrataStore *store = analysis->store;

      g_test_message ("%s: %u machines, %u rows, %" G_GUINT64_FORMAT " changes", names[i],
                      analysis->machines->len, strata_store_n_rows (store),
                      strata_store_n_changes (store));
      g_assert_cmpuint (analysis->machines->len, >=, 1);
      g_assert_cmpint (strata_store_end (store), >=, strata_store_begin (store));
      for (guint r = 0; r < strata_store_n_rows (store); r++)
        {
          guint64 n = strata_store_row_n_intervals (store, r);
          gint64 last_end = G_MININT64;

          for (guint64 k = 0; k < n; k++)
            {
              StrataInterval iv;

              strata_store_interval (store, r, k, &iv);
              g_assert_cmpint (iv.start, <, iv.end);
              g_assert_true (last_end == G_MININT64 || iv.start == last_end);
              last_end = iv.end;
            }
        }
    }
}

/* Two VM traces recorded at once synchronize by their TCP traffic. */
static void
test_tcp_sync (void)
{
  g_autoptr(StrataAnalysis) analysis = NULL;
  StrataMachine *synced = NULL;

  if (traces_dir == NULL || !g_file_test (traces_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("sample traces not found (STRATA_TRACES_DIR)");
      return;
    }
  analysis = analyse ("tc-synctraces");
  g_assert_cmpuint (analysis->machines->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      StrataMachine *m = g_ptr_array_index (analysis->machines, i);

      if (m->sync_method == STRATA_SYNC_METHOD_TCP)
        synced = m;
    }
  g_assert_nonnull (synced);
  g_assert_cmpint (synced->sync_reference, >=, 0);
  g_assert_true (synced->sync.quality == STRATA_SYNC_ACCURATE ||
                 synced->sync.quality == STRATA_SYNC_APPROXIMATE);
  g_assert_cmpuint (synced->sync.matches, >=, 10);
  /* Two clocks of one lab: nearly the same rate. */
  g_assert_cmpfloat (ABS (synced->sync.alpha - 1.0), <, 1e-3);
}

/* Chromium's sandbox nests PID namespaces: the state dump gives each thread its ids there. */
static void
test_pid_namespaces (void)
{
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(GHashTable) namespaces = g_hash_table_new (NULL, NULL);
  StrataMachine *m;
  guint nested = 0;

  if (traces_dir == NULL || !g_file_test (traces_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("sample traces not found (STRATA_TRACES_DIR)");
      return;
    }
  analysis = analyse ("tvl-wget-critical-path/wget-k-20180802-115043/kernel");
  m = g_ptr_array_index (analysis->machines, 0);
  for (guint i = 0; i < m->threads->len; i++)
    {
      StrataThreadInfo *t = &g_array_index (m->threads, StrataThreadInfo, i);

      if (t->vtid >= 0 && t->vtid != t->tid)
        nested++;
      if (t->ns_inum != 0)
        g_hash_table_add (namespaces, GUINT_TO_POINTER (t->ns_inum));
    }
  g_test_message ("%u threads with their own ids in a namespace, %u namespaces", nested,
                  g_hash_table_size (namespaces));
  g_assert_cmpuint (nested, >=, 100);
  g_assert_cmpuint (g_hash_table_size (namespaces), >=, 10);
  /* Lookups by tid, and the parent process of a thread. */
  {
    StrataThreadInfo *t = &g_array_index (m->threads, StrataThreadInfo, m->threads->len / 2);
    const StrataThreadInfo *found = strata_analysis_find_thread (analysis, 0, t->tid);

    g_assert_true (found == t);
    g_assert_null (strata_analysis_find_thread (analysis, 0, -5));
  }
}

/* The user's view of traces that the rows cannot show: where a user-space trace lost 967,700
 * events, and what a group says of a user-space trace, alone or beside its host's kernel
 * trace (one group, not two), and of a kernel trace without scheduler events. */
static void
test_losses_and_notes (void)
{
  if (traces_dir == NULL || !g_file_test (traces_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("sample traces not found (STRATA_TRACES_DIR)");
      return;
    }
  {
    g_autoptr(StrataAnalysis) analysis = analyse ("tc-hello-lost");
    g_autoptr(GArray) losses = strata_describe_losses (analysis);
    StrataTrace *trace = g_ptr_array_index (analysis->set->traces, 0);
    gint64 previous = G_MININT64;

    g_test_message ("tc-hello-lost: %u losses, %" G_GUINT64_FORMAT " events", losses->len,
                    strata_describe_losses_total (losses, NULL));
    g_assert_cmpuint (trace->discarded, ==, 967700);
    g_assert_cmpuint (strata_describe_losses_total (losses, NULL), ==, trace->discarded);
    g_assert_cmpuint (losses->len, >, 1);
    for (guint i = 0; i < losses->len; i++)
      {
        const StrataLossMark *mark = &g_array_index (losses, StrataLossMark, i);

        /* Each where it happened: within the trace, in time order. */
        g_assert_cmpint (mark->begin, >=, previous);
        g_assert_cmpint (mark->begin, >=, trace->begin_ns);
        g_assert_cmpint (mark->end, <=, trace->end_ns);
        g_assert_cmpint (mark->end, >=, mark->begin);
        previous = mark->begin;
      }
  }
  {
    g_autoptr(StrataAnalysis) analysis = analyse ("tvl-ls-ust");
    g_autoptr(StrataLayout) layout = strata_layout_new (analysis);
    const StrataLayoutEntry *e = &g_array_index (layout->entries, StrataLayoutEntry, 0);

    g_assert_cmpuint (layout->entries->len, ==, 1);
    g_test_message ("tvl-ls-ust: %s: %s", e->label, e->note);
    g_assert_nonnull (e->note);
    g_assert_nonnull (strstr (e->note, "user-space trace"));
    g_assert_true (strstr (e->note, "14580 events") != NULL || strstr (e->note, "14,580 events") != NULL);
  }
  {
    g_autoptr(StrataAnalysis) analysis = analyse ("tvl-cat-kern-ust");
    g_autoptr(StrataLayout) layout = strata_layout_new (analysis);
    guint headers = 0;

    for (guint i = 0; i < layout->entries->len; i++)
      {
        const StrataLayoutEntry *e = &g_array_index (layout->entries, StrataLayoutEntry, i);

        if (!e->header)
          continue;
        headers++;
        g_test_message ("tvl-cat-kern-ust: %s: %s", e->label, e->note);
        g_assert_cmpstr (e->label, ==, "wilbrod");
        g_assert_nonnull (e->note);
        g_assert_nonnull (strstr (e->note, "cat-ust"));
      }
    g_assert_cmpuint (headers, ==, 1);
  }
  {
    /* A kernel trace without scheduler events (272 test events) beside a user-space trace:
     * one group that says so of both, not four empty CPU rows that read as idle. */
    g_autoptr(StrataAnalysis) analysis = analyse ("bt-multi-domains");
    g_autoptr(StrataLayout) layout = strata_layout_new (analysis);
    const StrataLayoutEntry *e = &g_array_index (layout->entries, StrataLayoutEntry, 0);

    g_test_message ("bt-multi-domains: %s: %s", e->label, e->note);
    g_assert_cmpuint (layout->entries->len, ==, 1);
    g_assert_nonnull (e->note);
    g_assert_nonnull (strstr (e->note, "No scheduler events among its 272 events"));
    g_assert_true (strstr (e->note, "user-space trace, ust (4000 events)") != NULL ||
                   strstr (e->note, "user-space trace, ust (4,000 events)") != NULL);
  }
}

/*
 * tc-synctraces drawn whole, 1600 px wide: each row's activity-coloured pixels are a share of
 * its band close to the share of the set's span it was busy (VM1's CPU 0 is idle 22.86 s of
 * 23 s, and must not look saturated), and a row busy at all has some drawn.
 */
static void
test_render_busy_share (void)
{
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(StrataLayout) layout = NULL;
  g_autoptr(GArray) visible = NULL;
  StrataRenderOptions o;
  cairo_surface_t *surface;
  cairo_t *cr;
  const guint8 *data;
  int stride, body;
  double worst = 0;

  if (traces_dir == NULL || !g_file_test (traces_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("sample traces not found (STRATA_TRACES_DIR)");
      return;
    }
  analysis = analyse ("tc-synctraces");
  layout = strata_layout_new (analysis);
  visible = strata_layout_visible (layout, NULL);
  strata_render_options_init (&o, analysis, 1600, 1);
  o.height = o.ruler_height + visible->len * o.row_height + o.legend_height;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, o.width, o.height);
  cr = cairo_create (surface);
  strata_render (cr, analysis, layout, &o);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  body = o.width - o.header_width;

  for (guint v = 0; v < visible->len; v++)
    {
      const StrataLayoutEntry *e = &g_array_index (layout->entries, StrataLayoutEntry,
                                                   g_array_index (visible, guint, v));
      int top = o.ruler_height + v * o.row_height + 1, bottom = top + o.row_height - 2;
      gint64 busy = 0, span = strata_time_span_duration (o.visible);
      guint64 n, coloured = 0;
      double drawn, real;

      if (e->header)
        continue;
      n = strata_store_row_n_intervals (analysis->store, e->row);
      for (guint64 k = 0; k < n; k++)
        {
          StrataInterval iv;

          strata_store_interval (analysis->store, e->row, k, &iv);
          if (strata_state_is_activity (iv.desc->state))
            busy += MIN (iv.end, o.visible.end) - MAX (iv.start, o.visible.begin);
        }
      /* Activity colours are the chromatic ones: idle, blocked, the background, the grid
       * and the text are greys. */
      for (int y = top; y < bottom; y++)
        for (int x = o.header_width; x < o.width; x++)
          {
            guint32 px = *(const guint32 *) (data + y * stride + x * 4);
            int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

            if (MAX (r, MAX (g, b)) - MIN (r, MIN (g, b)) > 40)
              coloured++;
          }
      drawn = (double) coloured / ((double) body * (bottom - top));
      real = (double) busy / (double) span;
      g_test_message ("%s %s: busy %.4f of the span, drawn %.4f of the band",
                      strata_analysis_get_machine_name (analysis, e->machine), e->label, real, drawn);
      /* Close to the busy time, never a solid block for a mostly idle row; a row busy at all
       * keeps some pixels. */
      g_assert_cmpfloat (fabs (drawn - real), <=, MAX (0.03, real * 0.1));
      if (busy > 0)
        g_assert_cmpuint (coloured, >, 0);
      worst = MAX (worst, fabs (drawn - real));
    }
  g_test_message ("largest difference: %.4f", worst);
  cairo_surface_destroy (surface);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  traces_dir = g_getenv ("STRATA_TRACES_DIR");
  g_test_add_func ("/analysis/traces/busy-many-threads", test_busy_many_threads);
  g_test_add_func ("/analysis/traces/busy-yum", test_busy_yum);
  g_test_add_func ("/analysis/traces/every-trace", test_every_trace);
  g_test_add_func ("/analysis/traces/syscall-irq-names", test_syscall_irq_names);
  g_test_add_func ("/analysis/traces/tcp-sync", test_tcp_sync);
  g_test_add_func ("/analysis/traces/pid-namespaces", test_pid_namespaces);
  g_test_add_func ("/analysis/traces/losses-and-notes", test_losses_and_notes);
  g_test_add_func ("/analysis/traces/render-busy-share", test_render_busy_share);
  return g_test_run ();
}
