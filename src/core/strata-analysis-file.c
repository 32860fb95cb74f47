/* strata-analysis-file.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-file"

#include "config.h"

#include <float.h>
#include <string.h>

#include "strata-analysis-file.h"
#include "strata-analysis-private.h"
#include "strata-parallel.h"

/*
 * Sections, each a sequence of fields in the machine's byte order: numbers of fixed width,
 * strings as a length (0 for none, else the length + 1) and their bytes, lists as a count
 * and their items. Reading checks every length against what is left, every count against
 * the bytes left before allocating, and every index (machine, trace, string, description)
 * against what it refers to: a file with sound checksums but wrong contents is refused too.
 *
 *   'ASTR' the string table, in id order     'ASET' the set: traces, streams, problems
 *   'AMAC' machines                          'APRE' preemptions      'AWRN' warnings
 *   'AMET' host and primary machine; the exits' section (strata-exits.c) and the store's own
 */

#define TAG_STRINGS STRATA_FOURCC ('A', 'S', 'T', 'R')
#define TAG_SET STRATA_FOURCC ('A', 'S', 'E', 'T')
#define TAG_MACHINES STRATA_FOURCC ('A', 'M', 'A', 'C')
#define TAG_PREEMPTIONS STRATA_FOURCC ('A', 'P', 'R', 'E')
#define TAG_WARNINGS STRATA_FOURCC ('A', 'W', 'R', 'N')
#define TAG_META STRATA_FOURCC ('A', 'M', 'E', 'T')
#define TAG_OPEN_EXITS STRATA_FOURCC ('A', 'O', 'E', 'X')

/* Writing */

static void
put (GByteArray    *buf,
     gconstpointer  data,
     gsize          len)
{
  g_byte_array_append (buf, data, len);
}

static void
put_u32 (GByteArray *buf,
         guint32     v)
{
  put (buf, &v, sizeof v);
}

static void
put_u64 (GByteArray *buf,
         guint64     v)
{
  put (buf, &v, sizeof v);
}

static void
put_f64 (GByteArray *buf,
         double      v)
{
  put (buf, &v, sizeof v);
}

static void
put_str (GByteArray *buf,
         const char *s)
{
  gsize len = s ? strlen (s) : 0;

  put_u32 (buf, s ? len + 1 : 0);
  put (buf, s, len);
}

static void
put_strv (GByteArray *buf,
          GPtrArray  *strings)
{
  put_u32 (buf, strings->len);
  for (guint i = 0; i < strings->len; i++)
    put_str (buf, g_ptr_array_index (strings, i));
}

static void
put_section (StrataSectionWriter *writer,
             guint32              tag,
             GByteArray          *buf)
{
  strata_section_writer_begin (writer, tag, STRATA_ANALYSIS_FILE_VERSION);
  strata_section_writer_write (writer, buf->data, buf->len);
  strata_section_writer_end (writer);
  g_byte_array_set_size (buf, 0);
}

static void
put_sync (GByteArray             *buf,
          const StrataSyncResult *s)
{
  long double beta = s->beta_ns;
  guint8 raw[16] = { 0 };

  put_u32 (buf, s->quality);
  put_u32 (buf, s->matches);
  put_u32 (buf, s->n_to_ref);
  put_u32 (buf, s->n_from_ref);
  put_f64 (buf, s->alpha);
  /* The significant bytes only: the rest of a long double is padding. */
  memcpy (raw, &beta, MIN (sizeof beta, sizeof raw));
#if LDBL_MANT_DIG == 64
  memset (raw + 10, 0, sizeof raw - 10);
#endif
  put (buf, raw, sizeof raw);
  put_f64 (buf, s->accuracy_ns);
  put_f64 (buf, s->alpha_min);
  put_f64 (buf, s->alpha_max);
  put_u64 (buf, s->own_origin);
  put_u64 (buf, s->ref_origin);
  put_f64 (buf, s->drift);
  put_f64 (buf, s->beta_rel);
}

