#!/usr/bin/env python3
# code-id.py OUTPUT DEPFILE DIR...: writes OUTPUT, a header defining STRATA_CODE_ID, a digest
# of every .c and .h file in the DIRs (the code that decides what an analysis holds), and
# DEPFILE, which lists them, so that the build runs this again when any of them changes.
# A saved analysis made by other code is not used (see strata-cache.c).
#
# Copyright 2026 The Strata authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

import hashlib
import os
import sys

output, depfile, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
files = sorted(os.path.join(d, f) for d in dirs for f in os.listdir(d)
               if f.endswith('.c') or f.endswith('.h'))
digest = hashlib.sha256()
for path in files:
    digest.update(os.path.basename(path).encode() + b'\0')
    with open(path, 'rb') as f:
        digest.update(f.read())
text = '#pragma once\n#define STRATA_CODE_ID "%s"\n' % digest.hexdigest()[:32]
try:
    with open(output) as f:
        same = f.read() == text
except OSError:
    same = False
if not same:
    with open(output, 'w') as f:
        f.write(text)
with open(depfile, 'w') as f:
    f.write('%s: %s\n' % (output, ' '.join(p.replace(' ', '\\ ') for p in files)))
