// PPL embedding API for C++: RAII types over the C ABI of ppl.h, header-only.
//
// The same model as ppl.h: a Program is loaded and verified once and shared read-only by all
// threads; an Evaluator per thread decides claims and keeps its buffers, so steady-state
// decisions allocate nothing. Nothing here throws: every operation that can fail returns a
// Status (or, for views of a decision, a neutral value: an empty string, 0). Strings are
// std::string_view into memory owned by the Program (rule ids, CARCs, RARCs, policy ids) or by
// the Evaluator (claim id, HCPCS, messages, JSON; valid until its next decision).
//
// The types live in ppl::embed (the library's internal C++ code owns namespace ppl itself).
//
//   ppl::embed::Program program;
//   if (ppl::embed::LoadStatus s = program.loadFile("pack.pplb"); !s) { report(s.message()); }
//   ppl::embed::Evaluator evaluator(program);          // one per thread
//   if (ppl::embed::Status s = evaluator.decideJson(json); !s) { report(s.path(), s.message()); }
//   ppl::embed::Decision d = evaluator.decision();
//   for (size_t i = 0; i < d.lineCount(); ++i) use(d.line(i).hcpcs(), d.line(i).verdict());
#ifndef PPL_PPL_HPP
#define PPL_PPL_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "ppl/ppl.h"

namespace ppl::embed {

enum class Verdict : int {
  kNotApplicable = PPL_VERDICT_NOT_APPLICABLE,
  kApprove = PPL_VERDICT_APPROVE,
  kPend = PPL_VERDICT_PEND,
  kDeny = PPL_VERDICT_DENY,
};
enum class Action : int { kDeny = PPL_ACTION_DENY, kPend = PPL_ACTION_PEND };
enum class Group : int { kCO = PPL_GROUP_CO, kPR = PPL_GROUP_PR, kOA = PPL_GROUP_OA };
enum class Type : int {
  kBool = PPL_TYPE_BOOL,
  kInt = PPL_TYPE_INT,
  kDecimal = PPL_TYPE_DECIMAL,
  kString = PPL_TYPE_STRING,
  kDate = PPL_TYPE_DATE,
  kRecord = PPL_TYPE_RECORD,
  kList = PPL_TYPE_LIST,
  kNone = -1,  // not a field: an invalid Field, or a handle past this Program's fields (a handle
               // from another Program that is in range names one of this one's: see load())
};

// "approve", "pend", "deny", "not_applicable"; "deny"/"pend"; "CO"/"PR"/"OA".
inline std::string_view name(Verdict v) noexcept { return ppl_verdict_name(static_cast<ppl_verdict>(v)); }
inline std::string_view name(Action a) noexcept { return ppl_action_name(static_cast<ppl_action>(a)); }
inline std::string_view name(Group g) noexcept { return ppl_group_name(static_cast<ppl_group>(g)); }

// A schema field, resolved once per Program from its dotted path. A path that names no field
// gives the invalid Field (PPL_FIELD_NONE; valid() is false): check valid() where paths are
// resolved. A builder call given it fails and poisons the claim being built (see ppl.h), so a
// misspelt path is never a claim decided without that field.
class Field {
 public:
  constexpr Field() noexcept = default;
  constexpr Field(ppl_field handle) noexcept : handle_(handle) {}  // NOLINT(google-explicit-constructor)
  constexpr bool valid() const noexcept { return handle_ != PPL_FIELD_NONE; }
  constexpr ppl_field get() const noexcept { return handle_; }
  friend constexpr bool operator==(Field a, Field b) noexcept { return a.handle_ == b.handle_; }
  friend constexpr bool operator!=(Field a, Field b) noexcept { return a.handle_ != b.handle_; }

 private:
  ppl_field handle_ = PPL_FIELD_NONE;
};
using Record = ppl_record;  // a record of the claim being built

// The library's release ("0.1.0") and API version; apiVersion() == PPL_API_VERSION when the
// header and the library agree.
inline std::string_view libraryVersion() noexcept { return ppl_library_version(); }
inline int apiVersion() noexcept { return ppl_api_version(); }

namespace detail {
inline std::string_view view(const char* s, size_t n) noexcept { return s ? std::string_view(s, n) : std::string_view(); }
inline std::string_view view(const char* s) noexcept { return s ? std::string_view(s) : std::string_view(); }
}  // namespace detail

// The outcome of an operation: a code and, on failure, a message and (for bad claim data) the
// JSON pointer of the bad value. The message and path view memory of the Evaluator that
// returned the Status, valid until its next operation: copy them to keep them longer. (Loads
// return a LoadStatus, which owns its message.)
class [[nodiscard]] Status {
 public:
  Status() noexcept = default;
  explicit Status(ppl_status code, std::string_view message = {}, std::string_view path = {}) noexcept
      : code_(code), message_(message), path_(path) {}

