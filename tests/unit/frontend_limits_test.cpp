// The front end on runaway and self-referring input: each case ends in a diagnostic at the
// place, in work that grows with the input, never in a crash, a hang or a flood of messages.
// Sizes are modest and nothing is timed: a count of diagnostics shows the growth is gone.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include <unistd.h>

#include <fmt/format.h>

#include "compiler/checker.h"
#include "compiler/compiler.h"
#include "compiler/parser.h"

namespace fs = std::filesystem;
using namespace ppl;

namespace {

struct Checked {
  bool ok = false;
  std::string diagnostics;  // rendered, paths relative to the directory
  size_t errors = 0;        // errors reported, kept or dropped
};

// Writes the files into a fresh directory and runs `pplc check` on it: every file checked,
// policies and modules, through code generation.
Checked checkDir(const std::map<std::string, std::string>& files) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() / ("ppl-limits-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::create_directories(dir);
  for (const auto& [name, text] : files) std::ofstream(dir / name) << text;
  Checked c;
  SourceManager sources;
  Diagnostics diags;
  fs::path cwd = fs::current_path();
  fs::current_path(dir);
  c.ok = checkFiles({"."}, diags, sources);
  fs::current_path(cwd);
  c.diagnostics = renderDiagnostics(diags, sources);
  c.errors = diags.errorCount();
  fs::remove_all(dir);
  return c;
}

const char* kHeader =
    "policy p version \"1\"\n"
    "  line of business \"commercial\"\n";

std::string policy(const std::string& governs, const std::string& rest) {
  return std::string(kHeader) + "  governs lines where " + governs + "\n" + rest +
         "rule R \"r\"\n  applies to governed\n  require line.units > 0 else deny CO 50\n";
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("a governs condition that tests `is governed` is a cycle, reported where it closes", "[checker][limits]") {
  SECTION("directly") {
    Checked c = checkDir({{"p.ppl", policy("line is governed", "")}});
    CHECK_FALSE(c.ok);
    CHECK(c.diagnostics.find("./p.ppl:3:23: error: the `governs` condition of policy `p` tests `is governed`, which is that condition itself") !=
          std::string::npos);
  }
  SECTION("through a class") {
    Checked c = checkDir({{"p.ppl", policy("line is a", "lines a: line.units > 1 and line is governed\n")}});
    CHECK_FALSE(c.ok);
    CHECK(c.diagnostics.find("./p.ppl:4:29: error: the `governs` condition of policy `p` tests `is governed` through `a`, which is") !=
          std::string::npos);
  }
  SECTION("through a define and a class in a module") {
    Checked c = checkDir({{"p.ppl", policy("is_gov", "use m\n")},
                          {"m.ppl", "module m\nlines a: line is governed\ndefine is_gov = line is a\n"}});
    CHECK_FALSE(c.ok);
    CHECK(c.diagnostics.find("./m.ppl:2:10: error: the `governs` condition of policy `p` tests `is governed` through `is_gov` -> `a`") !=
          std::string::npos);
  }
  SECTION("another line's, in a quantifier") {
    Checked c = checkDir({{"p.ppl", policy("any l in lines where l is governed", "")}});
    CHECK_FALSE(c.ok);
    CHECK(c.diagnostics.find("tests `is governed`, which is that condition itself") != std::string::npos);
  }
  SECTION("outside `governs`, a class may test it") {
    Checked c = checkDir({{"p.ppl", policy("line.hcpcs = \"J9027\"", "lines x: line is governed\n")}});
    INFO(c.diagnostics);
    CHECK(c.ok);
  }
}

TEST_CASE("a module name is a value only as the base of `module.name`", "[checker][limits]") {
  const std::string base = "module base\nparam rate: decimal = 1.0\n";
  auto withModule = [&](const std::string& module) { return checkDir({{"base.ppl", base}, {"m.ppl", "module m\nuse base\n" + module}}); };
  SECTION("a define of it, then a field of the define") {
    Checked c = withModule("define z = base\ndefine w = z.rate\n");
    CHECK_FALSE(c.ok);
    CHECK(c.diagnostics.find("./m.ppl:3:12: error: `base` is a module: write `base.NAME`") != std::string::npos);
  }
  SECTION("a function's argument") {
    Checked c = withModule("define x = round(1.5, base)\n");
    CHECK_FALSE(c.ok);
    CHECK(c.diagnostics.find("./m.ppl:3:23: error: `base` is a module: write `base.NAME`") != std::string::npos);
  }
  SECTION("tested for presence") {
    Checked c = withModule("define x = base is present\n");
    CHECK_FALSE(c.ok);
    CHECK(c.diagnostics.find("./m.ppl:3:12: error: `base` is a module: write `base.NAME`") != std::string::npos);
  }
  SECTION("a `let` in a policy's rule") {
    Checked c = checkDir({{"base.ppl", base},
                          {"p.ppl", policy("line.hcpcs = \"J9027\"", "use base\nrule S \"s\"\n  let z = base\n  require line.units > z.rate else deny CO 50\n")}});
    CHECK_FALSE(c.ok);
    CHECK(c.diagnostics.find("./p.ppl:6:11: error: `base` is a module: write `base.NAME`") != std::string::npos);
  }
  SECTION("as a base it still reads the module") {
    Checked c = withModule("define x = base.rate > 0.5\n");
    INFO(c.diagnostics);
    CHECK(c.ok);
  }
}

TEST_CASE("nested quantifiers over a wrong list are checked once each", "[checker][limits]") {
  // `count a in X + 1` takes `X + 1` for the list: 16 levels once gave 2^16 checks and the
  // error 16,385 times.
  std::string x = "lines";
  for (int i = 0; i < 16; ++i) x = fmt::format("(count a{} in {}) + 1", i, x);
  Checked c = checkDir({{"q.ppl", "module q\ndefine x = count b in " + x + "\n"}});
  CHECK_FALSE(c.ok);
  CHECK(c.errors == 1);
  CHECK(count(c.diagnostics, "error:") == 1);
}

TEST_CASE("a list running into an operator keeps its explanation, as notes", "[checker][limits]") {
  Checked c = checkDir({{"p.ppl", policy("line.hcpcs = \"J9027\"", "rule S \"s\"\n  require count l in lines > 2 else deny CO 50\n")}});
  CHECK_FALSE(c.ok);
  CHECK(c.errors == 1);
  CHECK(c.diagnostics.find("./p.ppl:5:22: error: cannot compare list of Line and integer") != std::string::npos);
  CHECK(c.diagnostics.find("note: a quantifier's list runs to the end of the expression") != std::string::npos);
  CHECK(c.diagnostics.find("note: parenthesize the quantifier: `(count l in lines) > 2`") != std::string::npos);
}

TEST_CASE("long chains of declarations end in one error at the place, not a crash", "[checker][limits]") {
  const int n = 3000;  // each link one level or more: past kMaxCheckedNesting and kMaxInlinedNesting
  SECTION("constants, each in terms of the next") {
    std::string text = "module m\n";
    for (int i = 0; i < n; ++i) text += fmt::format("const c{} = c{}\n", i, i + 1);
    text += fmt::format("const c{} = 1\n", n);
    Checked c = checkDir({{"m.ppl", text}});
    CHECK_FALSE(c.ok);
    CHECK(c.errors == 1);
    CHECK(c.diagnostics.find(fmt::format("error: this expression nests too deeply: counting the constants and defines it uses, more than {} levels",
                                         kMaxCheckedNesting)) != std::string::npos);
  }
  SECTION("defines, each in terms of the next") {
    std::string text = "module m\n";
    for (int i = 0; i < n; ++i) text += fmt::format("define d{} = d{}\n", i, i + 1);
    text += fmt::format("define d{} = 1\n", n);
    Checked c = checkDir({{"m.ppl", text}});
    CHECK_FALSE(c.ok);
    CHECK(c.errors == 1);
    CHECK(c.diagnostics.find("error: this expression nests too deeply") != std::string::npos);
  }
  SECTION("defines, each in terms of the one before (checked in order, written out by codegen)") {
    std::string text = "module m\ndefine d0 = line.units\n";
    for (int i = 1; i <= n; ++i) text += fmt::format("define d{} = d{} + 1\n", i, i - 1);
    Checked c = checkDir({{"m.ppl", text}});
    CHECK_FALSE(c.ok);
    CHECK(c.errors == 1);
    CHECK(c.diagnostics.find("error: this expression nests too deeply: with the defines and classes of lines it uses written out") !=
          std::string::npos);
  }
  SECTION("classes of lines") {
    std::string text = "module m\n";
    for (int i = 0; i < n; ++i) text += fmt::format("lines a{}: line is a{}\n", i, i + 1);
    text += fmt::format("lines a{}: line.units > 1\n", n);
    Checked c = checkDir({{"m.ppl", text}});
    CHECK_FALSE(c.ok);
    CHECK(c.errors == 1);
    CHECK(c.diagnostics.find("error: this expression nests too deeply") != std::string::npos);
  }
  SECTION("a short chain is fine") {
    std::string text = "module m\n";
    for (int i = 0; i < 50; ++i) text += fmt::format("const c{} = c{} + 1\ndefine d{} = d{} + c{}\n", i, i + 1, i, i + 1, i);
    text += "const c50 = 1\ndefine d50 = line.units\n";
    Checked c = checkDir({{"m.ppl", text}});
    INFO(c.diagnostics);
    CHECK(c.ok);
  }
}

TEST_CASE("errors are capped per compilation, with a note", "[checker][limits]") {
  std::string text = "module m\n";
  for (int i = 0; i < 1000; ++i) text += fmt::format("define x{} = unknown_name_{} + 1\n", i, i);
  Checked c = checkDir({{"m.ppl", text}});
  CHECK_FALSE(c.ok);
  CHECK(c.errors == 1000);  // counted, not kept
  CHECK(count(c.diagnostics, "error:") == kMaxErrors);
  CHECK(count(c.diagnostics, "note: stopping after 100 errors") == 1);
}

TEST_CASE("message holes share the unit's budget of syntax errors", "[parser][limits]") {
  std::string text = "module m\nrule R \"r\"\n";
  for (int i = 0; i < 200; ++i) text += "  require true else deny CO 50 \"{)}{)}{)}{)}\"\n";
  SourceManager sources;
  Diagnostics diags;
  const uint32_t file = sources.add("test.ppl", text);
  CHECK(parseUnit(file, sources, diags) == nullptr);
  CHECK(diags.errorCount() == static_cast<size_t>(ParseLimits{}.maxSyntaxErrors));  // not 800
  CHECK(renderDiagnostics(diags, sources).find("note: stopping after 25 syntax errors") != std::string::npos);
}

TEST_CASE("holes checked after a file's syntax errors share its budget too", "[parser][limits]") {
  std::string text = "module m\n";
  for (int i = 0; i < 20; ++i) text += "const c" + std::to_string(i) + " = 1 +\n";
  text += "const last = 1\n";
  for (int i = 0; i < 200; ++i) text += "rule R \"r\"\n  deny CO 50 when true \"{)}\"\n";
  SourceManager sources;
  Diagnostics diags;
  const uint32_t file = sources.add("test.ppl", text);
  CHECK(parseUnit(file, sources, diags) == nullptr);
  CHECK(diags.errorCount() == static_cast<size_t>(ParseLimits{}.maxSyntaxErrors));  // not 220
  const std::string out = renderDiagnostics(diags, sources);
  // The file's 20 errors, then the first 5 holes', the last with the note.
  CHECK(out.find("test.ppl:32:26: error: unexpected `)`") != std::string::npos);
  CHECK(out.find("test.ppl:34:26:") == std::string::npos);
  CHECK(out.size() - out.rfind("test.ppl:32:26:") < 200);
  CHECK(out.find("note: stopping after 25 syntax errors") != std::string::npos);
  CHECK(out.find("note: stopping after 25 syntax errors") == out.rfind("note: stopping"));
}

TEST_CASE("a line break after a backslash leaves the string unterminated", "[parser][limits]") {
  SourceManager sources;
  Diagnostics diags;
  const uint32_t file = sources.add("test.ppl", "module m\nconst x = \"a\\\nb\"\n");
  CHECK(parseUnit(file, sources, diags) == nullptr);
  const std::string out = renderDiagnostics(diags, sources);
  CHECK(out.rfind("test.ppl:2:11: error: unterminated string", 0) == 0);
}

TEST_CASE("messages show control characters escaped and long names cut", "[diagnostics][limits]") {
  SourceManager sources;
  Diagnostics diags;
  const uint32_t file = sources.add("test.ppl", "x\n");
  diags.error(Span{file, 1, 1, 1}, "bad `a\nb\x1b` here", {"tab\there"});
  diags.error(Span{file, 1, 1, 1}, "unknown name `" + std::string(20000, 'n') + "` here");
  const std::string out = renderDiagnostics(diags, sources);
  CHECK(out.find("test.ppl:1:1: error: bad `a\\nb\\x1b` here\n") != std::string::npos);
  CHECK(out.find("  note: tab\\there\n") != std::string::npos);
  CHECK(out.find("error: unknown name `" + std::string(199, 'n') + "...` here\n") != std::string::npos);
}

TEST_CASE("suggestions for very long names cost no table of their lengths", "[diagnostics][limits]") {
  const std::string a(20000, 'a');
  std::string b = a;
  b[100] = 'b';
  CHECK(suggestName(a, {b}).empty());  // too long to be a slip
  CHECK(suggestName("valid_thru", {"valid_through", "valid_from"}) == "valid_through");
  CHECK(suggestName("abcdef", {"badcfe"}).empty());  // three transpositions: past the limit of 2
  CHECK(suggestName("abcdefghi", {"bacdefghi"}) == "bacdefghi");
}

TEST_CASE("source lines are found by line, in a file of many lines", "[diagnostics][limits]") {
  SourceManager sources;
  std::string text;
  for (int i = 1; i <= 5000; ++i) text += fmt::format("line {}\n", i);
  const uint32_t file = sources.add("many.ppl", text);
  CHECK(sources.lineText(file, 1) == "line 1");
  CHECK(sources.lineText(file, 4321) == "line 4321");
  CHECK(sources.lineText(file, 5000) == "line 5000");
  CHECK(sources.lineText(file, 5001).empty());
  CHECK(sources.lineText(file, 5002).empty());
}

TEST_CASE("an endless file is read no further than the size limit", "[compiler][limits]") {
  if (!fs::exists("/dev/zero")) return;
  SourceManager sources;
  Diagnostics diags;
  CHECK_FALSE(checkFiles({"/dev/zero"}, diags, sources));
  CHECK(renderDiagnostics(diags, sources).find("/dev/zero:1:1: error: the file is too large (more than 4194304 bytes)") != std::string::npos);
}

TEST_CASE("arithmetic on constants that cannot be computed is an error, not a constant condition", "[checker][limits]") {
  Checked c = checkDir({{"p.ppl", policy("line.hcpcs = \"J9027\"", "rule S \"s\"\n  require 1 / 0 > 2 else deny CO 50\n")}});
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("./p.ppl:5:11: error: this value cannot be computed: division by zero") != std::string::npos);
  CHECK(c.diagnostics.find("constant-condition") == std::string::npos);
}
