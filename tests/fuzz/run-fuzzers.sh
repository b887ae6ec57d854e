#!/usr/bin/env bash
# Longer libFuzzer runs than the test suite's: tests/fuzz/run-fuzzers.sh [SECONDS] (default 300).
# The targets are built by meson (-Dfuzz=true, clang, ASan+UBSan) in build-fuzz/, the same build
# `./run test` makes and runs for 15 s a target; crashes land in build-fuzz/tests/fuzz-crash-*.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-300}
cd "$root"
[[ -f build-fuzz/build.ninja ]] ||
  CC=clang meson setup build-fuzz --buildtype=debugoptimized -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
meson configure build-fuzz -Dfuzz_seconds="$secs"
ninja -C build-fuzz
meson test -C build-fuzz --suite fuzz --print-errorlogs --num-processes 1 --timeout-multiplier 1
