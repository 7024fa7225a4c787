// The runtime value: one 32-byte cell used for claim facts, VM registers and constants.
//
// PPL is statically typed, so a Value carries no type tag: the checker (and, for compiled
// programs, the bytecode verifier) knows the kind of every slot and register. The only dynamic
// bit is `absent`, set for an optional fact that the claim does not have.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "runtime/always_inline.h"
#include "runtime/decimal.h"

namespace ppl {

// The kinds of value the VM distinguishes. Int-like kinds share the `i` member.
enum class ValueKind : uint8_t {
  kBool,      // i: 0 or 1
  kInt,       // i
  kDecimal,   // d
  kString,    // s (enums are strings too)
  kDate,      // i: days since 1970-01-01
  kDuration,  // i: days
  kGroup,     // i: AdjustmentGroup
  kList,      // list: elements in Facts::elems (or a constant list)
  kRecord,    // rec: base index of the record in Facts::slots
  kIter,      // iter: loop state over a list
};

const char* valueKindName(ValueKind kind);

// Claim adjustment group codes (X12 CAS01).
enum class AdjustmentGroup : uint8_t { kCO, kPR, kOA };
const char* groupName(AdjustmentGroup g);

namespace detail {
template <typename Word>
inline Word loadWord(const char* p) {
  Word w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// The first `size` bytes of `word`, as loaded from memory, and zeros after them (size < 8).
PPL_ALWAYS_INLINE uint64_t firstBytes(uint64_t word, uint32_t size) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return word & ~(~uint64_t{0} >> (8 * size));
#else
  return word & ((uint64_t{1} << (8 * size)) - 1);
#endif
}
}  // namespace detail

// A string that lives elsewhere: in the loader's buffers for claim facts, in the program's
// string pool for constants. Not owned. Its first 8 bytes are kept beside the pointer, zero
// padded, so that strings of up to 8 bytes (codes, modifiers, statuses: `J9027`, `JW`,
// `approved`) compare by their size and one word without reading their bytes. Make one only
// with the constructor or ofPadded, which fill `prefix` (brace initialization calls the
// constructor), never by writing its members: a StrRef whose prefix disagreed with its bytes
// would compare wrongly, without an error.
struct StrRef {
  const char* data = nullptr;
  uint32_t size = 0;
  uint32_t zero = 0;    // padding made explicit, so that equal StrRefs have equal bytes
  uint64_t prefix = 0;  // bytes [0, min(size, 8)) of `data`, then zeros

  StrRef() = default;
  // Reads the string's bytes, not past its end.
  StrRef(const char* text, uint32_t length) : data(text), size(length), prefix(prefixOf(text, length)) {}

  // As the constructor, when 8 bytes from `text` may be read whatever `length` is (the claim
  // loader's padded text): one load.
  PPL_ALWAYS_INLINE static StrRef ofPadded(const char* text, uint32_t length) {
    StrRef s;
    s.data = text;
    s.size = length;
    s.prefix = paddedPrefixOf(text, length);
    return s;
  }
  PPL_ALWAYS_INLINE static uint64_t paddedPrefixOf(const char* text, uint32_t length) {
    const uint64_t word = detail::loadWord<uint64_t>(text);
    return length >= 8 ? word : detail::firstBytes(word, length);
  }

  std::string_view view() const { return size ? std::string_view(data, size) : std::string_view(); }

 private:
  static uint64_t prefixOf(const char* text, uint32_t length) {
    if (length >= 8) return detail::loadWord<uint64_t>(text);
    uint64_t word = 0;
    if (length > 0) std::memcpy(&word, text, length);
    return word;
  }
};

// Byte for byte. The size and the first 8 bytes are in the StrRefs; only the bytes past 8 are
// read, with one load from the end up to 16 bytes (a call to memcmp costs more than that).
inline bool operator==(const StrRef& a, const StrRef& b) {
  const uint32_t n = a.size;
  if (n != b.size || a.prefix != b.prefix) return false;
  if (n <= 8) return true;
  if (n <= 16) return detail::loadWord<uint64_t>(a.data + n - 8) == detail::loadWord<uint64_t>(b.data + n - 8);
  return std::memcmp(a.data + 8, b.data + 8, n - 8) == 0;
}

// A list: `count` values starting at `begin` in Facts::elems.
struct ListRef {
  uint32_t begin;
  uint32_t count;
};

// Iteration state of a loop over a list (see ITERINIT / ITERNEXT).
struct IterState {
  uint32_t begin;
  uint32_t count;
  uint32_t pos;
};

struct Value {
  union {
    int64_t i;
    Decimal d;
    StrRef s;
    ListRef list;
    uint32_t rec;
    IterState iter;
  };
  uint8_t absent;  // 1: an optional fact the claim does not have (payload zeroed)

  Value() : d(), absent(0) { std::memset(static_cast<void*>(this), 0, sizeof(Value)); }

  static Value ofInt(int64_t v) { Value x; x.i = v; return x; }
  static Value ofBool(bool v) { Value x; x.i = v ? 1 : 0; return x; }
  static Value ofDecimal(const Decimal& v) { Value x; x.d = v; return x; }
  static Value ofString(StrRef v) { Value x; x.s = v; return x; }
  static Value ofList(ListRef v) { Value x; x.list = v; return x; }
  static Value ofRecord(uint32_t base) { Value x; x.rec = base; return x; }
  static Value none() { Value x; x.absent = 1; return x; }
};

static_assert(sizeof(Value) <= 32, "Value is a 32-byte cell");

}  // namespace ppl
