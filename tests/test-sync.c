/* test-sync.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <math.h>

#include "strata-sync.h"

/* A realistic epoch time: 2023-11-14, beyond the 53 bits of a double. */
#define BASE G_GINT64_CONSTANT (1700000000000000000)
#define US   G_GINT64_CONSTANT (1000)
#define SEC  G_GINT64_CONSTANT (1000000000)

/* The true transform of a simulated machine: reference = own + drift * own + beta. */
typedef struct
{
  long double drift;
  long double beta;
} Truth;

static gint64
truth_map (const Truth *truth,
           gint64       own)
{
  return llroundl ((long double) own + truth->drift * own + truth->beta);
}

/*
 * @n messages spread evenly over [start, start + span), alternating directions, each with a
 * latency drawn uniformly in [lat_min, lat_max] (own-clock ns). The true line stays feasible:
 * a latency of at least 1 ns survives the rounding of the reference times.
 */
static void
simulate (StrataSyncHull *hull,
          const Truth    *truth,
          GRand          *rand,
          guint           n,
          gint64          start,
          gint64          span,
          gint64          lat_min,
          gint64          lat_max)
{
  for (guint i = 0; i < n; i++)
    {
      gint64 t = start + (gint64) ((long double) span * i / n);
      gint64 lat = lat_min + (gint64) g_rand_int_range (rand, 0, (gint32) (lat_max - lat_min + 1));

      if (i % 2 == 0)
        strata_sync_hull_add_to_ref (hull, t, truth_map (truth, t + lat));
      else
        strata_sync_hull_add_from_ref (hull, truth_map (truth, t), t + lat);
    }
}

/* Over the messages' span, the solved line is within its accuracy of the true (feasible) line,
 * both through strata_sync_map() and through the JSON form evaluated in long double. */
static void
assert_recovers (const StrataSyncResult *r,
                 const Truth            *truth,
                 gint64                  first,
                 gint64                  last)
{
  for (guint k = 0; k <= 20; k++)
    {
      gint64 t = first + (gint64) ((long double) (last - first) * k / 20);
      gint64 want = truth_map (truth, t);
      long double json = (long double) r->alpha * t + r->beta_ns;

      g_assert_cmpfloat (fabs ((double) (strata_sync_map (r, t) - want)), <=, r->accuracy_ns + 1);
      g_assert_cmpfloat ((double) fabsl (json - want), <=, r->accuracy_ns + 2);
    }
  g_assert_cmpfloat (r->alpha_min, <=, (double) (1 + truth->drift));
  g_assert_cmpfloat (r->alpha_max, >=, (double) (1 + truth->drift));
  g_assert_cmpfloat (r->alpha_min, <=, r->alpha);
  g_assert_cmpfloat (r->alpha, <=, r->alpha_max);
}

typedef struct
{
  const char *name;
  double      drift;
  double      beta;
  guint       n;
  gint64      span;
  gint64      lat_min;
  gint64      lat_max;
  double      max_accuracy;
} AccurateCase;

/*
 * No method can pin the offset closer than the smallest one-way latencies allow: with both
 * directions at >= 5 µs, every offset within about ±5 µs of the truth is consistent with
 * every message, so the accuracy cannot be below that (it is ~5.9 µs); a 0.5 µs floor gives
 * sub-µs. The accuracy is taken at the ends of the span, where the slope's uncertainty adds
 * to the latency: sparse messages (one per 30 ms) over 60 s at >= 1 µs give ~1.3 µs.
 */
static const AccurateCase accurate_cases[] = {
  { "offset",         0.0,     -2.5e9,      4000, 10 * SEC, 5 * US,   50 * US, 6000 },
  { "drift",          20e-6,   123456789.0, 4000, 10 * SEC, 5 * US,   50 * US, 6000 },
  { "drift-fast",     20e-6,   123456789.0, 4000, 10 * SEC, 500,      50 * US, 1000 },
  { "drift-negative", -150e-6, 7e12,        2000, 60 * SEC, 1 * US,   20 * US, 2000 },
};

