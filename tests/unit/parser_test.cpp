// The parser: source text to AST, syntax errors as rendered diagnostics, and hostile input
// (deep nesting, huge files, random bytes) answered with a diagnostic, never a crash.
#include "compiler/parser.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/date.h"

using namespace ppl;
using ast::BinaryOp;
using ast::ExprKind;
using ast::ExprPtr;

namespace {

struct Parsed {
  SourceManager sources;
  Diagnostics diags;
  std::unique_ptr<ast::Unit> unit;
  std::string rendered() const { return renderDiagnostics(diags, sources); }
};

std::unique_ptr<Parsed> parse(const std::string& text, const ParseLimits& limits = {}) {
  auto p = std::make_unique<Parsed>();
  const uint32_t file = p->sources.add("test.ppl", text);
  p->unit = parseUnit(file, p->sources, p->diags, limits);
  return p;
}

// Parses text that must fail and returns the rendered diagnostics.
std::string errorsOf(const std::string& text, const ParseLimits& limits = {}) {
  auto p = parse(text, limits);
  CHECK(p->unit == nullptr);
  CHECK(p->diags.hasErrors());
  return p->rendered();
}

std::string at(const Span& s) { return std::to_string(s.line) + ":" + std::to_string(s.col); }

const ast::RuleDecl& ruleAt(const ast::Unit& u, size_t i) {
  REQUIRE(i < u.decls.size());
  REQUIRE(u.decls[i].kind == ast::DeclKind::kRule);
  return *u.decls[i].ruleDecl;
}

const char* const kPolicy = R"PPL(// A slice of the commercial J9027 policy.
policy acme-commercial-j9027 version "2026.1"
  title "Acme commercial: cabazitaxel (J9027)"
  line of business "commercial", "commercial_hmo"
  governs lines where line.hcpcs = "J9027"
  effective from 2020-01-01 through 2030-12-31

use prior-authorization
use medicare-part-b with traditional_medicare = false, abn_group = CO

const max_units = 60
const steroids = {"prednisone", "prednisolone", "dexamethasone"}
param strict: optional bool = true
define same_day(l: Line, extra: list of string) = l.service_date = line.service_date
lines waste: "JW" in line.modifiers

rule C-DX "Diagnosis"
  applies to governed
  require "C61" in diagnoses and "Z19.2" in diagnoses
    else deny CO 50 "diagnoses {diagnoses} lack C61 or Z19.2"

rule C-UNITS
  applies to governed and waste
  let total = sum l.units for l in lines where same_day(l, {})
  deny CO 151 [N362] when total > max_units "{total} units, over \{60\}: {line.units * 2}"

rule MB-340B
  only when line.service_date >= 2024-01-01
  effective from 2018-01-01
  pend CO "252" [M127, N822] "no evidence" when no e in history.evidence where e.date within 90 days before line.service_date
  adjust CO 45 by 20.5% when line.drug.acquisition_channel is absent or not line.drug.discounted
)PPL";

}  // namespace

TEST_CASE("a policy parses into the expected AST", "[parser]") {
  auto p = parse(kPolicy);
  INFO(p->rendered());
  REQUIRE(p->unit != nullptr);
  REQUIRE(p->diags.items().empty());
  const ast::Unit& u = *p->unit;

  CHECK(u.kind == ast::UnitKind::kPolicy);
  CHECK(u.name == "acme-commercial-j9027");
  CHECK(at(u.nameSpan) == "2:8");
  CHECK(u.nameSpan.length == 21);
  CHECK(u.version == "2026.1");
  CHECK(u.title == "Acme commercial: cabazitaxel (J9027)");
  CHECK(u.linesOfBusiness == std::vector<std::string>{"commercial", "commercial_hmo"});
  REQUIRE(u.lobSpans.size() == 2);
  CHECK(at(u.lobSpans[1]) == "4:34");
  REQUIRE(u.governs != nullptr);
  CHECK(u.governs->kind == ExprKind::kBinary);
  CHECK(u.governs->op == BinaryOp::kEq);
  CHECK(at(u.governs->span) == "5:23");
  CHECK(u.governs->span.length == 20);  // `line.hcpcs = "J9027"`
  REQUIRE(u.governs->kids.size() == 2);
  CHECK(u.governs->kids[0]->kind == ExprKind::kField);
  CHECK(u.governs->kids[0]->name == "hcpcs");
  CHECK(u.governs->kids[0]->kids[0]->kind == ExprKind::kName);
  CHECK(u.governs->kids[0]->kids[0]->name == "line");
  CHECK(u.governs->kids[1]->literalType.kind == TypeKind::kString);
  CHECK(u.governs->kids[1]->text == "J9027");
  REQUIRE(u.effectiveFrom != nullptr);
  REQUIRE(u.effectiveThrough != nullptr);
  int32_t days = 0;
  REQUIRE(parseDate("2020-01-01", days));
  CHECK(u.effectiveFrom->literalType.kind == TypeKind::kDate);
  CHECK(u.effectiveFrom->literal.i == days);

  REQUIRE(u.uses.size() == 2);
  CHECK(u.uses[0].module == "prior-authorization");
  CHECK(at(u.uses[0].span) == "8:5");
  CHECK(u.uses[1].module == "medicare-part-b");
  REQUIRE(u.uses[1].bindings.size() == 2);
  CHECK(u.uses[1].bindings[0].name == "traditional_medicare");
  CHECK(u.uses[1].bindings[0].value->literalType.kind == TypeKind::kBool);
  CHECK(u.uses[1].bindings[1].name == "abn_group");
  CHECK(u.uses[1].bindings[1].value->kind == ExprKind::kName);
  CHECK(at(u.uses[1].bindings[1].span) == "9:56");

  REQUIRE(u.decls.size() == 8);
  CHECK(u.decls[0].kind == ast::DeclKind::kConst);
  CHECK(u.decls[0].constDecl->name == "max_units");
  CHECK(at(u.decls[0].constDecl->span) == "11:7");
  CHECK(u.decls[0].constDecl->value->literalType.kind == TypeKind::kInt);
  CHECK(u.decls[0].constDecl->value->literal.i == 60);
  CHECK(u.decls[1].constDecl->value->kind == ExprKind::kSet);
  CHECK(u.decls[1].constDecl->value->kids.size() == 3);
  REQUIRE(u.decls[2].kind == ast::DeclKind::kParam);
  CHECK(u.decls[2].paramDecl->typeRef.optional);
  CHECK(u.decls[2].paramDecl->typeRef.name == "bool");
  CHECK(u.decls[2].paramDecl->defaultValue != nullptr);
  REQUIRE(u.decls[3].kind == ast::DeclKind::kDefine);
  const ast::DefineDecl& def = *u.decls[3].defineDecl;
  CHECK(def.name == "same_day");
  REQUIRE(def.params.size() == 2);
  CHECK(def.params[0]->name == "l");
  CHECK(at(def.params[0]->span) == "14:17");
  CHECK(def.paramTypes[0].name == "Line");
  CHECK(def.paramTypes[1].kind == ast::TypeRef::Kind::kList);
  REQUIRE(def.paramTypes[1].elem != nullptr);
  CHECK(def.paramTypes[1].elem->name == "string");
  CHECK(def.body->kind == ExprKind::kBinary);
  REQUIRE(u.decls[4].kind == ast::DeclKind::kLines);
  CHECK(u.decls[4].linesDecl->name == "waste");
  CHECK(u.decls[4].linesDecl->predicate->kind == ExprKind::kIn);
  CHECK_FALSE(u.decls[4].linesDecl->predicate->negated);

  const ast::RuleDecl& dx = ruleAt(u, 5);
  CHECK(dx.id == "C-DX");
  CHECK(at(dx.span) == "17:6");
  CHECK(dx.title == "Diagnosis");
  CHECK(dx.applies == std::vector<std::string>{"governed"});
  REQUIRE(dx.clauses.size() == 1);
  const ast::Clause& req = dx.clauses[0];
  CHECK(req.kind == ast::ClauseKind::kRequire);
  CHECK(at(req.span) == "19:3");
  CHECK(req.expr->op == BinaryOp::kAnd);
  CHECK(req.outcome.action == Action::kDeny);
  CHECK(req.outcome.group == "CO");
  CHECK(at(req.outcome.groupSpan) == "20:15");
  CHECK(req.outcome.carc == "50");
  CHECK(req.outcome.rarcs.empty());
  REQUIRE(req.outcome.message.present);
  const auto& pieces = req.outcome.message.pieces;
  REQUIRE(pieces.size() == 3);
  CHECK(pieces[0].text == "diagnoses ");
  REQUIRE(pieces[1].expr != nullptr);
  CHECK(pieces[1].expr->kind == ExprKind::kName);
  CHECK(pieces[1].expr->name == "diagnoses");
  CHECK(at(pieces[1].expr->span) == "20:33");  // the first character inside the brace
  CHECK(pieces[2].text == " lack C61 or Z19.2");

  const ast::RuleDecl& units = ruleAt(u, 6);
  CHECK(units.id == "C-UNITS");
  CHECK(units.title.empty());
  CHECK(units.applies == std::vector<std::string>{"governed", "waste"});
  REQUIRE(units.appliesSpans.size() == 2);
  CHECK(at(units.appliesSpans[1]) == "23:27");
  REQUIRE(units.clauses.size() == 2);
  const ast::Clause& let = units.clauses[0];
  CHECK(let.kind == ast::ClauseKind::kLet);
  CHECK(let.var->name == "total");
  REQUIRE(let.expr->kind == ExprKind::kAggregate);
  CHECK(let.expr->aggregate == ast::AggregateOp::kSum);
  CHECK(let.expr->var->name == "l");
  CHECK(at(let.expr->var->span) == "24:31");
  REQUIRE(let.expr->kids.size() == 3);
  CHECK(let.expr->kids[2]->kind == ExprKind::kCall);
  CHECK(let.expr->kids[2]->name == "same_day");
  REQUIRE(let.expr->kids[2]->kids.size() == 2);
  CHECK(let.expr->kids[2]->kids[1]->kind == ExprKind::kSet);
  const ast::Clause& fail = units.clauses[1];
  CHECK(fail.kind == ast::ClauseKind::kFailWhen);
  CHECK(fail.outcome.carc == "151");
  CHECK(fail.outcome.rarcs == std::vector<std::string>{"N362"});
  CHECK(at(fail.outcome.rarcSpan) == "25:15");
  CHECK(fail.outcome.rarcSpan.length == 6);
  const auto& mp = fail.outcome.message.pieces;
  REQUIRE(mp.size() == 3);
  REQUIRE(mp[0].expr != nullptr);
  CHECK(mp[0].expr->name == "total");
  CHECK(mp[1].text == " units, over {60}: ");
  CHECK(mp[1].expr == nullptr);
  REQUIRE(mp[2].expr != nullptr);
  CHECK(mp[2].expr->kind == ExprKind::kBinary);
  CHECK(mp[2].expr->op == BinaryOp::kMul);
  CHECK(at(mp[2].expr->span) == "25:75");
  CHECK(mp[2].expr->span.length == 14);

  const ast::RuleDecl& mb = ruleAt(u, 7);
  CHECK(mb.id == "MB-340B");
  CHECK(mb.applies.empty());
  REQUIRE(mb.onlyWhen != nullptr);
  CHECK(mb.onlyWhen->op == BinaryOp::kGe);
  REQUIRE(mb.effectiveFrom != nullptr);
  CHECK(mb.effectiveThrough == nullptr);
  REQUIRE(mb.clauses.size() == 2);
  const ast::Clause& pend = mb.clauses[0];
  CHECK(pend.kind == ast::ClauseKind::kFailWhen);
  CHECK(pend.outcome.action == Action::kPend);
  CHECK(pend.outcome.carc == "252");
  CHECK(pend.outcome.rarcs == std::vector<std::string>{"M127", "N822"});
  REQUIRE(pend.outcome.message.pieces.size() == 1);
  CHECK(pend.outcome.message.pieces[0].text == "no evidence");
  REQUIRE(pend.expr->kind == ExprKind::kExists);
  CHECK(pend.expr->negated);
  CHECK(pend.expr->var->name == "e");
  REQUIRE(pend.expr->kids.size() == 2);
  const ast::Expr& within = *pend.expr->kids[1];
  CHECK(within.kind == ExprKind::kWithin);
  CHECK(within.before);
  CHECK(within.kids[1]->literalType.kind == TypeKind::kDuration);
  CHECK(within.kids[1]->literal.i == 90);
  const ast::Clause& adjust = mb.clauses[1];
  CHECK(adjust.kind == ast::ClauseKind::kAdjust);
  CHECK(adjust.outcome.group == "CO");
  CHECK(adjust.outcome.carc == "45");
  CHECK(adjust.percent.toString() == "20.5");
  CHECK_FALSE(adjust.outcome.message.present);
  REQUIRE(adjust.expr->op == BinaryOp::kOr);
  CHECK(adjust.expr->kids[0]->kind == ExprKind::kPresence);
  CHECK(adjust.expr->kids[0]->wantAbsent);
  CHECK(adjust.expr->kids[1]->kind == ExprKind::kNot);
}

