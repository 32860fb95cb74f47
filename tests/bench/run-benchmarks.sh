#!/bin/sh
# run-benchmarks.sh: generate the benchmark trace sets once (a host and two guests: about
# 10 M and 1 M events of the mixed shape, the 10 M one again without sync events, and 10 M of
# each other shape, contention again with many guest threads among them), then print decode,
# analysis, memory, reopening and drawing numbers.
#
#   tests/bench/run-benchmarks.sh [BUILD_DIR]      (or: meson test -C BUILD_DIR --benchmark)
#
# The sets are kept in $STRATA_BENCH_DIR (default: ~/.cache/strata-bench); STRATA_BENCH_SHAPES=0
# leaves the shapes out.
#
# Copyright 2026 The Strata authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

build=${1:-_build}
cache=${STRATA_BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-bench}
export STRATA_BENCH_DIR="$cache"

generate () {   # generate DIR EVENTS [SHAPE [OPTION]]
  if [ ! -d "$1" ]; then
    echo "Generating a $2-event set${3:+ of shape $3} in $1"
    mkdir -p "$(dirname "$1")"
    "$build/src/gen/strata-gen" bench --events "$2" ${3:+--shape "$3"} ${4:-} "$1.tmp"
    mv "$1.tmp" "$1"
  fi
}

for size in 10000000 1000000; do
  generate "$cache/$size" "$size"
done
generate "$cache/10000000-nosync" 10000000 mixed --no-sync

echo "== Loading: $cache/10000000"
"$build/tests/bench/strata-bench" load "$cache/10000000"
echo
echo "== Opening, then reopening from the saved analysis: $cache/10000000"
"$build/tests/bench/strata-bench" open "$cache/10000000"
echo
echo "== Drawing: $cache/10000000"
"$build/tests/bench/strata-bench" render "$cache/10000000"
echo
echo "== Drawing: $cache/1000000"
"$build/tests/bench/strata-bench" render "$cache/1000000"

echo
echo "== Guests with and without sync events: $cache/10000000, $cache/10000000-nosync"
"$build/tests/bench/strata-bench" sync "$cache/10000000" "$cache/10000000-nosync"

if [ "${STRATA_BENCH_SHAPES:-1}" != 0 ]; then
  shapes="$cache/shapes-10000000"
  mkdir -p "$shapes"
  [ -e "$shapes/mixed" ] || ln -s ../10000000 "$shapes/mixed"
  for shape in exits switches irqs contention; do
    generate "$shapes/$shape" 10000000 "$shape"
  done
  generate "$shapes/guest-threads" 10000000 contention "--guest-forks 30 --guest-window 15"
  echo
  echo "== Every shape: $shapes"
  "$build/tests/bench/strata-bench" shapes "$shapes"
fi