void
strata_analysis_write (StrataAnalysis      *self,
                       StrataSectionWriter *writer)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  StrataSet *set = self->set;
  guint n_strings = strata_strtab_count (set->strings);

  put_u32 (buf, n_strings);
  for (guint i = 0; i < n_strings; i++)
    put_str (buf, strata_strtab_get (set->strings, i));
  put_section (writer, TAG_STRINGS, buf);

  put_u64 (buf, set->begin_ns);
  put_u64 (buf, set->end_ns);
  put_strv (buf, set->errors);
  put_u32 (buf, set->traces->len);
  for (guint t = 0; t < set->traces->len; t++)
    {
      StrataTrace *trace = g_ptr_array_index (set->traces, t);

      put_str (buf, trace->path);
      put_str (buf, trace->machine);
      put_str (buf, trace->hostname);
      put_str (buf, trace->domain);
      put_str (buf, trace->tracer);
      put_str (buf, trace->kernel_release);
      put_str (buf, trace->clock_uuid);
      put_strv (buf, trace->errors);
      put_u64 (buf, trace->events);
      put_u64 (buf, trace->discarded);
      put_u64 (buf, trace->begin_ns);
      put_u64 (buf, trace->end_ns);
      put_u32 (buf, trace->n_cpus);
      put_u32 (buf, trace->has_kvm);
      put_u32 (buf, trace->failed);
      put_u32 (buf, trace->streams->len);
      for (guint s = 0; s < trace->streams->len; s++)
        {
          StrataStream *stream = g_ptr_array_index (trace->streams, s);

          put_str (buf, stream->name);
          put_u32 (buf, stream->cpu);
          put_u64 (buf, stream->events);
          put_u64 (buf, stream->discarded);
          put_u64 (buf, stream->begin_ns);
          put_u64 (buf, stream->end_ns);
          put_u32 (buf, stream->losses->len);
          for (guint l = 0; l < stream->losses->len; l++)
            {
              const StrataLoss *loss = &g_array_index (stream->losses, StrataLoss, l);

              put_u64 (buf, loss->begin_ns);
              put_u64 (buf, loss->end_ns);
              put_u64 (buf, loss->count);
            }
        }
    }
  put_section (writer, TAG_SET, buf);

  put_u32 (buf, self->machines->len);
  for (guint m = 0; m < self->machines->len; m++)
    {
      StrataMachine *machine = g_ptr_array_index (self->machines, m);
      guint trace = G_MAXUINT32;

      for (guint t = 0; t < set->traces->len; t++)
        if (g_ptr_array_index (set->traces, t) == machine->trace)
          trace = t;
      put_str (buf, machine->name);
      put_u32 (buf, machine->role);
      put_u32 (buf, trace);
      put_u32 (buf, machine->parent);
      put_u32 (buf, machine->n_cpus);
      put_u64 (buf, machine->vm_pid);
      put_u32 (buf, machine->vm_pid_guessed);
      put_u32 (buf, machine->vcpus->len);
      put (buf, machine->vcpus->data, machine->vcpus->len * sizeof (StrataVcpu));
      put_u32 (buf, machine->sync_method);
      put_u32 (buf, machine->sync_reference);
      put_sync (buf, &machine->sync);
      put_u64 (buf, machine->outside_guest_mode);
      put_u32 (buf, machine->link);
      put_u32 (buf, machine->fits->len);
      for (guint i = 0; i < machine->fits->len; i++)
        {
          const StrataVmFit *fit = &g_array_index (machine->fits, StrataVmFit, i);

          put_u64 (buf, fit->vm_pid);
          put_u32 (buf, fit->n_vcpus);
          put_u32 (buf, fit->verdict);
          put_f64 (buf, fit->outside);
          put_f64 (buf, fit->empty);
          put_f64 (buf, fit->background);
          put_u64 (buf, fit->events);
        }
      put_u32 (buf, machine->threads->len);
      for (guint i = 0; i < machine->threads->len; i++)
        {
          const StrataThreadInfo *info = &g_array_index (machine->threads, StrataThreadInfo, i);

          put_u32 (buf, info->tid);
          put_u32 (buf, info->pid);
          put_u32 (buf, info->ppid);
          put_u32 (buf, info->vtid);
          put_u32 (buf, info->vpid);
          put_u64 (buf, info->ns_inum);   /* a 64-bit field: the format did not change */
          put_u32 (buf, info->name);
        }
    }
  put_section (writer, TAG_MACHINES, buf);

  put_u32 (buf, self->preemptions->len);
  for (guint i = 0; i < self->preemptions->len; i++)
    {
      const StrataPreemption *p = &g_array_index (self->preemptions, StrataPreemption, i);

      put_u32 (buf, p->machine);
      put_u32 (buf, p->vcpu);
      put_u64 (buf, p->start);
      put_u64 (buf, p->end);
      put_u32 (buf, p->pcpu);
      put_u32 (buf, p->kind);
      put_u32 (buf, p->open | (p->cut << 1));
      put_u32 (buf, p->by ? p->by->len : 0);
      for (guint c = 0; p->by && c < p->by->len; c++)
        {
          const StrataPreemptionCause *cause = &g_array_index (p->by, StrataPreemptionCause, c);

          put_u32 (buf, cause->machine);
          put_u32 (buf, cause->tid);
          put_u32 (buf, cause->comm);
          put_u32 (buf, cause->vcpu);
          put_u32 (buf, cause->state | cause->has_exit << 8 | cause->exit_isa << 16);
          put_u32 (buf, cause->exit_code);
          put_u64 (buf, cause->ns);
          put_u64 (buf, cause->exit_ns);
        }
    }
  put_section (writer, TAG_PREEMPTIONS, buf);

  put_strv (buf, self->warnings);
  put_section (writer, TAG_WARNINGS, buf);

  put_u32 (buf, self->host);
  put_u32 (buf, self->primary);
  put_section (writer, TAG_META, buf);

  put_u32 (buf, strata_exits_n_open (self->exits));
  for (guint i = 0; i < strata_exits_n_open (self->exits); i++)
    {
      const StrataExitRecord *r = strata_exits_get_open (self->exits, i);

      put_u64 (buf, r->start);
      put_u64 (buf, r->end);
      put_u64 (buf, r->info1);
      put_u32 (buf, r->code);
      put_u32 (buf, r->machine | r->isa << 16);
      put_u32 (buf, r->vcpu);
    }
  put_section (writer, TAG_OPEN_EXITS, buf);

  strata_exits_write (self->exits, writer);
  strata_store_write (self->store, writer);
}


