/* test-timeline-view.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#define G_LOG_DOMAIN "test-timeline-view"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>

#include "strata-app-util.h"
#include "strata-describe.h"
#include "strata-loss-banner.h"
#include "strata-machine-dialog.h"
#include "strata-machine-item.h"
#include "strata-preemptions-panel.h"
#include "strata-range-popover.h"
#include "strata-renderer.h"
#include "strata-time-ruler.h"
#include "strata-time.h"
#include "strata-timeline-view-private.h"
#include "strata-window.h"
#include "test-ui-util.h"

/*
 * The timeline on the demo set (src/gen): its rows, zoom and pan through its event
 * controllers, tooltips, the preemptions panel, the range popover, the select-machine dialog
 * and what the highlight does to the pixels, and export. One window, opened once.
 */

static StrataWindow *window;
static StrataTimelineView *view;

static StrataSession *
get_session (void)
{
  StrataSession *session = strata_timeline_view_get_session (view);

  g_assert_nonnull (session);
  return session;
}

static StrataAnalysis *
get_analysis (void)
{
  return strata_session_get_analysis (get_session ());
}

static gpointer
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;
    }
  g_assert_not_reached ();
}

/* A key pressed with the focus where the window has it, dispatched as GTK does when no
 * other controller takes it (GTK 4.8 cannot make key events for a test): each widget's
 * capture shortcuts from the window down to the focus, its own from the focus up, then the
 * shortcuts the window runs for every widget in it (global scope). */
static gboolean
press_window_key (guint           keyval,
                  GdkModifierType mods)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  g_autoptr(GPtrArray) path = g_ptr_array_new ();

  g_assert_nonnull (focus);
  for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
    g_ptr_array_insert (path, 0, w);
  for (guint i = 0; i < path->len; i++)
    if (test_ui_run_shortcuts (g_ptr_array_index (path, i), GTK_PHASE_CAPTURE, GTK_SHORTCUT_SCOPE_LOCAL, keyval, mods))
      return TRUE;
  for (guint i = path->len; i-- > 0;)
    if (test_ui_run_shortcuts (g_ptr_array_index (path, i), GTK_PHASE_BUBBLE, GTK_SHORTCUT_SCOPE_LOCAL, keyval, mods))
      return TRUE;
  return test_ui_run_global_shortcuts (GTK_WIDGET (window), keyval, mods);
}

static gint
row_of (const char *name)
{
  gint row = strata_store_find_row (get_analysis ()->store, name);

  g_assert_cmpint (row, >=, 0);
  return row;
}

static gint
machine_of (const char *name)
{
  gint m = strata_analysis_find_machine (get_analysis (), name);

  g_assert_cmpint (m, >=, 0);
  return m;
}

static gint64
span (void)
{
  return strata_session_get_visible_time (get_session ())->end - strata_session_get_visible_time (get_session ())->begin;
}

static double
ns_per_pixel (void)
{
  StrataRenderOptions o;

  strata_timeline_view_get_render_options (view, &o);
  return (double) span () / (o.width - o.header_width);
}

/* The middle of the row's body, in view coordinates. */
static double
row_y (const char *name)
{
  graphene_rect_t area;

  g_assert_true (strata_timeline_view_get_row_area (view, row_of (name), &area));
  return area.origin.y + area.size.height / 2;
}

/* The longest interval of @row in the visible range whose description satisfies @want. */
typedef gboolean (*WantFunc) (const StrataStateDesc *desc);

static gboolean
find_interval (const char     *row_name,
               WantFunc        want,
               StrataInterval *best)
{
  StrataStore *store = get_analysis ()->store;
  guint row = row_of (row_name);
  guint64 first, last;

  best->end = best->start = 0;
  strata_store_range (store, row, strata_session_get_visible_time (get_session ())->begin,
                      strata_session_get_visible_time (get_session ())->end, &first, &last);
  for (guint64 i = first; i < last; i++)
    {
      StrataInterval iv;

      strata_store_interval (store, row, i, &iv);
      if (want (iv.desc) && iv.end - iv.start > best->end - best->start)
        *best = iv;
    }
  return best->end > best->start;
}

static gint server1;

static gboolean
want_server1_user (const StrataStateDesc *d)
{
  return d->machine == server1 && d->state == STRATA_STATE_USER;
}

/* server1's vCPU 0 in user mode: the guest CPU row and the vCPU the highlight test dims. */
static gboolean
want_server1_vcpu0_user (const StrataStateDesc *d)
{
  return want_server1_user (d) && d->vcpu == 0;
}

static gboolean
want_host_user (const StrataStateDesc *d)
{
  return d->machine == get_analysis ()->host && d->state == STRATA_STATE_USER;
}

/* Shows @iv (and some context) across the view. */
static void
zoom_to_interval (const StrataInterval *iv)
{
  strata_session_zoom_around (get_session (), iv->start, iv->end, 0.1);
  test_ui_iterate (50);
}

/* The view as drawn on screen, on white, and one of its pixels. */
static cairo_surface_t *
render_view (void)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (view));
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  int width, height;

  /* Let the view lay itself out and draw after the last change, then take its size: the
   * picture of a widget is scaled to the size asked for. */
  test_ui_iterate (50);
  width = gtk_widget_get_width (GTK_WIDGET (view));
  height = gtk_widget_get_height (GTK_WIDGET (view));
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
get_pixel (cairo_surface_t *surface,
           double           x,
           double           y,
           int              rgb[3])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 p;

  g_assert_cmpint ((int) x, >=, 0);
  g_assert_cmpint ((int) x, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint ((int) y, >=, 0);
  g_assert_cmpint ((int) y, <, cairo_image_surface_get_height (surface));
  p = *(const guint32 *) (data + (int) y * cairo_image_surface_get_stride (surface) + (int) x * 4);
  rgb[0] = (p >> 16) & 0xff;
  rgb[1] = (p >> 8) & 0xff;
  rgb[2] = p & 0xff;
}

/* The pixel of row @name at @t, the rows scrolled so that it shows (a set with many rows
 * puts a VM's below the view's height), then scrolled back to the top. */
static void
row_pixel (const char *name,
           gint64      t,
           int         rgb[3])
{
  GtkAdjustment *vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  cairo_surface_t *surface;
  graphene_rect_t area;

  g_assert_true (strata_timeline_view_get_row_area (view, row_of (name), &area));
  gtk_adjustment_set_value (vadj, gtk_adjustment_get_value (vadj) + area.origin.y -
                                  gtk_widget_get_height (GTK_WIDGET (view)) / 2.0);
  test_ui_iterate (20);
  surface = render_view ();
  get_pixel (surface, strata_timeline_view_time_to_x (view, t), row_y (name), rgb);
  cairo_surface_destroy (surface);
  gtk_adjustment_set_value (vadj, 0);
  test_ui_iterate (20);
}

static void
assert_color (const int rgb[3],
              StrataRgb c,
              double    alpha)
{
  /* Over white. */
  int want[3] = {
    (int) lround ((c.r * alpha + (1 - alpha)) * 255),
    (int) lround ((c.g * alpha + (1 - alpha)) * 255),
    (int) lround ((c.b * alpha + (1 - alpha)) * 255),
  };

  g_test_message ("pixel %d,%d,%d, expected %d,%d,%d", rgb[0], rgb[1], rgb[2], want[0], want[1], want[2]);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (ABS (rgb[i] - want[i]), <=, 3);
}

