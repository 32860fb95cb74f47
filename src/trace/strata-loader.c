/* strata-loader.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-loader"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-loader.h"
#include "strata-timing.h"
#include "strata-trace-loader.h"

/*
 * One load of a set, from its paths to a finished analysis: strata_trace_load_async() reads
 * the traces, then strata_analysis_new() runs on a worker thread, both stopped by the one
 * cancellable of the load. The properties change only in the main context that was the
 * thread's default when the load started (strata_trace_load_async() already delivers its
 * progress there), so a window can bind widgets to them. The options are read by the
 * analysis thread, so they are fixed once the load starts; a loader loads once.
 */
struct _StrataLoader
{
  GObject            parent_instance;

  /* Options, fixed once the load starts */
  char             **paths;
  GArray            *maps;           /* StrataVmMap, owning their guest names */
  gboolean           release_events;

  /* Progress */
  StrataLoaderPhase  phase;
  guint64            done_bytes;     /* the most the decoders reported */
  double             fraction;
  char              *message;
};

enum {
  PROP_0,
  PROP_PATHS,
  PROP_RELEASE_EVENTS,
  PROP_FRACTION,
  PROP_MESSAGE,
  PROP_PHASE,
  N_PROPS
};

G_DEFINE_ENUM_TYPE (StrataLoaderPhase, strata_loader_phase,
                    G_DEFINE_ENUM_VALUE (STRATA_LOADER_PHASE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (STRATA_LOADER_PHASE_READING, "reading"),
                    G_DEFINE_ENUM_VALUE (STRATA_LOADER_PHASE_ANALYSING, "analysing"),
                    G_DEFINE_ENUM_VALUE (STRATA_LOADER_PHASE_DONE, "done"))

G_DEFINE_FINAL_TYPE (StrataLoader, strata_loader, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* Sets what the progress shows, notifying what changed. The fraction never goes back. */
static void
strata_loader_set_progress (StrataLoader      *self,
                            StrataLoaderPhase  phase,
                            double             fraction,
                            const char        *message)
{
  g_assert (STRATA_IS_LOADER (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (fraction > self->fraction)
    {
      self->fraction = MIN (fraction, 1.0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
  if (g_strcmp0 (message, self->message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
  if (phase != self->phase)
    {
      self->phase = phase;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* In the load's main context. Every report comes before the completion of the reading,
 * while the load's task keeps @data alive. */
static void
strata_loader_read_progress_cb (guint64  done,
                                guint64  total,
                                gpointer data)
{
  StrataLoader *self = data;
  g_autofree char *done_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *message = NULL;

  g_assert (STRATA_IS_LOADER (self));

  if (self->phase != STRATA_LOADER_PHASE_READING || total == 0)
    return;

  /* Reports from several decoder threads may come out of order: show the most read. */
  self->done_bytes = MIN (MAX (self->done_bytes, done), total);
  done_text = g_format_size (self->done_bytes);
  total_text = g_format_size (total);
  /* Translators: progress of loading traces, e.g. "12.5 MB of 80.0 MB" */
  message = g_strdup_printf (_("%s of %s"), done_text, total_text);
  strata_loader_set_progress (self, STRATA_LOADER_PHASE_READING,
                              (double) self->done_bytes / (double) total, message);
}

static void
strata_loader_analyse_thread (GTask        *task,
                              gpointer      source_object,
                              gpointer      task_data,
                              GCancellable *cancellable)
{
  StrataLoader *self = source_object;
  StrataAnalysisOptions options = { 0 };
  g_autoptr(StrataTiming) timing = strata_timing_new_from_env ("analysis");
  g_autoptr(GError) error = NULL;
  StrataAnalysis *analysis;

  options.maps = (const StrataVmMap *) (gpointer) self->maps->data;
  options.n_maps = self->maps->len;
  options.release_events = self->release_events;
  options.cancellable = cancellable;
  options.phase_func = strata_timing_phase_cb;
  options.phase_data = timing;

  if ((analysis = strata_analysis_new (task_data, &options, &error)) == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, analysis, (GDestroyNotify) strata_analysis_unref);
}

static void
strata_loader_analyse_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  StrataLoader *self = (StrataLoader *) object;
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  StrataAnalysis *analysis;

  g_assert (STRATA_IS_LOADER (self));
  g_assert (G_IS_TASK (task));

  analysis = g_task_propagate_pointer (G_TASK (result), &error);
  strata_loader_set_progress (self, STRATA_LOADER_PHASE_DONE, self->fraction, NULL);

  if (analysis == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, analysis, (GDestroyNotify) strata_analysis_unref);
}

static void
strata_loader_read_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StrataLoader *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GTask) analyse = NULL;
  g_autoptr(GError) error = NULL;
  StrataSet *set;

  g_assert (STRATA_IS_LOADER (self));

  if ((set = strata_trace_load_finish (result, &error)) == NULL)
    {
      strata_loader_set_progress (self, STRATA_LOADER_PHASE_DONE, self->fraction, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* strata_analysis_new() takes a while on big sets, and tells no progress. */
  strata_loader_set_progress (self, STRATA_LOADER_PHASE_ANALYSING, 1.0, _("Analysing…"));
  analyse = g_task_new (self, cancellable, strata_loader_analyse_cb, g_steal_pointer (&task));
  g_task_set_source_tag (analyse, strata_loader_analyse_thread);
  g_task_set_task_data (analyse, set, (GDestroyNotify) strata_set_unref);
  g_task_run_in_thread (analyse, strata_loader_analyse_thread);
}

static void
strata_loader_finalize (GObject *object)
{
  StrataLoader *self = (StrataLoader *) object;

  g_clear_pointer (&self->paths, g_strfreev);
  for (guint i = 0; i < self->maps->len; i++)
    g_free (g_array_index (self->maps, StrataVmMap, i).guest);
  g_clear_pointer (&self->maps, g_array_unref);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (strata_loader_parent_class)->finalize (object);
}

static void
strata_loader_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  StrataLoader *self = STRATA_LOADER (object);

  switch (prop_id)
    {
    case PROP_PATHS:
      g_value_set_boxed (value, self->paths);
      break;

    case PROP_RELEASE_EVENTS:
      g_value_set_boolean (value, self->release_events);
      break;

    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    case PROP_PHASE:
      g_value_set_enum (value, self->phase);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_loader_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  StrataLoader *self = STRATA_LOADER (object);

  switch (prop_id)
    {
    case PROP_PATHS:
      self->paths = g_value_dup_boxed (value);
      break;

    case PROP_RELEASE_EVENTS:
      strata_loader_set_release_events (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_loader_class_init (StrataLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_loader_finalize;
  object_class->get_property = strata_loader_get_property;
  object_class->set_property = strata_loader_set_property;

  /**
   * StrataLoader:paths:
   *
   * The trace folders, or folders above trace folders, whose traces form the set.
   */
  properties[PROP_PATHS] =
    g_param_spec_boxed ("paths", NULL, NULL, G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * StrataLoader:release-events:
   *
   * Whether the analysis frees each trace's events once it is done with them: the set then
   * keeps its counts but no events, which halves the peak memory.
   */
  properties[PROP_RELEASE_EVENTS] =
    g_param_spec_boolean ("release-events", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StrataLoader:fraction:
   *
   * How much of the load is done, from 0 to 1; it never goes back. Reading the traces takes
   * it to 1, where it stays while the analysis runs.
   */
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StrataLoader:message:
   *
   * What the load does, for a progress bar ("12.5 MB of 80.0 MB", "Analysing…"), or %NULL
   * before the first progress report and once it is done.
   */
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StrataLoader:phase:
   *
   * Which step the load is at.
   */
  properties[PROP_PHASE] =
    g_param_spec_enum ("phase", NULL, NULL,
                       STRATA_TYPE_LOADER_PHASE, STRATA_LOADER_PHASE_IDLE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_loader_init (StrataLoader *self)
{
  self->maps = g_array_new (FALSE, FALSE, sizeof (StrataVmMap));
}

/**
 * strata_loader_new:
 * @paths: trace folders, or folders above trace folders
 *
 * Returns: (transfer full): a loader of the set of every trace found below @paths
 */
StrataLoader *
strata_loader_new (const char * const *paths)
{
  g_return_val_if_fail (paths != NULL, NULL);

  return g_object_new (STRATA_TYPE_LOADER,
                       "paths", paths,
                       NULL);
}

const char * const *
strata_loader_get_paths (StrataLoader *self)
{
  g_return_val_if_fail (STRATA_IS_LOADER (self), NULL);

  return (const char * const *) self->paths;
}

/**
 * strata_loader_add_map:
 * @guest: the name of a guest machine
 * @host_pid: the process of its VM on the host
 *
 * Links @guest to the VM of @host_pid (`--map GUEST=HOST_PID`), for guests whose traces
 * hold no vmsync events. Only before the load starts.
 */
void
strata_loader_add_map (StrataLoader *self,
                       const char   *guest,
                       gint64        host_pid)
{
  StrataVmMap map;

  g_return_if_fail (STRATA_IS_LOADER (self));
  g_return_if_fail (guest != NULL);
  g_return_if_fail (self->phase == STRATA_LOADER_PHASE_IDLE);

  map.guest = g_strdup (guest);
  map.host_pid = host_pid;
  g_array_append_val (self->maps, map);
}

gboolean
strata_loader_get_release_events (StrataLoader *self)
{
  g_return_val_if_fail (STRATA_IS_LOADER (self), FALSE);

  return self->release_events;
}

/* Only before the load starts. */
void
strata_loader_set_release_events (StrataLoader *self,
                                  gboolean      release_events)
{
  g_return_if_fail (STRATA_IS_LOADER (self));
  g_return_if_fail (self->phase == STRATA_LOADER_PHASE_IDLE);

  release_events = !!release_events;
  if (release_events != self->release_events)
    {
      self->release_events = release_events;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RELEASE_EVENTS]);
    }
}

double
strata_loader_get_fraction (StrataLoader *self)
{
  g_return_val_if_fail (STRATA_IS_LOADER (self), 0.0);

  return self->fraction;
}

const char *
strata_loader_get_message (StrataLoader *self)
{
  g_return_val_if_fail (STRATA_IS_LOADER (self), NULL);

  return self->message;
}

StrataLoaderPhase
strata_loader_get_phase (StrataLoader *self)
{
  g_return_val_if_fail (STRATA_IS_LOADER (self), STRATA_LOADER_PHASE_IDLE);

  return self->phase;
}

/**
 * strata_loader_load_async:
 * @cancellable: (nullable): stops the reading and the analysis
 *
 * Reads every trace below the paths into one set and analyses it, off the calling thread;
 * the properties change, and @callback runs, in the thread-default main context of the
 * caller. The load fails as strata_trace_load() and strata_analysis_new() do, and with
 * %G_IO_ERROR_CANCELLED once @cancellable is cancelled.
 */
void
strata_loader_load_async (StrataLoader        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STRATA_IS_LOADER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (self->phase == STRATA_LOADER_PHASE_IDLE);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_loader_load_async);

  strata_loader_set_progress (self, STRATA_LOADER_PHASE_READING, 0.0, NULL);
  strata_trace_load_async ((const char * const *) self->paths,
                           cancellable,
                           strata_loader_read_progress_cb,
                           self,
                           strata_loader_read_cb,
                           g_steal_pointer (&task));
}

/**
 * strata_loader_load_finish:
 *
 * Returns: (transfer full): the analysis of the set, or %NULL with @error set
 */
StrataAnalysis *
strata_loader_load_finish (StrataLoader  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (STRATA_IS_LOADER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_loader_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  StrataAnalysis *analysis;
  GError         *error;
  gboolean        done;
} SyncLoad;

static void
strata_loader_load_sync_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  SyncLoad *state = user_data;

  state->analysis = strata_loader_load_finish (STRATA_LOADER (object), result, &state->error);
  state->done = TRUE;
}

/**
 * strata_loader_load:
 * @cancellable: (nullable): stops the reading and the analysis, from any thread
 *
 * strata_loader_load_async(), waited for in a main context of its own: the properties
 * change in the calling thread, and no other source of the caller's runs meanwhile.
 *
 * Returns: (transfer full): the analysis of the set, or %NULL with @error set
 */
StrataAnalysis *
strata_loader_load (StrataLoader  *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GMainContext) context = NULL;
  SyncLoad state = { 0 };

  g_return_val_if_fail (STRATA_IS_LOADER (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (self->phase == STRATA_LOADER_PHASE_IDLE, NULL);

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  strata_loader_load_async (self, cancellable, strata_loader_load_sync_cb, &state);
  while (!state.done)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  if (state.analysis == NULL)
    g_propagate_error (error, state.error);
  return state.analysis;
}
