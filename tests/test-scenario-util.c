/* test-scenario-util.c: what the scenario tests share
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include "test-scenario-util.h"

void
fixture_load (Fixture           *f,
              const char        *scenario,
              const StrataVmMap *maps,
              guint              n_maps)
{
  g_autoptr(GError) error = NULL;
  StrataAnalysisOptions options = { maps, n_maps };

  f->set = strata_scenario_load_string (scenario, "test", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->set->errors->len, ==, 0);
  f->analysis = strata_analysis_new (f->set, &options, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < f->analysis->warnings->len; i++)
    g_test_message ("analysis: %s", (const char *) g_ptr_array_index (f->analysis->warnings, i));
}

void
fixture_clear (Fixture *f)
{
  g_clear_pointer (&f->analysis, strata_analysis_unref);
  g_clear_pointer (&f->set, strata_set_unref);
}

void
check_row_from (Fixture      *f,
                const char   *row_name,
                gint64        from,
                const Expect *expect,
                guint         n)
{
  StrataStore *store = f->analysis->store;
  gint row = strata_store_find_row (store, row_name);
  guint64 count, first = 0;

  if (row < 0)
    g_error ("no row %s", row_name);
  count = strata_store_row_n_intervals (store, row);
  for (guint64 i = 0; i < count; i++)
    {
      StrataInterval iv;
      const char *machine;

      strata_store_interval (store, row, i, &iv);
      machine = iv.desc->machine == STRATA_NO_MACHINE ? NULL :
                ((StrataMachine *) g_ptr_array_index (f->analysis->machines, iv.desc->machine))->name;
      g_test_message ("%s [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ") %s %s vcpu %d tid %d %s", row_name,
                      iv.start - BASE, iv.end - BASE, strata_state_to_string (iv.desc->state), machine,
                      iv.desc->vcpu, iv.desc->tid, strata_analysis_string (f->analysis, iv.desc->comm));
    }
  for (; first < count; first++)
    {
      StrataInterval iv;

      strata_store_interval (store, row, first, &iv);
      if (iv.start - BASE >= from)
        break;
    }
  g_assert_cmpuint (count - first, ==, n);
  for (guint i = 0; i < n; i++)
    {
      StrataInterval iv;
      const char *machine;

      strata_store_interval (store, row, first + i, &iv);
      machine = iv.desc->machine == STRATA_NO_MACHINE ? NULL :
                ((StrataMachine *) g_ptr_array_index (f->analysis->machines, iv.desc->machine))->name;
      g_assert_cmpint (iv.start - BASE, ==, expect[i].start);
      if (expect[i].end != 0)
        g_assert_cmpint (iv.end - BASE, ==, expect[i].end);
      else
        g_assert_cmpint (iv.end, ==, strata_store_end (store));
      g_assert_cmpstr (strata_state_to_string (iv.desc->state), ==, expect[i].state);
      g_assert_cmpstr (machine, ==, expect[i].machine);
      g_assert_cmpint (iv.desc->vcpu, ==, expect[i].vcpu);
      if (expect[i].tid != -2)
        g_assert_cmpint (iv.desc->tid, ==, expect[i].tid);
      if (expect[i].comm != NULL)
        g_assert_cmpstr (strata_analysis_string (f->analysis, iv.desc->comm), ==, expect[i].comm);
    }
}

void
check_row (Fixture      *f,
           const char   *row_name,
           const Expect *expect,
           guint         n)
{
  check_row_from (f, row_name, G_MININT64, expect, n);
}
