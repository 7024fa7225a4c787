// Name resolution, type checking and constant folding over the AST, and the assembly of each
// policy from the modules it uses. Errors are reported and checking goes on: an expression
// with an error gets the type kError, which every consumer accepts silently, so one mistake
// yields one diagnostic.
#include "compiler/checker.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "runtime/claim_checks.h"
#include "runtime/date.h"
#include "runtime/decision.h"
#include "stdlib/functions.h"

namespace ppl {
namespace {

using namespace ast;

using KeySet = std::set<std::string>;

// CO, PR or OA by name (X12 CAS01), else nothing: the one list of the names a group is spelt with.
std::optional<AdjustmentGroup> groupNamed(const std::string& name) {
  for (AdjustmentGroup g : {AdjustmentGroup::kCO, AdjustmentGroup::kPR, AdjustmentGroup::kOA}) {
    if (name == groupName(g)) return g;
  }
  return std::nullopt;
}

// `02/01/2026` in a policy is two divisions: a note with the date it most likely meant, written
// as PPL writes dates (month first, as US payers write them), or "" when `e` is not that shape.
std::string usDateNote(const Expr& e) {
  auto intLiteral = [](const Expr& x) {
    return x.kind == ExprKind::kLiteral && x.literalType.kind == TypeKind::kInt && x.literal.i >= 0;
  };
  if (e.kind != ExprKind::kBinary || e.op != BinaryOp::kDiv || !intLiteral(*e.kids[1])) return "";
  const Expr& md = *e.kids[0];
  if (md.kind != ExprKind::kBinary || md.op != BinaryOp::kDiv || !intLiteral(*md.kids[0]) || !intLiteral(*md.kids[1])) {
    return "";
  }
  const int64_t month = md.kids[0]->literal.i, day = md.kids[1]->literal.i, year = e.kids[1]->literal.i;
  if (month < 1 || month > 12 || year < 1 || year > 9999 || day < 1 ||
      day > daysInMonth(static_cast<int>(year), static_cast<unsigned>(month))) {
    return "";  // not a date (`02/30/2026`): no date to suggest
  }
  return fmt::format("dates are written YYYY-MM-DD: `{:04d}-{:02d}-{:02d}`", year, month, day);
}

// For `text`, a code not of format `f`: the code most likely meant, when there is one, and what
// `whose` ("the claim's value", "a drug's code") must look like.
std::vector<std::string> codeFormatNotes(const std::string& text, StringFormat f, const char* whose) {
  std::vector<std::string> notes;
  if (std::string code = likelyCode(text, f); !code.empty()) notes.push_back(fmt::format("did you mean `{}`?", code));
  notes.push_back(fmt::format("{} {}", whose, formatExpectation(f)));
  return notes;
}

// What a boolean expression tells about presence when it is true / when it is false.
struct Known {
  KeySet whenTrue;
  KeySet whenFalse;
};

KeySet unite(const KeySet& a, const KeySet& b) {
  KeySet r = a;
  r.insert(b.begin(), b.end());
  return r;
}
KeySet intersect(const KeySet& a, const KeySet& b) {
  KeySet r;
  for (const auto& k : a) {
    if (b.count(k)) r.insert(k);
  }
  return r;
}

// A path and its prefixes: knowing `line.drug.lot_number` is present tells `line.drug` is.
KeySet withPrefixes(const std::string& key) {
  KeySet r;
  if (key.empty()) return r;
  r.insert(key);
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i] == '.') r.insert(key.substr(0, i));
  }
  return r;
}

// The narrowing key of a path expression, or "" when it is not a path.
std::string pathKey(const Expr& e) {
  switch (e.ref) {
    // Variables and defines get keys no field path can spell ('#'), by declaration, not name:
    // `ma.v` and `mb.v` are different facts.
    case RefKind::kVar: return fmt::format("#v{}", e.varRef->id);
    case RefKind::kLine: return "line";
    case RefKind::kClaim: return "claim";
    case RefKind::kRootField: return "claim." + e.name;
    case RefKind::kDefine:
      return e.kids.empty() || e.kind == ExprKind::kField ? fmt::format("#d{}", static_cast<const void*>(e.defineRef)) : "";
    default: break;
  }
  if (e.kind == ExprKind::kField && e.ref == RefKind::kNone && !e.decisionField) {
    std::string base = pathKey(*e.kids[0]);
    return base.empty() ? "" : base + "." + e.name;
  }
  return "";
}

Known knownFrom(const Expr& e) {
  Known k;
  switch (e.kind) {
    case ExprKind::kPresence: {
      KeySet keys = withPrefixes(pathKey(*e.kids[0]));
      if (e.wantAbsent) {
        k.whenFalse = keys;
      } else {
        k.whenTrue = keys;
      }
      return k;
    }
    case ExprKind::kNot: {
      Known inner = knownFrom(*e.kids[0]);
      k.whenTrue = inner.whenFalse;
      k.whenFalse = inner.whenTrue;
      return k;
    }
    case ExprKind::kBinary:
      if (e.op == BinaryOp::kAnd || e.op == BinaryOp::kOr) {
        Known a = knownFrom(*e.kids[0]);
        Known b = knownFrom(*e.kids[1]);
        if (e.op == BinaryOp::kAnd) {
          k.whenTrue = unite(a.whenTrue, b.whenTrue);
          k.whenFalse = intersect(a.whenFalse, b.whenFalse);
        } else {
          k.whenTrue = intersect(a.whenTrue, b.whenTrue);
          k.whenFalse = unite(a.whenFalse, b.whenFalse);
        }
      }
      return k;
    default: return k;
  }
}

// A name visible in a unit.
struct Entity {
  enum class Kind { kConst, kParam, kDefine, kLines, kModule } kind;
  ConstDecl* constDecl = nullptr;
  ParamDecl* paramDecl = nullptr;
  DefineDecl* defineDecl = nullptr;
  LinesDecl* linesDecl = nullptr;
  const Unit* module = nullptr;  // kModule, or the unit that declares the entity
  const void* identity() const {
    switch (kind) {
      case Kind::kConst: return constDecl;
      case Kind::kParam: return paramDecl;
      case Kind::kDefine: return defineDecl;
      case Kind::kLines: return linesDecl;
      case Kind::kModule: return module;
    }
    return nullptr;
  }
};

struct Ctx {
  const Unit* unit = nullptr;
  std::vector<VarDecl*> vars;
  KeySet present;
  std::set<LinesDecl*>* reads = nullptr;  // decision reads collected here; null: not allowed
  const char* noDecisionsWhy = "here";
  bool lineAvailable = true;
  std::map<VarDecl*, LinesDecl*> lineVarClass;
};

// kCycleReported: still being checked, and a reference back into it was reported already.
enum class State { kUnchecked, kChecking, kCycleReported, kDone };

// Classes of lines in source order (file, line, column): what decides an order that reaches
// the program (phases, chunks) must not depend on where the classes were allocated.
struct BySource {
  bool operator()(const LinesDecl* a, const LinesDecl* b) const {
    return std::tie(a->span.file, a->span.line, a->span.col) < std::tie(b->span.file, b->span.line, b->span.col);
  }
};


// A check a literal or constant gets where it is used (`channel != "brown-bag"`, `round(x, 2)`),
// owed instead by a parameter standing there (`channel != excluded_channel`): it is made on the
// value the parameter is given, where it is given.
struct Owed {
  enum class Kind : uint8_t { kComparedString, kRoundPlaces } kind = Kind::kComparedString;
  Type type;                        // kComparedString: compared with a value of this type
  std::vector<std::string> others;  // ... or with one of these strings (`channel ?? "none"`)
  std::vector<std::string> where;   // notes: where the parameter is used so, and through what
};

class Checker {
 public:
  Checker(CheckedProgram& program, Diagnostics& diags) : prog_(program), diags_(diags), schema_(program.schema) {}

  bool run();

 private:
  CheckedProgram& prog_;
  Diagnostics& diags_;
  const Schema& schema_;
  uint32_t nextVarId_ = 1;
  std::map<const Unit*, std::map<std::string, Entity>> own_;       // each unit's declarations
  std::map<const void*, const Unit*> ownerOf_;                     // declaration -> unit
  std::map<const DefineDecl*, State> defineState_;
  std::map<const DefineDecl*, std::set<LinesDecl*>> defineReads_;
  std::map<const ConstDecl*, State> constState_;
  std::map<const ParamDecl*, State> paramState_;
  // Checks owed by parameters, whose values are given elsewhere: a module's parameter's at
  // each `use ... with` and at its default, a define's parameter's at each call.
  std::map<const ParamDecl*, std::vector<Owed>> owedByParam_;
  std::map<const VarDecl*, std::vector<Owed>> owedByDefineParam_;
  std::map<const VarDecl*, const DefineDecl*> defineOfParam_;
  std::map<const VarDecl*, const Expr*> letValue_;  // each rule's `let`, for otherStrings()
  int32_t lobEnum_ = -1;
  int nesting_ = 0;                 // check() calls open, through constants and defines
  bool nestingReported_ = false;    // kMaxCheckedNesting is reported once
  // The names a unit sees besides variables, for suggestions: built once per unit, not per error.
  std::map<const Unit*, std::vector<std::string>> visibleInUnit_;

  // --- errors
  Type error(const Span& span, std::string message, std::vector<std::string> notes = {}) {
    diags_.error(span, std::move(message), std::move(notes));
    return Type();
  }
  std::vector<std::string> didYouMean(const std::string& name, const std::vector<std::string>& candidates) {
    if (diags_.full()) return {};  // the error will be dropped: spare the search
    std::string s = suggestName(name, candidates);
    if (s.empty()) return {};
    return {fmt::format("did you mean `{}`?", s)};
  }
  std::string typeStr(const Type& t) const { return typeName(t, schema_); }

  // --- declarations and scopes
  void declareUnit(const Unit& unit);
  // "line L, column C of module `m`": where a declaration (or rule) of `unit` is, for a note.
  static std::string placeIn(const Unit* unit, const Span& span) {
    if (unit == nullptr) return fmt::format("line {}, column {}", span.line, span.col);
    return fmt::format("line {}, column {} of {}", span.line, span.col, unitNamed(unit));
  }
  // "module `m`", "policy `p`": a unit named in a note.
  static std::string unitNamed(const Unit* unit) {
    if (unit == nullptr) return "";
    return fmt::format("{} `{}`", unit->kind == UnitKind::kModule ? "module" : "policy", unit->name);
  }
  std::string builtInMeaning(const std::string& name) const;
  void reportAmbiguous(const std::string& name, const Span& span, const UseDecl& first, const UseDecl& second);
  bool lookup(const Unit* unit, const std::string& name, const Span& span, Entity& out, bool report);
  std::vector<std::string> visibleNames(const Ctx& c);
  std::vector<std::string> unknownClassNotes(const Unit& unit, const std::string& name);
  // The class of lines `name` (or `qualifier.name`) names in `unit`; nullptr, having reported
  // why when `report`, when it names none.
  LinesDecl* findClass(const Unit& unit, const std::string& qualifier, const std::string& name, const Span& span,
                       bool report);
  // The claim fact an unknown bare name most likely means: a field of a quantifier's record in
  // scope (`units` -> `a.units`), of the line (`line.units`, where a line is at hand) or of a
  // record of the claim (`weight_kg` -> `patient.weight_kg`), or the field a payer's usual word
  // names (`date_of_service`); "".
  std::string factPathFor(const std::string& name, const Ctx& c) const;
  Type resolveTypeRef(const TypeRef& t);

  void checkConst(ConstDecl& d);
  void checkParam(ParamDecl& d);
  void checkDefine(DefineDecl& d);
  void checkRule(RuleDecl& r, const Unit& unit);
  bool fold(Expr& e, Value& v, std::string& text, std::vector<std::string>& set);
  // fold() where only the value matters: whether `e` is known before any claim, and what.
  bool foldValue(Expr& e, Value& v) {
    std::string text;
    std::vector<std::string> set;
    return fold(e, v, text, set);
  }
  // Why the last fold of a constant expression failed, when its arithmetic did (division by
  // zero, overflow); empty when it was not constant.
  std::string foldProblem_;
  bool foldInto(Expr& e, Type expected, BoundParam& out);
  // Reports arithmetic in `e` on constants alone that cannot be computed (`1 / 0`): it would
  // stop every claim at run time, where a lint would call the condition merely constant.
  void reportFoldProblems(Expr& e);

  // --- expressions
  Type check(Expr& e, Ctx& c);
  Type checkNode(Expr& e, Ctx& c);
  bool misusesSet(const Expr& e);
  // `moduleAllowed`: the name is the base of `NAME.x`, the only place a module name may stand.
  Type checkName(Expr& e, Ctx& c, bool moduleAllowed = false);
  Type checkField(Expr& e, Ctx& c);
  Type checkBinary(Expr& e, Ctx& c);
  Type checkCall(Expr& e, Ctx& c);
  Type checkQuantifier(Expr& e, Ctx& c);
  Type annotateEntity(Expr& e, const Entity& ent, Ctx& c);
  // Checks `e` and requires a present value (the optional-read rule).
  Type checkPresent(Expr& e, Ctx& c);
  Type requirePresent(Expr& e, Type t);
  bool expectKind(Expr& e, const Type& t, TypeKind kind, const char* what);
  // `compared` (a string literal, a constant of strings, or a parameter standing there) compared
  // with a value of `type`, computed by `source` (whose own fallback strings are allowed too): it
  // must be one of the type's enumeration, or have its code format (`line.hcpcs = "j9027"` could
  // never hold, since the claim loader refuses such a code). A parameter owes the check to the
  // values it is given (Owed).
  void checkComparedString(const Type& type, const Expr& compared, const Expr* source);
  // `s` against `type`'s enumeration or code format (or one of `others`); the error at `at`
  // names `constant` when the string came from one.
  void checkStringValue(const Type& type, const std::vector<std::string>& others, const std::string& s,
                        const ConstDecl* constant, const Span& at, const std::vector<std::string>& where);
  // Each constant's wrong strings are reported once, at the first use (and its declaration
  // named there), not at every use.
  std::set<std::tuple<const ConstDecl*, std::string, int32_t, StringFormat>> reportedConstantStrings_;
  // A unit's unknown names that a module it does not use declares are reported once a module:
  // every use of the pack's names in a policy that forgot `use pack` has the same cause.
  std::set<std::pair<const Unit*, std::string>> reportedUnused_;
  // When `e` is a parameter, it owes `o`: recorded, and true. False for anything else.
  bool oweIfParameter(const Expr& e, Owed o);
  // `value`, given to a parameter that owes `o`, settles it: checked now when it is known here
  // (a literal or a constant), or owed in turn when it is another parameter.
  void settle(Expr& value, const Owed& o);
  void settleModuleParameters();
  void checkMessage(MessageTemplate& m, Ctx& c);
  void checkOutcome(OutcomeSpec& o, Ctx& c);
  Type narrowed(const Expr& e, Type t, const Ctx& c) const {
    if (t.optional) {
      std::string key = pathKey(e);
      if (!key.empty() && c.present.count(key)) t.optional = false;
    }
    return t;
  }

