// The claim loader against a hand-built schema that holds every kind of field: values land in
// their slots, defaults and absences, list layout, and every error with its exact path.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "runtime/claim_checks.h"
#include "runtime/date.h"
#include "runtime/decimal.h"
#include "runtime/facts_compare.h"
#include "runtime/schema.h"
#include "vm/claim_loader.h"

#ifdef PPL_SOURCE_DIR
#include "compiler/compiler.h"
#include "compiler/diagnostics.h"
#endif

using namespace ppl;

namespace {

Decimal dec(const char* text) {
  Decimal d;
  REQUIRE(Decimal::parse(text, d));
  return d;
}

int32_t day(const char* text) {
  int32_t days = 0;
  REQUIRE(parseDate(text, days));
  return days;
}

SchemaField& addField(SchemaRecord& rec, const char* name, ValueKind kind) {
  SchemaField f;
  f.name = name;
  f.type.kind = kind;
  f.slot = static_cast<uint32_t>(rec.fields.size()) + 1;
  rec.fields.push_back(f);
  return rec.fields.back();
}

SchemaField& addList(SchemaRecord& rec, const char* name, ValueKind elemKind) {
  SchemaField& f = addField(rec, name, ValueKind::kList);
  f.type.elemKind = elemKind;
  return f;
}

enum : uint32_t { kClaim, kItem, kExtra, kInner };

// record Claim {
//   claim_id: string, not empty;  kind: one of ("alpha", "beta", "gamma");  flag: bool, default false
//   count: integer, at least 1;  amount: decimal, at least 0;  ratio: optional decimal, above 0
//   code: string, format hcpcs;  start: date;  end: optional date, not before start
//   note: optional string;  tags: list of string, format modifier, default []
//   items: list of Item, not empty, unique number;  extra: Extra, default {};  maybe: optional Extra
//   limit: decimal, default 5.5;  codes: list of string, format icd10cm;  nums: optional list of decimal, at least 0
//   when: optional list of date }
// record Item { number: integer, at least 1;  name: string;  mods: list of string, default [];  price: optional decimal }
// record Extra { level: integer, default 3;  labels: list of string, default [];  inner: Inner, default {} }
// record Inner { on: bool, default true;  day: optional date }
Schema testSchema() {
  Schema s;
  s.name = "test";
  s.version = "1";
  s.enums.push_back({"alpha", "beta", "gamma"});
  s.records.resize(4);
  s.records[kClaim].name = "Claim";
  s.records[kItem].name = "Item";
  s.records[kExtra].name = "Extra";
  s.records[kInner].name = "Inner";
  s.root = kClaim;

  SchemaRecord& c = s.records[kClaim];
  addField(c, "claim_id", ValueKind::kString).nonEmpty = true;
  addField(c, "kind", ValueKind::kString).type.enumIndex = 0;
  {
    SchemaField& f = addField(c, "flag", ValueKind::kBool);
    f.hasDefault = true;
    f.defaultValue = Value::ofBool(false);
  }
  {
    SchemaField& f = addField(c, "count", ValueKind::kInt);
    f.hasMin = true;
    f.min = Decimal::fromInt(1);
  }
  {
    SchemaField& f = addField(c, "amount", ValueKind::kDecimal);
    f.hasMin = true;
  }
  {
    SchemaField& f = addField(c, "ratio", ValueKind::kDecimal);
    f.optional = true;
    f.hasMin = true;
    f.minExclusive = true;
  }
  addField(c, "code", ValueKind::kString).type.format = StringFormat::kHcpcs;
  addField(c, "start", ValueKind::kDate);
  {
    SchemaField& f = addField(c, "end", ValueKind::kDate);
    f.optional = true;
    f.notBefore = c.findField("start");
  }
  addField(c, "note", ValueKind::kString).optional = true;
  {
    SchemaField& f = addList(c, "tags", ValueKind::kString);
    f.type.format = StringFormat::kModifier;
    f.hasDefault = true;
  }
  {
    SchemaField& f = addList(c, "items", ValueKind::kRecord);
    f.type.record = kItem;
    f.nonEmpty = true;
    f.uniqueBy = 0;  // Item.number
  }
  {
    SchemaField& f = addField(c, "extra", ValueKind::kRecord);
    f.type.record = kExtra;
    f.hasDefault = true;
  }
  {
    SchemaField& f = addField(c, "maybe", ValueKind::kRecord);
    f.type.record = kExtra;
    f.optional = true;
  }
  {
    SchemaField& f = addField(c, "limit", ValueKind::kDecimal);
    f.hasDefault = true;
    f.defaultValue = Value::ofDecimal(dec("5.5"));
  }
  addList(c, "codes", ValueKind::kString).type.format = StringFormat::kIcd10cm;
  {
    SchemaField& f = addList(c, "nums", ValueKind::kDecimal);
    f.optional = true;
    f.hasMin = true;
  }
  addList(c, "when", ValueKind::kDate).optional = true;

  SchemaRecord& item = s.records[kItem];
  {
    SchemaField& f = addField(item, "number", ValueKind::kInt);
    f.hasMin = true;
    f.min = Decimal::fromInt(1);
  }
  addField(item, "name", ValueKind::kString);
  addList(item, "mods", ValueKind::kString).hasDefault = true;
  addField(item, "price", ValueKind::kDecimal).optional = true;

  SchemaRecord& extra = s.records[kExtra];
  {
    SchemaField& f = addField(extra, "level", ValueKind::kInt);
    f.hasDefault = true;
    f.defaultValue = Value::ofInt(3);
  }
  addList(extra, "labels", ValueKind::kString).hasDefault = true;
  {
    SchemaField& f = addField(extra, "inner", ValueKind::kRecord);
    f.type.record = kInner;
    f.hasDefault = true;
  }

  SchemaRecord& inner = s.records[kInner];
  {
    SchemaField& f = addField(inner, "on", ValueKind::kBool);
    f.hasDefault = true;
    f.defaultValue = Value::ofBool(true);
  }
  addField(inner, "day", ValueKind::kDate).optional = true;
  return s;
}

const Schema& schema() {
  static const Schema s = testSchema();
  return s;
}

// A field of the record of type `record` at `base`.
const Value& at(const Facts& facts, uint32_t record, uint32_t base, const char* name) {
  const SchemaRecord& rec = schema().records[record];
  int k = rec.findField(name);
  REQUIRE(k >= 0);
  REQUIRE(base + rec.fields[k].slot < facts.slots.size());
  return facts.slots[base + rec.fields[k].slot];
}

std::string str(const Value& v) { return std::string(v.s.view()); }

// The facts as text, walking the schema, so that two loads can be compared.
void dumpRecord(const Facts& facts, uint32_t record, uint32_t base, std::string& out);

void dumpScalar(ValueKind kind, const Value& v, std::string& out) {
  if (v.absent) {
    out += "absent";
  } else if (kind == ValueKind::kString) {
    out += "\"" + str(v) + "\"";
  } else if (kind == ValueKind::kDecimal) {
    out += v.d.toString();
  } else {
    out += std::to_string(v.i);
  }
}

void dumpRecord(const Facts& facts, uint32_t record, uint32_t base, std::string& out) {
  const SchemaRecord& rec = schema().records[record];
  out += "{#" + std::to_string(facts.slots[base].i);
  for (const SchemaField& f : rec.fields) {
    const Value& v = facts.slots[base + f.slot];
    out += " " + f.name + "=";
    if (v.absent) {
      out += "absent";
    } else if (f.type.kind == ValueKind::kRecord) {
      dumpRecord(facts, f.type.record, v.rec, out);
    } else if (f.type.kind == ValueKind::kList) {
      REQUIRE(uint64_t(v.list.begin) + v.list.count <= facts.elems.size());
      out += "[";
      for (uint32_t i = 0; i < v.list.count; ++i) {
        const Value& e = facts.element(v.list, i);
        if (f.type.elemKind == ValueKind::kRecord) {
          dumpRecord(facts, f.type.record, e.rec, out);
        } else {
          dumpScalar(f.type.elemKind, e, out);
        }
        out += ",";
      }
      out += "]";
    } else {
      dumpScalar(f.type.kind, v, out);
    }
  }
  out += "}";
}

std::string dump(const Facts& facts) {
  std::string out;
  dumpRecord(facts, kClaim, Facts::kRootBase, out);
  return out;
}

const char* const kFullClaim = R"({
  "claim_id": "C-1",
  "kind": "beta",
  "count": 2,
  "amount": 82.50,
  "ratio": 1e2,
  "code": "J9027",
  "start": "2026-01-31",
  "end": "2026-02-01",
  "note": "h\u00e9llo \"q\"",
  "tags": ["JZ", "JW"],
  "unknown": {"deep": [1, 2, {"x": null, "y": [[], {}]}], "z": "\u0000"},
  "items": [
    {"number": 1, "name": "a", "mods": ["X1", "Y2"], "price": 0.000001, "extra": true},
    {"number": 2.0, "name": "b"},
    {"number": 3, "name": "c", "mods": ["Z3"]}
  ],
  "codes": ["C61", "Z19.2"],
  "maybe": {"level": 7, "inner": {"on": false, "day": "2024-02-29"}},
  "nums": [0, 1.25, 1E+2],
  "when": ["2026-03-01"]
})";

// The smallest valid claim, as (key, JSON text) pairs that tests replace, drop or extend.
using Fields = std::vector<std::pair<std::string, std::string>>;

Fields minimalFields() {
  return {{"claim_id", R"("C-1")"},   {"kind", R"("alpha")"},        {"count", "1"},
          {"amount", "0"},            {"code", R"("J9027")"},        {"start", R"("2026-01-01")"},
          {"items", R"([{"number": 1, "name": "a"}])"}, {"codes", "[]"}};
}

// The minimal claim with `key` set to `json` (added when new, dropped when `json` is empty).
std::string claimWith(const std::string& key, const std::string& json) {
  Fields fields = minimalFields();
  bool found = false;
  for (auto& [k, v] : fields) {
    if (k == key) {
      v = json;
      found = true;
    }
  }
  if (!found) fields.emplace_back(key, json);
  std::string out = "{";
  for (const auto& [k, v] : fields) {
    if (v.empty()) continue;
    if (out.size() > 1) out += ", ";
    out += "\"" + k + "\": " + v;
  }
  return out + "}";
}

struct Loaded {
  bool ok;
  ClaimError error;
};

Loaded loadText(ClaimLoader& loader, const std::string& json, Facts& facts) {
  Loaded r;
  r.ok = loader.load(json, facts, r.error);
  return r;
}

