/* strata-time.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-time"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <string.h>

#include "strata-time.h"

G_DEFINE_QUARK (strata-time-error-quark, strata_time_error)

char *
strata_time_format_absolute (gint64 ns)
{
  gint64 secs = ns / G_GINT64_CONSTANT (1000000000);
  gint64 frac = ns % G_GINT64_CONSTANT (1000000000);
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *date = NULL;

  if (frac < 0)
    {
      frac += G_GINT64_CONSTANT (1000000000);
      secs--;
    }
  if ((dt = g_date_time_new_from_unix_utc (secs)) == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT " ns", ns);
  date = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
  return g_strdup_printf ("%s.%09" G_GINT64_FORMAT, date, frac);
}

char *
strata_time_format_date (gint64 ns)
{
  gint64 secs = ns / G_GINT64_CONSTANT (1000000000) - (ns % G_GINT64_CONSTANT (1000000000) < 0);
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (secs);

  if (dt == NULL)
    return g_strdup ("");
  /* Translators: a day, in g_date_time_format()'s notation (%b is the month's abbreviated
   * name, %-d the day without a leading zero, %Y the year): write it as your language does,
   * e.g. "%-d %b %Y" */
  return g_date_time_format (dt, C_("date", "%b %-d, %Y"));
}

char *
strata_time_format_duration (gint64 ns)
{
  gint64 a = ns < 0 ? -ns : ns;

  /* Long spans in minutes and hours: "5400.000 s" has to be worked out. */
  if (a >= G_GINT64_CONSTANT (59999500000))
    {
      gint64 ms = (a + 500000) / 1000000;

      if (ms >= 3600000)
        {
          gint64 s = (ms + 500) / 1000;

          return g_strdup_printf ("%s%" G_GINT64_FORMAT " h %02d min %02d s", ns < 0 ? "-" : "",
                                  s / 3600, (int) (s / 60 % 60), (int) (s % 60));
        }
      /* The seconds through printf, as below, so that they take the locale's decimal mark. */
      return g_strdup_printf ("%s%d min %06.3f s", ns < 0 ? "-" : "", (int) (ms / 60000),
                              (double) (ms % 60000) / 1000.0);
    }
  if (a >= G_GINT64_CONSTANT (1000000000))
    return g_strdup_printf ("%.3f s", ns / 1e9);
  if (a >= 1000000)
    return g_strdup_printf ("%.3f ms", ns / 1e6);
  if (a >= 1000)
    return g_strdup_printf ("%.3f µs", ns / 1e3);
  return g_strdup_printf ("%" G_GINT64_FORMAT " ns", ns);
}

gboolean
strata_time_parse (const char  *text,
                   gint64       origin,
                   gint64      *out_ns,
                   GError     **error)
{
  static const struct { const char *suffix; gint64 scale; } units[] = {
    { "ns", 1 }, { "us", 1000 }, { "µs", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
  };
  const char *p = text;
  gint64 whole = 0, frac = 0, frac_scale = 1, scale = 0;
  gboolean digits = FALSE;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_ns != NULL, FALSE);

  if (*p != '+')
    {
      gint64 v;
      char *end = NULL;

      errno = 0;
      v = g_ascii_strtoll (p, &end, 10);
      /* Past int64, strtoll() gives its end: a time, but not the one written. */
      if (end == p || *end != '\0' || errno == ERANGE)
        {
          g_set_error (error, STRATA_TIME_ERROR, STRATA_TIME_ERROR_INVALID,
                       _("Invalid time “%s”: use ns since the epoch, or +1.5s, +250ms, +40us, +100ns"),
                       text);
          return FALSE;
        }
      *out_ns = v;
      return TRUE;
    }

  for (p++; g_ascii_isdigit (*p); p++, digits = TRUE)
    {
      if (whole > G_MAXINT64 / 10 - 10)
        goto bad;
      whole = whole * 10 + (*p - '0');
    }
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++, digits = TRUE)
      if (frac_scale < G_GINT64_CONSTANT (1000000000))
        {
          frac = frac * 10 + (*p - '0');
          frac_scale *= 10;
        }
  if (!digits)
    goto bad;
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (strcmp (p, units[i].suffix) == 0)
      scale = units[i].scale;
  /* The start itself needs no unit ("+0"); any other length does. */
  if (*p == '\0' && whole == 0 && frac == 0)
    scale = 1;
  if (scale == 0 || whole > G_MAXINT64 / scale || whole * scale > G_MAXINT64 - scale)
    goto bad;
  /* From the start, not past int64 either. */
  if (origin > 0 && whole * scale + frac * scale / frac_scale > G_MAXINT64 - origin)
    goto bad;

  *out_ns = origin + whole * scale + frac * scale / frac_scale;
  return TRUE;

