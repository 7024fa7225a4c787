#include "runtime/schema.h"

namespace ppl {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isUpperOrDigit(char c) { return isUpper(c) || isDigit(c); }

bool allDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!isDigit(c)) return false;
  }
  return true;
}

struct FormatName {
  StringFormat format;
  const char* name;
};
constexpr FormatName kFormatNames[] = {
    {StringFormat::kAny, "any"},          {StringFormat::kHcpcs, "hcpcs"},
    {StringFormat::kIcd10cm, "icd10cm"},  {StringFormat::kNdc, "ndc"},
    {StringFormat::kNpi, "npi"},          {StringFormat::kPlaceOfService, "place_of_service"},
    {StringFormat::kModifier, "modifier"},
};

}  // namespace

const char* stringFormatName(StringFormat f) {
  for (const auto& n : kFormatNames) {
    if (n.format == f) return n.name;
  }
  return "?";
}

bool stringFormatByName(std::string_view name, StringFormat& out) {
  for (const auto& n : kFormatNames) {
    if (name == n.name) {
      out = n.format;
      return true;
    }
  }
  return false;
}

std::vector<std::string> stringFormatNames() {
  std::vector<std::string> names;
  for (const auto& n : kFormatNames) names.emplace_back(n.name);
  return names;
}

bool matchesFormat(StringFormat f, std::string_view s) {
  switch (f) {
    case StringFormat::kAny: return true;
    case StringFormat::kHcpcs:  // ^[A-Z0-9][0-9]{3}[A-Z0-9]$
      return s.size() == 5 && isUpperOrDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && isDigit(s[3]) &&
             isUpperOrDigit(s[4]);
    case StringFormat::kIcd10cm: {  // ^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$
      if (s.size() < 3 || !isUpper(s[0]) || !isDigit(s[1]) || !isUpperOrDigit(s[2])) return false;
      if (s.size() == 3) return true;
      if (s[3] != '.' || s.size() < 5 || s.size() > 8) return false;
      for (size_t i = 4; i < s.size(); ++i) {
        if (!isUpperOrDigit(s[i])) return false;
      }
      return true;
    }
    case StringFormat::kNdc: return allDigits(s, 11);
    case StringFormat::kNpi: return allDigits(s, 10);
    case StringFormat::kPlaceOfService: return allDigits(s, 2);
    case StringFormat::kModifier: return s.size() == 2 && isUpperOrDigit(s[0]) && isUpperOrDigit(s[1]);
  }
  return false;
}

int SchemaRecord::findField(std::string_view fieldName) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == fieldName) return static_cast<int>(i);
  }
  return -1;
}

int Schema::findRecord(std::string_view recordName) const {
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].name == recordName) return static_cast<int>(i);
  }
  return -1;
}

const SchemaField* claimLinesField(const Schema& schema) {
  if (schema.root >= schema.records.size()) return nullptr;
  const SchemaRecord& root = schema.records[schema.root];
  const int lines = root.findField("lines");
  if (lines < 0 || root.fields[static_cast<size_t>(lines)].type.kind != ValueKind::kList) return nullptr;
  return &root.fields[static_cast<size_t>(lines)];
}

}  // namespace ppl
