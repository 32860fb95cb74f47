/* strata-scenario.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-scenario"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strata-ctf-writer.h"
#include "strata-scenario.h"
#include "strata-time.h"

G_DEFINE_QUARK (strata-scenario-error-quark, strata_scenario_error)

#define US  G_GINT64_CONSTANT (1000)
#define MS  G_GINT64_CONSTANT (1000000)
#define SEC G_GINT64_CONSTANT (1000000000)

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
/* Sinks: the CTF writer, and a counter for sizing the bench */

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

typedef struct
{
  guint64 events;
} CountSink;

static gboolean
count_sink_add_trace (gpointer                   data,
                      guint                      trace,
                      const StrataScenarioTrace *info,
                      GError                   **error)
{
  return TRUE;
}

static gboolean
count_sink_event (gpointer            data,
                  guint               trace,
                  const StrataEvent  *event,
                  GError            **error)
{
  ((CountSink *) data)->events++;
  return TRUE;
}

static gboolean
count_sink_discard (gpointer   data,
                    guint      trace,
                    guint      cpu,
                    guint64    count,
                    gint64     ts,
                    GError   **error)
{
  return TRUE;
}

static const StrataScenarioSink count_sink_funcs = {
  count_sink_add_trace, count_sink_event, count_sink_discard,
};

/* ------------------------------------------------------------------------------------------ */
/* Scenario text */

typedef struct
{
  StrataEvent event;         /* kind STRATA_EV_NONE: a discard of `count` events */
  guint64     count;
  guint       line;
} Item;

typedef struct
{
  char     *name;
  char     *hostname;
  char     *kernel_release;
  guint     n_cpus;
  gint64    offset_s;
  gboolean  legacy;
  guint64   seed;
  guint     line;
  GArray   *items;
} ParsedTrace;

static void
parsed_trace_free (ParsedTrace *trace)
{
  g_free (trace->name);
  g_free (trace->hostname);
  g_free (trace->kernel_release);
  g_array_unref (trace->items);
  g_free (trace);
}

typedef struct
{
  const char   *source;
  guint         line;
  StrataStrtab *strings;
  GError      **error;
} Parser;

static gboolean G_GNUC_PRINTF (2, 3)
parse_error (Parser     *parser,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (parser->error, STRATA_SCENARIO_ERROR, STRATA_SCENARIO_ERROR_PARSE,
               "%s:%u: %s", parser->source, parser->line, message);
  return FALSE;
}

/* Splits a line into words; "…" quotes (with \" and \\) keep spaces; '#' outside quotes
 * starts a comment. */
static GPtrArray *
tokenize (Parser     *parser,
          const char *line)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) word = NULL;
  const char *p = line;

  for (;;)
    {
      gboolean quoted = FALSE;

      while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
      if (*p == '\0' || *p == '#')
        break;
      word = g_string_new (NULL);
      for (; *p != '\0'; p++)
        {
          if (quoted)
            {
              if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                g_string_append_c (word, *++p);
              else if (*p == '"')
                quoted = FALSE;
              else
                g_string_append_c (word, *p);
            }
          else if (*p == '"')
            quoted = TRUE;
          else if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '#')
            break;
          else
            g_string_append_c (word, *p);
        }
      if (quoted)
        {
          parse_error (parser, _("unterminated quote"));
          return NULL;
        }
      g_ptr_array_add (words, g_string_free (g_steal_pointer (&word), FALSE));
    }
  return g_steal_pointer (&words);
}

static gboolean
parse_int (Parser     *parser,
           const char *what,
           const char *text,
           gint64      min,
           gint64      max,
           gint64     *out)
{
  g_autoptr(GError) local = NULL;
  guint64 u;
  gint64 v;

  if (g_str_has_prefix (text, "0x") || g_str_has_prefix (text, "0X"))
    {
      if (!g_ascii_string_to_unsigned (text + 2, 16, 0, G_MAXUINT64, &u, &local))
        return parse_error (parser, _("invalid %s “%s”"), what, text);
      v = (gint64) u;
    }
  else if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &v, NULL))
    {
      /* Field values may be any 64-bit pattern: take unsigned ones past G_MAXINT64 too. */
      if (min != G_MININT64 || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &u, &local))
        return parse_error (parser, _("invalid %s “%s”: expected an integer"), what, text);
      v = (gint64) u;
    }
  if (v < min || v > max)
    return parse_error (parser, _("%s %s is out of range (%" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ")"),
                        what, text, min, max);
  *out = v;
  return TRUE;
}

/* ns after the clock origin: an integer, or a decimal with a unit, exactly. */
static gboolean
parse_ts (Parser     *parser,
          const char *text,
          gint64     *out)
{
  g_autofree char *relative = NULL;
  gint64 v;

  if (g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &v, NULL))
    {
      *out = v;
      return TRUE;
    }
  relative = g_strconcat ("+", text, NULL);
  if (!strata_time_parse (relative, 0, out, NULL))
    return parse_error (parser, _("invalid time “%s”: use ns, or a number with s, ms, us or ns"),
                        text);
  return TRUE;
}

static gboolean
parse_trace_line (Parser     *parser,
                  GPtrArray  *words,
                  GPtrArray  *traces)
{
  ParsedTrace *trace;
  const char *name;

  if (words->len < 2)
    return parse_error (parser, _("“trace” needs a name"));
  name = g_ptr_array_index (words, 1);
  if (*name == '\0' || strchr (name, '/') != NULL || strcmp (name, ".") == 0 ||
      strcmp (name, "..") == 0 || strchr (name, '=') != NULL)
    return parse_error (parser, _("invalid trace name “%s”"), name);
  for (guint i = 0; i < traces->len; i++)
    if (strcmp (((ParsedTrace *) g_ptr_array_index (traces, i))->name, name) == 0)
      return parse_error (parser, _("trace “%s” is defined twice"), name);

  trace = g_new0 (ParsedTrace, 1);
  trace->name = g_strdup (name);
  trace->n_cpus = 1;
  trace->line = parser->line;
  trace->items = g_array_new (FALSE, FALSE, sizeof (Item));
  g_ptr_array_add (traces, trace);

  for (guint i = 2; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);
      const char *eq = strchr (word, '=');
      g_autofree char *key = NULL;
      const char *value;
      gint64 v;

      if (eq == NULL)
        return parse_error (parser, _("expected KEY=VALUE, got “%s”"), word);
      key = g_strndup (word, eq - word);
      value = eq + 1;
      if (strcmp (key, "hostname") == 0)
        {
          g_free (trace->hostname);
          trace->hostname = g_strdup (value);
        }
      else if (strcmp (key, "kernel_release") == 0)
        {
          g_free (trace->kernel_release);
          trace->kernel_release = g_strdup (value);
        }
      else if (strcmp (key, "cpus") == 0)
        {
          if (!parse_int (parser, "cpus", value, 1, 4096, &v))
            return FALSE;
          trace->n_cpus = (guint) v;
        }
      else if (strcmp (key, "offset_s") == 0)
        {
          if (!parse_int (parser, "offset_s", value, 0, G_MAXINT64 / SEC - 1, &v))
            return FALSE;
          trace->offset_s = v;
        }
      else if (strcmp (key, "legacy") == 0)
        {
          if (!parse_int (parser, "legacy", value, 0, 1, &v))
            return FALSE;
          trace->legacy = v != 0;
        }
      else if (strcmp (key, "seed") == 0)
        {
          if (!parse_int (parser, "seed", value, 0, G_MAXINT64, &v))
            return FALSE;
          trace->seed = (guint64) v;
        }
      else
        return parse_error (parser, _("unknown trace option “%s” (hostname, cpus, offset_s, legacy, "
                                      "kernel_release, seed)"), key);
    }
  if (trace->hostname == NULL)
    trace->hostname = g_strdup (trace->name);
  return TRUE;
}

static gint
kind_field_slot (StrataEventKind kind,
                 const char     *key)
{
  const StrataEventKindInfo *info = strata_event_kind_info (kind);

  for (guint slot = 0; slot < info->n_fields; slot++)
    if (strcmp (info->field_names[slot], key) == 0)
      return slot;
  /* A few friendlier spellings for slots whose LTTng name says little. */
  if (kind == STRATA_EV_PROCESS_FORK && strcmp (key, "child_vtid") == 0)
    return STRATA_F_FORK_CHILD_VTID;
  return -1;
}

static gboolean
parse_event_line (Parser      *parser,
                  GPtrArray   *words,
                  ParsedTrace *trace)
{
  Item item = { { 0 } };
  StrataEvent *ev = &item.event;
  const char *kind_name;
  const char *syscall = NULL;
  gint64 v;

  if (words->len < 4)
    return parse_error (parser, _("expected “event TS CPU KIND [FIELD=VALUE]…”"));
  if (!parse_ts (parser, g_ptr_array_index (words, 1), &v))
    return FALSE;
  if (v > G_MAXINT64 - trace->offset_s * SEC)
    return parse_error (parser, _("time %s is out of range"), (char *) g_ptr_array_index (words, 1));
  ev->ts = trace->offset_s * SEC + v;
  if (!parse_int (parser, "CPU", g_ptr_array_index (words, 2), 0, G_MAXUINT32, &v))
    return FALSE;
  if (v >= trace->n_cpus)
    return parse_error (parser, _("CPU %" G_GINT64_FORMAT " is out of range: trace “%s” has %u "
                                  "(set cpus= on its trace line)"), v, trace->name, trace->n_cpus);
  ev->cpu = (guint32) v;

  kind_name = g_ptr_array_index (words, 3);
  if (g_str_has_prefix (kind_name, "syscall_entry_") && kind_name[14] != '\0')
    {
      ev->kind = STRATA_EV_SYSCALL_ENTRY;
      syscall = kind_name + 14;
    }
  else if (g_str_has_prefix (kind_name, "syscall_exit_") && kind_name[13] != '\0')
    {
      ev->kind = STRATA_EV_SYSCALL_EXIT;
      syscall = kind_name + 13;
    }
  else if ((ev->kind = strata_event_kind_from_name (kind_name)) == STRATA_EV_NONE)
    return parse_error (parser, _("unknown event kind “%s”"), kind_name);

  /* The syscall name decides which argument names exist, so take it first. */
  for (guint i = 4; i < words->len && syscall == NULL; i++)
    if (g_str_has_prefix (g_ptr_array_index (words, i), "name=") &&
        (ev->kind == STRATA_EV_SYSCALL_ENTRY || ev->kind == STRATA_EV_SYSCALL_EXIT))
      syscall = (const char *) g_ptr_array_index (words, i) + 5;
  if (syscall != NULL)
    ev->f[STRATA_F_SYSCALL_NAME] = strata_strtab_intern (parser->strings, syscall);

  for (guint i = 4; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);
      const char *eq = strchr (word, '=');
      g_autofree char *key = NULL;
      const char *value;
      gint slot;
      gboolean is_string;

      if (eq == NULL)
        return parse_error (parser, _("expected FIELD=VALUE, got “%s”"), word);
      key = g_strndup (word, eq - word);
      value = eq + 1;
      slot = kind_field_slot (ev->kind, key);
      is_string = slot >= 0 && strata_event_field_is_string (ev->kind, slot);
      if ((ev->kind == STRATA_EV_SYSCALL_ENTRY || ev->kind == STRATA_EV_SYSCALL_EXIT))
        {
          if (slot == STRATA_F_SYSCALL_NAME)
            continue;
          if (slot < 0 && syscall != NULL)
            {
              slot = strata_ctf_writer_syscall_arg_slot (syscall, key);
              /* Arguments are numbers, but for the odd path name. */
              is_string = slot >= 0 && !g_ascii_isdigit (*value) && *value != '-';
            }
        }
      if (slot < 0)
        {
          const StrataEventKindInfo *info = strata_event_kind_info (ev->kind);
          g_autoptr(GString) known = g_string_new (NULL);

          for (guint f = 0; f < info->n_fields; f++)
            g_string_append_printf (known, "%s%s", f ? ", " : "", info->field_names[f]);
          return parse_error (parser, _("%s has no field “%s” (%s)"), kind_name, key,
                              known->len ? known->str : _("none"));
        }
      if (is_string)
        ev->f[slot] = strata_strtab_intern (parser->strings, value);
      else if (!parse_int (parser, key, value, G_MININT64, G_MAXINT64, &ev->f[slot]))
        return FALSE;
    }

  item.line = parser->line;
  g_array_append_val (trace->items, item);
  return TRUE;
}

