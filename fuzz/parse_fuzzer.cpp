// Fuzz target for the parser: bytes -> one source file -> parseUnit (and parseExpression, which
// message holes use), then every diagnostic rendered with its source line and caret; a file
// that parses is also formatted (`pplc fmt`), twice.
//
// Checks: no crash, hang, sanitizer report or escaped exception on any input (the parser's
// ParseLimits cap size, nesting and error recovery); a null unit comes with an error; every
// diagnostic points into the file it was given; a file that parses formats (the formatter's own
// check that only whitespace changed passes), and formatting the result changes nothing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/diagnostics.h"
#include "compiler/formatter.h"
#include "compiler/parser.h"
#include "fuzz/fuzz_common.h"

namespace {

uint32_t lineCount(const std::string& text) {
  uint32_t n = 1;
  for (char c : text) n += c == '\n';
  return n;
}

void checkDiagnostics(const ppl::Diagnostics& diags, const ppl::SourceManager& sources, uint32_t file,
                      const std::string& text, const char* what) {
  const uint32_t lines = lineCount(text);
  for (const ppl::Diagnostic& d : diags.items()) {
    PPL_FUZZ_CHECK(!d.message.empty(), "%s: a diagnostic without a message", what);
    PPL_FUZZ_CHECK(d.span.file == file, "%s: diagnostic `%s` names file %u", what, d.message.c_str(), d.span.file);
    PPL_FUZZ_CHECK(d.span.line <= lines, "%s: diagnostic `%s` at line %u of a %u-line file", what,
                   d.message.c_str(), d.span.line, lines);
  }
  (void)ppl::renderDiagnostics(diags, sources);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);

  ppl::SourceManager sources;
  const uint32_t file = sources.add("fuzz.ppl", text);
  {
    ppl::Diagnostics diags;
    std::unique_ptr<ppl::ast::Unit> unit = ppl::parseUnit(file, sources, diags);
    PPL_FUZZ_CHECK(unit != nullptr || diags.hasErrors(), "parseUnit returned null without an error");
    // Lines of the text as the SourceManager keeps it: a lone CR ends a line there.
    checkDiagnostics(diags, sources, file, sources.text(file), "parseUnit");
    if (unit != nullptr) {
      std::string once, twice;
      ppl::Diagnostics fmtDiags;
      PPL_FUZZ_CHECK(ppl::formatSource(file, sources, once, fmtDiags), "a file that parses does not format: %s",
                     ppl::renderDiagnostics(fmtDiags, sources).c_str());
      ppl::SourceManager again;
      const uint32_t formatted = again.add("fuzz.ppl", once);
      PPL_FUZZ_CHECK(ppl::formatSource(formatted, again, twice, fmtDiags) && twice == once,
                     "formatting is not stable:\n%s\n---- formatted again:\n%s", once.c_str(), twice.c_str());
    }
  }
  {
    ppl::Diagnostics diags;
    ppl::ast::ExprPtr expr = ppl::parseExpression(file, text, 1, 1, diags);
    PPL_FUZZ_CHECK(expr != nullptr || diags.hasErrors(), "parseExpression returned null without an error");
    checkDiagnostics(diags, sources, file, text, "parseExpression");
  }
  return 0;
}
