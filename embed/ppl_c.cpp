// The C ABI (include/ppl/ppl.h) over the VM library: program loading and verification,
// evaluators, decision accessors and JSON, and the claim builder.
//
// Every entry point is noexcept in effect: its body runs inside guarded(), which turns
// std::bad_alloc into PPL_ERR_NO_MEMORY and anything else into PPL_ERR_INTERNAL, because no C++
// exception may cross a C frame. Misuse is checked first and changes nothing.
//
// Memory: a ppl_program owns the Program (immutable once loaded) and a table of field handles;
// it is reference counted by its evaluators. A ppl_evaluator owns every buffer one evaluation
// needs (loader, builder, VM, facts, decision, JSON text, accessor text), each reused from
// claim to claim, so steady-state decisions do not allocate (tests/embed/alloc_test.cpp), until
// ppl_evaluator_trim gives them back.
#include "ppl/ppl.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "bytecode/pplb.h"
#include "bytecode/verifier.h"
#include "embed/claim_builder.h"
#include "runtime/claim_checks.h"
#include "runtime/decision.h"
#include "runtime/facts.h"
#include "vm/claim_loader.h"
#include "vm/decision_json.h"
#include "vm/vm.h"

static_assert(static_cast<int>(ppl::Verdict::kNotApplicable) == PPL_VERDICT_NOT_APPLICABLE &&
                  static_cast<int>(ppl::Verdict::kApprove) == PPL_VERDICT_APPROVE &&
                  static_cast<int>(ppl::Verdict::kPend) == PPL_VERDICT_PEND &&
                  static_cast<int>(ppl::Verdict::kDeny) == PPL_VERDICT_DENY,
              "ppl_verdict mirrors ppl::Verdict");
static_assert(static_cast<int>(ppl::Action::kDeny) == PPL_ACTION_DENY &&
                  static_cast<int>(ppl::Action::kPend) == PPL_ACTION_PEND,
              "ppl_action mirrors ppl::Action");
static_assert(static_cast<int>(ppl::AdjustmentGroup::kCO) == PPL_GROUP_CO &&
                  static_cast<int>(ppl::AdjustmentGroup::kPR) == PPL_GROUP_PR &&
                  static_cast<int>(ppl::AdjustmentGroup::kOA) == PPL_GROUP_OA,
              "ppl_group mirrors ppl::AdjustmentGroup");

struct ppl_program {
  mutable std::atomic<uint32_t> refs{1};
  ppl::Program program;
  // Field handles: field k of record r is fieldBase[r] + k + 1 (0 is never a handle).
  std::vector<uint32_t> fieldBase;
  struct FieldRef {
    uint32_t record;
    uint32_t field;
  };
  std::vector<FieldRef> fields;  // by handle - 1
  // The one-line decision JSON from pieces rendered once (made after the program is verified).
  std::optional<ppl::DecisionJsonWriter> jsonWriter;
  // From the file's header, for ppl_program_format.
  uint32_t formatVersion = 0;
  uint64_t checksum = 0;
};

struct ppl_decision {
  ppl_evaluator* evaluator;
};

struct ppl_evaluator {
  ppl_evaluator(const ppl_program* p, size_t maxClaim)
      : owner(p), maxClaimBytes(maxClaim), loader(p->program.schema), vm(p->program), builder(p->program.schema) {}

  const ppl_program* owner;
  size_t maxClaimBytes;
  ppl::ClaimLoader loader;
  ppl::Evaluator vm;
  ppl::ClaimBuilder builder;
  ppl::Facts facts;
  ppl::Decision decision;
  bool hasDecision = false;
  ppl_decision view{this};

  std::string errorMessage;
  std::string errorPath;
  // The claim_id of the claim the last failed ppl_decide_json was given, when it could be read.
  std::string errorClaimId;
  bool hasErrorClaimId = false;
  std::string json;

  // Accessor strings of the current decision, NUL-terminated in `text`; built on first use.
  struct TextRef {
    uint32_t offset = 0;
    uint32_t size = 0;
    bool absent = true;
  };
  bool textReady = false;
  std::string text;
  TextRef claimId;
  std::vector<TextRef> hcpcs;        // by line
  std::vector<TextRef> messages;     // by index in decision.reasons
  std::vector<TextRef> percents;     // by index in decision.adjustments
};

namespace {

using ppl::BuildStatus;

template <class F>
ppl_status guarded(F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return PPL_ERR_NO_MEMORY;
  } catch (...) {
    return PPL_ERR_INTERNAL;
  }
}

// Records a failure in the evaluator; the message copy is the only allocation, on failures only.
ppl_status failWith(ppl_evaluator* ev, ppl_status status, std::string_view message, std::string_view path = {}) {
  ev->hasErrorClaimId = false;
  try {
    ev->errorMessage.assign(message.data(), message.size());
    ev->errorPath.assign(path.data(), path.size());
  } catch (...) {
    ev->errorMessage.clear();
    ev->errorPath.clear();
  }
  return status;
}

void clearError(ppl_evaluator* ev) {
  ev->errorMessage.clear();
  ev->errorPath.clear();
  ev->hasErrorClaimId = false;
}

// Starts a new evaluation: the old decision and its strings are gone.
void forgetDecision(ppl_evaluator* ev) {
  ev->hasDecision = false;
  ev->textReady = false;
  clearError(ev);
}

void writeError(char* buffer, size_t size, std::string_view message) {
  if (buffer == nullptr || size == 0) return;
  const size_t n = message.size() < size - 1 ? message.size() : size - 1;
  if (n) std::memcpy(buffer, message.data(), n);
  buffer[n] = '\0';
}


