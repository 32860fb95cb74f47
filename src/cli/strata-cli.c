/* strata-cli.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-cli"

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-analysis.h"
#include "strata-cli-private.h"
#include "strata-describe.h"
#include "strata-exit-reason.h"
#include "strata-follow.h"
#include "strata-json.h"
#include "strata-layout.h"
#include "strata-loader.h"
#include "strata-memory.h"
#include "strata-renderer.h"
#include "strata-time.h"
#include "strata-vm-map.h"


/* Image sizes the renderer draws (cairo's limit is 32767), and the least width that leaves
 * the rows' body room next to their headers. */
#define MIN_WIDTH 200
#define MAX_SIZE  16384

/* Escaped text lives until the process ends: a handful of strings per line printed. */
static GPtrArray *escaped;

static gboolean
needs_escape (gunichar c)
{
  /* C0 and C1 controls, DEL, and the bidirectional overrides that reorder what follows. */
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || (c >= 0x202a && c <= 0x202e) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

/*
 * Text from a trace (host names, paths, thread names, messages that quote them) as a
 * terminal may show it: control characters, and bytes that are not UTF-8, are written as
 * escapes, so that a name cannot move the cursor, change colours or forge a line.
 */
const char *
esc (const char *text)
{
  GString *out;

  if (text == NULL)
    return NULL;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2 || needs_escape (c))
        goto escape;
    }
  return text;

escape:
  out = g_string_new (NULL);
  for (const char *p = text; *p != '\0';)
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }
      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x80 && needs_escape (c))
        g_string_append_printf (out, "\\x%02x", c);
      else if (needs_escape (c))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  if (escaped == NULL)
    escaped = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (escaped, out->str);
  return g_string_free (out, FALSE);
}

void
json_nullable_int (StrataJson *json,
                   gint64      value)
{
  if (value < 0)
    strata_json_null (json);
  else
    strata_json_int (json, value);
}

/* One cause of a preemption, written alike by every command that lists causes in JSON. */
void
print_cause_json (StrataAnalysis              *analysis,
                  StrataJson                  *json,
                  const StrataPreemptionCause *cause)
{
  strata_json_begin_object (json);
  strata_json_key (json, "machine");
  strata_json_string (json, strata_analysis_get_machine_name (analysis, cause->machine));
  strata_json_key (json, "tid");
  json_nullable_int (json, cause->tid);
  strata_json_key (json, "comm");
  strata_json_string (json, cause->comm != 0 ? strata_analysis_string (analysis, cause->comm) : NULL);
  strata_json_key (json, "vcpu");
  json_nullable_int (json, cause->vcpu);
  strata_json_key (json, "state");
  strata_json_string (json, strata_cause_state_to_string (cause->state));
  strata_json_key (json, "ns");
  strata_json_int (json, cause->ns);
  strata_json_end_object (json);
}

