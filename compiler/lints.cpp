// Lints: warnings about policies that check but are probably not what their author meant.
// Each has a name, shown as `[name]` after the message, so a reader can look it up in
// docs/lints.md; `pplc check --werror` makes them errors.
#include "compiler/lints.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/reference_data.h"

namespace ppl {
namespace {

using namespace ast;

void eachExpr(const Expr* e, const std::function<void(const Expr&)>& f) {
  if (!e) return;
  f(*e);
  for (const auto& k : e->kids) eachExpr(k.get(), f);
}

void eachMessageExpr(const MessageTemplate& m, const std::function<void(const Expr&)>& f) {
  for (const auto& p : m.pieces) eachExpr(p.expr.get(), f);
}

// Every expression of a unit, in source order.
void eachUnitExpr(const Unit& u, const std::function<void(const Expr&)>& f) {
  eachExpr(u.governs.get(), f);
  eachExpr(u.effectiveFrom.get(), f);
  eachExpr(u.effectiveThrough.get(), f);
  for (const auto& use : u.uses) {
    for (const auto& b : use.bindings) eachExpr(b.value.get(), f);
  }
  for (const Decl& d : u.decls) {
    switch (d.kind) {
      case DeclKind::kConst: eachExpr(d.constDecl->value.get(), f); break;
      case DeclKind::kParam: eachExpr(d.paramDecl->defaultValue.get(), f); break;
      case DeclKind::kDefine: eachExpr(d.defineDecl->body.get(), f); break;
      case DeclKind::kLines: eachExpr(d.linesDecl->predicate.get(), f); break;
      case DeclKind::kRule: {
        const RuleDecl& r = *d.ruleDecl;
        eachExpr(r.onlyWhen.get(), f);
        eachExpr(r.effectiveFrom.get(), f);
        eachExpr(r.effectiveThrough.get(), f);
        for (const Clause& c : r.clauses) {
          eachExpr(c.expr.get(), f);
          eachExpr(c.outcome.groupExpr.get(), f);
          eachMessageExpr(c.outcome.message, f);
        }
        break;
      }
      case DeclKind::kRecord: break;
    }
  }
}

// True when `e` depends on nothing but literals and constants: it has one value for every claim.
bool isConstant(const Expr& e) {
  switch (e.ref) {
    case RefKind::kVar:
    case RefKind::kLine:
    case RefKind::kClaim:
    case RefKind::kRootField:
    case RefKind::kParam:
    case RefKind::kDefine:
    case RefKind::kBuiltin: return false;
    default: break;
  }
  if (e.kind == ExprKind::kLineClass || e.kind == ExprKind::kExists || e.kind == ExprKind::kEvery ||
      e.kind == ExprKind::kCount || e.kind == ExprKind::kAggregate || e.kind == ExprKind::kPresence) {
    return false;
  }
  for (const auto& k : e.kids) {
    if (k && !isConstant(*k)) return false;
  }
  return true;
}

// The field name a path ends with (`line.modifiers` -> "modifiers"), or "".
std::string lastField(const Expr& e) {
  if (e.kind == ExprKind::kField && e.ref == RefKind::kNone) return e.name;
  if (e.kind == ExprKind::kName && e.ref == RefKind::kRootField) return e.name;
  return "";
}

// The string values an expression stands for when known at compile time (a literal, a
// constant, a set literal or a constant set), each with the span to report.
std::vector<std::pair<std::string, Span>> knownStrings(const Expr& e) {
  std::vector<std::pair<std::string, Span>> out;
  if (e.kind == ExprKind::kLiteral && e.literalType.kind == TypeKind::kString) out.emplace_back(e.text, e.span);
  if (e.kind == ExprKind::kSet) {
    for (const auto& k : e.kids) {
      auto inner = knownStrings(*k);
      out.insert(out.end(), inner.begin(), inner.end());
    }
  }
  if (e.ref == RefKind::kConst && e.constRef) {
    if (e.constRef->type.kind == TypeKind::kString) out.emplace_back(e.constRef->foldedText, e.constRef->value->span);
    for (const auto& s : e.constRef->foldedSet) out.emplace_back(s, e.constRef->value->span);
  }
  return out;
}

class Linter {
 public:
  Linter(const CheckedProgram& program, Diagnostics& diags) : prog_(program), diags_(diags) {}

