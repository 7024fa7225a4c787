// The embedding API: decisions through the C ABI and the C++ wrapper, accessors against the
// decision JSON, the claim builder against the JSON loader, misuse, and damaged packs.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "bytecode/pplb.h"
#include "ppl/ppl.h"
#include "ppl/ppl.hpp"
#include "tests/embed/support.h"

namespace {

const std::string kPackPath = PPL_EMBED_PACK;
const std::string kClaimsDir = std::string(PPL_SOURCE_DIR) + "/examples/claims";

struct Loaded {
  ppl_program* program = nullptr;
  ppl_evaluator* ev = nullptr;
  Loaded() {
    char error[PPL_ERROR_BUFFER_SIZE];
    REQUIRE(ppl_program_load_file(kPackPath.c_str(), nullptr, &program, error, sizeof error) == PPL_OK);
    REQUIRE(ppl_evaluator_new(program, &ev) == PPL_OK);
  }
  ~Loaded() {
    ppl_evaluator_free(ev);
    ppl_program_free(program);
  }
};

std::string decisionJson(const ppl_decision* d, unsigned flags) {
  const char* json = nullptr;
  size_t size = 0;
  REQUIRE(ppl_decision_json(d, flags, &json, &size) == PPL_OK);
  REQUIRE(std::strlen(json) == size);
  return std::string(json, size);
}

std::string errorOf(const ppl_evaluator* ev) {
  const char* message = nullptr;
  const char* path = nullptr;
  REQUIRE(ppl_evaluator_error(ev, &message, &path) == PPL_OK);
  return std::string(path) + ": " + message;
}

std::string sv(const char* s) { return s ? std::string(s) : std::string("<null>"); }

// The examples' .expected.json files leave reason messages out (docs/spec/decision.md: tests compare
// everything else); drop them from pretty output to compare. `pplc eval` output is compared
// whole, messages included, by tests/embed/run.sh.
std::string withoutMessages(const std::string& pretty) {
  std::vector<std::string> kept;
  size_t start = 0;
  while (start <= pretty.size()) {
    size_t end = pretty.find('\n', start);
    if (end == std::string::npos) end = pretty.size();
    const std::string line = pretty.substr(start, end - start);
    const size_t first = line.find_first_not_of(' ');
    if (first != std::string::npos && line.compare(first, 11, "\"message\": ") == 0) {
      if (line.back() != ',' && !kept.empty() && kept.back().back() == ',') kept.back().pop_back();
    } else {
      kept.push_back(line);
    }
    start = end + 1;
  }
  std::string out;
  for (size_t i = 0; i < kept.size(); ++i) out += (i ? "\n" : "") + kept[i];
  return out;
}

// Every accessor, checked against the decision JSON (which tests/cli checks against the examples).
void checkAccessors(const ppl_decision* d, const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);

  const char* claimId = nullptr;
  size_t claimIdSize = 0;
  REQUIRE(ppl_decision_claim_id(d, &claimId, &claimIdSize) == PPL_OK);
  CHECK(std::string(claimId, claimIdSize) == std::string(std::string_view(doc["claim_id"])));

  const char* policyId = nullptr;
  const char* version = nullptr;
  REQUIRE(ppl_decision_policy(d, &policyId, &version) == PPL_OK);
  if (doc["policy"].is_null()) {
    CHECK(policyId == nullptr);
    CHECK(version == nullptr);
  } else {
    CHECK(sv(policyId) + "@" + sv(version) == std::string(std::string_view(doc["policy"])));
  }

  ppl_verdict verdict;
  REQUIRE(ppl_decision_verdict(d, &verdict) == PPL_OK);
  CHECK(std::string(ppl_verdict_name(verdict)) == std::string(std::string_view(doc["decision"])));

  simdjson::dom::array lines = doc["lines"];
  size_t lineCount = 0;
  REQUIRE(ppl_decision_line_count(d, &lineCount) == PPL_OK);
  REQUIRE(lineCount == lines.size());
  size_t i = 0;
  for (simdjson::dom::element line : lines) {
    int64_t number = 0;
    REQUIRE(ppl_line_number(d, i, &number) == PPL_OK);
    CHECK(number == int64_t(line["line_number"]));
    const char* hcpcs = nullptr;
    size_t hcpcsSize = 0;
    REQUIRE(ppl_line_hcpcs(d, i, &hcpcs, &hcpcsSize) == PPL_OK);
    CHECK(std::string(hcpcs, hcpcsSize) == std::string(std::string_view(line["hcpcs"])));
    REQUIRE(ppl_line_verdict(d, i, &verdict) == PPL_OK);
    CHECK(std::string(ppl_verdict_name(verdict)) == std::string(std::string_view(line["decision"])));

    simdjson::dom::array reasons = line["reasons"];
    size_t reasonCount = 0;
    REQUIRE(ppl_line_reason_count(d, i, &reasonCount) == PPL_OK);
    REQUIRE(reasonCount == reasons.size());
    size_t k = 0;
    for (simdjson::dom::element reason : reasons) {
      const char* s = nullptr;
      REQUIRE(ppl_reason_rule(d, i, k, &s) == PPL_OK);
      CHECK(sv(s) == std::string(std::string_view(reason["rule"])));
      ppl_action action;
      REQUIRE(ppl_reason_action(d, i, k, &action) == PPL_OK);
      CHECK(std::string(ppl_action_name(action)) == std::string(std::string_view(reason["action"])));
      ppl_group group;
      REQUIRE(ppl_reason_group(d, i, k, &group) == PPL_OK);
      CHECK(std::string(ppl_group_name(group)) == std::string(std::string_view(reason["group"])));
      REQUIRE(ppl_reason_carc(d, i, k, &s) == PPL_OK);
      CHECK(sv(s) == std::string(std::string_view(reason["carc"])));
      simdjson::dom::array rarcs = reason["rarc"];
      size_t rarcCount = 0;
      REQUIRE(ppl_reason_rarc_count(d, i, k, &rarcCount) == PPL_OK);
      REQUIRE(rarcCount == rarcs.size());
      size_t r = 0;
      for (simdjson::dom::element rarc : rarcs) {
        REQUIRE(ppl_reason_rarc(d, i, k, r, &s) == PPL_OK);
        CHECK(sv(s) == std::string(std::string_view(rarc)));
        ++r;
      }
      CHECK(ppl_reason_rarc(d, i, k, rarcCount, &s) == PPL_ERR_ARGUMENT);
      size_t size = 0;
      REQUIRE(ppl_reason_message(d, i, k, &s, &size) == PPL_OK);
      CHECK(std::string(s, size) == std::string(std::string_view(reason["message"])));
      ++k;
    }
    const char* s = nullptr;
    CHECK(ppl_reason_rule(d, i, reasonCount, &s) == PPL_ERR_ARGUMENT);

    simdjson::dom::array adjustments = line["adjustments"];
    size_t adjustmentCount = 0;
    REQUIRE(ppl_line_adjustment_count(d, i, &adjustmentCount) == PPL_OK);
    REQUIRE(adjustmentCount == adjustments.size());
    k = 0;
    for (simdjson::dom::element adjustment : adjustments) {
      REQUIRE(ppl_adjustment_rule(d, i, k, &s) == PPL_OK);
      CHECK(sv(s) == std::string(std::string_view(adjustment["rule"])));
      ppl_group group;
      REQUIRE(ppl_adjustment_group(d, i, k, &group) == PPL_OK);
      CHECK(std::string(ppl_group_name(group)) == std::string(std::string_view(adjustment["group"])));
      REQUIRE(ppl_adjustment_carc(d, i, k, &s) == PPL_OK);
      CHECK(sv(s) == std::string(std::string_view(adjustment["carc"])));
      REQUIRE(ppl_adjustment_percent(d, i, k, &s) == PPL_OK);
      CHECK(std::stod(sv(s)) == double(adjustment["percent"]));
      ++k;
    }
    CHECK(ppl_adjustment_rule(d, i, adjustmentCount, &s) == PPL_ERR_ARGUMENT);
    ++i;
  }
  int64_t number = 0;
  CHECK(ppl_line_number(d, lineCount, &number) == PPL_ERR_ARGUMENT);
}

}  // namespace

TEST_CASE("the JSON path decides every example claim as pplc does", "[embed]") {
  Loaded l;
  const auto claims = ppl_test::exampleClaims(kClaimsDir);
  REQUIRE(claims.size() >= 10);
  size_t anyAdjustment = 0, anyReason = 0;
  for (const auto& claim : claims) {
    INFO(claim.name);
    const ppl_decision* d = nullptr;
    REQUIRE(ppl_decide_json(l.ev, claim.json.data(), claim.json.size(), &d) == PPL_OK);
    CHECK(withoutMessages(decisionJson(d, PPL_JSON_PRETTY)) == claim.expected);
    const std::string compact = decisionJson(d, 0);
    CHECK(compact.find('\n') == std::string::npos);
    checkAccessors(d, compact);
    anyReason += compact.find("\"reasons\":[{") != std::string::npos;
    anyAdjustment += compact.find("\"adjustments\":[{") != std::string::npos;
    const ppl_decision* again = nullptr;
    REQUIRE(ppl_evaluator_decision(l.ev, &again) == PPL_OK);
    CHECK(again == d);
  }
  // The examples exercise every accessor.
  CHECK(anyReason > 0);
  CHECK(anyAdjustment > 0);
}

