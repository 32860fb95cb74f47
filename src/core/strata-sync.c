/* strata-sync.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-sync"

#include "config.h"

#include <math.h>

#include "strata-sync.h"

/*
 * Points live in the sheared plane (x, d): x = own - own_origin, d = (ref - ref_origin) - x.
 * The shear keeps vertical order and convexity, and turns the line ref = alpha * own + beta into
 * d = (alpha - 1) * x + c with a tiny slope, so coordinates stay small integers and slopes stay
 * precise as doubles.
 */
typedef struct
{
  gint64 x;
  gint64 d;
} Point;

/* Orientation tests and slope comparisons multiply two coordinates: exact in 128 bits. */
#ifdef __SIZEOF_INT128__
__extension__ typedef __int128 Wide;
#else
typedef long double Wide;
#endif

/* Flush the unsorted tail into the hull once it reaches this many points beyond twice the hull:
 * memory stays bounded and every point is sorted a bounded number of times. */
#define BUFFER_POINTS 4096

typedef struct
{
  GArray  *pts;     /* Point: the first n_hull form the hull, sorted by x; the rest are new */
  guint    n_hull;
  gboolean upper;   /* keep the upper hull (lower-bound points) rather than the lower one */
  guint    count;
  gint64   d_min;
  gint64   d_max;
} PointSet;

struct _StrataSyncHull
{
  PointSet to_ref;    /* upper bounds on the line: its lower hull matters */
  PointSet from_ref;  /* lower bounds on the line: its upper hull matters */
  gboolean have_origin;
  gint64   own_origin;
  gint64   ref_origin;
  gboolean have_span;   /* the own trace's first and last times, for the accuracy */
  gint64   span_first;
  gint64   span_last;
};

typedef enum
{
  BOUND_FOUND,
  BOUND_NONE,        /* the slope is not bounded on this side */
  BOUND_INFEASIBLE,  /* no line satisfies every constraint */
} Bound;

const char *
strata_sync_quality_to_string (StrataSyncQuality quality)
{
  switch (quality)
    {
    case STRATA_SYNC_ABSENT:
      return "absent";
    case STRATA_SYNC_INCOMPLETE:
      return "incomplete";
    case STRATA_SYNC_APPROXIMATE:
      return "approximate";
    case STRATA_SYNC_ACCURATE:
      return "accurate";
    case STRATA_SYNC_FAIL:
      return "fail";
    default:
      g_return_val_if_reached ("fail");
    }
}

static void
point_set_init (PointSet *set,
                gboolean  upper)
{
  set->pts = g_array_new (FALSE, FALSE, sizeof (Point));
  set->n_hull = 0;
  set->upper = upper;
  set->count = 0;
  set->d_min = G_MAXINT64;
  set->d_max = G_MININT64;
}

StrataSyncHull *
strata_sync_hull_new (void)
{
  StrataSyncHull *self = g_new0 (StrataSyncHull, 1);

  point_set_init (&self->to_ref, FALSE);
  point_set_init (&self->from_ref, TRUE);
  return self;
}

void
strata_sync_hull_free (StrataSyncHull *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->to_ref.pts);
  g_array_unref (self->from_ref.pts);
  g_free (self);
}

/* Sign of the turn o -> a -> b: > 0 counter-clockwise, < 0 clockwise, 0 collinear. */
static int
turn (const Point *o,
      const Point *a,
      const Point *b)
{
  Wide c = (Wide) (a->x - o->x) * (b->d - o->d) - (Wide) (a->d - o->d) * (b->x - o->x);

  return (c > 0) - (c < 0);
}

/* By x, then the tighter bound first so that deduplication keeps it. */
static gint
compare_lower (gconstpointer a,
               gconstpointer b)
{
  const Point *p = a, *q = b;

  if (p->x != q->x)
    return p->x < q->x ? -1 : 1;
  return (p->d > q->d) - (p->d < q->d);
}

static gint
compare_upper (gconstpointer a,
               gconstpointer b)
{
  const Point *p = a, *q = b;

  if (p->x != q->x)
    return p->x < q->x ? -1 : 1;
  return (p->d < q->d) - (p->d > q->d);
}

/* Andrew's monotone chain, in place: the hull of (old hull + new points) is the hull of every
 * point seen, since a point off a hull can never come back onto a hull of a superset. */
