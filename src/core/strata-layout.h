/* strata-layout.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-analysis.h"

G_BEGIN_DECLS

/*
 * The rows the resources view shows, in groups: the host's pCPUs then its IRQ lines; per VM
 * its vCPUs (then the guest's own CPUs when it was traced); per standalone machine its CPUs
 * and IRQs. A machine with nothing to draw says so in its group's note, and a user-space
 * trace of a host traced in the kernel too is a note of that host's group, not a group of
 * its own. Pure data, shared by the widget, the renderer and the CLI; which groups are
 * collapsed is view state, a session's.
 */
typedef struct
{
  gint      row;          /* store row; -1 for a group header */
  guint     group;        /* index of its group header entry */
  gint      machine;      /* the machine the row or group is about, -1 none */
  char     *label;        /* "CPU 0", "IRQ 16", "vCPU 1", or the group's title */
  gboolean  header;
  char     *note;         /* a header's: what its machine's traces hold that no row
                           * draws (a user-space trace, no scheduler events); or NULL */
} StrataLayoutEntry;

typedef struct
{
  GArray   *entries;      /* StrataLayoutEntry */
  guint8   *states_used;  /* see strata_layout_get_states_used(); NULL until asked for */
  guint     n_machines;   /* its machine slots less one, the last slot's being no machine */
} StrataLayout;

/* In strata_layout_get_states_used(): a state drawn on a pCPU or vCPU row (where guest
 * time is drawn in its machine's colour), or on another row. */
#define STRATA_LAYOUT_ON_FUSED 1
#define STRATA_LAYOUT_ON_OTHER 2

StrataLayout *strata_layout_new          (StrataAnalysis *analysis);
/* The label of store row @row, as its header shows it: "CPU 0", "vCPU 1", "Guest IRQ 24". */
char         *strata_layout_row_label    (StrataAnalysis *analysis,
                                          guint           row);
void          strata_layout_free         (StrataLayout   *self);
/* For each machine and state, the STRATA_LAYOUT_ON_* bits of the rows of the layout that
 * hold a description of that machine in that state: what the whole set draws (its legend).
 * Indexed [machine * STRATA_STATE_N + state], machine from 0 to *n_machines, where
 * *n_machines stands for descriptions of no machine (or of one the analysis does not have).
 * Made once, in one pass over the rows and one over the descriptions, so that a legend drawn
 * every frame costs the states, not the descriptions (a set of many short-lived threads has
 * millions); @analysis must be the layout's. */
const guint8 *strata_layout_get_states_used (StrataLayout   *self,
                                             StrataAnalysis *analysis,
                                             guint          *n_machines);
/* Entries shown, in order: indices into entries. @collapsed has a gboolean per entry, TRUE
 * for a group header whose rows are hidden (a session's); NULL: every group is expanded. */
GArray       *strata_layout_visible      (StrataLayout   *self,
                                          const GArray   *collapsed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataLayout, strata_layout_free)

G_END_DECLS
