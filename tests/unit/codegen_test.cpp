// Code generation's choices (compiler/codegen.cpp), one policy each: what a rule compiles to
// where a choice fires and where it must not, and that the VM decides as the reference
// evaluator does on claims that take each way through the rule.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>

#include "bytecode/verifier.h"
#include "compiler/checked.h"
#include "compiler/compiler.h"
#include "compiler/reference_evaluator.h"
#include "vm/claim_loader.h"
#include "vm/decision_json.h"
#include "vm/vm.h"

namespace fs = std::filesystem;
using namespace ppl;

namespace {

struct Built {
  bool ok = false;
  std::string diagnostics;
  CheckedProgram checked;
  Program program;
};

const char* kHeader =
    "policy p version \"1\"\n"
    "  line of business \"commercial\"\n"
    "  governs lines where line.hcpcs = \"J9027\"\n"
    "  effective from 2020-01-01\n"
    "define dos = line.service_date\n";

// Compiles the policy `body` (after kHeader, with the policy effective from `from`) from a fresh
// directory.
Built build(const std::string& body, const std::string& from = "2020-01-01") {
  static int counter = 0;
  const fs::path dir =
      fs::temp_directory_path() / ("ppl-codegen-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::create_directories(dir);
  std::string header = kHeader;
  header.replace(header.find("2020-01-01"), 10, from);
  std::ofstream(dir / "p.ppl") << header << body;
  Built b;
  SourceManager sources;
  Diagnostics diags;
  b.ok = compileChecked({(dir / "p.ppl").string()}, b.checked, diags, sources) &&
         generateLinked(b.checked, sources, b.program, diags);
  b.diagnostics = renderDiagnostics(diags, sources);
  fs::remove_all(dir);
  return b;
}

// The opcodes of chunk `name`, extension words left out.
std::vector<std::string> opsOf(const Program& program, const std::string& name) {
  std::vector<std::string> ops;
  for (const Chunk& chunk : program.chunks) {
    if (chunk.name != name) continue;
    for (const Instr& ins : chunk.code) {
      if (ins.op != Opcode::EXT) ops.emplace_back(opcodeName(ins.op));
    }
  }
  return ops;
}

size_t count(const std::vector<std::string>& ops, const std::string& op) {
  return static_cast<size_t>(std::count(ops.begin(), ops.end(), op));
}

// A commercial claim: one J9027 line on `dos` with `modifiers` (a JSON array), what `extra`
// adds to the claim (JSON members, each with a trailing comma) and `line` to the line (each
// with a leading comma).
std::string claim(const std::string& dos, const std::string& modifiers = "[]", const std::string& extra = "",
                  const std::string& line = "") {
  return fmt::format(R"({{
  "claim_id": "C-1", "claim_type": "professional", {extra}
  "payer": {{"line_of_business": "commercial", "plan_id": "P"}},
  "patient": {{"member_id": "M", "birth_date": "1951-03-02", "sex": "M", "height_cm": 178, "weight_kg": 82.5}},
  "provider": {{"npi": "1234567893", "is_340b_covered_entity": false}},
  "place_of_service": "11",
  "diagnoses": ["C61"],
  "lines": [{{"line_number": 1, "hcpcs": "J9027", "modifiers": {modifiers}, "units": 40,
              "service_date": "{dos}", "charge": 10.0 {line}}}]
}})",
                     fmt::arg("dos", dos), fmt::arg("modifiers", modifiers), fmt::arg("extra", extra),
                     fmt::arg("line", line));
}

// The claim's `authorizations` member (with its trailing comma, for claim()'s `extra`): one J9027
// authorization valid through 2026 for 100 units a (status, units used) pair.
std::string authorizations(const std::vector<std::pair<const char*, int>>& list) {
  std::string out = "\"authorizations\": [";
  for (size_t i = 0; i < list.size(); ++i) {
    out += fmt::format(R"({}{{"number": "A{}", "status": "{}", "hcpcs": ["J9027"], "valid_from": "2026-01-01",
        "valid_through": "2026-12-31", "units_approved": 100, "units_used": {}}})",
                       i ? ", " : "", i, list[i].first, list[i].second);
  }
  return out + "],";
}

