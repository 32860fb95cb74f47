/* strata-tsdl-decode.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-tsdl"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <string.h>

#include "strata-tsdl-private.h"

/* ---- sizes ---- */

/* The least a field of @type takes, and the field objects libbabeltrace2 makes for it. */
static void
type_measure (Type  *type,
              guint  depth)
{
  if (type->min_bits != G_MAXUINT64 || depth > MAX_DEPTH * 4)
    return;
  switch (type->kind)
    {
    case TY_INT:
    case TY_ENUM:
    case TY_FLOAT:
      type->min_bits = type->size;
      type->elements = 1;
      break;
    case TY_STRING:
      type->min_bits = 8;
      type->elements = 1;
      break;
    case TY_STRUCT:
      type->min_bits = 0;
      type->elements = 1;
      for (guint i = 0; i < type->fields->len; i++)
        {
          Type *f = g_array_index (type->fields, Field, i).type;

          type_measure (f, depth + 1);
          type->min_bits = sat_add (type->min_bits, f->min_bits);
          type->elements = sat_add (type->elements, f->elements);
        }
      break;
    case TY_VARIANT:
      type->min_bits = G_MAXUINT64 - 1;
      type->elements = 1;
      for (guint i = 0; i < type->fields->len; i++)
        {
          Type *f = g_array_index (type->fields, Field, i).type;

          type_measure (f, depth + 1);
          type->min_bits = MIN (type->min_bits, f->min_bits);
          type->elements = MAX (type->elements, sat_add (f->elements, 1));
        }
      break;
    case TY_ARRAY:
      type_measure (type->element, depth + 1);
      type->min_bits = sat_mul (type->length, type->element->min_bits);
      /* A text array is one string field, whatever its length. */
      type->elements = type->text ? 1 : sat_add (1, sat_mul (type->length, type->element->elements));
      break;
    case TY_SEQUENCE:
      /* Empty at least; but libbabeltrace2 makes an element's fields as soon as the length
       * is not 0, so one element counts (the length itself is bounded as it is read, see
       * strata-bt-guard.c). */
      type_measure (type->element, depth + 1);
      type->min_bits = 0;
      type->elements = type->text ? 1 : sat_add (1, type->element->elements);
      break;
    default:
      type_measure (type->element, depth + 1);
      type->min_bits = 0;
      type->elements = 1;
      break;
    }
}

guint64
tsdl_min_bits_of (Type *type)
{
  if (type == NULL)
    return 0;
  type_measure (type, 0);
  return type->min_bits;
}

guint64
tsdl_elements_of (Type *type)
{
  if (type == NULL)
    return 0;
  type_measure (type, 0);
  return type->elements;
}

/* ---- clocks ---- */

static gint
clock_index (const StrataTsdl *tsdl,
             const char       *name)
{
  for (guint i = 0; i < tsdl->clocks->len; i++)
    if (g_str_equal (g_array_index (tsdl->clocks, Clock, i).name, name))
      return i;
  return -1;
}

/* The clock the integers of @type map to, as libbabeltrace2 finds a stream's default clock:
 * the first mapped integer; timestamp fields that map to none map to the only clock. */
gboolean
tsdl_find_mapped_clock (StrataTsdl *tsdl,
                        Type       *type,
                        const char *name,
                        gint       *clock,
                        guint       depth)
{
  if (type == NULL || depth > MAX_DEPTH * 4)
    return TRUE;
  switch (type->kind)
    {
    case TY_INT:
    case TY_ENUM:
      {
        gint c = -1;

        if (type->clock != NULL)
          {
            if ((c = clock_index (tsdl, type->clock)) < 0)
              return FALSE;
          }
        else if (name != NULL && (g_str_equal (name, "timestamp") || g_str_equal (name, "timestamp_begin") ||
                                  g_str_equal (name, "timestamp_end")))
          c = tsdl->clocks->len <= 1 ? 0 : -2;
        if (c == -2)
          return FALSE;
        if (c >= 0)
          {
            if (*clock >= 0 && *clock != c)
              return FALSE;
            *clock = c;
          }
        return TRUE;
      }
    case TY_STRUCT:
    case TY_VARIANT:
      for (guint i = 0; i < type->fields->len; i++)
        {
          Field *f = &g_array_index (type->fields, Field, i);

          if (!tsdl_find_mapped_clock (tsdl, f->type, f->name, clock, depth + 1))
            return FALSE;
        }
      return TRUE;
    case TY_ARRAY:
    case TY_SEQUENCE:
      return tsdl_find_mapped_clock (tsdl, type->element, NULL, clock, depth + 1);
    default:
      return TRUE;
    }
}

