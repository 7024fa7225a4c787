// Fuzz target for the whole toolchain on generated policies: bytes -> a random, well-typed
// policy and claims that exercise it (policy_gen.h) -> compile, .pplb round trip, and every
// claim decided by the VM and by the reference evaluator (policy_diff.h). Any disagreement, a
// compiler `internal:` error, a failed round trip or a generated claim the loader refuses
// aborts with the policy and the claim. Policies that fail to check are skipped.
//
// To see the policy an input stands for: `ppl_policy_seeds --show-file FILE`. The environment
// variable PPL_POLICY_FUZZ_AVOID (names, comma-separated) leaves out shapes that hit known bugs
// (policy_gen.h, GenOptions), so that a run looks for new ones.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "fuzz/fuzz_common.h"
#include "fuzz/policy_diff.h"
#include "fuzz/policy_gen.h"

namespace {
ppl::fuzz::PolicyDiff* g = nullptr;
ppl::fuzz::GenOptions options;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g = new ppl::fuzz::PolicyDiff;
  if (const char* avoid = std::getenv("PPL_POLICY_FUZZ_AVOID"); avoid != nullptr) {
    std::istringstream names(avoid);
    for (std::string name; std::getline(names, name, ',');) {
      PPL_FUZZ_CHECK(name.empty() || ppl::fuzz::avoidByName(name, options), "PPL_POLICY_FUZZ_AVOID: no known bug is named `%s`", name.c_str());
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ppl::fuzz::Choices choices(data, size);
  const ppl::fuzz::GeneratedCase generated = ppl::fuzz::generateCase(choices, options);
  ppl::fuzz::DiffStats stats;
  const std::string failure = g->run(generated, stats);
  std::string modules;
  for (const auto& [name, text] : generated.modules) modules += "module file " + name + ":\n" + text;
  PPL_FUZZ_CHECK(failure.empty(), "%s\npolicy:\n%s%s", failure.c_str(), generated.policy.c_str(), modules.c_str());
  return 0;
}