// Decides `json` with the VM and the reference evaluator: the decision JSON both give (equal,
// or the test fails), or "error" when both fail.
std::string decideBoth(const Built& b, const std::string& json) {
  ClaimLoader loader(b.program.schema);
  Facts facts;
  ClaimError claimError;
  INFO(claimError.message);
  REQUIRE(loader.load(json, facts, claimError));
  Evaluator vm(b.program);
  ReferenceEvaluator ref(b.checked);
  Decision byVm, byRef;
  EvalError vmError;
  std::string refError;
  const bool vmOk = vm.decide(facts, byVm, vmError);
  const bool refOk = ref.decide(facts, byRef, refError);
  INFO(vmError.message << " / " << refError);
  REQUIRE(vmOk == refOk);
  if (!vmOk) return "error";
  std::string a, r;
  writeDecisionJson(b.program, facts, byVm, true, a);
  writeDecisionJson(b.program, facts, byRef, true, r);
  CHECK(a == r);
  return a;
}

bool mentions(const std::string& decision, const std::string& text) { return decision.find(text) != std::string::npos; }

}  // namespace

TEST_CASE("codegen: a condition on a boolean constant or parameter is decided when compiling", "[codegen]") {
  const Built b = build(
      "const strict = true\n"
      "const lax = false\n"
      "define group = if strict and \"GA\" in line.modifiers then PR else CO\n"
      "rule K \"known\"\n"
      "  only when strict\n"
      "  require \"GZ\" not in line.modifiers\n"
      "    else deny group 50\n"
      "  deny CO 4 when lax and \"JW\" in line.modifiers\n"
      "  deny CO 5 when lax or \"JG\" in line.modifiers\n"
      // Not known: the left side is evaluated first, whatever the right side is.
      "rule U \"unknown\"\n"
      "  require line.units > 0 and strict else deny CO 6\n"
      "  deny CO 7 when \"JB\" in line.modifiers or lax\n");
  INFO(b.diagnostics);
  REQUIRE(b.ok);
  for (const Constant& k : b.program.constants) CHECK(k.kind != ValueKind::kBool);  // none loaded
  const std::vector<std::string> k = opsOf(b.program, "rule K");
  CHECK(count(k, "JMPIFNOT") + count(k, "JMPIF") == 0);
  CHECK(count(k, "SKIP") == 0);  // `only when strict` always holds
  CHECK(count(k, "FAIL") == 2);  // `lax and ...` never fails: no code
  const std::vector<std::string> u = opsOf(b.program, "rule U");
  CHECK(count(u, "LTD") == 1);  // line.units > 0 is still tested
  CHECK(count(u, "JFCONTAINSK") == 1);
  CHECK(count(u, "FAIL") == 2);

  CHECK(mentions(decideBoth(b, claim("2026-10-05")), "\"approve\""));
  CHECK(mentions(decideBoth(b, claim("2026-10-05", R"(["GZ", "GA"])")), "\"PR\""));
  CHECK(mentions(decideBoth(b, claim("2026-10-05", R"(["GZ"])")), "\"CO\""));
  CHECK(mentions(decideBoth(b, claim("2026-10-05", R"(["JW", "JG"])")), "\"5\""));
  CHECK(mentions(decideBoth(b, claim("2026-10-05", R"(["JB"])")), "\"7\""));
}

TEST_CASE("codegen: a path a rule reads twice is loaded once only where that saves instructions", "[codegen]") {
  const Built b = build(
      // Field tests read line.ndc straight from the line: loading it first would add one.
      "rule N \"ndc\"\n"
      "  require line.ndc is present and line.ndc = \"00024582411\" else deny CO 16\n"
      // The channel is tested by field tests of line.drug, which is loaded once.
      "rule C \"channel\"\n"
      "  pend CO 16 when line.drug.acquisition_channel is absent\n"
      "  deny CO 96 when line.drug.acquisition_channel in {\"brown_bag\"} and not line.drug.discounted\n"
      // Compared as decimals, line.units is read into a register each time: loaded once.
      "rule U \"units\"\n"
      "  require line.units > 1 and line.units < 100 else deny CO 151\n");
  INFO(b.diagnostics);
  REQUIRE(b.ok);
  // Every rule chunk starts by loading the line's date (one LINEFIELD each, not counted below).
  const std::vector<std::string> n = opsOf(b.program, "rule N");
  CHECK(count(n, "LINEFIELD") == 1);
  CHECK(count(n, "JFPRESENT") == 1);
  CHECK(count(n, "JFEQSK") == 1);
  const std::vector<std::string> c = opsOf(b.program, "rule C");
  CHECK(count(c, "LINEFIELD") == 2);  // and line.drug
  CHECK(count(c, "JFPRESENT") == 1);
  CHECK(count(c, "JFINSET") == 1);
  const std::vector<std::string> u = opsOf(b.program, "rule U");
  CHECK(count(u, "LINEFIELD") == 2);  // and line.units

  const std::string dos = "2026-10-05";
  auto line = [&](const std::string& members) { return claim(dos, "[]", "", members); };
  CHECK(mentions(decideBoth(b, line("")), "\"16\""));
  CHECK(mentions(decideBoth(b, line(R"(, "ndc": "00024582411", "drug": {"acquisition_channel": "brown_bag"})")), "\"96\""));
  CHECK(mentions(decideBoth(b, line(R"(, "ndc": "00024582411", "drug": {"acquisition_channel": "brown_bag", "discounted": true})")),
                 "\"approve\""));
  CHECK(mentions(decideBoth(b, line(R"(, "ndc": "12345678901", "drug": {"acquisition_channel": "buy_and_bill"})")), "\"16\""));
}