static gboolean
parse_discard_line (Parser      *parser,
                    GPtrArray   *words,
                    ParsedTrace *trace)
{
  Item item = { { 0 } };
  gint64 cpu, count, ts;

  if (words->len != 4)
    return parse_error (parser, _("expected “discard CPU COUNT TS”"));
  if (!parse_int (parser, "CPU", g_ptr_array_index (words, 1), 0, G_MAXUINT32, &cpu) ||
      !parse_int (parser, "count", g_ptr_array_index (words, 2), 1, G_MAXINT64, &count) ||
      !parse_ts (parser, g_ptr_array_index (words, 3), &ts))
    return FALSE;
  if (cpu >= trace->n_cpus)
    return parse_error (parser, _("CPU %" G_GINT64_FORMAT " is out of range: trace “%s” has %u"),
                        cpu, trace->name, trace->n_cpus);
  item.event.ts = trace->offset_s * SEC + ts;
  item.event.cpu = (guint32) cpu;
  item.count = (guint64) count;
  item.line = parser->line;
  g_array_append_val (trace->items, item);
  return TRUE;
}

static gint
item_compare (gconstpointer a,
              gconstpointer b)
{
  const Item *ia = a, *ib = b;

  if (ia->event.ts != ib->event.ts)
    return ia->event.ts < ib->event.ts ? -1 : 1;
  return ia->line < ib->line ? -1 : ia->line > ib->line;
}

