#!/usr/bin/env bash
# Instructions per run of one cell, under callgrind: repeatable where wall time is not.
#   bench/callgrind.sh reframe-node socket 64 2 [extra runs=2]     (2 MiB of the stream)
# Prints instructions for one run: (Ir of 1 + n runs − Ir of 1 run) / n.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=${5:-2}
ir() {
  local out
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" node bench/profile.mjs "$1" "$2" "$3" "$4" "$5" >/dev/null 2>&1
  callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
  rm -f "$out"
}
one=$(ir "$1" "$2" "$3" "$4" 1)
more=$(ir "$1" "$2" "$3" "$4" $((1 + extra)))
echo "$1 $2 $3 (${4} MiB, REFRAME_BACKEND=${REFRAME_BACKEND:-}) $(( (more - one) / extra )) instructions per run"
