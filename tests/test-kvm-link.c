/* test-kvm-link.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "strata-analysis.h"
#include "strata-scenario.h"
#include "strata-trace-loader.h"

/*
 * Guests traced with stock LTTng (no vmsync events), on hosts the scenario model simulates:
 * each guest must be paired with its own VM and its clock found from the KVM windows alone,
 * to within 2 µs of the generator's true clock at both ends of its trace, and the analysis must
 * tell the same story as with vmsync, and the error must lie within the accuracy it reports.
 * Every case runs twice: on the set loaded in memory, and on the set our writer makes, read back
 * through libbabeltrace2 ("/kvm-link/written/..."), as a user's stock LTTng traces are read.
 */

#define MS G_GINT64_CONSTANT (1000000)
#define SEC G_GINT64_CONSTANT (1000000000)

typedef struct
{
  const char *name;
  gint64      qemu_pid;
  gint64      offset_ns;
  gint64      ppm;
} Truth;

/* Whether the case reads the set written as CTF, rather than loaded in memory. */
static gboolean written;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

static StrataSet *
load (const char  *text,
      char       **dir_out)
{
  g_autoptr(GError) error = NULL;
  char *dir = NULL;
  const char *paths[2] = { NULL, NULL };
  StrataSet *set;

  *dir_out = NULL;
  if (!written)
    {
      set = strata_scenario_load_string (text, "test", NULL, &error);
      g_assert_no_error (error);
      return set;
    }
  dir = g_dir_make_tmp ("strata-kvm-link-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (strata_scenario_write_string (text, "test", dir, NULL, &error));
  g_assert_no_error (error);
  paths[0] = dir;
  set = strata_trace_load (paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->errors->len, ==, 0);
  *dir_out = dir;
  return set;
}

static StrataAnalysis *
analyse (const char        *text,
         const StrataVmMap *maps,
         guint              n_maps)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(StrataSet) set = load (text, &dir);
  StrataAnalysisOptions options = { maps, n_maps };
  StrataAnalysis *analysis;

  analysis = strata_analysis_new (set, &options, &error);
  g_assert_no_error (error);
  if (dir != NULL)
    remove_tree (dir);
  for (guint i = 0; i < analysis->warnings->len; i++)
    g_test_message ("analysis: %s", (const char *) g_ptr_array_index (analysis->warnings, i));
  return analysis;
}

static StrataMachine *
machine (StrataAnalysis *analysis,
         const char     *name)
{
  gint m = strata_analysis_find_machine (analysis, name);

  if (m < 0)
    g_error ("no machine %s", name);
  return g_ptr_array_index (analysis->machines, m);
}

/* The worst error of the guest's clock mapping at the first and last instants of its trace. */
static gint64
worst_error (const StrataMachine *m,
             const Truth         *truth)
{
  StrataScenarioClock clock = { STRATA_DEMO_T0_NS, truth->offset_ns, truth->ppm, 1000000 };
  gint64 worst = 0;

  for (guint end = 0; end < 2; end++)
    {
      gint64 g = end ? m->trace->end_ns : m->trace->begin_ns;
      gint64 err = strata_sync_map (&m->sync, g) - strata_scenario_clock_to_host (&clock, g);

      worst = MAX (worst, ABS (err));
    }
  return worst;
}

/* Every guest paired with its own VM by its windows, its clock within 2 µs at both ends, and
 * within the accuracy the fit reports. */
static void
check_guests (StrataAnalysis *analysis,
              const Truth    *truths,
              guint           n)
{
  for (guint i = 0; i < n; i++)
    {
      StrataMachine *m = machine (analysis, truths[i].name);
      gint64 err;

      g_assert_cmpint (m->role, ==, STRATA_ROLE_GUEST);
      g_assert_cmpint (m->vm_pid, ==, truths[i].qemu_pid);
      g_assert_cmpint (m->sync_method, ==, STRATA_SYNC_METHOD_KVM);
      g_assert_cmpint (m->sync.quality, ==, STRATA_SYNC_ACCURATE);
      err = worst_error (m, &truths[i]);
      g_test_message ("%s: paired with VM %" G_GINT64_FORMAT " (%s), %u constraints, accuracy %.0f ns, "
                      "worst error at the ends %" G_GINT64_FORMAT " ns, %" G_GUINT64_FORMAT " events outside guest mode",
                      m->name, m->vm_pid, strata_link_to_string (m->link), m->sync.matches, m->sync.accuracy_ns, err,
                      m->outside_guest_mode);
      g_assert_cmpint (err, <=, 2000);
      g_assert_cmpfloat ((double) err, <=, m->sync.accuracy_ns);
      g_assert_cmpuint (m->outside_guest_mode, ==, 0);
    }
}

