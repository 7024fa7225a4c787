// `pplc test`: run policy test files (`*.test.json`, docs/testing.md).
//
// Each case's claim is built as JSON text (a base claim and JSON-pointer edits) and decided by
// the same loader and VM as `pplc eval`, so a test claim is validated exactly like a production
// one; the decision is compared, as the JSON `pplc eval` prints, with the case's expectations.
// A malformed test file or case is a failure with its JSON path, never a crash.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/core.h>

#include "cli/claim_runner.h"
#include "cli/commands.h"
#include "cli/junit.h"
#include "cli/policy_test.h"
#include "cli/test_coverage.h"
#include "vm/decision_json.h"

namespace ppl::cli {

const char* const kTestHelp =
    R"(Usage: pplc test [OPTIONS] PATH...

Runs policy test files: each PATH is a `.test.json` file or a directory searched recursively
for them. A case names a claim (a file, or a base claim with JSON-pointer edits) and the
expected outcome: the claim's decision, and optionally per line the decision, the reasons
(rule ids or codes) and the adjustments, or the error of a claim refused as bad input. Each
failing case is printed with a diff of expected and actual; the last line is
`N passed, N failed` (a PATH without test files, a --case that selects no case and a missed
--coverage-min count as failed), and `N passed, N failed, N not selected` with --case.
The format is described in docs/testing.md.

Options:
  --case TEXT        run only the cases whose name contains TEXT (case-sensitive; the
                     case's name, not its file: choose files with PATH); given several
                     times, the cases any TEXT selects. A TEXT that selects no case
                     fails the run
  --junit FILE       also write the results as JUnit XML to FILE, for CI servers (never
                     a .ppl, .json or .pplb file: those are inputs): a decision other
                     than expected is a <failure>, a case or file that cannot be run an
                     <error>; cases --case leaves out are not listed
  --coverage         report, per policy and rule, how many cases it applied to, failed and
                     passed, and the rules no case made fail or pass (with --case: of the
                     selected cases only)
  --coverage-min P   fail the run when fewer than P% (0 to 100) of the rules were exercised
                     both ways (failed by a case and passed by a case); not with --case,
                     whose part of the suite would be judged as the whole
  --list             run nothing: print each case as `FILE: NAME` (with --case, the cases
                     it selects), then `N cases`; a test file that cannot be read still
                     fails
  -v, --verbose      also print a line for each passing case
  -h, --help         show this help

Exit status: 0 when every case passed; 1 when a case failed, a test file is malformed, the
policies are bad, a --case selects no case, or coverage is under --coverage-min; 2 usage
error; 3 internal error (a bug in pplc).
)";

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The `.test.json` files under `path`, in name order, or `path` itself when it is a file.
bool discover(const std::string& path, std::vector<std::string>& files, std::string& error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    error = "no such file or directory";
    return false;
  }
  if (!fs::is_directory(status)) {
    files.push_back(path);
    return true;
  }
  std::vector<std::string> found;
  constexpr std::string_view kSuffix = ".test.json";
  // Links to directories are not followed, so that a link cycle cannot loop.
  for (fs::recursive_directory_iterator it(path, fs::directory_options::none, ec), end;
       !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > kSuffix.size() && name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0 &&
        it->is_regular_file(ec)) {
      found.push_back(it->path().generic_string());
    }
  }
  if (ec) {
    error = fmt::format("cannot list the directory: {}", ec.message());
    return false;
  }
  if (found.empty()) {
    error = "no `*.test.json` files in this directory";
    return false;
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
  return true;
}

// A path in a test file, relative to the file's directory.
std::string resolve(const std::string& testFile, const std::string& relative) {
  namespace fs = std::filesystem;
  fs::path p(relative);
  if (p.is_absolute()) return p.lexically_normal().generic_string();
  fs::path dir = fs::path(testFile).parent_path();
  if (dir.empty()) dir = ".";
  std::string out = (dir / p).lexically_normal().generic_string();
  if (out.size() > 1 && out.back() == '/') out.pop_back();  // `dir/..` normalizes to `parent/`
  return out;
}

// Policies compiled once per path, whatever number of test files name them.
struct LoadedPolicies {
  Program program;
  bool ok = false;
  std::string diagnostics;  // as rendered on stderr: for the JUnit report, which CI shows first
  std::unique_ptr<ClaimRunner> runner;
  std::vector<PolicyRules> rules;  // per policy: to name an expected rule the deciding one lacks
};

