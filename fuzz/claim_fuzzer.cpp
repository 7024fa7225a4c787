// Fuzz target for the claim loader: bytes -> ClaimLoader::load by the builtin claim schema (as
// compiled into the J9027 pack, policies/, which LLVMFuzzerInitialize compiles once), and when
// the claim loads, its decision by the pack, written as JSON.
//
// Claim data is untrusted (vm/claim_loader.h), so the checks are: no crash, hang, sanitizer
// report or deep recursion on any input; a rejection names what is wrong; loading the same bytes
// again with the now warm loader gives the same result; the loader's general path alone gives
// it too (the fast path only takes a shortcut); loaded into a Facts that holds another claim's
// facts (the fast path writes over them), it gives what it gives into an empty one; and a loaded
// claim is decided by the VM exactly as by the reference evaluator (both succeed with the same
// decision JSON, or both fail).
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
};
State* g = nullptr;

// A large valid claim (the benchmark's first), loaded before the input into the same Facts.
constexpr std::string_view kEarlierClaim =
    R"({"claim_id":"BENCH-00000001","claim_type":"professional","payer":{"line_of_business":"commercial","plan_id":"ACME-PPO"},"patient":{"member_id":"M-590518","birth_date":"1948-04-21","sex":"M","height_cm":181,"weight_kg":101.4},"provider":{"npi":"0704269514","is_340b_covered_entity":false},"place_of_service":"11","diagnoses":["C61","Z19.2","C77.9"],"lines":[{"line_number":1,"hcpcs":"J2405","units":3,"service_date":"2024-08-05","charge":147.0},{"line_number":2,"hcpcs":"J9027","units":36,"service_date":"2024-08-05","charge":8820.0,"ndc":"00024582411","drug":{"product_name":"Jevtana","lot_number":"23ADU","acquisition_channel":"buy_and_bill","discounted":true}},{"line_number":3,"hcpcs":"96415","units":1,"service_date":"2024-08-05","charge":229.0},{"line_number":4,"hcpcs":"J9027","modifiers":["JW"],"units":15,"service_date":"2024-08-05","charge":3675.0,"ndc":"00024582411","drug":{"product_name":"Jevtana","lot_number":"23ADU","acquisition_channel":"buy_and_bill","discounted":true}}],"authorizations":[{"number":"PA-89827","status":"approved","hcpcs":["J9027"],"valid_from":"2024-01-23","valid_through":"2024-07-21","units_approved":360,"units_used":180}],"history":{"administrations":[{"hcpcs":"J9027","date":"2024-07-15","units":36},{"hcpcs":"J9027","date":"2024-06-22","units":36},{"hcpcs":"J9027","date":"2024-06-01","units":36},{"hcpcs":"96413","date":"2024-06-06","units":1}],"therapies":[{"drug":"docetaxel","start":"2024-01-02","end":"2024-05-28","outcome":"progression"}],"medications":[{"drug":"prednisone","start":"2024-07-12"}],"evidence":[{"kind":"psa","date":"2024-06-09","finding":"stable"},{"kind":"psa","date":"2024-07-06","finding":"response"},{"kind":"imaging","date":"2024-07-30","finding":"response"}]}})";

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

  // Over another claim's facts: the same outcome and facts as into an empty Facts (one loader
  // for both, which loads the input last into the same buffer, so strings compare by address).
  {
    ppl::ClaimLoader other(g->program.schema);
    ppl::Facts over, empty;
    PPL_FUZZ_CHECK(load(other, kEarlierClaim, over).ok, "the earlier claim does not load");
    const Loaded a = load(other, json, over);
    const Loaded b = load(other, json, empty);
    PPL_FUZZ_CHECK(a.ok == b.ok && a.error.path == b.error.path && a.error.message == b.error.message,
                   "a load over another claim's facts differs: `%s: %s` vs `%s: %s`", a.error.path.c_str(),
                   a.error.message.c_str(), b.error.path.c_str(), b.error.message.c_str());
    PPL_FUZZ_CHECK(ppl::sameFacts(g->program.schema, over, empty), "a load over another claim's facts loaded different facts");
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
