/* strata-time-span.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <math.h>

G_BEGIN_DECLS

/*
 * A half-open range of time [begin, end) in ns, passed by value. The view's ranges (the set,
 * the visible range, the selection) are spans, and every conversion between a time and a
 * pixel of a view showing a span goes through the helpers below, so that the screen and the
 * exported images place things alike.
 */
typedef struct
{
  gint64 begin;
  gint64 end;
} StrataTimeSpan;

#define STRATA_TYPE_TIME_SPAN (strata_time_span_get_type ())

GType           strata_time_span_get_type (void) G_GNUC_CONST;
StrataTimeSpan *strata_time_span_copy     (const StrataTimeSpan *self);
void            strata_time_span_free     (StrataTimeSpan       *self);

static inline gint64
strata_time_span_duration (StrataTimeSpan span)
{
  return span.end - span.begin;
}

static inline gboolean
strata_time_span_is_empty (StrataTimeSpan span)
{
  return span.end <= span.begin;
}

static inline StrataTimeSpan
strata_time_span_order (StrataTimeSpan span)
{
  if (span.begin > span.end)
    return (StrataTimeSpan) { span.end, span.begin };
  return span;
}

static inline gboolean
strata_time_span_equal (const StrataTimeSpan *a,
                        const StrataTimeSpan *b)
{
  return a->begin == b->begin && a->end == b->end;
}

/* The ns one pixel covers when @span is shown @width px wide. */
static inline double
strata_time_span_ns_per_px (StrataTimeSpan span,
                            double         width)
{
  return (double) (span.end - span.begin) / width;
}

/* Where @ns lies, in px from the left edge of a view @width px wide that shows @span. */
static inline double
strata_time_span_to_x (StrataTimeSpan span,
                       gint64         ns,
                       double         width)
{
  return (ns - span.begin) / strata_time_span_ns_per_px (span, width);
}

/* The time at @x px from the left edge of a view @width px wide that shows @span. */
static inline gint64
strata_time_span_to_ns (StrataTimeSpan span,
                        double         x,
                        double         width)
{
  if (width <= 0)
    return span.begin;
  return span.begin + (gint64) llround (x / width * (double) (span.end - span.begin));
}

/* How long @px pixels last in a view @width px wide that shows @span. */
static inline gint64
strata_time_span_px_to_duration (StrataTimeSpan span,
                                 double         px,
                                 double         width)
{
  if (width <= 0)
    return 0;
  return (gint64) llround (px * (double) (span.end - span.begin) / width);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataTimeSpan, strata_time_span_free)

G_END_DECLS