gboolean
strata_scenario_parse (const char                *text,
                       const char                *source,
                       StrataStrtab              *strings,
                       const StrataScenarioSink  *sink,
                       gpointer                   data,
                       GError                   **error)
{
  g_autoptr(GPtrArray) traces = g_ptr_array_new_with_free_func ((GDestroyNotify) parsed_trace_free);
  g_auto(GStrv) lines = NULL;
  Parser parser = { source ? source : "scenario", 0, strings, error };

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (strings != NULL, FALSE);
  g_return_val_if_fail (sink != NULL, FALSE);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) words = NULL;
      const char *verb;
      ParsedTrace *current = traces->len ? g_ptr_array_index (traces, traces->len - 1) : NULL;

      parser.line = i + 1;
      if ((words = tokenize (&parser, lines[i])) == NULL)
        return FALSE;
      if (words->len == 0)
        continue;
      verb = g_ptr_array_index (words, 0);
      if (strcmp (verb, "trace") == 0)
        {
          if (!parse_trace_line (&parser, words, traces))
            return FALSE;
        }
      else if (strcmp (verb, "event") == 0 || strcmp (verb, "discard") == 0)
        {
          if (current == NULL)
            return parse_error (&parser, _("“%s” before any “trace” line"), verb);
          if (verb[0] == 'e' ? !parse_event_line (&parser, words, current)
                             : !parse_discard_line (&parser, words, current))
            return FALSE;
        }
      else
        return parse_error (&parser, _("unknown statement “%s” (trace, event, discard)"), verb);
    }

  for (guint t = 0; t < traces->len; t++)
    {
      ParsedTrace *trace = g_ptr_array_index (traces, t);
      StrataScenarioTrace info = { 0 };

      info.name = trace->name;
      info.hostname = trace->hostname;
      info.n_cpus = trace->n_cpus;
      info.offset_s = trace->offset_s;
      info.legacy = trace->legacy;
      info.kernel_release = trace->kernel_release;
      info.uuid_seed = trace->seed;
      parser.line = trace->line;
      if (!sink->add_trace (data, t, &info, error))
        return FALSE;

      g_array_sort (trace->items, item_compare);
      for (guint i = 0; i < trace->items->len; i++)
        {
          const Item *item = &g_array_index (trace->items, Item, i);
          g_autoptr(GError) local = NULL;
          gboolean ok;

          if (item->event.kind == STRATA_EV_NONE)
            ok = sink->discard (data, t, item->event.cpu, item->count, item->event.ts, &local);
          else
            ok = sink->event (data, t, &item->event, &local);
          if (!ok)
            {
              parser.line = item->line;
              return parse_error (&parser, "%s", local->message);
            }
        }
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* The model: a KVM host and its guests, simulated one pCPU at a time
 *
 * Each pCPU runs a small event-driven scheduler over the tasks pinned to it: tasks alternate
 * CPU bursts (user time cut by syscalls) and sleeps; device IRQs, scheduler ticks and timer
 * wakeups interrupt whatever runs; a woken task preempts the current one after a short
 * granularity, and time slices rotate runnable tasks. A vCPU thread is such a task whose
 * bursts are the guest's busy periods: while it runs it cycles through guest mode
 * (kvm entry to kvm exit) and short hypervisor spells, and when the guest goes idle it
 * exits on HLT and blocks. The "stress" task moves between pCPUs 0 and 1 on a plan made up
 * front, so the pCPUs can be simulated independently and the plan keeps it on one CPU at a
 * time. Guest events are made when a guest-mode window closes, inside that window only, and
 * converted to the guest's clock: whatever the guest does, the host saw it in guest mode.
 */

enum { TT_IDLE, TT_NORMAL, TT_KTHREAD, TT_VCPU, TT_STRESS, TT_CHILD };
enum { TS_SLEEPING, TS_RUNNABLE, TS_RUNNING, TS_AWAY, TS_DEAD };
enum { SEG_IDLE, SEG_USER, SEG_SYSCALL, SEG_HYP, SEG_GUEST };

/* lttng_statedump_process_state status */
#define SD_WAIT 5
#define SD_RUN  6

/* prev_state of a task that exits (EXIT_ZOMBIE, as kernels >= 4.14 report it) */
#define STATE_ZOMBIE 32

/* VMX exit reasons */
#define EXIT_EXTERNAL_INTERRUPT 1
#define EXIT_CPUID              10
#define EXIT_HLT                12
#define EXIT_VMCALL             18
#define EXIT_IO_INSTRUCTION     30
#define EXIT_MSR_WRITE          32
#define EXIT_EPT_VIOLATION      48
#define EXIT_PREEMPTION_TIMER   52

#define VEC_TIMER  1
#define VEC_NET_RX 3
#define VEC_BLOCK  4
#define VEC_RCU    9

#define KVM_RUN    0xae80
#define TICK       (4 * MS)          /* HZ = 250 */
#define SLICE      (3 * MS)
#define WAKEUP_GRANULARITY MS
#define INF        G_MAXINT64
/* Guest events keep this far from the bounds of their guest-mode window, so that rounding
 * in the clock conversion can never push one out of it. */
#define GUEST_MARGIN   (200)
#define GUEST_STEP_MAX (14 * US)
#define MAX_PIN    16
#define MAX_CALLS  10

enum
{
  SC_READ, SC_WRITE, SC_OPENAT, SC_CLOSE, SC_IOCTL, SC_FUTEX, SC_POLL, SC_PPOLL, SC_EPOLL_WAIT,
  SC_NANOSLEEP, SC_RECVFROM, SC_SENDTO, SC_RECVMSG, SC_SENDMSG, SC_MMAP, SC_MUNMAP, SC_NEWFSTAT,
  SC_LSEEK, SC_WRITEV, SC_SELECT, SC_CLONE, SC_EXECVE, SC_WAIT4, SC_EXIT_GROUP, SC_N
};

static const char * const sc_names[SC_N] = {
  "read", "write", "openat", "close", "ioctl", "futex", "poll", "ppoll", "epoll_wait",
  "nanosleep", "recvfrom", "sendto", "recvmsg", "sendmsg", "mmap", "munmap", "newfstat",
  "lseek", "writev", "select", "clone", "execve", "wait4", "exit_group",
};

/* Where a syscall's plausible argument values go, looked up once. */
typedef struct
{
  guint32 name;
  gint8   fd;
  gint8   len;
  gint8   ptr;
  gint8   op;
  gint8   path;
} SysProfile;

typedef struct _Gen Gen;
typedef struct _Machine Machine;
typedef struct _Task Task;
typedef struct _Vcpu Vcpu;
typedef struct _GuestCpu GuestCpu;

struct _Gen
{
  const StrataScenarioSink *sink;
  gpointer                  data;
  StrataStrtab             *strings;
  GError                   *error;
  SysProfile                sys[SC_N];
  GPtrArray                *owned;          /* every Task but short-lived children */
  gint32                    next_child_tid;
  guint32                   s_ls;
  guint32                   s_ls_path;
  guint32                   s_virtio;
  guint32                   s_open_path;
};

struct _Machine
{
  Gen                *gen;
  guint               index;
  guint               n_cpus;
  gboolean            legacy;
  gboolean            is_guest;
  StrataScenarioClock clock;
  gint64              preempt_state;   /* prev_state of an involuntary switch-out */
  GPtrArray          *tasks;           /* Task*: every thread, for the statedump */
  Task              **idle;            /* swapper/N */
  StrataScenarioTrace info;
  char               *name;
  char               *hostname;
};

struct _Task
{
  guint32  comm;
  gint32   tid;
  gint32   pid;
  gint32   ppid;
  gint32   prio;
  guint8   type;
  guint8   state;
  gboolean in_syscall;
  gboolean spawner;
  gboolean dormant;
  guint8   syscall;         /* SC_*, while in_syscall */
  guint8   block;           /* SC_* it sleeps in */
  guint8   calls[MAX_CALLS];
  guint8   n_calls;
  guint8   child_phase;
  gint     wake_irq;        /* woken from that IRQ's softirq; 0: by a timer */
  guint    cpu;
  gint64   run_mean;
  gint64   sleep_mean;
  gint64   user_mean;
  gint64   demand;          /* ns of CPU left in this burst */
  gint64   wake_at;
  gint64   last_in;         /* when it last got the CPU */
  Vcpu    *vcpu;
  Task    *child;           /* a spawner's child, until it is reaped */
  Task    *parent;
};

/* Emits a CPU's events in time order; `now` is always host time. */
typedef struct
{
  Machine *m;
  guint    cpu;
  GRand   *rand;
  gint64   now;
  gint64   drop_from;       /* events in [drop_from, drop_to) are lost on purpose */
  gint64   drop_to;
  guint64  dropped;
} Out;

struct _GuestCpu
{
  Out      o;
  Task    *idle;
  Task    *worker;
  Task    *kworker;
  Task    *sessiond;        /* the CPU that does the statedump */
  Task    *cur;
  gint64   step_left;       /* guest-mode ns until the next step of the current task */
  gboolean hg_pending;
  guint32  hg_cnt;
  gboolean statedump_pending;
};

struct _Vcpu
{
  Task     *thread;
  GuestCpu *guest;
  guint     id;
  guint     n_vm_vcpus;
  guint64   vm_uid;
  gint64    busy_mean;
  gint64    idle_mean;
  gint64    win_mean;
  gint64    sync_period;
  gint64    win_start;
  gint64    win_guard;      /* nothing interrupts guest mode before this */
  gboolean  hlt_pending;
  gboolean  first_of_busy;
  gboolean  block_after_hyp;
  gint64    last_sync;
  guint32   sync_seq;
  guint64   rip;
};

typedef struct
{
  gint    irq;
  guint32 name;
  guint8  vec;
  gint64  mean_gap;
  gint64  next;
} IrqSource;

typedef struct
{
  gint64   start;
  gint64   end;
  guint    cpu;
  gboolean wake;            /* it was asleep (in nanosleep); else it migrates in */
  gboolean sleep;           /* it goes to sleep at the end; else it migrates out */
} Burst;

typedef struct
{
  Out        o;
  Machine   *m;
  Task      *idle;
  Task      *cur;
  Task      *tasks[MAX_PIN];
  guint      n_tasks;
  Task      *runq[MAX_PIN];
  guint      rq_len;
  IrqSource  irqs[4];
  guint      n_irqs;
  gint64     next_tick;
  guint      n_ticks;
  guint8     seg;
  gint64     seg_end;
  gint64     seg_len;
  gint64     irq_t0;
  Task      *stress;
  GArray    *bursts;        /* Burst, this CPU's only */
  guint      next_burst;
  gint64     stress_end;
} Cpu;

static inline gint64
rexp (GRand  *rand,
      gint64  mean)
{
  return (gint64) (-log (1.0 - g_rand_double (rand)) * (double) mean);
}

static inline gint64
runi (GRand  *rand,
      gint64  lo,
      gint64  hi)
{
  return lo + (gint64) (g_rand_double (rand) * (double) (hi - lo));
}

static inline void
gap (Out *o)
{
  o->now += 150 + g_rand_int_range (o->rand, 0, 450);
}

static void
out_put (Out         *o,
         StrataEvent *ev)
{
  Machine *m = o->m;
  Gen *gen = m->gen;

  if (gen->error != NULL)
    return;
  ev->cpu = o->cpu;
  ev->ts = m->is_guest ? strata_scenario_clock_to_guest (&m->clock, o->now) : o->now;
  if (G_UNLIKELY (o->now >= o->drop_from))
    {
      if (o->now < o->drop_to)
        {
          o->dropped++;
          return;
        }
      /* The next packet after a full ring buffer tells how many were lost. */
      if (!gen->sink->discard (gen->data, m->index, o->cpu, o->dropped, ev->ts, &gen->error))
        return;
      o->drop_from = INF;
    }
  gen->sink->event (gen->data, m->index, ev, &gen->error);
}

/* A zeroed event of kind @k: a declaration, so it goes with the block's others. */
#define EV(name, k) StrataEvent name = { .kind = (k) }

static void
e_switch (Out    *o,
          Task   *prev,
          gint64  prev_state,
          Task   *next)
{
  EV (ev, STRATA_EV_SCHED_SWITCH);

  ev.f[STRATA_F_SWITCH_PREV_TID] = prev->tid;
  ev.f[STRATA_F_SWITCH_PREV_STATE] = prev_state;
  ev.f[STRATA_F_SWITCH_PREV_PRIO] = prev->prio;
  ev.f[STRATA_F_SWITCH_PREV_COMM] = prev->comm;
  ev.f[STRATA_F_SWITCH_NEXT_TID] = next->tid;
  ev.f[STRATA_F_SWITCH_NEXT_PRIO] = next->prio;
  ev.f[STRATA_F_SWITCH_NEXT_COMM] = next->comm;
  out_put (o, &ev);
  gap (o);
}

static void
e_wake (Out   *o,
        guint  kind,
        Task  *task)
{
  EV (ev, kind);

  /* sched_waking appeared with Linux 4.3: older tracers only have sched_wakeup. */
  if (kind == STRATA_EV_SCHED_WAKING && o->m->legacy)
    return;
  ev.f[STRATA_F_WAKEUP_TID] = task->tid;
  ev.f[STRATA_F_WAKEUP_PRIO] = task->prio;
  ev.f[STRATA_F_WAKEUP_TARGET_CPU] = task->cpu;
  ev.f[STRATA_F_WAKEUP_COMM] = task->comm;
  out_put (o, &ev);
  gap (o);
}

static void
e_sys_entry (Out   *o,
             Task  *task,
             guint  sc)
{
  const SysProfile *p = &o->m->gen->sys[sc];
  EV (ev, STRATA_EV_SYSCALL_ENTRY);

  ev.f[STRATA_F_SYSCALL_NAME] = p->name;
  if (p->fd >= 0)
    ev.f[p->fd] = 3 + task->tid % 13;
  if (p->len >= 0)
    ev.f[p->len] = 1 << g_rand_int_range (o->rand, 4, 17);
  if (p->ptr >= 0)
    ev.f[p->ptr] = G_GINT64_CONSTANT (0x7ffd5a3c0000) + (g_rand_int (o->rand) & 0xfff0);
  if (p->op >= 0)
    ev.f[p->op] = sc == SC_IOCTL ? (task->type == TT_VCPU ? KVM_RUN : 0x5401) :
                  sc == SC_FUTEX ? 128 + g_rand_int_range (o->rand, 0, 2) : 0;
  if (p->path >= 0)
    ev.f[p->path] = sc == SC_EXECVE ? o->m->gen->s_ls_path : o->m->gen->s_open_path;
  out_put (o, &ev);
  gap (o);
}

static void
e_sys_exit (Out    *o,
            guint   sc,
            gint64  ret)
{
  EV (ev, STRATA_EV_SYSCALL_EXIT);

  ev.f[STRATA_F_SYSCALL_RET] = ret;
  ev.f[STRATA_F_SYSCALL_NAME] = o->m->gen->sys[sc].name;
  out_put (o, &ev);
  gap (o);
}

static gint64
sys_ret (Out   *o,
         guint  sc)
{
  switch (sc)
    {
    case SC_READ:
    case SC_WRITE:
    case SC_RECVFROM:
    case SC_SENDTO:
    case SC_RECVMSG:
    case SC_SENDMSG:
    case SC_WRITEV:
      return g_rand_int_range (o->rand, 1, 4097);
    case SC_OPENAT:
      return g_rand_int_range (o->rand, 3, 40);
    case SC_POLL:
    case SC_PPOLL:
    case SC_EPOLL_WAIT:
    case SC_SELECT:
      return g_rand_int_range (o->rand, 1, 4);
    case SC_MMAP:
      return G_GINT64_CONSTANT (0x7f3a12000000) + (g_rand_int (o->rand) & 0xfff000);
    case SC_FUTEX:
      return g_rand_int_range (o->rand, 0, 100) < 90 ? 0 : -11;
    default:
      return 0;
    }
}

static void
e_irq (Out     *o,
       guint    kind,
       gint     irq,
       guint32  name)
{
  EV (ev, kind);

  ev.f[STRATA_F_IRQ_IRQ] = irq;
  ev.f[1] = kind == STRATA_EV_IRQ_ENTRY ? name : 1;  /* name, or ret = IRQ_HANDLED */
  out_put (o, &ev);
  gap (o);
}

static void
e_softirq (Out   *o,
           guint  kind,
           guint  vec)
{
  EV (ev, kind);

  ev.f[STRATA_F_SOFTIRQ_VEC] = vec;
  out_put (o, &ev);
  gap (o);
}

static gint64
e_kvm (Out    *o,
       guint   kind,
       Vcpu   *v,
       guint   reason)
{
  gint64 ts = o->now;
  EV (ev, kind);

  ev.f[STRATA_F_KVM_VCPU_ID] = v->id;
  if (kind == STRATA_EV_KVM_EXIT)
    {
      ev.f[STRATA_F_KVM_EXIT_REASON] = reason;
      ev.f[STRATA_F_KVM_GUEST_RIP] = (gint64) v->rip;
    }
  out_put (o, &ev);
  gap (o);
  return ts;
}

static void
e_vmsync (Out     *o,
          guint    kind,
          guint32  cnt,
          guint64  vm_uid)
{
  EV (ev, kind);

  ev.f[STRATA_F_VMSYNC_CNT] = cnt;
  ev.f[STRATA_F_VMSYNC_VM_UID] = (gint64) vm_uid;
  out_put (o, &ev);
  gap (o);
}

static void
e_statedump (Out  *o,
             Task *task,
             gint  status)
{
  EV (ev, STRATA_EV_STATEDUMP_PROCESS);

  ev.f[STRATA_F_SD_TID] = task->tid;
  ev.f[STRATA_F_SD_PID] = task->pid;
  ev.f[STRATA_F_SD_PPID] = task->ppid;
  ev.f[STRATA_F_SD_VTID] = task->tid;
  ev.f[STRATA_F_SD_VPID] = task->pid;
  ev.f[STRATA_F_SD_STATUS] = status;
  ev.f[STRATA_F_SD_NS_INUM] = G_GINT64_CONSTANT (4026531836);   /* the initial pid namespace */
  ev.f[STRATA_F_SD_NAME] = task->comm;
  out_put (o, &ev);
  o->now += 300 + g_rand_int_range (o->rand, 0, 300);
}

static void
e_task (Out   *o,
        guint  kind,
        Task  *task)
{
  EV (ev, kind);

  ev.f[STRATA_F_EXIT_TID] = task->tid;
  ev.f[STRATA_F_EXIT_PRIO] = task->prio;
  ev.f[STRATA_F_EXIT_COMM] = task->comm;
  out_put (o, &ev);
  gap (o);
}

/* Every thread the trace knows at its start; the current one is running. */
static void
statedump (Out  *o,
           Task *running)
{
  GPtrArray *tasks = o->m->tasks;

  for (guint i = 0; i < tasks->len; i++)
    {
      Task *task = g_ptr_array_index (tasks, i);

      e_statedump (o, task, task == running ? SD_RUN : SD_WAIT);
    }
}

/* ----- Guest side ----- */

static void
guest_wake (GuestCpu *g)
{
  Out *o = &g->o;
  Task *w = g->worker;

  /* The guest leaves its idle loop on a virtio interrupt or on a timer. */
  if (g_rand_boolean (o->rand))
    {
      e_irq (o, STRATA_EV_IRQ_ENTRY, 24, o->m->gen->s_virtio);
      e_softirq (o, STRATA_EV_SOFTIRQ_RAISE, VEC_NET_RX);
      e_irq (o, STRATA_EV_IRQ_EXIT, 24, 0);
      e_softirq (o, STRATA_EV_SOFTIRQ_ENTRY, VEC_NET_RX);
      e_wake (o, STRATA_EV_SCHED_WAKING, w);
      e_wake (o, STRATA_EV_SCHED_WAKEUP, w);
      e_softirq (o, STRATA_EV_SOFTIRQ_EXIT, VEC_NET_RX);
    }
  else
    {
      e_wake (o, STRATA_EV_SCHED_WAKING, w);
      e_wake (o, STRATA_EV_SCHED_WAKEUP, w);
    }
  e_switch (o, g->idle, 0, w);
  g->cur = w;
  if (w->in_syscall)
    {
      e_sys_exit (o, w->syscall, sys_ret (o, w->syscall));
      w->in_syscall = FALSE;
    }
  g->step_left = rexp (o->rand, w->user_mean);
}

static void
guest_statedump (GuestCpu *g)
{
  Out *o = &g->o;
  Task *s = g->sessiond;

  e_wake (o, STRATA_EV_SCHED_WAKING, s);
  e_wake (o, STRATA_EV_SCHED_WAKEUP, s);
  e_switch (o, g->idle, 0, s);
  e_sys_exit (o, SC_PPOLL, 1);
  e_sys_entry (o, s, SC_IOCTL);
  statedump (o, s);
  e_sys_exit (o, SC_IOCTL, 0);
  e_sys_entry (o, s, SC_PPOLL);
  e_switch (o, s, 1, g->idle);
  g->statedump_pending = FALSE;
}

static void
guest_halt (GuestCpu *g)
{
  Out *o = &g->o;
  Task *w = g->worker;

  if (w->in_syscall)
    e_sys_exit (o, w->syscall, sys_ret (o, w->syscall));
  e_sys_entry (o, w, w->block);
  w->in_syscall = TRUE;
  w->syscall = w->block;
  e_switch (o, w, 1, g->idle);
  g->cur = g->idle;
}

static void
guest_step (GuestCpu *g)
{
  Out *o = &g->o;
  Task *w = g->worker;
  Gen *gen = o->m->gen;
  guint r;

  g_assert (g->cur == w);
  if (w->in_syscall)
    {
      e_sys_exit (o, w->syscall, sys_ret (o, w->syscall));
      w->in_syscall = FALSE;
      g->step_left = rexp (o->rand, w->user_mean);
      return;
    }

  r = g_rand_int_range (o->rand, 0, 100);
  if (r < 62)
    {
      w->syscall = w->calls[g_rand_int_range (o->rand, 0, w->n_calls)];
      w->in_syscall = TRUE;
      e_sys_entry (o, w, w->syscall);
      g->step_left = runi (o->rand, 1 * US, 15 * US);
      return;
    }
  if (r < 77)
    {
      e_irq (o, STRATA_EV_IRQ_ENTRY, 24, gen->s_virtio);
      o->now += runi (o->rand, 1 * US, 3 * US);
      e_softirq (o, STRATA_EV_SOFTIRQ_RAISE, VEC_NET_RX);
      e_irq (o, STRATA_EV_IRQ_EXIT, 24, 0);
      e_softirq (o, STRATA_EV_SOFTIRQ_ENTRY, VEC_NET_RX);
      o->now += runi (o->rand, 2 * US, 5 * US);
      e_softirq (o, STRATA_EV_SOFTIRQ_EXIT, VEC_NET_RX);
    }
  else if (r < 90)
    {
      e_softirq (o, STRATA_EV_SOFTIRQ_RAISE, VEC_TIMER);
      e_softirq (o, STRATA_EV_SOFTIRQ_ENTRY, VEC_TIMER);
      o->now += runi (o->rand, 1 * US, 3 * US);
      e_softirq (o, STRATA_EV_SOFTIRQ_EXIT, VEC_TIMER);
    }
  else
    {
      /* A kernel worker gets the vCPU for a moment: a preemption inside the guest. */
      e_wake (o, STRATA_EV_SCHED_WAKING, g->kworker);
      e_wake (o, STRATA_EV_SCHED_WAKEUP, g->kworker);
      e_switch (o, w, o->m->preempt_state, g->kworker);
      o->now += runi (o->rand, 2 * US, 8 * US);
      e_switch (o, g->kworker, 1, w);
    }
  g->step_left = rexp (o->rand, w->user_mean);
}

/* Fills the guest-mode window [entry, exit] (host time) of @v with guest events. */
static void
guest_window (Vcpu    *v,
              gint64   entry,
              gint64   exit,
              guint    reason,
              guint32  cnt)
{
  GuestCpu *g = v->guest;
  Out *o;
  gint64 end, limit;

  if (g == NULL)
    return;
  o = &g->o;
  o->now = entry + GUEST_MARGIN;
  end = exit - GUEST_MARGIN;

  if (g->hg_pending)
    {
      e_vmsync (o, STRATA_EV_VMSYNC_HG_GUEST, g->hg_cnt, v->vm_uid);
      g->hg_pending = FALSE;
    }
  if (v->first_of_busy && g->cur == g->idle)
    {
      if (g->statedump_pending)
        guest_statedump (g);
      guest_wake (g);
    }

  limit = end - (reason == EXIT_HLT ? 3 * US : reason == EXIT_VMCALL ? 1 * US : 0);
  while (g->cur != g->idle)
    {
      if (g->step_left > 0)
        {
          gint64 avail = limit - o->now;

          if (avail <= g->step_left)
            {
              g->step_left -= MAX (avail, 0);
              break;
            }
          o->now += g->step_left;
          g->step_left = 0;
        }
      if (o->now + GUEST_STEP_MAX > limit)
        break;
      guest_step (g);
    }

  o->now = MAX (o->now, limit);
  if (reason == EXIT_VMCALL)
    {
      e_vmsync (o, STRATA_EV_VMSYNC_GH_GUEST, cnt, v->vm_uid);
      g->hg_pending = TRUE;
      g->hg_cnt = cnt;
    }
  else if (reason == EXIT_HLT && g->cur != g->idle)
    guest_halt (g);
  /* The host side sizes windows so that this cannot happen; the tests check it too. */
  g_warn_if_fail (o->now <= end + 600);
}

/* ----- Host side ----- */

static inline void
at (Cpu    *c,
    gint64  t)
{
  c->o.now = MAX (c->o.now, t);
}

static void
rq_push (Cpu  *c,
         Task *task)
{
  g_assert (c->rq_len < MAX_PIN);
  c->runq[c->rq_len++] = task;
}

static Task *
rq_take (Cpu  *c,
         Task *task)
{
  for (guint i = 0; i < c->rq_len; i++)
    if (task == NULL || c->runq[i] == task)
      {
        Task *found = c->runq[i];

        memmove (&c->runq[i], &c->runq[i + 1], (c->rq_len - i - 1) * sizeof (Task *));
        c->rq_len--;
        return found;
      }
  return NULL;
}

static void
child_start (Cpu  *c,
             Task *child)
{
  Out *o = &c->o;
  Gen *gen = c->m->gen;

  e_sys_exit (o, SC_CLONE, 0);
  o->now += runi (o->rand, 20 * US, 60 * US);
  e_sys_entry (o, child, SC_EXECVE);
  o->now += runi (o->rand, 80 * US, 250 * US);
  {
    EV (ev, STRATA_EV_PROCESS_EXEC);

    ev.f[STRATA_F_EXEC_TID] = child->tid;
    ev.f[STRATA_F_EXEC_OLD_TID] = child->tid;
    ev.f[STRATA_F_EXEC_FILENAME] = gen->s_ls_path;
    out_put (o, &ev);
    gap (o);
  }
  child->comm = gen->s_ls;
  e_sys_exit (o, SC_EXECVE, 0);
  child->in_syscall = FALSE;
  child->child_phase = 1;
}

/* Sets up what the task that just got the CPU does next. */
static void
segment_start (Cpu *c)
{
  Task *t = c->cur;
  GRand *rand = c->o.rand;

  switch (t->type)
    {
    case TT_IDLE:
      c->seg = SEG_IDLE;
      c->seg_end = INF;
      return;

    case TT_VCPU:
      if (t->in_syscall)
        {
          c->seg = SEG_HYP;
          c->seg_end = c->o.now + runi (rand, 1 * US, 3 * US);
        }
      else
        {
          c->seg = SEG_USER;
          c->seg_end = c->o.now + runi (rand, 1 * US, 5 * US);
        }
      return;

    case TT_STRESS:
      if (t->in_syscall)
        {
          e_sys_exit (&c->o, SC_NANOSLEEP, 0);
          t->in_syscall = FALSE;
        }
      c->seg = SEG_USER;
      c->seg_end = MAX (c->stress_end, c->o.now + US);
      return;

    case TT_CHILD:
      if (t->child_phase == 0)
        child_start (c, t);
      G_GNUC_FALLTHROUGH;
    default:
      if (t->in_syscall)
        {
          c->seg = SEG_SYSCALL;
          c->seg_len = runi (rand, 500, 3 * US);
        }
      else
        {
          c->seg = SEG_USER;
          c->seg_len = t->type == TT_KTHREAD ? t->demand : rexp (rand, t->user_mean) + US;
        }
      c->seg_end = c->o.now + c->seg_len;
      return;
    }
}

static void
switch_to (Cpu    *c,
           Task   *next,
           gint64  prev_state)
{
  Task *prev = c->cur;

  e_switch (&c->o, prev, prev_state, next);
  if (prev->type != TT_IDLE && prev->state == TS_RUNNING)
    {
      prev->state = TS_RUNNABLE;
      rq_push (c, prev);
    }
  if (next->type != TT_IDLE)
    {
      rq_take (c, next);
      next->state = TS_RUNNING;
    }
  next->last_in = c->o.now;
  c->cur = next;
  segment_start (c);
}

static Task *
pick_next (Cpu *c)
{
  Task *next = rq_take (c, NULL);

  return next ? next : c->idle;
}

static void
block (Cpu    *c,
       gint64  prev_state,
       gint64  wake_at)
{
  c->cur->state = TS_SLEEPING;
  c->cur->wake_at = wake_at;
  switch_to (c, pick_next (c), prev_state);
}

static gint64
preempt_state (Cpu *c)
{
  return c->cur->type == TT_IDLE ? 0 : c->m->preempt_state;
}

static void
wake (Cpu  *c,
      Task *task)
{
  e_wake (&c->o, STRATA_EV_SCHED_WAKING, task);
  e_wake (&c->o, STRATA_EV_SCHED_WAKEUP, task);
  task->state = TS_RUNNABLE;
  rq_push (c, task);
  if (task->type == TT_VCPU)
    {
      task->demand = rexp (c->o.rand, task->vcpu->busy_mean) + 50 * US;
      task->vcpu->first_of_busy = TRUE;
    }
  else
    task->demand = rexp (c->o.rand, task->run_mean) + 5 * US;
}

static void
leave_guest (Cpu     *c,
             guint    reason,
             guint32  cnt)
{
  Vcpu *v = c->cur->vcpu;
  gint64 exit = e_kvm (&c->o, STRATA_EV_KVM_EXIT, v, reason);

  c->cur->demand -= exit - v->win_start;
  guest_window (v, v->win_start, exit, reason, cnt);
  v->first_of_busy = FALSE;
  c->seg = SEG_HYP;
  c->seg_end = c->o.now + runi (c->o.rand, 500, 2 * US);
}

static void
interrupt_enter (Cpu *c)
{
  if (c->seg == SEG_GUEST)
    leave_guest (c, EXIT_EXTERNAL_INTERRUPT, 0);
  c->irq_t0 = c->o.now;
}

/* Time in interrupts is not the task's: its segment ends that much later. */
static void
interrupt_leave (Cpu *c)
{
  gint64 spent = c->o.now - c->irq_t0;

  switch (c->cur->type)
    {
    case TT_IDLE:
    case TT_STRESS:
      break;
    case TT_VCPU:
      if (c->seg == SEG_HYP)
        {
          gint64 resume = c->o.now + runi (c->o.rand, 500, 2 * US);

          c->seg_end = MAX (c->seg_end, resume);
        }
      else
        c->seg_end += spent;
      break;
    default:
      c->seg_end += spent;
      break;
    }
}

static void
maybe_preempt (Cpu      *c,
               gboolean  woke)
{
  if (c->rq_len == 0)
    return;
  if (c->cur->type == TT_IDLE)
    switch_to (c, pick_next (c), 0);
  else if (woke && c->cur->type != TT_STRESS && c->o.now - c->cur->last_in >= WAKEUP_GRANULARITY)
    switch_to (c, pick_next (c), preempt_state (c));
}

static void
do_irq (Cpu       *c,
        IrqSource *src)
{
  Out *o = &c->o;
  gboolean woke = FALSE;

  at (c, src->next);
  interrupt_enter (c);
  e_irq (o, STRATA_EV_IRQ_ENTRY, src->irq, src->name);
  o->now += runi (o->rand, 1 * US, 4 * US);
  if (src->vec)
    e_softirq (o, STRATA_EV_SOFTIRQ_RAISE, src->vec);
  e_irq (o, STRATA_EV_IRQ_EXIT, src->irq, 0);
  if (src->vec)
    {
      e_softirq (o, STRATA_EV_SOFTIRQ_ENTRY, src->vec);
      o->now += runi (o->rand, 1 * US, 6 * US);
      for (guint i = 0; i < c->n_tasks; i++)
        {
          Task *t = c->tasks[i];

          if (t->wake_irq == src->irq && t->state == TS_SLEEPING && t->wake_at <= o->now)
            {
              wake (c, t);
              woke = TRUE;
            }
        }
      e_softirq (o, STRATA_EV_SOFTIRQ_EXIT, src->vec);
    }
  interrupt_leave (c);
  src->next = o->now + 5 * US + rexp (o->rand, src->mean_gap);
  maybe_preempt (c, woke);
}

static void
do_tick (Cpu *c)
{
  Out *o = &c->o;

  at (c, c->next_tick);
  c->next_tick += TICK;
  interrupt_enter (c);
  e_softirq (o, STRATA_EV_SOFTIRQ_RAISE, VEC_TIMER);
  e_softirq (o, STRATA_EV_SOFTIRQ_ENTRY, VEC_TIMER);
  o->now += runi (o->rand, 1 * US, 3 * US);
  e_softirq (o, STRATA_EV_SOFTIRQ_EXIT, VEC_TIMER);
  if (++c->n_ticks % 4 == 0)
    {
      e_softirq (o, STRATA_EV_SOFTIRQ_RAISE, VEC_RCU);
      e_softirq (o, STRATA_EV_SOFTIRQ_ENTRY, VEC_RCU);
      o->now += runi (o->rand, 1 * US, 4 * US);
      e_softirq (o, STRATA_EV_SOFTIRQ_EXIT, VEC_RCU);
    }
  interrupt_leave (c);
  if (c->rq_len > 0 && c->cur->type != TT_IDLE && c->cur->type != TT_STRESS &&
      o->now - c->cur->last_in >= SLICE)
    switch_to (c, pick_next (c), preempt_state (c));
}

static void
do_timer_wake (Cpu  *c,
               Task *task)
{
  at (c, task->wake_at);
  /* An hrtimer fires in the local timer interrupt, which LTTng does not show as an IRQ. */
  interrupt_enter (c);
  wake (c, task);
  interrupt_leave (c);
  maybe_preempt (c, TRUE);
}

static void
do_burst_start (Cpu *c)
{
  Burst *b = &g_array_index (c->bursts, Burst, c->next_burst);
  Task *s = c->stress;

  at (c, b->start);
  interrupt_enter (c);
  s->in_syscall = b->wake;
  s->state = TS_RUNNABLE;
  if (b->wake)
    {
      e_wake (&c->o, STRATA_EV_SCHED_WAKING, s);
      e_wake (&c->o, STRATA_EV_SCHED_WAKEUP, s);
    }
  interrupt_leave (c);
  c->stress_end = b->end;
  c->next_burst++;
  /* Never queued: it takes the CPU at once. */
  switch_to (c, s, preempt_state (c));
}

static void
do_burst_end (Cpu *c)
{
  Burst *b = &g_array_index (c->bursts, Burst, c->next_burst - 1);
  Task *s = c->stress;

  if (b->sleep)
    {
      e_sys_entry (&c->o, s, SC_NANOSLEEP);
      s->state = TS_AWAY;
      switch_to (c, pick_next (c), 1);
    }
  else
    {
      /* Moved to the other pCPU while running, as a migration does. */
      s->state = TS_AWAY;
      switch_to (c, pick_next (c), c->m->preempt_state);
    }
}

static void
spawn (Cpu  *c,
       Task *parent)
{
  Out *o = &c->o;
  Task *child = g_new0 (Task, 1);

  child->comm = parent->comm;
  child->tid = child->pid = c->m->gen->next_child_tid++;
  child->ppid = parent->pid;
  child->prio = parent->prio;
  child->type = TT_CHILD;
  child->cpu = c->o.cpu;
  child->user_mean = 40 * US;
  child->demand = runi (o->rand, 300 * US, 2 * MS);
  child->calls[0] = SC_OPENAT;
  child->calls[1] = SC_READ;
  child->calls[2] = SC_WRITE;
  child->calls[3] = SC_CLOSE;
  child->calls[4] = SC_NEWFSTAT;
  child->calls[5] = SC_MMAP;
  child->n_calls = 6;
  child->parent = parent;
  parent->child = child;

  e_sys_entry (o, parent, SC_CLONE);
  o->now += runi (o->rand, 5 * US, 15 * US);
  {
    EV (ev, STRATA_EV_PROCESS_FORK);

    ev.f[STRATA_F_FORK_PARENT_TID] = parent->tid;
    ev.f[STRATA_F_FORK_PARENT_PID] = parent->pid;
    ev.f[STRATA_F_FORK_CHILD_TID] = child->tid;
    ev.f[STRATA_F_FORK_CHILD_PID] = child->pid;
    ev.f[STRATA_F_FORK_CHILD_VTID] = child->tid;
    ev.f[STRATA_F_FORK_PARENT_NS_INUM] = G_GINT64_CONSTANT (4026531836);
    ev.f[STRATA_F_FORK_CHILD_NS_INUM] = G_GINT64_CONSTANT (4026531836);
    ev.f[STRATA_F_FORK_CHILD_COMM] = child->comm;
    out_put (o, &ev);
    gap (o);
  }
  e_wake (o, STRATA_EV_SCHED_WAKEUP_NEW, child);
  child->state = TS_RUNNABLE;
  child->in_syscall = TRUE;
  child->syscall = SC_CLONE;
  rq_push (c, child);
  e_sys_exit (o, SC_CLONE, child->tid);
  o->now += runi (o->rand, 3 * US, 10 * US);
  e_sys_entry (o, parent, SC_WAIT4);
  parent->in_syscall = TRUE;
  parent->syscall = SC_WAIT4;
  block (c, 1, INF);
}

static void
child_exit (Cpu  *c,
            Task *child)
{
  Out *o = &c->o;

  e_sys_entry (o, child, SC_EXIT_GROUP);
  o->now += runi (o->rand, 5 * US, 20 * US);
  e_task (o, STRATA_EV_PROCESS_EXIT, child);
  wake (c, child->parent);
  child->state = TS_DEAD;
  switch_to (c, pick_next (c), STATE_ZOMBIE);
}

static void
end_burst (Cpu *c)
{
  Task *t = c->cur;
  Out *o = &c->o;

  if (t->type == TT_CHILD)
    {
      child_exit (c, t);
      return;
    }
  if (t->type == TT_KTHREAD)
    {
      block (c, 1, o->now + rexp (o->rand, t->sleep_mean) + 10 * US);
      return;
    }
  if (t->spawner && t->child == NULL && g_rand_int_range (o->rand, 0, 100) < 50)
    {
      spawn (c, t);
      return;
    }
  e_sys_entry (o, t, t->block);
  t->in_syscall = TRUE;
  t->syscall = t->block;
  o->now += runi (o->rand, 500, 2 * US);
  /* Waiting on the disk is uninterruptible sleep. */
  block (c, t->wake_irq == 43 ? 2 : 1,
         t->dormant ? INF : o->now + rexp (o->rand, t->sleep_mean) + 10 * US);
}

static void
enter_guest (Cpu *c)
{
  Task *t = c->cur;
  Vcpu *v = t->vcpu;
  GRand *rand = c->o.rand;
  gint64 min, len;

  v->rip = G_GUINT64_CONSTANT (0xffffffff81000000) + (g_rand_int (rand) & 0x3ffff0);
  v->win_start = e_kvm (&c->o, STRATA_EV_KVM_ENTRY, v, 0);
  /* Long enough for the guest events that must fit in it (wake-up, statedump). */
  min = 10 * US;
  if (v->first_of_busy)
    min = (v->guest != NULL && v->guest->statedump_pending) ? 250 * US : 30 * US;
  /* Interrupts due meanwhile wait for the guard, plus a little: as they would wait for the
   * guest to re-enable them, not for a round number. */
  v->win_guard = v->win_start + min + runi (rand, 0, 3 * US);
  len = rexp (rand, v->win_mean);
  if (len < min + 10 * US)
    len = min + runi (rand, 10 * US, 30 * US);
  v->hlt_pending = len >= t->demand;
  if (v->hlt_pending)
    len = MAX (t->demand, MAX (min + 10 * US, 25 * US));
  c->seg = SEG_GUEST;
  c->seg_end = v->win_start + len;
}

static void
guest_exit_natural (Cpu *c)
{
  Task *t = c->cur;
  Vcpu *v = t->vcpu;
  Out *o = &c->o;
  guint reason;
  guint32 cnt = 0;
  guint r;

  if (v->hlt_pending)
    reason = EXIT_HLT;
  else if (o->now - v->last_sync >= v->sync_period)
    reason = EXIT_VMCALL;
  else if ((r = g_rand_int_range (o->rand, 0, 100)) < 30)
    reason = EXIT_EPT_VIOLATION;
  else if (r < 50)
    reason = EXIT_MSR_WRITE;
  else if (r < 75)
    reason = EXIT_IO_INSTRUCTION;
  else if (r < 80)
    reason = EXIT_CPUID;
  else
    reason = EXIT_PREEMPTION_TIMER;

  if (reason == EXIT_VMCALL)
    cnt = v->id + v->n_vm_vcpus * ++v->sync_seq;
  leave_guest (c, reason, cnt);

  switch (reason)
    {
    case EXIT_HLT:
      c->seg_end = o->now + runi (o->rand, 2 * US, 6 * US);
      v->block_after_hyp = TRUE;
      break;
    case EXIT_VMCALL:
      /* The vmsync hypercall: the host side of the exchange, in the vCPU thread. */
      o->now += runi (o->rand, 300, 900);
      e_vmsync (o, STRATA_EV_VMSYNC_GH_HOST, cnt, v->vm_uid);
      o->now += runi (o->rand, 300, 1200);
      e_vmsync (o, STRATA_EV_VMSYNC_HG_HOST, cnt, v->vm_uid);
      v->last_sync = o->now;
      c->seg_end = o->now + runi (o->rand, 500, 2 * US);
      break;
    case EXIT_IO_INSTRUCTION:
      /* Device emulation happens in qemu: back to user space, then KVM_RUN again. */
      o->now += runi (o->rand, 500, 1500);
      e_sys_exit (o, SC_IOCTL, 0);
      t->in_syscall = FALSE;
      c->seg = SEG_USER;
      c->seg_end = o->now + runi (o->rand, 2 * US, 10 * US);
      break;
    default:
      c->seg_end = o->now + runi (o->rand, 800, 4 * US);
      break;
    }
}

static void
step (Cpu *c)
{
  Task *t = c->cur;
  Out *o = &c->o;

  at (c, c->seg_end);
  switch (t->type)
    {
    case TT_VCPU:
      if (c->seg == SEG_GUEST)
        guest_exit_natural (c);
      else if (c->seg == SEG_USER)
        {
          e_sys_entry (o, t, SC_IOCTL);
          t->in_syscall = TRUE;
          t->syscall = SC_IOCTL;
          c->seg = SEG_HYP;
          c->seg_end = o->now + runi (o->rand, 500, 1500);
        }
      else if (t->vcpu->block_after_hyp)
        {
          t->vcpu->block_after_hyp = FALSE;
          block (c, 1, o->now + rexp (o->rand, t->vcpu->idle_mean) + 20 * US);
        }
      else
        enter_guest (c);
      return;

    case TT_STRESS:
      do_burst_end (c);
      return;

    default:
      t->demand -= c->seg_len;
      if (c->seg == SEG_SYSCALL)
        {
          if (t->syscall == SC_WAIT4 && t->child != NULL)
            {
              /* The reaped child's task struct goes (through RCU) as wait4 returns. */
              e_task (o, STRATA_EV_PROCESS_FREE, t->child);
              e_sys_exit (o, SC_WAIT4, t->child->tid);
              g_clear_pointer (&t->child, g_free);
            }
          else
            e_sys_exit (o, t->syscall, sys_ret (o, t->syscall));
          t->in_syscall = FALSE;
          c->seg = SEG_USER;
          c->seg_len = rexp (o->rand, t->user_mean) + US;
        }
      else if (t->demand <= 0 || t->type == TT_KTHREAD)
        {
          end_burst (c);
          return;
        }
      else
        {
          t->syscall = t->calls[g_rand_int_range (o->rand, 0, t->n_calls)];
          t->in_syscall = TRUE;
          e_sys_entry (o, t, t->syscall);
          c->seg = SEG_SYSCALL;
          c->seg_len = runi (o->rand, 1 * US, 12 * US);
        }
      c->seg_end = o->now + c->seg_len;
      return;
    }
}

static void
cpu_run (Cpu    *c,
         gint64  end)
{
  while (c->m->gen->error == NULL)
    {
      gint64 t_irq = INF, t_tick = INF, t_wake = INF, t_burst = INF, t;
      gint64 guard = c->seg == SEG_GUEST ? c->cur->vcpu->win_guard : G_MININT64;
      IrqSource *irq = NULL;
      Task *waker = NULL;

      for (guint i = 0; i < c->n_irqs; i++)
        if (c->irqs[i].next < t_irq)
          {
            t_irq = c->irqs[i].next;
            irq = &c->irqs[i];
          }
      /* No ticks on an idle CPU (NOHZ). */
      while (c->next_tick <= c->o.now)
        c->next_tick += TICK;
      if (c->cur->type != TT_IDLE)
        t_tick = c->next_tick;
      for (guint i = 0; i < c->n_tasks; i++)
        {
          Task *task = c->tasks[i];

          if (task->state == TS_SLEEPING && task->wake_irq == 0 && task->wake_at < t_wake)
            {
              t_wake = task->wake_at;
              waker = task;
            }
        }
      if (c->next_burst < c->bursts->len && c->cur != c->stress)
        t_burst = g_array_index (c->bursts, Burst, c->next_burst).start;

      t_irq = MAX (t_irq, guard);
      t_tick = MAX (t_tick, guard);
      t_wake = MAX (t_wake, guard);
      t_burst = MAX (t_burst, guard);
      t = MIN (MIN (c->seg_end, t_irq), MIN (MIN (t_tick, t_wake), t_burst));
      if (t >= end)
        break;

      if (t == c->seg_end)
        {
          step (c);
          continue;
        }
      at (c, t);
      if (t == t_burst)
        do_burst_start (c);
      else if (t == t_wake)
        do_timer_wake (c, waker);
      else if (t == t_irq)
        {
          irq->next = MAX (irq->next, t);
          do_irq (c, irq);
        }
      else
        do_tick (c);
    }
}

/* ----- Set-up ----- */

enum { F_SPAWNER = 1 << 0, F_DORMANT = 1 << 1 };

typedef struct
{
  const char *comm;
  gint32      tid;
  gint32      pid;
  gint32      ppid;
  guint       cpu;
  gint64      run_mean;
  gint64      sleep_mean;
  gint64      user_mean;
  const char *calls;
  const char *block;
  gint        wake_irq;
  guint8      type;
  guint8      flags;
} TaskSpec;

/* The host's own load: a desktop session, daemons and the tracer. */
static const TaskSpec host_tasks[] = {
  { "systemd", 1, 1, 0, 7, 80 * US, 300 * MS, 20 * US,
    "read,newfstat,openat,close", "epoll_wait", 0, TT_NORMAL, 0 },
  { "kthreadd", 2, 2, 0, 7, 0, 0, 0, NULL, NULL, 0, TT_KTHREAD, F_DORMANT },
  { "rcu_sched", 10, 10, 2, 7, 6 * US, 3 * MS, 0, NULL, NULL, 0, TT_KTHREAD, 0 },
  { "systemd-journal", 312, 312, 1, 5, 150 * US, 80 * MS, 30 * US,
    "write,writev,newfstat,lseek", "epoll_wait", 0, TT_NORMAL, 0 },
  { "sshd", 951, 951, 1, 6, 60 * US, 40 * MS, 20 * US, "read,write", "select", 0, TT_NORMAL, 0 },
  { "Xorg", 1180, 1180, 1170, 2, 400 * US, 8 * MS, 60 * US,
    "ioctl,read,writev,recvmsg", "epoll_wait", 16, TT_NORMAL, 0 },
  { "gnome-shell", 1725, 1725, 1650, 3, 1500 * US, 15 * MS, 80 * US,
    "ioctl,read,write,recvmsg,futex,mmap,munmap", "poll", 0, TT_NORMAL, 0 },
  { "gmain", 1741, 1725, 1650, 3, 40 * US, 5 * MS, 15 * US, "read,write", "poll", 0, TT_NORMAL, 0 },
  { "firefox", 2202, 2202, 1725, 4, 2 * MS, 12 * MS, 100 * US,
    "read,write,futex,recvmsg,mmap,munmap", "poll", 0, TT_NORMAL, 0 },
  { "Web Content", 2290, 2290, 2202, 4, 3 * MS, 9 * MS, 120 * US,
    "read,write,futex,mmap,sendmsg", "futex", 0, TT_NORMAL, 0 },
  { "bash", 2480, 2480, 951, 6, 0, 0, 0, NULL, "wait4", 0, TT_NORMAL, F_DORMANT },
  { "bash", 2500, 2500, 951, 5, 200 * US, 250 * MS, 40 * US,
    "read,write,newfstat,ioctl", "read", 0, TT_NORMAL, F_SPAWNER },
  { "lttng-sessiond", 3050, 3050, 1, 0, 0, 0, 0, NULL, "ppoll", 0, TT_NORMAL, F_DORMANT },
  { "lttng-consumerd", 3110, 3105, 3050, 6, 120 * US, 3 * MS, 25 * US,
    "ioctl,write,lseek", "poll", 0, TT_NORMAL, 0 },
  { "stress", 4000, 4000, 2480, 6, 0, 0, 0, NULL, "wait4", 0, TT_NORMAL, F_DORMANT },
};

static const TaskSpec guest_tasks[] = {
  { "systemd", 1, 1, 0, 0, 0, 0, 0, NULL, "epoll_wait", 0, TT_NORMAL, F_DORMANT },
  { "kthreadd", 2, 2, 0, 0, 0, 0, 0, NULL, NULL, 0, TT_KTHREAD, F_DORMANT },
  { "rcu_sched", 10, 10, 2, 0, 0, 0, 0, NULL, NULL, 0, TT_KTHREAD, F_DORMANT },
  { "sshd", 612, 612, 1, 0, 0, 0, 0, NULL, "select", 0, TT_NORMAL, F_DORMANT },
  { "lttng-sessiond", 420, 420, 1, 0, 0, 0, 0, NULL, "ppoll", 0, TT_NORMAL, F_DORMANT },
};

typedef struct
{
  const char         *name;
  const char         *kernel_release;
  guint               n_vcpus;
  guint               pcpus[4];
  gint32              qemu_pid;
  guint64             vm_uid;
  gint64              offset_s;
  StrataScenarioClock clock;
} VmSpec;

typedef struct
{
  gint64   duration;
  gint64   preempt_state;
  gboolean legacy;
  gboolean drop;
  guint    n_vms;
  VmSpec   vms[2];
} ModelSpec;

#define HOST_CPUS 8

static Task *
task_new (Gen        *gen,
          const char *comm,
          gint32      tid,
          gint32      pid,
          gint32      ppid,
          guint8      type,
          guint       cpu)
{
  Task *task = g_new0 (Task, 1);

  task->comm = strata_strtab_intern (gen->strings, comm);
  task->tid = tid;
  task->pid = pid;
  task->ppid = ppid;
  task->prio = 20;
  task->type = type;
  task->cpu = cpu;
  task->state = TS_SLEEPING;
  task->wake_at = INF;
  g_ptr_array_add (gen->owned, task);
  return task;
}

static guint
sc_lookup (const char *name)
{
  for (guint i = 0; i < SC_N; i++)
    if (strcmp (sc_names[i], name) == 0)
      return i;
  g_assert_not_reached ();
  return 0;
}

static Task *
task_from_spec (Gen            *gen,
                const TaskSpec *spec,
                gint64          t0,
                GRand          *rand)
{
  Task *task = task_new (gen, spec->comm, spec->tid, spec->pid, spec->ppid, spec->type, spec->cpu);

  task->run_mean = spec->run_mean;
  task->sleep_mean = spec->sleep_mean;
  task->user_mean = spec->user_mean;
  task->wake_irq = spec->wake_irq;
  task->spawner = (spec->flags & F_SPAWNER) != 0;
  task->dormant = (spec->flags & F_DORMANT) != 0;
  if (spec->calls != NULL)
    {
      g_auto(GStrv) calls = g_strsplit (spec->calls, ",", -1);

      for (guint i = 0; calls[i] != NULL && i < MAX_CALLS; i++)
        task->calls[task->n_calls++] = sc_lookup (calls[i]);
    }
  if (spec->block != NULL)
    {
      task->block = sc_lookup (spec->block);
      /* Asleep in its blocking call when the trace starts. */
      task->in_syscall = spec->type != TT_KTHREAD;
      task->syscall = task->block;
    }
  if (!task->dormant)
    task->wake_at = t0 + runi (rand, 10 * US, MAX (spec->sleep_mean, 20 * US));
  return task;
}

static Machine *
machine_new (Gen                 *gen,
             GPtrArray           *machines,
             const char          *name,
             guint                n_cpus,
             gint64               offset_s,
             const char          *kernel_release,
             const ModelSpec     *spec)
{
  Machine *m = g_new0 (Machine, 1);

  m->gen = gen;
  m->index = machines->len;
  m->n_cpus = n_cpus;
  m->legacy = spec->legacy;
  /* Before 4.14, Linux marked an involuntary switch-out with TASK_STATE_MAX (1024 in 3.x). */
  m->preempt_state = spec->legacy ? 1024 : spec->preempt_state;
  m->tasks = g_ptr_array_new ();
  m->idle = g_new0 (Task *, n_cpus);
  m->name = g_strdup (name);
  m->hostname = g_strdup (name);
  m->info.name = m->name;
  m->info.hostname = m->hostname;
  m->info.n_cpus = n_cpus;
  m->info.offset_s = offset_s;
  m->info.legacy = spec->legacy;
  m->info.kernel_release = kernel_release;
  m->info.uuid_seed = 0x5157a7a + machines->len;
  for (guint cpu = 0; cpu < n_cpus; cpu++)
    {
      g_autofree char *comm = g_strdup_printf ("swapper/%u", cpu);

      m->idle[cpu] = task_new (gen, comm, 0, 0, 0, TT_IDLE, cpu);
      m->idle[cpu]->state = TS_RUNNING;
    }
  g_ptr_array_add (machines, m);
  return m;
}

static void
guest_cpu_free (GuestCpu *g)
{
  g_rand_free (g->o.rand);
  g_free (g);
}

static void
machine_free (Machine *m)
{
  g_ptr_array_unref (m->tasks);
  g_free (m->idle);
  g_free (m->name);
  g_free (m->hostname);
  g_free (m);
}

/* When and where "stress" runs: bursts alternating between pCPUs 0 and 1, sometimes moving
 * over directly (a migration), sometimes sleeping in between. */
static void
cpu_pin (Cpu  *c,
         Task *task)
{
  /* Each pCPU's run queue holds at most its pinned tasks, a child and stress. */
  g_assert (c->n_tasks < MAX_PIN - 2);
  c->tasks[c->n_tasks++] = task;
}

static void
plan_stress (GRand   *rand,
             gint64   t0,
             gint64   end,
             GArray  *bursts[2])
{
  gint64 t = t0 + runi (rand, 3 * MS, 8 * MS);
  guint cpu = 0;
  gboolean wake = TRUE;

  while (t < end)
    {
      Burst b = { 0 };

      b.start = t;
      b.end = t + runi (rand, 2 * MS, 12 * MS);
      b.cpu = cpu;
      b.wake = wake;
      b.sleep = g_rand_int_range (rand, 0, 100) >= 40;
      g_array_append_val (bursts[cpu], b);
      if (b.sleep)
        {
          t = b.end + runi (rand, 8 * MS, 50 * MS);
          cpu = g_rand_int_range (rand, 0, 2);
          wake = TRUE;
        }
      else
        {
          /* Longer than any interrupt that may hold it on the old CPU past its end. */
          t = b.end + runi (rand, 30 * US, 80 * US);
          cpu ^= 1;
          wake = FALSE;
        }
    }
}

static void
sys_profiles_init (Gen *gen)
{
  for (guint i = 0; i < SC_N; i++)
    {
      SysProfile *p = &gen->sys[i];
      const char *name = sc_names[i];

      p->name = strata_strtab_intern (gen->strings, name);
      p->fd = strata_ctf_writer_syscall_arg_slot (name, "fd");
      if (p->fd < 0)
        p->fd = strata_ctf_writer_syscall_arg_slot (name, "epfd");
      p->len = strata_ctf_writer_syscall_arg_slot (name, "count");
      if (p->len < 0)
        p->len = strata_ctf_writer_syscall_arg_slot (name, "len");
      if (p->len < 0)
        p->len = strata_ctf_writer_syscall_arg_slot (name, "size");
      p->ptr = strata_ctf_writer_syscall_arg_slot (name, "buf");
      if (p->ptr < 0)
        p->ptr = strata_ctf_writer_syscall_arg_slot (name, "uaddr");
      if (p->ptr < 0)
        p->ptr = strata_ctf_writer_syscall_arg_slot (name, "rqtp");
      p->op = strata_ctf_writer_syscall_arg_slot (name, "cmd");
      if (p->op < 0)
        p->op = strata_ctf_writer_syscall_arg_slot (name, "op");
      p->path = strata_ctf_writer_syscall_arg_slot (name, "filename");
    }
}

static gboolean
model_run (const ModelSpec           *spec,
           StrataStrtab              *strings,
           const StrataScenarioSink  *sink,
           gpointer                   data,
           GError                   **error)
{
  g_autoptr(GPtrArray) machines = g_ptr_array_new_with_free_func ((GDestroyNotify) machine_free);
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) vcpus = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) guest_cpus =
    g_ptr_array_new_with_free_func ((GDestroyNotify) guest_cpu_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x5757a7a);
  GArray *bursts[2];
  Cpu cpus[HOST_CPUS];
  Gen gen = { 0 };
  Machine *host;
  const gint64 t0 = STRATA_DEMO_T0_NS;
  const gint64 end = t0 + spec->duration;
  Task *sessiond = NULL;
  Task *stress;

  gen.sink = sink;
  gen.data = data;
  gen.strings = strings;
  gen.owned = owned;
  gen.next_child_tid = 5000;
  gen.s_ls = strata_strtab_intern (strings, "ls");
  gen.s_ls_path = strata_strtab_intern (strings, "/usr/bin/ls");
  gen.s_virtio = strata_strtab_intern (strings, "virtio0-input.0");
  gen.s_open_path = strata_strtab_intern (strings, "/etc/ld.so.cache");
  sys_profiles_init (&gen);

  /* The host and its threads. */
  host = machine_new (&gen, machines, "host", HOST_CPUS, STRATA_DEMO_HOST_OFFSET_S,
                      "5.10.0-20-amd64", spec);
  memset (cpus, 0, sizeof cpus);
  for (guint i = 0; i < HOST_CPUS; i++)
    {
      Cpu *c = &cpus[i];
      c->m = host;
      c->o.m = host;
      c->o.cpu = i;
      c->o.rand = g_rand_new_with_seed (0x5eed0000 + i);
      c->o.now = t0;
      c->o.drop_from = INF;
      c->idle = c->cur = host->idle[i];
      c->seg = SEG_IDLE;
      c->seg_end = INF;
      c->next_tick = t0 + (gint64) i * TICK / HOST_CPUS;
      c->bursts = g_array_new (FALSE, FALSE, sizeof (Burst));
    }

  for (guint i = 0; i < G_N_ELEMENTS (host_tasks); i++)
    {
      Task *task = task_from_spec (&gen, &host_tasks[i], t0, rand);

      g_ptr_array_add (host->tasks, task);
      if (host_tasks[i].tid == 3050)
        sessiond = task;
      if (!task->dormant)
        cpu_pin (&cpus[task->cpu], task);
    }
  for (guint i = 0; i < HOST_CPUS; i++)
    {
      g_autofree char *comm = g_strdup_printf ("kworker/%u:1", i);
      TaskSpec spec_kw = { NULL, 0, 0, 2, 0, 15 * US, 6 * MS, 0, NULL, NULL, 0, TT_KTHREAD, 0 };
      Task *task;

      spec_kw.comm = comm;
      spec_kw.tid = spec_kw.pid = 30 + 6 * i;
      spec_kw.cpu = i;
      spec_kw.wake_irq = i == 1 ? 43 : 0;
      task = task_from_spec (&gen, &spec_kw, t0, rand);
      g_ptr_array_add (host->tasks, task);
      cpu_pin (&cpus[i], task);
    }
  {
    TaskSpec spec_qemu = { "qemu-system-x86", 0, 0, 1, 7, 40 * US, 2 * MS, 15 * US,
                           "read,write,ioctl,recvmsg", "ppoll", 0, TT_NORMAL, 0 };

    for (guint v = 0; v < spec->n_vms; v++)
      {
        Task *task;

        spec_qemu.tid = spec_qemu.pid = spec->vms[v].qemu_pid;
        task = task_from_spec (&gen, &spec_qemu, t0, rand);
        g_ptr_array_add (host->tasks, task);
        cpu_pin (&cpus[7], task);
      }
  }

  /* The stress task: one thread, a copy per pCPU that follows the plan there. */
  stress = task_new (&gen, "stress", STRATA_DEMO_STRESS_TID, STRATA_DEMO_STRESS_TID, 4000,
                     TT_STRESS, 0);
  g_ptr_array_add (host->tasks, stress);
  for (guint i = 0; i < 2; i++)
    {
      Task *copy = task_new (&gen, "stress", STRATA_DEMO_STRESS_TID, STRATA_DEMO_STRESS_TID, 4000,
                             TT_STRESS, i);

      copy->state = TS_AWAY;
      cpus[i].stress = copy;
      bursts[i] = cpus[i].bursts;
    }
  plan_stress (rand, t0, end, bursts);

  /* The VMs: vCPU threads on the host, and the guest's own machine. */
  for (guint v = 0; v < spec->n_vms; v++)
    {
      const VmSpec *vm = &spec->vms[v];
      Machine *guest = machine_new (&gen, machines, vm->name, vm->n_vcpus, vm->offset_s,
                                    vm->kernel_release, spec);
      Task *guest_sessiond = NULL;

      guest->is_guest = TRUE;
      guest->clock = vm->clock;
      for (guint i = 0; i < G_N_ELEMENTS (guest_tasks); i++)
        {
          Task *task = task_from_spec (&gen, &guest_tasks[i], t0, rand);

          g_ptr_array_add (guest->tasks, task);
          if (guest_tasks[i].tid == 420)
            guest_sessiond = task;
        }

      for (guint n = 0; n < vm->n_vcpus; n++)
        {
          g_autofree char *comm = g_strdup_printf ("CPU %u/KVM", n);
          g_autofree char *kw = g_strdup_printf ("kworker/%u:0", n);
          Cpu *c = &cpus[vm->pcpus[n]];
          Task *thread = task_new (&gen, comm, vm->qemu_pid + 1 + n, vm->qemu_pid, 1, TT_VCPU,
                                   vm->pcpus[n]);
          Vcpu *vcpu = g_new0 (Vcpu, 1);
          GuestCpu *g = g_new0 (GuestCpu, 1);
          TaskSpec spec_worker = { "worker", 0, 812, 1, 0, 0, 0, 70 * US,
                                   "read,write,sendto,recvfrom,futex,mmap,openat,close",
                                   "epoll_wait", 0, TT_NORMAL, 0 };

          g_ptr_array_add (vcpus, vcpu);
          g_ptr_array_add (guest_cpus, g);

          thread->in_syscall = TRUE;
          thread->syscall = SC_IOCTL;
          thread->vcpu = vcpu;
          /* The guest is idle when the trace starts; its first wake-up follows the statedump. */
          thread->wake_at = t0 + runi (rand, 60 * US, 400 * US);
          g_ptr_array_add (host->tasks, thread);
          cpu_pin (c, thread);

          vcpu->thread = thread;
          vcpu->guest = g;
          vcpu->id = n;
          vcpu->n_vm_vcpus = vm->n_vcpus;
          vcpu->vm_uid = vm->vm_uid;
          vcpu->busy_mean = 8 * MS;
          vcpu->idle_mean = 3 * MS;
          vcpu->win_mean = 150 * US;
          vcpu->sync_period = 20 * MS;
          vcpu->last_sync = t0 - runi (rand, 0, 20 * MS);
          vcpu->first_of_busy = TRUE;

          g->o.m = guest;
          g->o.cpu = n;
          g->o.rand = g_rand_new_with_seed (0x9e570000 + 16 * v + n);
          g->o.drop_from = INF;
          g->idle = guest->idle[n];
          g->cur = g->idle;
          spec_worker.tid = 812 + n;
          spec_worker.cpu = n;
          g->worker = task_from_spec (&gen, &spec_worker, t0, rand);
          g_ptr_array_add (guest->tasks, g->worker);
          g->kworker = task_new (&gen, kw, 20 + 6 * n, 20 + 6 * n, 2, TT_KTHREAD, n);
          g_ptr_array_add (guest->tasks, g->kworker);
          if (n == 0)
            {
              g->sessiond = guest_sessiond;
              g->statedump_pending = TRUE;
            }
        }
    }

  for (guint i = 0; i < machines->len; i++)
    {
      Machine *m = g_ptr_array_index (machines, i);

      if (!sink->add_trace (data, i, &m->info, error))
        goto out;
    }

  /* Host IRQ lines: the NIC on pCPU 0, the disk on pCPU 1, the GPU on pCPU 2. */
  {
    static const struct {
      guint cpu; gint irq; const char *name; guint8 vec; gint64 gap;
    } lines[] = {
      { 0, 41, "eth0", VEC_NET_RX, 2500 * US },
      { 1, 43, "ahci[0000:00:17.0]", VEC_BLOCK, 6 * MS },
      { 2, 16, "i915", 0, 16 * MS },
    };

    for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
      {
        Cpu *c = &cpus[lines[i].cpu];
        IrqSource *src = &c->irqs[c->n_irqs++];

        src->irq = lines[i].irq;
        src->name = strata_strtab_intern (strings, lines[i].name);
        src->vec = lines[i].vec;
        src->mean_gap = lines[i].gap;
        src->next = t0 + rexp (c->o.rand, src->mean_gap);
      }
  }

  if (spec->drop)
    {
      /* A full ring buffer on a busy CPU: a few ms of its events are lost. */
      cpus[6].o.drop_from = t0 + 1700 * MS;
      cpus[6].o.drop_to = t0 + 1703 * MS;
    }

  /* The session daemon, current on pCPU 0, dumps the process table as tracing starts. */
  {
    Cpu *c = &cpus[0];

    c->cur = sessiond;
    sessiond->state = TS_RUNNING;
    sessiond->in_syscall = TRUE;
    sessiond->syscall = SC_IOCTL;
    statedump (&c->o, sessiond);
    e_sys_exit (&c->o, SC_IOCTL, 0);
    e_sys_entry (&c->o, sessiond, SC_PPOLL);
    sessiond->in_syscall = TRUE;
    sessiond->syscall = SC_PPOLL;
    block (c, 1, INF);
  }

  for (guint i = 0; i < HOST_CPUS && gen.error == NULL; i++)
    cpu_run (&cpus[i], end);

