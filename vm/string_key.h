// How CONTAINSK and JFCONTAINSK look for a string constant in a list of strings (the claim's
// diagnoses, a line's modifiers). A constant's key is made once, when the Evaluator is built:
// its size and its first and last words of 1, 2, 4 or 8 bytes (the widest that fits; they
// overlap below 16 bytes), and the search for that width. A list element then matches when its
// size and the same two words are equal: what operator== on StrRef compares, with the
// constant's half done once. The handlers call the key's own search through a pointer, so no
// search tests the width. The empty string, and one longer than 16 bytes, are compared in full.
#pragma once

#include <cstdint>

#include "runtime/value.h"

namespace ppl {

struct StringKey;
using StringSearch = bool (*)(const Value* begin, const Value* end, const StringKey& key);

struct StringKey {
  StringSearch search = nullptr;  // the search for this width
  StrRef text{nullptr, 0};
  uint32_t size = 0;
  uint64_t head = 0;
  uint64_t tail = 0;

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

// The search for a key of `Word`-wide words. An absent element has size 0, so only the empty
// constant, searched for in full, needs the absent test.
template <typename Word>
bool listHoldsWords(const Value* p, const Value* end, const StringKey& key) {
  using detail::loadWord;
  const uint32_t n = key.size;
  for (; p != end; ++p) {
    if (p->s.size == n && loadWord<Word>(p->s.data) == static_cast<Word>(key.head) &&
        loadWord<Word>(p->s.data + n - sizeof(Word)) == static_cast<Word>(key.tail)) {
      return true;
    }
  }
  return false;
}

// The empty constant, or one longer than 16 bytes: compared in full.
inline bool listHoldsTextKey(const Value* p, const Value* end, const StringKey& key) {
  return listHoldsText(p, end, key.text);
}

template <typename Word>
void setWords(StringKey& key) {
  using detail::loadWord;
  key.head = loadWord<Word>(key.text.data);
  key.tail = loadWord<Word>(key.text.data + key.size - sizeof(Word));
  key.search = &listHoldsWords<Word>;
}

}  // namespace string_key_detail

inline StringKey StringKey::of(StrRef text) {
  using namespace string_key_detail;
  StringKey key;
  key.text = text;
  key.size = text.size;
  const uint32_t n = text.size;
  if (n == 0 || n > 16) {
    key.search = &listHoldsTextKey;
  } else if (n >= 8) {
    setWords<uint64_t>(key);
  } else if (n >= 4) {
    setWords<uint32_t>(key);
  } else if (n >= 2) {
    setWords<uint16_t>(key);
  } else {
    setWords<uint8_t>(key);
  }
  return key;
}

// Whether the list of strings `list` (of the facts' elements `elems`) holds the key's string.
inline bool listHoldsString(const Value* elems, ListRef list, const StringKey& key) {
  const Value* p = elems + list.begin;
  return key.search(p, p + list.count, key);
}

}  // namespace ppl
