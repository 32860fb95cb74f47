/* strata-staging.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-staging"
/* copy_file_range() */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "strata-staging.h"

/* Room left free in the temporary folder when copying. */
#define SPACE_MARGIN   (32 * 1024 * 1024)
/* A folder being made (STRATA_STAGING_PREPARING) is renamed to its staging name once its
 * lock is held; one left by a crash before that is removed after this long. */
#define PREPARING_AGE_S 60
#define STRATA_STAGING_PREPARING "strata-prep-"


#define INDEX_MAGIC    0xC1F1DCC1u
#define INDEX_ENTRY    56

struct _StrataStaging
{
  char  *path;
  int    lock_fd;
  guint  n_streams;
};

/* ---- the folders of this process, and the signals that end it ---- */

static GMutex     live_lock;
static GPtrArray *live;             /* char*: the folders this process has */
static int        signal_pipe[2] = { -1, -1 };

static const int cleanup_signals[] = { SIGTERM, SIGINT, SIGHUP };
static struct sigaction previous[G_N_ELEMENTS (cleanup_signals)];

/* Removes @path and what Strata puts in a staging folder: files, links, and index/. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_lstat (child, &st) == 0 && S_ISDIR (st.st_mode))
        {
          g_autoptr(GDir) sub = g_dir_open (child, 0, NULL);
          const char *inner;

          while (sub != NULL && (inner = g_dir_read_name (sub)) != NULL)
            {
              g_autofree char *leaf = g_build_filename (child, inner, NULL);

              g_unlink (leaf);
            }
          g_rmdir (child);
        }
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
on_signal (int signum)
{
  int saved = errno;
  guint8 byte = (guint8) signum;

  if (write (signal_pipe[1], &byte, 1) < 0)
    {
      /* Nothing to do in a handler: the signal is lost, the folders stay for the sweep. */
    }
  errno = saved;
}

/*
 * Removes the folders once this process is gone. They cannot go first: other threads may be
 * inside libbabeltrace2, which, finding a staged index gone, would read the damaged packets
 * it lists around (and abort) before the signal ends the process. So a child waits for the
 * end of this process (its pipe closes) and then runs rm; between fork and exec it only
 * makes calls that are safe there.
 */
static void
remove_after_exit (void)
{
  g_autofree char **argv = NULL;
  int pipe_fds[2];
  pid_t pid;

  if (live == NULL || live->len == 0 || pipe (pipe_fds) != 0)
    return;
  argv = g_new0 (char *, live->len + 4);
  argv[0] = (char *) "rm";
  argv[1] = (char *) "-rf";
  argv[2] = (char *) "--";
  for (guint i = 0; i < live->len; i++)
    argv[3 + i] = g_ptr_array_index (live, i);
  pid = fork ();
  if (pid == 0)
    {
      char byte;

      for (guint i = 0; i < G_N_ELEMENTS (cleanup_signals); i++)
        signal (cleanup_signals[i], SIG_IGN);
      close (pipe_fds[1]);
      while (read (pipe_fds[0], &byte, 1) < 0 && errno == EINTR)
        ;
      execv ("/bin/rm", argv);
      _exit (127);
    }
  close (pipe_fds[0]);
  if (pid < 0)
    {
      close (pipe_fds[1]);
      for (guint i = 0; i < live->len; i++)
        remove_tree (g_ptr_array_index (live, i));
    }
  /* The write end stays open until this process ends. */
}

/* The signal handler only writes to a pipe (nothing else is safe in a handler): this thread
 * arranges the removal, then lets the signal end the process as it would have. */
