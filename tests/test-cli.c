/* test-cli.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <math.h>

#include <cairo.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "strata-render-follow.h"
#include "strata-renderer.h"
#include "strata-scenario.h"
#include "test-util.h"

/* strata-cli as scripts use it: exit statuses, JSON shapes, and the rendered image. */

static const char *cli;
static const char *demo;
static const char *demo_nosync;

static int
run (const char * const *args,
     char              **out,
     char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *) cli);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* The JSON strata-cli prints for @args, which must succeed. */
static JsonNode *
run_json (const char * const *args)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run (args, &out, &err), ==, 0);
  return parse (out);
}

static gboolean
have_demo (void)
{
  if (cli != NULL && demo != NULL && g_file_test (demo, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_test_skip ("strata-cli or the demo set not found");
  return FALSE;
}

static void
test_info_json (void)
{
  const char *args[] = { "info", "--json", demo, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o, *guest = NULL;
  JsonArray *machines;

  if (!have_demo ())
    return;
  g_assert_cmpint (run (args, &out, &err), ==, 0);
  root = parse (out);
  o = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (o, "end_ns"), >, json_object_get_int_member (o, "begin_ns"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "traces")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "errors")), ==, 0);
  machines = json_object_get_array_member (o, "machines");
  for (guint i = 0; i < json_array_get_length (machines); i++)
    {
      JsonObject *m = json_array_get_object_element (machines, i);

      if (g_strcmp0 (json_object_get_string_member (m, "role"), "guest") == 0)
        guest = m;
      else
        g_assert_cmpstr (json_object_get_string_member (m, "role"), ==, "host");
    }
  g_assert_nonnull (guest);
  g_assert_cmpstr (json_object_get_string_member (guest, "name"), ==, "server1");
  g_assert_cmpstr (json_object_get_string_member (guest, "parent"), ==, "host");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (guest, "vcpus")), ==, 2);
  {
    JsonObject *sync = json_object_get_object_member (guest, "sync");

    g_assert_cmpstr (json_object_get_string_member (sync, "method"), ==, "vmsync");
    g_assert_cmpstr (json_object_get_string_member (sync, "reference"), ==, "host");
    g_assert_cmpstr (json_object_get_string_member (sync, "quality"), ==, "accurate");
    g_assert_cmpint (json_object_get_int_member (sync, "matches"), >, 100);
    g_assert_cmpfloat (json_object_get_double_member (sync, "accuracy"), <, 10000);
    g_assert_true (json_object_has_member (sync, "alpha"));
    g_assert_true (json_object_has_member (sync, "beta_ns"));
  }
  /* The exact form gives, in doubles, what alpha and beta_ns give in long doubles, at both ends
   * of the guest's trace (~1.7e18 ns, where alpha * own in doubles is ~256 ns off). */
  {
    JsonObject *sync = json_object_get_object_member (guest, "sync");
    JsonArray *traces = json_object_get_array_member (o, "traces");
    long double alpha = json_object_get_double_member (sync, "alpha");
    long double beta = json_object_get_int_member (sync, "beta_ns");
    guint checked = 0;

    for (guint i = 0; i < json_array_get_length (traces); i++)
      {
        JsonObject *t = json_array_get_object_element (traces, i);

        if (g_strcmp0 (json_object_get_string_member (t, "machine"), "server1") != 0)
          continue;
        for (guint k = 0; k < 2; k++)
          {
            gint64 own = json_object_get_int_member (t, k == 0 ? "begin_ns" : "end_ns");
            gint64 d = own - json_object_get_int_member (sync, "own_origin_ns");
            gint64 exact = json_object_get_int_member (sync, "reference_origin_ns") + d +
                           llround (json_object_get_double_member (sync, "drift") * (double) d +
                                    json_object_get_double_member (sync, "offset_ns"));

            g_assert_cmpfloat (fabsl ((long double) exact - (alpha * own + beta)), <=, 2);
            checked++;
          }
      }
    g_assert_cmpuint (checked, ==, 2);
  }
}

