// The decision as JSON (docs: /work/shared/spec/decision.md) and the rendering of reason
// messages. Writers append to a caller's std::string and never build temporary strings, so a
// reused buffer stops allocating once it has grown to the largest output.
#pragma once

#include <string>
#include <string_view>

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