static void
point_set_compact (PointSet *set)
{
  Point *a;
  guint k = 0;
  gint64 last_x = 0;

  if (set->pts->len == set->n_hull)
    return;
  g_array_sort (set->pts, set->upper ? compare_upper : compare_lower);

  a = (Point *) (gpointer) set->pts->data;
  for (guint i = 0; i < set->pts->len; i++)
    {
      Point p = a[i];

      /* One point per x: the sort put the tightest first. */
      if (i > 0 && p.x == last_x)
        continue;
      last_x = p.x;
      /* Collinear points go too: they add no constraint, and strictly monotone edge slopes
       * keep the slope sweep simple. */
      if (set->upper)
        while (k >= 2 && turn (&a[k - 2], &a[k - 1], &p) >= 0)
          k--;
      else
        while (k >= 2 && turn (&a[k - 2], &a[k - 1], &p) <= 0)
          k--;
      a[k++] = p;
    }
  g_array_set_size (set->pts, k);
  set->n_hull = k;
}

static void
point_set_add (PointSet *set,
               gint64    x,
               gint64    d)
{
  Point p = { x, d };

  g_array_append_val (set->pts, p);
  set->count++;
  set->d_min = MIN (set->d_min, d);
  set->d_max = MAX (set->d_max, d);
  if (set->pts->len >= 2 * set->n_hull + BUFFER_POINTS)
    point_set_compact (set);
}

static void
hull_add (StrataSyncHull *self,
          PointSet       *set,
          gint64          own_ns,
          gint64          ref_ns)
{
  gint64 x;

  if (!self->have_origin)
    {
      self->own_origin = own_ns;
      self->ref_origin = ref_ns;
      self->have_origin = TRUE;
    }
  x = own_ns - self->own_origin;
  point_set_add (set, x, (ref_ns - self->ref_origin) - x);
}

void
strata_sync_hull_add_to_ref (StrataSyncHull *self,
                             gint64          own_send_ns,
                             gint64          ref_recv_ns)
{
  g_return_if_fail (self != NULL);

  hull_add (self, &self->to_ref, own_send_ns, ref_recv_ns);
}

void
strata_sync_hull_add_from_ref (StrataSyncHull *self,
                               gint64          ref_send_ns,
                               gint64          own_recv_ns)
{
  g_return_if_fail (self != NULL);

  hull_add (self, &self->from_ref, own_recv_ns, ref_send_ns);
}

void
strata_sync_hull_set_span (StrataSyncHull *self,
                           gint64          own_first_ns,
                           gint64          own_last_ns)
{
  g_return_if_fail (self != NULL);

  self->have_span = own_first_ns <= own_last_ns;
  self->span_first = own_first_ns;
  self->span_last = own_last_ns;
}

/* Sign of dd1/dx1 - dd2/dx2, both dx > 0. */
static int
slope_cmp (gint64 dd1,
           gint64 dx1,
           gint64 dd2,
           gint64 dx2)
{
  Wide c = (Wide) dd1 * dx2 - (Wide) dd2 * dx1;

  return (c > 0) - (c < 0);
}

/*
 * The largest slope s of a line lying on or above every point of @lo (the upper hull of the
 * lower bounds, @n_lo points) and on or below every point of @up (the lower hull of the upper
 * bounds). With g (s) = max_lo (d - s x) - min_up (d - s x), a slope is feasible iff g (s) <= 0;
 * g is convex and piecewise linear, its breakpoints being the edge slopes of both hulls. Walk
 * them downwards from +inf, tracking the vertex of each hull that attains the max (min), until
 * g drops to 0: the extreme line then passes through those two vertices. O(n_lo + n_up), exact.
 */
static Bound
max_slope (const Point *lo,
           guint        n_lo,
           const Point *up,
           guint        n_up,
           guint       *out_i,
           guint       *out_j)
{
  guint i = 0;
  guint j = n_up - 1;

  /* At s -> +inf the leftmost lower bound and the rightmost upper bound decide. */
  if (up[j].x < lo[i].x)
    return BOUND_NONE;
  if (up[j].x == lo[i].x)
    return lo[i].d <= up[j].d ? BOUND_NONE : BOUND_INFEASIBLE;

  for (;;)
    {
      gboolean have_lo = i + 1 < n_lo;
      gboolean have_up = j > 0;
      gboolean take_lo;
      gint64 bdd, bdx;

      if (!have_lo && !have_up)
        break;
      /* The next breakpoint below: lo's edge slopes decrease left to right, up's increase. */
      if (have_lo && have_up)
        take_lo = slope_cmp (lo[i + 1].d - lo[i].d, lo[i + 1].x - lo[i].x,
                             up[j].d - up[j - 1].d, up[j].x - up[j - 1].x) >= 0;
      else
        take_lo = have_lo;
      if (take_lo)
        {
          bdd = lo[i + 1].d - lo[i].d;
          bdx = lo[i + 1].x - lo[i].x;
        }
      else
        {
          bdd = up[j].d - up[j - 1].d;
          bdx = up[j].x - up[j - 1].x;
        }

      /* g (b) <= 0, multiplied by bdx > 0. */
      if ((Wide) (lo[i].d - up[j].d) * bdx + (Wide) bdd * (up[j].x - lo[i].x) <= 0)
        break;
      if (take_lo)
        i++;
      else
        j--;
    }

  /* Either g reached 0 in this piece, or this is the last piece, reaching -inf only if it
   * still rises with s. */
  if (up[j].x <= lo[i].x)
    return BOUND_INFEASIBLE;
  *out_i = i;
  *out_j = j;
  return BOUND_FOUND;
}

