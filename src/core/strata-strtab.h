/* strata-strtab.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An append-only string interner shared by every trace of a set. Ids are dense, 0 is "".
 * Thread-safe: decoder threads intern concurrently; lookups of an id already handed out
 * need no lock because strings never move and the index only grows under the lock. */
typedef struct _StrataStrtab StrataStrtab;

StrataStrtab *strata_strtab_new        (void);
void          strata_strtab_free       (StrataStrtab *self);
guint32       strata_strtab_intern     (StrataStrtab *self,
                                        const char   *str);
guint32       strata_strtab_intern_len (StrataStrtab *self,
                                        const char   *str,
                                        gssize        len);
const char   *strata_strtab_get        (StrataStrtab *self,
                                        guint32       id);
guint         strata_strtab_count      (StrataStrtab *self);
void          strata_strtab_set_limit  (StrataStrtab *self,
                                        guint         limit);
guint         strata_strtab_n_dropped  (StrataStrtab *self);
gsize         strata_strtab_memory     (StrataStrtab *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataStrtab, strata_strtab_free)

G_END_DECLS
