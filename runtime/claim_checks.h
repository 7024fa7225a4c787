// What the two ways into Facts share — the JSON claim loader (vm/claim_loader) and the embedding
// API's fact builder (embed/claim_builder): the check that a schema is safe to index by, the
// order used to find repeated keys, and how a bad value is named in a message. One copy, so a
// claim is refused with the same words whichever way it came in.
#pragma once

#include <string>
#include <string_view>

#include "runtime/schema.h"
#include "runtime/value.h"

namespace ppl {

// Values a claim field can hold directly (lists and records hold these).
bool isScalarKind(ValueKind kind);

// Orders two values of one scalar kind (-1, 0, 1): a list's `unique` key needs a sort.
int compareValues(ValueKind kind, const Value& a, const Value& b);

// "must be an ndc of 11 digits without dashes": what a string of format `f` must look like.
const char* formatExpectation(StringFormat f);

// Quoted strings in messages show at most this many bytes of the value.
constexpr size_t kMaxQuoted = 40;

// `s` as a JSON string literal for a message, cut at kMaxQuoted bytes on a UTF-8 character
// boundary (then `..."`).
std::string quotedForMessage(std::string_view s);

// A scalar value as a claim would spell it: `true`, `40`, `82.5`, `"JZ"`, `"2026-10-05"`.
std::string renderValue(ValueKind kind, const Value& v);

// Empty when every field of `schema` has its own slot in range, a supported type, and indexes
// (record, enumeration, `not before`, `unique`) that exist; else what is wrong, naming the field.
// Loaders check this once, so that a damaged schema (from a .pplb file) is an error, not a crash.
std::string schemaProblem(const Schema& schema);

}  // namespace ppl