TEST_CASE("the builder decides every example claim as the JSON loader does", "[embed][builder]") {
  Loaded l;
  for (const auto& claim : ppl_test::exampleClaims(kClaimsDir)) {
    INFO(claim.name);
    ppl_test::ClaimScript script;
    std::string error;
    REQUIRE(script.compile(l.program, claim.json, error));
    const ppl_decision* d = nullptr;
    REQUIRE(ppl_decide_json(l.ev, claim.json.data(), claim.json.size(), &d) == PPL_OK);
    const std::string viaJson = decisionJson(d, PPL_JSON_PRETTY);
    const ppl_status s = script.run(l.ev, &d);
    INFO(errorOf(l.ev));
    REQUIRE(s == PPL_OK);
    CHECK(decisionJson(d, PPL_JSON_PRETTY) == viaJson);
    checkAccessors(d, decisionJson(d, 0));
  }
}

TEST_CASE("a claim built with a field handle of no field is never decided", "[embed][builder]") {
  // Review 18a F1: each field of each example claim in turn is set through PPL_FIELD_NONE (a
  // misspelt path), by an engine that checks only ppl_claim_decide.
  Loaded l;
  size_t tried = 0;
  for (const auto& claim : ppl_test::exampleClaims(kClaimsDir)) {
    INFO(claim.name);
    ppl_test::ClaimScript script;
    std::string error;
    REQUIRE(script.compile(l.program, claim.json, error));
    for (size_t k = 0; k < script.ops().size(); ++k) {
      ppl_test::ScriptOp& op = script.ops()[k];
      const bool scalarSet = op.kind == ppl_test::ScriptOp::kSetString || op.kind == ppl_test::ScriptOp::kSetInt ||
                             op.kind == ppl_test::ScriptOp::kSetBool || op.kind == ppl_test::ScriptOp::kSetDecimal ||
                             op.kind == ppl_test::ScriptOp::kSetDate;
      if (!scalarSet) continue;
      INFO("op " << k);
      const ppl_field kept = op.field;
      op.field = PPL_FIELD_NONE;
      CHECK(script.run(l.ev, nullptr, /*checkEachCall=*/false) == PPL_ERR_ARGUMENT);
      CHECK(errorOf(l.ev) ==
            ": the field handle does not name a field of this program: check what ppl_field_handle returned for its path");
      op.field = kept;
      ++tried;
    }
  }
  CHECK(tried > 100);
}

TEST_CASE("the builder rejects bad claims as the JSON loader does", "[embed][builder]") {
  Loaded l;
  const auto claims = ppl_test::exampleClaims(kClaimsDir);
  const ppl_test::ExampleClaim* medicare = nullptr;
  for (const auto& c : claims) {
    if (c.name == "medicare-waste-line") medicare = &c;
  }
  REQUIRE(medicare != nullptr);

  // Each mutation: a JSON edit and the same edit to the builder script; both must fail with the
  // same status, path and message.
  struct Mutation {
    const char* what;
    std::string from, to;  // in the JSON text (first occurrence)
  };
  const std::vector<Mutation> mutations = {
      {"missing claim_id", "\"claim_id\": \"CLM-MEDICARE-WASTE-LINE\",", ""},
      {"missing units", "\"units\": 40,\n      \"service_date\"", "\"service_date\""},
      {"bad enumeration", "\"medicare_part_b\"", "\"medicaid\""},
      {"bad hcpcs", "\"hcpcs\": \"96413\"", "\"hcpcs\": \"9641\""},
      {"negative units", "\"units\": 1,", "\"units\": -1,"},
      {"too many decimals", "\"weight_kg\": 82.5", "\"weight_kg\": 82.1234567"},
      {"duplicate line number", "\"line_number\": 3", "\"line_number\": 1"},
      {"empty lines", "\"lines\": [", "\"lines\": [], \"x\": ["},
      {"bad date", "\"birth_date\": \"1951-03-02\"", "\"birth_date\": \"1951-02-30\""},
      {"date order", "\"valid_through\": \"2026-12-31\"", "\"valid_through\": \"2026-06-30\""},
      {"empty member id", "\"member_id\": \"M-100\"", "\"member_id\": \"\""},
      {"bad modifier", "\"JW\"", "\"J\""},
  };
  for (const Mutation& m : mutations) {
    INFO(m.what);
    std::string json = medicare->json;
    const size_t at = json.find(m.from);
    REQUIRE(at != std::string::npos);
    json.replace(at, m.from.size(), m.to);

    const ppl_status viaJson = ppl_decide_json(l.ev, json.data(), json.size(), nullptr);
    REQUIRE(viaJson == PPL_ERR_CLAIM);
    const std::string jsonError = errorOf(l.ev);

    ppl_test::ClaimScript script;
    std::string error;
    REQUIRE(script.compile(l.program, json, error));
    const ppl_status viaBuilder = script.run(l.ev, nullptr);
    CHECK(viaBuilder == PPL_ERR_CLAIM);
    CHECK(errorOf(l.ev) == jsonError);
    const ppl_decision* d = nullptr;
    CHECK(ppl_evaluator_decision(l.ev, &d) == PPL_ERR_STATE);
  }
}

