// Every kind of bad input that docs/spec/claim-facts.md names, through the real claim schema
// (stdlib/claim.ppl): the claim is refused with the JSON path of the offending value.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "compiler/compiler.h"
#include "vm/claim_loader.h"

using namespace ppl;

namespace {

std::string baseClaim() {
  std::ifstream in(std::string(PPL_SOURCE_DIR) + "/examples/claims/commercial-approve.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const Schema& claimSchema() {
  static Schema schema = [] {
    Schema s;
    Diagnostics diags;
    SourceManager sources;
    REQUIRE(builtinSchema(s, diags, sources));
    return s;
  }();
  return schema;
}

// Replaces the first occurrence of `from` (which must exist) with `to`.
std::string edit(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

struct BadCase {
  const char* what;
  const char* from;
  const char* to;
  const char* path;
  const char* message;  // a part of the message
};

}  // namespace

TEST_CASE("the base claim loads with the built-in schema", "[claim]") {
  ClaimLoader loader(claimSchema());
  Facts facts;
  ClaimError error;
  INFO(error.path << ": " << error.message);
  CHECK(loader.load(baseClaim(), facts, error));
}

TEST_CASE("each kind of bad claim is refused with its JSON path", "[claim]") {
  const BadCase cases[] = {
      {"missing required field", "\"units\": 40,", "", "/lines/0/units", "missing required field `units`"},
      {"wrong type", "\"claim_id\": \"CLM-COMMERCIAL-APPROVE\"", "\"claim_id\": 5", "/claim_id", "must be a string"},
      {"half a surrogate pair", "\"claim_id\": \"CLM-COMMERCIAL-APPROVE\"", "\"claim_id\": \"CLM-\\ud800\"", "",
       "malformed json: a string with a bad escape (`\\u` takes four hex digits, and a UTF-16 surrogate"},
      {"impossible date", "\"service_date\": \"2026-10-05\"", "\"service_date\": \"2026-02-30\"", "/lines/0/service_date", "calendar date"},
      {"malformed date", "\"birth_date\": \"1951-03-02\"", "\"birth_date\": \"1951-3-2\"", "/patient/birth_date", "calendar date"},
      {"malformed hcpcs", "\"hcpcs\": \"J9027\",\n      \"modifiers\"", "\"hcpcs\": \"j9027\",\n      \"modifiers\"", "/lines/0/hcpcs", "hcpcs"},
      {"malformed icd-10-cm", "\"C79.51\"", "\"C7951\"", "/diagnoses/2", "icd-10-cm"},
      {"malformed npi", "\"npi\": \"1234567893\"", "\"npi\": \"12345\"", "/provider/npi", "npi"},
      {"malformed ndc", "\"ndc\": \"00024582411\"", "\"ndc\": \"00024-5824-11\"", "/lines/0/ndc", "ndc"},
      {"malformed modifier", "\"JZ\"", "\"JZZ\"", "/lines/0/modifiers/0", "modifier"},
      {"malformed place of service", "\"place_of_service\": \"11\"", "\"place_of_service\": \"011\"", "/place_of_service", "place of service"},
      {"enum value", "\"line_of_business\": \"commercial\"", "\"line_of_business\": \"medicaid\"", "/payer/line_of_business", "must be one of"},
      {"negative quantity", "\"units\": 40,", "\"units\": -1,", "/lines/0/units", ">= 0"},
      {"negative charge", "\"charge\": 9800.0,", "\"charge\": -0.01,", "/lines/0/charge", ">= 0"},
      {"zero height", "\"height_cm\": 178,", "\"height_cm\": 0,", "/patient/height_cm", "> 0"},
      {"too many integer digits", "\"units\": 40,", "\"units\": 1234567890,", "/lines/0/units", "at most 9 digits"},
      {"too many fraction digits", "\"units\": 40,", "\"units\": 40.0000001,", "/lines/0/units", "6 after"},
      {"duplicate line number", "\"line_number\": 2,", "\"line_number\": 1,", "/lines/1/line_number", "duplicate line_number 1"},
      {"authorization ends before it starts", "\"valid_through\": \"2026-12-31\"", "\"valid_through\": \"2026-06-30\"", "/authorizations/0/valid_through", "before valid_from"},
      {"therapy ends before it starts", "\"end\": \"2025-07-20\"", "\"end\": \"2025-01-09\"", "/history/therapies/0/end", "before start"},
      {"no lines", "\"lines\": [", "\"lines\": [], \"x\": [", "/lines", "at least one"},
      {"line number not an integer", "\"line_number\": 1,", "\"line_number\": 1.5,", "/lines/0/line_number", "integer"},
      {"line number below 1", "\"line_number\": 1,", "\"line_number\": 0,", "/lines/0/line_number", ">= 1"},
      // An array around the claim, left open: the broken JSON is the fault, not the array.
      {"an array left open", "{\n  \"claim_id\"", "[{\n  \"claim_id\"", "",
       "the text ends before the `[` opened at line 1, column 1 is closed"},
      {"malformed json", "\"sex\": \"M\",", "\"sex\": \"M\",,", "", ""},
      // A `]` left out makes "lines" look like a fourth diagnosis; the broken JSON is the fault.
      {"list left open", "\"C79.51\"\n  ],", "\"C79.51\"\n  ,", "",
       "malformed json: `}` where the `[` opened at line 20, column 16 needs `]`"},
      {"closing quote left out", "\"member_id\": \"M-100\",", "\"member_id\": \"M-100,", "",
       "malformed json: this string runs past the end of its line: is its closing quote missing?"},
      // An analyst's slips in hand-written JSON, named (review17a F17).
      {"trailing comma in a list", "\"C79.51\"\n  ],", "\"C79.51\",\n  ],", "",
       "malformed json: a comma before `]`: JSON allows none after the last element (near /diagnoses/3, line 24, column 3)"},
      {"single quotes", "\"member_id\": \"M-100\",", "'member_id': 'M-100',", "",
       "malformed json: JSON strings are written in double quotes, not single"},
      {"ten-digit line number", "\"line_number\": 1,", "\"line_number\": 1000000000,", "/lines/0/line_number",
       "must be an integer with at most 9 digits, got 1000000000"},
      {"authorization status", "\"status\": \"approved\"", "\"status\": \"approve\"", "/authorizations/0/status", "must be one of"},
      {"evidence kind", "\"kind\": \"psa\"", "\"kind\": \"PSA\"", "/history/evidence/0/kind", "must be one of"},
  };
  ClaimLoader loader(claimSchema());
  for (const BadCase& c : cases) {
    INFO(c.what);
    std::string json = edit(baseClaim(), c.from, c.to);
    Facts facts;
    ClaimError error;
    CHECK_FALSE(loader.load(json, facts, error));
    CHECK(error.path == c.path);
    INFO(error.message);
    CHECK(error.message.find(c.message) != std::string::npos);
  }
}

TEST_CASE("unknown fields are ignored, absent optional collections are empty", "[claim]") {
  ClaimLoader loader(claimSchema());
  Facts facts;
  ClaimError error;
  std::string json = edit(baseClaim(), "\"claim_type\"", "\"extra\": {\"deep\": [1, {\"x\": null}]}, \"claim_type\"");
  CHECK(loader.load(json, facts, error));
  std::string minimal = edit(edit(baseClaim(), "\"authorizations\": [", "\"ignored_authorizations\": ["), "\"history\": {", "\"ignored_history\": {");
  CHECK(loader.load(minimal, facts, error));
}

// Deciding a claim costs about the square of its line count (rules compare lines), so the
// loader bounds the lines: kMaxLines is accepted, one more is refused at its index.
TEST_CASE("a claim of more than kMaxLines lines is refused at the first line too many", "[claim]") {
  auto claimWithLines = [](uint32_t count) {
    std::string lines;
    for (uint32_t i = 1; i <= count; ++i) {
      if (i > 1) lines += ",";
      lines += "{\"line_number\": " + std::to_string(i) +
               ", \"hcpcs\": \"96413\", \"units\": 1, \"service_date\": \"2026-10-05\", \"charge\": 1}";
    }
    std::string json = baseClaim();
    const size_t from = json.find("\"lines\": [");
    const size_t to = json.find("\"authorizations\"");
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    return json.replace(from, to - from, "\"lines\": [" + lines + "],\n  ");
  };
  ClaimLoader loader(claimSchema());
  Facts facts;
  ClaimError error;
  CHECK(loader.load(claimWithLines(kMaxLines), facts, error));
  CHECK_FALSE(loader.load(claimWithLines(kMaxLines + 1), facts, error));
  CHECK(error.path == "/lines/999");
  CHECK(error.message == "a list of a claim holds at most 999 elements");
}

// The other lists come from the payer's records (a member's history) and may be far longer
// than a claim's lines: the loader takes them up to kMaxListElements (the fast path leaves a
// list longer than kMaxLines to the general path) and refuses one more, with its path.
TEST_CASE("a list other than the lines holds up to kMaxListElements elements", "[claim]") {
  // commercial-approve.json has three diagnoses; `count` more go before them.
  auto claimWithMoreDiagnoses = [](uint32_t count) {
    std::string more;
    for (uint32_t i = 0; i < count; ++i) more += "\"C79.51\", ";
    return edit(baseClaim(), "\"diagnoses\": [", "\"diagnoses\": [" + more);
  };
  const SchemaRecord& root = claimSchema().records[claimSchema().root];
  const uint32_t diagnosesSlot = root.fields[static_cast<size_t>(root.findField("diagnoses"))].slot;
  ClaimLoader loader(claimSchema());
  Facts facts;
  ClaimError error;
  REQUIRE(loader.load(claimWithMoreDiagnoses(kMaxLines), facts, error));  // past the fast path's bound
  CHECK(facts.field(Facts::kRootBase, diagnosesSlot).list.count == kMaxLines + 3);
  REQUIRE(loader.load(claimWithMoreDiagnoses(kMaxListElements - 3), facts, error));
  CHECK(facts.field(Facts::kRootBase, diagnosesSlot).list.count == kMaxListElements);
  CHECK_FALSE(loader.load(claimWithMoreDiagnoses(kMaxListElements - 2), facts, error));
  CHECK(error.path == "/diagnoses/100000");
  CHECK(error.message == "a list of a claim holds at most 100000 elements");
}
