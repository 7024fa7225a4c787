// The interpreter and the decision writer, on hand-built programs and claims: each opcode
// family, the decide algorithm (policy choice, governed lines, phases, verdicts, adjustments,
// runtime errors) and the JSON output.
#include <catch2/catch.hpp>
#include <fmt/core.h>

#include <deque>
#include <initializer_list>
#include <string>
#include <tuple>
#include <vector>

#include "bytecode/bytecode.h"
#include "bytecode/verifier.h"
#include "runtime/decimal.h"
#include "runtime/facts.h"
#include "stdlib/functions.h"
#include "vm/decision_json.h"
#include "vm/vm.h"
#include "tests/unit/instr_builder.h"

namespace ppl {
namespace {

using K = ValueKind;
using O = Opcode;

// --- the schema: Claim{claim_id, payer: Payer, lines: list of Line, counts, amounts}
constexpr uint16_t kClaimRecord = 0;
constexpr uint16_t kPayerRecord = 1;
constexpr uint16_t kLineRecord = 2;

constexpr uint16_t kClaimIdSlot = 1;
constexpr uint16_t kPayerSlot = 2;
constexpr uint16_t kLinesSlot = 3;
constexpr uint16_t kCountsSlot = 4;   // list of integer
constexpr uint16_t kAmountsSlot = 5;  // list of decimal
constexpr uint32_t kClaimSlots = 6;

constexpr uint16_t kLobSlot = 1;
constexpr uint32_t kPayerSlots = 2;

constexpr uint16_t kNumberSlot = 1;
constexpr uint16_t kHcpcsSlot = 2;
constexpr uint16_t kUnitsSlot = 3;
constexpr uint16_t kModifiersSlot = 4;
constexpr uint16_t kDateSlot = 5;
constexpr uint32_t kLineSlots = 6;

SchemaField field(const char* name, ValueKind kind, uint32_t slot, ValueKind elemKind = K::kString,
                  uint32_t record = 0) {
  SchemaField f;
  f.name = name;
  f.type.kind = kind;
  f.type.elemKind = elemKind;
  f.type.record = record;
  f.slot = slot;
  return f;
}

Schema testSchema() {
  Schema s;
  s.name = "test";
  s.version = "1";
  SchemaRecord claim{"Claim",
                     {field("claim_id", K::kString, kClaimIdSlot),
                      field("payer", K::kRecord, kPayerSlot, K::kString, kPayerRecord),
                      field("lines", K::kList, kLinesSlot, K::kRecord, kLineRecord),
                      field("counts", K::kList, kCountsSlot, K::kInt),
                      field("amounts", K::kList, kAmountsSlot, K::kDecimal)}};
  SchemaRecord payer{"Payer", {field("line_of_business", K::kString, kLobSlot)}};
  SchemaRecord line{"Line",
                    {field("line_number", K::kInt, kNumberSlot), field("hcpcs", K::kString, kHcpcsSlot),
                     field("units", K::kDecimal, kUnitsSlot), field("modifiers", K::kList, kModifiersSlot),
                     field("service_date", K::kDate, kDateSlot)}};
  s.records = {claim, payer, line};
  s.root = kClaimRecord;
  return s;
}

Decimal dec(const char* text) {
  Decimal d;
  REQUIRE(Decimal::parse(text, d));
  return d;
}

std::string decText(const Decimal& d) {
  char buf[Decimal::kMaxTextLength];
  return std::string(buf, static_cast<size_t>(d.format(buf)));
}

std::string str(const Value& v) { return std::string(v.s.view()); }

using ppl::test::ins;

constexpr int kDay20261005 = 20731;  // 2026-10-05, days since 1970-01-01

// --- claims
struct LineSpec {
  int64_t number;
  const char* hcpcs;
  const char* units;
  std::vector<const char*> modifiers;
  int32_t date = kDay20261005;
};

// Facts laid out as the loader would: root at 0, the payer, then the lines; list elements in
// `elems` (line records first). Owns the strings the facts point to.
struct TestClaim {
  std::deque<std::string> pool;
  Facts facts;

  StrRef intern(std::string_view s) {
    pool.emplace_back(s);
    return StrRef{pool.back().data(), static_cast<uint32_t>(pool.back().size())};
  }

  TestClaim(const char* claimId, const char* lob, const std::vector<LineSpec>& lines,
            std::vector<int64_t> counts = {}, std::vector<const char*> amounts = {}) {
    const uint32_t payerBase = kClaimSlots;
    const uint32_t firstLineBase = payerBase + kPayerSlots;
    facts.slots.resize(firstLineBase + kLineSlots * lines.size());
    facts.slots[kClaimIdSlot] = claimId ? Value::ofString(intern(claimId)) : Value::none();
    facts.slots[kPayerSlot] = Value::ofRecord(payerBase);
    facts.slots[payerBase + kLobSlot] = Value::ofString(intern(lob));
    facts.slots[kLinesSlot] = Value::ofList(ListRef{0, static_cast<uint32_t>(lines.size())});
    for (size_t i = 0; i < lines.size(); ++i) {
      facts.elems.push_back(Value::ofRecord(static_cast<uint32_t>(firstLineBase + kLineSlots * i)));
    }
    for (size_t i = 0; i < lines.size(); ++i) {
      const LineSpec& spec = lines[i];
      const uint32_t base = static_cast<uint32_t>(firstLineBase + kLineSlots * i);
      facts.slots[base] = Value::ofInt(static_cast<int64_t>(i));
      facts.slots[base + kNumberSlot] = Value::ofInt(spec.number);
      facts.slots[base + kHcpcsSlot] = Value::ofString(intern(spec.hcpcs));
      facts.slots[base + kUnitsSlot] = Value::ofDecimal(dec(spec.units));
      const uint32_t begin = static_cast<uint32_t>(facts.elems.size());
      for (const char* m : spec.modifiers) facts.elems.push_back(Value::ofString(intern(m)));
      facts.slots[base + kModifiersSlot] =
          Value::ofList(ListRef{begin, static_cast<uint32_t>(spec.modifiers.size())});
      facts.slots[base + kDateSlot] = Value::ofInt(spec.date);
    }
    uint32_t begin = static_cast<uint32_t>(facts.elems.size());
    for (int64_t c : counts) facts.elems.push_back(Value::ofInt(c));
    facts.slots[kCountsSlot] = Value::ofList(ListRef{begin, static_cast<uint32_t>(counts.size())});
    begin = static_cast<uint32_t>(facts.elems.size());
    for (const char* a : amounts) facts.elems.push_back(Value::ofDecimal(dec(a)));
    facts.slots[kAmountsSlot] = Value::ofList(ListRef{begin, static_cast<uint32_t>(amounts.size())});
  }
};

// --- programs
// A message that captures `n` arguments and prints none of them.
Message silent(uint8_t n) {
  Message m;
  m.argCount = n;
  return m;
}

Outcome outcome(Action action, const char* carc, std::vector<std::string> rarcs = {}, Message message = {}) {
  Outcome o;
  o.action = action;
  o.carc = carc;
  o.rarcs = std::move(rarcs);
  o.message = std::move(message);
  return o;
}

MessagePiece text(const char* s) {
  MessagePiece p;
  p.text = s;
  return p;
}
MessagePiece arg(int index, ValueKind kind, ValueKind elemKind = K::kString) {
  MessagePiece p;
  p.arg = static_cast<int16_t>(index);
  p.kind = kind;
  p.elemKind = elemKind;
  return p;
}

struct TestProgram {
  Program p;

  TestProgram() { p.schema = testSchema(); }

  uint16_t constant(Constant c) {
    p.constants.push_back(c);
    return static_cast<uint16_t>(p.constants.size() - 1);
  }
  uint32_t stringIndex(const std::string& s) {
    for (size_t i = 0; i < p.strings.size(); ++i) {
      if (p.strings[i] == s) return static_cast<uint32_t>(i);
    }
    p.strings.push_back(s);
    return static_cast<uint32_t>(p.strings.size() - 1);
  }
  uint16_t kString(const std::string& s) {
    Constant c;
    c.kind = K::kString;
    c.str = stringIndex(s);
    return constant(c);
  }
  uint16_t kInt(int64_t v, ValueKind kind = K::kInt) {
    Constant c;
    c.kind = kind;
    c.i = v;
    return constant(c);
  }
  uint16_t kDecimal(const char* text) {
    Constant c;
    c.kind = K::kDecimal;
    c.d = dec(text);
    return constant(c);
  }
  uint16_t set(std::initializer_list<const char*> members) {
    StringSet s;
    for (const char* m : members) s.members.push_back(stringIndex(m));
    p.sets.push_back(s);
    return static_cast<uint16_t>(p.sets.size() - 1);
  }
  uint16_t function(const char* name) {
    p.functions.push_back(name);
    return static_cast<uint16_t>(p.functions.size() - 1);
  }
  uint32_t chunk(const char* name, std::vector<Instr> code) {
    Chunk c;
    c.name = name;
    c.registerCount = 32;
    c.code = std::move(code);
    p.chunks.push_back(std::move(c));
    return static_cast<uint32_t>(p.chunks.size() - 1);
  }
  // Governs every line.
  uint32_t governAll() { return chunk("governed", {ins(O::LOADBOOL, 0, 1), ins(O::RETBOOL, 0)}); }
  // Governs lines billed with `code`.
  uint32_t governCode(const char* code) {
    const uint16_t k = kString(code);
    return chunk("governed", {ins(O::LINE, 0), ins(O::FIELD, 1, 0, kHcpcsSlot, kLineRecord), ins(O::LOADK, 2, k),
                              ins(O::EQS, 3, 1, 2), ins(O::RETBOOL, 3)});
  }
  // A predicate: the line carries modifier `m`.
  uint32_t hasModifier(const char* name, const char* m) {
    const uint16_t k = kString(m);
    return chunk(name, {ins(O::LINE, 0), ins(O::FIELD, 1, 0, kModifiersSlot, kLineRecord), ins(O::LOADK, 2, k),
                        ins(O::CONTAINS, 3, 1, 2, static_cast<int>(K::kString)), ins(O::RETBOOL, 3)});
  }
  size_t policy(const char* id, std::vector<std::string> lobs, uint32_t governed) {
    PolicyInfo info;
    info.id = id;
    info.version = "2026.1";
    info.linesOfBusiness = std::move(lobs);
    info.governedChunk = governed;
    p.policies.push_back(std::move(info));
    return p.policies.size() - 1;
  }
  RuleInfo& rule(size_t policyIndex, const char* id, std::vector<Instr> code, std::vector<Outcome> outcomes = {}) {
    RuleInfo r;
    r.id = id;
    r.chunk = chunk(id, std::move(code));
    r.outcomes = std::move(outcomes);
    p.policies[policyIndex].rules.push_back(std::move(r));
    return p.policies[policyIndex].rules.back();
  }
  // Fails with outcome 0, capturing the line number, when the line carries modifier `m`.
  RuleInfo& failOnModifier(size_t policyIndex, const char* id, const char* m, Outcome o) {
    const uint16_t k = kString(m);
    return rule(policyIndex, id,
                {ins(O::LINE, 0), ins(O::FIELD, 1, 0, kModifiersSlot, kLineRecord), ins(O::LOADK, 2, k),
                 ins(O::CONTAINS, 3, 1, 2, static_cast<int>(K::kString)), ins(O::JMPIF, 3, 6), ins(O::PASS),
                 ins(O::FIELD, 4, 0, kNumberSlot, kLineRecord), ins(O::FAIL, 4, 0, 1, kNoRegister)},
                {std::move(o)});
  }

  // Links and verifies, as every program is before an Evaluator runs it.
  void link() {
    std::string error;
    const bool linked = p.link(error);
    INFO(error);
    REQUIRE(linked);
    const bool verified = verifyProgram(p, error);
    INFO(error);
    REQUIRE(verified);
  }
};

// Runs `code` as the one rule of a policy that governs every line of a one-line claim, and
// returns the values in R[0] .. R[n - 1] (the helper appends FAIL 0, 0, n).
struct OpcodeHarness {
  TestProgram t;
  TestClaim claim{"CLM-1", "commercial",
                  {{7, "J9027", "30.1", {"JW", "JZ"}}},
                  {3, 5, 7},
                  {"1.5", "2"}};
  Decision decision;
  EvalError error;

