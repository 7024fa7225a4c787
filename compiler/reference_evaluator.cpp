// The reference evaluator (see reference_evaluator.h). Each construct is evaluated the way
// docs/language.md states it, one case at a time; runtime errors are thrown as EvalError and
// caught once, in decide().
#include "compiler/reference_evaluator.h"

#include <cstring>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "runtime/date.h"
#include "stdlib/functions.h"

namespace ppl {
namespace {

using ast::AggregateOp;
using ast::BinaryOp;
using ast::ClauseKind;
using ast::DefineDecl;
using ast::Expr;
using ast::ExprKind;
using ast::LinesDecl;
using ast::MessageTemplate;
using ast::OutcomeSpec;
using ast::RefKind;
using ast::RuleDecl;
using ast::VarDecl;

// A runtime error: the claim gets an error instead of a decision.
struct EvalError {
  std::string message;
};

[[noreturn]] void fail(std::string message) { throw EvalError{std::move(message)}; }

// The checker promises that non-optional expressions are never absent; if one is anyway, say
// so rather than read a zeroed payload as a value.
const Value& need(const Value& v) {
  if (v.absent) fail("internal: absent value");
  return v;
}

Value widen(const Value& v) { return v.absent ? v : Value::ofDecimal(Decimal::fromInt(v.i)); }

// Integers widen to decimals where a decimal is expected (docs/language.md, Types).
Value toKind(TypeKind want, TypeKind have, const Value& v) {
  return want == TypeKind::kDecimal && have == TypeKind::kInt ? widen(v) : v;
}

StrRef refTo(const std::string& s) { return StrRef{s.data(), static_cast<uint32_t>(s.size())}; }
StrRef refTo(const char* s) { return StrRef{s, static_cast<uint32_t>(std::strlen(s))}; }

void check(DecimalStatus status) {
  switch (status) {
    case DecimalStatus::kOk: return;
    case DecimalStatus::kOverflow: fail("decimal overflow");
    case DecimalStatus::kDivisionByZero: fail("division by zero");
    case DecimalStatus::kDomain: fail("square root of a negative number");
  }
  fail("internal: unknown decimal status");
}

// Integers, dates and durations all live in Value::i; arithmetic on them must not wrap.
int64_t addInt(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) fail("integer overflow");
  return r;
}
int64_t subInt(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) fail("integer overflow");
  return r;
}
// Dates stay in years 0001..9999, as the VM's ADDDAYS and SUBDAYS keep them.
int64_t inDateRange(int64_t days) {
  if (days < kMinDateDays || days > kMaxDateDays) fail("date out of range");
  return days;
}
int64_t mulInt(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) fail("integer overflow");
  return r;
}

Decimal asDecimal(const Value& v, TypeKind kind) {
  if (kind == TypeKind::kDecimal) return v.d;
  if (kind == TypeKind::kInt) return Decimal::fromInt(v.i);
  fail("internal: a non-number used as a number");
}

// =, != on two present scalars. An integer meets a decimal as a decimal.
bool sameValue(const Value& a, TypeKind ka, const Value& b, TypeKind kb) {
  if (ka == TypeKind::kDecimal || kb == TypeKind::kDecimal) return compare(asDecimal(a, ka), asDecimal(b, kb)) == 0;
  switch (ka) {
    case TypeKind::kString: return a.s == b.s;  // byte for byte
    case TypeKind::kRecord: return a.rec == b.rec;
    case TypeKind::kBool:
    case TypeKind::kInt:
    case TypeKind::kDate:
    case TypeKind::kDuration:
    case TypeKind::kGroup: return a.i == b.i;
    default: fail("internal: values of this type cannot be compared");
  }
}