static void
test_intervals_and_preemptions (void)
{
  const char *iargs[] = { "intervals", "--json", "--row", "server1/vcpu/0", "--from", "+1s", "--to", "+1.1s", demo, NULL };
  const char *pargs[] = { "preemptions", "--json", "--machine", "server1", demo, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *pout = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) proot = NULL;
  JsonArray *list;
  gint64 last_end = 0;
  gboolean preempted = FALSE;
  guint by_stress = 0;

  if (!have_demo ())
    return;
  g_assert_cmpint (run (iargs, &out, &err), ==, 0);
  root = parse (out);
  list = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (list), >, 10);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *iv = json_array_get_object_element (list, i);
      const char *state = json_object_get_string_member (iv, "state");

      /* Consecutive, half-open, and only the vCPU row's states. */
      if (i > 0)
        g_assert_cmpint (json_object_get_int_member (iv, "start_ns"), ==, last_end);
      last_end = json_object_get_int_member (iv, "end_ns");
      g_assert_true (g_strv_contains ((const char *[]) { "running", "hypervisor", "preempted", "waiting", "blocked", "unknown", NULL }, state));
      g_assert_cmpint (json_object_get_int_member (iv, "vcpu"), ==, 0);
      preempted |= g_str_equal (state, "preempted");
    }
  g_assert_true (preempted);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (pargs, &pout, &err), ==, 0);
  proot = parse (pout);
  list = json_node_get_array (proot);
  g_assert_cmpuint (json_array_get_length (list), >, 0);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *p = json_array_get_object_element (list, i);
      JsonArray *by = json_object_get_array_member (p, "by");

      g_assert_cmpstr (json_object_get_string_member (p, "machine"), ==, "server1");
      g_assert_cmpint (json_object_get_int_member (p, "end_ns"), >, json_object_get_int_member (p, "start_ns"));
      g_assert_true (g_strv_contains ((const char *[]) { "preemption", "wakeup", NULL },
                                      json_object_get_string_member (p, "kind")));
      g_assert_true (json_object_has_member (p, "open"));
      for (guint c = 0; c < json_array_get_length (by); c++)
        g_assert_true (g_strv_contains ((const char *[]) { "host", "guest", "hypervisor", "idle", NULL },
                                        json_object_get_string_member (json_array_get_object_element (by, c), "state")));
      if (json_array_get_length (by) > 0 &&
          g_strcmp0 (json_object_get_string_member (json_array_get_object_element (by, 0), "comm"), "stress") == 0)
        by_stress++;
    }
  g_assert_cmpuint (by_stress, >, 2);
}

/* A followed guest thread's intervals name the vCPU it was on wherever they name its guest
 * CPU (guest CPU n is vCPU n), and no vCPU where it was on none. */
static void
test_intervals_followed_vcpu (void)
{
  const char *args[] = { "intervals", "--json", "--row", "server1/thread/812", "--from", "+3ms", "--to", "+200ms", demo, NULL };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list;
  guint on_cpu = 0, off_cpu = 0;

  if (!have_demo ())
    return;
  root = run_json (args);
  list = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *iv = json_array_get_object_element (list, i);

      if (json_object_get_null_member (iv, "guest_cpu"))
        {
          g_assert_true (json_object_get_null_member (iv, "vcpu"));
          off_cpu++;
        }
      else
        {
          g_assert_false (json_object_get_null_member (iv, "vcpu"));
          g_assert_cmpint (json_object_get_int_member (iv, "vcpu"), ==, json_object_get_int_member (iv, "guest_cpu"));
          on_cpu++;
        }
    }
  g_assert_cmpuint (on_cpu, >, 0);
  g_assert_cmpuint (off_cpu, >, 0);
}

/* The host traced alone: its VM's guest mode on a pCPU names the VM and vCPU, and no thread of
 * it (the guest is not traced); the vCPU thread is the host's, as host_tid. */
static void
test_intervals_untraced_guest (void)
{
  g_autofree char *host = NULL;
  const char *args[] = { "intervals", "--json", "--row", "pcpu/0", "--from", "+0.5s", "--to", "+0.6s", NULL, NULL };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list;
  guint guest = 0;

  if (!have_demo ())
    return;
  host = g_build_filename (demo, "host", NULL);
  args[8] = host;
  root = run_json (args);
  list = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *iv = json_array_get_object_element (list, i);

      if (!g_str_equal (json_object_get_string_member (iv, "state"), "guest"))
        continue;
      guest++;
      g_assert_cmpstr (json_object_get_string_member (iv, "machine"), ==, "host/vm-3000");
      g_assert_true (json_object_get_null_member (iv, "tid"));
      g_assert_true (json_object_get_null_member (iv, "comm"));
      g_assert_true (g_str_has_suffix (json_object_get_string_member (iv, "host_comm"), "/KVM"));
      g_assert_cmpint (json_object_get_int_member (iv, "host_tid"), >, 3000);
    }
  g_assert_cmpuint (guest, >, 0);
}