  // --- policies
  void checkInlining();
  void assemblePolicy(const Unit& unit);
  void checkOnePolicyPerLineOfBusiness();
  void computePhases(CheckedPolicy& policy);
};

// ---------------------------------------------------------------- declarations

void Checker::declareUnit(const Unit& unit) {
  auto& names = own_[&unit];
  for (const Decl& d : unit.decls) {
    Entity e{Entity::Kind::kConst};
    std::string name;
    Span span;
    switch (d.kind) {
      case DeclKind::kConst:
        e = Entity{Entity::Kind::kConst};
        e.constDecl = d.constDecl.get();
        name = d.constDecl->name;
        span = d.constDecl->span;
        break;
      case DeclKind::kParam:
        e = Entity{Entity::Kind::kParam};
        e.paramDecl = d.paramDecl.get();
        name = d.paramDecl->name;
        span = d.paramDecl->span;
        if (unit.kind != UnitKind::kModule) error(span, "only a module can declare a `param`");
        break;
      case DeclKind::kDefine:
        e = Entity{Entity::Kind::kDefine};
        e.defineDecl = d.defineDecl.get();
        name = d.defineDecl->name;
        span = d.defineDecl->span;
        break;
      case DeclKind::kLines:
        e = Entity{Entity::Kind::kLines};
        e.linesDecl = d.linesDecl.get();
        name = d.linesDecl->name;
        span = d.linesDecl->span;
        if (name == "governed") error(span, "`governed` is built in: it is the lines the policy governs");
        break;
      case DeclKind::kRule:
        ownerOf_[d.ruleDecl.get()] = &unit;  // for notes naming where a rule is
        continue;
      case DeclKind::kRecord: continue;
    }
    e.module = &unit;
    ownerOf_[e.identity()] = &unit;
    if (std::string why = builtInMeaning(name); !why.empty()) {
      // Resolved before or after own declarations depending on the kind: either way one of
      // the two meanings would be silently lost.
      error(span, fmt::format("`{}` is {}: choose another name", name, why));
      continue;
    }
    if (names.count(name)) {
      error(span, fmt::format("`{}` is declared twice in this file", name));
      continue;
    }
    names.emplace(name, e);
  }
}

// What `name` already means in every policy, or "" when nothing: a declaration may not take it.
std::string Checker::builtInMeaning(const std::string& name) const {
  if (name == "claim") return "the claim";  // `line` is a keyword
  if (groupNamed(name)) return "an adjustment group";
  if (schema_.records[schema_.root].findField(name) >= 0) return "a field of the claim";
  if (findBuiltin(name) >= 0) return "a built-in function";
  return "";
}

// Own declarations first; then the declarations of used modules (ambiguity is an error).
bool Checker::lookup(const Unit* unit, const std::string& name, const Span& span, Entity& out, bool report) {
  auto& own = own_[unit];
  if (auto it = own.find(name); it != own.end()) {
    out = it->second;
    return true;
  }
  const Entity* found = nullptr;
  const UseDecl* foundBy = nullptr;
  for (const UseDecl& u : unit->uses) {
    if (!u.unit) continue;
    if (u.qualifier() == name) {
      out = Entity{Entity::Kind::kModule};
      out.module = u.unit;
      return true;
    }
    auto& theirs = own_[u.unit];
    if (auto it = theirs.find(name); it != theirs.end()) {
      if (found && found->identity() != it->second.identity()) {
        if (report) reportAmbiguous(name, span, *foundBy, u);
        out = *found;
        return true;
      }
      found = &it->second;
      foundBy = &u;
    }
  }
  if (found) {
    out = *found;
    return true;
  }
  return false;
}

// Suggests only qualifiers that can be written: a dashed module name in an expression would be
// a subtraction (`prior-authorization.x`), so such a module must first be named with `as`.
void Checker::reportAmbiguous(const std::string& name, const Span& span, const UseDecl& first, const UseDecl& second) {
  std::vector<std::string> ways, subtractions;
  for (const UseDecl* use : {&first, &second}) {
    if (use->qualifier().find('-') == std::string::npos) {
      ways.push_back(fmt::format("`{}.{}`", use->qualifier(), name));
    } else {
      ways.push_back(fmt::format("`NAME.{}` after `use {} as NAME`", name, use->module));
      subtractions.push_back(fmt::format("`{}.{}`", use->module, name));
    }
  }
  std::vector<std::string> notes;
  if (!subtractions.empty()) {
    notes.push_back(fmt::format("a dashed name cannot qualify: {} would be {}", fmt::join(subtractions, " and "),
                                subtractions.size() == 1 ? "a subtraction" : "subtractions"));
  }
  error(span, fmt::format("`{}` is declared by both `{}` and `{}`: qualify it as {}, or as {}", name, first.unit->name,
                          second.unit->name, ways[0], ways[1]),
        std::move(notes));
}

// The notes of "unknown class of lines": the closest class this file can name (its own, its
// used modules'), or the module to `use` when one that is not used declares the class.
std::vector<std::string> Checker::unknownClassNotes(const Unit& unit, const std::string& name) {
  std::vector<std::string> names = {"governed"};
  auto addClasses = [&](const Unit* u) {
    for (const auto& [n, en] : own_[u]) {
      if (en.kind == Entity::Kind::kLines) names.push_back(n);
    }
  };
  addClasses(&unit);
  for (const UseDecl& u : unit.uses) {
    if (u.unit) addClasses(u.unit);
  }
  std::vector<std::string> notes = didYouMean(name, names);
  if (!notes.empty() || diags_.full()) return notes;
  std::map<std::string, const Unit*> elsewhere;  // the classes of modules the file does not use
  for (const auto& [u, decls] : own_) {
    if (u->kind != UnitKind::kModule) continue;
    for (const auto& [n, en] : decls) {
      if (en.kind == Entity::Kind::kLines) elsewhere.emplace(n, u);
    }
  }
  std::vector<std::string> candidates;
  for (const auto& [n, u] : elsewhere) candidates.push_back(n);
  const std::string closest = elsewhere.count(name) ? name : suggestName(name, candidates);
  if (closest.empty()) return notes;
  const std::string& module = elsewhere[closest]->name;
  if (closest == name) return {fmt::format("module `{}` declares it: add `use {}`", module, module)};
  return {fmt::format("did you mean `{}`? module `{}` declares it: add `use {}`", closest, module, module)};
}

LinesDecl* Checker::findClass(const Unit& unit, const std::string& qualifier, const std::string& name, const Span& span,
                              bool report) {
  Entity ent{Entity::Kind::kConst};
  if (qualifier.empty()) {
    if (lookup(&unit, name, span, ent, report) && ent.kind == Entity::Kind::kLines) return ent.linesDecl;
    if (report) error(span, fmt::format("unknown class of lines `{}`", name), unknownClassNotes(unit, name));
    return nullptr;
  }
  // `b.waste`: a class of a used module, named through the module (when two used modules
  // declare the name, this is the only way to name it).
  if (!lookup(&unit, qualifier, span, ent, report) || ent.kind != Entity::Kind::kModule) {
    if (report) error(span, fmt::format("`{}` is not a module this file uses", qualifier));
    return nullptr;
  }
  auto& theirs = own_[ent.module];
  if (auto it = theirs.find(name); it != theirs.end() && it->second.kind == Entity::Kind::kLines) {
    return it->second.linesDecl;
  }
  if (report) {
    std::vector<std::string> classes;
    for (const auto& [n, en] : theirs) {
      if (en.kind == Entity::Kind::kLines) classes.push_back(n);
    }
    std::vector<std::string> notes = didYouMean(name, classes);
    if (name == "governed") notes = {"`governed` is every governed line, not a module's: write it without the module"};
    error(span, fmt::format("module `{}` declares no class of lines `{}`", ent.module->name, name), std::move(notes));
  }
  return nullptr;
}

std::vector<std::string> Checker::visibleNames(const Ctx& c) {
  auto [cached, fresh] = visibleInUnit_.try_emplace(c.unit);
  if (fresh) {
    std::vector<std::string>& names = cached->second;
    names.push_back("claim");
    for (const auto& f : schema_.records[schema_.root].fields) names.push_back(f.name);
    auto addOwn = [&](const Unit* u) {
      auto it = own_.find(u);
      if (it == own_.end()) return;
      for (const auto& [n, e] : it->second) {
        if (e.kind != Entity::Kind::kLines) names.push_back(n);
      }
    };
    addOwn(c.unit);
    for (const UseDecl& u : c.unit->uses) {
      if (u.unit) addOwn(u.unit);
    }
  }
  std::vector<std::string> names;
  for (auto* v : c.vars) names.push_back(v->name);
  if (c.lineAvailable) names.push_back("line");
  names.insert(names.end(), cached->second.begin(), cached->second.end());
  return names;
}

std::string Checker::factPathFor(const std::string& name, const Ctx& c) const {
  // Payers' words for the claim's fields, where the spelling is no guide.
  static const std::pair<const char*, const char*> kSynonyms[] = {
      {"date_of_service", "service_date"}, {"dos", "service_date"},  {"cpt", "hcpcs"},
      {"hcpcs_code", "hcpcs"},             {"procedure_code", "hcpcs"}, {"pos", "place_of_service"},
      {"modifier", "modifiers"},           {"diagnosis", "diagnoses"},  {"units_billed", "units"},
  };
  std::string field = name;
  for (const auto& [word, meant] : kSynonyms) {
    if (name == word) field = meant;
  }
  const SchemaRecord& root = schema_.records[schema_.root];
  if (field != name && root.findField(field) >= 0) return field;  // `pos`: place_of_service
  for (auto v = c.vars.rbegin(); v != c.vars.rend(); ++v) {  // the innermost first
    const Type& t = (*v)->type;
    if (t.kind == TypeKind::kRecord && schema_.records[t.record].findField(field) >= 0) return (*v)->name + "." + field;
  }
  if (c.lineAvailable && schema_.records[prog_.lineRecord].findField(field) >= 0) return "line." + field;
  for (const SchemaField& f : root.fields) {
    if (f.type.kind == ValueKind::kRecord && schema_.records[f.type.record].findField(field) >= 0) {
      return f.name + "." + field;
    }
  }
  return "";
}

Type Checker::resolveTypeRef(const TypeRef& t) {
  Type out;
  switch (t.kind) {
    case TypeRef::Kind::kList: {
      Type elem = resolveTypeRef(*t.elem);
      if (elem.isError()) return elem;
      if (elem.kind == TypeKind::kList) return error(t.span, "a list cannot hold lists");
      out.kind = TypeKind::kList;
      out.elem = elem.kind;
      out.elemRecord = elem.record;
      out.elemEnum = elem.enumIndex;
      break;
    }
    case TypeRef::Kind::kEnum: out = Type::of(TypeKind::kString); break;
    case TypeRef::Kind::kNamed: {
      static const std::pair<const char*, TypeKind> kScalars[] = {
          {"bool", TypeKind::kBool},         {"integer", TypeKind::kInt},   {"decimal", TypeKind::kDecimal},
          {"string", TypeKind::kString},     {"date", TypeKind::kDate},     {"duration", TypeKind::kDuration},
          {"group", TypeKind::kGroup}};
      bool found = false;
      for (const auto& [n, k] : kScalars) {
        if (t.name == n) {
          out = Type::of(k);
          found = true;
        }
      }
      if (!found) {
        int r = schema_.findRecord(t.name);
        if (r < 0) {
          std::vector<std::string> names;
          for (const auto& [n, k] : kScalars) names.emplace_back(n);
          for (const auto& rec : schema_.records) names.push_back(rec.name);
          return error(t.span, fmt::format("unknown type `{}`", t.name), didYouMean(t.name, names));
        }
        out = Type::recordOf(static_cast<uint32_t>(r));
      }
      break;
    }
  }
  out.optional = t.optional;
  return out;
}

// ---------------------------------------------------------------- constants

// Folds a constant expression. Only literals, other constants, sets and arithmetic fold.
bool Checker::fold(Expr& e, Value& v, std::string& text, std::vector<std::string>& set) {
  switch (e.kind) {
    case ExprKind::kLiteral:
      v = e.literal;
      text = e.text;
      return true;
    case ExprKind::kName:
    case ExprKind::kField:
      if (e.ref == RefKind::kConst) {
        v = e.constRef->folded;
        text = e.constRef->foldedText;
        set = e.constRef->foldedSet;
        return true;
      }
      return false;
    case ExprKind::kSet: {
      // First occurrences in order; a hash set keeps a set of many codes linear to fold.
      std::unordered_set<std::string> seen;
      for (auto& k : e.kids) {
        Value kv;
        std::string kt;
        std::vector<std::string> ks;
        if (!fold(*k, kv, kt, ks) || k->type.kind != TypeKind::kString) return false;
        if (seen.insert(kt).second) set.push_back(std::move(kt));
      }
      return true;
    }
    case ExprKind::kNeg: {
      std::string t;
      std::vector<std::string> s;
      if (!fold(*e.kids[0], v, t, s)) return false;
      if (e.type.kind == TypeKind::kDecimal) {
        v = Value::ofDecimal(neg(v.d));
      } else if (__builtin_sub_overflow(int64_t{0}, v.i, &v.i)) {
        foldProblem_ = "integer overflow";  // -(-2^63)
        return false;
      }
      return true;
    }
    case ExprKind::kBinary: {
      Value a, b;
      std::string ta, tb;
      std::vector<std::string> sa, sb;
      if (!fold(*e.kids[0], a, ta, sa) || !fold(*e.kids[1], b, tb, sb)) return false;
      if (e.type.kind == TypeKind::kDecimal) {
        Decimal x = e.toDecimal(0) ? Decimal::fromInt(a.i) : a.d;
        Decimal y = e.toDecimal(1) ? Decimal::fromInt(b.i) : b.d;
        Decimal r;
        DecimalStatus st = DecimalStatus::kOk;
        switch (e.op) {
          case BinaryOp::kAdd: st = add(x, y, r); break;
          case BinaryOp::kSub: st = sub(x, y, r); break;
          case BinaryOp::kMul: st = mul(x, y, r); break;
          case BinaryOp::kDiv: st = div(x, y, r); break;
          default: return false;
        }
        if (st != DecimalStatus::kOk) {
          foldProblem_ = st == DecimalStatus::kDivisionByZero ? "division by zero" : "the result is too large";
          return false;
        }
        v = Value::ofDecimal(r);
        return true;
      }
      if (e.type.kind == TypeKind::kInt || e.type.kind == TypeKind::kDuration || e.type.kind == TypeKind::kDate) {
        int64_t r = 0;
        bool overflow = false;
        switch (e.op) {
          case BinaryOp::kAdd: overflow = __builtin_add_overflow(a.i, b.i, &r); break;
          case BinaryOp::kSub: overflow = __builtin_sub_overflow(a.i, b.i, &r); break;
          case BinaryOp::kMul: overflow = __builtin_mul_overflow(a.i, b.i, &r); break;
          default: return false;
        }
        if (overflow) {
          foldProblem_ = "integer overflow";
          return false;
        }
        // As the VM's date arithmetic: a date past 9999-12-31 or before 0001-01-01 is an error,
        // not a constant that prints clamped.
        if (e.type.kind == TypeKind::kDate && (r < kMinDateDays || r > kMaxDateDays)) {
          foldProblem_ = "the date is out of range (0001-01-01 to 9999-12-31)";
          return false;
        }
        v = Value::ofInt(r);
        return true;
      }
      return false;
    }
    default: return false;
  }
}