static void
test_rows (void)
{
  StrataLayout *layout = strata_session_get_layout (get_session ());
  StrataStore *store = get_analysis ()->store;
  g_autoptr(GArray) visible = strata_layout_visible (layout, strata_session_get_collapsed (get_session ()));
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GtkGestureDrag *drag = find_controller (GTK_WIDGET (view), GTK_TYPE_GESTURE_DRAG);
  StrataRenderOptions o;
  guint vm_header = G_MAXUINT;
  guint n_visible;
  gint pos;

  for (guint v = 0; v < visible->len; v++)
    {
      const StrataLayoutEntry *e = &g_array_index (layout->entries, StrataLayoutEntry,
                                                   g_array_index (visible, guint, v));

      if (e->header)
        {
          g_test_message ("group %s", e->label);
          if (e->machine == machine_of ("server1"))
            vm_header = g_array_index (visible, guint, v);
          continue;
        }
      g_ptr_array_add (names, (gpointer) strata_store_row_name (store, e->row));
    }

  /* The host's eight pCPUs first, in order, then the VM's vCPUs. */
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *name = g_strdup_printf ("pcpu/%u", i);

      g_assert_cmpstr (g_ptr_array_index (names, i), ==, name);
    }
  g_assert_true (g_ptr_array_find_with_equal_func (names, "server1/vcpu/0", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (names, "server1/vcpu/1", g_str_equal, NULL));
  g_assert_cmpuint (vm_header, !=, G_MAXUINT);

  /* A click on the VM's group header hides its rows, another shows them again. */
  n_visible = visible->len;
  strata_timeline_view_get_render_options (view, &o);
  pos = -1;
  for (guint v = 0; v < visible->len; v++)
    if (g_array_index (visible, guint, v) == vm_header)
      pos = v;
  g_assert_cmpint (pos, >=, 0);
  gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)), 0);
  for (guint click = 0; click < 2; click++)
    {
      double y = o.ruler_height + (pos + 0.5) * o.row_height;
      g_autoptr(GArray) now = NULL;
      graphene_rect_t area;

      g_signal_emit_by_name (drag, "drag-begin", 20.0, y);
      g_signal_emit_by_name (drag, "drag-end", 0.0, 0.0);
      now = strata_layout_visible (layout, strata_session_get_collapsed (get_session ()));
      if (click == 0)
        {
          g_assert_cmpuint (now->len, <, n_visible);
          g_assert_false (strata_timeline_view_get_row_area (view, row_of ("server1/vcpu/0"), &area));
        }
      else
        {
          g_assert_cmpuint (now->len, ==, n_visible);
          g_assert_true (strata_timeline_view_get_row_area (view, row_of ("server1/vcpu/0"), &area));
        }
    }
}

static void
test_zoom_pan (void)
{
  StrataSession *session = get_session ();
  GtkEventController *motion = find_controller (GTK_WIDGET (view), GTK_TYPE_EVENT_CONTROLLER_MOTION);
  GtkEventController *scroll = find_controller (GTK_WIDGET (view), GTK_TYPE_EVENT_CONTROLLER_SCROLL);
  GtkGestureDrag *drag = find_controller (GTK_WIDGET (view), GTK_TYPE_GESTURE_DRAG);
  double x = gtk_widget_get_width (GTK_WIDGET (view)) * 0.7;
  double y = row_y ("pcpu/3");
  double ns_per_px;
  gint64 anchor, from, before;
  gboolean handled = FALSE;

  strata_session_fit (session);

  /* Ctrl+wheel up zooms in by one step around the pointer, which keeps its time. */
  g_signal_emit_by_name (motion, "motion", x, y);
  anchor = strata_timeline_view_x_to_time (view, x);
  before = span ();
  g_assert_true (_strata_timeline_view_scroll (view, 0, -1, GDK_CONTROL_MASK, GDK_SCROLL_UNIT_WHEEL));
  g_assert_cmpfloat_with_epsilon ((double) before / span (), 1.25, 1e-6);
  ns_per_px = ns_per_pixel ();
  g_assert_cmpfloat (fabs ((double) (strata_timeline_view_x_to_time (view, x) - anchor)), <=, ns_per_px);

  /* A touchpad's smooth Ctrl+scroll, a few pixels at a time, keeps it too. */
  for (guint i = 0; i < 20; i++)
    g_assert_true (_strata_timeline_view_scroll (view, 0, -5, GDK_CONTROL_MASK, GDK_SCROLL_UNIT_SURFACE));
  g_assert_cmpint (span (), <, before / 2);
  ns_per_px = ns_per_pixel ();
  g_assert_cmpfloat (fabs ((double) (strata_timeline_view_x_to_time (view, x) - anchor)), <=, 2 * ns_per_px);

  /* The scroll controller itself: a horizontal wheel notch pans a tenth of the view. */
  before = span ();
  from = strata_session_get_visible_time (session)->begin;
  g_signal_emit_by_name (scroll, "scroll", 1.0, 0.0, &handled);
  g_assert_true (handled);
  g_assert_cmpint (span (), ==, before);
  g_assert_cmpfloat (fabs ((double) (strata_session_get_visible_time (session)->begin - from) - 0.1 * before),
                     <=, 2 * ns_per_px);
  /* A plain vertical one is left to the scrolled window: it scrolls the rows. */
  from = strata_session_get_visible_time (session)->begin;
  g_signal_emit_by_name (scroll, "scroll", 0.0, 1.0, &handled);
  g_assert_false (handled);
  g_assert_cmpint (strata_session_get_visible_time (session)->begin, ==, from);

  /* Dragging the body 100 px to the left shows what was 100 px to the right. */
  from = strata_session_get_visible_time (session)->begin;
  g_signal_emit_by_name (drag, "drag-begin", x, y);
  g_signal_emit_by_name (drag, "drag-update", -60.0, 0.0);
  g_signal_emit_by_name (drag, "drag-update", -100.0, 0.0);
  g_signal_emit_by_name (drag, "drag-end", -100.0, 0.0);
  g_assert_cmpfloat (fabs ((double) (strata_session_get_visible_time (session)->begin - from) - 100 * ns_per_px),
                     <=, 2);
  g_assert_cmpint (span (), ==, before);

  /* The actions: zoom in and out around the middle, fit. */
  before = span ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.zoom-in", NULL));
  g_assert_cmpfloat_with_epsilon ((double) before / span (), 1.5, 1e-6);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.zoom-out", NULL));
  g_assert_cmpint (ABS (span () - before), <=, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.zoom-fit", NULL));
  g_assert_cmpint (span (), ==, strata_session_get_document_time (session)->end - strata_session_get_document_time (session)->begin);
}

static void
test_keyboard (void)
{
  StrataSession *session = get_session ();
  StrataLayout *layout = strata_session_get_layout (get_session ());
  g_autoptr(GArray) before = strata_layout_visible (layout, strata_session_get_collapsed (get_session ()));
  g_autoptr(GArray) collapsed = NULL;
  g_autoptr(GArray) expanded = NULL;
  gint64 full = strata_session_get_document_time (session)->end - strata_session_get_document_time (session)->begin;
  gboolean was_shown;
  gint64 from;

  /* Home goes to the first group's title; Space hides its rows, Return shows them. */
  strata_session_fit (session);
  test_ui_press_key (GTK_WIDGET (view), GDK_KEY_Down, 0);
  test_ui_press_key (GTK_WIDGET (view), GDK_KEY_Home, 0);
  test_ui_press_key (GTK_WIDGET (view), GDK_KEY_space, 0);
  collapsed = strata_layout_visible (layout, strata_session_get_collapsed (get_session ()));
  g_assert_cmpuint (collapsed->len, <, before->len);
  g_assert_true (strata_session_get_group_collapsed (get_session (), 0));
  test_ui_press_key (GTK_WIDGET (view), GDK_KEY_Return, 0);
  expanded = strata_layout_visible (layout, strata_session_get_collapsed (get_session ()));
  g_assert_cmpuint (expanded->len, ==, before->len);

  /* +, Ctrl+minus, Right, 0. */
  test_ui_press_key (GTK_WIDGET (view), GDK_KEY_plus, 0);
  g_assert_cmpfloat_with_epsilon ((double) full / span (), 1.5, 1e-6);
  test_ui_press_key (GTK_WIDGET (view), GDK_KEY_plus, GDK_CONTROL_MASK);
  g_assert_cmpfloat_with_epsilon ((double) full / span (), 2.25, 1e-6);
  test_ui_press_key (GTK_WIDGET (view), GDK_KEY_minus, GDK_CONTROL_MASK);
  g_assert_cmpfloat_with_epsilon ((double) full / span (), 1.5, 1e-6);
  from = strata_session_get_visible_time (session)->begin;
  test_ui_press_key (GTK_WIDGET (view), GDK_KEY_Right, 0);
  g_assert_cmpint (strata_session_get_visible_time (session)->begin, >, from);
  test_ui_press_key (GTK_WIDGET (view), GDK_KEY_0, 0);
  g_assert_cmpint (span (), ==, full);

  /* Tab leaves the timeline for the next part of the window (the panel, or round to the
   * header bar), and Shift+Tab comes back to it: what the window's Tab bindings do. */
  was_shown = gtk_widget_get_visible (test_ui_window_child (window, "details_box"));
  for (guint panel = 0; panel < 2; panel++)
    {
      GtkWidget *details = test_ui_window_child (window, "details_box");
      GtkWidget *focus;

      gtk_widget_set_visible (details, panel == 1);
      /* Tab only reaches what is mapped and allocated, and the panel's children are laid out
       * a frame or more after the panel itself: Tab again, a frame later, until it reaches
       * the panel (or 10 s have passed; the assertion below then fails). */
      for (gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;;)
        {
          test_ui_iterate (20);
          gtk_widget_grab_focus (GTK_WIDGET (view));
          g_signal_emit_by_name (window, "move-focus", GTK_DIR_TAB_FORWARD);
          focus = gtk_root_get_focus (GTK_ROOT (window));
          if (panel == 0 || (focus != NULL && gtk_widget_is_ancestor (focus, details)) ||
              g_get_monotonic_time () >= deadline)
            break;
        }
      g_test_message ("Tab from the timeline: %s", focus ? G_OBJECT_TYPE_NAME (focus) : "none");
      g_assert_nonnull (focus);
      g_assert_false (focus == GTK_WIDGET (view));
      if (panel == 1)
        g_assert_true (gtk_widget_is_ancestor (focus, details));
      g_signal_emit_by_name (window, "move-focus", GTK_DIR_TAB_BACKWARD);
      g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (view));
    }
  gtk_widget_set_visible (test_ui_window_child (window, "details_box"), was_shown);
}