/* A pCPU's intervals name the syscall, IRQ or soft IRQ they are in, and only those. */
static void
test_intervals_detail (void)
{
  const char *args[] = { "intervals", "--json", "--row", "pcpu/0", "--from", "+0.5s", "--to", "+0.7s", demo, NULL };
  const char *targs[] = { "intervals", "--row", "pcpu/0", "--from", "+0.5s", "--to", "+0.7s", demo, NULL };
  g_autofree char *tout = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list;
  guint n[3] = { 0, 0, 0 };

  if (!have_demo ())
    return;
  root = run_json (args);
  list = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *iv = json_array_get_object_element (list, i);
      const char *state = json_object_get_string_member (iv, "state");
      gboolean syscall = g_str_equal (state, "syscall");
      gboolean irq = g_str_equal (state, "irq");
      gboolean softirq = g_str_equal (state, "softirq");

      /* The demo's generator names every syscall and IRQ it makes. */
      g_assert_cmpint (json_object_has_member (iv, "syscall"), ==, syscall);
      g_assert_cmpint (json_object_has_member (iv, "irq"), ==, irq);
      g_assert_cmpint (json_object_has_member (iv, "irq_name"), ==, irq);
      g_assert_cmpint (json_object_has_member (iv, "softirq"), ==, softirq);
      if (syscall)
        g_assert_cmpstr (json_object_get_string_member (iv, "syscall"), !=, "");
      if (irq)
        g_assert_cmpint (json_object_get_int_member (iv, "irq"), >=, 0);
      if (softirq)
        g_assert_true (g_strv_contains ((const char *[]) { "TIMER", "NET_RX", "RCU", "SCHED", NULL },
                                        json_object_get_string_member (iv, "softirq_name")));
      n[0] += syscall;
      n[1] += irq;
      n[2] += softirq;
    }
  g_test_message ("%u syscalls, %u IRQs, %u soft IRQs", n[0], n[1], n[2]);
  g_assert_cmpuint (n[0], >, 0);
  g_assert_cmpuint (n[1], >, 0);
  g_assert_cmpuint (n[2], >, 0);

  /* The text says the same after the thread. */
  g_assert_cmpint (run (targs, &tout, &err), ==, 0);
  g_assert_true (g_regex_match_simple ("  syscall .*  [a-z_0-9]+\n", tout, 0, 0));
  g_assert_true (g_regex_match_simple ("  irq .*  IRQ [0-9]+ \\([^)]+\\)\n", tout, 0, 0));
  g_assert_true (g_regex_match_simple ("  softirq .*  soft IRQ [0-9]+ \\([A-Z_]+\\)\n", tout, 0, 0));
}

/* exits agrees with the vCPU's intervals: each exit starting in a range is one change from
 * running to hypervisor there, named with its reason; and its statistics hold together. */
static void
test_exits (void)
{
  const char *iargs[] = { "intervals", "--json", "--row", "server1/vcpu/0", "--from", "+1s", "--to", "+1.2s", demo, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *eout = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) eroot = NULL;
  g_autoptr(GHashTable) expect = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *list;
  gint first = -1, last = -1;
  guint n_reasons = 0;
  guint n_ports[2] = { 0, 0 };

  if (!have_demo ())
    return;
  g_assert_cmpint (run (iargs, &out, &err), ==, 0);
  root = parse (out);
  list = json_node_get_array (root);
  /* From the start of the first running interval to that of the last. */
  for (guint i = 1; i < json_array_get_length (list); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (list, i), "state"), "running"))
      {
        if (first < 0)
          first = i;
        last = i;
      }
  g_assert_cmpint (last, >, first + 10);
  for (gint i = first; i < last; i++)
    {
      JsonObject *iv = json_array_get_object_element (list, i);
      JsonObject *prev = json_array_get_object_element (list, i - 1);

      if (g_str_equal (json_object_get_string_member (iv, "state"), "hypervisor"))
        g_assert_true (json_object_has_member (iv, "exit_reason"));
      else
        g_assert_false (json_object_has_member (iv, "exit_reason"));
      /* The generator's I/O exits write to the virtio notify port (2 bytes) or the serial
       * port (1 byte); exits that name no port or MSR have no detail. */
      if (json_object_has_member (iv, "exit_reason") &&
          g_str_equal (json_object_get_string_member (iv, "exit_reason"), "IO_INSTRUCTION"))
        {
          JsonObject *detail = json_object_get_object_member (iv, "exit_detail");
          gint64 port = json_object_get_int_member (detail, "port");

          g_assert_cmpstr (json_object_get_string_member (detail, "direction"), ==, "out");
          g_assert_true (port == 0xc050 || port == 0x3f8);
          g_assert_cmpint (json_object_get_int_member (detail, "size"), ==, port == 0xc050 ? 2 : 1);
          n_ports[port == 0xc050]++;
        }
      else if (json_object_has_member (iv, "exit_reason") &&
               !g_str_has_prefix (json_object_get_string_member (iv, "exit_reason"), "MSR_"))
        g_assert_false (json_object_has_member (iv, "exit_detail"));
      if (g_str_equal (json_object_get_string_member (iv, "state"), "hypervisor") &&
          g_str_equal (json_object_get_string_member (prev, "state"), "running"))
        {
          const char *reason = json_object_get_string_member (iv, "exit_reason");

          g_hash_table_insert (expect, (gpointer) reason,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (expect, reason)) + 1));
        }
    }
  g_assert_cmpuint (n_ports[0], >, 0);
  g_assert_cmpuint (n_ports[1], >, 0);
  from = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (json_array_get_object_element (list, first), "start_ns"));
  to = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (json_array_get_object_element (list, last), "start_ns"));
  {
    const char *eargs[] = { "exits", "--json", "--machine", "server1", "--from", from, "--to", to, demo, NULL };

    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run (eargs, &eout, &err), ==, 0);
  }
  eroot = parse (eout);
  list = json_node_get_array (eroot);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *e = json_array_get_object_element (list, i);
      gint64 count = json_object_get_int_member (e, "count");
      gint64 min = json_object_get_int_member (e, "min_ns");
      gint64 max = json_object_get_int_member (e, "max_ns");
      gint64 p99 = json_object_get_int_member (e, "p99_ns");
      double mean = json_object_get_double_member (e, "mean_ns");

      g_assert_cmpstr (json_object_get_string_member (e, "machine"), ==, "server1");
      g_assert_cmpstr (json_object_get_string_member (e, "isa"), ==, "vmx");
      g_assert_true (min <= p99 && p99 <= max && min <= mean && mean <= max);
      g_assert_cmpfloat (ABS (mean * count - json_object_get_int_member (e, "total_ns")), <, 1.0);
      if (json_object_get_int_member (e, "vcpu") != 0)
        continue;
      g_assert_cmpuint (count, ==, GPOINTER_TO_UINT (g_hash_table_lookup (expect, json_object_get_string_member (e, "reason"))));
      n_reasons++;
    }
  g_assert_cmpuint (n_reasons, ==, g_hash_table_size (expect));
  g_assert_cmpuint (n_reasons, >, 3);
}

