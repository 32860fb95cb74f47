/* test-cache.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-cache.h"
#include "strata-loader.h"
#include "test-util.h"

/*
 * Saved analyses: a set opened again gives exactly what analysing it gives (every trace,
 * machine, preemption, row and summary), spilled or not; a changed, cut or replaced trace
 * file is analysed again; a damaged, cut, foreign or misplaced saved file is ignored and
 * replaced; processes saving the same set at once leave a sound file; a folder that cannot
 * be written to leaves loading working, and is told once; the size limit and Forget.
 */

static char *
demo_dir (void)
{
  return g_strdup (g_getenv ("STRATA_DEMO_DIR"));
}

/* A copy of the demo set that a test may change. */
static char *
demo_copy (const char *tmp)
{
  g_autofree char *demo = demo_dir ();
  char *copy = g_build_filename (tmp, "set", NULL);

  test_copy_tree (demo, copy);
  return copy;
}

static StrataAnalysis *
load (const char  *path,
      StrataCache *cache,
      guint64      memory_limit,
      gboolean    *from_cache)
{
  const char *paths[] = { path, NULL };
  g_autoptr(StrataLoader) loader = strata_loader_new (paths);
  g_autoptr(GError) error = NULL;
  StrataAnalysis *analysis;

  strata_loader_set_release_events (loader, TRUE);
  strata_loader_set_cache (loader, cache);
  strata_loader_set_memory_limit (loader, memory_limit);
  analysis = strata_loader_load (loader, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (analysis);
  if (from_cache != NULL)
    *from_cache = strata_loader_get_from_cache (loader);
  return analysis;
}

static void
assert_strv_equal (GPtrArray *a,
                   GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

/* String ids depend on which decoder thread met a string first: strings are compared. */
static gboolean
same_string (StrataAnalysis *a,
             guint32         x,
             StrataAnalysis *b,
             guint32         y)
{
  return g_strcmp0 (strata_analysis_string (a, x), strata_analysis_string (b, y)) == 0;
}

static gboolean
same_desc (StrataAnalysis        *a,
           const StrataStateDesc *x,
           StrataAnalysis        *b,
           const StrataStateDesc *y)
{
  return x->state == y->state && x->machine == y->machine && x->vcpu == y->vcpu && x->tid == y->tid &&
         x->host_tid == y->host_tid && same_string (a, x->comm, b, y->comm) &&
         same_string (a, strata_analysis_host_thread_name (a, x), b, strata_analysis_host_thread_name (b, y));
}

static void
assert_same_store (StrataAnalysis *aa,
                   StrataAnalysis *bb)
{
  StrataStore *a = aa->store, *b = bb->store;
  StrataPixel pa[333], pb[333];

  g_assert_cmpint (strata_store_begin (a), ==, strata_store_begin (b));
  g_assert_cmpint (strata_store_end (a), ==, strata_store_end (b));
  g_assert_cmpuint (strata_store_n_rows (a), ==, strata_store_n_rows (b));
  g_assert_cmpuint (strata_store_n_changes (a), ==, strata_store_n_changes (b));
  for (guint r = 0; r < strata_store_n_rows (a); r++)
    {
      guint64 n = strata_store_row_n_intervals (a, r);
      gint64 begin = strata_store_begin (a), span = strata_store_end (a) - begin;

      g_assert_cmpstr (strata_store_row_name (a, r), ==, strata_store_row_name (b, r));
      g_assert_cmpint (strata_store_find_row (b, strata_store_row_name (a, r)), ==, strata_store_find_row (a, strata_store_row_name (a, r)));
      g_assert_cmpint (strata_store_row_kind (a, r), ==, strata_store_row_kind (b, r));
      g_assert_cmpint (strata_store_row_machine (a, r), ==, strata_store_row_machine (b, r));
      g_assert_cmpint (strata_store_row_number (a, r), ==, strata_store_row_number (b, r));
      g_assert_cmpuint (n, ==, strata_store_row_n_intervals (b, r));
      for (guint64 i = 0; i < n; i++)
        {
          StrataInterval x, y;

          strata_store_interval (a, r, i, &x);
          strata_store_interval (b, r, i, &y);
          if (x.start != y.start || x.end != y.end || !same_desc (aa, x.desc, bb, y.desc))
            g_error ("row %s, interval %" G_GUINT64_FORMAT " differs", strata_store_row_name (a, r), i);
        }
      for (guint z = 0; z < 4; z++)
        {
          gint64 from = begin + span / 7 * z, to = from + (span >> (3 * z));

          strata_store_summarize (a, r, from, to, G_N_ELEMENTS (pa), pa);
          strata_store_summarize (b, r, from, to, G_N_ELEMENTS (pb), pb);
          g_assert_true (memcmp (pa, pb, sizeof pa) == 0);
        }
    }
}

static void
assert_same_analysis (StrataAnalysis *a,
                      StrataAnalysis *b)
{
  StrataSet *sa = a->set, *sb = b->set;

  g_assert_cmpint (sa->begin_ns, ==, sb->begin_ns);
  g_assert_cmpint (sa->end_ns, ==, sb->end_ns);
  assert_strv_equal (sa->errors, sb->errors);
  g_assert_cmpuint (strata_strtab_count (sa->strings), ==, strata_strtab_count (sb->strings));
  g_assert_cmpuint (sa->traces->len, ==, sb->traces->len);
  for (guint t = 0; t < sa->traces->len; t++)
    {
      StrataTrace *x = g_ptr_array_index (sa->traces, t), *y = g_ptr_array_index (sb->traces, t);

      g_assert_cmpstr (x->path, ==, y->path);
      g_assert_cmpstr (x->machine, ==, y->machine);
      g_assert_cmpstr (x->hostname, ==, y->hostname);
      g_assert_cmpstr (x->domain, ==, y->domain);
      g_assert_cmpstr (x->tracer, ==, y->tracer);
      g_assert_cmpstr (x->kernel_release, ==, y->kernel_release);
      g_assert_cmpstr (x->clock_uuid, ==, y->clock_uuid);
      assert_strv_equal (x->errors, y->errors);
      g_assert_cmpuint (x->events, ==, y->events);
      g_assert_cmpuint (x->discarded, ==, y->discarded);
      g_assert_cmpint (x->begin_ns, ==, y->begin_ns);
      g_assert_cmpint (x->end_ns, ==, y->end_ns);
      g_assert_cmpuint (x->n_cpus, ==, y->n_cpus);
      g_assert_cmpint (x->has_kvm, ==, y->has_kvm);
      g_assert_cmpint (x->failed, ==, y->failed);
      g_assert_cmpuint (x->streams->len, ==, y->streams->len);
      for (guint s = 0; s < x->streams->len; s++)
        {
          StrataStream *u = g_ptr_array_index (x->streams, s), *v = g_ptr_array_index (y->streams, s);

          g_assert_cmpstr (u->name, ==, v->name);
          g_assert_cmpuint (u->cpu, ==, v->cpu);
          g_assert_cmpuint (u->events, ==, v->events);
          g_assert_cmpuint (u->discarded, ==, v->discarded);
          g_assert_cmpint (u->begin_ns, ==, v->begin_ns);
          g_assert_cmpint (u->end_ns, ==, v->end_ns);
        }
    }

  g_assert_cmpint (a->host, ==, b->host);
  g_assert_cmpint (a->primary, ==, b->primary);
  g_assert_cmpuint (a->machines->len, ==, b->machines->len);
  for (guint m = 0; m < a->machines->len; m++)
    {
      StrataMachine *x = g_ptr_array_index (a->machines, m), *y = g_ptr_array_index (b->machines, m);
      gint tx = -1, ty = -1;

      for (guint t = 0; t < sa->traces->len; t++)
        {
          if (g_ptr_array_index (sa->traces, t) == x->trace)
            tx = t;
          if (g_ptr_array_index (sb->traces, t) == y->trace)
            ty = t;
        }
      g_assert_cmpint (tx, ==, ty);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpint (x->role, ==, y->role);
      g_assert_cmpint (x->parent, ==, y->parent);
      g_assert_cmpuint (x->n_cpus, ==, y->n_cpus);
      g_assert_cmpint (x->vm_pid, ==, y->vm_pid);
      g_assert_cmpint (x->vm_pid_guessed, ==, y->vm_pid_guessed);
      g_assert_cmpuint (x->vcpus->len, ==, y->vcpus->len);
      g_assert_true (x->vcpus->len == 0 ||
                     memcmp (x->vcpus->data, y->vcpus->data, x->vcpus->len * sizeof (StrataVcpu)) == 0);
      g_assert_cmpint (x->sync_method, ==, y->sync_method);
      g_assert_cmpint (x->sync_reference, ==, y->sync_reference);
      g_assert_cmpint (x->sync.quality, ==, y->sync.quality);
      g_assert_cmpuint (x->sync.matches, ==, y->sync.matches);
      g_assert_cmpuint (x->sync.n_to_ref, ==, y->sync.n_to_ref);
      g_assert_cmpuint (x->sync.n_from_ref, ==, y->sync.n_from_ref);
      g_assert_true (x->sync.alpha == y->sync.alpha);
      g_assert_true (x->sync.beta_ns == y->sync.beta_ns);
      g_assert_true (x->sync.accuracy_ns == y->sync.accuracy_ns);
      g_assert_true (x->sync.alpha_min == y->sync.alpha_min);
      g_assert_true (x->sync.alpha_max == y->sync.alpha_max);
      g_assert_cmpint (x->sync.own_origin, ==, y->sync.own_origin);
      g_assert_cmpint (x->sync.ref_origin, ==, y->sync.ref_origin);
      g_assert_true (x->sync.drift == y->sync.drift);
      g_assert_true (x->sync.beta_rel == y->sync.beta_rel);
      g_assert_cmpuint (x->outside_guest_mode, ==, y->outside_guest_mode);
      g_assert_cmpint (x->link, ==, y->link);
      g_assert_cmpuint (x->fits->len, ==, y->fits->len);
      g_assert_true (x->fits->len == 0 ||
                     memcmp (x->fits->data, y->fits->data, x->fits->len * sizeof (StrataVmFit)) == 0);
      g_assert_cmpuint (x->threads->len, ==, y->threads->len);
      for (guint i = 0; i < x->threads->len; i++)
        {
          const StrataThreadInfo *u = &g_array_index (x->threads, StrataThreadInfo, i);
          const StrataThreadInfo *v = &g_array_index (y->threads, StrataThreadInfo, i);

          g_assert_true (u->tid == v->tid && u->pid == v->pid && u->ppid == v->ppid && u->vtid == v->vtid &&
                         u->vpid == v->vpid && u->ns_inum == v->ns_inum && same_string (a, u->name, b, v->name));
        }
    }

  g_assert_cmpuint (a->preemptions->len, ==, b->preemptions->len);
  for (guint i = 0; i < a->preemptions->len; i++)
    {
      const StrataPreemption *x = &g_array_index (a->preemptions, StrataPreemption, i);
      const StrataPreemption *y = &g_array_index (b->preemptions, StrataPreemption, i);

      g_assert_cmpuint (x->machine, ==, y->machine);
      g_assert_cmpint (x->vcpu, ==, y->vcpu);
      g_assert_cmpint (x->start, ==, y->start);
      g_assert_cmpint (x->end, ==, y->end);
      g_assert_cmpint (x->pcpu, ==, y->pcpu);
      g_assert_cmpuint (x->by->len, ==, y->by->len);
      for (guint c = 0; c < x->by->len; c++)
        {
          const StrataPreemptionCause *u = &g_array_index (x->by, StrataPreemptionCause, c);
          const StrataPreemptionCause *v = &g_array_index (y->by, StrataPreemptionCause, c);

          g_assert_true (u->machine == v->machine && u->tid == v->tid && same_string (a, u->comm, b, v->comm) &&
                         u->vcpu == v->vcpu && u->ns == v->ns && u->has_exit == v->has_exit &&
                         u->exit_isa == v->exit_isa && u->exit_code == v->exit_code && u->exit_ns == v->exit_ns);
        }
    }
  assert_strv_equal (a->warnings, b->warnings);
  g_assert_cmpuint (strata_exits_n_open (a->exits), ==, strata_exits_n_open (b->exits));
  for (guint i = 0; i < strata_exits_n_open (a->exits); i++)
    {
      const StrataExitRecord *x = strata_exits_get_open (a->exits, i), *y = strata_exits_get_open (b->exits, i);

      g_assert_true (x->start == y->start && x->end == y->end && x->code == y->code && x->machine == y->machine &&
                     x->isa == y->isa && x->vcpu == y->vcpu && x->info1 == y->info1);
    }
  g_assert_cmpuint (strata_exits_n_groups (a->exits), ==, strata_exits_n_groups (b->exits));
  for (guint g = 0; g < strata_exits_n_groups (a->exits); g++)
    {
      guint16 ma, mb;
      gint32 va, vb;
      guint8 ia, ib;
      guint32 ca, cb;
      guint64 n = strata_exits_count (a->exits, g, G_MININT64, G_MAXINT64);

      strata_exits_group (a->exits, g, &ma, &va, &ia, &ca);
      strata_exits_group (b->exits, g, &mb, &vb, &ib, &cb);
      g_assert_true (ma == mb && va == vb && ia == ib && ca == cb);
      g_assert_cmpuint (n, ==, strata_exits_count (b->exits, g, G_MININT64, G_MAXINT64));
      for (guint64 i = 0; i < n; i++)
        {
          gint64 s0, e0, s1, e1;

          strata_exits_get (a->exits, g, i, &s0, &e0);
          strata_exits_get (b->exits, g, i, &s1, &e1);
          g_assert_true (s0 == s1 && e0 == e1);
          /* The port or MSR it names, which the saved info1 gives. */
          if (e0 > s0)
            {
              StrataExitDetail da, db;

              g_assert_cmpint (strata_exits_detail_at (a->exits, ma, va, s0, &da), ==,
                               strata_exits_detail_at (b->exits, mb, vb, s1, &db));
              g_assert_true (da.kind == db.kind && da.size == db.size && da.has_value == db.has_value &&
                             da.value == db.value);
            }
        }
    }
  assert_same_store (a, b);
}

/* Fresh, saved then opened, in memory and spilled: all the same. */
static void
check_same_as_fresh (const char *path)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (tmp, "cache", NULL);
  g_autoptr(StrataCache) cache = strata_cache_new (dir, 0);
  g_autoptr(StrataAnalysis) fresh = load (path, NULL, G_MAXUINT64, NULL);
  const guint64 limits[] = { G_MAXUINT64, 0 };

  for (guint l = 0; l < G_N_ELEMENTS (limits); l++)
    {
      g_autoptr(StrataAnalysis) first = NULL;
      g_autoptr(StrataAnalysis) again = NULL;
      gboolean from_cache = TRUE;

      strata_cache_forget (cache, NULL);
      first = load (path, cache, limits[l], &from_cache);
      g_assert_false (from_cache);
      assert_same_analysis (fresh, first);
      again = load (path, cache, limits[l], &from_cache);
      g_assert_true (from_cache);
      assert_same_analysis (fresh, again);
      /* The first one, spilled into the file that was saved, still reads the same. */
      assert_same_analysis (again, first);
    }
  test_rm_tree (tmp);
}

static void
test_same_as_fresh (void)
{
  g_autofree char *demo = demo_dir ();

  check_same_as_fresh (demo);
}

/* Guests linked by their KVM windows: how, and every fit tried, are kept too. */
static void
test_same_as_fresh_kvm (void)
{
  const char *set = g_getenv ("STRATA_DEMO_NOSYNC_DIR");

  if (set == NULL || !g_file_test (set, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the bundled set without sync events is not built");
      return;
    }
  check_same_as_fresh (set);
}

static void
test_same_as_fresh_samples (void)
{
  const char *names[] = { "tc-synctraces", "tc-many-threads", "bt-multi-domains", "tc-hello-lost" };

  if (!test_have_samples ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = test_sample (names[i]);

      g_test_message ("%s", names[i]);
      check_same_as_fresh (path);
    }
}

static char *
first_stream_file (const char *set)
{
  g_autofree char *trace = g_build_filename (set, "host", NULL);
  g_autoptr(GDir) dir = g_dir_open (trace, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "channel"))
      return g_build_filename (trace, name, NULL);
  g_assert_not_reached ();
}

/* Touched, cut, replaced by a copy, metadata edited: analysed again each time. */
static void
test_changed_trace (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (tmp, "cache", NULL);
  g_autofree char *set = demo_copy (tmp);
  g_autofree char *stream = first_stream_file (set);
  g_autofree char *metadata = g_build_filename (set, "host", "metadata", NULL);
  g_autoptr(StrataCache) cache = strata_cache_new (dir, 0);
  g_autoptr(StrataAnalysis) before = load (set, cache, G_MAXUINT64, NULL);
  guint64 events = strata_set_event_count (before->set);

  for (guint change = 0; change < 4; change++)
    {
      g_autoptr(StrataAnalysis) fresh = NULL;
      g_autoptr(StrataAnalysis) first = NULL;
      g_autoptr(StrataAnalysis) again = NULL;
      g_autofree char *cmd = NULL;
      gboolean from_cache;

      /* Opened once more unchanged: from the cache, unless it was read with problems. */
      g_clear_pointer (&first, strata_analysis_unref);
      first = load (set, cache, G_MAXUINT64, &from_cache);
      g_assert_true (from_cache == (first->set->errors->len == 0));
      switch (change)
        {
        case 0:
          /* Same bytes, a new modification time. */
          cmd = g_strdup_printf ("touch -d '+1 min' '%s'", stream);
          break;
        case 1:
          /* Cut to its first packets. */
          cmd = g_strdup_printf ("truncate -s 8192 '%s'", stream);
          break;
        case 2:
          /* Replaced by a copy keeping its time: only the inode and change time differ. */
          cmd = g_strdup_printf ("cp -p '%s' '%s.new' && mv '%s.new' '%s'", stream, stream, stream, stream);
          break;
        default:
          /* The same length, one byte else (a trace's name). */
          cmd = g_strdup_printf ("sed -i 's/hostname = \"host\"/hostname = \"hosT\"/' '%s' && touch -r '%s' '%s'",
                                 metadata, stream, metadata);
          break;
        }
      test_run_shell (cmd);
      g_clear_pointer (&first, strata_analysis_unref);
      first = load (set, cache, G_MAXUINT64, &from_cache);
      g_assert_false (from_cache);
      fresh = load (set, NULL, G_MAXUINT64, NULL);
      assert_same_analysis (fresh, first);
      again = load (set, cache, G_MAXUINT64, &from_cache);
      /* A set read with problems is not saved: some problems belong to the run (no room
       * to stage a damaged file), and must not outlive it. */
      g_assert_true (from_cache == (fresh->set->errors->len == 0));
      assert_same_analysis (fresh, again);
      if (change == 1)
        {
          g_assert_cmpuint (strata_set_event_count (fresh->set), <, events);
          g_assert_cmpuint (fresh->set->errors->len, >, 0);
          g_assert_false (from_cache);
        }
      if (change == 3)
        g_assert_cmpint (strata_analysis_find_machine (again, "hosT"), >=, 0);
    }
  test_rm_tree (tmp);
}

static char *
the_saved_file (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  char *found = NULL;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_assert_true (g_str_has_suffix (name, ".strata"));
      g_assert_null (found);
      found = g_build_filename (dir, name, NULL);
    }
  g_assert_nonnull (found);
  return found;
}

