// The disassembler: a compiled program as stable, human-readable text, for `pplc disasm` and for
// golden tests (a change in the text is a change in the compiler's output, to review).
#pragma once

#include <cstdint>
#include <string>

#include "bytecode/bytecode.h"

namespace ppl {

// The policies (id@version, lines of business, effective dates, their chunks, rules, outcomes
// and messages), the constant pools, then every chunk in order, one instruction a line with its
// operands decoded: `  3  FIELD      R1, R0, S2 (hcpcs), T2 (Line)`. The output depends only on
// the program. It never fails: an index out of range (an unverified program) prints as `?`.
std::string disassemble(const Program& p);

// One chunk: its header line `chunk 3 "rule C-DX" (registers 4)` and its instructions.
std::string disassembleChunk(const Program& p, uint32_t chunk);

}  // namespace ppl
