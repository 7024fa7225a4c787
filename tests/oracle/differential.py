#!/usr/bin/env python3
"""Differential test: pplc and an independent oracle of the J9027 pack must decide alike.

The pack's own suite (policies/tests/) checks the cases someone wrote, with expectations from
the same reading of the specification as the pack. Here thousands of claims nobody wrote are
decided by pplc and by oracle.py, a model of the pack written apart from PPL from the
specification alone (see README.md); gen.py makes the claims, aimed at the edges of every rule.
This driver

1. checks that the oracle reproduces every examples/claims/*.expected.json (so that it models
   the specification, not just itself);
2. generates N claims per seed, and refuses to go on if validate.py finds one invalid (the
   oracle decides valid claims only);
3. decides them all with one `PPLC eval --ndjson POLICIES FILE`;
4. compares each of pplc's decisions with the oracle's: claim id, policy, claim decision and,
   line by line, line number, code, decision, reasons (rule, action, group, CARC, RARCs, in
   order) and adjustments. Messages are not compared (the oracle writes none), but every reason
   pplc gives must carry a non-empty one.

On a difference it prints, for the first 5 claims that differ, where they differ, the claim and
both normalised decisions, and exits 1. On success it prints one line: the claims compared and
how often each rule failed a line. With --require-every-rule (ctest's run) it also fails unless
every rule of the pack failed some line and some line was adjusted, so that a change to the
generator or the seeds cannot quietly stop reaching a rule.

    python3 tests/oracle/differential.py build/pplc policies/ --seed 1 --seed 2 --claims 1000
    python3 tests/oracle/differential.py build/pplc policies/ --seed 7 --claims 100000

Exit status: 0 agree, 1 a difference (or the oracle, the generator or pplc failed), 2 usage.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen  # noqa: E402
import oracle  # noqa: E402
import validate  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SHOWN_DIFFERENCES = 5
REASON_KEYS = ("rule", "action", "group", "carc", "rarc")
ADJUSTMENT_KEYS = ("rule", "group", "carc", "percent")


def fail(message):
    sys.stdout.flush()
    print("differential.py: " + message, file=sys.stderr)
    sys.exit(1)


def seeds_text(seeds):
    return ("seed " if len(seeds) == 1 else "seeds ") + ", ".join(map(str, seeds))


def normalised(decision):
    """What the comparison reads of a decision: no messages, and nothing pplc might add."""
    if not isinstance(decision, dict) or "lines" not in decision:
        return decision  # an error record, or something else pplc should not have printed
    return {
        "claim_id": decision.get("claim_id"),
        "policy": decision.get("policy"),
        "decision": decision.get("decision"),
        "lines": [{
            "line_number": line.get("line_number"),
            "hcpcs": line.get("hcpcs"),
            "decision": line.get("decision"),
            "reasons": [{k: r.get(k) for k in REASON_KEYS} for r in line.get("reasons", [])],
            "adjustments": [{k: a.get(k) for k in ADJUSTMENT_KEYS} for a in line.get("adjustments", [])],
        } for line in decision["lines"]],
    }


def brief_reasons(reasons):
    return "[" + ", ".join(" ".join([r["rule"], r["action"], r["group"], r["carc"]] + list(r["rarc"] or []))
                           for r in reasons) + "]"


def differences(expected, actual, expected_name, actual_name):
    """Where two normalised decisions differ, one line each, for a person to read."""
    if not isinstance(actual, dict) or "lines" not in actual:
        return ["%s gave no decision: %s" % (actual_name, json.dumps(actual))]
    found = []
    for key in ("claim_id", "policy", "decision"):
        if expected[key] != actual[key]:
            found.append("%s: %s %s, %s %s" % (key, expected_name, json.dumps(expected[key]),
                                               actual_name, json.dumps(actual[key])))
    if len(expected["lines"]) != len(actual["lines"]):
        found.append("lines: %s %d, %s %d" % (expected_name, len(expected["lines"]),
                                              actual_name, len(actual["lines"])))
        return found
    for mine, theirs in zip(expected["lines"], actual["lines"]):
        where = "line %s %s" % (mine["line_number"], mine["hcpcs"])
        for key in ("line_number", "hcpcs", "decision", "reasons", "adjustments"):
            if mine[key] == theirs[key]:
                continue
            if key == "reasons":
                shown = (brief_reasons(mine[key]), brief_reasons(theirs[key]))
            else:
                shown = (json.dumps(mine[key]), json.dumps(theirs[key]))
            found.append("%s %s: %s %s, %s %s" % (where, key, expected_name, shown[0], actual_name, shown[1]))
    return found


def check_examples(examples):
    """The oracle must reproduce the specification's example decisions."""
    expected_files = sorted(examples.glob("*.expected.json"))
    if not expected_files:
        fail("no *.expected.json in %s" % examples)
    wrong = 0
    for expected_file in expected_files:
        claim_file = expected_file.with_name(expected_file.name.replace(".expected.json", ".json"))
        expected = normalised(json.loads(expected_file.read_text(encoding="utf-8")))
        decided = normalised(oracle.decide_text(claim_file.read_text(encoding="utf-8")))
        if decided != expected:
            wrong += 1
            print("the oracle does not reproduce %s:" % expected_file.name, file=sys.stderr)
            for line in differences(expected, decided, "expected", "oracle"):
                print("  " + line, file=sys.stderr)
    if wrong:
        fail("the oracle differs from %d of the %d example decisions in %s" % (wrong, len(expected_files), examples))
    return len(expected_files)