out:
  for (guint i = 0; i < HOST_CPUS; i++)
    {
      g_rand_free (cpus[i].o.rand);
      g_array_unref (cpus[i].bursts);
    }
  /* Children not reaped when the trace ended. */
  for (guint i = 0; i < owned->len; i++)
    g_free (((Task *) g_ptr_array_index (owned, i))->child);
  if (gen.error != NULL)
    {
      g_propagate_error (error, gen.error);
      return FALSE;
    }
  return TRUE;
}

static void
model_spec_init (ModelSpec *spec,
                 gboolean   bench,
                 gboolean   legacy)
{
  static const VmSpec server1 = {
    "server1", "4.19.0-23-amd64", 2, { 0, 1 }, STRATA_DEMO_QEMU_PID, STRATA_DEMO_VM_UID,
    STRATA_DEMO_GUEST_OFFSET_S, { STRATA_DEMO_T0_NS, -2500 * MS, 1, 50000 },
  };
  /* The second VM shares pCPU 1 with the first one's vCPU 1: VMs preempt each other there.
   * Its clock is 1.25 s ahead and 15 ppm slow. */
  static const VmSpec server2 = {
    "server2", "5.10.0-19-amd64", 4, { 1, 2, 3, 4 }, 3200, STRATA_DEMO_VM_UID + 1,
    G_GINT64_CONSTANT (1442501700), { STRATA_DEMO_T0_NS, 1250 * MS, -3, 200000 },
  };

  memset (spec, 0, sizeof *spec);
  spec->duration = STRATA_DEMO_DURATION_NS;
  spec->legacy = legacy;
  spec->vms[spec->n_vms++] = server1;
  if (bench)
    {
      /* Linux >= 4.14 reports an involuntary switch-out as TASK_REPORT_MAX. */
      spec->preempt_state = 256;
      spec->vms[spec->n_vms++] = server2;
    }
  else
    spec->drop = TRUE;
}

