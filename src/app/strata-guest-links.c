/* strata-guest-links.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-guest-links"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "strata-guest-links.h"
#include "strata-describe.h"
#include "strata-problems.h"
#include "strata-time.h"

/*
 * The guests of a set on the Traces tab, one line each: the VM each runs in and how that was
 * found, and where its clock comes from, how good it is and how accurate. A trace that may be
 * a guest but was paired with no VM says why, and has a Link to VM… button listing the VMs of
 * the set (qemu pid, vCPUs, how well the guest's events fit their KVM windows): choosing one
 * activates win.link-vm, the app's --map, which the window remembers for the set and analyses
 * it again with. A guest linked so can be linked again, or left to automatic pairing.
 */
struct _StrataGuestLinks
{
  GtkWidget      parent_instance;

  /* Template widgets */
  GtkListBox    *list_box;

  /* Owned */
  StrataSession *session;
  GtkSizeGroup  *names;        /* the guests' names, one column wide */
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (StrataGuestLinks, strata_guest_links, GTK_TYPE_WIDGET)

static const char *
method_title (StrataSyncMethod method)
{
  switch (method)
    {
    /* Translators: where a guest's clock correction comes from */
    case STRATA_SYNC_METHOD_VMSYNC: return _("vmsync events");
    case STRATA_SYNC_METHOD_TCP: return _("TCP messages");
    case STRATA_SYNC_METHOD_KVM: return _("KVM windows");
    case STRATA_SYNC_METHOD_NONE:
    default: return NULL;
    }
}

static const char *
quality_title (StrataSyncQuality quality)
{
  switch (quality)
    {
    /* Translators: the quality of a clock correction */
    case STRATA_SYNC_ACCURATE: return C_("clock", "accurate");
    case STRATA_SYNC_APPROXIMATE: return C_("clock", "approximate");
    case STRATA_SYNC_INCOMPLETE: return C_("clock", "incomplete");
    case STRATA_SYNC_FAIL: return C_("clock", "contradictory");
    case STRATA_SYNC_ABSENT:
    default: return C_("clock", "absent");
    }
}

/* A trace that is, or may be, a guest of a host of the set. */
static gboolean
is_guest_trace (StrataAnalysis      *analysis,
                const StrataMachine *m)
{
  if (m->trace == NULL || m->role == STRATA_ROLE_HOST || g_strcmp0 (m->trace->domain, "ust") == 0)
    return FALSE;
  return m->role == STRATA_ROLE_GUEST || analysis->host >= 0;
}

/* A VM of a host of the set, traced inside or not. */
static gboolean
is_vm (const StrataMachine *m)
{
  return m->role == STRATA_ROLE_GUEST && m->vm_pid >= 0 && m->parent >= 0;
}

static gboolean
can_link (const StrataMachine *m)
{
  return m->role == STRATA_ROLE_STANDALONE || m->link == STRATA_LINK_MAP;
}

/* What the analysis said of an unpaired guest, less its name: the warning that names it
 * first and tells the --map that would link it. */
static const char *
unpaired_reason (StrataAnalysis      *analysis,
                 const StrataMachine *m)
{
  g_autofree char *prefix = g_strconcat (m->name, ": ", NULL);
  g_autofree char *map = g_strconcat ("--map ", m->name, "=", NULL);

  for (guint i = 0; i < analysis->warnings->len; i++)
    {
      const char *w = g_ptr_array_index (analysis->warnings, i);

      if (g_str_has_prefix (w, prefix) && strstr (w, map) != NULL)
        return w + strlen (prefix);
    }
  return NULL;
}

/**
 * strata_guest_links_describe:
 * @machine: a machine of @analysis that is, or may be, a guest
 *
 * Returns: (transfer full): the line the Traces tab shows for it: its VM and how it was
 *   linked, and its clock's method, quality and accuracy; or why it is not linked
 */
char *
strata_guest_links_describe (StrataAnalysis *analysis,
                             gint            machine)
{
  StrataMachine *m = strata_analysis_get_machine (analysis, machine);
  StrataMachine *host;
  GString *out;

  g_return_val_if_fail (m != NULL, NULL);

  out = g_string_new (NULL);
  if (m->role != STRATA_ROLE_GUEST)
    {
      const char *reason = unpaired_reason (analysis, m);

      /* "Not linked to a VM: its events fit no VM's…", as the analysis said it. */
      if (reason != NULL)
        {
          g_string_append_unichar (out, g_unichar_toupper (g_utf8_get_char (reason)));
          g_string_append (out, g_utf8_next_char (reason));
        }
      else
        g_string_assign (out, _("Not linked to a VM"));
      return g_string_free (out, FALSE);
    }

  host = strata_analysis_get_machine (analysis, m->parent);
  switch (m->link)
    {
    case STRATA_LINK_VMSYNC:
      /* Translators: VM <qemu pid> of <host>, how the guest's trace was linked to it */
      g_string_printf (out, _("VM %" PRId64 " of %s, by its vmsync events"), m->vm_pid, host ? host->name : "?");
      break;
    case STRATA_LINK_KVM:
      g_string_printf (out, _("VM %" PRId64 " of %s, by its KVM windows"), m->vm_pid, host ? host->name : "?");
      break;
    case STRATA_LINK_MAP:
      g_string_printf (out, _("VM %" PRId64 " of %s, linked by hand"), m->vm_pid, host ? host->name : "?");
      break;
    case STRATA_LINK_NONE:
    default:
      g_string_printf (out, _("VM %" PRId64 " of %s"), m->vm_pid, host ? host->name : "?");
      break;
    }
  g_string_append (out, " · ");
  if (method_title (m->sync_method) == NULL || m->sync.quality == STRATA_SYNC_ABSENT)
    g_string_append (out, _("clock not corrected"));
  else
    {
      g_autofree char *accuracy = strata_describe_sync_accuracy (&m->sync);

      /* Translators: a guest's clock correction: its method, quality and accuracy (“±1.4 µs”,
       * or a phrase when nothing bounds it) */
      g_string_append_printf (out, _("clock: %s, %s, %s"), method_title (m->sync_method),
                              quality_title (m->sync.quality), accuracy);
    }
  return g_string_free (out, FALSE);
}

/**
 * strata_guest_links_describe_vm:
 * @guest: the machine to be linked
 * @vm: a VM's machine
 *
 * Returns: (transfer full): the VM's line in @guest's Link to VM list: its qemu pid, host and
 *   vCPUs, who runs in it, and how well @guest's events fit it
 */
char *
strata_guest_links_describe_vm (StrataAnalysis *analysis,
                                gint            guest,
                                gint            vm)
{
  StrataMachine *g = strata_analysis_get_machine (analysis, guest);
  StrataMachine *v = strata_analysis_get_machine (analysis, vm);
  StrataMachine *host;
  const StrataVmFit *fit = NULL;
  GString *out;

  g_return_val_if_fail (g != NULL && v != NULL, NULL);

  host = strata_analysis_get_machine (analysis, v->parent);
  out = g_string_new (NULL);
  g_string_printf (out, g_dngettext (GETTEXT_PACKAGE, "VM %" PRId64 " of %s, %u vCPU",
                                     "VM %" PRId64 " of %s, %u vCPUs", v->n_cpus),
                   v->vm_pid, host ? host->name : "?", v->n_cpus);
  if (v->trace != NULL && v != g)
    /* Translators: the guest that runs in a VM */
    g_string_append_printf (out, _(", runs %s"), v->name);
  for (guint i = 0; g->fits != NULL && i < g->fits->len && fit == NULL; i++)
    if (g_array_index (g->fits, StrataVmFit, i).vm_pid == v->vm_pid)
      fit = &g_array_index (g->fits, StrataVmFit, i);
  g_string_append (out, " · ");
  if (fit == NULL)
    g_string_append (out, v->n_cpus == g->n_cpus ? _("not fitted") : _("not fitted: another vCPU count"));
  else
    switch (fit->verdict)
      {
      case STRATA_KVM_FIT_GOOD:
        /* Translators: how many of the guest's events fall outside the VM's guest mode */
        g_string_append_printf (out, _("fits: %.2f%% of the events outside"), 100 * fit->outside);
        break;
      case STRATA_KVM_FIT_POOR:
        g_string_append_printf (out, _("does not fit: %.1f%% of the events outside"), 100 * fit->outside);
        break;
      case STRATA_KVM_FIT_UNSPECIFIC:
        g_string_append (out, _("fit unclear: the VM is nearly always in guest mode"));
        break;
      case STRATA_KVM_FIT_NONE:
      default:
        g_string_append (out, _("fit unknown: the traces hardly overlap"));
        break;
      }
  return g_string_free (out, FALSE);
}

static void
strata_guest_links_vm_activated_cb (GtkListBox    *list,
                                    GtkListBoxRow *row,
                                    gpointer       user_data)
{
  StrataGuestLinks *self = user_data;
  const char *guest = g_object_get_data (G_OBJECT (list), "guest");
  const gint64 *pid = g_object_get_data (G_OBJECT (row), "vm-pid");
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (list), GTK_TYPE_POPOVER);

