// The claim loader, in two paths that fill the same Facts.
//
// The fast path (most claims: `pplc eval --ndjson` spends most of its time here) scans the
// copied bytes once, directed by the schema: keys are compared raw with the field expected next
// (claims list fields in schema order), each field's value is read by an operation chosen when
// the loader is built (dates, enumerations and fixed-length codes matched in place), values go
// straight into their slots. It takes only strict JSON in ASCII without escapes in what it
// reads, and only valid claims; at anything else it stops, and the general path starts over.
// It validates what it skips (unknown fields' values) as strict JSON, so it never accepts a
// document the general path would refuse. It tries the straight reader first, one loop without
// calls for compact claims whose fields come in schema order (for the built-in claim schema,
// the reader generated for it at build time takes that reader's place); at anything else that
// reader gives up and fastObject, which takes any order and white space, reads the claim again.
//
// The general path: simdjson On-Demand walks the document once, in order, and the schema says
// what each key is. Every error is reported here, so messages and paths do not depend on the
// fast path. Keys are compared raw first and values read with the typed getter first; the
// slower steps (unescaping, hashing, asking simdjson for the type) run only when that fails.
// On-Demand parses lazily and would skip an unknown field's value by counting brackets, so the
// general path walks such a value and checks it as strict JSON too; everything is validated.
//
// Both lay records out as they are met; a list collects its elements in the scratch vector of
// its depth and moves them to Facts::elems in one run when it closes, so that the elements of a
// nested list (lines[i].modifiers) never interleave with those of its parent (the fast path
// writes a list whose elements hold no lists straight into Facts::elems). Both convert
// through numberValue / stringValue / finishRecord / findRepeat. Numbers are parsed as exact
// Decimals from their JSON text. A string without escapes is its JSON text, a view into the
// loader's copy of the document; one with escapes is simdjson's unescaped view into the
// parser's string buffer. Both are only reused by the next load, which is exactly how long
// Facts strings are promised to live.
//
// Each reader is a file of its own, its members of ClaimLoader::Impl included into the struct
// below, so that the one source file still inlines the steps they share: claim_loader_plans.inc
// (what the readers know of each field, built with the loader), claim_loader_general_path.inc,
// claim_loader_fast_path.inc (the steps the fast readers share), claim_loader_any_order_reader.inc
// (fastObject), claim_loader_straight_reader.inc and claim_loader_generated_reader.inc. This file
// holds the steps on JSON text and on Values, error reports, record layout, and load().
#include "vm/claim_loader.h"

#include <fmt/core.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bytecode/pplb.h"
#include "runtime/always_inline.h"
#include "runtime/claim_checks.h"
#include "runtime/date.h"
#include "runtime/json_pointer.h"
#include "runtime/utf8.h"
#include "vm/json_fault.h"

namespace ppl {

namespace od = simdjson::ondemand;

namespace {

// Top-level key echoed in NDJSON error records.
constexpr std::string_view kClaimIdKey = "claim_id";


bool isDigit(char c) { return c >= '0' && c <= '9'; }

// A digit's value, and above 9 for any other byte.
PPL_ALWAYS_INLINE uint64_t digitValue(char c) { return static_cast<uint64_t>(static_cast<unsigned char>(c)) - '0'; }

bool isJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }


// raw_json_token() runs up to the next token, white space included.
std::string_view trimToken(std::string_view tok) {
  while (!tok.empty() && isJsonSpace(tok.back())) tok.remove_suffix(1);
  return tok;
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? : On-Demand does not check a number it is
// not asked to convert, and we convert from text ourselves.
bool isJsonNumber(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && isDigit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    size_t start = ++i;
    while (i < n && isDigit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < n && isDigit(s[i])) ++i;
    if (i == start) return false;
  }
  return i == n;
}

const char* skipJsonSpace(const char* p) {
  while (isJsonSpace(*p)) ++p;
  return p;
}

// The end of a string whose opening quote is at `p`, or null when it is not strict JSON: a
// control character, a bad escape, or a \u escape that is half a surrogate pair (what simdjson
// refuses in the fields we read; such a string is no Unicode text). UTF-8 itself is checked by
// simdjson for the whole document. At a bad escape, `badAt` is its backslash and `badWhat` says
// what is wrong with it.
const char* endOfStrictString(const char* p, const char*& badAt, const char*& badWhat) {
  auto hex4 = [](const char* h, unsigned& code) {
    code = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = h[i];
      const int digit = c >= '0' && c <= '9' ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
      if (digit < 0) return false;
      code = code * 16 + static_cast<unsigned>(digit);
    }
    return true;
  };
  for (++p;; ++p) {
    const unsigned char c = static_cast<unsigned char>(*p);
    if (c == '"') return p + 1;
    if (c < 0x20) return nullptr;  // also the zero padding after the text: unterminated
    if (c != '\\') continue;
    badAt = p;
    ++p;
    if (*p != '\0' && std::strchr("\"\\/bfnrt", *p)) continue;
    unsigned code, low;
    if (*p != 'u' || !hex4(p + 1, code)) {
      badWhat = "is not a JSON escape";
      return nullptr;
    }
    p += 4;
    if (code >= 0xDC00 && code <= 0xDFFF) {
      badWhat = "is the second half of a UTF-16 surrogate pair without the first";
      return nullptr;
    }
    if (code >= 0xD800 && code <= 0xDBFF) {
      if (p[1] != '\\' || p[2] != 'u' || !hex4(p + 3, low) || low < 0xDC00 || low > 0xDFFF) {
        badWhat = "is the first half of a UTF-16 surrogate pair without the second";
        return nullptr;
      }
      p += 6;
    }
  }
}

