// Name resolution and type checking: annotates the AST in place (see ast.h, "Set by the
// checker") and assembles each policy from the modules it uses (checked.h).
#pragma once

#include "compiler/ast.h"
#include "compiler/checked.h"
#include "compiler/diagnostics.h"

namespace ppl {

// Hostile input is cut off with a diagnostic, as the parser cuts off deep nesting
// (ParseLimits), instead of exhausting the stack. The checker checks a constant or define where
// it is first used, so a chain of them, each in terms of the next, nests its check that deep:
constexpr int kMaxCheckedNesting = 250;  // an ASan build needs 4-6 MB of stack for 250
// Codegen writes defines and classes of lines out where they are used, in frames far smaller
// than the checker's: an expression with everything it uses written out nests at most this deep.
constexpr int kMaxInlinedNesting = 600;  // an ASan build needs 4-8 MB for 1000

// Lowers a schema unit (stdlib/claim.ppl) to Schema data. False on errors.
bool lowerSchema(const ast::Unit& unit, Schema& out, Diagnostics& diags);

// Checks `program.units` (modules' `use` already resolved to units, see UseDecl::unit) against
// `program.schema`, and fills `program.policies`. False on errors.
bool checkProgram(CheckedProgram& program, Diagnostics& diags);

}  // namespace ppl
