// The peephole optimizer: the passes over a chunk's bytecode that codegen runs once the chunk is
// complete. Each keeps what the chunk means; those that drop a register write rest on liveness
// (a register is dead where no path reads it before something writes it again). In order:
//  1. threadJumps: a jump to a JMP goes where that JMP goes; a conditional jump to one on the
//     same register goes where that one would; a JMP to PASS, SKIP or RETBOOLK becomes it.
//  2. startLoopsFromFields: an ITERINIT of a list that one field read alone writes starts from
//     the field (ITERFIELD / ITERROOTFIELD), and the read goes if nothing else reads it.
//  3. fuseTriples, after sinkFields has moved each FIELD down to its test: FIELD + a test +
//     JMPIF/JMPIFNOT becomes a two-word field test (JFEQSK ... JFCONTAINSK); a test + a branch
//     on it, its test-and-branch form (JPRESENT ... JLED); a list field read + ITERINIT, the
//     loop-starting read; each where the registers it no longer writes are dead. Drops NOPs.
//  4. startLoopsFromClaimRecords: an ITERFIELD of a record only ROOTFIELDs of one field write
//     becomes ITERROOTPATH.
//  5. nameConstantOperands: a LOADK read only as V operands (comparisons, arithmetic) is named
//     in them instead (format 6), and goes.
//  6. fuseTriples again when 4 or 5 changed anything: fuses what they exposed, drops their NOPs.
//  7. readLineFields: a FIELD of the register only LINE writes becomes LINEFIELD.
// After it, codegen puts a rule's date load second (Generator::insertDateLoad; see Chunk in
// bytecode/bytecode.h for why every rule has one).
#pragma once

#include "bytecode/bytecode.h"

namespace ppl {

// Rewrites `chunk`'s code in place by the passes above: jump targets are renumbered, and each
// extension word gets its instruction's source position. Jumps still go forward but LOOP's, and
// LOOP and ITERNEXT keep the targets the verifier pins.
void optimizeChunk(Chunk& chunk);

}  // namespace ppl