// -1, 0, 1: ordering of numbers, dates and durations.
int order(const Value& a, TypeKind ka, const Value& b, TypeKind kb) {
  if (ka == TypeKind::kDecimal || kb == TypeKind::kDecimal) return compare(asDecimal(a, ka), asDecimal(b, kb));
  switch (ka) {
    case TypeKind::kInt:
    case TypeKind::kDate:
    case TypeKind::kDuration: return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    default: fail("internal: values of this type have no order");
  }
}

// Variable bindings made by one construct (a quantifier, a define's call, a rule's lets),
// undone when it ends so that any outer binding of the same variable comes back.
class Scope {
 public:
  explicit Scope(std::map<const VarDecl*, Value>& vars) : vars_(vars) {}
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
  ~Scope() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) {
        vars_[it->first] = *it->second;
      } else {
        vars_.erase(it->first);
      }
    }
  }

  void bind(const VarDecl* var, const Value& v) {
    if (var == nullptr) fail("internal: binding a missing variable");
    bool saved = false;
    for (const auto& s : saved_) saved = saved || s.first == var;
    if (!saved) {
      const auto it = vars_.find(var);
      saved_.emplace_back(var, it == vars_.end() ? std::nullopt : std::optional<Value>(it->second));
    }
    vars_[var] = v;
  }

 private:
  std::map<const VarDecl*, Value>& vars_;
  std::vector<std::pair<const VarDecl*, std::optional<Value>>> saved_;
};

// One claim under one policy. `line` parameters are the record base of the line in context:
// the line being decided, or inside a class predicate the line it is applied to.
class Evaluation {
 public:
  Evaluation(const CheckedProgram& program, const CheckedPolicy& policy, const Facts& facts, Decision& out,
             std::vector<uint32_t> lines)
      : program_(program), policy_(policy), facts_(facts), out_(out), lines_(std::move(lines)) {}

