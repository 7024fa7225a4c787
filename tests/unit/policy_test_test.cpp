// `pplc test`'s case model (cli/policy_test.h): JSON-pointer edits of a claim, the checks of a
// test file with the JSON path of each problem, and matching a decision against expectations.
#include "cli/policy_test.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "compiler/compiler.h"

using ppl::cli::Mismatch;
using ppl::cli::TestCase;
using ppl::cli::TestFile;
using ppl::cli::TestJson;
using ppl::cli::TestProblem;

namespace {

TestJson claim() {
  return TestJson::parse(R"({"a": {"b": 1, "c/d": 2, "e~f": 3}, "lines": [{"n": 1}, {"n": 2}]})");
}

std::string setError(TestJson& doc, const std::string& pointer, const TestJson& value) {
  std::string error;
  if (ppl::cli::setPointer(doc, pointer, value, error)) return "";
  return error;
}

std::string removeError(TestJson& doc, const std::string& pointer) {
  std::string error;
  if (ppl::cli::removePointer(doc, pointer, error)) return "";
  return error;
}

// A schema for claim(): a record `a` with fields `b`, `c/d`, `e~f`, and `lines` of `{n}`.
ppl::Schema claimSchema() {
  using ppl::ValueKind;
  auto field = [](const char* name, ValueKind kind, uint32_t record = 0) {
    ppl::SchemaField f;
    f.name = name;
    f.type.kind = kind;
    f.type.record = record;
    return f;
  };
  ppl::Schema s;
  s.records.resize(3);
  s.records[0].name = "Claim";
  s.records[0].fields = {field("a", ValueKind::kRecord, 1), field("lines", ValueKind::kList, 2)};
  s.records[0].fields[1].type.elemKind = ValueKind::kRecord;
  s.records[1].name = "A";
  s.records[1].fields = {field("b", ValueKind::kInt), field("c/d", ValueKind::kInt), field("e~f", ValueKind::kInt)};
  s.records[2].name = "Item";
  s.records[2].fields = {field("n", ValueKind::kInt)};
  return s;
}

// The claim schema of stdlib/claim.ppl, as policies are compiled with it.
const ppl::Schema& builtinSchema() {
  static const ppl::Schema s = [] {
    ppl::Schema out;
    ppl::Diagnostics diags;
    ppl::SourceManager sources;
    REQUIRE(ppl::builtinSchema(out, diags, sources));
    return out;
  }();
  return s;
}

TestFile readFile(const std::string& text) {
  TestFile file;
  ppl::cli::readTestFile(text, file);
  return file;
}

// The single case of a file with `expect`, checked to be well formed.
TestCase caseExpecting(const std::string& expect) {
  TestFile file = readFile(R"({"base": {}, "cases": [{"name": "x", "expect": )" + expect + "}]}");
  REQUIRE(file.problems.empty());
  REQUIRE(file.cases.size() == 1);
  INFO((file.cases[0].problems.empty() ? "" : file.cases[0].problems[0].message));
  REQUIRE(file.cases[0].problems.empty());
  return file.cases[0];
}

const TestJson kDecision = TestJson::parse(R"({
  "claim_id": "C", "policy": "p@1", "decision": "deny",
  "lines": [
    {"line_number": 1, "hcpcs": "J9027", "decision": "deny",
     "reasons": [{"rule": "PA", "action": "deny", "group": "CO", "carc": "197", "rarc": ["M62"], "message": "no auth"},
                 {"rule": "C-DX", "action": "deny", "group": "CO", "carc": "50", "rarc": [], "message": "dx"}],
     "adjustments": []},
    {"line_number": 3, "hcpcs": "J9027", "decision": "approve", "reasons": [],
     "adjustments": [{"rule": "C-DISC", "group": "CO", "carc": "45", "percent": 12.5}]}
  ]})");

std::vector<Mismatch> compare(const TestCase& c) {
  std::vector<Mismatch> out;
  TestProblem problem;
  REQUIRE(ppl::cli::compareDecision(c, kDecision, nullptr, out, problem));
  return out;
}

}  // namespace

