/* strata-event-buffer.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-event-buffer"

#include "config.h"

#include "strata-event-buffer.h"

#define CHUNK_SIZE (256 * 1024)
/* header + cpu + time + every field, each a varint of at most 10 bytes */
#define MAX_RECORD (1 + 5 + 10 + 10 * STRATA_EVENT_MAX_FIELDS)
#define HEADER_CPU 0x80u

typedef struct
{
  guint8 *data;
  gsize   used;
} Chunk;

struct _StrataEventBuffer
{
  GArray *chunks;        /* Chunk */
  guint64 count;
  gint64  first_ts;
  gint64  last_ts;
  guint32 last_cpu;
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
    g_free (g_array_index (self->chunks, Chunk, i).data);
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

void
strata_event_buffer_append (StrataEventBuffer *self,
                            const StrataEvent *event)
{
  const StrataEventKindInfo *info;
  Chunk *chunk = NULL;
  guint8 *p;
  guint8 header;

  g_return_if_fail (self != NULL);
  g_return_if_fail (event->kind > STRATA_EV_NONE && event->kind < STRATA_EV_N_KINDS);

  if (self->chunks->len > 0)
    chunk = &g_array_index (self->chunks, Chunk, self->chunks->len - 1);
  if (chunk == NULL || chunk->used + MAX_RECORD > CHUNK_SIZE)
    {
      Chunk fresh = { g_malloc (CHUNK_SIZE), 0 };

      g_array_append_val (self->chunks, fresh);
      chunk = &g_array_index (self->chunks, Chunk, self->chunks->len - 1);
      self->memory += CHUNK_SIZE;
    }

  info = strata_event_kind_info (event->kind);
  p = chunk->data + chunk->used;
  header = event->kind;
  if (event->cpu != self->last_cpu)
    header |= HEADER_CPU;
  *p++ = header;
  if (header & HEADER_CPU)
    p = put_uvarint (p, event->cpu);
  p = put_uvarint (p, zigzag (self->count == 0 ? event->ts : event->ts - self->last_ts));
  for (guint i = 0; i < info->n_fields; i++)
    p = put_uvarint (p, zigzag (event->f[i]));
  chunk->used = p - chunk->data;

  if (self->count == 0)
    self->first_ts = event->ts;
  self->last_ts = event->ts;
  self->last_cpu = event->cpu;
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
      chunk->data = g_realloc (chunk->data, MAX (chunk->used, 1));
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
  cursor->buffer = buffer;
  cursor->chunk = 0;
  cursor->offset = 0;
  cursor->ts = 0;
  cursor->cpu = 0;
}

static inline guint64
get_uvarint (const guint8 **pp)
{
  const guint8 *p = *pp;
  guint64 v = 0;
  guint shift = 0;

  while (*p & 0x80)
    {
      v |= (guint64) (*p++ & 0x7f) << shift;
      shift += 7;
    }
  v |= (guint64) *p++ << shift;
  *pp = p;
  return v;
}

gboolean
strata_event_cursor_next (StrataEventCursor *cursor,
                          StrataEvent       *event)
{
  const StrataEventBuffer *buffer = cursor->buffer;
  const StrataEventKindInfo *info;
  const Chunk *chunk;
  const guint8 *p;
  guint8 header;
  guint i;

  for (;;)
    {
      if (cursor->chunk >= buffer->chunks->len)
        return FALSE;
      chunk = &g_array_index (buffer->chunks, Chunk, cursor->chunk);
      if (cursor->offset < chunk->used)
        break;
      cursor->chunk++;
      cursor->offset = 0;
    }

  p = chunk->data + cursor->offset;
  header = *p++;
  if (header & HEADER_CPU)
    cursor->cpu = (guint32) get_uvarint (&p);
  cursor->ts += unzigzag (get_uvarint (&p));

  event->ts = cursor->ts;
  event->cpu = cursor->cpu;
  event->kind = header & ~HEADER_CPU;
  event->reserved = 0;
  info = strata_event_kind_info (event->kind);
  for (i = 0; i < info->n_fields; i++)
    event->f[i] = unzigzag (get_uvarint (&p));
  for (; i < STRATA_EVENT_MAX_FIELDS; i++)
    event->f[i] = 0;

  cursor->offset = p - chunk->data;
  return TRUE;
}

/* Merge: a binary min-heap of cursors keyed by (next time, buffer index). */

typedef struct
{
  StrataEventCursor cursor;
  StrataEvent       slot[2];    /* the head, and the event returned last by merge_step() */
  guint             cur;
  guint             index;
} Source;

struct _StrataEventMerge
{
  Source *sources;
  guint  *heap;
  guint   n_heap;
};

static inline gboolean
source_before (const Source *a,
               const Source *b)
{
  gint64 ta = a->slot[a->cur].ts, tb = b->slot[b->cur].ts;

  return ta < tb || (ta == tb && a->index < b->index);
}

static void
sift_down (StrataEventMerge *self,
           guint             i)
{
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i, tmp;

      if (l < self->n_heap && source_before (&self->sources[self->heap[l]], &self->sources[self->heap[m]]))
        m = l;
      if (r < self->n_heap && source_before (&self->sources[self->heap[r]], &self->sources[self->heap[m]]))
        m = r;
      if (m == i)
        return;
      tmp = self->heap[i];
      self->heap[i] = self->heap[m];
      self->heap[m] = tmp;
      i = m;
    }
}

StrataEventMerge *
strata_event_merge_new (StrataEventBuffer * const *buffers,
                        guint                      n_buffers)
{
  StrataEventMerge *self = g_new0 (StrataEventMerge, 1);

  self->sources = g_new0 (Source, MAX (n_buffers, 1));
  self->heap = g_new0 (guint, MAX (n_buffers, 1));
  for (guint i = 0; i < n_buffers; i++)
    {
      Source *s = &self->sources[i];

      s->index = i;
      strata_event_cursor_init (&s->cursor, buffers[i]);
      if (strata_event_cursor_next (&s->cursor, &s->slot[0]))
        self->heap[self->n_heap++] = i;
    }
  for (guint i = self->n_heap / 2; i-- > 0;)
    sift_down (self, i);
  return self;
}

void
strata_event_merge_free (StrataEventMerge *self)
{
  if (self == NULL)
    return;
  g_free (self->sources);
  g_free (self->heap);
  g_free (self);
}

gboolean
strata_event_merge_next (StrataEventMerge *self,
                         StrataEvent      *event)
{
  Source *top;

  if (self->n_heap == 0)
    return FALSE;
  top = &self->sources[self->heap[0]];
  *event = top->slot[top->cur];
  if (!strata_event_cursor_next (&top->cursor, &top->slot[top->cur]))
    self->heap[0] = self->heap[--self->n_heap];
  sift_down (self, 0);
  return TRUE;
}

const StrataEvent *
strata_event_merge_step (StrataEventMerge *self)
{
  const StrataEvent *event;
  Source *top;

  if (self->n_heap == 0)
    return NULL;
  top = &self->sources[self->heap[0]];
  /* No copy: hand out the head and decode the next one into the other slot. */
  event = &top->slot[top->cur];
  top->cur ^= 1;
  if (!strata_event_cursor_next (&top->cursor, &top->slot[top->cur]))
    self->heap[0] = self->heap[--self->n_heap];
  if (self->n_heap > 1)
    sift_down (self, 0);
  return event;
}
