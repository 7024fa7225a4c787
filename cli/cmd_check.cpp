// `pplc check`: parse and type-check policy and module sources, report every diagnostic.
#include <cstdio>
#include <filesystem>
#include <system_error>

#include <fmt/core.h>

#include "cli/commands.h"
#include "compiler/compiler.h"
#include "compiler/diagnostics.h"

namespace ppl::cli {

const char* const kCheckHelp =
    R"(Usage: pplc check [OPTIONS] FILE|DIR...

Checks PPL sources (policies and the modules they use): types, lints, and what compiling
them would find, without writing anything. A directory stands for every .ppl file in it. Diagnostics go to stderr as `file:line:col: error: ...`
with the source line and a caret.

Options:
  --werror      treat warnings as errors
  -h, --help    show this help

Exit status: 0 no errors, 1 errors found (or warnings, with --werror, or diagnostics that
could not be written), 2 usage error, 3 internal error (a bug in pplc).
)";

namespace {

std::string plural(size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

}  // namespace

int runCheck(const std::vector<std::string>& args) {
  bool werror = false;
  std::vector<std::string> paths;
  ArgScanner scan(args);
  while (scan.next()) {
    if (!scan.isOption()) {
      paths.push_back(scan.current());
    } else if (scan.current() == "--werror") {
      werror = true;
    } else {
      return usageError("check", fmt::format("unknown option `{}`", scan.current()));
    }
  }
  if (paths.empty()) return usageError("check", "missing FILE or DIR to check");
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return inputError(path, "no such file or directory");
  }

  Diagnostics found;
  SourceManager sources;
  bool ok = checkFiles(paths, found, sources);

  // With --werror a warning is reported, and counted, as an error.
  Diagnostics diags;
  size_t errors = 0;
  size_t warnings = 0;
  for (Diagnostic d : found.items()) {
    if (d.severity == Severity::kWarning && werror) d.severity = Severity::kError;
    if (d.severity == Severity::kError) ++errors;
    if (d.severity == Severity::kWarning) ++warnings;
    diags.add(std::move(d));
  }
  if (!diags.items().empty()) {
    std::fputs(renderDiagnostics(diags, sources).c_str(), stderr);
  }
  if (errors > 0 || warnings > 0) {
    printError(fmt::format("pplc check: {}, {}\n", plural(errors, "error"), plural(warnings, "warning")));
  }
  if (!ok && errors == 0) {
    printError("pplc check: the sources did not check\n");
    return kExitBadInput;
  }
  // Warnings nobody could read (stderr on a full disk, or closed) must not pass as a clean check.
  if (std::ferror(stderr)) return kExitBadInput;
  if (found.hasInternalErrors()) return kExitInternal;
  return errors > 0 ? kExitBadInput : kExitOk;
}

}  // namespace ppl::cli
