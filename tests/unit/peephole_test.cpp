// The peephole optimizer (compiler/peephole.cpp) on hand-written chunks: loops started from the list
// field they iterate, and what the pass must leave alone. The goldens show it on policies.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <fmt/core.h>

#include "compiler/peephole.h"
#include "tests/unit/instr_builder.h"

using namespace ppl;

namespace {

using O = Opcode;

using ppl::test::ins;

// "ITERNEXT 2 3 4 0": compared as text, so that a failure shows both instructions.
std::string text(const Instr& i) {
  return fmt::format("{} {} {} {} {}", opcodeName(i.op), i.a, i.b, i.c, i.d);
}

Chunk chunkOf(std::vector<Instr> code) {
  Chunk chunk;
  chunk.name = "rule T";
  chunk.registerCount = 8;
  chunk.code = std::move(code);
  return chunk;
}

void checkCode(const Chunk& chunk, const std::vector<Instr>& expected) {
  REQUIRE(chunk.code.size() == expected.size());
  for (size_t pc = 0; pc < expected.size(); ++pc) {
    INFO("instruction " << pc);
    CHECK(text(chunk.code[pc]) == text(expected[pc]));
  }
}

constexpr uint16_t kClaim = 0, kHistory = 7;
constexpr uint16_t kLinesSlot = 8, kAuthorizationsSlot = 9, kHistorySlot = 10, kEvidenceSlot = 4;

}  // namespace

TEST_CASE("fusion: two loops over a list read once start from the field, and the read goes", "[fusion]") {
  Chunk chunk = chunkOf({
      ins(O::ROOTFIELD, 1, 0, kLinesSlot, kClaim),  // 0  R1 := claim.lines, for both loops
      ins(O::ITERINIT, 2, 1),                       // 1
      ins(O::ITERNEXT, 2, 3, 4),                    // 2
      ins(O::LOOP, 0, 2),                           // 3
      ins(O::ITERINIT, 2, 1),                       // 4
      ins(O::ITERNEXT, 2, 3, 7),                    // 5
      ins(O::LOOP, 0, 5),                           // 6
      ins(O::PASS),                                 // 7
  });
  optimizeChunk(chunk);
  checkCode(chunk, {
                       ins(O::ITERROOTFIELD, 2, 0, kLinesSlot, kClaim),
                       ins(O::ITERNEXT, 2, 3, 3),
                       ins(O::LOOP, 0, 1),
                       ins(O::ITERROOTFIELD, 2, 0, kLinesSlot, kClaim),
                       ins(O::ITERNEXT, 2, 3, 6),
                       ins(O::LOOP, 0, 4),
                       ins(O::PASS),
                   });
}

TEST_CASE("fusion: two loops over a field of a record the claim holds start from the claim's field", "[fusion]") {
  Chunk chunk = chunkOf({
      ins(O::ROOTFIELD, 1, 0, kHistorySlot, kClaim),        // 0  R1 := claim.history
      ins(O::FIELD, 2, 1, kEvidenceSlot, kHistory),         // 1  R2 := R1.evidence, for both loops
      ins(O::ITERINIT, 3, 2),                               // 2
      ins(O::ITERNEXT, 3, 4, 5),                            // 3
      ins(O::LOOP, 0, 3),                                   // 4
      ins(O::ITERINIT, 3, 2),                               // 5
      ins(O::ITERNEXT, 3, 4, 8),                            // 6
      ins(O::LOOP, 0, 6),                                   // 7
      ins(O::PASS),                                         // 8
  });
  optimizeChunk(chunk);
  checkCode(chunk, {
                       ins(O::ITERROOTPATH, 3, kHistorySlot, kEvidenceSlot, kHistory),
                       ins(O::ITERNEXT, 3, 4, 3),
                       ins(O::LOOP, 0, 1),
                       ins(O::ITERROOTPATH, 3, kHistorySlot, kEvidenceSlot, kHistory),
                       ins(O::ITERNEXT, 3, 4, 6),
                       ins(O::LOOP, 0, 4),
                       ins(O::PASS),
                   });
}