  std::vector<Value> run(std::vector<Instr> code, int n) {
    code.push_back(ins(O::FAIL, 0, 0, n, kNoRegister));
    const size_t pol = t.policy("p", {"commercial"}, t.governAll());
    t.rule(pol, "T", std::move(code), {outcome(Action::kDeny, "1", {}, silent(static_cast<uint8_t>(n)))});
    t.link();
    Evaluator vm(t.p);
    REQUIRE(vm.decide(claim.facts, decision, error));
    REQUIRE(decision.reasons.size() == 1);
    const Reason& r = decision.reasons[0];
    REQUIRE(r.argCount == n);
    return std::vector<Value>(r.args, r.args + n);
  }
  // Runs `code` expecting a runtime error; returns its message.
  std::string fails(std::vector<Instr> code) {
    code.push_back(ins(O::PASS));
    const size_t pol = t.policy("p", {"commercial"}, t.governAll());
    t.rule(pol, "C-DOSE", std::move(code), {outcome(Action::kDeny, "1")});
    t.link();
    Evaluator vm(t.p);
    REQUIRE_FALSE(vm.decide(claim.facts, decision, error));
    return error.message;
  }
};

}  // namespace

TEST_CASE("vm: loads, moves and fields", "[vm]") {
  OpcodeHarness h;
  const uint16_t k42 = h.t.kInt(42);
  const uint16_t kDec = h.t.kDecimal("82.5");
  const uint16_t kStr = h.t.kString("hello");
  auto r = h.run({ins(O::LOADK, 0, k42), ins(O::LOADK, 1, kDec), ins(O::LOADK, 2, kStr), ins(O::LOADBOOL, 3, 1),
                  ins(O::LOADABSENT, 4), ins(O::MOVE, 5, 0), ins(O::ROOT, 6),
                  ins(O::FIELD, 6, 6, kClaimIdSlot, kClaimRecord),  // a == b: reads before writing
                  ins(O::LINE, 7), ins(O::FIELD, 7, 7, kUnitsSlot, kLineRecord)},
                 8);
  CHECK(r[0].i == 42);
  CHECK(decText(r[1].d) == "82.5");
  CHECK(str(r[2]) == "hello");
  CHECK(r[3].i == 1);
  CHECK(r[4].absent == 1);
  CHECK(r[5].i == 42);
  CHECK(str(r[6]) == "CLM-1");
  CHECK(decText(r[7].d) == "30.1");
}

TEST_CASE("vm: absent values", "[vm]") {
  OpcodeHarness h;
  const uint16_t k42 = h.t.kInt(42);
  auto r = h.run({ins(O::LOADABSENT, 10), ins(O::LOADK, 11, k42),
                  ins(O::FIELD, 0, 10, kLobSlot, kPayerRecord),  // absent-propagating
                  ins(O::ISPRESENT, 1, 10), ins(O::ISPRESENT, 2, 11), ins(O::COALESCE, 3, 10, 11),
                  ins(O::COALESCE, 4, 11, 10), ins(O::LOADBOOL, 5, 0), ins(O::NOT, 5, 5),
                  // `(max ...) ?? 0.5` widens the optional integer first: absent stays absent
                  ins(O::ITOD, 6, 10), ins(O::ITOD, 7, 11)},
                 8);
  CHECK(r[0].absent == 1);
  CHECK(r[1].i == 0);
  CHECK(r[2].i == 1);
  CHECK((r[3].absent == 0 && r[3].i == 42));
  CHECK((r[4].absent == 0 && r[4].i == 42));
  CHECK(r[5].i == 1);
  CHECK(r[6].absent == 1);
  CHECK((r[7].absent == 0 && decText(r[7].d) == "42"));
}

TEST_CASE("vm: integer, date and duration arithmetic", "[vm]") {
  OpcodeHarness h;
  const uint16_t k7 = h.t.kInt(7);
  const uint16_t k3 = h.t.kInt(3);
  const uint16_t kDays = h.t.kInt(18, K::kDuration);
  auto r = h.run({ins(O::LOADK, 10, k7), ins(O::LOADK, 11, k3), ins(O::ADDI, 0, 10, 11), ins(O::SUBI, 1, 11, 10),
                  ins(O::MULI, 2, 10, 11), ins(O::NEGI, 3, 10), ins(O::LINE, 12),
                  ins(O::FIELD, 12, 12, kDateSlot, kLineRecord), ins(O::LOADK, 13, kDays), ins(O::ADDDAYS, 4, 12, 13),
                  ins(O::SUBDAYS, 5, 12, 13), ins(O::DIFFDAYS, 6, 4, 5)},
                 7);
  CHECK(r[0].i == 10);
  CHECK(r[1].i == -4);
  CHECK(r[2].i == 21);
  CHECK(r[3].i == -7);
  CHECK(r[4].i == kDay20261005 + 18);
  CHECK(r[5].i == kDay20261005 - 18);
  CHECK(r[6].i == 36);
}

TEST_CASE("vm: operands that name constants (format 6) read them as registers hold them", "[vm]") {
  OpcodeHarness h;
  const uint16_t k7 = h.t.kInt(7);
  const uint16_t kDays = h.t.kInt(18, K::kDuration);
  const uint16_t kHalf = h.t.kDecimal("0.5");
  auto named = [](uint16_t k) { return static_cast<uint16_t>(kConstantOperandBase + k); };
  auto r = h.run({ins(O::LOADK, 10, k7), ins(O::ADDI, 0, 10, named(k7)), ins(O::SUBI, 1, named(k7), 10),
                  ins(O::LINE, 12), ins(O::FIELD, 12, 12, kDateSlot, kLineRecord),
                  ins(O::SUBDAYS, 2, 12, named(kDays)), ins(O::LINE, 11), ins(O::FIELD, 13, 11, kUnitsSlot, kLineRecord),
                  ins(O::MULD, 3, 13, named(kHalf)), ins(O::LTI, 4, 10, named(k7)), ins(O::LEI, 5, 10, named(k7))},
                 6);
  CHECK(r[0].i == 14);
  CHECK(r[1].i == 0);
  CHECK(r[2].i == kDay20261005 - 18);
  CHECK(decText(r[3].d) == "15.05");
  CHECK(r[4].i == 0);
  CHECK(r[5].i == 1);
}

// Rules that all begin LINE, LINEFIELD R1 (the service date) share R1 on a line: the second rule
// starts after its LINEFIELD. Unless some rule writes R1 later: then each rule loads it itself.
TEST_CASE("vm: rules start after a line field every rule loads first, only while no rule writes it", "[vm]") {
  for (const bool overwrite : {false, true}) {
    INFO("rule A overwrites R1: " << overwrite);
    TestProgram t;
    const uint16_t early = t.kInt(10000, K::kDate);   // 1997-05-19
    const uint16_t cutoff = t.kInt(18262, K::kDate);  // 2020-01-01
    const size_t pol = t.policy("p", {"commercial"}, t.governAll());
    std::vector<Instr> a = {ins(O::LINE, 0), ins(O::LINEFIELD, 1, 0, kDateSlot, kLineRecord), ins(O::PASS)};
    if (overwrite) a.insert(a.begin() + 2, ins(O::LOADK, 1, early));
    t.rule(pol, "A", a);
    // B fails when its R1 (the date of service, 2026-10-05) is not before 2020-01-01.
    t.rule(pol, "B",
           {ins(O::LINE, 0), ins(O::LINEFIELD, 1, 0, kDateSlot, kLineRecord),
            ins(O::JLTI, 1, 1, kConstantOperandBase + cutoff, 4), ins(O::FAIL, 0, 0, 0, kNoRegister), ins(O::PASS)},
           {outcome(Action::kDeny, "1")});
    t.link();
    TestClaim claim{"CLM-1", "commercial", {{7, "J9027", "30.1", {}}}, {}, {}};
    Evaluator vm(t.p);
    Decision decision;
    EvalError error;
    REQUIRE(vm.decide(claim.facts, decision, error));
    REQUIRE(decision.reasons.size() == 1);
    CHECK(decision.reasons[0].rule == 1);
  }
}

TEST_CASE("vm: integer overflow is an error", "[vm]") {
  OpcodeHarness h;
  const uint16_t kBig = h.t.kInt(INT64_MAX);
  SECTION("ADDI") {
    CHECK(h.fails({ins(O::LOADK, 0, kBig), ins(O::ADDI, 1, 0, 0)}) == "integer overflow in rule C-DOSE on claim line 7");
  }
  SECTION("MULI") { CHECK(h.fails({ins(O::LOADK, 0, kBig), ins(O::MULI, 1, 0, 0)}).find("integer overflow") == 0); }
  SECTION("NEGI of the minimum") {
    const uint16_t kMin = h.t.kInt(INT64_MIN);
    CHECK(h.fails({ins(O::LOADK, 0, kMin), ins(O::NEGI, 1, 0)}).find("integer overflow") == 0);
  }
}

TEST_CASE("vm: exact decimal arithmetic", "[vm]") {
  OpcodeHarness h;
  const uint16_t a = h.t.kDecimal("30.1");
  const uint16_t b = h.t.kDecimal("8.3");
  const uint16_t c = h.t.kDecimal("21.6");
  const uint16_t n = h.t.kDecimal("17424");
  const uint16_t d = h.t.kDecimal("3600");
  const uint16_t i = h.t.kInt(5);
  auto r = h.run({ins(O::LOADK, 10, a), ins(O::LOADK, 11, b), ins(O::LOADK, 12, c), ins(O::ADDD, 0, 10, 11),
                  ins(O::ADDD, 0, 0, 12),  // a == b
                  ins(O::SUBD, 1, 11, 10), ins(O::MULD, 2, 10, 11), ins(O::LOADK, 13, n), ins(O::LOADK, 14, d),
                  ins(O::DIVD, 3, 13, 14), ins(O::NEGD, 4, 10), ins(O::LOADK, 15, i), ins(O::ITOD, 5, 15)},
                 6);
  CHECK(decText(r[0].d) == "60");
  CHECK(decText(r[1].d) == "-21.8");
  CHECK(decText(r[2].d) == "249.83");
  CHECK(decText(r[3].d) == "4.84");
  CHECK(decText(r[4].d) == "-30.1");
  CHECK(decText(r[5].d) == "5");
}

TEST_CASE("vm: decimal overflow and division by zero are errors naming rule and line", "[vm]") {
  OpcodeHarness h;
  SECTION("overflow") {
    const uint16_t big = h.t.kDecimal("1e47");
    CHECK(h.fails({ins(O::LOADK, 0, big), ins(O::MULD, 1, 0, 0)}) == "decimal overflow in rule C-DOSE on claim line 7");
  }
  SECTION("division by zero") {
    const uint16_t zero = h.t.kDecimal("0");
    CHECK(h.fails({ins(O::LINE, 0), ins(O::FIELD, 1, 0, kUnitsSlot, kLineRecord), ins(O::LOADK, 2, zero),
                   ins(O::DIVD, 3, 1, 2)}) == "division by zero in rule C-DOSE on claim line 7");
  }
}

TEST_CASE("vm: DIVD and sqrt results are the same whether computed or remembered", "[vm]") {
  // One DIVD site meets the same operands on every pass of a loop, one sqrt site different ones
  // (the claim's amounts 1.5 and 2), and the whole chunk runs again on a second claim.
  OpcodeHarness h;
  const uint16_t ten = h.t.kDecimal("10"), four = h.t.kDecimal("4"), zero = h.t.kDecimal("0");
  const uint16_t sqrtFn = h.t.function("sqrt");
  const std::vector<Instr> code = {
      ins(O::LOADK, 10, ten), ins(O::LOADK, 11, four), ins(O::LOADK, 0, zero), ins(O::LOADK, 1, zero),
      ins(O::LOADK, 2, zero), ins(O::ROOTFIELD, 12, 0, kAmountsSlot, kClaimRecord), ins(O::ITERINIT, 13, 12),
      ins(O::ITERNEXT, 13, 14, 13),                            // 7
      ins(O::DIVD, 0, 10, 11), ins(O::CALL, 1, sqrtFn, 14, 1),  // 8, 9
      ins(O::ADDD, 2, 2, 1), ins(O::ADDD, 2, 2, 0), ins(O::LOOP, 0, 7),
      ins(O::FAIL, 0, 0, 3, kNoRegister)};  // 13
  const size_t pol = h.t.policy("p", {"commercial"}, h.t.governAll());
  h.t.rule(pol, "T", code, {outcome(Action::kDeny, "1", {}, silent(3))});
  h.t.link();
  Evaluator vm(h.t.p);
  Decimal root15, root2, sum;
  REQUIRE(sqrt(dec("1.5"), root15) == DecimalStatus::kOk);
  REQUIRE(sqrt(dec("2"), root2) == DecimalStatus::kOk);
  REQUIRE(add(root15, dec("2.5"), sum) == DecimalStatus::kOk);
  REQUIRE(add(sum, root2, sum) == DecimalStatus::kOk);
  REQUIRE(add(sum, dec("2.5"), sum) == DecimalStatus::kOk);
  for (int pass = 0; pass < 2; ++pass) {
    INFO("pass " << pass);
    REQUIRE(vm.decide(h.claim.facts, h.decision, h.error));
    REQUIRE(h.decision.reasons.size() == 1);
    const Reason& r = h.decision.reasons[0];
    CHECK(decText(r.args[0].d) == "2.5");
    CHECK(decText(r.args[1].d) == decText(root2));
    CHECK(decText(r.args[2].d) == decText(sum));
  }
}

TEST_CASE("vm: a division by zero fails every time, not only the first", "[vm]") {
  OpcodeHarness h;
  const uint16_t one = h.t.kDecimal("1"), zero = h.t.kDecimal("0");
  const size_t pol = h.t.policy("p", {"commercial"}, h.t.governAll());
  h.t.rule(pol, "C-DOSE", {ins(O::LOADK, 0, one), ins(O::LOADK, 1, zero), ins(O::DIVD, 2, 0, 1), ins(O::PASS)},
           {outcome(Action::kDeny, "1")});
  h.t.link();
  Evaluator vm(h.t.p);
  for (int pass = 0; pass < 2; ++pass) {
    REQUIRE_FALSE(vm.decide(h.claim.facts, h.decision, h.error));
    CHECK(h.error.message == "division by zero in rule C-DOSE on claim line 7");
  }
}

TEST_CASE("vm: comparisons", "[vm]") {
  OpcodeHarness h;
  const uint16_t k3 = h.t.kInt(3);
  const uint16_t k5 = h.t.kInt(5);
  const uint16_t d60 = h.t.kDecimal("60.0");
  const uint16_t d60b = h.t.kDecimal("6e1");
  const uint16_t d59 = h.t.kDecimal("59.999");
  const uint16_t s1 = h.t.kString("J9027");
  auto r = h.run({ins(O::LOADK, 10, k3), ins(O::LOADK, 11, k5), ins(O::EQI, 0, 10, 10), ins(O::LTI, 1, 11, 10),
                  ins(O::LEI, 2, 10, 11), ins(O::LOADK, 12, d60), ins(O::LOADK, 13, d60b), ins(O::LOADK, 14, d59),
                  ins(O::EQD, 3, 12, 13), ins(O::LTD, 4, 14, 12), ins(O::LED, 5, 12, 14), ins(O::LINE, 15),
                  ins(O::FIELD, 15, 15, kHcpcsSlot, kLineRecord), ins(O::LOADK, 16, s1), ins(O::EQS, 6, 15, 16)},
                 7);
  CHECK(r[0].i == 1);
  CHECK(r[1].i == 0);
  CHECK(r[2].i == 1);
  CHECK(r[3].i == 1);
  CHECK(r[4].i == 1);
  CHECK(r[5].i == 0);
  CHECK(r[6].i == 1);
}

TEST_CASE("vm: string equality is byte for byte", "[vm]") {
  OpcodeHarness h;
  const uint16_t a = h.t.kString("J9027");
  const uint16_t b = h.t.kString("j9027");
  const uint16_t e = h.t.kString("");
  auto r = h.run({ins(O::LINE, 10), ins(O::FIELD, 10, 10, kHcpcsSlot, kLineRecord), ins(O::LOADK, 11, a),
                  ins(O::LOADK, 12, b), ins(O::LOADK, 13, e), ins(O::EQS, 0, 10, 11), ins(O::EQS, 1, 10, 12),
                  ins(O::EQS, 2, 13, 13), ins(O::EQS, 3, 13, 10)},
                 4);
  CHECK(r[0].i == 1);
  CHECK(r[1].i == 0);
  CHECK(r[2].i == 1);
  CHECK(r[3].i == 0);
}

// The VM compares short strings with word loads from both ends (StrRef's operator== in
// runtime/value.h): a difference at any byte of any length up to past the memcmp cut-over
// must still be seen.
TEST_CASE("vm: string equality sees a difference at every byte of every length", "[vm]") {
  for (size_t n = 1; n <= 20; ++n) {
    for (size_t at = 0; at < n; ++at) {
      OpcodeHarness h;
      const std::string s(n, 'a');
      std::string t = s;
      t[at] = 'b';
      const uint16_t ks = h.t.kString(s), kt = h.t.kString(t);
      auto r = h.run({ins(O::LOADK, 10, ks), ins(O::LOADK, 11, kt), ins(O::EQS, 0, 10, 11), ins(O::EQSK, 1, 11, ks),
                      ins(O::EQSK, 2, 10, ks), ins(O::EQS, 3, 11, 11)},
                     4);
      INFO("length " << n << ", difference at " << at);
      CHECK(r[0].i == 0);
      CHECK(r[1].i == 0);
      CHECK(r[2].i == 1);
      CHECK(r[3].i == 1);
    }
  }
}

TEST_CASE("vm: collections", "[vm]") {
  OpcodeHarness h;
  const uint16_t steroids = h.t.set({"prednisone", "prednisolone", "dexamethasone"});
  const uint16_t pred = h.t.kString("prednisolone");
  const uint16_t cap = h.t.kString("Prednisone");
  const uint16_t jz = h.t.kString("JZ");
  const uint16_t k5 = h.t.kInt(5);
  const uint16_t k4 = h.t.kInt(4);
  const uint16_t d2 = h.t.kDecimal("2.0");
  auto r = h.run({ins(O::LOADK, 10, pred), ins(O::INSET, 0, 10, steroids), ins(O::LOADK, 10, cap),
                  ins(O::INSET, 1, 10, steroids), ins(O::LINE, 11), ins(O::FIELD, 11, 11, kModifiersSlot, kLineRecord),
                  ins(O::LOADK, 12, jz), ins(O::CONTAINS, 2, 11, 12, static_cast<int>(K::kString)),
                  ins(O::LEN, 3, 11), ins(O::ROOT, 13), ins(O::FIELD, 14, 13, kCountsSlot, kClaimRecord),
                  ins(O::LOADK, 15, k5), ins(O::CONTAINS, 4, 14, 15, static_cast<int>(K::kInt)),
                  ins(O::LOADK, 15, k4), ins(O::CONTAINS, 5, 14, 15, static_cast<int>(K::kInt)),
                  ins(O::FIELD, 14, 13, kAmountsSlot, kClaimRecord), ins(O::LOADK, 15, d2),
                  ins(O::CONTAINS, 6, 14, 15, static_cast<int>(K::kDecimal))},
                 7);
  CHECK(r[0].i == 1);
  CHECK(r[1].i == 0);  // case matters
  CHECK(r[2].i == 1);
  CHECK(r[3].i == 2);
  CHECK(r[4].i == 1);
  CHECK(r[5].i == 0);
  CHECK(r[6].i == 1);  // by value: 2.0 == 2
}

TEST_CASE("vm: loops, min and max", "[vm]") {
  OpcodeHarness h;
  // R0 = max(counts), R1 = min(counts), R2 = max(amounts), R3 = min(amounts), R4 = element count
  const uint16_t zero = h.t.kInt(0);
  const uint16_t one = h.t.kInt(1);
  auto r = h.run({ins(O::ROOT, 10), ins(O::FIELD, 11, 10, kCountsSlot, kClaimRecord), ins(O::LOADABSENT, 0),
                  ins(O::LOADABSENT, 1), ins(O::LOADK, 4, zero), ins(O::LOADK, 15, one), ins(O::ITERINIT, 12, 11),
                  /* 7 */ ins(O::ITERNEXT, 12, 13, 12), ins(O::MAXI, 0, 13), ins(O::MINI, 1, 13),
                  ins(O::ADDI, 4, 4, 15), ins(O::LOOP, 0, 7),
                  /* 12 */ ins(O::FIELD, 11, 10, kAmountsSlot, kClaimRecord), ins(O::LOADABSENT, 2),
                  ins(O::LOADABSENT, 3), ins(O::ITERINIT, 12, 11),
                  /* 16 */ ins(O::ITERNEXT, 12, 13, 20), ins(O::MAXD, 2, 13), ins(O::MIND, 3, 13), ins(O::LOOP, 0, 16)},
                 5);
  CHECK(r[0].i == 7);
  CHECK(r[1].i == 3);
  CHECK(decText(r[2].d) == "2");
  CHECK(decText(r[3].d) == "1.5");
  CHECK(r[4].i == 3);
}

TEST_CASE("vm: an empty loop leaves MAXI absent", "[vm]") {
  OpcodeHarness h;
  h.claim = TestClaim("CLM-1", "commercial", {{7, "J9027", "30.1", {}}}, {});
  auto r = h.run({ins(O::ROOT, 10), ins(O::FIELD, 11, 10, kCountsSlot, kClaimRecord), ins(O::LOADABSENT, 0),
                  ins(O::ITERINIT, 12, 11), /* 4 */ ins(O::ITERNEXT, 12, 13, 7), ins(O::MAXI, 0, 13),
                  ins(O::LOOP, 0, 4)},
                 1);
  CHECK(r[0].absent == 1);
}

// ITERFIELD and ITERROOTFIELD stand for FIELD / ROOTFIELD + ITERINIT: the same elements in
// the same order, none for an absent record, and ITERNEXT run with or without a dispatch.
TEST_CASE("vm: ITERFIELD and ITERROOTFIELD start a loop from a list field", "[vm]") {
  OpcodeHarness h;
  const uint16_t zero = h.t.kInt(0), one = h.t.kInt(1);
  // R0 = sum of counts (ITERROOTFIELD), R1 = max of amounts (ITERFIELD of the claim record),
  // R2 = count of the line's modifiers (ITERFIELD of the line), R3 = count over an absent
  // record, R4 = count of counts with an instruction between the start and ITERNEXT, R5 = the
  // count over counts from an iterator that replaced its own record register.
  auto r = h.run({ins(O::LOADK, 0, zero), ins(O::LOADABSENT, 1), ins(O::LOADK, 2, zero), ins(O::LOADK, 3, zero),
                  ins(O::LOADK, 15, one),
                  /* 5 */ ins(O::ITERROOTFIELD, 10, 0, kCountsSlot, kClaimRecord),
                  /* 6 */ ins(O::ITERNEXT, 10, 11, 9), ins(O::ADDI, 0, 0, 11), ins(O::LOOP, 0, 6),
                  /* 9 */ ins(O::ROOT, 12), ins(O::ITERFIELD, 10, 12, kAmountsSlot, kClaimRecord),
                  /* 11 */ ins(O::ITERNEXT, 10, 11, 14), ins(O::MAXD, 1, 11), ins(O::LOOP, 0, 11),
                  /* 14 */ ins(O::LINE, 13), ins(O::ITERFIELD, 10, 13, kModifiersSlot, kLineRecord),
                  /* 16 */ ins(O::ITERNEXT, 10, 11, 19), ins(O::ADDI, 2, 2, 15), ins(O::LOOP, 0, 16),
                  /* 19 */ ins(O::LOADABSENT, 14), ins(O::ITERFIELD, 10, 14, kCountsSlot, kClaimRecord),
                  /* 21 */ ins(O::ITERNEXT, 10, 11, 24), ins(O::ADDI, 3, 3, 15), ins(O::LOOP, 0, 21),
                  /* 24 */ ins(O::ITERROOTFIELD, 10, 0, kCountsSlot, kClaimRecord), ins(O::LOADK, 4, zero),
                  /* 26 */ ins(O::ITERNEXT, 10, 11, 29), ins(O::ADDI, 4, 4, 15), ins(O::LOOP, 0, 26),
                  /* 29 */ ins(O::ROOT, 10), ins(O::LOADK, 5, zero),
                  ins(O::ITERFIELD, 10, 10, kCountsSlot, kClaimRecord),
                  /* 32 */ ins(O::ITERNEXT, 10, 11, 35), ins(O::ADDI, 5, 5, 15), ins(O::LOOP, 0, 32)},
                 6);
  CHECK(r[0].i == 3 + 5 + 7);
  CHECK(decText(r[1].d) == "2");
  CHECK(r[2].i == 2);  // JW, JZ
  CHECK(r[3].i == 0);  // an absent record has no elements
  CHECK(r[4].i == 3);
  CHECK(r[5].i == 3);
}

TEST_CASE("decide: a loop started from a field charges the element budget as ITERINIT's does", "[vm]") {
  OpcodeHarness h;
  h.claim = TestClaim("CLM-1", "commercial",
                      {{1, "J9027", "30.1", {}}, {2, "J9027", "8.3", {}}, {3, "J9027", "21.6", {}}});
  const uint16_t zero = h.t.kDecimal("0");
  auto code = std::vector<Instr>{
      ins(O::LOADK, 0, zero), ins(O::ITERROOTFIELD, 12, 0, kLinesSlot, kClaimRecord),
      /* 2 */ ins(O::ITERNEXT, 12, 13, 6), ins(O::FIELD, 14, 13, kUnitsSlot, kLineRecord), ins(O::ADDD, 0, 0, 14),
      ins(O::LOOP, 0, 2),
      /* 6 */ ins(O::PASS)};
  const size_t pol = h.t.policy("p", {"commercial"}, h.t.governAll());
  h.t.rule(pol, "SUM", code, {outcome(Action::kDeny, "1")});
  h.t.link();
  Evaluator vm(h.t.p);
  REQUIRE(vm.decide(h.claim.facts, h.decision, h.error));
  vm.setElementVisitBudget(2);
  REQUIRE_FALSE(vm.decide(h.claim.facts, h.decision, h.error));
  CHECK(h.error.message.find("too much work: the decision would visit more list elements than its budget") == 0);
  CHECK(h.error.message.find("in rule SUM on claim line 1") != std::string::npos);
  // 3 lines a rule run, one run per line (the rule reads no line field, so later lines take the
  // first line's result): a budget of 3 is enough.
  vm.setElementVisitBudget(3);
  CHECK(vm.decide(h.claim.facts, h.decision, h.error));
}

// A loop over a list field of the line reads that field: a later line with other modifiers must
// not take an earlier line's result.
TEST_CASE("decide: a rule looping over a field of its line is keyed by that field", "[vm]") {
  TestProgram t;
  const uint16_t zero = t.kInt(0), one = t.kInt(1);
  const size_t pol = t.policy("p", {"commercial"}, t.governAll());
  t.rule(pol, "R-MODIFIERS",
         {ins(O::LINE, 0), ins(O::LOADK, 1, zero), ins(O::LOADK, 2, one),
          ins(O::ITERFIELD, 3, 0, kModifiersSlot, kLineRecord),
          /* 4 */ ins(O::ITERNEXT, 3, 4, 7), ins(O::ADDI, 1, 1, 2), ins(O::LOOP, 0, 4),
          /* 7 */ ins(O::FAIL, 1, 0, 1, kNoRegister)},
         {outcome(Action::kPend, "16", {}, silent(1))});
  t.link();
  TestClaim claim("CLM", "commercial",
                  {{1, "J9027", "1", {"JW"}}, {2, "J9027", "1", {"JW", "JZ"}}, {3, "J9027", "1", {}}});
  Evaluator vm(t.p);
  Decision out;
  EvalError error;
  REQUIRE(vm.decide(claim.facts, out, error));
  const int64_t counts[] = {1, 2, 0};
  for (size_t i = 0; i < 3; ++i) {
    INFO("line " << i);
    REQUIRE(out.lines[i].reasonCount == 1);
    CHECK(out.reasons[out.lines[i].firstReason].args[0].i == counts[i]);
  }
}

TEST_CASE("vm: jumps", "[vm]") {
  OpcodeHarness h;
  const uint16_t k1 = h.t.kInt(1);
  const uint16_t k2 = h.t.kInt(2);
  auto r = h.run({ins(O::LOADBOOL, 10, 1), ins(O::LOADBOOL, 11, 0), ins(O::LOADK, 0, k1), ins(O::LOADK, 1, k1),
                  ins(O::LOADK, 2, k1),
                  /* 5 */ ins(O::JMPIF, 10, 7), ins(O::LOADK, 0, k2),           // skipped
                  /* 7 */ ins(O::JMPIFNOT, 11, 9), ins(O::LOADK, 1, k2),        // skipped
                  /* 9 */ ins(O::JMPIF, 11, 11), ins(O::LOADK, 2, k2),          // not taken
                  /* 11 */ ins(O::JMP, 0, 13), ins(O::LOADK, 2, k1), ins(O::NOP)},
                 3);
  CHECK(r[0].i == 1);
  CHECK(r[1].i == 1);
  CHECK(r[2].i == 2);
}

TEST_CASE("vm: builtin calls", "[vm]") {
  OpcodeHarness h;
  const uint16_t sqrtFn = h.t.function("sqrt");
  const uint16_t roundFn = h.t.function("round");
  const uint16_t x = h.t.kDecimal("4.84");
  const uint16_t y = h.t.kDecimal("2.345");
  const uint16_t places = h.t.kInt(2);
  SECTION("results") {
    auto r = h.run({ins(O::LOADK, 10, x), ins(O::CALL, 0, sqrtFn, 10, 1), ins(O::LOADK, 11, y),
                    ins(O::LOADK, 12, places), ins(O::CALL, 1, roundFn, 11, 2),
                    ins(O::CALL, 11, roundFn, 11, 2)},  // result over its own argument
                   2);
    CHECK(decText(r[0].d) == "2.2");
    CHECK(decText(r[1].d) == "2.34");
  }
  SECTION("a failing builtin is an error with its message") {
    const uint16_t minus = h.t.kDecimal("-1");
    CHECK(h.fails({ins(O::LOADK, 0, minus), ins(O::CALL, 1, sqrtFn, 0, 1)}) ==
          "square root of a negative number in rule C-DOSE on claim line 7");
  }
}

TEST_CASE("vm: a loop summing units over the claim's lines", "[vm]") {
  OpcodeHarness h;
  h.claim = TestClaim("CLM-1", "commercial",
                      {{1, "J9027", "30.1", {}}, {2, "J9027", "8.3", {}}, {3, "J9027", "21.6", {}}});
  const uint16_t zero = h.t.kDecimal("0");
  const uint16_t sixty = h.t.kDecimal("60");
  auto code = std::vector<Instr>{
      ins(O::ROOT, 10), ins(O::FIELD, 11, 10, kLinesSlot, kClaimRecord), ins(O::LOADK, 0, zero),
      ins(O::ITERINIT, 12, 11),
      /* 4 */ ins(O::ITERNEXT, 12, 13, 8), ins(O::FIELD, 14, 13, kUnitsSlot, kLineRecord), ins(O::ADDD, 0, 0, 14),
      ins(O::LOOP, 0, 4),
      /* 8 */ ins(O::LOADK, 15, sixty), ins(O::EQD, 1, 0, 15)};
  code.push_back(ins(O::FAIL, 0, 0, 2, kNoRegister));
  const size_t pol = h.t.policy("p", {"commercial"}, h.t.governAll());
  h.t.rule(pol, "SUM", code, {outcome(Action::kDeny, "1", {}, silent(2))});
  h.t.link();
  Evaluator vm(h.t.p);
  REQUIRE(vm.decide(h.claim.facts, h.decision, h.error));
  REQUIRE(h.decision.reasons.size() == 3);  // one per line, each summing all three
  for (const Reason& reason : h.decision.reasons) {
    CHECK(decText(reason.args[0].d) == "60");
    CHECK(reason.args[1].i == 1);
  }
}

TEST_CASE("decide: a decision's loops visit at most its element budget", "[vm]") {
  OpcodeHarness h;
  h.claim = TestClaim("CLM-1", "commercial",
                      {{1, "J9027", "30.1", {}}, {2, "J9027", "8.3", {}}, {3, "J9027", "21.6", {}}});
  const uint16_t zero = h.t.kDecimal("0");
  auto code = std::vector<Instr>{
      ins(O::ROOT, 10), ins(O::FIELD, 11, 10, kLinesSlot, kClaimRecord), ins(O::LOADK, 0, zero),
      ins(O::ITERINIT, 12, 11),
      /* 4 */ ins(O::ITERNEXT, 12, 13, 8), ins(O::FIELD, 14, 13, kUnitsSlot, kLineRecord), ins(O::ADDD, 0, 0, 14),
      ins(O::LOOP, 0, 4),
      /* 8 */ ins(O::PASS)};
  const size_t pol = h.t.policy("p", {"commercial"}, h.t.governAll());
  h.t.rule(pol, "SUM", code, {outcome(Action::kDeny, "1")});
  h.t.link();
  Evaluator vm(h.t.p);
  REQUIRE(vm.decide(h.claim.facts, h.decision, h.error));  // the default budget
  // A loop over 3 lines does not fit a budget of 2: the first line's rule fails at the third.
  vm.setElementVisitBudget(2);
  REQUIRE_FALSE(vm.decide(h.claim.facts, h.decision, h.error));
  CHECK(h.error.message.find("too much work: the decision would visit more list elements than its budget") == 0);
  CHECK(h.error.message.find("than its budget of 2 in rule SUM on claim line 1") != std::string::npos);
  // The budget is per decision: a new claim starts with all of it.
  vm.setElementVisitBudget(Evaluator::kMaxElementVisits);
  CHECK(vm.decide(h.claim.facts, h.decision, h.error));
}

// Sums units over the claim's lines with ITERNEXTG at instruction 4; R0 is the sum.
std::vector<Instr> governedUnitsSum(uint16_t zero, uint16_t listSlot) {
  return {ins(O::ROOT, 10), ins(O::FIELD, 11, 10, listSlot, kClaimRecord), ins(O::LOADK, 0, zero),
          ins(O::ITERINIT, 12, 11),
          /* 4 */ ins(O::ITERNEXTG, 12, 13, 8), ins(O::FIELD, 14, 13, kUnitsSlot, kLineRecord), ins(O::ADDD, 0, 0, 14),
          ins(O::LOOP, 0, 4),
          /* 8 */ ins(O::FAIL, 0, 0, 1, kNoRegister)};
}

TEST_CASE("vm: ITERNEXTG visits the governed lines and charges every line it steps over", "[vm]") {
  OpcodeHarness h;
  h.claim = TestClaim("CLM-1", "commercial",
                      {{1, "96413", "1", {}}, {2, "J9027", "30.1", {}}, {3, "96413", "2", {}}, {4, "J9027", "21.6", {}},
                       {5, "96413", "4", {}}});
  const size_t pol = h.t.policy("p", {"commercial"}, h.t.governCode("J9027"));
  h.t.rule(pol, "SUM", governedUnitsSum(h.t.kDecimal("0"), kLinesSlot), {outcome(Action::kDeny, "1", {}, silent(1))});
  h.t.link();
  Evaluator vm(h.t.p);
  REQUIRE(vm.decide(h.claim.facts, h.decision, h.error));
  REQUIRE(h.decision.reasons.size() == 2);  // the two governed lines, each summing both
  for (const Reason& reason : h.decision.reasons) CHECK(decText(reason.args[0].d) == "51.7");
  // The pass steps over all five lines, as ITERNEXT + JGOVERNED visit them: five visits (one
  // pass: the rule reads nothing of its own line, so the second line takes the first's result).
  vm.setElementVisitBudget(5);
  CHECK(vm.decide(h.claim.facts, h.decision, h.error));
  vm.setElementVisitBudget(4);
  REQUIRE_FALSE(vm.decide(h.claim.facts, h.decision, h.error));
  CHECK(h.error.message.find("too much work") == 0);
}

TEST_CASE("vm: ITERNEXTG over another list of lines is an error", "[vm]") {
  OpcodeHarness h;
  h.claim = TestClaim("CLM-1", "commercial", {{1, "J9027", "30.1", {}}, {2, "J9027", "21.6", {}}});
  // A schema whose `amounts` are lines too, holding the claim's second line only.
  SchemaField& amounts = h.t.p.schema.records[kClaimRecord].fields[4];
  amounts.type.elemKind = K::kRecord;
  amounts.type.record = kLineRecord;
  h.claim.facts.slots[kAmountsSlot] = Value::ofList(ListRef{1, 1});
  const size_t pol = h.t.policy("p", {"commercial"}, h.t.governAll());
  h.t.rule(pol, "SUM", governedUnitsSum(h.t.kDecimal("0"), kAmountsSlot), {outcome(Action::kDeny, "1", {}, silent(1))});
  h.t.link();
  Evaluator vm(h.t.p);
  REQUIRE_FALSE(vm.decide(h.claim.facts, h.decision, h.error));
  CHECK(h.error.message == "ITERNEXTG over a list that is not the claim's lines in rule SUM on claim line 1");
}

TEST_CASE("decide: policy by line of business", "[vm]") {
  TestProgram t;
  const size_t commercial = t.policy("acme-commercial", {"commercial"}, t.governAll());
  const size_t medicare = t.policy("medicare", {"medicare_advantage", "medicare_part_b"}, t.governAll());
  t.policy("second-medicare", {"medicare_part_b"}, t.governAll());  // never chosen: the first match wins
  t.rule(commercial, "C", {ins(O::PASS)});
  t.rule(medicare, "M", {ins(O::PASS)});
  t.link();
  Evaluator vm(t.p);
  Decision out;
  EvalError error;

  TestClaim c1("A", "commercial", {{1, "J9027", "1", {}}});
  REQUIRE(vm.decide(c1.facts, out, error));
  CHECK(out.policy == 0);
  CHECK(out.verdict == Verdict::kApprove);

  TestClaim c2("B", "medicare_part_b", {{1, "J9027", "1", {}}});
  REQUIRE(vm.decide(c2.facts, out, error));
  CHECK(out.policy == 1);

  TestClaim c3("C", "medicaid", {{1, "J9027", "1", {}}, {2, "96413", "1", {}}});
  REQUIRE(vm.decide(c3.facts, out, error));
  CHECK(out.policy == -1);
  CHECK(out.verdict == Verdict::kNotApplicable);
  REQUIRE(out.lines.size() == 2);
  CHECK(out.lines[0].verdict == Verdict::kNotApplicable);
  CHECK(out.lines[1].verdict == Verdict::kNotApplicable);
  CHECK(out.reasons.empty());

  // A prefix of a line of business is not a match.
  TestClaim c4("D", "commercia", {{1, "J9027", "1", {}}});
  REQUIRE(vm.decide(c4.facts, out, error));
  CHECK(out.policy == -1);
}

TEST_CASE("decide: reasons, verdicts and adjustments", "[vm]") {
  TestProgram t;
  const size_t pol = t.policy("p", {"commercial"}, t.governCode("J9027"));
  t.failOnModifier(pol, "R-DENY", "XD", outcome(Action::kDeny, "50", {}, silent(1)));
  t.failOnModifier(pol, "R-PEND", "XP", outcome(Action::kPend, "252", {"M127"}, silent(1)));
  // R-ADJ: an adjustment when the line carries AD, then passes.
  const uint16_t ad = t.kString("AD");
  RuleInfo& adj = t.rule(pol, "R-ADJ",
                         {ins(O::LINE, 0), ins(O::FIELD, 1, 0, kModifiersSlot, kLineRecord), ins(O::LOADK, 2, ad),
                          ins(O::CONTAINS, 3, 1, 2, static_cast<int>(K::kString)), ins(O::JMPIFNOT, 3, 7),
                          ins(O::FIELD, 4, 0, kNumberSlot, kLineRecord), ins(O::ADJUST, 4, 0, 1), ins(O::PASS)});
  AdjustmentSpec spec;
  spec.carc = "45";
  spec.percent = dec("20");
  spec.message = silent(1);
  adj.adjustments.push_back(spec);
  // R-GROUP: a computed group (PR) when the line carries XG.
  const uint16_t xg = t.kString("XG");
  const uint16_t pr = t.kInt(static_cast<int64_t>(AdjustmentGroup::kPR), K::kGroup);
  Outcome computed = outcome(Action::kDeny, "50", {"N115"});
  computed.groupComputed = true;
  t.rule(pol, "R-GROUP",
         {ins(O::LINE, 0), ins(O::FIELD, 1, 0, kModifiersSlot, kLineRecord), ins(O::LOADK, 2, xg),
          ins(O::CONTAINS, 3, 1, 2, static_cast<int>(K::kString)), ins(O::JMPIF, 3, 6), ins(O::SKIP),
          ins(O::LOADK, 5, pr), ins(O::FAIL, 0, 0, 0, 5)},
         {computed});
  t.link();

  TestClaim claim("CLM", "commercial",
                  {{1, "J9027", "1", {"XD", "XP", "AD"}},  // deny (deny beats pend), adjustment dropped
                   {2, "96413", "1", {"XD"}},             // not governed
                   {3, "J9027", "1", {"XP", "AD"}},       // pend, adjustment dropped
                   {4, "J9027", "1", {"AD"}},             // approve with the adjustment
                   {5, "J9027", "1", {"XG"}},             // deny with a computed group
                   {6, "J9027", "1", {}}});               // approve
  Evaluator vm(t.p);
  Decision out;
  EvalError error;
  REQUIRE(vm.decide(claim.facts, out, error));
  CHECK(out.policy == 0);
  CHECK(out.verdict == Verdict::kDeny);
  REQUIRE(out.lines.size() == 6);

  const LineDecision& l1 = out.lines[0];
  CHECK(l1.verdict == Verdict::kDeny);
  REQUIRE(l1.reasonCount == 2);
  CHECK(out.reasons[l1.firstReason].rule == 0);  // in rule order
  CHECK(out.reasons[l1.firstReason].args[0].i == 1);
  CHECK(out.reasons[l1.firstReason + 1].rule == 1);
  CHECK(l1.adjustmentCount == 0);

  CHECK(out.lines[1].verdict == Verdict::kNotApplicable);
  CHECK(out.lines[1].reasonCount == 0);

  const LineDecision& l3 = out.lines[2];
  CHECK(l3.verdict == Verdict::kPend);
  REQUIRE(l3.reasonCount == 1);
  CHECK(out.reasons[l3.firstReason].rule == 1);
  CHECK(out.reasons[l3.firstReason].args[0].i == 3);
  CHECK(l3.adjustmentCount == 0);

  const LineDecision& l4 = out.lines[3];
  CHECK(l4.verdict == Verdict::kApprove);
  CHECK(l4.reasonCount == 0);
  REQUIRE(l4.adjustmentCount == 1);
  CHECK(out.adjustments[l4.firstAdjustment].rule == 2);
  CHECK(out.adjustments[l4.firstAdjustment].adjustment == 0);
  CHECK(out.adjustments[l4.firstAdjustment].args[0].i == 4);

  const LineDecision& l5 = out.lines[4];
  CHECK(l5.verdict == Verdict::kDeny);
  REQUIRE(l5.reasonCount == 1);
  CHECK(out.reasons[l5.firstReason].rule == 3);
  CHECK(out.reasons[l5.firstReason].group == AdjustmentGroup::kPR);
  CHECK(out.reasons[l5.firstReason].argCount == 0);

  CHECK(out.lines[5].verdict == Verdict::kApprove);
  CHECK(out.adjustments.size() == 1);  // only line 4's survived

  SECTION("a computed group that is not CO, PR or OA is an error, not a reason (review16 B3)") {
    // The verifier knows only that FAIL's group register is int-like; a hand-made file can put
    // any integer there.
    TestProgram bad;
    const size_t p = bad.policy("p", {"commercial"}, bad.governCode("J9027"));
    const uint16_t seven = bad.kInt(7);
    Outcome wrong = outcome(Action::kDeny, "50", {});
    wrong.groupComputed = true;
    bad.rule(p, "R-BAD", {ins(O::LOADK, 5, seven), ins(O::FAIL, 0, 0, 0, 5)}, {wrong});
    bad.link();
    Evaluator badVm(bad.p);
    TestClaim one("CLM", "commercial", {{1, "J9027", "1", {}}});
    REQUIRE_FALSE(badVm.decide(one.facts, out, error));
    CHECK(error.message == "a computed adjustment group that is not CO, PR or OA in rule R-BAD on claim line 1");
  }
  SECTION("the claim verdict is the worst line's") {
    TestClaim pendOnly("CLM", "commercial", {{1, "J9027", "1", {"XP"}}, {2, "J9027", "1", {}}});
    REQUIRE(vm.decide(pendOnly.facts, out, error));
    CHECK(out.verdict == Verdict::kPend);
    TestClaim ungoverned("CLM", "commercial", {{1, "96413", "1", {}}});
    REQUIRE(vm.decide(ungoverned.facts, out, error));
    CHECK(out.policy == 0);  // set even when no line is governed
    CHECK(out.verdict == Verdict::kNotApplicable);
  }

  SECTION("a warm evaluator reuses the decision's buffers") {
    const Reason* reasons = out.reasons.data();
    const LineDecision* lines = out.lines.data();
    REQUIRE(vm.decide(claim.facts, out, error));
    CHECK(out.reasons.data() == reasons);
    CHECK(out.lines.data() == lines);
  }
}

// run() goes from one rule's end to the next rule's code without returning: each rule's exit is
// still recorded, traced and stored for later lines, a rule chunk without a leading LINE runs
// too, and an error names the rule that raised it, not the line's first rule.
TEST_CASE("decide: a line's rules run one after another in one pass", "[vm]") {
  TestProgram t;
  const size_t pol = t.policy("p", {"commercial"}, t.governCode("J9027"));
  // R-DATE reads its line only through the service date, so a later line of the same date
  // takes its stored result, message argument included.
  t.rule(pol, "R-DATE",
         {ins(O::LINE, 0), ins(O::FIELD, 1, 0, kDateSlot, kLineRecord), ins(O::FAIL, 1, 0, 1, kNoRegister)},
         {outcome(Action::kPend, "252", {}, silent(1))});
  t.rule(pol, "R-NOLINE", {ins(O::LOADBOOL, 3, 1), ins(O::JMPIF, 3, 3), ins(O::SKIP), ins(O::PASS)});
  t.failOnModifier(pol, "R-DENY", "XD", outcome(Action::kDeny, "50", {}, silent(1)));
  t.link();

  TestClaim claim("CLM", "commercial", {{1, "J9027", "1", {"XD"}}, {2, "96413", "1", {}}, {3, "J9027", "1", {}}});
  Evaluator vm(t.p);
  std::vector<Evaluator::RuleTraceEntry> trace;
  vm.setRuleTrace(&trace);
  Decision out;
  EvalError error;
  REQUIRE(vm.decide(claim.facts, out, error));
  REQUIRE(out.lines.size() == 3);
  CHECK(out.lines[0].verdict == Verdict::kDeny);
  REQUIRE(out.lines[0].reasonCount == 2);
  CHECK(out.reasons[out.lines[0].firstReason].rule == 0);
  CHECK(out.reasons[out.lines[0].firstReason].args[0].i == kDay20261005);
  CHECK(out.reasons[out.lines[0].firstReason + 1].rule == 2);
  CHECK(out.reasons[out.lines[0].firstReason + 1].args[0].i == 1);
  CHECK(out.lines[1].verdict == Verdict::kNotApplicable);
  CHECK(out.lines[2].verdict == Verdict::kPend);
  REQUIRE(out.lines[2].reasonCount == 1);
  const Reason& stored = out.reasons[out.lines[2].firstReason];
  CHECK(stored.rule == 0);
  CHECK(stored.argCount == 1);
  CHECK(stored.args[0].i == kDay20261005);
  using O2 = Evaluator::RuleOutcome;
  const std::vector<std::tuple<uint32_t, uint32_t, O2>> expected = {
      {0, 0, O2::kFailed}, {0, 1, O2::kPassed}, {0, 2, O2::kFailed},
      {2, 0, O2::kFailed}, {2, 1, O2::kPassed}, {2, 2, O2::kPassed}};
  REQUIRE(trace.size() == expected.size());
  for (size_t k = 0; k < trace.size(); ++k) {
    CHECK(std::make_tuple(trace[k].line, trace[k].rule, trace[k].outcome) == expected[k]);
  }

  SECTION("an error in a later rule names that rule") {
    TestProgram e;
    const size_t p2 = e.policy("p", {"commercial"}, e.governCode("J9027"));
    e.failOnModifier(p2, "R-DENY", "XD", outcome(Action::kDeny, "50", {}, silent(1)));
    const uint16_t big = e.kInt(INT64_MAX);
    e.rule(p2, "R-OVERFLOW", {ins(O::LINE, 0), ins(O::LOADK, 1, big), ins(O::ADDI, 2, 1, 1), ins(O::PASS)});
    e.link();
    Evaluator failing(e.p);
    REQUIRE_FALSE(failing.decide(claim.facts, out, error));
    CHECK(error.message == "integer overflow in rule R-OVERFLOW on claim line 1");
  }
}

// A rule keyed by the service date (the policy's split slot) stores and looks up its results only
// where another line has the same date; a rule that reads no line field reuses its result on
// every line. Lines of two dates interleaved: the third line takes the first line's result
// although the second (another date) ran the rule in between; traced or not, the same decision.
TEST_CASE("decide: results keyed by the service date are shared only between lines of that date", "[vm]") {
  TestProgram t;
  const size_t pol = t.policy("p", {"commercial"}, t.governCode("J9027"));
  t.rule(pol, "R-DATE",
         {ins(O::LINE, 0), ins(O::FIELD, 1, 0, kDateSlot, kLineRecord), ins(O::FAIL, 1, 0, 1, kNoRegister)},
         {outcome(Action::kPend, "252", {}, silent(1))});
  const uint16_t id = t.kString("CLM");
  t.rule(pol, "R-CLAIM", {ins(O::LOADK, 1, id), ins(O::FAIL, 1, 0, 1, kNoRegister)},
         {outcome(Action::kPend, "16", {}, silent(1))});
  t.link();
  const int32_t other = kDay20261005 + 7;
  TestClaim claim("CLM", "commercial",
                  {{1, "J9027", "1", {}}, {2, "J9027", "1", {}, other}, {3, "J9027", "1", {}},
                   {4, "J9027", "1", {}, other}, {5, "J9027", "1", {}, other + 1}});
  for (const bool traced : {false, true}) {
    INFO("traced " << traced);
    Evaluator vm(t.p);
    std::vector<Evaluator::RuleTraceEntry> trace;
    if (traced) vm.setRuleTrace(&trace);
    Decision out;
    EvalError error;
    REQUIRE(vm.decide(claim.facts, out, error));
    REQUIRE(out.lines.size() == 5);
    const int64_t dates[] = {kDay20261005, other, kDay20261005, other, other + 1};
    for (size_t i = 0; i < 5; ++i) {
      INFO("line " << i);
      CHECK(out.lines[i].verdict == Verdict::kPend);
      REQUIRE(out.lines[i].reasonCount == 2);
      const Reason& date = out.reasons[out.lines[i].firstReason];
      CHECK(date.rule == 0);
      CHECK(date.args[0].i == dates[i]);
      const Reason& claimLevel = out.reasons[out.lines[i].firstReason + 1];
      CHECK(claimLevel.rule == 1);
      CHECK(claimLevel.args[0].s.view() == "CLM");
    }
    CHECK(trace.size() == (traced ? 10u : 0u));
  }
}

namespace {

// A policy where waste lines (modifier JW) deny when a same-claim administration line (no JW)
// is denied; administration lines deny when they carry XD.
struct WasteProgram {
  TestProgram t;
  WasteProgram(bool phased) {
    const size_t pol = t.policy("p", {"commercial"}, t.governCode("J9027"));
    if (phased) {
      LineClass waste;
      waste.name = "waste";
      waste.chunk = t.hasModifier("lines waste", "JW");
      waste.phase = 1;
      t.p.policies[pol].phasedClasses.push_back(waste);
    }
    t.failOnModifier(pol, "ADMIN", "XD", outcome(Action::kDeny, "50", {}, silent(1)));
    const uint16_t jw = t.kString("JW");
    const uint16_t deny = t.kString("deny");
    t.rule(pol, "WASTE",
           {/* 0 */ ins(O::LINE, 0), ins(O::FIELD, 1, 0, kModifiersSlot, kLineRecord), ins(O::LOADK, 2, jw),
            ins(O::CONTAINS, 3, 1, 2, static_cast<int>(K::kString)), ins(O::JMPIF, 3, 6), ins(O::SKIP),
            /* 6 */ ins(O::ROOT, 4), ins(O::FIELD, 5, 4, kLinesSlot, kClaimRecord), ins(O::ITERINIT, 6, 5),
            /* 9 */ ins(O::ITERNEXT, 6, 7, 18), ins(O::FIELD, 8, 7, kModifiersSlot, kLineRecord),
            ins(O::CONTAINS, 9, 8, 2, static_cast<int>(K::kString)), ins(O::JMPIF, 9, 17), ins(O::DECISION, 10, 7),
            ins(O::LOADK, 11, deny), ins(O::EQS, 12, 10, 11), ins(O::JMPIF, 12, 19),
            /* 17 */ ins(O::LOOP, 0, 9),
            /* 18 */ ins(O::PASS),
            /* 19 */ ins(O::FIELD, 13, 7, kNumberSlot, kLineRecord), ins(O::MOVE, 14, 10),
            ins(O::FAIL, 13, 0, 2, kNoRegister)},
           {outcome(Action::kDeny, "96", {"N130"}, silent(2))});
    t.link();
  }
};

}  // namespace

TEST_CASE("decide: a phase-1 class reads decisions of phase-0 lines", "[vm]") {
  WasteProgram w(true);
  Evaluator vm(w.t.p);
  Decision out;
  EvalError error;
  // The waste line comes first in input order but is decided after the others.
  TestClaim claim("CLM", "commercial",
                  {{1, "J9027", "5", {"JW"}}, {2, "96413", "1", {}}, {3, "J9027", "55", {"XD"}},
                   {4, "J9027", "5", {"JW"}}});
  REQUIRE(vm.decide(claim.facts, out, error));
  CHECK(out.lines[2].verdict == Verdict::kDeny);
  for (int i : {0, 3}) {
    const LineDecision& waste = out.lines[static_cast<size_t>(i)];
    CHECK(waste.verdict == Verdict::kDeny);
    REQUIRE(waste.reasonCount == 1);
    const Reason& reason = out.reasons[waste.firstReason];
    CHECK(reason.rule == 1);
    CHECK(reason.args[0].i == 3);  // the denied administration line
    CHECK(str(reason.args[1]) == "deny");
  }
  CHECK(out.lines[1].verdict == Verdict::kNotApplicable);

  TestClaim approved("CLM", "commercial", {{1, "J9027", "5", {"JW"}}, {2, "J9027", "55", {}}});
  REQUIRE(vm.decide(approved.facts, out, error));
  CHECK(out.lines[0].verdict == Verdict::kApprove);
  CHECK(out.lines[1].verdict == Verdict::kApprove);
}

TEST_CASE("decide: reading the decision of an undecided line is an error", "[vm]") {
  WasteProgram w(false);
  Evaluator vm(w.t.p);
  Decision out;
  EvalError error;
  TestClaim claim("CLM", "commercial", {{11, "J9027", "5", {"JW"}}, {12, "J9027", "55", {}}});
  REQUIRE_FALSE(vm.decide(claim.facts, out, error));
  CHECK(error.message ==
        "in rule WASTE, claim line 11 reads the decision of claim line 12, which is decided in the same or a later phase");

  // In input order the same rules work: line 12 is decided before line 11 reads it.
  TestClaim ordered("CLM", "commercial", {{12, "J9027", "55", {}}, {11, "J9027", "5", {"JW"}}});
  REQUIRE(vm.decide(ordered.facts, out, error));
  CHECK(out.lines[1].verdict == Verdict::kApprove);
}

TEST_CASE("vm: ROOTFIELD reads a field of the claim record", "[vm]") {
  OpcodeHarness h;
  auto r = h.run({ins(O::ROOTFIELD, 0, 0, kClaimIdSlot, kClaimRecord), ins(O::ROOTFIELD, 10, 0, kCountsSlot, kClaimRecord),
                  ins(O::LEN, 1, 10), ins(O::ROOT, 11), ins(O::FIELD, 2, 11, kClaimIdSlot, kClaimRecord),
                  ins(O::EQS, 3, 0, 2)},
                 4);
  CHECK(str(r[0]) == "CLM-1");
  CHECK(r[1].i == 3);
  CHECK(r[3].i == 1);  // the same value as ROOT + FIELD
}

TEST_CASE("vm: CONTAINSK looks for a string constant in a list of strings", "[vm]") {
  OpcodeHarness h;
  const uint16_t jz = h.t.kString("JZ"), jx = h.t.kString("JX"), j = h.t.kString("J"), empty = h.t.kString("");
  auto r = h.run({ins(O::LINE, 10), ins(O::FIELD, 11, 10, kModifiersSlot, kLineRecord), ins(O::CONTAINSK, 0, 11, jz),
                  ins(O::CONTAINSK, 1, 11, jx), ins(O::CONTAINSK, 2, 11, j), ins(O::LOADABSENT, 12),
                  ins(O::CONTAINSK, 3, 12, empty),
                  // followed by a branch on its result, which the VM takes in the same step
                  ins(O::CONTAINSK, 4, 11, jz), ins(O::JMPIF, 4, 10), ins(O::LOADBOOL, 4, 0)},
                 5);
  CHECK(r[0].i == 1);
  CHECK(r[1].i == 0);
  CHECK(r[2].i == 0);  // a prefix of an element is not the element
  CHECK(r[3].i == 0);  // an absent list holds nothing
  CHECK(r[4].i == 1);  // the branch jumped over LOADBOOL 0
}

// CONTAINSK and JFCONTAINSK compare an element with the constant's size and its first and last
// words, loaded when the Evaluator is made (Evaluator::StringKey): a difference at any byte of
// any length, up to past the cut-over to a full compare, must still be seen, and neither a
// longer nor a shorter element matches.
TEST_CASE("vm: CONTAINSK and JFCONTAINSK see a difference at every byte of every length", "[vm]") {
  for (size_t n = 0; n <= 20; ++n) {
    for (size_t at = 0; at <= n; ++at) {  // at == n: the element is the constant
      const std::string s(n, 'a');
      std::string t = s;
      if (at < n) t[at] = 'b';
      const std::string longer = s + "a";
      const std::string shorter = n > 0 ? s.substr(1) : "x";
      TestClaim claim("CLM-1", "commercial", {{7, "J9027", "30.1", {longer.c_str(), shorter.c_str(), t.c_str()}}});
      TestProgram tp;
      const uint16_t k = tp.kString(s);
      const size_t pol = tp.policy("p", {"commercial"}, tp.governAll());
      // R0 := CONTAINSK; R1 := 1, and JFCONTAINSK jumps over `R1 := 0` when the list holds it.
      tp.rule(pol, "T",
              {ins(O::LINE, 10), ins(O::FIELD, 11, 10, kModifiersSlot, kLineRecord), ins(O::CONTAINSK, 0, 11, k),
               ins(O::LOADBOOL, 1, 1), ins(O::JFCONTAINSK, 10, 7, kModifiersSlot, kLineRecord), ins(O::EXT, 1, k),
               ins(O::LOADBOOL, 1, 0), ins(O::FAIL, 0, 0, 2, kNoRegister)},
              {outcome(Action::kDeny, "1", {}, silent(2))});
      tp.link();
      Evaluator vm(tp.p);
      Decision decision;
      EvalError error;
      REQUIRE(vm.decide(claim.facts, decision, error));
      REQUIRE(decision.reasons.size() == 1);
      INFO("length " << n << ", difference at " << at);
      CHECK(decision.reasons[0].args[0].i == (at == n ? 1 : 0));
      CHECK(decision.reasons[0].args[1].i == (at == n ? 1 : 0));
    }
  }
}

TEST_CASE("vm: LINEFIELD reads a field of the line being decided", "[vm]") {
  OpcodeHarness h;
  auto r = h.run({ins(O::LINEFIELD, 0, 0, kNumberSlot, kLineRecord), ins(O::LINEFIELD, 1, 0, kHcpcsSlot, kLineRecord),
                  ins(O::LINE, 10), ins(O::FIELD, 2, 10, kHcpcsSlot, kLineRecord), ins(O::EQS, 3, 1, 2)},
                 4);
  CHECK(r[0].i == 7);
  CHECK(r[1].s.view() == "J9027");
  CHECK(r[3].i == 1);  // what FIELD of the line reads
}

TEST_CASE("vm: EQSK compares a string register with a string constant", "[vm]") {
  OpcodeHarness h;
  const uint16_t j9027 = h.t.kString("J9027"), other = h.t.kString("J9028"), empty = h.t.kString("");
  auto r = h.run({ins(O::LINE, 10), ins(O::FIELD, 11, 10, kHcpcsSlot, kLineRecord), ins(O::EQSK, 0, 11, j9027),
                  ins(O::EQSK, 1, 11, other), ins(O::LOADABSENT, 12), ins(O::EQSK, 2, 12, empty),
                  // followed by a branch on its result, which the VM takes in the same step
                  ins(O::EQSK, 3, 11, j9027), ins(O::JMPIFNOT, 3, 9), ins(O::LOADBOOL, 3, 0)},
                 4);
  CHECK(r[0].i == 1);
  CHECK(r[1].i == 0);
  CHECK(r[2].i == 1);  // absent reads as the empty string, as EQS does
  CHECK(r[3].i == 0);  // the branch fell through to LOADBOOL 0
}

TEST_CASE("vm: field tests read a field, test it and branch in one instruction", "[vm]") {
  // Each case: R0 := 1, then the field test jumps over `R0 := 0` when its test equals its sense.
  // R10 is the line, R11 "JZ", R12 an absent record, R13 .. R15 the integers 6, 7, 8.
  struct Case {
    const char* what;
    Instr test;  // b (the target) is filled in
    Instr ext;
    bool taken;
  };
  OpcodeHarness h;
  const uint16_t j9027 = h.t.kString("J9027"), j9028 = h.t.kString("J9028"), empty = h.t.kString("");
  const uint16_t jz = h.t.kString("JZ"), six = h.t.kInt(6), seven = h.t.kInt(7), eight = h.t.kInt(8);
  const uint16_t codes = h.t.set({"J9171", "J9027"}), others = h.t.set({"J9171"});
  const auto kString = static_cast<uint16_t>(K::kString);
  auto field = [](O op, uint16_t record, uint16_t slot, uint16_t type) { return ins(op, record, 0, slot, type); };
  auto ext = [](uint8_t sense, uint16_t operand, uint16_t kind = 0) { return ins(O::EXT, sense, operand, kind); };
  const Case cases[] = {
      {"hcpcs = J9027, jump when true", field(O::JFEQSK, 10, kHcpcsSlot, kLineRecord), ext(1, j9027), true},
      {"hcpcs = J9027, jump when false", field(O::JFEQSK, 10, kHcpcsSlot, kLineRecord), ext(0, j9027), false},
      {"hcpcs = J9028, jump when false", field(O::JFEQSK, 10, kHcpcsSlot, kLineRecord), ext(0, j9028), true},
      {"a field of an absent record is absent: the empty string",
       field(O::JFEQSK, 12, kHcpcsSlot, kLineRecord), ext(1, empty), true},
      {"hcpcs in {J9171, J9027}", field(O::JFINSET, 10, kHcpcsSlot, kLineRecord), ext(1, codes), true},
      {"hcpcs in {J9171}", field(O::JFINSET, 10, kHcpcsSlot, kLineRecord), ext(1, others), false},
      {"line_number = 7", field(O::JFEQI, 10, kNumberSlot, kLineRecord), ext(1, 14), true},
      {"line_number = 8", field(O::JFEQI, 10, kNumberSlot, kLineRecord), ext(1, 15), false},
      {"line_number < 8", field(O::JFLTI, 10, kNumberSlot, kLineRecord), ext(1, 15), true},
      {"line_number < 7", field(O::JFLTI, 10, kNumberSlot, kLineRecord), ext(1, 14), false},
      {"line_number <= 7", field(O::JFLEI, 10, kNumberSlot, kLineRecord), ext(1, 14), true},
      {"line_number <= 6", field(O::JFLEI, 10, kNumberSlot, kLineRecord), ext(1, 13), false},
      {"not line_number <= 6", field(O::JFLEI, 10, kNumberSlot, kLineRecord), ext(0, 13), true},
      {"hcpcs is present", field(O::JFPRESENT, 10, kHcpcsSlot, kLineRecord), ext(1, 0), true},
      {"a field of an absent record is not present", field(O::JFPRESENT, 12, kHcpcsSlot, kLineRecord), ext(1, 0),
       false},
      {"modifiers hold JZ", field(O::JFCONTAINS, 10, kModifiersSlot, kLineRecord), ext(1, 11, kString), true},
      {"modifiers of an absent record hold nothing", field(O::JFCONTAINS, 12, kModifiersSlot, kLineRecord),
       ext(1, 11, kString), false},
      {"modifiers hold the constant JZ", field(O::JFCONTAINSK, 10, kModifiersSlot, kLineRecord), ext(1, jz), true},
      {"not: modifiers hold the constant JZ", field(O::JFCONTAINSK, 10, kModifiersSlot, kLineRecord), ext(0, jz),
       false},
      {"modifiers hold the constant J9027", field(O::JFCONTAINSK, 10, kModifiersSlot, kLineRecord), ext(1, j9027),
       false},
      {"not: modifiers hold the constant J9027", field(O::JFCONTAINSK, 10, kModifiersSlot, kLineRecord),
       ext(0, j9027), true},
      {"modifiers of an absent record hold no constant",
       field(O::JFCONTAINSK, 12, kModifiersSlot, kLineRecord), ext(1, jz), false},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    OpcodeHarness run;
    run.t = h.t;
    Instr test = c.test;
    test.b = 10;  // the FAIL the harness appends
    auto r = run.run({ins(O::LINE, 10), ins(O::LOADK, 11, jz), ins(O::LOADABSENT, 12), ins(O::LOADK, 13, six),
                      ins(O::LOADK, 14, seven), ins(O::LOADK, 15, eight), ins(O::LOADBOOL, 0, 1), test, c.ext,
                      ins(O::LOADBOOL, 0, 0)},
                     1);
    CHECK(r[0].i == (c.taken ? 1 : 0));
  }
}

TEST_CASE("vm: tests of registers that branch without writing one", "[vm]") {
  // Each case: R0 := 1, then the test jumps over `R0 := 0` when its test equals its sense a.
  // R10 is the line, R11 "JZ", R12 absent, R13 .. R15 the integers 6, 7, 8, R16 the line's
  // modifiers, R17 and R18 the decimals 1.5 and 2.
  struct Case {
    const char* what;
    Instr test;  // d (the target) is filled in
    bool taken;
  };
  OpcodeHarness h;
  const uint16_t jz = h.t.kString("JZ"), jx = h.t.kString("JX"), six = h.t.kInt(6), seven = h.t.kInt(7),
                 eight = h.t.kInt(8), d15 = h.t.kDecimal("1.5"), d2 = h.t.kDecimal("2.0");
  const uint16_t codes = h.t.set({"JW", "JZ"}), others = h.t.set({"J9171"});
  const Case cases[] = {
      {"R11 is present", ins(O::JPRESENT, 1, 11), true},
      {"not: R11 is present", ins(O::JPRESENT, 0, 11), false},
      {"R12 is present", ins(O::JPRESENT, 1, 12), false},
      {"not: R12 is present", ins(O::JPRESENT, 0, 12), true},
      {"the line is governed", ins(O::JGOVERNED, 1, 10), true},
      {"not: the line is governed", ins(O::JGOVERNED, 0, 10), false},
      {"R11 = JZ", ins(O::JEQSK, 1, 11, jz), true},
      {"R11 = JX", ins(O::JEQSK, 1, 11, jx), false},
      {"not: R11 = JX", ins(O::JEQSK, 0, 11, jx), true},
      {"R11 in {JW, JZ}", ins(O::JINSET, 1, 11, codes), true},
      {"R11 in {J9171}", ins(O::JINSET, 1, 11, others), false},
      {"modifiers hold JZ", ins(O::JCONTAINSK, 1, 16, jz), true},
      {"modifiers hold JX", ins(O::JCONTAINSK, 1, 16, jx), false},
      {"not: modifiers hold JX", ins(O::JCONTAINSK, 0, 16, jx), true},
      {"an absent list holds nothing", ins(O::JCONTAINSK, 1, 12, jz), false},
      {"6 < 7", ins(O::JLTI, 1, 13, 14), true},
      {"7 < 7", ins(O::JLTI, 1, 14, 14), false},
      {"not: 8 < 7", ins(O::JLTI, 0, 15, 14), true},
      {"7 <= 7", ins(O::JLEI, 1, 14, 14), true},
      {"8 <= 7", ins(O::JLEI, 1, 15, 14), false},
      {"not: 8 <= 7", ins(O::JLEI, 0, 15, 14), true},
      {"1.5 <= 2.0", ins(O::JLED, 1, 17, 18), true},
      {"2.0 <= 2.0", ins(O::JLED, 1, 18, 18), true},
      {"2.0 <= 1.5", ins(O::JLED, 1, 18, 17), false},
      {"not: 2.0 <= 1.5", ins(O::JLED, 0, 18, 17), true},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    OpcodeHarness run;
    run.t = h.t;
    Instr test = c.test;
    test.d = 13;  // the FAIL the harness appends
    auto r = run.run({ins(O::LINE, 10), ins(O::LOADK, 11, jz), ins(O::LOADABSENT, 12), ins(O::LOADK, 13, six),
                      ins(O::LOADK, 14, seven), ins(O::LOADK, 15, eight),
                      ins(O::FIELD, 16, 10, kModifiersSlot, kLineRecord), ins(O::LOADK, 17, d15),
                      ins(O::LOADK, 18, d2), ins(O::LOADBOOL, 0, 1), test, ins(O::LOADBOOL, 0, 0), ins(O::NOP)},
                     1);
    CHECK(r[0].i == (c.taken ? 1 : 0));
  }
}

TEST_CASE("ISGOVERNED reads each line's governed test, once they have all run", "[vm]") {
  // One rule on governed (J9027) lines: fails with the number of governed lines of the claim,
  // counted with ISGOVERNED over claim.lines.
  TestProgram t;
  const size_t pol = t.policy("p", {"commercial"}, t.governCode("J9027"));
  const uint16_t zero = t.kInt(0), one = t.kInt(1);
  t.rule(pol, "COUNT",
         {/* 0 */ ins(O::ROOT, 0), ins(O::FIELD, 1, 0, kLinesSlot, kClaimRecord), ins(O::LOADK, 2, zero),
          ins(O::LOADK, 3, one), ins(O::ITERINIT, 4, 1),
          /* 5 */ ins(O::ITERNEXT, 4, 5, 10), ins(O::ISGOVERNED, 6, 5), ins(O::JMPIFNOT, 6, 9),
          ins(O::ADDI, 2, 2, 3),
          /* 9 */ ins(O::LOOP, 0, 5),
          /* 10 */ ins(O::FAIL, 2, 0, 1, kNoRegister)},
         {outcome(Action::kPend, "16", {}, silent(1))});
  t.link();
  Evaluator vm(t.p);
  Decision out;
  EvalError error;
  TestClaim claim("CLM", "commercial", {{1, "J9027", "5", {}}, {2, "96413", "1", {}}, {3, "J9027", "7", {}}});
  REQUIRE(vm.decide(claim.facts, out, error));
  REQUIRE(out.reasons.size() == 2);  // lines 1 and 3
  CHECK(out.reasons[0].args[0].i == 2);
  CHECK(out.reasons[1].args[0].i == 2);
  CHECK(out.lines[1].verdict == Verdict::kNotApplicable);

  SECTION("in the governed predicate, before every line's test has run") {
    TestProgram early;
    const uint32_t governed = early.chunk("governed", {ins(O::LINE, 0), ins(O::ISGOVERNED, 1, 0), ins(O::RETBOOL, 1)});
    early.policy("p", {"commercial"}, governed);
    early.link();
    Evaluator evm(early.p);
    REQUIRE_FALSE(evm.decide(claim.facts, out, error));
    CHECK(error.message == "ISGOVERNED before every line's governed test has run in the `governs` condition of policy p on claim line 1");
  }
  SECTION("JGOVERNED in the governed predicate, before every line's test has run") {
    TestProgram early;
    const uint32_t governed = early.chunk("governed", {ins(O::LINE, 0), ins(O::LOADBOOL, 1, 1),
                                                       ins(O::JGOVERNED, 1, 0, 0, 4), ins(O::LOADBOOL, 1, 0),
                                                       ins(O::RETBOOL, 1)});
    early.policy("p", {"commercial"}, governed);
    early.link();
    Evaluator evm(early.p);
    REQUIRE_FALSE(evm.decide(claim.facts, out, error));
    CHECK(error.message == "JGOVERNED before every line's governed test has run in the `governs` condition of policy p on claim line 1");
  }
}

TEST_CASE("decide: errors in predicates name the predicate", "[vm]") {
  TestProgram t;
  const uint16_t zero = t.kDecimal("0");
  const uint32_t governed = t.chunk("governed", {ins(O::LINE, 0), ins(O::FIELD, 1, 0, kUnitsSlot, kLineRecord),
                                                 ins(O::LOADK, 2, zero), ins(O::DIVD, 3, 1, 2), ins(O::LOADBOOL, 4, 1),
                                                 ins(O::RETBOOL, 4)});
  t.policy("p", {"commercial"}, governed);
  t.link();
  Evaluator vm(t.p);
  Decision out;
  EvalError error;
  TestClaim claim("CLM", "commercial", {{4, "J9027", "5", {}}});
  REQUIRE_FALSE(vm.decide(claim.facts, out, error));
  CHECK(error.message == "division by zero in the `governs` condition of policy p on claim line 4");

  // The governed test runs over all lines in one pass: an error on a later line names it, and
  // the next claim is decided from its first line again.
  TestProgram u;
  const uint16_t one = u.kDecimal("1");
  u.policy("p", {"commercial"},
           u.chunk("governed", {ins(O::LINE, 0), ins(O::FIELD, 1, 0, kUnitsSlot, kLineRecord), ins(O::LOADK, 2, one),
                                ins(O::DIVD, 3, 2, 1), ins(O::LOADBOOL, 4, 1), ins(O::RETBOOL, 4)}));
  u.link();
  Evaluator later(u.p);
  TestClaim two("CLM", "commercial", {{4, "J9027", "5", {}}, {6, "J9027", "0", {}}, {8, "J9027", "2", {}}});
  REQUIRE_FALSE(later.decide(two.facts, out, error));
  CHECK(error.message == "division by zero in the `governs` condition of policy p on claim line 6");
  TestClaim fine("CLM", "commercial", {{4, "J9027", "5", {}}, {8, "J9027", "2", {}}});
  REQUIRE(later.decide(fine.facts, out, error));
  CHECK(out.lines[0].verdict == Verdict::kApprove);
  CHECK(out.lines[1].verdict == Verdict::kApprove);
}

// --- JSON

namespace {

// acme-commercial-j9027: C-UNITS denies a line over 60 units with a message naming its facts;
// C-SOURCE adjusts every line by 20%.
struct JsonProgram {
  TestProgram t;
  JsonProgram() {
    const size_t pol = t.policy("acme-commercial-j9027", {"commercial"}, t.governCode("J9027"));
    const uint16_t sixty = t.kDecimal("60");
    const uint16_t days = t.kInt(18, K::kDuration);
    const uint16_t one = t.kInt(1, K::kDuration);
    Message m;
    m.pieces = {text("Units "),       arg(0, K::kDecimal), text(" on "),       arg(1, K::kDate),
                text(" exceed "),     arg(2, K::kDecimal), text(" (modifiers "), arg(3, K::kList, K::kString),
                text("; "),           arg(4, K::kDuration), text(", "),         arg(5, K::kDuration),
                text(", \"quoted\")")};
    m.argCount = 6;
    t.rule(pol, "C-UNITS",
           {ins(O::LINE, 10), ins(O::FIELD, 0, 10, kUnitsSlot, kLineRecord), ins(O::LOADK, 2, sixty),
            ins(O::LED, 11, 0, 2), ins(O::JMPIFNOT, 11, 6), ins(O::PASS),
            /* 6 */ ins(O::FIELD, 1, 10, kDateSlot, kLineRecord), ins(O::FIELD, 3, 10, kModifiersSlot, kLineRecord),
            ins(O::LOADK, 4, days), ins(O::LOADK, 5, one), ins(O::FAIL, 0, 0, 6, kNoRegister)},
           {outcome(Action::kDeny, "151", {"N362"}, m)});
    RuleInfo& source = t.rule(pol, "C-SOURCE", {ins(O::ADJUST, 0, 0, 0), ins(O::PASS)});
    AdjustmentSpec spec;
    spec.carc = "45";
    spec.percent = dec("20");
    source.adjustments.push_back(spec);
    t.link();
  }
};

const char* const kExpectedPretty = R"json({
  "claim_id": "CLM-0001",
  "policy": "acme-commercial-j9027@2026.1",
  "decision": "deny",
  "lines": [
    {
      "line_number": 1,
      "hcpcs": "J9027",
      "decision": "deny",
      "reasons": [
        {
          "rule": "C-UNITS",
          "action": "deny",
          "group": "CO",
          "carc": "151",
          "rarc": [
            "N362"
          ],
          "message": "Units 82.5 on 2026-10-05 exceed 60 (modifiers JW, JZ; 18 days, 1 day, \"quoted\")"
        }
      ],
      "adjustments": []
    },
    {
      "line_number": 2,
      "hcpcs": "J9027",
      "decision": "approve",
      "reasons": [],
      "adjustments": [
        {
          "rule": "C-SOURCE",
          "group": "CO",
          "carc": "45",
          "percent": 20
        }
      ]
    }
  ]
})json";

