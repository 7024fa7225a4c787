// The J9027 pack against hand-worked expectations: every example claim (examples/claims) and
// every boundary case (tests/pack/cases) is decided by the VM, compared with its
// .expected.json, and decided again by the reference evaluator, which must agree exactly.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <simdjson.h>

#include "compiler/checked.h"
#include "compiler/compiler.h"
#include "compiler/reference_evaluator.h"
#include "vm/claim_loader.h"
#include "vm/decision_json.h"
#include "vm/vm.h"

namespace fs = std::filesystem;
using namespace ppl;

namespace {

std::string readText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Pack {
  SourceManager sources;
  Diagnostics diags;
  CheckedProgram checked;
  Program program;
  bool ok = false;

  explicit Pack(const std::string& path) {
    std::vector<std::string> paths = {std::string(PPL_SOURCE_DIR) + "/" + path};
    ok = compileChecked(paths, checked, diags, sources) && generateLinked(checked, sources, program, diags);
  }
};

// Compiled once per test run: `policies` (the J9027 pack) or another policy path.
Pack& pack(const std::string& path = "policies") {
  static std::map<std::string, std::unique_ptr<Pack>> packs;
  auto& p = packs[path];
  if (!p) p = std::make_unique<Pack>(path);
  return *p;
}

std::string str(simdjson::dom::element e) {
  if (e.is_null()) return "null";
  std::string_view sv;
  if (e.get_string().get(sv) == simdjson::SUCCESS) return std::string(sv);
  return simdjson::minify(e);
}

// Compares what docs/spec/decision.md says tests compare; messages must exist but are not compared.
void compareDecision(simdjson::dom::element expected, simdjson::dom::element actual, std::vector<std::string>& diffs) {
  for (const char* key : {"claim_id", "policy", "decision"}) {
    std::string e = str(expected[key]), a = str(actual[key]);
    if (e != a) diffs.push_back(fmt::format("{}: expected {}, got {}", key, e, a));
  }
  simdjson::dom::array el = expected["lines"].get_array(), al = actual["lines"].get_array();
  if (el.size() != al.size()) {
    diffs.push_back(fmt::format("lines: expected {}, got {}", el.size(), al.size()));
    return;
  }
  for (size_t i = 0; i < el.size(); ++i) {
    simdjson::dom::element e = el.at(i), a = al.at(i);
    std::string where = fmt::format("line {}", str(e["line_number"]));
    for (const char* key : {"line_number", "hcpcs", "decision"}) {
      if (str(e[key]) != str(a[key])) diffs.push_back(fmt::format("{} {}: expected {}, got {}", where, key, str(e[key]), str(a[key])));
    }
    std::vector<std::string> er, ar;
    for (simdjson::dom::element r : e["reasons"].get_array()) {
      er.push_back(fmt::format("{} {} {} {} {}", str(r["rule"]), str(r["action"]), str(r["group"]), str(r["carc"]), str(r["rarc"])));
    }
    for (simdjson::dom::element r : a["reasons"].get_array()) {
      ar.push_back(fmt::format("{} {} {} {} {}", str(r["rule"]), str(r["action"]), str(r["group"]), str(r["carc"]), str(r["rarc"])));
      std::string_view msg;
      if (r["message"].get_string().get(msg) != simdjson::SUCCESS || msg.empty()) {
        diffs.push_back(fmt::format("{}: reason {} has no message", where, str(r["rule"])));
      }
    }
    if (er != ar) diffs.push_back(fmt::format("{} reasons: expected [{}], got [{}]", where, fmt::join(er, "; "), fmt::join(ar, "; ")));
    std::string ea = str(e["adjustments"]), aa = str(a["adjustments"]);
    if (ea != aa) diffs.push_back(fmt::format("{} adjustments: expected {}, got {}", where, ea, aa));
  }
}

// The reference evaluator's decision must equal the VM's in every field, messages included.
void compareEngines(const Program& program, const Facts& facts, const Decision& vm, const Decision& ref,
                    std::vector<std::string>& diffs) {
  if (vm.policy != ref.policy || vm.verdict != ref.verdict || vm.lines.size() != ref.lines.size()) {
    diffs.push_back("reference evaluator: claim-level decision differs");
    return;
  }
  for (size_t i = 0; i < vm.lines.size(); ++i) {
    const LineDecision& a = vm.lines[i];
    const LineDecision& b = ref.lines[i];
    if (a.verdict != b.verdict || a.reasonCount != b.reasonCount || a.adjustmentCount != b.adjustmentCount) {
      diffs.push_back(fmt::format("reference evaluator: line {} differs ({} vs {})", i, verdictName(a.verdict), verdictName(b.verdict)));
      continue;
    }
    for (uint32_t k = 0; k < a.reasonCount; ++k) {
      const Reason& x = vm.reasons[a.firstReason + k];
      const Reason& y = ref.reasons[b.firstReason + k];
      if (x.rule != y.rule || x.outcome != y.outcome || x.group != y.group || x.argCount != y.argCount) {
        diffs.push_back(fmt::format("reference evaluator: line {} reason {} differs", i, k));
        continue;
      }
      const Outcome& o = program.policies[static_cast<size_t>(vm.policy)].rules[x.rule].outcomes[x.outcome];
      std::string mx, my;
      renderMessage(program, facts, o.message, x.args, mx);
      renderMessage(program, facts, o.message, y.args, my);
      if (mx != my) diffs.push_back(fmt::format("reference evaluator: message differs: `{}` vs `{}`", mx, my));
    }
    for (uint32_t k = 0; k < a.adjustmentCount; ++k) {
      const Adjustment& x = vm.adjustments[a.firstAdjustment + k];
      const Adjustment& y = ref.adjustments[b.firstAdjustment + k];
      if (x.rule != y.rule || x.adjustment != y.adjustment) diffs.push_back(fmt::format("reference evaluator: line {} adjustment {} differs", i, k));
    }
  }
}

std::vector<fs::path> claimsIn(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".json" && name.find(".expected.") == std::string::npos) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void runCorpus(const fs::path& dir, const std::string& policies = "policies") {
  Pack& p = pack(policies);
  if (!p.ok) FAIL(renderDiagnostics(p.diags, p.sources));
  ClaimLoader loader(p.program.schema);
  Evaluator vm(p.program);
  ReferenceEvaluator ref(p.checked);
  const DecisionJsonWriter writer(p.program);
  simdjson::dom::parser parser;
  std::vector<fs::path> claims = claimsIn(dir);
  REQUIRE(!claims.empty());
  int checked = 0;
  for (const fs::path& claim : claims) {
    fs::path expectedPath = claim;
    expectedPath.replace_extension(".expected.json");
    if (!fs::exists(expectedPath)) continue;
    INFO(claim.filename().string());
    std::string text = readText(claim);
    Facts facts;
    ClaimError cerr;
    REQUIRE(loader.load(text, facts, cerr));
    Decision d, rd;
    EvalError eerr;
    REQUIRE(vm.decide(facts, d, eerr));
    std::string err;
    REQUIRE(ref.decide(facts, rd, err));
    std::string out;
    writeDecisionJson(p.program, facts, d, false, out);
    std::string fast;
    writer.write(facts, d, fast);
    CHECK(fast == out);  // the pre-rendered writer prints what the generic one prints
    out.clear();
    writeDecisionJson(p.program, facts, d, true, out);
    std::string expectedText = readText(expectedPath);
    simdjson::dom::parser p2;
    simdjson::dom::element expected = parser.parse(expectedText).value();
    simdjson::dom::element actual = p2.parse(out).value();
    std::vector<std::string> diffs;
    compareDecision(expected, actual, diffs);
    compareEngines(p.program, facts, d, rd, diffs);
    if (!diffs.empty()) {
      FAIL(fmt::format("{}:\n  {}\nactual:\n{}", claim.filename().string(), fmt::join(diffs, "\n  "), out));
    }
    ++checked;
  }
  CHECK(checked == static_cast<int>(claims.size()));
}

}  // namespace

