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
 * strata-ctf-check parses untrusted TSDL and walks untrusted packets before libbabeltrace2
 * sees them. The input is two bytes of length L, L bytes of metadata text, then the bytes
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
  g_autoptr(StrataCtfLayout) layout = NULL;
  g_autofree char *reason = NULL;
  Memory stream;
  gsize text_len;
  guint64 good = G_MAXUINT64;

  if (size < 2)
    return;
  text_len = MIN ((gsize) (data[0] | data[1] << 8), size - 2);
  stream.data = data + 2 + text_len;
  stream.size = size - 2 - text_len;

  layout = strata_ctf_layout_parse ((const char *) data + 2, text_len);
  if (layout == NULL)
    return;
  if (strata_ctf_layout_check (layout, read_memory, &stream, stream.size, &good, &reason))
    g_assert_null (reason);
  else
    {
      /* The sound part ends where a packet starts, inside the file. */
      g_assert_nonnull (reason);
      g_assert_cmpuint (good, <=, stream.size);
    }
}
