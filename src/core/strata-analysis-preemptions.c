/* strata-analysis-preemptions.c: what ran instead of a preempted vCPU
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-preemptions"

#include "config.h"

#include "strata-analysis-private.h"

static int
compare_causes (gconstpointer a,
                gconstpointer b)
{
  const StrataPreemptionCause *ca = a, *cb = b;

  return ca->ns < cb->ns ? 1 : ca->ns > cb->ns ? -1 : (ca->tid > cb->tid) - (ca->tid < cb->tid);
}

static int
compare_preemptions (gconstpointer a,
                     gconstpointer b)
{
  const StrataPreemption *pa = a, *pb = b;

  if (pa->start != pb->start)
    return pa->start < pb->start ? -1 : 1;
  if (pa->machine != pb->machine)
    return (gint) pa->machine - (gint) pb->machine;
  return (pa->vcpu > pb->vcpu) - (pa->vcpu < pb->vcpu);
}

/* By start, so that the list reads in time order whichever model found them. */
void
_strata_analysis_sort_preemptions (GArray *preemptions)
{
  g_array_sort (preemptions, compare_preemptions);
}

typedef struct
{
  StrataStore    *store;
  StrataAnalysis *pub;
  guint           from;
  guint           to;
} CausesJob;

static gpointer
causes_worker (gpointer data)
{
  CausesJob *job = data;
  StrataStore *store = job->store;
  StrataAnalysis *pub = job->pub;

  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint));   /* by pCPU, -2: not looked up */

  for (guint i = job->from; i < job->to; i++)
    {
      StrataPreemption *p = &g_array_index (pub->preemptions, StrataPreemption, i);
      gint row = -1;
      guint64 first, last;

      if (p->pcpu >= 0 && p->pcpu < 4096)
        {
          if ((guint) p->pcpu >= rows->len)
            {
              guint old = rows->len;

              g_array_set_size (rows, p->pcpu + 1);
              for (guint k = old; k < rows->len; k++)
                g_array_index (rows, gint, k) = -2;
            }
          if (g_array_index (rows, gint, p->pcpu) == -2)
            {
              g_autofree char *name = g_strdup_printf ("pcpu/%d", p->pcpu);

              g_array_index (rows, gint, p->pcpu) = strata_store_find_row (store, name);
            }
          row = g_array_index (rows, gint, p->pcpu);
        }

      p->by = g_array_new (FALSE, FALSE, sizeof (StrataPreemptionCause));
      if (row < 0)
        continue;
      strata_store_range (store, row, p->start, p->end, &first, &last);
      for (guint64 k = first; k < last; k++)
        {
          StrataInterval iv;
          gint64 ns;
          guint c;

          strata_store_interval (store, row, k, &iv);
          ns = MIN (iv.end, p->end) - MAX (iv.start, p->start);
          if (ns <= 0 || strata_state_desc_is_gap (iv.desc))
            continue;
          for (c = 0; c < p->by->len; c++)
            {
              StrataPreemptionCause *cause = &g_array_index (p->by, StrataPreemptionCause, c);

              if (cause->machine == iv.desc->machine && cause->tid == iv.desc->tid &&
                  cause->vcpu == iv.desc->vcpu)
                {
                  cause->ns += ns;
                  break;
                }
            }
          if (c == p->by->len)
            {
              StrataPreemptionCause cause = { iv.desc->machine, iv.desc->tid, iv.desc->comm,
                                              iv.desc->vcpu, ns };

              g_array_append_val (p->by, cause);
            }
        }
      g_array_sort (p->by, compare_causes);
    }
  return NULL;
}

/* Preemptions are independent: half of them on another core. */
void
_strata_analysis_find_causes (StrataStore *store,
                              gpointer     data)
{
  StrataAnalysis *pub = data;
  guint half = g_get_num_processors () > 1 ? pub->preemptions->len / 2 : 0;
  CausesJob first = { store, pub, 0, half }, second = { store, pub, half, pub->preemptions->len };
  GThread *thread = half > 0 ? g_thread_new ("strata-causes", causes_worker, &first) : NULL;

  causes_worker (&second);
  if (thread != NULL)
    g_thread_join (thread);
}
