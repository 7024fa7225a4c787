#!/usr/bin/env bash
# `pplc test` on the fixtures in tests/cli/fixtures/test/ (policy mini.ppl): passing cases are
# quiet, a failing case prints its diff, malformed test files are failures with JSON paths, and
# the JUnit report and the coverage table (worked out by hand below) are checked.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FIX="$SRC/tests/cli/fixtures/test"

# run_here ARGS...: as run, from the fixtures directory (so that reports name short paths).
run_here() {
  (cd "$FIX" && "$PPLC" "$@") >"$OUT" 2>"$ERR"
  RC=$?
}

# expect_stdout_is FILE WHAT: stdout is exactly FILE's text.
expect_stdout_is() {
  if diff -u "$1" "$OUT" >"$TMP/diff"; then
    pass
  else
    fail "$2: stdout differs from the expected text"
    sed 's/^/  /' "$TMP/diff"
  fi
}

last_line() {
  tail -n 1 "$OUT"
}

# --- A passing suite: quiet, then the count; -v lists every case.
run_here test suite
expect_rc 0 "passing suite"
check "passing suite: only the count" test "$(cat "$OUT")" = "8 passed, 0 failed"

run_here test -v suite/mini.test.json
expect_rc 0 "one file, verbose"
check "verbose: a line per case" test "$(grep -c ': ok$' "$OUT")" = 8
expect_stdout '^suite/mini\.test\.json: case the approve claim: ok$' "verbose: file and case named"
check "verbose: count last" test "$(last_line)" = "8 passed, 0 failed"

run_here test suite suite/mini.test.json
check "a file named twice runs once" test "$(cat "$OUT")" = "8 passed, 0 failed"

# --- A failing case: the diff of expected and actual, and the decision reached.
run_here test failing
expect_rc 1 "failing cases"
cat >"$TMP/expected" <<'EOF'
failing/fail.test.json: case expired authorization still approved
  decision
    expected: approve
    actual:   deny
  lines."1".decision
    expected: approve
    actual:   deny
  lines."1".reasons
    expected: []
    actual:   ["M-AUTH"]
  lines."1".adjustments
    expected: [{"rule": "M-DISC", "percent": 20}]
    actual:   []
  the claim was decided:
    decision deny, policy mini-j9027@1
      line 1 J9027: deny
        M-AUTH: deny CO 197 M62: no authorization covers 2026-03-02
      line 2 96413: not_applicable
failing/fail.test.json: case expects a refusal <&"'> of a good claim
  error
    expected: an error containing "/lines/0/units"
    actual:   no error: the claim was decided approve
  the claim was decided:
    decision approve, policy mini-j9027@1
      line 1 J9027: approve
        M-DISC: adjust CO 45 by 20%
      line 2 96413: not_applicable
1 passed, 2 failed
EOF
expect_stdout_is "$TMP/expected" "failing cases"

# An `error` expectation against a claim the loader refuses for another reason.
cat >"$TMP/refused.test.json" <<EOF
{"policies": "$FIX/mini.ppl", "base": "$FIX/suite/claims/approve.json", "cases": [
  {"name": "refused elsewhere", "set": {"/lines/1/units": -1}, "expect": {"error": "/lines/0/units"}},
  {"name": "refused, decision expected", "set": {"/lines/1/units": -1}, "expect": {"decision": "approve"}}
]}
EOF
run test "$TMP/refused.test.json"
expect_rc 1 "wrong error"
expect_stdout '^    expected: an error containing "/lines/0/units"$' "wrong error: expected text"
expect_stdout '^    actual:   /lines/1/units: must be ' "wrong error: actual error with its path"
expect_stdout '^    actual:   error: /lines/1/units: must be ' "decision expected, error got"
check "wrong error: count" test "$(last_line)" = "0 passed, 2 failed"

# An expected rule the deciding policy lacks is said to be missing, with a did-you-mean, or with
# the policy that has it (a rule lost with a dropped `use`).
mkdir -p "$TMP/rules"
cp "$FIX/mini.ppl" "$TMP/rules/"
cat >"$TMP/rules/other.ppl" <<'EOF'
policy mini-b version "1"
  title "Another line of business"
  line of business "medicare_part_b"
  governs lines where line.hcpcs = "J9027"

rule B-UNITS "at most 50 units"
  applies to governed
  require line.units <= 50
    else deny CO 151 "over 50 units"