// The end of the JSON value at `p` (RFC 8259, nested to any depth), or null when it is not
// strict JSON. `closers` is scratch: the brackets open at each level. `stringEnd(q)` takes the
// string whose opening quote is at q and returns the byte after its closing quote, or null:
// endOfStrictString for the general path; the fast path's own scan, which also refuses what it
// does not read itself (escapes, non-ASCII), since it skips simdjson's UTF-8 check. The text is
// followed by zero padding, which nothing accepts, so a truncated value stops there.
template <typename StringEnd>
const char* endOfJsonValue(const char* p, std::string& closers, StringEnd stringEnd) {
  const auto space = skipJsonSpace;
  auto key = [&](const char* q) -> const char* {  // a key and its colon
    if (*q != '"' || !(q = stringEnd(q))) return nullptr;
    q = space(q);
    return *q == ':' ? q + 1 : nullptr;
  };
  closers.clear();
  for (;;) {
    p = space(p);
    if (*p == '{' || *p == '[') {
      const char closer = *p == '{' ? '}' : ']';
      p = space(p + 1);
      if (*p == closer) {
        ++p;
      } else {
        closers.push_back(closer);
        if (closer == '}' && !(p = key(p))) return nullptr;
        continue;
      }
    } else if (*p == '"') {
      if (!(p = stringEnd(p))) return nullptr;
    } else if (*p == 't' || *p == 'f' || *p == 'n') {
      const std::string_view word = *p == 't' ? "true" : *p == 'f' ? "false" : "null";
      if (std::memcmp(p, word.data(), word.size()) != 0) return nullptr;  // the padding covers a short tail
      p += word.size();
    } else {
      const char* q = p;
      if (*q == '-') ++q;
      while (isDigit(*q) || *q == '.' || *q == 'e' || *q == 'E' || *q == '+' || *q == '-') ++q;
      if (!isJsonNumber(std::string_view(p, static_cast<size_t>(q - p)))) return nullptr;
      p = q;
    }
    // After a value: close what ends here, then the next value.
    for (;;) {
      if (closers.empty()) return p;
      p = space(p);
      if (*p == closers.back()) {
        ++p;
        closers.pop_back();
        continue;
      }
      if (*p != ',') return nullptr;
      p = space(p + 1);
      if (closers.back() == '}' && !(p = key(p))) return nullptr;
      break;
    }
  }
}

// A well-formed JSON number with neither fraction nor exponent.
bool isPlainInteger(std::string_view s) { return s.find_first_of(".eE") == std::string_view::npos; }

// A well-formed JSON number that is an integer of at most 9 digits: it fits any claim number.
bool isSmallInteger(std::string_view s) {
  const size_t start = !s.empty() && s[0] == '-';
  if (s.size() - start > 9) return false;
  for (size_t i = start; i < s.size(); ++i) {
    if (!isDigit(s[i])) return false;
  }
  return true;
}

// Exact int64 from a plain integer token; false on overflow. Any length is fine here, where
// Decimal::parse would stop at 38 digits.
bool parseInt64(std::string_view s, int64_t& out) {
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  const uint64_t limit = neg ? uint64_t(1) << 63 : (uint64_t(1) << 63) - 1;
  uint64_t mag = 0;
  for (char c : s) {
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (mag > (limit - d) / 10) return false;
    mag = mag * 10 + d;
  }
  if (!neg) {
    out = static_cast<int64_t>(mag);
  } else if (mag == uint64_t(1) << 63) {
    out = INT64_MIN;
  } else {
    out = -static_cast<int64_t>(mag);
  }
  return true;
}

