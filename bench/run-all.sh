#!/usr/bin/env bash
# ./run bench: fetches the pinned benchmark corpus (bench/corpus-pins.txt) into the cache and
# prints looplens's figures on it, then the language server's peak memory for one large document,
# then precision and recall on real servers, workers and CLIs (bench/realworld/, judged by hand).
# Figures only: nothing here passes or fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${LOOPLENS_CORPUS:-${XDG_CACHE_HOME:-$HOME/.cache}/looplens/corpus}
"$root/scripts/fetch-deps.sh" "$root/bench/corpus-pins.txt" "$corpus"
python3 "$root/bench/bench_check.py" "$root/build/server/looplens" "$root/build/bench/engine_bench" "$corpus" "$@"
python3 "$root/bench/scaling.py" "$root/build/server/looplens"
echo "--- looplens lsp: peak RSS for one large document (bench/lsp_memory.py)"
python3 "$root/bench/lsp_memory.py" "$root/build/server/looplens"
echo "--- looplens check: peak RSS for one file of every shape that stresses the parser (bench/memory.py)"
python3 "$root/bench/memory.py" "$root/build/server/looplens"
echo "--- looplens on real servers, workers and CLIs: precision and recall (bench/realworld/evaluate.py)"
"$root/scripts/fetch-deps.sh" "$root/bench/realworld/pins.txt" "$root/bench/realworld/packages"
python3 "$root/bench/realworld/evaluate.py" "$root/build/server/looplens"
