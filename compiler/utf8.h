// UTF-8 counting for positions: columns count code points, as ANTLR does, so a caret lines up
// under multi-byte text. Sources are checked to be valid UTF-8 when they are read
// (parser.cpp's firstInvalidUtf8), so these need not check.
#pragma once

#include <cstdint>
#include <string_view>

namespace ppl {

inline bool isContinuationByte(unsigned char c) { return (c & 0xC0) == 0x80; }

inline uint32_t codePoints(std::string_view s) {
  uint32_t n = 0;
  for (char c : s) {
    if (!isContinuationByte(static_cast<unsigned char>(c))) ++n;
  }
  return n;
}

}  // namespace ppl
