// Source text -> AST. This is the only file that sees ANTLR: the parse tree is converted to
// ast::Unit before the parser goes out of scope, ANTLR's console listener is replaced by ours,
// and everything ANTLR might throw is caught here. Hostile input is cut off before ANTLR's
// recursive descent sees it: size, UTF-8 validity and nesting depth are checked first.
#include "compiler/parser.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iterator>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "PPLLexer.h"
#include "PPLParser.h"
#include "antlr4-runtime.h"
#include "runtime/utf8.h"
#include "runtime/date.h"
#include "runtime/decision.h"

namespace ppl {

namespace {

using G = grammar::PPLParser;
using antlr4::Token;
using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;
using ast::BinaryOp;

// Thrown by our error strategy once maxSyntaxErrors have been reported: ANTLR's generated code
// only catches RecognitionException, so this unwinds straight to parseUnit/parseExpression.
struct TooManySyntaxErrors {};
// Thrown by the tree converter when the tree is not what the grammar promises (only possible
// after an error ANTLR recovered from silently): the unit is abandoned.
struct MalformedTree {};

template <typename T>
T* need(T* p) {
  if (p == nullptr) throw MalformedTree{};
  return p;
}

std::string backticked(std::string_view s) { return "`" + std::string(s) + "`"; }

// A token as a person reads it in a message.
std::string shown(std::string_view text) {
  constexpr size_t kMax = 40;
  if (text.size() <= kMax) return backticked(text);
  size_t cut = kMax;
  while (cut > 0 && isContinuationByte(static_cast<unsigned char>(text[cut]))) --cut;
  return backticked(std::string(text.substr(0, cut)) + "...");
}


// Leading zeros are fine in PPL (`007.5`) but not in the JSON number grammar Decimal::parse takes.
std::string withoutLeadingZeros(std::string_view text) {
  size_t i = 0;
  while (i + 1 < text.size() && text[i] == '0' && text[i + 1] != '.') ++i;
  return std::string(text.substr(i));
}

bool parseInt64(std::string_view digits, int64_t& out) {
  uint64_t v = 0;
  if (digits.empty()) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (static_cast<uint64_t>(INT64_MAX) - d) / 10) return false;
    v = v * 10 + d;
  }
  out = static_cast<int64_t>(v);
  return true;
}

// The token classes the messages and the nesting pre-scan talk about, by literal text.
bool isOneOf(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool isExprStartLiteral(std::string_view s) {
  return isOneOf(s, {"(", "{", "not", "-", "if", "any", "no", "every", "count", "sum", "max", "min", "latest",
                     "earliest", "true", "false", "line", "lines"});
}

bool isInfixLiteral(std::string_view s) {
  return isOneOf(s, {".", "*", "/", "+", "-", "??", "is", "not", "in", "within", "between", "=", "!=", "<", "<=",
                     ">", ">=", "and", "or", "==", "&&", "||"});
}

bool isDeclStartLiteral(std::string_view s) {
  return isOneOf(s, {"const", "param", "define", "lines", "rule", "record", "drug"});
}

// The keywords that start a rule's clauses, and the header's.
constexpr const char* kRuleClauseKeywords[] = {"applies", "only", "effective", "let",
                                               "require", "deny", "pend", "adjust"};
constexpr const char* kHeaderClauseKeywords[] = {"title", "line", "governs", "effective"};

bool isClauseStartLiteral(std::string_view s) {
  return std::find(std::begin(kRuleClauseKeywords), std::end(kRuleClauseKeywords), s) != std::end(kRuleClauseKeywords);
}

bool samePosition(const Span& a, const Span& b) { return a.line == b.line && a.col == b.col; }

// Where the text being parsed sits in its file: a message hole starts mid-line.
struct Origin {
  uint32_t file = 0;
  uint32_t line = 1;
  uint32_t col = 1;
};

enum class Entry { kFile, kExpr };

// Whether `token` is the first on its line (comments aside).
bool startsLine(antlr4::Parser* parser, Token* token);

class ParseState;

// Turns ANTLR's recognition errors into our diagnostics, with messages written for people.
class ErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  explicit ErrorStrategy(ParseState& state) : state_(state) {}

 protected:
  void reportNoViableAlternative(antlr4::Parser* parser, const antlr4::NoViableAltException& e) override;
  void reportInputMismatch(antlr4::Parser* parser, const antlr4::InputMismatchException& e) override;
  void reportFailedPredicate(antlr4::Parser* parser, const antlr4::FailedPredicateException& e) override;
  void reportUnwantedToken(antlr4::Parser* parser) override;
  void reportMissingToken(antlr4::Parser* parser) override;
  void consumeUntil(antlr4::Parser* parser, const antlr4::misc::IntervalSet& set) override;
  // ANTLR deletes one token when the next one fits; never a declaration's keyword that starts
  // a line (`rule` before `R2`, which could end a broken expression): the declaration would be
  // folded into the broken one, and its own errors never reported (review17c 5).
  Token* singleTokenDeletion(antlr4::Parser* parser) override;
  // Stray words right after the header (`rul R1 "one"`): at the entry of the file's loops
  // ANTLR would throw, and the file rule's recovery skips to the end of the file, losing every
  // later error (review17d F2). Skipped to the next `use` or declaration instead, as ANTLR does
  // at the loops' back edge.
  void sync(antlr4::Parser* parser) override;

 private:
  ParseState& state_;
};

// Anything that still reaches a listener (lexer errors, which ERROR_CHAR makes impossible today)
// becomes a diagnostic with ANTLR's text made to read like ours.
class ErrorListener : public antlr4::BaseErrorListener {
 public:
  explicit ErrorListener(ParseState& state) : state_(state) {}
  void syntaxError(antlr4::Recognizer* recognizer, Token* offendingSymbol, size_t line, size_t charPositionInLine,
                   const std::string& msg, std::exception_ptr e) override;

 private:
  ParseState& state_;
};

class ParseState {
 public:
  ParseState(Origin origin, const std::string& text, Diagnostics& diags, const ParseLimits& limits, Entry entry,
             int spentSyntaxErrors)
      : origin_(origin), text_(text), diags_(diags), limits_(limits), entry_(entry), syntaxErrors_(spentSyntaxErrors) {
    // Code points per line, for spans that run past their first line.
    uint32_t n = 0;
    for (char c : text_) {
      if (c == '\n') {
        lineLengths_.push_back(n);
        n = 0;
      } else if (c != '\r' && !isContinuationByte(static_cast<unsigned char>(c))) {
        ++n;
      }
    }
    lineLengths_.push_back(n);
  }

  const Origin& origin() const { return origin_; }
  const ParseLimits& limits() const { return limits_; }
  Diagnostics& diags() { return diags_; }
  Entry entry() const { return entry_; }
  int syntaxErrors() const { return syntaxErrors_; }
  // The errors of a message hole, parsed apart, count against this unit's budget: past it, the
  // unit is abandoned like one with too many errors of its own.
  void spendSyntaxErrors(int total) {
    syntaxErrors_ = total;
    if (syntaxErrors_ >= std::max(1, limits_.maxSyntaxErrors)) throw TooManySyntaxErrors{};
  }
  void setTokens(antlr4::CommonTokenStream* tokens) { tokens_ = tokens; }
  antlr4::CommonTokenStream* tokens() const { return tokens_; }

  // A position in the parsed text (ANTLR: 1-based line, 0-based column) as a file span.
  Span at(size_t line, size_t charPos, uint32_t length = 1) const {
    Span s;
    s.file = origin_.file;
    if (line == 0) line = 1;
    s.line = origin_.line + static_cast<uint32_t>(line) - 1;
    s.col = line == 1 ? origin_.col + static_cast<uint32_t>(charPos) : static_cast<uint32_t>(charPos) + 1;
    s.length = std::max<uint32_t>(length, 1);
    return s;
  }

  Span spanOf(Token* t) const {
    if (t == nullptr) return at(1, 0);
    const uint32_t len = t->getType() == Token::EOF ? 1 : codePoints(t->getText());
    return at(t->getLine(), t->getCharPositionInLine(), len);
  }

  // From the node's first token to the end of its last one, or to the end of the first line.
  Span spanOf(antlr4::ParserRuleContext* ctx) const {
    if (ctx == nullptr) return at(1, 0);
    Token* a = ctx->getStart();
    Token* b = ctx->getStop();
    if (a == nullptr) return at(1, 0);
    const size_t col = a->getCharPositionInLine();
    uint32_t len = 1;
    if (b != nullptr && b->getType() != Token::EOF && b->getLine() == a->getLine() &&
        b->getTokenIndex() >= a->getTokenIndex()) {
      len = static_cast<uint32_t>(b->getCharPositionInLine() + codePoints(b->getText()) - col);
    } else {
      const size_t line = a->getLine();
      if (line >= 1 && line <= lineLengths_.size() && lineLengths_[line - 1] > col) {
        len = static_cast<uint32_t>(lineLengths_[line - 1] - col);
      }
    }
    return at(a->getLine(), col, len);
  }

  Span spanOf(antlr4::tree::TerminalNode* node) const { return spanOf(node ? node->getSymbol() : nullptr); }

  void error(Span span, std::string message, std::vector<std::string> notes = {}) {
    diags_.error(span, std::move(message), std::move(notes));
  }

  // After a syntax error, ANTLR's recovery guesses on through the declaration, and what it
  // reports next is about its guesses, not the text: one mistake gave two errors (review17a
  // F15). So nothing more is reported until the parser starts the next `use` or declaration,
  // nor twice at one position, except that an error which could not say what was expected
  // (`vague`) gives way to one at its position that can (`expected `)` before `else``).
  bool wanted(const Span& span, bool vague) const {
    if (pending_ && !vague && samePosition(span, pending_->span)) return true;
    return !recovering_ && !samePosition(span, lastError_);
  }
  void resynchronised() {
    sendPending();
    recovering_ = false;
  }
  void sendPending() {
    if (pending_) diags_.error(pending_->span, std::move(pending_->message), std::move(pending_->notes));
    pending_.reset();
  }

  // Every syntax error passes here; the limit stops ANTLR's recovery from running on.
  void syntaxError(Span span, std::string message, std::vector<std::string> notes = {}, bool vague = false) {
    if (!wanted(span, vague)) return;
    if (pending_) {
      pending_.reset();  // replaced by this one, which says more
      --syntaxErrors_;
    }
    recovering_ = true;
    lastError_ = span;
    ++syntaxErrors_;
    const int limit = std::max(1, limits_.maxSyntaxErrors);
    if (syntaxErrors_ >= limit) {
      notes.push_back(stoppingNote());
      diags_.error(span, std::move(message), std::move(notes));
      throw TooManySyntaxErrors{};
    }
    if (vague) {
      pending_ = Diagnostic{Severity::kError, span, std::move(message), std::move(notes), ""};
      return;
    }
    diags_.error(span, std::move(message), std::move(notes));
  }

