// findJsonFault: the byte at fault and what is wrong there, for the three kinds of fault
// simdjson's first stage reports without a position. Offsets are counted by hand.
#include <catch2/catch.hpp>

#include <string>

#include "vm/json_fault.h"

using ppl::findJsonFault;
using ppl::JsonFault;
using ppl::JsonFaultKind;

namespace {

struct Found {
  bool found;
  size_t offset;
  std::string message;
};

Found find(const std::string& text, JsonFaultKind kind) {
  JsonFault fault;
  const bool found = findJsonFault(text, kind, 1, fault);
  return {found, fault.offset, fault.message};
}

void expectFault(const std::string& text, JsonFaultKind kind, size_t offset, const std::string& message) {
  INFO("text: " << text);
  const Found f = find(text, kind);
  REQUIRE(f.found);
  CHECK(f.offset == offset);
  CHECK(f.message == message);
}

void expectNone(const std::string& text, JsonFaultKind kind) {
  INFO("text: " << text);
  CHECK_FALSE(find(text, kind).found);
}

}  // namespace

TEST_CASE("json fault: bytes that are not UTF-8", "[json_fault]") {
  const auto k = JsonFaultKind::kUtf8;
  expectFault("{\"a\": \"x\xFF\"}", k, 8, "the byte 0xFF is not UTF-8 here");
  expectFault("{\"a\": \"\xC0\x80\"}", k, 7, "the byte 0xC0 is not UTF-8 here");          // overlong NUL
  expectFault("{\"a\": \"\xE0\x80\x80\"}", k, 7, "the byte 0xE0 is not UTF-8 here");      // overlong
  expectFault("{\"a\": \"\xED\xA0\x80\"}", k, 7, "the byte 0xED is not UTF-8 here");      // a surrogate
  expectFault("{\"a\": \"\xF4\x90\x80\x80\"}", k, 7, "the byte 0xF4 is not UTF-8 here");  // above U+10FFFF
  expectFault("{\"a\": \"\xE2\x82\"}", k, 7, "the byte 0xE2 is not UTF-8 here");          // cut short
  expectFault("{\"a\": \"x\"}\xE2\x82", k, 10, "the byte 0xE2 is not UTF-8 here");        // at the very end
  expectFault("\x80", k, 0, "the byte 0x80 is not UTF-8 here");
  // Valid: two-, three- and four-byte characters at the edges of their ranges.
  expectNone("{\"a\": \"\xC2\x80 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEF\xBF\xBF \xF0\x90\x80\x80 \xF4\x8F\xBF\xBF\"}", k);
}

TEST_CASE("json fault: UTF-16 is named as such", "[json_fault]") {
  const std::string le("\xFF\xFE{\0}\0", 6);
  const std::string be("\xFE\xFF\0{\0}", 6);
  for (JsonFaultKind k : {JsonFaultKind::kUtf8, JsonFaultKind::kControl, JsonFaultKind::kStructure}) {
    expectFault(le, k, 0, "the text is UTF-16 (it begins with a UTF-16 byte order mark); a claim must be UTF-8");
    expectFault(be, k, 0, "the text is UTF-16 (it begins with a UTF-16 byte order mark); a claim must be UTF-8");
    expectFault(std::string("{\0\"\0", 4), k, 1,
                "a NUL byte: the text looks like UTF-16 (NUL bytes between its characters); a claim must be UTF-8");
    expectFault(std::string("\0{\0\"", 4), k, 0,
                "a NUL byte: the text looks like UTF-16 (NUL bytes between its characters); a claim must be UTF-8");
  }
}

TEST_CASE("json fault: control characters inside strings", "[json_fault]") {
  const auto k = JsonFaultKind::kControl;
  expectFault("{\"a\": \"x\ty\"}", k, 8, "a control character (U+0009) inside a string; write it as \\t");
  expectFault("{\"a\": \"x\ny\"}", k, 8, "a control character (U+000A) inside a string; write it as \\n");
  expectFault("{\"a\": \"\x01\"}", k, 7, "a control character (U+0001) inside a string; write it as \\u0001");
  expectFault("{\"a\": \"\x1F\"}", k, 7, "a control character (U+001F) inside a string; write it as \\u001F");
  // In a key, and after an escaped quote that does not end the string.
  expectFault("{\"a\rb\": 1}", k, 3, "a control character (U+000D) inside a string; write it as \\r");
  expectFault("{\"a\": \"\\\" \x08\"}", k, 10, "a control character (U+0008) inside a string; write it as \\b");
  // Escaped by a backslash is still raw.
  expectFault("{\"a\": \"\\\x0C\"}", k, 8, "a control character (U+000C) inside a string; write it as \\f");
  // A string that never ends, with or without a last line break (simdjson reads the zero
  // padding after the text as control characters inside it).
  expectFault("{\"a\": \"x", k, 6, "the text ends inside this string");
  expectFault("{\"a\": \"x\r\n", k, 6, "the text ends inside this string");
  expectFault("{\"a\": \"x\n}", k, 8, "a control character (U+000A) inside a string; write it as \\n");
  // White space between tokens is not inside a string; an escaped backslash ends before the quote.
  expectNone("{\n\t\"a\":\r\n \"\\\\\"}", k);
}

