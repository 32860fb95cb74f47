/* strata-session.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-session"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-describe.h"
#include "strata-follow.h"
#include "strata-session.h"
#include "strata-time.h"

struct _StrataSession
{
  GObject          parent_instance;

  /* Owned */
  StrataAnalysis  *analysis;
  StrataLayout    *layout;
  StrataHighlight *highlight;
  GArray          *collapsed;    /* gboolean per layout entry */
  GArray          *shown;        /* guint: the layout entries shown, given collapsed */
  GArray          *losses;       /* StrataLossMark; NULL until asked for */

  StrataTimeSpan   document;
  StrataTimeSpan   visible;
  StrataTimeSpan   selection;    /* empty: none */
  gint             marked_row;
  gint             marked_row2;
  StrataTimeSpan   marked;       /* empty: the whole rows */
  gint             marked_exits; /* an exits group (strata-exits.h) to mark, -1: none */
  gint             followed_row; /* a thread row followed through the host, -1: none */
  /* Its pieces drawn last: a frame draws them twice, in the bar and as outlines. */
  struct
  {
    gint           row;
    StrataTimeSpan visible;
    int            width;
    GArray        *pieces;       /* StrataFollowInterval; NULL: none */
  } followed_drawn;
};

enum {
  PROP_0,
  PROP_VISIBLE_TIME,
  PROP_SELECTED_TIME,
  PROP_HIGHLIGHT,
  PROP_MARKED_ROW,
  PROP_MARKED_EXITS,
  PROP_FOLLOWED_ROW,
  N_PROPS
};

enum {
  GROUPS_CHANGED,
  REVEAL_ROW,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (StrataSession, strata_session, G_TYPE_OBJECT)

static void
strata_session_finalize (GObject *object)
{
  StrataSession *self = STRATA_SESSION (object);

  g_clear_pointer (&self->layout, strata_layout_free);
  g_clear_pointer (&self->highlight, strata_highlight_free);
  g_clear_pointer (&self->collapsed, g_array_unref);
  g_clear_pointer (&self->shown, g_array_unref);
  g_clear_pointer (&self->losses, g_array_unref);
  g_clear_pointer (&self->followed_drawn.pieces, g_array_unref);
  g_clear_pointer (&self->analysis, strata_analysis_unref);
  G_OBJECT_CLASS (strata_session_parent_class)->finalize (object);
}

static void
strata_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  StrataSession *self = STRATA_SESSION (object);

