/* strata-trace-item.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-trace-item"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-problems.h"
#include "strata-trace-item.h"

/* One row of the set summary: a snapshot of a StrataTrace's figures, as properties that
 * list item templates can bind. Read-only: a loaded set never changes. */
struct _StrataTraceItem
{
  GObject  parent_instance;

  char    *machine;
  char    *path;
  char    *tracer;
  guint    cpus;
  guint64  events;
  guint64  discarded;
  guint    n_errors;
  gboolean failed;
};

enum {
  PROP_0,
  PROP_MACHINE,
  PROP_PATH,
  PROP_TRACER,
  PROP_CPUS,
  PROP_EVENTS,
  PROP_DISCARDED,
  PROP_N_ERRORS,
  PROP_FAILED,
  PROP_CPUS_TEXT,
  PROP_EVENTS_TEXT,
  PROP_DISCARDED_TEXT,
  PROP_ERRORS_TEXT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (StrataTraceItem, strata_trace_item, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* "1,234,567" in the user's locale. */
static char *
format_count (guint64 count)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
}

static void
strata_trace_item_finalize (GObject *object)
{
  StrataTraceItem *self = (StrataTraceItem *) object;

  g_clear_pointer (&self->machine, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->tracer, g_free);

  G_OBJECT_CLASS (strata_trace_item_parent_class)->finalize (object);
}

static void
strata_trace_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  StrataTraceItem *self = STRATA_TRACE_ITEM (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      g_value_set_string (value, self->machine);
      break;

    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_TRACER:
      g_value_set_string (value, self->tracer);
      break;

    case PROP_CPUS:
      g_value_set_uint (value, self->cpus);
      break;

    case PROP_EVENTS:
      g_value_set_uint64 (value, self->events);
      break;

    case PROP_DISCARDED:
      g_value_set_uint64 (value, self->discarded);
      break;

    case PROP_N_ERRORS:
      g_value_set_uint (value, self->n_errors);
      break;

    case PROP_FAILED:
      g_value_set_boolean (value, self->failed);
      break;

    case PROP_CPUS_TEXT:
      g_value_take_string (value, self->cpus > 0 ? g_strdup_printf ("%u", self->cpus)
                                                 : g_strdup ("—"));
      break;

    case PROP_EVENTS_TEXT:
      g_value_take_string (value, format_count (self->events));
      break;

    case PROP_DISCARDED_TEXT:
      g_value_take_string (value, format_count (self->discarded));
      break;

    case PROP_ERRORS_TEXT:
      if (self->failed)
        /* Translators: in the Errors column, for a trace that could not be read at all */
        g_value_set_string (value, _("Unreadable"));
      else
        g_value_take_string (value, format_count (self->n_errors));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_trace_item_class_init (StrataTraceItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_trace_item_finalize;
  object_class->get_property = strata_trace_item_get_property;

  properties[PROP_MACHINE] =
    g_param_spec_string ("machine", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_TRACER] =
    g_param_spec_string ("tracer", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_CPUS] =
    g_param_spec_uint ("cpus", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_EVENTS] =
    g_param_spec_uint64 ("events", NULL, NULL, 0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_DISCARDED] =
    g_param_spec_uint64 ("discarded", NULL, NULL, 0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_ERRORS] =
    g_param_spec_uint ("n-errors", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_FAILED] =
    g_param_spec_boolean ("failed", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /* Formatted for display: the templates bind these. */
  properties[PROP_CPUS_TEXT] =
    g_param_spec_string ("cpus-text", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_EVENTS_TEXT] =
    g_param_spec_string ("events-text", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_DISCARDED_TEXT] =
    g_param_spec_string ("discarded-text", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_ERRORS_TEXT] =
    g_param_spec_string ("errors-text", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_trace_item_init (StrataTraceItem *self)
{
}

/**
 * strata_trace_item_new:
 * @trace: a trace of a loaded set
 *
 * Returns: (transfer full): an item holding copies of @trace's figures
 */
StrataTraceItem *
strata_trace_item_new (const StrataTrace *trace)
{
  StrataTraceItem *self;

  g_return_val_if_fail (trace != NULL, NULL);

  self = g_object_new (STRATA_TYPE_TRACE_ITEM, NULL);
  /* What a label shows: names and paths come from other machines (see strata-problems.h). */
  self->path = strata_display_text (trace->path);
  /* A trace that could not be read may have no hostname: name it by its folder. */
  if (trace->machine != NULL && trace->machine[0] != '\0')
    self->machine = strata_display_text (trace->machine);
  else if (trace->path != NULL)
    {
      g_autofree char *base = g_path_get_basename (trace->path);

      self->machine = strata_display_text (base);
    }
  else
    self->machine = g_strdup ("?");
  self->tracer = strata_display_text (trace->tracer != NULL ? trace->tracer : "");
  self->cpus = trace->n_cpus;
  self->events = trace->events;
  self->discarded = trace->discarded;
  self->n_errors = trace->errors != NULL ? trace->errors->len : 0;
  self->failed = trace->failed;

  return self;
}

const char *
strata_trace_item_get_machine (StrataTraceItem *self)
{
  g_return_val_if_fail (STRATA_IS_TRACE_ITEM (self), NULL);

  return self->machine;
}

const char *
strata_trace_item_get_path (StrataTraceItem *self)
{
  g_return_val_if_fail (STRATA_IS_TRACE_ITEM (self), NULL);

  return self->path;
}

guint64
strata_trace_item_get_events (StrataTraceItem *self)
{
  g_return_val_if_fail (STRATA_IS_TRACE_ITEM (self), 0);

  return self->events;
}

guint64
strata_trace_item_get_discarded (StrataTraceItem *self)
{
  g_return_val_if_fail (STRATA_IS_TRACE_ITEM (self), 0);

  return self->discarded;
}

guint
strata_trace_item_get_n_errors (StrataTraceItem *self)
{
  g_return_val_if_fail (STRATA_IS_TRACE_ITEM (self), 0);

  return self->n_errors;
}
