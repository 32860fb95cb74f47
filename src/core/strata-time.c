/* strata-time.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-time"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "strata-time.h"

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
strata_time_format_duration (gint64 ns)
{
  gint64 a = ns < 0 ? -ns : ns;

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

  if (*p != '+')
    {
      gint64 v;
      char *end = NULL;

      v = g_ascii_strtoll (p, &end, 10);
      if (end == p || *end != '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
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
  if (scale == 0 || whole > G_MAXINT64 / scale)
    goto bad;

  *out_ns = origin + whole * scale + frac * scale / frac_scale;
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("Invalid time “%s”: use ns since the epoch, or +1.5s, +250ms, +40us, +100ns"),
               text);
  return FALSE;
}

gint64
strata_time_tick_step (gint64 span_ns,
                       double width_px,
                       double min_px)
{
  static const gint64 mult[] = { 1, 2, 5 };
  double ns_per_px;

  if (span_ns <= 0 || width_px <= 0)
    return 1;
  ns_per_px = (double) span_ns / width_px;
  for (gint64 p = 1; p <= G_GINT64_CONSTANT (1000000000000000000) / 10; p *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (mult); i++)
      if ((double) (p * mult[i]) / ns_per_px >= min_px)
        return p * mult[i];
  return G_GINT64_CONSTANT (1000000000000000000);
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
