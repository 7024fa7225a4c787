"""Whether a claim is valid per docs/spec/claim-facts.schema.json and claim-facts.md.

Written in session 14 with oracle.py, from the specification alone. The oracle decides valid
claims only, so differential.py refuses to run when gen.py makes a claim this finds invalid:
a claim pplc refused as bad input would compare nothing.

errors(text) returns the claim's problems, each "JSON pointer: what", or [] for a valid claim.
"""
import json
import re
from datetime import date
from decimal import Decimal

DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
HCPCS = re.compile(r"^[A-Z0-9][0-9]{3}[A-Z0-9]$")
ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
NPI = re.compile(r"^[0-9]{10}$")
PLACE_OF_SERVICE = re.compile(r"^[0-9]{2}$")
NDC = re.compile(r"^[0-9]{11}$")
# The required keys of each history list's entries.
HISTORY_REQUIRED = {"administrations": ["hcpcs", "date", "units"], "therapies": ["drug", "start", "outcome"],
                    "medications": ["drug", "start"], "evidence": ["kind", "date", "finding"]}


def errors(text):
    problems = []
    try:
        claim = json.loads(text, parse_float=Decimal)
    except ValueError as e:
        return ["parse: %s" % e]

    def problem(pointer, what):
        problems.append("%s: %s" % (pointer, what))

    def number(pointer, value, minimum=None, exclusive=False):
        """At most 9 digits before the point and 6 significant ones after it (claim-facts.md)."""
        if not isinstance(value, (int, Decimal)) or isinstance(value, bool):
            return problem(pointer, "not a number")
        value = Decimal(value)
        if abs(value.quantize(Decimal(1), rounding="ROUND_DOWN")) >= 10 ** 9:
            problem(pointer, "too many digits")
        if -value.normalize().as_tuple().exponent > 6:  # trailing zeros do not count
            problem(pointer, "too many decimals")
        if minimum is not None and (value <= minimum if exclusive else value < minimum):
            problem(pointer, "below minimum")

    def calendar_date(pointer, value):
        if not isinstance(value, str) or not DATE.match(value):
            problem(pointer, "bad date")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            problem(pointer, "impossible date")
            return None

    def text(pointer, value, pattern=None, min_length=0):
        if not isinstance(value, str):
            return problem(pointer, "not a string")
        if pattern and not pattern.match(value):
            problem(pointer, "bad pattern")
        if len(value) < min_length:
            problem(pointer, "too short")

    def texts(pointer, value, pattern):
        if not isinstance(value, list):
            return problem(pointer, "not an array")
        for i, item in enumerate(value):
            text("%s/%d" % (pointer, i), item, pattern)

    def one_of(pointer, value, allowed):
        if value not in allowed:
            problem(pointer, "not one of %s" % ", ".join(allowed))

    def is_object(pointer, value, required):
        if not isinstance(value, dict):
            problem(pointer, "not an object")
            return False
        for key in required:
            if key not in value:
                problem(pointer + "/" + key, "missing")
        return True

    if not is_object("", claim, ["claim_id", "claim_type", "payer", "patient", "provider",
                                 "place_of_service", "diagnoses", "lines"]):
        return problems
    if "claim_id" in claim:
        text("/claim_id", claim["claim_id"], min_length=1)
    one_of("/claim_type", claim.get("claim_type"), ("professional", "institutional"))
    payer = claim.get("payer")
    if is_object("/payer", payer, ["line_of_business"]):
        one_of("/payer/line_of_business", payer.get("line_of_business"),
               ("commercial", "medicare_part_b", "medicare_advantage"))
        if "plan_id" in payer:
            text("/payer/plan_id", payer["plan_id"])
    patient = claim.get("patient")
    if is_object("/patient", patient, ["member_id", "birth_date", "sex"]):
        if "member_id" in patient:
            text("/patient/member_id", patient["member_id"], min_length=1)
        if "birth_date" in patient:
            calendar_date("/patient/birth_date", patient["birth_date"])
        if "sex" in patient:
            one_of("/patient/sex", patient["sex"], ("M", "F", "U"))
        for key in ("height_cm", "weight_kg"):
            if key in patient:
                number("/patient/" + key, patient[key], 0, exclusive=True)
    provider = claim.get("provider")
    if is_object("/provider", provider, ["npi"]):
        if "npi" in provider:
            text("/provider/npi", provider["npi"], NPI)
        if "is_340b_covered_entity" in provider and not isinstance(provider["is_340b_covered_entity"], bool):
            problem("/provider/is_340b_covered_entity", "not a boolean")
    if "place_of_service" in claim:
        text("/place_of_service", claim["place_of_service"], PLACE_OF_SERVICE)
    texts("/diagnoses", claim.get("diagnoses"), ICD10)

    lines = claim.get("lines")
    if not isinstance(lines, list) or not lines:
        problem("/lines", "not an array of at least one line")
    else:
        line_numbers = set()
        for i, line in enumerate(lines):
            pointer = "/lines/%d" % i
            if not is_object(pointer, line, ["line_number", "hcpcs", "units", "service_date", "charge"]):
                continue
            if "line_number" in line:
                number_value = line["line_number"]
                if not isinstance(number_value, int) or isinstance(number_value, bool) or number_value < 1:
                    problem(pointer + "/line_number", "not an integer >= 1")
                elif number_value >= 10 ** 9:
                    problem(pointer + "/line_number", "too many digits")
                elif number_value in line_numbers:
                    problem(pointer + "/line_number", "used twice")
                else:
                    line_numbers.add(number_value)
            if "hcpcs" in line:
                text(pointer + "/hcpcs", line["hcpcs"], HCPCS)
            if "modifiers" in line:
                texts(pointer + "/modifiers", line["modifiers"], MODIFIER)
            for key in ("units", "charge"):
                if key in line:
                    number(pointer + "/" + key, line[key], 0)
            if "service_date" in line:
                calendar_date(pointer + "/service_date", line["service_date"])
            if "ndc" in line:
                text(pointer + "/ndc", line["ndc"], NDC)
            if "drug" in line and is_object(pointer + "/drug", line["drug"], []):
                drug = line["drug"]
                for key in ("product_name", "lot_number"):
                    if key in drug:
                        text(pointer + "/drug/" + key, drug[key])
                if "acquisition_channel" in drug:
                    one_of(pointer + "/drug/acquisition_channel", drug["acquisition_channel"],
                           ("buy_and_bill", "specialty_pharmacy", "brown_bag", "340b"))
                if "discounted" in drug and not isinstance(drug["discounted"], bool):
                    problem(pointer + "/drug/discounted", "not a boolean")

    if "authorizations" in claim:
        if not isinstance(claim["authorizations"], list):
            problem("/authorizations", "not an array")
        else:
            for i, auth in enumerate(claim["authorizations"]):
                pointer = "/authorizations/%d" % i
                if not is_object(pointer, auth, ["number", "status", "hcpcs", "valid_from", "valid_through",
                                                 "units_approved"]):
                    continue
                if "number" in auth:
                    text(pointer + "/number", auth["number"], min_length=1)
                if "status" in auth:
                    one_of(pointer + "/status", auth["status"], ("approved", "pending", "denied", "expired"))
                if "hcpcs" in auth:
                    texts(pointer + "/hcpcs", auth["hcpcs"], HCPCS)
                valid_from = calendar_date(pointer + "/valid_from", auth["valid_from"]) if "valid_from" in auth else None
                valid_through = (calendar_date(pointer + "/valid_through", auth["valid_through"])
                                 if "valid_through" in auth else None)
                if valid_from and valid_through and valid_through < valid_from:
                    problem(pointer + "/valid_through", "before valid_from")
                for key in ("units_approved", "units_used"):
                    if key in auth:
                        number(pointer + "/" + key, auth[key], 0)

    history = claim.get("history")
    if "history" in claim and is_object("/history", history, []):
        for key, required in HISTORY_REQUIRED.items():
            if key not in history:
                continue
            if not isinstance(history[key], list):
                problem("/history/" + key, "not an array")
                continue
            for i, entry in enumerate(history[key]):
                pointer = "/history/%s/%d" % (key, i)
                if not is_object(pointer, entry, required):
                    continue
                if key == "administrations":
                    if "hcpcs" in entry:
                        text(pointer + "/hcpcs", entry["hcpcs"], HCPCS)
                    if "date" in entry:
                        calendar_date(pointer + "/date", entry["date"])
                    if "units" in entry:
                        number(pointer + "/units", entry["units"], 0)
                elif key in ("therapies", "medications"):
                    if "drug" in entry:
                        text(pointer + "/drug", entry["drug"], min_length=1)
                    start = calendar_date(pointer + "/start", entry["start"]) if "start" in entry else None
                    end = calendar_date(pointer + "/end", entry["end"]) if "end" in entry else None
                    if start and end and end < start:
                        problem(pointer + "/end", "before start")
                    if key == "therapies" and "outcome" in entry:
                        one_of(pointer + "/outcome", entry["outcome"],
                               ("progression", "intolerance", "contraindicated", "completed", "ongoing"))
                else:
                    one_of(pointer + "/kind", entry.get("kind"), ("psa", "imaging"))
                    if "date" in entry:
                        calendar_date(pointer + "/date", entry["date"])
                    one_of(pointer + "/finding", entry.get("finding"), ("response", "stable", "progression"))
    return problems