ppl_status finishLoad(std::string_view bytes, const ppl_load_options* options, ppl_program** out, char* error,
                      size_t errorSize) {
  const size_t limit = options && options->max_bytes ? options->max_bytes : PPL_DEFAULT_MAX_PROGRAM_BYTES;
  if (bytes.size() > limit) {
    writeError(error, errorSize,
               "the policy pack is " + std::to_string(bytes.size()) + " bytes, more than the limit of " +
                   std::to_string(limit) + " (ppl_load_options.max_bytes)");
    return PPL_ERR_PROGRAM;
  }
  auto p = std::make_unique<ppl_program>();
  std::string message;
  if (!ppl::readPplb(bytes, p->program, message)) {
    writeError(error, errorSize, "not a valid compiled policy pack: " + message);
    return PPL_ERR_PROGRAM;
  }
  if (!p->program.link(message)) {
    writeError(error, errorSize, "cannot link the policy pack: " + message);
    return PPL_ERR_PROGRAM;
  }
  if (!ppl::verifyProgram(p->program, message)) {
    writeError(error, errorSize, "bytecode rejected by the verifier: " + message);
    return PPL_ERR_PROGRAM;
  }
  // The builder and the accessors index the schema without checks: make sure, as the loader does.
  message = schemaProblem(p->program.schema);
  if (!message.empty()) {
    writeError(error, errorSize, "the claim schema of the policy pack is invalid: " + message);
    return PPL_ERR_PROGRAM;
  }
  const std::vector<ppl::SchemaRecord>& records = p->program.schema.records;
  for (uint32_t r = 0; r < records.size(); ++r) {
    p->fieldBase.push_back(static_cast<uint32_t>(p->fields.size()));
    for (uint32_t k = 0; k < records[r].fields.size(); ++k) p->fields.push_back({r, k});
  }
  if (p->fields.size() >= UINT32_MAX) {
    writeError(error, errorSize, "the claim schema has too many fields");
    return PPL_ERR_PROGRAM;
  }
  p->jsonWriter.emplace(p->program);
  const ppl::PplbHeader header = ppl::readPplbHeader(bytes);
  p->formatVersion = header.formatVersion;
  p->checksum = header.checksum;
  *out = p.release();
  writeError(error, errorSize, "");
  return PPL_OK;
}

bool readWholeFile(const char* path, size_t limit, std::string& out, std::string& error) {
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    error = std::error_code(errno, std::generic_category()).message();
    return false;
  }
  constexpr size_t kChunk = size_t{1} << 16;
  size_t used = 0;
  bool ok = true;
  for (;;) {
    out.resize(used + kChunk);
    const size_t n = std::fread(&out[used], 1, kChunk, f);
    used += n;
    if (n < kChunk) {
      if (std::ferror(f)) {
        error = std::error_code(errno, std::generic_category()).message();
        ok = false;
      }
      break;
    }
    if (used > limit) break;  // the size check names the limit; no need to read further
  }
  out.resize(used);
  std::fclose(f);
  return ok;
}

// ---- decisions ----

ppl_status decisionCheck(const ppl_decision* d) {
  if (d == nullptr || d->evaluator == nullptr) return PPL_ERR_ARGUMENT;
  if (!d->evaluator->hasDecision) return PPL_ERR_STATE;
  return PPL_OK;
}

size_t lineCount(const ppl_evaluator* ev) {
  const ppl::FactLayout& layout = ev->owner->program.layout;
  const ppl::Value& lines = ev->facts.field(ppl::Facts::kRootBase, layout.linesSlot);
  const size_t inFacts = lines.absent ? 0 : lines.list.count;
  return inFacts < ev->decision.lines.size() ? inFacts : ev->decision.lines.size();
}

uint32_t lineBase(const ppl_evaluator* ev, size_t line) {
  const ppl::FactLayout& layout = ev->owner->program.layout;
  const ppl::ListRef lines = ev->facts.field(ppl::Facts::kRootBase, layout.linesSlot).list;
  return ev->facts.element(lines, static_cast<uint32_t>(line)).rec;
}

const ppl::PolicyInfo* policyOf(const ppl_evaluator* ev) {
  const int32_t p = ev->decision.policy;
  if (p < 0 || static_cast<size_t>(p) >= ev->owner->program.policies.size()) return nullptr;
  return &ev->owner->program.policies[static_cast<size_t>(p)];
}

// The reason or adjustment `k` of line `line`, by its index in the decision's flat vectors.
bool reasonIndex(const ppl_evaluator* ev, size_t line, size_t k, size_t& index) {
  if (line >= lineCount(ev) || policyOf(ev) == nullptr) return false;
  const ppl::LineDecision& l = ev->decision.lines[line];
  if (k >= l.reasonCount) return false;
  index = size_t{l.firstReason} + k;
  return index < ev->decision.reasons.size();
}

bool adjustmentIndex(const ppl_evaluator* ev, size_t line, size_t k, size_t& index) {
  if (line >= lineCount(ev) || policyOf(ev) == nullptr) return false;
  const ppl::LineDecision& l = ev->decision.lines[line];
  if (k >= l.adjustmentCount) return false;
  index = size_t{l.firstAdjustment} + k;
  return index < ev->decision.adjustments.size();
}