TEST_CASE("policy test: set replaces, adds keys and appends", "[policy_test]") {
  TestJson doc = claim();
  CHECK(setError(doc, "/a/b", 5) == "");
  CHECK(doc["a"]["b"] == 5);
  CHECK(setError(doc, "/a/new", "x") == "");
  CHECK(doc["a"]["new"] == "x");
  CHECK(setError(doc, "/a/c~1d", 7) == "");
  CHECK(doc["a"]["c/d"] == 7);
  CHECK(setError(doc, "/a/e~0f", 8) == "");
  CHECK(doc["a"]["e~f"] == 8);
  CHECK(setError(doc, "/lines/1/n", 9) == "");
  CHECK(doc["lines"][1]["n"] == 9);
  CHECK(setError(doc, "/lines/-", TestJson::parse(R"({"n": 3})")) == "");
  CHECK(doc["lines"].size() == 3);
  CHECK(doc["lines"][2]["n"] == 3);
  CHECK(setError(doc, "/lines/0", TestJson::parse(R"({"n": 0})")) == "");
  CHECK(doc["lines"][0]["n"] == 0);
  CHECK(setError(doc, "", TestJson::object()) == "");
  CHECK(doc == TestJson::object());
}

TEST_CASE("policy test: set keeps the order of new keys", "[policy_test]") {
  TestJson doc = TestJson::object();
  CHECK(setError(doc, "/z", 1) == "");
  CHECK(setError(doc, "/a", 2) == "");
  CHECK(doc.dump() == R"({"z":1,"a":2})");
}

TEST_CASE("policy test: set refuses what has no parent", "[policy_test]") {
  TestJson doc = claim();
  CHECK(setError(doc, "/x/y", 1) == "`/x/y`: nothing at `/x`");
  CHECK(setError(doc, "/lines/2", 1) == "`/lines/2`: nothing at `/lines/2` (the list has 2 elements; `-` appends)");
  CHECK(setError(doc, "/lines/5/n", 1) == "`/lines/5/n`: nothing at `/lines/5` (the list has 2 elements)");
  CHECK(setError(doc, "/lines/01/n", 1) == "`/lines/01/n`: nothing at `/lines/01` (the list has 2 elements)");
  CHECK(setError(doc, "/a/b/c", 1) == "`/a/b/c`: `/a/b` is a number, not an object or a list");
  CHECK(setError(doc, "a/b", 1) == "`a/b` is not a JSON pointer: it must start with `/`");
  CHECK(setError(doc, "/a~2", 1) == "`/a~2` is not a JSON pointer: `~` must be followed by 0 or 1");
  CHECK(doc == claim());
}

TEST_CASE("policy test: remove deletes members and elements", "[policy_test]") {
  TestJson doc = claim();
  CHECK(removeError(doc, "/a/b") == "");
  CHECK_FALSE(doc["a"].contains("b"));
  CHECK(removeError(doc, "/lines/0") == "");
  CHECK(doc["lines"].size() == 1);
  CHECK(doc["lines"][0]["n"] == 2);
  CHECK(removeError(doc, "/a/b") == "`/a/b`: nothing to remove");
  CHECK(removeError(doc, "/lines/1") == "`/lines/1`: nothing to remove (the list has 1 elements)");
  CHECK(removeError(doc, "/lines/-") == "`/lines/-`: nothing to remove (the list has 1 elements)");
  CHECK(removeError(doc, "") == "cannot remove the whole claim");
}

TEST_CASE("policy test: edits apply set then remove, in order", "[policy_test]") {
  TestFile file = readFile(R"({"base": {}, "cases": [{"name": "x",
      "set": {"/lines/-": {"n": 3}, "/lines/2/n": 4},
      "remove": ["/lines/0", "/a"],
      "expect": {"decision": "deny"}}]})");
  REQUIRE(file.problems.empty());
  REQUIRE(file.cases.at(0).problems.empty());
  TestJson doc = claim();
  TestProblem problem;
  REQUIRE(ppl::cli::applyEdits(file.cases[0], claimSchema(), doc, problem));
  CHECK(doc.dump() == R"({"lines":[{"n":2},{"n":4}]})");

  TestJson other = TestJson::parse(R"({"lines": []})");
  CHECK_FALSE(ppl::cli::applyEdits(file.cases[0], claimSchema(), other, problem));
  CHECK(problem.path == "/cases/0/set");
  CHECK(problem.message == "`/lines/2/n`: nothing at `/lines/2` (the list has 1 elements)");
}

