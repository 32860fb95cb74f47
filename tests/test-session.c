/* test-session.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-describe.h"
#include "strata-scenario.h"
#include "strata-session.h"
#include "strata-time.h"
#include "test-synthetic.h"

/* An in-memory set: one machine, one CPU, a thread running from 1 µs to 5 µs. */
static StrataAnalysis *
make_analysis (void)
{
  g_autoptr(StrataSet) set = strata_set_new ();
  StrataTrace *trace = strata_set_add_trace (set, "/nowhere/solo");
  StrataStream *stream = strata_trace_add_stream (trace, "cpu0");
  StrataEvent ev = { 0 };
  StrataAnalysis *analysis;

  trace->hostname = g_strdup ("solo");
  trace->domain = g_strdup ("kernel");
  stream->cpu = 0;
  ev.kind = STRATA_EV_SCHED_SWITCH;
  ev.ts = 1000000000000;
  ev.f[STRATA_F_SWITCH_NEXT_TID] = 42;
  ev.f[STRATA_F_SWITCH_NEXT_COMM] = strata_strtab_intern (set->strings, "worker");
  strata_event_buffer_append (stream->buffer, &ev);
  stream->events++;
  ev.ts += 4000;
  ev.f[STRATA_F_SWITCH_PREV_TID] = 42;
  ev.f[STRATA_F_SWITCH_PREV_STATE] = 1;
  ev.f[STRATA_F_SWITCH_NEXT_TID] = 0;
  ev.f[STRATA_F_SWITCH_NEXT_COMM] = 0;
  strata_event_buffer_append (stream->buffer, &ev);
  stream->events++;
  ev.kind = STRATA_EV_IRQ_ENTRY;
  ev.ts = 1000000000000 + 1000000;
  memset (ev.f, 0, sizeof ev.f);
  strata_event_buffer_append (stream->buffer, &ev);
  stream->events++;
  strata_set_finish (set);
  analysis = strata_analysis_new (set, NULL, NULL);
  g_assert_nonnull (analysis);
  return analysis;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* The visible range's bounds. */
static gint64
vis_from (StrataSession *session)
{
  return strata_session_get_visible_time (session)->begin;
}

static gint64
vis_to (StrataSession *session)
{
  return strata_session_get_visible_time (session)->end;
}

static void
test_zoom_pan (void)
{
  g_autoptr(StrataAnalysis) analysis = make_analysis ();
  g_autoptr(StrataSession) session = strata_session_new (analysis);
  gint64 begin = strata_session_get_document_time (session)->begin;
  gint64 end = strata_session_get_document_time (session)->end;
  guint notifies = 0;
  gint64 anchor;

  g_assert_cmpint (end - begin, ==, 1000000);
  g_signal_connect (session, "notify::visible-time", G_CALLBACK (count_notify), &notifies);

  /* Zooming in around a point keeps it where it was on screen. */
  anchor = begin + 250000;
  strata_session_zoom_at (session, anchor, 4.0);
  g_assert_cmpint (vis_to (session) - vis_from (session), ==, 250000);
  g_assert_cmpfloat (strata_time_span_to_x (*strata_session_get_visible_time (session), anchor, 1000), ==, 250.0);
  g_assert_cmpuint (notifies, ==, 1);

  /* Panning stops at the ends without changing the span. */
  strata_session_pan (session, -10000000);
  g_assert_cmpint (vis_from (session), ==, begin);
  g_assert_cmpint (vis_to (session), ==, begin + 250000);
  strata_session_pan (session, 10000000);
  g_assert_cmpint (vis_to (session), ==, end);

  /* Zooming out never shows more than the set; zooming in stops at the minimum span. */
  strata_session_zoom_at (session, begin, 0.001);
  g_assert_cmpint (vis_from (session), ==, begin);
  g_assert_cmpint (vis_to (session), ==, end);
  strata_session_zoom_at (session, begin + 500000, 1e9);
  g_assert_cmpint (vis_to (session) - vis_from (session), ==, STRATA_SESSION_MIN_SPAN);

  strata_session_fit (session);
  g_assert_cmpint (strata_time_span_to_ns (*strata_session_get_visible_time (session), 500, 1000), ==,
                   begin + 500000);

  /* Notifies only on change. */
  notifies = 0;
  strata_session_fit (session);
  g_assert_cmpuint (notifies, ==, 0);
}

static void
test_time_span (void)
{
  StrataTimeSpan span = { 1000, 3000 };
  g_autoptr(StrataTimeSpan) copy = strata_time_span_copy (&span);
  StrataTimeSpan backwards = strata_time_span_order ((StrataTimeSpan) { 3000, 1000 });

  g_assert_true (strata_time_span_equal (copy, &span));
  g_assert_true (strata_time_span_equal (&backwards, &span));
  g_assert_cmpint (strata_time_span_duration (span), ==, 2000);
  g_assert_false (strata_time_span_is_empty (span));
  g_assert_true (strata_time_span_is_empty ((StrataTimeSpan) { 5, 5 }));

  /* 2000 ns over 400 px: 5 ns a pixel, both ways, outside the span too. */
  g_assert_cmpfloat (strata_time_span_ns_per_px (span, 400), ==, 5.0);
  g_assert_cmpfloat (strata_time_span_to_x (span, 1000, 400), ==, 0.0);
  g_assert_cmpfloat (strata_time_span_to_x (span, 2000, 400), ==, 200.0);
  g_assert_cmpfloat (strata_time_span_to_x (span, 500, 400), ==, -100.0);
  g_assert_cmpint (strata_time_span_to_ns (span, 200, 400), ==, 2000);
  g_assert_cmpint (strata_time_span_to_ns (span, 0.6, 400), ==, 1003);
  g_assert_cmpint (strata_time_span_to_ns (span, 123, 0), ==, 1000);
  g_assert_cmpint (strata_time_span_px_to_duration (span, 10, 400), ==, 50);
  g_assert_cmpint (strata_time_span_px_to_duration (span, -3, 400), ==, -15);
  g_assert_cmpint (strata_time_span_px_to_duration (span, 3, 0), ==, 0);

  /* Round trip at every pixel of a wide, odd span. */
  span = (StrataTimeSpan) { G_GINT64_CONSTANT (1442503600000150742), G_GINT64_CONSTANT (1442503623456789012) };
  for (guint x = 0; x <= 1917; x += 71)
    g_assert_cmpfloat (fabs (strata_time_span_to_x (span, strata_time_span_to_ns (span, x, 1917), 1917) - x), <, 1e-3);
}

static void
test_selection (void)
{
  g_autoptr(StrataAnalysis) analysis = make_analysis ();
  g_autoptr(StrataSession) session = strata_session_new (analysis);
  gint64 begin = strata_session_get_document_time (session)->begin;
  const StrataTimeSpan *selection = strata_session_get_selected_time (session);
  guint notifies = 0;

  g_signal_connect (session, "notify::selected-time", G_CALLBACK (count_notify), &notifies);
  g_assert_false (strata_session_has_selection (session));
  g_assert_false (strata_session_zoom_to_selection (session));
  strata_session_select (session, begin + 3000, begin + 1000);
  g_assert_true (strata_session_has_selection (session));
  g_assert_cmpint (selection->begin, ==, begin + 1000);
  g_assert_cmpint (selection->end, ==, begin + 3000);
  strata_session_select (session, begin + 1000, begin + 3000);
  g_assert_cmpuint (notifies, ==, 1);
  /* Zoomed to, the selection is gone: it would only tint the whole view. */
  g_assert_true (strata_session_zoom_to_selection (session));
  g_assert_cmpint (vis_from (session), ==, begin + 1000);
  g_assert_cmpint (vis_to (session), ==, begin + 3000);
  g_assert_false (strata_session_has_selection (session));
  g_assert_cmpuint (notifies, ==, 2);

  strata_session_zoom_around (session, begin + 100000, begin + 200000, 0.5);
  g_assert_cmpint (vis_from (session), ==, begin + 50000);
  g_assert_cmpint (vis_to (session), ==, begin + 250000);
  strata_session_select (session, begin + 60000, begin + 70000);
  strata_session_clear_selection (session);
  g_assert_false (strata_session_has_selection (session));
  g_assert_cmpuint (notifies, ==, 4);
}

static void
count_reveal (StrataSession *session,
              gint           row,
              gint          *last)
{
  *last = row;
}

static void
test_rows_state (void)
{
  g_autoptr(StrataAnalysis) analysis = synth_host_with_vm ();
  g_autoptr(StrataSession) session = strata_session_new (analysis);
  StrataLayout *layout = strata_session_get_layout (session);
  gint row = strata_store_find_row (analysis->store, "host/vm-500/vcpu/1");
  gint entry = strata_session_find_entry (session, row);
  guint header, n_shown, groups = 0, marks = 0;
  gint revealed = -1;

  g_assert_cmpint (row, >=, 0);
  g_assert_cmpint (entry, >=, 0);
  header = g_array_index (layout->entries, StrataLayoutEntry, entry).group;
  g_assert_true (g_array_index (layout->entries, StrataLayoutEntry, header).header);
  n_shown = strata_session_get_shown (session)->len;
  g_assert_cmpuint (n_shown, ==, layout->entries->len);
  g_signal_connect (session, "groups-changed", G_CALLBACK (count_notify), &groups);
  g_signal_connect (session, "notify::marked-row", G_CALLBACK (count_notify), &marks);
  g_signal_connect (session, "reveal-row", G_CALLBACK (count_reveal), &revealed);

  /* Collapsing the VM's group hides its rows, not its header. */
  strata_session_set_group_collapsed (session, header, TRUE);
  strata_session_set_group_collapsed (session, header, TRUE);
  g_assert_cmpuint (groups, ==, 1);
  g_assert_true (strata_session_get_group_collapsed (session, header));
  g_assert_true (g_array_index (strata_session_get_collapsed (session), gboolean, header));
  g_assert_cmpuint (strata_session_get_shown (session)->len, ==, n_shown - 2);
  for (guint v = 0; v < strata_session_get_shown (session)->len; v++)
    g_assert_cmpuint (g_array_index (strata_session_get_shown (session), guint, v), !=, entry);

  /* Marking one of them shows it again, and asks the views to bring it into sight, again
   * when it is marked a second time. */
  strata_session_set_marked_row (session, row);
  g_assert_cmpint (strata_session_get_marked_row (session), ==, row);
  g_assert_false (strata_session_get_group_collapsed (session, header));
  g_assert_cmpuint (strata_session_get_shown (session)->len, ==, n_shown);
  g_assert_cmpint (revealed, ==, row);
  revealed = -1;
  strata_session_set_marked_row (session, row);
  g_assert_cmpint (revealed, ==, row);
  g_assert_cmpuint (marks, ==, 1);
  g_assert_cmpuint (groups, ==, 2);
  strata_session_set_marked_row (session, -1);
  g_assert_cmpint (strata_session_get_marked_row (session), ==, -1);
  g_assert_cmpuint (marks, ==, 2);

  /* A preemption's mark: its vCPU and its pCPU, over its span; the same again notifies
   * nothing, another span does. */
  strata_session_mark (session, row, 0, 3000, 2000);
  g_assert_cmpint (strata_session_get_marked_row (session), ==, row);
  g_assert_cmpint (strata_session_get_marked_row2 (session), ==, 0);
  g_assert_cmpint (strata_session_get_marked_time (session)->begin, ==, 2000);
  g_assert_cmpint (strata_session_get_marked_time (session)->end, ==, 3000);
  strata_session_mark (session, row, 0, 2000, 3000);
  g_assert_cmpuint (marks, ==, 3);
  strata_session_mark (session, row, 0, 2000, 4000);
  g_assert_cmpuint (marks, ==, 4);
  strata_session_set_marked_row (session, -1);
  g_assert_cmpint (strata_session_get_marked_row2 (session), ==, -1);
  g_assert_true (strata_time_span_is_empty (*strata_session_get_marked_time (session)));
  g_assert_cmpuint (marks, ==, 5);

  /* The renderer's own view of it: a layout and the collapsed groups. */
  strata_session_set_group_collapsed (session, header, TRUE);
  {
    g_autoptr(GArray) all = strata_layout_visible (layout, NULL);
    g_autoptr(GArray) some = strata_layout_visible (layout, strata_session_get_collapsed (session));

    g_assert_cmpuint (all->len, ==, n_shown);
    g_assert_cmpuint (some->len, ==, strata_session_get_shown (session)->len);
  }
}

static void
test_highlight (void)
{
  g_autoptr(StrataAnalysis) analysis = synth_many_machines (40);
  g_autoptr(StrataSession) session = strata_session_new (analysis);
  g_autoptr(StrataHighlight) one = strata_highlight_new ();
  g_autoptr(StrataHighlight) copy = NULL;
  g_autoptr(StrataHighlight) vcpus = strata_highlight_new ();
  const StrataHighlight *now;
  guint notifies = 0;

  g_assert_true (strata_highlight_is_empty (strata_session_get_highlight (session)));
  g_assert_true (strata_highlight_is_empty (NULL));
  g_assert_false (strata_highlight_dims_machine (strata_session_get_highlight (session), 35));

  /* Machine 35 of 40, alone: none of the others above 30 shares its highlight. */
  strata_highlight_add_machine (one, 35);
  g_signal_connect (session, "notify::highlight", G_CALLBACK (count_notify), &notifies);
  strata_session_set_highlight (session, one);
  copy = strata_highlight_copy (one);
  strata_session_set_highlight (session, copy);
  g_assert_cmpuint (notifies, ==, 1);
  now = strata_session_get_highlight (session);
  g_assert_true (now != one);
  g_assert_true (strata_highlight_equal (now, one));
  for (guint m = 0; m < 40; m++)
    {
      g_assert_cmpint (strata_highlight_has_machine (now, m), ==, m == 35);
      g_assert_cmpint (strata_highlight_dims_machine (now, m), ==, m != 35);
    }

  /* A pixel's machines: bit 31 of its mask stands for all of 31..39, so only its dominant
   * machine says whether it shows machine 35. */
  g_assert_true (strata_highlight_has_pixel (now, 1u << 31, 35));
  g_assert_false (strata_highlight_has_pixel (now, 1u << 31, 33));
  g_assert_false (strata_highlight_has_pixel (now, (1u << 31) | 1u, 0));
  strata_highlight_add_machine (copy, 2);
  g_assert_true (strata_highlight_has_pixel (copy, (1u << 31) | (1u << 2), 33));

  /* Some vCPUs of a machine: the machine counts, in part; the whole machine overrides. */
  strata_highlight_add_vcpu (vcpus, 39, 1);
  strata_highlight_add_vcpu (vcpus, 39, 40);
  g_assert_true (strata_highlight_has_machine (vcpus, 39));
  g_assert_true (strata_highlight_is_partial (vcpus, 39));
  g_assert_true (strata_highlight_has_vcpu (vcpus, 39, 1));
  g_assert_true (strata_highlight_has_vcpu (vcpus, 39, 40));
  g_assert_false (strata_highlight_has_vcpu (vcpus, 39, 0));
  g_assert_false (strata_highlight_has_vcpu (vcpus, 38, 1));
  g_clear_pointer (&copy, strata_highlight_free);
  copy = strata_highlight_copy (vcpus);
  g_assert_true (strata_highlight_equal (copy, vcpus));
  strata_highlight_add_vcpu (copy, 39, 2);
  g_assert_false (strata_highlight_equal (copy, vcpus));
  strata_highlight_add_machine (vcpus, 39);
  g_assert_false (strata_highlight_is_partial (vcpus, 39));
  g_assert_true (strata_highlight_has_vcpu (vcpus, 39, 7));

  /* NULL clears it. */
  strata_session_set_highlight (session, NULL);
  g_assert_true (strata_highlight_is_empty (strata_session_get_highlight (session)));
  g_assert_cmpuint (notifies, ==, 2);
}

static void
test_describe (void)
{
  g_autoptr(StrataAnalysis) analysis = make_analysis ();
  g_autoptr(StrataSession) session = strata_session_new (analysis);
  gint row = strata_store_find_row (analysis->store, "pcpu/0");
  gint64 begin = strata_session_get_document_time (session)->begin;
  g_autofree char *text = NULL;
  g_autofree char *pixel = NULL;

  /* In the user's words: the row's name, not its id; the process with its id. */
  g_assert_cmpint (row, >=, 0);
  text = strata_session_describe_at (session, row, begin + 2000);
  g_test_message ("%s", text);
  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, "CPU 0 of solo\n"));
  g_assert_nonnull (strstr (text, "State: User\n"));
  g_assert_nonnull (strstr (text, "Process: worker (42)\n"));
  g_assert_nonnull (strstr (text, "Duration: 4.000 µs"));
  g_assert_null (strstr (text, "pcpu/0"));
  g_assert_null (strata_session_describe_at (session, row, begin - 1));

  /* A pixel over one interval says nothing more; over the switch, its shares. */
  g_assert_null (strata_session_describe_span (session, row, begin + 1000, begin + 2000));
  pixel = strata_session_describe_span (session, row, begin + 2000, begin + 6000);
  g_test_message ("%s", pixel);
  g_assert_cmpstr (pixel, ==, "This pixel, 4.000 µs: 50% busy (User)");
}

