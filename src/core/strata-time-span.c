/* strata-time-span.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-time-span"

#include "config.h"

#include "strata-time-span.h"

G_DEFINE_BOXED_TYPE (StrataTimeSpan, strata_time_span, strata_time_span_copy, strata_time_span_free)

StrataTimeSpan *
strata_time_span_copy (const StrataTimeSpan *self)
{
  return g_memdup2 (self, sizeof *self);
}

void
strata_time_span_free (StrataTimeSpan *self)
{
  g_free (self);
}
