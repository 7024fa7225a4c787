// `pplc check` lints: each fires where it should, with its name, and the J9027 pack is clean.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <unistd.h>

#include "compiler/compiler.h"

namespace fs = std::filesystem;
using namespace ppl;

namespace {

std::string lint(const std::string& policy) {
  fs::path dir = fs::temp_directory_path() / ("ppl-lints-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "p.ppl") << policy;
  Diagnostics diags;
  SourceManager sources;
  checkFiles({(dir / "p.ppl").string()}, diags, sources);
  std::string out;
  for (const Diagnostic& d : diags.items()) {
    out += fmt::format("{}:{} {} [{}]\n", d.span.line, d.span.col, d.message, d.lint);
  }
  fs::remove_all(dir);
  return out;
}

const char* kHeader =
    "policy p version \"1\"\n"
    "  line of business \"commercial\"\n"
    "  governs lines where line.hcpcs = \"J9027\"\n";

}  // namespace

TEST_CASE("lints: unused declarations, constant conditions, missing messages", "[lints]") {
  std::string out = lint(std::string(kHeader) +
                         "const unused_thing = 5\n"
                         "define never = 1\n"
                         "lines nobody: true\n"
                         "rule R \"r\"\n"
                         "  only when 1 = 1\n"
                         "  require line.units > 0 else deny CO 16\n");
  CHECK(out ==
        "4:7 constant `unused_thing` is never used [unused]\n"
        "5:8 definition `never` is never used [unused]\n"
        "6:7 class of lines `nobody` is never used [unused]\n"
        "8:13 rule `R`'s `only when` is the same for every claim [constant-condition]\n"
        "9:31 rule `R` fails without a message: the remittance will show only its title [missing-message]\n");
}

TEST_CASE("lints: a rule with no clause that fails or adjusts does nothing", "[lints]") {
  std::string out = lint(std::string(kHeader) +
                         "rule EMPTY \"a title whose clauses were lost\"\n"
                         "rule NARROW \"r\"\n"
                         "  applies to governed\n"
                         "  only when line.units > 1\n"
                         "  let u = line.units\n"
                         "rule ADJUST \"r\"\n"
                         "  adjust CO 45 by 10% when line.units > 1\n"
                         "rule CHECKS \"r\"\n"
                         "  require line.units > 0 else deny CO 16 \"m\"\n");
  CHECK(out ==
        "4:6 rule `EMPTY` does nothing: it has no `require`, `deny`, `pend` or `adjust` clause [empty-rule]\n"
        "5:6 rule `NARROW` does nothing: it has no `require`, `deny`, `pend` or `adjust` clause [empty-rule]\n");
}

TEST_CASE("lints: codes against the reference lists", "[lints]") {
  std::string out = lint(std::string(kHeader) +
                         "rule R \"r\"\n"
                         "  require place_of_service in {\"11\", \"98\"} and \"QQ\" not in line.modifiers\n"
                         "    else deny CO 999 [N29, N130] \"m\"\n");
  CHECK(out.find("6:18 claim adjustment reason code `999` is not in the reference list [unknown-code]") != std::string::npos);
  CHECK(out.find("remark code `N29` was deactivated in 2016: remittances must not use it [deactivated-code]") != std::string::npos);
  CHECK(out.find("N130") == std::string::npos);
  CHECK(out.find("place of service `98` is not in the reference list [unknown-code]") != std::string::npos);
  CHECK(out.find("`11`") == std::string::npos);
  CHECK(out.find("modifier `QQ` is not in the reference list [unknown-code]") != std::string::npos);
}

TEST_CASE("lints: the J9027 pack and the feature tour are clean", "[lints]") {
  // Two packs, checked apart: both decide commercial claims.
  for (const char* pack : {"/policies", "/examples/feature-tour"}) {
    Diagnostics diags;
    SourceManager sources;
    REQUIRE(checkFiles({std::string(PPL_SOURCE_DIR) + pack}, diags, sources));
    CHECK(renderDiagnostics(diags, sources) == "");
  }
}

TEST_CASE("lints: a drug's code is checked against its HCPCS descriptor unless acknowledged", "[lints]") {
  const char* header =
      "policy p version \"1\"\n"
      "  line of business \"commercial\"\n"
      "  governs lines where line.hcpcs = cabazitaxel\n";
  std::string out = lint(std::string(header) + "drug cabazitaxel code \"J9027\"\n");
  CHECK(out == "4:23 `J9027` is \"Injection, clofarabine, 1 mg\" in the HCPCS file, which does not name cabazitaxel [hcpcs-descriptor]\n");
  CHECK(lint(std::string(header) + "drug cabazitaxel code \"J9043\"\n") == "");
  CHECK(lint(std::string(header) + "drug cabazitaxel code \"J9027\" acknowledge \"the payer bills it so\"\n") == "");
}

TEST_CASE("lints: a module's declarations are judged only with the policies that use it", "[lints]") {
  fs::path dir = fs::temp_directory_path() / ("ppl-lints-module-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "shared.ppl") << "module shared\ndefine for_a = 1\ndefine for_b = 2\ndefine for_nobody = 3\n";
  for (const char* name : {"a", "b"}) {
    std::ofstream(dir / (std::string(name) + ".ppl"))
        << "policy " << name << " version \"1\"\n  line of business \""
        << (name[0] == 'a' ? "commercial" : "medicare_advantage") << "\"\n"
        << "  governs lines where line.hcpcs = \"J9027\"\nuse shared\nrule R \"r\"\n"
        << "  require line.units > for_" << name << " else deny CO 16 \"m\"\n";
  }
  auto unused = [&](const std::vector<std::string>& files) {
    Diagnostics diags;
    SourceManager sources;
    std::vector<std::string> paths;
    for (const auto& f : files) paths.push_back((dir / f).string());
    checkFiles(paths, diags, sources);
    std::string out;
    for (const Diagnostic& d : diags.items()) {
      if (d.lint == std::string("unused")) out += d.message + "\n";
    }
    return out;
  };
  // All its users checked: what none of them uses is unused.
  CHECK(unused({"a.ppl", "b.ppl", "shared.ppl"}) == "definition `for_nobody` is never used\n");
  // One policy, or the module alone: the others may use the rest.
  CHECK(unused({"a.ppl"}).empty());
  CHECK(unused({"shared.ppl"}).empty());
  fs::remove_all(dir);
}

TEST_CASE("lints: a module parameter only bound by `use ... with` is unused", "[lints]") {
  fs::path dir = fs::temp_directory_path() / ("ppl-lints-param-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "m.ppl") << "module m\nparam limit: integer = 10\nparam spare: integer = 0\n"
                               << "rule M \"m\"\n  require line.units <= limit else deny CO 16 \"m\"\n";
  std::ofstream(dir / "p.ppl") << "policy p version \"1\"\n  line of business \"commercial\"\n"
                               << "  governs lines where line.hcpcs = \"J9027\"\nuse m with limit = 5, spare = 1\n";
  Diagnostics diags;
  SourceManager sources;
  checkFiles({(dir / "p.ppl").string(), (dir / "m.ppl").string()}, diags, sources);
  std::string out;
  for (const Diagnostic& d : diags.items()) {
    out += fmt::format("{}:{}:{} {} [{}]\n", fs::path(sources.path(d.span.file)).filename().string(), d.span.line,
                       d.span.col, d.message, d.lint);
  }
  // Binding changes a value nothing reads: `spare` is as unused as it would be unbound.
  CHECK(out == "m.ppl:3:7 parameter `spare` is never used [unused]\n");
  fs::remove_all(dir);
}

TEST_CASE("lints: a `use` is unused only when nothing comes in through it, its own uses included", "[lints]") {
  fs::path dir = fs::temp_directory_path() / ("ppl-lints-import-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // `bundle` has no rules of its own: its `use rules` brings in rule M1 (the lint said to
  // remove `use bundle`, which would have dropped M1). `empty` brings in nothing.
  std::ofstream(dir / "rules.ppl") << "module rules\nrule M1 \"m\"\n  require line.units > 0 else deny CO 16 \"m\"\n";
  std::ofstream(dir / "bundle.ppl") << "module bundle\nuse rules\n";
  std::ofstream(dir / "empty.ppl") << "module empty\nconst nothing_used = 1\n";
  std::ofstream(dir / "p.ppl") << "policy p version \"1\"\n  line of business \"commercial\"\n"
                               << "  governs lines where line.hcpcs = \"J9027\"\nuse bundle\nuse empty\n";
  Diagnostics diags;
  SourceManager sources;
  checkFiles({(dir / "p.ppl").string()}, diags, sources);
  std::string out;
  for (const Diagnostic& d : diags.items()) {
    if (d.lint == std::string("unused-import")) out += d.message + "\n";
  }
  CHECK(out == "`use empty` brings in nothing this file uses\n");
  fs::remove_all(dir);
}

TEST_CASE("lints: a variable named like a declaration or a claim field", "[lints]") {
  std::string out = lint(std::string(kHeader) +
                         "const max_units = 60\n"
                         "define over(units: decimal) = units > max_units\n"
                         "rule R \"r\"\n"
                         "  let max_units = 5\n"
                         "  require line.units <= max_units and over(line.units) and\n"
                         "    no diagnoses in diagnoses where diagnoses = \"C61\" else deny CO 16 \"m\"\n");
  CHECK(out.find("7:7 variable `max_units` hides the constant of that name [shadow]") != std::string::npos);
  CHECK(out.find("9:8 variable `diagnoses` hides the field of the claim of that name [shadow]") != std::string::npos);
  CHECK(out.find("`units`") == std::string::npos);  // no declaration and no root field of that name
  // Review 16b: names the language gives a meaning to were not seen.
  out = lint(std::string(kHeader) +
             "rule R \"r\"\n"
             "  let CO = PR\n"
             "  require every claim in lines satisfies claim.units <= 100 else deny CO 16 \"m\"\n");
  CHECK(out.find("5:7 variable `CO` hides the adjustment group of that name [shadow]") != std::string::npos);
  CHECK(out.find("6:17 variable `claim` hides the claim record of that name [shadow]") != std::string::npos);
}

// Review 16b: `const max_units = 30` beside a module's read as an override, and was not one.
TEST_CASE("lints: a declaration named like one of a used module's", "[lints]") {
  fs::path dir = fs::temp_directory_path() / ("ppl-lints-hide-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "limits.ppl") << "module limits\nconst max_units = 60\n"
                                    << "rule L \"l\"\n  require line.units <= max_units else deny CO 151 \"m\"\n";
  std::ofstream(dir / "p.ppl") << kHeader << "use limits\nconst max_units = 30\n"
                               << "rule R \"r\"\n  require line.units <= max_units else deny CO 151 \"m\"\n";
  Diagnostics diags;
  SourceManager sources;
  checkFiles({(dir / "p.ppl").string()}, diags, sources);
  std::string out;
  for (const Diagnostic& d : diags.items()) {
    if (d.lint == std::string("shadow")) out += fmt::format("{}:{} {}\n", d.span.line, d.span.col, d.message);
  }
  CHECK(out == "5:7 `max_units` hides module `limits`'s `max_units`: the module's rules keep its own\n");
  fs::remove_all(dir);
}
