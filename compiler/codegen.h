// Checked AST -> bytecode. Each policy gets its own chunks (a module's rules are compiled once
// per policy that uses them, with that policy's parameter values); defines and classes of lines
// are inlined where they are used, which terminates because definitions cannot be recursive.
#pragma once

#include "bytecode/bytecode.h"
#include "compiler/checked.h"
#include "compiler/diagnostics.h"

namespace ppl {

// Fills `out` (not yet linked). False with diagnostics when a limit is exceeded (registers,
// constants, code size).
bool generateProgram(const CheckedProgram& checked, const SourceManager& sources, Program& out, Diagnostics& diags);

}  // namespace ppl