static void
print_info_json (StrataAnalysis *analysis)
{
  StrataSet *set = analysis->set;
  g_autoptr(GString) out = g_string_new (NULL);
  StrataJson json;

  strata_json_init (&json, out);
  strata_json_begin_object (&json);
  strata_json_key (&json, "begin_ns");
  strata_json_int (&json, strata_store_begin (analysis->store));
  strata_json_key (&json, "end_ns");
  strata_json_int (&json, strata_store_end (analysis->store));

  strata_json_key (&json, "traces");
  strata_json_begin_array (&json);
  for (guint i = 0; i < set->traces->len; i++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, i);

      strata_json_begin_object (&json);
      strata_json_key (&json, "path");
      strata_json_string (&json, trace->path);
      strata_json_key (&json, "machine");
      strata_json_string (&json, trace->failed ? NULL : trace->machine);
      strata_json_key (&json, "events");
      strata_json_int (&json, trace->events);
      strata_json_key (&json, "discarded");
      strata_json_int (&json, trace->discarded);
      strata_json_key (&json, "streams");
      strata_json_int (&json, trace->streams->len);
      strata_json_key (&json, "begin_ns");
      strata_json_int (&json, trace->begin_ns);
      strata_json_key (&json, "end_ns");
      strata_json_int (&json, trace->end_ns);
      strata_json_key (&json, "domain");
      strata_json_string (&json, trace->domain);
      strata_json_key (&json, "tracer");
      strata_json_string (&json, trace->tracer);
      strata_json_key (&json, "errors");
      strata_json_begin_array (&json);
      for (guint e = 0; e < trace->errors->len; e++)
        strata_json_string (&json, g_ptr_array_index (trace->errors, e));
      strata_json_end_array (&json);
      strata_json_end_object (&json);
    }
  strata_json_end_array (&json);

  strata_json_key (&json, "machines");
  strata_json_begin_array (&json);
  for (guint i = 0; i < analysis->machines->len; i++)
    {
      StrataMachine *m = g_ptr_array_index (analysis->machines, i);

      strata_json_begin_object (&json);
      strata_json_key (&json, "name");
      strata_json_string (&json, m->name);
      strata_json_key (&json, "role");
      strata_json_string (&json, strata_role_to_string (m->role));
      strata_json_key (&json, "parent");
      strata_json_string (&json, strata_analysis_get_machine_name (analysis, m->parent));
      strata_json_key (&json, "cpus");
      strata_json_int (&json, m->n_cpus);
      strata_json_key (&json, "vcpus");
      strata_json_begin_array (&json);
      for (guint v = 0; v < m->vcpus->len; v++)
        {
          StrataVcpu *vc = &g_array_index (m->vcpus, StrataVcpu, v);

          strata_json_begin_object (&json);
          strata_json_key (&json, "id");
          strata_json_int (&json, vc->id);
          strata_json_key (&json, "host_tid");
          strata_json_int (&json, vc->host_tid);
          strata_json_end_object (&json);
        }
      strata_json_end_array (&json);
      strata_json_key (&json, "vm_pid");
      json_nullable_int (&json, m->vm_pid);
      /* false: no event named the VM's process; vm_pid is its first vCPU thread's id. */
      strata_json_key (&json, "vm_pid_known");
      if (m->vm_pid < 0)
        strata_json_null (&json);
      else
        strata_json_bool (&json, !m->vm_pid_guessed);
      strata_json_key (&json, "link");
      strata_json_string (&json, m->link != STRATA_LINK_NONE ? strata_link_to_string (m->link) : NULL);
      strata_json_key (&json, "fits");
      strata_json_begin_array (&json);
      for (guint f = 0; f < m->fits->len; f++)
        {
          const StrataVmFit *fit = &g_array_index (m->fits, StrataVmFit, f);

          strata_json_begin_object (&json);
          strata_json_key (&json, "vm_pid");
          strata_json_int (&json, fit->vm_pid);
          strata_json_key (&json, "vcpus");
          strata_json_int (&json, fit->n_vcpus);
          strata_json_key (&json, "verdict");
          strata_json_string (&json, strata_kvm_verdict_to_string (fit->verdict));
          strata_json_key (&json, "outside");
          strata_json_double (&json, fit->outside);
          strata_json_key (&json, "empty");
          strata_json_double (&json, fit->empty);
          strata_json_key (&json, "events");
          strata_json_int (&json, fit->events);
          strata_json_end_object (&json);
        }
      strata_json_end_array (&json);
      strata_json_key (&json, "outside_guest_mode");
      strata_json_int (&json, m->outside_guest_mode);
      strata_json_key (&json, "sync");
      strata_json_begin_object (&json);
      strata_json_key (&json, "method");
      strata_json_string (&json, strata_sync_method_to_string (m->sync_method));
      strata_json_key (&json, "reference");
      strata_json_string (&json, strata_analysis_get_machine_name (analysis, m->sync_reference));
      strata_json_key (&json, "matches");
      strata_json_int (&json, m->sync.matches);
      strata_json_key (&json, "quality");
      strata_json_string (&json, strata_sync_quality_to_string (m->sync.quality));
      strata_json_key (&json, "alpha");
      strata_json_double (&json, m->sync.alpha);
      strata_json_key (&json, "beta_ns");
      {
        char buf[64];

        /* beta_ns is near the epoch in ns: every digit of the long double, and no decimal
         * separator that a locale could turn into a comma. */
        g_snprintf (buf, sizeof buf, "%.0Lf", m->sync.beta_ns);
        strata_json_number_text (&json, buf);
      }
      strata_json_key (&json, "accuracy");
      strata_json_double (&json, m->sync.accuracy_ns);
      /* With messages one way only, accuracy is null: the side the true clock may lie on. */
      if (strata_sync_one_sided (&m->sync) != 0)
        {
          strata_json_key (&json, "bound");
          strata_json_string (&json, strata_sync_one_sided (&m->sync) < 0 ? "earlier" : "later");
        }
      /* The same line in a form that doubles evaluate to the nanosecond (alpha * 1.7e18 alone
       * loses ~256 ns): reference_ns = reference_origin_ns + d + round (drift * d + offset_ns),
       * d = own_ns - own_origin_ns, an integer that doubles hold exactly. */
      strata_json_key (&json, "own_origin_ns");
      strata_json_int (&json, m->sync.own_origin);
      strata_json_key (&json, "reference_origin_ns");
      strata_json_int (&json, m->sync.ref_origin);
      strata_json_key (&json, "drift");
      strata_json_double (&json, m->sync.drift);
      strata_json_key (&json, "offset_ns");
      strata_json_double (&json, m->sync.beta_rel);
      strata_json_end_object (&json);
      strata_json_end_object (&json);
    }
  strata_json_end_array (&json);

  strata_json_key (&json, "errors");
  strata_json_begin_array (&json);
  for (guint e = 0; e < set->errors->len; e++)
    strata_json_string (&json, g_ptr_array_index (set->errors, e));
  for (guint e = 0; e < analysis->warnings->len; e++)
    strata_json_string (&json, g_ptr_array_index (analysis->warnings, e));
  strata_json_end_array (&json);
  strata_json_end_object (&json);

  g_print ("%s\n", out->str);
}

static void
print_info_text (StrataAnalysis *analysis)
{
  StrataSet *set = analysis->set;
  gint64 b = strata_store_begin (analysis->store), e = strata_store_end (analysis->store);
  g_autofree char *begin = strata_time_format_absolute (b);
  g_autofree char *end = strata_time_format_absolute (e);
  g_autofree char *span = strata_time_format_duration (e - b);
  guint64 events = 0, discarded = 0;

  for (guint i = 0; i < set->traces->len; i++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, i);

      events += trace->events;
      discarded += trace->discarded;
    }

  /* A set without a single event it could date has no time range, least of all in 1970. */
  if (events == 0 || (b == 0 && e == 0))
    g_print ("%s\n", _("Time range: none (no events were read)"));
  else
    g_print (_("Time range: %s — %s (%s)\n"), begin, end, span);
  g_print (_("Events:     %" PRIu64 " read, %" PRIu64 " discarded\n"),
           events, discarded);
  g_print ("\n%s\n", _("Traces:"));
  for (guint i = 0; i < set->traces->len; i++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, i);

      g_print ("  %s\n", esc (trace->path));
      if (trace->failed)
        {
          g_print ("    %s\n", _("not loaded"));
          continue;
        }
      g_print (ngettext ("    machine %s, %s, %u stream, %" PRIu64 " events, %" PRIu64 " discarded\n",
                         "    machine %s, %s, %u streams, %" PRIu64 " events, %" PRIu64 " discarded\n",
                         trace->streams->len),
               esc (trace->machine), trace->tracer ? esc (trace->tracer) : _("unknown tracer"),
               trace->streams->len, trace->events, trace->discarded);
    }
  g_print ("\n%s\n", _("Machines:"));
  for (guint i = 0; i < analysis->machines->len; i++)
    {
      StrataMachine *m = g_ptr_array_index (analysis->machines, i);

      g_print ("  %s: %s", esc (m->name), strata_role_to_string (m->role));
      if (m->parent >= 0 && m->vm_pid_guessed)
        g_print (_(" of %s (qemu pid not known: no state dump or fork event names it; known by its vCPU thread %" PRId64 ")"),
                 esc (strata_analysis_get_machine_name (analysis, m->parent)), m->vm_pid);
      else if (m->parent >= 0)
        g_print (_(" of %s (qemu pid %" PRId64 ")"),
                 esc (strata_analysis_get_machine_name (analysis, m->parent)), m->vm_pid);
      if (m->link == STRATA_LINK_VMSYNC)
        g_print (_(", linked by its vmsync events"));
      else if (m->link == STRATA_LINK_KVM)
        g_print (_(", linked by its KVM windows"));
      else if (m->link == STRATA_LINK_MAP)
        g_print (_(", linked by --map"));
      g_print (ngettext (", %u CPU", ", %u CPUs", m->n_cpus), m->n_cpus);
      for (guint v = 0; v < m->vcpus->len; v++)
        g_print (v == 0 ? _(", vCPU threads %d:%d") : " %d:%d",
                 g_array_index (m->vcpus, StrataVcpu, v).id, g_array_index (m->vcpus, StrataVcpu, v).host_tid);
      g_print ("\n");
      if (m->sync_method != STRATA_SYNC_METHOD_NONE)
        {
          g_autofree char *acc = strata_describe_sync_accuracy (&m->sync);
          const char *reference = strata_analysis_get_machine_name (analysis, m->sync_reference);

          g_print (_("    clock: %s sync to %s, %u matches, %s, alpha %.9f, beta %.0Lf ns, accuracy %s\n"),
                   strata_sync_method_to_string (m->sync_method), reference ? esc (reference) : "—",
                   m->sync.matches, strata_sync_quality_to_string (m->sync.quality), m->sync.alpha,
                   m->sync.beta_ns, acc);
        }
    }
  if (set->errors->len > 0 || analysis->warnings->len > 0)
    {
      g_print ("\n%s\n", _("Errors:"));
      for (guint i = 0; i < set->errors->len; i++)
        g_print ("  %s\n", esc (g_ptr_array_index (set->errors, i)));
      for (guint i = 0; i < analysis->warnings->len; i++)
        g_print ("  %s\n", esc (g_ptr_array_index (analysis->warnings, i)));
    }
}

