/* strata-scenario-text.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-scenario"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <string.h>

#include "strata-ctf-writer.h"
#include "strata-exit-reason.h"
#include "strata-scenario-model.h"
#include "strata-time.h"

/* The scenario text (see strata-scenario.h): parsed whole, then each trace's lines are fed to
 * a sink in time order, or the hosts it describes are simulated by the model. */


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
    return parse_error (parser, _("%s %s is out of range (%" PRId64 " to %" PRId64 ")"),
                        what, text, min, max);
  *out = v;
  return TRUE;
}

/* ns after the clock origin: an integer, or a decimal with a unit, exactly. */
static gboolean
read_ts (const char *text,
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
  return strata_time_parse (relative, 0, out, NULL);
}

static gboolean
parse_ts (Parser     *parser,
          const char *text,
          gint64     *out)
{
  if (!read_ts (text, out))
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

/* A signed duration: "-1s", "+250ms", "700us", "0". */
static gboolean
parse_signed_ts (Parser     *parser,
                 const char *what,
                 const char *text,
                 gint64     *out)
{
  gboolean negative = *text == '-';

  if (*text == '-' || *text == '+')
    text++;
  /* One error, this one: not parse_ts()'s as well. */
  if (*text == '-' || *text == '+' || !read_ts (text, out))
    return parse_error (parser, _("invalid %s “%s”: use a time such as -1s, 250ms or 40us"), what, text);
  if (negative)
    *out = -*out;
  return TRUE;
}

/* Model hosts, as their lines give them; names are kept alive by @names. */
typedef struct
{
  GArray    *hosts;            /* ModelSpec */
  GPtrArray *names;            /* char*: every name and release the specs point to */
} Models;

static gboolean
name_taken (Models     *models,
            const char *name)
{
  for (guint h = 0; h < models->hosts->len; h++)
    {
      const ModelSpec *host = &g_array_index (models->hosts, ModelSpec, h);

      if (g_strcmp0 (host->name, name) == 0)
        return TRUE;
      for (guint v = 0; v < host->n_vms; v++)
        if (g_strcmp0 (host->vms[v].name, name) == 0)
          return TRUE;
    }
  return FALSE;
}

static const char *
keep (Models     *models,
      const char *text)
{
  char *copy = g_strdup (text);

  g_ptr_array_add (models->names, copy);
  return copy;
}

static gboolean
check_name (Parser     *parser,
            Models     *models,
            const char *what,
            GPtrArray  *words)
{
  const char *name;

  if (words->len < 2 || strchr (g_ptr_array_index (words, 1), '=') != NULL)
    return parse_error (parser, _("“%s” needs a name"), what);
  name = g_ptr_array_index (words, 1);
  if (*name == '\0' || strchr (name, '/') != NULL || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return parse_error (parser, _("invalid trace name “%s”"), name);
  if (name_taken (models, name))
    return parse_error (parser, _("trace “%s” is defined twice"), name);
  return TRUE;
}

static gboolean
parse_host_line (Parser    *parser,
                 GPtrArray *words,
                 Models    *models)
{
  ModelSpec spec = { 0 };

  if (!check_name (parser, models, "host", words))
    return FALSE;
  spec.name = keep (models, g_ptr_array_index (words, 1));
  spec.duration = STRATA_DEMO_DURATION_NS;
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
      if (strcmp (key, "duration") == 0)
        {
          if (!parse_ts (parser, value, &v))
            return FALSE;
          if (v < 10 * MS || v > 600 * SEC)
            return parse_error (parser, _("duration %s is out of range (10ms to 600s)"), value);
          spec.duration = v;
        }
      else if (strcmp (key, "seed") == 0)
        {
          if (!parse_int (parser, "seed", value, 0, G_MAXINT64, &v))
            return FALSE;
          spec.seed = (guint64) v;
        }
      else if (strcmp (key, "preempt_state") == 0)
        {
          if (!parse_int (parser, "preempt_state", value, 0, G_MAXINT32, &spec.preempt_state))
            return FALSE;
        }
      else if (strcmp (key, "legacy") == 0)
        {
          if (!parse_int (parser, "legacy", value, 0, 1, &v))
            return FALSE;
          spec.legacy = v != 0;
        }
      else if (strcmp (key, "trace") == 0)
        {
          if (!parse_int (parser, "trace", value, 0, 1, &v))
            return FALSE;
          spec.no_host_trace = v == 0;
        }
      else if (strcmp (key, "offset_s") == 0)
        {
          if (!parse_int (parser, "offset_s", value, 1, STRATA_DEMO_T0_NS / SEC, &spec.offset_s))
            return FALSE;
        }
      else if (strcmp (key, "trace_from") == 0 || strcmp (key, "trace_to") == 0)
        {
          if (!parse_ts (parser, value, &v))
            return FALSE;
          if (key[6] == 'f')
            spec.trace_from = v;
          else
            spec.trace_to = v;
        }
      else
        return parse_error (parser, _("unknown host option “%s” (duration, seed, preempt_state, legacy, "
                                      "trace, offset_s, trace_from, trace_to)"), key);
    }
  if (spec.trace_from >= spec.duration || (spec.trace_to > 0 && (spec.trace_to <= spec.trace_from || spec.trace_to > spec.duration)))
    return parse_error (parser, _("the host's trace_to must be after its trace_from and within its duration"));
  g_array_append_val (models->hosts, spec);
  return TRUE;
}

/* "0,1", "2-5", "0,4-7": pCPUs of the host. */
static gboolean
parse_pcpus (Parser     *parser,
             const char *text,
             VmSpec     *vm)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  vm->n_pcpus = 0;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) range = g_strsplit (parts[i], "-", 2);
      gint64 lo, hi;

      if (!parse_int (parser, "pCPU", range[0], 0, HOST_CPUS - 1, &lo))
        return FALSE;
      hi = lo;
      if (range[1] != NULL && !parse_int (parser, "pCPU", range[1], lo, HOST_CPUS - 1, &hi))
        return FALSE;
      for (gint64 c = lo; c <= hi; c++)
        {
          if (vm->n_pcpus == MAX_VCPUS)
            return parse_error (parser, _("too many pCPUs in “%s” (at most %u)"), text, MAX_VCPUS);
          vm->pcpus[vm->n_pcpus++] = (guint) c;
        }
    }
  return TRUE;
}

