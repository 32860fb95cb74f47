/* strata-event-buffer.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-event-buffer"

#include "config.h"

#include <string.h>

#include "strata-batch-ring.h"
#include "strata-event-buffer.h"

#ifdef G_OS_UNIX
# include <sys/mman.h>
# include <unistd.h>
#endif

#define CHUNK_SIZE (256 * 1024)
/* header + cpu + time + every field, each a varint of at most 10 bytes */
#define MAX_RECORD (1 + 5 + 10 + 10 * STRATA_EVENT_MAX_FIELDS)
#define HEADER_CPU 0x80u

G_STATIC_ASSERT (STRATA_EV_N_KINDS <= 64);   /* the kinds mask */
G_STATIC_ASSERT (STRATA_EVENT_MAX_FIELDS == 9); /* strata_event_cursor_next() clears each */

typedef struct
{
  guint8 *data;
  gsize   used;
  gsize   size;          /* mapped */
} Chunk;

/*
 * Chunks are mapped by themselves, whatever the allocator's settings: the decoder's threads
 * make them and a model frees each as soon as it has read it, so that their pages go back to
 * the system at once, not into the decoder's heaps, where the analysis's rows could not use
 * them and the peak would grow by as much.
 */
static guint8 *
chunk_map (gsize size)
{
#if defined(G_OS_UNIX) && defined(MAP_ANONYMOUS)
  void *p = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

  if (p == MAP_FAILED)
    g_error ("%s: failed to map %" G_GSIZE_FORMAT " bytes", G_STRLOC, size);
  return p;
#else
  return g_malloc (size);
#endif
}

static void
chunk_unmap (Chunk *chunk)
{
  if (chunk->data == NULL)
    return;
#if defined(G_OS_UNIX) && defined(MAP_ANONYMOUS)
  munmap (chunk->data, chunk->size);
#else
  g_free (chunk->data);
#endif
  chunk->data = NULL;
}

/* Unmaps the pages past @used (keeping one). */
static void
chunk_shrink (Chunk *chunk)
{
#if defined(G_OS_UNIX) && defined(MAP_ANONYMOUS)
  gsize page = sysconf (_SC_PAGESIZE);
  gsize keep = MAX ((chunk->used + page - 1) / page * page, page);

  if (keep < chunk->size && munmap (chunk->data + keep, chunk->size - keep) == 0)
    chunk->size = keep;
#else
  chunk->data = g_realloc (chunk->data, MAX (chunk->used, 1));
  chunk->size = MAX (chunk->used, 1);
#endif
}

struct _StrataEventBuffer
{
  GArray *chunks;        /* Chunk */
  guint64 count;
  gint64  first_ts;
  gint64  last_ts;
  guint32 last_cpu;
  guint64 kinds;         /* bit k: an event of kind k was appended */
  gsize   memory;
};

StrataEventBuffer *
strata_event_buffer_new (void)
{
  StrataEventBuffer *self = g_new0 (StrataEventBuffer, 1);

  self->chunks = g_array_new (FALSE, FALSE, sizeof (Chunk));
  self->last_cpu = G_MAXUINT32;
  return self;
}

void
strata_event_buffer_free (StrataEventBuffer *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->chunks->len; i++)
    chunk_unmap (&g_array_index (self->chunks, Chunk, i));
  g_array_unref (self->chunks);
  g_free (self);
}

static inline guint8 *
put_uvarint (guint8  *p,
             guint64  v)
{
  while (v >= 0x80)
    {
      *p++ = (guint8) (v | 0x80);
      v >>= 7;
    }
  *p++ = (guint8) v;
  return p;
}

static inline guint64
zigzag (gint64 v)
{
  return ((guint64) v << 1) ^ (guint64) (v >> 63);
}

static inline gint64
unzigzag (guint64 v)
{
  return (gint64) (v >> 1) ^ -(gint64) (v & 1);
}

/* Fields per kind, local: the coding loops are hot, the kind table lives in another file. */
static guint8 n_fields_of[256];

