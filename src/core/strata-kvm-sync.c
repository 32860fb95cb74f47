/* strata-kvm-sync.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-kvm-sync"

#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-kvm-sync.h"

#define US G_GINT64_CONSTANT (1000)

/* The coarse stage: bins of at least this much, and at most this many of them (host and guest
 * together) so that one FFT stays a few ms whatever the traces' lengths. */
#define COARSE_MIN_BIN     (100 * US)
#define COARSE_MAX_BINS    ((1 << 15) - 8)
/* Drift may move a segment's events by this many bins before it gets a correlation of its own:
 * peaks are ms wide (busy and idle periods), a few bins of blur at the ends do not hide them. */
#define COARSE_SMEAR_BINS  4
#define COARSE_MAX_SEGMENTS 32
#define N_CANDIDATES       4
/* Peaks closer than this are one. */
#define CANDIDATE_SPACING  (2 * G_GINT64_CONSTANT (1000000))
/* Fine stage: events swept per segment, cells per sweep, and the segments' limits. */
#define SWEEP_EVENTS       256
#define SWEEP_CELLS        2048
#define FINE_MIN_EVENTS    48
#define FINE_MAX_SEGMENTS  256
#define FINE_MIN_DELTA     (500)
/* The hull takes over from there. */
#define FINE_STOP_DELTA    (2 * US)
/* Hull iterations before the last run on a sample of this many events. */
#define SOLVE_SAMPLE       65536
/* Verdict: a good fit leaves at most this share of events outside, where a random placement
 * would leave at least MIN_EXPECTED outside and four times as many as the fit. */
#define GOOD_MAX_OUTSIDE   0.02
#define MIN_EXPECTED       10.0
#define MIN_EVENTS         10

typedef struct
{
  double re;
  double im;
} Cplx;

typedef struct
{
  const StrataKvmFitParams *p;
  guint             n;              /* vCPUs compared: CPU k with vCPU k, k < n */
  StrataKvmWindows *vcpus;          /* in time order, not overlapping */
  GPtrArray        *owned;          /* the copies made to get there */
  gint64           *first;          /* per vCPU: its first window's start, G_MAXINT64: none */
  double           *duty;           /* per vCPU: share of [first, host_end] in guest mode */
  gint64            t_mid;          /* the guest span's middle: lines pivot there */
  gint64            g_lo;
  gint64            g_span;
  double            max_drift;
  guint64           n_events;       /* every event given */
} Fit;

/* What a classification pass found. */
typedef struct
{
  guint64 known;
  guint64 outside;
  guint   constraints;
  gint64  x_min;                    /* guest times of the constraints */
  gint64  x_max;
  double  expected_outside;
  double  background;
  double  window_ns;                /* guest-mode time between each CPU's first and last event */
  double  empty_ns;                 /* of it, in windows that hold none of the guest's events */
} Counts;

/* ---- transforms ---- */

/* The line h = g + offset + drift * (g - t_mid), as a sync result, so that one map serves the
 * lines of the search and the hull's results alike. */
static void
line_init (const Fit        *f,
           StrataSyncResult *out,
           gint64            offset,
           double            drift)
{
  strata_sync_result_init_identity (out);
  out->own_origin = f->t_mid;
  out->ref_origin = f->t_mid + offset;
  out->alpha = 1.0 + drift;
  out->drift = out->alpha - 1.0;
  out->beta_rel = 0.0;
  out->alpha_min = out->alpha_max = out->alpha;
  out->beta_ns = (long double) (out->ref_origin - out->own_origin) - (long double) out->drift * out->own_origin;
}

/* Moves the line by @a ns at the pivot and @b in slope. */
static void
line_adjust (StrataSyncResult *line,
             double            a,
             double            b)
{
  double whole;

  line->beta_rel += a;
  whole = floor (line->beta_rel);
  line->ref_origin += (gint64) whole;
  line->beta_rel -= whole;
  line->alpha = 1.0 + (line->drift + b);
  line->drift = line->alpha - 1.0;
  line->alpha_min = line->alpha_max = line->alpha;
  line->beta_ns = (long double) (line->ref_origin - line->own_origin) + line->beta_rel
                  - (long double) line->drift * line->own_origin;
}

/* strata_sync_map(), but for half-way cases (which only move a judgement by 1 ns), inline: it
 * runs for every event of every pass. */
static inline gint64
map (const StrataSyncResult *s,
     gint64                  g)
{
  gint64 d = g - s->own_origin;
  double c = s->drift * (double) d + s->beta_rel;

  return s->ref_origin + d + (c >= 0 ? (gint64) (c + 0.5) : -(gint64) (0.5 - c));
}

/* ---- windows ---- */

static int
compare_windows (gconstpointer a,
                 gconstpointer b)
{
  const StrataKvmWindow *wa = a, *wb = b;

  if (wa->start != wb->start)
    return wa->start < wb->start ? -1 : 1;
  return (wa->end > wb->end) - (wa->end < wb->end);
}

/* The windows as the fit needs them: in time order, not overlapping, not empty. A trace whose
 * KVM events were lost or damaged may give anything else: those are made so (union). */
