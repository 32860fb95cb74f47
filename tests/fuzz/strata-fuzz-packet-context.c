/* strata-fuzz-packet-context.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "strata-fuzz-trace.h"

/*
 * The input picks a packet header and context as TSDL can spell them: which fields there
 * are, in which order, between which others (integers of odd sizes and alignments, strings,
 * sequences, variants, arrays), each meaning field's name (with one leading underscore,
 * which libbabeltrace2 drops, or two, which it does not) and type (inline, through a
 * typealias or a typedef, as an enumeration), the context itself inline, named, typedef'd
 * or typealias'd; the byte orders and the clock. Then packets laid out that way, each field
 * either right (so the trace is mostly sound) or taken from the input. The trace is loaded:
 * what the check lets through must not make libbabeltrace2 abort.
 */

typedef enum
{
  R_MAGIC,
  R_UUID,
  R_STREAM_ID,
  R_INSTANCE_ID,
  R_TS_BEGIN,
  R_TS_END,
  R_CONTENT_SIZE,
  R_PACKET_SIZE,
  R_SEQ_NUM,
  R_DISCARDED,
  R_CPU_ID,
  R_FILLER,           /* an integer of no meaning */
  R_STRING,
  R_SEQUENCE,         /* of bytes, its length the field before it */
  R_VARIANT,          /* tagged by the field before it */
  R_ARRAY,
  R_LENGTH,           /* a sequence's length */
  R_TAG,              /* a variant's tag */
} Role;

static const char *const role_names[] = {
  "magic", "uuid", "stream_id", "stream_instance_id", "timestamp_begin", "timestamp_end",
  "content_size", "packet_size", "packet_seq_num", "events_discarded", "cpu_id",
};

typedef struct
{
  Role     role;
  guint    size;
  guint    align;
  gboolean be;
  guint    length;      /* ARRAY */
  guint64  at;          /* bit offset in the packet being written */
} Field;

typedef struct
{
  StrataFuzzInput in;
  GString        *tsdl;
  GArray         *header;     /* Field */
  GArray         *context;
  gboolean        trace_be;
  guint           n_aliases;
} Gen;

/* Once the input runs out (it then reads as zeros), every chance is lost. */
static gboolean
chance (Gen  *g,
        guint percent)
{
  return strata_fuzz_range (&g->in, 100) >= 100 - percent;
}

/* An unsigned integer type of @size bits, spelled one of the ways TSDL allows. */
static void
spell_integer (Gen      *g,
               GString  *out,
               Field    *f,
               gboolean  mapped,
               gboolean  as_enum)
{
  const char *order = f->be == g->trace_be ? "" : f->be ? " byte_order = be;" : " byte_order = le;";
  g_autofree char *integer = g_strdup_printf ("integer { size = %u; align = %u; signed = false;%s%s }",
                                              f->size, f->align, order,
                                              mapped ? " map = clock.c.value;" : "");

  if (as_enum)
    {
      guint64 max = f->size == 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << f->size) - 1;

      g_string_append_printf (out, "enum : %s { low = 0 ... %" G_GUINT64_FORMAT ", high = %" G_GUINT64_FORMAT " ... %" G_GUINT64_FORMAT " }",
                              integer, max / 2, max / 2 + 1, max);
      return;
    }
  switch (strata_fuzz_range (&g->in, 3))
    {
    case 0:
      g_string_append (out, integer);
      break;
    case 1:
      g_string_append_printf (g->tsdl, "typealias %s := alias_%u;\n", integer, g->n_aliases);
      g_string_append_printf (out, "alias_%u", g->n_aliases++);
      break;
    default:
      g_string_append_printf (g->tsdl, "typealias %s := alias_%u;\ntypedef alias_%u named_%u;\n",
                              integer, g->n_aliases, g->n_aliases, g->n_aliases);
      g_string_append_printf (out, "named_%u", g->n_aliases++);
      break;
    }
}

static void
add_field (Gen    *g,
           GArray *fields,
           Role    role,
           guint   size)
{
  Field f = { 0 };
  static const guint aligns[] = { 1, 8, 8, 8, 32, 64 };

  f.role = role;
  f.size = size;
  f.align = size % 8 == 0 ? 8 : 1;
  if (chance (g, 15))
    f.align = aligns[strata_fuzz_range (&g->in, G_N_ELEMENTS (aligns))];
  f.be = chance (g, 10) ? !g->trace_be : g->trace_be;
  g_array_append_val (fields, f);
}