// Each policy's rule ids, and for a rule id it lacks that another policy has, where that is.
std::vector<PolicyRules> policyRules(const Program& program) {
  std::vector<PolicyRules> out(program.policies.size());
  for (size_t p = 0; p < program.policies.size(); ++p) {
    for (const RuleInfo& rule : program.policies[p].rules) out[p].ids.push_back(rule.id);
  }
  for (size_t p = 0; p < program.policies.size(); ++p) {
    const std::set<std::string> own(out[p].ids.begin(), out[p].ids.end());
    std::set<uint32_t> ownFiles;  // the files this policy's rules come from: the modules it uses
    for (const RuleInfo& rule : program.policies[p].rules) ownFiles.insert(rule.pos.file);
    for (size_t q = 0; q < program.policies.size(); ++q) {
      const PolicyInfo& other = program.policies[q];
      for (const RuleInfo& rule : other.rules) {
        if (q == p || own.count(rule.id) > 0) continue;
        std::string where = fmt::format("policy {}@{} has one", other.id, other.version);
        if (rule.pos.file < program.files.size()) {
          const std::string file = std::filesystem::path(program.files[rule.pos.file]).filename().string();
          // A module this policy uses, whose rule it left out: switched off by a parameter
          // (MB-GZ in Medicare Advantage), not lost with a `use`.
          where = ownFiles.count(rule.pos.file) > 0
                      ? fmt::format("{} is used here, but its rule is left out: its `only when` is a parameter this "
                                    "policy binds to false, or leaves at a default of false",
                                    file)
                      : where + fmt::format(", from {}", file);
        }
        out[p].elsewhere.emplace(rule.id, where);
      }
    }
  }
  return out;
}

class TestRun {
 public:
  TestRun(Output& out, bool verbose, bool coverage, CaseFilter& filter, bool listOnly)
      : out_(out), verbose_(verbose), coverage_(coverage), listOnly_(listOnly), filter_(filter) {}

  // Runs the file's cases the filter selects (with --list, prints their names instead). A file
  // none of whose cases it selects is read (to know its case names) but not run: its policies
  // are not compiled, and the JUnit report leaves it out. A file that cannot be read fails
  // whatever the filter: it might hold a selected case.
  void runFile(const std::string& path);
  // A PATH with no test files (an error: nothing could be run), or a run-wide check that failed
  // (--coverage-min): a failing case of its own, so that the summary line and the JUnit report
  // fail with the exit status.
  void pathFailed(const std::string& path, const std::string& report, bool error);
  // A --case TEXT that selected no case (a misspelt filter must not pass): an error of its own,
  // in a JUnit suite `--case` shared by every such TEXT.
  void filterMissed(const std::string& text);

  size_t passed() const { return passed_; }
  size_t failed() const { return failed_; }
  // Cases of readable test files the filter left out.
  size_t notSelected() const { return notSelected_; }
  size_t selected() const { return selected_; }
  // Policies failed one of pplc's own checks (exit 3, not 1).
  bool internal() const { return internal_; }
  const std::vector<JunitSuite>& suites() const { return suites_; }
  const RuleCoverage& coverage() const { return ruleCoverage_; }

 private:
  LoadedPolicies& policies(const std::string& path);
  // The claim a case is decided on, as JSON text; false with a test-file problem.
  bool claimText(const std::string& file, const TestFile& test, const Schema& schema, const TestCase& testCase,
                 std::string& json, TestProblem& problem);
  bool readClaimFile(const std::string& file, const std::string& relative, std::string& text, std::string& error);
  void runCase(const std::string& file, const TestFile& test, LoadedPolicies& loaded, const TestCase& testCase,
               JunitCase& result);
  // A file that cannot be run: an error. `detail` goes to the JUnit report only (what stderr
  // already shows).
  void fileFailed(const std::string& file, JunitSuite& suite, const std::string& report, const std::string& detail = "");
  // Prints the failure report, or `printed` when given.
  void record(JunitSuite& suite, JunitCase result, const std::string* printed = nullptr);

  Output& out_;
  bool verbose_;
  bool coverage_;
  bool listOnly_;  // --list: the selected cases' names are printed, none is run
  CaseFilter& filter_;
  size_t passed_ = 0;
  size_t failed_ = 0;
  size_t selected_ = 0;
  size_t notSelected_ = 0;
  static constexpr size_t kNoSuite = static_cast<size_t>(-1);
  size_t filterSuite_ = kNoSuite;  // the JUnit suite of the --case texts that selected nothing
  bool internal_ = false;
  std::map<std::string, std::unique_ptr<LoadedPolicies>> policies_;
  std::map<std::string, std::string> claimFiles_;
  std::vector<JunitSuite> suites_;
  RuleCoverage ruleCoverage_;
  std::vector<Evaluator::RuleTraceEntry> trace_;
  std::string decisionJson_;
};

