/* test-robust-files.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include "strata-analysis.h"
#include "strata-decoder.h"
#include "strata-staging.h"
#include "strata-trace-loader.h"
#include "test-robust-util.h"
#include "test-util.h"

/*
 * Regression tests for the files around a trace's packets (issue 15, items 7, 8, 9, 12, 15
 * and 17): metadata too big, too slow or not a file at all, links out of the folders given,
 * folders named `metadata`, staging folders that must not outlive their process, copies of
 * stream files, paths given twice. Traces are written at run time, every load is bounded in
 * time and memory (test-robust-util.c), and the staging folders go in a private temporary
 * folder that must be empty at the end.
 */

#define EVENTS 400

static char *
writer_case (const char *tmp,
             const char *name)
{
  char *dir = g_build_filename (tmp, name, NULL);

  rt_write_trace (dir, name, 2, 1024, EVENTS);
  return dir;
}

/* @n_events more event classes, none of which occurs: libbabeltrace2 2.0 parses them in
 * time quadratic in their number. */
static void
add_event_classes (const char *metadata,
                   guint       n_events)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < n_events; i++)
    g_string_append_printf (text,
                            "event {\n\tname = \"unused_event_%u\";\n\tid = %u;\n\tstream_id = 0;\n"
                            "\tfields := struct {\n\t\tinteger { size = 32; align = 8; signed = 0; } _a;\n\t};\n};\n\n",
                            i, 100000 + i);
  rt_append (metadata, text->str);
}

/* ---- item 7: metadata that takes libbabeltrace2 long to parse ---- */

typedef struct
{
  char    *folder;
  gint64   finished;      /* monotonic µs; atomic via the mutex */
  GMutex   lock;
} SlowLoad;

static gpointer
slow_decode (gpointer data)
{
  SlowLoad *slow = data;
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  StrataShardResult *result;

  /* Straight into libbabeltrace2, which parses the metadata. */
  result = strata_decode_shard (slow->folder, slow->folder, 0, 1, NULL, strings, NULL);
  strata_shard_result_free (result);
  g_mutex_lock (&slow->lock);
  slow->finished = g_get_monotonic_time ();
  g_mutex_unlock (&slow->lock);
  return NULL;
}

static void
test_slow_metadata_no_lock (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *slow_dir = writer_case (tmp, "slow");
  g_autofree char *slow_metadata = g_build_filename (slow_dir, "metadata", NULL);
  g_autofree char *good = NULL;
  const char *paths[2] = { NULL, NULL };
  SlowLoad slow = { 0 };
  GThread *thread;
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(GError) error = NULL;
  gint64 other_done;

  if (!test_have_samples ())
    return;
  /* About 3.4 MB of metadata: seconds in libbabeltrace2, under the size Strata reads. */
  add_event_classes (slow_metadata, 20000);
  slow.folder = slow_dir;
  g_mutex_init (&slow.lock);
  thread = g_thread_new ("slow", slow_decode, &slow);
  g_usleep (100000);

  /* Another trace opens meanwhile: nothing holds it back. */
  good = test_sample (RT_GOOD_TRACE);
  paths[0] = good;
  set = rt_load_bounded ("beside a slow parse", paths, 60, 512, &error);
  g_assert_no_error (error);
  other_done = g_get_monotonic_time ();
  g_mutex_lock (&slow.lock);
  g_assert_cmpint (slow.finished, ==, 0);
  g_mutex_unlock (&slow.lock);
  g_thread_join (thread);
  g_test_message ("the other load ended %.0f ms before the slow parse",
                  (slow.finished - other_done) / 1000.0);
  g_mutex_clear (&slow.lock);
  test_rm_tree (tmp);
}

static void
test_big_metadata (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *many = writer_case (tmp, "many-classes");
  g_autofree char *many_metadata = g_build_filename (many, "metadata", NULL);
  g_autofree char *comment = writer_case (tmp, "long-comment");
  g_autofree char *comment_metadata = g_build_filename (comment, "metadata", NULL);
  g_autofree char *comments = writer_case (tmp, "many-comments");
  g_autofree char *comments_metadata = g_build_filename (comments, "metadata", NULL);
  g_autoptr(StrataSet) set = NULL;
  StrataTrace *t;

  if (!test_have_samples ())
    return;

  /* 100,000 event classes (17 MB): refused up front, with a message. */
  add_event_classes (many_metadata, 100000);
  set = rt_check_case ("100,000 event classes", tmp, many);
  t = test_find_trace (set, many);
  g_assert_true (t->failed);
  g_assert_true (test_errors_contain (t->errors, many, "more than LTTng writes"));
  g_clear_pointer (&set, strata_set_unref);

  /* 60,000 event classes in 3.4 MB (a minute and a half for libbabeltrace2): refused. */
  {
    g_autofree char *small = writer_case (tmp, "small-classes");
    g_autofree char *small_metadata = g_build_filename (small, "metadata", NULL);
    g_autoptr(GString) text = g_string_new (NULL);

    for (guint i = 0; i < 60000; i++)
      g_string_append_printf (text, "event{name=e%u;id=%u;stream_id=0;fields:=struct{};};\n", i, 100000 + i);
    rt_append (small_metadata, text->str);
    set = rt_check_case ("60,000 small event classes", tmp, small);
    t = test_find_trace (set, small);
    g_assert_true (t->failed);
    g_assert_true (test_errors_contain (t->errors, small, "event classes, more than LTTng writes"));
    g_clear_pointer (&set, strata_set_unref);
  }

  /* A 16 MB comment, and 100,000 small ones: read without them. */
  {
    gsize len = 16 * 1024 * 1024;
    g_autofree char *big = g_malloc (len + 8);
    g_autoptr(GString) small = g_string_new (NULL);

    memcpy (big, "/* ", 3);
    memset (big + 3, 'x', len - 6);
    memcpy (big + len - 3, " */", 4);
    rt_append (comment_metadata, big);
    for (guint i = 0; i < 100000; i++)
      g_string_append (small, "/* a comment of a line */ // and another one\n");
    rt_append (comments_metadata, small->str);
  }
  set = rt_check_case ("16 MB comment", tmp, comment);
  t = test_find_trace (set, comment);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->events, ==, EVENTS);
  g_clear_pointer (&set, strata_set_unref);
  set = rt_check_case ("100,000 comments", tmp, comments);
  t = test_find_trace (set, comments);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->events, ==, EVENTS);
  test_rm_tree (tmp);
}