  void run() {
    collectUses();
    for (const auto& u : prog_.units) {
      unusedDeclarations(*u);
      unusedImports(*u);
      shadowing(*u);
      for (const Decl& d : u->decls) {
        if (d.kind == DeclKind::kRule) rule(*d.ruleDecl);
        if (d.kind == DeclKind::kConst && d.constDecl->isDrug) drug(*d.constDecl);
      }
      eachUnitExpr(*u, [&](const Expr& e) { codesIn(e); });
    }
  }

 private:
  const CheckedProgram& prog_;
  Diagnostics& diags_;
  std::set<const void*> used_;
  std::set<std::tuple<std::string, uint32_t, uint32_t, uint32_t>> reportedCodes_;  // value, file, line, col

  void warn(const Span& span, const char* lint, std::string message, std::vector<std::string> notes = {}) {
    diags_.warning(span, lint, std::move(message), std::move(notes));
  }

  void collectUses() {
    for (const auto& u : prog_.units) {
      eachUnitExpr(*u, [&](const Expr& e) {
        if (e.constRef) used_.insert(e.constRef);
        if (e.paramRef) used_.insert(e.paramRef);
        if (e.defineRef) used_.insert(e.defineRef);
        if (e.linesRef) used_.insert(e.linesRef);
      });
      for (const Decl& d : u->decls) {
        if (d.kind == DeclKind::kRule) {
          for (const LinesDecl* l : d.ruleDecl->appliesRefs) used_.insert(l);
        }
      }
    }
  }

  void unusedDeclarations(const Unit& u) {
    // A module serves policies that may not be checked now: it is judged only when it was given
    // and policies given with it use it (`pplc check policies/`), not when it was reached only
    // through `use` (`pplc check one-policy.ppl`) or given alone (`pplc check pack.ppl`).
    if (!u.given || (u.kind == UnitKind::kModule && !usedByGivenPolicy(u))) return;
    for (const Decl& d : u.decls) {
      const void* key = nullptr;
      std::string what, name;
      Span span;
      switch (d.kind) {
        case DeclKind::kConst:
          key = d.constDecl.get();
          what = d.constDecl->type.kind == TypeKind::kList ? "code set" : "constant";
          name = d.constDecl->name;
          span = d.constDecl->span;
          break;
        case DeclKind::kDefine:
          key = d.defineDecl.get();
          what = "definition";
          name = d.defineDecl->name;
          span = d.defineDecl->span;
          break;
        case DeclKind::kLines:
          key = d.linesDecl.get();
          what = "class of lines";
          name = d.linesDecl->name;
          span = d.linesDecl->span;
          break;
        case DeclKind::kParam:
          key = d.paramDecl.get();
          what = "parameter";
          name = d.paramDecl->name;
          span = d.paramDecl->span;
          break;
        default: continue;
      }
      if (!used_.count(key)) warn(span, "unused", fmt::format("{} `{}` is never used", what, name), {"remove it, or use it"});
    }
  }

  bool usedByGivenPolicy(const Unit& module) const {
    std::set<const Unit*> seen;
    std::function<bool(const Unit&)> reaches = [&](const Unit& from) {
      for (const UseDecl& use : from.uses) {
        if (!use.unit || !seen.insert(use.unit).second) continue;
        if (use.unit == &module || reaches(*use.unit)) return true;
      }
      return false;
    };
    for (const auto& u : prog_.units) {
      if (u->given && u->kind == UnitKind::kPolicy && reaches(*u)) return true;
    }
    return false;
  }

