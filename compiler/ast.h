// The AST: what compiler/parser.cpp builds from ANTLR's parse tree, and what the checker
// annotates in place (types, name resolutions, folded constants). Codegen and the reference
// evaluator read only the checked AST. Nodes own their children; pointers between nodes
// (a name to its declaration) are plain, non-owning, and set by the checker.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/diagnostics.h"
#include "compiler/types.h"
#include "runtime/decimal.h"
#include "runtime/decision.h"
#include "runtime/value.h"

namespace ppl::ast {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
struct ConstDecl;
struct ParamDecl;
struct DefineDecl;
struct LinesDecl;
struct Unit;

// A variable bound inside an expression or a rule: a quantifier's variable, a rule's `let`,
// a define's parameter. Codegen maps it to a register, the reference evaluator to a Value.
struct VarDecl {
  std::string name;
  Span span;
  Type type;     // set by the checker
  uint32_t id = 0;  // unique within the compilation, set by the checker (for narrowing keys)
};

enum class ExprKind : uint8_t {
  kLiteral,    // literal: bool, int, decimal, string, date, duration (and group after checking)
  kName,       // name: resolved by the checker into `ref`
  kField,      // kids[0].name
  kNeg,        // -kids[0]
  kNot,        // not kids[0]
  kBinary,     // kids[0] op kids[1]: arithmetic, comparison, and, or
  kDefault,    // kids[0] ?? kids[1]
  kPresence,   // kids[0] is present / is absent (`is not present` is stored as wantAbsent)
  kLineClass,  // kids[0] is [not] name  (a `lines` class or `governed`)
  kIn,         // kids[0] [not] in kids[1]
  kWithin,     // kids[0] within kids[1] (before|after) kids[2]
  kBetween,    // kids[0] [not] between kids[1] and kids[2]
  kIf,         // if kids[0] then kids[1] else kids[2]
  kCall,       // name(kids...)
  kSet,        // {kids...}
  kExists,     // any/no var in kids[0] [where kids[1]]           (`negated` for `no`)
  kEvery,      // every var in kids[0] where kids[1] satisfies kids[2] (no `where`: kids[1] is `true`)
  kCount,      // count var in kids[0] [where kids[1]]
  kAggregate,  // (sum|max|min|latest|earliest) kids[0] for var in kids[1] [where kids[2]]
};

enum class BinaryOp : uint8_t { kAdd, kSub, kMul, kDiv, kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr };
enum class AggregateOp : uint8_t { kSum, kMax, kMin };  // latest = max, earliest = min

// What a kName (or a kField on a module, or a kCall) refers to; set by the checker.
enum class RefKind : uint8_t {
  kNone,
  kVar,        // var: a VarDecl (quantifier variable, let, define parameter)
  kLine,       // `line`: the line being decided (inside a define or lines class: the line it is applied to)
  kClaim,      // `claim`: the root record
  kRootField,  // a field of the root record used bare (`lines`, `diagnoses`): field index in `field`
  kConst,      // constDecl
  kParam,      // paramDecl: a module parameter, bound by `use ... with`
  kDefine,     // defineDecl: inlined at each use (no parameters for a kName; with arguments for a kCall)
  kBuiltin,    // kCall of a stdlib function: builtin id in `builtin`
  kModule,     // a module name, the base of a qualified reference
};

// A define's parameters are widened by bits of one word (Expr::widened).
constexpr size_t kMaxDefineParams = 64;

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  Span span;
  std::vector<ExprPtr> kids;

  // Source payload
  std::string name;        // kName, kField (the field), kLineClass, kCall
  BinaryOp op = BinaryOp::kAdd;
  AggregateOp aggregate = AggregateOp::kSum;
  bool negated = false;    // not in / is not / no / not between
  bool wantAbsent = false; // kPresence: true for `is absent` and `is not present`
  bool before = true;      // kWithin: before (true) or after (false)
  std::unique_ptr<VarDecl> var;  // quantifiers and aggregates
  // kLiteral: the value and its type (the parser sets kind; the checker may refine)
  Type literalType;
  Value literal;           // not for strings: the parser leaves literal.s empty
  std::string text;        // kLiteral strings (unescaped): read the string from here
  std::string qualifier;   // kCall, kLineClass: the module named before the define or class (`pa.covers(a)`), or empty

