/* strata-style-switcher.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define STRATA_TYPE_STYLE_SWITCHER (strata_style_switcher_get_type ())

G_DECLARE_FINAL_TYPE (StrataStyleSwitcher, strata_style_switcher, STRATA, STYLE_SWITCHER, GtkWidget)

GtkWidget *strata_style_switcher_new (void);

G_END_DECLS
