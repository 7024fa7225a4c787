#include "cli/test_coverage.h"

#include <algorithm>

#include <fmt/core.h>

namespace ppl::cli {

RuleCoverage::Policy& RuleCoverage::policyFor(const PolicyInfo& info) {
  std::string name = fmt::format("{}@{}", info.id, info.version);
  auto [it, added] = policyIndex_.emplace(name, policies_.size());
  if (added) {
    policies_.emplace_back();
    policies_.back().name = name;
  }
  Policy& policy = policies_[it->second];
  // Register rules by id, so that the same policy from another program merges.
  for (const RuleInfo& rule : info.rules) {
    if (policy.ruleIndex.emplace(rule.id, policy.rules.size()).second) policy.rules.push_back({rule.id});
  }
  return policy;
}

void RuleCoverage::addProgram(const Program& program) {
  for (const PolicyInfo& info : program.policies) policyFor(info);
}

void RuleCoverage::addCase(const Program& program, int32_t policyIndex,
                           const std::vector<Evaluator::RuleTraceEntry>& trace) {
  if (policyIndex < 0 || static_cast<size_t>(policyIndex) >= program.policies.size()) return;
  const PolicyInfo& info = program.policies[policyIndex];
  Policy& policy = policyFor(info);
  ++policy.cases;
  std::vector<uint8_t> failed(info.rules.size(), 0);
  std::vector<uint8_t> passed(info.rules.size(), 0);
  for (const Evaluator::RuleTraceEntry& entry : trace) {
    if (entry.rule >= info.rules.size()) continue;
    if (entry.outcome == Evaluator::RuleOutcome::kFailed) failed[entry.rule] = 1;
    if (entry.outcome == Evaluator::RuleOutcome::kPassed) passed[entry.rule] = 1;
  }
  for (size_t r = 0; r < info.rules.size(); ++r) {
    Rule& rule = policy.rules[policy.ruleIndex.at(info.rules[r].id)];
    rule.applied += (failed[r] | passed[r]);
    rule.failed += failed[r];
    rule.passed += passed[r];
  }
}

size_t RuleCoverage::ruleCount() const {
  size_t n = 0;
  for (const Policy& p : policies_) n += p.rules.size();
  return n;
}

size_t RuleCoverage::bothWays() const {
  size_t n = 0;
  for (const Policy& p : policies_) {
    n += std::count_if(p.rules.begin(), p.rules.end(), [](const Rule& r) { return r.failed > 0 && r.passed > 0; });
  }
  return n;
}

double RuleCoverage::percent() const {
  size_t total = ruleCount();
  return total == 0 ? 0.0 : 100.0 * static_cast<double>(bothWays()) / static_cast<double>(total);
}

std::string formatPercent(double percent) {
  std::string text = fmt::format("{:.1f}", percent);
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  return text;
}

std::string RuleCoverage::summary() const {
  return fmt::format("coverage: {} of {} rules exercised both ways ({}%)\n", bothWays(), ruleCount(),
                     formatPercent(percent()));
}

std::string RuleCoverage::report() const {
  std::string out;
  for (const Policy& policy : policies_) {
    out += fmt::format("coverage of {} ({} case{})\n", policy.name, policy.cases, policy.cases == 1 ? "" : "s");
    size_t width = 4;
    for (const Rule& r : policy.rules) width = std::max(width, r.id.size());
    out += fmt::format("  {:<{}}  applied  failed  passed\n", "rule", width);
    std::string neverFailed;
    std::string neverPassed;
    for (const Rule& r : policy.rules) {
      out += fmt::format("  {:<{}}  {:>7}  {:>6}  {:>6}\n", r.id, width, r.applied, r.failed, r.passed);
      if (r.failed == 0) neverFailed += (neverFailed.empty() ? "" : ", ") + r.id;
      if (r.passed == 0) neverPassed += (neverPassed.empty() ? "" : ", ") + r.id;
    }
    out += fmt::format("  never failed: {}\n", neverFailed.empty() ? "none" : neverFailed);
    out += fmt::format("  never passed: {}\n", neverPassed.empty() ? "none" : neverPassed);
  }
  out += summary();
  return out;
}

}  // namespace ppl::cli
