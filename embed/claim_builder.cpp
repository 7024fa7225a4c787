// The claim builder (see claim_builder.h). Messages follow the JSON loader's wording, so that a
// claim built field by field and the same claim sent as JSON are rejected alike.
#include "embed/claim_builder.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include <simdjson.h>

#include "runtime/claim_checks.h"
#include "runtime/date.h"

namespace ppl {

const char* StringArena::copy(std::string_view s) {
  const size_t need = s.size() + 1;
  while (current_ < blocks_.size() && blocks_[current_].size - used_ < need) {
    ++current_;
    used_ = 0;
  }
  if (current_ == blocks_.size()) {
    const size_t size = std::max(kBlockSize, need);
    blocks_.push_back(Block{std::make_unique<char[]>(size), size});
    used_ = 0;
  }
  char* p = blocks_[current_].data.get() + used_;
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  used_ += need;
  return p;
}

namespace {

std::string describe(const BuilderValue& v) {
  switch (v.kind) {
    case BuilderValue::Kind::kString: return quotedForMessage(v.text);
    case BuilderValue::Kind::kInt: return std::to_string(v.i);
    case BuilderValue::Kind::kBool: return v.i ? "true" : "false";
    case BuilderValue::Kind::kDecimalText: return std::string(v.text.substr(0, kMaxQuoted));
    case BuilderValue::Kind::kDate: {  // as the JSON text of the same date would read
      char buf[48];
      std::snprintf(buf, sizeof buf, "\"%04d-%02d-%02d\"", v.year, v.month, v.day);
      return buf;
    }
  }
  return "?";
}


}  // namespace

ClaimBuilder::ClaimBuilder(const Schema& schema) : schema_(schema), linesField_(claimLinesField(schema)) {
  scratch_.resize(kMaxDepth);
}

uint64_t ClaimBuilder::begin(Facts& facts) {
  facts_ = &facts;
  facts.clear();
  active_ = true;
  ++generation_;
  if (generation_ == 0) generation_ = 1;  // handle 0 never names a record
  status_ = BuildStatus::kOk;
  error_.path.clear();
  error_.message.clear();
  recs_.clear();
  isSet_.clear();
  depth_ = 0;
  strings_.reset();
  const uint32_t base = newRecord(schema_.root, 0);
  recs_.push_back(Rec{base, schema_.root, kNone, kNone, kNone});
  return handleOf(0);
}

void ClaimBuilder::abandon() {
  active_ = false;
  facts_ = nullptr;
}

void ClaimBuilder::trim() {
  abandon();
  std::vector<Rec>().swap(recs_);
  std::vector<uint8_t>().swap(isSet_);
  for (std::vector<Value>& list : scratch_) std::vector<Value>().swap(list);
  std::vector<uint32_t>().swap(uniqueScratch_);
  strings_ = StringArena();
}

BuildStatus ClaimBuilder::guard() const {
  if (!active_) return BuildStatus::kState;
  return status_;
}

BuildStatus ClaimBuilder::fail(BuildStatus status, std::string path, std::string message) {
  error_.path = std::move(path);
  error_.message = std::move(message);
  // Misuse outside a claim is reported, but leaves no claim to poison.
  if (active_) status_ = status;
  return status;
}

BuildStatus ClaimBuilder::misuse(std::string message) {
  if (active_ && status_ != BuildStatus::kOk) return status_;  // the first error is the one kept
  return fail(BuildStatus::kArgument, "", std::move(message));
}

std::string ClaimBuilder::pathOf(uint32_t rec) const {
  if (rec == kNone || recs_[rec].parent == kNone) return "";
  const Rec& r = recs_[rec];
  std::string out = pathOf(r.parent);
  out += '/';
  out += schema_.records[recs_[r.parent].type].fields[r.field].name;
  if (r.index != kNone) {
    out += '/';
    out += std::to_string(r.index);
  }
  return out;
}

std::string ClaimBuilder::pathOf(uint32_t rec, uint32_t field) const {
  return pathOf(rec) + "/" + schema_.records[recs_[rec].type].fields[field].name;
}

BuildStatus ClaimBuilder::resolve(uint64_t handle, uint32_t recordType, uint32_t field, uint32_t& rec) {
  if (!active_) {
    return fail(BuildStatus::kState, "", "no claim is being built: call ppl_claim_begin first");
  }
  if (status_ != BuildStatus::kOk) return status_;
  const uint32_t index = static_cast<uint32_t>(handle);
  if ((handle >> 32) != generation_ || index >= recs_.size()) {
    return fail(BuildStatus::kArgument, "", "the record handle does not name a record of the claim being built");
  }
  if (recs_[index].type != recordType) {
    const SchemaRecord& owner = schema_.records[recordType];
    return fail(BuildStatus::kArgument, pathOf(index),
                "field `" + owner.fields[field].name + "` belongs to records of type `" + owner.name + "`, not `" +
                    schema_.records[recs_[index].type].name + "`");
  }
  rec = index;
  return BuildStatus::kOk;
}

// Marks the field's slot as given; a second value for it is a duplicate, like a repeated key.
BuildStatus ClaimBuilder::claimSlot(uint32_t rec, uint32_t field) {
  const SchemaField& f = schema_.records[recs_[rec].type].fields[field];
  const size_t slot = size_t{recs_[rec].base} + f.slot;
  if (isSet_[slot]) return fail(BuildStatus::kClaim, pathOf(rec, field), "duplicate key `" + f.name + "`");
  isSet_[slot] = 1;
  return BuildStatus::kOk;
}

uint32_t ClaimBuilder::newRecord(uint32_t type, uint32_t ordinal) {
  const uint32_t base = static_cast<uint32_t>(facts_->slots.size());
  const size_t end = size_t{base} + schema_.records[type].slotCount();
  facts_->slots.resize(end);
  isSet_.resize(end, 0);
  facts_->slots[base] = Value::ofInt(ordinal);
  return base;
}

BuildStatus ClaimBuilder::convert(const SchemaField& f, ValueKind kind, bool element, const BuilderValue& in,
                                  const std::string& where, Value& out) {
  using K = BuilderValue::Kind;
  auto typeError = [&](const char* expected) {
    return fail(BuildStatus::kType, where, std::string("must be ") + expected + ", got " + describe(in));
  };
  switch (kind) {
    case ValueKind::kBool:
      if (in.kind != K::kBool) return typeError("true or false");
      out = Value::ofBool(in.i != 0);
      return BuildStatus::kOk;
    case ValueKind::kInt:
    case ValueKind::kDecimal: {
      const bool isInt = kind == ValueKind::kInt;
      Decimal d;
      // A decimal field holds what the JSON loader lets into one, however it is set.
      auto outOfRange = [&] {
        return fail(BuildStatus::kClaim, where,
                    "must be a number with at most 9 digits before the decimal point and 6 after it, got " +
                        describe(in));
      };
      if (in.kind == K::kInt) {
        d = Decimal::fromInt(in.i);
        if (isInt && (in.i > 999'999'999 || in.i < -999'999'999)) {
          return fail(BuildStatus::kClaim, where, "must be an integer with at most 9 digits, got " + describe(in));
        }
        if (!isInt && !d.fitsClaimNumber()) return outOfRange();
        out = isInt ? Value::ofInt(in.i) : Value::ofDecimal(d);
      } else if (in.kind == K::kDecimalText && !isInt) {
        if (!Decimal::parse(in.text, d)) {
          return fail(BuildStatus::kClaim, where,
                      "must be a number as JSON writes one (such as 82.5 or 40), with at most 9 digits before "
                      "the decimal point and 6 after it, got " + describe(in));
        }
        if (!d.fitsClaimNumber()) return outOfRange();
        out = Value::ofDecimal(d);
      } else {
        return typeError(isInt ? "an integer" : "a number");
      }
      if (f.hasMin) {
        const int c = compare(d, f.min);
        if (f.minExclusive ? c <= 0 : c < 0) {
          return fail(BuildStatus::kClaim, where,
                      std::string("must be ") + (isInt ? "an integer " : "a number ") + (f.minExclusive ? "> " : ">= ") +
                          f.min.toString() + ", got " + describe(in));
        }
      }
      return BuildStatus::kOk;
    }
    case ValueKind::kDate: {
      int32_t days = 0;
      if (in.kind == K::kDate) {
        if (in.year < 1 || in.year > 9999 || in.month < 1 || in.month > 12 || in.day < 1 ||
            static_cast<unsigned>(in.day) > daysInMonth(in.year, static_cast<unsigned>(in.month))) {
          return fail(BuildStatus::kClaim, where, "must be a calendar date YYYY-MM-DD, got " + describe(in));
        }
        days = daysFromCivil(in.year, static_cast<unsigned>(in.month), static_cast<unsigned>(in.day));
      } else if (in.kind == K::kString) {
        if (!parseDate(in.text, days)) {
          return fail(BuildStatus::kClaim, where, "must be a calendar date YYYY-MM-DD, got " + describe(in));
        }
      } else {
        return typeError("a date");
      }
      out = Value::ofInt(days);
      return BuildStatus::kOk;
    }
    case ValueKind::kString: {
      if (in.kind != K::kString) {
        if (f.type.enumIndex < 0) return typeError("a string");
        return typeError(("a string, one of " + enumValueList(schema_.enums[static_cast<size_t>(f.type.enumIndex)])).c_str());
      }
      const std::string_view s = in.text;
      // The JSON loader takes only UTF-8 (simdjson checks it), and the decision JSON copies
      // strings as they are.
      if (!simdjson::validate_utf8(s.data(), s.size())) return fail(BuildStatus::kClaim, where, "is not valid UTF-8 text");
      if (f.nonEmpty && !element && s.empty()) return fail(BuildStatus::kClaim, where, "must not be empty");
      if (f.type.enumIndex >= 0) {
        const std::vector<std::string>& names = schema_.enums[static_cast<size_t>(f.type.enumIndex)];
        if (std::find(names.begin(), names.end(), s) == names.end()) {
          return fail(BuildStatus::kClaim, where, "must be one of " + enumValueList(names) + ", got " + describe(in));
        }
      }
      if (!matchesFormat(f.type.format, s)) {
        const std::string meant = likelyCode(s, f.type.format);
        return fail(BuildStatus::kClaim, where,
                    formatExpectation(f.type.format) + std::string(", got ") + describe(in) +
                        (meant.empty() ? "" : " (did you mean \"" + meant + "\"?)"));
      }
      out = Value::ofString(StrRef{strings_.copy(s), static_cast<uint32_t>(s.size())});
      return BuildStatus::kOk;
    }
    default: break;
  }
  return fail(BuildStatus::kType, where, "is not a scalar field");
}

BuildStatus ClaimBuilder::set(uint64_t record, uint32_t recordType, uint32_t field, const BuilderValue& value) {
  uint32_t rec = 0;
  if (BuildStatus s = resolve(record, recordType, field, rec); s != BuildStatus::kOk) return s;
  const SchemaField& f = schema_.records[recordType].fields[field];
  if (!isScalarKind(f.type.kind)) {
    return fail(BuildStatus::kType, pathOf(rec, field),
                std::string("is ") + (f.type.kind == ValueKind::kList ? "a list: use ppl_list_begin"
                                                                       : "a record: use ppl_set_record"));
  }
  if (value.kind == BuilderValue::Kind::kString && value.text.size() > UINT32_MAX) {
    return fail(BuildStatus::kClaim, pathOf(rec, field), "the string is too long");
  }
  if (BuildStatus s = claimSlot(rec, field); s != BuildStatus::kOk) return s;
  Value v;
  // The path is built on failure only: std::string would allocate on every call.
  static const std::string kNoPath;
  if (BuildStatus s = convert(f, f.type.kind, false, value, kNoPath, v); s != BuildStatus::kOk) {
    error_.path = pathOf(rec, field);
    return s;
  }
  facts_->slots[size_t{recs_[rec].base} + f.slot] = v;
  return BuildStatus::kOk;
}

BuildStatus ClaimBuilder::setRecord(uint64_t record, uint32_t recordType, uint32_t field, uint64_t& child) {
  uint32_t rec = 0;
  if (BuildStatus s = resolve(record, recordType, field, rec); s != BuildStatus::kOk) return s;
  const SchemaField& f = schema_.records[recordType].fields[field];
  if (f.type.kind != ValueKind::kRecord) {
    return fail(BuildStatus::kType, pathOf(rec, field), "is not a record field");
  }
  if (BuildStatus s = claimSlot(rec, field); s != BuildStatus::kOk) return s;
  const uint32_t base = newRecord(f.type.record, 0);
  facts_->slots[size_t{recs_[rec].base} + f.slot] = Value::ofRecord(base);
  recs_.push_back(Rec{base, f.type.record, rec, field, kNone});
  child = handleOf(static_cast<uint32_t>(recs_.size() - 1));
  return BuildStatus::kOk;
}

BuildStatus ClaimBuilder::listBegin(uint64_t record, uint32_t recordType, uint32_t field) {
  uint32_t rec = 0;
  if (BuildStatus s = resolve(record, recordType, field, rec); s != BuildStatus::kOk) return s;
  const SchemaField& f = schema_.records[recordType].fields[field];
  if (f.type.kind != ValueKind::kList) return fail(BuildStatus::kType, pathOf(rec, field), "is not a list field");
  if (depth_ >= kMaxDepth) {
    return fail(BuildStatus::kClaim, pathOf(rec, field), "the claim nests deeper than the loader follows");
  }
  if (BuildStatus s = claimSlot(rec, field); s != BuildStatus::kOk) return s;
  open_[depth_] = OpenList{rec, field};
  scratch_[static_cast<size_t>(depth_)].clear();
  ++depth_;
  return BuildStatus::kOk;
}

// The JSON loader's bound on a list (kMaxLines for the lines, kMaxListElements for the others),
// with its path: `/lines/999`.
BuildStatus ClaimBuilder::roomFor(const OpenList& list, const std::vector<Value>& items) {
  const SchemaField& f = schema_.records[recs_[list.rec].type].fields[list.field];
  const uint32_t bound = &f == linesField_ ? kMaxLines : kMaxListElements;
  if (items.size() < bound) return BuildStatus::kOk;
  return fail(BuildStatus::kClaim, pathOf(list.rec, list.field) + "/" + std::to_string(items.size()),
              "a list of a claim holds at most " + std::to_string(bound) + " elements");
}

BuildStatus ClaimBuilder::appendRecord(uint64_t& element) {
  if (BuildStatus s = guard(); s != BuildStatus::kOk) {
    if (!active_) return fail(s, "", "no claim is being built: call ppl_claim_begin first");
    return s;
  }
  if (depth_ == 0) return fail(BuildStatus::kState, "", "no list is open: call ppl_list_begin first");
  const OpenList& list = open_[depth_ - 1];
  const SchemaField& f = schema_.records[recs_[list.rec].type].fields[list.field];
  if (f.type.elemKind != ValueKind::kRecord) {
    return fail(BuildStatus::kType, pathOf(list.rec, list.field), "is a list of scalars: append values, not records");
  }
  std::vector<Value>& items = scratch_[static_cast<size_t>(depth_ - 1)];
  if (BuildStatus s = roomFor(list, items); s != BuildStatus::kOk) return s;
  const uint32_t index = static_cast<uint32_t>(items.size());
  const uint32_t base = newRecord(f.type.record, index);
  items.push_back(Value::ofRecord(base));
  recs_.push_back(Rec{base, f.type.record, list.rec, list.field, index});
  element = handleOf(static_cast<uint32_t>(recs_.size() - 1));
  return BuildStatus::kOk;
}

BuildStatus ClaimBuilder::append(const BuilderValue& value) {
  if (BuildStatus s = guard(); s != BuildStatus::kOk) {
    if (!active_) return fail(s, "", "no claim is being built: call ppl_claim_begin first");
    return s;
  }
  if (depth_ == 0) return fail(BuildStatus::kState, "", "no list is open: call ppl_list_begin first");
  const OpenList& list = open_[depth_ - 1];
  const SchemaField& f = schema_.records[recs_[list.rec].type].fields[list.field];
  std::vector<Value>& items = scratch_[static_cast<size_t>(depth_ - 1)];
  if (f.type.elemKind == ValueKind::kRecord) {
    return fail(BuildStatus::kType, pathOf(list.rec, list.field),
                "is a list of records: use ppl_list_append_record");
  }
  if (value.kind == BuilderValue::Kind::kString && value.text.size() > UINT32_MAX) {
    return fail(BuildStatus::kClaim, pathOf(list.rec, list.field), "the string is too long");
  }
  if (BuildStatus s = roomFor(list, items); s != BuildStatus::kOk) return s;
  Value v;
  static const std::string kNoPath;
  if (BuildStatus s = convert(f, f.type.elemKind, true, value, kNoPath, v); s != BuildStatus::kOk) {
    error_.path = pathOf(list.rec, list.field) + "/" + std::to_string(items.size());
    return s;
  }
  items.push_back(v);
  return BuildStatus::kOk;
}

BuildStatus ClaimBuilder::listEnd() {
  if (BuildStatus s = guard(); s != BuildStatus::kOk) {
    if (!active_) return fail(s, "", "no claim is being built: call ppl_claim_begin first");
    return s;
  }
  if (depth_ == 0) return fail(BuildStatus::kState, "", "no list is open");
  --depth_;
  const OpenList& list = open_[depth_];
  const SchemaField& f = schema_.records[recs_[list.rec].type].fields[list.field];
  const std::vector<Value>& items = scratch_[static_cast<size_t>(depth_)];
  const uint32_t begin = static_cast<uint32_t>(facts_->elems.size());
  facts_->elems.insert(facts_->elems.end(), items.begin(), items.end());
  facts_->slots[size_t{recs_[list.rec].base} + f.slot] =
      Value::ofList(ListRef{begin, static_cast<uint32_t>(items.size())});
  return BuildStatus::kOk;
}

// A record not given: every field takes its default ([] and {} built here) or is absent.
bool ClaimBuilder::fillDefaults(uint32_t type, uint32_t base, int depth) {
  if (depth > kMaxDepth) return false;
  const size_t fieldCount = schema_.records[type].fields.size();
  for (size_t k = 0; k < fieldCount; ++k) {
    const SchemaField& f = schema_.records[type].fields[k];
    Value v = Value::none();
    if (f.hasDefault) {
      if (f.type.kind == ValueKind::kList) {
        v = Value::ofList(ListRef{static_cast<uint32_t>(facts_->elems.size()), 0});
      } else if (f.type.kind == ValueKind::kRecord) {
        const uint32_t child = newRecord(f.type.record, 0);
        if (!fillDefaults(f.type.record, child, depth + 1)) return false;
        v = Value::ofRecord(child);
      } else {
        v = f.defaultValue;
      }
    }
    facts_->slots[size_t{base} + f.slot] = v;
  }
  return true;
}

BuildStatus ClaimBuilder::checkUnique(uint32_t rec, const SchemaField& f, ListRef list) {
  const SchemaField& key = schema_.records[f.type.record].fields[static_cast<size_t>(f.uniqueBy)];
  const ValueKind kind = key.type.kind;
  if (!isScalarKind(kind)) return BuildStatus::kOk;
  const Facts& facts = *facts_;
  auto keyOf = [&](uint32_t i) -> const Value& { return facts.slots[size_t{facts.element(list, i).rec} + key.slot]; };
  uniqueScratch_.clear();
  for (uint32_t i = 0; i < list.count; ++i) {
    if (!keyOf(i).absent) uniqueScratch_.push_back(i);
  }
  std::sort(uniqueScratch_.begin(), uniqueScratch_.end(), [&](uint32_t a, uint32_t b) {
    const int c = compareValues(kind, keyOf(a), keyOf(b));
    return c != 0 ? c < 0 : a < b;
  });
  uint32_t dup = UINT32_MAX, first = 0;
  size_t runStart = 0;
  for (size_t i = 1; i < uniqueScratch_.size(); ++i) {
    if (compareValues(kind, keyOf(uniqueScratch_[runStart]), keyOf(uniqueScratch_[i])) != 0) {
      runStart = i;
    } else if (i == runStart + 1 && uniqueScratch_[i] < dup) {
      dup = uniqueScratch_[i];
      first = uniqueScratch_[runStart];
    }
  }
  if (dup == UINT32_MAX) return BuildStatus::kOk;
  const std::string where = pathOf(rec) + "/" + f.name;
  return fail(BuildStatus::kClaim, where + "/" + std::to_string(dup) + "/" + key.name,
              "duplicate " + key.name + " " + renderValue(kind, keyOf(dup)) + " (also " + where + "/" +
                  std::to_string(first) + ")");
}

// Missing fields and defaults, date order, non-empty and unique lists of one record.
BuildStatus ClaimBuilder::checkRecord(uint32_t rec) {
  const uint32_t type = recs_[rec].type;
  const uint32_t base = recs_[rec].base;
  const size_t fieldCount = schema_.records[type].fields.size();
  for (size_t k = 0; k < fieldCount; ++k) {
    const SchemaField& f = schema_.records[type].fields[k];
    const size_t slot = size_t{base} + f.slot;
    if (isSet_[slot]) continue;
    Value v = Value::none();
    if (f.hasDefault) {
      if (f.type.kind == ValueKind::kList) {
        v = Value::ofList(ListRef{static_cast<uint32_t>(facts_->elems.size()), 0});
      } else if (f.type.kind == ValueKind::kRecord) {
        const uint32_t child = newRecord(f.type.record, 0);
        if (!fillDefaults(f.type.record, child, 1)) {
          return fail(BuildStatus::kClaim, pathOf(rec, static_cast<uint32_t>(k)),
                      "the schema nests deeper than the loader follows");
        }
        v = Value::ofRecord(child);
      } else {
        v = f.defaultValue;
      }
    } else if (!f.optional) {
      return fail(BuildStatus::kClaim, pathOf(rec, static_cast<uint32_t>(k)), "missing required field `" + f.name + "`");
    }
    facts_->slots[slot] = v;
  }
  for (size_t k = 0; k < fieldCount; ++k) {
    const SchemaField& f = schema_.records[type].fields[k];
    const Value& v = facts_->slots[size_t{base} + f.slot];
    if (f.notBefore >= 0) {
      const SchemaField& earlier = schema_.records[type].fields[static_cast<size_t>(f.notBefore)];
      const Value& e = facts_->slots[size_t{base} + earlier.slot];
      if (!v.absent && !e.absent && v.i < e.i) {
        return fail(BuildStatus::kClaim, pathOf(rec, static_cast<uint32_t>(k)), "is before " + earlier.name);
      }
    }
    if (f.type.kind == ValueKind::kList && !v.absent && isSet_[size_t{base} + f.slot]) {
      if (f.nonEmpty && v.list.count == 0) {
        return fail(BuildStatus::kClaim, pathOf(rec, static_cast<uint32_t>(k)), "must have at least one element");
      }
      if (f.uniqueBy >= 0) {
        if (BuildStatus s = checkUnique(rec, f, v.list); s != BuildStatus::kOk) return s;
      }
    }
  }
  return BuildStatus::kOk;
}

BuildStatus ClaimBuilder::finish() {
  if (BuildStatus s = guard(); s != BuildStatus::kOk) {
    if (!active_) return fail(s, "", "no claim is being built: call ppl_claim_begin first");
    return s;
  }
  if (depth_ > 0) {
    const OpenList& list = open_[depth_ - 1];
    return fail(BuildStatus::kState, pathOf(list.rec, list.field), "the list is still open: call ppl_list_end");
  }
  // recs_ does not grow here: records made for defaults are complete when made.
  for (uint32_t rec = 0; rec < recs_.size(); ++rec) {
    if (BuildStatus s = checkRecord(rec); s != BuildStatus::kOk) return s;
  }
  active_ = false;
  return BuildStatus::kOk;
}

}  // namespace ppl