/* Every kind of damage to the saved file: ignored, analysed again, replaced by a sound one. */
static void
test_damaged_cache (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (tmp, "cache", NULL);
  g_autofree char *other_dir = g_build_filename (tmp, "other", NULL);
  g_autofree char *demo = demo_dir ();
  g_autofree char *set = demo_copy (tmp);
  g_autofree char *host = g_build_filename (set, "host", NULL);
  g_autoptr(StrataCache) cache = strata_cache_new (dir, 0);
  g_autoptr(StrataCache) other = strata_cache_new (other_dir, 0);
  g_autoptr(StrataAnalysis) fresh = load (set, NULL, G_MAXUINT64, NULL);
  g_autofree char *file = NULL;
  g_autofree char *other_file = NULL;

  g_clear_pointer (&fresh, strata_analysis_unref);
  fresh = load (set, cache, G_MAXUINT64, NULL);
  file = the_saved_file (dir);
  /* A sound saved analysis of another set (the host alone), to put in its place. */
  strata_analysis_unref (load (host, other, G_MAXUINT64, NULL));
  other_file = the_saved_file (other_dir);

  for (guint damage = 0; damage < 7; damage++)
    {
      g_autoptr(StrataAnalysis) first = NULL;
      g_autoptr(StrataAnalysis) again = NULL;
      g_autofree char *bytes = NULL;
      g_autofree char *cmd = NULL;
      gboolean from_cache;
      gsize len;

      g_assert_true (g_file_get_contents (file, &bytes, &len, NULL));
      switch (damage)
        {
        case 0:   /* flipped bits among the rows (one could fall between two arrays) */
          for (guint k = 0; k < 8; k++)
            bytes[len / 3 + k * 977] ^= 0x10;
          break;
        case 1:   /* one in the sections at the end */
          bytes[len - 200] ^= 0x01;
          break;
        case 2:   /* cut */
          len = len / 2;
          break;
        case 3:   /* cut to the header */
          len = 100;
          break;
        case 4:   /* empty */
          len = 0;
          break;
        case 5:   /* not ours */
          memset (bytes, 'x', len);
          break;
        default:  /* a sound file of another set, under this set's name */
          g_free (bytes);
          g_assert_true (g_file_get_contents (other_file, &bytes, &len, NULL));
          break;
        }
      g_assert_true (g_file_set_contents (file, bytes, len, NULL));
      first = load (set, cache, G_MAXUINT64, &from_cache);
      g_assert_false (from_cache);
      assert_same_analysis (fresh, first);
      again = load (set, cache, G_MAXUINT64, &from_cache);
      g_assert_true (from_cache);
      assert_same_analysis (fresh, again);
    }
  test_rm_tree (tmp);
}