// Cuts `s` to at most kMaxQuoted bytes on a UTF-8 character boundary.
std::string truncated(std::string_view s) {
  if (s.size() <= kMaxQuoted) return std::string(s);
  return std::string(s.substr(0, characterStart(s, kMaxQuoted))) + "...";
}

const char* typeName(od::json_type t) {
  switch (t) {
    case od::json_type::object: return "an object";
    case od::json_type::array: return "an array";
    case od::json_type::number: return "a number";
    case od::json_type::string: return "a string";
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
  }
  return "?";
}

// What is wrong with a claim number or string, if anything; the general path words it.
enum class NumberProblem { kNone, kNotInteger, kIntRange, kClaimRange, kBelowMin };
enum class StringProblem { kNone, kDate, kEmpty, kEnum, kFormat };

// Bytes that end the fast path's view of a string: its closing quote, or what it leaves to the
// general path (a backslash, a control character, any byte of a multi-byte UTF-8 character).
// The zero padding after the document is a control character, so a scan always stops.
[[maybe_unused]] bool endsFastString(unsigned char c) { return c == '"' || c == '\\' || c < 0x20 || c >= 0x80; }

// The first byte at or after `p` for which endsFastString holds, 16 bytes at a time with SSE2
// (every x86-64 has it), else eight. A scan stops at the padding, so a load starting before it
// reads at most 15 bytes into it.
PPL_ALWAYS_INLINE const char* findStringEnd(const char* p) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  for (;; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // A signed compare with 0x20 flags both the control characters and the bytes from 0x80.
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), _mm_cmplt_epi8(v, space));
    if (const int mask = _mm_movemask_epi8(hit)) return p + __builtin_ctz(static_cast<unsigned>(mask));
  }
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHighs = 0x8080808080808080ull;
  for (;; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    // Each term flags (in a byte's high bit) the lowest byte that is a quote, a backslash, below
    // 0x20 or above 0x7F exactly; borrows only make false flags above a true one.
    const uint64_t quote = w ^ (kOnes * '"');
    const uint64_t backslash = w ^ (kOnes * '\\');
    const uint64_t flags = ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) |
                           ((w - kOnes * 0x20) & ~w) | w;
    if (const uint64_t hit = flags & kHighs) return p + __builtin_ctzll(hit) / 8;
  }
#else
  while (!endsFastString(static_cast<unsigned char>(*p))) ++p;
  return p;
#endif
}

