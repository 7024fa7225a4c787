// Rule coverage of a policy test run (`pplc test --coverage`, docs/testing.md): per policy and
// rule, in how many cases the rule applied, failed and passed, from the VM's rule trace.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bytecode/bytecode.h"
#include "vm/vm.h"

namespace ppl::cli {

class RuleCoverage {
 public:
  // Registers every policy of `program` and its rules, so that a rule no case reached still
  // counts (as exercised neither way). Policies are told apart by ID@VERSION: the same policy
  // compiled for several test files is counted once.
  void addProgram(const Program& program);

  // Counts one decided case: `policy` is the index of the policy that decided it (-1: none),
  // `trace` what the rules did on its governed lines (Evaluator::setRuleTrace).
  void addCase(const Program& program, int32_t policy, const std::vector<Evaluator::RuleTraceEntry>& trace);

  size_t ruleCount() const;
  // Rules at least one case failed and at least one case passed.
  size_t bothWays() const;
  // bothWays() as a percentage of ruleCount(); 0 when there are no rules.
  double percent() const;

  // The report: a table per policy (rule, applied, failed, passed), the rules never made to
  // fail and never passed, and the summary line `coverage: X of Y rules exercised both ways (P%)`.
  std::string report() const;
  std::string summary() const;

 private:
  struct Rule {
    std::string id;
    uint32_t applied = 0;
    uint32_t failed = 0;
    uint32_t passed = 0;
  };
  struct Policy {
    std::string name;  // ID@VERSION
    uint32_t cases = 0;
    std::vector<Rule> rules;  // in source order
    std::map<std::string, size_t> ruleIndex;
  };
  Policy& policyFor(const PolicyInfo& info);

  std::vector<Policy> policies_;
  std::map<std::string, size_t> policyIndex_;
};

// A percentage for people: 64.3, 100, 0.
std::string formatPercent(double percent);

}  // namespace ppl::cli
