#!/usr/bin/env bash
# Fetch pinned npm tarballs, verify their sha512 and unpack each into DEST/<name>/.
#   scripts/fetch-deps.sh [PINS DEST]   (default: deps/pins.txt third_party — tree-sitter and its
#   JavaScript grammar; deps/tool-pins.txt third_party/tools the tools tests run; bench/corpus-pins.txt
#   bench/corpus is the benchmark corpus; bench/realworld/pins.txt bench/realworld/packages the
#   hand-judged precision corpus)
# Idempotent: a verified tarball in the cache is never fetched again, so a second run
# needs no network.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pins=${1:-$root/deps/pins.txt}
dest_root=${2:-$root/third_party}
cache=${LOOPLENS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/looplens}/tarballs
mkdir -p "$cache" "$dest_root"

verify() { # file sha512 -> 0 if it matches
  [[ -f $1 ]] && [[ $(sha512sum "$1" | cut -d' ' -f1) == "$2" ]]
}

while read -r name version sum; do
  [[ -z $name || $name == \#* ]] && continue
  file=${name#@}
  file=${file//\//-}-$version.tgz   # what npm pack names it: @scope/pkg -> scope-pkg-1.0.0.tgz
  tgz="$cache/$file"
  dest="$dest_root/$name"
  stamp="$dest/.looplens-pin"
  if [[ -f $stamp && $(cat "$stamp") == "$sum" ]]; then
    continue
  fi
  if ! verify "$tgz" "$sum"; then
    echo "fetch-deps: npm pack $name@$version" >&2
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null)
    mv "$tmp/$file" "$tgz"
    rm -rf "$tmp"
    if ! verify "$tgz" "$sum"; then
      echo "fetch-deps: $tgz: sha512 does not match $pins; refusing to use it" >&2
      rm -f "$tgz"
      exit 1
    fi
  fi
  rm -rf "$dest"
  mkdir -p "$dest"
  tar -xzf "$tgz" -C "$dest" --strip-components=1
  echo "$sum" > "$stamp"
done < "$pins"