// Values written in place, the bytes Value::ofInt and the rest would copy there (all 32 zeroed,
// then the payload) without a temporary: the compiler zeroed the temporary with `rep stos`. With
// SSE2, as two 16-byte stores of the payload and zeros: GCC zeroed what a memset of the whole
// cell left after an 8-byte payload with `rep stos` too, slow to start and 7 instructions a
// value under callgrind.
PPL_ALWAYS_INLINE void clearValue(Value& v) { std::memset(static_cast<void*>(&v), 0, sizeof v); }
#if defined(__SSE2__) && defined(__x86_64__)
// The cell's first and second 16 bytes.
PPL_ALWAYS_INLINE void storeValue(Value& v, __m128i low, __m128i high) {
  static_assert(sizeof(Value) == 32, "two 16-byte stores fill a Value");
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&v), low);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&v) + 1, high);
}
PPL_ALWAYS_INLINE void setInt(Value& v, int64_t i) { storeValue(v, _mm_cvtsi64_si128(i), _mm_setzero_si128()); }
PPL_ALWAYS_INLINE void setString(Value& v, const char* data, uint32_t size) {
  static_assert(offsetof(StrRef, data) == 0 && offsetof(StrRef, size) == 8, "StrRef's layout");
  const __m128i low = _mm_unpacklo_epi64(_mm_cvtsi64_si128(reinterpret_cast<int64_t>(data)), _mm_cvtsi32_si128(static_cast<int>(size)));
  storeValue(v, low, _mm_setzero_si128());
}
PPL_ALWAYS_INLINE void setNone(Value& v) {
  static_assert(offsetof(Value, absent) == 24, "Value's layout");
  storeValue(v, _mm_setzero_si128(), _mm_set_epi64x(1, 0));
}
// x86-64 is little-endian: the low 4 bytes are `rec`.
PPL_ALWAYS_INLINE void setRecord(Value& v, uint32_t base) {
  static_assert(offsetof(Value, rec) == 0, "Value's layout");
  storeValue(v, _mm_cvtsi32_si128(static_cast<int>(base)), _mm_setzero_si128());
}
PPL_ALWAYS_INLINE void setList(Value& v, uint32_t begin, uint32_t count) {
  static_assert(offsetof(Value, list) == 0 && offsetof(ListRef, begin) == 0 && offsetof(ListRef, count) == 4,
                "Value's layout");
  storeValue(v, _mm_cvtsi64_si128(static_cast<int64_t>(uint64_t{count} << 32 | begin)), _mm_setzero_si128());
}
#else
PPL_ALWAYS_INLINE void setList(Value& v, uint32_t begin, uint32_t count) {
  clearValue(v);
  v.list = ListRef{begin, count};
}
PPL_ALWAYS_INLINE void setInt(Value& v, int64_t i) {
  clearValue(v);
  v.i = i;
}
PPL_ALWAYS_INLINE void setString(Value& v, const char* data, uint32_t size) {
  clearValue(v);
  v.s = StrRef{data, size};
}
PPL_ALWAYS_INLINE void setNone(Value& v) {
  clearValue(v);
  v.absent = 1;
}
PPL_ALWAYS_INLINE void setRecord(Value& v, uint32_t base) {
  clearValue(v);
  v.rec = base;  // the member the VM reads, whatever the byte order
}
#endif
#if defined(__SSE2__) && defined(__x86_64__)
// The coefficient's two words as they lead a Decimal (decimal.h's member order), then the
// exponent and zeros: clearing the cell first took `rep stos`, 6 instructions under callgrind.
PPL_ALWAYS_INLINE void setDecimal(Value& v, const Decimal& d) {
  static_assert(sizeof(Decimal) == 24 && offsetof(Value, d) == 0, "a Decimal is its coefficient's two words and an exponent");
  storeValue(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(&d)), _mm_cvtsi32_si128(d.exponent()));
}
// Decimal::fromScaled(mag, scale) written in place (mag has at most 15 digits, scale 0..6; the
// fast path reads no negative number): its trailing zeros are stripped only when the text's last
// digit says there are some (`lastDigitZero`; always so for 0), where fromInt tried a division
// on every number.
PPL_ALWAYS_INLINE void setShortDecimal(Value& v, uint64_t mag, int scale, bool lastDigitZero) {
  int32_t exp = -scale;
  if (lastDigitZero) {
    if (mag == 0) {
      storeValue(v, _mm_setzero_si128(), _mm_setzero_si128());
      return;
    }
    do {
      mag /= 10;
      ++exp;
    } while (mag % 10 == 0);
  }
  // The coefficient's high word is zero, as _mm_cvtsi64_si128 leaves it.
  storeValue(v, _mm_cvtsi64_si128(static_cast<int64_t>(mag)), _mm_cvtsi32_si128(exp));
}
#else
PPL_ALWAYS_INLINE void setDecimal(Value& v, const Decimal& d) {
  clearValue(v);
  v.d = d;
}
PPL_ALWAYS_INLINE void setShortDecimal(Value& v, uint64_t mag, int scale, bool /*lastDigitZero*/) {
  setDecimal(v, Decimal::fromScaled(static_cast<int64_t>(mag), scale));
}
#endif

uint32_t hashKey(std::string_view s) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

}  // namespace

struct ClaimLoader::Impl {
#include "vm/claim_loader_plans.inc"

  // ---- errors ----

  // A JSON Pointer (RFC 6901): `~` and `/` in a key (an unknown field's) are written ~0 and ~1.
  std::string pathString() const {
    std::string out;
    for (const PathStep& step : path) {
      out += '/';
      if (step.key) {
        appendPointerToken(out, *step.key);
      } else {
        out += std::to_string(step.index);
      }
    }
    return out;
  }

  std::string pathWith(std::string_view field) const {
    std::string out = pathString();
    out += '/';
    out += field;
    return out;
  }

  bool fail(std::string where, std::string message) {
    error->path = std::move(where);
    error->message = std::move(message);
    errorNamesLine = false;
    return false;
  }
  bool failHere(std::string message) { return fail(pathString(), std::move(message)); }

  // fail(), for malformed JSON whose message names a position in the text (positionOf).
  bool failNamingLine(std::string message) {
    fail("", std::move(message));
    errorNamesLine = true;
    return false;
  }

  // "line L, column C" of the input's byte at `offset`, its lines counted from firstLine.
  std::string positionOf(size_t offset) const {
    return jsonPosition(std::string_view(input.data(), inputSize), offset, firstLine);
  }