/* ---- item 8: FIFOs and devices ---- */

static void
test_fifos_and_devices (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *fifo_meta = writer_case (tmp, "metadata-fifo");
  g_autofree char *zero_meta = writer_case (tmp, "metadata-dev-zero");
  g_autofree char *fifo_stream = writer_case (tmp, "stream-fifo");
  g_autofree char *zero_stream = writer_case (tmp, "stream-dev-zero");
  g_autoptr(StrataSet) set = NULL;
  StrataTrace *t;

  if (!test_have_samples ())
    return;
  {
    g_autofree char *m1 = g_build_filename (fifo_meta, "metadata", NULL);
    g_autofree char *m2 = g_build_filename (zero_meta, "metadata", NULL);
    g_autofree char *s1 = g_build_filename (fifo_stream, "channel0_2", NULL);
    g_autofree char *s2 = g_build_filename (zero_stream, "channel0_2", NULL);

    g_assert_cmpint (g_unlink (m1), ==, 0);
    g_assert_cmpint (mkfifo (m1, 0600), ==, 0);
    g_assert_cmpint (g_unlink (m2), ==, 0);
    g_assert_cmpint (symlink ("/dev/zero", m2), ==, 0);
    g_assert_cmpint (mkfifo (s1, 0600), ==, 0);
    g_assert_cmpint (symlink ("/dev/zero", s2), ==, 0);
  }

  set = rt_check_case ("metadata is a FIFO", tmp, fifo_meta);
  g_assert_null (test_find_trace (set, fifo_meta));
  g_assert_true (test_errors_contain (set->errors, fifo_meta, "not a regular file"));
  g_clear_pointer (&set, strata_set_unref);

  set = rt_check_case ("metadata is /dev/zero", tmp, zero_meta);
  g_assert_null (test_find_trace (set, zero_meta));
  g_assert_true (test_errors_contain (set->errors, zero_meta, "not a regular file"));
  g_clear_pointer (&set, strata_set_unref);

  /* Beside the stream files, a FIFO and a device are not stream files: the others are
   * read, and what was left out is said. */
  set = rt_check_case ("stream file is a FIFO", tmp, fifo_stream);
  t = test_find_trace (set, fifo_stream);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->events, ==, EVENTS);
  g_assert_true (test_errors_contain (t->errors, fifo_stream, "channel0_2 is not a regular file"));
  g_clear_pointer (&set, strata_set_unref);
  set = rt_check_case ("stream file is /dev/zero", tmp, zero_stream);
  t = test_find_trace (set, zero_stream);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->events, ==, EVENTS);
  g_assert_true (test_errors_contain (t->errors, zero_stream, "channel0_2 is not a regular file"));
  test_rm_tree (tmp);
}

/* ---- item 9: links out of the folders given ---- */

static void
test_links_out (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *opened = g_build_filename (tmp, "opened", NULL);
  g_autofree char *inside = g_build_filename (opened, "hosts", "a", NULL);
  g_autofree char *outside = writer_case (tmp, "elsewhere");
  g_autofree char *to_root = g_build_filename (opened, "root", NULL);
  g_autofree char *to_proc = g_build_filename (opened, "proc", NULL);
  g_autofree char *to_outside = g_build_filename (opened, "elsewhere", NULL);
  g_autofree char *to_inside = g_build_filename (opened, "same-hosts", NULL);
  g_autoptr(StrataSet) set = NULL;

  if (!test_have_samples ())
    return;
  rt_write_trace (inside, "inside", 2, 1024, EVENTS);
  g_assert_cmpint (symlink ("/", to_root), ==, 0);
  g_assert_cmpint (symlink ("/proc", to_proc), ==, 0);
  g_assert_cmpint (symlink (outside, to_outside), ==, 0);
  g_assert_cmpint (symlink ("hosts", to_inside), ==, 0);

  set = rt_check_case ("links out of the tree", opened, opened);
  /* One trace: the one inside, once; nothing from / or elsewhere. */
  g_assert_cmpuint (set->traces->len, ==, 2);
  g_assert_nonnull (test_find_trace (set, inside));
  g_assert_true (test_errors_contain (set->errors, to_root, "outside the folders opened"));
  g_assert_true (test_errors_contain (set->errors, to_proc, "outside the folders opened"));
  g_assert_true (test_errors_contain (set->errors, to_outside, "outside the folders opened"));
  test_rm_tree (tmp);
}

