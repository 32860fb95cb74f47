/* test-roundtrip.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "strata-analysis.h"
#include "strata-ctf-writer.h"
#include "strata-scenario.h"
#include "strata-set-writer.h"
#include "strata-trace-loader.h"
#include "test-util.h"

/*
 * Every event kind, written by our CTF writer with random field values, in both LTTng
 * naming generations, read back through libbabeltrace2: the same events must come out.
 * Where an older generation has no field for a slot, the reader's documented default is
 * what must come back. StrataSetWriter, given the same events, must make the very set that
 * reading them back gives; and scenarios loaded in memory (as the unit tests load them) must
 * give the same sets and analyses as their CTF traces read back.
 */

#define N_EVENTS 6000
#define OFFSET_S 1700000000

static gboolean
slot_written (StrataEventKind kind,
              guint           slot,
              gboolean        legacy)
{
  if (!legacy)
    return TRUE;
  switch (kind)
    {
    case STRATA_EV_PROCESS_FORK:
      return slot != STRATA_F_FORK_PARENT_NS_INUM && slot != STRATA_F_FORK_CHILD_NS_INUM &&
             slot != STRATA_F_FORK_CHILD_VTID;
    case STRATA_EV_STATEDUMP_PROCESS:
      return slot != STRATA_F_SD_NS_INUM && slot != STRATA_F_SD_CPU;
    case STRATA_EV_KVM_EXIT:
      return slot != STRATA_F_KVM_VCPU_ID;
    case STRATA_EV_SYSCALL_EXIT:
      return slot != STRATA_F_SYSCALL_NAME;
    default:
      return TRUE;
    }
}

static char *
random_text (GRand *rand,
             guint  max_len)
{
  static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789-_/:. ";
  guint len = g_rand_int_range (rand, 1, max_len + 1);
  char *s = g_malloc (len + 1);

  for (guint i = 0; i < len; i++)
    s[i] = chars[g_rand_int_range (rand, 0, sizeof chars - 1)];
  s[len] = '\0';
  return s;
}

/* A value that fits the narrowest type the writer uses for @slot of @kind. */
static gint64
random_value (GRand           *rand,
              StrataEventKind  kind,
              guint            slot)
{
  switch (kind)
    {
    case STRATA_EV_SYSCALL_EXIT:
      return g_rand_int_range (rand, -4095, 1 << 30);   /* ret: int64, errors are negative */
    case STRATA_EV_IRQ_EXIT:
      if (slot == STRATA_F_IRQX_RET)
        return g_rand_int_range (rand, -2, 3);
      break;
    case STRATA_EV_SCHED_SWITCH:
      if (slot == STRATA_F_SWITCH_PREV_STATE)
        return g_rand_boolean (rand) ? 0 : (1 << g_rand_int_range (rand, 0, 12));
      break;
    case STRATA_EV_KVM_EXIT:
      if (slot == STRATA_F_KVM_GUEST_RIP)
        /* Added as unsigned: the signed sum overflows (UBSan). */
        return (gint64) ((G_GUINT64_CONSTANT (0xffffffff81000000) >> 1) + g_rand_int (rand));
      break;
    case STRATA_EV_VMSYNC_GH_GUEST:
    case STRATA_EV_VMSYNC_HG_GUEST:
    case STRATA_EV_VMSYNC_GH_HOST:
    case STRATA_EV_VMSYNC_HG_HOST:
      if (slot == STRATA_F_VMSYNC_VM_UID)
        return G_GINT64_CONSTANT (0x5e5e000000000000) + g_rand_int (rand);
      return g_rand_int (rand);
    case STRATA_EV_NET_SEND:
    case STRATA_EV_NET_RECV:
      if (slot == STRATA_F_NET_SEQ || slot == STRATA_F_NET_ACK_SEQ)
        return g_rand_int (rand);
      return g_rand_int_range (rand, 0, 0x10000);
    default:
      break;
    }
  return g_rand_int_range (rand, 1, 1 << 22);
}