  // Every syntax error ANTLR meets, reported or not (see wanted()): the text of a rule before its
  // first one is read as written, not guessed (Converter::checkMessages).
  void sawError(const Span& span) {
    errorsSeen_.emplace_back(span.line, span.col);
    errorsSorted_ = false;
  }
  // Whether ANTLR met an error after `from` and at or before `to`.
  bool errorBetween(const Span& from, const Span& to) {
    if (!errorsSorted_) std::sort(errorsSeen_.begin(), errorsSeen_.end());
    errorsSorted_ = true;
    const auto next = std::upper_bound(errorsSeen_.begin(), errorsSeen_.end(), std::make_pair(from.line, from.col));
    return next != errorsSeen_.end() && *next <= std::make_pair(to.line, to.col);
  }

  std::string stoppingNote() const {
    return "stopping after " + std::to_string(std::max(1, limits_.maxSyntaxErrors)) + " syntax errors";
  }

  // `unexpected `)`, expected `else``: the message for a token the grammar cannot take here.
  void reportUnexpected(antlr4::Parser* parser, Token* token, const antlr4::misc::IntervalSet& expected,
                        bool useExpected, bool missing) {
    sawError(spanOf(token));
    // At the file's level, a line that starts with an unexpected word (`rul R1` after a broken
    // header) is a declaration of its own, not more of the broken one.
    if (parser->getContext() != nullptr && parser->getContext()->getRuleIndex() == G::RuleFile && token != nullptr &&
        startsLine(parser, token)) {
      resynchronised();
    }
    const bool unmarkedDefault = defaultWithoutEquals(parser, token);
    if (unmarkedDefault) useExpected = missing = true;
    const bool vague =
        !useExpected && !missing && token != nullptr && token->getType() != grammar::PPLLexer::ERROR_CHAR;
    if (!wanted(spanOf(token), vague)) return;  // spare the work on a message no one will see
    const std::string what = unmarkedDefault ? "`=`" : describeExpected(parser, expected);
    const std::string meant = misspeltKeyword(parser, token, expected);
    std::string message;
    if (token != nullptr && token->getType() == grammar::PPLLexer::ERROR_CHAR) {
      message = badCharacterMessage(token->getText());
    } else if (token != nullptr && token->getText() == "use" && token->getType() != grammar::PPLLexer::IDENT &&
               expectsLiteral(parser, expected, "const")) {
      message = "unexpected `use` after a declaration: a file's `use`s come first, right after its header";
    } else if (missing && meant.empty() && !what.empty() && token != nullptr && token->getType() != Token::EOF) {
      // (Not for `effective form`: `form` was meant as `from`, not written after it.)
      message = "expected " + what + " before " + shown(token->getText());
    } else {
      message = "unexpected " +
                (token == nullptr || token->getType() == Token::EOF ? endName() : shown(token->getText()));
      if (useExpected && !what.empty()) message += ", expected " + what;
    }
    std::vector<std::string> notes;
    if (isKeywordWhereNameExpected(token, expected)) {
      notes.push_back(shown(token->getText()) + " is a keyword of the language: choose another name");
    }
    if (!meant.empty()) notes.push_back("did you mean " + backticked(meant) + "?");
    if (token != nullptr) {
      const std::string note = unclosedNote(parser, token, expected);
      if (!note.empty()) notes.push_back(note);
      const std::string title = unquotedTitleNote(token);
      if (!title.empty()) notes.push_back(title);
    }
    syntaxError(spanOf(token), std::move(message), std::move(notes), vague);
  }

  // `param p: number 3`: the parameter ended at its type, and the value on its line is a default
  // whose `=` is missing, not the start of a declaration.
  static bool defaultWithoutEquals(antlr4::Parser* parser, Token* token) {
    using L = grammar::PPLLexer;
    auto* file = parser == nullptr ? nullptr : dynamic_cast<G::FileContext*>(parser->getContext());
    if (file == nullptr || token == nullptr || file->children.empty()) return false;
    auto* param = dynamic_cast<G::ParamDeclContext*>(file->children.back());
    if (param == nullptr || param->exception != nullptr || param->expr() != nullptr || param->getStop() == nullptr ||
        param->getStop()->getLine() != token->getLine()) {
      return false;
    }
    const size_t type = token->getType();
    return type == L::INT || type == L::DECIMAL || type == L::STRING || type == L::DATE ||
           (type != L::IDENT && isOneOf(token->getText(), {"true", "false", "-", "{", "("}));
  }

  // `aplies to`, `esle`, `wen`: a name a slip away from a keyword the grammar takes here or,
  // first on a line of a rule (or of the header), from a clause keyword: the parser took the
  // rule to have ended there, so it expects a declaration (review17a F6).
  std::string misspeltKeyword(antlr4::Parser* parser, Token* token, const antlr4::misc::IntervalSet& expected) const {
    if (parser == nullptr || token == nullptr || token->getType() != grammar::PPLLexer::IDENT) return "";
    const antlr4::dfa::Vocabulary& vocab = parser->getVocabulary();
    std::vector<std::string> keywords;
    for (ssize_t t : expected.toList()) {
      if (t < 0) continue;
      const std::string lit = vocab.getLiteralName(static_cast<size_t>(t));
      if (lit.size() > 2 && std::isalpha(static_cast<unsigned char>(lit[1]))) {
        keywords.push_back(lit.substr(1, lit.size() - 2));
      }
    }
    const std::string declaration = enclosingDeclaration(token);
    if (declaration == "rule") {
      keywords.insert(keywords.end(), std::begin(kRuleClauseKeywords), std::end(kRuleClauseKeywords));
    } else if (declaration == "policy") {
      keywords.insert(keywords.end(), std::begin(kHeaderClauseKeywords), std::end(kHeaderClauseKeywords));
    }
    return suggestName(token->getText(), keywords);
  }

  // The keyword (`rule`, `policy`, ...) of the declaration whose line `token` starts, or "" when
  // `token` does not start its line. Declarations and headers start lines; their clauses do not
  // start with these words.
  std::string enclosingDeclaration(Token* token) const {
    if (tokens_ == nullptr) return "";
    auto declares = [](Token* t) {
      return t->getType() != grammar::PPLLexer::IDENT &&
             (isDeclStartLiteral(t->getText()) || isOneOf(t->getText(), {"policy", "module", "schema", "use"}));
    };
    Token* later = token;  // the token on the default channel after the one looked at
    for (size_t i = token->getTokenIndex(); i-- > 0;) {
      Token* t = tokens_->get(i);
      if (t->getChannel() != Token::DEFAULT_CHANNEL) continue;
      const bool laterStartsLine = t->getLine() != later->getLine();
      if (later == token && !laterStartsLine) return "";
      if (later != token && laterStartsLine && declares(later)) return later->getText();
      later = t;
    }
    return later != token && declares(later) ? later->getText() : "";
  }

  static bool expectsLiteral(antlr4::Parser* parser, const antlr4::misc::IntervalSet& expected, std::string_view literal) {
    if (parser == nullptr) return false;
    const antlr4::dfa::Vocabulary& vocab = parser->getVocabulary();
    for (ssize_t t : expected.toList()) {
      if (t >= 0 && vocab.getLiteralName(static_cast<size_t>(t)) == "'" + std::string(literal) + "'") return true;
    }
    return false;
  }

  // `rule C-STEP docetaxel was tried first"`: a word right after a rule's id, on a line that
  // ends in an unterminated string, is a title whose opening quote is missing.
  std::string unquotedTitleNote(Token* at) const {
    if (tokens_ == nullptr || at->getType() != grammar::PPLLexer::IDENT) return "";
    std::vector<Token*> line;  // the line's tokens, on the default channel
    for (Token* t : tokens_->getTokens()) {
      if (t->getType() != Token::EOF && t->getLine() == at->getLine() && t->getChannel() == Token::DEFAULT_CHANNEL) {
        line.push_back(t);
      }
    }
    if (line.size() < 3 || line.front()->getText() != "rule" || line.front()->getType() == grammar::PPLLexer::IDENT ||
        line.back()->getType() != grammar::PPLLexer::ERROR_CHAR || line.back()->getText() != "\"") {
      return "";
    }
    // The id runs from after `rule` to the first gap: its parts touch (`C-STEP`).
    size_t idEnd = 1;
    while (idEnd + 1 < line.size() && line[idEnd + 1]->getStartIndex() == line[idEnd]->getStopIndex() + 1) ++idEnd;
    if (idEnd + 1 >= line.size() || line[idEnd + 1] != at) return "";
    antlr4::CharStream* chars = at->getInputStream();
    if (chars == nullptr) return "";
    const std::string id = chars->getText(antlr4::misc::Interval(line[1]->getStartIndex(), line[idEnd]->getStopIndex()));
    const std::string words = chars->getText(antlr4::misc::Interval(at->getStartIndex(), line.back()->getStartIndex()));
    return "a rule's title is a string: write `rule " + id + " \"" + words + "`";
  }

  // `const day = 3`: the grammar wanted a name (not an expression, which could start with a
  // number) and got a word it reserves.
  static bool isKeywordWhereNameExpected(Token* token, const antlr4::misc::IntervalSet& expected) {
    using L = grammar::PPLLexer;
    if (token == nullptr || !expected.contains(static_cast<ssize_t>(L::IDENT)) || expected.contains(static_cast<ssize_t>(L::INT))) {
      return false;
    }
    const std::string& text = token->getText();
    return token->getType() != grammar::PPLLexer::IDENT && !text.empty() &&
           std::isalpha(static_cast<unsigned char>(text[0]));
  }

  std::string endName() const { return entry_ == Entry::kFile ? "end of file" : "end of the expression"; }