static void
init_n_fields (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (guint k = 0; k < STRATA_EV_N_KINDS; k++)
        n_fields_of[k] = MIN (strata_event_kind_info (k)->n_fields, STRATA_EVENT_MAX_FIELDS);
      g_once_init_leave (&done, 1);
    }
}

void
strata_event_buffer_append (StrataEventBuffer *self,
                            const StrataEvent *event)
{
  Chunk *chunk = NULL;
  guint8 *p;
  guint8 header;
  guint n;

  g_return_if_fail (self != NULL);
  g_return_if_fail (event->kind > STRATA_EV_NONE && event->kind < STRATA_EV_N_KINDS);

  if (self->chunks->len > 0)
    chunk = &g_array_index (self->chunks, Chunk, self->chunks->len - 1);
  if (chunk == NULL || chunk->used + MAX_RECORD > chunk->size)
    {
      Chunk fresh = { chunk_map (CHUNK_SIZE), 0, CHUNK_SIZE };

      /* Here, where a chunk is made (at a buffer's first event among others), not at every
       * event of the decode's hot path. */
      init_n_fields ();
      g_array_append_val (self->chunks, fresh);
      chunk = &g_array_index (self->chunks, Chunk, self->chunks->len - 1);
      self->memory += CHUNK_SIZE;
    }

  n = n_fields_of[event->kind];
  p = chunk->data + chunk->used;
  header = event->kind;
  if (event->cpu != self->last_cpu)
    header |= HEADER_CPU;
  *p++ = header;
  if (header & HEADER_CPU)
    p = put_uvarint (p, event->cpu);
  p = put_uvarint (p, zigzag (self->count == 0 ? event->ts : event->ts - self->last_ts));
  for (guint i = 0; i < n; i++)
    p = put_uvarint (p, zigzag (event->f[i]));
  chunk->used = p - chunk->data;

  if (self->count == 0)
    self->first_ts = event->ts;
  self->last_ts = event->ts;
  self->last_cpu = event->cpu;
  self->kinds |= G_GUINT64_CONSTANT (1) << event->kind;
  self->count++;
}

void
strata_event_buffer_seal (StrataEventBuffer *self)
{
  Chunk *chunk;

  g_return_if_fail (self != NULL);

  if (self->chunks->len == 0)
    return;
  /* Give back the unused tail of the last chunk: with many small streams it adds up. */
  chunk = &g_array_index (self->chunks, Chunk, self->chunks->len - 1);
  if (chunk->used < CHUNK_SIZE)
    {
      self->memory -= CHUNK_SIZE - chunk->used;
      chunk_shrink (chunk);
    }
}

guint64
strata_event_buffer_count (const StrataEventBuffer *self)
{
  return self->count;
}

gsize
strata_event_buffer_memory (const StrataEventBuffer *self)
{
  return self->memory + sizeof *self + self->chunks->len * sizeof (Chunk);
}

guint64
strata_event_buffer_kinds (const StrataEventBuffer *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->kinds;
}

gint64
strata_event_buffer_first_ts (const StrataEventBuffer *self)
{
  return self->first_ts;
}

gint64
strata_event_buffer_last_ts (const StrataEventBuffer *self)
{
  return self->last_ts;
}

void
strata_event_cursor_init (StrataEventCursor       *cursor,
                          const StrataEventBuffer *buffer)
{
  init_n_fields ();
  cursor->buffer = buffer;
  cursor->chunk = 0;
  cursor->pos = cursor->end = NULL;
  cursor->ts = 0;
  cursor->cpu = 0;
  cursor->consume = FALSE;
}

static inline guint64
get_uvarint (const guint8 **pp)
{
  const guint8 *p = *pp;
  guint64 v = p[0];
  guint shift;

  /* Times and thread ids take two to four bytes: those are unrolled, with no shift count. */
  if (G_LIKELY (v < 0x80))
    {
      *pp = p + 1;
      return v;
    }
  v = (v & 0x7f) | (guint64) (p[1] & 0x7f) << 7;
  if (p[1] < 0x80)
    {
      *pp = p + 2;
      return v;
    }
  v |= (guint64) (p[2] & 0x7f) << 14;
  if (p[2] < 0x80)
    {
      *pp = p + 3;
      return v;
    }
  v |= (guint64) (p[3] & 0x7f) << 21;
  if (p[3] < 0x80)
    {
      *pp = p + 4;
      return v;
    }
  p += 4;
  shift = 28;
  while (*p & 0x80)
    {
      v |= (guint64) (*p++ & 0x7f) << shift;
      shift += 7;
    }
  v |= (guint64) *p++ << shift;
  *pp = p;
  return v;
}