static GArray *maps;                /* StrataVmMap, as --map gave them */
static gboolean listing_problems;   /* info: the set's problems go to stdout with the rest */

static void
map_clear (gpointer data)
{
  g_free (((StrataVmMap *) data)->guest);
}

static gboolean
add_map (const char  *option,
         const char  *value,
         gpointer     data,
         GError     **error)
{
  StrataVmMap map;

  if (!strata_vm_map_parse (value, &map, error))
    return FALSE;
  g_array_append_val (maps, map);
  return TRUE;
}

static const GOptionEntry map_entries[] = {
  { "map", 0, 0, G_OPTION_ARG_CALLBACK, add_map,
    N_("Link a guest trace to the VM of a host process (no vmsync events)"), N_("GUEST=HOST_PID") },
  { NULL }
};

static gboolean no_cache;

static const GOptionEntry cache_entries[] = {
  { "no-cache", 0, 0, G_OPTION_ARG_NONE, &no_cache,
    N_("Read and analyse the traces, neither using nor saving a saved analysis"), NULL },
  { NULL }
};

/* The set's problems (a trace left out, a stream damaged) and the analysis's warnings, on
 * stderr: the commands other than info print only what they were asked on stdout, and
 * figures from a set that lost part of a trace must not pass for whole. The first few, then
 * how many more info lists. */
#define MAX_PROBLEMS 3

static void
report_problems (StrataAnalysis *analysis)
{
  GPtrArray *lists[] = { analysis->set->errors, analysis->warnings };
  guint n = 0, total = analysis->set->errors->len + analysis->warnings->len;

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len && n < MAX_PROBLEMS; i++, n++)
      g_printerr ("strata-cli: %s\n", esc (g_ptr_array_index (lists[l], i)));
  if (total > n)
    g_printerr (ngettext ("strata-cli: and %u more problem (strata-cli info lists them all)\n",
                          "strata-cli: and %u more problems (strata-cli info lists them all)\n", total - n),
                total - n);
}

/* Whether the set spans some time: one of no events has no range to look at, whatever the
 * options say. */
gboolean
set_has_time (const char     *command,
              StrataAnalysis *analysis)
{
  if (strata_store_end (analysis->store) > strata_store_begin (analysis->store))
    return TRUE;
  g_printerr (_("strata-cli %s: the set holds no events: there is no time range to look at\n"), command);
  return FALSE;
}

/* Whether every --map links its guest to its VM. One that names no machine or no VM, or a
 * host, is a mistake in the command: it is said, as the set's problem about it, and the
 * command fails. */
static gboolean
maps_applied (StrataAnalysis *analysis)
{
  for (guint i = 0; i < maps->len; i++)
    {
      const StrataVmMap *map = &g_array_index (maps, StrataVmMap, i);
      g_autofree char *prefix = NULL;
      gboolean applied = FALSE;

      for (guint m = 0; m < analysis->machines->len && !applied; m++)
        {
          const StrataMachine *machine = g_ptr_array_index (analysis->machines, m);

          applied = machine->role == STRATA_ROLE_GUEST && g_strcmp0 (machine->name, map->guest) == 0 &&
                    machine->vm_pid == map->host_pid;
        }
      prefix = g_strdup_printf ("--map %s=%" G_GINT64_FORMAT ":", map->guest, map->host_pid);
      if (applied)
        continue;
      for (guint w = 0; w < analysis->warnings->len; w++)
        if (g_str_has_prefix (g_ptr_array_index (analysis->warnings, w), prefix))
          {
            g_printerr ("strata-cli: %s\n", esc (g_ptr_array_index (analysis->warnings, w)));
            return FALSE;
          }
      g_printerr (_("strata-cli: %s the map is not used\n"), esc (prefix));
      return FALSE;
    }
  return TRUE;
}

StrataAnalysis *
load_or_report (char **paths)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataLoader) loader = NULL;
  StrataAnalysis *analysis;

  loader = strata_loader_new ((const char * const *) paths);
  for (guint i = 0; i < maps->len; i++)
    strata_loader_add_map (loader, g_array_index (maps, StrataVmMap, i).guest,
                           g_array_index (maps, StrataVmMap, i).host_pid);
  strata_loader_set_release_events (loader, TRUE);
  if (!no_cache)
    {
      g_autoptr(StrataCache) cache = strata_cache_new (NULL, 0);

      strata_loader_set_cache (loader, cache);
    }
  if ((analysis = strata_loader_load (loader, NULL, &error)) == NULL)
    g_printerr ("strata-cli: %s\n", esc (error->message));
  else if (!maps_applied (analysis))
    g_clear_pointer (&analysis, strata_analysis_unref);
  else if (!listing_problems)
    report_problems (analysis);
  if (strata_loader_get_cache (loader) != NULL)
    {
      g_autofree char *problem = strata_cache_take_problem (strata_loader_get_cache (loader));

      if (problem != NULL)
        g_printerr ("strata-cli: %s; %s\n", esc (problem), _("the analysis was not saved"));
    }
  return analysis;
}