/* ---- item 15: folders named metadata ---- */

static void
test_metadata_folders (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *home = g_build_filename (tmp, "home", NULL);
  g_autofree char *package = g_build_filename (home, "project", "metadata", NULL);
  g_autofree char *init = g_build_filename (package, "__init__.py", NULL);
  g_autofree char *nested = g_build_filename (home, "traces", "metadata", NULL);
  g_autofree char *below = g_build_filename (home, "project", "runs", "t1", NULL);
  g_autoptr(StrataSet) set = NULL;

  if (!test_have_samples ())
    return;
  g_assert_cmpint (g_mkdir_with_parents (package, 0755), ==, 0);
  rt_write_file (init, "import os\n", 10);
  /* A trace folder that happens to be named metadata, and one beside a Python package. */
  rt_write_trace (nested, "nested", 2, 1024, EVENTS);
  rt_write_trace (below, "below", 2, 1024, EVENTS);

  set = rt_check_case ("folders named metadata", home, home);
  g_assert_nonnull (test_find_trace (set, nested));
  g_assert_nonnull (test_find_trace (set, below));
  g_assert_cmpuint (set->traces->len, ==, 3);
  /* Neither project/ nor traces/ is taken for a trace. */
  g_assert_cmpuint (set->errors->len, ==, 0);
  test_rm_tree (tmp);
}

/* ---- item 12: staging folders ---- */

static char *
private_tmp (const char *tmp,
             const char *name)
{
  char *dir = g_build_filename (tmp, name, NULL);

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  return dir;
}

static guint
count_staging (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, STRATA_STAGING_PREFIX))
      n++;
  return n;
}

static gboolean
staging_locked (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, STRATA_STAGING_PREFIX))
      {
        g_autofree char *lock = g_build_filename (dir, name, ".lock", NULL);

        if (g_file_test (lock, G_FILE_TEST_EXISTS))
          return TRUE;
      }
  return FALSE;
}

/* The run to be signalled must still be going when its staging folder is seen. It yields
 * to every other process, so that this test's polling, however busy the machine, is not
 * held up behind it (it had ended, once, before a loaded machine let the test look). */
static void
lower_priority (gpointer data)
{
  (void) data;
  (void) setpriority (PRIO_PROCESS, 0, 19);
}

/* Runs strata-cli info on @trace with TMPDIR=@tmpdir, and sends @signum once a staging
 * folder appears (0: none). Returns the wait status. */
static int
run_cli (const char *trace,
         const char *tmpdir,
         int         signum)
{
  const char *cli = g_getenv ("STRATA_CLI");
  const char *argv[] = { cli, "info", trace, NULL };
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "TMPDIR", tmpdir, TRUE);
  g_autoptr(GError) error = NULL;
  GPid pid;
  int status = 0;
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  g_assert_nonnull (cli);
  g_assert_true (g_spawn_async (NULL, (char **) argv, envp,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                signum != 0 ? lower_priority : NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  if (signum != 0)
    {
      /* Once the folder is there (and, for SIGKILL, its lock: a folder without one is taken
       * for one being made, and left for a minute). */
      while (count_staging (tmpdir) == 0 || (signum == SIGKILL && !staging_locked (tmpdir)))
        {
          g_assert_cmpint (waitpid (pid, &status, WNOHANG), ==, 0);
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (500);
        }
      kill (pid, signum);
    }
  while (waitpid (pid, &status, WNOHANG) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10000);
    }
  g_spawn_close_pid (pid);
  return status;
}

static void
wait_no_staging (const char *dir)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (count_staging (dir) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10000);
    }
}

