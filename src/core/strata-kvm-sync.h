/* strata-kvm-sync.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-sync.h"

G_BEGIN_DECLS

/*
 * Clock synchronization from KVM windows, with no synchronization events at all.
 *
 * A guest event on guest CPU k can only happen while its host runs vCPU k of the guest's VM in
 * guest mode, between a KVM entry and the next exit. So the right transform from guest time to
 * host time puts every guest event inside a window of its vCPU, and once each event is assigned
 * to its window, it is two ordering constraints on the transform (the entry happened before the
 * event, the event before the exit): the convex hull of strata-sync, with one point per window
 * edge instead of one per message.
 *
 * strata_kvm_fit() finds the assignment without any prior, in three stages:
 *  1. coarse: the cross-correlation, at a bin of 100 µs or more, of each guest CPU's event
 *     counts with its vCPU's guest-mode coverage, summed over the vCPUs, over every placement of
 *     the guest trace that overlaps the host trace (computed by FFT, so seconds or hours of
 *     offset cost the same). Long traces are cut in segments whose correlations are combined
 *     along drift hypotheses (±max_drift), so that drift does not blur the peak. The best few
 *     peaks are candidates;
 *  2. fine, per candidate: the guest trace is cut in segments; in each, a sweep over the
 *     residual offset counts how many sampled events lie inside a window, and the middle of the
 *     best plateau is that segment's offset; a robust line through them gives offset and drift.
 *     Segments get shorter and the search window narrower until the line is known to a few µs;
 *  3. the hull: with the line known to ±δ, an event whose δ-neighbourhood meets exactly one
 *     window surely belongs to it; each window's first and last such event bound the transform.
 *     The hull's own accuracy is the next δ, until the assignment no longer changes. An
 *     infeasible hull means δ was too optimistic: it grows, and the assignment is made again.
 * The candidate that leaves the fewest events outside every window wins.
 *
 * Events that no window can judge (before their vCPU's first recorded window, outside the host
 * trace) are not counted either way.
 */

typedef struct
{
  gint64 start;                 /* KVM entry, host time */
  gint64 end;                   /* the next KVM exit (or the host trace's end + 1: still open) */
} StrataKvmWindow;

/* One vCPU's guest-mode windows, in time order. */
typedef struct
{
  const StrataKvmWindow *windows;
  gsize                  n;
} StrataKvmWindows;

/* Event times of one guest CPU (all of them, or an even sample), guest clock, increasing. */
typedef struct
{
  const gint64 *ts;
  gsize         n;
} StrataKvmEvents;

/* A message of the guest's clock synchronization events (vmsync, TCP) with its host: what the
 * windows and the messages say bounds the clock together. */
typedef struct
{
  gint64   guest;               /* guest time */
  gint64   host;                /* host time */
  gboolean to_host;             /* sent by the guest at @guest, received by the host at @host;
                                 * else sent by the host, received by the guest */
} StrataKvmMessage;

/* The drift searched by default: ±150 ppm, more than the clocks of real machines show. */
#define STRATA_KVM_MAX_DRIFT 150e-6

typedef struct
{
  const StrataKvmWindows *vcpus;       /* by vCPU id */
  guint                   n_vcpus;
  gint64                  host_begin;  /* the host trace's span */
  gint64                  host_end;
  const StrataKvmEvents  *cpus;        /* by guest CPU: CPU k runs on vCPU k */
  guint                   n_cpus;
  gint64                  guest_begin; /* the guest trace's span, guest clock */
  gint64                  guest_end;
  double                  max_drift;   /* 0: STRATA_KVM_MAX_DRIFT */
  const StrataSyncResult *seed;        /* a transform known to within its accuracy (messages):
                                        * refined by the windows instead of searched; or NULL */
  const StrataKvmMessage *messages;    /* constraints every hull of the fit holds beside the
                                        * windows' (with a seed: the seed's messages); or NULL */
  gsize                   n_messages;
} StrataKvmFitParams;

typedef enum
{
  STRATA_KVM_FIT_NONE,          /* nothing to compare: no event falls where windows are known */
  STRATA_KVM_FIT_POOR,          /* the best placement still leaves many events outside */
  STRATA_KVM_FIT_UNSPECIFIC,    /* the vCPUs are in guest mode nearly all the time: a random
                                 * placement would fit about as well, the fit proves nothing */
  STRATA_KVM_FIT_GOOD,
} StrataKvmVerdict;

typedef struct
{
  StrataKvmVerdict verdict;
  StrataSyncResult sync;        /* guest -> host; matches: window constraints used */
  guint64          n_events;    /* events the windows judge, under that transform */
  guint64          n_outside;   /* of them, outside every window of their vCPU */
  double           background;  /* the share a random placement would put inside (the vCPUs'
                                 * guest-mode duty, weighted by the guest CPUs' events) */
  double           empty;       /* share of the vCPUs' guest-mode time, while the guest
                                 * traced, in windows that hold none of its events */
} StrataKvmFit;

/* "none", "poor", "unspecific", "good" */
const char *strata_kvm_verdict_to_string (StrataKvmVerdict verdict);

void     strata_kvm_fit               (const StrataKvmFitParams *params,
                                       StrataKvmFit             *out);

/* Share of the judged events outside every window (0 when none is judged). */
double   strata_kvm_fit_outside_share (const StrataKvmFit       *fit);

/* How badly a fit explains the two traces, from 0: the share of events outside the windows,
 * plus a quarter of the share of guest-mode time that holds none of them (a sparse guest fits
 * inside a busy VM's windows, but leaves most of them empty). */
double   strata_kvm_fit_misfit        (const StrataKvmFit       *fit);

/* Whether @a is clearly a better fit than @b, so that the guest can be paired with @a's VM
 * rather than @b's without guessing. */
gboolean strata_kvm_fit_clearly_better (const StrataKvmFit      *a,
                                        const StrataKvmFit      *b);

G_END_DECLS