/* Whether --machine @only (-1: none given) selects @machine: itself, or, when @only is a
 * host, each of its VMs. */
gboolean
machine_selected (StrataAnalysis *analysis,
                  gint            only,
                  guint           machine)
{
  return only < 0 || machine == (guint) only ||
         (machine < analysis->machines->len &&
          ((StrataMachine *) g_ptr_array_index (analysis->machines, machine))->parent == only);
}

/* Whether machine @only is the host of a VM of the set. */
gboolean
machine_is_vm_host (StrataAnalysis *analysis,
                    gint            only)
{
  for (guint m = 0; only >= 0 && m < analysis->machines->len; m++)
    if (((StrataMachine *) g_ptr_array_index (analysis->machines, m))->parent == only)
      return TRUE;
  return FALSE;
}

/* ---- what is checked before anything is loaded: a mistake costs no load ---- */

gboolean
check_paths (const char *command,
             char      **paths)
{
  if (paths == NULL || paths[0] == NULL)
    {
      g_printerr (_("strata-cli %s: no PATH given\n"), command);
      return FALSE;
    }
  for (guint i = 0; paths[i] != NULL; i++)
    if (paths[i][0] == '\0')
      {
        g_printerr (_("strata-cli %s: an empty PATH names no folder\n"), command);
        return FALSE;
      }
  return TRUE;
}

/* The form of a time; relative times are checked against a set that starts at 0. */
gboolean
check_time (const char *command,
            const char *option,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 ns;

  if (text == NULL || strata_time_parse (text, 0, &ns, &error))
    return TRUE;
  g_printerr ("strata-cli %s: %s: %s\n", command, option, esc (error->message));
  return FALSE;
}

static gboolean
is_number (const char *text)
{
  guint64 v = 0;

  if (text == NULL || *text == '\0' || strlen (text) > 10)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  v = g_ascii_strtoull (text, NULL, 10);
  return v <= G_MAXINT32;
}

/* pcpu/N, irq/N, or MACHINE/cpu/N, MACHINE/vcpu/N, MACHINE/thread/TID (a machine's name may
 * hold slashes itself: host/vm-3000). */
static gboolean
check_row (const char *command,
           const char *row)
{
  g_auto(GStrv) parts = g_strsplit (row, "/", -1);
  guint n = g_strv_length (parts);
  gboolean ok = FALSE;

  if (n == 2)
    ok = (g_str_equal (parts[0], "pcpu") || g_str_equal (parts[0], "irq")) && is_number (parts[1]);
  else if (n >= 3)
    ok = parts[0][0] != '\0' && is_number (parts[n - 1]) &&
         (g_str_equal (parts[n - 2], "cpu") || g_str_equal (parts[n - 2], "vcpu") ||
          g_str_equal (parts[n - 2], "thread"));
  if (!ok)
    g_printerr (_("strata-cli %s: “%s” is not a row name; rows are named pcpu/N, irq/N, softirq/V/cpu/N, MACHINE/cpu/N, MACHINE/vcpu/N and MACHINE/thread/TID\n"),
                command, esc (row));
  return ok;
}

/* The image file: its kind, and a folder it can be written in. */
static gboolean
check_output (const char *command,
              const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  g_autofree char *folder = NULL;
  GStatBuf st;
  int err = 0;

  if (!g_str_has_suffix (lower, ".png") && !g_str_has_suffix (lower, ".svg"))
    {
      g_printerr (_("strata-cli %s: %s: the file name must end in .png or .svg\n"), command, esc (path));
      return FALSE;
    }
  folder = g_path_get_dirname (path);
  if (g_stat (path, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        err = EISDIR;
      else if (access (path, W_OK) != 0)
        err = errno;
    }
  else if (errno != ENOENT)
    err = errno;
  else if (g_stat (folder, &st) != 0)
    err = errno;
  else if (!S_ISDIR (st.st_mode))
    err = ENOTDIR;
  else if (access (folder, W_OK) != 0)
    err = errno;
  if (err != 0)
    {
      g_printerr (_("strata-cli %s: cannot write %s: %s\n"), command, esc (path), g_strerror (err));
      return FALSE;
    }
  return TRUE;
}

gboolean
parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv,
               const char      *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("strata-cli %s", command);
  GOptionGroup *group = g_option_group_new ("map", _("Guest links:"), _("Show guest link options"), NULL, NULL);

  /* What --help's usage line starts with (the parameter string says PATH…). */
  g_set_prgname (name);

  g_option_group_add_entries (group, map_entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_add_group (context, group);
  group = g_option_group_new ("cache", _("Saved analyses:"), _("Show saved analysis options"), NULL, NULL);
  g_option_group_add_entries (group, cache_entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_add_group (context, group);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("strata-cli %s: %s\n", command, esc (error->message));
      return FALSE;
    }
  return TRUE;
}

static int
cmd_info (int    argc,
          char **argv)
{
  gboolean json = FALSE;
  g_auto(GStrv) paths = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PATH… — describe a trace set"));
  g_autoptr(StrataAnalysis) analysis = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, "info") || !check_paths ("info", paths))
    return EXIT_USAGE;
  /* Listed with the rest on stdout. */
  listing_problems = TRUE;
  if ((analysis = load_or_report (paths)) == NULL)
    return EXIT_BAD_INPUT;
  if (json)
    print_info_json (analysis);
  else
    print_info_text (analysis);
  return EXIT_OK;
}

gboolean
parse_time_option (const char     *text,
                   StrataAnalysis *analysis,
                   gint64         *out)
{
  g_autoptr(GError) error = NULL;

  if (text == NULL)
    return TRUE;
  if (!strata_time_parse (text, strata_store_begin (analysis->store), out, &error))
    {
      g_printerr ("strata-cli: %s\n", esc (error->message));
      return FALSE;
    }
  return TRUE;
}

/* The port or MSR an exit names, as an object: {"port":N,"direction":"in","size":N|null} or
 * {"msr":N|null,"direction":"read"}; nothing when it names neither. */