static const char one_vm[] =
  "host host duration=2s preempt_state=256\n"
  "vm web01 vcpus=2 pcpus=0,1 qemu_pid=3000 clock_offset=+700ms drift_ppm=30 sync=none\n";

static void
test_one_vm (void)
{
  static const Truth truths[] = { { "web01", 3000, 700 * MS, 30 } };
  g_autoptr(StrataAnalysis) analysis = analyse (one_vm, NULL, 0);

  check_guests (analysis, truths, G_N_ELEMENTS (truths));
  g_assert_cmpint (machine (analysis, "web01")->link, ==, STRATA_LINK_KVM);
  g_assert_cmpuint (analysis->warnings->len, ==, 0);
}

/* The guest started with more possible CPUs than online ones (-smp 2,maxcpus=4): its trace
 * has streams for two CPUs that never ran, which do not stop it from pairing with its VM. */
static void
test_offline_cpus (void)
{
  static const Truth truths[] = { { "web01", 3000, 700 * MS, 30 } };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(StrataSet) set = load (one_vm, &dir);
  g_autoptr(StrataAnalysis) analysis = NULL;

  for (guint t = 0; t < set->traces->len; t++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, t);

      if (g_strcmp0 (trace->machine, "web01") != 0)
        continue;
      for (guint cpu = trace->n_cpus; cpu < 4; cpu++)
        {
          g_autofree char *name = g_strdup_printf ("offline | %u", cpu);

          strata_trace_add_stream (trace, name)->cpu = cpu;
        }
      trace->n_cpus = 4;
    }
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  if (dir != NULL)
    remove_tree (dir);
  for (guint i = 0; i < analysis->warnings->len; i++)
    g_test_message ("analysis: %s", (const char *) g_ptr_array_index (analysis->warnings, i));
  check_guests (analysis, truths, G_N_ELEMENTS (truths));
  g_assert_cmpuint (analysis->warnings->len, ==, 0);
}

/* The host traced for 0.3 s of the guests' 2 s (its tracer started late and stopped early):
 * most of each guest's events lie outside the host's trace, where its windows say nothing.
 * Each guest still pairs, its clock known within the accuracy said where the host's trace
 * is, and none of its events is counted outside guest mode; a map of it finds that clock too. */
static const char guests_wider[] =
  "host host duration=2s preempt_state=256 trace_from=850ms trace_to=1150ms\n"
  "vm alpha vcpus=2 pcpus=0,1 qemu_pid=3000 clock_offset=-1s drift_ppm=50 sync=none\n"
  "vm beta vcpus=4 pcpus=2-6 float=1 qemu_pid=3200 clock_offset=+1s drift_ppm=-50 sync=none\n";

static void
check_within_host (StrataAnalysis *analysis,
                   const Truth    *truth)
{
  StrataMachine *m = machine (analysis, truth->name), *host = machine (analysis, "host");
  StrataScenarioClock clock = { STRATA_DEMO_T0_NS, truth->offset_ns, truth->ppm, 1000000 };

  g_assert_cmpint (m->role, ==, STRATA_ROLE_GUEST);
  g_assert_cmpint (m->vm_pid, ==, truth->qemu_pid);
  g_assert_cmpint (m->sync_method, ==, STRATA_SYNC_METHOD_KVM);
  g_assert_cmpint (m->sync.quality, ==, STRATA_SYNC_ACCURATE);
  for (guint end = 0; end < 2; end++)
    {
      gint64 g = strata_sync_unmap (&m->sync, end ? host->trace->end_ns : host->trace->begin_ns);
      gint64 err = ABS (strata_sync_map (&m->sync, g) - strata_scenario_clock_to_host (&clock, g));

      g_test_message ("%s: accuracy %.0f ns, error at the host's %s %" G_GINT64_FORMAT " ns", m->name,
                      m->sync.accuracy_ns, end ? "end" : "start", err);
      g_assert_cmpint (err, <=, 2000);
      g_assert_cmpfloat ((double) err, <=, m->sync.accuracy_ns);
    }
  g_assert_cmpuint (m->outside_guest_mode, ==, 0);
}