static void
fit_prepare_windows (Fit *f)
{
  const StrataKvmFitParams *p = f->p;

  for (guint k = 0; k < f->n; k++)
    {
      const StrataKvmWindows *in = &p->vcpus[k];
      gboolean clean = TRUE;
      double covered = 0;
      gint64 span;

      for (gsize i = 0; i < in->n && clean; i++)
        clean = in->windows[i].end > in->windows[i].start &&
                (i == 0 || in->windows[i].start >= in->windows[i - 1].end);
      if (clean)
        f->vcpus[k] = *in;
      else
        {
          GArray *copy = g_array_sized_new (FALSE, FALSE, sizeof (StrataKvmWindow), in->n);
          guint out = 0;

          g_array_append_vals (copy, in->windows, in->n);
          g_array_sort (copy, compare_windows);
          for (guint i = 0; i < copy->len; i++)
            {
              StrataKvmWindow w = g_array_index (copy, StrataKvmWindow, i);

              if (w.end <= w.start)
                continue;
              if (out > 0 && w.start <= g_array_index (copy, StrataKvmWindow, out - 1).end)
                {
                  StrataKvmWindow *last = &g_array_index (copy, StrataKvmWindow, out - 1);

                  last->end = MAX (last->end, w.end);
                  continue;
                }
              g_array_index (copy, StrataKvmWindow, out++) = w;
            }
          g_array_set_size (copy, out);
          g_ptr_array_add (f->owned, copy);
          f->vcpus[k].windows = (const StrataKvmWindow *) (gconstpointer) copy->data;
          f->vcpus[k].n = copy->len;
        }

      f->first[k] = f->vcpus[k].n > 0 ? f->vcpus[k].windows[0].start : G_MAXINT64;
      span = p->host_end - f->first[k];
      for (gsize i = 0; i < f->vcpus[k].n; i++)
        covered += (double) (MIN (f->vcpus[k].windows[i].end, p->host_end) - f->vcpus[k].windows[i].start);
      f->duty[k] = span > 0 ? CLAMP (covered / (double) span, 0.0, 1.0) : 1.0;
    }
}

