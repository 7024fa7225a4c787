#include "runtime/value.h"

namespace ppl {

const char* valueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kBool: return "bool";
    case ValueKind::kInt: return "integer";
    case ValueKind::kDecimal: return "decimal";
    case ValueKind::kString: return "string";
    case ValueKind::kDate: return "date";
    case ValueKind::kDuration: return "duration";
    case ValueKind::kGroup: return "group";
    case ValueKind::kList: return "list";
    case ValueKind::kRecord: return "record";
    case ValueKind::kIter: return "iterator";
  }
  return "?";
}

const char* groupName(AdjustmentGroup g) {
  switch (g) {
    case AdjustmentGroup::kCO: return "CO";
    case AdjustmentGroup::kPR: return "PR";
    case AdjustmentGroup::kOA: return "OA";
  }
  return "?";
}

}  // namespace ppl