/* stats: each vCPU's and pCPU's figures add up to the range, as the JSON shape says. */
static void
test_stats (void)
{
  const char *args[] = { "stats", "--json", "--from", "+0.5s", "--to", "+1.25s", demo, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  JsonArray *list;
  gint64 length;

  if (!have_demo ())
    return;
  g_assert_cmpint (run (args, &out, &err), ==, 0);
  root = parse (out);
  o = json_node_get_object (root);
  length = json_object_get_int_member (o, "to_ns") - json_object_get_int_member (o, "from_ns");
  g_assert_cmpint (length, ==, 750000000);
  list = json_object_get_array_member (o, "vcpus");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *v = json_array_get_object_element (list, i);
      JsonObject *ns = json_object_get_object_member (v, "ns");
      JsonObject *running = json_object_get_object_member (v, "running_ns");
      g_autoptr(GList) keys = json_object_get_members (ns);
      g_autoptr(GList) shares = json_object_get_members (running);
      gint64 sum = 0, run_sum = 0;

      g_assert_cmpstr (json_object_get_string_member (v, "machine"), ==, "server1");
      g_assert_cmpint (json_object_get_int_member (v, "vcpu"), ==, i);
      for (GList *k = keys; k != NULL; k = k->next)
        sum += json_object_get_int_member (ns, k->data);
      g_assert_cmpint (sum, ==, length);
      for (GList *k = shares; k != NULL; k = k->next)
        run_sum += json_object_get_int_member (running, k->data);
      g_assert_cmpint (run_sum, ==, json_object_get_int_member (ns, "running"));
      /* The demo's stress task takes the vCPUs' pCPUs. */
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (v, "preempted_by")), >, 0);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (v, "preempted_by"), 0), "comm"), ==, "stress");
    }
  list = json_object_get_array_member (o, "pcpus");
  g_assert_cmpuint (json_array_get_length (list), ==, 8);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *ns = json_object_get_object_member (json_array_get_object_element (list, i), "ns");
      g_autoptr(GList) keys = json_object_get_members (ns);
      gint64 sum = 0;

      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, i), "machine"), ==, "host");
      for (GList *k = keys; k != NULL; k = k->next)
        sum += json_object_get_int_member (ns, k->data);
      g_assert_cmpint (sum, ==, length);
    }

  /* A range that reaches before the set is summed over the part inside it: from 0 (ns
   * since the epoch) starts where the set does, not decades of unknown time before. */
  {
    const char *early[] = { "stats", "--json", "--from", "0", "--to", "+1s", demo, NULL };
    const char *before[] = { "stats", "--from", "0", "--to", "1000", demo, NULL };
    const char *rows_before[] = { "intervals", "--row", "pcpu/0", "--from", "0", "--to", "1000", demo, NULL };
    const char *info[] = { "info", "--json", demo, NULL };
    g_autoptr(JsonNode) info_root = NULL;
    g_autoptr(JsonNode) early_root = NULL;
    gint64 begin;

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run (info, &out, &err), ==, 0);
    info_root = parse (out);
    begin = json_object_get_int_member (json_node_get_object (info_root), "begin_ns");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run (early, &out, &err), ==, 0);
    early_root = parse (out);
    o = json_node_get_object (early_root);
    g_assert_cmpint (json_object_get_int_member (o, "from_ns"), ==, begin);
    g_assert_cmpint (json_object_get_int_member (o, "to_ns"), ==, begin + 1000000000);
    list = json_object_get_array_member (o, "vcpus");
    g_assert_cmpuint (json_array_get_length (list), ==, 2);
    {
      JsonObject *ns = json_object_get_object_member (json_array_get_object_element (list, 0), "ns");

      g_assert_cmpint (json_object_get_int_member (ns, "running"), >, 0);
      g_assert_true (!json_object_has_member (ns, "unknown") ||
                     json_object_get_int_member (ns, "unknown") < 1000000000 / 2);
    }
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run (before, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "--to is before the start of the set"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run (rows_before, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "--to is before the start of the set"));
  }

  /* Machines without a host: whose CPUs the pCPUs are is said. */
  if (test_have_samples ())
    {
      g_autofree char *sync = test_sample ("tc-synctraces");
      const char *text[] = { "stats", "--no-cache", sync, NULL };

      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (run (text, &out, &err), ==, 0);
      g_assert_nonnull (strstr (out, "The CPUs of VM3, the set's first kernel trace (it has no KVM host):\npCPU"));
    }
}

