// The decision as JSON (docs/spec/decision.md) and the rendering of reason
// messages. Writers append to a caller's std::string and never build temporary strings, so a
// reused buffer stops allocating once it has grown to the largest output.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bytecode/bytecode.h"
#include "runtime/decision.h"
#include "runtime/facts.h"
#include "runtime/value.h"

namespace ppl {

// Appends the decision as JSON to `out`, keys in this order: claim_id, policy ("ID@VERSION" or
// null), decision, lines[] {line_number, hcpcs, decision, reasons[] {rule, action, group, carc,
// rarc[], message}, adjustments[] {rule, group, carc, percent}}. `pretty`: 2-space indented, one
// member or array element a line, empty arrays as `[]` (the layout of examples/*.expected.json);
// else one line with no spaces. No trailing newline. Strings are escaped per RFC 8259 (quote,
// backslash, and control characters as \u00xx); other bytes, UTF-8 included, are copied as they
// are. `percent` is a number in canonical decimal text (20, 12.5).
void writeDecisionJson(const Program& program, const Facts& facts, const Decision& decision, bool pretty,
                       std::string& out);

// The one-line form of writeDecisionJson, fast: everything that depends only on the program
// (the policy's `ID@VERSION`, rule ids, actions, CARC and RARC codes, the constant text of each
// message, adjustments whole) is rendered and escaped once, when the writer is made; writing a
// decision then copies those pieces and formats the few values that vary (claim id, line numbers,
// HCPCS codes, message arguments). Appends the same bytes as writeDecisionJson(program, facts,
// decision, false, out). Reflects the program as it was when made: the program must outlive the
// writer and not change. write() is const, so threads may share one writer.
class DecisionJsonWriter {
 public:
  explicit DecisionJsonWriter(const Program& program);

  void write(const Facts& facts, const Decision& decision, std::string& out) const;

 private:
  struct Span {  // text_[offset, offset + size)
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  // A message piece: constant text (already escaped) when arg < 0, else an argument to render.
  struct Piece {
    Span text;
    int16_t arg = -1;
    ValueKind kind = ValueKind::kString;
    ValueKind elemKind = ValueKind::kString;
  };
  static constexpr size_t kGroups = 4;    // CO, PR, OA, and "?" for a value out of range
  static constexpr size_t kVerdicts = 5;  // not_applicable, approve, pend, deny, "?"
  struct OutcomeText {
    // `{"rule":"ID","action":"deny","group":"CO","carc":"197","rarc":["M62"],"message":"` per group
    Span head[kGroups];
    uint32_t firstPiece = 0;
    uint32_t pieceCount = 0;
  };
  struct RuleText {
    uint32_t firstOutcome = 0;     // into outcomes_
    uint32_t firstAdjustment = 0;  // into adjustments_
  };
  struct PolicyText {
    Span head[kVerdicts];  // `,"policy":"ID@VERSION","decision":"deny","lines":[` per verdict
    uint32_t firstRule = 0;  // into rules_
  };

  Span add(std::string_view text);
  std::string_view view(Span span) const { return std::string_view(text_.data() + span.offset, span.size); }

  FactLayout layout_;
  std::string text_;                  // every constant piece, back to back
  std::vector<PolicyText> policies_;  // [0]: no policy (`"policy":null`), then Program::policies
  std::vector<RuleText> rules_;
  std::vector<OutcomeText> outcomes_;
  std::vector<Piece> pieces_;
  std::vector<Span> adjustments_;           // `{"rule":"ID","group":"CO","carc":"45","percent":20}`
  Span lineHead_[kVerdicts];                // `","decision":"deny","reasons":[` per verdict
};

// Appends `{"claim_id": "X" or null, "error": "..."}` on one line (spaces after ':' and ',' when
// `pretty`, none otherwise), for a claim that could not be decided. No trailing newline.
void writeErrorJson(const std::string* claimId, std::string_view message, bool pretty, std::string& out);

// Appends a message template rendered with captured args (not escaped): dates YYYY-MM-DD,
// decimals canonical (82.5), integers, strings as they are, bools true/false, durations "N days"
// ("1 day"), groups CO/PR/OA, lists joined with ", " (list args are ListRefs into facts.elems),
// absent args as "none". `args` holds message.argCount values.
void renderMessage(const Program& program, const Facts& facts, const Message& message, const Value* args,
                   std::string& out);

}  // namespace ppl