static StrataEvent
random_event (GRand        *rand,
              StrataStrtab *strings,
              gint64        ts,
              guint         n_cpus)
{
  StrataEvent ev = { 0 };
  const StrataEventKindInfo *info;

  ev.ts = ts;
  ev.cpu = g_rand_int_range (rand, 0, n_cpus);
  ev.kind = g_rand_int_range (rand, 1, STRATA_EV_N_KINDS);
  info = strata_event_kind_info (ev.kind);
  for (guint slot = 0; slot < info->n_fields; slot++)
    {
      if (strata_event_field_is_string (ev.kind, slot))
        {
          /* Task names are 16-byte arrays in LTTng: at most 15 characters. */
          gboolean comm = ev.kind != STRATA_EV_PROCESS_EXEC && ev.kind != STRATA_EV_IRQ_ENTRY &&
                          ev.kind != STRATA_EV_SYSCALL_ENTRY && ev.kind != STRATA_EV_SYSCALL_EXIT;
          g_autofree char *text = random_text (rand, comm ? 15 : 40);

          if (ev.kind == STRATA_EV_SYSCALL_ENTRY || ev.kind == STRATA_EV_SYSCALL_EXIT)
            {
              static const char *names[] = { "read", "write", "openat", "futex", "ioctl" };

              ev.f[slot] = strata_strtab_intern (strings, names[g_rand_int_range (rand, 0, 5)]);
            }
          else
            ev.f[slot] = strata_strtab_intern (strings, text);
        }
      else
        ev.f[slot] = random_value (rand, ev.kind, slot);
    }
  if (ev.kind == STRATA_EV_SYSCALL_ENTRY)
    ev.f[STRATA_F_SYSCALL_RET] = 0;
  return ev;
}