static char *
run_command (const char  *xdg,
             const char  *command,
             const char  *option,
             const char  *option2,
             const char  *path,
             char       **err)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", xdg, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("STRATA_CLI"), command, "--json",
                                         option ? option : "--json", option2 ? option2 : "--json", path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, err, &error);
  g_assert_no_error (error);
  /* What failed must fail the same way. */
  if (!g_subprocess_get_successful (process))
    {
      char *failed = g_strdup_printf ("%s\nexit status %d", out, g_subprocess_get_exit_status (process));

      g_free (out);
      return failed;
    }
  return out;
}

static char *
run_cli (const char  *xdg,
         const char  *option,
         const char  *path,
         char       **err)
{
  return run_command (xdg, "preemptions", option, NULL, path, err);
}

/* What the command line prints is the same from a saved analysis: every field it shows,
 * including any added to the analysis later, must be saved. */
static void
test_cli_outputs (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *xdg = g_build_filename (tmp, "xdg", NULL);
  g_autofree char *demo = demo_dir ();
  g_autofree char *synctraces = test_sample ("tc-synctraces");
  const char *sets[] = { demo, synctraces };
  const char *commands[][2] = {
    { "info", NULL }, { "preemptions", NULL }, { "intervals", "--row=pcpu/0" },
    { "intervals", "--row=server1/vcpu/0" }, { "intervals", "--row=irq/0" },
  };

  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      if (!g_file_test (sets[s], G_FILE_TEST_IS_DIR))
        continue;
      for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
        {
          g_autofree char *fresh = run_command (xdg, commands[c][0], commands[c][1], "--no-cache", sets[s], NULL);
          g_autofree char *first = run_command (xdg, commands[c][0], commands[c][1], NULL, sets[s], NULL);
          g_autofree char *again = run_command (xdg, commands[c][0], commands[c][1], NULL, sets[s], NULL);

          g_assert_cmpstr (first, ==, fresh);
          g_assert_cmpstr (again, ==, fresh);
        }
    }
  test_rm_tree (tmp);
}

