#!/usr/bin/env bash
# npm run test:asan: the addon built with AddressSanitizer + UBSan (build-asan/), then the vitest
# suite and the hostile-input fuzzer run against it, in Node with the sanitizer runtime preloaded.
#   npm run test:asan                         the whole suite, then 60 s of hostile fuzzing
#   REFRAME_ASAN_FUZZ_SECONDS=300 npm run test:asan
#   npm run test:asan -- test/copy-once.test.ts   only these vitest files (then the fuzzer)
# A finding aborts the process that made it (abort_on_error), which fails its test or the fuzzer.
set -euo pipefail
cd "$(dirname "$0")/.."
npx cmake-js compile -O build-asan --CDREFRAME_ADDON_SANITIZE=ON --log-level error >/dev/null
addon="$PWD/build-asan/Release/reframe.node"
# The runtime the addon links against: it must be the first library Node loads.
runtime="$(ldd "$addon" | awk '/libasan/ { print $3 }')"
if [ -z "$runtime" ] || [ ! -f "$runtime" ]; then
  echo "test:asan: $addon does not link libasan" >&2
  exit 1
fi
npx tsc -p tsconfig.build.json
export LD_PRELOAD="$runtime"
# Node itself is not instrumented and keeps memory until exit: leaks are not findings here.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:handle_segv=0:allow_user_segv_handler=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export REFRAME_ADDON="$addon"
# Time bounds of the tests (they catch hangs) stretch: everything runs several times slower here.
export REFRAME_TEST_TIME_SCALE="${REFRAME_TEST_TIME_SCALE:-6}"
# The sanitized build is the one that runs (not a fallback to the TypeScript core or another build).
node --input-type=module -e "
  import { backend } from './dist/index.js';
  import { readFileSync } from 'node:fs';
  const maps = readFileSync('/proc/self/maps', 'utf8');
  if (backend !== 'native' || !maps.includes(process.env.REFRAME_ADDON)) {
    console.error('test:asan: the sanitized addon is not the one loaded'); process.exit(1);
  }
  console.log('test:asan: ' + process.env.REFRAME_ADDON + ' loaded under ' + process.env.LD_PRELOAD);
"
NO_COLOR=1 npx vitest run "$@"
# Both cores named: an addon that cannot load fails the fuzzer instead of leaving the TypeScript core alone.
node scripts/hostile-fuzz.mjs --seconds "${REFRAME_ASAN_FUZZ_SECONDS:-60}" --cores native,js