EOF
cat >"$TMP/rules/rules.test.json" <<EOF
{"policies": ".", "base": "$FIX/suite/claims/approve.json", "cases": [
  {"name": "misspelt", "set": {"/authorizations": []},
   "expect": {"decision": "deny", "lines": {"1": {"reasons": ["M-AUTHS"]}}}},
  {"name": "elsewhere", "set": {"/lines/0/units": 55},
   "expect": {"decision": "approve", "lines": {"1": {"reasons": ["B-UNITS"]}}}}]}
EOF
run test "$TMP/rules/rules.test.json"
expect_rc 1 "expected rules the policy lacks"
cat >"$TMP/expected" <<EOF
$TMP/rules/rules.test.json: case misspelt
  lines."1".reasons
    expected: ["M-AUTHS"]
    actual:   ["M-AUTH"]
    note: expected reason \`M-AUTHS\`, but policy mini-j9027@1 has no rule \`M-AUTHS\`; did you mean \`M-AUTH\`?
  the claim was decided:
    decision deny, policy mini-j9027@1
      line 1 J9027: deny
        M-AUTH: deny CO 197 M62: no authorization covers 2026-03-02
      line 2 96413: not_applicable
$TMP/rules/rules.test.json: case elsewhere
  lines."1".reasons
    expected: ["B-UNITS"]
    actual:   []
    note: expected reason \`B-UNITS\`, but policy mini-j9027@1 has no rule \`B-UNITS\` (policy mini-b@1 has one, from other.ppl)
  the claim was decided:
    decision approve, policy mini-j9027@1
      line 1 J9027: approve
        M-DISC: adjust CO 45 by 20%
      line 2 96413: not_applicable
0 passed, 2 failed
EOF
expect_stdout_is "$TMP/expected" "expected rules the policy lacks"

# --- Malformed test files: reported with JSON paths into them, counted as failures.
run_here test bad
expect_rc 1 "bad test files"
expect_stdout '^bad/syntax\.test\.json: not valid JSON: parse error at line 3, column 53: ' "syntax error with its position"
expect_stdout '^bad/keys\.test\.json: /cases/1/expect/decison: unknown key `decison`; did you mean `decision`\?$' "unknown key in expect"
expect_stdout '^bad/keys\.test\.json: /cases/2/sets: unknown key `sets`' "unknown case key"
expect_stdout '^bad/keys\.test\.json: /cases/3/set: `/lines/7/units`: nothing at `/lines/7` \(the list has 2 elements\)$' "bad pointer"
expect_stdout '^bad/keys\.test\.json: /cases/4/expect/lines/9: the claim has no line 9 \(its lines are 1, 2\)$' "unknown line number"
expect_stdout '^bad/keys\.test\.json: /cases/5: missing `name`$' "missing name"
expect_stdout '^bad/keys\.test\.json: /cases/6/name: another case is named `good`' "duplicate name"
check "bad test files: one good case, the rest (and the unparsable file) failed" \
  test "$(last_line)" = "1 passed, 7 failed"

printf '{"cases": [], "extra": 1}' >"$TMP/top.test.json"
run test "$TMP/top.test.json"
expect_rc 1 "unknown top-level key"
expect_stdout "^$TMP/top\\.test\\.json: /extra: unknown key \`extra\`" "unknown top-level key: path"
check "unknown top-level key: one failure" test "$(last_line)" = "0 passed, 1 failed"

# What JSON parsers silently change is refused: a key written twice (the last would win) and a
# number a double cannot hold exactly.
cat >"$TMP/unfaithful.test.json" <<EOF
{"policies": "$FIX/mini.ppl", "cases": [
  {"name": "a", "set": {"/lines/0/units": 40.0000000000000001}, "expect": {"decision": "approve"}},
  {"name": "b", "set": {"/lines/-": {}, "/lines/-": {}}, "expect": {"decision": "approve"}}]}
EOF
run test "$TMP/unfaithful.test.json"
expect_rc 1 "unfaithful JSON"
expect_stdout "^$TMP/unfaithful\\.test\\.json: /cases/0/set/~1lines~10~1units: the number 40\\.0000000000000001 has more than 15 significant digits" "unfaithful JSON: long number"
expect_stdout "^$TMP/unfaithful\\.test\\.json: /cases/1/set/~1lines~1-: the key \`/lines/-\` is written twice in one object" "unfaithful JSON: duplicate key"
check "unfaithful JSON: the file fails once" test "$(last_line)" = "0 passed, 1 failed"

# A `set` pointer or value naming a field the claim schema lacks would be added, ignored by the
# loader, and the case would pass on the unchanged claim: it is a problem of the test file.
cat >"$TMP/schema.test.json" <<EOF
{"policies": "$FIX/mini.ppl", "base": "$FIX/suite/claims/approve.json", "cases": [
  {"name": "61 units", "set": {"/lines/0/unit": 61}, "expect": {"decision": "approve"}},
  {"name": "expired", "set": {"/authorizations/0/valid_thru": "2026-03-01"}, "expect": {"decision": "approve"}},
  {"name": "a line", "set": {"/lines/-": {"line_number": 3, "hcpc": "J9027"}}, "expect": {"decision": "approve"}},
  {"name": "known fields", "set": {"/lines/0/units": 60, "/lines/0/ndc": "00024582411"}, "expect": {"decision": "approve"}}]}
EOF
run test "$TMP/schema.test.json"
expect_rc 1 "set: fields the schema lacks"
cat >"$TMP/expected" <<EOF
$TMP/schema.test.json: /cases/0/set: \`/lines/0/unit\`: a Line has no field \`unit\`; did you mean \`units\`?
$TMP/schema.test.json: /cases/1/set: \`/authorizations/0/valid_thru\`: an Authorization has no field \`valid_thru\`; did you mean \`valid_through\`?
$TMP/schema.test.json: /cases/2/set: \`/lines/-\`: a Line has no field \`hcpc\`; did you mean \`hcpcs\`?
1 passed, 3 failed
EOF
expect_stdout_is "$TMP/expected" "set: fields the schema lacks"

# A claim file that a case edits is checked like a test file: a key written twice or an
# over-long number would be lost when the edited claim is written out again.
mkdir -p "$TMP/edits"
printf '{"claim_id": "A", "claim_id": "B"}' >"$TMP/edits/dup.json"
cat >"$TMP/edits/dup.test.json" <<EOF
{"policies": "$FIX/mini.ppl", "cases": [
  {"name": "edited", "claim": "dup.json", "set": {"/claim_id": "X"}, "expect": {"decision": "approve"}}]}
EOF
run test "$TMP/edits/dup.test.json"
expect_rc 1 "edited claim with a duplicate key"
expect_stdout '/cases/0/claim: the claim `dup.json` cannot be edited faithfully: /claim_id: the key `claim_id` is written twice' "edited claim with a duplicate key: said"

# Expectations that could never fail are refused: an empty `error`, an empty reason or line
# object, a file without cases.
cat >"$TMP/vacuous.test.json" <<EOF
{"policies": "$FIX/mini.ppl", "base": "$FIX/suite/claims/approve.json", "cases": [
  {"name": "any error", "set": {"/lines/0/units": -1}, "expect": {"error": ""}},
  {"name": "any reason", "expect": {"decision": "approve", "lines": {"1": {"reasons": [{}]}}}},
  {"name": "any line", "expect": {"decision": "approve", "lines": {"1": {}}}}]}
EOF
run test "$TMP/vacuous.test.json"
expect_rc 1 "vacuous expectations"
expect_stdout '/cases/0/expect/error: an empty `error` would match any refusal' "empty error refused"
expect_stdout '/cases/1/expect/lines/1/reasons/0: an empty object would match anything' "empty reason refused"
expect_stdout '/cases/2/expect/lines/1: an empty object would match any line' "empty line refused"
printf '{"cases": []}' >"$TMP/empty.test.json"
run test "$TMP/empty.test.json"
expect_rc 1 "a file without cases"
expect_stdout '/cases: no cases: a test file that tests nothing would always pass' "a file without cases: said"

cat >"$TMP/noclaim.test.json" <<EOF
{"policies": "$FIX/mini.ppl", "base": "no-such-claim.json", "cases": [{"name": "a", "expect": {"decision": "approve"}}]}
EOF
run test "$TMP/noclaim.test.json"
expect_rc 1 "missing claim file"
expect_stdout "^$TMP/noclaim\\.test\\.json: /base: cannot read the claim \`no-such-claim\\.json\`: .* \\(a path is relative to the test file's directory\\)$" "missing claim file: named as written"
# A case's own claim is named the same way.
cat >"$TMP/noclaim2.test.json" <<EOF
{"policies": "$FIX/mini.ppl", "cases": [{"name": "a", "claim": "no-such-claim.json", "expect": {"decision": "approve"}}]}
EOF
run test "$TMP/noclaim2.test.json"
expect_stdout "^$TMP/noclaim2\\.test\\.json: /cases/0/claim: cannot read the claim \`no-such-claim\\.json\`: " "missing case claim file: named as written"

# A base claim's key a slip away from a field (review17a F1): the case would pass on a claim
# without the field, so it fails, naming the key, whether the case edits the claim or not.
sed 's/"units"/"unit"/' "$FIX/suite/claims/approve.json" >"$TMP/slip-claim.json"
cat >"$TMP/slip.test.json" <<EOF
{"policies": "$FIX/mini.ppl", "base": "slip-claim.json", "cases": [
  {"name": "as it is", "expect": {"decision": "approve"}},
  {"name": "edited", "set": {"/claim_id": "X"}, "expect": {"decision": "approve"}}]}
EOF
run test "$TMP/slip.test.json"
expect_rc 1 "a misspelt claim field"
check "a misspelt claim field: both cases fail, naming it" \
  test "$(grep -c '/base: `/lines/0/unit`: a Line has no field `unit`, so the claim would be decided without it; did you mean `units`?$' "$OUT")" = 2

# A base claim with an unknown field nested 100,000 arrays deep (audit19 F1) is decided as it is;
# the slip check, whose JSON library copies recursively, leaves it alone.
deep_unknown_field "$FIX/suite/claims/approve.json" >"$TMP/deep-claim.json"
cat >"$TMP/deep.test.json" <<EOF
{"policies": "$FIX/mini.ppl", "base": "deep-claim.json", "cases": [
  {"name": "as it is", "expect": {"decision": "approve"}}]}
EOF
run test "$TMP/deep.test.json"
expect_rc 0 "a base claim nested 100,000 deep, not edited"
check "a base claim nested 100,000 deep: its case passes" test "$(last_line)" = "1 passed, 0 failed"

# A rule of a module the policy uses, left out by a parameter (MB-GZ in Medicare Advantage), is
# not taken for a lost `use` (review17c 11).
cat >"$TMP/ma-gz.test.json" <<EOF
{"policies": "$POLICIES", "base": "$POLICIES/tests/claims/advantage-approve.json", "cases": [
  {"name": "GZ on MA", "set": {"/lines/0/modifiers": ["JZ", "GZ"]},
   "expect": {"decision": "deny", "lines": {"1": {"reasons": ["MB-GZ"]}}}}]}
EOF
run test "$TMP/ma-gz.test.json"
expect_stdout '^    note: expected reason `MB-GZ`, but policy medicare-advantage-j9027@2026.1 has no rule `MB-GZ` \(medicare-part-b.ppl is used here, but its rule is left out: its `only when` is a parameter this policy binds to false, or leaves at a default of false\)$' \
  "a rule switched off by a parameter: said so"

printf '{"case": []}' >"$TMP/singular.test.json"
run test "$TMP/singular.test.json"
check "a misspelt \`cases\`: one problem, with a did-you-mean" \
  test "$(cat "$OUT")" = "$(printf '%s: /case: unknown key `case`; did you mean `cases`?\n0 passed, 1 failed' "$TMP/singular.test.json")"

run_here test broken
expect_rc 1 "policies that do not compile"
expect_stdout '^broken/tests/broken\.test\.json: /policies: the policies `broken` are bad' "bad policies: named"
expect_stderr '^broken/broken\.ppl:8:11: error: `Line` has no field `unitz`' "bad policies: diagnostics on stderr"
check "bad policies: one failure" test "$(last_line)" = "0 passed, 1 failed"
check "bad policies: stdout points to stderr" test "$(head -n 1 "$OUT")" = \
  'broken/tests/broken.test.json: /policies: the policies `broken` are bad (see the diagnostics on stderr)'
# The JUnit report, which CI shows first, carries the diagnostics themselves (review18c M2).
run_here test broken --junit "$TMP/broken.xml"
if command -v python3 >/dev/null; then
  check "bad policies: the JUnit failure holds the diagnostics as on stderr" python3 -c '
import sys, xml.etree.ElementTree as ET
text = ET.parse(sys.argv[1]).getroot().find("testsuite/testcase/error").text
stderr = open(sys.argv[2]).read()
want = "broken/tests/broken.test.json: /policies: the policies `broken` are bad (see the diagnostics on stderr)\n" + stderr
assert text == want, (text, want)
assert "broken/broken.ppl:8:11: error: `Line` has no field `unitz`" in text' "$TMP/broken.xml" "$ERR"
fi

# --- JUnit: well-formed, a suite per file, a case per case, failures with their reports. A case
# whose decision differs is a <failure>, a case or file that cannot be run an <error>, which CI
# lists apart (review18c M1); the exit status is 1 for both. The classname is the file as a
# dotted path without `.test.json`: Jenkins takes what follows the last dot for the class (L1).
run_here test --junit "$TMP/junit.xml" suite failing bad
expect_rc 1 "junit run"
check "junit: count as usual" test "$(last_line)" = "10 passed, 9 failed"
check "junit: written" test -s "$TMP/junit.xml"
if command -v xmllint >/dev/null; then
  check "junit: well-formed (xmllint)" xmllint --noout "$TMP/junit.xml"
fi
if command -v python3 >/dev/null; then
  cat >"$TMP/junit.py" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("19", "2", "7"), root.attrib
suites = root.findall("testsuite")
assert [s.get("name") for s in suites] == ["suite/mini.test.json", "failing/fail.test.json",
                                           "bad/keys.test.json", "bad/syntax.test.json"], suites
assert [(s.get("tests"), s.get("failures"), s.get("errors")) for s in suites] == \
    [("8", "0", "0"), ("3", "2", "0"), ("7", "0", "6"), ("1", "0", "1")]
classes = ["suite.mini", "failing.fail", "bad.keys", "bad.syntax"]
for s, classname in zip(suites, classes):
    for c in s.findall("testcase"):
        assert c.get("classname") == classname, c.get("classname")
        float(c.get("time"))
    assert len(s.findall("testcase/failure")) == int(s.get("failures"))
    assert len(s.findall("testcase/error")) == int(s.get("errors"))
assert [e.get("type") for e in suites[2].findall("testcase/error")] == ["error"] * 6
assert suites[2].find("testcase/error").get("message") == \
    "bad/keys.test.json: /cases/1/expect/decison: unknown key `decison`; did you mean `decision`?"
odd = suites[1].findall("testcase")[2]
assert odd.get("name") == "expects a refusal <&\"'> of a good claim", odd.get("name")
failure = odd.find("failure")
assert failure.get("message") == "failing/fail.test.json: case expects a refusal <&\"'> of a good claim"
assert "no error: the claim was decided approve" in failure.text
assert suites[0].find("testcase/failure") is None
assert suites[3].find("testcase/error").text.startswith("bad/syntax.test.json: not valid JSON: parse error at line 3")
EOF
  check "junit: structure and escaping (python3 xml.etree)" python3 "$TMP/junit.py" "$TMP/junit.xml"
fi

# Characters XML cannot hold (U+FFFF, a byte that is not UTF-8) are replaced, so the report parses.
mkdir -p "$TMP/xmlchars"
printf '{"policies": "%s", "base": "%s", "cases": [{"name": "x \\uffff y", "expect": {"decision": "deny"}}]}' \
  "$FIX/mini.ppl" "$FIX/suite/claims/approve.json" >"$TMP/xmlchars/bad$(printf '\xff').test.json"
run test --junit "$TMP/xmlchars.xml" "$TMP/xmlchars"
expect_rc 1 "junit: unusual characters, a failing case"
if command -v python3 >/dev/null; then
  check "junit: unusual characters replaced, still well-formed" python3 -c \
    'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); c = r.find("testsuite/testcase"); assert c.get("name") == "x \ufffd y", c.get("name"); assert "\ufffd" in r.find("testsuite").get("name")' \
    "$TMP/xmlchars.xml"
fi

# A test file nested 100,000 arrays deep is refused before it is parsed (the JSON library
# copies and prints documents recursively: this one overflowed the stack).
mkdir -p "$TMP/deep"
python3 -c 'import sys; n = 100000; sys.stdout.write("{\"base\": {\"x\": " + "[" * n + "]" * n + "}, \"cases\": []}")' \
  >"$TMP/deep/deep.test.json"
run test "$TMP/deep"
expect_rc 1 "a test file nested too deep"
expect_stdout 'deep\.test\.json: nested more than 512 objects and arrays deep$' "a test file nested too deep: said so"

run_here test --junit "$TMP/no-such-dir/junit.xml" suite
expect_rc 1 "junit: unwritable file"
expect_stderr 'junit\.xml: cannot write the JUnit report: No such file or directory$' "junit: unwritable file named, and why"
run_here test --junit "$TMP" suite
expect_rc 1 "junit: a directory"
expect_stderr 'cannot write the JUnit report: Is a directory$' "junit: a directory, said so"

# --- Coverage. By hand, from mini.ppl and suite/mini.test.json: 6 cases decided under
# mini-j9027@1 (the refused claim decides nothing; the Part B claim has no policy).
#   M-AUTH  fails only in "authorization ended"; passes in the other 5.
#   M-UNITS fails in "61 units" and in "a second line" (line 3), which also passes it on
#           line 1; passes in 5.
#   M-340B  applies only to the 340B entity's claim, where it fails: never passed.
#   M-DISC  fails (pends) only where the drug is removed; passes (adjusts) in the other 5.
run_here test --coverage suite
expect_rc 0 "coverage"
cat >"$TMP/expected" <<'EOF'
coverage of mini-j9027@1 (6 cases)
  rule     applied  failed  passed
  M-AUTH         6       1       5
  M-UNITS        6       2       5
  M-340B         1       1       0
  M-DISC         6       1       5
  never failed: none
  never passed: M-340B
coverage: 3 of 4 rules exercised both ways (75%)
8 passed, 0 failed
EOF
expect_stdout_is "$TMP/expected" "coverage table"

# The same policy through another path (failing/ names ../mini.ppl) is merged by ID@VERSION;
# failed cases count for coverage too: +3 cases, M-AUTH failed once more.
run_here test --coverage suite failing
expect_stdout '^coverage of mini-j9027@1 \(9 cases\)$' "coverage merged: cases"
expect_stdout '^  M-AUTH         9       2       7$' "coverage merged: M-AUTH"
check "coverage merged: one policy" test "$(grep -c '^coverage of ' "$OUT")" = 1

run_here test --coverage-min 75 suite
expect_rc 0 "coverage-min met"
check "coverage-min met: summary, then the count" \
  test "$(cat "$OUT")" = "$(printf 'coverage: 3 of 4 rules exercised both ways (75%%)\n8 passed, 0 failed')"

run_here test --coverage-min=80 suite
expect_rc 1 "coverage-min missed"
expect_stdout '^coverage: 3 of 4 rules exercised both ways \(75%\) is under the minimum of 80% \(--coverage-min\)$' "coverage-min missed: said"
# The missed minimum counts as a failure, in the summary and in the JUnit report, as in the exit
# status (a CI report showed every test passing on a failed job).
check "coverage-min missed: counted as a failure, count last" test "$(last_line)" = "8 passed, 1 failed"
run_here test --coverage-min=80 --junit "$TMP/cov.xml" suite
check "coverage-min missed: JUnit fails" grep -q '<testcase name="--coverage-min"' "$TMP/cov.xml"
check "coverage-min missed: JUnit counts it as a failure" grep -q 'failures="1" errors="0"' "$TMP/cov.xml"

# --- --case TEXT: only the cases whose name contains TEXT run (case-sensitively; the name, not
# the file); the summary counts the others as not selected. suite/ has 8 cases, failing/ 3.
run_here test -v --case "61 units" suite
expect_rc 0 "--case: two passing cases"
cat >"$TMP/expected" <<'EOF'
suite/mini.test.json: case 61 units: ok
suite/mini.test.json: case a second J9027 line of 61 units is pended, the first approved: ok
2 passed, 0 failed, 6 not selected
EOF
expect_stdout_is "$TMP/expected" "--case: the cases whose name contains TEXT, and the rest counted"

# One case selected passes or fails as that case does.
run_here test --case "the approve claim" failing
expect_rc 0 "--case: the passing case of a failing file"
check "--case: the passing case of a failing file: counted" test "$(cat "$OUT")" = "1 passed, 0 failed, 2 not selected"
run_here test --case "expired authorization" failing
expect_rc 1 "--case: one failing case"
check "--case: one failing case: its report first" \
  test "$(head -n 1 "$OUT")" = "failing/fail.test.json: case expired authorization still approved"
check "--case: one failing case: counted" test "$(last_line)" = "0 passed, 1 failed, 2 not selected"

# Several: the cases any TEXT selects, each once (`61 units` contains both texts).
run_here test --case "61 units" --case=340B suite
expect_rc 0 "--case twice"
check "--case twice: the union" test "$(cat "$OUT")" = "3 passed, 0 failed, 5 not selected"
run_here test --case units --case 61 suite
check "--case: a case both select runs once" test "$(cat "$OUT")" = "3 passed, 0 failed, 5 not selected"

# A TEXT that selects nothing fails the run, even beside one that selects a case: a misspelt
# filter in CI must not pass green. Names are matched case-sensitively, and the file is not matched.
run_here test --case "61 units" --case "61 unitz" suite
expect_rc 1 "--case: one TEXT selects nothing"
expect_stdout '^--case `61 unitz`: no case'"'"'s name contains `61 unitz` \(of the 8 cases in the test files; names are matched case-sensitively; `--list` prints them\)$' \
  "--case: the TEXT that selects nothing is named"
check "--case: one TEXT selects nothing: a failure" test "$(last_line)" = "2 passed, 1 failed, 6 not selected"
for text in "The approve claim" "mini.test" "suite/"; do
  run_here test --case "$text" suite
  expect_rc 1 "--case \`$text\` selects nothing"
  check "--case \`$text\` selects nothing: counted" test "$(last_line)" = "0 passed, 1 failed, 8 not selected"
done

# A file with no selected case is not run (its bad policies are not compiled); one that cannot
# be read still fails (it might hold the case); a case with no name is named `#INDEX`.
run_here test --case "61 units" suite broken
expect_rc 0 "--case: a file without selected cases is not run"
check "--case: its policies not compiled" bash -c '! grep -q "broken\.ppl:8:11: error" "$1"' _ "$ERR"
check "--case: a file without selected cases: counted" test "$(cat "$OUT")" = "2 passed, 0 failed, 7 not selected"
run_here test --case "61 units" suite bad
expect_rc 1 "--case beside a malformed file"
check "--case beside a malformed file: it fails, its readable file's 7 cases not selected" \
  test "$(last_line)" = "2 passed, 1 failed, 13 not selected"
