// Fuzz target for the claim loader: bytes -> ClaimLoader::load by the builtin claim schema (as
// compiled into the J9027 pack, policies/, which LLVMFuzzerInitialize compiles once), and when
// the claim loads, its decision by the pack, written as JSON.
//
// Claim data is untrusted (vm/claim_loader.h), so the checks are: no crash, hang, sanitizer
// report or deep recursion on any input; a rejection names what is wrong; loading the same bytes
// again with the now warm loader gives the same result; the loader's general path alone gives
// it too (the fast path only takes a shortcut), and so does the fast path with its plan-driven
// reader in place of the one generated for the built-in schema; loaded into a Facts that holds
// another claim's facts (the fast path writes over them), it gives what it gives into an empty
// one; read in place (loadPadded) with other bytes after it, it gives what load gives; and a
// loaded claim is decided by the VM exactly as by the reference evaluator (both
// succeed with the same decision JSON, or both fail).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "compiler/checked.h"
#include "compiler/compiler.h"
#include "compiler/reference_evaluator.h"
#include "fuzz/fuzz_common.h"
#include "runtime/facts.h"
#include "runtime/facts_compare.h"
#include "vm/claim_loader.h"
#include "vm/decision_json.h"
#include "vm/vm.h"

namespace {

struct State {
  ppl::SourceManager sources;
  ppl::CheckedProgram checked;
  ppl::Program program;
  std::string earlierClaim;  // a large valid claim, loaded before the input into the same Facts
};
State* g = nullptr;

struct Loaded {
  bool ok = false;
  ppl::ClaimError error;
  bool haveId = false;
  std::string id;
};

Loaded load(ppl::ClaimLoader& loader, std::string_view json, ppl::Facts& facts) {
  Loaded r;
  r.ok = loader.load(json, facts, r.error);
  r.haveId = loader.lastClaimId(r.id);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g = new State;
  const std::string policies = ppl::fuzz::sourceDir() + "/policies";
  ppl::Diagnostics diags;
  bool ok = ppl::compileChecked({policies}, g->checked, diags, g->sources);
  if (ok) ok = ppl::generateLinked(g->checked, g->sources, g->program, diags);
  PPL_FUZZ_CHECK(ok, "the J9027 pack in `%s` does not compile (set PPL_SOURCE_DIR to the source tree):\n%s",
                 policies.c_str(), ppl::renderDiagnostics(diags, g->sources).c_str());
  g->earlierClaim =
      ppl::fuzz::mustRead(ppl::fuzz::sourceDir() + "/fuzz/corpus/claim/fast-path-compact-bench-claim.json");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  ppl::ClaimLoader loader(g->program.schema);
  ppl::Facts facts;
  const Loaded first = load(loader, json, facts);

  if (!first.ok) {
    PPL_FUZZ_CHECK(!first.error.message.empty(), "load failed without a message (path `%s`)",
                   first.error.path.c_str());
    PPL_FUZZ_CHECK(facts.slots.empty() && facts.elems.empty(), "a failed load left facts behind");
    std::string out;
    ppl::writeErrorJson(first.haveId ? &first.id : nullptr, first.error.path + ": " + first.error.message, true,
                        out);
  }
  if (!first.haveId) PPL_FUZZ_CHECK(first.id.empty(), "lastClaimId is false but gave `%s`", first.id.c_str());

  // The same bytes through the warm loader: the same outcome (then the facts are these).
  const Loaded second = load(loader, json, facts);
  PPL_FUZZ_CHECK(second.ok == first.ok && second.error.path == first.error.path &&
                     second.error.message == first.error.message && second.haveId == first.haveId &&
                     second.id == first.id,
                 "a warm loader decided the same claim differently: `%s: %s` then `%s: %s`",
                 first.error.path.c_str(), first.error.message.c_str(), second.error.path.c_str(),
                 second.error.message.c_str());

  // The general path alone (simdjson On-Demand) loads exactly what the fast path did: outcome,
  // error, claim id and facts (strings point into the same, reused buffers).
  ppl::Facts general;
  loader.useFastPath(false);
  const Loaded slow = load(loader, json, general);
  loader.useFastPath(true);
  PPL_FUZZ_CHECK(slow.ok == first.ok && slow.error.path == first.error.path &&
                     slow.error.message == first.error.message && slow.haveId == first.haveId && slow.id == first.id,
                 "the fast and the general path disagree: `%s: %s` and `%s: %s`", first.error.path.c_str(),
                 first.error.message.c_str(), slow.error.path.c_str(), slow.error.message.c_str());
  PPL_FUZZ_CHECK(ppl::sameFacts(g->program.schema, facts, general), "the fast and the general path loaded different facts");

  // The fast path with the plan-driven straight reader in place of the one generated for the
  // built-in schema: the same again.
  ppl::Facts straight;
  loader.useGeneratedReader(false);
  const Loaded planned = load(loader, json, straight);
  loader.useGeneratedReader(true);
  PPL_FUZZ_CHECK(planned.ok == first.ok && planned.error.path == first.error.path &&
                     planned.error.message == first.error.message && planned.haveId == first.haveId &&
                     planned.id == first.id,
                 "the generated and the straight reader disagree: `%s: %s` and `%s: %s`", first.error.path.c_str(),
                 first.error.message.c_str(), planned.error.path.c_str(), planned.error.message.c_str());
  PPL_FUZZ_CHECK(ppl::sameFacts(g->program.schema, facts, straight),
                 "the generated and the straight reader loaded different facts");

  // Over another claim's facts: the same outcome and facts as into an empty Facts (one loader
  // for both, which loads the input last into the same buffer, so strings compare by address).
  {
    ppl::ClaimLoader other(g->program.schema);
    ppl::Facts over, empty;
    PPL_FUZZ_CHECK(load(other, g->earlierClaim, over).ok, "the earlier claim does not load");
    const Loaded a = load(other, json, over);
    const Loaded b = load(other, json, empty);
    PPL_FUZZ_CHECK(a.ok == b.ok && a.error.path == b.error.path && a.error.message == b.error.message,
                   "a load over another claim's facts differs: `%s: %s` vs `%s: %s`", a.error.path.c_str(),
                   a.error.message.c_str(), b.error.path.c_str(), b.error.message.c_str());
    PPL_FUZZ_CHECK(ppl::sameFacts(g->program.schema, over, empty),
                   "a load over another claim's facts loaded different facts");
  }
  // Read in place (ClaimLoader::loadPadded, as `pplc eval --ndjson` reads its lines): the input
  // followed by a zero byte, then the input again as the next line would follow it.
  {
    std::string padded(json);
    padded += '\0';
    padded.append(json);
    padded.append(ppl::ClaimLoader::kPadding, '\0');
    ppl::ClaimLoader inPlaceLoader(g->program.schema);
    ppl::Facts inPlace;
    Loaded p;
    p.ok = inPlaceLoader.loadPadded(std::string_view(padded.data(), json.size()), inPlace, p.error);
    p.haveId = inPlaceLoader.lastClaimId(p.id);
    PPL_FUZZ_CHECK(p.ok == first.ok && p.error.path == first.error.path && p.error.message == first.error.message &&
                       p.haveId == first.haveId && p.id == first.id,
                   "loadPadded and load disagree: `%s: %s` and `%s: %s`", p.error.path.c_str(),
                   p.error.message.c_str(), first.error.path.c_str(), first.error.message.c_str());
    ppl::ClaimLoader copyLoader(g->program.schema);
    ppl::Facts copied;
    copyLoader.load(json, copied, p.error);
    PPL_FUZZ_CHECK(ppl::sameFactsText(g->program.schema, inPlace, copied), "loadPadded and load loaded different facts");
  }
  if (!second.ok) return 0;

  ppl::Evaluator vm(g->program);
  ppl::ReferenceEvaluator ref(g->checked);
  ppl::Decision vmDecision, refDecision;
  ppl::EvalError vmError;
  std::string refError;
  const bool vmOk = vm.decide(facts, vmDecision, vmError);
  const bool refOk = ref.decide(facts, refDecision, refError);
  PPL_FUZZ_CHECK(vmOk == refOk, "the VM %s (%s) but the reference evaluator %s (%s)", vmOk ? "decided" : "failed",
                 vmError.message.c_str(), refOk ? "decided" : "failed", refError.c_str());
  if (!vmOk) {
    PPL_FUZZ_CHECK(!vmError.message.empty(), "the VM failed without a message");
    return 0;
  }
  std::string vmJson, refJson;
  ppl::writeDecisionJson(g->program, facts, vmDecision, true, vmJson);
  ppl::writeDecisionJson(g->program, facts, refDecision, true, refJson);
  PPL_FUZZ_CHECK(vmJson == refJson, "the VM and the reference evaluator disagree\nVM:\n%s\nreference:\n%s",
                 vmJson.c_str(), refJson.c_str());
  vmJson.clear();
  ppl::writeDecisionJson(g->program, facts, vmDecision, false, vmJson);
  return 0;
}