/* The bounds of the pixels of the header column, below the ruler, that differ between @a
 * and @b: -1 when none. */
static void
header_difference (cairo_surface_t           *a,
                   cairo_surface_t           *b,
                   const StrataRenderOptions *o,
                   int                        bounds[4])
{
  bounds[0] = bounds[1] = G_MAXINT;
  bounds[2] = bounds[3] = -1;
  for (int y = o->ruler_height; y < cairo_image_surface_get_height (a); y++)
    for (int x = 0; x < o->header_width; x++)
      {
        int pa[3], pb[3];

        get_pixel (a, x, y, pa);
        get_pixel (b, x, y, pb);
        if (pa[0] == pb[0] && pa[1] == pb[1] && pa[2] == pb[2])
          continue;
        bounds[0] = MIN (bounds[0], x);
        bounds[1] = MIN (bounds[1], y);
        bounds[2] = MAX (bounds[2], x);
        bounds[3] = MAX (bounds[3], y);
      }
  if (bounds[2] < 0)
    bounds[0] = bounds[1] = -1;
}

/* With the keyboard focus, the timeline outlines its focused row's header in the focus
 * colour, whatever else the keys do (zoom, the next row); without it, nothing is outlined. */
static void
test_focus_ring (void)
{
  StrataSession *session = get_session ();
  GtkAdjustment *vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  const GArray *shown = strata_session_get_shown (session);
  StrataLayout *layout = strata_session_get_layout (session);
  StrataRenderOptions o;
  cairo_surface_t *focused, *unfocused, *zoomed, *next;
  graphene_rect_t area;
  int bounds[4], moved[4], rgb[3];
  gint row;

  strata_session_fit (session);
  gtk_adjustment_set_value (vadj, 0);
  gtk_widget_grab_focus (GTK_WIDGET (view));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (view)));
  /* The first group's first row, below its title. */
  test_ui_press_key (GTK_WIDGET (view), GDK_KEY_Home, 0);
  test_ui_press_key (GTK_WIDGET (view), GDK_KEY_Down, 0);
  row = g_array_index (layout->entries, StrataLayoutEntry, g_array_index (shown, guint, 1)).row;
  g_assert_cmpint (row, >=, 0);
  focused = render_view ();
  g_assert_true (strata_timeline_view_get_row_area (view, row, &area));
  strata_timeline_view_get_render_options (view, &o);

  gtk_root_set_focus (GTK_ROOT (window), NULL);
  g_assert_false (gtk_widget_has_focus (GTK_WIDGET (view)));
  unfocused = render_view ();

  /* The difference is the outline of that row's header, in the focus colour. */
  header_difference (focused, unfocused, &o, bounds);
  g_test_message ("outline %d,%d to %d,%d; row %g to %g", bounds[0], bounds[1], bounds[2], bounds[3],
                  area.origin.y, area.origin.y + area.size.height);
  g_assert_cmpint (bounds[2], >=, 0);
  g_assert_cmpint (bounds[0], <=, 2);
  g_assert_cmpint (bounds[2], >=, o.header_width - 4);
  g_assert_cmpint (ABS (bounds[1] - (int) area.origin.y), <=, 2);
  g_assert_cmpint (ABS (bounds[3] - (int) (area.origin.y + area.size.height)), <=, 2);
  get_pixel (focused, 2, area.origin.y + area.size.height / 2, rgb);
  g_test_message ("outline's left edge %d,%d,%d", rgb[0], rgb[1], rgb[2]);
  g_assert_cmpint (rgb[2], >, rgb[0] + 60);

  /* Zooming by key keeps it; the next row takes it. */
  gtk_widget_grab_focus (GTK_WIDGET (view));
  test_ui_press_key (GTK_WIDGET (view), GDK_KEY_plus, 0);
  zoomed = render_view ();
  header_difference (zoomed, unfocused, &o, moved);
  g_assert_cmpint (moved[1], ==, bounds[1]);
  g_assert_cmpint (moved[3], ==, bounds[3]);
  test_ui_press_key (GTK_WIDGET (view), GDK_KEY_Down, 0);
  next = render_view ();
  header_difference (next, unfocused, &o, moved);
  g_test_message ("next row's outline %d to %d", moved[1], moved[3]);
  g_assert_cmpint (moved[1], ==, bounds[1] + o.row_height);
  g_assert_cmpint (moved[3], ==, bounds[3] + o.row_height);

  cairo_surface_destroy (focused);
  cairo_surface_destroy (unfocused);
  cairo_surface_destroy (zoomed);
  cairo_surface_destroy (next);
  strata_session_fit (session);
}

static void
test_selection (void)
{
  StrataSession *session = get_session ();
  GtkGestureDrag *drag = find_controller (GTK_WIDGET (view), GTK_TYPE_GESTURE_DRAG);
  double x = 400;
  gint64 a = strata_timeline_view_x_to_time (view, x);
  gint64 b = strata_timeline_view_x_to_time (view, x + 250);
  g_autofree char *text = NULL;

  /* Dragging on the ruler selects; the ruler's tooltip gives the length. */
  g_signal_emit_by_name (drag, "drag-begin", x, 10.0);
  g_signal_emit_by_name (drag, "drag-update", 250.0, 3.0);
  g_signal_emit_by_name (drag, "drag-end", 250.0, 3.0);
  g_assert_true (strata_session_has_selection (session));
  g_assert_cmpint (strata_session_get_selected_time (session)->begin, ==, a);
  g_assert_cmpint (strata_session_get_selected_time (session)->end, ==, b);
  text = strata_timeline_view_describe_at (view, x + 10, 10);
  g_assert_nonnull (strstr (text, "Selection: "));

  /* Zoom to it; a click on the ruler drops it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.zoom-selection", NULL));
  g_assert_cmpint (strata_session_get_visible_time (session)->begin, ==, a);
  g_assert_cmpint (strata_session_get_visible_time (session)->end, ==, b);
  g_signal_emit_by_name (drag, "drag-begin", x, 10.0);
  g_signal_emit_by_name (drag, "drag-end", 1.0, 0.0);
  g_assert_false (strata_session_has_selection (session));
  strata_session_fit (session);
}

static void
test_tooltip (void)
{
  StrataInterval iv;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  double x, y;
  gint64 at;

  g_assert_true (find_interval ("pcpu/0", want_server1_user, &iv));
  zoom_to_interval (&iv);

  /* Inside the guest on a pCPU: the guest's thread and the host's vCPU thread. */
  at = iv.start + (iv.end - iv.start) / 2;
  x = strata_timeline_view_time_to_x (view, at);
  y = row_y ("pcpu/0");
  text = strata_timeline_view_describe_at (view, x, y);
  g_test_message ("%s", text);
  g_assert_nonnull (text);
  expected = strata_session_describe_at (get_session (), row_of ("pcpu/0"), strata_timeline_view_x_to_time (view, x));
  g_assert_cmpstr (text, ==, expected);
  g_assert_true (g_str_has_prefix (text, "CPU 0 of host\n"));
  g_assert_nonnull (strstr (text, "State: User, inside vCPU 0 of server1\n"));
  g_assert_nonnull (strstr (text, "Process: worker ("));
  g_assert_nonnull (strstr (text, "Host thread: qemu-system-x86 (3000), thread CPU 0/KVM (3001)\n"));
  g_assert_nonnull (strstr (text, "Duration: "));
  g_assert_null (strstr (text, "pcpu/"));

  /* The header column names the row, the ruler gives the time. */
  g_clear_pointer (&text, g_free);
  text = strata_timeline_view_describe_at (view, 20, y);
  g_assert_cmpstr (text, ==, "CPU 0 of host");
  g_clear_pointer (&text, g_free);
  text = strata_timeline_view_describe_at (view, x, 5);
  g_clear_pointer (&expected, g_free);
  expected = strata_time_format_absolute (strata_timeline_view_x_to_time (view, x));
  g_assert_cmpstr (text, ==, expected);
}