/* Reading */

typedef struct
{
  const guint8 *data;
  gsize         size;
  gsize         pos;
  gboolean      bad;
} Reader;

static gboolean
reader_init (Reader             *r,
             StrataSectionFile  *file,
             guint32             tag,
             GError            **error)
{
  guint32 version;

  memset (r, 0, sizeof *r);
  if (!strata_section_file_lookup (file, tag, &version, &r->data, &r->size))
    {
      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN,
                   "not a saved analysis");
      return FALSE;
    }
  if (version != STRATA_ANALYSIS_FILE_VERSION)
    {
      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN,
                   "an analysis saved in another version (%u)", version);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get (Reader   *r,
     gpointer  out,
     gsize     len)
{
  /* An empty array's data is NULL, which memcpy() may not be given even for no bytes. */
  if (len == 0)
    return !r->bad;
  if (r->bad || len > r->size - r->pos)
    {
      r->bad = TRUE;
      memset (out, 0, len);
      return FALSE;
    }
  memcpy (out, r->data + r->pos, len);
  r->pos += len;
  return TRUE;
}

static guint32
get_u32 (Reader *r)
{
  guint32 v;

  get (r, &v, sizeof v);
  return v;
}

static guint64
get_u64 (Reader *r)
{
  guint64 v;

  get (r, &v, sizeof v);
  return v;
}

