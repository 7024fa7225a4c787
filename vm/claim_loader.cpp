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
#include "vm/claim_loader.h"

#include <fmt/core.h>
#include <simdjson.h>

#include <algorithm>
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
// refuses in the fields we read). UTF-8 itself is checked by simdjson for the whole document.
const char* endOfStrictString(const char* p) {
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
    ++p;
    if (*p != '\0' && std::strchr("\"\\/bfnrt", *p)) continue;
    unsigned code, low;
    if (*p != 'u' || !hex4(p + 1, code)) return nullptr;
    p += 4;
    if (code >= 0xDC00 && code <= 0xDFFF) return nullptr;
    if (code >= 0xD800 && code <= 0xDBFF) {
      if (p[1] != '\\' || p[2] != 'u' || !hex4(p + 3, low) || low < 0xDC00 || low > 0xDFFF) return nullptr;
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
  size_t cut = kMaxQuoted;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "...";
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
  struct KeyTable {
    uint32_t offset;  // into keySlots
    uint32_t mask;    // table size - 1, a power of two
  };
  // One step of the path to the value being read, turned into a JSON pointer only on error.
  struct PathStep {
    const std::string* key;  // a schema field name; null for a list index
    uint32_t index;
  };
  // A field name as the raw bytes of its key, closing quote included, in 8-byte words: the key
  // of the field expected next is checked with a few compares.
  struct RawName {
    uint64_t words[3] = {};
    uint64_t lastMask = 0;  // the bytes of words[count - 1] that belong to the key
    uint32_t count = 0;     // words used; 0 when the name is too long for them (memcmp then)
    uint32_t size = 0;      // the name's length
  };
  // What the fast path reads for a field (a list: for each element), decided once per schema.
  // The string shortcuts accept only what stringValue accepts without finding the string's end
  // first; when one fails, the string is read and checked as any other (so a bad value still
  // goes to the general path to be reported).
  enum class FastOp : uint8_t {
    kRecord,
    kList,
    kBool,
    kInt,
    kDecimal,
    kDate,    // 10 characters and a quote, parsed by parseDate
    kEnum,    // one of the enumeration's names, each compared raw with its closing quote
    kFixed,   // a code format of one length (hcpcs, ndc, npi, ...) that admits no quote or escape
    kHcpcs,   // kFixed for the hcpcs format, the most common code, its check chosen here
    kText,    // a string of any format without an enumeration, checked in place
    kAnyText,  // kText without a format: no check of the text
    kString,  // any other string
  };
  // What the fast path needs of a record when its object closes: which fields it has, which
  // must be met (no default, not optional) and which have a default.
  struct FieldPlan;
  struct QuotedName;
  struct RecordPlan {
    uint64_t fields = 0;
    uint64_t required = 0;
    uint64_t defaulted = 0;
    const FieldPlan* first = nullptr;  // its fields' plans, then the end's two
    uint32_t record = 0;                  // its index in Schema::records
    uint32_t planOffset = 0;              // its fields' plans in `plans`
    uint32_t slotCount = 0;
    uint32_t datedBegin = 0, datedEnd = 0;  // its `not before` pairs in `datedSlots`
  };
  // What the fast path needs of a field, in one place: its key as raw bytes in the compact
  // spelling, with the comma before it and the colon after (`,"name":`), so that one 16-byte
  // compare (two for a long name) takes the key expected next and what separates it from the
  // value before; its slot and operations. A record's plans end with two that no key matches.
  struct FieldPlan {
    alignas(16) unsigned char key[32] = {};  // ',', '"', name, '"', ':', zero-padded
    // A bit per byte of key[16 * i ..] that is not the key's: a compare's equal-bytes mask with
    // these set is 0xFFFF on a match.
    uint32_t ignore[2] = {0xFFFF, 0xFFFF};
    // 0xFFFF for a key of one chunk; 0x10000, which no mask is, for a key of two (its first
    // chunk is then 0xFFFF, and keyIs looks at the second only after that), the end and names
    // over 28 bytes.
    uint32_t want = 0x10000;
    bool twoChunks = false;   // the key is longer than 16 bytes
    uint32_t keyLength = 0;   // name.size() + 4
    uint32_t slot = 0;
    uint32_t slotOffset = 0;  // slot * sizeof(Value): the value's byte offset in its record
    FastOp op = FastOp::kRecord;
    FastOp elemOp = FastOp::kRecord;
    bool leafList = false;  // a list whose elements hold no lists, at any depth
    const RecordPlan* child = nullptr;  // a record's, or a list of records' element's
    const std::vector<QuotedName>* enumNames = nullptr;  // kEnum: its enumeration's names
    const SchemaField* field = nullptr;
    uint64_t bit = 0;  // the field's bit in the seen bits of its object; the end's: the bit after the last field's
    uint32_t record = 0;  // the record whose field it is
    // How a short number is held to the field's minimum: kNoMin, by its sign (a minimum of 0),
    // as an integral minimum (an integer against lowestInt), or by plainIntegerValue (any other).
    enum class MinCheck : uint8_t { kNoMin, kSign, kInt, kDecimal } minCheck = MinCheck::kNoMin;
    uint8_t fixedLength = 0;  // kFixed: the code's one length
    // The field's format and nonEmpty, here so that reading a string needs no load of `field`
    // (GCC kept that pointer on the stack for every value, for the rare steps).
    StringFormat format = StringFormat::kAny;
    bool nonEmpty = false;
    // The least integer the field takes, for every minCheck but kDecimal (INT64_MIN for kNoMin):
    // a short integer is checked by one compare.
    int64_t lowestInt = INT64_MIN;
  };
  // An enumeration name and its closing quote as raw bytes, compared 16 at a time like keys
  // (names of at most 31 bytes; longer ones make the field a kString).
  struct QuotedName {
    alignas(16) unsigned char text[32] = {};
    uint32_t ignore[2] = {0xFFFF, 0xFFFF};  // a bit per byte of text[16 * i ..] that is not the name's
    uint32_t size = 0;
    bool twoChunks = false;  // the name and its quote are longer than 16 bytes
  };
  struct DatedSlots {
    uint32_t slot, notBeforeSlot;
  };

  explicit Impl(const Schema& s) : schema(s) {
    schemaError = schemaProblem(schema);
    if (!schemaError.empty()) return;
    // Per record an open-addressed table at most half full: one hash and usually one compare per key.
    for (const SchemaRecord& rec : schema.records) {
      uint32_t size = 4;
      while (size < rec.fields.size() * 2) size *= 2;
      KeyTable table{static_cast<uint32_t>(keySlots.size()), size - 1};
      keySlots.resize(keySlots.size() + size, -1);
      for (size_t k = 0; k < rec.fields.size(); ++k) {
        uint32_t i = hashKey(rec.fields[k].name) & table.mask;
        while (keySlots[table.offset + i] >= 0) i = (i + 1) & table.mask;
        keySlots[table.offset + i] = static_cast<int32_t>(k);
      }
      keyTables.push_back(table);
      rawNameOffset.push_back(static_cast<uint32_t>(rawNames.size()));
      for (const SchemaField& f : rec.fields) rawNames.push_back(rawNameOf(f.name));
      planOffset.push_back(static_cast<uint32_t>(plans.size()));
      recordPlans.emplace_back();
      recordPlans.back().planOffset = static_cast<uint32_t>(plans.size());
      recordPlans.back().slotCount = rec.slotCount();
      recordPlans.back().datedBegin = static_cast<uint32_t>(datedSlots.size());
      for (const SchemaField& f : rec.fields) {
        if (f.notBefore >= 0) datedSlots.push_back({f.slot, rec.fields[f.notBefore].slot});
      }
      recordPlans.back().datedEnd = static_cast<uint32_t>(datedSlots.size());
      for (size_t k = 0; k < rec.fields.size(); ++k) {
        const SchemaField& f = rec.fields[k];
        plans.push_back(planFor(f));
        plans.back().record = static_cast<uint32_t>(&rec - schema.records.data());
        if (k < 64) {
          const uint64_t bit = uint64_t{1} << k;
          plans.back().bit = bit;
          recordPlans.back().fields |= bit;
          if (f.hasDefault) recordPlans.back().defaulted |= bit;
          if (!f.hasDefault && !f.optional) recordPlans.back().required |= bit;
        }
      }
      // The end, twice (fastFields looks one plan past the one expected): no key matches them.
      for (int i = 0; i < 2; ++i) {
        plans.emplace_back();
        plans.back().bit = rec.fields.size() < 64 ? uint64_t{1} << rec.fields.size() : 0;
      }
      if (rec.fields.size() > 64) fastFieldsFit = false;
      seenWordsPerObject = std::max(seenWordsPerObject, (rec.fields.size() + 63) / 64);
      datedFields.emplace_back();
      for (size_t k = 0; k < rec.fields.size(); ++k) {
        if (rec.fields[k].notBefore >= 0) datedFields.back().push_back(static_cast<uint32_t>(k));
      }
    }
    seenWords.resize((kMaxDepth + 1) * seenWordsPerObject);
    for (const std::vector<std::string>& names : schema.enums) {
      enumNames.emplace_back();
      for (const std::string& name : names) enumNames.back().push_back(quotedNameOf(name));
    }
    // `plans`, `recordPlans` and `enumNames` are complete: the fast path follows pointers into them.
    for (size_t r = 0; r < recordPlans.size(); ++r) {
      recordPlans[r].first = &plans[recordPlans[r].planOffset];
      recordPlans[r].record = static_cast<uint32_t>(r);
    }
    for (FieldPlan& plan : plans) {
      if (plan.field && (plan.field->type.kind == ValueKind::kRecord ||
                         (plan.field->type.kind == ValueKind::kList && plan.field->type.elemKind == ValueKind::kRecord))) {
        plan.child = &recordPlans[plan.field->type.record];
      }
      if (plan.field && plan.field->type.enumIndex >= 0) plan.enumNames = &enumNames[plan.field->type.enumIndex];
    }
    fastPossible = true;
    for (const SchemaRecord& rec : schema.records) {
      for (const SchemaField& f : rec.fields) {
        for (const char c : f.name) {
          if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') fastPossible = false;
        }
      }
    }
    fastPossible = fastPossible && fastFieldsFit;
    fastEnabled = fastPossible;
    generatedFits = generatedReaderFits();
    const SchemaRecord& root = schema.records[schema.root];
    for (size_t k = 0; k < root.fields.size(); ++k) {
      if (root.fields[k].type.kind == ValueKind::kString && root.fields[k].name == kClaimIdKey) {
        claimIdField = static_cast<int>(k);
        claimIdSlot = root.fields[k].slot;
      }
    }
    listScratch.resize(kMaxDepth + 2);
    straightFrames.resize(kMaxDepth + 1);
    path.reserve(2 * kMaxDepth);
    unknownKey.reserve(64);
    unknownClosers.reserve(64);
  }

  // Enumeration names compared raw: printable ASCII without quote or backslash, not empty, and
  // short enough for QuotedName's bytes.
  static bool rawComparable(const std::string& name) {
    if (name.empty() || name.size() + 1 > sizeof(QuotedName::text)) return false;
    for (const char c : name) {
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return false;
    }
    return true;
  }

  // How the fast path reads a value of `kind` (the field's, or its list's elements).
  FastOp opFor(const SchemaField& f, ValueKind kind) const {
    switch (kind) {
      case ValueKind::kRecord: return FastOp::kRecord;
      case ValueKind::kList: return FastOp::kList;
      case ValueKind::kBool: return FastOp::kBool;
      case ValueKind::kInt: return FastOp::kInt;
      case ValueKind::kDecimal: return FastOp::kDecimal;
      case ValueKind::kDate: return FastOp::kDate;
      default: break;
    }
    if (f.type.enumIndex >= 0) {
      if (f.type.format != StringFormat::kAny) return FastOp::kString;
      for (const std::string& name : schema.enums[f.type.enumIndex]) {
        if (!rawComparable(name)) return FastOp::kString;
      }
      return FastOp::kEnum;
    }
    if (f.type.format == StringFormat::kHcpcs) return FastOp::kHcpcs;
    if (fixedFormatLength(f.type.format) > 0) return FastOp::kFixed;
    return f.type.format == StringFormat::kAny ? FastOp::kAnyText : FastOp::kText;
  }

  static QuotedName quotedNameOf(const std::string& name) {
    QuotedName q;
    q.size = static_cast<uint32_t>(name.size());
    if (name.size() + 1 > sizeof q.text) return q;  // never compared: not rawComparable
    std::memcpy(q.text, name.data(), name.size());
    q.text[name.size()] = '"';
    for (size_t i = 0; i <= name.size(); ++i) q.ignore[i / 16] &= ~(uint32_t{1} << (i % 16));
    q.twoChunks = name.size() + 1 > 16;
    return q;
  }

  static RawName rawNameOf(const std::string& name) {
    RawName r;
    r.size = static_cast<uint32_t>(name.size());
    const size_t n = name.size() + 1;  // with the closing quote
    if (n > sizeof r.words) return r;
    char bytes[sizeof r.words] = {};
    std::memcpy(bytes, name.data(), name.size());
    bytes[name.size()] = '"';
    std::memcpy(r.words, bytes, sizeof bytes);
    r.count = static_cast<uint32_t>((n + 7) / 8);
    unsigned char mask[8] = {};
    const size_t used = n - 8 * (r.count - 1);
    std::memset(mask, 0xFF, used);
    std::memcpy(&r.lastMask, mask, sizeof mask);
    return r;
  }

  FieldPlan planFor(const SchemaField& f) const {
    FieldPlan plan;
    std::memset(plan.key, 0, sizeof plan.key);
    plan.keyLength = static_cast<uint32_t>(f.name.size()) + 4;
    if (plan.keyLength <= sizeof plan.key) {
      plan.key[0] = ',';
      plan.key[1] = '"';
      std::memcpy(plan.key + 2, f.name.data(), f.name.size());
      plan.key[f.name.size() + 2] = '"';
      plan.key[f.name.size() + 3] = ':';
      for (uint32_t i = 0; i < plan.keyLength; ++i) plan.ignore[i / 16] &= ~(uint32_t{1} << (i % 16));
      plan.twoChunks = plan.keyLength > 16;
      plan.want = plan.twoChunks ? 0x10000 : 0xFFFF;
    }
    plan.slot = f.slot;
    plan.slotOffset = f.slot * static_cast<uint32_t>(sizeof(Value));
    if (f.hasMin) {
      int64_t minInt = 0;
      if (f.min.isZero()) {
        plan.minCheck = FieldPlan::MinCheck::kSign;
      } else if (f.min.isInteger() && f.min.toInt64(minInt) && !(f.minExclusive && minInt == INT64_MAX)) {
        plan.minCheck = FieldPlan::MinCheck::kInt;
      } else {
        plan.minCheck = FieldPlan::MinCheck::kDecimal;
      }
      if (plan.minCheck != FieldPlan::MinCheck::kDecimal) {
        plan.lowestInt = f.minExclusive ? minInt + 1 : minInt;  // n > min is n >= min + 1
      }
    }
    plan.op = opFor(f, f.type.kind);
    plan.fixedLength = static_cast<uint8_t>(fixedFormatLength(f.type.format));
    plan.elemOp = f.type.kind == ValueKind::kList ? opFor(f, f.type.elemKind) : FastOp::kRecord;
    plan.leafList = f.type.kind == ValueKind::kList &&
                    (f.type.elemKind != ValueKind::kRecord || !holdsLists(f.type.record, 0));
    plan.field = &f;
    plan.format = f.type.format;
    plan.nonEmpty = f.nonEmpty;
    return plan;
  }

  // Whether a record of `record` may hold a list, in its fields or any record below them; a
  // schema nested deeper than the loader follows (a recursive one) counts as holding one.
  bool holdsLists(uint32_t record, int depth) const {
    if (depth > kMaxDepth) return true;
    for (const SchemaField& f : schema.records[record].fields) {
      if (f.type.kind == ValueKind::kList) return true;
      if (f.type.kind == ValueKind::kRecord && holdsLists(f.type.record, depth + 1)) return true;
    }
    return false;
  }

  // The key is `name` (field k of `record`), compared without unescaping: a key with escapes
  // never matches here (schema names hold no quote or backslash) and goes to findField. A key is
  // followed by at least a colon, a value and SIMDJSON_PADDING bytes, so reading 24 bytes or
  // name.size() + 1 bytes from its start stays inside the input buffer.
  bool rawKeyIs(const od::raw_json_string& key, uint32_t record, size_t k) const {
    return fastKeyIs(reinterpret_cast<const char*>(key.raw()), &rawNames[rawNameOffset[record]], record, k);
  }

  int findField(uint32_t record, std::string_view key) const {
    const SchemaRecord& rec = schema.records[record];
    const KeyTable& table = keyTables[record];
    for (uint32_t i = hashKey(key) & table.mask;; i = (i + 1) & table.mask) {
      int32_t k = keySlots[table.offset + i];
      if (k < 0) return -1;
      if (rec.fields[k].name == key) return k;
    }
  }

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
    return false;
  }
  bool failHere(std::string message) { return fail(pathString(), std::move(message)); }

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
    if (!located && stageOneFault(code, kind) && findJsonFault(text, kind, fault)) {
      message = "malformed json: " + fault.message;
      at = fault.offset;
      located = true;
    }
    if (located) {
      int line, column;
      jsonLineAndColumn(text, at, line, column);
      where += fmt::format("{}line {}, column {}", where.empty() ? "" : ", ", line, column);
    }
    if (!where.empty()) message += " (" + where + ")";
    return fail("", std::move(message));
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

  // ---- reading ----

  // The value of a field the schema does not have, checked as strict JSON and skipped. On-Demand
  // would skip it by counting brackets without reading it, and then a bad value such as
  // {"a": [1} would be accepted and swallow the fields after it (`history` read as absent).
  // Checked on its text, before the iterator skips it, so at any depth and without recursion.
  bool skipUnknownField(std::string_view key, od::value v) {
    unknownKey.assign(key.data(), key.size());
    path.push_back({&unknownKey, 0});
    // What follows must end the value too: On-Demand reads `truex` or `1x` as one token.
    const char* end = endOfJsonValue(v.raw_json_token().data(), unknownClosers, endOfStrictString);
    if (end) end = skipJsonSpace(end);
    if (!end || (*end != ',' && *end != '}')) {
      return fail("", "malformed json: not a well-formed JSON value (near " + pathString() + ")");
    }
    path.pop_back();
    return true;
  }


  bool loadObject(od::object& obj, uint32_t record, uint32_t base, int depth) {
    if (depth > kMaxDepth) return failHere("the claim nests deeper than the loader follows");
    const SchemaRecord& rec = schema.records[record];
    uint64_t* const seen = &seenWords[static_cast<size_t>(depth) * seenWordsPerObject];
    std::fill(seen, seen + (rec.fields.size() + 63) / 64, 0);
    size_t expected = 0;  // the field after the last one met
    for (auto fieldResult : obj) {
      od::field field;
      if (auto e = std::move(fieldResult).get(field)) return failJson(e);
      int k;
      if (expected < rec.fields.size() && rawKeyIs(field.key(), record, expected)) {
        k = static_cast<int>(expected);
      } else {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return failJson(e);
        k = findField(record, key);
        if (k < 0) {
          if (!skipUnknownField(key, field.value())) return false;
          continue;
        }
      }
      expected = static_cast<size_t>(k) + 1;
      const SchemaField& f = rec.fields[k];
      path.push_back({&f.name, 0});
      const uint64_t bit = uint64_t{1} << (k & 63);
      if (seen[k >> 6] & bit) return failHere("duplicate key `" + f.name + "`");
      seen[k >> 6] |= bit;
      if (!loadField(field.value(), f, base, depth)) return false;
      path.pop_back();
      if (depth == 0 && f.type.kind == ValueKind::kString && f.name == kClaimIdKey) {
        claimId = facts->slots[base + f.slot].s.view();
        hadClaimId = true;
      }
    }
    return finishRecord(record, base, seen, depth);
  }

  // At the closing brace: absent fields (in field order), then the date order of fields that
  // are all known now. `seen` has a bit per field met.
  PPL_ALWAYS_INLINE bool finishRecord(uint32_t record, uint32_t base, const uint64_t* seen, int depth) {
    const SchemaRecord& rec = schema.records[record];
    const size_t n = rec.fields.size();
    for (size_t w = 0; w * 64 < n; ++w) {
      uint64_t missing = ~seen[w];
      if (n - w * 64 < 64) missing &= (uint64_t{1} << (n - w * 64)) - 1;
      for (; missing != 0; missing &= missing - 1) {
        const SchemaField& f = rec.fields[w * 64 + static_cast<size_t>(__builtin_ctzll(missing))];
        Value v = Value::none();
        if (f.hasDefault) {
          if (!defaultFor(f, depth, v)) return false;
        } else if (!f.optional) {
          return fail(pathWith(f.name), "missing required field `" + f.name + "`");
        }
        facts->slots[base + f.slot] = v;
      }
    }
    for (const uint32_t k : datedFields[record]) {
      const SchemaField& f = rec.fields[k];
      const SchemaField& earlier = rec.fields[f.notBefore];
      const Value& a = facts->slots[base + f.slot];
      const Value& b = facts->slots[base + earlier.slot];
      if (!a.absent && !b.absent && a.i < b.i) return fail(pathWith(f.name), "is before " + earlier.name);
    }
    return true;
  }

  bool loadField(od::value& v, const SchemaField& f, uint32_t base, int depth) {
    switch (f.type.kind) {
      case ValueKind::kRecord: {
        od::object obj;
        if (auto e = v.get_object().get(obj)) return failGet(v, e, od::json_type::object, "an object");
        uint32_t child = newRecord(f.type.record, 0);
        facts->slots[base + f.slot] = Value::ofRecord(child);
        return loadObject(obj, f.type.record, child, depth + 1);
      }
      case ValueKind::kList: return loadList(v, f, base, depth + 1);
      default: {
        Value x;
        if (!loadScalar(v, f, f.type.kind, false, x)) return false;
        facts->slots[base + f.slot] = x;
        return true;
      }
    }
  }

  bool loadList(od::value& v, const SchemaField& f, uint32_t base, int depth) {
    if (depth > kMaxDepth) return failHere("the claim nests deeper than the loader follows");
    od::array arr;
    if (auto e = v.get_array().get(arr)) return failGet(v, e, od::json_type::array, "an array");
    // listScratch never grows after construction, so this reference survives nested lists.
    std::vector<Value>& items = listScratch[depth];
    items.clear();
    const bool ofRecords = f.type.elemKind == ValueKind::kRecord;
    path.push_back({nullptr, 0});
    for (auto elemResult : arr) {
      od::value elem;
      if (auto e = std::move(elemResult).get(elem)) return failJson(e);
      const uint32_t index = static_cast<uint32_t>(items.size());
      path.back().index = index;
      if (index == kMaxListElements) {
        return failHere("a list of a claim holds at most " + std::to_string(kMaxListElements) + " elements");
      }
      if (ofRecords) {
        od::object obj;
        if (auto e = elem.get_object().get(obj)) return failGet(elem, e, od::json_type::object, "an object");
        uint32_t child = newRecord(f.type.record, index);
        items.push_back(Value::ofRecord(child));
        if (!loadObject(obj, f.type.record, child, depth + 1)) return false;
      } else {
        Value x;
        if (!loadScalar(elem, f, f.type.elemKind, true, x)) return false;
        items.push_back(x);
      }
    }
    path.pop_back();
    if (f.nonEmpty && items.empty()) return failHere("must have at least one element");
    if (f.uniqueBy >= 0 && !checkUnique(f, items)) return false;
    const uint32_t begin = static_cast<uint32_t>(facts->elems.size());
    facts->elems.insert(facts->elems.end(), items.begin(), items.end());
    facts->slots[base + f.slot] = Value::ofList({begin, static_cast<uint32_t>(items.size())});
    return true;
  }

  // Reported at the list's closing bracket, at the first element that repeats an earlier one.
  bool checkUnique(const SchemaField& f, const std::vector<Value>& items) {
    uint32_t dup = 0, first = 0;
    if (!findRepeat(f, items.data(), static_cast<uint32_t>(items.size()), dup, first)) return true;
    const SchemaField& key = schema.records[f.type.record].fields[f.uniqueBy];
    const Value& value = facts->slots[items[dup].rec + key.slot];
    std::string list = pathString();
    std::string where = list + "/" + std::to_string(dup) + "/" + key.name;
    return fail(std::move(where), "duplicate " + key.name + " " + renderValue(key.type.kind, value) + " (also " + list +
                                      "/" + std::to_string(first) + ")");
  }

  // True when an element of the list of records `items` (`count` of them) repeats the `unique` key of an earlier
  // one: `dup` is the first such element and `first` the earlier one it repeats.
  bool findRepeat(const SchemaField& f, const Value* items, uint32_t count, uint32_t& dup, uint32_t& first) {
    const SchemaField& key = schema.records[f.type.record].fields[f.uniqueBy];
    const ValueKind kind = key.type.kind;
    if (!isScalarKind(kind)) return false;
    const std::vector<Value>& slots = facts->slots;
    auto keyOf = [&](uint32_t i) -> const Value& { return slots[items[i].rec + key.slot]; };
    uniqueScratch.clear();
    for (uint32_t i = 0; i < count; ++i) {
      if (!keyOf(i).absent) uniqueScratch.push_back(i);
    }
    // Sorting beats pairwise comparison on long lists, and the tie-break on the index puts
    // each value's first occurrence at the head of its run.
    std::sort(uniqueScratch.begin(), uniqueScratch.end(), [&](uint32_t a, uint32_t b) {
      int c = compareValues(kind, keyOf(a), keyOf(b));
      return c != 0 ? c < 0 : a < b;
    });
    dup = UINT32_MAX;
    size_t runStart = 0;
    for (size_t i = 1; i < uniqueScratch.size(); ++i) {
      if (compareValues(kind, keyOf(uniqueScratch[runStart]), keyOf(uniqueScratch[i])) != 0) {
        runStart = i;
      } else if (i == runStart + 1 && uniqueScratch[i] < dup) {
        dup = uniqueScratch[i];
        first = uniqueScratch[runStart];
      }
    }
    return dup != UINT32_MAX;
  }

  // `element`: a list element, to which the list's `nonEmpty` does not apply.
  bool loadScalar(od::value& v, const SchemaField& f, ValueKind kind, bool element, Value& out) {
    switch (kind) {
      case ValueKind::kBool: {
        bool b;
        if (auto e = v.get_bool().get(b)) return failGet(v, e, od::json_type::boolean, "true or false");
        out = Value::ofBool(b);
        return true;
      }
      case ValueKind::kInt:
      case ValueKind::kDecimal: return loadNumber(v, f, kind, out);
      default: return loadString(v, f, kind, element, out);
    }
  }

  bool loadNumber(od::value& v, const SchemaField& f, ValueKind kind, Value& out) {
    const bool isInt = kind == ValueKind::kInt;
    std::string_view tok = trimToken(v.raw_json_token());
    // What simdjson calls a number starts so; anything else is reported by type.
    if (tok.empty() || (tok[0] != '-' && !isDigit(tok[0]))) {
      if (!expectType(v, od::json_type::number, isInt ? "an integer" : "a number")) return false;
    }
    if (!isJsonNumber(tok)) return fail("", "malformed json: invalid number " + truncated(tok) + " (near " + pathString() + ")");
    switch (numberValue(tok, f, isInt, out)) {
      case NumberProblem::kNone: return true;
      case NumberProblem::kNotInteger: return failHere("must be an integer, got " + truncated(tok));
      case NumberProblem::kIntRange: return failHere("must be an integer with at most 9 digits, got " + truncated(tok));
      case NumberProblem::kClaimRange:
        return failHere("must be a number with at most 9 digits before the decimal point and 6 after it, got " +
                        truncated(tok));
      case NumberProblem::kBelowMin:
        return failHere(std::string("must be ") + (isInt ? "an integer " : "a number ") + (f.minExclusive ? "> " : ">= ") +
                        f.min.toString() + ", got " + truncated(tok));
    }
    return false;
  }

  // The value of the JSON number `tok` (well formed) for field `f`, or what is wrong with it.
  // Both paths convert here, so that they cannot disagree on a value.
  static NumberProblem numberValue(std::string_view tok, const SchemaField& f, bool isInt, Value& out) {
    if (isInt) {
      int64_t n = 0;
      // "Every number ... at most 9 digits before the decimal point" (claim-facts.md): integers
      // (line numbers) too.
      constexpr int64_t kMaxClaimInteger = 999'999'999;
      if (isPlainInteger(tok)) {
        if (!parseInt64(tok, n) || n > kMaxClaimInteger || n < -kMaxClaimInteger) return NumberProblem::kIntRange;
        return plainIntegerValue(n, f, true, out);
      }
      // 1.0 and 1e2 are integers too; Decimal keeps them exact.
      Decimal d;
      bool inRange = Decimal::parse(tok, d);
      if (inRange && !d.isInteger()) return NumberProblem::kNotInteger;
      if (!inRange || !d.toInt64(n) || n > kMaxClaimInteger || n < -kMaxClaimInteger) return NumberProblem::kIntRange;
      return plainIntegerValue(n, f, true, out);
    }
    if (isSmallInteger(tok)) {
      int64_t n = 0;
      parseInt64(tok, n);
      return plainIntegerValue(n, f, false, out);
    }
    Decimal d;
    if (!Decimal::parse(tok, d) || !d.fitsClaimNumber()) return NumberProblem::kClaimRange;
    return decimalValue(d, f, out);
  }

  // The value of a claim number `d` (in range) for a decimal field `f`.
  static NumberProblem decimalValue(const Decimal& d, const SchemaField& f, Value& out) {
    setDecimal(out, d);
    // Claim minimums are mostly 0 (at least 0, above 0): the sign decides without compare().
    return belowMin(f, f.min.isZero() ? (d.isZero() ? 0 : d.isNegative() ? -1 : 1) : compare(d, f.min))
               ? NumberProblem::kBelowMin
               : NumberProblem::kNone;
  }

  // The value of an integer `n` of at most 9 digits read from the token, for an integer or a
  // decimal field (most claim numbers are such integers, and need no Decimal::parse).
  PPL_ALWAYS_INLINE static NumberProblem plainIntegerValue(int64_t n, const SchemaField& f, bool isInt, Value& out) {
    int c = (n > 0) - (n < 0);
    if (isInt) {
      setInt(out, n);
      if (f.hasMin && !f.min.isZero()) c = compare(Decimal::fromInt(n), f.min);
    } else {
      const Decimal d = Decimal::fromInt(n);
      setDecimal(out, d);
      if (f.hasMin && !f.min.isZero()) c = compare(d, f.min);
    }
    return belowMin(f, c) ? NumberProblem::kBelowMin : NumberProblem::kNone;
  }

  // `c`: the value compared with f.min.
  PPL_ALWAYS_INLINE static bool belowMin(const SchemaField& f, int c) { return f.hasMin && (f.minExclusive ? c <= 0 : c < 0); }

  bool loadString(od::value& v, const SchemaField& f, ValueKind kind, bool element, Value& out) {
    const bool isDate = kind == ValueKind::kDate;
    std::string_view s;
    const std::string_view tok = trimToken(v.raw_json_token());
    if (tok.size() >= 2 && tok.front() == '"' && tok.back() == '"' &&
        std::memchr(tok.data() + 1, '\\', tok.size() - 2) == nullptr) {
      // No escapes: the text between the quotes is the string (stage 1 validated its UTF-8).
      // Consuming the value as get_string() would (without unescaping) keeps the iterator, and
      // so the errors of a malformed document, exactly as they were.
      od::raw_json_string raw;
      if (auto e = v.get_raw_json_string().get(raw)) return failJson(e);
      s = tok.substr(1, tok.size() - 2);
    } else {
      od::json_type t;
      if (auto e = v.type().get(t)) return failJson(e);
      if (t != od::json_type::string) {  // the expectation spelled out only when it is needed
        std::string expected = isDate ? "a date string YYYY-MM-DD" : "a string";
        if (f.type.enumIndex >= 0) expected += ", one of " + enumList(f);
        return failHere("must be " + expected + ", got " + describe(v, t));
      }
      if (auto e = v.get_string().get(s)) return failJson(e);
    }
    // The token stays readable after get_string(): it is the JSON text, quotes and escapes kept.
    auto got = [&] { return ", got " + truncated(trimToken(v.raw_json_token())); };
    switch (stringValue(s, f, kind, element, out)) {
      case StringProblem::kNone: return true;
      case StringProblem::kDate: return failHere("must be a calendar date YYYY-MM-DD" + got());
      case StringProblem::kEmpty: return failHere("must not be empty");
      case StringProblem::kEnum: return failHere("must be one of " + enumList(f) + got());
      case StringProblem::kFormat: return failHere(formatExpectation(f.type.format) + got());
    }
    return false;
  }

  std::string enumList(const SchemaField& f) const { return enumValueList(schema.enums[f.type.enumIndex]); }

  // The value of the string `s` (unescaped) for a field or list element of `kind`, or what is
  // wrong with it. Both paths check here.
  StringProblem stringValue(std::string_view s, const SchemaField& f, ValueKind kind, bool element, Value& out) const {
    if (kind == ValueKind::kDate) {
      int32_t days = 0;
      if (!parseDate(s, days)) return StringProblem::kDate;
      out = Value::ofInt(days);
      return StringProblem::kNone;
    }
    if (f.nonEmpty && !element && s.empty()) return StringProblem::kEmpty;
    if (f.type.enumIndex >= 0) {
      const std::vector<std::string>& names = schema.enums[f.type.enumIndex];
      if (std::find(names.begin(), names.end(), s) == names.end()) return StringProblem::kEnum;
    }
    if (!matchesFormat(f.type.format, s)) return StringProblem::kFormat;
    out = Value::ofString(StrRef{s.data(), static_cast<uint32_t>(s.size())});
    return StringProblem::kNone;
  }

  // ---- the fast path ----
  //
  // One pass over the copied bytes, directed by the schema, for the usual claim: strict JSON,
  // ASCII only, no escapes in the keys and strings it reads, and every value valid. It accepts
  // a subset of what the general path accepts and loads those claims into the same Facts (same
  // slots, elements and order; values converted by the same numberValue / stringValue /
  // finishRecord). At anything else it returns false, and the general path loads the claim
  // again and reports exactly as it always has. What it saves is simdjson's stage 1 and the
  // On-Demand calls per value, which cost more than the checks themselves.

  // The position in the input is passed and returned by value, never kept in the loader: as a
  // member it lived in memory, and the compiler reloaded and stored it around every call and
  // every write into a slot (which may alias anything). Each step takes the position of what it
  // reads and returns the position after it, or null when the fast path gives up.

  PPL_ALWAYS_INLINE static const char* skipSpace(const char* p) {
    // Every JSON space is at most ' ', and most tokens follow the last without any.
    while (static_cast<unsigned char>(*p) <= ' ' && isJsonSpace(*p)) ++p;
    return p;
  }

  // The key at `key` (after its opening quote) is `name` (field k of `record`) followed by its
  // closing quote; reads at most 24 bytes or name.size() + 1, inside the padding.
  bool fastKeyIs(const char* key, const RawName* names, uint32_t record, size_t k) const {
    const RawName& name = names[k];
    if (name.count == 0) {
      const std::string& text = schema.records[record].fields[k].name;
      return text.size() < simdjson::SIMDJSON_PADDING && key[text.size()] == '"' &&
             std::memcmp(key, text.data(), text.size()) == 0;
    }
    return rawIs(key, name);
  }

  // The bytes at `p` are `name` and its closing quote (name.count > 0).
  static bool rawIs(const char* p, const RawName& name) {
    const char* key = p;
    uint64_t diff = 0;
    uint64_t word;
    for (uint32_t i = 0; i + 1 < name.count; ++i) {
      std::memcpy(&word, key + 8 * i, sizeof word);
      diff |= word ^ name.words[i];
    }
    std::memcpy(&word, key + 8 * (name.count - 1), sizeof word);
    diff |= (word ^ name.words[name.count - 1]) & name.lastMask;
    return diff == 0;
  }

  // A string at `p` (its opening quote) without escapes or non-ASCII bytes: its text, and the
  // position after the closing quote. Null otherwise.
  static const char* fastString(const char* p, std::string_view& out) {
    if (*p != '"') return nullptr;
    const char* start = p + 1;
    const char* end = findStringEnd(start);
    if (*end != '"') return nullptr;
    out = std::string_view(start, static_cast<size_t>(end - start));
    return end + 1;
  }

  // A number at `start` by the JSON grammar: its text and the position after it.
  static const char* fastNumber(const char* start, std::string_view& out) {
    const char* p = start;
    if (*p == '-') ++p;
    if (*p == '0') {
      ++p;
    } else if (*p >= '1' && *p <= '9') {
      while (isDigit(*p)) ++p;
    } else {
      return nullptr;
    }
    if (*p == '.') {
      if (!isDigit(*++p)) return nullptr;
      while (isDigit(*p)) ++p;
    }
    if (*p == 'e' || *p == 'E') {
      ++p;
      if (*p == '+' || *p == '-') ++p;
      if (!isDigit(*p)) return nullptr;
      while (isDigit(*p)) ++p;
    }
    out = std::string_view(start, static_cast<size_t>(p - start));
    return p;
  }

  // The four bytes at `p` as a word (a compare against a literal's folds to a constant).
  PPL_ALWAYS_INLINE static uint32_t wordAt(const char* p) {
    uint32_t word;
    std::memcpy(&word, p, sizeof word);
    return word;
  }

  // A scalar at `p` by `op` (not kRecord or kList) into `out`; `element`: a list element. White
  // space before the value is skipped where its first byte does not fit: compact JSON, the
  // usual spelling, pays no test for it.
  // `Plan`: a FieldPlan, or a GeneratedPlan whose members are constants.
  template <typename Plan>
  PPL_ALWAYS_INLINE const char* fastScalar(const char* p, const Plan& plan, FastOp op, bool element, Value& out) {
  again:
    const char* const s = p + 1;  // a string's text
    switch (op) {
      case FastOp::kBool:
        // Compared as words (memcmp was a call); the padding covers a short tail.
        if (wordAt(p) == wordAt("true")) {
          setInt(out, 1);
          return p + 4;
        }
        if (wordAt(p) == wordAt("fals") && p[4] == 'e') {
          setInt(out, 0);
          return p + 5;
        }
        if (isJsonSpace(*p)) {
          p = skipSpace(p);
          goto again;
        }
        return nullptr;
      case FastOp::kInt:
      case FastOp::kDecimal: {
        const bool isInt = op == FastOp::kInt;
        // A short integer, or for a decimal field a short one with at most 6 digits after the
        // point (7350.0), is read here as numberValue would read it; the rest goes there. So
        // does a negative one: no number of the built-in schema may be below 0, and testing
        // for the sign and carrying it cost ~5 instructions a number.
        const char* q = p;
        if (*q >= '1' && *q <= '9') {
          const char* const digits = q;
          // Wraps past 19 digits: unused then. The digit as an unsigned byte less '0', one
          // compare (a signed char took GCC two extensions a digit); the first one known. The
          // second and third unrolled: most of a claim's numbers have one to three digits.
          uint64_t n = digitValue(*q);
          uint64_t d = digitValue(q[1]);
          if (d > 9) {
            q += 1;
          } else {
            n = n * 10 + d;
            if ((d = digitValue(q[2])) > 9) {
              q += 2;
            } else {
              n = n * 10 + d;
              for (q += 3; (d = digitValue(*q)) <= 9; ++q) n = n * 10 + d;
              // Over 9 digits: not short. Counted only here, where there may be more than 3.
              if (q - digits > 9) return fastGeneralNumber(p, runtimePlan(plan), isInt, out);
            }
          }
          // An exponent is not looked for: the integer ends at its 'e', where a reader finds
          // no separator and gives the claim up (to the general path, which reads it exactly).
          if (*q != '.') return fastIntegerValue(n, q[-1] == '0', plan, isInt, out) ? q : nullptr;
          if (!isInt) {
            // `.0` alone (the usual charge, 147.0) is the integer part, as fastFraction would
            // find: read as the integer, without the fraction's loop and its checks (an
            // exponent after it is left to the general path, as above).
            if (q[1] == '0' && digitValue(q[2]) > 9) {
              return fastIntegerValue(n, q[-1] == '0', plan, false, out) ? q + 2 : nullptr;
            }
            if (const char* end = fastFraction(q, n, plan, out)) return end;
          }
        } else if (!isInt && *q == '0' && q[1] == '.') {
          if (const char* end = fastFraction(q + 1, 0, plan, out)) return end;
        } else if (isJsonSpace(*p)) {
          p = skipSpace(p);
          goto again;
        }
        return fastGeneralNumber(p, runtimePlan(plan), isInt, out);
      }
      case FastOp::kDate: {
        int32_t days;
        if (*p == '"' && s[10] == '"' && dates.parseAt(s, days)) {
          setInt(out, days);
          return s + 11;
        }
        break;
      }
      case FastOp::kEnum: {
        if (*p != '"') break;
        const uint32_t size = enumNameAt(plan, s);
        if (size == kNoName) break;
        setString(out, s, size);
        return s + size + 1;
      }
      case FastOp::kFixed:
      case FastOp::kHcpcs: {
        // With `op` a constant, the format's check is chosen here for kHcpcs.
        const StringFormat format = op == FastOp::kHcpcs ? StringFormat::kHcpcs : plan.format;
        const size_t n = plan.fixedLength;
        if (*p == '"' && s[n] == '"' && matchesFormatAt(format, s, n)) {
          setString(out, s, static_cast<uint32_t>(n));
          return s + n + 1;
        }
        break;
      }
      case FastOp::kText:
      case FastOp::kAnyText: {
        // What stringValue would accept of a string without escapes: not empty where it must
        // not be, in its format.
        if (*p != '"') break;
        const StringFormat format = op == FastOp::kAnyText ? StringFormat::kAny : plan.format;
        const char* const end = findStringEnd(s);
        const size_t n = static_cast<size_t>(end - s);
        if (*end == '"' && (n != 0 || element || !plan.nonEmpty) && matchesFormatAt(format, s, n)) {
          setString(out, s, static_cast<uint32_t>(n));
          return end + 1;
        }
        break;
      }
      default: break;
    }
    if (isJsonSpace(*p)) {
      p = skipSpace(p);
      goto again;
    }
    return fastGeneralString(p, runtimePlan(plan), element, out);
  }

  // plainIntegerValue(n, field, isInt, out) == kNone for n from 1 to 999,999,999, the minimum
  // checked as the plan says. `lastDigitZero`: its text ends in 0.
  template <typename Plan>
  PPL_ALWAYS_INLINE static bool fastIntegerValue(uint64_t n, bool lastDigitZero, const Plan& plan, bool isInt,
                                                 Value& out) {
    using MinCheck = FieldPlan::MinCheck;
    const int64_t value = static_cast<int64_t>(n);
    if (plan.minCheck == MinCheck::kDecimal) {
      return plainIntegerValue(value, *runtimePlan(plan).field, isInt, out) == NumberProblem::kNone;
    }
    if (isInt) {
      setInt(out, value);
    } else {
      setShortDecimal(out, n, 0, lastDigitZero);
    }
    return value >= plan.lowestInt;  // belowMin(field, compare(n, min)) for an integral min
  }

  // The fraction at `point` of a number whose integer part (at most 9 digits) is `n`: with 1 to
  // 6 digits and no exponent it fits any claim number and is read here (a valid value in
  // `out`, and the position after it). Null otherwise.
  template <typename Plan>
  PPL_ALWAYS_INLINE static const char* fastFraction(const char* point, uint64_t n, const Plan& plan, Value& out) {
    static constexpr uint64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    const uint64_t whole = n;
    const char* p = point + 1;
    uint64_t d = digitValue(*p);
    if (d > 9) return nullptr;  // no digit after the point
    n = n * 10 + d;
    for (++p; (d = digitValue(*p)) <= 9 && p - point <= 7; ++p) n = n * 10 + d;
    const ptrdiff_t scale = p - point - 1;
    if (scale > 6 || isDigit(*p) || *p == 'e' || *p == 'E') return nullptr;
    // n has at most 15 digits. decimalValue, the minimum checked as the plan says. A fraction
    // of zeros only (`147.0`, the usual charge) is its integer part, whose own trailing zeros
    // alone are left to strip: dividing the zeros of the fraction away cost ~25 instructions.
    if (p[-1] != '0') {
      setShortDecimal(out, n, static_cast<int>(scale), false);
    } else if (n == whole * kPow10[scale]) {
      setShortDecimal(out, whole, 0, point[-1] == '0');
    } else {
      setShortDecimal(out, n, static_cast<int>(scale), true);
    }
    using MinCheck = FieldPlan::MinCheck;
    if (plan.minCheck == MinCheck::kSign) {
      // A minimum of 0: lowestInt is 1 when it is exclusive (`above 0`), else 0.
      if (plan.lowestInt == 1 && n == 0) return nullptr;
    } else if (plan.minCheck != MinCheck::kNoMin) {
      const Decimal value = Decimal::fromScaled(static_cast<int64_t>(n), static_cast<int>(scale));
      const int c = compare(value, runtimePlan(plan).field->min);
      if (belowMin(*runtimePlan(plan).field, c)) return nullptr;
    }
    return p;
  }

  PPL_NOINLINE static const char* fastGeneralNumber(const char* p, const FieldPlan& plan, bool isInt, Value& out) {
    const SchemaField& f = *plan.field;
    std::string_view tok;
    p = fastNumber(p, tok);
    return p && numberValue(tok, f, isInt, out) == NumberProblem::kNone ? p : nullptr;
  }

  PPL_NOINLINE const char* fastGeneralString(const char* p, const FieldPlan& plan, bool element, Value& out) const {
    const SchemaField& f = *plan.field;
    std::string_view s;
    const ValueKind kind = f.type.kind == ValueKind::kList ? f.type.elemKind : f.type.kind;
    p = fastString(p, s);
    return p && stringValue(s, f, kind, element, out) == StringProblem::kNone ? p : nullptr;
  }

  // A value (at `p`) of a field the schema does not have: checked as strict JSON and skipped.
  PPL_NOINLINE const char* fastSkipValue(const char* p) const {
    return endOfJsonValue(p, unknownClosers, [](const char* q) {
      std::string_view ignored;
      return fastString(q, ignored);
    });
  }

  // The bytes at `at` are a comma (not compared when `lead` is 1), `plan`'s name in quotes and
  // a colon. Reads 16 or 32 bytes: `at` is inside the document, which the padding follows.
  PPL_ALWAYS_INLINE static bool keyIs(const char* at, const FieldPlan& plan, uint32_t lead) {
    const uint32_t first = equalBytes(at, plan.key) | plan.ignore[0] | lead;
    if (first == plan.want) return true;  // a key of one chunk
    // A key of two chunks has its `want` out of reach: its flag is looked at only when the
    // first chunk matched, not at every key.
    return first == 0xFFFF && plan.twoChunks && (equalBytes(at + 16, plan.key + 16) | plan.ignore[1]) == 0xFFFF;
  }

  // A bit per byte of the 16 at `text` that equals its byte of `bytes` (16-byte aligned).
  PPL_ALWAYS_INLINE static uint32_t equalBytes(const char* text, const unsigned char* bytes) {
#if defined(__SSE2__)
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text));
    const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(bytes));
    return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, k)));
