#!/usr/bin/env bash
# `meson install` puts the binary and the handbook side by side; the installed binary must find the
# installed chapters (not the source tree) for `looplens explain` and the editor's links.
set -euo pipefail
build=$1
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null
bin=$(find "$dest" -type f -name looplens -perm -u+x | head -1)
[[ -n $bin ]] || { echo "FAIL no installed looplens binary"; echo "0 passed, 1 failed"; exit 1; }
passed=0 failed=0
check() { if eval "$2"; then echo "ok   $1"; passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi; }
out=$(env -u LOOPLENS_CHAPTERS "$bin" explain sync-fs-in-hot-path)
chapter=$(printf '%s\n' "$out" | sed -n 's/^  \(\/.*README\.md\)$/\1/p' | head -1)
check "explain names a chapter file" '[[ -n $chapter ]]'
check "the chapter is the installed copy" '[[ $chapter == "$dest"/* ]]'
check "the installed chapter exists" '[[ -f $chapter ]]'
check "the section heading is in it" 'grep -q "^## Sync file-system calls on the hot path" "$chapter"'
check "rules are embedded (no data files needed)" '[[ $("$bin" rules | wc -l) -ge 15 ]]'
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
