#include "cli/junit.h"

#include <fmt/core.h>

namespace ppl::cli {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string seconds(double s) { return fmt::format("{:.3f}", s); }

// The first line of a report, for the failure's message attribute.
std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

std::string junitXml(const std::vector<JunitSuite>& suites) {
  size_t tests = 0;
  size_t failures = 0;
  double total = 0;
  for (const JunitSuite& suite : suites) {
    tests += suite.cases.size();
    for (const JunitCase& c : suite.cases) failures += c.failed ? 1 : 0;
    total += suite.seconds;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"pplc test\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{}\">\n",
                     tests, failures, seconds(total));
  for (const JunitSuite& suite : suites) {
    size_t failed = 0;
    for (const JunitCase& c : suite.cases) failed += c.failed ? 1 : 0;
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{}\">\n",
                       escape(suite.name), suite.cases.size(), failed, seconds(suite.seconds));
    for (const JunitCase& c : suite.cases) {
      out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"", escape(c.name), escape(suite.name),
                         seconds(c.seconds));
      if (!c.failed) {
        out += "/>\n";
        continue;
      }
      out += fmt::format(">\n      <failure message=\"{}\" type=\"failure\">{}</failure>\n    </testcase>\n",
                         escape(firstLine(c.failure)), escape(c.failure));
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace ppl::cli
