/* strata-lttng-format.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-ctf-writer.h"

G_BEGIN_DECLS

/*
 * What lttng-modules writes for each StrataEvent, as the generators describe it once for
 * both of their outputs: StrataCtfWriter writes it as CTF, and StrataSetWriter puts in
 * memory what a reader gets back from that CTF. For each kind and naming generation, an event
 * class: its LTTng name and payload fields, each with its CTF type and where its value comes
 * from (a StrataEvent slot, or a fixed rule). Syscall classes are built per syscall from a
 * table of their arguments. Extending what the generators write (a field, a kind, a
 * generation) is a change here, and both outputs follow it.
 *
 * Private to src/gen.
 */

typedef enum
{
  STRATA_LTTNG_U8,
  STRATA_LTTNG_U16,
  STRATA_LTTNG_U32,
  STRATA_LTTNG_U64,
  STRATA_LTTNG_S32,
  STRATA_LTTNG_S64,
  STRATA_LTTNG_X64,        /* uint64 shown in hex: addresses */
  STRATA_LTTNG_U16_BE,     /* network byte order, as lttng's inet_* events */
  STRATA_LTTNG_U32_BE,
  STRATA_LTTNG_COMM,       /* char[16], encoding UTF8: a task name */
  STRATA_LTTNG_STRING,
  STRATA_LTTNG_VTIDS,      /* uint8 _vtids_length, then int32 _vtids[_vtids_length] */
} StrataLttngType;

/* Where a field's value comes from: a StrataEvent slot (>= 0) or one of these. */
enum
{
  STRATA_LTTNG_SRC_ZERO = -1,
  STRATA_LTTNG_SRC_ONE = -2,
  STRATA_LTTNG_SRC_CPU = -3,
  STRATA_LTTNG_SRC_PARENT_COMM = -4,  /* the parent's comm, from what was written of that tid */
  STRATA_LTTNG_SRC_SD_VTID = -5,      /* statedump vtid, or tid when the slot is 0 */
  STRATA_LTTNG_SRC_SD_VPID = -6,
  STRATA_LTTNG_SRC_SK = -7,           /* a plausible kernel socket address */
};

/* The kernel's TASK_COMM_LEN: 15 bytes and a NUL. */
#define STRATA_LTTNG_COMM_LEN 16

typedef struct
{
  const char *name;
  guint8      type;        /* StrataLttngType */
  gint8       src;
} StrataLttngField;

/*
 * One event class of a trace: declared when the first event that needs it is written, with
 * the next id. Syscalls have a class each, with the arguments lttng-modules records (in the
 * event's slots after the name; see strata_ctf_writer_syscall_arg_slot()).
 */
typedef struct
{
  char                   *name;
  guint32                 id;
  StrataEventKind         kind;
  const StrataLttngField *fields;
  guint                   n_fields;
  guint                   fixed_size;    /* bytes of everything but strings */
  gboolean                has_strings;
  /* How a reader (Strata's decoder) fills the kind's slots: for each slot that
   * strata_event_kind_info() names, the field of that name, or -1; and a syscall's name,
   * which it takes from the class name. */
  gint                    reading[STRATA_EVENT_MAX_FIELDS];
  const char             *syscall;
  StrataLttngField       *owned_fields;
} StrataLttngClass;

/* The event classes of one trace, by id, as its events declare them. */
typedef struct
{
  gboolean          legacy;
  GPtrArray        *classes;                          /* StrataLttngClass*, by id */
  StrataLttngClass *by_kind[STRATA_EV_N_KINDS];
  GPtrArray        *entry_by_name;                    /* syscall name id -> class */
  GPtrArray        *exit_by_name;
} StrataLttngSchema;

/*
 * A trace's environment and clock, from writer options with their defaults filled in. The
 * UUIDs are derived from the seed and the hostname: the same options give the same trace.
 */
typedef struct
{
  char     *hostname;
  char     *kernel_release;
  char     *kernel_version;
  guint     tracer[3];        /* lttng-modules major, minor, patchlevel */
  gboolean  legacy;
  gint64    offset_s;
  gint64    offset_ns;
  guint     n_cpus;
  guint8    trace_uuid[16];
  guint8    clock_uuid[16];
} StrataLttngEnv;

/* Fails, with a STRATA_CTF_WRITER_ERROR, on options out of range. */
gboolean strata_lttng_env_init     (StrataLttngEnv               *env,
                                    const StrataCtfWriterOptions *options,
                                    GError                      **error);
void     strata_lttng_env_clear    (StrataLttngEnv               *env);
char    *strata_lttng_uuid_string  (const guint8                  uuid[16]);

/*
 * What a writer knows of a trace beyond each event: the comm of every tid it has seen, which
 * parent_comm needs. @strings resolves the events' string slots; it may be added to (the comm
 * an exec gives a task).
 */
typedef struct
{
  StrataStrtab *strings;
  GHashTable   *comms;        /* tid -> comm string id */
} StrataLttngTasks;

void        strata_lttng_tasks_init   (StrataLttngTasks       *tasks,
                                       StrataStrtab           *strings);
void        strata_lttng_tasks_clear  (StrataLttngTasks       *tasks);
/* Call once @event is written. */
void        strata_lttng_tasks_note   (StrataLttngTasks       *tasks,
                                       const StrataEvent      *event);
/* The value a field of @event takes (a string id for string fields). */
gint64      strata_lttng_field_value  (const StrataLttngTasks *tasks,
                                       const StrataEvent      *event,
                                       const StrataLttngField *field);
/* The text of string id @id; "" for ids the table never gave out. */
const char *strata_lttng_string       (const StrataLttngTasks *tasks,
                                       gint64                  id);

void                    strata_lttng_schema_init  (StrataLttngSchema      *schema,
                                                   gboolean                legacy);
void                    strata_lttng_schema_clear (StrataLttngSchema      *schema);
/* The class @event is written as, declared at its first use; NULL when the kind has none. */
const StrataLttngClass *strata_lttng_schema_class (StrataLttngSchema      *schema,
                                                   const StrataLttngTasks *tasks,
                                                   const StrataEvent      *event);

/*
 * The class @event is written as, once the checks both outputs make pass: its CPU exists,
 * its kind has a class, its time is not before @last (the latest time written on that CPU,
 * G_MININT64 before any) nor before the clock origin or after STRATA_TIME_MAX. NULL with a
 * STRATA_CTF_WRITER_ERROR when one fails.
 */
const StrataLttngClass *strata_lttng_check_event   (const StrataLttngEnv   *env,
                                                    StrataLttngSchema      *schema,
                                                    const StrataLttngTasks *tasks,
                                                    const StrataEvent      *event,
                                                    gint64                  last,
                                                    GError                **error);
/* The same checks for @count events lost on @cpu at @ts. */
gboolean                strata_lttng_check_discard (const StrataLttngEnv   *env,
                                                    guint                   cpu,
                                                    gint64                  ts,
                                                    gint64                  last,
                                                    GError                **error);

/*
 * The event a reader (Strata's decoder, through libbabeltrace2) gets back from @event
 * written as @klass: each slot as its field's CTF type keeps it (strings interned in
 * @strings, task names cut to 15 bytes), and the reader's values for what the class lacks.
 */
void strata_lttng_read_back (const StrataLttngClass *klass,
                             const StrataLttngTasks *tasks,
                             const StrataEvent      *event,
                             StrataStrtab           *strings,
                             StrataEvent            *out);

G_END_DECLS
