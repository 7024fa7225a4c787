#include "cli/policy_test.h"

#include <algorithm>
#include <initializer_list>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/core.h>

#include "compiler/diagnostics.h"
#include "runtime/json_pointer.h"

namespace ppl::cli {
namespace {

constexpr const char* kVerdicts[] = {"approve", "pend", "deny", "not_applicable"};
constexpr std::initializer_list<const char*> kFileKeys = {"description", "policies", "base", "cases"};
constexpr std::initializer_list<const char*> kCaseKeys = {"name", "claim", "set", "remove", "expect"};
constexpr std::initializer_list<const char*> kExpectKeys = {"decision", "policy", "lines", "error"};
constexpr std::initializer_list<const char*> kLineKeys = {"decision", "reasons", "adjustments"};
constexpr std::initializer_list<const char*> kReasonKeys = {"rule", "action", "group", "carc", "rarc", "message"};
constexpr std::initializer_list<const char*> kAdjustmentKeys = {"rule", "group", "carc", "percent"};

// A key as one token of a JSON pointer (RFC 6901: `~` is `~0`, `/` is `~1`).
std::string pointerToken(std::string_view key) {
  std::string out;
  appendPointerToken(out, key);
  return out;
}

std::string child(const std::string& path, std::string_view key) { return path + "/" + pointerToken(key); }
std::string child(const std::string& path, size_t index) { return fmt::format("{}/{}", path, index); }

std::string typeName(const TestJson& j) {
  switch (j.type()) {
    case TestJson::value_t::null: return "null";
    case TestJson::value_t::boolean: return "a boolean";
    case TestJson::value_t::number_integer:
    case TestJson::value_t::number_unsigned:
    case TestJson::value_t::number_float: return "a number";
    case TestJson::value_t::string: return "a string";
    case TestJson::value_t::array: return "a list";
    case TestJson::value_t::object: return "an object";
    default: return "an unsupported value";
  }
}

std::string keyList(std::initializer_list<const char*> keys) {
  std::string out;
  for (const char* k : keys) {
    if (!out.empty()) out += ", ";
    out += fmt::format("`{}`", k);
  }
  return out;
}

bool isKnownKey(const std::string& key, std::initializer_list<const char*> known) {
  return std::any_of(known.begin(), known.end(), [&](const char* k) { return key == k; });
}

// The known key an unknown `key` likely misspells, or "".
std::string suggestKey(const std::string& key, std::initializer_list<const char*> known) {
  // A singular for a plural (`case`) is likelier than a letter changed (`base`), which ties.
  for (const char* k : known) {
    if (k == key + "s" || key == std::string(k) + "s") return k;
  }
  return suggestName(key, std::vector<std::string>(known.begin(), known.end()));
}

// True when an unknown key of `object` was reported as a misspelling of `key`: saying that
// `key` is missing too would report one mistake twice.
bool misspelt(const TestJson& object, const char* key, std::initializer_list<const char*> known) {
  for (const auto& item : object.items()) {
    if (!isKnownKey(item.key(), known) && suggestKey(item.key(), known) == key) return true;
  }
  return false;
}

// Reports every key of `object` not in `known`, with the one likely meant; true when there was none.
bool checkKeys(const TestJson& object, const std::string& path, std::initializer_list<const char*> known,
               std::vector<TestProblem>& problems) {
  bool ok = true;
  for (const auto& item : object.items()) {
    if (isKnownKey(item.key(), known)) continue;
    const std::string suggestion = suggestKey(item.key(), known);
    problems.push_back({child(path, item.key()),
                        suggestion.empty()
                            ? fmt::format("unknown key `{}`; expected one of {}", item.key(), keyList(known))
                            : fmt::format("unknown key `{}`; did you mean `{}`?", item.key(), suggestion)});
    ok = false;
  }
  return ok;
}

bool expectType(const TestJson& j, bool ok, const std::string& path, std::string_view wanted,
                std::vector<TestProblem>& problems) {
  if (!ok) problems.push_back({path, fmt::format("must be {}, got {}", wanted, typeName(j))});
  return ok;
}

// RFC 6901: splits `pointer` into unescaped tokens. False with `error` when it is not one.
bool splitPointer(const std::string& pointer, std::vector<std::string>& tokens, std::string& error) {
  tokens.clear();
  if (pointer.empty()) return true;
  if (pointer[0] != '/') {
    error = fmt::format("`{}` is not a JSON pointer: it must start with `/`", pointer);
    return false;
  }
  std::string token;
  for (size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens.push_back(token);
      token.clear();
    } else if (pointer[i] == '~') {
      char next = i + 1 < pointer.size() ? pointer[i + 1] : '\0';
      if (next != '0' && next != '1') {
        error = fmt::format("`{}` is not a JSON pointer: `~` must be followed by 0 or 1", pointer);
        return false;
      }
      token += next == '0' ? '~' : '/';
      ++i;
    } else {
      token += pointer[i];
    }
  }
  return true;
}

// An array index token: digits without a leading zero.
bool arrayIndex(const std::string& token, size_t& index) {
  if (token.empty() || token.size() > 9) return false;
  if (!std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  if (token.size() > 1 && token[0] == '0') return false;
  index = std::stoul(token);
  return true;
}

std::string joinPointer(const std::vector<std::string>& tokens, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out = child(out, tokens[i]);
  return out;
}

// Walks to the value that holds the pointer's last token. Null with `error` when a step is missing.
TestJson* findParent(TestJson& doc, const std::string& pointer, const std::vector<std::string>& tokens,
                     std::string& error) {
  TestJson* current = &doc;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (current->is_object()) {
      auto it = current->find(token);
      if (it == current->end()) {
        error = fmt::format("`{}`: nothing at `{}`", pointer, joinPointer(tokens, i + 1));
        return nullptr;
      }
      current = &*it;
    } else if (current->is_array()) {
      size_t index = 0;
      if (!arrayIndex(token, index) || index >= current->size()) {
        error = fmt::format("`{}`: nothing at `{}` (the list has {} elements)", pointer,
                            joinPointer(tokens, i + 1), current->size());
        return nullptr;
      }
      current = &(*current)[index];
    } else {
      error = fmt::format("`{}`: `{}` is {}, not an object or a list", pointer, joinPointer(tokens, i),
                          typeName(*current));
      return nullptr;
    }
  }
  if (!current->is_object() && !current->is_array()) {
    error = fmt::format("`{}`: `{}` is {}, not an object or a list", pointer,
                        joinPointer(tokens, tokens.size() - 1), typeName(*current));
    return nullptr;
  }
  return current;
}

// `a Line`, `an Authorization`: a record named in a sentence.
std::string recordNoun(const SchemaRecord& record) {
  const bool vowel = !record.name.empty() && std::string_view("AEIOU").find(record.name[0]) != std::string_view::npos;
  return fmt::format("{} {}", vowel ? "an" : "a", record.name);
}

// `a Line has no field `unit`; did you mean `units`?`
std::string unknownField(const SchemaRecord& record, const std::string& name) {
  std::vector<std::string> names;
  for (const SchemaField& f : record.fields) names.push_back(f.name);
  std::string message = fmt::format("{} has no field `{}`", recordNoun(record), name);
  const std::string suggestion = suggestName(name, names);
  if (!suggestion.empty()) message += fmt::format("; did you mean `{}`?", suggestion);
  return message;
}

// The type of a list's elements.
FieldType elementType(const FieldType& list) {
  FieldType element;
  element.kind = list.elemKind;
  element.record = list.record;
  element.enumIndex = list.enumIndex;
  element.format = list.format;
  return element;
}

// Calls `unknown(record, object, key, path)` for each key of `value`, a value of schema type
// `type`, that names no field of its record, at any depth (a list of records' elements too);
// stops, false, when `unknown` returns false. Bounded by the JSON's depth (kMaxTestJsonDepth).
template <typename OnUnknown>
bool walkUnknownKeys(const Schema& schema, const FieldType& type, const TestJson& value, const std::string& path,
                     const OnUnknown& unknown) {
  if (type.kind == ValueKind::kRecord && value.is_object()) {
    const SchemaRecord& record = schema.records[type.record];
    for (const auto& item : value.items()) {
      const std::string at = child(path, item.key());
      const int field = record.findField(item.key());
      if (field < 0) {
        if (!unknown(record, value, item.key(), at)) return false;
      } else if (!walkUnknownKeys(schema, record.fields[field].type, item.value(), at, unknown)) {
        return false;
      }
    }
  } else if (type.kind == ValueKind::kList && type.elemKind == ValueKind::kRecord && value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      if (!walkUnknownKeys(schema, elementType(type), value[i], child(path, i), unknown)) return false;
    }
  }
  return true;  // a value of the wrong type is the claim loader's to refuse, with its path
}