static void
test_accurate (gconstpointer data)
{
  const AccurateCase *c = data;
  g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  Truth truth = { c->drift, c->beta };
  StrataSyncResult r;

  simulate (hull, &truth, rand, c->n, BASE, c->span, c->lat_min, c->lat_max);
  strata_sync_hull_solve (hull, &r);

  g_test_message ("%s: alpha %.12f [%.12f, %.12f] beta %.3Lf accuracy %.1f ns", c->name, r.alpha,
                  r.alpha_min, r.alpha_max, r.beta_ns, r.accuracy_ns);
  g_assert_cmpint (r.quality, ==, STRATA_SYNC_ACCURATE);
  g_assert_cmpstr (strata_sync_quality_to_string (r.quality), ==, "accurate");
  g_assert_cmpuint (r.matches, ==, c->n);
  g_assert_cmpuint (r.n_to_ref, ==, (c->n + 1) / 2);
  g_assert_cmpuint (r.n_from_ref, ==, c->n / 2);
  g_assert_cmpfloat (r.accuracy_ns, >, 0);
  g_assert_cmpfloat (r.accuracy_ns, <, c->max_accuracy);
  assert_recovers (&r, &truth, BASE, BASE + c->span - c->span / c->n);
  /* The slope error over the span stays within the accuracy too. */
  g_assert_cmpfloat (fabs (r.alpha - (1 + c->drift)) * (double) c->span, <=, 2 * r.accuracy_ns);
}

static void
test_absent (void)
{
  g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();
  StrataSyncResult r;

  strata_sync_hull_solve (hull, &r);
  g_assert_cmpint (r.quality, ==, STRATA_SYNC_ABSENT);
  g_assert_cmpstr (strata_sync_quality_to_string (r.quality), ==, "absent");
  g_assert_cmpuint (r.matches, ==, 0);
  g_assert_cmpfloat (r.alpha, ==, 1.0);
  g_assert_true (r.beta_ns == 0);
  g_assert_cmpfloat (r.accuracy_ns, ==, 0);
  g_assert_cmpint (strata_sync_map (&r, BASE), ==, BASE);
  g_assert_cmpint (strata_sync_unmap (&r, BASE), ==, BASE);
}

typedef struct
{
  const char *name;
  gboolean    to_ref;          /* direction of every message */
  gint64      latencies[6];    /* 0-terminated */
  gint64      want_beta;       /* relative to the true offset */
} IncompleteCase;

static const IncompleteCase incomplete_cases[] = {
  /* ref_recv >= own_send + beta: beta <= min (ref_recv - own_send) = offset + min latency. */
  { "to-ref",   TRUE,  { 30 * US, 10 * US, 50 * US, 20 * US }, 10 * US },
  /* ref_send <= own_recv + beta: beta >= max (ref_send - own_recv) = offset - min latency. */
  { "from-ref", FALSE, { 30 * US, 10 * US, 50 * US, 20 * US }, -10 * US },
  { "single",   TRUE,  { 7 },                                  7 },
};

static void
test_incomplete (gconstpointer data)
{
  const IncompleteCase *c = data;
  g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();
  const gint64 offset = -3 * SEC;
  StrataSyncResult r;
  guint n = 0;

  for (; c->latencies[n] != 0; n++)
    {
      gint64 t = BASE + n * SEC;

      if (c->to_ref)
        strata_sync_hull_add_to_ref (hull, t, t + offset + c->latencies[n]);
      else
        strata_sync_hull_add_from_ref (hull, t + offset, t + c->latencies[n]);
    }
  strata_sync_hull_solve (hull, &r);

  g_assert_cmpint (r.quality, ==, STRATA_SYNC_INCOMPLETE);
  g_assert_cmpstr (strata_sync_quality_to_string (r.quality), ==, "incomplete");
  g_assert_cmpuint (r.matches, ==, n);
  g_assert_cmpfloat (r.alpha, ==, 1.0);
  g_assert_true (r.beta_ns == offset + c->want_beta);
  /* The placed clock is off by the fastest message's delay (10 µs here), which no message
   * bounds, however alike their delays: not a spread of 40 µs, nor 0 for one message. */
  g_assert_true (isinf (r.accuracy_ns));
  g_assert_cmpint (strata_sync_one_sided (&r), ==, c->to_ref ? -1 : 1);
  g_assert_cmpint (strata_sync_map (&r, BASE + 5), ==, BASE + 5 + offset + c->want_beta);
  g_assert_cmpint (strata_sync_unmap (&r, BASE + 5 + offset + c->want_beta), ==, BASE + 5);
}

