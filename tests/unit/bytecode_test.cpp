// The compiler/VM contract: opcode numbers, the .pplb format (round trip, and every corruption
// and truncation rejected), the verifier (accepts a good program, rejects hand-broken ones with
// a precise message) and the disassembler (golden text), on a small program built by hand.
#include <algorithm>
#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "bytecode/bytecode.h"
#include "bytecode/disasm.h"
#include "bytecode/pplb.h"
#include "bytecode/verifier.h"
#include "runtime/date.h"
#include "runtime/decimal.h"
#include "stdlib/functions.h"
#include "tests/unit/instr_builder.h"

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

SchemaField field(const char* name, ValueKind kind, uint32_t slot) {
  SchemaField f;
  f.name = name;
  f.type.kind = kind;
  f.slot = slot;
  return f;
}

SchemaField listField(const char* name, ValueKind elem, uint32_t record, uint32_t slot) {
  SchemaField f = field(name, ValueKind::kList, slot);
  f.type.elemKind = elem;
  f.type.record = record;
  return f;
}

using ppl::test::ins;

MessagePiece text(const char* s) {
  MessagePiece p;
  p.text = s;
  return p;
}

MessagePiece arg(int16_t index, ValueKind kind) {
  MessagePiece p;
  p.arg = index;
  p.kind = kind;
  return p;
}

constexpr uint16_t kString = static_cast<uint16_t>(ValueKind::kString);

// Records: 0 Claim, 1 Payer, 2 Line. Chunks: 0 governed, 1 lines waste, 2 rule T-DX (a loop
// over the claim's diagnoses), 3 rule T-UNITS (the largest units over the lines, a builtin
// call, a computed group and an adjustment).
Program sampleProgram() {
  Program p;
  Schema& s = p.schema;
  s.name = "claim_facts";
  s.version = "1.0";
  s.root = 0;

  SchemaRecord claim;
  claim.name = "Claim";
  SchemaField claimId = field("claim_id", ValueKind::kString, 1);
  claimId.nonEmpty = true;
  claim.fields.push_back(claimId);
  SchemaField payer = field("payer", ValueKind::kRecord, 2);
  payer.type.record = 1;
  claim.fields.push_back(payer);
  SchemaField lines = listField("lines", ValueKind::kRecord, 2, 3);
  lines.nonEmpty = true;
  lines.uniqueBy = 0;
  claim.fields.push_back(lines);
  SchemaField diagnoses = listField("diagnoses", ValueKind::kString, 0, 4);
  diagnoses.type.format = StringFormat::kIcd10cm;
  claim.fields.push_back(diagnoses);
  s.records.push_back(claim);

  SchemaRecord payerRecord;
  payerRecord.name = "Payer";
  SchemaField lob = field("line_of_business", ValueKind::kString, 1);
  lob.type.enumIndex = 0;
  payerRecord.fields.push_back(lob);
  s.records.push_back(payerRecord);

  SchemaRecord line;
  line.name = "Line";
  SchemaField lineNumber = field("line_number", ValueKind::kInt, 1);
  lineNumber.hasMin = true;
  lineNumber.min = dec("1");
  line.fields.push_back(lineNumber);
  SchemaField hcpcs = field("hcpcs", ValueKind::kString, 2);
  hcpcs.type.format = StringFormat::kHcpcs;
  line.fields.push_back(hcpcs);
  SchemaField units = field("units", ValueKind::kDecimal, 3);
  units.hasMin = true;
  units.minExclusive = true;
  units.hasDefault = true;
  units.defaultValue = Value::ofDecimal(dec("1.5"));
  line.fields.push_back(units);
  SchemaField modifiers = listField("modifiers", ValueKind::kString, 0, 4);
  modifiers.hasDefault = true;
  line.fields.push_back(modifiers);
  line.fields.push_back(field("from", ValueKind::kDate, 5));
  SchemaField through = field("through", ValueKind::kDate, 6);
  through.notBefore = 4;
  through.optional = true;
  line.fields.push_back(through);
  SchemaField discounted = field("discounted", ValueKind::kBool, 7);
  discounted.hasDefault = true;
  discounted.defaultValue = Value::ofBool(true);
  line.fields.push_back(discounted);
  s.records.push_back(line);
  s.enums.push_back({"commercial", "medicare_part_b"});

  p.files = {"policies/test.ppl"};

  Constant j9027;
  j9027.kind = ValueKind::kString;
  j9027.str = p.addString("J9027");
  p.constants.push_back(j9027);
  Constant jw;
  jw.kind = ValueKind::kString;
  jw.str = p.addString("JW");
  p.constants.push_back(jw);
  Constant ten;
  ten.kind = ValueKind::kDecimal;
  ten.d = dec("10");
  p.constants.push_back(ten);
  Constant pr;
  pr.kind = ValueKind::kGroup;
  pr.i = static_cast<int64_t>(AdjustmentGroup::kPR);
  p.constants.push_back(pr);
  Constant start;
  start.kind = ValueKind::kDate;
  start.i = day("2024-01-01");
  p.constants.push_back(start);

  StringSet dx;
  dx.members = {p.addString("C61"), p.addString("Z19.2")};
  p.sets.push_back(dx);
  p.functions = {"ceil"};

  using O = Opcode;
  Chunk governed;
  governed.name = "governed";
  governed.registerCount = 4;
  governed.code = {
      ins(O::LINE, 0),
      ins(O::FIELD, 1, 0, 2, 2),
      ins(O::LOADK, 2, 0),
      ins(O::EQS, 3, 1, 2),
      ins(O::RETBOOL, 3),
  };
  for (uint32_t i = 0; i < governed.code.size(); ++i) governed.positions.push_back(SourcePos{0, 3, 12 + i});
  p.chunks.push_back(governed);

  Chunk waste;
  waste.name = "lines waste";
  waste.registerCount = 4;
  waste.code = {
      ins(O::LINE, 0),
      ins(O::FIELD, 1, 0, 4, 2),
      ins(O::LOADK, 2, 1),
      ins(O::CONTAINS, 3, 1, 2, kString),
      ins(O::RETBOOL, 3),
  };
  p.chunks.push_back(waste);

  Chunk dxRule;
  dxRule.name = "rule T-DX";
  dxRule.registerCount = 7;
  dxRule.code = {
      ins(O::LINE, 5),               // 0
      ins(O::FIELD, 6, 5, 2, 2),     // 1  R6 := line.hcpcs
      ins(O::LOADK, 0, 0),           // 2
      ins(O::EQS, 1, 6, 0),          // 3
      ins(O::JMPIF, 1, 6),           // 4
      ins(O::SKIP),                  // 5  not J9027: the rule does not apply
      ins(O::ROOT, 0),               // 6
      ins(O::FIELD, 1, 0, 4, 0),     // 7  R1 := claim.diagnoses
      ins(O::ITERINIT, 2, 1),        // 8
      ins(O::ITERNEXT, 2, 3, 13),    // 9
      ins(O::INSET, 4, 3, 0),        // 10
      ins(O::JMPIF, 4, 14),          // 11
      ins(O::LOOP, 0, 9),            // 12
      ins(O::FAIL, 6, 0, 1, kNoRegister),  // 13
      ins(O::PASS),                  // 14
  };
  p.chunks.push_back(dxRule);

  Chunk unitsRule;
  unitsRule.name = "rule T-UNITS";
  unitsRule.registerCount = 10;
  unitsRule.code = {
      ins(O::LOADABSENT, 0),         // 0  the largest units so far
      ins(O::ROOT, 1),               // 1
      ins(O::FIELD, 2, 1, 3, 0),     // 2  R2 := claim.lines
      ins(O::ITERINIT, 3, 2),        // 3
      ins(O::ITERNEXT, 3, 4, 8),     // 4
      ins(O::FIELD, 5, 4, 3, 2),     // 5  R5 := line.units
      ins(O::MAXD, 0, 5),            // 6
      ins(O::LOOP, 0, 4),            // 7
      ins(O::CALL, 6, 0, 0, 1),      // 8  R6 := ceil(R0)
      ins(O::LOADK, 7, 2),           // 9
      ins(O::LTD, 8, 7, 6),          // 10
      ins(O::JMPIFNOT, 8, 14),       // 11
      ins(O::LOADK, 9, 3),           // 12
      ins(O::FAIL, 6, 0, 1, 9),      // 13
      ins(O::ADJUST, 6, 0, 1),       // 14
      ins(O::PASS),                  // 15
  };
  p.chunks.push_back(unitsRule);

  PolicyInfo policy;
  policy.id = "J9027-TEST";
  policy.version = "1";
  policy.title = "Test policy";
  policy.linesOfBusiness = {"commercial"};
  policy.effectiveFrom = day("2024-01-01");
  policy.effectiveThrough = day("2024-12-31");
  policy.governedChunk = 0;
  policy.phasedClasses.push_back(LineClass{"waste", 1, 1});

  RuleInfo dxInfo;
  dxInfo.id = "T-DX";
  dxInfo.title = "a covering diagnosis";
  dxInfo.chunk = 2;
  dxInfo.pos = SourcePos{0, 10, 3};
  Outcome noDx;
  noDx.action = Action::kDeny;
  noDx.group = AdjustmentGroup::kCO;
  noDx.carc = "50";
  noDx.rarcs = {"N386"};
  noDx.message.pieces = {text("no covering diagnosis for "), arg(0, ValueKind::kString)};
  noDx.message.argCount = 1;
  noDx.pos = SourcePos{0, 14, 5};
  dxInfo.outcomes.push_back(noDx);
  policy.rules.push_back(dxInfo);

  RuleInfo unitsInfo;
  unitsInfo.id = "T-UNITS";
  unitsInfo.title = "units within 10";
  unitsInfo.chunk = 3;
  Outcome tooMany;
  tooMany.action = Action::kPend;
  tooMany.groupComputed = true;
  tooMany.carc = "16";
  tooMany.message.pieces = {text("units "), arg(0, ValueKind::kDecimal), text(" exceed \"10\"")};
  tooMany.message.argCount = 1;
  unitsInfo.outcomes.push_back(tooMany);
  AdjustmentSpec reduce;
  reduce.group = AdjustmentGroup::kCO;
  reduce.carc = "45";
  reduce.percent = dec("20");
  reduce.message.pieces = {text("reduced for "), arg(0, ValueKind::kDecimal), text(" units")};
  reduce.message.argCount = 1;
  unitsInfo.adjustments.push_back(reduce);
  policy.rules.push_back(unitsInfo);

  p.policies.push_back(policy);
  return p;
}

