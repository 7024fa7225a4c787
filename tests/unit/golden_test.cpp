// Golden disassembly: each tests/golden/NAME.ppl compiles to exactly NAME.disasm. When a change
// to code generation is intended, re-record with `scripts/update-golden.sh` and review the diff.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bytecode/disasm.h"
#include "compiler/compiler.h"

namespace fs = std::filesystem;
using namespace ppl;

TEST_CASE("golden disassembly of small policies", "[golden]") {
  fs::path root(PPL_SOURCE_DIR);
  fs::path cwd = fs::current_path();
  fs::current_path(root);  // positions in the listing are relative to the source tree
  const bool update = std::getenv("PPL_UPDATE_GOLDEN") != nullptr;
  int compared = 0;
  for (const auto& entry : fs::directory_iterator("tests/golden")) {
    if (entry.path().extension() != ".ppl") continue;
    std::string source = fs::path("tests/golden") / entry.path().filename();
    fs::path expectedPath = entry.path();
    expectedPath.replace_extension(".disasm");
    INFO(source);
    Program program;
    Diagnostics diags;
    SourceManager sources;
    bool ok = compilePolicies({source}, program, diags, sources);
    INFO(renderDiagnostics(diags, sources));
    REQUIRE(ok);
    std::string actual = disassemble(program);
    if (update) {
      std::ofstream(expectedPath) << actual;
      continue;
    }
    std::ifstream in(expectedPath);
    std::stringstream expected;
    expected << in.rdbuf();
    CHECK(actual == expected.str());
    ++compared;
  }
  fs::current_path(cwd);
  CHECK((update || compared >= 2));
}
