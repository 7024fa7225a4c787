#include "compiler/diagnostics.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "runtime/utf8.h"

namespace ppl {

namespace {

const char* severityName(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "error";
}

// Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions).
size_t editDistance(const std::string& a, const std::string& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::string lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

uint32_t SourceManager::add(std::string path, std::string text) {
  // A lone CR (old Mac line endings) ends a line for the reader but not for ANTLR's line
  // count, which would put every position on line 1; as a LF it is both. Same length, so
  // offsets do not move; CRLF is left alone.
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) text[i] = '\n';
  }
  files_.push_back(File{std::move(path), std::move(text)});
  return static_cast<uint32_t>(files_.size() - 1);
}

std::string SourceManager::lineText(uint32_t file, uint32_t line) const {
  if (file >= files_.size() || line == 0) return "";
  const std::string& text = files_[file].text;
  size_t pos = 0;
  for (uint32_t l = 1; l < line; ++l) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return "";
    ++pos;
  }
  size_t end = text.find('\n', pos);
  if (end == std::string::npos) end = text.size();
  if (end > pos && text[end - 1] == '\r') --end;
  return text.substr(pos, end - pos);
}

void Diagnostics::error(Span span, std::string message, std::vector<std::string> notes) {
  Diagnostic d;
  d.severity = Severity::kError;
  d.span = span;
  d.message = std::move(message);
  d.notes = std::move(notes);
  items_.push_back(std::move(d));
}

void Diagnostics::warning(Span span, std::string lint, std::string message, std::vector<std::string> notes) {
  Diagnostic d;
  d.severity = Severity::kWarning;
  d.span = span;
  d.message = std::move(message);
  d.notes = std::move(notes);
  d.lint = std::move(lint);
  items_.push_back(std::move(d));
}

bool Diagnostics::hasErrors() const { return errorCount() > 0; }

size_t Diagnostics::errorCount() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(),
                                           [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}

namespace {

// A source line longer than this many characters is shown as a window around the column: a
// generated or hostile file can have one line of megabytes, and every error would repeat it.
constexpr uint32_t kMaxShownChars = 160;

// Cuts `line` to kMaxShownChars characters around `col` (1-based, in characters), marking a cut
// with "...", and moves `col` to the same character in what is left.
void clipAround(std::string& line, uint32_t& col) {
  std::vector<size_t> starts;  // byte offset of each character
  for (size_t i = 0; i < line.size(); ++i) {
    if (!isContinuationByte(static_cast<unsigned char>(line[i]))) starts.push_back(i);
  }
  const uint32_t chars = static_cast<uint32_t>(starts.size());
  if (chars <= kMaxShownChars) return;
  const uint32_t wanted = std::min(col - 1, chars);  // the caret's character (or one past the end)
  const uint32_t first = wanted > kMaxShownChars / 3 ? std::min(wanted - kMaxShownChars / 3, chars - kMaxShownChars) : 0;
  const uint32_t last = first + kMaxShownChars;  // one past
  std::string shown = first > 0 ? "..." : "";
  const size_t from = starts[first];
  const size_t to = last < chars ? starts[last] : line.size();
  shown.append(line, from, to - from);
  if (last < chars) shown += "...";
  col = col - first + (first > 0 ? 3 : 0);
  line = std::move(shown);
}

// Replaces control characters but the tab with U+FFFD, one character for one: a NUL would end
// the message where it is printed as a C string, and an escape would drive the terminal.
void showControls(std::string& line) {
  std::string shown;
  for (char ch : line) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      shown += "\xEF\xBF\xBD";
    } else {
      shown += ch;
    }
  }
  line = std::move(shown);
}

}  // namespace

std::string renderDiagnostic(const Diagnostic& d, const SourceManager& sources) {
  const bool haveFile = d.span.file < sources.count();
  std::string out;
  if (haveFile) {
    out += sources.path(d.span.file);
    if (d.span.line > 0) {
      out += ':' + std::to_string(d.span.line) + ':' + std::to_string(std::max<uint32_t>(d.span.col, 1));
    }
    out += ": ";
  }
  out += severityName(d.severity);
  out += ": ";
  out += d.message;
  if (d.severity == Severity::kWarning && !d.lint.empty()) out += " [" + d.lint + "]";
  out += '\n';

  if (haveFile && d.span.line > 0) {
    std::string line = sources.lineText(d.span.file, d.span.line);
    uint32_t col = std::max<uint32_t>(d.span.col, 1);
    clipAround(line, col);
    showControls(line);
    out += line;
    out += '\n';
    // Keep the line's tabs in the caret line so the caret sits under the same character.
    std::string caret;
    uint32_t c = 1;
    size_t i = 0;
    while (c < col && i < line.size()) {
      caret += line[i] == '\t' ? '\t' : ' ';
      ++i;
      while (i < line.size() && isContinuationByte(static_cast<unsigned char>(line[i]))) ++i;
      ++c;
    }
    for (; c < col; ++c) caret += ' ';  // a position just past the end of the line (end of file)
    caret += '^';
    // Tildes for the rest of the span, but not past the end of the line.
    uint32_t lineChars = c - 1;
    for (size_t j = i; j < line.size(); ++j) {
      if (!isContinuationByte(static_cast<unsigned char>(line[j]))) ++lineChars;
    }
    const uint32_t length = std::max<uint32_t>(d.span.length, 1);
    uint32_t last = col + length - 1;  // column of the span's last character
    if (last > lineChars) last = std::max(lineChars, col);
    for (uint32_t k = col + 1; k <= last; ++k) caret += '~';
    out += caret;
    out += '\n';
  }
  for (const std::string& note : d.notes) {
    out += "  note: ";
    out += note;
    out += '\n';
  }
  return out;
}

std::string renderDiagnostics(const Diagnostics& diags, const SourceManager& sources) {
  std::string out;
  for (const Diagnostic& d : diags.items()) out += renderDiagnostic(d, sources);
  return out;
}

std::string suggestName(const std::string& name, const std::vector<std::string>& candidates) {
  if (name.empty()) return "";
  // A difference of case alone is the likeliest slip: prefer it outright.
  const std::string lowered = lower(name);
  for (const std::string& c : candidates) {
    if (c != name && lower(c) == lowered) return c;
  }
  const size_t limit = std::max<size_t>(1, name.size() / 3);
  size_t best = limit + 1;
  std::string bestName;
  bool tie = false;
  for (const std::string& c : candidates) {
    if (c == name) continue;
    // Cheap bound: the length difference alone is a lower bound on the distance.
    const size_t diff = c.size() > name.size() ? c.size() - name.size() : name.size() - c.size();
    if (diff > limit) continue;
    const size_t dist = editDistance(name, c);
    if (dist < best) {
      best = dist;
      bestName = c;
      tie = false;
    } else if (dist == best && c != bestName) {
      tie = true;
    }
  }
  // Two equally close names: guessing would mislead as often as help.
  if (best > limit || tie) return "";
  return bestName;
}

}  // namespace ppl