/* Index of the first window of @w that ends at or after @t. */
static gsize
first_ending_after (const StrataKvmWindows *w,
                    gint64                  t)
{
  gsize lo = 0, hi = w->n;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (w->windows[mid].end < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Index of the first event of @e at or after @t. */
static gsize
first_event_from (const StrataKvmEvents *e,
                  gint64                 t)
{
  gsize lo = 0, hi = e->n;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (e->ts[mid] < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Whether the windows can say anything of a host time known to ±@delta on vCPU @k: not if it
 * may be before the vCPU's first window (which a trace that began in guest mode does not
 * show), or outside the host's trace (a guest traced for longer), where an event given the
 * first or the last window would bound the line wrongly. */
static inline gboolean
judged (const Fit *f,
        guint      k,
        gint64     h,
        gint64     delta)
{
  return h - delta >= f->first[k] && h - delta >= f->p->host_begin && h + delta <= f->p->host_end;
}

/* ---- stage 1: the coarse correlation ---- */

/* e^(-2πik/n) for k < n/2, from a quarter of cosines. */
static Cplx *
twiddles (guint n)
{
  guint q = n / 4;
  g_autofree double *c = g_new (double, q + 1);
  Cplx *tw = g_new (Cplx, MAX (n / 2, 1));

  for (guint k = 0; k <= q; k++)
    c[k] = cos (2 * G_PI * k / n);
  for (guint k = 0; k < n / 2; k++)
    {
      double cs, sn;

      if (n < 4)
        {
          cs = cos (2 * G_PI * k / n);
          sn = sin (2 * G_PI * k / n);
        }
      else if (k <= q)
        {
          cs = c[k];
          sn = c[q - k];
        }
      else
        {
          cs = -c[n / 2 - k];
          sn = c[k - q];
        }
      tw[k] = (Cplx) { cs, -sn };
    }
  return tw;
}

/* In place, radix 2; @n a power of two. The inverse is not scaled. */
static void
fft (Cplx       *a,
     guint       n,
     const Cplx *tw,
     gboolean    inverse)
{
  for (guint i = 1, j = 0; i < n; i++)
    {
      guint bit = n >> 1;

      for (; j & bit; bit >>= 1)
        j ^= bit;
      j ^= bit;
      if (i < j)
        {
          Cplx t = a[i];

          a[i] = a[j];
          a[j] = t;
        }
    }
  for (guint len = 2; len <= n; len <<= 1)
    {
      guint half = len / 2, step = n / len;

      for (guint i = 0; i < n; i += len)
        for (guint k = 0; k < half; k++)
          {
            Cplx w = tw[k * step];
            Cplx *x = &a[i + k], *y = &a[i + k + half];
            Cplx v;

            if (inverse)
              w.im = -w.im;
            v.re = y->re * w.re - y->im * w.im;
            v.im = y->re * w.im + y->im * w.re;
            y->re = x->re - v.re;
            y->im = x->im - v.im;
            x->re += v.re;
            x->im += v.im;
          }
    }
}

/* @z held two real signals a + ib transformed together: their spectra at @m. */
static inline void
split (const Cplx *z,
       guint       n,
       guint       m,
       Cplx       *fa,
       Cplx       *fb)
{
  Cplx zm = z[m], zc = z[(n - m) & (n - 1)];

  zc.im = -zc.im;
  fa->re = (zm.re + zc.re) / 2;
  fa->im = (zm.im + zc.im) / 2;
  fb->re = (zm.im - zc.im) / 2;
  fb->im = -(zm.re - zc.re) / 2;
}

/* acc += conj (g) * h */
static inline void
accumulate (Cplx       *acc,
            const Cplx *g,
            const Cplx *h)
{
  acc->re += g->re * h->re + g->im * h->im;
  acc->im += g->re * h->im - g->im * h->re;
}

typedef struct
{
  gint64 offset;      /* host - guest at t_mid */
  double drift;
  double score;
} Candidate;

/* The best few placements of the guest trace on the host's windows (offset at the guest
 * span's middle, drift), by the correlation of event counts with guest-mode coverage. */
static guint
coarse (Fit       *f,
        Candidate *out,
        gint64    *bin_out)
{
  const StrataKvmFitParams *p = f->p;
  gint64 h_lo = p->host_begin, t_h = MAX (p->host_end - p->host_begin, 1);
  gint64 g_lo = f->g_lo, t_g = MAX (f->g_span, 1);
  gint64 r = MAX (COARSE_MIN_BIN, (t_h + t_g + COARSE_MAX_BINS - 1) / COARSE_MAX_BINS);
  guint n_h = (guint) (t_h / r) + 1, n_g = (guint) (t_g / r) + 1, n = 4;
  guint n_seg = (guint) CLAMP (ceil ((double) t_g * f->max_drift / (double) (COARSE_SMEAR_BINS * r)), 1, COARSE_MAX_SEGMENTS);
  g_autofree Cplx *tw = NULL;
  g_autofree Cplx *work = NULL;
  g_autofree Cplx *fh = NULL;
  g_autofree Cplx *spec = NULL;
  g_autofree double *best = NULL;
  g_autofree double *best_d = NULL;
  g_autofree double *seg = NULL;    /* the guest's histograms of one vCPU, by segment */
  gint lag_min = -(gint) (n_g - 1), lag_max = (gint) n_h - 1;
  guint n_lags = lag_max - lag_min + 1, n_out = 0;
  double d_step, max_score = 0;
  gint n_d;

  while (n < n_h + n_g)
    n <<= 1;
  *bin_out = r;
  tw = twiddles (n);
  work = g_new (Cplx, n);
  fh = g_new (Cplx, n);
  spec = g_new0 (Cplx, (gsize) n * n_seg);
  seg = g_new (double, (gsize) n_g * n_seg);

  for (guint k = 0; k < f->n; k++)
    {
      const StrataKvmWindows *w = &f->vcpus[k];
      const StrataKvmEvents *e = &p->cpus[k];
      gboolean any = FALSE;

      /* The guest's events of this CPU, by segment. */
      memset (seg, 0, (gsize) n_g * n_seg * sizeof (double));
      for (gsize i = 0; i < e->n; i++)
        {
          gint64 d = e->ts[i] - g_lo;
          guint bin, s;

          if (d < 0 || d > t_g)
            continue;
          bin = (guint) (d / r);
          s = MIN ((guint) ((double) d * n_seg / (double) (t_g + 1)), n_seg - 1);
          seg[(gsize) s * n_g + bin] += 1;
          any = TRUE;
        }
      if (!any || w->n == 0)
        continue;

      /* Its vCPU's coverage (real part) with the first segment (imaginary part). */
      memset (work, 0, n * sizeof (Cplx));
      for (gsize i = 0; i < w->n; i++)
        {
          gint64 s = MAX (w->windows[i].start, h_lo) - h_lo;
          gint64 end = MIN (w->windows[i].end, p->host_end) - h_lo;

          while (s < end)
            {
              guint bin = (guint) (s / r);
              gint64 stop = MIN (end, (gint64) (bin + 1) * r);

              work[bin].re += (double) (stop - s) / (double) r;
              s = stop;
            }
        }
      for (guint b = 0; b < n_g; b++)
        work[b].im = seg[b];
      fft (work, n, tw, FALSE);
      for (guint m = 0; m < n; m++)
        {
          Cplx fg;

          split (work, n, m, &fh[m], &fg);
          accumulate (&spec[m], &fg, &fh[m]);
        }

      /* The other segments, two a transform. */
      for (guint s = 1; s < n_seg; s += 2)
        {
          memset (work, 0, n * sizeof (Cplx));
          for (guint b = 0; b < n_g; b++)
            {
              work[b].re = seg[(gsize) s * n_g + b];
              if (s + 1 < n_seg)
                work[b].im = seg[(gsize) (s + 1) * n_g + b];
            }
          fft (work, n, tw, FALSE);
          for (guint m = 0; m < n; m++)
            {
              Cplx fa, fb;

              split (work, n, m, &fa, &fb);
              accumulate (&spec[(gsize) s * n + m], &fa, &fh[m]);
              if (s + 1 < n_seg)
                accumulate (&spec[(gsize) (s + 1) * n + m], &fb, &fh[m]);
            }
        }
    }

  /* Each segment's correlation by lag: c[L] = Σ guest[b] coverage[b + L]. They are real: two
   * go through one inverse transform, as A + iB, and come out as its real and imaginary parts. */
  for (guint s = 0; s < n_seg; s += 2)
    {
      Cplx *a = &spec[(gsize) s * n];

      if (s + 1 < n_seg)
        {
          Cplx *b = &spec[(gsize) (s + 1) * n];

          for (guint m = 0; m < n; m++)
            {
              a[m].re -= b[m].im;
              a[m].im += b[m].re;
            }
        }
      fft (a, n, tw, TRUE);
      if (s + 1 < n_seg)
        for (guint m = 0; m < n; m++)
          spec[(gsize) (s + 1) * n + m].re = a[m].im;
    }

  /* Along each drift, each lag's best. */
  d_step = 2.0 * (double) r / (double) t_g;
  n_d = n_seg > 1 ? (gint) ceil (f->max_drift / d_step) : 0;
  best = g_new (double, n_lags);
  best_d = g_new0 (double, n_lags);
  for (guint i = 0; i < n_lags; i++)
    best[i] = -1;
  for (gint di = -n_d; di <= n_d; di++)
    {
      double d = di * d_step;

      for (guint s = 0; s < n_seg; s++)
        {
          double x = ((s + 0.5) / n_seg - 0.5) * (double) t_g;
          gint shift = (gint) lround (d * x / (double) r);
          const Cplx *c = &spec[(gsize) s * n];

          for (guint i = 0; i < n_lags; i++)
            {
              gint lag = lag_min + (gint) i + shift;
              double v = lag >= lag_min && lag <= lag_max ? c[(guint) (lag + (gint) n) & (n - 1)].re / n : 0;

              /* best[] holds the running sum for this drift until the last segment. */
              if (s == 0)
                work[i % n].re = v;   /* reuse: n >= n_lags */
              else
                work[i].re += v;
            }
        }
      for (guint i = 0; i < n_lags; i++)
        if (work[i].re > best[i])
          {
            best[i] = work[i].re;
            best_d[i] = d;
          }
    }

  /* Local maxima, best first, not within a few bins of a better one. */
  for (guint i = 0; i < n_lags; i++)
    max_score = MAX (max_score, best[i]);
  if (max_score <= 0.5)
    return 0;
  while (n_out < N_CANDIDATES)
    {
      gint pick = -1;

      for (guint i = 0; i < n_lags; i++)
        {
          gboolean local = TRUE;

          if (best[i] <= 0.5 || (pick >= 0 && best[i] <= best[pick]))
            continue;
          for (gint j = MAX ((gint) i - 2, 0); j <= MIN ((gint) i + 2, (gint) n_lags - 1) && local; j++)
            local = best[j] <= best[i];
          if (local)
            pick = i;
        }
      if (pick < 0 || best[pick] < 0.2 * max_score)
        break;
      out[n_out].offset = (h_lo - g_lo) + (gint64) (lag_min + pick) * r;
      out[n_out].drift = best_d[pick];
      out[n_out].score = best[pick];
      n_out++;
      {
        gint radius = (gint) MAX (4, CANDIDATE_SPACING / r);

        for (gint j = MAX (pick - radius, 0); j <= MIN (pick + radius, (gint) n_lags - 1); j++)
          best[j] = -1;
      }
    }
  return n_out;
}

/* ---- stage 2: segments swept, a line through them ---- */

typedef struct
{
  double   x;             /* segment's middle - t_mid */
  double   rho;           /* best residual offset */
  double   width;
  guint    n;             /* events judged */
  guint    cover;         /* of them, inside a window at rho */
  gboolean use;
} SegFit;

/* How many of (a sample of) the events of guest time [@a, @b) lie inside a window when moved by
 * rho in [-delta, delta] from @line: the middle of the best plateau. @cov has SWEEP_CELLS + 2
 * cells, @from and @to one slot per vCPU. */
static void
sweep (const Fit              *f,
       const StrataSyncResult *line,
       gint64                  a,
       gint64                  b,
       gint64                  delta,
       gint32                 *cov,
       gsize                  *from,
       gsize                  *to,
       SegFit                 *out)
{
  guint64 total = 0;
  gint64 cell = MAX ((2 * delta + SWEEP_CELLS - 1) / SWEEP_CELLS, 1);
  guint n_cells = (guint) (2 * delta / cell) + 1;
  gint32 run = 0, top = 0;
  guint best_len = 0, best_start = 0;
  double sum_x = 0;
  gint64 step;

  out->n = out->cover = 0;
  out->use = FALSE;
  for (guint k = 0; k < f->n; k++)
    {
      from[k] = first_event_from (&f->p->cpus[k], a);
      to[k] = first_event_from (&f->p->cpus[k], b);
      total += to[k] - from[k];
    }
  if (total == 0)
    return;
  step = (gint64) ((total + SWEEP_EVENTS - 1) / SWEEP_EVENTS);
  memset (cov, 0, (n_cells + 1) * sizeof (gint32));

  for (guint k = 0; k < f->n; k++)
    {
      const StrataKvmWindows *w = &f->vcpus[k];
      gsize next = from[k] < to[k] ? first_ending_after (w, map (line, f->p->cpus[k].ts[from[k]]) - delta) : 0;

      for (gsize i = from[k]; i < to[k]; i += step)
      {
        gint64 g = f->p->cpus[k].ts[i];
        gint64 h = map (line, g);

        if (!judged (f, k, h, delta))
          continue;
        out->n++;
        sum_x += (double) (g - f->t_mid);
        /* Events come in time order: the first window that may hold one only moves on. */
        while (next < w->n && w->windows[next].end < h - delta)
          next++;
        for (gsize j = next; j < w->n && w->windows[j].start <= h + delta; j++)
          {
            gint64 lo = MAX (w->windows[j].start - h, -delta) + delta;
            gint64 hi = MIN (w->windows[j].end - h, delta) + delta;
            gint64 c0 = (lo + cell - 1) / cell, c1 = MIN (hi / cell, (gint64) n_cells - 1);

            if (c0 <= c1)
              {
                cov[c0]++;
                cov[c1 + 1]--;
              }
          }
      }
    }
  if (out->n == 0)
    return;
  out->x = sum_x / out->n;

  /* Differences to coverage, then its highest plateaus: the longest, or of equal ones the
   * nearest to the line. */
  for (guint c = 0; c < n_cells; c++)
    {
      /* Not inside MAX(), which would add the difference twice. */
      run += cov[c];
      cov[c] = run;
      top = MAX (top, run);
    }
  if (top <= 0)
    return;
  for (guint c = 0; c < n_cells;)
    {
      guint start = c, len;

      if (cov[c] != top)
        {
          c++;
          continue;
        }
      while (c < n_cells && cov[c] == top)
        c++;
      len = c - start;
      if (len > best_len ||
          (len == best_len && ABS ((gint64) (2 * start + len) - (gint64) n_cells) <
                              ABS ((gint64) (2 * best_start + best_len) - (gint64) n_cells)))
        {
          best_len = len;
          best_start = start;
        }
    }
  out->cover = (guint) top;
  out->rho = ((double) best_start + (best_len - 1) / 2.0) * (double) cell - (double) delta;
  out->width = (double) best_len * (double) cell;
  out->use = TRUE;
}

/* Weighted least squares of rho over x, each segment weighing its events over its plateau's
 * width, leaving out the worst point while it stands far out. @spread: the largest residual. */
static gboolean
fit_line (SegFit *segs,
          guint   n,
          double  cell,
          double *a,
          double *b,
          double *spread)
{
  g_autofree double *res = g_new (double, n);

  for (;;)
    {
      double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, worst = -1, med = 0, mean_x, mean_y;
      guint used = 0, worst_i = 0, below = 0;

      for (guint i = 0; i < n; i++)
        if (segs[i].use)
          {
            double w = segs[i].cover / (segs[i].width + cell);

            sw += w;
            sx += w * segs[i].x;
            sy += w * segs[i].rho;
            used++;
          }
      if (used == 0)
        return FALSE;
      mean_x = sx / sw;
      mean_y = sy / sw;
      for (guint i = 0; i < n; i++)
        if (segs[i].use)
          {
            double w = segs[i].cover / (segs[i].width + cell), dx = segs[i].x - mean_x;

            sxx += w * dx * dx;
            sxy += w * dx * (segs[i].rho - mean_y);
          }
      *b = used >= 2 && sxx > 0 ? sxy / sxx : 0;
      *a = mean_y - *b * mean_x;

      for (guint i = 0; i < n; i++)
        if (segs[i].use)
          {
            res[i] = fabs (segs[i].rho - (*a + *b * segs[i].x));
            if (res[i] > worst)
              {
                worst = res[i];
                worst_i = i;
              }
          }
      /* The median residual, by counting: n is small. */
      for (guint i = 0; i < n && below * 2 < used; i++)
        if (segs[i].use)
          {
            below = 0;
            for (guint j = 0; j < n; j++)
              below += segs[j].use && res[j] <= res[i];
            med = res[i];
          }
      if (used > 3 && worst > MAX (5 * med, 4 * cell))
        {
          segs[worst_i].use = FALSE;
          continue;
        }
      *spread = worst;
      return TRUE;
    }
}

/* From a coarse placement known to ±@delta, a line known to a few µs; its bound in @delta.
 * FALSE when too few segments agree on any. */
static gboolean
refine (Fit              *f,
        StrataSyncResult *line,
        gint64           *delta)
{
  guint n_seg = (guint) CLAMP (f->n_events / (4 * FINE_MIN_EVENTS), 1, 8);
  guint max_seg = (guint) CLAMP (f->n_events / FINE_MIN_EVENTS, 1, FINE_MAX_SEGMENTS);
  g_autofree SegFit *segs = g_new0 (SegFit, FINE_MAX_SEGMENTS);
  g_autofree gint32 *cov = g_new (gint32, SWEEP_CELLS + 8);
  g_autofree gsize *from = g_new (gsize, f->n);
  g_autofree gsize *to = g_new (gsize, f->n);
  gint64 widest = *delta;
  gboolean ok = FALSE;

  for (guint iter = 0; iter < 24; iter++)
    {
      double a, b, spread, cell = (double) MAX ((2 * *delta + SWEEP_CELLS - 1) / SWEEP_CELLS, 1);
      /* The segments share the guest time the host's trace spans at this line, not all of
       * the guest's: a guest traced for longer than its host would otherwise have most of its
       * segments judge nothing, too few to fit a line through. */
      gint64 lo = MAX (f->g_lo, strata_sync_unmap (line, f->p->host_begin) - *delta);
      gint64 hi = MIN (f->g_lo + f->g_span, strata_sync_unmap (line, f->p->host_end) + *delta);
      gint64 span;
      gint64 next;
      guint used = 0;

      if (hi <= lo)
        {
          lo = f->g_lo;
          hi = f->g_lo + f->g_span;
        }
      span = hi - lo;
      for (guint s = 0; s < n_seg; s++)
        {
          gint64 a0 = lo + (gint64) ((double) span * s / n_seg);
          gint64 a1 = s + 1 == n_seg ? hi + 1 : lo + (gint64) ((double) span * (s + 1) / n_seg);

          sweep (f, line, a0, a1, *delta, cov, from, to, &segs[s]);
          /* A segment whose best placement still leaves a quarter of its events outside
           * says nothing about this line. */
          segs[s].use = segs[s].use && segs[s].n >= 4 && segs[s].cover * 4 >= segs[s].n * 3;
          used += segs[s].use;
        }
      if (used * 4 < n_seg || !fit_line (segs, n_seg, cell, &a, &b, &spread) ||
          fabs (line->drift + b) > 3 * f->max_drift)
        {
          /* The last step promised too much (drift smears long segments): a wider search,
           * up to where this candidate began. */
          if (!ok || *delta >= widest)
            return ok;
          *delta = MIN (*delta * 4, widest);
          continue;
        }
      line_adjust (line, a, b);
      ok = TRUE;

      next = MAX ((gint64) ceil (3 * spread + 2 * cell), FINE_MIN_DELTA);
      if (n_seg < max_seg)
        n_seg = MIN (n_seg * 2, max_seg);
      else if (next >= *delta)
        break;
      *delta = MIN (next, *delta);
      if (*delta <= FINE_STOP_DELTA)
        break;
    }
  return ok;
}

/* ---- stage 3: windows assigned, the hull ---- */

/* Orientation tests multiply two coordinates: exact in 128 bits. */
#ifdef __SIZEOF_INT128__
__extension__ typedef __int128 Wide;
#else
typedef long double Wide;
#endif

typedef struct
{
  gint64 x;               /* guest time */
  gint64 y;               /* host time - guest time */
} HullPoint;

/*
 * The constraints of one vCPU come in time order, so the hull of each side is kept as they
 * come (Andrew's monotone chain, no sort): only the upper hull of the lower bounds (an entry
 * before the window's first event) and the lower hull of the upper bounds (an exit after its
 * last) can bound the transform. Their vertices, a few hundred, go to the hull of strata-sync.
 */
typedef struct
{
  GArray *lower_bounds;   /* HullPoint: their upper hull */
  GArray *upper_bounds;   /* HullPoint: their lower hull */
} Chains;

static inline Wide
cross (const HullPoint *o,
       const HullPoint *a,
       const HullPoint *b)
{
  return (Wide) (a->x - o->x) * (b->y - o->y) - (Wide) (a->y - o->y) * (b->x - o->x);
}

static inline void
chain_push (GArray  *chain,
            gint64   x,
            gint64   y,
            gboolean upper)
{
  HullPoint p = { x, y };
  HullPoint *pts = (HullPoint *) (gpointer) chain->data;
  guint n = chain->len;

  if (upper)
    while (n >= 2 && cross (&pts[n - 2], &pts[n - 1], &p) >= 0)
      n--;
  else
    while (n >= 2 && cross (&pts[n - 2], &pts[n - 1], &p) <= 0)
      n--;
  g_array_set_size (chain, n);
  g_array_append_val (chain, p);
}

/* The chains of a vCPU, done: into @hull, and emptied. */
static void
chains_flush (Chains         *chains,
              StrataSyncHull *hull)
{
  for (guint i = 0; i < chains->lower_bounds->len; i++)
    {
      const HullPoint *p = &g_array_index (chains->lower_bounds, HullPoint, i);

      strata_sync_hull_add_from_ref (hull, p->x + p->y, p->x);
    }
  for (guint i = 0; i < chains->upper_bounds->len; i++)
    {
      const HullPoint *p = &g_array_index (chains->upper_bounds, HullPoint, i);

      strata_sync_hull_add_to_ref (hull, p->x, p->x + p->y);
    }
  g_array_set_size (chains->lower_bounds, 0);
  g_array_set_size (chains->upper_bounds, 0);
}

static void
add_window (const Fit             *f,
            const StrataKvmWindow *win,
            gint64                 first,
            gint64                 last,
            Chains                *chains,
            Counts                *counts)
{
  if (chains != NULL)
    chain_push (chains->lower_bounds, first, win->start - first, TRUE);
  counts->constraints++;
  counts->x_min = MIN (counts->x_min, first);
  counts->x_max = MAX (counts->x_max, first);
  /* A window still open at the host trace's end has no exit to bound it. */
  if (win->end <= f->p->host_end)
    {
      if (chains != NULL)
        chain_push (chains->upper_bounds, last, win->end - last, FALSE);
      counts->constraints++;
      counts->x_max = MAX (counts->x_max, last);
    }
}

/*
 * Maps every @stride-th event with @sync, known to ±@delta. An event whose neighbourhood
 * meets no window is outside; one that meets exactly one belongs to it; the first and the last
 * of those in each window bound the transform, in @hull when not NULL.
 */
static void
classify (const Fit              *f,
          const StrataSyncResult *sync,
          gint64                  delta,
          gsize                   stride,
          StrataSyncHull         *hull,
          Counts                 *counts)
{
  double weighted_duty = 0;
  Chains chains = { NULL, NULL }, *use = NULL;

  if (hull != NULL)
    {
      chains.lower_bounds = g_array_new (FALSE, FALSE, sizeof (HullPoint));
      chains.upper_bounds = g_array_new (FALSE, FALSE, sizeof (HullPoint));
      use = &chains;
    }
  memset (counts, 0, sizeof *counts);
  counts->x_min = G_MAXINT64;
  counts->x_max = G_MININT64;
  for (guint k = 0; k < f->n; k++)
    {
      const StrataKvmWindows *w = &f->vcpus[k];
      const StrataKvmEvents *e = &f->p->cpus[k];
      gsize i = 0, cur = G_MAXSIZE, got = G_MAXSIZE;
      gint64 first = 0, last = 0;
      guint64 known = 0;
      gboolean started = FALSE;

      for (gsize j = 0; j < e->n; j += stride)
        {
          gint64 g = e->ts[j], h = map (sync, g);

          if (!judged (f, k, h, delta))
            continue;
          known++;
          /* The windows passed: those that held no event were guest mode the guest did not
           * show, once its events have begun. */
          while (i < w->n && w->windows[i].end < h - delta)
            {
              if (started)
                {
                  double len = (double) (MIN (w->windows[i].end, f->p->host_end) - w->windows[i].start);

                  counts->window_ns += len;
                  if (got != i)
                    counts->empty_ns += len;
                }
              i++;
            }
          started = TRUE;
          if (i == w->n || w->windows[i].start > h + delta)
            {
              counts->outside++;
              continue;
            }
          got = i;
          if (i + 1 < w->n && w->windows[i + 1].start <= h + delta)
            continue;
          if (i == cur)
            {
              last = g;
              continue;
            }
          if (cur != G_MAXSIZE)
            add_window (f, &w->windows[cur], first, last, use, counts);
          cur = i;
          first = last = g;
        }
      if (cur != G_MAXSIZE)
        add_window (f, &w->windows[cur], first, last, use, counts);
      if (use != NULL)
        chains_flush (use, hull);
      counts->known += known;
      counts->expected_outside += (double) known * (1 - f->duty[k]);
      weighted_duty += (double) known * f->duty[k];
    }
  counts->background = counts->known > 0 ? weighted_duty / (double) counts->known : 0;
  if (use != NULL)
    {
      g_array_unref (chains.lower_bounds);
      g_array_unref (chains.upper_bounds);
    }
}

/* How far from @sync the true transform can be over the guest's whole span: the hull's
 * accuracy where its constraints are, growing with the spread of feasible slopes beyond. */
static gint64
bound (const Fit              *f,
       const StrataSyncResult *sync,
       const Counts           *counts)
{
  double beyond = 0, slopes = sync->alpha_max - sync->alpha_min;

  if (counts->x_min <= counts->x_max)
    beyond = (double) MAX (MAX (counts->x_min - f->g_lo, f->g_lo + f->g_span - counts->x_max), 0);
  return (gint64) ceil (sync->accuracy_ns + fabs (slopes) * beyond) + 2;
}

typedef struct
{
  StrataSyncResult sync;
  gboolean         solved;     /* by the hull; else the line of stage 2 */
  gint64           delta;
  Counts           counts;
} Solution;

/* One hull from the events classified with @from known to ±@delta. */
static gboolean
hull_pass (const Fit              *f,
           const StrataSyncResult *from,
           gint64                  delta,
           gsize                   stride,
           StrataSyncResult       *res,
           Counts                 *counts)
{
  g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();

  classify (f, from, delta, stride, hull, counts);
  for (gsize i = 0; i < f->p->n_messages; i++)
    {
      const StrataKvmMessage *m = &f->p->messages[i];

      if (m->to_host)
        strata_sync_hull_add_to_ref (hull, m->guest, m->host);
      else
        strata_sync_hull_add_from_ref (hull, m->host, m->guest);
    }
  strata_sync_hull_solve (hull, res);
  return res->quality == STRATA_SYNC_ACCURATE || res->quality == STRATA_SYNC_APPROXIMATE;
}

/*
 * Hull iterations from @line known to ±@delta: on a sample of the events until the assignment
 * settles, then once on all of them, which also counts the events outside.
 */
static void
solve (const Fit              *f,
       const StrataSyncResult *line,
       gint64                  delta,
       gint64                  max_delta,
       Solution               *out)
{
  /* A sample is worth its extra passes only when it is much smaller than the whole. */
  gsize stride = f->n_events > 4 * SOLVE_SAMPLE ? (gsize) ((f->n_events + SOLVE_SAMPLE - 1) / SOLVE_SAMPLE) : 1;
  gint64 d = delta;
  guint prev_constraints = 0;
  StrataSyncResult res;
  Counts counts;

  out->sync = *line;
  out->solved = FALSE;
  out->delta = delta;
  for (guint iter = 0; iter < 12; iter++)
    {
      if (hull_pass (f, out->solved ? &out->sync : line, d, stride, &res, &counts))
        {
          gint64 next = bound (f, &res, &counts);
          /* Done when the bound no longer shrinks much: more passes would hardly change
           * which events are sure of their window. */
          gboolean settled = next >= d * 4 / 5;

          out->sync = res;
          out->solved = TRUE;
          out->delta = next;
          prev_constraints = counts.constraints;
          if (settled || res.quality == STRATA_SYNC_APPROXIMATE)
            break;
          d = next;
        }
      else if (res.quality == STRATA_SYNC_FAIL && !out->solved)
        {
          /* Some event was given a window it does not belong to: δ was too optimistic. */
          d *= 3;
          if (d > max_delta)
            break;
        }
      else
        break;
    }

  if (!out->solved)
    {
      /* The line of the search, for what it is worth. */
      out->sync.quality = STRATA_SYNC_APPROXIMATE;
      out->sync.accuracy_ns = (double) delta;
      out->delta = delta;
      classify (f, &out->sync, out->delta, 1, NULL, &out->counts);
      return;
    }
  /* The previous solution stands if all the events make its bound look too optimistic. */
  if (stride > 1 && hull_pass (f, &out->sync, out->delta, 1, &res, &counts))
    {
      out->sync = res;
      out->delta = bound (f, &res, &counts);
      prev_constraints = counts.constraints;
      out->counts = counts;
    }
  else if (stride > 1)
    classify (f, &out->sync, out->delta, 1, NULL, &out->counts);
  else
    out->counts = counts;
  out->sync.matches = prev_constraints + (guint) f->p->n_messages;
}

static double
misfit (double outside,
        double empty)
{
  return outside + empty / 4;
}

static double
solution_misfit (const Solution *s)
{
  double outside = s->counts.known ? (double) s->counts.outside / (double) s->counts.known : 1;

  return misfit (outside, s->counts.window_ns > 0 ? s->counts.empty_ns / s->counts.window_ns : 0);
}

static gboolean
solution_better (const Solution *a,
                 const Solution *b)
{
  double sa = solution_misfit (a), sb = solution_misfit (b);

  if (a->counts.known == 0 || b->counts.known == 0)
    return a->counts.known > b->counts.known;
  if (sa != sb)
    return sa < sb;
  if (a->solved != b->solved)
    return a->solved;
  return a->sync.accuracy_ns < b->sync.accuracy_ns;
}

/* ---- the whole fit ---- */

static StrataKvmVerdict
verdict_of (const Counts      *counts,
            gboolean           solved,
            StrataSyncQuality  quality)
{
  if (counts->known < MIN_EVENTS)
    return STRATA_KVM_FIT_NONE;
  /* Even a random placement would leave hardly any event outside. */
  if (counts->expected_outside < MIN_EXPECTED)
    return STRATA_KVM_FIT_UNSPECIFIC;
  if (!solved || quality == STRATA_SYNC_FAIL ||
      (double) counts->outside > GOOD_MAX_OUTSIDE * (double) counts->known)
    return STRATA_KVM_FIT_POOR;
  if ((double) counts->outside * 4 > counts->expected_outside)
    return STRATA_KVM_FIT_UNSPECIFIC;
  return STRATA_KVM_FIT_GOOD;
}

void
strata_kvm_fit (const StrataKvmFitParams *params,
                StrataKvmFit             *out)
{
  Fit f = { 0 };
  Candidate cands[N_CANDIDATES];
  Solution best = { 0 };
  gboolean have = FALSE;
  guint n_cands;
  gint64 bin = COARSE_MIN_BIN;

  g_return_if_fail (params != NULL);
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  strata_sync_result_init_identity (&out->sync);
  out->verdict = STRATA_KVM_FIT_NONE;

  f.p = params;
  f.n = MIN (params->n_vcpus, params->n_cpus);
  f.max_drift = params->max_drift > 0 ? params->max_drift : STRATA_KVM_MAX_DRIFT;
  f.g_lo = MIN (params->guest_begin, params->guest_end);
  f.g_span = ABS (params->guest_end - params->guest_begin);
  f.t_mid = f.g_lo + f.g_span / 2;
  if (f.n == 0 || params->host_end <= params->host_begin)
    return;
  f.vcpus = g_new0 (StrataKvmWindows, f.n);
  f.first = g_new (gint64, f.n);
  f.duty = g_new (double, f.n);
  f.owned = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint k = 0; k < f.n; k++)
    f.n_events += params->cpus[k].n;
  fit_prepare_windows (&f);

  if (params->seed != NULL)
    {
      /* A transform is known: the windows only refine it. */
      StrataSyncResult line = *params->seed;
      gint64 delta = MAX ((gint64) ceil (params->seed->accuracy_ns) + 2, FINE_MIN_DELTA);

      solve (&f, &line, delta, MAX (delta * 4, 10 * US), &best);
      have = TRUE;
    }
  else
    {
      n_cands = f.n_events > 0 ? coarse (&f, cands, &bin) : 0;
      for (guint c = 0; c < n_cands; c++)
        {
          StrataSyncResult line;
          gint64 delta = 3 * bin;
          Solution sol;

          line_init (&f, &line, cands[c].offset, cands[c].drift);
          if (!refine (&f, &line, &delta))
            {
              /* No line through the segments: the placement is judged as it is, which
               * still says how much the windows cover. */
              if (!have)
                {
                  best.sync = line;
                  best.sync.quality = STRATA_SYNC_APPROXIMATE;
                  best.sync.accuracy_ns = (double) delta;
                  best.solved = FALSE;
                  classify (&f, &best.sync, 0, 1, NULL, &best.counts);
                  have = TRUE;
                }
              continue;
            }
          solve (&f, &line, delta, 3 * bin, &sol);
          if (!have || solution_better (&sol, &best))
            {
              best = sol;
              have = TRUE;
            }
          /* Candidates come best first: the next can hardly do better than a good fit. */
          if (verdict_of (&best.counts, best.solved, best.sync.quality) == STRATA_KVM_FIT_GOOD)
            break;
        }
    }

  if (have)
    {
      out->sync = best.sync;
      /* The accuracy said holds over the guest's whole trace, not only where the windows
       * bound the line: a guest traced for longer than its host is mapped beyond them too,
       * where the feasible lines part by the spread of their slopes. */
      if (best.solved && best.counts.x_min <= best.counts.x_max)
        out->sync.accuracy_ns += fabs (best.sync.alpha_max - best.sync.alpha_min) / 2 *
                                 (double) MAX (MAX (best.counts.x_min - f.g_lo, f.g_lo + f.g_span - best.counts.x_max), 0);
      out->n_events = best.counts.known;
      out->n_outside = best.counts.outside;
      out->background = best.counts.background;
      out->empty = best.counts.window_ns > 0 ? best.counts.empty_ns / best.counts.window_ns : 0;
      out->verdict = verdict_of (&best.counts, best.solved, best.sync.quality);
    }

  g_ptr_array_unref (f.owned);
  g_free (f.vcpus);
  g_free (f.first);
  g_free (f.duty);
}

const char *
strata_kvm_verdict_to_string (StrataKvmVerdict verdict)
{
  switch (verdict)
    {
    case STRATA_KVM_FIT_POOR: return "poor";
    case STRATA_KVM_FIT_UNSPECIFIC: return "unspecific";
    case STRATA_KVM_FIT_GOOD: return "good";
    case STRATA_KVM_FIT_NONE:
    default: return "none";
    }
}

double
strata_kvm_fit_outside_share (const StrataKvmFit *fit)
{
  g_return_val_if_fail (fit != NULL, 1.0);

  return fit->n_events > 0 ? (double) fit->n_outside / (double) fit->n_events : 0.0;
}

double
strata_kvm_fit_misfit (const StrataKvmFit *fit)
{
  g_return_val_if_fail (fit != NULL, 1.0);

  return misfit (strata_kvm_fit_outside_share (fit), fit->empty);
}

gboolean
strata_kvm_fit_clearly_better (const StrataKvmFit *a,
                               const StrataKvmFit *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a->verdict != STRATA_KVM_FIT_GOOD)
    return FALSE;
  if (b->verdict != STRATA_KVM_FIT_GOOD)
    return TRUE;
  return strata_kvm_fit_misfit (b) >= 2 * strata_kvm_fit_misfit (a) + 0.05;
}