  if (guest == NULL || pid == NULL)
    return;
  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.link-vm", "(sx)", guest, *pid);
}

static GtkWidget *
vm_row_new (const char *text,
            gint64      pid,
            gboolean    sensitive)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_widget_set_sensitive (row, sensitive);
  g_object_set_data_full (G_OBJECT (row), "vm-pid", g_memdup2 (&pid, sizeof pid), g_free);
  return row;
}

/* The Link to VM… button of @machine: its popover lists the set's VMs. */
static GtkWidget *
link_button_new (StrataGuestLinks *self,
                 StrataAnalysis   *analysis,
                 gint              machine)
{
  StrataMachine *m = strata_analysis_get_machine (analysis, machine);
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (_("Link to the VM it ran in"));
  GtkWidget *list = gtk_list_box_new ();
  guint n = 0;

  /* Translators: a button of a guest trace that is not linked to its VM */
  gtk_menu_button_set_label (GTK_MENU_BUTTON (button), m->link == STRATA_LINK_MAP ? _("Link to Another VM…")
                                                                                   : _("Link to VM…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (heading), 0.0f);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (list), TRUE);
  gtk_widget_add_css_class (list, "boxed-list");
  g_object_set_data_full (G_OBJECT (list), "guest", g_strdup (m->name), g_free);
  g_signal_connect_object (list, "row-activated", G_CALLBACK (strata_guest_links_vm_activated_cb), self, 0);

  for (guint v = 0; v < strata_analysis_get_n_machines (analysis); v++)
    {
      StrataMachine *vm = strata_analysis_get_machine (analysis, v);
      g_autofree char *text = NULL;

      if (!is_vm (vm))
        continue;
      text = strata_guest_links_describe_vm (analysis, machine, v);
      /* A VM that vmsync events link to its guest is not linked by hand: the map is refused. */
      gtk_list_box_append (GTK_LIST_BOX (list),
                           vm_row_new (text, vm->vm_pid, vm != m && vm->link != STRATA_LINK_VMSYNC));
      n++;
    }
  if (m->link == STRATA_LINK_MAP)
    gtk_list_box_append (GTK_LIST_BOX (list),
                         /* Translators: forgets a guest's link to a VM made by hand */
                         vm_row_new (_("Forget this link: pair it automatically"), 0, TRUE));
  if (n == 0)
    gtk_widget_set_sensitive (button, FALSE);

  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), list);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  return button;
}