/* --machine naming the host selects its VMs: in the demo, every preemption and exit. */
static void
test_machine_host (void)
{
  const char *commands[] = { "preemptions", "exits" };

  if (!have_demo ())
    return;
  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      const char *all[] = { commands[c], "--json", demo, NULL };
      const char *host[] = { commands[c], "--json", "--machine", "host", demo, NULL };
      g_autofree char *out_all = NULL, *out_host = NULL, *err = NULL, *err_host = NULL;
      g_autoptr(JsonNode) a = NULL;
      g_autoptr(JsonNode) h = NULL;

      g_assert_cmpint (run (all, &out_all, &err), ==, 0);
      g_assert_cmpint (run (host, &out_host, &err_host), ==, 0);
      a = parse (out_all);
      h = parse (out_host);
      g_assert_cmpuint (json_array_get_length (json_node_get_array (a)), >, 0);
      g_assert_cmpuint (json_array_get_length (json_node_get_array (h)), ==,
                        json_array_get_length (json_node_get_array (a)));
    }
}

static void
test_exit_statuses (void)
{
  const char *missing[] = { "info", "/nonexistent/strata", NULL };
  const char *usage[] = { "intervals", demo, NULL };
  const char *bad_time[] = { "intervals", "--row", "pcpu/0", "--from", "soon", demo, NULL };
  const char *no_row[] = { "intervals", "--row", "pcpu/99", demo, NULL };
  const char *unknown[] = { "frobnicate", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!have_demo ())
    return;
  g_assert_cmpint (run (missing, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "/nonexistent/strata"));
  /* One clear line on stderr. */
  g_assert_cmpint (strchr (err, '\n') - err, ==, (gint) strlen (err) - 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (usage, &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (bad_time, &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (no_row, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "pcpu/99"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (unknown, &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* An option before the command is said to be one, not taken for a command. */
  {
    const char *early[] = { "--no-cache", "info", demo, NULL };

    g_assert_cmpint (run (early, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "options come after the command"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  /* No preemption to list is said, as exits and findings say theirs (a plain kernel trace
   * has no vCPU). */
  if (test_have_samples ())
  {
    g_autofree char *plain = test_sample ("tvl-simple-kernel");
    const char *none[] = { "preemptions", plain, NULL };

    g_assert_cmpint (run (none, &out, &err), ==, 0);
    g_assert_cmpstr (out, ==, "No vCPU was preempted or waited for a pCPU.\n");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  /* A command's help names it, and its paths once. */
  {
    const char *help[] = { "stats", "--help", NULL };

    g_assert_cmpint (run (help, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "strata-cli stats [OPTION…] PATH… — "));
    g_assert_null (strstr (out, "PATH… PATH…"));
  }
}

/* The bundled set without sync events: every guest linked by its KVM windows, its clock from
 * them, the fits it was chosen by listed; --map forces a pairing and says when it is wrong. */
static void
test_info_json_kvm (void)
{
  const char *args[] = { "info", "--json", demo_nosync, NULL };
  const char *wrong[] = { "info", "--map", "web01=3400", "--map", "batch01=3000", demo_nosync, NULL };
  const struct { const char *name; gint64 pid; guint n_fits; } guests[] = {
    { "web01", 3000, 2 }, { "db01", 71234, 1 }, { "batch01", 3400, 2 },
  };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *machines;
  guint found = 0;

  if (cli == NULL || demo_nosync == NULL || !g_file_test (demo_nosync, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("strata-cli or the bundled set without sync events not found");
      return;
    }
  g_assert_cmpint (run (args, &out, &err), ==, 0);
  root = parse (out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root), "errors")), ==, 0);
  machines = json_object_get_array_member (json_node_get_object (root), "machines");
  for (guint i = 0; i < json_array_get_length (machines); i++)
    {
      JsonObject *m = json_array_get_object_element (machines, i);
      JsonObject *sync = json_object_get_object_member (m, "sync");

      for (guint g = 0; g < G_N_ELEMENTS (guests); g++)
        if (g_strcmp0 (json_object_get_string_member (m, "name"), guests[g].name) == 0)
          {
            JsonArray *fits = json_object_get_array_member (m, "fits");
            JsonObject *best = json_array_get_object_element (fits, 0);

            found++;
            g_assert_cmpstr (json_object_get_string_member (m, "role"), ==, "guest");
            g_assert_cmpstr (json_object_get_string_member (m, "parent"), ==, "host");
            g_assert_cmpint (json_object_get_int_member (m, "vm_pid"), ==, guests[g].pid);
            g_assert_true (json_object_get_boolean_member (m, "vm_pid_known"));
            g_assert_cmpstr (json_object_get_string_member (m, "link"), ==, "kvm");
            g_assert_cmpstr (json_object_get_string_member (sync, "method"), ==, "kvm");
            g_assert_cmpstr (json_object_get_string_member (sync, "quality"), ==, "accurate");
            g_assert_cmpfloat (json_object_get_double_member (sync, "accuracy"), <, 2000);
            g_assert_cmpuint (json_array_get_length (fits), ==, guests[g].n_fits);
            g_assert_cmpint (json_object_get_int_member (best, "vm_pid"), ==, guests[g].pid);
            g_assert_cmpstr (json_object_get_string_member (best, "verdict"), ==, "good");
          }
    }
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (guests));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (wrong, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "web01: guest of host (qemu pid 3400), linked by --map"));
  g_assert_nonnull (strstr (out, "--map web01=3400: its events do not fit the guest-mode windows of VM 3400"));
}

/* --map GUEST=HOST_PID: a malformed value is a usage error; a guest or a VM the set lacks is
 * bad input, said in one line. */
static void
test_map (void)
{
  const char *bad[] = { "=2000", "server1=", "server1", "server1=0", "server1=-4", "server1=20x", NULL };
  const char *unknown[] = { "info", "--json", "--map", "nobody=70000", demo, NULL };
  const char *no_vm[] = { "stats", "--map", "server1=999999", demo, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!have_demo ())
    return;
  for (guint i = 0; bad[i] != NULL; i++)
    {
      const char *args[] = { "info", "--map", bad[i], demo, NULL };
      g_autofree char *bad_out = NULL;
      g_autofree char *bad_err = NULL;

      g_assert_cmpint (run (args, &bad_out, &bad_err), ==, 2);
      g_assert_nonnull (strstr (bad_err, bad[i]));
      g_assert_cmpint (strchr (bad_err, '\n') - bad_err, ==, (gint) strlen (bad_err) - 1);
    }
  g_assert_cmpint (run (unknown, &out, &err), ==, 1);
  g_assert_cmpstr (err, ==, "strata-cli: --map nobody=70000: no machine named nobody\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (no_vm, &out, &err), ==, 1);
  g_assert_true (g_str_has_prefix (err, "strata-cli: --map server1=999999: no VM has qemu pid 999999"));
  g_assert_cmpint (strchr (err, '\n') - err, ==, (gint) strlen (err) - 1);
}

/* A trace of its metadata alone: named by it, said to hold no events; the commands that look
 * at a range of time say there is none, and fail, not blaming an option not given. */
static void
test_no_events (void)
{
  g_autofree char *tmp = NULL;
  g_autofree char *trace = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *metadata = NULL;
  gsize len;

  if (!have_demo ())
    return;
  tmp = test_make_tmpdir ();
  trace = g_build_filename (tmp, "host", NULL);
  to = g_build_filename (trace, "metadata", NULL);
  from = g_build_filename (demo, "host", "metadata", NULL);
  g_assert_true (g_file_get_contents (from, &metadata, &len, NULL));
  g_assert_cmpint (g_mkdir (trace, 0755), ==, 0);
  g_assert_true (g_file_set_contents (to, metadata, len, NULL));
  {
    const char *info[] = { "info", "--no-cache", tmp, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run (info, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "machine host,"));
    g_assert_nonnull (strstr (out, "no stream file, only its metadata"));
  }
  {
    const char *commands[][6] = {
      { "stats", "--no-cache", tmp, NULL }, { "exits", "--no-cache", tmp, NULL },
      { "findings", "--no-cache", tmp, NULL }, { "intervals", "--no-cache", "--row", "pcpu/0", tmp, NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      {
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;

        g_assert_cmpint (run (commands[i], &out, &err), ==, 1);
        g_assert_nonnull (strstr (err, "the set holds no events"));
        g_assert_null (strstr (err, "--from"));
      }
  }
  test_rm_tree (tmp);
}

/* The share of a row's pixels (across the body, at mid-height) drawn in @color. */
static double
row_share (cairo_surface_t *surface,
           int              x0,
           int              y,
           StrataRgb        color)
{
  int width = cairo_image_surface_get_width (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint hits = 0;

  for (int x = x0; x < width; x++)
    {
      guint32 px = *(const guint32 *) (data + y * stride + x * 4);
      int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

      if (ABS (r - (int) (color.r * 255)) <= 40 && ABS (g - (int) (color.g * 255)) <= 40 &&
          ABS (b - (int) (color.b * 255)) <= 40)
        hits++;
    }
  return (double) hits / (width - x0);
}

static void
test_render (void)
{
  g_autofree char *dir = g_dir_make_tmp ("strata-cli-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "demo.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "demo.svg", NULL);
  const char *args[] = { "render", "--width", "1200", "--from", "+1s", "--to", "+1.2s", "-o", png, demo, NULL };
  const char *sargs[] = { "render", "--highlight", "server1", "-o", svg, demo, NULL };
  const char *vargs[] = { "render", "--width", "1200", "--from", "+1s", "--to", "+1.2s",
                          "--highlight", "server1/vcpu/1", "-o", png, demo, NULL };
  static const char *bad_vcpus[] = { "server1/vcpu/2", "server1/vcpu/x", "nobody/vcpu/0" };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *svg_text = NULL;
  cairo_surface_t *surface;
  StrataRenderOptions defaults = { 0 };
  /* The demo's machines are host (0), then server1 (1), in the order of their traces. */
  StrataRgb guest = strata_render_machine_color (1);
  int ruler, row_h, header;

  if (!have_demo ())
    return;
  g_assert_cmpint (run (args, &out, &err), ==, 0);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 1200);

  /* The layout: the ruler, the host's group header, then its pCPU rows. */
  defaults.ruler_height = 36;
  defaults.row_height = 22;
  defaults.header_width = 160;
  ruler = defaults.ruler_height;
  row_h = defaults.row_height;
  header = defaults.header_width;
  for (int cpu = 0; cpu < 8; cpu++)
    {
      int y = ruler + (1 + cpu) * row_h + row_h / 2;
      double share = row_share (surface, header, y, guest);

      g_test_message ("pCPU %d: %.0f%% in server1's colour", cpu, 100 * share);
      if (cpu < 2)
        g_assert_cmpfloat (share, >, 0.3);
      else
        g_assert_cmpfloat (share, <, 0.02);
    }
  cairo_surface_destroy (surface);

  /* One vCPU highlighted: the pCPU of the other one is dimmed, its own is not. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (vargs, &out, &err), ==, 0);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  for (int cpu = 0; cpu < 2; cpu++)
    {
      double share = row_share (surface, header, ruler + (1 + cpu) * row_h + row_h / 2, guest);

      g_test_message ("server1/vcpu/1 highlighted, pCPU %d: %.0f%% in server1's colour", cpu, 100 * share);
      if (cpu == 1)
        g_assert_cmpfloat (share, >, 0.3);
      else
        g_assert_cmpfloat (share, <, 0.02);
    }
  cairo_surface_destroy (surface);
  for (guint i = 0; i < G_N_ELEMENTS (bad_vcpus); i++)
    {
      const char *bargs[] = { "render", "--highlight", bad_vcpus[i], "-o", png, demo, NULL };

      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (run (bargs, &out, &err), ==, 1);
      g_assert_nonnull (strstr (err, bad_vcpus[i]));
      g_assert_cmpint (strchr (err, '\n') - err, ==, (gint) strlen (err) - 1);
    }

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (sargs, &out, &err), ==, 0);
  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  g_assert_nonnull (strstr (svg_text, "<svg"));
  g_unlink (png);
  g_unlink (svg);
  g_rmdir (dir);
}

static guint
count_follow_pixels (const char *png)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (png);
  const guint8 *data;
  int stride;
  double r, g, b;
  guint n = 0;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  strata_render_follow_color (FALSE, &r, &g, &b);
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + x * 4);

        n += abs ((int) ((px >> 16) & 0xff) - (int) (r * 255)) < 8 && abs ((int) ((px >> 8) & 0xff) - (int) (g * 255)) < 8 &&
             abs ((int) (px & 0xff) - (int) (b * 255)) < 8;
      }
  cairo_surface_destroy (surface);
  return n;
}

/* --follow outlines a guest thread (the demo's worker, 812) where it ran; a row that is not a
 * thread's is a usage error, a thread the set lacks bad input. */
static void
test_render_follow (void)
{
  g_autofree char *dir = g_dir_make_tmp ("strata-cli-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "follow.png", NULL);
  const char *plain[] = { "render", "--width", "1000", "--from", "+3ms", "--to", "+8ms", "-o", png, demo, NULL };
  const char *follow[] = { "render", "--width", "1000", "--from", "+3ms", "--to", "+8ms", "--follow", "server1/thread/812",
                           "-o", png, demo, NULL };
  const char *not_thread[] = { "render", "--follow", "pcpu/0", "-o", png, demo, NULL };
  const char *no_thread[] = { "render", "--follow", "server1/thread/99999", "-o", png, demo, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!have_demo ())
    return;
  g_assert_cmpint (run (plain, &out, &err), ==, 0);
  g_assert_cmpuint (count_follow_pixels (png), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (follow, &out, &err), ==, 0);
  g_assert_cmpuint (count_follow_pixels (png), >, 500);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (not_thread, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "MACHINE/thread/TID"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (no_thread, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "server1/thread/99999"));
  g_unlink (png);
  g_rmdir (dir);
}

/* --highlight with 40 machines: the one named stays in full colour, and none of the others
 * above the 31st comes along with it. */
static void
test_render_highlight_many (void)
{
  g_autofree char *dir = g_dir_make_tmp ("strata-cli-XXXXXX", NULL);
  g_autofree char *traces = g_build_filename (dir, "traces", NULL);
  g_autofree char *png = g_build_filename (dir, "many.png", NULL);
  g_autoptr(GString) scenario = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *args[] = { "render", "--width", "800", "--highlight", "m35", "-o", png, traces, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  StrataRgb user = strata_render_state_color (STRATA_STATE_USER, FALSE);
  cairo_surface_t *surface;

  if (cli == NULL)
    {
      g_test_skip ("strata-cli not found");
      return;
    }
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (scenario,
                            "trace m%02u hostname=m%02u cpus=1 offset_s=1000\n"
                            "event 1000 0 sched_switch prev_tid=0 prev_state=0 next_tid=%u next_comm=worker\n"
                            "event 9000 0 sched_switch prev_tid=%u prev_state=1 next_tid=0 next_comm=swapper/0\n"
                            "event 10000 0 irq_handler_entry irq=16 name=eth0\n",
                            i, i, 100 + i, 100 + i);
  g_assert_true (strata_scenario_write_string (scenario->str, "many", traces, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (run (args, &out, &err), ==, 0);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);

  /* Each machine is a group: its title, its CPU, where the worker runs 8 µs of 9, its IRQ. */
  for (guint m = 0; m < 40; m++)
    {
      int y = 36 + (3 * m + 1) * 22 + 11;
      double share = row_share (surface, 160, y, user);

      g_test_message ("m%02u: %.0f%% in the user colour", m, 100 * share);
      if (m == 35)
        g_assert_cmpfloat (share, >, 0.8);
      else
        g_assert_cmpfloat (share, <, 0.02);
    }
  cairo_surface_destroy (surface);
  test_rm_tree (dir);
}

/* Two machines, TCP segments one way only (beta's clock 5 ms ahead, every segment 50 µs on
 * the way): the offset is bounded on one side, by 50 µs here, which no segment says. The
 * accuracy is not a figure then (not ±0 ns, the spread of equal delays): JSON null, and the
 * text says which way the clock may be off. */
static void
test_tcp_one_way (void)
{
  g_autofree char *dir = g_dir_make_tmp ("strata-cli-XXXXXX", NULL);
  g_autofree char *traces = g_build_filename (dir, "traces", NULL);
  g_autoptr(GString) scenario = g_string_new ("trace alpha hostname=alpha cpus=1 offset_s=1000\n");
  g_autoptr(GError) error = NULL;
  const char *json_args[] = { "info", "--json", "--no-cache", traces, NULL };
  const char *text_args[] = { "info", "--no-cache", traces, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *machines;
  guint synced = 0;

  if (cli == NULL)
    {
      g_test_skip ("strata-cli not found");
      return;
    }
  for (guint i = 0; i < 10; i++)
    g_string_append_printf (scenario, "event %u 0 inet_sock_local_out seq=%u ack_seq=%u flags=24\n",
                            100000 + i * 1000000, 1000 + i, 5000 + i);
  g_string_append (scenario, "event 10000000 0 irq_handler_entry irq=1 name=x\n"
                             "trace beta hostname=beta cpus=1 offset_s=1000\n");
  for (guint i = 0; i < 10; i++)
    g_string_append_printf (scenario, "event %u 0 inet_sock_local_in seq=%u ack_seq=%u flags=24\n",
                            100000 + i * 1000000 + 50000 + 5000000, 1000 + i, 5000 + i);
  g_string_append (scenario, "event 16000000 0 irq_handler_entry irq=1 name=x\n");
  g_assert_true (strata_scenario_write_string (scenario->str, "oneway", traces, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (run (json_args, &out, &err), ==, 0);
  root = parse (out);
  machines = json_object_get_array_member (json_node_get_object (root), "machines");
  for (guint i = 0; i < json_array_get_length (machines); i++)
    {
      JsonObject *sync = json_object_get_object_member (json_array_get_object_element (machines, i), "sync");

      if (g_strcmp0 (json_object_get_string_member (sync, "method"), "tcp") != 0)
        continue;
      synced++;
      g_assert_cmpstr (json_object_get_string_member (sync, "quality"), ==, "incomplete");
      g_assert_cmpint (json_object_get_int_member (sync, "matches"), ==, 10);
      g_assert_true (json_object_get_null_member (sync, "accuracy"));
      /* Beta's messages come from its reference: its events may be later than placed. */
      g_assert_cmpstr (json_object_get_string_member (sync, "bound"), ==, "later");
    }
  g_assert_cmpuint (synced, ==, 1);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (text_args, &out, &err), ==, 0);
  g_assert_null (strstr (out, "±0 ns"));
  g_assert_nonnull (strstr (out, "not bounded: its events may be later than shown"));
  test_rm_tree (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  cli = g_getenv ("STRATA_CLI");
  demo = g_getenv ("STRATA_DEMO_DIR");
  demo_nosync = g_getenv ("STRATA_DEMO_NOSYNC_DIR");
  g_test_add_func ("/cli/info-json", test_info_json);
  g_test_add_func ("/cli/info-json-kvm", test_info_json_kvm);
  g_test_add_func ("/cli/intervals-preemptions", test_intervals_and_preemptions);
  g_test_add_func ("/cli/intervals-detail", test_intervals_detail);
  g_test_add_func ("/cli/intervals-untraced-guest", test_intervals_untraced_guest);
  g_test_add_func ("/cli/intervals-followed-vcpu", test_intervals_followed_vcpu);
  g_test_add_func ("/cli/exits", test_exits);
  g_test_add_func ("/cli/stats", test_stats);
  g_test_add_func ("/cli/machine-host", test_machine_host);
  g_test_add_func ("/cli/exit-statuses", test_exit_statuses);
  g_test_add_func ("/cli/map", test_map);
  g_test_add_func ("/cli/no-events", test_no_events);
  g_test_add_func ("/cli/render", test_render);
  g_test_add_func ("/cli/render-highlight-many", test_render_highlight_many);
  g_test_add_func ("/cli/render-follow", test_render_follow);
  g_test_add_func ("/cli/tcp-one-way", test_tcp_one_way);
  return g_test_run ();
}