bool Checker::foldInto(Expr& e, Type expected, BoundParam& out) {
  std::vector<std::string> set;
  foldProblem_.clear();
  if (!fold(e, out.value, out.text, set)) {
    if (!foldProblem_.empty()) {
      error(e.span, fmt::format("this value cannot be computed: {}", foldProblem_));
    } else {
      error(e.span, "this must be a value known before any claim is seen (a literal or a constant)");
    }
    return false;
  }
  if (!e.type.isError() && !expected.isError() && !sameType(e.type, expected) &&
      !(expected.kind == TypeKind::kDecimal && e.type.kind == TypeKind::kInt)) {
    error(e.span, fmt::format("expected {}, got {}", typeStr(expected), typeStr(e.type)));
    return false;
  }
  if (expected.kind == TypeKind::kDecimal && e.type.kind == TypeKind::kInt) {
    out.value = Value::ofDecimal(Decimal::fromInt(out.value.i));
  }
  return true;
}

void Checker::reportFoldProblems(Expr& e) {
  if (e.type.isError()) return;
  const bool arithmetic = e.kind == ExprKind::kNeg || (e.kind == ExprKind::kBinary && (e.op == BinaryOp::kAdd || e.op == BinaryOp::kSub ||
                                                                                       e.op == BinaryOp::kMul || e.op == BinaryOp::kDiv));
  if (arithmetic) {
    foldProblem_.clear();
    Value ignored;
    if (!foldValue(e, ignored) && !foldProblem_.empty()) {
      error(e.span, fmt::format("this value cannot be computed: {}", foldProblem_),
            {"it is computed from constants alone, so every claim would stop here with this error"});
      return;
    }
  }
  for (ExprPtr& kid : e.kids) {
    if (kid) reportFoldProblems(*kid);
  }
}

void Checker::checkConst(ConstDecl& d) {
  State& st = constState_[&d];
  if (st == State::kDone) return;
  if (st == State::kChecking) {
    error(d.span, fmt::format("constant `{}` is defined in terms of itself", d.name));
    d.type = Type();
    st = State::kDone;
    return;
  }
  st = State::kChecking;
  Ctx c;
  c.unit = ownerOf_[&d];
  c.lineAvailable = false;
  c.noDecisionsWhy = "in a constant";
  d.type = check(*d.value, c);
  if (!d.type.isError()) {
    foldProblem_.clear();
    if (!fold(*d.value, d.folded, d.foldedText, d.foldedSet)) {
      if (!foldProblem_.empty()) {
        error(d.value->span, fmt::format("constant `{}` cannot be computed: {}", d.name, foldProblem_));
      } else {
        // What fold() takes; anything else (a function, `if`, a fact) is a define's job.
        error(d.value->span, fmt::format("constant `{}` must be computable before any claim is seen, from literals, other constants, `-` and `+ - * /`, or a set of strings", d.name),
              {"use a `define` for anything else: a function, `if`, or a value that depends on the claim"});
      }
      d.type = Type();
    } else if (d.type.kind == TypeKind::kList) {
      d.type.stringSet = true;
    }
    if (d.isDrug && !matchesFormat(StringFormat::kHcpcs, d.foldedText)) {
      error(d.value->span, fmt::format("\"{}\" is not an HCPCS code", d.foldedText),
            codeFormatNotes(d.foldedText, StringFormat::kHcpcs, "a drug's code"));
      // Not again at each use as a code.
      reportedConstantStrings_.emplace(&d, d.foldedText, -1, StringFormat::kHcpcs);
    }
  }
  st = State::kDone;
}

void Checker::checkParam(ParamDecl& d) {
  State& st = paramState_[&d];
  if (st != State::kUnchecked) return;
  st = State::kChecking;
  d.type = resolveTypeRef(d.typeRef);
  if (d.type.optional) error(d.typeRef.span, "a parameter cannot be optional");
  if (d.type.kind == TypeKind::kList || d.type.kind == TypeKind::kRecord) {
    error(d.typeRef.span, "a parameter holds a single value: bool, integer, decimal, string, date, duration or group");
  }
  if (d.defaultValue) {
    Ctx c;
    c.unit = ownerOf_[&d];
    c.lineAvailable = false;
    check(*d.defaultValue, c);
    BoundParam ignored;
    foldInto(*d.defaultValue, d.type, ignored);
  }
  st = State::kDone;
}

void Checker::checkDefine(DefineDecl& d) {
  State& st = defineState_[&d];
  // A cycle is reported once, however many references lead back into it (`define x = dos = dos`).
  if (st == State::kDone || st == State::kCycleReported) return;
  if (st == State::kChecking) {
    error(d.span, fmt::format("`{}` is defined in terms of itself; definitions cannot be recursive", d.name));
    d.type = Type();
    st = State::kCycleReported;
    return;
  }
  st = State::kChecking;
  Ctx c;
  c.unit = ownerOf_[&d];
  c.reads = &defineReads_[&d];
  if (d.params.size() > kMaxDefineParams) {
    error(d.span, fmt::format("`{}` takes {} parameters; a define takes at most {}", d.name, d.params.size(), kMaxDefineParams));
  }
  for (size_t i = 0; i < d.params.size(); ++i) {
    VarDecl& p = *d.params[i];
    for (size_t j = 0; j < i; ++j) {
      if (d.params[j]->name == p.name) {
        error(p.span, fmt::format("`{}` is declared twice in the parameters of `{}`", p.name, d.name));
        break;
      }
    }
    p.type = resolveTypeRef(d.paramTypes[i]);
    p.id = nextVarId_++;
    defineOfParam_[&p] = &d;
    c.vars.push_back(&p);
  }
  d.type = check(*d.body, c);
  // A set is never a define's value (as for a `let`): reported here, used or not, and not again
  // at each use.
  if (!d.type.isError() && d.type.stringSet) {
    d.type = error(d.body->span, "a set `{...}` can only be the right side of `in` or `not in`, written there or named by a constant",
                   {fmt::format("declare `{}` with `const`", d.name)});
  }
  reportFoldProblems(*d.body);
  st = State::kDone;
}

// ---------------------------------------------------------------- expressions

Type Checker::requirePresent(Expr& e, Type t) {
  if (t.optional) {
    std::string what = e.kind == ExprKind::kName || e.kind == ExprKind::kField ? fmt::format("`{}`", e.name) : "this value";
    if (e.kind == ExprKind::kField) {
      std::string key = pathKey(e);
      if (!key.empty() && key.rfind("claim.", 0) == 0) key = key.substr(6);
      if (!key.empty() && key[0] != '#') what = fmt::format("`{}`", key);
    }
    error(e.span, fmt::format("{} may be absent: test it with `is present` first, or give a default with `??`", what));
    return Type();
  }
  return t;
}

Type Checker::checkPresent(Expr& e, Ctx& c) { return requirePresent(e, check(e, c)); }

bool Checker::expectKind(Expr& e, const Type& t, TypeKind kind, const char* what) {
  if (t.isError()) return false;
  if (t.kind != kind) {
    std::vector<std::string> notes;
    if (std::string note = usDateNote(e); kind == TypeKind::kDate && !note.empty()) notes.push_back(note);
    error(e.span, fmt::format("{} must be {}, got {}", what, typeStr(Type::of(kind)), typeStr(t)), notes);
    return false;
  }
  return true;
}

// The enumeration and code format of `??` or `if` over a value of one and a plain string
// (`channel ?? "none"`): still checked, with the plain side's strings (otherStrings) allowed.
void joinCheckedStrings(const Type& a, const Type& b, Type& out) {
  out.orFallback = a.orFallback || b.orFallback || a.enumIndex != b.enumIndex || a.format != b.format;
  if (a.enumIndex == b.enumIndex || b.enumIndex == -1) {
    out.enumIndex = a.enumIndex;
  } else if (a.enumIndex == -1) {
    out.enumIndex = b.enumIndex;
  } else {
    out.enumIndex = -1;  // two enumerations: anything of either
  }
  if (a.format == b.format || b.format == StringFormat::kAny) {
    out.format = a.format;
  } else if (a.format == StringFormat::kAny) {
    out.format = b.format;
  } else {
    out.format = StringFormat::kAny;
  }
}

// The strings `e` can give besides an enumeration's (or a code format's) values: the literals
// and constants it falls back to through `??`, `if`, defines without parameters and a rule's
// `let`s (`lets`: each one's value). False when some of them cannot be known here (a fact such
// as `product_name`, a parameter, a computed string): the caller then checks nothing. Each let
// and define is walked once (`walked`: its answer), since `if`s chained over `let`s would
// double the walk at each step; `budget` bounds the rest.
struct FallbackWalk {
  const std::map<const VarDecl*, const Expr*>& lets;
  std::map<const Expr*, bool> walked;
  int budget = 10000;
};
bool otherStrings(const Expr& e, FallbackWalk& walk, std::vector<std::string>& out) {
  if (--walk.budget < 0) return false;
  if (!e.type.orFallback && (e.type.enumIndex != -1 || e.type.format != StringFormat::kAny)) {
    return true;  // an enumeration's or a code's value: nothing besides
  }
  if (e.kind == ExprKind::kLiteral && e.literalType.kind == TypeKind::kString) {
    out.push_back(e.text);
    return true;
  }
  if (e.ref == RefKind::kConst && e.constRef != nullptr) {
    out.push_back(e.constRef->foldedText);
    return true;
  }
  // A let's value or a define's body: its strings are in `out` already after the first walk.
  auto once = [&](const Expr& value) {
    auto [it, fresh] = walk.walked.try_emplace(&value, true);
    if (fresh) it->second = otherStrings(value, walk, out);
    return it->second;
  };
  switch (e.kind) {
    case ExprKind::kDefault: return otherStrings(*e.kids[0], walk, out) && otherStrings(*e.kids[1], walk, out);
    case ExprKind::kIf: return otherStrings(*e.kids[1], walk, out) && otherStrings(*e.kids[2], walk, out);
    case ExprKind::kName:
    case ExprKind::kField:
      if (e.ref == RefKind::kDefine && e.defineRef != nullptr && e.defineRef->body != nullptr) {
        return once(*e.defineRef->body);
      }
      if (e.ref == RefKind::kVar && walk.lets.count(e.varRef)) return once(*walk.lets.at(e.varRef));
      return false;
    default: return false;
  }
}

// A string compared with (or looked for among) the values of an enumeration must be one of
// them, and one compared with a coded value must have its format: written out (`channel =
// "brown-bag"`), held by a constant (`channel in self_supplied`, the constant a set of such
// strings), which is checked where it is used, or given to a parameter standing there.
void Checker::checkComparedString(const Type& type, const Expr& lit, const Expr* source) {
  if (type.kind != TypeKind::kString || (type.enumIndex == -1 && type.format == StringFormat::kAny)) return;
  std::vector<std::string> others;
  FallbackWalk walk{letValue_, {}};
  if (type.orFallback && (source == nullptr || !otherStrings(*source, walk, others))) return;
  if (lit.kind == ExprKind::kLiteral && lit.literalType.kind == TypeKind::kString) {
    checkStringValue(type, others, lit.text, nullptr, lit.span, {});
  } else if (lit.ref == RefKind::kConst && lit.constRef != nullptr) {  // `self_supplied` or `pack.self_supplied`
    const ConstDecl& c = *lit.constRef;
    if (c.type.kind == TypeKind::kString) {
      checkStringValue(type, others, c.foldedText, &c, lit.span, {});
    } else {
      for (const std::string& text : c.foldedSet) checkStringValue(type, others, text, &c, lit.span, {});
    }
  } else {
    oweIfParameter(lit, Owed{Owed::Kind::kComparedString, type, std::move(others), {}});
  }
}

void Checker::checkStringValue(const Type& type, const std::vector<std::string>& others, const std::string& text,
                               const ConstDecl* constant, const Span& at, const std::vector<std::string>& where) {
  static const std::vector<std::string> verdicts = [] {
    std::vector<std::string> names;
    for (Verdict v : {Verdict::kApprove, Verdict::kDeny, Verdict::kPend, Verdict::kNotApplicable}) {
      names.emplace_back(verdictName(v));
    }
    return names;
  }();
  const std::vector<std::string>* values = nullptr;  // the enumeration's, else a code format's
  if (type.enumIndex != -1) {
    values = type.enumIndex == kVerdictEnum ? &verdicts : &schema_.enums[static_cast<size_t>(type.enumIndex)];
  }
  if (values ? std::find(values->begin(), values->end(), text) != values->end() : matchesFormat(type.format, text)) {
    return;
  }
  if (std::find(others.begin(), others.end(), text) != others.end()) return;
  if (constant != nullptr && !reportedConstantStrings_.emplace(constant, text, type.enumIndex, type.format).second) {
    return;
  }
  std::vector<std::string> notes = where;
  if (constant != nullptr) {
    notes.push_back(fmt::format("`{}` is declared at {}", constant->name, placeIn(ownerOf_[constant], constant->span)));
  }
  if (values) {
    for (std::string& n : didYouMean(text, *values)) notes.push_back(std::move(n));
    std::string all;
    for (const auto& v : *values) all += (all.empty() ? "" : ", ") + v;
    notes.push_back("the possible values are " + all);
  } else {
    for (std::string& n : codeFormatNotes(text, type.format, "the claim's value")) notes.push_back(std::move(n));
  }
  error(at,
        constant == nullptr ? fmt::format("\"{}\" is never a value here", text)
                            : fmt::format("constant `{}` holds \"{}\", which is never a value here", constant->name, text),
        notes);
}

