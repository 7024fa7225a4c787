// JUnit XML for `pplc test --junit`: escaping and the attributes CI servers read (junit.h).
#include "cli/junit.h"

#include <cstdint>

#include <fmt/core.h>

#include "runtime/utf8.h"

namespace ppl::cli {
namespace {

// The UTF-8 sequence at text[i]: how many bytes it spans (1 for a byte that starts none) and
// whether XML 1.0 allows it (valid UTF-8, and no U+FFFE, U+FFFF or control characters other
// than tab, newline and carriage return).
struct XmlChar {
  size_t length;
  bool allowed;
};

XmlChar xmlChar(const std::string& text, size_t i) {
  uint32_t cp = 0;
  const size_t length = decodeUtf8(text, i, cp);
  if (length == 0) return {1, false};
  if (cp < 0x80) return {1, cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r'};
  return {length, cp != 0xFFFE && cp != 0xFFFF};
}

// Text for an XML attribute or element: markup escaped, and each character XML cannot hold
// (a control character, malformed UTF-8, U+FFFE/U+FFFF) replaced by one U+FFFD, so the file
// always parses.
std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    switch (text[i]) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: {
        const XmlChar ch = xmlChar(text, i);
        if (ch.allowed) {
          out.append(text, i, ch.length);
        } else {
          out += "\xEF\xBF\xBD";
        }
        i += ch.length;
        continue;
      }
    }
    ++i;
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
