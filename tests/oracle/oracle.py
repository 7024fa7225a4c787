#!/usr/bin/env python3
"""An independent model of the J9027 pack: decides a claim as docs/spec/j9027-policies.md says.

It was written in session 14 by an auditor from the specification alone (docs/spec/: the rules,
the claim schema, the decision format), without reading PPL's implementation, so that it cannot
share its mistakes. tests/oracle/differential.py decides generated claims with it and
with `pplc eval` and requires the same decisions. Where the specification leaves a reading open,
the one taken here is listed in tests/oracle/README.md (A1 to A14).

It models decisions only: the claim is assumed valid (validate.py checks generated claims), and
reasons carry no message. Numbers are read as exact decimals and the dose limit is compared in
rational arithmetic, because the generator puts claims closer to each boundary than a double
can resolve.

    python3 tests/oracle/oracle.py CLAIM.json...      each claim's decision, pretty
    python3 tests/oracle/oracle.py --ndjson FILE|-    one decision per line of FILE
"""
import json
import sys
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

J9027 = "J9027"
EFFECTIVE_FROM = date(2020, 1, 1)
MAX_UNITS_PER_DAY = Decimal(60)
# An administration dated DOS - 17 days .. DOS fails the frequency rules: doses >= 18 days apart.
FREQUENCY_WINDOW_DAYS = 17
EVIDENCE_WINDOW_DAYS = 90
CABAZITAXEL_NDC = "00024582411"
SITES_OF_CARE = {"11", "19", "22"}
STEROIDS = {"prednisone", "prednisolone", "dexamethasone"}
JZ_REQUIRED_FROM = date(2023, 10, 1)
INSTITUTIONAL_340B_FROM = date(2018, 1, 1)
ALL_CLAIMS_340B_FROM = date(2024, 1, 1)

POLICY_BY_LINE_OF_BUSINESS = {
    "commercial": "acme-commercial-j9027@2026.1",
    "medicare_part_b": "medicare-part-b-j9027@2026.1",
    "medicare_advantage": "medicare-advantage-j9027@2026.1",
}

# Every rule of the three policies, for differential.py's check that the generated claims made
# each of them fail at least once.
RULES = ("PA", "PA-UNITS",
         "C-DX", "C-STEP", "C-STEROID", "C-EFFICACY", "C-FREQ", "C-UNITS", "C-DOSE", "C-NDC",
         "C-DOCS", "C-SITE", "C-SOURCE", "C-WASTE",
         "MB-GZ", "MB-DX", "MB-STEP", "MB-SITE", "MB-UNITS", "MB-FREQ", "MB-JZ", "MB-JW",
         "MB-340B", "MB-INCIDENT", "MB-WASTE")