bool Checker::oweIfParameter(const Expr& e, Owed o) {
  std::vector<Owed>* owed = nullptr;
  std::string owner;  // what declares the parameter, and its name
  if (e.ref == RefKind::kParam && e.paramRef != nullptr) {
    owed = &owedByParam_[e.paramRef];
    owner = unitNamed(ownerOf_[e.paramRef]);
  } else if (e.ref == RefKind::kVar && e.varRef != nullptr && defineOfParam_.count(e.varRef)) {
    owed = &owedByDefineParam_[e.varRef];
    owner = fmt::format("`{}`", defineOfParam_[e.varRef]->name);
  } else {
    return false;  // not a parameter: a quantifier's variable, a `let`, a fact
  }
  // Each distinct check once, with the first way it was reached: a define that passes its
  // parameter on twice (`f0(x) or f0(x)`) would otherwise double the checks at every level.
  for (const Owed& known : *owed) {
    if (known.kind == o.kind && known.type.enumIndex == o.type.enumIndex && known.type.format == o.type.format &&
        known.others == o.others) {
      return true;
    }
  }
  // The first use says what is done with the parameter, each step out that it is passed on.
  const char* use = !o.where.empty() ? "passes its parameter `{}` on"
                    : o.kind == Owed::Kind::kRoundPlaces ? "passes its parameter `{}` to `round` as its places"
                                                         : "compares its parameter `{}` with it";
  o.where.insert(o.where.begin(), fmt::format("{} {} at line {}, column {}", owner, fmt::format(use, e.name),
                                               e.span.line, e.span.col));
  owed->push_back(std::move(o));
  return true;
}

void Checker::settle(Expr& value, const Owed& o) {
  if (value.type.isError() || oweIfParameter(value, o)) return;
  Value v;
  std::string text;
  std::vector<std::string> set;
  foldProblem_.clear();
  if (!fold(value, v, text, set)) return;  // not known here: a fact, a `let`, a computed value
  // A value of another type is the type check's to report (`places = 2.5`), not read here.
  switch (o.kind) {
    case Owed::Kind::kComparedString:
      if (value.type.kind == TypeKind::kString) {
        checkStringValue(o.type, o.others, text, value.ref == RefKind::kConst ? value.constRef : nullptr, value.span, o.where);
      }
      break;
    case Owed::Kind::kRoundPlaces:
      if (value.type.kind == TypeKind::kInt && (v.i < 0 || v.i > kMaxRoundPlaces)) {
        error(value.span, fmt::format("`round` takes 0 to {} places, given {}", kMaxRoundPlaces, v.i), o.where);
      }
      break;
  }
}

// Every `use ... with` value and every default of a module's parameter, against its type and
// what the module does with the parameter: once each, whichever policies include the module,
// and before any policy is assembled, so that these errors come out with the others.
void Checker::settleModuleParameters() {
  for (const auto& u : prog_.units) {
    for (UseDecl& use : u->uses) {
      for (Binding& b : use.bindings) {
        if (b.param == nullptr || b.value->type.isError()) continue;
        // The binding's own check first (a constant of the parameter's type), reported here,
        // once, beside the checks owed (assemblePolicy makes it again, silently by then): a
        // value that fails it owes nothing (another parameter, `2.5` for an integer).
        BoundParam ignored;
        if (!foldInto(*b.value, b.param->type, ignored)) continue;
        auto owed = owedByParam_.find(b.param);
        if (owed == owedByParam_.end()) continue;
        for (const Owed& o : owed->second) settle(*b.value, o);
      }
    }
    for (Decl& d : u->decls) {
      if (d.kind != DeclKind::kParam || !d.paramDecl->defaultValue || !owedByParam_.count(d.paramDecl.get())) continue;
      for (const Owed& o : owedByParam_[d.paramDecl.get()]) settle(*d.paramDecl->defaultValue, o);
    }
  }
}

Type Checker::annotateEntity(Expr& e, const Entity& ent, Ctx& c) {
  switch (ent.kind) {
    case Entity::Kind::kConst:
      checkConst(*ent.constDecl);
      e.ref = RefKind::kConst;
      e.constRef = ent.constDecl;
      return ent.constDecl->type;
    case Entity::Kind::kParam:
      checkParam(*ent.paramDecl);
      e.ref = RefKind::kParam;
      e.paramRef = ent.paramDecl;
      return ent.paramDecl->type;
    case Entity::Kind::kDefine: {
      DefineDecl& d = *ent.defineDecl;
      if (!d.params.empty()) {
        return error(e.span, fmt::format("`{}` takes {} argument(s): call it as `{}(...)`", d.name, d.params.size(), d.name));
      }
      checkDefine(d);
      e.ref = RefKind::kDefine;
      e.defineRef = &d;
      const auto& reads = defineReads_[&d];
      if (!reads.empty()) {
        if (!c.reads) return error(e.span, fmt::format("`{}` reads other lines' decisions, which is not allowed {}", d.name, c.noDecisionsWhy));
        c.reads->insert(reads.begin(), reads.end());
      }
      return d.type;
    }
    case Entity::Kind::kLines:
      return error(e.span, fmt::format("`{}` is a class of lines: test a line with `l is {}`", e.name, e.name));
    case Entity::Kind::kModule:
      e.ref = RefKind::kModule;
      e.moduleRef = ent.module;
      return Type::of(TypeKind::kModule);
  }
  return Type();
}

Type Checker::checkName(Expr& e, Ctx& c, bool moduleAllowed) {
  for (auto it = c.vars.rbegin(); it != c.vars.rend(); ++it) {
    if ((*it)->name == e.name) {
      e.ref = RefKind::kVar;
      e.varRef = *it;
      return narrowed(e, (*it)->type, c);
    }
  }
  if (e.name == "line") {
    if (!c.lineAvailable) return error(e.span, "no line is at hand here: `line` is the line a rule, define or class is applied to");
    e.ref = RefKind::kLine;
    return Type::recordOf(prog_.lineRecord);
  }
  if (e.name == "claim") {
    e.ref = RefKind::kClaim;
    return Type::recordOf(schema_.root);
  }
  Entity ent{Entity::Kind::kConst};
  if (lookup(c.unit, e.name, e.span, ent, true)) {
    if (ent.kind == Entity::Kind::kModule && !moduleAllowed) {
      // A module is no value: only `NAME.x` reads one (as a define or `let` it would be a
      // value of no kind, and a function's argument of any kind).
      return error(e.span, fmt::format("`{}` is a module: write `{}.NAME`", e.name, e.name));
    }
    Type t = annotateEntity(e, ent, c);
    if (ent.kind == Entity::Kind::kDefine) {
      // `line` inside a define depends on where it is used: only a present-narrowing of the
      // define itself carries over.
      return narrowed(e, t, c);
    }
    return t;
  }
  if (const std::optional<AdjustmentGroup> g = groupNamed(e.name)) {
    e.kind = ExprKind::kLiteral;
    e.literalType = Type::of(TypeKind::kGroup);
    e.literal = Value::ofInt(static_cast<int64_t>(*g));
    return e.literalType;
  }
  const SchemaRecord& root = schema_.records[schema_.root];
  int f = root.findField(e.name);
  if (f >= 0) {
    e.ref = RefKind::kRootField;
    e.field = static_cast<uint32_t>(f);
    e.record = schema_.root;
    return narrowed(e, typeOfField(root.fields[static_cast<size_t>(f)]), c);
  }
  // Past the error limit the candidates are not even gathered: thousands of unknown names in a
  // file of thousands of declarations would cost their product.
  if (diags_.full()) return error(e.span, fmt::format("unknown name `{}`", e.name));
  // A name some other module declares: the unit most likely forgot to `use` it. Said once a
  // unit, since every use of the module's names fails for the same reason.
  for (const auto& owned : prog_.units) {  // in the order the files were read, not by address
    const Unit* unit = owned.get();
    if (unit == c.unit || unit->kind != UnitKind::kModule || !own_[unit].count(e.name)) continue;
    if (!reportedUnused_.emplace(c.unit, unit->name).second) return Type();
    return error(e.span, fmt::format("unknown name `{}`", e.name),
                 {fmt::format("module `{}` declares `{}`: add `use {}`", unit->name, e.name, unit->name)});
  }
  std::vector<std::string> notes;
  if (std::string path = factPathFor(e.name, c); !path.empty()) {
    // `units`, `weight_kg`, `date_of_service`: a fact named without the record that holds it.
    // Said instead of a spelling neighbour (`place_of_service`), which would mislead.
    return error(e.span, fmt::format("unknown name `{}`", e.name), {fmt::format("did you mean `{}`?", path)});
  }
  notes = didYouMean(e.name, visibleNames(c));
  std::string group = e.name;  // `co`, `C0`: an adjustment group mistyped
  for (char& ch : group) ch = ch == '0' ? 'O' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (groupNamed(group)) {
    notes = {fmt::format("did you mean `{}`? (the adjustment groups are CO, PR and OA)", group)};
  } else {
    for (StringFormat f : {StringFormat::kHcpcs, StringFormat::kModifier, StringFormat::kIcd10cm}) {
      if (matchesFormat(f, e.name)) {  // `J9171`, `JZ`, `C61` written bare
        notes.push_back(fmt::format("codes are strings: write `\"{}\"`", e.name));
        break;
      }
    }
  }
  return error(e.span, fmt::format("unknown name `{}`", e.name), notes);
}

Type Checker::checkField(Expr& e, Ctx& c) {
  Expr& base = *e.kids[0];
  Type bt;
  if (base.kind == ExprKind::kName) {
    bt = checkName(base, c, /*moduleAllowed=*/true);
    base.type = bt;
  } else {
    bt = check(base, c);
  }
  if (bt.isError()) return bt;
  if (bt.kind == TypeKind::kModule && base.moduleRef) {
    auto& theirs = own_[base.moduleRef];
    auto it = theirs.find(e.name);
    if (it == theirs.end()) {
      std::vector<std::string> names;
      for (const auto& [n, ent] : theirs) names.push_back(n);
      return error(e.span, fmt::format("module `{}` declares no `{}`", base.moduleRef->name, e.name), didYouMean(e.name, names));
    }
    return narrowed(e, annotateEntity(e, it->second, c), c);
  }
  if (bt.kind != TypeKind::kRecord) {
    return error(e.span, fmt::format("`.{}` needs a record, and this is {}", e.name, typeStr(bt)));
  }
  const SchemaRecord& rec = schema_.records[bt.record];
  int f = rec.findField(e.name);
  if (f < 0 && e.name == "decision" && bt.record == prog_.lineRecord) {
    // Another line's verdict: allowed on a quantifier variable restricted to a class of lines.
    LinesDecl* cls = nullptr;
    if (base.ref == RefKind::kVar) {
      auto it = c.lineVarClass.find(base.varRef);
      if (it != c.lineVarClass.end()) cls = it->second;
    }
    if (!cls) {
      // The variable's own name, and no class or quantifier the file may not have.
      const std::string var = base.ref == RefKind::kVar && base.varRef != nullptr ? base.varRef->name : "l";
      return error(e.span, "a line's `decision` can be read only for a variable restricted to a class of lines",
                   {fmt::format("restrict `{0}` where it is introduced: `{0} in lines where {0} is CLASS and ...`, "
                                "CLASS a class declared by `lines CLASS: ...`",
                                var)});
    }
    if (!c.reads) return error(e.span, fmt::format("other lines' decisions cannot be read {}", c.noDecisionsWhy));
    c.reads->insert(cls);
    e.decisionField = true;
    e.record = bt.record;
    Type verdict = Type::of(TypeKind::kString);
    verdict.enumIndex = kVerdictEnum;  // `l.decision = "denied"` is caught
    return verdict;
  }
  if (f < 0) {
    std::vector<std::string> names;
    for (const auto& fd : rec.fields) names.push_back(fd.name);
    if (bt.record == prog_.lineRecord) names.push_back("decision");
    return error(e.span, fmt::format("`{}` has no field `{}`", rec.name, e.name), didYouMean(e.name, names));
  }
  e.field = static_cast<uint32_t>(f);
  e.record = bt.record;
  Type t = typeOfField(rec.fields[static_cast<size_t>(f)]);
  if (bt.optional) t.optional = true;  // through an optional record, every field may be absent
  return narrowed(e, t, c);
}

// Makes the integer side of a mixed integer/decimal pair a decimal. Returns the common kind.
static TypeKind widen(Expr& e, int i, int j, const Type& a, const Type& b) {
  if (a.kind == TypeKind::kDecimal && b.kind == TypeKind::kInt) {
    e.widen(j);
    return TypeKind::kDecimal;
  }
  if (a.kind == TypeKind::kInt && b.kind == TypeKind::kDecimal) {
    e.widen(i);
    return TypeKind::kDecimal;
  }
  return a.kind;
}

Type Checker::checkBinary(Expr& e, Ctx& c) {
  if (e.op == BinaryOp::kAnd || e.op == BinaryOp::kOr) {
    Type a = checkPresent(*e.kids[0], c);
    Known k = knownFrom(*e.kids[0]);
    Ctx inner = c;
    const KeySet& add = e.op == BinaryOp::kAnd ? k.whenTrue : k.whenFalse;
    inner.present.insert(add.begin(), add.end());
    Type b = checkPresent(*e.kids[1], inner);
    expectKind(*e.kids[0], a, TypeKind::kBool, e.op == BinaryOp::kAnd ? "each side of `and`" : "each side of `or`");
    expectKind(*e.kids[1], b, TypeKind::kBool, e.op == BinaryOp::kAnd ? "each side of `and`" : "each side of `or`");
    return Type::of(TypeKind::kBool);
  }
  Type a = checkPresent(*e.kids[0], c);
  Type b = checkPresent(*e.kids[1], c);
  if (a.isError() || b.isError()) return Type();
  auto mismatch = [&](const char* what) {
    std::vector<std::string> notes;
    for (const ExprPtr& side : e.kids) {
      if (std::string note = usDateNote(*side); !note.empty()) notes.push_back(note);
    }
    return error(e.span, fmt::format("cannot {} {} and {}", what, typeStr(a), typeStr(b)), notes);
  };
  switch (e.op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kDiv: {
      if (a.isNumeric() && b.isNumeric()) {
        if (e.op == BinaryOp::kDiv) {
          if (a.kind == TypeKind::kInt) e.widen(0);
          if (b.kind == TypeKind::kInt) e.widen(1);
          return Type::of(TypeKind::kDecimal);
        }
        return Type::of(widen(e, 0, 1, a, b));
      }
      if (e.op == BinaryOp::kAdd || e.op == BinaryOp::kSub) {
        if (a.kind == TypeKind::kDate && b.kind == TypeKind::kDuration) return Type::of(TypeKind::kDate);
        if (e.op == BinaryOp::kAdd && a.kind == TypeKind::kDuration && b.kind == TypeKind::kDate) {
          return error(e.span, "write the date first: `date + duration`");
        }
        if (e.op == BinaryOp::kSub && a.kind == TypeKind::kDate && b.kind == TypeKind::kDate) return Type::of(TypeKind::kDuration);
        if (a.kind == TypeKind::kDuration && b.kind == TypeKind::kDuration) return Type::of(TypeKind::kDuration);
      }
      return mismatch(e.op == BinaryOp::kAdd ? "add" : e.op == BinaryOp::kSub ? "subtract" : e.op == BinaryOp::kMul ? "multiply" : "divide");
    }
    default: break;
  }
  // Comparisons
  bool ordering = e.op != BinaryOp::kEq && e.op != BinaryOp::kNe;
  if (a.isNumeric() && b.isNumeric()) {
    widen(e, 0, 1, a, b);
    return Type::of(TypeKind::kBool);
  }
  if (a.kind != b.kind || a.kind == TypeKind::kList || a.kind == TypeKind::kRecord || a.kind == TypeKind::kModule) {
    return mismatch("compare");
  }
  if (ordering && (a.kind == TypeKind::kString || a.kind == TypeKind::kBool || a.kind == TypeKind::kGroup)) {
    return error(e.span, fmt::format("{} values can only be compared with `=` and `!=`", typeStr(Type::of(a.kind))));
  }
  if (a.kind == TypeKind::kString) {
    checkComparedString(a, *e.kids[1], e.kids[0].get());
    checkComparedString(b, *e.kids[0], e.kids[1].get());
  }
  return Type::of(TypeKind::kBool);
}