/* Several processes analysing and saving one set at once: every one answers right, and the
 * saved file is sound. */
static void
test_concurrent (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *xdg = g_build_filename (tmp, "xdg", NULL);
  g_autofree char *dir = g_build_filename (xdg, "strata", NULL);
  g_autofree char *set = demo_copy (tmp);
  g_autofree char *expected = run_cli (xdg, "--no-cache", set, NULL);
  g_autoptr(StrataCache) cache = strata_cache_new (dir, 0);
  g_autoptr(StrataAnalysis) fresh = load (set, NULL, G_MAXUINT64, NULL);

  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(GPtrArray) processes = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(StrataAnalysis) saved = NULL;
      gboolean from_cache;

      strata_cache_forget (cache, NULL);
      for (guint p = 0; p < 4; p++)
        {
          g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
          g_autoptr(GError) error = NULL;

          g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", xdg, TRUE);
          g_ptr_array_add (processes, g_subprocess_launcher_spawn (launcher, &error, g_getenv ("STRATA_CLI"),
                                                                   "preemptions", "--json", set, NULL));
          g_assert_no_error (error);
        }
      for (guint p = 0; p < processes->len; p++)
        {
          g_autofree char *out = NULL;
          g_autoptr(GError) error = NULL;

          g_subprocess_communicate_utf8 (g_ptr_array_index (processes, p), NULL, NULL, &out, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpstr (out, ==, expected);
        }
      /* One sound file, no temporary one left. */
      g_free (the_saved_file (dir));
      saved = load (set, cache, G_MAXUINT64, &from_cache);
      g_assert_true (from_cache);
      assert_same_analysis (fresh, saved);
    }
  test_rm_tree (tmp);
}

