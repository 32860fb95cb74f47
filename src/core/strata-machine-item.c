/* strata-machine-item.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-machine-item"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "strata-machine-item.h"

/*
 * One entry of the select-machine checklist: a host or standalone machine (its VMs below it),
 * a VM (its vCPUs below it), or a vCPU. A VM's check box is its vCPUs': it shows a mixed
 * state when only some are checked (the highlight then names those vCPUs; the views count the
 * VM as highlighted), and checking it checks all of them. A host's check box is its own: its
 * VMs are other machines.
 */
struct _StrataMachineItem
{
  GObject            parent_instance;

  /* Owned */
  char              *name;       /* "server1", or "server1/vcpu/0" as the row is named */
  char              *title;
  char              *subtitle;
  char              *folded;     /* name and title, case-folded, for the search */
  GListStore        *children;   /* StrataMachineItem, NULL for a leaf */

  /* Borrowed */
  StrataMachineItem *parent;

  gint               machine;
  gint               vcpu;       /* -1: a machine */
  gboolean           checked;
  gboolean           inconsistent;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_CHECKED,
  PROP_INCONSISTENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataMachineItem, strata_machine_item, G_TYPE_OBJECT)

static StrataMachineItem *
item_new (const char *name,
          const char *title,
          const char *subtitle,
          gint        machine,
          gint        vcpu)
{
  StrataMachineItem *self = g_object_new (STRATA_TYPE_MACHINE_ITEM, NULL);
  /* The subtitle too: a vCPU is found by its host thread's id ("3002"). */
  g_autofree char *both = g_strdup_printf ("%s\n%s\n%s", name, title, subtitle ? subtitle : "");

  self->name = g_strdup (name);
  self->title = g_strdup (title);
  self->subtitle = g_strdup (subtitle);
  self->folded = g_utf8_casefold (both, -1);
  self->machine = machine;
  self->vcpu = vcpu;
  return self;
}

static void
add_child (StrataMachineItem *self,
           StrataMachineItem *child)
{
  if (self->children == NULL)
    self->children = g_list_store_new (STRATA_TYPE_MACHINE_ITEM);
  child->parent = self;
  g_list_store_append (self->children, child);
}

static StrataMachineItem *
machine_item_new (StrataAnalysis *analysis,
                  guint           m)
{
  StrataMachine *machine = strata_analysis_get_machine (analysis, m);
  g_autofree char *subtitle = NULL;
  StrataMachineItem *item;

  switch (machine->role)
    {
    case STRATA_ROLE_HOST:
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Host, %u CPU", "Host, %u CPUs", machine->n_cpus),
                                  machine->n_cpus);
      break;
    case STRATA_ROLE_GUEST:
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Virtual machine, %u vCPU",
                                               "Virtual machine, %u vCPUs", machine->vcpus->len),
                                  machine->vcpus->len);
      break;
    case STRATA_ROLE_STANDALONE:
    default:
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Machine, %u CPU", "Machine, %u CPUs",
                                               machine->n_cpus),
                                  machine->n_cpus);
      break;
    }
  item = item_new (machine->name, machine->name, subtitle, m, -1);

  if (machine->role == STRATA_ROLE_GUEST)
    for (guint v = 0; v < machine->vcpus->len; v++)
      {
        const StrataVcpu *vcpu = &g_array_index (machine->vcpus, StrataVcpu, v);
        g_autofree char *name = g_strdup_printf ("%s/vcpu/%d", machine->name, vcpu->id);
        g_autofree char *title = g_strdup_printf (_("vCPU %d"), vcpu->id);
        g_autofree char *thread = vcpu->host_tid >= 0
          /* Translators: the host thread that runs a vCPU */
          ? g_strdup_printf (_("Host thread %d"), vcpu->host_tid)
          : g_strdup ("");
        g_autoptr(StrataMachineItem) child = item_new (name, title, thread, m, vcpu->id);

        add_child (item, child);
      }
  return item;
}

/**
 * strata_machine_item_new_tree:
 *
 * Returns: (transfer full): the top of the tree: hosts (their VMs below) and standalone
 *   machines, in the analysis' order
 */
GListModel *
strata_machine_item_new_tree (StrataAnalysis *analysis)
{
  GListStore *roots = g_list_store_new (STRATA_TYPE_MACHINE_ITEM);

  g_return_val_if_fail (analysis != NULL, NULL);

  for (guint m = 0; m < strata_analysis_get_n_machines (analysis); m++)
    {
      StrataMachine *machine = strata_analysis_get_machine (analysis, m);
      g_autoptr(StrataMachineItem) item = NULL;
      StrataGuestIter guests;
      guint g;

      /* A guest goes under its host; one without a host in the set stands alone. */
      if (machine->role == STRATA_ROLE_GUEST && machine->parent >= 0)
        continue;
      item = machine_item_new (analysis, m);
      strata_guest_iter_init (&guests, analysis, m);
      while (strata_guest_iter_next (&guests, &g))
        {
          g_autoptr(StrataMachineItem) child = machine_item_new (analysis, g);

          add_child (item, child);
        }
      g_list_store_append (roots, item);
    }
  return G_LIST_MODEL (roots);
}