  void run() {
    const size_t n = lines_.size();
    governed_.assign(n, false);
    for (size_t i = 0; i < n; ++i) governed_[i] = isGoverned(lines_[i]);
    // Lines that are not governed are decided already: not_applicable.
    decided_.assign(n, false);
    for (size_t i = 0; i < n; ++i) decided_[i] = !governed_[i];

    std::vector<uint32_t> phase(n, 0);
    uint32_t lastPhase = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!governed_[i]) continue;
      // Every class predicate is evaluated (not only those that could raise the phase), so
      // that an error in one is never skipped.
      for (const PhasedClass& pc : policy_.phasedClasses) {
        if (test(*predicateOf(pc.decl), lines_[i]) && pc.phase > phase[i]) phase[i] = pc.phase;
      }
      if (phase[i] > lastPhase) lastPhase = phase[i];
    }
    for (uint32_t p = 0; p <= lastPhase; ++p) {
      for (size_t i = 0; i < n; ++i) {
        if (governed_[i] && phase[i] == p) decideLine(i);
      }
    }
    out_.verdict = Verdict::kNotApplicable;
    for (const LineDecision& ld : out_.lines) out_.verdict = worse(out_.verdict, ld.verdict);
  }

 private:
  // ---- Lines and rules ----

  static const Expr* predicateOf(const LinesDecl* decl) {
    if (decl == nullptr || decl->predicate == nullptr) fail("internal: a lines class without a predicate");
    return decl->predicate.get();
  }

  int64_t serviceDate(uint32_t line) const {
    const SchemaRecord& rec = program_.schema.records.at(program_.lineRecord);
    if (program_.serviceDateField >= rec.fields.size()) fail("internal: no service_date field");
    return need(slot(line, rec.fields[program_.serviceDateField].slot)).i;
  }

  // The `governs` condition holds and the date of service is in the policy's range.
  bool isGoverned(uint32_t line) {
    const Expr* governs = policy_.unit ? policy_.unit->governs.get() : nullptr;
    if (governs != nullptr && !test(*governs, line)) return false;
    const int64_t dos = serviceDate(line);
    return policy_.effectiveFrom <= dos && dos <= policy_.effectiveThrough;
  }

  bool inClass(const LinesDecl* decl, uint32_t line) {
    return decl == nullptr ? isGoverned(line) : test(*predicateOf(decl), line);
  }

  void decideLine(size_t index) {
    const uint32_t line = lines_[index];
    LineDecision& ld = out_.lines[index];
    ld.firstReason = static_cast<uint32_t>(out_.reasons.size());
    ld.firstAdjustment = static_cast<uint32_t>(out_.adjustments.size());
    Verdict verdict = Verdict::kApprove;
    for (size_t r = 0; r < policy_.rules.size(); ++r) {
      verdict = worse(verdict, checkRule(static_cast<uint32_t>(r), line));
    }
    // Adjustments are reported only on approved lines.
    if (verdict != Verdict::kApprove) out_.adjustments.resize(ld.firstAdjustment);
    ld.reasonCount = static_cast<uint32_t>(out_.reasons.size()) - ld.firstReason;
    ld.adjustmentCount = static_cast<uint32_t>(out_.adjustments.size()) - ld.firstAdjustment;
    ld.verdict = verdict;
    decided_[index] = true;
  }

  // Checks one rule for one line: kApprove when it adds no reason, else its reason's action.
  Verdict checkRule(uint32_t index, uint32_t line) {
    const RuleDecl& rule = *policy_.rules[index];
    for (const LinesDecl* cls : rule.appliesRefs) {
      if (cls != nullptr && !test(*predicateOf(cls), line)) return Verdict::kApprove;  // nullptr: governed
    }
    const int64_t dos = serviceDate(line);
    if (rule.effectiveFrom && dos < need(eval(*rule.effectiveFrom, line)).i) return Verdict::kApprove;
    if (rule.effectiveThrough && dos > need(eval(*rule.effectiveThrough, line)).i) return Verdict::kApprove;
    if (rule.onlyWhen && !test(*rule.onlyWhen, line)) return Verdict::kApprove;

    Scope lets(vars_);
    uint32_t outcome = 0;     // require / when clauses so far
    uint32_t adjustment = 0;  // adjust clauses so far
    for (const ast::Clause& clause : rule.clauses) {
      switch (clause.kind) {
        case ClauseKind::kLet: {
          if (!clause.var) fail("internal: let without a variable");
          lets.bind(clause.var.get(), toKind(clause.var->type.kind, clause.expr->type.kind, eval(*clause.expr, line)));
          break;
        }
        case ClauseKind::kRequire:
        case ClauseKind::kFailWhen: {
          const uint32_t k = outcome++;
          const bool holds = test(*clause.expr, line);
          const bool fails = clause.kind == ClauseKind::kRequire ? !holds : holds;
          if (!fails) break;
          Reason reason;
          reason.rule = index;
          reason.outcome = k;
          reason.group = groupOf(clause.outcome, line);
          capture(clause.outcome.message, line, reason.args, reason.argCount);
          out_.reasons.push_back(reason);
          return clause.outcome.action == Action::kDeny ? Verdict::kDeny : Verdict::kPend;  // the rest is skipped
        }
        case ClauseKind::kAdjust: {
          const uint32_t k = adjustment++;
          if (!test(*clause.expr, line)) break;
          Adjustment adj;
          adj.rule = index;
          adj.adjustment = k;
          capture(clause.outcome.message, line, adj.args, adj.argCount);
          out_.adjustments.push_back(adj);
          break;
        }
      }
    }
    return Verdict::kApprove;
  }

  AdjustmentGroup groupOf(const OutcomeSpec& outcome, uint32_t line) {
    if (outcome.groupExpr) {
      const int64_t g = need(eval(*outcome.groupExpr, line)).i;
      if (g < 0 || g > static_cast<int64_t>(AdjustmentGroup::kOA)) fail("internal: bad group value");
      return static_cast<AdjustmentGroup>(g);
    }
    if (outcome.group == "CO") return AdjustmentGroup::kCO;
    if (outcome.group == "PR") return AdjustmentGroup::kPR;
    if (outcome.group == "OA") return AdjustmentGroup::kOA;
    fail("internal: unresolved group `" + outcome.group + "`");
  }

  // The values of a message's holes, in order; absent values are fine here (they print `none`).
  void capture(const MessageTemplate& message, uint32_t line, Value* args, uint8_t& count) {
    count = 0;
    for (const ast::MessagePiece& piece : message.pieces) {
      if (!piece.expr) continue;
      if (count == kMaxMessageArgs) break;
      args[count++] = eval(*piece.expr, line);
    }
  }

  // ---- Facts ----

  const Value& slot(uint32_t base, uint32_t offset) const {
    const size_t at = static_cast<size_t>(base) + offset;
    if (at >= facts_.slots.size()) fail("internal: a record slot outside the facts");
    return facts_.slots[at];
  }

  // `l.decision`: the verdict of another line, which must have been decided already.
  Value decisionOf(uint32_t lineBase) const {
    const int64_t index = slot(lineBase, 0).i;  // the ordinal: its index in `lines`
    if (index < 0 || static_cast<size_t>(index) >= lines_.size() || lines_[index] != lineBase) {
      fail("internal: `.decision` of a record that is not a claim line");
    }
    if (!decided_[index]) {
      fail("the decision of line " + std::to_string(index + 1) + " (in input order) is read before it is decided");
    }
    return Value::ofString(refTo(verdictName(out_.lines[index].verdict)));
  }

  // ---- Expressions ----

  bool test(const Expr& e, uint32_t line) { return need(eval(e, line)).i != 0; }

  // kids[i], widened from integer to decimal where the checker says so.
  Value kid(const Expr& e, size_t i, uint32_t line) {
    const Value v = eval(*e.kids.at(i), line);
    return kidKind(e, i) == e.kids[i]->type.kind ? v : widen(v);
  }
  static TypeKind kidKind(const Expr& e, size_t i) {
    const TypeKind k = e.kids.at(i)->type.kind;
    return e.toDecimal(i) && k == TypeKind::kInt ? TypeKind::kDecimal : k;
  }

  Value eval(const Expr& e, uint32_t line) {
    switch (e.kind) {
      case ExprKind::kLiteral:
        if (e.type.kind == TypeKind::kString) return Value::ofString(refTo(e.text));
        return toKind(e.type.kind, e.literalType.kind, e.literal);
      case ExprKind::kName: return byRef(e, line);
      case ExprKind::kField: return field(e, line);
      case ExprKind::kNeg: {
        const Value v = need(kid(e, 0, line));
        const TypeKind k = kidKind(e, 0);
        if (k == TypeKind::kDecimal) return Value::ofDecimal(neg(v.d));
        return toKind(e.type.kind, k, Value::ofInt(subInt(0, v.i)));
      }
      case ExprKind::kNot: return Value::ofBool(!test(*e.kids.at(0), line));
      case ExprKind::kBinary: return binary(e, line);
      case ExprKind::kDefault: {
        const Value v = kid(e, 0, line);
        if (!v.absent) return toKind(e.type.kind, kidKind(e, 0), v);
        return toKind(e.type.kind, kidKind(e, 1), kid(e, 1, line));
      }
      case ExprKind::kPresence: {
        const bool absent = eval(*e.kids.at(0), line).absent != 0;
        return Value::ofBool(e.wantAbsent ? absent : !absent);
      }
      case ExprKind::kLineClass: {
        const uint32_t l = need(eval(*e.kids.at(0), line)).rec;
        return Value::ofBool(inClass(e.linesRef, l) != e.negated);
      }
      case ExprKind::kIn: {
        const Value x = need(kid(e, 0, line));
        const Type& coll = e.kids.at(1)->type;
        const TypeKind elemKind = coll.kind == TypeKind::kList ? coll.elem : TypeKind::kString;
        bool found = false;
        for (const Value& item : elements(*e.kids[1], line)) {
          found = found || sameValue(x, kidKind(e, 0), need(item), elemKind);
        }
        return Value::ofBool(found != e.negated);
      }
      case ExprKind::kWithin: {  // kids: d, D, X
        const int64_t d = need(kid(e, 0, line)).i;
        const int64_t span = need(kid(e, 1, line)).i;
        const int64_t x = need(kid(e, 2, line)).i;
        const int64_t lo = e.before ? inDateRange(subInt(x, span)) : x;
        const int64_t hi = e.before ? x : inDateRange(addInt(x, span));
        return Value::ofBool(lo <= d && d <= hi);
      }
      case ExprKind::kBetween: {
        const Value x = need(kid(e, 0, line));
        const Value a = need(kid(e, 1, line));
        const Value b = need(kid(e, 2, line));
        const bool in = order(a, kidKind(e, 1), x, kidKind(e, 0)) <= 0 && order(x, kidKind(e, 0), b, kidKind(e, 2)) <= 0;
        return Value::ofBool(in != e.negated);
      }
      case ExprKind::kIf: {
        const size_t branch = test(*e.kids.at(0), line) ? 1 : 2;
        return toKind(e.type.kind, kidKind(e, branch), kid(e, branch, line));
      }
      case ExprKind::kCall: return call(e, line);
      case ExprKind::kSet: fail("internal: a set used as a single value");
      case ExprKind::kExists: {
        bool any = false;
        forEach(e, *e.kids.at(0), line, [&] {
          if (e.kids.size() > 1 && e.kids[1] && !test(*e.kids[1], line)) return true;
          any = true;
          return false;
        });
        return Value::ofBool(any != e.negated);
      }
      case ExprKind::kEvery: {
        bool all = true;
        forEach(e, *e.kids.at(0), line, [&] {
          if (e.kids.at(1) && !test(*e.kids[1], line)) return true;
          all = test(*e.kids.at(2), line);
          return all;
        });
        return Value::ofBool(all);
      }
      case ExprKind::kCount: {
        int64_t n = 0;
        forEach(e, *e.kids.at(0), line, [&] {
          if (e.kids.size() <= 1 || !e.kids[1] || test(*e.kids[1], line)) n = addInt(n, 1);
          return true;
        });
        return Value::ofInt(n);
      }
      case ExprKind::kAggregate: return aggregate(e, line);
    }
    fail("internal: unknown expression kind");
  }

  // What a name (or a qualified `module.name`) refers to.
  Value byRef(const Expr& e, uint32_t line) {
    switch (e.ref) {
      case RefKind::kVar: {
        const auto it = vars_.find(e.varRef);
        if (it == vars_.end()) fail("internal: unbound variable `" + e.name + "`");
        return it->second;
      }
      case RefKind::kLine: return Value::ofRecord(line);
      case RefKind::kClaim: return Value::ofRecord(Facts::kRootBase);
      case RefKind::kRootField: {
        const SchemaRecord& root = program_.schema.records.at(program_.schema.root);
        if (e.field >= root.fields.size()) fail("internal: bad root field");
        return slot(Facts::kRootBase, root.fields[e.field].slot);
      }
      case RefKind::kConst: {
        const ast::ConstDecl& c = *e.constRef;
        if (c.type.kind == TypeKind::kString) return Value::ofString(refTo(c.foldedText));
        if (c.type.kind == TypeKind::kList) fail("internal: a constant set used as a single value");
        return toKind(e.type.kind, c.type.kind, c.folded);
      }
      case RefKind::kParam: {
        const auto it = policy_.params.find(e.paramRef);
        if (it == policy_.params.end()) fail("internal: parameter `" + e.name + "` has no value in this policy");
        if (e.paramRef->type.kind == TypeKind::kString) return Value::ofString(refTo(it->second.text));
        return toKind(e.type.kind, e.paramRef->type.kind, it->second.value);
      }
      case RefKind::kDefine:
        return toKind(e.type.kind, e.defineRef->type.kind, eval(*e.defineRef->body, line));
      default: fail("internal: unresolved name `" + e.name + "`");
    }
  }

  Value field(const Expr& e, uint32_t line) {
    if (e.ref != RefKind::kNone) return byRef(e, line);  // `module.name`
    const Value base = eval(*e.kids.at(0), line);
    if (base.absent) return Value::none();  // a field of an absent record is absent
    if (e.decisionField) return decisionOf(base.rec);
    const SchemaRecord& rec = program_.schema.records.at(e.record);
    if (e.field >= rec.fields.size()) fail("internal: bad field index");
    return slot(base.rec, rec.fields[e.field].slot);
  }

  Value binary(const Expr& e, uint32_t line) {
    // and / or short-circuit: the right side may rely on the left (`x is present and x > 0`).
    if (e.op == BinaryOp::kAnd) return Value::ofBool(test(*e.kids.at(0), line) && test(*e.kids.at(1), line));
    if (e.op == BinaryOp::kOr) return Value::ofBool(test(*e.kids.at(0), line) || test(*e.kids.at(1), line));
    const Value a = need(kid(e, 0, line));
    const Value b = need(kid(e, 1, line));
    const TypeKind ka = kidKind(e, 0);
    const TypeKind kb = kidKind(e, 1);
    switch (e.op) {
      case BinaryOp::kEq: return Value::ofBool(sameValue(a, ka, b, kb));
      case BinaryOp::kNe: return Value::ofBool(!sameValue(a, ka, b, kb));
      case BinaryOp::kLt: return Value::ofBool(order(a, ka, b, kb) < 0);
      case BinaryOp::kLe: return Value::ofBool(order(a, ka, b, kb) <= 0);
      case BinaryOp::kGt: return Value::ofBool(order(a, ka, b, kb) > 0);
      case BinaryOp::kGe: return Value::ofBool(order(a, ka, b, kb) >= 0);
      default: break;
    }
    // `/` is always decimal division; otherwise a decimal on either side (or as the result)
    // makes it decimal arithmetic.
    if (e.op == BinaryOp::kDiv || ka == TypeKind::kDecimal || kb == TypeKind::kDecimal ||
        e.type.kind == TypeKind::kDecimal) {
      const Decimal x = asDecimal(a, ka);
      const Decimal y = asDecimal(b, kb);
      Decimal r;
      switch (e.op) {
        case BinaryOp::kAdd: check(add(x, y, r)); break;
        case BinaryOp::kSub: check(sub(x, y, r)); break;
        case BinaryOp::kMul: check(mul(x, y, r)); break;
        case BinaryOp::kDiv: check(div(x, y, r)); break;
        default: fail("internal: bad arithmetic operator");
      }
      return Value::ofDecimal(r);
    }
    // Integers, and dates and durations in days: date ± duration, date - date, duration ± duration.
    const bool date = e.type.kind == TypeKind::kDate;  // date ± duration
    switch (e.op) {
      case BinaryOp::kAdd: return Value::ofInt(date ? inDateRange(addInt(a.i, b.i)) : addInt(a.i, b.i));
      case BinaryOp::kSub: return Value::ofInt(date ? inDateRange(subInt(a.i, b.i)) : subInt(a.i, b.i));
      case BinaryOp::kMul: return Value::ofInt(mulInt(a.i, b.i));
      default: fail("internal: bad arithmetic operator");
    }
  }

  Value call(const Expr& e, uint32_t line) {
    if (e.ref == RefKind::kDefine) {
      return toKind(e.type.kind, e.defineRef->type.kind,
                    withArguments(e, line, [&](const Expr& body) { return eval(body, line); }));
    }
    if (e.ref != RefKind::kBuiltin || e.builtin < 0 || e.builtin >= builtinCount()) {
      fail("internal: unresolved function `" + e.name + "`");
    }
    const Builtin& fn = builtinAt(e.builtin);
    if (e.kids.size() != fn.argCount) fail("internal: wrong number of arguments to `" + e.name + "`");
    Value args[kMaxBuiltinArgs];
    for (size_t i = 0; i < e.kids.size(); ++i) {
      const Value v = need(kid(e, i, line));
      args[i] = fn.args[i] == ValueKind::kDecimal ? toKind(TypeKind::kDecimal, kidKind(e, i), v) : v;
    }
    Value result;
    if (const char* err = fn.impl(args, result)) fail(err);
    return fn.result == ValueKind::kInt ? toKind(e.type.kind, TypeKind::kInt, result) : result;
  }

  // Applies a define with parameters: its arguments are evaluated first (with the caller's
  // bindings), then bound to its parameters for the body.
  template <typename Body>
  auto withArguments(const Expr& e, uint32_t line, Body body) -> decltype(body(std::declval<const Expr&>())) {
    const DefineDecl& d = *e.defineRef;
    if (e.kids.size() != d.params.size()) fail("internal: wrong number of arguments to `" + d.name + "`");
    std::vector<Value> args;
    for (size_t i = 0; i < e.kids.size(); ++i) {
      args.push_back(toKind(d.params[i]->type.kind, kidKind(e, i), kid(e, i, line)));
    }
    Scope scope(vars_);
    for (size_t i = 0; i < args.size(); ++i) scope.bind(d.params[i].get(), args[i]);
    return body(*d.body);
  }

  // The elements of a collection: a claim list, a set literal, or a constant string set
  // (reached directly or through a define).
  std::vector<Value> elements(const Expr& e, uint32_t line) {
    std::vector<Value> items;
    if (e.kind == ExprKind::kSet) {
      for (const auto& k : e.kids) items.push_back(need(eval(*k, line)));
      return items;
    }
    if ((e.kind == ExprKind::kName || e.kind == ExprKind::kField) && e.ref == RefKind::kConst) {
      for (const std::string& s : e.constRef->foldedSet) items.push_back(Value::ofString(refTo(s)));
      return items;
    }
    if ((e.kind == ExprKind::kName || e.kind == ExprKind::kField) && e.ref == RefKind::kDefine) {
      return elements(*e.defineRef->body, line);
    }
    if (e.kind == ExprKind::kCall && e.ref == RefKind::kDefine) {
      return withArguments(e, line, [&](const Expr& body) { return elements(body, line); });
    }
    if (e.kind == ExprKind::kIf) return elements(*e.kids.at(test(*e.kids.at(0), line) ? 1 : 2), line);
    const ListRef list = need(eval(e, line)).list;
    if (static_cast<size_t>(list.begin) + list.count > facts_.elems.size()) fail("internal: a list outside the facts");
    for (uint32_t i = 0; i < list.count; ++i) items.push_back(facts_.element(list, i));
    return items;
  }

  // Binds the quantifier's variable to each element of `collection` in turn; `visit` returns
  // false to stop early.
  template <typename Visit>
  void forEach(const Expr& e, const Expr& collection, uint32_t line, Visit visit) {
    if (!e.var) fail("internal: a quantifier without a variable");
    const std::vector<Value> items = elements(collection, line);
    Scope scope(vars_);
    for (const Value& item : items) {
      scope.bind(e.var.get(), item);
      if (!visit()) return;
    }
  }

  // sum / max / min (latest / earliest) E for v in C [where P]: kids = E, C, P.
  Value aggregate(const Expr& e, uint32_t line) {
    const TypeKind kind = e.type.kind;  // the result's kind: the values are widened to it
    const Expr* where = e.kids.size() > 2 ? e.kids[2].get() : nullptr;
    Value acc = e.aggregate != AggregateOp::kSum ? Value::none()
                : kind == TypeKind::kDecimal     ? Value::ofDecimal(Decimal())
                                                 : Value::ofInt(0);
    forEach(e, *e.kids.at(1), line, [&] {
      if (where != nullptr && !test(*where, line)) return true;
      const Value v = toKind(kind, kidKind(e, 0), need(kid(e, 0, line)));
      if (e.aggregate == AggregateOp::kSum) {
        if (kind == TypeKind::kDecimal) {
          Decimal r;
          check(add(acc.d, v.d, r));
          acc = Value::ofDecimal(r);
        } else {
          acc = Value::ofInt(addInt(acc.i, v.i));
        }
        return true;
      }
      const int c = acc.absent ? 0 : order(v, kind, acc, kind);
      if (acc.absent || (e.aggregate == AggregateOp::kMax ? c > 0 : c < 0)) acc = v;
      return true;
    });
    return acc;
  }

  const CheckedProgram& program_;
  const CheckedPolicy& policy_;
  const Facts& facts_;
  Decision& out_;
  std::vector<uint32_t> lines_;  // record bases of the claim's lines, in input order
  std::vector<bool> governed_;
  std::vector<bool> decided_;
  std::map<const VarDecl*, Value> vars_;  // the variables in scope, by declaration
};

}  // namespace

