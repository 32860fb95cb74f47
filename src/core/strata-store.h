/* strata-store.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-section-file.h"

G_BEGIN_DECLS

typedef enum
{
  STRATA_STATE_UNKNOWN = 0,
  /* CPU rows */
  STRATA_STATE_IDLE,
  STRATA_STATE_USER,
  STRATA_STATE_SYSCALL,
  STRATA_STATE_IRQ,
  STRATA_STATE_SOFTIRQ,
  STRATA_STATE_GUEST,          /* guest mode, no guest trace to say more */
  /* vCPU rows */
  STRATA_STATE_RUNNING,        /* also thread rows: running in user space */
  STRATA_STATE_HYPERVISOR,
  STRATA_STATE_PREEMPTED,
  STRATA_STATE_BLOCKED,        /* also thread rows */
  /* thread rows */
  STRATA_STATE_INTERRUPTED,
  STRATA_STATE_WAIT_CPU,
  /* vCPU rows */
  STRATA_STATE_WAITING,        /* woken, not yet running: wake-up latency */
  STRATA_STATE_N
} StrataState;

/* "user", "wait-cpu": the CLI's and the JSON's names, never translated. */
const char *strata_state_to_string   (StrataState state);
StrataState strata_state_from_string (const char *name);
/* "User", "Waiting for CPU": what the legend and the tooltips show, translated. */
const char *strata_state_get_title   (StrataState state);

typedef enum
{
  STRATA_ROW_PCPU,       /* pcpu/N: fused host pCPU (or the CPU of the only machine) */
  STRATA_ROW_IRQ,        /* irq/N, MACHINE/irq/N */
  STRATA_ROW_SOFTIRQ,    /* softirq/N/cpu/C, MACHINE/softirq/N/cpu/C */
  STRATA_ROW_CPU,        /* MACHINE/cpu/N, in host time */
  STRATA_ROW_VCPU,       /* MACHINE/vcpu/N */
  STRATA_ROW_THREAD,     /* MACHINE/thread/TID */
} StrataRowKind;

#define STRATA_NO_MACHINE 0xffffu

/* A soft IRQ row is one vector on one CPU, since a vector runs on several CPUs at once and
 * their times must add up: its row number holds both, the vector first so that rows sort by
 * vector, then CPU. */
static inline gint64
strata_softirq_row_number (gint64 vector,
                           guint  cpu)
{
  return (gint64) CLAMP (vector, -1, G_MAXINT32) * (G_GINT64_CONSTANT (1) << 32) + cpu;
}

static inline gint64
strata_softirq_row_vector (gint64 number)
{
  return number >> 32;
}

static inline guint
strata_softirq_row_cpu (gint64 number)
{
  return (guint) (number & G_MAXUINT32);
}

/* Linux's name of soft IRQ vector @vector ("TIMER", "NET_RX", "RCU"), or NULL. */
const char *strata_softirq_vector_name (gint64 vector);

/*
 * What a row is doing over one interval. Interned: rows store a 32-bit id per change.
 * On a pCPU row inside a guest, machine/vcpu/tid/comm describe the guest (its thread when the
 * guest was traced) and host_tid the host's vCPU thread, whose name
 * strata_analysis_host_thread_name() gives (not kept here: it would make the description 4
 * bytes larger, and a switch-heavy set has over a million of them). On a thread row, tid is
 * -1: the row is the thread's (see StrataInterval).
 * What a CPU or thread is in, the user's first question about it, is part of it: the
 * syscall's name (detail) in state syscall; on CPU rows the IRQ line (irq) and its handler's
 * name (detail) in state irq, the vector (irq) in state softirq. A change of them starts an
 * interval, as a change of state does.
 */
typedef struct
{
  guint8  state;         /* StrataState */
  guint8  reserved;
  guint16 machine;       /* index in the analysis' machines, or STRATA_NO_MACHINE */
  gint32  vcpu;          /* -1: none */
  gint32  tid;           /* -1: none */
  guint32 comm;          /* string id, 0: none */
  gint32  host_tid;      /* -1: none */
  gint32  irq;           /* CPU rows in state irq or softirq: the line or vector; else -1 */
  guint32 detail;        /* string id, 0: none: the syscall's name, or the IRQ handler's */
} StrataStateDesc;