// Links and verifies; the verifier's message (empty when accepted).
std::string verifyMessage(Program& p) {
  std::string error;
  if (!p.link(error)) return "link: " + error;
  if (verifyProgram(p, error)) return std::string();
  return error;
}

std::string encode(const Program& p) {
  std::string bytes;
  REQUIRE(writePplb(p, bytes));
  return bytes;
}

void putLe64(std::string& bytes, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) bytes[at + i] = static_cast<char>(v >> (8 * i));
}

// Makes the header agree with a payload changed on purpose, to reach the payload decoder.
void fixHeader(std::string& bytes) {
  const size_t length = bytes.size() - kPplbHeaderSize;
  for (int i = 0; i < 4; ++i) bytes[8 + i] = static_cast<char>(length >> (8 * i));
  putLe64(bytes, 12, pplbChecksum(std::string_view(bytes).substr(kPplbHeaderSize)));
}

// Rule T-DX with its `hcpcs = "J9027"` test as a field test: words 2 and 3 are JFEQSK and its
// extension word (same instruction indices as before: word 4 becomes a NOP).
void installFieldTest(Program& p) {
  std::vector<Instr>& code = p.chunks[2].code;
  code[2] = ins(Opcode::JFEQSK, 5, 6, 2, 2);  // if line.hcpcs == K[x.b] is x.a: ->6
  code[3] = ins(Opcode::EXT, 1, 0);           // when true, K0 "J9027"
  code[4] = ins(Opcode::NOP);
}

Program sampleProgramWithFieldTest() {
  Program p = sampleProgram();
  installFieldTest(p);
  return p;
}

// The format-4 searches for a string constant: the waste class's `"JW" in line.modifiers` as
// CONTAINSK (word 2 becomes a NOP), and rule T-DX testing the same with JFCONTAINSK.
Program sampleProgramWithConstantSearch() {
  Program p = sampleProgram();
  std::vector<Instr>& waste = p.chunks[1].code;
  waste[2] = ins(Opcode::NOP);
  waste[3] = ins(Opcode::CONTAINSK, 3, 1, 1);  // R3 := line.modifiers holds K1 "JW"
  std::vector<Instr>& dx = p.chunks[2].code;
  dx[2] = ins(Opcode::JFCONTAINSK, 5, 6, 4, 2);  // if "JW" in line.modifiers is x.a: ->6
  dx[3] = ins(Opcode::EXT, 1, 1);                // when true, K1 "JW"
  dx[4] = ins(Opcode::NOP);
  return p;
}

// Format 6's constant operands: rule T-UNITS compares with K2 (the decimal 10) without its
// LOADK (word 9 becomes a NOP), and rule T-DX tests `line.from < 2024-01-01` (K4) as a field
// test whose compared value is the constant.
Program sampleProgramWithConstantOperands() {
  Program p = sampleProgram();
  std::vector<Instr>& units = p.chunks[3].code;
  units[9] = ins(Opcode::NOP);
  units[10] = ins(Opcode::LTD, 8, kConstantOperandBase + 2, 6);  // R8 := 10 < R6
  std::vector<Instr>& dx = p.chunks[2].code;
  dx[2] = ins(Opcode::JFLTI, 5, 6, 5, 2);                      // if (line.from < x.b) is x.a: ->6
  dx[3] = ins(Opcode::EXT, 0, kConstantOperandBase + 4);       // when false, K4 2024-01-01
  dx[4] = ins(Opcode::NOP);
  return p;
}

// The governed predicate returning its answer from each way out (RETBOOLK, format 6).
Program sampleProgramWithConstantReturns() {
  Program p = sampleProgram();
  using O = Opcode;
  p.chunks[0].code = {ins(O::LINE, 0),        ins(O::FIELD, 1, 0, 2, 2), ins(O::LOADK, 2, 0), ins(O::EQS, 3, 1, 2),
                      ins(O::JMPIFNOT, 3, 6), ins(O::RETBOOLK, 1),      ins(O::RETBOOLK, 0)};
  p.chunks[0].positions.clear();
  return p;
}

// Rule T-DX with its `hcpcs = "J9027"` test and branch as JEQSK (word 4 becomes a NOP).
Program sampleProgramWithTestBranch() {
  Program p = sampleProgram();
  p.chunks[2].code[3] = ins(Opcode::JEQSK, 1, 6, 0, 6);  // if (R6 == K0 "J9027") is true: ->6
  p.chunks[2].code[4] = ins(Opcode::NOP);
  return p;
}

// Both rules' loops started from the list field itself: rule T-DX's FIELD + ITERINIT over
// claim.diagnoses as ITERFIELD of the ROOT register, rule T-UNITS's ROOT + FIELD + ITERINIT over
// claim.lines as ITERROOTFIELD (the words they replace become NOPs).
Program sampleProgramWithLoopsFromFields() {
  Program p = sampleProgram();
  std::vector<Instr>& dx = p.chunks[2].code;
  dx[7] = ins(Opcode::NOP);
  dx[8] = ins(Opcode::ITERFIELD, 2, 0, 4, 0);  // R2 := an iterator over R0.diagnoses
  std::vector<Instr>& units = p.chunks[3].code;
  units[1] = ins(Opcode::NOP);
  units[2] = ins(Opcode::NOP);
  units[3] = ins(Opcode::ITERROOTFIELD, 3, 0, 3, 0);  // R3 := an iterator over claim.lines
  return p;
}

}  // namespace

TEST_CASE("opcode numbers are pinned: they are part of the .pplb format", "[bytecode]") {
  struct Pin {
    Opcode op;
    const char* name;
    int number;
  };
  // Written out by hand: reordering opcodes.def must fail here (append new opcodes at the end
  // and bump kFormatVersion when a meaning changes).
  const Pin pins[] = {
      {Opcode::NOP, "NOP", 0},
      {Opcode::LOADK, "LOADK", 1},
      {Opcode::LOADBOOL, "LOADBOOL", 2},
      {Opcode::LOADABSENT, "LOADABSENT", 3},
      {Opcode::MOVE, "MOVE", 4},
      {Opcode::ROOT, "ROOT", 5},
      {Opcode::LINE, "LINE", 6},
      {Opcode::FIELD, "FIELD", 7},
      {Opcode::ISPRESENT, "ISPRESENT", 8},
      {Opcode::COALESCE, "COALESCE", 9},
      {Opcode::NOT, "NOT", 10},
      {Opcode::ADDI, "ADDI", 11},
      {Opcode::SUBI, "SUBI", 12},
      {Opcode::MULI, "MULI", 13},
      {Opcode::NEGI, "NEGI", 14},
      {Opcode::ADDDAYS, "ADDDAYS", 15},
      {Opcode::SUBDAYS, "SUBDAYS", 16},
      {Opcode::DIFFDAYS, "DIFFDAYS", 17},
      {Opcode::ITOD, "ITOD", 18},
      {Opcode::ADDD, "ADDD", 19},
      {Opcode::SUBD, "SUBD", 20},
      {Opcode::MULD, "MULD", 21},
      {Opcode::DIVD, "DIVD", 22},
      {Opcode::NEGD, "NEGD", 23},
      {Opcode::EQI, "EQI", 24},
      {Opcode::LTI, "LTI", 25},
      {Opcode::LEI, "LEI", 26},
      {Opcode::EQD, "EQD", 27},
      {Opcode::LTD, "LTD", 28},
      {Opcode::LED, "LED", 29},
      {Opcode::EQS, "EQS", 30},
      {Opcode::INSET, "INSET", 31},
      {Opcode::CONTAINS, "CONTAINS", 32},
      {Opcode::LEN, "LEN", 33},
      {Opcode::ITERINIT, "ITERINIT", 34},
      {Opcode::ITERNEXT, "ITERNEXT", 35},
      {Opcode::LOOP, "LOOP", 36},
      {Opcode::MAXI, "MAXI", 37},
      {Opcode::MINI, "MINI", 38},
      {Opcode::MAXD, "MAXD", 39},
      {Opcode::MIND, "MIND", 40},
      {Opcode::JMP, "JMP", 41},
      {Opcode::JMPIF, "JMPIF", 42},
      {Opcode::JMPIFNOT, "JMPIFNOT", 43},
      {Opcode::CALL, "CALL", 44},
      {Opcode::DECISION, "DECISION", 45},
      {Opcode::FAIL, "FAIL", 46},
      {Opcode::ADJUST, "ADJUST", 47},
      {Opcode::PASS, "PASS", 48},
      {Opcode::SKIP, "SKIP", 49},
      {Opcode::RETBOOL, "RETBOOL", 50},
      {Opcode::ISGOVERNED, "ISGOVERNED", 51},  // format version 2
      {Opcode::EQSK, "EQSK", 52},              // format version 2
      {Opcode::ROOTFIELD, "ROOTFIELD", 53},    // format version 2
      {Opcode::EXT, "EXT", 54},                // format version 3
      {Opcode::JFEQSK, "JFEQSK", 55},          // format version 3
      {Opcode::JFINSET, "JFINSET", 56},        // format version 3
      {Opcode::JFEQI, "JFEQI", 57},            // format version 3
      {Opcode::JFLTI, "JFLTI", 58},            // format version 3
      {Opcode::JFLEI, "JFLEI", 59},            // format version 3
      {Opcode::JFPRESENT, "JFPRESENT", 60},    // format version 3
      {Opcode::JFCONTAINS, "JFCONTAINS", 61},  // format version 3
      {Opcode::CONTAINSK, "CONTAINSK", 62},    // format version 4
      {Opcode::JFCONTAINSK, "JFCONTAINSK", 63},  // format version 4
      {Opcode::JPRESENT, "JPRESENT", 64},      // format version 4
      {Opcode::JGOVERNED, "JGOVERNED", 65},    // format version 4
      {Opcode::JEQSK, "JEQSK", 66},            // format version 4
      {Opcode::JINSET, "JINSET", 67},          // format version 4
      {Opcode::JCONTAINSK, "JCONTAINSK", 68},  // format version 4
      {Opcode::JLTI, "JLTI", 69},              // format version 4
      {Opcode::JLEI, "JLEI", 70},              // format version 4
      {Opcode::JLED, "JLED", 71},              // format version 4
      {Opcode::LINEFIELD, "LINEFIELD", 72},    // format version 4
      {Opcode::ITERNEXTG, "ITERNEXTG", 73},    // format version 5
      {Opcode::ITERFIELD, "ITERFIELD", 74},    // format version 5
      {Opcode::ITERROOTFIELD, "ITERROOTFIELD", 75},  // format version 5
      {Opcode::RETBOOLK, "RETBOOLK", 76},      // format version 6
      {Opcode::ITERROOTPATH, "ITERROOTPATH", 77},  // format version 6
  };
  REQUIRE(sizeof(pins) / sizeof(pins[0]) == static_cast<size_t>(Opcode::kCount));
  for (const Pin& pin : pins) {
    INFO(pin.name);
    CHECK(static_cast<int>(pin.op) == pin.number);
    CHECK(std::string(opcodeName(static_cast<Opcode>(pin.number))) == pin.name);
  }
  // 2: ISGOVERNED, EQSK, ROOTFIELD; 3: EXT and the field tests; 4: CONTAINSK, JFCONTAINSK and
  // the test-and-branch forms, LINEFIELD; 5: ITERNEXTG, ITERFIELD and ITERROOTFIELD; 6: operands
  // that name constants, RETBOOLK, ITERROOTPATH
  CHECK(kFormatVersion == 6);
  // Two words exactly for the field tests.
  for (const Pin& pin : pins) {
    INFO(pin.name);
    CHECK(isTwoWord(pin.op) == ((pin.number >= 55 && pin.number <= 61) || pin.op == Opcode::JFCONTAINSK));
  }
}

