// Fuzz target for the whole toolchain on generated policies: bytes -> a random, well-typed
// policy and claims that exercise it (policy_gen.h) -> compile, .pplb round trip, and every
// claim decided by the VM and by the reference evaluator (policy_diff.h). Any disagreement, a
// compiler `internal:` error, a failed round trip or a generated claim the loader refuses
// aborts with the policy and the claim. Policies that fail to check are skipped.
//
// To see the policy an input stands for: `ppl_policy_seeds --show-file FILE`.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_common.h"
#include "fuzz/policy_diff.h"
#include "fuzz/policy_gen.h"

namespace {
// Destroyed at exit, which removes its temporary directory (one made by `new` and never freed
// was left in /tmp by every run, the ctest replay's too).
ppl::fuzz::PolicyDiff& policyDiff() {
  static ppl::fuzz::PolicyDiff diff;
  return diff;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  policyDiff();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ppl::fuzz::Choices choices(data, size);
  const ppl::fuzz::GeneratedCase generated = ppl::fuzz::generateCase(choices);
  ppl::fuzz::DiffStats stats;
  const std::string failure = policyDiff().run(generated, stats);
  std::string modules;
  for (const auto& [name, text] : generated.modules) modules += "module file " + name + ":\n" + text;
  if (!generated.secondPolicy.empty()) modules += "second policy file:\n" + generated.secondPolicy;
  PPL_FUZZ_CHECK(failure.empty(), "%s\npolicy:\n%s%s", failure.c_str(), generated.policy.c_str(), modules.c_str());
  return 0;
}
