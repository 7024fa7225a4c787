// The reference evaluator on a hand-built checked program: the AST is annotated here the way
// the checker would (types, refs, field indices, widenings), so these tests need no parser or
// checker.
#include "compiler/reference_evaluator.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <deque>
#include <type_traits>

#include "stdlib/functions.h"

using namespace ppl;
using namespace ppl::ast;

namespace {

// ---- Schema: Claim{claim_id, payer: Payer, lines: list of Line}, Payer{line_of_business},
// Line{line_number, hcpcs, units, modifiers, service_date}. Field k is at slot k + 1.
enum : uint32_t { kClaimRec, kPayerRec, kLineRec };

const Schema& schema() {
  static const Schema s = [] {
    auto f = [](const char* name, ValueKind kind, uint32_t slot, uint32_t record = 0,
                ValueKind elem = ValueKind::kString) {
      SchemaField x;
      x.name = name;
      x.type.kind = kind;
      x.type.record = record;
      x.type.elemKind = elem;
      x.slot = slot;
      return x;
    };
    using K = ValueKind;
    Schema r;
    r.name = "test";
    r.root = kClaimRec;
    r.records = {
        {"Claim", {f("claim_id", K::kString, 1), f("payer", K::kRecord, 2, kPayerRec),
                   f("lines", K::kList, 3, kLineRec, K::kRecord)}},
        {"Payer", {f("line_of_business", K::kString, 1)}},
        {"Line", {f("line_number", K::kInt, 1), f("hcpcs", K::kString, 2), f("units", K::kDecimal, 3),
                  f("modifiers", K::kList, 4), f("service_date", K::kDate, 5)}},
    };
    return r;
  }();
  return s;
}

int32_t day(const char* ymd) {  // days since 1970-01-01 (H. Hinnant's days_from_civil)
  int y = 0, m = 0, d = 0;
  std::sscanf(ymd, "%d-%d-%d", &y, &m, &d);
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

Decimal dec(const char* text) {
  Decimal d;
  REQUIRE(Decimal::parse(text, d));
  return d;
}

// ---- Facts, laid out as the claim loader does: root at 0, payer, then the lines; elems holds
// the lines list, then each line's modifiers.
struct LineSpec {
  int64_t number;
  const char* hcpcs;
  const char* units;
  const char* date;
  std::vector<std::string> modifiers = {};
};

struct Claim {
  std::deque<std::string> strings;  // what the facts' StrRefs point at (deque: stable addresses)
  Facts facts;

  StrRef str(std::string s) {
    strings.push_back(std::move(s));
    return StrRef{strings.back().data(), static_cast<uint32_t>(strings.back().size())};
  }

  Claim(const char* lob, const std::vector<LineSpec>& lines) {
    const uint32_t n = static_cast<uint32_t>(lines.size());
    std::vector<Value>& s = facts.slots;
    s.assign(6 + 6 * n, Value());
    s[1] = Value::ofString(str("CLM-1"));
    s[2] = Value::ofRecord(4);
    s[3] = Value::ofList({0, n});
    s[5] = Value::ofString(str(lob));
    for (uint32_t i = 0; i < n; ++i) facts.elems.push_back(Value::ofRecord(6 + 6 * i));
    for (uint32_t i = 0; i < n; ++i) {
      const LineSpec& l = lines[i];
      const uint32_t b = 6 + 6 * i;
      s[b] = Value::ofInt(i);  // the ordinal
      s[b + 1] = Value::ofInt(l.number);
      s[b + 2] = Value::ofString(str(l.hcpcs));
      s[b + 3] = Value::ofDecimal(dec(l.units));
      s[b + 4] = Value::ofList({static_cast<uint32_t>(facts.elems.size()), static_cast<uint32_t>(l.modifiers.size())});
      for (const std::string& m : l.modifiers) facts.elems.push_back(Value::ofString(str(m)));
      s[b + 5] = Value::ofInt(day(l.date));
    }
  }
};

// ---- Expressions, annotated as the checker would.
Type ty(TypeKind k) { return Type::of(k); }
Type listOf(TypeKind elem, uint32_t record = 0) {
  Type t = ty(TypeKind::kList);
  t.elem = elem;
  t.elemRecord = record;
  return t;
}

template <typename... Kids>
ExprPtr node(ExprKind kind, Type type, Kids... kids) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->type = type;
  (e->kids.push_back(std::move(kids)), ...);
  return e;
}

ExprPtr literal(Type type, Value v) {
  ExprPtr e = node(ExprKind::kLiteral, type);
  e->literalType = type;
  e->literal = v;
  return e;
}
ExprPtr integer(int64_t v) { return literal(ty(TypeKind::kInt), Value::ofInt(v)); }
ExprPtr boolean(bool v) { return literal(ty(TypeKind::kBool), Value::ofBool(v)); }
ExprPtr date(const char* v) { return literal(ty(TypeKind::kDate), Value::ofInt(day(v))); }
ExprPtr days(int64_t v) { return literal(ty(TypeKind::kDuration), Value::ofInt(v)); }
ExprPtr group(AdjustmentGroup g) { return literal(ty(TypeKind::kGroup), Value::ofInt(static_cast<int64_t>(g))); }
ExprPtr text(const char* v) {
  ExprPtr e = literal(ty(TypeKind::kString), Value());
  e->text = v;
  e->literal = Value::ofString(StrRef{e->text.data(), static_cast<uint32_t>(e->text.size())});
  return e;
}
ExprPtr set(std::vector<const char*> items) {
  Type t = listOf(TypeKind::kString);
  t.stringSet = true;
  ExprPtr e = node(ExprKind::kSet, t);
  for (const char* s : items) e->kids.push_back(text(s));
  return e;
}

ExprPtr line() {
  ExprPtr e = node(ExprKind::kName, Type::recordOf(kLineRec));
  e->name = "line";
  e->ref = RefKind::kLine;
  return e;
}
ExprPtr lines() {
  ExprPtr e = node(ExprKind::kName, listOf(TypeKind::kRecord, kLineRec));
  e->name = "lines";
  e->ref = RefKind::kRootField;
  e->field = 2;
  return e;
}
ExprPtr var(const VarDecl* v) {
  ExprPtr e = node(ExprKind::kName, v->type);
  e->name = v->name;
  e->ref = RefKind::kVar;
  e->varRef = const_cast<VarDecl*>(v);
  return e;
}
ExprPtr field(ExprPtr base, const char* name) {
  const uint32_t record = base->type.record;
  const int k = schema().records[record].findField(name);
  REQUIRE(k >= 0);
  ExprPtr e = node(ExprKind::kField, typeOfField(schema().records[record].fields[k]), std::move(base));
  e->name = name;
  e->record = record;
  e->field = static_cast<uint32_t>(k);
  return e;
}
ExprPtr decisionOf(ExprPtr l) {
  ExprPtr e = node(ExprKind::kField, ty(TypeKind::kString), std::move(l));
  e->name = "decision";
  e->decisionField = true;
  return e;
}

// Types the result as the checker would, and marks integer operands met by decimals.
ExprPtr bin(BinaryOp op, ExprPtr a, ExprPtr b) {
  const TypeKind ka = a->type.kind, kb = b->type.kind;
  Type t = ty(TypeKind::kBool);
  const bool arithmetic = op <= BinaryOp::kDiv;
  const bool decimalOp = ka == TypeKind::kDecimal || kb == TypeKind::kDecimal || op == BinaryOp::kDiv;
  if (arithmetic) {
    t = decimalOp                                                  ? ty(TypeKind::kDecimal)
        : ka == TypeKind::kDate && kb == TypeKind::kDate           ? ty(TypeKind::kDuration)
        : ka == TypeKind::kDate || kb == TypeKind::kDate           ? ty(TypeKind::kDate)
                                                                   : a->type;
  }
  ExprPtr e = node(ExprKind::kBinary, t, std::move(a), std::move(b));
  e->op = op;
  if (decimalOp && ka == TypeKind::kInt) e->widen(0);
  if (decimalOp && kb == TypeKind::kInt) e->widen(1);
  return e;
}
ExprPtr both(ExprPtr a, ExprPtr b) { return bin(BinaryOp::kAnd, std::move(a), std::move(b)); }

ExprPtr is(ExprPtr l, const LinesDecl* cls, bool negated = false) {
  ExprPtr e = node(ExprKind::kLineClass, ty(TypeKind::kBool), std::move(l));
  e->name = cls ? cls->name : "governed";
  e->linesRef = const_cast<LinesDecl*>(cls);
  e->negated = negated;
  return e;
}
ExprPtr in(ExprPtr x, ExprPtr collection, bool negated = false) {
  ExprPtr e = node(ExprKind::kIn, ty(TypeKind::kBool), std::move(x), std::move(collection));
  e->negated = negated;
  return e;
}
ExprPtr within(ExprPtr d, int64_t span, ExprPtr x, bool before) {
  ExprPtr e = node(ExprKind::kWithin, ty(TypeKind::kBool), std::move(d), days(span), std::move(x));
  e->before = before;
  return e;
}
ExprPtr ifThen(ExprPtr c, ExprPtr a, ExprPtr b) {
  const Type t = a->type;
  return node(ExprKind::kIf, t, std::move(c), std::move(a), std::move(b));
}
ExprPtr call(const char* name, ExprPtr arg) {
  ExprPtr e = node(ExprKind::kCall, ty(TypeKind::kDecimal), std::move(arg));
  e->name = name;
  e->ref = RefKind::kBuiltin;
  e->builtin = findBuiltin(name);
  return e;
}

// Quantifiers over `lines`: `make(v)` builds the parts that read the variable v.
template <typename Make>
ExprPtr quantifier(ExprKind kind, Type type, Make make) {
  ExprPtr e = node(kind, type);
  e->var = std::make_unique<VarDecl>();
  e->var->name = "l";
  e->var->type = Type::recordOf(kLineRec);
  make(e.get(), e->var.get());
  return e;
}
template <typename Where>
ExprPtr noLine(Where where) {  // no l in lines where ...
  return quantifier(ExprKind::kExists, ty(TypeKind::kBool), [&](Expr* e, VarDecl* v) {
    e->negated = true;
    e->kids.push_back(lines());
    e->kids.push_back(where(v));
  });
}
template <typename Where, typename Then>
ExprPtr everyLine(Where where, Then then) {
  return quantifier(ExprKind::kEvery, ty(TypeKind::kBool), [&](Expr* e, VarDecl* v) {
    e->kids.push_back(lines());
    e->kids.push_back(where(v));
    e->kids.push_back(then(v));
  });
}
template <typename Where>
ExprPtr countLines(Where where) {
  return quantifier(ExprKind::kCount, ty(TypeKind::kInt), [&](Expr* e, VarDecl* v) {
    e->kids.push_back(lines());
    e->kids.push_back(where(v));
  });
}
template <typename Of, typename Where>
ExprPtr aggregateLines(AggregateOp op, Type type, Of of, Where where) {
  return quantifier(ExprKind::kAggregate, type, [&](Expr* e, VarDecl* v) {
    e->aggregate = op;
    e->kids.push_back(of(v));
    e->kids.push_back(lines());
    if constexpr (std::is_same_v<Where, std::nullptr_t>) {
      e->kids.push_back(nullptr);
    } else {
      e->kids.push_back(where(v));
    }
  });
}

// ---- The policy: governs J9027 from 2020-01-01; waste (JW) lines are decided in phase 1.
struct Pack {
  CheckedProgram program;
  Unit* unit = nullptr;
  LinesDecl* waste = nullptr;
  LinesDecl* admin = nullptr;