/* Moves to the next chunk that holds an event; FALSE at the end. */
static gboolean
cursor_next_chunk (StrataEventCursor *cursor)
{
  while (cursor->pos == cursor->end)
    {
      const Chunk *chunk;

      if (cursor->consume && cursor->chunk > 0)
        {
          /* Only this cursor reads the buffer: the chunk it leaves is not read again. */
          StrataEventBuffer *buffer = (StrataEventBuffer *) cursor->buffer;
          Chunk *done = &g_array_index (buffer->chunks, Chunk, cursor->chunk - 1);

          if (done->data != NULL)
            buffer->memory -= cursor->chunk < buffer->chunks->len ? CHUNK_SIZE : done->used;
          done->used = 0;
          chunk_unmap (done);
        }
      if (cursor->chunk >= cursor->buffer->chunks->len)
        return FALSE;
      chunk = &g_array_index (cursor->buffer->chunks, Chunk, cursor->chunk++);
      cursor->pos = chunk->data;
      cursor->end = chunk->data + chunk->used;
    }
  return TRUE;
}

/* An event record is a header (kind, and whether the CPU follows), the CPU when it changed,
 * the time's delta, then the kind's fields, each a varint. */

/* Reads the head of the record at @cursor, whose first byte is @header: the CPU and the
 * time; returns where its fields start. */
static inline const guint8 *
cursor_read_head (StrataEventCursor *cursor,
                  guint8             header)
{
  const guint8 *p = cursor->pos + 1;

  if (header & HEADER_CPU)
    cursor->cpu = (guint32) get_uvarint (&p);
  cursor->ts += unzigzag (get_uvarint (&p));
  return p;
}

/* Past @n fields from @p, undecoded. */
static inline const guint8 *
skip_fields (const guint8 *p,
             guint         n)
{
  for (; n > 0; p++)
    n -= !(*p & 0x80);
  return p;
}

/* @event from the head @cursor read, a record of @kind whose fields start at @p: the first
 * @n fields read, the others 0, the rest of the record stepped over; returns its end. */
static inline const guint8 *
read_event (const StrataEventCursor *cursor,
            guint8                   kind,
            const guint8            *p,
            guint                    n,
            StrataEvent             *event)
{
  /* Every slot first, as plain stores the compiler keeps inline (a memset of the whole
   * event becomes a call): the slots the kind does not use read 0, as appended. */
  event->f[0] = event->f[1] = event->f[2] = event->f[3] = event->f[4] = 0;
  event->f[5] = event->f[6] = event->f[7] = event->f[8] = 0;
  event->ts = cursor->ts;
  event->cpu = cursor->cpu;
  event->kind = kind;
  event->reserved = 0;
  for (guint i = 0; i < n; i++)
    event->f[i] = unzigzag (get_uvarint (&p));
  return skip_fields (p, n_fields_of[kind] - n);
}

gboolean
strata_event_cursor_next (StrataEventCursor *cursor,
                          StrataEvent       *event)
{
  guint8 header, kind;

  if (G_UNLIKELY (cursor->pos == cursor->end) && !cursor_next_chunk (cursor))
    return FALSE;
  header = *cursor->pos;
  kind = header & ~HEADER_CPU;
  cursor->pos = read_event (cursor, kind, cursor_read_head (cursor, header), n_fields_of[kind], event);
  return TRUE;
}

