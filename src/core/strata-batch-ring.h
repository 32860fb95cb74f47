/* strata-batch-ring.h: batches of items handed from one thread to another, in order
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * One producer fills batches of fixed-size items that one consumer takes in turn: a ring of
 * a few batches, so that either side waits only when the other is that far behind. The
 * producer is the thread that runs ahead (the merge of a large machine's events), or the one
 * that hands work over (a host's model, its KVM exits).
 */
typedef struct _StrataBatchRing StrataBatchRing;

StrataBatchRing *strata_batch_ring_new       (gsize            item_size,
                                              guint            batch_len,
                                              guint            n_batches);
/* Once neither side uses it any more. */
void             strata_batch_ring_free      (StrataBatchRing *self);

/* Producer: room for batch_len items, waited for; NULL once the consumer stopped. */
gpointer         strata_batch_ring_fill      (StrataBatchRing *self);
/* Producer: the batch fill() gave holds @n items; @last: none comes after it. */
void             strata_batch_ring_hand_over (StrataBatchRing *self,
                                              guint            n,
                                              gboolean         last);

/* Consumer: gives back the batch it took before, and takes the next, waited for, with its
 * number of items in *@n; NULL after the last. */
gconstpointer    strata_batch_ring_take      (StrataBatchRing *self,
                                              guint           *n);
/* Consumer: it wants no more; the producer's next fill() returns NULL. */
void             strata_batch_ring_stop      (StrataBatchRing *self);

G_END_DECLS
