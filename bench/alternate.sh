#!/usr/bin/env bash
# Two pplc binaries end to end, in alternating rounds: the way docs/performance.md compares a
# change with what it replaces, since this guest's speed drifts from minute to minute and only
# back-to-back runs of the two are comparable.
#
#   bench/alternate.sh OLD_PPLC NEW_PPLC [ROUNDS] [DIR]
#
# Each binary builds its own pack from the policies of the source tree NEW_PPLC was built from,
# and decides the same 200,000 generated claims (seed 1; PPL_ALTERNATE_CLAIMS to change the
# count), written fresh into DIR (default: a temporary directory) just before the first round.
# A round runs `pplc eval --ndjson PACK CLAIMS >/dev/null` once per binary, the order swapped
# every round: with one thread pinned to CPU $PPL_ALTERNATE_CPU (default 1), then with
# --threads 2 on both CPUs. Prints each run's wall, user and system seconds, then per binary and
# mode the median and range of claims per wall second, and the median 2-thread speedup.
set -euo pipefail

if (($# < 2 || $# > 4)); then
  echo "usage: $0 OLD_PPLC NEW_PPLC [ROUNDS] [DIR]" >&2
  exit 2
fi
old="$(realpath "$1")"
new="$(realpath "$2")"
rounds="${3:-15}"
cpu="${PPL_ALTERNATE_CPU:-1}"
count="${PPL_ALTERNATE_CLAIMS:-200000}"
build="$(dirname "$new")"
src="$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")"
if [[ ! -d "$src/policies" ]]; then
  echo "alternate.sh: no policies/ in the source tree of $build ($src)" >&2
  exit 1
fi
if (($# == 4)); then
  dir="$4"
  mkdir -p "$dir"
else
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
fi

"$old" build "$src/policies" -o "$dir/old.pplb"
"$new" build "$src/policies" -o "$dir/new.pplb"
rm -f "$dir/claims.ndjson"
"$build/bench/ppl_bench_generate" --count "$count" --seed 1 >"$dir/claims.ndjson"

# run NAME MODE: one timed run, appended to $dir/times as "NAME MODE wall user sys" (bash's
# `time`, to the millisecond: /usr/bin/time's centiseconds are 2.5% of a 0.4 s run).
run() {
  local name="$1" mode="$2" bin pack
  if [[ "$name" == old ]]; then bin="$old"; else bin="$new"; fi
  pack="$dir/$name.pplb"
  local TIMEFORMAT="$name $mode %3R %3U %3S"
  if [[ "$mode" == 1 ]]; then
    { time taskset -c "$cpu" "$bin" eval --ndjson "$pack" "$dir/claims.ndjson" >/dev/null; } 2>>"$dir/times"
  else
    { time "$bin" eval --ndjson --threads 2 "$pack" "$dir/claims.ndjson" >/dev/null; } 2>>"$dir/times"
  fi
}

: >"$dir/times"
for ((r = 0; r < rounds; ++r)); do
  if ((r % 2 == 0)); then order="old new"; else order="new old"; fi
  for mode in 1 2; do
    for name in $order; do run "$name" "$mode"; done
  done
done
cat "$dir/times"
python3 - "$dir/times" "$count" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
count = int(sys.argv[2])
wall = {}
for name, mode, w, u, s in rows:
    wall.setdefault((name, mode), []).append(float(w))
for name in ("old", "new"):
    for mode in ("1", "2"):
        rates = sorted(count / w for w in wall[(name, mode)])
        print(f"{name} --threads {mode}: median {statistics.median(rates) / 1000:.0f}k claims/s "
              f"[{rates[0] / 1000:.0f}k .. {rates[-1] / 1000:.0f}k], {len(rates)} runs")
    pairs = zip(wall[(name, "1")], wall[(name, "2")])
    print(f"{name} speedup of 2 threads: median {statistics.median(a / b for a, b in pairs):.2f}x")
EOF