static double
get_f64 (Reader *r)
{
  double v;

  get (r, &v, sizeof v);
  return v;
}

/* A count of items of at least @item_size bytes each, which must fit in what is left. */
static guint32
get_count (Reader *r,
           gsize   item_size)
{
  guint32 n = get_u32 (r);

  if (!r->bad && n > (r->size - r->pos) / MAX (item_size, 1))
    r->bad = TRUE;
  return r->bad ? 0 : n;
}

static char *
get_str (Reader *r)
{
  guint32 len = get_u32 (r);
  char *s;

  if (len == 0 || r->bad)
    return NULL;
  if (len - 1 > r->size - r->pos)
    {
      r->bad = TRUE;
      return NULL;
    }
  s = g_strndup ((const char *) r->data + r->pos, len - 1);
  r->pos += len - 1;
  return s;
}

/* A string that must be there. */
static char *
get_text (Reader *r)
{
  char *s = get_str (r);

  if (s == NULL)
    r->bad = TRUE;
  return s;
}

static void
get_strv (Reader    *r,
          GPtrArray *out)
{
  guint32 n = get_count (r, sizeof (guint32));

  for (guint32 i = 0; i < n && !r->bad; i++)
    {
      char *s = get_text (r);

      if (s != NULL)
        g_ptr_array_add (out, s);
    }
}

static void
get_sync (Reader           *r,
          StrataSyncResult *s)
{
  guint8 raw[16];
  long double beta = 0;

  s->quality = get_u32 (r);
  s->matches = get_u32 (r);
  s->n_to_ref = get_u32 (r);
  s->n_from_ref = get_u32 (r);
  s->alpha = get_f64 (r);
  get (r, raw, sizeof raw);
  memcpy (&beta, raw, MIN (sizeof beta, sizeof raw));
  s->beta_ns = beta;
  s->accuracy_ns = get_f64 (r);
  s->alpha_min = get_f64 (r);
  s->alpha_max = get_f64 (r);
  s->own_origin = get_u64 (r);
  s->ref_origin = get_u64 (r);
  s->drift = get_f64 (r);
  s->beta_rel = get_f64 (r);
  if (s->quality > STRATA_SYNC_FAIL)
    r->bad = TRUE;
}

static gboolean
bad (Reader     *r,
     GError    **error,
     const char *what)
{
  if (r->bad || r->pos != r->size)
    {
      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_DAMAGED,
                   "damaged analysis: %s", what);
      return TRUE;
    }
  return FALSE;
}

static StrataSet *
read_set (StrataSectionFile  *file,
          GError            **error)
{
  g_autoptr(StrataSet) set = strata_set_new ();
  Reader r;
  guint32 n;

  if (!reader_init (&r, file, TAG_STRINGS, error))
    return NULL;
  n = get_count (&r, sizeof (guint32));
  for (guint32 i = 0; i < n && !r.bad; i++)
    {
      g_autofree char *s = get_str (&r);

      /* Ids come back in order: the table has each string once, "" first. */
      if (strata_strtab_intern (set->strings, s ? s : "") != i)
        r.bad = TRUE;
    }
  if (bad (&r, error, "the string table"))
    return NULL;

  if (!reader_init (&r, file, TAG_SET, error))
    return NULL;
  set->begin_ns = get_u64 (&r);
  set->end_ns = get_u64 (&r);
  get_strv (&r, set->errors);
  n = get_count (&r, 1);
  for (guint32 t = 0; t < n && !r.bad; t++)
    {
      g_autofree char *path = get_text (&r);
      StrataTrace *trace = strata_set_add_trace (set, path ? path : "");
      guint32 n_streams;

      trace->machine = get_str (&r);
      trace->hostname = get_str (&r);
      trace->domain = get_str (&r);
      trace->tracer = get_str (&r);
      trace->kernel_release = get_str (&r);
      trace->clock_uuid = get_str (&r);
      get_strv (&r, trace->errors);
      trace->events = get_u64 (&r);
      trace->discarded = get_u64 (&r);
      trace->begin_ns = get_u64 (&r);
      trace->end_ns = get_u64 (&r);
      trace->n_cpus = get_u32 (&r);
      trace->has_kvm = get_u32 (&r) != 0;
      trace->failed = get_u32 (&r) != 0;
      n_streams = get_count (&r, 1);
      for (guint32 s = 0; s < n_streams && !r.bad; s++)
        {
          g_autofree char *name = get_text (&r);
          StrataStream *stream = strata_trace_add_stream (trace, name ? name : "");
          guint32 n_losses;

          stream->cpu = get_u32 (&r);
          stream->events = get_u64 (&r);
          stream->discarded = get_u64 (&r);
          stream->begin_ns = get_u64 (&r);
          stream->end_ns = get_u64 (&r);
          n_losses = get_count (&r, 24);
          for (guint32 l = 0; l < n_losses && !r.bad; l++)
            {
              StrataLoss loss;

              loss.begin_ns = get_u64 (&r);
              loss.end_ns = get_u64 (&r);
              loss.count = get_u64 (&r);
              if (!strata_time_in_range (loss.begin_ns) || loss.end_ns < loss.begin_ns ||
                  !strata_time_in_range (loss.end_ns))
                r.bad = TRUE;
              else
                g_array_append_val (stream->losses, loss);
            }
        }
    }
  if (bad (&r, error, "the traces"))
    return NULL;
  return g_steal_pointer (&set);
}