Type Checker::checkCall(Expr& e, Ctx& c) {
  Entity ent{Entity::Kind::kConst};
  std::vector<Type> argTypes;
  if (!e.qualifier.empty()) {
    // `pa.covers(a)`: a define of a used module, named through the module (when two modules
    // declare the name, this is the only way to call it).
    Entity module{Entity::Kind::kConst};
    if (!lookup(c.unit, e.qualifier, e.span, module, true) || module.kind != Entity::Kind::kModule) {
      return error(e.span, fmt::format("`{}` is not a module this file uses", e.qualifier));
    }
    auto& theirs = own_[module.module];
    auto it = theirs.find(e.name);
    if (it == theirs.end() || it->second.kind != Entity::Kind::kDefine) {
      return error(e.span, fmt::format("module `{}` declares no define `{}`", module.module->name, e.name));
    }
    ent = it->second;
  }
  if ((ent.kind == Entity::Kind::kDefine || lookup(c.unit, e.name, e.span, ent, true)) &&
      ent.kind == Entity::Kind::kDefine) {
    DefineDecl& d = *ent.defineDecl;
    checkDefine(d);
    if (d.params.size() != e.kids.size()) {
      return error(e.span, fmt::format("`{}` takes {} argument(s), given {}", d.name, d.params.size(), e.kids.size()));
    }
    for (size_t i = 0; i < e.kids.size(); ++i) {
      Type want = d.params[i]->type;
      Type got = check(*e.kids[i], c);
      if (got.isError() || want.isError()) continue;
      if (got.optional && !want.optional) {
        requirePresent(*e.kids[i], got);
        continue;
      }
      if (want.kind == TypeKind::kDecimal && got.kind == TypeKind::kInt) {
        e.widen(i);
      } else if (!sameType(want, got)) {
        error(e.kids[i]->span, fmt::format("argument {} of `{}` must be {}, got {}", i + 1, d.name, typeStr(want), typeStr(got)));
        continue;
      }
      // Not into a define still being checked (a cycle, reported already): its checks are
      // incomplete, and its own call would add to the list read here.
      auto owed = owedByDefineParam_.find(d.params[i].get());
      if (owed != owedByDefineParam_.end() && defineState_[&d] == State::kDone) {
        const std::vector<Owed> checks = owed->second;  // settle() may owe more to a parameter
        for (const Owed& o : checks) settle(*e.kids[i], o);
      }
    }
    e.ref = RefKind::kDefine;
    e.defineRef = &d;
    const auto& reads = defineReads_[&d];
    if (!reads.empty()) {
      if (!c.reads) return error(e.span, fmt::format("`{}` reads other lines' decisions, which is not allowed {}", d.name, c.noDecisionsWhy));
      c.reads->insert(reads.begin(), reads.end());
    }
    return d.type;
  }
  int id = findBuiltin(e.name);
  if (id < 0) {
    std::vector<std::string> names;
    for (int i = 0; i < builtinCount(); ++i) names.push_back(builtinAt(i).name);
    return error(e.span, fmt::format("unknown function `{}`", e.name), didYouMean(e.name, names));
  }
  const Builtin& b = builtinAt(id);
  if (e.kids.size() != b.argCount) {
    return error(e.span, fmt::format("`{}` takes {} argument(s), given {}", b.name, b.argCount, e.kids.size()));
  }
  for (size_t i = 0; i < e.kids.size(); ++i) {
    Type got = checkPresent(*e.kids[i], c);
    if (got.isError()) continue;
    ValueKind want = b.args[i];
    if (want == ValueKind::kDecimal && got.kind == TypeKind::kInt) {
      e.widen(i);
    } else if (valueKindOf(got.kind) != want || got.kind == TypeKind::kList || got.kind == TypeKind::kRecord) {
      error(e.kids[i]->span, fmt::format("argument {} of `{}` must be {}, got {}", i + 1, b.name, valueKindName(want), typeStr(got)));
    }
  }
  if (std::string_view(b.name) == "round" && e.kids.size() == 2 && !e.kids[1]->type.isError()) {
    settle(*e.kids[1], Owed{Owed::Kind::kRoundPlaces, {}, {}, {}});
  }
  e.ref = RefKind::kBuiltin;
  e.builtin = id;
  switch (b.result) {
    case ValueKind::kBool: return Type::of(TypeKind::kBool);
    case ValueKind::kInt: return Type::of(TypeKind::kInt);
    case ValueKind::kDecimal: return Type::of(TypeKind::kDecimal);
    case ValueKind::kString: return Type::of(TypeKind::kString);
    case ValueKind::kDate: return Type::of(TypeKind::kDate);
    case ValueKind::kDuration: return Type::of(TypeKind::kDuration);
    default: return Type();
  }
}

// any/no/every/count/sum/max/min: a variable over a list, an optional filter, maybe a value.
Type Checker::checkQuantifier(Expr& e, Ctx& c) {
  const bool aggregate = e.kind == ExprKind::kAggregate;
  Expr& coll = *e.kids[aggregate ? 1 : 0];
  Expr* where = nullptr;
  size_t whereIndex = aggregate ? 2 : 1;
  if (e.kids.size() > whereIndex && e.kids[whereIndex]) where = e.kids[whereIndex].get();
  const size_t errorsBefore = diags_.errorCount();
  Type ct = checkPresent(coll, c);
  if (ct.isError()) {
    // `count l in lines > 2` reads as `count l in (lines > 2)`: the list runs to the end of the
    // expression. Say so under the error about the operator (checked once: a second check of
    // the list would double the work at each level of nested quantifiers).
    if (coll.kind == ExprKind::kBinary && coll.op != BinaryOp::kAnd && coll.op != BinaryOp::kOr &&
        coll.kids[0]->type.kind == TypeKind::kList && !coll.kids[1]->type.isError() && diags_.errorCount() == errorsBefore + 1) {
      diags_.noteOnLastError("a quantifier's list runs to the end of the expression: this takes the list to be what follows `in`, operator and all");
      diags_.noteOnLastError("parenthesize the quantifier: `(count l in lines) > 2`");
    }
    return ct;
  }
  if (ct.kind != TypeKind::kList) return error(coll.span, fmt::format("expected a list to go over, got {}", typeStr(ct)));
  e.var->type = ct.element();
  e.var->id = nextVarId_++;
  Ctx inner = c;
  inner.vars.push_back(e.var.get());
  if (where) {
    // `l is administration and ...`: l is a line of that class, whose decision may be read.
    const Expr* first = where;
    while (first->kind == ExprKind::kBinary && first->op == BinaryOp::kAnd) first = first->kids[0].get();
    if (first->kind == ExprKind::kLineClass && !first->negated && first->kids[0]->kind == ExprKind::kName &&
        first->kids[0]->name == e.var->name) {
      if (LinesDecl* cls = findClass(*c.unit, first->qualifier, first->name, first->span, false)) {
        inner.lineVarClass[e.var.get()] = cls;
      }
    }
    Type wt = checkPresent(*where, inner);
    expectKind(*where, wt, TypeKind::kBool, "a `where` condition");
    Known k = knownFrom(*where);
    inner.present.insert(k.whenTrue.begin(), k.whenTrue.end());
  }
  switch (e.kind) {
    case ExprKind::kExists: return Type::of(TypeKind::kBool);
    case ExprKind::kCount: return Type::of(TypeKind::kInt);
    case ExprKind::kEvery: {
      // where is kids[1] (may be null), the condition kids[2]
      Type t = checkPresent(*e.kids[2], inner);
      expectKind(*e.kids[2], t, TypeKind::kBool, "the `satisfies` condition");
      return Type::of(TypeKind::kBool);
    }
    case ExprKind::kAggregate: {
      Type vt = checkPresent(*e.kids[0], inner);
      if (vt.isError()) return vt;
      if (e.aggregate == AggregateOp::kSum) {
        if (!vt.isNumeric() && vt.kind != TypeKind::kDuration) {
          return error(e.kids[0]->span, fmt::format("`sum` needs numbers or durations, got {}", typeStr(vt)));
        }
        return Type::of(vt.kind);
      }
      if (!vt.isNumeric() && vt.kind != TypeKind::kDate && vt.kind != TypeKind::kDuration) {
        return error(e.kids[0]->span, fmt::format("`max`/`min`/`latest`/`earliest` need numbers, dates or durations, got {}", typeStr(vt)));
      }
      return Type::of(vt.kind).asOptional();
    }
    default: return Type();
  }
}

Type Checker::check(Expr& e, Ctx& c) {
  // Constants and defines are checked where first used, so a chain of them recurses here.
  if (nesting_ >= kMaxCheckedNesting) {
    if (!nestingReported_) {
      error(e.span, fmt::format("this expression nests too deeply: counting the constants and defines it uses, more than {} levels", kMaxCheckedNesting),
            {"a chain of constants or defines each written in terms of the next is this deep: shorten it"});
    }
    nestingReported_ = true;
    e.type = Type();
    return e.type;
  }
  ++nesting_;
  Type t = checkNode(e, c);
  --nesting_;
  if (!t.isError() && misusesSet(e)) t = e.type = Type();
  return t;
}

// A set is a constant the code generator turns into one INSET operand: it can be the right
// side of `in` / `not in`, written there or named by a constant, and nothing else (a define's
// or a `let`'s value, an `if` branch, an argument, a quantifier's list). Reports each kid of `e`
// that is a set elsewhere.
bool Checker::misusesSet(const Expr& e) {
  bool misused = false;
  for (size_t i = 0; i < e.kids.size(); ++i) {
    const Expr* kid = e.kids[i].get();
    if (kid == nullptr || !kid->type.stringSet) continue;
    const bool named = kid->kind == ExprKind::kSet || kid->ref == RefKind::kConst;
    if (e.kind == ExprKind::kIn && i == 1 && named) continue;
    std::vector<std::string> notes;
    if (e.kind == ExprKind::kIn && i == 1 && (kid->ref == RefKind::kDefine || kid->ref == RefKind::kVar)) {
      notes.push_back(fmt::format("declare `{}` with `const`", kid->name));
    }
    error(kid->span, "a set `{...}` can only be the right side of `in` or `not in`, written there or named by a constant",
          notes);
    misused = true;
  }
  return misused;
}

