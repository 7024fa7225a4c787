// The differential check of generated policies (policy_diff.h).
#include "fuzz/policy_diff.h"

#include <stdlib.h>  // mkdtemp

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

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

namespace ppl::fuzz {

namespace fs = std::filesystem;

PolicyDiff::PolicyDiff() {
  std::string tmpl = (fs::temp_directory_path() / "ppl-policy-fuzz.XXXXXX").string();
  PPL_FUZZ_CHECK(mkdtemp(tmpl.data()) != nullptr, "cannot create a temporary directory: %s", std::strerror(errno));
  dir_ = tmpl;
  path_ = (dir_ / "generated.ppl").string();
}

PolicyDiff::~PolicyDiff() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

namespace {

// The program as `pplc eval` would run it: written to .pplb bytes and read back. "" or the
// failure.
std::string roundTrip(const Program& program, Program& loaded) {
  std::string bytes;
  if (!writePplb(program, bytes)) return "writePplb refused a compiled program";
  std::string error;
  if (!readPplb(bytes, loaded, error)) return "readPplb refused what writePplb wrote: " + error;
  if (!loaded.link(error)) return "a compiled program does not link after a .pplb round trip: " + error;
  if (!verifyProgram(loaded, error)) return "a compiled program does not verify after a .pplb round trip: " + error;
  std::string again;
  if (!writePplb(loaded, again)) return "writePplb refused a loaded program";
  if (again != bytes) return "a .pplb round trip changed the bytes";
  return "";
}

// The same runtime error: the VM says where (`division by zero in rule R-1 on claim line 2, at
// p.ppl:7:11`), the reference evaluator only what, and each words the decision-order error its
// own way.
bool sameError(const std::string& vm, const std::string& ref) {
  if (ref.empty() || ref.rfind("internal", 0) == 0) return false;
  if (vm.rfind(ref, 0) == 0) return true;
  return vm.find("reads the decision of claim line") != std::string::npos &&
         ref.find("is read before it is decided") != std::string::npos;
}

}  // namespace

std::string PolicyDiff::run(const GeneratedCase& c, DiffStats& stats, std::string* checkError) {
  ++stats.policies;
  PPL_FUZZ_CHECK(writeFile(path_, c.policy.data(), c.policy.size()), "cannot write `%s`", path_.c_str());
  for (const auto& [name, text] : c.modules) {
    const std::string modulePath = (dir_ / name).string();
    PPL_FUZZ_CHECK(writeFile(modulePath, text.data(), text.size()), "cannot write `%s`", modulePath.c_str());
  }
  std::vector<std::string> inputs{path_};
  if (!c.secondPolicy.empty()) {
    inputs.push_back((dir_ / "second.ppl").string());
    PPL_FUZZ_CHECK(writeFile(inputs.back(), c.secondPolicy.data(), c.secondPolicy.size()), "cannot write `%s`",
                   inputs.back().c_str());
  }
  CheckedProgram checked;
  Diagnostics diags;
  SourceManager sources;
  Program program;
  bool ok = compileChecked(inputs, checked, diags, sources);
  if (ok) ok = generateLinked(checked, sources, program, diags);
  for (const Diagnostic& d : diags.items()) {
    if (d.message.rfind("internal", 0) == 0) return "the compiler failed itself:\n" + renderDiagnostic(d, sources);
  }
  if (!ok) {
    if (!diags.hasErrors()) return "compilation failed without an error";
    if (checkError != nullptr) {
      for (const Diagnostic& d : diags.items()) {
        if (d.severity == Severity::kError) {
          *checkError = renderDiagnostic(d, sources);
          break;
        }
      }
    }
    return "";
  }
  ++stats.compiled;
  Program loaded;
  if (std::string error = roundTrip(program, loaded); !error.empty()) return error;

  ClaimLoader loader(loaded.schema);
  Evaluator vm(loaded);
  ReferenceEvaluator ref(checked);
  const DecisionJsonWriter fastWriter(loaded);
  Facts facts;
  Decision vmDecision, refDecision;
  for (const std::string& claim : c.claims) {
    ClaimError claimError;
    if (!loader.load(claim, facts, claimError)) {
      return "a generated claim does not load: " + claimError.path + ": " + claimError.message + "\n" + claim;
    }
    EvalError vmError;
    std::string refError;
    const bool vmOk = vm.decide(facts, vmDecision, vmError);
    const bool refOk = ref.decide(facts, refDecision, refError);
    ++stats.claims;
    if (vmOk != refOk) {
      return std::string("the VM ") + (vmOk ? "decided" : "failed (" + vmError.message + ")") +
             " but the reference evaluator " + (refOk ? "decided" : "failed (" + refError + ")") + "\nclaim:\n" + claim;
    }
    if (!vmOk) {
      if (vmError.message.empty()) return "the VM failed without a message\nclaim:\n" + claim;
      if (!sameError(vmError.message, refError)) {
        return "the VM and the reference evaluator stop with different errors: `" + vmError.message + "` and `" +
               refError + "`\nclaim:\n" + claim;
      }
      ++stats.claimErrors;
      std::string pair = vmError.message + " | " + refError;
      for (char& ch : pair) {
        if (ch >= '0' && ch <= '9') ch = 'N';
      }
      ++stats.errors[pair];
      continue;
    }
    std::string vmJson, refJson;
    writeDecisionJson(loaded, facts, vmDecision, true, vmJson);
    writeDecisionJson(loaded, facts, refDecision, true, refJson);
    if (vmJson != refJson) {
      return "the VM and the reference evaluator disagree\nclaim:\n" + claim + "\nVM:\n" + vmJson +
             "\nreference:\n" + refJson;
    }
    std::string slow, fast;
    writeDecisionJson(loaded, facts, vmDecision, false, slow);
    fastWriter.write(facts, vmDecision, fast);
    if (slow != fast) return "the fast decision writer differs\nclaim:\n" + claim + "\ngeneric:\n" + slow + "\nfast:\n" + fast;
    for (const LineDecision& line : vmDecision.lines) ++stats.verdicts[static_cast<int>(line.verdict)];
    stats.reasons += vmDecision.reasons.size();
    stats.adjustments += vmDecision.adjustments.size();
  }
  return "";
}

}  // namespace ppl::fuzz
