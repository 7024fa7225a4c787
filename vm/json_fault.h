// Where a claim's JSON breaks a rule that simdjson's first stage checks without saying where.
//
// simdjson validates UTF-8, control characters in strings and the pairing of brackets over the
// whole text before it parses, and reports a failure of these with an error code only. The
// loader then scans the text again here, on the error path only, to name the byte at fault.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ppl {

// The kinds of fault simdjson's first stage reports without a position.
enum class JsonFaultKind {
  kUtf8,       // a byte sequence that is not UTF-8 (simdjson::UTF8_ERROR)
  kControl,    // a byte below 0x20 inside a string (simdjson::UNESCAPED_CHARS)
  kStructure,  // brackets that do not pair up, text after the value, a cut-off text
               // (simdjson::INCOMPLETE_ARRAY_OR_OBJECT, UNCLOSED_STRING; text after the claim)
};

struct JsonFault {
  size_t offset = 0;    // the byte at fault: where a line and column are counted to
  std::string message;  // what is wrong there, without the "malformed json: " prefix
};

// The first fault of `kind` in `text`, a single JSON value (white space around it allowed);
// false when there is none, and the caller keeps simdjson's own message. A position the message
// names (`opened at line 3, column 1`) counts lines from `firstLine`, the input line where `text`
// begins (jsonPosition).
bool findJsonFault(std::string_view text, JsonFaultKind kind, uint64_t firstLine, JsonFault& out);

// A hand-written claim's likeliest slips, told where parsing stopped at text[offset]: a comma
// before `]` or `}` (JSON has no trailing comma), a string in single quotes. "" for anything
// else: the caller keeps its general message.
std::string jsonSlipAt(std::string_view text, size_t offset);

// The 1-based line and column of text[offset], counting characters (not UTF-8 continuation
// bytes) within the line.
void jsonLineAndColumn(std::string_view text, size_t offset, int& line, int& column);

// "line L, column C" for text[offset], as messages name a position: L counts from `firstLine`,
// the line of the input where `text` begins (1 for a document of its own, an NDJSON record's line
// in its file).
std::string jsonPosition(std::string_view text, size_t offset, uint64_t firstLine);

}  // namespace ppl
