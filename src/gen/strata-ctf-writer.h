/* strata-ctf-writer.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-event.h"
#include "strata-strtab.h"

G_BEGIN_DECLS

/*
 * Writes StrataEvents as one CTF 1.8 trace folder shaped like an lttng-modules kernel trace:
 * a plain-text `metadata` file and one stream file per CPU, `channel0_<cpu>`, made of
 * fixed-size packets. It exists to produce test and demo traces that babeltrace2 (and so
 * Strata's own decoder) reads like real ones; Debian's libbabeltrace2 has no CTF writer API.
 *
 * Event classes are declared lazily, only for the kinds (and syscall names) actually written,
 * so the metadata is written by strata_ctf_writer_close(). Payloads follow what lttng-modules
 * writes for each kind, current generation or the older one (legacy_naming); fields that
 * StrataEvent has no slot for get a fixed plausible value. Syscall entry arguments, which
 * StrataEvent does not carry either, are read from the slots after STRATA_F_SYSCALL_NAME
 * (see strata_ctf_writer_syscall_arg_slot()).
 *
 * Not thread-safe: one thread writes a given writer.
 */

#define STRATA_CTF_WRITER_ERROR (strata_ctf_writer_error_quark ())

typedef enum
{
  STRATA_CTF_WRITER_ERROR_IO,
  STRATA_CTF_WRITER_ERROR_INVALID,      /* bad option or event: CPU out of range, unknown kind */
  STRATA_CTF_WRITER_ERROR_ORDER,        /* time went back on a CPU, or before the clock origin */
  STRATA_CTF_WRITER_ERROR_CLOSED,
} StrataCtfWriterError;

typedef struct
{
  const char *hostname;         /* env hostname; NULL: "localhost" */
  guint       n_cpus;           /* stream files channel0_0 … channel0_<n_cpus - 1>; 0: 1 */
  gint64      offset_s;         /* clock origin, in s after the epoch (clock offset_s) */
  const char *kernel_release;   /* NULL: "5.10.0-20-amd64" ("3.13.0-24-generic" if legacy) */
  const char *kernel_version;   /* NULL: a plausible "#1 SMP …" string */
  guint       tracer_major;     /* lttng-modules version; 0.0.0: 2.11.0 (2.5.0 if legacy) */
  guint       tracer_minor;
  guint       tracer_patchlevel;
  gboolean    legacy_naming;    /* kvm_entry/exit, softirq_*, sys_<name>/exit_syscall, older
                                 * payloads (no vtids, no ns fields, no kvm_exit vcpu_id) */
  guint64     uuid_seed;        /* trace and clock UUIDs are derived from it and the hostname */
  gsize       packet_size;      /* bytes per packet; 0: 64 KiB */
} StrataCtfWriterOptions;

typedef struct _StrataCtfWriter StrataCtfWriter;

GQuark           strata_ctf_writer_error_quark      (void);

/*
 * Creates @dir (and its parents) and the stream files in it, replacing the stream files and
 * metadata of a trace written there before. @strings resolves the string slots of the
 * events given to strata_ctf_writer_add(); it is borrowed and must outlive the writer,
 * which may add to it (the comm an exec gives a task). Returns NULL with @error set when
 * the folder or a file cannot be created.
 */
StrataCtfWriter *strata_ctf_writer_new              (const char                   *dir,
                                                     const StrataCtfWriterOptions *options,
                                                     StrataStrtab                 *strings,
                                                     GError                      **error);
/*
 * Appends @event to the stream of CPU event->cpu. event->ts is ns from the epoch in this
 * trace's clock; it must not be earlier than the previous event or discard on that CPU, nor
 * than the clock origin (offset_s), nor later than STRATA_TIME_MAX. The event is written as
 * ts - offset_s * 10^9 cycles.
 */
gboolean         strata_ctf_writer_add              (StrataCtfWriter              *self,
                                                     const StrataEvent            *event,
                                                     GError                      **error);
/*
 * Records that @count events were lost on @cpu at @ts (same ordering rule as events), as
 * LTTng does when a ring buffer is full: the current packet ends, and the next packet of that
 * CPU starts at @ts with a larger cumulative events_discarded. A trailing discard still gets
 * its (empty) packet at close.
 */
gboolean         strata_ctf_writer_discard          (StrataCtfWriter              *self,
                                                     guint                         cpu,
                                                     guint64                       count,
                                                     gint64                        ts,
                                                     GError                      **error);
/* Flushes the last packets and writes `metadata`. The writer can then only be freed. */
gboolean         strata_ctf_writer_close            (StrataCtfWriter              *self,
                                                     GError                      **error);
/* Releases the writer. Without a successful close, the folder has no metadata. */
void             strata_ctf_writer_free             (StrataCtfWriter              *self);

guint64          strata_ctf_writer_get_event_count  (StrataCtfWriter              *self);
guint64          strata_ctf_writer_get_discarded    (StrataCtfWriter              *self);

/*
 * The event slot that carries argument @arg of syscall @syscall's entry event (or, for the
 * few output arguments, of its exit event), or -1 when the writer does not declare that
 * argument. Unknown syscalls have no arguments.
 */
gint             strata_ctf_writer_syscall_arg_slot (const char                   *syscall,
                                                     const char                   *arg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataCtfWriter, strata_ctf_writer_free)

G_END_DECLS
