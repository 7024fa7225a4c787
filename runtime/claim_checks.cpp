#include "runtime/claim_checks.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

#include "runtime/date.h"

namespace ppl {

bool isScalarKind(ValueKind kind) {
  return kind == ValueKind::kBool || kind == ValueKind::kInt || kind == ValueKind::kDecimal ||
         kind == ValueKind::kString || kind == ValueKind::kDate;
}

int compareValues(ValueKind kind, const Value& a, const Value& b) {
  switch (kind) {
    case ValueKind::kString: {
      const int c = a.s.view().compare(b.s.view());
      return (c > 0) - (c < 0);
    }
    case ValueKind::kDecimal: return compare(a.d, b.d);
    default: return (a.i > b.i) - (a.i < b.i);
  }
}

std::string enumValueList(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out;
}

const char* formatExpectation(StringFormat f) {
  switch (f) {
    case StringFormat::kAny: return "must be a string";
    case StringFormat::kHcpcs: return "must be an hcpcs code: a capital letter or digit, 3 digits, a capital letter or digit (like J9027)";
    case StringFormat::kIcd10cm: return "must be an icd-10-cm code like C61 or Z19.2";
    case StringFormat::kNdc: return "must be an ndc of 11 digits without dashes";
    case StringFormat::kNpi: return "must be an npi of 10 digits";
    case StringFormat::kPlaceOfService: return "must be a place of service code of 2 digits";
    case StringFormat::kModifier: return "must be a modifier of 2 capital letters or digits";
  }
  return "must be a string";
}

std::string likelyCode(std::string_view text, StringFormat format) {
  if (format == StringFormat::kAny || text.size() > 16) return "";
  std::string upper(text);
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (matchesFormat(format, upper)) return upper;
  if (format == StringFormat::kIcd10cm && upper.size() > 3 && upper.find('.') == std::string::npos) {
    std::string dotted = upper.substr(0, 3) + "." + upper.substr(3);
    if (matchesFormat(format, dotted)) return dotted;
  }
  return "";
}

std::string quotedForMessage(std::string_view s) {
  std::string out = "\"";
  for (char c : s.substr(0, std::min(s.size(), kMaxQuoted))) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  if (s.size() > kMaxQuoted) {
    // Drop a character the cut split: its continuation bytes, then its lead byte.
    while (out.size() > 1 && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (out.size() > 1 && (static_cast<unsigned char>(out.back()) & 0xC0) == 0xC0) out.pop_back();
    out += "...";
  }
  out += '"';
  return out;
}

std::string renderValue(ValueKind kind, const Value& v) {
  switch (kind) {
    case ValueKind::kBool: return v.i ? "true" : "false";
    case ValueKind::kInt: return std::to_string(v.i);
    case ValueKind::kDecimal: return v.d.toString();
    case ValueKind::kString: return quotedForMessage(v.s.view());
    case ValueKind::kDate: return formatDate(static_cast<int32_t>(v.i));
    default: return "?";
  }
}

std::string schemaProblem(const Schema& schema) {
  const size_t nRecords = schema.records.size();
  if (schema.root >= nRecords) return "the root record is missing";
  for (const SchemaRecord& rec : schema.records) {
    std::vector<uint8_t> slotUsed(rec.fields.size() + 1, 0);
    for (const SchemaField& f : rec.fields) {
      const std::string where = "`" + rec.name + "." + f.name + "`";
      if (f.slot == 0 || f.slot >= rec.slotCount() || slotUsed[f.slot]) return where + " has a bad slot";
      slotUsed[f.slot] = 1;
      const ValueKind k = f.type.kind;
      const ValueKind elem = k == ValueKind::kList ? f.type.elemKind : k;
      if (k != ValueKind::kList && k != ValueKind::kRecord && !isScalarKind(k)) return where + " has an unsupported type";
      if (k == ValueKind::kList && elem != ValueKind::kRecord && !isScalarKind(elem)) {
        return where + " has an unsupported element type";
      }
      if (elem == ValueKind::kRecord && f.type.record >= nRecords) return where + " names no record";
      if (f.type.enumIndex >= 0 && static_cast<size_t>(f.type.enumIndex) >= schema.enums.size()) {
        return where + " names no enumeration";
      }
      if (f.notBefore >= 0 && static_cast<size_t>(f.notBefore) >= rec.fields.size()) return where + " has a bad `not before`";
      if (f.uniqueBy >= 0 && (k != ValueKind::kList || elem != ValueKind::kRecord ||
                              static_cast<size_t>(f.uniqueBy) >= schema.records[f.type.record].fields.size())) {
        return where + " has a bad `unique`";
      }
    }
  }
  return "";
}

}  // namespace ppl
