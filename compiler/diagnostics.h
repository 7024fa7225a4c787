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
  std::string lineText(uint32_t file, uint32_t line) const;
  uint32_t count() const { return static_cast<uint32_t>(files_.size()); }

 private:
  struct File {
    std::string path;
    std::string text;
  };
  std::vector<File> files_;
};

class Diagnostics {
 public:
  void error(Span span, std::string message, std::vector<std::string> notes = {});
  void warning(Span span, std::string lint, std::string message, std::vector<std::string> notes = {});
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  bool hasErrors() const;
  size_t errorCount() const;
  const std::vector<Diagnostic>& items() const { return items_; }

 private:
  std::vector<Diagnostic> items_;
};

// `file:line:col: error: message`, then the source line and a caret under the span, then notes.
std::string renderDiagnostic(const Diagnostic& d, const SourceManager& sources);
// All diagnostics in order, each rendered.
std::string renderDiagnostics(const Diagnostics& diags, const SourceManager& sources);

// The closest of `candidates` to `name` by edit distance, if close enough to suggest; else "".
std::string suggestName(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace ppl
