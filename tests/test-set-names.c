/* test-set-names.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include "strata-set.h"

/*
 * Machine names: a hostname alone when it is the only one, and otherwise what tells its traces
 * apart: the domain, the session's name, its name and start (from LTTng's session folders,
 * "NAME-YYYYMMDD-HHMMSS", or the trace's environment), the folder. No trace file is read.
 */

typedef struct
{
  const char *path;
  const char *hostname;
  const char *domain;
  const char *session_name;   /* the environment's, or NULL */
  const char *session_time;
  const char *machine;        /* expected */
} Trace;

static const struct {
  const char *what;
  Trace       traces[4];
} cases[] = {
  { "two sessions of one name",
    { { "/t/wget-k-20180802-115043/kernel", "arnaud-desktop", "kernel", NULL, NULL, "arnaud-desktop (wget-k 11:50:43)" },
      { "/t/wget-k-20180802-115406/kernel", "arnaud-desktop", "kernel", NULL, NULL, "arnaud-desktop (wget-k 11:54:06)" } } },
  { "sessions of two names",
    { { "/t/web-20180802-115043/kernel", "h", "kernel", NULL, NULL, "h (web)" },
      { "/t/db-20180803-101010/kernel", "h", "kernel", NULL, NULL, "h (db)" } } },
  { "one name on two days",
    { { "/t/s-20180802-115043/kernel", "h", "kernel", NULL, NULL, "h (s 2018-08-02 11:50:43)" },
      { "/t/s-20180803-115043/kernel", "h", "kernel", NULL, NULL, "h (s 2018-08-03 11:50:43)" } } },
  { "a kernel and a user-space trace of one session",
    { { "/t/s-20200101-000000/kernel", "h", "kernel", NULL, NULL, "h" },
      { "/t/s-20200101-000000/ust/uid/1000/64-bit", "h", "ust", NULL, NULL, "h (ust)" } } },
  { "the environment's session names first",
    { { "/t/a/kernel", "h", "kernel", "before", "2021-03-04T05:06:07+00:00", "h (before)" },
      { "/t/b/kernel", "h", "kernel", "after", NULL, "h (after)" } } },
  { "folders named freely",
    { { "/t/cat-kernel", "wilbrod", "kernel", NULL, NULL, "wilbrod" },
      { "/t/cat-ust", "wilbrod", "ust", NULL, NULL, "wilbrod (ust)" },
      { "/t/other", "basement", "kernel", NULL, NULL, "basement" } } },
  { "nothing but the folder tells them apart",
    { { "/x/a/kernel", "h", "kernel", NULL, NULL, "h (/x/a/kernel)" },
      { "/y/a/kernel", "h", "kernel", NULL, NULL, "h (/y/a/kernel)" } } },
  { "no hostname",
    { { "/t/one", NULL, NULL, NULL, NULL, "unknown" } } },
};

static void
test_names (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      StrataSet *set = strata_set_new ();
      guint n = 0;

      g_test_message ("%s", cases[c].what);
      for (; n < G_N_ELEMENTS (cases[c].traces) && cases[c].traces[n].path != NULL; n++)
        {
          const Trace *t = &cases[c].traces[n];
          StrataTrace *trace = strata_set_add_trace (set, t->path);

          trace->hostname = g_strdup (t->hostname);
          trace->domain = g_strdup (t->domain);
          trace->session_name = g_strdup (t->session_name);
          trace->session_time = g_strdup (t->session_time);
        }
      strata_set_finish (set);
      for (guint i = 0; i < n; i++)
        g_assert_cmpstr (((StrataTrace *) g_ptr_array_index (set->traces, i))->machine, ==,
                         cases[c].traces[i].machine);
      strata_set_unref (set);
    }
}

/* A name given before (a scenario's) stays, and the others keep clear of it. */
static void
test_names_given (void)
{
  StrataSet *set = strata_set_new ();
  StrataTrace *given = strata_set_add_trace (set, "/t/a");
  StrataTrace *other = strata_set_add_trace (set, "/t/b");

  given->machine = g_strdup ("h");
  other->hostname = g_strdup ("h");
  strata_set_finish (set);
  g_assert_cmpstr (given->machine, ==, "h");
  g_assert_cmpstr (other->machine, ==, "h (2)");
  strata_set_unref (set);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/set-names/sessions", test_names);
  g_test_add_func ("/set-names/given", test_names_given);

  return g_test_run ();
}