  bool failJson(simdjson::error_code code) {
    // A compiled pack given where the claim belongs (`pplc eval claim.json pack.pplb`): simdjson
    // reports whatever its bytes happen to break first.
    if (startsWithPplbMagic(std::string_view(input.data(), inputSize))) {
      return fail("", "the input is a compiled policy pack (.pplb), not a claim");
    }
    std::string message;
    if (code == simdjson::CAPACITY) {
      message = "the claim is too large to parse";
    } else if (code == simdjson::MEMALLOC) {
      message = "out of memory while parsing the claim";
    } else if (code == simdjson::STRING_ERROR) {
      message = "malformed json: a string with a bad escape (`\\u` takes four hex digits, and a UTF-16 "
                "surrogate \\ud800 to \\udfff only as half of a pair)";
    } else if (code == simdjson::INCOMPLETE_ARRAY_OR_OBJECT) {
      // simdjson counts brackets over the whole text first and says "ended early" even when
      // the count is off because of text after the claim; it has no position to give.
      message = "malformed json: the braces and brackets do not pair up (one left open, or text after the claim)";
    } else {
      // simdjson's text, lower-cased where that keeps it readable ("JSON" stays).
      std::string text = simdjson::error_message(code);
      if (text.size() > 1 && text[0] >= 'A' && text[0] <= 'Z' && !(text[1] >= 'A' && text[1] <= 'Z')) {
        text[0] = static_cast<char>(text[0] - 'A' + 'a');
      }
      if (!text.empty() && text.back() == '.') text.pop_back();
      message = "malformed json: " + text;
    }
    std::string where;
    if (!path.empty()) where = "near " + pathString();
    const std::string_view text(input.data(), inputSize);
    size_t at = 0;
    bool located = code != simdjson::INCOMPLETE_ARRAY_OR_OBJECT && errorLocation(at);
    JsonFaultKind kind;
    JsonFault fault;
    if (!located && stageOneFault(code, kind) && findJsonFault(text, kind, firstLine, fault)) {
      message = "malformed json: " + fault.message;
      at = fault.offset;
      located = true;
    }
    if (located) {
      if (std::string slip = jsonSlipAt(text, at); !slip.empty()) message = "malformed json: " + slip;
      where += (where.empty() ? "" : ", ") + positionOf(at);
    }
    if (!where.empty()) message += " (" + where + ")";
    return located ? failNamingLine(std::move(message)) : fail("", std::move(message));
  }

  // The offset in the copied input where On-Demand stopped; false when it does not say.
  bool errorLocation(size_t& offset) {
    if (!document) return false;
    const char* at = nullptr;
    if (document->current_location().get(at)) return false;
    if (at < input.data() || at > input.data() + inputSize) return false;
    offset = static_cast<size_t>(at - input.data());
    return true;
  }

  // The kind of fault, for the errors simdjson's first stage reports without a position.
  static bool stageOneFault(simdjson::error_code code, JsonFaultKind& kind) {
    switch (code) {
      case simdjson::UTF8_ERROR: kind = JsonFaultKind::kUtf8; return true;
      case simdjson::UNESCAPED_CHARS: kind = JsonFaultKind::kControl; return true;
      case simdjson::INCOMPLETE_ARRAY_OR_OBJECT: kind = JsonFaultKind::kStructure; return true;
      case simdjson::UNCLOSED_STRING: kind = JsonFaultKind::kStructure; return true;
      default: return false;
    }
  }

  // What a value is, for "got ...": scalars by their JSON text.
  std::string describe(od::value& v, od::json_type t) {
    if (t == od::json_type::object || t == od::json_type::array) return typeName(t);
    return truncated(trimToken(v.raw_json_token()));
  }

  bool expectType(od::value& v, od::json_type want, const char* expected) {
    od::json_type t;
    if (auto e = v.type().get(t)) return failJson(e);
    if (t == want) return true;
    return failHere(std::string("must be ") + expected + ", got " + describe(v, t));
  }

  // A typed getter failed with `e` (without moving the iterator): report what checking the
  // type first would have, a value of the wrong type as such, anything else as malformed JSON.
  bool failGet(od::value& v, simdjson::error_code e, od::json_type want, const char* expected) {
    if (!expectType(v, want, expected)) return false;
    return failJson(e);
  }

  // ---- layout ----

  // Records are laid out from slotsUsed on. Facts::slots is only grown (zeroing what it adds),
  // a few slots past what a record needs at a time: a resize per record cost more than the
  // record's own fields. The fast path also starts on the slots the caller's Facts already has
  // (the last claim's, usually), and leaves them as long as they are when it succeeds (the
  // general path cuts them to slotsUsed): the loader writes every slot of a record (its
  // ordinal, and each field met or absent), so what was there never shows, and a claim no
  // larger than one before it grows nothing.
  uint32_t newRecord(uint32_t record, uint32_t ordinal) {
    const uint32_t base = slotsUsed;
    const size_t end = size_t{base} + schema.records[record].slotCount();
    if (end > slotsHeld) growSlots(end);
    slotsUsed = static_cast<uint32_t>(end);
    setInt(facts->slots[base], ordinal);
    return base;
  }