  Pack() {
    program.schema = schema();
    program.lineRecord = kLineRec;
    program.serviceDateField = 4;
    program.units.push_back(std::make_unique<Unit>());
    unit = program.units.back().get();
    unit->kind = UnitKind::kPolicy;
    unit->name = "test-j9027";
    unit->governs = bin(BinaryOp::kEq, field(line(), "hcpcs"), text("J9027"));
    waste = addLines("waste", both(is(line(), nullptr), in(text("JW"), field(line(), "modifiers"))));
    admin = addLines("administration", both(is(line(), nullptr), in(text("JW"), field(line(), "modifiers"), true)));
    CheckedPolicy p;
    p.unit = unit;
    p.id = unit->name;
    p.linesOfBusiness = {"medicare_advantage", "commercial"};
    p.effectiveFrom = day("2020-01-01");
    p.phasedClasses = {PhasedClass{waste, 1}};
    program.policies.push_back(std::move(p));
  }
  CheckedPolicy& policy() { return program.policies[0]; }

  LinesDecl* addLines(const char* name, ExprPtr predicate) {
    Decl d{DeclKind::kLines, {}, {}, {}, std::make_unique<LinesDecl>(), {}, {}};
    d.linesDecl->name = name;
    d.linesDecl->predicate = std::move(predicate);
    unit->decls.push_back(std::move(d));
    return unit->decls.back().linesDecl.get();
  }
  RuleDecl& rule(const char* id, std::vector<LinesDecl*> applies = {nullptr}) {
    Decl d{DeclKind::kRule, {}, {}, {}, {}, std::make_unique<RuleDecl>(), {}};
    d.ruleDecl->id = id;
    d.ruleDecl->title = id;
    d.ruleDecl->appliesRefs = std::move(applies);
    unit->decls.push_back(std::move(d));
    policy().rules.push_back(unit->decls.back().ruleDecl.get());
    return *unit->decls.back().ruleDecl;
  }
  ConstDecl* constant(const char* name, Type type, Value v) {
    Decl d{DeclKind::kConst, std::make_unique<ConstDecl>(), {}, {}, {}, {}, {}};
    d.constDecl->name = name;
    d.constDecl->type = type;
    d.constDecl->folded = v;
    unit->decls.push_back(std::move(d));
    return unit->decls.back().constDecl.get();
  }