// The strings accessors hand out that are not in the program: copied (facts strings are not
// NUL-terminated) or rendered (messages, percents) into one buffer, once per decision, so that
// every pointer stays valid until the next decision.
void buildText(ppl_evaluator* ev) {
  if (ev->textReady) return;
  const ppl::Program& program = ev->owner->program;
  const ppl::FactLayout& layout = program.layout;
  const ppl::Facts& facts = ev->facts;
  const ppl::Decision& decision = ev->decision;
  std::string& t = ev->text;
  t.clear();
  auto add = [&](std::string_view s) {
    ppl_evaluator::TextRef ref;
    ref.offset = static_cast<uint32_t>(t.size());
    ref.size = static_cast<uint32_t>(s.size());
    ref.absent = false;
    t.append(s.data(), s.size());
    t.push_back('\0');
    return ref;
  };

  const ppl::Value& id = facts.field(ppl::Facts::kRootBase, layout.claimIdSlot);
  ev->claimId = id.absent ? ppl_evaluator::TextRef{} : add(id.s.view());

  const size_t lines = lineCount(ev);
  ev->hcpcs.resize(lines);
  ev->messages.resize(decision.reasons.size());
  ev->percents.resize(decision.adjustments.size());
  const ppl::PolicyInfo* policy = policyOf(ev);
  for (size_t i = 0; i < lines; ++i) {
    const ppl::Value& code = facts.field(lineBase(ev, i), layout.hcpcsSlot);
    ev->hcpcs[i] = code.absent ? ppl_evaluator::TextRef{} : add(code.s.view());
    if (policy == nullptr) continue;
    const ppl::LineDecision& line = decision.lines[i];
    for (uint32_t k = 0; k < line.reasonCount; ++k) {
      size_t index = 0;
      if (!reasonIndex(ev, i, k, index)) break;
      const ppl::Reason& reason = decision.reasons[index];
      const ppl::Message& message = policy->rules[reason.rule].outcomes[reason.outcome].message;
      // As the JSON writer renders it: arguments the rule did not capture read as absent.
      ppl::Value args[ppl::kMaxMessageArgs];
      for (int a = 0; a < ppl::kMaxMessageArgs; ++a) args[a] = a < reason.argCount ? reason.args[a] : ppl::Value::none();
      const uint32_t start = static_cast<uint32_t>(t.size());
      ppl::renderMessage(program, facts, message, args, t);
      ev->messages[index] = ppl_evaluator::TextRef{start, static_cast<uint32_t>(t.size() - start), false};
      t.push_back('\0');
    }
    for (uint32_t k = 0; k < line.adjustmentCount; ++k) {
      size_t index = 0;
      if (!adjustmentIndex(ev, i, k, index)) break;
      const ppl::Adjustment& adj = decision.adjustments[index];
      char buf[ppl::Decimal::kMaxTextLength];
      const int n = policy->rules[adj.rule].adjustments[adj.adjustment].percent.format(buf);
      ev->percents[index] = add(std::string_view(buf, static_cast<size_t>(n)));
    }
  }
  ev->textReady = true;
}

const char* textOf(const ppl_evaluator* ev, const ppl_evaluator::TextRef& ref) {
  return ref.absent ? nullptr : ev->text.data() + ref.offset;
}

// Reads one reason (or adjustment) field: checks, then `get(evaluator, index)`.
template <class Get>
ppl_status withReason(const ppl_decision* d, size_t line, size_t k, Get&& get) {
  return guarded([&] {
    if (ppl_status s = decisionCheck(d); s != PPL_OK) return s;
    size_t index = 0;
    if (!reasonIndex(d->evaluator, line, k, index)) return PPL_ERR_ARGUMENT;
    return get(d->evaluator, index);
  });
}

template <class Get>
ppl_status withAdjustment(const ppl_decision* d, size_t line, size_t k, Get&& get) {
  return guarded([&] {
    if (ppl_status s = decisionCheck(d); s != PPL_OK) return s;
    size_t index = 0;
    if (!adjustmentIndex(d->evaluator, line, k, index)) return PPL_ERR_ARGUMENT;
    return get(d->evaluator, index);
  });
}

const ppl::RuleInfo& ruleOf(const ppl_evaluator* ev, uint32_t rule) { return policyOf(ev)->rules[rule]; }

// ---- evaluation ----

ppl_status decideFacts(ppl_evaluator* ev, const ppl_decision** decision) {
  ppl::EvalError error;
  if (!ev->vm.decide(ev->facts, ev->decision, error)) {
    return failWith(ev, PPL_ERR_EVAL, "evaluation failed: " + error.message);
  }
  ev->hasDecision = true;
  if (decision) *decision = &ev->view;
  return PPL_OK;
}

ppl_status fromBuild(ppl_evaluator* ev, BuildStatus s) {
  if (s == BuildStatus::kOk) {
    // A builder error is sticky (this call would have returned it), so what is left is the
    // failure of a call made with no claim open, reported by that call only: this one succeeded.
    clearError(ev);
    return PPL_OK;
  }
  const ppl::ClaimError& e = ev->builder.error();
  ppl_status status = PPL_ERR_INTERNAL;
  switch (s) {
    case BuildStatus::kOk: return PPL_OK;
    case BuildStatus::kArgument: status = PPL_ERR_ARGUMENT; break;
    case BuildStatus::kState: status = PPL_ERR_STATE; break;
    case BuildStatus::kClaim: status = PPL_ERR_CLAIM; break;
    case BuildStatus::kType: status = PPL_ERR_TYPE; break;
  }
  return failWith(ev, status, e.message, e.path);
}

// Resolves a field handle to (record type, field); false when it is not a handle of this program.
bool fieldOf(const ppl_evaluator* ev, ppl_field field, uint32_t& record, uint32_t& index) {
  const std::vector<ppl_program::FieldRef>& fields = ev->owner->fields;
  if (field == 0 || field > fields.size()) return false;
  record = fields[field - 1].record;
  index = fields[field - 1].field;
  return true;
}

// Misuse of a builder call that the builder itself cannot see (a NULL pointer, a bad size, a
// field handle of no field). It poisons the claim being built like any builder error, so that a
// caller checking only ppl_claim_decide never decides a claim short of a field it meant to set
// (a misspelt path gives PPL_FIELD_NONE); with no claim open it is reported by this call only.
ppl_status misuse(ppl_evaluator* ev, const char* message) {
  return guarded([&] { return fromBuild(ev, ev->builder.misuse(message)); });
}

ppl_status badField(ppl_evaluator* ev) {
  return misuse(ev, "the field handle does not name a field of this program: check what ppl_field_handle "
                    "returned for its path");
}

ppl_status setValue(ppl_evaluator* ev, ppl_record record, ppl_field field, const ppl::BuilderValue& value) {
  if (ev == nullptr) return PPL_ERR_ARGUMENT;
  return guarded([&] {
    uint32_t type = 0, index = 0;
    if (!fieldOf(ev, field, type, index)) return badField(ev);
    return fromBuild(ev, ev->builder.set(record, type, index, value));
  });
}

ppl_status appendValue(ppl_evaluator* ev, const ppl::BuilderValue& value) {
  if (ev == nullptr) return PPL_ERR_ARGUMENT;
  return guarded([&] { return fromBuild(ev, ev->builder.append(value)); });
}

ppl::BuilderValue stringValue(const char* s, size_t size) {
  ppl::BuilderValue v;
  v.kind = ppl::BuilderValue::Kind::kString;
  v.text = std::string_view(s, size);
  return v;
}

