// `pplc test`'s reports: rule coverage counted from rule traces (cli/test_coverage.h) and the
// JUnit XML (cli/junit.h). The CLI test (tests/cli/test.sh) checks both end to end.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cli/junit.h"
#include "cli/test_coverage.h"

namespace {

using ppl::Evaluator;
using Outcome = ppl::Evaluator::RuleOutcome;

ppl::Program program(const std::string& version, const std::vector<std::string>& ruleIds) {
  ppl::Program p;
  ppl::PolicyInfo policy;
  policy.id = "p";
  policy.version = version;
  for (const std::string& id : ruleIds) {
    ppl::RuleInfo rule;
    rule.id = id;
    policy.rules.push_back(rule);
  }
  p.policies.push_back(policy);
  return p;
}

}  // namespace

TEST_CASE("coverage: cases count per rule, a line failing and another passing count both", "[coverage]") {
  ppl::Program p = program("1", {"A", "B", "C"});
  ppl::cli::RuleCoverage coverage;
  coverage.addProgram(p);
  CHECK(coverage.ruleCount() == 3);
  CHECK(coverage.bothWays() == 0);

  // Case 1, two governed lines: A fails on line 0 and passes on line 1; B passes twice; C skips.
  coverage.addCase(p, 0, {{0, 0, Outcome::kFailed}, {0, 1, Outcome::kPassed}, {0, 2, Outcome::kSkipped},
                          {1, 0, Outcome::kPassed}, {1, 1, Outcome::kPassed}, {1, 2, Outcome::kSkipped}});
  // Case 2: B fails; A and C skip.
  coverage.addCase(p, 0, {{0, 0, Outcome::kSkipped}, {0, 1, Outcome::kFailed}, {0, 2, Outcome::kSkipped}});
  // No policy decided it: counts for nothing.
  coverage.addCase(p, -1, {{0, 0, Outcome::kFailed}});

  CHECK(coverage.bothWays() == 2);
  CHECK(coverage.report() ==
        "coverage of p@1 (2 cases)\n"
        "  rule  applied  failed  passed\n"
        "  A           1       1       1\n"
        "  B           2       1       1\n"
        "  C           0       0       0\n"
        "  never failed: C\n"
        "  never passed: C\n"
        "coverage: 2 of 3 rules exercised both ways (66.7%)\n");
}

TEST_CASE("coverage: the same policy from two programs is counted once", "[coverage]") {
  ppl::Program first = program("1", {"A", "B"});
  ppl::Program second = program("1", {"A", "B"});
  ppl::Program other = program("2", {"A"});
  ppl::cli::RuleCoverage coverage;
  coverage.addProgram(first);
  coverage.addProgram(second);
  coverage.addProgram(other);
  CHECK(coverage.ruleCount() == 3);
  coverage.addCase(first, 0, {{0, 0, Outcome::kFailed}});
  coverage.addCase(second, 0, {{0, 0, Outcome::kPassed}});
  CHECK(coverage.bothWays() == 1);
  CHECK(coverage.summary() == "coverage: 1 of 3 rules exercised both ways (33.3%)\n");
}

TEST_CASE("coverage: percentages for people", "[coverage]") {
  CHECK(ppl::cli::formatPercent(75) == "75");
  CHECK(ppl::cli::formatPercent(100) == "100");
  CHECK(ppl::cli::formatPercent(0) == "0");
  CHECK(ppl::cli::formatPercent(97.368) == "97.4");
  CHECK(ppl::cli::RuleCoverage().percent() == 0);
}