static void
json_exit_detail (StrataJson            *json,
                  StrataAnalysis        *analysis,
                  const StrataStateDesc *d,
                  gint64                 ts)
{
  StrataExitDetail detail;
  gboolean port;

  if (!strata_exits_detail_at (analysis->exits, d->machine, d->vcpu, ts, &detail))
    return;
  port = detail.kind == STRATA_EXIT_DETAIL_PORT_IN || detail.kind == STRATA_EXIT_DETAIL_PORT_OUT;
  strata_json_key (json, "exit_detail");
  strata_json_begin_object (json);
  strata_json_key (json, port ? "port" : "msr");
  if (detail.has_value)
    strata_json_int (json, detail.value);
  else
    strata_json_null (json);
  strata_json_key (json, "direction");
  strata_json_string (json, detail.kind == STRATA_EXIT_DETAIL_PORT_IN ? "in"
                            : detail.kind == STRATA_EXIT_DETAIL_PORT_OUT ? "out"
                            : detail.kind == STRATA_EXIT_DETAIL_MSR_READ ? "read" : "write");
  if (port)
    {
      strata_json_key (json, "size");
      if (detail.size > 0)
        strata_json_int (json, detail.size);
      else
        strata_json_null (json);
    }
  strata_json_end_object (json);
}

void
json_state_detail (StrataJson            *json,
                   StrataAnalysis        *analysis,
                   const StrataStateDesc *d)
{
  const char *name = d->detail != 0 ? strata_analysis_string (analysis, d->detail) : NULL;

  if (d->state == STRATA_STATE_SYSCALL && name != NULL)
    {
      strata_json_key (json, "syscall");
      strata_json_string (json, name);
    }
  else if ((d->state == STRATA_STATE_IRQ || d->state == STRATA_STATE_SOFTIRQ) && d->irq >= 0)
    {
      gboolean soft = d->state == STRATA_STATE_SOFTIRQ;

      if (soft)
        name = strata_softirq_vector_name (d->irq);
      strata_json_key (json, soft ? "softirq" : "irq");
      strata_json_int (json, d->irq);
      if (name != NULL)
        {
          strata_json_key (json, soft ? "softirq_name" : "irq_name");
          strata_json_string (json, name);
        }
    }
}

void
print_state_detail (StrataAnalysis        *analysis,
                    const StrataStateDesc *d)
{
  const char *name = d->detail != 0 ? strata_analysis_string (analysis, d->detail) : NULL;

  if (d->state == STRATA_STATE_SYSCALL && name != NULL)
    g_print ("  %s", esc (name));
  else if ((d->state == STRATA_STATE_IRQ || d->state == STRATA_STATE_SOFTIRQ) && d->irq >= 0)
    {
      gboolean soft = d->state == STRATA_STATE_SOFTIRQ;

      if (soft)
        name = strata_softirq_vector_name (d->irq);
      g_print ("  %s %d", soft ? "soft IRQ" : "IRQ", d->irq);
      if (name != NULL)
        g_print (" (%s)", esc (name));
    }
}

static void
print_interval (StrataAnalysis       *analysis,
                StrataJson           *json,
                const StrataInterval *iv)
{
  const StrataStateDesc *d = iv->desc;
  const char *machine = d->machine == STRATA_NO_MACHINE ? NULL
                        : strata_analysis_get_machine_name (analysis, d->machine);
  const char *comm = d->comm ? strata_analysis_string (analysis, d->comm) : NULL;
  gint tid = iv->tid;
  guint8 isa;
  guint32 code;

  if (json != NULL)
    {
      /* Under a guest's name, a thread is the guest's: a VM traced from the host alone shows
       * its vCPU thread, which is the host's (host_tid), not a thread of that machine. (A
       * traced guest's thread may have the same number in its own namespace.) */
      if (machine != NULL && d->host_tid >= 0 && d->host_tid == tid &&
          strata_analysis_machine_is_guest (analysis, d->machine) &&
          strata_analysis_get_machine (analysis, d->machine)->trace == NULL)
        {
          tid = -1;
          comm = NULL;
        }
      strata_json_begin_object (json);
      strata_json_key (json, "start_ns");
      strata_json_int (json, iv->start);
      strata_json_key (json, "end_ns");
      strata_json_int (json, iv->end);
      strata_json_key (json, "state");
      strata_json_string (json, strata_state_to_string (d->state));
      strata_json_key (json, "machine");
      strata_json_string (json, machine);
      strata_json_key (json, "vcpu");
      json_nullable_int (json, d->vcpu);
      strata_json_key (json, "tid");
      json_nullable_int (json, tid);
      strata_json_key (json, "comm");
      strata_json_string (json, comm);
      json_state_detail (json, analysis, d);
      if (d->state == STRATA_STATE_HYPERVISOR && d->machine != STRATA_NO_MACHINE && d->vcpu >= 0 &&
          strata_exits_at (analysis->exits, d->machine, d->vcpu, iv->start, &isa, &code, NULL, NULL))
        {
          strata_json_key (json, "exit_reason");
          strata_json_string (json, strata_exit_reason_display (isa, code));
          json_exit_detail (json, analysis, d, iv->start);
        }
      if (d->host_tid >= 0 && d->host_tid != tid)
        {
          strata_json_key (json, "host_tid");
          strata_json_int (json, d->host_tid);
          strata_json_key (json, "host_comm");
          strata_json_string (json, strata_analysis_string (analysis, strata_analysis_host_thread_name (analysis, d)));
        }
      strata_json_end_object (json);
    }
  else
    {
      g_autofree char *when = strata_time_format_absolute (iv->start);
      g_autofree char *dur = strata_time_format_duration (iv->end - iv->start);
      g_autofree char *vcpu = d->vcpu >= 0 ? g_strdup_printf ("vcpu %d", d->vcpu) : g_strdup ("");
      g_autofree char *tid_text = iv->tid >= 0 ? g_strdup_printf ("%d", iv->tid) : g_strdup ("");

      g_print ("%s  %12s  %-11s %-18s %-7s %7s %s", when, dur, strata_state_to_string (d->state),
               machine ? esc (machine) : "", vcpu, tid_text, comm ? esc (comm) : "");
      print_state_detail (analysis, d);
      if (d->state == STRATA_STATE_HYPERVISOR && d->machine != STRATA_NO_MACHINE && d->vcpu >= 0 &&
          strata_exits_at (analysis->exits, d->machine, d->vcpu, iv->start, &isa, &code, NULL, NULL))
        {
          StrataExitDetail detail;

          g_print ("  %s", strata_exit_reason_label (isa, code));
          if (strata_exits_detail_at (analysis->exits, d->machine, d->vcpu, iv->start, &detail))
            {
              g_autofree char *text = strata_exit_detail_format (&detail);

              g_print (" (%s)", text);
            }
        }
      g_print ("\n");
    }
}