TEST_CASE("a class of lines is named bare or through its module, in `applies to` and after `is`", "[parser]") {
  auto p = parse("module m\nrule R \"r\"\n  applies to b.waste and governed\n"
                 "  require line is not a.waste and line is small else deny CO 4\n");
  INFO(p->rendered());
  REQUIRE(p->unit != nullptr);
  const ast::RuleDecl& r = ruleAt(*p->unit, 0);
  CHECK(r.applies == std::vector<std::string>{"waste", "governed"});
  CHECK(r.appliesQualifiers == std::vector<std::string>{"b", ""});
  REQUIRE(r.appliesSpans.size() == 2);
  CHECK(at(r.appliesSpans[0]) == "3:14");
  CHECK(r.appliesSpans[0].length == 7);  // `b.waste`
  REQUIRE(r.clauses.size() == 1);
  const ast::Expr& both = *r.clauses[0].expr;
  REQUIRE(both.op == BinaryOp::kAnd);
  const ast::Expr& qualified = *both.kids[0];
  CHECK(qualified.kind == ExprKind::kLineClass);  // not `(line is not a).waste`
  CHECK(qualified.negated);
  CHECK(qualified.qualifier == "a");
  CHECK(qualified.name == "waste");
  const ast::Expr& bare = *both.kids[1];
  CHECK(bare.kind == ExprKind::kLineClass);
  CHECK(bare.qualifier.empty());
  CHECK(bare.name == "small");
}

TEST_CASE("a module with expressions of every kind", "[parser]") {
  auto p = parse(R"PPL(module prior-authorization
param traditional_medicare: bool = false
const a = -x * 2 + 3 / 4 - y
const b = x ?? 0
const c = x is not present and y is present and z is not absent and w is absent
const d = line is not waste and line is governed
const e = x not in s and x in s
const f = x not between 1 and 2 and x between 1.5 and 2.25
const g = if x then y else z
const h = any m in history.medications where m.drug in steroids
const i = every m in lines satisfies m.units > 0
const j = every m in lines where m.units > 0 satisfies m.units < 10
const k = count m in lines where m.units > 0
const l = latest e.date for e in history.evidence
const m = earliest e.date for e in history.evidence where e.kind = "psa"
const n = max l.units for l in lines
const o = x.count + x.from + lines.title
const p = d within 1 day after e
const q = "braces {stay} \"quoted\"\tand\\"
const r = 007.50
rule PA-UNITS
  require true else deny CO 198 [N54]
)PPL");
  INFO(p->rendered());
  REQUIRE(p->unit != nullptr);
  const ast::Unit& u = *p->unit;
  CHECK(u.kind == ast::UnitKind::kModule);
  CHECK(u.name == "prior-authorization");
  auto value = [&](size_t i) -> const ast::Expr& {
    REQUIRE(i < u.decls.size());
    REQUIRE(u.decls[i].kind == ast::DeclKind::kConst);
    return *u.decls[i].constDecl->value;
  };
  // -x * 2 + 3 / 4 - y  ==  ((-x * 2) + (3 / 4)) - y
  const ast::Expr& a = value(1);
  CHECK(a.op == BinaryOp::kSub);
  CHECK(a.kids[0]->op == BinaryOp::kAdd);
  CHECK(a.kids[0]->kids[0]->op == BinaryOp::kMul);
  CHECK(a.kids[0]->kids[0]->kids[0]->kind == ExprKind::kNeg);
  CHECK(a.kids[0]->kids[1]->op == BinaryOp::kDiv);
  CHECK(value(2).kind == ExprKind::kDefault);
  const ast::Expr& c = value(3);  // ((a and b) and c) and d
  CHECK(c.kids[1]->kind == ExprKind::kPresence);
  const ast::Expr* presence[4] = {c.kids[0]->kids[0]->kids[0].get(), c.kids[0]->kids[0]->kids[1].get(),
                                  c.kids[0]->kids[1].get(), c.kids[1].get()};
  CHECK(presence[0]->wantAbsent);        // is not present
  CHECK_FALSE(presence[1]->wantAbsent);  // is present
  CHECK_FALSE(presence[2]->wantAbsent);  // is not absent
  CHECK(presence[3]->wantAbsent);          // is absent
  const ast::Expr& d = value(4);
  CHECK(d.kids[0]->kind == ExprKind::kLineClass);
  CHECK(d.kids[0]->name == "waste");
  CHECK(d.kids[0]->negated);
  CHECK_FALSE(d.kids[1]->negated);
  CHECK(value(5).kids[0]->kind == ExprKind::kIn);
  CHECK(value(5).kids[0]->negated);
  CHECK_FALSE(value(5).kids[1]->negated);
  const ast::Expr& f = value(6);
  CHECK(f.kind == ExprKind::kBinary);
  CHECK(f.kids[0]->kind == ExprKind::kBetween);
  CHECK(f.kids[0]->negated);
  CHECK(f.kids[1]->kind == ExprKind::kBetween);
  CHECK(f.kids[1]->kids[2]->literalType.kind == TypeKind::kDecimal);
  CHECK(f.kids[1]->kids[2]->literal.d.toString() == "2.25");
  CHECK(value(7).kind == ExprKind::kIf);
  CHECK(value(7).kids.size() == 3);
  const ast::Expr& h = value(8);
  CHECK(h.kind == ExprKind::kExists);
  CHECK_FALSE(h.negated);
  CHECK(h.kids.size() == 2);
  const ast::Expr& i = value(9);
  CHECK(i.kind == ExprKind::kEvery);
  REQUIRE(i.kids.size() == 3);
  CHECK(i.kids[1]->kind == ExprKind::kLiteral);  // no `where`: true
  CHECK(i.kids[1]->literal.i == 1);
  CHECK(i.kids[2]->op == BinaryOp::kGt);
  CHECK(value(10).kids.size() == 3);
  CHECK(value(10).kids[2]->op == BinaryOp::kLt);
  CHECK(value(11).kind == ExprKind::kCount);
  CHECK(value(11).kids.size() == 2);
  CHECK(value(12).aggregate == ast::AggregateOp::kMax);
  CHECK(value(12).kids.size() == 2);
  CHECK(value(13).aggregate == ast::AggregateOp::kMin);
  CHECK(value(13).kids.size() == 3);
  CHECK(value(14).aggregate == ast::AggregateOp::kMax);
  const ast::Expr& o = value(15);
  CHECK(o.kids[1]->name == "title");
  CHECK(o.kids[1]->kids[0]->name == "lines");
  CHECK(o.kids[0]->kids[1]->name == "from");
  const ast::Expr& within = value(16);
  CHECK(within.kind == ExprKind::kWithin);
  CHECK_FALSE(within.before);
  CHECK(within.kids[1]->literal.i == 1);
  CHECK(value(17).text == "braces {stay} \"quoted\"\tand\\");
  CHECK(value(18).literal.d.toString() == "7.5");
  const ast::RuleDecl& r = ruleAt(u, 19);
  CHECK(r.id == "PA-UNITS");
  CHECK(r.clauses[0].outcome.rarcs == std::vector<std::string>{"N54"});
  CHECK_FALSE(r.clauses[0].outcome.message.present);
}