LoadedPolicies& TestRun::policies(const std::string& path) {
  std::error_code ec;
  std::string key = std::filesystem::weakly_canonical(path, ec).generic_string();
  if (ec) key = path;
  std::unique_ptr<LoadedPolicies>& slot = policies_[key];
  if (!slot) {
    slot = std::make_unique<LoadedPolicies>();
    out_.flush();  // diagnostics go to stderr: keep the two streams in order on a terminal
    const int rc = loadProgram({path}, slot->program, &slot->diagnostics);
    slot->ok = rc == kExitOk;
    internal_ = internal_ || rc == kExitInternal;
    if (slot->ok) {
      slot->runner = std::make_unique<ClaimRunner>(slot->program);
      slot->rules = policyRules(slot->program);
      if (coverage_) {
        slot->runner->setRuleTrace(&trace_);
        ruleCoverage_.addProgram(slot->program);
      }
    }
  }
  return *slot;
}

bool TestRun::readClaimFile(const std::string& file, const std::string& relative, std::string& text,
                            std::string& error) {
  const std::string path = resolve(file, relative);
  auto it = claimFiles_.find(path);
  if (it == claimFiles_.end()) {
    std::string content;
    if (!readFile(path, content, error)) {
      // Named as the test file writes it (under `/base` and `/cases/N/claim` alike): the text to
      // correct. Resolved, it would depend on the directory `pplc test` was run from.
      error = fmt::format("cannot read the claim `{}`: {}", relative, error);
      if (std::filesystem::path(relative).is_relative()) error += " (a path is relative to the test file's directory)";
      return false;
    }
    it = claimFiles_.emplace(path, std::move(content)).first;
  }
  text = it->second;
  return true;
}

// A key of the case's claim a slip away from a field (`modifier`): the loader would ignore it
// and the case test a claim without the field, passing for the wrong reason. True, with the
// problem, when there is one.
bool fieldSlipped(const TestJson& claim, const Schema& schema, const std::string& sourcePath, TestProblem& problem) {
  const std::vector<FieldSlip> slips = findFieldSlips(claim, schema);
  if (slips.empty()) return false;
  const FieldSlip& s = slips.front();
  problem = {sourcePath, fmt::format("`{}`: {} has no field `{}`, so the claim would be decided without it; did you "
                                     "mean `{}`?", s.path, s.record, s.key, s.meant)};
  return true;
}

bool TestRun::claimText(const std::string& file, const TestFile& test, const Schema& schema,
                        const TestCase& testCase, std::string& json, TestProblem& problem) {
  const bool own = !testCase.claim.is_null();
  const TestJson& source = own ? testCase.claim : test.base;
  const std::string sourcePath = own ? fmt::format("/cases/{}/claim", testCase.index) : "/base";
  const bool edited = testCase.set.is_object() || testCase.remove.is_array();
  TestJson claim;
  if (source.is_string()) {
    std::string error;
    if (!readClaimFile(file, source.get<std::string>(), json, error)) {
      problem = {sourcePath, error};
      return false;
    }
    if (!edited) {  // decided from the file's own bytes, as `pplc eval` would
      if (nestsTooDeep(json)) return true;  // no slip looked for, as `pplc eval` does not
      const TestJson parsed = TestJson::parse(json, nullptr, false);
      return parsed.is_discarded() || !fieldSlipped(parsed, schema, sourcePath, problem);
    }
    if (nestsTooDeep(json)) {
      problem = {sourcePath, fmt::format("the claim `{}` is nested more than {} objects and arrays deep, so it "
                                         "cannot be edited", source.get<std::string>(), kMaxTestJsonDepth)};
      return false;
    }
    try {
      claim = TestJson::parse(json);
    } catch (const TestJson::exception& e) {
      std::string message = e.what();
      if (size_t end = message.find("] "); end != std::string::npos) message.erase(0, end + 2);
      problem = {sourcePath, fmt::format("the claim `{}` is not valid JSON, so it cannot be edited: {}",
                                         source.get<std::string>(), message)};
      return false;
    }
    // Edited claims are written out again: what the parse would lose must not pass silently
    // (`pplc eval` refuses a duplicate key or an over-long number in the file itself).
    std::vector<TestProblem> lost;
    if (!checkFaithfulJson(json, lost)) {
      problem = {sourcePath, fmt::format("the claim `{}` cannot be edited faithfully: {}: {}",
                                         source.get<std::string>(), lost.front().path, lost.front().message)};
      return false;
    }
  } else {
    claim = source;
  }
  if (!applyEdits(testCase, schema, claim, problem)) return false;
  if (fieldSlipped(claim, schema, sourcePath, problem)) return false;
  json = claim.dump();
  return true;
}