static GtkColumnViewColumn *
get_column (GtkColumnView *column_view,
            const char    *title)
{
  GListModel *columns = gtk_column_view_get_columns (column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_str_equal (gtk_column_view_column_get_title (column), title))
        return column;
    }
  g_assert_not_reached ();
}

static void
test_preemptions (void)
{
  StrataPreemptionsPanel *panel = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_PREEMPTIONS_PANEL);
  GtkColumnView *column_view = test_ui_find_widget (GTK_WIDGET (panel), GTK_TYPE_COLUMN_VIEW);
  GListModel *model = strata_preemptions_panel_get_model (panel);
  g_autoptr(StrataPreemptionItem) first = NULL;
  g_autoptr(StrataPreemptionItem) second = NULL;
  g_autofree char *row_name = NULL;
  StrataAnalysis *analysis = get_analysis ();
  GtkColumnViewColumn *duration;
  GtkCheckButton *wakeups = test_ui_find_widget (GTK_WIDGET (panel), GTK_TYPE_CHECK_BUTTON);
  g_autofree char *wakeups_label = NULL;
  gint64 longest = 0, d, pad;
  guint n_wakeups = 0;

  for (guint i = 0; i < analysis->preemptions->len; i++)
    {
      StrataPreemption *p = &g_array_index (analysis->preemptions, StrataPreemption, i);

      if (p->kind == STRATA_PREEMPTION_WAKEUP)
        n_wakeups++;
      else
        longest = MAX (longest, p->end - p->start);
    }
  /* The demo's vCPUs halt and are woken: wake-up waits, listed only when asked for, counted. */
  g_assert_cmpuint (n_wakeups, >, 0);
  g_assert_false (strata_preemptions_panel_get_show_wakeups (panel));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, analysis->preemptions->len - n_wakeups);
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);
  wakeups_label = g_strdup_printf ("Show %u wake-up waits", n_wakeups);
  g_assert_cmpstr (gtk_check_button_get_label (wakeups), ==, wakeups_label);
  gtk_check_button_set_active (wakeups, TRUE);
  g_assert_true (strata_preemptions_panel_get_show_wakeups (panel));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, analysis->preemptions->len);
  /* Listed, the waits are said in the summary and in their cause, apart from preemptions. */
  {
    GtkLabel *summary = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (panel), STRATA_TYPE_PREEMPTIONS_PANEL,
                                                                  "summary_label"));
    g_autofree char *also = g_strdup_printf ("Also listed: %u wake-up waits", n_wakeups);
    guint woken = 0;

    g_assert_nonnull (strstr (gtk_label_get_label (summary), also));
    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(StrataPreemptionItem) item = g_list_model_get_item (model, i);

        woken += g_str_has_prefix (strata_preemption_item_get_cause (item), "woken; ");
        if (!strata_preemption_item_get_wakeup (item))
          g_assert_false (g_str_has_prefix (strata_preemption_item_get_cause (item), "woken; "));
      }
    g_assert_cmpuint (woken, >, 0);
  }
  strata_preemptions_panel_set_show_wakeups (panel, FALSE);
  g_assert_false (gtk_check_button_get_active (wakeups));
  g_assert_null (strstr (gtk_label_get_label (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (panel), STRATA_TYPE_PREEMPTIONS_PANEL,
                                                                                        "summary_label"))),
                         "Also listed"));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, analysis->preemptions->len - n_wakeups);

  /* Longest first from the start, and again when asked for. */
  first = g_list_model_get_item (model, 0);
  g_assert_cmpint (strata_preemption_item_get_duration (first), ==, longest);
  g_clear_object (&first);
  duration = get_column (column_view, "Start");
  gtk_column_view_sort_by_column (column_view, duration, GTK_SORT_ASCENDING);
  duration = get_column (column_view, "Duration");
  gtk_column_view_sort_by_column (column_view, duration, GTK_SORT_DESCENDING);
  first = g_list_model_get_item (model, 0);
  second = g_list_model_get_item (model, 1);
  g_assert_cmpint (strata_preemption_item_get_duration (first), ==, longest);
  g_assert_cmpint (strata_preemption_item_get_duration (second), <=, longest);
  g_assert_cmpstr (strata_preemption_item_get_machine (first), ==, "server1");

  /* Activating it zooms around it with half its length on each side, and marks its vCPU. */
  g_signal_emit_by_name (column_view, "activate", 0);
  d = strata_preemption_item_get_duration (first);
  pad = (gint64) (d * 0.5);
  g_assert_cmpint (strata_session_get_visible_time (get_session ())->begin, ==, strata_preemption_item_get_start (first) - pad);
  g_assert_cmpint (strata_session_get_visible_time (get_session ())->end, ==, strata_preemption_item_get_end (first) + pad);
  row_name = g_strdup_printf ("server1/vcpu/%d", strata_preemption_item_get_vcpu (first));
  g_assert_cmpint (strata_session_get_marked_row (get_session ()), ==, row_of (row_name));
  /* Outlined on the pCPU it happened on too, over its span. */
  {
    g_autofree char *pcpu = g_strdup_printf ("pcpu/%d", strata_preemption_item_get_pcpu (first));
    g_autofree char *tooltip = NULL;
    g_autofree char *expected = NULL;
    const StrataPreemption *p = &g_array_index (analysis->preemptions, StrataPreemption,
                                                strata_preemption_item_get_index (first));
    g_autofree char *cause = strata_describe_cause (analysis, &g_array_index (p->by, StrataPreemptionCause, 0));

    g_assert_cmpint (strata_session_get_marked_row2 (get_session ()), ==, row_of (pcpu));
    g_assert_cmpint (strata_session_get_marked_time (get_session ())->begin, ==, strata_preemption_item_get_start (first));
    g_assert_cmpint (strata_session_get_marked_time (get_session ())->end, ==, strata_preemption_item_get_end (first));

    /* Its tooltip names the preemptor, where the view shows it. */
    test_ui_iterate (50);
    tooltip = strata_timeline_view_describe_at (view,
                                                strata_timeline_view_time_to_x (view, strata_preemption_item_get_start (first) + d / 2),
                                                row_y (row_name));
    g_test_message ("%s", tooltip);
    expected = g_strdup_printf ("State: preempted by %s on CPU %d\n", cause, strata_preemption_item_get_pcpu (first));
    g_assert_nonnull (strstr (tooltip, expected));
    g_assert_cmpstr (cause, ==, "stress (4001)");
  }

  /* With the focus still in the list, the timeline's keys work: zoom, pan, and back. */
  gtk_widget_grab_focus (GTK_WIDGET (column_view));
  test_ui_iterate (20);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (column_view)) ||
                 gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (column_view));
  {
    gint64 before = span (), from;

    g_assert_true (press_window_key (GDK_KEY_plus, 0));
    g_assert_cmpint (span (), <, before);
    from = strata_session_get_visible_time (get_session ())->begin;
    g_assert_true (press_window_key (GDK_KEY_Right, 0));
    g_assert_cmpint (strata_session_get_visible_time (get_session ())->begin, >, from);
    g_assert_true (press_window_key (GDK_KEY_minus, 0));
    g_assert_true (press_window_key (GDK_KEY_0, 0));
    g_assert_cmpint (span (), ==, strata_time_span_duration (*strata_session_get_document_time (get_session ())));
    /* Down still moves in the list, which the timeline does not take. */
    g_assert_false (test_ui_run_global_shortcuts (GTK_WIDGET (window), GDK_KEY_Down, 0));
  }

  /* On a button of the header bar, Left and Right pan too: the window would move the focus
   * with them first. The window's capture key controller takes them there. */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
    GtkWidget *button = test_ui_window_child (window, "details_button");
    GtkEventController *keys = NULL;
    gboolean handled = FALSE;
    gint64 from;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

        if (g_strcmp0 (gtk_event_controller_get_name (c), "strata-pan-keys") == 0)
          keys = c;
      }
    g_assert_nonnull (keys);
    g_assert_true (press_window_key (GDK_KEY_plus, 0));
    gtk_widget_grab_focus (button);
    g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == button);
    from = strata_session_get_visible_time (get_session ())->begin;
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Right, 0, 0, &handled);
    g_assert_true (handled);
    g_assert_cmpint (strata_session_get_visible_time (get_session ())->begin, >, from);
    g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == button);
    /* Up, or Left with a modifier, is left to the window. */
    handled = FALSE;
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Up, 0, 0, &handled);
    g_assert_false (handled);
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Left, 0, GDK_CONTROL_MASK, &handled);
    g_assert_false (handled);
    /* On the panel's check box too (a GtkCheckButton is no GtkButton). */
    gtk_widget_grab_focus (GTK_WIDGET (wakeups));
    g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (wakeups));
    from = strata_session_get_visible_time (get_session ())->begin;
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Left, 0, 0, &handled);
    g_assert_true (handled);
    g_assert_cmpint (strata_session_get_visible_time (get_session ())->begin, <, from);
    g_assert_true (press_window_key (GDK_KEY_0, 0));
    gtk_widget_grab_focus (GTK_WIDGET (column_view));
  }

  /* And by vCPU: server1's vCPU 0 first. */
  gtk_column_view_sort_by_column (column_view, get_column (column_view, "vCPU"), GTK_SORT_ASCENDING);
  g_clear_object (&first);
  g_clear_object (&second);
  first = g_list_model_get_item (model, 0);
  second = g_list_model_get_item (model, g_list_model_get_n_items (model) - 1);
  g_assert_cmpint (strata_preemption_item_get_vcpu (first), ==, 0);
  g_assert_cmpint (strata_preemption_item_get_vcpu (second), ==, 1);

  strata_session_set_marked_row (get_session (), -1);
  strata_session_fit (get_session ());
}

