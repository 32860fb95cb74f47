/* test-items.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include "strata-machine-item.h"
#include "strata-preemption-item.h"
#include "strata-store.h"
#include "strata-trace-item.h"
#include "test-synthetic.h"

/*
 * The list items the app's lists show (machines, preemptions, traces): GIO only, so they are
 * tested here on sets made in memory, without a display.
 */

static StrataMachineItem *
child (StrataMachineItem *item,
       guint              i)
{
  GListModel *children = strata_machine_item_get_children (item);
  StrataMachineItem *found;

  g_assert_nonnull (children);
  found = g_list_model_get_item (children, i);
  g_assert_nonnull (found);
  g_object_unref (found);     /* the tree holds it */
  return found;
}

static void
test_machine_tree (void)
{
  g_autoptr(StrataAnalysis) analysis = synth_host_with_vm ();
  g_autoptr(GListModel) roots = strata_machine_item_new_tree (analysis);
  g_autoptr(StrataMachineItem) host = NULL;
  g_autoptr(StrataHighlight) highlight = NULL;
  gint vm_index = strata_analysis_find_machine (analysis, "host/vm-500");
  StrataMachineItem *vm, *vcpu0, *vcpu1;
  g_auto(GStrv) checked = NULL;
  const char *names[] = { "host/vm-500/vcpu/1", "nowhere", NULL };

  /* The host, its VM under it, the VM's vCPUs under that. */
  g_assert_cmpuint (g_list_model_get_n_items (roots), ==, 1);
  host = g_list_model_get_item (roots, 0);
  g_assert_cmpstr (strata_machine_item_get_name (host), ==, "host");
  g_assert_cmpstr (strata_machine_item_get_subtitle (host), ==, "Host, 2 CPUs");
  g_assert_cmpint (strata_machine_item_get_machine (host), ==, strata_analysis_find_machine (analysis, "host"));
  g_assert_cmpuint (g_list_model_get_n_items (strata_machine_item_get_children (host)), ==, 1);
  vm = child (host, 0);
  g_assert_cmpstr (strata_machine_item_get_name (vm), ==, "host/vm-500");
  g_assert_cmpstr (strata_machine_item_get_subtitle (vm), ==, "Virtual machine, 2 vCPUs");
  g_assert_true (strata_machine_item_get_parent (vm) == host);
  vcpu0 = child (vm, 0);
  vcpu1 = child (vm, 1);
  g_assert_cmpstr (strata_machine_item_get_name (vcpu1), ==, "host/vm-500/vcpu/1");
  g_assert_cmpstr (strata_machine_item_get_title (vcpu1), ==, "vCPU 1");
  g_assert_cmpstr (strata_machine_item_get_subtitle (vcpu1), ==, "Host thread 502");
  g_assert_cmpint (strata_machine_item_get_vcpu (vcpu1), ==, 1);
  g_assert_null (strata_machine_item_get_children (vcpu1));

  /* A VM's box is its vCPUs': checking it checks them; one left out makes it mixed. */
  strata_machine_item_set_checked (vm, TRUE);
  g_assert_true (strata_machine_item_get_checked (vcpu0));
  g_assert_true (strata_machine_item_get_checked (vcpu1));
  g_assert_false (strata_machine_item_get_checked (host));
  strata_machine_item_set_checked (vcpu0, FALSE);
  g_assert_false (strata_machine_item_get_checked (vm));
  g_assert_true (strata_machine_item_get_inconsistent (vm));
  checked = strata_machine_items_dup_checked (roots);
  g_assert_cmpstrv (checked, ((const char *[]) { "host/vm-500/vcpu/1", NULL }));
  /* The highlight names that vCPU alone; the VM counts as highlighted, in part. */
  highlight = strata_machine_items_get_highlight (roots);
  g_assert_true (strata_highlight_has_machine (highlight, vm_index));
  g_assert_true (strata_highlight_is_partial (highlight, vm_index));
  g_assert_true (strata_highlight_has_vcpu (highlight, vm_index, 1));
  g_assert_false (strata_highlight_has_vcpu (highlight, vm_index, 0));
  g_assert_false (strata_highlight_has_machine (highlight, strata_machine_item_get_machine (host)));
  g_clear_pointer (&highlight, strata_highlight_free);
  strata_machine_item_set_checked (vcpu0, TRUE);
  g_assert_true (strata_machine_item_get_checked (vm));
  g_assert_false (strata_machine_item_get_inconsistent (vm));
  g_clear_pointer (&checked, g_strfreev);
  checked = strata_machine_items_dup_checked (roots);
  g_assert_cmpstrv (checked, ((const char *[]) { "host/vm-500", NULL }));
  highlight = strata_machine_items_get_highlight (roots);
  g_assert_true (strata_highlight_has_machine (highlight, vm_index));
  g_assert_false (strata_highlight_is_partial (highlight, vm_index));
  g_clear_pointer (&highlight, strata_highlight_free);

  /* A remembered choice: exactly what it names, unknown names skipped. */
  strata_machine_items_set_checked (roots, names);
  g_assert_false (strata_machine_item_get_checked (vcpu0));
  g_assert_true (strata_machine_item_get_checked (vcpu1));
  g_assert_true (strata_machine_item_get_inconsistent (vm));
  g_assert_true (strata_machine_items_find (roots, "host/vm-500/vcpu/0") == vcpu0);
  g_assert_null (strata_machine_items_find (roots, "nowhere"));

  /* The search keeps a match, the path to it, and what lies under a matching VM. */
  g_assert_true (strata_machine_item_matches (host, "vcpu 1"));
  g_assert_true (strata_machine_item_matches (vm, "vcpu 1"));
  g_assert_false (strata_machine_item_matches (vcpu0, "vcpu 1"));
  g_assert_true (strata_machine_item_matches (vcpu0, "vm-500"));
  g_assert_false (strata_machine_item_matches (host, "nothing"));
  g_assert_true (strata_machine_item_matches (host, ""));
}

