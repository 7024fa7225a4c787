#!/usr/bin/env python3
"""A seeded generator of valid J9027 claims aimed at the edges of the specification.

Written in session 14 with oracle.py, from the specification alone. Random claims would almost
all be approved or denied for the same few reasons; these are built to sit on the boundaries
where an implementation goes wrong: dates one day either side of every window and start date,
units at the daily, authorized and dose limits (some closer to the dose limit than a double can
resolve), several lines on one or several days, waste lines beside administration lines, every
modifier the rules read, each line of business, missing and white-space-only fields, numbers
written in several JSON forms, unknown fields and odd claim ids. A third of the claims
("chaos" claims) draw every field from a small set, so that rules collide and interact.

The same seed gives the same claims (random.Random with an integer seed, no hash order).

    python3 tests/oracle/gen.py SEED N > claims.ndjson      N claims, one per line
"""
import json
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from math import ceil, sqrt

J9027 = "J9027"
CABAZITAXEL_NDC = "00024582411"
# (k, sign, H, W) with H * W == 5.76e12 * k * k + sign: height H / 1e6 and weight W / 1e6 put
# 25 * BSA a hair (a relative 1e-12) above or below the integer k.
NEAR_SQUARES = [(30, 1, 1358717, 3815364053), (30, -1, 1220339, 4247999941), (32, 1, 7561, 780087290041), (32, -1, 717757, 8217600107), (33, 1, 1746517, 3591513853), (34, 1, 1423921, 4676214481), (34, -1, 1396577, 4767771487), (35, 1, 1102001, 6402898001), (35, -1, 72227, 97691998837), (37, -1, 1191959, 6615529561), (38, 1, 2155309, 3859047589), (38, -1, 2794429, 2976436331), (40, -1, 1877527, 4908584537), (41, -1, 2110817, 4587114847), (42, -1, 1652459, 6148800061), (43, 1, 2002901, 5317407101), (44, -1, 441841, 25238400239), (45, -1, 101029, 115451998931), (46, 1, 653173, 18659926237), (48, -1, 1719403, 7718399933), (50, 1, 149537, 96297237473), (50, -1, 2887171, 4987581269), (51, 1, 2765321, 5417729081), (52, -1, 2786369, 5589726271), (53, -1, 2706383, 5978399953), (55, 1, 219353, 79433607017), (55, -1, 231637, 75221143427), (58, -1, 1096063, 17678399873), (60, 1, 17833, 1162788089497), (60, -1, 2028169, 10224000071), (61, -1, 481723, 44492291213)]


class JsonLiteral(str):
    """A JSON value written exactly as given (a number in one of its spellings)."""