/* A cache folder that cannot be made: loads work, and say so once. */
static void
test_unwritable (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *blocker = g_build_filename (tmp, "file", NULL);
  g_autofree char *dir = g_build_filename (blocker, "strata", NULL);
  g_autofree char *demo = demo_dir ();
  g_autoptr(StrataCache) cache = NULL;
  g_autoptr(StrataAnalysis) fresh = load (demo, NULL, G_MAXUINT64, NULL);
  g_autofree char *problem = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *at;

  /* A file where a folder should be: even root cannot make one there. */
  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  cache = strata_cache_new (dir, 0);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(StrataAnalysis) analysis = NULL;
      gboolean from_cache;

      analysis = load (demo, cache, i == 1 ? 0 : G_MAXUINT64, &from_cache);
      g_assert_false (from_cache);
      assert_same_analysis (fresh, analysis);
      if (i == 0)
        {
          problem = strata_cache_take_problem (cache);
          g_assert_nonnull (problem);
          g_assert_nonnull (strstr (problem, dir));
        }
      else
        g_assert_null (strata_cache_take_problem (cache));
    }

  /* The command line says it once, on stderr, and answers as without a cache. */
  expected = run_cli (blocker, "--no-cache", demo, NULL);
  out = run_cli (blocker, NULL, demo, &err);
  g_assert_cmpstr (out, ==, expected);
  at = strstr (err, "Cannot save analyses in");
  g_assert_nonnull (at);
  g_assert_null (strstr (at + 1, "Cannot save analyses in"));
  test_rm_tree (tmp);
}

