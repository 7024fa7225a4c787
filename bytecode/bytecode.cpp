// The program's derived tables: opcode names, the string pool, and link(), which turns indices
// and names into what the VM reads directly (values, string refs, builtin ids, fact slots).
#include "bytecode/bytecode.h"

#include <algorithm>
#include <cstddef>

#include <fmt/core.h>

#include "bytecode/instr_info.h"
#include "stdlib/functions.h"

namespace ppl {
namespace {

StrRef refTo(const std::string& s) { return StrRef{s.data(), static_cast<uint32_t>(s.size())}; }

// Finds a well-known field of `record` and checks its kind, so that the VM and the output
// writer can read it without looking at the schema (a hostile .pplb file carries its own).
const SchemaField* wellKnownField(const Schema& schema, uint32_t record, const char* name, ValueKind kind,
                                  std::string& error) {
  const SchemaRecord& rec = schema.records[record];
  const int index = rec.findField(name);
  if (index < 0) {
    error = fmt::format("record `{}` of the schema has no field `{}` (the claim schema must declare it)",
                        rec.name, name);
    return nullptr;
  }
  const SchemaField& field = rec.fields[static_cast<size_t>(index)];
  if (field.type.kind != kind) {
    error = fmt::format("field `{}.{}` of the schema must have the kind {}, not {}", rec.name, name,
                        valueKindName(kind), valueKindName(field.type.kind));
    return nullptr;
  }
  return &field;
}

}  // namespace

const char* operandKinds(Opcode op) { return opcodeInfo(op).kinds; }
const char* opcodeName(Opcode op) { return opcodeInfo(op).name; }
const char* extensionOperandKinds(Opcode op) { return opcodeInfo(op).extensionKinds; }

bool resolveFactLayout(const Schema& schema, FactLayout& out, std::string& error) {
  if (schema.root >= schema.records.size()) {
    error = fmt::format("the schema's root record {} does not exist", schema.root);
    return false;
  }
  const SchemaField* claimId = wellKnownField(schema, schema.root, "claim_id", ValueKind::kString, error);
  if (!claimId) return false;
  const SchemaField* lines = wellKnownField(schema, schema.root, "lines", ValueKind::kList, error);
  if (!lines) return false;
  if (lines->type.elemKind != ValueKind::kRecord || lines->type.record >= schema.records.size()) {
    error = fmt::format("field `{}.lines` of the schema must be a list of records",
                        schema.records[schema.root].name);
    return false;
  }
  const SchemaField* payer = wellKnownField(schema, schema.root, "payer", ValueKind::kRecord, error);
  if (!payer) return false;
  if (payer->type.record >= schema.records.size()) {
    error = fmt::format("field `{}.payer` of the schema names no record", schema.records[schema.root].name);
    return false;
  }
  const uint32_t lineRecord = lines->type.record;
  const SchemaField* lineNumber = wellKnownField(schema, lineRecord, "line_number", ValueKind::kInt, error);
  if (!lineNumber) return false;
  const SchemaField* hcpcs = wellKnownField(schema, lineRecord, "hcpcs", ValueKind::kString, error);
  if (!hcpcs) return false;
  const uint32_t payerRecord = payer->type.record;
  const SchemaField* lob = wellKnownField(schema, payerRecord, "line_of_business", ValueKind::kString, error);
  if (!lob) return false;

  out.claimIdSlot = claimId->slot;
  out.linesSlot = lines->slot;
  out.lineRecord = lineRecord;
  out.lineNumberSlot = lineNumber->slot;
  out.hcpcsSlot = hcpcs->slot;
  out.payerSlot = payer->slot;
  out.payerRecord = payerRecord;
  out.lineOfBusinessSlot = lob->slot;
  return true;
}

bool Program::link(std::string& error) {
  constantValues.clear();
  setValues.clear();
  functionIds.clear();
  layout = FactLayout{};

  constantValues.reserve(constants.size());
  for (size_t k = 0; k < constants.size(); ++k) {
    const Constant& c = constants[k];
    switch (c.kind) {
      case ValueKind::kBool:
        if (c.i != 0 && c.i != 1) {
          error = fmt::format("constant {} is a bool with the value {}", k, c.i);
          return false;
        }
        constantValues.push_back(Value::ofInt(c.i));
        break;
      case ValueKind::kGroup:
        if (c.i < 0 || c.i > static_cast<int64_t>(AdjustmentGroup::kOA)) {
          error = fmt::format("constant {} is an adjustment group with the value {}", k, c.i);
          return false;
        }
        constantValues.push_back(Value::ofInt(c.i));
        break;
      case ValueKind::kInt:
      case ValueKind::kDate:
      case ValueKind::kDuration: constantValues.push_back(Value::ofInt(c.i)); break;
      case ValueKind::kDecimal: constantValues.push_back(Value::ofDecimal(c.d)); break;
      case ValueKind::kString:
        if (c.str >= strings.size()) {
          error = fmt::format("constant {} names string {}, but the pool has {}", k, c.str, strings.size());
          return false;
        }
        constantValues.push_back(Value::ofString(refTo(strings[c.str])));
        break;
      case ValueKind::kList:
      case ValueKind::kRecord:
      case ValueKind::kIter:
      default:
        error = fmt::format("constant {} has kind {}: constants are scalars", k,
                            valueKindName(c.kind));
        return false;
    }
  }

  setValues.reserve(sets.size());
  for (size_t s = 0; s < sets.size(); ++s) {
    std::vector<uint32_t> members = sets[s].members;
    std::sort(members.begin(), members.end());
    if (std::adjacent_find(members.begin(), members.end()) != members.end()) {
      error = fmt::format("string set {} holds a member twice", s);
      return false;
    }
    std::vector<StrRef> refs;
    refs.reserve(members.size());
    for (uint32_t m : sets[s].members) {
      if (m >= strings.size()) {
        error = fmt::format("string set {} names string {}, but the pool has {}", s, m, strings.size());
        return false;
      }
      refs.push_back(refTo(strings[m]));
    }
    setValues.push_back(std::move(refs));
  }

  if (functions.size() > 0x10000) {  // CALL's b is 16 bits
    error = fmt::format("the program uses {} builtin functions; at most 65536 fit", functions.size());
    return false;
  }
  functionIds.reserve(functions.size());
  for (const std::string& name : functions) {
    const int id = findBuiltin(name);
    if (id < 0) {
      error = fmt::format("unknown builtin function `{}`", name);
      return false;
    }
    functionIds.push_back(static_cast<uint16_t>(id));
  }

  return resolveFactLayout(schema, layout, error);
}

// By a hash index: a policy's set of 40,000 codes took seconds to compile with a linear search.
// The pool is public, so the index is rebuilt whenever it does not match the pool's size (every
// call, should the pool hold a string twice: the first one is found, as before).
uint32_t Program::addString(const std::string& s) {
  if (stringIndex_.size() != strings.size()) {
    stringIndex_.clear();
    for (size_t i = 0; i < strings.size(); ++i) stringIndex_.emplace(strings[i], static_cast<uint32_t>(i));
  }
  auto [it, added] = stringIndex_.emplace(s, static_cast<uint32_t>(strings.size()));
  if (added) strings.push_back(s);
  return it->second;
}

}  // namespace ppl
