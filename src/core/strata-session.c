/* strata-session.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-session"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-session.h"
#include "strata-time.h"

struct _StrataSession
{
  GObject         parent_instance;

  /* Owned */
  StrataAnalysis *analysis;

  gint64          begin;
  gint64          end;
  gint64          from;
  gint64          to;
  gint64          sel_from;
  gint64          sel_to;
  guint32         highlight;
};

enum {
  PROP_0,
  PROP_VISIBLE_FROM,
  PROP_VISIBLE_TO,
  PROP_SELECTION_FROM,
  PROP_SELECTION_TO,
  PROP_HIGHLIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataSession, strata_session, G_TYPE_OBJECT)

static void
strata_session_finalize (GObject *object)
{
  StrataSession *self = STRATA_SESSION (object);

  g_clear_pointer (&self->analysis, strata_analysis_unref);
  G_OBJECT_CLASS (strata_session_parent_class)->finalize (object);
}

static void
strata_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  StrataSession *self = STRATA_SESSION (object);

  switch (prop_id)
    {
    case PROP_VISIBLE_FROM:
      g_value_set_int64 (value, self->from);
      break;
    case PROP_VISIBLE_TO:
      g_value_set_int64 (value, self->to);
      break;
    case PROP_SELECTION_FROM:
      g_value_set_int64 (value, self->sel_from);
      break;
    case PROP_SELECTION_TO:
      g_value_set_int64 (value, self->sel_to);
      break;
    case PROP_HIGHLIGHT:
      g_value_set_uint (value, self->highlight);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_session_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  StrataSession *self = STRATA_SESSION (object);

  switch (prop_id)
    {
    case PROP_HIGHLIGHT:
      strata_session_set_highlight (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_session_class_init (StrataSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_session_finalize;
  object_class->get_property = strata_session_get_property;
  object_class->set_property = strata_session_set_property;

  properties[PROP_VISIBLE_FROM] =
    g_param_spec_int64 ("visible-from", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VISIBLE_TO] =
    g_param_spec_int64 ("visible-to", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTION_FROM] =
    g_param_spec_int64 ("selection-from", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTION_TO] =
    g_param_spec_int64 ("selection-to", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGHLIGHT] =
    g_param_spec_uint ("highlight", NULL, NULL, 0, G_MAXUINT32, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_session_init (StrataSession *self)
{
}

StrataSession *
strata_session_new (StrataAnalysis *analysis)
{
  StrataSession *self;

  g_return_val_if_fail (analysis != NULL, NULL);

  self = g_object_new (STRATA_TYPE_SESSION, NULL);
  self->analysis = strata_analysis_ref (analysis);
  self->begin = strata_store_begin (analysis->store);
  self->end = strata_store_end (analysis->store);
  if (self->end - self->begin < STRATA_SESSION_MIN_SPAN)
    self->end = self->begin + STRATA_SESSION_MIN_SPAN;
  self->from = self->begin;
  self->to = self->end;
  return self;
}

StrataAnalysis *strata_session_get_analysis (StrataSession *self) { return self->analysis; }
gint64 strata_session_get_begin (StrataSession *self) { return self->begin; }
gint64 strata_session_get_end (StrataSession *self) { return self->end; }
gint64 strata_session_get_visible_from (StrataSession *self) { return self->from; }
gint64 strata_session_get_visible_to (StrataSession *self) { return self->to; }

static void
set_visible (StrataSession *self,
             gint64         from,
             gint64         to)
{
  gint64 span = to - from;
  gboolean from_changed, to_changed;

  /* Never narrower than the minimum, never wider than the set, never outside it. */
  span = CLAMP (span, STRATA_SESSION_MIN_SPAN, self->end - self->begin);
  if (from < self->begin)
    from = self->begin;
  if (from + span > self->end)
    from = self->end - span;
  to = from + span;

  from_changed = from != self->from;
  to_changed = to != self->to;
  self->from = from;
  self->to = to;
  if (from_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_FROM]);
  if (to_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_TO]);
}

void
strata_session_zoom_to (StrataSession *self,
                        gint64         from,
                        gint64         to)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  if (to < from)
    {
      gint64 tmp = to;

      to = from;
      from = tmp;
    }
  /* Too narrow: widen around the middle. */
  if (to - from < STRATA_SESSION_MIN_SPAN)
    {
      gint64 mid = from + (to - from) / 2;

      from = mid - STRATA_SESSION_MIN_SPAN / 2;
      to = from + STRATA_SESSION_MIN_SPAN;
    }
  set_visible (self, from, to);
}

void
strata_session_zoom_at (StrataSession *self,
                        gint64         anchor,
                        double         factor)
{
  double span, fraction;
  gint64 new_span, from;

  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (factor > 0);

  span = (double) (self->to - self->from);
  fraction = (anchor - self->from) / span;
  new_span = (gint64) llround (span / factor);
  new_span = CLAMP (new_span, STRATA_SESSION_MIN_SPAN, self->end - self->begin);
  from = anchor - (gint64) llround (fraction * new_span);
  set_visible (self, from, from + new_span);
}

void
strata_session_pan (StrataSession *self,
                    gint64         delta)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  set_visible (self, self->from + delta, self->to + delta);
}

void
strata_session_fit (StrataSession *self)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  set_visible (self, self->begin, self->end);
}

