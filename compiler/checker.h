// Name resolution and type checking: annotates the AST in place (see ast.h, "Set by the
// checker") and assembles each policy from the modules it uses (checked.h).
#pragma once

#include "compiler/ast.h"
#include "compiler/checked.h"
#include "compiler/diagnostics.h"

namespace ppl {

// How deep the checker follows an expression, counting the constants, defines and classes of
// lines it uses as written out where they are used (codegen inlines defines and classes): a
// chain of thousands of declarations is cut off with a diagnostic, as the parser cuts off
// deep nesting (ParseLimits), instead of exhausting the stack here or in codegen.
constexpr int kMaxCheckedNesting = 1000;

// Lowers a schema unit (stdlib/claim.ppl) to Schema data. False on errors.
bool lowerSchema(const ast::Unit& unit, Schema& out, Diagnostics& diags);

// Checks `program.units` (modules' `use` already resolved to units, see UseDecl::unit) against
// `program.schema`, and fills `program.policies`. False on errors.
bool checkProgram(CheckedProgram& program, Diagnostics& diags);

}  // namespace ppl
