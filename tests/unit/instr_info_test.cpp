// What instructions read, write and jump to (bytecode/instr_info.h), checked against answers
// worked out by hand from opcodes.def's meanings, and opcodes.def's version column against the
// .pplb version history.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "bytecode/instr_info.h"
#include "tests/unit/instr_builder.h"

using namespace ppl;
using ppl::test::ins;
using O = Opcode;

namespace {

struct Effect {
  std::vector<uint32_t> reads;
  std::vector<uint32_t> writes;  // on some path
  std::vector<uint32_t> next;    // successors
};

// The instruction at pc of `code`, as the table describes it.
Effect effectAt(const std::vector<Instr>& code, size_t pc = 0) {
  Effect e;
  forEachRead(code, pc, [&](uint32_t r) { e.reads.push_back(r); });
  forEachWrite(code[pc], [&](uint32_t r) { e.writes.push_back(r); });
  uint32_t out[2];
  const int n = successorsOf(code, pc, out);
  e.next.assign(out, out + n);
  return e;
}

using Regs = std::vector<uint32_t>;

}  // namespace

TEST_CASE("every row of opcodes.def has consistent columns", "[bytecode][instr_info]") {
  for (size_t i = 0; i < static_cast<size_t>(Opcode::kCount); ++i) {
    const OpcodeInfo& info = opcodeInfo(static_cast<Opcode>(i));
    INFO(info.name);
    CHECK(detail::rowIsConsistent(info));
  }
}

TEST_CASE("one-word instructions: reads, writes and successors", "[bytecode][instr_info]") {
  SECTION("a load writes R[a] and reads nothing") {
    const Effect e = effectAt({ins(O::LOADK, 3, 7)});
    CHECK(e.reads.empty());
    CHECK(e.writes == Regs{3});
    CHECK(e.next == Regs{1});
    CHECK(alwaysWritesA(O::LOADK));
  }
  SECTION("FIELD reads its record register") {
    const Effect e = effectAt({ins(O::FIELD, 1, 4, 2, 0)});
    CHECK(e.reads == Regs{4});
    CHECK(e.writes == Regs{1});
  }
  SECTION("a V operand names a register below 256 and a constant from 256 on") {
    const Effect e = effectAt({ins(O::LEI, 2, 5, kConstantOperandBase + 9)});
    CHECK(e.reads == Regs{5});
    CHECK(e.writes == Regs{2});
  }
  SECTION("MAXI reads the running maximum and may write it") {
    const Effect e = effectAt({ins(O::MAXI, 2, 6)});
    CHECK(e.reads == Regs{2, 6});
    CHECK(e.writes == Regs{2});
    CHECK_FALSE(alwaysWritesA(O::MAXI));
  }
  SECTION("a conditional jump reads R[a] and goes on or to b") {
    const std::vector<Instr> code = {ins(O::NOP), ins(O::JMPIFNOT, 4, 9)};
    const Effect e = effectAt(code, 1);
    CHECK(e.reads == Regs{4});
    CHECK(e.writes.empty());
    CHECK(e.next == Regs{2, 9});
  }
  SECTION("JMP and LOOP go to b only") {
    CHECK(effectAt({ins(O::JMP, 0, 5)}).next == Regs{5});
    const std::vector<Instr> loop = {ins(O::NOP), ins(O::NOP), ins(O::LOOP, 0, 1)};
    CHECK(effectAt(loop, 2).next == Regs{1});
  }
  SECTION("ITERNEXT reads and advances its iterator, writes the element, exits to c") {
    const std::vector<Instr> code = {ins(O::NOP), ins(O::ITERNEXT, 3, 4, 8)};
    const Effect e = effectAt(code, 1);
    CHECK(e.reads == Regs{3});
    CHECK(e.writes == Regs{3, 4});
    CHECK(e.next == Regs{2, 8});
    CHECK(opcodeInfo(O::ITERNEXTG).flow == Flow::kIterate);
  }
  SECTION("CALL reads its argument run R[c] .. R[c + d - 1]") {
    const Effect e = effectAt({ins(O::CALL, 1, 0, 5, 3)});
    CHECK(e.reads == Regs{5, 6, 7});
    CHECK(e.writes == Regs{1});
  }
  SECTION("FAIL reads its message arguments and the group register, and ends") {
    const Effect e = effectAt({ins(O::FAIL, 2, 0, 2, 9)});
    CHECK(e.reads == Regs{2, 3, 9});
    CHECK(e.writes.empty());
    CHECK(e.next.empty());
    CHECK(effectAt({ins(O::FAIL, 2, 0, 0, kNoRegister)}).reads.empty());
  }
  SECTION("ADJUST reads its message arguments and goes on") {
    const Effect e = effectAt({ins(O::ADJUST, 4, 0, 1)});
    CHECK(e.reads == Regs{4});
    CHECK(e.next == Regs{1});
  }
  SECTION("the chunk's ends") {
    for (const Opcode op : {O::PASS, O::SKIP, O::RETBOOL, O::RETBOOLK}) {
      INFO(opcodeName(op));
      CHECK(effectAt({ins(op)}).next.empty());
    }
    CHECK(effectAt({ins(O::RETBOOL, 6)}).reads == Regs{6});
    CHECK(effectAt({ins(O::RETBOOLK, 1)}).reads.empty());
  }
  SECTION("a test-and-branch reads its operands, writes nothing, goes on or to d") {
    const std::vector<Instr> code = {ins(O::NOP), ins(O::JLTI, 1, 3, 4, 7)};
    const Effect e = effectAt(code, 1);
    CHECK(e.reads == Regs{3, 4});
    CHECK(e.writes.empty());
    CHECK(e.next == Regs{2, 7});
  }
  SECTION("ITERROOTPATH's b is a slot, not a register") {
    const Effect e = effectAt({ins(O::ITERROOTPATH, 2, 5, 3, 1)});
    CHECK(e.reads.empty());
    CHECK(e.writes == Regs{2});
  }
}

