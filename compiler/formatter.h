// `pplc fmt`: a source file in the canonical layout (docs/formatting.md). The formatter moves
// only whitespace: the tokens and comments come out in the order they went in, which it checks
// before it returns anything.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/diagnostics.h"

namespace ppl {

// Formats file `file` of `sources` into `out`. A file that does not parse is not formatted:
// its errors go to `diags` (as `pplc check` reports them) and the result is false. False as
// well, with an "internal error" diagnostic, if the layout would change anything but whitespace.
// The result is stable: formatting `out` again gives `out`.
bool formatSource(uint32_t file, const SourceManager& sources, std::string& out, Diagnostics& diags);

}  // namespace ppl
