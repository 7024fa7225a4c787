// The result of deciding one claim: what the VM and the reference evaluator both produce, and
// what the JSON writer and the embedding API read. Buffers are reused from claim to claim.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/value.h"

namespace ppl {

enum class Verdict : uint8_t { kNotApplicable, kApprove, kPend, kDeny };
const char* verdictName(Verdict v);  // "not_applicable", "approve", "pend", "deny"

// Combining verdicts: deny beats pend beats approve beats not_applicable.
inline Verdict worse(Verdict a, Verdict b) { return a > b ? a : b; }

enum class Action : uint8_t { kDeny, kPend };
const char* actionName(Action a);

// Arguments a message interpolates, captured when the rule fails and rendered only on output.
constexpr int kMaxMessageArgs = 8;

struct Reason {
  uint32_t rule = 0;     // index in the policy's rules
  uint32_t outcome = 0;  // index in that rule's outcomes
  AdjustmentGroup group = AdjustmentGroup::kCO;  // resolved (an outcome's group may be computed)
  uint8_t argCount = 0;
  union {
    Value args[kMaxMessageArgs] = {};  // args[0 .. argCount) are the arguments
    char argsUnwritten;
  };

  Reason() = default;
  // Leaves args unwritten, for a writer that fills args[0 .. argCount) itself (the VM's FAIL):
  // zeroing all eight cost ~70 instructions a failed rule, more than filling them.
  struct ArgsUnwritten {};
  explicit Reason(ArgsUnwritten) : argsUnwritten() {}
};

struct Adjustment {
  uint32_t rule = 0;
  uint32_t adjustment = 0;  // index in that rule's adjustments
  uint8_t argCount = 0;
  Value args[kMaxMessageArgs];
};

struct LineDecision {
  Verdict verdict = Verdict::kNotApplicable;
  uint32_t firstReason = 0;  // into Decision::reasons
  uint32_t reasonCount = 0;
  uint32_t firstAdjustment = 0;  // into Decision::adjustments (only kept when approved)
  uint32_t adjustmentCount = 0;
};

struct Decision {
  int32_t policy = -1;  // index in Program::policies, -1 when the pack has none for the claim
  Verdict verdict = Verdict::kNotApplicable;
  std::vector<LineDecision> lines;  // one per claim line, in input order
  std::vector<Reason> reasons;
  std::vector<Adjustment> adjustments;

  void clear() {
    policy = -1;
    verdict = Verdict::kNotApplicable;
    lines.clear();
    reasons.clear();
    adjustments.clear();
  }
};

}  // namespace ppl