TEST_CASE("builder misuse and type errors", "[embed][builder]") {
  Loaded l;
  ppl_field claimId = 0, units = 0, lines = 0, modifiers = 0, payer = 0, birth = 0;
  REQUIRE(ppl_field_handle(l.program, "claim_id", &claimId) == PPL_OK);
  REQUIRE(ppl_field_handle(l.program, "lines.units", &units) == PPL_OK);
  REQUIRE(ppl_field_handle(l.program, "lines", &lines) == PPL_OK);
  REQUIRE(ppl_field_handle(l.program, "lines.modifiers", &modifiers) == PPL_OK);
  REQUIRE(ppl_field_handle(l.program, "payer", &payer) == PPL_OK);
  REQUIRE(ppl_field_handle(l.program, "patient.birth_date", &birth) == PPL_OK);
  ppl_field f = 99;
  CHECK(ppl_field_handle(l.program, "lines.unit", &f) == PPL_ERR_NOT_FOUND);
  CHECK(f == 0);
  CHECK(ppl_field_handle(l.program, "claim_id.x", &f) == PPL_ERR_NOT_FOUND);
  CHECK(ppl_field_handle(l.program, "", &f) == PPL_ERR_NOT_FOUND);
  CHECK(ppl_field_handle(l.program, "lines.", &f) == PPL_ERR_NOT_FOUND);
  ppl_type type, element;
  REQUIRE(ppl_field_type(l.program, units, &type, &element) == PPL_OK);
  CHECK(type == PPL_TYPE_DECIMAL);
  REQUIRE(ppl_field_type(l.program, modifiers, &type, &element) == PPL_OK);
  CHECK(type == PPL_TYPE_LIST);
  CHECK(element == PPL_TYPE_STRING);
  CHECK(ppl_field_type(l.program, 0, &type, &element) == PPL_ERR_ARGUMENT);
  CHECK(ppl_field_type(l.program, 100000, &type, &element) == PPL_ERR_ARGUMENT);

  SECTION("calls outside a claim") {
    ppl_record r = 1;
    CHECK(ppl_set_int(l.ev, r, units, 1) == PPL_ERR_STATE);
    CHECK(ppl_list_end(l.ev) == PPL_ERR_STATE);
    CHECK(ppl_list_append_record(l.ev, &r) == PPL_ERR_STATE);
    CHECK(ppl_claim_decide(l.ev, nullptr) == PPL_ERR_STATE);
  }
  SECTION("a type error is sticky") {
    ppl_record root;
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(ppl_set_int(l.ev, root, claimId, 7) == PPL_ERR_TYPE);
    CHECK(errorOf(l.ev) == "/claim_id: must be a string, got 7");
    CHECK(ppl_set_string(l.ev, root, claimId, "C", 1) == PPL_ERR_TYPE);
    CHECK(ppl_claim_decide(l.ev, nullptr) == PPL_ERR_TYPE);
    CHECK(errorOf(l.ev) == "/claim_id: must be a string, got 7");
  }
  SECTION("a type error in an enumerated field lists its values, as the JSON loader does") {
    ppl_field claimType;
    REQUIRE(ppl_field_handle(l.program, "claim_type", &claimType) == PPL_OK);
    ppl_record root;
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(ppl_set_int(l.ev, root, claimType, 5) == PPL_ERR_TYPE);
    CHECK(errorOf(l.ev) == "/claim_type: must be a string, one of professional, institutional, got 5");
  }
  SECTION("misuse while a claim is being built poisons it, and the first error is kept") {
    // An engine resolves its paths once, one of them misspelt, and checks only ppl_claim_decide
    // (review 18a F1): the claim must not be decided without that field.
    ppl_field typo = 99;
    CHECK(ppl_field_handle(l.program, "patient.heigth_cm", &typo) == PPL_ERR_NOT_FOUND);
    CHECK(typo == PPL_FIELD_NONE);
    const std::string noField =
        ": the field handle does not name a field of this program: check what ppl_field_handle returned for its path";
    ppl_record root;
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(ppl_set_int(l.ev, root, typo, 170) == PPL_ERR_ARGUMENT);
    CHECK(errorOf(l.ev) == noField);
    CHECK(ppl_set_string(l.ev, root, claimId, "C", 1) == PPL_ERR_ARGUMENT);
    CHECK(ppl_claim_decide(l.ev, nullptr) == PPL_ERR_ARGUMENT);
    CHECK(errorOf(l.ev) == noField);
    // A later misuse does not replace an earlier error.
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(ppl_set_int(l.ev, root, claimId, 7) == PPL_ERR_TYPE);
    CHECK(ppl_set_int(l.ev, root, 99999, 1) == PPL_ERR_TYPE);
    CHECK(ppl_set_decimal(l.ev, root, units, "1", 0) == PPL_ERR_TYPE);
    CHECK(errorOf(l.ev) == "/claim_id: must be a string, got 7");
    CHECK(ppl_claim_decide(l.ev, nullptr) == PPL_ERR_TYPE);
    CHECK(errorOf(l.ev) == "/claim_id: must be a string, got 7");
  }
  SECTION("every misuse the builder cannot see poisons the claim") {
    struct Case {
      const char* message;
      std::function<ppl_status(ppl_record)> call;
    };
    ppl_record child = 0;
    const std::vector<Case> cases = {
        {"the field handle does not name a field of this program: check what ppl_field_handle returned for its path",
         [&](ppl_record r) { return ppl_set_record(l.ev, r, PPL_FIELD_NONE, &child); }},
        {"the field handle does not name a field of this program: check what ppl_field_handle returned for its path",
         [&](ppl_record r) { return ppl_list_begin(l.ev, r, 123456); }},
        {"`size` is 0: a decimal needs its digits", [&](ppl_record r) { return ppl_set_decimal(l.ev, r, units, "1", 0); }},
        {"`size` is 0: a decimal needs its digits", [&](ppl_record) { return ppl_list_append_decimal(l.ev, "1", 0); }},
        {"`text` is NULL", [&](ppl_record r) { return ppl_set_decimal(l.ev, r, units, nullptr, 1); }},
        {"`scale` is more than 30 (PPL_MAX_DECIMAL_SCALE); a claim's numbers take at most 6 digits after the point",
         [&](ppl_record r) { return ppl_set_decimal_scaled(l.ev, r, units, 1, 31); }},
        {"`value` is NULL", [&](ppl_record r) { return ppl_set_string(l.ev, r, claimId, nullptr, 1); }},
        {"`value` is NULL", [&](ppl_record) { return ppl_list_append_string(l.ev, nullptr, 1); }},
        {"`child` is NULL", [&](ppl_record r) { return ppl_set_record(l.ev, r, payer, nullptr); }},
        {"`element` is NULL", [&](ppl_record) { return ppl_list_append_record(l.ev, nullptr); }},
    };
    for (const Case& c : cases) {
      INFO(c.message);
      ppl_record root;
      REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
      CHECK(c.call(root) == PPL_ERR_ARGUMENT);
      CHECK(errorOf(l.ev) == std::string(": ") + c.message);
      CHECK(ppl_set_string(l.ev, root, claimId, "C", 1) == PPL_ERR_ARGUMENT);
      CHECK(ppl_claim_decide(l.ev, nullptr) == PPL_ERR_ARGUMENT);
      CHECK(errorOf(l.ev) == std::string(": ") + c.message);
    }
  }
  SECTION("with no claim being built, misuse is reported by that call only") {
    CHECK(ppl_set_int(l.ev, 1, PPL_FIELD_NONE, 1) == PPL_ERR_ARGUMENT);
    CHECK(errorOf(l.ev) ==
          ": the field handle does not name a field of this program: check what ppl_field_handle returned for its path");
    ppl_record root;
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(ppl_set_string(l.ev, root, claimId, "C", 1) == PPL_OK);
    CHECK(errorOf(l.ev) == ": ");
  }
  SECTION("a string that is not UTF-8") {
    // The decision JSON copies strings as they are; JSON input cannot hold such bytes.
    ppl_record root;
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(ppl_set_string(l.ev, root, claimId, "C\xff\xfe", 3) == PPL_ERR_CLAIM);
    CHECK(errorOf(l.ev) == "/claim_id: is not valid UTF-8 text");
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(ppl_set_string(l.ev, root, claimId, "C\xc3\xa9", 3) == PPL_OK);  // "Cé"
    REQUIRE(ppl_list_begin(l.ev, root, lines) == PPL_OK);
    ppl_record line;
    REQUIRE(ppl_list_append_record(l.ev, &line) == PPL_OK);
    REQUIRE(ppl_list_begin(l.ev, line, modifiers) == PPL_OK);
    CHECK(ppl_list_append_string(l.ev, "J\xc3", 2) == PPL_ERR_CLAIM);
    CHECK(errorOf(l.ev) == "/lines/0/modifiers/0: is not valid UTF-8 text");
  }
  SECTION("a code of the wrong format, with the code it most likely meant, as the loader says it") {
    ppl_record root, line;
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    REQUIRE(ppl_list_begin(l.ev, root, lines) == PPL_OK);
    REQUIRE(ppl_list_append_record(l.ev, &line) == PPL_OK);
    REQUIRE(ppl_list_begin(l.ev, line, modifiers) == PPL_OK);
    CHECK(ppl_list_append_string(l.ev, "jw", 2) == PPL_ERR_CLAIM);
    CHECK(errorOf(l.ev) == "/lines/0/modifiers/0: must be a modifier of 2 capital letters or digits, got \"jw\" (did you mean \"JW\"?)");
  }
  SECTION("a field of another record type") {
    ppl_record root;
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(ppl_set_decimal(l.ev, root, units, "1", 1) == PPL_ERR_ARGUMENT);
    CHECK(errorOf(l.ev) == ": field `units` belongs to records of type `Line`, not `Claim`");
  }
  SECTION("a record handle of an earlier claim") {
    ppl_record old, root;
    REQUIRE(ppl_claim_begin(l.ev, &old) == PPL_OK);
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(old != root);
    CHECK(ppl_set_string(l.ev, old, claimId, "C", 1) == PPL_ERR_ARGUMENT);
  }
  SECTION("an invalid field handle") {
    ppl_record root;
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(ppl_set_string(l.ev, root, 0, "C", 1) == PPL_ERR_ARGUMENT);
    CHECK(ppl_set_string(l.ev, root, 123456, "C", 1) == PPL_ERR_ARGUMENT);
  }
  SECTION("lists: open, append, end in order") {
    ppl_record root, line;
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(ppl_list_append_string(l.ev, "x", 1) == PPL_ERR_STATE);
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    REQUIRE(ppl_list_begin(l.ev, root, lines) == PPL_OK);
    CHECK(ppl_list_append_string(l.ev, "x", 1) == PPL_ERR_TYPE);
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    REQUIRE(ppl_list_begin(l.ev, root, lines) == PPL_OK);
    REQUIRE(ppl_list_append_record(l.ev, &line) == PPL_OK);
    REQUIRE(ppl_list_begin(l.ev, line, modifiers) == PPL_OK);
    CHECK(ppl_claim_decide(l.ev, nullptr) == PPL_ERR_STATE);
    CHECK(errorOf(l.ev) == "/lines/0/modifiers: the list is still open: call ppl_list_end");
  }
  SECTION("a record field, a list field and a scalar field are set their own way") {
    ppl_record root, child;
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(ppl_set_string(l.ev, root, payer, "x", 1) == PPL_ERR_TYPE);
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(ppl_set_record(l.ev, root, lines, &child) == PPL_ERR_TYPE);
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    CHECK(ppl_list_begin(l.ev, root, claimId) == PPL_ERR_TYPE);
  }
  SECTION("the lines hold at most 999 elements, other lists 100,000, as in JSON claims") {
    ppl_record root, line;
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    REQUIRE(ppl_list_begin(l.ev, root, lines) == PPL_OK);
    for (int i = 0; i < 999; ++i) REQUIRE(ppl_list_append_record(l.ev, &line) == PPL_OK);
    CHECK(ppl_list_append_record(l.ev, &line) == PPL_ERR_CLAIM);
    CHECK(errorOf(l.ev) == "/lines/999: a list of a claim holds at most 999 elements");
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    REQUIRE(ppl_list_begin(l.ev, root, lines) == PPL_OK);
    REQUIRE(ppl_list_append_record(l.ev, &line) == PPL_OK);
    REQUIRE(ppl_list_begin(l.ev, line, modifiers) == PPL_OK);
    for (int i = 0; i < 100000; ++i) REQUIRE(ppl_list_append_string(l.ev, "JZ", 2) == PPL_OK);
    CHECK(ppl_list_append_string(l.ev, "JZ", 2) == PPL_ERR_CLAIM);
    CHECK(errorOf(l.ev) == "/lines/0/modifiers/100000: a list of a claim holds at most 100000 elements");
  }
  SECTION("a field set twice") {
    ppl_record root;
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    REQUIRE(ppl_set_string(l.ev, root, claimId, "A", 1) == PPL_OK);
    CHECK(ppl_set_string(l.ev, root, claimId, "B", 1) == PPL_ERR_CLAIM);
    CHECK(errorOf(l.ev) == "/claim_id: duplicate key `claim_id`");
  }
  SECTION("dates as parts or text, and invalid dates") {
    ppl_record root, patient;
    ppl_field patientField;
    REQUIRE(ppl_field_handle(l.program, "patient", &patientField) == PPL_OK);
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    REQUIRE(ppl_set_record(l.ev, root, patientField, &patient) == PPL_OK);
    CHECK(ppl_set_date(l.ev, patient, birth, 2025, 2, 29) == PPL_ERR_CLAIM);
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    REQUIRE(ppl_set_record(l.ev, root, patientField, &patient) == PPL_OK);
    CHECK(ppl_set_string(l.ev, patient, birth, "2024-02-29", 10) == PPL_OK);
    REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
    REQUIRE(ppl_set_record(l.ev, root, patientField, &patient) == PPL_OK);
    CHECK(ppl_set_int(l.ev, patient, birth, 20240229) == PPL_ERR_TYPE);
  }
}