static int
cmd_intervals (int    argc,
               char **argv)
{
  gboolean json = FALSE;
  g_autofree char *row_name = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_auto(GStrv) paths = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "row", 0, 0, G_OPTION_ARG_STRING, &row_name, N_("The row: pcpu/N, irq/N, MACHINE/cpu/N, MACHINE/vcpu/N, MACHINE/thread/TID"), N_("ROW") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("Start: ns, or +1.5s from the set's start"), N_("T") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("End: ns, or +2s from the set's start"), N_("T") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PATH… — the intervals of one row"));
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  StrataJson writer;
  gint64 from, to;
  guint64 first, last;
  gint row;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, "intervals"))
    return EXIT_USAGE;
  if (row_name == NULL)
    {
      g_printerr ("%s\n", _("strata-cli intervals: --row ROW is required"));
      return EXIT_USAGE;
    }
  if (!check_row ("intervals", row_name) || !check_time ("intervals", "--from", from_text) ||
      !check_time ("intervals", "--to", to_text) || !check_paths ("intervals", paths))
    return EXIT_USAGE;
  if ((analysis = load_or_report (paths)) == NULL || !set_has_time ("intervals", analysis))
    return EXIT_BAD_INPUT;
  if (!parse_range ("intervals", analysis, from_text, to_text, &from, &to))
    return EXIT_USAGE;
  if ((row = strata_store_find_row (analysis->store, row_name)) < 0)
    {
      g_printerr (_("strata-cli: no row “%s” in this set; rows are named pcpu/N, irq/N, softirq/V/cpu/N, MACHINE/cpu/N, MACHINE/vcpu/N and MACHINE/thread/TID\n"),
                  esc (row_name));
      return EXIT_BAD_INPUT;
    }

  /* A guest's thread: its states refined by what its vCPU did on the host. */
  if (strata_follow_can_refine (analysis, row))
    {
      strata_cli_print_followed (analysis, row, from, to, json);
      return EXIT_OK;
    }

  strata_store_range (analysis->store, row, from, MAX (to, from), &first, &last);
  strata_json_init (&writer, out);
  if (json)
    strata_json_begin_array (&writer);
  for (guint64 i = first; i < last; i++)
    {
      StrataInterval iv;

      strata_store_interval (analysis->store, row, i, &iv);
      if (!strata_state_desc_is_gap (iv.desc))
        print_interval (analysis, json ? &writer : NULL, &iv);
    }
  if (json)
    {
      strata_json_end_array (&writer);
      g_print ("%s\n", out->str);
    }
  return EXIT_OK;
}

/* A cause as a few words: "host stress (4001)", "web01 vCPU 1 nginx (812)", "web01 vCPU 1 in
 * guest mode", "web01 vCPU 1 in the hypervisor", "idle". */
static char *
cause_text (StrataAnalysis              *analysis,
            const StrataPreemptionCause *cause)
{
  const char *machine = strata_analysis_get_machine_name (analysis, cause->machine);
  const char *comm = cause->comm != 0 ? strata_analysis_string (analysis, cause->comm) : "?";

  switch (cause->state)
    {
    case STRATA_CAUSE_IDLE:
      return g_strdup (_("idle"));
    case STRATA_CAUSE_HYPERVISOR:
      if (cause->has_exit)
        /* Translators: another VM's vCPU thread in the host's kernel, handling a VM exit of
         * that reason (EPT_VIOLATION, HLT, …) */
        return g_strdup_printf (_("%s vCPU %d in the hypervisor (%s)"), machine, cause->vcpu,
                                strata_exit_reason_label (cause->exit_isa, cause->exit_code));
      return g_strdup_printf (_("%s vCPU %d in the hypervisor"), machine, cause->vcpu);
    case STRATA_CAUSE_GUEST:
      if (cause->tid < 0)
        return g_strdup_printf (_("%s vCPU %d in guest mode"), machine, cause->vcpu);
      return g_strdup_printf (_("%s vCPU %d %s (%d)"), machine, cause->vcpu, comm, cause->tid);
    case STRATA_CAUSE_HOST:
    default:
      if (cause->tid < 0)
        return g_strdup_printf (_("%s, an unknown thread"), machine);
      return g_strdup_printf ("%s %s (%d)", machine, comm, cause->tid);
    }
}