/* What the reader gives back for a slot the writer had no field for. */
static gint64
expected_default (const StrataEvent *ev,
                  guint              slot)
{
  if (ev->kind == STRATA_EV_KVM_EXIT && slot == STRATA_F_KVM_VCPU_ID)
    return -1;
  if (ev->kind == STRATA_EV_PROCESS_FORK && slot == STRATA_F_FORK_CHILD_VTID)
    return ev->f[STRATA_F_FORK_CHILD_TID];
  if (ev->kind == STRATA_EV_STATEDUMP_PROCESS && slot == STRATA_F_SD_CPU)
    return -1;
  return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The same set, the same analysis: every field compared, strings by text (the two sets intern
 * them in different orders). */

static void
assert_same_events (StrataSet         *a,
                    const StrataEvent *ea,
                    StrataSet         *b,
                    const StrataEvent *eb)
{
  const StrataEventKindInfo *info = strata_event_kind_info (ea->kind);

  g_assert_cmpint (ea->ts, ==, eb->ts);
  g_assert_cmpuint (ea->cpu, ==, eb->cpu);
  g_assert_cmpuint (ea->kind, ==, eb->kind);
  g_assert_cmpuint (ea->reserved, ==, eb->reserved);
  for (guint slot = 0; slot < STRATA_EVENT_MAX_FIELDS; slot++)
    if (slot < info->n_fields && strata_event_field_is_string (ea->kind, slot))
      g_assert_cmpstr (strata_strtab_get (a->strings, ea->f[slot]), ==,
                       strata_strtab_get (b->strings, eb->f[slot]));
    else if (ea->f[slot] != eb->f[slot])
      g_error ("%s at %" G_GINT64_FORMAT " slot %u: %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
               info->name, ea->ts, slot, ea->f[slot], eb->f[slot]);
}

static void
assert_same_sets (StrataSet *a,
                  StrataSet *b)
{
  g_assert_cmpuint (a->traces->len, ==, b->traces->len);
  g_assert_cmpuint (a->errors->len, ==, b->errors->len);
  g_assert_cmpint (a->begin_ns, ==, b->begin_ns);
  g_assert_cmpint (a->end_ns, ==, b->end_ns);
  for (guint t = 0; t < a->traces->len; t++)
    {
      StrataTrace *ta = g_ptr_array_index (a->traces, t);
      StrataTrace *tb = g_ptr_array_index (b->traces, t);

      g_assert_cmpstr (ta->path, ==, tb->path);
      g_assert_cmpstr (ta->machine, ==, tb->machine);
      g_assert_cmpstr (ta->hostname, ==, tb->hostname);
      g_assert_cmpstr (ta->domain, ==, tb->domain);
      g_assert_cmpstr (ta->tracer, ==, tb->tracer);
      g_assert_cmpstr (ta->kernel_release, ==, tb->kernel_release);
      g_assert_cmpstr (ta->clock_uuid, ==, tb->clock_uuid);
      g_assert_cmpuint (ta->errors->len, ==, tb->errors->len);
      g_assert_cmpuint (ta->events, ==, tb->events);
      g_assert_cmpuint (ta->discarded, ==, tb->discarded);
      g_assert_cmpint (ta->begin_ns, ==, tb->begin_ns);
      g_assert_cmpint (ta->end_ns, ==, tb->end_ns);
      g_assert_cmpuint (ta->n_cpus, ==, tb->n_cpus);
      g_assert_cmpint (ta->has_kvm, ==, tb->has_kvm);
      g_assert_cmpint (ta->failed, ==, tb->failed);
      g_assert_cmpuint (ta->streams->len, ==, tb->streams->len);
      for (guint s = 0; s < ta->streams->len; s++)
        {
          StrataStream *sa = g_ptr_array_index (ta->streams, s);
          StrataStream *sb = g_ptr_array_index (tb->streams, s);
          StrataEventCursor ca, cb;
          StrataEvent ea, eb;

          g_assert_cmpstr (sa->name, ==, sb->name);
          g_assert_cmpuint (sa->cpu, ==, sb->cpu);
          g_assert_cmpuint (sa->events, ==, sb->events);
          g_assert_cmpuint (sa->discarded, ==, sb->discarded);
          g_assert_cmpint (sa->begin_ns, ==, sb->begin_ns);
          g_assert_cmpint (sa->end_ns, ==, sb->end_ns);
          /* Where events were lost, which tells the analysis what it cannot know. */
          g_assert_cmpuint (sa->losses->len, ==, sb->losses->len);
          for (guint l = 0; l < sa->losses->len; l++)
            {
              const StrataLoss *la = &g_array_index (sa->losses, StrataLoss, l);
              const StrataLoss *lb = &g_array_index (sb->losses, StrataLoss, l);

              g_test_message ("%s: loss %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT " (%" G_GUINT64_FORMAT "), "
                              "%" G_GINT64_FORMAT "..%" G_GINT64_FORMAT " (%" G_GUINT64_FORMAT ")", sa->name,
                              la->begin_ns, la->end_ns, la->count, lb->begin_ns, lb->end_ns, lb->count);
              g_assert_cmpint (la->begin_ns, ==, lb->begin_ns);
              g_assert_cmpint (la->end_ns, ==, lb->end_ns);
              g_assert_cmpuint (la->count, ==, lb->count);
            }
          g_assert_cmpuint (strata_event_buffer_count (sa->buffer), ==,
                            strata_event_buffer_count (sb->buffer));
          strata_event_cursor_init (&ca, sa->buffer);
          strata_event_cursor_init (&cb, sb->buffer);
          while (strata_event_cursor_next (&ca, &ea))
            {
              g_assert_true (strata_event_cursor_next (&cb, &eb));
              assert_same_events (a, &ea, b, &eb);
            }
          g_assert_false (strata_event_cursor_next (&cb, &eb));
        }
    }
}

static const char *
machine_name (StrataAnalysis *analysis,
              guint           machine)
{
  if (machine == STRATA_NO_MACHINE)
    return NULL;
  return ((StrataMachine *) g_ptr_array_index (analysis->machines, machine))->name;
}

static void
assert_same_analyses (StrataAnalysis *a,
                      StrataAnalysis *b)
{
  StrataStore *sa = a->store, *sb = b->store;

  g_assert_cmpint (a->host, ==, b->host);
  g_assert_cmpint (a->primary, ==, b->primary);
  g_assert_cmpuint (a->warnings->len, ==, b->warnings->len);
  for (guint i = 0; i < a->warnings->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a->warnings, i), ==, g_ptr_array_index (b->warnings, i));

  g_assert_cmpuint (a->machines->len, ==, b->machines->len);
  for (guint m = 0; m < a->machines->len; m++)
    {
      StrataMachine *ma = g_ptr_array_index (a->machines, m);
      StrataMachine *mb = g_ptr_array_index (b->machines, m);

      g_assert_cmpstr (ma->name, ==, mb->name);
      g_assert_cmpint (ma->role, ==, mb->role);
      g_assert_cmpint (ma->parent, ==, mb->parent);
      g_assert_cmpuint (ma->n_cpus, ==, mb->n_cpus);
      g_assert_cmpint (ma->vm_pid, ==, mb->vm_pid);
      g_assert_cmpuint (ma->vcpus->len, ==, mb->vcpus->len);
      g_assert_cmpmem (ma->vcpus->data, ma->vcpus->len * sizeof (StrataVcpu),
                       mb->vcpus->data, mb->vcpus->len * sizeof (StrataVcpu));
      g_assert_cmpint (ma->sync_method, ==, mb->sync_method);
      g_assert_cmpint (ma->sync_reference, ==, mb->sync_reference);
      g_assert_cmpint (ma->sync.quality, ==, mb->sync.quality);
      g_assert_cmpuint (ma->sync.matches, ==, mb->sync.matches);
      g_assert_cmpfloat (ma->sync.alpha, ==, mb->sync.alpha);
      g_assert_true (ma->sync.beta_ns == mb->sync.beta_ns);
      g_assert_cmpfloat (ma->sync.accuracy_ns, ==, mb->sync.accuracy_ns);
      g_assert_cmpuint (ma->outside_guest_mode, ==, mb->outside_guest_mode);
      g_assert_cmpuint (ma->threads->len, ==, mb->threads->len);
      for (guint i = 0; i < ma->threads->len; i++)
        {
          StrataThreadInfo *ia = &g_array_index (ma->threads, StrataThreadInfo, i);
          StrataThreadInfo *ib = &g_array_index (mb->threads, StrataThreadInfo, i);

          g_assert_cmpint (ia->tid, ==, ib->tid);
          g_assert_cmpint (ia->pid, ==, ib->pid);
          g_assert_cmpint (ia->ppid, ==, ib->ppid);
          g_assert_cmpint (ia->vtid, ==, ib->vtid);
          g_assert_cmpint (ia->vpid, ==, ib->vpid);
          g_assert_cmpint (ia->ns_inum, ==, ib->ns_inum);
          g_assert_cmpstr (strata_analysis_string (a, ia->name), ==,
                           strata_analysis_string (b, ib->name));
        }
    }

  /* Every row, every interval. */
  g_assert_cmpint (strata_store_begin (sa), ==, strata_store_begin (sb));
  g_assert_cmpint (strata_store_end (sa), ==, strata_store_end (sb));
  g_assert_cmpuint (strata_store_n_rows (sa), ==, strata_store_n_rows (sb));
  for (guint r = 0; r < strata_store_n_rows (sa); r++)
    {
      guint64 n = strata_store_row_n_intervals (sa, r);

      g_assert_cmpstr (strata_store_row_name (sa, r), ==, strata_store_row_name (sb, r));
      g_assert_cmpuint (n, ==, strata_store_row_n_intervals (sb, r));
      for (guint64 i = 0; i < n; i++)
        {
          StrataInterval ia, ib;

          strata_store_interval (sa, r, i, &ia);
          strata_store_interval (sb, r, i, &ib);
          g_assert_cmpint (ia.start, ==, ib.start);
          g_assert_cmpint (ia.end, ==, ib.end);
          g_assert_cmpuint (ia.desc->state, ==, ib.desc->state);
          g_assert_cmpuint (ia.desc->machine, ==, ib.desc->machine);
          g_assert_cmpint (ia.desc->vcpu, ==, ib.desc->vcpu);
          g_assert_cmpint (ia.desc->tid, ==, ib.desc->tid);
          g_assert_cmpint (ia.desc->host_tid, ==, ib.desc->host_tid);
          g_assert_cmpstr (strata_analysis_string (a, ia.desc->comm), ==,
                           strata_analysis_string (b, ib.desc->comm));
          g_assert_cmpstr (strata_analysis_string (a, strata_analysis_host_thread_name (a, ia.desc)), ==,
                           strata_analysis_string (b, strata_analysis_host_thread_name (b, ib.desc)));
        }
    }

  /* Every preemption and wake-up wait, with its causes. */
  g_assert_cmpuint (a->preemptions->len, ==, b->preemptions->len);
  for (guint i = 0; i < a->preemptions->len; i++)
    {
      StrataPreemption *pa = &g_array_index (a->preemptions, StrataPreemption, i);
      StrataPreemption *pb = &g_array_index (b->preemptions, StrataPreemption, i);

      g_assert_cmpuint (pa->machine, ==, pb->machine);
      g_assert_cmpint (pa->vcpu, ==, pb->vcpu);
      g_assert_cmpint (pa->start, ==, pb->start);
      g_assert_cmpint (pa->end, ==, pb->end);
      g_assert_cmpint (pa->pcpu, ==, pb->pcpu);
      g_assert_cmpuint (pa->by->len, ==, pb->by->len);
      for (guint c = 0; c < pa->by->len; c++)
        {
          StrataPreemptionCause *ca = &g_array_index (pa->by, StrataPreemptionCause, c);
          StrataPreemptionCause *cb = &g_array_index (pb->by, StrataPreemptionCause, c);

          g_assert_cmpstr (machine_name (a, ca->machine), ==, machine_name (b, cb->machine));
          g_assert_cmpint (ca->tid, ==, cb->tid);
          g_assert_cmpstr (strata_analysis_string (a, ca->comm), ==,
                           strata_analysis_string (b, cb->comm));
          g_assert_cmpint (ca->vcpu, ==, cb->vcpu);
          g_assert_cmpint (ca->ns, ==, cb->ns);
          g_assert_cmpint (ca->has_exit, ==, cb->has_exit);
          g_assert_cmpint (ca->exit_isa, ==, cb->exit_isa);
          g_assert_cmpint (ca->exit_code, ==, cb->exit_code);
        }
    }
}

