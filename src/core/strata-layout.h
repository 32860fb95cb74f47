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
 * and IRQs. Pure data, shared by the widget, the renderer and the CLI; which groups are
 * collapsed is view state, a session's.
 */
typedef struct
{
  gint      row;          /* store row; -1 for a group header */
  guint     group;        /* index of its group header entry */
  gint      machine;      /* the machine the row or group is about, -1 none */
  char     *label;        /* "CPU 0", "IRQ 16", "vCPU 1", or the group's title */
  gboolean  header;
} StrataLayoutEntry;

typedef struct
{
  GArray   *entries;      /* StrataLayoutEntry */
} StrataLayout;

StrataLayout *strata_layout_new          (StrataAnalysis *analysis);
void          strata_layout_free         (StrataLayout   *self);
/* Entries shown, in order: indices into entries. @collapsed has a gboolean per entry, TRUE
 * for a group header whose rows are hidden (a session's); NULL: every group is expanded. */
GArray       *strata_layout_visible      (StrataLayout   *self,
                                          const GArray   *collapsed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataLayout, strata_layout_free)

G_END_DECLS
