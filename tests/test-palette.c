/* test-palette.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <math.h>

#include "strata-renderer.h"

/*
 * The state colours, measured in both styles: every state a colour of its own (synonyms
 * aside), activity that stands out from the background, labels that read on it, and idle
 * and blocked visible without shouting. Contrast ratios are WCAG 2's; colour differences
 * CIE76 ΔE in CIELAB (D65).
 */

/* Backgrounds: the light style's view, the dark style's view (#1e1e1e) and the dark images'
 * (strata_render()'s 0.14, 0.14, 0.15). */
static const StrataRgb light_backgrounds[] = { { 1, 1, 1 } };
static const StrataRgb dark_backgrounds[] = { { 30 / 255.0, 30 / 255.0, 30 / 255.0 }, { 0.14, 0.14, 0.15 } };
static const StrataRgb white = { 1, 1, 1 };

/* States that mean the same on different rows, and share a colour. */
static const struct {
  StrataState a, b;
} synonyms[] = {
  { STRATA_STATE_RUNNING, STRATA_STATE_USER },
  { STRATA_STATE_INTERRUPTED, STRATA_STATE_IRQ },
  { STRATA_STATE_WAIT_CPU, STRATA_STATE_PREEMPTED },
};

static double
linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
luminance (StrataRgb c)
{
  return 0.2126 * linear (c.r) + 0.7152 * linear (c.g) + 0.0722 * linear (c.b);
}

static double
contrast (StrataRgb a,
          StrataRgb b)
{
  double la = luminance (a), lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

static double
lab_f (double t)
{
  return t > 216.0 / 24389.0 ? cbrt (t) : (841.0 / 108.0) * t + 4.0 / 29.0;
}

static double
delta_e (StrataRgb a,
         StrataRgb b)
{
  double lab[2][3];

  for (guint i = 0; i < 2; i++)
    {
      StrataRgb c = i == 0 ? a : b;
      double r = linear (c.r), g = linear (c.g), bl = linear (c.b);
      double x = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047;
      double y = 0.2126 * r + 0.7152 * g + 0.0722 * bl;
      double z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883;

      lab[i][0] = 116 * lab_f (y) - 16;
      lab[i][1] = 500 * (lab_f (x) - lab_f (y));
      lab[i][2] = 200 * (lab_f (y) - lab_f (z));
    }
  return sqrt (pow (lab[0][0] - lab[1][0], 2) + pow (lab[0][1] - lab[1][1], 2) +
               pow (lab[0][2] - lab[1][2], 2));
}

static gboolean
are_synonyms (StrataState a,
              StrataState b)
{
  for (guint i = 0; i < G_N_ELEMENTS (synonyms); i++)
    if ((synonyms[i].a == a && synonyms[i].b == b) || (synonyms[i].a == b && synonyms[i].b == a))
      return TRUE;
  return FALSE;
}

static void
check_style (gboolean dark)
{
  const StrataRgb *backgrounds = dark ? dark_backgrounds : light_backgrounds;
  guint n_backgrounds = dark ? G_N_ELEMENTS (dark_backgrounds) : G_N_ELEMENTS (light_backgrounds);

  for (StrataState s = 0; s < STRATA_STATE_N; s++)
    {
      StrataRgb c = strata_render_state_color (s, dark);
      double on_background = G_MAXDOUBLE;

      for (guint i = 0; i < n_backgrounds; i++)
        on_background = MIN (on_background, contrast (c, backgrounds[i]));
      g_test_message ("%s %-11s #%02x%02x%02x  luminance %.3f  on the background %.2f:1  white labels %.2f:1",
                      dark ? "dark " : "light", strata_state_to_string (s),
                      (guint) lround (c.r * 255), (guint) lround (c.g * 255), (guint) lround (c.b * 255),
                      luminance (c), on_background, contrast (c, white));

      switch (s)
        {
        case STRATA_STATE_UNKNOWN:
          /* Never drawn. */
          break;
        case STRATA_STATE_IDLE:
          /* A low bar that says "nothing": seen, but quiet. */
          g_assert_cmpfloat (on_background, >=, 1.5);
          g_assert_cmpfloat (on_background, <, 3.0);
          break;
        case STRATA_STATE_BLOCKED:
          g_assert_cmpfloat (on_background, >=, 3.0);
          break;
        default:
          /* Activity, with thread names on it in white (WCAG AA for text). */
          g_assert_cmpfloat (on_background, >=, 3.0);
          g_assert_cmpfloat (contrast (c, white), >=, 4.5);
          break;
        }
    }

  for (StrataState a = 0; a < STRATA_STATE_N; a++)
    for (StrataState b = a + 1; b < STRATA_STATE_N; b++)
      {
        double d = delta_e (strata_render_state_color (a, dark), strata_render_state_color (b, dark));

        if (are_synonyms (a, b))
          g_assert_cmpfloat (d, <, 0.5);
        else if (d < 15)
          g_error ("%s style: %s and %s are %.1f apart (ΔE), less than 15", dark ? "dark" : "light",
                   strata_state_to_string (a), strata_state_to_string (b), d);
      }
}

static void
test_palette_light (void)
{
  check_style (FALSE);
}

static void
test_palette_dark (void)
{
  check_style (TRUE);
}

/* The complaint this answers: idle and blocked were one grey in the dark style. */
static void
test_palette_idle_blocked (void)
{
  for (guint dark = 0; dark <= 1; dark++)
    g_assert_cmpfloat (delta_e (strata_render_state_color (STRATA_STATE_IDLE, dark),
                                strata_render_state_color (STRATA_STATE_BLOCKED, dark)), >=, 15);
}

/* A VM's colour is never taken for a state's: every machine colour stands far from every
 * state colour and from the backgrounds, in both styles, and from the other machines'; and
 * white labels read on it as on activity. */
static void
test_palette_machines (void)
{
  for (guint m = 0; m < 8; m++)
    {
      StrataRgb c = strata_render_machine_color (m);

      g_test_message ("machine %u #%02x%02x%02x, white labels %.2f:1", m, (guint) lround (c.r * 255),
                      (guint) lround (c.g * 255), (guint) lround (c.b * 255), contrast (c, white));
      g_assert_cmpfloat (contrast (c, white), >=, 4.5);
      for (StrataState s = 1; s < STRATA_STATE_N; s++)
        for (guint dark = 0; dark <= 1; dark++)
          if (delta_e (c, strata_render_state_color (s, dark)) < 28)
            g_error ("machine %u is %.1f from %s (ΔE, %s style), less than 28", m,
                     delta_e (c, strata_render_state_color (s, dark)), strata_state_to_string (s),
                     dark ? "dark" : "light");
      for (guint i = 0; i < G_N_ELEMENTS (dark_backgrounds); i++)
        g_assert_cmpfloat (delta_e (c, dark_backgrounds[i]), >=, 28);
      /* A palette repeats, past its end. */
      for (guint other = 0; other < m; other++)
        if (delta_e (c, strata_render_machine_color (other)) > 0.01)
          g_assert_cmpfloat (delta_e (c, strata_render_machine_color (other)), >=, 20);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/palette/light", test_palette_light);
  g_test_add_func ("/palette/dark", test_palette_dark);
  g_test_add_func ("/palette/idle-blocked", test_palette_idle_blocked);
  g_test_add_func ("/palette/machines", test_palette_machines);

  return g_test_run ();
}
