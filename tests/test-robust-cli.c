/* test-robust-cli.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <glib/gstdio.h>
#include <grp.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "strata-ctf-writer.h"
#include "test-robust-util.h"
#include "test-util.h"

/*
 * Regression tests for strata-cli's options and text (issue 15, items 11, 13, 16 and 17):
 * every bad option value is a usage error (exit 2) found before anything is loaded, output
 * errors say why, maps that are not applied say why, text from a trace cannot drive the
 * terminal, and a set without events has no time range. strata-cli runs as a child,
 * bounded in time.
 */

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

static void
drop_privileges (gpointer data)
{
  /* Root writes anywhere: be nobody, to meet a folder that cannot be written. */
  if (setgroups (0, NULL) != 0 || setgid (65534) != 0 || setuid (65534) != 0)
    _exit (126);
  prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/* strata-cli ARGS..., with a time limit: a hang fails the test. */
static int
cli (Run        *run,
     gboolean    as_nobody,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list args;

  run_clear (run);
  g_ptr_array_add (argv, (gpointer) "timeout");
  g_ptr_array_add (argv, (gpointer) "120");
  g_ptr_array_add (argv, (gpointer) g_getenv ("STRATA_CLI"));
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
                               as_nobody && geteuid () == 0 ? drop_privileges : NULL, NULL,
                               &run->out, &run->err, &run->status, &error));
  g_assert_no_error (error);
  /* Escaped: a forged name's control bytes and broken UTF-8 would break the TAP log's lines. */
  {
    g_autofree char *path = g_strescape (argv->len > 4 && argv->pdata[4] != NULL ? (char *) argv->pdata[4] : "", NULL);
    g_autofree char *err = g_strescape (run->err != NULL ? run->err : "", NULL);

    g_test_message ("%s %s: exit %d: %s", first, path, WIFEXITED (run->status) ? WEXITSTATUS (run->status) : -1, err);
  }
  g_assert_true (WIFEXITED (run->status));
  /* 124: the time limit ended it. */
  g_assert_cmpint (WEXITSTATUS (run->status), !=, 124);
  return WEXITSTATUS (run->status);
}

/* A small trace of our writer's in @tmp/set. */
static char *
writer_set (const char *tmp)
{
  char *dir = g_build_filename (tmp, "set", NULL);

  rt_write_trace (dir, "small", 2, 1024, 400);
  return dir;
}

/* ---- item 11 and the bad values of item 17: usage errors before any load ---- */

static void
test_bad_options (void)
{
  /* A path that does not exist: a load would fail with exit 1; a usage error is found
   * before it, with exit 2. */
  const char *none = "/nonexistent/strata/set";
  const struct { const char *args[8]; const char *says; } cases[] = {
    { { "render", "--width", "160", "-o", "x.png", none }, "--width" },
    { { "render", "--width", "100", "-o", "x.png", none }, "--width" },
    { { "render", "--width", "0", "-o", "x.png", none }, "--width" },
    { { "render", "--width", "-5", "-o", "x.png", none }, "--width" },
    { { "render", "--width", "100000", "--height", "100000", "-o", "x.png", none }, "--width" },
    { { "render", "--height", "0", "-o", "x.png", none }, "--height" },
    { { "render", "--height", "20000", "-o", "x.png", none }, "--height" },
    { { "render", "-o", "x.jpg", none }, ".png or .svg" },
    { { "render", "-o", "image", none }, ".png or .svg" },
    { { "render", "--from", "yesterday", "-o", "x.png", none }, "Invalid time" },
    { { "render", "--to", "+1.5parsecs", "-o", "x.png", none }, "Invalid time" },
    { { "render", "-o", "/nonexistent/folder/x.png", none }, "No such file or directory" },
    { { "intervals", "--row", "cpu/x", none }, "not a row name" },
    { { "intervals", "--row", "pcpu/", none }, "not a row name" },
    { { "intervals", "--row", "host/cpu/99999999999", none }, "not a row name" },
    { { "intervals", "--row", "pcpu/0", "--from", "soon", none }, "Invalid time" },
    { { "info", "--map", "server1=99999999999999999999", none }, "Invalid map" },
    { { "info", "--map", "server1=5000000", none }, "4194304" },
    { { "info", "--map", "server1=0", none }, "Invalid map" },
    { { "info", "--map", "=3000", none }, "Invalid map" },
    { { "info", "" }, "empty PATH" },
    { { "preemptions", "", none }, "empty PATH" },
    { { "info" }, "no PATH" },
  };
  Run run = { 0 };

  if (g_getenv ("STRATA_CLI") == NULL)
    {
      g_test_skip ("STRATA_CLI is not set");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *const *a = cases[i].args;

      g_assert_cmpint (cli (&run, FALSE, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], NULL), ==, 2);
      g_assert_nonnull (strstr (run.err, cases[i].says));
    }
  run_clear (&run);
}

