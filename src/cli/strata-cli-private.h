/* strata-cli-private.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-analysis.h"
#include "strata-json.h"

G_BEGIN_DECLS

/* What the commands in strata-cli.c and strata-cli-insight.c share. */

/* Exit statuses: scripts tell bad input from a usage mistake. */
enum {
  EXIT_OK = 0,
  EXIT_BAD_INPUT = 1,
  EXIT_USAGE = 2,
};

/* Text from a trace as a terminal may show it, valid until the process ends. */
const char     *esc               (const char      *text);
void            json_nullable_int (StrataJson      *json,
                                   gint64           value);
/* Loads the set of @paths with the --map and --no-cache options; NULL, said, on failure. */
StrataAnalysis *load_or_report    (char           **paths);
/* Whether the set spans some time; FALSE, said for @command, when it holds no events. */
gboolean        set_has_time      (const char      *command,
                                   StrataAnalysis  *analysis);
/* --machine: a machine, or a host for its VMs. */
gboolean        machine_selected   (StrataAnalysis  *analysis,
                                    gint             only,
                                    guint            machine);
gboolean        machine_is_vm_host (StrataAnalysis  *analysis,
                                    gint             only);
/* The syscall or handler an interval of @d is in, as fields: "syscall":S; "irq":N with
 * "irq_name":S; "softirq":N with "softirq_name":S; or in text after its thread: "  openat",
 * "  IRQ 23 (ahci)", "  soft IRQ 1 (TIMER)". */
void            json_state_detail  (StrataJson            *json,
                                    StrataAnalysis        *analysis,
                                    const StrataStateDesc *d);
void            print_state_detail (StrataAnalysis        *analysis,
                                    const StrataStateDesc *d);
void            print_cause_json  (StrataAnalysis              *analysis,
                                   StrataJson                  *json,
                                   const StrataPreemptionCause *cause);
gboolean        check_paths       (const char      *command,
                                   char           **paths);
gboolean        check_time        (const char      *command,
                                   const char      *option,
                                   const char      *text);
/* Parses @context with the --map and --no-cache groups added. */
gboolean        parse_options     (GOptionContext  *context,
                                   int             *argc,
                                   char          ***argv,
                                   const char      *command);
gboolean        parse_time_option (const char      *text,
                                   StrataAnalysis  *analysis,
                                   gint64          *out);
/* --from and --to as a range of the set, the whole set by default, cut to it; FALSE, said
 * for @command, when they do not make one that meets it. */
gboolean        parse_range       (const char      *command,
                                   StrataAnalysis  *analysis,
                                   const char      *from_text,
                                   const char      *to_text,
                                   gint64          *from,
                                   gint64          *to);

/* The intervals of a guest's thread row, refined (strata-follow.h). */
void            strata_cli_print_followed (StrataAnalysis *analysis,
                                           guint           row,
                                           gint64          from,
                                           gint64          to,
                                           gboolean        json);

int             strata_cli_exits  (int              argc,
                                   char           **argv);
int             strata_cli_stats  (int              argc,
                                   char           **argv);
int             strata_cli_findings (int            argc,
                                     char         **argv);

G_END_DECLS
