// The commercial J9027 policy in C++ (see native_commercial.h). Each rule below quotes the PPL
// it implements; the order of rules, outcomes and message arguments is the compiled program's.
#include "bench/native_commercial.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>

#include "runtime/date.h"
#include "runtime/utf8.h"

namespace ppl::bench {
namespace {

// The policy's rules in reason order: prior-authorization's first (it is `use`d first).
enum Rule : uint32_t {
  kPa,
  kPaUnits,
  kDx,
  kStep,
  kSteroid,
  kEfficacy,
  kFreq,
  kUnits,
  kDose,
  kNdc,
  kDocs,
  kSite,
  kSource,
  kWaste,
  kRuleCount
};
const char* const kRuleIds[kRuleCount] = {"PA",     "PA-UNITS", "C-DX",  "C-STEP", "C-STEROID",
                                          "C-EFFICACY", "C-FREQ", "C-UNITS", "C-DOSE", "C-NDC",
                                          "C-DOCS", "C-SITE",   "C-SOURCE", "C-WASTE"};

template <size_t N>
bool is(StrRef s, const char (&literal)[N]) {
  return s.size == N - 1 && std::memcmp(s.data, literal, N - 1) == 0;
}
template <size_t N>
Value stringValue(const char (&literal)[N]) {
  return Value::ofString(StrRef{literal, static_cast<uint32_t>(N - 1)});
}
Value durationValue(int64_t days) { return Value::ofInt(days); }

const Value kAbsent = Value::none();
const int32_t kEffectiveFrom = 18262;  // 2020-01-01
constexpr int64_t kMaxUnitsPerDay = 60;
constexpr int64_t kMaxDosePerM2 = 25;
constexpr int64_t kMinDaysBetweenDoses = 18;
constexpr int64_t kEvidenceWindow = 90;

bool resolve(const Schema& schema, const char* record, const char* field, uint32_t& slot, std::string& error) {
  const int r = schema.findRecord(record);
  const int f = r < 0 ? -1 : schema.records[static_cast<size_t>(r)].findField(field);
  if (f < 0) {
    error = std::string("the schema has no `") + record + "." + field + "`";
    return false;
  }
  slot = schema.records[static_cast<size_t>(r)].fields[static_cast<size_t>(f)].slot;
  return true;
}

bool listHasString(const Facts& facts, const Value& list, StrRef s) {
  for (uint32_t i = 0; i < list.list.count; ++i) {
    const Value& e = facts.element(list.list, i);
    if (!e.absent && e.s == s) return true;
  }
  return false;
}

}  // namespace

bool NativeCommercial::init(const Program& program, std::string& error) {
  program_ = &program;
  const Schema& sc = program.schema;
  struct Need {
    const char* record;
    const char* field;
    uint32_t* slot;
  };
  const Need needs[] = {
      {"Claim", "payer", &s_.payer},
      {"Claim", "patient", &s_.patient},
      {"Claim", "place_of_service", &s_.placeOfService},
      {"Claim", "diagnoses", &s_.diagnoses},
      {"Claim", "lines", &s_.lines},
      {"Claim", "authorizations", &s_.authorizations},
      {"Claim", "history", &s_.history},
      {"Payer", "line_of_business", &s_.lineOfBusiness},
      {"Patient", "height_cm", &s_.heightCm},
      {"Patient", "weight_kg", &s_.weightKg},
      {"Line", "line_number", &s_.lineNumber},
      {"Line", "hcpcs", &s_.hcpcs},
      {"Line", "modifiers", &s_.modifiers},
      {"Line", "units", &s_.units},
      {"Line", "service_date", &s_.serviceDate},
      {"Line", "ndc", &s_.ndc},
      {"Line", "drug", &s_.drug},
      {"Drug", "product_name", &s_.productName},
      {"Drug", "lot_number", &s_.lotNumber},
      {"Drug", "acquisition_channel", &s_.acquisitionChannel},
      {"Drug", "discounted", &s_.discounted},
      {"Authorization", "status", &s_.authStatus},
      {"Authorization", "hcpcs", &s_.authHcpcs},
      {"Authorization", "valid_from", &s_.validFrom},
      {"Authorization", "valid_through", &s_.validThrough},
      {"Authorization", "units_approved", &s_.unitsApproved},
      {"Authorization", "units_used", &s_.unitsUsed},
      {"History", "administrations", &s_.administrations},
      {"History", "therapies", &s_.therapies},
      {"History", "medications", &s_.medications},
      {"History", "evidence", &s_.evidence},
      {"Administration", "hcpcs", &s_.adminHcpcs},
      {"Administration", "date", &s_.adminDate},
      {"Therapy", "drug", &s_.therapyDrug},
      {"Therapy", "start", &s_.therapyStart},
      {"Medication", "drug", &s_.medDrug},
      {"Medication", "start", &s_.medStart},
      {"Medication", "end", &s_.medEnd},
      {"Evidence", "date", &s_.evidenceDate},
      {"Evidence", "finding", &s_.evidenceFinding},
  };
  for (const Need& n : needs) {
    if (!resolve(sc, n.record, n.field, *n.slot, error)) return false;
  }
  policy_ = -1;
  for (size_t p = 0; p < program.policies.size(); ++p) {
    if (program.policies[p].id == "acme-commercial-j9027") policy_ = static_cast<int32_t>(p);
  }
  if (policy_ < 0) {
    error = "the program has no policy acme-commercial-j9027";
    return false;
  }
  const std::vector<RuleInfo>& rules = program.policies[static_cast<size_t>(policy_)].rules;
  if (rules.size() != kRuleCount) {
    error = "acme-commercial-j9027 has " + std::to_string(rules.size()) + " rules, the native version " +
            std::to_string(kRuleCount);
    return false;
  }
  for (uint32_t r = 0; r < kRuleCount; ++r) {
    if (rules[r].id != kRuleIds[r]) {
      error = "rule " + std::to_string(r) + " is " + rules[r].id + ", the native version expects " + kRuleIds[r];
      return false;
    }
  }
  drugCode_ = stringValue("J9027");
  docetaxelCode_ = stringValue("J9171");
  jevtanaNdc_ = stringValue("00024582411");
  missing_ = stringValue("missing");
  return true;
}

// ---- helpers ----

int32_t NativeCommercial::dos(uint32_t line) const {
  return static_cast<int32_t>(facts_->field(line, s_.serviceDate).i);
}

// covers(a) = a.status = "approved" and drug_code in a.hcpcs and dos between a.valid_from and a.valid_through
bool NativeCommercial::coversLine(uint32_t auth, uint32_t line) const {
  const Facts& f = *facts_;
  if (!is(f.field(auth, s_.authStatus).s, "approved")) return false;
  if (!listHasString(f, f.field(auth, s_.authHcpcs), drugCode_.s)) return false;
  const int64_t d = dos(line);
  return f.field(auth, s_.validFrom).i <= d && d <= f.field(auth, s_.validThrough).i;
}

NativeCommercial::Exit NativeCommercial::fail(uint32_t rule, uint32_t outcome, std::initializer_list<Value> args) {
  const Outcome& o = program_->policies[static_cast<size_t>(policy_)].rules[rule].outcomes[outcome];
  out_->reasons.emplace_back();
  Reason& reason = out_->reasons.back();
  reason.rule = rule;
  reason.outcome = outcome;
  reason.group = o.group;
  reason.argCount = static_cast<uint8_t>(args.size());
  std::copy(args.begin(), args.end(), reason.args);
  return Exit::kFail;
}

// ---- the rules ----

// rule PA: require any a in authorizations where covers(a)
NativeCommercial::Exit NativeCommercial::rulePa(uint32_t line) {
  const Facts& f = *facts_;
  const ListRef auths = f.field(Facts::kRootBase, s_.authorizations).list;
  for (uint32_t i = 0; i < auths.count; ++i) {
    if (coversLine(f.element(auths, i).rec, line)) return Exit::kPass;
  }
  return fail(kPa, 0, {drugCode_, Value::ofInt(dos(line))});
}

// rule PA-UNITS: only when any a in authorizations where covers(a)
//   require any a in authorizations where covers(a) and a.units_used + claimed_units(a) <= a.units_approved
// claimed_units(a) = sum l.units for l in lines where l is governed and l.service_date between a.valid_from and a.valid_through
// units_short = min a.units_used + claimed_units(a) - a.units_approved for a in authorizations where covers(a),
// kept as the loop goes (the first of equal ones, as MIND keeps it)
NativeCommercial::Exit NativeCommercial::rulePaUnits(uint32_t line) {
  const Facts& f = *facts_;
  const ListRef auths = f.field(Facts::kRootBase, s_.authorizations).list;
  bool anyCovers = false;
  for (uint32_t i = 0; i < auths.count && !anyCovers; ++i) anyCovers = coversLine(f.element(auths, i).rec, line);
  if (!anyCovers) return Exit::kSkip;
  bool found = false;
  Decimal unitsShort;
  for (uint32_t i = 0; i < auths.count; ++i) {
    const uint32_t a = f.element(auths, i).rec;
    if (!coversLine(a, line)) continue;
    const int64_t from = f.field(a, s_.validFrom).i, through = f.field(a, s_.validThrough).i;
    Decimal claimed;
    for (uint32_t l = 0; l < lineBase_.size(); ++l) {
      if (!governed_[l]) continue;
      const int64_t d = dos(lineBase_[l]);
      if (d < from || d > through) continue;
      if (add(claimed, f.field(lineBase_[l], s_.units).d, claimed) != DecimalStatus::kOk) {
        error_ = "decimal overflow";
        return Exit::kError;
      }
    }
    Decimal total, over;
    if (add(f.field(a, s_.unitsUsed).d, claimed, total) != DecimalStatus::kOk) {
      error_ = "decimal overflow";
      return Exit::kError;
    }
    const Decimal& approved = f.field(a, s_.unitsApproved).d;
    if (compare(total, approved) <= 0) return Exit::kPass;
    if (sub(total, approved, over) != DecimalStatus::kOk) {
      error_ = "decimal overflow";
      return Exit::kError;
    }
    if (!found || compare(over, unitsShort) < 0) unitsShort = over;
    found = true;
  }
  return fail(kPaUnits, 0, {Value::ofInt(dos(line)), drugCode_, Value::ofDecimal(unitsShort)});
}

// rule C-DX: require has_diagnoses   ("C61" in diagnoses and "Z19.2" in diagnoses)
NativeCommercial::Exit NativeCommercial::ruleDx() {
  const Facts& f = *facts_;
  const Value& dx = f.field(Facts::kRootBase, s_.diagnoses);
  if (listHasString(f, dx, StrRef{"C61", 3}) && listHasString(f, dx, StrRef{"Z19.2", 5})) return Exit::kPass;
  return fail(kDx, 0, {dx});
}

// rule C-STEP: require after_docetaxel
//   (any t in history.therapies where t.drug = "docetaxel" and t.start < dos)
//   or (any a in history.administrations where a.hcpcs = docetaxel_code and a.date < dos)
NativeCommercial::Exit NativeCommercial::ruleStep(uint32_t line) {
  const Facts& f = *facts_;
  const int64_t d = dos(line);
  const uint32_t history = f.field(Facts::kRootBase, s_.history).rec;
  const ListRef therapies = f.field(history, s_.therapies).list;
  for (uint32_t i = 0; i < therapies.count; ++i) {
    const uint32_t t = f.element(therapies, i).rec;
    if (is(f.field(t, s_.therapyDrug).s, "docetaxel") && f.field(t, s_.therapyStart).i < d) return Exit::kPass;
  }
  const ListRef admins = f.field(history, s_.administrations).list;
  for (uint32_t i = 0; i < admins.count; ++i) {
    const uint32_t a = f.element(admins, i).rec;
    if (is(f.field(a, s_.adminHcpcs).s, "J9171") && f.field(a, s_.adminDate).i < d) return Exit::kPass;
  }
  return fail(kStep, 0, {docetaxelCode_, Value::ofInt(d)});
}

// rule C-STEROID: require any m in history.medications
//   where m.drug in steroids and m.start <= dos and (m.end is absent or m.end >= dos)
NativeCommercial::Exit NativeCommercial::ruleSteroid(uint32_t line) {
  const Facts& f = *facts_;
  const int64_t d = dos(line);
  const uint32_t history = f.field(Facts::kRootBase, s_.history).rec;
  const ListRef meds = f.field(history, s_.medications).list;
  for (uint32_t i = 0; i < meds.count; ++i) {
    const uint32_t m = f.element(meds, i).rec;
    const StrRef drug = f.field(m, s_.medDrug).s;
    if (!is(drug, "prednisone") && !is(drug, "prednisolone") && !is(drug, "dexamethasone")) continue;
    if (f.field(m, s_.medStart).i > d) continue;
    const Value& end = f.field(m, s_.medEnd);
    if (end.absent || end.i >= d) return Exit::kPass;
  }
  return fail(kSteroid, 0, {Value::ofInt(d)});
}

// rule C-EFFICACY: only when continuation
//   let latest_evidence = latest e.date for e in history.evidence where e.date within evidence_window before dos
//   pend when latest_evidence is absent
//   deny when any e in history.evidence where e.date = latest_evidence and e.finding = "progression"
NativeCommercial::Exit NativeCommercial::ruleEfficacy(uint32_t line) {
  const Facts& f = *facts_;
  const int64_t d = dos(line);
  const uint32_t history = f.field(Facts::kRootBase, s_.history).rec;
  const ListRef admins = f.field(history, s_.administrations).list;
  bool continuation = false;
  for (uint32_t i = 0; i < admins.count && !continuation; ++i) {
    const uint32_t a = f.element(admins, i).rec;
    continuation = is(f.field(a, s_.adminHcpcs).s, "J9027") && f.field(a, s_.adminDate).i < d;
  }
  if (!continuation) return Exit::kSkip;
  const ListRef evidence = f.field(history, s_.evidence).list;
  bool found = false;
  int64_t latest = 0;
  for (uint32_t i = 0; i < evidence.count; ++i) {
    const int64_t e = f.field(f.element(evidence, i).rec, s_.evidenceDate).i;
    if (d - kEvidenceWindow <= e && e <= d && (!found || e > latest)) latest = e, found = true;
  }
  if (!found) return fail(kEfficacy, 0, {durationValue(kEvidenceWindow), Value::ofInt(d)});
  for (uint32_t i = 0; i < evidence.count; ++i) {
    const uint32_t e = f.element(evidence, i).rec;
    if (f.field(e, s_.evidenceDate).i == latest && is(f.field(e, s_.evidenceFinding).s, "progression")) {
      return fail(kEfficacy, 1, {Value::ofInt(latest)});
    }
  }
  return Exit::kPass;
}

// rule C-FREQ (administration lines): require not dose_too_soon
//   any a in history.administrations where a.hcpcs = drug_code and a.date <= dos and dos - a.date < 18 days
// The message names last_dose: latest a.date for the same a, without the 18 days.
NativeCommercial::Exit NativeCommercial::ruleFreq(uint32_t line) {
  const Facts& f = *facts_;
  const int64_t d = dos(line);
  const uint32_t history = f.field(Facts::kRootBase, s_.history).rec;
  const ListRef admins = f.field(history, s_.administrations).list;
  for (uint32_t i = 0; i < admins.count; ++i) {
    const uint32_t a = f.element(admins, i).rec;
    const int64_t date = f.field(a, s_.adminDate).i;
    if (is(f.field(a, s_.adminHcpcs).s, "J9027") && date <= d && d - date < kMinDaysBetweenDoses) {
      int64_t last = date;
      for (uint32_t j = 0; j < admins.count; ++j) {
        const uint32_t b = f.element(admins, j).rec;
        const int64_t other = f.field(b, s_.adminDate).i;
        if (is(f.field(b, s_.adminHcpcs).s, "J9027") && other <= d && other > last) last = other;
      }
      return fail(kFreq, 0, {drugCode_, Value::ofInt(last), durationValue(kMinDaysBetweenDoses), Value::ofInt(d)});
    }
  }
  return Exit::kPass;
}

// rule C-UNITS: require same_day_units <= max_units_per_day
//   same_day_units = sum l.units for l in lines where l is governed and l.service_date = dos
NativeCommercial::Exit NativeCommercial::ruleUnits(uint32_t line) {
  const Facts& f = *facts_;
  const int64_t d = dos(line);
  Decimal sum;
  for (uint32_t l = 0; l < lineBase_.size(); ++l) {
    if (!governed_[l] || dos(lineBase_[l]) != d) continue;
    if (add(sum, f.field(lineBase_[l], s_.units).d, sum) != DecimalStatus::kOk) {
      error_ = "decimal overflow";
      return Exit::kError;
    }
  }
  if (compare(sum, Decimal::fromInt(kMaxUnitsPerDay)) <= 0) return Exit::kPass;
  return fail(kUnits, 0, {Value::ofDecimal(sum), Value::ofInt(d), Value::ofInt(kMaxUnitsPerDay)});
}

// rule C-DOSE (administration lines):
//   pend when height is absent or weight is absent
//   require line.units <= ceil(max_dose_per_m2 * sqrt(height * weight / 3600))
NativeCommercial::Exit NativeCommercial::ruleDose(uint32_t line) {
  const Facts& f = *facts_;
  const uint32_t patient = f.field(Facts::kRootBase, s_.patient).rec;
  const Value& height = f.field(patient, s_.heightCm);
  const Value& weight = f.field(patient, s_.weightKg);
  if (height.absent || weight.absent) return fail(kDose, 0, {});
  Decimal hw, area2, area, dose;
  DecimalStatus st = mul(height.d, weight.d, hw);
  if (st == DecimalStatus::kOk) st = div(hw, Decimal::fromInt(3600), area2);
  if (st == DecimalStatus::kOk) st = sqrt(area2, area);
  if (st == DecimalStatus::kOk) st = mul(Decimal::fromInt(kMaxDosePerM2), area, dose);
  if (st != DecimalStatus::kOk) {
    error_ = "decimal overflow";
    return Exit::kError;
  }
  const Value& units = f.field(line, s_.units);
  if (compare(units.d, ceil(dose)) <= 0) return Exit::kPass;
  return fail(kDose, 1, {f.field(line, s_.lineNumber), units, Value::ofInt(kMaxDosePerM2), height, weight});
}

// rule C-NDC: require line.ndc is present and line.ndc = jevtana_ndc
//   message "the NDC of line {line.line_number} is {line.ndc ?? "missing"}, not {jevtana_ndc}"
NativeCommercial::Exit NativeCommercial::ruleNdc(uint32_t line) {
  const Value& ndc = facts_->field(line, s_.ndc);
  if (!ndc.absent && is(ndc.s, "00024582411")) return Exit::kPass;
  return fail(kNdc, 0, {facts_->field(line, s_.lineNumber), ndc.absent ? missing_ : ndc, jevtanaNdc_});
}

// rule C-DOCS: require line.drug.product_name is present and not blank(line.drug.product_name)
//   and line.drug.lot_number is present and not blank(line.drug.lot_number)
NativeCommercial::Exit NativeCommercial::ruleDocs(uint32_t line) {
  const Facts& f = *facts_;
  auto documented = [](const Value& v) { return !v.absent && !isBlankText(std::string_view(v.s.data, v.s.size)); };
  const Value& drug = f.field(line, s_.drug);
  if (!drug.absent && documented(f.field(drug.rec, s_.productName)) && documented(f.field(drug.rec, s_.lotNumber))) {
    return Exit::kPass;
  }
  return fail(kDocs, 0, {f.field(line, s_.lineNumber)});
}

// rule C-SITE: require place_of_service in allowed_places_of_service ({"11", "19", "22"})
NativeCommercial::Exit NativeCommercial::ruleSite() {
  const Value& pos = facts_->field(Facts::kRootBase, s_.placeOfService);
  if (is(pos.s, "11") || is(pos.s, "19") || is(pos.s, "22")) return Exit::kPass;
  return fail(kSite, 0, {pos});
}

// rule C-SOURCE: pend when channel is absent; deny when channel in self_supplied;
//   adjust CO 45 by 20% when channel = "buy_and_bill" and not (line.drug.discounted ?? false)
NativeCommercial::Exit NativeCommercial::ruleSource(uint32_t line) {
  const Facts& f = *facts_;
  const Value& drug = f.field(line, s_.drug);
  const Value& channel = drug.absent ? kAbsent : f.field(drug.rec, s_.acquisitionChannel);
  if (channel.absent) return fail(kSource, 0, {f.field(line, s_.lineNumber)});
  if (is(channel.s, "brown_bag") || is(channel.s, "specialty_pharmacy")) {
    return fail(kSource, 1, {f.field(line, s_.lineNumber), channel});
  }
  if (is(channel.s, "buy_and_bill")) {
    const Value& discounted = f.field(drug.rec, s_.discounted);
    if (discounted.absent || discounted.i == 0) {
      out_->adjustments.emplace_back();
      Adjustment& adjustment = out_->adjustments.back();
      adjustment.rule = kSource;
      adjustment.adjustment = 0;
      adjustment.argCount = 0;
    }
  }
  return Exit::kPass;
}

// rule C-WASTE (waste lines): require same_day_administration and not same_day_dose_not_approved
NativeCommercial::Exit NativeCommercial::ruleWaste(uint32_t line) {
  const int64_t d = dos(line);
  bool administration = false;
  for (uint32_t l = 0; l < lineBase_.size() && !administration; ++l) {
    administration = governed_[l] && !waste_[l] && dos(lineBase_[l]) == d;
  }
  bool notApproved = false;
  for (uint32_t l = 0; administration && l < lineBase_.size() && !notApproved; ++l) {
    if (!governed_[l] || waste_[l] || dos(lineBase_[l]) != d) continue;
    const Verdict v = out_->lines[l].verdict;
    notApproved = v == Verdict::kDeny || v == Verdict::kPend;
  }
  if (administration && !notApproved) return Exit::kPass;
  return fail(kWaste, 0, {facts_->field(line, s_.lineNumber)});
}

// ---- deciding ----

bool NativeCommercial::decideLine(uint32_t index, std::string& error) {
  Decision& out = *out_;
  const uint32_t line = lineBase_[index];
  const bool isWaste = waste_[index] != 0;
  const uint32_t firstReason = static_cast<uint32_t>(out.reasons.size());
  const uint32_t firstAdjustment = static_cast<uint32_t>(out.adjustments.size());
  const Exit exits[] = {
      rulePa(line),
      rulePaUnits(line),
      ruleDx(),
      ruleStep(line),
      ruleSteroid(line),
      ruleEfficacy(line),
      isWaste ? Exit::kSkip : ruleFreq(line),
      ruleUnits(line),
      isWaste ? Exit::kSkip : ruleDose(line),
      ruleNdc(line),
      ruleDocs(line),
      ruleSite(),
      ruleSource(line),
      isWaste ? ruleWaste(line) : Exit::kSkip,
  };
  for (uint32_t r = 0; r < kRuleCount; ++r) {
    if (exits[r] == Exit::kError) {
      error = std::string(error_) + " in rule " + kRuleIds[r];
      return false;
    }
  }
  const std::vector<RuleInfo>& rules = program_->policies[static_cast<size_t>(policy_)].rules;
  Verdict verdict = Verdict::kApprove;
  for (uint32_t k = firstReason; k < out.reasons.size(); ++k) {
    if (rules[out.reasons[k].rule].outcomes[out.reasons[k].outcome].action == Action::kDeny) {
      verdict = Verdict::kDeny;
      break;
    }
    verdict = Verdict::kPend;
  }
  if (verdict != Verdict::kApprove) out.adjustments.resize(firstAdjustment);
  LineDecision& d = out.lines[index];
  d.verdict = verdict;
  d.firstReason = firstReason;
  d.reasonCount = static_cast<uint32_t>(out.reasons.size()) - firstReason;
  d.firstAdjustment = firstAdjustment;
  d.adjustmentCount = static_cast<uint32_t>(out.adjustments.size()) - firstAdjustment;
  return true;
}

bool NativeCommercial::decide(const Facts& facts, Decision& out, std::string& error) {
  facts_ = &facts;
  out_ = &out;
  out.clear();
  const Value& payer = facts.field(Facts::kRootBase, s_.payer);
  if (payer.absent || !is(facts.field(payer.rec, s_.lineOfBusiness).s, "commercial")) {
    error = "not a commercial claim";
    return false;
  }
  out.policy = policy_;
  const ListRef lines = facts.field(Facts::kRootBase, s_.lines).list;
  const uint32_t n = lines.count;
  out.lines.resize(n);
  lineBase_.resize(n);
  governed_.resize(n);
  waste_.resize(n);
  // governs lines where line.hcpcs = drug_code, effective from 2020-01-01;
  // lines waste: line is governed and "JW" in line.modifiers (decided after the others)
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t line = facts.element(lines, i).rec;
    lineBase_[i] = line;
    governed_[i] = is(facts.field(line, s_.hcpcs).s, "J9027") && dos(line) >= kEffectiveFrom;
    waste_[i] = governed_[i] && listHasString(facts, facts.field(line, s_.modifiers), StrRef{"JW", 2});
  }
  for (int phase = 0; phase < 2; ++phase) {
    for (uint32_t i = 0; i < n; ++i) {
      if (governed_[i] && waste_[i] == phase && !decideLine(i, error)) return false;
    }
  }
  Verdict verdict = Verdict::kNotApplicable;
  for (const LineDecision& line : out.lines) verdict = worse(verdict, line.verdict);
  out.verdict = verdict;
  return true;
}

}  // namespace ppl::bench