gboolean
strata_event_cursor_next_wanted (StrataEventCursor *cursor,
                                 StrataEvent       *event,
                                 const gboolean    *wanted)
{
  for (;;)
    {
      guint8 header, kind;

      if (G_UNLIKELY (cursor->pos == cursor->end) && !cursor_next_chunk (cursor))
        return FALSE;
      header = *cursor->pos;
      kind = header & ~HEADER_CPU;
      if ((guint) kind < STRATA_EV_N_KINDS && wanted[kind])
        return strata_event_cursor_next (cursor, event);
      /* Times are deltas: that one is read, the fields are only stepped over. */
      cursor->pos = skip_fields (cursor_read_head (cursor, header), n_fields_of[kind]);
    }
}

gint
strata_event_cursor_peek (StrataEventCursor *cursor)
{
  if (G_UNLIKELY (cursor->pos == cursor->end) && !cursor_next_chunk (cursor))
    return -1;
  return *cursor->pos & ~HEADER_CPU;
}

gboolean
strata_event_cursor_skip (StrataEventCursor *cursor)
{
  guint8 header;

  if (G_UNLIKELY (cursor->pos == cursor->end) && !cursor_next_chunk (cursor))
    return FALSE;
  header = *cursor->pos;
  cursor->pos = skip_fields (cursor_read_head (cursor, header), n_fields_of[header & ~HEADER_CPU]);
  return TRUE;
}

guint64
strata_event_cursor_skip_unwanted (StrataEventCursor *cursor,
                                   const gboolean    *wanted,
                                   guint64            max)
{
  guint64 n = 0;

  while (n < max)
    {
      guint8 header, kind;

      if (G_UNLIKELY (cursor->pos == cursor->end) && !cursor_next_chunk (cursor))
        break;
      header = *cursor->pos;
      kind = header & ~HEADER_CPU;
      if ((guint) kind < STRATA_EV_N_KINDS && wanted[kind])
        break;
      cursor->pos = skip_fields (cursor_read_head (cursor, header), n_fields_of[kind]);
      n++;
    }
  return n;
}

/* Merge: a tournament of the sources' next times, each match keeping its loser, so that
 * the next winner is found by replaying the last one's matches only: one comparison a level,
 * where a heap's sifting takes two. Ties go to the lower buffer index. */

typedef struct
{
  StrataEventCursor cursor;
  StrataEvent       slot[2];    /* the head, and the event returned last by merge_step() */
  guint             cur;
  guint8            kind;       /* running ahead: the head's, whose fields are not read yet */
} Source;

typedef struct
{
  gint64 ts;
  guint  rank;                  /* its index; + the number of leaves once out */
} Leaf;

typedef struct _RunAhead RunAhead;

struct _StrataEventMerge
{
  Source         *sources;
  guint           n_sources;
  guint           n_leaves;    /* a power of two, at least n_sources */
  Leaf           *leaves;      /* by source; past n_sources, out */
  guint          *losers;      /* [0]: the winner; [node]: the loser of node's match */
  guint           n_live;      /* sources with a next event */
  const guint8   *take;        /* NULL: every kind, whole; else by kind, 0 to step over or
                                * 1 + how many leading fields to read */
  guint8          take_table[128];
  RunAhead       *ahead;       /* merging on a thread of its own, or NULL */
  gboolean        consume;     /* see strata_event_merge_consume() */
};

/*
 * Run ahead: a thread decodes and merges the events into batches, which the reader takes in
 * turn. The events are those merge_step() would give, in the same order; only the work moves
 * to another core, where a large machine's model would otherwise wait for it.
 */
#define AHEAD_BATCH 4096
#define AHEAD_BATCHES 4

struct _RunAhead
{
  GThread           *thread;
  StrataBatchRing   *ring;     /* of StrataEvent */
  const StrataEvent *current;  /* the reader's batch, its length and its next event */
  guint              n;
  guint              pos;
};

/* A source's head is peeked at first, its time, CPU and kind (all the merge needs), and its
 * fields are read when it is taken: running ahead, straight into a batch, instead of into
 * the source and copied from there. */

/* Moves @cursor to its next event of a kind @take wants (any kind when NULL), read up to
 * its fields; FALSE at the end. */