  Decision decide(const Claim& claim) {
    Decision out;
    std::string error;
    ReferenceEvaluator evaluator(program);
    const bool ok = evaluator.decide(claim.facts, out, error);
    INFO(error);
    REQUIRE(ok);
    return out;
  }
  std::string error(const Claim& claim) {
    Decision out;
    std::string error;
    ReferenceEvaluator evaluator(program);
    REQUIRE_FALSE(evaluator.decide(claim.facts, out, error));
    return error;
  }
};

ExprPtr nameOf(const ConstDecl* c) {
  ExprPtr e = node(ExprKind::kName, c->type);
  e->name = c->name;
  e->ref = RefKind::kConst;
  e->constRef = const_cast<ConstDecl*>(c);
  return e;
}

// ---- Clauses.
Clause& addClause(RuleDecl& r, ClauseKind kind, ExprPtr e, Action action, const char* group) {
  r.clauses.emplace_back();
  Clause& c = r.clauses.back();
  c.kind = kind;
  c.expr = std::move(e);
  c.outcome.action = action;
  c.outcome.group = group;
  return c;
}
Clause& require(RuleDecl& r, ExprPtr e, Action a = Action::kDeny, const char* group = "CO") {
  return addClause(r, ClauseKind::kRequire, std::move(e), a, group);
}
Clause& failWhen(RuleDecl& r, ExprPtr e, Action a = Action::kDeny, const char* group = "CO") {
  return addClause(r, ClauseKind::kFailWhen, std::move(e), a, group);
}
Clause& adjust(RuleDecl& r, ExprPtr e) { return addClause(r, ClauseKind::kAdjust, std::move(e), Action::kDeny, "CO"); }
const VarDecl* let(RuleDecl& r, const char* name, ExprPtr e) {
  Clause& c = addClause(r, ClauseKind::kLet, std::move(e), Action::kDeny, "");
  c.var = std::make_unique<VarDecl>();
  c.var->name = name;
  c.var->type = c.expr->type;
  return c.var.get();
}
void hole(Clause& c, ExprPtr e) {
  c.outcome.message.present = true;
  c.outcome.message.pieces.push_back(MessagePiece{"", std::move(e)});
}

// ---- Reading decisions.
std::vector<uint32_t> rulesOf(const Decision& d, size_t line) {
  std::vector<uint32_t> rules;
  for (uint32_t i = 0; i < d.lines[line].reasonCount; ++i) rules.push_back(d.reasons[d.lines[line].firstReason + i].rule);
  return rules;
}
const Reason& reasonOf(const Decision& d, size_t line, uint32_t k) {
  REQUIRE(k < d.lines[line].reasonCount);
  return d.reasons[d.lines[line].firstReason + k];
}

const Action kPend = Action::kPend;

}  // namespace

