// The runtime value: one 32-byte cell used for claim facts, VM registers and constants.
//
// PPL is statically typed, so a Value carries no type tag: the checker (and, for compiled
// programs, the bytecode verifier) knows the kind of every slot and register. The only dynamic
// bit is `absent`, set for an optional fact that the claim does not have.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

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

// A string that lives elsewhere: in the loader's buffers for claim facts, in the program's
// string pool for constants. Not owned.
struct StrRef {
  const char* data;
  uint32_t size;
  std::string_view view() const { return size ? std::string_view(data, size) : std::string_view(); }
};

namespace detail {
template <typename Word>
inline Word loadWord(const char* p) {
  Word w;
  std::memcpy(&w, p, sizeof w);
  return w;
}
}  // namespace detail

// Byte for byte. The strings policies compare (codes, modifiers, drug names, statuses) are
// mostly 2 to 16 bytes long, where a call to memcmp costs more than the comparison: two
// overlapping loads from each end cover such a string without reading past it.
inline bool operator==(StrRef a, StrRef b) {
  using detail::loadWord;
  const uint32_t n = a.size;
  if (n != b.size) return false;
  if (n > 16) return std::memcmp(a.data, b.data, n) == 0;
  if (n >= 8) {
    return loadWord<uint64_t>(a.data) == loadWord<uint64_t>(b.data) &&
           loadWord<uint64_t>(a.data + n - 8) == loadWord<uint64_t>(b.data + n - 8);
  }
  if (n >= 4) {
    return loadWord<uint32_t>(a.data) == loadWord<uint32_t>(b.data) &&
           loadWord<uint32_t>(a.data + n - 4) == loadWord<uint32_t>(b.data + n - 4);
  }
  if (n >= 2) {
    return loadWord<uint16_t>(a.data) == loadWord<uint16_t>(b.data) &&
           loadWord<uint16_t>(a.data + n - 2) == loadWord<uint16_t>(b.data + n - 2);
  }
  return n == 0 || a.data[0] == b.data[0];
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
