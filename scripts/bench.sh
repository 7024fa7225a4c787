#!/usr/bin/env bash
# The benchmark in one command (docs/performance.md explains the figures):
#   1. builds a Release tree (default build-bench/ in the source tree; PPL_BENCH_BUILD to change
#      it, e.g. PPL_BENCH_BUILD=build to reuse a Release tree you already have);
#   2. generates the workload with bench/generate.cpp, seeded, so every run sees the same claims
#      (written anew each run, so that every run reads a freshly written file: see generate()):
#      PPL_BENCH_CLAIMS claims of all three lines of business (default 200000) for end to end,
#      and 20000 commercial ones for the VM and the native policy;
#   3. runs ppl_bench, which checks the VM against the native policy, then measures VM only,
#      in-process loading and writing, compiling and loading the pack, memory, and
#      `pplc eval --ndjson` end to end (one thread pinned to each CPU in turn, and every CPU).
# The table goes to stdout, the JSON report to $PPL_BENCH_OUT/results.json (default: the build
# tree's bench-results/). Extra arguments go to ppl_bench (--runs N, --threads N, --no-e2e...).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PPL_BENCH_BUILD:-$root/build-bench}"
count="${PPL_BENCH_CLAIMS:-200000}"
out="${PPL_BENCH_OUT:-$build/bench-results}"

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"${PPL_BENCH_JOBS:-2}" --target pplc ppl_bench ppl_bench_generate

mkdir -p "$out"
# generate FILE ARGS...: writes FILE afresh on every run (~2 s for 200,000 claims). Not reused:
# how fast a file is read depends on its page cache, not only on its bytes. The same 298 MB took
# 77-91 ms to read(2) 45 minutes after it was written (this guest's kernel reclaims idle page
# cache, DAMON's kdamond: pages went missing and were read back), 33-39 ms freshly written or
# copied with large writes, 70 ms copied in 4 KiB writes (small folios, likely the same cause);
# `pplc eval --ndjson`, one thread: 0.49-0.51 s on the aged file, 0.43-0.44 s on a fresh copy.
generate() {
  local file="$1"
  shift
  rm -f "$file" "$file.args"
  "$build/bench/ppl_bench_generate" "$@" >"$file"
}
generate "$out/claims.ndjson" --count "$count" --seed 1
generate "$out/commercial.ndjson" --count 20000 --seed 2 --lob commercial

{ lscpu; echo; uptime; } >"$out/machine.txt"
"$build/bench/ppl_bench" --source "$root" --claims "$out/claims.ndjson" --commercial "$out/commercial.ndjson" \
  --pplc "$build/pplc" --json "$out/results.json" "$@"