TEST_CASE("codegen: an inner loop over a claim list starts from the field in the loop", "[codegen]") {
  // PA-UNITS' shape: the inner list was loaded before the outer loop, and the register it held
  // was reused for a message argument, so the fusion pass could not start the loop from it.
  const Built b = build(
      "rule P \"units left\"\n"
      "  require any a in authorizations\n"
      "      where a.units_used + (sum l.units for l in lines where l.service_date = dos) <= a.units_approved\n"
      "    else deny CO 198 \"{dos}\"\n");
  INFO(b.diagnostics);
  REQUIRE(b.ok);
  const std::vector<std::string> p = opsOf(b.program, "rule P");
  CHECK(count(p, "ROOTFIELD") == 0);
  CHECK(count(p, "ITERINIT") == 0);
  CHECK(count(p, "ITERROOTFIELD") == 2);

  const std::string auth = authorizations({{"approved", 50}});
  CHECK(mentions(decideBoth(b, claim("2026-10-05", "[]", auth)), "\"approve\""));
  CHECK(mentions(decideBoth(b, claim("2026-10-05", "[]", "")), "\"198\""));
  const std::string used = authorizations({{"approved", 70}});
  CHECK(mentions(decideBoth(b, claim("2026-10-05", "[]", used)), "\"198\""));
}

TEST_CASE("codegen: a define a clause evaluates first and a later clause reads is evaluated once", "[codegen]") {
  const Built b = build(
      "define waste_today = any l in lines where \"JW\" in l.modifiers and l.service_date = dos\n"
      "rule S \"split\"\n"
      "  deny CO 16 when not waste_today and \"JZ\" not in line.modifiers\n"
      "  let units = line.units\n"
      "  deny CO 4 when waste_today and \"JZ\" in line.modifiers \"{units}\"\n"
      "  deny CO 5 when \"JG\" in line.modifiers\n"
      // Not evaluated first in the first clause, nor read after the second: no split.
      "rule N \"no split\"\n"
      "  deny CO 16 when \"JZ\" not in line.modifiers and not waste_today\n"
      "  deny CO 4 when waste_today and \"JZ\" in line.modifiers\n");
  INFO(b.diagnostics);
  REQUIRE(b.ok);
  const std::vector<std::string> s = opsOf(b.program, "rule S");
  CHECK(count(s, "ITERROOTFIELD") == 1);
  CHECK(count(s, "FAIL") == 4);  // CO 16 and CO 5 knowing waste_today false, CO 4 and CO 5 true
  const std::vector<std::string> n = opsOf(b.program, "rule N");
  CHECK(count(n, "ITERROOTFIELD") == 2);

  const std::string dos = "2026-10-05";
  auto waste = [&](const std::string& date) {
    return fmt::format(R"(}}, {{"line_number": 2, "hcpcs": "J9027", "modifiers": ["JW"], "units": 5,
        "service_date": "{}", "charge": 1.0)",
                       date);
  };
  for (const char* mods : {"[]", R"(["JZ"])", R"(["JZ", "JG"])", R"(["JG"])"}) {
    for (const std::string& line : {std::string(), waste(dos), waste("2026-10-06")}) {
      INFO(mods << line);
      decideBoth(b, claim(dos, mods, "", line));
    }
  }
  CHECK(mentions(decideBoth(b, claim(dos, "[]", "", waste("2026-10-06"))), "\"16\""));
  CHECK(mentions(decideBoth(b, claim(dos, R"(["JZ"])", "", waste(dos))), "\"4\""));
  CHECK(mentions(decideBoth(b, claim(dos, R"(["JG"])", "", waste(dos))), "\"5\""));
}