static guint
meaning_size (Gen  *g,
              Role  role)
{
  static const guint sizes[] = { 64, 64, 64, 32, 16, 8, 63, 33 };

  if (role == R_MAGIC)
    return 32;
  return chance (g, 80) ? (role == R_CPU_ID || role == R_STREAM_ID ? 32 : 64)
                        : sizes[strata_fuzz_range (&g->in, G_N_ELEMENTS (sizes))];
}

/* Fillers between meaning fields: what may move them anywhere. */
static void
add_fillers (Gen    *g,
             GArray *fields)
{
  for (guint n = 0; n < 6 && chance (g, 25); n++)
    switch (strata_fuzz_range (&g->in, 5))
      {
      case 0:
        add_field (g, fields, R_FILLER, 1 + strata_fuzz_range (&g->in, 64));
        break;
      case 1:
        add_field (g, fields, R_STRING, 8);
        break;
      case 2:
        add_field (g, fields, R_LENGTH, 8);
        add_field (g, fields, R_SEQUENCE, 8);
        break;
      case 3:
        add_field (g, fields, R_TAG, 8);
        add_field (g, fields, R_VARIANT, 8);
        break;
      default:
        add_field (g, fields, R_ARRAY, 8);
        g_array_index (fields, Field, fields->len - 1).length = strata_fuzz_range (&g->in, 40);
        break;
      }
}

static void
declare_fields (Gen     *g,
                GString *out,
                GArray  *fields)
{
  for (guint i = 0; i < fields->len; i++)
    {
      Field *f = &g_array_index (fields, Field, i);
      g_autofree char *name = NULL;

      g_string_append (out, "\t\t");
      if (f->role <= R_CPU_ID)
        {
          /* One underscore is dropped, two leave the name meaningless to libbabeltrace2. */
          guint spelling = strata_fuzz_range (&g->in, 8);

          name = g_strdup_printf ("%s%s", spelling < 5 ? "" : spelling < 7 ? "_" : "__", role_names[f->role]);
        }
      else
        name = g_strdup_printf ("f%u", i);
      switch (f->role)
        {
        case R_UUID:
          g_string_append_printf (out, "integer { size = 8; align = 8; signed = false; } %s[16];\n", name);
          continue;
        case R_STRING:
          g_string_append_printf (out, "string %s;\n", name);
          continue;
        case R_SEQUENCE:
          g_string_append_printf (out, "integer { size = 8; align = 8; signed = false; } %s[f%u];\n", name, i - 1);
          continue;
        case R_ARRAY:
          g_string_append_printf (out, "integer { size = 8; align = 8; signed = false; } %s[%u];\n", name, f->length);
          continue;
        case R_TAG:
          g_string_append_printf (out, "enum : integer { size = 8; align = 8; signed = false; } { a = 0, b = 1 ... 255 } %s;\n", name);
          continue;
        case R_VARIANT:
          g_string_append_printf (out, "variant <f%u> { integer { size = 8; align = 8; signed = false; } a; "
                                  "integer { size = 32; align = 32; signed = false; } b; } %s;\n", i - 1, name);
          continue;
        default:
          spell_integer (g, out, f, f->role == R_TS_BEGIN || f->role == R_TS_END,
                         f->role <= R_CPU_ID && chance (g, 10));
          g_string_append_printf (out, " %s;\n", name);
          continue;
        }
    }
}

/* A structure declared inline, named, typedef'd or typealias'd; what names it in a block. */
static char *
declare_struct (Gen    *g,
                GArray *fields,
                guint   which)
{
  g_autoptr(GString) body = g_string_new ("struct {\n");
  char *ref;

  declare_fields (g, body, fields);
  g_string_append (body, "\t}");
  switch (strata_fuzz_range (&g->in, 4))
    {
    case 0:
      return g_string_free (g_steal_pointer (&body), FALSE);
    case 1:
      g_string_insert (body, strlen ("struct "), which ? "ctx " : "hdr ");
      g_string_append_printf (g->tsdl, "%s;\n", body->str);
      return g_strdup (which ? "struct ctx" : "struct hdr");
    case 2:
      g_string_append_printf (g->tsdl, "typedef %s %s_t;\n", body->str, which ? "ctx" : "hdr");
      ref = g_strdup (which ? "ctx_t" : "hdr_t");
      return ref;
    default:
      g_string_append_printf (g->tsdl, "typealias %s := %s_alias;\n", body->str, which ? "ctx" : "hdr");
      return g_strdup (which ? "ctx_alias" : "hdr_alias");
    }
}

