// Differential testing of one generated case (policy_gen.h): compile the policy, send the
// program through a .pplb file, and decide every claim with the VM (running the program read
// back) and with the reference evaluator. Shared by the libFuzzer target (policy_fuzzer.cpp)
// and the deterministic seed runner (policy_seeds.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "fuzz/policy_gen.h"

namespace ppl::fuzz {

struct DiffStats {
  uint64_t policies = 0;    // generated
  uint64_t compiled = 0;    // of those, compiled (the others failed to check: skipped)
  uint64_t claims = 0;      // decided by both engines
  uint64_t claimErrors = 0; // of those, both engines stopped with a runtime error
  uint64_t verdicts[4] = {0, 0, 0, 0};  // line verdicts (not_applicable, approve, pend, deny)
  uint64_t reasons = 0;
  uint64_t adjustments = 0;
  // The runtime errors both engines stopped with, as "VM message | reference message" (digits
  // as N), and how often.
  std::map<std::string, uint64_t> errors;
};

class PolicyDiff {
 public:
  // Makes a per-process temporary directory for the policy file and its modules; removed by
  // the destructor.
  PolicyDiff();
  ~PolicyDiff();
  PolicyDiff(const PolicyDiff&) = delete;
  PolicyDiff& operator=(const PolicyDiff&) = delete;

  // Compiles and decides `c`, adding to `stats`. Returns "" when the engines agree on every
  // claim (or the policy does not check: `*checkError` then gets the first diagnostic), else
  // what went wrong: a compiler `internal:` error, a failed .pplb round trip, a claim the
  // loader refuses, or a disagreement (the claim and both answers): one engine decides and the
  // other stops, the decision JSON differs, or both stop but with different errors.
  std::string run(const GeneratedCase& c, DiffStats& stats, std::string* checkError = nullptr);

  const std::string& policyPath() const { return path_; }

 private:
  std::filesystem::path dir_;
  std::string path_;
};

}  // namespace ppl::fuzz