/* A VM's vCPU and the host's CPUs: who preempted it, where it runs, whose guest time. */
static void
test_describe_vcpu (void)
{
  g_autoptr(StrataAnalysis) analysis = synth_host_with_vm ();
  g_autoptr(StrataSession) session = strata_session_new (analysis);
  gint vcpu = strata_store_find_row (analysis->store, "host/vm-500/vcpu/0");
  gint pcpu = strata_store_find_row (analysis->store, "pcpu/0");
  gint64 begin = SYNTH_BASE;
  g_autofree char *preempted = NULL;
  g_autofree char *running = NULL;
  g_autofree char *hypervisor = NULL;
  g_autofree char *guest = NULL;
  g_autofree char *host_exit = NULL;
  g_autofree char *label = NULL;
  StrataInterval iv;

  g_assert_cmpint (strata_session_get_document_time (session)->begin, ==, begin);
  preempted = strata_session_describe_at (session, vcpu, begin + 20000);
  g_test_message ("%s", preempted);
  g_assert_true (g_str_has_prefix (preempted, "vCPU 0 of host/vm-500\n"));
  g_assert_nonnull (strstr (preempted, "State: preempted by stress (600) on CPU 0\n"));
  g_assert_nonnull (strstr (preempted, "Host thread: qemu-system-x86 (500), thread CPU 0/KVM (501)\n"));

  running = strata_session_describe_at (session, vcpu, begin + 5000);
  g_test_message ("%s", running);
  g_assert_nonnull (strstr (running, "State: running on CPU 0\n"));

  /* In the hypervisor: the exit it is part of, by its reason, and its whole length (from the
   * exit at 10 µs to the entry at 32 µs, its preemption included). */
  hypervisor = strata_session_describe_at (session, vcpu, begin + 10500);
  g_test_message ("%s", hypervisor);
  g_assert_nonnull (strstr (hypervisor, "State: hypervisor, on CPU 0\n"));
  g_assert_nonnull (strstr (hypervisor, "Exit: EXTERNAL_INTERRUPT, 22.000 µs in all\n"));

  /* The host CPU, while the vCPU's thread handles the exit there, says which exit. */
  host_exit = strata_session_describe_at (session, pcpu, begin + 10500);
  g_test_message ("%s", host_exit);
  g_assert_nonnull (strstr (host_exit, "Exit of vCPU 0 of host/vm-500: EXTERNAL_INTERRUPT, 22.000 µs in all\n"));

  guest = strata_session_describe_at (session, pcpu, begin + 5000);
  g_test_message ("%s", guest);
  g_assert_true (g_str_has_prefix (guest, "CPU 0 of host\n"));
  g_assert_nonnull (strstr (guest, "State: guest mode of vCPU 0 of host/vm-500\n"));
  g_assert_nonnull (strstr (guest, "Host thread: qemu-system-x86 (500), thread CPU 0/KVM (501)\n"));
  /* Its host thread's name is the host's, found by its tid; a host thread has none. */
  g_assert_true (strata_store_lookup (analysis->store, pcpu, begin + 5000, &iv));
  g_assert_cmpint (iv.desc->host_tid, ==, 501);
  g_assert_cmpstr (strata_analysis_string (analysis, strata_analysis_host_thread_name (analysis, iv.desc)), ==,
                   "CPU 0/KVM");
  g_assert_true (strata_store_lookup (analysis->store, pcpu, begin + 20000, &iv));
  g_assert_cmpint (iv.desc->host_tid, ==, -1);
  g_assert_cmpuint (strata_analysis_host_thread_name (analysis, iv.desc), ==, 0);

  /* The labels drawn in those intervals say the same. */
  g_assert_true (strata_store_lookup (analysis->store, vcpu, begin + 20000, &iv));
  label = strata_describe_label (analysis, vcpu, &iv);
  g_assert_cmpstr (label, ==, "by stress (600)");
  g_clear_pointer (&label, g_free);
  g_assert_true (strata_store_lookup (analysis->store, pcpu, begin + 5000, &iv));
  label = strata_describe_label (analysis, pcpu, &iv);
  g_assert_cmpstr (label, ==, "vCPU 0 of host/vm-500");
}

