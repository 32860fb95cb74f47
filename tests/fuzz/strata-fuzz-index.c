/* strata-fuzz-index.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "strata-ctf-writer.h"
#include "strata-fuzz-trace.h"

/*
 * A small trace our writer makes (two CPUs, 1 KiB packets) gets an index file per stream
 * file, made from the packets as they are and then edited by the input: entries' offsets,
 * sizes and times replaced, entries dropped or repeated, the header's fields and length
 * changed, bytes cut. libbabeltrace2 seeks to what an index says without checking it
 * against the file; the check must leave out every index that does not describe its file.
 */

#define ENTRY 56

typedef struct
{
  char   *metadata;
  gsize   metadata_len;
  GBytes *streams[2];
} Template;

static const Template *
template_trace (void)
{
  static Template *t;

  if (g_once_init_enter (&t))
    {
      Template *made = g_new0 (Template, 1);
      g_autoptr(StrataStrtab) strings = strata_strtab_new ();
      g_autoptr(StrataCtfWriter) writer = NULL;
      g_autofree char *dir = strata_fuzz_folder ();
      StrataCtfWriterOptions options = { 0 };
      g_autoptr(GError) error = NULL;

      options.hostname = "index";
      options.n_cpus = 2;
      options.offset_s = 1000;
      options.packet_size = 1024;
      writer = strata_ctf_writer_new (dir, &options, strings, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < 200; i++)
        {
          StrataEvent ev = { 0 };

          ev.ts = G_GINT64_CONSTANT (1000000000000) + i * 1000;
          ev.cpu = i % 2;
          ev.kind = STRATA_EV_SCHED_SWITCH;
          ev.f[STRATA_F_SWITCH_NEXT_TID] = i;
          g_assert_true (strata_ctf_writer_add (writer, &ev, &error));
        }
      g_assert_true (strata_ctf_writer_close (writer, &error));
      for (guint c = 0; c < 2; c++)
        {
          g_autofree char *name = g_strdup_printf ("channel0_%u", c);
          g_autofree char *path = g_build_filename (dir, name, NULL);
          char *bytes = NULL;
          gsize len = 0;

          g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
          made->streams[c] = g_bytes_new_take (bytes, len);
        }
      {
        g_autofree char *path = g_build_filename (dir, "metadata", NULL);

        g_assert_true (g_file_get_contents (path, &made->metadata, &made->metadata_len, NULL));
      }
      strata_fuzz_load (dir);
      g_once_init_leave (&t, made);
    }
  return t;
}

static void
put_be (guint8  *p,
        guint64  v,
        guint    n)
{
  for (guint i = 0; i < n; i++)
    p[i] = (guint8) (v >> (8 * (n - 1 - i)));
}

static guint64
get_le64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

/* The index of @stream as LTTng writes it (version 1.1, 72-byte entries). */
static GByteArray *
make_index (GBytes *stream)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (stream, &len);
  GByteArray *index = g_byte_array_new ();
  guint8 header[16];

  put_be (header, 0xC1F1DCC1u, 4);
  put_be (header + 4, 1, 4);
  put_be (header + 8, 1, 4);
  put_be (header + 12, 72, 4);
  g_byte_array_append (index, header, 16);
  for (gsize at = 0; at + 80 <= len; at += 1024)
    {
      guint8 e[72] = { 0 };

      put_be (e, at, 8);
      put_be (e + 8, get_le64 (data + at + 48), 8);          /* packet_size */
      put_be (e + 16, get_le64 (data + at + 40), 8);         /* content_size */
      put_be (e + 24, get_le64 (data + at + 24), 8);         /* timestamp_begin */
      put_be (e + 32, get_le64 (data + at + 32), 8);         /* timestamp_end */
      put_be (e + 40, get_le64 (data + at + 64), 8);         /* events_discarded */
      put_be (e + 64, get_le64 (data + at + 56), 8);         /* packet_seq_num */
      g_byte_array_append (index, e, 72);
    }
  return index;
}

void
strata_fuzz_index (const guint8 *data,
                   gsize         size)
{
  StrataFuzzInput in = { data, size, 0 };
  const Template *t = template_trace ();
  g_autofree char *folder = strata_fuzz_folder ();

  strata_fuzz_write (folder, "metadata", t->metadata, t->metadata_len);
  for (guint c = 0; c < 2; c++)
    {
      g_autofree char *name = g_strdup_printf ("channel0_%u", c);
      g_autofree char *index_name = g_strdup_printf ("index/channel0_%u.idx", c);
      g_autoptr(GByteArray) index = make_index (t->streams[c]);
      guint n_edits = strata_fuzz_range (&in, 6);

      strata_fuzz_write (folder, name, g_bytes_get_data (t->streams[c], NULL), g_bytes_get_size (t->streams[c]));
      for (guint e = 0; e < n_edits && !strata_fuzz_done (&in); e++)
        {
          guint n_entries = index->len >= 16 ? (index->len - 16) / 72 : 0;
          guint entry = n_entries ? strata_fuzz_range (&in, n_entries) : 0;
          guint8 *p = index->data + 16 + entry * 72;

          switch (strata_fuzz_range (&in, 8))
            {
            case 0:   /* a field of an entry */
              if (n_entries > 0)
                put_be (p + 8 * strata_fuzz_range (&in, 9), strata_fuzz_bits (&in, 8), 8);
              break;
            case 1:   /* an offset a little off */
              if (n_entries > 0)
                put_be (p, (guint64) entry * 1024 + (gint8) strata_fuzz_bits (&in, 1), 8);
              break;
            case 2:   /* an entry dropped */
              if (n_entries > 0)
                g_byte_array_remove_range (index, 16 + entry * 72, 72);
              break;
            case 3:   /* an entry repeated */
              if (n_entries > 0)
                {
                  guint8 copy[72];

                  memcpy (copy, p, 72);
                  g_byte_array_append (index, copy, 72);
                }
              break;
            case 4:   /* a header field */
              put_be (index->data + 4 * strata_fuzz_range (&in, 4), strata_fuzz_bits (&in, 4), 4);
              break;
            case 5:   /* cut */
              g_byte_array_set_size (index, strata_fuzz_range (&in, index->len + 1));
              break;
            case 6:   /* bytes appended */
              {
                gsize want = strata_fuzz_range (&in, 80);
                gsize n = MIN (size - in.pos, want);

                g_byte_array_append (index, data + in.pos, n);
                in.pos += n;
              }
              break;
            default:  /* a byte flipped */
              if (index->len > 0)
                index->data[strata_fuzz_range (&in, index->len)] ^= (guint8) strata_fuzz_bits (&in, 1);
              break;
            }
        }
      if (strata_fuzz_range (&in, 8) != 0)
        strata_fuzz_write (folder, index_name, index->data, index->len);
    }
  strata_fuzz_load (folder);
}