G_STATIC_ASSERT (sizeof (StrataStateDesc) == 28);

/* A row after its machine's trace ended: no interval to report or draw. */
static inline gboolean
strata_state_desc_is_gap (const StrataStateDesc *d)
{
  return d->state == STRATA_STATE_UNKNOWN && d->machine == STRATA_NO_MACHINE && d->tid < 0;
}

/* @tid: the thread the interval is of. A thread row's descriptions name no thread (their tid
 * is -1), so that the threads of a switch-heavy set share them: its thread is the row's. */
typedef struct
{
  gint64                 start;
  gint64                 end;
  guint32                desc_id;
  gint32                 tid;
  const StrataStateDesc *desc;
} StrataInterval;

/* Whether @state is activity (busy time): not idle, blocked or unknown. */
static inline gboolean
strata_state_is_activity (guint state)
{
  return state != STRATA_STATE_UNKNOWN && state != STRATA_STATE_IDLE && state != STRATA_STATE_BLOCKED;
}

/*
 * One pixel column of a row, summarized in time independent of the number of changes. A
 * column that spans a few changes is exact; one that spans many is answered from the row's
 * summary, whose buckets are at most as wide as the column: the time shares are then those
 * of the buckets it overlaps, each taken as evenly spread.
 */
typedef struct
{
  guint32 desc_id;       /* the interval's description when changes == 1; otherwise that
                          * of the activity drawn: the dominant state's longest piece, or
                          * the secondary's when the dominant is not an activity */
  guint8  state;         /* dominant state over the column */
  guint8  changes;       /* 0: none in the column; 1: one interval covers it; 2: several */
  guint16 machine;       /* dominant machine */
  guint8  secondary;     /* the longest other activity in the column (a state), 0: none */
  guint32 machine_mask;  /* bit m: machine m appears (bit 31: machine 31 or above) */
  float   busy;          /* the share of the column's time (where the row has data) spent in
                          * an activity state, 0 to 1; above 0 whenever there was any */
} StrataPixel;

typedef struct _StrataStore StrataStore;
typedef struct _StrataStoreBuilder StrataStoreBuilder;
typedef struct _StrataStoreSpill StrataStoreSpill;

/*
 * A file that the builders of one store write their rows to, so that a store larger than
 * memory can be built: rows past a size (and every row, once the heap holds enough of them)
 * move there, and are written and read through a mapping whose resident pages are given
 * back to the page cache as the mapping grows. @fd (taken) is an empty file opened for
 * reading and writing, possibly unlinked; the store can later be written after the spilled
 * rows, in the same file (strata_store_write()), so that it becomes a saved store.
 */
StrataStoreSpill   *strata_store_spill_new      (int                    fd,
                                                 GError               **error);
StrataStoreSpill   *strata_store_spill_ref      (StrataStoreSpill      *self);
void                strata_store_spill_unref    (StrataStoreSpill      *self);
int                 strata_store_spill_get_fd   (StrataStoreSpill      *self);
/* Bytes of the spill file in use: the rows moved there so far. */
guint64             strata_store_spill_get_size (StrataStoreSpill      *self);

StrataStoreBuilder *strata_store_builder_new    (void);
/* A builder that moves rows to @spill (NULL: none). Builders whose rows move between them
 * (absorb(), move_rows()) must share one spill, or have none. */
StrataStoreBuilder *strata_store_builder_new_spilling (StrataStoreSpill *spill);
guint               strata_store_builder_add_row (StrataStoreBuilder    *self,
                                                  const char            *name,
                                                  StrataRowKind          kind,
                                                  guint16                machine,
                                                  gint64                 number);
/* The thread row of @tid (> 0) of @machine, named @prefix "thread/" @tid: as add_row() with
 * that name, without writing it out. */
guint               strata_store_builder_add_thread_row (StrataStoreBuilder *self,
                                                         const char         *prefix,
                                                         guint16             machine,
                                                         gint32              tid);