/* A thread in a syscall and a CPU in an IRQ: the tooltips name the syscall and the IRQ. */
static const char *in_syscall_and_irq =
  "trace host hostname=solo cpus=2 offset_s=1000\n"
  "event 1000 0 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/0 next_tid=42 next_comm=worker\n"
  "event 2000 0 syscall_entry_openat filename=/etc/passwd\n"
  "event 3000 0 irq_handler_entry irq=23 name=ahci\n"
  "event 3500 0 irq_handler_exit irq=23 ret=1\n"
  "event 3500 0 irq_softirq_entry vec=1\n"
  "event 3800 0 irq_softirq_exit vec=1\n"
  "event 5000 0 syscall_exit_openat ret=3\n"
  "event 6000 0 syscall_entry_read fd=3\n"
  "event 7000 0 syscall_exit_read ret=0\n"
  /* A thread first met inside a syscall: its exit names the syscall it was in. */
  "event 1000 1 sched_switch prev_tid=0 prev_state=0 prev_comm=swapper/1 next_tid=43 next_comm=poller\n"
  "event 4000 1 syscall_exit_ppoll ret=1\n"
  "event 8000 1 irq_handler_entry irq=288 name=\"arch_timer\"\n"
  "event 8200 1 irq_handler_exit irq=288 ret=1\n"
  "event 9000 1 sched_switch prev_tid=43 prev_state=1 prev_comm=poller next_tid=0 next_comm=swapper/1\n";

