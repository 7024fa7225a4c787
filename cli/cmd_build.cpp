// `pplc build`: compile policies and write them as one .pplb file.
#include <cstdio>
#include <filesystem>

#include <fmt/core.h>

#include "bytecode/pplb.h"
#include "cli/commands.h"

namespace ppl::cli {

namespace fs = std::filesystem;

const char* const kBuildHelp =
    R"(Usage: pplc build POLICY|DIR... -o FILE.pplb

Compiles policies (a directory stands for every policy at its top level, with the modules
they use, found beside them) and writes the compiled pack to FILE.pplb, for `pplc eval` or an
embedding engine to load. Diagnostics go to stderr, among them a warning for each .ppl file in
a subdirectory (or named X.PPL), which is not compiled. The pack names each source by its path
relative to the current directory when the file is under it (else as given), normalised: the
same sources build the same bytes from `policies`, `./policies` or `$PWD/policies`.

Options:
  -o, --output FILE   where to write the compiled pack (required)
  -h, --help          show this help

Exit status: 0 written, 1 the policies have errors (or FILE cannot be written), 2 usage error,
3 internal error (a bug in pplc).
)";

namespace {

// True when writing `output` would overwrite a source being compiled: a `.ppl` file (what a
// directory input stands for), or one of the files named.
bool overwritesSource(const std::string& output, const std::vector<std::string>& inputs) {
  if (fs::path(output).extension() == ".ppl") return true;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (fs::equivalent(output, input, ec) && !ec) return true;
  }
  return false;
}

}  // namespace

int runBuild(const std::vector<std::string>& args) {
  std::vector<std::string> inputs;
  std::string output;
  ArgScanner scan(args);
  while (scan.next()) {
    if (!scan.isOption()) {
      inputs.push_back(scan.current());
    } else if (scan.is("-o") || scan.is("--output")) {
      if (!output.empty()) return usageError("build", "`-o` is given twice");
      if (!scan.value(output) || output.empty()) return usageError("build", "`-o` needs a FILE");
      if (output == "-") return usageError("build", "`-o -`: the pack is binary; write it to a FILE.pplb");
    } else {
      return usageError("build", fmt::format("unknown option `{}`", scan.current()));
    }
  }
  if (inputs.empty()) return usageError("build", "missing POLICY or DIR to compile");
  if (namesStdin(inputs)) return usageError("build", "`-`: policies are read from files, not standard input");
  if (output.empty()) return usageError("build", "missing `-o FILE.pplb`");
  for (const std::string& input : inputs) {
    if (isBytecodePath(input)) {
      return usageError("build", fmt::format("`{}` is already compiled: give policy sources", input));
    }
  }

  if (overwritesSource(output, inputs)) {
    return usageError("build", fmt::format("`{}` would overwrite a policy source: write the pack to a .pplb file", output));
  }

  Program program;
  if (int rc = loadProgram(inputs, program); rc != kExitOk) return rc;
  std::string bytes;
  if (!writePplb(program, bytes)) {
    return inputError(output, "cannot encode the compiled policies as a .pplb file");
  }
  std::string error;
  if (!writeFileAtomically(output, bytes, error)) {
    return inputError(output, fmt::format("cannot write: {}", error));
  }
  return kExitOk;
}

}  // namespace ppl::cli