static void
test_range (void)
{
  StrataRangePopover *popover = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_RANGE_POPOVER);
  StrataSession *session = get_session ();
  gint64 begin = strata_session_get_document_time (session)->begin;
  g_autoptr(GError) error = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  g_assert_nonnull (popover);
  g_assert_true (strata_range_popover_apply (popover, "+4ms", "+16ms", &error));
  g_assert_no_error (error);
  g_assert_cmpint (strata_session_get_visible_time (session)->begin, ==, begin + 4000000);
  g_assert_cmpint (strata_session_get_visible_time (session)->end, ==, begin + 16000000);
  g_assert_cmpstr (strata_range_popover_get_summary (popover), ==, "12.000 ms");

  /* The ruler's own notation, to the ns. */
  from = strata_time_format_tick (begin + 123456789, 1);
  to = strata_time_format_tick (begin + 123456789 + 5000, 1);
  g_assert_true (strata_range_popover_apply (popover, from, to, &error));
  g_assert_cmpint (strata_session_get_visible_time (session)->begin, ==, begin + 123456789);
  g_assert_cmpint (strata_session_get_visible_time (session)->end, ==, begin + 123456789 + 5000);

  g_assert_false (strata_range_popover_apply (popover, "+2ms", "+1ms", &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  g_assert_false (strata_range_popover_apply (popover, "soon", "+1ms", &error));
  g_assert_error (error, STRATA_TIME_ERROR, STRATA_TIME_ERROR_INVALID);
  g_clear_error (&error);
  /* Wholly after the set's 3 s: said, and the view is left as it was. */
  g_assert_false (strata_range_popover_apply (popover, "+10s", "+20s", &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_nonnull (strstr (error->message, "outside the set"));
  g_clear_error (&error);
  g_assert_cmpint (strata_session_get_visible_time (session)->begin, ==, begin + 123456789);
  /* Across its end: what lies inside is shown. */
  g_assert_true (strata_range_popover_apply (popover, "+2s", "+20s", &error));
  strata_session_fit (session);
}

static gboolean
set_check (GtkWidget  *root,
           const char *label,
           gboolean    active)
{
  if (GTK_IS_CHECK_BUTTON (root) && g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (root)), label) == 0)
    {
      gtk_check_button_set_active (GTK_CHECK_BUTTON (root), active);
      return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    if (set_check (child, label, active))
      return TRUE;
  return FALSE;
}

static void
search (StrataMachineDialog *dialog,
        const char          *text)
{
  GtkEditable *entry = test_ui_find_widget (GTK_WIDGET (dialog), GTK_TYPE_SEARCH_ENTRY);

  gtk_editable_set_text (entry, text);
  g_signal_emit_by_name (entry, "search-changed");
  test_ui_iterate (50);
}

/* Whether @highlight singles out @machine, and only it. */
static gboolean
highlights_only (const StrataHighlight *highlight,
                 gint                   machine)
{
  for (guint m = 0; m < get_analysis ()->machines->len; m++)
    if (strata_highlight_has_machine (highlight, m) != ((gint) m == machine))
      return FALSE;
  return TRUE;
}

static void
test_highlight (void)
{
  g_autoptr(GSettings) settings = g_settings_new (STRATA_SCHEMA_ID);
  StrataSession *session = get_session ();
  StrataMachineDialog *dialog = NULL;
  GtkListView *list_view;
  GListModel *shown;
  g_autoptr(GVariant) remembered = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(StrataSession) again = NULL;
  cairo_surface_t *surface;
  StrataInterval guest, host;
  const char *paths[2] = { NULL, NULL };
  int rgb[3];

  g_assert_true (strata_highlight_is_empty (strata_session_get_highlight (session)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.select-machines", NULL));
  test_ui_iterate (100);
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (STRATA_IS_MACHINE_DIALOG (l->data))
      dialog = l->data;
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));

  /* The tree: the host, its VM, the VM's two vCPUs. A search keeps the path to a match. */
  shown = strata_machine_dialog_get_shown (dialog);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 4);
  search (dialog, "VCPU 1");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 3);
  search (dialog, "nothing like it");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
  /* Typed quickly, "vcpu 1": its Space comes before the entry says that "vcpu" was typed
   * (it waits for a pause). It goes on the search, and checks nothing. A vCPU is found by
   * its host thread too. */
  {
    GtkEditable *entry = test_ui_find_widget (GTK_WIDGET (dialog), GTK_TYPE_SEARCH_ENTRY);

    gtk_editable_set_text (entry, "vcpu");
    g_assert_false (test_ui_key_taken (GTK_WIDGET (entry), GDK_KEY_space, 0));
    g_assert_true (strata_highlight_is_empty (strata_session_get_highlight (session)));
    search (dialog, "3002");
    g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 3);
  }
  search (dialog, "serv");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 4);

  /* The search selected server1's row: Space there checks it, and its vCPUs follow; the
   * view highlights it. Space again unchecks, and its check box checks it again. */
  list_view = test_ui_find_widget (GTK_WIDGET (dialog), GTK_TYPE_LIST_VIEW);
  test_ui_press_key (GTK_WIDGET (test_ui_find_widget (GTK_WIDGET (dialog), GTK_TYPE_SEARCH_ENTRY)), GDK_KEY_Down, 0);
  test_ui_iterate (20);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (list_view)) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), GTK_WIDGET (list_view)));
  test_ui_press_key (GTK_WIDGET (list_view), GDK_KEY_space, 0);
  g_assert_true (highlights_only (strata_session_get_highlight (session), server1));
  test_ui_press_key (GTK_WIDGET (list_view), GDK_KEY_space, 0);
  g_assert_true (strata_highlight_is_empty (strata_session_get_highlight (session)));
  g_assert_true (set_check (GTK_WIDGET (dialog), "server1", TRUE));
  g_assert_true (highlights_only (strata_session_get_highlight (session), server1));
  g_assert_true (strata_machine_item_get_checked (strata_machine_items_find (strata_machine_dialog_get_roots (dialog),
                                                                             "server1/vcpu/1")));

  /* Remembered for this set (one folder: its key is that path). */
  remembered = g_settings_get_value (settings, "highlighted-machines");
  g_assert_cmpuint (g_variant_n_children (remembered), ==, 1);
  {
    g_autofree char *key = NULL;
    g_autoptr(GVariant) value = NULL;

    g_variant_get_child (remembered, 0, "{s@as}", &key, &value);
    names = g_variant_dup_strv (value, NULL);
    g_assert_cmpstr (names[0], ==, "server1");
    g_assert_null (names[1]);
    paths[0] = key;
    again = strata_session_new (get_analysis ());
    strata_machine_dialog_restore (again, settings, paths);
    g_assert_true (highlights_only (strata_session_get_highlight (again), server1));
    paths[0] = NULL;
  }

  /* The pixels: server1's activity on a pCPU in its colour at full strength; the host's own
   * work on another pCPU dimmed. */
  g_assert_true (find_interval ("pcpu/0", want_server1_vcpu0_user, &guest));
  zoom_to_interval (&guest);
  surface = render_view ();
  get_pixel (surface, strata_timeline_view_time_to_x (view, guest.start + (guest.end - guest.start) / 2),
             row_y ("pcpu/0"), rgb);
  assert_color (rgb, strata_render_machine_color (server1), 1.0);
  cairo_surface_destroy (surface);

  strata_session_fit (get_session ());
  test_ui_iterate (20);
  g_assert_true (find_interval ("pcpu/7", want_host_user, &host));
  zoom_to_interval (&host);
  surface = render_view ();
  get_pixel (surface, strata_timeline_view_time_to_x (view, host.start + (host.end - host.start) / 2),
             row_y ("pcpu/7"), rgb);
  assert_color (rgb, strata_render_state_color (STRATA_STATE_USER, FALSE), 0.18);
  cairo_surface_destroy (surface);

  /* Unchecking a vCPU leaves the VM highlighted, mixed; that vCPU is dimmed: its time on
   * the pCPU it runs on, its guest CPU row and its vCPU row, which were in full colour. */
  strata_session_fit (get_session ());
  test_ui_iterate (20);
  zoom_to_interval (&guest);
  surface = render_view ();
  row_pixel ("server1/cpu/0", guest.start + (guest.end - guest.start) / 2, rgb);
  g_assert_cmpint (MIN (MIN (rgb[0], rgb[1]), rgb[2]), <, 190);
  cairo_surface_destroy (surface);
  g_assert_true (set_check (GTK_WIDGET (dialog), "vCPU 0", FALSE));
  g_assert_true (strata_machine_item_get_inconsistent (strata_machine_items_find (strata_machine_dialog_get_roots (dialog),
                                                                                  "server1")));
  g_assert_true (highlights_only (strata_session_get_highlight (session), server1));
  g_assert_true (strata_highlight_is_partial (strata_session_get_highlight (session), server1));
  surface = render_view ();
  get_pixel (surface, strata_timeline_view_time_to_x (view, guest.start + (guest.end - guest.start) / 2),
             row_y ("pcpu/0"), rgb);
  assert_color (rgb, strata_render_machine_color (server1), 0.18);
  row_pixel ("server1/cpu/0", guest.start + (guest.end - guest.start) / 2, rgb);
  g_assert_cmpint (MIN (MIN (rgb[0], rgb[1]), rgb[2]), >=, 190);
  row_pixel ("server1/vcpu/0", guest.start + (guest.end - guest.start) / 2, rgb);
  g_assert_cmpint (MIN (MIN (rgb[0], rgb[1]), rgb[2]), >=, 190);
  cairo_surface_destroy (surface);
  strata_session_fit (get_session ());
  test_ui_iterate (20);
  zoom_to_interval (&host);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.clear", NULL));
  g_assert_true (strata_highlight_is_empty (strata_session_get_highlight (session)));
  surface = render_view ();
  get_pixel (surface, strata_timeline_view_time_to_x (view, host.start + (host.end - host.start) / 2),
             row_y ("pcpu/7"), rgb);
  assert_color (rgb, strata_render_state_color (STRATA_STATE_USER, FALSE), 1.0);
  cairo_surface_destroy (surface);

  /* Return closes it. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  test_ui_press_key (GTK_WIDGET (list_view), GDK_KEY_Return, 0);
  test_ui_iterate (20);
  g_assert_null (dialog);
  strata_session_fit (get_session ());
  g_settings_reset (settings, "highlighted-machines");
}

/* The luminance of a pixel of an RGB24 or ARGB32 surface (opaque here). */
static int
luma (cairo_surface_t *surface,
      int              x,
      int              y)
{
  int rgb[3];

  get_pixel (surface, x, y, rgb);
  return (rgb[0] * 299 + rgb[1] * 587 + rgb[2] * 114) / 1000;
}