static gpointer
signal_thread (gpointer data)
{
  for (;;)
    {
      guint8 byte = 0;
      ssize_t n = read (signal_pipe[0], &byte, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return NULL;

      /* Held until the end: no folder is made meanwhile. */
      g_mutex_lock (&live_lock);
      remove_after_exit ();
      for (guint i = 0; i < G_N_ELEMENTS (cleanup_signals); i++)
        if (cleanup_signals[i] == byte)
          sigaction (byte, &previous[i], NULL);
      raise (byte);
    }
}

static void
install_signal_cleanup (void)
{
  static gsize done;

  if (!g_once_init_enter (&done))
    return;
  if (g_unix_open_pipe (signal_pipe, FD_CLOEXEC, NULL))
    {
      g_thread_unref (g_thread_new ("strata-staging", signal_thread, NULL));
      for (guint i = 0; i < G_N_ELEMENTS (cleanup_signals); i++)
        {
          struct sigaction action = { 0 };

          /* A program that handles or ignores the signal itself keeps its choice. */
          if (sigaction (cleanup_signals[i], NULL, &previous[i]) != 0 ||
              previous[i].sa_handler != SIG_DFL || (previous[i].sa_flags & SA_SIGINFO))
            continue;
          action.sa_handler = on_signal;
          action.sa_flags = SA_RESTART;
          sigemptyset (&action.sa_mask);
          sigaction (cleanup_signals[i], &action, NULL);
        }
    }
  g_once_init_leave (&done, 1);
}

void
strata_staging_sweep (void)
{
  static gsize done;
  g_autoptr(GDir) dir = NULL;
  const char *tmp = g_get_tmp_dir ();
  const char *name;

  if (!g_once_init_enter (&done))
    return;
  dir = g_dir_open (tmp, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *lock = NULL;
      GStatBuf st;
      int fd;

      gboolean preparing = g_str_has_prefix (name, STRATA_STAGING_PREPARING);

      if (!preparing && !g_str_has_prefix (name, STRATA_STAGING_PREFIX))
        continue;
      path = g_build_filename (tmp, name, NULL);
      if (g_lstat (path, &st) != 0 || !S_ISDIR (st.st_mode) || st.st_uid != getuid ())
        continue;
      /* One being made may be another process's, between making and locking it. */
      if (preparing)
        {
          if (st.st_mtime + PREPARING_AGE_S < (time_t) (g_get_real_time () / G_USEC_PER_SEC))
            remove_tree (path);
          continue;
        }
      /* A staging folder got its name with its lock held: a free lock, or none, means that
       * the process that made it is gone. */
      lock = g_build_filename (path, ".lock", NULL);
      fd = open (lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        {
          if (errno == ENOENT)
            remove_tree (path);
          continue;
        }
      if (flock (fd, LOCK_EX | LOCK_NB) == 0)
        remove_tree (path);
      close (fd);
    }
  g_once_init_leave (&done, 1);
}

/* ---- staging a trace ---- */

static void
staging_problem (GPtrArray  *problems,
                 const char *display_path,
                 const char *file,
                 const char *why)
{
  g_ptr_array_add (problems,
                   g_strdup_printf (_("%s: stream file %s cannot be staged for reading (%s); it is left out"),
                                    display_path, file, why));
}

static gboolean
write_all (int           fd,
           const guint8 *buf,
           gsize         len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = ENOSPC;
          return FALSE;
        }
      buf += n;
      len -= n;
    }
  return TRUE;
}

static gboolean
copy_range (int      in,
            int      out,
            guint64  offset,
            guint64  len)
{
  static gboolean no_copy_file_range;
  g_autofree guint8 *buf = NULL;
  off_t from = (off_t) offset;

  while (len > 0 && !no_copy_file_range)
    {
      ssize_t n = copy_file_range (in, &from, out, NULL, MIN (len, (guint64) 1 << 30), 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP))
        break;
      if (n <= 0)
        {
          if (n == 0)
            errno = EIO;
          return FALSE;
        }
      len -= n;
    }
  if (len == 0)
    return TRUE;

  buf = g_malloc (1024 * 1024);
  while (len > 0)
    {
      gsize chunk = MIN (len, 1024 * 1024);
      ssize_t n = pread (in, buf, chunk, from);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = EIO;
          return FALSE;
        }
      if (!write_all (out, buf, n))
        return FALSE;
      from += n;
      len -= n;
    }
  return TRUE;
}