run_here test --case "#5" bad/keys.test.json
expect_rc 1 "--case: a case without a name"
check "--case: a case without a name: selected by its #INDEX" \
  test "$(cat "$OUT")" = "$(printf 'bad/keys.test.json: /cases/5: missing `name`\n0 passed, 1 failed, 6 not selected')"

# JUnit: the selected cases only (not `skipped`: pytest -k, ctest -R and nextest leave filtered
# cases out too), no suite for a file without one, and a TEXT that selects nothing an <error>.
run_here test --case "61 units" --case expired --case nosuch --junit "$TMP/case.xml" suite failing broken
expect_rc 1 "--case with --junit"
check "--case with --junit: counted" test "$(last_line)" = "2 passed, 2 failed, 9 not selected"
if command -v python3 >/dev/null; then
  check "--case with --junit: the selected cases, and the TEXT that selects nothing" python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "1"), root.attrib
suites = root.findall("testsuite")
assert [(s.get("name"), s.get("tests"), s.get("skipped")) for s in suites] == [
    ("suite/mini.test.json", "2", "0"), ("failing/fail.test.json", "1", "0"), ("--case", "1", "0")], suites
assert [c.get("name") for c in suites[0].findall("testcase")] == [
    "61 units", "a second J9027 line of 61 units is pended, the first approved"]
