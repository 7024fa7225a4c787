// The formatter: canonical text from messy text, comments kept where they were, nothing but
// whitespace changed, and formatting formatted text changes nothing, over every source in the
// repository and the parser tests' inputs.
#include "compiler/formatter.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace ppl;

namespace {

struct Formatted {
  bool ok = false;
  std::string out;
  std::string errors;
};

Formatted format(const std::string& text, const std::string& name = "test.ppl") {
  Formatted f;
  SourceManager sources;
  Diagnostics diags;
  const uint32_t file = sources.add(name, text);
  f.ok = formatSource(file, sources, f.out, diags);
  f.errors = renderDiagnostics(diags, sources);
  return f;
}

std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The text without the whitespace between tokens, by a scan independent of the lexer: strings
// verbatim, each comment (without trailing blanks) on a line of its own, nothing else.
std::string squeezed(const std::string& text) {
  std::string out;
  size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != '"' && text[j] != '\n') j += text[j] == '\\' ? 2 : 1;
      out += text.substr(i, j + 1 - i);
      i = j + 1;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      size_t j = text.find('\n', i);
      if (j == std::string::npos) j = text.size();
      std::string comment = text.substr(i, j - i);
      while (!comment.empty() && (comment.back() == ' ' || comment.back() == '\t' || comment.back() == '\r')) {
        comment.pop_back();
      }
      out += "\n" + comment + "\n";
      i = j;
    } else {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out += c;
      ++i;
    }
  }
  return out;
}

// Every check a formatted file must pass: it formats, keeps its tokens, is already canonical.
void checkStable(const std::string& text, const std::string& name) {
  INFO(name);
  const Formatted once = format(text, name);
  INFO(once.errors);
  REQUIRE(once.ok);
  CHECK(squeezed(once.out) == squeezed(text));
  CHECK(once.out.find(" \n") == std::string::npos);
  CHECK(once.out.find("\n\n\n") == std::string::npos);
  REQUIRE_FALSE(once.out.empty());
  CHECK(once.out.back() == '\n');
  CHECK(once.out.compare(once.out.size() - std::min<size_t>(2, once.out.size()), 2, "\n\n") != 0);
  const Formatted twice = format(once.out, name);
  REQUIRE(twice.ok);
  CHECK(twice.out == once.out);
}

// The string literals of a C++ file that look like PPL sources: the parser tests' inputs.
std::vector<std::string> pplLiterals(const std::string& cpp) {
  std::vector<std::string> found;
  size_t i = 0;
  while (i < cpp.size()) {
    if (cpp.compare(i, 6, "R\"PPL(") == 0) {
      const size_t end = cpp.find(")PPL\"", i + 6);
      if (end == std::string::npos) break;
      found.push_back(cpp.substr(i + 6, end - i - 6));
      i = end + 5;
    } else if (cpp[i] == '"' && (i == 0 || cpp[i - 1] != '\'')) {
      std::string s;
      size_t j = i + 1;
      for (; j < cpp.size() && cpp[j] != '"'; ++j) {
        if (cpp[j] != '\\' || j + 1 >= cpp.size()) {
          s += cpp[j];
          continue;
        }
        const char e = cpp[++j];
        if (e == 'n') s += '\n';
        else if (e == 't') s += '\t';
        else if (e == 'x' && j + 2 < cpp.size()) {
          s += static_cast<char>(std::stoi(cpp.substr(j + 1, 2), nullptr, 16));
          j += 2;
        } else s += e;
      }
      found.push_back(s);
      i = j + 1;
    } else {
      ++i;
    }
  }
  found.erase(std::remove_if(found.begin(), found.end(),
                             [](const std::string& s) {
                               return s.rfind("module", 0) != 0 && s.rfind("policy", 0) != 0 &&
                                      s.rfind("schema", 0) != 0 && s.rfind("//", 0) != 0;
                             }),
              found.end());
  return found;
}