/* Writes one packet's header, context and @n_events events; @correct says, per field,
 * whether to write the right value or one from the input. */
static void
write_packet (Gen             *g,
              StrataBitWriter *w,
              guint            index,
              guint            packet_bytes,
              guint            n_events)
{
  guint64 start = w->bits;
  guint64 ts = G_GUINT64_CONSTANT (1000000) + index * 1000;

  for (guint part = 0; part < 2; part++)
    {
      GArray *fields = part == 0 ? g->header : g->context;

      for (guint i = 0; i < fields->len; i++)
        {
          Field *f = &g_array_index (fields, Field, i);
          gboolean right = chance (g, 90);
          guint64 raw = strata_fuzz_bits (&g->in, 8);
          guint64 v = 0;

          strata_bit_writer_align (w, f->role == R_VARIANT ? 1 : f->role == R_SEQUENCE || f->role == R_ARRAY ||
                                                                 f->role == R_STRING || f->role == R_UUID ? 8 : f->align);
          f->at = w->bits - start;
          switch (f->role)
            {
            case R_MAGIC: v = 0xC1FC1FC1u; break;
            case R_TS_BEGIN: v = ts; break;
            case R_TS_END: v = ts + 999; break;
            case R_SEQ_NUM: v = index; break;
            case R_PACKET_SIZE: v = (guint64) packet_bytes * 8; break;
            case R_CPU_ID: v = index % 2; break;
            case R_LENGTH: v = strata_fuzz_range (&g->in, 8); break;
            case R_TAG: v = strata_fuzz_range (&g->in, 3); break;
            default: v = 0; break;
            }
          if (!right)
            v = raw;
          switch (f->role)
            {
            case R_UUID:
              for (guint b = 0; b < 16; b++)
                strata_bit_writer_put (w, right ? 0x11 * b : (guint8) (raw >> b), 8, FALSE);
              break;
            case R_STRING:
              for (guint b = 0; b < strata_fuzz_range (&g->in, 6); b++)
                strata_bit_writer_put (w, 'a' + b, 8, FALSE);
              strata_bit_writer_put (w, 0, 8, FALSE);
              break;
            case R_SEQUENCE:
              for (guint64 b = 0; b < MIN (g_array_index (fields, Field, i - 1).length, 64); b++)
                strata_bit_writer_put (w, b, 8, FALSE);
              break;
            case R_ARRAY:
              for (guint b = 0; b < f->length; b++)
                strata_bit_writer_put (w, b, 8, FALSE);
              break;
            case R_VARIANT:
              if (g_array_index (fields, Field, i - 1).length == 0)
                strata_bit_writer_put (w, 7, 8, FALSE);
              else
                {
                  strata_bit_writer_align (w, 32);
                  strata_bit_writer_put (w, 7, 32, g->trace_be);
                }
              break;
            default:
              strata_bit_writer_put (w, f->size < 64 ? v & ((G_GUINT64_CONSTANT (1) << f->size) - 1) : v,
                                     f->size, f->be);
              break;
            }
          /* Sequences and variants read the field before them. */
          f->length = (guint) MIN (v, 64);
        }
    }

  /* Events: the header (id, timestamp) and a 32-bit payload. */
  for (guint e = 0; e < n_events; e++)
    {
      strata_bit_writer_align (w, 64);
      strata_bit_writer_put (w, 0, 32, g->trace_be);
      strata_bit_writer_align (w, 64);
      strata_bit_writer_put (w, ts + e, 64, g->trace_be);
      strata_bit_writer_put (w, e, 32, g->trace_be);
    }
  /* The sizes, now that they are known, unless the input has them. */
  for (guint i = 0; i < g->context->len; i++)
    {
      Field *f = &g_array_index (g->context, Field, i);

      if (f->role == R_CONTENT_SIZE && chance (g, 90))
        strata_bit_writer_put_at (w, start + f->at, w->bits - start, f->size, f->be);
    }
  strata_bit_writer_pad_to (w, start / 8 + MAX (packet_bytes, (w->bits - start + 7) / 8));
}