// Loads `json`, which must fail with exactly `path` and a message containing `message`.
void expectError(const std::string& json, const std::string& path, const std::string& message) {
  ClaimLoader loader(schema());
  Facts facts;
  Loaded r = loadText(loader, json, facts);
  INFO("json: " << json);
  INFO("error: " << r.error.path << ": " << r.error.message);
  REQUIRE_FALSE(r.ok);
  CHECK(r.error.path == path);
  CHECK_THAT(r.error.message, Catch::Contains(message));
  CHECK(facts.slots.empty());
  CHECK(facts.elems.empty());
}

}  // namespace

TEST_CASE("claim loader: values land in their slots", "[claim_loader]") {
  ClaimLoader loader(schema());
  Facts facts;
  Loaded r = loadText(loader, kFullClaim, facts);
  INFO(r.error.path << ": " << r.error.message);
  REQUIRE(r.ok);

  const uint32_t root = Facts::kRootBase;
  CHECK(facts.slots[root].i == 0);
  CHECK(str(at(facts, kClaim, root, "claim_id")) == "C-1");
  CHECK(str(at(facts, kClaim, root, "kind")) == "beta");
  CHECK(at(facts, kClaim, root, "count").i == 2);
  CHECK(at(facts, kClaim, root, "amount").d == dec("82.5"));
  CHECK(at(facts, kClaim, root, "ratio").d == dec("100"));
  CHECK(str(at(facts, kClaim, root, "code")) == "J9027");
  CHECK(at(facts, kClaim, root, "start").i == day("2026-01-31"));
  CHECK(at(facts, kClaim, root, "end").i == day("2026-02-01"));
  CHECK(str(at(facts, kClaim, root, "note")) == "h\xC3\xA9llo \"q\"");

  const Value& tags = at(facts, kClaim, root, "tags");
  REQUIRE(tags.list.count == 2);
  CHECK(str(facts.element(tags.list, 0)) == "JZ");
  CHECK(str(facts.element(tags.list, 1)) == "JW");

  // Items: three records in one run, ordinals 0..2, each with its own modifiers run.
  const Value& items = at(facts, kClaim, root, "items");
  REQUIRE(items.list.count == 3);
  for (uint32_t i = 0; i < 3; ++i) {
    uint32_t base = facts.element(items.list, i).rec;
    CHECK(facts.slots[base].i == i);
    CHECK(at(facts, kItem, base, "number").i == i + 1);
  }
  const uint32_t item0 = facts.element(items.list, 0).rec;
  const uint32_t item1 = facts.element(items.list, 1).rec;
  const uint32_t item2 = facts.element(items.list, 2).rec;
  CHECK(str(at(facts, kItem, item1, "name")) == "b");
  CHECK(at(facts, kItem, item0, "price").d == dec("0.000001"));
  CHECK(at(facts, kItem, item1, "price").absent == 1);
  const Value& mods0 = at(facts, kItem, item0, "mods");
  REQUIRE(mods0.list.count == 2);
  CHECK(str(facts.element(mods0.list, 0)) == "X1");
  CHECK(str(facts.element(mods0.list, 1)) == "Y2");
  CHECK(at(facts, kItem, item1, "mods").list.count == 0);  // default []
  const Value& mods2 = at(facts, kItem, item2, "mods");
  REQUIRE(mods2.list.count == 1);
  CHECK(str(facts.element(mods2.list, 0)) == "Z3");
  // A nested list's elements never split its parent's run.
  CHECK((mods2.list.begin + 1 <= items.list.begin || mods2.list.begin >= items.list.begin + 3));
  CHECK((mods0.list.begin + 2 <= items.list.begin || mods0.list.begin >= items.list.begin + 3));

  const Value& codes = at(facts, kClaim, root, "codes");
  REQUIRE(codes.list.count == 2);
  CHECK(str(facts.element(codes.list, 1)) == "Z19.2");

  const Value& nums = at(facts, kClaim, root, "nums");
  REQUIRE(nums.list.count == 3);
  CHECK(facts.element(nums.list, 0).d == dec("0"));
  CHECK(facts.element(nums.list, 1).d == dec("1.25"));
  CHECK(facts.element(nums.list, 2).d == dec("100"));

  const Value& when = at(facts, kClaim, root, "when");
  REQUIRE(when.list.count == 1);
  CHECK(facts.element(when.list, 0).i == day("2026-03-01"));

  // Present optional record, with its own default for the absent list.
  const Value& maybe = at(facts, kClaim, root, "maybe");
  REQUIRE(maybe.absent == 0);
  CHECK(facts.slots[maybe.rec].i == 0);
  CHECK(at(facts, kExtra, maybe.rec, "level").i == 7);
  CHECK(at(facts, kExtra, maybe.rec, "labels").list.count == 0);
  const Value& inner = at(facts, kExtra, maybe.rec, "inner");
  CHECK(at(facts, kInner, inner.rec, "on").i == 0);
  CHECK(at(facts, kInner, inner.rec, "day").i == day("2024-02-29"));

  // Absent with defaults.
  CHECK(at(facts, kClaim, root, "flag").absent == 0);
  CHECK(at(facts, kClaim, root, "flag").i == 0);
  CHECK(at(facts, kClaim, root, "limit").d == dec("5.5"));
  const Value& extra = at(facts, kClaim, root, "extra");
  REQUIRE(extra.absent == 0);
  CHECK(at(facts, kExtra, extra.rec, "level").i == 3);
  CHECK(at(facts, kExtra, extra.rec, "labels").list.count == 0);
  const Value& extraInner = at(facts, kExtra, extra.rec, "inner");
  REQUIRE(extraInner.absent == 0);
  CHECK(at(facts, kInner, extraInner.rec, "on").i == 1);
  CHECK(at(facts, kInner, extraInner.rec, "day").absent == 1);

  std::string id;
  CHECK(loader.lastClaimId(id));
  CHECK(id == "C-1");
}

TEST_CASE("claim loader: absent optional fields and defaults", "[claim_loader]") {
  ClaimLoader loader(schema());
  Facts facts;
  Loaded r = loadText(loader, claimWith("none", ""), facts);
  INFO(r.error.path << ": " << r.error.message);
  REQUIRE(r.ok);
  const uint32_t root = Facts::kRootBase;
  for (const char* name : {"ratio", "end", "note", "maybe", "nums", "when"}) {
    INFO(name);
    CHECK(at(facts, kClaim, root, name).absent == 1);
  }
  CHECK(at(facts, kClaim, root, "tags").absent == 0);
  CHECK(at(facts, kClaim, root, "tags").list.count == 0);
  CHECK(at(facts, kClaim, root, "tags").list.begin <= facts.elems.size());
  CHECK(at(facts, kClaim, root, "codes").list.count == 0);
  CHECK(at(facts, kClaim, root, "flag").i == 0);
  CHECK(at(facts, kClaim, root, "amount").d.isZero());
  const Value& extra = at(facts, kClaim, root, "extra");
  CHECK(at(facts, kExtra, extra.rec, "level").i == 3);

  // An explicitly empty object takes the same defaults.
  REQUIRE(loadText(loader, claimWith("extra", "{}"), facts).ok);
  const Value& extra2 = at(facts, kClaim, root, "extra");
  CHECK(at(facts, kExtra, extra2.rec, "level").i == 3);
  CHECK(at(facts, kInner, at(facts, kExtra, extra2.rec, "inner").rec, "on").i == 1);
}

TEST_CASE("claim loader: numbers are exact", "[claim_loader]") {
  ClaimLoader loader(schema());
  Facts facts;
  const uint32_t root = Facts::kRootBase;
  struct Case {
    const char* json;
    const char* value;
  };
  for (Case c : {Case{"82.50", "82.5"}, Case{"1e2", "100"}, Case{"0.1", "0.1"}, Case{"30.125", "30.125"},
                 Case{"-0", "0"}, Case{"999999999.999999", "999999999.999999"}, Case{"82.500000000", "82.5"},
                 Case{"1.5E-1", "0.15"}}) {
    INFO(c.json);
    Loaded r = loadText(loader, claimWith("amount", c.json), facts);
    INFO(r.error.message);
    REQUIRE(r.ok);
    CHECK(at(facts, kClaim, root, "amount").d == dec(c.value));
  }
  struct IntCase {
    const char* json;
    int64_t value;
  };
  for (IntCase c : {IntCase{"1", 1}, IntCase{"1.0", 1}, IntCase{"1e2", 100}, IntCase{"2.50e1", 25},
                    IntCase{"999999999", 999999999}, IntCase{"9.99999999e8", 999999999}}) {
    INFO(c.json);
    Loaded r = loadText(loader, claimWith("count", c.json), facts);
    INFO(r.error.message);
    REQUIRE(r.ok);
    CHECK(at(facts, kClaim, root, "count").i == c.value);
  }
}

TEST_CASE("claim loader: loading twice gives the same facts", "[claim_loader]") {
  ClaimLoader loader(schema());
  Facts facts;
  REQUIRE(loadText(loader, kFullClaim, facts).ok);
  const std::string first = dump(facts);
  const size_t slots = facts.slots.size(), elems = facts.elems.size();
  // Something else in between, failed and not, must leave no trace.
  REQUIRE_FALSE(loadText(loader, claimWith("count", "0"), facts).ok);
  REQUIRE(loadText(loader, claimWith("none", ""), facts).ok);
  REQUIRE(loadText(loader, kFullClaim, facts).ok);
  CHECK(dump(facts) == first);
  CHECK(facts.slots.size() == slots);
  CHECK(facts.elems.size() == elems);
  REQUIRE(loadText(loader, kFullClaim, facts).ok);
  CHECK(dump(facts) == first);
}

TEST_CASE("claim loader: wrong json types", "[claim_loader]") {
  expectError(claimWith("claim_id", "5"), "/claim_id", "must be a string, got 5");
  expectError(claimWith("kind", "5"), "/kind", "must be a string, one of alpha, beta, gamma, got 5");
  expectError(claimWith("count", R"("2")"), "/count", R"(must be an integer, got "2")");
  expectError(claimWith("amount", "true"), "/amount", "must be a number, got true");
  expectError(claimWith("flag", "1"), "/flag", "must be true or false, got 1");
  expectError(claimWith("note", "null"), "/note", "must be a string, got null");
  expectError(claimWith("start", "20260101"), "/start", "must be a date string YYYY-MM-DD, got 20260101");
  expectError(claimWith("items", "{}"), "/items", "must be an array, got an object");
  expectError(claimWith("items", "[5]"), "/items/0", "must be an object, got 5");
  expectError(claimWith("items", R"([{"number": 1, "name": "a"}, []])"), "/items/1", "must be an object, got an array");
  expectError(claimWith("maybe", "[]"), "/maybe", "must be an object, got an array");
  expectError(claimWith("maybe", R"({"inner": {"on": "yes"}})"), "/maybe/inner/on", R"(must be true or false, got "yes")");
  expectError(claimWith("tags", R"(["JZ", 7])"), "/tags/1", "must be a string, got 7");
  expectError(claimWith("codes", R"("C61")"), "/codes", R"(must be an array, got "C61")");
  expectError(claimWith("items", R"([{"number": 1, "name": "a", "mods": [{}]}])"), "/items/0/mods/0",
              "must be a string, got an object");
}