static void
test_staging_signals (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *big = g_build_filename (tmp, "big", NULL);
  g_autofree char *stream = g_build_filename (big, "channel0_1", NULL);
  g_autofree char *small = writer_case (tmp, "small");
  const int signals[] = { SIGTERM, SIGINT, SIGHUP };

  if (!test_have_samples () || g_getenv ("STRATA_CLI") == NULL)
    return;
  /* Long enough to load that the staging folder is seen before the end; one damaged
   * packet so that it is staged. */
  rt_write_trace (big, "big", 2, 64 * 1024, 600000);
  rt_patch_u64 (stream, 3 * 64 * 1024 + RT_OFF_PACKET_SIZE, G_GUINT64_CONSTANT (1) << 63);

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      g_autofree char *name = g_strdup_printf ("tmp-%d", signals[i]);
      g_autofree char *dir = private_tmp (tmp, name);
      int status = run_cli (big, dir, signals[i]);

      /* The process ends as the signal ends it, and leaves nothing behind (a child of it
       * removes the folder once it is gone). */
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, signals[i]);
      wait_no_staging (dir);
    }

  /* SIGKILL cannot be caught: the next start removes what it left. */
  {
    g_autofree char *dir = private_tmp (tmp, "tmp-kill");
    g_autofree char *stale = g_build_filename (dir, STRATA_STAGING_PREFIX "old", NULL);
    g_autofree char *preparing_old = g_build_filename (dir, "strata-prep-old", NULL);
    g_autofree char *preparing_new = g_build_filename (dir, "strata-prep-new", NULL);
    g_autofree char *held = g_build_filename (dir, STRATA_STAGING_PREFIX "held", NULL);
    g_autofree char *held_lock = g_build_filename (held, ".lock", NULL);
    struct utimbuf old_times = { 1000, 1000 };
    int status, fd;

    status = run_cli (big, dir, SIGKILL);
    g_assert_true (WIFSIGNALED (status));
    g_assert_cmpuint (count_staging (dir), ==, 1);
    /* Beside it: one left without a lock, one whose process (this one) lives, and two being
     * made, one of them long ago. */
    g_assert_cmpint (g_mkdir (stale, 0700), ==, 0);
    g_assert_cmpint (g_mkdir (preparing_old, 0700), ==, 0);
    g_assert_cmpint (utime (preparing_old, &old_times), ==, 0);
    g_assert_cmpint (g_mkdir (preparing_new, 0700), ==, 0);
    g_assert_cmpint (g_mkdir (held, 0700), ==, 0);
    fd = open (held_lock, O_RDWR | O_CREAT, 0600);
    g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);

    status = run_cli (small, dir, 0);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    g_assert_cmpuint (count_staging (dir), ==, 1);
    g_assert_true (g_file_test (held, G_FILE_TEST_IS_DIR));
    g_assert_false (g_file_test (preparing_old, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (preparing_new, G_FILE_TEST_IS_DIR));
    g_rmdir (preparing_new);
    close (fd);
    test_rm_tree (held);
  }
  test_rm_tree (tmp);
}

static void
limit_file_size (gpointer data)
{
  struct rlimit limit = { 4096, 4096 };

  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}

static void
test_staging_failures (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *first = writer_case (tmp, "first-packet-damaged");
  g_autofree char *stream = g_build_filename (first, "channel0_0", NULL);
  g_autofree char *good = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("STRATA_CLI");
  int status = 0;

  if (!test_have_samples () || cli == NULL)
    return;
  good = test_sample (RT_GOOD_TRACE);
  /* Its first packet damaged: the rest of the file must be copied to be read. */
  rt_patch_u32 (stream, 0, 0);

  /* No temporary folder at all, and one where files cannot grow past 4 KiB: each failure is
   * a problem of the set, and the good trace loads. */
  for (guint c = 0; c < 2; c++)
    {
      const char *argv[] = { cli, "info", "--json", first, good, NULL };
      g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "TMPDIR",
                                             c == 0 ? "/nonexistent/strata" : tmp, TRUE);

      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT,
                                   c == 0 ? NULL : limit_file_size, NULL, &out, &err, &status, &error));
      g_assert_no_error (error);
      g_test_message ("%s", out);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      if (c == 0)
        g_assert_nonnull (strstr (out, "cannot make a temporary folder"));
      else
        g_assert_nonnull (strstr (out, "channel0_0 cannot be staged for reading"));
      g_assert_nonnull (strstr (out, "\"events\":14310"));
    }
  g_assert_cmpuint (count_staging (tmp), ==, 0);
  test_rm_tree (tmp);
}

/* ---- item 17: copies, paths given twice, long paths ---- */

static void
test_paths (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *copy = writer_case (tmp, "copied-stream");
  g_autofree char *parent = g_build_filename (tmp, "parent", NULL);
  g_autofree char *child = g_build_filename (parent, "child", NULL);
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(GError) error = NULL;
  StrataTrace *t;

  if (!test_have_samples ())
    return;

  /* A stream file copied under another name is read once, and said. */
  {
    g_autofree char *from = g_build_filename (copy, "channel0_1", NULL);
    g_autofree char *to = g_build_filename (copy, "channel0_1.bak", NULL);
    gsize len = 0;
    g_autofree guint8 *data = rt_read_file (from, &len);

    rt_write_file (to, data, len);
  }
  set = rt_check_case ("copied stream file", tmp, copy);
  t = test_find_trace (set, copy);
  g_assert_cmpuint (t->events, ==, EVENTS);
  g_assert_true (test_errors_contain (t->errors, "channel0_1.bak", "same packets as channel0_1"));
  g_clear_pointer (&set, strata_set_unref);

  /* The same folder twice, and a folder with its parent, in both orders. */
  rt_write_trace (child, "child", 2, 1024, EVENTS);
  {
    const char *cases[][3] = { { child, child, NULL }, { child, parent, NULL }, { parent, child, NULL } };

    for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
      {
        set = rt_load_bounded ("paths twice", cases[c], 60, 512, &error);
        g_assert_no_error (error);
        rt_dump_errors ("paths twice", set->errors);
        g_assert_cmpuint (set->traces->len, ==, 1);
        g_assert_cmpuint (set->errors->len, ==, 0);
        g_assert_cmpuint (((StrataTrace *) g_ptr_array_index (set->traces, 0))->events, ==, EVENTS);
        g_clear_pointer (&set, strata_set_unref);
      }
  }

  /* An empty path, and a trace deeper than PATH_MAX: said as such, not "no trace found". */
  {
    g_autofree char *good = test_sample (RT_GOOD_TRACE);
    g_autofree char *deep_root = g_build_filename (tmp, "deep", NULL);
    g_autofree char *cwd = g_get_current_dir ();
    const char *empty[] = { "", good, NULL };
    const char *deep[] = { deep_root, NULL };
    char name[201];

    set = rt_load_bounded ("empty path", empty, 60, 512, &error);
    g_assert_no_error (error);
    g_assert_true (test_errors_contain (set->errors, "empty path", NULL));
    g_clear_pointer (&set, strata_set_unref);

    memset (name, 'd', 200);
    name[200] = '\0';
    g_assert_cmpint (g_mkdir (deep_root, 0755), ==, 0);
    g_assert_cmpint (g_chdir (deep_root), ==, 0);
    for (guint level = 0; level < 24; level++)
      {
        g_assert_cmpint (g_mkdir (name, 0755), ==, 0);
        g_assert_cmpint (g_chdir (name), ==, 0);
      }
    rt_write_trace ("trace", "deep", 2, 1024, 40);
    g_assert_cmpint (g_chdir (cwd), ==, 0);

    set = rt_load_bounded ("deeper than PATH_MAX", deep, 60, 512, &error);
    g_assert_null (set);
    g_assert_nonnull (error);
    g_test_message ("deeper than PATH_MAX: %s", error->message);
    g_assert_null (strstr (error->message, "no CTF trace found"));
  }
  test_rm_tree (tmp);
}

