// The canonical layout (docs/formatting.md), token by token. ANTLR's lexer gives every token
// with its line, comments included (they are on the HIDDEN channel); the parse tree tells what
// each token belongs to: which tokens start a declaration or a clause (always a new line),
// where the author's line breaks may stay (before an operator, after `=` or `,`, ...) and how
// far a continuation line is indented. Like parser.cpp, this file keeps ANTLR to itself; the
// syntax errors of a file that does not parse are parser.cpp's to report.
#include "compiler/formatter.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "PPLLexer.h"
#include "PPLParser.h"
#include "antlr4-runtime.h"
#include "compiler/parser.h"
#include "runtime/utf8.h"

namespace ppl {

namespace {

using G = grammar::PPLParser;
using antlr4::ParserRuleContext;
using antlr4::Token;
using antlr4::tree::TerminalNode;

constexpr int kIndent = 2;              // a clause under its declaration; a line under what it continues
constexpr int kExprContinuation = 4;    // an expression's next line when the expression started mid-line
constexpr size_t kCommentGap = 2;       // spaces between code and an end-of-line comment

// A token as the layout sees it: comments keep their text, minus trailing whitespace.
struct Tok {
  std::string text;
  size_t type = 0;
  size_t line = 0;
  bool comment = false;
};

size_t width(std::string_view s) { return codePoints(s); }

std::string withoutTrailingBlanks(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

// A byte order mark is not text; the canonical file has none (the parser drops it too).
std::string withoutBom(const std::string& text) {
  if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) return text.substr(3);
  return text;
}

Tok tokOf(Token* t) {
  Tok k;
  k.type = t->getType();
  k.line = t->getLine();
  k.comment = t->getChannel() != Token::DEFAULT_CHANNEL;
  k.text = k.comment ? withoutTrailingBlanks(t->getText()) : t->getText();
  return k;
}

// Every token but EOF, comments included: what the safety check compares.
std::vector<Tok> lex(const std::string& text) {
  antlr4::ANTLRInputStream input(text);
  grammar::PPLLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  std::vector<Tok> out;
  for (Token* t : tokens.getTokens()) {
    if (t->getType() != Token::EOF) out.push_back(tokOf(t));
  }
  return out;
}

bool isOpener(std::string_view s) { return s == "(" || s == "{" || s == "["; }
bool isCloser(std::string_view s) { return s == ")" || s == "}" || s == "]"; }

// One output line: its code, and an end-of-line comment if it has one.
struct Line {
  int indent = 0;
  std::string code;
  std::string comment;
  bool blankBefore = false;
  long firstTok = -1;  // -1 for a line holding only a comment
};

class Layout {
 public:
  Layout(antlr4::CommonTokenStream& stream, G::FileContext* tree) {
    for (Token* t : stream.getTokens()) {
      if (t->getType() == Token::EOF) break;
      toks_.push_back(tokOf(t));
    }
    nodes_.assign(toks_.size(), nullptr);
    collect(tree);
  }

  std::string render() {
    place();
    return print();
  }

 private:
  void collect(antlr4::tree::ParseTree* t) {
    for (antlr4::tree::ParseTree* c : t->children) {
      if (auto* term = dynamic_cast<TerminalNode*>(c)) {
        const size_t i = term->getSymbol()->getTokenIndex();
        if (i < nodes_.size()) nodes_[i] = term;
      } else {
        collect(c);
      }
    }
  }

  ParserRuleContext* parentOf(size_t i) const {
    return nodes_[i] == nullptr ? nullptr : dynamic_cast<ParserRuleContext*>(nodes_[i]->parent);
  }

  static size_t startOf(ParserRuleContext* c) { return c->getStart()->getTokenIndex(); }

  template <typename T>
  bool parentIs(size_t i) const {
    return dynamic_cast<T*>(parentOf(i)) != nullptr;
  }

  bool isFirstChild(size_t i) const {
    ParserRuleContext* p = parentOf(i);
    return p != nullptr && !p->children.empty() && p->children.front() == nodes_[i];
  }

  // The innermost construct the token continues: the lowest enclosing node that starts before it.
  ParserRuleContext* owner(size_t i) const {
    for (ParserRuleContext* c = parentOf(i); c != nullptr; c = dynamic_cast<ParserRuleContext*>(c->parent)) {
      if (startOf(c) < i) return c;
    }
    return nullptr;
  }