static inline gboolean
cursor_peek_wanted (StrataEventCursor *cursor,
                    const guint8      *take,
                    guint8            *kind)
{
  for (;;)
    {
      const guint8 *p;
      guint8 header, k;

      if (G_UNLIKELY (cursor->pos == cursor->end) && !cursor_next_chunk (cursor))
        return FALSE;
      header = *cursor->pos;
      k = header & ~HEADER_CPU;
      p = cursor_read_head (cursor, header);
      if (take == NULL || take[k] != 0)
        {
          cursor->pos = p;
          *kind = k;
          return TRUE;
        }
      cursor->pos = skip_fields (p, n_fields_of[k]);
    }
}

/* The event @cursor was moved to, whose kind is @kind: its fields (those @take asks for)
 * are read into @event. */
static inline void
cursor_take (StrataEventCursor *cursor,
             const guint8      *take,
             guint8             kind,
             StrataEvent       *event)
{
  guint n = take == NULL ? n_fields_of[kind] : MIN ((guint) take[kind] - 1, n_fields_of[kind]);

  cursor->pos = read_event (cursor, kind, cursor->pos, n, event);
}

/* Moves @cursor to its next event whose kind @take wants and reads that, up to the leading
 * fields @take asks for (the others read 0, the rest stepped over); FALSE at the end. */
static inline gboolean
cursor_next_take (StrataEventCursor *cursor,
                  StrataEvent       *event,
                  const guint8      *take)
{
  guint8 kind;

  if (!cursor_peek_wanted (cursor, take, &kind))
    return FALSE;
  cursor_take (cursor, take, kind, event);
  return TRUE;
}

static inline gboolean
source_next (StrataEventMerge *self,
             Source           *source,
             StrataEvent      *event)
{
  return self->take ? cursor_next_take (&source->cursor, event, self->take)
                    : strata_event_cursor_next (&source->cursor, event);
}

static inline gboolean
leaf_before (const Leaf *a,
             const Leaf *b)
{
  return a->ts < b->ts || (a->ts == b->ts && a->rank < b->rank);
}

/* Source @i has no next event: it loses every match from now on. */
static inline void
leaf_out (StrataEventMerge *self,
          guint             i)
{
  self->leaves[i] = (Leaf) { G_MAXINT64, i + self->n_leaves };
  self->n_live--;
}

/* Every match played, from the leaves up. */
static void
tournament_build (StrataEventMerge *self)
{
  guint n = self->n_leaves;
  g_autofree guint *winners = g_new (guint, 2 * n);

  for (guint i = 0; i < n; i++)
    winners[n + i] = i;
  for (guint node = n; node-- > 1;)
    {
      guint l = winners[2 * node], r = winners[2 * node + 1];

      if (leaf_before (&self->leaves[r], &self->leaves[l]))
        {
          winners[node] = r;
          self->losers[node] = l;
        }
      else
        {
          winners[node] = l;
          self->losers[node] = r;
        }
    }
  self->losers[0] = winners[1];
}

/* The winner @w has a new time (or is out): its matches again, up to the root. */
static inline void
tournament_replay (StrataEventMerge *self,
                   guint             w)
{
  guint *losers = self->losers;
  const Leaf *leaves = self->leaves;

  for (guint node = (w + self->n_leaves) >> 1; node > 0; node >>= 1)
    {
      guint l = losers[node];

      if (leaf_before (&leaves[l], &leaves[w]))
        {
          losers[node] = w;
          w = l;
        }
    }
  losers[0] = w;
}

StrataEventMerge *
strata_event_merge_new (StrataEventBuffer * const *buffers,
                        guint                      n_buffers)
{
  return strata_event_merge_new_wanted (buffers, n_buffers, NULL);
}

static StrataEventMerge *
merge_new (StrataEventBuffer * const *buffers,
           guint                      n_buffers,
           const guint8              *take);

StrataEventMerge *
strata_event_merge_new_wanted (StrataEventBuffer * const *buffers,
                               guint                      n_buffers,
                               const gboolean            *wanted)
{
  guint8 take[128] = { 0 };

  if (wanted == NULL)
    return merge_new (buffers, n_buffers, NULL);
  for (guint k = 0; k < STRATA_EV_N_KINDS; k++)
    take[k] = wanted[k] ? STRATA_EVENT_MAX_FIELDS + 1 : 0;
  return merge_new (buffers, n_buffers, take);
}

