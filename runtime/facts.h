// Claim facts laid out for the VM: every record a run of slots, every list a run of elements.
//
// The claim loader fills a Facts from JSON by the schema; the VM and the reference evaluator
// read it through slot offsets resolved at compile time, never by name. Buffers keep their
// capacity between claims, so a warm loader allocates nothing.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/value.h"

namespace ppl {

struct Facts {
  // Record instances. A record at base b has its ordinal at slots[b] (Value::i: its index in
  // the list holding it) and field k at slots[b + schema field k's slot]. The root is at 0.
  // Both vectors may run past the claim's last record and element: the claim loader's fast
  // path writes each claim over the last one's and does not cut what is left (growing them
  // again, zeroed, cost more than a tenth of a load). Only what the root reaches is the claim.
  std::vector<Value> slots;
  // List elements: a ListRef {begin, count} names elems[begin, begin + count).
  std::vector<Value> elems;

  static constexpr uint32_t kRootBase = 0;

  void clear() {
    slots.clear();
    elems.clear();
  }
  const Value& field(uint32_t recordBase, uint32_t slot) const { return slots[recordBase + slot]; }
  const Value& element(ListRef list, uint32_t i) const { return elems[list.begin + i]; }
};

}  // namespace ppl
