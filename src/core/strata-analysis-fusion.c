/* strata-analysis-fusion.c: the guests' CPU rows put into the host's pCPU rows
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-fusion"

#include "config.h"

#include <string.h>

#include "strata-analysis-private.h"
#include "strata-parallel.h"

#define FUSE_CACHE_SIZE 1024

typedef struct
{
  guint32 host_id;
  guint32 guest_id;
  guint32 fused;
} FuseSlot;

/* The fused description of a pCPU in guest mode (@host: the host's view, state guest) while
 * the guest's CPU row holds @guest_id (G_MAXUINT32: not traced). */
static guint32
fused_id (StrataStoreBuilder    *hb,
          guint32                host_id,
          const StrataStateDesc *host,
          StrataStoreBuilder    *gb,
          guint32                guest_id,
          FuseSlot              *cache)
{
  FuseSlot *slot = &cache[(host_id * 31u + guest_id) % FUSE_CACHE_SIZE];
  StrataStateDesc d = *host;

  if (slot->host_id == host_id && slot->guest_id == guest_id)
    return slot->fused;
  d.host_tid = host->tid;
  if (guest_id != G_MAXUINT32)
    {
      const StrataStateDesc *gd = strata_store_builder_desc (gb, guest_id);

      if (gd->state != STRATA_STATE_UNKNOWN)
        {
          d.state = gd->state;
          d.tid = gd->tid;
          d.comm = gd->comm;
          d.irq = gd->irq;
          d.detail = gd->detail;
        }
    }
  slot->host_id = host_id;
  slot->guest_id = guest_id;
  slot->fused = strata_store_builder_intern (hb, &d);
  return slot->fused;
}

/* Index of the last change of @view at or before @ts, or -1; searched forward from @hint
 * (the answer for an earlier time) when it can be. */
static gint64
find_from (const StrataRowView *view,
           gint64               ts,
           gint64              *hint)
{
  gint64 len = view->n;
  gint64 lo = *hint, step = 1, hi;

  if (lo < 0 || lo >= len || strata_row_view_ts (view, lo) > ts)
    {
      lo = -1;
      hi = len;
    }
  else
    {
      /* Gallop: windows of one vCPU come in time order on each pCPU. */
      while (lo + step < len && strata_row_view_ts (view, lo + step) <= ts)
        {
          lo += step;
          step *= 2;
        }
      hi = MIN (lo + step, len);
    }
  while (hi - lo > 1)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (strata_row_view_ts (view, mid) <= ts)
        lo = mid;
      else
        hi = mid;
    }
  return *hint = lo;
}

typedef struct
{
  StrataStoreBuilder *b;
  guint               host_row;
  guint               row;
} FuseResult;

typedef struct
{
  Analysis *a;
  Model    *host;
  gint64    end;
  gint64    set_end;        /* for the rows' drawing summaries */
  guint64   guest_changes;  /* in every guest CPU row: what a fused row adds at most */
  gint      next;
  GMutex    lock;           /* of what follows */
  guint    *order;          /* the CPUs with a pCPU row, by row: the order rows move back in */
  guint     n_order;
  guint     moved;          /* how many of them did */
  FuseResult **ready;       /* by CPU: fused, waiting for the rows before it to move */
} FuseJob;

/* One pCPU row: the host's view, with each guest-mode interval replaced by the changes the
 * guest's CPU made within it. Written to @out's @out_row; the host builder is only read. */
