// Code generation: one register-machine chunk per rule, per governed test and per phased class
// of lines. Registers are allocated like Lua's: a stack whose top moves up for temporaries and
// back down when an expression is done; variables (lets, quantifier variables, inlined
// parameters) hold a register for their scope, and so do values loaded once for a loop or a
// rule (see Invariant: a rule's clauses and its outermost loops are compiled a second time when
// the first pass finds values read more than once, and a rule keeps a load only where it leaves
// fewer instructions). Conditions that only decide a branch compile to jumps (jumpIf); those
// known when compiling (knownBool) to none, and a define a rule reads again after a clause
// evaluated it first is evaluated once (splitAt).
#include "compiler/codegen.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "bytecode/instr_info.h"
#include "compiler/peephole.h"
#include "runtime/date.h"
#include "stdlib/functions.h"

namespace ppl {
namespace {

using namespace ast;

// A compile error that abandons the current chunk (limits only: the checker caught the rest,
// and what it should have caught is `internal`).
struct LimitExceeded {
  Span span;
  std::string message;
  bool internal = false;
};

class Generator {
 public:
  Generator(const CheckedProgram& checked, Program& out) : checked_(checked), out_(out) {}

  void policy(const CheckedPolicy& p);

 private:
  const CheckedProgram& checked_;
  Program& out_;
  const CheckedPolicy* policy_ = nullptr;
  std::map<std::string, uint16_t> constantIndex_;
  std::map<std::vector<std::string>, uint16_t> setIndex_;
  std::map<int, uint16_t> functionIndex_;

  // Per chunk
  Chunk* chunk_ = nullptr;
  int top_ = 0;
  std::map<const VarDecl*, uint8_t> vars_;
  uint8_t lineReg_ = 0;
  uint8_t ownLineReg_ = 0;  // the register LINE writes: the line the chunk decides or classifies
  Span span_;

  // --- emission
  uint32_t emit(Opcode op, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0, uint32_t d = 0) {
    // One word less than a chunk may hold: insertDateLoad adds one after the peephole optimizer,
    // which never adds any.
    if (chunk_->code.size() >= kMaxChunkInstructions - 1) {
      throw LimitExceeded{span_, "this rule compiles to too much code"};
    }
    Instr in;
    in.op = op;
    in.a = static_cast<uint8_t>(a);
    in.b = static_cast<uint16_t>(b);
    in.c = static_cast<uint16_t>(c);
    in.d = static_cast<uint16_t>(d);
    chunk_->code.push_back(in);
    chunk_->positions.push_back(SourcePos{span_.file, span_.line, span_.col});
    return static_cast<uint32_t>(chunk_->code.size() - 1);
  }
  uint32_t here() const { return static_cast<uint32_t>(chunk_->code.size()); }
  // Jumps are emitted with a placeholder and patched when the target is known.
  void patchB(uint32_t at, uint32_t target) { chunk_->code[at].b = static_cast<uint16_t>(target); }
  void patchC(uint32_t at, uint32_t target) { chunk_->code[at].c = static_cast<uint16_t>(target); }

  uint8_t alloc() {
    if (top_ >= kMaxRegisters) {
      throw LimitExceeded{span_, fmt::format("this rule needs more than {} registers; split it", kMaxRegisters)};
    }
    if (top_ + 1 > chunk_->registerCount) chunk_->registerCount = static_cast<uint16_t>(top_ + 1);
    return static_cast<uint8_t>(top_++);
  }
  void freeTo(int mark) { top_ = mark; }

  // --- constants
  uint16_t constant(const Constant& k) {
    std::string key = fmt::format("{}:{}:{}", static_cast<int>(k.kind), k.i, k.str);
    if (k.kind == ValueKind::kDecimal) key = "d:" + k.d.toString();
    if (k.kind == ValueKind::kString) key = "s:" + out_.strings[k.str];
    auto it = constantIndex_.find(key);
    if (it != constantIndex_.end()) return it->second;
    if (out_.constants.size() >= kMaxConstants) throw LimitExceeded{span_, "too many constants"};
    out_.constants.push_back(k);
    uint16_t idx = static_cast<uint16_t>(out_.constants.size() - 1);
    constantIndex_.emplace(key, idx);
    return idx;
  }
  uint16_t intConstant(ValueKind kind, int64_t v) {
    Constant k;
    k.kind = kind;
    k.i = v;
    return constant(k);
  }
  uint16_t stringConstant(const std::string& s) {
    Constant k;
    k.kind = ValueKind::kString;
    k.str = out_.addString(s);
    return constant(k);
  }
  uint16_t valueConstant(const Value& v, const std::string& text, TypeKind kind) {
    Constant k;
    k.kind = valueKindOf(kind);
    switch (kind) {
      case TypeKind::kDecimal: k.d = v.d; break;
      case TypeKind::kString: k.str = out_.addString(text); break;
      default: k.i = v.i; break;
    }
    return constant(k);
  }
  uint16_t stringSet(const std::vector<std::string>& members) {
    auto it = setIndex_.find(members);
    if (it != setIndex_.end()) return it->second;
    StringSet s;
    for (const auto& m : members) s.members.push_back(out_.addString(m));
    out_.sets.push_back(std::move(s));
    uint16_t idx = static_cast<uint16_t>(out_.sets.size() - 1);
    setIndex_.emplace(members, idx);
    return idx;
  }
  uint16_t function(int builtin) {
    auto it = functionIndex_.find(builtin);
    if (it != functionIndex_.end()) return it->second;
    out_.functions.push_back(builtinAt(builtin).name);
    uint16_t idx = static_cast<uint16_t>(out_.functions.size() - 1);
    functionIndex_.emplace(builtin, idx);
    return idx;
  }
  const SchemaField& fieldOf(uint32_t record, uint32_t field) const { return checked_.schema.records[record].fields[field]; }
  uint32_t slotOf(uint32_t record, uint32_t field) const { return fieldOf(record, field).slot; }

  // --- chunks
  uint32_t beginChunk(std::string name) {
    out_.chunks.emplace_back();
    chunk_ = &out_.chunks.back();
    chunk_->name = std::move(name);
    top_ = 0;
    vars_.clear();
    hoisted_.clear();  // a register of the last chunk's means nothing here
    lineReg_ = alloc();
    ownLineReg_ = lineReg_;
    dateReg_ = 0;
    inGovernedChunk_ = false;
    span_ = Span{};
    emit(Opcode::LINE, lineReg_);
    return static_cast<uint32_t>(out_.chunks.size() - 1);
  }
  uint32_t predicateChunk(const std::string& name, const Expr& predicate);
  void governedJumps(uint8_t scratch, std::vector<uint32_t>& no);
  void governed(uint8_t target);
  uint32_t governedChunk(const std::string& name);
  void clauses(const RuleDecl& r, RuleInfo& info);
  void clause(const RuleDecl& r, RuleInfo& info, const Clause& cl);
  void failClause(const RuleDecl& r, RuleInfo& info, const Clause& cl);
  void adjustClause(const RuleDecl& r, RuleInfo& info, const Clause& cl);
  // What the VM reports when a clause fails or adjusts (its message's fallback is the rule's
  // title, or id).
  Outcome outcomeOf(const RuleDecl& r, const Clause& cl);
  AdjustmentSpec adjustmentOf(const RuleDecl& r, const Clause& cl);
  // A rule whose clause i starts by evaluating a define D without parameters that a later
  // clause reads again (MB-JZ: `not same_day_waste and ...`, then `same_day_waste and ...`):
  // D is evaluated once as jumps, and clauses i.. are compiled twice, once with D known true and
  // once known false (known_), so the later clauses test nothing for it. D's first evaluation
  // is where the clause evaluated it anyway, so its errors are the same; later ones would have
  // given the same value (facts do not change during a rule). One split a rule, so the code at
  // most doubles. Returns D's expression in clause i, or null.
  const Expr* splitDefine(const RuleDecl& r, size_t i) const;
  static constexpr size_t kMaxSplitNodes = 4000;  // clauses i.. of at most this many nodes split
  void splitAt(const RuleDecl& r, RuleInfo& info, size_t i, const Expr& d);
  std::map<const DefineDecl*, bool> known_;
  // Where a run of a rule's clauses starts, for compiling it again from there (splitAt's second
  // copy, rule()'s trials): the registers and variables in use, the outcomes and adjustments
  // numbered so far.
  struct ClausesStart {
    int top = 0;
    std::map<const VarDecl*, uint8_t> vars;
    size_t outcomes = 0;
    size_t adjustments = 0;
  };
  ClausesStart clausesStart(const RuleInfo& info) const {
    return {top_, vars_, info.outcomes.size(), info.adjustments.size()};
  }
  void restart(const ClausesStart& from, RuleInfo& info) {
    info.outcomes.erase(info.outcomes.begin() + static_cast<std::ptrdiff_t>(from.outcomes), info.outcomes.end());
    info.adjustments.erase(info.adjustments.begin() + static_cast<std::ptrdiff_t>(from.adjustments), info.adjustments.end());
    vars_ = from.vars;
    freeTo(from.top);
  }
  Message message(const MessageTemplate& m, const std::string& fallback);
  // The run of registers FAIL's and ADJUST's operands a and c name: R[first] .. R[first +
  // count - 1], fresh and consecutive, holding the message's arguments in order (first is 0
  // when there are none).
  struct ArgumentRun {
    uint8_t first = 0;
    uint32_t count = 0;
  };
  ArgumentRun messageArgs(const MessageTemplate& m);

