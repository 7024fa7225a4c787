#!/usr/bin/env bash
# The whole test suite: the normal build (build/, as setup.sh makes it) and an
# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/), each running every ctest
# test, then the threaded embedding test under ThreadSanitizer (build-tsan/). A failing stage
# does not hide the next one; the exit status is non-zero when any failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jobs="$(nproc)"
failed=()

# Each banner says how long the stage before it took, so a slow CI run shows where.
started=$SECONDS
stage_started=$SECONDS
banner() {
  if ((SECONDS > started)); then
    printf '(%d s; %d s in all)\n' "$((SECONDS - stage_started))" "$((SECONDS - started))"
  fi
  stage_started=$SECONDS
  printf '\n==== %s ====\n' "$*"
}

banner "setup: packages and build/"
./setup.sh

banner "test: build/"
ctest --test-dir build --output-on-failure -j2 || failed+=("tests in build/")

banner "policies: pplc test policies/ (JUnit in build/test-results/policies.xml)"
# The pack's own suite, as an analyst's CI would run it; ctest's pack_suite also runs it, with
# coverage, and this stage leaves the JUnit report a CI server can show.
mkdir -p build/test-results
build/pplc test policies/ --junit build/test-results/policies.xml || failed+=("pplc test policies/")

banner "policies: pplc fmt --check policies/"
build/pplc fmt --check policies/ || failed+=("formatting of policies/ (run: build/pplc fmt policies/)")

banner "policies: pplc check --werror policies/"
build/pplc check --werror policies/ || failed+=("pplc check --werror policies/")

banner "policies: mutation testing of the pack's suite (scripts/mutate-pack.sh)"
# Every one-token change to a number, date, code, group, outcome or operator of the pack must
# make some case of policies/tests fail (known equivalent mutants aside). About 40 s on two idle cores (docs/testing.md).
scripts/mutate-pack.sh || failed+=("mutation testing: a change to the pack survived its suite")

banner "build: build-asan/ (-DPPL_SANITIZE=ON)"
# Unoptimized: it compiles in about half the time, the sanitizers miss nothing at -O0, and
# g++ 12 raises false -Wmaybe-uninitialized errors in <regex> (used by Catch2) at -O1 and up
# when sanitizing.
# The claim reader's generator is build/'s (a host tool: what it writes does not depend on the
# sanitizers), so the VM need not wait for the front end to be built first.
# The dispatch counters of profiling builds (docs/performance.md) are compiled in here, so that
# CI builds and runs them too; they change no decision.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPPL_SANITIZE=ON -DPPL_COUNT_DISPATCHES=ON \
  -DPPL_CLAIM_READER_GEN="$root/build/loadergen/ppl_claim_reader_gen"
cmake --build build-asan -j"$jobs"

banner "test: build-asan/"
# LeakSanitizer included: every test, the ANTLR front end too, frees what it allocates.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir build-asan --output-on-failure -j2 || failed+=("tests in build-asan/")

banner "test: ThreadSanitizer (scripts/test-tsan.sh)"
# One compiled program decided from 4 threads, decisions compared with single-threaded ones.
scripts/test-tsan.sh || failed+=("threaded embedding under ThreadSanitizer")

if ((${#failed[@]} > 0)); then
  banner "FAILED: ${failed[*]}"
  exit 1
fi
banner "all tests passed"