static void
fuse_row (FuseJob            *job,
          guint               row,
          StrataStoreBuilder *out,
          guint               out_row,
          FuseSlot           *cache,
          guint32            *host_map,
          gint64            **hints)
{
  Analysis *a = job->a;
  StrataStoreBuilder *hb = job->host->b;
  StrataRowView host;

  strata_store_builder_row_view (hb, row, &host);
  for (guint64 i = 0; i < host.n; i++)
    {
      guint32 id = strata_row_view_id (&host, i);
      const StrataStateDesc *hd = strata_store_builder_desc (hb, id);
      gint64 from = strata_row_view_ts (&host, i);
      gint64 to = MIN (i + 1 < host.n ? strata_row_view_ts (&host, i + 1) : G_MAXINT64, job->end);
      StrataRowView guest;
      Model *model;
      Cpu *gc;
      gint64 j;

      if (hd->state != STRATA_STATE_GUEST)
        {
          guint32 *slot = &host_map[2 * (id % FUSE_CACHE_SIZE)];

          if (slot[0] != id)
            {
              slot[0] = id;
              slot[1] = strata_store_builder_intern (out, hd);
            }
          strata_store_builder_set_id_fast (out, out_row, from, slot[1]);
          continue;
        }
      model = hd->machine < a->models->len ? g_ptr_array_index (a->models, hd->machine) : NULL;
      gc = model != NULL && (guint) hd->vcpu < model->cpus->len ? &g_array_index (model->cpus, Cpu, hd->vcpu) : NULL;
      if (gc == NULL || gc->row < 0)
        {
          strata_store_builder_set_id_fast (out, out_row, from, fused_id (out, id, hd, NULL, G_MAXUINT32, cache));
          continue;
        }
      /* The guest's state at the entry, then its changes until the exit. */
      strata_store_builder_row_view (model->b, gc->row, &guest);
      j = find_from (&guest, from, &hints[hd->machine][hd->vcpu]);
      strata_store_builder_set_id_fast (out, out_row, from,
                                   fused_id (out, id, hd, model->b, j >= 0 ? strata_row_view_id (&guest, j) : G_MAXUINT32, cache));
      for (j++; j < (gint64) guest.n; j++)
        {
          gint64 when = strata_row_view_ts (&guest, j);

          if (when >= to)
            break;
          strata_store_builder_set_id_fast (out, out_row, when, fused_id (out, id, hd, model->b, strata_row_view_id (&guest, j), cache));
        }
    }
}

/* The row of a host's CPU that fusion rewrites: the set's host has its pcpu/N rows, another
 * KVM host of the set its own CPU rows. */
static inline gint
host_cpu_row (const Cpu *c)
{
  return c->pcpu_row >= 0 ? c->pcpu_row : c->row;
}

/* Whether host row @row has an interval in guest mode. */
static gboolean
row_has_guest (StrataStoreBuilder *hb,
               guint               row)
{
  StrataRowView view;

  strata_store_builder_row_view (hb, row, &view);
  if (view.id_mode == STRATA_IDS_PALETTE)
    {
      for (guint32 k = 1; k <= view.palette[0]; k++)
        if (strata_store_builder_desc (hb, view.palette[k])->state == STRATA_STATE_GUEST)
          return TRUE;
      return FALSE;
    }
  for (guint64 i = 0; i < view.n; i++)
    if (strata_store_builder_desc (hb, strata_row_view_id (&view, i))->state == STRATA_STATE_GUEST)
      return TRUE;
  return FALSE;
}

/* Moves the fused rows back into the host's builder in row order, each as soon as the rows
 * before it did: ids then do not depend on timing, and a row's builder, which holds a copy of
 * every description the row names, goes early. Meanwhile (@workers) the other workers read
 * the host's descriptions, which a move may not reallocate, and rows of their own. */
static void
move_ready (FuseJob  *job,
            gboolean  workers)
{
  while (job->moved < job->n_order && job->ready[job->order[job->moved]] != NULL)
    {
      FuseResult *result = job->ready[job->order[job->moved]];

      /* Beyond the room reserved (damaged traces only), once the workers are done. */
      if (workers && result->b != NULL && !strata_store_builder_descs_fit (job->host->b, result->b))
        return;
      job->ready[job->order[job->moved]] = NULL;

      /* None: the host's row stays as it is (no guest mode). */
      if (result->b != NULL)
        strata_store_builder_move_rows (job->host->b, &result->host_row, result->b, &result->row, 1);
      strata_store_builder_free (result->b);
      g_free (result);
      job->moved++;
    }
}

