/* strata-preemption-item.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-preemption-item"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-preemption-item.h"
#include "strata-describe.h"
#include "strata-time.h"

/* One row of the preemptions panel: a vCPU's preemption, with its texts made once, since the
 * list's cells and sorters read them often. Immutable. */
struct _StrataPreemptionItem
{
  GObject  parent_instance;

  guint    index;          /* in the analysis' preemptions */
  char    *machine;
  gint     vcpu;
  gint     pcpu;
  gint64   start;
  gint64   end;
  gboolean wakeup;         /* a wake-up wait, not a preemption */
  gboolean open;           /* still going when the trace ends */
  char    *start_text;
  char    *duration_text;
  char    *cause;
  gint     row;            /* the vCPU's store row, -1 when there is none */
  gint     pcpu_row;       /* the pCPU's, where it happened */
};

enum {
  PROP_0,
  PROP_MACHINE,
  PROP_VCPU,
  PROP_PCPU,
  PROP_START,
  PROP_DURATION,
  PROP_START_TEXT,
  PROP_DURATION_TEXT,
  PROP_CAUSE,
  PROP_WAKEUP,
  PROP_OPEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataPreemptionItem, strata_preemption_item, G_TYPE_OBJECT)

/* The longest cause: "stress (4001)", or "vCPU 1 of server2 running worker (812)". */
static char *
describe_cause (StrataAnalysis         *analysis,
                const StrataPreemption *p)
{
  g_autofree char *cause = NULL;

  if (p->by == NULL || p->by->len == 0)
    return g_strdup ("—");
  cause = strata_describe_cause (analysis, &g_array_index (p->by, StrataPreemptionCause, 0));
  /* Listed with the preemptions, a wake-up wait says what it is. */
  if (p->kind == STRATA_PREEMPTION_WAKEUP && cause != NULL)
    /* Translators: drawn in a woken vCPU's wait: what ran on its CPU meanwhile */
    return g_strdup_printf (_("woken; %s ran"), cause);
  return g_steal_pointer (&cause);
}

StrataPreemptionItem *
strata_preemption_item_new (StrataAnalysis *analysis,
                            guint           index)
{
  StrataPreemptionItem *self;
  const StrataPreemption *p;
  g_autofree char *row_name = NULL;

  g_return_val_if_fail (analysis != NULL, NULL);
  g_return_val_if_fail (index < analysis->preemptions->len, NULL);

  p = &g_array_index (analysis->preemptions, StrataPreemption, index);
  self = g_object_new (STRATA_TYPE_PREEMPTION_ITEM, NULL);
  self->index = index;
  self->machine = g_strdup (strata_analysis_get_machine_name (analysis, p->machine));
  if (self->machine == NULL)
    self->machine = g_strdup ("?");
  self->vcpu = p->vcpu;
  self->pcpu = p->pcpu;
  self->start = p->start;
  self->end = p->end;
  self->wakeup = p->kind == STRATA_PREEMPTION_WAKEUP;
  self->open = p->open;
  self->start_text = strata_time_format_tick (p->start, 1);
  self->duration_text = strata_time_format_duration (p->end - p->start);
  self->cause = describe_cause (analysis, p);
  row_name = g_strdup_printf ("%s/vcpu/%d", self->machine, p->vcpu);
  self->row = strata_store_find_row (analysis->store, row_name);
  g_free (row_name);
  row_name = g_strdup_printf ("pcpu/%d", p->pcpu);
  self->pcpu_row = p->pcpu >= 0 ? strata_store_find_row (analysis->store, row_name) : -1;
  return self;
}

guint strata_preemption_item_get_index (StrataPreemptionItem *self) { return self->index; }
const char *strata_preemption_item_get_machine (StrataPreemptionItem *self) { return self->machine; }
gint strata_preemption_item_get_vcpu (StrataPreemptionItem *self) { return self->vcpu; }
gint strata_preemption_item_get_pcpu (StrataPreemptionItem *self) { return self->pcpu; }
gint64 strata_preemption_item_get_start (StrataPreemptionItem *self) { return self->start; }
gint64 strata_preemption_item_get_end (StrataPreemptionItem *self) { return self->end; }
gint64 strata_preemption_item_get_duration (StrataPreemptionItem *self) { return self->end - self->start; }
const char *strata_preemption_item_get_cause (StrataPreemptionItem *self) { return self->cause; }
gint strata_preemption_item_get_row (StrataPreemptionItem *self) { return self->row; }
gboolean strata_preemption_item_get_wakeup (StrataPreemptionItem *self) { return self->wakeup; }
gboolean strata_preemption_item_get_open (StrataPreemptionItem *self) { return self->open; }
gint strata_preemption_item_get_pcpu_row (StrataPreemptionItem *self) { return self->pcpu_row; }

static void
strata_preemption_item_finalize (GObject *object)
{
  StrataPreemptionItem *self = STRATA_PREEMPTION_ITEM (object);

  g_clear_pointer (&self->machine, g_free);
  g_clear_pointer (&self->start_text, g_free);
  g_clear_pointer (&self->duration_text, g_free);
  g_clear_pointer (&self->cause, g_free);

  G_OBJECT_CLASS (strata_preemption_item_parent_class)->finalize (object);
}

static void
strata_preemption_item_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  StrataPreemptionItem *self = STRATA_PREEMPTION_ITEM (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      g_value_set_string (value, self->machine);
      break;
    case PROP_VCPU:
      g_value_set_int (value, self->vcpu);
      break;
    case PROP_PCPU:
      g_value_set_int (value, self->pcpu);
      break;
    case PROP_START:
      g_value_set_int64 (value, self->start);
      break;
    case PROP_DURATION:
      g_value_set_int64 (value, self->end - self->start);
      break;
    case PROP_START_TEXT:
      g_value_set_string (value, self->start_text);
      break;
    case PROP_DURATION_TEXT:
      g_value_set_string (value, self->duration_text);
      break;
    case PROP_CAUSE:
      g_value_set_string (value, self->cause);
      break;
    case PROP_WAKEUP:
      g_value_set_boolean (value, self->wakeup);
      break;
    case PROP_OPEN:
      g_value_set_boolean (value, self->open);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_preemption_item_class_init (StrataPreemptionItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_preemption_item_finalize;
  object_class->get_property = strata_preemption_item_get_property;

  properties[PROP_MACHINE] =
    g_param_spec_string ("machine", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VCPU] =
    g_param_spec_int ("vcpu", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PCPU] =
    g_param_spec_int ("pcpu", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_START] =
    g_param_spec_int64 ("start", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION] =
    g_param_spec_int64 ("duration", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_START_TEXT] =
    g_param_spec_string ("start-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION_TEXT] =
    g_param_spec_string ("duration-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAUSE] =
    g_param_spec_string ("cause", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* A wake-up wait (woken, then waiting for the pCPU), not a preemption. */
  properties[PROP_WAKEUP] =
    g_param_spec_boolean ("wakeup", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Still going when the trace ends: its end is the trace's. */
  properties[PROP_OPEN] =
    g_param_spec_boolean ("open", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_preemption_item_init (StrataPreemptionItem *self)
{
  self->row = -1;
}
