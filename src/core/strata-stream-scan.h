/* strata-stream-scan.h: a host's first pass over one stream, as its events are appended
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-event.h"
#include "strata-set.h"

G_BEGIN_DECLS

/* Made and fed by strata_stream_append(); read by the analysis (strata-analysis-scan.c). */
StrataStreamScan *_strata_stream_scan_new  (void);
void              _strata_stream_scan_feed (StrataStreamScan  *scan,
                                            const StrataEvent *event,
                                            GArray            *losses);

G_END_DECLS