  bool ok() const noexcept { return code_ == PPL_OK; }
  explicit operator bool() const noexcept { return ok(); }
  ppl_status code() const noexcept { return code_; }
  std::string_view codeName() const noexcept { return ppl_status_name(code_); }
  // What went wrong ("must be a number >= 0, got -1"); the code's name when there is no message.
  std::string_view message() const noexcept { return message_.empty() && !ok() ? codeName() : message_; }
  std::string_view path() const noexcept { return path_; }

 private:
  ppl_status code_ = PPL_OK;
  std::string_view message_;
  std::string_view path_;
};

// The outcome of loading a Program: as Status, but it owns its message (at most
// PPL_ERROR_BUFFER_SIZE - 1 bytes), so it stays valid however long it is kept, whatever happens
// to the Program after (moved, returned, reloaded, destroyed). Loads are rare: the copy is cheap.
class [[nodiscard]] LoadStatus {
 public:
  LoadStatus() noexcept = default;

  bool ok() const noexcept { return code_ == PPL_OK; }
  explicit operator bool() const noexcept { return ok(); }
  ppl_status code() const noexcept { return code_; }
  std::string_view codeName() const noexcept { return ppl_status_name(code_); }
  // What went wrong ("pack.pplb: not a valid compiled policy pack: ..."); the code's name when
  // there is no message.
  std::string_view message() const noexcept {
    return message_[0] == '\0' && !ok() ? codeName() : std::string_view(message_);
  }

 private:
  friend class Program;
  ppl_status code_ = PPL_OK;
  char message_[PPL_ERROR_BUFFER_SIZE] = {};
};

struct LoadOptions {
  size_t maxBytes = 0;  // 0: PPL_DEFAULT_MAX_PROGRAM_BYTES
};

struct EvaluatorOptions {
  size_t maxClaimBytes = 0;  // decideJson refuses larger claims; 0: PPL_DEFAULT_MAX_CLAIM_BYTES
};

// A loaded, verified policy pack: immutable, shared by every thread and Evaluator.
class Program {
 public:
  Program() noexcept = default;
  ~Program() { ppl_program_free(program_); }
  Program(Program&& other) noexcept : program_(std::exchange(other.program_, nullptr)) {}
  Program& operator=(Program&& other) noexcept {
    if (this != &other) {
      ppl_program_free(program_);
      program_ = std::exchange(other.program_, nullptr);
    }
    return *this;
  }
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  // Loads from bytes, which are copied, and on success replaces what this held. On failure this
  // keeps the program it held, so a hot reload onto a bad pack leaves the engine running the old
  // one (Evaluators made before a reload keep theirs either way). After a successful reload,
  // resolve every Field again: handles index the schema, and one of the old program's is not
  // checked against the new one's.
  LoadStatus load(std::string_view bytes, const LoadOptions& options = {}) noexcept {
    LoadStatus result;
    ppl_program* loaded = nullptr;
    const ppl_load_options o = loadOptions(options);
    result.code_ = ppl_program_load(bytes.data(), bytes.size(), &o, &loaded, result.message_, sizeof result.message_);
    adopt(loaded);
    return result;
  }
  // As load(), from the file at `path`.
  LoadStatus loadFile(const char* path, const LoadOptions& options = {}) noexcept {
    LoadStatus result;
    ppl_program* loaded = nullptr;
    const ppl_load_options o = loadOptions(options);
    result.code_ = ppl_program_load_file(path, &o, &loaded, result.message_, sizeof result.message_);
    adopt(loaded);
    return result;
  }

  bool loaded() const noexcept { return program_ != nullptr; }
  const ppl_program* get() const noexcept { return program_; }

  // A field from a dotted path ("lines.units"); PPL_ERR_NOT_FOUND, and the invalid Field, when
  // the schema has none.
  Status field(const char* path, Field& out) const noexcept {
    ppl_field f = PPL_FIELD_NONE;
    const ppl_status s = ppl_field_handle(program_, path, &f);
    out = Field(f);
    return Status(s);
  }
  // The same, the invalid Field when the path names none (check valid(); the builder poisons
  // the claim it is given to).
  Field field(const char* path) const noexcept {
    ppl_field f = PPL_FIELD_NONE;
    (void)ppl_field_handle(program_, path, &f);
    return Field(f);
  }
  // A field's type, and for a list its elements' (else the field's); kNone for an invalid Field.
  Type fieldType(Field field) const noexcept {
    ppl_type t = PPL_TYPE_STRING;
    return ppl_field_type(program_, field.get(), &t, nullptr) == PPL_OK ? static_cast<Type>(t) : Type::kNone;
  }
  Type elementType(Field field) const noexcept {
    ppl_type t = PPL_TYPE_STRING, e = PPL_TYPE_STRING;
    return ppl_field_type(program_, field.get(), &t, &e) == PPL_OK ? static_cast<Type>(e) : Type::kNone;
  }

