#!/usr/bin/env bash
# `pplc eval` on claim files: decided claims exit 0, bad claims exit 1 with the JSON path at
# fault, several claims are each decided in order, and the table format lists fired rules.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

approve="$(example commercial-approve)"
waste="$(example commercial-waste-after-pended-dose)"

run eval "$POLICIES" "$approve"
expect_rc 0 "decided claim"
expect_stdout '^  "claim_id": "CLM-COMMERCIAL-APPROVE",$' "decided claim: pretty JSON with its id"
expect_stdout '^  "decision": "approve",$' "decided claim: approved"

run_stdin "$approve" eval "$POLICIES" -
expect_rc 0 "claim on stdin"
expect_stdout '"claim_id": "CLM-COMMERCIAL-APPROVE"' "claim on stdin: decided"

# A claim file larger than readFile's 64 KiB chunk, from a path and from stdin: the claim with
# 150,000 bytes of white space before its closing brace reads whole (one chunk dropped or
# doubled would break the JSON).
padded="$TMP/padded.json"
{ sed '$d' "$approve"; head -c 150000 /dev/zero | tr '\0' ' '; tail -n 1 "$approve"; } >"$padded"
run eval "$POLICIES" "$padded"
expect_rc 0 "claim over 64 KiB"
expect_stdout '^  "decision": "approve",$' "claim over 64 KiB: decided"
run_stdin "$padded" eval "$POLICIES" -
expect_rc 0 "claim over 64 KiB on stdin"
expect_stdout '^  "decision": "approve",$' "claim over 64 KiB on stdin: decided"

# Every integer argument of a define widens to decimal (the fourth and fifth once did not):
# 10 + 10 + 10 + 5 + 4.5 = 39.5 is under the J9027 line's 40 units, 5.5 makes it 40.5.
widen_policy() {
  mkdir -p "$TMP/widening"
  cat >"$TMP/widening/p.ppl" <<PPL
policy widening version "1"
  line of business "commercial"
  governs lines where line.hcpcs = "J9027"
define total(a: decimal, b: decimal, c: decimal, d: decimal, e: decimal) = a + b + c + d + e
rule W "units within the total"
  require line.units <= total(10, 10, 10, 5, $1) else deny CO 151
PPL
}
widen_policy 4.5
run eval --format=table "$TMP/widening" "$approve"
expect_rc 0 "a define's fifth argument widened"
expect_stdout 'deny W' "a define's fifth argument widened: 40 units over 39.5"
widen_policy 5.5
run eval --format=table "$TMP/widening" "$approve"
expect_stdout 'CLM-COMMERCIAL-APPROVE +approve' "a define's fifth argument widened: 40 units within 40.5"

# A negative quantity in the first line (the first "units": 40 in the file is lines[0]'s).
bad="$TMP/bad-units.json"
sed '0,/"units": 40/s//"units": -1/' "$approve" >"$bad"
run eval "$POLICIES" "$bad"
expect_rc 1 "bad claim"
expect_stderr "^$bad: /lines/0/units: " "bad claim: file and JSON path in stderr"
expect_stdout_empty "bad claim: no decision"

malformed="$TMP/malformed.json"
head -c 200 "$approve" >"$malformed"
run eval "$POLICIES" "$malformed"
expect_rc 1 "malformed JSON"
expect_stderr "^$malformed: " "malformed JSON: file named"

run eval "$POLICIES" "$TMP/no-such-claim.json"
expect_rc 1 "missing claim file"
expect_stderr 'no-such-claim\.json' "missing claim file: named"

# Several claims: each decided in order; a bad one in the middle is reported and skipped.
run eval "$POLICIES" "$approve" "$bad" "$waste"
expect_rc 1 "three claims, one bad"
check "three claims, one bad: two decisions, in order" \
  test "$(grep -E '^  "claim_id": ' "$OUT" | tr -d '\n')" = \
  '  "claim_id": "CLM-COMMERCIAL-APPROVE",  "claim_id": "CLM-COMMERCIAL-WASTE-AFTER-PENDED-DOSE",'
expect_stderr "^$bad: /lines/0/units: " "three claims, one bad: the bad one named"

mapfile -t all < <(example_claims)
run eval "$POLICIES" "${all[@]}"
expect_rc 0 "every example claim"
check "every example claim: one decision each" \
  test "$(grep -cE '^  "claim_id": ' "$OUT")" = "${#all[@]}"

