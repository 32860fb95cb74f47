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
  g_free (((StrataLayoutEntry *) data)->note);
}

static guint
add_header (StrataLayout *self,
            gint          machine,
            const char   *title)
{
  StrataLayoutEntry e = { -1, self->entries->len, machine, g_strdup (title), TRUE, NULL };

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
  StrataLayoutEntry e = { row, group, machine, label, FALSE, NULL };

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
  guint n_shown;
  const gint *shown = strata_store_shown_rows (store, &n_shown);

  g_return_val_if_fail (kind != STRATA_ROW_THREAD, rows);

  for (guint i = 0; i < n_shown; i++)
    if (strata_store_row_kind (store, shown[i]) == kind && strata_store_row_machine (store, shown[i]) == machine)
      {
        Numbered n = { shown[i], strata_store_row_number (store, shown[i]) };

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
      {
        gint64 vector = strata_softirq_row_vector (n);
        const char *name = strata_softirq_vector_name (vector);

        if (name != NULL)
          /* Translators: a soft IRQ vector, its name in Linux ("TIMER", "NET_RX"), and the CPU it runs on */
          return g_strdup_printf (_("Soft IRQ %d (%s), CPU %u"), (int) vector, name, strata_softirq_row_cpu (n));
        /* Translators: a soft IRQ vector, and the CPU it runs on */
        return g_strdup_printf (_("Soft IRQ %d, CPU %u"), (int) vector, strata_softirq_row_cpu (n));
      }
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

static gboolean
is_user_space (const StrataMachine *machine)
{
  return machine->trace != NULL && g_strcmp0 (machine->trace->domain, "ust") == 0;
}

/* What a group says of @machine's trace when none of its rows draws it: @alongside, a
 * user-space trace beside the same host's kernel trace. */
static char *
trace_note (const StrataMachine *machine,
            gboolean             alongside)
{
  const StrataTrace *trace = machine->trace;
  g_autofree char *folder = NULL;
  g_autofree char *events = NULL;

  if (trace == NULL)
    return NULL;
  folder = g_path_get_basename (trace->path);
  events = g_strdup_printf ("%'" G_GUINT64_FORMAT, trace->events);
  if (trace->failed)
    /* Translators: a trace folder's name */
    return g_strdup_printf (_("Nothing could be read from %s: its problems are listed in the details (F9)"), folder);
  if (alongside)
    /* Translators: the folder of a user-space trace of a machine shown from its kernel
     * trace, and its number of events */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Also a user-space trace, %s (%s event), which is not drawn: Strata draws the kernel's scheduling",
                                         "Also a user-space trace, %s (%s events), which is not drawn: Strata draws the kernel's scheduling",
                                         trace->events),
                            folder, events);
  if (is_user_space (machine))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "A user-space trace (%s event): Strata draws what the kernel scheduled on each CPU, which only a kernel trace records",
                                         "A user-space trace (%s events): Strata draws what the kernel scheduled on each CPU, which only a kernel trace records",
                                         trace->events),
                            events);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "No scheduler events among its %s event: nothing to draw on its CPUs",
                                       "No scheduler events among its %s events: nothing to draw on its CPUs",
                                       trace->events),
                          events);
}

static gsize
common_prefix (const char *a,
               const char *b)
{
  gsize n = 0;

  while (a[n] != '\0' && a[n] == b[n])
    n++;
  return n;
}

/* LTTng writes a session's domains side by side: kernel/ and ust/uid/1000/64-bit/. */
static gboolean
same_session (const StrataTrace *kernel,
              const StrataTrace *ust)
{
  g_autofree char *parent = g_path_get_dirname (kernel->path);
  g_autofree char *name = g_path_get_basename (kernel->path);
  gsize n = strlen (parent);

  return strcmp (name, "kernel") == 0 && strncmp (ust->path, parent, n) == 0 && ust->path[n] == G_DIR_SEPARATOR;
}

/* The kernel-traced machine of the same host as user-space-only @m, of the same session or
 * recorded at the same time (their spans overlap), the one in the nearest folder when
 * several are; or -1. */
static gint
kernel_machine_of (StrataAnalysis *analysis,
                   guint           m,
                   const gboolean *has_rows)
{
  StrataMachine *machine = strata_analysis_get_machine (analysis, m);
  const StrataTrace *ust = machine->trace;
  gint best = -1;
  gsize best_prefix = 0;

  if (!is_user_space (machine) || has_rows[m])
    return -1;
  for (guint k = 0; k < strata_analysis_get_n_machines (analysis); k++)
    {
      StrataMachine *other = strata_analysis_get_machine (analysis, k);
      const StrataTrace *kernel = other->trace;
      gsize prefix;

      if (k == m || !has_rows[k] || other->role == STRATA_ROLE_GUEST || kernel == NULL ||
          is_user_space (other) || g_strcmp0 (kernel->hostname, ust->hostname) != 0 ||
          !(same_session (kernel, ust) || (kernel->end_ns >= ust->begin_ns && ust->end_ns >= kernel->begin_ns)))
        continue;
      prefix = common_prefix (kernel->path, ust->path);
      if (best < 0 || prefix > best_prefix)
        {
          best = k;
          best_prefix = prefix;
        }
    }
  return best;
}

static void
append_note (StrataLayout *self,
             guint         entry,
             char         *note)
{
  StrataLayoutEntry *e = &g_array_index (self->entries, StrataLayoutEntry, entry);

  if (note == NULL)
    return;
  if (e->note == NULL)
    e->note = note;
  else
    {
      char *both = g_strdup_printf ("%s; %s", e->note, note);

      g_free (e->note);
      g_free (note);
      e->note = both;
    }
}

