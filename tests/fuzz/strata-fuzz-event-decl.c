/* strata-fuzz-event-decl.c
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
 * The input writes the payload declaration of the one event class of a small trace, which
 * every packet holds events of: integers, strings, structures, variants, fixed-length arrays
 * (of any length, nested) and sequences, typedef'd or inline; and the payload bytes of each
 * event. libbabeltrace2 builds a field object per element of a fixed-length array before it
 * reads any: the check must refuse a declaration that no packet can hold, or that would
 * make millions of fields, before libbabeltrace2 sees it.
 */

#define MAX_DEPTH 4

typedef struct
{
  StrataFuzzInput in;
  GString        *tsdl;
  guint           n_fields;
  guint           n_types;
} Gen;

static guint64
length (Gen *g)
{
  static const guint64 lengths[] = {
    0, 1, 2, 16, 255, 4096, 65536, 100000000, G_GUINT64_CONSTANT (4294967295),
    G_MAXUINT64, G_GUINT64_CONSTANT (1) << 32, G_GUINT64_CONSTANT (1) << 20,
  };

  return lengths[strata_fuzz_range (&g->in, G_N_ELEMENTS (lengths))];
}

static void declare (Gen *g, GString *out, guint depth);

static void
declare_type (Gen     *g,
              GString *out,
              guint    depth)
{
  static const guint sizes[] = { 1, 8, 16, 32, 64 };

  switch (depth >= MAX_DEPTH ? 0 : strata_fuzz_range (&g->in, 5))
    {
    case 0:
      g_string_append_printf (out, "integer { size = %u; align = %u; signed = %s; }",
                              sizes[strata_fuzz_range (&g->in, G_N_ELEMENTS (sizes))],
                              strata_fuzz_range (&g->in, 2) ? 8 : 1, strata_fuzz_range (&g->in, 2) ? "true" : "false");
      break;
    case 1:
      g_string_append (out, "string");
      break;
    case 2:
      {
        guint n = strata_fuzz_range (&g->in, 4);

        g_string_append (out, "struct {");
        for (guint i = 0; i < n; i++)
          declare (g, out, depth + 1);
        g_string_append_printf (out, " } align(%u)", 1u << strata_fuzz_range (&g->in, 7));
        break;
      }
    case 3:
      {
        /* A typedef of something, used here. */
        g_autoptr(GString) inner = g_string_new (NULL);

        declare_type (g, inner, depth + 1);
        g_string_append_printf (g->tsdl, "typedef %s decl_t%u;\n", inner->str, g->n_types);
        g_string_append_printf (out, "decl_t%u", g->n_types++);
        break;
      }
    default:
      g_string_append_printf (out, "variant <_tag%u> { integer { size = 8; align = 8; signed = false; } a; "
                                   "integer { size = 32; align = 8; signed = false; } b[%" G_GUINT64_FORMAT "]; }",
                              g->n_fields, length (g));
      break;
    }
}

/* One field, and the fields it needs before it (a variant's tag, a sequence's length). */
static void
declare (Gen     *g,
         GString *out,
         guint    depth)
{
  g_autoptr(GString) type = g_string_new (NULL);
  guint id = g->n_fields++;

  declare_type (g, type, depth);
  if (strstr (type->str, "variant <_tag") == type->str)
    {
      g_string_append_printf (out, " enum : integer { size = 8; align = 8; signed = false; } { a = 0, b = 1 ... 255 } _tag%u;", id);
      g_string_append_printf (out, " %s _f%u;", type->str, id);
      return;
    }
  switch (strata_fuzz_range (&g->in, 4))
    {
    case 0:   /* a fixed-length array, maybe of arrays */
      g_string_append_printf (out, " %s _f%u[%" G_GUINT64_FORMAT "]", type->str, id, length (g));
      if (strata_fuzz_range (&g->in, 3) == 0)
        g_string_append_printf (out, "[%" G_GUINT64_FORMAT "]", length (g));
      g_string_append (out, ";");
      break;
    case 1:   /* a sequence */
      g_string_append_printf (out, " integer { size = %u; align = 8; signed = false; } _len%u; %s _f%u[_len%u];",
                              strata_fuzz_range (&g->in, 2) ? 32 : 8, id, type->str, id, id);
      break;
    default:
      g_string_append_printf (out, " %s _f%u;", type->str, id);
      break;
    }
}

