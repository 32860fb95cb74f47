/* strata-layout.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-layout"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "strata-layout.h"

static void
entry_clear (gpointer data)
{
  g_free (((StrataLayoutEntry *) data)->label);
}

static guint
add_header (StrataLayout *self,
            gint          machine,
            const char   *title)
{
  StrataLayoutEntry e = { -1, self->entries->len, machine, g_strdup (title), TRUE };

  g_array_append_val (self->entries, e);
  return e.group;
}

static void
add_row (StrataLayout *self,
         guint         group,
         gint          row,
         gint          machine,
         char         *label)
{
  StrataLayoutEntry e = { row, group, machine, label, FALSE };

  g_array_append_val (self->entries, e);
}

typedef struct
{
  gint   row;
  gint64 number;
} Numbered;

static int
compare_numbered (gconstpointer a,
                  gconstpointer b)
{
  const Numbered *na = a, *nb = b;

  return na->number < nb->number ? -1 : na->number > nb->number;
}

/* Rows of @kind for @machine, by number. Aliases are not rows, so nothing comes twice. */
static GArray *
rows_of (StrataStore   *store,
         StrataRowKind  kind,
         gint           machine)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (Numbered));

  for (guint r = 0; r < strata_store_n_rows (store); r++)
    if (strata_store_row_kind (store, r) == kind && strata_store_row_machine (store, r) == machine)
      {
        Numbered n = { r, strata_store_row_number (store, r) };

        g_array_append_val (rows, n);
      }
  g_array_sort (rows, compare_numbered);
  return rows;
}

static char *
row_label (StrataRowKind kind,
           gboolean      guest,
           gint64        n)
{
  switch (kind)
    {
    case STRATA_ROW_PCPU:
      return g_strdup_printf (_("CPU %d"), (int) n);
    case STRATA_ROW_CPU:
      return guest ? g_strdup_printf (_("Guest CPU %d"), (int) n) : g_strdup_printf (_("CPU %d"), (int) n);
    case STRATA_ROW_IRQ:
      return guest ? g_strdup_printf (_("Guest IRQ %d"), (int) n) : g_strdup_printf (_("IRQ %d"), (int) n);
    case STRATA_ROW_SOFTIRQ:
      /* Translators: a soft IRQ vector, and the CPU it runs on */
      return g_strdup_printf (_("Soft IRQ %d, CPU %u"), (int) strata_softirq_row_vector (n), strata_softirq_row_cpu (n));
    case STRATA_ROW_VCPU:
      return g_strdup_printf (_("vCPU %d"), (int) n);
    case STRATA_ROW_THREAD:
    default:
      return g_strdup_printf (_("Thread %d"), (int) n);
    }
}

char *
strata_layout_row_label (StrataAnalysis *analysis,
                         guint           row)
{
  StrataStore *store;
  guint16 machine;

  g_return_val_if_fail (analysis != NULL, NULL);
  g_return_val_if_fail (row < strata_store_n_rows (analysis->store), NULL);

  store = analysis->store;
  machine = strata_store_row_machine (store, row);
  return row_label (strata_store_row_kind (store, row),
                    machine < analysis->machines->len &&
                    ((StrataMachine *) g_ptr_array_index (analysis->machines, machine))->role == STRATA_ROLE_GUEST,
                    strata_store_row_number (store, row));
}

static void
add_rows (StrataLayout  *self,
          StrataStore   *store,
          guint          group,
          gint           machine,
          StrataRowKind  kind,
          gboolean       guest)
{
  g_autoptr(GArray) rows = rows_of (store, kind, machine);

  for (guint i = 0; i < rows->len; i++)
    {
      Numbered *n = &g_array_index (rows, Numbered, i);

      add_row (self, group, n->row, machine, row_label (kind, guest, n->number));
    }
}

StrataLayout *
strata_layout_new (StrataAnalysis *analysis)
{
  StrataLayout *self = g_new0 (StrataLayout, 1);
  StrataStore *store = analysis->store;
  guint n_machines = strata_analysis_get_n_machines (analysis);

  self->entries = g_array_new (FALSE, TRUE, sizeof (StrataLayoutEntry));
  g_array_set_clear_func (self->entries, entry_clear);

  for (guint m = 0; m < n_machines; m++)
    {
      StrataMachine *machine = strata_analysis_get_machine (analysis, m);
      g_autofree char *title = NULL;
      StrataGuestIter guests;
      guint group, g;

      if (machine->role == STRATA_ROLE_GUEST)
        continue;
      if ((gint) m == analysis->host)
        {
          title = g_strdup_printf (_("%s — physical CPUs"), machine->name);
          group = add_header (self, m, title);
          add_rows (self, store, group, m, STRATA_ROW_PCPU, FALSE);
        }
      else
        {
          group = add_header (self, m, machine->name);
          add_rows (self, store, group, m, STRATA_ROW_CPU, FALSE);
        }
      add_rows (self, store, group, m, STRATA_ROW_IRQ, FALSE);
      add_rows (self, store, group, m, STRATA_ROW_SOFTIRQ, FALSE);

      /* Its VMs follow their host. */
      strata_guest_iter_init (&guests, analysis, m);
      while (strata_guest_iter_next (&guests, &g))
        {
          g_autofree char *gtitle = g_strdup_printf (_("%s — virtual machine"),
                                                     strata_analysis_get_machine_name (analysis, g));
          guint ggroup = add_header (self, g, gtitle);

          add_rows (self, store, ggroup, g, STRATA_ROW_VCPU, TRUE);
          add_rows (self, store, ggroup, g, STRATA_ROW_CPU, TRUE);
          add_rows (self, store, ggroup, g, STRATA_ROW_IRQ, TRUE);
        }
    }

  return self;
}

void
strata_layout_free (StrataLayout *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->entries);
  g_free (self->descs_used);
  g_free (self);
}

const guint8 *
strata_layout_get_descs_used (StrataLayout   *self,
                              StrataAnalysis *analysis)
{
  StrataStore *store;
  guint n;
  g_autofree guint8 *used = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (analysis != NULL, NULL);

  if (self->descs_used != NULL)
    return self->descs_used;
  store = analysis->store;
  n = MAX (strata_store_n_descs (store), 1);
  self->descs_used = g_new0 (guint8, n);
  used = g_new (guint8, n);
  for (guint i = 0; i < self->entries->len; i++)
    {
      const StrataLayoutEntry *e = &g_array_index (self->entries, StrataLayoutEntry, i);
      StrataRowKind kind;
      guint8 bit;

      if (e->header)
        continue;
      kind = strata_store_row_kind (store, e->row);
      bit = kind == STRATA_ROW_PCPU || kind == STRATA_ROW_VCPU ? STRATA_LAYOUT_ON_FUSED : STRATA_LAYOUT_ON_OTHER;
      memset (used, 0, n);
      strata_store_row_mark_descs (store, e->row, used);
      for (guint d = 0; d < n; d++)
        if (used[d])
          self->descs_used[d] |= bit;
    }
  return self->descs_used;
}

GArray *
strata_layout_visible (StrataLayout *self,
                       const GArray *collapsed)
{
  GArray *visible = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (collapsed == NULL || collapsed->len == self->entries->len, visible);

  for (guint i = 0; i < self->entries->len; i++)
    {
      StrataLayoutEntry *e = &g_array_index (self->entries, StrataLayoutEntry, i);

      if (e->header || collapsed == NULL || !g_array_index (collapsed, gboolean, e->group))
        g_array_append_val (visible, i);
    }
  return visible;
}