bad:
  g_set_error (error, STRATA_TIME_ERROR, STRATA_TIME_ERROR_INVALID,
               _("Invalid time “%s”: use ns since the epoch, or +1.5s, +250ms, +40us, +100ns"),
               text);
  return FALSE;
}

#define NS_PER_SEC G_GINT64_CONSTANT (1000000000)
#define HALF_DAY_NS (12 * 3600 * NS_PER_SEC)

/* Reads exactly @n digits at *p into *out. */
static gboolean
read_digits (const char **p,
             guint        n,
             int         *out)
{
  int v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + ((*p)[i] - '0');
    }
  *p += n;
  *out = v;
  return TRUE;
}

gboolean
strata_time_parse_clock (const char  *text,
                         gint64       origin,
                         gint64      *out_ns,
                         GError     **error)
{
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) dt = NULL;
  const char *p;
  int year = 0, month = 0, mday = 0, hour, minute, second;
  gint64 frac = 0, scale = NS_PER_SEC, ns;
  gboolean dated = FALSE;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_ns != NULL, FALSE);

  p = text;
  while (g_ascii_isspace (*p))
    p++;
  if (strlen (p) >= 11 && p[4] == '-')
    {
      if (!read_digits (&p, 4, &year) || *p++ != '-' || !read_digits (&p, 2, &month) ||
          *p++ != '-' || !read_digits (&p, 2, &mday) || (*p != ' ' && *p != 'T'))
        goto bad;
      p++;
      dated = TRUE;
    }
  if (!read_digits (&p, 2, &hour) || *p++ != ':' || !read_digits (&p, 2, &minute) ||
      *p++ != ':' || !read_digits (&p, 2, &second))
    goto bad;
  if (hour > 23 || minute > 59 || second > 59)
    goto bad;
  if (*p == '.')
    {
      guint digits = 0;

      for (p++; g_ascii_isdigit (*p); p++, digits++)
        {
          if (digits >= 9)
            goto bad;
          frac = frac * 10 + (*p - '0');
          scale /= 10;
        }
      if (digits == 0)
        goto bad;
      frac *= scale;
    }
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    goto bad;

  if (!dated)
    {
      gint64 secs = origin / NS_PER_SEC - (origin % NS_PER_SEC < 0 ? 1 : 0);

      if ((day = g_date_time_new_from_unix_utc (secs)) == NULL)
        goto bad;
      g_date_time_get_ymd (day, &year, &month, &mday);
    }
  if ((dt = g_date_time_new_utc (year, month, mday, hour, minute, second)) == NULL)
    goto bad;
  ns = g_date_time_to_unix (dt) * NS_PER_SEC + frac;
  if (!dated && ns < origin - HALF_DAY_NS)
    ns += 2 * HALF_DAY_NS;
  *out_ns = ns;
  return TRUE;

bad:
  g_set_error (error, STRATA_TIME_ERROR, STRATA_TIME_ERROR_INVALID,
               _("Invalid time “%s”: use HH:MM:SS.nnnnnnnnn or YYYY-MM-DD HH:MM:SS.nnnnnnnnn"),
               text);
  return FALSE;
}

