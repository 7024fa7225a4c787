#include "stdlib/functions.h"

#include "runtime/decimal.h"
#include "runtime/utf8.h"

namespace ppl {
namespace {

const char* fnSqrt(const Value* args, Value& out) {
  Decimal r;
  switch (sqrt(args[0].d, r)) {
    case DecimalStatus::kOk: out = Value::ofDecimal(r); return nullptr;
    case DecimalStatus::kDomain: return "square root of a negative number";
    default: return "square root out of range";
  }
}
const char* fnCeil(const Value* args, Value& out) { out = Value::ofDecimal(ceil(args[0].d)); return nullptr; }
const char* fnFloor(const Value* args, Value& out) { out = Value::ofDecimal(floor(args[0].d)); return nullptr; }
const char* fnAbs(const Value* args, Value& out) { out = Value::ofDecimal(abs(args[0].d)); return nullptr; }
const char* fnRound(const Value* args, Value& out) {
  int64_t places = args[1].i;
  if (places < 0 || places > kMaxRoundPlaces) return "round: places must be between 0 and 18";
  out = Value::ofDecimal(roundHalfEven(args[0].d, static_cast<int>(places)));
  return nullptr;
}
// A text field that holds only white space counts as empty (docs/spec/j9027-policies.md,
// "Strings"); white space is Unicode's, no-break and ideographic spaces included.
const char* fnBlank(const Value* args, Value& out) {
  const StrRef s = args[0].s;
  out = Value::ofBool(isBlankText(std::string_view(s.data, s.size)));
  return nullptr;
}
const char* fnLength(const Value* args, Value& out) { out = Value::ofInt(args[0].s.size); return nullptr; }

using K = ValueKind;
const Builtin kBuiltins[] = {
    {"sqrt", K::kDecimal, 1, {K::kDecimal}, fnSqrt},  // sqrt(x): square root, exact when exact, else 34 significant digits
    {"ceil", K::kDecimal, 1, {K::kDecimal}, fnCeil},  // ceil(x): the least integer >= x
    {"floor", K::kDecimal, 1, {K::kDecimal}, fnFloor},  // floor(x): the greatest integer <= x
    {"round", K::kDecimal, 2, {K::kDecimal, K::kInt}, fnRound},  // round(x, places): half-even to `places` decimals
    {"abs", K::kDecimal, 1, {K::kDecimal}, fnAbs},  // abs(x): absolute value
    {"blank", K::kBool, 1, {K::kString}, fnBlank},  // blank(s): s is empty or only white space
    {"length", K::kInt, 1, {K::kString}, fnLength},  // length(s): number of bytes of s
};

}  // namespace

int builtinCount() { return static_cast<int>(sizeof(kBuiltins) / sizeof(kBuiltins[0])); }
const Builtin& builtinAt(int id) { return kBuiltins[id]; }
int findBuiltin(std::string_view name) {
  for (int i = 0; i < builtinCount(); ++i) {
    if (name == kBuiltins[i].name) return i;
  }
  return -1;
}

}  // namespace ppl
