/* strata-exits-file.c: the exits' saved form
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-exits"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "strata-exits-private.h"
#include "strata-time.h"

/* Saved form: n_groups (u32), block bits (u32), n_exits (u64), widths (u32: bit 0, durations
 * of 64 bits; bit 1, info1 of 64 bits; else 32), zero (u32), the groups, then starts (64 bits),
 * durations, the sorted copy and info1, each an array of n_exits integers: each is aligned to
 * its width when the section is to 8 bytes. */
#define WIDE_DURS  1u
#define WIDE_INFO1 2u

/* The durations of @self, or their sorted copy, as saved: 32 or 64 bits (@wide) each. */
static void
write_durs (StrataExits         *self,
            StrataSectionWriter *writer,
            gboolean             sorted,
            gboolean             wide)
{
  if (self->dur_at == NULL)
    {
      strata_section_writer_write (writer, self->durs32 != NULL ? (sorted ? (gconstpointer) self->sorted32 : self->durs32)
                                                                : (sorted ? (gconstpointer) self->sorted : self->durs),
                                   self->n * dur_bytes (self));
      return;
    }
  for (guint gi = 0; gi < self->n_groups; gi++)
    {
      const Group *g = &self->groups[gi];

      for (guint64 b = 0; b < group_blocks (g); b++)
        {
          guint64 from = g->offset + (b << BLOCK_BITS);
          guint64 len = MIN (BLOCK, g->n - (b << BLOCK_BITS));
          guint64 o = self->bovf[g->block0 + b], no = self->bovf[g->block0 + b + 1] - o;
          guint64 at = self->dur_at[gi] + (b << BLOCK_BITS);
          union { gint64 w[BLOCK]; guint32 n[BLOCK]; } chunk;

          for (guint64 k = 0; k < len; k++)
            {
              gint64 d;

              if (!sorted)
                d = exit_dur (self, g, from + k);
              else
                d = k >= len - no ? self->ovf_sorted[o + k - (len - no)]
                    : self->dur16[gi] ? self->sorted16[at + k] : self->sorted32[at + k];
              if (wide)
                chunk.w[k] = d;
              else
                chunk.n[k] = (guint32) d;
            }
          strata_section_writer_write (writer, &chunk, len * (wide ? sizeof (gint64) : sizeof (guint32)));
        }
    }
}

void
strata_exits_write (StrataExits         *self,
                    StrataSectionWriter *writer)
{
  guint32 n_groups, block_bits = BLOCK_BITS, widths[2];
  guint64 n;
  gboolean wide_durs;

  g_return_if_fail (self != NULL);
  g_return_if_fail (writer != NULL);

  n_groups = self->n_groups;
  n = self->n;
  /* As made, durations are saved in 64 bits only when one needs it. */
  wide_durs = self->dur_at == NULL && self->durs32 == NULL;
  for (guint64 o = 0; self->dur_at != NULL && o < self->n_ovf; o++)
    wide_durs |= self->ovf_dur[o] > G_MAXUINT32;
  widths[0] = (wide_durs ? WIDE_DURS : 0) | (self->info32 == NULL ? WIDE_INFO1 : 0);
  widths[1] = 0;

  strata_section_writer_begin (writer, STRATA_EXITS_TAG, STRATA_EXITS_FORMAT_VERSION);
  strata_section_writer_write (writer, &n_groups, sizeof n_groups);
  strata_section_writer_write (writer, &block_bits, sizeof block_bits);
  strata_section_writer_write (writer, &n, sizeof n);
  strata_section_writer_write (writer, widths, sizeof widths);
  strata_section_writer_write (writer, self->groups, self->n_groups * sizeof (Group));
  if (self->starts != NULL)
    strata_section_writer_write (writer, self->starts, self->n * sizeof (gint64));
  else
    for (guint gi = 0; gi < self->n_groups; gi++)
      {
        const Group *g = &self->groups[gi];
        gint64 chunk[BLOCK];

        for (guint64 b = 0; b < group_blocks (g); b++)
          {
            guint64 from = g->offset + (b << BLOCK_BITS);
            guint64 len = MIN (BLOCK, g->n - (b << BLOCK_BITS));

            for (guint64 k = 0; k < len; k++)
              chunk[k] = exit_start (self, g, from + k);
            strata_section_writer_write (writer, chunk, len * sizeof (gint64));
          }
      }
  write_durs (self, writer, FALSE, wide_durs);
  write_durs (self, writer, TRUE, wide_durs);
  if (self->info_at == NULL)
    strata_section_writer_write (writer, self->info32 != NULL ? (gconstpointer) self->info32 : self->info1,
                                 self->n * info1_bytes (self));
  else
    for (guint gi = 0; gi < self->n_groups; gi++)
      {
        static const guint64 zeros[BLOCK] = { 0 };
        gsize size = info1_bytes (self);

        if (self->info_at[gi] != NO_INFO1)
          {
            strata_section_writer_write (writer, (const guint8 *) (self->info32 != NULL ? (gconstpointer) self->info32
                                                                                          : self->info1) + self->info_at[gi] * size,
                                         self->groups[gi].n * size);
            continue;
          }
        for (guint64 k = 0; k < self->groups[gi].n; k += BLOCK)
          strata_section_writer_write (writer, zeros, MIN (BLOCK, self->groups[gi].n - k) * size);
      }
  strata_section_writer_end (writer);
}

