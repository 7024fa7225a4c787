// ppl_bench_generate: a deterministic, seeded workload of claims for the J9027 pack, as NDJSON.
//
//   ppl_bench_generate [--count N] [--seed S] [--lob all|commercial|medicare_part_b|medicare_advantage]
//
// Every claim is built like the example claims (examples/claims/*-approve.json): a patient on
// cabazitaxel after docetaxel, with an authorization, a steroid, recent evidence and a few earlier
// doses. Then, for about half of them, one edit makes one rule fail (a missing diagnosis, an
// expired authorization, a dose too soon...), chosen evenly among the failures the claim's line of
// business has. Claims vary in everything the rules do not pin: dates of service (2024..2026),
// body size, units, 1-3 governed lines (a dose; a dose and a waste line; doses on two days) and
// 0-2 lines of other codes, 1-3 history entries of each kind, extra diagnoses and authorizations.
// Lines of business are spread evenly unless --lob picks one.
//
// The same arguments give the same bytes on every platform: the generator uses its own PRNG
// (splitmix64) and integer date arithmetic, never the standard library's distributions.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

// ---- randomness and dates ----

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {  // splitmix64
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi] (the tiny modulo bias does not matter for a workload).
  int range(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1)); }
  bool chance(int percent) { return range(0, 99) < percent; }

 private:
  uint64_t state_;
};

