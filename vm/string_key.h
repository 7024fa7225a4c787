// How CONTAINSK and JFCONTAINSK look for a string constant in a list of strings (the claim's
// diagnoses, a line's modifiers). A constant's key is made once, when the Evaluator is built:
// its size, its first 8 bytes (the StrRef's prefix) and, from 9 to 16 bytes, its last 8, and
// the search for that length. A list element then matches when its size and prefix, and its
// last word when there is one, are equal: what operator== on StrRef compares, with the
// constant's half done once. Up to 8 bytes the element's own bytes are never read. The
// handlers call the key's own search through a pointer, so no search tests the length. The
// empty string, and one longer than 16 bytes, are compared in full.
#pragma once

#include <cstdint>

#include "runtime/value.h"

namespace ppl {

struct StringKey;
using StringSearch = bool (*)(const Value* begin, const Value* end, const StringKey& key);

struct StringKey {
  StringSearch search = nullptr;  // the search for this length
  StrRef text;
  uint32_t size = 0;
  uint64_t prefix = 0;
  uint64_t tail = 0;  // the last 8 bytes, from 9 to 16 bytes

  // The key of `text`, which must outlive it (the Program's constants do).
  static StringKey of(StrRef text);
};

// Whether the list elements [p, end) hold the string `text`, compared in full (absent elements
// never match): CONTAINS's search, and the keyed search's for the empty string and strings over
// 16 bytes.
inline bool listHoldsText(const Value* p, const Value* end, StrRef text) {
  for (; p != end; ++p) {
    if (!p->absent && p->s == text) return true;
  }
  return false;
}

namespace string_key_detail {

// The searches by the key's length. An absent element has size 0, so only the empty constant,
// searched for in full, needs the absent test.
inline bool listHoldsShort(const Value* p, const Value* end, const StringKey& key) {
  for (; p != end; ++p) {
    if (p->s.size == key.size && p->s.prefix == key.prefix) return true;
  }
  return false;
}

inline bool listHoldsMedium(const Value* p, const Value* end, const StringKey& key) {
  const uint32_t n = key.size;
  for (; p != end; ++p) {
    if (p->s.size == n && p->s.prefix == key.prefix && detail::loadWord<uint64_t>(p->s.data + n - 8) == key.tail) {
      return true;
    }
  }
  return false;
}

// The empty constant, or one longer than 16 bytes: compared in full.
inline bool listHoldsTextKey(const Value* p, const Value* end, const StringKey& key) {
  return listHoldsText(p, end, key.text);
}

}  // namespace string_key_detail

inline StringKey StringKey::of(StrRef text) {
  using namespace string_key_detail;
  StringKey key;
  key.text = text;
  key.size = text.size;
  key.prefix = text.prefix;
  const uint32_t n = text.size;
  if (n == 0 || n > 16) {
    key.search = &listHoldsTextKey;
  } else if (n > 8) {
    key.tail = detail::loadWord<uint64_t>(text.data + n - 8);
    key.search = &listHoldsMedium;
  } else {
    key.search = &listHoldsShort;
  }
  return key;
}

// Whether the list of strings `list` (of the facts' elements `elems`) holds the key's string.
inline bool listHoldsString(const Value* elems, ListRef list, const StringKey& key) {
  const Value* p = elems + list.begin;
  return key.search(p, p + list.count, key);
}

}  // namespace ppl