static gboolean
read_machines (StrataAnalysis     *self,
               StrataSectionFile  *file,
               GError            **error)
{
  guint n_traces = self->set->traces->len;
  guint n_strings = strata_strtab_count (self->set->strings);
  Reader r;
  guint32 n;

  if (!reader_init (&r, file, TAG_MACHINES, error))
    return FALSE;
  n = get_count (&r, 1);
  for (guint32 m = 0; m < n && !r.bad; m++)
    {
      g_autofree char *name = get_text (&r);
      StrataMachine *machine = _strata_analysis_machine_new (name ? name : "");
      guint32 trace, n_vcpus, n_threads, n_fits;

      g_ptr_array_add (self->machines, machine);
      machine->role = get_u32 (&r);
      trace = get_u32 (&r);
      machine->parent = (gint32) get_u32 (&r);
      machine->n_cpus = get_u32 (&r);
      machine->vm_pid = get_u64 (&r);
      machine->vm_pid_guessed = get_u32 (&r) != 0;
      n_vcpus = get_count (&r, sizeof (StrataVcpu));
      g_array_set_size (machine->vcpus, n_vcpus);
      get (&r, machine->vcpus->data, n_vcpus * sizeof (StrataVcpu));
      machine->sync_method = get_u32 (&r);
      machine->sync_reference = (gint32) get_u32 (&r);
      get_sync (&r, &machine->sync);
      machine->outside_guest_mode = get_u64 (&r);
      machine->link = get_u32 (&r);
      n_fits = get_count (&r, 48);
      g_array_set_size (machine->fits, n_fits);
      for (guint32 i = 0; i < n_fits && !r.bad; i++)
        {
          StrataVmFit *fit = &g_array_index (machine->fits, StrataVmFit, i);

          fit->vm_pid = get_u64 (&r);
          fit->n_vcpus = get_u32 (&r);
          fit->verdict = get_u32 (&r);
          fit->outside = get_f64 (&r);
          fit->empty = get_f64 (&r);
          fit->background = get_f64 (&r);
          fit->events = get_u64 (&r);
          if (fit->verdict > STRATA_KVM_FIT_GOOD)
            r.bad = TRUE;
        }
      n_threads = get_count (&r, 32);
      g_array_set_size (machine->threads, n_threads);
      /* A record at a time (a switch-heavy set has hundreds of thousands of threads):
       * tid, pid, ppid, vtid, vpid, ns_inum (64 bits), name. */
      for (guint32 i = 0; i < n_threads && !r.bad; i++)
        {
          StrataThreadInfo *info = &g_array_index (machine->threads, StrataThreadInfo, i);
          guint32 rec[8];
          guint64 ns_inum;

          if (!get (&r, rec, sizeof rec))
            break;
          info->tid = (gint32) rec[0];
          info->pid = (gint32) rec[1];
          info->ppid = (gint32) rec[2];
          info->vtid = (gint32) rec[3];
          info->vpid = (gint32) rec[4];
          memcpy (&ns_inum, &rec[5], sizeof ns_inum);
          info->ns_inum = (guint32) ns_inum;
          info->name = rec[7];
          if (info->name >= n_strings || ns_inum > G_MAXUINT32 || (i > 0 && info[-1].tid >= info->tid))
            r.bad = TRUE;
        }
      if (trace != G_MAXUINT32 && trace >= n_traces)
        r.bad = TRUE;
      else if (trace != G_MAXUINT32)
        machine->trace = g_ptr_array_index (self->set->traces, trace);
      if (machine->role > STRATA_ROLE_GUEST || machine->sync_method > STRATA_SYNC_METHOD_KVM ||
          machine->link > STRATA_LINK_MAP)
        r.bad = TRUE;
    }
  for (guint m = 0; m < self->machines->len; m++)
    {
      StrataMachine *machine = g_ptr_array_index (self->machines, m);

      if (machine->parent < -1 || machine->parent >= (gint) n ||
          machine->sync_reference < -1 || machine->sync_reference >= (gint) n)
        r.bad = TRUE;
    }
  return !bad (&r, error, "the machines");
}