  static std::string badCharacterMessage(const std::string& text) {
    if (text == "\"") return "unterminated string: a string must end with `\"` on the same line";
    const unsigned char c = text.empty() ? 0 : static_cast<unsigned char>(text[0]);
    if (c < 0x20 || c == 0x7F) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
      return std::string("unexpected character ") + buf;
    }
    // Operators of other languages.
    if (text == "&") return "unexpected character `&`: write `and`";
    if (text == "|") return "unexpected character `|`: write `or`";
    if (text == "!") return "unexpected character `!`: write `not` (and `!=` for not equal)";
    // Characters that look like something else, or like nothing, named with what was meant.
    static const struct {
      const char* utf8;
      const char* message;
    } kLookalikes[] = {
        {"\xC2\xA0", "unexpected character U+00A0 (a no-break space): use an ordinary space"},
        {"\xEF\xBB\xBF", "unexpected character U+FEFF (a byte order mark, allowed only at the start of a file)"},
        {"\xE2\x80\x8B", "unexpected character U+200B (a zero-width space): delete it"},
        {"\xE2\x80\x9C", "unexpected character U+201C (a curly quote): strings use straight quotes `\"`"},
        {"\xE2\x80\x9D", "unexpected character U+201D (a curly quote): strings use straight quotes `\"`"},
        {"\xE2\x80\x98", "unexpected character U+2018 (a curly quote): strings use straight quotes `\"`"},
        {"\xE2\x80\x99", "unexpected character U+2019 (a curly quote): strings use straight quotes `\"`"},
    };
    for (const auto& l : kLookalikes) {
      if (text.rfind(l.utf8, 0) == 0) return l.message;
    }
    return "unexpected character " + backticked(text);
  }

  // "`else`", "an expression", "`)` or `,`"; empty when the set is too large to help.
  std::string describeExpected(antlr4::Parser* parser, const antlr4::misc::IntervalSet& set) const {
    if (parser == nullptr) return "";
    const antlr4::dfa::Vocabulary& vocab = parser->getVocabulary();
    std::vector<ssize_t> types = set.toList();
    struct Item {
      ssize_t type;
      std::string literal;  // without quotes; empty for IDENT, STRING, ...
    };
    std::vector<Item> items;
    for (ssize_t t : types) {
      if (t == -2) continue;  // epsilon
      Item item{t, ""};
      if (t >= 0) {
        std::string lit = vocab.getLiteralName(static_cast<size_t>(t));
        if (lit.size() >= 2 && lit.front() == '\'' && lit.back() == '\'') item.literal = lit.substr(1, lit.size() - 2);
      }
      items.push_back(item);
    }
    auto has = [&](std::string_view lit) {
      return std::any_of(items.begin(), items.end(), [&](const Item& i) { return i.literal == lit; });
    };
    auto hasType = [&](ssize_t t) {
      return std::any_of(items.begin(), items.end(), [&](const Item& i) { return i.type == t; });
    };
    auto drop = [&](auto pred) { items.erase(std::remove_if(items.begin(), items.end(), pred), items.end()); };

    using L = grammar::PPLLexer;
    const bool expression = has("(") && has("not") && hasType(L::INT);
    if (expression) {
      drop([](const Item& i) {
        return isExprStartLiteral(i.literal) || i.type == L::IDENT || i.type == L::INT || i.type == L::DECIMAL ||
               i.type == L::STRING || i.type == L::DATE;
      });
    }
    // Where any name will do, the keywords that may serve as names (`x.count`) are noise.
    const auto keywordCount = std::count_if(items.begin(), items.end(), [](const Item& i) {
      return !i.literal.empty() && std::isalpha(static_cast<unsigned char>(i.literal[0]));
    });
    if (hasType(L::IDENT) && keywordCount > 5) {
      drop([](const Item& i) { return !i.literal.empty() && std::isalpha(static_cast<unsigned char>(i.literal[0])); });
    }
    const bool declaration = has("rule") && has("const");
    if (declaration) drop([](const Item& i) { return isDeclStartLiteral(i.literal); });
    const bool clause = has("require") && has("let");
    if (clause) drop([](const Item& i) { return isClauseStartLiteral(i.literal); });
    // The `=` of `const a = 1`, `let`, `define` or a binding is the one missing, not the comparison.
    const size_t rule = parser->getContext() == nullptr ? size_t{G::RuleFile} : parser->getContext()->getRuleIndex();
    const bool assigns = rule == G::RuleDecl || rule == G::RuleRuleClause || rule == G::RuleBinding;
    auto isOperator = [assigns](const Item& i) { return isInfixLiteral(i.literal) && !(assigns && i.literal == "="); };
    // An expression that could go on (`+`, `and`, ...) is rarely what the writer missed.
    const bool onlyOperators = std::all_of(items.begin(), items.end(), isOperator);
    if (!onlyOperators || expression || declaration || clause) {
      drop(isOperator);
    } else {
      return "";
    }
    // `define f 3`: parameters are the rarer form, and `(` alone hid the missing `=`.
    if (items.size() == 2 && has("(") && has("=") && dynamic_cast<G::DefineDeclContext*>(parser->getContext())) {
      return "`=` (or `(` for a define with parameters)";
    }

    std::vector<std::string> words;
    bool end = false, name = false, string = false, number = false, date = false;
    for (const Item& i : items) {
      if (!i.literal.empty()) {
        words.push_back(backticked(i.literal));
      } else if (i.type == -1) {
        end = true;
      } else if (i.type == L::IDENT) {
        name = true;
      } else if (i.type == L::STRING) {
        string = true;
      } else if (i.type == L::INT || i.type == L::DECIMAL) {
        number = true;
      } else if (i.type == L::DATE) {
        date = true;
      }
    }
    if (name) words.push_back("a name");
    if (string) words.push_back("a string");
    if (number) words.push_back("a number");
    if (date) words.push_back("a date");
    if (expression) words.push_back("an expression");
    if (clause) words.push_back("a rule clause");
    if (declaration) words.push_back("a declaration");
    if (end) words.push_back(endName());
    if (words.empty() || words.size() > 5) return "";
    std::string out = words[0];
    for (size_t k = 1; k < words.size(); ++k) out += (k + 1 == words.size() ? " or " : ", ") + words[k];
    return out;
  }

  // When a closing bracket is expected, point at the bracket it would close.
  std::string unclosedNote(antlr4::Parser* parser, Token* at, const antlr4::misc::IntervalSet& expected) const {
    if (tokens_ == nullptr || parser == nullptr) return "";
    const antlr4::dfa::Vocabulary& vocab = parser->getVocabulary();
    bool wantsCloser = false;
    for (ssize_t t : expected.toList()) {
      if (t < 0) continue;
      const std::string lit = vocab.getLiteralName(static_cast<size_t>(t));
      if (lit == "')'" || lit == "'}'" || lit == "']'") wantsCloser = true;
    }
    if (!wantsCloser) return "";
    std::vector<Token*> open;
    const size_t stop = std::min(at->getTokenIndex(), tokens_->size());
    for (size_t i = 0; i < stop; ++i) {
      Token* t = tokens_->get(i);
      if (t->getChannel() != Token::DEFAULT_CHANNEL) continue;
      const std::string text = t->getText();
      if (text == "(" || text == "{" || text == "[") {
        if (t->getType() != grammar::PPLLexer::STRING) open.push_back(t);
      } else if ((text == ")" || text == "}" || text == "]") && !open.empty()) {
        open.pop_back();
      }
    }
    if (open.empty()) return "";
    const Span s = spanOf(open.back());
    return "the " + backticked(open.back()->getText()) + " opened at " + std::to_string(s.line) + ":" +
           std::to_string(s.col) + " is not closed";
  }

  // Refuses input that would drive ANTLR's recursive descent too deep, before it runs. The
  // estimate is deliberately generous: each open bracket counts one level, and each prefix or
  // infix operator counts one level until something that must end the expression it belongs to
  // (a `,`, a `:`, a closing bracket, or a keyword that starts a clause or declaration).
  bool preScanNesting() {
    if (tokens_ == nullptr) return true;
    const int limit = std::max(1, limits_.maxNesting);
    std::vector<int> weights{0};  // per open bracket level, the outermost first
    int depth = 0;                // open brackets + the sum of weights
    bool afterDot = false;
    for (Token* t : tokens_->getTokens()) {
      if (t->getChannel() != Token::DEFAULT_CHANNEL) continue;
      const size_t type = t->getType();
      if (type == Token::EOF) break;
      const bool keyword = type < grammar::PPLLexer::DATE;  // literal tokens come first
      const bool wasAfterDot = afterDot;
      afterDot = false;
      if (!keyword) continue;
      const std::string text = t->getText();
      if (text == "(" || text == "{" || text == "[") {
        weights.push_back(0);
        ++depth;
      } else if (text == ")" || text == "}" || text == "]") {
        if (weights.size() > 1) {
          depth -= weights.back() + 1;
          weights.pop_back();
        }
        continue;
      } else if (text == "," || text == ":") {
        depth -= weights.back();
        weights.back() = 0;
        continue;
      } else if (text == ".") {
        afterDot = true;
        ++weights.back();
        ++depth;
      } else if (wasAfterDot) {
        continue;  // a field name that is a keyword elsewhere (`x.count`)
      } else if (isOneOf(text, {"policy", "module", "schema", "use", "with", "const", "param", "define", "rule",
                                "record", "drug", "title", "governs", "effective", "applies", "only", "let", "require",
                                "adjust", "deny", "pend", "when"})) {
        depth -= weights.back();
        weights.back() = 0;
        continue;
      } else if (isInfixLiteral(text) || isOneOf(text, {"if", "any", "no", "every", "count", "sum", "max", "min",
                                                         "latest", "earliest", "list"})) {
        ++weights.back();
        ++depth;
      } else {
        continue;
      }
      if (depth > limit) {
        error(spanOf(t), nestingMessage());
        return false;
      }
    }
    return true;
  }

  std::string nestingMessage() const {
    // A chain of `or`s is as deep as it is long (the tree is left-deep, and the passes after
    // the parser recurse on it), which an analyst does not see as nesting: say so.
    return "expression is nested too deeply (more than " + std::to_string(std::max(1, limits_.maxNesting)) +
           " levels: each bracket, operator or quantifier counts one, so a chain of `or`s is as deep as it is "
           "long); test one value against many with `x in {...}`, or split the expression with `let` or `define`";
  }

 private:
  Origin origin_;
  const std::string& text_;
  Diagnostics& diags_;
  const ParseLimits& limits_;
  Entry entry_;
  antlr4::CommonTokenStream* tokens_ = nullptr;
  std::vector<uint32_t> lineLengths_;
  int syntaxErrors_ = 0;
  bool recovering_ = false;
  Span lastError_;
  std::optional<Diagnostic> pending_;  // a vague error, see wanted()
  std::vector<std::pair<uint32_t, uint32_t>> errorsSeen_;  // (line, column), see sawError()
  bool errorsSorted_ = true;
};

// Tells the state where the parser starts a `use` or a declaration: recovery from a syntax
// error before it is over. Declarations start lines: one ANTLR starts mid-line after an error
// (`applies to drug`, the keyword written as a name) is its guess, and what it reports there is
// more of the same mistake (review17a F15).
class Resync : public antlr4::tree::ParseTreeListener {
 public:
  explicit Resync(ParseState& state) : state_(state) {}
  void enterEveryRule(antlr4::ParserRuleContext* ctx) override {
    if (ctx->getRuleIndex() != G::RuleUseDecl && ctx->getRuleIndex() != G::RuleDecl) return;
    Token* start = ctx->getStart();
    antlr4::CommonTokenStream* tokens = state_.tokens();
    if (start != nullptr && tokens != nullptr && start->getTokenIndex() > 0 &&
        tokens->get(start->getTokenIndex() - 1)->getLine() == start->getLine()) {
      return;
    }
    state_.resynchronised();
  }
  void exitEveryRule(antlr4::ParserRuleContext*) override {}
  void visitTerminal(antlr4::tree::TerminalNode*) override {}
  void visitErrorNode(antlr4::tree::ErrorNode*) override {}

