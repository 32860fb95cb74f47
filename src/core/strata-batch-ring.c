/* strata-batch-ring.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-batch-ring"

#include "config.h"

#include "strata-batch-ring.h"

struct _StrataBatchRing
{
  GMutex    lock;
  GCond     cond;
  guint8   *items;             /* n_batches * batch_len items */
  guint    *counts;            /* by batch */
  gsize     batch_bytes;
  guint     n_batches;
  guint64   filled;            /* batches handed over, */
  guint64   taken;             /* and those the consumer gave back */
  gboolean  holding;           /* the consumer has taken taken's */
  gboolean  done;              /* no batch after the last handed over */
  gboolean  stop;              /* the consumer wants no more */
};

StrataBatchRing *
strata_batch_ring_new (gsize item_size,
                       guint batch_len,
                       guint n_batches)
{
  StrataBatchRing *self = g_new0 (StrataBatchRing, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->batch_bytes = item_size * batch_len;
  self->n_batches = MAX (n_batches, 1);
  self->items = g_malloc (self->batch_bytes * self->n_batches);
  self->counts = g_new0 (guint, self->n_batches);
  return self;
}

void
strata_batch_ring_free (StrataBatchRing *self)
{
  if (self == NULL)
    return;
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->items);
  g_free (self->counts);
  g_free (self);
}

gpointer
strata_batch_ring_fill (StrataBatchRing *self)
{
  gpointer batch;

  g_mutex_lock (&self->lock);
  while (self->filled - self->taken == self->n_batches && !self->stop)
    g_cond_wait (&self->cond, &self->lock);
  batch = self->stop ? NULL : self->items + (self->filled % self->n_batches) * self->batch_bytes;
  g_mutex_unlock (&self->lock);
  return batch;
}

void
strata_batch_ring_hand_over (StrataBatchRing *self,
                             guint            n,
                             gboolean         last)
{
  g_mutex_lock (&self->lock);
  self->counts[self->filled % self->n_batches] = n;
  self->filled++;
  self->done = last;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

gconstpointer
strata_batch_ring_take (StrataBatchRing *self,
                        guint           *n)
{
  gconstpointer batch = NULL;

  g_mutex_lock (&self->lock);
  if (self->holding)
    {
      self->holding = FALSE;
      self->taken++;
      g_cond_broadcast (&self->cond);
    }
  while (self->filled == self->taken && !self->done)
    g_cond_wait (&self->cond, &self->lock);
  if (self->filled > self->taken)
    {
      guint b = self->taken % self->n_batches;

      batch = self->items + b * self->batch_bytes;
      *n = self->counts[b];
      self->holding = TRUE;
    }
  else
    *n = 0;
  g_mutex_unlock (&self->lock);
  return batch;
}

void
strata_batch_ring_stop (StrataBatchRing *self)
{
  g_mutex_lock (&self->lock);
  self->stop = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}
