#!/usr/bin/env bash
# tests/fuzz/run-fuzzers.sh [SECONDS] [TARGET...]: build the libFuzzer targets with clang
# (a separate build folder, with ASan, UBSan and coverage instrumentation on the libraries
# too) and run each target for SECONDS (default 600), one after the other, with a corpus kept
# under the build folder. Prints libFuzzer's exec counts. A crash leaves its input in
# BUILD_DIR/crashes/<target>/; keep it as a regression in tests/fuzz/regressions/<target>/.
#
# Environment: BUILD_DIR (default _build-fuzz, at the top of the source tree), CC (clang).
#
# Copyright 2026 The Strata authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -euo pipefail

cd "$(dirname "$0")/../.."

SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(fuzz-analysis fuzz-roundtrip fuzz-ctf-check fuzz-store-file fuzz-packet-context fuzz-index fuzz-event-decl)
fi
BUILD_DIR=${BUILD_DIR:-_build-fuzz}
export CC=${CC:-clang}

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  # UBSan findings must stop the fuzzer, not scroll by.
  meson setup "$BUILD_DIR" -Dfuzzing=true -Dgui=disabled -Dbuildtype=debugoptimized \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer"
fi
ninja -C "$BUILD_DIR" -j 2 "${TARGETS[@]/#/tests/fuzz/}" src/gen/strata-gen

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/.ci/lsan.supp:print_suppressions=0}

# Seeds for fuzz-ctf-check: a writer-made trace's metadata and one stream file, as the
# target reads them (two bytes of length, the text, the stream).
seed_ctf_check () {
  local corpus=$1 tmp
  tmp=$(mktemp -d)
  printf 'trace s cpus=2 offset_s=1000\n%s\n' \
    "$(for i in $(seq 1 200); do echo "event $((i * 1000)) $((i % 2)) sched_switch prev_tid=$i next_tid=$((i + 1)) prev_comm=a next_comm=b"; done)" \
    > "$tmp/scenario"
  "$BUILD_DIR/src/gen/strata-gen" scenario "$tmp/scenario" "$tmp/out" >/dev/null
  python3 - "$tmp/out/s" "$corpus/writer-seed" <<'PY'
import struct, sys
folder, out = sys.argv[1], sys.argv[2]
text = open(folder + '/metadata', 'rb').read()[:65535]
stream = open(folder + '/channel0_0', 'rb').read()[:8192]
open(out, 'wb').write(struct.pack('<H', len(text)) + text + stream)
PY
  rm -rf "$tmp"
}

for target in "${TARGETS[@]}"; do
  corpus="$BUILD_DIR/corpus/$target"
  crashes="$BUILD_DIR/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  if [ "$target" = fuzz-ctf-check ] && [ ! -e "$corpus/writer-seed" ]; then
    seed_ctf_check "$corpus"
  fi
  # Earlier findings seed the corpus too.
  seeds=()
  if [ -d "tests/fuzz/regressions/$target" ]; then
    seeds=("tests/fuzz/regressions/$target")
  fi
  echo "== $target: $SECONDS_EACH s"
  status=0
  # The targets that load traces go through libbabeltrace2, which keeps what it was filling
  # when a damaged event stops a stream; LeakSanitizer's suppression of that would need the
  # slow unwinder on every allocation (a few inputs a second). Leaks are left to the test
  # suites there, which replay these targets' inputs under LeakSanitizer.
  target_asan=$ASAN_OPTIONS
  case "$target" in
    fuzz-packet-context|fuzz-index|fuzz-event-decl) target_asan=$ASAN_OPTIONS:detect_leaks=0 ;;
  esac
  ASAN_OPTIONS=$target_asan "$BUILD_DIR/tests/fuzz/$target" -max_total_time="$SECONDS_EACH" -timeout=30 -rss_limit_mb=2048 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$crashes/" \
    "$corpus" "${seeds[@]}" 2>"$BUILD_DIR/$target.log" || status=$?
  grep -E '^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::peak_rss_mb' \
    "$BUILD_DIR/$target.log" | sort -u | sed "s/^/$target: /"
  if [ "$status" -ne 0 ]; then
    echo "$target: FAILED (exit $status), see $BUILD_DIR/$target.log and $crashes/"
    grep -m1 -E 'ERROR|runtime error|Assertion|\*\*' "$BUILD_DIR/$target.log" || true
  fi
done