 private:
  ParseState& state_;
};

void ErrorStrategy::reportNoViableAlternative(antlr4::Parser* parser, const antlr4::NoViableAltException& e) {
  Token* token = e.getOffendingToken();
  // The expected set belongs to where the decision started; if prediction looked further
  // ahead, it would describe the wrong place.
  const bool sameSpot = token != nullptr && e.getStartToken() != nullptr &&
                        e.getStartToken()->getTokenIndex() == token->getTokenIndex();
  antlr4::misc::IntervalSet expected;
  if (sameSpot) {
    try {
      expected = e.getExpectedTokens();
    } catch (...) {
    }
  }
  state_.reportUnexpected(parser, token, expected, sameSpot, false);
}

void ErrorStrategy::reportInputMismatch(antlr4::Parser* parser, const antlr4::InputMismatchException& e) {
  antlr4::misc::IntervalSet expected;
  try {
    expected = e.getExpectedTokens();
  } catch (...) {
  }
  state_.reportUnexpected(parser, e.getOffendingToken(), expected, true, false);
}

void ErrorStrategy::reportFailedPredicate(antlr4::Parser* parser, const antlr4::FailedPredicateException& e) {
  state_.reportUnexpected(parser, e.getOffendingToken(), {}, false, false);
}

void ErrorStrategy::reportUnwantedToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  state_.reportUnexpected(parser, parser->getCurrentToken(), getExpectedTokens(parser), true, false);
}

void ErrorStrategy::reportMissingToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  state_.reportUnexpected(parser, parser->getCurrentToken(), getExpectedTokens(parser), true, true);
}

// Recovery skips to a token that can follow, but not to a keyword that only looks like the start
// of something: each of these once reported a second, made-up error after a real one.
bool resumesAt(Token* t, Token* previous) {
  const std::string text = t->getText();
  const std::string before = previous == nullptr ? "" : previous->getText();
  // After `.`, a keyword is a field name (`m.drug`).
  if (before == ".") return false;
  // A declaration's keyword (or `line`) counts only where it starts a line: `lines` appears
  // mid-clause (`governs lines where`), and `define rule = ...` misuses one as a name.
  if (isDeclStartLiteral(text) || text == "line") return previous == nullptr || previous->getLine() != t->getLine();
  // `else deny ...` ends the `require` clause being skipped; it starts no `deny ... when`.
  if (text == "deny" || text == "pend") return before != "else";
  return true;
}

bool startsLine(antlr4::Parser* parser, Token* token) {
  if (token->getTokenIndex() == 0) return true;
  Token* previous = parser->getTokenStream()->get(token->getTokenIndex() - 1);
  return previous == nullptr || previous->getLine() != token->getLine();
}

Token* ErrorStrategy::singleTokenDeletion(antlr4::Parser* parser) {
  Token* next = parser->getCurrentToken();
  if (next != nullptr && (isDeclStartLiteral(next->getText()) || next->getText() == "use") && startsLine(parser, next)) {
    return nullptr;
  }
  return DefaultErrorStrategy::singleTokenDeletion(parser);
}

void ErrorStrategy::sync(antlr4::Parser* parser) {
  try {
    DefaultErrorStrategy::sync(parser);
  } catch (const antlr4::InputMismatchException&) {
    if (parser->getContext() == nullptr || parser->getContext()->getRuleIndex() != G::RuleFile) throw;
    reportUnwantedToken(parser);
    consumeUntil(parser, parser->getExpectedTokens().Or(getErrorRecoverySet(parser)));
  }
}

void ErrorStrategy::consumeUntil(antlr4::Parser* parser, const antlr4::misc::IntervalSet& set) {
  Token* previous = parser->getTokenStream()->LT(-1);
  for (Token* t = parser->getCurrentToken(); t->getType() != Token::EOF; t = parser->getCurrentToken()) {
    if (set.contains(t->getType()) && resumesAt(t, previous)) return;
    previous = t;
    parser->consume();
  }
}

void ErrorListener::syntaxError(antlr4::Recognizer*, Token* offendingSymbol, size_t line, size_t charPositionInLine,
                                const std::string& msg, std::exception_ptr) {
  // ANTLR's 'quotes' become our backticks; its messages are already lower case.
  std::string text;
  for (char c : msg) text += c == '\'' ? '`' : c;
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  const Span span = offendingSymbol ? state_.spanOf(offendingSymbol) : state_.at(line, charPositionInLine);
  state_.sawError(span);
  state_.syntaxError(span, text);
}

// What run() (the boundary with ANTLR, at the end of the file) gives.
struct Result {
  std::unique_ptr<ast::Unit> unit;
  ExprPtr expr;
  int syntaxErrors = 0;  // with those spent before, see run()
};

// `spentSyntaxErrors`: reported already by the unit a message hole is in, so that the unit and
// its holes share one budget of ParseLimits::maxSyntaxErrors.
Result run(Entry entry, Origin origin, const std::string& text, Diagnostics& diags, const ParseLimits& limits,
           int spentSyntaxErrors);

// ---------------------------------------------------------------------------------------------
// Parse tree -> AST

class Converter {
 public:
  explicit Converter(ParseState& state) : s_(state) {}

  std::unique_ptr<ast::Unit> unit(G::FileContext* ctx);
  ExprPtr expr(G::ExprContext* ctx, int depth);
  void checkMessages(G::FileContext* ctx);

 private:
  ExprPtr make(ExprKind kind, antlr4::ParserRuleContext* ctx) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->span = s_.spanOf(ctx);
    return e;
  }

  ExprPtr primary(G::PrimaryContext* ctx, int depth);
  ExprPtr bound(G::BoundContext* ctx, int depth);
  ExprPtr literal(G::LiteralContext* ctx);
  std::string dashedName(G::DashedNameContext* ctx, Span& span);
  // `waste` or `b.waste`: the class's name, and into `qualifier` its module's (or "").
  std::string className(G::ClassNameContext* ctx, std::string& qualifier) {
    const std::vector<antlr4::tree::TerminalNode*> ids = need(ctx)->IDENT();
    if (ids.empty()) throw MalformedTree{};
    qualifier = ids.size() > 1 ? need(ids.front())->getText() : "";
    return need(ids.back())->getText();
  }
  std::string unescape(Token* token);
  size_t escape(const std::string& raw, size_t i, size_t end, size_t line, size_t col, std::string& out);
  ast::MessageTemplate message(G::MessageContext* ctx);
  ast::OutcomeSpec outcome(G::OutcomeContext* ctx);
  std::string carc(G::CarcContext* ctx);
  std::string version(G::VersionContext* ctx);
  Decimal number(G::NumberContext* ctx);
  bool decimalLiteral(const std::string& text, const Span& span, Decimal& out);
  ast::TypeRef typeRef(G::TypeRefContext* ctx);
  ast::TypeRef baseType(G::BaseTypeContext* ctx, int depth);
  void decl(G::DeclContext* ctx, ast::Unit& unit);
  std::unique_ptr<ast::RuleDecl> rule(G::RuleDeclContext* ctx);
  std::unique_ptr<ast::RecordDecl> record(G::RecordDeclContext* ctx);
  std::unique_ptr<ast::VarDecl> varDecl(antlr4::tree::TerminalNode* ident) {
    auto v = std::make_unique<ast::VarDecl>();
    v->name = need(ident)->getText();
    v->span = s_.spanOf(ident);
    return v;
  }

  bool tooDeep(int depth, antlr4::ParserRuleContext* ctx) {
    if (depth <= std::max(1, s_.limits().maxNesting)) return false;
    if (!nestingReported_) s_.error(s_.spanOf(ctx), s_.nestingMessage());
    nestingReported_ = true;
    return true;
  }

  ParseState& s_;
  bool nestingReported_ = false;
};

std::string Converter::dashedName(G::DashedNameContext* ctx, Span& span) {
  span = s_.spanOf(need(ctx));
  antlr4::CommonTokenStream* tokens = need(s_.tokens());
  Token* first = need(ctx->getStart());
  Token* last = need(ctx->getStop());
  std::string joined, spaced;
  bool apart = false;
  Token* prev = nullptr;
  for (size_t i = first->getTokenIndex(); i <= last->getTokenIndex() && i < tokens->size(); ++i) {
    Token* t = tokens->get(i);
    if (t->getChannel() != Token::DEFAULT_CHANNEL) continue;
    // Parts must touch: `MB-340B` is one name, `MB - 340B` is a mistake.
    if (prev != nullptr && t->getStartIndex() != prev->getStopIndex() + 1) {
      apart = true;
      spaced += ' ';
    }
    joined += t->getText();
    spaced += t->getText();
    prev = t;
  }
  if (apart) {
    s_.error(span, backticked(spaced) + ": a name cannot contain spaces; write " + backticked(joined));
  }
  return joined;
}

// The STRING token's text without quotes, escapes resolved. Braces stay as written.
std::string Converter::unescape(Token* token) {
  const std::string raw = need(token)->getText();
  std::string out;
  if (raw.size() < 2) return out;
  const size_t end = raw.size() - 1;
  for (size_t i = 1; i < end;) {
    if (raw[i] != '\\' || i + 1 >= end) {
      out += raw[i++];
      continue;
    }
    const size_t col = token->getCharPositionInLine() + codePoints(std::string_view(raw).substr(0, i));
    i += escape(raw, i, end, token->getLine(), col, out);
  }
  return out;
}

// The escape at raw[i] (a backslash, i + 1 < end) appended to `out` resolved; returns the bytes
// it takes. An unknown one is reported at (line, col) and kept as written, whole even when the
// escaped character is several bytes.
size_t Converter::escape(const std::string& raw, size_t i, size_t end, size_t line, size_t col, std::string& out) {
  switch (raw[i + 1]) {
    case '"': out += '"'; return 2;
    case '\\': out += '\\'; return 2;
    case 'n': out += '\n'; return 2;
    case 't': out += '\t'; return 2;
    case '{': out += '{'; return 2;
    case '}': out += '}'; return 2;
    default: break;
  }
  size_t len = 2;
  while (i + len < end && isContinuationByte(static_cast<unsigned char>(raw[i + len]))) ++len;
  s_.error(s_.at(line, col, 2), "unknown escape " + backticked(raw.substr(i, len)) +
                                    " in a string; the escapes are \\\" \\\\ \\n \\t \\{ \\}");
  out += raw.substr(i, len);
  return len;
}

