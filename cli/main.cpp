// pplc: check, build, evaluate, disassemble and test PPL payment policies.
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "cli/commands.h"

#ifndef PPL_VERSION
#define PPL_VERSION "unknown"
#endif

namespace ppl::cli {
namespace {

const char* const kMainHelp =
    R"(pplc: the PPL payment policy toolchain

Usage: pplc COMMAND [OPTIONS] ARGS...

Commands:
  check    check policy and module sources, report diagnostics
  fmt      rewrite sources in the canonical layout
  build    compile policies into a .pplb file
  eval     decide claims against policies (sources or a .pplb file)
  disasm   print the bytecode of compiled policies
  test     run policy test files (`*.test.json`): diffs, JUnit, coverage
  help     show help for a command: `pplc help eval`

Options:
  -h, --help     show this help
  --version      show pplc's version

Exit status: 0 done (a claim decided, whatever the decision), 1 bad input (a policy, claim
or .pplb file; the message says what and where), 2 usage error, 3 internal error (a bug in
pplc: please report it with the input).
)";

struct Command {
  std::string_view name;
  int (*run)(const std::vector<std::string>&);
  const char* const* help;
};

const Command kCommands[] = {
    {"check", runCheck, &kCheckHelp},
    {"fmt", runFmt, &kFmtHelp},
    {"build", runBuild, &kBuildHelp},
    {"eval", runEval, &kEvalHelp},
    {"disasm", runDisasm, &kDisasmHelp},
    {"test", runTest, &kTestHelp},
};

const Command* findCommand(std::string_view name) {
  for (const Command& c : kCommands) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// Prints `text` on stdout; a help text lost to a full disk is an error, not a silent exit 0.
int printText(std::string_view text) {
  const bool written = std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
  if (std::fflush(stdout) != 0 || !written) return inputError("pplc", "cannot write the output");
  return kExitOk;
}

int help(const std::vector<std::string>& args) {
  if (args.empty()) return printText(kMainHelp);
  if (args.size() > 1) return usageError("help", "expected one command name");
  if (args[0] == "help" || args[0] == "-h" || args[0] == "--help") return printText(kMainHelp);  // `pplc help --help`
  const Command* c = findCommand(args[0]);
  if (c == nullptr) return usageError("help", fmt::format("unknown command `{}`", args[0]));
  return printText(*c->help);
}

int run(int argc, char** argv) {
  if (argc < 2) return usageError("", "missing command");
  std::string_view first = argv[1];
  std::vector<std::string> rest(argv + 2, argv + argc);
  if (first == "-h" || first == "--help") return help({});
  if (first == "--version") return printText(fmt::format("pplc {}\n", PPL_VERSION));
  if (first == "help") return help(rest);
  if (!first.empty() && first[0] == '-') {
    return usageError("", fmt::format("unknown option `{}`", first));
  }
  const Command* c = findCommand(first);
  if (c == nullptr) return usageError("", fmt::format("unknown command `{}`", first));
  for (const std::string& arg : rest) {
    if (arg == "--") break;
    if (arg == "-h" || arg == "--help") return printText(*c->help);
  }
  return c->run(rest);
}

}  // namespace
}  // namespace ppl::cli

int main(int argc, char** argv) {
  // The last line of defence: an input so large that memory runs out is reported as bad input
  // (the limits on policy and claim sizes are meant to keep this from happening).
  try {
    return ppl::cli::run(argc, argv);
  } catch (const std::bad_alloc&) {
    std::fflush(stdout);
    std::fputs("pplc: out of memory\n", stderr);
    return ppl::cli::kExitBadInput;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "pplc: internal error: %s\n", e.what());
    return ppl::cli::kExitInternal;
  } catch (...) {
    std::fflush(stdout);
    std::fputs("pplc: internal error: an unknown exception\n", stderr);
    return ppl::cli::kExitInternal;
  }
}
