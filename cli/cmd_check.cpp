// `pplc check`: parse and type-check policy and module sources, report every diagnostic.
#include <algorithm>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include <fmt/core.h>
#include <fmt/format.h>

#include "bytecode/bytecode.h"
#include "cli/commands.h"
#include "compiler/compiler.h"
#include "compiler/diagnostics.h"
#include "runtime/date.h"
#include "runtime/decision.h"

namespace ppl::cli {

const char* const kCheckHelp =
    R"(Usage: pplc check [OPTIONS] FILE|DIR...

Checks PPL sources (policies and the modules they use): types, lints, and what compiling
them would find, without writing anything. A directory stands for the .ppl files at its top
level (modules are found beside the file that uses them): a .ppl file in a subdirectory, or
one named X.PPL, is not read, and a warning says so. Diagnostics go to stderr as
`file:line:col: error: ...` with the source line and a caret.

Options:
  --werror      treat warnings as errors
  --rules       when the policies check, list each one's rules on stdout, in the order
                their reasons are given: id, outcomes (`?` for a group the rule computes),
                where it is written, title. A rule lost with a `use`, or switched off by a
                parameter, is not listed.
  -h, --help    show this help

Exit status: 0 no errors, 1 errors found (or warnings, with --werror, or diagnostics that
could not be written), 2 usage error, 3 internal error (a bug in pplc).
)";

namespace {

std::string plural(size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// `deny CO-197 M62`, one for each outcome the rule can give, as a remittance reads them; a
// group the rule computes from the claim (PR with an ABN) shows as `?`.
std::string outcomesText(const RuleInfo& rule) {
  std::vector<std::string> seen;  // clauses that share an outcome (MB-340B's three) list it once
  for (const Outcome& o : rule.outcomes) {
    std::string text = actionName(o.action);
    if (!o.carc.empty()) {
      text += fmt::format(" {}-{}", o.groupComputed ? "?" : groupName(o.group), o.carc);
      for (const std::string& rarc : o.rarcs) text += " " + rarc;
    }
    if (std::find(seen.begin(), seen.end(), text) == seen.end()) seen.push_back(std::move(text));
  }
  return fmt::format("{}", fmt::join(seen, "; "));
}

// What each policy decides with, for an analyst to compare with what they meant to write:
// a rule lost with a `use` shows here as missing, where no diagnostic can say so.
std::string rulesText(const Program& program) {
  std::string out;
  for (const PolicyInfo& policy : program.policies) {
    std::string lob;
    for (const std::string& l : policy.linesOfBusiness) lob += (lob.empty() ? "" : ", ") + l;
    out += fmt::format("{}@{}{}{} (line of business: {}", policy.id, policy.version, policy.title.empty() ? "" : ": ",
                       policy.title, lob);
    if (policy.effectiveFrom != INT32_MIN) out += fmt::format("; from {}", formatDate(policy.effectiveFrom));
    if (policy.effectiveThrough != INT32_MAX) out += fmt::format("; through {}", formatDate(policy.effectiveThrough));
    out += fmt::format("), {}\n", plural(policy.rules.size(), "rule"));
    size_t idWidth = 0;
    size_t outcomeWidth = 0;
    size_t whereWidth = 0;
    std::vector<std::string> outcomes, wheres;
    for (const RuleInfo& rule : policy.rules) {
      outcomes.push_back(outcomesText(rule));
      const std::string file = rule.pos.file < program.files.size() ? program.files[rule.pos.file] : "?";
      wheres.push_back(fmt::format("{}:{}", file, rule.pos.line));
      idWidth = std::max(idWidth, rule.id.size());
      outcomeWidth = std::max(outcomeWidth, outcomes.back().size());
      whereWidth = std::max(whereWidth, wheres.back().size());
    }
    for (size_t r = 0; r < policy.rules.size(); ++r) {
      out += fmt::format("  {:<{}}  {:<{}}  {:<{}}  {}\n", policy.rules[r].id, idWidth, outcomes[r], outcomeWidth,
                         wheres[r], whereWidth, policy.rules[r].title);
    }
  }
  return out;
}

}  // namespace

int runCheck(const std::vector<std::string>& args) {
  bool werror = false;
  bool listRules = false;
  std::vector<std::string> paths;
  ArgScanner scan(args);
  while (scan.next()) {
    if (!scan.isOption()) {
      paths.push_back(scan.current());
    } else if (scan.current() == "--werror") {
      werror = true;
    } else if (scan.current() == "--rules") {
      listRules = true;
    } else {
      return usageError("check", fmt::format("unknown option `{}`", scan.current()));
    }
  }
  if (paths.empty()) return usageError("check", "missing FILE or DIR to check");
  if (namesStdin(paths)) return usageError("check", "`-`: sources are read from files, not standard input");
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
  if (errors > 0) return kExitBadInput;
  if (listRules) {
    // The policies compiled as `build` would: their rules as the program holds them.
    Program program;
    Diagnostics compiled;
    SourceManager compiledSources;
    if (!compilePolicies(paths, program, compiled, compiledSources)) {
      std::fputs(renderDiagnostics(compiled, compiledSources).c_str(), stderr);
      return compiled.hasInternalErrors() ? kExitInternal : kExitBadInput;
    }
    std::fputs(rulesText(program).c_str(), stdout);
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) return inputError("pplc check", "cannot write the rules to stdout");
  }
  return kExitOk;
}

}  // namespace ppl::cli
