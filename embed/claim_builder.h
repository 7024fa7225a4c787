// The claim builder: Facts filled field by field by an embedding engine, validated by the schema
// as the JSON claim loader (vm/claim_loader.h) validates a document, without any JSON.
//
// Records are laid out in Facts::slots as they are created; a list collects its elements in the
// scratch vector of its nesting depth and moves them to Facts::elems in one run when it ends,
// exactly as the loader does, so nested lists never interleave. Checks that need a whole record
// or list (required fields, defaults, date order, non-empty and unique lists) run in finish(),
// because the builder lets a caller set a record's fields in any order, even after the list
// holding the record has ended.
//
// Strings are copied into blocks that never move, so the StrRefs in the facts stay valid while
// the builder grows; blocks and every vector keep their capacity, so a warm builder allocates
// nothing per claim.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/decimal.h"
#include "runtime/facts.h"
#include "runtime/schema.h"
#include "vm/claim_loader.h"

namespace ppl {

// Copies strings into NUL-terminated runs of fixed blocks: pointers stay valid until reset().
class StringArena {
 public:
  void reset() {
    current_ = 0;
    used_ = 0;
  }
  const char* copy(std::string_view s);

 private:
  static constexpr size_t kBlockSize = 16 * 1024;
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size;
  };
  std::vector<Block> blocks_;
  size_t current_ = 0;  // block being filled
  size_t used_ = 0;     // bytes used in it
};

// What a builder call reports; the embedding layer maps it to ppl_status.
enum class BuildStatus : uint8_t { kOk, kArgument, kState, kClaim, kType };

// A value as the caller gave it, before it is checked against its field's type.
struct BuilderValue {
  enum class Kind : uint8_t { kString, kInt, kBool, kDecimalText, kDate };
  Kind kind = Kind::kInt;
  std::string_view text;  // kString, kDecimalText
  int64_t i = 0;          // kInt, kBool (0 or 1)
  int year = 0, month = 0, day = 0;  // kDate
};

class ClaimBuilder {
 public:
  // Keeps a reference to `schema`, which must outlive the builder and be well formed (the
  // bytecode verifier checks the schema of every program before it gets here).
  explicit ClaimBuilder(const Schema& schema);

  // Starts a claim in `facts` (cleared; it must stay alive until finish()). Returns the root
  // record's handle. Discards a claim being built.
  uint64_t begin(Facts& facts);
  // Forgets the claim being built (the facts are someone else's from now on).
  void abandon();
  // Abandons the claim being built and gives back the memory kept for the next (ppl_evaluator_trim).
  void trim();
  bool active() const { return active_; }

  // `recordType`/`field` name a field of the schema (a field handle, resolved by the caller).
  BuildStatus set(uint64_t record, uint32_t recordType, uint32_t field, const BuilderValue& value);
  BuildStatus setRecord(uint64_t record, uint32_t recordType, uint32_t field, uint64_t& child);
  BuildStatus listBegin(uint64_t record, uint32_t recordType, uint32_t field);
  BuildStatus appendRecord(uint64_t& element);
  BuildStatus append(const BuilderValue& value);
  BuildStatus listEnd();
  // Checks the claim as a whole and completes the facts (defaults); the builder is then idle.
  BuildStatus finish();
  // Misuse the embedding layer caught before reaching the builder (a field handle of no field,
  // a NULL pointer, a bad size or scale): kArgument, and like any failure it poisons the claim
  // being built, keeping an earlier error if there is one. With no claim open it poisons nothing.
  BuildStatus misuse(std::string message);

  // The first failure of the current claim (sticky until begin()).
  BuildStatus status() const { return status_; }
  const ClaimError& error() const { return error_; }

  // Deepest nesting of lists followed, as the JSON loader's.
  static constexpr int kMaxDepth = ClaimLoader::kMaxDepth;

 private:
  struct Rec {
    uint32_t base;    // in Facts::slots
    uint32_t type;    // index in Schema::records
    uint32_t parent;  // index in recs_, or kNone for the root
    uint32_t field;   // the parent's field holding this record (or its list)
    uint32_t index;   // position in that list, or kNone
  };
  struct OpenList {
    uint32_t rec;    // index in recs_ of the record holding the list
    uint32_t field;  // the list field of that record
  };
  static constexpr uint32_t kNone = UINT32_MAX;

  BuildStatus guard() const;
  BuildStatus fail(BuildStatus status, std::string path, std::string message);
  // kOk while the open list can take another element, else the error of its bound
  // (kMaxLines for the claim's lines, kMaxListElements for the others).
  BuildStatus roomFor(const OpenList& list, const std::vector<Value>& items);
  BuildStatus resolve(uint64_t handle, uint32_t recordType, uint32_t field, uint32_t& rec);
  BuildStatus claimSlot(uint32_t rec, uint32_t field);
  BuildStatus convert(const SchemaField& f, ValueKind kind, bool element, const BuilderValue& in,
                      const std::string& where, Value& out);
  uint32_t newRecord(uint32_t type, uint32_t ordinal);
  uint64_t handleOf(uint32_t rec) const { return (uint64_t{generation_} << 32) | rec; }
  bool fillDefaults(uint32_t type, uint32_t base, int depth);
  BuildStatus checkRecord(uint32_t rec);
  BuildStatus checkUnique(uint32_t rec, const SchemaField& f, ListRef list);
  std::string pathOf(uint32_t rec) const;
  std::string pathOf(uint32_t rec, uint32_t field) const;

  const Schema& schema_;
  const SchemaField* linesField_;  // claimLinesField(schema_): the list bound of kMaxLines
  Facts* facts_ = nullptr;
  bool active_ = false;
  uint32_t generation_ = 0;
  BuildStatus status_ = BuildStatus::kOk;
  ClaimError error_;

  std::vector<Rec> recs_;
  std::vector<uint8_t> isSet_;  // parallel to Facts::slots: 1 once a field slot has a value
  OpenList open_[kMaxDepth];
  int depth_ = 0;
  std::vector<std::vector<Value>> scratch_;  // the open lists' elements, by depth
  std::vector<uint32_t> uniqueScratch_;
  StringArena strings_;
};

}  // namespace ppl