// `history` read into the register of the iterator over one of its lists (C-STEROID): the
// register's other writers are iterators, so the loop still starts from the claim's field.
TEST_CASE("fusion: a record read into its loop's iterator register starts the loop from the claim's field",
          "[fusion]") {
  Chunk chunk = chunkOf({
      ins(O::ROOTFIELD, 1, 0, kHistorySlot, kClaim),  // 0  R1 := claim.history
      ins(O::FIELD, 1, 1, kEvidenceSlot, kHistory),   // 1  R1 := R1.evidence
      ins(O::ITERINIT, 1, 1),                         // 2  R1 := an iterator over it
      ins(O::ITERNEXT, 1, 2, 5),                      // 3
      ins(O::LOOP, 0, 3),                             // 4
      ins(O::PASS),                                   // 5
  });
  optimizeChunk(chunk);
  checkCode(chunk, {
                       ins(O::ITERROOTPATH, 1, kHistorySlot, kEvidenceSlot, kHistory),
                       ins(O::ITERNEXT, 1, 2, 3),
                       ins(O::LOOP, 0, 1),
                       ins(O::PASS),
                   });
}

// R1 holds the lines for two loops, then the authorizations for a third: only the read right
// before the third loop fuses with it; the first two loops keep reading R1.
TEST_CASE("fusion: a list register written twice is not read from either field", "[fusion]") {
  Chunk chunk = chunkOf({
      ins(O::ROOTFIELD, 1, 0, kLinesSlot, kClaim),           // 0
      ins(O::ITERINIT, 2, 1),                                // 1
      ins(O::ITERNEXT, 2, 3, 4),                             // 2
      ins(O::LOOP, 0, 2),                                    // 3
      ins(O::ITERINIT, 2, 1),                                // 4
      ins(O::ITERNEXT, 2, 3, 7),                             // 5
      ins(O::LOOP, 0, 5),                                    // 6
      ins(O::ROOTFIELD, 1, 0, kAuthorizationsSlot, kClaim),  // 7
      ins(O::ITERINIT, 2, 1),                                // 8
      ins(O::ITERNEXT, 2, 3, 11),                            // 9
      ins(O::LOOP, 0, 9),                                    // 10
      ins(O::PASS),                                          // 11
  });
  optimizeChunk(chunk);
  checkCode(chunk, {
                       ins(O::ROOTFIELD, 1, 0, kLinesSlot, kClaim),
                       ins(O::ITERINIT, 2, 1),
                       ins(O::ITERNEXT, 2, 3, 4),
                       ins(O::LOOP, 0, 2),
                       ins(O::ITERINIT, 2, 1),
                       ins(O::ITERNEXT, 2, 3, 7),
                       ins(O::LOOP, 0, 5),
                       ins(O::ITERROOTFIELD, 2, 0, kAuthorizationsSlot, kClaim),
                       ins(O::ITERNEXT, 2, 3, 10),
                       ins(O::LOOP, 0, 8),
                       ins(O::PASS),
                   });
}

// The list register is read again after the loop (a MOVE): the read stays, and the ITERINIT
// next to it does not fuse with it. (The record register has two writers, so the loop is not
// started from the field either.)
TEST_CASE("fusion: a list read again after its loop keeps its register", "[fusion]") {
  Chunk chunk = chunkOf({
      ins(O::LOADABSENT, 1),                         // 0
      ins(O::ROOT, 1),                               // 1
      ins(O::FIELD, 2, 1, kLinesSlot, kClaim),       // 2
      ins(O::ITERINIT, 3, 2),                        // 3
      ins(O::ITERNEXT, 3, 4, 6),                     // 4
      ins(O::LOOP, 0, 4),                            // 5
      ins(O::MOVE, 5, 2),                            // 6
      ins(O::PASS),                                  // 7
  });
  const std::vector<Instr> before = chunk.code;
  optimizeChunk(chunk);
  checkCode(chunk, before);
}
