#!/usr/bin/env python3
# check-manifest.py: the Flatpak manifests are valid JSON and build the app they name.
#
# Copyright 2026 The Strata authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import pathlib
import re
import sys

APP_ID = 'io.github.stratatrace.Strata'
FINISH_ARGS = ['--share=ipc', '--socket=fallback-x11', '--socket=wayland', '--device=dri',
               '--filesystem=home:ro']

here = pathlib.Path(__file__).resolve().parent
problems = []


def load(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        problems.append(f'{path.name}: {error}')
        return None


def check_sources(name, module):
    for source in module.get('sources', []):
        if source.get('type') in ('archive', 'file'):
            if not re.fullmatch(r'[0-9a-f]{64}', source.get('sha256', '')):
                problems.append(f'{name}: {source.get("url")} has no sha256')
        if source.get('type') == 'git' and not (source.get('tag') or source.get('commit')):
            problems.append(f'{name}: git source {source.get("url")} pins no tag or commit')


for suffix in ('', '.Devel'):
    path = here / f'{APP_ID}{suffix}.json'
    manifest = load(path)
    if manifest is None:
        continue
    if manifest.get('id') != APP_ID + suffix:
        problems.append(f'{path.name}: id is {manifest.get("id")!r}, not {APP_ID + suffix!r}')
    if manifest.get('command') != 'strata':
        problems.append(f'{path.name}: command is not strata')
    for arg in FINISH_ARGS:
        if arg not in manifest.get('finish-args', []):
            problems.append(f'{path.name}: finish-args lack {arg}')

    modules = manifest.get('modules', [])
    names = []
    for module in modules:
        if isinstance(module, str):
            included = load(here / module)
            if included is None:
                continue
            module = included
        names.append(module.get('name'))
        check_sources(path.name, module)
    if 'babeltrace2' not in names:
        problems.append(f'{path.name}: no babeltrace2 module (CTF 2 needs babeltrace2 2.1)')
    if not names or names[-1] != 'strata':
        problems.append(f'{path.name}: strata is not the last module')
    else:
        strata = modules[-1]
        if strata.get('buildsystem') != 'meson':
            problems.append(f'{path.name}: strata is not built with meson')
        development = '-Ddevelopment=true' in strata.get('config-opts', [])
        if development != (suffix == '.Devel'):
            problems.append(f'{path.name}: -Ddevelopment=true must be set in .Devel only')

for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