TEST_CASE("decimals set as text, scaled integers and integers are the same value", "[embed][builder]") {
  Loaded l;
  const auto claims = ppl_test::exampleClaims(kClaimsDir);
  const ppl_test::ExampleClaim& claim = claims.front();
  ppl_test::ClaimScript script;
  std::string error;
  REQUIRE(script.compile(l.program, claim.json, error));
  const ppl_decision* d = nullptr;
  REQUIRE(script.run(l.ev, &d) == PPL_OK);
  const std::string expected = decisionJson(d, PPL_JSON_PRETTY);

  // Rewrite every decimal of the script as a scaled integer ("82.5" -> 825, 1), replay.
  size_t rewritten = 0;
  for (ppl_test::ScriptOp& op : script.ops()) {
    if (op.kind != ppl_test::ScriptOp::kSetDecimal) continue;
    std::string digits;
    uint32_t scale = 0;
    bool afterPoint = false;
    for (char c : op.text) {
      if (c == '.') {
        afterPoint = true;
      } else {
        digits += c;
        scale += afterPoint;
      }
    }
    op.kind = ppl_test::ScriptOp::kSetInt;  // placeholder, replaced below
    op.i = std::stoll(digits);
    op.year = static_cast<int>(scale);
    ++rewritten;
  }
  REQUIRE(rewritten > 0);
  ppl_record stack[64];
  int top = 0;
  REQUIRE(ppl_claim_begin(l.ev, &stack[0]) == PPL_OK);
  for (const ppl_test::ScriptOp& op : script.ops()) {
    using K = ppl_test::ScriptOp;
    const ppl_record r = stack[top];
    ppl_status s = PPL_OK;
    switch (op.kind) {
      case K::kSetInt: {
        ppl_type t;
        ppl_field_type(l.program, op.field, &t, nullptr);
        s = t == PPL_TYPE_DECIMAL ? (op.year == 0 ? ppl_set_int(l.ev, r, op.field, op.i)
                                                  : ppl_set_decimal_scaled(l.ev, r, op.field, op.i,
                                                                           static_cast<uint32_t>(op.year)))
                                  : ppl_set_int(l.ev, r, op.field, op.i);
        break;
      }
      case K::kSetString: s = ppl_set_string(l.ev, r, op.field, op.text.data(), op.text.size()); break;
      case K::kSetBool: s = ppl_set_bool(l.ev, r, op.field, static_cast<int>(op.i)); break;
      case K::kSetDate: s = ppl_set_date(l.ev, r, op.field, op.year, op.month, op.day); break;
      case K::kSetRecord: s = ppl_set_record(l.ev, r, op.field, &stack[++top]); break;
      case K::kEndRecord: --top; break;
      case K::kListBegin: s = ppl_list_begin(l.ev, r, op.field); break;
      case K::kAppendRecord: s = ppl_list_append_record(l.ev, &stack[++top]); break;
      case K::kAppendString: s = ppl_list_append_string(l.ev, op.text.data(), op.text.size()); break;
      case K::kListEnd: s = ppl_list_end(l.ev); break;
      default: FAIL("unexpected op");
    }
    INFO(errorOf(l.ev));
    REQUIRE(s == PPL_OK);
  }
  REQUIRE(ppl_claim_decide(l.ev, &d) == PPL_OK);
  CHECK(decisionJson(d, PPL_JSON_PRETTY) == expected);

  ppl_field weight;
  ppl_record root, patient;
  ppl_field patientField;
  REQUIRE(ppl_field_handle(l.program, "patient.weight_kg", &weight) == PPL_OK);
  REQUIRE(ppl_field_handle(l.program, "patient", &patientField) == PPL_OK);
  REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
  REQUIRE(ppl_set_record(l.ev, root, patientField, &patient) == PPL_OK);
  CHECK(ppl_set_decimal_scaled(l.ev, patient, weight, -825, 5) == PPL_ERR_CLAIM);  // -0.00825: not > 0
  CHECK(errorOf(l.ev) == "/patient/weight_kg: must be a number > 0, got -0.00825");

  // A number field takes no more digits through ppl_set_int than through JSON: 10 integer
  // digits are refused with the loader's message, 9 are taken.
  ppl_field units, lines;
  REQUIRE(ppl_field_handle(l.program, "lines.units", &units) == PPL_OK);
  REQUIRE(ppl_field_handle(l.program, "lines", &lines) == PPL_OK);
  auto setUnits = [&](auto&& set) {
    ppl_record r, line;
    REQUIRE(ppl_claim_begin(l.ev, &r) == PPL_OK);
    REQUIRE(ppl_list_begin(l.ev, r, lines) == PPL_OK);
    REQUIRE(ppl_list_append_record(l.ev, &line) == PPL_OK);
    return set(line);
  };
  CHECK(setUnits([&](ppl_record line) { return ppl_set_int(l.ev, line, units, 999999999); }) == PPL_OK);
  CHECK(setUnits([&](ppl_record line) { return ppl_set_int(l.ev, line, units, 1000000000); }) == PPL_ERR_CLAIM);
  CHECK(errorOf(l.ev) ==
        "/lines/0/units: must be a number with at most 9 digits before the decimal point and 6 after it, "
        "got 1000000000");
  CHECK(setUnits([&](ppl_record line) { return ppl_set_int(l.ev, line, units, INT64_MAX); }) == PPL_ERR_CLAIM);
  // So does an integer field (the line number), as the JSON loader does.
  ppl_field lineNumber;
  REQUIRE(ppl_field_handle(l.program, "lines.line_number", &lineNumber) == PPL_OK);
  CHECK(setUnits([&](ppl_record line) { return ppl_set_int(l.ev, line, lineNumber, 999999999); }) == PPL_OK);
  CHECK(setUnits([&](ppl_record line) { return ppl_set_int(l.ev, line, lineNumber, 1000000000); }) == PPL_ERR_CLAIM);
  CHECK(errorOf(l.ev) == "/lines/0/line_number: must be an integer with at most 9 digits, got 1000000000");
  // Text that is no JSON number says so, not that it has too many digits.
  for (const char* text : {"+5", ".5", "5 ", "0x10"}) {
    INFO(text);
    CHECK(setUnits([&](ppl_record line) { return ppl_set_decimal(l.ev, line, units, text, std::strlen(text)); }) ==
          PPL_ERR_CLAIM);
    CHECK(errorOf(l.ev).find("must be a number as JSON writes one (such as 82.5 or 40)") != std::string::npos);
  }
  CHECK(setUnits([&](ppl_record line) { return ppl_set_decimal(l.ev, line, units, "1e10", 4); }) == PPL_ERR_CLAIM);
  CHECK(errorOf(l.ev) ==
        "/lines/0/units: must be a number with at most 9 digits before the decimal point and 6 after it, got 1e10");
}