/* A message as (direction, own time, reference time), both relative to BASE. */
typedef struct
{
  gboolean to_ref;
  gint64   own;
  gint64   ref;
} Msg;

typedef struct
{
  const char *name;
  Msg         msgs[6];   /* ends at own == G_MININT64 */
} MsgCase;

#define END { FALSE, G_MININT64, 0 }

static guint
add_msgs (StrataSyncHull *hull,
          const Msg      *msgs)
{
  guint n = 0;

  for (; msgs[n].own != G_MININT64; n++)
    {
      if (msgs[n].to_ref)
        strata_sync_hull_add_to_ref (hull, BASE + msgs[n].own, BASE + msgs[n].ref);
      else
        strata_sync_hull_add_from_ref (hull, BASE + msgs[n].ref, BASE + msgs[n].own);
    }
  return n;
}

static const MsgCase fail_cases[] = {
  /* At one instant, the reference received before the other message was sent. */
  { "same-time",  { { TRUE, 1000, 5000 }, { FALSE, 1000, 5100 }, END } },
  /* Two upper bounds at 0 around a lower bound of 10: no line passes. */
  { "between",    { { TRUE, 0, 0 }, { TRUE, 20000, 20000 }, { FALSE, 10000, 10010 }, END } },
  /* Crossing: upper bounds rising, lower bounds falling, the two lines cross in between. */
  { "crossing",   { { TRUE, 0, 0 }, { TRUE, 1000, 2000 }, { FALSE, 100, 500 },
                    { FALSE, 900, 500 }, END } },
};

static void
test_fail (gconstpointer data)
{
  const MsgCase *c = data;
  g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();
  StrataSyncResult r;
  guint n = add_msgs (hull, c->msgs);

  strata_sync_hull_solve (hull, &r);
  g_assert_cmpint (r.quality, ==, STRATA_SYNC_FAIL);
  g_assert_cmpstr (strata_sync_quality_to_string (r.quality), ==, "fail");
  g_assert_cmpuint (r.matches, ==, n);
  g_assert_cmpfloat (r.alpha, ==, 1.0);
  g_assert_true (r.beta_ns == 0);
  g_assert_cmpint (strata_sync_map (&r, BASE), ==, BASE);
}

/* One message received before it was sent spoils thousands of good ones. */
static void
test_fail_one_bad (void)
{
  g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  Truth truth = { 20e-6, 123456789 };
  StrataSyncResult r;
  gint64 t = BASE + 5 * SEC;

  simulate (hull, &truth, rand, 4000, BASE, 10 * SEC, 5 * US, 50 * US);
  strata_sync_hull_solve (hull, &r);
  g_assert_cmpint (r.quality, ==, STRATA_SYNC_ACCURATE);
  strata_sync_hull_add_from_ref (hull, truth_map (&truth, t) + 20 * US, t);
  strata_sync_hull_solve (hull, &r);
  g_assert_cmpint (r.quality, ==, STRATA_SYNC_FAIL);
  g_assert_cmpuint (r.matches, ==, 4001);
}

typedef struct
{
  const char *name;
  Msg         msgs[6];
  double      want_alpha;
  gint64      want_at_0;       /* reference - own at own = BASE */
  double      want_accuracy;
} ApproxCase;

