/* test-kvm-sync.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <math.h>
#include <time.h>

#include "strata-kvm-sync.h"

/*
 * The KVM-window fit on synthetic VMs: each vCPU alternates busy periods (guest-mode windows
 * cut by short hypervisor exits, now and then a preemption) and idle ones (halted); the guest's
 * events lie inside the windows, some close to their edges as interrupt handlers after an
 * entry and switches to idle before a halt are, and are written in a guest clock that is
 * off by a known offset and drift. The fit must find that clock from nothing.
 */

#define US G_GINT64_CONSTANT (1000)
#define MS G_GINT64_CONSTANT (1000000)
#define SEC G_GINT64_CONSTANT (1000000000)
#define H0 G_GINT64_CONSTANT (1700000000000000000)

typedef struct
{
  gint64 busy_mean;
  gint64 idle_mean;
  gint64 win_mean;
  gint64 gap_max;         /* hypervisor exits last 500 ns .. gap_max */
  gint64 event_mean;      /* mean spacing of guest events in guest mode */
} Load;

static const Load busy_load = { 8 * MS, 3 * MS, 150 * US, 5 * US, 20 * US };
static const Load idle_load = { 300 * US, 60 * MS, 100 * US, 4 * US, 15 * US };
/* Never halts: only 1 µs exits between long windows. */
static const Load flat_load = { 100 * SEC, 1 * MS, 400 * US, 1 * US, 20 * US };

typedef struct
{
  guint    n_vcpus;
  GArray **windows;       /* StrataKvmWindow, per vCPU */
  GArray **host_ts;       /* gint64: the guest events, host time, per vCPU */
  gint64   begin;
  gint64   end;
} Vm;

static gint64
rexp (GRand  *rand,
      gint64  mean)
{
  return (gint64) (-log (1.0 - g_rand_double (rand)) * (double) mean);
}

static Vm *
vm_new (guint        n_vcpus,
        gint64       span,
        const Load  *load,
        guint32      seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  Vm *vm = g_new0 (Vm, 1);

  vm->n_vcpus = n_vcpus;
  vm->begin = H0;
  vm->end = H0 + span;
  vm->windows = g_new0 (GArray *, n_vcpus);
  vm->host_ts = g_new0 (GArray *, n_vcpus);
  for (guint k = 0; k < n_vcpus; k++)
    {
      gint64 t = H0 + rexp (rand, load->idle_mean);

      vm->windows[k] = g_array_new (FALSE, FALSE, sizeof (StrataKvmWindow));
      vm->host_ts[k] = g_array_new (FALSE, FALSE, sizeof (gint64));
      while (t < vm->end - MS)
        {
          gint64 busy_end = MIN (t + rexp (rand, load->busy_mean) + 50 * US, vm->end - MS);
          gboolean first = TRUE;

          while (t < busy_end)
            {
              StrataKvmWindow w = { t, MIN (t + rexp (rand, load->win_mean) + 20 * US, busy_end) };
              gint64 e = w.start + 100 + g_rand_int_range (rand, 0, 500);

              g_array_append_val (vm->windows[k], w);
              /* After an entry that ends a halt, the interrupt that woke the guest. */
              if (first || g_rand_int_range (rand, 0, 4) == 0)
                g_array_append_val (vm->host_ts[k], e);
              for (e += rexp (rand, load->event_mean); e < w.end - 200; e += rexp (rand, load->event_mean) + 200)
                g_array_append_val (vm->host_ts[k], e);
              first = FALSE;
              t = w.end + 500 + g_rand_int_range (rand, 0, (gint32) load->gap_max);
              /* Now and then the vCPU thread is preempted for a while. */
              if (g_rand_int_range (rand, 0, 60) == 0)
                t += 200 * US + rexp (rand, 500 * US);
            }
          /* Before the halt exit, the switch to idle. */
          {
            StrataKvmWindow *last = &g_array_index (vm->windows[k], StrataKvmWindow, vm->windows[k]->len - 1);
            gint64 e = last->end - 150 - g_rand_int_range (rand, 0, 400);

            if (vm->host_ts[k]->len == 0 || g_array_index (vm->host_ts[k], gint64, vm->host_ts[k]->len - 1) < e)
              g_array_append_val (vm->host_ts[k], e);
          }
          t += rexp (rand, load->idle_mean) + 20 * US;
        }
    }
  return vm;
}

static void
vm_free (Vm *vm)
{
  for (guint k = 0; k < vm->n_vcpus; k++)
    {
      g_array_unref (vm->windows[k]);
      g_array_unref (vm->host_ts[k]);
    }
  g_free (vm->windows);
  g_free (vm->host_ts);
  g_free (vm);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Vm, vm_free)

