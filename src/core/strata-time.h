/* strata-time.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Times are gint64 ns from the clock's origin (the Unix epoch for LTTng traces). */

#define STRATA_TIME_ERROR (strata_time_error_quark ())

typedef enum
{
  STRATA_TIME_ERROR_INVALID,         /* text that is not a time in the notation parsed */
} StrataTimeError;

GQuark strata_time_error_quark (void);

/*
 * The times Strata places on a timeline: from the clock's origin to 2^62 - 1 ns, 146 years
 * after it. The difference of any two, and the sum of one and a span, then fit in a gint64
 * with room to spare, which the store's and the models' arithmetic relies on. The decoder
 * leaves out events outside it (a damaged timestamp, a clock origin out of range), and the
 * analysis clamps what clock correction maps outside it.
 */
#define STRATA_TIME_MIN G_GINT64_CONSTANT (0)
#define STRATA_TIME_MAX ((G_GINT64_CONSTANT (1) << 62) - 1)

static inline gboolean
strata_time_in_range (gint64 ns)
{
  return ns >= STRATA_TIME_MIN && ns <= STRATA_TIME_MAX;
}

static inline gint64
strata_time_clamp (gint64 ns)
{
  return CLAMP (ns, STRATA_TIME_MIN, STRATA_TIME_MAX);
}

/* "2019-10-16 21:36:35.523067504" (UTC). */
char     *strata_time_format_absolute (gint64       ns);
/* The day of @ns (UTC) as the user's language writes dates: "Oct 16, 2019", "16 oct. 2019". */
char     *strata_time_format_date     (gint64       ns);
/* "1.503 s", "250.000 ms", "40.000 µs", "100 ns". */
char     *strata_time_format_duration (gint64       ns);
/*
 * Parses a CLI time: an integer is absolute ns; "+1.5s", "+250ms", "+40us", "+100ns" are
 * relative to @origin. Exact: decimals are read as integers, never through a double.
 */
gboolean  strata_time_parse           (const char  *text,
                                       gint64       origin,
                                       gint64      *out_ns,
                                       GError     **error);

/*
 * Parses a wall-clock time, UTC, as the ruler and the tooltips show it: "HH:MM:SS[.fraction]"
 * on the day of @origin (the next day when that falls more than 12 hours before @origin, for
 * sets that cross midnight), or "YYYY-MM-DD HH:MM:SS[.fraction]". Up to 9 decimals, exact.
 */
gboolean  strata_time_parse_clock     (const char  *text,
                                       gint64       origin,
                                       gint64      *out_ns,
                                       GError     **error);

#define STRATA_TIME_DAY_NS (G_GINT64_CONSTANT (86400) * 1000000000)

/* The ruler's tick spacing, at least @min_px apart: 1, 2 or 5 times a power of ten ns below
 * a second; 1, 2, 5, 10, 20 or 30 s or min, 1, 2, 3, 6 or 12 h; 1, 2 or 5 times a power of
 * ten days. */
gint64    strata_time_tick_step       (gint64       span_ns,
                                       double       width_px,
                                       double       min_px);
/* A tick label with as many decimals as @step needs: "16:32:05", "16:32:05.250",
 * "16:32:05.997720", "16:32:05.997720125" (UTC). */
char     *strata_time_format_tick     (gint64       ns,
                                       gint64       step);
/* The ruler's label of a tick at @ns, @step apart: strata_time_format_tick()'s below a minute,
 * "16:40" from a minute on, and the date for days and at midnight: "Sep 17, 2015". */
char     *strata_time_format_ruler    (gint64       ns,
                                       gint64       step);

G_END_DECLS
