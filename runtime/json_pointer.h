// JSON Pointer (RFC 6901) tokens, for the paths of claim errors and of policy-test mismatches.
#pragma once

#include <string>
#include <string_view>

namespace ppl {

// Appends `key` as one token of a JSON Pointer: `~` is written `~0` and `/` is `~1`.
inline void appendPointerToken(std::string& out, std::string_view key) {
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
}

}  // namespace ppl