  // Set by the checker
  Type type;
  RefKind ref = RefKind::kNone;
  VarDecl* varRef = nullptr;
  ConstDecl* constRef = nullptr;
  ParamDecl* paramRef = nullptr;
  DefineDecl* defineRef = nullptr;
  LinesDecl* linesRef = nullptr;    // kLineClass (nullptr with ref kNone = `governed`)
  const Unit* moduleRef = nullptr;  // kModule
  int builtin = -1;
  uint32_t field = 0;        // kField / kRootField: field index in the record (slot = schema slot)
  uint32_t record = 0;       // kField: the base record's schema index
  bool decisionField = false;  // kField `.decision` of a line (reads another line's verdict)
  // Bit i: kids[i] is an integer widened to decimal here. 64 bits: a define takes at most
  // kMaxDefineParams parameters, every other form at most 3 operands.
  uint64_t widened = 0;
  bool toDecimal(size_t i) const { return i < 64 && ((widened >> i) & 1) != 0; }
  void widen(size_t i) { widened |= uint64_t{1} << i; }
};

// A string with `{expr}` holes, checked like expressions.
struct MessagePiece {
  std::string text;  // literal text, when expr is null
  ExprPtr expr;
};
struct MessageTemplate {
  Span span;
  std::vector<MessagePiece> pieces;
  bool present = false;
};

struct OutcomeSpec {
  Span span;
  Action action = Action::kDeny;
  std::string group;   // CO, PR, OA or the name of a define / param of type group
  Span groupSpan;
  ExprPtr groupExpr;   // set by the checker when the group is computed
  std::string carc;
  Span carcSpan;
  std::vector<std::string> rarcs;
  Span rarcSpan;
  MessageTemplate message;
};

enum class ClauseKind : uint8_t {
  kLet,      // let var = expr
  kRequire,  // require expr else outcome: fails when expr is false
  kFailWhen, // outcome when expr: fails when expr is true
  kAdjust,   // adjust group carc by percent% when expr [message]
};

struct Clause {
  ClauseKind kind = ClauseKind::kRequire;
  Span span;
  std::unique_ptr<VarDecl> var;  // kLet
  ExprPtr expr;
  OutcomeSpec outcome;           // kRequire, kFailWhen; for kAdjust: group, carc, message
  Decimal percent;               // kAdjust
};

struct RuleDecl {
  std::string id;
  Span span;
  std::string title;
  std::vector<std::string> applies;  // `lines` classes (and/or `governed`), all must hold
  std::vector<std::string> appliesQualifiers;  // each class's module (`b.waste`), or empty
  std::vector<Span> appliesSpans;
  std::vector<LinesDecl*> appliesRefs;  // set by the checker (nullptr for `governed`)
  ExprPtr onlyWhen;
  ExprPtr effectiveFrom, effectiveThrough;  // rule-level effective dates of service
  std::vector<Clause> clauses;
  // Set by the checker: the `lines` classes whose decisions this rule reads.
  std::vector<LinesDecl*> readsDecisionsOf;
};

struct ConstDecl {
  std::string name;
  Span span;
  ExprPtr value;
  Type type;       // set by the checker
  Value folded;    // set by the checker: the constant's value (strings: `foldedText`)
  std::string foldedText;
  std::vector<std::string> foldedSet;  // for string sets
  // `drug NAME code "J9027" [acknowledge "why"]`: a string constant naming a drug's HCPCS
  // code, which `pplc check` compares with the code's official descriptor.
  bool isDrug = false;
  std::string acknowledged;  // the reason given for a descriptor that does not name the drug
};

struct TypeRef {
  enum class Kind : uint8_t { kNamed, kList, kEnum } kind = Kind::kNamed;
  Span span;
  bool optional = false;
  std::string name;                 // kNamed: bool, integer, decimal, string, date, duration, group, or a record
  std::vector<std::string> values;  // kEnum
  std::unique_ptr<TypeRef> elem;    // kList
};