TEST_CASE("policy test: set refuses a field the claim schema lacks", "[policy_test]") {
  // The message of the first edit of a case setting `set`, applied to `base`; "" when applied.
  auto setProblem = [](const std::string& set, const std::string& base) {
    TestFile file = readFile(R"({"base": {}, "cases": [{"name": "x", "set": )" + set +
                             R"(, "expect": {"decision": "deny"}}]})");
    REQUIRE(file.problems.empty());
    REQUIRE(file.cases.at(0).problems.empty());
    TestJson doc = TestJson::parse(base);
    const TestJson before = doc;
    TestProblem problem;
    if (ppl::cli::applyEdits(file.cases[0], builtinSchema(), doc, problem)) return std::string();
    CHECK(problem.path == "/cases/0/set");
    CHECK(doc == before);  // refused before anything is added
    return problem.message;
  };
  const std::string base = R"({"lines": [{"units": 1}], "authorizations": [{"number": "A1"}], "payer": {}})";
  CHECK(setProblem(R"({"/lines/0/unit": 160})", base) ==
        "`/lines/0/unit`: a Line has no field `unit`; did you mean `units`?");
  CHECK(setProblem(R"({"/authorizations/0/valid_thru": "2026-10-05"})", base) ==
        "`/authorizations/0/valid_thru`: an Authorization has no field `valid_thru`; did you mean `valid_through`?");
  CHECK(setProblem(R"({"/authorization/0/valid_through": "2026-10-05"})", base) ==
        "`/authorization/0/valid_through`: a Claim has no field `authorization`; did you mean `authorizations`?");
  CHECK(setProblem(R"({"/payer/plan": "x"})", base) == "`/payer/plan`: a Payer has no field `plan`");
  CHECK(setProblem(R"({"/lines/-/drug/lot_numbr": "x"})", base) ==
        "`/lines/-/drug/lot_numbr`: a Drug has no field `lot_numbr`; did you mean `lot_number`?");
  // The keys of a value set are fields too, at any depth.
  CHECK(setProblem(R"({"/lines/-": {"line_number": 2, "hcpc": "J9027"}})", base) ==
        "`/lines/-`: a Line has no field `hcpc`; did you mean `hcpcs`?");
  CHECK(setProblem(R"({"/lines": [{"units": 2, "drug": {"discount": true}}]})", base) ==
        "`/lines`: a Drug has no field `discount`; did you mean `discounted`?");
  CHECK(setProblem(R"({"": {"claim_id": "C", "line": []}})", base) ==
        "a Claim has no field `line`; did you mean `lines`?");
  // Known fields pass, whether the base holds them or not; a scalar list's elements have no fields.
  CHECK(setProblem(R"({"/lines/0/units": 160, "/lines/0/ndc": "00024582411", "/diagnoses": ["C61"],
                       "/lines/-": {"line_number": 2, "modifiers": ["JZ"], "drug": {"discounted": true}},
                       "/payer/plan_id": "P"})",
                   base) == "");
  // What the schema cannot say is left to the edit: a missing element, a step into a value.
  CHECK(setProblem(R"({"/lines/5/units": 1})", base) == "`/lines/5/units`: nothing at `/lines/5` (the list has 1 elements)");
  CHECK(setProblem(R"({"/lines/0/units/x": 1})", base) == "`/lines/0/units/x`: `/lines/0/units` is a number, not an object or a list");
}

// Review 17a F1: a misspelt field of a claim is ignored by the loader; near a field, it is told.
TEST_CASE("policy test: a claim key a slip away from a field is found, a payer's own key is not", "[policy_test]") {
  const TestJson claim = TestJson::parse(R"({"claim_id": "C", "payer_notes": "x", "diagnosis": ["C61"],
      "patient": {"heigth_cm": 170}, "lines": [{"units": 1}, {"modifier": ["JZ"], "drug": {"discount": true}}]})");
  const std::vector<ppl::cli::FieldSlip> slips = ppl::cli::findFieldSlips(claim, builtinSchema());
  REQUIRE(slips.size() == 4);
  auto shown = [](const ppl::cli::FieldSlip& s) { return s.path + " " + s.record + " " + s.key + " " + s.meant; };
  CHECK(shown(slips[0]) == "/diagnosis a Claim diagnosis diagnoses");
  CHECK(shown(slips[1]) == "/patient/heigth_cm a Patient heigth_cm height_cm");
  CHECK(shown(slips[2]) == "/lines/1/modifier a Line modifier modifiers");
  CHECK(shown(slips[3]) == "/lines/1/drug/discount a Drug discount discounted");
  // Near a field the object also holds: a payer's own field (review17d F1).
  const TestJson own = TestJson::parse(R"({"claim_id": "C", "claim_no": "7", "patient": {"weight_kg": 80, "weight_lb": 176},
      "lines": [{"units": 1, "unit": "mg", "modifiers": [], "modifier_1": "JZ"}]})");
  CHECK(ppl::cli::findFieldSlips(own, builtinSchema()).empty());
}

