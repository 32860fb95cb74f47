/* strata-scenario.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-scenario"

#include "config.h"

#include <string.h>

#include "strata-ctf-writer.h"
#include "strata-scenario.h"
#include "strata-set-writer.h"

G_DEFINE_QUARK (strata-scenario-error-quark, strata_scenario_error)

#define MS G_GINT64_CONSTANT (1000000)

/* ------------------------------------------------------------------------------------------ */
/* Clocks */

static inline gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  if (a % b != 0 && ((a < 0) != (b < 0)))
    q--;
  return q;
}

static inline gint64
clock_skew (const StrataScenarioClock *clock,
            gint64                     d)
{
  if (clock->drift_num == 0 || clock->drift_den == 0)
    return 0;
  return floor_div (d * clock->drift_num, clock->drift_den);
}

gint64
strata_scenario_clock_to_guest (const StrataScenarioClock *clock,
                                gint64                     host_ns)
{
  g_return_val_if_fail (clock != NULL, host_ns);

  return host_ns + clock->shift_ns + clock_skew (clock, host_ns - clock->origin_ns);
}

gint64
strata_scenario_clock_to_host (const StrataScenarioClock *clock,
                               gint64                     guest_ns)
{
  gint64 target, d;

  g_return_val_if_fail (clock != NULL, guest_ns);

  /* Solve d + skew (d) = target for the largest such d; d -> d + skew (d) is strictly
   * increasing since |drift| < 1, so an estimate and a short walk find it. */
  target = guest_ns - clock->shift_ns - clock->origin_ns;
  if (clock->drift_num == 0 || clock->drift_den == 0)
    d = target;
  else
    d = (gint64) ((double) target * clock->drift_den / (clock->drift_den + clock->drift_num));
  while (d + clock_skew (clock, d) > target)
    d--;
  while (d + 1 + clock_skew (clock, d + 1) <= target)
    d++;
  return clock->origin_ns + d;
}

static const StrataScenarioClock demo_clock = {
  STRATA_DEMO_T0_NS, -2500 * MS, 1, 50000
};

const StrataScenarioClock *
strata_scenario_demo_clock (void)
{
  return &demo_clock;
}

/* ------------------------------------------------------------------------------------------ */
/* The CTF writer as a sink */

typedef struct
{
  char         *outdir;
  StrataStrtab *strings;
  GPtrArray    *writers;
} WriteSink;

static gboolean
write_sink_add_trace (gpointer                   data,
                      guint                      trace,
                      const StrataScenarioTrace *info,
                      GError                   **error)
{
  WriteSink *ws = data;
  g_autofree char *path = g_build_filename (ws->outdir, info->name, NULL);
  StrataCtfWriterOptions options = { 0 };
  StrataCtfWriter *writer;

  g_assert (trace == ws->writers->len);

  options.hostname = info->hostname;
  options.n_cpus = info->n_cpus;
  options.offset_s = info->offset_s;
  options.legacy_naming = info->legacy;
  options.kernel_release = info->kernel_release;
  options.uuid_seed = info->uuid_seed;
  if ((writer = strata_ctf_writer_new (path, &options, ws->strings, error)) == NULL)
    return FALSE;
  g_ptr_array_add (ws->writers, writer);
  return TRUE;
}

static gboolean
write_sink_event (gpointer            data,
                  guint               trace,
                  const StrataEvent  *event,
                  GError            **error)
{
  WriteSink *ws = data;

  return strata_ctf_writer_add (g_ptr_array_index (ws->writers, trace), event, error);
}

static gboolean
write_sink_discard (gpointer   data,
                    guint      trace,
                    guint      cpu,
                    guint64    count,
                    gint64     ts,
                    GError   **error)
{
  WriteSink *ws = data;

  return strata_ctf_writer_discard (g_ptr_array_index (ws->writers, trace), cpu, count, ts, error);
}

static const StrataScenarioSink write_sink_funcs = {
  write_sink_add_trace, write_sink_event, write_sink_discard,
};

static void
write_sink_init (WriteSink    *ws,
                 const char   *outdir,
                 StrataStrtab *strings)
{
  ws->outdir = g_strdup (outdir);
  ws->strings = strings;
  ws->writers = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_ctf_writer_free);
}

