/* test-loader.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "strata-port-key.h"
#include "strata-trace-loader.h"
#include "test-util.h"

/* The sample traces live beside the checkout; every test reads them in place or from copies
 * it makes in a temporary folder. */
static void
dump_errors (StrataSet *set)
{
  for (guint i = 0; i < set->errors->len; i++)
    g_test_message ("error: %s", (const char *) g_ptr_array_index (set->errors, i));
}

/* Loads @paths and checks that the good trace @good was read whole (14,310 events). */
static StrataSet *
load_with_good (const char * const *paths)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *good = test_sample ("tc-flipping-endianness");
  StrataSet *set = strata_trace_load (paths, NULL, NULL, &error);
  StrataTrace *t;

  g_assert_no_error (error);
  g_assert_nonnull (set);
  dump_errors (set);
  t = test_find_trace (set, good);
  g_assert_nonnull (t);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->events, ==, 14310);
  g_assert_cmpuint (t->errors->len, ==, 0);
  return set;
}

static void
test_inventory (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *inventory = NULL;
  JsonArray *entries;

  if (!test_have_samples ())
    return;
  inventory = test_sample ("inventory.json");
  json_parser_load_from_file (parser, inventory, &error);
  g_assert_no_error (error);
  entries = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (entries), >=, 18);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *o = json_array_get_object_element (entries, i);
      g_autofree char *path = test_sample (json_object_get_string_member (o, "trace"));
      const char *paths[] = { path, NULL };
      g_autoptr(StrataSet) set = NULL;
      StrataTrace *t;
      gint64 expected, expected_discarded;

      /* Where the babeltrace2 CLI stops early (muxer), babeltrace 1.5 read the whole trace. */
      if (!json_object_get_null_member (o, "events_babeltrace1_5"))
        expected = json_object_get_int_member (o, "events_babeltrace1_5");
      else
        expected = json_object_get_int_member (o, "events_read_by_babeltrace2_2_0_4");
      if (json_object_has_member (o, "discarded_events_bt2_without_muxer"))
        expected_discarded = json_object_get_int_member (o, "discarded_events_bt2_without_muxer");
      else
        expected_discarded = json_object_get_int_member (o, "discarded_events_total");

      set = strata_trace_load (paths, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (set->traces->len, ==, 1);
      t = g_ptr_array_index (set->traces, 0);
      g_test_message ("%s: %" G_GUINT64_FORMAT " events", path, t->events);
      g_assert_cmpuint (t->errors->len, ==, 0);
      g_assert_cmpuint (set->errors->len, ==, 0);
      g_assert_cmpint (t->events, ==, expected);
      g_assert_cmpint (t->discarded, ==, expected_discarded);
      g_assert_cmpuint (t->streams->len, ==, json_object_get_int_member (o, "stream_count"));
      g_assert_cmpstr (t->hostname, ==,
                       json_object_get_string_member (json_object_get_object_member (o, "env"), "hostname"));
      g_assert_cmpint (set->begin_ns, >, 0);
      g_assert_cmpint (set->end_ns, >=, set->begin_ns);
    }
}

/* Streams merged from two threads give the very same sequence as one thread. */
static void
test_sharded_is_deterministic (void)
{
  g_autofree char *path = NULL;
  const char *paths[2] = { NULL, NULL };
  StrataLoadOptions one = { 1, 0, NULL, NULL, 0 };
  StrataLoadOptions two = { 2, 1, NULL, NULL, 0 };
  g_autoptr(StrataSet) a = NULL;
  g_autoptr(StrataSet) b = NULL;
  g_autoptr(StrataEventMerge) ma = NULL;
  g_autoptr(StrataEventMerge) mb = NULL;
  StrataEvent ea, eb;
  guint64 n = 0;
  gint64 last = G_MININT64;

  if (!test_have_samples ())
    return;
  path = test_sample ("tc-many-threads");
  paths[0] = path;
  a = strata_trace_load (paths, &one, NULL, NULL);
  b = strata_trace_load (paths, &two, NULL, NULL);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  ma = strata_trace_merge (g_ptr_array_index (a->traces, 0));
  mb = strata_trace_merge (g_ptr_array_index (b->traces, 0));
  while (strata_event_merge_next (ma, &ea))
    {
      g_assert_true (strata_event_merge_next (mb, &eb));
      g_assert_cmpint (ea.ts, ==, eb.ts);
      g_assert_cmpint (ea.ts, >=, last);
      g_assert_cmpuint (ea.cpu, ==, eb.cpu);
      g_assert_cmpuint (ea.kind, ==, eb.kind);
      /* Same values; string ids may differ between the two tables, the strings may not. */
      for (guint f = 0; f < STRATA_EVENT_MAX_FIELDS; f++)
        if (strata_event_field_is_string (ea.kind, f))
          g_assert_cmpstr (strata_strtab_get (a->strings, ea.f[f]), ==,
                           strata_strtab_get (b->strings, eb.f[f]));
        else
          g_assert_cmpint (ea.f[f], ==, eb.f[f]);
      last = ea.ts;
      n++;
    }
  g_assert_false (strata_event_merge_next (mb, &eb));
  /* many-threads: every sched_switch and syscall is understood. */
  g_assert_cmpuint (n, >, 200000);
}

