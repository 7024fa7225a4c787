// The last step of code generation for a chunk: FIELD + a test + JMPIF/JMPIFNOT becomes one
// two-word field test (JFEQSK ... JFCONTAINS, bytecode/opcodes.def) wherever the three form one
// straight-line piece and neither the field's register nor the test's is read afterwards. A
// FIELD loaded ahead of its test is first moved down to it where that changes nothing. Likewise
// a test of registers + JMPIF/JMPIFNOT on its result becomes one test-and-branch word (JPRESENT
// ... JLED) where the result is not read afterwards, and FIELD / ROOTFIELD of a list + the
// ITERINIT of a loop over it becomes ITERFIELD / ITERROOTFIELD where the list's register is not
// read afterwards. Last, a constant that a LOADK puts in a register only for comparisons and
// arithmetic to read is named in their operands instead (format 6), and the LOADK goes.
#pragma once

#include "bytecode/bytecode.h"

namespace ppl {

// Rewrites `chunk`'s code in place: fused triples take two words, jump targets are renumbered,
// and each extension word gets its instruction's source position. The chunk means what it
// meant: the fused instructions write no register but the iterator, so only dead writes
// disappear.
void fuseFieldTests(Chunk& chunk);

}  // namespace ppl