/* Moving the pointer draws the hover line again, over the rows' render node as it was: the
 * rows are not summarized again until the range, the size, the scroll or the look changes. */
static void
test_hover (void)
{
  GtkEventController *motion = find_controller (GTK_WIDGET (view), GTK_TYPE_EVENT_CONTROLLER_MOTION);
  StrataRenderOptions o;
  cairo_surface_t *surface;
  guint builds, snapshots;
  double y = row_y ("pcpu/3");

  strata_session_fit (get_session ());
  g_signal_emit_by_name (motion, "leave");
  cairo_surface_destroy (render_view ());
  strata_timeline_view_get_render_options (view, &o);
  builds = _strata_timeline_view_get_rows_builds (view);
  snapshots = _strata_timeline_view_get_snapshots (view);
  g_assert_cmpuint (builds, >, 0);

  for (guint i = 0; i < 5; i++)
    {
      int x = o.header_width + 80 + 97 * i;

      g_signal_emit_by_name (motion, "motion", (double) x, y);
      surface = render_view ();
      /* The line is at the pointer, in the ruler under the labels too. */
      g_assert_cmpint (luma (surface, x, o.ruler_height - 4), <, luma (surface, x - 1, o.ruler_height - 4) - 40);
      g_assert_cmpint (luma (surface, x, o.ruler_height - 4), <, luma (surface, x + 1, o.ruler_height - 4) - 40);
      cairo_surface_destroy (surface);
    }
  g_assert_cmpuint (_strata_timeline_view_get_snapshots (view), >=, snapshots + 5);
  g_assert_cmpuint (_strata_timeline_view_get_rows_builds (view), ==, builds);

  /* A zoom draws the rows anew, once. */
  strata_session_zoom_at (get_session (), strata_timeline_view_x_to_time (view, o.header_width + 100), 2.0);
  cairo_surface_destroy (render_view ());
  g_assert_cmpuint (_strata_timeline_view_get_rows_builds (view), ==, builds + 1);
  g_signal_emit_by_name (motion, "leave");
  strata_session_fit (get_session ());
}

/* The columns of the ruler's tick marks in @surface (RGB24 or ARGB32), left to right. */
static GArray *
tick_columns (cairo_surface_t           *surface,
              const StrataRenderOptions *o)
{
  GArray *columns = g_array_new (FALSE, FALSE, sizeof (int));
  int y = o->ruler_height - 4;   /* under the labels, on the tick marks */

  for (int x = o->header_width + 1; x < o->width - 1; x++)
    if (luma (surface, x, y) < luma (surface, o->header_width + 1, 2) - 40)
      g_array_append_val (columns, x);
  return columns;
}

/* The ruler on screen (a StrataTimeRuler) and in an exported image put the same ticks at the
 * same columns. */
static void
test_ruler (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("strata-test-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (tmpdir, "ruler.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) on_screen = NULL;
  g_autoptr(GArray) exported = NULL;
  const StrataTimeSpan *document = strata_session_get_document_time (get_session ());
  GtkEventController *motion = find_controller (GTK_WIDGET (view), GTK_TYPE_EVENT_CONTROLLER_MOTION);
  StrataRenderOptions o;
  cairo_surface_t *surface;

  g_assert_nonnull (test_ui_find_widget (GTK_WIDGET (view), STRATA_TYPE_TIME_RULER));
  g_signal_emit_by_name (motion, "leave");
  strata_session_clear_selection (get_session ());
  /* An odd range: ticks fall between pixels. */
  strata_session_zoom_to (get_session (), document->begin + 123456789, document->begin + 123456789 + 7654321);
  surface = render_view ();
  strata_timeline_view_get_render_options (view, &o);
  on_screen = tick_columns (surface, &o);
  cairo_surface_destroy (surface);

  g_assert_true (strata_timeline_view_export (view, png, &error));
  g_assert_no_error (error);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, o.width);
  exported = tick_columns (surface, &o);
  cairo_surface_destroy (surface);

  g_assert_cmpuint (on_screen->len, >=, 3);
  g_assert_cmpuint (on_screen->len, ==, exported->len);
  for (guint i = 0; i < on_screen->len; i++)
    {
      g_test_message ("tick at %d, exported at %d", g_array_index (on_screen, int, i), g_array_index (exported, int, i));
      g_assert_cmpint (g_array_index (on_screen, int, i), ==, g_array_index (exported, int, i));
    }

  g_unlink (png);
  g_rmdir (tmpdir);
  strata_session_fit (get_session ());
}