static void
round_trip (gconstpointer data)
{
  gboolean legacy = GPOINTER_TO_INT (data);
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (legacy ? 11 : 7);
  g_autoptr(GArray) written = g_array_new (FALSE, FALSE, sizeof (StrataEvent));
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("strata-roundtrip-XXXXXX", NULL);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  StrataCtfWriterOptions options = { 0 };
  g_autoptr(StrataCtfWriter) writer = NULL;
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(StrataSet) in_memory = strata_set_new ();
  g_autoptr(StrataSetWriter) set_writer = NULL;
  g_autoptr(StrataEventMerge) merge = NULL;
  const char *paths[] = { dir, NULL };
  guint seen[STRATA_EV_N_KINDS] = { 0 };
  StrataEvent ev;
  gint64 ts = (gint64) OFFSET_S * 1000000000 + 1000;
  guint n = 0;

  options.hostname = "roundtrip";
  options.n_cpus = 4;
  options.offset_s = OFFSET_S;
  options.legacy_naming = legacy;
  options.packet_size = 4096;    /* many packets, so events cross packet boundaries */
  writer = strata_ctf_writer_new (dir, &options, strings, &error);
  g_assert_no_error (error);
  /* The folder is its own trace: strata_trace_load() names it as given. */
  set_writer = strata_set_writer_new (in_memory, dir, &options, strings, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_EVENTS; i++)
    {
      ts += g_rand_int_range (rand, 1, 100000);
      ev = random_event (rand, strings, ts, options.n_cpus);
      g_assert_true (strata_ctf_writer_add (writer, &ev, &error));
      g_assert_no_error (error);
      g_assert_true (strata_set_writer_add (set_writer, &ev, &error));
      g_assert_no_error (error);
      g_array_append_val (written, ev);
      /* Now and then a full ring buffer. */
      if (i % 700 == 350)
        {
          guint cpu = g_rand_int_range (rand, 0, options.n_cpus);
          guint64 count = g_rand_int_range (rand, 1, 5000);

          g_assert_true (strata_ctf_writer_discard (writer, cpu, count, ts, &error));
          g_assert_true (strata_set_writer_discard (set_writer, cpu, count, ts, &error));
          g_assert_no_error (error);
        }
    }
  g_assert_true (strata_ctf_writer_close (writer, &error));
  g_assert_no_error (error);

  set = strata_trace_load (paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->errors->len, ==, 0);
  g_assert_cmpuint (strata_set_event_count (set), ==, N_EVENTS);

  merge = strata_trace_merge (g_ptr_array_index (set->traces, 0));
  while (strata_event_merge_next (merge, &ev))
    {
      const StrataEvent *w = &g_array_index (written, StrataEvent, n);
      const StrataEventKindInfo *info = strata_event_kind_info (w->kind);

      g_assert_cmpuint (n, <, N_EVENTS);
      g_assert_cmpint (ev.ts, ==, w->ts);
      g_assert_cmpuint (ev.cpu, ==, w->cpu);
      g_assert_cmpuint (ev.kind, ==, w->kind);
      for (guint slot = 0; slot < info->n_fields; slot++)
        {
          if (!slot_written (w->kind, slot, legacy))
            g_assert_cmpint (ev.f[slot], ==, expected_default (w, slot));
          else if (strata_event_field_is_string (w->kind, slot))
            g_assert_cmpstr (strata_strtab_get (set->strings, ev.f[slot]), ==,
                             strata_strtab_get (strings, w->f[slot]));
          else if (ev.f[slot] != w->f[slot])
            g_error ("event %u (%s) slot %u (%s): wrote %" G_GINT64_FORMAT ", read %" G_GINT64_FORMAT,
                     n, info->name, slot, info->field_names[slot], w->f[slot], ev.f[slot]);
        }
      seen[w->kind]++;
      n++;
    }
  g_assert_cmpuint (n, ==, N_EVENTS);
  for (guint k = 1; k < STRATA_EV_N_KINDS; k++)
    g_assert_cmpuint (seen[k], >, 100);

  /* The set writer makes, from the same events, the set read back. */
  strata_set_finish (in_memory);
  g_assert_cmpuint (((StrataTrace *) g_ptr_array_index (set->traces, 0))->discarded, >, 0);
  assert_same_sets (set, in_memory);
  g_assert_true (system (cmd) == 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Scenarios: written as CTF and read back, or loaded in memory, the same */

/* Past CPU 9 the streams' order is not the CPUs' (channel0_10 sorts before channel0_2), and
 * events at one time on several CPUs merge in stream order. Losses before a CPU's first event,
 * and after its last; pids past 16 bits; a task name longer than the kernel keeps. */
static const char *wide =
  "discard 3 7 0\n"
  "event 100 2 sched_switch prev_tid=0 prev_comm=swapper/2 next_tid=21 next_comm=a\n"
  "event 100 10 sched_switch prev_tid=0 prev_comm=swapper/10 next_tid=30 next_comm=b\n"
  "event 100 11 sched_switch prev_tid=0 prev_comm=swapper/11 next_tid=70001 next_comm=\"CPU 0/KVM\"\n"
  "event 100 3 sched_switch prev_tid=0 next_tid=33 next_comm=d\n"
  "event 150 2 lttng_statedump_process_state tid=21 pid=21 ppid=1 name=a status=6\n"
  "event 150 2 lttng_statedump_process_state tid=70001 pid=70000 ppid=1 name=\"CPU 0/KVM\" status=5\n"
  "event 200 10 sched_process_fork parent_tid=30 parent_pid=30 child_tid=70100 child_pid=70100 child_vtid=5 child_comm=b\n"
  "event 250 10 sched_process_exec tid=70100 old_tid=70100 filename=/usr/bin/a-name-longer-than-fifteen\n"
  "event 300 10 sched_switch prev_tid=30 prev_state=1 next_tid=70100 next_comm=a-name-longer-than-fifteen\n"
  "event 320 3 sched_waking tid=30 prio=20 target_cpu=3 comm=b\n"
  "event 330 3 sched_wakeup tid=30 prio=20 target_cpu=3 comm=b\n"
  "event 400 11 kvm_x86_entry vcpu_id=0\n"
  "event 420 2 syscall_entry_read fd=3 count=8\n"
  "event 450 2 syscall_exit_read ret=8\n"
  "event 460 2 syscall_entry_openat filename=/etc/hosts dfd=-100\n"
  "event 470 2 syscall_exit_openat ret=-2\n"
  /* Events lost that hid a switch, which the next one reveals. */
  "discard 2 3 480\n"
  "event 490 2 sched_switch prev_tid=40 prev_state=1 prev_comm=e next_tid=21 next_comm=a\n"
  "event 500 11 kvm_x86_exit vcpu_id=0 exit_reason=12\n"
  "event 520 11 sched_switch prev_tid=70001 prev_state=1 next_tid=0\n"
  "event 600 3 irq_handler_entry irq=16 name=eth0\n"
  "event 610 3 irq_softirq_raise vec=3\n"
  "event 620 3 irq_handler_exit irq=16 ret=1\n"
  "event 630 3 irq_softirq_entry vec=3\n"
  "event 640 3 irq_softirq_exit vec=3\n"
  "event 700 3 sched_switch prev_tid=33 prev_state=256 next_tid=30 next_comm=b\n"
  "event 800 10 sched_process_exit tid=70100 comm=a-name prio=20\n"
  "event 810 10 sched_switch prev_tid=70100 prev_state=32 next_tid=0\n"
  "event 900 10 sched_process_free tid=70100 comm=a-name prio=20\n"
  "discard 10 5 950\n";

typedef struct
{
  StrataScenarioModel model;
  guint64             n_events;
  gboolean            legacy;
  gboolean            text;
} SetCase;

static void
same_sets_and_analyses (gconstpointer data)
{
  const SetCase *c = data;
  g_autofree char *dir = g_dir_make_tmp ("strata-roundtrip-XXXXXX", NULL);
  g_autofree char *text = g_strconcat ("trace wide hostname=wide cpus=12 offset_s=1000 legacy=",
                                       c->legacy ? "1" : "0", "\n", wide, NULL);
  StrataScenarioParams params = { c->model, c->n_events, c->legacy };
  const char *paths[] = { dir, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) read = NULL;
  g_autoptr(StrataSet) in_memory = NULL;
  g_autoptr(StrataAnalysis) from_read = NULL;
  g_autoptr(StrataAnalysis) from_memory = NULL;

  if (c->text)
    {
      g_assert_true (strata_scenario_write_string (text, "wide", dir, NULL, &error));
      g_assert_no_error (error);
      in_memory = strata_scenario_load_string (text, "wide", dir, &error);
    }
  else
    {
      g_assert_true (strata_scenario_write (&params, dir, NULL, &error));
      g_assert_no_error (error);
      in_memory = strata_scenario_load (&params, dir, &error);
    }
  g_assert_no_error (error);
  read = strata_trace_load (paths, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < read->errors->len; i++)
    g_test_message ("load: %s", (const char *) g_ptr_array_index (read->errors, i));
  assert_same_sets (read, in_memory);

  from_read = strata_analysis_new (read, NULL, &error);
  g_assert_no_error (error);
  from_memory = strata_analysis_new (in_memory, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%u rows, %u preemptions", strata_store_n_rows (from_read->store),
                  from_read->preemptions->len);
  g_assert_cmpuint (strata_store_n_rows (from_read->store), >, 0);
  assert_same_analyses (from_read, from_memory);
  test_rm_tree (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/roundtrip/current-lttng", GINT_TO_POINTER (FALSE), round_trip);
  g_test_add_data_func ("/roundtrip/legacy-lttng", GINT_TO_POINTER (TRUE), round_trip);
  {
    static const SetCase demo = { STRATA_SCENARIO_DEMO, 0, FALSE, FALSE };
    static const SetCase demo_legacy = { STRATA_SCENARIO_DEMO, 0, TRUE, FALSE };
    static const SetCase bench = { STRATA_SCENARIO_BENCH, 300000, FALSE, FALSE };
    static const SetCase text = { 0, 0, FALSE, TRUE };
    static const SetCase text_legacy = { 0, 0, TRUE, TRUE };

    g_test_add_data_func ("/roundtrip/scenario/demo", &demo, same_sets_and_analyses);
    g_test_add_data_func ("/roundtrip/scenario/demo-legacy", &demo_legacy, same_sets_and_analyses);
    g_test_add_data_func ("/roundtrip/scenario/bench", &bench, same_sets_and_analyses);
    g_test_add_data_func ("/roundtrip/scenario/text", &text, same_sets_and_analyses);
    g_test_add_data_func ("/roundtrip/scenario/text-legacy", &text_legacy, same_sets_and_analyses);
  }
  return g_test_run ();
}