const char *strata_machine_item_get_name (StrataMachineItem *self) { return self->name; }
const char *strata_machine_item_get_title (StrataMachineItem *self) { return self->title; }
const char *strata_machine_item_get_subtitle (StrataMachineItem *self) { return self->subtitle; }
gint strata_machine_item_get_machine (StrataMachineItem *self) { return self->machine; }
gint strata_machine_item_get_vcpu (StrataMachineItem *self) { return self->vcpu; }
StrataMachineItem *strata_machine_item_get_parent (StrataMachineItem *self) { return self->parent; }
gboolean strata_machine_item_get_checked (StrataMachineItem *self) { return self->checked; }
gboolean strata_machine_item_get_inconsistent (StrataMachineItem *self) { return self->inconsistent; }

/**
 * strata_machine_item_get_children:
 *
 * Returns: (transfer none) (nullable): the items below this one
 */
GListModel *
strata_machine_item_get_children (StrataMachineItem *self)
{
  g_return_val_if_fail (STRATA_IS_MACHINE_ITEM (self), NULL);

  return self->children ? G_LIST_MODEL (self->children) : NULL;
}

/* Whether the children are this VM's vCPUs, whose checks make up its own. */
static gboolean
has_vcpus (StrataMachineItem *self)
{
  g_autoptr(StrataMachineItem) first = NULL;

  if (self->children == NULL || self->vcpu >= 0)
    return FALSE;
  first = g_list_model_get_item (G_LIST_MODEL (self->children), 0);
  return first != NULL && first->vcpu >= 0;
}

static void
set_state (StrataMachineItem *self,
           gboolean           checked,
           gboolean           inconsistent)
{
  if (self->checked != checked)
    {
      self->checked = checked;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKED]);
    }
  if (self->inconsistent != inconsistent)
    {
      self->inconsistent = inconsistent;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCONSISTENT]);
    }
}

static void
update_from_vcpus (StrataMachineItem *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->children));
  guint n_checked = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataMachineItem) child = g_list_model_get_item (G_LIST_MODEL (self->children), i);

      n_checked += child->checked;
    }
  set_state (self, n_checked == n, n_checked > 0 && n_checked < n);
}

void
strata_machine_item_set_checked (StrataMachineItem *self,
                                 gboolean           checked)
{
  g_return_if_fail (STRATA_IS_MACHINE_ITEM (self));

  checked = !!checked;
  if (has_vcpus (self))
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->children));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(StrataMachineItem) child = g_list_model_get_item (G_LIST_MODEL (self->children), i);

          set_state (child, checked, FALSE);
        }
      set_state (self, checked, FALSE);
      return;
    }

  set_state (self, checked, FALSE);
  if (self->vcpu >= 0 && self->parent != NULL)
    update_from_vcpus (self->parent);
}

static gboolean
matches_down (StrataMachineItem *self,
              const char        *folded_text)
{
  guint n;

  if (strstr (self->folded, folded_text) != NULL)
    return TRUE;
  n = self->children ? g_list_model_get_n_items (G_LIST_MODEL (self->children)) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataMachineItem) child = g_list_model_get_item (G_LIST_MODEL (self->children), i);

      if (matches_down (child, folded_text))
        return TRUE;
    }
  return FALSE;
}

/**
 * strata_machine_item_matches:
 * @folded_text: what the user typed, case-folded (g_utf8_casefold())
 *
 * Whether the item stays in a filtered tree: it matches, or something above it does (a VM's
 * vCPUs show with it), or something below it does (the path to a match shows).
 */
gboolean
strata_machine_item_matches (StrataMachineItem *self,
                             const char        *folded_text)
{
  g_return_val_if_fail (STRATA_IS_MACHINE_ITEM (self), FALSE);

  if (folded_text == NULL || folded_text[0] == '\0')
    return TRUE;
  for (StrataMachineItem *up = self->parent; up != NULL; up = up->parent)
    if (strstr (up->folded, folded_text) != NULL)
      return TRUE;
  return matches_down (self, folded_text);
}

typedef gboolean (*ItemFunc) (StrataMachineItem *item,
                              gpointer           user_data);