TEST_CASE("message holes may hold strings, escaped once", "[parser]") {
  auto p = parse(R"PPL(module m
rule R
  deny CO 50 when true "got {if x then \"a\tb\" else \"{}\"}!"
)PPL");
  INFO(p->rendered());
  REQUIRE(p->unit != nullptr);
  const auto& pieces = ruleAt(*p->unit, 0).clauses[0].outcome.message.pieces;
  REQUIRE(pieces.size() == 3);
  CHECK(pieces[0].text == "got ");
  REQUIRE(pieces[1].expr != nullptr);
  const ast::Expr& e = *pieces[1].expr;
  CHECK(e.kind == ExprKind::kIf);
  CHECK(at(e.span) == "3:30");
  CHECK(e.kids[1]->text == "a\tb");
  CHECK(e.kids[2]->text == "{}");
  CHECK(pieces[2].text == "!");
}

TEST_CASE("positions inside a hole count a hole's \\\" as the two columns it takes", "[parser]") {
  // `)` is column 50 of the source line; each \" before it once moved the error one column left.
  CHECK(errorsOf("module m\nrule R\n  deny CO 50 when true \"a {if x then \\\"yy\\\" else )}\"\n")
            .rfind("test.ppl:3:50: error: unexpected `)`", 0) == 0);
  auto p = parse("module m\nrule R\n  deny CO 50 when true \"{if x then \\\"a\\\" else \\\"b\\\"}\"\n");
  INFO(p->rendered());
  REQUIRE(p->unit != nullptr);
  const ast::Expr& e = *ruleAt(*p->unit, 0).clauses[0].outcome.message.pieces[0].expr;
  CHECK(e.kids[1]->text == "a");  // the padding stays outside the strings
  CHECK(e.kids[2]->text == "b");
  CHECK(at(e.kids[2]->span) == "3:48");  // its opening quote
}

TEST_CASE("a message shows at most 8 values, refused before the 9th is parsed", "[parser][limits]") {
  std::string holes;
  for (int i = 0; i < 9; ++i) holes += "{x}";
  std::string errors = errorsOf("module m\nrule R\n  deny CO 50 when true \"" + holes + "\"\n");
  CHECK(errors.rfind("test.ppl:3:49: error: a message can show at most 8 values\n", 0) == 0);
  // 100,000 holes, each a syntax error were it parsed: one error, for the 9th.
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "{)}";
  auto p = parse("module m\nrule R\n  deny CO 50 when true \"" + many + "\"\n");
  CHECK(p->diags.items().size() == 9);  // the first 8 holes' syntax errors and the limit
}

TEST_CASE("a drug declaration is a string constant marked as a drug", "[parser]") {
  auto p = parse("module m\ndrug cabazitaxel code \"J9027\" acknowledge \"the descriptor is clofarabine\"\n");
  INFO(p->rendered());
  REQUIRE(p->unit != nullptr);
  REQUIRE(p->unit->decls.size() == 1);
  REQUIRE(p->unit->decls[0].kind == ast::DeclKind::kConst);
  const ast::ConstDecl& c = *p->unit->decls[0].constDecl;
  CHECK(c.name == "cabazitaxel");
  CHECK(c.isDrug);
  CHECK(c.value->text == "J9027");
  CHECK(c.acknowledged == "the descriptor is clofarabine");
}

TEST_CASE("stdlib/claim.ppl parses", "[parser]") {
  std::ifstream in(PPL_SOURCE_DIR "/stdlib/claim.ppl", std::ios::binary);
  REQUIRE(in);
  std::stringstream buf;
  buf << in.rdbuf();
  auto p = parse(buf.str());
  INFO(p->rendered());
  REQUIRE(p->unit != nullptr);
  const ast::Unit& u = *p->unit;
  CHECK(u.kind == ast::UnitKind::kSchema);
  CHECK(u.name == "claim_facts");
  CHECK(u.version == "1.0");
  REQUIRE(u.decls.size() >= 10);
  const ast::RecordDecl& claim = *u.decls[0].recordDecl;
  CHECK(claim.name == "Claim");
  REQUIRE(claim.fields.size() == 10);
  CHECK(claim.fields[0].name == "claim_id");
  REQUIRE(claim.fields[0].options.size() == 1);
  CHECK(claim.fields[0].options[0].kind == ast::FieldOption::Kind::kNonEmpty);
  CHECK(claim.fields[1].typeRef.kind == ast::TypeRef::Kind::kEnum);
  CHECK(claim.fields[1].typeRef.values == std::vector<std::string>{"professional", "institutional"});
  CHECK(claim.fields[5].options[0].kind == ast::FieldOption::Kind::kFormat);
  CHECK(claim.fields[5].options[0].name == "place_of_service");
  const ast::FieldDecl& lines = claim.fields[7];
  CHECK(lines.typeRef.kind == ast::TypeRef::Kind::kList);
  CHECK(lines.typeRef.elem->name == "Line");
  REQUIRE(lines.options.size() == 2);
  CHECK(lines.options[1].kind == ast::FieldOption::Kind::kUnique);
  CHECK(lines.options[1].name == "line_number");
  CHECK(claim.fields[8].options[0].emptyList);
  CHECK(claim.fields[9].options[0].emptyRecord);
  bool sawAbove = false, sawNotBefore = false, sawOptional = false, sawDefaultFalse = false;
  for (const ast::Decl& d : u.decls) {
    REQUIRE(d.kind == ast::DeclKind::kRecord);
    for (const ast::FieldDecl& f : d.recordDecl->fields) {
      sawOptional = sawOptional || f.typeRef.optional;
      for (const ast::FieldOption& o : f.options) {
        if (o.kind == ast::FieldOption::Kind::kAbove) sawAbove = o.number.isZero();
        if (o.kind == ast::FieldOption::Kind::kNotBefore) sawNotBefore = true;
        if (o.kind == ast::FieldOption::Kind::kDefault && o.literal) {
          sawDefaultFalse = sawDefaultFalse || o.literal->literalType.kind == TypeKind::kBool;
        }
      }
    }
  }
  CHECK(sawAbove);
  CHECK(sawNotBefore);
  CHECK(sawOptional);
  CHECK(sawDefaultFalse);
}