# A message names an absent fact in words: C-NDC's hole falls back to "missing" (`??`), where
# an absent value alone prints as `none` ("has NDC none" read as a code).
ndc_missing="$SRC/tests/pack/cases/c-ndc-missing.json"
run eval "$POLICIES" "$ndc_missing"
expect_rc 0 "claim without an NDC"
expect_stdout '"message": "the NDC of line 1 is missing, not 00024582411"' "claim without an NDC: message"

# An empty list in a message reads `none`, as an absent value does.
sed 's/"C61",//; s/"Z19.2",//; s/"C79.51"//' "$approve" >"$TMP/no-diagnoses.json"
run eval "$POLICIES" "$TMP/no-diagnoses.json"
expect_rc 0 "claim without diagnoses"
expect_stdout '"message": "the claim.s diagnoses \(none\) do not include both C61 and Z19.2"' \
  "claim without diagnoses: an empty list reads none"

# A define called through its module's name is that module's define, where two modules declare
# one name: mb.f(8) = 10 fails `< 10`, and the message shows ma.f(8) = 9.
mkdir -p "$TMP/qualified"
printf 'module ma\ndefine f(x: decimal) = x + 1\n' >"$TMP/qualified/ma.ppl"
printf 'module mb\ndefine f(x: decimal) = x + 2\n' >"$TMP/qualified/mb.ppl"
printf 'policy p version "1"\n  line of business "commercial"\n  governs lines where line.hcpcs = "J9027"\nuse ma\nuse mb\nrule R "r"\n  require mb.f(line.units - 32) < 10 else deny CO 151 "over: {ma.f(line.units - 32)}"\n' >"$TMP/qualified/p.ppl"
run eval "$TMP/qualified" "$approve"
expect_rc 0 "a define called through its module"
expect_stdout '"message": "over: 9"' "a define called through its module: each module's own"

run eval --format=table "$POLICIES" "$approve" "$waste"
expect_rc 0 "table"
check "table: a header and one row per claim" test "$(wc -l <"$OUT")" = 3
expect_stdout '^CLAIM +DECISION +LINES$' "table: header"
expect_stdout '^CLM-COMMERCIAL-APPROVE +approve +-$' "table: approved claim"
expect_stdout '^CLM-COMMERCIAL-WASTE-AFTER-PENDED-DOSE +deny +L1 pend C-DOSE; L3 deny C-WASTE$' \
  "table: fired rules per line"
check "table: columns aligned" \
  test "$(awk 'NR > 1 { print index($0, $2) }' "$OUT" | sort -u | wc -l)" = 1

run eval --format table "$POLICIES" "$approve" "$bad"
expect_rc 1 "table with a bad claim"
expect_stdout '^CLM-COMMERCIAL-APPROVE +error +/lines/0/units: ' "table: bad claim row"

# A too-soon dose's message names the earlier dose's date (2026-10-05 is 17 days after it).
run eval "$POLICIES" "$SRC/tests/pack/cases/c-freq-17-days.json"
expect_rc 0 "a dose 17 days after the last"
expect_stdout '"message": "the J9027 dose of 2026-09-18 is fewer than 18 days before 2026-10-05"' \
  "a dose 17 days after the last: the earlier dose's date in the message"

# Each chunk compiles with its own registers: the second policy's governed test once read its
# date from a register the first policy's last rule had held it in (a boolean there), and its
# J9043 line of 2026-10-05 went ungoverned, not_applicable.
mkdir -p "$TMP/two-policies"
printf 'policy two-a version "1"\n  line of business "commercial"\n  governs lines where line.hcpcs = "J9027"\nrule A-1 "one"\n  deny CO 96 when line.units > 3\n' >"$TMP/two-policies/a.ppl"
printf 'policy two-b version "1"\n  line of business "medicare_advantage"\n  governs lines where line.hcpcs = "J9043" and line.service_date >= 2024-01-01\nrule B-1 "two"\n  deny CO 96 when line.units > 5\n' >"$TMP/two-policies/b.ppl"
sed 's/"J9027"/"J9043"/g' "$(example advantage-no-auth)" >"$TMP/j9043.json"
run eval --format=table "$TMP/two-policies" "$TMP/j9043.json"
expect_rc 0 "the second policy's governed test"
expect_stdout '^CLM-ADVANTAGE-NO-AUTH +deny +L1 deny B-1$' "the second policy's governed test: the J9043 line governed, 40 units over 5"