static gboolean
machine_ok (StrataAnalysis *self,
            guint           machine)
{
  return machine == STRATA_NO_MACHINE || machine < self->machines->len;
}

static gboolean
read_preemptions (StrataAnalysis     *self,
                  StrataSectionFile  *file,
                  GError            **error)
{
  guint n_strings = strata_strtab_count (self->set->strings);
  Reader r;
  guint32 n;

  if (!reader_init (&r, file, TAG_PREEMPTIONS, error))
    return FALSE;
  n = get_count (&r, 1);
  for (guint32 i = 0; i < n && !r.bad; i++)
    {
      StrataPreemption p = { 0 };
      guint32 n_by;

      p.machine = get_u32 (&r);
      p.vcpu = get_u32 (&r);
      p.start = get_u64 (&r);
      p.end = get_u64 (&r);
      p.pcpu = get_u32 (&r);
      p.kind = get_u32 (&r);
      {
        guint32 flags = get_u32 (&r);

        p.open = (flags & 1) != 0;
        p.cut = (flags & 2) != 0;
      }
      n_by = get_count (&r, 40);
      p.by = g_array_sized_new (FALSE, FALSE, sizeof (StrataPreemptionCause), n_by);
      for (guint32 c = 0; c < n_by && !r.bad; c++)
        {
          StrataPreemptionCause cause = { 0 };
          guint32 state;

          cause.machine = get_u32 (&r);
          cause.tid = get_u32 (&r);
          cause.comm = get_u32 (&r);
          cause.vcpu = get_u32 (&r);
          state = get_u32 (&r);
          cause.state = state & 0xff;
          cause.has_exit = (state >> 8) & 1;
          cause.exit_isa = state >> 16;
          cause.exit_code = get_u32 (&r);
          cause.ns = get_u64 (&r);
          cause.exit_ns = get_u64 (&r);
          if (!machine_ok (self, cause.machine) || cause.comm >= n_strings ||
              (state & 0xff) > STRATA_CAUSE_IDLE || (state >> 9 & 0x7f) != 0 || state >> 24 != 0)
            r.bad = TRUE;
          g_array_append_val (p.by, cause);
        }
      if (p.machine >= self->machines->len || p.start > p.end || p.kind > STRATA_PREEMPTION_WAKEUP)
        r.bad = TRUE;
      g_array_append_val (self->preemptions, p);
    }
  return !bad (&r, error, "the preemptions");
}