TEST_CASE("addString interns", "[bytecode]") {
  Program p;
  CHECK(p.addString("a") == 0);
  CHECK(p.addString("b") == 1);
  CHECK(p.addString("a") == 0);
  CHECK(p.addString("") == 2);
  CHECK(p.strings.size() == 3);
}

TEST_CASE("link resolves constants, sets, builtins and the fact layout", "[bytecode]") {
  Program p = sampleProgram();
  std::string error;
  REQUIRE(p.link(error));
  REQUIRE(p.constantValues.size() == p.constants.size());
  CHECK(p.constantValues[0].s.view() == "J9027");
  CHECK(p.constantValues[2].d == dec("10"));
  CHECK(p.constantValues[3].i == 1);
  REQUIRE(p.setValues.size() == 1);
  CHECK(p.setValues[0].size() == 2);
  CHECK(p.setValues[0][1].view() == "Z19.2");
  REQUIRE(p.functionIds.size() == 1);
  CHECK(std::string(builtinAt(p.functionIds[0]).name) == "ceil");
  CHECK(p.layout.claimIdSlot == 1);
  CHECK(p.layout.linesSlot == 3);
  CHECK(p.layout.lineRecord == 2);
  CHECK(p.layout.lineNumberSlot == 1);
  CHECK(p.layout.hcpcsSlot == 2);
  CHECK(p.layout.payerSlot == 2);
  CHECK(p.layout.payerRecord == 1);
  CHECK(p.layout.lineOfBusinessSlot == 1);

  SECTION("an unknown builtin") {
    p.functions.push_back("cosh");
    REQUIRE_FALSE(p.link(error));
    CHECK(error == "unknown builtin function `cosh`");
  }
  SECTION("a constant string index out of range") {
    p.constants[0].str = 99;
    REQUIRE_FALSE(p.link(error));
    CHECK(error.find("constant 0 names string 99") != std::string::npos);
  }
  SECTION("a missing well-known field") {
    p.schema.records[2].fields[1].name = "procedure";
    REQUIRE_FALSE(p.link(error));
    CHECK(error == "record `Line` of the schema has no field `hcpcs` (the claim schema must declare it)");
  }
  SECTION("a well-known field of the wrong kind") {
    p.schema.records[0].fields[0].type.kind = ValueKind::kInt;
    REQUIRE_FALSE(p.link(error));
    CHECK(error == "field `Claim.claim_id` of the schema must have the kind string, not integer");
  }
}

TEST_CASE("the verifier accepts the sample program", "[bytecode][verifier]") {
  Program p = sampleProgram();
  CHECK(verifyMessage(p) == "");
}