static void
test_many_machines (void)
{
  g_autoptr(StrataAnalysis) analysis = synth_many_machines (40);
  g_autoptr(GListModel) roots = strata_machine_item_new_tree (analysis);
  g_autoptr(StrataHighlight) highlight = NULL;
  g_auto(GStrv) checked = NULL;
  const char *names[] = { "m35", NULL };

  /* Forty machines side by side, in the analysis' order. */
  g_assert_cmpuint (analysis->machines->len, ==, 40);
  g_assert_cmpuint (g_list_model_get_n_items (roots), ==, 40);
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(StrataMachineItem) item = g_list_model_get_item (roots, i);
      g_autofree char *name = g_strdup_printf ("m%02u", i);

      g_assert_cmpstr (strata_machine_item_get_name (item), ==, name);
      g_assert_cmpint (strata_machine_item_get_machine (item), ==, (gint) i);
      g_assert_cmpstr (strata_machine_item_get_subtitle (item), ==, "Machine, 1 CPU");
    }
  strata_machine_items_set_checked (roots, names);
  checked = strata_machine_items_dup_checked (roots);
  g_assert_cmpstrv (checked, names);

  /* What it highlights: machine 35, and none of the others above 30 with it. */
  highlight = strata_machine_items_get_highlight (roots);
  for (guint m = 0; m < 40; m++)
    g_assert_cmpint (strata_highlight_has_machine (highlight, m), ==, m == 35);
}