TEST_CASE("a claim whose line of business has no policy is not applicable", "[reference]") {
  Pack pack;
  failWhen(pack.rule("ALWAYS"), boolean(true));
  const Decision d = pack.decide(Claim("medicare_part_b", {{1, "J9027", "10", "2024-03-01"}, {2, "J9027", "5", "2024-03-01"}}));
  CHECK(d.policy == -1);
  CHECK(d.verdict == Verdict::kNotApplicable);
  REQUIRE(d.lines.size() == 2);
  CHECK(d.lines[0].verdict == Verdict::kNotApplicable);
  CHECK(d.lines[1].verdict == Verdict::kNotApplicable);
  CHECK(d.reasons.empty());
}

TEST_CASE("a line is governed by the code and the effective dates, inclusive", "[reference]") {
  Pack pack;
  pack.policy().effectiveThrough = day("2026-12-31");
  const Decision d = pack.decide(Claim("commercial", {{1, "J9027", "1", "2020-01-01"},
                                                      {2, "J9027", "1", "2019-12-31"},
                                                      {3, "96413", "1", "2024-01-01"},
                                                      {4, "J9027", "1", "2026-12-31"},
                                                      {5, "J9027", "1", "2027-01-01"}}));
  CHECK(d.policy == 0);
  const Verdict a = Verdict::kApprove, na = Verdict::kNotApplicable;
  const std::vector<Verdict> want = {a, na, na, a, na};
  for (size_t i = 0; i < want.size(); ++i) CHECK(d.lines[i].verdict == want[i]);
  CHECK(d.verdict == Verdict::kApprove);

  SECTION("no governed line: the claim is not applicable, the policy still set") {
    const Decision none = pack.decide(Claim("commercial", {{1, "96413", "1", "2024-01-01"}}));
    CHECK(none.policy == 0);
    CHECK(none.verdict == Verdict::kNotApplicable);
  }
}

