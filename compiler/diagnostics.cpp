#include "compiler/diagnostics.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <tuple>
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

// Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions), or
// `limit + 1` once it must exceed `limit`. Three rows, not a table: two long names cost time
// in proportion, never memory.
size_t editDistance(const std::string& a, const std::string& b, size_t limit) {
  const size_t n = a.size(), m = b.size();
  std::vector<size_t> before(m + 1), prev(m + 1), cur(m + 1);  // rows i-2, i-1, i
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    size_t rowMin = cur[0];
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], before[j - 2] + 1);
      }
      rowMin = std::min(rowMin, cur[j]);
    }
    // A row's minimum never decreases further down (nor does the one before it, which a
    // transposition reads), so the distance is past the limit already.
    if (rowMin > limit && std::min(rowMin, *std::min_element(prev.begin(), prev.end())) > limit) return limit + 1;
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], limit + 1);
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
  File f{std::move(path), std::move(text), {0}};
  for (size_t i = 0; i < f.text.size(); ++i) {
    if (f.text[i] == '\n') f.lineStarts.push_back(i + 1);
  }
  files_.push_back(std::move(f));
  return static_cast<uint32_t>(files_.size() - 1);
}

std::string SourceManager::lineText(uint32_t file, uint32_t line) const {
  if (file >= files_.size() || line == 0) return "";
  const File& f = files_[file];
  if (line > f.lineStarts.size()) return "";
  const std::string& text = f.text;
  const size_t pos = f.lineStarts[line - 1];
  size_t end = text.find('\n', pos);
  if (end == std::string::npos) end = text.size();
  if (end > pos && text[end - 1] == '\r') --end;
  return text.substr(pos, end - pos);
}

void Diagnostics::internalError(Span span, std::string message) {
  ++internalErrors_;
  error(span, std::move(message));
}

void Diagnostics::error(Span span, std::string message, std::vector<std::string> notes) {
  if (++errors_ > kMaxErrors) {
    if (errors_ == kMaxErrors + 1) {
      Diagnostic stop;
      stop.severity = Severity::kNote;
      stop.span = Span{kNoFile};
      stop.message = "stopping after " + std::to_string(kMaxErrors) + " errors";
      items_.push_back(std::move(stop));
    }
    return;
  }
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

void Diagnostics::add(Diagnostic d) {
  if (d.severity == Severity::kError) ++errors_;
  items_.push_back(std::move(d));
}

void Diagnostics::sortFrom(size_t first, const std::string& stopNote) {
  if (first >= items_.size()) return;
  bool stopped = false;
  for (size_t i = first; i < items_.size() && !stopNote.empty(); ++i) {
    std::vector<std::string>& notes = items_[i].notes;
    const auto end = std::remove(notes.begin(), notes.end(), stopNote);
    stopped = stopped || end != notes.end();
    notes.erase(end, notes.end());
  }
  // A diagnostic of no file (kNoFile) sorts last: "stopping after N errors" stays the end.
  std::stable_sort(items_.begin() + static_cast<std::ptrdiff_t>(first), items_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.span.file, a.span.line, a.span.col) < std::tie(b.span.file, b.span.line, b.span.col);
                   });
  if (stopped) {
    // The last with a position: not the note of kMaxErrors, which has none.
    for (size_t i = items_.size(); i-- > first;) {
      if (items_[i].span.file != kNoFile) {
        items_[i].notes.push_back(stopNote);
        break;
      }
    }
  }
}

void Diagnostics::noteOnLastError(std::string note) {
  if (errors_ > kMaxErrors || items_.empty() || items_.back().severity != Severity::kError) return;
  items_.back().notes.push_back(std::move(note));
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

// A message or note as printed: control characters escaped (`\n`, `\x1b`), so that one
// diagnostic stays on its `file:line:col:` line and an escape cannot drive the terminal, and a
// run of more than kMaxShownWord characters without a space (a generated name) cut to its start.
// Paths are words too: the limit leaves them whole.
constexpr size_t kMaxShownWord = 200;
std::string shownText(const std::string& text) {
  std::string out;
  size_t word = 0;  // characters of the current run without a space
  bool cut = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ') {
      if (cut && text[i - 1] == '`') out += '`';  // the name's closing quote
      word = 0;
      cut = false;
    } else if (!isContinuationByte(c) && ++word > kMaxShownWord) {
      if (!cut) out += "...";
      cut = true;
    }
    if (cut) {
      if (i + 1 == text.size() && c == '`') out += '`';
      continue;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
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
  out += shownText(d.message);
  if (!d.lint.empty()) out += " [" + d.lint + "]";  // a lint's name, also when --werror made it an error
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
    out += shownText(note);
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
  // A name this long is generated, not misspelt, and comparing it with every candidate would
  // cost its length times theirs.
  constexpr size_t kMaxSuggestedFor = 100;
  if (name.empty() || name.size() > kMaxSuggestedFor) return "";
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
    const size_t dist = editDistance(name, c, limit);
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