/* Appends a change; times must not decrease within a row, and lie in STRATA_TIME_MIN ..
 * STRATA_TIME_MAX (strata-time.h), as must the range given to finish(). Equal descriptions
 * merge, and a change at the time of the row's last change replaces it. */
void                strata_store_builder_set     (StrataStoreBuilder    *self,
                                                  guint                  row,
                                                  gint64                 ts,
                                                  const StrataStateDesc *desc);
guint32             strata_store_builder_intern  (StrataStoreBuilder    *self,
                                                  const StrataStateDesc *desc);
void                strata_store_builder_set_id  (StrataStoreBuilder    *self,
                                                  guint                  row,
                                                  gint64                 ts,
                                                  guint32                desc_id);
/* Gives every change of @row at or after @from the id @map returns for it (which may intern
 * descriptions), merging changes that become equal to the one before: for a fact about the
 * recent past learned late (a thread whose first syscall event is an exit was in that syscall
 * all along). Costs the changes from @from on. */
typedef guint32 (*StrataIdMap) (guint32  desc_id,
                                gpointer user_data);
void                strata_store_builder_remap_since (StrataStoreBuilder *self,
                                                      guint               row,
                                                      gint64              from,
                                                      StrataIdMap         map,
                                                      gpointer            user_data);
/* Gives @row's last change, which must have been made at @ts, the description @desc_id
 * instead: for a state the trace proved wrong afterwards (a thread that slept by its
 * switch-out's state, then ran again with no wakeup, was runnable all along). FALSE, and
 * nothing changed, when the row's last change is not at @ts. */
gboolean            strata_store_builder_replace_last (StrataStoreBuilder *self,
                                                       guint               row,
                                                       gint64              ts,
                                                       guint32             desc_id);
/* Another name for @row, e.g. "pcpu/0" for the CPU 0 row of the only machine. */
void                strata_store_builder_add_alias (StrataStoreBuilder  *self,
                                                    const char          *alias,
                                                    guint                row);
/* The changes recorded so far in all rows. */
guint64             strata_store_builder_n_changes (StrataStoreBuilder  *self);
/* The changes recorded so far in @row. */
guint64             strata_store_builder_row_len (StrataStoreBuilder    *self,
                                                  guint                  row);
const StrataStateDesc *strata_store_builder_desc (StrataStoreBuilder    *self,
                                                  guint32                desc_id);
/* Builds @row's drawing summary now, for a store ending at @end_ns (as finish() will be
 * given): a row that will not change again can be summarized while others are still being
 * written. The row may still go through fixup(), which does not change what it summarizes. */
void                strata_store_builder_summarize (StrataStoreBuilder  *self,
                                                    guint                row,
                                                    gint64               end_ns);
/* A read-only look at a row's arrays, for loops over millions of changes; valid until the
 * row changes. */
typedef struct
{
  const gint64  *base;
  const guint32 *off;
  const gint64  *wide;
  gconstpointer  ids;          /* read through strata_row_view_id() */
  const guint32 *palette;
  guint64        n;
  guint8         id_mode;
} StrataRowView;

#define STRATA_ROW_VIEW_BLOCK_BITS 8

/* How a row keeps its description ids: most rows name few descriptions, and a change's id
 * is a third of its bytes. 16-bit ids are the descriptions' own while every one is below
 * 65,536; else a row's own palette of the descriptions it names (a count, then those) lets
 * 16-bit ids index it, unless it names more than 65,536: then (and while a row is written)
 * its ids are the descriptions' own in 3 bytes (little-endian, unaligned) while every one
 * is below 2^24, else in 4. */
typedef enum
{
  STRATA_IDS_32,
  STRATA_IDS_16,
  STRATA_IDS_PALETTE,
  STRATA_IDS_24,
} StrataIdMode;

#define STRATA_IDS_24_MAX 0xffffffu