static const ApproxCase approx_cases[] = {
  /* beta in [3000 - 1100, 5000 - 1000] at alpha = 1. */
  { "one-each",       { { TRUE, 1000, 5000 }, { FALSE, 1100, 3000 }, END }, 1.0, 2950, 1050 },
  { "one-each-same",  { { TRUE, 1000, 5000 }, { FALSE, 1000, 3000 }, END }, 1.0, 3000, 1000 },
  /* Every message at one own time: [2000, 4000]. */
  { "one-time",       { { TRUE, 0, 5000 }, { TRUE, 0, 4000 }, { FALSE, 0, 1000 },
                        { FALSE, 0, 2000 }, END }, 1.0, 3000, 1000 },
  /* Lower bounds all before upper bounds: the slope is bounded above only. */
  { "one-sided",      { { FALSE, 0, -1000 }, { FALSE, 100, -950 }, { TRUE, 5000, 7000 },
                        { TRUE, 6000, 9000 }, END }, 1.0, 500, 1500 },
  /* alpha = 1 is infeasible (offset >= 100 at 0, <= 50 at 1 s): the nearest feasible slope,
   * where the band is a single line. */
  { "forced-slope",   { { FALSE, 0, 100 }, { TRUE, SEC, SEC + 50 }, END }, 1 - 50e-9, 100, 0 },
};

static void
test_approximate (gconstpointer data)
{
  const ApproxCase *c = data;
  g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();
  StrataSyncResult r;
  guint n = add_msgs (hull, c->msgs);

  strata_sync_hull_solve (hull, &r);
  g_test_message ("%s: alpha %.15f beta %.3Lf accuracy %.3f", c->name, r.alpha, r.beta_ns,
                  r.accuracy_ns);
  g_assert_cmpint (r.quality, ==, STRATA_SYNC_APPROXIMATE);
  g_assert_cmpstr (strata_sync_quality_to_string (r.quality), ==, "approximate");
  g_assert_cmpuint (r.matches, ==, n);
  g_assert_cmpfloat_with_epsilon (r.alpha, c->want_alpha, 1e-15);
  g_assert_cmpint (strata_sync_map (&r, BASE), ==, BASE + c->want_at_0);
  g_assert_cmpfloat_with_epsilon (r.accuracy_ns, c->want_accuracy, 1e-3);
  /* Every constraint still holds, to rounding. */
  for (guint i = 0; i < n; i++)
    {
      gint64 mapped = strata_sync_map (&r, BASE + c->msgs[i].own);

      if (c->msgs[i].to_ref)
        g_assert_cmpint (mapped, <=, BASE + c->msgs[i].ref + 1);
      else
        g_assert_cmpint (mapped, >=, BASE + c->msgs[i].ref - 1);
    }
}

/* Within 1 ns both ways at 1.7e18, for a few transforms, far from the origins too. */
static void
test_round_trip (void)
{
  const Truth truths[] = { { 0, -2.5e9 }, { 20e-6, 123456789 }, { -3e-4, 5e11 }, { 1e-9, 0 } };
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);

  for (guint k = 0; k < G_N_ELEMENTS (truths); k++)
    {
      g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();
      StrataSyncResult r;

      simulate (hull, &truths[k], rand, 1000, BASE, 10 * SEC, 1 * US, 30 * US);
      strata_sync_hull_solve (hull, &r);
      g_assert_cmpint (r.quality, ==, STRATA_SYNC_ACCURATE);
      for (guint i = 0; i < 100000; i++)
        {
          gint64 t = BASE + (gint64) g_rand_double_range (rand, -1e13, 1e13);

          g_assert_cmpint (ABS (strata_sync_unmap (&r, strata_sync_map (&r, t)) - t), <=, 1);
          g_assert_cmpint (ABS (strata_sync_map (&r, strata_sync_unmap (&r, t)) - t), <=, 1);
        }
    }
}

/*
 * Small random sets against a brute-force O(n^2) solution over every pair of raw points: the
 * extreme slopes must be exactly the same doubles (the same integer ratio, divided once), and
 * the verdicts the same. Duplicate times, collinear points and infeasible sets are frequent
 * on purpose.
 */