static gboolean
has_number_sequence (const Type *type,
                     guint       depth)
{
  if (type == NULL || depth > MAX_DEPTH * 4)
    return FALSE;
  switch (type->kind)
    {
    case TY_SEQUENCE:
      if (!type->text)
        return TRUE;
      return has_number_sequence (type->element, depth + 1);
    case TY_ARRAY:
      return has_number_sequence (type->element, depth + 1);
    case TY_STRUCT:
    case TY_VARIANT:
      for (guint i = 0; i < type->fields->len; i++)
        if (has_number_sequence (g_array_index (type->fields, Field, i).type, depth + 1))
          return TRUE;
      return FALSE;
    default:
      return FALSE;
    }
}

const char *
strata_tsdl_unreadable (const StrataTsdl *tsdl)
{
  if (has_number_sequence (tsdl->packet_header, 0))
    return _("its packet header holds a sequence, which libbabeltrace2 2.0 cannot read");
  for (guint i = 0; i < tsdl->streams->len; i++)
    if (has_number_sequence (g_array_index (tsdl->streams, StreamClass, i).event_header, 0))
      return _("its event header holds a sequence, which libbabeltrace2 2.0 cannot read");
  return NULL;
}

guint
strata_tsdl_n_stream_classes (const StrataTsdl *tsdl)
{
  return tsdl->streams->len;
}

guint64
strata_tsdl_stream_class_id (const StrataTsdl *tsdl,
                             guint             sc)
{
  g_return_val_if_fail (sc < tsdl->streams->len, 0);
  return g_array_index (tsdl->streams, StreamClass, sc).id;
}

gint
strata_tsdl_find_stream_class (const StrataTsdl *tsdl,
                               guint64           id)
{
  for (guint i = 0; i < tsdl->streams->len; i++)
    if (g_array_index (tsdl->streams, StreamClass, i).id == id)
      return i;
  return -1;
}

gboolean
strata_tsdl_stream_has_clock (const StrataTsdl *tsdl,
                              guint             sc)
{
  return sc < tsdl->streams->len && g_array_index (tsdl->streams, StreamClass, sc).clock >= 0;
}

guint64
strata_tsdl_stream_min_event_bits (const StrataTsdl *tsdl,
                                   guint             sc)
{
  StreamClass *s;

  if (sc >= tsdl->streams->len)
    return 0;
  s = &g_array_index (tsdl->streams, StreamClass, sc);
  return sat_add (tsdl_min_bits_of (s->event_header), tsdl_min_bits_of (s->event_context));
}

const StrataTsdlEvent *
strata_tsdl_events (const StrataTsdl *tsdl,
                    guint            *n_events)
{
  *n_events = tsdl->events->len;
  return (const StrataTsdlEvent *) tsdl->events->data;
}

/* libbabeltrace2's arithmetic (lib/trace-ir/utils.h), so that what it cannot convert, we
 * know it cannot. */
static guint64
ns_from_cycles (guint64 freq,
                guint64 cycles)
{
  double ns;

  if (freq == G_GUINT64_CONSTANT (1000000000))
    return cycles;
  ns = 1e9 * (double) cycles / (double) freq;
  return ns >= (double) G_MAXUINT64 ? G_MAXUINT64 : (guint64) ns;
}

