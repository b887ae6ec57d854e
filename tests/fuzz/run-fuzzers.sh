#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a while:
#   tests/fuzz/run-fuzzers.sh [SECONDS]     (default 60; needs clang and a configured build/)
# Seeds: the rule fixtures and the examples. Crashes are written to build-fuzz/crashes/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
out=$root/build-fuzz
mkdir -p "$out/crashes" "$out/corpus-analyze" "$out/corpus-rpc"
ts=$root/third_party/tree-sitter/vendor/tree-sitter/lib
js=$root/third_party/tree-sitter-javascript/src
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_POSIX_C_SOURCE=200809L
       -D_DEFAULT_SOURCE '-DLOOPLENS_VERSION="fuzz"' -I"$root/include" -I"$root/server" -I"$ts/include")
[[ -f $root/build/server/builtin_rules.c ]] || ninja -C "$root/build" server/builtin_rules.c
engine=(strbuf diag fileio jsonstr rule ruleset config syms sem sem_resolve sem_ctx sem_life suppress query pred
        pred_starvation pred_cache pred_listener engine fix regex_parse redos)
srcs=()
for f in "${engine[@]}"; do srcs+=("$root/server/$f.c"); done
clang -c -O1 -g -fsanitize=address -w -I"$ts/src" -I"$ts/include" "$ts/src/lib.c" -o "$out/ts.o"
clang -c -O1 -g -w -I"$js" "$js/parser.c" -o "$out/parser.o"
clang -c -O1 -g -w -I"$js" "$js/scanner.c" -o "$out/scanner.o"
clang "${flags[@]}" "${srcs[@]}" "$root/build/server/builtin_rules.c" "$root/tests/fuzz/fuzz_analyze.c" \
  "$out/ts.o" "$out/parser.o" "$out/scanner.o" -ljansson -lpcre2-8 -lpthread -o "$out/fuzz_analyze"
clang "${flags[@]}" "$root/server/rpc.c" "$root/tests/fuzz/fuzz_rpc.c" -o "$out/fuzz_rpc"
cp "$root"/tests/fixtures/*/*.js "$root"/examples/orders-service/*/*.js "$out/corpus-analyze/" 2>/dev/null || true
"$out/fuzz_analyze" -max_total_time="$secs" -max_len=65536 -artifact_prefix="$out/crashes/" "$out/corpus-analyze"
"$out/fuzz_rpc" -max_total_time="$secs" -artifact_prefix="$out/crashes/" "$out/corpus-rpc"