/* Copies the sound packets of @s, one after the other, to @to. */
static gboolean
copy_sound_packets (const char         *from,
                    const char         *to,
                    StrataStreamCheck  *s,
                    char              **why)
{
  g_autofree char *dir = g_path_get_dirname (to);
  struct statvfs vfs;
  GStatBuf st;
  int in, out;
  gboolean ok = TRUE;

  if (statvfs (dir, &vfs) == 0 &&
      (guint64) vfs.f_bavail * vfs.f_frsize < s->sound_bytes + SPACE_MARGIN)
    {
      g_autofree char *need = g_format_size_full (s->sound_bytes, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *have = g_format_size_full ((guint64) vfs.f_bavail * vfs.f_frsize, G_FORMAT_SIZE_IEC_UNITS);

      *why = g_strdup_printf (_("its sound packets take %s, and the temporary folder has %s free"), need, have);
      return FALSE;
    }
  if ((in = strata_open_regular (from, &st)) < 0)
    {
      *why = g_strdup (g_strerror (errno));
      return FALSE;
    }
  if ((out = open (to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
    {
      *why = g_strdup (g_strerror (errno));
      close (in);
      return FALSE;
    }
  for (guint i = 0; i < s->packets->len && ok; i++)
    {
      StrataCtfPacket *p = &g_array_index (s->packets, StrataCtfPacket, i);

      if (p->sound)
        ok = copy_range (in, out, p->offset, p->size);
    }
  if (!ok)
    *why = g_strdup (g_strerror (errno));
  if (close (out) != 0 && ok)
    {
      ok = FALSE;
      *why = g_strdup (g_strerror (errno));
    }
  close (in);
  /* A partial copy would be read as a damaged stream. */
  if (!ok)
    g_unlink (to);
  return ok;
}

static void
put_be32 (GByteArray *bytes,
          guint32     v)
{
  v = GUINT32_TO_BE (v);
  g_byte_array_append (bytes, (const guint8 *) &v, 4);
}

static void
put_be64 (GByteArray *bytes,
          guint64     v)
{
  v = GUINT64_TO_BE (v);
  g_byte_array_append (bytes, (const guint8 *) &v, 8);
}

/*
 * An LTTng index (version 1.0) of the sound packets of @s. libbabeltrace2 reads the packets
 * an index lists, and only those; it wants the listed sizes to add up to the file's, so each
 * entry spans to the next one, over the damaged packets between them (whose own sizes it
 * never reads).
 */
static GByteArray *
make_index (StrataStreamCheck *s)
{
  GByteArray *bytes = g_byte_array_new ();
  g_autoptr(GArray) sound = g_array_new (FALSE, FALSE, sizeof (StrataCtfPacket));

  for (guint i = 0; i < s->packets->len; i++)
    if (g_array_index (s->packets, StrataCtfPacket, i).sound)
      g_array_append_val (sound, g_array_index (s->packets, StrataCtfPacket, i));

  put_be32 (bytes, INDEX_MAGIC);
  put_be32 (bytes, 1);
  put_be32 (bytes, 0);
  put_be32 (bytes, INDEX_ENTRY);
  for (guint i = 0; i < sound->len; i++)
    {
      StrataCtfPacket *p = &g_array_index (sound, StrataCtfPacket, i);
      guint64 end = i + 1 < sound->len ? g_array_index (sound, StrataCtfPacket, i + 1).offset : s->size;

      put_be64 (bytes, p->offset);
      put_be64 (bytes, (end - p->offset) * 8);
      put_be64 (bytes, (end - p->offset) * 8);
      put_be64 (bytes, p->ts_begin);
      /* libbabeltrace2 refuses an index whose packet ends before it begins. */
      put_be64 (bytes, MAX (p->ts_begin, p->ts_end));
      put_be64 (bytes, 0);
      put_be64 (bytes, p->stream_class);
    }
  return bytes;
}

/* A damaged file can be read in place, through an index of its sound packets, when its
 * first packet is sound (libbabeltrace2 reads it before the index) and the index can give
 * every packet's time (libbabeltrace2 ignores an index without a clock). */
static gboolean
can_index (StrataTsdl        *tsdl,
           StrataStreamCheck *s)
{
  StrataCtfPacket *first;

  if (s->packets->len == 0)
    return FALSE;
  first = &g_array_index (s->packets, StrataCtfPacket, 0);
  if (first->offset != 0 || !first->sound || !strata_tsdl_stream_has_clock (tsdl, first->stream_class))
    return FALSE;
  for (guint i = 0; i < s->packets->len; i++)
    {
      StrataCtfPacket *p = &g_array_index (s->packets, StrataCtfPacket, i);

      if (p->sound && !p->has_ts)
        return FALSE;
    }
  return TRUE;
}

static gboolean
ensure_index_folder (StrataStaging *self)
{
  g_autofree char *index = g_build_filename (self->path, "index", NULL);

  return g_mkdir (index, 0700) == 0 || errno == EEXIST;
}

static void
stage_stream (StrataStaging     *self,
              StrataTraceCheck  *check,
              StrataStreamCheck *s,
              const char        *display_path,
              GPtrArray         *problems)
{
  g_autofree char *original = g_build_filename (check->folder, s->file, NULL);
  g_autofree char *target = g_canonicalize_filename (original, NULL);
  g_autofree char *staged = g_build_filename (self->path, s->file, NULL);
  g_autofree char *why = NULL;

  if (s->reason == NULL && s->lost_from == G_MAXUINT64)
    {
      if (symlink (target, staged) != 0)
        {
          staging_problem (problems, display_path, s->file, g_strerror (errno));
          return;
        }
      if (s->has_index && ensure_index_folder (self))
        {
          g_autofree char *name = g_strconcat (s->file, ".idx", NULL);
          g_autofree char *index = g_build_filename (check->folder, "index", name, NULL);
          g_autofree char *index_target = g_canonicalize_filename (index, NULL);
          g_autofree char *index_link = g_build_filename (self->path, "index", name, NULL);

          /* Without it, libbabeltrace2 indexes the (sound) file itself. */
          if (symlink (index_target, index_link) != 0)
            g_debug ("Cannot link %s: %s", index_link, g_strerror (errno));
        }
      self->n_streams++;
      return;
    }

  if (can_index (check->tsdl, s))
    {
      g_autoptr(GByteArray) index = make_index (s);
      g_autofree char *name = g_strconcat (s->file, ".idx", NULL);
      g_autofree char *index_path = g_build_filename (self->path, "index", name, NULL);
      g_autoptr(GError) error = NULL;

      if (!ensure_index_folder (self) ||
          !g_file_set_contents (index_path, (const char *) index->data, index->len, &error))
        {
          staging_problem (problems, display_path, s->file, error ? error->message : g_strerror (errno));
          return;
        }
      if (symlink (target, staged) != 0)
        {
          staging_problem (problems, display_path, s->file, g_strerror (errno));
          g_unlink (index_path);
          return;
        }
      self->n_streams++;
      return;
    }

  if (!copy_sound_packets (original, staged, s, &why))
    {
      staging_problem (problems, display_path, s->file, why);
      return;
    }
  self->n_streams++;
}

static gboolean fill (StrataStaging    *self,
                      StrataTraceCheck *check,
                      const char       *display_path,
                      GHashTable       *exclude,
                      GPtrArray        *problems,
                      GError          **error);

StrataStaging *
strata_staging_new (StrataTraceCheck *check,
                    const char       *display_path,
                    GHashTable       *exclude,
                    GPtrArray        *problems,
                    GError          **error)
{
  g_autoptr(StrataStaging) self = g_new0 (StrataStaging, 1);
  g_autofree char *template = g_build_filename (g_get_tmp_dir (), STRATA_STAGING_PREPARING "XXXXXX", NULL);
  g_autofree char *lock = NULL;
  gboolean ok;

  g_return_val_if_fail (check != NULL && check->tsdl != NULL, NULL);

  strata_staging_sweep ();
  install_signal_cleanup ();

  self->lock_fd = -1;
  /* The folder is made and filled under live_lock: a signal's cleanup waits for it, and then
   * finds it complete, and registered. */
  g_mutex_lock (&live_lock);
  if (g_mkdtemp (template) == NULL)
    {
      int saved = errno;

      g_mutex_unlock (&live_lock);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("cannot make a temporary folder in %s (%s)"), g_get_tmp_dir (), g_strerror (saved));
      return NULL;
    }
  /* Locked under a name no sweep looks into, then named for staging: a staging folder
   * always has its lock held while its process lives. */
  lock = g_build_filename (template, ".lock", NULL);
  if ((self->lock_fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) >= 0 &&
      flock (self->lock_fd, LOCK_EX | LOCK_NB) == 0)
    {
      g_autofree char *base = g_path_get_basename (template);
      g_autofree char *dirname = g_path_get_dirname (template);
      g_autofree char *name = g_strconcat (STRATA_STAGING_PREFIX, base + strlen (STRATA_STAGING_PREPARING), NULL);

      self->path = g_build_filename (dirname, name, NULL);
      if (rename (template, self->path) != 0)
        g_clear_pointer (&self->path, g_free);
    }
  if (self->path == NULL)
    {
      int saved = errno;

      remove_tree (template);
      g_mutex_unlock (&live_lock);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("cannot make a temporary folder in %s (%s)"), g_get_tmp_dir (), g_strerror (saved));
      return NULL;
    }
  if (live == NULL)
    live = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (live, g_strdup (self->path));
  ok = fill (self, check, display_path, exclude, problems, error);
  g_mutex_unlock (&live_lock);
  if (!ok)
    return NULL;
  return g_steal_pointer (&self);
}

/* The metadata and the stream files of a staging folder. */
static gboolean
fill (StrataStaging    *self,
      StrataTraceCheck *check,
      const char       *display_path,
      GHashTable       *exclude,
      GPtrArray        *problems,
      GError          **error)
{
  g_autofree char *metadata = NULL;

  metadata = g_build_filename (self->path, "metadata", NULL);
  if (check->metadata != NULL)
    {
      if (!g_file_set_contents (metadata, check->metadata, check->metadata_len, error))
        return FALSE;
    }
  else
    {
      g_autofree char *original = g_build_filename (check->folder, "metadata", NULL);
      g_autofree char *target = g_canonicalize_filename (original, NULL);

      if (symlink (target, metadata) != 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("cannot link its metadata from a temporary folder (%s)"), g_strerror (saved));
          return FALSE;
        }
    }

  for (guint i = 0; i < check->streams->len; i++)
    {
      StrataStreamCheck *s = g_ptr_array_index (check->streams, i);

      if (s->unreadable || s->sound_bytes == 0 || s->duplicate_of != NULL ||
          (exclude != NULL && g_hash_table_contains (exclude, s->file)))
        continue;
      stage_stream (self, check, s, display_path, problems);
    }
  return TRUE;
}

const char *
strata_staging_get_path (StrataStaging *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->path;
}

guint
strata_staging_get_n_streams (StrataStaging *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_streams;
}

void
strata_staging_free (StrataStaging *self)
{
  if (self == NULL)
    return;
  if (self->path != NULL)
    {
      g_mutex_lock (&live_lock);
      remove_tree (self->path);
      for (guint i = 0; live != NULL && i < live->len; i++)
        if (g_str_equal (g_ptr_array_index (live, i), self->path))
          {
            g_ptr_array_remove_index_fast (live, i);
            break;
          }
      g_mutex_unlock (&live_lock);
    }
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_free (self->path);
  g_free (self);
}