struct ParamDecl {
  std::string name;
  Span span;
  TypeRef typeRef;
  ExprPtr defaultValue;
  Type type;  // set by the checker
};

struct DefineDecl {
  std::string name;
  Span span;
  std::vector<std::unique_ptr<VarDecl>> params;
  std::vector<TypeRef> paramTypes;
  ExprPtr body;
  Type type;  // set by the checker
};

struct LinesDecl {
  std::string name;
  Span span;
  ExprPtr predicate;  // over `line`
};

struct FieldOption {
  enum class Kind : uint8_t { kNonEmpty, kFormat, kAtLeast, kAbove, kDefault, kUnique, kNotBefore } kind;
  Span span;
  std::string name;   // kFormat, kUnique, kNotBefore
  Decimal number;     // kAtLeast, kAbove
  ExprPtr literal;    // kDefault of a scalar (null for [] and {})
  bool emptyList = false;    // default []
  bool emptyRecord = false;  // default {}
};

struct FieldDecl {
  std::string name;
  Span span;
  TypeRef typeRef;
  std::vector<FieldOption> options;
};

struct RecordDecl {
  std::string name;
  Span span;
  std::vector<FieldDecl> fields;
};

struct Binding {
  std::string name;
  Span span;
  ExprPtr value;
  ParamDecl* param = nullptr;  // set by the checker
};

struct UseDecl {
  std::string module;  // dashed name, as written
  std::string alias;   // the name after `as`, or empty
  Span span;
  Span aliasSpan;
  // The name that qualifies the module's declarations in the using file (`pa.x`).
  const std::string& qualifier() const { return alias.empty() ? module : alias; }
  std::vector<Binding> bindings;
  const Unit* unit = nullptr;  // set by the compiler driver when it loads the module
};

enum class DeclKind : uint8_t { kConst, kParam, kDefine, kLines, kRule, kRecord };

// Declarations keep their source order (rules' order is the reasons' order).
struct Decl {
  DeclKind kind;
  std::unique_ptr<ConstDecl> constDecl;
  std::unique_ptr<ParamDecl> paramDecl;
  std::unique_ptr<DefineDecl> defineDecl;
  std::unique_ptr<LinesDecl> linesDecl;
  std::unique_ptr<RuleDecl> ruleDecl;
  std::unique_ptr<RecordDecl> recordDecl;
};

// The name of a declaration that names a value or a class (a constant, parameter, define or
// class of lines), with its place in `span` when given; null for rules and records.
inline const std::string* declaredName(const Decl& d, Span* span = nullptr) {
  const std::string* name = nullptr;
  Span at;
  switch (d.kind) {
    case DeclKind::kConst: name = &d.constDecl->name; at = d.constDecl->span; break;
    case DeclKind::kParam: name = &d.paramDecl->name; at = d.paramDecl->span; break;
    case DeclKind::kDefine: name = &d.defineDecl->name; at = d.defineDecl->span; break;
    case DeclKind::kLines: name = &d.linesDecl->name; at = d.linesDecl->span; break;
    default: break;
  }
  if (span != nullptr && name != nullptr) *span = at;
  return name;
}

enum class UnitKind : uint8_t { kPolicy, kModule, kSchema };

// One source file.
struct Unit {
  UnitKind kind = UnitKind::kModule;
  uint32_t file = 0;  // SourceManager index
  std::string name;   // policy id, module name, schema name
  Span nameSpan;
  // Policies
  std::string version;
  std::string title;
  std::vector<std::string> linesOfBusiness;
  std::vector<Span> lobSpans;
  ExprPtr governs;  // over `line`
  ExprPtr effectiveFrom, effectiveThrough;
  // All
  std::vector<UseDecl> uses;
  std::vector<Decl> decls;
  // Named by the command (a file, or in a directory given), not only reached through `use`.
  bool given = false;
};

}  // namespace ppl::ast