gboolean
strata_tsdl_cycles_to_ns (const StrataTsdl *tsdl,
                          guint             sc,
                          guint64           cycles,
                          gint64           *ns)
{
  const Clock *clock;
  gint64 offset_s;
  guint64 offset, value_ns;
  gint64 base;

  if (!strata_tsdl_stream_has_clock (tsdl, sc))
    return FALSE;
  clock = &g_array_index (tsdl->clocks, Clock, g_array_index (tsdl->streams, StreamClass, sc).clock);
  offset_s = clock->offset_s;
  offset = clock->offset;
  if (offset >= clock->freq)
    {
      guint64 s = offset / clock->freq;

      if (s > (guint64) G_MAXINT64 || (offset_s > 0 && (gint64) s > G_MAXINT64 - offset_s))
        return FALSE;
      offset_s += (gint64) s;
      offset -= s * clock->freq;
    }
  if (offset_s <= G_MININT64 / 1000000000 - 1 || offset_s >= G_MAXINT64 / 1000000000 - 1)
    return FALSE;
  base = offset_s * 1000000000 + (gint64) ns_from_cycles (clock->freq, offset);
  value_ns = ns_from_cycles (clock->freq, cycles);
  if (value_ns >= (guint64) G_MAXINT64)
    return FALSE;
  if (base > 0 && (gint64) value_ns > G_MAXINT64 - base)
    return FALSE;
  *ns = base + (gint64) value_ns;
  return TRUE;
}

/* ---- decoding ---- */

typedef struct _Frame Frame;

struct _Frame
{
  Type     *type;         /* STRUCT, or VARIANT (one option decoded) */
  Frame    *parent;
  guint     parent_index;
  guint     n_done;       /* fields decoded so far */
  guint     option;       /* VARIANT: the selected option */
  guint64  *values;       /* per field: integers */
  gboolean *has_value;
  Frame   **children;     /* per field: structures and variants */
};

typedef struct
{
  StrataTsdl   *tsdl;
  const guint8 *buf;
  guint64       len_bits;
  guint64       at;       /* bits from the start of the packet */
  Frame        *header;   /* the roots of the packet header and context, once decoded, */
  Frame        *context;  /* for absolute references */
  GPtrArray    *frames;   /* every frame, to free */
  char        **reason;
  guint         depth;
} Decoder;

static void
frame_free (gpointer data)
{
  Frame *frame = data;

  g_free (frame->values);
  g_free (frame->has_value);
  g_free (frame->children);
  g_free (frame);
}

static Frame *
frame_new (Decoder *d,
           Type    *type,
           Frame   *parent,
           guint    parent_index)
{
  Frame *frame = g_new0 (Frame, 1);
  guint n = type->fields->len;

  frame->type = type;
  frame->parent = parent;
  frame->parent_index = parent_index;
  frame->values = g_new0 (guint64, n);
  frame->has_value = g_new0 (gboolean, n);
  frame->children = g_new0 (Frame *, n);
  g_ptr_array_add (d->frames, frame);
  return frame;
}

static StrataDecodeStatus
bad (Decoder    *d,
     char       *why)
{
  if (*d->reason == NULL)
    *d->reason = why;
  else
    g_free (why);
  return STRATA_DECODE_BAD;
}

static guint64
read_bits (const guint8 *buf,
           guint64       at,
           guint         size,
           ByteOrder     order)
{
  guint64 v = 0;

  if (at % 8 == 0 && size % 8 == 0)
    {
      const guint8 *p = buf + at / 8;
      guint n = size / 8;

      for (guint i = 0; i < n; i++)
        v |= (guint64) p[order == BO_BE ? i : n - 1 - i] << (8 * (n - 1 - i));
      return v;
    }
  for (guint i = 0; i < size; i++)
    {
      guint64 bit = at + i;

      if (order == BO_BE)
        v = v << 1 | ((buf[bit / 8] >> (7 - bit % 8)) & 1);
      else
        v |= (guint64) ((buf[bit / 8] >> (bit % 8)) & 1) << i;
    }
  return v;
}