static void
test_guests_wider (void)
{
  static const Truth truths[] = {
    { "alpha", 3000, -1 * SEC, 50 },
    { "beta", 3200, SEC, -50 },
  };
  StrataVmMap map = { (char *) "beta", 3200 };
  g_autoptr(StrataAnalysis) analysis = analyse (guests_wider, NULL, 0);
  g_autoptr(StrataAnalysis) mapped = analyse (guests_wider, &map, 1);
  StrataMachine *host = machine (analysis, "host");

  g_assert_cmpint (host->trace->begin_ns - STRATA_DEMO_T0_NS, >=, 850 * MS);
  g_assert_cmpint (host->trace->end_ns - STRATA_DEMO_T0_NS, <, 1150 * MS);
  for (guint i = 0; i < G_N_ELEMENTS (truths); i++)
    check_within_host (analysis, &truths[i]);
  g_assert_cmpuint (analysis->warnings->len, ==, 0);
  g_assert_cmpint (machine (mapped, "beta")->link, ==, STRATA_LINK_MAP);
  check_within_host (mapped, &truths[1]);
  g_assert_cmpuint (mapped->warnings->len, ==, 0);
}

/* The host traced for a tenth of the guest's time, near its start: the guest's first events
 * come before the host's trace, in a window whose entry it does not have, and are not taken
 * to bound the clock; the accuracy said covers the guest's far end, mapped 1.7 s beyond the
 * host's trace, where the line is only as good as its drift. */
static const char short_host[] =
  "host host duration=2s preempt_state=256 trace_from=100ms trace_to=300ms\n"
  "vm alpha vcpus=2 pcpus=0,1 qemu_pid=3000 clock_offset=1s drift_ppm=0 sync=none\n";

static void
test_short_host (void)
{
  static const Truth truth = { "alpha", 3000, SEC, 0 };
  g_autoptr(StrataAnalysis) analysis = analyse (short_host, NULL, 0);
  StrataMachine *m;
  gint64 err;

  check_within_host (analysis, &truth);
  g_assert_cmpuint (analysis->warnings->len, ==, 0);
  m = machine (analysis, "alpha");
  err = worst_error (m, &truth);
  g_test_message ("alpha: accuracy %.0f ns, error at the guest's ends %" G_GINT64_FORMAT " ns", m->sync.accuracy_ns, err);
  g_assert_cmpfloat ((double) err, <=, m->sync.accuracy_ns);
}

/* Different vCPU counts, clocks a second off either way, one VM's threads floating. */
static const char two_vms[] =
  "host host duration=2s preempt_state=256\n"
  "vm alpha vcpus=2 pcpus=0,1 qemu_pid=3000 clock_offset=-1s drift_ppm=50 sync=none\n"
  "vm beta vcpus=4 pcpus=2-6 float=1 qemu_pid=3200 clock_offset=+1s drift_ppm=-50 sync=none\n";

static void
test_two_vms (void)
{
  static const Truth truths[] = {
    { "alpha", 3000, -1 * SEC, 50 },
    { "beta", 3200, SEC, -50 },
  };
  g_autoptr(StrataAnalysis) analysis = analyse (two_vms, NULL, 0);

  check_guests (analysis, truths, G_N_ELEMENTS (truths));
  g_assert_cmpuint (analysis->warnings->len, ==, 0);
}

/* Two VMs of the same size (one mostly idle), a third floating over pCPUs they share. */
static const char three_vms[] =
  "host host duration=2s preempt_state=256\n"
  "vm web01 vcpus=2 pcpus=0,1 qemu_pid=3000 clock_offset=-1s drift_ppm=50 sync=%s\n"
  "vm db01 vcpus=4 pcpus=2-7 float=1 qemu_pid=71234 clock_offset=+650ms drift_ppm=-35 sync=%s\n"
  "vm batch01 vcpus=2 pcpus=1,6 qemu_pid=3400 clock_offset=+1s drift_ppm=-50 sync=%s busy=400us idle=80ms\n";

static const Truth three_truths[] = {
  { "web01", 3000, -1 * SEC, 50 },
  { "db01", 71234, 650 * MS, -35 },
  { "batch01", 3400, SEC, -50 },
};

static void
test_three_vms (void)
{
  g_autofree char *text = g_strdup_printf (three_vms, "none", "none", "none");
  g_autoptr(StrataAnalysis) analysis = analyse (text, NULL, 0);

  check_guests (analysis, three_truths, G_N_ELEMENTS (three_truths));
  g_assert_cmpuint (analysis->warnings->len, ==, 0);
  /* Each guest was fitted to the VMs of its size, its own first and clearly best. */
  for (guint i = 0; i < G_N_ELEMENTS (three_truths); i++)
    {
      StrataMachine *m = machine (analysis, three_truths[i].name);
      const StrataVmFit *best = &g_array_index (m->fits, StrataVmFit, 0);

      g_assert_cmpuint (m->fits->len, ==, m->n_cpus == 2 ? 2 : 1);
      g_assert_cmpint (best->vm_pid, ==, three_truths[i].qemu_pid);
      g_assert_cmpint (best->verdict, ==, STRATA_KVM_FIT_GOOD);
      /* The other VM of its size leaves many of its events outside, or much of its own
       * guest-mode time empty (a sparse guest fits inside a busy VM's windows). */
      if (m->fits->len > 1)
        {
          const StrataVmFit *other = &g_array_index (m->fits, StrataVmFit, 1);

          g_test_message ("%s: VM %" G_GINT64_FORMAT " leaves %.2f%% outside, %.0f%% empty; VM %" G_GINT64_FORMAT
                          " %.2f%% and %.0f%%", m->name, best->vm_pid, 100 * best->outside, 100 * best->empty,
                          other->vm_pid, 100 * other->outside, 100 * other->empty);
          g_assert_true (other->outside > 0.05 || other->empty > 0.5);
        }
    }
}

