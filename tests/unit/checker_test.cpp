// The checker's diagnostics, exactly as an analyst sees them: position, message, suggestion.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include <unistd.h>

#include <fmt/format.h>

#include "compiler/checked.h"
#include "compiler/compiler.h"

namespace fs = std::filesystem;
using namespace ppl;

namespace {

// Writes the files into a fresh directory and compiles the policies among them (with
// `checkEvery`, checks every file there instead, as `pplc check DIR` does).
struct Compiled {
  bool ok = false;
  std::string diagnostics;  // rendered, paths relative to the directory
  CheckedProgram checked;
};

Compiled compileFiles(const std::map<std::string, std::string>& files, bool checkEvery = false) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() / ("ppl-checker-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::create_directories(dir);
  for (const auto& [name, text] : files) std::ofstream(dir / name) << text;
  Compiled c;
  SourceManager sources;
  Diagnostics diags;
  fs::path cwd = fs::current_path();
  fs::current_path(dir);
  c.ok = checkEvery ? checkFiles({"."}, diags, sources) : compileChecked({"."}, c.checked, diags, sources);
  fs::current_path(cwd);
  c.diagnostics = renderDiagnostics(diags, sources);
  fs::remove_all(dir);
  return c;
}

const char* kHeader =
    "policy p version \"1\"\n"
    "  line of business \"commercial\"\n"
    "  governs lines where line.hcpcs = \"J9027\"\n";

Compiled compilePolicy(const std::string& body) { return compileFiles({{"p.ppl", std::string(kHeader) + body}}); }

}  // namespace

TEST_CASE("a well-formed policy checks cleanly", "[checker]") {
  Compiled c = compilePolicy(
      "rule R \"units within limit\"\n"
      "  applies to governed\n"
      "  require line.units <= 60 else deny CO 151 [N362] \"{line.units} units\"\n");
  INFO(c.diagnostics);
  CHECK(c.ok);
  CHECK(c.diagnostics.empty());
  REQUIRE(c.checked.policies.size() == 1);
  CHECK(c.checked.policies[0].rules.size() == 1);
}

TEST_CASE("a misspelt field is reported with its position and a suggestion", "[checker]") {
  Compiled c = compilePolicy(
      "rule R \"r\"\n"
      "  require line.hcpc = \"J9027\" else deny CO 50\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics ==
        "./p.ppl:5:11: error: `Line` has no field `hcpc`\n"
        "  require line.hcpc = \"J9027\" else deny CO 50\n"
        "          ^~~~~~~~~\n"
        "  note: did you mean `hcpcs`?\n");
}

TEST_CASE("reading an optional fact without a guard is a compile-time error", "[checker]") {
  Compiled c = compilePolicy(
      "rule R \"r\"\n"
      "  require patient.height_cm > 100 else deny CO 50\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("./p.ppl:5:11: error: `patient.height_cm` may be absent: test it with `is present` first, or give a default with `??`") !=
        std::string::npos);
}

TEST_CASE("guards narrow optional facts: and, or, later clauses, defaults", "[checker]") {
  Compiled c = compilePolicy(
      "rule R \"r\"\n"
      "  require patient.height_cm is present and patient.height_cm > 100 else deny CO 50\n"
      "rule S \"s\"\n"
      "  require patient.weight_kg is absent or patient.weight_kg < 300 else deny CO 50\n"
      "rule T \"t\"\n"
      "  pend CO 252 when line.drug.product_name is absent\n"
      "  require not blank(line.drug.product_name) else pend CO 16\n"
      "rule U \"u\"\n"
      "  require (patient.height_cm ?? 0) < 250 else deny CO 50\n");
  INFO(c.diagnostics);
  CHECK(c.ok);
}

TEST_CASE("a guard covers the define it names, not another define of the same name", "[checker]") {
  // `ma.v is present` once also let `mb.v` through unchecked, and the VM then decided with an
  // absent weight.
  std::map<std::string, std::string> files = {
      {"ma.ppl", "module ma\ndefine v = patient.height_cm\n"},
      {"mb.ppl", "module mb\ndefine v = patient.weight_kg\n"},
      {"p.ppl", std::string(kHeader) +
                    "use ma\nuse mb\n"
                    "rule R \"r\"\n"
                    "  require ma.v is present else deny CO 50\n"
                    "  require mb.v > 1 else deny CO 50\n"}};
  Compiled c = compileFiles(files);
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("./p.ppl:8:11: error: `v` may be absent") != std::string::npos);
  files["p.ppl"] = std::string(kHeader) +
                   "use ma\nuse mb\n"
                   "rule R \"r\"\n"
                   "  require ma.v is present and mb.v is present else deny CO 50\n"
                   "  require mb.v > 1 else deny CO 50\n";
  Compiled guarded = compileFiles(files);
  INFO(guarded.diagnostics);
  CHECK(guarded.ok);
}

TEST_CASE("an enum compared with a value it never has is an error with a suggestion", "[checker]") {
  Compiled c = compilePolicy(
      "rule R \"r\"\n"
      "  require any a in authorizations where a.status = \"aproved\" else deny CO 197\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("error: \"aproved\" is never a value here") != std::string::npos);
  CHECK(c.diagnostics.find("note: did you mean `approved`?") != std::string::npos);
}

// Review 16: a misspelt value held by a constant passed the check, and the rule never matched.
TEST_CASE("an enum compared with a constant holding a value it never has is an error at the use", "[checker]") {
  Compiled c = compilePolicy(
      "const self_supplied = {\"brown-bag\", \"specialty_pharmacy\"}\n"
      "rule R \"r\"\n"
      "  require line.drug.acquisition_channel is absent or line.drug.acquisition_channel not in self_supplied\n"
      "    else deny CO 96\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("p.ppl:6:91: error: constant `self_supplied` holds \"brown-bag\", which is never a value here") !=
        std::string::npos);
  CHECK(c.diagnostics.find("note: did you mean `brown_bag`?") != std::string::npos);
  c = compilePolicy(
      "const status = \"aproved\"\n"
      "rule R \"r\"\n"
      "  require any a in authorizations where a.status = status else deny CO 197\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("p.ppl:6:52: error: constant `status` holds \"aproved\", which is never a value here") !=
        std::string::npos);
  c = compilePolicy(
      "const self_supplied = {\"brown_bag\", \"specialty_pharmacy\"}\n"
      "const status = \"approved\"\n"
      "rule R \"r\"\n"
      "  require line.drug.acquisition_channel is absent or line.drug.acquisition_channel not in self_supplied\n"
      "    else deny CO 96\n"
      "  require any a in authorizations where a.status = status else deny CO 197\n");
  INFO(c.diagnostics);
  CHECK(c.ok);
}

