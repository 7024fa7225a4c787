// The claim facts schema as data: what `stdlib/claim.ppl` declares, lowered by the compiler.
//
// One declaration drives both ends: the checker resolves every field path against it to a
// slot, and the claim loader reads and validates JSON by it. A compiled program carries the
// schema it was checked against, so a loader always fills the layout the bytecode expects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/decimal.h"
#include "runtime/value.h"

namespace ppl {

// Code formats a string field may be declared with (`format npi`). Each is checked by the
// loader; the list is closed so that a loader never needs a regex engine.
enum class StringFormat : uint8_t {
  kAny,
  kHcpcs,          // ^[A-Z0-9][0-9]{3}[A-Z0-9]$      J9027, 96413
  kIcd10cm,        // ^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$   C61, Z19.2
  kNdc,            // ^[0-9]{11}$                      00024582411
  kNpi,            // ^[0-9]{10}$
  kPlaceOfService, // ^[0-9]{2}$
  kModifier,       // ^[A-Z0-9]{2}$
};
const char* stringFormatName(StringFormat f);
// The one length a code of format `f` has (its pattern above), 0 when it varies.
constexpr size_t fixedFormatLength(StringFormat f) {
  switch (f) {
    case StringFormat::kHcpcs: return 5;
    case StringFormat::kNdc: return 11;
    case StringFormat::kNpi: return 10;
    case StringFormat::kPlaceOfService: return 2;
    case StringFormat::kModifier: return 2;
    default: return 0;
  }
}
// Looks a format up by the name used in the schema source; false when unknown.
bool stringFormatByName(std::string_view name, StringFormat& out);
// Every name stringFormatByName knows, for suggestions.
std::vector<std::string> stringFormatNames();
// True when `s` is well formed for `f`.
bool matchesFormat(StringFormat f, std::string_view s);

// The most service lines a claim may hold. Rules compare a line with the other lines of its
// claim (same-day sums, unit totals), so deciding a claim costs about the square of its line
// count: unbounded, one hostile claim could hold a core for minutes. 999 is the most service
// lines an X12 837 institutional claim can carry (837P allows 50).
constexpr uint32_t kMaxLines = 999;

// The most elements any other list of a claim may hold (diagnoses, authorizations, the history
// lists). A member's history comes from the payer's own records, not from a claim form, and a
// long-treated member's can pass a thousand entries, so the bound is far above real claims: it
// only caps the memory one record takes (32 bytes an element). Loops over these lists are
// bounded by the decision's element budget (Evaluator::kMaxElementVisits).
constexpr uint32_t kMaxListElements = 100'000;

// The type of a schema field. Lists hold scalars or records, never lists.
struct FieldType {
  ValueKind kind = ValueKind::kString;      // kBool kInt kDecimal kString kDate kRecord kList
  ValueKind elemKind = ValueKind::kString;  // for kList
  uint32_t record = 0;                      // for kRecord, or kList of kRecord: index in Schema::records
  int32_t enumIndex = -1;                   // strings restricted to Schema::enums[enumIndex]
  StringFormat format = StringFormat::kAny; // strings, or list elements that are strings
};

struct SchemaField {
  std::string name;
  FieldType type;
  uint32_t slot = 0;            // offset from the record's base in Facts::slots (0 is the ordinal)
  bool optional = false;        // absent allowed, and reading it needs a guard
  bool hasDefault = false;      // absent allowed, and means `defaultValue` (or [] / {} for lists and records)
  Value defaultValue;           // scalars only; strings point into Schema::stringPool
  bool nonEmpty = false;        // strings: not empty; lists: at least one element
  bool hasMin = false;          // numbers: >= min (or > min when minExclusive)
  bool minExclusive = false;
  Decimal min;
  int32_t notBefore = -1;       // dates: index of a sibling date field this one may not precede
  int32_t uniqueBy = -1;        // lists of records: index of the element field that must be unique
};

struct SchemaRecord {
  std::string name;
  std::vector<SchemaField> fields;
  // Slots a record instance takes: the hidden ordinal (its index in the list that holds it,
  // 0 for a record that is not a list element) and then one per field.
  uint32_t slotCount() const { return static_cast<uint32_t>(fields.size()) + 1; }
  int findField(std::string_view name) const;  // -1 when absent
};

struct Schema {
  std::string name;
  std::string version;
  std::vector<SchemaRecord> records;
  std::vector<std::vector<std::string>> enums;  // string enumerations, by FieldType::enumIndex
  uint32_t root = 0;                            // the claim record
  int findRecord(std::string_view name) const;  // -1 when absent
};

// The claim's service lines: the root record's list field `lines`, or null in a schema without
// one (tests use schemas of their own). It holds at most kMaxLines elements, other lists
// kMaxListElements; the loader and the embedding API's builder find it once.
const SchemaField* claimLinesField(const Schema& schema);

}  // namespace ppl