TEST_CASE("claim loader: the top level must be an object", "[claim_loader]") {
  expectError("[1, 2]", "", "the claim must be a json object, got an array");
  expectError("5", "", "the claim must be a json object, got a number");
  expectError(R"("claim")", "", "the claim must be a json object, got a string");
  expectError("null", "", "the claim must be a json object, got null");
  expectError("true", "", "the claim must be a json object, got a boolean");
  // Broken JSON that opens as an array is reported as broken, with where.
  expectError("[}", "", "malformed json: `}` where the `[` opened at line 1, column 1 needs `]` (line 1, column 2)");
  expectError(std::string(1000, '['), "",
              "malformed json: the text ends before the `[` opened at line 1, column 1000 is closed (line 1, column 1001)");
  expectError("[1] 2", "", "malformed json: text after the end of the claim (line 1, column 5)");
}

TEST_CASE("claim loader: enums and code formats", "[claim_loader]") {
  expectError(claimWith("kind", R"("delta")"), "/kind", R"(must be one of alpha, beta, gamma, got "delta")");
  expectError(claimWith("kind", R"("Alpha")"), "/kind", "must be one of alpha, beta, gamma");
  expectError(claimWith("code", R"("J90")"), "/code", R"(must be an hcpcs code)");
  expectError(claimWith("code", R"("J90")"), "/code", R"(got "J90")");
  expectError(claimWith("code", R"("j9027")"), "/code", "must be an hcpcs code");
  expectError(claimWith("tags", R"(["JZ", "jz"])"), "/tags/1", R"(must be a modifier of 2 capital letters or digits, got "jz" (did you mean "JZ"?))");
  expectError(claimWith("codes", R"(["C61", "C61."])"), "/codes/1", "must be an icd-10-cm code");
}

TEST_CASE("claim loader: empty strings and lists", "[claim_loader]") {
  expectError(claimWith("claim_id", R"("")"), "/claim_id", "must not be empty");
  expectError(claimWith("items", "[]"), "/items", "must have at least one element");
  // `not empty` is about the list, not its elements; an empty list without it is fine.
  ClaimLoader loader(schema());
  Facts facts;
  CHECK(loadText(loader, claimWith("tags", "[]"), facts).ok);
  CHECK(loadText(loader, claimWith("note", R"("")"), facts).ok);
}

TEST_CASE("claim loader: number ranges and digit limits", "[claim_loader]") {
  expectError(claimWith("count", "0"), "/count", "must be an integer >= 1, got 0");
  expectError(claimWith("amount", "-1"), "/amount", "must be a number >= 0, got -1");
  expectError(claimWith("amount", "-0.000001"), "/amount", "must be a number >= 0, got -0.000001");
  expectError(claimWith("ratio", "0"), "/ratio", "must be a number > 0, got 0");
  expectError(claimWith("ratio", "-2.5"), "/ratio", "must be a number > 0, got -2.5");
  expectError(claimWith("nums", "[1, -1]"), "/nums/1", "must be a number >= 0, got -1");
  expectError(claimWith("items", R"([{"number": 0, "name": "a"}])"), "/items/0/number", "must be an integer >= 1, got 0");
  const char* digits = "must be a number with at most 9 digits before the decimal point and 6 after it";
  expectError(claimWith("amount", "1234567890"), "/amount", std::string(digits) + ", got 1234567890");
  expectError(claimWith("amount", "0.0000001"), "/amount", digits);
  expectError(claimWith("amount", "1e9"), "/amount", digits);
  expectError(claimWith("amount", "1e300"), "/amount", digits);
  expectError(claimWith("amount", "1e-300"), "/amount", digits);
  expectError(claimWith("amount", "123456789012345678901234567890123456789012345"), "/amount", digits);
  expectError(claimWith("count", "1.5"), "/count", "must be an integer, got 1.5");
  expectError(claimWith("count", "1e-1"), "/count", "must be an integer, got 1e-1");
  // "Every number" has at most 9 digits before the point (claim-facts.md): integers too.
  const char* intDigits = "must be an integer with at most 9 digits";
  for (const char* nine : {"999999999", "999999999.0", "9.99999999e8"}) {
    ClaimLoader loader(schema());
    Facts facts;
    INFO(nine);
    CHECK(loadText(loader, claimWith("count", nine), facts).ok);
  }
  expectError(claimWith("count", "1000000000"), "/count", std::string(intDigits) + ", got 1000000000");
  expectError(claimWith("count", "-1000000000"), "/count", std::string(intDigits) + ", got -1000000000");
  expectError(claimWith("count", "1e9"), "/count", std::string(intDigits) + ", got 1e9");
  expectError(claimWith("count", "1000000000.0"), "/count", intDigits);
  expectError(claimWith("count", "9223372036854775808"), "/count", intDigits);
  expectError(claimWith("count", "1e19"), "/count", std::string(intDigits) + ", got 1e19");
  expectError(claimWith("count", "123456789012345678901234567890123456789012345678901234567890"), "/count",
              std::string(intDigits) + ", got 1234567890123456789012345678901234567890...");
  // The largest negative integer of 9 digits is in range (and then below the minimum).
  expectError(claimWith("count", "-999999999"), "/count", "must be an integer >= 1, got -999999999");
}

TEST_CASE("claim loader: dates", "[claim_loader]") {
  expectError(claimWith("start", R"("2026-02-30")"), "/start", R"(must be a calendar date YYYY-MM-DD, got "2026-02-30")");
  expectError(claimWith("start", R"("2025-02-29")"), "/start", "must be a calendar date");
  expectError(claimWith("start", R"("2026-13-01")"), "/start", "must be a calendar date");
  expectError(claimWith("start", R"("2026-1-01")"), "/start", "must be a calendar date");
  expectError(claimWith("start", R"("2026-01-01T00:00:00Z")"), "/start", "must be a calendar date");
  expectError(claimWith("when", R"(["2026-01-01", "2026-04-31"])"), "/when/1", "must be a calendar date");
  expectError(claimWith("maybe", R"({"inner": {"day": "0000-00-00"}})"), "/maybe/inner/day", "must be a calendar date");
  // Not before: the later-declared field is the one at fault; the same day is fine.
  expectError(claimWith("end", R"("2025-12-31")"), "/end", "is before start");
  ClaimLoader loader(schema());
  Facts facts;
  CHECK(loadText(loader, claimWith("end", R"("2026-01-01")"), facts).ok);
  // Checked when the object closes, so the order of the keys does not matter.
  CHECK_FALSE(loadText(loader, R"({"end": "2025-01-01", )" + claimWith("none", "").substr(1), facts).ok);
}

TEST_CASE("claim loader: missing, duplicate and unknown keys", "[claim_loader]") {
  expectError(claimWith("count", ""), "/count", "missing required field `count`");
  expectError(claimWith("claim_id", ""), "/claim_id", "missing required field `claim_id`");
  expectError(claimWith("codes", ""), "/codes", "missing required field `codes`");
  expectError(claimWith("items", R"([{"number": 1, "name": "a"}, {"name": "b"}])"), "/items/1/number",
              "missing required field `number`");
  expectError(claimWith("claim_id", R"("a", "claim_id": "b")"), "/claim_id", "duplicate key `claim_id`");
  expectError(claimWith("items", R"([{"number": 1, "name": "a", "name": "a"}])"), "/items/0/name",
              "duplicate key `name`");
  // A duplicated key is a duplicate however it is spelt.
  expectError(claimWith("claim_id", R"("a", "claim\u005fid": "b")"), "/claim_id", "duplicate key `claim_id`");

  ClaimLoader loader(schema());
  Facts facts;
  Loaded r = loadText(loader, claimWith("x-unknown", R"({"a": [1, {"b": [true, null, "s"]}], "c": 1e999})"), facts);
  INFO(r.error.message);
  CHECK(r.ok);
  CHECK(loadText(loader, claimWith("x", R"("a", "x": "b")"), facts).ok);  // unknown duplicates are ignored
}

TEST_CASE("claim loader: an unknown field's value must be strict json too", "[claim_loader]") {
  for (const char* value : {"hello", "[1, 2,]", "{a: 1}", "01", "-", "'x'", R"("a\qb")", R"({"a" 1})", "nul",
                            "tru", "truex", "1x", "[1}", R"({"a": [1, {"b": }]})", "1.", "[[[]]", R"("\ud800")",
                            R"("\udc00x")", R"(["a\u12"])", "\"a\tb\""}) {
    INFO(value);
    ClaimLoader loader(schema());
    Facts facts;
    // Added last, so that the fast path (which checks skipped values itself) and the general
    // path both meet it.
    Loaded r = loadText(loader, claimWith("x-unknown", value), facts);
    REQUIRE_FALSE(r.ok);
    CHECK(r.error.path == "");
    CHECK_THAT(r.error.message, Catch::StartsWith("malformed json: "));
  }
  // Brackets that balance only by count: skipped by counting, {"a": [1} would swallow the
  // fields after it and the claim would be decided without them.
  const std::string rest = claimWith("none", "");
  const std::string swallowing = R"({"x": {"a": [1}, )" + rest.substr(1) + "}";
  ClaimLoader loader(schema());
  Facts facts;
  Loaded r = loadText(loader, swallowing, facts);
  REQUIRE_FALSE(r.ok);
  CHECK(r.error.path == "");
  CHECK_THAT(r.error.message, Catch::StartsWith("malformed json: ") && Catch::EndsWith("(near /x)"));
  ClaimLoader loader2(schema());
  for (const char* value : {R"("\ud83d\ude00 \u00e9 \n\/")", "-0.5e+3", R"([{"a": {}}, [], null, false, 1E2])"}) {
    INFO(value);
    CHECK(loadText(loader2, claimWith("x-unknown", value), facts).ok);
  }
  // A bad escape is named, with where it is: half a surrogate pair is no Unicode text, and is
  // refused in an unknown field as simdjson refuses it in a known one.
  expectError(claimWith("x-unknown", R"(["a", "\ud800"])"), "",
              "malformed json: the string escape `\\ud800` is the first half of a UTF-16 surrogate pair "
              "without the second (near /x-unknown, line ");
  expectError(claimWith("x-unknown", R"("\udc00x")"), "",
              "the string escape `\\udc00` is the second half of a UTF-16 surrogate pair without the first");
  expectError(claimWith("x-unknown", R"("a\qb")"), "", "the string escape `\\q` is not a JSON escape");
  expectError(claimWith("x-unknown", R"("a\u12")"), "", "the string escape `\\u12` is not a JSON escape");
  // Nested unknown fields are named by the outermost unknown key.
  expectError(claimWith("items", R"([{"number": 1, "name": "a", "memo": [1,]}])"), "",
              "(near /items/0/memo)");
  // ... as a JSON Pointer: `~` and `/` in a key are written ~0 and ~1 (RFC 6901).
  expectError(claimWith("items", R"([{"number": 1, "name": "a", "a/b~c": [1,]}])"), "",
              "(near /items/0/a~1b~0c)");
}

