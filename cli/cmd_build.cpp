// `pplc build`: compile policies and write them as one .pplb file.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/core.h>

#include "bytecode/pplb.h"
#include "cli/commands.h"

namespace ppl::cli {

const char* const kBuildHelp =
    R"(Usage: pplc build POLICY|DIR... -o FILE.pplb

Compiles policies (a directory stands for every policy in it, with the modules they use) and
writes the compiled pack to FILE.pplb, for `pplc eval` or an embedding engine to load.
Diagnostics go to stderr.

Options:
  -o, --output FILE   where to write the compiled pack (required)
  -h, --help          show this help

Exit status: 0 written, 1 the policies have errors (or FILE cannot be written), 2 usage error.
)";

namespace {

// Writes through a temporary file and a rename, so that FILE is never left half written.
bool writeFileAtomically(const std::string& path, const std::string& bytes, std::string& error) {
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    error = std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  int savedErrno = errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    savedErrno = errno;
  }
  if (ok && std::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    savedErrno = errno;
  }
  if (!ok) {
    std::remove(tmp.c_str());
    error = std::strerror(savedErrno);
  }
  return ok;
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
      if (!scan.value(output) || output.empty()) return usageError("build", "`-o` needs a FILE");
    } else {
      return usageError("build", fmt::format("unknown option `{}`", scan.current()));
    }
  }
  if (inputs.empty()) return usageError("build", "missing POLICY or DIR to compile");
  if (output.empty()) return usageError("build", "missing `-o FILE.pplb`");
  for (const std::string& input : inputs) {
    if (isBytecodePath(input)) {
      return usageError("build", fmt::format("`{}` is already compiled: give policy sources", input));
    }
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