static char *
describe_row_at (StrataSession *session,
                 const char    *row_name,
                 gint64         offset)
{
  StrataAnalysis *analysis = strata_session_get_analysis (session);
  gint row = strata_store_find_row (analysis->store, row_name);
  char *text;

  g_assert_cmpint (row, >=, 0);
  text = strata_session_describe_at (session, row, G_GINT64_CONSTANT (1000000000000) + offset);
  g_assert_nonnull (text);
  g_test_message ("%s at %" G_GINT64_FORMAT ":\n%s", row_name, offset, text);
  return text;
}

static void
test_describe_syscall_irq (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load_string (in_syscall_and_irq, "test", NULL, &error);
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(StrataSession) session = NULL;
  g_autofree char *cpu_syscall = NULL;
  g_autofree char *cpu_irq = NULL;
  g_autofree char *cpu_softirq = NULL;
  g_autofree char *cpu_user = NULL;
  g_autofree char *thread_syscall = NULL;
  g_autofree char *thread_read = NULL;
  g_autofree char *thread_interrupted = NULL;
  g_autofree char *settled = NULL;
  g_autofree char *thread_settled = NULL;
  g_autofree char *big_irq = NULL;
  g_autofree char *softirq_row = NULL;
  g_autofree char *label = NULL;
  StrataInterval iv;
  gint row;

  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  session = strata_session_new (analysis);

  cpu_syscall = describe_row_at (session, "pcpu/0", 2500);
  g_assert_nonnull (strstr (cpu_syscall, "State: System call\nSystem call: openat\nProcess: worker (42)\n"));
  cpu_irq = describe_row_at (session, "pcpu/0", 3200);
  g_assert_nonnull (strstr (cpu_irq, "State: IRQ\nInterrupt: IRQ 23 (ahci)\nProcess: worker (42)\n"));
  cpu_softirq = describe_row_at (session, "pcpu/0", 3600);
  g_assert_nonnull (strstr (cpu_softirq, "State: Soft IRQ\nInterrupt: soft IRQ 1 (TIMER)\n"));
  /* Back in the same syscall after the handlers; then user space, then another syscall. */
  g_free (cpu_syscall);
  cpu_syscall = describe_row_at (session, "pcpu/0", 4000);
  g_assert_nonnull (strstr (cpu_syscall, "System call: openat\n"));
  cpu_user = describe_row_at (session, "pcpu/0", 5500);
  g_assert_nonnull (strstr (cpu_user, "State: User\n"));
  g_assert_null (strstr (cpu_user, "System call:"));
  g_assert_null (strstr (cpu_user, "Interrupt:"));

  thread_syscall = describe_row_at (session, "solo/thread/42", 2500);
  g_assert_nonnull (strstr (thread_syscall, "State: System call\nSystem call: openat\n"));
  thread_interrupted = describe_row_at (session, "solo/thread/42", 3200);
  g_assert_nonnull (strstr (thread_interrupted, "State: Interrupted\n"));
  thread_read = describe_row_at (session, "solo/thread/42", 6500);
  g_assert_nonnull (strstr (thread_read, "System call: read\n"));
  /* The syscall changed, so the interval did: it starts at the entry of read. */
  row = strata_store_find_row (analysis->store, "solo/thread/42");
  g_assert_true (strata_store_lookup (analysis->store, row, G_GINT64_CONSTANT (1000000000000) + 6500, &iv));
  g_assert_cmpint (iv.start - G_GINT64_CONSTANT (1000000000000), ==, 6000);
  g_assert_cmpint (iv.end - G_GINT64_CONSTANT (1000000000000), ==, 7000);

  settled = describe_row_at (session, "pcpu/1", 2000);
  g_assert_nonnull (strstr (settled, "State: System call\nSystem call: ppoll\nProcess: poller (43)\n"));
  thread_settled = describe_row_at (session, "solo/thread/43", 2000);
  g_assert_nonnull (strstr (thread_settled, "System call: ppoll\n"));
  big_irq = describe_row_at (session, "pcpu/1", 8100);
  g_assert_nonnull (strstr (big_irq, "Interrupt: IRQ 288 (arch_timer)\n"));

  /* A soft IRQ row names its vector. */
  softirq_row = describe_row_at (session, "softirq/1/cpu/0", 3600);
  g_assert_nonnull (strstr (softirq_row, "State: Soft IRQ\nHandler: TIMER\n"));
  label = strata_layout_row_label (analysis, strata_store_find_row (analysis->store, "softirq/1/cpu/0"));
  g_assert_cmpstr (label, ==, "Soft IRQ 1 (TIMER), CPU 0");
  g_assert_cmpstr (strata_softirq_vector_name (9), ==, "RCU");
  g_assert_null (strata_softirq_vector_name (10));
  g_assert_null (strata_softirq_vector_name (-1));
}