static void
brute_force (const Msg *msgs,
             guint      n,
             gboolean  *feasible,
             gboolean  *have_min,
             gboolean  *have_max,
             double    *s_min,
             double    *s_max)
{
  /* Slopes as exact ratios num / den, den > 0; small values keep the products exact. */
  double min_num = 0, min_den = 1, max_num = 0, max_den = 1;

  *feasible = TRUE;
  *have_min = *have_max = FALSE;
  for (guint a = 0; a < n; a++)
    for (guint b = 0; b < n; b++)
      {
        const Msg *p = &msgs[a], *q = &msgs[b];   /* p lower bound, q upper bound */
        double num, den;

        if (p->to_ref || !q->to_ref)
          continue;
        num = (double) ((q->ref - q->own) - (p->ref - p->own));
        den = (double) (q->own - p->own);
        if (den == 0)
          {
            if (num < 0)
              *feasible = FALSE;
          }
        else if (den > 0)
          {
            /* s <= num / den */
            if (!*have_max || num * max_den < max_num * den)
              max_num = num, max_den = den;
            *have_max = TRUE;
          }
        else
          {
            /* s >= num / den */
            num = -num, den = -den;
            if (!*have_min || num * min_den > min_num * den)
              min_num = num, min_den = den;
            *have_min = TRUE;
          }
      }
  if (*have_min && *have_max && min_num * max_den > max_num * min_den)
    *feasible = FALSE;
  *s_min = min_num / min_den;
  *s_max = max_num / max_den;
}

static void
test_brute_force (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  guint counts[5] = { 0 };

  for (guint round = 0; round < 3000; round++)
    {
      g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();
      g_autofree Msg *msgs = NULL;
      guint n = g_rand_int_range (rand, 2, 40);
      double slope = g_rand_double_range (rand, -1e-3, 1e-3);
      gint32 x_range = g_rand_boolean (rand) ? 20 : 1000000;
      gint32 lat_max = g_rand_int_range (rand, 0, 3) == 0 ? 0 : 5000;
      gboolean noisy = g_rand_int_range (rand, 0, 4) == 0;
      gboolean feasible, have_min, have_max;
      double s_min, s_max;
      StrataSyncResult r;

      msgs = g_new (Msg, n);
      for (guint i = 0; i < n; i++)
        {
          gint64 x = g_rand_int_range (rand, 0, x_range);
          gint64 lat = g_rand_int_range (rand, 0, lat_max + 1);
          double line = slope * x;
          gint64 ref;

          msgs[i].to_ref = g_rand_boolean (rand);
          if (noisy)
            ref = x + g_rand_int_range (rand, -3000, 3000);
          else if (msgs[i].to_ref)
            ref = x + (gint64) ceil (line) + lat;
          else
            ref = x + (gint64) floor (line) - lat;
          msgs[i].own = x;
          msgs[i].ref = ref;
          if (msgs[i].to_ref)
            strata_sync_hull_add_to_ref (hull, BASE + x, BASE + ref);
          else
            strata_sync_hull_add_from_ref (hull, BASE + ref, BASE + x);
        }
      strata_sync_hull_solve (hull, &r);
      brute_force (msgs, n, &feasible, &have_min, &have_max, &s_min, &s_max);
      counts[r.quality]++;

      if (r.n_to_ref == 0 || r.n_from_ref == 0)
        g_assert_cmpint (r.quality, ==, STRATA_SYNC_INCOMPLETE);
      else if (!feasible)
        g_assert_cmpint (r.quality, ==, STRATA_SYNC_FAIL);
      else if (have_min && have_max)
        {
          g_assert_cmpint (r.quality, ==, STRATA_SYNC_ACCURATE);
          g_assert_cmpfloat (r.alpha_min, ==, 1.0 + s_min);
          g_assert_cmpfloat (r.alpha_max, ==, 1.0 + s_max);
        }
      else
        g_assert_cmpint (r.quality, ==, STRATA_SYNC_APPROXIMATE);

      if (r.quality == STRATA_SYNC_ACCURATE || r.quality == STRATA_SYNC_APPROXIMATE)
        {
          /* The chosen line is feasible, and for generated sets the generating line (feasible
           * by construction) is within the accuracy over the span. */
          for (guint i = 0; i < n; i++)
            {
              long double x = msgs[i].own + (BASE - r.own_origin);
              long double mapped = r.ref_origin - BASE + x + r.drift * x + r.beta_rel;

              if (msgs[i].to_ref)
                g_assert_cmpfloat ((double) (mapped - msgs[i].ref), <=, 1e-3);
              else
                g_assert_cmpfloat ((double) (msgs[i].ref - mapped), <=, 1e-3);
              if (!noisy && r.quality == STRATA_SYNC_ACCURATE)
                g_assert_cmpfloat ((double) fabsl (mapped - msgs[i].own - slope * msgs[i].own),
                                   <=, r.accuracy_ns + 1e-3);
            }
        }
    }
  g_test_message ("absent %u incomplete %u approximate %u accurate %u fail %u",
                  counts[STRATA_SYNC_ABSENT], counts[STRATA_SYNC_INCOMPLETE],
                  counts[STRATA_SYNC_APPROXIMATE], counts[STRATA_SYNC_ACCURATE],
                  counts[STRATA_SYNC_FAIL]);
  g_assert_cmpuint (counts[STRATA_SYNC_ACCURATE], >, 100);
  g_assert_cmpuint (counts[STRATA_SYNC_FAIL], >, 100);
  g_assert_cmpuint (counts[STRATA_SYNC_APPROXIMATE], >, 10);
}

