#!/usr/bin/env bash
# Builds the libFuzzer targets (build-fuzz/, clang, ASan + UBSan) and runs each for a while.
#
#   scripts/fuzz.sh [-t SECONDS] [-j JOBS] [TARGET...]
#
# TARGET is parse, check, pplb, claim or policy (default: all five, one after another). Each runs
# for SECONDS (default 60) from a working corpus in build-fuzz/corpus/TARGET, seeded with
# fuzz/corpus/TARGET and the tree's own inputs (policies, golden tests, example claims, the pack
# compiled to .pplb). Crashes, hangs (over 10 s) and leaks are written to fuzz/crashes/TARGET/
# (gitignored); minimize one with `build-fuzz/fuzz/ppl_TARGET_fuzzer -minimize_crash=1
# -runs=10000 FILE`, then add it to fuzz/corpus/TARGET/ so that ctest replays it. Exits non-zero
# when any target found something. Extra libFuzzer flags: FUZZ_FLAGS="-max_len=8192 ...".
# The policy target builds a policy and claims from its input bytes (docs/fuzzing.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

seconds=60
jobs=1
targets=()
while (($#)); do
  case "$1" in
    -t) seconds="$2"; shift 2 ;;
    -j) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    parse|check|pplb|claim|policy) targets+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument \`$1\` (try --help)" >&2; exit 2 ;;
  esac
done
((${#targets[@]})) || targets=(parse check pplb claim policy)

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz.sh: installing clang (libFuzzer comes with it)"
  sudo=()
  [[ "$(id -u)" == 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends clang
fi

build="$root/build-fuzz"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPPL_FUZZ=ON -DPPL_BUILD_TESTS=OFF
fi
# Several runs (one per target, side by side) share build-fuzz/: one builds at a time.
flock "$build/.build-lock" cmake --build "$build" -j"$(nproc)"

# Working corpora: what earlier runs found, plus the seeds (copied again each run).
seed() {
  local target="$1" dir="$build/corpus/$1"
  mkdir -p "$dir"
  cp fuzz/corpus/"$target"/* "$dir"/ 2>/dev/null || true
  case "$target" in
    parse|check)
      cp policies/*.ppl tests/golden/*.ppl examples/feature-tour/*.ppl "$dir"/
      if [[ "$target" == parse ]]; then cp stdlib/claim.ppl "$dir"/; fi
      ;;
    pplb)
      # Compiled now, so that they follow the current format.
      "$build/pplc" build policies -o "$dir/j9027-pack.pplb" >/dev/null
      "$build/pplc" build examples/feature-tour/tour.ppl -o "$dir/feature-tour.pplb" >/dev/null
      for f in tests/golden/*.ppl; do
        "$build/pplc" build "$f" -o "$dir/golden-$(basename "$f" .ppl).pplb" >/dev/null
      done
      ;;
    claim)
      for f in examples/claims/*.json examples/feature-tour/*.json tests/pack/cases/*.json; do
        [[ "$f" == *.expected.json ]] || cp "$f" "$dir"/
      done
      ;;
  esac
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export PPL_SOURCE_DIR="$root"

failed=()
for target in "${targets[@]}"; do
  seed "$target"
  crashes="$root/fuzz/crashes/$target"
  mkdir -p "$crashes"
  dict=()
  case "$target" in
    parse|check) dict=(-dict="$root/fuzz/ppl.dict") ;;
    claim) dict=(-dict="$root/fuzz/claim.dict") ;;
  esac
  echo "==== fuzz: $target for ${seconds}s ===="
  # -fork: a crash is saved and the run goes on, so one finding does not hide the next.
  # shellcheck disable=SC2086
  if ! "$build/fuzz/ppl_${target}_fuzzer" "$build/corpus/$target" "${dict[@]}" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
      -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
      -artifact_prefix="$crashes/" ${FUZZ_FLAGS:-} 2>&1 | tee "$build/fuzz-$target.log" | grep --line-buffered -E '^#|INFO: fuzzed|crash|ERROR|SUMMARY|Test unit written' ; then
    :
  fi
  if compgen -G "$crashes/*" >/dev/null; then
    echo "fuzz: $target: findings in $crashes/:"
    ls -l "$crashes"
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: findings for: ${failed[*]} (see fuzz/crashes/)" >&2
  exit 1
fi
echo "fuzz: no findings"
