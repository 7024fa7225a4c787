// The interpreter loop and the decide algorithm (see vm.h and bytecode/opcodes.def).
//
// Invariants the loop relies on. The bytecode verifier establishes them before a Program reaches
// an Evaluator, so the loop checks none of them (a Program that was not verified is outside
// the contract):
//  - every opcode is below Opcode::kCount and every operand is in range: registers below the
//    chunk's registerCount (<= kMaxRegisters), V operands (opcodes.def) that name a constant
//    below kConstantOperandBase + kMaxConstantOperands (registers_ holds their copies), and
//    constants, sets, functions, outcomes, adjustments and jump targets inside their tables;
//    the loop does no bounds checks on operands;
//  - every register is written before it is read and holds the kind its reader expects
//    (records, lists, iterators, decimals...), or is absent. An absent value has a zeroed
//    payload (Value::none(); the claim loader writes absent facts the same way), which every
//    reader survives: 0, the decimal 0, an empty string, list or iterator, or record base 0
//    (FIELD propagates absence instead, and DECISION refuses a record that is not a line);
//  - a two-word instruction (a field test) is followed by its EXT extension word, whose operands
//    are checked like the instruction's; no jump lands on an extension word and none runs alone,
//    so a field test reads its extension word at pc and resumes after it;
//  - jumps go forward except LOOP, which goes back to the ITERNEXT or ITERNEXTG heading its
//    loop (the verifier proves which), nothing in
//    a loop writes its iterator, and every path ends in FAIL/PASS/SKIP (rule chunks) or RETBOOL(K)
//    (predicates): pc never leaves the code, and a chunk ends after at most the product of the
//    lengths of the lists its nested loops walk (decide() also bounds them all: VM_CHARGE);
//  - every chunk has one role: predicate chunks (governed, classes) end only in RETBOOL(K), rule
//    chunks only in FAIL/PASS/SKIP, so a rule's end in run() always belongs to the rule
//    ruleRun_.index names (run() goes from there to the line's next rule without returning);
//  - FAIL and ADJUST appear only in rule chunks, and capture exactly their message's argCount
//    (<= kMaxMessageArgs) arguments (a computed group register is only int-like: FAIL checks
//    that it holds CO, PR or OA);
//  - FIELD's slot (and that of every other field read: ROOTFIELD, LINEFIELD, ITERFIELD,
//    ITERROOTFIELD, the field tests) belongs to the record type d, ITERFIELD's and
//    ITERROOTFIELD's to a list field, and records come from the facts the loader filled by the
//    same schema, so base + slot lies inside Facts::slots.
// What the loop does check, since it depends on the claim: arithmetic (overflow, division by
// zero), builtin failures, the element budget (VM_CHARGE), a computed group that is not CO, PR
// or OA (FAIL), a lines iterator that does not hold the claim's lines (ITERNEXTG), a read of
// the decision of a line not decided yet (DECISION), and a read of a record that is not a line,
// or of a governed test before every line's has run (DECISION, ISGOVERNED, JGOVERNED,
// ITERNEXTG): the last ones only a hand-made program could ask.
//
// Hot state (pc, code, the registers' address) lives in locals of run(); the facts and constants
// are read through the Evaluator's members, set once per decide(). run() is entered once for
// the governed predicate of all the claim's lines (its RETBOOL(K) records a line's answer and
// starts on the next), once per class predicate and line, and once per line for all of the
// line's rules: a rule's FAIL/PASS/SKIP stores and traces its exit and jumps into the next
// rule's code (entering and leaving run() cost ~40 instructions). The per-line loop in decide()
// does not allocate once the vectors have grown to the claim's size.
//
// Codegen starts every rule chunk with LINE and the LINEFIELD of the line's date (`dos`), which
// no rule writes again (sharesLineField checks that): the first rule run() enters on a line runs
// that LINEFIELD, and the rules after it start after it (RuleStep::start), reading the date it
// left in its register. The step from rule to rule does no work for it.
//
// A rule that depends on its line only through a few fields (most rules read only `dos`) is run
// once per claim and distinct values of those fields; later lines reuse its result (vm.h,
// "Reusing a rule's result"). On a claim with a dose and a waste line on the same day, that
// halves the work of the second line.
//
// A DIVD or `sqrt` CALL that meets the operand bits it met the last time it ran takes the result
// it computed then (vm.h, "Decimal results kept per instruction"): exact, since decimal
// arithmetic is a pure function of those bits, and only successes are kept.
#include "vm/vm.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstddef>
#include <cstring>
#include <functional>

#include "bytecode/instr_info.h"
#include "runtime/date.h"
#include "stdlib/functions.h"

// Dispatch: computed goto where the compiler has labels as values (one indirect jump per
// instruction, which branch predictors like), else a switch. -DPPL_COMPUTED_GOTO=0 forces the
// switch (portable builds, or to compare the two).
#ifndef PPL_COMPUTED_GOTO
#if defined(__GNUC__)
#define PPL_COMPUTED_GOTO 1
#else
#define PPL_COMPUTED_GOTO 0
#endif
#endif