TEST_CASE("policy test: file problems carry JSON paths", "[policy_test]") {
  TestFile syntax = readFile("{\"cases\": [}");
  REQUIRE(syntax.problems.size() == 1);
  CHECK(syntax.problems[0].path == "");
  CHECK(syntax.problems[0].message.rfind("not valid JSON: parse error at line 1, column 12", 0) == 0);

  TestFile top = readFile(R"({"cases": [], "polices": "x"})");
  REQUIRE(top.problems.size() == 2);
  CHECK(top.problems[1].path == "/cases");
  CHECK(top.problems[1].message == "no cases: a test file that tests nothing would always pass");
  CHECK(top.problems[0].path == "/polices");
  CHECK(top.problems[0].message == "unknown key `polices`; did you mean `policies`?");

  // A singular for a plural is suggested over a letter changed (`base`), and not reported missing too.
  TestFile singular = readFile(R"({"case": [], "polices": "x"})");
  REQUIRE(singular.problems.size() == 2);
  CHECK(singular.problems[0].path + ": " + singular.problems[0].message == "/case: unknown key `case`; did you mean `cases`?");
  CHECK(singular.problems[1].path == "/polices");
  TestFile misspeltCase = readFile(R"({"cases": [{"nme": "a", "claim": {}, "expct": {"decision": "deny"}}]})");
  REQUIRE(misspeltCase.cases.size() == 1);
  CHECK(misspeltCase.cases[0].problems.size() == 2);  // `nme` and `expct`, not `name` and `expect` missing too
  CHECK(misspeltCase.cases[0].problems.at(1).message == "unknown key `expct`; did you mean `expect`?");

  CHECK(readFile("[]").problems.at(0).message == "must be a JSON object, got a list");
  CHECK(readFile("{}").problems.at(0).message == "missing `cases`");

  TestFile file = readFile(R"({"cases": [
      {"name": "a", "claim": {}, "expect": {"decison": "deny"}},
      {"name": "a", "claim": {}, "expect": {"decision": "denied"}},
      {"claim": {}, "set": {"x": 1}, "remove": [3], "expect": {"decision": "deny", "lines": {"x": {}}}},
      {"name": "b", "expect": {"error": "bad", "lines": {}}},
      {"name": "c", "claim": {}, "expect": {"decision": "deny", "lines": {"1": {"reasons": [{"rule": 1, "rarc": "M1"}]}}}},
      {"name": "d", "claim": {}, "expect": {"decision": "deny", "lines": {"1": {
          "reasons": [{"rule": "PA", "rarcs": ["M62"], "xyz": 1}]}}}}
    ]})");
  REQUIRE(file.problems.empty());
  REQUIRE(file.cases.size() == 6);
  auto paths = [](const TestCase& c) {
    std::vector<std::string> out;
    for (const TestProblem& p : c.problems) out.push_back(p.path + ": " + p.message);
    return out;
  };
  // A misspelt key is not also reported missing.
  CHECK(paths(file.cases[0]) == std::vector<std::string>{
      "/cases/0/expect/decison: unknown key `decison`; did you mean `decision`?"});
  CHECK(paths(file.cases[1]) == std::vector<std::string>{
      "/cases/1/name: another case is named `a`; names must be unique",
      "/cases/1/expect/decision: unknown decision `denied`; expected approve, pend, deny or not_applicable"});
  CHECK(paths(file.cases[2]) == std::vector<std::string>{
      "/cases/2: missing `name`",
      "/cases/2/set: `x` is not a JSON pointer: it must start with `/`",
      "/cases/2/remove/0: must be a JSON pointer (a string), got a number",
      "/cases/2/expect/lines/x: `x` is not a line number"});
  CHECK(paths(file.cases[3]) == std::vector<std::string>{
      "/cases/3: no claim: give the case a `claim`, or the file a `base`",
      "/cases/3/expect/lines: `lines` cannot be expected of a claim refused as bad input"});
  CHECK(paths(file.cases[4]) == std::vector<std::string>{
      "/cases/4/expect/lines/1/reasons/0/rule: must be a string, got a number",
      "/cases/4/expect/lines/1/reasons/0/rarc: must be a list of codes, got a string"});
  // An unknown key is not type-checked too: `rarcs` is no string, but `rarc` takes a list.
  CHECK(paths(file.cases[5]) == std::vector<std::string>{
      "/cases/5/expect/lines/1/reasons/0/rarcs: unknown key `rarcs`; did you mean `rarc`?",
      "/cases/5/expect/lines/1/reasons/0/xyz: unknown key `xyz`; expected one of `rule`, `action`, `group`, `carc`, "
      "`rarc`, `message`"});
}