/* Cuts @machine's stream file @name in the set copied to @dir to half its size. */
static void
cut_in_half (const char *dir,
             const char *machine,
             const char *name)
{
  g_autofree char *file = g_build_filename (dir, machine, name, NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (truncate (file, st.st_size / 2), ==, 0);
}

/* A stream file cut short in the middle of the set: its CPU, and the thread it ran, are
 * unknown from the end of its last packet read, not in the state they were last seen in;
 * its other CPU, whole, goes on to the end. */
static void
test_truncated_stream (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *copy = g_build_filename (tmp, "demo", NULL);
  g_autofree char *guest = g_build_filename (copy, "server1", NULL);
  const char *paths[] = { copy, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(StrataAnalysis) analysis = NULL;
  StrataStore *store;
  StrataTrace *trace;
  StrataStream *cut = NULL;
  StrataInterval iv, before;
  gint64 end;
  gint row;

  if (g_getenv ("STRATA_DEMO_DIR") == NULL)
    {
      g_test_skip ("no demo set");
      return;
    }
  test_copy_tree (g_getenv ("STRATA_DEMO_DIR"), copy);
  cut_in_half (copy, "server1", "channel0_1");

  set = strata_trace_load (paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (test_errors_contain (set->errors, "channel0_1", "damaged or truncated"));
  trace = test_find_trace (set, guest);
  g_assert_nonnull (trace);
  for (guint s = 0; s < trace->streams->len; s++)
    {
      StrataStream *stream = g_ptr_array_index (trace->streams, s);

      if (stream->cut_ns == 0)
        continue;
      g_assert_null (cut);
      cut = stream;
    }
  g_assert_nonnull (cut);
  g_assert_cmpuint (cut->cpu, ==, 1);
  /* Past its last event (its last packet ends later), well before the trace's end. */
  g_assert_cmpint (cut->cut_ns, >=, cut->end_ns);
  g_assert_cmpint (cut->cut_ns, <, trace->end_ns - 500 * G_GINT64_CONSTANT (1000000));

  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  store = analysis->store;
  end = strata_store_end (store);

  /* The cut CPU: unknown from the cut to the end, after what it was last seen doing. */
  row = strata_store_find_row (store, "server1/cpu/1");
  g_assert_cmpint (row, >=, 0);
  g_assert_true (strata_store_lookup (store, row, end - 1000, &iv));
  g_assert_true (strata_state_desc_is_gap (iv.desc));
  g_assert_cmpint (iv.start, <, end - 500 * G_GINT64_CONSTANT (1000000));
  g_assert_true (strata_store_lookup (store, row, iv.start - 1, &before));
  g_assert_false (strata_state_desc_is_gap (before.desc));
  g_assert_cmpint (before.desc->state, !=, STRATA_STATE_UNKNOWN);
  /* Its thread then: unknown too, not running on. */
  if (before.desc->tid > 0)
    {
      g_autofree char *name = g_strdup_printf ("server1/thread/%d", before.desc->tid);
      gint thread_row = strata_store_find_row (store, name);
      StrataInterval t;

      g_assert_cmpint (thread_row, >=, 0);
      g_assert_true (strata_store_lookup (store, thread_row, iv.start, &t));
      g_assert_cmpint (t.desc->state, ==, STRATA_STATE_UNKNOWN);
    }

  /* The other CPU goes on. */
  row = strata_store_find_row (store, "server1/cpu/0");
  g_assert_true (strata_store_lookup (store, row, iv.start + 1000, &iv));
  g_assert_false (strata_state_desc_is_gap (iv.desc));

  /* A host CPU cut short: the vCPU it ran (pinned there) is unknown from then on, not in the
   * hypervisor or preempted to the end, and no preemption is left open at the end. */
  g_clear_pointer (&analysis, strata_analysis_unref);
  g_clear_pointer (&set, strata_set_unref);
  cut_in_half (copy, "host", "channel0_1");
  set = strata_trace_load (paths, NULL, NULL, &error);
  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  store = analysis->store;
  end = strata_store_end (store);
  row = strata_store_find_row (store, "server1/vcpu/1");
  g_assert_cmpint (row, >=, 0);
  g_assert_true (strata_store_lookup (store, row, end - 1000, &iv));
  g_assert_cmpint (iv.desc->state, ==, STRATA_STATE_UNKNOWN);
  g_assert_cmpint (iv.start, <, end - 500 * G_GINT64_CONSTANT (1000000));
  for (guint i = 0; i < analysis->preemptions->len; i++)
    g_assert_false (g_array_index (analysis->preemptions, StrataPreemption, i).open);
  /* Nor are the guest's events after it said to fall outside guest mode. */
  g_assert_false (test_errors_contain (analysis->warnings, "outside the guest mode", NULL));

  test_rm_tree (tmp);
}

/* The demo copied to @tmp/demo, the stream file of its host's CPU 0 (64 KiB packets) handed
 * to @damage first; NULL (the test skipped) without the demo. */
static char *
damaged_demo (const char *tmp,
              void      (*damage) (char *bytes, gsize length))
{
  char *copy = g_build_filename (tmp, "demo", NULL);
  g_autofree char *file = g_build_filename (copy, "host", "channel0_0", NULL);
  g_autofree char *bytes = NULL;
  gsize length;

  if (g_getenv ("STRATA_DEMO_DIR") == NULL)
    {
      g_test_skip ("no demo set");
      g_free (copy);
      return NULL;
    }
  test_copy_tree (g_getenv ("STRATA_DEMO_DIR"), copy);
  g_assert_true (g_file_get_contents (file, &bytes, &length, NULL));
  g_assert_cmpuint (length, >, 7 * 65536);
  damage (bytes, length);
  g_assert_true (g_file_set_contents (file, bytes, length, NULL));
  return copy;
}

/* The stream of CPU @cpu of the trace in @copy/host. */
static StrataStream *
host_stream (StrataSet  *set,
             const char *copy,
             guint       cpu)
{
  g_autofree char *path = g_build_filename (copy, "host", NULL);
  StrataTrace *host = test_find_trace (set, path);

  g_assert_nonnull (host);
  for (guint s = 0; s < host->streams->len; s++)
    if (((StrataStream *) g_ptr_array_index (host->streams, s))->cpu == cpu)
      return g_ptr_array_index (host->streams, s);
  g_assert_not_reached ();
}

/* Random bytes inside packet @p (of 64 KiB), past its header. */
static void
garble (char  *bytes,
        guint  p)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7 + p);

  for (gsize i = p * 65536 + 2000; i < p * 65536 + 22000; i++)
    bytes[i] = (char) g_rand_int_range (rand, 0, 256);
}

static void
garble_packet (char  *bytes,
               gsize  length)
{
  garble (bytes, 5);
}

static void
garble_two_packets (char  *bytes,
                    gsize  length)
{
  garble (bytes, 5);
  garble (bytes, 6);
}

static void
garble_last_packet (char  *bytes,
                    gsize  length)
{
  g_assert_cmpuint (length % 65536, ==, 0);
  garble (bytes, length / 65536 - 1);
}

/* The sixth packet zeroed whole, header and all. */
static void
zero_packet (char  *bytes,
             gsize  length)
{
  memset (bytes + 5 * 65536, 0, 65536);
}

/* Bytes inside packets of the host's CPU 0 garbled, their headers whole: libbabeltrace2 stops
 * reading that stream there. It is read on from the next packet: the time between is a loss,
 * of events not counted, where the CPU is unknown; after it, and on the other CPUs, the
 * trace is read to its end, and the guest's events later are not said to fall outside guest
 * mode. With no packet after, the stream stops: its CPU is unknown from its last event read,
 * not in the state it was last seen in until the end. */
static void
test_garbled_packet (void)
{
  /* Each garbled packet is read up to its garbled bytes: a gap each. */
  const struct
  {
    void      (*damage) (char *bytes, gsize length);
    guint       gaps;
  } cases[] = {
    { garble_packet, 1 },
    { garble_two_packets, 2 },
    { garble_last_packet, 0 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *tmp = test_make_tmpdir ();
      g_autofree char *copy = damaged_demo (tmp, cases[c].damage);
      g_autofree char *host_path = NULL;
      const char *paths[] = { copy, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataSet) set = NULL;
      g_autoptr(StrataAnalysis) analysis = NULL;
      g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (StrataLoss));
      StrataStream *cpu0;
      StrataInterval iv;
      gint64 end;
      gint row;

      if (copy == NULL)
        return;
      set = strata_trace_load (paths, NULL, NULL, &error);
      g_assert_no_error (error);
      host_path = g_build_filename (copy, "host", NULL);
      cpu0 = host_stream (set, copy, 0);
      for (guint l = 0; l < cpu0->losses->len; l++)
        if (g_array_index (cpu0->losses, StrataLoss, l).count == 0)
          g_array_append_val (gaps, g_array_index (cpu0->losses, StrataLoss, l));
      g_assert_cmpuint (gaps->len, ==, cases[c].gaps);
      for (guint g = 0; g < gaps->len; g++)
        {
          const StrataLoss *gap = &g_array_index (gaps, StrataLoss, g);

          g_assert_cmpint (gap->begin_ns, >, g == 0 ? cpu0->begin_ns : gap[-1].end_ns);
          g_assert_cmpint (gap->end_ns, >, gap->begin_ns);
          g_assert_cmpint (gap->end_ns, <, cpu0->end_ns);
        }
      if (cases[c].gaps > 0)
        {
          g_assert_true (test_errors_contain (set->errors, "channel0_0", "the stream is read on after it"));
          g_assert_false (test_errors_contain (set->errors, "channel0_0", "reading stopped"));
          g_assert_cmpint (cpu0->cut_ns, ==, 0);
          g_assert_cmpint (cpu0->end_ns, >, test_find_trace (set, host_path)->end_ns - 100 * G_GINT64_CONSTANT (1000000));
        }
      else
        {
          g_assert_true (test_errors_contain (set->errors, "channel0_0", "reading stopped"));
          /* Its stream alone is cut, where its last event was read. */
          g_assert_cmpint (cpu0->cut_ns, ==, cpu0->end_ns);
        }
      for (guint cpu = 1; cpu < 8; cpu++)
        g_assert_cmpint (host_stream (set, copy, cpu)->cut_ns, ==, 0);

      analysis = strata_analysis_new (set, NULL, &error);
      g_assert_no_error (error);
      end = strata_store_end (analysis->store);
      row = strata_store_find_row (analysis->store, "pcpu/0");
      g_assert_cmpint (row, >=, 0);
      g_assert_true (strata_store_lookup (analysis->store, row, end - 1000, &iv));
      g_assert_true (strata_state_desc_is_gap (iv.desc) == (cases[c].gaps == 0));
      if (cases[c].gaps == 0)
        g_assert_cmpint (iv.start, <=, cpu0->cut_ns + 1);
      /* Unknown over each gap, whole. */
      for (guint g = 0; g < gaps->len; g++)
        {
          const StrataLoss *gap = &g_array_index (gaps, StrataLoss, g);

          g_assert_true (strata_store_lookup (analysis->store, row, (gap->begin_ns + gap->end_ns) / 2, &iv));
          g_assert_cmpint (iv.desc->state, ==, STRATA_STATE_UNKNOWN);
          g_assert_cmpint (iv.start, <=, gap->begin_ns);
          g_assert_cmpint (iv.end, >=, gap->end_ns);
        }
      row = strata_store_find_row (analysis->store, "pcpu/1");
      g_assert_true (strata_store_lookup (analysis->store, row, end - 1000, &iv));
      g_assert_false (strata_state_desc_is_gap (iv.desc));
      g_assert_false (test_errors_contain (analysis->warnings, "outside the guest mode", NULL));

      test_rm_tree (tmp);
    }
}

/* The tracer lost 5 events before the fourth packet (the counters from there on say so), then
 * the sixth is garbled: the 5 are counted once, and the garbled packet's gap is one loss that
 * spans its time, though the packet read on from counts them again from the stream's start. */
/* Adds @delta to the 64-bit counter at @offset of every packet (of 64 KiB) from packet @from. */
static void
add_to_counters (char    *bytes,
                 gsize    length,
                 gsize    from,
                 gsize    offset,
                 guint64  delta)
{
  for (gsize p = from; p < length / 65536; p++)
    {
      guint64 counter;

      memcpy (&counter, bytes + p * 65536 + offset, sizeof counter);
      counter += delta;
      memcpy (bytes + p * 65536 + offset, &counter, sizeof counter);
    }
}

static void
add_discards_and_garble (char  *bytes,
                         gsize  length)
{
  add_to_counters (bytes, length, 3, RT_OFF_DISCARDED, 5);
  garble (bytes, 5);
}

static void
test_garbled_after_losses (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *copy = damaged_demo (tmp, add_discards_and_garble);
  const char *paths[] = { copy, NULL };
  const char *demo[] = { g_getenv ("STRATA_DEMO_DIR"), NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(StrataSet) whole = NULL;
  g_autoptr(StrataAnalysis) analysis = NULL;
  const StrataLoss *gap = NULL;
  StrataStream *cpu0, *whole0 = NULL;
  StrataInterval iv;
  gint row;

  if (copy == NULL)
    return;
  set = strata_trace_load (paths, NULL, NULL, &error);
  g_assert_no_error (error);
  whole = strata_trace_load (demo, NULL, NULL, &error);
  g_assert_no_error (error);
  cpu0 = host_stream (set, copy, 0);
  {
    g_autofree char *host = g_build_filename (demo[0], "host", NULL);
    StrataTrace *t = test_find_trace (whole, host);

    for (guint s = 0; s < t->streams->len; s++)
      if (((StrataStream *) g_ptr_array_index (t->streams, s))->cpu == 0)
        whole0 = g_ptr_array_index (t->streams, s);
  }
  g_assert_nonnull (whole0);
  g_assert_cmpuint (cpu0->discarded, ==, whole0->discarded + 5);
  for (guint l = 0; l < cpu0->losses->len; l++)
    if (g_array_index (cpu0->losses, StrataLoss, l).count == 0)
      {
        g_assert_null (gap);
        gap = &g_array_index (cpu0->losses, StrataLoss, l);
      }
  g_assert_nonnull (gap);
  g_assert_cmpint (gap->end_ns - gap->begin_ns, >, 1000000);
  g_assert_cmpint (gap->end_ns, <, G_MAXINT64);
  g_assert_cmpint (cpu0->cut_ns, ==, 0);

  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  row = strata_store_find_row (analysis->store, "pcpu/0");
  g_assert_true (strata_store_lookup (analysis->store, row, (gap->begin_ns + gap->end_ns) / 2, &iv));
  g_assert_cmpint (iv.desc->state, ==, STRATA_STATE_UNKNOWN);
  test_rm_tree (tmp);
}

/* Packets 10 and 11 missing from the sequence (numbers from 10 on raised by 2), and the sixth
 * garbled: the packets lost after the one read on from are said, as without the garbling. */
static void
skip_seq_and_garble (char  *bytes,
                     gsize  length)
{
  add_to_counters (bytes, length, 10, RT_OFF_SEQ_NUM, 2);
  garble (bytes, 5);
}

static void
test_garbled_and_lost_packets (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *copy = damaged_demo (tmp, skip_seq_and_garble);
  const char *paths[] = { copy, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = NULL;
  StrataStream *cpu0;
  guint gaps = 0;

  if (copy == NULL)
    return;
  set = strata_trace_load (paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (test_errors_contain (set->errors, "channel0_0", "the stream is read on after it"));
  g_assert_true (test_errors_contain (set->errors, "channel0_0", "the tracer lost 2 packets"));
  cpu0 = host_stream (set, copy, 0);
  for (guint l = 0; l < cpu0->losses->len; l++)
    gaps += g_array_index (cpu0->losses, StrataLoss, l).count == 0;
  /* The garbled packet's, and the lost packets'. */
  g_assert_cmpuint (gaps, ==, 2);
  test_rm_tree (tmp);
}

/* A packet of the host's CPU 0 zeroed whole: it is left out, and the rest of the file read;
 * the time it spanned is a hole in the stream, marked as events lost there (how many is not
 * known), between the packets around it. */
static void
test_packet_hole (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *copy = damaged_demo (tmp, zero_packet);
  const char *paths[] = { copy, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = NULL;
  g_autofree char *host_path = NULL;
  StrataStream *cpu0;
  gboolean hole = FALSE;

  if (copy == NULL)
    return;
  set = strata_trace_load (paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (test_errors_contain (set->errors, "channel0_0", "1 damaged packet is left out"));
  host_path = g_build_filename (copy, "host", NULL);
  cpu0 = host_stream (set, copy, 0);
  /* Read on past the hole, to the end of the trace. */
  g_assert_cmpint (cpu0->end_ns, >, test_find_trace (set, host_path)->end_ns - 100 * G_GINT64_CONSTANT (1000000));
  g_assert_cmpint (cpu0->cut_ns, ==, 0);
  for (guint l = 0; l < cpu0->losses->len; l++)
    {
      const StrataLoss *loss = &g_array_index (cpu0->losses, StrataLoss, l);

      if (loss->count != 0)
        continue;
      g_assert_false (hole);
      hole = TRUE;
      g_assert_cmpint (loss->begin_ns, >, cpu0->begin_ns);
      g_assert_cmpint (loss->end_ns, >, loss->begin_ns);
      g_assert_cmpint (loss->end_ns, <, cpu0->end_ns);
      if (l > 0)
        g_assert_cmpint (g_array_index (cpu0->losses, StrataLoss, l - 1).begin_ns, <=, loss->begin_ns);
    }
  g_assert_true (hole);
  test_rm_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  const char *base = g_getenv ("TMPDIR") ? g_getenv ("TMPDIR") : "/tmp";
  g_autofree char *tmpdir = g_build_filename (base, "robust-files-XXXXXX", NULL);
  int status;

  /* Staging folders go in a folder of this test's own, which must be empty at the end.
   * (Before anything asks GLib for the temporary folder: it keeps the first answer.) */
  g_assert_nonnull (g_mkdtemp (tmpdir));
  g_setenv ("TMPDIR", tmpdir, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/robust/slow-metadata-no-lock", test_slow_metadata_no_lock);
  g_test_add_func ("/robust/big-metadata", test_big_metadata);
  g_test_add_func ("/robust/fifos-and-devices", test_fifos_and_devices);
  g_test_add_func ("/robust/links-out", test_links_out);
  g_test_add_func ("/robust/metadata-folders", test_metadata_folders);
  g_test_add_func ("/robust/staging-signals", test_staging_signals);
  g_test_add_func ("/robust/staging-failures", test_staging_failures);
  g_test_add_func ("/robust/paths", test_paths);
  g_test_add_func ("/robust/truncated-stream", test_truncated_stream);
  g_test_add_func ("/robust/garbled-packet", test_garbled_packet);
  g_test_add_func ("/robust/garbled-after-losses", test_garbled_after_losses);
  g_test_add_func ("/robust/garbled-and-lost-packets", test_garbled_and_lost_packets);
  g_test_add_func ("/robust/packet-hole", test_packet_hole);
  status = g_test_run ();
  if (!g_test_subprocess ())
    {
      rt_assert_no_staging ();
      g_rmdir (tmpdir);
    }
  return status;
}
