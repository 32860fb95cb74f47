/* strata-highlight.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-highlight"

#include "config.h"

#include "strata-highlight.h"

typedef enum
{
  PART_NONE,
  PART_WHOLE,
  PART_SOME,
} Part;

typedef struct
{
  Part    part;
  GArray *vcpus;        /* guint32 words, a bit per vCPU id; PART_SOME only */
} Entry;

struct _StrataHighlight
{
  GArray  *machines;    /* Entry, by machine index: as long as the highest one named + 1 */
  guint    n_machines;  /* entries that are not PART_NONE */
  guint32  pixel_mask;  /* bit m for each machine m < 31 highlighted, as in StrataPixel */
};

G_DEFINE_BOXED_TYPE (StrataHighlight, strata_highlight, strata_highlight_copy, strata_highlight_free)

/* The store's per-pixel machine mask gives machines 31 and above one shared bit. */
#define PIXEL_BITS 31

static void
entry_clear (gpointer data)
{
  Entry *e = data;

  g_clear_pointer (&e->vcpus, g_array_unref);
}

StrataHighlight *
strata_highlight_new (void)
{
  StrataHighlight *self = g_new0 (StrataHighlight, 1);

  self->machines = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->machines, entry_clear);
  return self;
}

StrataHighlight *
strata_highlight_copy (const StrataHighlight *self)
{
  StrataHighlight *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = strata_highlight_new ();
  g_array_set_size (copy->machines, self->machines->len);
  for (guint m = 0; m < self->machines->len; m++)
    {
      const Entry *from = &g_array_index (self->machines, Entry, m);
      Entry *to = &g_array_index (copy->machines, Entry, m);

      to->part = from->part;
      if (from->vcpus != NULL)
        to->vcpus = g_array_copy (from->vcpus);
    }
  copy->n_machines = self->n_machines;
  copy->pixel_mask = self->pixel_mask;
  return copy;
}

void
strata_highlight_free (StrataHighlight *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->machines);
  g_free (self);
}

gboolean
strata_highlight_is_empty (const StrataHighlight *self)
{
  return self == NULL || self->n_machines == 0;
}

static const Entry *
get_entry (const StrataHighlight *self,
           guint                  machine)
{
  if (self == NULL || machine >= self->machines->len)
    return NULL;
  return &g_array_index (self->machines, Entry, machine);
}

static gboolean
vcpu_bit (const Entry *e,
          guint        vcpu)
{
  return e->vcpus != NULL && vcpu / 32 < e->vcpus->len &&
         (g_array_index (e->vcpus, guint32, vcpu / 32) >> (vcpu % 32)) & 1;
}

gboolean
strata_highlight_equal (const StrataHighlight *a,
                        const StrataHighlight *b)
{
  guint n;

  if (strata_highlight_is_empty (a) || strata_highlight_is_empty (b))
    return strata_highlight_is_empty (a) == strata_highlight_is_empty (b);
  if (a->n_machines != b->n_machines)
    return FALSE;
  n = MAX (a->machines->len, b->machines->len);
  for (guint m = 0; m < n; m++)
    {
      const Entry *ea = get_entry (a, m), *eb = get_entry (b, m);
      Part pa = ea ? ea->part : PART_NONE, pb = eb ? eb->part : PART_NONE;
      guint words;

      if (pa != pb)
        return FALSE;
      if (pa != PART_SOME)
        continue;
      words = MAX (ea->vcpus->len, eb->vcpus->len);
      for (guint w = 0; w < words; w++)
        {
          guint32 wa = w < ea->vcpus->len ? g_array_index (ea->vcpus, guint32, w) : 0;
          guint32 wb = w < eb->vcpus->len ? g_array_index (eb->vcpus, guint32, w) : 0;

          if (wa != wb)
            return FALSE;
        }
    }
  return TRUE;
}

static Entry *
ensure_entry (StrataHighlight *self,
              guint            machine)
{
  Entry *e;

  if (machine >= self->machines->len)
    g_array_set_size (self->machines, machine + 1);
  e = &g_array_index (self->machines, Entry, machine);
  if (e->part == PART_NONE)
    {
      self->n_machines++;
      if (machine < PIXEL_BITS)
        self->pixel_mask |= 1u << machine;
    }
  return e;
}

void
strata_highlight_add_machine (StrataHighlight *self,
                              guint            machine)
{
  Entry *e;

  g_return_if_fail (self != NULL);
  g_return_if_fail (machine <= G_MAXUINT16);

  e = ensure_entry (self, machine);
  e->part = PART_WHOLE;
  g_clear_pointer (&e->vcpus, g_array_unref);
}

void
strata_highlight_add_vcpu (StrataHighlight *self,
                           guint            machine,
                           guint            vcpu)
{
  Entry *e;

  g_return_if_fail (self != NULL);
  g_return_if_fail (machine <= G_MAXUINT16);

  e = ensure_entry (self, machine);
  if (e->part == PART_WHOLE)
    return;
  e->part = PART_SOME;
  if (e->vcpus == NULL)
    e->vcpus = g_array_new (FALSE, TRUE, sizeof (guint32));
  if (vcpu / 32 >= e->vcpus->len)
    g_array_set_size (e->vcpus, vcpu / 32 + 1);
  g_array_index (e->vcpus, guint32, vcpu / 32) |= 1u << (vcpu % 32);
}

gboolean
strata_highlight_has_machine (const StrataHighlight *self,
                              guint                  machine)
{
  const Entry *e = get_entry (self, machine);

  return e != NULL && e->part != PART_NONE;
}

gboolean
strata_highlight_is_partial (const StrataHighlight *self,
                             guint                  machine)
{
  const Entry *e = get_entry (self, machine);

  return e != NULL && e->part == PART_SOME;
}

gboolean
strata_highlight_has_vcpu (const StrataHighlight *self,
                           guint                  machine,
                           guint                  vcpu)
{
  const Entry *e = get_entry (self, machine);

  return e != NULL && (e->part == PART_WHOLE || (e->part == PART_SOME && vcpu_bit (e, vcpu)));
}

gboolean
strata_highlight_has_pixel (const StrataHighlight *self,
                            guint32                mask,
                            guint                  machine)
{
  if (self == NULL)
    return FALSE;
  return (mask & self->pixel_mask) != 0 || strata_highlight_has_machine (self, machine);
}