  // At least `end` slots and a few more. Each growth zeroes what it adds (Value's constructor);
  // when the slots were cut to each claim's size (session 11 and before), every claim larger
  // than the one before grew them again, ~140 instructions a claim.
  void growSlots(size_t end) {
    facts->slots.resize(end + 8);
    slotsHeld = end + 8;
    slotsData = facts->slots.data();
  }

  // The value an absent field with `hasDefault` stands for: [] and {} are built here.
  bool defaultFor(const SchemaField& f, int depth, Value& out) {
    if (f.type.kind == ValueKind::kList) {
      out = Value::ofList({static_cast<uint32_t>(facts->elems.size()), 0});
    } else if (f.type.kind == ValueKind::kRecord) {
      uint32_t child = newRecord(f.type.record, 0);
      if (!fillDefaults(f.type.record, child, depth + 1)) return false;
      out = Value::ofRecord(child);
    } else {
      out = f.defaultValue;
    }
    return true;
  }

  // A record given as {} or not at all: every field takes its default. A sane schema gives a
  // default to every required field of a record that has one; the rest read as absent.
  bool fillDefaults(uint32_t record, uint32_t base, int depth) {
    if (depth > kMaxDepth) return failHere("the schema nests deeper than the loader follows");
    const SchemaRecord& rec = schema.records[record];
    for (const SchemaField& f : rec.fields) {
      Value v = Value::none();
      if (f.hasDefault && !defaultFor(f, depth, v)) return false;
      facts->slots[base + f.slot] = v;
    }
    return true;
  }

#include "vm/claim_loader_general_path.inc"
#include "vm/claim_loader_fast_path.inc"
#include "vm/claim_loader_any_order_reader.inc"
#include "vm/claim_loader_straight_reader.inc"
#include "vm/claim_loader_generated_reader.inc"

  // The fast path over the `size` bytes at `doc`, which a zero byte and padding follow (the
  // copy in `input`, or the caller's text for loadPadded).
  PPL_ALWAYS_INLINE bool fastDocument(const char* doc, size_t size) {
    const char* p = skipSpace(doc);
    if (*p != '{') return false;
    const RecordPlan& rp = recordPlans[schema.root];
    uint32_t root = fastNewRecord(rp, 0);
    uint64_t seen;
    const char* end;
    if (generatedFits) {
      elemsUsed = 0;
      elemsHeld = static_cast<uint32_t>(facts->elems.size());
      elemsData = facts->elems.data();
      slotsData = facts->slots.data();
      end = generatedRoot(p + 1, root, seen);
    } else {
      facts->elems.clear();
      end = straightObject(p + 1, &rp, root, seen);
    }
    if (!end) {
      forgetLoad(/*keepSlots=*/true);  // nothing of the first reader's attempt may show
      facts->elems.clear();
      root = fastNewRecord(rp, 0);
      if (!(end = fastObject(p + 1, rp, root, 0, seen))) return false;
    }
    p = end;
    if (claimIdField >= 0 && (seen >> claimIdField & 1)) {
      claimId = facts->slots[root + claimIdSlot].s.view();
      hadClaimId = true;
    }
    return skipSpace(p) == doc + size;  // white space only after the claim (a NUL stops short)
  }

  static bool hasByteOrderMark(std::string_view json) {
    return json.size() >= 3 && json.compare(0, 3, "\xEF\xBB\xBF") == 0;
  }

  void copyInput(std::string_view json) {
    // The copy gives simdjson its padding; zeroed, so that a stray '}' cannot follow the text
    // (and the fast path's scans stop at the end). A UTF-8 byte order mark is allowed before
    // the text (RFC 8259 section 8.1).
    if (hasByteOrderMark(json)) json.remove_prefix(3);
    const size_t need = json.size() + simdjson::SIMDJSON_PADDING;
    if (input.size() < need) input.resize(need);
    if (!json.empty()) std::memcpy(input.data(), json.data(), json.size());
    std::memset(input.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);
    inputSize = json.size();
  }

