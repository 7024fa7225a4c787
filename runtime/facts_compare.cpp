#include "runtime/facts_compare.h"

namespace ppl {
namespace {

bool sameValue(ValueKind kind, const Value& a, const Value& b, bool text) {
  if (a.absent != b.absent) return false;
  if (a.absent) return true;
  switch (kind) {
    case ValueKind::kString: return text ? a.s.view() == b.s.view() : a.s.data == b.s.data && a.s.size == b.s.size;
    case ValueKind::kDecimal: return compare(a.d, b.d) == 0 && a.d.exponent() == b.d.exponent();
    case ValueKind::kList: return a.list.begin == b.list.begin && a.list.count == b.list.count;
    case ValueKind::kRecord: return a.rec == b.rec;
    default: return a.i == b.i;
  }
}

bool sameRecord(const Schema& schema, const Facts& a, const Facts& b, uint32_t record, uint32_t base, bool text) {
  if (a.slots[base].i != b.slots[base].i) return false;
  for (const SchemaField& f : schema.records[record].fields) {
    const Value& va = a.slots[base + f.slot];
    const Value& vb = b.slots[base + f.slot];
    if (!sameValue(f.type.kind, va, vb, text)) return false;
    if (va.absent) continue;
    if (f.type.kind == ValueKind::kRecord && !sameRecord(schema, a, b, f.type.record, va.rec, text)) return false;
    if (f.type.kind != ValueKind::kList) continue;
    for (uint32_t i = 0; i < va.list.count; ++i) {
      const Value& ea = a.element(va.list, i);
      const Value& eb = b.element(vb.list, i);
      if (!sameValue(f.type.elemKind, ea, eb, text)) return false;
      if (f.type.elemKind == ValueKind::kRecord && !sameRecord(schema, a, b, f.type.record, ea.rec, text)) return false;
    }
  }
  return true;
}

bool sameFacts(const Schema& schema, const Facts& a, const Facts& b, bool text) {
  if (a.slots.empty() || b.slots.empty()) return a.slots.empty() && b.slots.empty();
  return sameRecord(schema, a, b, schema.root, Facts::kRootBase, text);
}

}  // namespace

bool sameFacts(const Schema& schema, const Facts& a, const Facts& b) { return sameFacts(schema, a, b, false); }

bool sameFactsText(const Schema& schema, const Facts& a, const Facts& b) { return sameFacts(schema, a, b, true); }

}  // namespace ppl
