#!/usr/bin/env python3
# check-potfiles.py: POTFILES.in lists existing files, sorted, and every source file that
# marks strings for translation; no translatable string holds a format macro xgettext cannot
# read.
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

# A format macro inside a translatable string cuts the msgid short: xgettext cannot expand
# G_GUINT64_FORMAT, and only knows <inttypes.h>'s PRIu64 & co.
call = re.compile(r'(?<![A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext)\s*\(')
literal = re.compile(r'\s*"(?:[^"\\]|\\.)*"')
identifier = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)')
for name in listed:
    if not name.endswith('.c') or not (root / name).is_file():
        continue
    text = (root / name).read_text(errors='replace')
    for match in call.finditer(text):
        i = match.end()
        n_args = 2 if match.group(1) in ('ngettext', 'g_dngettext', 'C_', 'NC_') else 1
        if match.group(1) == 'g_dngettext':
            i = text.index(',', i) + 1
        for arg in range(n_args):
            while True:
                m = literal.match(text, i)
                if m:
                    i = m.end()
                    continue
                m = identifier.match(text, i)
                if m and m.group(1).startswith('G_G') and m.group(1).endswith('_FORMAT'):
                    line = text.count('\n', 0, m.start(1)) + 1
                    problems.append(f'{name}:{line}: {m.group(1)} in a translatable string: '
                                    'use PRIu64, PRId64 (<inttypes.h>) or %zu, which xgettext reads')
                    i = m.end()
                    continue
                break
            m = re.match(r'\s*,', text[i:])
            if not m:
                break
            i += m.end()

for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
