// Diagnostics are data: every stage appends them here, and only the CLI renders them, in the
// `file:line:col: error: message` form editors understand, with the source line and a caret.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ppl {

enum class Severity : uint8_t { kError, kWarning, kNote };

// Span::file of a diagnostic about no file in particular (a directory without policies, a
// file that cannot be read): printed without a position.
constexpr uint32_t kNoFile = UINT32_MAX;

struct Span {
  uint32_t file = 0;  // index in SourceManager, or kNoFile
  uint32_t line = 0;  // 1-based; 0 = no position
  uint32_t col = 0;   // 1-based
  uint32_t length = 1;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  Span span;
  std::string message;            // lower case, user input in backticks
  std::vector<std::string> notes; // extra lines ("did you mean `valid_through`?")
  std::string lint;               // for warnings: the lint's name, rendered as [name]
};

// The text of every source file a compilation read, for carets and for the source map.
class SourceManager {
 public:
  uint32_t add(std::string path, std::string text);
  const std::string& path(uint32_t file) const { return files_[file].path; }
  const std::string& text(uint32_t file) const { return files_[file].text; }
  // The text of a 1-based line without its line break; "" past the end.
  std::string lineText(uint32_t file, uint32_t line) const;
  uint32_t count() const { return static_cast<uint32_t>(files_.size()); }

 private:
  struct File {
    std::string path;
    std::string text;
    std::vector<size_t> lineStarts;  // offset of each line's first byte: a diagnostic's line at once
  };
  std::vector<File> files_;
};

// A compilation keeps at most this many errors: past it, a runaway input (thousands of bad
// lines) costs no more, and one note says the rest were dropped.
constexpr size_t kMaxErrors = 100;

class Diagnostics {
 public:
  // Kept only while fewer than kMaxErrors errors are; the first one dropped adds the note
  // "stopping after N errors".
  void error(Span span, std::string message, std::vector<std::string> notes = {});
  // An error of pplc itself, not of the input (a self-check failed: generated code that does
  // not verify, a formatter that would change tokens): reported like any error, and the
  // commands exit 3 for it, so that a script can tell a bug from bad input.
  void internalError(Span span, std::string message);
  bool hasInternalErrors() const { return internalErrors_ > 0; }
  void warning(Span span, std::string lint, std::string message, std::vector<std::string> notes = {});
  // Keeps `d` whatever its severity (a copy of diagnostics already collected).
  void add(Diagnostic d);
  // Appends a note to the last error, when it is the one just reported: a stage that learns
  // more about an error a nested check reported adds to it rather than reporting it twice.
  void noteOnLastError(std::string note);
  // Puts the diagnostics from index `first` on in source order (those at one position in the
  // order they came): a stage that checks some parts after the rest (the parser, message holes
  // after a file's syntax errors) still reports in the order of the text. `stopNote`, when one
  // of them has it, moves to the last of them: it says the stage stopped after all of them.
  void sortFrom(size_t first, const std::string& stopNote = "");
  bool hasErrors() const { return errors_ > 0; }
  // Every error reported, kept or dropped: a stage compares counts to learn whether it failed.
  size_t errorCount() const { return errors_; }
  // True once errors are being dropped: a stage can skip work (suggestions) no one will see.
  bool full() const { return errors_ >= kMaxErrors; }
  const std::vector<Diagnostic>& items() const { return items_; }

 private:
  std::vector<Diagnostic> items_;
  size_t errors_ = 0;
  size_t internalErrors_ = 0;
};

// `file:line:col: error: message`, then the source line and a caret under the span, then notes.
std::string renderDiagnostic(const Diagnostic& d, const SourceManager& sources);
// All diagnostics in order, each rendered.
std::string renderDiagnostics(const Diagnostics& diags, const SourceManager& sources);

// The closest of `candidates` to `name` by edit distance, if close enough to suggest; else "".
std::string suggestName(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace ppl