static guint64
align_up (guint64 at,
          guint64 align)
{
  guint64 rem = at % align;

  return rem == 0 ? at : (at > G_MAXUINT64 - (align - rem) ? G_MAXUINT64 : at + (align - rem));
}


static Field *
frame_field (Frame *frame,
             guint  i)
{
  return &g_array_index (frame->type->fields, Field, i);
}

static gint
find_field (Frame      *frame,
            const char *orig,
            guint       limit)
{
  for (guint i = 0; i < MIN (limit, frame->type->fields->len); i++)
    if (g_str_equal (frame_field (frame, i)->orig, orig))
      return i;
  return -1;
}

/*
 * The integer a reference names, from field @index of @frame: a field before it in the same
 * structure or an enclosing one, or from the root of the packet header or context when the
 * path says so. Names are matched as written, as libbabeltrace2 resolves them.
 */
static gboolean
resolve (Decoder    *d,
         Frame      *frame,
         guint       index,
         const char *path,
         guint64    *value,
         Type      **type)
{
  g_auto(GStrv) tokens = g_strsplit (path, ".", -1);
  Frame *f = NULL;
  gint i = -1;
  guint t = 0;

  if (g_str_has_prefix (path, "trace.packet.header.") || g_str_has_prefix (path, "stream.packet.context."))
    {
      f = tokens[0][0] == 't' ? d->header : d->context;
      t = 3;
      if (f == NULL || tokens[t] == NULL || (i = find_field (f, tokens[t], G_MAXUINT)) < 0)
        return FALSE;
    }
  else
    {
      for (f = frame; f != NULL; index = f->parent_index, f = f->parent)
        if ((i = find_field (f, tokens[0], index)) >= 0)
          break;
      if (f == NULL)
        return FALSE;
    }
  for (t++; tokens[t] != NULL; t++)
    {
      Frame *child = f->children[i];

      if (child == NULL)
        return FALSE;
      if (child->type->kind == TY_VARIANT)
        {
          if (!g_str_equal (frame_field (child, child->option)->orig, tokens[t]))
            return FALSE;
          i = child->option;
        }
      else if ((i = find_field (child, tokens[t], child->n_done)) < 0)
        return FALSE;
      f = child;
    }
  if (!f->has_value[i])
    return FALSE;
  *value = f->values[i];
  *type = frame_field (f, i)->type;
  return TRUE;
}

static ByteOrder
order_of (const Decoder *d,
          const Type    *type)
{
  return type->byte_order == BO_NATIVE ? d->tsdl->byte_order : type->byte_order;
}

static StrataDecodeStatus decode (Decoder *d, Type *type, Frame *frame, guint index);

static StrataDecodeStatus
decode_compound (Decoder *d,
                 Type    *type,
                 Frame   *frame,
                 guint    index,
                 Frame  **out)
{
  Frame *child = frame_new (d, type, frame, index);
  StrataDecodeStatus status = STRATA_DECODE_OK;

  if (frame != NULL)
    frame->children[index] = child;
  if (out != NULL)
    *out = child;

  if (type->kind == TY_STRUCT)
    {
      d->at = align_up (d->at, type->align);
      for (guint i = 0; i < type->fields->len && status == STRATA_DECODE_OK; i++)
        {
          child->n_done = i;
          status = decode (d, frame_field (child, i)->type, child, i);
        }
      child->n_done = type->fields->len;
      return status;
    }
  else
    {
      guint64 tag = 0;
      Type *tag_type = NULL;

      if (type->path == NULL || frame == NULL || !resolve (d, frame, index, type->path, &tag, &tag_type) ||
          tag_type->kind != TY_ENUM)
        return bad (d, g_strdup_printf (_("the tag of a variant (%s) cannot be found"),
                                        type->path ? type->path : "?"));
      for (guint r = 0; r < tag_type->ranges->len; r++)
        {
          const EnumRange *range = &g_array_index (tag_type->ranges, EnumRange, r);
          gboolean in = tag_type->is_signed ? (gint64) tag >= (gint64) range->lo && (gint64) tag <= (gint64) range->hi
                                            : tag >= range->lo && tag <= range->hi;

          if (!in)
            continue;
          for (guint o = 0; o < type->fields->len; o++)
            if (g_str_equal (frame_field (child, o)->orig, range->label))
              {
                child->option = o;
                child->n_done = o;
                status = decode (d, frame_field (child, o)->type, child, o);
                child->n_done = type->fields->len;
                return status;
              }
        }
      return bad (d, g_strdup_printf (_("a variant's tag (%" PRIu64 ") selects none of its options"), tag));
    }
}

