/* strata-sync.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Convex-hull clock synchronization (Duda et al.; Jabbarifar; the "fully incremental convex
 * hull" of Trace Compass) between one machine (the "own" clock) and its reference machine.
 *
 * The transform is f(own) = alpha * own + beta, giving the reference time of an own time. Every
 * message is a causality constraint on f:
 *  - sent by the own machine at own_send, received by the reference at ref_recv:
 *    f(own_send) <= ref_recv, an upper bound on the line at the point (own_send, ref_recv);
 *  - sent by the reference at ref_send, received by the own machine at own_recv:
 *    f(own_recv) >= ref_send, a lower bound on the line at the point (own_recv, ref_send).
 * Only the lower hull of the upper-bound points and the upper hull of the lower-bound points
 * matter. The feasible lines of extreme slopes (alpha_min, alpha_max) each pass through one
 * point of each hull; the chosen line is their average (it goes through their intersection and
 * bisects them).
 *
 * Qualities (strata_sync_hull_solve()):
 *  - ABSENT: no message at all. Identity transform, accuracy 0.
 *  - INCOMPLETE: messages in one direction only. alpha = 1 and beta is the tightest bound that
 *    direction gives: with own -> reference messages only, beta = min (ref_recv - own_send),
 *    an upper bound on the offset; with reference -> own messages only,
 *    beta = max (ref_send - own_recv), a lower bound. The other side is not bounded at all, so
 *    accuracy reports how loose the bound looks: the spread (max - min) of the per-message
 *    offsets (latencies plus any drift over the span), not a guarantee.
 *  - FAIL: both directions, but no line satisfies every constraint (a message received before
 *    it was sent once mapped, e.g. crossing constraints). Identity transform, accuracy 0: the
 *    caller must not trust any offset.
 *  - APPROXIMATE: both directions and the constraints are consistent, but the feasible slopes
 *    are unbounded on at least one side (e.g. one message per direction, or every message at
 *    the same own time). alpha = 1 when a slope of 1 is feasible, otherwise the feasible slope
 *    closest to 1; beta = the middle of the feasible offset interval at that slope, and
 *    accuracy = half that interval's width (valid only if the slope is right).
 *  - ACCURATE: both extreme lines exist. alpha = mean of their slopes, beta bisects them, and
 *    accuracy = half the largest vertical gap between the two extreme lines over the own-time
 *    span of the messages, and of the own trace when strata_sync_hull_set_span() gave it
 *    (far from the messages the extreme lines drift apart: a hull of 0.2 s of messages can be
 *    88 ms wide 10 s away). Over that span, every feasible line lies within +-accuracy of the
 *    chosen one (at the span's ends the extreme lines are the bounds of every feasible line).
 *
 * Numerics: times are ~1.7e18 ns, beyond the 53 bits of a double. Internally everything is
 * relative to integer origins (the own and reference times of the first message), and the
 * line is handled as a small correction to the identity, so points are compared exactly (with
 * 128-bit integers where the compiler has them). Input times must lie within 2^62 ns of each
 * other, which any real trace does.
 */

typedef enum
{
  STRATA_SYNC_ABSENT,
  STRATA_SYNC_INCOMPLETE,
  STRATA_SYNC_APPROXIMATE,
  STRATA_SYNC_ACCURATE,
  STRATA_SYNC_FAIL,
} StrataSyncQuality;

/* "absent", "incomplete", "approximate", "accurate", "fail": the JSON `quality` values. */
const char *strata_sync_quality_to_string (StrataSyncQuality quality);

typedef struct
{
  StrataSyncQuality quality;
  guint             matches;      /* messages added, both directions */
  guint             n_to_ref;     /* own -> reference messages */
  guint             n_from_ref;   /* reference -> own messages */

  /* The JSON contract: reference_ns = alpha * own_ns + beta_ns. beta_ns is computed for the
   * double alpha as stored, so the equation holds to ~1 ns when evaluated in long double; in
   * double arithmetic, alpha * 1.7e18 alone loses ~200 ns: use strata_sync_map() instead. */
  double            alpha;
  long double       beta_ns;
  double            accuracy_ns;  /* INFINITY when nothing bounds it (INCOMPLETE) */

  /* Extreme feasible slopes; set for ACCURATE only, otherwise equal to alpha. */
  double            alpha_min;
  double            alpha_max;

  /* The same transform in the exact form used by strata_sync_map():
   * reference = ref_origin + d + drift * d + beta_rel, with d = own - own_origin,
   * drift = alpha - 1 (exactly, as doubles). */
  gint64            own_origin;
  gint64            ref_origin;
  double            drift;
  double            beta_rel;
} StrataSyncResult;

typedef struct _StrataSyncHull StrataSyncHull;

StrataSyncHull *strata_sync_hull_new           (void);
void            strata_sync_hull_free          (StrataSyncHull   *self);

/* A message sent by the own machine at @own_send_ns and received by the reference at
 * @ref_recv_ns: f(own_send_ns) <= ref_recv_ns. */
void            strata_sync_hull_add_to_ref    (StrataSyncHull   *self,
                                                gint64            own_send_ns,
                                                gint64            ref_recv_ns);
/* A message sent by the reference at @ref_send_ns and received by the own machine at
 * @own_recv_ns: f(own_recv_ns) >= ref_send_ns. */
void            strata_sync_hull_add_from_ref  (StrataSyncHull   *self,
                                                gint64            ref_send_ns,
                                                gint64            own_recv_ns);

/* The own machine's trace spans [@own_first_ns, @own_last_ns]: the accuracy strata_sync_hull_solve()
 * reports then covers all of it. */
void            strata_sync_hull_set_span      (StrataSyncHull   *self,
                                                gint64            own_first_ns,
                                                gint64            own_last_ns);

/*
 * Solves the transform from every message added so far. Points may arrive in any order
 * (roughly increasing time is the cheap case); memory stays proportional to the hulls plus a
 * bounded buffer, time is O(n log n) overall. Messages may still be added after a solve.
 */
void            strata_sync_hull_solve         (StrataSyncHull   *self,
                                                StrataSyncResult *out);

/* The identity transform (the reference machine's own `sync`, or no information). */
void            strata_sync_result_init_identity (StrataSyncResult *out);

/* Of an INCOMPLETE result (messages one way only), which side of the bound placed the true
 * clock lies on: -1, its own events may be earlier than mapped; 1, later; 0 otherwise. */
gint            strata_sync_one_sided          (const StrataSyncResult *result);

/* Own time -> reference time with @result's transform, rounded to the nearest ns. */
gint64          strata_sync_map                (const StrataSyncResult *result,
                                                gint64                  own_ns);
/* Reference time -> own time: the inverse of strata_sync_map() (to within 1 ns). */
gint64          strata_sync_unmap              (const StrataSyncResult *result,
                                                gint64                  ref_ns);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSyncHull, strata_sync_hull_free)

G_END_DECLS