assert suites[1].find("testcase").get("name") == "expired authorization still approved"
assert suites[1].find("testcase/failure") is not None
missed = suites[2].find("testcase")
assert missed.get("name") == "--case nosuch", missed.get("name")
assert missed.find("error").get("message").startswith("--case `nosuch`: no case"), missed.find("error").attrib
assert root.find(".//skipped") is None' "$TMP/case.xml"
fi

# Coverage of the selected cases only, said so. By hand, from the coverage comment below: both
# cases pass M-AUTH and M-DISC, fail M-UNITS, and "a second line" also passes it on line 1.
run_here test --coverage --case "61 units" suite
expect_rc 0 "--case with --coverage"
cat >"$TMP/expected" <<'EOF'
coverage of mini-j9027@1 (2 cases)
  rule     applied  failed  passed
  M-AUTH         2       0       2
  M-UNITS        2       2       1
  M-340B         0       0       0
  M-DISC         2       0       2
  never failed: M-AUTH, M-340B, M-DISC
  never passed: M-340B
coverage: 1 of 4 rules exercised both ways (25%)
coverage: of the 2 selected cases only, not of the 6 cases --case left out
2 passed, 0 failed, 6 not selected
EOF
expect_stdout_is "$TMP/expected" "--case with --coverage: the selected cases' coverage"
# A minimum judges the whole suite: with a part of it, a usage error.
run test --coverage-min 50 --case "61 units" "$FIX/suite"
expect_rc 2 "--case with --coverage-min"
expect_stderr '`--coverage-min` judges the whole suite: it cannot be combined with `--case`' "--case with --coverage-min: said"
expect_stdout_empty "--case with --coverage-min: nothing run"
run test --case
expect_rc 2 "--case without TEXT"
run test --case= "$FIX/suite"
expect_rc 2 "--case with an empty TEXT"
expect_stderr '`--case` needs a TEXT' "--case with an empty TEXT: said"