  switch (prop_id)
    {
    case PROP_VISIBLE_TIME:
      g_value_set_boxed (value, &self->visible);
      break;
    case PROP_SELECTED_TIME:
      g_value_set_boxed (value, &self->selection);
      break;
    case PROP_HIGHLIGHT:
      g_value_set_boxed (value, self->highlight);
      break;
    case PROP_MARKED_ROW:
      g_value_set_int (value, self->marked_row);
      break;
    case PROP_MARKED_EXITS:
      g_value_set_int (value, self->marked_exits);
      break;
    case PROP_FOLLOWED_ROW:
      g_value_set_int (value, self->followed_row);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_session_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  StrataSession *self = STRATA_SESSION (object);

  switch (prop_id)
    {
    case PROP_HIGHLIGHT:
      strata_session_set_highlight (self, g_value_get_boxed (value));
      break;
    case PROP_MARKED_ROW:
      strata_session_set_marked_row (self, g_value_get_int (value));
      break;
    case PROP_MARKED_EXITS:
      strata_session_set_marked_exits (self, g_value_get_int (value));
      break;
    case PROP_FOLLOWED_ROW:
      strata_session_follow (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_session_class_init (StrataSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_session_finalize;
  object_class->get_property = strata_session_get_property;
  object_class->set_property = strata_session_set_property;

  properties[PROP_VISIBLE_TIME] =
    g_param_spec_boxed ("visible-time", NULL, NULL, STRATA_TYPE_TIME_SPAN,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_TIME] =
    g_param_spec_boxed ("selected-time", NULL, NULL, STRATA_TYPE_TIME_SPAN,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGHLIGHT] =
    g_param_spec_boxed ("highlight", NULL, NULL, STRATA_TYPE_HIGHLIGHT,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MARKED_ROW] =
    g_param_spec_int ("marked-row", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MARKED_EXITS] =
    g_param_spec_int ("marked-exits", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOWED_ROW] =
    g_param_spec_int ("followed-row", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StrataSession::groups-changed:
   *
   * A group of rows was collapsed or expanded: the shown entries changed.
   */
  signals[GROUPS_CHANGED] =
    g_signal_new ("groups-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * StrataSession::reveal-row:
   * @row: a store row
   *
   * Asks the views to bring @row into sight: it was just marked, even if it was already.
   */
  signals[REVEAL_ROW] =
    g_signal_new ("reveal-row", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
strata_session_init (StrataSession *self)
{
  self->marked_row = -1;
  self->marked_row2 = -1;
  self->marked_exits = -1;
  self->followed_row = -1;
  self->highlight = strata_highlight_new ();
}

StrataSession *
strata_session_new (StrataAnalysis *analysis)
{
  StrataSession *self;

  g_return_val_if_fail (analysis != NULL, NULL);

  self = g_object_new (STRATA_TYPE_SESSION, NULL);
  self->analysis = strata_analysis_ref (analysis);
  self->layout = strata_layout_new (analysis);
  self->collapsed = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_array_set_size (self->collapsed, self->layout->entries->len);
  self->shown = strata_layout_visible (self->layout, self->collapsed);
  self->document.begin = strata_store_begin (analysis->store);
  self->document.end = strata_store_end (analysis->store);
  if (strata_time_span_duration (self->document) < STRATA_SESSION_MIN_SPAN)
    self->document.end = self->document.begin + STRATA_SESSION_MIN_SPAN;
  self->visible = self->document;
  self->selection = (StrataTimeSpan) { self->document.begin, self->document.begin };
  return self;
}

StrataAnalysis *
strata_session_get_analysis (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  return self->analysis;
}

/**
 * strata_session_get_losses:
 *
 * Returns: (transfer none): where the tracers discarded events (#StrataLossMark, by begin)
 */
const GArray *
strata_session_get_losses (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (self->losses == NULL)
    self->losses = strata_describe_losses (self->analysis);
  return self->losses;
}

/**
 * strata_session_get_layout:
 *
 * Returns: (transfer none): the rows of the set's view, in groups
 */
StrataLayout *
strata_session_get_layout (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  return self->layout;
}

const StrataTimeSpan *
strata_session_get_document_time (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  return &self->document;
}

const StrataTimeSpan *
strata_session_get_visible_time (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  return &self->visible;
}

static void
set_visible (StrataSession *self,
             gint64         from,
             gint64         to)
{
  gint64 span = to - from;

  /* Never narrower than the minimum, never wider than the set, never outside it. */
  span = CLAMP (span, STRATA_SESSION_MIN_SPAN, strata_time_span_duration (self->document));
  if (from < self->document.begin)
    from = self->document.begin;
  if (from + span > self->document.end)
    from = self->document.end - span;
  to = from + span;

  if (from == self->visible.begin && to == self->visible.end)
    return;
  self->visible.begin = from;
  self->visible.end = to;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_TIME]);
}

void
strata_session_zoom_to (StrataSession *self,
                        gint64         from,
                        gint64         to)
{
  StrataTimeSpan span = strata_time_span_order ((StrataTimeSpan) { from, to });

  g_return_if_fail (STRATA_IS_SESSION (self));

  /* Too narrow: widen around the middle. */
  if (strata_time_span_duration (span) < STRATA_SESSION_MIN_SPAN)
    {
      gint64 mid = span.begin + strata_time_span_duration (span) / 2;

      span.begin = mid - STRATA_SESSION_MIN_SPAN / 2;
      span.end = span.begin + STRATA_SESSION_MIN_SPAN;
    }
  set_visible (self, span.begin, span.end);
}

void
strata_session_zoom_at (StrataSession *self,
                        gint64         anchor,
                        double         factor)
{
  double span, fraction;
  gint64 new_span, from;

  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (factor > 0);

  span = (double) strata_time_span_duration (self->visible);
  fraction = (anchor - self->visible.begin) / span;
  new_span = (gint64) llround (span / factor);
  new_span = CLAMP (new_span, STRATA_SESSION_MIN_SPAN, strata_time_span_duration (self->document));
  from = anchor - (gint64) llround (fraction * new_span);
  set_visible (self, from, from + new_span);
}

void
strata_session_pan (StrataSession *self,
                    gint64         delta)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  set_visible (self, self->visible.begin + delta, self->visible.end + delta);
}

void
strata_session_fit (StrataSession *self)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  set_visible (self, self->document.begin, self->document.end);
}

void
strata_session_zoom_around (StrataSession *self,
                            gint64         from,
                            gint64         to,
                            double         context)
{
  gint64 pad = (gint64) ((to - from) * context);

  g_return_if_fail (STRATA_IS_SESSION (self));

  strata_session_zoom_to (self, from - pad, to + pad);
}

const StrataTimeSpan *
strata_session_get_selected_time (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  return &self->selection;
}

gboolean
strata_session_has_selection (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);

  return !strata_time_span_is_empty (self->selection);
}

void
strata_session_select (StrataSession *self,
                       gint64         from,
                       gint64         to)
{
  StrataTimeSpan span = strata_time_span_order ((StrataTimeSpan) { from, to });

  g_return_if_fail (STRATA_IS_SESSION (self));

  span.begin = CLAMP (span.begin, self->document.begin, self->document.end);
  span.end = CLAMP (span.end, self->document.begin, self->document.end);
  if (strata_time_span_equal (&span, &self->selection))
    return;
  self->selection = span;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_TIME]);
}

void
strata_session_clear_selection (StrataSession *self)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  strata_session_select (self, self->document.begin, self->document.begin);
}