ReferenceEvaluator::ReferenceEvaluator(const CheckedProgram& program) : program_(program) {
  const Schema& schema = program.schema;
  if (schema.root >= schema.records.size()) return;
  const SchemaRecord& root = schema.records[schema.root];
  const int payer = root.findField("payer");
  const int lines = root.findField("lines");
  if (payer < 0 || lines < 0 || root.fields[payer].type.kind != ValueKind::kRecord) return;
  if (root.fields[payer].type.record >= schema.records.size()) return;
  const int lob = schema.records[root.fields[payer].type.record].findField("line_of_business");
  if (lob < 0) return;
  payerSlot_ = root.fields[payer].slot;
  lobSlot_ = schema.records[root.fields[payer].type.record].fields[lob].slot;
  linesSlot_ = root.fields[lines].slot;
  schemaOk_ = true;
}

bool ReferenceEvaluator::decide(const Facts& facts, Decision& out, std::string& error) {
  out.clear();
  error.clear();
  if (!schemaOk_) {
    error = "internal: the schema has no payer.line_of_business or lines";
    return false;
  }
  try {
    const auto slot = [&](uint32_t base, uint32_t offset) -> const Value& {
      if (static_cast<size_t>(base) + offset >= facts.slots.size()) fail("internal: a record slot outside the facts");
      return facts.slots[base + offset];
    };
    const ListRef list = need(slot(Facts::kRootBase, linesSlot_)).list;
    if (static_cast<size_t>(list.begin) + list.count > facts.elems.size()) fail("internal: a list outside the facts");
    std::vector<uint32_t> lines;
    for (uint32_t i = 0; i < list.count; ++i) lines.push_back(facts.element(list, i).rec);
    out.lines.assign(lines.size(), LineDecision{});

    // The policy: the first whose lines of business include the claim's. None: every line is
    // not_applicable, and so is the claim (what clear() and assign() left).
    const Value payer = slot(Facts::kRootBase, payerSlot_);
    const Value lob = payer.absent ? Value::none() : slot(payer.rec, lobSlot_);
    if (lob.absent) return true;
    for (size_t p = 0; p < program_.policies.size(); ++p) {
      for (const std::string& name : program_.policies[p].linesOfBusiness) {
        if (name != lob.s.view()) continue;
        out.policy = static_cast<int32_t>(p);
        Evaluation(program_, program_.policies[p], facts, out, std::move(lines)).run();
        return true;
      }
    }
    return true;
  } catch (const EvalError& e) {
    error = e.message;
    return false;
  }
}

}  // namespace ppl
