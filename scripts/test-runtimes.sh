#!/usr/bin/env bash
# `npm run test:runtimes`: the smoke suite (test/smoke/faces.mjs: every face, exact chunks, coded
# errors, `backend`) on Bun and Deno, the exact versions pinned as devDependencies (npm's `bun` and
# `deno` packages). Each runtime runs it on both cores:
#   bun                                  the native core (Bun loads N-API addons with no flag)
#   REFRAME_BACKEND=js bun               the TypeScript core
#   deno run --no-prompt                 no permissions at all: the package must import and fall back to
#                                        the TypeScript core (reading REFRAME_BACKEND throws NotCapable)
#   deno run --allow-ffi --allow-read    the native core (ffi loads the addon; read: require() resolves
#                                        its path from dist/core); with --allow-env, REFRAME_BACKEND=js
#                                        is read and picks the TypeScript core
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1
[ -f dist/index.js ] || npx tsc -p tsconfig.build.json
bun=node_modules/.bin/bun
if ! "$bun" --version >/dev/null 2>&1; then
  # npm skipped bun's postinstall (which moves the binary over a placeholder; npm 12 runs only approved
  # install scripts): the binary is still in the platform's package.
  bun=$(ls node_modules/@oven/bun-*/bin/bun 2>/dev/null | head -n 1)
  [ -n "$bun" ] || { echo "test:runtimes: no bun binary in node_modules (run npm ci)"; exit 1; }
fi
deno=node_modules/.bin/deno
failed=0
run() {
  local start=$SECONDS
  local out status=0
  echo "\$ $*"
  out=$("$@" 2>&1) || status=$?
  grep -v '^ok ' <<<"$out" || true # the failures and the summary line
  [ "$status" -eq 0 ] || { echo "  exit status $status"; failed=1; }
  echo "  ($((SECONDS - start)) s)"
}
run "$bun" test/smoke/faces.mjs --backend native
run env REFRAME_BACKEND=js "$bun" test/smoke/faces.mjs --backend js
run "$deno" run --no-prompt test/smoke/faces.mjs --backend js
run "$deno" run --no-prompt --allow-ffi --allow-read test/smoke/faces.mjs --backend native
run env REFRAME_BACKEND=js "$deno" run --no-prompt --allow-env --allow-ffi --allow-read test/smoke/faces.mjs --backend js
exit "$failed"