static StrataDecodeStatus
decode (Decoder *d,
        Type    *type,
        Frame   *frame,
        guint    index)
{
  StrataDecodeStatus status = STRATA_DECODE_OK;

  if (d->depth > MAX_DEPTH * 4)
    return bad (d, g_strdup (_("types nested too deep")));
  d->depth++;
  switch (type->kind)
    {
    case TY_INT:
    case TY_ENUM:
    case TY_FLOAT:
      d->at = align_up (d->at, type->align);
      if (d->at > d->len_bits || type->size > d->len_bits - d->at)
        status = STRATA_DECODE_SHORT;
      else
        {
          if (type->kind != TY_FLOAT && frame != NULL)
            {
              guint64 v = read_bits (d->buf, d->at, type->size, order_of (d, type));

              if (type->is_signed && type->size < 64 && (v >> (type->size - 1)) & 1)
                v |= G_MAXUINT64 << type->size;
              frame->values[index] = v;
              frame->has_value[index] = TRUE;
            }
          d->at += type->size;
        }
      break;

    case TY_STRING:
      {
        const guint8 *nul;

        d->at = align_up (d->at, 8);
        if (d->at >= d->len_bits)
          status = STRATA_DECODE_SHORT;
        else if ((nul = memchr (d->buf + d->at / 8, 0, (d->len_bits - d->at) / 8)) == NULL)
          status = STRATA_DECODE_SHORT;
        else
          d->at = (guint64) (nul - d->buf + 1) * 8;
        break;
      }

    case TY_STRUCT:
    case TY_VARIANT:
      status = decode_compound (d, type, frame, index, NULL);
      break;

    case TY_ARRAY:
    case TY_SEQUENCE:
      {
        Type *element = type->element;
        guint64 length = type->length;
        guint64 min_bits;

        if (type->kind == TY_SEQUENCE)
          {
            Type *length_type = NULL;

            if (frame == NULL || !resolve (d, frame, index, type->path, &length, &length_type) ||
                (length_type->kind != TY_INT && length_type->kind != TY_ENUM) || length_type->is_signed)
              {
                status = bad (d, g_strdup_printf (_("the length of a sequence (%s) cannot be found"), type->path));
                break;
              }
          }
        min_bits = tsdl_min_bits_of (element);
        if (min_bits == 0 && length > MAX_EMPTY_ELEMENTS)
          {
            status = bad (d, g_strdup_printf (_("an array of %" PRIu64 " empty elements"), length));
            break;
          }
        if (length > 0 && (d->at > d->len_bits || sat_mul (length, min_bits) > d->len_bits - d->at))
          {
            status = STRATA_DECODE_SHORT;
            break;
          }
        if ((element->kind == TY_INT || element->kind == TY_FLOAT || element->kind == TY_ENUM) &&
            element->size % element->align == 0)
          {
            /* Whole elements, each aligned: the first one's padding is all there is. */
            if (length > 0)
              d->at = align_up (d->at, element->align) + length * element->size;
            if (d->at > d->len_bits)
              status = STRATA_DECODE_SHORT;
            break;
          }
        for (guint64 e = 0; e < length && status == STRATA_DECODE_OK; e++)
          {
            if (element->kind == TY_STRUCT || element->kind == TY_VARIANT)
              {
                /* An element's fields may refer to each other, and to what comes before the
                 * array; nothing outside refers into it. */
                Frame *holder = frame;

                status = decode_compound (d, element, holder, index, NULL);
                if (holder != NULL)
                  holder->children[index] = NULL;
              }
            else
              status = decode (d, element, NULL, 0);
          }
        break;
      }

    default:
      break;
    }
  d->depth--;
  return status;
}

