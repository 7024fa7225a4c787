// An instruction spelled out in a test, operands in opcodes.def's order:
// ins(Opcode::FIELD, 1, 0, 4, 2) is FIELD R1, R0, S4, T2. Shared by the bytecode, VM and
// fusion-pass tests, which build chunks by hand.
#pragma once

#include <cstdint>

#include "bytecode/bytecode.h"

namespace ppl::test {

inline Instr ins(Opcode op, int a = 0, int b = 0, int c = 0, int d = 0) {
  Instr i;
  i.op = op;
  i.a = static_cast<uint8_t>(a);
  i.b = static_cast<uint16_t>(b);
  i.c = static_cast<uint16_t>(c);
  i.d = static_cast<uint16_t>(d);
  return i;
}

}  // namespace ppl::test