  // Declarations, header and rule clauses and record fields each start a line (so do a record's
  // `}` and a `require`'s `else`: see place()).
  bool startsItem(size_t i) const {
    for (ParserRuleContext* c = parentOf(i); c != nullptr && startOf(c) == i;
         c = dynamic_cast<ParserRuleContext*>(c->parent)) {
      if (dynamic_cast<G::HeaderContext*>(c) || dynamic_cast<G::UseDeclContext*>(c) ||
          dynamic_cast<G::DeclContext*>(c) || dynamic_cast<G::PolicyClauseContext*>(c) ||
          dynamic_cast<G::RuleClauseContext*>(c) || dynamic_cast<G::FieldDeclContext*>(c)) {
        return true;
      }
    }
    return false;
  }

  G::DashedNameContext* dashedNameOf(size_t i) const {
    for (ParserRuleContext* c = parentOf(i); c != nullptr; c = dynamic_cast<ParserRuleContext*>(c->parent)) {
      if (auto* d = dynamic_cast<G::DashedNameContext*>(c)) return d;
      if (!dynamic_cast<G::NamePartContext*>(c) && !dynamic_cast<G::NameContext*>(c)) return nullptr;
    }
    return nullptr;
  }

  bool isPrefixMinus(size_t i) const {
    return toks_[i].text == "-" && isFirstChild(i) &&
           (parentIs<G::NegExprContext>(i) || parentIs<G::NegBoundContext>(i) || parentIs<G::SignedNumberContext>(i));
  }

  // An infix operator: a line that starts with one lines up with its left operand's line.
  bool isBinaryOp(size_t i) const {
    if (isFirstChild(i)) return false;
    const std::string& s = toks_[i].text;
    ParserRuleContext* p = parentOf(i);
    if (dynamic_cast<G::MulExprContext*>(p) || dynamic_cast<G::AddExprContext*>(p) ||
        dynamic_cast<G::DefaultExprContext*>(p) || dynamic_cast<G::CompareExprContext*>(p) ||
        dynamic_cast<G::AndExprContext*>(p) || dynamic_cast<G::OrExprContext*>(p) ||
        dynamic_cast<G::InExprContext*>(p) || dynamic_cast<G::BetweenExprContext*>(p) ||
        dynamic_cast<G::MulBoundContext*>(p) || dynamic_cast<G::AddBoundContext*>(p) ||
        dynamic_cast<G::DefaultBoundContext*>(p)) {
      return true;
    }
    if (dynamic_cast<G::WithinExprContext*>(p)) return s == "within";
    if (dynamic_cast<G::PresenceExprContext*>(p) || dynamic_cast<G::LineClassExprContext*>(p)) return s == "is";
    return false;
  }

  // The keywords inside an expression that a line may start with (`where`, `then`, ...).
  bool isExprKeyword(size_t i) const {
    const std::string& s = toks_[i].text;
    ParserRuleContext* p = parentOf(i);
    if (dynamic_cast<G::IfExprContext*>(p)) return s == "then" || s == "else";
    if (dynamic_cast<G::ExistsExprContext*>(p) || dynamic_cast<G::EveryExprContext*>(p) ||
        dynamic_cast<G::CountExprContext*>(p) || dynamic_cast<G::AggregateExprContext*>(p)) {
      return s == "where" || s == "satisfies" || s == "for";
    }
    return false;
  }

  bool startsExpr(size_t i) const {
    ParserRuleContext* p = parentOf(i);
    for (ParserRuleContext* c = p; c != nullptr && startOf(c) == i; c = dynamic_cast<ParserRuleContext*>(c->parent)) {
      if (dynamic_cast<G::ExprContext*>(c)) return true;
    }
    return false;
  }

