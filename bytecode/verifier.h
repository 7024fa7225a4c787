// The bytecode verifier: the gate every Program passes before the VM runs it, compiled or loaded.
//
// The VM checks no operand at run time (vm/vm.cpp lists what it relies on), and a .pplb file
// may come from anywhere, so this is where memory safety and termination are established:
//  - the schema is well formed: field slots are a permutation of 1..n, every record, enum and
//    sibling index exists, and records do not contain themselves (so the claim loader ends);
//  - every operand is in range: known opcodes, unused operands 0, registers below the chunk's
//    registerCount (<= kMaxRegisters), constants, sets, builtins (with their argument count),
//    records and their field slots, outcomes and adjustments of the rule that owns the chunk;
//  - jumps go forward, except LOOP, which goes back to the ITERNEXT (or ITERNEXTG) heading its
//    loop; loops nest, and nothing inside a loop writes its iterator, so each pass advances the
//    iterator over a finite list and every chunk ends, in time polynomial in the facts: its degree is
//    the loops' nesting depth (a loop over the lines inside another is quadratic), which is why
//    the VM also stops a decision that visits more list elements than its budget
//    (Evaluator::kMaxElementVisits);
//  - a typed dataflow over registers (like the JVM's) shows that every register is written
//    before it is read and holds the kind its reader needs: no string is ever read from an
//    integer. An absent value (LOADABSENT) is accepted by every reader, because absent values
//    carry a zeroed payload and the VM propagates them;
//  - every chunk has exactly one role: a predicate (a policy's governed chunk or a class chunk)
//    ends in RETBOOL or RETBOOLK; a rule chunk ends in FAIL, PASS or SKIP, whose operands match
//    the rule's outcomes and messages; no path falls off the end of a chunk;
//  - messages name arguments below their argCount (<= kMaxMessageArgs), with renderable kinds.
#pragma once

#include <string>

#include "bytecode/bytecode.h"

namespace ppl {

// True when `p` (already link()ed) is safe to run; otherwise false with one message naming the
// chunk and instruction: `chunk 3 "rule C-DX", instruction 12 (EQS): R2 holds an integer-like
// value, but EQS needs a string`.
bool verifyProgram(const Program& p, std::string& error);

}  // namespace ppl