// The keys of a value set at a place of type `type` must be fields too: a misspelt key in an
// added line (`{"hcpc": ...}`) would be ignored like one in the pointer. Bounded by the test
// file's depth (kMaxTestJsonDepth).
bool checkSchemaValue(const Schema& schema, const FieldType& type, const TestJson& value, std::string& error) {
  return walkUnknownKeys(schema, type, value, "", [&](const SchemaRecord& record, const TestJson&, const std::string& key,
                                                       const std::string&) {
    error = unknownField(record, key);
    return false;
  });
}

// Walks a `set` pointer through the claim schema, then the value it sets: each key must be a
// field of the record it steps into (a numeric token or `-` steps into a list's elements), or
// the edit would add a field the loader ignores (docs/spec/claim-facts.md) and the case would
// test the unchanged claim. What the schema cannot say (a missing list element, a step into a
// number) is left to setPointer.
bool checkSchemaPointer(const Schema& schema, const std::string& pointer, const TestJson& value,
                        std::string& error) {
  std::vector<std::string> tokens;
  if (!splitPointer(pointer, tokens, error)) return false;
  FieldType at;
  at.kind = ValueKind::kRecord;
  at.record = schema.root;
  for (const std::string& token : tokens) {
    size_t index = 0;
    if (at.kind == ValueKind::kRecord) {
      const SchemaRecord& record = schema.records[at.record];
      const int field = record.findField(token);
      if (field < 0) {
        error = fmt::format("`{}`: {}", pointer, unknownField(record, token));
        return false;
      }
      at = record.fields[field].type;
    } else if (at.kind == ValueKind::kList && (token == "-" || arrayIndex(token, index))) {
      at = elementType(at);
    } else {
      return true;
    }
  }
  if (!checkSchemaValue(schema, at, value, error)) {
    if (!pointer.empty()) error = fmt::format("`{}`: {}", pointer, error);  // `""`: the whole claim
    return false;
  }
  return true;
}