/* Calls @func on every item, depth first, until it returns TRUE; returns that item. */
static StrataMachineItem *
walk (GListModel *model,
      ItemFunc    func,
      gpointer    user_data)
{
  guint n = model ? g_list_model_get_n_items (model) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataMachineItem) item = g_list_model_get_item (model, i);
      StrataMachineItem *found;

      if (func (item, user_data))
        return item;
      if ((found = walk (strata_machine_item_get_children (item), func, user_data)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
add_highlight (StrataMachineItem *item,
               gpointer           user_data)
{
  StrataHighlight *highlight = user_data;

  if (item->vcpu < 0 && item->checked)
    strata_highlight_add_machine (highlight, item->machine);
  else if (item->vcpu >= 0 && item->checked && item->parent != NULL && item->parent->inconsistent)
    strata_highlight_add_vcpu (highlight, item->machine, item->vcpu);
  return FALSE;
}

/**
 * strata_machine_items_get_highlight:
 *
 * Returns: (transfer full): the session's highlight for the checked items: a machine whole,
 *   or only the vCPUs checked of a VM some of whose vCPUs are left out
 */
StrataHighlight *
strata_machine_items_get_highlight (GListModel *roots)
{
  StrataHighlight *highlight = strata_highlight_new ();

  walk (roots, add_highlight, highlight);
  return highlight;
}

static gboolean
add_checked (StrataMachineItem *item,
             gpointer           user_data)
{
  GPtrArray *names = user_data;

  /* A whole VM by its name; a VM's vCPUs one by one only when some are left out. */
  if (item->checked && !(item->vcpu >= 0 && item->parent != NULL && item->parent->checked))
    g_ptr_array_add (names, g_strdup (item->name));
  return FALSE;
}

/**
 * strata_machine_items_dup_checked:
 *
 * Returns: (transfer full): the names of the checked items, as remembered in the settings
 */
char **
strata_machine_items_dup_checked (GListModel *roots)
{
  GPtrArray *names = g_ptr_array_new_null_terminated (4, g_free, TRUE);

  walk (roots, add_checked, names);
  return (char **) g_ptr_array_free (names, FALSE);
}

static gboolean
has_name (StrataMachineItem *item,
          gpointer           user_data)
{
  return g_strcmp0 (item->name, user_data) == 0;
}

/**
 * strata_machine_items_find:
 *
 * Returns: (transfer none) (nullable): the item called @name
 */
StrataMachineItem *
strata_machine_items_find (GListModel *roots,
                           const char *name)
{
  return walk (roots, has_name, (gpointer) name);
}

static gboolean
uncheck (StrataMachineItem *item,
         gpointer           user_data)
{
  set_state (item, FALSE, FALSE);
  return FALSE;
}

/* Checks exactly the items named (others are unchecked); unknown names are skipped, since a
 * remembered choice may name machines that a set no longer has. */
void
strata_machine_items_set_checked (GListModel         *roots,
                                  const char * const *names)
{
  walk (roots, uncheck, NULL);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      StrataMachineItem *item = strata_machine_items_find (roots, names[i]);

      if (item != NULL)
        strata_machine_item_set_checked (item, TRUE);
    }
}

static void
strata_machine_item_finalize (GObject *object)
{
  StrataMachineItem *self = STRATA_MACHINE_ITEM (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->subtitle, g_free);
  g_clear_pointer (&self->folded, g_free);

  G_OBJECT_CLASS (strata_machine_item_parent_class)->finalize (object);
}

static void
strata_machine_item_dispose (GObject *object)
{
  StrataMachineItem *self = STRATA_MACHINE_ITEM (object);

  g_clear_object (&self->children);

  G_OBJECT_CLASS (strata_machine_item_parent_class)->dispose (object);
}

static void
strata_machine_item_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  StrataMachineItem *self = STRATA_MACHINE_ITEM (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;
    case PROP_CHECKED:
      g_value_set_boolean (value, self->checked);
      break;
    case PROP_INCONSISTENT:
      g_value_set_boolean (value, self->inconsistent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_machine_item_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  StrataMachineItem *self = STRATA_MACHINE_ITEM (object);

  switch (prop_id)
    {
    case PROP_CHECKED:
      strata_machine_item_set_checked (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_machine_item_class_init (StrataMachineItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_machine_item_dispose;
  object_class->finalize = strata_machine_item_finalize;
  object_class->get_property = strata_machine_item_get_property;
  object_class->set_property = strata_machine_item_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * StrataMachineItem:checked:
   *
   * Whether the item is highlighted. Setting a VM's sets all its vCPUs'.
   */
  properties[PROP_CHECKED] =
    g_param_spec_boolean ("checked", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * StrataMachineItem:inconsistent:
   *
   * Whether some of a VM's vCPUs are checked, and some are not.
   */
  properties[PROP_INCONSISTENT] =
    g_param_spec_boolean ("inconsistent", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_machine_item_init (StrataMachineItem *self)
{
  self->machine = -1;
  self->vcpu = -1;
}
