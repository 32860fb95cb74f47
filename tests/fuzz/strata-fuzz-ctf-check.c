/* strata-fuzz-ctf-check.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "strata-ctf-check.h"
#include "strata-fuzz.h"

/*
 * strata-ctf-check parses untrusted TSDL (strata-tsdl) and walks untrusted packets before
 * libbabeltrace2 sees them. The input is two bytes of length L, L bytes of metadata text, then the bytes
 * of one stream file; run-fuzzers.sh seeds it with traces our writer makes.
 */

typedef struct
{
  const guint8 *data;
  gsize         size;
} Memory;

static gboolean
read_memory (gpointer  user_data,
             guint64   offset,
             guint8   *buf,
             gsize     len)
{
  Memory *m = user_data;

  if (offset > m->size || len > m->size - offset)
    return FALSE;
  memcpy (buf, m->data + offset, len);
  return TRUE;
}

void
strata_fuzz_ctf_check (const guint8 *data,
                       gsize         size)
{
  g_autoptr(StrataTsdl) tsdl = NULL;
  g_autofree char *error = NULL;
  StrataStreamCheck check = { 0 };
  Memory stream;
  gsize text_len;
  guint64 sound = 0;

  if (size < 2)
    return;
  text_len = MIN ((gsize) (data[0] | data[1] << 8), size - 2);
  stream.data = data + 2 + text_len;
  stream.size = size - 2 - text_len;

  tsdl = strata_tsdl_parse ((const char *) data + 2, text_len, &error);
  if (tsdl == NULL)
    {
      g_assert_nonnull (error);
      return;
    }
  if (strata_ctf_walk_packets (tsdl, read_memory, &stream, stream.size, &check))
    g_assert_null (check.reason);
  else
    g_assert_true (check.reason != NULL || check.lost_from != G_MAXUINT64);
  /* Sound packets lie inside the file, one after the other, and add up. */
  for (guint i = 0; i < check.packets->len; i++)
    {
      StrataCtfPacket *p = &g_array_index (check.packets, StrataCtfPacket, i);

      g_assert_cmpuint (p->offset, <, stream.size);
      g_assert_cmpuint (p->size, <=, stream.size - p->offset);
      if (i > 0)
        g_assert_cmpuint (p->offset, >=, g_array_index (check.packets, StrataCtfPacket, i - 1).offset +
                                         g_array_index (check.packets, StrataCtfPacket, i - 1).size);
      if (p->sound)
        {
          g_assert_cmpuint (p->size, >, 0);
          sound += p->size;
        }
    }
  g_assert_cmpuint (sound, ==, check.sound_bytes);
  g_array_unref (check.packets);
  g_free (check.reason);
}