TEST_CASE("negative numbers in field options", "[parser]") {
  auto p = parse("schema s version \"1\"\nrecord R {\n  t: decimal, at least -40.5, above -41\n}\n");
  INFO(p->rendered());
  REQUIRE(p->unit != nullptr);
  const ast::FieldDecl& f = p->unit->decls[0].recordDecl->fields[0];
  REQUIRE(f.options.size() == 2);
  CHECK(f.options[0].kind == ast::FieldOption::Kind::kAtLeast);
  CHECK(f.options[0].number.toString() == "-40.5");
  CHECK(f.options[1].number.toString() == "-41");
  CHECK(at(f.options[1].span) == "3:31");
}

TEST_CASE("parseExpression places spans at the given position", "[parser]") {
  Diagnostics diags;
  ExprPtr e = parseExpression(3, "a + b.c", 7, 12, diags);
  REQUIRE(e != nullptr);
  CHECK(e->span.file == 3);
  CHECK(at(e->span) == "7:12");
  CHECK(e->span.length == 7);
  CHECK(at(e->kids[1]->span) == "7:16");
  ExprPtr bad = parseExpression(3, "a +", 7, 12, diags);
  CHECK(bad == nullptr);
  REQUIRE(diags.items().size() == 1);
  CHECK(at(diags.items()[0].span) == "7:15");
  CHECK(diags.items()[0].message == "unexpected end of the expression, expected an expression");
}

