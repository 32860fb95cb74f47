/* test-findings.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "strata-findings.h"
#include "strata-scenario.h"
#include "test-findings-util.h"

/*
 * Lock-holder preemption (test_lock_holder_scenario()): with vCPU 1's PAUSE exits inside vCPU
 * 0's preemption it is a finding; with other exits, or PAUSE exits at another time, it is not.
 */

#define BASE G_GINT64_CONSTANT (1000000000000)

static char *
scenario (const char *isa,
          const char *reason,
          gint64      spin_from,
          gint64      spin_to)
{
  return g_string_free (test_lock_holder_scenario (isa, reason, spin_from, spin_to), FALSE);
}

static GArray *
find (const char      *text,
      StrataAnalysis **analysis)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSet) set = strata_scenario_load_string (text, "test", NULL, &error);

  g_assert_no_error (error);
  *analysis = strata_analysis_new (set, NULL, &error);
  g_assert_no_error (error);
  return strata_find_lock_holder_preemptions (*analysis, G_MININT64, G_MAXINT64, -1);
}

static void
test_with (gconstpointer data)
{
  const char *isa = data;
  g_autofree char *text = scenario (isa, g_str_equal (isa, "vmx") ? "PAUSE_INSTRUCTION" : "pause", 12000, 30000);
  g_autoptr(StrataAnalysis) analysis = NULL;
  g_autoptr(GArray) findings = find (text, &analysis);
  g_autoptr(GArray) none = NULL;
  g_autofree char *said = NULL;
  const StrataLockHolderFinding *f;

  g_assert_cmpuint (findings->len, ==, 1);
  f = &g_array_index (findings, StrataLockHolderFinding, 0);
  g_assert_cmpint (f->preemption->vcpu, ==, 0);
  g_assert_cmpint (f->preemption->start, ==, BASE + 11000);
  g_assert_cmpint (f->preemption->end, ==, BASE + 31000);
  g_assert_cmpuint (f->pause_exits, ==, 18);
  g_assert_cmpuint (f->siblings->len, ==, 1);
  g_assert_cmpint (g_array_index (f->siblings, StrataSiblingPauses, 0).vcpu, ==, 1);
  said = strata_lock_holder_finding_describe (analysis, f);
  g_test_message ("%s", said);
  g_assert_nonnull (strstr (said, "stress (600)"));
  g_assert_nonnull (strstr (said, "vCPU 1: 18 PAUSE exits"));

  /* A range that misses the preemption finds nothing. */
  none = strata_find_lock_holder_preemptions (analysis, BASE + 40000, BASE + 50000, -1);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_without (void)
{
  g_autofree char *other = scenario ("vmx", "EPT_VIOLATION", 12000, 30000);
  g_autofree char *later = scenario ("vmx", "PAUSE_INSTRUCTION", 32000, 58000);
  g_autofree char *few = scenario ("vmx", "PAUSE_INSTRUCTION", 26000, 30000);
  g_autoptr(StrataAnalysis) a1 = NULL;
  g_autoptr(StrataAnalysis) a2 = NULL;
  g_autoptr(StrataAnalysis) a3 = NULL;
  g_autoptr(GArray) f1 = find (other, &a1);
  g_autoptr(GArray) f2 = find (later, &a2);
  g_autoptr(GArray) f3 = find (few, &a3);

  /* Exits that are not PAUSE; PAUSE exits after the preemption; too few to be spinning. */
  g_assert_cmpuint (f1->len, ==, 0);
  g_assert_cmpuint (f2->len, ==, 0);
  g_assert_cmpuint (f3->len, ==, 0);
  /* The preemption itself is there each time. */
  g_assert_cmpuint (a1->preemptions->len, >, 0);
  g_assert_cmpuint (a2->preemptions->len, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/findings/lock-holder/vmx", "vmx", test_with);
  g_test_add_data_func ("/findings/lock-holder/svm", "svm", test_with);
  g_test_add_func ("/findings/lock-holder/without", test_without);
  return g_test_run ();
}
