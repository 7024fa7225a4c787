// The text forms of a decision that `pplc eval` prints for people rather than programs:
// `--format=table`'s summary of the rules that fired, and `--format=explain`'s account of what
// every rule did on every governed line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bytecode/bytecode.h"
#include "runtime/decision.h"
#include "runtime/facts.h"
#include "vm/vm.h"

namespace ppl::cli {

// The claim's line numbers as billed, in input order; positions (1, 2, ...) when the facts do
// not hold them where the program's layout says.
std::vector<int64_t> lineNumbers(const Program& program, const Facts& facts, size_t count);

// `L1 deny PA,C-DX; L3 deny C-WASTE`: the lines some rule failed or adjusted, with those rules;
// `-` when none did.
std::string firedRules(const Program& program, const Facts& facts, const Decision& decision);

// Appends the explanation of one decided claim: a head line with its id, decision and policy,
// then per claim line its decision and, for a governed line, each of the policy's rules in
// reason order with what it did there (passed, failed, skipped: its only-when, applies-to or
// effective dates left the line out) and where it is written; under a failed rule its action,
// codes and message, under an adjusting rule its adjustment. `trace` is what the Evaluator
// traced for this decision (Evaluator::setRuleTrace). A decision says why a line was denied;
// this also says why one was approved.
void writeExplanation(const Program& program, const Facts& facts, const Decision& decision,
                      const std::vector<Evaluator::RuleTraceEntry>& trace, std::string_view claimId,
                      std::string& out);

}  // namespace ppl::cli