TEST_CASE("two-word instructions: the extension word's operands count", "[bytecode][instr_info]") {
  // JFLEI R1, ->6, S2, T3 then EXT when true, R5: reads the record and R5, writes nothing.
  const std::vector<Instr> code = {ins(O::NOP), ins(O::JFLEI, 1, 6, 2, 3), ins(O::EXT, 1, 5)};
  const Effect e = effectAt(code, 1);
  CHECK(e.reads == Regs{1, 5});
  CHECK(e.writes.empty());
  CHECK(e.next == Regs{3, 6});
  CHECK(wordsOf(O::JFLEI) == 2);
  CHECK(wordsOf(O::FIELD) == 1);

  // The compared value may name a constant, and JFEQSK's x.b is one.
  const std::vector<Instr> constant = {ins(O::JFLEI, 1, 6, 2, 3), ins(O::EXT, 1, kConstantOperandBase)};
  CHECK(effectAt(constant).reads == Regs{1});
  const std::vector<Instr> string = {ins(O::JFEQSK, 1, 6, 2, 3), ins(O::EXT, 0, 5)};
  CHECK(effectAt(string).reads == Regs{1});
}

TEST_CASE("jumpOperand finds the target wherever the opcode keeps it", "[bytecode][instr_info]") {
  Instr jmp = ins(O::JMPIF, 1, 4);
  Instr iter = ins(O::ITERNEXT, 1, 2, 9);
  Instr test = ins(O::JEQSK, 1, 2, 3, 11);
  Instr field = ins(O::JFPRESENT, 1, 13, 2, 3);
  Instr load = ins(O::LOADK, 1, 4);
  CHECK(jumpOperand(jmp) == &jmp.b);
  CHECK(jumpOperand(iter) == &iter.c);
  CHECK(jumpOperand(test) == &test.d);
  CHECK(jumpOperand(field) == &field.b);
  CHECK(jumpOperand(load) == nullptr);
}

TEST_CASE("opcodes.def's versions follow the .pplb version history", "[bytecode][instr_info]") {
  // The first opcode of each format version (pplb.h's history), written out by hand.
  struct First {
    Opcode op;
    uint16_t version;
  };
  const First firsts[] = {{O::NOP, 1},       {O::ISGOVERNED, 2}, {O::EXT, 3},
                          {O::CONTAINSK, 4}, {O::ITERNEXTG, 5},  {O::RETBOOLK, 6}};
  size_t next = 0;
  uint16_t version = 0;
  for (size_t i = 0; i < static_cast<size_t>(Opcode::kCount); ++i) {
    const auto op = static_cast<Opcode>(i);
    if (next < sizeof firsts / sizeof firsts[0] && firsts[next].op == op) version = firsts[next++].version;
    INFO(opcodeName(op));
    CHECK(opcodeInfo(op).version == version);
  }
  CHECK(next == sizeof firsts / sizeof firsts[0]);
  CHECK(opcodeInfo(static_cast<Opcode>(200)).version == 0);  // unknown: in no version
}
