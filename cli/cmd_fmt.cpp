// `pplc fmt`: rewrite sources in the canonical layout (docs/formatting.md), or with --check
// list the files that are not in it.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>

#include <fmt/core.h>

#include "cli/commands.h"
#include "compiler/diagnostics.h"
#include "compiler/formatter.h"

namespace ppl::cli {

const char* const kFmtHelp =
    R"(Usage: pplc fmt [OPTIONS] FILE|DIR|-...

Formats PPL sources in the canonical layout (docs/formatting.md) and rewrites, in place, the
files that change. A directory stands for every .ppl file in it and its subdirectories (one
without any is an error); `-` reads standard input and writes the result to standard output. Only whitespace changes: a
file that does not parse is reported (`file:line:col: error: ...`) and left as it is.

Options:
  --check       write nothing; list the files that would change, one per line
  --stdout      write the formatted sources to standard output instead of the files
  -h, --help    show this help

Exit status: 0 done (with --check: every file already formatted), 1 a file does not parse
(or, with --check, would change; or a directory holds no .ppl file), 2 usage error, 3 internal error (the formatter's own
check failed: the file is left as it is).
)";

namespace {

namespace fs = std::filesystem;

// The files named: a file as given; a directory's .ppl files, recursively and sorted.
bool expand(const std::string& path, std::vector<std::string>& files) {
  std::error_code ec;
  if (path == "-" || !fs::is_directory(path, ec)) {
    files.push_back(path);
    return true;
  }
  std::vector<std::string> found;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".ppl") found.push_back(it->path().string());
  }
  if (ec) {
    inputError(path, ec.message());
    return false;
  }
  // As check, build and test refuse theirs: `fmt --check` on a misspelt or emptied directory
  // would otherwise pass a CI job having formatted nothing.
  if (found.empty()) {
    inputError(path, "no `.ppl` files in this directory or under it");
    return false;
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
  return true;
}

}  // namespace

int runFmt(const std::vector<std::string>& args) {
  bool check = false;
  bool toStdout = false;
  std::vector<std::string> paths;
  ArgScanner scan(args);
  while (scan.next()) {
    if (!scan.isOption()) {
      paths.push_back(scan.current());
    } else if (scan.current() == "--check") {
      check = true;
    } else if (scan.current() == "--stdout") {
      toStdout = true;
    } else {
      return usageError("fmt", fmt::format("unknown option `{}`", scan.current()));
    }
  }
  if (paths.empty()) return usageError("fmt", "missing FILE, DIR or - to format");
  if (check && toStdout) return usageError("fmt", "--check and --stdout do not go together");
  if (std::count(paths.begin(), paths.end(), "-") > 1) return usageError("fmt", "`-` may be given once");

  std::vector<std::string> files;
  bool bad = false;
  bool internal = false;  // a self-check of the formatter failed: exit 3, not 1
  for (const std::string& path : paths) {
    std::error_code ec;
    if (path != "-" && !fs::exists(path, ec)) {
      inputError(path, "no such file or directory");
      bad = true;
    } else if (!expand(path, files)) {
      bad = true;
    }
  }

  Output out;
  bool changed = false;
  std::set<std::string> seen;  // a file named twice (itself and in its directory) is done once
  for (const std::string& path : files) {
    std::error_code ec;
    const std::string key = path == "-" ? path : fs::weakly_canonical(path, ec).generic_string();
    if (!seen.insert(ec ? path : key).second) continue;
    std::string text, error;
    if (!readFile(path, text, error)) {
      out.flush();
      inputError(displayName(path), error);
      bad = true;
      continue;
    }
    SourceManager sources;
    Diagnostics diags;
    const uint32_t file = sources.add(displayName(path), text);
    std::string formatted;
    if (!formatSource(file, sources, formatted, diags)) {
      out.flush();
      std::fputs(renderDiagnostics(diags, sources).c_str(), stderr);
      bad = true;
      internal = internal || diags.hasInternalErrors();
      continue;
    }
    if (check) {
      if (formatted != text) {
        changed = true;
        out.write(displayName(path));
        out.write("\n");
        out.endRecord();
      }
    } else if (toStdout || path == "-") {
      out.write(formatted);
      out.endRecord();
    } else if (formatted != text && !writeFileAtomically(path, formatted, error)) {
      out.flush();
      inputError(path, error);
      bad = true;
    }
  }
  out.flush();
  if (out.failed()) return inputError("pplc fmt", "cannot write to standard output");
  if (internal) return kExitInternal;
  return bad || changed ? kExitBadInput : kExitOk;
}

}  // namespace ppl::cli
