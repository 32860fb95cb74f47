/* strata-machine-item.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-analysis.h"
#include "strata-highlight.h"

G_BEGIN_DECLS

#define STRATA_TYPE_MACHINE_ITEM (strata_machine_item_get_type ())

G_DECLARE_FINAL_TYPE (StrataMachineItem, strata_machine_item, STRATA, MACHINE_ITEM, GObject)

GListModel        *strata_machine_item_new_tree          (StrataAnalysis     *analysis);
const char        *strata_machine_item_get_name          (StrataMachineItem  *self);
const char        *strata_machine_item_get_title         (StrataMachineItem  *self);
const char        *strata_machine_item_get_subtitle      (StrataMachineItem  *self);
gint               strata_machine_item_get_machine       (StrataMachineItem  *self);
gint               strata_machine_item_get_vcpu          (StrataMachineItem  *self);
GListModel        *strata_machine_item_get_children      (StrataMachineItem  *self);
StrataMachineItem *strata_machine_item_get_parent        (StrataMachineItem  *self);
gboolean           strata_machine_item_get_checked       (StrataMachineItem  *self);
void               strata_machine_item_set_checked       (StrataMachineItem  *self,
                                                          gboolean            checked);
gboolean           strata_machine_item_get_inconsistent  (StrataMachineItem  *self);
gboolean           strata_machine_item_matches           (StrataMachineItem  *self,
                                                          const char         *folded_text);

/* Over a tree from strata_machine_item_new_tree(): */
StrataHighlight   *strata_machine_items_get_highlight    (GListModel         *roots);
char             **strata_machine_items_dup_checked      (GListModel         *roots);
void               strata_machine_items_set_checked      (GListModel         *roots,
                                                          const char * const *names);
StrataMachineItem *strata_machine_items_find             (GListModel         *roots,
                                                          const char         *name);

G_END_DECLS