TEST_CASE("syntax errors are rendered with position, message and caret", "[parser][diagnostics]") {
  SECTION("missing else after require") {
    CHECK(errorsOf("module m\nrule R\n  require line.units > 0 deny CO 50\n") ==
          "test.ppl:3:26: error: expected `else` before `deny`\n"
          "  require line.units > 0 deny CO 50\n"
          "                         ^~~~\n");
  }
  SECTION("unclosed parenthesis") {
    CHECK(errorsOf("module m\nconst x = (1 + 2\nconst y = 3\n") ==
          "test.ppl:3:1: error: expected `)` before `const`\n"
          "const y = 3\n"
          "^~~~~\n"
          "  note: the `(` opened at 2:11 is not closed\n");
  }
  SECTION("a number's error names the limit it breaks") {
    CHECK(errorsOf("module m\nconst x = 1" + std::string(50, '0') + ".0\n")
              .find("` is too large (at most 48 digits before the point)\n") != std::string::npos);
    CHECK(errorsOf("module m\nconst x = 1." + std::string(38, '1') + "\n")
              .rfind("test.ppl:2:11: error: number `1." + std::string(38, '1') + "` has too many digits (at most 38 significant digits)\n", 0) == 0);
    CHECK(errorsOf("module m\nconst x = 0." + std::string(80, '0') + "1\n")
              .find("has too many digits after the point (at most 80)") != std::string::npos);
  }
  SECTION("an unknown escape of a non-ASCII character is shown whole, in a string and in a message") {
    CHECK(errorsOf("module m\nconst x = \"a\\\xC3\xA9\"\n").find("unknown escape `\\\xC3\xA9` in a string") != std::string::npos);
    CHECK(errorsOf("module m\nrule R\n  deny CO 50 when true \"a\\\xC3\xA9\"\n").find("unknown escape `\\\xC3\xA9` in a string") !=
          std::string::npos);
  }
  SECTION("a keyword where a name belongs") {
    CHECK(errorsOf("module m\nconst day = 3\n") ==
          "test.ppl:2:7: error: unexpected `day`, expected a name\n"
          "const day = 3\n"
          "      ^~~\n"
          "  note: `day` is a keyword of the language: choose another name\n");
    // Where an expression belongs, a keyword is not taken for a name.
    CHECK(errorsOf("module m\nconst x = 1 +\nconst y = 2\n").find("keyword") == std::string::npos);
  }
  SECTION("an unquoted version is one error, and the header's clauses are still read") {
    // ANTLR's recovery skipped to `lines` and reported `where` there instead.
    const std::string policy =
        "policy p version 2026\n"
        "  line of business \"commercial\"\n"
        "  governs lines where line.hcpcs = \"J9027\"\n";
    CHECK(errorsOf(policy) ==
          "test.ppl:1:18: error: a version is a string: write `version \"2026\"`\n"
          "policy p version 2026\n"
          "                 ^~~~\n");
    CHECK(errorsOf("schema claim version 3.1\n") ==
          "test.ppl:1:22: error: a version is a string: write `version \"3.1\"`\n"
          "schema claim version 3.1\n"
          "                     ^~~\n");
  }
  SECTION("a header's wording slips are one error each, saying what to write") {
    CHECK(errorsOf("policy p version \"1\"\n"
                   "  lines of business \"commercial\"\n"
                   "  governs lines where line.hcpcs = \"J9027\"\n") ==
          "test.ppl:2:3: error: `lines of business` is written `line of business`\n"
          "  lines of business \"commercial\"\n"
          "  ^~~~~\n");
    CHECK(errorsOf("policy p version \"1\"\n"
                   "  line of business \"commercial\"\n"
                   "  governs line where line.hcpcs = \"J9027\"\n") ==
          "test.ppl:3:11: error: `governs line` is written `governs lines`\n"
          "  governs line where line.hcpcs = \"J9027\"\n"
          "          ^~~~\n");
  }
  SECTION("recovery does not resync on `lines` in the middle of a line") {
    // It took `lines where` for a `lines NAME: ...` declaration: a second error at `where`.
    CHECK(errorsOf("Policy p version \"1\"\n"
                   "  line of business \"commercial\"\n"
                   "  governs lines where line.hcpcs = \"J9027\"\n"
                   "rule R \"r\"\n"
                   "  require line.units > 0 else deny CO 151 \"m\"\n") ==
          "test.ppl:1:1: error: unexpected `Policy`, expected `policy`, `module` or `schema`\n"
          "Policy p version \"1\"\n"
          "^~~~~~\n"
          "  note: did you mean `policy`?\n");
  }
  SECTION("a `use` after a declaration says that `use`s come first") {
    CHECK(errorsOf("module m\nconst x = 1\nuse pack\n") ==
          "test.ppl:3:1: error: unexpected `use` after a declaration: a file's `use`s come first, right after its header\n"
          "use pack\n"
          "^~~\n");
  }
  SECTION("a rule title without its opening quote is pointed out") {
    CHECK(errorsOf("module m\nrule C-STEP docetaxel was tried first\"\n  require true else deny CO 50 \"m\"\n") ==
          "test.ppl:2:13: error: unexpected `docetaxel`, expected a declaration or end of file\n"
          "rule C-STEP docetaxel was tried first\"\n"
          "            ^~~~~~~~~\n"
          "  note: a rule's title is a string: write `rule C-STEP \"docetaxel was tried first\"`\n");
    // Only where an unterminated string ends the line: a misspelt clause is not a title.
    CHECK(errorsOf("module m\nrule R requre true else deny CO 50 \"m\"\n").find("title") == std::string::npos);
  }
  SECTION("an empty version is an error") {
    CHECK(errorsOf("policy p version \"\"\n  line of business \"commercial\"\n  governs lines where true\n") ==
          "test.ppl:1:18: error: a version cannot be empty\n"
          "policy p version \"\"\n"
          "                 ^~\n"
          "  note: decisions name the policy by its version: write one, e.g. `version \"2026.1\"`\n");
    CHECK(errorsOf("policy p version \" \"\n  line of business \"commercial\"\n  governs lines where true\n")
              .rfind("test.ppl:1:18: error: a version cannot be empty\n", 0) == 0);
  }
  SECTION("recovery does not resync on a keyword used as a name, a field, or the outcome of `require`") {
    // Each once added made-up errors after the first: `rule` read as a new rule, `drug` after
    // `.` as a drug declaration, `else deny ...` as a `deny ... when` clause.
    CHECK(errorsOf("module m\ndefine rule = line.drug.acquisition_channel\nconst y = 1\n") ==
          "test.ppl:2:8: error: unexpected `rule`, expected a name\n"
          "define rule = line.drug.acquisition_channel\n"
          "       ^~~~\n"
          "  note: `rule` is a keyword of the language: choose another name\n");
    CHECK(errorsOf("module m\nrule R \"r\"\n"
                   "  require any line in history.medications\n"
                   "      where m.drug in {\"a\"} and m.start <= line.service_date\n"
                   "    else deny CO 50 \"m\"\n"
                   "rule S \"s\"\n  require true else deny CO 50 \"m\"\n") ==
          "test.ppl:3:15: error: unexpected `line`, expected a name\n"
          "  require any line in history.medications\n"
          "              ^~~~\n"
          "  note: `line` is a keyword of the language: choose another name\n");
    const std::string nul = errorsOf(std::string("module m\nrule R \"r\"\n  require has_") + '\0' +
                                     "dx\n    else deny CO 50 \"m\"\n"
                                     "rule S \"s\"\n  require true else deny CO 50 \"m\"\n");
    CHECK(nul.rfind("test.ppl:3:15: error: unexpected character U+0000\n", 0) == 0);
    CHECK(nul.find("test.ppl:", 1) == std::string::npos);
    // A later declaration's own error is still reported.
    const std::string two = errorsOf("module m\ndefine rule = line.units\nconst y = )\n");
    CHECK(two.rfind("test.ppl:2:8: error: unexpected `rule`, expected a name\n", 0) == 0);
    CHECK(two.find("test.ppl:3:11: error: unexpected `)`, expected an expression\n") != std::string::npos);
  }
  SECTION("a stray character") {
    CHECK(errorsOf("module m\nconst x = 1 @ 2\n") ==
          "test.ppl:2:13: error: unexpected character `@`\n"
          "const x = 1 @ 2\n"
          "            ^\n");
  }
  SECTION("a stray character past non-ASCII text, and a control character") {
    CHECK(errorsOf("module m\nconst x = \"\xF0\x9F\x98\x80\" + \xF0\x9F\x98\x80 + 1\n") ==
          "test.ppl:2:17: error: unexpected character `\xF0\x9F\x98\x80`\n"
          "const x = \"\xF0\x9F\x98\x80\" + \xF0\x9F\x98\x80 + 1\n"
          "                ^\n");
    CHECK(errorsOf("module m\nconst x = \x01\n").rfind("test.ppl:2:11: error: unexpected character U+0001\n", 0) == 0);
  }
  SECTION("a missing expression") {
    CHECK(errorsOf("module m\nrule R\n  require else deny CO 50\n") ==
          "test.ppl:3:11: error: unexpected `else`, expected an expression\n"
          "  require else deny CO 50\n"
          "          ^~~~\n");
  }
  SECTION("an unexpected closing parenthesis") {
    CHECK(errorsOf("module m\nconst x = 1 + 2)\n") ==
          "test.ppl:2:16: error: unexpected `)`, expected a declaration or end of file\n"
          "const x = 1 + 2)\n"
          "               ^\n");
  }
  SECTION("an unterminated string") {
    CHECK(errorsOf("module m\nconst x = \"abc\n") ==
          "test.ppl:2:11: error: unterminated string: a string must end with `\"` on the same line\n"
          "const x = \"abc\n"
          "          ^\n");
  }
  SECTION("a dashed name with spaces") {
    CHECK(errorsOf("module m\nrule MB - 340B\n  require true else deny CO 4\n") ==
          "test.ppl:2:6: error: `MB - 340B`: a name cannot contain spaces; write `MB-340B`\n"
          "rule MB - 340B\n"
          "     ^~~~~~~~~\n");
  }
  SECTION("an impossible date") {
    CHECK(errorsOf("module m\nconst d = 2026-02-30\n") ==
          "test.ppl:2:11: error: `2026-02-30` is not a calendar date\n"
          "const d = 2026-02-30\n"
          "          ^~~~~~~~~~\n");
  }
  SECTION("an integer that overflows") {
    CHECK(errorsOf("module m\nconst n = 9223372036854775808\n") ==
          "test.ppl:2:11: error: integer `9223372036854775808` is too large (the largest is 9223372036854775807)\n"
          "const n = 9223372036854775808\n"
          "          ^~~~~~~~~~~~~~~~~~~\n");
  }
  SECTION("an unclosed message hole") {
    CHECK(errorsOf("module m\nrule R\n  deny CO 50 when true \"units {line.units\"\n") ==
          "test.ppl:3:31: error: unclosed `{` in a message; close the hole with `}` or write `\\{` for a literal "
          "brace\n"
          "  deny CO 50 when true \"units {line.units\"\n"
          "                              ^\n");
  }
  SECTION("an empty message hole") {
    CHECK(errorsOf("module m\nrule R\n  deny CO 50 when true \"a { } b\"\n") ==
          "test.ppl:3:27: error: empty `{}` in a message; put an expression inside or write `\\{\\}` for literal "
          "braces\n"
          "  deny CO 50 when true \"a { } b\"\n"
          "                          ^~~\n");
  }
  SECTION("a bad expression inside a message hole points into the string") {
    CHECK(errorsOf("module m\nrule R\n  deny CO 50 when true \"a {line.} b\"\n") ==
          "test.ppl:3:33: error: unexpected end of the expression, expected a name\n"
          "  deny CO 50 when true \"a {line.} b\"\n"
          "                                ^\n");
  }
  SECTION("deny with two messages") {
    CHECK(errorsOf("module m\nrule R\n  deny CO 50 \"one\" when true \"two\"\n") ==
          "test.ppl:3:30: error: this `deny` already has a message before `when`; give one message, before "
          "`when` or at the end\n"
          "  deny CO 50 \"one\" when true \"two\"\n"
          "                             ^~~~~\n");
  }
  SECTION("an unknown escape") {
    CHECK(errorsOf("module m\nconst s = \"a\\qb\"\n") ==
          "test.ppl:2:13: error: unknown escape `\\q` in a string; the escapes are \\\" \\\\ \\n \\t \\{ \\}\n"
          "const s = \"a\\qb\"\n"
          "            ^~\n");
  }
  SECTION("a policy without governs and line of business") {
    CHECK(errorsOf("policy p-1 version \"1\"\n") ==
          "test.ppl:1:8: error: policy `p-1` needs a `governs lines where ...` clause\n"
          "policy p-1 version \"1\"\n"
          "       ^~~\n"
          "test.ppl:1:8: error: policy `p-1` needs a `line of business \"...\"` clause\n"
          "policy p-1 version \"1\"\n"
          "       ^~~\n");
  }
  SECTION("a header clause given twice") {
    const std::string out = errorsOf(
        "policy p version \"1\"\n  title \"a\"\n  title \"b\"\n  line of business \"x\"\n"
        "  governs lines where true\n");
    CHECK(out ==
          "test.ppl:3:3: error: policy `p` already has a title\n"
          "  title \"b\"\n"
          "  ^~~~~~~~~\n");
  }
  SECTION("duplicate rule clauses") {
    const std::string out = errorsOf(
        "module m\nrule R\n  applies to governed\n  only when true\n  applies to waste\n  only when false\n"
        "  effective from 2020-01-01\n  effective from 2021-01-01\n");
    CHECK(out ==
          "test.ppl:5:3: error: rule `R` already has an `applies to` clause\n"
          "  applies to waste\n"
          "  ^~~~~~~~~~~~~~~~\n"
          "test.ppl:6:3: error: rule `R` already has an `only when` clause\n"
          "  only when false\n"
          "  ^~~~~~~~~~~~~~~\n"
          "test.ppl:8:3: error: rule `R` already has an `effective` clause\n"
          "  effective from 2021-01-01\n"
          "  ^~~~~~~~~~~~~~~~~~~~~~~~~\n");
  }
  SECTION("an empty file, or one of comments only, is said so, at no position (review17a F18)") {
    const std::string hint = ": a policy starts with `policy`, a module with `module`\n";
    CHECK(errorsOf("") == "test.ppl: error: the file is empty" + hint);
    CHECK(errorsOf("\xEF\xBB\xBF \n\t\r\n") == "test.ppl: error: the file is empty" + hint);
    CHECK(errorsOf("// docetaxel policy, to do\n\n// ask medical director\n") ==
          "test.ppl: error: the file holds only comments" + hint);
    // A header after the comments parses as ever.
    CHECK(parse("// to do\nmodule m\n")->unit != nullptr);
  }
  SECTION("a span that runs over lines is underlined to the end of its first line") {
    CHECK(errorsOf("module m\nconst d = (2026-02-30\n  )\nconst e = 2026-13-01 + 1\n")
              .find("test.ppl:4:11: error: `2026-13-01` is not a calendar date\n"
                    "const e = 2026-13-01 + 1\n"
                    "          ^~~~~~~~~~\n") != std::string::npos);
  }
}