/* The guest's view of @vm's events: guest = host + shift + floor (ppm * (host - H0) / 1e6). */
typedef struct
{
  guint            n_cpus;
  GArray         **ts;
  StrataKvmEvents *events;
  gint64           shift;
  gint64           ppm;
  gint64           begin;
  gint64           end;
} Guest;

static gint64
to_guest (const Guest *g,
          gint64       host)
{
  gint64 d = host - H0;
  gint64 skew = d * g->ppm / 1000000;

  if ((d * g->ppm) % 1000000 != 0 && (d < 0) != (g->ppm < 0))
    skew--;
  return host + g->shift + skew;
}

static Guest *
guest_new (const Vm *vm,
           gint64    shift,
           gint64    ppm)
{
  Guest *g = g_new0 (Guest, 1);

  g->n_cpus = vm->n_vcpus;
  g->shift = shift;
  g->ppm = ppm;
  g->ts = g_new0 (GArray *, vm->n_vcpus);
  g->events = g_new0 (StrataKvmEvents, vm->n_vcpus);
  g->begin = G_MAXINT64;
  g->end = G_MININT64;
  for (guint k = 0; k < vm->n_vcpus; k++)
    {
      g->ts[k] = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint i = 0; i < vm->host_ts[k]->len; i++)
        {
          gint64 t = to_guest (g, g_array_index (vm->host_ts[k], gint64, i));

          g_array_append_val (g->ts[k], t);
          g->begin = MIN (g->begin, t);
          g->end = MAX (g->end, t);
        }
      g->events[k].ts = (const gint64 *) (gconstpointer) g->ts[k]->data;
      g->events[k].n = g->ts[k]->len;
    }
  return g;
}

static void
guest_free (Guest *g)
{
  for (guint k = 0; k < g->n_cpus; k++)
    g_array_unref (g->ts[k]);
  g_free (g->ts);
  g_free (g->events);
  g_free (g);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Guest, guest_free)

static void
fit (const Vm     *vm,
     const Guest  *guest,
     StrataKvmFit *out)
{
  g_autofree StrataKvmWindows *vcpus = g_new0 (StrataKvmWindows, vm->n_vcpus);
  StrataKvmFitParams params = { 0 };
  struct timespec c0, c1;

  for (guint k = 0; k < vm->n_vcpus; k++)
    {
      vcpus[k].windows = (const StrataKvmWindow *) (gconstpointer) vm->windows[k]->data;
      vcpus[k].n = vm->windows[k]->len;
    }
  params.vcpus = vcpus;
  params.n_vcpus = vm->n_vcpus;
  params.host_begin = vm->begin;
  params.host_end = vm->end;
  params.cpus = guest->events;
  params.n_cpus = guest->n_cpus;
  params.guest_begin = guest->begin;
  params.guest_end = guest->end;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &c0);
  strata_kvm_fit (&params, out);
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &c1);
  g_test_message ("fit in %.1f ms of processor time: verdict %d, %s, %u constraints, alpha %.9f, accuracy %.0f ns, "
                  "%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " outside, background %.3f",
                  (c1.tv_sec - c0.tv_sec) * 1e3 + (c1.tv_nsec - c0.tv_nsec) / 1e6, out->verdict,
                  strata_sync_quality_to_string (out->sync.quality), out->sync.matches, out->sync.alpha,
                  out->sync.accuracy_ns, out->n_outside, out->n_events, out->background);
}

/* The transform puts the guest's first and last events within @tolerance of their host time. */
static void
assert_maps (const Vm           *vm,
             const Guest        *guest,
             const StrataKvmFit *result,
             gint64              tolerance)
{
  gint64 worst = 0;

  for (guint k = 0; k < vm->n_vcpus; k++)
    {
      GArray *h = vm->host_ts[k];

      if (h->len == 0)
        continue;
      for (guint end = 0; end < 2; end++)
        {
          guint i = end ? h->len - 1 : 0;
          gint64 err = strata_sync_map (&result->sync, g_array_index (guest->ts[k], gint64, i)) -
                       g_array_index (h, gint64, i);

          worst = MAX (worst, ABS (err));
        }
    }
  g_test_message ("worst error at the ends: %" G_GINT64_FORMAT " ns", worst);
  g_assert_cmpint (worst, <=, tolerance);
}

typedef struct
{
  const char *name;
  guint       n_vcpus;
  gint64      span;
  const Load *load;
  gint64      shift;
  gint64      ppm;
} Case;