TEST_CASE("C API misuse gives error codes", "[embed][misuse]") {
  Loaded l;
  char error[PPL_ERROR_BUFFER_SIZE];
  ppl_program* p = reinterpret_cast<ppl_program*>(1);
  const std::string bytes = ppl_test::readFile(kPackPath);

  CHECK(ppl_program_load(nullptr, 10, nullptr, &p, error, sizeof error) == PPL_ERR_ARGUMENT);
  CHECK(p == nullptr);
  CHECK(ppl_program_load(bytes.data(), 0, nullptr, &p, error, sizeof error) == PPL_ERR_ARGUMENT);
  CHECK(ppl_program_load(bytes.data(), bytes.size(), nullptr, nullptr, error, sizeof error) == PPL_ERR_ARGUMENT);
  CHECK(ppl_program_load_file(nullptr, nullptr, &p, error, sizeof error) == PPL_ERR_ARGUMENT);
  CHECK(ppl_program_load_file("/nonexistent/pack.pplb", nullptr, &p, error, sizeof error) == PPL_ERR_IO);
  CHECK(std::string(error).find("cannot read") != std::string::npos);
  // No error buffer, or a tiny one, is fine.
  CHECK(ppl_program_load(bytes.data(), 3, nullptr, &p, nullptr, 0) == PPL_ERR_PROGRAM);
  char tiny[4];
  CHECK(ppl_program_load(bytes.data(), 3, nullptr, &p, tiny, sizeof tiny) == PPL_ERR_PROGRAM);
  CHECK(std::strlen(tiny) == 3);

  ppl_load_options options = PPL_LOAD_OPTIONS_INIT;
  options.size = sizeof(ppl_load_options) - 1;
  CHECK(ppl_program_load(bytes.data(), bytes.size(), &options, &p, error, sizeof error) == PPL_ERR_ARGUMENT);
  CHECK(std::string(error).find("PPL_LOAD_OPTIONS_INIT") != std::string::npos);
  options.size = sizeof(ppl_load_options) + 8;
  CHECK(ppl_program_load(bytes.data(), bytes.size(), &options, &p, error, sizeof error) == PPL_ERR_ARGUMENT);
  options.size = 0;
  CHECK(ppl_program_load_file(kPackPath.c_str(), &options, &p, error, sizeof error) == PPL_ERR_ARGUMENT);
  options = PPL_LOAD_OPTIONS_INIT;
  options.max_bytes = 1000;
  CHECK(ppl_program_load(bytes.data(), bytes.size(), &options, &p, error, sizeof error) == PPL_ERR_PROGRAM);
  CHECK(std::string(error).find("more than the limit of 1000") != std::string::npos);
  options.max_bytes = bytes.size();
  REQUIRE(ppl_program_load(bytes.data(), bytes.size(), &options, &p, error, sizeof error) == PPL_OK);
  CHECK(std::string(error).empty());
  ppl_program_free(p);
  // The default limit, 16 MiB, is checked before the bytes are read as a pack.
  const std::string huge(PPL_DEFAULT_MAX_PROGRAM_BYTES + 1, '\0');
  CHECK(ppl_program_load(huge.data(), huge.size(), nullptr, &p, error, sizeof error) == PPL_ERR_PROGRAM);
  CHECK(std::string(error).find("more than the limit of 16777216") != std::string::npos);
  options.max_bytes = huge.size();
  CHECK(ppl_program_load(huge.data(), huge.size(), &options, &p, error, sizeof error) == PPL_ERR_PROGRAM);
  CHECK(std::string(error).find("not a valid compiled policy pack") != std::string::npos);
  options.max_bytes = bytes.size();
  REQUIRE(ppl_program_load(bytes.data(), bytes.size(), &options, &p, error, sizeof error) == PPL_OK);
  CHECK(std::string(error).empty());
  ppl_program_free(p);
  ppl_program_free(nullptr);
  ppl_evaluator_free(nullptr);

  size_t n = 0;
  const char* s = nullptr;
  CHECK(ppl_program_policy_count(nullptr, &n) == PPL_ERR_ARGUMENT);
  CHECK(ppl_program_policy_count(l.program, nullptr) == PPL_ERR_ARGUMENT);
  REQUIRE(ppl_program_policy_count(l.program, &n) == PPL_OK);
  CHECK(n >= 3);
  CHECK(ppl_program_policy(l.program, n, &s, nullptr) == PPL_ERR_ARGUMENT);

  ppl_evaluator* ev = nullptr;
  CHECK(ppl_evaluator_new(nullptr, &ev) == PPL_ERR_ARGUMENT);
  CHECK(ppl_evaluator_new(l.program, nullptr) == PPL_ERR_ARGUMENT);

  const std::string claim = ppl_test::exampleClaims(kClaimsDir).front().json;
  const ppl_decision* d = nullptr;
  CHECK(ppl_decide_json(nullptr, claim.data(), claim.size(), &d) == PPL_ERR_ARGUMENT);
  CHECK(ppl_decide_json(l.ev, nullptr, claim.size(), &d) == PPL_ERR_ARGUMENT);
  CHECK(ppl_evaluator_error(nullptr, &s, &s) == PPL_ERR_ARGUMENT);
  CHECK(ppl_evaluator_decision(l.ev, &d) == PPL_ERR_STATE);
  CHECK(ppl_evaluator_decision(nullptr, &d) == PPL_ERR_ARGUMENT);

  // Bad claims are bad input, with the path at fault. An empty claim too (an upstream system's
  // empty body), with the loader's message, as `pplc eval` gives it (review 18a F6).
  CHECK(ppl_decide_json(l.ev, claim.data(), 0, &d) == PPL_ERR_CLAIM);
  CHECK(errorOf(l.ev) == ": malformed json: empty: no JSON found");
  CHECK(ppl_decide_json(l.ev, "{", 1, &d) == PPL_ERR_CLAIM);
  CHECK(ppl_decide_json(l.ev, "[]", 2, &d) == PPL_ERR_CLAIM);
  const char* message = nullptr;
  const char* path = nullptr;
  REQUIRE(ppl_evaluator_error(l.ev, &message, &path) == PPL_OK);
  CHECK(std::string(message) == "the claim must be a json object, got an array");
  CHECK(std::string(path).empty());

  // Accessors: null decision, null out-pointers, no decision, unknown flags.
  ppl_verdict v;
  CHECK(ppl_decision_verdict(nullptr, &v) == PPL_ERR_ARGUMENT);
  REQUIRE(ppl_decide_json(l.ev, claim.data(), claim.size(), &d) == PPL_OK);
  CHECK(ppl_decision_verdict(d, nullptr) == PPL_ERR_ARGUMENT);
  // Misuse changes nothing: the decision just made is still there.
  const ppl_decision* misused = nullptr;
  CHECK(ppl_decide_json(l.ev, nullptr, 0, &misused) == PPL_ERR_ARGUMENT);
  CHECK(ppl_decide_json(l.ev, nullptr, claim.size(), &misused) == PPL_ERR_ARGUMENT);
  const ppl_decision* still = nullptr;
  CHECK(ppl_evaluator_decision(l.ev, &still) == PPL_OK);
  CHECK(still == d);
  CHECK(ppl_decision_claim_id(d, nullptr, nullptr) == PPL_ERR_ARGUMENT);
  CHECK(ppl_decision_policy(d, nullptr, nullptr) == PPL_ERR_ARGUMENT);
  CHECK(ppl_decision_line_count(d, nullptr) == PPL_ERR_ARGUMENT);
  CHECK(ppl_line_hcpcs(d, 0, nullptr, nullptr) == PPL_ERR_ARGUMENT);
  CHECK(ppl_line_hcpcs(d, 1000, &s, nullptr) == PPL_ERR_ARGUMENT);
  CHECK(ppl_line_hcpcs(d, SIZE_MAX, &s, nullptr) == PPL_ERR_ARGUMENT);
  CHECK(ppl_reason_message(d, 0, SIZE_MAX, &s, nullptr) == PPL_ERR_ARGUMENT);
  CHECK(ppl_decision_json(d, 2, &s, nullptr) == PPL_ERR_ARGUMENT);
  CHECK(ppl_decision_json(d, 0, nullptr, nullptr) == PPL_ERR_ARGUMENT);
  CHECK(ppl_decision_json(nullptr, 0, &s, nullptr) == PPL_ERR_ARGUMENT);
  // A decision pointer outlives its decision: once the evaluator fails, reading it is a state error.
  CHECK(ppl_decide_json(l.ev, "{}", 2, nullptr) == PPL_ERR_CLAIM);
  CHECK(ppl_decision_verdict(d, &v) == PPL_ERR_STATE);
  CHECK(ppl_decision_json(d, 0, &s, nullptr) == PPL_ERR_STATE);
  CHECK(ppl_line_hcpcs(d, 0, &s, nullptr) == PPL_ERR_STATE);

  // Builder: null handles and pointers.
  ppl_record root = 0;
  ppl_field f = 0;
  CHECK(ppl_field_handle(nullptr, "claim_id", &f) == PPL_ERR_ARGUMENT);
  CHECK(ppl_field_handle(l.program, nullptr, &f) == PPL_ERR_ARGUMENT);
  CHECK(ppl_field_handle(l.program, "claim_id", nullptr) == PPL_ERR_ARGUMENT);
  REQUIRE(ppl_field_handle(l.program, "claim_id", &f) == PPL_OK);
  CHECK(ppl_claim_begin(nullptr, &root) == PPL_ERR_ARGUMENT);
  CHECK(ppl_claim_begin(l.ev, nullptr) == PPL_ERR_ARGUMENT);
  REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
  CHECK(ppl_set_string(nullptr, root, f, "x", 1) == PPL_ERR_ARGUMENT);
  CHECK(ppl_set_string(l.ev, root, f, nullptr, 1) == PPL_ERR_ARGUMENT);
  CHECK(ppl_set_decimal(l.ev, root, f, nullptr, 1) == PPL_ERR_ARGUMENT);
  CHECK(ppl_set_decimal(l.ev, root, f, "1", 0) == PPL_ERR_ARGUMENT);
  CHECK(ppl_set_decimal_scaled(l.ev, root, f, 1, 31) == PPL_ERR_ARGUMENT);
  CHECK(ppl_set_record(l.ev, root, f, nullptr) == PPL_ERR_ARGUMENT);
  CHECK(ppl_list_append_record(l.ev, nullptr) == PPL_ERR_ARGUMENT);
  CHECK(ppl_list_append_string(nullptr, "x", 1) == PPL_ERR_ARGUMENT);
  CHECK(ppl_list_append_decimal(l.ev, nullptr, 1) == PPL_ERR_ARGUMENT);
  CHECK(ppl_list_end(nullptr) == PPL_ERR_ARGUMENT);
  CHECK(ppl_claim_decide(nullptr, nullptr) == PPL_ERR_ARGUMENT);

  CHECK(std::string(ppl_status_name(PPL_ERR_CLAIM)) == "claim");
  CHECK(std::string(ppl_status_name(static_cast<ppl_status>(99))) == "unknown");
  CHECK(std::string(ppl_verdict_name(static_cast<ppl_verdict>(9))) == "?");
}