def generate(seeds, count, claims_file):
    """Writes count claims per seed, one per line; exits when the generator made an invalid one."""
    with open(claims_file, "w", encoding="utf-8", newline="\n") as out:
        for seed in seeds:
            generator = gen.ClaimGenerator(seed)
            for i in range(count):
                text = gen.encode(generator.claim("%d-%d" % (seed, i)))
                problems = validate.errors(text)
                if problems:
                    print("claim %d of seed %d: %s" % (i, seed, text), file=sys.stderr)
                    fail("gen.py made an invalid claim (%s): fix the generator, the oracle decides valid claims only"
                         % "; ".join(problems[:3]))
                out.write(text + "\n")


def lines_of(path):
    """The lines of a UTF-8 file, split at \\n only (a decision may hold U+2028 or U+0085)."""
    with open(path, encoding="utf-8", newline="\n") as f:
        for line in f:
            yield line.rstrip("\n")


def decide_with_pplc(pplc, policies, claims_file, decisions_file, count):
    """Writes pplc's decisions of the claims, from one `pplc eval --ndjson` process."""
    with open(decisions_file, "w", encoding="utf-8") as out:
        try:
            run = subprocess.run([pplc, "eval", "--ndjson", policies, claims_file],
                                 stdout=out, stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
        except OSError as e:
            fail("cannot run %s: %s" % (pplc, e.strerror))
    decided = sum(1 for _ in lines_of(decisions_file))
    if run.returncode != 0 or decided != count:
        refused = [line for line in lines_of(decisions_file) if '"error"' in line][:SHOWN_DIFFERENCES]
        fail(("`pplc eval --ndjson` exited %d with %d output lines for %d claims%s\n%s" % (
            run.returncode, decided, count,
            "; records it refused:\n  " + "\n  ".join(refused) if refused else "",
            "\n".join(run.stderr.splitlines()[-40:]))).rstrip())


class Comparison:
    """What comparing the decisions found: the first few differences and messageless reasons,
    how many of each, and how often each rule failed a line (the oracle's count)."""

    def __init__(self):
        self.differing = 0
        self.first_differences = []  # (claim text, oracle's decision, pplc's), normalised
        self.reasons_checked = 0
        self.messageless = 0
        self.first_messageless = []
        self.failed_by_rule = collections.Counter()
        self.adjusted_by_rule = collections.Counter()


def compare(claims, decisions):
    """Each claim's oracle decision against pplc's."""
    found = Comparison()
    for text, output in zip(claims, decisions):
        expected = normalised(oracle.decide_text(text))
        try:
            decided = json.loads(output)
        except ValueError:
            decided = {"unparseable output": output}
        for line in decided.get("lines", []) if isinstance(decided, dict) else []:
            for reason in line.get("reasons", []):
                found.reasons_checked += 1
                message = reason.get("message")
                if not isinstance(message, str) or not message.strip():
                    found.messageless += 1
                    if len(found.first_messageless) < SHOWN_DIFFERENCES:
                        found.first_messageless.append("claim %s line %s: %s" % (
                            json.dumps(decided.get("claim_id")), line.get("line_number"), json.dumps(reason)))
        actual = normalised(decided)
        if actual != expected:
            found.differing += 1
            if len(found.first_differences) < SHOWN_DIFFERENCES:
                found.first_differences.append((text, expected, actual))
        for line in expected["lines"]:
            found.failed_by_rule.update(r["rule"] for r in line["reasons"])
            found.adjusted_by_rule.update(a["rule"] for a in line["adjustments"])
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pplc", help="the pplc executable")
    parser.add_argument("policies", help="the J9027 pack (policies/)")
    parser.add_argument("--seed", type=int, action="append", help="a generator seed (repeatable; default 1)")
    parser.add_argument("--claims", type=int, default=1000, help="claims per seed (default 1000)")
    parser.add_argument("--examples", type=Path, default=REPO / "examples" / "claims",
                        help="the example claims and decisions the oracle must reproduce")
    parser.add_argument("--require-every-rule", action="store_true",
                        help="fail unless every rule of the pack failed some generated line")
    args = parser.parse_args()
    seeds = args.seed or [1]
    if args.claims < 1:
        parser.error("--claims must be at least 1")

    started = time.monotonic()
    examples = check_examples(args.examples)
    with tempfile.TemporaryDirectory(prefix="ppl-oracle-") as scratch:
        claims_file = os.path.join(scratch, "claims.ndjson")
        decisions_file = os.path.join(scratch, "decisions.ndjson")
        generate(seeds, args.claims, claims_file)
        pplc_started = time.monotonic()
        decide_with_pplc(args.pplc, args.policies, claims_file, decisions_file, len(seeds) * args.claims)
        pplc_seconds = time.monotonic() - pplc_started
        found = compare(lines_of(claims_file), lines_of(decisions_file))
    claims = len(seeds) * args.claims

    for text, expected, actual in found.first_differences:
        print("claim %s: pplc and the oracle differ" % json.dumps(expected["claim_id"]))
        for line in differences(expected, actual, "oracle", "pplc"):
            print("  " + line)
        print("  claim:  " + text)
        print("  oracle: " + json.dumps(expected))
        print("  pplc:   " + json.dumps(actual))
    if found.differing:
        fail("%d of %d claims (%s) decided differently by pplc and the oracle%s" % (
            found.differing, claims, seeds_text(seeds),
            " (the first %d shown)" % SHOWN_DIFFERENCES if found.differing > SHOWN_DIFFERENCES else ""))
    if found.messageless:
        fail("%d of pplc's reasons have no message, e.g.\n  %s" % (found.messageless, "\n  ".join(found.first_messageless)))
    if found.reasons_checked == 0:
        fail("no generated claim failed any rule: nothing was compared that matters")
    never_failed = [rule for rule in oracle.RULES if rule not in found.failed_by_rule]
    if args.require_every_rule and (never_failed or not found.adjusted_by_rule):
        unreached = ["no generated line failed " + ", ".join(never_failed)] if never_failed else []
        unreached += [] if found.adjusted_by_rule else ["no line was adjusted"]
        fail("%s (more claims, or other seeds, would reach them)" % "; ".join(unreached))

    rules = ", ".join("%s %d" % (rule, found.failed_by_rule[rule]) for rule in oracle.RULES)
    adjustments = ", ".join("%s %d" % item for item in sorted(found.adjusted_by_rule.items()))
    print("differential.py: pplc and the oracle agree on %d claims (%s, %d each) and the oracle on %d examples; "
          "lines failed by rule: %s; adjustments: %s; %d reasons with messages; %.1f s (pplc %.1f s)" % (
              claims, seeds_text(seeds), args.claims, examples, rules, adjustments or "none",
              found.reasons_checked, time.monotonic() - started, pplc_seconds))


if __name__ == "__main__":
    main()
