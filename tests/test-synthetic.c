/* test-synthetic.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "test-synthetic.h"

StrataTrace *
synth_trace (StrataSet  *set,
             const char *hostname,
             gboolean    kvm)
{
  g_autofree char *path = g_strdup_printf ("/nowhere/%s", hostname);
  StrataTrace *trace = strata_set_add_trace (set, path);

  trace->hostname = g_strdup (hostname);
  trace->domain = g_strdup ("kernel");
  trace->has_kvm = kvm;
  return trace;
}

static void
add (StrataSet   *set,
     StrataTrace *trace,
     StrataEvent *ev)
{
  g_autofree char *name = g_strdup_printf ("cpu%u", ev->cpu);
  StrataStream *stream = NULL;

  for (guint s = 0; s < trace->streams->len && stream == NULL; s++)
    if (((StrataStream *) g_ptr_array_index (trace->streams, s))->cpu == ev->cpu)
      stream = g_ptr_array_index (trace->streams, s);
  if (stream == NULL)
    {
      stream = strata_trace_add_stream (trace, name);
      stream->cpu = ev->cpu;
    }
  ev->ts += SYNTH_BASE;
  strata_event_buffer_append (stream->buffer, ev);
  stream->events++;
}

static gint64
intern (StrataSet  *set,
        const char *text)
{
  return text != NULL ? strata_strtab_intern (set->strings, text) : 0;
}

void
synth_switch (StrataSet   *set,
              StrataTrace *trace,
              guint        cpu,
              gint64       ts,
              gint         prev_tid,
              gint         prev_state,
              const char  *prev_comm,
              gint         next_tid,
              const char  *next_comm)
{
  StrataEvent ev = { .ts = ts, .cpu = cpu, .kind = STRATA_EV_SCHED_SWITCH };

  ev.f[STRATA_F_SWITCH_PREV_TID] = prev_tid;
  ev.f[STRATA_F_SWITCH_PREV_STATE] = prev_state;
  ev.f[STRATA_F_SWITCH_PREV_COMM] = intern (set, prev_comm);
  ev.f[STRATA_F_SWITCH_NEXT_TID] = next_tid;
  ev.f[STRATA_F_SWITCH_NEXT_COMM] = intern (set, next_comm);
  add (set, trace, &ev);
}

void
synth_statedump (StrataSet   *set,
                 StrataTrace *trace,
                 gint64       ts,
                 gint         tid,
                 gint         pid,
                 const char  *name)
{
  StrataEvent ev = { .ts = ts, .cpu = 0, .kind = STRATA_EV_STATEDUMP_PROCESS };

  ev.f[STRATA_F_SD_TID] = tid;
  ev.f[STRATA_F_SD_PID] = pid;
  ev.f[STRATA_F_SD_PPID] = 1;
  ev.f[STRATA_F_SD_VTID] = tid;
  ev.f[STRATA_F_SD_VPID] = pid;
  ev.f[STRATA_F_SD_STATUS] = 5;      /* WAIT_CPU: no claim on a CPU */
  ev.f[STRATA_F_SD_NAME] = intern (set, name);
  add (set, trace, &ev);
}

void
synth_kvm (StrataSet   *set,
           StrataTrace *trace,
           guint        cpu,
           gint64       ts,
           gboolean     entry,
           gint         vcpu_id,
           gint         exit_reason)
{
  StrataEvent ev = { .ts = ts, .cpu = cpu, .kind = entry ? STRATA_EV_KVM_ENTRY : STRATA_EV_KVM_EXIT };

  ev.f[STRATA_F_KVM_VCPU_ID] = vcpu_id;
  if (!entry)
    ev.f[STRATA_F_KVM_EXIT_REASON] = exit_reason;
  add (set, trace, &ev);
}

StrataAnalysis *
synth_analyse (StrataSet *set)
{
  g_autoptr(GError) error = NULL;
  StrataAnalysis *analysis;

  strata_set_finish (set);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (analysis);
  return analysis;
}

StrataAnalysis *
synth_host_with_vm (void)
{
  g_autoptr(StrataSet) set = strata_set_new ();
  StrataTrace *host = synth_trace (set, "host", TRUE);

  synth_statedump (set, host, 0, 500, 500, "qemu-system-x86");
  synth_statedump (set, host, 0, 501, 500, "CPU 0/KVM");
  synth_statedump (set, host, 0, 502, 500, "CPU 1/KVM");
  synth_statedump (set, host, 0, 600, 600, "stress");
  synth_switch (set, host, 0, 1000, 0, 0, "swapper/0", 501, "CPU 0/KVM");
  synth_kvm (set, host, 0, 2000, TRUE, 0, 0);
  synth_kvm (set, host, 0, 10000, FALSE, 0, 1);
  synth_switch (set, host, 0, 11000, 501, 0, "CPU 0/KVM", 600, "stress");
  synth_switch (set, host, 0, 31000, 600, 1, "stress", 501, "CPU 0/KVM");
  synth_kvm (set, host, 0, 32000, TRUE, 0, 0);
  synth_kvm (set, host, 0, 40000, FALSE, 0, 1);
  synth_switch (set, host, 1, 1000, 0, 0, "swapper/1", 502, "CPU 1/KVM");
  synth_kvm (set, host, 1, 2000, TRUE, 1, 0);
  synth_kvm (set, host, 1, 40000, FALSE, 1, 1);
  return synth_analyse (set);
}

StrataAnalysis *
synth_many_machines (guint n)
{
  g_autoptr(StrataSet) set = strata_set_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("m%02u", i);
      StrataTrace *trace = synth_trace (set, name, FALSE);
      StrataEvent end = { .ts = 10000, .cpu = 0, .kind = STRATA_EV_IRQ_ENTRY };

      synth_switch (set, trace, 0, 1000, 0, 0, "swapper/0", 100 + i, "worker");
      synth_switch (set, trace, 0, 9000, 100 + i, 1, "worker", 0, "swapper/0");
      add (set, trace, &end);
    }
  return synth_analyse (set);
}
