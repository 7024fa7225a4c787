#!/usr/bin/env bash
# Instructions per claim, counted by callgrind: the figures docs/performance.md judges every
# change by (its "Reproducing" section lists the commands this runs).
#
#   bench/instructions.sh BUILD [DIR]
#
# BUILD is a built tree (Release, for figures comparable with the document's) holding pplc,
# bench/ppl_bench and bench/ppl_bench_generate; the policies and the source that ppl_bench
# compiles are those of the tree BUILD was configured from (its CMakeCache.txt), so an older
# commit's tree measures its own code. DIR keeps the generated inputs and callgrind's files
# (default: a temporary directory, removed at the end). Prints one table; takes about a minute
# and a half on an idle core. Exact and repeatable: the same binary gives the same counts.
#
#   measure                      what callgrind collects                        claims
#   VM decision, commercial      ppl::Evaluator::decide (ppl_bench --only vm)     2,000 commercial
#   native decision, commercial  NativeCommercial::decide (--only native)        2,000 commercial
#   load                         ppl::ClaimLoader::load (--only load)            3,000 of the mix
#   write                        ppl::DecisionJsonWriter::write (--only pipeline) 3,000 of the mix
#   decide, the mix              ppl::Evaluator::decide (--only pipeline)        3,000 of the mix
#   process, 1 thread            all of `pplc eval --ndjson PACK.pplb`           10,000 of the mix
#   process, 2 threads           all of it with --threads 2 (both threads)       10,000 of the mix
# (ppl_bench runs each loop twice, a warm-up pass and the measured one, and says how many
# claims it handled: the collected instructions are divided by that.)
set -euo pipefail

if (($# < 1 || $# > 2)); then
  echo "usage: $0 BUILD [DIR]" >&2
  exit 2
fi
build="$(cd "$1" && pwd)"
for f in pplc bench/ppl_bench bench/ppl_bench_generate CMakeCache.txt; do
  if [[ ! -e "$build/$f" ]]; then
    echo "instructions.sh: $build/$f is missing (build the targets pplc ppl_bench ppl_bench_generate)" >&2
    exit 1
  fi
done
src="$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")"
if [[ ! -d "$src/policies" ]]; then
  echo "instructions.sh: no policies/ in the source tree of $build ($src)" >&2
  exit 1
fi
if ! command -v valgrind >/dev/null; then
  echo "instructions.sh: needs valgrind (callgrind)" >&2
  exit 1
fi

if (($# == 2)); then
  dir="$2"
  mkdir -p "$dir"
else
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
fi
dir="$(cd "$dir" && pwd)"

gen="$build/bench/ppl_bench_generate"
# The same claims as the document's: the first 3,000 and 10,000 of seed 1's workload (the
# generator's claims do not depend on --count), the first 2,000 commercial claims of seed 2.
"$gen" --count 10000 --seed 1 >"$dir/c10k.ndjson"
head -n 3000 "$dir/c10k.ndjson" >"$dir/mix3k.ndjson"
"$gen" --count 2000 --seed 2 --lob commercial >"$dir/com2k.ndjson"
"$build/pplc" build "$src/policies" -o "$dir/pack.pplb" >/dev/null

# total FILE: the instructions callgrind collected (its "totals:" line; several for
# --separate-threads, one file per thread, summed).
total() {
  awk '/^totals:/ { s += $2 } END { printf "%d\n", s }' "$@"
}

# bench NAME FUNCTION ONLY [ARGS...]: instructions per claim in FUNCTION over ppl_bench --only ONLY.
bench() {
  local name="$1" fn="$2" only="$3"
  shift 3
  local log="$dir/$name.log"
  valgrind --tool=callgrind --callgrind-out-file="$dir/cg.$name.out" --toggle-collect="$fn" \
    "$build/bench/ppl_bench" --source "$src" --claims "$dir/mix3k.ndjson" --commercial "$dir/com2k.ndjson" \
    --runs 1 --min-run-seconds 0 --only "$only" "$@" >"$log" 2>&1
  local claims
  claims="$(sed -n 's/^[a-z]*: \([0-9]*\) claims handled.*/\1/p' "$log")"
  if [[ -z "$claims" || "$claims" == 0 ]]; then
    echo "instructions.sh: ppl_bench --only $only said nothing of the claims it handled (see $log)" >&2
    exit 1
  fi
  echo "$(total "$dir/cg.$name.out") $claims"
}

# process NAME THREADS: instructions per claim of the whole pplc process over 10,000 claims.
process() {
  local name="$1" threads="$2"
  rm -f "$dir/cg.$name.out"*
  local args=(eval --ndjson)
  ((threads > 1)) && args+=(--threads "$threads")
  valgrind --tool=callgrind --callgrind-out-file="$dir/cg.$name.out" --separate-threads=yes \
    "$build/pplc" "${args[@]}" "$dir/pack.pplb" "$dir/c10k.ndjson" >"$dir/$name.ndjson" 2>"$dir/$name.log"
  echo "$(total "$dir/cg.$name.out"*) 10000"
}

read -r vm vmN < <(bench vm 'ppl::Evaluator::decide(*' vm)
read -r native nativeN < <(bench native 'ppl::bench::NativeCommercial::decide(*' native)
read -r load loadN < <(bench load 'ppl::ClaimLoader::load(*' load --vm-claims 1000)
read -r write writeN < <(bench write 'ppl::DecisionJsonWriter::write(*' pipeline --vm-claims 1000)
read -r mix mixN < <(bench mix 'ppl::Evaluator::decide(*' pipeline --vm-claims 1000)
read -r one oneN < <(process process1 1)
read -r two twoN < <(process process2 2)
if ! cmp -s "$dir/process1.ndjson" "$dir/process2.ndjson"; then
  echo "instructions.sh: --threads 2 printed other bytes than one thread" >&2
  exit 1
fi

per() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.0f", t / n }'; }
row() { printf '%-34s %10s %12s %8s\n' "$@"; }
echo "# instructions per claim (callgrind), $(basename "$build"): $("$build/pplc" --version 2>/dev/null || true)"
dirty=""
if [[ -n "$(git -C "$src" status --porcelain --untracked-files=no 2>/dev/null || true)" ]]; then
  dirty=" with uncommitted changes"
fi
echo "# source $src @ $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?')$dirty"
row "measure" "per claim" "instructions" "claims"
row "VM decision, commercial" "$(per "$vm" "$vmN")" "$vm" "$vmN"
row "native decision, commercial" "$(per "$native" "$nativeN")" "$native" "$nativeN"
row "VM / native" "$(awk -v a="$vm" -v b="$native" -v m="$vmN" -v n="$nativeN" 'BEGIN { printf "%.2fx", (a / m) / (b / n) }')" "" ""
row "load (ClaimLoader::load)" "$(per "$load" "$loadN")" "$load" "$loadN"
row "write (DecisionJsonWriter::write)" "$(per "$write" "$writeN")" "$write" "$writeN"
row "decide, the mix" "$(per "$mix" "$mixN")" "$mix" "$mixN"
row "pplc eval --ndjson, whole process" "$(per "$one" "$oneN")" "$one" "$oneN"
row "  the same, --threads 2" "$(per "$two" "$twoN")" "$two" "$twoN"