TEST_CASE("the verifier rejects broken programs with a precise message", "[bytecode][verifier]") {
  using O = Opcode;
  struct Case {
    const char* what;
    std::function<void(Program&)> breakIt;
    const char* message;
  };
  const Case cases[] = {
      {"a register out of range", [](Program& p) { p.chunks[0].code[3].c = 4; },
       "chunk 0 \"governed\", instruction 3 (EQS): register R4 is out of range (the chunk has 4 registers)"},
      {"a backward JMP",
       [](Program& p) { p.chunks[2].code[5] = ins(O::JMP, 0, 2); },
       "chunk 2 \"rule T-DX\", instruction 5 (JMP): jump ->2 does not go forward (only LOOP may jump back)"},
      {"a jump out of the chunk", [](Program& p) { p.chunks[2].code[4].b = 15; },
       "chunk 2 \"rule T-DX\", instruction 4 (JMPIF): jump ->15 leaves the chunk (15 instructions)"},
      {"LOOP not at an ITERNEXT", [](Program& p) { p.chunks[2].code[12].b = 10; },
       "chunk 2 \"rule T-DX\", instruction 12 (LOOP): LOOP ->10 must go back to an ITERNEXT, but instruction 10 is "
       "INSET"},
      {"an ITERNEXT that does not exit after its LOOP", [](Program& p) { p.chunks[2].code[9].c = 14; },
       "chunk 2 \"rule T-DX\", instruction 12 (LOOP): the ITERNEXT at 9 exits to ->14, not to the instruction after "
       "this LOOP (13)"},
      {"the iterator written inside its loop", [](Program& p) { p.chunks[2].code[10] = ins(O::ITERINIT, 2, 1); },
       "chunk 2 \"rule T-DX\", instruction 10 (ITERINIT): writes R2, the iterator of the loop from 9 to 12: the loop "
       "could run forever"},
      {"ISGOVERNED of a record that is not a line", [](Program& p) { p.chunks[2].code[10] = ins(O::ISGOVERNED, 4, 0); },
       "chunk 2 \"rule T-DX\", instruction 10 (ISGOVERNED): R0 holds a `Claim` record, but ISGOVERNED needs a `Line` "
       "record"},
      {"ISGOVERNED of a string", [](Program& p) { p.chunks[2].code[10] = ins(O::ISGOVERNED, 4, 3); },
       "chunk 2 \"rule T-DX\", instruction 10 (ISGOVERNED): R3 holds a string, but ISGOVERNED needs a `Line` record"},
      {"EQSK with a constant that is not a string", [](Program& p) { p.chunks[0].code[3] = ins(O::EQSK, 3, 1, 2); },
       "chunk 0 \"governed\", instruction 3 (EQSK): constant K2 is not a string, but EQSK compares strings"},
      {"EQSK of a record", [](Program& p) { p.chunks[0].code[3] = ins(O::EQSK, 3, 0, 0); },
       "chunk 0 \"governed\", instruction 3 (EQSK): R0 holds a `Line` record, but EQSK needs a string"},
      {"an extension word alone", [](Program& p) { p.chunks[0].code[2] = ins(O::EXT); },
       "chunk 0 \"governed\", instruction 2 (EXT): an extension word that follows no two-word instruction"},
      {"a field test without its extension word",
       [](Program& p) {
         installFieldTest(p);
         p.chunks[2].code[3] = ins(O::NOP);
       },
       "chunk 2 \"rule T-DX\", instruction 2 (JFEQSK): the extension word after it is NOP, not EXT"},
      {"a field test at the end of the chunk",
       [](Program& p) { p.chunks[2].code.push_back(ins(O::JFPRESENT, 5, 0, 2, 2)); },
       "chunk 2 \"rule T-DX\", instruction 15 (JFPRESENT): the chunk ends before this instruction's extension word"},
      {"a jump to an extension word",
       [](Program& p) {
         installFieldTest(p);
         p.chunks[2].code[2].b = 3;
       },
       "chunk 2 \"rule T-DX\", instruction 2 (JFEQSK): jump ->3 lands on an extension word"},
      {"a branch sense that is not 0 or 1",
       [](Program& p) {
         installFieldTest(p);
         p.chunks[2].code[3].a = 2;
       },
       "chunk 2 \"rule T-DX\", instruction 3 (EXT): branch sense x.a of JFEQSK must be 0 or 1, not 2"},
      {"an unused extension operand that is not 0",
       [](Program& p) {
         installFieldTest(p);
         p.chunks[2].code[3].d = 1;
       },
       "chunk 2 \"rule T-DX\", instruction 3 (EXT): unused operand x.d of JFEQSK must be 0, not 1"},
      {"JFEQSK with a constant that is not a string",
       [](Program& p) {
         installFieldTest(p);
         p.chunks[2].code[3].b = 2;
       },
       "chunk 2 \"rule T-DX\", instruction 2 (JFEQSK): constant K2 is not a string, but JFEQSK compares strings"},
      {"JFEQSK of a decimal field",
       [](Program& p) {
         installFieldTest(p);
         p.chunks[2].code[2].c = 3;
       },
       "chunk 2 \"rule T-DX\", instruction 2 (JFEQSK): field `Line.units` holds a decimal, but JFEQSK needs a "
       "string"},
      {"a field test of a slot out of range",
       [](Program& p) {
         installFieldTest(p);
         p.chunks[2].code[2].c = 9;
       },
       "chunk 2 \"rule T-DX\", instruction 2 (JFEQSK): slot S9 is not a field of record `Line` (slots 1 .. 7)"},
      {"a field test of a record of another type",
       [](Program& p) {
         installFieldTest(p);
         p.chunks[2].code[2].d = 0;
         p.chunks[2].code[2].c = 1;
       },
       "chunk 2 \"rule T-DX\", instruction 2 (JFEQSK): R5 holds a `Line` record, but JFEQSK needs a `Claim` record"},
      {"JFLEI of a string field",
       [](Program& p) {
         installFieldTest(p);
         p.chunks[2].code[2].op = O::JFLEI;
         p.chunks[2].code[3].b = 5;
       },
       "chunk 2 \"rule T-DX\", instruction 2 (JFLEI): field `Line.hcpcs` holds a string, but JFLEI needs an "
       "integer-like value"},
      {"JFCONTAINS with an element kind that is not scalar",
       [](Program& p) {
         installFieldTest(p);
         p.chunks[2].code[2] = ins(O::JFCONTAINS, 5, 6, 4, 2);
         p.chunks[2].code[3] = ins(O::EXT, 1, 6, static_cast<int>(ValueKind::kRecord));
       },
       "chunk 2 \"rule T-DX\", instruction 3 (EXT): element kind 8 is not a scalar kind"},
      {"CONTAINSK with a constant that is not a string",
       [](Program& p) {
         p = sampleProgramWithConstantSearch();
         p.chunks[1].code[3].c = 2;
       },
       "chunk 1 \"lines waste\", instruction 3 (CONTAINSK): constant K2 is not a string, but CONTAINSK looks for a "
       "string"},
      {"CONTAINSK in a record",
       [](Program& p) {
         p = sampleProgramWithConstantSearch();
         p.chunks[1].code[3].b = 0;
       },
       "chunk 1 \"lines waste\", instruction 3 (CONTAINSK): R0 holds a `Line` record, but CONTAINSK needs a list of "
       "string"},
      {"JFCONTAINSK with a constant that is not a string",
       [](Program& p) {
         p = sampleProgramWithConstantSearch();
         p.chunks[2].code[3].b = 2;
       },
       "chunk 2 \"rule T-DX\", instruction 2 (JFCONTAINSK): constant K2 is not a string, but JFCONTAINSK looks for a "
       "string"},
      {"JFCONTAINSK of a string field",
       [](Program& p) {
         p = sampleProgramWithConstantSearch();
         p.chunks[2].code[2].c = 2;
       },
       "chunk 2 \"rule T-DX\", instruction 2 (JFCONTAINSK): field `Line.hcpcs` holds a string, but JFCONTAINSK needs a "
       "list of string"},
      {"JFCONTAINSK with an extension operand that is not 0",
       [](Program& p) {
         p = sampleProgramWithConstantSearch();
         p.chunks[2].code[3].c = 1;
       },
       "chunk 2 \"rule T-DX\", instruction 3 (EXT): unused operand x.c of JFCONTAINSK must be 0, not 1"},
      {"a test that branches with a sense of 2",
       [](Program& p) {
         p = sampleProgramWithTestBranch();
         p.chunks[2].code[3].a = 2;
       },
       "chunk 2 \"rule T-DX\", instruction 3 (JEQSK): branch sense a of JEQSK must be 0 or 1, not 2"},
      {"JEQSK with a constant that is not a string",
       [](Program& p) {
         p = sampleProgramWithTestBranch();
         p.chunks[2].code[3].c = 2;
       },
       "chunk 2 \"rule T-DX\", instruction 3 (JEQSK): constant K2 is not a string, but JEQSK needs a string"},
      {"JLEI of strings",
       [](Program& p) {
         p = sampleProgramWithTestBranch();
         p.chunks[2].code[3] = ins(O::JLEI, 1, 6, 6, 6);
       },
       "chunk 2 \"rule T-DX\", instruction 3 (JLEI): R6 holds a string, but JLEI needs an integer-like value"},
      {"an operand that names a constant out of range",
       [](Program& p) {
         p = sampleProgramWithConstantOperands();
         p.chunks[3].code[10].b = kConstantOperandBase + 5;
       },
       "chunk 3 \"rule T-UNITS\", instruction 10 (LTD): operand 261 names constant K5, which is out of range (the "
       "program has 5; operands name at most the first 256)"},
      {"an operand that names a constant of the wrong kind",
       [](Program& p) {
         p = sampleProgramWithConstantOperands();
         p.chunks[3].code[10].b = kConstantOperandBase + 0;
       },
       "chunk 3 \"rule T-UNITS\", instruction 10 (LTD): constant K0 holds a string, but LTD needs a decimal"},
      {"a field test comparing with a constant of the wrong kind",
       [](Program& p) {
         p = sampleProgramWithConstantOperands();
         p.chunks[2].code[3].b = kConstantOperandBase + 2;
       },
       "chunk 2 \"rule T-DX\", instruction 2 (JFLTI): constant K2 holds a decimal, but JFLTI needs an integer-like "
       "value"},
      {"a field test comparing with a constant out of range",
       [](Program& p) {
         p = sampleProgramWithConstantOperands();
         p.chunks[2].code[3].b = kConstantOperandBase + kMaxConstantOperands;
       },
       "chunk 2 \"rule T-DX\", instruction 3 (EXT): operand 512 names constant K256, which is out of range (the "
       "program has 5; operands name at most the first 256)"},
      {"a constant named where only a register may be",
       [](Program& p) { p.chunks[0].code[3].b = kConstantOperandBase + 0; },
       "chunk 0 \"governed\", instruction 3 (EQS): register R256 is out of range (the chunk has 4 registers)"},
      {"a constant named where a register is written",
       [](Program& p) { p.chunks[3].code[4].b = kConstantOperandBase + 2; },
       "chunk 3 \"rule T-UNITS\", instruction 4 (ITERNEXT): register R258 is out of range (the chunk has 10 "
       "registers)"},
      {"a test that branches backwards",
       [](Program& p) {
         p = sampleProgramWithTestBranch();
         p.chunks[2].code[3].d = 1;
       },
       "chunk 2 \"rule T-DX\", instruction 3 (JEQSK): jump ->1 does not go forward (only LOOP may jump back)"},
      {"LINEFIELD of a record that is not the line", [](Program& p) { p.chunks[2].code[1] = ins(O::LINEFIELD, 6, 0, 2, 0); },
       "chunk 2 \"rule T-DX\", instruction 1 (LINEFIELD): LINEFIELD reads the claim line record `Line`, not `Claim`"},
      {"LINEFIELD of a slot out of range", [](Program& p) { p.chunks[2].code[1] = ins(O::LINEFIELD, 6, 0, 9, 2); },
       "chunk 2 \"rule T-DX\", instruction 1 (LINEFIELD): slot S9 is not a field of record `Line` (slots 1 .. 7)"},
      {"ROOTFIELD of a record that is not the root", [](Program& p) { p.chunks[2].code[7] = ins(O::ROOTFIELD, 1, 0, 4, 2); },
       "chunk 2 \"rule T-DX\", instruction 7 (ROOTFIELD): ROOTFIELD reads the claim record `Claim`, not `Line`"},
      {"ROOTFIELD of a slot out of range", [](Program& p) { p.chunks[2].code[7] = ins(O::ROOTFIELD, 1, 0, 9, 0); },
       "chunk 2 \"rule T-DX\", instruction 7 (ROOTFIELD): slot S9 is not a field of record `Claim` (slots 1 .. 4)"},
      {"ITERFIELD of a field that is not a list",
       [](Program& p) {
         p = sampleProgramWithLoopsFromFields();
         p.chunks[2].code[8].c = 1;
       },
       "chunk 2 \"rule T-DX\", instruction 8 (ITERFIELD): field `Claim.claim_id` holds a string, but ITERFIELD needs a "
       "list"},
      {"ITERFIELD of a record of another type",
       [](Program& p) {
         p = sampleProgramWithLoopsFromFields();
         p.chunks[2].code[8].d = 2;  // Line's slot 4 is a list too (modifiers)
       },
       "chunk 2 \"rule T-DX\", instruction 8 (ITERFIELD): R0 holds a `Claim` record, but ITERFIELD needs a `Line` "
       "record"},
      {"ITERFIELD of a register that holds no record",
       [](Program& p) {
         p = sampleProgramWithLoopsFromFields();
         p.chunks[2].code[6] = ins(O::NOP);  // R0 keeps the string LOADK put there
       },
       "chunk 2 \"rule T-DX\", instruction 8 (ITERFIELD): R0 holds a string, but ITERFIELD needs a `Claim` record"},
      {"ITERFIELD of a slot out of range",
       [](Program& p) {
         p = sampleProgramWithLoopsFromFields();
         p.chunks[2].code[8].c = 9;
       },
       "chunk 2 \"rule T-DX\", instruction 8 (ITERFIELD): slot S9 is not a field of record `Claim` (slots 1 .. 4)"},
      {"ITERROOTFIELD of a record that is not the root",
       [](Program& p) {
         p = sampleProgramWithLoopsFromFields();
         p.chunks[3].code[3].d = 2;
       },
       "chunk 3 \"rule T-UNITS\", instruction 3 (ITERROOTFIELD): ITERROOTFIELD reads the claim record `Claim`, not "
       "`Line`"},
      {"ITERROOTFIELD of a field that is not a list",
       [](Program& p) {
         p = sampleProgramWithLoopsFromFields();
         p.chunks[3].code[3].c = 2;
       },
       "chunk 3 \"rule T-UNITS\", instruction 3 (ITERROOTFIELD): field `Claim.payer` holds a `Payer` record, but "
       "ITERROOTFIELD needs a list"},
      {"ITERROOTFIELD with a record register",
       [](Program& p) {
         p = sampleProgramWithLoopsFromFields();
         p.chunks[3].code[3].b = 1;
       },
       "chunk 3 \"rule T-UNITS\", instruction 3 (ITERROOTFIELD): unused operand b must be 0, not 1"},
      {"ITERROOTFIELD over a list of other elements than its loop reads",
       [](Program& p) {
         p = sampleProgramWithLoopsFromFields();
         p.chunks[3].code[3].c = 4;  // diagnoses: strings, not lines
       },
       "chunk 3 \"rule T-UNITS\", instruction 5 (FIELD): R4 holds a string, but FIELD needs a `Line` record"},
      {"the element written into the iterator", [](Program& p) { p.chunks[2].code[9].b = 2; },
       "chunk 2 \"rule T-DX\", instruction 9 (ITERNEXT): the element register is the iterator R2 itself"},
      {"EQS on an integer register", [](Program& p) { p.chunks[0].code[2] = ins(O::LOADBOOL, 2, 1); },
       "chunk 0 \"governed\", instruction 3 (EQS): R2 holds an integer-like value, but EQS needs a string"},
      {"a read of an undefined register", [](Program& p) { p.chunks[0].code[2] = ins(O::NOP); },
       "chunk 0 \"governed\", instruction 3 (EQS): reads R2, which is not written on every path to here"},
      {"a read defined on one path only", [](Program& p) { p.chunks[2].code[13].a = 3; },
       "chunk 2 \"rule T-DX\", instruction 13 (FAIL): reads R3, which is not written on every path to here"},
      {"a field of the wrong record", [](Program& p) { p.chunks[0].code[1].d = 0; },
       "chunk 0 \"governed\", instruction 1 (FIELD): R0 holds a `Line` record, but FIELD needs a `Claim` record"},
      {"a slot outside the record", [](Program& p) { p.chunks[0].code[1].c = 8; },
       "chunk 0 \"governed\", instruction 1 (FIELD): slot S8 is not a field of record `Line` (slots 1 .. 7)"},
      {"a list iterated as a decimal", [](Program& p) { p.chunks[3].code[6] = ins(O::MAXD, 0, 4); },
       "chunk 3 \"rule T-UNITS\", instruction 6 (MAXD): R4 holds a `Line` record, but MAXD needs a decimal"},
      {"CONTAINS with the wrong element kind",
       [](Program& p) { p.chunks[1].code[3].d = static_cast<uint16_t>(ValueKind::kInt); },
       "chunk 1 \"lines waste\", instruction 3 (CONTAINS): R1 holds a list of string, but CONTAINS needs a list of "
       "integer (its d operand)"},
      {"a builtin with the wrong argument count", [](Program& p) { p.chunks[3].code[8].d = 2; },
       "chunk 3 \"rule T-UNITS\", instruction 8 (CALL): `ceil` takes 1 arguments, not 2"},
      {"a builtin argument of the wrong kind", [](Program& p) { p.chunks[3].code[8].c = 3; },
       "chunk 3 \"rule T-UNITS\", instruction 8 (CALL): R3 holds an iterator over `Line`, but CALL needs a decimal"},
      {"a constant out of range", [](Program& p) { p.chunks[0].code[2].b = 5; },
       "chunk 0 \"governed\", instruction 2 (LOADK): constant K5 is out of range (the program has 5)"},
      {"a set out of range", [](Program& p) { p.chunks[2].code[10].c = 1; },
       "chunk 2 \"rule T-DX\", instruction 10 (INSET): string set E1 is out of range (the program has 1)"},
      {"an unused operand that is not 0", [](Program& p) { p.chunks[2].code[14].c = 1; },
       "chunk 2 \"rule T-DX\", instruction 14 (PASS): unused operand c must be 0, not 1"},
      {"an unknown opcode", [](Program& p) { p.chunks[2].code[14].op = Opcode::kCount; },
       "chunk 2 \"rule T-DX\", instruction 14 (?): unknown opcode 78"},
      {"ITERNEXTG over a list that is not of lines", [](Program& p) { p.chunks[2].code[9].op = Opcode::ITERNEXTG; },
       "chunk 2 \"rule T-DX\", instruction 9 (ITERNEXTG): ITERNEXTG needs an iterator over claim lines in R2, not over "
       "an iterator over string"},
      {"FAIL with the wrong argument count", [](Program& p) { p.chunks[2].code[13].c = 2; },
       "chunk 2 \"rule T-DX\", instruction 13 (FAIL): passes 2 message arguments, but the message takes 1"},
      {"FAIL with an outcome out of range", [](Program& p) { p.chunks[2].code[13].b = 1; },
       "chunk 2 \"rule T-DX\", instruction 13 (FAIL): outcome O1 is out of range (rule `T-DX` has 1)"},
      {"FAIL with a group register for a fixed group", [](Program& p) { p.chunks[2].code[13].d = 0; },
       "chunk 2 \"rule T-DX\", instruction 13 (FAIL): the outcome's group is fixed, so d must be 65535 (no "
       "register), not 0"},
      {"FAIL with a computed group that is not integer-like", [](Program& p) { p.chunks[3].code[13].d = 6; },
       "chunk 3 \"rule T-UNITS\", instruction 13 (FAIL): R6 holds a decimal, but FAIL needs an integer-like value"},
      {"a message argument of the wrong kind",
       [](Program& p) { p.policies[0].rules[1].adjustments[0].message.pieces[1].kind = ValueKind::kString; },
       "chunk 3 \"rule T-UNITS\", instruction 14 (ADJUST): R6 holds a decimal, but ADJUST needs a string"},
      {"ADJUST with an adjustment out of range", [](Program& p) { p.chunks[3].code[14].b = 1; },
       "chunk 3 \"rule T-UNITS\", instruction 14 (ADJUST): adjustment O1 is out of range (rule `T-UNITS` has 1)"},
      {"falling off the end", [](Program& p) { p.chunks[3].code.pop_back(); },
       "chunk 3 \"rule T-UNITS\", instruction 14 (ADJUST): falls off the end of the chunk: every path must end in "
       "FAIL, PASS or SKIP"},
      {"RETBOOL in a rule chunk", [](Program& p) { p.chunks[2].code[14] = ins(O::RETBOOL, 1); },
       "chunk 2 \"rule T-DX\", instruction 14 (RETBOOL): RETBOOL may only end a predicate chunk; this chunk is rule "
       "`T-DX` of policy `J9027-TEST`"},
      {"RETBOOLK in a rule chunk", [](Program& p) { p.chunks[2].code[14] = ins(O::RETBOOLK, 1); },
       "chunk 2 \"rule T-DX\", instruction 14 (RETBOOLK): RETBOOLK may only end a predicate chunk; this chunk is "
       "rule `T-DX` of policy `J9027-TEST`"},
      {"RETBOOLK of neither 0 nor 1",
       [](Program& p) {
         p = sampleProgramWithConstantReturns();
         p.chunks[0].code[5].a = 2;
       },
       "chunk 0 \"governed\", instruction 5 (RETBOOLK): RETBOOLK returns 0 or 1, not 2"},
      {"a predicate falling off its end after RETBOOLK's jump",
       [](Program& p) {
         p = sampleProgramWithConstantReturns();
         p.chunks[0].code[4].b = 7;
       },
       "chunk 0 \"governed\", instruction 4 (JMPIFNOT): jump ->7 leaves the chunk (7 instructions)"},
      {"PASS in a predicate", [](Program& p) { p.chunks[0].code[4] = ins(O::PASS); },
       "chunk 0 \"governed\", instruction 4 (PASS): PASS may only end a rule chunk; this chunk is the governed "
       "predicate of policy `J9027-TEST`"},
      {"a predicate returning a string", [](Program& p) { p.chunks[0].code[4].a = 1; },
       "chunk 0 \"governed\", instruction 4 (RETBOOL): R1 holds a string, but RETBOOL needs an integer-like value"},
      {"a chunk with two roles", [](Program& p) { p.policies[0].rules[1].chunk = 0; },
       "chunk 0 \"governed\" has two roles: the governed predicate of policy `J9027-TEST` and rule `T-UNITS` of "
       "policy `J9027-TEST`"},
      {"a chunk with no role", [](Program& p) { p.policies[0].phasedClasses.clear(); },
       "chunk 1 \"lines waste\" has no role: no policy runs it"},
      // Phase 0xFFFFFFFF is decide()'s "no phase left": such lines were never decided.
      {"a class in a phase decide() never reaches",
       [](Program& p) { p.policies[0].phasedClasses[0].phase = UINT32_MAX; },
       "lines `waste` of policy `J9027-TEST` are in phase 4294967295, but its 1 phased classes need phases 1 to 1"},
      {"a class in phase 0", [](Program& p) { p.policies[0].phasedClasses[0].phase = 0; },
       "lines `waste` of policy `J9027-TEST` are in phase 0, but its 1 phased classes need phases 1 to 1"},
      {"a policy naming a missing chunk", [](Program& p) { p.policies[0].governedChunk = 9; },
       "the governed predicate of policy `J9027-TEST` is chunk 9, but the program has 4 chunks"},
      {"too many registers", [](Program& p) { p.chunks[0].registerCount = 257; },
       "chunk 0 \"governed\": 257 registers; at most 256 fit"},
      {"positions that do not match the code", [](Program& p) { p.chunks[0].positions.pop_back(); },
       "chunk 0 \"governed\": 4 source positions for 5 instructions (one each, or none)"},
      {"a message argument out of range",
       [](Program& p) { p.policies[0].rules[0].outcomes[0].message.pieces[1].arg = 1; },
       "rule `T-DX` of policy `J9027-TEST`, outcome 0: message piece 1 reads argument 1, but the message takes 1"},
      {"a message with too many arguments",
       [](Program& p) { p.policies[0].rules[0].outcomes[0].message.argCount = 9; },
       "rule `T-DX` of policy `J9027-TEST`, outcome 0: the message takes 9 arguments; at most 8"},
      {"two fields in one slot", [](Program& p) { p.schema.records[2].fields[6].slot = 3; },
       "schema field `Line.discounted` shares slot 3 with field `units`"},
      {"a record that contains itself",
       [](Program& p) {
         SchemaField loop = field("again", ValueKind::kRecord, 2);
         loop.type.record = 0;
         p.schema.records[1].fields.push_back(loop);
       },
       "schema record `Claim` contains itself (through field `Payer.again`)"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Program p = sampleProgram();
    c.breakIt(p);
    CHECK(verifyMessage(p) == c.message);
  }
}

TEST_CASE("the verifier accepts ROOTFIELD of a claim field", "[bytecode][verifier]") {
  Program p = sampleProgram();
  p.chunks[2].code[7] = ins(Opcode::ROOTFIELD, 1, 0, 4, 0);  // R1 := claim.diagnoses, as ROOT + FIELD did
  CHECK(verifyMessage(p) == "");
}

TEST_CASE("the verifier accepts loops started from list fields, and they disassemble", "[bytecode][verifier]") {
  Program p = sampleProgramWithLoopsFromFields();
  CHECK(verifyMessage(p) == "");
  CHECK(disassembleChunk(p, 2).find("    8  ITERFIELD  R2, R0, S4 (diagnoses), T0 (Claim)\n") != std::string::npos);
  CHECK(disassembleChunk(p, 3).find("    3  ITERROOTFIELD R3, S3 (lines), T0 (Claim)\n") != std::string::npos);
}

TEST_CASE("the verifier accepts EQSK of a string and a string constant", "[bytecode][verifier]") {
  Program p = sampleProgram();
  p.chunks[0].code[3] = ins(Opcode::EQSK, 3, 1, 0);  // line.hcpcs == "J9027"
  CHECK(verifyMessage(p) == "");
}

TEST_CASE("the verifier accepts CONTAINSK and JFCONTAINSK, and they disassemble", "[bytecode][verifier]") {
  Program p = sampleProgramWithConstantSearch();
  CHECK(verifyMessage(p) == "");
  CHECK(disassembleChunk(p, 1).find("    3  CONTAINSK  R3, R1, K1 =\"JW\"\n") != std::string::npos);
  CHECK(disassembleChunk(p, 2).find("    2  JFCONTAINSK R5, ->6, S4 (modifiers), T2 (Line)\n"
                                    "    3  EXT        when true, K1 =\"JW\"\n") != std::string::npos);
}

TEST_CASE("the verifier accepts a test that branches, and it disassembles", "[bytecode][verifier]") {
  Program p = sampleProgramWithTestBranch();
  CHECK(verifyMessage(p) == "");
  CHECK(disassembleChunk(p, 2).find("    3  JEQSK      when true, R6, K0 =\"J9027\", ->6\n") != std::string::npos);
}

TEST_CASE("the verifier accepts LINEFIELD of a field of the line", "[bytecode][verifier]") {
  Program p = sampleProgram();
  p.chunks[2].code[1] = ins(Opcode::LINEFIELD, 6, 0, 2, 2);  // R6 := line.hcpcs, as FIELD of R5 did
  CHECK(verifyMessage(p) == "");
}

TEST_CASE("the verifier accepts ITERNEXTG heading a loop over the claim's lines", "[bytecode][verifier]") {
  Program p = sampleProgram();
  p.chunks[3].code[4].op = Opcode::ITERNEXTG;  // T-UNITS: the largest units of a governed line
  CHECK(verifyMessage(p) == "");
}

TEST_CASE("the verifier accepts ISGOVERNED of a claim line", "[bytecode][verifier]") {
  Program p = sampleProgram();
  p.chunks[2].code[3] = ins(Opcode::ISGOVERNED, 1, 5);  // R5: the line (LINE 5)
  CHECK(verifyMessage(p) == "");
}

TEST_CASE("the verifier accepts a field test and disassembles it with its extension word", "[bytecode][verifier]") {
  Program p = sampleProgramWithFieldTest();
  CHECK(verifyMessage(p) == "");
  const std::string text = disassembleChunk(p, 2);
  CHECK(text.find("    2  JFEQSK     R5, ->6, S2 (hcpcs), T2 (Line)\n"
                  "    3  EXT        when true, K0 =\"J9027\"\n") != std::string::npos);
}

TEST_CASE("the verifier accepts operands that name constants, and they disassemble", "[bytecode][verifier]") {
  Program p = sampleProgramWithConstantOperands();
  CHECK(verifyMessage(p) == "");
  CHECK(disassembleChunk(p, 3).find("   10  LTD        R8, K2 =10, R6\n") != std::string::npos);
  CHECK(disassembleChunk(p, 2).find("    2  JFLTI      R5, ->6, S5 (from), T2 (Line)\n"
                                    "    3  EXT        when false, K4 =2024-01-01\n") != std::string::npos);
}

TEST_CASE("the verifier accepts a predicate returning constants, and RETBOOLK disassembles", "[bytecode][verifier]") {
  Program p = sampleProgramWithConstantReturns();
  CHECK(verifyMessage(p) == "");
  CHECK(disassembleChunk(p, 0).find("    5  RETBOOLK   1\n    6  RETBOOLK   0\n") != std::string::npos);
}

TEST_CASE("the verifier requires a linked program", "[bytecode][verifier]") {
  Program p = sampleProgram();
  std::string error;
  CHECK_FALSE(verifyProgram(p, error));
  CHECK(error == "the program is not linked (Program::link must run before the verifier)");
}

TEST_CASE("an absent value joins with any kind and is accepted by any reader", "[bytecode][verifier]") {
  using O = Opcode;
  Program p = sampleProgram();
  // R2 is absent on one path and a string on the other: EQS may read it.
  p.chunks[0].code = {
      ins(O::LINE, 0),                // 0
      ins(O::FIELD, 1, 0, 2, 2),      // 1
      ins(O::LOADABSENT, 2),          // 2
      ins(O::ISPRESENT, 3, 1),        // 3
      ins(O::JMPIFNOT, 3, 6),         // 4
      ins(O::LOADK, 2, 0),            // 5
      ins(O::EQS, 3, 1, 2),           // 6
      ins(O::RETBOOL, 3),             // 7
  };
  p.chunks[0].positions.clear();
  CHECK(verifyMessage(p) == "");

  // But a string on one path and a decimal on the other is nothing.
  p.chunks[0].code[2] = ins(O::LOADK, 2, 2);
  CHECK(verifyMessage(p) ==
        "chunk 0 \"governed\", instruction 6 (EQS): reads R2, which is not written on every path to here");
}

TEST_CASE("loops must nest", "[bytecode][verifier]") {
  using O = Opcode;
  Program p = sampleProgram();
  // Two loops over the claim's lines whose bodies overlap: 3..7 and 5..9.
  p.chunks[3].registerCount = 10;
  p.chunks[3].code = {
      ins(O::ROOT, 1),              // 0
      ins(O::FIELD, 2, 1, 3, 0),    // 1
      ins(O::ITERINIT, 3, 2),       // 2
      ins(O::ITERNEXT, 3, 4, 8),    // 3
      ins(O::ITERINIT, 5, 2),       // 4
      ins(O::ITERNEXT, 5, 6, 10),   // 5
      ins(O::NOP),                  // 6
      ins(O::LOOP, 0, 3),           // 7
      ins(O::NOP),                  // 8
      ins(O::LOOP, 0, 5),           // 9
      ins(O::PASS),                 // 10
  };
  CHECK(verifyMessage(p) ==
        "chunk 3 \"rule T-UNITS\", instruction 9 (LOOP): the loop from 5 to 9 overlaps the loop from 3 to 7: loops "
        "must nest");
}

TEST_CASE("the verifier gives up on data flow that would take registers x code steps", "[bytecode][verifier]") {
  using O = Opcode;
  // A loop whose body moves a bool one register down a chain of `moves` registers a pass: the
  // types settle only after `moves` passes over the body, padded with NOPs to `size` words.
  auto chain = [](int moves, size_t size) {
    Program p = sampleProgram();
    std::vector<Instr> code;
    code.push_back(ins(O::LOADBOOL, 0, 1));
    for (int r = 1; r <= moves; ++r) code.push_back(ins(O::LOADABSENT, static_cast<uint8_t>(r)));
    const auto list = static_cast<uint8_t>(moves + 1);
    code.push_back(ins(O::ROOT, static_cast<uint8_t>(list + 1)));
    code.push_back(ins(O::FIELD, list, static_cast<uint16_t>(list + 1), 3, 0));  // the claim's lines
    code.push_back(ins(O::ITERINIT, static_cast<uint8_t>(list + 2), list));
    const auto head = static_cast<uint16_t>(code.size());
    code.push_back(ins(O::ITERNEXT, static_cast<uint8_t>(list + 2), static_cast<uint16_t>(list + 3), 0));
    for (int r = moves; r >= 1; --r) code.push_back(ins(O::MOVE, static_cast<uint8_t>(r), static_cast<uint16_t>(r - 1)));
    while (code.size() < size - 2) code.push_back(ins(O::NOP));
    code[head].c = static_cast<uint16_t>(code.size() + 1);
    code.push_back(ins(O::LOOP, 0, head));
    code.push_back(ins(O::PASS));
    p.chunks[3].code = code;
    p.chunks[3].registerCount = static_cast<uint16_t>(list + 4);
    p.chunks[3].positions.clear();
    return p;
  };
  // 40 passes over 2,000 words: past 16 steps an instruction.
  Program slow = chain(40, 2000);
  CHECK(verifyMessage(slow) ==
        "chunk 3 \"rule T-UNITS\": register types do not settle within 32256 steps (16 an instruction)");
  // 8 passes settle within the budget, and the chunk is sound.
  Program settles = chain(8, 2000);
  CHECK(verifyMessage(settles).empty());
}

TEST_CASE(".pplb round trip", "[bytecode][pplb]") {
  Program p = sampleProgram();
  std::string error;
  REQUIRE(p.link(error));
  const std::string bytes = encode(p);
  CHECK(bytes.substr(0, 4) == "PPLB");

  Program q;
  REQUIRE(readPplb(bytes, q, error));
  REQUIRE(q.link(error));
  REQUIRE(verifyProgram(q, error));
  CHECK(encode(q) == bytes);
  CHECK(disassemble(q) == disassemble(p));
  // Spot checks of what the bytes do not show directly.
  CHECK(q.schema.records[2].fields[2].defaultValue.d == dec("1.5"));
  CHECK(q.schema.records[2].fields[6].defaultValue.i == 1);
  CHECK(q.schema.records[2].fields[5].notBefore == 4);
  CHECK(q.chunks[0].positions.size() == 5);
  CHECK(q.policies[0].rules[1].adjustments[0].percent == dec("20"));
}

TEST_CASE(".pplb header errors", "[bytecode][pplb]") {
  Program p = sampleProgram();
  std::string error;
  REQUIRE(p.link(error));
  const std::string good = encode(p);
  Program q;

  SECTION("bad magic") {
    std::string bytes = good;
    bytes[1] = 'X';
    CHECK_FALSE(readPplb(bytes, q, error));
    CHECK(error == "bad magic: not a .pplb file");
  }
  SECTION("a newer format version") {
    std::string bytes = good;
    bytes[4] = 9;
    CHECK_FALSE(readPplb(bytes, q, error));
    CHECK(error == "unsupported format version 9 (this reader supports 1..6)");
  }
  SECTION("unknown flags") {
    std::string bytes = good;
    bytes[7] = 1;
    CHECK_FALSE(readPplb(bytes, q, error));
    CHECK(error == "unknown flags 0x0100 in the header (this reader knows none)");
  }
  SECTION("a wrong checksum") {
    std::string bytes = good;
    bytes[good.size() - 3] ^= 0x20;
    CHECK_FALSE(readPplb(bytes, q, error));
    CHECK(error.rfind("checksum mismatch", 0) == 0);
  }
  SECTION("a truncated header") {
    CHECK_FALSE(readPplb(good.substr(0, 10), q, error));
    CHECK(error == "truncated at byte 10 while reading the header");
  }
  SECTION("a truncated payload") {
    CHECK_FALSE(readPplb(good.substr(0, good.size() - 1), q, error));
    CHECK(error == fmt::format("truncated at byte {}: the header announces {} payload bytes, {} follow",
                               good.size() - 1, good.size() - kPplbHeaderSize, good.size() - kPplbHeaderSize - 1));
  }
  SECTION("bytes after the payload") {
    CHECK_FALSE(readPplb(good + "x", q, error));
    CHECK(error == fmt::format("1 unexpected bytes after the payload, at byte {}", good.size()));
  }
}

// Version 2 appended ISGOVERNED, EQSK and ROOTFIELD: a file that says it is version 1 is read
// with version 1's opcodes only (the checksum covers the payload, not the version field).
TEST_CASE(".pplb: a version-1 file cannot use the opcodes version 2 added", "[bytecode][pplb]") {
  Program p = sampleProgram();
  std::string error;
  REQUIRE(p.link(error));
  Program q;
  std::string v1 = encode(p);
  v1[4] = 1;
  INFO(error);
  CHECK(readPplb(v1, q, error));  // the sample uses no version-2 opcode

  REQUIRE(!p.chunks.empty());
  REQUIRE(!p.chunks[0].code.empty());
  p.chunks[0].code[0].op = Opcode::EQSK;
  std::string bytes = encode(p);
  bytes[4] = 1;
  CHECK_FALSE(readPplb(bytes, q, error));
  CHECK(error.find("opcode 52 (EQSK)") != std::string::npos);
  CHECK(error.find("does not exist in format version 1") != std::string::npos);
}

// Version 6 appended RETBOOLK: a version-5 file cannot use it.
TEST_CASE(".pplb: a version-5 file cannot use RETBOOLK", "[bytecode][pplb]") {
  Program loops = sampleProgramWithLoopsFromFields();
  std::string error;
  REQUIRE(loops.link(error));
  Program q;
  std::string v5 = encode(loops);
  v5[4] = 5;
  CHECK(readPplb(v5, q, error));  // version-5 opcodes, but not RETBOOLK

  Program returns = sampleProgramWithConstantReturns();
  REQUIRE(returns.link(error));
  std::string bytes = encode(returns);
  CHECK(readPplb(bytes, q, error));
  bytes[4] = 5;
  CHECK_FALSE(readPplb(bytes, q, error));
  CHECK(error.find("opcode 76 (RETBOOLK)") != std::string::npos);
  CHECK(error.find("does not exist in format version 5") != std::string::npos);
}

// Version 6 let V operands name constants: a version-5 file that does is refused, as a
// version-5 toolchain refused it (a register out of range), in an instruction's word and in a
// field test's extension word.
TEST_CASE(".pplb: a version-5 file cannot name constants as operands", "[bytecode][pplb]") {
  std::string error;
  Program q;
  Program plain = sampleProgram();
  REQUIRE(plain.link(error));
  std::string v5 = encode(plain);
  v5[4] = 5;
  CHECK(readPplb(v5, q, error));  // registers only

  Program named = sampleProgramWithConstantOperands();
  REQUIRE(named.link(error));
  std::string bytes = encode(named);
  CHECK(readPplb(bytes, q, error));
  bytes[4] = 5;
  CHECK_FALSE(readPplb(bytes, q, error));
  CHECK(error.find("instruction 2 (JFLTI) names constant K4 as an operand") != std::string::npos);
  CHECK(error.find("which format version 5 cannot") != std::string::npos);

  Program wordOnly = sampleProgramWithConstantOperands();
  wordOnly.chunks[2] = sampleProgram().chunks[2];  // only T-UNITS's LTD names a constant now
  REQUIRE(wordOnly.link(error));
  std::string wordBytes = encode(wordOnly);
  CHECK(readPplb(wordBytes, q, error));
  wordBytes[4] = 5;
  CHECK_FALSE(readPplb(wordBytes, q, error));
  CHECK(error.find("instruction 10 (LTD) names constant K2 as an operand") != std::string::npos);
}

// Version 5 appended ITERNEXTG: a version-4 file cannot use it.
TEST_CASE(".pplb: a version-4 file cannot use ITERNEXTG", "[bytecode][pplb]") {
  Program p = sampleProgramWithConstantSearch();
  std::string error;
  REQUIRE(p.link(error));
  Program q;
  std::string v4 = encode(p);
  v4[4] = 4;
  CHECK(readPplb(v4, q, error));  // version-4 opcodes, but not ITERNEXTG

  Program governed = sampleProgram();
  governed.chunks[3].code[4].op = Opcode::ITERNEXTG;
  REQUIRE(governed.link(error));
  std::string bytes = encode(governed);
  CHECK(readPplb(bytes, q, error));
  bytes[4] = 4;
  CHECK_FALSE(readPplb(bytes, q, error));
  CHECK(error.find("opcode 73 (ITERNEXTG)") != std::string::npos);
  CHECK(error.find("does not exist in format version 4") != std::string::npos);
}

// Version 4 appended CONTAINSK and JFCONTAINSK: a version-3 file cannot use them.
TEST_CASE(".pplb: a version-3 file cannot use the opcodes version 4 added", "[bytecode][pplb]") {
  Program p = sampleProgramWithFieldTest();
  std::string error;
  REQUIRE(p.link(error));
  Program q;
  std::string v3 = encode(p);
  v3[4] = 3;
  CHECK(readPplb(v3, q, error));  // field tests, but no version-4 opcode

  Program searching = sampleProgramWithConstantSearch();
  REQUIRE(searching.link(error));
  std::string bytes = encode(searching);
  CHECK(readPplb(bytes, q, error));
  bytes[4] = 3;
  CHECK_FALSE(readPplb(bytes, q, error));
  CHECK(error.find("opcode 62 (CONTAINSK)") != std::string::npos);
  CHECK(error.find("does not exist in format version 3") != std::string::npos);
}

// Version 5 appended ITERFIELD and ITERROOTFIELD: a version-4 file cannot use them.
TEST_CASE(".pplb: a version-4 file cannot use the opcodes version 5 added", "[bytecode][pplb]") {
  Program p = sampleProgramWithConstantSearch();
  std::string error;
  REQUIRE(p.link(error));
  Program q;
  std::string v4 = encode(p);
  v4[4] = 4;
  CHECK(readPplb(v4, q, error));  // format-4 opcodes, but no version-5 opcode

  Program loops = sampleProgramWithLoopsFromFields();
  REQUIRE(loops.link(error));
  std::string bytes = encode(loops);
  CHECK(readPplb(bytes, q, error));
  bytes[4] = 4;
  CHECK_FALSE(readPplb(bytes, q, error));
  CHECK(error.find("opcode 74 (ITERFIELD)") != std::string::npos);
  CHECK(error.find("does not exist in format version 4") != std::string::npos);
}

// Version 3 appended EXT and the field tests: a version-2 file cannot use them.
TEST_CASE(".pplb: a version-2 file cannot use the opcodes version 3 added", "[bytecode][pplb]") {
  Program p = sampleProgram();
  std::string error;
  REQUIRE(p.link(error));
  Program q;
  std::string v2 = encode(p);
  v2[4] = 2;
  CHECK(readPplb(v2, q, error));  // the sample uses no version-3 opcode

  Program fused = sampleProgramWithFieldTest();
  REQUIRE(fused.link(error));
  std::string bytes = encode(fused);
  CHECK(readPplb(bytes, q, error));
  bytes[4] = 2;
  CHECK_FALSE(readPplb(bytes, q, error));
  CHECK(error.find("opcode 55 (JFEQSK)") != std::string::npos);
  CHECK(error.find("does not exist in format version 2") != std::string::npos);
}

TEST_CASE(".pplb payload errors say what and where", "[bytecode][pplb]") {
  Program p = sampleProgram();
  std::string error;
  REQUIRE(p.link(error));
  const std::string good = encode(p);
  Program q;

  SECTION("a payload cut short (header fixed up)") {
    // Cut inside the last chunk's register count, found by the chunk's name.
    const size_t name = good.find("rule T-UNITS");
    REQUIRE(name != std::string::npos);
    std::string bytes = good.substr(0, name + 12 + 1);
    fixHeader(bytes);
    CHECK_FALSE(readPplb(bytes, q, error));
    CHECK(error == fmt::format("truncated at byte {} while reading chunk 3", bytes.size()));

    // Cut inside its code: the code's count already promises more than is left.
    bytes = good.substr(0, name + 12 + 2 + 4 + 3);
    fixHeader(bytes);
    CHECK_FALSE(readPplb(bytes, q, error));
    CHECK(error == fmt::format("count 16 at byte {} is more than the 3 bytes that remain can hold while reading "
                               "chunk 3 code",
                               name + 12 + 2));

    // Cut inside its name.
    bytes = good.substr(0, name + 5);
    fixHeader(bytes);
    CHECK_FALSE(readPplb(bytes, q, error));
    CHECK(error == fmt::format("truncated at byte {}: a string of 12 bytes starts at byte {} while reading chunk 3",
                               name + 5, name - 4));
  }
  SECTION("a hostile count") {
    // The chunk count: four bytes just before the first chunk's name length.
    const size_t name = good.find("governed");
    REQUIRE(name != std::string::npos);
    std::string bytes = good;
    const size_t countAt = name - 4 - 4;
    for (int i = 0; i < 4; ++i) bytes[countAt + i] = '\xff';
    fixHeader(bytes);
    CHECK_FALSE(readPplb(bytes, q, error));
    CHECK(error.find(fmt::format("count 4294967295 at byte {} is more than the", countAt)) == 0);
  }
  SECTION("more constants or sets than operands can name") {
    // Each would cost the reader 80 bytes for its 5 or 4 in the file, and no instruction could
    // use one past the 65,536th.
    Program big = sampleProgram();
    big.constants.resize(65537, big.constants.front());
    std::string bytes = encode(big);
    CHECK_FALSE(readPplb(bytes, q, error));
    CHECK(error.find("count 65537 at byte ") == 0);
    CHECK(error.find("is more than the 65536 an instruction's operand can name while reading constants") !=
          std::string::npos);
    big = sampleProgram();
    big.sets.resize(65537);
    bytes = encode(big);
    CHECK_FALSE(readPplb(bytes, q, error));
    CHECK(error.find("an instruction's operand can name while reading sets") != std::string::npos);
    big = sampleProgram();
    big.constants.resize(65536, big.constants.front());
    CHECK(readPplb(encode(big), q, error));
  }
  SECTION("a bool default that is neither 0 nor 1") {
    // Field `discounted` defaults to true: its 8-byte default is the only 1 followed by seven
    // zero bytes after the field's name.
    const size_t name = good.find("discounted");
    REQUIRE(name != std::string::npos);
    const size_t at = good.find(std::string("\x01\0\0\0\0\0\0\0", 8), name);
    REQUIRE(at != std::string::npos);
    std::string bytes = good;
    bytes[at] = 2;
    fixHeader(bytes);
    CHECK_FALSE(readPplb(bytes, q, error));
    CHECK(error.find(fmt::format("bool default 2 at byte {} is out of range", at)) == 0);
    bytes[at] = 0;
    fixHeader(bytes);
    CHECK(readPplb(bytes, q, error));
  }
  SECTION("a string that is not UTF-8") {
    // Chunk 3's name, "rule T-UNITS", with a byte no UTF-8 text holds: its names and messages
    // would reach the decision JSON as they are.
    const size_t name = good.find("rule T-UNITS");
    REQUIRE(name != std::string::npos);
    std::string bytes = good;
    bytes[name + 5] = '\xff';
    fixHeader(bytes);
    CHECK_FALSE(readPplb(bytes, q, error));
    CHECK(error == fmt::format("the string of 12 bytes at byte {} is not valid UTF-8 while reading chunk 3", name - 4));
    bytes[name + 5] = '\xc3';  // the first byte of a two-byte sequence, cut short by '-'
    fixHeader(bytes);
    CHECK_FALSE(readPplb(bytes, q, error));
    bytes = good;
    bytes.replace(name, 4, "r\xc3\xa9" "e");  // "rée T-UNITS": valid UTF-8, same length
    fixHeader(bytes);
    CHECK(readPplb(bytes, q, error));
  }
  SECTION("an opcode out of range") {
    const size_t name = good.find("governed");
    std::string bytes = good;
    const size_t firstOp = name + 8 + 2 + 4;
    bytes[firstOp] = static_cast<char>(Opcode::kCount);
    fixHeader(bytes);
    CHECK_FALSE(readPplb(bytes, q, error));
    CHECK(error == fmt::format("bad opcode {} at byte {} (instruction 0) while reading chunk 0 code",
                               static_cast<int>(Opcode::kCount), firstOp));
  }
}

TEST_CASE(".pplb: every single-byte corruption and every truncation is rejected", "[bytecode][pplb]") {
  Program p = GENERATE(sampleProgram(), sampleProgramWithFieldTest(), sampleProgramWithConstantSearch(),
                       sampleProgramWithTestBranch());
  std::string error;
  REQUIRE(p.link(error));
  const std::string good = encode(p);
  Program q;
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bytes = good;
    bytes[i] = static_cast<char>(bytes[i] ^ 0xFF);
    if (readPplb(bytes, q, error)) FAIL("flipping byte " << i << " went unnoticed");
  }
  for (size_t n = 0; n < good.size(); ++n) {
    if (readPplb(std::string_view(good).substr(0, n), q, error)) FAIL("truncation to " << n << " bytes went unnoticed");
  }
  CHECK(readPplb(good, q, error));
}