static void
test_render_checks (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *out = g_build_filename (tmp, "x.png", NULL);
  g_autofree char *full = g_build_filename (tmp, "full.png", NULL);
  g_autofree char *readonly = g_build_filename (tmp, "read-only", NULL);
  g_autofree char *in_readonly = g_build_filename (readonly, "x.png", NULL);
  g_autofree char *set = writer_set (tmp);
  Run run = { 0 };

  if (g_getenv ("STRATA_CLI") == NULL)
    return;

  /* After the load: a start past the end of the set, an end before the start. */
  g_assert_cmpint (cli (&run, FALSE, "render", "--from", "+1000s", "-o", out, set, NULL), ==, 2);
  g_assert_nonnull (strstr (run.err, "after the end of the set"));
  g_assert_cmpint (cli (&run, FALSE, "intervals", "--row", "pcpu/0", "--from", "+1000s", set, NULL), ==, 2);
  g_assert_nonnull (strstr (run.err, "after the end of the set"));
  g_assert_cmpint (cli (&run, FALSE, "render", "--from", "+2us", "--to", "+1us", "-o", out, set, NULL), ==, 2);
  g_assert_nonnull (strstr (run.err, "--to must be after --from"));

  /* Output errors say why: a folder, a full device, a folder that cannot be written. */
  g_assert_cmpint (cli (&run, FALSE, "render", "-o", tmp, set, NULL), ==, 2);
  g_assert_cmpint (g_mkdir (readonly, 0555), ==, 0);
  {
    g_autofree char *folder_png = g_build_filename (tmp, "folder.png", NULL);

    g_assert_cmpint (g_mkdir (folder_png, 0755), ==, 0);
    g_assert_cmpint (cli (&run, FALSE, "render", "-o", folder_png, set, NULL), ==, 2);
    g_assert_nonnull (strstr (run.err, "Is a directory"));
  }
  g_assert_cmpint (symlink ("/dev/full", full), ==, 0);
  g_assert_cmpint (cli (&run, FALSE, "render", "-o", full, set, NULL), ==, 1);
  g_assert_nonnull (strstr (run.err, "No space left on device"));
  {
    g_autofree char *cmd = g_strdup_printf ("chmod -R a+rX '%s'", tmp);

    test_run_shell (cmd);
  }
  g_assert_cmpint (chmod (readonly, 0555), ==, 0);
  g_assert_cmpint (cli (&run, TRUE, "render", "-o", in_readonly, set, NULL), ==, 2);
  g_assert_nonnull (strstr (run.err, "Permission denied"));

  /* And a good one still works. */
  g_assert_cmpint (cli (&run, FALSE, "render", "--width", "200", "-o", out, set, NULL), ==, 0);
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  run_clear (&run);
  test_rm_tree (tmp);
}

/* ---- item 17: maps that are not applied say why, and fail: they are bad input ---- */