  // The general path: simdjson On-Demand over the copied input, every error reported.
  bool loadDocument() {
    od::document doc;
    if (auto e = parser.iterate(input.data(), inputSize, input.size()).get(doc)) return failJson(e);
    document = &doc;
    struct Forget {
      od::document*& document;
      ~Forget() { document = nullptr; }
    } forget{document};
    od::json_type t;
    if (auto e = doc.type().get(t)) return failJson(e);
    if (t != od::json_type::object) {
      // `[}` is broken JSON before it is an array: that is what to report, and where.
      if (failedAtStructureFault()) return false;
      return fail("", std::string("the claim must be a json object, got ") + typeName(t));
    }
    od::object obj;
    if (auto e = doc.get_object().get(obj)) return failJson(e);
    uint32_t root = newRecord(schema.root, 0);
    if (!loadObject(obj, schema.root, root, 0)) return malformedFirst();
    const char* rest = nullptr;
    auto e = doc.current_location().get(rest);
    if (e == simdjson::OUT_OF_BOUNDS) return true;
    if (e) return failJson(e);
    // Another value, or a stray bracket, after the claim (two claims on one line, a JSON file
    // given where NDJSON was meant): the structure scan names it and says where.
    const std::string_view text(input.data(), inputSize);
    JsonFault fault;
    if (!findJsonFault(text, JsonFaultKind::kStructure, firstLine, fault)) {
      fault.offset = rest >= input.data() && rest <= input.data() + inputSize ? static_cast<size_t>(rest - input.data()) : 0;
      fault.message = "unexpected content after the claim object";
    }
    return failNamingLine(fmt::format("malformed json: {} ({})", fault.message, positionOf(fault.offset)));
  }

  // A value refused before On-Demand reached a fault further on (a `]` left out makes the next
  // key an element of the list, refused as one): the broken JSON is what to report, as a
  // whole-text validator would. False, the error set.
  bool malformedFirst() {
    if (error->path.empty()) return false;  // already about the text
    failedAtStructureFault();
    return false;
  }

  // Whether the text's brackets do not pair up (or it is cut off, or text follows the value);
  // if so, that fault, with its line and column, is now the error.
  bool failedAtStructureFault() {
    const std::string_view text(input.data(), inputSize);
    JsonFault fault;
    if (!findJsonFault(text, JsonFaultKind::kStructure, firstLine, fault)) return false;
    failNamingLine(fmt::format("malformed json: {} ({})", fault.message, positionOf(fault.offset)));
    return true;
  }

  // After a failure the first pass may have stopped before "claim_id": look for it again.
  void findClaimId() {
    od::document doc;
    if (parser.iterate(input.data(), inputSize, input.size()).get(doc)) return;
    od::object obj;
    if (doc.get_object().get(obj)) return;
    for (auto fieldResult : obj) {
      od::field field;
      if (std::move(fieldResult).get(field)) return;
      std::string_view key;
      if (field.unescaped_key().get(key)) return;
      if (key != kClaimIdKey) continue;
      od::json_type t;
      if (field.value().type().get(t) || t != od::json_type::string) return;
      std::string_view s;
      if (field.value().get_string().get(s)) return;
      claimId = s;
      hadClaimId = true;
      return;
    }
  }

  // Clears what a load leaves behind: facts, error, path, claim id.
  // `keepSlots`: leave Facts::slots and Facts::elems as they are, for the fast path to write
  // over (the generated reader writes over elems; the others start them empty).
  void forgetLoad(bool keepSlots = false) {
    if (!keepSlots) {
      facts->slots.clear();
      facts->elems.clear();
    }
    slotsHeld = facts->slots.size();
    slotsUsed = 0;
    error->path.clear();
    error->message.clear();
    path.clear();
    claimId = {};
    hadClaimId = false;
  }

  // `padded`: a zero byte and ClaimLoader::kPadding readable bytes follow `json` (loadPadded),
  // so the fast path can read it where it lies.
  bool load(std::string_view json, Facts& out, ClaimError& err, bool padded) {
    facts = &out;
    error = &err;
    forgetLoad(/*keepSlots=*/true);
    if (!schemaError.empty()) {
      out.clear();
      return fail("", "the claim schema is invalid: " + schemaError);
    }
    // A document simdjson would refuse as too large (over 4 GiB) is left to it to refuse.
    if (padded) {
      std::string_view text = json;
      if (hasByteOrderMark(text)) text.remove_prefix(3);
      // The fast path leaves Facts::slots and elems as long as they were, or grew: the next
      // claim writes over them without growing (and zeroing) them again.
      if (fastEnabled && text.size() <= parser.max_capacity() && fastDocument(text.data(), text.size())) return true;
      forgetLoad();  // start again on the general path: nothing of the fast attempt may show
      copyInput(json);
    } else {
      copyInput(json);
      if (fastEnabled && inputSize <= parser.max_capacity() && fastDocument(input.data(), inputSize)) return true;
      forgetLoad();  // start again on the general path: nothing of the fast attempt may show
    }
    if (loadDocument()) {
      facts->slots.resize(slotsUsed);
      return true;
    }
    out.clear();  // no half-filled facts; the rescan below reuses the strings' buffer
    if (!hadClaimId) findClaimId();
    return false;
  }