void TestRun::record(JunitSuite& suite, JunitCase result, const std::string* printed) {
  if (result.failed) {
    ++failed_;
    out_.write(printed != nullptr ? *printed : result.failure);
  } else {
    ++passed_;
  }
  out_.endRecord();
  suite.cases.push_back(std::move(result));
}

void TestRun::fileFailed(const std::string& file, JunitSuite& suite, const std::string& report,
                         const std::string& detail) {
  JunitCase result;
  result.name = std::filesystem::path(file).filename().string();
  result.failed = true;
  result.error = true;
  result.failure = report + detail;
  record(suite, std::move(result), &report);
}

void TestRun::pathFailed(const std::string& path, const std::string& report, bool error) {
  suites_.emplace_back();
  suites_.back().name = path;
  fileFailed(path, suites_.back(), report);
  suites_.back().cases.back().error = error;
}

void TestRun::filterMissed(const std::string& text) {
  if (filterSuite_ == kNoSuite) {
    filterSuite_ = suites_.size();
    suites_.emplace_back();
    suites_.back().name = "--case";
  }
  JunitCase result;
  result.name = "--case " + text;
  result.failed = true;
  result.error = true;
  result.failure = fmt::format("--case `{}`: no case's name contains `{}` (of the {} cases in the test files; names "
                               "are matched case-sensitively; `--list` prints them)\n",
                               text, text, selected_ + notSelected_);
  record(suites_[filterSuite_], std::move(result));
}

void TestRun::runCase(const std::string& file, const TestFile& test, LoadedPolicies& loaded,
                      const TestCase& testCase, JunitCase& result) {
  result.name = caseName(testCase);
  const std::string header = fmt::format("{}: case {}\n", file, result.name);
  auto problemReport = [&](const std::vector<TestProblem>& problems) {
    std::string text;
    for (const TestProblem& p : problems) text += fmt::format("{}: {}: {}\n", file, p.path, p.message);
    return text;
  };
  // Until the decision is compared, a problem means the case could not be run: an error.
  result.failed = true;
  result.error = true;
  if (!testCase.problems.empty()) {
    result.failure = problemReport(testCase.problems);
    return;
  }
  std::string json;
  TestProblem problem;
  if (!claimText(file, test, loaded.program.schema, testCase, json, problem)) {
    result.failure = problemReport({problem});
    return;
  }
  ClaimRunner& runner = *loaded.runner;
  std::string error;
  std::vector<Mismatch> mismatches;
  std::string decided;
  if (runner.decide(json, error)) {
    decisionJson_.clear();
    writeDecisionJson(loaded.program, runner.facts(), runner.decision(), false, decisionJson_);
    // The decision JSON is ours, but its strings come from the pack: a .pplb is refused if they
    // are not UTF-8, and a parse failure here is still a failed case, not an abort.
    TestJson actual;
    try {
      actual = TestJson::parse(decisionJson_);
    } catch (const TestJson::exception& e) {
      result.failure = problemReport({{"", fmt::format("the decision is not valid JSON: {}", e.what())}});
      return;
    }
    const int32_t policy = runner.decision().policy;
    if (!compareDecision(testCase, actual, policy >= 0 ? &loaded.rules[policy] : nullptr, mismatches, problem)) {
      result.failure = problemReport({problem});
      return;
    }
    // Only a well-formed case counts for coverage (docs/testing.md).
    if (coverage_) ruleCoverage_.addCase(loaded.program, runner.decision().policy, trace_);
    decided = describeDecision(actual, "    ");
  } else {
    compareError(testCase, error, mismatches);
  }
  result.error = false;
  if (mismatches.empty()) {
    result.failed = false;
    if (verbose_) out_.write(fmt::format("{}: case {}: ok\n", file, result.name));
    return;
  }
  result.failure = header;
  for (const Mismatch& m : mismatches) {
    result.failure += fmt::format("  {}\n    expected: {}\n    actual:   {}\n", m.path, m.expected, m.actual);
    for (const std::string& note : m.notes) result.failure += fmt::format("    note: {}\n", note);
  }
  if (!decided.empty()) result.failure += "  the claim was decided:\n" + decided;
}

