// The compiler's front door: source files in, a linked and verified Program (or diagnostics) out.
#pragma once

#include <string>
#include <vector>

#include "bytecode/bytecode.h"
#include "compiler/diagnostics.h"

namespace ppl {

struct CheckedProgram;

// Compiles every policy among `paths` (policy files, or directories: every `.ppl` file at
// their top level that starts with `policy`; each `.ppl` file below, or named `X.PPL`, is a
// warning `unread-file`), with the modules they `use` (found as NAME.ppl beside the
// file that uses them) and the claim schema built into the compiler (stdlib/claim.ppl).
// On success `program` is linked and verified. Diagnostics (errors and warnings) go to `diags`;
// `sources` receives every file read, for rendering them.
bool compilePolicies(const std::vector<std::string>& paths, Program& program, Diagnostics& diags,
                     SourceManager& sources);

// Checks every file among `paths` (policies and modules; directories: every `.ppl` at their
// top level, with the same warnings as compilePolicies)
// without producing a program. True when there are no errors.
bool checkFiles(const std::vector<std::string>& paths, Diagnostics& diags, SourceManager& sources);

// The stages separately, for tests and the reference evaluator: parse and check the policies
// among `paths` (as compilePolicies does), then generate, link and verify their program.
bool compileChecked(const std::vector<std::string>& paths, CheckedProgram& checked, Diagnostics& diags,
                    SourceManager& sources);
bool generateLinked(const CheckedProgram& checked, const SourceManager& sources, Program& program, Diagnostics& diags);

// The claim schema built into the compiler (stdlib/claim.ppl), lowered.
bool builtinSchema(Schema& out, Diagnostics& diags, SourceManager& sources);

}  // namespace ppl
