// The text forms of a decision (see decision_text.h).
#include "cli/decision_text.h"

#include <algorithm>

#include <fmt/core.h>

#include "cli/commands.h"
#include "runtime/utf8.h"
#include "vm/decision_json.h"

namespace ppl::cli {

std::vector<int64_t> lineNumbers(const Program& program, const Facts& facts, size_t count) {
  std::vector<int64_t> numbers;
  const FactLayout& layout = program.layout;
  if (layout.linesSlot < facts.slots.size()) {
    ListRef lines = facts.field(Facts::kRootBase, layout.linesSlot).list;
    if (lines.count == count && size_t{lines.begin} + lines.count <= facts.elems.size()) {
      for (uint32_t i = 0; i < lines.count; ++i) {
        size_t slot = size_t{facts.element(lines, i).rec} + layout.lineNumberSlot;
        if (slot >= facts.slots.size()) break;
        numbers.push_back(facts.slots[slot].i);
      }
    }
  }
  if (numbers.size() != count) {
    numbers.clear();
    for (size_t i = 0; i < count; ++i) numbers.push_back(static_cast<int64_t>(i) + 1);
  }
  return numbers;
}

std::string firedRules(const Program& program, const Facts& facts, const Decision& decision) {
  if (decision.policy < 0 || static_cast<size_t>(decision.policy) >= program.policies.size()) {
    return "-";
  }
  const std::vector<RuleInfo>& rules = program.policies[decision.policy].rules;
  auto ruleId = [&](uint32_t rule) -> std::string_view {
    return rule < rules.size() ? std::string_view(rules[rule].id) : std::string_view("?");
  };
  std::vector<int64_t> numbers = lineNumbers(program, facts, decision.lines.size());
  std::string text;
  for (size_t i = 0; i < decision.lines.size(); ++i) {
    const LineDecision& line = decision.lines[i];
    if (line.reasonCount == 0 && line.adjustmentCount == 0) continue;
    if (!text.empty()) text += "; ";
    text += fmt::format("L{} {}", numbers[i], verdictName(line.verdict));
    const char* sep = " ";
    for (uint32_t r = 0; r < line.reasonCount; ++r) {
      size_t k = size_t{line.firstReason} + r;
      if (k >= decision.reasons.size()) break;
      text += sep;
      text += ruleId(decision.reasons[k].rule);
      sep = ",";
    }
    for (uint32_t a = 0; a < line.adjustmentCount; ++a) {
      size_t k = size_t{line.firstAdjustment} + a;
      if (k >= decision.adjustments.size()) break;
      const Adjustment& adj = decision.adjustments[k];
      text += sep;
      text += ruleId(adj.rule);
      if (adj.rule < rules.size() && adj.adjustment < rules[adj.rule].adjustments.size()) {
        text += fmt::format("(-{}%)", rules[adj.rule].adjustments[adj.adjustment].percent.toString());
      }
      sep = ",";
    }
  }
  return text.empty() ? "-" : text;
}

namespace {

const char* outcomeName(Evaluator::RuleOutcome outcome) {
  switch (outcome) {
    case Evaluator::RuleOutcome::kPassed: return "passed";
    case Evaluator::RuleOutcome::kFailed: return "failed";
    case Evaluator::RuleOutcome::kSkipped: return "skipped";
  }
  return "?";
}

// `CO 252 M127`: a reason's or an adjustment's group, CARC and RARCs.
std::string codesText(AdjustmentGroup group, const std::string& carc, const std::vector<std::string>& rarcs) {
  std::string text = fmt::format("{} {}", groupName(group), carc);
  for (const std::string& rarc : rarcs) text += " " + rarc;
  return text;
}

// writeExplanation's state: one decided claim and the policy that decided it.
class Explainer {
 public:
  Explainer(const Program& program, const Facts& facts, const Decision& decision,
            const std::vector<Evaluator::RuleTraceEntry>& trace, std::string& out)
      : program_(program), facts_(facts), decision_(decision),
        rules_(program.policies[decision.policy].rules), out_(out) {
    did_.assign(decision.lines.size() * rules_.size(), kNotRun);
    for (const Evaluator::RuleTraceEntry& entry : trace) {
      if (entry.line < decision.lines.size() && entry.rule < rules_.size()) {
        did_[size_t{entry.line} * rules_.size() + entry.rule] = static_cast<int>(entry.outcome);
      }
    }
    for (const RuleInfo& rule : rules_) {
      idWidth_ = std::max(idWidth_, rule.id.size());
      titleWidth_ = std::max<size_t>(titleWidth_, codePoints(rule.title));
    }
  }

  void line(size_t i, int64_t number) {
    const LineDecision& line = decision_.lines[i];
    out_ += fmt::format("  line {}", number);
    const std::string_view hcpcs = hcpcsOf(i);
    if (!hcpcs.empty()) {
      out_ += ", ";
      out_ += printable(hcpcs);
    }
    const auto first = did_.begin() + static_cast<std::ptrdiff_t>(i * rules_.size());
    if (std::all_of(first, first + static_cast<std::ptrdiff_t>(rules_.size()), [](int d) { return d == kNotRun; })) {
      out_ += fmt::format(": {}, not governed by the policy\n", verdictName(line.verdict));
      return;
    }
    out_ += fmt::format(": {}\n", verdictName(line.verdict));
    for (uint32_t r = 0; r < rules_.size(); ++r) {
      rule(r, did_[i * rules_.size() + r]);
      reasons(line, r);
      adjustments(line, r);
    }
  }