ppl::BuilderValue intValue(int64_t i) {
  ppl::BuilderValue v;
  v.kind = ppl::BuilderValue::Kind::kInt;
  v.i = i;
  return v;
}

ppl::BuilderValue boolValue(int b) {
  ppl::BuilderValue v;
  v.kind = ppl::BuilderValue::Kind::kBool;
  v.i = b != 0;
  return v;
}

ppl::BuilderValue decimalValue(const char* s, size_t size) {
  ppl::BuilderValue v;
  v.kind = ppl::BuilderValue::Kind::kDecimalText;
  v.text = std::string_view(s, size);
  return v;
}

ppl::BuilderValue dateValue(int y, int m, int d) {
  ppl::BuilderValue v;
  v.kind = ppl::BuilderValue::Kind::kDate;
  v.year = y;
  v.month = m;
  v.day = d;
  return v;
}

ppl_type typeOf(ppl::ValueKind k) {
  switch (k) {
    case ppl::ValueKind::kBool: return PPL_TYPE_BOOL;
    case ppl::ValueKind::kInt: return PPL_TYPE_INT;
    case ppl::ValueKind::kDecimal: return PPL_TYPE_DECIMAL;
    case ppl::ValueKind::kDate: return PPL_TYPE_DATE;
    case ppl::ValueKind::kRecord: return PPL_TYPE_RECORD;
    case ppl::ValueKind::kList: return PPL_TYPE_LIST;
    default: return PPL_TYPE_STRING;
  }
}

}  // namespace