Type Checker::checkNode(Expr& e, Ctx& c) {
  Type t;
  switch (e.kind) {
    case ExprKind::kLiteral: t = e.literalType; break;
    case ExprKind::kName: t = checkName(e, c); break;
    case ExprKind::kField: t = checkField(e, c); break;
    case ExprKind::kNeg: {
      Type a = checkPresent(*e.kids[0], c);
      if (!a.isError() && !a.isNumeric() && a.kind != TypeKind::kDuration) {
        t = error(e.span, fmt::format("cannot negate {}", typeStr(a)));
      } else {
        t = Type::of(a.kind);
      }
      break;
    }
    case ExprKind::kNot: {
      Type a = checkPresent(*e.kids[0], c);
      expectKind(*e.kids[0], a, TypeKind::kBool, "the operand of `not`");
      t = Type::of(TypeKind::kBool);
      break;
    }
    case ExprKind::kBinary: t = checkBinary(e, c); break;
    case ExprKind::kDefault: {
      Type a = check(*e.kids[0], c);
      Type b = check(*e.kids[1], c);
      if (a.isError() || b.isError()) break;
      if (!a.optional) {
        t = error(e.kids[0]->span, "this value is never absent: `??` is not needed");
        break;
      }
      if (a.isNumeric() && b.isNumeric()) {
        t = Type::of(widen(e, 0, 1, a, b)).asOptional(b.optional);
      } else if (!sameType(a, b)) {
        t = error(e.span, fmt::format("the default must be {}, got {}", typeStr(a.asOptional(false)), typeStr(b)));
      } else {
        t = a.asOptional(b.optional);
        joinCheckedStrings(a, b, t);  // `channel ?? "none"`: the enumeration, or the default
      }
      break;
    }
    case ExprKind::kPresence: {
      const Type a = check(*e.kids[0], c);
      t = Type::of(TypeKind::kBool);
      if (!a.isError() && !a.optional) {  // as for `??`: the test could only ever give one answer
        t = error(e.kids[0]->span,
                  fmt::format("this value is never absent here: `{}` is always {}", e.wantAbsent ? "is absent" : "is present",
                              e.wantAbsent ? "false" : "true"),
                  {"it is a field the claim must have, a field with a default (the claim loader fills it in), or a "
                   "value an earlier test in this rule or expression showed present"});
      }
      break;
    }
    case ExprKind::kLineClass: {
      Type a = checkPresent(*e.kids[0], c);
      t = Type::of(TypeKind::kBool);
      if (!a.isError() && (a.kind != TypeKind::kRecord || a.record != prog_.lineRecord)) {
        t = error(e.kids[0]->span, fmt::format("`is {}` tests a claim line, and this is {}", e.name, typeStr(a)));
        break;
      }
      if (e.name == "governed" && e.qualifier.empty()) break;
      e.linesRef = findClass(*c.unit, e.qualifier, e.name, e.span, true);
      if (!e.linesRef) t = Type();
      break;
    }
    case ExprKind::kIn: {
      Type a = checkPresent(*e.kids[0], c);
      Type b = checkPresent(*e.kids[1], c);
      t = Type::of(TypeKind::kBool);
      if (a.isError() || b.isError()) break;
      if (b.kind != TypeKind::kList) {
        t = error(e.kids[1]->span, fmt::format("`in` needs a list or a set on its right, got {}", typeStr(b)));
        break;
      }
      Type elem = b.element();
      if (elem.kind == TypeKind::kRecord || !(sameType(a, elem) || (a.isNumeric() && elem.isNumeric()))) {
        t = error(e.span, fmt::format("cannot look for {} in {}", typeStr(a), typeStr(b)));
        break;
      }
      if (a.kind == TypeKind::kDecimal && elem.kind == TypeKind::kInt) {
        t = error(e.span, "cannot look for a decimal in a list of integers");
        break;
      }
      if (a.kind == TypeKind::kInt && elem.kind == TypeKind::kDecimal) e.widen(0);
      if (elem.kind == TypeKind::kString && !b.stringSet) {
        checkComparedString(elem, *e.kids[0], nullptr);  // "Z192" in diagnoses
      }
      if (a.kind == TypeKind::kString && (a.enumIndex != -1 || a.format != StringFormat::kAny)) {
        if (e.kids[1]->kind == ExprKind::kSet) {
          for (auto& k : e.kids[1]->kids) checkComparedString(a, *k, e.kids[0].get());
        } else {
          checkComparedString(a, *e.kids[1], e.kids[0].get());  // a constant set
        }
      }
      break;
    }
    case ExprKind::kWithin: {
      Type d = checkPresent(*e.kids[0], c);
      Type n = checkPresent(*e.kids[1], c);
      Type x = checkPresent(*e.kids[2], c);
      expectKind(*e.kids[0], d, TypeKind::kDate, "the value tested by `within`");
      expectKind(*e.kids[1], n, TypeKind::kDuration, "the span of `within`");
      expectKind(*e.kids[2], x, TypeKind::kDate, "the date `within` counts from");
      t = Type::of(TypeKind::kBool);
      if (Value span; n.kind == TypeKind::kDuration && foldValue(*e.kids[1], span) && span.i < 0) {
        diags_.warning(e.kids[1]->span, "empty-range",
                       fmt::format("`within` a span of {} days is never true: the span is negative", span.i),
                       {"a window before or after a date is written with a positive span: `within 90 days before dos`"});
      }
      break;
    }
    case ExprKind::kBetween: {
      Type x = checkPresent(*e.kids[0], c);
      Type lo = checkPresent(*e.kids[1], c);
      Type hi = checkPresent(*e.kids[2], c);
      t = Type::of(TypeKind::kBool);
      if (x.isError() || lo.isError() || hi.isError()) break;
      if (x.isNumeric() && lo.isNumeric() && hi.isNumeric()) {
        bool dec = x.kind == TypeKind::kDecimal || lo.kind == TypeKind::kDecimal || hi.kind == TypeKind::kDecimal;
        if (dec) {
          if (x.kind == TypeKind::kInt) e.widen(0);
          if (lo.kind == TypeKind::kInt) e.widen(1);
          if (hi.kind == TypeKind::kInt) e.widen(2);
        }
      } else if (!(x.kind == lo.kind && x.kind == hi.kind &&
                   (x.kind == TypeKind::kDate || x.kind == TypeKind::kDuration))) {
        t = error(e.span, fmt::format("`between` needs numbers, dates or durations, got {}, {} and {}", typeStr(x), typeStr(lo), typeStr(hi)));
        break;
      }
      // Bounds known before any claim that cannot both hold (`between 60 and 1`).
      if (Value from, through; lo.kind == hi.kind && foldValue(*e.kids[1], from) && foldValue(*e.kids[2], through) &&
                               (lo.kind == TypeKind::kDecimal ? compare(from.d, through.d) > 0 : from.i > through.i)) {
        diags_.warning(e.span, "empty-range", "this `between` is never true: its first bound is above its second",
                       {"`x between A and B` holds for A <= x <= B: swap the bounds"});
      }
      break;
    }
    case ExprKind::kIf: {
      Type cond = checkPresent(*e.kids[0], c);
      expectKind(*e.kids[0], cond, TypeKind::kBool, "the condition of `if`");
      Known k = knownFrom(*e.kids[0]);
      Ctx thenCtx = c;
      thenCtx.present.insert(k.whenTrue.begin(), k.whenTrue.end());
      Ctx elseCtx = c;
      elseCtx.present.insert(k.whenFalse.begin(), k.whenFalse.end());
      Type a = check(*e.kids[1], thenCtx);
      Type b = check(*e.kids[2], elseCtx);
      if (a.isError() || b.isError()) break;
      if (a.isNumeric() && b.isNumeric()) {
        t = Type::of(widen(e, 1, 2, a, b));
      } else if (!sameType(a, b)) {
        t = error(e.span, fmt::format("both branches of `if` must have one type, got {} and {}", typeStr(a), typeStr(b)));
        break;
      } else {
        t = a;
        joinCheckedStrings(a, b, t);
      }
      t.optional = a.optional || b.optional;
      break;
    }
    case ExprKind::kCall: t = checkCall(e, c); break;
    case ExprKind::kSet: {
      t.kind = TypeKind::kList;
      t.elem = TypeKind::kString;
      t.stringSet = true;
      for (auto& k : e.kids) {
        Type kt = checkPresent(*k, c);
        if (kt.isError()) continue;
        Value v;
        if (k->kind == ExprKind::kLiteral && (kt.kind == TypeKind::kInt || kt.kind == TypeKind::kDecimal)) {
          // `place_of_service in {11, 22}`: codes of digits are strings too.
          // The digits as written: the span's length keeps a leading zero (`01`).
          const bool digits = kt.kind == TypeKind::kInt && k->literal.i >= 0 && k->span.length <= 20;
          error(k->span, "a set `{...}` holds strings, not numbers",
                {digits ? fmt::format("write `\"{:0{}d}\"`: codes of digits are strings", k->literal.i, k->span.length)
                        : std::string("write the codes in quotes: codes of digits are strings")});
        } else if (kt.kind != TypeKind::kString || !foldValue(*k, v)) {
          error(k->span, "a set `{...}` holds strings known before any claim is seen (literals or constants)");
        }
      }
      break;
    }
    case ExprKind::kExists:
    case ExprKind::kEvery:
    case ExprKind::kCount:
    case ExprKind::kAggregate: t = checkQuantifier(e, c); break;
  }
  e.type = t;
  return t;
}

// ---------------------------------------------------------------- rules

void Checker::checkMessage(MessageTemplate& m, Ctx& c) {
  // The parser has refused more than kMaxMessageArgs holes.
  for (auto& p : m.pieces) {
    if (!p.expr) continue;
    Type t = check(*p.expr, c);
    if (t.isError()) continue;
    if (t.kind == TypeKind::kRecord || t.kind == TypeKind::kModule ||
        (t.kind == TypeKind::kList && t.elem != TypeKind::kString)) {
      error(p.expr->span, fmt::format("a message cannot show {}", typeStr(t)));
    }
    if (t.kind == TypeKind::kList && t.stringSet) {
      error(p.expr->span, "a message can show a list from the claim, not a set");
    }
  }
}

static bool isRemittanceCode(const std::string& s, size_t maxLen) {
  if (s.empty() || s.size() > maxLen) return false;
  for (char ch : s) {
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) return false;
  }
  return true;
}

// CARCs are numbered from 1 without leading zeros (`16`, `151`) or are a letter and digits
// (`A1`, `B7`, `P14`): `0` and `0151` cannot be one.
static bool isClaimAdjustmentReasonCode(const std::string& s) {
  return isRemittanceCode(s, 4) && s[0] != '0';
}

void Checker::checkOutcome(OutcomeSpec& o, Ctx& c) {
  if (!groupNamed(o.group)) {
    auto g = std::make_unique<Expr>();
    g->kind = ExprKind::kName;
    g->name = o.group;
    g->span = o.groupSpan;
    Type t = check(*g, c);
    if (!t.isError()) {
      if (t.kind != TypeKind::kGroup) {
        error(o.groupSpan, fmt::format("`{}` is not a group: a group is CO, PR, OA or a definition of type group", o.group));
      } else if (t.optional) {
        requirePresent(*g, t);
      }
    }
    o.groupExpr = std::move(g);
  }
  if (!isClaimAdjustmentReasonCode(o.carc)) {
    error(o.carcSpan, fmt::format("`{}` is not a claim adjustment reason code", o.carc));
  }
  for (const auto& r : o.rarcs) {
    if (!isRemittanceCode(r, 6)) error(o.rarcSpan, fmt::format("`{}` is not a remark code", r));
  }
}

void Checker::checkRule(RuleDecl& r, const Unit& unit) {
  Ctx c;
  c.unit = &unit;
  std::set<LinesDecl*> reads;
  c.reads = &reads;
  r.appliesRefs.clear();
  for (size_t i = 0; i < r.applies.size(); ++i) {
    const std::string& name = r.applies[i];
    const std::string& qualifier = r.appliesQualifiers[i];
    if (name == "governed" && qualifier.empty()) {
      r.appliesRefs.push_back(nullptr);
      continue;
    }
    if (LinesDecl* cls = findClass(unit, qualifier, name, r.appliesSpans[i], true)) r.appliesRefs.push_back(cls);
  }
  // A rule applies to lines in every class named, and every class is of governed lines: with
  // another class named, `governed` adds nothing.
  if (std::any_of(r.appliesRefs.begin(), r.appliesRefs.end(), [](const LinesDecl* d) { return d != nullptr; })) {
    r.appliesRefs.erase(std::remove(r.appliesRefs.begin(), r.appliesRefs.end(), nullptr), r.appliesRefs.end());
  }
  if (r.applies.empty()) r.appliesRefs.push_back(nullptr);
  bool datesOk = true;
  for (ExprPtr* d : {&r.effectiveFrom, &r.effectiveThrough}) {
    if (*d) datesOk &= expectKind(**d, checkPresent(**d, c), TypeKind::kDate, "an effective date");
  }
  if (datesOk && r.effectiveFrom && r.effectiveThrough) {
    // Only when both are known now; a date that depends on the claim is checked per line.
    Value from, through;
    if (foldValue(*r.effectiveFrom, from) && foldValue(*r.effectiveThrough, through) && through.i < from.i) {
      error(r.effectiveThrough->span, fmt::format("the effective range ends before it starts: rule `{}` would never apply", r.id),
            {"`effective from A through B` needs A <= B"});
    }
  }
  if (r.onlyWhen) {
    Type t = checkPresent(*r.onlyWhen, c);
    reportFoldProblems(*r.onlyWhen);
    expectKind(*r.onlyWhen, t, TypeKind::kBool, "an `only when` condition");
    Known k = knownFrom(*r.onlyWhen);
    c.present.insert(k.whenTrue.begin(), k.whenTrue.end());
  }
  for (Clause& cl : r.clauses) {
    switch (cl.kind) {
      case ClauseKind::kLet: {
        Type t = check(*cl.expr, c);
        // A set is never a `let`'s value: misusesSet reports one where it is used, but an unused
        // one reached the code generator (an internal error).
        if (!t.isError() && t.stringSet) {
          t = error(cl.expr->span, "a set `{...}` can only be the right side of `in` or `not in`, written there or named by a constant",
                    {fmt::format("declare `{}` with `const`", cl.var->name)});
        }
        cl.var->type = t;
        cl.var->id = nextVarId_++;
        letValue_[cl.var.get()] = cl.expr.get();
        for (auto* v : c.vars) {
          if (v->name == cl.var->name) error(cl.var->span, fmt::format("`{}` is already defined in this rule", v->name));
        }
        c.vars.push_back(cl.var.get());
        break;
      }
      case ClauseKind::kRequire:
      case ClauseKind::kFailWhen: {
        Type t = checkPresent(*cl.expr, c);
        expectKind(*cl.expr, t, TypeKind::kBool, cl.kind == ClauseKind::kRequire ? "a `require` condition" : "a `when` condition");
        Known k = knownFrom(*cl.expr);
        bool failsWhenTrue = cl.kind == ClauseKind::kFailWhen;
        Ctx failing = c;
        const KeySet& onFail = failsWhenTrue ? k.whenTrue : k.whenFalse;
        failing.present.insert(onFail.begin(), onFail.end());
        checkOutcome(cl.outcome, failing);
        checkMessage(cl.outcome.message, failing);
        const KeySet& onPass = failsWhenTrue ? k.whenFalse : k.whenTrue;
        c.present.insert(onPass.begin(), onPass.end());
        break;
      }
      case ClauseKind::kAdjust: {
        Type t = checkPresent(*cl.expr, c);
        expectKind(*cl.expr, t, TypeKind::kBool, "an `adjust` condition");
        if (!groupNamed(cl.outcome.group)) {
          error(cl.outcome.groupSpan, fmt::format("an adjustment's group is CO, PR or OA, not `{}`", cl.outcome.group));
        }
        if (!isClaimAdjustmentReasonCode(cl.outcome.carc)) {
          error(cl.outcome.carcSpan, fmt::format("`{}` is not a claim adjustment reason code", cl.outcome.carc));
        }
        if (cl.percent.isNegative() || cl.percent.isZero() || compare(cl.percent, Decimal::fromInt(100)) > 0) {
          error(cl.span, "an adjustment's percent is more than 0 and at most 100");
        }
        Known k = knownFrom(*cl.expr);
        Ctx adjusting = c;
        adjusting.present.insert(k.whenTrue.begin(), k.whenTrue.end());
        checkMessage(cl.outcome.message, adjusting);
        break;
      }
    }
    reportFoldProblems(*cl.expr);
  }
  r.readsDecisionsOf.assign(reads.begin(), reads.end());
  std::sort(r.readsDecisionsOf.begin(), r.readsDecisionsOf.end(), BySource());
}

// ---------------------------------------------------------------- policies

