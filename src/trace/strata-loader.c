/* strata-loader.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-loader"
#define _GNU_SOURCE             /* O_TMPFILE */

#include "config.h"

#include <glib/gi18n.h>

#include <fcntl.h>
#include <unistd.h>

#include "strata-analysis-file.h"
#include "strata-discover.h"
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
 *
 * With a cache, the traces are first found and the set's key made (a worker thread): a saved
 * analysis of that key is the result, with no decoding or analysis. Otherwise the analysis
 * is saved as it is made: a set whose store would pass the memory limit has its rows written
 * to the file being saved while the analysis runs (or to a temporary file, without a cache).
 */
struct _StrataLoader
{
  GObject            parent_instance;

  /* Options, fixed once the load starts */
  char             **paths;
  GArray            *maps;           /* StrataVmMap, owning their guest names */
  gboolean           release_events;
  StrataCache       *cache;
  guint64            memory_limit;   /* a store estimated larger goes to disk */

  /* The load */
  char              *key;            /* the set's key in the cache */
  gboolean           from_cache;

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
  PROP_CACHE,
  PROP_MEMORY_LIMIT,
  PROP_FROM_CACHE,
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

/* A spill file for a load without a cache: unlinked from the start, on disk if possible. */
static StrataStoreSpill *
strata_loader_temporary_spill (void)
{
  const char *dirs[] = { g_get_user_cache_dir (), g_get_tmp_dir () };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      int fd = open (dirs[i], O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

      if (fd >= 0)
        return strata_store_spill_new (fd, NULL);
    }
  return NULL;
}

static void
strata_loader_analyse_thread (GTask        *task,
                              gpointer      source_object,
                              gpointer      task_data,
                              GCancellable *cancellable)
{
  StrataLoader *self = source_object;
  StrataSet *set = task_data;
  StrataAnalysisOptions options = { 0 };
  g_autoptr(StrataTiming) timing = strata_timing_new_from_env ("analysis");
  g_autoptr(StrataCacheSave) save = NULL;
  g_autoptr(StrataStoreSpill) spill = NULL;
  g_autoptr(GError) error = NULL;
  StrataAnalysis *analysis;

  options.maps = (const StrataVmMap *) (gpointer) self->maps->data;
  options.n_maps = self->maps->len;
  options.release_events = self->release_events;
  options.cancellable = cancellable;
  options.phase_func = strata_timing_phase_cb;
  options.phase_data = timing;

  /* Failing to save is no failure to load: the cache keeps the problem to tell once. A set
   * read with problems is not saved: some come from this run (no temporary folder to stage
   * a damaged file in, a file size limit), and would stay when they are gone. */
  if (self->cache != NULL && self->key != NULL && set->errors->len == 0)
    save = strata_cache_save_begin (self->cache, self->key, NULL);
  /* About 12 bytes a change, two or three changes an event. */
  if (strata_set_event_count (set) * 32 > self->memory_limit)
    {
      if (save != NULL && strata_cache_save_get_spill (save, NULL) != NULL)
        spill = strata_store_spill_ref (strata_cache_save_get_spill (save, NULL));
      else
        spill = strata_loader_temporary_spill ();
      options.spill = spill;
    }

  if ((analysis = strata_analysis_new (set, &options, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (save != NULL && !strata_cache_save_commit (save, analysis, &error))
    g_debug ("The analysis was not saved: %s", error->message);
  strata_timing_phase_cb ("save", timing);
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
strata_loader_start_reading (StrataLoader *self,
                             GTask        *task)
{
  strata_trace_load_async ((const char * const *) self->paths,
                           g_task_get_cancellable (task),
                           strata_loader_read_progress_cb,
                           self,
                           strata_loader_read_cb,
                           task);
}

typedef struct
{
  char           *key;
  StrataAnalysis *analysis;
} Lookup;

static void
lookup_free (gpointer data)
{
  Lookup *lookup = data;

  g_free (lookup->key);
  g_clear_pointer (&lookup->analysis, strata_analysis_unref);
  g_free (lookup);
}

/* Finds the traces, makes the set's key and opens what was saved under it. */
static void
strata_loader_lookup_thread (GTask        *task,
                             gpointer      source_object,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  StrataLoader *self = source_object;
  g_autoptr(StrataTiming) timing = strata_timing_new_from_env ("saved analysis");
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) found = NULL;
  Lookup *lookup = g_new0 (Lookup, 1);

  strata_timing_phase_cb (NULL, timing);
  found = strata_discover_traces ((const char * const *) self->paths, errors, cancellable);
  g_ptr_array_set_free_func (found, (GDestroyNotify) strata_found_trace_free);
  lookup->key = strata_cache_make_key ((const char * const *) self->paths, found,
                                       (const StrataVmMap *) (gpointer) self->maps->data, self->maps->len);
  strata_timing_phase_cb ("key", timing);
  if (found->len > 0 && !g_cancellable_is_cancelled (cancellable))
    lookup->analysis = strata_cache_lookup (self->cache, lookup->key);
  strata_timing_phase_cb ("open", timing);
  g_task_return_pointer (task, lookup, lookup_free);
}

static void
strata_loader_lookup_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  StrataLoader *self = (StrataLoader *) object;
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Lookup *lookup;

  g_assert (STRATA_IS_LOADER (self));

  lookup = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_task_return_error_if_cancelled (task))
    {
      g_clear_pointer (&lookup, lookup_free);
      strata_loader_set_progress (self, STRATA_LOADER_PHASE_DONE, self->fraction, NULL);
      return;
    }
  self->key = g_steal_pointer (&lookup->key);
  if (lookup->analysis != NULL)
    {
      self->from_cache = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FROM_CACHE]);
      strata_loader_set_progress (self, STRATA_LOADER_PHASE_DONE, 1.0, NULL);
      g_task_return_pointer (task, g_steal_pointer (&lookup->analysis), (GDestroyNotify) strata_analysis_unref);
    }
  else
    strata_loader_start_reading (self, g_steal_pointer (&task));
  lookup_free (lookup);
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
  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->cache, strata_cache_unref);

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

    case PROP_CACHE:
      g_value_set_boxed (value, self->cache);
      break;

    case PROP_MEMORY_LIMIT:
      g_value_set_uint64 (value, self->memory_limit);
      break;

    case PROP_FROM_CACHE:
      g_value_set_boolean (value, self->from_cache);
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

    case PROP_CACHE:
      strata_loader_set_cache (self, g_value_get_boxed (value));
      break;

    case PROP_MEMORY_LIMIT:
      strata_loader_set_memory_limit (self, g_value_get_uint64 (value));
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
   * StrataLoader:cache:
   *
   * Where analyses are saved and found again, or %NULL to always read and analyse.
   */
  properties[PROP_CACHE] =
    g_param_spec_boxed ("cache", NULL, NULL, STRATA_TYPE_CACHE,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StrataLoader:memory-limit:
   *
   * Bytes of memory the store of a set may be expected to take before its rows go to disk
   * as the analysis makes them (0: always).
   */
  properties[PROP_MEMORY_LIMIT] =
    g_param_spec_uint64 ("memory-limit", NULL, NULL, 0, G_MAXUINT64, STRATA_LOADER_DEFAULT_MEMORY_LIMIT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StrataLoader:from-cache:
   *
   * Whether the analysis of the last load was a saved one, so nothing was read or analysed.
   */
  properties[PROP_FROM_CACHE] =
    g_param_spec_boolean ("from-cache", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

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
  self->memory_limit = STRATA_LOADER_DEFAULT_MEMORY_LIMIT;
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

StrataCache *
strata_loader_get_cache (StrataLoader *self)
{
  g_return_val_if_fail (STRATA_IS_LOADER (self), NULL);

  return self->cache;
}

/* Only before the load starts. */
void
strata_loader_set_cache (StrataLoader *self,
                         StrataCache  *cache)
{
  g_return_if_fail (STRATA_IS_LOADER (self));
  g_return_if_fail (self->phase == STRATA_LOADER_PHASE_IDLE);

  if (cache == self->cache)
    return;
  g_clear_pointer (&self->cache, strata_cache_unref);
  self->cache = cache ? strata_cache_ref (cache) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHE]);
}

guint64
strata_loader_get_memory_limit (StrataLoader *self)
{
  g_return_val_if_fail (STRATA_IS_LOADER (self), 0);

  return self->memory_limit;
}

/* Only before the load starts. */
void
strata_loader_set_memory_limit (StrataLoader *self,
                                guint64       bytes)
{
  g_return_if_fail (STRATA_IS_LOADER (self));
  g_return_if_fail (self->phase == STRATA_LOADER_PHASE_IDLE);

  if (bytes != self->memory_limit)
    {
      self->memory_limit = bytes;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY_LIMIT]);
    }
}

gboolean
strata_loader_get_from_cache (StrataLoader *self)
{
  g_return_val_if_fail (STRATA_IS_LOADER (self), FALSE);

  return self->from_cache;
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
  if (self->cache != NULL)
    {
      g_autoptr(GTask) lookup = g_task_new (self, cancellable, strata_loader_lookup_cb, g_steal_pointer (&task));

      g_task_set_source_tag (lookup, strata_loader_lookup_thread);
      g_task_run_in_thread (lookup, strata_loader_lookup_thread);
      return;
    }
  strata_loader_start_reading (self, g_steal_pointer (&task));
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