TEST_CASE("the J9027 pack compiles without diagnostics", "[pack]") {
  Pack& p = pack();
  INFO(renderDiagnostics(p.diags, p.sources));
  REQUIRE(p.ok);
  CHECK(p.diags.items().empty());
  REQUIRE(p.program.policies.size() == 3);
}

TEST_CASE("the spec's example claims decide as expected, by the VM and the reference evaluator", "[pack]") {
  runCorpus(fs::path(PPL_SOURCE_DIR) / "examples" / "claims");
}

TEST_CASE("the boundary cases decide as worked out by hand, by the VM and the reference evaluator", "[pack]") {
  runCorpus(fs::path(PPL_SOURCE_DIR) / "tests" / "pack" / "cases");
}

TEST_CASE("the feature tour decides its claims as worked out by hand", "[pack]") {
  runCorpus(fs::path(PPL_SOURCE_DIR) / "examples" / "feature-tour", "examples/feature-tour/tour.ppl");
}

// Medicare Advantage uses the Part B module with `traditional_medicare = false`: MB-GZ, which
// applies `only when traditional_medicare`, is not part of that policy at all (so coverage does
// not ask for it), while traditional Medicare keeps it first.
// A member's history comes from the payer's records and may pass the claim's bound on lines
// (kMaxLines): 1,200 earlier infusions of another drug are loaded (by the general path, past
// the fast path's bound) and decided like the short history, and a J9027 dose among them is
// still found.
TEST_CASE("a history longer than kMaxLines entries is decided", "[pack]") {
  Pack& p = pack();
  REQUIRE(p.ok);
  ClaimLoader loader(p.program.schema);
  Evaluator vm(p.program);
  ReferenceEvaluator ref(p.checked);
  const std::string claim = readText(fs::path(PPL_SOURCE_DIR) / "examples/claims/commercial-approve.json");
  auto withAdministrations = [&](const std::string& last) {
    std::string more;
    for (int i = 0; i < 1200; ++i) more += R"({"hcpcs": "96413", "date": "2019-05-0)" + std::to_string(1 + i % 9) + R"(", "units": 1}, )";
    std::string text = claim;
    const size_t at = text.find("\"administrations\": [");
    REQUIRE(at != std::string::npos);
    return text.insert(at + std::string("\"administrations\": [").size(), more + last);
  };
  auto decide = [&](const std::string& text, Decision& d) {
    Facts facts;
    ClaimError cerr;
    REQUIRE(loader.load(text, facts, cerr));
    EvalError eerr;
    REQUIRE(vm.decide(facts, d, eerr));
    Decision rd;
    std::string err;
    REQUIRE(ref.decide(facts, rd, err));
    std::vector<std::string> diffs;
    compareEngines(p.program, facts, d, rd, diffs);
    CHECK(diffs.empty());
  };
  Decision d;
  decide(withAdministrations(""), d);
  CHECK(d.verdict == Verdict::kApprove);
  // A dose 10 days before the date of service, after the 1,200: C-FREQ denies.
  decide(withAdministrations(R"({"hcpcs": "J9027", "date": "2026-09-25", "units": 40}, )"), d);
  CHECK(d.verdict == Verdict::kDeny);
}

TEST_CASE("a module rule switched off by a parameter is left out of that policy", "[pack]") {
  Pack& p = pack();
  REQUIRE(p.ok);
  auto ruleIds = [&](const std::string& policyId) {
    std::vector<std::string> ids;
    for (const PolicyInfo& policy : p.program.policies) {
      if (policy.id != policyId) continue;
      for (const RuleInfo& rule : policy.rules) ids.push_back(rule.id);
    }
    return ids;
  };
  const std::vector<std::string> partB = ruleIds("medicare-part-b-j9027");
  const std::vector<std::string> advantage = ruleIds("medicare-advantage-j9027");
  REQUIRE(!partB.empty());
  REQUIRE(!advantage.empty());
  CHECK(partB.front() == "MB-GZ");
  CHECK(std::find(advantage.begin(), advantage.end(), "MB-GZ") == advantage.end());
  CHECK(std::find(advantage.begin(), advantage.end(), "MB-DX") != advantage.end());
}