TEST_CASE("reasons follow rule order, with outcome indices, computed groups and message args", "[reference]") {
  Pack pack;
  failWhen(pack.rule("R-A"), bin(BinaryOp::kGt, field(line(), "units"), integer(70)));
  RuleDecl& b = pack.rule("R-B");
  require(b, bin(BinaryOp::kLe, field(line(), "units"), integer(100)));
  Clause& pend = failWhen(b, bin(BinaryOp::kGt, field(line(), "units"), integer(50)), kPend, "abn_group");
  pend.outcome.groupExpr =
      ifThen(in(text("GA"), field(line(), "modifiers")), group(AdjustmentGroup::kPR), group(AdjustmentGroup::kCO));
  hole(pend, field(line(), "line_number"));
  hole(pend, field(line(), "units"));

  const Decision d = pack.decide(Claim("commercial", {{1, "J9027", "80", "2024-03-01", {"GA"}},
                                                      {2, "J9027", "60", "2024-03-01"},
                                                      {3, "J9027", "10", "2024-03-01"},
                                                      {4, "J9027", "150", "2024-03-01", {"GA"}}}));
  CHECK(d.verdict == Verdict::kDeny);

  CHECK(d.lines[0].verdict == Verdict::kDeny);
  CHECK(rulesOf(d, 0) == std::vector<uint32_t>{0, 1});
  CHECK(reasonOf(d, 0, 0).outcome == 0);
  CHECK(reasonOf(d, 0, 0).argCount == 0);
  const Reason& r = reasonOf(d, 0, 1);
  CHECK(r.outcome == 1);
  CHECK(r.group == AdjustmentGroup::kPR);
  REQUIRE(r.argCount == 2);
  CHECK(r.args[0].i == 1);
  CHECK(r.args[1].d == dec("80"));

  CHECK(d.lines[1].verdict == Verdict::kPend);
  CHECK(rulesOf(d, 1) == std::vector<uint32_t>{1});
  CHECK(reasonOf(d, 1, 0).group == AdjustmentGroup::kCO);

  CHECK(d.lines[2].verdict == Verdict::kApprove);
  CHECK(d.lines[2].reasonCount == 0);

  // The first failing clause ends the rule: R-B's pend is not reached.
  CHECK(rulesOf(d, 3) == std::vector<uint32_t>{0, 1});
  CHECK(reasonOf(d, 3, 1).outcome == 0);
  CHECK(reasonOf(d, 3, 1).argCount == 0);
}