// Renders JSON for people: compact, with a space after `,` and `:`.
void showJson(const TestJson& j, std::string& out) {
  if (j.is_array()) {
    out += '[';
    for (size_t i = 0; i < j.size(); ++i) {
      if (i > 0) out += ", ";
      showJson(j[i], out);
    }
    out += ']';
  } else if (j.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& item : j.items()) {
      if (!first) out += ", ";
      first = false;
      out += TestJson(item.key()).dump();
      out += ": ";
      showJson(item.value(), out);
    }
    out += '}';
  } else {
    out += j.dump();
  }
}

std::string show(const TestJson& j) {
  if (j.is_string()) return j.get<std::string>();
  std::string out;
  showJson(j, out);
  return out;
}

std::string showList(const TestJson& j) {
  std::string out;
  showJson(j, out);
  return out;
}

void checkExpectedItems(const TestJson& list, const std::string& path, std::initializer_list<const char*> keys,
                        std::vector<TestProblem>& problems) {
  if (!expectType(list, list.is_array(), path, "a list", problems)) return;
  for (size_t i = 0; i < list.size(); ++i) {
    const TestJson& item = list[i];
    const std::string itemPath = child(path, i);
    if (item.is_string()) continue;  // a rule id
    if (!expectType(item, item.is_object(), itemPath, "a rule id or an object", problems)) continue;
    if (item.empty()) {
      problems.push_back({itemPath, "an empty object would match anything: give at least `rule`"});
      continue;
    }
    checkKeys(item, itemPath, keys, problems);
    for (const auto& field : item.items()) {
      if (!isKnownKey(field.key(), keys)) continue;  // reported above; its type says nothing
      const std::string fieldPath = child(itemPath, field.key());
      const TestJson& v = field.value();
      if (field.key() == "percent") {
        expectType(v, v.is_number(), fieldPath, "a number", problems);
      } else if (field.key() == "rarc") {
        if (expectType(v, v.is_array(), fieldPath, "a list of codes", problems)) {
          for (size_t k = 0; k < v.size(); ++k) {
            expectType(v[k], v[k].is_string(), child(fieldPath, k), "a string", problems);
          }
        }
      } else if (field.key() == "action") {
        if (expectType(v, v.is_string(), fieldPath, "a string", problems) && v != "deny" && v != "pend") {
          problems.push_back({fieldPath, fmt::format("unknown action `{}`; expected `deny` or `pend`",
                                                     v.get<std::string>())});
        }
      } else {
        expectType(v, v.is_string(), fieldPath, "a string", problems);
      }
    }
  }
}