/* Guest clocks anywhere from a second behind to a second ahead, drifting either way. */
static void
test_clock_sweep (void)
{
  static const struct { gint64 offset_ms; gint64 ppm; } clocks[] = {
    { -1000, -50 }, { -400, 50 }, { 0, 20 }, { 250, -20 }, { 1000, 50 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (clocks); i++)
    {
      g_autofree char *text = g_strdup_printf ("host host duration=1s preempt_state=256 seed=%u\n"
                                               "vm alpha vcpus=2 pcpus=0,1 qemu_pid=3000 clock_offset=%+" G_GINT64_FORMAT "ms drift_ppm=%" G_GINT64_FORMAT " sync=none\n"
                                               "vm beta vcpus=2 pcpus=2,3 qemu_pid=3100 clock_offset=%+" G_GINT64_FORMAT "ms drift_ppm=%" G_GINT64_FORMAT " sync=none\n",
                                               i + 1, clocks[i].offset_ms, clocks[i].ppm,
                                               -clocks[i].offset_ms, -clocks[i].ppm);
      const Truth truths[] = {
        { "alpha", 3000, clocks[i].offset_ms * MS, clocks[i].ppm },
        { "beta", 3100, -clocks[i].offset_ms * MS, -clocks[i].ppm },
      };
      g_autoptr(StrataAnalysis) analysis = analyse (text, NULL, 0);

      check_guests (analysis, truths, G_N_ELEMENTS (truths));
      g_assert_cmpuint (analysis->warnings->len, ==, 0);
    }
}

/* Time of each (machine, thread) on the fused pCPU rows while a guest runs there. */
static GHashTable *
guest_time (StrataAnalysis *analysis)
{
  GHashTable *time = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint cpu = 0; cpu < 8; cpu++)
    {
      g_autofree char *name = g_strdup_printf ("pcpu/%u", cpu);
      gint row = strata_store_find_row (analysis->store, name);
      guint64 n = strata_store_row_n_intervals (analysis->store, row);

      for (guint64 i = 0; i < n; i++)
        {
          StrataInterval iv;
          StrataMachine *m;
          g_autofree char *key = NULL;
          gint64 *ns;

          strata_store_interval (analysis->store, row, i, &iv);
          if (iv.desc->machine == STRATA_NO_MACHINE || iv.desc->vcpu < 0)
            continue;
          m = g_ptr_array_index (analysis->machines, iv.desc->machine);
          key = g_strdup_printf ("%s %d %s", m->name, iv.desc->tid, strata_state_to_string (iv.desc->state));
          if ((ns = g_hash_table_lookup (time, key)) == NULL)
            {
              ns = g_new0 (gint64, 1);
              g_hash_table_insert (time, g_steal_pointer (&key), ns);
            }
          *ns += iv.end - iv.start;
        }
    }
  return time;
}

/* The same set with and without vmsync events: the same pairs, preemptions and causes, and the
 * pCPUs' guest time given to the same guest threads, within what the two clocks' accuracy
 * moves at each change of guest state. */