# --- --list: each case's file and name (the ones --case selects), nothing run: the failing file's
# failing case is listed and does not fail; an unreadable file still does. The expected names are
# read from the test files by python, not by pplc.
run_here test --list suite failing
expect_rc 0 "--list"
(cd "$FIX" && python3 -c '
import json, sys
for f in sys.argv[1:]:
    for i, c in enumerate(json.load(open(f))["cases"], 1):
        print("%s: %s" % (f, c.get("name", "#%d" % i)))
' suite/mini.test.json failing/fail.test.json) >"$TMP/expected"
echo "$(($(wc -l <"$TMP/expected"))) cases" >>"$TMP/expected"
expect_stdout_is "$TMP/expected" "--list: every case, then the count"
run_here test --list --case "61 units" suite failing
expect_rc 0 "--list --case"
grep -F '61 units' "$TMP/expected" >"$TMP/expected-61"
echo "2 cases, $(($(grep -c . "$TMP/expected") - 3)) not selected" >>"$TMP/expected-61"
expect_stdout_is "$TMP/expected-61" "--list --case: the selected cases, and the rest counted"
run_here test --list --case nosuch suite
expect_rc 1 "--list --case selecting nothing"
check "--list --case selecting nothing: counted" test "$(last_line)" = "0 cases, 1 failed, 8 not selected"
run_here test --list suite bad
expect_rc 1 "--list beside a malformed file"
run test --list --junit "$TMP/list.xml" "$FIX/suite"
expect_rc 2 "--list with --junit"
expect_stderr '`--list` runs no case' "--list with --junit: said"

# --- Usage and paths.
run test
expect_rc 2 "no PATH"
run test --coverage-min 101 "$FIX/suite"
expect_rc 2 "coverage-min over 100"
run test --coverage-min abc "$FIX/suite"
expect_rc 2 "coverage-min not a number"
run test --junit
expect_rc 2 "junit without FILE"
run test --bogus "$FIX/suite"
expect_rc 2 "unknown option"

run test "$TMP/no-such-dir"
expect_rc 1 "missing PATH"
expect_stdout "^$TMP/no-such-dir: no such file or directory$" "missing PATH: named"
check "missing PATH: counted as a failure" test "$(last_line)" = "0 passed, 1 failed"
run test "$FIX/suite" "$TMP/no-such-dir" --junit "$TMP/missing.xml"
expect_rc 1 "missing PATH beside a suite"
check "missing PATH beside a suite: counted" test "$(last_line)" = "8 passed, 1 failed"
check "missing PATH beside a suite: a JUnit error, no failure" \
  grep -q '^<testsuites name="pplc test" tests="9" failures="0" errors="1" ' "$TMP/missing.xml"
mkdir -p "$TMP/empty"
run test "$TMP/empty"
expect_rc 1 "directory without test files"
expect_stdout 'no `\*\.test\.json` files' "directory without test files: said"

# The JUnit report never overwrites an input (it replaced policies and test files).
for target in "$TMP/p.ppl" "$TMP/report.json" "$(ls "$FIX"/suite/*.test.json | head -1)"; do
  run test --junit "$target" "$FIX/suite"
  expect_rc 2 "junit over an input ($target)"
  expect_stderr 'would overwrite a test input' "junit over an input ($target): said"
done

finish