TEST_CASE("one syntax mistake is one error, and later declarations' own errors are still reported", "[parser][diagnostics]") {
  // Each once gave a second error, at the same token or further on (review17a F15).
  SECTION("a quantifier's `require` without `else`: the error that says what was expected") {
    CHECK(errorsOf("module m\nrule R \"r\"\n  require any a in lines where a.units > 0\n    deny CO 50 \"m\"\n"
                   "rule S \"s\"\n  require true else deny CO 50 \"m\"\n") ==
          "test.ppl:4:5: error: expected `else` before `deny`\n"
          "    deny CO 50 \"m\"\n"
          "    ^~~~\n");
  }
  SECTION("an unclosed parenthesis before `else`") {
    CHECK(errorsOf("module m\nconst covered = {\"x\"}\nrule R \"r\"\n"
                   "  require (any d in diagnoses where d in covered\n    else deny CO 50 \"m\"\n") ==
          "test.ppl:5:5: error: expected `)` before `else`\n"
          "    else deny CO 50 \"m\"\n"
          "    ^~~~\n"
          "  note: the `(` opened at 4:11 is not closed\n");
  }
  SECTION("nothing at the next rule's keyword") {
    CHECK(errorsOf("module m\nrule R \"r\"\n  require true\n    otherwise deny CO 50 \"m\"\n"
                   "rule S \"s\"\n  require true else deny CO 50 \"m\"\n") ==
          "test.ppl:4:5: error: unexpected `otherwise`, expected `else`\n"
          "    otherwise deny CO 50 \"m\"\n"
          "    ^~~~~~~~~\n");
  }
  SECTION("nothing more on the line of a header's mistake") {
    CHECK(errorsOf("policy p version \"1\"\n  line of business \"commercial\"\n  governs lines where true\n"
                   "  effective since 2026-01-01\n\nconst x = 1\n") ==
          "test.ppl:4:13: error: expected `from` before `since`\n"
          "  effective since 2026-01-01\n"
          "            ^~~~~\n");
  }
  SECTION("a declaration whose keyword could have been skipped keeps its own errors (review17c 5)") {
    // `rule R2` after an expression cut short: `R2` could end it, were `rule` deleted.
    const std::string errors = errorsOf("module m\nrule R1 \"r\"\n  deny CO 4 \"x\" when line.units >\n\n"
                                        "rule R2 \"s\"\n  require line.units < )\n    else deny CO 4 \"z\"\n");
    CHECK(errors.find("test.ppl:5:1: error: unexpected `rule`, expected an expression\n") != std::string::npos);
    CHECK(errors.find("test.ppl:6:24: error: unexpected `)`, expected an expression\n") != std::string::npos);
    const std::string consts = errorsOf("module m\nconst a = 1 +\nconst b = 2 +\ndefine c = 3\n");
    CHECK(consts.find("test.ppl:3:1: error: unexpected `const`, expected an expression\n") != std::string::npos);
    CHECK(consts.find("test.ppl:4:1: error: unexpected `define`, expected an expression\n") != std::string::npos);
    // A misspelt declaration keyword at the file's level, after a broken header.
    const std::string header = errorsOf("policy p version \"1\"\n  line of busines \"commercial\"\n"
                                        "  governs lines where true\n\nrul R1 \"one\"\n  require true else deny CO 4 \"x\"\n");
    CHECK(header.find("test.ppl:2:11: error: unexpected `busines`, expected `business`\n") != std::string::npos);
    CHECK(header.find("test.ppl:5:1: error: unexpected `rul`, expected `use`, a declaration or end of file\n") !=
          std::string::npos);
  }
  SECTION("stray words right after the header are skipped to the next declaration, not to the end (review17d F2)") {
    const std::string stray = errorsOf("module m\nrul R1 \"one\"\n  require true else deny CO 4 \"x\"\n"
                                       "rule R2 \"two\"\n  require line.units < )\n    else deny CO 4 \"z\"\n");
    CHECK(stray.find("test.ppl:2:1: error: unexpected `rul`, expected `use`, a declaration or end of file\n") !=
          std::string::npos);
    CHECK(stray.find("test.ppl:5:24: error: unexpected `)`, expected an expression\n") != std::string::npos);
  }
  SECTION("a declaration's keyword where `applies to` needs a name: nothing in the declaration ANTLR starts there") {
    // `drug` and `lines` start declarations, but not mid-line: `require` was reported as the
    // drug's missing name. The next rule's own error is still reported.
    CHECK(errorsOf("module m\nrule R \"r\"\n  applies to drug\n  require true else deny CO 4 \"x\"\n"
                   "rule S \"s\"\n  applies to governed and lines\n  require true else deny CO 4 \"x\"\n"
                   "const x = )\n") ==
          "test.ppl:3:14: error: expected a name before `drug`\n"
          "  applies to drug\n"
          "             ^~~~\n"
          "  note: `drug` is a keyword of the language: choose another name\n"
          "test.ppl:6:27: error: expected a name before `lines`\n"
          "  applies to governed and lines\n"
          "                          ^~~~~\n"
          "  note: `lines` is a keyword of the language: choose another name\n"
          "test.ppl:8:11: error: unexpected `)`, expected an expression\n"
          "const x = )\n"
          "          ^\n");
  }
  SECTION("independent errors in later declarations, and after one") {
    CHECK(errorsOf("module m\nrule R \"r\"\n  require true\n    otherwise deny CO 50 \"m\"\nrule S \"s\"\n"
                   "  require (true else deny CO 50 \"m\"\nconst x = )\n") ==
          "test.ppl:4:5: error: unexpected `otherwise`, expected `else`\n"
          "    otherwise deny CO 50 \"m\"\n"
          "    ^~~~~~~~~\n"
          "test.ppl:6:17: error: expected `)` before `else`\n"
          "  require (true else deny CO 50 \"m\"\n"
          "                ^~~~\n"
          "  note: the `(` opened at 6:11 is not closed\n"
          "test.ppl:7:11: error: unexpected `)`, expected an expression\n"
          "const x = )\n"
          "          ^\n");
    // A stray token between declarations, after a good declaration that followed a bad one.
    CHECK(errorsOf("module m\nconst x = (1\nconst y = 2\n)\n") ==
          "test.ppl:3:1: error: expected `)` before `const`\n"
          "const y = 2\n"
          "^~~~~\n"
          "  note: the `(` opened at 2:11 is not closed\n"
          "test.ppl:4:1: error: unexpected `)`, expected a declaration or end of file\n"
          ")\n"
          "^\n");
  }
}

TEST_CASE("a declaration's missing `=` is named, not taken for a comparison (review17d F8)", "[parser][diagnostics]") {
  SECTION("a define without parameters: `=`, with `(` as the rarer choice") {
    CHECK(errorsOf("module m\ndefine f 3\n") ==
          "test.ppl:2:10: error: unexpected `3`, expected `=` (or `(` for a define with parameters)\n"
          "define f 3\n"
          "         ^\n");
    CHECK(errorsOf("module m\ndefine f\n") ==
          "test.ppl:3:1: error: unexpected end of file, expected `=` (or `(` for a define with parameters)\n"
          "\n"
          "^\n");
    CHECK(errorsOf("module m\ndefine f(x: number) x\n") ==
          "test.ppl:2:21: error: expected `=` before `x`\n"
          "define f(x: number) x\n"
          "                    ^\n");
  }
  SECTION("a constant, a let and a module's binding") {
    CHECK(errorsOf("module m\nconst a 3\n") ==
          "test.ppl:2:9: error: expected `=` before `3`\n"
          "const a 3\n"
          "        ^\n");
    CHECK(errorsOf("module m\nrule R \"r\"\n  let x line.units\n  require x > 1 else deny CO 4\n") ==
          "test.ppl:3:9: error: expected `=` before `line`\n"
          "  let x line.units\n"
          "        ^~~~\n");
    CHECK(errorsOf("module m\nrule R \"r\"\n  let x\n  require x > 1 else deny CO 4\n") ==
          "test.ppl:4:3: error: unexpected `require`, expected `=`\n"
          "  require x > 1 else deny CO 4\n"
          "  ^~~~~~~\n");
    CHECK(errorsOf("module m\nuse pack with x 3\n") ==
          "test.ppl:2:17: error: expected `=` before `3`\n"
          "use pack with x 3\n"
          "                ^\n");
  }
  SECTION("a parameter: `:` before its type, `=` before a default on its line") {
    CHECK(errorsOf("module m\nparam p number\n") ==
          "test.ppl:2:9: error: expected `:` before `number`\n"
          "param p number\n"
          "        ^~~~~~\n");
    CHECK(errorsOf("module m\nparam p: number 3\nconst b = 1 +\n") ==
          "test.ppl:2:17: error: expected `=` before `3`\n"
          "param p: number 3\n"
          "                ^\n"
          "test.ppl:4:1: error: unexpected end of file, expected an expression\n"
          "\n"
          "^\n");
    // On a line of its own, the value is not the parameter's.
    CHECK(errorsOf("module m\nparam p: number\n3\n") ==
          "test.ppl:3:1: error: unexpected `3`, expected a declaration or end of file\n"
          "3\n"
          "^\n");
  }
}