TEST_CASE("a claim larger than the evaluator's bound is refused as bad input", "[embed]") {
  // Review 18a F2: the bound caps what an evaluator keeps; the message names size and bound.
  Loaded l;
  ppl_evaluator_options options = PPL_EVALUATOR_OPTIONS_INIT;
  options.max_claim_bytes = 100;
  ppl_evaluator* ev = nullptr;
  REQUIRE(ppl_evaluator_new_with(l.program, &options, &ev) == PPL_OK);
  std::string claim = R"({"claim_id": 5})";
  claim.resize(100, ' ');
  CHECK(ppl_decide_json(ev, claim.data(), claim.size(), nullptr) == PPL_ERR_CLAIM);
  CHECK(errorOf(ev) == "/claim_id: must be a string, got 5");
  claim += ' ';
  CHECK(ppl_decide_json(ev, claim.data(), claim.size(), nullptr) == PPL_ERR_CLAIM);
  CHECK(errorOf(ev) == ": the claim is 101 bytes, more than the limit of 100 (ppl_evaluator_options.max_claim_bytes)");
  const char* id = "?";
  CHECK(ppl_evaluator_error_claim_id(ev, &id, nullptr) == PPL_OK);
  CHECK(id == nullptr);  // not read at all
  ppl_evaluator_free(ev);

  // The default, 64 MiB.
  std::string huge(PPL_DEFAULT_MAX_CLAIM_BYTES, ' ');
  huge.front() = '{';
  huge.back() = '}';
  CHECK(ppl_decide_json(l.ev, huge.data(), huge.size(), nullptr) == PPL_ERR_CLAIM);
  CHECK(errorOf(l.ev) == "/claim_id: missing required field `claim_id`");
  huge += ' ';
  CHECK(ppl_decide_json(l.ev, huge.data(), huge.size(), nullptr) == PPL_ERR_CLAIM);
  CHECK(errorOf(l.ev) ==
        ": the claim is 67108865 bytes, more than the limit of 67108864 (ppl_evaluator_options.max_claim_bytes)");

  // Options of another size are refused, as ppl_load_options are.
  options.size = sizeof options + 8;
  ev = reinterpret_cast<ppl_evaluator*>(1);
  CHECK(ppl_evaluator_new_with(l.program, &options, &ev) == PPL_ERR_ARGUMENT);
  CHECK(ev == nullptr);
  CHECK(ppl_evaluator_new_with(l.program, nullptr, &ev) == PPL_OK);
  ppl_evaluator_free(ev);
  CHECK(ppl_evaluator_trim(nullptr) == PPL_ERR_ARGUMENT);

  // Through ppl.hpp; and a trimmed evaluator decides on.
  ppl::embed::Program program;
  REQUIRE(program.loadFile(kPackPath.c_str()));
  ppl::embed::EvaluatorOptions small;
  small.maxClaimBytes = 100;
  ppl::embed::Evaluator evaluator(program, small);
  REQUIRE(evaluator.valid());
  const ppl::embed::Status s = evaluator.decideJson(ppl_test::exampleClaims(kClaimsDir).front().json);
  CHECK(s.code() == PPL_ERR_CLAIM);
  CHECK(s.message().find("more than the limit of 100 (ppl_evaluator_options.max_claim_bytes)") != std::string_view::npos);
  ppl::embed::Evaluator unbounded(program);
  REQUIRE(unbounded.decideJson(ppl_test::exampleClaims(kClaimsDir).front().json));
  CHECK(unbounded.decision().valid());
  REQUIRE(unbounded.trim());
  CHECK(!unbounded.decision().valid());
  CHECK(unbounded.decideJson(ppl_test::exampleClaims(kClaimsDir).front().json));
}

TEST_CASE("the claim_id of a rejected claim", "[embed]") {
  // Review 18a F5: an engine taking JSON from a queue routes a rejection by its claim id.
  Loaded l;
  const std::string good = ppl_test::exampleClaims(kClaimsDir).front().json;
  const ppl_decision* d = nullptr;
  REQUIRE(ppl_decide_json(l.ev, good.data(), good.size(), &d) == PPL_OK);
  const char* id = nullptr;
  size_t size = 99;
  REQUIRE(ppl_decision_claim_id(d, &id, &size) == PPL_OK);
  const std::string claimId(id, size);
  REQUIRE(!claimId.empty());
  // After a decision there is no rejected claim.
  CHECK(ppl_evaluator_error_claim_id(l.ev, &id, &size) == PPL_OK);
  CHECK(id == nullptr);
  CHECK(size == 0);

  std::string bad = good;
  const size_t units = bad.find("\"units\":");
  REQUIRE(units != std::string::npos);
  bad.insert(units + 8, " -1, \"ignored\":");  // "units": -1, "ignored": 40
  REQUIRE(ppl_decide_json(l.ev, bad.data(), bad.size(), nullptr) == PPL_ERR_CLAIM);
  CHECK(errorOf(l.ev) == "/lines/0/units: must be a number >= 0, got -1");
  REQUIRE(ppl_evaluator_error_claim_id(l.ev, &id, nullptr) == PPL_OK);
  CHECK(sv(id) == claimId);

  const std::string escaped = R"({"claim_id": "A\u0042\"C", "lines": 3})";
  REQUIRE(ppl_decide_json(l.ev, escaped.data(), escaped.size(), nullptr) == PPL_ERR_CLAIM);
  REQUIRE(ppl_evaluator_error_claim_id(l.ev, &id, &size) == PPL_OK);
  CHECK(sv(id) == "AB\"C");
  CHECK(size == 4);

  // None: not a string, not readable, or the last failure was not a JSON claim's.
  for (const std::string& json : {std::string(R"({"claim_id": 5})"), std::string("{"), std::string()}) {
    INFO(json);
    REQUIRE(ppl_decide_json(l.ev, json.data(), json.size(), nullptr) == PPL_ERR_CLAIM);
    REQUIRE(ppl_evaluator_error_claim_id(l.ev, &id, &size) == PPL_OK);
    CHECK(id == nullptr);
    CHECK(size == 0);
  }
  REQUIRE(ppl_decide_json(l.ev, escaped.data(), escaped.size(), nullptr) == PPL_ERR_CLAIM);
  ppl_record root;
  REQUIRE(ppl_claim_begin(l.ev, &root) == PPL_OK);
  REQUIRE(ppl_evaluator_error_claim_id(l.ev, &id, &size) == PPL_OK);
  CHECK(id == nullptr);
  CHECK(ppl_evaluator_error_claim_id(nullptr, &id, &size) == PPL_ERR_ARGUMENT);
  CHECK(ppl_evaluator_error_claim_id(l.ev, nullptr, &size) == PPL_ERR_ARGUMENT);

  // Through ppl.hpp.
  ppl::embed::Program program;
  REQUIRE(program.loadFile(kPackPath.c_str()));
  ppl::embed::Evaluator evaluator(program);
  REQUIRE(evaluator.valid());
  CHECK(evaluator.decideJson(bad).code() == PPL_ERR_CLAIM);
  CHECK(evaluator.errorClaimId() == claimId);
  CHECK(evaluator.decideJson(good));
  CHECK(evaluator.errorClaimId().empty());
}