# An evaluation error names the rule, the claim line and where in the policy it failed.
mkdir -p "$TMP/divzero"
printf 'policy p version "1"\n  line of business "commercial"\n  governs lines where line.hcpcs = "J9027"\nrule R "r"\n  require line.units / (line.units - 40) < 10 else deny CO 151 "m"\n' >"$TMP/divzero/p.ppl"
run eval "$TMP/divzero" "$approve"
expect_rc 1 "division by zero"
expect_stderr ": evaluation failed: division by zero in rule R on claim line 1, at $TMP/divzero/p.ppl:5:11$" \
  "division by zero: the rule, the claim line and the policy's position"
tr -d '\n' <"$approve" >"$TMP/approve-line.ndjson"
run eval --ndjson "$TMP/divzero" "$TMP/approve-line.ndjson"
expect_rc 1 "division by zero, --ndjson"
expect_stdout '"error":"evaluation failed: division by zero in rule R on claim line 1, at ' "division by zero, --ndjson: the record's error"
expect_stderr '1 of 1 records were not decided' "division by zero, --ndjson: counted"

# Control characters from a claim never reach a person's terminal raw: a claim id with a
# newline and a NUL in the table, a key with a NUL in the JSON path of an error on stderr.
sed 's/"CLM-COMMERCIAL-APPROVE"/"CLM-\\n-\\u0000-X"/' "$approve" >"$TMP/ctl-id.json"
run eval --format=table "$POLICIES" "$TMP/ctl-id.json"
expect_rc 0 "control characters in a claim id"
expect_stdout '^CLM-\\u000a-\\u0000-X +approve +-$' "control characters in a claim id: escaped in the table"
check "control characters in a claim id: one row" test "$(wc -l <"$OUT")" = 2
sed '0,/"claim_type"/s//"x\\u0000": [1,, "claim_type"/' "$approve" >"$TMP/ctl-key.json"
run eval "$POLICIES" "$TMP/ctl-key.json"
expect_rc 1 "a NUL in a key"
expect_stderr 'near /x\\u0000\)$' "a NUL in a key: escaped in the JSON path on stderr"
check "a NUL in a key: no raw NUL on stderr" test "$(tr -cd '\000' <"$ERR" | wc -c)" = 0

# stderr that cannot be written (a full disk, closed): the claims after a bad one are still
# decided, and the exit status is 1 (bad input), not 3.
"$PPLC" eval "$POLICIES" "$bad" "$approve" >"$OUT" 2>/dev/full
RC=$?
expect_rc 1 "stderr unwritable"
expect_stdout '"claim_id": "CLM-COMMERCIAL-APPROVE"' "stderr unwritable: the claim after the bad one decided"
tr -d '\n' <"$bad" >"$TMP/bad.ndjson"
tr -d '\n' <"$approve" >"$TMP/approve.ndjson"
"$PPLC" eval --ndjson "$POLICIES" "$TMP/bad.ndjson" "$TMP/approve.ndjson" >"$OUT" 2>&-
RC=$?
expect_rc 1 "stderr closed, --ndjson"
check "stderr closed, --ndjson: both files answered" test "$(wc -l <"$OUT")" = 2
expect_stdout '"claim_id":"CLM-COMMERCIAL-APPROVE","policy"' "stderr closed, --ndjson: the second file decided"

# A claim key a slip away from a field is ignored, as the spec says, and said on stderr.
sed 's/"modifiers"/"modifier"/' "$approve" >"$TMP/slip.json"
run eval "$POLICIES" "$TMP/slip.json"
expect_rc 0 "a misspelt field"
expect_stderr '/lines/0/modifier: a Line has no field `modifier`, so it was ignored; did you mean `modifiers`\?$' \
  "a misspelt field: warned of"
{ tr -d '\n' <"$TMP/slip.json"; echo; } >"$TMP/slip.ndjson"
run eval --ndjson "$POLICIES" "$TMP/slip.ndjson"
expect_stdout '"claim_id":"CLM-COMMERCIAL-APPROVE"' "a misspelt field, --ndjson: decided"
check "a misspelt field, --ndjson: not warned of per record" test ! -s "$ERR"

# An unknown field nested 100,000 arrays deep (audit19 F1): the loader skips it, and the slip
# warning's JSON library, which copies recursively, is not given it (it overflowed the stack).
deep_unknown_field "$approve" >"$TMP/deep-unknown.json"
run eval "$POLICIES" "$TMP/deep-unknown.json"
expect_rc 0 "an unknown field nested 100,000 deep"
expect_stdout '"decision": "approve"' "an unknown field nested 100,000 deep: decided"

finish
