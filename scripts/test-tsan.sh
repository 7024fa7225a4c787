#!/usr/bin/env bash
# The threaded embedding test under ThreadSanitizer (build-tsan/). scripts/test.sh runs it as
# its last stage; it runs alone too, after setup.sh has made build/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jobs="$(nproc)"
banner() { printf '\n==== %s ====\n' "$*"; }
failed=()
# ---- stage: embedding under ThreadSanitizer (build-tsan/) -----------------------------------
# One compiled program decided from 4 threads (tests/embed/thread_test.cpp). Only that test and
# the libraries it links are built here: the pack comes from build/pplc and the claim reader
# from build/'s generator, so no front end is built with ThreadSanitizer.
banner "build: build-tsan/ (-DPPL_TSAN=ON, ppl_embed_thread_test only)"
if [[ ! -f build-tsan/CMakeCache.txt ]]; then
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPPL_TSAN=ON \
    -DPPL_CLAIM_READER_GEN="$root/build/loadergen/ppl_claim_reader_gen"
fi
banner "test: build-tsan/ (one program, 4 threads x every example claim x 200 rounds)"
if cmake --build build -j"$jobs" --target ppl_claim_reader_gen pplc >/dev/null &&
  cmake --build build-tsan -j"$jobs" --target ppl_embed_thread_test &&
  build/pplc build policies -o build-tsan/j9027.pplb; then
  TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}" \
    build-tsan/tests/embed/ppl_embed_thread_test build-tsan/j9027.pplb examples/claims ||
    failed+=("threaded embedding test under TSan (build-tsan/)")
else
  failed+=("build of build-tsan/")
fi
# ---- end of stage: embedding under ThreadSanitizer ------------------------------------------
if ((${#failed[@]} > 0)); then
  banner "FAILED: ${failed[*]}"
  exit 1
fi
banner "TSan test passed"
