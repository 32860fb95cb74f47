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
/* The writers as a sink: CTF folders, or a set in memory */

typedef struct
{
  char         *root;        /* each trace goes to root/<name>; NULL: <name> */
  StrataStrtab *strings;
  StrataSet    *set;         /* the set writers' output; NULL: CTF writers */
  GPtrArray    *writers;     /* StrataCtfWriter* or StrataSetWriter*, by trace */
} Output;

static gboolean
output_add_trace (gpointer                   data,
                  guint                      trace,
                  const StrataScenarioTrace *info,
                  GError                   **error)
{
  Output *out = data;
  g_autofree char *path = out->root ? g_build_filename (out->root, info->name, NULL)
                                    : g_strdup (info->name);
  StrataCtfWriterOptions options = { 0 };
  gpointer writer;

  g_assert (trace == out->writers->len);

  options.hostname = info->hostname;
  options.n_cpus = info->n_cpus;
  options.offset_s = info->offset_s;
  options.legacy_naming = info->legacy;
  options.kernel_release = info->kernel_release;
  options.uuid_seed = info->uuid_seed;
  if (out->set != NULL)
    writer = strata_set_writer_new (out->set, path, &options, out->strings, error);
  else
    writer = strata_ctf_writer_new (path, &options, out->strings, error);
  if (writer == NULL)
    return FALSE;
  g_ptr_array_add (out->writers, writer);
  return TRUE;
}

static gboolean
output_event (gpointer            data,
              guint               trace,
              const StrataEvent  *event,
              GError            **error)
{
  Output *out = data;
  gpointer writer = g_ptr_array_index (out->writers, trace);

  if (out->set != NULL)
    return strata_set_writer_add (writer, event, error);
  return strata_ctf_writer_add (writer, event, error);
}

static gboolean
output_discard (gpointer   data,
                guint      trace,
                guint      cpu,
                guint64    count,
                gint64     ts,
                GError   **error)
{
  Output *out = data;
  gpointer writer = g_ptr_array_index (out->writers, trace);

  if (out->set != NULL)
    return strata_set_writer_discard (writer, cpu, count, ts, error);
  return strata_ctf_writer_discard (writer, cpu, count, ts, error);
}

static const StrataScenarioSink output_funcs = {
  output_add_trace, output_event, output_discard,
};

static void
output_init (Output       *out,
             const char   *root,
             StrataStrtab *strings,
             gboolean      in_memory)
{
  out->root = g_strdup (root);
  out->strings = strings;
  out->set = in_memory ? strata_set_new () : NULL;
  out->writers = g_ptr_array_new_with_free_func (
    in_memory ? (GDestroyNotify) strata_set_writer_free : (GDestroyNotify) strata_ctf_writer_free);
}

/* Closes the CTF writers; @stats, when not NULL, receives what they wrote. */
static gboolean
output_finish_files (Output               *out,
                     gboolean              ok,
                     StrataScenarioStats  *stats,
                     GError              **error)
{
  StrataScenarioStats total = { 0 };

  for (guint i = 0; ok && i < out->writers->len; i++)
    {
      StrataCtfWriter *writer = g_ptr_array_index (out->writers, i);

      ok = strata_ctf_writer_close (writer, error);
      total.n_traces++;
      total.n_events += strata_ctf_writer_get_event_count (writer);
      total.n_discarded += strata_ctf_writer_get_discarded (writer);
    }
  if (ok && stats != NULL)
    *stats = total;
  g_ptr_array_unref (out->writers);
  g_free (out->root);
  return ok;
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

/* The set the set writers filled, finished as strata_trace_load() finishes its own. */
static StrataSet *
output_finish_set (Output   *out,
                   gboolean  ok)
{
  g_autoptr(StrataSet) set = g_steal_pointer (&out->set);

  g_ptr_array_unref (out->writers);
  g_free (out->root);
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
  Output out;
  gboolean ok;

  g_return_val_if_fail (params != NULL, FALSE);
  g_return_val_if_fail (outdir != NULL, FALSE);

  output_init (&out, outdir, strings, FALSE);
  ok = strata_scenario_generate (params, strings, &output_funcs, &out, error);
  return output_finish_files (&out, ok, stats, error);
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
  Output out;
  gboolean ok;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (outdir != NULL, FALSE);

  output_init (&out, outdir, strings, FALSE);
  ok = strata_scenario_parse (text, source, strings, &output_funcs, &out, error);
  return output_finish_files (&out, ok, stats, error);
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
  Output out;
  gboolean ok;

  g_return_val_if_fail (params != NULL, NULL);

  output_init (&out, root, strings, TRUE);
  ok = strata_scenario_generate (params, strings, &output_funcs, &out, error);
  return output_finish_set (&out, ok);
}

StrataSet *
strata_scenario_load_string (const char  *text,
                             const char  *source,
                             const char  *root,
                             GError     **error)
{
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  Output out;
  gboolean ok;

  g_return_val_if_fail (text != NULL, NULL);

  output_init (&out, root, strings, TRUE);
  ok = strata_scenario_parse (text, source, strings, &output_funcs, &out, error);
  return output_finish_set (&out, ok);
}
