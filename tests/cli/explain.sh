#!/usr/bin/env bash
# `pplc eval --format=explain`: what every rule did on every governed line. Checked against the
# example claims' expected decisions (the failed rules, the line and claim decisions), against
# the JSON output's reasons and messages, and against a golden for a small policy whose rules
# pass, fail, skip and adjust, worked out by hand from its claim.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mapfile -t claims < <(example_claims)
expected=()
for c in "${claims[@]}"; do expected+=("${c%.json}.expected.json"); done

run eval --format=explain "$POLICIES" "${claims[@]}"
expect_rc 0 "explain: the examples"
cp "$OUT" "$TMP/explain.txt"
run eval "$POLICIES" "${claims[@]}"
cp "$OUT" "$TMP/decisions.json"

cat >"$TMP/compare.py" <<'PY'
# The explanation's failed rules and line and claim decisions must be the examples' expected
# ones, its reasons and adjustments the JSON output's, each under its rule; a governed line lists
# every rule of its policy (as docs/spec/j9027-policies.md names them) once.
import json, re, sys

explain_path, decisions_path = sys.argv[1:3]
expected = [json.load(open(p)) for p in sys.argv[3:]]


def json_stream(text):
    decoder, i, out = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            return out
        obj, i = decoder.raw_decode(text, i)
        out.append(obj)


medicare = {"MB-DX", "MB-STEP", "MB-SITE", "MB-UNITS", "MB-FREQ", "MB-JZ", "MB-JW", "MB-340B",
            "MB-INCIDENT", "MB-WASTE"}
policy_rules = {
    "acme-commercial-j9027@2026.1": {"PA", "PA-UNITS", "C-DX", "C-STEP", "C-STEROID", "C-EFFICACY",
                                     "C-FREQ", "C-UNITS", "C-DOSE", "C-NDC", "C-DOCS", "C-SITE",
                                     "C-SOURCE", "C-WASTE"},
    "medicare-advantage-j9027@2026.1": medicare | {"PA", "PA-UNITS"},
    "medicare-part-b-j9027@2026.1": medicare | {"MB-GZ"},
}
actual = json_stream(open(decisions_path).read())
blocks = [b for b in open(explain_path).read().split("\n\n") if b.strip()]
problems = []
if len(blocks) != len(expected) or len(actual) != len(expected):
    problems.append(f"{len(blocks)} explanations, {len(actual)} decisions for {len(expected)} claims")
line_head = re.compile(r"^  line (\d+), (\S+): (\w+)(, not governed by the policy)?$")
rule_line = re.compile(r"^    (passed|failed|skipped) +(\S+) +\S.*  \S+\.ppl:\d+:\d+$")
reason_line = re.compile(r"^ {13}(deny|pend) (CO|PR|OA) ([^\s:]+)(?: [^\s:]+)*: (.*)$")
adjust_line = re.compile(r"^ {13}adjust (CO|PR|OA) (\S+) by -(\S+)%(?:: .*)?$")
for block, want, got in zip(blocks, expected, actual):
    text_lines = block.split("\n")
    cid = want["claim_id"]
    head = f"{cid}: {want['decision']}, by {want['policy']} ("
    if not text_lines[0].startswith(head):
        problems.append(f"{cid}: head {text_lines[0]!r}, expected it to start {head!r}")
    seen, current = {}, None
    for text in text_lines[1:]:
        m = line_head.match(text)
        if m:
            current = seen[int(m.group(1))] = {"hcpcs": m.group(2), "decision": m.group(3),
                                               "governed": not m.group(4), "rules": [],
                                               "failed": [], "reasons": [], "adjustments": []}
        elif (m := rule_line.match(text)) and current is not None:
            current["rules"].append(m.group(2))
            if m.group(1) == "failed":
                current["failed"].append(m.group(2))
        elif (m := reason_line.match(text)) and current is not None and current["rules"]:
            current["reasons"].append((current["rules"][-1], m.group(1), m.group(2), m.group(3), m.group(4)))
        elif (m := adjust_line.match(text)) and current is not None and current["rules"]:
            current["adjustments"].append((current["rules"][-1], m.group(1), m.group(2), m.group(3)))
        else:
            problems.append(f"{cid}: unexpected line {text!r}")
    rule_lists = set()
    for want_line, got_line in zip(want["lines"], got["lines"]):
        n = want_line["line_number"]
        line = seen.get(n)
        if line is None:
            problems.append(f"{cid}: line {n} missing")
            continue
        if (line["hcpcs"], line["decision"]) != (want_line["hcpcs"], want_line["decision"]):
            problems.append(f"{cid}: line {n} is {line['hcpcs']} {line['decision']}, expected "
                            f"{want_line['hcpcs']} {want_line['decision']}")
        want_failed = [r["rule"] for r in want_line["reasons"]]
        if line["failed"] != want_failed:
            problems.append(f"{cid}: line {n} failed {line['failed']}, expected {want_failed}")
        if line["governed"] != (want_line["decision"] != "not_applicable"):
            problems.append(f"{cid}: line {n} shown as governed: {line['governed']}")
        if line["governed"]:
            rule_lists.add(tuple(line["rules"]))
            if sorted(line["rules"]) != sorted(policy_rules.get(want["policy"], [])):
                problems.append(f"{cid}: line {n} lists rules {line['rules']}")
        json_reasons = [(r["rule"], r["action"], r["group"], r["carc"], r["message"]) for r in got_line["reasons"]]
        if line["reasons"] != json_reasons:
            problems.append(f"{cid}: line {n} reasons {line['reasons']}, the JSON's {json_reasons}")
        json_adjustments = [(a["rule"], a["group"], a["carc"], str(a["percent"])) for a in got_line["adjustments"]]
        if line["adjustments"] != json_adjustments:
            problems.append(f"{cid}: line {n} adjustments {line['adjustments']}, the JSON's {json_adjustments}")
    if len(rule_lists) > 1:
        problems.append(f"{cid}: governed lines list different rules: {rule_lists}")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
