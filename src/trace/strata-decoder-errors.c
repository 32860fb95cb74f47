/* strata-decoder-errors.c: what the decoder says when libbabeltrace2 fails: the cause of an
 * error, cleaned of its noise, the file it blames, what is wrong with a metadata file it
 * would not parse, and the names streams go by in messages.
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-decoder"

#include "config.h"

#include <inttypes.h>

#include <babeltrace2/babeltrace.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-ctf-check.h"
#include "strata-decoder-private.h"
#include "strata-time.h"

/* libbabeltrace2's messages carry object addresses and internal states: noise to a user. */
char *
_strata_decoder_clean_cause (const char *msg)
{
  static GRegex *noise;
  char *clean;

  if (g_once_init_enter (&noise))
    g_once_init_leave (&noise, g_regex_new (",? ?[a-z-]*(addr|state)=[^,]*,?", G_REGEX_OPTIMIZE, 0, NULL));
  clean = g_regex_replace_literal (noise, msg, -1, 0, "", 0, NULL);
  g_strchomp (clean);
  if (g_str_has_suffix (clean, ":"))
    clean[strlen (clean) - 1] = '\0';
  return clean;
}

/* A stream's name for messages: its file, or its CPU. */
char *
strata_decode_stream_label (const StrataStream *stream)
{
  const char *bar = strrchr (stream->name, '|');

  if (bar != NULL && strchr (bar, '/') != NULL)
    return g_path_get_basename (bar + 1);
  if (stream->cpu != G_MAXUINT32)
    return g_strdup_printf (_("of CPU %u"), stream->cpu);
  return g_strdup (stream->name);
}

/* A cause Strata's own code added inside libbabeltrace2's call (strata-bt-guard.c): it says
 * more than what libbabeltrace2 adds around it. */
const char *
_strata_decoder_strata_cause (const bt_error *error)
{
  for (guint64 i = 0; error != NULL && i < bt_error_get_cause_count (error); i++)
    {
      const bt_error_cause *cause = bt_error_borrow_cause_by_index (error, i);

      if (bt_error_cause_get_actor_type (cause) == BT_ERROR_CAUSE_ACTOR_TYPE_UNKNOWN &&
          g_strcmp0 (bt_error_cause_get_module_name (cause), "strata") == 0)
        return bt_error_cause_get_message (cause);
    }
  return NULL;
}

/* The most specific cause of the current thread's error, which is then cleared. */
char *
_strata_decoder_take_error (void)
{
  const bt_error *error = bt_current_thread_take_error ();
  GString *str;
  guint64 n;

  if (error == NULL)
    return g_strdup (_("unknown error"));
  if (_strata_decoder_strata_cause (error) != NULL)
    {
      char *mine = g_strdup (_strata_decoder_strata_cause (error));

      bt_error_release (error);
      return mine;
    }
  n = bt_error_get_cause_count (error);
  str = g_string_new (NULL);
  /* Cause 0 is the innermost (the root cause); the next one or two add the context. */
  for (guint64 i = 0; i < n && i < 2; i++)
    {
      const char *msg = bt_error_cause_get_message (bt_error_borrow_cause_by_index (error, i));
      g_autofree char *clean = NULL;

      if (msg == NULL || *msg == '\0')
        continue;
      clean = _strata_decoder_clean_cause (msg);
      if (str->len > 0)
        g_string_append (str, " (");
      g_string_append (str, clean);
      if (i > 0)
        g_string_append_c (str, ')');
    }
  bt_error_release (error);
  if (str->len == 0)
    g_string_append (str, _("unknown error"));
  return g_string_free (str, FALSE);
}

char *
strata_decode_stop_message (const char             *display_path,
                            const StrataDecodeStop *stop)
{
  g_autofree char *label = strata_decode_stream_label (stop->stream);
  g_autofree char *when = NULL;

  if (stop->events == 0)
    return g_strdup_printf (_("%s: stream %s is damaged: reading stopped before its first event: %s"),
                            display_path, label, stop->cause);
  when = strata_time_format_absolute (stop->at_ns);
  return g_strdup_printf (_("%s: stream %s is damaged: reading stopped after %" PRIu64 " events, at %s: %s"),
                          display_path, label, stop->events, when, stop->cause);
}

gboolean
strata_trace_is_ctf2 (const char *folder)
{
  g_autofree char *path = g_build_filename (folder, "metadata", NULL);
  guint8 first = 0;
  GStatBuf st;
  int fd;

  if ((fd = strata_open_regular (path, &st)) < 0)
    return FALSE;
  if (read (fd, &first, 1) != 1)
    first = 0;
  close (fd);
  return first == 0x1e;
}

/* libbabeltrace2 names the file it could not index in its error chain; find it. */
char *
_strata_decoder_find_blamed_file (const char *folder,
                  const char *message)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  if (dir == NULL || message == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *quoted1 = g_strdup_printf ("/%s'", name);
      g_autofree char *quoted2 = g_strdup_printf ("/%s`", name);
      g_autofree char *quoted3 = g_strdup_printf ("/%s\"", name);

      if (strstr (message, quoted1) || strstr (message, quoted2) || strstr (message, quoted3))
        return g_strdup (name);
    }
  return NULL;
}

/* libbabeltrace2 2.0 logs metadata parse errors but does not report them: say what we can. */
char *
_strata_decoder_diagnose_metadata (const char *folder)
{
  g_autofree char *path = g_build_filename (folder, "metadata", NULL);
  g_autofree char *head = NULL;
  ssize_t len = 0;
  GStatBuf st;
  int fd;

  if (g_stat (path, &st) != 0)
    return g_strdup (_("its metadata file cannot be read"));
  if (S_ISDIR (st.st_mode))
    return g_strdup (_("its metadata is a folder, not a file"));
  if (st.st_size == 0)
    return g_strdup (_("its metadata file is empty"));
  if ((fd = strata_open_regular (path, &st)) < 0)
    return g_strdup_printf (_("its metadata file cannot be read (%s)"), g_strerror (errno));
  head = g_malloc0 (16);
  len = read (fd, head, 15);
  close (fd);
  /* Packetized metadata starts with its magic, in either byte order. */
  if (len >= 4 && (memcmp (head, "\x57\x1d\xd1\x75", 4) == 0 || memcmp (head, "\x75\xd1\x1d\x57", 4) == 0))
    return g_strdup (_("its metadata could not be parsed"));
  if (len >= 4 && (g_str_has_prefix (head, "/* CTF") || g_str_has_prefix (head, "typealias") ||
                   g_str_has_prefix (head, "trace")))
    return g_strdup (_("its metadata could not be parsed"));
  return g_strdup (_("its metadata is not CTF metadata"));
}