static gboolean
parse_vm_line (Parser    *parser,
               GPtrArray *words,
               Models    *models)
{
  ModelSpec *host;
  VmSpec *vm;
  gint64 offset = 0, ppm = 0;
  guint n_vms_before = 0;
  gboolean have_offset_s = FALSE;

  if (models->hosts->len == 0)
    return parse_error (parser, _("“vm” before any “host” line"));
  if (!check_name (parser, models, "vm", words))
    return FALSE;
  host = &g_array_index (models->hosts, ModelSpec, models->hosts->len - 1);
  if (host->n_vms == MAX_VMS)
    return parse_error (parser, _("host “%s” has too many VMs (at most %u)"), host->name, MAX_VMS);
  for (guint h = 0; h < models->hosts->len; h++)
    n_vms_before += g_array_index (models->hosts, ModelSpec, h).n_vms;

  vm = &host->vms[host->n_vms];
  memset (vm, 0, sizeof *vm);
  vm->name = keep (models, g_ptr_array_index (words, 1));
  vm->kernel_release = "5.10.0-19-amd64";
  vm->n_vcpus = 1;
  vm->qemu_pid = STRATA_DEMO_QEMU_PID + 200 * (gint32) host->n_vms;
  vm->vm_uid = STRATA_DEMO_VM_UID + n_vms_before;
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
      if (strcmp (key, "vcpus") == 0)
        {
          if (!parse_int (parser, "vcpus", value, 1, MAX_VCPUS, &v))
            return FALSE;
          vm->n_vcpus = (guint) v;
        }
      else if (strcmp (key, "pcpus") == 0)
        {
          if (!parse_pcpus (parser, value, vm))
            return FALSE;
        }
      else if (strcmp (key, "float") == 0)
        {
          if (!parse_int (parser, "float", value, 0, 1, &v))
            return FALSE;
          vm->floating = v != 0;
        }
      else if (strcmp (key, "qemu_pid") == 0)
        {
          if (!parse_int (parser, "qemu_pid", value, 2, G_MAXINT32 - MAX_VCPUS - 1, &v))
            return FALSE;
          vm->qemu_pid = (gint32) v;
        }
      else if (strcmp (key, "clock_offset") == 0)
        {
          if (!parse_signed_ts (parser, "clock_offset", value, &offset))
            return FALSE;
          if (ABS (offset) > 3600 * SEC)
            return parse_error (parser, _("clock_offset %s is out of range (at most an hour)"), value);
        }
      else if (strcmp (key, "drift_ppm") == 0)
        {
          if (!parse_int (parser, "drift_ppm", value, -1000, 1000, &ppm))
            return FALSE;
        }
      else if (strcmp (key, "sync") == 0)
        {
          if (strcmp (value, "vmsync") != 0 && strcmp (value, "vmsync-gh") != 0 && strcmp (value, "none") != 0)
            return parse_error (parser, _("invalid sync “%s” (vmsync, vmsync-gh, none)"), value);
          vm->no_sync = strcmp (value, "none") == 0;
          vm->sync_gh_only = strcmp (value, "vmsync-gh") == 0;
        }
      else if (strcmp (key, "busy") == 0 || strcmp (key, "idle") == 0)
        {
          if (!parse_ts (parser, value, &v))
            return FALSE;
          if (v < 10 * US || v > 10 * SEC)
            return parse_error (parser, _("%s %s is out of range (10us to 10s)"), key, value);
          if (key[0] == 'b')
            vm->busy_mean = v;
          else
            vm->idle_mean = v;
        }
      else if (strcmp (key, "kernel_release") == 0)
        vm->kernel_release = keep (models, value);
      else if (strcmp (key, "offset_s") == 0)
        {
          if (!parse_int (parser, "offset_s", value, 1, STRATA_DEMO_T0_NS / SEC, &vm->offset_s))
            return FALSE;
          have_offset_s = TRUE;
        }
      else
        return parse_error (parser, _("unknown vm option “%s” (vcpus, pcpus, float, qemu_pid, clock_offset, "
                                      "drift_ppm, sync, busy, idle, kernel_release, offset_s)"), key);
    }

  if (vm->n_pcpus == 0)
    for (guint n = 0; n < vm->n_vcpus; n++)
      vm->pcpus[vm->n_pcpus++] = n % HOST_CPUS;
  if (!vm->floating && vm->n_pcpus != vm->n_vcpus)
    return parse_error (parser, _("pinned vCPUs need one pCPU each: %u vCPUs, %u pCPUs (or set float=1)"),
                        vm->n_vcpus, vm->n_pcpus);
  /* The VM's process and its vCPU threads must be threads of their own on the host. */
  for (gint32 tid = vm->qemu_pid; tid <= vm->qemu_pid + (gint32) vm->n_vcpus; tid++)
    {
      gboolean taken = gen_host_tid_taken (tid);

      for (guint v = 0; v < host->n_vms && !taken; v++)
        taken = tid >= host->vms[v].qemu_pid && tid <= host->vms[v].qemu_pid + (gint32) host->vms[v].n_vcpus;
      if (taken)
        return parse_error (parser, _("qemu_pid %d: thread %d of the VM is already a thread of host “%s”"),
                            vm->qemu_pid, tid, host->name);
    }
  vm->clock = (StrataScenarioClock) { STRATA_DEMO_T0_NS, offset, ppm, 1000000 };
  /* The guest's clock starts before anything it writes. */
  if (!have_offset_s)
    vm->offset_s = (host->offset_s ? host->offset_s : STRATA_DEMO_HOST_OFFSET_S) + offset / SEC - 2;
  host->n_vms++;
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
  /* Written into the trace as KVM records them, though the decoder does not read them. */
  if (kind == STRATA_EV_KVM_EXIT && strcmp (key, "guest_rip") == 0)
    return STRATA_F_KVM_GUEST_RIP;
  if (kind == STRATA_EV_KVM_EXIT && strcmp (key, "info2") == 0)
    return STRATA_F_KVM_INFO2;
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
  const char *exit_reason = NULL;
  guint32 reason_code = 0;
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
    return parse_error (parser, _("CPU %" PRId64 " is out of range: trace “%s” has %u "
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
  /* A dumped thread's CPU, unless given: the one the dump ran on. */
  if (ev->kind == STRATA_EV_STATEDUMP_PROCESS)
    ev->f[STRATA_F_SD_CPU] = ev->cpu;
  /* An exit is Intel's unless said otherwise. */
  if (ev->kind == STRATA_EV_KVM_EXIT)
    ev->f[STRATA_F_KVM_ISA] = STRATA_ISA_VMX;

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
      else if (ev->kind == STRATA_EV_KVM_EXIT && slot == STRATA_F_KVM_ISA &&
               (strcmp (value, "vmx") == 0 || strcmp (value, "svm") == 0))
        ev->f[slot] = value[0] == 'v' ? STRATA_ISA_VMX : STRATA_ISA_SVM;
      else if (ev->kind == STRATA_EV_KVM_EXIT && slot == STRATA_F_KVM_EXIT_REASON &&
               !g_ascii_isdigit (*value))
        exit_reason = value;
      else if (!parse_int (parser, key, value, G_MININT64, G_MAXINT64, &ev->f[slot]))
        return FALSE;
    }
  /* A reason by name, once the ISA that names it is known. */
  if (exit_reason != NULL &&
      !strata_exit_reason_from_name (ev->f[STRATA_F_KVM_ISA], exit_reason, &reason_code))
    return parse_error (parser, _("unknown %s exit reason “%s”"),
                        strata_isa_to_string (ev->f[STRATA_F_KVM_ISA]), exit_reason);
  if (exit_reason != NULL)
    ev->f[STRATA_F_KVM_EXIT_REASON] = reason_code;

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
    return parse_error (parser, _("CPU %" PRId64 " is out of range: trace “%s” has %u"),
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
  g_autoptr(GArray) hosts = g_array_new (FALSE, FALSE, sizeof (ModelSpec));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  Models models = { hosts, names };
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
      /* A scenario either lists events, or describes hosts for the model to simulate. */
      if ((strcmp (verb, "host") == 0 || strcmp (verb, "vm") == 0) && traces->len > 0)
        return parse_error (&parser, _("“%s” in a scenario of “trace” lines: describe either traces "
                                       "and their events, or hosts and their VMs"), verb);
      if (strcmp (verb, "trace") == 0 && hosts->len > 0)
        return parse_error (&parser, _("“trace” in a scenario of “host” lines: describe either traces "
                                       "and their events, or hosts and their VMs"));
      if (strcmp (verb, "host") == 0)
        {
          if (!parse_host_line (&parser, words, &models))
            return FALSE;
        }
      else if (strcmp (verb, "vm") == 0)
        {
          if (!parse_vm_line (&parser, words, &models))
            return FALSE;
        }
      else if (strcmp (verb, "trace") == 0)
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
        return parse_error (&parser, _("unknown statement “%s” (trace, event, discard, host, vm)"), verb);
    }

  if (hosts->len > 0)
    return gen_models_run ((const ModelSpec *) (gconstpointer) hosts->data, hosts->len, strings, sink, data, error);

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
