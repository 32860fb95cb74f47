/* fuzz-main.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "strata-fuzz.h"

/* libFuzzer's entry points, one binary per target: STRATA_FUZZ_BODY names the body, which is
 * shared with test-fuzz-regressions. */
int LLVMFuzzerInitialize   (int           *argc,
                            char        ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data,
                            gsize         size);

static void
trap_to_abort (int signum)
{
  abort ();
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* g_error() traps (SIGTRAP), which libFuzzer does not catch: make it an abort, so that the
   * input is saved. Criticals and warnings are bugs here too. */
  signal (SIGTRAP, trap_to_abort);
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        gsize         size)
{
  STRATA_FUZZ_BODY (data, size);
  return 0;
}