const char* const kExpectedLine =
    R"json({"claim_id":"CLM-0001","policy":"acme-commercial-j9027@2026.1","decision":"deny","lines":[)json"
    R"json({"line_number":1,"hcpcs":"J9027","decision":"deny","reasons":[{"rule":"C-UNITS","action":"deny",)json"
    R"json("group":"CO","carc":"151","rarc":["N362"],"message":"Units 82.5 on 2026-10-05 exceed 60 (modifiers JW, JZ; )json"
    R"json(18 days, 1 day, \"quoted\")"}],"adjustments":[]},{"line_number":2,"hcpcs":"J9027","decision":"approve",)json"
    R"json("reasons":[],"adjustments":[{"rule":"C-SOURCE","group":"CO","carc":"45","percent":20}]}]})json";

}  // namespace

TEST_CASE("json: a decision, pretty and on one line", "[vm][json]") {
  JsonProgram j;
  TestClaim claim("CLM-0001", "commercial", {{1, "J9027", "82.5", {"JW", "JZ"}}, {2, "J9027", "55", {}}});
  Evaluator vm(j.t.p);
  Decision out;
  EvalError error;
  REQUIRE(vm.decide(claim.facts, out, error));

  std::string json;
  writeDecisionJson(j.t.p, claim.facts, out, true, json);
  CHECK(json == kExpectedPretty);

  json.clear();
  writeDecisionJson(j.t.p, claim.facts, out, false, json);
  CHECK(json == kExpectedLine);

  SECTION("the pre-rendered writer appends the same line") {
    const DecisionJsonWriter writer(j.t.p);
    std::string fast = "x";
    writer.write(claim.facts, out, fast);
    CHECK(fast == "x" + json);
  }

  SECTION("a reused string does not grow or move") {
    const char* data = json.data();
    const size_t capacity = json.capacity();
    json.clear();
    writeDecisionJson(j.t.p, claim.facts, out, false, json);
    CHECK(json.data() == data);
    CHECK(json.capacity() == capacity);
  }

  SECTION("renderMessage alone is not escaped") {
    std::string text;
    const Outcome& o = j.t.p.policies[0].rules[0].outcomes[0];
    renderMessage(j.t.p, claim.facts, o.message, out.reasons[0].args, text);
    CHECK(text == "Units 82.5 on 2026-10-05 exceed 60 (modifiers JW, JZ; 18 days, 1 day, \"quoted\")");
  }
}