TEST_CASE("unknown names, classes and functions suggest the closest", "[checker]") {
  Compiled c = compilePolicy(
      "const max_units = 60\n"
      "rule R \"r\"\n"
      "  applies to wast\n"
      "  require line.units <= max_unit and sqr(4) > 1 else deny CO 50\n"
      "lines waste: \"JW\" in line.modifiers\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("./p.ppl:6:14: error: unknown class of lines `wast`") != std::string::npos);
  CHECK(c.diagnostics.find("note: did you mean `waste`?") != std::string::npos);
  CHECK(c.diagnostics.find("error: unknown name `max_unit`") != std::string::npos);
  CHECK(c.diagnostics.find("note: did you mean `max_units`?") != std::string::npos);
  CHECK(c.diagnostics.find("error: unknown function `sqr`") != std::string::npos);
  CHECK(c.diagnostics.find("note: did you mean `sqrt`?") != std::string::npos);
}

// Review 16b: a qualified constant, and values through `??` and `if`, escaped the check.
TEST_CASE("an enum is checked through a qualified constant, ?? and if, with their fallback strings allowed", "[checker]") {
  const std::string drugPresent = "  require line.drug is absent or ";
  Compiled qualified = compileFiles(
      {{"m.ppl", "module m\nconst self_supplied = {\"brown-bag\", \"specialty_pharmacy\"}\n"},
       {"p.ppl", std::string(kHeader) + "use m\nrule R \"r\"\n" + drugPresent +
                     "line.drug.acquisition_channel is absent or line.drug.acquisition_channel not in m.self_supplied "
                     "else deny CO 96\n"}});
  CHECK(qualified.diagnostics.find("error: constant `self_supplied` holds \"brown-bag\", which is never a value here") !=
        std::string::npos);
  Compiled viaDefault = compilePolicy("rule R \"r\"\n" + drugPresent +
                                      "(line.drug.acquisition_channel ?? \"buy_and_bill\") != \"brown-bag\" else deny CO 96\n");
  CHECK(viaDefault.diagnostics.find("error: \"brown-bag\" is never a value here") != std::string::npos);
  Compiled viaDefine = compilePolicy(
      "define channel = if line.drug is present then line.drug.acquisition_channel ?? \"unknown\" else \"none\"\n"
      "rule R \"r\"\n  require channel != \"brown-bag\" else deny CO 96\n");
  CHECK(viaDefine.diagnostics.find("p.ppl:6:22: error: \"brown-bag\" is never a value here") != std::string::npos);
  // The strings the value falls back to are values too, through a `let` as well.
  Compiled fallbacks = compilePolicy(
      "define channel = if line.drug is present then line.drug.acquisition_channel ?? \"unknown\" else \"none\"\n"
      "rule R \"r\"\n"
      "  let held = line.drug.acquisition_channel ?? \"other\"\n"
      "  require channel not in {\"unknown\", \"none\", \"brown_bag\"} else deny CO 96\n"
      "  require line.drug is absent or (line.drug.acquisition_channel ?? \"missing\") != \"missing\" else deny CO 96\n"
      "  require held != \"other\" else deny CO 96\n");
  INFO(fallbacks.diagnostics);
  CHECK(fallbacks.ok);
  Compiled viaLet = compilePolicy(
      "rule R \"r\"\n"
      "  let held = line.drug.acquisition_channel ?? \"other\"\n"
      "  require held != \"brown-bag\" else deny CO 96\n");
  CHECK(viaLet.diagnostics.find("p.ppl:6:19: error: \"brown-bag\" is never a value here") != std::string::npos);
}

// Review 16b F3: a parameter stood where a literal is checked, and its value was never checked.
TEST_CASE("a module's or define's parameter owes the checks its uses make, settled where it is given", "[checker]") {
  const std::string module =
      "module shared\n"
      "param excluded: string = \"brown_bag\"\n"
      "param places: integer = 2\n"
      "define came(x: string) = (line.drug.acquisition_channel ?? \"none\") = x\n"
      "rule S-1 \"s\"\n"
      "  deny CO 16 when came(excluded) or round(line.units, places) > 60\n";
  Compiled fine = compileFiles({{"shared.ppl", module}, {"p.ppl", std::string(kHeader) + "use shared with excluded = \"none\"\n"}});
  INFO(fine.diagnostics);
  CHECK(fine.ok);

  Compiled bound = compileFiles(
      {{"shared.ppl", module}, {"p.ppl", std::string(kHeader) + "use shared with excluded = \"brown-bag\", places = 19\n"}});
  CHECK(bound.diagnostics ==
        "./p.ppl:4:28: error: \"brown-bag\" is never a value here\n"
        "use shared with excluded = \"brown-bag\", places = 19\n"
        "                           ^~~~~~~~~~~\n"
        "  note: module `shared` passes its parameter `excluded` on at line 6, column 24\n"
        "  note: `came` compares its parameter `x` with it at line 4, column 70\n"
        "  note: did you mean `brown_bag`?\n"
        "  note: the possible values are buy_and_bill, specialty_pharmacy, brown_bag, 340b\n"
        "./p.ppl:4:50: error: `round` takes 0 to 18 places, given 19\n"
        "use shared with excluded = \"brown-bag\", places = 19\n"
        "                                                 ^~\n"
        "  note: module `shared` passes its parameter `places` to `round` as its places at line 6, column 55\n");

  // A default is checked once, in the module, whichever policies use it.
  std::string badDefault = module;
  badDefault.replace(badDefault.find("\"brown_bag\""), 11, "\"Brown_bag\"");
  Compiled viaDefault = compileFiles({{"shared.ppl", badDefault}, {"p.ppl", std::string(kHeader) + "use shared\n"}});
  CHECK(viaDefault.diagnostics.find("./shared.ppl:2:26: error: \"Brown_bag\" is never a value here") != std::string::npos);

  // A define's parameter: each call with a literal or a constant; a code format as well.
  Compiled calls = compilePolicy(
      "const jevtana = \"j9043\"\n"
      "define billed(hc: string) = line.hcpcs = hc\n"
      "rule R \"r\"\n"
      "  deny CO 16 when billed(\"J9027\") or billed(jevtana) or billed(line.ndc ?? \"x\")\n");
  CHECK(calls.diagnostics.find("./p.ppl:7:45: error: constant `jevtana` holds \"j9043\", which is never a value here\n") !=
        std::string::npos);
  CHECK(calls.diagnostics.find("note: `billed` compares its parameter `hc` with it at line 5, column 42") != std::string::npos);
  CHECK(calls.diagnostics.find("note: did you mean `J9043`?") != std::string::npos);
  CHECK(calls.diagnostics.find("error:", calls.diagnostics.find("error:") + 1) == std::string::npos);  // only that one
}

// Review 16b: `line.hcpcs = "j9027"` passed and governed nothing (the loader refuses lower case).
TEST_CASE("a literal compared with a coded claim value must have its code format", "[checker]") {
  Compiled c = compilePolicy("rule R \"r\"\n"
                             "  require line.hcpcs != \"j9043\" and \"Z192\" in diagnoses else deny CO 16\n"
                             "  deny CO 4 when \"jw\" in line.modifiers\n");
  CHECK(c.diagnostics.find("p.ppl:5:25: error: \"j9043\" is never a value here\n") != std::string::npos);
  CHECK(c.diagnostics.find("note: did you mean `J9043`?") != std::string::npos);
  CHECK(c.diagnostics.find("note: the claim's value must be an hcpcs code") != std::string::npos);
  CHECK(c.diagnostics.find("p.ppl:5:37: error: \"Z192\" is never a value here\n") != std::string::npos);
  CHECK(c.diagnostics.find("note: did you mean `Z19.2`?") != std::string::npos);
  CHECK(c.diagnostics.find("p.ppl:6:18: error: \"jw\" is never a value here\n") != std::string::npos);
  Compiled constant = compilePolicy("const places = {\"11\", \"office\"}\n"
                                    "rule R \"r\"\n  require place_of_service in places else deny CO 58\n");
  CHECK(constant.diagnostics.find("error: constant `places` holds \"office\", which is never a value here") !=
        std::string::npos);
  Compiled fine = compilePolicy("rule R \"r\"\n"
                                "  require line.hcpcs != \"J9043\" and \"Z19.2\" in diagnoses else deny CO 16\n"
                                "  require (line.ndc ?? \"none\") != \"none\" else deny CO 16\n");
  INFO(fine.diagnostics);
  CHECK(fine.ok);
}

// Review 16b: ranges that can never hold passed, as `effective from` a later date does not.
TEST_CASE("a between or within known to be empty before any claim is warned of", "[checker]") {
  Compiled c = compilePolicy("const lookback = -90 days\n"
                             "rule R \"r\"\n"
                             "  require line.units between 60 and 1 else deny CO 16\n"
                             "  require line.service_date between 2026-12-31 and 2020-01-01 else deny CO 16\n"
                             "  require any a in history.administrations where a.date within lookback before line.service_date\n"
                             "    else deny CO 16\n");
  CHECK(c.diagnostics.find("p.ppl:6:11: warning: this `between` is never true: its first bound is above its second "
                           "[empty-range]") != std::string::npos);
  CHECK(c.diagnostics.find("p.ppl:7:11: warning: this `between` is never true") != std::string::npos);
  CHECK(c.diagnostics.find("p.ppl:8:64: warning: `within` a span of -90 days is never true: the span is negative "
                           "[empty-range]") != std::string::npos);
  Compiled fine = compilePolicy("rule R \"r\"\n"
                                "  require line.units between 1 and 60 and line.units between 60 and 60 else deny CO 16\n"
                                "  require line.service_date between 2020-01-01 and 2026-12-31 else deny CO 16\n");
  INFO(fine.diagnostics);
  CHECK(fine.ok);
  CHECK(fine.diagnostics.find("empty-range") == std::string::npos);
}

TEST_CASE("a rule whose dates lie outside its policy's is warned of", "[checker]") {
  const std::string policy = "policy p version \"1\"\n"
                             "  line of business \"commercial\"\n"
                             "  governs lines where line.hcpcs = \"J9027\"\n"
                             "  effective from 2026-01-01 through 2026-12-31\n"
                             "rule R \"r\"\n";
  Compiled before = compileFiles({{"p.ppl", policy + "  effective from 2020-01-01 through 2025-12-31\n"
                                                       "  require line.units > 0 else deny CO 16\n"}});
  CHECK(before.diagnostics.find("p.ppl:6:37: warning: rule `R` would never apply in policy `p`: its dates lie outside "
                                "the policy's [empty-range]") != std::string::npos);
  CHECK(before.diagnostics.find("note: the policy is effective from 2026-01-01") != std::string::npos);
  Compiled after = compileFiles({{"p.ppl", policy + "  effective from 2027-01-01\n  require line.units > 0 else deny CO 16\n"}});
  CHECK(after.diagnostics.find("note: the policy is effective through 2026-12-31") != std::string::npos);
  Compiled inside = compileFiles({{"p.ppl", policy + "  effective from 2026-06-01\n  require line.units > 0 else deny CO 16\n"}});
  CHECK(inside.diagnostics.find("empty-range") == std::string::npos);
}

// Review 16b: `a.units_used is absent` was accepted and always false (the field defaults to 0).
TEST_CASE("a presence test of a value that is never absent is an error, as `??` is", "[checker]") {
  Compiled c = compilePolicy("rule R \"r\"\n"
                             "  pend CO 252 when any a in authorizations where a.units_used is absent\n"
                             "  deny CO 16 when line.units is present and line.hcpcs = \"J9043\"\n");
  CHECK(c.diagnostics.find("p.ppl:5:50: error: this value is never absent here: `is absent` is always false") !=
        std::string::npos);
  CHECK(c.diagnostics.find("p.ppl:6:19: error: this value is never absent here: `is present` is always true") !=
        std::string::npos);
  Compiled narrowed = compilePolicy("rule R \"r\"\n"
                                    "  require line.drug is absent or line.drug is present else deny CO 16\n");
  CHECK(narrowed.diagnostics.find("p.ppl:5:34: error: this value is never absent here") != std::string::npos);
  Compiled fine = compilePolicy("rule R \"r\"\n  require line.drug is absent or line.drug.lot_number is present else deny CO 16\n");
  INFO(fine.diagnostics);
  CHECK(fine.ok);
}

// Review 16: a class of a module the file does not use was suggested as if it could be named.
TEST_CASE("an unknown class of lines suggests only classes the file can name, else the module to use", "[checker]") {
  const std::string module = "module m\nlines waste_lines: line is governed and \"JW\" in line.modifiers\n";
  const std::string rule = "rule R \"r\"\n  applies to {}\n  require line.units > 0 else deny CO 16\n";
  // Every file checked, as `pplc check DIR` does: the module is compiled, not used.
  const bool everyFile = true;
  Compiled near = compileFiles({{"m.ppl", module}, {"p.ppl", std::string(kHeader) + fmt::format(rule, "waste_line")}}, everyFile);
  CHECK(near.diagnostics.find("p.ppl:5:14: error: unknown class of lines `waste_line`\n") != std::string::npos);
  CHECK(near.diagnostics.find("note: did you mean `waste_lines`? module `m` declares it: add `use m`") != std::string::npos);
  Compiled exact = compileFiles({{"m.ppl", module}, {"p.ppl", std::string(kHeader) + fmt::format(rule, "waste_lines")}}, everyFile);
  CHECK(exact.diagnostics.find("note: module `m` declares it: add `use m`") != std::string::npos);
  Compiled used = compileFiles(
      {{"m.ppl", module}, {"p.ppl", std::string(kHeader) + "use m\n" + fmt::format(rule, "waste_line")}});
  CHECK(used.diagnostics.find("note: did you mean `waste_lines`?\n") != std::string::npos);
}

// Review 16b: a set held by a define or chosen by `if` crashed code generation; a constant set
// passed to a define or counted over failed to link.
TEST_CASE("a set can only be the right side of in, written there or named by a constant", "[checker]") {
  const std::string message =
      "error: a set `{...}` can only be the right side of `in` or `not in`, written there or named by a constant";
  const std::string sets = "const s = {\"J9027\"}\nconst u = {\"J9043\"}\n";
  Compiled viaDefine = compilePolicy(sets + "define d = {\"J9027\", \"J9043\"}\n"
                                            "rule R \"r\"\n  require line.hcpcs in d else deny CO 16\n");
  // At the define, used or not (as at a `let`), and not again where it is used.
  CHECK(viaDefine.diagnostics.find("p.ppl:6:12: " + message) != std::string::npos);
  CHECK(viaDefine.diagnostics.find("note: declare `d` with `const`") != std::string::npos);
  CHECK(viaDefine.diagnostics.find("p.ppl:8:") == std::string::npos);
  Compiled unusedDefine = compilePolicy(sets + "define e = s\nrule R \"r\"\n  require line.units > 0 else deny CO 16\n");
  CHECK(unusedDefine.diagnostics.find("p.ppl:6:12: " + message) != std::string::npos);
  CHECK(unusedDefine.diagnostics.find("note: declare `e` with `const`") != std::string::npos);
  Compiled viaIf = compilePolicy(sets + "rule R \"r\"\n  require line.hcpcs in (if line.units > 10 then s else u) else deny CO 16\n");
  CHECK(viaIf.diagnostics.find("p.ppl:7:50: " + message) != std::string::npos);
  CHECK(viaIf.diagnostics.find("p.ppl:7:57: " + message) != std::string::npos);
  Compiled viaLet = compilePolicy(sets + "rule R \"r\"\n  let t = s\n  require line.hcpcs in t else deny CO 16\n");
  CHECK(viaLet.diagnostics.find("note: declare `t` with `const`") != std::string::npos);
  Compiled counted = compilePolicy(sets + "rule R \"r\"\n  require (count c in s) > 0 else deny CO 16\n");
  CHECK(counted.diagnostics.find("p.ppl:7:23: " + message) != std::string::npos);
  Compiled passed = compilePolicy(sets + "define f(codes: list of string) = \"J9027\" in codes\n"
                                         "rule R \"r\"\n  require f(s) else deny CO 16\n");
  CHECK(passed.diagnostics.find("p.ppl:8:13: " + message) != std::string::npos);
  Compiled fine = compilePolicy(sets + "rule R \"r\"\n  require line.hcpcs in s and line.hcpcs not in {\"J9043\"} else deny CO 16\n");
  INFO(fine.diagnostics);
  CHECK(fine.ok);
}

TEST_CASE("type errors name both types", "[checker]") {
  Compiled c = compilePolicy(
      "rule R \"r\"\n"
      "  require line.hcpcs + 1 = 2 else deny CO 50\n"
      "rule S \"s\"\n"
      "  require line.service_date < 5 else deny CO 50\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("error: cannot add string and integer") != std::string::npos);
  CHECK(c.diagnostics.find("error: cannot compare date and integer") != std::string::npos);
}

TEST_CASE("a quantifier's list running into a comparison is explained", "[checker]") {
  Compiled c = compilePolicy(
      "rule R \"r\"\n"
      "  require count l in lines > 2 else deny CO 50\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("p.ppl:5:22: error: cannot compare list of Line and integer") != std::string::npos);
  CHECK(c.diagnostics.find("note: a quantifier's list runs to the end of the expression") != std::string::npos);
  CHECK(c.diagnostics.find("note: parenthesize the quantifier: `(count l in lines) > 2`") != std::string::npos);
  Compiled ok = compilePolicy(
      "rule R \"r\"\n"
      "  require (count l in lines) > 2 and (sum l.units for l in lines) > 2 else deny CO 50\n");
  INFO(ok.diagnostics);
  CHECK(ok.ok);
}

TEST_CASE("integers widen to decimal in every argument of a define", "[checker]") {
  // Only the first three were widened: `f(1, 2, 3, 4)` said argument 4 must be decimal.
  Compiled c = compilePolicy(
      "define f(a: decimal, b: decimal, c: decimal, d: decimal, e: decimal) = a + b + c + d + e\n"
      "rule R \"r\"\n"
      "  require line.units <= f(1, 2, 3, 4, 5) else deny CO 50\n");
  INFO(c.diagnostics);
  CHECK(c.ok);
}

TEST_CASE("recursive definitions are rejected", "[checker]") {
  Compiled c = compilePolicy(
      "define a = b + 1\n"
      "define b = a + 1\n"
      "rule R \"r\"\n"
      "  require a > 0 else deny CO 50\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("is defined in terms of itself; definitions cannot be recursive") != std::string::npos);
}

TEST_CASE("a definition cycle is reported once, however many references close it", "[checker]") {
  // `x` reads `dos` twice: each read once reported the cycle again.
  Compiled c = compilePolicy(
      "define dos = if x then line.service_date else line.service_date\n"
      "define x = dos = dos\n"
      "rule R \"r\"\n"
      "  require dos > 2020-01-01 else deny CO 50 \"m\"\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics ==
        "./p.ppl:4:8: error: `dos` is defined in terms of itself; definitions cannot be recursive\n"
        "define dos = if x then line.service_date else line.service_date\n"
        "       ^~~\n");
}

TEST_CASE("a class of lines that tests itself is rejected, not inlined without end", "[checker]") {
  // Directly, through a define, and through another class: codegen inlines classes where they
  // are tested, so each of these once overflowed its stack.
  for (const char* body : {"lines loop: line is loop\n",
                           "define in_a = line is a\n"
                           "lines a: line is governed and in_a\n",
                           "lines a: line is b\n"
                           "lines b: \"JW\" in line.modifiers and line is a\n"}) {
    INFO(body);
    Compiled c = compilePolicy(std::string(body) +
                               "rule R \"r\"\n"
                               "  require true else deny CO 50\n");
    CHECK_FALSE(c.ok);
    CHECK(c.diagnostics.find("is defined in terms of itself (`") != std::string::npos);
    CHECK(c.diagnostics.find("classes cannot be recursive") != std::string::npos);
  }
  Compiled c = compilePolicy(
      "lines a: line is b\n"
      "lines b: \"JW\" in line.modifiers and line is a\n"
      "rule R \"r\"\n"
      "  require true else deny CO 50\n");
  CHECK(c.diagnostics.find("p.ppl:4:7: error: class of lines `a` is defined in terms of itself (`a` -> `b` -> `a`)") !=
        std::string::npos);
  // A class tested by another, without a cycle, is fine.
  Compiled fine = compilePolicy(
      "lines waste: \"JW\" in line.modifiers\n"
      "lines administration: line is governed and line is not waste\n"
      "rule R \"r\"\n"
      "  applies to administration\n"
      "  require true else deny CO 50\n");
  INFO(fine.diagnostics);
  CHECK(fine.ok);
}

TEST_CASE("positions count lines ended by CR alone (old Mac line endings) too", "[checker]") {
  Compiled c = compilePolicy(
      "rule R \"r\"\r"
      "  // a comment\r"
      "  require line.hcpc = \"J9027\" else deny CO 50\r");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("p.ppl:6:11: error: `Line` has no field `hcpc`") != std::string::npos);
}

TEST_CASE("a constant whose arithmetic fails says why, not that it depends on the claim", "[checker]") {
  Compiled byZero = compilePolicy(
      "const limit = 60 / 0\n"
      "rule R \"r\"\n"
      "  require line.units <= limit else deny CO 50\n");
  CHECK_FALSE(byZero.ok);
  CHECK(byZero.diagnostics.find("p.ppl:4:15: error: constant `limit` cannot be computed: division by zero") != std::string::npos);
  CHECK(byZero.diagnostics.find("use a `define`") == std::string::npos);
  Compiled overflow = compilePolicy(
      "const big = 9223372036854775807 * 2\n"
      "rule R \"r\"\n"
      "  require line.units <= big else deny CO 50\n");
  CHECK(overflow.diagnostics.find("constant `big` cannot be computed: integer overflow") != std::string::npos);
  Compiled negated = compilePolicy(
      "const m = 0 - 9223372036854775807 - 1\n"
      "const x = -m\n"
      "rule R \"r\"\n"
      "  require line.units > x else deny CO 50\n");
  CHECK(negated.diagnostics.find("constant `x` cannot be computed: integer overflow") != std::string::npos);
  Compiled function = compilePolicy(
      "const r = ceil(2.5)\n"
      "rule R \"r\"\n"
      "  require line.units > round(line.units, 19) else deny CO 50\n");
  CHECK(function.diagnostics.find("constant `r` must be computable before any claim is seen, from literals, other constants") !=
        std::string::npos);
  CHECK(function.diagnostics.find("note: use a `define` for anything else: a function, `if`, or a value that depends on the claim") !=
        std::string::npos);
  CHECK(function.diagnostics.find("p.ppl:6:42: error: `round` takes 0 to 18 places, given 19") != std::string::npos);
  // The VM refuses dates past 9999-12-31 and before 0001-01-01; folding did not, and printed
  // the clamped date while differences used the true day number.
  Compiled dates = compilePolicy(
      "const d = 9999-12-31 + 1 days\n"
      "const e = 0001-01-01 - 1 days\n"
      "const f = 9999-12-31 - 3652058 days\n"
      "rule R \"r\"\n"
      "  require line.units > 1 else deny CO 50 \"{d} {e} {f}\"\n");
  CHECK(dates.diagnostics.find("p.ppl:4:11: error: constant `d` cannot be computed: the date is out of range "
                               "(0001-01-01 to 9999-12-31)") != std::string::npos);
  CHECK(dates.diagnostics.find("p.ppl:5:11: error: constant `e` cannot be computed: the date is out of range") !=
        std::string::npos);
  CHECK(dates.diagnostics.find("constant `f`") == std::string::npos);  // 0001-01-01 itself is fine
  Compiled claimDependent = compilePolicy(
      "const n = claim.claim_id\n"
      "rule R \"r\"\n"
      "  require true else deny CO 50\n");
  CHECK(claimDependent.diagnostics.find("must be computable before any claim is seen") != std::string::npos);
}

TEST_CASE("an effective range that ends before it starts is an error", "[checker]") {
  auto withRange = [](const std::string& range) {
    return compileFiles({{"p.ppl",
                          "policy p version \"1\"\n"
                          "  line of business \"commercial\"\n"
                          "  governs lines where line.hcpcs = \"J9027\"\n"
                          "  effective " + range + "\n"
                          "rule R \"r\"\n"
                          "  require true else deny CO 50\n"}});
  };
  Compiled c = withRange("from 2026-01-01 through 2020-01-01");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("p.ppl:4:37: error: the effective range ends before it starts") != std::string::npos);
  Compiled oneDay = withRange("from 2026-01-01 through 2026-01-01");
  INFO(oneDay.diagnostics);
  CHECK(oneDay.ok);

  // A rule's range too, when both ends are known before the claim.
  Compiled rule = compilePolicy(
      "rule R \"r\"\n"
      "  effective from 2025-01-01 through 2024-01-01\n"
      "  require true else deny CO 50\n"
      "rule S \"s\"\n"
      "  effective from line.service_date - 3 days through line.service_date\n"
      "  require true else deny CO 50\n");
  CHECK_FALSE(rule.ok);
  CHECK(rule.diagnostics.find("p.ppl:5:37: error: the effective range ends before it starts: rule `R` would never apply") !=
        std::string::npos);
  CHECK(rule.diagnostics.find("rule `S`") == std::string::npos);
}

TEST_CASE("line dependencies: a cycle is rejected with a diagnostic", "[checker]") {
  Compiled c = compilePolicy(
      "lines early: \"JW\" not in line.modifiers\n"
      "lines late: \"JW\" in line.modifiers\n"
      "rule A \"late reads early\"\n"
      "  applies to late\n"
      "  require no l in lines where l is early and l.decision = \"deny\" else deny CO 96\n"
      "rule B \"early reads late\"\n"
      "  applies to early\n"
      "  require no l in lines where l is late and l.decision = \"deny\" else deny CO 96\n");
  CHECK_FALSE(c.ok);
  // At the rule that closes the cycle, naming each rule of it.
  INFO(c.diagnostics);
  CHECK(c.diagnostics.find("p.ppl:6:6: error: the decisions of `early` lines depend on themselves: `early` lines wait "
                           "for `late` lines (rule `B`), which wait for `early` lines (rule `A`)") != std::string::npos);
}

TEST_CASE("line dependencies: a rule over every governed line cannot read decisions", "[checker]") {
  Compiled c = compilePolicy(
      "lines early: \"JW\" not in line.modifiers\n"
      "rule A \"reads early\"\n"
      "  applies to governed\n"
      "  require no l in lines where l is early and l.decision = \"deny\" else deny CO 96\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("its lines would wait for themselves") != std::string::npos);

  // `governed` beside a class adds nothing: the rule applies to the class's lines.
  Compiled narrowed = compilePolicy(
      "lines dose: \"JW\" not in line.modifiers\n"
      "lines waste: \"JW\" in line.modifiers\n"
      "rule W \"w\"\n"
      "  applies to governed and waste\n"
      "  require no l in lines where l is dose and l.decision = \"deny\" else deny CO 96\n");
  INFO(narrowed.diagnostics);
  CHECK(narrowed.ok);
}

TEST_CASE("line dependencies: decisions are read only through a class of lines", "[checker]") {
  Compiled c = compilePolicy(
      "lines late: \"JW\" in line.modifiers\n"
      "rule A \"a\"\n"
      "  applies to late\n"
      "  require no l in lines where l.decision = \"deny\" else deny CO 96\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("a line's `decision` can be read only for a variable restricted to a class of lines") != std::string::npos);
}

TEST_CASE("line dependencies order the classes into phases", "[checker]") {
  Compiled c = compilePolicy(
      "lines dose: \"JW\" not in line.modifiers\n"
      "lines waste: \"JW\" in line.modifiers\n"
      "rule W \"w\"\n"
      "  applies to waste\n"
      "  require no l in lines where l is dose and l.decision = \"deny\" else deny CO 96\n");
  INFO(c.diagnostics);
  REQUIRE(c.ok);
  const auto& phased = c.checked.policies[0].phasedClasses;
  REQUIRE(phased.size() == 1);
  CHECK(phased[0].decl->name == "waste");
  CHECK(phased[0].phase == 1);
}

TEST_CASE("lines of business are checked against the schema", "[checker]") {
  Compiled c = compileFiles({{"p.ppl",
                              "policy p version \"1\"\n"
                              "  line of business \"comercial\"\n"
                              "  governs lines where line.hcpcs = \"J9027\"\n"}});
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("./p.ppl:2:20: error: \"comercial\" is not a line of business") != std::string::npos);
  CHECK(c.diagnostics.find("note: did you mean `commercial`?") != std::string::npos);
}

TEST_CASE("modules: parameters must be bound, and bind per policy", "[checker]") {
  std::string module =
      "module shared\n"
      "param strict: bool\n"
      "rule S-1 \"s\"\n"
      "  only when strict\n"
      "  require line.units <= 10 else deny CO 151\n";
  Compiled unbound = compileFiles({{"shared.ppl", module}, {"p.ppl", std::string(kHeader) + "use shared\n"}});
  CHECK_FALSE(unbound.ok);
  CHECK(unbound.diagnostics.find("without a value for its parameter `strict`") != std::string::npos);

  Compiled bound = compileFiles({{"shared.ppl", module}, {"p.ppl", std::string(kHeader) + "use shared with strict = true\n"}});
  INFO(bound.diagnostics);
  REQUIRE(bound.ok);
  const auto& params = bound.checked.policies[0].params;
  REQUIRE(params.size() == 1);
  CHECK(params.begin()->second.value.i == 1);

  // A value of the wrong type is one error: the parameter was given a value, however wrong.
  Compiled wrongType = compileFiles({{"shared.ppl", module}, {"p.ppl", std::string(kHeader) + "use shared with strict = 1\n"}});
  CHECK_FALSE(wrongType.ok);
  CHECK(wrongType.diagnostics ==
        "./p.ppl:4:26: error: expected bool, got integer\n"
        "use shared with strict = 1\n"
        "                         ^\n");

  Compiled misspelt = compileFiles({{"shared.ppl", module}, {"p.ppl", std::string(kHeader) + "use shared with strickt = true\n"}});
  CHECK_FALSE(misspelt.ok);
  CHECK(misspelt.diagnostics.find("module `shared` has no parameter `strickt`") != std::string::npos);
  CHECK(misspelt.diagnostics.find("did you mean `strict`?") != std::string::npos);

  // One `use` binding a parameter twice is said so, at the second, whether the values differ or
  // not (it was "module `shared` is used twice ... with different values", or nothing).
  for (const char* second : {"false", "true"}) {
    Compiled twice = compileFiles(
        {{"shared.ppl", module}, {"p.ppl", std::string(kHeader) + "use shared with strict = true, strict = " + second + "\n"}});
    CHECK(twice.diagnostics == fmt::format("./p.ppl:4:32: error: parameter `strict` is bound twice in this `use`\n"
                                           "use shared with strict = true, strict = {}\n"
                                           "                               ^~~~~~\n"
                                           "  note: keep one value\n",
                                           second));
  }
}

TEST_CASE("modules: a policy's binding wins over a default, whichever `use` comes first", "[checker]") {
  // `other` uses `shared` without binding `rate`; the default once clashed with the policy's
  // binding when `use other` came first, and not when it came second.
  for (const char* uses : {"use other\nuse shared with rate = 2\n", "use shared with rate = 2\nuse other\n"}) {
    INFO(uses);
    Compiled c = compileFiles({{"shared.ppl", "module shared\nparam rate: integer = 1\n"
                                              "rule S-1 \"s\"\n  require line.units <= rate else deny CO 151\n"},
                               {"other.ppl", "module other\nuse shared\n"},
                               {"p.ppl", std::string(kHeader) + uses}});
    INFO(c.diagnostics);
    REQUIRE(c.ok);
    const auto& params = c.checked.policies[0].params;
    REQUIRE(params.size() == 1);
    CHECK(params.begin()->second.value.i == 2);
  }
}

TEST_CASE("modules: `use M as N` qualifies a dashed module; qualifiers are unique", "[checker]") {
  std::map<std::string, std::string> files = {
      {"mod-a.ppl", "module mod-a\nconst x = 1\n"},
      {"mod-b.ppl", "module mod-b\nconst x = 2\n"},
      {"p.ppl", std::string(kHeader) +
                    "use mod-a\nuse mod-b\n"
                    "rule R \"r\"\n"
                    "  require line.units > x else deny CO 50\n"}};
  Compiled ambiguous = compileFiles(files);
  CHECK_FALSE(ambiguous.ok);
  // Only qualifiers that can be written are suggested: `mod-b.x` is a subtraction.
  CHECK(ambiguous.diagnostics ==
        "./p.ppl:7:24: error: `x` is declared by both `mod-a` and `mod-b`: qualify it as `NAME.x` after "
        "`use mod-a as NAME`, or as `NAME.x` after `use mod-b as NAME`\n"
        "  require line.units > x else deny CO 50\n"
        "                       ^\n"
        "  note: a dashed name cannot qualify: `mod-a.x` and `mod-b.x` would be subtractions\n");
  files["mod.ppl"] = "module mod\nconst x = 3\n";
  files["p.ppl"] = std::string(kHeader) +
                   "use mod\nuse mod-b\n"
                   "rule R \"r\"\n"
                   "  require line.units > x else deny CO 50\n";
  Compiled oneDashed = compileFiles(files);
  CHECK(oneDashed.diagnostics ==
        "./p.ppl:7:24: error: `x` is declared by both `mod` and `mod-b`: qualify it as `mod.x`, or as `NAME.x` after "
        "`use mod-b as NAME`\n"
        "  require line.units > x else deny CO 50\n"
        "                       ^\n"
        "  note: a dashed name cannot qualify: `mod-b.x` would be a subtraction\n");
  files.erase("mod.ppl");

  files["p.ppl"] = std::string(kHeader) +
                   "use mod-a as a\nuse mod-b as b\n"
                   "rule R \"r\"\n"
                   "  require line.units > a.x and line.units > b.x else deny CO 50\n";
  Compiled aliased = compileFiles(files);
  INFO(aliased.diagnostics);
  CHECK(aliased.ok);

  files["p.ppl"] = std::string(kHeader) + "use mod-a as a\nuse mod-b as a\n";
  Compiled twice = compileFiles(files);
  CHECK(twice.diagnostics.find("p.ppl:5:14: error: `a` already names module `mod-a` in this file") != std::string::npos);

  files["p.ppl"] = std::string(kHeader) + "use mod-a as x\nconst x = 3\n";
  Compiled hidden = compileFiles(files);
  CHECK(hidden.diagnostics.find("p.ppl:4:14: error: `x` names both module `mod-a` and a declaration of this file") !=
        std::string::npos);

  // Review 16: `payer.line_of_business` meant the module's define, not the claim's field.
  files["payer.ppl"] = "module payer\ndefine line_of_business = \"medicare_part_b\"\n";
  files["p.ppl"] = std::string(kHeader) + "use mod-a as payer\n";
  Compiled field = compileFiles(files);
  CHECK(field.diagnostics.find("p.ppl:4:14: error: `payer` is a field of the claim: it cannot also name module `mod-a`") !=
        std::string::npos);
  files["p.ppl"] = std::string(kHeader) + "use payer\n";
  Compiled named = compileFiles(files);
  CHECK(named.diagnostics.find("p.ppl:4:5: error: `payer` is a field of the claim: it cannot also name module `payer`") !=
        std::string::npos);
  files["p.ppl"] = std::string(kHeader) + "use mod-a as CO\n";
  Compiled group = compileFiles(files);
  CHECK(group.diagnostics.find("p.ppl:4:14: error: `CO` is an adjustment group") != std::string::npos);
  // Review 16b: a qualifier that another used module declares would hide that declaration.
  files["facts.ppl"] = "module facts\ndefine med = line.drug\n";
  files["p.ppl"] = std::string(kHeader) + "use facts\nuse mod-a as med\n";
  Compiled hiding = compileFiles(files);
  CHECK(hiding.diagnostics.find("p.ppl:5:14: error: `med` is declared by module `facts`: it cannot also name module `mod-a`") !=
        std::string::npos);
  files.erase("facts.ppl");
  files["p.ppl"] = std::string(kHeader) + "use payer as helpers\n"
                   "rule R \"r\"\n"
                   "  require payer.line_of_business != helpers.line_of_business else deny CO 50\n";
  Compiled renamed = compileFiles(files);
  INFO(renamed.diagnostics);
  CHECK(renamed.ok);
}

TEST_CASE("imported rules come first, in use order, each module once", "[checker]") {
  Compiled c = compileFiles({
      {"base.ppl", "module base\nrule B-1 \"b\"\n  require true else deny CO 50\n"},
      {"one.ppl", "module one\nuse base\nrule O-1 \"o\"\n  require true else deny CO 50\n"},
      {"two.ppl", "module two\nuse base\nrule T-1 \"t\"\n  require true else deny CO 50\n"},
      {"p.ppl", std::string(kHeader) + "use two\nuse one\nrule P-1 \"p\"\n  require true else deny CO 50\n"},
  });
  INFO(c.diagnostics);
  REQUIRE(c.ok);
  std::vector<std::string> ids;
  for (const auto* r : c.checked.policies[0].rules) ids.push_back(r->id);
  CHECK(ids == std::vector<std::string>{"B-1", "T-1", "O-1", "P-1"});
}

TEST_CASE("a missing module names the file it looked for", "[checker]") {
  Compiled c = compileFiles({{"p.ppl", std::string(kHeader) + "use nowhere\n"}});
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("error: no module `nowhere`: `use nowhere` looks for the file `./nowhere.ppl`") != std::string::npos);
}

TEST_CASE("duplicate rule ids in one policy are rejected", "[checker]") {
  Compiled c = compileFiles({
      {"m.ppl", "module m\nrule X \"x\"\n  require true else deny CO 50\n"},
      {"p.ppl", std::string(kHeader) + "use m\nrule X \"again\"\n  require true else deny CO 50\n"},
  });
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("rule id `X` is used twice in policy `p`") != std::string::npos);
}

TEST_CASE("a line's decision compared with a value it never has is an error", "[checker]") {
  const std::string classes =
      "lines admin: line is governed and \"JW\" not in line.modifiers\n"
      "lines waste: line is governed and \"JW\" in line.modifiers\n"
      "rule W \"w\"\n"
      "  applies to waste\n";
  Compiled c = compilePolicy(classes + "  require no l in lines where l is admin and l.decision = \"denied\" else deny CO 96\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("p.ppl:8:59: error: \"denied\" is never a value here") != std::string::npos);
  CHECK(c.diagnostics.find("the possible values are approve, deny, pend, not_applicable") != std::string::npos);
  c = compilePolicy(classes + "  require no l in lines where l is admin and l.decision in {\"deny\", \"pended\"} else deny CO 96\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("error: \"pended\" is never a value here") != std::string::npos);
  CHECK(c.diagnostics.find("did you mean `pend`?") != std::string::npos);
  c = compilePolicy(classes + "  require no l in lines where l is admin and l.decision != \"approve\" else deny CO 96\n");
  CHECK(c.ok);
  CHECK(c.diagnostics.empty());
}

