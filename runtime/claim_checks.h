// What the two ways into Facts share — the JSON claim loader (vm/claim_loader) and the embedding
// API's fact builder (embed/claim_builder): the check that a schema is safe to index by, the
// order used to find repeated keys, and how a bad value is named in a message. One copy, so a
// claim is refused with the same words whichever way it came in.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/always_inline.h"
#include "runtime/schema.h"
#include "runtime/value.h"

namespace ppl {

// Values a claim field can hold directly (lists and records hold these).
bool isScalarKind(ValueKind kind);

// Orders two values of one scalar kind (-1, 0, 1): a list's `unique` key needs a sort.
int compareValues(ValueKind kind, const Value& a, const Value& b);

// "must be an ndc of 11 digits without dashes": what a string of format `f` must look like.
const char* formatExpectation(StringFormat f);

// The code of format `format` a misspelt `text` most likely meant: upper case, and for a
// diagnosis the dot after the category (`z192` -> `Z19.2`); "" when neither has the format.
std::string likelyCode(std::string_view text, StringFormat format);

// An enumeration's values as a refusal lists them: "professional, institutional".
std::string enumValueList(const std::vector<std::string>& names);

namespace detail {
// matchesFormatAt's steps, always inline too (as lambdas GCC left them out of line in the
// loader's larger readers).
PPL_ALWAYS_INLINE bool isCodeDigit(char c) { return c >= '0' && c <= '9'; }
// 'A'-'Z' and '0'-'9' by one table load (two range tests took ~6 instructions a byte).
struct UpperOrDigitTable {
  bool holds[256] = {};
  constexpr UpperOrDigitTable() {
    for (int c = '0'; c <= '9'; ++c) holds[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) holds[c] = true;
  }
};
inline constexpr UpperOrDigitTable kUpperOrDigit{};
PPL_ALWAYS_INLINE bool isUpperOrDigit(char c) { return kUpperOrDigit.holds[static_cast<unsigned char>(c)]; }
// Bytes [0, n) of s, n from 1 to 16, are all digits: 8-byte words (the second overlapping the
// first when n < 16, the first masked when n < 8) whose high nibbles are 3 and whose low
// nibbles stay below 10 (adding 6 carries into the high nibble otherwise).
PPL_ALWAYS_INLINE bool digitsInWord(uint64_t w, uint64_t mask) {
  constexpr uint64_t kZeros = 0x3030303030303030ull, kHigh = 0xF0F0F0F0F0F0F0F0ull, kSixes = 0x0606060606060606ull;
  if ((w & kHigh & mask) != (kZeros & mask)) return false;
  return (((w & mask) - (kZeros & mask) + (kSixes & mask)) & kHigh & mask) == 0;
}
PPL_ALWAYS_INLINE bool allDigits(const char* p, size_t count) {
  uint64_t a, b;
  std::memcpy(&a, p, sizeof a);
  if (count < 8) return digitsInWord(a, ~uint64_t{0} >> (64 - 8 * count));
  std::memcpy(&b, p + count - 8, sizeof b);
  return digitsInWord(a, ~uint64_t{0}) && digitsInWord(b, ~uint64_t{0});
}
}  // namespace detail

// matchesFormat(f, {s, n}) for the claim loader's fast path, which reads codes in place: the
// same answer, without a call or loops for the fixed-length codes. Reads max(n, 8) bytes from s.
// Always inline: the fast path knows the format of each field it reads.
PPL_ALWAYS_INLINE bool matchesFormatAt(StringFormat f, const char* s, size_t n) {
  using detail::allDigits;
  const auto digit = detail::isCodeDigit;
  const auto upperOrDigit = detail::isUpperOrDigit;
  switch (f) {
    case StringFormat::kAny: return true;
    case StringFormat::kHcpcs:
      return n == 5 && upperOrDigit(s[0]) && digit(s[1]) && digit(s[2]) && digit(s[3]) && upperOrDigit(s[4]);
    case StringFormat::kIcd10cm:
      if (n < 3 || !(s[0] >= 'A' && s[0] <= 'Z') || !digit(s[1]) || !upperOrDigit(s[2])) return false;
      if (n == 3) return true;
      if (s[3] != '.' || n < 5 || n > 8) return false;
      for (size_t i = 4; i < n; ++i) {
        if (!upperOrDigit(s[i])) return false;
      }
      return true;
    case StringFormat::kNdc: return n == 11 && allDigits(s, 11);
    case StringFormat::kNpi: return n == 10 && allDigits(s, 10);
    case StringFormat::kPlaceOfService: return n == 2 && allDigits(s, 2);
    case StringFormat::kModifier: return n == 2 && upperOrDigit(s[0]) && upperOrDigit(s[1]);
  }
  return false;
}

// Quoted strings in messages show at most this many bytes of the value.
constexpr size_t kMaxQuoted = 40;

// `s` as a JSON string literal for a message, cut at kMaxQuoted bytes on a UTF-8 character
// boundary (then `..."`).
std::string quotedForMessage(std::string_view s);

// A scalar value as a claim would spell it: `true`, `40`, `82.5`, `"JZ"`, `"2026-10-05"`.
std::string renderValue(ValueKind kind, const Value& v);

// Empty when every field of `schema` has its own slot in range, a supported type, and indexes
// (record, enumeration, `not before`, `unique`) that exist; else what is wrong, naming the field.
// Loaders check this once, so that a damaged schema (from a .pplb file) is an error, not a crash.
std::string schemaProblem(const Schema& schema);

}  // namespace ppl