  // What the pack is, for an audit log: its format version, its payload's checksum, and the
  // name and version of its claim schema (0 or empty when nothing is loaded).
  uint32_t formatVersion() const noexcept {
    uint32_t v = 0;
    (void)ppl_program_format(program_, &v, nullptr);
    return v;
  }
  uint64_t checksum() const noexcept {
    uint64_t c = 0;
    (void)ppl_program_format(program_, nullptr, &c);
    return c;
  }
  std::string_view schemaName() const noexcept {
    const char* name = nullptr;
    (void)ppl_program_schema(program_, &name, nullptr);
    return detail::view(name);
  }
  std::string_view schemaVersion() const noexcept {
    const char* version = nullptr;
    (void)ppl_program_schema(program_, nullptr, &version);
    return detail::view(version);
  }

  size_t policyCount() const noexcept {
    size_t n = 0;
    (void)ppl_program_policy_count(program_, &n);
    return n;
  }
  std::string_view policyId(size_t i) const noexcept {
    const char* id = nullptr;
    (void)ppl_program_policy(program_, i, &id, nullptr);
    return detail::view(id);
  }
  std::string_view policyVersion(size_t i) const noexcept {
    const char* version = nullptr;
    (void)ppl_program_policy(program_, i, nullptr, &version);
    return detail::view(version);
  }

 private:
  static ppl_load_options loadOptions(const LoadOptions& options) noexcept {
    ppl_load_options o = PPL_LOAD_OPTIONS_INIT;
    o.max_bytes = options.maxBytes;
    return o;
  }
  void adopt(ppl_program* loaded) noexcept {
    if (loaded == nullptr) return;
    ppl_program_free(program_);
    program_ = loaded;
  }

  ppl_program* program_ = nullptr;
};

// A reason a line was denied or pended. A view: valid while its Evaluator holds the decision.
class Reason {
 public:
  Reason(const ppl_decision* d, size_t line, size_t k) noexcept : d_(d), line_(line), k_(k) {}
  std::string_view rule() const noexcept { return str(ppl_reason_rule); }
  std::string_view carc() const noexcept { return str(ppl_reason_carc); }
  Action action() const noexcept {
    ppl_action a = PPL_ACTION_DENY;
    (void)ppl_reason_action(d_, line_, k_, &a);
    return static_cast<Action>(a);
  }
  Group group() const noexcept {
    ppl_group g = PPL_GROUP_CO;
    (void)ppl_reason_group(d_, line_, k_, &g);
    return static_cast<Group>(g);
  }
  size_t rarcCount() const noexcept {
    size_t n = 0;
    (void)ppl_reason_rarc_count(d_, line_, k_, &n);
    return n;
  }
  std::string_view rarc(size_t i) const noexcept {
    const char* s = nullptr;
    (void)ppl_reason_rarc(d_, line_, k_, i, &s);
    return detail::view(s);
  }
  std::string_view message() const noexcept {
    const char* s = nullptr;
    size_t n = 0;
    (void)ppl_reason_message(d_, line_, k_, &s, &n);
    return detail::view(s, n);
  }

 private:
  std::string_view str(ppl_status (*get)(const ppl_decision*, size_t, size_t, const char**)) const noexcept {
    const char* s = nullptr;
    (void)get(d_, line_, k_, &s);
    return detail::view(s);
  }
  const ppl_decision* d_;
  size_t line_, k_;
};

// A payment adjustment of an approved line. A view, like Reason.
class Adjustment {
 public:
  Adjustment(const ppl_decision* d, size_t line, size_t k) noexcept : d_(d), line_(line), k_(k) {}
  std::string_view rule() const noexcept { return str(ppl_adjustment_rule); }
  std::string_view carc() const noexcept { return str(ppl_adjustment_carc); }
  std::string_view percent() const noexcept { return str(ppl_adjustment_percent); }  // "20", "12.5"
  Group group() const noexcept {
    ppl_group g = PPL_GROUP_CO;
    (void)ppl_adjustment_group(d_, line_, k_, &g);
    return static_cast<Group>(g);
  }