#else
    uint32_t mask = 0;
    for (int i = 0; i < 16; ++i) mask |= uint32_t{static_cast<unsigned char>(text[i]) == bytes[i]} << i;
    return mask;
#endif
  }

  // An object of `record` laid out at `base`, from after its opening brace to after its
  // closing one.
  PPL_NOINLINE const char* fastObject(const char* p, const RecordPlan& rp, uint32_t base, int depth, uint64_t& seen) {
    return fastObjectInline(p, rp, base, depth, seen);
  }

  // fastObject, inline in a list's loop over its records: a call per element cost more than the
  // element's own key compares.
  // `seen`: a bit per field met (at most 64 fields: fastFieldsFit), for the root's claim id.
  PPL_ALWAYS_INLINE const char* fastObjectInline(const char* p, const RecordPlan& rp, uint32_t base, int depth,
                                                 uint64_t& seen) {
    if (depth > kMaxDepth) return nullptr;
    seen = 0;
    if (static_cast<unsigned char>(*p) <= ' ') p = skipSpace(p);
    if (*p != '}') {
      if (*p != '"') return nullptr;
      if (!(p = fastFields(p, rp, base, depth, seen))) return nullptr;
      if (*p != '}') return nullptr;
    }
    return fastFinish(rp, base, facts->slots.data() + base, seen, depth) ? p + 1 : nullptr;
  }

  // The fields of an object of `record` at `base`, from the first key's opening quote: the
  // position after the last value (and its white space), the fields met in `seen`.
  //
  // Claims list their fields in schema order, now and then leaving out an optional one. This
  // loop follows that order: a key is the field expected next or the one after it (the field
  // between is then absent), or one the schema does not have, which is skipped. In that order no
  // key can repeat and the fields met are those before the one expected next, less those passed
  // over, so it keeps no set of fields met. A key out of order hands over to fastFieldsAnyOrder.
  //
  // The usual step is the fall-through from `value` to `afterValue` and back: a value, then the
  // next expected key in the compact spelling (its comma, quotes and colon) and its value. What
  // else may come after a value (white space, the end, another key) is sorted out from
  // `afterValue` once that compare fails; `key` compares a key whose opening quote is known to
  // follow a comma or the brace (and their white space), so without the byte before it.
  PPL_ALWAYS_INLINE const char* fastFields(const char* p, const RecordPlan& rp, uint32_t base, int depth,
                                           uint64_t& seen) {
    const FieldPlan* const plan = rp.first;
    const FieldPlan* next = plan;  // the field after the last one met
    uint64_t passed = 0;           // fields before `next` not met
    Value* rec = facts->slots.data() + base;  // fastValue moves it when the slots grow
    const char* at = p - 1;  // the byte before a key's opening quote
    const FieldPlan* f;
  key:
    if (keyIs(at, *next, 1)) {
      f = next;
    } else if (keyIs(at, next[1], 1)) {  // a record's plans end with two that match no key
      passed |= next->bit;
      f = next + 1;
    } else {
      int k;
      if (!(p = fastKeyByName(at + 1, rp.record, k))) return nullptr;
      if (k >= 0) {
        seen = (next->bit - 1) & ~passed;
        return fastFieldsAnyOrder(p, plan + k, base, depth, seen);
      }
      if (!(p = fastSkipValue(p))) return nullptr;
      goto afterValue;
    }
  value:
    next = f + 1;
    if (!(p = fastValue(at + f->keyLength, *f, rec, base, depth))) return nullptr;
  afterValue:
    if (keyIs(p, *next, 0)) {
      at = p;
      f = next;
      goto value;
    }
    switch (fastNextField(p)) {  // white space about a comma, the end of the object, or a failure
      case After::kKey:
        at = p - 1;
        goto key;
      case After::kEnd:
        seen = (next->bit - 1) & ~passed;
        return p;
      case After::kFail: break;
    }
    return nullptr;
  }

  // fastFields from a key out of order on: the value of `f` at `p` (after its key's colon),
  // then every key in any order, each checked against the fields met in `seen`.
  PPL_NOINLINE const char* fastFieldsAnyOrder(const char* p, const FieldPlan* f, uint32_t base, int depth,
                                              uint64_t& seen) {
    const uint32_t record = f->record;
    const FieldPlan* const plan = &plans[planOffset[record]];
    Value* rec = facts->slots.data() + base;
    for (;;) {
      if (seen & f->bit) return nullptr;
      seen |= f->bit;
      if (!(p = fastValue(p, *f, rec, base, depth))) return nullptr;
      const FieldPlan* const next = f + 1;
      const char* at = p;
      uint32_t lead = 0;
      for (;;) {
        if (keyIs(at, *next, lead)) {
          f = next;
          p = at + f->keyLength;
          break;
        }
        if (!lead) {
          p = at;
          const After after = fastNextField(p);
          if (after != After::kKey) return after == After::kEnd ? p : nullptr;
          at = p - 1;
          lead = 1;
          continue;
        }
        int k;
        if (!(p = fastKeyByName(at + 1, record, k))) return nullptr;
        if (k >= 0) {
          f = plan + k;
          break;
        }
        if (!(p = fastSkipValue(p))) return nullptr;
        at = p;
        lead = 0;
      }
    }
  }

  // The key whose opening quote is at `q`, found by name: the position of its value (after the
  // colon and white space) and the field's index in `k`, -1 for a field the schema does not
  // have. Null when it is not a key.
  PPL_NOINLINE const char* fastKeyByName(const char* q, uint32_t record, int& k) const {
    std::string_view name;
    if (!(q = fastString(q, name))) return nullptr;
    if (*q != ':') {
      q = skipSpace(q);
      if (*q != ':') return nullptr;
    }
    k = findField(record, name);
    return skipSpace(q + 1);
  }

  // The value of field `f` at `p` (after its key's colon, and any white space), written into
  // its slot of the record at `base`, whose first slot `rec` points at: the position after it.
  // One dispatch on the field's operation; each case is fastScalar for one constant op. A
  // record or a list may grow the slots, and moves `rec` along.
  PPL_ALWAYS_INLINE const char* fastValue(const char* p, const FieldPlan& f, Value*& rec, uint32_t base, int depth) {
    Value& slot = *reinterpret_cast<Value*>(reinterpret_cast<char*>(rec) + f.slotOffset);
    switch (f.op) {
      case FastOp::kRecord: {
        if (*p != '{') {
          if (!isJsonSpace(*p) || *(p = skipSpace(p)) != '{') return nullptr;
        }
        const uint32_t child = fastNewRecord(*f.child, 0);
        setRecord(facts->slots[base + f.slot], child);  // `slot` may have moved
        uint64_t seen;
        p = fastObject(p + 1, *f.child, child, depth + 1, seen);
        rec = facts->slots.data() + base;
        return p;
      }
      case FastOp::kList:
        p = fastList(p, f, base, depth + 1);
        rec = facts->slots.data() + base;
        return p;
      case FastOp::kBool: return fastScalar(p, f, FastOp::kBool, false, slot);
      case FastOp::kInt: return fastScalar(p, f, FastOp::kInt, false, slot);
      case FastOp::kDecimal: return fastScalar(p, f, FastOp::kDecimal, false, slot);
      case FastOp::kDate: return fastScalar(p, f, FastOp::kDate, false, slot);
      case FastOp::kEnum: return fastScalar(p, f, FastOp::kEnum, false, slot);
      case FastOp::kFixed: return fastScalar(p, f, FastOp::kFixed, false, slot);
      case FastOp::kHcpcs: return fastScalar(p, f, FastOp::kHcpcs, false, slot);
      case FastOp::kText: return fastScalar(p, f, FastOp::kText, false, slot);
      case FastOp::kAnyText: return fastScalar(p, f, FastOp::kAnyText, false, slot);
      case FastOp::kString: return fastScalar(p, f, FastOp::kString, false, slot);
    }
#if defined(__GNUC__) || defined(__clang__)
    __builtin_unreachable();  // every operation is a case: no range check before the jump table
#endif
    return nullptr;
  }

  // After a field's value: the next field's key (`p` at its opening quote), the end of the
  // fields (`p` at what follows the last value and its white space), or a comma that no key
  // follows (a failure).
  enum class After { kKey, kEnd, kFail };
  PPL_ALWAYS_INLINE static After fastNextField(const char*& p) {
    if (static_cast<unsigned char>(*p) <= ' ') p = skipSpace(p);
    if (*p != ',') return After::kEnd;
    ++p;
    if (static_cast<unsigned char>(*p) <= ' ') p = skipSpace(p);
    return *p == '"' ? After::kKey : After::kFail;
  }

  // finishRecord for the fast path, from the record's plan: a missing required field or dates
  // out of order only fail (the general path reports them).
  // `slots`: the record's first slot.
  PPL_ALWAYS_INLINE bool fastFinish(const RecordPlan& rp, uint32_t base, Value* slots, uint64_t seen, int depth) {
    uint64_t missing = rp.fields & ~seen;
    if (missing & rp.required) return false;
    for (; missing != 0; missing &= missing - 1) {
      const FieldPlan& f = rp.first[__builtin_ctzll(missing)];
      if (f.bit & rp.defaulted) {
        if (!(slots = fastDefault(f, base, depth))) return false;
      } else {
        setNone(slots[f.slot]);
      }
    }
    for (uint32_t i = rp.datedBegin; i < rp.datedEnd; ++i) {
      const Value& a = slots[datedSlots[i].slot];
      const Value& b = slots[datedSlots[i].notBeforeSlot];
      if (!a.absent && !b.absent && a.i < b.i) return false;
    }
    return true;
  }

  // The default of the absent field `f` written into its slot of the record at `base`: the
  // record's first slot (a record default may grow the slots), or null when it fails. A list's
  // and a scalar's are written here, not through defaultFor and a temporary.
  PPL_NOINLINE Value* fastDefault(const FieldPlan& f, uint32_t base, int depth) {
    Value* const slots = facts->slots.data() + base;
    if (f.op == FastOp::kList) {
      setList(slots[f.slot], static_cast<uint32_t>(facts->elems.size()), 0);
      return slots;
    }
    if (f.op != FastOp::kRecord) {
      slots[f.slot] = f.field->defaultValue;
      return slots;
    }
    Value v = Value::none();
    if (!defaultFor(*f.field, depth, v)) return nullptr;
    Value* const moved = facts->slots.data() + base;
    moved[f.slot] = v;
    return moved;
  }

  // newRecord for the fast path, its size from the record's plan.
  PPL_ALWAYS_INLINE uint32_t fastNewRecord(const RecordPlan& rp, uint32_t ordinal) {
    const uint32_t base = slotsUsed;
    const size_t end = size_t{base} + rp.slotCount;
    if (end > slotsHeld) growSlots(end);
    slotsUsed = static_cast<uint32_t>(end);
    setInt(facts->slots[base], ordinal);
    return base;
  }

  // Whether findRepeat finds a repeat: a short list of records keyed by an integer, a date or a
  // bool (line numbers) compares its keys pairwise, without the sort.
  bool fastRepeats(const SchemaField& f, const Value* items, uint32_t count) {
    const SchemaField& key = schema.records[f.type.record].fields[f.uniqueBy];
    const ValueKind kind = key.type.kind;
    if (count > 16 || (kind != ValueKind::kInt && kind != ValueKind::kDate && kind != ValueKind::kBool)) {
      uint32_t dup, first;
      return findRepeat(f, items, count, dup, first);
    }
    const Value* const slots = facts->slots.data();
    for (uint32_t i = 1; i < count; ++i) {
      const Value& a = slots[items[i].rec + key.slot];
      if (a.absent) continue;
      for (uint32_t j = 0; j < i; ++j) {
        const Value& b = slots[items[j].rec + key.slot];
        if (!b.absent && a.i == b.i) return true;
      }
    }
    return false;
  }

  // A list at `p` (its opening bracket) for the field of `plan`: the position after it. A list
  // whose elements cannot hold lists (plan.leafList) is read straight into Facts::elems, since
  // nothing else lands there before it closes; any other collects its elements in the scratch
  // of its depth and moves them there when it closes, after the lists inside them.
  const char* fastList(const char* p, const FieldPlan& plan, uint32_t base, int depth) {
    const SchemaField& f = *plan.field;
    if (depth > kMaxDepth) return nullptr;
    if (*p != '[') {
      if (!isJsonSpace(*p) || *(p = skipSpace(p)) != '[') return nullptr;
    }
    ++p;
    const bool ofRecords = f.type.elemKind == ValueKind::kRecord;
    std::vector<Value>& elems = facts->elems;
    uint32_t begin = static_cast<uint32_t>(elems.size());  // a leaf's; another's is known at its end
    // The scratch of this depth, for a list that is not a leaf: it grows (rarely, and keeps its
    // capacity) only when full.
    std::vector<Value>& items = listScratch[depth];
    Value* scratch = items.data();
    uint32_t capacity = static_cast<uint32_t>(items.size());
    uint32_t count = 0;
    if (static_cast<unsigned char>(*p) <= ' ') p = skipSpace(p);
    if (*p == ']') {
      ++p;
    } else {
      for (;;) {
        if (count == kMaxListElements) return nullptr;
        Value* element;
        if (plan.leafList) {
          element = &elems.emplace_back();
        } else {
          if (count == capacity) {
            items.resize(std::max<size_t>(16, 2 * items.size()));
            scratch = items.data();
            capacity = static_cast<uint32_t>(items.size());
          }
          element = &scratch[count];
        }
        ++count;
        if (ofRecords) {
          if (*p != '{') return nullptr;
          const uint32_t child = fastNewRecord(*plan.child, count - 1);
          setRecord(*element, child);
          uint64_t seen;
          p = fastObjectInline(p + 1, *plan.child, child, depth + 1, seen);
        } else {
          p = fastScalar(p, plan, plan.elemOp, true, *element);
        }
        if (!p) return nullptr;
        if (static_cast<unsigned char>(*p) <= ' ') p = skipSpace(p);
        if (*p == ',') {
          ++p;
          if (static_cast<unsigned char>(*p) <= ' ') p = skipSpace(p);
          continue;
        }
        if (*p != ']') return nullptr;
        ++p;
        break;
      }
    }
    if (f.nonEmpty && count == 0) return nullptr;
    if (!plan.leafList) {
      begin = static_cast<uint32_t>(elems.size());  // after the lists inside its elements
      elems.insert(elems.end(), scratch, scratch + count);
    }
    if (f.uniqueBy >= 0 && fastRepeats(f, elems.data() + begin, count)) return nullptr;
    Value& list = facts->slots[base + f.slot];
    clearValue(list);
    list.list = ListRef{begin, count};
    return p;
  }

  // ---- the straight reader ----
  //
  // The fast path's first try, for the usual claim: compact JSON whose objects list their fields
  // in schema order (optional ones left out, none the schema lacks). One loop reads the whole
  // document without a call or recursion per object or list: the objects and lists open around
  // the value being read are frames on a stack of its own, and the step from a value to the next
  // key expected and its value falls through. At anything else (white space between tokens, a
  // key out of order or unknown, nesting deeper than kMaxDepth, and every value the in-place
  // readers do not take) it gives up, and fastObject reads the claim again from the start. It
  // converts and checks values with the same steps as fastObject (fastScalar, fastNewRecord,
  // fastFinish, fastRepeats), so what it loads is what fastObject would.

  // An object whose field holds the record or list being read.
  struct StraightFrame {
    const RecordPlan* rp;
    const FieldPlan* next;  // the field after the last one met
    uint64_t passed;        // fields before `next` not met
    uint32_t base;
    int depth;
    // The list open in the field, or null when it is a record. Its elements so far: `count`,
    // from `begin` in Facts::elems for a leaf list (FieldPlan::leafList), else in `scratch`.
    const FieldPlan* list;
    uint32_t begin, count, capacity;
    Value* scratch;
  };

  // The root object of `rp` at `base`, from after its opening brace: the position after its
  // closing one and its fields met in `rootSeen`, or null where the straight reader gives up.
  PPL_NOINLINE const char* straightObject(const char* p, const RecordPlan* rp, uint32_t base, uint64_t& rootSeen) {
    StraightFrame* top = straightFrames.data() - 1;  // the innermost frame; none while the root is read
    const FieldPlan* next;
    const FieldPlan* f;
    uint64_t passed;
    Value* rec;
    int depth = 0;
  openObject:  // `p` after the brace of an object of `rp` at `base`
    next = rp->first;
    passed = 0;
    rec = facts->slots.data() + base;
    if (*p == '}') {
      ++p;
      goto closeObject;
    }
    --p;  // a key is read from the byte before its quote
    if (!keyIs(p, *next, 1)) {
      // The first key is a later field (those before it are absent) or nothing we take.
      for (f = next + 1;; ++f) {
        if (!f->field) return nullptr;  // the end: no field of the record has this key
        if (keyIs(p, *f, 1)) break;
      }
      passed = (f->bit - 1) & ~(next->bit - 1);
      goto value;
    }
    f = next;
  value:  // the key of `f` at `p`, with its comma (or the byte before its quote)
    next = f + 1;
    p += f->keyLength;
    switch (f->op) {
      case FastOp::kRecord: {
        if (*p != '{' || depth + 1 > kMaxDepth) return nullptr;
        ++top;
        top->rp = rp;
        top->next = next;
        top->passed = passed;
        top->base = base;
        top->depth = depth;
        top->list = nullptr;
        const uint32_t child = fastNewRecord(*f->child, 0);
        setRecord(facts->slots[base + f->slot], child);
        rp = f->child;
        base = child;
        ++depth;
        ++p;
        goto openObject;
      }
      case FastOp::kList: {
        if (*p != '[' || depth + 2 > kMaxDepth) return nullptr;
        ++top;
        top->rp = rp;
        top->next = next;
        top->passed = passed;
        top->base = base;
        top->depth = depth;
        top->list = f;
        top->begin = static_cast<uint32_t>(facts->elems.size());
        top->count = 0;
        if (!f->leafList) {
          std::vector<Value>& items = listScratch[depth + 1];
          top->scratch = items.data();
          top->capacity = static_cast<uint32_t>(items.size());
        }
        ++p;
        if (*p == ']') {
          ++p;
          goto closeList;
        }
        goto element;
      }
      case FastOp::kBool: p = fastScalar(p, *f, FastOp::kBool, false, *slotOf(rec, *f)); break;
      case FastOp::kInt: p = fastScalar(p, *f, FastOp::kInt, false, *slotOf(rec, *f)); break;
      case FastOp::kDecimal: p = fastScalar(p, *f, FastOp::kDecimal, false, *slotOf(rec, *f)); break;
      case FastOp::kDate: p = fastScalar(p, *f, FastOp::kDate, false, *slotOf(rec, *f)); break;
      case FastOp::kEnum: p = fastScalar(p, *f, FastOp::kEnum, false, *slotOf(rec, *f)); break;
      case FastOp::kFixed: p = fastScalar(p, *f, FastOp::kFixed, false, *slotOf(rec, *f)); break;
      case FastOp::kHcpcs: p = fastScalar(p, *f, FastOp::kHcpcs, false, *slotOf(rec, *f)); break;
      case FastOp::kText: p = fastScalar(p, *f, FastOp::kText, false, *slotOf(rec, *f)); break;
      case FastOp::kAnyText: p = fastScalar(p, *f, FastOp::kAnyText, false, *slotOf(rec, *f)); break;
      case FastOp::kString: p = fastScalar(p, *f, FastOp::kString, false, *slotOf(rec, *f)); break;
      default: __builtin_unreachable();  // every operation is a case: no range check before the jump table
    }
    if (!p) return nullptr;
  afterValue:  // `p` after a value of the object
    if (keyIs(p, *next, 0)) {
      f = next;
      goto value;
    }
    if (*p == '}') {
      ++p;
      goto closeObject;
    }
    if (*p != ',') return nullptr;
    for (f = next + 1;; ++f) {  // a later field: those between are absent
      if (!f->field) return nullptr;
      if (keyIs(p, *f, 0)) break;
    }
    passed |= (f->bit - 1) & ~(next->bit - 1);
    goto value;

  closeObject:  // `p` after the closing brace of the object of `rp` at `base`
    {
      const uint64_t seen = (next->bit - 1) & ~passed;
      if (!fastFinish(*rp, base, rec, seen, depth)) return nullptr;
      if (depth == 0) {  // the root
        rootSeen = seen;
        return p;
      }
    }
    if (top->list) goto afterElement;
    rp = top->rp;
    next = top->next;
    passed = top->passed;
    base = top->base;
    depth = top->depth;
    --top;
    rec = facts->slots.data() + base;
    goto afterValue;

  element:  // `p` at an element of the list open in `top`
    {
      const FieldPlan& list = *top->list;
      if (top->count == kMaxListElements) return nullptr;
      Value* value;
      if (list.leafList) {
        value = &facts->elems.emplace_back();
      } else {
        if (top->count == top->capacity) {
          std::vector<Value>& items = listScratch[top->depth + 1];
          items.resize(std::max<size_t>(16, 2 * items.size()));
          top->scratch = items.data();
          top->capacity = static_cast<uint32_t>(items.size());
        }
        value = &top->scratch[top->count];
      }
      const uint32_t index = top->count++;
      switch (list.elemOp) {
        case FastOp::kRecord: {
          if (*p != '{') return nullptr;
          const uint32_t child = fastNewRecord(*list.child, index);
          setRecord(*value, child);
          rp = list.child;
          base = child;
          depth = top->depth + 2;
          ++p;
          goto openObject;
        }
        case FastOp::kBool: p = fastScalar(p, list, FastOp::kBool, true, *value); break;
        case FastOp::kInt: p = fastScalar(p, list, FastOp::kInt, true, *value); break;
        case FastOp::kDecimal: p = fastScalar(p, list, FastOp::kDecimal, true, *value); break;
        case FastOp::kDate: p = fastScalar(p, list, FastOp::kDate, true, *value); break;
        case FastOp::kEnum: p = fastScalar(p, list, FastOp::kEnum, true, *value); break;
        case FastOp::kFixed: p = fastScalar(p, list, FastOp::kFixed, true, *value); break;
        case FastOp::kHcpcs: p = fastScalar(p, list, FastOp::kHcpcs, true, *value); break;
        case FastOp::kText: p = fastScalar(p, list, FastOp::kText, true, *value); break;
        case FastOp::kAnyText: p = fastScalar(p, list, FastOp::kAnyText, true, *value); break;
        case FastOp::kString: p = fastScalar(p, list, FastOp::kString, true, *value); break;
        case FastOp::kList: return nullptr;  // lists hold no lists
      }
      if (!p) return nullptr;
    }
  afterElement:  // `p` after an element of the list open in `top`
    if (*p == ',') {
      ++p;
      goto element;
    }
    if (*p != ']') return nullptr;
    ++p;
  closeList:  // `p` after the closing bracket of the list open in `top`
    {
      const FieldPlan& list = *top->list;
      const SchemaField& field = *list.field;
      const uint32_t count = top->count;
      if (field.nonEmpty && count == 0) return nullptr;
      std::vector<Value>& elems = facts->elems;
      uint32_t begin = top->begin;
      if (!list.leafList) {
        begin = static_cast<uint32_t>(elems.size());  // after the lists inside its elements
        elems.insert(elems.end(), top->scratch, top->scratch + count);
      }
      if (field.uniqueBy >= 0 && fastRepeats(field, elems.data() + begin, count)) return nullptr;
      rp = top->rp;
      next = top->next;
      passed = top->passed;
      base = top->base;
      depth = top->depth;
      --top;
      rec = facts->slots.data() + base;
      Value& slot = *slotOf(rec, list);
      clearValue(slot);
      slot.list = ListRef{begin, count};
    }
    goto afterValue;
  }

  // ---- the generated reader ----
  //
  // For the built-in claim schema, loadergen/generate_claim_reader.cpp writes the straight
  // reader's work as one function per record type (included below): the same claims taken and
  // given up, read by the same steps (fastScalar, fastNewRecord's layout, fastDefault,
  // fastRepeats), but each key compared against its own constant bytes, each value's operation
  // and checks known where it is compiled, and no plan, dispatch or fields-met bookkeeping per
  // field. The loader uses it only when its table of assumptions (kGeneratedFields) agrees with
  // the plans built from the schema it is given (generatedFits); any other schema loads through
  // the straight reader.

  // What a generated reader assumes of one field; the generator writes them, in record order.
  struct GeneratedField {
    uint32_t record = 0, index = 0;       // Schema::records[record].fields[index]
    alignas(16) unsigned char key[32] = {};  // FieldPlan::key
    uint32_t keyLength = 0;
    uint32_t slot = 0;
    FastOp op = FastOp::kRecord, elemOp = FastOp::kRecord;
    FieldPlan::MinCheck minCheck = FieldPlan::MinCheck::kNoMin;
    int64_t lowestInt = INT64_MIN;
    StringFormat format = StringFormat::kAny;
    bool nonEmpty = false;
    uint8_t fixedLength = 0;
    bool leafList = false;
    bool optional = false, hasDefault = false;
    int32_t child = -1;          // the record of a record field or of a list's elements
    int32_t notBeforeSlot = -1;  // the slot of the date it may not precede
    bool unique = false;         // a list unique by a field of its elements
    int32_t uniqueSlot = -1;     // that field's slot in an element
    bool uniquePairwise = false;  // that field is an integer, a date or a bool (fastRepeats' short lists)
    int32_t enumIndex = -1;
    uint32_t enumBegin = 0, enumCount = 0;  // its names in kGeneratedEnumNames
  };
  using MinCheck = FieldPlan::MinCheck;
  // Names the generated reader of the record of index R: `generatedRead(GeneratedRecord<R>(), ...)`.
  template <int R>
  struct GeneratedRecord {};

