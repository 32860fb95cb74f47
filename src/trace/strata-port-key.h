/* strata-port-key.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-ctf-check.h"

G_BEGIN_DECLS

/*
 * What names a port of libbabeltrace2's CTF source among those of its trace, from its name:
 * "UUID | CLASS | INSTANCE" (stream class id and stream instance id) or "UUID | CLASS | PATH"
 * when the stream's packets have no instance id (PATH: its first file). strata_port_key()
 * gives the key of a port's name, NULL when it is neither; of_instance() and of_file() the
 * key of the port a stream of that instance, or of that file name, gets; of_file_check() the
 * key of the port that reads a checked stream file (its first sound packet's instance id, or
 * its name).
 */
char *strata_port_key                (const char              *name);
char *strata_port_key_of_instance    (guint64                  stream_class_id,
                                      guint64                  instance);
char *strata_port_key_of_file        (const char              *file);
char *strata_port_key_of_file_check  (const StrataStreamCheck *file,
                                      const StrataTsdl        *tsdl);

G_END_DECLS