TEST_CASE("claim loader: unique list keys", "[claim_loader]") {
  expectError(claimWith("items", R"([{"number": 1, "name": "a"}, {"number": 1, "name": "b"}])"), "/items/1/number",
              "duplicate number 1 (also /items/0)");
  // The first element that repeats an earlier one, whatever the values.
  expectError(claimWith("items", R"([{"number": 5, "name": "a"}, {"number": 2, "name": "b"}, {"number": 2, "name": "c"},
                                     {"number": 5, "name": "d"}])"),
              "/items/2/number", "duplicate number 2 (also /items/1)");
  expectError(claimWith("items", R"([{"number": 3, "name": "a"}, {"number": 1, "name": "b"}, {"number": 4, "name": "c"},
                                     {"number": 1.0, "name": "d"}, {"number": 3, "name": "e"}])"),
              "/items/3/number", "duplicate number 1 (also /items/1)");
  ClaimLoader loader(schema());
  Facts facts;
  std::string many = "[";
  // A long list (up to kMaxLines) is checked by sorting, not pairwise.
  for (int i = 1; i < 999; ++i) many += (i > 1 ? "," : "") + std::string(R"({"number": )") + std::to_string(i) + R"(, "name": "n"})";
  CHECK(loadText(loader, claimWith("items", many + "]"), facts).ok);
  expectError(claimWith("items", many + R"(, {"number": 997, "name": "n"}])"), "/items/998/number",
              "duplicate number 997 (also /items/996)");
}

TEST_CASE("claim loader: malformed json", "[claim_loader]") {
  for (const char* json : {"", "   ", "{", "}", R"({"claim_id": })", R"({"claim_id": "a",})", R"({"claim_id" "a"})",
                           R"({"claim_id": "a)", R"({"claim_id": "\x"})", "{\"claim_id\": \"\xff\"}", R"({"count": 01})",
                           R"({"count": -})", R"({"count": 1.})", R"({"count": .5})", R"({"flag": tru})",
                           R"({"tags": ["JZ" "JW"]})"}) {
    INFO(json);
    ClaimLoader loader(schema());
    Facts facts;
    Loaded r = loadText(loader, json, facts);
    REQUIRE_FALSE(r.ok);
    CHECK(r.error.path == "");
    CHECK_THAT(r.error.message, Catch::StartsWith("malformed json: "));
  }
  expectError(claimWith("count", "01"), "", "malformed json: invalid number 01 (near /count)");
  // Where the parser stopped, by line and column (characters, not bytes: "é" is one).
  expectError(R"({"claim_id": "a" "count": 1})", "", "(line 1, column 18)");
  expectError("{\n  \"claim_id\": \"a\"\n  \"count\": 1\n}", "", "(line 3, column 3)");
  expectError("{\"note\": \"\xc3\xa9\", \"claim_id\": \"a\" \"count\": 1}", "", "(line 1, column 31)");
  // simdjson counts brackets first and has no position for a count that is off, nor for bad
  // UTF-8 or a control character in a string: the loader finds the byte again (json_fault.h).
  const std::string claim = claimWith("none", "");
  expectError(claim + "]", "",
              "malformed json: text after the end of the claim (line 1, column " + std::to_string(claim.size() + 1) +
                  ")");
  expectError(R"({"claim_id": "a", "tags": ["JZ")", "",
              "malformed json: the text ends before the `[` opened at line 1, column 27 is closed (line 1, column 32)");
  expectError("{\"claim_id\": \"a\xff\"}", "", "malformed json: the byte 0xFF is not UTF-8 here (line 1, column 16)");
  expectError("{\"claim_id\":\n \"a\tb\"}", "",
              "malformed json: a control character (U+0009) inside a string; write it as \\t (line 2, column 4)");
}

TEST_CASE("claim loader: content after the claim", "[claim_loader]") {
  // Said where: two claims on one line, or a stray bracket (the claim is on one line).
  const std::string claim = claimWith("none", "");
  REQUIRE(claim.find('\n') == std::string::npos);
  expectError(claim + " {}", "",
              fmt::format("malformed json: text after the end of the claim (line 1, column {})", claim.size() + 2));
  expectError(claim + "}", "",
              fmt::format("malformed json: text after the end of the claim (line 1, column {})", claim.size() + 1));
  // A string left open at the end: its opening quote.
  expectError(R"({"claim_id": "a", "x": "b)", "", "malformed json: the text ends inside this string (line 1, column 24)");
  ClaimLoader loader(schema());
  Facts facts;
  Loaded r = loadText(loader, claimWith("none", "") + " 5", facts);
  CHECK_FALSE(r.ok);
  CHECK(r.error.path == "");
  CHECK(loadText(loader, claimWith("none", "") + " \n\t ", facts).ok);
  CHECK(loadText(loader, "\xEF\xBB\xBF" + claimWith("none", ""), facts).ok);  // a byte order mark
}

// `pplc eval --ndjson` gives each record's line in its file: every position counts from it, and
// lastErrorNamesLine says which errors name one. Lines counted by hand.
TEST_CASE("claim loader: positions count lines from the first line the caller sets", "[claim_loader]") {
  ClaimLoader loader(schema());
  Facts facts;
  auto failure = [&](const std::string& json) {
    Loaded r = loadText(loader, json, facts);
    INFO("json: " << json);
    REQUIRE_FALSE(r.ok);
    CHECK(r.error.path.empty());
    CHECK(loader.lastErrorNamesLine());
    return r.error.message;
  };
  const std::string stopped = "{\n  \"claim_id\": \"a\"\n  \"count\": 1\n}";  // the parser stops on its line 3
  loader.setFirstLine(41);
  CHECK_THAT(failure(stopped), Catch::EndsWith("(line 43, column 3)"));
  CHECK(failure(R"({"claim_id": "a", "tags": ["JZ")") ==
        "malformed json: the text ends before the `[` opened at line 41, column 27 is closed (line 41, column 32)");
  CHECK(failure("{\"claim_id\": \"a\"\n]") ==
        "malformed json: `]` where the `{` opened at line 41, column 1 needs `}` (line 42, column 1)");
  const std::string claim = claimWith("none", "");
  CHECK(failure(claim + " {}") ==
        fmt::format("malformed json: text after the end of the claim (line 41, column {})", claim.size() + 2));
  CHECK(failure(R"({"claim_id": "a", "unknown": "x\q"})") ==
        "malformed json: the string escape `\\q` is not a JSON escape (near /unknown, line 41, column 32)");
  CHECK(failure("{\"claim_id\": \"a\xff\"}") == "malformed json: the byte 0xFF is not UTF-8 here (line 41, column 16)");

  // An error without a position names no line, whatever the first line.
  Loaded schemaError = loadText(loader, claimWith("count", "\"x\""), facts);
  REQUIRE_FALSE(schemaError.ok);
  CHECK(schemaError.error.path == "/count");
  CHECK_FALSE(loader.lastErrorNamesLine());
  CHECK(failure(stopped) != "");  // and the next malformed one names one again
  // Past what an int holds (a file of more than 2^31 lines), and back to a document of its own.
  loader.setFirstLine(uint64_t{5} << 30);
  CHECK_THAT(failure(stopped), Catch::EndsWith("(line 5368709122, column 3)"));
  loader.setFirstLine(1);
  CHECK_THAT(failure(stopped), Catch::EndsWith("(line 3, column 3)"));
}

TEST_CASE("claim loader: the claim id of a bad claim", "[claim_loader]") {
  ClaimLoader loader(schema());
  Facts facts;
  std::string id;
  // Found even when the error comes first.
  REQUIRE_FALSE(loadText(loader, R"({"kind": "delta", "claim_id": "C-9"})", facts).ok);
  CHECK(loader.lastClaimId(id));
  CHECK(id == "C-9");
  REQUIRE_FALSE(loadText(loader, claimWith("count", "0"), facts).ok);
  CHECK(loader.lastClaimId(id));
  CHECK(id == "C-1");
  REQUIRE_FALSE(loadText(loader, R"({"claim_id": 5})", facts).ok);
  CHECK_FALSE(loader.lastClaimId(id));
  CHECK(id.empty());
  REQUIRE_FALSE(loadText(loader, R"({"claim_id": "C-1", )", facts).ok);
  CHECK_FALSE(loader.lastClaimId(id));
  REQUIRE_FALSE(loadText(loader, R"([{"claim_id": "C-1"}])", facts).ok);
  CHECK_FALSE(loader.lastClaimId(id));
  REQUIRE_FALSE(loadText(loader, R"({"claim_id": "", "count": 0})", facts).ok);
  CHECK(loader.lastClaimId(id));
  CHECK(id.empty());
}

TEST_CASE("claim loader: a broken schema is an error, not a crash", "[claim_loader]") {
  Schema bad = testSchema();
  bad.records[kClaim].fields[0].slot = 99;
  ClaimLoader loader(bad);
  Facts facts;
  Loaded r = loadText(loader, kFullClaim, facts);
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.error.message, Catch::StartsWith("the claim schema is invalid"));

  // A record that holds itself by default would never end.
  Schema loop = testSchema();
  SchemaField& self = addField(loop.records[kInner], "self", ValueKind::kRecord);
  self.type.record = kInner;
  self.hasDefault = true;
  ClaimLoader loopLoader(loop);
  CHECK_FALSE(loadText(loopLoader, kFullClaim, facts).ok);
}