// A message string: literal text and `{expr}` holes, each hole parsed where it stands.
ast::MessageTemplate Converter::message(G::MessageContext* ctx) {
  ast::MessageTemplate m;
  m.present = true;
  antlr4::tree::TerminalNode* node = need(need(ctx)->STRING());
  Token* token = node->getSymbol();
  m.span = s_.spanOf(token);
  const std::string raw = token->getText();
  if (raw.size() < 2) return m;
  const size_t end = raw.size() - 1;
  const size_t line = token->getLine();
  const size_t col0 = token->getCharPositionInLine();
  // 0-based column in the parsed text of raw[i]. Calls come in increasing i, so the count goes
  // on from the last one: a message of many holes stays linear to scan.
  size_t counted = 0;
  size_t countedCol = col0;
  auto colOf = [&](size_t i) {
    if (i < counted) counted = 0, countedCol = col0;
    countedCol += codePoints(std::string_view(raw).substr(counted, i - counted));
    counted = i;
    return countedCol;
  };
  int holes = 0;
  std::string text;
  auto flush = [&] {
    if (!text.empty()) {
      ast::MessagePiece p;
      p.text = std::move(text);
      m.pieces.push_back(std::move(p));
      text.clear();
    }
  };
  for (size_t i = 1; i < end;) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < end) {
      i += escape(raw, i, end, line, colOf(i), text);
      continue;
    }
    if (c == '}') {
      s_.error(s_.at(line, colOf(i)), "unmatched `}` in a message; write `\\}` for a literal brace");
      ++i;
      continue;
    }
    if (c != '{') {
      text += c;
      ++i;
      continue;
    }
    // A hole: find its closing brace, skipping braces of strings (written \"...\") inside it.
    size_t j = i + 1;
    int depth = 1;
    bool inString = false;
    while (j < end) {
      if (raw[j] == '\\' && j + 1 < end) {
        if (raw[j + 1] == '"') inString = !inString;
        j += 2;
        continue;
      }
      if (!inString && raw[j] == '{') ++depth;
      if (!inString && raw[j] == '}' && --depth == 0) break;
      ++j;
    }
    if (j >= end) {
      s_.error(s_.at(line, colOf(i)),
               "unclosed `{` in a message; close the hole with `}` or write `\\{` for a literal brace");
      break;
    }
    if (++holes > kMaxMessageArgs) {
      // Before parsing it: a hostile message of 100,000 holes would otherwise parse them all.
      s_.error(s_.at(line, colOf(i), static_cast<uint32_t>(j - i + 1)),
               fmt::format("a message can show at most {} values", kMaxMessageArgs));
      break;
    }
    // The hole's text is one level less escaped (`\"` is a quote), but `\n` and `\t` stay
    // escapes for a string inside the hole: the hole stays on the message's line. A `\"` keeps
    // its two columns (` "` opening a string, `" ` closing it) so positions in the hole stay
    // those of the source.
    std::string hole;
    bool inHoleString = false;
    for (size_t k = i + 1; k < j; ++k) {
      const char e = k + 1 < j ? raw[k + 1] : 0;
      if (raw[k] == '\\' && e == '"') {
        hole += inHoleString ? "\" " : " \"";
        inHoleString = !inHoleString;
        ++k;
      } else if (raw[k] == '\\' && (e == '\\' || e == '{' || e == '}')) {
        hole += e;
        ++k;
      } else {
        hole += raw[k];
      }
    }
    if (hole.find_first_not_of(" \t\n") == std::string::npos) {
      s_.error(s_.at(line, colOf(i), static_cast<uint32_t>(j - i + 1)),
               "empty `{}` in a message; put an expression inside or write `\\{\\}` for literal braces");
    } else {
      flush();
      const Span at = s_.at(line, colOf(i + 1));
      ast::MessagePiece p;
      // On failure run() has reported why, and the error drops the whole unit.
      Result parsed = run(Entry::kExpr, Origin{at.file, at.line, at.col}, hole, s_.diags(), s_.limits(), s_.syntaxErrors());
      s_.spendSyntaxErrors(parsed.syntaxErrors);
      p.expr = std::move(parsed.expr);
      m.pieces.push_back(std::move(p));
    }
    i = j + 1;
  }
  flush();
  return m;
}

Decimal Converter::number(G::NumberContext* ctx) {
  need(ctx);
  Decimal d;
  decimalLiteral(ctx->getText(), s_.spanOf(ctx), d);
  return d;
}

// A number's value, or an error naming the limit of Decimal it breaks.
bool Converter::decimalLiteral(const std::string& text, const Span& span, Decimal& out) {
  const std::string plain = withoutLeadingZeros(text);
  if (Decimal::parse(plain, out)) return true;
  const size_t point = std::min(plain.find('.'), plain.size());
  const size_t intDigits = plain[0] == '0' ? 0 : point;
  std::string digits = plain.substr(0, point) + (point < plain.size() ? plain.substr(point + 1) : "");
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  digits.erase(digits.find_last_not_of('0') + 1);
  std::string why;
  if (intDigits > static_cast<size_t>(Decimal::kMaxIntegerDigits)) {
    why = fmt::format("is too large (at most {} digits before the point)", Decimal::kMaxIntegerDigits);
  } else if (digits.size() > static_cast<size_t>(Decimal::kMaxDigits)) {
    why = fmt::format("has too many digits (at most {} significant digits)", Decimal::kMaxDigits);
  } else {
    why = fmt::format("has too many digits after the point (at most {})", -Decimal::kMinExponent);
  }
  s_.error(span, "number " + shown(text) + " " + why);
  return false;
}

std::string Converter::carc(G::CarcContext* ctx) {
  need(ctx);
  if (ctx->INT()) return ctx->INT()->getText();
  return unescape(need(ctx->STRING())->getSymbol());
}

// A header's version. Written unquoted it is reported, and taken as written so that the rest of
// the file is still checked.
std::string Converter::version(G::VersionContext* ctx) {
  need(ctx);
  if (ctx->STRING()) {
    std::string text = unescape(ctx->STRING()->getSymbol());
    // Decisions name the policy as `id@version`: a blank version leaves them ending in `@`.
    if (std::all_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
      s_.error(s_.spanOf(ctx), "a version cannot be empty", {"decisions name the policy by its version: write one, e.g. `version \"2026.1\"`"});
    }
    return text;
  }
  const std::string text = ctx->getText();
  s_.error(s_.spanOf(ctx), "a version is a string: write `version \"" + text + "\"`");
  return text;
}

ast::OutcomeSpec Converter::outcome(G::OutcomeContext* ctx) {
  need(ctx);
  ast::OutcomeSpec o;
  o.span = s_.spanOf(ctx);
  o.action = need(ctx->action)->getText() == "pend" ? Action::kPend : Action::kDeny;
  o.group = need(ctx->IDENT())->getText();
  o.groupSpan = s_.spanOf(ctx->IDENT());
  o.carc = carc(ctx->carc());
  o.carcSpan = s_.spanOf(ctx->carc());
  if (G::RarcsContext* r = ctx->rarcs()) {
    o.rarcSpan = s_.spanOf(r);
    for (antlr4::tree::TerminalNode* id : r->IDENT()) o.rarcs.push_back(id->getText());
  }
  if (ctx->message()) o.message = message(ctx->message());
  return o;
}

ExprPtr Converter::literal(G::LiteralContext* ctx) {
  need(ctx);
  auto e = make(ExprKind::kLiteral, ctx);
  if (dynamic_cast<G::TrueLiteralContext*>(ctx) || dynamic_cast<G::FalseLiteralContext*>(ctx)) {
    e->literalType = Type::of(TypeKind::kBool);
    e->literal = Value::ofBool(dynamic_cast<G::TrueLiteralContext*>(ctx) != nullptr);
  } else if (auto* d = dynamic_cast<G::DurationLiteralContext*>(ctx)) {
    int64_t n = 0;
    const std::string text = need(d->INT())->getText();
    if (!parseInt64(text, n)) {
      s_.error(e->span, "duration " + shown(text + " days") + " is too long");
    } else {
      e->literalType = Type::of(TypeKind::kDuration);
      e->literal = Value::ofInt(n);
    }
  } else if (auto* n = dynamic_cast<G::NumberLiteralContext*>(ctx)) {
    G::NumberContext* num = need(n->number());
    const std::string text = num->getText();
    if (num->INT()) {
      int64_t v = 0;
      if (!parseInt64(text, v)) {
        s_.error(e->span, "integer " + shown(text) + " is too large (the largest is 9223372036854775807)");
      } else {
        e->literalType = Type::of(TypeKind::kInt);
        e->literal = Value::ofInt(v);
      }
    } else {
      Decimal v;
      if (decimalLiteral(text, e->span, v)) {
        e->literalType = Type::of(TypeKind::kDecimal);
        e->literal = Value::ofDecimal(v);
      }
    }
  } else if (auto* s = dynamic_cast<G::StringLiteralContext*>(ctx)) {
    e->literalType = Type::of(TypeKind::kString);
    e->text = unescape(need(s->STRING())->getSymbol());
  } else if (auto* dt = dynamic_cast<G::DateLiteralContext*>(ctx)) {
    const std::string text = need(dt->DATE())->getText();
    int32_t days = 0;
    if (!parseDate(text, days)) {
      s_.error(e->span, backticked(text) + " is not a calendar date");
    } else {
      e->literalType = Type::of(TypeKind::kDate);
      e->literal = Value::ofInt(days);
    }
  } else {
    throw MalformedTree{};
  }
  return e;
}

ExprPtr Converter::primary(G::PrimaryContext* ctx, int depth) {
  need(ctx);
  if (auto* c = dynamic_cast<G::LiteralPrimaryContext*>(ctx)) return literal(c->literal());
  if (auto* c = dynamic_cast<G::ParenPrimaryContext*>(ctx)) return expr(c->expr(), depth);
  if (auto* c = dynamic_cast<G::NamePrimaryContext*>(ctx)) {
    auto e = make(ExprKind::kName, ctx);
    e->name = need(c->varName())->getText();
    return e;
  }
  if (auto* c = dynamic_cast<G::CallPrimaryContext*>(ctx)) {
    auto e = make(ExprKind::kCall, ctx);
    e->name = need(c->IDENT().back())->getText();
    if (c->module) e->qualifier = c->module->getText();
    for (G::ExprContext* a : c->expr()) e->kids.push_back(expr(a, depth + 1));
    return e;
  }
  if (auto* c = dynamic_cast<G::SetPrimaryContext*>(ctx)) {
    auto e = make(ExprKind::kSet, ctx);
    for (G::ExprContext* a : c->expr()) e->kids.push_back(expr(a, depth + 1));
    return e;
  }
  throw MalformedTree{};
}