static gpointer
fuse_worker (gpointer data)
{
  FuseJob *job = data;
  Analysis *a = job->a;
  g_autofree FuseSlot *cache = g_new (FuseSlot, FUSE_CACHE_SIZE);
  g_autofree guint32 *host_map = g_new (guint32, 2 * FUSE_CACHE_SIZE);
  g_autofree gint64 **hints = g_new0 (gint64 *, a->models->len);
  gint cpu;

  for (guint m = 0; m < a->models->len; m++)
    {
      Model *model = g_ptr_array_index (a->models, m);

      hints[m] = g_new (gint64, MAX (model->cpus->len, 1));
      memset (hints[m], 0xff, MAX (model->cpus->len, 1) * sizeof (gint64));
    }
  while ((cpu = g_atomic_int_add (&job->next, 1)) < (gint) job->host->cpus->len)
    {
      guint row = host_cpu_row (&g_array_index (job->host->cpus, Cpu, cpu)), out_row;
      FuseResult *result;

      if ((gint) row < 0)
        continue;
      /* A pCPU that never ran a guest: its fused row would be its row as it is, each of its
       * descriptions interned into a builder of its own and back, which finds each again. */
      if (!row_has_guest (job->host->b, row))
        {
          strata_store_builder_summarize (job->host->b, row, job->set_end);
          result = g_new0 (FuseResult, 1);
          g_mutex_lock (&job->lock);
          job->ready[cpu] = result;
          move_ready (job, TRUE);
          g_mutex_unlock (&job->lock);
          continue;
        }
      /* A builder per row, whichever thread fuses it: the ids its descriptions get when the
       * rows come back in CPU order then do not depend on how the rows were shared out. */
      result = g_new0 (FuseResult, 1);
      result->b = strata_store_builder_new_spilling (job->host->a->spill);
      memset (cache, 0xff, FUSE_CACHE_SIZE * sizeof (FuseSlot));
      memset (host_map, 0xff, 2 * FUSE_CACHE_SIZE * sizeof (guint32));
      out_row = strata_store_builder_add_row (result->b, "", STRATA_ROW_PCPU, 0, cpu);
      /* At most a change for each of the host row's and one for each of the guests' CPU
       * rows': room for that many, which the row never outgrows, so that it never moves (two
       * rows of millions of changes grow at a time here, at the peak of a set of many
       * guests). */
      strata_store_builder_row_reserve (result->b, out_row,
                                        strata_store_builder_row_len (job->host->b, row) + job->guest_changes);
      fuse_row (job, row, result->b, out_row, cache, host_map, hints);
      /* The host's own row is not read again (this thread alone reads it). */
      strata_store_builder_row_clear (job->host->b, row);
      strata_store_builder_row_trim (result->b, out_row);
      /* It may wait for the rows before it with its descriptions, which move_rows() reads,
       * but no index of them. */
      strata_store_builder_drop_index (result->b);
      strata_store_builder_summarize (result->b, out_row, job->set_end);
      result->host_row = row;
      result->row = out_row;
      g_mutex_lock (&job->lock);
      job->ready[cpu] = result;
      move_ready (job, TRUE);
      g_mutex_unlock (&job->lock);
    }
  for (guint m = 0; m < a->models->len; m++)
    g_free (hints[m]);
  return NULL;
}

static int
compare_pcpu_rows (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  Model *host = user_data;
  gint ra = host_cpu_row (&g_array_index (host->cpus, Cpu, *(const guint *) a));
  gint rb = host_cpu_row (&g_array_index (host->cpus, Cpu, *(const guint *) b));

  return ra < rb ? -1 : ra > rb;
}

/* After every model ran (each on its own), a host's pCPU rows take in its guests' CPU rows,
 * one pCPU row a thread: the builders are only read, each thread writes one of its own. */
void
_strata_analysis_fuse (Analysis *a,
                       Model    *host,
                       gint64    set_end)
{
  FuseJob job = { a, host, to_host (host, strata_time_clamp (host->machine->trace->end_ns)), set_end, 0 };
  guint64 changes = 0;

  g_mutex_init (&job.lock);
  job.order = g_new (guint, MAX (host->cpus->len, 1));
  job.ready = g_new0 (FuseResult *, MAX (host->cpus->len, 1));
  for (guint c = 0; c < host->cpus->len; c++)
    {
      gint row = host_cpu_row (&g_array_index (host->cpus, Cpu, c));

      if (row < 0)
        continue;
      job.order[job.n_order++] = c;
      changes += strata_store_builder_row_len (host->b, row);
    }
  g_qsort_with_data (job.order, job.n_order, sizeof (guint), compare_pcpu_rows, host);
  /* A fused row has at most a change for each of its own and of the guests' CPU rows, each
   * of which makes at most one new description. */
  for (guint m = 0; m < a->models->len; m++)
    {
      Model *model = g_ptr_array_index (a->models, m);

      if (model == NULL || model->vm == NULL || model->vm->host != host->index || model->b == NULL)
        continue;
      for (guint c = 0; c < model->cpus->len; c++)
        if (g_array_index (model->cpus, Cpu, c).row >= 0)
          job.guest_changes += strata_store_builder_row_len (model->b, g_array_index (model->cpus, Cpu, c).row);
    }
  changes += job.guest_changes;
  strata_store_builder_reserve_descs (host->b, changes);
  strata_parallel_run ("strata-fuse", host->cpus->len, fuse_worker, &job);
  move_ready (&job, FALSE);
  g_assert (job.moved == job.n_order);
  g_free (job.order);
  g_free (job.ready);
  g_mutex_clear (&job.lock);
  /* Nothing is interned into the host's builder from now on either: the merge takes its
   * descriptions as they are. */
  strata_store_builder_drop_index (host->b);
}
