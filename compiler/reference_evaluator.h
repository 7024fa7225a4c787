// The reference evaluator: a plain tree-walking interpreter of the checked AST, written from
// docs/language.md and not from the VM. Every test claim is decided by both; they must agree
// (differential testing). It favours being obviously right over being fast: it allocates,
// copies lists and re-evaluates classes freely.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/checked.h"
#include "runtime/decision.h"
#include "runtime/facts.h"

namespace ppl {

class ReferenceEvaluator {
 public:
  // Keeps a reference to `program`, which must outlive the evaluator.
  explicit ReferenceEvaluator(const CheckedProgram& program);

  // Decides the claim in `facts` (loaded by the claim loader with program.schema). False with
  // `error` on a runtime error (decimal overflow, integer overflow, division by zero, a
  // builtin's error, reading the decision of a line not yet decided); `out` is then partial.
  bool decide(const Facts& facts, Decision& out, std::string& error);

 private:
  const CheckedProgram& program_;
  // Where the claim keeps what picks the policy and the lines, looked up by name once.
  bool schemaOk_ = false;
  uint32_t payerSlot_ = 0;  // root.payer
  uint32_t lobSlot_ = 0;    // Payer.line_of_business
  uint32_t linesSlot_ = 0;  // root.lines
};

}  // namespace ppl
