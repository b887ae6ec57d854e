#!/usr/bin/env bash
# Installs the language servers that bench/lsp_latency.py compares looplens with, at pinned
# versions, into bench/peers/ (git-ignored). Idempotent: an installed pin is not fetched again.
#
#   bench/lsp-peers.sh            install all peers
#   bench/lsp-peers.sh quick-lint-js ast-grep     only these
#
# What gets run afterwards (see bench/lsp_latency.py):
#   quick-lint-js 3.2.0   bench/peers/node_modules/quick-lint-js/quick-lint-js.exe --lsp-server
#   oxlint 1.94.0         bench/peers/node_modules/.bin/oxlint --lsp
#   @ast-grep/cli 0.51.1  bench/peers/node_modules/.bin/ast-grep lsp   (cwd: bench/peers/ast-grep,
#                         which holds an sgconfig.yml and one trivial rule written below)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers="$root/bench/peers"

pins=(
  "quick-lint-js@3.2.0"
  "oxlint@1.94.0"
  "@ast-grep/cli@0.51.1"
)

want=("${pins[@]}")
if (($#)); then
  want=()
  for arg in "$@"; do
    found=
    for pin in "${pins[@]}"; do
      name=${pin%@*}
      if [[ $name == "$arg" || ${name##*/} == "$arg" || $name == "@$arg/cli" ]]; then
        want+=("$pin")
        found=1
      fi
    done
    [[ -n $found ]] || { echo "lsp-peers: unknown peer '$arg' (known: ${pins[*]%@*})" >&2; exit 2; }
  done
fi

mkdir -p "$peers"
[[ -f $peers/package.json ]] || printf '{ "name": "looplens-bench-peers", "private": true }\n' >"$peers/package.json"

installed_version() { # name -> version in bench/peers/node_modules, or nothing
  local pj="$peers/node_modules/$1/package.json"
  if [[ -f $pj ]]; then
    node -e 'process.stdout.write(require(process.argv[1]).version)' "$pj" 2>/dev/null || true
  fi
}

todo=()
for pin in "${want[@]}"; do
  name=${pin%@*} version=${pin##*@}
  if [[ $(installed_version "$name") == "$version" ]]; then
    echo "lsp-peers: $pin already installed"
  else
    todo+=("$pin")
  fi
done
if ((${#todo[@]})); then
  echo "lsp-peers: npm install ${todo[*]}" >&2
  (cd "$peers" && npm install --no-audit --no-fund --save-exact "${todo[@]}" >&2)
fi

# ast-grep's language server only starts inside a project: an sgconfig.yml naming a rule dir.
sg="$peers/ast-grep"
mkdir -p "$sg/rules"
cat >"$sg/sgconfig.yml" <<'EOF'
ruleDirs:
  - rules
EOF
cat >"$sg/rules/no-sync-fs.yml" <<'EOF'
id: no-sync-fs
language: JavaScript
severity: warning
message: synchronous fs call blocks the event loop
rule:
  pattern: fs.$METHOD($$$ARGS)
constraints:
  METHOD:
    regex: Sync$
EOF

# Report what is there.
for pin in "${want[@]}"; do
  name=${pin%@*} version=${pin##*@}
  got=$(installed_version "$name")
  if [[ $got == "$version" ]]; then
    echo "lsp-peers: ok $name $got"
  else
    echo "lsp-peers: MISSING $name (wanted $version, found '${got:-nothing}')" >&2
  fi
done
qljs="$peers/node_modules/quick-lint-js/quick-lint-js.exe"
[[ -x $qljs ]] || echo "lsp-peers: note: $qljs is not executable" >&2