// The review's find: split, a rule of 7,000 clauses passed the limit on a chunk's code that it
// kept alone. A rule whose clauses from the define on have more than kMaxSplitNodes nodes is
// not split.
TEST_CASE("codegen: a large rule is not split on a define", "[codegen]") {
  std::string many;
  for (int i = 0; i < 1000; ++i) many += fmt::format("  deny CO 4 when line.units = {}\n", 1000 + i);
  const Built b = build(
      "define waste_today = any l in lines where \"JW\" in l.modifiers and l.service_date = dos\n"
      "rule L \"large\"\n"
      "  deny CO 16 when not waste_today and \"JZ\" not in line.modifiers\n" +
      many + "  deny CO 5 when waste_today and \"JG\" in line.modifiers\n");
  INFO(b.diagnostics);
  REQUIRE(b.ok);
  const std::vector<std::string> l = opsOf(b.program, "rule L");
  CHECK(count(l, "ITERROOTFIELD") == 2);  // waste_today evaluated by both clauses: no split
  CHECK(count(l, "FAIL") == 1002);        // one copy of each clause
  CHECK(mentions(decideBoth(b, claim("2026-10-05", R"(["JZ"])")), "\"approve\""));
}

TEST_CASE("codegen: constants are compared and added where they stand, without a LOADK", "[codegen]") {
  const Built b = build(
      "rule U \"units\"\n"
      "  require line.units <= 40 else deny CO 151\n"
      "rule V \"fewer units\"\n"
      "  require line.units < 40 or \"GZ\" in line.modifiers else deny CO 152\n"
      "rule D \"dates\"\n"
      "  require line.service_date >= 2026-01-01 and dos - 18 days < 2026-10-01 else deny CO 4\n");
  INFO(b.diagnostics);
  REQUIRE(b.ok);
  for (const char* rule : {"rule U", "rule V", "rule D"}) {
    CHECK(count(opsOf(b.program, rule), "LOADK") == 0);
  }
  CHECK(count(opsOf(b.program, "rule U"), "JLED") == 1);
  CHECK(count(opsOf(b.program, "rule D"), "SUBDAYS") == 1);
  const std::string gz = R"(["GZ"])";
  CHECK(mentions(decideBoth(b, claim("2026-10-05")), "\"152\""));  // 40 units, not fewer
  CHECK(mentions(decideBoth(b, claim("2026-10-05", gz)), "\"approve\""));
  CHECK(mentions(decideBoth(b, claim("2025-12-31", gz)), "\"4\""));
  CHECK(mentions(decideBoth(b, claim("2026-10-19", gz)), "\"4\""));
  CHECK(mentions(decideBoth(b, claim("2026-10-18", gz)), "\"approve\""));
}