gboolean
strata_session_get_selection (StrataSession *self,
                              gint64        *from,
                              gint64        *to)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);

  if (from)
    *from = self->sel_from;
  if (to)
    *to = self->sel_to;
  return self->sel_to > self->sel_from;
}

void
strata_session_select (StrataSession *self,
                       gint64         from,
                       gint64         to)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  if (to < from)
    {
      gint64 tmp = to;

      to = from;
      from = tmp;
    }
  from = CLAMP (from, self->begin, self->end);
  to = CLAMP (to, self->begin, self->end);
  if (from != self->sel_from)
    {
      self->sel_from = from;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION_FROM]);
    }
  if (to != self->sel_to)
    {
      self->sel_to = to;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION_TO]);
    }
}

void
strata_session_clear_selection (StrataSession *self)
{
  strata_session_select (self, self->begin, self->begin);
}

gboolean
strata_session_zoom_to_selection (StrataSession *self)
{
  gint64 from, to;

  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);

  if (!strata_session_get_selection (self, &from, &to))
    return FALSE;
  strata_session_zoom_to (self, from, to);
  return TRUE;
}

void
strata_session_zoom_around (StrataSession *self,
                            gint64         from,
                            gint64         to,
                            double         context)
{
  gint64 pad = (gint64) ((to - from) * context);

  strata_session_zoom_to (self, from - pad, to + pad);
}

guint32
strata_session_get_highlight (StrataSession *self)
{
  return self->highlight;
}

void
strata_session_set_highlight (StrataSession *self,
                              guint32        machines)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  if (self->highlight == machines)
    return;
  self->highlight = machines;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGHLIGHT]);
}

gint64
strata_session_x_to_ns (StrataSession *self,
                        double         x,
                        double         width)
{
  if (width <= 0)
    return self->from;
  return self->from + (gint64) llround (x / width * (double) (self->to - self->from));
}

double
strata_session_ns_to_x (StrataSession *self,
                        gint64         ns,
                        double         width)
{
  return (double) (ns - self->from) / (double) (self->to - self->from) * width;
}

static const char *
machine_name (StrataAnalysis *analysis,
              guint           index)
{
  if (index >= analysis->machines->len)
    return NULL;
  return ((StrataMachine *) g_ptr_array_index (analysis->machines, index))->name;
}

char *
strata_session_describe_at (StrataSession *self,
                            guint          row,
                            gint64         ns)
{
  StrataAnalysis *analysis = self->analysis;
  StrataStore *store = analysis->store;
  const StrataStateDesc *d;
  StrataInterval iv;
  GString *text;
  g_autofree char *start = NULL;
  g_autofree char *stop = NULL;
  g_autofree char *duration = NULL;
  const char *machine;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (row >= strata_store_n_rows (store) || !strata_store_lookup (store, row, ns, &iv) ||
      strata_state_desc_is_gap (iv.desc))
    return NULL;
  d = iv.desc;
  machine = d->machine == STRATA_NO_MACHINE ? NULL : machine_name (analysis, d->machine);
  start = strata_time_format_absolute (iv.start);
  stop = strata_time_format_absolute (iv.end);
  duration = strata_time_format_duration (iv.end - iv.start);

  text = g_string_new (NULL);
  g_string_append_printf (text, _("Row: %s\n"), strata_store_row_name (store, row));
  g_string_append_printf (text, _("State: %s\n"), strata_state_to_string (d->state));
  if (machine != NULL)
    g_string_append_printf (text, _("Machine: %s\n"), machine);
  if (d->vcpu >= 0)
    g_string_append_printf (text, _("vCPU: %d\n"), d->vcpu);
  if (d->tid >= 0)
    g_string_append_printf (text, _("TID: %d\n"), d->tid);
  if (d->comm != 0)
    {
      const StrataThreadInfo *thread = d->machine == STRATA_NO_MACHINE ? NULL :
                                       strata_analysis_find_thread (analysis, d->machine, d->tid);
      const StrataThreadInfo *process = thread && thread->pid > 0 && thread->pid != thread->tid ?
                                        strata_analysis_find_thread (analysis, d->machine, thread->pid) : NULL;

      /* The thread's own name, and its process's when that differs (qemu's vCPU threads). */
      if (process != NULL && process->name != 0 && process->name != d->comm)
        g_string_append_printf (text, _("Process: %s (%d), thread %s\n"),
                                strata_analysis_string (analysis, process->name), thread->pid,
                                strata_analysis_string (analysis, d->comm));
      else if (thread != NULL && thread->pid > 0)
        g_string_append_printf (text, _("Process: %s (%d)\n"), strata_analysis_string (analysis, d->comm),
                                thread->pid);
      else
        g_string_append_printf (text, _("Process: %s\n"), strata_analysis_string (analysis, d->comm));
    }
  /* Inside a guest: the host thread that runs the vCPU, too. */
  if (d->host_tid >= 0 && d->host_tid != d->tid)
    g_string_append_printf (text, _("Host vCPU thread: %d (%s)\n"), d->host_tid,
                            strata_analysis_string (analysis, d->host_comm));
  g_string_append_printf (text, _("Start: %s\n"), start);
  g_string_append_printf (text, _("End: %s\n"), stop);
  g_string_append_printf (text, _("Duration: %s"), duration);
  return g_string_free (text, FALSE);
}