TEST_CASE("claim loader: a record of more than 64 fields loads (by the general path)", "[claim_loader]") {
  // The fast path's sets of fields met are one word, so such a schema never takes it; a compact
  // claim with its fields in order, which the straight reader would take, must load all the same.
  Schema wide;
  wide.name = "wide";
  wide.version = "1";
  wide.records.resize(1);
  wide.records[0].name = "Claim";
  for (int i = 0; i < 70; ++i) {
    const std::string name = "f" + std::to_string(i);
    SchemaField& f = addField(wide.records[0], name.c_str(), ValueKind::kInt);
    f.optional = i % 7 == 3;
  }
  ClaimLoader loader(wide);
  Facts facts;
  std::string json = "{";
  for (int i = 0; i < 70; ++i) {
    if (i == 11) continue;  // not optional: the claim is refused without it
    json += (i ? "," : "") + std::string("\"f") + std::to_string(i) + "\":" + std::to_string(i * 3);
  }
  json += "}";
  Loaded r = loadText(loader, json, facts);
  CHECK_FALSE(r.ok);
  CHECK(r.error.path == "/f11");
  json.insert(json.find(",\"f12\""), ",\"f11\":33");
  r = loadText(loader, json, facts);
  REQUIRE(r.ok);
  REQUIRE(facts.slots.size() == 71);
  for (int i = 0; i < 70; ++i) CHECK(facts.slots[1 + i].i == i * 3);
}

TEST_CASE("claim loader: deep nesting", "[claim_loader]") {
  ClaimLoader loader(schema());
  Facts facts;
  for (int depth : {100, 5000}) {
    std::string deep = std::string(depth, '[') + std::string(depth, ']');
    CHECK(loadText(loader, claimWith("unknown", deep), facts).ok);
    CHECK_FALSE(loadText(loader, claimWith("items", deep), facts).ok);
    std::string unclosed = std::string(depth, '[');
    CHECK_FALSE(loadText(loader, claimWith("unknown", unclosed), facts).ok);
    std::string objects;
    for (int i = 0; i < depth; ++i) objects += R"({"a":)";
    objects += "1" + std::string(depth, '}');
    CHECK(loadText(loader, claimWith("unknown", objects), facts).ok);
    CHECK(loadText(loader, claimWith("maybe", objects), facts).ok);  // "a" is unknown to Extra
  }
}

// Only that nothing crashes, leaks or reads out of bounds (run under ASan/UBSan), and that
// whatever loads is laid out consistently.
TEST_CASE("claim loader: truncated and corrupted claims", "[claim_loader]") {
  ClaimLoader loader(schema());
  Facts facts;
  const std::string full = kFullClaim;
  auto check = [&](const std::string& json) {
    ClaimError error;
    if (loader.load(json, facts, error)) {
      dump(facts);  // every list and record reference in bounds
    } else {
      CHECK(!error.message.empty());
      CHECK(facts.slots.empty());
    }
  };
  for (size_t n = 0; n <= full.size(); ++n) check(full.substr(0, n));
  for (size_t n = 0; n <= full.size(); ++n) check(full.substr(n));

  std::mt19937 rng(20261005);
  const char kSpecial[] = "{}[]\",:\\0123456789.eE-+ tfnul\x00\xff\xc3";
  for (int round = 0; round < 20000; ++round) {
    std::string json = full;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng() % json.size();
      switch (rng() % 4) {
        case 0: json[pos] = static_cast<char>(rng() & 0xFF); break;
        case 1: json[pos] = kSpecial[rng() % (sizeof kSpecial - 1)]; break;
        case 2: json.erase(pos, 1 + rng() % 8); break;
        default: json.insert(pos, 1, kSpecial[rng() % (sizeof kSpecial - 1)]); break;
      }
      if (json.empty()) json = "{";
    }
    check(json);
  }
  // The loader is still sound afterwards.
  ClaimError error;
  REQUIRE(loader.load(full, facts, error));
  ClaimLoader fresh(schema());
  Facts freshFacts;
  REQUIRE(fresh.load(full, freshFacts, error));
  CHECK(dump(facts) == dump(freshFacts));
}

namespace {

// Loads `json` with the fast path on, then with the general path alone: the same outcome,
// error, claim id and facts (one loader, so strings point into the same buffers).
void expectSamePaths(ClaimLoader& loader, const Schema& s, const std::string& json) {
  Facts a, b;
  ClaimError ea, eb;
  std::string idA, idB;
  loader.useFastPath(true);
  const bool okA = loader.load(json, a, ea);
  const bool haveA = loader.lastClaimId(idA);
  loader.useFastPath(false);
  const bool okB = loader.load(json, b, eb);
  const bool haveB = loader.lastClaimId(idB);
  loader.useFastPath(true);
  INFO("json: " << json);
  REQUIRE(okA == okB);
  CHECK(ea.path == eb.path);
  CHECK(ea.message == eb.message);
  CHECK(haveA == haveB);
  CHECK(idA == idB);
  CHECK(sameFacts(s, a, b));
}

// kFullClaim as the fast path takes it: ASCII and no escapes.
std::string plainFullClaim() {
  std::string json = kFullClaim;
  json.replace(json.find(R"("h\u00e9llo \"q\"")"), std::string(R"("h\u00e9llo \"q\"")").size(), R"("hello q")");
  json.replace(json.find(R"("\u0000")"), std::string(R"("\u0000")").size(), R"("z")");
  return json;
}

// Random edits that keep close to valid claims: bytes, JSON punctuation, cut runs, inserted
// keys and values, repeated fields.
std::string mutated(std::string json, std::mt19937& rng) {
  static const char* const kPieces[] = {
      "{", "}", "[", "]", "\"", ",", ":", "\\", "0", "1", "9", ".", "e", "E", "-", "+", " ", "\n", "t", "f", "n",
      "\x00", "\xff", "\xc3\xa9", "\\u0041", "\\n", "true", "false", "null", "[]", "{}", "\"\"", "1e400", "-0",
      "0.0000001", "123456789012", "99999999999999999999", "2024-02-30", "\"2025-02-29\"", "\"x\": 1, ",
      "\"count\": 2, ", "\"items\": [], ", "\"J9027\"", "\"2026-01-01\"", "\"alpha\"", ", \"extra\": {}"};
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int e = 0; e < edits; ++e) {
    const size_t pos = rng() % (json.size() + 1);
    switch (rng() % 5) {
      case 0:
        if (pos < json.size()) json[pos] = static_cast<char>(rng() & 0xFF);
        break;
      case 1: json.erase(pos, 1 + rng() % 12); break;
      case 2: {
        const char* piece = kPieces[rng() % (sizeof kPieces / sizeof kPieces[0])];
        json.insert(pos, piece[0] == '\0' ? std::string(1, '\0') : std::string(piece));
        break;
      }
      case 3: {  // a run of the claim again, somewhere else
        const size_t from = rng() % json.size();
        json.insert(pos, json.substr(from, 1 + rng() % 40));
        break;
      }
      default:
        if (pos < json.size()) json[pos] = kPieces[rng() % 22][0];
        break;
    }
  }
  return json;
}

}  // namespace

TEST_CASE("claim loader: the fast path loads exactly what the general path does", "[claim_loader]") {
  ClaimLoader loader(schema());
  const std::string plain = plainFullClaim();
  expectSamePaths(loader, schema(), plain);
  expectSamePaths(loader, schema(), kFullClaim);
  for (size_t n = 0; n <= plain.size(); ++n) {
    expectSamePaths(loader, schema(), plain.substr(0, n));
    expectSamePaths(loader, schema(), plain.substr(n));
  }
  std::mt19937 rng(20261127);
  for (int round = 0; round < 30000; ++round) {
    const std::string base = round % 3 == 0 ? claimWith("tags", R"(["JZ"])") : plain;
    expectSamePaths(loader, schema(), mutated(base, rng));
  }
}

// The fast path reads short integers and short fractions itself: every spelling near those
// limits loads the same value (exponent included) as numberValue gives, or fails the same way.
TEST_CASE("claim loader: the fast path reads short numbers as the general path does", "[claim_loader]") {
  ClaimLoader loader(schema());
  const char* const numbers[] = {
      "0", "-0", "0.0", "-0.0", "0.000000", "-0.000000", "0.5", "-0.5", "0.000001", "0.0000001", "00.5", "0.",
      "1", "7350.0", "7350.00", "7350.50", "82.5", "82.500000", "82.5000000", "1.000001", "1.0000010", "10.10",
      "123456789", "123456789.123456", "123456789.1234567", "1234567890.5", "999999999.999999", "-999999999.999999",
      "1.5e2", "1.5E2", "1.5e", "1.", "1.e1", "-1.5", "-", "-.5", ".5", "1.5.5", "1.5x", "1.5 ", "1.50 ,", "0.1]",
      "100", "100.0", "1000000000", "-1000000000", "9223372036854775807", "-9223372036854775808",
      "10", "-10", "-100", "120.000000", "-10.0", "0.10", "-0.50", "100000000", "-100000000.000000", "5.05",
      // A fraction of zeros is its integer part: with and without zeros of its own.
      "147.0", "8820.0", "8820.00", "-8820.0", "3675.000000", "1000.000", "900000000.000000", "-0.000", "10.010",
      "8820.50", "0.00",
      // An integer's exponent (the integer ends at its 'e', and the claim goes to the general path).
      "3e1", "36E2", "1e0", "147.0e1", "147.0E-1", "-3e1"};
  for (const char* n : numbers) {
    for (const char* field : {"amount", "ratio", "count"}) expectSamePaths(loader, schema(), claimWith(field, n));
    expectSamePaths(loader, schema(), claimWith("nums", std::string("[") + n + ", " + n + "]"));
  }
}

// The fast path checks codes in place with matchesFormatAt: the same answer as matchesFormat
// for every format, on codes with each byte changed at each position and on random strings.
TEST_CASE("claim loader: matchesFormatAt agrees with matchesFormat", "[claim_loader]") {
  const StringFormat formats[] = {StringFormat::kAny,  StringFormat::kHcpcs, StringFormat::kIcd10cm,
                                  StringFormat::kNdc,  StringFormat::kNpi,   StringFormat::kPlaceOfService,
                                  StringFormat::kModifier};
  auto same = [&](const std::string& text) {
    char padded[64] = {};
    std::memcpy(padded, text.data(), text.size());
    for (const StringFormat f : formats) {
      INFO("format " << static_cast<int>(f) << " text " << text);
      REQUIRE(matchesFormatAt(f, padded, text.size()) == matchesFormat(f, text));
    }
  };
  const char* const codes[] = {"J9027", "96413", "C61", "Z19.2", "C77.9", "A01.2345", "A0B.C", "00024582411",
                               "0704269514", "11", "JW", "JZ", "0", "", "A0B.CDEFG", "12345678901234567"};
  for (const char* code : codes) {
    const std::string base = code;
    same(base);
    for (size_t pos = 0; pos < base.size(); ++pos) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string text = base;
        text[pos] = static_cast<char>(byte);
        same(text);
      }
    }
  }
  std::mt19937 rng(7);
  const char alphabet[] = "0123456789AZ.a/:@[`\x7f\x80";
  for (int round = 0; round < 200000; ++round) {
    std::string text(rng() % 18, ' ');
    for (char& c : text) c = alphabet[rng() % (sizeof alphabet - 1)];
    same(text);
  }
}