static void
test_as_with_vmsync (void)
{
  g_autofree char *with = g_strdup_printf (three_vms, "vmsync", "vmsync", "vmsync");
  g_autofree char *without = g_strdup_printf (three_vms, "none", "none", "none");
  g_autoptr(StrataAnalysis) a = analyse (with, NULL, 0);
  g_autoptr(StrataAnalysis) b = analyse (without, NULL, 0);
  g_autoptr(GHashTable) ta = guest_time (a);
  g_autoptr(GHashTable) tb = guest_time (b);
  GHashTableIter iter;
  gpointer key, value;
  gint64 total = 0, moved = 0;
  guint same_cause = 0;

  for (guint i = 0; i < G_N_ELEMENTS (three_truths); i++)
    {
      StrataMachine *ma = machine (a, three_truths[i].name), *mb = machine (b, three_truths[i].name);

      g_assert_cmpint (ma->sync_method, ==, STRATA_SYNC_METHOD_VMSYNC);
      g_assert_cmpint (mb->sync_method, ==, STRATA_SYNC_METHOD_KVM);
      g_assert_cmpint (ma->vm_pid, ==, mb->vm_pid);
      g_test_message ("%s: vmsync error %" G_GINT64_FORMAT " ns (accuracy %.0f), kvm error %" G_GINT64_FORMAT
                      " ns (accuracy %.0f)", ma->name, worst_error (ma, &three_truths[i]), ma->sync.accuracy_ns,
                      worst_error (mb, &three_truths[i]), mb->sync.accuracy_ns);
      g_assert_cmpint (worst_error (mb, &three_truths[i]), <=, worst_error (ma, &three_truths[i]) + 1000);
      g_assert_cmpuint (mb->outside_guest_mode, <=, ma->outside_guest_mode);
    }

  g_assert_cmpuint (a->preemptions->len, ==, b->preemptions->len);
  for (guint i = 0; i < a->preemptions->len; i++)
    {
      StrataPreemption *pa = &g_array_index (a->preemptions, StrataPreemption, i);
      StrataPreemption *pb = &g_array_index (b->preemptions, StrataPreemption, i);
      const StrataPreemptionCause *ca, *cb;

      g_assert_cmpint (pa->start, ==, pb->start);
      g_assert_cmpint (pa->end, ==, pb->end);
      g_assert_cmpint (pa->vcpu, ==, pb->vcpu);
      g_assert_cmpstr (machine (a, ((StrataMachine *) g_ptr_array_index (a->machines, pa->machine))->name)->name, ==,
                       ((StrataMachine *) g_ptr_array_index (b->machines, pb->machine))->name);
      if (pa->by->len == 0 || pb->by->len == 0)
        {
          g_assert_cmpuint (pa->by->len, ==, pb->by->len);
          same_cause++;
          continue;
        }
      ca = &g_array_index (pa->by, StrataPreemptionCause, 0);
      cb = &g_array_index (pb->by, StrataPreemptionCause, 0);
      same_cause += ca->tid == cb->tid && ca->vcpu == cb->vcpu &&
                    g_strcmp0 (((StrataMachine *) g_ptr_array_index (a->machines, ca->machine))->name,
                               ((StrataMachine *) g_ptr_array_index (b->machines, cb->machine))->name) == 0;
    }
  g_test_message ("%u preemptions, %u with the same main cause", a->preemptions->len, same_cause);
  g_assert_cmpuint (same_cause, ==, a->preemptions->len);

  /* Guest time by guest, thread and state: what moves is the few µs around each change. */
  g_hash_table_iter_init (&iter, ta);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 *other = g_hash_table_lookup (tb, key);

      total += *(gint64 *) value;
      moved += ABS (*(gint64 *) value - (other ? *other : 0));
    }
  g_hash_table_iter_init (&iter, tb);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (ta, key))
      moved += *(gint64 *) value;
  g_test_message ("guest time on the pCPUs: %" G_GINT64_FORMAT " ns, %" G_GINT64_FORMAT " ns given otherwise (%.4f%%)",
                  total, moved, 100.0 * moved / total);
  g_assert_cmpfloat ((double) moved, <=, 1e-4 * total);
}

/* vmsync events one way only bound the clock from one side; with the windows, it is accurate,
 * and said to be the windows' clock (method kvm), the guests still linked by their vmsync. */
static void
test_messages_and_windows (void)
{
  g_autofree char *text = g_strdup_printf (three_vms, "vmsync-gh", "vmsync-gh", "vmsync-gh");
  g_autoptr(StrataAnalysis) analysis = analyse (text, NULL, 0);

  for (guint i = 0; i < G_N_ELEMENTS (three_truths); i++)
    {
      StrataMachine *m = machine (analysis, three_truths[i].name);
      gint64 err = worst_error (m, &three_truths[i]);

      g_test_message ("%s: %s, %u constraints, accuracy %.0f ns, worst error at the ends %" G_GINT64_FORMAT " ns",
                      m->name, strata_sync_quality_to_string (m->sync.quality), m->sync.matches,
                      m->sync.accuracy_ns, err);
      g_assert_cmpint (m->link, ==, STRATA_LINK_VMSYNC);
      g_assert_cmpint (m->vm_pid, ==, three_truths[i].qemu_pid);
      g_assert_cmpint (m->sync_method, ==, STRATA_SYNC_METHOD_KVM);
      g_assert_cmpint (m->sync.quality, ==, STRATA_SYNC_ACCURATE);
      g_assert_cmpint (err, <=, 2000);
      g_assert_cmpfloat ((double) err, <=, m->sync.accuracy_ns);
      g_assert_cmpuint (m->outside_guest_mode, ==, 0);
    }
  g_assert_cmpuint (analysis->warnings->len, ==, 0);
}

