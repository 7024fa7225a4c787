// Fuzz target for the checker (and everything behind it): bytes -> a policy file in a
// per-process temporary directory, beside the modules of the J9027 pack and the feature tour (so
// `use pack` and friends resolve) -> the compiler's driver, exactly as compilePolicies runs it (compileChecked, then
// generateLinked: generate, link, verify).
//
// Checks, on any input: no crash, hang or sanitizer report; failure comes with an error, and
// never with an "internal:" one (the generated program failed to link or verify: a compiler
// bug). When the input compiles, the program must also survive a .pplb round trip (write, read,
// link, verify, write the same bytes), disassemble, and decide a few fixed example claims with
// the VM exactly as the reference evaluator decides them (differential testing).
#include <stdlib.h>  // mkdtemp

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bytecode/disasm.h"
#include "bytecode/pplb.h"
#include "bytecode/verifier.h"
#include "compiler/checked.h"
#include "compiler/compiler.h"
#include "compiler/reference_evaluator.h"
#include "fuzz/fuzz_common.h"
#include "runtime/facts.h"
#include "vm/claim_loader.h"
#include "vm/decision_json.h"
#include "vm/vm.h"

namespace {

namespace fs = std::filesystem;
using ppl::fuzz::mustRead;

// One example claim, loaded once by the builtin schema (every compiled program's schema).
struct FixedClaim {
  std::string name;
  std::string json;
  std::unique_ptr<ppl::ClaimLoader> loader;  // the facts' strings live in its buffers
  ppl::Facts facts;
};

struct State {
  fs::path dir;       // per-process temporary directory
  std::string path;   // dir/fuzz.ppl: the input
  ppl::Schema schema;
  std::vector<FixedClaim> claims;
};
State* g = nullptr;

void removeDir() {
  if (g == nullptr) return;
  std::error_code ec;
  fs::remove_all(g->dir, ec);
}

// True when `text`, past blank lines and `//` comments, starts with `module`.
bool looksLikeModule(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n') {
      ++i;
    } else if (text.compare(i, 2, "//") == 0) {
      while (i < text.size() && text[i] != '\n') ++i;
    } else {
      break;
    }
  }
  return text.compare(i, 6, "module") == 0;
}

void checkNoInternalError(const ppl::Diagnostics& diags, const ppl::SourceManager& sources) {
  for (const ppl::Diagnostic& d : diags.items()) {
    PPL_FUZZ_CHECK(d.message.rfind("internal", 0) != 0, "the compiler failed itself:\n%s",
                   ppl::renderDiagnostic(d, sources).c_str());
  }
}

// The compiled program must travel through a .pplb file unchanged.
void checkRoundTrip(const ppl::Program& program) {
  std::string bytes;
  PPL_FUZZ_CHECK(ppl::writePplb(program, bytes), "writePplb refused a compiled program");
  ppl::Program loaded;
  std::string error;
  PPL_FUZZ_CHECK(ppl::readPplb(bytes, loaded, error), "readPplb refused what writePplb wrote: %s", error.c_str());
  PPL_FUZZ_CHECK(loaded.link(error), "a compiled program does not link after a round trip: %s", error.c_str());
  PPL_FUZZ_CHECK(ppl::verifyProgram(loaded, error), "a compiled program does not verify after a round trip: %s",
                 error.c_str());
  std::string again;
  PPL_FUZZ_CHECK(ppl::writePplb(loaded, again), "writePplb refused a loaded program");
  PPL_FUZZ_CHECK(again == bytes, "a .pplb round trip changed the bytes (%zu vs %zu)", bytes.size(), again.size());
}