// The text with its layout scrambled where the canonical layout fixes it: each line's indent,
// the blanks between tokens, line breaks after words no line may end with, trailing blanks.
std::string messedUp(const std::string& text, unsigned seed) {
  std::mt19937 rng(seed);
  auto pick = [&](std::initializer_list<const char*> options) {
    return std::string(options.begin()[rng() % options.size()]);
  };
  std::string out;
  size_t i = 0;
  bool lineStart = true;
  while (i < text.size()) {
    const char c = text[i];
    if (lineStart) {
      while (i < text.size() && text[i] == ' ') ++i;
      out += pick({"", " ", "\t", "        "});
      lineStart = false;
      continue;
    }
    if (c == '"' || (c == '/' && i + 1 < text.size() && text[i + 1] == '/')) {
      size_t j = i + 1;
      if (c == '"') {
        while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
        ++j;
      } else {
        j = std::min(text.find('\n', i), text.size());
      }
      out += text.substr(i, j - i);
      i = j;
    } else if (c == ' ') {
      while (i < text.size() && text[i] == ' ') ++i;
      static const char* const kBreakless[] = {"require", "deny", "pend", "CO", "to", "rule", "when"};
      const bool breakless = std::any_of(std::begin(kBreakless), std::end(kBreakless), [&](const char* w) {
        const size_t n = std::strlen(w);
        return out.size() > n && out.compare(out.size() - n, n, w) == 0 &&
               !std::isalnum(static_cast<unsigned char>(out[out.size() - n - 1])) && out[out.size() - n - 1] != '_';
      });
      out += breakless ? pick({" ", "\n", "\n\n   ", "\t"}) : pick({" ", "  ", "\t", " \t "});
    } else if (c == '\n') {
      out += pick({"", " ", "\t "}) + "\n";
      lineStart = true;
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  return out + pick({"", "\n", "\n\n"});
}

}  // namespace

TEST_CASE("every source in the repository formats stably", "[formatter]") {
  const fs::path root(PPL_SOURCE_DIR);
  std::vector<fs::path> files;
  for (const char* dir : {"policies", "examples", "tests", "stdlib"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      if (!e.is_regular_file() || e.path().extension() != ".ppl") continue;
      // The conformance corpus keeps broken sources too (their errors are what it tests).
      const bool conformance = e.path().string().find("/tests/conformance/") != std::string::npos;
      if (conformance && !format(readAll(e.path())).ok) continue;
      files.push_back(e.path());
    }
  }
  size_t corpus = 0;
  for (const auto& e : fs::directory_iterator(root / "fuzz/corpus/parse")) {
    if (!e.is_regular_file()) continue;
    const std::string text = readAll(e.path());
    if (!format(text).ok) continue;  // the corpus keeps broken inputs too
    files.push_back(e.path());
    ++corpus;
  }
  CHECK(corpus >= 5);
  CHECK(files.size() >= 15);
  for (const fs::path& p : files) checkStable(readAll(p), p.string());
}

TEST_CASE("the parser tests' inputs format stably", "[formatter]") {
  const std::string cpp = readAll(fs::path(PPL_SOURCE_DIR) / "tests/unit/parser_test.cpp");
  size_t parsed = 0, refused = 0;
  for (const std::string& text : pplLiterals(cpp)) {
    const Formatted f = format(text);
    if (!f.ok) {
      ++refused;
      INFO(text);
      CHECK(f.out.empty());
      CHECK(f.errors.find("test.ppl:") == 0);
      continue;
    }
    ++parsed;
    checkStable(text, text);
  }
  CHECK(parsed >= 5);
  CHECK(refused >= 10);
}

TEST_CASE("the policies are in the canonical layout", "[formatter]") {
  const fs::path root(PPL_SOURCE_DIR);
  for (const auto& e : fs::directory_iterator(root / "policies")) {
    if (e.path().extension() != ".ppl") continue;
    INFO(e.path().string());
    const std::string text = readAll(e.path());
    CHECK(format(text).out == text);
  }
}

TEST_CASE("scrambled policies format back to themselves", "[formatter]") {
  const fs::path root(PPL_SOURCE_DIR);
  std::vector<fs::path> files{root / "stdlib/claim.ppl", root / "examples/feature-tour/tour.ppl"};
  for (const auto& e : fs::directory_iterator(root / "policies")) {
    if (e.path().extension() == ".ppl") files.push_back(e.path());
  }
  for (const fs::path& p : files) {
    const std::string text = readAll(p);
    for (unsigned seed = 1; seed <= 5; ++seed) {
      const std::string messy = messedUp(text, seed);
      INFO(p.string() << " scrambled with seed " << seed << ":\n" << messy);
      const Formatted f = format(messy);
      INFO(f.errors);
      REQUIRE(f.ok);
      CHECK(f.out == text);
    }
  }
}

TEST_CASE("messy layout formats to the canonical text", "[formatter]") {
  SECTION("whitespace and line breaks inside declarations") {
    const Formatted f = format(
        "policy   demo-1 version \"1\" title \"t\"\n"
        "      line of business \"commercial\" ,\"medicare_advantage\"\n"
        "governs lines where line.hcpcs=\"J9027\"\n\n\n\n"
        "use   pack\nuse medicare-part-b with traditional_medicare=false ,x = 1\n"
        "const   steroids={ \"a\" , \"b\" }\n"
        "define covers( a : Authorization ,b:Line)=\n"
        "a.units+-1>=2 and sqrt( a.units )   <  3\n"
        "rule   MB-340B  \"msg\"   applies to governed only when  x   require\n"
        "y   else\n"
        "     deny CO 50 [ N1 ,N2 ]   \"m\"\n"
        "  adjust CO 45 by 20 % when z\n"
        "record R { a : optional list of string , default [ ] , at least - 1 b: one of ( \"x\" ) }\t \n"
        "\n\n");
    INFO(f.errors);
    REQUIRE(f.ok);
    CHECK(f.out ==
          "policy demo-1 version \"1\"\n"
          "  title \"t\"\n"
          "  line of business \"commercial\", \"medicare_advantage\"\n"
          "  governs lines where line.hcpcs = \"J9027\"\n"
          "\n"
          "use pack\n"
          "use medicare-part-b with traditional_medicare = false, x = 1\n"
          "const steroids = {\"a\", \"b\"}\n"
          "define covers(a: Authorization, b: Line) =\n"
          "  a.units + -1 >= 2 and sqrt(a.units) < 3\n"
          "rule MB-340B \"msg\"\n"
          "  applies to governed\n"
          "  only when x\n"
          "  require y\n"
          "    else deny CO 50 [N1, N2] \"m\"\n"
          "  adjust CO 45 by 20% when z\n"
          "record R {\n"
          "  a: optional list of string, default [], at least -1\n"
          "  b: one of (\"x\")\n"
          "}\n");
  }
  SECTION("continuation lines are re-indented, the author's breaks kept") {
    const Formatted f = format(
        "module m\n"
        "define after_docetaxel =\n"
        "        (any t in therapies where t.start < dos)\n"
        "           or (any a in administrations where a.date < dos)\n"
        "define soon =\n"
        "any a in administrations\n"
        "where a.date <= dos and\n"
        "dos - a.date < 18 days\n"
        "rule R\n"
        "require any m in meds\n"
        "where m.drug in steroids\n"
        "and m.start <= dos\n"
        "else pend CO 252 [M127]\n"
        "\"no steroid\"\n"
        "pend CO 16 when channel is absent\n"
        "\"no channel\"\n"
        "require if a\n"
        "then b\n"
        "else c\n"
        "else deny CO 4\n");
    INFO(f.errors);
    REQUIRE(f.ok);
    CHECK(f.out ==
          "module m\n"
          "define after_docetaxel =\n"
          "  (any t in therapies where t.start < dos)\n"
          "  or (any a in administrations where a.date < dos)\n"
          "define soon =\n"
          "  any a in administrations\n"
          "    where a.date <= dos and dos - a.date < 18 days\n"
          "rule R\n"
          "  require any m in meds\n"
          "      where m.drug in steroids\n"
          "          and m.start <= dos\n"
          "    else pend CO 252 [M127]\n"
          "      \"no steroid\"\n"
          "  pend CO 16 when channel is absent\n"
          "    \"no channel\"\n"
          "  require if a\n"
          "      then b\n"
          "      else c\n"
          "    else deny CO 4\n");
  }
  SECTION("brackets opened at the end of a line") {
    const Formatted f = format(
        "module m\n"
        "const s = {\n"
        "\"a\",\n"
        "    \"b\"\n"
        "   }\n"
        "define d = f(\n"
        "1, 2)\n");
    INFO(f.errors);
    REQUIRE(f.ok);
    CHECK(f.out ==
          "module m\n"
          "const s = {\n"
          "  \"a\",\n"
          "  \"b\"\n"
          "}\n"
          "define d = f(\n"
          "  1, 2)\n");
  }
}

TEST_CASE("comments stay where they were", "[formatter]") {
  SECTION("before, after and between declarations, at the end of a line, inside expressions") {
    const Formatted f = format(
        "   // file comment   \n"
        "module m   // the module\n"
        "\n\n"
        "    // about x\n"
        "const x = 1 // one\n"
        "const longer_name = 2     // two\n"
        "\n"
        "const y = 3       // alone\n"
        "rule R  // the rule\n"
        "      // before a clause\n"
        "require a and // why a\n"
        "b\n"
        "   // before else\n"
        "else deny CO 50\n"
        "// the end");
    INFO(f.errors);
    REQUIRE(f.ok);
    CHECK(f.out ==
          "// file comment\n"
          "module m  // the module\n"
          "\n"
          "// about x\n"
          "const x = 1            // one\n"
          "const longer_name = 2  // two\n"
          "\n"
          "const y = 3  // alone\n"
          "rule R       // the rule\n"
          "  // before a clause\n"
          "  require a and  // why a\n"
          "      b\n"
          "    // before else\n"
          "    else deny CO 50\n"
          "// the end\n");
  }
  SECTION("a comment where no line break may stand keeps its line break") {
    const Formatted f = format("module m\nrule // odd\n R require x else // odder\n deny CO 50\n");
    INFO(f.errors);
    REQUIRE(f.ok);
    CHECK(f.out == "module m\nrule  // odd\n  R\n  require x\n    else  // odder\n    deny CO 50\n");
    CHECK(format(f.out).out == f.out);
  }
}

TEST_CASE("a file that does not parse is reported, not formatted", "[formatter]") {
  const Formatted f = format("module m\nrule R\n  require 1 + else deny CO 50\n", "bad.ppl");
  CHECK_FALSE(f.ok);
  CHECK(f.out.empty());
  CHECK(f.errors.rfind("bad.ppl:3:", 0) == 0);
  CHECK(f.errors.find("error:") != std::string::npos);

  const Formatted dashed = format("module m\nrule MB - 340B\n  require true else deny CO 4\n", "bad.ppl");
  CHECK_FALSE(dashed.ok);
  CHECK(dashed.errors.rfind("bad.ppl:2:", 0) == 0);
}

TEST_CASE("only whitespace changes", "[formatter]") {
  const std::string text =
      "\xEF\xBB\xBFmodule m-2\r\nconst a = -(-1)*2 - -3 // c\t \r\nconst b = x.count ?? {}\r\n"
      "drug d code \"J1\"   acknowledge \"why\"\nrule X-1A-2 \"m\" deny CO \"A1\" when a not between -1 and 2\n"
      "  and b is not present and line is d and c not in {1} and e within 3 days after f \"{a} x\"\n";
  const Formatted f = format(text);
  INFO(f.errors);
  REQUIRE(f.ok);
  CHECK(squeezed(f.out) == squeezed(text));
  CHECK(f.out ==
        "module m-2\n"
        "const a = -(-1) * 2 - -3  // c\n"
        "const b = x.count ?? {}\n"
        "drug d code \"J1\" acknowledge \"why\"\n"
        "rule X-1A-2 \"m\"\n"
        "  deny CO \"A1\" when a not between -1 and 2\n"
        "      and b is not present and line is d and c not in {1} and e within 3 days after f \"{a} x\"\n");
  CHECK(format(f.out).out == f.out);
}

// A lone carriage return (old Mac line endings) ends a comment for the lexer; the layout takes
// it as the line break it is, rather than joining two comments into one.
TEST_CASE("lone carriage returns are line breaks", "[formatter]") {
  const Formatted f = format("module m\r// a\rconst x = 1 // b\r// c\rconst y = 2\r");
  INFO(f.errors);
  REQUIRE(f.ok);
  CHECK(f.out == "module m\n// a\nconst x = 1  // b\n// c\nconst y = 2\n");
  CHECK(format(f.out).out == f.out);
}