/* A guest whose host is not in the set (its host's own trace left out): not paired, and said. */
static const char foreign[] =
  "host host duration=2s\n"
  "vm web01 vcpus=2 pcpus=0,1 qemu_pid=3000 sync=none\n"
  "vm spare vcpus=2 pcpus=2,3 qemu_pid=3200 sync=none\n"
  "host elsewhere duration=2s seed=11 trace=0\n"
  "vm stranger vcpus=2 pcpus=4,5 qemu_pid=3400 clock_offset=+300ms sync=none\n";

static void
test_foreign_guest (void)
{
  g_autoptr(StrataAnalysis) analysis = analyse (foreign, NULL, 0);
  StrataMachine *stranger = machine (analysis, "stranger");
  gboolean said = FALSE;

  g_assert_cmpint (stranger->role, ==, STRATA_ROLE_STANDALONE);
  g_assert_cmpint (stranger->link, ==, STRATA_LINK_NONE);
  g_assert_cmpint (stranger->sync_method, ==, STRATA_SYNC_METHOD_NONE);
  g_assert_cmpuint (stranger->fits->len, ==, 2);
  for (guint i = 0; i < stranger->fits->len; i++)
    g_assert_cmpint (g_array_index (stranger->fits, StrataVmFit, i).verdict, !=, STRATA_KVM_FIT_GOOD);
  for (guint i = 0; i < analysis->warnings->len; i++)
    {
      const char *w = g_ptr_array_index (analysis->warnings, i);

      said |= g_str_has_prefix (w, "stranger: not linked to a VM") && strstr (w, "--map stranger=") != NULL;
    }
  g_assert_true (said);
  /* The others are not disturbed. */
  g_assert_cmpint (machine (analysis, "web01")->vm_pid, ==, 3000);
  g_assert_cmpint (machine (analysis, "spare")->vm_pid, ==, 3200);
}