TEST_CASE(".pplb: corrupt payloads behind a valid checksum never crash", "[bytecode][pplb]") {
  // What a hostile writer can do: any payload with a matching header. Decoding, link() and the
  // verifier must answer with an error or a safe program, never undefined behaviour (this test
  // earns its keep under -fsanitize=address,undefined).
  Program p = GENERATE(sampleProgram(), sampleProgramWithFieldTest(), sampleProgramWithConstantSearch(),
                       sampleProgramWithTestBranch());
  std::string error;
  REQUIRE(p.link(error));
  const std::string good = encode(p);
  size_t accepted = 0;
  for (size_t i = kPplbHeaderSize; i < good.size(); ++i) {
    for (const uint8_t mask : {uint8_t{0xFF}, uint8_t{0x01}, uint8_t{0x80}}) {
      std::string bytes = good;
      bytes[i] = static_cast<char>(bytes[i] ^ mask);
      fixHeader(bytes);
      Program q;
      if (!readPplb(bytes, q, error)) {
        // The message goes to a terminal: what the damaged file holds is shown escaped.
        const bool printable = std::all_of(error.begin(), error.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
        if (!printable) FAIL("unprintable bytes in the error for byte " << i << ": " << error);
        continue;
      }
      if (!q.link(error)) continue;
      if (!verifyProgram(q, error)) continue;
      ++accepted;
      (void)disassemble(q);
    }
  }
  for (size_t n = kPplbHeaderSize; n < good.size(); ++n) {
    std::string bytes = good.substr(0, n);
    fixHeader(bytes);
    Program q;
    if (readPplb(bytes, q, error)) FAIL("a payload cut to " << n - kPplbHeaderSize << " bytes was accepted");
  }
  // Some corruptions are harmless (a string's text, a source position); most are caught.
  CHECK(accepted < 3 * (good.size() - kPplbHeaderSize));
}

TEST_CASE("golden disassembly of the sample program", "[bytecode][disasm]") {
  Program p = sampleProgram();
  std::string error;
  REQUIRE(p.link(error));
  const char* expected = R"(policy J9027-TEST@1 "Test policy"
  lines of business: commercial
  effective: 2024-01-01 .. 2024-12-31
  governed: chunk 0
  lines waste (phase 1): chunk 1
  rule T-DX "a covering diagnosis": chunk 2  ; policies/test.ppl:10:3
    outcome 0: deny CO 50 N386 "no covering diagnosis for {0:string}"
  rule T-UNITS "units within 10": chunk 3
    outcome 0: pend <computed> 16 "units {0:decimal} exceed \"10\""
    adjustment 0: CO 45 20% "reduced for {0:decimal} units"

schema claim_facts "1.0" (root Claim)
constants
  K0    string   "J9027"
  K1    string   "JW"
  K2    decimal  10
  K3    group    PR
  K4    date     2024-01-01
sets
  E0    {C61, Z19.2}
functions
  F0    ceil

chunk 0 "governed" (registers 4)
    0  LINE       R0                                      ; policies/test.ppl:3:12
    1  FIELD      R1, R0, S2 (hcpcs), T2 (Line)           ; policies/test.ppl:3:13
    2  LOADK      R2, K0 ="J9027"                         ; policies/test.ppl:3:14
    3  EQS        R3, R1, R2                              ; policies/test.ppl:3:15
    4  RETBOOL    R3                                      ; policies/test.ppl:3:16

chunk 1 "lines waste" (registers 4)
    0  LINE       R0
    1  FIELD      R1, R0, S4 (modifiers), T2 (Line)
    2  LOADK      R2, K1 ="JW"
    3  CONTAINS   R3, R1, R2, string
    4  RETBOOL    R3

chunk 2 "rule T-DX" (registers 7)
    0  LINE       R5
    1  FIELD      R6, R5, S2 (hcpcs), T2 (Line)
    2  LOADK      R0, K0 ="J9027"
    3  EQS        R1, R6, R0
    4  JMPIF      R1, ->6
    5  SKIP
    6  ROOT       R0
    7  FIELD      R1, R0, S4 (diagnoses), T0 (Claim)
    8  ITERINIT   R2, R1
    9  ITERNEXT   R2, R3, ->13
   10  INSET      R4, R3, E0 {C61, Z19.2}
   11  JMPIF      R4, ->14
   12  LOOP       ->9
   13  FAIL       R6, O0 (deny CO 50), 1, -
   14  PASS

chunk 3 "rule T-UNITS" (registers 10)
    0  LOADABSENT R0
    1  ROOT       R1
    2  FIELD      R2, R1, S3 (lines), T0 (Claim)
    3  ITERINIT   R3, R2
    4  ITERNEXT   R3, R4, ->8
    5  FIELD      R5, R4, S3 (units), T2 (Line)
    6  MAXD       R0, R5
    7  LOOP       ->4
    8  CALL       R6, F0 (ceil), R0, 1
    9  LOADK      R7, K2 =10
   10  LTD        R8, R7, R6
   11  JMPIFNOT   R8, ->14
   12  LOADK      R9, K3 =PR
   13  FAIL       R6, O0 (pend <computed> 16), 1, R9
   14  ADJUST     R6, O0 (CO 45 20%), 1
   15  PASS
)";
  CHECK(disassemble(p) == expected);
  CHECK(disassembleChunk(p, 1) == R"(chunk 1 "lines waste" (registers 4)
    0  LINE       R0
    1  FIELD      R1, R0, S4 (modifiers), T2 (Line)
    2  LOADK      R2, K1 ="JW"
    3  CONTAINS   R3, R1, R2, string
    4  RETBOOL    R3
)");
}