TEST_CASE("policy test: a case without a name is named by its index", "[policy_test]") {
  TestFile file = readFile(R"({"cases": [{"name": "a", "claim": {}, "expect": {"decision": "deny"}},
                                          {"claim": {}, "expect": {"decision": "deny"}}]})");
  REQUIRE(file.cases.size() == 2);
  CHECK(ppl::cli::caseName(file.cases[0]) == "a");
  CHECK(ppl::cli::caseName(file.cases[1]) == "#1");
}

TEST_CASE("policy test: a case filter selects names containing any text, case-sensitively", "[policy_test]") {
  ppl::cli::CaseFilter all;
  CHECK_FALSE(all.active());
  CHECK(all.selects("anything"));
  CHECK(all.unmatched().empty());

  ppl::cli::CaseFilter filter({"units", "C-DOSE", "[c-dose-at-55]", "nosuch"});
  CHECK(filter.active());
  CHECK(filter.unmatched() == std::vector<std::string>{"units", "C-DOSE", "[c-dose-at-55]", "nosuch"});
  CHECK(filter.selects("61 units"));
  CHECK_FALSE(filter.selects("the approve claim"));
  CHECK_FALSE(filter.selects("Units"));
  CHECK_FALSE(filter.selects("pend c-dose [c-dose-at-55-5]"));  // not `C-DOSE`, and `]` after `55` is part of the text
  CHECK(filter.unmatched() == std::vector<std::string>{"C-DOSE", "[c-dose-at-55]", "nosuch"});
  // A name containing several texts counts for each of them, not only the first.
  CHECK(filter.selects("55 units: approve C-DOSE [c-dose-at-55]"));
  CHECK(filter.unmatched() == std::vector<std::string>{"nosuch"});
}

TEST_CASE("policy test: a matching decision has no mismatches", "[policy_test]") {
  CHECK(compare(caseExpecting(R"({"decision": "deny", "policy": "p@1", "lines": {
      "1": {"decision": "deny", "reasons": ["PA", {"rule": "C-DX", "carc": "50", "rarc": []}], "adjustments": []},
      "3": {"decision": "approve", "reasons": [], "adjustments": [{"rule": "C-DISC", "percent": 12.5}]}}})"))
            .empty());
  CHECK(compare(caseExpecting(R"({"decision": "deny", "lines": {"1": {"reasons": [
      {"group": "CO", "rarc": ["M62"], "message": "no auth", "action": "deny"}, "C-DX"]}}})"))
            .empty());
}

TEST_CASE("policy test: mismatches name the field and show both sides", "[policy_test]") {
  std::vector<Mismatch> m = compare(caseExpecting(R"({"decision": "approve", "policy": null, "lines": {
      "1": {"decision": "approve", "reasons": ["PA"]},
      "3": {"adjustments": [{"rule": "C-DISC", "percent": 20}]}}})"));
  REQUIRE(m.size() == 5);
  CHECK((m[0].path == "decision" && m[0].expected == "approve" && m[0].actual == "deny"));
  CHECK((m[1].path == "policy" && m[1].expected == "null" && m[1].actual == "p@1"));
  CHECK((m[2].path == "lines.\"1\".decision" && m[2].actual == "deny"));
  CHECK((m[3].path == "lines.\"1\".reasons" && m[3].expected == R"(["PA"])" && m[3].actual == R"(["PA", "C-DX"])"));
  CHECK((m[4].path == "lines.\"3\".adjustments" && m[4].expected == R"([{"rule": "C-DISC", "percent": 20}])" &&
         m[4].actual == R"([{"rule": "C-DISC", "percent": 12.5}])"));

  // Objects are shown with the keys the expectation uses, in the decision's order.
  m = compare(caseExpecting(R"({"decision": "deny", "lines": {"1": {"reasons": [{"carc": "16"}, "C-DX"]}}})"));
  REQUIRE(m.size() == 1);
  CHECK(m[0].actual == R"([{"rule": "PA", "carc": "197"}, {"rule": "C-DX", "carc": "50"}])");
}