TEST_CASE("message holes are checked in a file with syntax errors, in the order of the text (review17d F3)",
          "[parser][diagnostics]") {
  const std::string r1 = "rule R1 \"one\"\n  require line.units < 5\n    else deny CO 4 \"see {line.units +}\"\n";
  const std::string r3 = "rule R3 \"three\"\n  require line.units < )\n    else deny CO 4 \"z\"\n";
  SECTION("a hole's error before another rule's, and after it") {
    CHECK(errorsOf("module m\n" + r1 + r3) ==
          "test.ppl:4:38: error: unexpected end of the expression, expected an expression\n"
          "    else deny CO 4 \"see {line.units +}\"\n"
          "                                     ^\n"
          "test.ppl:6:24: error: unexpected `)`, expected an expression\n"
          "  require line.units < )\n"
          "                       ^\n");
    CHECK(errorsOf("module m\n" + r3 + r1) ==
          "test.ppl:3:24: error: unexpected `)`, expected an expression\n"
          "  require line.units < )\n"
          "                       ^\n"
          "test.ppl:7:38: error: unexpected end of the expression, expected an expression\n"
          "    else deny CO 4 \"see {line.units +}\"\n"
          "                                     ^\n");
  }
  SECTION("a message after `when`, and a message's own mistakes (an unclosed `{`)") {
    CHECK(errorsOf("module m\nconst a = 1 +\nrule R \"r\"\n  deny CO 4 when true \"x {(}\"\n"
                   "  deny CO 5 when true \"units {line.units\"\n") ==
          "test.ppl:3:1: error: unexpected `rule`, expected an expression\n"
          "rule R \"r\"\n"
          "^~~~\n"
          "test.ppl:4:28: error: unexpected end of the expression, expected an expression\n"
          "  deny CO 4 when true \"x {(}\"\n"
          "                           ^\n"
          "test.ppl:5:30: error: unclosed `{` in a message; close the hole with `}` or write `\\{` for a literal brace\n"
          "  deny CO 5 when true \"units {line.units\"\n"
          "                             ^\n");
  }
  SECTION("in a rule with a syntax error of its own, a message before the error, not after it") {
    CHECK(errorsOf("module m\nrule R \"r\"\n  require line.units < 5\n    else deny CO 4 \"see {line.units +}\"\n"
                   "  require line.units < )\n    else deny CO 4 \"z {a +}\"\n") ==
          "test.ppl:4:38: error: unexpected end of the expression, expected an expression\n"
          "    else deny CO 4 \"see {line.units +}\"\n"
          "                                     ^\n"
          "test.ppl:5:24: error: unexpected `)`, expected an expression\n"
          "  require line.units < )\n"
          "                       ^\n");
    // Past the error, the tree is ANTLR's guess.
    CHECK(errorsOf("module m\nrule R2 \"two\"\n  require line.units < )\n    else deny CO 4 \"z {a +}\"\n") ==
          "test.ppl:3:24: error: unexpected `)`, expected an expression\n"
          "  require line.units < )\n"
          "                       ^\n");
  }
  SECTION("the holes share the budget, and the note that stopped it is on the last error") {
    ParseLimits limits;
    limits.maxSyntaxErrors = 4;
    const std::string hole = "rule R \"r\"\n  deny CO 4 when true \"x {(}\"\n";
    // Three errors of the file's own and two holes: the first hole fills the budget, the second
    // is not checked, and the note moves to the last error.
    CHECK(errorsOf("module m\nconst a = 1 +\n" + hole + "const b = 1 +\n" + hole + "const c = 1 +\n", limits) ==
          "test.ppl:3:1: error: unexpected `rule`, expected an expression\n"
          "rule R \"r\"\n"
          "^~~~\n"
          "test.ppl:4:28: error: unexpected end of the expression, expected an expression\n"
          "  deny CO 4 when true \"x {(}\"\n"
          "                           ^\n"
          "test.ppl:6:1: error: unexpected `rule`, expected an expression\n"
          "rule R \"r\"\n"
          "^~~~\n"
          "test.ppl:9:1: error: unexpected end of file, expected an expression\n"
          "\n"
          "^\n"
          "  note: stopping after 4 syntax errors\n");
  }
}

TEST_CASE("a misspelt keyword is named with the keyword meant", "[parser][diagnostics]") {
  // review17a F6: the keyword the grammar takes there, or a clause keyword first on a rule's line.
  const std::string rule = "module m\nrule R \"r\"\n";
  SECTION("a clause keyword, where the rule has ended for the parser") {
    CHECK(errorsOf(rule + "  aplies to governed\n") ==
          "test.ppl:3:3: error: unexpected `aplies`, expected a declaration or end of file\n"
          "  aplies to governed\n"
          "  ^~~~~~\n"
          "  note: did you mean `applies`?\n");
    CHECK(errorsOf(rule + "  applies to governed\n  requires true else deny CO 50 \"m\"\n") ==
          "test.ppl:4:3: error: unexpected `requires`, expected a declaration or end of file\n"
          "  requires true else deny CO 50 \"m\"\n"
          "  ^~~~~~~~\n"
          "  note: did you mean `require`?\n");
    CHECK(errorsOf(rule + "  require true else deny CO 50 \"m\"\n  Deny CO 50 when false\n")
              .find("note: did you mean `deny`?\n") != std::string::npos);
  }
  SECTION("the keyword expected, said as the word it replaces, not as one missing before it") {
    CHECK(errorsOf(rule + "  require true\n    esle deny CO 50 \"m\"\n") ==
          "test.ppl:4:5: error: unexpected `esle`, expected `else`\n"
          "    esle deny CO 50 \"m\"\n"
          "    ^~~~\n"
          "  note: did you mean `else`?\n");
    CHECK(errorsOf(rule + "  deny CO 4 wen true\n") ==
          "test.ppl:3:13: error: unexpected `wen`, expected `when`\n"
          "  deny CO 4 wen true\n"
          "            ^~~\n"
          "  note: did you mean `when`?\n");
    CHECK(errorsOf("policy p version \"1\"\n  line of business \"commercial\"\n  governs lines where true\n"
                   "  effective form 2026-01-01\n") ==
          "test.ppl:4:13: error: unexpected `form`, expected `from`\n"
          "  effective form 2026-01-01\n"
          "            ^~~~\n"
          "  note: did you mean `from`?\n");
  }
  SECTION("a declaration keyword, and a header clause's") {
    CHECK(errorsOf("module m\nrul R \"r\"\n  require true else deny CO 50 \"m\"\n") ==
          "test.ppl:2:1: error: unexpected `rul`, expected `use`, a declaration or end of file\n"
          "rul R \"r\"\n"
          "^~~\n"
          "  note: did you mean `rule`?\n");
    CHECK(errorsOf("policy p version \"1\"\n  titel \"x\"\n  line of business \"commercial\"\n"
                   "  governs lines where true\n")
              .find("test.ppl:2:3: error: unexpected `titel`, expected `use`, a declaration or end of file\n"
                    "  titel \"x\"\n"
                    "  ^~~~~\n"
                    "  note: did you mean `title`?\n") == 0);
  }
  SECTION("no suggestion for a name far from every keyword, nor for a clause keyword outside a rule") {
    CHECK(errorsOf(rule + "  banana to governed\n").find("did you mean") == std::string::npos);
    CHECK(errorsOf("module m\nconst x = 1\n  aplies to governed\n").find("did you mean") == std::string::npos);
    // Not first on its line: the name after a rule's id is not taken for a clause keyword.
    CHECK(errorsOf("module m\nrule R requre true else deny CO 50 \"m\"\n").find("did you mean") == std::string::npos);
  }
}

TEST_CASE("diagnostics render tabs, warnings and notes", "[diagnostics]") {
  SourceManager sources;
  const uint32_t f = sources.add("a.ppl", "line one\n\tx = 1\r\nthird");
  CHECK(sources.lineText(f, 2) == "\tx = 1");
  CHECK(sources.lineText(f, 3) == "third");
  CHECK(sources.lineText(f, 4).empty());
  Diagnostics diags;
  diags.warning(Span{f, 2, 2, 1}, "unused", "`x` is never read", {"remove it"});
  diags.error(Span{f, 3, 4, 10}, "bad");
  CHECK(diags.errorCount() == 1);
  CHECK(diags.hasErrors());
  CHECK(renderDiagnostics(diags, sources) ==
        "a.ppl:2:2: warning: `x` is never read [unused]\n"
        "\tx = 1\n"
        "\t^\n"
        "  note: remove it\n"
        "a.ppl:3:4: error: bad\n"
        "third\n"
        "   ^~\n");
}

TEST_CASE("a long source line is shown as a window around the error", "[diagnostics]") {
  std::string pad(400, ' ');
  std::string errors = errorsOf("module m\nconst x = 1" + pad + "@" + pad + "2\n");
  // Column 412: 53 characters before it are shown, after "...".
  CHECK(errors.rfind("test.ppl:2:412: error: unexpected character `@`\n..." + std::string(53, ' ') + "@" +
                         std::string(106, ' ') + "...\n" + std::string(56, ' ') + "^\n",
                     0) == 0);
  std::string early = errorsOf("module m\nconst x = @" + pad + "2\n");
  CHECK(early.rfind("test.ppl:2:11: error: unexpected character `@`\nconst x = @" + std::string(149, ' ') + "...\n" +
                        std::string(10, ' ') + "^\n",
                    0) == 0);
}

