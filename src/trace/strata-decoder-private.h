/* strata-decoder-private.h: between the decoder and its messages (strata-decoder-errors.c)
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <babeltrace2/babeltrace.h>

#include "strata-decoder.h"

G_BEGIN_DECLS

/* libbabeltrace2's message @msg without the object addresses and internal states it carries. */
char       *_strata_decoder_clean_cause       (const char     *msg);
/* The cause Strata's own code added inside libbabeltrace2's call (strata-bt-guard.c), or NULL. */
const char *_strata_decoder_strata_cause      (const bt_error *error);
/* The most specific cause of the current thread's error, which is then cleared. */
char       *_strata_decoder_take_error        (void);
/* The file of @folder that libbabeltrace2's @message blames, or NULL. */
char       *_strata_decoder_find_blamed_file  (const char     *folder,
                                               const char     *message);
/* What is wrong with the metadata of @folder, which libbabeltrace2 would not read. */
char       *_strata_decoder_diagnose_metadata (const char     *folder);

G_END_DECLS
