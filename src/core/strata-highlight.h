/* strata-highlight.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * The highlighted part of a set: machines (by index in the analysis' machines), each either
 * whole or only some of its vCPUs. Any number of machines: a set of 40 VMs highlights the one
 * chosen and no other. Empty means nothing is singled out, so nothing is dimmed. Queries are
 * O(1): the renderer asks once per pixel column. NULL stands for the empty highlight in every
 * query.
 */
typedef struct _StrataHighlight StrataHighlight;

#define STRATA_TYPE_HIGHLIGHT (strata_highlight_get_type ())

GType            strata_highlight_get_type     (void) G_GNUC_CONST;
StrataHighlight *strata_highlight_new          (void);
StrataHighlight *strata_highlight_copy         (const StrataHighlight *self);
void             strata_highlight_free         (StrataHighlight       *self);
gboolean         strata_highlight_equal        (const StrataHighlight *a,
                                                const StrataHighlight *b);
gboolean         strata_highlight_is_empty     (const StrataHighlight *self);
/* Highlights @machine whole (any vCPUs named before are then implied). */
void             strata_highlight_add_machine  (StrataHighlight       *self,
                                                guint                  machine);
/* Highlights vCPU @vcpu of @machine; the machine counts as highlighted, in part. */
void             strata_highlight_add_vcpu     (StrataHighlight       *self,
                                                guint                  machine,
                                                guint                  vcpu);
/* Whether @machine is highlighted, whole or in part. */
gboolean         strata_highlight_has_machine  (const StrataHighlight *self,
                                                guint                  machine);
/* Whether only some of @machine's vCPUs are. */
gboolean         strata_highlight_is_partial   (const StrataHighlight *self,
                                                guint                  machine);
/* Whether vCPU @vcpu of @machine is: the whole machine is, or that vCPU. */
gboolean         strata_highlight_has_vcpu     (const StrataHighlight *self,
                                                guint                  machine,
                                                guint                  vcpu);
/*
 * Whether a pixel column of a row shows a highlighted machine, from its summary
 * (StrataPixel): @mask has bit m for each machine m < 31 that appears in it, @machine is the
 * dominant one. Bit 31 stands for every machine above 30 at once, so for those only the
 * dominant machine counts.
 */
gboolean         strata_highlight_has_pixel    (const StrataHighlight *self,
                                                guint32                mask,
                                                guint                  machine);

/* What every view dims: @machine, when something else is highlighted. */
static inline gboolean
strata_highlight_dims_machine (const StrataHighlight *self,
                               guint                  machine)
{
  return !strata_highlight_is_empty (self) && !strata_highlight_has_machine (self, machine);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataHighlight, strata_highlight_free)

G_END_DECLS
