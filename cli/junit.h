// JUnit XML for CI servers: one <testsuite> per test file, one <testcase> per case, a <failure>
// (a decision other than expected) or an <error> (a case or file that could not be run)
// holding the report. The de facto schema (Jenkins, GitLab, GitHub actions) reads the
// attributes written here: name, classname, tests, failures, errors, time.
#pragma once

#include <string>
#include <vector>

namespace ppl::cli {

struct JunitCase {
  std::string name;
  bool failed = false;
  std::string failure;  // the report shown for a failure (plain text)
  double seconds = 0;
  bool error = false;   // failed because it could not be run: written as <error>, not <failure>
};

struct JunitSuite {
  std::string name;  // the test file as named on the command line
  std::vector<JunitCase> cases;
  double seconds = 0;
};

// The XML document (UTF-8, ending in a newline). Text is escaped; control characters XML 1.0
// cannot hold are replaced by U+FFFD. A case's classname is its suite's name as dotted path,
// without `.test.json` (`policies.tests.pa`): Jenkins takes the part after the last dot for
// the class.
std::string junitXml(const std::vector<JunitSuite>& suites);

}  // namespace ppl::cli