void checkExpect(const TestJson& expect, const std::string& path, std::vector<TestProblem>& problems) {
  if (!expectType(expect, expect.is_object(), path, "an object", problems)) return;
  checkKeys(expect, path, kExpectKeys, problems);
  const bool hasDecision = expect.contains("decision");
  const bool hasError = expect.contains("error");
  if (hasDecision == hasError && (hasError || !misspelt(expect, "decision", kExpectKeys))) {
    problems.push_back({path, hasError ? "give `decision` or `error`, not both"
                                       : "missing `decision` (or `error`, for a claim refused as bad input)"});
  }
  if (hasError) {
    const TestJson& e = expect["error"];
    if (expectType(e, e.is_string(), child(path, "error"), "a string", problems) && e.get<std::string>().empty()) {
      problems.push_back({child(path, "error"), "an empty `error` would match any refusal: give a JSON path or a "
                                                "part of the message"});
    }
    for (const char* k : {"policy", "lines"}) {
      if (expect.contains(k)) {
        problems.push_back({child(path, k), fmt::format("`{}` cannot be expected of a claim refused as bad input", k)});
      }
    }
  }
  if (hasDecision) {
    const TestJson& d = expect["decision"];
    if (expectType(d, d.is_string(), child(path, "decision"), "a string", problems) &&
        std::none_of(std::begin(kVerdicts), std::end(kVerdicts), [&](const char* v) { return d == v; })) {
      problems.push_back({child(path, "decision"),
                          fmt::format("unknown decision `{}`; expected approve, pend, deny or not_applicable",
                                      d.get<std::string>())});
    }
  }
  if (expect.contains("policy")) {
    const TestJson& p = expect["policy"];
    expectType(p, p.is_string() || p.is_null(), child(path, "policy"), "a string (ID@VERSION) or null", problems);
  }
  if (expect.contains("lines")) {
    const TestJson& lines = expect["lines"];
    const std::string linesPath = child(path, "lines");
    if (!expectType(lines, lines.is_object(), linesPath, "an object keyed by line number", problems)) return;
    for (const auto& item : lines.items()) {
      const std::string linePath = child(linesPath, item.key());
      size_t number = 0;
      if (!arrayIndex(item.key(), number)) {
        problems.push_back({linePath, fmt::format("`{}` is not a line number", item.key())});
        continue;
      }
      const TestJson& line = item.value();
      if (!expectType(line, line.is_object(), linePath, "an object", problems)) continue;
      if (line.empty()) {
        problems.push_back({linePath, "an empty object would match any line: give `decision`, `reasons` or `adjustments`"});
        continue;
      }
      checkKeys(line, linePath, kLineKeys, problems);
      if (line.contains("decision")) {
        const TestJson& d = line["decision"];
        if (expectType(d, d.is_string(), child(linePath, "decision"), "a string", problems) &&
            std::none_of(std::begin(kVerdicts), std::end(kVerdicts), [&](const char* v) { return d == v; })) {
          problems.push_back({child(linePath, "decision"),
                              fmt::format("unknown decision `{}`; expected approve, pend, deny or not_applicable",
                                          d.get<std::string>())});
        }
      }
      if (line.contains("reasons")) checkExpectedItems(line["reasons"], child(linePath, "reasons"), kReasonKeys, problems);
      if (line.contains("adjustments")) {
        checkExpectedItems(line["adjustments"], child(linePath, "adjustments"), kAdjustmentKeys, problems);
      }
    }
  }
}