gboolean
strata_session_zoom_to_selection (StrataSession *self)
{
  StrataTimeSpan selection;

  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);

  if (!strata_session_has_selection (self))
    return FALSE;
  /* Once shown whole, a selection would only tint the whole view. */
  selection = self->selection;
  strata_session_clear_selection (self);
  strata_session_zoom_to (self, selection.begin, selection.end);
  return TRUE;
}

const StrataHighlight *
strata_session_get_highlight (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  return self->highlight;
}

/**
 * strata_session_set_highlight:
 * @highlight: (nullable): what to highlight (copied); %NULL or empty: nothing
 */
void
strata_session_set_highlight (StrataSession         *self,
                              const StrataHighlight *highlight)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  if (strata_highlight_equal (self->highlight, highlight))
    return;
  strata_highlight_free (self->highlight);
  self->highlight = highlight != NULL ? strata_highlight_copy (highlight) : strata_highlight_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGHLIGHT]);
}

gint
strata_session_get_marked_exits (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), -1);

  return self->marked_exits;
}

/**
 * strata_session_set_marked_exits:
 * @group: a group of the analysis' exits (one VM's vCPU and reason), or -1
 *
 * Marks the exits of @group on their vCPU's row, wherever they are drawn.
 */
void
strata_session_set_marked_exits (StrataSession *self,
                                 gint           group)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (group >= -1);

  if (group >= 0 && (self->analysis->exits == NULL || (guint) group >= strata_exits_n_groups (self->analysis->exits)))
    group = -1;
  if (self->marked_exits == group)
    return;
  self->marked_exits = group;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MARKED_EXITS]);
}

gint
strata_session_get_followed_row (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), -1);

  return self->followed_row;
}

/**
 * strata_session_follow:
 * @row: a thread row of the store, or -1 to stop following
 *
 * Follows the thread of @row: the views show its row and outline it on the CPU rows. A row
 * that is not a thread's stops following.
 */
