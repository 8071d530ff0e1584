#!/usr/bin/env bash
# Builds the engine's C++ tests (native/test) with ASan + UBSan and runs them with ctest: no Node
# involved. Uses clang++ when present, else g++ (both ship the sanitizer runtimes on Debian).
#   npm run test:native                  sanitized build in build-test-san/
#   REFRAME_SANITIZE=OFF npm run test:native   plain build in build-test/
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize="${REFRAME_SANITIZE:-ON}"
dir=build-test; [ "$sanitize" = ON ] && dir=build-test-san
cxx="${CXX:-$(command -v clang++ || command -v g++)}"
generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DREFRAME_TESTS=ON -DREFRAME_SANITIZE="$sanitize" >/dev/null
cmake --build "$dir" --parallel 2 >/dev/null
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# --no-tests=error: a build that registered no test fails instead of passing with nothing run.
ctest --test-dir "$dir" --output-on-failure --no-tests=error