/* The buffered hull gives the same answer whatever the arrival order. */
static void
test_order (void)
{
  g_autoptr(StrataSyncHull) sorted = strata_sync_hull_new ();
  g_autoptr(StrataSyncHull) shuffled = strata_sync_hull_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autofree Msg *msgs = NULL;
  Truth truth = { 20e-6, 123456789 };
  const guint n = 50000;
  StrataSyncResult a, b;

  msgs = g_new (Msg, n);
  for (guint i = 0; i < n; i++)
    {
      gint64 t = BASE + (gint64) i * 200 * US;
      gint64 lat = g_rand_int_range (rand, 5 * US, 50 * US);

      msgs[i].to_ref = i % 2 == 0;
      msgs[i].own = msgs[i].to_ref ? t : t + lat;
      msgs[i].ref = msgs[i].to_ref ? truth_map (&truth, t + lat) : truth_map (&truth, t);
    }
  for (guint i = 0; i < n; i++)
    {
      if (msgs[i].to_ref)
        strata_sync_hull_add_to_ref (sorted, msgs[i].own, msgs[i].ref);
      else
        strata_sync_hull_add_from_ref (sorted, msgs[i].ref, msgs[i].own);
    }
  for (guint i = n - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1);
      Msg tmp = msgs[i];

      msgs[i] = msgs[j];
      msgs[j] = tmp;
    }
  for (guint i = 0; i < n; i++)
    {
      if (msgs[i].to_ref)
        strata_sync_hull_add_to_ref (shuffled, msgs[i].own, msgs[i].ref);
      else
        strata_sync_hull_add_from_ref (shuffled, msgs[i].ref, msgs[i].own);
    }
  strata_sync_hull_solve (sorted, &a);
  strata_sync_hull_solve (shuffled, &b);

  g_assert_cmpint (a.quality, ==, STRATA_SYNC_ACCURATE);
  g_assert_cmpint (b.quality, ==, a.quality);
  g_assert_cmpfloat (a.alpha_min, ==, b.alpha_min);
  g_assert_cmpfloat (a.alpha_max, ==, b.alpha_max);
  g_assert_cmpfloat (a.alpha, ==, b.alpha);
  g_assert_cmpfloat_with_epsilon (a.accuracy_ns, b.accuracy_ns, 1e-3);
  for (gint64 t = BASE; t < BASE + 10 * SEC; t += SEC / 3)
    g_assert_cmpint (ABS (strata_sync_map (&a, t) - strata_sync_map (&b, t)), <=, 1);
  assert_recovers (&a, &truth, BASE, BASE + (n - 1) * 200 * US);
}