/* The keys that give each port its shard: what libbabeltrace2 names a port, by its stream's
 * instance id or by its file, parsed; nothing else. */
static void
test_port_keys (void)
{
  static const struct { const char *name; const char *key; } cases[] = {
    { "69861fba-fe44-2b41-b75b-39acaf6930ec | 0 | 3", "0|3" },
    { "69861fba-fe44-2b41-b75b-39acaf6930ec | 2 | 12", "2|12" },
    { "79f654ad | 0 | /traces/host/channel0_1", "/channel0_1" },
    /* A folder with a bar in its name: the file is after the last one. */
    { "79f654ad | 0 | /tmp/a|b/channel0_5", "/channel0_5" },
    { "no bars at all", NULL },
    { "one | bar", NULL },
    { "U | x | 3", NULL },
  };
  g_autofree char *instance = strata_port_key_of_instance (2, 12);
  g_autofree char *file = strata_port_key_of_file ("channel0_1");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = strata_port_key (cases[i].name);

      g_assert_cmpstr (key, ==, cases[i].key);
    }
  g_assert_cmpstr (instance, ==, "2|12");
  g_assert_cmpstr (file, ==, "/channel0_1");

  /* Every stream of every sample trace (its name is its port's) has a key: were
   * libbabeltrace2 to name ports otherwise, the shards would no longer be planned. */
  if (!test_have_samples ())
    return;
  {
    g_autofree char *dir = test_sample ("");
    g_autoptr(GDir) samples = g_dir_open (dir, 0, NULL);
    const char *name;
    guint streams = 0;

    g_assert_nonnull (samples);
    while ((name = g_dir_read_name (samples)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        const char *paths[] = { path, NULL };
        g_autoptr(StrataSet) set = NULL;

        if (!g_file_test (path, G_FILE_TEST_IS_DIR))
          continue;
        set = strata_trace_load (paths, NULL, NULL, NULL);
        for (guint t = 0; set != NULL && t < set->traces->len; t++)
          {
            StrataTrace *trace = g_ptr_array_index (set->traces, t);

            for (guint k = 0; k < trace->streams->len; k++)
              {
                StrataStream *stream = g_ptr_array_index (trace->streams, k);
                g_autofree char *key = strata_port_key (stream->name);

                if (key == NULL)
                  g_error ("%s: no key for its stream %s", name, stream->name);
                streams++;
              }
          }
      }
    g_assert_cmpuint (streams, >, 20);
  }
}

