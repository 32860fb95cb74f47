/* test-findings-panel.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "strata-analysis.h"
#include "strata-findings-panel.h"
#include "strata-scenario.h"
#include "strata-store.h"
#include "test-findings-util.h"
#include "test-ui-util.h"

/*
 * The Findings panel in a window: vCPU 0 is preempted by stress from 11 to 31 µs while vCPU 1
 * takes PAUSE exits (a lock-holder preemption, one line), or other exits (no line, the empty
 * page); activating the line zooms to the preemption and marks vCPU 0's row.
 */

#define BASE G_GINT64_CONSTANT (1000000000000)

static char *
scenario (const char *reason,
          gboolean    second)
{
  GString *s = test_lock_holder_scenario (NULL, reason, 12000, 30000);

  if (second)
    {
      /* vCPU 0 preempted again, longer (100 to 140 µs), while vCPU 1 takes 6 PAUSE exits. */
      g_string_append (s,
        "event 61000 0 kvm_x86_entry vcpu_id=0\n"
        "event 99000 0 kvm_x86_exit vcpu_id=0 exit_reason=1\n"
        "event 100000 0 sched_switch prev_tid=501 prev_state=0 prev_comm=\"CPU 0/KVM\" next_tid=600 next_comm=stress\n"
        "event 140000 0 sched_switch prev_tid=600 prev_state=1 prev_comm=stress next_tid=501 next_comm=\"CPU 0/KVM\"\n"
        "event 141000 0 kvm_x86_entry vcpu_id=0\n"
        "event 160000 0 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
        "event 61000 1 kvm_x86_entry vcpu_id=1\n");
      for (gint64 t = 105000; t < 135000; t += 5000)
        {
          g_string_append_printf (s, "event %" G_GINT64_FORMAT " 1 kvm_x86_exit vcpu_id=1 exit_reason=%s\n", t, reason);
          g_string_append_printf (s, "event %" G_GINT64_FORMAT " 1 kvm_x86_entry vcpu_id=1\n", t + 100);
        }
      g_string_append (s, "event 160000 1 kvm_x86_exit vcpu_id=1 exit_reason=12\n");
    }
  return g_string_free (s, FALSE);
}

static StrataSession *
make_session_full (const char *reason,
                   gboolean    second)
{
  g_autofree char *text = scenario (reason, second);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load_string (text, "test", NULL, &error);
  g_autoptr(StrataAnalysis) analysis = NULL;

  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  return strata_session_new (analysis);
}

static StrataSession *
make_session (const char *reason)
{
  return make_session_full (reason, FALSE);
}

static GtkWidget *
show (GtkWidget *panel)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 300);
  gtk_window_set_child (GTK_WINDOW (window), panel);
  gtk_window_present (GTK_WINDOW (window));
  test_ui_iterate (20);
  return window;
}