void TestRun::runFile(const std::string& file) {
  const Clock::time_point start = Clock::now();
  JunitSuite suite;
  suite.name = file;
  std::string text;
  std::string error;
  TestFile test;
  if (!readFile(file, text, error)) {
    fileFailed(file, suite, fmt::format("{}: cannot read: {}\n", file, error));
  } else if (readTestFile(text, test); !test.problems.empty()) {
    std::string report;
    for (const TestProblem& p : test.problems) {
      report += p.path.empty() ? fmt::format("{}: {}\n", file, p.message)
                               : fmt::format("{}: {}: {}\n", file, p.path, p.message);
    }
    fileFailed(file, suite, report);
  } else {
    std::vector<const TestCase*> selected;
    for (const TestCase& testCase : test.cases) {
      if (filter_.selects(caseName(testCase))) selected.push_back(&testCase);
    }
    selected_ += selected.size();
    notSelected_ += test.cases.size() - selected.size();
    if (listOnly_) {
      for (const TestCase* testCase : selected) out_.write(fmt::format("{}: {}\n", file, caseName(*testCase)));
      return;
    }
    if (selected.empty()) return;
    const std::string policyPath = resolve(file, test.policies);
    LoadedPolicies& loaded = policies(policyPath);
    if (!loaded.ok) {
      fileFailed(file, suite, fmt::format("{}: /policies: the policies `{}` are bad (see the diagnostics on stderr)\n",
                                          file, policyPath),
                 loaded.diagnostics);
    } else {
      for (const TestCase* testCase : selected) {
        const Clock::time_point caseStart = Clock::now();
        JunitCase result;
        runCase(file, test, loaded, *testCase, result);
        result.seconds = secondsSince(caseStart);
        record(suite, std::move(result));
      }
    }
  }
  suite.seconds = secondsSince(start);
  suites_.push_back(std::move(suite));
}

// True when the JUnit report at `junit` would overwrite an input: a policy or JSON file (test
// files and claims), or a file named on the command line or found in a directory named.
bool overwritesInput(const std::string& junit, const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  const fs::path extension = fs::path(junit).extension();
  if (extension == ".ppl" || extension == ".json" || extension == ".pplb") return true;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (fs::equivalent(junit, input, ec) && !ec) return true;
  }
  return false;
}

// `--coverage-min P`: a number from 0 to 100.
bool parsePercent(const std::string& text, double& out) {
  if (text.empty() || text.size() > 12) return false;
  size_t dots = 0;
  for (char c : text) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  if (dots > 1 || text == ".") return false;
  out = std::stod(text);
  return out >= 0 && out <= 100;
}

}  // namespace

