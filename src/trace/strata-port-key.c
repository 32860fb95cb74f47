/* strata-port-key.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata-port-key.h"

char *
strata_port_key_of_instance (guint64 stream_class_id,
                             guint64 instance)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT "|%" G_GUINT64_FORMAT, stream_class_id, instance);
}

char *
strata_port_key_of_file (const char *file)
{
  return g_strdup_printf ("/%s", file);
}

char *
strata_port_key (const char *name)
{
  g_auto(GStrv) parts = name != NULL ? g_strsplit (name, "|", -1) : NULL;
  guint n = parts != NULL ? g_strv_length (parts) : 0;
  const char *last = n >= 3 ? g_strstrip (parts[n - 1]) : NULL;
  guint64 instance, class_id;
  g_autofree char *base = NULL;

  if (last == NULL)
    return NULL;
  if (g_ascii_string_to_unsigned (last, 10, 0, G_MAXUINT64, &instance, NULL))
    {
      if (!g_ascii_string_to_unsigned (g_strstrip (parts[n - 2]), 10, 0, G_MAXUINT64, &class_id, NULL))
        return NULL;
      return strata_port_key_of_instance (class_id, instance);
    }
  base = g_path_get_basename (last);
  return strata_port_key_of_file (base);
}

char *
strata_port_key_of_file_check (const StrataStreamCheck *file,
                               const StrataTsdl        *tsdl)
{
  /* The first sound packet says: a rotated stream's files share its instance id. */
  for (guint p = 0; file->packets != NULL && p < file->packets->len; p++)
    {
      const StrataCtfPacket *packet = &g_array_index (file->packets, StrataCtfPacket, p);

      if (!packet->sound)
        continue;
      if (packet->has_instance && tsdl != NULL && packet->stream_class < strata_tsdl_n_stream_classes (tsdl))
        return strata_port_key_of_instance (strata_tsdl_stream_class_id (tsdl, packet->stream_class),
                                            packet->instance);
      break;
    }
  return strata_port_key_of_file (file->file);
}