// The VM and the reference evaluator must agree on every fixed claim.
void checkDecisions(const ppl::CheckedProgram& checked, const ppl::Program& program) {
  ppl::Evaluator vm(program);
  ppl::ReferenceEvaluator ref(checked);
  for (const FixedClaim& claim : g->claims) {
    ppl::Decision vmDecision, refDecision;
    ppl::EvalError vmError;
    std::string refError;
    const bool vmOk = vm.decide(claim.facts, vmDecision, vmError);
    const bool refOk = ref.decide(claim.facts, refDecision, refError);
    PPL_FUZZ_CHECK(vmOk == refOk, "%s: the VM %s (%s) but the reference evaluator %s (%s)", claim.name.c_str(),
                   vmOk ? "decided" : "failed", vmError.message.c_str(), refOk ? "decided" : "failed",
                   refError.c_str());
    if (!vmOk) continue;
    std::string vmJson, refJson;
    ppl::writeDecisionJson(program, claim.facts, vmDecision, true, vmJson);
    ppl::writeDecisionJson(program, claim.facts, refDecision, true, refJson);
    PPL_FUZZ_CHECK(vmJson == refJson, "%s: the VM and the reference evaluator disagree\nVM:\n%s\nreference:\n%s",
                   claim.name.c_str(), vmJson.c_str(), refJson.c_str());
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g = new State;
  const fs::path source = ppl::fuzz::sourceDir();

  std::string tmpl = (fs::temp_directory_path() / "ppl-check-fuzz.XXXXXX").string();
  PPL_FUZZ_CHECK(mkdtemp(tmpl.data()) != nullptr, "cannot create a temporary directory: %s", std::strerror(errno));
  g->dir = tmpl;
  g->path = (g->dir / "fuzz.ppl").string();
  std::atexit(removeDir);

  // The modules of the pack and of the feature tour, so that inputs can `use` them.
  for (const char* dir : {"policies", "examples/feature-tour"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(source / dir, ec)) {
      if (entry.path().extension() != ".ppl") continue;
      const std::string text = mustRead(entry.path().string());
      if (!looksLikeModule(text)) continue;
      const std::string to = (g->dir / entry.path().filename()).string();
      PPL_FUZZ_CHECK(ppl::fuzz::writeFile(to, text.data(), text.size()), "cannot write `%s`", to.c_str());
    }
  }

  ppl::Diagnostics diags;
  ppl::SourceManager sources;
  PPL_FUZZ_CHECK(ppl::builtinSchema(g->schema, diags, sources), "the builtin schema does not compile:\n%s",
                 ppl::renderDiagnostics(diags, sources).c_str());
  for (const char* name : {"claims/commercial-approve", "claims/medicare-approve", "claims/advantage-no-auth",
                           "feature-tour/tour-claim"}) {
    FixedClaim claim;
    claim.name = name;
    claim.json = mustRead((source / "examples" / (std::string(name) + ".json")).string());
    claim.loader = std::make_unique<ppl::ClaimLoader>(g->schema);
    ppl::ClaimError error;
    PPL_FUZZ_CHECK(claim.loader->load(claim.json, claim.facts, error), "claim %s does not load: %s: %s", name,
                   error.path.c_str(), error.message.c_str());
    g->claims.push_back(std::move(claim));
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  PPL_FUZZ_CHECK(ppl::fuzz::writeFile(g->path, reinterpret_cast<const char*>(data), size), "cannot write `%s`",
                 g->path.c_str());

  ppl::CheckedProgram checked;
  ppl::Diagnostics diags;
  ppl::SourceManager sources;
  ppl::Program program;
  bool ok = ppl::compileChecked({g->path}, checked, diags, sources);
  if (ok) ok = ppl::generateLinked(checked, sources, program, diags);
  checkNoInternalError(diags, sources);
  PPL_FUZZ_CHECK(ok || diags.hasErrors(), "compilation failed without an error");
  (void)ppl::renderDiagnostics(diags, sources);

  if (ok) {
    checkRoundTrip(program);
    (void)ppl::disassemble(program);
    checkDecisions(checked, program);
  } else if (looksLikeModule(std::string(reinterpret_cast<const char*>(data), size))) {
    // A module compiles into nothing, but `pplc check` checks it on its own.
    ppl::Diagnostics moduleDiags;
    ppl::SourceManager moduleSources;
    const bool moduleOk = ppl::checkFiles({g->path}, moduleDiags, moduleSources);
    checkNoInternalError(moduleDiags, moduleSources);
    PPL_FUZZ_CHECK(moduleOk || moduleDiags.hasErrors(), "checkFiles failed without an error");
    (void)ppl::renderDiagnostics(moduleDiags, moduleSources);
  }
  return 0;
}