/* The one reader of a row's ids, of the store or of a view. */
static inline guint32
strata_ids_get (gconstpointer  ids,
                guint8         id_mode,
                const guint32 *palette,
                guint64        i)
{
  guint32 v;

  if (id_mode == STRATA_IDS_32)
    return ((const guint32 *) ids)[i];
  if (id_mode == STRATA_IDS_24)
    {
      const guint8 *p = (const guint8 *) ids + 3 * i;

      return p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16;
    }
  v = ((const guint16 *) ids)[i];
  return id_mode == STRATA_IDS_PALETTE ? palette[1 + v] : v;
}

static inline guint32
strata_row_view_id (const StrataRowView *view,
                    guint64              i)
{
  return strata_ids_get (view->ids, view->id_mode, view->palette, i);
}

static inline gint64
strata_row_view_ts (const StrataRowView *view,
                    guint64              i)
{
  return view->wide ? view->wide[i] : view->base[i >> STRATA_ROW_VIEW_BLOCK_BITS] + view->off[i];
}

void                strata_store_builder_row_view (StrataStoreBuilder  *self,
                                                   guint                row,
                                                   StrataRowView       *view);
/* Gives @self's rows @rows the contents of @other's rows @other_rows (which are left empty),
 * their descriptions interned in @self: rows rewritten elsewhere come back in place. */
void                strata_store_builder_move_rows (StrataStoreBuilder  *self,
                                                    const guint         *rows,
                                                    StrataStoreBuilder  *other,
                                                    const guint         *other_rows,
                                                    guint                n);
/* Gives back the growth room of every row (trim, which also packs the small ones together)
 * or all of one row's changes (row_clear), once written or read for the last time: the
 * memory peak is lower when that happens early. */
void                strata_store_builder_trim      (StrataStoreBuilder  *self);
void                strata_store_builder_row_trim  (StrataStoreBuilder  *self,
                                                    guint                row);
void                strata_store_builder_row_clear (StrataStoreBuilder  *self,
                                                    guint                row);
/* Room in @row, which has no changes yet, for @cap changes in all, made at once when @self
 * spills nothing and the address space has it: for a row whose length is known to be at most
 * that, which then never moves as it grows (the room it does not use is never touched, nor
 * resident, and trim() gives it back). */
void                strata_store_builder_row_reserve (StrataStoreBuilder *self,
                                                      guint               row,
                                                      guint64             cap);
/* Room for @extra more descriptions, when it can be had (see descs_fit()): interning up to
 * that many then moves none of @self's, so that other threads may read those meanwhile
 * (strata_store_builder_desc()). Room not used costs address space only. */
void                strata_store_builder_reserve_descs (StrataStoreBuilder *self,
                                                        guint64             extra);
/* Whether interning every description of @other into @self would move none of @self's. */
gboolean            strata_store_builder_descs_fit (StrataStoreBuilder *self,
                                                    StrataStoreBuilder *other);
/* Frees the index of @self's descriptions, for a builder that interns no more for a while: the
 * next interning builds it again. */
void                strata_store_builder_drop_index (StrataStoreBuilder *self);
/* Moves every row, alias and description of @other into @self, then frees @other. Builders
 * filled by different threads become one this way. Returns the index @other's row 0 got. */
guint               strata_store_builder_absorb  (StrataStoreBuilder    *self,
                                                  StrataStoreBuilder    *other);
/* Rewrites every description through @fixup (which edits it in place and says whether it did),
 * then merges changes that became equal. For facts learned late, such as a thread's name. */
typedef gboolean (*StrataDescFixup) (StrataStateDesc *desc,
                                     gpointer         user_data);
void                strata_store_builder_fixup   (StrataStoreBuilder    *self,
                                                  StrataDescFixup        fixup,
                                                  gpointer               user_data);
StrataStore        *strata_store_builder_finish  (StrataStoreBuilder    *self,
                                                  gint64                 begin_ns,
                                                  gint64                 end_ns);
/* As finish(), calling @alongside on the store while the drawing summaries are being built
 * on other threads: it may read rows and descriptions, nothing else. */
typedef void (*StrataStoreFunc) (StrataStore *store,
                                 gpointer     user_data);
StrataStore        *strata_store_builder_finish_full (StrataStoreBuilder *self,
                                                      gint64              begin_ns,
                                                      gint64              end_ns,
                                                      StrataStoreFunc     alongside,
                                                      gpointer            user_data);