// `==`, `&&` and `||`, which the grammar takes only to report them: how PPL writes them.
const char* ourSpelling(const std::string& op) {
  if (op == "==") return "=";
  if (op == "&&") return "and";
  if (op == "||") return "or";
  return nullptr;
}

BinaryOp binaryOp(const std::string& op) {
  static const std::pair<const char*, BinaryOp> kOps[] = {
      {"+", BinaryOp::kAdd}, {"-", BinaryOp::kSub}, {"*", BinaryOp::kMul}, {"/", BinaryOp::kDiv},
      {"=", BinaryOp::kEq},  {"!=", BinaryOp::kNe}, {"<", BinaryOp::kLt},  {"<=", BinaryOp::kLe},
      {">", BinaryOp::kGt},  {">=", BinaryOp::kGe}, {"and", BinaryOp::kAnd}, {"or", BinaryOp::kOr},
      {"==", BinaryOp::kEq}, {"&&", BinaryOp::kAnd}, {"||", BinaryOp::kOr},
  };
  for (const auto& [text, value] : kOps) {
    if (op == text) return value;
  }
  throw MalformedTree{};
}

ExprPtr Converter::expr(G::ExprContext* ctx, int depth) {
  need(ctx);
  if (tooDeep(depth, ctx)) return make(ExprKind::kLiteral, ctx);  // an untyped placeholder
  const int d = depth + 1;
  if (auto* c = dynamic_cast<G::PrimaryExprContext*>(ctx)) return primary(c->primary(), depth);
  if (auto* c = dynamic_cast<G::FieldExprContext*>(ctx)) {
    auto e = make(ExprKind::kField, ctx);
    e->name = need(c->name())->getText();
    e->kids.push_back(expr(c->expr(), d));
    return e;
  }
  if (auto* c = dynamic_cast<G::NegExprContext*>(ctx)) {
    auto e = make(ExprKind::kNeg, ctx);
    e->kids.push_back(expr(c->expr(), d));
    return e;
  }
  if (auto* c = dynamic_cast<G::NotExprContext*>(ctx)) {
    auto e = make(ExprKind::kNot, ctx);
    e->kids.push_back(expr(c->expr(), d));
    return e;
  }
  // The binary alternatives all have two operands and an `op` token.
  auto binary = [&](Token* op, G::ExprContext* a, G::ExprContext* b) {
    auto e = make(ExprKind::kBinary, ctx);
    e->op = binaryOp(need(op)->getText());
    e->kids.push_back(expr(a, d));
    // Other languages' spellings parse, so that one slip is one error, not a cascade.
    if (const char* ours = ourSpelling(op->getText())) {
      s_.error(s_.spanOf(op), fmt::format("`{}` is written `{}` in PPL", op->getText(), ours));
    }
    e->kids.push_back(expr(b, d));
    return e;
  };
  if (auto* c = dynamic_cast<G::MulExprContext*>(ctx)) return binary(c->op, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<G::AddExprContext*>(ctx)) return binary(c->op, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<G::CompareExprContext*>(ctx)) return binary(c->op, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<G::AndExprContext*>(ctx)) return binary(c->op, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<G::OrExprContext*>(ctx)) return binary(c->op, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<G::DefaultExprContext*>(ctx)) {
    auto e = make(ExprKind::kDefault, ctx);
    e->kids.push_back(expr(c->expr(0), d));
    e->kids.push_back(expr(c->expr(1), d));
    return e;
  }
  if (auto* c = dynamic_cast<G::PresenceExprContext*>(ctx)) {
    auto e = make(ExprKind::kPresence, ctx);
    e->wantAbsent = (need(c->what)->getText() == "absent") != (c->neg != nullptr);
    e->kids.push_back(expr(c->expr(), d));
    return e;
  }
  if (auto* c = dynamic_cast<G::LineClassExprContext*>(ctx)) {
    auto e = make(ExprKind::kLineClass, ctx);
    e->name = className(c->className(), e->qualifier);
    e->negated = c->neg != nullptr;
    e->kids.push_back(expr(c->expr(), d));
    return e;
  }
  if (auto* c = dynamic_cast<G::InExprContext*>(ctx)) {
    auto e = make(ExprKind::kIn, ctx);
    e->negated = c->neg != nullptr;
    e->kids.push_back(expr(c->expr(0), d));
    e->kids.push_back(expr(c->expr(1), d));
    return e;
  }
  if (auto* c = dynamic_cast<G::WithinExprContext*>(ctx)) {
    auto e = make(ExprKind::kWithin, ctx);
    e->before = need(c->dir)->getText() == "before";
    for (size_t i = 0; i < 3; ++i) e->kids.push_back(expr(c->expr(i), d));
    return e;
  }
  if (auto* c = dynamic_cast<G::BetweenExprContext*>(ctx)) {
    auto e = make(ExprKind::kBetween, ctx);
    e->negated = c->neg != nullptr;
    e->kids.push_back(expr(c->expr(0), d));
    e->kids.push_back(bound(c->bound(), d));
    e->kids.push_back(expr(c->expr(1), d));
    return e;
  }
  if (auto* c = dynamic_cast<G::IfExprContext*>(ctx)) {
    auto e = make(ExprKind::kIf, ctx);
    for (size_t i = 0; i < 3; ++i) e->kids.push_back(expr(c->expr(i), d));
    return e;
  }
  if (auto* c = dynamic_cast<G::ExistsExprContext*>(ctx)) {
    auto e = make(ExprKind::kExists, ctx);
    e->negated = need(c->kind)->getText() == "no";
    e->var = varDecl(c->IDENT());
    for (G::ExprContext* k : c->expr()) e->kids.push_back(expr(k, d));
    return e;
  }
  if (auto* c = dynamic_cast<G::EveryExprContext*>(ctx)) {
    auto e = make(ExprKind::kEvery, ctx);
    e->var = varDecl(c->IDENT());
    std::vector<G::ExprContext*> kids = c->expr();
    if (kids.size() < 2) throw MalformedTree{};
    e->kids.push_back(expr(kids[0], d));
    if (kids.size() == 3) {
      e->kids.push_back(expr(kids[1], d));
    } else {
      // No `where`: kids[1] is a literal `true`, so kids[2] is always `satisfies`.
      auto t = make(ExprKind::kLiteral, ctx);
      t->literalType = Type::of(TypeKind::kBool);
      t->literal = Value::ofBool(true);
      e->kids.push_back(std::move(t));
    }
    e->kids.push_back(expr(kids.back(), d));
    return e;
  }
  if (auto* c = dynamic_cast<G::CountExprContext*>(ctx)) {
    auto e = make(ExprKind::kCount, ctx);
    e->var = varDecl(c->IDENT());
    for (G::ExprContext* k : c->expr()) e->kids.push_back(expr(k, d));
    return e;
  }
  if (auto* c = dynamic_cast<G::AggregateExprContext*>(ctx)) {
    auto e = make(ExprKind::kAggregate, ctx);
    const std::string kind = need(c->kind)->getText();
    e->aggregate = kind == "sum" ? ast::AggregateOp::kSum
                   : (kind == "max" || kind == "latest") ? ast::AggregateOp::kMax
                                                         : ast::AggregateOp::kMin;
    e->var = varDecl(c->IDENT());
    for (G::ExprContext* k : c->expr()) e->kids.push_back(expr(k, d));
    return e;
  }
  throw MalformedTree{};
}

// The arithmetic subset of expressions a `between` bound may be (see `bound` in PPL.g4).
ExprPtr Converter::bound(G::BoundContext* ctx, int depth) {
  need(ctx);
  if (tooDeep(depth, ctx)) return make(ExprKind::kLiteral, ctx);
  const int d = depth + 1;
  if (auto* c = dynamic_cast<G::PrimaryBoundContext*>(ctx)) return primary(c->primary(), depth);
  if (auto* c = dynamic_cast<G::FieldBoundContext*>(ctx)) {
    auto e = make(ExprKind::kField, ctx);
    e->name = need(c->name())->getText();
    e->kids.push_back(bound(c->bound(), d));
    return e;
  }
  if (auto* c = dynamic_cast<G::NegBoundContext*>(ctx)) {
    auto e = make(ExprKind::kNeg, ctx);
    e->kids.push_back(bound(c->bound(), d));
    return e;
  }
  auto binary = [&](ExprKind kind, Token* op, G::BoundContext* a, G::BoundContext* b) {
    auto e = make(kind, ctx);
    if (kind == ExprKind::kBinary) e->op = binaryOp(need(op)->getText());
    e->kids.push_back(bound(a, d));
    e->kids.push_back(bound(b, d));
    return e;
  };
  if (auto* c = dynamic_cast<G::MulBoundContext*>(ctx)) {
    return binary(ExprKind::kBinary, c->op, c->bound(0), c->bound(1));
  }
  if (auto* c = dynamic_cast<G::AddBoundContext*>(ctx)) {
    return binary(ExprKind::kBinary, c->op, c->bound(0), c->bound(1));
  }
  if (auto* c = dynamic_cast<G::DefaultBoundContext*>(ctx)) {
    return binary(ExprKind::kDefault, nullptr, c->bound(0), c->bound(1));
  }
  throw MalformedTree{};
}

ast::TypeRef Converter::baseType(G::BaseTypeContext* ctx, int depth) {
  need(ctx);
  ast::TypeRef t;
  t.span = s_.spanOf(ctx);
  if (tooDeep(depth, ctx)) return t;
  if (auto* c = dynamic_cast<G::NamedTypeContext*>(ctx)) {
    t.kind = ast::TypeRef::Kind::kNamed;
    t.name = need(c->IDENT())->getText();
  } else if (auto* c = dynamic_cast<G::ListTypeContext*>(ctx)) {
    t.kind = ast::TypeRef::Kind::kList;
    t.elem = std::make_unique<ast::TypeRef>(baseType(c->baseType(), depth + 1));
  } else if (auto* c = dynamic_cast<G::EnumTypeContext*>(ctx)) {
    t.kind = ast::TypeRef::Kind::kEnum;
    for (antlr4::tree::TerminalNode* s : c->STRING()) t.values.push_back(unescape(s->getSymbol()));
  } else {
    throw MalformedTree{};
  }
  return t;
}

ast::TypeRef Converter::typeRef(G::TypeRefContext* ctx) {
  need(ctx);
  ast::TypeRef t = baseType(ctx->baseType(), 1);
  t.span = s_.spanOf(ctx);
  t.optional = need(ctx->getStart())->getText() == "optional" && ctx->children.size() == 2;
  return t;
}