StrataEventMerge *
strata_event_merge_new_fields (StrataEventBuffer * const *buffers,
                               guint                      n_buffers,
                               const guint8              *fields)
{
  guint8 take[128] = { 0 };

  for (guint k = 0; k < STRATA_EV_N_KINDS; k++)
    take[k] = fields[k] == 0 ? 0 : MIN (fields[k], STRATA_EVENT_MAX_FIELDS + 1);
  return merge_new (buffers, n_buffers, take);
}

static StrataEventMerge *
merge_new (StrataEventBuffer * const *buffers,
           guint                      n_buffers,
           const guint8              *take)
{
  StrataEventMerge *self = g_new0 (StrataEventMerge, 1);

  init_n_fields ();
  if (take != NULL)
    {
      memcpy (self->take_table, take, sizeof self->take_table);
      self->take = self->take_table;
    }
  self->sources = g_new0 (Source, MAX (n_buffers, 1));
  self->n_sources = n_buffers;
  self->n_leaves = 1;
  while (self->n_leaves < n_buffers)
    self->n_leaves *= 2;
  self->leaves = g_new (Leaf, self->n_leaves);
  self->losers = g_new (guint, self->n_leaves);
  self->n_live = self->n_leaves;
  for (guint i = 0; i < self->n_leaves; i++)
    {
      Source *s = i < n_buffers ? &self->sources[i] : NULL;

      if (s != NULL)
        strata_event_cursor_init (&s->cursor, buffers[i]);
      if (s != NULL && source_next (self, s, &s->slot[0]))
        self->leaves[i] = (Leaf) { s->slot[0].ts, i };
      else
        leaf_out (self, i);
    }
  tournament_build (self);
  return self;
}

/* From the start again, each source's head peeked at, in a tournament as merge_new() makes
 * it: the same keys, so the same order. */
static void
merge_restart_peeked (StrataEventMerge *self)
{
  self->n_live = self->n_leaves;
  for (guint i = 0; i < self->n_leaves; i++)
    {
      Source *s = i < self->n_sources ? &self->sources[i] : NULL;

      if (s != NULL)
        {
          strata_event_cursor_init (&s->cursor, s->cursor.buffer);
          s->cursor.consume = self->consume;
        }
      if (s != NULL && cursor_peek_wanted (&s->cursor, self->take, &s->kind))
        self->leaves[i] = (Leaf) { s->cursor.ts, i };
      else
        leaf_out (self, i);
    }
  tournament_build (self);
}

/* Up to @max events, merged by this thread from peeked sources into @events. */
static guint
merge_fill_peeked (StrataEventMerge *self,
                   StrataEvent      *events,
                   guint             max)
{
  guint n = 0;

  while (n < max && self->n_live > 0)
    {
      guint w = self->losers[0];
      Source *top = &self->sources[w];

      cursor_take (&top->cursor, self->take, top->kind, &events[n++]);
      if (cursor_peek_wanted (&top->cursor, self->take, &top->kind))
        self->leaves[w].ts = top->cursor.ts;
      else
        leaf_out (self, w);
      tournament_replay (self, w);
    }
  return n;
}

static gpointer
run_ahead_thread (gpointer data)
{
  StrataEventMerge *self = data;
  StrataBatchRing *ring = self->ahead->ring;
  StrataEvent *batch;

  merge_restart_peeked (self);
  while ((batch = strata_batch_ring_fill (ring)) != NULL)
    {
      guint n = merge_fill_peeked (self, batch, AHEAD_BATCH);

      strata_batch_ring_hand_over (ring, n, n < AHEAD_BATCH);
      if (n < AHEAD_BATCH)
        break;
    }
  return NULL;
}

