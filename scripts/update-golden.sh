#!/usr/bin/env bash
# Re-records tests/golden/*.disasm from the current compiler. Review `git diff tests/golden`
# before committing: every changed instruction must be one you meant to change.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target ppl_unit_tests -j"$(nproc)"
PPL_UPDATE_GOLDEN=1 build/tests/ppl_unit_tests "[golden]"
git --no-pager diff --stat tests/golden