TEST_CASE("versions, and what the pack is", "[embed]") {
  // Review 18a F4: the header and the library agree; the audit log can name the exact pack.
  CHECK(ppl_api_version() == PPL_API_VERSION);
  CHECK(std::string(ppl_library_version()) == PPL_PROJECT_VERSION);
  Loaded l;
  const std::string bytes = ppl_test::readFile(kPackPath);
  uint32_t format = 0;
  uint64_t checksum = 0;
  REQUIRE(ppl_program_format(l.program, &format, &checksum) == PPL_OK);
  CHECK(format == ppl::kFormatVersion);  // what pplc writes
  CHECK(checksum == ppl::pplbChecksum(std::string_view(bytes).substr(ppl::kPplbHeaderSize)));
  const char* name = nullptr;
  const char* version = nullptr;
  REQUIRE(ppl_program_schema(l.program, &name, &version) == PPL_OK);
  CHECK(sv(name) == "claim_facts");  // stdlib/claim.ppl: schema claim_facts version "1.0"
  CHECK(sv(version) == "1.0");
  CHECK(ppl_program_format(l.program, nullptr, nullptr) == PPL_OK);
  CHECK(ppl_program_format(nullptr, &format, &checksum) == PPL_ERR_ARGUMENT);
  CHECK(ppl_program_schema(nullptr, &name, &version) == PPL_ERR_ARGUMENT);

  namespace pe = ppl::embed;
  CHECK(pe::apiVersion() == PPL_API_VERSION);
  CHECK(pe::libraryVersion() == PPL_PROJECT_VERSION);
  pe::Program program;
  CHECK(program.checksum() == 0);
  CHECK(program.schemaName().empty());
  REQUIRE(program.loadFile(kPackPath.c_str()));
  CHECK(program.formatVersion() == ppl::kFormatVersion);
  CHECK(program.checksum() == checksum);
  CHECK(program.schemaName() == "claim_facts");
  CHECK(program.schemaVersion() == "1.0");
}

TEST_CASE("programs outlive their handle while evaluators use them", "[embed]") {
  ppl_program* program = nullptr;
  REQUIRE(ppl_program_load_file(kPackPath.c_str(), nullptr, &program, nullptr, 0) == PPL_OK);
  ppl_evaluator* ev = nullptr;
  REQUIRE(ppl_evaluator_new(program, &ev) == PPL_OK);
  ppl_program_free(program);  // the evaluator keeps it alive
  const std::string claim = ppl_test::exampleClaims(kClaimsDir).front().json;
  CHECK(ppl_decide_json(ev, claim.data(), claim.size(), nullptr) == PPL_OK);
  ppl_evaluator_free(ev);
}

TEST_CASE("the C++ API", "[embed][cpp]") {
  namespace pe = ppl::embed;
  pe::Program program;
  const pe::LoadStatus failed = program.load("PPLB");
  CHECK(!failed);
  CHECK(failed.code() == PPL_ERR_PROGRAM);
  CHECK(failed.message().find("truncated") != std::string_view::npos);
  CHECK(!program.loaded());
  REQUIRE(program.loadFile(kPackPath.c_str()));
  pe::Status s;
  CHECK(program.policyCount() >= 3);
  CHECK(!program.policyId(0).empty());

  pe::Evaluator evaluator(program);
  REQUIRE(evaluator.valid());
  for (const auto& claim : ppl_test::exampleClaims(kClaimsDir)) {
    INFO(claim.name);
    REQUIRE(evaluator.decideJson(claim.json));
    pe::Decision d = evaluator.decision();
    REQUIRE(d.valid());
    std::string_view json;
    REQUIRE(d.json(json, true));
    CHECK(withoutMessages(std::string(json)) == claim.expected);
    CHECK(!d.claimId().empty());
    for (size_t i = 0; i < d.lineCount(); ++i) {
      pe::Line line = d.line(i);
      CHECK(line.number() >= 1);
      CHECK(line.hcpcs().size() == 5);
      for (size_t k = 0; k < line.reasonCount(); ++k) {
        CHECK(!line.reason(k).rule().empty());
        CHECK(!line.reason(k).message().empty());
      }
    }
  }

  s = evaluator.decideJson(R"({"claim_id": 5})");
  CHECK(s.code() == PPL_ERR_CLAIM);
  CHECK(s.path() == "/claim_id");
  CHECK(s.message() == "must be a string, got 5");
  CHECK(!evaluator.decision().valid());

  // A claim built by hand with the fields the J9027 pack reads.
  pe::Record claim, payer, patient, provider, line, drug;
  REQUIRE(evaluator.beginClaim(claim));
  CHECK(evaluator.setString(claim, program.field("claim_id"), "CLM-BUILT"));
  CHECK(evaluator.setString(claim, program.field("claim_type"), "professional"));
  CHECK(evaluator.setRecord(claim, program.field("payer"), payer));
  CHECK(evaluator.setString(payer, program.field("payer.line_of_business"), "commercial"));
  CHECK(evaluator.setRecord(claim, program.field("patient"), patient));
  CHECK(evaluator.setString(patient, program.field("patient.member_id"), "M-1"));
  CHECK(evaluator.setDate(patient, program.field("patient.birth_date"), 1950, 1, 2));
  CHECK(evaluator.setString(patient, program.field("patient.sex"), "M"));
  CHECK(evaluator.setRecord(claim, program.field("provider"), provider));
  CHECK(evaluator.setString(provider, program.field("provider.npi"), "1234567893"));
  CHECK(evaluator.setString(claim, program.field("place_of_service"), "11"));
  CHECK(evaluator.beginList(claim, program.field("diagnoses")));
  CHECK(evaluator.appendString("C61"));
  CHECK(evaluator.endList());
  CHECK(evaluator.beginList(claim, program.field("lines")));
  CHECK(evaluator.appendRecord(line));
  CHECK(evaluator.endList());
  // A line's fields may be set after its list has ended.
  CHECK(evaluator.setInt(line, program.field("lines.line_number"), 1));
  CHECK(evaluator.setString(line, program.field("lines.hcpcs"), "J9027"));
  CHECK(evaluator.setDecimal(line, program.field("lines.units"), "40"));
  CHECK(evaluator.setDate(line, program.field("lines.service_date"), 2026, 10, 5));
  CHECK(evaluator.setDecimalScaled(line, program.field("lines.charge"), 980000, 2));
  CHECK(evaluator.setRecord(line, program.field("lines.drug"), drug));
  CHECK(evaluator.setBool(drug, program.field("lines.drug.discounted"), true));
  s = evaluator.decideClaim();
  INFO(s.path() << ": " << s.message());
  REQUIRE(s);
  pe::Decision d = evaluator.decision();
  CHECK(d.claimId() == "CLM-BUILT");
  CHECK(d.policyId() == "acme-commercial-j9027");
  REQUIRE(d.lineCount() == 1);
  CHECK(d.line(0).hcpcs() == "J9027");
  CHECK(d.line(0).number() == 1);
  CHECK(d.verdict() != pe::Verdict::kNotApplicable);

  // Missing required fields are found when the claim is decided, with their path.
  REQUIRE(evaluator.beginClaim(claim));
  CHECK(evaluator.setString(claim, program.field("claim_id"), "CLM-X"));
  s = evaluator.decideClaim();
  CHECK(s.code() == PPL_ERR_CLAIM);
  CHECK(s.path() == "/claim_type");
  CHECK(s.message() == "missing required field `claim_type`");

  // A misspelt path gives the invalid Field: no type, and a builder call given it poisons the
  // claim, so the engine that checks only decideClaim does not decide without it (review 18a F1).
  const pe::Field typo = program.field("lines.drug.discounted_");
  CHECK(!typo.valid());
  CHECK(typo == pe::Field(PPL_FIELD_NONE));
  CHECK(program.fieldType(typo) == pe::Type::kNone);
  CHECK(program.elementType(typo) == pe::Type::kNone);
  pe::Field out = program.field("claim_id");
  CHECK(program.field("lines.drug.discounted_", out).code() == PPL_ERR_NOT_FOUND);
  CHECK(!out.valid());
  REQUIRE(program.field("lines.drug.discounted", out));
  CHECK(out.valid());
  CHECK(program.fieldType(out) == pe::Type::kBool);
  CHECK(program.elementType(program.field("lines.modifiers")) == pe::Type::kString);
  REQUIRE(evaluator.beginClaim(claim));
  CHECK(evaluator.setBool(claim, typo, true).code() == PPL_ERR_ARGUMENT);
  CHECK(evaluator.setString(claim, program.field("claim_id"), "CLM-X").code() == PPL_ERR_ARGUMENT);
  s = evaluator.decideClaim();
  CHECK(s.code() == PPL_ERR_ARGUMENT);
  CHECK(s.message() ==
        "the field handle does not name a field of this program: check what ppl_field_handle returned for its path");

  pe::Evaluator moved = std::move(evaluator);
  CHECK(!evaluator.valid());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  CHECK(moved.valid());
  pe::Program empty;
  pe::Evaluator none(empty);
  CHECK(!none.valid());
  CHECK(none.decideJson("{}").code() == PPL_ERR_ARGUMENT);
}