void
strata_event_merge_consume (StrataEventMerge *self)
{
  g_return_if_fail (self != NULL && self->ahead == NULL);

  /* The merge read at most the first chunk of each buffer yet, and run_ahead() starts again
   * from there, so no chunk is freed before it is read for the last time. */
  self->consume = TRUE;
  for (guint i = 0; i < self->n_sources; i++)
    self->sources[i].cursor.consume = TRUE;
}

void
strata_event_merge_run_ahead (StrataEventMerge *self)
{
  RunAhead *ahead;

  g_return_if_fail (self != NULL && self->ahead == NULL);

  ahead = g_new0 (RunAhead, 1);
  ahead->ring = strata_batch_ring_new (sizeof (StrataEvent), AHEAD_BATCH, AHEAD_BATCHES);
  self->ahead = ahead;
  ahead->thread = g_thread_try_new ("strata-merge", run_ahead_thread, self, NULL);
  if (ahead->thread == NULL)
    {
      /* No thread: the reader merges, as without. */
      self->ahead = NULL;
      strata_batch_ring_free (ahead->ring);
      g_free (ahead);
    }
}

static const StrataEvent *
run_ahead_step (RunAhead *ahead)
{
  /* The last batch may be empty; past the end, every step finds none again. */
  while (ahead->pos == ahead->n)
    {
      ahead->current = strata_batch_ring_take (ahead->ring, &ahead->n);
      ahead->pos = 0;
      if (ahead->current == NULL)
        return NULL;
    }
  return &ahead->current[ahead->pos++];
}

void
strata_event_merge_free (StrataEventMerge *self)
{
  if (self == NULL)
    return;
  if (self->ahead != NULL)
    {
      RunAhead *ahead = self->ahead;

      strata_batch_ring_stop (ahead->ring);
      g_thread_join (ahead->thread);
      strata_batch_ring_free (ahead->ring);
      g_free (ahead);
    }
  g_free (self->sources);
  g_free (self->leaves);
  g_free (self->losers);
  g_free (self);
}

/* Advances the winner @w past its head: its next event, or out. */
static inline void
advance_top (StrataEventMerge *self,
             guint             w)
{
  Source *top = &self->sources[w];

  if (source_next (self, top, &top->slot[top->cur]))
    self->leaves[w].ts = top->slot[top->cur].ts;
  else
    leaf_out (self, w);
  tournament_replay (self, w);
}

/* The next event, merged by this thread. */
static gboolean
merge_next_here (StrataEventMerge *self,
                 StrataEvent      *event)
{
  Source *top;

  if (self->n_live == 0)
    return FALSE;
  top = &self->sources[self->losers[0]];
  *event = top->slot[top->cur];
  advance_top (self, self->losers[0]);
  return TRUE;
}

gboolean
strata_event_merge_next (StrataEventMerge *self,
                         StrataEvent      *event)
{
  const StrataEvent *next;

  if (self->ahead == NULL)
    return merge_next_here (self, event);
  if ((next = run_ahead_step (self->ahead)) == NULL)
    return FALSE;
  *event = *next;
  return TRUE;
}

const StrataEvent *
strata_event_merge_step_many (StrataEventMerge *self,
                              guint            *n)
{
  const StrataEvent *first;

  if (self->ahead == NULL)
    {
      first = strata_event_merge_step (self);
      *n = first != NULL;
      return first;
    }
  /* The rest of the batch run_ahead_step() takes the first from, all at once. */
  if ((first = run_ahead_step (self->ahead)) == NULL)
    {
      *n = 0;
      return NULL;
    }
  *n = self->ahead->n - self->ahead->pos + 1;
  self->ahead->pos = self->ahead->n;
  return first;
}

const StrataEvent *
strata_event_merge_step (StrataEventMerge *self)
{
  const StrataEvent *event;
  Source *top;

  if (G_UNLIKELY (self->ahead != NULL))
    return run_ahead_step (self->ahead);
  if (self->n_live == 0)
    return NULL;
  top = &self->sources[self->losers[0]];
  /* No copy: hand out the head and decode the next one into the other slot. */
  event = &top->slot[top->cur];
  top->cur ^= 1;
  advance_top (self, self->losers[0]);
  return event;
}