// The built-in schema needs the compiler; a standalone build of this file (no PPL_SOURCE_DIR)
// leaves it out.
#ifdef PPL_SOURCE_DIR
namespace {

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("claim loader: the example claims and the built-in schema", "[claim_loader]") {
  Schema claims;
  Diagnostics diags;
  SourceManager sources;
  bool built = builtinSchema(claims, diags, sources);
  INFO(renderDiagnostics(diags, sources));
  REQUIRE(built);
  const SchemaRecord& root = claims.records[claims.root];
  const uint32_t claimIdSlot = root.fields[root.findField("claim_id")].slot;
  const uint32_t linesSlot = root.fields[root.findField("lines")].slot;

  ClaimLoader loader(claims);
  Facts facts;
  ClaimError error;
  int loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(PPL_SOURCE_DIR "/examples/claims")) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 5 || name.substr(name.size() - 5) != ".json" || name.find(".expected.") != std::string::npos) continue;
    INFO(name);
    const std::string text = readFile(entry.path());
    bool ok = loader.load(text, facts, error);
    INFO(error.path << ": " << error.message);
    REQUIRE(ok);
    std::string id;
    CHECK(loader.lastClaimId(id));
    CHECK(facts.slots[claimIdSlot].s.view() == id);
    CHECK(facts.slots[linesSlot].list.count >= 1);
    ++loaded;
  }
  CHECK(loaded > 0);

  // The errors the format page names, on a real claim.
  const std::string good = readFile(PPL_SOURCE_DIR "/examples/claims/commercial-approve.json");
  struct Case {
    std::string json, path, message;
  };
  const Case cases[] = {
      {replaced(good, R"("units": 40,)", R"("units": -1,)"), "/lines/0/units", "must be a number >= 0, got -1"},
      {replaced(good, R"("line_number": 2,)", R"("line_number": 1,)"), "/lines/1/line_number",
       "duplicate line_number 1 (also /lines/0)"},
      {replaced(good, R"("valid_through": "2026-12-31")", R"("valid_through": "2026-06-30")"),
       "/authorizations/0/valid_through", "is before valid_from"},
      {replaced(good, R"("line_of_business": "commercial")", R"("line_of_business": "Commercial")"),
       "/payer/line_of_business", "must be one of commercial, medicare_part_b, medicare_advantage"},
      {replaced(good, R"("service_date": "2026-10-05")", R"("service_date": "2026-02-30")"), "/lines/0/service_date",
       "must be a calendar date"},
      {replaced(good, R"("npi": "1234567893")", R"("npi": "123456789")"), "/provider/npi", "must be an npi"},
      {replaced(good, R"("hcpcs": "96413",)", ""), "/lines/1/hcpcs", "missing required field `hcpcs`"},
      {replaced(good, R"("end": "2025-07-20")", R"("end": "2024-07-20")"), "/history/therapies/0/end", "is before start"},
  };
  for (const Case& c : cases) {
    INFO(c.path);
    REQUIRE_FALSE(loader.load(c.json, facts, error));
    CHECK(error.path == c.path);
    CHECK_THAT(error.message, Catch::Contains(c.message));
    std::string id;
    CHECK(loader.lastClaimId(id));
    CHECK(id == "CLM-COMMERCIAL-APPROVE");
  }
}

namespace {

// The claim schema the J9027 pack is compiled with, loaded once.
const Schema& builtinClaims() {
  static const Schema s = [] {
    Schema claims;
    Diagnostics diags;
    SourceManager sources;
    REQUIRE(builtinSchema(claims, diags, sources));
    return claims;
  }();
  return s;
}

// A workload claim in its compact spelling: the fast path reads all of it.
constexpr const char* kCompactClaim = PPL_SOURCE_DIR "/fuzz/corpus/claim/fast-path-compact-bench-claim.json";

}  // namespace

// The built-in schema is read by the reader generated for it (loadergen/); a schema that differs
// from it in any way the generated code assumes (here a field's slot, name, minimum or
// optionality) is read by the plan-driven readers, and loads the same facts.
TEST_CASE("claim loader: the generated reader is used for the built-in schema only", "[claim_loader]") {
  const Schema& claims = builtinClaims();
  ClaimLoader loader(claims);
  CHECK(loader.useGeneratedReader(true));
  CHECK_FALSE(loader.useGeneratedReader(false));
  const std::string seed = readFile(kCompactClaim);
  std::vector<Schema> others(4, claims);
  const int line = others[0].findRecord("Line");
  REQUIRE(line >= 0);
  std::swap(others[0].records[line].fields[0].slot, others[0].records[line].fields[1].slot);
  others[1].records[line].fields[1].name = "hcpcs_code";
  others[2].records[line].fields[0].min = Decimal::fromInt(2);
  others[3].records[line].fields[7].optional = false;
  for (const Schema& other : others) {
    ClaimLoader plain(other);
    CHECK_FALSE(plain.useGeneratedReader(true));
    expectSamePaths(plain, other, seed);
  }
  // The same claim, read by each reader: the same facts.
  Facts a, b;
  ClaimError error;
  REQUIRE(loader.useGeneratedReader(true));
  REQUIRE(loader.load(seed, a, error));
  loader.useGeneratedReader(false);
  REQUIRE(loader.load(seed, b, error));
  CHECK(sameFacts(claims, a, b));
}

// The generated reader's numbers (a line's charge, a decimal with a minimum of 0) respelled:
// the same facts as the general path.
TEST_CASE("claim loader: the generated reader reads decimals as the general path does", "[claim_loader]") {
  const Schema& claims = builtinClaims();
  ClaimLoader loader(claims);
  REQUIRE(loader.useGeneratedReader(true));
  const std::string seed = readFile(kCompactClaim);
  const std::string charge = "\"charge\":147.0";
  const size_t at = seed.find(charge);
  REQUIRE(at != std::string::npos);
  for (const char* n : {"147.0", "147", "140", "140.0", "140.00", "147.50", "100.0", "0.0", "0", "-0.0", "-1.0",
                        "8820.000000", "8820.0000000", "1.5e2", "000.0", "99999999.90", "120.0000"}) {
    std::string json = seed;
    json.replace(at, charge.size(), std::string("\"charge\":") + n);
    expectSamePaths(loader, claims, json);
  }
}

// The generated reader's integer parts (its second and third digits unrolled before the digit
// loop) of every length from 1 to 21 digits, signed and not, each followed by what may end a
// number or not (a fraction of one zero is read as the integer part), in an integer with a
// minimum (line_number), a decimal above 0 (height_cm) and a list element's decimal with a
// minimum of 0 (units, the first line's): the same as the general path.
TEST_CASE("claim loader: the generated reader reads numbers of every length as the general path does",
          "[claim_loader]") {
  const Schema& claims = builtinClaims();
  ClaimLoader loader(claims);
  REQUIRE(loader.useGeneratedReader(true));
  const std::string seed = readFile(kCompactClaim);
  std::vector<std::string> numbers = {"0", "-0", "00", "01", "-", "-a", "9-", "1.", "10.5", "3e1", "3E1"};
  const std::string digits = "123456789012345678900";
  for (size_t n = 1; n <= digits.size(); ++n) {
    for (const std::string sign : {"", "-"}) {
      const std::string number = sign + digits.substr(0, n);
      std::string zeros = number;
      for (size_t i = sign.size() + 1; i < zeros.size(); ++i) zeros[i] = '0';  // trailing zeros to strip
      for (const std::string& text : {number, zeros}) {
        for (const char* after :
             {"", ".0", ".25", "e2", " ", "x", "0", ".00", ".01", ".0e2", ".0E1", ".0 ", ".0x", "."}) {
          numbers.push_back(text + after);
        }
      }
    }
  }
  for (const char* field : {"\"line_number\":1", "\"height_cm\":181", "\"units\":3"}) {
    const size_t at = seed.find(field);
    REQUIRE(at != std::string::npos);
    const std::string key = std::string(field).substr(0, std::string(field).find(':') + 1);
    for (const std::string& n : numbers) {
      std::string json = seed;
      json.replace(at, std::strlen(field), key + n);
      expectSamePaths(loader, claims, json);
    }
  }
}

// The generated reader's `not before` checks read the absent flag only of a date that may be
// absent: an authorization's two required dates and a therapy's and a medication's optional end
// after, on and before their start (and the end left out), as the general path reads them.
TEST_CASE("claim loader: the generated reader checks dates not before others as the general path does",
          "[claim_loader]") {
  const Schema& claims = builtinClaims();
  ClaimLoader loader(claims);
  REQUIRE(loader.useGeneratedReader(true));
  const std::string seed = readFile(kCompactClaim);
  const std::pair<std::string, std::vector<std::string>> spans[] = {
      {R"("valid_from":"2024-01-23","valid_through":"2024-07-21")",
       {R"("valid_from":"2024-01-23","valid_through":"2024-01-23")",
        R"("valid_from":"2024-01-23","valid_through":"2024-01-22")",
        R"("valid_from":"2024-01-23","valid_through":"2023-12-31")"}},
      {R"("start":"2024-01-02","end":"2024-05-28")",
       {R"("start":"2024-01-02","end":"2024-01-02")", R"("start":"2024-01-02","end":"2024-01-01")",
        R"("start":"2024-01-02")"}},
      {R"("start":"2024-07-12"})",
       {R"("start":"2024-07-12","end":"2024-07-12"})", R"("start":"2024-07-12","end":"2024-07-11"})",
        R"("start":"2024-07-12","end":"2025-07-11"})"}}};
  for (const auto& [text, spellings] : spans) {
    const size_t at = seed.find(text);
    REQUIRE(at != std::string::npos);
    for (const std::string& spelling : spellings) {
      std::string json = seed;
      json.replace(at, text.size(), spelling);
      expectSamePaths(loader, claims, json);
    }
  }
}

