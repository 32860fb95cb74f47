/* strata-exit-item.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-exit-item"

#include "config.h"

#include "strata-exit-item.h"
#include "strata-exit-reason.h"
#include "strata-time.h"

struct _StrataExitItem
{
  GObject          parent_instance;
  StrataExitStats  stats;
  char            *machine;
};

enum {
  PROP_0,
  PROP_MACHINE,
  PROP_VCPU,
  PROP_REASON,
  PROP_COUNT,
  PROP_TOTAL,
  PROP_MIN,
  PROP_MEAN,
  PROP_P99,
  PROP_MAX,
  PROP_TOTAL_TEXT,
  PROP_MIN_TEXT,
  PROP_MEAN_TEXT,
  PROP_P99_TEXT,
  PROP_MAX_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataExitItem, strata_exit_item, G_TYPE_OBJECT)

static void
strata_exit_item_finalize (GObject *object)
{
  StrataExitItem *self = STRATA_EXIT_ITEM (object);

  g_free (self->machine);
  G_OBJECT_CLASS (strata_exit_item_parent_class)->finalize (object);
}

static void
strata_exit_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  StrataExitItem *self = STRATA_EXIT_ITEM (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      g_value_set_string (value, self->machine);
      break;
    case PROP_VCPU:
      g_value_set_int (value, self->stats.vcpu);
      break;
    case PROP_REASON:
      g_value_set_string (value, strata_exit_item_get_reason (self));
      break;
    case PROP_COUNT:
      g_value_set_uint64 (value, self->stats.count);
      break;
    case PROP_TOTAL:
      g_value_set_int64 (value, self->stats.total_ns);
      break;
    case PROP_MIN:
      g_value_set_int64 (value, self->stats.min_ns);
      break;
    case PROP_MEAN:
      g_value_set_double (value, self->stats.mean_ns);
      break;
    case PROP_P99:
      g_value_set_int64 (value, self->stats.p99_ns);
      break;
    case PROP_MAX:
      g_value_set_int64 (value, self->stats.max_ns);
      break;
    case PROP_TOTAL_TEXT:
      g_value_take_string (value, strata_time_format_duration (self->stats.total_ns));
      break;
    case PROP_MIN_TEXT:
      g_value_take_string (value, strata_time_format_duration (self->stats.min_ns));
      break;
    case PROP_MEAN_TEXT:
      g_value_take_string (value, strata_time_format_duration ((gint64) (self->stats.mean_ns + 0.5)));
      break;
    case PROP_P99_TEXT:
      g_value_take_string (value, strata_time_format_duration (self->stats.p99_ns));
      break;
    case PROP_MAX_TEXT:
      g_value_take_string (value, strata_time_format_duration (self->stats.max_ns));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_exit_item_class_init (StrataExitItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = strata_exit_item_finalize;
  object_class->get_property = strata_exit_item_get_property;

  properties[PROP_MACHINE] = g_param_spec_string ("machine", NULL, NULL, NULL, flags);
  properties[PROP_VCPU] = g_param_spec_int ("vcpu", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, flags);
  properties[PROP_COUNT] = g_param_spec_uint64 ("count", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_TOTAL] = g_param_spec_int64 ("total", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_MIN] = g_param_spec_int64 ("min", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_MEAN] = g_param_spec_double ("mean", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_P99] = g_param_spec_int64 ("p99", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_MAX] = g_param_spec_int64 ("max", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /* The durations as the columns show them. */
  properties[PROP_TOTAL_TEXT] = g_param_spec_string ("total-text", NULL, NULL, NULL, flags);
  properties[PROP_MIN_TEXT] = g_param_spec_string ("min-text", NULL, NULL, NULL, flags);
  properties[PROP_MEAN_TEXT] = g_param_spec_string ("mean-text", NULL, NULL, NULL, flags);
  properties[PROP_P99_TEXT] = g_param_spec_string ("p99-text", NULL, NULL, NULL, flags);
  properties[PROP_MAX_TEXT] = g_param_spec_string ("max-text", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_exit_item_init (StrataExitItem *self)
{
}

StrataExitItem *
strata_exit_item_new (StrataAnalysis        *analysis,
                      const StrataExitStats *stats)
{
  StrataExitItem *self;

  g_return_val_if_fail (analysis != NULL, NULL);
  g_return_val_if_fail (stats != NULL, NULL);

  self = g_object_new (STRATA_TYPE_EXIT_ITEM, NULL);
  self->stats = *stats;
  self->machine = g_strdup (strata_analysis_get_machine_name (analysis, stats->machine));
  return self;
}

const StrataExitStats *
strata_exit_item_get_stats (StrataExitItem *self)
{
  g_return_val_if_fail (STRATA_IS_EXIT_ITEM (self), NULL);
  return &self->stats;
}

const char *
strata_exit_item_get_machine (StrataExitItem *self)
{
  g_return_val_if_fail (STRATA_IS_EXIT_ITEM (self), NULL);
  return self->machine;
}

gint
strata_exit_item_get_vcpu (StrataExitItem *self)
{
  g_return_val_if_fail (STRATA_IS_EXIT_ITEM (self), -1);
  return self->stats.vcpu;
}

const char *
strata_exit_item_get_reason (StrataExitItem *self)
{
  g_return_val_if_fail (STRATA_IS_EXIT_ITEM (self), NULL);
  return strata_exit_reason_label (self->stats.isa, self->stats.code);
}

guint64
strata_exit_item_get_count (StrataExitItem *self)
{
  g_return_val_if_fail (STRATA_IS_EXIT_ITEM (self), 0);
  return self->stats.count;
}

gint64
strata_exit_item_get_total (StrataExitItem *self)
{
  g_return_val_if_fail (STRATA_IS_EXIT_ITEM (self), 0);
  return self->stats.total_ns;
}

gint64
strata_exit_item_get_min (StrataExitItem *self)
{
  g_return_val_if_fail (STRATA_IS_EXIT_ITEM (self), 0);
  return self->stats.min_ns;
}

double
strata_exit_item_get_mean (StrataExitItem *self)
{
  g_return_val_if_fail (STRATA_IS_EXIT_ITEM (self), 0);
  return self->stats.mean_ns;
}

gint64
strata_exit_item_get_p99 (StrataExitItem *self)
{
  g_return_val_if_fail (STRATA_IS_EXIT_ITEM (self), 0);
  return self->stats.p99_ns;
}

gint64
strata_exit_item_get_max (StrataExitItem *self)
{
  g_return_val_if_fail (STRATA_IS_EXIT_ITEM (self), 0);
  return self->stats.max_ns;
}