 private:
  std::string_view str(ppl_status (*get)(const ppl_decision*, size_t, size_t, const char**)) const noexcept {
    const char* s = nullptr;
    (void)get(d_, line_, k_, &s);
    return detail::view(s);
  }
  const ppl_decision* d_;
  size_t line_, k_;
};

// One claim line's decision. A view, like Reason.
class Line {
 public:
  Line(const ppl_decision* d, size_t line) noexcept : d_(d), line_(line) {}
  int64_t number() const noexcept {
    int64_t n = 0;
    (void)ppl_line_number(d_, line_, &n);
    return n;
  }
  std::string_view hcpcs() const noexcept {
    const char* s = nullptr;
    size_t n = 0;
    (void)ppl_line_hcpcs(d_, line_, &s, &n);
    return detail::view(s, n);
  }
  Verdict verdict() const noexcept {
    ppl_verdict v = PPL_VERDICT_NOT_APPLICABLE;
    (void)ppl_line_verdict(d_, line_, &v);
    return static_cast<Verdict>(v);
  }
  size_t reasonCount() const noexcept {
    size_t n = 0;
    (void)ppl_line_reason_count(d_, line_, &n);
    return n;
  }
  Reason reason(size_t k) const noexcept { return Reason(d_, line_, k); }
  size_t adjustmentCount() const noexcept {
    size_t n = 0;
    (void)ppl_line_adjustment_count(d_, line_, &n);
    return n;
  }
  Adjustment adjustment(size_t k) const noexcept { return Adjustment(d_, line_, k); }

 private:
  const ppl_decision* d_;
  size_t line_;
};

// A claim's decision: a view of the Evaluator's current decision (empty when it holds none).
class Decision {
 public:
  explicit Decision(const ppl_decision* d = nullptr) noexcept : d_(d) {}
  bool valid() const noexcept {
    ppl_verdict v;
    return d_ != nullptr && ppl_decision_verdict(d_, &v) == PPL_OK;
  }
  Verdict verdict() const noexcept {
    ppl_verdict v = PPL_VERDICT_NOT_APPLICABLE;
    (void)ppl_decision_verdict(d_, &v);
    return static_cast<Verdict>(v);
  }
  std::string_view claimId() const noexcept {
    const char* s = nullptr;
    size_t n = 0;
    (void)ppl_decision_claim_id(d_, &s, &n);
    return detail::view(s, n);
  }
  // The governing policy's id and version; empty when no policy governs the claim.
  std::string_view policyId() const noexcept {
    const char* id = nullptr;
    (void)ppl_decision_policy(d_, &id, nullptr);
    return detail::view(id);
  }
  std::string_view policyVersion() const noexcept {
    const char* version = nullptr;
    (void)ppl_decision_policy(d_, nullptr, &version);
    return detail::view(version);
  }
  size_t lineCount() const noexcept {
    size_t n = 0;
    (void)ppl_decision_line_count(d_, &n);
    return n;
  }
  Line line(size_t i) const noexcept { return Line(d_, i); }

  // The decision as `pplc eval` prints it (pretty) or on one line; valid until the Evaluator's
  // next decision or next call of json().
  Status json(std::string_view& out, bool pretty = false) const noexcept {
    const char* s = nullptr;
    size_t n = 0;
    const ppl_status st = ppl_decision_json(d_, pretty ? PPL_JSON_PRETTY : 0u, &s, &n);
    out = st == PPL_OK ? std::string_view(s, n) : std::string_view();
    return Status(st);
  }

  const ppl_decision* get() const noexcept { return d_; }

 private:
  const ppl_decision* d_;
};

// Decides claims for one thread at a time. Keeps the Program alive.
class Evaluator {
 public:
  Evaluator() noexcept = default;
  // Check valid(): it fails only for an unloaded Program, or out of memory, and then every call
  // on it returns PPL_ERR_ARGUMENT (a Status of just "argument").
  explicit Evaluator(const Program& program) noexcept { (void)init(program); }
  ~Evaluator() { ppl_evaluator_free(evaluator_); }
  Evaluator(Evaluator&& other) noexcept : evaluator_(std::exchange(other.evaluator_, nullptr)) {}
  Evaluator& operator=(Evaluator&& other) noexcept {
    if (this != &other) {
      ppl_evaluator_free(evaluator_);
      evaluator_ = std::exchange(other.evaluator_, nullptr);
    }
    return *this;
  }
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  explicit Evaluator(const Program& program, const EvaluatorOptions& options) noexcept { (void)init(program, options); }