TEST_CASE("suggestName offers only close, unambiguous names", "[diagnostics]") {
  const std::vector<std::string> fields = {"valid_from", "valid_through", "units_used", "units_approved", "status"};
  CHECK(suggestName("valid_throgh", fields) == "valid_through");
  CHECK(suggestName("vaild_from", fields) == "valid_from");  // a transposition is one edit
  CHECK(suggestName("Status", fields) == "status");
  CHECK(suggestName("banana", fields).empty());
  CHECK(suggestName("unit_used", {"unit_uses", "units_used"}).empty());  // two at distance 1
  CHECK(suggestName("x", {}).empty());
}

TEST_CASE("syntax errors stop at the limit", "[parser][limits]") {
  std::string text = "module m\n";
  for (int i = 0; i < 200; ++i) text += "const = )\n";
  ParseLimits limits;
  limits.maxSyntaxErrors = 5;
  auto p = parse(text, limits);
  CHECK(p->unit == nullptr);
  CHECK(p->diags.errorCount() == 5);
  REQUIRE_FALSE(p->diags.items().empty());
  CHECK(p->diags.items().back().notes == std::vector<std::string>{"stopping after 5 syntax errors"});
}

TEST_CASE("hostile input gives a diagnostic, never a crash", "[parser][limits]") {
  SECTION("10,000 nested parentheses") {
    std::string text = "module m\nconst x = " + std::string(10000, '(') + "1" + std::string(10000, ')') + "\n";
    const std::string out = errorsOf(text);
    CHECK(out.rfind("test.ppl:2:210: error: expression is nested too deeply (more than 200 levels", 0) == 0);
  }
  SECTION("100,000 `not`s") {
    std::string text = "module m\nconst x = ";
    for (int i = 0; i < 100000; ++i) text += "not ";
    text += "true\n";
    const std::string out = errorsOf(text);
    CHECK(out.rfind("test.ppl:2:807: error: expression is nested too deeply", 0) == 0);
  }
  SECTION("100,000 minus signs and nested sets") {
    CHECK_FALSE(errorsOf("module m\nconst x = " + std::string(100000, '-') + "1\n").empty());
    CHECK_FALSE(errorsOf("module m\nconst x = " + std::string(100000, '{') + "\n").empty());
  }
  SECTION("a long chain of additions") {
    std::string text = "module m\nconst x = a";
    for (int i = 0; i < 100000; ++i) text += " + a";
    text += "\n";
    CHECK(errorsOf(text).find("expression is nested too deeply") != std::string::npos);
  }
  SECTION("nesting behind a comparison") {
    std::string text = "module m\nconst x = a";
    for (int i = 0; i < 50000; ++i) text += " = not a";
    CHECK(errorsOf(text + "\n").find("expression is nested too deeply") != std::string::npos);
  }
  SECTION("else-if chains and nested lists") {
    std::string chain = "module m\nconst x = ";
    for (int i = 0; i < 20000; ++i) chain += "if a then b else ";
    CHECK(errorsOf(chain + "c\n").find("nested too deeply") != std::string::npos);
    std::string lists = "module m\nparam p: ";
    for (int i = 0; i < 20000; ++i) lists += "list of ";
    CHECK(errorsOf(lists + "string\n").find("nested too deeply") != std::string::npos);
  }
  SECTION("nesting just under the limit parses") {
    auto p = parse("module m\nconst x = " + std::string(150, '(') + "not " + std::string(40, '-') + "1" +
                   std::string(150, ')') + "\n");
    INFO(p->rendered());
    CHECK(p->unit != nullptr);
  }
  SECTION("an error deep inside nesting near the limit") {
    CHECK_FALSE(errorsOf("module m\nconst x = " + std::string(190, '(') + "1 2\n").empty());
  }
  SECTION("a 5 MB file") {
    std::string text = "module m\n";
    while (text.size() < 5u << 20) text += "const x = 1 + 2 // padding padding padding padding\n";
    CHECK(errorsOf(text).rfind("test.ppl:1:1: error: the file is too large (", 0) == 0);
  }
  SECTION("invalid UTF-8") {
    CHECK(errorsOf("module m\nconst x = \"a\xff\"\n").rfind("test.ppl:2:13: error: invalid UTF-8 (byte 0xFF)", 0) ==
          0);
  }
  SECTION("a byte order mark and non-ASCII text are fine") {
    auto p = parse("\xEF\xBB\xBFmodule m\nconst x = \"d\xC3\xA9j\xC3\xA0\" = y\n");
    INFO(p->rendered());
    REQUIRE(p->unit != nullptr);
    const ast::Expr& e = *p->unit->decls[0].constDecl->value;
    CHECK(e.kids[0]->text == "d\xC3\xA9j\xC3\xA0");
    CHECK(e.span.length == 10);  // code points, not bytes
    CHECK(at(e.kids[1]->span) == "2:20");
    // Columns on the first line count from after the mark, as editors count them.
    CHECK(errorsOf("\xEF\xBB\xBFmodule m @\n").rfind("test.ppl:1:10: error: unexpected character `@`", 0) == 0);
  }
  SECTION("other languages' operators: one error each, no cascade") {
    const std::string out = errorsOf("module m\nconst x = 1 == 1 && 2 == 2 || false\nconst z = 1\n");
    CHECK(out.rfind("test.ppl:2:13: error: `==` is written `=` in PPL", 0) == 0);
    CHECK(out.find("test.ppl:2:18: error: `&&` is written `and` in PPL") != std::string::npos);
    CHECK(out.find("test.ppl:2:23: error: `==` is written `=` in PPL") != std::string::npos);
    CHECK(out.find("test.ppl:2:28: error: `||` is written `or` in PPL") != std::string::npos);
    CHECK(out.find("test.ppl:3") == std::string::npos);
    CHECK(errorsOf("module m\nconst y = !true\n")
              .rfind("test.ppl:2:11: error: unexpected character `!`: write `not` (and `!=` for not equal)", 0) == 0);
  }
  SECTION("characters that look like others, or like nothing, are named") {
    CHECK(errorsOf("module m\nconst x =\xC2\xA0" "1\n")
              .rfind("test.ppl:2:10: error: unexpected character U+00A0 (a no-break space): use an ordinary space", 0) == 0);
    CHECK(errorsOf("module m\nconst x = \xE2\x80\x9C" "a\xE2\x80\x9D\n")
              .rfind("test.ppl:2:11: error: unexpected character U+201C (a curly quote): strings use straight quotes", 0) ==
          0);
  }
  SECTION("a control character in the echoed line is shown, not printed raw") {
    const std::string out = errorsOf(std::string("module m\nconst x = 60") + '\0' + " y\n");
    CHECK(out.rfind("test.ppl:2:13: error: unexpected character U+0000", 0) == 0);
    CHECK(out.find("const x = 60\xEF\xBF\xBD y\n            ^") != std::string::npos);
  }
}

TEST_CASE("random input never crashes the parser", "[parser][fuzz]") {
  const std::vector<std::string> words = {
      "policy", "module", "schema", "version", "title", "line", "of", "business", "governs", "lines", "where",
      "effective", "from", "through", "use", "with", "const", "param", "define", "rule", "record", "applies",
      "to", "only", "when", "let", "require", "else", "deny", "pend", "adjust", "by", "%", "CO", "50", "[", "]",
      "(", ")", "{", "}", ",", ":", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "??", ".", "is", "not",
      "present", "absent", "in", "within", "before", "after", "between", "and", "or", "if", "then", "any", "no",
      "every", "satisfies", "count", "sum", "max", "min", "latest", "earliest", "for", "true", "false", "90",
      "days", "1", "day", "2026-02-30", "2024-01-01", "1.5", "\"s\"", "\"{x}\"", "\"{\"", "\"a\\qb\"",
      "\"{a\\n b}\"", "x", "y", "drug", "code", "MB-340B", "optional", "list", "one", "format", "at", "least", "above", "default", "unique", "empty",
      "@", "\"", "#", "\t", "\n", "//", "99999999999999999999"};
  const std::string alphabet = "abcxyz019-+*/(){}[]<>=!?.,:%\"\\@# \n\t_";
  std::mt19937 rng(20260127);
  for (int round = 0; round < 400; ++round) {
    std::string text;
    if (round % 4 == 3) {
      const size_t n = rng() % 200;
      for (size_t i = 0; i < n; ++i) text += alphabet[rng() % alphabet.size()];
    } else {
      const char* headers[] = {"policy p version \"1\" ", "module m ", "schema s version \"1\" ", ""};
      text = headers[rng() % 4];
      const size_t n = rng() % 120;
      for (size_t i = 0; i < n; ++i) {
        text += words[rng() % words.size()];
        text += (rng() % 8 == 0) ? "" : " ";
      }
    }
    INFO(text);
    auto p = parse(text);
    // Either an AST or errors, never both and never neither.
    CHECK((p->unit != nullptr) != p->diags.hasErrors());
    const uint32_t lines = 1 + static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n'));
    for (const Diagnostic& d : p->diags.items()) CHECK(d.span.line <= lines);
    (void)p->rendered();
  }
}
