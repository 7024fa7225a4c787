#include "compiler/types.h"

namespace ppl {

Type Type::element() const {
  Type t;
  t.kind = elem;
  t.record = elemRecord;
  t.enumIndex = elemEnum;
  t.format = elemFormat;
  return t;
}

bool sameType(const Type& a, const Type& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case TypeKind::kRecord: return a.record == b.record;
    case TypeKind::kList: return a.elem == b.elem && (a.elem != TypeKind::kRecord || a.elemRecord == b.elemRecord);
    default: return true;
  }
}

static const char* scalarName(TypeKind k) {
  switch (k) {
    case TypeKind::kError: return "<error>";
    case TypeKind::kBool: return "bool";
    case TypeKind::kInt: return "integer";
    case TypeKind::kDecimal: return "decimal";
    case TypeKind::kString: return "string";
    case TypeKind::kDate: return "date";
    case TypeKind::kDuration: return "duration";
    case TypeKind::kGroup: return "group";
    case TypeKind::kList: return "list";
    case TypeKind::kRecord: return "record";
    case TypeKind::kModule: return "module";
  }
  return "?";
}

std::string typeName(const Type& t, const Schema& schema) {
  std::string s = t.optional ? "optional " : "";
  if (t.kind == TypeKind::kRecord) {
    s += t.record < schema.records.size() ? schema.records[t.record].name : "record";
  } else if (t.kind == TypeKind::kList) {
    s += "list of ";
    s += typeName(t.element(), schema);
  } else {
    s += scalarName(t.kind);
  }
  return s;
}

ValueKind valueKindOf(TypeKind k) {
  switch (k) {
    case TypeKind::kBool: return ValueKind::kBool;
    case TypeKind::kInt: return ValueKind::kInt;
    case TypeKind::kDecimal: return ValueKind::kDecimal;
    case TypeKind::kString: return ValueKind::kString;
    case TypeKind::kDate: return ValueKind::kDate;
    case TypeKind::kDuration: return ValueKind::kDuration;
    case TypeKind::kGroup: return ValueKind::kGroup;
    case TypeKind::kList: return ValueKind::kList;
    case TypeKind::kRecord: return ValueKind::kRecord;
    // No value has these: kIter, which no typed expression has either, so that an error or a
    // module name never passes for an integer (a builtin's argument).
    case TypeKind::kError:
    case TypeKind::kModule: return ValueKind::kIter;
  }
  return ValueKind::kIter;
}

static TypeKind typeKindOf(ValueKind k) {
  switch (k) {
    case ValueKind::kBool: return TypeKind::kBool;
    case ValueKind::kInt: return TypeKind::kInt;
    case ValueKind::kDecimal: return TypeKind::kDecimal;
    case ValueKind::kString: return TypeKind::kString;
    case ValueKind::kDate: return TypeKind::kDate;
    case ValueKind::kDuration: return TypeKind::kDuration;
    case ValueKind::kGroup: return TypeKind::kGroup;
    case ValueKind::kList: return TypeKind::kList;
    case ValueKind::kRecord: return TypeKind::kRecord;
    default: return TypeKind::kError;
  }
}

Type typeOfField(const SchemaField& f) {
  Type t;
  t.kind = typeKindOf(f.type.kind);
  t.optional = f.optional;
  if (t.kind == TypeKind::kRecord) t.record = f.type.record;
  if (t.kind == TypeKind::kString) {
    t.enumIndex = f.type.enumIndex;
    t.format = f.type.format;
  }
  if (t.kind == TypeKind::kList) {
    t.elem = typeKindOf(f.type.elemKind);
    t.elemRecord = f.type.record;
    t.elemEnum = f.type.enumIndex;
    t.elemFormat = f.type.format;
  }
  return t;
}

}  // namespace ppl