  // A declaration named like one of a module the file uses: the file's own rules read its own,
  // the module's rules keep the module's, which reads like an override and is not one.
  void hidingModules(const Unit& u) {
    for (const Decl& d : u.decls) {
      Span span;
      const std::string* name = declaredName(d, &span);
      if (name == nullptr || d.kind == DeclKind::kParam) continue;  // a param is only a module's
      for (const UseDecl& use : u.uses) {
        if (use.unit == nullptr || !declares(*use.unit, *name)) continue;
        warn(span, "shadow", fmt::format("`{}` hides module `{}`'s `{}`: the module's rules keep its own", *name, use.module, *name),
             {fmt::format("to change it for one policy, make it a `param` of `{}` and bind it with `use ... with`",
                          use.module)});
        break;
      }
    }
  }
  static bool declares(const Unit& unit, const std::string& name) {
    return std::any_of(unit.decls.begin(), unit.decls.end(), [&](const Decl& d) {
      const std::string* declared = declaredName(d);
      return declared != nullptr && *declared == name;
    });
  }

  // A variable (a `let`, a quantifier's, a define's parameter) named like a declaration the
  // file sees, or a field of the claim: inside its scope the name means the variable, silently.
  void shadowing(const Unit& u) {
    std::map<std::string, std::string> seen;  // name -> what it names outside the variable
    auto declare = [&](const Unit& from) {
      for (const Decl& d : from.decls) {
        switch (d.kind) {
          case DeclKind::kConst:
            seen.emplace(d.constDecl->name, d.constDecl->type.kind == TypeKind::kList ? "code set" : "constant");
            break;
          case DeclKind::kDefine: seen.emplace(d.defineDecl->name, "definition"); break;
          case DeclKind::kParam: seen.emplace(d.paramDecl->name, "module parameter"); break;
          case DeclKind::kLines: seen.emplace(d.linesDecl->name, "class of lines"); break;
          default: break;
        }
      }
    };
    hidingModules(u);
    declare(u);
    for (const UseDecl& use : u.uses) {
      if (use.unit) declare(*use.unit);
      if (use.unit) seen.emplace(use.qualifier(), "module");
    }
    const SchemaRecord& root = prog_.schema.records[prog_.schema.root];
    for (const auto& f : root.fields) seen.emplace(f.name, "field of the claim");
    seen.emplace("claim", "claim record");
    for (const char* group : {"CO", "PR", "OA"}) seen.emplace(group, "adjustment group");
    auto check = [&](const VarDecl& v) {
      auto it = seen.find(v.name);
      if (it == seen.end()) return;
      warn(v.span, "shadow", fmt::format("variable `{}` hides the {} of that name", v.name, it->second),
           {"inside its scope the name means the variable: rename it"});
    };
    for (const Decl& d : u.decls) {
      if (d.kind == DeclKind::kDefine) {
        for (const auto& p : d.defineDecl->params) check(*p);
      }
      if (d.kind == DeclKind::kRule) {
        for (const Clause& c : d.ruleDecl->clauses) {
          if (c.kind == ClauseKind::kLet && c.var) check(*c.var);
        }
      }
    }
    eachUnitExpr(u, [&](const Expr& e) {
      if (e.var) check(*e.var);
    });
  }

  void unusedImports(const Unit& u) {
    for (const UseDecl& use : u.uses) {
      if (!use.unit) continue;
      std::set<const Unit*> visited;
      if (use.bindings.empty() && !bringsIn(*use.unit, visited)) {
        warn(use.span, "unused-import", fmt::format("`use {}` brings in nothing this file uses", use.module), {"remove the `use`"});
      }
    }
  }