void
strata_fuzz_event_decl (const guint8 *data,
                        gsize         size)
{
  Gen g = { { data, size, 0 }, NULL, 0, 0 };
  g_autoptr(GString) tsdl = g_string_new ("/* CTF 1.8 */\n"
    "typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
    "typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
    "trace { major = 1; minor = 8; byte_order = le; packet.header := struct { uint32_t magic; }; };\n"
    "env { hostname = \"decl\"; domain = \"kernel\"; };\n"
    "clock { name = c; freq = 1000000000; offset_s = 1000; };\n"
    "typealias integer { size = 64; align = 8; signed = false; map = clock.c.value; } := uint64_clock_t;\n"
    "stream { event.header := struct { uint32_t id; uint64_clock_t timestamp; };\n"
    "  packet.context := struct { uint64_clock_t timestamp_begin; uint64_clock_t timestamp_end;\n"
    "    uint64_t content_size; uint64_t packet_size; uint32_t cpu_id; }; };\n");
  g_autoptr(GString) fields = g_string_new (NULL);
  g_autofree char *folder = NULL;
  StrataBitWriter w;
  guint n_fields = 1 + strata_fuzz_range (&g.in, 4);
  const guint packet_bytes = 4096;

  g.tsdl = tsdl;
  for (guint i = 0; i < n_fields; i++)
    declare (&g, fields, 0);
  g_string_append_printf (tsdl, "event { name = \"sched_switch\"; id = 0; fields := struct {%s }; };\n"
                                "event { name = \"sched_wakeup\"; id = 1; fields := struct { uint32_t _tid; }; };\n",
                          fields->str);

  /* Two packets of events of both classes, the payload bytes from the input. */
  strata_bit_writer_init (&w);
  for (guint p = 0; p < 2; p++)
    {
      guint64 start = w.bits;
      guint64 content_at;

      strata_bit_writer_put (&w, 0xC1FC1FC1u, 32, FALSE);
      strata_bit_writer_put (&w, 1000 + p * 100, 64, FALSE);
      strata_bit_writer_put (&w, 1099 + p * 100, 64, FALSE);
      content_at = w.bits;
      strata_bit_writer_put (&w, 0, 64, FALSE);
      strata_bit_writer_put (&w, packet_bytes * 8, 64, FALSE);
      strata_bit_writer_put (&w, 0, 32, FALSE);
      for (guint e = 0; e < 4 && w.bits - start < (packet_bytes - 512) * 8; e++)
        {
          guint id = e % 2;

          strata_bit_writer_align (&w, 8);
          strata_bit_writer_put (&w, id, 32, FALSE);
          strata_bit_writer_put (&w, 1000 + p * 100 + e, 64, FALSE);
          if (id == 1)
            strata_bit_writer_put (&w, e, 32, FALSE);
          else
            for (guint b = 0; b < 64 && !strata_fuzz_done (&g.in); b++)
              strata_bit_writer_put (&w, strata_fuzz_bits (&g.in, 1), 8, FALSE);
        }
      strata_bit_writer_put_at (&w, content_at, w.bits - start, 64, FALSE);
      strata_bit_writer_pad_to (&w, start / 8 + packet_bytes);
    }

  folder = strata_fuzz_folder ();
  strata_fuzz_write (folder, "metadata", tsdl->str, tsdl->len);
  strata_fuzz_write (folder, "channel0_0", w.bytes->data, w.bytes->len);
  strata_bit_writer_clear (&w);
  strata_fuzz_load (folder);
}