  Status init(const Program& program, const EvaluatorOptions& options = {}) noexcept {
    ppl_evaluator_free(evaluator_);
    evaluator_ = nullptr;
    ppl_evaluator_options o = PPL_EVALUATOR_OPTIONS_INIT;
    o.max_claim_bytes = options.maxClaimBytes;
    return Status(ppl_evaluator_new_with(program.get(), &o, &evaluator_));
  }
  bool valid() const noexcept { return evaluator_ != nullptr; }
  ppl_evaluator* get() const noexcept { return evaluator_; }

  // Loads and decides one claim given as JSON. Steady state: no allocation.
  Status decideJson(std::string_view json) noexcept {
    return status(ppl_decide_json(evaluator_, json.data(), json.size(), nullptr));
  }
  // Gives back the memory kept from claim to claim, discarding the decision (see ppl_evaluator_trim).
  Status trim() noexcept { return status(ppl_evaluator_trim(evaluator_)); }

  // The current decision (an invalid view when the last decision failed).
  Decision decision() const noexcept {
    const ppl_decision* d = nullptr;
    (void)ppl_evaluator_decision(evaluator_, &d);
    return Decision(d);
  }

  // The claim_id of the claim the last failed decideJson was given, as far as its JSON could be
  // read; empty when there is none (see ppl_evaluator_error_claim_id). Valid until the next
  // operation, as a Status's message is.
  std::string_view errorClaimId() const noexcept {
    const char* id = nullptr;
    size_t n = 0;
    (void)ppl_evaluator_error_claim_id(evaluator_, &id, &n);
    return detail::view(id, n);
  }

  // The claim builder (see ppl.h): begin, set, lists, decideClaim.
  Status beginClaim(Record& root) noexcept { return status(ppl_claim_begin(evaluator_, &root)); }
  Status setString(Record r, Field f, std::string_view v) noexcept {
    return status(ppl_set_string(evaluator_, r, f.get(), v.data(), v.size()));
  }
  Status setInt(Record r, Field f, int64_t v) noexcept { return status(ppl_set_int(evaluator_, r, f.get(), v)); }
  Status setBool(Record r, Field f, bool v) noexcept { return status(ppl_set_bool(evaluator_, r, f.get(), v ? 1 : 0)); }
  Status setDecimal(Record r, Field f, std::string_view text) noexcept {
    return status(ppl_set_decimal(evaluator_, r, f.get(), text.data(), text.size()));
  }
  Status setDecimalScaled(Record r, Field f, int64_t coefficient, uint32_t scale) noexcept {
    return status(ppl_set_decimal_scaled(evaluator_, r, f.get(), coefficient, scale));
  }
  Status setDate(Record r, Field f, int year, int month, int day) noexcept {
    return status(ppl_set_date(evaluator_, r, f.get(), year, month, day));
  }
  Status setRecord(Record r, Field f, Record& child) noexcept {
    return status(ppl_set_record(evaluator_, r, f.get(), &child));
  }
  Status beginList(Record r, Field f) noexcept { return status(ppl_list_begin(evaluator_, r, f.get())); }
  Status appendRecord(Record& element) noexcept { return status(ppl_list_append_record(evaluator_, &element)); }
  Status appendString(std::string_view v) noexcept {
    return status(ppl_list_append_string(evaluator_, v.data(), v.size()));
  }
  Status appendInt(int64_t v) noexcept { return status(ppl_list_append_int(evaluator_, v)); }
  Status appendBool(bool v) noexcept { return status(ppl_list_append_bool(evaluator_, v ? 1 : 0)); }
  Status appendDecimal(std::string_view text) noexcept {
    return status(ppl_list_append_decimal(evaluator_, text.data(), text.size()));
  }
  Status appendDate(int year, int month, int day) noexcept {
    return status(ppl_list_append_date(evaluator_, year, month, day));
  }
  Status endList() noexcept { return status(ppl_list_end(evaluator_)); }
  Status decideClaim() noexcept { return status(ppl_claim_decide(evaluator_, nullptr)); }

 private:
  Status status(ppl_status code) const noexcept {
    if (code == PPL_OK || evaluator_ == nullptr) return Status(code);
    const char* message = nullptr;
    const char* path = nullptr;
    (void)ppl_evaluator_error(evaluator_, &message, &path);
    return Status(code, detail::view(message), detail::view(path));
  }

  ppl_evaluator* evaluator_ = nullptr;
};

}  // namespace ppl::embed

#endif  // PPL_PPL_HPP