check "explain: the examples' failed rules and decisions, the JSON's reasons" \
  python3 "$TMP/compare.py" "$TMP/explain.txt" "$TMP/decisions.json" "${expected[@]}"

# A small policy whose rules fail (with a message argument), pass, skip (only when) and adjust,
# on a claim of two J9027 lines and one other. Worked out by hand: line 1 bills 40 units (UNITS
# fails; not JW, so WASTE skips; PAY passes, its adjustment dropped since the line is denied),
# line 2 is JW with 10 units (everything passes; the approved line carries PAY's adjustment,
# whose message is the rule's title, as an adjustment has no message of its own).
mkdir -p "$TMP/small"
cat >"$TMP/small/p.ppl" <<'PPL'
policy small version "7"
  line of business "commercial"
  governs lines where line.hcpcs = "J9027"
rule UNITS "at most 30 units a line"
  require line.units <= 30 else deny CO 151 "{line.units} units over 30"
rule WASTE "a waste line is at most 20 units (m²)"
  only when "JW" in line.modifiers
  require line.units <= 20 else deny CO 96
rule PAY "the plan pays 80%"
  adjust CO 45 by 20% when true
PPL
claim="$TMP/small.json"
sed -e 's/"line_number": 2, "hcpcs": "96413"/"line_number": 3, "hcpcs": "96413"/' "$(example commercial-approve)" >"$claim"
cat >"$TMP/small.py" <<'PY'
# The approve example with its J9027 line billed at 40 units and a second, JW line of 10.
import json, sys
claim = json.load(open(sys.argv[1]))
claim["claim_id"] = "SMALL-1"
dose = claim["lines"][0]
dose["units"] = 40
waste = dict(dose, line_number=2, units=10, modifiers=["JW"])
claim["lines"] = [dose, waste] + [dict(l, line_number=3) for l in claim["lines"][1:2]]
json.dump(claim, open(sys.argv[1], "w"))
PY
python3 "$TMP/small.py" "$claim"
run eval --format=explain "$TMP/small" "$claim"
expect_rc 0 "explain: a small policy"
p="$TMP/small/p.ppl"
cat >"$TMP/golden.txt" <<GOLDEN
SMALL-1: deny, by small@7
  line 1, J9027: deny
    failed   UNITS  at most 30 units a line                $p:4:6
             deny CO 151: 40 units over 30
    skipped  WASTE  a waste line is at most 20 units (m²)  $p:6:6
    passed   PAY    the plan pays 80%                      $p:9:6
  line 2, J9027: approve
    passed   UNITS  at most 30 units a line                $p:4:6
    passed   WASTE  a waste line is at most 20 units (m²)  $p:6:6
    passed   PAY    the plan pays 80%                      $p:9:6
             adjust CO 45 by -20%: the plan pays 80%
  line 3, 96413: not_applicable, not governed by the policy

GOLDEN
check "explain: a small policy, against its golden" diff -u "$TMP/golden.txt" "$OUT"

# A claim whose line of business no policy of the pack governs.
run eval --format=explain "$TMP/small" "$(example medicare-approve)"
expect_rc 0 "explain: no policy"
check "explain: no policy, said in one line" test "$(cat "$OUT")" = \
  "CLM-MEDICARE-APPROVE: not_applicable, no policy governs the claim"

# A bad claim among good ones: its error in its place and on stderr, and exit 1.
bad="$TMP/bad.json"
sed 's/"units": 40/"units": -1/' "$claim" >"$bad"
run eval --format=explain "$TMP/small" "$bad" "$claim"
expect_rc 1 "explain: a bad claim"
expect_stdout '^SMALL-1: error, /lines/0/units: ' "explain: the bad claim's error in its place"
expect_stdout '^SMALL-1: deny, by small@7' "explain: the claim after it decided"
expect_stderr "^$bad: /lines/0/units: " "explain: the error on stderr"

run eval --format=explain --ndjson "$TMP/small" "$claim"
expect_rc 2 "explain: not with --ndjson"
expect_stderr 'format=explain. cannot be combined with .--ndjson' "explain: not with --ndjson, said"

finish