static void
test_decoded_fields (void)
{
  g_autofree char *path = NULL;
  const char *paths[2] = { NULL, NULL };
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(StrataEventMerge) merge = NULL;
  StrataEvent ev;
  guint switches = 0, syscalls_named = 0, statedump_named = 0, irqs = 0, tcp = 0;

  if (!test_have_samples ())
    return;
  path = test_sample ("tvl-simple-kernel/simple-kernel");
  paths[0] = path;
  set = strata_trace_load (paths, NULL, NULL, NULL);
  g_assert_nonnull (set);
  merge = strata_trace_merge (g_ptr_array_index (set->traces, 0));
  while (strata_event_merge_next (merge, &ev))
    {
      g_assert_cmpuint (ev.cpu, <, 8);
      switch (ev.kind)
        {
        case STRATA_EV_SCHED_SWITCH:
          /* A switch names both threads, and the idle thread is tid 0. */
          if (ev.f[STRATA_F_SWITCH_NEXT_TID] == 0)
            g_assert_true (g_str_has_prefix (strata_strtab_get (set->strings, ev.f[STRATA_F_SWITCH_NEXT_COMM]),
                                             "swapper"));
          switches++;
          break;
        case STRATA_EV_SYSCALL_ENTRY:
          if (*strata_strtab_get (set->strings, ev.f[STRATA_F_SYSCALL_NAME]) != '\0')
            syscalls_named++;
          break;
        case STRATA_EV_STATEDUMP_PROCESS:
          if (*strata_strtab_get (set->strings, ev.f[STRATA_F_SD_NAME]) != '\0')
            statedump_named++;
          break;
        case STRATA_EV_IRQ_ENTRY:
          irqs++;
          break;
        case STRATA_EV_NET_SEND:
          /* net_dev_queue: the TCP header, read through two nested variants. */
          g_assert_cmpint (ev.f[STRATA_F_NET_SEQ], >, 0);
          g_assert_cmpint (ev.f[STRATA_F_NET_WINDOW], >, 0);
          tcp++;
          break;
        default:
          break;
        }
    }
  g_assert_cmpuint (switches, >, 100);
  g_assert_cmpuint (syscalls_named, >, 100);
  g_assert_cmpuint (statedump_named, >, 100);
  g_assert_cmpuint (irqs, >, 0);
  g_assert_cmpuint (tcp, >, 0);
}

static void
test_missing_path (void)
{
  g_autofree char *good = NULL;
  const char *paths[3] = { "/nonexistent/strata/trace", NULL, NULL };
  g_autoptr(StrataSet) set = NULL;

  if (!test_have_samples ())
    return;
  good = test_sample ("tc-flipping-endianness");
  paths[1] = good;
  set = load_with_good (paths);
  g_assert_true (test_errors_contain (set->errors, "/nonexistent/strata/trace", "No such file"));
}

static void
test_folder_without_trace (void)
{
  g_autofree char *good = NULL;
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *empty = g_build_filename (tmp, "empty", "deeper", NULL);
  g_autofree char *note = g_build_filename (tmp, "empty", "notes.txt", NULL);
  const char *paths[3] = { tmp, NULL, NULL };
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(GError) error = NULL;

  if (!test_have_samples ())
    return;
  good = test_sample ("tc-flipping-endianness");
  g_mkdir_with_parents (empty, 0755);
  g_file_set_contents (note, "not a trace", -1, NULL);
  paths[1] = good;
  set = load_with_good (paths);
  g_assert_true (test_errors_contain (set->errors, tmp, "no CTF trace found"));

  /* Alone, it is a failure with the same message. */
  paths[1] = NULL;
  g_assert_null (strata_trace_load (paths, NULL, NULL, &error));
  g_assert_error (error, STRATA_TRACE_ERROR, STRATA_TRACE_ERROR_NO_TRACE);
  g_assert_nonnull (strstr (error->message, "no CTF trace found"));
  test_rm_tree (tmp);
}

static void
test_corrupt_metadata (void)
{
  g_autofree char *good = NULL;
  g_autofree char *src = NULL;
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *bad = g_build_filename (tmp, "bad", NULL);
  g_autofree char *metadata = g_build_filename (bad, "metadata", NULL);
  const char *paths[3] = { bad, NULL, NULL };
  g_autoptr(StrataSet) set = NULL;

  if (!test_have_samples ())
    return;
  good = test_sample ("tc-flipping-endianness");
  src = test_sample ("tvl-simple-kernel/simple-kernel");
  test_copy_tree (src, bad);
  g_assert_true (g_file_set_contents (metadata, "/* CTF 1.8 */\ntrace { major = 1; minor = 8; ", -1, NULL));
  paths[1] = good;
  set = load_with_good (paths);
  g_assert_true (test_errors_contain (set->errors, bad, "metadata could not be parsed"));
  g_assert_true (test_find_trace (set, bad)->failed);

  /* Not text and not packetized: not metadata at all. */
  g_clear_pointer (&set, strata_set_unref);
  g_assert_true (g_file_set_contents (metadata, "\x01\x02garbage", 9, NULL));
  set = load_with_good (paths);
  g_assert_true (test_errors_contain (set->errors, bad, "not CTF metadata"));
  test_rm_tree (tmp);
}