void                strata_store_builder_free    (StrataStoreBuilder    *self);

void                   strata_store_free        (StrataStore *self);
gint64                 strata_store_begin       (StrataStore *self);
gint64                 strata_store_end         (StrataStore *self);
guint                  strata_store_n_rows      (StrataStore *self);
gint                   strata_store_find_row    (StrataStore *self,
                                                 const char  *name);
/* The rows of kind pcpu, in row order. */
const gint            *strata_store_pcpu_rows   (StrataStore *self,
                                                 guint       *n_rows);
/* The rows of every kind but thread, in row order: those a layout shows, found without a
 * walk over the thread rows (hundreds of thousands in a set of many short-lived threads). */
const gint            *strata_store_shown_rows  (StrataStore *self,
                                                 guint       *n_rows);
/* The store's, for as long as it lives: a thread row's is written out the first time it is
 * asked for (it keeps only its machine's prefix and its tid). */
const char            *strata_store_row_name    (StrataStore *self,
                                                 guint        row);
StrataRowKind          strata_store_row_kind    (StrataStore *self,
                                                 guint        row);
guint16                strata_store_row_machine (StrataStore *self,
                                                 guint        row);
gint64                 strata_store_row_number  (StrataStore *self,
                                                 guint        row);
guint64                strata_store_row_n_intervals (StrataStore *self,
                                                     guint        row);
const StrataStateDesc *strata_store_desc        (StrataStore *self,
                                                 guint32      desc_id);
guint64                strata_store_n_changes   (StrataStore *self);
guint                  strata_store_n_descs     (StrataStore *self);
gsize                  strata_store_memory      (StrataStore *self);

/* The interval of @row that holds @ts: O(log n). FALSE outside the row's time. */
gboolean strata_store_lookup     (StrataStore    *self,
                                  guint           row,
                                  gint64          ts,
                                  StrataInterval *out);
/* Intervals overlapping [from, to): index range [*first, *last) for strata_store_interval(). */
void     strata_store_range      (StrataStore    *self,
                                  guint           row,
                                  gint64          from,
                                  gint64          to,
                                  guint64        *first,
                                  guint64        *last);
void     strata_store_interval   (StrataStore    *self,
                                  guint           row,
                                  guint64         index,
                                  StrataInterval *out);
/* Sets @used[id] for every description id that @row holds: one pass over its ids, for what
 * a whole set shows (its legend). @used has strata_store_n_descs() bytes. */
void     strata_store_row_mark_descs (StrataStore *self,
                                      guint        row,
                                      guint8      *used);
/* Fills @n_pixels columns spanning [from, to): cost depends on pixels, not on changes. */
void     strata_store_summarize  (StrataStore    *self,
                                  guint           row,
                                  gint64          from,
                                  gint64          to,
                                  guint           n_pixels,
                                  StrataPixel    *pixels);

/*
 * Saved stores. write() puts @self's rows, descriptions, names and summaries in sections
 * of @writer (rows already in a spill of the writer's file stay where they are); read()
 * checks a file's store sections and every row against their checksums and bounds, and
 * gives a store that reads its rows and summaries where they lie in the mapping: memory is
 * paid per page read. A file whose summaries are of another version gives a store that
 * builds them again when drawn. STRATA_STORE_FORMAT_VERSION changes with the layout;
 * STRATA_STORE_SUMMARY_VERSION with what a summary holds or how it is made. Rows in a spill
 * must be written into the spill's own file, after strata_store_spill_get_size() bytes;
 * the writer reports write errors when finished.
 */
#define STRATA_STORE_FORMAT_VERSION 6
#define STRATA_STORE_SUMMARY_VERSION 3

void                strata_store_write          (StrataStore           *self,
                                                 StrataSectionWriter   *writer);
StrataStore        *strata_store_read           (StrataSectionFile     *file,
                                                 GError               **error);
/* Whether @self's summaries came from its file (FALSE: built here). */
gboolean            strata_store_summaries_mapped (StrataStore         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataStore, strata_store_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataStoreSpill, strata_store_spill_unref)

G_END_DECLS