static int
cmd_preemptions (int    argc,
                 char **argv)
{
  gboolean json = FALSE;
  g_autofree char *machine = NULL;
  g_auto(GStrv) paths = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "machine", 0, 0, G_OPTION_ARG_STRING, &machine, N_("Only the vCPUs of this VM"), N_("NAME") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PATH… — every preemption of every vCPU, with its cause"));
  g_autoptr(StrataAnalysis) analysis = NULL;
  guint listed = 0;
  g_autoptr(GString) out = g_string_new (NULL);
  StrataJson writer;
  gint only = -1;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, "preemptions") || !check_paths ("preemptions", paths))
    return EXIT_USAGE;
  if ((analysis = load_or_report (paths)) == NULL)
    return EXIT_BAD_INPUT;
  if (machine != NULL && (only = strata_analysis_find_machine (analysis, machine)) < 0)
    {
      g_printerr (_("strata-cli: no machine “%s” in this set\n"), esc (machine));
      return EXIT_BAD_INPUT;
    }

  strata_json_init (&writer, out);
  if (json)
    strata_json_begin_array (&writer);
  for (guint i = 0; i < analysis->preemptions->len; i++)
    {
      StrataPreemption *p = &g_array_index (analysis->preemptions, StrataPreemption, i);

      if (!machine_selected (analysis, only, p->machine))
        continue;
      listed++;
      if (json)
        {
          strata_json_begin_object (&writer);
          strata_json_key (&writer, "kind");
          strata_json_string (&writer, strata_preemption_kind_to_string (p->kind));
          strata_json_key (&writer, "machine");
          strata_json_string (&writer, strata_analysis_get_machine_name (analysis, p->machine));
          strata_json_key (&writer, "vcpu");
          strata_json_int (&writer, p->vcpu);
          strata_json_key (&writer, "start_ns");
          strata_json_int (&writer, p->start);
          strata_json_key (&writer, "end_ns");
          strata_json_int (&writer, p->end);
          strata_json_key (&writer, "pcpu");
          strata_json_int (&writer, p->pcpu);
          strata_json_key (&writer, "open");
          strata_json_bool (&writer, p->open);
          /* Open because what came next was lost, not because the trace ended. */
          strata_json_key (&writer, "cut");
          strata_json_bool (&writer, p->cut);
          strata_json_key (&writer, "by");
          strata_json_begin_array (&writer);
          for (guint c = 0; c < p->by->len; c++)
            print_cause_json (analysis, &writer, &g_array_index (p->by, StrataPreemptionCause, c));
          strata_json_end_array (&writer);
          strata_json_end_object (&writer);
        }
      else
        {
          g_autofree char *when = strata_time_format_absolute (p->start);
          g_autofree char *dur = strata_time_format_duration (p->end - p->start);

          if (p->kind == STRATA_PREEMPTION_WAKEUP)
            g_print (_("%s  %12s  %s vCPU %d woken onto pCPU %d, waited behind"), when, dur,
                     esc (strata_analysis_get_machine_name (analysis, p->machine)), p->vcpu, p->pcpu);
          else
            g_print (_("%s  %12s  %s vCPU %d on pCPU %d, preempted by"), when, dur,
                     esc (strata_analysis_get_machine_name (analysis, p->machine)), p->vcpu, p->pcpu);
          for (guint c = 0; c < p->by->len; c++)
            {
              StrataPreemptionCause *cause = &g_array_index (p->by, StrataPreemptionCause, c);
              g_autofree char *cdur = strata_time_format_duration (cause->ns);
              g_autofree char *who = cause_text (analysis, cause);

              g_print (" %s %s%s", esc (who), cdur, c + 1 < p->by->len ? "," : "");
            }
          /* Before the host's first event on that pCPU, say so rather than name no one. */
          if (p->by->len == 0)
            g_print (_(" nothing traced on that pCPU then"));
          /* Open before the end: the trace stops knowing (events lost, a damaged file). */
          if (p->cut)
            g_print (_(" (what came next is not known: events were lost there)"));
          else if (p->open)
            g_print (_(" (still going when the trace ends)"));
          g_print ("\n");
        }
    }
  if (json)
    {
      strata_json_end_array (&writer);
      g_print ("%s\n", out->str);
    }
  else if (listed == 0)
    /* As exits and findings say theirs: nothing printed could be read as a failure. */
    g_print ("%s\n", _("No vCPU was preempted or waited for a pCPU."));
  return EXIT_OK;
}

static gboolean
machine_has_vcpu (const StrataMachine *machine,
                  gint32               vcpu)
{
  for (guint i = 0; machine->vcpus != NULL && i < machine->vcpus->len; i++)
    if (g_array_index (machine->vcpus, StrataVcpu, i).id == vcpu)
      return TRUE;
  return FALSE;
}

/* MACHINE, or MACHINE/vcpu/N: machine names may hold slashes themselves ("host/vm-500"). */
static gboolean
add_highlight (StrataAnalysis  *analysis,
               StrataHighlight *highlight,
               const char      *text)
{
  gint m = strata_analysis_find_machine (analysis, text);
  const char *suffix = g_strrstr (text, "/vcpu/");
  g_autofree char *name = NULL;
  StrataMachine *machine;
  guint64 vcpu;

  if (m >= 0)
    {
      strata_highlight_add_machine (highlight, m);
      return TRUE;
    }
  if (suffix == NULL)
    {
      g_printerr (_("strata-cli: no machine “%s” in this set\n"), esc (text));
      return FALSE;
    }
  name = g_strndup (text, suffix - text);
  if ((m = strata_analysis_find_machine (analysis, name)) < 0)
    {
      g_printerr (_("strata-cli: %s: no machine “%s” in this set\n"), esc (text), esc (name));
      return FALSE;
    }
  machine = g_ptr_array_index (analysis->machines, m);
  if (!g_ascii_string_to_unsigned (suffix + strlen ("/vcpu/"), 10, 0, G_MAXINT32, &vcpu, NULL) ||
      !machine_has_vcpu (machine, (gint32) vcpu))
    {
      g_printerr (_("strata-cli: %s: %s has no such vCPU\n"), esc (text), esc (name));
      return FALSE;
    }
  strata_highlight_add_vcpu (highlight, m, (guint) vcpu);
  return TRUE;
}