int runTest(const std::vector<std::string>& args) {
  std::vector<std::string> paths;
  std::vector<std::string> caseTexts;
  std::string junitPath;
  bool coverage = false;
  bool verbose = false;
  bool listOnly = false;
  bool haveMinimum = false;
  double minimum = 0;
  ArgScanner scan(args);
  while (scan.next()) {
    if (!scan.isOption()) {
      paths.push_back(scan.current());
    } else if (scan.is("--case")) {
      std::string text;
      if (!scan.value(text) || text.empty()) return usageError("test", "`--case` needs a TEXT: part of a case's name");
      caseTexts.push_back(text);
    } else if (scan.is("--junit")) {
      if (!junitPath.empty()) return usageError("test", "`--junit` is given twice");
      if (!scan.value(junitPath) || junitPath.empty()) return usageError("test", "`--junit` needs a FILE");
      if (junitPath == "-") return usageError("test", "`--junit -`: the report goes to stdout already; give a FILE");
    } else if (scan.current() == "--coverage") {
      coverage = true;
    } else if (scan.is("--coverage-min")) {
      std::string value;
      if (!scan.value(value) || !parsePercent(value, minimum)) {
        return usageError("test", "`--coverage-min` needs a percentage from 0 to 100");
      }
      haveMinimum = true;
    } else if (scan.current() == "-v" || scan.current() == "--verbose") {
      verbose = true;
    } else if (scan.current() == "--list") {
      listOnly = true;
    } else {
      return usageError("test", fmt::format("unknown option `{}`", scan.current()));
    }
  }
  if (paths.empty()) return usageError("test", "missing PATH (a `.test.json` file or a directory)");
  if (namesStdin(paths)) return usageError("test", "`-`: test reads `.test.json` files and directories, not standard input");
  // The minimum is a property of the whole suite: met or missed by a part of it, it says nothing.
  if (haveMinimum && !caseTexts.empty()) {
    return usageError("test", "`--coverage-min` judges the whole suite: it cannot be combined with `--case` (use "
                              "`--coverage` to see what the selected cases cover)");
  }

  if (listOnly && (!junitPath.empty() || coverage || haveMinimum || verbose)) {
    return usageError("test", "`--list` runs no case: it cannot be combined with `--junit`, `--coverage`, "
                              "`--coverage-min` or `--verbose`");
  }

  Output out;
  bool bad = false;
  CaseFilter filter(caseTexts);
  TestRun run(out, verbose, coverage || haveMinimum, filter, listOnly);
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::string error;
    if (!discover(path, files, error)) run.pathFailed(path, fmt::format("{}: {}\n", path, error), true);
  }
  if (!junitPath.empty()) {
    std::vector<std::string> inputs = paths;
    inputs.insert(inputs.end(), files.begin(), files.end());
    if (overwritesInput(junitPath, inputs)) {
      return usageError("test", fmt::format("`{}` would overwrite a test input: write the JUnit report to a .xml file",
                                            junitPath));
    }
  }

  std::set<std::string> seen;  // a file named twice (itself and in its directory) runs once
  for (const std::string& file : files) {
    std::error_code ec;
    std::string key = std::filesystem::weakly_canonical(file, ec).generic_string();
    if (seen.insert(ec ? file : key).second) run.runFile(file);
  }

  for (const std::string& text : filter.unmatched()) run.filterMissed(text);

  bool coverageShort = false;
  if (coverage) out.write(run.coverage().report());
  if (coverage && filter.active()) {
    out.write(fmt::format("coverage: of the {} selected case{} only, not of the {} cases --case left out\n", run.selected(),
                          run.selected() == 1 ? "" : "s", run.notSelected()));
  }
  if (haveMinimum) {
    if (!coverage) out.write(run.coverage().summary());
    const RuleCoverage& c = run.coverage();
    // With no rules the percentage is 0 (docs/testing.md): under any positive minimum.
    coverageShort = static_cast<double>(c.bothWays()) * 100.0 < minimum * static_cast<double>(c.ruleCount()) ||
                    (c.ruleCount() == 0 && minimum > 0);
    if (coverageShort) {
      run.pathFailed("--coverage-min",
                     fmt::format("coverage: {} of {} rules exercised both ways ({}%) is under the minimum of {}% "
                                 "(--coverage-min)\n",
                                 c.bothWays(), c.ruleCount(), formatPercent(c.percent()), minimum),
                     false);
    }
  }
  // With --case, the cases left out are counted too: a filtered run must not read as the whole suite.
  const std::string notSelected = filter.active() ? fmt::format(", {} not selected", run.notSelected()) : "";
  if (listOnly) {
    // What failed (an unreadable file, a --case selecting nothing) was printed above it.
    const std::string failed = run.failed() > 0 ? fmt::format(", {} failed", run.failed()) : "";
    out.write(fmt::format("{} case{}{}{}\n", run.selected(), run.selected() == 1 ? "" : "s", failed, notSelected));
  } else {
    out.write(fmt::format("{} passed, {} failed{}\n", run.passed(), run.failed(), notSelected));
  }
  out.flush();

  if (!junitPath.empty()) {
    std::string xml = junitXml(run.suites());
    std::FILE* f = std::fopen(junitPath.c_str(), "wb");
    bool written = f != nullptr && std::fwrite(xml.data(), 1, xml.size(), f) == xml.size();
    std::string reason = written ? "" : std::strerror(errno);  // a directory, a full disk, ...
    if (f != nullptr && std::fclose(f) != 0 && written) {
      written = false;
      reason = std::strerror(errno);
    }
    if (!written) {
      inputError(junitPath, fmt::format("cannot write the JUnit report: {}", reason));
      bad = true;
    }
  }
  if (out.failed()) return inputError("pplc test", "cannot write the output");
  if (run.internal()) return kExitInternal;
  return bad || coverageShort || run.failed() > 0 ? kExitBadInput : kExitOk;
}

}  // namespace ppl::cli