TEST_CASE("adjustments are kept only on approved lines", "[reference]") {
  Pack pack;
  RuleDecl& r = pack.rule("R-ADJ");
  hole(adjust(r, bin(BinaryOp::kGe, field(line(), "units"), integer(10))), field(line(), "line_number"));
  failWhen(r, bin(BinaryOp::kGt, field(line(), "units"), integer(50)), kPend);
  adjust(r, bin(BinaryOp::kGe, field(line(), "units"), integer(20)));

  const Decision d = pack.decide(Claim("commercial", {{1, "J9027", "20", "2024-03-01"},
                                                      {2, "J9027", "60", "2024-03-01"},
                                                      {3, "J9027", "10", "2024-03-01"}}));
  REQUIRE(d.adjustments.size() == 3);
  CHECK(d.lines[0].verdict == Verdict::kApprove);
  CHECK(d.lines[0].firstAdjustment == 0);
  CHECK(d.lines[0].adjustmentCount == 2);
  CHECK(d.adjustments[0].adjustment == 0);
  CHECK(d.adjustments[0].argCount == 1);
  CHECK(d.adjustments[0].args[0].i == 1);
  CHECK(d.adjustments[1].adjustment == 1);
  CHECK(d.lines[1].verdict == Verdict::kPend);
  CHECK(d.lines[1].adjustmentCount == 0);
  CHECK(d.lines[2].firstAdjustment == 2);
  CHECK(d.lines[2].adjustmentCount == 1);
  CHECK(d.adjustments[2].args[0].i == 3);
}

TEST_CASE("same-day units are summed exactly", "[reference]") {
  Pack pack;
  const ConstDecl* maxUnits = pack.constant("max_units_per_day", ty(TypeKind::kInt), Value::ofInt(60));
  RuleDecl& r = pack.rule("R-UNITS");
  const VarDecl* total = let(r, "total", aggregateLines(
      AggregateOp::kSum, ty(TypeKind::kDecimal), [](VarDecl* l) { return field(var(l), "units"); },
      [](VarDecl* l) {
        return both(is(var(l), nullptr),
                    bin(BinaryOp::kEq, field(var(l), "service_date"), field(line(), "service_date")));
      }));
  hole(require(r, bin(BinaryOp::kLe, var(total), nameOf(maxUnits))), var(total));

  SECTION("30.1 + 8.3 + 21.6 is exactly 60") {
    const Decision d = pack.decide(Claim("commercial", {{1, "J9027", "30.1", "2024-03-01"},
                                                        {2, "J9027", "8.3", "2024-03-01"},
                                                        {3, "J9027", "21.6", "2024-03-01"},
                                                        {4, "J9027", "59", "2024-03-02"},
                                                        {5, "96413", "100", "2024-03-01"}}));
    CHECK(d.verdict == Verdict::kApprove);
  }
  SECTION("30.1 + 8.3 + 21.7 is over") {
    const Decision d = pack.decide(Claim("commercial", {{1, "J9027", "30.1", "2024-03-01"},
                                                        {2, "J9027", "8.3", "2024-03-01"},
                                                        {3, "J9027", "21.7", "2024-03-01"},
                                                        {4, "J9027", "59", "2024-03-02"}}));
    for (size_t i = 0; i < 3; ++i) {
      CHECK(d.lines[i].verdict == Verdict::kDeny);
      REQUIRE(reasonOf(d, i, 0).argCount == 1);
      CHECK(reasonOf(d, i, 0).args[0].d.toString() == "60.1");
    }
    CHECK(d.lines[3].verdict == Verdict::kApprove);
  }
}