// A claim without its history takes the default record, laid out by fastDefault from the
// loader's members while the generated reader keeps its own copies of the slots' and elements'
// data: with 0 to 16 more lines before it, the slots (from an empty Facts) grow before, at and
// after that record, and the facts are those of the general path.
TEST_CASE("claim loader: the generated reader lays out a default history wherever the slots grow",
          "[claim_loader]") {
  const Schema& claims = builtinClaims();
  ClaimLoader loader(claims);
  REQUIRE(loader.useGeneratedReader(true));
  std::string seed = readFile(kCompactClaim);
  const size_t history = seed.find(",\"history\":");
  REQUIRE(history != std::string::npos);
  seed.erase(history, seed.size() - 1 - history);  // up to the claim's closing brace
  const std::string line = R"({"line_number":N,"hcpcs":"J2405","units":3,"service_date":"2024-08-05","charge":147.0})";
  const size_t lines = seed.find("\"lines\":[");
  REQUIRE(lines != std::string::npos);
  std::string json = seed;
  for (int extra = 0; extra <= 16; ++extra) {
    expectSamePaths(loader, claims, json);
    std::string next = line;
    next.replace(next.find('N'), 1, std::to_string(100 + extra));
    json.insert(lines + std::strlen("\"lines\":["), next + ",");
  }
}

// The generated reader compares each enumeration name unrolled, with its masks as constants:
// every name of two enumerations (one and two 16-byte chunks), and each a byte off, shorter or
// longer, read as the general path reads them.
TEST_CASE("claim loader: the generated reader reads enumeration names as the general path does", "[claim_loader]") {
  const Schema& claims = builtinClaims();
  ClaimLoader loader(claims);
  REQUIRE(loader.useGeneratedReader(true));
  const std::string seed = readFile(kCompactClaim);
  const std::pair<std::string, std::vector<std::string>> fields[] = {
      {"\"line_of_business\":\"commercial\"", {"commercial", "medicare_part_b", "medicare_advantage"}},
      {"\"acquisition_channel\":\"buy_and_bill\"", {"buy_and_bill", "specialty_pharmacy", "brown_bag", "340b"}}};
  for (const auto& [text, names] : fields) {
    const size_t at = seed.find(text);
    REQUIRE(at != std::string::npos);
    const std::string key = text.substr(0, text.find(':') + 1);
    for (const std::string& name : names) {
      std::vector<std::string> spellings = {name, name.substr(0, name.size() - 1), name + "x", name + " ", "x" + name};
      for (size_t i = 0; i < name.size(); ++i) {
        spellings.push_back(name);
        spellings.back()[i] = static_cast<char>(name[i] ^ 1);
      }
      for (const std::string& spelling : spellings) {
        std::string json = seed;
        json.replace(at, text.size(), key + "\"" + spelling + "\"");
        expectSamePaths(loader, claims, json);
      }
    }
  }
}

TEST_CASE("claim loader: the fast path matches the general path on the built-in schema", "[claim_loader]") {
  const Schema& claims = builtinClaims();
  ClaimLoader loader(claims);
  // Both fast readers: the generated one, then the plan-driven straight reader.
  const bool generated = GENERATE(true, false);
  REQUIRE(loader.useGeneratedReader(generated) == generated);
  std::vector<std::string> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(PPL_SOURCE_DIR "/fuzz/corpus/claim")) {
    seeds.push_back(readFile(entry.path()));
  }
  REQUIRE(!seeds.empty());
  auto same = [&](const std::string& json) { expectSamePaths(loader, claims, json); };

  std::mt19937 rng(1127);
  for (const std::string& seed : seeds) same(seed);
  for (int round = 0; round < 20000; ++round) same(mutated(seeds[rng() % seeds.size()], rng));
}

// Codes, dates and strings the fast path reads in place, each byte changed at each position
// (and the value cut or lengthened): the same outcome and facts as the general path.
TEST_CASE("claim loader: the fast path reads codes and dates as the general path does", "[claim_loader]") {
  const Schema& claims = builtinClaims();
  ClaimLoader loader(claims);
  const std::string seed = readFile(kCompactClaim);
  const char* const values[] = {R"("0704269514")", R"("11")", R"("C61")", R"("Z19.2")", R"("J2405")",
                                R"("00024582411")", R"("1948-04-21")", R"("BENCH-00000001")", R"("JW")",
                                R"("Jevtana")", R"("M")"};
  const char bytes[] = {'0', '9', '/', ':', 'A', 'Z', '@', '[', 'a', '.', '-', ' ', '"', '\\', '\x01', '\x7f', '\x80', '\xff'};
  for (const char* value : values) {
    const std::string v = value;
    const size_t at = seed.find(v);
    REQUIRE(at != std::string::npos);
    auto with = [&](const std::string& replacement) {
      std::string json = seed;
      json.replace(at, v.size(), replacement);
      expectSamePaths(loader, claims, json);
    };
    for (size_t pos = 1; pos + 1 < v.size(); ++pos) {
      for (const char byte : bytes) {
        std::string changed = v;
        changed[pos] = byte;
        with(changed);
      }
    }
    with("\"\"");
    with(v.substr(0, v.size() - 2) + "\"");
    with(v.substr(0, v.size() - 1) + "0\"");
    with(v.substr(0, v.size() - 1) + ".1\"");
  }
  // Strings are scanned 16 bytes at a time: a long claim id with each stop byte at each place.
  {
    const std::string id = R"("BENCH-00000001")";
    const size_t at = seed.find(id);
    for (size_t length = 0; length <= 40; ++length) {
      for (size_t pos = 0; pos < length; ++pos) {
        for (const char byte : {'"', '\\', '\x00', '\x1f', '\x7f', '\x80', '\xc3', '\xff', ' '}) {
          std::string text(length, 'x');
          text[pos] = byte;
          std::string json = seed;
          json.replace(at, id.size(), "\"" + text + "\"");
          expectSamePaths(loader, claims, json);
        }
      }
    }
  }
  // Line numbers are unique (compared pairwise on the fast path) and at least 1.
  for (const char* number : {"0", "1", "2", "3", "4", "5", "-1", "1.0", "10"}) {
    for (const char* line : {"\"line_number\":1,", "\"line_number\":2,", "\"line_number\":4,"}) {
      std::string json = seed;
      const size_t at = json.find(line);
      REQUIRE(at != std::string::npos);
      json.replace(at, std::string(line).size(), std::string("\"line_number\":") + number + ",");
      expectSamePaths(loader, claims, json);
    }
  }
}

// Punctuation the fast path reads itself: a comma, white space or a closing bracket added or
// removed around every brace, bracket, comma and colon of a claim.
TEST_CASE("claim loader: the fast path reads punctuation as the general path does", "[claim_loader]") {
  const Schema& claims = builtinClaims();
  ClaimLoader loader(claims);
  const std::string seed = readFile(kCompactClaim);
  const char* const pieces[] = {",", " ", "\n", ", ", " ,", ",,", "}", "]", ":", "\"\"", "\"x\":1,"};
  for (size_t at = 0; at < seed.size(); ++at) {
    const char c = seed[at];
    if (c != ',' && c != '{' && c != '}' && c != '[' && c != ']' && c != ':') continue;
    for (const char* piece : pieces) {
      expectSamePaths(loader, claims, std::string(seed).insert(at, piece));
      expectSamePaths(loader, claims, std::string(seed).insert(at + 1, piece));
    }
    expectSamePaths(loader, claims, std::string(seed).erase(at, 1));
  }
}

// Keys are compared 16 bytes at a time with the comma before them and the colon after, and
// enumeration names with their closing quote: keys of every length around the chunk limits
// (and past the longest compared, 28), names up to the longest (31), each key and value also
// one byte off, shorter or longer, and spelled with white space, load alike on both paths.
TEST_CASE("claim loader: the fast path matches keys and enumeration names of every length", "[claim_loader]") {
  Schema s;
  s.name = "lengths";
  s.version = "1";
  s.records.resize(1);
  s.records[0].name = "Claim";
  s.root = 0;
  std::vector<std::string> names;
  for (size_t n = 1; n <= 31; ++n) names.push_back(std::string(n, 'e'));  // 31: the longest compared raw
  s.enums.push_back(names);
  std::vector<std::string> keys;
  for (size_t n = 1; n <= 34; ++n) {
    keys.push_back("k" + std::string(n - 1, static_cast<char>('a' + n % 26)));
    SchemaField& f = addField(s.records[0], "", ValueKind::kString);
    f.name = keys.back();
    f.type.enumIndex = 0;
    f.optional = true;
  }
  ClaimLoader loader(s);
  auto oneOff = [](std::string text, size_t at) {
    text[at] = static_cast<char>(text[at] + 1);
    return text;
  };
  for (size_t k = 0; k < keys.size(); ++k) {
    const std::string& key = keys[k];
    const std::string next = keys[(k + 1) % keys.size()];
    for (const std::string& name : names) {
      const std::string value = "\"" + name + "\"";
      // The key after the first, compared with its comma; and the first, from its quote.
      expectSamePaths(loader, s, "{\"" + next + "\":\"e\",\"" + key + "\":" + value + "}");
      expectSamePaths(loader, s, "{\"" + key + "\":" + value + ",\"" + next + "\":\"e\"}");
      expectSamePaths(loader, s, "{ \"" + next + "\" : \"e\" , \"" + key + "\" : " + value + " }");
      expectSamePaths(loader, s, "{\"" + key + "\":" + value.substr(0, value.size() - 2) + "\"}");
      expectSamePaths(loader, s, "{\"" + key + "\":\"" + name + "e\"}");
      expectSamePaths(loader, s, "{\"" + key + "\":" + oneOff(value, value.size() / 2) + "}");
    }
    for (size_t at = 0; at < key.size(); ++at) {
      expectSamePaths(loader, s, "{\"" + next + "\":\"e\",\"" + oneOff(key, at) + "\":\"ee\"}");
    }
    expectSamePaths(loader, s, "{\"" + next + "\":\"e\",\"" + key + "x\":\"ee\"}");
    expectSamePaths(loader, s, "{\"" + next + "\":\"e\",\"" + key.substr(0, key.size() - 1) + "\":\"ee\"}");
    expectSamePaths(loader, s, "{\"" + next + "\":\"e\";\"" + key + "\":\"ee\"}");
    expectSamePaths(loader, s, "{\"" + next + "\":\"e\",\"" + key + "\";\"ee\"}");
  }
}

