#!/usr/bin/env python3
# check-translations.py: every language of po/LINGUAS has a catalogue that msgfmt --check
# accepts, and that translates at least MIN_SHARE of the strings the sources mark today.
#
# The template is extracted afresh from po/POTFILES.in, as meson's 'glib' gettext preset
# does, so that strings added since the last update of a catalogue count as untranslated.
# Exits 77 (skipped) without gettext's tools.
#
# Copyright 2026 The Strata authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

MIN_SHARE = 0.95

# meson's i18n.gettext(preset: 'glib') arguments to xgettext.
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def main():
    root = pathlib.Path(sys.argv[1])
    po_dir = root / 'po'
    tools = {name: shutil.which(name) for name in ('xgettext', 'msgmerge', 'msgfmt')}
    if not all(tools.values()):
        print('skipped: gettext tools missing:',
              ', '.join(name for name, path in tools.items() if path is None))
        return 77

    languages = [line.split('#')[0].strip()
                 for line in (po_dir / 'LINGUAS').read_text().splitlines()]
    languages = [lang for lang in languages if lang]
    if not languages:
        print('po/LINGUAS lists no language')
        return 1

    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        pot = pathlib.Path(tmp) / 'strata.pot'
        result = run([tools['xgettext'], *XGETTEXT_ARGS, '--package-name=strata',
                      '--files-from=' + str(po_dir / 'POTFILES.in'),
                      '--directory=' + str(root), '--output=' + str(pot)])
        if result.returncode != 0:
            print('xgettext failed:', result.stderr)
            return 1

        for lang in languages:
            po = po_dir / f'{lang}.po'
            if not po.is_file():
                print(f'{lang}: listed in po/LINGUAS, but po/{lang}.po does not exist')
                failed = True
                continue

            # The catalogue as it is: it compiles, formats and plural forms agree.
            result = run([tools['msgfmt'], '--check', '--output-file=/dev/null', str(po)])
            if result.returncode != 0 or result.stderr.strip():
                print(f'{lang}: msgfmt --check reports:\n{result.stderr}')
                failed = True

            # Measured against today's strings: the catalogue brought up to the template, as
            # msgmerge would; fuzzy matches are not translations.
            merged = pathlib.Path(tmp) / f'{lang}.po'
            result = run([tools['msgmerge'], '--quiet', '--output-file=' + str(merged),
                          str(po), str(pot)])
            if result.returncode != 0:
                print(f'{lang}: msgmerge failed: {result.stderr}')
                failed = True
                continue
            result = run([tools['msgfmt'], '--check', '--statistics', '--output-file=/dev/null',
                          str(merged)], env={'LC_ALL': 'C'})
            counts = {kind: 0 for kind in ('translated', 'fuzzy', 'untranslated')}
            for number, kind in re.findall(r'(\d+) (translated|fuzzy|untranslated)', result.stderr):
                counts[kind] = int(number)
            total = sum(counts.values())
            share = counts['translated'] / total if total else 0.0
            print(f'{lang}: {counts["translated"]} of {total} strings translated ({share:.1%}), '
                  f'{counts["fuzzy"]} fuzzy, {counts["untranslated"]} untranslated')
            if result.returncode != 0:
                print(f'{lang}: the updated catalogue does not compile:\n{result.stderr}')
                failed = True
            if share < MIN_SHARE:
                print(f'{lang}: below {MIN_SHARE:.0%}; update po/{lang}.po '
                      f'(ninja strata-pot, then msgmerge --update po/{lang}.po po/strata.pot)')
                msgattrib = shutil.which('msgattrib')
                if msgattrib:
                    missing = run([msgattrib, '--untranslated', '--no-obsolete', str(merged)])
                    ids = re.findall(r'^msgid (".+")$', missing.stdout, re.MULTILINE)
                    print('untranslated:', *ids[:30], sep='\n  ')
                failed = True

    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