TEST_CASE("a define's parameters have distinct names", "[checker]") {
  Compiled c = compilePolicy(
      "define f(a: integer, a: integer) = a\n"
      "rule R \"r\"\n"
      "  require f(1, 2) = 1 else deny CO 96\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("p.ppl:4:22: error: `a` is declared twice in the parameters of `f`") != std::string::npos);
}

TEST_CASE("a declaration cannot take a name the language or the claim already gives", "[checker]") {
  const std::pair<const char*, const char*> cases[] = {
      {"define sqrt(x: decimal) = x + 1\n", "p.ppl:4:8: error: `sqrt` is a built-in function: choose another name"},
      {"const patient = 5\n", "p.ppl:4:7: error: `patient` is a field of the claim: choose another name"},
      {"const claim = 5\n", "p.ppl:4:7: error: `claim` is the claim: choose another name"},
      {"const CO = 5\n", "p.ppl:4:7: error: `CO` is an adjustment group: choose another name"},
  };
  for (const auto& [decl, message] : cases) {
    Compiled c = compilePolicy(std::string(decl) + "rule R \"r\"\n  require line.units > 1 else deny CO 96\n");
    INFO(c.diagnostics);
    CHECK_FALSE(c.ok);
    CHECK(c.diagnostics.find(message) != std::string::npos);
  }
}

TEST_CASE("a malformed claim adjustment reason code is reported at the code", "[checker]") {
  Compiled c = compilePolicy(
      "rule R \"r\"\n"
      "  require line.units > 1 else deny CO \"abc\" \"m\"\n"
      "  adjust CO \"x!\" by 20% when line.units > 2\n");
  CHECK_FALSE(c.ok);
  CHECK(c.diagnostics.find("p.ppl:5:39: error: `abc` is not a claim adjustment reason code") != std::string::npos);
  CHECK(c.diagnostics.find("p.ppl:6:13: error: `x!` is not a claim adjustment reason code") != std::string::npos);
  for (const char* code : {"0", "0151"}) {
    c = compilePolicy(fmt::format("rule R \"r\"\n  require line.units > 1 else deny CO {} \"m\"\n", code));
    CHECK(c.diagnostics.find(fmt::format("p.ppl:5:39: error: `{}` is not a claim adjustment reason code", code)) !=
          std::string::npos);
  }
}

TEST_CASE("two policies for one line of business are an error at the one that would never decide", "[checker]") {
  auto policy = [](const std::string& name, const std::string& lobs) {
    return "policy " + name + " version \"1\"\n  line of business " + lobs +
           "\n  governs lines where line.hcpcs = \"J9027\"\n"
           "rule R \"units\"\n  require line.units <= 10 else deny CO 151 \"too many\"\n";
  };
  // `a-2027.ppl` sorts before `a.ppl`: it is the one that decides.
  Compiled c = compileFiles({{"a.ppl", policy("a", "\"commercial\", \"medicare_advantage\"")},
                             {"a-2027.ppl", policy("a-2027", "\"commercial\"")}});
  CHECK_FALSE(c.ok);
  INFO(c.diagnostics);
  CHECK(c.diagnostics.rfind("./a.ppl:2:20: error: policy `a` would never decide a \"commercial\" claim: "
                            "policy `a-2027` decides them\n",
                            0) == 0);
  CHECK(c.diagnostics.find("medicare_advantage\" claim") == std::string::npos);
  CHECK(c.diagnostics.find("note: to change rules from a date, keep one policy") != std::string::npos);

  Compiled apart = compileFiles({{"a.ppl", policy("a", "\"commercial\"")}, {"b.ppl", policy("b", "\"medicare_advantage\"")}});
  CHECK(apart.ok);
  CHECK(apart.diagnostics.empty());
}

TEST_CASE("a define is called through its module's name, the one way when two modules declare it", "[checker]") {
  const std::string ma = "module ma\ndefine f(x: decimal) = x + 1\n";
  const std::string mb = "module mb\ndefine f(x: decimal) = x + 2\n";
  auto policy = [](const std::string& condition) {
    return std::string(kHeader) + "use ma\nuse mb\nrule R \"r\"\n  require " + condition +
           " else deny CO 151 \"m\"\n";
  };
  Compiled qualified = compileFiles({{"ma.ppl", ma}, {"mb.ppl", mb}, {"p.ppl", policy("mb.f(line.units) < ma.f(10)")}});
  INFO(qualified.diagnostics);
  CHECK(qualified.ok);
  CHECK(qualified.diagnostics.empty());

  Compiled bare = compileFiles({{"ma.ppl", ma}, {"mb.ppl", mb}, {"p.ppl", policy("f(line.units) < 10")}});
  CHECK(bare.diagnostics.find("`f` is declared by both `ma` and `mb`: qualify it as `ma.f`, or as `mb.f`\n") != std::string::npos);

  Compiled unknown = compileFiles({{"ma.ppl", ma}, {"mb.ppl", mb}, {"p.ppl", policy("mc.f(line.units) < 10")}});
  CHECK(unknown.diagnostics.rfind("./p.ppl:7:11: error: `mc` is not a module this file uses\n", 0) == 0);

  Compiled missing = compileFiles({{"ma.ppl", ma}, {"mb.ppl", mb}, {"p.ppl", policy("mb.g(line.units) < 10")}});
  CHECK(missing.diagnostics.rfind("./p.ppl:7:11: error: module `mb` declares no define `g`\n", 0) == 0);
}

TEST_CASE("a class of lines is named through its module's name, the one way when two modules declare it", "[checker]") {
  const std::string ma = "module ma\nlines waste: line is governed and \"JW\" in line.modifiers\n";
  const std::string mb = "module mb\nlines waste: line is governed and line.units > 5\n";
  auto policy = [](const std::string& applies, const std::string& condition) {
    return std::string(kHeader) + "use ma\nuse mb\nrule R \"r\"\n  applies to " + applies + "\n  require " + condition +
           " else deny CO 151 \"m\"\n";
  };
  auto compile = [&](const std::string& applies, const std::string& condition) {
    return compileFiles({{"ma.ppl", ma}, {"mb.ppl", mb}, {"p.ppl", policy(applies, condition)}});
  };
  Compiled qualified = compile("mb.waste and governed", "no l in lines where l is ma.waste and l.decision = \"deny\"");
  INFO(qualified.diagnostics);
  REQUIRE(qualified.ok);
  std::map<std::string, const ast::Unit*> units;
  for (const auto& u : qualified.checked.units) units[u->name] = u.get();
  REQUIRE(units.count("p") + units.count("mb") == 2);
  const ast::RuleDecl& r = *units["p"]->decls.back().ruleDecl;
  CHECK(r.appliesRefs == std::vector<ast::LinesDecl*>{units["mb"]->decls[0].linesDecl.get()});

  CHECK(compile("waste", "true").diagnostics.rfind(
            "./p.ppl:7:14: error: `waste` is declared by both `ma` and `mb`: qualify it as `ma.waste`, or as `mb.waste`\n", 0) == 0);
  CHECK(compile("mc.waste", "true").diagnostics.rfind("./p.ppl:7:14: error: `mc` is not a module this file uses\n", 0) == 0);
  CHECK(compile("governed", "line is mb.wast").diagnostics ==
        "./p.ppl:8:11: error: module `mb` declares no class of lines `wast`\n"
        "  require line is mb.wast else deny CO 151 \"m\"\n"
        "          ^~~~~~~~~~~~~~~\n"
        "  note: did you mean `waste`?\n");
  CHECK(compile("ma.governed", "true").diagnostics ==
        "./p.ppl:7:14: error: module `ma` declares no class of lines `governed`\n"
        "  applies to ma.governed\n"
        "             ^~~~~~~~~~~\n"
        "  note: `governed` is every governed line, not a module's: write it without the module\n");
}

// Review 17a: an analyst's slips, each told with the fix.
TEST_CASE("an analyst's slips get a note naming the fix", "[checker]") {
  // A drug's code is an HCPCS code, checked where it is declared, not at each use.
  Compiled drug = compilePolicy("drug docetaxel code \"j9171\"\n"
                                "rule R \"r\"\n  deny CO 16 when line.hcpcs = docetaxel or docetaxel in line.modifiers\n");
  CHECK(drug.diagnostics ==
        "./p.ppl:4:21: error: \"j9171\" is not an HCPCS code\n"
        "drug docetaxel code \"j9171\"\n"
        "                    ^~~~~~~\n"
        "  note: did you mean `J9171`?\n"
        "  note: a drug's code must be an hcpcs code: a capital letter or digit, 3 digits, a capital letter or digit (like J9027)\n"
        // A different misuse of the constant is still told (review17c 8).
        "./p.ppl:6:45: error: constant `docetaxel` holds \"j9171\", which is never a value here\n"
        "  deny CO 16 when line.hcpcs = docetaxel or docetaxel in line.modifiers\n"
        "                                            ^~~~~~~~~\n"
        "  note: `docetaxel` is declared at line 4, column 6 of policy `p`\n"
        "  note: the claim's value must be a modifier of 2 capital letters or digits\n");
  // A constant's wrong string: once, at the first use, naming the declaration.
  Compiled set = compilePolicy("const covered = {\"C61\", \"c50.911\"}\n"
                               "rule R \"r\"\n"
                               "  require any d in diagnoses where d in covered else deny CO 50\n"
                               "  require \"Z19.2\" in diagnoses or any d in diagnoses where d in covered else deny CO 50\n");
  CHECK(set.diagnostics ==
        "./p.ppl:6:41: error: constant `covered` holds \"c50.911\", which is never a value here\n"
        "  require any d in diagnoses where d in covered else deny CO 50\n"
        "                                        ^~~~~~~\n"
        "  note: `covered` is declared at line 4, column 7 of policy `p`\n"
        "  note: did you mean `C50.911`?\n"
        "  note: the claim's value must be an icd-10-cm code like C61 or Z19.2\n");
  // Codes and groups written bare, a US date, numbers in a set of codes.
  Compiled bare = compilePolicy("rule R \"r\"\n"
                                "  require line.hcpcs = J9171 and place_of_service in {11, 02} else deny co 16\n"
                                "  deny C0 16 when line.service_date >= 02/01/2026\n");
  CHECK(bare.diagnostics.find("./p.ppl:5:24: error: unknown name `J9171`\n") != std::string::npos);
  CHECK(bare.diagnostics.find("  note: codes are strings: write `\"J9171\"`\n") != std::string::npos);
  CHECK(bare.diagnostics.find("./p.ppl:5:55: error: a set `{...}` holds strings, not numbers\n") != std::string::npos);
  CHECK(bare.diagnostics.find("  note: write `\"11\"`: codes of digits are strings\n") != std::string::npos);
  CHECK(bare.diagnostics.find("  note: write `\"02\"`: codes of digits are strings\n") != std::string::npos);
  CHECK(bare.diagnostics.find("./p.ppl:5:73: error: unknown name `co`\n") != std::string::npos);
  CHECK(bare.diagnostics.find("./p.ppl:6:8: error: unknown name `C0`\n") != std::string::npos);
  CHECK(bare.diagnostics.find("  note: did you mean `CO`? (the adjustment groups are CO, PR and OA)\n") != std::string::npos);
  CHECK(bare.diagnostics.find("./p.ppl:6:19: error: cannot compare date and decimal\n") != std::string::npos);
  CHECK(bare.diagnostics.find("  note: dates are written YYYY-MM-DD: `2026-02-01`\n") != std::string::npos);
  // A fact named without the record that holds it, or by a payer's usual word for it.
  Compiled facts = compilePolicy("rule R \"r\"\n"
                                 "  require units <= 60 and weight_kg > 1 and date_of_service > 2020-01-01 and pos = \"11\" "
                                 "else deny CO 16\n");
  CHECK(facts.diagnostics.find("./p.ppl:5:11: error: unknown name `units`\n") != std::string::npos);
  CHECK(facts.diagnostics.find("  note: did you mean `line.units`?\n") != std::string::npos);
  CHECK(facts.diagnostics.find("  note: did you mean `patient.weight_kg`?\n") != std::string::npos);
  CHECK(facts.diagnostics.find("  note: did you mean `line.service_date`?\n") != std::string::npos);
  CHECK(facts.diagnostics.find("  note: did you mean `place_of_service`?\n") != std::string::npos);
  // A rule id used twice names the first.
  Compiled twice = compilePolicy("rule R \"r\"\n  deny CO 16 when line.units > 1\nrule R \"s\"\n  deny CO 16 when line.units > 2\n");
  CHECK(twice.diagnostics.find("./p.ppl:6:6: error: rule id `R` is used twice in policy `p`\n") != std::string::npos);
  CHECK(twice.diagnostics.find("  note: the first is at line 4, column 6 of policy `p`\n") != std::string::npos);
  // A forgotten `use`: one error naming the module, not one at every use of its names.
  Compiled noUse = compileFiles(
      {{"pack.ppl", "module pack\nconst max_units = 60\ndefine dos = line.service_date\n"},
       {"p.ppl", std::string(kHeader) + "rule R \"r\"\n  require line.units <= max_units and dos >= 2026-01-01 else deny CO 151\n"
                                        "  deny CO 151 when line.units > max_units\n"}},
      true);
  CHECK(noUse.diagnostics ==
        "./p.ppl:5:25: error: unknown name `max_units`\n"
        "  require line.units <= max_units and dos >= 2026-01-01 else deny CO 151\n"
        "                        ^~~~~~~~~\n"
        "  note: module `pack` declares `max_units`: add `use pack`\n");
  // A CARC or RARC with two characters swapped.
  Compiled codes = compileFiles({{"p.ppl", std::string(kHeader) + "rule R \"r\"\n  deny CO 179 [M26] when line.units > 1 \"m\"\n"}},
                                true);
  CHECK(codes.diagnostics.find("  note: did you mean `197`? (Precertification/notification/authorization/pre-treatment absent.)\n") !=
        std::string::npos);
  CHECK(codes.diagnostics.find("  note: did you mean `M62`? (Missing/incomplete/invalid treatment authorization code.)\n") !=
        std::string::npos);
}

// Review 17b D4: the commands exit 3 for an error of pplc itself, told by the Diagnostics.
TEST_CASE("an internal error counts as an error and is told apart", "[diagnostics]") {
  Diagnostics diags;
  diags.error(Span{}, "a bad policy");
  CHECK_FALSE(diags.hasInternalErrors());
  diags.internalError(Span{kNoFile}, "internal: the generated program does not verify: x");
  CHECK(diags.hasInternalErrors());
  CHECK(diags.errorCount() == 2);
  CHECK(diags.items().back().message == "internal: the generated program does not verify: x");
}

// Review 17c: the checks parameters owe, `let` following and the analyst notes, on inputs that
// broke them.
TEST_CASE("owed checks stay linear, and refuse no valid policy", "[checker]") {
  // Each level passes its parameter on twice: one copy of each check a level, not 2^30.
  std::string diamond = "define f0(x: string) = line.hcpcs = x\n";
  for (int i = 1; i <= 30; ++i) diamond += fmt::format("define f{}(x: string) = f{}(x) or f{}(x)\n", i, i - 1, i - 1);
  Compiled deep = compilePolicy(diamond + "rule R \"r\"\n  deny CO 16 when f30(\"j9027\") \"m\"\n");
  CHECK(deep.diagnostics.find("./p.ppl:36:23: error: \"j9027\" is never a value here\n") != std::string::npos);
  CHECK(deep.diagnostics.find("error:", deep.diagnostics.find("error:") + 1) == std::string::npos);  // once
  // A define calling itself with its compared parameter: the cycle, and nothing read freed.
  Compiled cycle = compilePolicy("define f(x: string) = line.hcpcs = x or f(x) or f(x) or f(x) or f(x) or f(x) or f(x)\n"
                                 "rule R \"r\"\n  deny CO 16 when f(\"J9027\") \"m\"\n");
  CHECK(cycle.diagnostics.find("error: `f` is defined in terms of itself") != std::string::npos);
  // A fallback the checker cannot know (a fact) leaves the comparison unchecked.
  Compiled fact = compilePolicy("rule R \"r\"\n"
                                "  let ch = line.drug.acquisition_channel ?? line.drug.product_name\n"
                                "  require line.drug is absent or ch is absent or ch != \"Jevtana\" else deny CO 16\n");
  INFO(fact.diagnostics);
  CHECK(fact.ok);
  // `if`s chained over `let`s would double the walk at each step: each let is walked once.
  std::string chain = "rule R \"r\"\n  let a0 = line.drug.acquisition_channel ?? \"none\"\n";
  for (int i = 1; i <= 40; ++i) chain += fmt::format("  let a{} = if line.units > {} then a{} else a{}\n", i, i, i - 1, i - 1);
  Compiled lets = compilePolicy(chain + "  require line.drug is absent or a40 != \"brown_bag\" else deny CO 16\n");
  INFO(lets.diagnostics);
  CHECK(lets.ok);
  // Checked each way, with the value taken from a let's own fallback, eight lets deep.
  std::string eight = "rule R \"r\"\n  let a0 = line.drug.acquisition_channel ?? \"none\"\n";
  for (int i = 1; i <= 8; ++i) eight += fmt::format("  let a{} = if line.units > {} then a{} else a{}\n", i, i, i - 1, i - 1);
  Compiled misspelt = compilePolicy(eight + "  require line.drug is absent or a8 != \"brown-bag\" else deny CO 16\n");
  CHECK(misspelt.diagnostics.find("error: \"brown-bag\" is never a value here") != std::string::npos);
  // A bound value's errors come out beside an unrelated one (review17d F5).
  Compiled beside = compileFiles(
      {{"m.ppl", "module m\nparam excluded: string\nrule M \"m\"\n"
                 "  deny CO 16 when (line.drug.acquisition_channel ?? \"none\") = excluded \"m\"\n"},
       {"p.ppl", std::string(kHeader) + "use m with excluded = \"brown-bag\"\nrule R \"r\"\n  deny CO 16 when line.unitz > 1 \"m\"\n"}});
  CHECK(beside.diagnostics.find("./p.ppl:4:23: error: \"brown-bag\" is never a value here") != std::string::npos);
  CHECK(beside.diagnostics.find("error: `Line` has no field `unitz`") != std::string::npos);
  // A bare fact name inside a quantifier means its variable's field (review17d F7).
  Compiled quantified = compilePolicy("rule R \"r\"\n  require (count a in history.administrations where units > 3) < 5 else deny CO 4\n");
  CHECK(quantified.diagnostics.find("  note: did you mean `a.units`?\n") != std::string::npos);
  // A value of the wrong type is the binding's type error, not read as places.
  const std::string module = "module m\nparam places: integer = 2\nrule M \"m\"\n  deny CO 16 when round(line.units, places) > 60\n";
  Compiled decimal = compileFiles({{"m.ppl", module}, {"p.ppl", std::string(kHeader) + "use m with places = 2.5\n"}});
  CHECK(decimal.diagnostics.find("./p.ppl:4:21: error: expected integer, got decimal\n") != std::string::npos);
  CHECK(decimal.diagnostics.find("round") == std::string::npos);
  // Only a number in a set of codes is told to be quoted; an impossible US date gets no hint.
  Compiled set = compilePolicy("rule R \"r\"\n  deny CO 16 when place_of_service in {true, 11} or line.service_date > 02/30/2026 \"m\"\n");
  CHECK(set.diagnostics.find("./p.ppl:5:40: error: a set `{...}` holds strings known before any claim is seen") !=
        std::string::npos);
  CHECK(set.diagnostics.find("./p.ppl:5:46: error: a set `{...}` holds strings, not numbers") != std::string::npos);
  CHECK(set.diagnostics.find("YYYY-MM-DD") == std::string::npos);
}
