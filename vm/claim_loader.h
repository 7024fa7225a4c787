// The claim loader: one claim JSON document in, validated Facts out, laid out by the schema.
//
// The schema a program was compiled against drives everything: which keys are read, what type
// and range each value must have, and which slot it lands in. Numbers are read from their JSON
// text into exact Decimals, never through double. Claim data is untrusted (it arrives from
// payers' systems and is fuzzed), so every failure is a ClaimError naming the JSON path of the
// offending value; nothing throws and no input makes the loader crash, hang or recurse deeper
// than the schema nests.
//
// A warm loader allocates nothing per claim: the input copy, simdjson's parser and every
// scratch vector keep their capacity from one load to the next.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/facts.h"
#include "runtime/schema.h"

namespace ppl {

// Bad claim data: where (a JSON pointer) and what.
struct ClaimError {
  std::string path;     // e.g. "/lines/0/units"; "" for the whole document (malformed JSON)
  std::string message;  // lower-case, says what is wrong and what was expected
};

class ClaimLoader {
 public:
  // Keeps a reference to `schema`, which must outlive the loader, and builds its key tables.
  explicit ClaimLoader(const Schema& schema);
  ~ClaimLoader();
  ClaimLoader(ClaimLoader&&) noexcept;
  ClaimLoader& operator=(ClaimLoader&&) noexcept;

  ClaimLoader(const ClaimLoader&) = delete;
  ClaimLoader& operator=(const ClaimLoader&) = delete;

  // Parses one claim and validates it by the schema. On success fills `facts` and returns true:
  // every slot of the claim is written whole, whatever `facts` held before (the caller need not
  // clear it), and the slots are cut to the claim's size; its strings point into this loader's
  // buffers and stay valid until the next load. On failure returns false with the first error found in document order
  // (constraints on a whole object or list, such as missing fields, non-empty and unique, are
  // found at its closing bracket) and leaves `facts` empty.
  bool load(std::string_view json, Facts& facts, ClaimError& error);

  // Bytes loadPadded needs after the text.
  static constexpr size_t kPadding = 64;

  // As load(), for text that the caller has padded: the byte at json.data()[json.size()] is
  // zero, and the kPadding bytes from there are readable (after that zero byte their values do
  // not matter: the fast path stops at the zero). The usual claim is then read where it lies,
  // without load()'s copy into a padded buffer, and its strings point into `json` (valid while
  // it is and until the next load); any other is copied and loaded as load() loads it. For
  // callers that read many claims into buffers of their own (`pplc eval --ndjson`).
  bool loadPadded(std::string_view json, Facts& facts, ClaimError& error);

  // The line of the input where the texts given to load() and loadPadded() begin, from which the
  // positions malformed JSON's errors name count their lines: 1 (the default) for a claim that is
  // a document of its own, a record's line in its file for NDJSON. Read on the error path only.
  void setFirstLine(uint64_t line);
  // After a failed load: whether its error names a line of the input (malformed JSON: `(line 3,
  // column 17)`), which depends on setFirstLine. Kept out of ClaimError, which every load
  // initialises: the answer costs a valid claim nothing.
  bool lastErrorNamesLine() const;

  // The last document's top-level "claim_id" when it is a string (also after a failed load,
  // as far as the document can be read): for NDJSON error records
  // `{"claim_id": ... or null, "error": ...}`. False, with `out` empty, when there is none.
  bool lastClaimId(std::string& out) const;

  // On by default. Off, every claim takes the general path (simdjson On-Demand), which the
  // fast path must match exactly, in facts and in errors: for tests and fuzzing.
  void useFastPath(bool on);

  // On by default where it fits: the fast path reads claims of the built-in claim schema
  // (stdlib/claim.ppl) with a reader generated for it at build time (loadergen/). Off, or for
  // any other schema, it reads them with the reader driven by the schema's plans. For tests and
  // benchmarks: returns whether the generated reader is now in use.
  bool useGeneratedReader(bool on);

  // Deepest nesting of records and lists the loader follows; only a recursive schema reaches it.
  static constexpr int kMaxDepth = 32;

  // The fast path's limits, which the reader loadergen writes keeps to as well (a schema beyond
  // them loads through the general path, or without the generated reader: as right, less fast).
  // A record of at most kMaxFastFields fields: the fields met are a bit each in one word.
  static constexpr size_t kMaxFastFields = 64;
  // Keys and enumeration names compared as raw bytes, at most kRawNameBytes of them (two 16-byte
  // compares): a field's key with what separates it from the value before and after it
  // (`,"name":`, rawKeyLength bytes), an enumeration name with its closing quote.
  static constexpr size_t kRawNameBytes = 32;
  static constexpr size_t rawKeyLength(std::string_view name) { return name.size() + 4; }

  // Whether `name` is its own JSON spelling (printable ASCII without quote or backslash), which
  // the fast path compares raw: every field name must be, for it to run at all.
  static constexpr bool isPlainName(std::string_view name) {
    for (const char c : name) {
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return false;
    }
    return true;
  }
  // An enumeration name that the fast path compares raw (else its field is read as any string).
  static constexpr bool isRawEnumName(std::string_view name) {
    return !name.empty() && name.size() + 1 <= kRawNameBytes && isPlainName(name);
  }

 private:
  struct Impl;  // keeps simdjson out of this header
  std::unique_ptr<Impl> impl_;
};

}  // namespace ppl