extern "C" {

int ppl_api_version(void) { return PPL_API_VERSION; }

const char* ppl_library_version(void) { return PPL_LIBRARY_VERSION; }

const char* ppl_status_name(ppl_status status) {
  switch (status) {
    case PPL_OK: return "ok";
    case PPL_ERR_ARGUMENT: return "argument";
    case PPL_ERR_STATE: return "state";
    case PPL_ERR_IO: return "io";
    case PPL_ERR_PROGRAM: return "program";
    case PPL_ERR_CLAIM: return "claim";
    case PPL_ERR_EVAL: return "eval";
    case PPL_ERR_NOT_FOUND: return "not_found";
    case PPL_ERR_TYPE: return "type";
    case PPL_ERR_NO_MEMORY: return "no_memory";
    case PPL_ERR_INTERNAL: return "internal";
  }
  return "unknown";
}

const char* ppl_verdict_name(ppl_verdict verdict) {
  switch (verdict) {
    case PPL_VERDICT_NOT_APPLICABLE:
    case PPL_VERDICT_APPROVE:
    case PPL_VERDICT_PEND:
    case PPL_VERDICT_DENY: return ppl::verdictName(static_cast<ppl::Verdict>(verdict));
  }
  return "?";
}

const char* ppl_action_name(ppl_action action) {
  switch (action) {
    case PPL_ACTION_DENY:
    case PPL_ACTION_PEND: return ppl::actionName(static_cast<ppl::Action>(action));
  }
  return "?";
}

const char* ppl_group_name(ppl_group group) {
  switch (group) {
    case PPL_GROUP_CO:
    case PPL_GROUP_PR:
    case PPL_GROUP_OA: return ppl::groupName(static_cast<ppl::AdjustmentGroup>(group));
  }
  return "?";
}

// ---- programs ----

static ppl_status checkLoadArgs(const ppl_load_options* options, ppl_program** out, char* error, size_t errorSize) {
  if (out == nullptr) {
    writeError(error, errorSize, "`out` is NULL");
    return PPL_ERR_ARGUMENT;
  }
  *out = nullptr;
  if (options != nullptr && options->size != sizeof(ppl_load_options)) {
    writeError(error, errorSize,
               "ppl_load_options.size is " + std::to_string(options->size) + ", expected " +
                   std::to_string(sizeof(ppl_load_options)) + ": initialise it with PPL_LOAD_OPTIONS_INIT");
    return PPL_ERR_ARGUMENT;
  }
  return PPL_OK;
}

ppl_status ppl_program_load(const void* data, size_t size, const ppl_load_options* options, ppl_program** out,
                            char* error, size_t error_size) {
  return guarded([&] {
    if (ppl_status s = checkLoadArgs(options, out, error, error_size); s != PPL_OK) return s;
    if (data == nullptr || size == 0) {
      writeError(error, error_size, data == nullptr ? "`data` is NULL" : "`size` is 0: an empty input is no policy pack");
      return PPL_ERR_ARGUMENT;
    }
    return finishLoad(std::string_view(static_cast<const char*>(data), size), options, out, error, error_size);
  });
}

ppl_status ppl_program_load_file(const char* path, const ppl_load_options* options, ppl_program** out, char* error,
                                 size_t error_size) {
  return guarded([&] {
    if (ppl_status s = checkLoadArgs(options, out, error, error_size); s != PPL_OK) return s;
    if (path == nullptr) {
      writeError(error, error_size, "`path` is NULL");
      return PPL_ERR_ARGUMENT;
    }
    const size_t limit = options && options->max_bytes ? options->max_bytes : PPL_DEFAULT_MAX_PROGRAM_BYTES;
    std::string bytes;
    std::string message;
    if (!readWholeFile(path, limit, bytes, message)) {
      writeError(error, error_size, std::string(path) + ": cannot read: " + message);
      return PPL_ERR_IO;
    }
    ppl_status s = finishLoad(bytes, options, out, error, error_size);
    if (s != PPL_OK && error != nullptr && error_size > 0) {
      // Name the file, as pplc does: "pack.pplb: not a valid compiled policy pack: ...".
      std::string named = std::string(path) + ": " + error;
      writeError(error, error_size, named);
    }
    return s;
  });
}

void ppl_program_free(ppl_program* program) {
  if (program == nullptr) return;
  if (program->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete program;
}

ppl_status ppl_program_policy_count(const ppl_program* program, size_t* count) {
  if (program == nullptr || count == nullptr) return PPL_ERR_ARGUMENT;
  *count = program->program.policies.size();
  return PPL_OK;
}

ppl_status ppl_program_policy(const ppl_program* program, size_t index, const char** id, const char** version) {
  if (program == nullptr || index >= program->program.policies.size()) return PPL_ERR_ARGUMENT;
  const ppl::PolicyInfo& policy = program->program.policies[index];
  if (id) *id = policy.id.c_str();
  if (version) *version = policy.version.c_str();
  return PPL_OK;
}

ppl_status ppl_program_format(const ppl_program* program, uint32_t* format_version, uint64_t* checksum) {
  if (program == nullptr) return PPL_ERR_ARGUMENT;
  if (format_version) *format_version = program->formatVersion;
  if (checksum) *checksum = program->checksum;
  return PPL_OK;
}

ppl_status ppl_program_schema(const ppl_program* program, const char** name, const char** version) {
  if (program == nullptr) return PPL_ERR_ARGUMENT;
  if (name) *name = program->program.schema.name.c_str();
  if (version) *version = program->program.schema.version.c_str();
  return PPL_OK;
}

// ---- evaluators ----

ppl_status ppl_evaluator_new(const ppl_program* program, ppl_evaluator** out) {
  return ppl_evaluator_new_with(program, nullptr, out);
}

ppl_status ppl_evaluator_new_with(const ppl_program* program, const ppl_evaluator_options* options,
                                  ppl_evaluator** out) {
  if (out != nullptr) *out = nullptr;
  if (program == nullptr || out == nullptr) return PPL_ERR_ARGUMENT;
  if (options != nullptr && options->size != sizeof(ppl_evaluator_options)) return PPL_ERR_ARGUMENT;
  const size_t maxClaim =
      options != nullptr && options->max_claim_bytes != 0 ? options->max_claim_bytes : PPL_DEFAULT_MAX_CLAIM_BYTES;
  return guarded([&] {
    auto ev = std::make_unique<ppl_evaluator>(program, maxClaim);
    program->refs.fetch_add(1, std::memory_order_relaxed);
    *out = ev.release();
    return PPL_OK;
  });
}

void ppl_evaluator_free(ppl_evaluator* evaluator) {
  if (evaluator == nullptr) return;
  const ppl_program* program = evaluator->owner;
  delete evaluator;
  ppl_program_free(const_cast<ppl_program*>(program));
}

ppl_status ppl_decide_json(ppl_evaluator* evaluator, const char* json, size_t size, const ppl_decision** decision) {
  if (evaluator == nullptr) return PPL_ERR_ARGUMENT;
  ppl_evaluator* ev = evaluator;
  return guarded([&] {
    // Misuse first: it must leave the last decision and a claim being built as they were. An
    // empty claim is no misuse but bad input (an empty request body), which the loader names.
    if (json == nullptr) return failWith(ev, PPL_ERR_ARGUMENT, "`json` is NULL");
    forgetDecision(ev);
    ev->builder.abandon();
    // Checked before the loader copies or parses anything: its buffers keep the size of the
    // largest claim they have read, so this bounds what the evaluator keeps.
    if (size > ev->maxClaimBytes) {
      return failWith(ev, PPL_ERR_CLAIM,
                      "the claim is " + std::to_string(size) + " bytes, more than the limit of " +
                          std::to_string(ev->maxClaimBytes) + " (ppl_evaluator_options.max_claim_bytes)");
    }
    ppl::ClaimError error;
    const ppl_status s = ev->loader.load(std::string_view(json, size), ev->facts, error)
                             ? decideFacts(ev, decision)
                             : failWith(ev, PPL_ERR_CLAIM, error.message, error.path);
    if (s != PPL_OK) {
      // A rejected claim has no decision to ask for its id; the engine routes it by this one.
      try {
        ev->hasErrorClaimId = ev->loader.lastClaimId(ev->errorClaimId);
      } catch (...) {
        ev->hasErrorClaimId = false;
      }
    }
    return s;
  });
}

ppl_status ppl_evaluator_error(const ppl_evaluator* evaluator, const char** message, const char** path) {
  if (evaluator == nullptr) return PPL_ERR_ARGUMENT;
  if (message) *message = evaluator->errorMessage.c_str();
  if (path) *path = evaluator->errorPath.c_str();
  return PPL_OK;
}

ppl_status ppl_evaluator_trim(ppl_evaluator* evaluator) {
  if (evaluator == nullptr) return PPL_ERR_ARGUMENT;
  ppl_evaluator* ev = evaluator;
  return guarded([&] {
    ppl::ClaimLoader fresh(ev->owner->program.schema);  // first: if it fails, nothing has changed
    forgetDecision(ev);
    ev->builder.trim();
    ev->loader = std::move(fresh);
    ev->facts = ppl::Facts();
    ev->decision = ppl::Decision();
    std::string().swap(ev->json);
    std::string().swap(ev->text);
    std::string().swap(ev->errorMessage);
    std::string().swap(ev->errorPath);
    std::string().swap(ev->errorClaimId);
    std::vector<ppl_evaluator::TextRef>().swap(ev->hcpcs);
    std::vector<ppl_evaluator::TextRef>().swap(ev->messages);
    std::vector<ppl_evaluator::TextRef>().swap(ev->percents);
    return PPL_OK;
  });
}

ppl_status ppl_evaluator_error_claim_id(const ppl_evaluator* evaluator, const char** claim_id, size_t* size) {
  if (evaluator == nullptr || claim_id == nullptr) return PPL_ERR_ARGUMENT;
  const bool has = evaluator->hasErrorClaimId;
  *claim_id = has ? evaluator->errorClaimId.c_str() : nullptr;
  if (size) *size = has ? evaluator->errorClaimId.size() : 0;
  return PPL_OK;
}

ppl_status ppl_evaluator_decision(const ppl_evaluator* evaluator, const ppl_decision** decision) {
  if (evaluator == nullptr || decision == nullptr) return PPL_ERR_ARGUMENT;
  if (!evaluator->hasDecision) return PPL_ERR_STATE;
  *decision = &evaluator->view;
  return PPL_OK;
}

// ---- decisions ----

ppl_status ppl_decision_verdict(const ppl_decision* decision, ppl_verdict* verdict) {
  if (verdict == nullptr) return PPL_ERR_ARGUMENT;
  if (ppl_status s = decisionCheck(decision); s != PPL_OK) return s;
  *verdict = static_cast<ppl_verdict>(decision->evaluator->decision.verdict);
  return PPL_OK;
}

ppl_status ppl_decision_claim_id(const ppl_decision* decision, const char** claim_id, size_t* size) {
  if (claim_id == nullptr) return PPL_ERR_ARGUMENT;
  return guarded([&] {
    if (ppl_status s = decisionCheck(decision); s != PPL_OK) return s;
    ppl_evaluator* ev = decision->evaluator;
    buildText(ev);
    *claim_id = textOf(ev, ev->claimId);
    if (size) *size = ev->claimId.size;
    return PPL_OK;
  });
}

ppl_status ppl_decision_policy(const ppl_decision* decision, const char** id, const char** version) {
  if (id == nullptr && version == nullptr) return PPL_ERR_ARGUMENT;
  if (ppl_status s = decisionCheck(decision); s != PPL_OK) return s;
  const ppl::PolicyInfo* policy = policyOf(decision->evaluator);
  if (id) *id = policy ? policy->id.c_str() : nullptr;
  if (version) *version = policy ? policy->version.c_str() : nullptr;
  return PPL_OK;
}

ppl_status ppl_decision_line_count(const ppl_decision* decision, size_t* count) {
  if (count == nullptr) return PPL_ERR_ARGUMENT;
  if (ppl_status s = decisionCheck(decision); s != PPL_OK) return s;
  *count = lineCount(decision->evaluator);
  return PPL_OK;
}

ppl_status ppl_line_number(const ppl_decision* decision, size_t line, int64_t* line_number) {
  if (line_number == nullptr) return PPL_ERR_ARGUMENT;
  if (ppl_status s = decisionCheck(decision); s != PPL_OK) return s;
  const ppl_evaluator* ev = decision->evaluator;
  if (line >= lineCount(ev)) return PPL_ERR_ARGUMENT;
  const ppl::Value& v = ev->facts.field(lineBase(ev, line), ev->owner->program.layout.lineNumberSlot);
  if (v.absent) return PPL_ERR_NOT_FOUND;
  *line_number = v.i;
  return PPL_OK;
}

ppl_status ppl_line_hcpcs(const ppl_decision* decision, size_t line, const char** hcpcs, size_t* size) {
  if (hcpcs == nullptr) return PPL_ERR_ARGUMENT;
  return guarded([&] {
    if (ppl_status s = decisionCheck(decision); s != PPL_OK) return s;
    ppl_evaluator* ev = decision->evaluator;
    if (line >= lineCount(ev)) return PPL_ERR_ARGUMENT;
    buildText(ev);
    *hcpcs = textOf(ev, ev->hcpcs[line]);
    if (size) *size = ev->hcpcs[line].size;
    return PPL_OK;
  });
}

ppl_status ppl_line_verdict(const ppl_decision* decision, size_t line, ppl_verdict* verdict) {
  if (verdict == nullptr) return PPL_ERR_ARGUMENT;
  if (ppl_status s = decisionCheck(decision); s != PPL_OK) return s;
  const ppl_evaluator* ev = decision->evaluator;
  if (line >= lineCount(ev)) return PPL_ERR_ARGUMENT;
  *verdict = static_cast<ppl_verdict>(ev->decision.lines[line].verdict);
  return PPL_OK;
}

ppl_status ppl_line_reason_count(const ppl_decision* decision, size_t line, size_t* count) {
  if (count == nullptr) return PPL_ERR_ARGUMENT;
  if (ppl_status s = decisionCheck(decision); s != PPL_OK) return s;
  const ppl_evaluator* ev = decision->evaluator;
  if (line >= lineCount(ev)) return PPL_ERR_ARGUMENT;
  *count = policyOf(ev) ? ev->decision.lines[line].reasonCount : 0;
  return PPL_OK;
}

ppl_status ppl_reason_rule(const ppl_decision* decision, size_t line, size_t reason, const char** rule) {
  if (rule == nullptr) return PPL_ERR_ARGUMENT;
  return withReason(decision, line, reason, [&](ppl_evaluator* ev, size_t i) {
    *rule = ruleOf(ev, ev->decision.reasons[i].rule).id.c_str();
    return PPL_OK;
  });
}

ppl_status ppl_reason_action(const ppl_decision* decision, size_t line, size_t reason, ppl_action* action) {
  if (action == nullptr) return PPL_ERR_ARGUMENT;
  return withReason(decision, line, reason, [&](ppl_evaluator* ev, size_t i) {
    const ppl::Reason& r = ev->decision.reasons[i];
    *action = static_cast<ppl_action>(ruleOf(ev, r.rule).outcomes[r.outcome].action);
    return PPL_OK;
  });
}

ppl_status ppl_reason_group(const ppl_decision* decision, size_t line, size_t reason, ppl_group* group) {
  if (group == nullptr) return PPL_ERR_ARGUMENT;
  return withReason(decision, line, reason, [&](ppl_evaluator* ev, size_t i) {
    *group = static_cast<ppl_group>(ev->decision.reasons[i].group);
    return PPL_OK;
  });
}

ppl_status ppl_reason_carc(const ppl_decision* decision, size_t line, size_t reason, const char** carc) {
  if (carc == nullptr) return PPL_ERR_ARGUMENT;
  return withReason(decision, line, reason, [&](ppl_evaluator* ev, size_t i) {
    const ppl::Reason& r = ev->decision.reasons[i];
    *carc = ruleOf(ev, r.rule).outcomes[r.outcome].carc.c_str();
    return PPL_OK;
  });
}

ppl_status ppl_reason_rarc_count(const ppl_decision* decision, size_t line, size_t reason, size_t* count) {
  if (count == nullptr) return PPL_ERR_ARGUMENT;
  return withReason(decision, line, reason, [&](ppl_evaluator* ev, size_t i) {
    const ppl::Reason& r = ev->decision.reasons[i];
    *count = ruleOf(ev, r.rule).outcomes[r.outcome].rarcs.size();
    return PPL_OK;
  });
}

ppl_status ppl_reason_rarc(const ppl_decision* decision, size_t line, size_t reason, size_t index, const char** rarc) {
  if (rarc == nullptr) return PPL_ERR_ARGUMENT;
  return withReason(decision, line, reason, [&](ppl_evaluator* ev, size_t i) {
    const ppl::Reason& r = ev->decision.reasons[i];
    const std::vector<std::string>& rarcs = ruleOf(ev, r.rule).outcomes[r.outcome].rarcs;
    if (index >= rarcs.size()) return PPL_ERR_ARGUMENT;
    *rarc = rarcs[index].c_str();
    return PPL_OK;
  });
}

ppl_status ppl_reason_message(const ppl_decision* decision, size_t line, size_t reason, const char** message,
                              size_t* size) {
  if (message == nullptr) return PPL_ERR_ARGUMENT;
  return withReason(decision, line, reason, [&](ppl_evaluator* ev, size_t i) {
    buildText(ev);
    *message = textOf(ev, ev->messages[i]);
    if (size) *size = ev->messages[i].size;
    return PPL_OK;
  });
}

ppl_status ppl_line_adjustment_count(const ppl_decision* decision, size_t line, size_t* count) {
  if (count == nullptr) return PPL_ERR_ARGUMENT;
  if (ppl_status s = decisionCheck(decision); s != PPL_OK) return s;
  const ppl_evaluator* ev = decision->evaluator;
  if (line >= lineCount(ev)) return PPL_ERR_ARGUMENT;
  *count = policyOf(ev) ? ev->decision.lines[line].adjustmentCount : 0;
  return PPL_OK;
}

ppl_status ppl_adjustment_rule(const ppl_decision* decision, size_t line, size_t adjustment, const char** rule) {
  if (rule == nullptr) return PPL_ERR_ARGUMENT;
  return withAdjustment(decision, line, adjustment, [&](ppl_evaluator* ev, size_t i) {
    *rule = ruleOf(ev, ev->decision.adjustments[i].rule).id.c_str();
    return PPL_OK;
  });
}

ppl_status ppl_adjustment_group(const ppl_decision* decision, size_t line, size_t adjustment, ppl_group* group) {
  if (group == nullptr) return PPL_ERR_ARGUMENT;
  return withAdjustment(decision, line, adjustment, [&](ppl_evaluator* ev, size_t i) {
    const ppl::Adjustment& a = ev->decision.adjustments[i];
    *group = static_cast<ppl_group>(ruleOf(ev, a.rule).adjustments[a.adjustment].group);
    return PPL_OK;
  });
}

ppl_status ppl_adjustment_carc(const ppl_decision* decision, size_t line, size_t adjustment, const char** carc) {
  if (carc == nullptr) return PPL_ERR_ARGUMENT;
  return withAdjustment(decision, line, adjustment, [&](ppl_evaluator* ev, size_t i) {
    const ppl::Adjustment& a = ev->decision.adjustments[i];
    *carc = ruleOf(ev, a.rule).adjustments[a.adjustment].carc.c_str();
    return PPL_OK;
  });
}

ppl_status ppl_adjustment_percent(const ppl_decision* decision, size_t line, size_t adjustment, const char** percent) {
  if (percent == nullptr) return PPL_ERR_ARGUMENT;
  return withAdjustment(decision, line, adjustment, [&](ppl_evaluator* ev, size_t i) {
    buildText(ev);
    *percent = textOf(ev, ev->percents[i]);
    return PPL_OK;
  });
}

ppl_status ppl_decision_json(const ppl_decision* decision, unsigned flags, const char** json, size_t* size) {
  if (json == nullptr || (flags & ~PPL_JSON_PRETTY) != 0) return PPL_ERR_ARGUMENT;
  return guarded([&] {
    if (ppl_status s = decisionCheck(decision); s != PPL_OK) return s;
    ppl_evaluator* ev = decision->evaluator;
    ev->json.clear();
    if ((flags & PPL_JSON_PRETTY) != 0) {
      ppl::writeDecisionJson(ev->owner->program, ev->facts, ev->decision, true, ev->json);
    } else {
      ev->owner->jsonWriter->write(ev->facts, ev->decision, ev->json);
    }
    *json = ev->json.c_str();
    if (size) *size = ev->json.size();
    return PPL_OK;
  });
}

// ---- the claim builder ----

ppl_status ppl_field_handle(const ppl_program* program, const char* path, ppl_field* field) {
  if (field != nullptr) *field = PPL_FIELD_NONE;
  if (program == nullptr || path == nullptr || field == nullptr) return PPL_ERR_ARGUMENT;
  const ppl::Schema& schema = program->program.schema;
  std::string_view rest(path);
  uint32_t record = schema.root;
  for (;;) {
    const size_t dot = rest.find('.');
    const std::string_view name = rest.substr(0, dot);
    const int k = schema.records[record].findField(name);
    if (k < 0) return PPL_ERR_NOT_FOUND;
    if (dot == std::string_view::npos) {
      *field = program->fieldBase[record] + static_cast<uint32_t>(k) + 1;
      return PPL_OK;
    }
    const ppl::FieldType& type = schema.records[record].fields[static_cast<size_t>(k)].type;
    const bool holdsRecords = type.kind == ppl::ValueKind::kRecord ||
                              (type.kind == ppl::ValueKind::kList && type.elemKind == ppl::ValueKind::kRecord);
    if (!holdsRecords) return PPL_ERR_NOT_FOUND;
    record = type.record;
    rest.remove_prefix(dot + 1);
  }
}

ppl_status ppl_field_type(const ppl_program* program, ppl_field field, ppl_type* type, ppl_type* element) {
  if (program == nullptr || type == nullptr || field == PPL_FIELD_NONE || field > program->fields.size()) {
    return PPL_ERR_ARGUMENT;
  }
  const ppl_program::FieldRef ref = program->fields[field - 1];
  const ppl::FieldType& t = program->program.schema.records[ref.record].fields[ref.field].type;
  *type = typeOf(t.kind);
  if (element) *element = t.kind == ppl::ValueKind::kList ? typeOf(t.elemKind) : *type;
  return PPL_OK;
}

ppl_status ppl_claim_begin(ppl_evaluator* evaluator, ppl_record* root) {
  if (evaluator == nullptr || root == nullptr) return PPL_ERR_ARGUMENT;
  return guarded([&] {
    forgetDecision(evaluator);
    *root = evaluator->builder.begin(evaluator->facts);
    return PPL_OK;
  });
}

ppl_status ppl_set_string(ppl_evaluator* evaluator, ppl_record record, ppl_field field, const char* value,
                          size_t size) {
  if (evaluator && value == nullptr && size > 0) return misuse(evaluator, "`value` is NULL");
  return setValue(evaluator, record, field, stringValue(value ? value : "", size));
}

ppl_status ppl_set_int(ppl_evaluator* evaluator, ppl_record record, ppl_field field, int64_t value) {
  return setValue(evaluator, record, field, intValue(value));
}

ppl_status ppl_set_bool(ppl_evaluator* evaluator, ppl_record record, ppl_field field, int value) {
  return setValue(evaluator, record, field, boolValue(value));
}

ppl_status ppl_set_decimal(ppl_evaluator* evaluator, ppl_record record, ppl_field field, const char* text,
                           size_t size) {
  if (evaluator && (text == nullptr || size == 0)) {
    return misuse(evaluator, text == nullptr ? "`text` is NULL" : "`size` is 0: a decimal needs its digits");
  }
  return setValue(evaluator, record, field, decimalValue(text, size));
}

ppl_status ppl_set_decimal_scaled(ppl_evaluator* evaluator, ppl_record record, ppl_field field, int64_t coefficient,
                                  uint32_t scale) {
  if (evaluator == nullptr) return PPL_ERR_ARGUMENT;
  if (scale > PPL_MAX_DECIMAL_SCALE) {
    return misuse(evaluator, "`scale` is more than 30 (PPL_MAX_DECIMAL_SCALE); a claim's numbers take at most 6 "
                             "digits after the point");
  }
  // coefficient * 10^-scale as exact text: "-0.00825" for (-825, 5). No allocation.
  char digits[24];
  const int n = std::snprintf(digits, sizeof digits, "%llu",
                              coefficient < 0 ? 0ULL - static_cast<unsigned long long>(coefficient)
                                              : static_cast<unsigned long long>(coefficient));
  char text[64];
  size_t len = 0;
  if (coefficient < 0) text[len++] = '-';
  const int intDigits = n - static_cast<int>(scale);
  if (intDigits <= 0) {
    text[len++] = '0';
    if (scale > 0) {
      text[len++] = '.';
      for (int i = intDigits; i < 0; ++i) text[len++] = '0';
      std::memcpy(text + len, digits, static_cast<size_t>(n));
      len += static_cast<size_t>(n);
    }
  } else {
    std::memcpy(text + len, digits, static_cast<size_t>(intDigits));
    len += static_cast<size_t>(intDigits);
    if (scale > 0) {
      text[len++] = '.';
      std::memcpy(text + len, digits + intDigits, scale);
      len += scale;
    }
  }
  return setValue(evaluator, record, field, decimalValue(text, len));
}

ppl_status ppl_set_date(ppl_evaluator* evaluator, ppl_record record, ppl_field field, int year, int month, int day) {
  return setValue(evaluator, record, field, dateValue(year, month, day));
}

ppl_status ppl_set_record(ppl_evaluator* evaluator, ppl_record record, ppl_field field, ppl_record* child) {
  if (evaluator == nullptr) return PPL_ERR_ARGUMENT;
  if (child == nullptr) return misuse(evaluator, "`child` is NULL");
  return guarded([&] {
    uint32_t type = 0, index = 0;
    if (!fieldOf(evaluator, field, type, index)) return badField(evaluator);
    return fromBuild(evaluator, evaluator->builder.setRecord(record, type, index, *child));
  });
}

ppl_status ppl_list_begin(ppl_evaluator* evaluator, ppl_record record, ppl_field field) {
  if (evaluator == nullptr) return PPL_ERR_ARGUMENT;
  return guarded([&] {
    uint32_t type = 0, index = 0;
    if (!fieldOf(evaluator, field, type, index)) return badField(evaluator);
    return fromBuild(evaluator, evaluator->builder.listBegin(record, type, index));
  });
}

ppl_status ppl_list_append_record(ppl_evaluator* evaluator, ppl_record* element) {
  if (evaluator == nullptr) return PPL_ERR_ARGUMENT;
  if (element == nullptr) return misuse(evaluator, "`element` is NULL");
  return guarded([&] { return fromBuild(evaluator, evaluator->builder.appendRecord(*element)); });
}

ppl_status ppl_list_append_string(ppl_evaluator* evaluator, const char* value, size_t size) {
  if (evaluator && value == nullptr && size > 0) return misuse(evaluator, "`value` is NULL");
  return appendValue(evaluator, stringValue(value ? value : "", size));
}

ppl_status ppl_list_append_int(ppl_evaluator* evaluator, int64_t value) {
  return appendValue(evaluator, intValue(value));
}

ppl_status ppl_list_append_bool(ppl_evaluator* evaluator, int value) {
  return appendValue(evaluator, boolValue(value));
}

ppl_status ppl_list_append_decimal(ppl_evaluator* evaluator, const char* text, size_t size) {
  if (evaluator && (text == nullptr || size == 0)) {
    return misuse(evaluator, text == nullptr ? "`text` is NULL" : "`size` is 0: a decimal needs its digits");
  }
  return appendValue(evaluator, decimalValue(text, size));
}

ppl_status ppl_list_append_date(ppl_evaluator* evaluator, int year, int month, int day) {
  return appendValue(evaluator, dateValue(year, month, day));
}

ppl_status ppl_list_end(ppl_evaluator* evaluator) {
  if (evaluator == nullptr) return PPL_ERR_ARGUMENT;
  return guarded([&] { return fromBuild(evaluator, evaluator->builder.listEnd()); });
}

ppl_status ppl_claim_decide(ppl_evaluator* evaluator, const ppl_decision** decision) {
  if (evaluator == nullptr) return PPL_ERR_ARGUMENT;
  return guarded([&] {
    if (ppl_status s = fromBuild(evaluator, evaluator->builder.finish()); s != PPL_OK) return s;
    clearError(evaluator);
    return decideFacts(evaluator, decision);
  });
}

}  // extern "C"