  // --- expressions
  void expr(const Expr& e, uint8_t target);
  void name(const Expr& e, uint8_t target);
  void binary(const Expr& e, uint8_t target);
  void lineClass(const Expr& e, uint8_t target);
  void membership(const Expr& e, uint8_t target);  // `x in L`, `x not in L`
  void within(const Expr& e, uint8_t target);
  void between(const Expr& e, uint8_t target);
  void conditional(const Expr& e, uint8_t target);  // `if C then A else B`
  void call(const Expr& e, uint8_t target);
  // `dos - b < d` in a loop, compiled as `dos - d < b`; false, and nothing emitted, for another
  // binary expression. The same for `x = "text"` as one EQSK.
  bool shiftedDateComparison(const Expr& e, uint8_t target);
  bool stringConstantComparison(const Expr& e, uint8_t target);
  // The instruction for `a op b` with a of kind ka, b of kind kb (widened) and a `result`.
  static Opcode arithmeticOpcode(BinaryOp op, TypeKind result, TypeKind ka, TypeKind kb);
  // `a op b` for a comparison of values of kind ka (widened).
  void comparison(BinaryOp op, TypeKind ka, uint8_t target, uint8_t a, uint8_t b);
  // `found`, for an `any` / `no` whose value only decides a branch (jumpIf): the loop writes
  // no value but jumps as soon as an element passes, each jump appended to `found`.
  void quantifier(const Expr& e, uint8_t target, std::vector<uint32_t>* found = nullptr);
  void loop(const Expr& e, uint8_t target, bool outermost, std::vector<uint32_t>* found);
  uint8_t loopList(const Expr& coll, bool outermost);
  // The loop's value before any element, in target; returns the register holding the 1 a
  // `count` adds per element, else 0.
  uint8_t loopStart(const Expr& e, uint8_t target, std::vector<uint32_t>* found);
  // What an element that passed the `where` does: jumps to `found` or out of the loop (`exits`)
  // for an `any` / `no`, checks an `every`'s condition (on to the next element, `continues`,
  // when it holds), adds to a count or an aggregate. `tmp` is a register it may write.
  void loopStep(const Expr& e, uint8_t target, uint8_t tmp, uint8_t one, std::vector<uint32_t>* found,
                std::vector<uint32_t>& continues, std::vector<uint32_t>& exits);
  // A filter of a loop over the governed lines: a conjunct of its `where`, or of the predicate
  // of the class its `where` starts with (`inClass`: compiled with `line` bound to the element).
  struct LineFilter {
    const Expr* expr;
    bool inClass;
  };
  bool overGovernedLines(const Expr& coll, const Expr* where, const VarDecl* var, std::vector<LineFilter>& rest) const;
  void appendConjuncts(const Expr& e, std::vector<const Expr*>& out, bool& fused) const;
  // Where only a condition's branch matters (applies and only-when tests, clause conditions,
  // `where` filters), jumpIf() emits code that jumps when boolean `e` equals `when` (the jumps
  // go to `jumps`, for the caller to patch) and falls through otherwise: `not`, `is absent`
  // and `not in` flip the jump rather than compute a NOT, and `and` / `or` jump straight to
  // where their value leads. `scratch` is a register it may write.
  void jumpIf(const Expr& e, bool when, uint8_t scratch, std::vector<uint32_t>& jumps);
  // jumpIf's cases that take more than a line: `and` / `or`, `if`, `any` / `no`, and the
  // tests (`in`, `is present`, a line class) whose final NOT becomes the choice of jump.
  void jumpIfLogical(const Expr& e, bool when, uint8_t scratch, std::vector<uint32_t>& jumps);
  void jumpIfChoice(const Expr& e, bool when, uint8_t scratch, std::vector<uint32_t>& jumps);
  void jumpIfFound(const Expr& e, bool when, uint8_t scratch, std::vector<uint32_t>& jumps);
  void jumpIfTest(const Expr& e, bool when, uint8_t scratch, std::vector<uint32_t>& jumps);
  // Compiles `body` with a define's parameters bound to the call `e`'s arguments.
  void inlineDefine(const Expr& e, const std::function<void()>& body);
  // Set by jumpIf() for one expr() of a kIn, kPresence or kLineClass: that case leaves out its
  // final NOT and sets notOmitted_ instead.
  bool omitNot_ = false;
  bool notOmitted_ = false;
  void negateUnlessOmitted(bool omit, uint8_t target) {
    if (omit) {
      notOmitted_ = true;
    } else {
      emit(Opcode::NOT, target, target);
    }
  }
  // `line is governed` for the chunk's own line, outside the governed chunk: always true, since
  // the VM runs class and rule chunks only for governed lines (decide() steps c and d).
  bool inGovernedChunk_ = false;
  bool isOwnLineGoverned(const Expr& e) const {
    return e.kind == ExprKind::kLineClass && !e.linesRef && !e.negated && !inGovernedChunk_ &&
           e.kids[0]->kind == ExprKind::kName && e.kids[0]->ref == RefKind::kLine && lineReg_ == ownLineReg_;
  }
  // The constant index of a string literal, constant or parameter, or -1.
  int stringConstantOf(const Expr& e) {
    Invariant inv;
    if (e.type.kind != TypeKind::kString || !invariantOf(e, inv) || inv.base != Invariant::Base::kConstant) return -1;
    return inv.constantIndex;
  }
  // The value of a condition known when compiling: a boolean literal, constant or parameter
  // (`traditional_medicare`), its `not`, and an `and` / `or` its known left side decides, or
  // whose both sides are known (left to right, as evaluated: `x and false` is not known, since
  // x is still evaluated). A condition on it is decided here, not by a LOADK and a branch.
  std::optional<bool> knownBool(const Expr& e) const {
    if (e.type.kind != TypeKind::kBool) return std::nullopt;
    switch (e.kind) {
      case ExprKind::kLiteral: return e.literal.i != 0;
      case ExprKind::kName:
      case ExprKind::kField:
        if (e.ref == RefKind::kConst) return e.constRef->folded.i != 0;
        if (e.ref == RefKind::kParam) return policy_->params.at(e.paramRef).value.i != 0;
        if (e.ref == RefKind::kDefine) {
          // `line` in its body is the chunk's own line except inside withLine.
          const auto split = known_.find(e.defineRef);
          if (split != known_.end() && lineReg_ == ownLineReg_) return split->second;
          return knownBool(*e.defineRef->body);
        }
        return std::nullopt;
      case ExprKind::kNot: {
        const std::optional<bool> k = knownBool(*e.kids[0]);
        if (k) return !*k;
        return std::nullopt;
      }
      case ExprKind::kBinary: {
        if (e.op != BinaryOp::kAnd && e.op != BinaryOp::kOr) return std::nullopt;
        const std::optional<bool> left = knownBool(*e.kids[0]);
        if (!left) return std::nullopt;
        const bool decisive = e.op == BinaryOp::kOr;  // the left value that decides alone
        if (*left == decisive) return decisive;
        return knownBool(*e.kids[1]);
      }
      default: return std::nullopt;
    }
  }
  // The side of an `and` / `or` that alone decides it when the other side is known and does
  // not decide (`true and x`, `x or false`: x), or null.
  const Expr* undecidedSide(const Expr& e) const {
    if (e.kind != ExprKind::kBinary || (e.op != BinaryOp::kAnd && e.op != BinaryOp::kOr)) return nullptr;
    const bool decisive = e.op == BinaryOp::kOr;
    for (int known = 0; known < 2; ++known) {
      const std::optional<bool> k = knownBool(*e.kids[known]);
      if (k && *k != decisive) return e.kids[1 - known].get();
    }
    return nullptr;
  }
  // The value of an integer literal or constant, or null.
  const Value* knownInteger(const Expr& e) const {
    if (e.type.kind != TypeKind::kInt) return nullptr;
    if (e.kind == ExprKind::kLiteral) return &e.literal;
    if ((e.kind == ExprKind::kName || e.kind == ExprKind::kField) && e.ref == RefKind::kConst) return &e.constRef->folded;
    if ((e.kind == ExprKind::kName || e.kind == ExprKind::kField) && e.ref == RefKind::kParam) return &policy_->params.at(e.paramRef).value;
    return nullptr;
  }
  // Loop invariants: inside a loop, a constant, a field of the chunk's own line (`dos`,
  // `line.drug.acquisition_channel`) and a claim-level fact (`lines`, `history.evidence`) are
  // the same on every iteration, yet were loaded or read on each. The outermost loop is
  // compiled once to learn which of them its body (inner loops included) reads as operands
  // (`wanted_`), then again with each loaded once before the loop into a register held for the
  // loop (`hoisted_`), which operand() returns.
  struct Invariant {
    enum class Base : uint8_t { kConstant, kOwnLine, kClaim } base = Base::kConstant;
    uint16_t constantIndex = 0;                        // kConstant; the duration when shifted
    std::vector<std::pair<uint32_t, uint32_t>> path;   // (record, field) from the base record
    // The line's service date less the duration constant K[constantIndex] (see shiftedDate).
    bool shifted = false;
    bool operator<(const Invariant& o) const {
      return std::tie(base, constantIndex, path, shifted) < std::tie(o.base, o.constantIndex, o.path, o.shifted);
    }
    bool operator==(const Invariant& o) const {
      return base == o.base && constantIndex == o.constantIndex && path == o.path && shifted == o.shifted;
    }
  };
  // `dos - d` for the chunk's own line's service date and a duration constant d, as a loop
  // invariant, when it cannot fail: rule and class chunks run only on governed lines, whose
  // dates the governed test kept within the policy's effective dates, so the result stays in
  // 0001..9999 if it does for those bounds. Then a loop computes it once, where it computed
  // `dos - e.date < d` (DIFFDAYS, which never fails on two dates) or `e.date within d before
  // dos` on every element. False when not so.
  bool shiftedDate(const Expr& date, const Expr& duration, Invariant& out);
  uint8_t shiftedOperand(const Invariant& inv);
  // What a shifted date is computed from: the date, then the duration.
  static std::pair<Invariant, Invariant> partsOf(const Invariant& shifted) {
    Invariant date = shifted, days;
    date.shifted = false;
    date.constantIndex = 0;
    days.constantIndex = shifted.constantIndex;
    return {date, days};
  }
  int loopDepth_ = 0;
  std::vector<Invariant> wanted_;
  std::map<Invariant, uint8_t> hoisted_;
  bool invariantOf(const Expr& e, Invariant& out);
  void loadInvariant(const Invariant& inv, uint8_t target);
  // What to load for `wanted`: prefixes added, shorter paths first, what is loaded already
  // left out; nothing when that would take too many registers. load() loads into registers
  // held until freeTo().
  std::vector<Invariant> toLoad(std::vector<Invariant> wanted) const;
  // A rule chunk's register for its own line's service date, or 0 (R0 is the line). Every rule
  // chunk reads `dos` from R1, which its second word (a LINEFIELD insertDateLoad puts there)
  // fills and nothing else writes: so a policy's rule chunks all begin alike, and the VM runs
  // that word once a line, in the first rule it runs there, and starts later rules after it.
  uint8_t dateReg_ = 0;
  Invariant ownDate() const {
    Invariant date;
    date.base = Invariant::Base::kOwnLine;
    date.path.emplace_back(checked_.lineRecord, checked_.serviceDateField);
    return date;
  }
  // Reads of `dos` find dateReg_ among the loaded paths (operand(), toLoad, shifted dates).
  void seedDate() {
    if (dateReg_ != 0) hoisted_[ownDate()] = dateReg_;
  }
  void insertDateLoad();
  void load(const std::vector<Invariant>& loads);

  // --- rules
  // A rule's chunk: its guards (applies-to classes, effective dates) and its only-when test,
  // which jump to SKIP where the rule does not apply, then its clauses and PASS.
  void rule(const RuleDecl& r, RuleInfo& info);
  void ruleGuards(const RuleDecl& r, uint8_t test, std::vector<uint32_t>& skips);
  // What rule() compiles more than once: the rule's body (its only-when test and clauses), each
  // time from where the guards left the chunk.
  struct RuleBody {
    RuleBody(const RuleDecl& r, RuleInfo& i, uint8_t t) : rule(r), info(i), test(t) {}
    const RuleDecl& rule;
    RuleInfo& info;
    uint8_t test;                 // a register the only-when test may write
    std::vector<uint32_t> skips;  // jumps to SKIP: the guards', then the body's
    // Where the guards left the chunk.
    uint32_t start = 0;
    uint16_t registerCount = 0;
    size_t guardSkips = 0;
    ClausesStart clausesFrom;
  };
  void onlyWhenTest(RuleBody& body);
  // A rule's body reads some paths (`line.ndc`, `line.drug`, `patient`, `dos`) more than once
  // outside loops. Pass one compiles it as it is, counting those reads (readCounts_), and
  // returns the paths read twice or more, longer paths first.
  std::vector<Invariant> compileCountingReads(RuleBody& body);
  std::map<Invariant, int>* readCounts_ = nullptr;
  // Of those, the ones worth loading once before the body (see rule()).
  std::vector<Invariant> pathsWorthLoading(RuleBody& body, std::vector<Invariant> shared);
  // Each trial compiles the whole rule again: a large rule keeps every path it reads twice (a
  // rule of 3,300 clauses took 17 s to compile with the trials, 0.4 s without).
  static constexpr size_t kMaxLoadTrialCost = 2000;  // instructions
  // The body compiled again from where the guards left the chunk, starting by loading `loads`.
  void compileBody(RuleBody& body, const std::vector<Invariant>& loads);
  // The instructions the rule compiles to, finished, with that body (extension words not
  // counted); the chunk keeps the body, unfinished.
  size_t finishedSize(RuleBody& body, const std::vector<Invariant>& loads);
  void finishRule(const Span& span, const std::vector<uint32_t>& skips);

