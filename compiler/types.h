// PPL's static types. The checker gives every expression one; codegen and the reference
// evaluator read them. Optional types exist only for claim facts that may be absent (and for
// aggregates over possibly empty collections); reading one needs a guard or a default.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/schema.h"

namespace ppl {

enum class TypeKind : uint8_t {
  kError,     // an expression that already had an error: accepted everywhere, reported once
  kBool,
  kInt,
  kDecimal,
  kString,
  kDate,
  kDuration,
  kGroup,     // CO, PR, OA
  kList,      // of scalars or records (elem* fields)
  kRecord,    // a schema record
  kModule,    // a module name, only as the base of `module.name`
};

// Type::enumIndex of a line's `decision`: one of the verdicts, which are not a schema enum.
constexpr int32_t kVerdictEnum = -2;

struct Type {
  TypeKind kind = TypeKind::kError;
  bool optional = false;
  uint32_t record = 0;     // kRecord: schema record index
  int32_t enumIndex = -1;  // kString: schema enum the value is one of (-1: any string,
                           // kVerdictEnum: a line's decision)
  StringFormat format = StringFormat::kAny;  // kString: the code format the claim's value has
  // kString: the value may also be a string `??` or `if` falls back to (`channel ?? "none"`),
  // outside the enumeration or format
  bool orFallback = false;
  // kList: the element type (never a list, never optional)
  TypeKind elem = TypeKind::kError;
  uint32_t elemRecord = 0;
  int32_t elemEnum = -1;
  StringFormat elemFormat = StringFormat::kAny;
  bool stringSet = false;  // kList of kString known at compile time (a set literal or const)

  static Type of(TypeKind k) { Type t; t.kind = k; return t; }
  static Type recordOf(uint32_t r) { Type t; t.kind = TypeKind::kRecord; t.record = r; return t; }
  Type asOptional(bool opt = true) const { Type t = *this; t.optional = opt; return t; }
  Type element() const;  // the element type of a list
  bool isNumeric() const { return kind == TypeKind::kInt || kind == TypeKind::kDecimal; }
  bool isError() const { return kind == TypeKind::kError; }
};

bool sameType(const Type& a, const Type& b);  // ignoring optionality and enum restriction
// `integer`, `optional decimal`, `list of string`, `Line` (needs the schema for record names)
std::string typeName(const Type& t, const Schema& schema);
ValueKind valueKindOf(TypeKind k);  // kList -> ValueKind::kList, etc.; kError, kModule -> kIter
// The checker's type for a schema field (optional when the field is optional).
Type typeOfField(const SchemaField& f);

}  // namespace ppl