std::unique_ptr<ast::RuleDecl> Converter::rule(G::RuleDeclContext* ctx) {
  auto r = std::make_unique<ast::RuleDecl>();
  r->id = dashedName(ctx->dashedName(), r->span);
  if (ctx->STRING()) r->title = unescape(ctx->STRING()->getSymbol());
  bool haveApplies = false, haveEffective = false;
  for (G::RuleClauseContext* clause : ctx->ruleClause()) {
    const Span span = s_.spanOf(need(clause));
    auto again = [&](const char* what) {
      s_.error(span, "rule " + backticked(r->id) + " already has " + what + " clause");
    };
    if (auto* c = dynamic_cast<G::AppliesClauseContext*>(clause)) {
      if (haveApplies) {
        again("an `applies to`");
        continue;
      }
      haveApplies = true;
      for (G::ClassNameContext* name : c->className()) {
        std::string qualifier;
        r->applies.push_back(className(name, qualifier));
        r->appliesQualifiers.push_back(qualifier);
        r->appliesSpans.push_back(s_.spanOf(name));
      }
    } else if (auto* c = dynamic_cast<G::OnlyWhenClauseContext*>(clause)) {
      if (r->onlyWhen) {
        again("an `only when`");
        continue;
      }
      r->onlyWhen = expr(c->expr(), 1);
    } else if (auto* c = dynamic_cast<G::RuleEffectiveClauseContext*>(clause)) {
      if (haveEffective) {
        again("an `effective`");
        continue;
      }
      haveEffective = true;
      r->effectiveFrom = expr(c->expr(0), 1);
      if (c->expr(1)) r->effectiveThrough = expr(c->expr(1), 1);
    } else if (auto* c = dynamic_cast<G::LetClauseContext*>(clause)) {
      ast::Clause cl;
      cl.kind = ast::ClauseKind::kLet;
      cl.span = span;
      cl.var = varDecl(c->IDENT());
      cl.expr = expr(c->expr(), 1);
      r->clauses.push_back(std::move(cl));
    } else if (auto* c = dynamic_cast<G::RequireClauseContext*>(clause)) {
      ast::Clause cl;
      cl.kind = ast::ClauseKind::kRequire;
      cl.span = span;
      cl.expr = expr(c->expr(), 1);
      cl.outcome = outcome(c->outcome());
      r->clauses.push_back(std::move(cl));
    } else if (auto* c = dynamic_cast<G::FailWhenClauseContext*>(clause)) {
      ast::Clause cl;
      cl.kind = ast::ClauseKind::kFailWhen;
      cl.span = span;
      cl.outcome = outcome(c->outcome());
      cl.expr = expr(c->expr(), 1);
      if (c->message()) {
        if (cl.outcome.message.present) {
          s_.error(s_.spanOf(c->message()),
                   "this " + backticked(cl.outcome.action == Action::kPend ? "pend" : "deny") +
                       " already has a message before `when`; give one message, before `when` or at the end");
        } else {
          cl.outcome.message = message(c->message());
        }
      }
      r->clauses.push_back(std::move(cl));
    } else if (auto* c = dynamic_cast<G::AdjustClauseContext*>(clause)) {
      ast::Clause cl;
      cl.kind = ast::ClauseKind::kAdjust;
      cl.span = span;
      cl.outcome.span = span;
      cl.outcome.group = need(c->IDENT())->getText();
      cl.outcome.groupSpan = s_.spanOf(c->IDENT());
      cl.outcome.carc = carc(c->carc());
      cl.outcome.carcSpan = s_.spanOf(c->carc());
      cl.percent = number(c->number());
      cl.expr = expr(c->expr(), 1);
      if (c->message()) {
        // The decision reports an adjustment by rule, group, CARC and percent (decision.md): a
        // message would be computed and never shown.
        s_.error(s_.spanOf(c->message()), "an adjustment has no message: the decision reports its rule, group, CARC and percent",
                 {"remove the message; a comment (`// ...`) can say why the adjustment applies"});
      }
      r->clauses.push_back(std::move(cl));
    } else {
      throw MalformedTree{};
    }
  }
  return r;
}

std::unique_ptr<ast::RecordDecl> Converter::record(G::RecordDeclContext* ctx) {
  auto rec = std::make_unique<ast::RecordDecl>();
  rec->name = need(ctx->IDENT())->getText();
  rec->span = s_.spanOf(ctx->IDENT());
  for (G::FieldDeclContext* f : ctx->fieldDecl()) {
    ast::FieldDecl field;
    field.name = need(need(f)->name())->getText();
    field.span = s_.spanOf(f->name());
    field.typeRef = typeRef(f->typeRef());
    for (G::FieldOptionContext* o : f->fieldOption()) {
      ast::FieldOption opt;
      opt.span = s_.spanOf(need(o));
      auto signedNumber = [&](G::SignedNumberContext* n) {
        Decimal v = number(need(n)->number());
        return n->children.size() == 2 ? neg(v) : v;  // `-` number
      };
      if (dynamic_cast<G::NonEmptyOptionContext*>(o)) {
        opt.kind = ast::FieldOption::Kind::kNonEmpty;
      } else if (auto* c = dynamic_cast<G::FormatOptionContext*>(o)) {
        opt.kind = ast::FieldOption::Kind::kFormat;
        opt.name = need(c->IDENT())->getText();
      } else if (auto* c = dynamic_cast<G::AtLeastOptionContext*>(o)) {
        opt.kind = ast::FieldOption::Kind::kAtLeast;
        opt.number = signedNumber(c->signedNumber());
      } else if (auto* c = dynamic_cast<G::AboveOptionContext*>(o)) {
        opt.kind = ast::FieldOption::Kind::kAbove;
        opt.number = signedNumber(c->signedNumber());
      } else if (auto* c = dynamic_cast<G::DefaultOptionContext*>(o)) {
        opt.kind = ast::FieldOption::Kind::kDefault;
        if (c->literal()) {
          opt.literal = literal(c->literal());
        } else {
          const std::string open = need(c->getStop())->getText();
          opt.emptyList = open == "]";
          opt.emptyRecord = open == "}";
        }
      } else if (auto* c = dynamic_cast<G::UniqueOptionContext*>(o)) {
        opt.kind = ast::FieldOption::Kind::kUnique;
        opt.name = need(c->name())->getText();
      } else if (auto* c = dynamic_cast<G::NotBeforeOptionContext*>(o)) {
        opt.kind = ast::FieldOption::Kind::kNotBefore;
        opt.name = need(c->name())->getText();
      } else {
        throw MalformedTree{};
      }
      field.options.push_back(std::move(opt));
    }
    rec->fields.push_back(std::move(field));
  }
  return rec;
}

void Converter::decl(G::DeclContext* ctx, ast::Unit& unit) {
  need(ctx);
  ast::Decl d;
  if (auto* c = dynamic_cast<G::ConstDeclContext*>(ctx)) {
    d.kind = ast::DeclKind::kConst;
    d.constDecl = std::make_unique<ast::ConstDecl>();
    d.constDecl->name = need(c->IDENT())->getText();
    d.constDecl->span = s_.spanOf(c->IDENT());
    d.constDecl->value = expr(c->expr(), 1);
  } else if (auto* c = dynamic_cast<G::ParamDeclContext*>(ctx)) {
    d.kind = ast::DeclKind::kParam;
    d.paramDecl = std::make_unique<ast::ParamDecl>();
    d.paramDecl->name = need(c->IDENT())->getText();
    d.paramDecl->span = s_.spanOf(c->IDENT());
    d.paramDecl->typeRef = typeRef(c->typeRef());
    if (c->expr()) d.paramDecl->defaultValue = expr(c->expr(), 1);
  } else if (auto* c = dynamic_cast<G::DefineDeclContext*>(ctx)) {
    d.kind = ast::DeclKind::kDefine;
    d.defineDecl = std::make_unique<ast::DefineDecl>();
    d.defineDecl->name = need(c->IDENT())->getText();
    d.defineDecl->span = s_.spanOf(c->IDENT());
    for (G::ParamContext* p : c->param()) {
      d.defineDecl->params.push_back(varDecl(need(p)->IDENT()));
      d.defineDecl->paramTypes.push_back(typeRef(p->typeRef()));
    }
    d.defineDecl->body = expr(c->expr(), 1);
  } else if (auto* c = dynamic_cast<G::LinesDeclContext*>(ctx)) {
    d.kind = ast::DeclKind::kLines;
    d.linesDecl = std::make_unique<ast::LinesDecl>();
    d.linesDecl->name = need(c->IDENT())->getText();
    d.linesDecl->span = s_.spanOf(c->IDENT());
    d.linesDecl->predicate = expr(c->expr(), 1);
  } else if (auto* c = dynamic_cast<G::RuleDeclContext*>(ctx)) {
    d.kind = ast::DeclKind::kRule;
    d.ruleDecl = rule(c);
  } else if (auto* c = dynamic_cast<G::RecordDeclContext*>(ctx)) {
    d.kind = ast::DeclKind::kRecord;
    d.recordDecl = record(c);
  } else if (auto* c = dynamic_cast<G::DrugDeclContext*>(ctx)) {
    // A drug is a string constant holding its code, remembered as a drug for the lints.
    d.kind = ast::DeclKind::kConst;
    d.constDecl = std::make_unique<ast::ConstDecl>();
    d.constDecl->name = need(c->IDENT())->getText();
    d.constDecl->span = s_.spanOf(c->IDENT());
    d.constDecl->isDrug = true;
    auto code = std::make_unique<ast::Expr>();
    code->kind = ast::ExprKind::kLiteral;
    code->span = s_.spanOf(c->STRING(0));
    code->literalType = Type::of(TypeKind::kString);
    code->text = unescape(need(c->STRING(0))->getSymbol());
    d.constDecl->value = std::move(code);
    if (c->STRING(1)) d.constDecl->acknowledged = unescape(c->STRING(1)->getSymbol());
  } else {
    throw MalformedTree{};
  }
  unit.decls.push_back(std::move(d));
}