static const Case cases[] = {
  { "ahead", 2, 2 * SEC, &busy_load, 700 * MS, 40 },
  { "behind", 4, 2 * SEC, &busy_load, -1 * SEC, -50 },
  { "an-hour-off", 2, 2 * SEC, &busy_load, 3600 * SEC + 123456789, 0 },
  { "mostly-idle", 2, 3 * SEC, &idle_load, -400 * MS, 25 },
  { "one-vcpu-drifting", 1, 3 * SEC, &busy_load, 2 * MS, 100 },
  { "long", 2, 12 * SEC, &idle_load, 5 * SEC, -80 },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(Vm) vm = vm_new (c->n_vcpus, c->span, c->load, 7 + c->n_vcpus);
  g_autoptr(Guest) guest = guest_new (vm, c->shift, c->ppm);
  StrataKvmFit result;

  fit (vm, guest, &result);
  g_assert_cmpint (result.verdict, ==, STRATA_KVM_FIT_GOOD);
  g_assert_cmpint (result.sync.quality, ==, STRATA_SYNC_ACCURATE);
  g_assert_cmpuint (result.n_outside, ==, 0);
  g_assert_cmpfloat (fabs (result.sync.alpha - 1.0 / (1.0 + c->ppm * 1e-6)), <, 2e-6);
  assert_maps (vm, guest, &result, 2 * US);
}

/* A guest is compared with its own VM and with another of the same size: the other does not
 * fit, and the right one is clearly better. */
static void
test_wrong_vm (void)
{
  g_autoptr(Vm) right = vm_new (2, 2 * SEC, &busy_load, 21);
  g_autoptr(Vm) wrong = vm_new (2, 2 * SEC, &busy_load, 22);
  g_autoptr(Guest) guest = guest_new (right, -300 * MS, 10);
  StrataKvmFit good, bad;

  fit (right, guest, &good);
  fit (wrong, guest, &bad);
  g_assert_cmpint (good.verdict, ==, STRATA_KVM_FIT_GOOD);
  g_assert_cmpint (bad.verdict, !=, STRATA_KVM_FIT_GOOD);
  g_assert_true (strata_kvm_fit_clearly_better (&good, &bad));
  g_assert_false (strata_kvm_fit_clearly_better (&bad, &good));
}

/* A VM in guest mode nearly all the time fits anything: the fit says it proves nothing. */
static void
test_unspecific (void)
{
  g_autoptr(Vm) flat = vm_new (2, SEC, &flat_load, 31);
  g_autoptr(Vm) other = vm_new (2, SEC, &busy_load, 32);
  g_autoptr(Guest) guest = guest_new (other, 0, 0);
  StrataKvmFit result;

  fit (flat, guest, &result);
  g_assert_cmpint (result.verdict, !=, STRATA_KVM_FIT_GOOD);
  g_assert_cmpfloat (result.background, >, 0.9);
}

/* Nothing to compare, or windows that a damaged trace made overlap: an answer, no crash. */
static void
test_degenerate (void)
{
  g_autoptr(Vm) vm = vm_new (2, SEC, &busy_load, 41);
  g_autoptr(Guest) guest = guest_new (vm, 250 * MS, 0);
  StrataKvmWindows vcpus[2] = { { NULL, 0 }, { NULL, 0 } };
  StrataKvmEvents none[2] = { { NULL, 0 }, { NULL, 0 } };
  StrataKvmFitParams params = { vcpus, 2, H0, H0 + SEC, guest->events, 2, guest->begin, guest->end };
  StrataKvmFit result;
  StrataKvmWindow *w;

  strata_kvm_fit (&params, &result);
  g_assert_cmpint (result.verdict, ==, STRATA_KVM_FIT_NONE);
  g_assert_cmpint (result.sync.quality, ==, STRATA_SYNC_ABSENT);

  params.vcpus = vcpus;
  vcpus[0].windows = (const StrataKvmWindow *) (gconstpointer) vm->windows[0]->data;
  vcpus[0].n = vm->windows[0]->len;
  params.cpus = none;
  strata_kvm_fit (&params, &result);
  g_assert_cmpint (result.verdict, ==, STRATA_KVM_FIT_NONE);

  /* Two windows swapped and one made to overlap the next. */
  w = &g_array_index (vm->windows[1], StrataKvmWindow, 10);
  {
    StrataKvmWindow t = w[0];

    w[0] = w[1];
    w[1] = t;
    w[5].end = w[6].start + 10;
  }
  fit (vm, guest, &result);
  g_assert_cmpint (result.verdict, ==, STRATA_KVM_FIT_GOOD);
  assert_maps (vm, guest, &result, 2 * US);
}