static void
test_export (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("strata-test-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (tmpdir, "view.png", NULL);
  g_autofree char *svg = g_build_filename (tmpdir, "view.svg", NULL);
  g_autofree char *bad = g_build_filename (tmpdir, "view.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (strata_timeline_view_export (view, png, &error));
  g_assert_no_error (error);
  texture = gdk_texture_new_from_filename (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (GTK_WIDGET (view)));

  g_assert_true (strata_timeline_view_export (view, svg, &error));
  g_assert_true (g_file_get_contents (svg, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "<svg"));

  g_assert_false (strata_timeline_view_export (view, bad, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  g_unlink (png);
  g_unlink (svg);
  g_rmdir (tmpdir);
}

/* Writes what @win shows to @path. */
static void
write_window_png (StrataWindow *win,
                  const char   *path)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  int width = gtk_widget_get_width (GTK_WIDGET (win));
  int height = gtk_widget_get_height (GTK_WIDGET (win));
  cairo_surface_t *surface;
  GtkSnapshot *snapshot;
  cairo_t *cr;

  paintable = gtk_widget_paintable_new (GTK_WIDGET (win));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_test_message ("wrote %s (%dx%d)", path, width, height);
}

/* With STRATA_SCREENSHOT=FILE.png: the window zoomed into a preemption of server1 by a host
 * thread, server1 highlighted; the README's picture (data/screenshots/strata-view.png). */
static void
test_screenshot (void)
{
  const char *path = g_getenv ("STRATA_SCREENSHOT");
  StrataAnalysis *analysis = get_analysis ();
  StrataPreemptionsPanel *panel = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_PREEMPTIONS_PANEL);
  g_autoptr(StrataPreemptionItem) item = NULL;
  const StrataPreemption *p;
  GtkColumnView *column_view;

  if (path == NULL)
    {
      g_test_skip ("STRATA_SCREENSHOT is not set");
      return;
    }

  /* The longest preemption, as a user finds it: sorted by duration, activated, and by a
   * host thread in the demo (asserted, so that the picture shows what it says). */
  column_view = test_ui_find_widget (GTK_WIDGET (panel), GTK_TYPE_COLUMN_VIEW);
  gtk_column_view_sort_by_column (column_view, get_column (column_view, "Duration"), GTK_SORT_DESCENDING);
  item = g_list_model_get_item (strata_preemptions_panel_get_model (panel), 0);
  p = &g_array_index (analysis->preemptions, StrataPreemption, strata_preemption_item_get_index (item));
  g_assert_cmpuint (p->by->len, >, 0);
  g_assert_cmpint (g_array_index (p->by, StrataPreemptionCause, 0).vcpu, <, 0);
  {
    g_autoptr(StrataHighlight) highlight = strata_highlight_new ();

    strata_highlight_add_machine (highlight, server1);
    strata_session_set_highlight (get_session (), highlight);
  }
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (strata_preemptions_panel_get_model (panel)), 0);
  gtk_widget_activate_action (test_ui_find_widget (GTK_WIDGET (column_view), GTK_TYPE_LIST_VIEW),
                              "list.scroll-to-item", "u", 0);
  g_signal_emit_by_name (column_view, "activate", 0);
  /* No pointer over the timeline. */
  g_signal_emit_by_name (find_controller (GTK_WIDGET (view), GTK_TYPE_EVENT_CONTROLLER_MOTION), "leave");
  test_ui_iterate (300);

  write_window_png (window, path);

  strata_session_set_highlight (get_session (), NULL);
  strata_session_set_marked_row (get_session (), -1);
}

/* Opens @paths in a new window of @width × @height, and waits for it. Its title bar has
 * GNOME's buttons (a close button only), not GTK's default minimize and maximize too. */
static StrataWindow *
open_window (const char * const *paths,
             int                 width,
             int                 height)
{
  StrataWindow *other;

  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);
  other = strata_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (other), width, height);
  gtk_window_present (GTK_WINDOW (other));
  strata_window_open (other, paths);
  test_ui_wait_until_loaded (other, TEST_UI_LOAD_TIMEOUT_US);
  test_ui_iterate (200);
  return other;
}

/* With STRATA_SCREENSHOT_SYNCTRACES=FILE.png: tc-synctraces whole, as it first opens. */
static void
test_screenshot_synctraces (void)
{
  const char *path = g_getenv ("STRATA_SCREENSHOT_SYNCTRACES");
  const char *dir = g_getenv ("STRATA_TRACES_DIR");
  g_autofree char *set = NULL;
  const char *paths[] = { NULL, NULL };
  StrataWindow *other;

  if (path == NULL || dir == NULL)
    {
      g_test_skip ("STRATA_SCREENSHOT_SYNCTRACES or STRATA_TRACES_DIR is not set");
      return;
    }
  set = g_build_filename (dir, "tc-synctraces", NULL);
  paths[0] = set;
  other = open_window (paths, 1400, 900);
  g_signal_emit_by_name (find_controller (GTK_WIDGET (test_ui_find_widget (GTK_WIDGET (other), STRATA_TYPE_TIMELINE_VIEW)),
                                          GTK_TYPE_EVENT_CONTROLLER_MOTION), "leave");
  test_ui_iterate (300);
  write_window_png (other, path);
  gtk_window_destroy (GTK_WINDOW (other));
}

/* The window works at 360 × 500: nothing asks for more width, and the timeline keeps room
 * for rows while the panel gives way. */
static void
test_small_window (void)
{
  g_autofree char *demo = strata_app_dup_demo_dir ();
  const char *paths[] = { demo, NULL };
  StrataWindow *small = open_window (paths, 360, 500);
  StrataTimelineView *small_view = test_ui_find_widget (GTK_WIDGET (small), STRATA_TYPE_TIMELINE_VIEW);
  GtkWidget *details = test_ui_window_child (small, "details_box");
  StrataRenderOptions o;
  int minimum;

  g_assert_cmpstr (test_ui_visible_page (small), ==, "set");
  gtk_widget_set_visible (details, TRUE);
  /* Narrow, the window leaves buttons out of its header bar, then the window system gives it
   * the width it asked for: a round trip, which a loaded machine can make slow. */
  for (gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       gtk_widget_get_width (GTK_WIDGET (small)) > 360 && g_get_monotonic_time () < deadline;)
    {
      /* Given its first width before its header bar gave way, it keeps it, as a window does
       * whose minimum shrinks: ask for 360 again, as a user would drag it. */
      gtk_window_set_default_size (GTK_WINDOW (small), 360, 500);
      test_ui_iterate (20);
    }
  test_ui_iterate (100);
  gtk_widget_measure (GTK_WIDGET (small), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_test_message ("window %dx%d, minimum width %d; timeline %dx%d", gtk_widget_get_width (GTK_WIDGET (small)),
                  gtk_widget_get_height (GTK_WIDGET (small)), minimum, gtk_widget_get_width (GTK_WIDGET (small_view)),
                  gtk_widget_get_height (GTK_WIDGET (small_view)));
  g_assert_cmpint (minimum, <=, 360);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (small)), <=, 360);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (small)), <=, 500);

  /* Rows show beside a narrower label column, with the panel open. */
  strata_timeline_view_get_render_options (small_view, &o);
  g_assert_cmpint (o.header_width, <, 220);
  g_assert_cmpint (o.width - o.header_width, >=, 120);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (small_view)), >=, o.ruler_height + 3 * o.row_height);
  gtk_window_destroy (GTK_WINDOW (small));
}

/* A set read with a problem that names a very long path: the message wraps, and the window
 * keeps its size. */