typedef struct
{
  StrataAnalysis *self;
  guint           n_strings;
  guint           n_chunks;
  gint            next;
  gint            bad;
} CheckJob;

/* Descriptions a chunk: millions in a switch-heavy set, checked on every core. */
#define CHECK_CHUNK 65536

static gpointer
check_worker (gpointer data)
{
  CheckJob *job = data;
  StrataStore *store = job->self->store;
  guint n_descs = strata_store_n_descs (store);
  gint i;

  while ((i = g_atomic_int_add (&job->next, 1)) < (gint) job->n_chunks && !g_atomic_int_get (&job->bad))
    for (guint d = (guint) i * CHECK_CHUNK; d < MIN (n_descs, ((guint) i + 1) * CHECK_CHUNK); d++)
      {
        const StrataStateDesc *desc = strata_store_desc (store, d);

        if (!machine_ok (job->self, desc->machine) || desc->comm >= job->n_strings ||
            desc->detail >= job->n_strings)
          {
            g_atomic_int_set (&job->bad, TRUE);
            break;
          }
      }
  return NULL;
}

/* Descriptions and rows name machines and strings by index: they must be there. */
static gboolean
check_store (StrataAnalysis  *self,
             GError         **error)
{
  StrataStore *store = self->store;
  CheckJob job = { self, strata_strtab_count (self->set->strings),
                   (strata_store_n_descs (store) + CHECK_CHUNK - 1) / CHECK_CHUNK, 0, FALSE };

  strata_parallel_run ("strata-check", job.n_chunks, check_worker, &job);
  if (job.bad)
    goto damaged;
  for (guint row = 0; row < strata_store_n_rows (store); row++)
    if (!machine_ok (self, strata_store_row_machine (store, row)))
      goto damaged;
  return TRUE;

damaged:
  g_set_error_literal (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_DAMAGED,
                       "damaged analysis: the store names machines or strings that are not there");
  return FALSE;
}

StrataAnalysis *
strata_analysis_read (StrataSectionFile  *file,
                      GError            **error)
{
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(StrataAnalysis) self = NULL;
  Reader r;

  if ((set = read_set (file, error)) == NULL)
    return NULL;
  self = _strata_analysis_new_empty (set);
  if (!read_machines (self, file, error) || !read_preemptions (self, file, error))
    return NULL;

  if (!reader_init (&r, file, TAG_WARNINGS, error))
    return NULL;
  get_strv (&r, self->warnings);
  if (bad (&r, error, "the warnings"))
    return NULL;

  if (!reader_init (&r, file, TAG_META, error))
    return NULL;
  self->host = (gint32) get_u32 (&r);
  self->primary = (gint32) get_u32 (&r);
  if (self->host < -1 || self->host >= (gint) self->machines->len ||
      self->primary < -1 || self->primary >= (gint) self->machines->len)
    r.bad = TRUE;
  if (bad (&r, error, "the host"))
    return NULL;

  if ((self->exits = strata_exits_read (file, self->machines->len, error)) == NULL)
    return NULL;
  if (!reader_init (&r, file, TAG_OPEN_EXITS, error))
    return NULL;
  for (guint32 i = 0, n = get_count (&r, 36); i < n && !r.bad; i++)
    {
      StrataExitRecord e = { 0 };
      guint32 where;

      e.start = (gint64) get_u64 (&r);
      e.end = (gint64) get_u64 (&r);
      e.info1 = get_u64 (&r);
      e.code = get_u32 (&r);
      where = get_u32 (&r);
      e.machine = where & 0xffff;
      e.isa = where >> 16;
      e.vcpu = (gint32) get_u32 (&r);
      if (!machine_ok (self, e.machine) || where >> 24 != 0)
        r.bad = TRUE;
      strata_exits_add_open (self->exits, &e);
    }
  if (bad (&r, error, "the open exits"))
    return NULL;
  if ((self->store = strata_store_read (file, error)) == NULL || !check_store (self, error))
    return NULL;
  return g_steal_pointer (&self);
}