void readCase(const TestJson& j, size_t index, const TestFile& file, std::set<std::string>& names, TestCase& out) {
  const std::string path = child("/cases", index);
  out.index = index;
  std::vector<TestProblem>& problems = out.problems;
  if (!expectType(j, j.is_object(), path, "an object", problems)) return;
  checkKeys(j, path, kCaseKeys, problems);
  if (!j.contains("name")) {
    if (!misspelt(j, "name", kCaseKeys)) problems.push_back({path, "missing `name`"});
  } else if (expectType(j["name"], j["name"].is_string(), child(path, "name"), "a string", problems)) {
    out.name = j["name"].get<std::string>();
    if (out.name.empty()) {
      problems.push_back({child(path, "name"), "must not be empty"});
    } else if (!names.insert(out.name).second) {
      problems.push_back({child(path, "name"), fmt::format("another case is named `{}`; names must be unique", out.name)});
    }
  }
  if (j.contains("claim")) {
    out.claim = j["claim"];
    expectType(out.claim, out.claim.is_string() || out.claim.is_object(), child(path, "claim"),
               "a claim file's path or a claim object", problems);
  } else if (file.base.is_null()) {
    problems.push_back({path, "no claim: give the case a `claim`, or the file a `base`"});
  }
  if (j.contains("set")) {
    out.set = j["set"];
    if (expectType(out.set, out.set.is_object(), child(path, "set"), "an object of JSON pointer: value", problems)) {
      std::vector<std::string> tokens;
      std::string error;
      for (const auto& item : out.set.items()) {
        if (!splitPointer(item.key(), tokens, error)) problems.push_back({child(path, "set"), error});
      }
    }
  }
  if (j.contains("remove")) {
    out.remove = j["remove"];
    const std::string removePath = child(path, "remove");
    if (expectType(out.remove, out.remove.is_array(), removePath, "a list of JSON pointers", problems)) {
      std::vector<std::string> tokens;
      std::string error;
      for (size_t k = 0; k < out.remove.size(); ++k) {
        const TestJson& p = out.remove[k];
        if (!expectType(p, p.is_string(), child(removePath, k), "a JSON pointer (a string)", problems)) continue;
        if (!splitPointer(p.get<std::string>(), tokens, error)) problems.push_back({child(removePath, k), error});
      }
    }
  }
  if (!j.contains("expect")) {
    if (!misspelt(j, "expect", kCaseKeys)) problems.push_back({path, "missing `expect`"});
  } else {
    out.expect = j["expect"];
    checkExpect(out.expect, child(path, "expect"), problems);
  }
}

// `expected` (a rule id or a partial object) matches `actual` (a reason or an adjustment).
bool itemMatches(const TestJson& expected, const TestJson& actual) {
  if (expected.is_string()) return actual.value("rule", TestJson()) == expected;
  for (const auto& item : expected.items()) {
    auto it = actual.find(item.key());
    if (it == actual.end() || *it != item.value()) return false;
  }
  return true;
}

bool listMatches(const TestJson& expected, const TestJson& actual) {
  if (!actual.is_array() || expected.size() != actual.size()) return false;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (!itemMatches(expected[i], actual[i])) return false;
  }
  return true;
}

// The actual list shown with the keys the expected one names: rule ids when it names only
// rules, else objects with the keys used (in the decision's key order).
std::string projectList(const TestJson& expected, const TestJson& actual, std::initializer_list<const char*> order) {
  std::set<std::string> used;
  for (const TestJson& item : expected) {
    if (item.is_string()) {
      used.insert("rule");
    } else {
      for (const auto& field : item.items()) used.insert(field.key());
    }
  }
  TestJson shown = TestJson::array();
  for (const TestJson& item : actual) {
    if (used.empty() || (used.size() == 1 && used.count("rule") == 1)) {
      shown.push_back(item.value("rule", TestJson()));
      continue;
    }
    TestJson object = TestJson::object();
    for (const char* key : order) {
      if (used.count(key) == 1 && item.contains(key)) object[key] = item[key];
    }
    shown.push_back(object);
  }
  return showList(shown);
}

// Notes for the rules `expected` (reasons or adjustments: `what`) names that the deciding policy
// lacks: such an expectation could never match, and the diff alone does not say why.
std::vector<std::string> missingRuleNotes(const TestJson& expected, const char* what, const TestJson& actual,
                                          const PolicyRules* rules) {
  std::vector<std::string> notes;
  if (rules == nullptr) return notes;
  const std::vector<std::string>& policyRules = rules->ids;
  std::set<std::string> seen;
  for (const TestJson& item : expected) {
    const TestJson rule = item.is_string() ? item : item.value("rule", TestJson());
    if (!rule.is_string()) continue;
    const std::string id = rule.get<std::string>();
    if (std::find(policyRules.begin(), policyRules.end(), id) != policyRules.end() || !seen.insert(id).second) {
      continue;
    }
    std::string note = fmt::format("expected {} `{}`, but policy {} has no rule `{}`", what, id,
                                   show(actual.value("policy", TestJson())), id);
    // A rule another policy has was more likely lost (a `use` dropped) than misspelt.
    if (auto it = rules->elsewhere.find(id); it != rules->elsewhere.end()) {
      note += fmt::format(" ({})", it->second);
    } else if (const std::string suggestion = suggestName(id, policyRules); !suggestion.empty()) {
      note += fmt::format("; did you mean `{}`?", suggestion);
    }
    notes.push_back(std::move(note));
  }
  return notes;
}