static void
test_truncated_stream (void)
{
  g_autofree char *good = NULL;
  g_autofree char *src = NULL;
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *bad = g_build_filename (tmp, "cut", NULL);
  g_autofree char *stream = g_build_filename (bad, "k_5", NULL);
  const char *paths[3] = { bad, NULL, NULL };
  g_autoptr(StrataSet) set = NULL;
  StrataTrace *t;
  GStatBuf st;

  if (!test_have_samples ())
    return;
  good = test_sample ("tc-flipping-endianness");
  src = test_sample ("tvl-simple-kernel/simple-kernel");
  test_copy_tree (src, bad);
  g_assert_cmpint (g_stat (stream, &st), ==, 0);
  g_assert_cmpint (truncate (stream, st.st_size / 2 + 77), ==, 0);
  paths[1] = good;
  set = load_with_good (paths);
  g_assert_true (test_errors_contain (set->errors, bad, "k_5 is damaged or truncated"));
  /* The seven other streams are kept. */
  t = test_find_trace (set, bad);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->streams->len, ==, 7);
  g_assert_cmpuint (t->events, >, 1000);
  g_assert_cmpuint (t->events, <, 11980);
  test_rm_tree (tmp);
}

static void
test_rejected_half_way (void)
{
  g_autofree char *good = NULL;
  g_autofree char *src = NULL;
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *bad = g_build_filename (tmp, "mid", NULL);
  g_autofree char *stream = g_build_filename (bad, "channel0_0", NULL);
  const char *paths[3] = { bad, NULL, NULL };
  g_autoptr(StrataSet) set = NULL;
  guint8 junk[200];
  StrataTrace *t;
  GStatBuf st;
  FILE *fp;

  if (!test_have_samples ())
    return;
  good = test_sample ("tc-flipping-endianness");
  src = test_sample ("tc-many-threads");
  test_copy_tree (src, bad);
  g_assert_cmpint (g_stat (stream, &st), ==, 0);
  memset (junk, 0xff, sizeof junk);
  fp = g_fopen (stream, "r+b");
  g_assert_nonnull (fp);
  fseek (fp, st.st_size / 2 + 1000, SEEK_SET);
  fwrite (junk, 1, sizeof junk, fp);
  fclose (fp);

  paths[1] = good;
  set = load_with_good (paths);
  /* Read on from the packet after: only what the damaged one held past its junk is lost. */
  g_assert_true (test_errors_contain (set->errors, bad, "the stream is read on after it"));
  t = test_find_trace (set, bad);
  g_assert_false (t->failed);
  g_assert_cmpuint (t->streams->len, ==, 8);
  g_assert_cmpuint (t->events, >, 230000);
  g_assert_cmpuint (t->events, <, 240644);
  test_rm_tree (tmp);
}

static void
test_ctf2 (void)
{
  g_autofree char *good = NULL;
  g_autofree char *ctf2 = NULL;
  const char *paths[3] = { NULL, NULL, NULL };
  g_autoptr(StrataSet) set = NULL;

  if (!test_have_samples ())
    return;
  good = test_sample ("tc-flipping-endianness");
  ctf2 = test_sample ("tc-ctf2-lttng-crash");
  paths[0] = ctf2;
  paths[1] = good;
  set = load_with_good (paths);
  g_assert_true (test_errors_contain (set->errors, ctf2, "needs libbabeltrace2 2.1 or later"));
  g_assert_true (test_find_trace (set, ctf2)->failed);
}

static void
test_symlink_loop (void)
{
  g_autofree char *good = NULL;
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *sub = g_build_filename (tmp, "a", "b", NULL);
  g_autofree char *link = g_build_filename (sub, "up", NULL);
  g_autofree char *trace_link = g_build_filename (tmp, "a", "trace", NULL);
  g_autofree char *trace_copy = g_build_filename (tmp, "copy", NULL);
  const char *paths[2] = { tmp, NULL };
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(GError) error = NULL;

  if (!test_have_samples ())
    return;
  good = test_sample ("tc-flipping-endianness");
  g_mkdir_with_parents (sub, 0755);
  g_assert_cmpint (symlink ("../..", link), ==, 0);
  /* A link to a trace inside the folder opened (one outside is not followed): found once. */
  test_copy_tree (good, trace_copy);
  g_assert_cmpint (symlink ("../copy", trace_link), ==, 0);

  set = strata_trace_load (paths, NULL, NULL, &error);
  g_assert_no_error (error);
  dump_errors (set);
  g_assert_true (test_errors_contain (set->errors, link, "symbolic link loop"));
  g_assert_cmpuint (set->traces->len, ==, 1);
  g_assert_cmpuint (((StrataTrace *) g_ptr_array_index (set->traces, 0))->events, ==, 14310);
  test_rm_tree (tmp);
}