TEST_CASE("codegen: every rule chunk loads the line's date into R1 first and reads it there", "[codegen]") {
  const Built b = build(
      "rule A \"from\"\n"
      "  require dos >= 2026-10-01 else deny CO 4\n"
      "rule X \"no date\"\n"
      "  require \"C61\" in diagnoses else deny CO 50\n"
      "rule Z \"through\"\n"
      "  require dos < 2026-10-10 and not (any a in history.administrations where a.date = dos) else deny CO 5\n");
  INFO(b.diagnostics);
  REQUIRE(b.ok);
  for (const char* name : {"rule A", "rule X", "rule Z"}) {
    INFO(name);
    for (const Chunk& chunk : b.program.chunks) {
      if (chunk.name != name) continue;
      REQUIRE(chunk.code.size() > 2);
      CHECK(chunk.code[0].op == Opcode::LINE);
      CHECK(chunk.code[1].op == Opcode::LINEFIELD);
      CHECK(chunk.code[1].a == 1);
      CHECK(chunk.code[1].c == b.program.schema.records[b.program.layout.lineRecord].fields[b.checked.serviceDateField].slot);
      // No other read of the date outside a message: the rest reads R1.
      size_t reads = 0;
      for (size_t pc = 2; pc < chunk.code.size(); ++pc) {
        reads += chunk.code[pc].op == Opcode::LINEFIELD && chunk.code[pc].c == chunk.code[1].c;
      }
      CHECK(reads == 0);
    }
  }
  // Two lines on different days, each rule run on both: a rule that started after the first
  // rule's load must still see its own line's date.
  auto second = [](const std::string& date) {
    return fmt::format(R"(}}, {{"line_number": 2, "hcpcs": "J9027", "modifiers": [], "units": 5,
        "service_date": "{}", "charge": 1.0)",
                       date);
  };
  const std::string history = R"("history": {"administrations": [{"hcpcs": "J9027", "date": "2026-10-06", "units": 40}],
      "therapies": [], "medications": [], "evidence": []},)";
  for (const char* first : {"2026-09-30", "2026-10-05", "2026-10-06", "2026-10-12"}) {
    for (const char* other : {"2026-09-30", "2026-10-05", "2026-10-06", "2026-10-12"}) {
      INFO(first << " and " << other);
      decideBoth(b, claim(first, "[]", history, second(other)));
    }
  }
  CHECK(mentions(decideBoth(b, claim("2026-10-05", "[]", history, second("2026-10-12"))), "\"5\""));
  CHECK(mentions(decideBoth(b, claim("2026-10-05", "[]", history, second("2026-09-30"))), "\"4\""));
}

TEST_CASE("codegen: loops over lists of the claim's history start from the claim, and the verifier checks them",
          "[codegen]") {
  Built b = build(
      "rule S \"step\"\n"
      "  require (any t in history.therapies where t.drug = \"docetaxel\" and t.start < dos)\n"
      "       or (any a in history.administrations where a.hcpcs = \"J9171\" and a.date < dos) else deny CO 50\n");
  INFO(b.diagnostics);
  REQUIRE(b.ok);
  const std::vector<std::string> s = opsOf(b.program, "rule S");
  CHECK(count(s, "ITERROOTPATH") == 2);
  CHECK(count(s, "ROOTFIELD") == 0);  // history, read for both loops: no longer
  auto history = [](const std::string& therapies, const std::string& administrations) {
    return fmt::format(R"("history": {{"therapies": [{}], "administrations": [{}], "medications": [], "evidence": []}},)",
                       therapies, administrations);
  };
  const std::string docetaxel = R"({"drug": "docetaxel", "start": "2025-01-02", "outcome": "progression"})";
  const std::string j9171 = R"({"hcpcs": "J9171", "date": "2025-01-02", "units": 1})";
  CHECK(mentions(decideBoth(b, claim("2026-10-05", "[]", history(docetaxel, ""))), "\"approve\""));
  CHECK(mentions(decideBoth(b, claim("2026-10-05", "[]", history("", j9171))), "\"approve\""));
  CHECK(mentions(decideBoth(b, claim("2026-10-05", "[]", history("", ""))), "\"50\""));
  CHECK(mentions(decideBoth(b, claim("2026-10-05")), "\"50\""));  // no history: its default, empty

  // The verifier's refusals: b must be a field of the claim holding a record of type d, and c a
  // list of that record.
  Instr* path = nullptr;
  for (Chunk& chunk : b.program.chunks) {
    for (Instr& ins : chunk.code) {
      if (chunk.name == "rule S" && ins.op == Opcode::ITERROOTPATH && !path) path = &ins;
    }
  }
  REQUIRE(path != nullptr);
  const Instr good = *path;
  const SchemaRecord& claimRecord = b.program.schema.records[b.program.schema.root];
  const SchemaRecord& historyRecord = b.program.schema.records[good.d];
  auto slotOf = [](const SchemaRecord& record, const char* name) {
    return static_cast<uint16_t>(record.fields[static_cast<size_t>(record.findField(name))].slot);
  };
  auto refusal = [&](const Instr& changed) {
    *path = changed;
    std::string error;
    const bool ok = verifyProgram(b.program, error);
    *path = good;
    return ok ? std::string("accepted") : error;
  };
  Instr diagnoses = good;
  diagnoses.b = slotOf(claimRecord, "diagnoses");
  CHECK(refusal(diagnoses).find("(ITERROOTPATH): field `Claim.diagnoses` holds a list of string, but ITERROOTPATH reads "
                                "a `History` record there") != std::string::npos);
  Instr outside = good;
  outside.b = static_cast<uint16_t>(claimRecord.slotCount());
  CHECK(refusal(outside).find(fmt::format("(ITERROOTPATH): slot S{} is not a field of record `Claim`", outside.b)) !=
        std::string::npos);
  CHECK(historyRecord.name == "History");
  Instr notList = good;  // claim.payer.line_of_business
  notList.b = slotOf(claimRecord, "payer");
  notList.d = static_cast<uint16_t>(claimRecord.fields[static_cast<size_t>(claimRecord.findField("payer"))].type.record);
  notList.c = slotOf(b.program.schema.records[notList.d], "line_of_business");
  CHECK(refusal(notList).find("(ITERROOTPATH): field `Payer.line_of_business` holds a string, but ITERROOTPATH "
                              "needs a list") != std::string::npos);
  std::string error;
  CHECK(verifyProgram(b.program, error));
}