static int
cmd_render (int    argc,
            char **argv)
{
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *output = NULL;
  g_auto(GStrv) highlight = NULL;
  g_autofree char *follow = NULL;
  g_auto(GStrv) paths = NULL;
  int width = 1600, height = G_MININT;
  gboolean dark = FALSE;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("Start: ns, or +1.5s from the set's start"), N_("T") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("End: ns, or +2s from the set's start"), N_("T") },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, N_("Image width in pixels (1600)"), N_("W") },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, N_("Image height in pixels (fits every row)"), N_("H") },
    { "highlight", 0, 0, G_OPTION_ARG_STRING_ARRAY, &highlight, N_("Highlight a machine or one of its vCPUs, dim the others"), N_("MACHINE[/vcpu/N]") },
    { "follow", 0, 0, G_OPTION_ARG_STRING, &follow, N_("Outline where a thread was on the CPU, vCPU and pCPU rows"), N_("MACHINE/thread/TID") },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, N_("Dark colours"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PNG or SVG file to write"), N_("FILE") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PATH… — draw the resources view to an image"));
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(StrataLayout) layout = NULL;
  g_autoptr(GArray) visible = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataHighlight) highlighted = strata_highlight_new ();
  StrataRenderOptions options;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, "render"))
    return EXIT_USAGE;
  if (output == NULL)
    {
      g_printerr ("%s\n", _("strata-cli render: -o FILE.png or -o FILE.svg is required"));
      return EXIT_USAGE;
    }
  if (width < MIN_WIDTH || width > MAX_SIZE)
    {
      g_printerr (_("strata-cli render: --width must be from %d to %d pixels\n"), MIN_WIDTH, MAX_SIZE);
      return EXIT_USAGE;
    }
  if (height != G_MININT && (height < 1 || height > MAX_SIZE))
    {
      g_printerr (_("strata-cli render: --height must be from 1 to %d pixels\n"), MAX_SIZE);
      return EXIT_USAGE;
    }
  if (!check_output ("render", output) || !check_time ("render", "--from", from_text) ||
      !check_time ("render", "--to", to_text) || !check_paths ("render", paths))
    return EXIT_USAGE;
  if (follow != NULL && (!check_row ("render", follow) || strstr (follow, "/thread/") == NULL))
    {
      if (strstr (follow, "/thread/") == NULL)
        g_printerr (_("strata-cli render: --follow takes a thread's row, MACHINE/thread/TID, not “%s”\n"), esc (follow));
      return EXIT_USAGE;
    }
  if ((analysis = load_or_report (paths)) == NULL)
    return EXIT_BAD_INPUT;

  layout = strata_layout_new (analysis);
  visible = strata_layout_visible (layout, NULL);
  strata_render_options_init (&options, analysis, width, 1);
  options.dark = dark;
  if (height == G_MININT)
    {
      gint64 fits = (gint64) options.ruler_height + options.legend_height + (gint64) visible->len * options.row_height + 4;

      if (fits > MAX_SIZE)
        g_printerr (_("strata-cli render: %u rows do not fit in %d pixels; the image shows the first ones\n"),
                    visible->len, MAX_SIZE);
      height = (int) MIN (fits, MAX_SIZE);
    }
  options.height = height;
  if (!parse_time_option (from_text, analysis, &options.visible.begin) ||
      !parse_time_option (to_text, analysis, &options.visible.end))
    return EXIT_USAGE;
  if (from_text != NULL && options.visible.begin >= strata_store_end (analysis->store))
    {
      g_autofree char *span = strata_time_format_duration (strata_store_end (analysis->store) -
                                                           strata_store_begin (analysis->store));

      g_printerr (_("strata-cli render: --from is after the end of the set (+%s)\n"), span);
      return EXIT_USAGE;
    }
  if (strata_time_span_is_empty (options.visible))
    {
      g_printerr ("%s\n", _("strata-cli render: --to must be after --from"));
      return EXIT_USAGE;
    }
  for (guint i = 0; highlight && highlight[i]; i++)
    if (!add_highlight (analysis, highlighted, highlight[i]))
      return EXIT_BAD_INPUT;
  options.highlight = highlighted;
  if (follow != NULL &&
      ((options.follow_row = strata_store_find_row (analysis->store, follow)) < 0 ||
       strata_store_row_kind (analysis->store, options.follow_row) != STRATA_ROW_THREAD))
    {
      g_printerr (_("strata-cli: no row “%s” in this set; rows are named pcpu/N, irq/N, softirq/V/cpu/N, MACHINE/cpu/N, MACHINE/vcpu/N and MACHINE/thread/TID\n"),
                  esc (follow));
      return EXIT_BAD_INPUT;
    }
  if (!strata_render_to_file (analysis, layout, &options, output, &error))
    {
      g_printerr ("strata-cli: %s\n", esc (error->message));
      return EXIT_BAD_INPUT;
    }
  return EXIT_OK;
}

static void
usage (FILE *fp)
{
  fprintf (fp, "%s",
           _("Usage: strata-cli COMMAND [OPTION…] PATH…\n"
             "\n"
             "Commands:\n"
             "  info [--json] PATH…                         traces, machines, sync and errors\n"
             "  intervals [--json] --row ROW [--from T] [--to T] PATH…\n"
             "                                              the intervals of one row\n"
             "  preemptions [--json] [--machine NAME] PATH…  vCPU preemptions and their cause\n"
             "  exits [--json] [--from T] [--to T] [--machine NAME] PATH…\n"
             "                                              VM exits per vCPU and reason\n"
             "  stats [--json] [--from T] [--to T] PATH…     where each vCPU's and pCPU's time went\n"
             "  findings [--json] [--from T] [--to T] [--machine NAME] PATH…\n"
             "                                              lock-holder preemptions\n"
             "  render [--from T] [--to T] [--width W] [--height H] [--highlight MACHINE[/vcpu/N]]…\n"
             "         [--follow MACHINE/thread/TID] -o FILE.png|FILE.svg PATH…\n"
             "                                              draw the resources view\n"
             "\n"
             "Every command takes --map GUEST=HOST_PID to link a guest without vmsync events,\n"
             "and --no-cache to analyse the traces again, neither using nor saving a saved analysis.\n"
             "T is ns since the epoch, or +1.5s, +250ms, +40us, +100ns from the set's start.\n"
             "\n"
             "PATH is a trace folder or any folder above trace folders; all the traces\n"
             "found below the PATHs form one set.\n"));
}

int
main (int   argc,
      char *argv[])
{
  strata_memory_setup ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* Run from the build tree (as the app does): the translations built there, which the
   * installed ones, if any, may be older than. */
  {
    g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

    if (exe != NULL && g_str_has_prefix (exe, STRATA_BUILD_ROOT G_DIR_SEPARATOR_S))
      bindtextdomain (GETTEXT_PACKAGE, STRATA_BUILD_ROOT G_DIR_SEPARATOR_S "po");
  }

  if (argc < 2)
    {
      usage (stderr);
      return EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("strata-cli %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }
  maps = g_array_new (FALSE, FALSE, sizeof (StrataVmMap));
  g_array_set_clear_func (maps, map_clear);
  if (strcmp (argv[1], "info") == 0)
    return cmd_info (argc - 1, argv + 1);
  if (strcmp (argv[1], "intervals") == 0)
    return cmd_intervals (argc - 1, argv + 1);
  if (strcmp (argv[1], "preemptions") == 0)
    return cmd_preemptions (argc - 1, argv + 1);
  if (strcmp (argv[1], "render") == 0)
    return cmd_render (argc - 1, argv + 1);
  if (strcmp (argv[1], "exits") == 0)
    return strata_cli_exits (argc - 1, argv + 1);
  if (strcmp (argv[1], "stats") == 0)
    return strata_cli_stats (argc - 1, argv + 1);
  if (strcmp (argv[1], "findings") == 0)
    return strata_cli_findings (argc - 1, argv + 1);

  if (argv[1][0] == '-')
    g_printerr (_("strata-cli: options come after the command, as in strata-cli COMMAND %s… PATH…; try strata-cli --help\n"),
                esc (argv[1]));
  else
    g_printerr (_("strata-cli: unknown command “%s”; try strata-cli --help\n"), esc (argv[1]));
  return EXIT_USAGE;
}