// A hole prints at most 10 elements of a list and 200 bytes of a string, so that a claim's
// long lists, repeated on each of its lines, cannot multiply its size in the output.
TEST_CASE("json: message holes over long lists and strings are cut", "[vm][json]") {
  JsonProgram j;
  Evaluator vm(j.t.p);
  Decision out;
  EvalError error;
  auto message = [&](const std::vector<const char*>& modifiers) {
    TestClaim claim("CLM-0001", "commercial", {{1, "J9027", "82.5", modifiers}});
    REQUIRE(vm.decide(claim.facts, out, error));
    std::string text;
    renderMessage(j.t.p, claim.facts, j.t.p.policies[0].rules[0].outcomes[0].message, out.reasons[0].args, text);
    // Both JSON writers print the same cut text.
    std::string json, fast;
    writeDecisionJson(j.t.p, claim.facts, out, false, json);
    DecisionJsonWriter(j.t.p).write(claim.facts, out, fast);
    CHECK(fast == json);
    const size_t from = text.find("(modifiers ") + 11;
    const std::string shown = text.substr(from, text.find(';') - from);
    CHECK(json.find("(modifiers " + shown + ";") != std::string::npos);
    return shown;
  };
  CHECK(message({"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "B0"}) ==
        "A1, A2, A3, A4, A5, A6, A7, A8, A9, B0");
  CHECK(message({"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "B0", "B1"}) ==
        "A1, A2, A3, A4, A5, A6, A7, A8, A9, B0 and 1 more");
  CHECK(message({"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "B0", "B1", "B2", "B3"}) ==
        "A1, A2, A3, A4, A5, A6, A7, A8, A9, B0 and 3 more");

  const std::string exact(200, 'x');
  CHECK(message({exact.c_str()}) == exact);
  const std::string longer = std::string(200, 'x') + "y";
  CHECK(message({longer.c_str()}) == exact + "...");
  // 199 bytes, then a two-byte é across the cut: the whole character goes.
  const std::string accented = std::string(199, 'x') + "\xc3\xa9" + "zz";
  CHECK(message({accented.c_str()}) == std::string(199, 'x') + "...");
}

TEST_CASE("json: no policy, escaping, absent claim id", "[vm][json]") {
  JsonProgram j;
  Evaluator vm(j.t.p);
  Decision out;
  EvalError error;
  TestClaim claim("a\"b\\c\nd\te\x01" "f\x1f\xc3\xa9", "medicaid", {{1, "J9027", "1", {}}});
  REQUIRE(vm.decide(claim.facts, out, error));
  std::string json;
  writeDecisionJson(j.t.p, claim.facts, out, false, json);
  CHECK(json ==
        "{\"claim_id\":\"a\\\"b\\\\c\\u000ad\\u0009e\\u0001f\\u001f\xc3\xa9\",\"policy\":null,"
        "\"decision\":\"not_applicable\",\"lines\":[{\"line_number\":1,\"hcpcs\":\"J9027\","
        "\"decision\":\"not_applicable\",\"reasons\":[],\"adjustments\":[]}]}");
  const DecisionJsonWriter writer(j.t.p);
  std::string fast;
  writer.write(claim.facts, out, fast);
  CHECK(fast == json);

  TestClaim noId(nullptr, "medicaid", {{1, "J9027", "1", {}}});
  REQUIRE(vm.decide(noId.facts, out, error));
  json.clear();
  writeDecisionJson(j.t.p, noId.facts, out, true, json);
  CHECK(json.rfind("{\n  \"claim_id\": null,\n  \"policy\": null,\n", 0) == 0);
  json.clear();
  writeDecisionJson(j.t.p, noId.facts, out, false, json);
  fast.clear();
  writer.write(noId.facts, out, fast);
  CHECK(fast == json);
}

TEST_CASE("json: the pre-rendered writer escapes message arguments and long strings", "[vm][json]") {
  JsonProgram j;
  Evaluator vm(j.t.p);
  Decision out;
  EvalError error;
  const std::string longId(3000, '"');  // longer escaped than the writer's staging buffer
  TestClaim claim(longId.c_str(), "commercial",
                  {{-7, "J9027", "82.5", {"J\"W", "\x01", ""}}, {12345678901, "J\\9027\n", "1", {}}});
  REQUIRE(vm.decide(claim.facts, out, error));
  std::string json;
  writeDecisionJson(j.t.p, claim.facts, out, false, json);
  CHECK(json.find(R"((modifiers J\"W, \u0001, ; 18 days)") != std::string::npos);
  CHECK(json.find(R"("line_number":-7,"hcpcs":"J9027")") != std::string::npos);
  CHECK(json.find(R"("line_number":12345678901,"hcpcs":"J\\9027\u000a")") != std::string::npos);
  const DecisionJsonWriter writer(j.t.p);
  std::string fast;
  writer.write(claim.facts, out, fast);
  CHECK(fast == json);
}

TEST_CASE("json: the pre-rendered writer escapes strings of every short length at every byte", "[vm][json]") {
  // putEscaped copies 4 to 16 bytes as two overlapping words when none needs escaping: each
  // length around those bounds, plain and with a byte to escape at each place. Checked against
  // escaping done here: the reference writer shares putEscaped and putInt.
  JsonProgram j;
  Evaluator vm(j.t.p);
  const DecisionJsonWriter writer(j.t.p);
  Decision out;
  EvalError error;
  for (size_t n = 0; n <= 20; ++n) {
    for (size_t at = 0; at <= n; ++at) {
      for (const char bad : {'"', '\\', '\x01', '\x1f'}) {
        std::string id;
        for (size_t i = 0; i < n; ++i) id += static_cast<char>('A' + i);
        if (at < n) id[at] = bad;  // at == n: no byte to escape
        // The line number too, 0-20 and negative: putInt writes one digit without a loop.
        const int64_t lineNumber = static_cast<int64_t>(n) - (at == 0 ? 21 : 0);
        TestClaim claim(id.c_str(), "commercial", {{lineNumber, "J9027", "1", {}}});
        REQUIRE(vm.decide(claim.facts, out, error));
        std::string expected = "{\"claim_id\":\"";  // escaped here, not by the writers' own putEscaped
        for (const char c : id) {
          if (c == '"' || c == '\\') {
            expected += '\\';
            expected += c;
          } else if (static_cast<unsigned char>(c) < 0x20) {
            expected += fmt::format("\\u{:04x}", static_cast<int>(c));
          } else {
            expected += c;
          }
        }
        expected += "\",";
        std::string json;
        writeDecisionJson(j.t.p, claim.facts, out, false, json);
        std::string fast;
        writer.write(claim.facts, out, fast);
        INFO("length " << n << ", byte " << at);
        CHECK(fast.rfind(expected, 0) == 0);
        CHECK(fast.find("\"line_number\":" + std::to_string(lineNumber) + ",") != std::string::npos);
        CHECK(fast == json);
      }
    }
  }
}

TEST_CASE("json: errors", "[vm][json]") {
  std::string json;
  const std::string id = "CLM-\"7\"";
  writeErrorJson(&id, "bad input at /lines/0/units: \"x\"\n", false, json);
  CHECK(json == R"({"claim_id":"CLM-\"7\"","error":"bad input at /lines/0/units: \"x\"\u000a"})");
  json.clear();
  writeErrorJson(nullptr, "not a JSON object", true, json);
  CHECK(json == R"({"claim_id": null, "error": "not a JSON object"})");
  json.clear();
  writeErrorJson(&id, "x", true, json);
  CHECK(json == R"({"claim_id": "CLM-\"7\"", "error": "x"})");
}

}  // namespace ppl