const TestJson* findLine(const TestJson& actual, size_t number) {
  auto lines = actual.find("lines");
  if (lines == actual.end() || !lines->is_array()) return nullptr;
  for (const TestJson& line : *lines) {
    if (line.value("line_number", TestJson()) == number) return &line;
  }
  return nullptr;
}

// What nlohmann's parser would silently change: a key written twice in one object (the last
// one wins, so `"/lines/-"` twice in `set` would append once) and a number with more than 15
// significant digits (read as a double, so 40.0000000000000001 would become 40 and a boundary
// case would quietly test something else). The SAX interface sees both before they are lost.
class FaithfulnessCheck : public nlohmann::json_sax<TestJson> {
 public:
  explicit FaithfulnessCheck(std::vector<TestProblem>& problems) : problems_(problems) {}

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t& text) override {
    if (significantDigits(text) > 15) {
      problems_.push_back({pointer(), fmt::format("the number {} has more than 15 significant digits, which a "
                                                  "test file cannot hold exactly",
                                                  text)});
    }
    return value();
  }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override {
    frames_.push_back({true, {}, 0, ""});
    return true;
  }
  bool key(string_t& key) override {
    Frame& f = frames_.back();
    f.key = key;
    if (!f.keys.insert(key).second) {
      problems_.push_back({pointer(), fmt::format("the key `{}` is written twice in one object; JSON keeps only the "
                                                  "last",
                                                  key)});
    }
    return true;
  }
  bool end_object() override { return end(); }
  bool start_array(std::size_t) override {
    frames_.push_back({false, {}, 0, ""});
    return true;
  }
  bool end_array() override { return end(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;
    size_t index;     // arrays: the next element's index
    std::string key;  // objects: the current key
  };

  static int significantDigits(const std::string& text) {
    int digits = 0;
    bool leading = true;
    for (char c : text) {
      if (c == 'e' || c == 'E') break;
      if (c < '0' || c > '9') continue;
      if (leading && c == '0') continue;
      leading = false;
      ++digits;
    }
    return digits;
  }
  std::string pointer() const {
    std::string out;
    for (const Frame& f : frames_) {
      out = f.object ? child(out, f.key) : child(out, f.index);
    }
    return out;
  }
  bool value() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
    return true;
  }
  bool end() {
    frames_.pop_back();
    return value();
  }

  std::vector<TestProblem>& problems_;
  std::vector<Frame> frames_;
};

}  // namespace

bool checkFaithfulJson(const std::string& text, std::vector<TestProblem>& problems) {
  const size_t before = problems.size();
  FaithfulnessCheck faithful(problems);
  TestJson::sax_parse(text, &faithful);
  return problems.size() == before;
}

bool nestsTooDeep(std::string_view text) {
  int depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        inString = false;
      }
    } else if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxTestJsonDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

void readTestFile(const std::string& text, TestFile& out) {
  if (nestsTooDeep(text)) {
    out.problems.push_back({"", fmt::format("nested more than {} objects and arrays deep", kMaxTestJsonDepth)});
    return;
  }
  TestJson doc;
  try {
    doc = TestJson::parse(text);
  } catch (const TestJson::exception& e) {
    std::string message = e.what();
    if (size_t end = message.find("] "); message.rfind("[json.exception", 0) == 0 && end != std::string::npos) {
      message.erase(0, end + 2);
    }
    out.problems.push_back({"", fmt::format("not valid JSON: {}", message)});
    return;
  }
  if (!checkFaithfulJson(text, out.problems)) return;
  if (!expectType(doc, doc.is_object(), "", "a JSON object", out.problems)) return;
  checkKeys(doc, "", kFileKeys, out.problems);
  if (doc.contains("description") && expectType(doc["description"], doc["description"].is_string(),
                                                "/description", "a string", out.problems)) {
    out.description = doc["description"].get<std::string>();
  }
  if (doc.contains("policies") && expectType(doc["policies"], doc["policies"].is_string(), "/policies",
                                             "a path (a string)", out.problems)) {
    out.policies = doc["policies"].get<std::string>();
  }
  if (doc.contains("base")) {
    out.base = doc["base"];
    expectType(out.base, out.base.is_string() || out.base.is_object(), "/base",
               "a claim file's path or a claim object", out.problems);
  }
  if (!doc.contains("cases")) {
    if (!misspelt(doc, "cases", kFileKeys)) out.problems.push_back({"", "missing `cases`"});
    return;
  }
  const TestJson& cases = doc["cases"];
  if (!expectType(cases, cases.is_array(), "/cases", "a list", out.problems)) return;
  if (cases.empty()) {
    out.problems.push_back({"/cases", "no cases: a test file that tests nothing would always pass"});
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < cases.size(); ++i) {
    out.cases.emplace_back();
    readCase(cases[i], i, out, names, out.cases.back());
  }
}