static void
test_all_bad (void)
{
  const char *paths[] = { "/nonexistent/one", "/nonexistent/two", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_null (strata_trace_load (paths, NULL, NULL, &error));
  g_assert_error (error, STRATA_TRACE_ERROR, STRATA_TRACE_ERROR_NO_TRACE);
  g_assert_nonnull (strstr (error->message, "/nonexistent/one"));
  g_assert_nonnull (strstr (error->message, "1 more problem"));
}

static void
test_cancelled (void)
{
  g_autofree char *path = NULL;
  const char *paths[2] = { NULL, NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  if (!test_have_samples ())
    return;
  path = test_sample ("tvl-package-managers/yum");
  paths[0] = path;
  g_cancellable_cancel (cancellable);
  g_assert_null (strata_trace_load (paths, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct
{
  GMainLoop *loop;
  StrataSet *set;
  GError    *error;
  guint      progress_calls;
  guint64    last_done;
  guint64    total;
  gboolean   in_main_thread;
} AsyncState;

static void
async_progress (guint64  done,
                guint64  total,
                gpointer data)
{
  AsyncState *state = data;

  state->in_main_thread &= g_main_context_is_owner (g_main_context_default ());
  g_assert_cmpuint (done, >=, state->last_done);
  state->last_done = done;
  state->total = total;
  state->progress_calls++;
}

static void
async_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  AsyncState *state = data;

  state->set = strata_trace_load_finish (result, &state->error);
  g_main_loop_quit (state->loop);
}

static void
test_async_progress (void)
{
  g_autofree char *path = NULL;
  const char *paths[2] = { NULL, NULL };
  AsyncState state = { 0 };

  if (!test_have_samples ())
    return;
  path = test_sample ("tvl-package-managers/yum");
  paths[0] = path;
  state.loop = g_main_loop_new (NULL, FALSE);
  state.in_main_thread = TRUE;
  strata_trace_load_async (paths, NULL, async_progress, &state, async_done, &state);
  g_main_loop_run (state.loop);
  g_assert_no_error (state.error);
  g_assert_nonnull (state.set);
  g_assert_cmpuint (strata_set_event_count (state.set), ==, 586229);
  g_assert_true (state.in_main_thread);
  g_assert_cmpuint (state.progress_calls, >, 0);
  /* Progress counts packet bytes, which tile the stream files. */
  g_assert_cmpuint (state.last_done, <=, state.total);
  g_assert_cmpuint (state.last_done, >, state.total / 2);
  strata_set_unref (state.set);
  g_main_loop_unref (state.loop);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/loader/inventory", test_inventory);
  g_test_add_func ("/loader/sharded-is-deterministic", test_sharded_is_deterministic);
  g_test_add_func ("/loader/port-keys", test_port_keys);
  g_test_add_func ("/loader/decoded-fields", test_decoded_fields);
  g_test_add_func ("/loader/bad/missing-path", test_missing_path);
  g_test_add_func ("/loader/bad/folder-without-trace", test_folder_without_trace);
  g_test_add_func ("/loader/bad/corrupt-metadata", test_corrupt_metadata);
  g_test_add_func ("/loader/bad/truncated-stream", test_truncated_stream);
  g_test_add_func ("/loader/bad/rejected-half-way", test_rejected_half_way);
  g_test_add_func ("/loader/bad/ctf2", test_ctf2);
  g_test_add_func ("/loader/bad/symlink-loop", test_symlink_loop);
  g_test_add_func ("/loader/bad/all-bad", test_all_bad);
  g_test_add_func ("/loader/cancelled", test_cancelled);
  g_test_add_func ("/loader/async-progress", test_async_progress);
  return g_test_run ();
}