#include "generated_claim_reader.inc"

  // The field of kGeneratedFields[I] as fastScalar reads a plan: its checks are constants,
  // and the rare steps find the loader's own plan.
  template <size_t I>
  struct GeneratedPlan {
    static constexpr const GeneratedField& g = kGeneratedFields[I];
    static constexpr MinCheck minCheck = g.minCheck;
    static constexpr int64_t lowestInt = g.lowestInt;
    static constexpr StringFormat format = g.format;
    static constexpr bool nonEmpty = g.nonEmpty;
    static constexpr uint8_t fixedLength = g.fixedLength;
    const Impl& loader;
    const FieldPlan& runtime() const { return loader.recordPlans[g.record].first[g.index]; }
  };
  PPL_ALWAYS_INLINE static const FieldPlan& runtimePlan(const FieldPlan& plan) { return plan; }
  template <size_t I>
  PPL_ALWAYS_INLINE static const FieldPlan& runtimePlan(const GeneratedPlan<I>& plan) {
    return plan.runtime();
  }
  // The size of the enumeration name (of the field `plan` reads) that the text at `s` is, with
  // its closing quote; kNoName when it is none of them.
  static constexpr uint32_t kNoName = UINT32_MAX;
  PPL_ALWAYS_INLINE static bool quotedNameIs(const char* s, const QuotedName& name) {
    return (equalBytes(s, name.text) | name.ignore[0]) == 0xFFFF &&
           (!name.twoChunks || (equalBytes(s + 16, name.text + 16) | name.ignore[1]) == 0xFFFF);
  }
  PPL_ALWAYS_INLINE static uint32_t enumNameAt(const FieldPlan& plan, const char* s) {
    for (const QuotedName& name : *plan.enumNames) {
      if (quotedNameIs(s, name)) return name.size;
    }
    return kNoName;
  }
  // For the generated reader, one compare per name unrolled, its masks and size constants (the
  // loop loaded them from the table for each name).
  template <size_t I>
  PPL_ALWAYS_INLINE static uint32_t enumNameAt(const GeneratedPlan<I>&, const char* s) {
    return generatedEnumNameAt<I>(s, std::make_index_sequence<kGeneratedFields[I].enumCount>());
  }
  template <size_t I, size_t... K>
  PPL_ALWAYS_INLINE static uint32_t generatedEnumNameAt(const char* s, std::index_sequence<K...>) {
    uint32_t size = kNoName;
    static_cast<void>(s);  // no names: a field that is not an enumeration, whose kEnum case never runs
    static_cast<void>(((generatedNameIs<kGeneratedFields[I].enumBegin + K>(s) &&
                        (size = kGeneratedEnumNames[kGeneratedFields[I].enumBegin + K].size, true)) ||
                       ...));
    return size;
  }
  template <size_t N>
  PPL_ALWAYS_INLINE static bool generatedNameIs(const char* s) {
    constexpr const QuotedName& name = kGeneratedEnumNames[N];
    constexpr uint32_t ignore0 = name.ignore[0], ignore1 = name.ignore[1];
    if ((equalBytes(s, name.text) | ignore0) != 0xFFFF) return false;
    if constexpr (name.twoChunks) return (equalBytes(s + 16, name.text + 16) | ignore1) == 0xFFFF;
    return true;
  }

  // keyIs for the key of kGeneratedFields[I]: `lead` is 1 before the object's first key, whose
  // byte before is the brace.
  template <size_t I>
  PPL_ALWAYS_INLINE static bool generatedKeyIs(const char* at, uint32_t lead) {
    constexpr const GeneratedField& g = kGeneratedFields[I];
    constexpr uint32_t n = g.keyLength;
    constexpr uint32_t ignore0 = n >= 16 ? 0 : 0xFFFFu & (0xFFFFu << n);
    constexpr uint32_t ignore1 = n >= 32 ? 0 : n <= 16 ? 0xFFFFu : 0xFFFFu & (0xFFFFu << (n - 16));
    if ((equalBytes(at, g.key) | ignore0 | lead) != 0xFFFF) return false;
    return n <= 16 || (equalBytes(at + 16, g.key + 16) | ignore1) == 0xFFFF;
  }

  // The scalar field of kGeneratedFields[I] at `at` (its key), into the record at `rec`.
  template <size_t I>
  PPL_ALWAYS_INLINE const char* generatedScalar(const char* at, Value* rec) {
    constexpr const GeneratedField& g = kGeneratedFields[I];
    return fastScalar(at + g.keyLength, GeneratedPlan<I>{*this}, g.op, false, rec[g.slot]);
  }

  // The next `count` elements of Facts::elems for the generated reader, which holds elems at
  // elemsHeld (whatever the last claim left, grown when full) and leaves them so at the end:
  // no emplace_back or insert call per element or list.
  PPL_ALWAYS_INLINE Value* generatedElements(uint32_t count) {
    if (elemsHeld - elemsUsed < count) growElements(count);
    Value* const at = elemsData + elemsUsed;
    elemsUsed += count;
    return at;
  }
  PPL_NOINLINE void growElements(uint32_t count) {
    facts->elems.resize(size_t{elemsUsed} + count + 16);
    elemsHeld = static_cast<uint32_t>(facts->elems.size());
    elemsData = facts->elems.data();
  }

  // newRecord for a generated reader, its size a constant; `slots` is Facts::slots.data() after
  // it, handed on so that the record's parent and reader need not load it again (each store
  // into a slot may alias the loader's members, so the compiler reloaded it every time).
  PPL_ALWAYS_INLINE uint32_t generatedNewRecord(uint32_t slotCount, uint32_t ordinal, Value*& slots) {
    const uint32_t base = slotsUsed;
    const size_t end = size_t{base} + slotCount;
    if (end > slotsHeld) growSlots(end);
    slotsUsed = static_cast<uint32_t>(end);
    slots = slotsData;
    setInt(slots[base], ordinal);
    return base;
  }

  // The record field of kGeneratedFields[I] at `at` (its key) of the record at `base` at
  // `depth`; `rec` follows the slots if they move.
  template <size_t I>
  PPL_ALWAYS_INLINE const char* generatedRecord(const char* at, Value*& rec, uint32_t base, int depth) {
    constexpr const GeneratedField& g = kGeneratedFields[I];
    const char* p = at + g.keyLength;
    if (*p != '{') return nullptr;
    Value* slots;
    const uint32_t child = generatedNewRecord(kGeneratedSlotCounts[g.child], 0, slots);
    setRecord(slots[base + g.slot], child);
    p = generatedRead(GeneratedRecord<g.child>(), p + 1, child, slots + child, depth + 1);
    rec = slotsData + base;
    return p;
  }

  // The list field of kGeneratedFields[I] at `at` (its key) of the record at `base` at `depth`:
  // fastList's work, compact (no white space between elements).
  template <size_t I>
  PPL_ALWAYS_INLINE const char* generatedList(const char* at, Value*& rec, uint32_t base, int depth) {
    constexpr const GeneratedField& g = kGeneratedFields[I];
    const char* p = at + g.keyLength;
    if (*p != '[') return nullptr;
    ++p;
    uint32_t begin = elemsUsed;  // a leaf's; another's is known at its end
    std::vector<Value>& items = listScratch[depth + 1];
    Value* scratch = items.data();
    uint32_t capacity = static_cast<uint32_t>(items.size());
    uint32_t count = 0;
    if (*p == ']') {
      ++p;
    } else {
      for (;;) {
        if (count == kMaxListElements) return nullptr;
        Value* element;
        if constexpr (g.leafList) {
          element = generatedElements(1);
        } else {
          if (count == capacity) {
            items.resize(std::max<size_t>(16, 2 * items.size()));
            scratch = items.data();
            capacity = static_cast<uint32_t>(items.size());
          }
          element = &scratch[count];
        }
        ++count;
        if constexpr (g.elemOp == FastOp::kRecord) {
          if (*p != '{') return nullptr;
          Value* slots;
          const uint32_t child = generatedNewRecord(kGeneratedSlotCounts[g.child], count - 1, slots);
          setRecord(*element, child);
          p = generatedRead(GeneratedRecord<g.child>(), p + 1, child, slots + child, depth + 2);
        } else {
          p = fastScalar(p, GeneratedPlan<I>{*this}, g.elemOp, true, *element);
        }
        if (!p) return nullptr;
        if (*p == ',') {
          ++p;
          continue;
        }
        if (*p != ']') return nullptr;
        ++p;
        break;
      }
    }
    if (g.nonEmpty && count == 0) return nullptr;
    if constexpr (!g.leafList) {
      begin = elemsUsed;  // after the lists inside its elements
      Value* const to = generatedElements(count);
      for (uint32_t i = 0; i < count; ++i) to[i] = scratch[i];  // inline: std::copy was a call
    }
    if constexpr (g.unique) {
      if (generatedRepeats<I>(elemsData + begin, count)) return nullptr;
    }
    if constexpr (g.elemOp == FastOp::kRecord) rec = slotsData + base;  // scalars lay out no records
    setList(rec[g.slot], begin, count);
    return p;
  }

  // fastRepeats for the list of kGeneratedFields[I], its key's slot and kind constants.
  template <size_t I>
  PPL_ALWAYS_INLINE bool generatedRepeats(const Value* items, uint32_t count) {
    constexpr const GeneratedField& g = kGeneratedFields[I];
    if (!g.uniquePairwise || count > 16) return fastRepeats(*GeneratedPlan<I>{*this}.runtime().field, items, count);
    const Value* const slots = slotsData;
    for (uint32_t i = 1; i < count; ++i) {
      const Value& a = slots[items[i].rec + g.uniqueSlot];
      if (a.absent) continue;
      for (uint32_t j = 0; j < i; ++j) {
        const Value& b = slots[items[j].rec + g.uniqueSlot];
        if (!b.absent && a.i == b.i) return true;
      }
    }
    return false;
  }

  // The default of the absent field of kGeneratedFields[I] written into its slot, as fastDefault
  // writes it (a list's and a scalar's here, a record's by fastDefault); `rec` follows the slots
  // if they move. False when it fails.
  template <size_t I>
  PPL_ALWAYS_INLINE bool generatedDefault(Value*& rec, uint32_t base, int depth) {
    constexpr const GeneratedField& g = kGeneratedFields[I];
    if constexpr (g.op == FastOp::kList) {
      setList(rec[g.slot], elemsUsed, 0);
      return true;
    } else if constexpr (g.op == FastOp::kRecord) {
      facts->elems.resize(elemsUsed);  // fillDefaults begins empty lists at elems.size()
      rec = fastDefault(GeneratedPlan<I>{*this}.runtime(), base, depth);
      elemsHeld = static_cast<uint32_t>(facts->elems.size());
      elemsData = facts->elems.data();
      slotsData = facts->slots.data();
      return rec != nullptr;
    } else {
      rec[g.slot] = GeneratedPlan<I>{*this}.runtime().field->defaultValue;
      return true;
    }
  }

  // Dates out of order: fastFinish's `not before` check. Only a date that may be absent has its
  // flag read: a required one is there, or its record was given up before this check.
  template <bool kFirstMayBeAbsent, bool kSecondMayBeAbsent>
  PPL_ALWAYS_INLINE static bool before(const Value& a, const Value& b) {
    return (!kFirstMayBeAbsent || !a.absent) && (!kSecondMayBeAbsent || !b.absent) && a.i < b.i;
  }

  // Whether the generated reader's table agrees with the plans built from `schema`.
  bool generatedReaderFits() const {
    if (!kGeneratedReader || !fastPossible || schema.root != kGeneratedRoot) return false;
    const size_t fieldCount = sizeof kGeneratedFields / sizeof kGeneratedFields[0];
    size_t schemaFields = 0;
    for (const SchemaRecord& rec : schema.records) schemaFields += rec.fields.size();
    if (schemaFields != fieldCount || schema.records.size() != sizeof kGeneratedSlotCounts / sizeof(uint32_t)) return false;
    for (size_t r = 0; r < schema.records.size(); ++r) {
      if (recordPlans[r].slotCount != kGeneratedSlotCounts[r]) return false;
    }
    size_t entry = 0;
    for (size_t r = 0; r < schema.records.size(); ++r) {
      const SchemaRecord& rec = schema.records[r];
      for (size_t k = 0; k < rec.fields.size(); ++k) {
        const GeneratedField& g = kGeneratedFields[entry++];
        const FieldPlan& plan = recordPlans[r].first[k];
        const SchemaField& f = rec.fields[k];
        const int32_t child = plan.child ? static_cast<int32_t>(plan.child->record) : -1;
        const int32_t notBeforeSlot = f.notBefore >= 0 ? static_cast<int32_t>(rec.fields[f.notBefore].slot) : -1;
        const SchemaField* key = f.uniqueBy >= 0 ? &schema.records[f.type.record].fields[f.uniqueBy] : nullptr;
        const int32_t uniqueSlot = key ? static_cast<int32_t>(key->slot) : -1;
        const bool pairwise = key && (key->type.kind == ValueKind::kInt || key->type.kind == ValueKind::kDate ||
                                      key->type.kind == ValueKind::kBool);
        if (g.record != r || g.index != k || std::memcmp(g.key, plan.key, sizeof g.key) != 0 ||
            g.keyLength != plan.keyLength || g.slot != plan.slot || g.op != plan.op || g.elemOp != plan.elemOp ||
            g.minCheck != plan.minCheck || g.lowestInt != plan.lowestInt || g.format != plan.format ||
            g.nonEmpty != plan.nonEmpty || g.fixedLength != plan.fixedLength || g.leafList != plan.leafList ||
            g.optional != f.optional || g.hasDefault != f.hasDefault || g.child != child ||
            g.notBeforeSlot != notBeforeSlot || g.unique != (f.uniqueBy >= 0) || g.uniqueSlot != uniqueSlot ||
            g.uniquePairwise != pairwise || g.enumIndex != f.type.enumIndex) {
          return false;
        }
        if (g.op == FastOp::kEnum || g.elemOp == FastOp::kEnum) {
          const std::vector<QuotedName>& names = *plan.enumNames;
          if (g.enumCount != names.size()) return false;
          for (size_t i = 0; i < names.size(); ++i) {
            const QuotedName& a = kGeneratedEnumNames[g.enumBegin + i];
            if (std::memcmp(a.text, names[i].text, sizeof a.text) != 0 || a.ignore[0] != names[i].ignore[0] ||
                a.ignore[1] != names[i].ignore[1] || a.size != names[i].size || a.twoChunks != names[i].twoChunks) {
              return false;
            }
          }
        }
      }
    }
    return true;
  }

  // The slot of field `f` in the record whose first slot is at `rec`.
  PPL_ALWAYS_INLINE static Value* slotOf(Value* rec, const FieldPlan& f) {
    return reinterpret_cast<Value*>(reinterpret_cast<char*>(rec) + f.slotOffset);
  }

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
    if (t != od::json_type::object) return fail("", std::string("the claim must be a json object, got ") + typeName(t));
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
    if (!findJsonFault(text, JsonFaultKind::kStructure, fault)) {
      fault.offset = rest >= input.data() && rest <= input.data() + inputSize ? static_cast<size_t>(rest - input.data()) : 0;
      fault.message = "unexpected content after the claim object";
    }
    int line, column;
    jsonLineAndColumn(text, fault.offset, line, column);
    return fail("", fmt::format("malformed json: {} (line {}, column {})", fault.message, line, column));
  }

  // A value refused before On-Demand reached a fault further on (a `]` left out makes the next
  // key an element of the list, refused as one): the broken JSON is what to report, as a
  // whole-text validator would. False, the error set.
  bool malformedFirst() {
    if (error->path.empty()) return false;  // already about the text
    const std::string_view text(input.data(), inputSize);
    JsonFault fault;
    if (!findJsonFault(text, JsonFaultKind::kStructure, fault)) return false;
    int line, column;
    jsonLineAndColumn(text, fault.offset, line, column);
    return fail("", fmt::format("malformed json: {} (line {}, column {})", fault.message, line, column));
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
  std::vector<DatedSlots> datedSlots;   // by record (RecordPlan::datedBegin)
  bool fastFieldsFit = true;  // no record has more than 64 fields (the fast path's seen bits)
  std::vector<std::vector<QuotedName>> enumNames;  // by enumeration: its names, raw

  // The fast path: only when every field name can be compared raw (printable ASCII, no quote
  // or backslash), as the key tables above assume. fastEnabled is also a switch for tests.
  bool fastPossible = false;
  bool fastEnabled = false;
  bool generatedFits = false;  // the schema is the one the generated reader was written for
  int claimIdField = -1;    // the root's string field "claim_id", echoed in error records
  uint32_t claimIdSlot = 0;  // its slot in the root record

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
  std::vector<std::vector<uint32_t>> datedFields;  // by record: fields with `not before`
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

bool ClaimLoader::lastClaimId(std::string& out) const {
  out.assign(impl_->claimId.data(), impl_->claimId.size());
  return impl_->hadClaimId;
}

}  // namespace ppl
