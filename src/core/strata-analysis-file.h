/* strata-analysis-file.h: an analysis saved in a section file, and read back
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-analysis.h"
#include "strata-section-file.h"

G_BEGIN_DECLS

/*
 * Everything a finished analysis holds goes into sections of a file: the set (traces,
 * streams, their counts and problems, and the string table), the machines with their vCPUs,
 * clocks and threads, the preemptions with their causes, the warnings, the exits and the store.
 * Reading it back gives an analysis equal to the one written, whose set holds no events (as
 * after an analysis that released them), and whose store reads its rows from the file.
 * STRATA_ANALYSIS_FILE_VERSION changes with the layout of any of these sections.
 */
#define STRATA_ANALYSIS_FILE_VERSION 11

/* The kind of section file a saved analysis is. */
#define STRATA_ANALYSIS_FILE_KIND STRATA_FOURCC ('S', 'A', 'N', 'L')

/* Rows of the store that lie in a spill must be written into the spill's own file, after
 * them (see strata_store_write()). */
void            strata_analysis_write (StrataAnalysis     *self,
                                       StrataSectionWriter *writer);
/* Fails with STRATA_SECTION_FILE_ERROR when the sections are missing, of another version,
 * damaged, or refer to things that are not there. */
StrataAnalysis *strata_analysis_read  (StrataSectionFile  *file,
                                       GError            **error);

G_END_DECLS