/* The same walk on the mirrored plane (x -> -x) gives the smallest slope. */
static Bound
min_slope (const Point *lo,
           guint        n_lo,
           const Point *up,
           guint        n_up,
           guint       *out_i,
           guint       *out_j)
{
  g_autofree Point *mlo = g_new (Point, n_lo);
  g_autofree Point *mup = g_new (Point, n_up);
  guint mi, mj;
  Bound bound;

  for (guint k = 0; k < n_lo; k++)
    mlo[k] = (Point) { -lo[n_lo - 1 - k].x, lo[n_lo - 1 - k].d };
  for (guint k = 0; k < n_up; k++)
    mup[k] = (Point) { -up[n_up - 1 - k].x, up[n_up - 1 - k].d };
  bound = max_slope (mlo, n_lo, mup, n_up, &mi, &mj);
  if (bound == BOUND_FOUND)
    {
      *out_i = n_lo - 1 - mi;
      *out_j = n_up - 1 - mj;
    }
  return bound;
}

static double
slope_through (const Point *a,
               const Point *b)
{
  return (double) (b->d - a->d) / (double) (b->x - a->x);
}

/* The line through a and b at x, interpolated rather than slope * x to keep every digit. */
static long double
line_at (const Point *a,
         const Point *b,
         long double  x)
{
  return a->d + (long double) (b->d - a->d) * (x - a->x) / (long double) (b->x - a->x);
}

void
strata_sync_result_init_identity (StrataSyncResult *out)
{
  g_return_if_fail (out != NULL);

  *out = (StrataSyncResult) { 0 };
  out->quality = STRATA_SYNC_ABSENT;
  out->alpha = 1.0;
  out->alpha_min = 1.0;
  out->alpha_max = 1.0;
}

/* Fills the transform d = drift * x + c, then the JSON form for the alpha actually stored. */
static void
set_line (const StrataSyncHull *self,
          StrataSyncResult     *out,
          double                drift,
          long double           c)
{
  out->own_origin = self->own_origin;
  out->ref_origin = self->ref_origin;
  out->alpha = 1.0 + drift;
  /* alpha - 1 is exact in double (Sterbenz): map() and the JSON form then describe one line. */
  out->drift = out->alpha - 1.0;
  out->beta_rel = (double) c;
  out->beta_ns = (long double) (self->ref_origin - self->own_origin) + c
                 - (long double) out->drift * self->own_origin;
  out->alpha_min = out->alpha;
  out->alpha_max = out->alpha;
}