static gboolean
write_sink_finish (WriteSink            *ws,
                   gboolean              ok,
                   StrataScenarioStats  *stats,
                   GError              **error)
{
  StrataScenarioStats total = { 0 };

  for (guint i = 0; ok && i < ws->writers->len; i++)
    {
      StrataCtfWriter *writer = g_ptr_array_index (ws->writers, i);

      ok = strata_ctf_writer_close (writer, error);
      total.n_traces++;
      total.n_events += strata_ctf_writer_get_event_count (writer);
      total.n_discarded += strata_ctf_writer_get_discarded (writer);
    }
  if (ok && stats != NULL)
    *stats = total;
  g_ptr_array_unref (ws->writers);
  g_free (ws->outdir);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* The set writer as a sink */

typedef struct
{
  char         *root;
  StrataStrtab *strings;
  StrataSet    *set;
  GPtrArray    *writers;
} SetSink;

static gboolean
set_sink_add_trace (gpointer                   data,
                    guint                      trace,
                    const StrataScenarioTrace *info,
                    GError                   **error)
{
  SetSink *ss = data;
  g_autofree char *path = ss->root ? g_build_filename (ss->root, info->name, NULL)
                                   : g_strdup (info->name);
  StrataCtfWriterOptions options = { 0 };
  StrataSetWriter *writer;

  g_assert (trace == ss->writers->len);

  options.hostname = info->hostname;
  options.n_cpus = info->n_cpus;
  options.offset_s = info->offset_s;
  options.legacy_naming = info->legacy;
  options.kernel_release = info->kernel_release;
  options.uuid_seed = info->uuid_seed;
  if ((writer = strata_set_writer_new (ss->set, path, &options, ss->strings, error)) == NULL)
    return FALSE;
  g_ptr_array_add (ss->writers, writer);
  return TRUE;
}

static gboolean
set_sink_event (gpointer            data,
                guint               trace,
                const StrataEvent  *event,
                GError            **error)
{
  SetSink *ss = data;

  return strata_set_writer_add (g_ptr_array_index (ss->writers, trace), event, error);
}

static gboolean
set_sink_discard (gpointer   data,
                  guint      trace,
                  guint      cpu,
                  guint64    count,
                  gint64     ts,
                  GError   **error)
{
  SetSink *ss = data;

  return strata_set_writer_discard (g_ptr_array_index (ss->writers, trace), cpu, count, ts,
                                    error);
}

static const StrataScenarioSink set_sink_funcs = {
  set_sink_add_trace, set_sink_event, set_sink_discard,
};

static void
set_sink_init (SetSink      *ss,
               const char   *root,
               StrataStrtab *strings)
{
  ss->root = g_strdup (root);
  ss->strings = strings;
  ss->set = strata_set_new ();
  ss->writers = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_set_writer_free);
}

/* strata_trace_load() lists the traces it finds sorted by path. */
static gint
compare_trace_paths (gconstpointer a,
                     gconstpointer b)
{
  const StrataTrace *ta = *(const StrataTrace * const *) a;
  const StrataTrace *tb = *(const StrataTrace * const *) b;

  return strcmp (ta->path, tb->path);
}

static StrataSet *
set_sink_finish (SetSink  *ss,
                 gboolean  ok)
{
  g_autoptr(StrataSet) set = g_steal_pointer (&ss->set);

  g_ptr_array_unref (ss->writers);
  g_free (ss->root);
  if (!ok)
    return NULL;
  g_ptr_array_sort (set->traces, compare_trace_paths);
  strata_set_finish (set);
  return g_steal_pointer (&set);
}

/* ------------------------------------------------------------------------------------------ */
/* Writing and loading */

gboolean
strata_scenario_write (const StrataScenarioParams  *params,
                       const char                  *outdir,
                       StrataScenarioStats         *stats,
                       GError                     **error)
{
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  WriteSink ws;
  gboolean ok;

  g_return_val_if_fail (params != NULL, FALSE);
  g_return_val_if_fail (outdir != NULL, FALSE);

  write_sink_init (&ws, outdir, strings);
  ok = strata_scenario_generate (params, strings, &write_sink_funcs, &ws, error);
  return write_sink_finish (&ws, ok, stats, error);
}

gboolean
strata_scenario_write_demo (const char  *outdir,
                            GError     **error)
{
  StrataScenarioParams params = { STRATA_SCENARIO_DEMO, 0, FALSE };

  return strata_scenario_write (&params, outdir, NULL, error);
}

gboolean
strata_scenario_write_bench (const char  *outdir,
                             guint64      n_events,
                             GError     **error)
{
  StrataScenarioParams params = { STRATA_SCENARIO_BENCH, n_events, FALSE };

  return strata_scenario_write (&params, outdir, NULL, error);
}

gboolean
strata_scenario_write_string (const char           *text,
                              const char           *source,
                              const char           *outdir,
                              StrataScenarioStats  *stats,
                              GError              **error)
{
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  WriteSink ws;
  gboolean ok;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (outdir != NULL, FALSE);

  write_sink_init (&ws, outdir, strings);
  ok = strata_scenario_parse (text, source, strings, &write_sink_funcs, &ws, error);
  return write_sink_finish (&ws, ok, stats, error);
}

gboolean
strata_scenario_write_file (const char  *scenario_path,
                            const char  *outdir,
                            GError     **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (scenario_path != NULL, FALSE);

  if (!g_file_get_contents (scenario_path, &text, NULL, error))
    return FALSE;
  return strata_scenario_write_string (text, scenario_path, outdir, NULL, error);
}

StrataSet *
strata_scenario_load (const StrataScenarioParams  *params,
                      const char                  *root,
                      GError                     **error)
{
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  SetSink ss;
  gboolean ok;

  g_return_val_if_fail (params != NULL, NULL);

  set_sink_init (&ss, root, strings);
  ok = strata_scenario_generate (params, strings, &set_sink_funcs, &ss, error);
  return set_sink_finish (&ss, ok);
}

StrataSet *
strata_scenario_load_string (const char  *text,
                             const char  *source,
                             const char  *root,
                             GError     **error)
{
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  SetSink ss;
  gboolean ok;

  g_return_val_if_fail (text != NULL, NULL);

  set_sink_init (&ss, root, strings);
  ok = strata_scenario_parse (text, source, strings, &set_sink_funcs, &ss, error);
  return set_sink_finish (&ss, ok);
}