# The Unicode White_Space property: the reading of "a text field that holds only white space
# counts as empty" (README A11). Python's str.isspace would also take U+001C..U+001F.
WHITE_SPACE = set("\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                  "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def parse_date(text):
    return date.fromisoformat(text)


def exact(number):
    """A claim number (int or Decimal as loads() reads it) as an exact Decimal."""
    return Decimal(str(number))


def reason(rule, action, group, carc, rarcs=()):
    return {"rule": rule, "action": action, "group": group, "carc": carc, "rarc": list(rarcs)}


def is_empty_text(value):
    return value is None or not isinstance(value, str) or all(ch in WHITE_SPACE for ch in value)


class ClaimDecider:
    """Decides one claim: every governed line, administration lines before waste lines."""

    def __init__(self, claim):
        self.claim = claim
        self.line_of_business = claim["payer"]["line_of_business"]
        history = claim.get("history") or {}
        self.administrations = history.get("administrations") or []
        self.therapies = history.get("therapies") or []
        self.medications = history.get("medications") or []
        self.evidence = history.get("evidence") or []
        self.authorizations = claim.get("authorizations") or []
        self.diagnoses = claim.get("diagnoses") or []
        self.lines = claim["lines"]
        self.governed = [i for i, line in enumerate(self.lines)
                         if line["hcpcs"] == J9027 and parse_date(line["service_date"]) >= EFFECTIVE_FROM]
        self.line_decisions = {}  # by index into self.lines, filled by decide()

    @staticmethod
    def modifiers(line):
        return set(line.get("modifiers") or [])

    def is_waste(self, line):
        return "JW" in self.modifiers(line)

    @staticmethod
    def service_date(line):
        return parse_date(line["service_date"])

    def same_day_lines(self, line):
        """The governed lines on this line's date of service, itself and waste lines included."""
        return [self.lines[i] for i in self.governed
                if self.service_date(self.lines[i]) == self.service_date(line)]

    def same_day_administrations(self, line):
        """Indexes of the governed administration (not waste) lines on this line's date."""
        return [i for i in self.governed
                if self.service_date(self.lines[i]) == self.service_date(line)
                and not self.is_waste(self.lines[i])]

    # Checks both policies share.
    def has_diagnoses(self):
        return "C61" in self.diagnoses and "Z19.2" in self.diagnoses

    def had_docetaxel_before(self, dos):
        if any(t["drug"] == "docetaxel" and parse_date(t["start"]) < dos for t in self.therapies):
            return True
        return any(a["hcpcs"] == "J9171" and parse_date(a["date"]) < dos for a in self.administrations)

    def no_recent_dose(self, dos):
        earliest = dos - timedelta(days=FREQUENCY_WINDOW_DAYS)
        return not any(a["hcpcs"] == J9027 and earliest <= parse_date(a["date"]) <= dos
                       for a in self.administrations)

    def same_day_units_within_limit(self, line):
        total = sum((exact(x["units"]) for x in self.same_day_lines(line)), Decimal(0))
        return total <= MAX_UNITS_PER_DAY

    def is_continuation(self, dos):
        return any(a["hcpcs"] == J9027 and parse_date(a["date"]) < dos for a in self.administrations)

    def prior_authorization(self, line):
        """PA and PA-UNITS (README A1): the reasons they give this line."""
        dos = self.service_date(line)
        covering = [a for a in self.authorizations
                    if a["status"] == "approved" and J9027 in a["hcpcs"]
                    and parse_date(a["valid_from"]) <= dos <= parse_date(a["valid_through"])]
        if not covering:
            return [reason("PA", "deny", "CO", "197", ["M62"])]
        for auth in covering:
            start, end = parse_date(auth["valid_from"]), parse_date(auth["valid_through"])
            total = exact(auth.get("units_used", 0))
            for i in self.governed:
                if start <= self.service_date(self.lines[i]) <= end:
                    total += exact(self.lines[i]["units"])
            if total <= exact(auth["units_approved"]):
                return []
        return [reason("PA-UNITS", "deny", "CO", "198", ["N54"])]

    def commercial(self, index):
        """Acme commercial: the line's reasons and adjustments, in the policy's rule order."""
        line = self.lines[index]
        dos = self.service_date(line)
        waste = self.is_waste(line)
        reasons = self.prior_authorization(line)
        adjustments = []
        if not self.has_diagnoses():
            reasons.append(reason("C-DX", "deny", "CO", "50"))
        if not self.had_docetaxel_before(dos):
            reasons.append(reason("C-STEP", "deny", "CO", "50"))
        steroid = any(m["drug"] in STEROIDS and parse_date(m["start"]) <= dos
                      and (m.get("end") is None or parse_date(m["end"]) >= dos)
                      for m in self.medications)
        if not steroid:
            reasons.append(reason("C-STEROID", "pend", "CO", "252", ["M127"]))
        if self.is_continuation(dos):
            earliest = dos - timedelta(days=EVIDENCE_WINDOW_DAYS)
            recent = [e for e in self.evidence if earliest <= parse_date(e["date"]) <= dos]
            if not recent:
                reasons.append(reason("C-EFFICACY", "pend", "CO", "252", ["M127"]))
            else:
                latest = max(parse_date(e["date"]) for e in recent)
                if any(e["finding"] == "progression" for e in recent if parse_date(e["date"]) == latest):
                    reasons.append(reason("C-EFFICACY", "deny", "CO", "50"))
        if not waste and not self.no_recent_dose(dos):
            reasons.append(reason("C-FREQ", "deny", "CO", "151"))
        if not self.same_day_units_within_limit(line):
            reasons.append(reason("C-UNITS", "deny", "CO", "151", ["N362"]))
        if not waste:
            patient = self.claim["patient"]
            height, weight = patient.get("height_cm"), patient.get("weight_kg")
            if height is None or weight is None:
                reasons.append(reason("C-DOSE", "pend", "CO", "252", ["M127"]))
            elif not self.dose_within_limit(line["units"], height, weight):
                reasons.append(reason("C-DOSE", "deny", "CO", "151", ["N362"]))
        if line.get("ndc") != CABAZITAXEL_NDC:
            reasons.append(reason("C-NDC", "deny", "CO", "16", ["M119"]))
        drug = line.get("drug") or {}
        if is_empty_text(drug.get("product_name")) or is_empty_text(drug.get("lot_number")):
            reasons.append(reason("C-DOCS", "pend", "CO", "16", ["M127"]))
        if self.claim["place_of_service"] not in SITES_OF_CARE:
            reasons.append(reason("C-SITE", "deny", "CO", "58"))
        channel = drug.get("acquisition_channel")
        if channel is None:
            reasons.append(reason("C-SOURCE", "pend", "CO", "16", ["M127"]))
        elif channel in ("brown_bag", "specialty_pharmacy"):
            reasons.append(reason("C-SOURCE", "deny", "CO", "96", ["N130"]))
        elif channel == "buy_and_bill" and not drug.get("discounted", False):
            adjustments.append({"rule": "C-SOURCE", "group": "CO", "carc": "45", "percent": 20})
        if waste:
            administrations = self.same_day_administrations(line)
            if not administrations or any(self.line_decisions[i]["decision"] in ("deny", "pend")
                                          for i in administrations):
                reasons.append(reason("C-WASTE", "deny", "CO", "96", ["N130"]))
        return reasons, adjustments

    @staticmethod
    def dose_within_limit(units, height_cm, weight_kg):
        """units <= ceil(25 * BSA), BSA = sqrt(h * w / 3600), decided exactly.

        That is ceil(units) - 1 < 25 * BSA, which (both sides non-negative when the left is)
        squares to 3600 * (ceil(units) - 1)^2 < 625 * h * w: rationals, no square root.
        """
        units = Fraction(exact(units))
        below = -(-units.numerator // units.denominator) - 1  # ceil(units) - 1
        body = Fraction(exact(height_cm)) * Fraction(exact(weight_kg))
        return below < 0 or 3600 * below * below < 625 * body

    def medicare(self, index, advantage):
        """Medicare Part B, or Medicare Advantage (no GA/GZ, plus prior authorization)."""
        line = self.lines[index]
        dos = self.service_date(line)
        waste = self.is_waste(line)
        modifiers = self.modifiers(line)
        traditional = not advantage
        # An ABN (GA on this line) moves the liability of the medical-necessity denials to the patient.
        necessity_group = "PR" if (traditional and "GA" in modifiers) else "CO"
        reasons = []
        if traditional and "GZ" in modifiers:
            reasons.append(reason("MB-GZ", "deny", "CO", "50"))
        if not self.has_diagnoses():
            reasons.append(reason("MB-DX", "deny", necessity_group, "50", ["N115"]))
        if not self.had_docetaxel_before(dos):
            reasons.append(reason("MB-STEP", "deny", necessity_group, "50", ["N115"]))
        if self.claim["place_of_service"] not in SITES_OF_CARE:
            reasons.append(reason("MB-SITE", "deny", "CO", "58"))
        if not self.same_day_units_within_limit(line):
            reasons.append(reason("MB-UNITS", "deny", "CO", "96", ["N362"]))
        if not waste and not self.no_recent_dose(dos):
            reasons.append(reason("MB-FREQ", "deny", necessity_group, "151"))
        if not waste and dos >= JZ_REQUIRED_FROM:
            waste_beside = any(self.is_waste(x) for x in self.same_day_lines(line))
            if waste_beside and "JZ" in modifiers:
                reasons.append(reason("MB-JZ", "deny", "CO", "4", ["N823"]))
            elif not waste_beside and "JZ" not in modifiers:
                reasons.append(reason("MB-JZ", "deny", "CO", "16", ["MA130", "N822"]))
        administrations = self.same_day_administrations(line)
        if waste and (not administrations or "JZ" in modifiers):
            reasons.append(reason("MB-JW", "deny", "CO", "4", ["N823"]))
        drug = line.get("drug") or {}
        channel = drug.get("acquisition_channel")
        institutional = self.claim["claim_type"] == "institutional"
        if (institutional and dos >= INSTITUTIONAL_340B_FROM) or dos >= ALL_CLAIMS_340B_FROM:
            marked_340b = bool(modifiers & {"JG", "TB"})
            if channel == "340b":
                passes = marked_340b and bool(self.claim["provider"].get("is_340b_covered_entity", False))
            else:
                passes = not marked_340b
            if not passes:
                reasons.append(reason("MB-340B", "deny", "CO", "4"))
        if channel in ("brown_bag", "specialty_pharmacy"):
            reasons.append(reason("MB-INCIDENT", "deny", "CO", "96", ["N130"]))
        if waste and any(self.line_decisions[i]["decision"] in ("deny", "pend") for i in administrations):
            reasons.append(reason("MB-WASTE", "deny", "CO", "96", ["N130"]))
        if advantage:
            reasons += self.prior_authorization(line)
        return reasons, []

    def decide_line(self, index):
        if self.line_of_business == "commercial":
            reasons, adjustments = self.commercial(index)
        else:
            reasons, adjustments = self.medicare(index, self.line_of_business == "medicare_advantage")
        actions = {r["action"] for r in reasons}
        decision = "deny" if "deny" in actions else "pend" if "pend" in actions else "approve"
        line = self.lines[index]
        return {"line_number": line["line_number"], "hcpcs": line["hcpcs"], "decision": decision,
                "reasons": reasons, "adjustments": adjustments if decision == "approve" else []}

    def decide(self):
        # Waste lines read the decisions of the same-day administration lines (README A6).
        administrations = [i for i in self.governed if not self.is_waste(self.lines[i])]
        waste = [i for i in self.governed if self.is_waste(self.lines[i])]
        for i in administrations + waste:
            self.line_decisions[i] = self.decide_line(i)
        lines = []
        for i, line in enumerate(self.lines):
            if i in self.line_decisions:
                lines.append(self.line_decisions[i])
            else:
                lines.append({"line_number": line["line_number"], "hcpcs": line["hcpcs"],
                              "decision": "not_applicable", "reasons": [], "adjustments": []})
        decisions = {line["decision"] for line in lines}
        decision = ("deny" if "deny" in decisions else "pend" if "pend" in decisions
                    else "approve" if "approve" in decisions else "not_applicable")
        return {"claim_id": self.claim["claim_id"],
                "policy": POLICY_BY_LINE_OF_BUSINESS.get(self.line_of_business),
                "decision": decision, "lines": lines}


def loads(text):
    """A claim from JSON text, its fractional numbers as exact Decimals."""
    return json.loads(text, parse_float=Decimal)


def decide(claim):
    return ClaimDecider(claim).decide()


def decide_text(text):
    return decide(loads(text))


def main(args):
    if args[:1] == ["--ndjson"] and len(args) == 2:
        source = sys.stdin if args[1] == "-" else open(args[1], encoding="utf-8")
        for text in source:
            print(json.dumps(decide_text(text)))
    elif args and not args[0].startswith("-"):
        for path in args:
            with open(path, encoding="utf-8") as f:
                print(json.dumps(decide_text(f.read()), indent=2))
    else:
        sys.exit("usage: oracle.py CLAIM.json... | oracle.py --ndjson FILE|-")


if __name__ == "__main__":
    main(sys.argv[1:])
