// JUnit XML for `pplc test --junit`: escaping and the attributes CI servers read (junit.h).
#include "cli/junit.h"

#include <cstdint>
#include <filesystem>

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

// Where escaped text goes. A parser reads a tab, newline or carriage return in an attribute as a
// space (XML's attribute-value normalization), so there they are written as character
// references: a case named over two lines keeps its line break in the report.
enum class XmlPlace { kElement, kAttribute };

// Text for an XML attribute or element: markup escaped, and each character XML cannot hold
// (a control character, malformed UTF-8, U+FFFE/U+FFFF) replaced by one U+FFFD, so the file
// always parses.
std::string escape(const std::string& text, XmlPlace place) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (place == XmlPlace::kAttribute && (c == '\t' || c == '\n' || c == '\r')) {
      out += fmt::format("&#{};", static_cast<int>(c));
      ++i;
      continue;
    }
    switch (c) {
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

// `policies/tests/pa.test.json` as `policies.tests.pa`: Jenkins splits a classname at its last
// dot into package and class, so the class must not be `json`.
std::string className(const std::string& suite) {
  std::string name = std::filesystem::path(suite).lexically_normal().generic_string();
  constexpr std::string_view kSuffix = ".test.json";
  if (name.size() > kSuffix.size() && name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
    name.resize(name.size() - kSuffix.size());
  }
  while (!name.empty() && name.back() == '/') name.pop_back();
  size_t start = 0;
  while (start < name.size() && name[start] == '/') ++start;
  name.erase(0, start);
  for (char& c : name) {
    if (c == '/') c = '.';
  }
  return name.empty() ? suite : name;
}

struct Counts {
  size_t failures = 0;
  size_t errors = 0;
};

Counts count(const JunitSuite& suite) {
  Counts n;
  for (const JunitCase& c : suite.cases) {
    if (c.failed) ++(c.error ? n.errors : n.failures);
  }
  return n;
}

}  // namespace

std::string junitXml(const std::vector<JunitSuite>& suites) {
  size_t tests = 0;
  Counts total;
  double time = 0;
  for (const JunitSuite& suite : suites) {
    tests += suite.cases.size();
    const Counts n = count(suite);
    total.failures += n.failures;
    total.errors += n.errors;
    time += suite.seconds;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"pplc test\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">\n", tests,
                     total.failures, total.errors, seconds(time));
  for (const JunitSuite& suite : suites) {
    const Counts n = count(suite);
    const std::string classname = escape(className(suite.name), XmlPlace::kAttribute);
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{}\">\n",
                       escape(suite.name, XmlPlace::kAttribute), suite.cases.size(), n.failures, n.errors, seconds(suite.seconds));
    for (const JunitCase& c : suite.cases) {
      out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"", escape(c.name, XmlPlace::kAttribute), classname,
                         seconds(c.seconds));
      if (!c.failed) {
        out += "/>\n";
        continue;
      }
      const char* element = c.error ? "error" : "failure";
      out += fmt::format(">\n      <{0} message=\"{1}\" type=\"{0}\">{2}</{0}>\n    </testcase>\n", element,
                         escape(firstLine(c.failure), XmlPlace::kAttribute), escape(c.failure, XmlPlace::kElement));
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace ppl::cli
