#!/usr/bin/env bash
# The whole test suite: the normal build (build/, as setup.sh makes it) and an
# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/), each running every ctest
# test. Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jobs="$(nproc)"

banner() {
  printf '\n==== %s ====\n' "$*"
}

banner "setup: packages and build/"
./setup.sh

banner "test: build/"
ctest --test-dir build --output-on-failure -j2

banner "build: build-asan/ (-DPPL_SANITIZE=ON)"
if [[ ! -f build-asan/CMakeCache.txt ]]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPPL_SANITIZE=ON
fi
cmake --build build-asan -j"$jobs"

banner "test: build-asan/"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir build-asan --output-on-failure -j2

banner "all tests passed"