/* A million messages over 100 s: just has to finish in reasonable time, and be right. */
static void
test_large (void)
{
  g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  Truth truth = { -37e-6, -4.2e9 };
  StrataSyncResult r;
  gint64 begin = g_get_monotonic_time ();

  simulate (hull, &truth, rand, 1000000, BASE, 100 * SEC, 2 * US, 80 * US);
  strata_sync_hull_solve (hull, &r);
  g_test_message ("1e6 points: %.1f ms, accuracy %.1f ns",
                  (g_get_monotonic_time () - begin) / 1000.0, r.accuracy_ns);
  g_assert_cmpint (r.quality, ==, STRATA_SYNC_ACCURATE);
  g_assert_cmpuint (r.matches, ==, 1000000);
  assert_recovers (&r, &truth, BASE, BASE + 100 * SEC - 100 * US);
}

/* Worst case for the hulls: every point on them (two parabolas), 400k points in all. The
 * solve stays O(n log n): no pairwise scan of hull points. */
static void
test_convex (void)
{
  g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();
  const gint64 n = 200000, mid = n / 2;
  StrataSyncResult r;
  gint64 begin = g_get_monotonic_time ();

  for (gint64 x = 0; x < n; x++)
    {
      gint64 d = (x - mid) * (x - mid) + 1;

      strata_sync_hull_add_to_ref (hull, BASE + x, BASE + x + d);
      strata_sync_hull_add_from_ref (hull, BASE + x - d, BASE + x);
    }
  strata_sync_hull_solve (hull, &r);
  g_test_message ("convex, 4e5 hull points: %.1f ms, alpha %.17g accuracy %.3f ns",
                  (g_get_monotonic_time () - begin) / 1000.0, r.alpha, r.accuracy_ns);
  g_assert_cmpint (r.quality, ==, STRATA_SYNC_ACCURATE);
  /* Symmetric about mid: the bisector is the identity. */
  g_assert_cmpfloat (r.alpha, ==, 1.0);
  g_assert_cmpint (strata_sync_map (&r, BASE + mid), ==, BASE + mid);
  g_assert_cmpfloat (r.alpha_max - 1, ==, -(r.alpha_min - 1));
}

static void
test_quality_names (void)
{
  g_assert_cmpstr (strata_sync_quality_to_string (STRATA_SYNC_ABSENT), ==, "absent");
  g_assert_cmpstr (strata_sync_quality_to_string (STRATA_SYNC_INCOMPLETE), ==, "incomplete");
  g_assert_cmpstr (strata_sync_quality_to_string (STRATA_SYNC_APPROXIMATE), ==, "approximate");
  g_assert_cmpstr (strata_sync_quality_to_string (STRATA_SYNC_ACCURATE), ==, "accurate");
  g_assert_cmpstr (strata_sync_quality_to_string (STRATA_SYNC_FAIL), ==, "fail");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (accurate_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/accurate/%s", accurate_cases[i].name);

      g_test_add_data_func (path, &accurate_cases[i], test_accurate);
    }
  for (guint i = 0; i < G_N_ELEMENTS (incomplete_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/incomplete/%s", incomplete_cases[i].name);

      g_test_add_data_func (path, &incomplete_cases[i], test_incomplete);
    }
  for (guint i = 0; i < G_N_ELEMENTS (fail_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/fail/%s", fail_cases[i].name);

      g_test_add_data_func (path, &fail_cases[i], test_fail);
    }
  for (guint i = 0; i < G_N_ELEMENTS (approx_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/approximate/%s", approx_cases[i].name);

      g_test_add_data_func (path, &approx_cases[i], test_approximate);
    }
  g_test_add_func ("/sync/absent", test_absent);
  g_test_add_func ("/sync/fail/one-bad", test_fail_one_bad);
  g_test_add_func ("/sync/quality-names", test_quality_names);
  g_test_add_func ("/sync/round-trip", test_round_trip);
  g_test_add_func ("/sync/brute-force", test_brute_force);
  g_test_add_func ("/sync/order", test_order);
  g_test_add_func ("/sync/large", test_large);
  g_test_add_func ("/sync/convex", test_convex);

  return g_test_run ();
}