  // A rule's `only when any x in L where C` followed by `require any y in L where C and D`:
  // one loop decides both (see fusesOnlyWhen). While the require's condition compiles, the
  // `and` that is its `where` writes true to `flag` once C holds and D does not, and the
  // require, when it fails, first jumps to the rule's SKIP unless the flag is set.
  struct FusedOnlyWhen {
    const Expr* where;             // the require's `C and D`
    uint8_t flag;
    std::vector<uint32_t>* skips;  // the rule's jumps to SKIP
  };
  std::optional<FusedOnlyWhen> fused_;  // while such a rule compiles
  bool isFusedWhere(const Expr& e) const { return fused_ && &e == fused_->where; }
  void fusedWhereJumps(const Expr& e, uint8_t scratch, std::vector<uint32_t>& jumps);
  static bool fusesOnlyWhen(const RuleDecl& r);

  // The register holding `e`'s value: a variable's or the line's own register when `e` is one
  // (no copy), a register loaded before the enclosing loop when `e` is a loop invariant, else a
  // fresh temporary the value is computed into. Free with freeTo(); never write to it.
  uint8_t operand(const Expr& e) {
    if (e.kind == ExprKind::kName && e.ref == RefKind::kVar) return vars_.at(e.varRef);
    if (e.kind == ExprKind::kName && e.ref == RefKind::kLine) return lineReg_;
    Invariant inv;
    if ((loopDepth_ > 0 || readCounts_ || !hoisted_.empty()) && invariantOf(e, inv)) {
      auto it = hoisted_.find(inv);
      if (it != hoisted_.end()) return it->second;
      if (loopDepth_ > 0) {
        if (std::find(wanted_.begin(), wanted_.end(), inv) == wanted_.end()) wanted_.push_back(inv);
      } else if (readCounts_ && inv.base != Invariant::Base::kConstant) {
        ++(*readCounts_)[inv];
      }
    }
    uint8_t r = alloc();
    expr(e, r);
    return r;
  }
  // Like operand(), but a register that may be widened in place (never a variable's).
  uint8_t widenedOperand(const Expr& parent, int i, const Expr& e) {
    if (parent.toDecimal(i)) {
      uint8_t r = alloc();
      const Value* known = knownInteger(e);
      if (known) {  // widen at compile time: `units <= 60` loads the decimal 60
        Constant k;
        k.kind = ValueKind::kDecimal;
        k.d = Decimal::fromInt(known->i);
        emit(Opcode::LOADK, r, constant(k));
        return r;
      }
      expr(e, r);
      widenIf(parent, i, r);
      return r;
    }
    return operand(e);
  }
  void widenIf(const Expr& e, int i, uint8_t reg) {
    if (e.toDecimal(i)) emit(Opcode::ITOD, reg, reg);
  }
  // Compiles `e` with `line` meaning the line in register `line`.
  void withLine(uint8_t line, const std::function<void()>& f) {
    uint8_t saved = lineReg_;
    lineReg_ = line;
    f();
    lineReg_ = saved;
  }
};

// A class predicate as jumps, each way out returning its answer (RETBOOLK): a test of a field
// and a branch fuse into one field test, and no register carries the answer to a RETBOOL.
uint32_t Generator::predicateChunk(const std::string& name, const Expr& predicate) {
  uint32_t idx = beginChunk(name);
  uint8_t scratch = alloc();
  std::vector<uint32_t> no;
  jumpIf(predicate, false, scratch, no);
  emit(Opcode::RETBOOLK, 1);
  if (!no.empty()) {
    for (uint32_t j : no) patchB(j, here());
    emit(Opcode::RETBOOLK, 0);
  }
  optimizeChunk(*chunk_);
  return idx;
}

// The policy's `governs` condition and effective dates, for the line in lineReg_, as jumps: falls
// through when they hold, else jumps (appended to `no`). As jumps, the fusion pass makes each
// test one field test (`line.hcpcs = cabazitaxel`, the date against the effective bound).
void Generator::governedJumps(uint8_t scratch, std::vector<uint32_t>& no) {
  const Unit& unit = *policy_->unit;
  span_ = unit.governs ? unit.governs->span : unit.nameSpan;
  const Span span = span_;
  int mark = top_;
  if (unit.governs) jumpIf(*unit.governs, false, scratch, no);
  span_ = span;
  if (policy_->effectiveFrom == INT32_MIN && policy_->effectiveThrough == INT32_MAX) return;
  uint8_t dos = alloc();
  emit(Opcode::FIELD, dos, lineReg_, slotOf(checked_.lineRecord, checked_.serviceDateField), checked_.lineRecord);
  uint8_t bound = alloc();
  if (policy_->effectiveFrom != INT32_MIN) {
    emit(Opcode::LOADK, bound, intConstant(ValueKind::kDate, policy_->effectiveFrom));
    emit(Opcode::LEI, scratch, bound, dos);
    no.push_back(emit(Opcode::JMPIFNOT, scratch, 0));
  }
  if (policy_->effectiveThrough != INT32_MAX) {
    emit(Opcode::LOADK, bound, intConstant(ValueKind::kDate, policy_->effectiveThrough));
    emit(Opcode::LEI, scratch, dos, bound);
    no.push_back(emit(Opcode::JMPIFNOT, scratch, 0));
  }
  freeTo(mark);
}

// The same as a value, in target.
void Generator::governed(uint8_t target) {
  std::vector<uint32_t> no;
  governedJumps(target, no);
  emit(Opcode::LOADBOOL, target, 1);
  const uint32_t done = emit(Opcode::JMP, 0, 0);
  for (uint32_t j : no) patchB(j, here());
  emit(Opcode::LOADBOOL, target, 0);
  patchB(done, here());
}

// The governed chunk: each way out returns its answer (RETBOOLK), rather than a value that one
// RETBOOL returns.
uint32_t Generator::governedChunk(const std::string& name) {
  uint32_t idx = beginChunk(name);
  inGovernedChunk_ = true;
  uint8_t r = alloc();
  std::vector<uint32_t> no;
  governedJumps(r, no);
  emit(Opcode::RETBOOLK, 1);
  if (!no.empty()) {
    for (uint32_t j : no) patchB(j, here());
    emit(Opcode::RETBOOLK, 0);
  }
  optimizeChunk(*chunk_);
  return idx;
}

void Generator::name(const Expr& e, uint8_t target) {
  switch (e.ref) {
    case RefKind::kVar: emit(Opcode::MOVE, target, vars_.at(e.varRef)); return;
    case RefKind::kLine: emit(Opcode::MOVE, target, lineReg_); return;
    case RefKind::kClaim: emit(Opcode::ROOT, target); return;
    case RefKind::kRootField:
      emit(Opcode::ROOTFIELD, target, 0, slotOf(checked_.schema.root, e.field), checked_.schema.root);
      return;
    case RefKind::kConst: {
      const ConstDecl& c = *e.constRef;
      emit(Opcode::LOADK, target, valueConstant(c.folded, c.foldedText, c.type.kind));
      return;
    }
    case RefKind::kParam: {
      const BoundParam& p = policy_->params.at(e.paramRef);
      emit(Opcode::LOADK, target, valueConstant(p.value, p.text, e.paramRef->type.kind));
      return;
    }
    case RefKind::kDefine: {
      if (const std::optional<bool> known = knownBool(e)) {
        emit(Opcode::LOADBOOL, target, *known ? 1 : 0);
        return;
      }
      Span saved = span_;
      expr(*e.defineRef->body, target);
      span_ = saved;
      return;
    }
    default: throw LimitExceeded{e.span, "internal: unresolved name", true};
  }
}

void Generator::binary(const Expr& e, uint8_t target) {
  if (const std::optional<bool> known = knownBool(e)) {
    emit(Opcode::LOADBOOL, target, *known ? 1 : 0);
    return;
  }
  if (const Expr* side = undecidedSide(e)) {
    expr(*side, target);
    return;
  }
  if (e.op == BinaryOp::kAnd && isOwnLineGoverned(*e.kids[0])) {  // true and X is X
    expr(*e.kids[1], target);
    return;
  }
  if (e.op == BinaryOp::kAnd || e.op == BinaryOp::kOr) {
    expr(*e.kids[0], target);
    uint32_t j = emit(e.op == BinaryOp::kAnd ? Opcode::JMPIFNOT : Opcode::JMPIF, target, 0);
    expr(*e.kids[1], target);
    patchB(j, here());
    return;
  }
  if (shiftedDateComparison(e, target) || stringConstantComparison(e, target)) return;
  int mark = top_;
  uint8_t a = widenedOperand(e, 0, *e.kids[0]);
  uint8_t b = widenedOperand(e, 1, *e.kids[1]);
  TypeKind ka = e.toDecimal(0) ? TypeKind::kDecimal : e.kids[0]->type.kind;
  TypeKind kb = e.toDecimal(1) ? TypeKind::kDecimal : e.kids[1]->type.kind;
  span_ = e.span;
  switch (e.op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kDiv: emit(arithmeticOpcode(e.op, e.type.kind, ka, kb), target, a, b); break;
    default: comparison(e.op, ka, target, a, b); break;
  }
  freeTo(mark);
}

// In a loop, `dos - b < d` is `dos - d < b`: the left side a loop invariant (shiftedDate), and b,
// a field, tested by a field test (C-FREQ: `dos - a.date < min_days_between_doses`).
bool Generator::shiftedDateComparison(const Expr& e, uint8_t target) {
  const Expr& left = *e.kids[0];
  if (!(e.op == BinaryOp::kLt || e.op == BinaryOp::kLe || e.op == BinaryOp::kGt || e.op == BinaryOp::kGe) ||
      left.kind != ExprKind::kBinary || left.op != BinaryOp::kSub || left.kids[0]->type.kind != TypeKind::kDate ||
      left.kids[1]->type.kind != TypeKind::kDate || left.kids[1]->type.optional) {
    return false;
  }
  Invariant edge, other;
  if (!shiftedDate(*left.kids[0], *e.kids[1], edge) || invariantOf(*left.kids[1], other)) return false;
  const int mark = top_;
  const uint8_t x = shiftedOperand(edge);
  const uint8_t b = operand(*left.kids[1]);
  span_ = e.span;
  switch (e.op) {
    case BinaryOp::kLt: emit(Opcode::LTI, target, x, b); break;
    case BinaryOp::kLe: emit(Opcode::LEI, target, x, b); break;
    case BinaryOp::kGt: emit(Opcode::LTI, target, b, x); break;
    default: emit(Opcode::LEI, target, b, x); break;
  }
  freeTo(mark);
  return true;
}

bool Generator::stringConstantComparison(const Expr& e, uint8_t target) {
  if ((e.op != BinaryOp::kEq && e.op != BinaryOp::kNe) || e.kids[0]->type.kind != TypeKind::kString) return false;
  const int k = stringConstantOf(*e.kids[1]);
  if (k < 0) return false;
  const int mark = top_;
  uint8_t a = operand(*e.kids[0]);
  span_ = e.span;
  emit(Opcode::EQSK, target, a, static_cast<uint32_t>(k));
  if (e.op == BinaryOp::kNe) emit(Opcode::NOT, target, target);
  freeTo(mark);
  return true;
}

Opcode Generator::arithmeticOpcode(BinaryOp op, TypeKind result, TypeKind ka, TypeKind kb) {
  if (result == TypeKind::kDecimal) {
    return op == BinaryOp::kAdd ? Opcode::ADDD : op == BinaryOp::kSub ? Opcode::SUBD : op == BinaryOp::kMul ? Opcode::MULD : Opcode::DIVD;
  }
  if (ka == TypeKind::kDate && kb == TypeKind::kDuration) return op == BinaryOp::kAdd ? Opcode::ADDDAYS : Opcode::SUBDAYS;
  if (ka == TypeKind::kDate && kb == TypeKind::kDate) return Opcode::DIFFDAYS;
  return op == BinaryOp::kAdd ? Opcode::ADDI : op == BinaryOp::kSub ? Opcode::SUBI : Opcode::MULI;
}

void Generator::comparison(BinaryOp op, TypeKind ka, uint8_t target, uint8_t a, uint8_t b) {
  Opcode eq = Opcode::EQI, lt = Opcode::LTI, le = Opcode::LEI;
  if (ka == TypeKind::kDecimal) {
    eq = Opcode::EQD;
    lt = Opcode::LTD;
    le = Opcode::LED;
  } else if (ka == TypeKind::kString) {
    eq = Opcode::EQS;
  }
  switch (op) {
    case BinaryOp::kEq: emit(eq, target, a, b); break;
    case BinaryOp::kNe:
      emit(eq, target, a, b);
      emit(Opcode::NOT, target, target);
      break;
    case BinaryOp::kLt: emit(lt, target, a, b); break;
    case BinaryOp::kLe: emit(le, target, a, b); break;
    case BinaryOp::kGt: emit(lt, target, b, a); break;
    case BinaryOp::kGe: emit(le, target, b, a); break;
    default: break;
  }
}

bool Generator::invariantOf(const Expr& e, Invariant& out) {
  auto constant = [&](uint16_t index) {
    out.base = Invariant::Base::kConstant;
    out.constantIndex = index;
    return true;
  };
  switch (e.kind) {
    case ExprKind::kLiteral:
      if (e.literalType.kind == TypeKind::kBool) return false;  // LOADBOOL, no constant
      return constant(valueConstant(e.literal, e.text, e.literalType.kind));
    case ExprKind::kName:
    case ExprKind::kField:
      switch (e.ref) {  // the same loads as name()
        case RefKind::kConst:
          return constant(valueConstant(e.constRef->folded, e.constRef->foldedText, e.constRef->type.kind));
        case RefKind::kParam: {
          const BoundParam& p = policy_->params.at(e.paramRef);
          return constant(valueConstant(p.value, p.text, e.paramRef->type.kind));
        }
        case RefKind::kDefine: return invariantOf(*e.defineRef->body, out);  // `dos`
        case RefKind::kRootField:
          out.base = Invariant::Base::kClaim;
          out.path.emplace_back(checked_.schema.root, e.field);
          return true;
        case RefKind::kNone: break;
        default: return false;
      }
      if (e.kind != ExprKind::kField || e.decisionField) return false;
      {
        const Expr& base = *e.kids[0];
        if (base.kind == ExprKind::kName && base.ref == RefKind::kLine) {
          // `line` is the chunk's own line except inside withLine (another line's class).
          if (lineReg_ != ownLineReg_) return false;
          out.base = Invariant::Base::kOwnLine;
        } else if (!invariantOf(base, out) || out.base == Invariant::Base::kConstant) {
          return false;
        }
        out.path.emplace_back(e.record, e.field);
        return true;
      }
    default: return false;
  }
}

bool Generator::shiftedDate(const Expr& date, const Expr& duration, Invariant& out) {
  Invariant d, k;
  if (inGovernedChunk_ || loopDepth_ == 0 || date.type.optional || duration.type.optional ||
      duration.type.kind != TypeKind::kDuration || !invariantOf(date, d) || !invariantOf(duration, k) ||
      d.base != Invariant::Base::kOwnLine || d.path.size() != 1 ||
      d.path[0] != std::make_pair(checked_.lineRecord, checked_.serviceDateField) ||
      k.base != Invariant::Base::kConstant) {
    return false;
  }
  const int64_t days = out_.constants[k.constantIndex].i;
  const int64_t from = policy_->effectiveFrom == INT32_MIN ? kMinDateDays : policy_->effectiveFrom;
  const int64_t through = policy_->effectiveThrough == INT32_MAX ? kMaxDateDays : policy_->effectiveThrough;
  if (from - days < kMinDateDays || through - days > kMaxDateDays) return false;
  out = d;
  out.constantIndex = k.constantIndex;
  out.shifted = true;
  return true;
}

// Its register in a loop's second pass; in the first, where it is computed in place (it cannot
// fail: see shiftedDate), the loop learns to load it with what it is computed from.
uint8_t Generator::shiftedOperand(const Invariant& inv) {
  const auto it = hoisted_.find(inv);
  if (it != hoisted_.end()) return it->second;
  if (std::find(wanted_.begin(), wanted_.end(), inv) == wanted_.end()) wanted_.push_back(inv);
  const uint8_t r = alloc();
  const uint8_t k = alloc();
  emit(Opcode::FIELD, r, ownLineReg_, slotOf(checked_.lineRecord, checked_.serviceDateField), checked_.lineRecord);
  emit(Opcode::LOADK, k, inv.constantIndex);
  emit(Opcode::SUBDAYS, r, r, k);
  freeTo(r + 1);
  return r;
}

void Generator::loadInvariant(const Invariant& inv, uint8_t target) {
  if (inv.shifted) {  // toLoad put the date and the duration before it
    const auto [date, days] = partsOf(inv);
    emit(Opcode::SUBDAYS, target, hoisted_.at(date), hoisted_.at(days));
    return;
  }
  if (inv.base == Invariant::Base::kConstant) {
    emit(Opcode::LOADK, target, inv.constantIndex);
    return;
  }
  const auto& [record, field] = inv.path.back();
  if (inv.path.size() == 1 && inv.base == Invariant::Base::kClaim) {
    emit(Opcode::ROOTFIELD, target, 0, slotOf(record, field), record);
    return;
  }
  uint8_t base = ownLineReg_;
  if (inv.path.size() > 1) {  // the prefix is loaded first: quantifier() adds and orders it
    Invariant prefix = inv;
    prefix.path.pop_back();
    base = hoisted_.at(prefix);
  }
  emit(Opcode::FIELD, target, base, slotOf(record, field), record);
}

void Generator::quantifier(const Expr& e, uint8_t target, std::vector<uint32_t>* found) {
  if (loopDepth_ > 0) {  // an inner loop: the outermost one hoists for it
    loop(e, target, false, found);
    return;
  }
  std::vector<uint32_t> foundFirst;  // pass one's jumps, dropped if pass two replaces its code
  const uint32_t start = here();
  const int mark = top_;
  const Span span = span_;
  // The loop's second compile counts the rule's reads again, from here.
  const std::map<Invariant, int> reads = readCounts_ ? *readCounts_ : std::map<Invariant, int>{};
  wanted_.clear();
  ++loopDepth_;
  loop(e, target, true, found ? &foundFirst : nullptr);
  --loopDepth_;
  const std::vector<Invariant> wanted = std::exchange(wanted_, {});
  const std::vector<Invariant> loads = toLoad(wanted);
  // For the rule's count (readCounts_), the loop reads each value it wants once: two loops that
  // want `dos` make it worth loading once for both.
  auto countReads = [&] {
    if (!readCounts_) return;
    for (const Invariant& inv : wanted) ++(*readCounts_)[inv];
  };
  if (loads.empty()) {  // nothing to hoist, or too many: keep pass one's code
    if (found) found->insert(found->end(), foundFirst.begin(), foundFirst.end());
    countReads();
    return;
  }
  const std::map<Invariant, uint8_t> outer = hoisted_;  // the rule's shared paths, if any
  chunk_->code.resize(start);
  chunk_->positions.resize(start);
  if (readCounts_) *readCounts_ = reads;
  span_ = e.span;
  load(loads);
  span_ = span;
  ++loopDepth_;
  loop(e, target, true, found);
  --loopDepth_;
  hoisted_ = outer;
  freeTo(mark);
  countReads();
}

std::vector<Generator::Invariant> Generator::toLoad(std::vector<Invariant> wanted) const {
  for (size_t i = 0; i < wanted.size(); ++i) {  // every prefix of a path, before the path
    if (wanted[i].shifted) {  // and the date and the duration a shifted date is computed from
      const auto [date, days] = partsOf(wanted[i]);
      for (const Invariant& w : {date, days}) {
        if (std::find(wanted.begin(), wanted.end(), w) == wanted.end()) wanted.push_back(w);
      }
    }
    Invariant prefix = wanted[i];
    while (prefix.path.size() > 1) {
      prefix.path.pop_back();
      if (std::find(wanted.begin(), wanted.end(), prefix) == wanted.end()) wanted.push_back(prefix);
    }
  }
  wanted.erase(std::remove_if(wanted.begin(), wanted.end(),
                              [&](const Invariant& inv) {
                                return hoisted_.count(inv) > 0 || (dateReg_ != 0 && inv == ownDate());
                              }),
               wanted.end());
  // Each costs a register until freed: stay well inside the limit.
  if (chunk_->registerCount + wanted.size() > kMaxRegisters / 2) return {};
  std::stable_sort(wanted.begin(), wanted.end(), [](const Invariant& a, const Invariant& b) {
    return std::make_pair(a.shifted, a.path.size()) < std::make_pair(b.shifted, b.path.size());
  });
  return wanted;
}

void Generator::load(const std::vector<Invariant>& loads) {
  for (const Invariant& inv : loads) {
    const uint8_t r = alloc();
    loadInvariant(inv, r);
    hoisted_[inv] = r;
  }
}

// The conjuncts of `e`, left to right (`a and b and c`: a, b, c); `fused` is set when one of its
// `and`s is the fused only-when's (fused_), which must compile as itself.
void Generator::appendConjuncts(const Expr& e, std::vector<const Expr*>& out, bool& fused) const {
  if (e.kind == ExprKind::kBinary && e.op == BinaryOp::kAnd) {
    if (isFusedWhere(e)) fused = true;
    appendConjuncts(*e.kids[0], out, fused);
    appendConjuncts(*e.kids[1], out, fused);
  } else {
    out.push_back(&e);
  }
}

// Whether a loop over `coll` with filter `where` and variable `var` goes over the claim's lines
// and keeps only governed ones first: `l in lines where l is governed and ...`, or `where l is
// C and ...` for a class C whose predicate starts with `line is governed`. Then ITERNEXTG steps
// over the other lines, and `rest` is what is left to test, in order: the rest of C's
// predicate, then the rest of `where`. Not when an `and` among them is a fused only-when's.
bool Generator::overGovernedLines(const Expr& coll, const Expr* where, const VarDecl* var,
                                  std::vector<LineFilter>& rest) const {
  const bool claimLines = coll.field == checked_.linesField &&
                          ((coll.kind == ExprKind::kName && coll.ref == RefKind::kRootField) ||
                           (coll.kind == ExprKind::kField && coll.ref == RefKind::kNone && !coll.decisionField &&
                            coll.kids[0]->kind == ExprKind::kName && coll.kids[0]->ref == RefKind::kClaim));
  if (!claimLines || !where) return false;
  auto isGoverned = [](const Expr& c, RefKind on, const VarDecl* v) {
    return c.kind == ExprKind::kLineClass && !c.linesRef && !c.negated && c.kids[0]->kind == ExprKind::kName &&
           c.kids[0]->ref == on && (on != RefKind::kVar || c.kids[0]->varRef == v);
  };
  bool fused = false;
  std::vector<const Expr*> conjuncts;
  appendConjuncts(*where, conjuncts, fused);
  const Expr& first = *conjuncts.front();
  rest.clear();
  if (isGoverned(first, RefKind::kVar, var)) {
    // `l is governed`: nothing more of it to test
  } else if (first.kind == ExprKind::kLineClass && first.linesRef && !first.negated &&
             first.kids[0]->kind == ExprKind::kName && first.kids[0]->ref == RefKind::kVar &&
             first.kids[0]->varRef == var) {
    std::vector<const Expr*> predicate;
    appendConjuncts(*first.linesRef->predicate, predicate, fused);
    if (!isGoverned(*predicate.front(), RefKind::kLine, nullptr)) return false;
    for (size_t i = 1; i < predicate.size(); ++i) rest.push_back({predicate[i], true});
  } else {
    return false;
  }
  if (fused) return false;
  for (size_t i = 1; i < conjuncts.size(); ++i) rest.push_back({conjuncts[i], false});
  return true;
}

// Loops: ITERINIT; head: ITERNEXT (exit); body; LOOP head; exit. A `break` is a forward JMP to exit.
void Generator::loop(const Expr& e, uint8_t target, bool outermost, std::vector<uint32_t>* found) {
  const bool aggregate = e.kind == ExprKind::kAggregate;
  const Expr& coll = *e.kids[aggregate ? 1 : 0];
  const Expr* where = nullptr;
  size_t wi = aggregate ? 2 : 1;
  if (e.kids.size() > wi && e.kids[wi]) where = e.kids[wi].get();
  std::vector<LineFilter> filters;  // of a loop over the governed lines: what is left to test
  const bool governedLines = overGovernedLines(coll, where, e.var.get(), filters);
  int mark = top_;
  const uint8_t list = loopList(coll, outermost);
  uint8_t it = alloc();
  uint8_t elem = alloc();
  span_ = e.span;
  const uint8_t one = loopStart(e, target, found);
  emit(Opcode::ITERINIT, it, list);
  uint32_t head = emit(governedLines ? Opcode::ITERNEXTG : Opcode::ITERNEXT, it, elem, 0);
  vars_[e.var.get()] = elem;
  std::vector<uint32_t> continues;
  std::vector<uint32_t> exits;
  uint8_t tmp = alloc();
  if (governedLines) {
    for (const LineFilter& f : filters) {
      if (f.inClass) {
        withLine(elem, [&] { jumpIf(*f.expr, false, tmp, continues); });
      } else {
        jumpIf(*f.expr, false, tmp, continues);
      }
    }
  } else if (where) {
    jumpIf(*where, false, tmp, continues);
  }
  span_ = e.span;
  loopStep(e, target, tmp, one, found, continues, exits);
  uint32_t loop = emit(Opcode::LOOP, 0, head);
  for (uint32_t j : continues) patchB(j, loop);
  uint32_t exit = here();
  patchC(head, exit);
  for (uint32_t j : exits) patchB(j, exit);
  vars_.erase(e.var.get());
  freeTo(mark);
}

// The register holding the list. The outermost loop's list is read once before the loop anyway:
// not a value to hoist. Nor is an inner loop's list field: read in the loop, the fusion pass
// starts the loop from the field (ITERFIELD, ITERROOTFIELD), one instruction as the ITERINIT of
// a hoisted register is.
uint8_t Generator::loopList(const Expr& coll, bool outermost) {
  Invariant listPath;
  if (!outermost && invariantOf(coll, listPath) && listPath.base != Invariant::Base::kConstant &&
      hoisted_.count(listPath) == 0) {
    const uint8_t list = alloc();
    expr(coll, list);
    return list;
  }
  if (outermost) --loopDepth_;
  const uint8_t list = operand(coll);
  if (outermost) ++loopDepth_;
  return list;
}

uint8_t Generator::loopStart(const Expr& e, uint8_t target, std::vector<uint32_t>* found) {
  switch (e.kind) {
    case ExprKind::kExists:
      if (!found) emit(Opcode::LOADBOOL, target, e.negated ? 1 : 0);
      return 0;
    case ExprKind::kEvery: emit(Opcode::LOADBOOL, target, 1); return 0;
    case ExprKind::kCount: {
      emit(Opcode::LOADK, target, intConstant(ValueKind::kInt, 0));
      const uint8_t one = alloc();
      emit(Opcode::LOADK, one, intConstant(ValueKind::kInt, 1));
      return one;
    }
    case ExprKind::kAggregate:
      if (e.aggregate == AggregateOp::kSum) {
        if (e.type.kind == TypeKind::kDecimal) {
          Constant k;
          k.kind = ValueKind::kDecimal;
          emit(Opcode::LOADK, target, constant(k));
        } else {
          emit(Opcode::LOADK, target, intConstant(valueKindOf(e.type.kind), 0));
        }
      } else {
        emit(Opcode::LOADABSENT, target);
      }
      return 0;
    default: return 0;
  }
}

void Generator::loopStep(const Expr& e, uint8_t target, uint8_t tmp, uint8_t one, std::vector<uint32_t>* found,
                         std::vector<uint32_t>& continues, std::vector<uint32_t>& exits) {
  switch (e.kind) {
    case ExprKind::kExists:
      if (found) {
        found->push_back(emit(Opcode::JMP, 0, 0));
        return;
      }
      emit(Opcode::LOADBOOL, target, e.negated ? 0 : 1);
      exits.push_back(emit(Opcode::JMP, 0, 0));
      return;
    case ExprKind::kEvery:
      jumpIf(*e.kids[2], true, tmp, continues);
      emit(Opcode::LOADBOOL, target, 0);
      exits.push_back(emit(Opcode::JMP, 0, 0));
      return;
    case ExprKind::kCount: emit(Opcode::ADDI, target, target, one); return;
    case ExprKind::kAggregate: {
      expr(*e.kids[0], tmp);
      bool dec = e.type.kind == TypeKind::kDecimal;
      if (dec && e.kids[0]->type.kind == TypeKind::kInt) emit(Opcode::ITOD, tmp, tmp);
      span_ = e.span;
      switch (e.aggregate) {
        case AggregateOp::kSum: emit(dec ? Opcode::ADDD : Opcode::ADDI, target, target, tmp); break;
        case AggregateOp::kMax: emit(dec ? Opcode::MAXD : Opcode::MAXI, target, tmp); break;
        case AggregateOp::kMin: emit(dec ? Opcode::MIND : Opcode::MINI, target, tmp); break;
      }
      return;
    }
    default: return;
  }
}

void Generator::inlineDefine(const Expr& e, const std::function<void()>& body) {
  int mark = top_;
  std::vector<uint8_t> args;
  // An inlined definition reads its parameters, never writes them: an argument that is
  // already in a register (a variable, the line) is bound to that register, no MOVE.
  // Variables are not written while in scope, so the alias stays valid for the body.
  for (size_t i = 0; i < e.kids.size(); ++i) {
    const Expr& k = *e.kids[i];
    const bool inRegister = k.kind == ExprKind::kName && (k.ref == RefKind::kVar || k.ref == RefKind::kLine);
    args.push_back(inRegister && !e.toDecimal(i) ? operand(k) : alloc());
  }
  for (size_t i = 0; i < e.kids.size(); ++i) {
    if (args[i] >= mark) {
      expr(*e.kids[i], args[i]);
      widenIf(e, static_cast<int>(i), args[i]);
    }
  }
  span_ = e.span;
  const DefineDecl& d = *e.defineRef;
  for (size_t i = 0; i < args.size(); ++i) vars_[d.params[i].get()] = args[i];
  body();
  for (size_t i = 0; i < args.size(); ++i) vars_.erase(d.params[i].get());
  freeTo(mark);
}

void Generator::jumpIf(const Expr& e, bool when, uint8_t scratch, std::vector<uint32_t>& jumps) {
  span_ = e.span;
  if (!when && isFusedWhere(e)) {  // first, before any shortcut for a side known when compiling
    fusedWhereJumps(e, scratch, jumps);
    return;
  }
  if (const std::optional<bool> known = knownBool(e)) {  // decided now: always jump, or never
    if (*known == when) jumps.push_back(emit(Opcode::JMP, 0, 0));
    return;
  }
  if (const Expr* side = undecidedSide(e)) {
    jumpIf(*side, when, scratch, jumps);
    return;
  }
  switch (e.kind) {
    case ExprKind::kNot: jumpIf(*e.kids[0], !when, scratch, jumps); return;
    case ExprKind::kName:
      if (e.ref == RefKind::kDefine) {  // `require not dose_too_soon`
        jumpIf(*e.defineRef->body, when, scratch, jumps);
        return;
      }
      break;
    case ExprKind::kBinary:
      if (e.op == BinaryOp::kAnd && isOwnLineGoverned(*e.kids[0])) {  // true and X is X
        jumpIf(*e.kids[1], when, scratch, jumps);
        return;
      }
      if (e.op == BinaryOp::kAnd || e.op == BinaryOp::kOr) {
        jumpIfLogical(e, when, scratch, jumps);
        return;
      }
      break;
    case ExprKind::kCall:
      if (e.ref != RefKind::kBuiltin) {  // `where covers(a)`
        inlineDefine(e, [&] { jumpIf(*e.defineRef->body, when, scratch, jumps); });
        return;
      }
      break;
    case ExprKind::kIf: jumpIfChoice(e, when, scratch, jumps); return;
    case ExprKind::kExists: jumpIfFound(e, when, scratch, jumps); return;
    case ExprKind::kLineClass:
      if (e.linesRef && !isOwnLineGoverned(e)) {  // `l is administration` in a `where`: its predicate as jumps
        int mark = top_;
        uint8_t line = operand(*e.kids[0]);
        withLine(line, [&] { jumpIf(*e.linesRef->predicate, when != e.negated, scratch, jumps); });
        freeTo(mark);
        return;
      }
      [[fallthrough]];
    case ExprKind::kIn:
    case ExprKind::kPresence: jumpIfTest(e, when, scratch, jumps); return;
    default: break;
  }
  expr(e, scratch);
  jumps.push_back(emit(when ? Opcode::JMPIF : Opcode::JMPIFNOT, scratch, 0));
}

// `A and B`, `A or B`: where the left side alone decides (`or` true, `and` false), both sides
// jump to the same place; otherwise the left side's deciding value skips the right side.
void Generator::jumpIfLogical(const Expr& e, bool when, uint8_t scratch, std::vector<uint32_t>& jumps) {
  const bool decisive = e.op == BinaryOp::kOr;  // the value of the left side that decides alone
  if (when == decisive) {
    jumpIf(*e.kids[0], when, scratch, jumps);
    jumpIf(*e.kids[1], when, scratch, jumps);
    return;
  }
  std::vector<uint32_t> decided;  // the left side alone gives `not when`: fall through
  jumpIf(*e.kids[0], decisive, scratch, decided);
  jumpIf(*e.kids[1], when, scratch, jumps);
  for (uint32_t j : decided) patchB(j, here());
}

// `require if C then A else B`: the branch C picks, as jumps; only it is evaluated, as in
// expr().
void Generator::jumpIfChoice(const Expr& e, bool when, uint8_t scratch, std::vector<uint32_t>& jumps) {
  if (const std::optional<bool> known = knownBool(*e.kids[0])) {
    jumpIf(*e.kids[*known ? 1 : 2], when, scratch, jumps);
    return;
  }
  std::vector<uint32_t> toElse;
  jumpIf(*e.kids[0], false, scratch, toElse);
  jumpIf(*e.kids[1], when, scratch, jumps);
  const uint32_t toEnd = emit(Opcode::JMP, 0, 0);
  for (uint32_t j : toElse) patchB(j, here());
  jumpIf(*e.kids[2], when, scratch, jumps);
  patchB(toEnd, here());
}

// `any` / `no`: an element that passes decides at once; running out of elements decides the
// other way.
void Generator::jumpIfFound(const Expr& e, bool when, uint8_t scratch, std::vector<uint32_t>& jumps) {
  const bool whenFound = !e.negated;
  std::vector<uint32_t> found;
  quantifier(e, scratch, &found);
  if (when == whenFound) {
    jumps.insert(jumps.end(), found.begin(), found.end());
    return;
  }
  jumps.push_back(emit(Opcode::JMP, 0, 0));
  for (uint32_t j : found) patchB(j, here());
}

// `x in S`, `x is present`, `l is C`: computed without their final NOT (omitNot_), which the
// jump's sense takes instead.
void Generator::jumpIfTest(const Expr& e, bool when, uint8_t scratch, std::vector<uint32_t>& jumps) {
  omitNot_ = true;
  notOmitted_ = false;
  expr(e, scratch);
  const bool flipped = std::exchange(notOmitted_, false);
  jumps.push_back(emit(when != flipped ? Opcode::JMPIF : Opcode::JMPIFNOT, scratch, 0));
}

// `C and D` of a fused only-when, jumping when false: the flag matters only when no element
// meets both (then the rule skips unless one met C), so it is set where C held and D did not, not
// on the way to an element that passes. `true and D` compiled as D alone would never set it.
void Generator::fusedWhereJumps(const Expr& e, uint8_t scratch, std::vector<uint32_t>& jumps) {
  jumpIf(*e.kids[0], false, scratch, jumps);
  std::vector<uint32_t> both;
  jumpIf(*e.kids[1], true, scratch, both);
  emit(Opcode::LOADBOOL, fused_->flag, 1);
  jumps.push_back(emit(Opcode::JMP, 0, 0));
  for (uint32_t j : both) patchB(j, here());
}

void Generator::expr(const Expr& e, uint8_t target) {
  span_ = e.span;
  switch (e.kind) {
    case ExprKind::kLiteral:
      if (e.literalType.kind == TypeKind::kBool) {
        emit(Opcode::LOADBOOL, target, e.literal.i ? 1 : 0);
      } else {
        emit(Opcode::LOADK, target, valueConstant(e.literal, e.text, e.literalType.kind));
      }
      return;
    case ExprKind::kName: name(e, target); return;
    case ExprKind::kField:
      if (e.ref != RefKind::kNone) {
        name(e, target);
        return;
      }
    {
      int mark = top_;
      uint8_t base = operand(*e.kids[0]);
      span_ = e.span;
      if (e.decisionField) {
        emit(Opcode::DECISION, target, base);
      } else {
        emit(Opcode::FIELD, target, base, slotOf(e.record, e.field), e.record);
      }
      freeTo(mark);
      return;
    }
    case ExprKind::kNeg:
      expr(*e.kids[0], target);
      emit(e.type.kind == TypeKind::kDecimal ? Opcode::NEGD : Opcode::NEGI, target, target);
      return;
    case ExprKind::kNot:
      expr(*e.kids[0], target);
      emit(Opcode::NOT, target, target);
      return;
    case ExprKind::kBinary: binary(e, target); return;
    case ExprKind::kDefault: {
      int mark = top_;
      expr(*e.kids[0], target);
      widenIf(e, 0, target);
      uint8_t present = alloc();
      emit(Opcode::ISPRESENT, present, target);
      uint32_t j = emit(Opcode::JMPIF, present, 0);
      expr(*e.kids[1], target);
      widenIf(e, 1, target);
      patchB(j, here());
      freeTo(mark);
      return;
    }
    case ExprKind::kPresence: {
      const bool omit = std::exchange(omitNot_, false);
      int mark = top_;
      uint8_t v = operand(*e.kids[0]);
      span_ = e.span;
      emit(Opcode::ISPRESENT, target, v);
      if (e.wantAbsent) negateUnlessOmitted(omit, target);
      freeTo(mark);
      return;
    }
    case ExprKind::kLineClass: lineClass(e, target); return;
    case ExprKind::kIn: membership(e, target); return;
    case ExprKind::kWithin: within(e, target); return;
    case ExprKind::kBetween: between(e, target); return;
    case ExprKind::kIf: conditional(e, target); return;
    case ExprKind::kCall: call(e, target); return;
    case ExprKind::kSet: throw LimitExceeded{e.span, "internal: a set can only be used with `in`", true};
    case ExprKind::kExists:
    case ExprKind::kEvery:
    case ExprKind::kCount:
    case ExprKind::kAggregate: quantifier(e, target); return;
  }
}

void Generator::lineClass(const Expr& e, uint8_t target) {
  const bool omit = std::exchange(omitNot_, false);
  if (isOwnLineGoverned(e)) {
    emit(Opcode::LOADBOOL, target, 1);
    return;
  }
  int mark = top_;
  uint8_t line = operand(*e.kids[0]);
  if (!e.linesRef && !inGovernedChunk_) {
    // Another line's governed test: the VM ran it for every line before any class or rule
    // chunk (decide() step b), so it is one lookup rather than the inlined predicate.
    span_ = e.span;
    emit(Opcode::ISGOVERNED, target, line);
    if (e.negated) negateUnlessOmitted(omit, target);
    freeTo(mark);
    return;
  }
  withLine(line, [&] {
    if (e.linesRef) {
      expr(*e.linesRef->predicate, target);
    } else {
      governed(target);
    }
  });
  span_ = e.span;
  if (e.negated) negateUnlessOmitted(omit, target);
  freeTo(mark);
}

void Generator::membership(const Expr& e, uint8_t target) {
  const bool omit = std::exchange(omitNot_, false);
  int mark = top_;
  const Expr& coll = *e.kids[1];
  const int constantK = !coll.type.stringSet && coll.type.elem == TypeKind::kString ? stringConstantOf(*e.kids[0]) : -1;
  uint8_t v = constantK >= 0 ? 0 : widenedOperand(e, 0, *e.kids[0]);
  span_ = e.span;
  if (coll.type.stringSet) {
    std::vector<std::string> members;
    if (coll.kind == ExprKind::kSet) {
      std::unordered_set<std::string> seen;  // a set of many codes stays linear to compile
      for (const auto& k : coll.kids) {
        std::string text = k->kind == ExprKind::kLiteral ? k->text : k->constRef->foldedText;
        if (seen.insert(text).second) members.push_back(std::move(text));
      }
    } else {
      members = coll.constRef->foldedSet;
    }
    emit(Opcode::INSET, target, v, stringSet(members));
  } else if (constantK >= 0) {  // "C61" in diagnoses: CONTAINSK, no LOADK
    uint8_t l = operand(coll);
    span_ = e.span;
    emit(Opcode::CONTAINSK, target, l, static_cast<uint32_t>(constantK));
  } else {
    uint8_t l = operand(coll);
    span_ = e.span;
    emit(Opcode::CONTAINS, target, l, v, static_cast<uint32_t>(valueKindOf(coll.type.elem)));
  }
  if (e.negated) negateUnlessOmitted(omit, target);
  freeTo(mark);
}

void Generator::within(const Expr& e, uint8_t target) {
  int mark = top_;
  uint8_t d = operand(*e.kids[0]);
  uint8_t x, edge;
  Invariant shifted;
  if (e.before && shiftedDate(*e.kids[2], *e.kids[1], shifted)) {  // x - span, once a loop
    edge = shiftedOperand(shifted);
    x = operand(*e.kids[2]);
    span_ = e.span;
  } else {
    uint8_t span = operand(*e.kids[1]);
    x = operand(*e.kids[2]);
    edge = alloc();
    span_ = e.span;
    emit(e.before ? Opcode::SUBDAYS : Opcode::ADDDAYS, edge, x, span);
  }
  // before: x - span <= d <= x; after: x <= d <= x + span
  emit(Opcode::LEI, target, e.before ? edge : x, d);
  uint32_t j = emit(Opcode::JMPIFNOT, target, 0);
  emit(Opcode::LEI, target, d, e.before ? x : edge);
  patchB(j, here());
  freeTo(mark);
}

void Generator::between(const Expr& e, uint8_t target) {
  int mark = top_;
  uint8_t x = widenedOperand(e, 0, *e.kids[0]);
  uint8_t lo = widenedOperand(e, 1, *e.kids[1]);
  uint8_t hi = widenedOperand(e, 2, *e.kids[2]);
  span_ = e.span;
  bool dec = e.kids[0]->type.kind == TypeKind::kDecimal || e.toDecimal(0);
  Opcode le = dec ? Opcode::LED : Opcode::LEI;
  emit(le, target, lo, x);
  uint32_t j = emit(Opcode::JMPIFNOT, target, 0);
  emit(le, target, x, hi);
  patchB(j, here());
  if (e.negated) emit(Opcode::NOT, target, target);
  freeTo(mark);
}

void Generator::conditional(const Expr& e, uint8_t target) {
  if (const std::optional<bool> known = knownBool(*e.kids[0])) {  // only the branch it picks
    const int pick = *known ? 1 : 2;
    expr(*e.kids[pick], target);
    widenIf(e, pick, target);
    return;
  }
  int mark = top_;
  uint8_t cond = alloc();
  std::vector<uint32_t> toElse;  // the condition as jumps, as a clause's is
  jumpIf(*e.kids[0], false, cond, toElse);
  freeTo(mark);
  expr(*e.kids[1], target);
  widenIf(e, 1, target);
  uint32_t toEnd = emit(Opcode::JMP, 0, 0);
  for (uint32_t j : toElse) patchB(j, here());
  expr(*e.kids[2], target);
  widenIf(e, 2, target);
  patchB(toEnd, here());
}

void Generator::call(const Expr& e, uint8_t target) {
  if (e.ref != RefKind::kBuiltin) {
    inlineDefine(e, [&] { expr(*e.defineRef->body, target); });
    return;
  }
  int mark = top_;
  std::vector<uint8_t> args;
  for (size_t i = 0; i < e.kids.size(); ++i) args.push_back(alloc());
  for (size_t i = 0; i < e.kids.size(); ++i) {
    expr(*e.kids[i], args[i]);
    widenIf(e, static_cast<int>(i), args[i]);
  }
  span_ = e.span;
  emit(Opcode::CALL, target, function(e.builtin), args.empty() ? 0 : args[0], static_cast<uint32_t>(args.size()));
  freeTo(mark);
}

Generator::ArgumentRun Generator::messageArgs(const MessageTemplate& m) {
  std::vector<uint8_t> args;  // all allocated first: an argument's temporaries go above the run
  for (const auto& p : m.pieces) {
    if (p.expr) args.push_back(alloc());
  }
  size_t i = 0;
  for (const auto& p : m.pieces) {
    if (p.expr) expr(*p.expr, args[i++]);
  }
  ArgumentRun run;
  run.first = args.empty() ? 0 : args[0];
  run.count = static_cast<uint32_t>(args.size());
  return run;
}

Message Generator::message(const MessageTemplate& m, const std::string& fallback) {
  Message msg;
  if (!m.present) {
    msg.pieces.push_back(ppl::MessagePiece{fallback});
    return msg;
  }
  for (const auto& p : m.pieces) {
    ppl::MessagePiece piece;
    if (p.expr) {
      piece.arg = static_cast<int16_t>(msg.argCount++);
      piece.kind = valueKindOf(p.expr->type.kind);
      piece.elemKind = valueKindOf(p.expr->type.elem);
    } else {
      piece.text = p.text;
    }
    msg.pieces.push_back(std::move(piece));
  }
  return msg;
}

static AdjustmentGroup groupByName(const std::string& g) {
  if (g == "PR") return AdjustmentGroup::kPR;
  if (g == "OA") return AdjustmentGroup::kOA;
  return AdjustmentGroup::kCO;
}

// Whether two checked expressions compute the same thing: the same form, the same references
// and literals, and the same children, where a variable of `a` bound at the same place as one
// of `b` (`vars`: a's variable -> b's) stands for it. Conservative: what it does not compare
// it counts as different.
bool sameExpr(const Expr& a, const Expr& b, std::map<const VarDecl*, const VarDecl*>& vars) {
  if (a.kind != b.kind || a.op != b.op || a.aggregate != b.aggregate || a.negated != b.negated ||
      a.wantAbsent != b.wantAbsent || a.before != b.before || a.ref != b.ref || a.constRef != b.constRef ||
      a.paramRef != b.paramRef || a.defineRef != b.defineRef || a.linesRef != b.linesRef ||
      a.moduleRef != b.moduleRef || a.builtin != b.builtin || a.field != b.field || a.record != b.record ||
      a.decisionField != b.decisionField || a.widened != b.widened || a.qualifier != b.qualifier ||
      (a.ref != RefKind::kVar && a.name != b.name) ||
      a.kids.size() != b.kids.size() || (a.var == nullptr) != (b.var == nullptr) ||
      !sameType(a.type, b.type) || a.type.optional != b.type.optional) {
    return false;
  }
  if (a.kind == ExprKind::kLiteral) {
    if (a.literalType.kind != b.literalType.kind || a.text != b.text) return false;
    switch (a.literalType.kind) {
      case TypeKind::kString: break;  // the text
      case TypeKind::kDecimal:
        if (compare(a.literal.d, b.literal.d) != 0 || a.literal.d.exponent() != b.literal.d.exponent()) return false;
        break;
      default:
        if (a.literal.i != b.literal.i) return false;
    }
  }
  if (a.ref == RefKind::kVar) {
    const auto bound = vars.find(a.varRef);
    if (bound == vars.end() ? a.varRef != b.varRef : bound->second != b.varRef) return false;
  }
  if (a.var) vars[a.var.get()] = b.var.get();
  for (size_t i = 0; i < a.kids.size(); ++i) {
    if ((a.kids[i] == nullptr) != (b.kids[i] == nullptr)) return false;
    if (a.kids[i] && !sameExpr(*a.kids[i], *b.kids[i], vars)) return false;
  }
  return true;
}

// `only when any x in L where C` and a first clause `require any y in L where C and D`
// (PA-UNITS: only when some authorization covers the line, one of those must have units left)
// are decided by the require's loop alone: it notes when an element meets C, and when no
// element meets C and D, the rule is skipped if none met C and fails otherwise. The same
// elements are tested in the same order as by the two loops, less the only-when loop's tests
// of C, so the outcome and any error of C or D are the same. The element-visit budget sees
// fewer visits: a claim just over it before may now be decided (design.md, "Bounded input").
bool Generator::fusesOnlyWhen(const RuleDecl& r) {
  if (!r.onlyWhen || r.clauses.empty() || r.clauses.front().kind != ClauseKind::kRequire) return false;
  const Expr& only = *r.onlyWhen;
  const Expr& req = *r.clauses.front().expr;
  if (only.kind != ExprKind::kExists || req.kind != ExprKind::kExists || only.negated || req.negated) return false;
  if (only.kids.size() < 2 || req.kids.size() < 2 || !only.kids[1] || !req.kids[1]) return false;
  const Expr& where = *req.kids[1];
  if (where.kind != ExprKind::kBinary || where.op != BinaryOp::kAnd) return false;
  std::map<const VarDecl*, const VarDecl*> vars;
  if (!sameExpr(*only.kids[0], *req.kids[0], vars)) return false;
  vars[only.var.get()] = req.var.get();
  return sameExpr(*only.kids[1], *where.kids[0], vars);
}

// Pass one compiles the body counting the paths it reads (compileCountingReads); its code stays
// unless some are read twice or more: then the body is compiled again, starting by loading
// those worth it (pathsWorthLoading). fused_ holds for both.
void Generator::rule(const RuleDecl& r, RuleInfo& info) {
  info.id = r.id;
  info.title = r.title;
  info.pos = SourcePos{r.span.file, r.span.line, r.span.col};
  info.chunk = beginChunk("rule " + r.id);
  span_ = r.span;
  dateReg_ = alloc();
  seedDate();
  RuleBody body(r, info, alloc());
  ruleGuards(r, body.test, body.skips);
  if (fusesOnlyWhen(r)) fused_ = FusedOnlyWhen{r.clauses.front().expr->kids[1].get(), alloc(), &body.skips};
  body.start = here();
  body.registerCount = chunk_->registerCount;
  body.guardSkips = body.skips.size();
  body.clausesFrom = clausesStart(info);
  const std::vector<Invariant> shared = compileCountingReads(body);
  if (!toLoad(shared).empty()) compileBody(body, toLoad(pathsWorthLoading(body, shared)));
  fused_.reset();
  finishRule(r.span, body.skips);
}

// The rule's applies-to classes and effective dates, as jumps to SKIP (appended to `skips`).
void Generator::ruleGuards(const RuleDecl& r, uint8_t test, std::vector<uint32_t>& skips) {
  for (const LinesDecl* cls : r.appliesRefs) {
    if (!cls) continue;  // governed: every line a rule sees is
    span_ = cls->span;
    jumpIf(*cls->predicate, false, test, skips);
  }
  if (!r.effectiveFrom && !r.effectiveThrough) return;
  uint8_t dos = alloc();
  uint8_t bound = alloc();
  emit(Opcode::FIELD, dos, lineReg_, slotOf(checked_.lineRecord, checked_.serviceDateField), checked_.lineRecord);
  if (r.effectiveFrom) {
    expr(*r.effectiveFrom, bound);
    emit(Opcode::LEI, test, bound, dos);
    skips.push_back(emit(Opcode::JMPIFNOT, test, 0));
  }
  if (r.effectiveThrough) {
    expr(*r.effectiveThrough, bound);
    emit(Opcode::LEI, test, dos, bound);
    skips.push_back(emit(Opcode::JMPIFNOT, test, 0));
  }
  freeTo(test + 1);
}

// The only-when test as jumps to SKIP; for a fused one, the flag's reset (the require's loop
// sets it).
void Generator::onlyWhenTest(RuleBody& body) {
  if (fused_) {
    emit(Opcode::LOADBOOL, fused_->flag, 0);
  } else if (body.rule.onlyWhen) {
    jumpIf(*body.rule.onlyWhen, false, body.test, body.skips);
  }
}

std::vector<Generator::Invariant> Generator::compileCountingReads(RuleBody& body) {
  std::map<Invariant, int> reads;
  readCounts_ = &reads;
  onlyWhenTest(body);
  clauses(body.rule, body.info);
  readCounts_ = nullptr;
  std::vector<Invariant> shared;
  for (const auto& [inv, n] : reads) {
    if (n >= 2) shared.push_back(inv);
  }
  std::stable_sort(shared.begin(), shared.end(),
                   [](const Invariant& a, const Invariant& b) { return a.path.size() > b.path.size(); });
  return shared;
}

// A load pays only where its reads would not be field tests anyway (`line.modifiers` tested in
// both branches of an `if`, one of them run, costs a LINEFIELD and saves nothing), so each path
// is kept only if the rule, finished and fused, has fewer instructions with it than without
// (longer paths tried first: `line.drug` may pay where `line.drug.acquisition_channel` does not).
std::vector<Generator::Invariant> Generator::pathsWorthLoading(RuleBody& body, std::vector<Invariant> shared) {
  size_t best = finishedSize(body, toLoad(shared));
  for (size_t i = 0; i < shared.size() && best <= kMaxLoadTrialCost;) {
    std::vector<Invariant> fewer = shared;
    fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(i));
    const std::vector<Invariant> loads = toLoad(fewer);
    // Not tried when the path is loaded anyway (a prefix of another, part of a shifted date).
    const size_t n = loads.size() < toLoad(shared).size() ? finishedSize(body, loads) : SIZE_MAX;
    if (n <= best) {
      best = n;
      shared = std::move(fewer);
    } else {
      ++i;
    }
  }
  return shared;
}

void Generator::compileBody(RuleBody& body, const std::vector<Invariant>& loads) {
  chunk_->code.resize(body.start);
  chunk_->positions.resize(body.start);
  chunk_->registerCount = body.registerCount;
  body.skips.resize(body.guardSkips);
  restart(body.clausesFrom, body.info);
  span_ = body.rule.span;
  seedDate();
  load(loads);
  onlyWhenTest(body);
  clauses(body.rule, body.info);
  hoisted_.clear();
}

size_t Generator::finishedSize(RuleBody& body, const std::vector<Invariant>& loads) {
  compileBody(body, loads);
  const Chunk unfinished = *chunk_;
  finishRule(body.rule.span, body.skips);
  const size_t n = static_cast<size_t>(
      std::count_if(chunk_->code.begin(), chunk_->code.end(), [](const Instr& in) { return in.op != Opcode::EXT; }));
  *chunk_ = unfinished;
  return n;
}

// PASS, then SKIP where `skips` jump; then the peephole optimizer, and the date load every rule
// chunk starts with.
void Generator::finishRule(const Span& span, const std::vector<uint32_t>& skips) {
  span_ = span;
  emit(Opcode::PASS);
  const uint32_t skip = here();
  for (uint32_t j : skips) patchB(j, skip);
  if (!skips.empty()) emit(Opcode::SKIP);
  optimizeChunk(*chunk_);
  insertDateLoad();
}

// After the peephole optimizer (peephole.h), whose passes move and drop field reads: this one must stay
// the chunk's second word whether the rule reads it or not.
void Generator::insertDateLoad() {
  if (dateReg_ == 0) return;
  std::vector<Instr>& code = chunk_->code;
  constexpr uint32_t at = 1;  // after LINE
  // Every jump target from `at` on moves down one; an extension word holds no jump.
  for (size_t pc = 0; pc < code.size(); pc += wordsOf(code[pc].op)) {
    uint16_t* target = jumpOperand(code[pc]);
    if (target && *target >= at) ++*target;
  }
  Instr load;
  load.op = Opcode::LINEFIELD;
  load.a = dateReg_;
  load.c = static_cast<uint16_t>(slotOf(checked_.lineRecord, checked_.serviceDateField));
  load.d = static_cast<uint16_t>(checked_.lineRecord);
  code.insert(code.begin() + at, load);
  if (chunk_->positions.size() + 1 == code.size()) {
    const SourcePos pos = chunk_->positions.empty() ? SourcePos{} : chunk_->positions.front();
    chunk_->positions.insert(chunk_->positions.begin() + at, pos);
  }
}

void Generator::clauses(const RuleDecl& r, RuleInfo& info) {
  for (size_t i = 0; i < r.clauses.size(); ++i) {
    if (const Expr* d = known_.empty() ? splitDefine(r, i) : nullptr) {
      splitAt(r, info, i, *d);
      return;
    }
    clause(r, info, r.clauses[i]);
  }
}

// The nodes of `e`, with the bodies of the defines it reads (codegen compiles them in place), up
// to `cap`: a measure of the code `e` compiles to.
static size_t exprNodes(const Expr& e, size_t cap) {
  size_t n = 1;
  if ((e.kind == ExprKind::kName || e.kind == ExprKind::kCall) && e.ref == RefKind::kDefine && n < cap) {
    n += exprNodes(*e.defineRef->body, cap - n);
  }
  for (const auto& k : e.kids) {
    if (k && n < cap) n += exprNodes(*k, cap - n);
  }
  return n;
}

// Whether `e` reads define `d`, itself or through another define.
static bool readsDefine(const Expr& e, const DefineDecl* d) {
  if ((e.kind == ExprKind::kName || e.kind == ExprKind::kCall) && e.ref == RefKind::kDefine) {
    if (e.defineRef == d || readsDefine(*e.defineRef->body, d)) return true;
  }
  for (const auto& k : e.kids) {
    if (k && readsDefine(*k, d)) return true;
  }
  return false;
}

const Expr* Generator::splitDefine(const RuleDecl& r, size_t i) const {
  const Clause& cl = r.clauses[i];
  if (cl.kind == ClauseKind::kLet || !cl.expr || (fused_ && i == 0)) return nullptr;
  const Expr* first = cl.expr.get();  // what the clause's condition evaluates first
  while (first->kind == ExprKind::kNot ||
         (first->kind == ExprKind::kBinary && (first->op == BinaryOp::kAnd || first->op == BinaryOp::kOr))) {
    if (undecidedSide(*first) || knownBool(*first)) return nullptr;
    first = first->kids[0].get();
  }
  if (first->kind != ExprKind::kName || first->ref != RefKind::kDefine || first->type.kind != TypeKind::kBool ||
      knownBool(*first)) {
    return nullptr;
  }
  // The split compiles clauses i.. twice: not for a rule so large that the copy could pass the
  // limit on a chunk's code where the rule alone would not (a rule of 7,000 clauses did).
  size_t nodes = 0;
  for (size_t j = i; j < r.clauses.size() && nodes <= kMaxSplitNodes; ++j) {
    if (r.clauses[j].expr) nodes += exprNodes(*r.clauses[j].expr, kMaxSplitNodes + 1 - nodes);
  }
  if (nodes > kMaxSplitNodes) return nullptr;
  for (size_t j = i + 1; j < r.clauses.size(); ++j) {
    if (r.clauses[j].expr && readsDefine(*r.clauses[j].expr, first->defineRef)) return first;
  }
  return nullptr;
}

void Generator::splitAt(const RuleDecl& r, RuleInfo& info, size_t i, const Expr& d) {
  const ClausesStart from = clausesStart(info);
  span_ = r.clauses[i].span;
  // As a branch taken when D holds (an `any` jumps from its loop when an element passes and
  // falls through when none does, no JMP after the loop), the false copy first.
  std::vector<uint32_t> whenTrue;
  jumpIf(d, true, alloc(), whenTrue);
  freeTo(from.top);
  uint32_t toEnd = 0;
  for (const bool value : {false, true}) {
    if (value) {  // the same clauses again, their outcomes and adjustments numbered alike
      span_ = r.span;
      toEnd = emit(Opcode::JMP, 0, 0);
      for (uint32_t j : whenTrue) patchB(j, here());
      restart(from, info);
    }
    known_[d.defineRef] = value;
    for (size_t j = i; j < r.clauses.size(); ++j) clause(r, info, r.clauses[j]);
    known_.erase(d.defineRef);
  }
  patchB(toEnd, here());  // the rule's PASS comes next
}

void Generator::clause(const RuleDecl& r, RuleInfo& info, const Clause& cl) {
  span_ = cl.span;
  switch (cl.kind) {
    case ClauseKind::kLet: {
      uint8_t v = alloc();  // held to the end of the rule
      expr(*cl.expr, v);
      vars_[cl.var.get()] = v;
      return;
    }
    case ClauseKind::kRequire:
    case ClauseKind::kFailWhen: failClause(r, info, cl); return;
    case ClauseKind::kAdjust: adjustClause(r, info, cl); return;
  }
}

// The condition as jumps past a FAIL.
void Generator::failClause(const RuleDecl& r, RuleInfo& info, const Clause& cl) {
  const std::optional<bool> known = knownBool(*cl.expr);
  const bool neverFails = known && *known == (cl.kind == ClauseKind::kRequire);
  int mark = top_;
  uint8_t cond = alloc();
  std::vector<uint32_t> passes;
  if (neverFails) {
    // its outcome is still listed, so that later outcomes keep their numbers
  } else if (fused_ && &cl == &r.clauses.front()) {
    jumpIf(*cl.expr, true, cond, passes);  // fused_ marks the `and` of its `where`
    fused_->skips->push_back(emit(Opcode::JMPIFNOT, fused_->flag, 0));
  } else {
    jumpIf(*cl.expr, cl.kind == ClauseKind::kRequire, cond, passes);
  }
  Outcome o = outcomeOf(r, cl);
  if (neverFails) {
    info.outcomes.push_back(std::move(o));
    freeTo(mark);
    return;
  }
  uint32_t groupReg = kNoRegister;
  if (o.groupComputed) {
    uint8_t gr = alloc();
    expr(*cl.outcome.groupExpr, gr);
    groupReg = gr;
  }
  const ArgumentRun args = messageArgs(cl.outcome.message);
  span_ = cl.span;
  emit(Opcode::FAIL, args.first, static_cast<uint32_t>(info.outcomes.size()), args.count, groupReg);
  info.outcomes.push_back(std::move(o));
  for (uint32_t j : passes) patchB(j, here());
  freeTo(mark);
}

// The condition as jumps past an ADJUST.
void Generator::adjustClause(const RuleDecl& r, RuleInfo& info, const Clause& cl) {
  int mark = top_;
  uint8_t cond = alloc();
  std::vector<uint32_t> skips;
  jumpIf(*cl.expr, false, cond, skips);
  AdjustmentSpec a = adjustmentOf(r, cl);
  const ArgumentRun args = messageArgs(cl.outcome.message);
  span_ = cl.span;
  emit(Opcode::ADJUST, args.first, static_cast<uint32_t>(info.adjustments.size()), args.count);
  info.adjustments.push_back(std::move(a));
  for (uint32_t j : skips) patchB(j, here());
  freeTo(mark);
}

Outcome Generator::outcomeOf(const RuleDecl& r, const Clause& cl) {
  Outcome o;
  o.action = cl.outcome.action;
  o.carc = cl.outcome.carc;
  o.rarcs = cl.outcome.rarcs;
  o.pos = SourcePos{cl.outcome.span.file, cl.outcome.span.line, cl.outcome.span.col};
  o.message = message(cl.outcome.message, r.title.empty() ? r.id : r.title);
  const Expr* g = cl.outcome.groupExpr.get();
  if (g && g->kind == ExprKind::kLiteral) {
    o.group = static_cast<AdjustmentGroup>(g->literal.i);
  } else if (g) {
    o.groupComputed = true;  // FAIL's operand d: the register the clause computes it into
  } else {
    o.group = groupByName(cl.outcome.group);
  }
  return o;
}

AdjustmentSpec Generator::adjustmentOf(const RuleDecl& r, const Clause& cl) {
  AdjustmentSpec a;
  a.group = groupByName(cl.outcome.group);
  a.carc = cl.outcome.carc;
  a.percent = cl.percent;
  a.pos = SourcePos{cl.span.file, cl.span.line, cl.span.col};
  a.message = message(cl.outcome.message, r.title.empty() ? r.id : r.title);
  return a;
}

void Generator::policy(const CheckedPolicy& p) {
  policy_ = &p;
  PolicyInfo info;
  info.id = p.id;
  info.version = p.version;
  info.title = p.title;
  info.linesOfBusiness = p.linesOfBusiness;
  info.effectiveFrom = p.effectiveFrom;
  info.effectiveThrough = p.effectiveThrough;
  info.governedChunk = governedChunk("governed " + p.id);
  for (const PhasedClass& pc : p.phasedClasses) {
    LineClass lc;
    lc.name = pc.decl->name;
    lc.phase = pc.phase;
    lc.chunk = predicateChunk("lines " + pc.decl->name + " " + p.id, *pc.decl->predicate);
    info.phasedClasses.push_back(std::move(lc));
  }
  for (const RuleDecl* r : p.rules) {
    RuleInfo ri;
    rule(*r, ri);
    info.rules.push_back(std::move(ri));
  }
  out_.policies.push_back(std::move(info));
}

}  // namespace

bool generateProgram(const CheckedProgram& checked, const SourceManager& sources, Program& out, Diagnostics& diags) {
  out = Program();
  out.schema = checked.schema;
  for (uint32_t f = 0; f < sources.count(); ++f) out.files.push_back(sources.path(f));
  Generator gen(checked, out);
  for (const CheckedPolicy& p : checked.policies) {
    try {
      gen.policy(p);
    } catch (const LimitExceeded& e) {
      if (e.internal) {
        diags.internalError(e.span, e.message);
      } else {
        diags.error(e.span, e.message);
      }
      return false;
    }
  }
  return true;
}

}  // namespace ppl
