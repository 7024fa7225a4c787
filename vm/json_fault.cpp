#include "vm/json_fault.h"

#include <fmt/core.h>

#include <cstdint>
#include <vector>

#include "runtime/utf8.h"

namespace ppl {

namespace {

bool isSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// How a control character is written inside a JSON string.
std::string escapeFor(unsigned char c) {
  switch (c) {
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: return fmt::format("\\u{:04X}", c);
  }
}

bool found(JsonFault& out, size_t offset, std::string message) {
  out.offset = offset;
  out.message = std::move(message);
  return true;
}

bool findUtf8Fault(std::string_view text, JsonFault& out) {
  const size_t i = firstInvalidUtf8(text);
  if (i == std::string_view::npos) return false;
  return found(out, i, fmt::format("the byte 0x{:02X} is not UTF-8 here", static_cast<unsigned char>(text[i])));
}

// The offset of the quote that ends the string whose opening quote is at `begin`, of the first
// control character inside it when `stopAtControl`, or text.size() when the text ends first.
size_t skipString(std::string_view text, size_t begin, bool stopAtControl) {
  size_t i = begin + 1;
  for (; i < text.size() && text[i] != '"'; ++i) {
    if (stopAtControl && static_cast<unsigned char>(text[i]) < 0x20) return i;
    if (text[i] == '\\') {  // the escaped byte cannot end the string, but may be a control character
      if (stopAtControl && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0x20) return i + 1;
      ++i;
    }
  }
  return i < text.size() ? i : text.size();
}

// UTF-16 fails any of the three checks, depending on which simdjson makes first: say what it
// is rather than point at a byte. Without a byte order mark it has a NUL byte before or after
// each ASCII character.
bool findUtf16Fault(std::string_view text, JsonFault& out) {
  if (text.size() < 2) return false;
  const char a = text[0], b = text[1];
  if ((a == '\xFF' && b == '\xFE') || (a == '\xFE' && b == '\xFF')) {
    return found(out, 0, "the text is UTF-16 (it begins with a UTF-16 byte order mark); a claim must be UTF-8");
  }
  if (a != '\0' && b != '\0') return false;
  return found(out, a == '\0' ? 0 : 1,
               "a NUL byte: the text looks like UTF-16 (NUL bytes between its characters); a claim must be UTF-8");
}

// A string that never ends: simdjson reads the zero padding after the text as control
// characters inside it, or the text's last line break is one.
bool endsInsideString(std::string_view text, size_t begin, size_t control) {
  if (skipString(text, begin, false) < text.size()) return false;
  for (size_t i = control; i < text.size(); ++i) {
    if (!isSpace(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

// The string opened at `begin` holds a control character at `control` (or the text ends): which
// fault that is. When the quotes do not pair up (`unpaired`), a line break in a string is most
// likely a closing quote left out, after which every quote of the text pairs with the wrong one:
// the first string to run into a line break is where that happened.
bool controlInString(std::string_view text, size_t begin, size_t control, bool unpaired, JsonFault& out) {
  if (endsInsideString(text, begin, control)) return found(out, begin, "the text ends inside this string");
  const unsigned char c = static_cast<unsigned char>(text[control]);
  size_t backslashes = 0;  // an odd run before the line break escapes it: `\` + newline
  while (control - backslashes > begin + 1 && text[control - backslashes - 1] == '\\') ++backslashes;
  if (unpaired && (c == '\n' || c == '\r') && backslashes % 2 == 0) {
    const bool crlf = c == '\r' && control + 1 < text.size() && text[control + 1] == '\n';
    return found(out, begin,
                 fmt::format("this string runs past the end of its line: is its closing quote missing? (a line "
                             "break inside a string is written {})",
                             crlf ? "\\n" : escapeFor(c)));
  }
  return found(out, control, fmt::format("a control character (U+{:04X}) inside a string; write it as {}", c, escapeFor(c)));
}

bool findControlFault(std::string_view text, JsonFault& out) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"') continue;
    const size_t begin = i;
    i = skipString(text, begin, true);
    if (i < text.size() && text[i] == '"') continue;
    return controlInString(text, begin, i, false, out);
  }
  return false;
}

bool findStructureFault(std::string_view text, uint64_t firstLine, JsonFault& out) {
  std::vector<size_t> open;  // offsets of the brackets not closed yet, innermost last
  bool valueDone = false;    // the top-level value is complete: only white space may follow
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (isSpace(static_cast<unsigned char>(c))) continue;
    if (valueDone) return found(out, i, "text after the end of the claim");
    if (c == '"') {
      // Stopping at a control character: JSON has none inside a string, so the first string
      // holding one is the first fault, before any bracket it leaves unpaired.
      const size_t begin = i;
      i = skipString(text, i, true);
      if (i == text.size() || text[i] != '"') return controlInString(text, begin, i, true, out);
      valueDone = open.empty();
    } else if (c == '{' || c == '[') {
      open.push_back(i);
    } else if (c == '}' || c == ']') {
      if (open.empty()) return found(out, i, fmt::format("`{}` closes nothing", c));
      const char opener = text[open.back()];
      const char closer = opener == '{' ? '}' : ']';
      if (c != closer) {
        return found(out, i,
                     fmt::format("`{}` where the `{}` opened at {} needs `{}`", c, opener,
                                 jsonPosition(text, open.back(), firstLine), closer));
      }
      open.pop_back();
      valueDone = open.empty();
    } else if (open.empty()) {
      // A scalar as the whole text (that a claim must be an object is reported elsewhere): it
      // runs to white space, a bracket or a quote.
      while (i + 1 < text.size() && !isSpace(static_cast<unsigned char>(text[i + 1])) &&
             std::string_view("{}[]\"").find(text[i + 1]) == std::string_view::npos) {
        ++i;
      }
      valueDone = true;
    }
  }
  if (open.empty()) return false;
  return found(out, text.size(),
               fmt::format("the text ends before the `{}` opened at {} is closed", text[open.back()],
                           jsonPosition(text, open.back(), firstLine)));
}

}  // namespace

std::string jsonSlipAt(std::string_view text, size_t offset) {
  if (offset >= text.size()) return "";
  const char at = text[offset];
  if (at == '\'') return "JSON strings are written in double quotes, not single";
  if (at == ']' || at == '}') {
    size_t before = offset;
    while (before > 0 && (text[before - 1] == ' ' || text[before - 1] == '\t' || text[before - 1] == '\n' ||
                          text[before - 1] == '\r')) {
      --before;
    }
    if (before > 0 && text[before - 1] == ',') {
      return fmt::format("a comma before `{}`: JSON allows none after the last {}", at, at == ']' ? "element" : "member");
    }
  }
  return "";
}

void jsonLineAndColumn(std::string_view text, size_t offset, int& line, int& column) {
  line = 1;
  column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if (!isContinuationByte(static_cast<unsigned char>(text[i]))) {
      ++column;
    }
  }
}

std::string jsonPosition(std::string_view text, size_t offset, uint64_t firstLine) {
  int line, column;
  jsonLineAndColumn(text, offset, line, column);
  return fmt::format("line {}, column {}", firstLine - 1 + static_cast<uint64_t>(line), column);
}

bool findJsonFault(std::string_view text, JsonFaultKind kind, uint64_t firstLine, JsonFault& out) {
  if (findUtf16Fault(text, out)) return true;
  switch (kind) {
    case JsonFaultKind::kUtf8: return findUtf8Fault(text, out);
    case JsonFaultKind::kControl: return findControlFault(text, out);
    case JsonFaultKind::kStructure: return findStructureFault(text, firstLine, out);
  }
  return false;
}

}  // namespace ppl
