/* strata-bt-guard.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * libbabeltrace2 2.0 makes a field object for every element of a sequence as soon as it has
 * read the sequence's length, before it reads any element: one damaged length in an event
 * payload (a 32-bit count of file descriptors read as 0x70617773) asks for billions of them,
 * which no check of the metadata can see coming. Strata takes the call that sets such a
 * length, and refuses a length whose elements could not fit in the largest packet of the
 * trace being read on the calling thread; libbabeltrace2 then stops that stream with an
 * error, as for any other damage.
 *
 * strata_bt_guard_set_packet_bits() tells the calling thread the largest packet, in bits, of
 * what it reads next (0: not known, then 8 MiB is assumed).
 */
void    strata_bt_guard_set_packet_bits (guint64 bits);
guint   strata_bt_guard_n_refused       (void);

G_END_DECLS