 private:
  static constexpr int kNotRun = -1;       // in did_: the trace has no entry
  static constexpr size_t kDetail = 13;    // the indent of a reason or adjustment under its rule

  // `    failed   C-DOSE      TITLE     FILE:LINE:COL`
  void rule(uint32_t r, int did) {
    const RuleInfo& rule = rules_[r];
    const char* outcome = did == kNotRun ? "not run" : outcomeName(static_cast<Evaluator::RuleOutcome>(did));
    out_ += fmt::format("    {:<7}  {:<{}}  ", outcome, rule.id, idWidth_);
    out_ += printable(rule.title);
    if (rule.pos.line != 0 && rule.pos.file < program_.files.size()) {
      out_.append(titleWidth_ - codePoints(rule.title) + 2, ' ');
      out_ += fmt::format("{}:{}:{}", program_.files[rule.pos.file], rule.pos.line, rule.pos.col);
    }
    out_ += '\n';
  }

  // `             pend CO 252 M127: MESSAGE` for each of the line's reasons from rule r.
  void reasons(const LineDecision& line, uint32_t r) {
    const RuleInfo& rule = rules_[r];
    for (uint32_t k = line.firstReason; k < line.firstReason + line.reasonCount && k < decision_.reasons.size(); ++k) {
      const Reason& reason = decision_.reasons[k];
      if (reason.rule != r || reason.outcome >= rule.outcomes.size()) continue;
      const Outcome& outcome = rule.outcomes[reason.outcome];
      out_.append(kDetail, ' ');
      out_ += fmt::format("{} {}", actionName(outcome.action), codesText(reason.group, outcome.carc, outcome.rarcs));
      message(outcome.message, reason.args);
    }
  }

  // `             adjust CO 45 by -20%: MESSAGE` for each of the line's adjustments from rule r.
  void adjustments(const LineDecision& line, uint32_t r) {
    const RuleInfo& rule = rules_[r];
    for (uint32_t k = line.firstAdjustment;
         k < line.firstAdjustment + line.adjustmentCount && k < decision_.adjustments.size(); ++k) {
      const Adjustment& adjustment = decision_.adjustments[k];
      if (adjustment.rule != r || adjustment.adjustment >= rule.adjustments.size()) continue;
      const AdjustmentSpec& spec = rule.adjustments[adjustment.adjustment];
      out_.append(kDetail, ' ');
      out_ += fmt::format("adjust {} by -{}%", codesText(spec.group, spec.carc, {}), spec.percent.toString());
      message(spec.message, adjustment.args);
    }
  }

  // `: MESSAGE` and the line's end; just the end when the message is empty.
  void message(const Message& message, const Value* args) {
    text_.clear();
    renderMessage(program_, facts_, message, args, text_);
    if (!text_.empty()) {
      out_ += ": ";
      out_ += printable(text_);
    }
    out_ += '\n';
  }

  std::string_view hcpcsOf(size_t i) const {
    const FactLayout& layout = program_.layout;
    if (layout.linesSlot >= facts_.slots.size()) return {};
    const ListRef lines = facts_.field(Facts::kRootBase, layout.linesSlot).list;
    if (i >= lines.count || size_t{lines.begin} + i >= facts_.elems.size()) return {};
    const size_t slot = size_t{facts_.element(lines, static_cast<uint32_t>(i)).rec} + layout.hcpcsSlot;
    if (slot >= facts_.slots.size() || facts_.slots[slot].absent) return {};
    return facts_.slots[slot].s.view();
  }

  const Program& program_;
  const Facts& facts_;
  const Decision& decision_;
  const std::vector<RuleInfo>& rules_;
  std::string& out_;
  std::vector<int> did_;  // by line, then rule: a RuleOutcome, or kNotRun
  size_t idWidth_ = 0;
  size_t titleWidth_ = 0;
  std::string text_;  // a rendered message
};

}  // namespace

void writeExplanation(const Program& program, const Facts& facts, const Decision& decision,
                      const std::vector<Evaluator::RuleTraceEntry>& trace, std::string_view claimId,
                      std::string& out) {
  out += printable(claimId);
  if (decision.policy < 0 || static_cast<size_t>(decision.policy) >= program.policies.size()) {
    out += fmt::format(": {}, no policy governs the claim\n", verdictName(decision.verdict));
    return;
  }
  const PolicyInfo& policy = program.policies[decision.policy];
  out += fmt::format(": {}, by {}@{}", verdictName(decision.verdict), policy.id, policy.version);
  if (!policy.title.empty()) {
    out += " (";
    out += printable(policy.title);
    out += ")";
  }
  out += '\n';
  Explainer explainer(program, facts, decision, trace, out);
  const std::vector<int64_t> numbers = lineNumbers(program, facts, decision.lines.size());
  for (size_t i = 0; i < decision.lines.size(); ++i) explainer.line(i, numbers[i]);
}

}  // namespace ppl::cli