void Checker::computePhases(CheckedPolicy& policy) {
  // Edges: lines of class A (a rule applies to) are decided after lines of class D (whose
  // decisions the rule reads).
  // For each edge, the first rule that makes it, to name in a cycle. Classes in source order,
  // so that the cycle reported does not depend on where they were allocated.
  std::map<const LinesDecl*, std::map<const LinesDecl*, const RuleDecl*, BySource>, BySource> after;
  for (const RuleDecl* r : policy.rules) {
    bool reported = false;  // once a rule, naming the first class it reads
    for (LinesDecl* d : r->readsDecisionsOf) {
      for (const LinesDecl* a : r->appliesRefs) {
        if (!a) {
          if (!reported) {
            error(r->span, fmt::format("rule `{}` applies to every governed line and reads the decisions of `{}` lines, which are governed lines too: its lines would wait for themselves", r->id, d->name),
                  {fmt::format("restrict it with `applies to` a class of lines that does not include `{}` lines", d->name)});
          }
          reported = true;
          continue;
        }
        after[a].emplace(d, r);
      }
    }
  }
  std::map<const LinesDecl*, int> phase;  // -1: being computed
  std::vector<const LinesDecl*> path;     // the classes being computed, outermost first
  bool cycle = false;
  std::function<int(const LinesDecl*)> phaseOf = [&](const LinesDecl* cls) -> int {
    auto it = phase.find(cls);
    if (it != phase.end()) {
      if (it->second < 0) {
        if (!cycle) {
          // `a` lines wait for `b` lines (rule R1), which wait for `a` lines (rule R2).
          auto from = std::find(path.begin(), path.end(), cls);
          std::string chain;
          const RuleDecl* last = nullptr;
          for (auto at = from; at != path.end(); ++at) {
            const LinesDecl* next = at + 1 != path.end() ? *(at + 1) : cls;
            last = after[*at][next];
            chain += at == from ? fmt::format("`{}` lines wait for", (*at)->name) : ", which wait for";
            chain += fmt::format(" `{}` lines (rule `{}`)", next->name, last->id);
          }
          error(last->span, fmt::format("the decisions of `{}` lines depend on themselves: {}", cls->name, chain),
                {"a rule may read the decisions only of lines decided before the lines it applies to"});
        }
        cycle = true;
        return 0;
      }
      return it->second;
    }
    phase[cls] = -1;
    path.push_back(cls);
    int p = 0;
    for (const auto& [d, rule] : after[cls]) p = std::max(p, phaseOf(d) + 1);
    path.pop_back();
    phase[cls] = p;
    return p;
  };
  for (const auto& [cls, deps] : after) phaseOf(cls);
  for (const auto& [cls, p] : phase) {
    if (p > 0) policy.phasedClasses.push_back(PhasedClass{cls, static_cast<uint32_t>(p)});
  }
  std::sort(policy.phasedClasses.begin(), policy.phasedClasses.end(),
            [](const PhasedClass& a, const PhasedClass& b) { return BySource()(a.decl, b.decl); });
}

// Codegen writes a class of lines out where it is tested, and a define where it is used, and
// `is governed` inside the `governs` condition is that condition itself; so the checker must
// refuse, before codegen recurses without end, a class whose condition tests itself
// (`lines a: line is a`, directly or through other classes and defines), a `governs` condition
// that tests `is governed` (`governs lines where line is a` with `lines a: line is governed`),
// and writing-out deeper than kMaxInlinedNesting. Runs once the program has no other error, so
// that every reference is resolved and defines are not recursive.
void Checker::checkInlining() {
  // What a define's body or a class's condition comes to when written out.
  struct Inlined {
    int depth = 0;                        // levels of expression
    const Expr* governedTest = nullptr;   // an `is governed` it reaches, if any
    std::string via;                      // the defines and classes that lead to it: "`a` -> "
  };
  std::map<const void*, Inlined> inlined;  // by DefineDecl or LinesDecl, once walked
  std::vector<const LinesDecl*> path;      // the classes being walked, outermost first
  bool failed = false;                     // one report is enough: the rest repeat it
  // `e` written out, where it stands `at` levels deep.
  std::function<Inlined(const Expr&, int)> walk = [&](const Expr& e, int at) -> Inlined {
    Inlined r;
    if (failed) return r;
    auto tooDeep = [&] {
      error(e.span, fmt::format("this expression nests too deeply: with the defines and classes of lines it uses written out, more than {} levels", kMaxInlinedNesting),
            {"a chain of defines or classes each written in terms of the next is this deep: shorten it"});
      failed = true;
    };
    if (at >= kMaxInlinedNesting) {
      tooDeep();
      return r;
    }
    // A define or class: its body once, then its depth under `e`.
    auto use = [&](const void* key, const std::string& name, const Expr& body, const LinesDecl* cls) {
      auto it = inlined.find(key);
      if (it == inlined.end()) {
        if (cls) path.push_back(cls);
        Inlined in = walk(body, at + 1);
        if (cls) path.pop_back();
        if (failed) return;
        if (in.governedTest) in.via = "`" + name + "` -> " + in.via;
        it = inlined.emplace(key, std::move(in)).first;
      }
      if (at + 1 + it->second.depth > kMaxInlinedNesting) {
        tooDeep();
        return;
      }
      r.depth = std::max(r.depth, it->second.depth);
      if (!r.governedTest && it->second.governedTest) {
        r.governedTest = it->second.governedTest;
        r.via = it->second.via;
      }
    };
    if (e.kind == ExprKind::kLineClass && !e.linesRef) {
      r.governedTest = &e;
    } else if (e.kind == ExprKind::kLineClass && e.linesRef->predicate) {
      const LinesDecl* cls = e.linesRef;
      if (auto on = std::find(path.begin(), path.end(), cls); on != path.end()) {
        std::string chain;
        for (auto it = on; it != path.end(); ++it) chain += "`" + (*it)->name + "` -> ";
        chain += "`" + cls->name + "`";
        error(cls->span, fmt::format("class of lines `{}` is defined in terms of itself ({}); classes cannot be recursive", cls->name, chain));
        failed = true;
        return r;
      }
      use(cls, cls->name, *cls->predicate, cls);
    }
    if (e.ref == RefKind::kDefine && e.defineRef && e.defineRef->body) {
      use(e.defineRef, e.defineRef->name, *e.defineRef->body, nullptr);
    }
    for (const ExprPtr& kid : e.kids) {
      if (!kid || failed) continue;
      Inlined k = walk(*kid, at + 1);
      r.depth = std::max(r.depth, k.depth);
      if (!r.governedTest && k.governedTest) {
        r.governedTest = k.governedTest;
        r.via = k.via;
      }
    }
    r.depth += 1;
    return r;
  };
  // Classes and defines in source order, for a stable first error; then each `governs`.
  for (const auto& u : prog_.units) {
    for (const Decl& d : u->decls) {
      if (failed) return;
      if (d.kind == DeclKind::kLines && d.linesDecl->predicate) {
        Expr test;  // `line is CLASS`, as a rule's `applies to` tests it
        test.kind = ExprKind::kLineClass;
        test.linesRef = d.linesDecl.get();
        test.span = d.linesDecl->span;
        walk(test, 0);
      } else if (d.kind == DeclKind::kDefine && d.defineDecl->body) {
        walk(*d.defineDecl->body, 0);
      }
    }
  }
  for (const auto& u : prog_.units) {
    if (failed) return;
    if (u->kind != UnitKind::kPolicy || !u->governs) continue;
    Inlined g = walk(*u->governs, 0);
    if (g.governedTest && !failed) {
      error(g.governedTest->span,
            fmt::format("the `governs` condition of policy `{}` tests `is governed`{}, which is that condition itself", u->name,
                        g.via.empty() ? "" : " through " + g.via.substr(0, g.via.size() - 4)),
            {"`governs` says which lines are governed from their fields; a class of lines may test `is governed` only outside it"});
      failed = true;
    }
  }
}

// A claim is decided by the first policy (in file-name order) whose line of business includes
// the claim's, so a second policy for that line of business would never decide one: an
// analyst who splits a policy in two by date expects both halves to work.
void Checker::checkOnePolicyPerLineOfBusiness() {
  std::map<std::string, const Unit*> decidedBy;
  for (const CheckedPolicy& p : prog_.policies) {
    const Unit& unit = *p.unit;
    for (size_t i = 0; i < unit.linesOfBusiness.size(); ++i) {
      const std::string& lob = unit.linesOfBusiness[i];
      auto [it, fresh] = decidedBy.emplace(lob, &unit);
      if (fresh || it->second == &unit) continue;
      error(i < unit.lobSpans.size() ? unit.lobSpans[i] : unit.nameSpan,
            fmt::format("policy `{}` would never decide a \"{}\" claim: policy `{}` decides them", unit.name, lob, it->second->name),
            {"a claim is decided by one policy, the first (in file-name order) whose line of business includes the claim's",
             "to change rules from a date, keep one policy and give those rules `effective from DATE` (and `through DATE`)"});
    }
  }
}

void Checker::assemblePolicy(const Unit& unit) {
  CheckedPolicy p;
  p.unit = &unit;
  p.id = unit.name;
  p.version = unit.version;
  p.title = unit.title;
  p.linesOfBusiness = unit.linesOfBusiness;
  if (lobEnum_ >= 0) {
    const auto& values = schema_.enums[static_cast<size_t>(lobEnum_)];
    for (size_t i = 0; i < unit.linesOfBusiness.size(); ++i) {
      const std::string& lob = unit.linesOfBusiness[i];
      if (std::find(values.begin(), values.end(), lob) == values.end()) {
        std::string all;
        for (const auto& v : values) all += (all.empty() ? "" : ", ") + v;
        std::vector<std::string> notes = didYouMean(lob, values);
        notes.push_back("the lines of business are " + all);
        error(i < unit.lobSpans.size() ? unit.lobSpans[i] : unit.nameSpan, fmt::format("\"{}\" is not a line of business", lob), notes);
      }
    }
  }
  for (auto [expr, out] : {std::pair{unit.effectiveFrom.get(), &p.effectiveFrom}, std::pair{unit.effectiveThrough.get(), &p.effectiveThrough}}) {
    if (!expr || expr->type.isError()) continue;
    BoundParam v;
    if (expectKind(*expr, expr->type, TypeKind::kDate, "an effective date") && foldInto(*expr, Type::of(TypeKind::kDate), v)) {
      *out = static_cast<int32_t>(v.value.i);
    }
  }
  if (p.effectiveFrom != INT32_MIN && p.effectiveThrough != INT32_MAX && p.effectiveThrough < p.effectiveFrom) {
    error(unit.effectiveThrough->span, "the effective range ends before it starts: no line would ever be governed",
          {"`effective from A through B` needs A <= B"});
  }
  // Rules: each used module's (its own uses first), once, in `use` order; then the policy's.
  // The uses form no cycle: the driver links no `use` that would close one (resolveUses).
  std::set<const Unit*> included;
  std::vector<std::pair<ParamDecl*, const Unit*>> declaredParams;  // in include order
  std::set<const ParamDecl*> badlyBound;  // given a value that was reported wrong: not "without a value"
  std::function<void(const Unit&)> include = [&](const Unit& u) {
    if (included.count(&u)) return;
    for (const UseDecl& use : u.uses) {
      if (!use.unit) continue;
      // Bind the module's parameters from this `use`.
      for (const Binding& b : use.bindings) {
        if (!b.param) continue;
        BoundParam v;
        if (!foldInto(*b.value, b.param->type, v)) {
          badlyBound.insert(b.param);
          continue;
        }
        auto it = p.params.find(b.param);
        if (it != p.params.end()) {
          if (std::memcmp(&it->second.value, &v.value, sizeof(Value)) != 0 || it->second.text != v.text) {
            error(b.span, fmt::format("module `{}` is used twice in policy `{}` with different values for `{}`", use.unit->name, unit.name, b.name));
          }
          continue;
        }
        p.params.emplace(b.param, v);
      }
      include(*use.unit);
    }
    included.insert(&u);
    for (const Decl& d : u.decls) {
      if (d.kind == DeclKind::kRule) p.rules.push_back(d.ruleDecl.get());
      if (d.kind == DeclKind::kParam) declaredParams.emplace_back(d.paramDecl.get(), &u);
    }
  };
  include(unit);
  // A rule whose own dates lie outside the policy's would never apply in it: a warning, since a
  // module's rule may be meant for another policy that uses the module.
  for (const RuleDecl* r : p.rules) {
    Value from, through;
    const bool knownFrom = r->effectiveFrom && !r->effectiveFrom->type.isError() && foldValue(*r->effectiveFrom, from);
    const bool knownThrough =
        r->effectiveThrough && !r->effectiveThrough->type.isError() && foldValue(*r->effectiveThrough, through);
    const bool endsBefore = knownThrough && p.effectiveFrom != INT32_MIN && through.i < p.effectiveFrom;
    const bool startsAfter = knownFrom && p.effectiveThrough != INT32_MAX && from.i > p.effectiveThrough;
    if (!endsBefore && !startsAfter) continue;
    diags_.warning(endsBefore ? r->effectiveThrough->span : r->effectiveFrom->span, "empty-range",
                   fmt::format("rule `{}` would never apply in policy `{}`: its dates lie outside the policy's", r->id,
                               unit.name),
                   {endsBefore ? fmt::format("the policy is effective from {}", formatDate(p.effectiveFrom))
                               : fmt::format("the policy is effective through {}", formatDate(p.effectiveThrough))});
  }
  // Defaults only after every `use` is read: a module that uses `shared` without binding it
  // leaves the choice to the policy, whichever `use` comes first.
  for (auto [pd, owner] : declaredParams) {
    if (p.params.count(pd) || badlyBound.count(pd)) continue;
    BoundParam v;
    if (pd->defaultValue && foldInto(*pd->defaultValue, pd->type, v)) {
      p.params.emplace(pd, v);
    } else if (!pd->defaultValue) {
      error(unit.nameSpan, fmt::format("policy `{}` uses module `{}` without a value for its parameter `{}`", unit.name, owner->name, pd->name),
            {fmt::format("write `use {} with {} = ...`", owner->name, pd->name)});
    }
  }
  for (auto& [param, v] : p.params) {
    if (param->type.kind == TypeKind::kString) v.value.s = StrRef{v.text.data(), static_cast<uint32_t>(v.text.size())};
  }
  std::map<std::string, const RuleDecl*> ids;
  for (const RuleDecl* r : p.rules) {
    auto [it, fresh] = ids.emplace(r->id, r);
    if (!fresh) {
      error(r->span, fmt::format("rule id `{}` is used twice in policy `{}`", r->id, unit.name),
            {fmt::format("the first is at {}", placeIn(ownerOf_[it->second], it->second->span))});
    }
  }
  // A module's rule that a parameter switches off in this policy (`only when
  // traditional_medicare`, used with `false`) is not part of the policy: it could never apply,
  // and rule coverage should not ask a test to reach it.
  std::function<std::optional<bool>(const Expr&)> knownBool = [&](const Expr& e) -> std::optional<bool> {
    if (e.kind == ExprKind::kNot && e.kids.size() == 1) {
      std::optional<bool> inner = knownBool(*e.kids[0]);
      return inner ? std::optional<bool>(!*inner) : std::nullopt;
    }
    if ((e.kind == ExprKind::kName || e.kind == ExprKind::kField) && e.ref == RefKind::kParam) {
      auto it = p.params.find(e.paramRef);
      if (it != p.params.end() && it->first->type.kind == TypeKind::kBool) return it->second.value.i != 0;
    }
    return std::nullopt;
  };
  p.rules.erase(std::remove_if(p.rules.begin(), p.rules.end(),
                               [&](const RuleDecl* r) { return r->onlyWhen && knownBool(*r->onlyWhen) == false; }),
                p.rules.end());
  computePhases(p);
  prog_.policies.push_back(std::move(p));
}

