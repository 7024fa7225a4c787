#!/usr/bin/env bash
# The J9027 pack's own test suite (policies/tests/*.test.json) passes under `pplc test`, every
# rule of every policy is exercised both ways (failed by some case, passed by another), and a
# changed limit in the pack makes some case fail.
# Mutation testing of the same suite (scripts/mutate-pack.sh, docs/testing.md) runs as its own
# stage of scripts/test.sh rather than under ctest: it is 300-odd compiles, about 40 s (docs/testing.md).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

run test "$POLICIES" --coverage --coverage-min 100
expect_rc 0 "pplc test policies/ --coverage --coverage-min 100"
check "every case passed" grep -Eq '^[0-9]+ passed, 0 failed$' "$OUT"
expect_stdout '^coverage: ([0-9]+) of \1 rules exercised both ways \(100%\)$' "coverage summary"

# Every policy of the pack is reached by some case, and no rule is left out of the report.
for policy in acme-commercial-j9027 medicare-part-b-j9027 medicare-advantage-j9027; do
  check "$policy has cases" grep -Eq "^coverage of $policy@2026\\.1 \\([1-9][0-9]* cases\\)" "$OUT"
done
check "no rule never failed" test "$(grep -c '^  never failed: none$' "$OUT")" = 3
check "no rule never passed" test "$(grep -c '^  never passed: none$' "$OUT")" = 3

# The suite would notice a changed limit: the pack with 61 units a day fails some case.
mkdir -p "$TMP/mutant"
cp -r "$POLICIES"/. "$TMP/mutant/"
sed -i 's/^const max_units_per_day = 60 /const max_units_per_day = 61 /' "$TMP/mutant/pack.ppl"
check "the mutant pack has 61 units a day" grep -q "^const max_units_per_day = 61 " "$TMP/mutant/pack.ppl"
run test "$TMP/mutant"
expect_rc 1 "a changed daily unit limit fails the suite"

finish