static gboolean
has_warning (StrataAnalysis *analysis,
             const char     *prefix,
             const char     *part)
{
  for (guint i = 0; i < analysis->warnings->len; i++)
    {
      const char *w = g_ptr_array_index (analysis->warnings, i);

      if (g_str_has_prefix (w, prefix) && strstr (w, part) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* --map forces the pairing, not the clock; a map the windows contradict is said; bad maps are
 * errors that leave the windows to decide. */
static void
test_maps (void)
{
  g_autofree char *text = g_strdup_printf (three_vms, "none", "none", "none");
  StrataVmMap right = { (char *) "web01", 3000 };
  StrataVmMap wrong[] = { { (char *) "web01", 3400 }, { (char *) "batch01", 3000 } };
  StrataVmMap nowhere = { (char *) "web01", 9999 };
  StrataVmMap twice[] = { { (char *) "web01", 3000 }, { (char *) "batch01", 3000 } };
  StrataAnalysis *analysis;
  StrataMachine *web01, *batch01;

  analysis = analyse (text, &right, 1);
  web01 = machine (analysis, "web01");
  g_assert_cmpint (web01->link, ==, STRATA_LINK_MAP);
  g_assert_cmpint (web01->sync_method, ==, STRATA_SYNC_METHOD_KVM);
  g_assert_cmpint (worst_error (web01, &three_truths[0]), <=, 2000);
  g_assert_cmpuint (analysis->warnings->len, ==, 0);
  strata_analysis_unref (analysis);

  /* web01 and batch01 swapped: paired as told, both said to be wrong. */
  analysis = analyse (text, wrong, G_N_ELEMENTS (wrong));
  web01 = machine (analysis, "web01");
  batch01 = machine (analysis, "batch01");
  g_assert_cmpint (web01->vm_pid, ==, 3400);
  g_assert_cmpint (batch01->vm_pid, ==, 3000);
  g_assert_cmpint (web01->link, ==, STRATA_LINK_MAP);
  g_assert_true (has_warning (analysis, "--map web01=3400", "probably wrong"));
  g_assert_true (has_warning (analysis, "--map batch01=3000", " wrong"));
  g_assert_cmpint (machine (analysis, "db01")->vm_pid, ==, 71234);
  strata_analysis_unref (analysis);

  analysis = analyse (text, &nowhere, 1);
  g_assert_true (has_warning (analysis, "--map web01=9999", "no VM has qemu pid 9999"));
  g_assert_cmpint (machine (analysis, "web01")->vm_pid, ==, 3000);
  g_assert_cmpint (machine (analysis, "web01")->link, ==, STRATA_LINK_KVM);
  strata_analysis_unref (analysis);

  analysis = analyse (text, twice, G_N_ELEMENTS (twice));
  g_assert_true (has_warning (analysis, "--map web01=3000 and --map batch01=3000", "neither map is used"));
  g_assert_cmpint (machine (analysis, "web01")->link, ==, STRATA_LINK_KVM);
  g_assert_cmpint (machine (analysis, "batch01")->vm_pid, ==, 3400);
  strata_analysis_unref (analysis);
}

/* The bundled set without sync events (src/gen/demo-nosync.scenario), as the tests of other
 * suites read it once built. */
static void
test_bundled (void)
{
  static const Truth truths[] = {
    { "web01", 3000, -1 * SEC, 50 },
    { "db01", 71234, 650 * MS, -35 },
    { "batch01", 3400, SEC, -50 },
  };
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "src", "gen", "demo-nosync.scenario", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataAnalysis) analysis = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  analysis = analyse (text, NULL, 0);
  check_guests (analysis, truths, G_N_ELEMENTS (truths));
  g_assert_cmpuint (analysis->warnings->len, ==, 0);
}

static void
in_memory (gconstpointer data)
{
  written = FALSE;
  ((GTestFunc) data) ();
}

static void
through_files (gconstpointer data)
{
  written = TRUE;
  ((GTestFunc) data) ();
}

/* Two sets written apart, each a host and a VM with vmsync events, opened together: their
 * VMs share a vm_uid (each tool numbered its first VM alike), so their messages cannot be told
 * apart. Each guest is paired with its own host's VM by its KVM windows, and its clock found,
 * whatever the folders' order; the shared vm_uid is said. */
static void
test_shared_uid (void)
{
  static const char *texts[] = {
    "host hx duration=500ms seed=1\nvm vx vcpus=2 pcpus=0,1 qemu_pid=3000 clock_offset=+300ms sync=vmsync\n",
    "host hy duration=500ms seed=2\nvm vy vcpus=2 pcpus=0,1 qemu_pid=250000 clock_offset=-700ms drift_ppm=100 sync=vmsync\n",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("strata-kvm-link-XXXXXX", &error);
  g_autofree char *a = g_build_filename (dir, "b-first", NULL);
  g_autofree char *b = g_build_filename (dir, "a-second", NULL);
  const char *paths[] = { dir, NULL };
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(StrataAnalysis) analysis = NULL;
  gboolean said = FALSE;

  g_assert_no_error (error);
  g_assert_true (strata_scenario_write_string (texts[0], "x", a, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (strata_scenario_write_string (texts[1], "y", b, NULL, &error));
  g_assert_no_error (error);
  set = strata_trace_load (paths, NULL, NULL, &error);
  g_assert_no_error (error);
  analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (machine (analysis, "vx")->vm_pid, ==, 3000);
  g_assert_cmpint (machine (analysis, "vy")->vm_pid, ==, 250000);
  g_assert_cmpint (machine (analysis, "vx")->parent, ==, strata_analysis_find_machine (analysis, "hx"));
  g_assert_cmpint (machine (analysis, "vy")->parent, ==, strata_analysis_find_machine (analysis, "hy"));
  g_assert_cmpint (machine (analysis, "vx")->link, ==, STRATA_LINK_KVM);
  g_assert_cmpint (machine (analysis, "vx")->sync.quality, ==, STRATA_SYNC_ACCURATE);
  g_assert_cmpint (machine (analysis, "vy")->sync.quality, ==, STRATA_SYNC_ACCURATE);
  for (guint i = 0; i < analysis->warnings->len; i++)
    said |= strstr (g_ptr_array_index (analysis->warnings, i), "cannot be told apart") != NULL;
  g_assert_true (said);
  remove_tree (dir);
}

/* A host trace that stops before its guests': a vCPU still preempted or waiting then is an
 * open preemption up to where its vCPU row's interval ends, just past the host's last event,
 * so that the list and the row agree to the nanosecond. */
static void
test_open_preemption_end (void)
{
  static const char text[] =
    "host host duration=2s preempt_state=2048 trace_from=500ms trace_to=1500ms\n"
    "vm web vcpus=4 pcpus=0,1,2,3 qemu_pid=3000 clock_offset=+1s sync=vmsync\n"
    "vm db vcpus=2 pcpus=0,1 qemu_pid=3100 clock_offset=-500ms sync=none\n";
  g_autoptr(StrataAnalysis) analysis = analyse (text, NULL, 0);
  guint n_open = 0;

  for (guint i = 0; i < analysis->preemptions->len; i++)
    {
      const StrataPreemption *p = &g_array_index (analysis->preemptions, StrataPreemption, i);
      const StrataMachine *m = g_ptr_array_index (analysis->machines, p->machine);
      g_autofree char *row_name = g_strdup_printf ("%s/vcpu/%d", m->name, p->vcpu);
      gint row = strata_store_find_row (analysis->store, row_name);
      StrataInterval iv;

      if (!p->open)
        continue;
      n_open++;
      g_assert_cmpint (p->end, <, strata_store_end (analysis->store));
      g_assert_true (strata_store_lookup (analysis->store, row, p->end - 1, &iv));
      g_assert_cmpint (iv.end, ==, p->end);
      g_assert_false (strata_store_lookup (analysis->store, row, p->end, &iv) &&
                      (iv.desc->state == STRATA_STATE_PREEMPTED || iv.desc->state == STRATA_STATE_WAITING));
    }
  g_assert_cmpuint (n_open, >, 0);
}

/* vmsync messages from the guest only link it, but bound its clock on one side: its clock is
 * found by its VM's KVM windows, the messages among their constraints, and said to be the
 * windows' (it was said to be vmsync's, accurate, with the windows counted as its matches). */
static void
test_one_way_vmsync (void)
{
  g_autoptr(StrataAnalysis) analysis =
    analyse ("host hb duration=500ms seed=3\n"
             "vm db vcpus=2 pcpus=0,1 qemu_pid=70000 clock_offset=-300ms drift_ppm=-10 sync=vmsync-gh\n", NULL, 0);
  StrataMachine *db = machine (analysis, "db");

  g_assert_cmpint (db->link, ==, STRATA_LINK_VMSYNC);
  g_assert_cmpint (db->sync.quality, ==, STRATA_SYNC_ACCURATE);
  g_assert_cmpint (db->sync_method, ==, STRATA_SYNC_METHOD_KVM);
}

/* A guest linked by hand to the VM another guest fits: that other one, left with no VM, says
 * so and why (it was left unpaired in silence). */
static void
test_map_takes_vm (void)
{
  StrataVmMap map = { (char *) "orphan", 3000 };
  g_autoptr(StrataAnalysis) analysis =
    analyse ("host hd duration=500ms seed=11\n"
             "vm app vcpus=2 pcpus=0,1 qemu_pid=3000 clock_offset=+3s sync=none\n"
             "host ghost duration=500ms seed=12 trace=0\n"
             "vm orphan vcpus=2 pcpus=0,1 qemu_pid=95000 clock_offset=+3s sync=none\n", &map, 1);
  gboolean said = FALSE;

  g_assert_cmpint (machine (analysis, "orphan")->link, ==, STRATA_LINK_MAP);
  g_assert_cmpint (machine (analysis, "app")->role, ==, STRATA_ROLE_STANDALONE);
  for (guint i = 0; i < analysis->warnings->len; i++)
    said |= g_str_has_prefix (g_ptr_array_index (analysis->warnings, i),
                              "app: not linked to a VM: every VM of its hosts has a guest already (VM 3000 is orphan's)");
  g_assert_true (said);
}

int
main (int argc, char *argv[])
{
  static const struct { const char *name; GTestFunc func; } cases[] = {
    { "one-vm", test_one_vm },
    { "two-vms", test_two_vms },
    { "three-vms", test_three_vms },
    { "clock-sweep", test_clock_sweep },
    { "as-with-vmsync", test_as_with_vmsync },
    { "messages-and-windows", test_messages_and_windows },
    { "foreign-guest", test_foreign_guest },
    { "maps", test_maps },
    { "bundled", test_bundled },
    { "offline-cpus", test_offline_cpus },
    { "guests-wider", test_guests_wider },
    { "short-host", test_short_host },
  };

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kvm-link/shared-uid", test_shared_uid);
  g_test_add_func ("/kvm-link/open-preemption-end", test_open_preemption_end);
  g_test_add_func ("/kvm-link/one-way-vmsync", test_one_way_vmsync);
  g_test_add_func ("/kvm-link/map-takes-vm", test_map_takes_vm);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *memory = g_strconcat ("/kvm-link/memory/", cases[i].name, NULL);
      g_autofree char *files = g_strconcat ("/kvm-link/written/", cases[i].name, NULL);

      g_test_add_data_func (memory, (gconstpointer) cases[i].func, in_memory);
      g_test_add_data_func (files, (gconstpointer) cases[i].func, through_files);
    }
  return g_test_run ();
}
