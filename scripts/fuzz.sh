#!/usr/bin/env bash
# Builds the libFuzzer target (native/fuzz/fuzz_engine.cc: the engine against a reference model,
# under ASan + UBSan) with clang in build-fuzz/ and runs it for a time budget:
#   npm run fuzz -- 60          one minute (the default), on the seed corpus in native/fuzz/corpus/
# New inputs go to build-fuzz/corpus/ (not in git); a crash or mismatch leaves build-fuzz/crash-*
# and exits non-zero. Extra arguments after the budget pass to libFuzzer (e.g. -jobs=2).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"; shift || true
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
  exit 1
fi
generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S . -B build-fuzz "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DREFRAME_TESTS=ON -DREFRAME_FUZZ=ON >/dev/null
cmake --build build-fuzz --target fuzz_engine --parallel 2 >/dev/null
mkdir -p build-fuzz/corpus
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec build-fuzz/native/test/fuzz_engine build-fuzz/corpus native/fuzz/corpus \
  -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix=build-fuzz/ -print_final_stats=1 "$@"