static GtkWidget *
guest_row_new (StrataGuestLinks *self,
               StrataAnalysis   *analysis,
               gint              machine)
{
  StrataMachine *m = strata_analysis_get_machine (analysis, machine);
  g_autofree char *name = strata_display_text (m->name);
  g_autofree char *raw = strata_guest_links_describe (analysis, machine);
  g_autofree char *text = strata_display_text (raw);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *status = gtk_label_new (text);

  gtk_widget_add_css_class (name_label, "heading");
  gtk_label_set_xalign (GTK_LABEL (name_label), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (name_label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (name_label), 24);
  gtk_size_group_add_widget (self->names, name_label);
  gtk_label_set_xalign (GTK_LABEL (status), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (status), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (status, TRUE);
  gtk_widget_set_tooltip_text (status, text);
  if (m->role != STRATA_ROLE_GUEST)
    gtk_widget_add_css_class (status, "warning");
  gtk_box_append (GTK_BOX (box), name_label);
  gtk_box_append (GTK_BOX (box), status);
  if (can_link (m))
    gtk_box_append (GTK_BOX (box), link_button_new (self, analysis, machine));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_name (row, m->name);
  return row;
}

static void
strata_guest_links_rebuild (StrataGuestLinks *self)
{
  StrataAnalysis *analysis = self->session != NULL ? strata_session_get_analysis (self->session) : NULL;
  GtkListBoxRow *row;
  guint n = 0;

  while ((row = gtk_list_box_get_row_at_index (self->list_box, 0)) != NULL)
    gtk_list_box_remove (self->list_box, GTK_WIDGET (row));
  g_clear_object (&self->names);
  self->names = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  for (guint m = 0; analysis != NULL && m < strata_analysis_get_n_machines (analysis); m++)
    if (is_guest_trace (analysis, strata_analysis_get_machine (analysis, m)))
      {
        gtk_list_box_append (self->list_box, guest_row_new (self, analysis, m));
        n++;
      }
  /* Only sets with guests, or traces that may be guests, have anything to say here. */
  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
}

static void
strata_guest_links_dispose (GObject *object)
{
  StrataGuestLinks *self = (StrataGuestLinks *) object;

  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_GUEST_LINKS);
  /* dispose_template() leaves the template's unnamed children in place. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  g_clear_object (&self->names);

  G_OBJECT_CLASS (strata_guest_links_parent_class)->dispose (object);
}

static void
strata_guest_links_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  StrataGuestLinks *self = STRATA_GUEST_LINKS (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_guest_links_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  StrataGuestLinks *self = STRATA_GUEST_LINKS (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      strata_guest_links_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_guest_links_class_init (StrataGuestLinksClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_guest_links_dispose;
  object_class->get_property = strata_guest_links_get_property;
  object_class->set_property = strata_guest_links_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "guestlinks");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratatrace/Strata/ui/strata-guest-links.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataGuestLinks, list_box);
}

static void
strata_guest_links_init (StrataGuestLinks *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->names = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
strata_guest_links_new (void)
{
  return g_object_new (STRATA_TYPE_GUEST_LINKS, NULL);
}

/**
 * strata_guest_links_get_session:
 *
 * Returns: (transfer none) (nullable): the session whose guests are shown
 */
StrataSession *
strata_guest_links_get_session (StrataGuestLinks *self)
{
  g_return_val_if_fail (STRATA_IS_GUEST_LINKS (self), NULL);

  return self->session;
}

void
strata_guest_links_set_session (StrataGuestLinks *self,
                                StrataSession    *session)
{
  g_return_if_fail (STRATA_IS_GUEST_LINKS (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  strata_guest_links_rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