/* Past the limit, the least recently used go; Forget removes all. */
static void
test_limit_and_forget (void)
{
  g_autofree char *tmp = test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (tmp, "cache", NULL);
  g_autofree char *set = demo_copy (tmp);
  const char *traces[] = { "host", "server1" };
  g_autoptr(StrataCache) probe = strata_cache_new (dir, 0);
  g_autoptr(StrataCache) cache = NULL;
  guint64 size[3];
  gboolean from_cache;

  /* What each takes. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = i < 2 ? g_build_filename (set, traces[i], NULL) : g_strdup (set);

      strata_analysis_unref (load (path, probe, G_MAXUINT64, NULL));
      size[i] = strata_cache_get_size (probe);
      g_assert_cmpuint (size[i], >, 0);
      g_assert_true (strata_cache_forget (probe, NULL));
      g_assert_cmpuint (strata_cache_get_size (probe), ==, 0);
    }
  /* Room for the last two, not for all three. */
  cache = strata_cache_new (dir, size[1] + size[2] + size[0] / 2);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = i < 2 ? g_build_filename (set, traces[i], NULL) : g_strdup (set);

      strata_analysis_unref (load (path, cache, G_MAXUINT64, &from_cache));
      g_assert_false (from_cache);
      g_assert_cmpuint (strata_cache_get_size (cache), <=, strata_cache_get_limit (cache));
      /* File times have a resolution: the order of use must be told apart. */
      g_usleep (20000);
    }
  /* The host's, used least recently, went. */
  {
    g_autofree char *host = g_build_filename (set, "host", NULL);
    g_autofree char *guest = g_build_filename (set, "server1", NULL);

    strata_analysis_unref (load (guest, cache, G_MAXUINT64, &from_cache));
    g_assert_true (from_cache);
    strata_analysis_unref (load (set, cache, G_MAXUINT64, &from_cache));
    g_assert_true (from_cache);
    strata_analysis_unref (load (host, cache, G_MAXUINT64, &from_cache));
    g_assert_false (from_cache);
  }
  g_assert_true (strata_cache_forget (cache, NULL));
  g_assert_cmpuint (strata_cache_get_size (cache), ==, 0);
  strata_analysis_unref (load (set, cache, G_MAXUINT64, &from_cache));
  g_assert_false (from_cache);
  test_rm_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cache/same-as-fresh", test_same_as_fresh);
  g_test_add_func ("/cache/same-as-fresh-kvm", test_same_as_fresh_kvm);
  g_test_add_func ("/cache/same-as-fresh-samples", test_same_as_fresh_samples);
  g_test_add_func ("/cache/cli-outputs", test_cli_outputs);
  g_test_add_func ("/cache/changed-trace", test_changed_trace);
  g_test_add_func ("/cache/damaged-cache", test_damaged_cache);
  g_test_add_func ("/cache/concurrent", test_concurrent);
  g_test_add_func ("/cache/unwritable", test_unwritable);
  g_test_add_func ("/cache/limit-and-forget", test_limit_and_forget);
  return g_test_run ();
}
