#!/bin/sh
# Compiles the program (src, routes, federation, workers; not the tests) to
# JavaScript in dist/, which bin/kith runs. Node runs the .ts sources as well,
# but then every process also loads Node's TypeScript stripper (amaro, swc
# built to WebAssembly): an idle server measured about 16 MB more resident
# memory that way (bench/memory.ts). Tests and scripts keep running the sources.
#
#   sh scripts/build.sh              compile to dist/
#   sh scripts/build.sh --optional   the same, but only a note when typescript is missing
#   sh scripts/build.sh --check      exit 0 when dist/ is newer than every source, 1 otherwise
#
# Types are not checked here (`npm run typecheck` does that). Compiling needs
# the dev dependency typescript; without it (`npm install --omit=dev`) this
# exits 1 and bin/kith runs the sources. The Docker image compiles dist/ in
# its build stage and ships it.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
stamp=dist/.built

fresh() {
  [ -f "$stamp" ] && [ -z "$(find src routes federation workers tsconfig.json tsconfig.build.json -type f -newer "$stamp" ! -name '*.test.ts' 2>/dev/null | head -n 1)" ]
}

if [ "${1:-}" = "--check" ]; then
  fresh
  exit
fi
if [ ! -f src/cli/main.ts ]; then
  # `npm install` in the Docker image's build stage, before the sources are copied in.
  echo "kith: no sources to compile yet" >&2
  exit 0
fi
# One compilation at a time where flock(1) exists (two processes started
# together), locking this script itself; whoever waited finds dist/ up to date.
if [ -z "${BUILD_SH_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
  BUILD_SH_LOCKED=1 exec flock scripts/build.sh sh scripts/build.sh "$@"
fi
if fresh; then
  exit 0
fi
if [ ! -x node_modules/.bin/tsc ]; then
  echo "kith: typescript is not installed, so dist/ is not compiled; bin/kith runs the .ts sources" >&2
  [ "${1:-}" = "--optional" ] && exit 0
  exit 1
fi

# Built beside dist/ and moved into place, so that a process starting
# meanwhile never loads half a build. The stamp predates the compilation: a
# source saved during it makes the next start compile again.
echo "kith: compiling the TypeScript sources to dist/" >&2
tmp="dist.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp"
touch "$tmp/.built"
sh scripts/node24.sh tsc -p tsconfig.build.json --outDir "$tmp"
# Files the compiled code reads from beside itself (the Prisma query compiler).
(cd src && find . -name '*.wasm') | while read -r file; do cp "src/$file" "$tmp/src/$file"; done
rm -rf dist
mv "$tmp" dist
