// The builtin functions of PPL, each registered once: name, type signature (read by the
// checker) and implementation (called by the VM's CALL and by the reference evaluator).
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/value.h"

namespace ppl {

// Computes `out` from `args`; returns nullptr on success, else a static message
// ("square root of a negative number"). Never allocates.
using BuiltinImpl = const char* (*)(const Value* args, Value& out);

constexpr int kMaxBuiltinArgs = 4;

// round(x, places) takes 0..kMaxRoundPlaces places: a place count the checker can fold is
// checked when the policy compiles, any other by the function itself, per claim.
constexpr int kMaxRoundPlaces = 18;

struct Builtin {
  const char* name;
  ValueKind result;
  uint8_t argCount;
  ValueKind args[kMaxBuiltinArgs];
  BuiltinImpl impl;
};

// Registry order is stable (ids are indices); programs refer to builtins by name.
int builtinCount();
const Builtin& builtinAt(int id);
int findBuiltin(std::string_view name);  // -1 when unknown

}  // namespace ppl