static void
test_preemption_item (void)
{
  g_autoptr(StrataAnalysis) analysis = synth_host_with_vm ();
  g_autoptr(StrataPreemptionItem) item = NULL;
  g_autofree char *duration_text = NULL;
  g_autofree char *cause = NULL;
  gint64 duration = 0;
  gboolean wakeup = TRUE, open = TRUE;

  g_assert_cmpuint (analysis->preemptions->len, >=, 1);
  item = strata_preemption_item_new (analysis, 0);
  g_assert_cmpuint (strata_preemption_item_get_index (item), ==, 0);
  g_assert_cmpstr (strata_preemption_item_get_machine (item), ==, "host/vm-500");
  g_assert_cmpint (strata_preemption_item_get_vcpu (item), ==, 0);
  g_assert_cmpint (strata_preemption_item_get_pcpu (item), ==, 0);
  g_assert_cmpint (strata_preemption_item_get_start (item), ==, SYNTH_BASE + 11000);
  g_assert_cmpint (strata_preemption_item_get_end (item), ==, SYNTH_BASE + 31000);
  g_assert_cmpint (strata_preemption_item_get_duration (item), ==, 20000);
  g_assert_cmpstr (strata_preemption_item_get_cause (item), ==, "stress (600)");
  g_assert_cmpint (strata_preemption_item_get_row (item), ==,
                   strata_store_find_row (analysis->store, "host/vm-500/vcpu/0"));
  g_assert_cmpint (strata_preemption_item_get_row (item), >=, 0);

  /* What the columns bind. */
  g_object_get (item, "duration", &duration, "duration-text", &duration_text, "cause", &cause,
                "wakeup", &wakeup, "open", &open, NULL);
  g_assert_false (wakeup);
  g_assert_false (open);
  g_assert_cmpint (duration, ==, 20000);
  g_assert_cmpstr (duration_text, ==, "20.000 µs");
  g_assert_cmpstr (cause, ==, "stress (600)");
}

static void
test_trace_item (void)
{
  g_autoptr(StrataAnalysis) analysis = synth_host_with_vm ();
  StrataTrace *trace = g_ptr_array_index (analysis->set->traces, 0);
  g_autoptr(StrataTraceItem) item = NULL;
  g_autoptr(StrataTraceItem) unreadable = NULL;
  g_autofree char *events_text = NULL;
  g_autofree char *errors_text = NULL;
  g_autofree char *cpus_text = NULL;
  StrataTrace broken = { 0 };

  item = strata_trace_item_new (trace);
  g_assert_cmpstr (strata_trace_item_get_machine (item), ==, "host");
  g_assert_cmpstr (strata_trace_item_get_path (item), ==, "/nowhere/host");
  g_assert_cmpuint (strata_trace_item_get_events (item), ==, 14);
  g_assert_cmpuint (strata_trace_item_get_discarded (item), ==, 0);
  g_assert_cmpuint (strata_trace_item_get_n_errors (item), ==, 0);
  g_object_get (item, "events-text", &events_text, "errors-text", &errors_text, "cpus-text", &cpus_text, NULL);
  g_assert_cmpstr (events_text, ==, "14");
  g_assert_cmpstr (errors_text, ==, "0");
  g_assert_cmpstr (cpus_text, ==, "2");

  /* A trace read not at all: named by its folder, and said so. */
  broken.path = (char *) "/somewhere/lost-trace";
  broken.failed = TRUE;
  unreadable = strata_trace_item_new (&broken);
  g_assert_cmpstr (strata_trace_item_get_machine (unreadable), ==, "lost-trace");
  g_clear_pointer (&errors_text, g_free);
  g_clear_pointer (&cpus_text, g_free);
  g_object_get (unreadable, "errors-text", &errors_text, "cpus-text", &cpus_text, NULL);
  g_assert_cmpstr (errors_text, ==, "Unreadable");
  g_assert_cmpstr (cpus_text, ==, "—");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/items/machine-tree", test_machine_tree);
  g_test_add_func ("/items/many-machines", test_many_machines);
  g_test_add_func ("/items/preemption", test_preemption_item);
  g_test_add_func ("/items/trace", test_trace_item);

  return g_test_run ();
}