TEST_CASE("codegen: the line's date less a duration is computed once a loop only where it cannot fail", "[codegen]") {
  const std::string rules =
      "rule F \"frequency\"\n"
      "  require not (any a in history.administrations where a.date <= dos and dos - a.date < 18 days)\n"
      "    else deny CO 151\n"
      "rule E \"evidence\"\n"
      "  require any e in history.evidence where e.date within 90 days before dos\n"
      "    else pend CO 252\n";
  const Built b = build(rules);  // effective from 2020-01-01: dos - 90 days is a date
  INFO(b.diagnostics);
  REQUIRE(b.ok);
  const std::vector<std::string> f = opsOf(b.program, "rule F");
  CHECK(count(f, "SUBDAYS") == 1);
  CHECK(count(f, "DIFFDAYS") == 0);
  CHECK(count(f, "JFLEI") == 2);  // a.date <= dos, and dos - 18 days < a.date
  const std::vector<std::string> e = opsOf(b.program, "rule E");
  CHECK(count(e, "SUBDAYS") == 1);
  CHECK(e.size() > 4);
  CHECK(e[2] == "SUBDAYS");  // before the loop: LINE, LINEFIELD, SUBDAYS of the constant 90 days

  const std::string dos = "2026-10-05";
  auto history = [](const std::string& administered, const std::string& evidence) {
    return fmt::format(R"("history": {{"administrations": [{{"hcpcs": "J9027", "date": "{}", "units": 40}}],
        "therapies": [], "medications": [], "evidence": [{{"kind": "psa", "date": "{}", "finding": "response"}}]}},)",
                       administered, evidence);
  };
  for (const char* administered : {"2026-09-17", "2026-09-18", "2026-10-05", "2026-10-06"}) {
    for (const char* evidence : {"2026-07-06", "2026-07-07", "2026-10-05", "2026-10-06"}) {
      INFO(administered << " " << evidence);
      decideBoth(b, claim(dos, "[]", history(administered, evidence)));
    }
  }
  CHECK(mentions(decideBoth(b, claim(dos, "[]", history("2026-09-18", "2026-07-06"))), "\"151\""));
  CHECK(mentions(decideBoth(b, claim(dos, "[]", history("2026-09-17", "2026-07-07"))), "\"approve\""));

  // Near 0001-01-01 `dos - 90 days` overflows: computed before the loop it would fail on a
  // claim without evidence, where the rule never computes it. Not hoisted, so that claim is
  // decided, and one with evidence fails in the loop, as the reference evaluator does.
  const Built early = build(rules, "0001-01-10");
  INFO(early.diagnostics);
  REQUIRE(early.ok);
  CHECK(count(opsOf(early.program, "rule F"), "DIFFDAYS") == 1);
  const std::vector<std::string> e1 = opsOf(early.program, "rule E");
  CHECK(std::find(e1.begin(), e1.end(), "SUBDAYS") > std::find(e1.begin(), e1.end(), "ITERNEXT"));
  const std::string none = R"("history": {"administrations": [], "therapies": [], "medications": [], "evidence": []},)";
  CHECK(mentions(decideBoth(early, claim("0001-02-01", "[]", none)), "\"252\""));
  CHECK(decideBoth(early, claim("0001-02-01", "[]", history("0001-01-20", "0001-01-20"))) == "error");
  CHECK(mentions(decideBoth(early, claim("0001-05-01", "[]", history("0001-04-20", "0001-04-20"))), "\"151\""));
  // A date out of 0001..9999 is an error to both engines, as a value too.
  const Built shift = build("rule D \"day\"\n  require dos - 100 days < dos else deny CO 1\n", "0001-01-10");
  REQUIRE(shift.ok);
  CHECK(decideBoth(shift, claim("0001-02-01")) == "error");
  CHECK(mentions(decideBoth(shift, claim("0001-05-01")), "\"approve\""));
}