// The fast path leaves Facts::slots (and the generated reader elems) as long as the largest
// claim it read made them: a smaller claim after a larger one grows (and moves) nothing, and
// loads the facts it loads alone; a failed load empties them.
TEST_CASE("claim loader: the fast path does not cut the facts to the claim", "[claim_loader]") {
  const Schema& claims = builtinClaims();
  for (const bool generated : {true, false}) {
    ClaimLoader loader(claims);
    REQUIRE(loader.useGeneratedReader(generated) == generated);
    const std::string large = readFile(kCompactClaim);
    std::string small = large;
    const size_t lines = small.find(",\"lines\":[");
    REQUIRE(lines != std::string::npos);
    small.erase(small.find("},{", lines) + 1, small.find("}],\"", lines) - small.find("},{", lines));  // one line
    Facts facts, alone;
    ClaimError error;
    REQUIRE(loader.load(large, facts, error));
    const size_t slots = facts.slots.size(), elems = facts.elems.size();
    const Value* const at = facts.slots.data();
    REQUIRE(loader.load(small, facts, error));
    INFO("generated: " << generated << ", small: " << small);
    CHECK(facts.slots.size() == slots);
    if (generated) CHECK(facts.elems.size() == elems);  // the plan-driven readers start elems empty
    CHECK(facts.slots.data() == at);
    REQUIRE(loader.load(small, alone, error));
    CHECK(alone.slots.size() < slots);
    CHECK(sameFacts(claims, facts, alone));
    REQUIRE(loader.load(large, facts, error));
    CHECK(facts.slots.size() == slots);
    REQUIRE_FALSE(loader.load(small.substr(0, small.size() / 2), facts, error));
    CHECK((facts.slots.empty() && facts.elems.empty()));
  }
}

// The fast path writes a claim over the slots the caller's Facts still holds from the last one:
// every pair of example claims, one loaded after the other into the same Facts, gives the facts
// the second one gives alone (also after a failed load and after the general path).
TEST_CASE("claim loader: a claim loaded over another's facts", "[claim_loader]") {
  const Schema& claims = builtinClaims();
  ClaimLoader loader(claims);
  ClaimLoader alone(claims);
  std::vector<std::string> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(PPL_SOURCE_DIR "/fuzz/corpus/claim")) {
    seeds.push_back(readFile(entry.path()));
  }
  seeds.push_back("{}");
  seeds.push_back(seeds[0].substr(0, seeds[0].size() / 2));
  for (const std::string& first : seeds) {
    for (const std::string& second : seeds) {
      Facts reused, fresh;
      ClaimError error, freshError;
      loader.load(first, reused, error);
      const bool ok = loader.load(second, reused, error);
      INFO("first: " << first << "\nsecond: " << second);
      REQUIRE(ok == alone.load(second, fresh, freshError));
      CHECK(error.message == freshError.message);
      // The slots and elements may run past the claim (the fast path leaves the first claim's
      // there): sameFacts compares what the root reaches.
      if (!ok) CHECK((reused.slots.empty() && reused.elems.empty()));
      // sameFacts compares strings by where they point: load the second claim with `loader` again.
      Facts again;
      REQUIRE(loader.load(second, again, error) == ok);
      Facts reusedAgain = reused;
      loader.load(first, reusedAgain, error);
      loader.load(second, reusedAgain, error);
      CHECK(sameFacts(claims, reusedAgain, again));
    }
  }
}
#endif

namespace {

// The end of the JSON value at `i` in compact JSON without escapes (the bench claim's spelling).
size_t endOfCompactValue(const std::string& json, size_t i) {
  int depth = 0;
  bool inString = false;
  for (; i < json.size(); ++i) {
    const char c = json[i];
    if (inString) {
      inString = c != '"';
      if (!inString && depth == 0) return i + 1;
    } else if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
      if (depth < 0) return i;
    } else if (depth == 0 && c == ',') {
      return i;
    }
  }
  return i;
}

// The fields (`"key":value`) of the compact object whose opening brace is at `open`, and the
// position after its closing brace.
std::vector<std::string> compactFields(const std::string& json, size_t open, size_t& close) {
  std::vector<std::string> fields;
  size_t i = open + 1;
  while (json[i] != '}') {
    const size_t colon = json.find(':', i);
    const size_t end = endOfCompactValue(json, colon + 1);
    fields.push_back(json.substr(i, end - i));
    i = json[end] == ',' ? end + 1 : end;
  }
  close = i + 1;
  return fields;
}

std::string joinFields(const std::vector<std::string>& fields) {
  std::string out = "{";
  for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + fields[i];
  return out + "}";
}

}  // namespace

// The fast path takes keys in schema order, a field left out between two, and hands over to a
// loop that checks every key against the fields met at the first key out of that order: every
// object of a claim with each field left out, swapped with the next, moved to the end, repeated
// right after itself or at the end, or left out with two later fields swapped, loads as on the
// general path.
TEST_CASE("claim loader: the fast path reads fields in any order as the general path does", "[claim_loader]") {
  const Schema& claims = builtinClaims();
  ClaimLoader loader(claims);
  const bool generated = GENERATE(true, false);
  REQUIRE(loader.useGeneratedReader(generated) == generated);
  const std::string seed = readFile(kCompactClaim);
  int objects = 0;
  for (size_t open = seed.find('{'); open != std::string::npos; open = seed.find('{', open + 1)) {
    size_t close = 0;
    const std::vector<std::string> fields = compactFields(seed, open, close);
    ++objects;
    std::vector<std::vector<std::string>> variants;
    for (size_t i = 0; i < fields.size(); ++i) {
      std::vector<std::string> v = fields;
      v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
      variants.push_back(v);  // left out
      v.push_back(fields[i]);
      variants.push_back(v);  // moved to the end
      if (i + 1 < fields.size()) {
        v = fields;
        std::swap(v[i], v[i + 1]);
        variants.push_back(v);
      }
      v = fields;
      v.insert(v.begin() + static_cast<std::ptrdiff_t>(i) + 1, fields[i]);
      variants.push_back(v);  // repeated at once
      v = fields;
      v.push_back(fields[i]);
      variants.push_back(v);  // repeated at the end
      v = fields;
      v.insert(v.begin() + static_cast<std::ptrdiff_t>(i), "\"unknown\":[1,{\"a\":2}]");
      variants.push_back(v);  // after a field the schema does not have
      for (size_t j = i + 1; j + 1 < fields.size(); ++j) {
        v = fields;  // left out, and two later ones swapped: the fields passed over stay unmet
        std::swap(v[j], v[j + 1]);
        v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
        variants.push_back(v);
      }
    }
    for (const std::vector<std::string>& v : variants) {
      const std::string json = seed.substr(0, open) + joinFields(v) + seed.substr(close);
      expectSamePaths(loader, claims, json);
      // The same with white space after each colon.
      std::string spaced;
      for (const char c : json) spaced += c == ':' ? std::string(": ") : std::string(1, c);
      expectSamePaths(loader, claims, spaced);
    }
  }
  REQUIRE(objects > 10);
}

#ifdef PPL_SOURCE_DIR
namespace {

// Loads `json` with load(), then with loadPadded() from a buffer where the zero byte after it
// is followed by `after` (then more padding): the same outcome, error, claim id and facts
// (strings compared by their bytes: the two loads read two copies of the text).
void expectSamePadded(ClaimLoader& loader, const Schema& s, const std::string& json, const std::string& after) {
  Facts a, b;
  ClaimError ea, eb;
  std::string idA, idB;
  const bool okA = loader.load(json, a, ea);
  const bool haveA = loader.lastClaimId(idA);
  std::string padded = json + '\0' + after + std::string(ClaimLoader::kPadding, '\0');
  const bool okB = loader.loadPadded(std::string_view(padded.data(), json.size()), b, eb);
  const bool haveB = loader.lastClaimId(idB);
  INFO("json: " << json << "\nafter it: " << after);
  REQUIRE(okA == okB);
  CHECK(ea.path == eb.path);
  CHECK(ea.message == eb.message);
  CHECK(haveA == haveB);
  CHECK(idA == idB);
  CHECK(sameFactsText(s, a, b));
  // Strings point into the padded text, which is still there: nothing more to check.
}

}  // namespace

// `pplc eval --ndjson` loads each line where it lies in its input buffer (loadPadded), the
// line's '\n' made a zero byte and the next lines after it: whatever follows that zero byte,
// the claim loads as load() loads its copy. The bytes after are what a cut-off claim would need
// to be whole again, the next claim, and brackets and spaces that would close it.
TEST_CASE("claim loader: loadPadded loads what load does, whatever follows the zero byte", "[claim_loader]") {
  const Schema& claims = builtinClaims();
  ClaimLoader loader(claims);
  const bool generated = GENERATE(true, false);
  REQUIRE(loader.useGeneratedReader(generated) == generated);
  std::vector<std::string> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(PPL_SOURCE_DIR "/fuzz/corpus/claim")) {
    seeds.push_back(readFile(entry.path()));
  }
  REQUIRE(!seeds.empty());
  const std::string compact = readFile(kCompactClaim);
  const std::string closers = std::string(40, '}') + std::string(40, ']');
  // Every cut of the compact claim, followed by what was cut off, by the claim again, by
  // closing brackets and by spaces; and each tail of it.
  for (size_t n = 0; n <= compact.size(); ++n) {
    const std::string head = compact.substr(0, n);
    expectSamePadded(loader, claims, head, compact.substr(n));
    expectSamePadded(loader, claims, head, "\n" + compact);
    expectSamePadded(loader, claims, head, closers);
    expectSamePadded(loader, claims, head, std::string(70, ' ') + "}");
    expectSamePadded(loader, claims, compact.substr(n), "");
  }
  expectSamePadded(loader, claims, "\xEF\xBB\xBF" + compact, "");  // a byte order mark
  expectSamePadded(loader, claims, "\xEF\xBB\xBF\xEF\xBB\xBF" + compact, "");
  std::mt19937 rng(20261128);
  for (const std::string& seed : seeds) expectSamePadded(loader, claims, seed, seed);
  for (int round = 0; round < 20000; ++round) {
    const std::string& seed = seeds[rng() % seeds.size()];
    const std::string json = mutated(seed, rng);
    const size_t cut = rng() % (json.size() + 1);
    // The mutated claim, or a cut of it followed by its rest (a '\n' inside it became a zero).
    if (round % 2 == 0) {
      expectSamePadded(loader, claims, json, seed);
    } else {
      expectSamePadded(loader, claims, json.substr(0, cut), json.substr(cut));
    }
  }
}
#endif
