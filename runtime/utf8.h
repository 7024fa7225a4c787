// UTF-8 for positions and checks, shared by the front end (policy sources) and the claim loader
// (malformed claims). Columns count code points, as ANTLR does, so a caret lines up under
// multi-byte text; the counting assumes valid UTF-8, which firstInvalidUtf8 checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ppl {

inline bool isContinuationByte(unsigned char c) { return (c & 0xC0) == 0x80; }

// `at` moved back to the first byte of the character it falls in: where to cut `s` to at most
// `at` bytes without splitting a character (at itself when s is no longer).
inline size_t characterStart(std::string_view s, size_t at) {
  if (at >= s.size()) return at;
  while (at > 0 && isContinuationByte(static_cast<unsigned char>(s[at]))) --at;
  return at;
}

inline uint32_t codePoints(std::string_view s) {
  uint32_t n = 0;
  for (char c : s) {
    if (!isContinuationByte(static_cast<unsigned char>(c))) ++n;
  }
  return n;
}

// The character at s[i] (i < s.size()) in strict UTF-8 (no overlongs, surrogates or code
// points past U+10FFFF): the bytes it takes, with its code point in `cp`; 0 when s[i] does not
// begin a valid character.
size_t decodeUtf8(std::string_view s, size_t i, uint32_t& cp);

// The offset of the first byte that does not begin a valid character (decodeUtf8), or npos.
size_t firstInvalidUtf8(std::string_view s);

// Unicode's White_Space property (PropList.txt): the ASCII tab, line feed, vertical tab, form
// feed, carriage return and space, and U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029,
// U+202F, U+205F, U+3000.
bool isWhiteSpaceCodePoint(uint32_t cp);

// True when `s` is empty or holds only white space (isWhiteSpaceCodePoint): the policies'
// "a text field that holds only white space counts as empty" (docs/spec/j9027-policies.md). A
// no-break space pasted into a lot number is as empty as a space. Bytes that are not valid
// UTF-8 are text, not white space. Inline for the usual text, ASCII, which it mostly decides
// at its first character; isBlankTextFrom decodes from the first byte that is not ASCII.
bool isBlankTextFrom(std::string_view s, size_t i);
inline bool isBlankText(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) return isBlankTextFrom(s, i);
    if (c != ' ' && (c < '\t' || c > '\r')) return false;
  }
  return true;
}

}  // namespace ppl