// Days since 1970-01-01 from a civil date and back (Howard Hinnant's algorithms).
int daysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string dateText(int days) {
  int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = yoe + era * 400;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp + (mp < 10 ? 3 : -9);
  y += m <= 2;
  char buf[48];  // room for any int, though dates here are years 1900..2100
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

// ---- the claim, as the schema (stdlib/claim.ppl) lays it out ----

struct Drug {
  bool present = true;
  std::string productName = "Jevtana";  // "" = absent
  std::string lot;                      // "" = absent
  std::string channel = "buy_and_bill"; // "" = absent
  bool discounted = true;
};

struct Line {
  std::string hcpcs = "J9027";
  std::vector<std::string> modifiers;
  std::string units;  // JSON number text
  int date = 0;
  std::string charge;
  std::string ndc = "00024582411";  // "" = absent
  Drug drug;
};

struct Authorization {
  std::string number;
  std::string status = "approved";
  std::vector<std::string> hcpcs{"J9027"};
  int from = 0, through = 0;
  int approved = 360, used = 0;
};

struct Administration {
  std::string hcpcs = "J9027";
  int date = 0;
  int units = 40;
};
struct Therapy {
  std::string drug = "docetaxel";
  int start = 0, end = 0;  // end 0 = absent
  std::string outcome = "progression";
};
struct Medication {
  std::string drug = "prednisone";
  int start = 0, end = 0;  // end 0 = absent
};
struct Evidence {
  std::string kind = "psa";
  int date = 0;
  std::string finding = "response";
};

struct Claim {
  std::string id;
  std::string claimType = "professional";
  std::string lob;
  std::string planId;
  std::string memberId;
  int birthDate = 0;
  std::string heightCm, weightKg;  // "" = absent
  std::string npi;
  bool covered340b = false;
  std::string pos = "11";
  std::vector<std::string> diagnoses{"C61", "Z19.2"};
  std::vector<Line> lines;
  std::vector<Authorization> auths;
  std::vector<Administration> administrations;
  std::vector<Therapy> therapies;
  std::vector<Medication> medications;
  std::vector<Evidence> evidence;
};

// ---- JSON text ----

class Json {
 public:
  void raw(const char* s) { out_ += s; }
  void str(const std::string& s) {
    out_ += '"';
    out_ += s;  // generated strings never need escaping
    out_ += '"';
  }
  void key(const char* k) {
    comma();
    str(k);
    out_ += ':';
    fresh_ = true;
  }
  void open(char c) {
    comma();
    out_ += c;
    fresh_ = true;
  }
  void close(char c) {
    out_ += c;
    fresh_ = false;
  }
  void value(const std::string& s) {
    comma();
    str(s);
  }
  void number(const std::string& text) {
    comma();
    out_ += text;
  }
  void number(int v) { number(std::to_string(v)); }
  void boolean(bool b) {
    comma();
    out_ += b ? "true" : "false";
  }
  void strings(const char* k, const std::vector<std::string>& list) {
    key(k);
    open('[');
    for (const std::string& s : list) value(s);
    close(']');
  }
  std::string& text() { return out_; }

 private:
  void comma() {
    if (!fresh_) out_ += ',';
    fresh_ = false;
  }
  std::string out_;
  bool fresh_ = true;
};

std::string toJson(const Claim& c) {
  Json j;
  j.open('{');
  j.key("claim_id"), j.value(c.id);
  j.key("claim_type"), j.value(c.claimType);
  j.key("payer"), j.open('{');
  j.key("line_of_business"), j.value(c.lob);
  j.key("plan_id"), j.value(c.planId);
  j.close('}');
  j.key("patient"), j.open('{');
  j.key("member_id"), j.value(c.memberId);
  j.key("birth_date"), j.value(dateText(c.birthDate));
  j.key("sex"), j.value("M");
  if (!c.heightCm.empty()) j.key("height_cm"), j.number(c.heightCm);
  if (!c.weightKg.empty()) j.key("weight_kg"), j.number(c.weightKg);
  j.close('}');
  j.key("provider"), j.open('{');
  j.key("npi"), j.value(c.npi);
  j.key("is_340b_covered_entity"), j.boolean(c.covered340b);
  j.close('}');
  j.key("place_of_service"), j.value(c.pos);
  j.strings("diagnoses", c.diagnoses);
  j.key("lines"), j.open('[');
  int number = 1;
  for (const Line& l : c.lines) {
    j.open('{');
    j.key("line_number"), j.number(number++);
    j.key("hcpcs"), j.value(l.hcpcs);
    if (!l.modifiers.empty()) j.strings("modifiers", l.modifiers);
    j.key("units"), j.number(l.units);
    j.key("service_date"), j.value(dateText(l.date));
    j.key("charge"), j.number(l.charge);
    if (l.hcpcs == "J9027") {
      if (!l.ndc.empty()) j.key("ndc"), j.value(l.ndc);
      if (l.drug.present) {
        j.key("drug"), j.open('{');
        if (!l.drug.productName.empty()) j.key("product_name"), j.value(l.drug.productName);
        if (!l.drug.lot.empty()) j.key("lot_number"), j.value(l.drug.lot);
        if (!l.drug.channel.empty()) j.key("acquisition_channel"), j.value(l.drug.channel);
        j.key("discounted"), j.boolean(l.drug.discounted);
        j.close('}');
      }
    }
    j.close('}');
  }
  j.close(']');
  j.key("authorizations"), j.open('[');
  for (const Authorization& a : c.auths) {
    j.open('{');
    j.key("number"), j.value(a.number);
    j.key("status"), j.value(a.status);
    j.strings("hcpcs", a.hcpcs);
    j.key("valid_from"), j.value(dateText(a.from));
    j.key("valid_through"), j.value(dateText(a.through));
    j.key("units_approved"), j.number(a.approved);
    j.key("units_used"), j.number(a.used);
    j.close('}');
  }
  j.close(']');
  j.key("history"), j.open('{');
  j.key("administrations"), j.open('[');
  for (const Administration& a : c.administrations) {
    j.open('{');
    j.key("hcpcs"), j.value(a.hcpcs);
    j.key("date"), j.value(dateText(a.date));
    j.key("units"), j.number(a.units);
    j.close('}');
  }
  j.close(']');
  j.key("therapies"), j.open('[');
  for (const Therapy& t : c.therapies) {
    j.open('{');
    j.key("drug"), j.value(t.drug);
    j.key("start"), j.value(dateText(t.start));
    if (t.end) j.key("end"), j.value(dateText(t.end));
    j.key("outcome"), j.value(t.outcome);
    j.close('}');
  }
  j.close(']');
  j.key("medications"), j.open('[');
  for (const Medication& m : c.medications) {
    j.open('{');
    j.key("drug"), j.value(m.drug);
    j.key("start"), j.value(dateText(m.start));
    if (m.end) j.key("end"), j.value(dateText(m.end));
    j.close('}');
  }
  j.close(']');
  j.key("evidence"), j.open('[');
  for (const Evidence& e : c.evidence) {
    j.open('{');
    j.key("kind"), j.value(e.kind);
    j.key("date"), j.value(dateText(e.date));
    j.key("finding"), j.value(e.finding);
    j.close('}');
  }
  j.close(']');
  j.close('}');
  j.close('}');
  return std::move(j.text());
}

// ---- the approved base claim ----

const char* const kLobs[] = {"commercial", "medicare_part_b", "medicare_advantage"};

std::string digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng.range(0, 9));
  return s;
}