std::string caseName(const TestCase& testCase) {
  return testCase.name.empty() ? fmt::format("#{}", testCase.index) : testCase.name;
}

CaseFilter::CaseFilter(std::vector<std::string> texts) : texts_(std::move(texts)), matched_(texts_.size(), false) {}

bool CaseFilter::selects(const std::string& name) {
  if (texts_.empty()) return true;
  bool selected = false;
  for (size_t i = 0; i < texts_.size(); ++i) {
    if (name.find(texts_[i]) == std::string::npos) continue;
    matched_[i] = true;  // every text it contains, not only the first: each must be seen used
    selected = true;
  }
  return selected;
}

std::vector<std::string> CaseFilter::unmatched() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < texts_.size(); ++i) {
    if (!matched_[i]) out.push_back(texts_[i]);
  }
  return out;
}

bool setPointer(TestJson& doc, const std::string& pointer, const TestJson& value, std::string& error) {
  std::vector<std::string> tokens;
  if (!splitPointer(pointer, tokens, error)) return false;
  if (tokens.empty()) {
    doc = value;
    return true;
  }
  TestJson* parent = findParent(doc, pointer, tokens, error);
  if (parent == nullptr) return false;
  const std::string& last = tokens.back();
  if (parent->is_object()) {
    (*parent)[last] = value;
    return true;
  }
  size_t index = 0;
  if (last == "-") {
    parent->push_back(value);
    return true;
  }
  if (!arrayIndex(last, index) || index >= parent->size()) {
    error = fmt::format("`{}`: nothing at `{}` (the list has {} elements; `-` appends)", pointer, pointer,
                        parent->size());
    return false;
  }
  (*parent)[index] = value;
  return true;
}

bool removePointer(TestJson& doc, const std::string& pointer, std::string& error) {
  std::vector<std::string> tokens;
  if (!splitPointer(pointer, tokens, error)) return false;
  if (tokens.empty()) {
    error = "cannot remove the whole claim";
    return false;
  }
  TestJson* parent = findParent(doc, pointer, tokens, error);
  if (parent == nullptr) return false;
  const std::string& last = tokens.back();
  if (parent->is_object()) {
    if (parent->erase(last) == 0) {
      error = fmt::format("`{}`: nothing to remove", pointer);
      return false;
    }
    return true;
  }
  size_t index = 0;
  if (!arrayIndex(last, index) || index >= parent->size()) {
    error = fmt::format("`{}`: nothing to remove (the list has {} elements)", pointer, parent->size());
    return false;
  }
  parent->erase(index);
  return true;
}

bool applyEdits(const TestCase& testCase, const Schema& schema, TestJson& claim, TestProblem& problem) {
  const std::string path = child("/cases", testCase.index);
  std::string error;
  if (testCase.set.is_object()) {
    for (const auto& item : testCase.set.items()) {
      if (!checkSchemaPointer(schema, item.key(), item.value(), error) ||
          !setPointer(claim, item.key(), item.value(), error)) {
        problem = {child(path, "set"), error};
        return false;
      }
    }
  }
  if (testCase.remove.is_array()) {
    for (size_t k = 0; k < testCase.remove.size(); ++k) {
      if (!removePointer(claim, testCase.remove[k].get<std::string>(), error)) {
        problem = {child(child(path, "remove"), k), error};
        return false;
      }
    }
  }
  return true;
}