static void
test_ticks (void)
{
  g_autofree char *s = NULL;
  g_autofree char *ms = NULL;
  g_autofree char *us = NULL;
  g_autofree char *ns = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t = G_GINT64_CONSTANT (1442503925997720125);
  gint64 v = 0;
  /* Past int64, written or from the start: not a time, rather than the largest one. */
  const struct { const char *text; gint64 origin; } invalid[] = {
    { "+1.5", 0 }, { "soon", 0 }, { "99999999999999999999", 0 }, { "-99999999999999999999", 0 },
    { "+9000000000s", t },
  };

  g_assert_cmpint (strata_time_tick_step (G_GINT64_CONSTANT (10000000000), 1000, 100), ==, 1000000000);
  g_assert_cmpint (strata_time_tick_step (1000, 1000, 100), ==, 100);
  g_assert_cmpint (strata_time_tick_step (30, 1000, 100), ==, 5);
  s = strata_time_format_tick (t, 1000000000);
  ms = strata_time_format_tick (t, 250000000);
  us = strata_time_format_tick (t, 20000);
  ns = strata_time_format_tick (t, 5);
  g_assert_cmpstr (s, ==, "15:32:05");
  g_assert_cmpstr (ms, ==, "15:32:05.997");
  g_assert_cmpstr (us, ==, "15:32:05.997720");
  g_assert_cmpstr (ns, ==, "15:32:05.997720125");

  g_assert_true (strata_time_parse ("+1.5s", 100, &v, NULL));
  g_assert_cmpint (v, ==, 1500000100);
  g_assert_true (strata_time_parse ("+250ms", 0, &v, NULL));
  g_assert_cmpint (v, ==, 250000000);
  g_assert_true (strata_time_parse ("+40us", 0, &v, NULL));
  g_assert_cmpint (v, ==, 40000);
  g_assert_true (strata_time_parse ("+100ns", 0, &v, NULL));
  g_assert_cmpint (v, ==, 100);
  g_assert_true (strata_time_parse ("1442503925997720125", 0, &v, NULL));
  g_assert_cmpint (v, ==, t);
  g_assert_true (strata_time_parse ("+0", 100, &v, NULL));
  g_assert_cmpint (v, ==, 100);
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_assert_false (strata_time_parse (invalid[i].text, invalid[i].origin, &v, &error));
      g_assert_error (error, STRATA_TIME_ERROR, STRATA_TIME_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_true (strata_time_parse ("+9000000000s", 0, &v, NULL));
  g_assert_cmpint (v, ==, G_GINT64_CONSTANT (9000000000) * 1000000000);
}

static void
test_parse_clock (void)
{
  /* 2015-09-17 15:26:40.000150742 UTC, the demo set's start. */
  const gint64 origin = G_GINT64_CONSTANT (1442503600000150742);
  static const struct {
    const char *text;
    gint64      ns;          /* 0: rejected */
  } cases[] = {
    { "15:26:40", G_GINT64_CONSTANT (1442503600000000000) },
    { "15:26:40.004022594", G_GINT64_CONSTANT (1442503600004022594) },
    { " 15:26:41.5 ", G_GINT64_CONSTANT (1442503601500000000) },
    { "15:26:40.000000001", G_GINT64_CONSTANT (1442503600000000001) },
    /* More than 12 hours before the origin: the next day. */
    { "00:00:01", G_GINT64_CONSTANT (1442534401000000000) },
    { "03:26:41", G_GINT64_CONSTANT (1442460401000000000) },
    { "2015-09-18 00:00:01.25", G_GINT64_CONSTANT (1442534401250000000) },
    { "2015-09-17T15:26:40.123", G_GINT64_CONSTANT (1442503600123000000) },
    { "15:26", 0 },
    { "15:26:40.", 0 },
    { "15:26:40.1234567890", 0 },
    { "24:00:00", 0 },
    { "15:61:00", 0 },
    { "15:26:40s", 0 },
    { "2015-13-01 00:00:00", 0 },
    { "+1.5s", 0 },
    { "", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 v = -1;
      gboolean ok = strata_time_parse_clock (cases[i].text, origin, &v, &error);

      g_test_message ("%s", cases[i].text);
      if (cases[i].ns == 0)
        {
          g_assert_false (ok);
          g_assert_error (error, STRATA_TIME_ERROR, STRATA_TIME_ERROR_INVALID);
          g_assert_cmpint (v, ==, -1);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpint (v, ==, cases[i].ns);
        }
    }

  /* What the ruler shows parses back to the same instant. */
  {
    g_autofree char *label = strata_time_format_tick (origin, 1);
    gint64 v = 0;

    g_assert_true (strata_time_parse_clock (label, origin, &v, NULL));
    g_assert_cmpint (v, ==, origin);
  }
}

static void
test_durations (void)
{
  static const struct { gint64 ns; const char *text; } cases[] = {
    { 999, "999 ns" },
    { 1500, "1.500 µs" },
    { G_GINT64_CONSTANT (59999000000), "59.999 s" },
    { G_GINT64_CONSTANT (60000000000), "1 min 00.000 s" },
    { G_GINT64_CONSTANT (125500000000), "2 min 05.500 s" },
    { G_GINT64_CONSTANT (59999600000), "1 min 00.000 s" },
    { G_GINT64_CONSTANT (3599999999999), "1 h 00 min 00 s" },
    { G_GINT64_CONSTANT (5400000000000), "1 h 30 min 00 s" },
    { -G_GINT64_CONSTANT (90061000000000), "-25 h 01 min 01 s" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = strata_time_format_duration (cases[i].ns);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/durations", test_durations);
  g_test_add_func ("/session/zoom-pan", test_zoom_pan);
  g_test_add_func ("/session/time-span", test_time_span);
  g_test_add_func ("/session/selection", test_selection);
  g_test_add_func ("/session/rows-state", test_rows_state);
  g_test_add_func ("/session/highlight", test_highlight);
  g_test_add_func ("/session/describe", test_describe);
  g_test_add_func ("/session/describe-vcpu", test_describe_vcpu);
  g_test_add_func ("/session/describe-syscall-irq", test_describe_syscall_irq);
  g_test_add_func ("/session/ticks", test_ticks);
  g_test_add_func ("/session/parse-clock", test_parse_clock);
  return g_test_run ();
}
