// Lints for `pplc check`: warnings about policies that check but are probably wrong (unused
// declarations, constant conditions, missing messages, codes missing from or deactivated in the
// reference lists of stdlib/codes/). docs/lints.md lists them.
#pragma once

#include "compiler/checked.h"
#include "compiler/diagnostics.h"

namespace ppl {

void lintProgram(const CheckedProgram& program, Diagnostics& diags);

}  // namespace ppl