namespace {
// A factory as an engine writes one: the Program and how its load went, returned together.
std::pair<ppl::embed::Program, ppl::embed::LoadStatus> openPack(const char* path) {
  ppl::embed::Program program;
  ppl::embed::LoadStatus status = program.loadFile(path);
  return {std::move(program), status};
}
}  // namespace

TEST_CASE("C++ load errors are owned by the caller, and a failed reload keeps the program", "[embed][cpp]") {
  namespace pe = ppl::embed;
  // Review 18a F3: the message outlives the Program that made it (moved, returned, destroyed).
  const std::string missing = std::string("/nonexistent/pack.pplb: cannot read: ") + std::strerror(ENOENT);
  auto [gone, status] = openPack("/nonexistent/pack.pplb");
  CHECK(status.code() == PPL_ERR_IO);
  CHECK(status.message() == missing);
  {
    pe::Program moved = std::move(gone);
    CHECK(!moved.loaded());
  }
  const pe::LoadStatus copy = status;
  CHECK(copy.message() == missing);

  // Review 18a F9: a hot reload onto a bad pack keeps the program already loaded.
  pe::Program program;
  REQUIRE(program.loadFile(kPackPath.c_str()));
  const ppl_program* before = program.get();
  pe::LoadStatus reload = program.load("PPLB");
  CHECK(reload.code() == PPL_ERR_PROGRAM);
  CHECK(reload.message() == "not a valid compiled policy pack: truncated at byte 4 while reading the header");
  CHECK(program.get() == before);
  reload = program.loadFile("/nonexistent/pack.pplb");
  CHECK(reload.message() == missing);
  CHECK(program.get() == before);
  pe::Evaluator evaluator(program);
  REQUIRE(evaluator.valid());
  CHECK(evaluator.decideJson(ppl_test::exampleClaims(kClaimsDir).front().json));
  // A good reload replaces it; the evaluator keeps the one it was made from.
  REQUIRE(program.loadFile(kPackPath.c_str()));
  CHECK(program.get() != before);
  CHECK(evaluator.decideJson(ppl_test::exampleClaims(kClaimsDir).front().json));
}

// ---- damaged packs ----

namespace {

// Loads bytes; true when rejected with PPL_ERR_PROGRAM (or PPL_ERR_ARGUMENT for 0 bytes).
bool rejected(const std::string& bytes, size_t size, std::string* message = nullptr) {
  ppl_program* p = nullptr;
  char error[PPL_ERROR_BUFFER_SIZE];
  const ppl_status s = ppl_program_load(bytes.data(), size, nullptr, &p, error, sizeof error);
  if (message) *message = error;
  if (s == PPL_OK) {
    ppl_program_free(p);
    return false;
  }
  return p == nullptr && (s == PPL_ERR_PROGRAM || (size == 0 && s == PPL_ERR_ARGUMENT));
}

void writeLe(std::string& bytes, size_t at, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) bytes[at + static_cast<size_t>(i)] = static_cast<char>(v >> (8 * i));
}

void fixChecksum(std::string& bytes) {
  writeLe(bytes, 12, ppl::pplbChecksum(std::string_view(bytes).substr(ppl::kPplbHeaderSize)), 8);
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("every single-byte corruption of the pack is rejected", "[embed][corrupt]") {
  std::string bytes = ppl_test::readFile(kPackPath);
  REQUIRE(bytes.size() > 1000);
  const auto start = std::chrono::steady_clock::now();
  size_t accepted = 0;
  for (size_t at = 0; at < bytes.size(); ++at) {
    bytes[at] = static_cast<char>(bytes[at] ^ 0xFF);
    if (!rejected(bytes, bytes.size())) {
      ++accepted;
      UNSCOPED_INFO("accepted with byte " << at << " flipped");
    }
    bytes[at] = static_cast<char>(bytes[at] ^ 0xFF);
  }
  CHECK(accepted == 0);
  WARN(bytes.size() << " single-byte corruptions rejected in " << secondsSince(start) << " s");
}

TEST_CASE("every truncation of the pack is rejected", "[embed][corrupt]") {
  const std::string bytes = ppl_test::readFile(kPackPath);
  const auto start = std::chrono::steady_clock::now();
  size_t accepted = 0;
  for (size_t size = 0; size < bytes.size(); ++size) accepted += !rejected(bytes, size);
  CHECK(accepted == 0);
  // With a consistent header (length and checksum fixed up), the decoder itself must notice.
  size_t deep = 0;
  for (size_t size = ppl::kPplbHeaderSize; size < bytes.size(); size += 7) {
    std::string cut = bytes.substr(0, size);
    writeLe(cut, 8, size - ppl::kPplbHeaderSize, 4);
    fixChecksum(cut);
    std::string message;
    if (!rejected(cut, cut.size(), &message)) ++accepted;
    ++deep;
  }
  CHECK(accepted == 0);
  WARN(bytes.size() << " truncations and " << deep << " re-checksummed truncations (every 7th length) rejected in "
                    << secondsSince(start) << " s");
}

TEST_CASE("a wrong version, checksum, magic or flags is rejected with a message", "[embed][corrupt]") {
  const std::string good = ppl_test::readFile(kPackPath);
  std::string message;
  REQUIRE(!rejected(good, good.size()));

  std::string bytes = good;
  writeLe(bytes, 4, ppl::kMaxFormatVersion + 1, 2);
  CHECK(rejected(bytes, bytes.size(), &message));
  CHECK(message.find("unsupported format version") != std::string::npos);
  writeLe(bytes, 4, 0, 2);
  CHECK(rejected(bytes, bytes.size(), &message));
  CHECK(message.find("unsupported format version 0") != std::string::npos);

  bytes = good;
  bytes[12] = static_cast<char>(bytes[12] + 1);
  CHECK(rejected(bytes, bytes.size(), &message));
  CHECK(message.find("checksum mismatch") != std::string::npos);

  bytes = good;
  bytes[0] = 'X';
  CHECK(rejected(bytes, bytes.size(), &message));
  CHECK(message.find("bad magic") != std::string::npos);

  bytes = good;
  writeLe(bytes, 6, 1, 2);
  CHECK(rejected(bytes, bytes.size(), &message));
  CHECK(message.find("flags") != std::string::npos);

  bytes = good + "x";
  CHECK(rejected(bytes, bytes.size(), &message));
  CHECK(message.find("unexpected bytes") != std::string::npos);
}

// Past the checksum: each byte of the payload flipped with the checksum recomputed, so the
// decoder, link() and the verifier see it. A corruption may still be a valid program (a changed
// letter in a message); then example claims must still be decided or refused, never crash.
TEST_CASE("re-checksummed corruptions are rejected or still safe to run", "[embed][corrupt]") {
  const std::string good = ppl_test::readFile(kPackPath);
  const auto claims = ppl_test::exampleClaims(kClaimsDir);
  constexpr size_t kStride = 7;  // every 7th payload byte: every byte takes minutes under ASan
  const auto start = std::chrono::steady_clock::now();
  size_t tried = 0, loaded = 0, decided = 0;
  std::string bytes = good;
  for (size_t at = ppl::kPplbHeaderSize; at < good.size(); at += kStride) {
    bytes[at] = static_cast<char>(good[at] ^ 0xFF);
    fixChecksum(bytes);
    ++tried;
    ppl_program* p = nullptr;
    const ppl_status s = ppl_program_load(bytes.data(), bytes.size(), nullptr, &p, nullptr, 0);
    if (s == PPL_OK) {
      ++loaded;
      ppl_evaluator* ev = nullptr;
      REQUIRE(ppl_evaluator_new(p, &ev) == PPL_OK);
      // Four claims per surviving program, rotating through the examples: all of them per
      // program would double the test's time for little more coverage.
      for (size_t j = 0; j < 4; ++j) {
        const auto& claim = claims[(tried + j * 5) % claims.size()];
        const ppl_decision* d = nullptr;
        const ppl_status ds = ppl_decide_json(ev, claim.json.data(), claim.json.size(), &d);
        if (ds == PPL_OK) {
          const char* json = nullptr;
          REQUIRE(ppl_decision_json(d, 0, &json, nullptr) == PPL_OK);
          ++decided;
        } else {
          CHECK((ds == PPL_ERR_CLAIM || ds == PPL_ERR_EVAL));
        }
      }
      ppl_evaluator_free(ev);
      ppl_program_free(p);
    } else {
      CHECK(s == PPL_ERR_PROGRAM);
    }
    bytes[at] = good[at];
  }
  WARN(tried << " re-checksummed corruptions (every " << kStride << "th byte): " << tried - loaded << " rejected, "
             << loaded << " still valid programs (" << decided << " claims decided by them) in "
             << secondsSince(start) << " s");
}