void
strata_session_follow (StrataSession *self,
                       gint           row)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  if (row < 0 || (guint) row >= strata_store_n_rows (self->analysis->store) ||
      strata_store_row_kind (self->analysis->store, row) != STRATA_ROW_THREAD)
    row = -1;
  if (self->followed_row == row)
    return;
  self->followed_row = row;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOWED_ROW]);
}

/**
 * strata_session_get_followed_pieces:
 * @width: the width in pixels they are drawn over
 *
 * The followed thread's pieces to draw over the visible range (strata_follow_thread_drawn()),
 * kept until the row, the range or @width changes, so that the bar and the outlines of one
 * frame share them.
 *
 * Returns: (transfer full) (nullable): a StrataFollowInterval array not to change, or %NULL
 *   when no thread is followed
 */
GArray *
strata_session_get_followed_pieces (StrataSession *self,
                                    int            width)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (self->followed_row < 0)
    return NULL;
  if (self->followed_drawn.pieces == NULL || self->followed_drawn.row != self->followed_row ||
      self->followed_drawn.width != width ||
      !strata_time_span_equal (&self->followed_drawn.visible, &self->visible))
    {
      g_clear_pointer (&self->followed_drawn.pieces, g_array_unref);
      self->followed_drawn.pieces = strata_follow_thread_drawn (self->analysis, self->followed_row,
                                                                self->visible, width);
      self->followed_drawn.row = self->followed_row;
      self->followed_drawn.visible = self->visible;
      self->followed_drawn.width = width;
    }
  return g_array_ref (self->followed_drawn.pieces);
}

/**
 * strata_session_follow_step:
 * @direction: > 0 for the next state change, < 0 for the previous one
 *
 * Selects the followed thread's next state after the selection's start (or after the visible
 * range's start), or its previous one before the selection's start (or before the visible
 * range's end), and brings it into sight: panned to when it is short, shown whole otherwise.
 *
 * Returns: whether there was one
 */
gboolean
strata_session_follow_step (StrataSession *self,
                            gint           direction)
{
  StrataFollowInterval piece;
  gint64 at, span;

  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);

  if (self->followed_row < 0)
    return FALSE;
  if (strata_session_has_selection (self))
    at = self->selection.begin;
  else
    at = direction > 0 ? self->visible.begin : self->visible.end;
  if (!strata_follow_step (self->analysis, self->followed_row, at, direction, &piece))
    return FALSE;
  strata_session_select (self, piece.start, piece.end);
  span = self->visible.end - self->visible.begin;
  if (piece.end - piece.start > span / 2)
    strata_session_zoom_around (self, piece.start, piece.end, 0.25);
  else if (piece.start < self->visible.begin || piece.end > self->visible.end)
    strata_session_pan (self, piece.start - span / 4 - self->visible.begin);
  return TRUE;
}

gint
strata_session_get_marked_row (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), -1);

  return self->marked_row;
}

/**
 * strata_session_set_marked_row:
 * @row: a store row to outline, or -1
 *
 * Marks @row whole (a vCPU), expands its group and asks the views to bring it into sight
 * (#StrataSession::reveal-row).
 */
void
strata_session_set_marked_row (StrataSession *self,
                               gint           row)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (row >= -1);

  strata_session_mark (self, row, -1, 0, 0);
}

gint
strata_session_get_marked_row2 (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), -1);

  return self->marked_row2;
}

const StrataTimeSpan *
strata_session_get_marked_time (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  return &self->marked;
}

static gint
expand_row (StrataSession *self,
            gint           row)
{
  gint entry = row >= 0 ? strata_session_find_entry (self, row) : -1;

  if (entry >= 0)
    strata_session_set_group_collapsed (self, g_array_index (self->layout->entries, StrataLayoutEntry, entry).group,
                                        FALSE);
  return entry;
}

/**
 * strata_session_mark:
 * @row: a store row to outline (a preemption's vCPU), or -1
 * @row2: another row to outline over the same span (the pCPU it happened on), or -1
 * @from: the start of the span to outline
 * @to: its end; @from == @to outlines the whole rows
 *
 * Marks what a preemption is about, expands the groups of its rows and asks the views to
 * bring @row into sight (#StrataSession::reveal-row). Notifies #StrataSession:marked-row
 * when anything of the mark changes.
 */