TEST_CASE("policy test: an expected rule the deciding policy lacks is noted", "[policy_test]") {
  ppl::cli::PolicyRules rules;
  rules.ids = {"PA", "C-DX", "C-DISC", "D-UNITS"};
  rules.elsewhere = {{"D-PA", "policy q@1 has one, from pa.ppl"}};
  TestCase c = caseExpecting(R"({"decision": "deny", "lines": {
      "1": {"reasons": ["P-A", {"rule": "C-DX"}, {"carc": "50"}, "P-A", "D-PA", "X-Y"]},
      "3": {"adjustments": ["C-DISC", {"rule": "C-DSC"}]}}})");
  std::vector<Mismatch> out;
  TestProblem problem;
  REQUIRE(ppl::cli::compareDecision(c, kDecision, &rules, out, problem));
  REQUIRE(out.size() == 2);
  CHECK(out[0].path == "lines.\"1\".reasons");
  // Once per rule; C-DX is in the policy, and an object without `rule` names none. A rule another
  // policy has is said to be there (a dropped `use`), not guessed at by spelling (`PA`).
  CHECK(out[0].notes == std::vector<std::string>{
      "expected reason `P-A`, but policy p@1 has no rule `P-A`; did you mean `PA`?",
      "expected reason `D-PA`, but policy p@1 has no rule `D-PA` (policy q@1 has one, from pa.ppl)",
      "expected reason `X-Y`, but policy p@1 has no rule `X-Y`"});
  CHECK(out[1].notes == std::vector<std::string>{
      "expected adjustment `C-DSC`, but policy p@1 has no rule `C-DSC`; did you mean `C-DISC`?"});

  // Without a deciding policy there is nothing to say; a matching list needs no note.
  out.clear();
  REQUIRE(ppl::cli::compareDecision(c, kDecision, nullptr, out, problem));
  CHECK((out.size() == 2 && out[0].notes.empty() && out[1].notes.empty()));
  out.clear();
  REQUIRE(ppl::cli::compareDecision(caseExpecting(R"({"decision": "deny", "lines": {"1": {"reasons": ["PA", "C-DX"]}}})"),
                                    kDecision, &rules, out, problem));
  CHECK(out.empty());
}

TEST_CASE("policy test: an expected line the claim lacks is a test-file problem", "[policy_test]") {
  TestCase c = caseExpecting(R"({"decision": "deny", "lines": {"2": {"decision": "deny"}}})");
  std::vector<Mismatch> out;
  TestProblem problem;
  CHECK_FALSE(ppl::cli::compareDecision(c, kDecision, nullptr, out, problem));
  CHECK(problem.path == "/cases/0/expect/lines/2");
  CHECK(problem.message == "the claim has no line 2 (its lines are 1, 3)");
}

TEST_CASE("policy test: errors against expectations", "[policy_test]") {
  std::vector<Mismatch> out;
  ppl::cli::compareError(caseExpecting(R"({"error": "/lines/0/units"})"), "/lines/0/units: must be a number", out);
  CHECK(out.empty());
  ppl::cli::compareError(caseExpecting(R"({"error": "/lines/1"})"), "/lines/0/units: must be a number", out);
  REQUIRE(out.size() == 1);
  CHECK((out[0].path == "error" && out[0].expected == R"(an error containing "/lines/1")"));
  out.clear();
  ppl::cli::compareError(caseExpecting(R"({"decision": "deny"})"), "/lines/0/units: bad", out);
  REQUIRE(out.size() == 1);
  CHECK((out[0].path == "decision" && out[0].actual == "error: /lines/0/units: bad"));

  out.clear();
  TestProblem problem;
  CHECK(ppl::cli::compareDecision(caseExpecting(R"({"error": "x"})"), kDecision, nullptr, out, problem));
  REQUIRE(out.size() == 1);
  CHECK(out[0].actual == "no error: the claim was decided deny");
}