gboolean
strata_scenario_generate (const StrataScenarioParams *params,
                          StrataStrtab               *strings,
                          const StrataScenarioSink   *sink,
                          gpointer                    data,
                          GError                    **error)
{
  ModelSpec spec;

  g_return_val_if_fail (params != NULL, FALSE);
  g_return_val_if_fail (strings != NULL, FALSE);
  g_return_val_if_fail (sink != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  model_spec_init (&spec, params->model == STRATA_SCENARIO_BENCH, params->legacy);
  if (params->model == STRATA_SCENARIO_BENCH)
    {
      guint64 target = params->n_events ? params->n_events : 10000000;
      g_autoptr(StrataStrtab) scratch = strata_strtab_new ();
      CountSink short_run = { 0 }, long_run = { 0 };
      double per_ns;

      /* The model's event rate is steady after its start: measure two short runs and
       * extrapolate the line through them. */
      spec.duration = 250 * MS;
      if (!model_run (&spec, scratch, &count_sink_funcs, &short_run, error))
        return FALSE;
      spec.duration = 750 * MS;
      if (!model_run (&spec, scratch, &count_sink_funcs, &long_run, error))
        return FALSE;
      per_ns = (double) (long_run.events - short_run.events) / (double) (500 * MS);
      per_ns = MAX (per_ns, 1e-9);
      spec.duration = 750 * MS + (gint64) (((double) target - (double) long_run.events) / per_ns);
      spec.duration = MAX (spec.duration, 10 * MS);
    }
  return model_run (&spec, strings, sink, data, error);
}

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
