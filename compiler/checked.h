// The checked program: every unit of a compilation type-checked, and each policy assembled from
// the modules it uses. Codegen turns it into bytecode; the reference evaluator runs it directly.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ast.h"
#include "runtime/schema.h"

namespace ppl {

// A module parameter's value for one policy: a folded constant.
struct BoundParam {
  Value value;
  std::string text;  // for strings; value.s points here only after the map stops changing
};

// A `lines` class whose lines must be decided after others (some rule applying to it reads
// another class's decisions).
struct PhasedClass {
  const ast::LinesDecl* decl = nullptr;
  uint32_t phase = 0;  // >= 1
};

struct CheckedPolicy {
  const ast::Unit* unit = nullptr;
  std::string id, version, title;
  std::vector<std::string> linesOfBusiness;
  int32_t effectiveFrom = INT32_MIN;  // days since 1970-01-01, inclusive
  int32_t effectiveThrough = INT32_MAX;
  // Rules in reason order: used modules' rules first (in `use` order, each module once), then
  // the policy's own.
  std::vector<const ast::RuleDecl*> rules;
  std::vector<PhasedClass> phasedClasses;
  // Values of every module parameter reachable from this policy.
  std::map<const ast::ParamDecl*, BoundParam> params;
};

struct CheckedProgram {
  Schema schema;
  uint32_t linesField = 0;        // index (in the root record's fields) of `lines`
  uint32_t lineRecord = 0;        // the schema record of claim lines
  uint32_t serviceDateField = 0;  // index (in the line record's fields) of `service_date`
  std::vector<std::unique_ptr<ast::Unit>> units;  // every unit read, owned here
  std::vector<CheckedPolicy> policies;
};

// How a rule's outcomes and adjustments are numbered in Decision and Program: the k-th
// `require`/`when` clause of the rule is outcome k; the k-th `adjust` clause is adjustment k.
// A message's arguments are its holes, in order.

}  // namespace ppl