static void
test_finding (void)
{
  g_autoptr(StrataSession) session = make_session ("PAUSE_INSTRUCTION");
  StrataAnalysis *analysis = strata_session_get_analysis (session);
  GtkWidget *panel = strata_findings_panel_new ();
  GtkWidget *window = show (panel);
  GtkListBox *list_box = test_ui_find_widget (panel, GTK_TYPE_LIST_BOX);
  GtkListBoxRow *row;
  const StrataTimeSpan *visible;
  const char *text;

  strata_findings_panel_set_session (STRATA_FINDINGS_PANEL (panel), session);
  test_ui_iterate (20);
  g_assert_cmpuint (strata_findings_panel_get_n_findings (STRATA_FINDINGS_PANEL (panel)), ==, 1);
  text = strata_findings_panel_get_text (STRATA_FINDINGS_PANEL (panel), 0);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "stress (600)"));
  g_assert_nonnull (strstr (text, "vCPU 1: 18 PAUSE exits"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (list_box)));

  /* The row, activated as Enter or a double click would: the view zooms to the preemption. */
  row = gtk_list_box_get_row_at_index (list_box, 0);
  g_assert_nonnull (row);
  g_assert_null (gtk_list_box_get_row_at_index (list_box, 1));
  g_signal_emit_by_name (list_box, "row-activated", row);
  test_ui_iterate (20);
  visible = strata_session_get_visible_time (session);
  g_assert_cmpint (visible->begin, <=, BASE + 11000);
  g_assert_cmpint (visible->end, >=, BASE + 31000);
  g_assert_cmpint (visible->end - visible->begin, <, 2 * 20000 + 1);
  g_assert_cmpint (strata_session_get_marked_row (session), ==,
                   strata_store_find_row (analysis->store, "host/vm-500/vcpu/0"));
  g_assert_cmpint (strata_session_get_marked_time (session)->begin, ==, BASE + 11000);
  g_assert_cmpint (strata_session_get_marked_time (session)->end, ==, BASE + 31000);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_none (void)
{
  g_autoptr(StrataSession) session = make_session ("EPT_VIOLATION");
  GtkWidget *panel = strata_findings_panel_new ();
  GtkWidget *window = show (panel);
  GtkStack *stack = test_ui_find_widget (panel, GTK_TYPE_STACK);

  strata_findings_panel_set_session (STRATA_FINDINGS_PANEL (panel), session);
  test_ui_iterate (20);
  g_assert_cmpuint (strata_findings_panel_get_n_findings (STRATA_FINDINGS_PANEL (panel)), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Two findings: the list holds those of the visible range, or of the selection, and sorts
 * them by time, by length or by PAUSE exits. */
static void
test_range_and_order (void)
{
  g_autoptr(StrataSession) session = make_session_full ("PAUSE_INSTRUCTION", TRUE);
  GtkWidget *panel = strata_findings_panel_new ();
  GtkWidget *window = show (panel);
  StrataFindingsPanel *findings = STRATA_FINDINGS_PANEL (panel);
  GtkDropDown *sort = test_ui_find_widget (panel, GTK_TYPE_DROP_DOWN);
  GtkLabel *summary;

  strata_findings_panel_set_session (findings, session);
  test_ui_iterate (20);
  /* The whole set is in sight: both, by time. */
  g_assert_cmpuint (strata_findings_panel_get_n_findings (findings), ==, 2);
  g_test_message ("%s", strata_findings_panel_get_text (findings, 0));
  g_test_message ("%s", strata_findings_panel_get_text (findings, 1));
  g_assert_nonnull (strstr (strata_findings_panel_get_text (findings, 0), "vCPU 1: 18 PAUSE exits"));
  g_assert_nonnull (strstr (strata_findings_panel_get_text (findings, 1), "vCPU 1: 6 PAUSE exits"));

  /* Longest first: the second preemption (40 µs) before the first (20 µs). */
  gtk_drop_down_set_selected (sort, 1);
  g_assert_nonnull (strstr (strata_findings_panel_get_text (findings, 0), "vCPU 1: 6 PAUSE exits"));
  /* Most PAUSE exits first: the first again. */
  gtk_drop_down_set_selected (sort, 2);
  g_assert_nonnull (strstr (strata_findings_panel_get_text (findings, 0), "vCPU 1: 18 PAUSE exits"));
  gtk_drop_down_set_selected (sort, 0);

  /* Only the first in sight. */
  strata_session_zoom_to (session, BASE, BASE + 60000);
  test_ui_iterate (50);
  g_assert_cmpuint (strata_findings_panel_get_n_findings (findings), ==, 1);
  g_assert_nonnull (strstr (strata_findings_panel_get_text (findings, 0), "vCPU 1: 18 PAUSE exits"));
  summary = test_ui_find_widget (panel, GTK_TYPE_LABEL);
  g_test_message ("%s", gtk_label_get_label (summary));

  /* A selection takes over from the visible range: only the second. */
  strata_session_fit (session);
  strata_session_select (session, BASE + 90000, BASE + 150000);
  test_ui_iterate (50);
  g_assert_cmpuint (strata_findings_panel_get_n_findings (findings), ==, 1);
  g_assert_nonnull (strstr (strata_findings_panel_get_text (findings, 0), "vCPU 1: 6 PAUSE exits"));

  /* A selection with neither. */
  strata_session_select (session, BASE + 60000, BASE + 90000);
  test_ui_iterate (50);
  g_assert_cmpuint (strata_findings_panel_get_n_findings (findings), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    return 77;
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_test_add_func ("/findings-panel/finding", test_finding);
  g_test_add_func ("/findings-panel/none", test_none);
  g_test_add_func ("/findings-panel/range-and-order", test_range_and_order);
  return g_test_run ();
}