gint64
strata_time_tick_step (gint64 span_ns,
                       double width_px,
                       double min_px)
{
  /* Round steps: 1, 2 or 5 times a power of ten below a second; above, what divides the next
   * unit (no 50 s, no 1 h 23 min 20 s); days 1, 2 or 5 times a power of ten. */
  static const gint64 above[] = {
    NS_PER_SEC, 2 * NS_PER_SEC, 5 * NS_PER_SEC, 10 * NS_PER_SEC, 20 * NS_PER_SEC, 30 * NS_PER_SEC,
    60 * NS_PER_SEC, 120 * NS_PER_SEC, 300 * NS_PER_SEC, 600 * NS_PER_SEC, 1200 * NS_PER_SEC,
    1800 * NS_PER_SEC, 3600 * NS_PER_SEC, 7200 * NS_PER_SEC, 10800 * NS_PER_SEC, 21600 * NS_PER_SEC,
    43200 * NS_PER_SEC,
  };
  static const gint64 mult[] = { 1, 2, 5 };
  double ns_per_px;

  if (span_ns <= 0 || width_px <= 0)
    return 1;
  ns_per_px = (double) span_ns / width_px;
  for (gint64 p = 1; p < NS_PER_SEC; p *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (mult); i++)
      if ((double) (p * mult[i]) / ns_per_px >= min_px)
        return p * mult[i];
  for (guint i = 0; i < G_N_ELEMENTS (above); i++)
    if ((double) above[i] / ns_per_px >= min_px)
      return above[i];
  /* Up to 50000 days: the time range ends 146 years after its origin. */
  for (gint64 p = 1; p <= 10000; p *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (mult); i++)
      if ((double) (p * mult[i] * STRATA_TIME_DAY_NS) / ns_per_px >= min_px)
        return p * mult[i] * STRATA_TIME_DAY_NS;
  return 50000 * STRATA_TIME_DAY_NS;
}

char *
strata_time_format_ruler (gint64 ns,
                          gint64 step)
{
  g_autoptr(GDateTime) dt = NULL;

  /* Days, and midnight whatever the step: the date. */
  if (step >= STRATA_TIME_DAY_NS || (ns % STRATA_TIME_DAY_NS == 0 && ns >= 0))
    return strata_time_format_date (ns);
  if (step < 60 * NS_PER_SEC)
    return strata_time_format_tick (ns, step);
  if ((dt = g_date_time_new_from_unix_utc (ns / NS_PER_SEC)) == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, ns);
  return g_date_time_format (dt, "%H:%M");
}

char *
strata_time_format_tick (gint64 ns,
                         gint64 step)
{
  gint64 secs = ns / G_GINT64_CONSTANT (1000000000);
  gint64 frac = ns % G_GINT64_CONSTANT (1000000000);
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *hms = NULL;
  int digits = 0;

  if (frac < 0)
    {
      frac += G_GINT64_CONSTANT (1000000000);
      secs--;
    }
  if ((dt = g_date_time_new_from_unix_utc (secs)) == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, ns);
  hms = g_date_time_format (dt, "%H:%M:%S");
  for (gint64 s = step; s < G_GINT64_CONSTANT (1000000000) && digits < 9; s *= 10)
    digits++;
  /* Only as many decimals as the step needs: 3 for ms, 6 for µs, 9 for ns. */
  digits = digits == 0 ? 0 : digits <= 3 ? 3 : digits <= 6 ? 6 : 9;
  if (digits == 0)
    return g_steal_pointer (&hms);
  {
    char buf[16];

    g_snprintf (buf, sizeof buf, "%09" G_GINT64_FORMAT, frac);
    buf[digits] = '\0';
    return g_strdup_printf ("%s.%s", hms, buf);
  }
}