  // Whether using `module` brings rules into the policy or declarations the program reads: its
  // own, or those of the modules it uses in turn (a module of shared `use`s has no rules of
  // its own, and removing its `use` would drop theirs).
  bool bringsIn(const Unit& module, std::set<const Unit*>& visited) {
    if (!visited.insert(&module).second) return false;
    for (const Decl& d : module.decls) {
      if (d.kind == DeclKind::kRule) return true;
      const void* key = d.constDecl ? static_cast<const void*>(d.constDecl.get())
                        : d.defineDecl ? static_cast<const void*>(d.defineDecl.get())
                        : d.linesDecl ? static_cast<const void*>(d.linesDecl.get())
                                       : static_cast<const void*>(d.paramDecl.get());
      if (key && used_.count(key)) return true;
    }
    for (const UseDecl& use : module.uses) {
      if (use.unit && (!use.bindings.empty() || bringsIn(*use.unit, visited))) return true;
    }
    return false;
  }

  void rule(const RuleDecl& r) {
    // `applies to`, `only when`, `effective` and `let` only narrow or name: without a clause
    // that fails or adjusts, the rule passes every line (often a title whose clauses were lost).
    if (std::all_of(r.clauses.begin(), r.clauses.end(), [](const Clause& c) { return c.kind == ClauseKind::kLet; })) {
      warn(r.span, "empty-rule", fmt::format("rule `{}` does nothing: it has no `require`, `deny`, `pend` or `adjust` clause", r.id),
           {"add the clause that says when it fails, or remove the rule"});
    }
    if (r.onlyWhen && isConstant(*r.onlyWhen)) {
      warn(r.onlyWhen->span, "constant-condition", fmt::format("rule `{}`'s `only when` is the same for every claim", r.id),
           {"a condition on constants alone either always or never holds: remove it or test the claim"});
    }
    for (const Clause& c : r.clauses) {
      if ((c.kind == ClauseKind::kRequire || c.kind == ClauseKind::kFailWhen) && isConstant(*c.expr)) {
        warn(c.expr->span, "constant-condition",
             fmt::format("rule `{}` {} for every claim", r.id, c.kind == ClauseKind::kRequire ? "passes or fails the same way" : "fails or passes the same way"),
             {"the condition reads only constants"});
      }
      if ((c.kind == ClauseKind::kRequire || c.kind == ClauseKind::kFailWhen) && !c.outcome.message.present) {
        warn(c.outcome.span, "missing-message", fmt::format("rule `{}` fails without a message: the remittance will show only its title", r.id),
             {"add a message naming the facts that failed, e.g. \"no approved authorization covers {line.service_date}\""});
      }
      if (c.kind == ClauseKind::kRequire || c.kind == ClauseKind::kFailWhen || c.kind == ClauseKind::kAdjust) {
        code(CodeList::kCarc, c.outcome.carc, c.outcome.carcSpan, "claim adjustment reason code");
        for (const auto& rarc : c.outcome.rarcs) code(CodeList::kRarc, rarc, c.outcome.rarcSpan, "remark code");
      }
    }
  }

  // One report per code value and place, however many ways the walk reaches it.
  bool firstReport(const std::string& value, const Span& span) {
    return reportedCodes_.insert({value, span.file, span.line, span.col}).second;
  }

  void warnUnknownCode(CodeList list, const std::string& value, const Span& span, const char* what) {
    std::vector<std::string> notes;
    // Two digits swapped (179 for 197, M26 for M62) is the likeliest slip in a code: suggested
    // when exactly one swap gives a listed code.
    const ReferenceCode* swapped = nullptr;
    int found = 0;
    for (size_t i = 0; i + 1 < value.size(); ++i) {
      std::string s = value;
      std::swap(s[i], s[i + 1]);
      if (s == value) continue;
      if (const ReferenceCode* c = findReferenceCode(list, s)) {
        swapped = c;
        ++found;
      }
    }
    if (found == 1) notes.push_back(fmt::format("did you mean `{}`? ({})", swapped->code, swapped->text));
    notes.push_back(fmt::format("{} is a subset of the official list: if `{}` is valid, add it there with its official text",
                                referenceFile(list), value));
    warn(span, "unknown-code", fmt::format("{} `{}` is not in the reference list", what, value), notes);
  }

