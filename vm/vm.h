// The interpreter: decides claims by running a linked, verified Program's chunks.
//
// The Program is shared read-only between threads; an Evaluator holds the mutable state of one
// evaluation (registers, per-line phase and status), so use one Evaluator per thread. Every
// evaluation ends: chunks jump only forward except LOOP, and loops run over the claim's finite
// lists, so a decision takes time polynomial in the claim's size (of degree the depth of the
// policy's nested quantifiers), and kMaxElementVisits bounds the list elements it may visit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bytecode/bytecode.h"
#include "runtime/decision.h"
#include "runtime/facts.h"
#include "runtime/value.h"
#include "stdlib/functions.h"
#include "vm/string_key.h"

namespace ppl {

// A claim that could not be decided: arithmetic failed, the element budget ran out, or a rule
// read a decision that is not made yet. The text names the rule (class, or policy's governs
// test), the claim line and, when the program kept source positions, where in the policy:
// "decimal overflow in rule C-DOSE on claim line 1, at acme-commercial-j9027.ppl:49:30".
struct EvalError {
  std::string message;
};

// Decides claims with one linked and verified Program. Cheap to create; holds its own buffers
// (registers, per-line state), so one Evaluator per thread; the Program is shared read-only and
// must outlive the Evaluator.
class Evaluator {
 public:
  // The most list elements one decision's loops may visit, all loops together, by default; past
  // it decide() fails with a runtime error ("too much work"). Under the J9027 pack a claim of
  // 999 lines on 280 days visits ~2,010,000 (999 on one day ~9,000: same-day lines share rule
  // results; commercial-approve.json 27); a hostile claim of 999 lines and 999 failing
  // authorizations would visit 1,000,000,000 (25 s) and is stopped in ~0.4 s.
  static constexpr int64_t kMaxElementVisits = 20'000'000;

  explicit Evaluator(const Program& program);

  // Another budget than kMaxElementVisits for this evaluator's decisions (at least 0).
  void setElementVisitBudget(int64_t visits) { visitBudget_ = visits < 0 ? 0 : visits; }

  // Decides the claim in `facts` (filled by the claim loader by program.schema) into `out`,
  // replacing what it held. Returns false with `error` set on a runtime error; `out` is then
  // incomplete. Steady state (same program, similar claims) does not allocate: `out`'s vectors
  // and the Evaluator's own keep their capacity.
  bool decide(const Facts& facts, Decision& out, EvalError& error);

  // What one rule did on one governed line: for rule coverage (`pplc test --coverage`).
  enum class RuleOutcome : uint8_t { kSkipped, kPassed, kFailed };
  struct RuleTraceEntry {
    uint32_t line;  // index into the claim's lines
    uint32_t rule;  // index into the decided policy's rules
    RuleOutcome outcome;
  };
  // When set, decide() clears `trace` and appends an entry per rule and governed line, in the
  // order the rules were decided. Off (null) by default: then it costs one branch per rule.
  void setRuleTrace(std::vector<RuleTraceEntry>* trace) { trace_ = trace; }

  // Dispatches (the interpreter loop's indirect jumps) by opcode since the Evaluator was made:
  // the unit the loop's cost is counted in. Counted only in a build with
  // -DPPL_COUNT_DISPATCHES=ON, for profiling (`ppl_bench --only vm` prints them), and zero
  // otherwise; instructions a handler runs without a dispatch (a branch taken by the comparison
  // before it, the ITERNEXT after a LOOP) are not counted.
  const uint64_t* dispatchCounts() const { return dispatchCounts_; }

 private:
  // How a chunk ended.
  enum class Exit : uint8_t { kFalse, kTrue, kPass, kFail, kSkip, kError };
  // What a failed chunk was, for the error message.
  enum class Context : uint8_t { kGoverned, kClass, kRule };

  // Runs the chunk whose code starts at `code` on the line at lineBase. A predicate chunk
  // (governed, a class) returns its RETBOOL's value, except the governed chunk in decide()'s
  // step b, which goes through every line (governedRun_) and returns kTrue when done. A rule
  // chunk is rule ruleRun_.index of the line's rules: each rule's end (FAIL, PASS, SKIP) stores
  // and traces its exit and goes straight on to the next rule that must run, so run() is
  // entered once a line, not once a rule. It returns kPass when the line's rules are done,
  // kError (ruleRun_.index names the rule) when one failed.
  Exit run(const Instr* code, uint32_t lineBase);
  bool decideLine(const PolicyInfo& policy, uint32_t lineIndex, EvalError& error);

  int findPolicy() const;
  // The error of a run that failed on the line at lineBase, in `chunk` (`name`: the rule's id,
  // the class's name, or for the governs test the policy's), with the source position of the
  // instruction that failed when the chunk kept them.
  void setError(EvalError& error, Context context, const std::string& name, uint32_t chunk,
                uint32_t lineBase) const;

