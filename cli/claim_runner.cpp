#include "cli/claim_runner.h"

#include <fmt/core.h>

namespace ppl::cli {

ClaimRunner::ClaimRunner(const Program& program)
    : program_(program), loader_(program.schema), evaluator_(program) {}

bool ClaimRunner::decide(std::string_view json, std::string& error) { return decide(json, false, error); }

bool ClaimRunner::decidePadded(std::string_view json, std::string& error) { return decide(json, true, error); }

bool ClaimRunner::decide(std::string_view json, bool padded, std::string& error) {
  // facts_ is not cleared here: the loader sets it whole (or empties it on failure), and its
  // fast path writes over the last claim's slots, which clearing would make it zero again. Nor
  // is decision_ before a decision: Evaluator::decide resets it without emptying its lines
  // first (emptying them made the evaluator grow them again from zero on every claim).
  ClaimError claimError;
  bool loaded = padded ? loader_.loadPadded(json, facts_, claimError) : loader_.load(json, facts_, claimError);
  if (!loaded) {
    decision_.clear();
    errorNamesLine_ = loader_.lastErrorNamesLine();
    error = claimError.path.empty() ? claimError.message
                                    : fmt::format("{}: {}", claimError.path, claimError.message);
    return false;
  }
  EvalError evalError;
  if (!evaluator_.decide(facts_, decision_, evalError)) {
    errorNamesLine_ = false;
    error = fmt::format("evaluation failed: {}", evalError.message);
    return false;
  }
  return true;
}

const std::string* ClaimRunner::claimId() const { return loader_.lastClaimId(claimId_) ? &claimId_ : nullptr; }

std::string ClaimRunner::decidedClaimId() const {
  if (const std::string* id = claimId()) return *id;
  const FactLayout& layout = program_.layout;
  if (layout.claimIdSlot < facts_.slots.size()) {
    return std::string(facts_.field(Facts::kRootBase, layout.claimIdSlot).s.view());
  }
  return "?";
}

}  // namespace ppl::cli