StrataLayout *
strata_layout_new (StrataAnalysis *analysis)
{
  StrataLayout *self = g_new0 (StrataLayout, 1);
  StrataStore *store = analysis->store;
  guint n_machines = strata_analysis_get_n_machines (analysis);
  g_autofree gboolean *has_rows = g_new0 (gboolean, MAX (n_machines, 1));
  g_autofree gboolean *draws = g_new0 (gboolean, MAX (n_machines, 1));
  g_autofree gint *group_of = g_new (gint, MAX (n_machines, 1));
  const gint *shown;
  guint n_shown;

  self->entries = g_array_new (FALSE, TRUE, sizeof (StrataLayoutEntry));
  g_array_set_clear_func (self->entries, entry_clear);

  /* A kernel trace has a row per CPU even with no scheduler events to fill them: such a row
   * holds only the gap after its trace's end. */
  shown = strata_store_shown_rows (store, &n_shown);
  for (guint i = 0; i < n_shown; i++)
    {
      guint r = shown[i];
      guint16 m = strata_store_row_machine (store, r);
      StrataInterval first;

      if (m >= n_machines)
        continue;
      has_rows[m] = TRUE;
      if (!draws[m] && strata_store_row_n_intervals (store, r) > 0)
        {
          strata_store_interval (store, r, 0, &first);
          draws[m] = !strata_state_desc_is_gap (first.desc);
        }
    }

  for (guint m = 0; m < n_machines; m++)
    {
      StrataMachine *machine = strata_analysis_get_machine (analysis, m);
      g_autofree char *title = NULL;
      StrataGuestIter guests;
      guint group, g;

      group_of[m] = -1;
      if (machine->role == STRATA_ROLE_GUEST || kernel_machine_of (analysis, m, has_rows) >= 0)
        continue;
      if ((gint) m == analysis->host)
        {
          title = g_strdup_printf (_("%s — physical CPUs"), machine->name);
          group = add_header (self, m, title);
        }
      else
        group = add_header (self, m, machine->name);
      group_of[m] = group;
      /* Its empty rows would read as idle CPUs: the group says why there are none. */
      if (!draws[m])
        append_note (self, group, trace_note (machine, FALSE));
      else
        {
          add_rows (self, store, group, m, (gint) m == analysis->host ? STRATA_ROW_PCPU : STRATA_ROW_CPU, FALSE);
          add_rows (self, store, group, m, STRATA_ROW_IRQ, FALSE);
          add_rows (self, store, group, m, STRATA_ROW_SOFTIRQ, FALSE);
        }

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

  /* A host's user-space traces are said in its group. */
  for (guint m = 0; m < n_machines; m++)
    {
      gint k = kernel_machine_of (analysis, m, has_rows);

      if (k >= 0 && group_of[k] >= 0)
        append_note (self, group_of[k], trace_note (strata_analysis_get_machine (analysis, m), TRUE));
    }

  return self;
}

void
strata_layout_free (StrataLayout *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->entries);
  g_free (self->states_used);
  g_free (self);
}

const guint8 *
strata_layout_get_states_used (StrataLayout   *self,
                               StrataAnalysis *analysis,
                               guint          *n_machines)
{
  StrataStore *store;
  guint n;
  g_autofree guint8 *on_fused = NULL;
  g_autofree guint8 *on_other = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (analysis != NULL, NULL);
  g_return_val_if_fail (n_machines != NULL, NULL);

  if (self->states_used != NULL)
    {
      *n_machines = self->n_machines;
      return self->states_used;
    }
  store = analysis->store;
  n = MAX (strata_store_n_descs (store), 1);
  on_fused = g_new0 (guint8, n);
  on_other = g_new0 (guint8, n);
  for (guint i = 0; i < self->entries->len; i++)
    {
      const StrataLayoutEntry *e = &g_array_index (self->entries, StrataLayoutEntry, i);
      StrataRowKind kind;

      if (e->header)
        continue;
      kind = strata_store_row_kind (store, e->row);
      strata_store_row_mark_descs (store, e->row,
                                   kind == STRATA_ROW_PCPU || kind == STRATA_ROW_VCPU ? on_fused : on_other);
    }
  self->n_machines = strata_analysis_get_n_machines (analysis);
  self->states_used = g_new0 (guint8, (self->n_machines + 1) * STRATA_STATE_N);
  /* A legend names a few hundred of a switch-heavy set's millions of descriptions: the
   * flags are skipped eight at a time where none is set. */
  n = strata_store_n_descs (store);
  for (guint d = 0; d < n; d++)
    {
      const StrataStateDesc *desc;
      guint machine;
      guint64 fused8, other8;

      if (d % 8 == 0 && d + 8 <= n)
        {
          memcpy (&fused8, on_fused + d, 8);
          memcpy (&other8, on_other + d, 8);
          if ((fused8 | other8) == 0)
            {
              d += 7;
              continue;
            }
        }
      if (on_fused[d] == 0 && on_other[d] == 0)
        continue;
      desc = strata_store_desc (store, d);
      if ((guint) desc->state >= STRATA_STATE_N)
        continue;
      machine = desc->machine < self->n_machines ? desc->machine : self->n_machines;
      self->states_used[machine * STRATA_STATE_N + desc->state] |=
        (on_fused[d] ? STRATA_LAYOUT_ON_FUSED : 0) | (on_other[d] ? STRATA_LAYOUT_ON_OTHER : 0);
    }
  *n_machines = self->n_machines;
  return self->states_used;
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