bool compareDecision(const TestCase& testCase, const TestJson& actual, const PolicyRules* rules,
                     std::vector<Mismatch>& out, TestProblem& problem) {
  const TestJson& expect = testCase.expect;
  if (expect.contains("error")) {
    out.push_back({"error", fmt::format("an error containing {}", expect["error"].dump()),
                   fmt::format("no error: the claim was decided {}", show(actual.value("decision", TestJson())))});
    return true;
  }
  if (expect.contains("decision") && expect["decision"] != actual.value("decision", TestJson())) {
    out.push_back({"decision", show(expect["decision"]), show(actual.value("decision", TestJson()))});
  }
  if (expect.contains("policy") && expect["policy"] != actual.value("policy", TestJson())) {
    out.push_back({"policy", show(expect["policy"]), show(actual.value("policy", TestJson()))});
  }
  if (!expect.contains("lines")) return true;
  for (const auto& item : expect["lines"].items()) {
    size_t number = 0;
    arrayIndex(item.key(), number);
    const TestJson* line = findLine(actual, number);
    if (line == nullptr) {
      std::string numbers;
      for (const TestJson& l : actual.value("lines", TestJson::array())) {
        numbers += numbers.empty() ? "" : ", ";
        numbers += show(l.value("line_number", TestJson()));
      }
      problem = {child(child(child(child("/cases", testCase.index), "expect"), "lines"), item.key()),
                 fmt::format("the claim has no line {} (its lines are {})", item.key(), numbers)};
      return false;
    }
    const std::string at = fmt::format("lines.\"{}\"", item.key());
    const TestJson& want = item.value();
    if (want.contains("decision") && want["decision"] != line->value("decision", TestJson())) {
      out.push_back({at + ".decision", show(want["decision"]), show(line->value("decision", TestJson()))});
    }
    if (want.contains("reasons")) {
      const TestJson reasons = line->value("reasons", TestJson::array());
      if (!listMatches(want["reasons"], reasons)) {
        out.push_back({at + ".reasons", showList(want["reasons"]), projectList(want["reasons"], reasons, kReasonKeys),
                       missingRuleNotes(want["reasons"], "reason", actual, rules)});
      }
    }
    if (want.contains("adjustments")) {
      const TestJson adjustments = line->value("adjustments", TestJson::array());
      if (!listMatches(want["adjustments"], adjustments)) {
        out.push_back({at + ".adjustments", showList(want["adjustments"]),
                       projectList(want["adjustments"], adjustments, kAdjustmentKeys),
                       missingRuleNotes(want["adjustments"], "adjustment", actual, rules)});
      }
    }
  }
  return true;
}

void compareError(const TestCase& testCase, const std::string& error, std::vector<Mismatch>& out) {
  const TestJson& expect = testCase.expect;
  if (expect.contains("error")) {
    const std::string wanted = expect["error"].get<std::string>();
    if (error.find(wanted) == std::string::npos) {
      out.push_back({"error", fmt::format("an error containing {}", expect["error"].dump()), error});
    }
    return;
  }
  out.push_back({"decision", show(expect.value("decision", TestJson())), fmt::format("error: {}", error)});
}

std::string describeDecision(const TestJson& actual, const std::string& indent) {
  std::string out = fmt::format("{}decision {}, policy {}\n", indent, show(actual.value("decision", TestJson())),
                                show(actual.value("policy", TestJson())));
  for (const TestJson& line : actual.value("lines", TestJson::array())) {
    out += fmt::format("{}  line {} {}: {}\n", indent, show(line.value("line_number", TestJson())),
                       show(line.value("hcpcs", TestJson())), show(line.value("decision", TestJson())));
    for (const TestJson& r : line.value("reasons", TestJson::array())) {
      std::string rarc;
      for (const TestJson& code : r.value("rarc", TestJson::array())) rarc += " " + show(code);
      out += fmt::format("{}    {}: {} {} {}{}: {}\n", indent, show(r.value("rule", TestJson())),
                         show(r.value("action", TestJson())), show(r.value("group", TestJson())),
                         show(r.value("carc", TestJson())), rarc, show(r.value("message", TestJson())));
    }
    for (const TestJson& a : line.value("adjustments", TestJson::array())) {
      out += fmt::format("{}    {}: adjust {} {} by {}%\n", indent, show(a.value("rule", TestJson())),
                         show(a.value("group", TestJson())), show(a.value("carc", TestJson())),
                         show(a.value("percent", TestJson())));
    }
  }
  return out;
}

std::vector<FieldSlip> findFieldSlips(const TestJson& claim, const Schema& schema) {
  std::vector<FieldSlip> out;
  FieldType root;
  root.kind = ValueKind::kRecord;
  root.record = schema.root;
  walkUnknownKeys(schema, root, claim, "", [&](const SchemaRecord& record, const TestJson& object, const std::string& key,
                                               const std::string& at) {
    std::vector<std::string> names;
    for (const SchemaField& f : record.fields) names.push_back(f.name);
    // Not when the field it would mean is there too (`weight_lb` beside `weight_kg`, `unit`
    // beside `units`): that is a payer's own field, not a slip.
    if (std::string meant = suggestName(key, names); !meant.empty() && !object.contains(meant)) {
      out.push_back({at, recordNoun(record), key, meant});
    }
    return true;
  });
  return out;
}

}  // namespace ppl::cli
