#!/usr/bin/env bash
# The J9027 pack's own test suite (policies/tests/*.test.json) passes under `pplc test`, and
# every rule of every policy is exercised both ways (failed by some case, passed by another),
# except the one rule no claim can reach: MB-GZ in medicare-advantage-j9027, whose
# `only when traditional_medicare` is bound to false there. Because of that rule,
# `--coverage-min 100` cannot pass (37 of 38 rules, 97.4%); this test checks the exact list of
# rules not exercised instead, so that any other gap fails it.
# Mutation testing of the same suite (scripts/mutate-pack.sh) is too slow for ctest: see
# docs/testing.md, "Mutation testing".
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

run test "$POLICIES" --coverage
expect_rc 0 "pplc test policies/ --coverage"
check "every case passed" grep -Eq '^[0-9]+ passed, 0 failed$' "$OUT"

# The coverage report, reduced to `POLICY: never failed: ...` and `POLICY: never passed: ...`.
awk '/^coverage of / { policy = $3 } /^  never (failed|passed):/ { sub(/^  /, ""); print policy ": " $0 }' \
  "$OUT" >"$TMP/gaps"
cat >"$TMP/expected-gaps" <<'EOF'
acme-commercial-j9027@2026.1: never failed: none
acme-commercial-j9027@2026.1: never passed: none
medicare-advantage-j9027@2026.1: never failed: MB-GZ
medicare-advantage-j9027@2026.1: never passed: MB-GZ
medicare-part-b-j9027@2026.1: never failed: none
medicare-part-b-j9027@2026.1: never passed: none
EOF
if diff -u "$TMP/expected-gaps" "$TMP/gaps" >"$TMP/diff"; then
  pass
else
  fail "rules not exercised both ways: only MB-GZ in Medicare Advantage (unreachable) may be"
  sed 's/^/  /' "$TMP/diff"
fi
expect_stdout '^coverage: 37 of 38 rules exercised both ways' "coverage summary"

# Every policy of the pack is reached by some case.
for policy in acme-commercial-j9027 medicare-part-b-j9027 medicare-advantage-j9027; do
  check "$policy has cases" grep -Eq "^coverage of $policy@2026\\.1 \\([1-9][0-9]* cases\\)" "$OUT"
done

# The suite would notice a changed limit: the pack with 61 units a day fails some case.
mkdir -p "$TMP/mutant"
cp -r "$POLICIES"/. "$TMP/mutant/"
sed -i 's/^const max_units_per_day = 60 /const max_units_per_day = 61 /' "$TMP/mutant/pack.ppl"
check "the mutant pack has 61 units a day" grep -q "^const max_units_per_day = 61 " "$TMP/mutant/pack.ppl"
run test "$TMP/mutant"
expect_rc 1 "a changed daily unit limit fails the suite"

finish
