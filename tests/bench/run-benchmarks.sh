#!/bin/sh
# run-benchmarks.sh: generate the benchmark trace sets once (a host and two guests, about 10 M
# and 1 M events), then print decode, analysis, memory and drawing numbers.
#
#   tests/bench/run-benchmarks.sh [BUILD_DIR]      (or: meson test -C BUILD_DIR --benchmark)
#
# The sets are kept in $STRATA_BENCH_DIR (default: ~/.cache/strata-bench).
#
# Copyright 2026 The Strata authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

build=${1:-_build}
cache=${STRATA_BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-bench}

for size in 10000000 1000000; do
  if [ ! -d "$cache/$size" ]; then
    echo "Generating a $size-event set in $cache/$size"
    "$build/src/gen/strata-gen" bench --events "$size" "$cache/$size.tmp"
    mv "$cache/$size.tmp" "$cache/$size"
  fi
done

echo "== Loading: $cache/10000000"
"$build/tests/bench/strata-bench" load "$cache/10000000"
echo
echo "== Drawing: $cache/10000000"
"$build/tests/bench/strata-bench" render "$cache/10000000"
echo
echo "== Drawing: $cache/1000000"
"$build/tests/bench/strata-bench" render "$cache/1000000"