void
strata_sync_hull_solve (StrataSyncHull   *self,
                        StrataSyncResult *out)
{
  const Point *lo, *up;
  guint n_lo, n_up;
  guint hi_i = 0, hi_j = 0, lo_i = 0, lo_j = 0;
  Bound bound_max, bound_min;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  point_set_compact (&self->to_ref);
  point_set_compact (&self->from_ref);
  up = (const Point *) (gconstpointer) self->to_ref.pts->data;
  n_up = self->to_ref.n_hull;
  lo = (const Point *) (gconstpointer) self->from_ref.pts->data;
  n_lo = self->from_ref.n_hull;

  strata_sync_result_init_identity (out);
  out->n_to_ref = self->to_ref.count;
  out->n_from_ref = self->from_ref.count;
  out->matches = out->n_to_ref + out->n_from_ref;

  if (n_up == 0 && n_lo == 0)
    return;

  if (n_up == 0 || n_lo == 0)
    {
      const PointSet *set = n_up > 0 ? &self->to_ref : &self->from_ref;

      /* One side only: the tightest offset that side allows, as if its fastest message took
       * no time. The true clock lies beyond that bound by that message's delay, which no
       * message says (the spread of their delays does not): nothing bounds the error, and
       * strata_sync_one_sided() says on which side it lies. */
      out->quality = STRATA_SYNC_INCOMPLETE;
      set_line (self, out, 0.0, n_up > 0 ? set->d_min : set->d_max);
      out->accuracy_ns = INFINITY;
      return;
    }

  bound_max = max_slope (lo, n_lo, up, n_up, &hi_i, &hi_j);
  bound_min = bound_max == BOUND_INFEASIBLE
              ? BOUND_INFEASIBLE : min_slope (lo, n_lo, up, n_up, &lo_i, &lo_j);

  if (bound_max == BOUND_INFEASIBLE || bound_min == BOUND_INFEASIBLE)
    {
      /* No line is compatible with causality: an identity is at least not a made-up offset. */
      out->quality = STRATA_SYNC_FAIL;
      return;
    }

  if (bound_max == BOUND_FOUND && bound_min == BOUND_FOUND)
    {
      const Point *p_hi = &lo[hi_i], *q_hi = &up[hi_j];
      const Point *p_lo = &lo[lo_i], *q_lo = &up[lo_j];
      double s_max = slope_through (p_hi, q_hi);
      double s_min = slope_through (q_lo, p_lo);
      long double x_first = MIN (lo[0].x, up[0].x);
      long double x_last = MAX (lo[n_lo - 1].x, up[n_up - 1].x);
      /* The accuracy holds over the own trace's whole span, not only where messages are. */
      long double a_first = self->have_span ? MIN (x_first, (long double) self->span_first - self->own_origin) : x_first;
      long double a_last = self->have_span ? MAX (x_last, (long double) self->span_last - self->own_origin) : x_last;
      long double x_mid = (x_first + x_last) / 2;
      long double gap_first, gap_last;
      double drift;

      out->quality = STRATA_SYNC_ACCURATE;
      drift = (s_min + s_max) / 2;
      /* Anchor the bisector mid-span so rounding the slope to a double costs nothing there. */
      set_line (self, out, drift,
                (line_at (p_hi, q_hi, x_mid) + line_at (q_lo, p_lo, x_mid)) / 2
                - (long double) ((1.0 + drift) - 1.0) * x_mid);
      out->alpha_min = 1.0 + s_min;
      out->alpha_max = 1.0 + s_max;
      /* At either end of the span, the two extreme lines bound every feasible line (the
       * feasible region's highest and lowest values there are at its extreme slopes), and the
       * gap between them is linear in x: its larger end bounds the error of the bisector. */
      gap_first = line_at (q_lo, p_lo, a_first) - line_at (p_hi, q_hi, a_first);
      gap_last = line_at (p_hi, q_hi, a_last) - line_at (q_lo, p_lo, a_last);
      out->accuracy_ns = (double) (MAX (fabsl (gap_first), fabsl (gap_last)) / 2);
      return;
    }

  /* Consistent but the slope is free on at least one side: assume no drift if that is
   * feasible, else the feasible slope nearest to it, and centre the offset at that slope. */
  {
    double s = 0.0;
    long double c_lo = -INFINITY, c_hi = INFINITY;

    if (bound_max == BOUND_FOUND && slope_through (&lo[hi_i], &up[hi_j]) < 0.0)
      s = slope_through (&lo[hi_i], &up[hi_j]);
    else if (bound_min == BOUND_FOUND && slope_through (&up[lo_j], &lo[lo_i]) > 0.0)
      s = slope_through (&up[lo_j], &lo[lo_i]);
    s = (1.0 + s) - 1.0;

    for (guint k = 0; k < n_lo; k++)
      c_lo = MAX (c_lo, lo[k].d - (long double) s * lo[k].x);
    for (guint k = 0; k < n_up; k++)
      c_hi = MIN (c_hi, up[k].d - (long double) s * up[k].x);

    out->quality = STRATA_SYNC_APPROXIMATE;
    set_line (self, out, s, (c_lo + c_hi) / 2);
    /* At an extreme slope the interval is one point, give or take the rounding of s. */
    out->accuracy_ns = (double) MAX (0.0L, (c_hi - c_lo) / 2);
  }
}

gint
strata_sync_one_sided (const StrataSyncResult *result)
{
  g_return_val_if_fail (result != NULL, 0);

  if (result->quality != STRATA_SYNC_INCOMPLETE)
    return 0;
  /* Own -> reference only: received after it was sent, so the offset is at most the one
   * placed, and the own events may be earlier than mapped; the other way, later. */
  return result->n_to_ref > 0 ? -1 : 1;
}

gint64
strata_sync_map (const StrataSyncResult *result,
                 gint64                  own_ns)
{
  gint64 d;

  g_return_val_if_fail (result != NULL, own_ns);

  d = own_ns - result->own_origin;
  return result->ref_origin + d + (gint64) llround (result->drift * (double) d + result->beta_rel);
}

gint64
strata_sync_unmap (const StrataSyncResult *result,
                   gint64                  ref_ns)
{
  gint64 d;
  double e;

  g_return_val_if_fail (result != NULL, ref_ns);
  g_return_val_if_fail (result->alpha > 0.0, ref_ns);

  /* own - own_origin = (d - beta_rel) / alpha = d - (drift * d + beta_rel) / alpha: only the
   * small correction goes through floating point. */
  d = ref_ns - result->ref_origin;
  e = (result->drift * (double) d + result->beta_rel) / result->alpha;
  return result->own_origin + d - (gint64) llround (e);
}