def encode(value):
    """JSON text of `value`, keys in insertion order, JsonLiterals and Decimals written exactly."""
    if isinstance(value, JsonLiteral):
        return str(value)
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k) + ":" + encode(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(encode(v) for v in value) + "]"
    raise TypeError(type(value))


def number_text(number):
    """The plain decimal spelling of an exact number, without trailing zeros."""
    text = format(Decimal(number), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") or "0"
    return text


def iso_date(day):
    return day.isoformat()


class ClaimGenerator:
    def __init__(self, seed, chaos_rate=0.3):
        self.rng = random.Random(seed)
        self.chaos_rate = chaos_rate
        self.noise = 0  # set per claim: how far from an approvable claim it strays

    def choice(self, values):
        return self.rng.choice(values)

    def chance(self, probability):
        return self.rng.random() < probability

    def deviates(self, probability):
        """Whether to stray from an approvable claim here, scaled by the claim's noise."""
        return self.rng.random() < probability * self.noise

    def good_or_bad(self, good, bad, probability):
        """One of `good`, or (when the claim deviates here) one of `bad`."""
        return self.choice(bad) if self.deviates(probability) else self.choice(good)

    # Values.
    def number(self, value):
        """An exact number in a randomly chosen JSON spelling: 60, 60.0, 6e1, 600E-1, 0.6e2..."""
        value = Decimal(value)
        text = number_text(value)
        r = self.rng.random()
        integral = value == value.to_integral_value()
        if r < 0.08 and integral:
            return JsonLiteral(text + ".0")
        if r < 0.12 and integral and value != 0 and int(value) % 10 == 0:
            return JsonLiteral("%de1" % (int(value) // 10))
        if r < 0.14 and integral and value != 0:
            return JsonLiteral(text + ".000000")
        if r < 0.17 and value != 0:
            digits_and_exponent = value.normalize().as_tuple()
            digits = "".join(map(str, digits_and_exponent.digits))
            exponent = digits_and_exponent.exponent
            form = self.rng.randrange(3)
            if form == 0:
                return JsonLiteral("%se%d" % (digits, exponent))
            if form == 1:
                return JsonLiteral("%s0E%+d" % (digits, exponent - 1))
            return JsonLiteral("0.%se%d" % (digits, exponent + len(digits)))
        return JsonLiteral(text)

    def date_of_service(self):
        """Often a day beside a policy date (effective dates, JZ and 340B starts, leap days)."""
        edges = [date(2019, 12, 31), date(2020, 1, 1), date(2020, 1, 2), date(2023, 9, 30),
                 date(2023, 10, 1), date(2023, 10, 2), date(2023, 12, 31), date(2024, 1, 1),
                 date(2024, 2, 29), date(2024, 3, 1), date(2025, 1, 1), date(2026, 10, 5),
                 date(2026, 12, 31), date(2021, 3, 1), date(2018, 6, 1), date(2017, 12, 31)]
        if self.chance(0.35):
            return self.choice(edges)
        return date(2020, 1, 1) + timedelta(days=self.rng.randrange(0, 2600))

    def near(self, day, offsets=(-1, 0, 1)):
        return day + timedelta(days=self.choice(offsets))

    # Sections of a claim.
    def patient(self):
        return {"member_id": "M-%d" % self.rng.randrange(1, 999), "birth_date": "1951-03-02",
                "sex": self.choice(["M", "M", "M", "F", "U"])}

    def body_and_units(self):
        """(height, weight, (units within the dose limit, units over it))."""
        mode = self.rng.random()
        if mode < 0.12:
            # 625 * h * w / 3600 = k^2 within a relative 1e-12: only exact arithmetic gets the ceiling right.
            k, sign, height, weight = self.choice(NEAR_SQUARES)
            h, w = Decimal(height) / 1000000, Decimal(weight) / 1000000
            if self.chance(0.5):
                h, w = w, h
            if sign > 0:  # 25 * BSA just above k: the limit is k + 1
                return h, w, ([k + 1, Decimal(k) + Decimal("0.5")], [Decimal(k + 1) + Decimal("0.000001"), k + 2])
            return h, w, ([k, Decimal(k) - Decimal("0.000001")], [Decimal(k) + Decimal("0.000001"), Decimal(k) + Decimal("0.5"), k + 1])
        if mode < 0.45:
            # 25 * BSA == k exactly (w = 5.76 k^2 / h), or a millionth either side.
            k = self.rng.randrange(30, 62)
            h = Decimal(self.choice([160, 180, 200, 150, 192, 144, 125]))
            w = (Decimal("5.76") * k * k / h).quantize(Decimal("0.000001"))
            assert w * h == Decimal("5.76") * k * k
            tweak = self.choice([Decimal(0)] * 4 + [Decimal("0.000001"), Decimal("-0.000001"),
                                                    Decimal("0.001"), Decimal("-0.001")])
            w = w + tweak
            if tweak > 0:  # the limit is k + 1
                return h, w, ([k, k + 1, Decimal(k) + Decimal("0.5")], [k + 2, Decimal(k + 1) + Decimal("0.000001")])
            return h, w, ([k, k - 1, Decimal(k) - Decimal("0.000001"), Decimal(k) - Decimal("0.5")],
                          [k + 1, Decimal(k) + Decimal("0.000001"), Decimal(k) + Decimal("0.5")])
        if mode < 0.55:
            # The specification's own example: 176 cm, 99 kg, a limit of exactly 55.
            return Decimal(176), Decimal(99), ([55, Decimal("54.999999"), 54], [56, Decimal("55.000001")])
        if mode < 0.65:
            # An inexact square root, the height with a decimal.
            h = Decimal(self.rng.randrange(1500, 1950)) / 10
            w = Decimal(self.rng.randrange(500, 1200)) / 10
            limit = ceil(25 * sqrt(float(h) * float(w) / 3600))
            return h, w, ([limit, limit - 1, Decimal(limit) - Decimal("0.000001")], [limit + 1, Decimal(limit) + Decimal("0.000001")])
        h = Decimal(self.rng.randrange(150, 196))
        w = Decimal(self.rng.randrange(550, 1100)) / 10
        return h, w, ([40, 30, 45], [300])

    def drug(self):
        drug = {"product_name": "Jevtana", "lot_number": "4F21A",
                "acquisition_channel": "buy_and_bill", "discounted": True}
        if self.chance(0.05):
            drug["acquisition_channel"] = "340b"
        if self.chance(0.15):
            drug["discounted"] = False
        elif self.chance(0.1):
            drug.pop("discounted", None)
        if self.deviates(0.4):
            m = self.rng.randrange(12)
            if m == 0:
                drug.pop("product_name", None)
            elif m == 1:
                drug.pop("lot_number", None)
            elif m == 2:  # white space by the Unicode property, and characters that are not
                drug["product_name"] = self.choice(["", " ", "\t", "  \n ", "\u00a0", "\u001f", "\u200b", "\u3000", "\u2028", "\ufeff", "\u0085 \u2009"])
            elif m == 3:
                drug["lot_number"] = self.choice(["", " ", "\t \r", "\u2003", "\u001c", "\u180e", "\u000b", "\u202f", "\u0000"])
            elif m == 4:
                drug.pop("acquisition_channel", None)
            elif m == 5:
                drug["acquisition_channel"] = self.choice(["brown_bag", "specialty_pharmacy"])
            elif m == 6:
                drug["acquisition_channel"] = "340b"
            elif m == 7:
                drug["discounted"] = False
            elif m == 8:
                drug.pop("discounted", None)
            elif m == 9:
                return None
            elif m == 10:
                drug = {}
            else:
                drug["product_name"] = self.choice(["jevtana", "Cabazitaxel", " Jevtana "])
                drug["discounted"] = self.choice([True, False])
        return drug

    def j9027_line(self, dos, units):
        """A J9027 line without modifiers; line_number is set once the claim's lines are placed."""
        line = {"line_number": 0, "hcpcs": J9027}
        line["units"] = self.number(units)
        line["service_date"] = iso_date(dos)
        line["charge"] = self.number(Decimal(units) * 245 if Decimal(units) < 10**6 else 1)
        if not self.deviates(0.1):
            line["ndc"] = CABAZITAXEL_NDC if not self.deviates(0.15) else self.choice(
                ["00024582412", "00024582410", "00024582400", "24582411000", "00955102001"])
        drug = self.drug()
        if drug is not None:
            line["drug"] = drug
        if self.chance(0.03):
            line["x_extra"] = {"anything": [1, 2]}
        return line

    def other_line(self, dos):
        """A line of another code (the infusion, docetaxel, other drugs): never governed."""
        code = self.choice(["96413", "96413", "J7050", "J9171", "J9043", "J9064", "96415", "J9173"])
        line = {"line_number": 0, "hcpcs": code, "units": self.number(self.choice([1, 1, 2, 40])),
                "service_date": iso_date(self.near(dos, (0, 0, 0, -1, 1))), "charge": JsonLiteral("310.0")}
        if self.chance(0.2):
            line["modifiers"] = [self.choice(["JZ", "JW", "59", "25"])]
        return line

    def modifiers(self, line_of_business, waste, channel):
        """A J9027 line's modifiers, or None for none written."""
        modifiers = []
        if waste:
            modifiers.append("JW")
        elif line_of_business != "commercial" and not self.deviates(0.3):
            modifiers.append("JZ")
        elif line_of_business == "commercial" and self.chance(0.5):
            modifiers.append("JZ")
        if channel == "340b" and not self.deviates(0.4):
            modifiers.append(self.choice(["JG", "TB"]))
        if self.chance(0.1):
            modifiers.append(self.choice(["59", "XS", "RT", "KX", "GA"]))
        if self.deviates(0.3):
            modifiers.append(self.choice(["JZ", "JW", "GA", "GZ", "JG", "TB", "59", "XS", "RT", "GA", "GZ", "KX"]))
        if self.chance(0.08) and modifiers:
            modifiers.append(modifiers[0])  # written twice
        self.rng.shuffle(modifiers)
        if not modifiers and self.chance(0.5):
            return None
        return modifiers

    def chaos_claim(self, claim_number):
        """Every field drawn from a small domain, so that rules collide and interact often."""
        rng = self.rng
        dos = self.date_of_service()
        if dos < date(2020, 1, 1) and self.chance(0.7):
            dos = date(2020, 1, 1) + timedelta(days=rng.randrange(0, 2600))

        def around_dos(offsets=(0, 0, 0, 1, -1, -17, -18, -21, -90, -91, 5)):
            return dos + timedelta(days=self.choice(offsets))

        def some_of(pool, most=3):
            return [x for x in pool if self.chance(0.5)][:rng.randrange(0, most + 1)]

        claim = {"claim_id": "X-%s" % claim_number, "claim_type": self.choice(["professional", "institutional"]),
                 "payer": {"line_of_business": self.choice(["commercial", "medicare_part_b", "medicare_advantage"])},
                 "patient": {"member_id": "M", "birth_date": "1950-01-01", "sex": "M"},
                 "provider": {"npi": "1234567893"},
                 "place_of_service": self.choice(["11", "19", "22", "21"]),
                 "diagnoses": some_of(["C61", "Z19.2", "Z19.1", "C61", "Z19.2"], 4)}
        if self.chance(0.5):
            claim["provider"]["is_340b_covered_entity"] = self.chance(0.5)
        for key, values in (("height_cm", ["176", "160", "180.5", "1e2"]), ("weight_kg", ["99", "57.6", "81", "64.8"])):
            if self.chance(0.85):
                claim["patient"][key] = JsonLiteral(self.choice(values))
        lines = []
        for i in range(rng.randrange(1, 6)):
            line = {"line_number": i + 1, "hcpcs": self.choice([J9027, J9027, J9027, "96413", "J9043"])}
            if self.chance(0.8):
                line["modifiers"] = some_of(["JW", "JZ", "JZ", "GA", "GZ", "JG", "TB", "59", "JW"], 3)
            line["units"] = JsonLiteral(self.choice(["0", "10", "20", "20.5", "40", "40", "60", "0.000001", "4e1"]))
            line["service_date"] = iso_date(around_dos((0, 0, 0, 0, 1, -1, -18)) if self.chance(0.95) else date(2019, 12, 31))
            line["charge"] = JsonLiteral("1")
            if self.chance(0.85):
                line["ndc"] = self.choice([CABAZITAXEL_NDC, CABAZITAXEL_NDC, CABAZITAXEL_NDC, "00024582412"])
            if self.chance(0.9):
                drug = {}
                for key, values in (("product_name", ["Jevtana", " ", ""]), ("lot_number", ["L1", "\t"]),
                                    ("acquisition_channel", ["buy_and_bill", "buy_and_bill", "340b", "brown_bag", "specialty_pharmacy"]),
                                    ("discounted", [True, False])):
                    if self.chance(0.85):
                        drug[key] = self.choice(values)
                line["drug"] = drug
            lines.append(line)
        if self.chance(0.3):
            rng.shuffle(lines)
            for i, line in enumerate(lines):
                line["line_number"] = len(lines) - i
        claim["lines"] = lines
        if self.chance(0.85):
            authorizations = []
            for i in range(rng.randrange(0, 4)):
                valid_from = around_dos((0, 1, -1, -30, -100))
                valid_through = max(valid_from, around_dos((0, 1, -1, 30, 100)))
                authorizations.append({
                    "number": "A%d" % i,
                    "status": self.choice(["approved", "approved", "approved", "pending", "denied", "expired"]),
                    "hcpcs": self.choice([[J9027], [J9027], ["J9043"], [J9027, "J9043"], []]),
                    "valid_from": iso_date(valid_from), "valid_through": iso_date(valid_through),
                    "units_approved": JsonLiteral(self.choice(["0", "40", "60", "80", "120", "360", "80.5"]))})
                if self.chance(0.7):
                    authorizations[-1]["units_used"] = JsonLiteral(self.choice(["0", "20", "40", "39.5"]))
            claim["authorizations"] = authorizations
        if self.chance(0.9):
            history = {}
            if self.chance(0.85):
                history["administrations"] = [
                    {"hcpcs": self.choice([J9027, J9027, "J9171", "J9043"]),
                     "date": iso_date(around_dos((-1, 0, 1, -17, -18, -21, -42, -300))), "units": JsonLiteral("40")}
                    for _ in range(rng.randrange(0, 4))]
            if self.chance(0.85):
                history["therapies"] = []
                for _ in range(rng.randrange(0, 3)):
                    start = around_dos((-1, 0, 1, -300))
                    therapy = {"drug": self.choice(["docetaxel", "docetaxel", "abiraterone"]), "start": iso_date(start),
                               "outcome": self.choice(["progression", "ongoing"])}
                    if self.chance(0.4):
                        therapy["end"] = iso_date(start + timedelta(days=self.choice([0, 1, 60])))
                    history["therapies"].append(therapy)
            if self.chance(0.85):
                history["medications"] = []
                for _ in range(rng.randrange(0, 3)):
                    start = around_dos((-1, 0, 1, -42))
                    medication = {"drug": self.choice(["prednisone", "prednisolone", "dexamethasone", "ondansetron"]),
                                  "start": iso_date(start)}
                    if self.chance(0.4):
                        medication["end"] = iso_date(max(start, around_dos((-1, 0, 1, 30))))
                    history["medications"].append(medication)
            if self.chance(0.85):
                history["evidence"] = [
                    {"kind": self.choice(["psa", "imaging"]), "date": iso_date(around_dos((0, -1, 1, -90, -91, -30, -30))),
                     "finding": self.choice(["response", "stable", "progression"])}
                    for _ in range(rng.randrange(0, 4))]
            claim["history"] = history
        return claim

    def claim(self, claim_number):
        """One claim, its id made from `claim_number`."""
        rng = self.rng
        if rng.random() < self.chaos_rate:
            return self.chaos_claim(claim_number)
        self.noise = self.choice([0, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0])
        line_of_business = self.choice(["commercial", "commercial", "medicare_part_b", "medicare_part_b", "medicare_advantage"])
        dos = self.date_of_service()
        claim_type = self.choice(["professional", "professional", "institutional"])
        claim = {"claim_id": "G-%s" % claim_number, "claim_type": claim_type,
                 "payer": {"line_of_business": line_of_business}}
        if self.chance(0.8):
            claim["payer"]["plan_id"] = self.choice(["ACME-PPO", "MED", "ACME-HMO", "X"])
        patient = self.patient()
        claim["patient"] = patient
        provider = {"npi": "1234567893"}
        if self.chance(0.7):
            provider["is_340b_covered_entity"] = self.chance(0.4)
        claim["provider"] = provider
        claim["place_of_service"] = self.good_or_bad(["11"] * 3 + ["19", "22"], ["12", "21", "49", "02", "99"], 0.3)
        diagnoses = self.choice([["C61", "Z19.2", "C79.51"], ["C61", "Z19.2"], ["Z19.2", "C79.51", "C61"]])
        if self.deviates(0.15):
            diagnoses = self.choice([["C61"], ["Z19.2"], [], ["Z19.2", "C61"], ["C61", "Z19.1"], ["C61.0", "Z19.2"],
                                     ["C79.51", "Z19.2", "C61"]])
        claim["diagnoses"] = diagnoses

        height, weight, (units_within, units_over) = self.body_and_units()
        if not self.deviates(0.1):
            patient["height_cm"] = self.number(height)
        if not self.deviates(0.1):
            patient["weight_kg"] = self.number(weight)
        admin_units = Decimal(self.good_or_bad(units_within, units_over, 0.4))

        numbering = self.choice(["seq", "seq", "gap", "rev"])
        # The J9027 lines to write: (date of service, units, is a waste line).
        planned = [(dos, admin_units, False)]
        shape = rng.random()
        if shape < 0.35:
            # A waste line the same day, the day's total near 60.
            target = self.good_or_bad([Decimal(60), Decimal(60), Decimal("59.999999"), Decimal(50)],
                                      [Decimal("60.000001"), Decimal(61)], 0.5)
            waste_units = target - admin_units
            if waste_units < 0:
                waste_units = self.choice([Decimal(0), Decimal(5), Decimal("0.5")])
            planned.append((dos, waste_units, True))
        elif shape < 0.45:
            # The dose split over two administration lines of one day.
            half = (admin_units / 2).quantize(Decimal("0.000001"))
            planned[0] = (dos, half, False)
            planned.append((dos, admin_units - half, False))
            if self.chance(0.3):
                planned.append((dos, self.choice([Decimal(5), Decimal("0.1")]), True))
        elif shape < 0.55:
            # A second administration on another day, around the 18-day frequency limit.
            other_day = dos + timedelta(days=self.choice([-21, -18, -17, 1, 17, 18, 21, -1]))
            planned.append((other_day, Decimal(self.choice([40, 20, 45])), False))
            if self.chance(0.3):
                planned.append((other_day, Decimal(self.choice([20, 15])), True))
        elif shape < 0.60:
            # A waste line alone.
            planned = [(dos, Decimal(self.choice([20, 0, 5])), True)]
        elif shape < 0.64:
            # A waste line on another day than the administration.
            planned.append((dos + timedelta(days=self.choice([-1, 1])), Decimal(20), True))
        elif shape < 0.66:
            # The specification's exactness example: 30.1 + 8.3 + 21.6 is exactly 60.
            planned = [(dos, Decimal("30.1"), False), (dos, Decimal("8.3"), False), (dos, Decimal("21.6"), True)]
        elif shape < 0.70:
            # Many small decimal lines summing to 60, or a millionth over.
            parts = self.choice([[Decimal("0.1")] * 10 + [Decimal(59)], [Decimal("20.000001"), Decimal("19.999999"), Decimal(20)],
                                 [Decimal("0.000001")] * 3 + [Decimal("59.999997")], [Decimal("0.3")] * 3 + [Decimal("59.1")],
                                 [Decimal("0.1")] * 3 + [Decimal("59.7")], [Decimal("0.1")] * 3 + [Decimal("59.700001")]])
            planned = [(dos, parts[0], False)] + [(dos, units, self.chance(0.5)) for units in parts[1:]]
        elif shape < 0.72:
            # Zero units.
            planned = [(dos, Decimal(0), False)] + ([(dos, Decimal(0), True)] if self.chance(0.5) else [])
        elif shape < 0.74:
            # No J9027 line at all.
            planned = []
        lines = []
        for (day, units, waste) in planned:
            line = self.j9027_line(day, units)
            channel = (line.get("drug") or {}).get("acquisition_channel")
            modifiers = self.modifiers(line_of_business, waste, channel)
            if modifiers is not None:
                line = dict([("line_number", 0), ("hcpcs", J9027), ("modifiers", modifiers)] +
                            [(k, v) for k, v in line.items() if k not in ("line_number", "hcpcs")])
            lines.append(line)
        for _ in range(self.choice([0, 1, 1, 1, 2]) if planned else self.choice([1, 2])):
            lines.insert(rng.randrange(len(lines) + 1), self.other_line(dos))
        if self.chance(0.04):
            # A J9027 line before the policies' effective date: not governed.
            line = self.j9027_line(self.choice([date(2019, 12, 31), date(2019, 6, 1)]), Decimal(40))
            lines.append(dict([("line_number", 0), ("hcpcs", J9027), ("modifiers", ["JZ"])] +
                              [(k, v) for k, v in line.items() if k not in ("line_number", "hcpcs")]))
        if self.chance(0.08):
            rng.shuffle(lines)
        numbers = list(range(1, len(lines) + 1))
        if numbering == "gap":
            numbers = sorted(rng.sample(range(1, 40), len(lines)))
        elif numbering == "rev":
            numbers = list(reversed(numbers))
        for line, number in zip(lines, numbers):
            line["line_number"] = number
        claim["lines"] = lines

        total_units = sum((Decimal(str(line["units"])) for line in lines if line["hcpcs"] == J9027), Decimal(0))
        if line_of_business == "medicare_part_b" and self.chance(0.5):
            authorizations = None
        else:
            authorizations = []
            count = self.choice([1, 1, 1, 1, 2, 2, 3]) if line_of_business != "medicare_part_b" else self.choice([0, 1])
            if self.deviates(0.1):
                count = 0
            last_one_covers = not self.deviates(0.5)
            for i in range(count):
                authorizations.append(self.authorization(i, dos, total_units, covers=(i == count - 1 and last_one_covers)))
            if authorizations and self.chance(0.3):
                rng.shuffle(authorizations)
            if not authorizations and self.chance(0.5):
                authorizations = None
        if authorizations is not None:
            claim["authorizations"] = authorizations

        history = self.history(dos)
        if history is not None:
            claim["history"] = history
        if self.chance(0.03):
            claim["x_unknown_top"] = self.choice(["ignored", None, [1, {"a": True}], {"deep": {"units": -5, "date": "2026-02-30"}},
                                                  JsonLiteral("12345678901234567890.1234567"), JsonLiteral("1e400")])
        if self.chance(0.03):
            claim["patient"]["x_note"] = {"n": JsonLiteral("-1.5")}
            claim["lines"][0]["x_line_extra"] = "2026-02-30"
        if self.chance(0.03):
            claim["claim_id"] = self.choice(["G-\u00e9\u4e2d-%s" % claim_number, 'G-"quoted"\\-%s' % claim_number,
                                             "G-tab\t-%s" % claim_number, " G-space-%s " % claim_number,
                                             "G-\ud83d\ude00-%s" % claim_number])
        if self.chance(0.02):
            claim["lines"][0]["line_number"] = self.choice([999999999, 123456789, 100000000])
        if self.chance(0.04):
            self.big_numbers(claim)
        return claim

    def big_numbers(self, claim):
        """Large or tiny exact numbers, where binary floating point loses the last digit."""
        lines = [line for line in claim["lines"] if line["hcpcs"] == J9027]
        if not lines:
            return
        authorizations = claim.get("authorizations") or []
        mode = self.rng.randrange(3)
        if mode == 0 and authorizations:
            for auth in authorizations:
                auth["units_approved"] = JsonLiteral("999999999.999999")
                total = sum(Decimal(str(line["units"])) for line in lines)
                used = Decimal("999999999.999999") - total + self.choice([Decimal(0), Decimal("0.000001"), Decimal("-0.000001")])
                if 0 <= used < 10 ** 9:
                    auth["units_used"] = JsonLiteral(number_text(used))
        elif mode == 1:
            # A huge height and weight: the dose limit is huge.
            claim["patient"]["height_cm"] = JsonLiteral("999999999.999999")
            claim["patient"]["weight_kg"] = JsonLiteral("999999999.999999")
        else:
            claim["patient"]["height_cm"] = JsonLiteral("0.000001")
            claim["patient"]["weight_kg"] = JsonLiteral("0.000001")
            lines[0]["units"] = self.choice([JsonLiteral("0.000001"), JsonLiteral("1"), JsonLiteral("0")])

    def authorization(self, number, dos, total_units, covers):
        """An approved J9027 authorization covering the claim, or (not `covers`) one that may fail it."""
        auth = {"number": "PA-%d" % (7000 + number), "status": "approved", "hcpcs": [J9027]}
        valid_from = dos - timedelta(days=self.choice([0, 1, 30, 96, 180]))
        valid_through = dos + timedelta(days=self.choice([0, 1, 30, 90, 180]))
        approved = Decimal(360)
        used = Decimal(self.choice([0, 40, 120, 200]))
        if not covers:
            m = self.rng.randrange(10)
            if m == 0:
                auth["status"] = self.choice(["pending", "denied", "expired"])
            elif m == 1:
                auth["hcpcs"] = self.choice([["J9043"], [], ["J9043", "J9064"], ["J9171"]])
            elif m == 2:  # ended before the date of service
                valid_through = dos - timedelta(days=self.choice([1, 2, 30]))
                valid_from = valid_through - timedelta(days=180)
            elif m == 3:  # starts after it
                valid_from = dos + timedelta(days=self.choice([1, 2]))
                valid_through = valid_from + timedelta(days=180)
            elif m in (4, 5, 6):  # units at the edge
                used = approved - total_units + self.choice([Decimal(0), Decimal("-0.000001"), Decimal("0.000001"),
                                                             Decimal(1), Decimal(-1)])
                if used < 0:
                    approved = approved - used
                    used = Decimal(0)
            elif m == 7:
                used = approved
            elif m == 8:
                valid_from = dos
                valid_through = dos
            else:
                auth["hcpcs"] = ["J9043", J9027]
        if covers and self.chance(0.3):
            used = approved - total_units + self.choice([Decimal(0), Decimal(0), Decimal(1)])
            if used < 0:
                approved -= used
                used = Decimal(0)
        auth["valid_from"] = iso_date(valid_from)
        auth["valid_through"] = iso_date(valid_through)
        auth["units_approved"] = self.number(approved)
        if used != 0 or self.chance(0.5):
            auth["units_used"] = self.number(used)
        return auth

    def history(self, dos):
        """history: earlier doses around the frequency window, docetaxel, steroids, evidence."""
        rng = self.rng
        if self.deviates(0.1):
            return None
        history = {}
        administrations = []
        if self.chance(0.7):  # a continuation
            gap = self.good_or_bad([21, 21, 21, 18, 19, 42, 200], [17, 16, 0, 1], 0.3)
            administrations.append({"hcpcs": J9027, "date": iso_date(dos - timedelta(days=gap)),
                                    "units": self.number(self.choice([40, 40, 40, 0, "0.5"]))})
            if self.chance(0.6):
                administrations.append({"hcpcs": J9027, "date": iso_date(dos - timedelta(days=gap + 21)),
                                        "units": self.number(40)})
        if self.chance(0.08):
            administrations.append({"hcpcs": J9027, "date": iso_date(dos + timedelta(days=self.choice([1, 5]))),
                                    "units": self.number(40)})
        if self.chance(0.15):
            administrations.append({"hcpcs": "J9171", "date": iso_date(dos - timedelta(days=self.choice([0, 1, 300]))),
                                    "units": self.number(75)})
        if self.chance(0.1):
            administrations.append({"hcpcs": self.choice(["J9043", "J9064", "96413"]),
                                    "date": iso_date(dos - timedelta(days=self.choice([0, 10]))), "units": self.number(40)})
        rng.shuffle(administrations)
        if administrations or self.chance(0.5):
            history["administrations"] = administrations
        therapies = []
        if not self.deviates(0.15):
            start = dos - timedelta(days=self.good_or_bad([600, 600, 300, 1], [0, -1], 0.2))
            therapy = {"drug": self.good_or_bad(["docetaxel"], ["Docetaxel", "cabazitaxel", "docetaxel "], 0.1),
                       "start": iso_date(start)}
            if self.chance(0.7):
                therapy["end"] = iso_date(start + timedelta(days=self.choice([0, 100, 190])))
            therapy["outcome"] = self.choice(["progression", "progression", "intolerance", "completed", "ongoing", "contraindicated"])
            therapies.append(therapy)
        if self.chance(0.2):
            therapies.append({"drug": "abiraterone", "start": iso_date(dos - timedelta(days=900)), "outcome": "progression"})
        rng.shuffle(therapies)
        if therapies or self.chance(0.5):
            history["therapies"] = therapies
        medications = []
        if not self.deviates(0.1):
            medication = {"drug": self.good_or_bad(["prednisone"] * 4 + ["prednisolone", "dexamethasone"],
                                                   ["Prednisone", "methylprednisolone", "prednisone "], 0.1)}
            medication["start"] = iso_date(dos - timedelta(days=self.good_or_bad([42, 42, 1, 0], [-1, -10], 0.15)))
            if self.chance(0.3):
                end = dos + timedelta(days=self.good_or_bad([0, 1, 30], [-1], 0.2))
                if end < date.fromisoformat(medication["start"]):
                    end = date.fromisoformat(medication["start"])
                medication["end"] = iso_date(end)
            medications.append(medication)
        if self.chance(0.2):
            medications.append({"drug": "prednisone", "start": iso_date(dos - timedelta(days=400)),
                                "end": iso_date(dos - timedelta(days=self.choice([1, 100])))})
        if self.chance(0.15):
            medications.append({"drug": "ondansetron", "start": iso_date(dos - timedelta(days=20))})
        rng.shuffle(medications)
        if medications or self.chance(0.5):
            history["medications"] = medications
        evidence = []
        if not self.deviates(0.15):
            for _ in range(self.choice([1, 1, 2, 3])):
                days_before = self.good_or_bad([5, 5, 0, 90, 89, 30], [91, -1, 120], 0.3)
                evidence.append({"kind": self.choice(["psa", "imaging"]), "date": iso_date(dos - timedelta(days=days_before)),
                                 "finding": self.good_or_bad(["response", "response", "stable"], ["progression"], 0.3)})
            if self.chance(0.2) and evidence:
                # Two findings on the latest date.
                first = evidence[0]
                evidence.append({"kind": "imaging" if first["kind"] == "psa" else "psa", "date": first["date"],
                                 "finding": self.choice(["progression", "response"])})
        rng.shuffle(evidence)
        if evidence or self.chance(0.5):
            history["evidence"] = evidence
        return history


def main(args):
    if len(args) != 2:
        sys.exit("usage: gen.py SEED N")
    seed, count = int(args[0]), int(args[1])
    generator = ClaimGenerator(seed)
    for i in range(count):
        sys.stdout.write(encode(generator.claim("%d-%d" % (seed, i))) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