void
strata_session_mark (StrataSession *self,
                     gint           row,
                     gint           row2,
                     gint64         from,
                     gint64         to)
{
  StrataTimeSpan span = strata_time_span_order ((StrataTimeSpan) { from, to });
  gint entry;

  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (row >= -1 && row2 >= -1);

  entry = expand_row (self, row);
  expand_row (self, row2);
  if (self->marked_row != row || self->marked_row2 != row2 || !strata_time_span_equal (&span, &self->marked))
    {
      self->marked_row = row;
      self->marked_row2 = row2;
      self->marked = span;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MARKED_ROW]);
    }
  if (entry >= 0)
    g_signal_emit (self, signals[REVEAL_ROW], 0, row);
}

const GArray *
strata_session_get_collapsed (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  return self->collapsed;
}

gboolean
strata_session_get_group_collapsed (StrataSession *self,
                                    guint          header)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);
  g_return_val_if_fail (header < self->collapsed->len, FALSE);

  return g_array_index (self->collapsed, gboolean, header);
}

void
strata_session_set_group_collapsed (StrataSession *self,
                                    guint          header,
                                    gboolean       collapsed)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (header < self->layout->entries->len);
  g_return_if_fail (g_array_index (self->layout->entries, StrataLayoutEntry, header).header);

  collapsed = !!collapsed;
  if (g_array_index (self->collapsed, gboolean, header) == collapsed)
    return;
  g_array_index (self->collapsed, gboolean, header) = collapsed;
  g_array_unref (self->shown);
  self->shown = strata_layout_visible (self->layout, self->collapsed);
  g_signal_emit (self, signals[GROUPS_CHANGED], 0);
}

const GArray *
strata_session_get_shown (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  return self->shown;
}

gint
strata_session_find_entry (StrataSession *self,
                           guint          row)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), -1);

  for (guint i = 0; i < self->layout->entries->len; i++)
    {
      const StrataLayoutEntry *e = &g_array_index (self->layout->entries, StrataLayoutEntry, i);

      if (!e->header && e->row == (gint) row)
        return i;
    }
  return -1;
}

char *
strata_session_describe_at (StrataSession *self,
                            guint          row,
                            gint64         ns)
{
  StrataStore *store;
  StrataInterval iv;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  store = self->analysis->store;
  if (row >= strata_store_n_rows (store) || !strata_store_lookup (store, row, ns, &iv) ||
      strata_state_desc_is_gap (iv.desc))
    return NULL;
  return strata_describe_interval (self->analysis, row, &iv, ns);
}

char *
strata_session_describe_span (StrataSession *self,
                              guint          row,
                              gint64         from,
                              gint64         to)
{
  StrataStore *store;
  StrataPixel px;
  g_autofree char *span = NULL;
  guint percent;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  store = self->analysis->store;
  if (row >= strata_store_n_rows (store) || to <= from)
    return NULL;
  strata_store_summarize (store, row, from, to, 1, &px);
  if (px.changes < 2)
    return NULL;
  span = strata_time_format_duration (to - from);
  /* Some activity, however short, is never said to be none. */
  percent = px.busy > 0 ? MAX (1, (guint) (px.busy * 100 + 0.5)) : 0;
  if (percent == 0)
    /* Translators: what one pixel column of a row stands for, zoomed out: its length and
     * the state it was in */
    return g_strdup_printf (_("This pixel, %s: %s"), span, strata_state_get_title (px.state));
  /* Translators: what one pixel column of a row stands for, zoomed out: its length, the
   * share of it the row was busy, and in which state mostly */
  return g_strdup_printf (_("This pixel, %s: %u%% busy (%s)"), span, percent,
                          strata_state_get_title (strata_state_is_activity (px.state) || px.secondary == 0
                                                  ? px.state : px.secondary));
}
