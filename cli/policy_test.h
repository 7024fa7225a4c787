// Policy test files (`*.test.json`, docs/testing.md) as data: reading and checking a file,
// building each case's claim from a base claim and JSON-pointer edits, and comparing a decision
// with a case's expectations. No VM here: the command (cmd_test.cpp) decides the claims and hands
// the decision over as the JSON `pplc eval` prints, so this file is testable on plain JSON.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/schema.h"

namespace ppl::cli {

// Keys keep their order: `set` edits apply in the order they are written.
using TestJson = nlohmann::ordered_json;

// A problem in a test file, at a JSON pointer into it (`/cases/3/set`); `path` may be empty
// when the problem is the whole file (its JSON syntax).
struct TestProblem {
  std::string path;
  std::string message;
};

struct TestCase {
  size_t index = 0;    // in the file's `cases`
  std::string name;
  TestJson claim;      // null: use the file's base; else a path (string) or an inline object
  TestJson set;        // an object of pointer -> value, or null
  TestJson remove;     // an array of pointers, or null
  TestJson expect;     // checked by readTestFile: decision or error, policy, lines
  std::vector<TestProblem> problems;  // the case is malformed: it fails with these
};

struct TestFile {
  std::string description;
  std::string policies = "..";  // relative to the file's directory (or absolute)
  TestJson base;                // null, a path (string) or an inline object
  std::vector<TestCase> cases;
  std::vector<TestProblem> problems;  // the file as a whole is malformed
};

// The name a case is reported under: its `name`, or `#INDEX` when it has none (a malformed case).
std::string caseName(const TestCase& testCase);

// `pplc test --case TEXT`: selects the cases whose name (caseName) contains one of the texts, a
// plain case-sensitive substring; with no texts, every case. It remembers which texts selected
// some case, so that a misspelt one is reported instead of silently running nothing.
class CaseFilter {
 public:
  explicit CaseFilter(std::vector<std::string> texts = {});

  // Texts were given: the run counts the cases left out.
  bool active() const { return !texts_.empty(); }
  // True when `name` contains one of the texts (always when there are none); each text it
  // contains counts as having selected a case.
  bool selects(const std::string& name);
  // The texts that have selected no case so far, in the order given.
  std::vector<std::string> unmatched() const;

 private:
  std::vector<std::string> texts_;
  std::vector<bool> matched_;
};

// Parses and checks a test file's text. Problems of the file as a whole (JSON syntax, an
// unknown top-level key, `cases` missing) go to out.problems; a malformed case keeps its
// problems and the other cases still run.
void readTestFile(const std::string& text, TestFile& out);

// True when parsing `text` as a TestJson loses nothing; else appends what would be lost (a key
// written twice in one object, a number with more than 15 significant digits) at its JSON path.
// Test files and the claim files that cases edit are checked with it.
bool checkFaithfulJson(const std::string& text, std::vector<TestProblem>& problems);

// Test files and the claim files cases edit nest at most this deep (objects and arrays). A
// claim nests at most ClaimLoader::kMaxDepth; the bound keeps the JSON library's recursive copy
// and print of a parsed document within the stack.
constexpr int kMaxTestJsonDepth = 512;

// True when `text`, read as JSON, opens more than kMaxTestJsonDepth objects and arrays inside
// one another (brackets in strings do not count). Malformed text is left to the parser.
bool nestsTooDeep(std::string_view text);

// Sets the value at RFC 6901 `pointer` in `doc`: replaces what is there, adds a missing object
// key, and appends for the array index `-`. The parent must exist. False with `error` otherwise.
bool setPointer(TestJson& doc, const std::string& pointer, const TestJson& value, std::string& error);

// Removes the value at `pointer` (an object member or an array element, which shifts the rest).
// False with `error` when there is nothing there.
bool removePointer(TestJson& doc, const std::string& pointer, std::string& error);

// Applies a case's `set` edits, then its `remove` edits, in order, to `claim`. False with the
// problem (its path into the test file) when an edit cannot be applied, or when a `set` pointer,
// or a key of the value it sets, names a field `schema` (the claim schema the policies were
// compiled with) lacks: the loader would ignore it, and the case test the unchanged claim.
bool applyEdits(const TestCase& testCase, const Schema& schema, TestJson& claim, TestProblem& problem);

// A key of a claim that names no field of its record but is a slip away from one (`modifier`
// for `modifiers`, `heigth_cm`): the loader ignores unknown keys (the spec lets a payer keep its
// own fields in a claim), so the claim is decided as if the field were absent. Keys near no
// field, or near one the object also holds (`weight_lb` beside `weight_kg`), are taken for
// such payer fields and not reported.
struct FieldSlip {
  std::string path;    // JSON pointer of the key: `/lines/0/modifier`
  std::string record;  // the record it is in, for a sentence: `a Line`
  std::string key;     // `modifier`
  std::string meant;   // `modifiers`
};
std::vector<FieldSlip> findFieldSlips(const TestJson& claim, const Schema& schema);

// One field whose actual value differs from the expected one. `path` names it in the decision
// (`decision`, `lines."1".reasons`); the values are rendered for people.
struct Mismatch {
  std::string path;
  std::string expected;
  std::string actual;
  std::vector<std::string> notes = {};  // why it could never match: a rule the policy lacks
};

// The rules of the policy that decided a claim, and, for a rule id it lacks that another policy
// of the pack has, where that one is (`policy ma@1 has one, from prior-authorization.ppl`).
struct PolicyRules {
  std::vector<std::string> ids;
  std::map<std::string, std::string> elsewhere;
};

// Compares a decided claim (`actual`: the decision JSON as `pplc eval` prints it) with the
// case's expectations. Mismatches go to `out`; an expectation naming a line the claim lacks is a
// problem of the test file (returned false, with `problem` set). An expected reason or
// adjustment naming a rule the deciding policy (`rules`; null when none decided) lacks, misspelt
// or lost with a dropped `use`, could never match: its mismatch gets a note saying so.
bool compareDecision(const TestCase& testCase, const TestJson& actual, const PolicyRules* rules,
                     std::vector<Mismatch>& out, TestProblem& problem);

// Compares a claim that could not be decided (`error`: the loader's or the VM's message) with
// the case's expectations: they must expect an error whose text occurs in `error`.
void compareError(const TestCase& testCase, const std::string& error, std::vector<Mismatch>& out);

// The decision, compactly, for a failure report: the claim's decision and policy, then a line
// per claim line with its decision, its reasons (rule, action, group, CARC, RARCs, message) and
// adjustments. Each line is indented by `indent` and ends in '\n'.
std::string describeDecision(const TestJson& actual, const std::string& indent);

}  // namespace ppl::cli
