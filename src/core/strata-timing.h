/* strata-timing.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * STRATA_TIMING=1: the programs print how long each phase of a long job took, with the
 * resident and peak memory after it (where Linux says), on stderr. For benchmarks and
 * profiling; the analysis reports its phases through StrataAnalysisOptions.phase_func.
 */

typedef struct _StrataTiming StrataTiming;

StrataTiming *strata_timing_new_from_env (const char   *what);
void          strata_timing_free         (StrataTiming *self);
void          strata_timing_phase_cb     (const char   *phase,
                                          gpointer      timing);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataTiming, strata_timing_free)

G_END_DECLS
