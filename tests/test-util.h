/* test-util.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-set.h"

G_BEGIN_DECLS

/* Helpers of the trace tests: the sample traces beside the checkout ($STRATA_TRACES_DIR), and
 * the temporary copies the tests damage. */

char        *test_sample         (const char *name);
gboolean     test_have_samples   (void);
void         test_run_shell      (const char *cmd);
void         test_copy_tree      (const char *from,
                                  const char *to);
void         test_rm_tree        (const char *dir);
char        *test_make_tmpdir    (void);
StrataTrace *test_find_trace     (StrataSet  *set,
                                  const char *path);
gboolean     test_errors_contain (GPtrArray  *errors,
                                  const char *needle1,
                                  const char *needle2);

G_END_DECLS