  // Where the author's line break is kept; everywhere else the line is joined.
  bool breakAllowed(size_t i, long prev) const {
    const std::string& s = toks_[i].text;
    if (isBinaryOp(i) || isExprKeyword(i)) return true;
    if (s == "when" && (parentIs<G::FailWhenClauseContext>(i) || parentIs<G::AdjustClauseContext>(i))) return true;
    if (s == "through" && (parentIs<G::EffectiveClauseContext>(i) || parentIs<G::RuleEffectiveClauseContext>(i))) {
      return true;
    }
    if (s == "acknowledge" && parentIs<G::DrugDeclContext>(i)) return true;
    if (s == "with" && parentIs<G::UseDeclContext>(i)) return true;
    if (parentIs<G::MessageContext>(i)) return true;
    if (prev < 0) return false;
    const std::string& p = toks_[static_cast<size_t>(prev)].text;
    if (p == "," || isOpener(p)) return true;
    if ((p == "=" || p == ":") && startsExpr(i)) return true;
    if (isCloser(s) && !open_.empty()) return open_.back().brokeAfter;
    return false;
  }

  bool spaceBetween(size_t prev, size_t i) const {
    const std::string& p = toks_[prev].text;
    const std::string& s = toks_[i].text;
    if (p == "(" || p == "[" || p == "{" || p == ".") return false;
    if (s == ")" || s == "]" || s == "}" || s == "," || s == "." || s == ":" || s == "%") return false;
    if (s == "(" && toks_[prev].type == grammar::PPLLexer::IDENT) return false;  // a call, a define's parameters
    if (isPrefixMinus(prev)) return false;
    G::DashedNameContext* d = dashedNameOf(prev);
    return d == nullptr || d != dashedNameOf(i);  // `MB-340B` must touch
  }

  int indentOf(size_t i) const {
    ParserRuleContext* a = owner(i);
    if (a == nullptr || dynamic_cast<G::FileContext*>(a)) return 0;
    const size_t start = startOf(a);
    const Line& home = lines_[lineOf_[start]];
    const int x = home.indent;
    if (isCloser(toks_[i].text)) return x;
    if (home.firstTok == static_cast<long>(start)) return isBinaryOp(i) ? x : x + kIndent;
    const bool expression = dynamic_cast<G::ExprContext*>(a) || dynamic_cast<G::BoundContext*>(a);
    return x + (expression ? kExprContinuation : kIndent);
  }

  void newLine(int indent, bool blankBefore, long firstTok) {
    Line l;
    l.indent = indent;
    l.blankBefore = blankBefore && !lines_.empty();
    l.firstTok = firstTok;
    lines_.push_back(std::move(l));
  }

  // Decides each token's line and the indentation of every line.
  void place() {
    lineOf_.assign(toks_.size(), 0);
    std::vector<size_t> pendingComments;  // comment lines that take the next code line's indent
    long prev = -1;                       // the previous code token
    for (size_t i = 0; i < toks_.size(); ++i) {
      const Tok& t = toks_[i];
      const size_t newlines = i == 0 ? 0 : t.line - toks_[i - 1].line;
      if (t.comment) {
        if (lines_.empty() || newlines > 0) {
          newLine(0, newlines >= 2, -1);
          lines_.back().code = t.text;
          pendingComments.push_back(lines_.size() - 1);
        } else {
          lines_.back().comment = t.text;
        }
        continue;
      }
      const bool afterComment = i > 0 && toks_[i - 1].comment;
      const bool brk = lines_.empty() || afterComment || startsItem(i) ||
                       (toks_[i].text == "}" && parentIs<G::RecordDeclContext>(i)) ||
                       (toks_[i].text == "else" && parentIs<G::RequireClauseContext>(i)) ||
                       (newlines > 0 && breakAllowed(i, prev));
      if (brk) {
        if (prev >= 0 && !open_.empty() && open_.back().token == static_cast<size_t>(prev)) {
          open_.back().brokeAfter = true;
        }
        const int indent = lines_.empty() ? 0 : indentOf(i);
        for (size_t k : pendingComments) lines_[k].indent = indent;
        pendingComments.clear();
        newLine(indent, newlines >= 2, static_cast<long>(i));
        lines_.back().code = t.text;
      } else {
        Line& l = lines_.back();
        if (spaceBetween(static_cast<size_t>(prev), i)) l.code += ' ';
        l.code += t.text;
      }
      lineOf_[i] = lines_.size() - 1;
      if (t.type != grammar::PPLLexer::STRING) {
        if (isOpener(t.text)) open_.push_back(Open{i, false});
        if (isCloser(t.text) && !open_.empty()) open_.pop_back();
      }
      prev = static_cast<long>(i);
    }
    for (size_t k : pendingComments) lines_[k].indent = 0;
  }