static void
test_map_warnings (void)
{
  const char *demo = g_getenv ("STRATA_DEMO_DIR");
  Run run = { 0 };

  if (g_getenv ("STRATA_CLI") == NULL || demo == NULL || !g_file_test (demo, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no demo set");
      return;
    }
  g_assert_cmpint (cli (&run, FALSE, "info", "--map", "server1=1234", demo, NULL), ==, 1);
  g_assert_nonnull (strstr (run.err, "--map server1=1234: no VM has qemu pid 1234"));
  g_assert_cmpint (cli (&run, FALSE, "info", "--map", "host=3000", demo, NULL), ==, 1);
  g_assert_nonnull (strstr (run.err, "--map host=3000: host is a host, not a guest"));
  g_assert_cmpint (cli (&run, FALSE, "info", "--json", "--map", "nobody=3000", demo, NULL), ==, 1);
  g_assert_nonnull (strstr (run.err, "--map nobody=3000: no machine named nobody"));
  /* The map the set agrees with is no mistake. */
  g_assert_cmpint (cli (&run, FALSE, "info", "--map", "server1=3000", demo, NULL), ==, 0);
  run_clear (&run);
}

/* A trace left out of a set (its metadata file empty): every command still answers from the
 * others, and says on stderr what was left out (info lists it with the rest, on stdout). */
static void
test_problems_said (void)
{
  const char *demo = g_getenv ("STRATA_DEMO_DIR");
  g_autofree char *tmp = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *metadata = NULL;
  Run run = { 0 };

  if (g_getenv ("STRATA_CLI") == NULL || demo == NULL || !g_file_test (demo, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no demo set");
      return;
    }
  tmp = test_make_tmpdir ();
  copy = g_build_filename (tmp, "demo", NULL);
  test_copy_tree (demo, copy);
  metadata = g_build_filename (copy, "host", "metadata", NULL);
  g_assert_true (g_file_set_contents (metadata, "", 0, NULL));

  g_assert_cmpint (cli (&run, FALSE, "stats", "--no-cache", copy, NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "pCPU"));
  g_assert_true (g_str_has_prefix (run.err, "strata-cli: "));
  g_assert_nonnull (strstr (run.err, "metadata file is empty"));
  g_assert_cmpint (cli (&run, FALSE, "preemptions", "--json", "--no-cache", copy, NULL), ==, 0);
  g_assert_nonnull (strstr (run.err, "metadata file is empty"));
  g_assert_cmpint (cli (&run, FALSE, "info", "--no-cache", copy, NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "metadata file is empty"));
  g_assert_cmpstr (run.err, ==, "");
  /* A whole set says nothing. */
  g_assert_cmpint (cli (&run, FALSE, "stats", "--no-cache", demo, NULL), ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  run_clear (&run);
  test_rm_tree (tmp);
}

/* ---- item 16: text from a trace cannot drive the terminal ---- */

static void
assert_no_control (const char *label,
                   const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
      g_error ("%s: a raw control character 0x%02x in: %s", label, *p, text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  /* Every line is one of the program's, not one a name forged. */
  g_assert_null (strstr (text, "\nforged"));
}

static void
test_escaping (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (tmp, "trace\nforged line\x1b[2J\xfe", NULL);
  g_autofree char *metadata = g_build_filename (dir, "metadata", NULL);
  Run run = { 0 };

  if (g_getenv ("STRATA_CLI") == NULL)
    return;

  /* A thread named with escapes (through the writer), a host name with escapes, a bell,
   * bytes that are not UTF-8 and a bidirectional override (patched into the metadata), in a
   * folder whose name holds a newline. */
  {
    g_autoptr(StrataStrtab) strings = strata_strtab_new ();
    g_autoptr(StrataCtfWriter) writer = NULL;
    g_autoptr(GError) error = NULL;
    StrataCtfWriterOptions options = { 0 };

    options.hostname = "evil";
    options.n_cpus = 1;
    options.offset_s = 1000;
    writer = strata_ctf_writer_new (dir, &options, strings, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < 40; i++)
      {
        StrataEvent ev = { 0 };

        ev.ts = G_GINT64_CONSTANT (1000000000000) + i * 1000;
        ev.kind = STRATA_EV_SCHED_SWITCH;
        ev.f[STRATA_F_SWITCH_PREV_TID] = i % 2 ? 7 : 0;
        ev.f[STRATA_F_SWITCH_NEXT_TID] = i % 2 ? 0 : 7;
        ev.f[STRATA_F_SWITCH_PREV_COMM] = strata_strtab_intern (strings, i % 2 ? "a\x1b[31mred" : "swapper");
        ev.f[STRATA_F_SWITCH_NEXT_COMM] = strata_strtab_intern (strings, i % 2 ? "swapper" : "a\x1b[31mred");
        g_assert_true (strata_ctf_writer_add (writer, &ev, &error));
      }
    g_assert_true (strata_ctf_writer_close (writer, &error));
  }
  rt_replace (metadata, "hostname = \"evil\";", "hostname = \"ev\x1b[31mil\x07\xff\xe2\x80\xaehost\";");

  g_assert_cmpint (cli (&run, FALSE, "info", dir, NULL), ==, 0);
  assert_no_control ("info", run.out);
  /* The host name was made valid UTF-8 when read; the folder's name is bytes. */
  g_assert_nonnull (strstr (run.out, "ev\\x1b[31mil\\x07\xef\xbf\xbd\\u202ehost"));
  g_assert_nonnull (strstr (run.out, "trace\\nforged line\\x1b[2J\\xfe"));

  g_assert_cmpint (cli (&run, FALSE, "intervals", "--row", "pcpu/0", dir, NULL), ==, 0);
  assert_no_control ("intervals", run.out);
  g_assert_nonnull (strstr (run.out, "a\\x1b[31mred"));

  /* JSON escapes on its own, and is valid UTF-8 whatever the trace holds. */
  g_assert_cmpint (cli (&run, FALSE, "info", "--json", dir, NULL), ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;

    g_assert_true (g_utf8_validate (run.out, -1, NULL));
    g_assert_true (json_parser_load_from_data (parser, run.out, -1, &error));
    g_assert_no_error (error);
  }

  /* Messages on stderr too: a missing folder whose name holds an escape. */
  g_assert_cmpint (cli (&run, FALSE, "info", "/nonexistent/\x1b[2Jfolder", NULL), ==, 1);
  assert_no_control ("stderr", run.err);
  g_assert_nonnull (strstr (run.err, "\\x1b[2Jfolder"));
  run_clear (&run);
  test_rm_tree (tmp);
}

/* ---- item 13: a set without events has no time range ---- */

static void
test_no_events (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *empty = g_build_filename (tmp, "no-events", NULL);
  g_autofree char *early = g_build_filename (tmp, "before-origin", NULL);
  Run run = { 0 };

  if (g_getenv ("STRATA_CLI") == NULL)
    return;

  /* Packets that hold no events (their content ends with their context), and events all
   * dated out of range. */
  rt_write_trace (empty, "empty", 2, 1024, 200);
  for (guint c = 0; c < 2; c++)
    {
      g_autofree char *name = g_strdup_printf ("channel0_%u", c);
      g_autofree char *stream = g_build_filename (empty, name, NULL);

      for (gsize p = 0; p < rt_file_size (stream) / 1024; p++)
        rt_patch_u64 (stream, p * 1024 + RT_OFF_CONTENT_SIZE, 76 * 8);
    }
  rt_write_trace (early, "early", 2, 1024, 200);
  {
    g_autofree char *metadata = g_build_filename (early, "metadata", NULL);

    rt_replace (metadata, "offset_s = 1000;", "offset_s = -9000000000;");
  }
  for (guint c = 0; c < 2; c++)
    {
      const char *dir = c == 0 ? empty : early;

      g_assert_cmpint (cli (&run, FALSE, "info", dir, NULL), ==, 0);
      g_assert_null (strstr (run.out, "1970"));
      g_assert_nonnull (strstr (run.out, "Time range: none"));
    }
  run_clear (&run);
  test_rm_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/robust/cli/bad-options", test_bad_options);
  g_test_add_func ("/robust/cli/render-checks", test_render_checks);
  g_test_add_func ("/robust/cli/map-warnings", test_map_warnings);
  g_test_add_func ("/robust/cli/problems-said", test_problems_said);
  g_test_add_func ("/robust/cli/escaping", test_escaping);
  g_test_add_func ("/robust/cli/no-events", test_no_events);
  return g_test_run ();
}