void
strata_fuzz_packet_context (const guint8 *data,
                            gsize         size)
{
  Gen g = { { data, size, 0 }, NULL, NULL, NULL, FALSE, 0 };
  g_autoptr(GString) tsdl = g_string_new ("/* CTF 1.8 */\n");
  g_autofree char *folder = NULL;
  g_autofree char *header_ref = NULL;
  g_autofree char *context_ref = NULL;
  static const guint packet_sizes[] = { 128, 256, 512, 1024, 4096 };
  guint packet_bytes, n_packets, n_files;

  g.tsdl = tsdl;
  g.header = g_array_new (FALSE, TRUE, sizeof (Field));
  g.context = g_array_new (FALSE, TRUE, sizeof (Field));
  g.trace_be = chance (&g, 20);

  /* The header: magic first (libbabeltrace2 wants it there), then the rest. */
  if (chance (&g, 90))
    add_field (&g, g.header, R_MAGIC, 32);
  if (chance (&g, 50))
    add_field (&g, g.header, R_UUID, 8);
  add_fillers (&g, g.header);
  if (chance (&g, 50))
    add_field (&g, g.header, R_STREAM_ID, meaning_size (&g, R_STREAM_ID));
  if (chance (&g, 40))
    add_field (&g, g.header, R_INSTANCE_ID, meaning_size (&g, R_INSTANCE_ID));

  for (Role r = R_TS_BEGIN; r <= R_CPU_ID; r++)
    {
      add_fillers (&g, g.context);
      if (chance (&g, 85))
        add_field (&g, g.context, r, meaning_size (&g, r));
    }
  add_fillers (&g, g.context);

  g_string_append_printf (tsdl, "typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
                                "clock { name = c; freq = %" G_GUINT64_FORMAT "; offset_s = %" G_GINT64_FORMAT "; offset = %" G_GUINT64_FORMAT "; };\n"
                                "typealias integer { size = 64; align = 8; signed = false; map = clock.c.value; } := uint64_clock_t;\n",
                          chance (&g, 80) ? G_GUINT64_CONSTANT (1000000000) : 1 + strata_fuzz_bits (&g.in, 8),
                          chance (&g, 80) ? (gint64) 1000 : (gint64) strata_fuzz_bits (&g.in, 8),
                          chance (&g, 90) ? G_GUINT64_CONSTANT (0) : strata_fuzz_bits (&g.in, 8));
  header_ref = declare_struct (&g, g.header, 0);
  context_ref = declare_struct (&g, g.context, 1);
  g_string_append_printf (tsdl,
                          "trace {\n\tmajor = 1;\n\tminor = 8;\n\tbyte_order = %s;\n"
                          "\tuuid = \"00112233-4455-6677-8899-aabbccddeeff\";\n"
                          "\tpacket.header := %s;\n};\n"
                          "env { hostname = \"fuzz\"; domain = \"kernel\"; };\n"
                          "stream {\n\tid = 0;\n\tevent.header := struct { uint32_t id; uint64_clock_t timestamp; } align(64);\n"
                          "\tpacket.context := %s;\n};\n"
                          "event { name = \"sched_switch\"; id = 0; stream_id = 0; fields := struct { uint32_t _prev_tid; }; };\n",
                          g.trace_be ? "be" : "le", header_ref, context_ref);

  folder = strata_fuzz_folder ();
  strata_fuzz_write (folder, "metadata", tsdl->str, tsdl->len);
  packet_bytes = packet_sizes[strata_fuzz_range (&g.in, G_N_ELEMENTS (packet_sizes))];
  n_packets = 1 + strata_fuzz_range (&g.in, 6);
  n_files = 1 + strata_fuzz_range (&g.in, 2);
  for (guint f = 0; f < n_files; f++)
    {
      StrataBitWriter w;
      g_autofree char *name = g_strdup_printf ("channel0_%u", f);

      strata_bit_writer_init (&w);
      for (guint p = 0; p < n_packets; p++)
        write_packet (&g, &w, p, packet_bytes, strata_fuzz_range (&g.in, 6));
      /* What is left of the input: a tail of damage. */
      if (!strata_fuzz_done (&g.in) && chance (&g, 20))
        g_byte_array_append (w.bytes, data + g.in.pos, MIN (size - g.in.pos, 256));
      strata_fuzz_write (folder, name, w.bytes->data, w.bytes->len);
      strata_bit_writer_clear (&w);
    }
  g_array_unref (g.header);
  g_array_unref (g.context);
  strata_fuzz_load (folder);
}