/* The value of a top-level field that libbabeltrace2 gives a meaning to: an unsigned
 * integer or enumeration (it refuses metadata where such a field is anything else). */
static void
take_field (Frame            *root,
            const char       *name,
            StrataPacketField field,
            StrataPacketInfo *info)
{
  for (guint i = 0; i < root->type->fields->len; i++)
    {
      Field *f = frame_field (root, i);

      if (!g_str_equal (f->name, name))
        continue;
      if ((f->type->kind == TY_INT || f->type->kind == TY_ENUM) && !f->type->is_signed && root->has_value[i])
        {
          info->value[field] = root->values[i];
          info->size[field] = f->type->size;
        }
      return;
    }
}

StrataDecodeStatus
strata_tsdl_decode_packet (StrataTsdl       *tsdl,
                           const guint8     *buf,
                           gsize             len,
                           StrataPacketInfo *info,
                           char            **reason)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func (frame_free);
  Decoder d = { 0 };
  StrataDecodeStatus status = STRATA_DECODE_OK;
  StreamClass *sc;
  gint index = 0;

  memset (info, 0, sizeof *info);
  *reason = NULL;
  d.tsdl = tsdl;
  d.buf = buf;
  d.len_bits = (guint64) len * 8;
  d.frames = frames;
  d.reason = reason;

  if (tsdl->packet_header != NULL)
    {
      if (tsdl->packet_header->kind != TY_STRUCT)
        return bad (&d, g_strdup (_("the packet header is not a structure")));
      if ((status = decode_compound (&d, tsdl->packet_header, NULL, 0, &d.header)) != STRATA_DECODE_OK)
        return status;
      take_field (d.header, "magic", STRATA_PF_MAGIC, info);
      take_field (d.header, "stream_id", STRATA_PF_STREAM_ID, info);
      take_field (d.header, "stream_instance_id", STRATA_PF_STREAM_INSTANCE_ID, info);
    }
  info->header_bits = d.at;
  if (info->size[STRATA_PF_MAGIC] != 0 && info->value[STRATA_PF_MAGIC] != PACKET_MAGIC)
    return bad (&d, g_strdup (_("no packet starts there (wrong magic number)")));

  if (info->size[STRATA_PF_STREAM_ID] != 0)
    {
      if ((index = strata_tsdl_find_stream_class (tsdl, info->value[STRATA_PF_STREAM_ID])) < 0)
        return bad (&d, g_strdup_printf (_("a packet names stream class %" PRIu64 ", which the metadata does not declare"),
                                         info->value[STRATA_PF_STREAM_ID]));
    }
  else if (tsdl->streams->len != 1)
    return bad (&d, g_strdup (_("a packet does not say which of the stream classes it is of")));
  info->stream_class = index;
  sc = &g_array_index (tsdl->streams, StreamClass, index);

  if (sc->packet_context != NULL)
    {
      if (sc->packet_context->kind != TY_STRUCT)
        return bad (&d, g_strdup (_("the packet context is not a structure")));
      if ((status = decode_compound (&d, sc->packet_context, NULL, 0, &d.context)) != STRATA_DECODE_OK)
        return status;
      take_field (d.context, "packet_size", STRATA_PF_PACKET_SIZE, info);
      take_field (d.context, "content_size", STRATA_PF_CONTENT_SIZE, info);
      take_field (d.context, "timestamp_begin", STRATA_PF_TIMESTAMP_BEGIN, info);
      take_field (d.context, "timestamp_end", STRATA_PF_TIMESTAMP_END, info);
      take_field (d.context, "events_discarded", STRATA_PF_EVENTS_DISCARDED, info);
      take_field (d.context, "packet_seq_num", STRATA_PF_PACKET_SEQ_NUM, info);
      take_field (d.context, "cpu_id", STRATA_PF_CPU_ID, info);
    }
  info->preamble_bits = d.at;
  return STRATA_DECODE_OK;
}