  void code(CodeList list, const std::string& value, const Span& span, const char* what) {
    if (!firstReport(value, span)) return;
    const ReferenceCode* c = findReferenceCode(list, value);
    if (!c) {
      warnUnknownCode(list, value, span, what);
      return;
    }
    if (!c->deactivated.empty()) {
      warn(span, "deactivated-code", fmt::format("{} `{}` was deactivated in {}: remittances must not use it", what, value, c->deactivated),
           {fmt::format("`{}`: {}", value, c->text)});
    }
  }

  // A drug declared by name and code: the code's official descriptor should name the drug.
  void drug(const ConstDecl& d) {
    const std::string& code = d.foldedText;
    const ReferenceCode* c = findReferenceCode(CodeList::kHcpcs, code);
    if (!c) {
      warn(d.value->span, "unknown-code", fmt::format("HCPCS code `{}` is not in the reference list", code),
           {fmt::format("{} is a subset of the HCPCS file: if `{}` is valid, add it there with its descriptor", referenceFile(CodeList::kHcpcs), code)});
      return;
    }
    auto lower = [](std::string s) {
      for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return s;
    };
    std::string name = lower(d.name);
    if (lower(c->text).find(name) != std::string::npos || !d.acknowledged.empty()) return;
    std::vector<std::string> notes;
    std::vector<std::string> matching;
    for (const auto& other : referenceCodes(CodeList::kHcpcs)) {
      if (lower(other.text).find(name) != std::string::npos) matching.push_back(fmt::format("`{}` ({})", other.code, other.text));
    }
    if (!matching.empty()) notes.push_back(fmt::format("{} is {}", d.name, fmt::join(matching, " or ")));
    notes.push_back(fmt::format("if the code is meant, say why: `drug {} code \"{}\" acknowledge \"...\"`", d.name, code));
    warn(d.value->span, "hcpcs-descriptor",
         fmt::format("`{}` is \"{}\" in the HCPCS file, which does not name {}", code, c->text, d.name), notes);
  }

  // Places of service and modifiers compared with claim fields.
  void codesIn(const Expr& e) {
    const Expr* field = nullptr;
    const Expr* other = nullptr;
    bool elementOfList = false;
    if (e.kind == ExprKind::kBinary && (e.op == BinaryOp::kEq || e.op == BinaryOp::kNe)) {
      if (!lastField(*e.kids[0]).empty()) {
        field = e.kids[0].get();
        other = e.kids[1].get();
      } else if (!lastField(*e.kids[1]).empty()) {
        field = e.kids[1].get();
        other = e.kids[0].get();
      }
    } else if (e.kind == ExprKind::kIn) {
      if (!lastField(*e.kids[0]).empty()) {
        field = e.kids[0].get();
        other = e.kids[1].get();
      } else if (!lastField(*e.kids[1]).empty()) {
        field = e.kids[1].get();
        other = e.kids[0].get();
        elementOfList = true;
      }
    }
    if (!field) return;
    std::string name = lastField(*field);
    CodeList list;
    const char* what;
    if (name == "place_of_service") {
      list = CodeList::kPlaceOfService;
      what = "place of service";
    } else if (name == "modifiers" && elementOfList) {
      list = CodeList::kModifier;
      what = "modifier";
    } else {
      return;
    }
    for (const auto& [value, span] : knownStrings(*other)) {
      if (!firstReport(value, span)) continue;
      if (!findReferenceCode(list, value)) warnUnknownCode(list, value, span, what);
    }
  }
};

}  // namespace

void lintProgram(const CheckedProgram& program, Diagnostics& diags) {
  Linter linter(program, diags);
  linter.run();
}

}  // namespace ppl