TEST_CASE("json fault: brackets that do not pair up", "[json_fault]") {
  const auto k = JsonFaultKind::kStructure;
  expectFault("{\"a\": 1}}", k, 8, "text after the end of the claim");
  expectFault("{\"a\": 1} x", k, 9, "text after the end of the claim");
  expectFault("{\"a\": 1}\n\n  {}", k, 12, "text after the end of the claim");
  expectFault("{\"a\": [1, 2}", k, 11, "`}` where the `[` opened at line 1, column 7 needs `]`");
  expectFault("{\"a\": {\"b\": 1]}", k, 13, "`]` where the `{` opened at line 1, column 7 needs `}`");
  expectFault("]", k, 0, "`]` closes nothing");
  expectFault("{\"a\": [1, 2", k, 11, "the text ends before the `[` opened at line 1, column 7 is closed");
  expectFault("{\n  \"a\": {\n", k, 11, "the text ends before the `{` opened at line 2, column 8 is closed");
  expectFault("{\"a\": \"x", k, 6, "the text ends inside this string");
  // Brackets and quotes inside strings do not count; columns count characters, not bytes.
  expectFault("{\"a\": \"}]\\\"\"}]", k, 13, "text after the end of the claim");
  expectFault("{\"\xC3\xA9\": [", k, 8, "the text ends before the `[` opened at line 1, column 7 is closed");
  expectNone("{\"a\": [1, {\"b\": \"]}\"}]}  \n", k);
  expectNone("  17  ", k);
  // A closing quote left out: every later quote pairs with the wrong one, and the text ends
  // inside a string far below. The first string that runs into a line break is the fault.
  expectFault("{\n  \"a\": \"x,\n  \"b\": \"y\"\n}\n", k, 9,
              "this string runs past the end of its line: is its closing quote missing? (a line break inside a "
              "string is written \\n)");
  // ... after an escaped backslash too (the line break itself is not escaped); CRLF is a `\n`.
  expectFault("{\n  \"a\": \"C:\\\\\n  \"b\": \"y\"\n}\n", k, 9,
              "this string runs past the end of its line: is its closing quote missing? (a line break inside a "
              "string is written \\n)");
  expectFault("{\r\n  \"a\": \"x,\r\n  \"b\": \"y\"\r\n}\r\n", k, 10,
              "this string runs past the end of its line: is its closing quote missing? (a line break inside a "
              "string is written \\n)");
  // Another control character inside a string comes before any bracket it leaves unpaired.
  expectFault("{\"a\": \"x\ty]", k, 8, "a control character (U+0009) inside a string; write it as \\t");
}

TEST_CASE("json fault: line and column", "[json_fault]") {
  int line = 0, column = 0;
  ppl::jsonLineAndColumn("ab\ncd\xC3\xA9" "e", 7, line, column);  // "é" is one character
  CHECK(line == 2);
  CHECK(column == 4);
  ppl::jsonLineAndColumn("ab", 0, line, column);
  CHECK(line == 1);
  CHECK(column == 1);
}

TEST_CASE("json fault: positions count lines from the text's first line in its input", "[json_fault]") {
  CHECK(ppl::jsonPosition("ab\ncd\xC3\xA9" "e", 7, 1) == "line 2, column 4");
  CHECK(ppl::jsonPosition("ab\ncd\xC3\xA9" "e", 7, 10) == "line 11, column 4");
  CHECK(ppl::jsonPosition("ab", 1, 7) == "line 7, column 2");
  JsonFault fault;
  REQUIRE(findJsonFault("{\"a\": [1}", JsonFaultKind::kStructure, 7, fault));
  CHECK(fault.offset == 8);
  CHECK(fault.message == "`}` where the `[` opened at line 7, column 7 needs `]`");
  REQUIRE(findJsonFault("\n{\"a\": 1", JsonFaultKind::kStructure, 3, fault));
  CHECK(fault.message == "the text ends before the `{` opened at line 4, column 1 is closed");
}
