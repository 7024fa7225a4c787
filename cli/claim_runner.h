// Deciding claims one after another, as `pplc eval` and `pplc test` both do: the claim loader
// (JSON to facts, with the production validation) and the VM, with buffers reused between claims.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bytecode/bytecode.h"
#include "runtime/decision.h"
#include "runtime/facts.h"
#include "vm/claim_loader.h"
#include "vm/vm.h"

namespace ppl::cli {

// Decides claims with one Program, which must outlive the runner. One runner per thread.
class ClaimRunner {
 public:
  explicit ClaimRunner(const Program& program);

  // Loads and decides one claim. On failure `error` says what is wrong (with the JSON path
  // when the claim is bad input: `/lines/0/units: must be ...`), and claimId() tells whether
  // its id could be read.
  bool decide(std::string_view json, std::string& error);
  // As decide(), for text padded as ClaimLoader::loadPadded needs (a zero byte after it, then
  // readable bytes): the usual claim is read where it lies. Facts' strings point into `json`.
  bool decidePadded(std::string_view json, std::string& error);

  // The line of the input where the next claims begin, from which the positions of malformed
  // JSON count their lines (ClaimLoader::setFirstLine); 1 until set.
  void setFirstLine(uint64_t line) { loader_.setFirstLine(line); }
  // After decide() failed: whether the claim's error names a line of its input (malformed JSON:
  // `(line 3, column 17)`), numbered from setFirstLine's line.
  bool errorNamesLine() const { return errorNamesLine_; }

  // The last claim's id as the loader read it; null when it could not be read. Read when asked
  // (usually for a bad claim's error record), valid until the next call or decide().
  const std::string* claimId() const;
  // The decided claim's id: as the loader read it, else from the facts.
  std::string decidedClaimId() const;
  const Facts& facts() const { return facts_; }
  const Decision& decision() const { return decision_; }

  // When set, each decide() refills `trace` with what every rule did on every governed line
  // (Evaluator::setRuleTrace); null turns tracing off.
  void setRuleTrace(std::vector<Evaluator::RuleTraceEntry>* trace) { evaluator_.setRuleTrace(trace); }

 private:
  bool decide(std::string_view json, bool padded, std::string& error);

  const Program& program_;
  ClaimLoader loader_;
  Evaluator evaluator_;
  Facts facts_;
  Decision decision_;
  mutable std::string claimId_;
  bool errorNamesLine_ = false;
};

}  // namespace ppl::cli