TEST_CASE("waste lines are decided after administration lines and read their decisions", "[reference]") {
  Pack pack;
  failWhen(pack.rule("R-DOSE", {pack.admin}), bin(BinaryOp::kGt, field(line(), "units"), integer(50)), kPend);
  LinesDecl* admin = pack.admin;
  require(pack.rule("R-WASTE", {pack.waste}), noLine([admin](VarDecl* l) {
            return both(both(is(var(l), admin),
                             bin(BinaryOp::kEq, field(var(l), "service_date"), field(line(), "service_date"))),
                        in(decisionOf(var(l)), set({"deny", "pend"})));
          }));
  // The waste lines come first in input order; they must still be decided last.
  const Claim claim("commercial", {{1, "J9027", "5", "2024-03-01", {"JW"}},
                                   {2, "J9027", "60", "2024-03-01"},
                                   {3, "J9027", "10", "2024-03-02"},
                                   {4, "J9027", "2", "2024-03-02", {"JW"}}});

  SECTION("phased") {
    const Decision d = pack.decide(claim);
    CHECK(d.lines[1].verdict == Verdict::kPend);
    CHECK(d.lines[0].verdict == Verdict::kDeny);
    CHECK(rulesOf(d, 0) == std::vector<uint32_t>{1});
    CHECK(d.lines[2].verdict == Verdict::kApprove);
    CHECK(d.lines[3].verdict == Verdict::kApprove);
    CHECK(d.lines[0].firstReason > d.lines[1].firstReason);  // decided later
    CHECK(d.verdict == Verdict::kDeny);
  }
  SECTION("unphased: reading an undecided line is an error, never a wrong decision") {
    pack.policy().phasedClasses.clear();
    CHECK_THAT(pack.error(claim), Catch::Contains("before it is decided"));
  }
}

TEST_CASE("a line that is not governed reads as not_applicable", "[reference]") {
  Pack pack;
  // fails when some ungoverned line exists (`and` keeps governed lines' decisions unread)
  require(pack.rule("R-NA"), noLine([](VarDecl* l) {
            return both(is(var(l), nullptr, true), bin(BinaryOp::kEq, decisionOf(var(l)), text("not_applicable")));
          }));
  const Decision d = pack.decide(Claim("commercial", {{1, "J9027", "1", "2024-03-01"}, {2, "96413", "1", "2024-03-01"}}));
  CHECK(d.lines[0].verdict == Verdict::kDeny);
  CHECK(d.lines[1].verdict == Verdict::kNotApplicable);
}

TEST_CASE("date windows and rule dates are inclusive at both ends", "[reference]") {
  Pack pack;
  failWhen(pack.rule("R-BEFORE"), within(field(line(), "service_date"), 17, date("2024-03-18"), true));
  failWhen(pack.rule("R-AFTER"), within(field(line(), "service_date"), 5, date("2024-03-01"), false), kPend);
  RuleDecl& dated = pack.rule("R-DATED");
  dated.effectiveFrom = date("2024-03-05");
  dated.effectiveThrough = date("2024-03-10");
  failWhen(dated, boolean(true), kPend);
  // between and date arithmetic: service_date - 2024-03-01 between 9 days and 10 days
  ExprPtr between = node(ExprKind::kBetween, ty(TypeKind::kBool),
                         bin(BinaryOp::kSub, field(line(), "service_date"), date("2024-03-01")), days(9), days(10));
  failWhen(pack.rule("R-BETWEEN"), std::move(between), kPend);

  const std::vector<const char*> dates = {"2024-02-29", "2024-03-01", "2024-03-05", "2024-03-06", "2024-03-07",
                                          "2024-03-10", "2024-03-11", "2024-03-18", "2024-03-19"};
  std::vector<LineSpec> specs;
  for (size_t i = 0; i < dates.size(); ++i) specs.push_back({static_cast<int64_t>(i + 1), "J9027", "1", dates[i]});
  const Decision d = pack.decide(Claim("commercial", specs));
  using V = std::vector<uint32_t>;
  const std::vector<V> want = {{}, {0, 1}, {0, 1, 2}, {0, 1, 2}, {0, 2}, {0, 2, 3}, {0, 3}, {0}, {}};
  for (size_t i = 0; i < want.size(); ++i) {
    INFO(dates[i]);
    CHECK(rulesOf(d, i) == want[i]);
  }
}