bool Checker::run() {
  // The line record and its date of service, and the lines of business, from the schema.
  const SchemaRecord& root = schema_.records[schema_.root];
  int linesField = root.findField("lines");
  if (linesField < 0 || root.fields[static_cast<size_t>(linesField)].type.kind != ValueKind::kList ||
      root.fields[static_cast<size_t>(linesField)].type.elemKind != ValueKind::kRecord) {
    error(Span{}, "the claim schema must declare `lines: list of Line`");
    return false;
  }
  prog_.linesField = static_cast<uint32_t>(linesField);
  prog_.lineRecord = root.fields[static_cast<size_t>(linesField)].type.record;
  int dos = schema_.records[prog_.lineRecord].findField("service_date");
  if (dos < 0) {
    error(Span{}, "the claim schema's line record must declare `service_date: date`");
    return false;
  }
  prog_.serviceDateField = static_cast<uint32_t>(dos);
  int payer = root.findField("payer");
  if (payer >= 0 && root.fields[static_cast<size_t>(payer)].type.kind == ValueKind::kRecord) {
    const SchemaRecord& pr = schema_.records[root.fields[static_cast<size_t>(payer)].type.record];
    int lob = pr.findField("line_of_business");
    if (lob >= 0) lobEnum_ = pr.fields[static_cast<size_t>(lob)].type.enumIndex;
  }

  for (const auto& u : prog_.units) declareUnit(*u);
  for (const auto& up : prog_.units) {
    Unit& u = *up;
    if (u.kind == UnitKind::kSchema) continue;
    // `use ... with` bindings name the module's parameters.
    std::map<std::string, const UseDecl*> qualifiers;
    for (UseDecl& use : u.uses) {
      if (!use.unit) continue;
      // A qualifier must name one module, and no declaration of this file (which would hide it).
      const Span& at = use.alias.empty() ? use.span : use.aliasSpan;
      if (auto [it, fresh] = qualifiers.emplace(use.qualifier(), &use); !fresh) {
        if (it->second->unit == use.unit) {
          error(at, fmt::format("module `{}` is used twice in this file", use.module));
        } else {
          error(at, fmt::format("`{}` already names module `{}` in this file", use.qualifier(), it->second->module),
                {"give one of them another name with `as`"});
        }
      } else if (own_[&u].count(use.qualifier())) {
        error(at, fmt::format("`{}` names both module `{}` and a declaration of this file", use.qualifier(), use.module),
              {"give the module another name with `as`"});
      } else if (std::string why = builtInMeaning(use.qualifier()); !why.empty()) {
        // `use helpers as payer` would make `payer.x` the module's `x`, not the claim's field.
        error(at, fmt::format("`{}` is {}: it cannot also name module `{}`", use.qualifier(), why, use.module),
              {"give the module another name with `as`"});
      } else {
        // `use brand as med` beside a module declaring `med`: `med.x` would silently mean brand's.
        for (const UseDecl& other : u.uses) {
          if (other.unit == nullptr || other.unit == use.unit || !own_[other.unit].count(use.qualifier())) continue;
          error(at, fmt::format("`{}` is declared by module `{}`: it cannot also name module `{}`", use.qualifier(),
                                other.module, use.module),
                {"give the module another name with `as`"});
          break;
        }
      }
      std::set<std::string> bound;
      for (Binding& b : use.bindings) {
        auto& theirs = own_[use.unit];
        auto it = theirs.find(b.name);
        if (it == theirs.end() || it->second.kind != Entity::Kind::kParam) {
          std::vector<std::string> names;
          for (const auto& [n, en] : theirs) {
            if (en.kind == Entity::Kind::kParam) names.push_back(n);
          }
          error(b.span, fmt::format("module `{}` has no parameter `{}`", use.unit->name, b.name), didYouMean(b.name, names));
          continue;
        }
        // Left unbound here, the second value is not taken for a second `use` of the module.
        if (!bound.insert(b.name).second) {
          error(b.span, fmt::format("parameter `{}` is bound twice in this `use`", b.name), {"keep one value"});
          continue;
        }
        b.param = it->second.paramDecl;
        checkParam(*b.param);
        Ctx c;
        c.unit = &u;
        c.lineAvailable = false;
        c.noDecisionsWhy = "in a `use ... with` value";
        check(*b.value, c);
      }
    }
    if (u.kind == UnitKind::kPolicy) {
      Ctx c;
      c.unit = &u;
      c.noDecisionsWhy = "in `governs`";
      if (u.governs) {
        expectKind(*u.governs, checkPresent(*u.governs, c), TypeKind::kBool, "the `governs` condition");
        reportFoldProblems(*u.governs);
      }
      Ctx dates;
      dates.unit = &u;
      dates.lineAvailable = false;
      for (Expr* d : {u.effectiveFrom.get(), u.effectiveThrough.get()}) {
        if (d) check(*d, dates);
      }
    }
    for (Decl& d : u.decls) {
      switch (d.kind) {
        case DeclKind::kConst: checkConst(*d.constDecl); break;
        case DeclKind::kParam: checkParam(*d.paramDecl); break;
        case DeclKind::kDefine: checkDefine(*d.defineDecl); break;
        case DeclKind::kLines: {
          Ctx c;
          c.unit = &u;
          c.noDecisionsWhy = "in a class of lines";
          Type t = checkPresent(*d.linesDecl->predicate, c);
          expectKind(*d.linesDecl->predicate, t, TypeKind::kBool, "a class of lines' condition");
          reportFoldProblems(*d.linesDecl->predicate);
          break;
        }
        case DeclKind::kRule: checkRule(*d.ruleDecl, u); break;
        case DeclKind::kRecord: error(d.recordDecl->span, "records are declared only in the schema"); break;
      }
    }
  }
  settleModuleParameters();
  if (diags_.hasErrors()) return false;
  checkInlining();
  if (diags_.hasErrors()) return false;
  for (const auto& u : prog_.units) {
    if (u->kind == UnitKind::kPolicy) assemblePolicy(*u);
  }
  checkOnePolicyPerLineOfBusiness();
  return !diags_.hasErrors();
}

}  // namespace

// ---------------------------------------------------------------- schema lowering

bool lowerSchema(const ast::Unit& unit, Schema& out, Diagnostics& diags) {
  using ast::FieldOption;
  using ast::TypeRef;
  size_t errorsBefore = diags.errorCount();
  out = Schema();
  out.name = unit.name;
  out.version = unit.version;
  std::vector<const RecordDecl*> decls;
  for (const Decl& d : unit.decls) {
    if (d.kind == DeclKind::kRecord) {
      decls.push_back(d.recordDecl.get());
      SchemaRecord r;
      r.name = d.recordDecl->name;
      if (out.findRecord(r.name) >= 0) diags.error(d.recordDecl->span, fmt::format("record `{}` is declared twice", r.name));
      out.records.push_back(std::move(r));
    } else {
      diags.error(d.kind == DeclKind::kRule ? d.ruleDecl->span : Span{unit.file, 1, 1, 1}, "a schema declares records only");
    }
  }
  if (decls.empty()) {
    diags.error(unit.nameSpan, "a schema needs at least one record (the first is the claim)");
    return false;
  }
  auto enumOf = [&](const std::vector<std::string>& values) -> int32_t {
    for (size_t i = 0; i < out.enums.size(); ++i) {
      if (out.enums[i] == values) return static_cast<int32_t>(i);
    }
    out.enums.push_back(values);
    return static_cast<int32_t>(out.enums.size() - 1);
  };
  // Scalar or record type of a (non-list) TypeRef into kind/record/enum.
  auto scalar = [&](const TypeRef& t, ValueKind& kind, uint32_t& record, int32_t& enumIndex) -> bool {
    if (t.kind == TypeRef::Kind::kEnum) {
      kind = ValueKind::kString;
      enumIndex = enumOf(t.values);
      return true;
    }
    if (t.kind == TypeRef::Kind::kList) {
      diags.error(t.span, "a list cannot hold lists");
      return false;
    }
    static const std::pair<const char*, ValueKind> kNames[] = {{"bool", ValueKind::kBool},       {"integer", ValueKind::kInt},
                                                               {"decimal", ValueKind::kDecimal}, {"string", ValueKind::kString},
                                                               {"date", ValueKind::kDate}};
    for (const auto& [n, k] : kNames) {
      if (t.name == n) {
        kind = k;
        return true;
      }
    }
    int r = out.findRecord(t.name);
    if (r < 0) {
      std::vector<std::string> names;
      for (const auto& [n, k] : kNames) names.emplace_back(n);
      for (const auto& rec : out.records) names.push_back(rec.name);
      std::string s = suggestName(t.name, names);
      diags.error(t.span, fmt::format("unknown type `{}`", t.name), s.empty() ? std::vector<std::string>{} : std::vector<std::string>{fmt::format("did you mean `{}`?", s)});
      return false;
    }
    kind = ValueKind::kRecord;
    record = static_cast<uint32_t>(r);
    return true;
  };
  for (size_t ri = 0; ri < decls.size(); ++ri) {
    SchemaRecord& rec = out.records[ri];
    for (const FieldDecl& fd : decls[ri]->fields) {
      SchemaField f;
      f.name = fd.name;
      if (rec.findField(f.name) >= 0) diags.error(fd.span, fmt::format("field `{}` is declared twice in `{}`", f.name, rec.name));
      f.slot = static_cast<uint32_t>(rec.fields.size()) + 1;
      f.optional = fd.typeRef.optional;
      if (fd.typeRef.kind == TypeRef::Kind::kList) {
        f.type.kind = ValueKind::kList;
        scalar(*fd.typeRef.elem, f.type.elemKind, f.type.record, f.type.enumIndex);
      } else {
        scalar(fd.typeRef, f.type.kind, f.type.record, f.type.enumIndex);
      }
      rec.fields.push_back(std::move(f));
    }
  }
  // Options, once every field exists (`not before` and `unique` name other fields).
  for (size_t ri = 0; ri < decls.size(); ++ri) {
    SchemaRecord& rec = out.records[ri];
    for (size_t fi = 0; fi < decls[ri]->fields.size(); ++fi) {
      const FieldDecl& fd = decls[ri]->fields[fi];
      SchemaField& f = rec.fields[fi];
      const bool isString = f.type.kind == ValueKind::kString || (f.type.kind == ValueKind::kList && f.type.elemKind == ValueKind::kString);
      const bool isNumber = f.type.kind == ValueKind::kDecimal || f.type.kind == ValueKind::kInt;
      for (const FieldOption& o : fd.options) {
        switch (o.kind) {
          case FieldOption::Kind::kNonEmpty:
            if (f.type.kind != ValueKind::kString && f.type.kind != ValueKind::kList) diags.error(o.span, "`not empty` applies to strings and lists");
            f.nonEmpty = true;
            break;
          case FieldOption::Kind::kFormat:
            if (!isString) diags.error(o.span, "`format` applies to strings");
            if (!stringFormatByName(o.name, f.type.format)) {
              std::string s = suggestName(o.name, stringFormatNames());
              diags.error(o.span, fmt::format("unknown format `{}`", o.name), s.empty() ? std::vector<std::string>{} : std::vector<std::string>{fmt::format("did you mean `{}`?", s)});
            }
            break;
          case FieldOption::Kind::kAtLeast:
          case FieldOption::Kind::kAbove:
            if (!isNumber) diags.error(o.span, "a lower bound applies to numbers");
            f.hasMin = true;
            f.minExclusive = o.kind == FieldOption::Kind::kAbove;
            f.min = o.number;
            break;
          case FieldOption::Kind::kDefault:
            if (f.optional) diags.error(o.span, "a field with a default is not optional");
            f.hasDefault = true;
            if (o.emptyList) {
              if (f.type.kind != ValueKind::kList) diags.error(o.span, "`default []` is for lists");
            } else if (o.emptyRecord) {
              if (f.type.kind != ValueKind::kRecord) diags.error(o.span, "`default {}` is for records");
            } else if (o.literal) {
              const ast::Expr& lit = *o.literal;
              ValueKind lk = valueKindOf(lit.literalType.kind);
              if (lit.kind != ExprKind::kLiteral || (lk != f.type.kind && !(f.type.kind == ValueKind::kDecimal && lk == ValueKind::kInt)) ||
                  lk == ValueKind::kString) {
                diags.error(o.span, "a default is a bool, number or date literal of the field's type");
              } else if (f.type.kind == ValueKind::kDecimal && lk == ValueKind::kInt) {
                f.defaultValue = Value::ofDecimal(Decimal::fromInt(lit.literal.i));
              } else {
                f.defaultValue = lit.literal;
              }
            }
            break;
          case FieldOption::Kind::kUnique: {
            if (f.type.kind != ValueKind::kList || f.type.elemKind != ValueKind::kRecord) {
              diags.error(o.span, "`unique` applies to lists of records");
              break;
            }
            int k = out.records[f.type.record].findField(o.name);
            if (k < 0) diags.error(o.span, fmt::format("`{}` has no field `{}`", out.records[f.type.record].name, o.name));
            f.uniqueBy = k;
            break;
          }
          case FieldOption::Kind::kNotBefore: {
            int k = rec.findField(o.name);
            if (k < 0 || rec.fields[static_cast<size_t>(k)].type.kind != ValueKind::kDate || f.type.kind != ValueKind::kDate) {
              diags.error(o.span, fmt::format("`not before` compares this date with another date field of `{}`", rec.name));
            }
            f.notBefore = k;
            break;
          }
        }
      }
    }
  }
  // A record used as `default {}` must be all defaults and optionals.
  for (const auto& rec : out.records) {
    for (const auto& f : rec.fields) {
      if (f.type.kind == ValueKind::kRecord && f.hasDefault) {
        for (const auto& inner : out.records[f.type.record].fields) {
          if (!inner.optional && !inner.hasDefault) {
            diags.error(unit.nameSpan, fmt::format("`{}.{}` defaults to an empty `{}`, whose field `{}` has no default", rec.name, f.name,
                                                   out.records[f.type.record].name, inner.name));
          }
        }
      }
    }
  }
  out.root = 0;
  return diags.errorCount() == errorsBefore;
}

bool checkProgram(CheckedProgram& program, Diagnostics& diags) {
  Checker checker(program, diags);
  return checker.run();
}

}  // namespace ppl
