#!/usr/bin/env python3
# check-potfiles.py: POTFILES.in lists existing files, sorted, and every source file that
# marks strings for translation.
#
# Copyright 2026 The Strata authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
potfiles = root / 'po' / 'POTFILES.in'

listed = [line.strip() for line in potfiles.read_text().splitlines()
          if line.strip() and not line.startswith('#')]
problems = []

for name in listed:
    if not (root / name).is_file():
        problems.append(f'{name}: listed in po/POTFILES.in but does not exist')

if listed != sorted(listed):
    problems.append('po/POTFILES.in is not sorted')

# _("…"), N_("…"), C_("…"), NC_("…"), ngettext (…) in C; translatable="yes" in .ui files.
c_marks = re.compile(r'(?<![A-Za-z0-9_])(?:NC_|[NC]?_|g_dngettext|ngettext)\s*\(\s*"')
ui_marks = re.compile(r'translatable\s*=\s*"(?:yes|true)"')

candidates = []
for pattern in ('src/**/*.c', 'ui/**/*.ui'):
    candidates.extend(root.glob(pattern))
candidates.extend(root.glob('data/*.desktop.in'))
candidates.extend(root.glob('data/*.metainfo.xml.in'))
candidates.extend(root.glob('data/*.gschema.xml'))

for path in sorted(candidates):
    name = path.relative_to(root).as_posix()
    if name in listed:
        continue
    text = path.read_text(errors='replace')
    if path.suffix == '.c':
        marked = c_marks.search(text)
    elif path.suffix == '.ui':
        marked = ui_marks.search(text)
    else:
        marked = True
    if marked:
        problems.append(f'{name}: has translatable strings but is missing from po/POTFILES.in')

for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