  const Program& program_;

  // Reusing a rule's result on a later line of the same claim. A rule chunk whose only use of
  // the line is reading a few of its fields (typically `dos`, the service date), and which
  // neither reads decisions nor adjusts payment, ends the same way with the same message
  // arguments on every line where those fields are equal: facts do not change during decide()
  // and every register is written before it is read. Which chunks qualify is found once, when
  // the Evaluator is made (reuseKeyOf in vm.cpp).
  static constexpr int kMaxReuseKeySlots = 4;
  struct ReuseKey {
    bool reusable = false;
    uint8_t slotCount = 0;
    uint16_t slots[kMaxReuseKeySlots] = {};  // line fields the chunk reads
  };
  std::vector<ReuseKey> chunkReuse_;  // by chunk
  static ReuseKey reuseKeyOf(const Chunk& chunk);
  bool sameKey(const ReuseKey& key, uint32_t lineA, uint32_t lineB) const;
  struct RuleResult {
    uint32_t claim = 0;     // the decide() call it belongs to (claim_ below); 0 = none
    uint32_t lineBase = 0;  // the line it was computed for
    Exit exit = Exit::kPass;
    Reason reason;          // when exit is kFail
  };
  std::vector<RuleResult> ruleResults_;  // by rule index, for the claim being decided
  uint32_t claim_ = 0;
  std::vector<RuleTraceEntry>* trace_ = nullptr;
  void traceRule(uint32_t lineIndex, uint32_t rule, Exit exit) {
    trace_->push_back({lineIndex, rule,
                       exit == Exit::kFail   ? RuleOutcome::kFailed
                       : exit == Exit::kPass ? RuleOutcome::kPassed
                                             : RuleOutcome::kSkipped});
  }

  // How a rule's results may be reused (RuleStep::reuse), as bits a line's RuleRun::store and
  // RuleRun::lookUp select: a rule whose key reads the policy's split slot (the line field most
  // of its reusable rules read, typically `service_date`) can only share a result between lines
  // that agree on that field, which decideLine finds once a line rather than once a rule.
  static constexpr uint8_t kReuseBySplit = 1;  // reusable, the key reads the split slot
  static constexpr uint8_t kReuseOther = 2;    // reusable, the key does not (or is empty)
  // A policy's rules as run() steps through them, made when the Evaluator is: rule r's code,
  // its chunk, how its results may be reused (0: never), and its leading LINE done ahead. Going
  // from rule to rule, run() enters the next at `start` after writing the line into
  // R[lineRegister] (R0 for a chunk without a leading LINE, which writes every register before
  // reading it); decideLine enters a line's first rule at `code`, so the shared line field is
  // loaded once a line.
  struct RuleStep {
    const Instr* code;
    // code + 2 when the policy shares its line field (sharesLineField: LINE, then that
    // LINEFIELD), code + 1 past a leading LINE, else code
    const Instr* start;
    uint32_t chunk;
    uint8_t reuse;         // 0, kReuseBySplit or kReuseOther
    uint8_t lineRegister;  // the leading LINE's register, else 0
  };
  std::vector<std::vector<RuleStep>> ruleSteps_;  // by policy
  struct PolicyReuse {
    uint32_t splitSlot = UINT32_MAX;  // UINT32_MAX: no rule's key reads a line field
    uint8_t modes = 0;                // the reuse bits of the policy's rules, or-ed
  };
  std::vector<PolicyReuse> policyReuse_;  // by policy
  PolicyReuse reuse_;                     // the claim's policy's; set by decide()
  // The line whose rules run() is going through; set by decideLine.
  struct RuleRun {
    const RuleStep* steps = nullptr;  // the policy's
    const RuleInfo* rules = nullptr;
    uint32_t count = 0;
    uint32_t index = 0;      // the rule running now
    uint32_t lineIndex = 0;  // for the trace
    uint32_t lineBase = 0;
    // Results are stored only while a later line may take them, and looked up only once an
    // earlier line of the claim may have stored them (a claim's first or only line skips both),
    // and for a rule keyed by the split slot only when such a line agrees on it: the reuse
    // bits of the rules whose results are stored, and looked up.
    uint8_t store = 0;
    uint8_t lookUp = 0;
    bool plain = false;  // neither, and no trace: the step from rule to rule takes its short path
  };
  RuleRun ruleRun_;
  uint32_t linesLeft_ = 0;     // governed lines of the claim not decided yet
  uint32_t linesDecided_ = 0;  // governed lines of the claim decided
  // If rule r may take the result it stored for an earlier line of this claim, takes it (adds
  // its reason and its trace entry) and returns true; otherwise the rule must run.
  bool takeStoredResult(uint32_t r);
  // What taking it adds to the decision: the stored reason, the trace entry. Out of line, since
  // a passed rule's result, the usual one, adds nothing.
  void addStoredResult(uint32_t r);