std::string lotNumber(Rng& rng) {
  static const char kAlnum[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  std::string s;
  for (int i = 0; i < 5; ++i) s += kAlnum[rng.range(0, static_cast<int>(sizeof kAlnum) - 2)];
  return s;
}

// The largest dose C-DOSE allows: ceil(25 * sqrt(h * w / 3600)) mg.
int doseLimit(double heightCm, double weightKg) {
  return static_cast<int>(std::ceil(25.0 * std::sqrt(heightCm * weightKg / 3600.0) - 1e-9));
}

// How the claim's governed lines look.
enum class Shape { kDose, kDoseAndWaste, kTwoDays, kTwoDaysAndWaste };

struct Base {
  Claim claim;
  Shape shape = Shape::kDose;
  int dos = 0;
  int firstAdmin = 0;  // index in claim.lines of the first governed administration
  int waste = -1;      // index of the waste line, if any
};

Line drugLine(Rng& rng, int date, int units) {
  Line l;
  l.units = std::to_string(units);
  l.date = date;
  l.charge = std::to_string(units * 245) + ".0";
  l.drug.lot = lotNumber(rng);
  return l;
}

Line otherLine(Rng& rng, int date) {
  static const char* const kCodes[] = {"96413", "96415", "J1100", "J2405"};
  Line l;
  l.hcpcs = kCodes[rng.range(0, 3)];
  l.units = std::to_string(rng.range(1, 4));
  l.date = date;
  l.charge = std::to_string(rng.range(40, 400)) + ".0";
  return l;
}

Base makeBase(Rng& rng, const std::string& lob, uint64_t index) {
  Base b;
  Claim& c = b.claim;
  char id[32];
  std::snprintf(id, sizeof id, "BENCH-%08llu", static_cast<unsigned long long>(index));
  c.id = id;
  c.lob = lob;
  c.planId = lob == "commercial" ? "ACME-PPO" : "MED";
  c.memberId = "M-" + digits(rng, 6);
  c.birthDate = daysFromCivil(1940, 1, 1) + rng.range(0, 25 * 365);
  const int height = rng.range(160, 195);
  const int weightTenths = rng.range(600, 1100);
  c.heightCm = std::to_string(height);
  c.weightKg = std::to_string(weightTenths / 10) + (weightTenths % 10 ? "." + std::to_string(weightTenths % 10) : "");
  const int limit = doseLimit(height, weightTenths / 10.0);  // >= 40 for these sizes
  c.npi = digits(rng, 10);
  if (rng.chance(30)) {
    c.claimType = "institutional";
    c.pos = rng.chance(50) ? "22" : "19";
  } else {
    c.pos = rng.chance(85) ? "11" : "22";
  }
  if (rng.chance(50)) c.diagnoses.push_back(rng.chance(50) ? "C79.51" : "C77.9");
  if (rng.chance(20)) c.diagnoses.insert(c.diagnoses.begin(), "E11.9");

  // Dates of service from 2024-01-15, after every effective date the pack has.
  b.dos = daysFromCivil(2024, 1, 15) + rng.range(0, 3 * 365 - 60);
  const int dos = b.dos;
  const int r = rng.range(0, 99);
  b.shape = r < 50 ? Shape::kDose : r < 75 ? Shape::kDoseAndWaste : r < 90 ? Shape::kTwoDays : Shape::kTwoDaysAndWaste;
  const bool hasWaste = b.shape == Shape::kDoseAndWaste || b.shape == Shape::kTwoDaysAndWaste;
  const bool twoDays = b.shape == Shape::kTwoDays || b.shape == Shape::kTwoDaysAndWaste;
  const int dose = rng.range(20, std::min(limit, 45) - 5);

  if (rng.chance(30)) c.lines.push_back(otherLine(rng, dos));
  b.firstAdmin = static_cast<int>(c.lines.size());
  Line admin = drugLine(rng, dos, dose);
  if (!hasWaste) admin.modifiers.push_back("JZ");
  c.lines.push_back(admin);
  if (rng.chance(60)) c.lines.push_back(otherLine(rng, dos));
  if (hasWaste) {
    Line waste = drugLine(rng, dos, rng.range(2, 60 - dose));
    waste.modifiers.push_back("JW");
    waste.drug.lot = c.lines[b.firstAdmin].drug.lot;
    b.waste = static_cast<int>(c.lines.size());
    c.lines.push_back(waste);
  }
  if (twoDays) {
    Line second = drugLine(rng, dos + rng.range(21, 28), rng.range(20, std::min(limit, 45) - 5));
    second.modifiers.push_back("JZ");
    c.lines.push_back(second);
  }
  const bool is340b = lob != "commercial" && c.claimType == "institutional" && rng.chance(40);
  for (Line& l : c.lines) {
    if (l.hcpcs != "J9027") continue;
    if (is340b) {
      l.drug.channel = "340b";
      l.modifiers.push_back("JG");
    }
  }
  c.covered340b = is340b || rng.chance(10);

  // One approved authorization covering every date with room for every unit, sometimes
  // beside one that does not qualify.
  Authorization auth;
  auth.number = "PA-" + digits(rng, 5);
  auth.from = dos - rng.range(10, 90);
  auth.through = dos + rng.range(40, 150);
  auth.used = 10 * rng.range(0, 18);
  if (rng.chance(25)) {
    Authorization other = auth;
    other.number = "PA-" + digits(rng, 5);
    if (rng.chance(50)) {
      other.status = rng.chance(50) ? "expired" : "pending";
    } else {
      other.hcpcs = {"J9043"};
    }
    c.auths.push_back(other);
  }
  c.auths.push_back(auth);

  // History: earlier doses 21 days apart (a first cycle has none), docetaxel before, an active
  // steroid, evidence inside the 90-day window.
  const int earlier = rng.range(0, 3);
  for (int k = 1; k <= earlier; ++k) {
    Administration a;
    a.date = dos - 21 * k - rng.range(0, 3);
    a.units = dose;
    c.administrations.push_back(a);
  }
  if (rng.chance(20)) {
    Administration a;
    a.hcpcs = "96413";
    a.date = dos - rng.range(1, 60);
    a.units = 1;
    c.administrations.push_back(a);
  }
  Therapy docetaxel;
  docetaxel.start = dos - rng.range(200, 600);
  docetaxel.end = docetaxel.start + rng.range(60, 180);
  docetaxel.outcome = rng.chance(70) ? "progression" : "intolerance";
  c.therapies.push_back(docetaxel);
  if (rng.chance(30)) {
    Therapy other;
    other.drug = "abiraterone";
    other.start = docetaxel.start - rng.range(100, 400);
    other.end = other.start + rng.range(60, 90);
    c.therapies.insert(c.therapies.begin(), other);
  }
  static const char* const kSteroids[] = {"prednisone", "prednisolone", "dexamethasone"};
  Medication steroid;
  steroid.drug = kSteroids[rng.range(0, 2)];
  steroid.start = dos - rng.range(1, 60);
  if (rng.chance(40)) steroid.end = dos + rng.range(40, 120);
  if (rng.chance(30)) {
    Medication other;
    other.drug = "ondansetron";
    other.start = dos - rng.range(1, 60);
    c.medications.push_back(other);
  }
  c.medications.push_back(steroid);
  const int evidenceCount = rng.range(1, 3);
  for (int k = evidenceCount - 1; k >= 0; --k) {
    Evidence e;
    e.kind = rng.chance(60) ? "psa" : "imaging";
    e.date = dos - 2 - 25 * k - rng.range(0, 10);  // the latest is within 12 days of the dose
    e.finding = rng.chance(60) ? "response" : "stable";
    c.evidence.push_back(e);
  }
  return b;
}

// ---- failures: one edit each, named by the rule it is meant to trip ----

using Edit = void (*)(Base&, Rng&);

Line& admin(Base& b) { return b.claim.lines[b.firstAdmin]; }

void noDiagnosis(Base& b, Rng& rng) {
  auto& dx = b.claim.diagnoses;
  for (auto& d : dx) {
    if (d == (rng.chance(50) ? "C61" : "Z19.2")) d = "C79.51";
  }
}
void noDocetaxel(Base& b, Rng&) {
  b.claim.therapies.clear();
  Therapy t;
  t.drug = "abiraterone";
  t.start = b.dos - 300;
  t.end = b.dos - 200;
  b.claim.therapies.push_back(t);
}
void noSteroid(Base& b, Rng& rng) {
  for (Medication& m : b.claim.medications) {
    if (m.drug != "ondansetron") m.end = b.dos - rng.range(1, 20), m.start = m.end - 30;
  }
}
void staleEvidence(Base& b, Rng& rng) {
  if (b.claim.administrations.empty() || b.claim.administrations[0].hcpcs != "J9027") {
    Administration a;
    a.date = b.dos - 21;
    b.claim.administrations.insert(b.claim.administrations.begin(), a);
  }
  for (Evidence& e : b.claim.evidence) e.date = b.dos - 91 - rng.range(0, 60);
}
void progression(Base& b, Rng& rng) {
  staleEvidence(b, rng);
  Evidence e;
  e.kind = "imaging";
  e.date = b.dos - rng.range(0, 10);
  e.finding = "progression";
  b.claim.evidence.push_back(e);
}
void doseTooSoon(Base& b, Rng& rng) {
  Administration a;
  a.date = b.dos - rng.range(0, 17);
  b.claim.administrations.insert(b.claim.administrations.begin(), a);
}
void overDailyUnits(Base& b, Rng& rng) {
  Line extra = admin(b);
  extra.units = std::to_string(61 - std::stoi(admin(b).units) + rng.range(0, 10));
  b.claim.lines.insert(b.claim.lines.begin() + b.firstAdmin + 1, extra);
}
void noWeight(Base& b, Rng&) { b.claim.weightKg.clear(); }
void overDose(Base& b, Rng&) {
  b.claim.heightCm = "150";
  b.claim.weightKg = "50";  // limit 37 mg
  admin(b).units = "45";
}
void wrongNdc(Base& b, Rng&) { admin(b).ndc = "00024582400"; }
void noLot(Base& b, Rng&) { admin(b).drug.lot.clear(); }
void wrongPlace(Base& b, Rng& rng) { b.claim.pos = rng.chance(50) ? "21" : "12"; }
void noChannel(Base& b, Rng&) { admin(b).drug.channel.clear(); }
void brownBag(Base& b, Rng& rng) {
  admin(b).drug.channel = rng.chance(50) ? "brown_bag" : "specialty_pharmacy";
  auto& mods = admin(b).modifiers;
  for (size_t i = 0; i < mods.size(); ++i) {
    if (mods[i] == "JG") mods.erase(mods.begin() + static_cast<long>(i));
  }
}
void wasteAfterPendedDose(Base& b, Rng& rng) {
  if (b.waste < 0) {
    Line waste = admin(b);
    waste.modifiers = {"JW"};
    waste.units = "5";
    admin(b).modifiers.clear();
    b.claim.lines.insert(b.claim.lines.begin() + b.firstAdmin + 1, waste);
  }
  noLot(b, rng);
}
void noAuthorization(Base& b, Rng& rng) {
  if (rng.chance(50)) {
    b.claim.auths.clear();
  } else {
    for (Authorization& a : b.claim.auths) {
      a.through = b.dos - rng.range(1, 30);
      a.from = a.through - 180;
    }
  }
}
void authorizationUsedUp(Base& b, Rng& rng) {
  for (Authorization& a : b.claim.auths) a.used = 340 + rng.range(0, 20);
}
void gzModifier(Base& b, Rng&) { admin(b).modifiers.push_back("GZ"); }
void gaNoDiagnosis(Base& b, Rng& rng) {
  admin(b).modifiers.push_back("GA");
  noDiagnosis(b, rng);
}
void noJz(Base& b, Rng&) {
  auto& mods = admin(b).modifiers;
  for (size_t i = 0; i < mods.size(); ++i) {
    if (mods[i] == "JZ") mods.erase(mods.begin() + static_cast<long>(i));
  }
  if (b.waste >= 0) b.claim.lines.erase(b.claim.lines.begin() + b.waste);
}
void jzBesideWaste(Base& b, Rng&) {
  if (b.waste < 0) {
    Line waste = admin(b);
    waste.modifiers = {"JW"};
    waste.units = "5";
    b.claim.lines.insert(b.claim.lines.begin() + b.firstAdmin + 1, waste);
  } else {
    admin(b).modifiers.push_back("JZ");
  }
}
void wasteWithoutDose(Base& b, Rng&) {
  Line waste = admin(b);
  waste.modifiers = {"JW"};
  waste.units = "5";
  waste.date = b.dos - 2;
  b.claim.lines.push_back(waste);
}
void missing340bModifier(Base& b, Rng&) {
  b.claim.claimType = "institutional";
  b.claim.pos = "22";
  b.claim.covered340b = true;
  admin(b).drug.channel = "340b";
  auto& mods = admin(b).modifiers;
  for (size_t i = 0; i < mods.size(); ++i) {
    if (mods[i] == "JG") mods.erase(mods.begin() + static_cast<long>(i));
  }
}
void wasteAfterDeniedDose(Base& b, Rng& rng) {
  if (b.waste < 0) {
    Line waste = admin(b);
    waste.modifiers = {"JW"};
    waste.units = "5";
    admin(b).modifiers.clear();
    b.claim.lines.insert(b.claim.lines.begin() + b.firstAdmin + 1, waste);
  }
  doseTooSoon(b, rng);
}
void notDiscounted(Base& b, Rng&) {  // still approved, with a 20% adjustment
  for (Line& l : b.claim.lines) {
    if (l.hcpcs == "J9027" && l.drug.channel == "buy_and_bill") l.drug.discounted = false;
  }
}

const Edit kCommercialFailures[] = {noDiagnosis, noDocetaxel, noSteroid,       staleEvidence, progression,
                                    doseTooSoon, overDailyUnits, noWeight,     overDose,      wrongNdc,
                                    noLot,       wrongPlace,  noChannel,       brownBag,      wasteAfterPendedDose,
                                    noAuthorization, authorizationUsedUp};
const Edit kPartBFailures[] = {gzModifier, gaNoDiagnosis, noDiagnosis,     noDocetaxel,      wrongPlace,
                               overDailyUnits, doseTooSoon, noJz,          jzBesideWaste,    wasteWithoutDose,
                               missing340bModifier, brownBag, wasteAfterDeniedDose};
const Edit kAdvantageFailures[] = {noDiagnosis, noDocetaxel,      wrongPlace,           overDailyUnits,
                                   doseTooSoon, noJz,             jzBesideWaste,        wasteWithoutDose,
                                   missing340bModifier, brownBag, wasteAfterDeniedDose, noAuthorization,
                                   authorizationUsedUp};

template <size_t N>
void applyOne(const Edit (&edits)[N], Base& b, Rng& rng) {
  edits[rng.range(0, static_cast<int>(N) - 1)](b, rng);
}

std::string makeClaim(Rng& rng, const std::string& lob, uint64_t index) {
  Base b = makeBase(rng, lob, index);
  const int roll = rng.range(0, 99);
  if (roll < 45) {
    // approved as is
  } else if (roll < 50) {
    if (lob == "commercial") notDiscounted(b, rng);  // approved with an adjustment
  } else if (lob == "commercial") {
    applyOne(kCommercialFailures, b, rng);
  } else if (lob == "medicare_part_b") {
    applyOne(kPartBFailures, b, rng);
  } else {
    applyOne(kAdvantageFailures, b, rng);
  }
  return toJson(b.claim);
}

int usage(const char* message) {
  std::fprintf(stderr,
               "ppl_bench_generate: %s\nusage: ppl_bench_generate [--count N] [--seed S] "
               "[--lob all|commercial|medicare_part_b|medicare_advantage]\n",
               message);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long long count = 10000;
  unsigned long long seed = 1;
  std::string lob = "all";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if ((arg == "--count" || arg == "--seed" || arg == "--lob") && value == nullptr) return usage("missing value");
    if (arg == "--count") {
      count = std::strtoull(value, nullptr, 10), ++i;
    } else if (arg == "--seed") {
      seed = std::strtoull(value, nullptr, 10), ++i;
    } else if (arg == "--lob") {
      lob = value, ++i;
      if (lob != "all" && lob != kLobs[0] && lob != kLobs[1] && lob != kLobs[2]) return usage("unknown --lob");
    } else {
      return usage(("unknown argument " + arg).c_str());
    }
  }
  Rng rng(seed);
  std::string out;
  for (unsigned long long i = 0; i < count; ++i) {
    const std::string claimLob = lob == "all" ? kLobs[i % 3] : lob;
    out += makeClaim(rng, claimLob, i + 1);
    out += '\n';
    if (out.size() >= (1u << 20)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
