/* test-follow.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <math.h>

#include "strata-follow.h"
#include "strata-render-follow.h"
#include "strata-renderer.h"
#include "strata-scenario.h"
#include "strata-session.h"

/*
 * Following a guest thread through the host, on the generated demo: a thread that its guest
 * saw running while its vCPU was preempted reads preempted there, for exactly the
 * preemption, with its cause; where the vCPU ran, the thread runs on the pCPU the vCPU was on.
 */

static void
test_across_preemption (void)
{
  StrataScenarioParams params = { STRATA_SCENARIO_DEMO, 0, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load (&params, NULL, &error);
  g_autoptr(StrataAnalysis) analysis = NULL;
  StrataStore *store;
  gint guest, cpu_row;
  guint checked = 0, running = 0;

  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  store = analysis->store;
  guest = strata_analysis_find_machine (analysis, "server1");
  cpu_row = strata_store_find_row (store, "server1/cpu/0");
  g_assert_cmpint (cpu_row, >=, 0);

  for (guint i = 0; i < analysis->preemptions->len && checked < 20; i++)
    {
      const StrataPreemption *p = &g_array_index (analysis->preemptions, StrataPreemption, i);
      g_autofree char *name = NULL;
      g_autoptr(GArray) followed = NULL;
      StrataInterval at;
      gint row;
      gboolean seen = FALSE;

      if (p->kind != STRATA_PREEMPTION_PREEMPTED || (gint) p->machine != guest || p->vcpu != 0 || p->open ||
          !strata_store_lookup (store, cpu_row, p->start, &at) || at.desc->tid <= 0 ||
          at.desc->state == STRATA_STATE_IDLE)
        continue;
      /* The guest's thread on its CPU 0 when vCPU 0 was switched out. */
      name = g_strdup_printf ("server1/thread/%d", at.desc->tid);
      row = strata_store_find_row (store, name);
      g_assert_cmpint (row, >=, 0);
      g_assert_true (strata_follow_can_refine (analysis, row));
      followed = strata_follow_thread (analysis, row, p->start - 1000000, p->end + 1000000);
      for (guint k = 0; k < followed->len; k++)
        {
          const StrataFollowInterval *iv = &g_array_index (followed, StrataFollowInterval, k);

          if (k > 0)
            g_assert_cmpint (iv->start, ==, g_array_index (followed, StrataFollowInterval, k - 1).end);
          if (iv->start <= p->start && iv->end > p->start)
            {
              /* The guest cannot run while its vCPU is preempted: the thread stays on. */
              g_assert_cmpstr (strata_state_to_string (iv->state), ==, "preempted");
              g_assert_cmpint (iv->start, ==, p->start);
              g_assert_cmpint (iv->end, ==, p->end);
              g_assert_cmpint (iv->guest_cpu, ==, 0);
              g_assert_cmpint (iv->pcpu, ==, -1);
              g_assert_true (iv->preemption == p);
              seen = TRUE;
            }
          if (iv->state == STRATA_STATE_RUNNING || iv->state == STRATA_STATE_SYSCALL)
            {
              g_assert_cmpint (iv->guest_cpu, >=, 0);
              if (iv->pcpu >= 0)
                running++;
            }
          if (iv->state == STRATA_STATE_HYPERVISOR)
            g_assert_true (iv->has_exit);
        }
      g_assert_true (seen);
      checked++;
    }
  g_assert_cmpuint (checked, >, 3);
  g_assert_cmpuint (running, >, 0);
}

static StrataAnalysis *
load_demo (void)
{
  StrataScenarioParams params = { STRATA_SCENARIO_DEMO, 0, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load (&params, NULL, &error);
  StrataAnalysis *analysis;

  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  return analysis;
}

/* The guest thread on server1's CPU 0 when its vCPU 0 was first preempted, and that
 * preemption. */
static gint
preempted_thread (StrataAnalysis          *analysis,
                  const StrataPreemption **out)
{
  StrataStore *store = analysis->store;
  gint guest = strata_analysis_find_machine (analysis, "server1");
  gint cpu_row = strata_store_find_row (store, "server1/cpu/0");

  for (guint i = 0; i < analysis->preemptions->len; i++)
    {
      const StrataPreemption *p = &g_array_index (analysis->preemptions, StrataPreemption, i);
      StrataInterval at;

      if (p->kind == STRATA_PREEMPTION_PREEMPTED && (gint) p->machine == guest && p->vcpu == 0 && !p->open &&
          strata_store_lookup (store, cpu_row, p->start, &at) && at.desc->tid > 0 &&
          at.desc->state != STRATA_STATE_IDLE)
        {
          *out = p;
          return strata_follow_find_row (analysis, (guint16) guest, at.desc->tid);
        }
    }
  g_assert_not_reached ();
  return -1;
}

/* Stepping forward gives each refined interval in turn, whole; stepping back the same ones
 * in reverse; the session selects them. */
static void
assert_same_pieces (const GArray *got,
                    const GArray *want)
{
  g_assert_cmpuint (got->len, ==, want->len);
  for (guint k = 0; k < got->len; k++)
    {
      const StrataFollowInterval *a = &g_array_index (got, StrataFollowInterval, k);
      const StrataFollowInterval *b = &g_array_index (want, StrataFollowInterval, k);

      g_assert_cmpint (a->start, ==, b->start);
      g_assert_cmpint (a->end, ==, b->end);
      g_assert_cmpint (a->state, ==, b->state);
      g_assert_cmpint (a->guest_cpu, ==, b->guest_cpu);
      g_assert_cmpint (a->pcpu, ==, b->pcpu);
    }
}

static void
test_step (void)
{
  g_autoptr(StrataAnalysis) analysis = load_demo ();
  g_autoptr(StrataSession) session = strata_session_new (analysis);
  const StrataPreemption *p;
  gint row = preempted_thread (analysis, &p);
  gint64 t0 = p->start - 2000000, t1 = p->end + 2000000;
  g_autoptr(GArray) all = strata_follow_thread (analysis, row, t0, t1);
  StrataFollowInterval step;
  gint64 at = t0;
  guint n = 0;
  gboolean seen_preempted = FALSE;

  g_assert_cmpuint (all->len, >, 4);
  /* all[0] is cut at t0, and the last one at t1. */
  for (guint k = 1; k + 1 < all->len; k++)
    {
      const StrataFollowInterval *want = &g_array_index (all, StrataFollowInterval, k);

      g_assert_true (strata_follow_step (analysis, row, at, +1, &step));
      g_assert_cmpint (step.start, ==, want->start);
      g_assert_cmpint (step.end, ==, want->end);
      g_assert_cmpint (step.state, ==, want->state);
      g_assert_cmpint (step.pcpu, ==, want->pcpu);
      at = step.start;
      n++;
    }
  for (guint k = all->len - 2; k >= 1; k--)
    {
      const StrataFollowInterval *want = &g_array_index (all, StrataFollowInterval, k - 1);

      if (k == 1)
        break;
      g_assert_true (strata_follow_step (analysis, row, at, -1, &step));
      g_assert_cmpint (step.start, ==, want->start);
      g_assert_cmpint (step.end, ==, want->end);
      at = step.start;
    }
  g_assert_cmpuint (n, >, 3);
  g_assert_false (strata_follow_step (analysis, row, strata_store_end (analysis->store), +1, &step));
  g_assert_false (strata_follow_step (analysis, row, strata_store_begin (analysis->store), -1, &step));

  /* The session: follow, then ] from a selection at the preemption's start selects what
   * follows it, [ comes back to the preemption itself. */
  g_assert_cmpint (strata_session_get_followed_row (session), ==, -1);
  g_assert_false (strata_session_follow_step (session, +1));
  strata_session_follow (session, row);
  g_assert_cmpint (strata_session_get_followed_row (session), ==, row);
  strata_session_zoom_to (session, t0, t1);
  strata_session_select (session, p->start, p->start + 1);
  g_assert_true (strata_session_follow_step (session, +1));
  g_assert_cmpint (strata_session_get_selected_time (session)->begin, ==, p->end);
  g_assert_true (strata_session_follow_step (session, -1));
  g_assert_cmpint (strata_session_get_selected_time (session)->begin, ==, p->start);
  g_assert_cmpint (strata_session_get_selected_time (session)->end, ==, p->end);
  for (guint k = 0; k < all->len; k++)
    if (g_array_index (all, StrataFollowInterval, k).start == p->start)
      seen_preempted = g_array_index (all, StrataFollowInterval, k).state == STRATA_STATE_PREEMPTED;
  g_assert_true (seen_preempted);

  /* What a frame draws of it: the pieces strata_follow_thread_drawn() gives, kept while the
   * range and the width stay, worked out again when either changes. */
  {
    g_autoptr(GArray) drawn = strata_session_get_followed_pieces (session, 800);
    g_autoptr(GArray) again = strata_session_get_followed_pieces (session, 800);
    g_autoptr(GArray) want = strata_follow_thread_drawn (analysis, row, *strata_session_get_visible_time (session), 800);
    g_autoptr(GArray) narrower = strata_session_get_followed_pieces (session, 40);
    g_autoptr(GArray) want_narrower = strata_follow_thread_drawn (analysis, row, *strata_session_get_visible_time (session), 40);
    g_autoptr(GArray) zoomed = NULL;

    g_assert_nonnull (drawn);
    g_assert_true (again == drawn);
    assert_same_pieces (drawn, want);
    g_assert_true (narrower != drawn);
    assert_same_pieces (narrower, want_narrower);
    strata_session_zoom_to (session, p->start, p->end);
    zoomed = strata_session_get_followed_pieces (session, 40);
    g_assert_true (zoomed != narrower);
    g_assert_cmpint (g_array_index (zoomed, StrataFollowInterval, 0).start, ==, p->start);
  }

  /* A row that is not a thread's stops following. */
  strata_session_follow (session, strata_store_find_row (analysis->store, "pcpu/0"));
  g_assert_cmpint (strata_session_get_followed_row (session), ==, -1);
  g_assert_null (strata_session_get_followed_pieces (session, 800));
}

/* What to follow from a preemption, and from a row under the pointer. */
static void
test_rows (void)
{
  g_autoptr(StrataAnalysis) analysis = load_demo ();
  const StrataPreemption *p;
  gint row = preempted_thread (analysis, &p);
  gint preempted, preemptor, vcpu_row;
  g_autoptr(GArray) pieces = NULL;
  const StrataPreemptionCause *cause = &g_array_index (p->by, StrataPreemptionCause, 0);

  strata_follow_preemption_rows (analysis, p, &preempted, &preemptor);
  g_assert_cmpint (preempted, ==, row);
  g_assert_cmpint (preemptor, >=, 0);
  g_assert_cmpint (strata_store_row_machine (analysis->store, preemptor), ==, cause->machine);
  g_assert_cmpint (strata_store_row_number (analysis->store, preemptor), ==, cause->tid);
  {
    g_autofree char *name = strata_follow_name (analysis, preemptor);

    g_assert_cmpstr (name, ==, "stress (4001)");
  }

  /* On the vCPU's row over the preemption, and on the pCPU where the thread ran. */
  vcpu_row = strata_store_find_row (analysis->store, "server1/vcpu/0");
  g_assert_cmpint (strata_follow_thread_at (analysis, vcpu_row, (p->start + p->end) / 2), ==, row);
  pieces = strata_follow_thread (analysis, row, p->start - 1000000, p->start);
  for (guint k = 0; k < pieces->len; k++)
    {
      const StrataFollowInterval *iv = &g_array_index (pieces, StrataFollowInterval, k);
      g_autofree char *name = NULL;

      if (iv->pcpu < 0)
        continue;
      name = g_strdup_printf ("pcpu/%d", iv->pcpu);
      g_assert_cmpint (strata_follow_thread_at (analysis, strata_store_find_row (analysis->store, name),
                                                (iv->start + iv->end) / 2), ==, row);
    }
  /* The thread's own row is itself. */
  g_assert_cmpint (strata_follow_thread_at (analysis, row, p->start), ==, row);
}

static gboolean
is_follow_color (cairo_surface_t *surface,
                 int              x,
                 int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 px = *(const guint32 *) (data + y * cairo_image_surface_get_stride (surface) + x * 4);
  double r, g, b;

  strata_render_follow_color (FALSE, &r, &g, &b);
  return fabs (((px >> 16) & 0xff) - r * 255) < 40 && fabs (((px >> 8) & 0xff) - g * 255) < 40 &&
         fabs ((px & 0xff) - b * 255) < 40;
}

/* The renderer outlines the followed thread on the pCPU its vCPU ran on, over the time it
 * ran there, and on its vCPU's row over the preemption; nothing without a followed row. */
static void
test_outlines (void)
{
  g_autoptr(StrataAnalysis) analysis = load_demo ();
  g_autoptr(StrataLayout) layout = strata_layout_new (analysis);
  g_autoptr(GArray) visible = strata_layout_visible (layout, NULL);
  const StrataPreemption *p;
  gint row = preempted_thread (analysis, &p);
  gint64 t0 = p->start - 1000000, t1 = p->end + 1000000;
  g_autoptr(GArray) pieces = strata_follow_thread (analysis, row, t0, t1);
  StrataRenderOptions o;
  const StrataFollowInterval *ran = NULL;
  gint pcpu_row, vcpu_row, pcpu_y = -1, vcpu_y = -1;
  int width = 1000, body;

  for (guint k = 0; k < pieces->len && ran == NULL; k++)
    if (g_array_index (pieces, StrataFollowInterval, k).pcpu >= 0 &&
        g_array_index (pieces, StrataFollowInterval, k).end <= p->start)
      ran = &g_array_index (pieces, StrataFollowInterval, k);
  g_assert_nonnull (ran);
  {
    g_autofree char *name = g_strdup_printf ("pcpu/%d", ran->pcpu);

    pcpu_row = strata_store_find_row (analysis->store, name);
  }
  vcpu_row = strata_store_find_row (analysis->store, "server1/vcpu/0");

  strata_render_options_init (&o, analysis, width, 36 + 28 + (int) visible->len * 22 + 4);
  o.visible = (StrataTimeSpan) { t0, t1 };
  for (guint v = 0; v < visible->len; v++)
    {
      const StrataLayoutEntry *e = &g_array_index (layout->entries, StrataLayoutEntry, g_array_index (visible, guint, v));

      if (e->row == pcpu_row)
        pcpu_y = o.ruler_height + (int) v * o.row_height;
      if (e->row == vcpu_row)
        vcpu_y = o.ruler_height + (int) v * o.row_height;
    }
  g_assert_cmpint (pcpu_y, >=, 0);
  g_assert_cmpint (vcpu_y, >=, 0);
  body = width - o.header_width;

  for (guint pass = 0; pass < 2; pass++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, o.height);
      cairo_t *cr = cairo_create (surface);
      /* The outline's top edge, inside the pCPU row, where the thread ran; the vCPU row's
       * over the middle of the preemption. */
      int rx = o.header_width + (int) ((ran->start + ran->end) / 2 - t0) * body / (t1 - t0);
      int px = o.header_width + (int) ((p->start + p->end) / 2 - t0) * body / (t1 - t0);

      o.follow_row = pass == 0 ? -1 : row;
      strata_render (cr, analysis, layout, &o);
      cairo_surface_flush (surface);
      g_assert_cmpint (is_follow_color (surface, rx, pcpu_y + 1) || is_follow_color (surface, rx, pcpu_y + 2), ==, pass == 1);
      g_assert_cmpint (is_follow_color (surface, px, vcpu_y + 1) || is_follow_color (surface, px, vcpu_y + 2), ==, pass == 1);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/follow/across-preemption", test_across_preemption);
  g_test_add_func ("/follow/step", test_step);
  g_test_add_func ("/follow/outlines", test_outlines);
  g_test_add_func ("/follow/rows", test_rows);
  return g_test_run ();
}