  // Decimal results kept per instruction. Decimal arithmetic is a pure function of the bits of
  // its operands, so a DIVD or `sqrt` CALL that meets the operands it met the last time it ran
  // (a claim's second dose line: C-DOSE's `ceil(25 * sqrt(h * w / 3600))` reads only the
  // patient) takes the result it computed then. Only successes are kept, so an error happens
  // again. Only those two: cheaper operations (MULD, ADDD, ceil) cost less than the memo's
  // compare and copy. Entries are mapped from the instruction's address; two sites that share
  // an entry just miss more often.
  struct DecimalMemo {
    const Instr* site = nullptr;  // the instruction whose result this is; null: none yet
    Decimal in[2];                // its operands (in[1] stays zero for a builtin's argument)
    Decimal out;
  };
  static constexpr size_t kMemoEntries = 64;
  DecimalMemo memo_[kMemoEntries];
  // The program's functions (CALL's operand b), resolved when the Evaluator is made: CALL
  // then makes one load instead of going through Program::functionIds and builtinAt().
  struct Function {
    BuiltinImpl impl;
    bool memoized;  // `sqrt`: its results go through the memo
  };
  std::vector<Function> functions_;
  // R[ins.a] := compute's result for operands b and c (c zero for a builtin's one argument),
  // from the memo entry when this instruction met them last time; compute(r) returns null or
  // the error's message. False with errorWhat_ set.
  template <class Compute>
  bool remembered(const Instr& ins, const Decimal& b, const Decimal& c, Compute compute);
  DecimalMemo& memoFor(const Instr& ins);

  // By constant index, for CONTAINSK and JFCONTAINSK; only string constants have one.
  std::vector<StringKey> stringKeys_;

  // What run() is given, one load each rather than a chain through program_.
  std::vector<const Instr*> chunkCode_;  // by chunk: its first instruction
  const Value* constants_ = nullptr;     // program_.constantValues.data()

  // Lines of business in policy order, flattened: the first match names the claim's policy.
  struct LobEntry {
    StrRef name;
    int32_t policy;
  };
  std::vector<LobEntry> lobs_;

  // Per evaluation: set by decide(), read by run().
  const Facts* facts_ = nullptr;
  const Value* slots_ = nullptr;  // facts_->slots.data(), facts_->elems.data(): one load in run()
  const Value* elems_ = nullptr;
  Decision* out_ = nullptr;
  ListRef lines_{0, 0};
  // Per claim line, one vector so decide() sizes and resets one buffer.
  struct LineState {
    uint32_t base;     // record base of the line
    uint32_t phase;    // phase of a governed line
    uint8_t governed;  // 1: the policy's governed predicate holds
    uint8_t decided;   // 1: out_->lines[i].verdict is final (DECISION may read it)
  };
  std::vector<LineState> lineState_;
  bool governedKnown_ = false;  // every line's `governed` is final (ISGOVERNED may read it)
  // Step b of decide(): run() takes the governed chunk through lines index .. count - 1, its
  // RETBOOL recording each line's answer (count 0: a predicate's RETBOOL returns its value).
  struct GovernedRun {
    uint32_t index = 0;
    uint32_t count = 0;
  };
  GovernedRun governedRun_;

  // List elements a decision may still visit (VM_CHARGE in vm.cpp). The loader's bounds (999
  // lines, 100,000 elements in any other list) keep each loop finite, not loops nested over
  // lines and authorizations (a 999-line, 999-authorization claim took 25 s). Reset by decide().
  int64_t visitBudget_ = kMaxElementVisits;
  int64_t visitsLeft_ = 0;

  // Set by run() when it returns Exit::kError.
  const char* errorWhat_ = nullptr;        // "decimal overflow", a builtin's message
  uint32_t errorReadLine_ = UINT32_MAX;    // DECISION of an undecided line: its index
  const Instr* errorInstr_ = nullptr;      // the instruction that failed

  // The registers, then copies of the first kMaxConstantOperands constants, so that a V operand
  // (opcodes.def) reads R[v] whether it names a register or a constant. Nothing writes the copies:
  // the verifier keeps every written operand below the chunk's register count.
  Value registers_[kMaxRegisters + kMaxConstantOperands];
  // In every build, so that the Evaluator's layout does not depend on the option: the embedding
  // library compiles ppl_c.cpp without ppl_vm's definitions, and a counting build's vm.cpp once
  // wrote past the Evaluator that code had allocated.
  uint64_t dispatchCounts_[static_cast<size_t>(Opcode::kCount)] = {};
};

}  // namespace ppl
