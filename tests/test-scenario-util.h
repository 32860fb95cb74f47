/* test-scenario-util.h: what the scenario tests share
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-analysis.h"
#include "strata-scenario.h"

/* Host and guests share offset_s = 1000: absolute times are 1000 s + the scenario's TS. */
#define BASE G_GINT64_CONSTANT (1000000000000)

typedef struct
{
  StrataSet      *set;
  StrataAnalysis *analysis;
} Fixture;

/* Loads @scenario as the set its CTF traces would read as (no trace files, no
 * libbabeltrace2) and analyses it, with @maps. */
void fixture_load   (Fixture           *f,
                     const char        *scenario,
                     const StrataVmMap *maps,
                     guint              n_maps);
void fixture_clear  (Fixture           *f);

typedef struct
{
  gint64      start;     /* relative to BASE */
  gint64      end;       /* relative to BASE; 0: the end of the set */
  const char *state;
  const char *machine;
  gint        vcpu;      /* -1: none */
  gint        tid;       /* -2: not checked */
  const char *comm;      /* NULL: not checked */
} Expect;

/* Row @row_name's intervals from @from (relative to BASE) on are @expect, exactly. */
void check_row_from (Fixture           *f,
                     const char        *row_name,
                     gint64             from,
                     const Expect      *expect,
                     guint              n);
/* All of row @row_name's intervals are @expect. */
void check_row      (Fixture           *f,
                     const char        *row_name,
                     const Expect      *expect,
                     guint              n);
