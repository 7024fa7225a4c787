// `pplc disasm`: print the bytecode of compiled policies as text.
#include <algorithm>
#include <fmt/core.h>

#include "bytecode/disasm.h"
#include "cli/commands.h"

namespace ppl::cli {

const char* const kDisasmHelp =
    R"(Usage: pplc disasm POLICY|DIR...|FILE.pplb

Prints the compiled form of policies: the policies and their rules, the chunks of bytecode
with their source positions, and the constant pools. Sources are compiled first; a .pplb
file is loaded and verified.

Options:
  -h, --help    show this help

Exit status: 0 printed, 1 bad policies or a bad .pplb file, 2 usage error, 3 internal error
(a bug in pplc).
)";

int runDisasm(const std::vector<std::string>& args) {
  std::vector<std::string> inputs;
  ArgScanner scan(args);
  while (scan.next()) {
    if (scan.isOption()) {
      return usageError("disasm", fmt::format("unknown option `{}`", scan.current()));
    }
    inputs.push_back(scan.current());
  }
  if (inputs.empty()) return usageError("disasm", "missing POLICY, DIR or FILE.pplb");
  if (namesStdin(inputs)) return usageError("disasm", "`-`: policies are read from files, not standard input");
  if (inputs.size() > 1 && std::any_of(inputs.begin(), inputs.end(), isBytecodePath)) {
    return usageError("disasm", "a `.pplb` file must be the only input");
  }

  Program program;
  if (int rc = loadProgram(inputs, program); rc != kExitOk) return rc;
  Output out;
  out.write(disassemble(program));
  out.flush();
  return out.failed() ? inputError("pplc disasm", "cannot write the output") : kExitOk;
}

}  // namespace ppl::cli