namespace ppl {
namespace {

// The verdict names DECISION loads, indexed by Verdict: verdictName's static strings (the one
// table of names, which the checker's `l.decision = "..."` is checked against), so the StrRefs
// never dangle.
const std::array<StrRef, 4> kVerdictTexts = [] {
  std::array<StrRef, 4> texts{};
  for (Verdict v : {Verdict::kNotApplicable, Verdict::kApprove, Verdict::kPend, Verdict::kDeny}) {
    const char* name = verdictName(v);
    texts[static_cast<size_t>(v)] = StrRef{name, static_cast<uint32_t>(std::strlen(name))};
  }
  return texts;
}();

// Results are written member by member: the kind is static, so only the payload and the
// absent bit matter (a whole Value() would zero 32 bytes per instruction).
inline void setInt(Value& v, int64_t x) {
  v.i = x;
  v.absent = 0;
}
inline void setBool(Value& v, bool x) {
  v.i = x ? 1 : 0;
  v.absent = 0;
}
inline void setDecimal(Value& v, const Decimal& x) {
  v.d = x;
  v.absent = 0;
}
// An iterator at the start of `list` (ITERINIT and the fused loop starts).
inline void setIterator(Value& v, ListRef list) {
  v.iter = IterState{list.begin, list.count, 0};
  v.absent = 0;
}

const char* decimalError(DecimalStatus s) {
  switch (s) {
    case DecimalStatus::kOverflow: return "decimal overflow";
    case DecimalStatus::kDivisionByZero: return "division by zero";
    case DecimalStatus::kDomain: return "decimal domain error";
    case DecimalStatus::kOk: break;
  }
  return "decimal error";
}

constexpr const char* kIntegerOverflow = "integer overflow";
// setError() adds the budget, which setElementVisitBudget may have changed.
constexpr const char* kTooManyVisits =
    "too much work: the decision would visit more list elements than its budget";
constexpr const char* kDateOverflow = "date out of range";

// What a field of an absent record reads as (FIELD writes Value::none() then).
const Value kAbsentValue = Value::none();

bool listContainsOther(const Value* p, const Value* end, const Value& x, ValueKind kind) {
  if (kind == ValueKind::kDecimal) {
    for (; p != end; ++p) {
      if (!p->absent && compare(p->d, x.d) == 0) return true;
    }
    return false;
  }
  for (; p != end; ++p) {  // int-like kinds
    if (!p->absent && p->i == x.i) return true;
  }
  return false;
}

// Strings first: the lists policies search are mostly short lists of codes (modifiers, an
// authorization's HCPCS codes, diagnoses). Kept out of line: inlined into the CONTAINS and
// JFCONTAINS handlers it cost run() more than the call (callgrind, +100 instructions a decision).
[[gnu::noinline]] bool listContains(const Value* elems, ListRef list, const Value& x, ValueKind kind) {
  const Value* p = elems + list.begin;
  const Value* end = p + list.count;
  if (kind != ValueKind::kString) return listContainsOther(p, end, x, kind);
  return listHoldsText(p, end, x.s);
}


// The bytes that hold a Decimal's value: lo, hi and exp, in declaration order at offsets 0, 8
// and 16 of a standard-layout class; the rest is padding, which may hold anything.
static_assert(sizeof(Decimal) == 24, "Decimal is lo, hi, exp and padding");
constexpr size_t kDecimalValueBytes = 2 * sizeof(uint64_t) + sizeof(int32_t);
inline bool sameBits(const Decimal& x, const Decimal& y) { return std::memcmp(&x, &y, kDecimalValueBytes) == 0; }

bool inStringSet(const std::vector<StrRef>& set, StrRef s) {
  for (const StrRef& member : set) {
    if (member == s) return true;
  }
  return false;
}

// Whether some instruction other than the one at `self` names register r, read or written
// (bytecode/instr_info.h).
bool namesRegister(const Chunk& chunk, size_t self, uint32_t r) {
  for (size_t pc = 0; pc < chunk.code.size(); pc += wordsOf(chunk.code[pc].op)) {
    if (pc == self) continue;
    bool names = false;
    forEachRegister(chunk.code, pc, [&](uint32_t named) { names = names || named == r; });
    if (names) return true;
  }
  return false;
}

// Whether every rule chunk of `policy` begins with LINE and then the same LINEFIELD R[k] (k not
// the line's register), and no instruction after those two names R[k] as a register it writes:
// then R[k] holds that field of the line wherever a rule reads it, once any rule's second word
// has run on the line, and a rule entered after another on the same line may start after it.
bool sharesLineField(const Program& program, const PolicyInfo& policy) {
  if (policy.rules.empty()) return false;
  const Chunk& first = program.chunks[policy.rules.front().chunk];
  if (first.code.size() < 2 || first.code[0].op != Opcode::LINE || first.code[1].op != Opcode::LINEFIELD ||
      first.code[1].a == first.code[0].a) {
    return false;
  }
  const Instr load = first.code[1];
  for (const RuleInfo& rule : policy.rules) {
    const std::vector<Instr>& code = program.chunks[rule.chunk].code;
    if (code.size() < 2 || code[0].op != Opcode::LINE || code[0].a == load.a || code[1].op != Opcode::LINEFIELD ||
        code[1].a != load.a || code[1].c != load.c || code[1].d != load.d) {
      return false;
    }
    for (size_t pc = 2; pc < code.size(); pc += wordsOf(code[pc].op)) {
      bool writes = false;
      forEachWrite(code[pc], [&](uint32_t r) { writes = writes || r == load.a; });
      if (writes) return false;
    }
  }
  return true;
}

// The format version whose opcodes reuseKeyOf was written for: a rule using an opcode added later
// is not reused until reuseKeyOf considers it (does it read something that changes between
// lines, as DECISION does?).
constexpr uint16_t kReuseReviewedVersion = 6;

}  // namespace

Evaluator::ReuseKey Evaluator::reuseKeyOf(const Chunk& chunk) {
  // The registers LINE writes: the chunk's only handle on its line.
  bool lineRegister[kMaxRegisters] = {};
  for (const Instr& ins : chunk.code) {
    if (ins.op == Opcode::LINE) lineRegister[ins.a] = true;
  }
  auto isLine = [&](uint32_t r) { return r < kMaxRegisters && lineRegister[r]; };
  ReuseKey key;
  auto addSlot = [&](uint16_t slot) {
    for (uint8_t k = 0; k < key.slotCount; ++k) {
      if (key.slots[k] == slot) return true;
    }
    if (key.slotCount == kMaxReuseKeySlots) return false;
    key.slots[key.slotCount++] = slot;
    return true;
  };
  for (size_t pc = 0; pc < chunk.code.size(); ++pc) {
    const Instr& ins = chunk.code[pc];
    if (opcodeInfo(ins.op).version > kReuseReviewedVersion) return ReuseKey{};
    if (isTwoWord(ins.op)) {
      // A field test reads field c of R[a] (a line field joins the key, as for FIELD) and,
      // for some, the register x.b of its extension word (the verifier checked it is there).
      const Instr& x = chunk.code[pc + 1];
      ++pc;
      if (isLine(ins.a) && !addSlot(ins.c)) return ReuseKey{};
      const char xb = extensionOperandKinds(ins.op)[1];
      if ((xb == 'R' || xb == 'V') && isLine(x.b)) return ReuseKey{};
      continue;
    }
    bool touchesLine = false;  // names the line's register, read or written
    forEachRegister(chunk.code, pc, [&](uint32_t r) { touchesLine = touchesLine || isLine(r); });
    switch (ins.op) {
      case Opcode::LINE: continue;
      case Opcode::FIELD:  // reading a field of the line: that field joins the key
        if (isLine(ins.b) && !isLine(ins.a)) {
          if (!addSlot(ins.c)) return ReuseKey{};
          continue;
        }
        break;
      case Opcode::LINEFIELD:  // the same, without the line's register; unless nothing reads it
        if (isLine(ins.a)) return ReuseKey{};
        if (namesRegister(chunk, pc, ins.a) && !addSlot(ins.c)) return ReuseKey{};
        continue;
      case Opcode::ITERFIELD:  // a loop over a list field of the line: that field joins the key
        if (isLine(ins.b) && !isLine(ins.a)) {
          if (!addSlot(ins.c)) return ReuseKey{};
          continue;
        }
        break;
      // DECISION reads other lines' verdicts, which change between lines; ADJUST records more
      // than an exit.
      case Opcode::DECISION:
      case Opcode::ADJUST: return ReuseKey{};
      // The rest read registers and facts only. ISGOVERNED, JGOVERNED and ITERNEXTG read lines'
      // governed tests, fixed per claim; on the line's own register they touch the line.
      default: break;
    }
    if (touchesLine) return ReuseKey{};
  }
  key.reusable = true;
  return key;
}

// Equal bytes are equal values: the bytes compared hold all of any value. The converse may
// fail (a Decimal's padding bytes, say), and then a rule simply runs again.
inline bool sameBytes(const Value& a, const Value& b) {
  return a.absent == b.absent && std::memcmp(&a, &b, offsetof(Value, absent)) == 0;
}

inline bool Evaluator::sameKey(const ReuseKey& key, uint32_t lineA, uint32_t lineB) const {
  const Value* const slots = facts_->slots.data();
  for (uint8_t k = 0; k < key.slotCount; ++k) {
    if (!sameBytes(slots[lineA + key.slots[k]], slots[lineB + key.slots[k]])) return false;
  }
  return true;
}

Evaluator::Evaluator(const Program& program) : program_(program) {
  for (size_t p = 0; p < program.policies.size(); ++p) {
    for (const std::string& lob : program.policies[p].linesOfBusiness) {
      lobs_.push_back(LobEntry{StrRef{lob.data(), static_cast<uint32_t>(lob.size())}, static_cast<int32_t>(p)});
    }
  }
  chunkReuse_.reserve(program.chunks.size());
  for (const Chunk& chunk : program.chunks) {
    ReuseKey key = reuseKeyOf(chunk);
    // Line numbers are unique within a claim (the schema says so): a rule that reads one never
    // meets the same key twice, so storing its results would be wasted work.
    for (uint8_t k = 0; k < key.slotCount; ++k) key.reusable = key.reusable && key.slots[k] != program.layout.lineNumberSlot;
    chunkReuse_.push_back(key);
  }
  size_t maxRules = 0;
  for (const PolicyInfo& policy : program.policies) maxRules = std::max(maxRules, policy.rules.size());
  ruleResults_.resize(maxRules);

  const int sqrtBuiltin = findBuiltin("sqrt");
  for (const uint16_t id : program.functionIds) functions_.push_back(Function{builtinAt(id).impl, id == sqrtBuiltin});
  for (const Chunk& chunk : program.chunks) chunkCode_.push_back(chunk.code.data());
  for (const PolicyInfo& policy : program.policies) {
    // The split slot: the line field the most reusable rules' keys read.
    std::vector<uint32_t> readers;  // by slot
    for (const RuleInfo& rule : policy.rules) {
      const ReuseKey& key = chunkReuse_[rule.chunk];
      if (!key.reusable) continue;
      for (uint8_t k = 0; k < key.slotCount; ++k) {
        if (readers.size() <= key.slots[k]) readers.resize(key.slots[k] + 1u);
        ++readers[key.slots[k]];
      }
    }
    PolicyReuse& reuse = policyReuse_.emplace_back();
    for (uint32_t slot = 0; slot < readers.size(); ++slot) {
      if (readers[slot] > 0 && (reuse.splitSlot == UINT32_MAX || readers[slot] > readers[reuse.splitSlot])) {
        reuse.splitSlot = slot;
      }
    }
    std::vector<RuleStep>& steps = ruleSteps_.emplace_back();
    // A line field every rule loads first (codegen's `dos`): rules after the first on a line
    // start after that load, which the first one ran (run() enters a line at a rule's start).
    const bool shared = sharesLineField(program, policy);
    for (const RuleInfo& rule : policy.rules) {
      const Chunk& chunk = program.chunks[rule.chunk];
      const bool line = !chunk.code.empty() && chunk.code[0].op == Opcode::LINE;
      const ReuseKey& key = chunkReuse_[rule.chunk];
      uint8_t mode = 0;
      if (key.reusable) {
        mode = std::find(key.slots, key.slots + key.slotCount, reuse.splitSlot) != key.slots + key.slotCount
                   ? kReuseBySplit
                   : kReuseOther;
      }
      reuse.modes |= mode;
      steps.push_back(RuleStep{chunk.code.data(), chunk.code.data() + (shared ? 2 : line ? 1 : 0), rule.chunk, mode,
                               line ? chunk.code[0].a : uint8_t{0}});
    }
  }
  constants_ = program.constantValues.data();
  const size_t namedConstants = std::min<size_t>(program.constantValues.size(), kMaxConstantOperands);
  std::copy_n(program.constantValues.begin(), namedConstants, registers_ + kConstantOperandBase);
  stringKeys_.resize(program.constantValues.size());
  for (size_t k = 0; k < program.constants.size() && k < program.constantValues.size(); ++k) {
    if (program.constants[k].kind == ValueKind::kString) stringKeys_[k] = StringKey::of(program.constantValues[k].s);
  }
}

int Evaluator::findPolicy() const {
  const FactLayout& layout = program_.layout;
  const Value& payer = facts_->field(Facts::kRootBase, layout.payerSlot);
  if (payer.absent) return -1;
  const Value& lob = facts_->field(payer.rec, layout.lineOfBusinessSlot);
  if (lob.absent) return -1;
  for (const LobEntry& e : lobs_) {
    if (e.name == lob.s) return e.policy;
  }
  return -1;
}

void Evaluator::setError(EvalError& error, Context context, const std::string& name, uint32_t chunk,
                         uint32_t lineBase) const {
  const int64_t lineNumber = facts_->field(lineBase, program_.layout.lineNumberSlot).i;
  std::string where;  // what was running: `name` is the rule's id, the class's or the policy's name
  switch (context) {
    case Context::kGoverned: where = "the `governs` condition of policy " + name; break;
    case Context::kClass: where = "lines " + name; break;
    case Context::kRule: where = "rule " + name; break;
  }
  if (errorReadLine_ != UINT32_MAX) {
    const uint32_t otherBase = lineState_[errorReadLine_].base;
    const int64_t otherNumber = facts_->field(otherBase, program_.layout.lineNumberSlot).i;
    error.message = "in " + where + ", claim line " + std::to_string(lineNumber) + " reads the decision of claim line " +
                    std::to_string(otherNumber) + ", which is decided in the same or a later phase";
  } else {
    error.message = errorWhat_ ? errorWhat_ : "runtime error";
    if (errorWhat_ == kTooManyVisits) error.message += " of " + std::to_string(visitBudget_);
    error.message += " in " + where + " on claim line " + std::to_string(lineNumber);
  }
  // Where the policy says what failed, when the chunk kept its source positions.
  const Chunk& c = program_.chunks[chunk];
  const std::less<const Instr*> before;
  if (!before(errorInstr_, c.code.data()) && before(errorInstr_, c.code.data() + c.positions.size())) {
    const SourcePos& pos = c.positions[static_cast<size_t>(errorInstr_ - c.code.data())];
    if (pos.line != 0 && pos.file < program_.files.size()) {
      error.message += ", at " + program_.files[pos.file] + ":" + std::to_string(pos.line) + ":" +
                       std::to_string(pos.col);
    }
  }
}

bool Evaluator::decide(const Facts& facts, Decision& out, EvalError& error) {
  // out.clear(), except for the lines, which are reset below without first emptying them (the
  // vector's resize from zero was an out-of-line call on every claim).
  out.policy = -1;
  out.verdict = Verdict::kNotApplicable;
  out.reasons.clear();
  out.adjustments.clear();
  if (trace_ != nullptr) trace_->clear();
  if (++claim_ == 0) {  // wrapped: forget every stored result, which might carry the new number
    for (RuleResult& result : ruleResults_) result.claim = 0;
    claim_ = 1;
  }
  facts_ = &facts;
  slots_ = facts.slots.data();
  elems_ = facts.elems.data();
  out_ = &out;
  errorWhat_ = nullptr;
  errorReadLine_ = UINT32_MAX;
  visitsLeft_ = visitBudget_;

  const Value& linesValue = facts.field(Facts::kRootBase, program_.layout.linesSlot);
  lines_ = linesValue.absent ? ListRef{0, 0} : linesValue.list;
  const uint32_t n = lines_.count;
  if (n <= out.lines.size()) {
    out.lines.erase(out.lines.begin() + n, out.lines.end());
  } else {
    out.lines.resize(n);
  }
  std::fill(out.lines.begin(), out.lines.end(), LineDecision{});  // every line starts not_applicable

  // a. The policy, by line of business.
  const int policyIndex = findPolicy();
  out.policy = policyIndex;
  if (policyIndex < 0) return true;
  const PolicyInfo& policy = program_.policies[static_cast<size_t>(policyIndex)];
  ruleRun_.steps = ruleSteps_[static_cast<size_t>(policyIndex)].data();
  reuse_ = policyReuse_[static_cast<size_t>(policyIndex)];

  governedKnown_ = false;
  // Only grown, never shrunk: every use indexes below lines_.count, and resizing up after a
  // smaller claim was an out-of-line call.
  if (lineState_.size() < n) lineState_.resize(n);
  for (uint32_t i = 0; i < n; ++i) lineState_[i] = LineState{facts.element(lines_, i).rec, 0, 0, 0};

  // b. Governed lines; the others are decided (not_applicable) at once. One run() goes through
  // every line: the governed chunk's RETBOOL(K) records a line's answer and starts on the next.
  if (n > 0) {
    governedRun_ = GovernedRun{0, n};
    const Exit e = run(chunkCode_[policy.governedChunk], lineState_[0].base);
    const uint32_t failed = governedRun_.index;
    governedRun_ = GovernedRun{};
    if (e == Exit::kError) {
      setError(error, Context::kGoverned, policy.id, policy.governedChunk, lineState_[failed].base);
      return false;
    }
  }
  governedKnown_ = true;
  linesLeft_ = 0;
  linesDecided_ = 0;

  // c. Phases: the highest phase among the classes a line belongs to; and the governed lines
  // counted.
  for (uint32_t i = 0; i < n; ++i) {
    if (!lineState_[i].governed) continue;
    ++linesLeft_;
    for (const LineClass& cls : policy.phasedClasses) {
      const Exit e = run(chunkCode_[cls.chunk], lineState_[i].base);
      if (e == Exit::kError) {
        setError(error, Context::kClass, cls.name, cls.chunk, lineState_[i].base);
        return false;
      }
      if (e == Exit::kTrue) lineState_[i].phase = std::max(lineState_[i].phase, cls.phase);
    }
  }

  // d. Decide phase by phase, lines in input order within a phase. Phases may be sparse, so
  // step to the next phase some line has rather than counting up to the highest.
  uint32_t phase = 0;
  for (;;) {
    uint32_t next = UINT32_MAX;
    for (uint32_t i = 0; i < n; ++i) {
      if (!lineState_[i].governed || lineState_[i].decided) continue;
      if (lineState_[i].phase == phase) {
        if (!decideLine(policy, i, error)) return false;
      } else if (lineState_[i].phase > phase) {
        next = std::min(next, lineState_[i].phase);
      }
    }
    if (next == UINT32_MAX) break;
    phase = next;
  }
  // The claim's verdict is already made: decideLine keeps it the worst of the decided lines'
  // (the others are not_applicable).
  return true;
}

bool Evaluator::decideLine(const PolicyInfo& policy, uint32_t lineIndex, EvalError& error) {
  Decision& out = *out_;
  LineDecision& line = out.lines[lineIndex];
  const uint32_t base = lineState_[lineIndex].base;
  const uint32_t firstReason = static_cast<uint32_t>(out.reasons.size());
  const uint32_t firstAdjustment = static_cast<uint32_t>(out.adjustments.size());

  ruleRun_.rules = policy.rules.data();
  ruleRun_.count = static_cast<uint32_t>(policy.rules.size());
  ruleRun_.lineIndex = lineIndex;
  ruleRun_.lineBase = base;
  // A result is worth storing only while a later line may take it, and worth looking up only
  // once an earlier line may have stored it; for a rule keyed by the split slot, only when a
  // later (an earlier) governed line has the same value there, as sameKey compares it.
  --linesLeft_;
  uint8_t store = linesLeft_ > 0 ? kReuseOther : 0;
  uint8_t lookUp = linesDecided_ > 0 ? kReuseOther : 0;
  if ((store | lookUp) != 0 && reuse_.splitSlot != UINT32_MAX) {
    const Value& mine = slots_[base + reuse_.splitSlot];
    for (uint32_t j = 0; j < lines_.count; ++j) {
      const LineState& other = lineState_[j];
      if (j == lineIndex || !other.governed || !sameBytes(slots_[other.base + reuse_.splitSlot], mine)) continue;
      if (other.decided) {
        lookUp |= kReuseBySplit;
      } else {
        store |= kReuseBySplit;
      }
    }
  }
  ruleRun_.store = store & reuse_.modes;
  ruleRun_.lookUp = lookUp & reuse_.modes;
  ruleRun_.plain = ruleRun_.store == 0 && ruleRun_.lookUp == 0 && trace_ == nullptr;
  ++linesDecided_;
  uint32_t r = 0;
  while (r < ruleRun_.count && takeStoredResult(r)) ++r;
  if (r < ruleRun_.count) {
    ruleRun_.index = r;
    if (run(ruleRun_.steps[r].code, base) == Exit::kError) {
      const RuleInfo& failed = ruleRun_.rules[ruleRun_.index];
      setError(error, Context::kRule, failed.id, failed.chunk, base);
      return false;
    }
  }

  Verdict verdict = Verdict::kApprove;
  for (uint32_t k = firstReason; k < out.reasons.size(); ++k) {
    const Reason& reason = out.reasons[k];
    const Action action = policy.rules[reason.rule].outcomes[reason.outcome].action;
    if (action == Action::kDeny) {
      verdict = Verdict::kDeny;
      break;
    }
    verdict = Verdict::kPend;
  }
  // Adjustments change payment, which only an approved line has.
  if (verdict != Verdict::kApprove) {
    out.adjustments.erase(out.adjustments.begin() + firstAdjustment, out.adjustments.end());
  }

  line.verdict = verdict;
  out.verdict = worse(out.verdict, verdict);
  line.firstReason = firstReason;
  line.reasonCount = static_cast<uint32_t>(out.reasons.size()) - firstReason;
  line.firstAdjustment = firstAdjustment;
  line.adjustmentCount = static_cast<uint32_t>(out.adjustments.size()) - firstAdjustment;
  lineState_[lineIndex].decided = 1;
  return true;
}

inline bool Evaluator::takeStoredResult(uint32_t r) {
  if ((ruleRun_.lookUp & ruleRun_.steps[r].reuse) == 0) return false;
  const RuleResult& stored = ruleResults_[r];
  if (stored.claim != claim_ || !sameKey(chunkReuse_[ruleRun_.steps[r].chunk], stored.lineBase, ruleRun_.lineBase)) {
    return false;
  }
  // A passed or skipped rule leaves nothing to add unless the rules are traced.
  if (stored.exit == Exit::kFail || trace_ != nullptr) addStoredResult(r);
  return true;
}

void Evaluator::addStoredResult(uint32_t r) {
  const RuleResult& stored = ruleResults_[r];
  if (stored.exit == Exit::kFail) out_->reasons.push_back(stored.reason);
  if (trace_ != nullptr) traceRule(ruleRun_.lineIndex, r, stored.exit);
}

// Out of line, so that the interpreter loop keeps its registers for the common instructions.
Evaluator::DecimalMemo& Evaluator::memoFor(const Instr& ins) {
  return memo_[(reinterpret_cast<uintptr_t>(&ins) / sizeof(Instr)) % kMemoEntries];
}

template <class Compute>
bool Evaluator::remembered(const Instr& ins, const Decimal& b, const Decimal& c, Compute compute) {
  DecimalMemo& memo = memoFor(ins);
  if (memo.site != &ins || !sameBits(memo.in[0], b) || !sameBits(memo.in[1], c)) {
    Decimal r;
    if (const char* error = compute(r)) {
      errorWhat_ = error;
      return false;
    }
    memo.site = &ins;
    memo.in[0] = b;
    memo.in[1] = c;
    memo.out = r;
  }
  setDecimal(registers_[ins.a], memo.out);
  return true;
}

Evaluator::Exit Evaluator::run(const Instr* code, uint32_t lineBase) {
  const Instr* pc = code;
  const Instr* ins = nullptr;
  Value* const R = registers_;
  // Read through the members rather than copied into locals: a copy is spilled to the stack
  // on every entry (run() is entered ~6 times a decision), and a handler loads either way.
  const Value* const& K = constants_;
  const Value* const& slots = slots_;
  const Value* const& elems = elems_;
  Exit ruleExit = Exit::kPass;  // how the rule that just ended ended (FAIL, PASS, SKIP)
  bool answer = false;          // what the predicate that just ended returned (RETBOOL, RETBOOLK)
  // Every chunk codegen makes starts with LINE: do it here rather than through a dispatch.
  if (pc->op == Opcode::LINE) {
    R[pc->a].rec = lineBase;
    R[pc->a].absent = 0;
    ++pc;
  }

#define VM_RA (R[ins->a])
#define VM_RB (R[ins->b])
#define VM_RC (R[ins->c])

// A comparison's result usually feeds the JMPIF / JMPIFNOT right after it (conditions, `and`,
// `or`, `where`): the comparison writes R[a] as always, then, when the next instruction is such
// a branch on R[a], takes it at once instead of dispatching it. The branch still runs exactly
// as the bytecode says (same register, same target), so nothing the verifier proved changes;
// only one dispatch is saved. The compiler already fuses a test with its branch into one
// test-and-branch opcode (JPRESENT ... JLED, the JF* field tests) where one exists and the
// result is not read again; this serves the rest: the tests without such a form (EQI, EQD,
// LTD, EQS, NOT, CONTAINS...), and results a later instruction reads too.
#define VM_SET_BOOL_AND_BRANCH(value)          \
  do {                                         \
    const bool vmResult = (value);             \
    setBool(VM_RA, vmResult);                  \
    if (pc->a == ins->a) {                     \
      if (pc->op == Opcode::JMPIFNOT) {        \
        pc = vmResult ? pc + 1 : code + pc->b; \
      } else if (pc->op == Opcode::JMPIF) {    \
        pc = vmResult ? code + pc->b : pc + 1; \
      }                                        \
    }                                          \
  } while (0)

// Ends the run with an error: errorWhat_ (or errorReadLine_) says what, errorInstr_ where. Each
// error site stores ins itself: with one exit label shared by all, GCC allocated the handlers'
// registers worse (more instructions a decision).
#define VM_FAIL()        \
  do {                   \
    errorInstr_ = ins;   \
    return Exit::kError; \
  } while (0)

// out := whether the claim line R[b] is governed (ISGOVERNED, JGOVERNED), after the same refusal
// as DECISION's for a record that is not a claim line; and the governed tests of step b must all
// have run (a hostile governed chunk could ask earlier). Ends the run with an error if not.
#define VM_GOVERNED(opName, out)                                             \
  do {                                                                       \
    const uint32_t vmBase = VM_RB.rec;                                       \
    const uint64_t vmOrdinal = static_cast<uint64_t>(slots[vmBase].i);       \
    if (vmOrdinal >= lines_.count || lineState_[vmOrdinal].base != vmBase) { \
      errorWhat_ = opName " of a record that is not a claim line";           \
      VM_FAIL();                                                             \
    }                                                                        \
    if (!governedKnown_) {                                                   \
      errorWhat_ = opName " before every line's governed test has run";      \
      VM_FAIL();                                                             \
    }                                                                        \
    out = lineState_[vmOrdinal].governed != 0;                               \
  } while (0)
// A test and branch: pc := d when `test` equals the sense a.
#define VM_TEST_BRANCH(test)                         \
  do {                                               \
    if ((test) == (ins->a != 0)) pc = code + ins->d; \
  } while (0)

// Charges `n` list elements against the decision's budget (visitsLeft_): each element a loop
// takes (ITERNEXT) and each element a search may compare (CONTAINS and its fused forms).
// Ends the run with an error once the budget is spent.
#define VM_CHARGE(n)                \
  do {                              \
    if ((visitsLeft_ -= (n)) < 0) { \
      errorWhat_ = kTooManyVisits;  \
      VM_FAIL();                    \
    }                               \
  } while (0)

// R[a] := the integer r the handler computed, or an error `what` when `failed` (an overflow,
// a date out of range). Like every macro here, it leaves VM_NEXT() to the handler: in the
// switch build VM_NEXT() is `continue`, which inside a do-while would only leave the do-while.
#define VM_SET_INT(failed, what) \
  do {                           \
    if (failed) {                \
      errorWhat_ = what;         \
      VM_FAIL();                 \
    }                            \
    setInt(VM_RA, r);            \
  } while (0)

// R[a] := fn(R[b], R[c]) for an exact decimal operation: through a local, since a may equal
// b or c; a failed status is the run's error.
#define VM_DECIMAL_OP(fn)                                          \
  do {                                                             \
    Decimal vmResult;                                              \
    const DecimalStatus vmStatus = fn(VM_RB.d, VM_RC.d, vmResult); \
    if (vmStatus != DecimalStatus::kOk) {                          \
      errorWhat_ = decimalError(vmStatus);                         \
      VM_FAIL();                                                   \
    }                                                              \
    setDecimal(VM_RA, vmResult);                                   \
  } while (0)

// A field test's operand: field c of the record R[a], or an absent value if R[a] is absent
// (FIELD's rule: the record's zeroed payload must not be read as a base).
#define VM_FIELD (VM_RA.absent ? kAbsentValue : slots[VM_RA.rec + ins->c])
// Decides a field test: pc := b when `test` equals the sense x.a, else the word after x.
#define VM_FIELD_TEST(test)                             \
  do {                                                  \
    const Instr& x = *pc;                               \
    const Value& field = VM_FIELD;                      \
    (void)field;                                        \
    pc = (test) == (x.a != 0) ? code + ins->b : pc + 1; \
  } while (0)

#if PPL_COUNT_DISPATCHES
#define VM_COUNT_DISPATCH() ++dispatchCounts_[static_cast<uint8_t>(ins->op)]
#else
#define VM_COUNT_DISPATCH() static_cast<void>(0)
#endif

#if PPL_COMPUTED_GOTO
  // Labels as values are a GNU extension: say so to -Wpedantic once, here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
  static const void* const kDispatchTable[] = {
#define OPCODE(name, ...) &&op_##name,
#include "bytecode/opcodes.def"
#undef OPCODE
  };
  static_assert(sizeof(kDispatchTable) / sizeof(kDispatchTable[0]) == static_cast<size_t>(Opcode::kCount),
                "one dispatch entry per opcode");
#define VM_CASE(name) op_##name:
#define VM_NEXT()                                              \
  do {                                                         \
    ins = pc++;                                                \
    VM_COUNT_DISPATCH();                                       \
    goto* kDispatchTable[static_cast<uint8_t>(ins->op)];       \
  } while (0)
#else
#define VM_CASE(name) case Opcode::name:
#define VM_NEXT() continue
#endif

  for (;;) {
#if PPL_COMPUTED_GOTO
    VM_NEXT();
#else
    ins = pc++;
    VM_COUNT_DISPATCH();
    switch (ins->op)
#endif
    {
      // --- loads and moves
      VM_CASE(NOP) { VM_NEXT(); }
      VM_CASE(LOADK) {
        VM_RA = K[ins->b];
        VM_NEXT();
      }
      VM_CASE(LOADBOOL) {
        setBool(VM_RA, ins->b != 0);
        VM_NEXT();
      }
      VM_CASE(LOADABSENT) {
        VM_RA = Value::none();
        VM_NEXT();
      }
      VM_CASE(MOVE) {
        const Value v = VM_RB;
        VM_RA = v;
        VM_NEXT();
      }
      VM_CASE(ROOT) {
        VM_RA.rec = Facts::kRootBase;
        VM_RA.absent = 0;
        VM_NEXT();
      }
      VM_CASE(LINE) {
        VM_RA.rec = lineBase;
        VM_RA.absent = 0;
        VM_NEXT();
      }
      VM_CASE(FIELD) {
        const Value& record = VM_RB;
        if (record.absent) {
          VM_RA = Value::none();
        } else {
          VM_RA = slots[record.rec + ins->c];
        }
        VM_NEXT();
      }
      VM_CASE(LINEFIELD) {
        VM_RA = slots[lineBase + ins->c];
        VM_NEXT();
      }
      VM_CASE(ROOTFIELD) {
        VM_RA = slots[Facts::kRootBase + ins->c];
        VM_NEXT();
      }
      VM_CASE(ISPRESENT) {
        VM_SET_BOOL_AND_BRANCH(!VM_RB.absent);
        VM_NEXT();
      }
      VM_CASE(COALESCE) {
        const Value v = VM_RB.absent ? VM_RC : VM_RB;
        VM_RA = v;
        VM_NEXT();
      }

      // --- boolean and integer-like arithmetic
      VM_CASE(NOT) {
        VM_SET_BOOL_AND_BRANCH(VM_RB.i == 0);
        VM_NEXT();
      }
      VM_CASE(ADDI) {
        int64_t r;
        VM_SET_INT(__builtin_add_overflow(VM_RB.i, VM_RC.i, &r), kIntegerOverflow);
        VM_NEXT();
      }
      VM_CASE(SUBI) {
        int64_t r;
        VM_SET_INT(__builtin_sub_overflow(VM_RB.i, VM_RC.i, &r), kIntegerOverflow);
        VM_NEXT();
      }
      VM_CASE(MULI) {
        int64_t r;
        VM_SET_INT(__builtin_mul_overflow(VM_RB.i, VM_RC.i, &r), kIntegerOverflow);
        VM_NEXT();
      }
      VM_CASE(NEGI) {
        int64_t r;
        VM_SET_INT(__builtin_sub_overflow(int64_t{0}, VM_RB.i, &r), kIntegerOverflow);
        VM_NEXT();
      }
      // Dates stay in years 0001..9999, the range the date functions parse and print.
      VM_CASE(ADDDAYS) {
        int64_t r;
        VM_SET_INT(__builtin_add_overflow(VM_RB.i, VM_RC.i, &r) || r < kMinDateDays || r > kMaxDateDays,
                   kDateOverflow);
        VM_NEXT();
      }
      VM_CASE(SUBDAYS) {
        int64_t r;
        VM_SET_INT(__builtin_sub_overflow(VM_RB.i, VM_RC.i, &r) || r < kMinDateDays || r > kMaxDateDays,
                   kDateOverflow);
        VM_NEXT();
      }
      VM_CASE(DIFFDAYS) {
        int64_t r;
        VM_SET_INT(__builtin_sub_overflow(VM_RB.i, VM_RC.i, &r), kIntegerOverflow);
        VM_NEXT();
      }

      // --- exact decimals: results go through a local, since a may equal b or c
      VM_CASE(ITOD) {
        // An optional integer widened before its `??` default is tested stays absent.
        if (VM_RB.absent) {
          VM_RA = Value::none();
        } else {
          setDecimal(VM_RA, Decimal::fromInt(VM_RB.i));
        }
        VM_NEXT();
      }
      VM_CASE(ADDD) {
        VM_DECIMAL_OP(add);
        VM_NEXT();
      }
      VM_CASE(SUBD) {
        VM_DECIMAL_OP(sub);
        VM_NEXT();
      }
      VM_CASE(MULD) {
        VM_DECIMAL_OP(mul);
        VM_NEXT();
      }
      VM_CASE(DIVD) {
        const Decimal& b = VM_RB.d;
        const Decimal& c = VM_RC.d;
        if (!remembered(*ins, b, c, [&](Decimal& r) {
              const DecimalStatus s = div(b, c, r);
              return s == DecimalStatus::kOk ? nullptr : decimalError(s);
            })) {
          VM_FAIL();
        }
        VM_NEXT();
      }
      VM_CASE(NEGD) {
        setDecimal(VM_RA, neg(VM_RB.d));
        VM_NEXT();
      }

      // --- comparisons
      VM_CASE(EQI) {
        VM_SET_BOOL_AND_BRANCH(VM_RB.i == VM_RC.i);
        VM_NEXT();
      }
      VM_CASE(LTI) {
        VM_SET_BOOL_AND_BRANCH(VM_RB.i < VM_RC.i);
        VM_NEXT();
      }
      VM_CASE(LEI) {
        VM_SET_BOOL_AND_BRANCH(VM_RB.i <= VM_RC.i);
        VM_NEXT();
      }
      VM_CASE(EQD) {
        VM_SET_BOOL_AND_BRANCH(compare(VM_RB.d, VM_RC.d) == 0);
        VM_NEXT();
      }
      VM_CASE(LTD) {
        VM_SET_BOOL_AND_BRANCH(compare(VM_RB.d, VM_RC.d) < 0);
        VM_NEXT();
      }
      VM_CASE(LED) {
        VM_SET_BOOL_AND_BRANCH(compare(VM_RB.d, VM_RC.d) <= 0);
        VM_NEXT();
      }
      VM_CASE(EQS) {
        VM_SET_BOOL_AND_BRANCH(VM_RB.s == VM_RC.s);
        VM_NEXT();
      }
      VM_CASE(EQSK) {
        VM_SET_BOOL_AND_BRANCH(VM_RB.s == K[ins->c].s);
        VM_NEXT();
      }

      // --- collections
      VM_CASE(INSET) {
        VM_SET_BOOL_AND_BRANCH(inStringSet(program_.setValues[ins->c], VM_RB.s));
        VM_NEXT();
      }
      VM_CASE(CONTAINS) {
        VM_CHARGE(VM_RB.list.count);
        VM_SET_BOOL_AND_BRANCH(listContains(elems, VM_RB.list, VM_RC, static_cast<ValueKind>(ins->d)));
        VM_NEXT();
      }
      VM_CASE(CONTAINSK) {
        VM_CHARGE(VM_RB.list.count);
        VM_SET_BOOL_AND_BRANCH(listHoldsString(elems, VM_RB.list, stringKeys_[ins->c]));
        VM_NEXT();
      }
      VM_CASE(LEN) {
        setInt(VM_RA, VM_RB.list.count);
        VM_NEXT();
      }
      VM_CASE(ITERINIT) {
        setIterator(VM_RA, VM_RB.list);
      loopStart:  // ITERFIELD and ITERROOTFIELD go on here too
        // The ITERNEXT (or ITERNEXTG) heading the loop comes next (codegen always emits it
        // so): run it without a dispatch. Anything else is dispatched as usual.
        if (pc->op == Opcode::ITERNEXT) {
          ins = pc++;
          goto iterNext;
        }
        if (pc->op == Opcode::ITERNEXTG) {
          ins = pc++;
          goto iterNextGoverned;
        }
        VM_NEXT();
      }
      VM_CASE(ITERNEXTG) {
      iterNextGoverned:
        IterState& it = VM_RA.iter;
        uint32_t pos = it.pos;
        if (pos < it.count) {
          // Positions are line indices only in the claim's own list of lines; the governed
          // tests must all have run (the same refusals as JGOVERNED's).
          if (it.begin != lines_.begin || it.count != lines_.count) {
            errorWhat_ = "ITERNEXTG over a list that is not the claim's lines";
            VM_FAIL();
          }
          if (!governedKnown_) {
            errorWhat_ = "ITERNEXTG before every line's governed test has run";
            VM_FAIL();
          }
          // Each line stepped over is charged like the element ITERNEXT + JGOVERNED visited.
          while (pos < it.count && !lineState_[pos].governed) ++pos;
          VM_CHARGE(pos - it.pos + (pos < it.count ? 1 : 0));
        }
        if (pos >= it.count) {
          it.pos = pos;
          pc = code + ins->c;
        } else {
          it.pos = pos + 1;
          VM_RB = elems[it.begin + pos];
        }
        VM_NEXT();
      }
      // FIELD + ITERINIT: the list is field c of R[b], or empty when R[b] is absent (FIELD's
      // absent value has a zeroed payload, an empty list). An absent field is empty likewise.
      VM_CASE(ITERFIELD) {
        const ListRef list = VM_RB.absent ? ListRef{0, 0} : slots[VM_RB.rec + ins->c].list;
        setIterator(VM_RA, list);
        goto loopStart;  // as ITERINIT
      }
      VM_CASE(ITERROOTFIELD) {
        const ListRef list = slots[Facts::kRootBase + ins->c].list;
        setIterator(VM_RA, list);
        goto loopStart;  // as ITERINIT
      }
      // ROOTFIELD + ITERFIELD: the list is field c of the claim's record field b, or empty when
      // that record is absent.
      VM_CASE(ITERROOTPATH) {
        const Value& record = slots[Facts::kRootBase + ins->b];
        const ListRef list = record.absent ? ListRef{0, 0} : slots[record.rec + ins->c].list;
        setIterator(VM_RA, list);
        goto loopStart;  // as ITERINIT
      }
      VM_CASE(ITERNEXT) {
      iterNext:
        IterState& it = VM_RA.iter;
        const uint32_t pos = it.pos;
        if (pos >= it.count) {
          pc = code + ins->c;
        } else {
          // Advance first, copy last: the compiler cannot rule out that R[b] aliases the
          // iterator or the list, and in this order it copies the element straight into R[b]
          // instead of through a temporary (callgrind: 24 -> 14 instructions an element).
          VM_CHARGE(1);
          it.pos = pos + 1;
          VM_RB = elems[it.begin + pos];
        }
        VM_NEXT();
      }
      VM_CASE(LOOP) {
        // The verifier proved b is the ITERNEXT (or ITERNEXTG) heading this loop: run it
        // without a dispatch.
        ins = code + ins->b;
        pc = ins + 1;
        if (ins->op == Opcode::ITERNEXTG) goto iterNextGoverned;
        goto iterNext;
      }
      VM_CASE(MAXI) {
        if (VM_RA.absent || VM_RB.i > VM_RA.i) VM_RA = VM_RB;
        VM_NEXT();
      }
      VM_CASE(MINI) {
        if (VM_RA.absent || VM_RB.i < VM_RA.i) VM_RA = VM_RB;
        VM_NEXT();
      }
      VM_CASE(MAXD) {
        if (VM_RA.absent || compare(VM_RB.d, VM_RA.d) > 0) VM_RA = VM_RB;
        VM_NEXT();
      }
      VM_CASE(MIND) {
        if (VM_RA.absent || compare(VM_RB.d, VM_RA.d) < 0) VM_RA = VM_RB;
        VM_NEXT();
      }

      // --- control
      VM_CASE(JMP) {
        pc = code + ins->b;
        VM_NEXT();
      }
      VM_CASE(JMPIF) {
        if (VM_RA.i != 0) pc = code + ins->b;
        VM_NEXT();
      }
      VM_CASE(JMPIFNOT) {
        if (VM_RA.i == 0) pc = code + ins->b;
        VM_NEXT();
      }
      VM_CASE(CALL) {
        const Function& function = functions_[ins->b];
        if (function.memoized) {
          const Value& arg = registers_[ins->c];
          if (!remembered(*ins, arg.d, Decimal(), [&](Decimal& r) {
                Value out;
                const char* message = function.impl(&arg, out);
                r = out.d;
                return message;
              })) {
            VM_FAIL();
          }
          VM_NEXT();
        }
        // The result goes straight into R[a] unless R[a] is an argument (a builtin may write
        // its result before it has read every argument); on an error R[a] is never read.
        const bool direct = ins->a < ins->c || ins->a >= ins->c + ins->d;
        Value result;
        const char* message = function.impl(&VM_RC, direct ? VM_RA : result);
        if (message) {
          errorWhat_ = message;
          VM_FAIL();
        }
        if (!direct) VM_RA = result;
        VM_NEXT();
      }

      // --- decisions
      VM_CASE(DECISION) {
        // A line record's ordinal is its index in the lines list. A record of another list
        // would have a different base at that index: refuse it rather than misread.
        const uint32_t base = VM_RB.rec;
        const uint64_t ordinal = static_cast<uint64_t>(slots[base].i);
        if (ordinal >= lines_.count || lineState_[ordinal].base != base) {
          errorWhat_ = "DECISION of a record that is not a claim line";
          VM_FAIL();
        }
        if (!lineState_[ordinal].decided) {
          errorReadLine_ = static_cast<uint32_t>(ordinal);
          VM_FAIL();
        }
        const StrRef name = kVerdictTexts[static_cast<size_t>(out_->lines[ordinal].verdict)];
        VM_RA.s = name;
        VM_RA.absent = 0;
        VM_NEXT();
      }
      VM_CASE(ISGOVERNED) {
        bool governed;
        VM_GOVERNED("ISGOVERNED", governed);
        VM_SET_BOOL_AND_BRANCH(governed);
        VM_NEXT();
      }
      VM_CASE(FAIL) {
        const uint32_t ruleIndex = ruleRun_.index;
        const Outcome& outcome = ruleRun_.rules[ruleIndex].outcomes[ins->b];
        AdjustmentGroup group = outcome.group;
        if (outcome.groupComputed) {
          // The verifier proves only that R[d] is int-like (groups share the tag with integers
          // and dates): compiled code can hold only CO, PR or OA there, a hostile file anything.
          const uint64_t computed = static_cast<uint64_t>(R[ins->d].i);
          if (computed > static_cast<uint64_t>(AdjustmentGroup::kOA)) {
            errorWhat_ = "a computed adjustment group that is not CO, PR or OA";
            VM_FAIL();
          }
          group = static_cast<AdjustmentGroup>(computed);
        }
        Reason& reason = out_->reasons.emplace_back(Reason::ArgsUnwritten{});
        reason.rule = ruleIndex;
        reason.outcome = ins->b;
        reason.group = group;
        reason.argCount = static_cast<uint8_t>(ins->c);
        std::copy(R + ins->a, R + ins->a + ins->c, reason.args);
        ruleExit = Exit::kFail;
        goto ruleEnd;
      }
      VM_CASE(ADJUST) {
        out_->adjustments.emplace_back();
        Adjustment& adjustment = out_->adjustments.back();
        adjustment.rule = ruleRun_.index;
        adjustment.adjustment = ins->b;
        adjustment.argCount = static_cast<uint8_t>(ins->c);
        std::copy(R + ins->a, R + ins->a + ins->c, adjustment.args);
        VM_NEXT();
      }
      VM_CASE(PASS) {
        ruleExit = Exit::kPass;
      ruleEnd:
        // Store and trace the rule's exit, then on to the line's next rule that must run, in
        // this same call.
        {
          uint32_t r = ruleRun_.index;
          if (ruleRun_.plain) {  // nothing to store, take or trace: the next rule runs
            if (++r == ruleRun_.count) return Exit::kPass;
          } else {
            if ((ruleRun_.store & ruleRun_.steps[r].reuse) != 0) {
              RuleResult& stored = ruleResults_[r];
              stored.claim = claim_;
              stored.lineBase = lineBase;
              stored.exit = ruleExit;
              if (ruleExit == Exit::kFail) stored.reason = out_->reasons.back();
            }
            if (trace_ != nullptr) traceRule(ruleRun_.lineIndex, r, ruleExit);
            do {
              if (++r == ruleRun_.count) return Exit::kPass;
            } while (takeStoredResult(r));
          }
          ruleRun_.index = r;
          const RuleStep& step = ruleRun_.steps[r];
          code = step.code;
          pc = step.start;
          R[step.lineRegister].rec = lineBase;
          R[step.lineRegister].absent = 0;
        }
        VM_NEXT();
      }
      VM_CASE(SKIP) {
        ruleExit = Exit::kSkip;
        goto ruleEnd;
      }
      VM_CASE(RETBOOL) {
        answer = VM_RA.i != 0;
      predicateEnd:
        if (governedRun_.count == 0) return answer ? Exit::kTrue : Exit::kFalse;
        // Step b of decide(): record this line's answer and run the chunk again on the next.
        LineState& state = lineState_[governedRun_.index];
        state.governed = answer;
        state.decided = !answer;
        if (++governedRun_.index == governedRun_.count) return Exit::kTrue;
        lineBase = lineState_[governedRun_.index].base;
        pc = code;
        if (pc->op == Opcode::LINE) {
          R[pc->a].rec = lineBase;
          R[pc->a].absent = 0;
          ++pc;
        }
        VM_NEXT();
      }

      VM_CASE(RETBOOLK) {
        answer = ins->a != 0;
        goto predicateEnd;
      }

      // --- field tests: two words, ins and its extension word x = *pc (see opcodes.def)
      VM_CASE(EXT) {  // the verifier never lets an extension word run alone
        errorWhat_ = "an extension word run on its own";
        VM_FAIL();
      }
      VM_CASE(JFEQSK) {
        VM_FIELD_TEST(field.s == K[x.b].s);
        VM_NEXT();
      }
      VM_CASE(JFINSET) {
        VM_FIELD_TEST(inStringSet(program_.setValues[x.b], field.s));
        VM_NEXT();
      }
      VM_CASE(JFEQI) {
        VM_FIELD_TEST(field.i == R[x.b].i);
        VM_NEXT();
      }
      VM_CASE(JFLTI) {
        VM_FIELD_TEST(field.i < R[x.b].i);
        VM_NEXT();
      }
      VM_CASE(JFLEI) {
        VM_FIELD_TEST(field.i <= R[x.b].i);
        VM_NEXT();
      }
      VM_CASE(JFPRESENT) {
        VM_FIELD_TEST(!field.absent);
        VM_NEXT();
      }
      VM_CASE(JFCONTAINS) {
        VM_CHARGE(VM_FIELD.list.count);
        VM_FIELD_TEST(listContains(elems, field.list, R[x.b], static_cast<ValueKind>(x.c)));
        VM_NEXT();
      }
      VM_CASE(JFCONTAINSK) {
        VM_CHARGE(VM_FIELD.list.count);
        VM_FIELD_TEST(listHoldsString(elems, field.list, stringKeys_[x.b]));
        VM_NEXT();
      }

      // --- test and branch (see opcodes.def): pc := d when the test equals the sense a
      VM_CASE(JPRESENT) {
        VM_TEST_BRANCH(!VM_RB.absent);
        VM_NEXT();
      }
      VM_CASE(JGOVERNED) {
        bool governed;
        VM_GOVERNED("JGOVERNED", governed);
        VM_TEST_BRANCH(governed);
        VM_NEXT();
      }
      VM_CASE(JEQSK) {
        VM_TEST_BRANCH(VM_RB.s == K[ins->c].s);
        VM_NEXT();
      }
      VM_CASE(JINSET) {
        VM_TEST_BRANCH(inStringSet(program_.setValues[ins->c], VM_RB.s));
        VM_NEXT();
      }
      VM_CASE(JCONTAINSK) {
        VM_CHARGE(VM_RB.list.count);
        VM_TEST_BRANCH(listHoldsString(elems, VM_RB.list, stringKeys_[ins->c]));
        VM_NEXT();
      }
      VM_CASE(JLTI) {
        VM_TEST_BRANCH(VM_RB.i < VM_RC.i);
        VM_NEXT();
      }
      VM_CASE(JLEI) {
        VM_TEST_BRANCH(VM_RB.i <= VM_RC.i);
        VM_NEXT();
      }
      VM_CASE(JLED) {
        VM_TEST_BRANCH(compare(VM_RB.d, VM_RC.d) <= 0);
        VM_NEXT();
      }

#if !PPL_COMPUTED_GOTO
      default:  // Opcode::kCount: the verifier rejects it; a switch wants a case for it
        errorWhat_ = "invalid opcode";
        VM_FAIL();
#endif
    }
  }

#if PPL_COMPUTED_GOTO
#pragma GCC diagnostic pop
#endif
#undef VM_RA
#undef VM_RB
#undef VM_RC
#undef VM_CASE
#undef VM_NEXT
#undef VM_COUNT_DISPATCH
#undef VM_SET_BOOL_AND_BRANCH
#undef VM_FIELD
#undef VM_FIELD_TEST
#undef VM_GOVERNED
#undef VM_TEST_BRANCH
#undef VM_CHARGE
#undef VM_SET_INT
#undef VM_DECIMAL_OP
#undef VM_FAIL
}

}  // namespace ppl