  // End-of-line comments on consecutive lines share a column: two spaces past the longest code.
  std::string print() const {
    std::vector<size_t> column(lines_.size(), 0);
    for (size_t k = 0; k < lines_.size();) {
      if (lines_[k].comment.empty()) {
        ++k;
        continue;
      }
      size_t end = k;
      size_t widest = 0;
      while (end < lines_.size() && !lines_[end].comment.empty() && (end == k || !lines_[end].blankBefore)) {
        widest = std::max(widest, static_cast<size_t>(lines_[end].indent) + width(lines_[end].code));
        ++end;
      }
      for (size_t j = k; j < end; ++j) column[j] = widest + kCommentGap;
      k = end;
    }
    std::string out;
    for (size_t k = 0; k < lines_.size(); ++k) {
      const Line& l = lines_[k];
      if (l.blankBefore) out += '\n';
      out.append(static_cast<size_t>(l.indent), ' ');
      out += l.code;
      if (!l.comment.empty()) {
        out.append(column[k] - static_cast<size_t>(l.indent) - width(l.code), ' ');
        out += l.comment;
      }
      out += '\n';
    }
    return out;
  }

  struct Open {
    size_t token;
    bool brokeAfter;
  };

  std::vector<Tok> toks_;
  std::vector<TerminalNode*> nodes_;
  std::vector<Line> lines_;
  std::vector<size_t> lineOf_;
  std::vector<Open> open_;
};

// The parse is known to succeed (parseUnit said so): errors here are internal.
bool layout(const std::string& text, std::string& out) {
  antlr4::ANTLRInputStream input(text);
  grammar::PPLLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  auto parse = [&](antlr4::atn::PredictionMode mode) {
    auto parser = std::make_unique<G>(&tokens);
    parser->removeErrorListeners();
    parser->setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    parser->getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(mode);
    return parser;
  };
  std::unique_ptr<G> parser = parse(antlr4::atn::PredictionMode::SLL);
  G::FileContext* tree = nullptr;
  try {
    tree = parser->file();
  } catch (const antlr4::ParseCancellationException&) {
    tokens.seek(0);
    parser = parse(antlr4::atn::PredictionMode::LL);
    tree = parser->file();
  }
  out = Layout(tokens, tree).render();
  return true;
}

// The first place the two token lists differ, as `line L of the input`; empty when equal.
std::string firstDifference(const std::vector<Tok>& a, const std::vector<Tok>& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i].type != b[i].type || a[i].text != b[i].text) return "line " + std::to_string(a[i].line);
  }
  if (a.size() != b.size()) return "the end";
  return "";
}

}  // namespace

bool formatSource(uint32_t file, const SourceManager& sources, std::string& out, Diagnostics& diags) {
  out.clear();
  const size_t errorsBefore = diags.errorCount();
  if (parseUnit(file, sources, diags) == nullptr || diags.errorCount() != errorsBefore) return false;
  const Span top{file, 1, 1, 1};
  // A carriage return alone (an old Mac line ending) ends a line for the lexer's comments but
  // not for its line count: make it the line feed the layout counts by.
  std::string text = withoutBom(sources.text(file));
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) text[i] = '\n';
  }
  std::string result;
  try {
    layout(text, result);
    // The safety net: only whitespace may change, and the result must still parse.
    const std::string where = firstDifference(lex(text), lex(result));
    if (!where.empty()) {
      diags.internalError(top, "internal error: formatting would change the tokens of this file (at " + where +
                           "); it is left as it is");
      return false;
    }
  } catch (const std::exception& e) {
    diags.internalError(top, std::string("internal error: the formatter failed on this file: ") + e.what());
    return false;
  } catch (...) {
    diags.internalError(top, "internal error: the formatter failed on this file");
    return false;
  }
  if (result.size() > ParseLimits{}.maxBytes) {
    diags.error(top, "formatted, the file would be larger than the " + std::to_string(ParseLimits{}.maxBytes) +
                         "-byte limit; it is left as it is");
    return false;
  }
  SourceManager again;
  Diagnostics againDiags;
  const uint32_t id = again.add(sources.path(file), result);
  if (parseUnit(id, again, againDiags) == nullptr || againDiags.hasErrors()) {
    diags.internalError(top, "internal error: the formatted file would not parse; it is left as it is");
    return false;
  }
  out = std::move(result);
  return true;
}

}  // namespace ppl