TEST_CASE("junit: suites, cases and escaped failures", "[junit]") {
  std::vector<ppl::cli::JunitSuite> suites(1);
  suites[0].name = "a&b.test.json";
  suites[0].seconds = 0.25;
  suites[0].cases.push_back({"ok", false, "", 0.001});
  suites[0].cases.push_back({"x < \"y\"", true, "a.test.json: case x\n  decision\n    expected: <deny>\x01\n", 0.5});
  CHECK(ppl::cli::junitXml(suites) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"pplc test\" tests=\"2\" failures=\"1\" errors=\"0\" time=\"0.250\">\n"
        "  <testsuite name=\"a&amp;b.test.json\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.250\">\n"
        "    <testcase name=\"ok\" classname=\"a&amp;b\" time=\"0.001\"/>\n"
        "    <testcase name=\"x &lt; &quot;y&quot;\" classname=\"a&amp;b\" time=\"0.500\">\n"
        "      <failure message=\"a.test.json: case x\" type=\"failure\">a.test.json: case x\n"
        "  decision\n"
        "    expected: &lt;deny&gt;\xEF\xBF\xBD\n"
        "</failure>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
}

// A case that could not be run is an <error>, counted apart; the classname is the file as a dotted
// path without `.test.json`, since Jenkins takes what follows the last dot for the class (review18c
// M1, L1).
TEST_CASE("junit: errors apart from failures, dotted classnames", "[junit]") {
  std::vector<ppl::cli::JunitSuite> suites(2);
  suites[0].name = "./policies/tests/pa.test.json";
  suites[0].cases.push_back({"differs", true, "pa: case differs\n", 0});
  suites[0].cases.push_back({"bad", true, "pa: /cases/1/set: nothing at `/x`\n", 0, true});
  suites[1].name = "nope/policies/";
  suites[1].cases.push_back({"policies", true, "nope/policies/: no such file or directory\n", 0, true});
  CHECK(ppl::cli::junitXml(suites) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"pplc test\" tests=\"3\" failures=\"1\" errors=\"2\" time=\"0.000\">\n"
        "  <testsuite name=\"./policies/tests/pa.test.json\" tests=\"2\" failures=\"1\" errors=\"1\" skipped=\"0\" time=\"0.000\">\n"
        "    <testcase name=\"differs\" classname=\"policies.tests.pa\" time=\"0.000\">\n"
        "      <failure message=\"pa: case differs\" type=\"failure\">pa: case differs\n</failure>\n"
        "    </testcase>\n"
        "    <testcase name=\"bad\" classname=\"policies.tests.pa\" time=\"0.000\">\n"
        "      <error message=\"pa: /cases/1/set: nothing at `/x`\" type=\"error\">pa: /cases/1/set: nothing at `/x`\n</error>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "  <testsuite name=\"nope/policies/\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.000\">\n"
        "    <testcase name=\"policies\" classname=\"nope.policies\" time=\"0.000\">\n"
        "      <error message=\"nope/policies/: no such file or directory\" type=\"error\">nope/policies/: no such file or "
        "directory\n</error>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
}

TEST_CASE("junit: text XML cannot hold becomes U+FFFD, valid UTF-8 stays", "[junit]") {
  std::vector<ppl::cli::JunitSuite> suites(1);
  // é stays; U+FFFF (valid UTF-8, not XML) is one U+FFFD; a stray 0xFF byte and each byte of an
  // encoded surrogate (not UTF-8) are one U+FFFD each.
  suites[0].name = "caf\xC3\xA9 \xEF\xBF\xBF \xFF \xED\xA0\x80";
  const std::string xml = ppl::cli::junitXml(suites);
  CHECK(xml.find("<testsuite name=\"caf\xC3\xA9 \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"") !=
        std::string::npos);
}

// In an attribute a parser reads a raw tab, newline or carriage return as a space: they are
// written as character references there, and left as they are in an element's text.
TEST_CASE("junit: line breaks and tabs in attributes are character references", "[junit]") {
  std::vector<ppl::cli::JunitSuite> suites(1);
  suites[0].name = "t.test.json";
  suites[0].cases.push_back({"two\nlines\tand\r", true, "t: case two\nlines\n", 0});
  const std::string xml = ppl::cli::junitXml(suites);
  CHECK(xml.find("<testcase name=\"two&#10;lines&#9;and&#13;\" classname=\"t\"") != std::string::npos);
  CHECK(xml.find("<failure message=\"t: case two\" type=\"failure\">t: case two\nlines\n</failure>") !=
        std::string::npos);
}