// A file with syntax errors is not converted, but the messages of its rules are checked as
// conversion would check them: an error in a hole would otherwise show only once the others were
// fixed (review17d F3). Only a message before its rule's first syntax error: past the error, the
// tree holds ANTLR's guesses (an error at the rule's keyword is the declaration's before it).
void Converter::checkMessages(G::FileContext* ctx) {
  for (G::DeclContext* d : need(ctx)->decl()) {
    auto* rule = dynamic_cast<G::RuleDeclContext*>(d);
    if (rule == nullptr) continue;
    const Span start = s_.spanOf(rule->getStart());
    auto check = [&](G::MessageContext* m) {
      if (!s_.errorBetween(start, s_.spanOf(m->getStart()))) message(m);
    };
    for (G::RuleClauseContext* clause : rule->ruleClause()) {
      // As rule() reads them: an adjustment's message is an error of its own, not checked.
      G::OutcomeContext* outcome = nullptr;
      G::MessageContext* after = nullptr;  // `deny CO 50 when x "message"`
      if (auto* c = dynamic_cast<G::RequireClauseContext*>(clause)) {
        outcome = c->outcome();
      } else if (auto* c = dynamic_cast<G::FailWhenClauseContext*>(clause)) {
        outcome = c->outcome();
        after = c->message();
      }
      if (outcome != nullptr && outcome->message() != nullptr) {
        check(outcome->message());
      } else if (after != nullptr) {
        check(after);
      }
    }
  }
}

std::unique_ptr<ast::Unit> Converter::unit(G::FileContext* ctx) {
  need(ctx);
  auto u = std::make_unique<ast::Unit>();
  u->file = s_.origin().file;
  G::HeaderContext* header = need(ctx->header());
  if (auto* h = dynamic_cast<G::PolicyHeaderContext*>(header)) {
    u->kind = ast::UnitKind::kPolicy;
    u->name = dashedName(h->dashedName(), u->nameSpan);
    u->version = version(h->version());
    const std::string policy = "policy " + backticked(u->name);
    bool haveTitle = false, haveLob = false, haveEffective = false;
    for (G::PolicyClauseContext* clause : h->policyClause()) {
      const Span span = s_.spanOf(need(clause));
      if (auto* c = dynamic_cast<G::TitleClauseContext*>(clause)) {
        if (haveTitle) {
          s_.error(span, policy + " already has a title");
          continue;
        }
        haveTitle = true;
        u->title = unescape(need(c->STRING())->getSymbol());
      } else if (auto* c = dynamic_cast<G::LobClauseContext*>(clause)) {
        if (haveLob) {
          s_.error(span, policy + " already has a `line of business` clause; list every line of business in one");
          continue;
        }
        haveLob = true;
        if (need(c->lob)->getText() != "line") s_.error(s_.spanOf(c->lob), "`lines of business` is written `line of business`");
        for (antlr4::tree::TerminalNode* s : c->STRING()) {
          u->linesOfBusiness.push_back(unescape(s->getSymbol()));
          u->lobSpans.push_back(s_.spanOf(s));
        }
      } else if (auto* c = dynamic_cast<G::GovernsClauseContext*>(clause)) {
        if (u->governs) {
          s_.error(span, policy + " already has a `governs` clause");
          continue;
        }
        if (need(c->lines)->getText() != "lines") s_.error(s_.spanOf(c->lines), "`governs line` is written `governs lines`");
        u->governs = expr(c->expr(), 1);
      } else if (auto* c = dynamic_cast<G::EffectiveClauseContext*>(clause)) {
        if (haveEffective) {
          s_.error(span, policy + " already has an `effective` clause");
          continue;
        }
        haveEffective = true;
        u->effectiveFrom = expr(c->expr(0), 1);
        if (c->expr(1)) u->effectiveThrough = expr(c->expr(1), 1);
      } else {
        throw MalformedTree{};
      }
    }
    if (!u->governs) s_.error(u->nameSpan, policy + " needs a `governs lines where ...` clause");
    if (!haveLob) s_.error(u->nameSpan, policy + " needs a `line of business \"...\"` clause");
  } else if (auto* h = dynamic_cast<G::ModuleHeaderContext*>(header)) {
    u->kind = ast::UnitKind::kModule;
    u->name = dashedName(h->dashedName(), u->nameSpan);
  } else if (auto* h = dynamic_cast<G::SchemaHeaderContext*>(header)) {
    u->kind = ast::UnitKind::kSchema;
    u->name = need(h->IDENT())->getText();
    u->nameSpan = s_.spanOf(h->IDENT());
    u->version = version(h->version());
  } else {
    throw MalformedTree{};
  }
  for (G::UseDeclContext* use : ctx->useDecl()) {
    ast::UseDecl ud;
    ud.module = dashedName(need(use)->dashedName(), ud.span);
    if (use->IDENT()) {
      ud.alias = use->IDENT()->getText();
      ud.aliasSpan = s_.spanOf(use->IDENT());
    }
    for (G::BindingContext* b : use->binding()) {
      ast::Binding binding;
      binding.name = need(need(b)->IDENT())->getText();
      binding.span = s_.spanOf(b->IDENT());
      binding.value = expr(b->expr(), 1);
      ud.bindings.push_back(std::move(binding));
    }
    u->uses.push_back(std::move(ud));
  }
  for (G::DeclContext* d : ctx->decl()) decl(d, *u);
  return u;
}

// ---------------------------------------------------------------------------------------------
// The boundary: everything ANTLR does happens inside run(), and nothing it throws gets out.

Result run(Entry entry, Origin origin, const std::string& text, Diagnostics& diags, const ParseLimits& limits,
           int spentSyntaxErrors) {
  Result result;
  const size_t errorsBefore = diags.errorCount();
  const size_t itemsBefore = diags.items().size();
  bool messagesChecked = false;  // after syntax errors, see Converter::checkMessages
  ParseState state(origin, text, diags, limits, entry, spentSyntaxErrors);
  auto finish = [&]() -> Result {
    result.syntaxErrors = state.syntaxErrors();
    return std::move(result);
  };

  if (text.size() > limits.maxBytes) {
    // Not the size: the driver reads no more than the limit and a byte.
    state.error(state.at(1, 0), "the file is too large (more than " + std::to_string(limits.maxBytes) + " bytes)");
    return finish();
  }
  // ANTLR's converter throws on bad UTF-8: a diagnostic at the byte is better.
  const size_t bad = firstInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    size_t line = 1, lineStart = 0;
    for (size_t i = 0; i < bad; ++i) {
      if (text[i] == '\n') {
        ++line;
        lineStart = i + 1;
      }
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(text[bad])));
    state.error(state.at(line, codePoints(std::string_view(text).substr(lineStart, bad - lineStart))),
                std::string("invalid UTF-8 (byte ") + hex + "): source files must be UTF-8 text");
    return finish();
  }

  try {
    // A byte order mark is not text: drop it so that columns count as editors count them (the
    // echoed line keeps it, and a terminal shows it as nothing).
    std::unique_ptr<antlr4::ANTLRInputStream> input;
    if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) {
      input = std::make_unique<antlr4::ANTLRInputStream>(text.substr(3));
    } else {
      input = std::make_unique<antlr4::ANTLRInputStream>(text);
    }
    ErrorListener listener(state);
    Resync resync(state);
    grammar::PPLLexer lexer(input.get());
    lexer.removeErrorListeners();
    lexer.addErrorListener(&listener);
    antlr4::CommonTokenStream tokens(&lexer);
    tokens.fill();
    state.setTokens(&tokens);
    // Nothing to parse is said so (review17a F18), not "unexpected end of file" with a caret on
    // a blank line; the message has no position, since no place in the file is wrong.
    if (entry == Entry::kFile) {
      bool comments = false;
      for (Token* t : tokens.getTokens()) {
        if (t->getType() == Token::EOF) {
          state.error(Span{origin.file}, std::string(comments ? "the file holds only comments" : "the file is empty") +
                                             ": a policy starts with `policy`, a module with `module`");
          return finish();
        }
        if (t->getChannel() == Token::DEFAULT_CHANNEL) break;
        comments = true;
      }
    }
    if (!state.preScanNesting()) return finish();

    // Two stages, as ANTLR recommends: SLL prediction is several times faster and, when it
    // succeeds, gives the tree LL would. Only input it cannot parse (usually input with
    // errors) is parsed again with full LL, which is also the pass that reports errors.
    auto attempt = [&](bool fast) {
      G parser(&tokens);
      parser.removeErrorListeners();
      if (fast) {
        parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
        parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
            antlr4::atn::PredictionMode::SLL);
      } else {
        parser.addErrorListener(&listener);
        parser.addParseListener(&resync);
        parser.setErrorHandler(std::make_shared<ErrorStrategy>(state));
      }
      antlr4::ParserRuleContext* tree =
          entry == Entry::kFile ? static_cast<antlr4::ParserRuleContext*>(parser.file()) : parser.exprOnly();
      if (state.syntaxErrors() > 0 || parser.getNumberOfSyntaxErrors() > 0) {
        if (entry == Entry::kFile) {
          messagesChecked = true;
          Converter(state).checkMessages(dynamic_cast<G::FileContext*>(tree));
        }
        return;
      }
      // The tree lives in the parser: convert it before the parser goes.
      Converter converter(state);
      if (entry == Entry::kFile) {
        result.unit = converter.unit(dynamic_cast<G::FileContext*>(tree));
      } else {
        result.expr = converter.expr(need(dynamic_cast<G::ExprOnlyContext*>(tree))->expr(), 1);
      }
    };
    try {
      attempt(true);
    } catch (const antlr4::ParseCancellationException&) {
      tokens.seek(0);
      attempt(false);
    }
  } catch (const TooManySyntaxErrors&) {
    // Reported with a note on the last error.
  } catch (const MalformedTree&) {
    if (diags.errorCount() == errorsBefore) state.error(state.at(1, 0), "the parser could not read this file");
  } catch (const std::exception& e) {
    // pplc's own failure, not the input's (exit 3): every input should end in a diagnostic.
    diags.internalError(state.at(1, 0), std::string("internal error: the parser failed on this input: ") + e.what());
  } catch (...) {
    diags.internalError(state.at(1, 0), "internal error: the parser failed on this input");
  }
  state.sendPending();
  // The messages' errors among the file's syntax errors, in the order of the text.
  if (messagesChecked) diags.sortFrom(itemsBefore, state.stoppingNote());
  // Any error makes the result unusable: later stages see either a whole tree or nothing.
  if (diags.errorCount() != errorsBefore) {
    result.unit.reset();
    result.expr.reset();
  }
  return finish();
}

}  // namespace

std::unique_ptr<ast::Unit> parseUnit(uint32_t file, const SourceManager& sources, Diagnostics& diags,
                                     const ParseLimits& limits) {
  if (file >= sources.count()) {
    diags.internalError(Span{}, "internal error: no source file " + std::to_string(file));
    return nullptr;
  }
  return run(Entry::kFile, Origin{file, 1, 1}, sources.text(file), diags, limits, 0).unit;
}

ExprPtr parseExpression(uint32_t file, const std::string& text, uint32_t line, uint32_t col, Diagnostics& diags,
                        const ParseLimits& limits) {
  return run(Entry::kExpr, Origin{file, std::max<uint32_t>(line, 1), std::max<uint32_t>(col, 1)}, text, diags,
             limits, 0)
      .expr;
}

}  // namespace ppl