static StrataExits *
damaged (StrataExits  *self,
         GError      **error,
         const char   *what)
{
  strata_exits_free (self);
  g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_DAMAGED,
               _("The saved exits are damaged (%s)"), what);
  return NULL;
}

StrataExits *
strata_exits_read (StrataSectionFile  *file,
                   guint               n_machines,
                   GError            **error)
{
  const guint8 *data;
  gsize size;
  guint32 version, n_groups, block_bits, widths, zero;
  guint64 n, expect = 0;
  gsize wd, wi, per_exit;
  StrataExits *self;

  g_return_val_if_fail (file != NULL, NULL);

  if (!strata_section_file_lookup (file, STRATA_EXITS_TAG, &version, &data, &size))
    {
      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_DAMAGED,
                   _("The saved analysis has no exits"));
      return NULL;
    }
  if (version != STRATA_EXITS_FORMAT_VERSION)
    {
      g_set_error (error, STRATA_SECTION_FILE_ERROR, STRATA_SECTION_FILE_ERROR_FOREIGN,
                   _("The saved exits are of another version"));
      return NULL;
    }
  if (size < 24)
    return damaged (NULL, error, "size");
  memcpy (&n_groups, data, 4);
  memcpy (&block_bits, data + 4, 4);
  memcpy (&n, data + 8, 8);
  memcpy (&widths, data + 16, 4);
  memcpy (&zero, data + 20, 4);
  if ((widths & ~(WIDE_DURS | WIDE_INFO1)) != 0 || zero != 0)
    return damaged (NULL, error, "widths");
  wd = widths & WIDE_DURS ? sizeof (gint64) : sizeof (guint32);
  wi = widths & WIDE_INFO1 ? sizeof (guint64) : sizeof (guint32);
  per_exit = sizeof (gint64) + 2 * wd + wi;
  if (block_bits != BLOCK_BITS || n_groups > (size - 24) / sizeof (Group) ||
      n > (size - 24 - n_groups * sizeof (Group)) / per_exit ||
      size != 24 + n_groups * sizeof (Group) + n * per_exit)
    return damaged (NULL, error, "size");

  self = g_new0 (StrataExits, 1);
  self->n_groups = n_groups;
  self->n = n;
  self->groups = g_new (Group, MAX (n_groups, 1));
  memcpy (self->groups, data + 24, n_groups * sizeof (Group));
  data += 24 + n_groups * sizeof (Group);
  if (n > 0 && (guintptr) data % sizeof (gint64) == 0)
    {
      /* Read in place, as the store's rows: a reopened set's exits take memory only as the
       * panels query them. Each array is aligned to its width (see above). */
      const guint8 *durs = data + n * sizeof (gint64), *sorted = durs + n * wd, *info1 = sorted + n * wd;

      self->file = strata_section_file_ref (file);
      self->starts = (gint64 *) data;
      if (widths & WIDE_DURS)
        {
          self->durs = (gint64 *) durs;
          self->sorted = (gint64 *) sorted;
        }
      else
        {
          self->durs32 = (guint32 *) durs;
          self->sorted32 = (guint32 *) sorted;
        }
      if (widths & WIDE_INFO1)
        self->info1 = (guint64 *) info1;
      else
        self->info32 = (guint32 *) info1;
    }
  else
    {
      _strata_exits_alloc (self, TRUE, FALSE, (widths & WIDE_DURS) != 0, (widths & WIDE_INFO1) != 0, n);
      if (n > 0)
        {
          memcpy (self->starts, data, n * sizeof (gint64));
          data += n * sizeof (gint64);
          memcpy (self->durs32 != NULL ? (gpointer) self->durs32 : self->durs, data, n * wd);
          data += n * wd;
          memcpy (self->sorted32 != NULL ? (gpointer) self->sorted32 : self->sorted, data, n * wd);
          data += n * wd;
          memcpy (self->info32 != NULL ? (gpointer) self->info32 : self->info1, data, n * wi);
        }
    }

  /* Groups cover the arrays in order, with known machines, and are ordered and distinct. */
  for (guint gi = 0; gi < n_groups; gi++)
    {
      const Group *g = &self->groups[gi];

      if (g->machine >= n_machines || g->offset != expect || g->n == 0 || g->n > n - expect ||
          (gi > 0 && compare_group_key (&self->groups[gi - 1], g) >= 0))
        return damaged (self, error, "groups");
      expect += g->n;
      /* In the time range, and not overlapping, as exits of one vCPU are: sums then fit. */
      for (guint64 i = g->offset; i < g->offset + g->n; i++)
        {
          if (self->starts[i] < STRATA_TIME_MIN || exit_dur (self, g, i) < 0 ||
              exit_dur (self, g, i) > STRATA_TIME_MAX - self->starts[i] ||
              (i > g->offset && self->starts[i - 1] + exit_dur (self, g, i - 1) > self->starts[i]))
            return damaged (self, error, "order");
          /* The pages read go back as the checks go (a large set's exits pass 200 MiB). */
          if ((i & 0xffff) == 0xffff)
            strata_section_file_read (file, 0x10000 * (sizeof (gint64) + wd));
        }
    }
  if (expect != n)
    return damaged (self, error, "groups");
  _strata_exits_build_blocks (self, FALSE);
  /* The sorted copy must hold each block's durations in order: same sum, bounds, order. */
  for (guint gi = 0; gi < n_groups; gi++)
    {
      const Group *g = &self->groups[gi];

      for (guint64 b = 0; b < group_blocks (g); b++)
        {
          guint64 from = g->offset + (b << BLOCK_BITS);
          guint64 len = MIN (BLOCK, g->n - (b << BLOCK_BITS));
          guint64 sum = 0;

          for (guint64 i = from; i < from + len; i++)
            {
              if (i > from && exit_sorted (self, i - 1) > exit_sorted (self, i))
                return damaged (self, error, "sorted");
              sum += (guint64) exit_sorted (self, i);
            }
          if ((gint64) sum != self->bsum[g->block0 + b] || exit_sorted (self, from) != self->bmin[g->block0 + b] ||
              exit_sorted (self, from + len - 1) != self->bmax[g->block0 + b])
            return damaged (self, error, "sorted");
          strata_section_file_read (file, len * wd);
        }
    }
  /* What the checks read goes back to the page cache. */
  strata_section_file_release (file, (const guint8 *) self->starts - strata_section_file_data (file),
                               n * per_exit);
  return self;
}