TEST_CASE("defines with parameters, builtins and quantifiers", "[reference]") {
  Pack pack;
  // define over(l: Line) = l.units > 50
  Decl decl{DeclKind::kDefine, {}, {}, std::make_unique<DefineDecl>(), {}, {}, {}};
  DefineDecl* over = decl.defineDecl.get();
  over->name = "over";
  over->type = ty(TypeKind::kBool);
  over->params.push_back(std::make_unique<VarDecl>());
  over->params[0]->name = "l";
  over->params[0]->type = Type::recordOf(kLineRec);
  over->body = bin(BinaryOp::kGt, field(var(over->params[0].get()), "units"), integer(50));
  pack.unit->decls.push_back(std::move(decl));
  auto overOf = [over](ExprPtr arg) {
    ExprPtr e = node(ExprKind::kCall, ty(TypeKind::kBool), std::move(arg));
    e->name = "over";
    e->ref = RefKind::kDefine;
    e->defineRef = over;
    return e;
  };

  Clause& every = require(pack.rule("R-EVERY"), everyLine([](VarDecl* l) { return is(var(l), nullptr); },
                                                          [&](VarDecl* l) {
                                                            return node(ExprKind::kNot, ty(TypeKind::kBool), overOf(var(l)));
                                                          }),
                          kPend);
  hole(every, countLines([&](VarDecl* l) { return overOf(var(l)); }));
  hole(every, aggregateLines(AggregateOp::kMax, ty(TypeKind::kDecimal).asOptional(),
                             [](VarDecl* l) { return field(var(l), "units"); }, nullptr));
  require(pack.rule("R-CEIL"), bin(BinaryOp::kLe, call("ceil", field(line(), "units")), integer(3)));

  const Decision d = pack.decide(Claim("commercial", {{1, "J9027", "2.1", "2024-03-01"},
                                                      {2, "J9027", "3.2", "2024-03-01"},
                                                      {3, "J9027", "70", "2024-03-01"}}));
  CHECK(rulesOf(d, 0) == std::vector<uint32_t>{0});
  CHECK(rulesOf(d, 1) == std::vector<uint32_t>{0, 1});
  CHECK(rulesOf(d, 2) == std::vector<uint32_t>{0, 1});
  const Reason& r = reasonOf(d, 0, 0);
  REQUIRE(r.argCount == 2);
  CHECK(r.args[0].i == 1);
  CHECK(r.args[1].d == dec("70"));
  CHECK(d.lines[0].verdict == Verdict::kPend);
  CHECK(d.lines[1].verdict == Verdict::kDeny);
}

TEST_CASE("runtime errors stop the claim", "[reference]") {
  Pack pack;
  const Claim claim("commercial", {{2, "J9027", "10", "2024-03-01"}});
  SECTION("division by zero") {
    require(pack.rule("R-DIV"), bin(BinaryOp::kGt, bin(BinaryOp::kDiv, field(line(), "units"), integer(0)), integer(1)));
    CHECK_THAT(pack.error(claim), Catch::Contains("division by zero"));
  }
  SECTION("integer overflow") {
    require(pack.rule("R-MUL"),
            bin(BinaryOp::kGt, bin(BinaryOp::kMul, field(line(), "line_number"), integer(INT64_MAX)), integer(0)));
    CHECK_THAT(pack.error(claim), Catch::Contains("integer overflow"));
  }
  SECTION("an absent value where none may be") {
    require(pack.rule("R-ABSENT"), bin(BinaryOp::kGt, literal(ty(TypeKind::kInt), Value::none()), integer(0)));
    CHECK_THAT(pack.error(claim), Catch::Contains("internal: absent value"));
  }
}