static void
test_long_problem (void)
{
  g_autofree char *demo = strata_app_dup_demo_dir ();
  g_autofree char *dir = g_dir_make_tmp ("strata-test-XXXXXX", NULL);
  g_autofree char *guest = g_build_filename (demo, "server1", NULL);
  g_autofree char *copy = g_strdup_printf ("cp -r '%s' '%s'", guest, dir);
  g_autofree char *copied = g_build_filename (dir, "server1", NULL);
  g_autofree char *long_name = g_strnfill (180, 'x');
  g_autofree char *bad = g_build_filename (dir, long_name, NULL);
  g_autofree char *metadata = g_build_filename (bad, "metadata", NULL);
  g_autofree char *stream = g_build_filename (bad, "channel0_0", NULL);
  const char *paths[] = { dir, NULL };
  StrataWindow *other;
  int minimum;

  g_assert_true (g_spawn_command_line_sync (copy, NULL, NULL, NULL, NULL));
  g_assert_cmpint (g_mkdir (bad, 0755), ==, 0);
  g_assert_true (g_file_set_contents (metadata, "/* CTF 1.8 */\ntrace { this is not metadata; };\n", -1, NULL));
  g_assert_true (g_file_set_contents (stream, "not a packet", -1, NULL));

  other = open_window (paths, 1100, 720);
  g_assert_cmpstr (test_ui_visible_page (other), ==, "set");
  g_assert_cmpuint (strata_window_get_set (other)->errors->len, >, 0);
  gtk_widget_set_visible (test_ui_window_child (other, "details_box"), TRUE);
  gtk_stack_set_visible_child_name (test_ui_window_child (other, "details_stack"), "traces");
  test_ui_iterate (200);
  gtk_widget_measure (GTK_WIDGET (other), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_test_message ("window %dx%d, minimum width %d", gtk_widget_get_width (GTK_WIDGET (other)),
                  gtk_widget_get_height (GTK_WIDGET (other)), minimum);
  g_assert_cmpint (minimum, <, 600);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (other)), <=, 1100);
  gtk_window_destroy (GTK_WINDOW (other));

  g_unlink (stream);
  g_unlink (metadata);
  g_rmdir (bad);
  {
    g_autofree char *remove = g_strdup_printf ("rm -r '%s'", copied);

    g_assert_true (g_spawn_command_line_sync (remove, NULL, NULL, NULL, NULL));
  }
  g_rmdir (dir);
}

/* The demo lost 26 events: the banner over the timeline says how many, and the ruler marks
 * where, its tooltip naming the CPU. */
static void
test_losses (void)
{
  StrataLossBanner *banner = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_LOSS_BANNER);
  StrataTimeRuler *ruler = test_ui_find_widget (GTK_WIDGET (view), STRATA_TYPE_TIME_RULER);
  const GArray *losses = strata_session_get_losses (get_session ());
  StrataAnalysis *analysis = get_analysis ();
  guint64 discarded = 0;
  g_autofree char *count = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *nothing = NULL;
  const StrataLossMark *mark;
  double x;

  for (guint i = 0; i < analysis->set->traces->len; i++)
    discarded += ((StrataTrace *) g_ptr_array_index (analysis->set->traces, i))->discarded;
  g_assert_cmpuint (discarded, >, 0);
  g_assert_cmpuint (losses->len, >, 0);
  g_assert_cmpuint (strata_describe_losses_total (losses, NULL), ==, discarded);

  g_assert_nonnull (banner);
  g_test_message ("%s", strata_loss_banner_get_text (banner));
  count = g_strdup_printf ("discarded %" G_GUINT64_FORMAT " events", discarded);
  g_assert_nonnull (strstr (strata_loss_banner_get_text (banner), count));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (banner)));

  strata_session_fit (get_session ());
  test_ui_iterate (20);
  g_assert_nonnull (ruler);
  mark = &g_array_index (losses, StrataLossMark, 0);
  x = strata_time_span_to_x (*strata_session_get_visible_time (get_session ()), mark->begin,
                             gtk_widget_get_width (GTK_WIDGET (ruler)));
  tooltip = strata_time_ruler_describe_at (ruler, x + 1);
  g_test_message ("%s", tooltip);
  g_assert_nonnull (tooltip);
  g_assert_nonnull (strstr (tooltip, "discarded by the tracer on CPU"));
  /* The timeline's tooltip over the ruler: the time, then the losses. */
  {
    StrataRenderOptions o;
    g_autofree char *view_tooltip = NULL;

    strata_timeline_view_get_render_options (view, &o);
    view_tooltip = strata_timeline_view_describe_at (view, o.header_width + x + 1, o.ruler_height / 2.0);
    g_test_message ("%s", view_tooltip);
    g_assert_nonnull (view_tooltip);
    g_assert_nonnull (strstr (view_tooltip, tooltip));
  }
  /* Nothing is lost at the very start. */
  nothing = strata_time_ruler_describe_at (ruler, 0);
  if (mark->begin > strata_session_get_visible_time (get_session ())->begin + 100 * strata_time_span_ns_per_px (*strata_session_get_visible_time (get_session ()), gtk_widget_get_width (GTK_WIDGET (ruler))))
    g_assert_null (nothing);
}

/* Every sample trace at once, in a window of 1100 × 720: long problem messages wrap, and
 * nothing widens the window; the user-space trace of wilbrod is a note of its kernel
 * trace's group. */
static void
test_all_traces (void)
{
  const char *dir = g_getenv ("STRATA_TRACES_DIR");
  const char *paths[] = { dir, NULL };
  StrataWindow *other;
  StrataSession *session;
  StrataLayout *layout;
  int minimum;
  guint notes = 0;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("sample traces not found (STRATA_TRACES_DIR)");
      return;
    }
  other = open_window (paths, 1100, 720);
  g_assert_cmpstr (test_ui_visible_page (other), ==, "set");
  g_assert_cmpuint (strata_window_get_set (other)->errors->len, >, 0);
  gtk_widget_set_visible (test_ui_window_child (other, "details_box"), TRUE);
  gtk_stack_set_visible_child_name (test_ui_window_child (other, "details_stack"), "traces");
  test_ui_iterate (300);
  gtk_widget_measure (GTK_WIDGET (other), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_test_message ("window %dx%d, minimum width %d", gtk_widget_get_width (GTK_WIDGET (other)),
                  gtk_widget_get_height (GTK_WIDGET (other)), minimum);
  g_assert_cmpint (minimum, <=, 600);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (other)), <=, 1100);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (other)), <=, 720);

  session = strata_window_get_session (other);
  layout = strata_session_get_layout (session);
  for (guint i = 0; i < layout->entries->len; i++)
    {
      const StrataLayoutEntry *e = &g_array_index (layout->entries, StrataLayoutEntry, i);

      if (e->header && e->note != NULL)
        {
          g_test_message ("%s: %s", e->label, e->note);
          notes++;
        }
      /* No group of its own for a user-space trace beside its host's kernel trace. */
      g_assert_false (e->header && g_str_has_suffix (e->label, "(cat-ust)"));
    }
  g_assert_cmpuint (notes, >=, 2);
  gtk_window_destroy (GTK_WINDOW (other));
}

static void
open_demo (void)
{
  g_autofree char *demo = strata_app_dup_demo_dir ();
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  const char *paths[] = { demo, NULL };
  gint64 deadline = g_get_monotonic_time () + TEST_UI_LOAD_TIMEOUT_US;

  gtk_css_provider_load_from_resource (css, "/io/github/stratatrace/Strata/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  window = strata_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  strata_window_open (window, paths);
  test_ui_wait_until_loaded (window, TEST_UI_LOAD_TIMEOUT_US);
  view = test_ui_find_widget (GTK_WIDGET (window), STRATA_TYPE_TIMELINE_VIEW);
  g_assert_nonnull (view);
  while (gtk_widget_get_width (GTK_WIDGET (view)) < 800)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      test_ui_iterate (10);
    }
  test_ui_iterate (100);
  server1 = machine_of ("server1");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *demo = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!test_ui_init ())
    return 77;

  demo = strata_app_dup_demo_dir ();
  if (!g_file_test (demo, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("no demo set at %s\n", demo);
      return 77;
    }
  open_demo ();

  g_test_add_func ("/timeline-view/rows", test_rows);
  g_test_add_func ("/timeline-view/zoom-pan", test_zoom_pan);
  g_test_add_func ("/timeline-view/keyboard", test_keyboard);
  g_test_add_func ("/timeline-view/focus-ring", test_focus_ring);
  g_test_add_func ("/timeline-view/small-window", test_small_window);
  g_test_add_func ("/timeline-view/long-problem", test_long_problem);
  g_test_add_func ("/timeline-view/all-traces", test_all_traces);
  g_test_add_func ("/timeline-view/losses", test_losses);
  g_test_add_func ("/timeline-view/selection", test_selection);
  g_test_add_func ("/timeline-view/tooltip", test_tooltip);
  g_test_add_func ("/timeline-view/preemptions", test_preemptions);
  g_test_add_func ("/timeline-view/range", test_range);
  g_test_add_func ("/timeline-view/highlight", test_highlight);
  g_test_add_func ("/timeline-view/hover", test_hover);
  g_test_add_func ("/timeline-view/ruler", test_ruler);
  g_test_add_func ("/timeline-view/export", test_export);
  g_test_add_func ("/timeline-view/screenshot", test_screenshot);
  g_test_add_func ("/timeline-view/screenshot-synctraces", test_screenshot_synctraces);

  status = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (window));
  return status;
}