/* A transform known from messages, to a few µs: the windows make it exact. */
static void
test_seed (void)
{
  g_autoptr(Vm) vm = vm_new (2, 2 * SEC, &busy_load, 51);
  g_autoptr(Guest) guest = guest_new (vm, 123 * MS, 30);
  g_autofree StrataKvmWindows *vcpus = g_new0 (StrataKvmWindows, 2);
  StrataKvmFitParams params = { 0 };
  g_autoptr(StrataSyncHull) hull = strata_sync_hull_new ();
  StrataSyncResult seed;
  StrataKvmFit result;

  /* Messages in both directions with 3 µs of latency. */
  for (gint64 h = H0 + 10 * MS; h < H0 + 2 * SEC - 10 * MS; h += 100 * MS)
    {
      strata_sync_hull_add_to_ref (hull, to_guest (guest, h), h + 3 * US);
      strata_sync_hull_add_from_ref (hull, h + 50 * MS, to_guest (guest, h + 50 * MS + 3 * US));
    }
  strata_sync_hull_solve (hull, &seed);
  g_assert_cmpint (seed.quality, ==, STRATA_SYNC_ACCURATE);

  for (guint k = 0; k < 2; k++)
    {
      vcpus[k].windows = (const StrataKvmWindow *) (gconstpointer) vm->windows[k]->data;
      vcpus[k].n = vm->windows[k]->len;
    }
  params = (StrataKvmFitParams) { vcpus, 2, vm->begin, vm->end, guest->events, 2, guest->begin, guest->end, 0, &seed };
  strata_kvm_fit (&params, &result);
  g_assert_cmpint (result.verdict, ==, STRATA_KVM_FIT_GOOD);
  g_assert_cmpfloat (result.sync.accuracy_ns, <, seed.accuracy_ns);
  assert_maps (vm, guest, &result, 2 * US);
}

/* Messages and windows in the same hulls: what both say, at least as tight as the windows
 * alone; a message the windows contradict leaves no accurate fit to take. */
static void
test_messages (void)
{
  g_autoptr(Vm) vm = vm_new (2, 2 * SEC, &busy_load, 52);
  g_autoptr(Guest) guest = guest_new (vm, -400 * MS, -45);
  g_autofree StrataKvmWindows *vcpus = g_new0 (StrataKvmWindows, 2);
  g_autoptr(GArray) messages = g_array_new (FALSE, FALSE, sizeof (StrataKvmMessage));
  StrataKvmFitParams params = { 0 };
  StrataKvmFit alone, both, wrong;
  StrataKvmMessage bad;

  for (guint k = 0; k < 2; k++)
    {
      vcpus[k].windows = (const StrataKvmWindow *) (gconstpointer) vm->windows[k]->data;
      vcpus[k].n = vm->windows[k]->len;
    }
  params = (StrataKvmFitParams) { vcpus, 2, vm->begin, vm->end, guest->events, 2, guest->begin, guest->end, 0, NULL };
  strata_kvm_fit (&params, &alone);
  g_assert_cmpint (alone.verdict, ==, STRATA_KVM_FIT_GOOD);

  /* Messages both ways with 300 ns of latency, tighter than most windows' edges. */
  for (gint64 h = H0 + 10 * MS; h < H0 + 2 * SEC - 10 * MS; h += 40 * MS)
    {
      StrataKvmMessage up = { to_guest (guest, h), h + 300, TRUE };
      StrataKvmMessage down = { to_guest (guest, h + 20 * MS + 300), h + 20 * MS, FALSE };

      g_array_append_val (messages, up);
      g_array_append_val (messages, down);
    }
  params.seed = &alone.sync;
  params.messages = (const StrataKvmMessage *) (gconstpointer) messages->data;
  params.n_messages = messages->len;
  strata_kvm_fit (&params, &both);
  g_test_message ("windows alone: accuracy %.0f ns, %u constraints; with %u messages: %.0f ns, %u constraints",
                  alone.sync.accuracy_ns, alone.sync.matches, messages->len, both.sync.accuracy_ns, both.sync.matches);
  g_assert_cmpint (both.verdict, ==, STRATA_KVM_FIT_GOOD);
  g_assert_cmpint (both.sync.quality, ==, STRATA_SYNC_ACCURATE);
  g_assert_cmpuint (both.sync.matches, >, messages->len);
  g_assert_cmpfloat (both.sync.accuracy_ns, <=, alone.sync.accuracy_ns);
  assert_maps (vm, guest, &both, (gint64) both.sync.accuracy_ns);

  /* Received 1 ms before it was sent, once mapped. */
  bad = (StrataKvmMessage) { to_guest (guest, H0 + SEC), H0 + SEC - MS, TRUE };
  g_array_append_val (messages, bad);
  params.messages = (const StrataKvmMessage *) (gconstpointer) messages->data;
  params.n_messages = messages->len;
  strata_kvm_fit (&params, &wrong);
  g_assert_true (wrong.verdict != STRATA_KVM_FIT_GOOD || wrong.sync.quality != STRATA_SYNC_ACCURATE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kvm-sync/fit/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/kvm-sync/wrong-vm", test_wrong_vm);
  g_test_add_func ("/kvm-sync/unspecific", test_unspecific);
  g_test_add_func ("/kvm-sync/degenerate", test_degenerate);
  g_test_add_func ("/kvm-sync/seed", test_seed);
  g_test_add_func ("/kvm-sync/messages", test_messages);
  return g_test_run ();
}