TEST_CASE("codegen: a fused only-when notes C only for elements that fail D", "[codegen]") {
  const Built b = build(
      "rule P \"units left\"\n"
      "  only when any a in authorizations where a.status = \"approved\"\n"
      "  require any a in authorizations where a.status = \"approved\" and a.units_used <= a.units_approved\n"
      "    else deny CO 198\n");
  INFO(b.diagnostics);
  REQUIRE(b.ok);
  const std::vector<std::string> p = opsOf(b.program, "rule P");
  REQUIRE(count(p, "ITERROOTFIELD") == 1);  // fused: one loop
  const auto test = std::find(p.begin(), p.end(), "JLED");
  REQUIRE(test != p.end());
  CHECK(*(test + 1) == "LOADBOOL");  // the flag set after D failed, not before D

  const std::string dos = "2026-10-05";
  CHECK(mentions(decideBoth(b, claim(dos, "[]", authorizations({}))), "\"approve\""));  // skipped
  CHECK(mentions(decideBoth(b, claim(dos, "[]", authorizations({{"pending", 0}}))), "\"approve\""));
  CHECK(mentions(decideBoth(b, claim(dos, "[]", authorizations({{"approved", 100}}))), "\"approve\""));
  CHECK(mentions(decideBoth(b, claim(dos, "[]", authorizations({{"approved", 101}}))), "\"198\""));
  CHECK(mentions(decideBoth(b, claim(dos, "[]", authorizations({{"approved", 101}, {"pending", 0}}))), "\"198\""));
  CHECK(mentions(decideBoth(b, claim(dos, "[]", authorizations({{"approved", 101}, {"approved", 5}}))), "\"approve\""));
  CHECK(mentions(decideBoth(b, claim(dos, "[]", authorizations({{"pending", 0}, {"approved", 101}}))), "\"198\""));
}

// The review's find: with C known when compiling (`true`, a boolean constant), `C and D`
// compiled as D alone never set the flag, and a rule that must fail skipped.
TEST_CASE("codegen: a fused only-when whose C or D is known when compiling still notes C", "[codegen]") {
  const std::string units = authorizations({{"approved", 120}});
  const std::string dos = "2026-10-05";
  for (const char* c : {"true", "lenient", "lenient and true"}) {
    for (const char* d : {"a.units_used < 100", "false", "not lenient"}) {
      const Built b = build(fmt::format(
          "const lenient = true\n"
          "rule P \"units left\"\n"
          "  only when any a in authorizations where {c}\n"
          "  require any a in authorizations where {c} and {d}\n"
          "    else deny CO 198\n",
          fmt::arg("c", c), fmt::arg("d", d)));
      INFO(c << " / " << d << "\n" << b.diagnostics);
      REQUIRE(b.ok);
      CHECK(mentions(decideBoth(b, claim(dos, "[]", units)), "\"198\""));  // one element meets C, none D
      CHECK(mentions(decideBoth(b, claim(dos, "[]", authorizations({}))), "\"approve\""));  // skipped
    }
  }
}

TEST_CASE("codegen: a shifted date a rule reads twice is loaded once with what it is computed from", "[codegen]") {
  // ppl_policy_seeds 1849: the rule-level load kept `dos - 0 days` and dropped `dos`, which it
  // is computed from (map::at in codegen).
  const Built b = build(
      "define first = (min l.line_number for l in lines where 2026-06-01 within 0 days before dos) ?? 3600\n"
      "rule R \"twice\"\n"
      "  pend CO 197 when first = first + 1 or first = 2\n");
  INFO(b.diagnostics);
  REQUIRE(b.ok);
  CHECK(mentions(decideBoth(b, claim("2026-06-01")), "\"approve\""));
  CHECK(mentions(decideBoth(b, claim("2026-06-02")), "\"approve\""));
}