  const Schema& schema;
  std::string schemaError;
  std::vector<KeyTable> keyTables;  // by record index
  std::vector<int32_t> keySlots;    // field index or -1
  std::vector<RawName> rawNames;    // by record (from rawNameOffset) and field
  std::vector<uint32_t> rawNameOffset;
  std::vector<FieldPlan> plans;       // by record (from planOffset): its fields, then the end
  std::vector<uint32_t> planOffset;
  std::vector<RecordPlan> recordPlans;  // by record
  std::vector<DatedPair> datedPairs;    // by record (RecordPlan::datedBegin)
  bool fastFieldsFit = true;  // no record has more than 64 fields (the fast path's seen bits)
  std::vector<std::vector<QuotedName>> enumNames;  // by enumeration: its names, raw

  // The fast path: only when every field name can be compared raw (printable ASCII, no quote
  // or backslash), as the key tables above assume. fastEnabled is also a switch for tests.
  bool fastPossible = false;
  bool fastEnabled = false;
  bool generatedFits = false;  // the schema is the one the generated reader was written for
  int claimIdField = -1;    // the root's string field "claim_id", echoed in error records
  // The claim's lines (claimLinesField): at most kMaxLines elements, other lists kMaxListElements.
  // The fast path leaves any list longer than kMaxLines to the general path, which tells them apart.
  const SchemaField* linesField = nullptr;
  uint32_t claimIdSlot = 0;  // its slot in the root record

  uint64_t firstLine = 1;       // setFirstLine's: the input line where each text begins
  bool errorNamesLine = false;  // set with each error (fail), not per load: lastErrorNamesLine

  od::parser parser;
  std::vector<char> input;  // the document, then SIMDJSON_PADDING zero bytes; keeps its capacity
  size_t inputSize = 0;

  // Per load.
  Facts* facts = nullptr;
  ClaimError* error = nullptr;
  std::vector<PathStep> path;
  od::document* document = nullptr;  // the general path's, while it runs: for error locations
  std::string unknownKey;      // the name of the unknown field being skipped, for `path`
  // endOfJsonValue's brackets, for both paths (scratch: the fast path's const steps use it too).
  mutable std::string unknownClosers;
  uint32_t slotsUsed = 0;  // the records laid out so far take Facts::slots[0, slotsUsed)
  size_t slotsHeld = 0;    // Facts::slots.size() during a load: one load, not two and a shift
  // The generated reader's elements take Facts::elems[0, elemsUsed) of the elemsHeld it holds.
  uint32_t elemsUsed = 0;
  uint32_t elemsHeld = 0;
  // Facts::slots.data() and elems.data() while the generated reader runs: one load where the
  // vectors' took two (through `facts`), after every store into a slot.
  Value* slotsData = nullptr;
  Value* elemsData = nullptr;
  // Fields met: for the open object at depth d, a bit per field in the seenWordsPerObject
  // words from d * seenWordsPerObject (depth never passes kMaxDepth).
  std::vector<uint64_t> seenWords;
  size_t seenWordsPerObject = 1;
  std::vector<std::vector<Value>> listScratch;  // the open list's elements, by depth
  std::vector<StraightFrame> straightFrames;     // kMaxDepth of them: the straight reader's stack
  std::vector<uint32_t> uniqueScratch;
  DateReader dates;  // the fast path's dates, its months remembered from claim to claim
  std::string_view claimId;  // in the parser's string buffer
  bool hadClaimId = false;
};

ClaimLoader::ClaimLoader(const Schema& schema) : impl_(std::make_unique<Impl>(schema)) {}
ClaimLoader::~ClaimLoader() = default;
ClaimLoader::ClaimLoader(ClaimLoader&&) noexcept = default;
ClaimLoader& ClaimLoader::operator=(ClaimLoader&&) noexcept = default;

bool ClaimLoader::load(std::string_view json, Facts& facts, ClaimError& error) {
  return impl_->load(json, facts, error, /*padded=*/false);
}

bool ClaimLoader::loadPadded(std::string_view json, Facts& facts, ClaimError& error) {
  return impl_->load(json, facts, error, /*padded=*/true);
}

static_assert(ClaimLoader::kPadding >= simdjson::SIMDJSON_PADDING,
              "the fast path reads as far past the text as simdjson's padding allows");

void ClaimLoader::useFastPath(bool on) { impl_->fastEnabled = on && impl_->fastPossible; }

bool ClaimLoader::useGeneratedReader(bool on) {
  impl_->generatedFits = on && impl_->generatedReaderFits();
  return impl_->generatedFits;
}

void ClaimLoader::setFirstLine(uint64_t line) { impl_->firstLine = line; }

bool ClaimLoader::lastErrorNamesLine() const { return impl_->errorNamesLine; }

bool ClaimLoader::lastClaimId(std::string& out) const {
  out.assign(impl_->claimId.data(), impl_->claimId.size());
  return impl_->hadClaimId;
}

}  // namespace ppl
