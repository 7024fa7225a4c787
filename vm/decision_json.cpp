// JSON output of decisions and errors, and message rendering. Numbers are formatted into stack
// buffers and strings are escaped while appended, so writing into a reused std::string does not
// allocate once the string has the capacity.
//
// A decision is a hundred small tokens; appending each to the std::string costs a call and a
// capacity check apiece, which was most of the writer's time. Text goes through a staging
// buffer on the stack instead (Stage) and reaches the string up to 4 kB at a time.
//
// writeDecisionJson walks the decision token by token (both layouts) and is the reference;
// DecisionJsonWriter prints the one-line layout from pieces rendered once per program, for
// `pplc eval --ndjson`, where the writer was an eighth of a claim's instructions.
#include "vm/decision_json.h"

#include <algorithm>
#include <cstring>

#include "runtime/date.h"
#include "runtime/utf8.h"

namespace ppl {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// How many bytes a byte takes inside a JSON string: 1, 2 (\" \\) or 6 (\u00xx).
struct EscapeTable {
  uint8_t size[256];
  constexpr EscapeTable() : size() {
    for (int c = 0; c < 256; ++c) size[c] = c < 0x20 ? 6 : (c == '"' || c == '\\') ? 2 : 1;
  }
};
constexpr EscapeTable kEscape;

// A stack buffer in front of the caller's std::string: a decision is a few dozen pieces, and a
// bounds check per piece is cheaper than a std::string append per piece. The string grows
// only in flush(): call it when done (what is staged is not in the string before), and a reused
// string stops allocating.
class Stage {
 public:
  static constexpr size_t kSize = 4096;

  explicit Stage(std::string& out) : out_(out) {}
  Stage(const Stage&) = delete;
  Stage& operator=(const Stage&) = delete;

  void put(const char* s, size_t n) {
    if (n > static_cast<size_t>(end_ - cursor_)) {
      flush();
      if (n > kSize) {
        out_.append(s, n);
        return;
      }
    }
    std::memcpy(cursor_, s, n);
    cursor_ += n;
  }
  void put(std::string_view s) { put(s.data(), s.size()); }
  void put(char c) { put(&c, 1); }
  // Where to write at most n (<= kSize) bytes; then advance() past what was written.
  char* room(size_t n) {
    if (n > static_cast<size_t>(end_ - cursor_)) flush();
    return cursor_;
  }
  void advance(char* to) { cursor_ = to; }
  void flush() {
    out_.append(buf_, static_cast<size_t>(cursor_ - buf_));
    cursor_ = buf_;
  }

 private:
  std::string& out_;
  char buf_[kSize];
  char* cursor_ = buf_;
  char* const end_ = buf_ + kSize;
};

// Whether any of the 8 bytes of `w` must be escaped in a JSON string: a byte below 0x20, a
// quote or a backslash. The usual SWAR tests: a byte b < n when (b - n) borrows and b < 0x80.
bool needsEscape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101u;
  constexpr uint64_t kHigh = 0x8080808080808080u;
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t backslash = w ^ (kOnes * '\\');
  const uint64_t below = (w - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes);
  return (below & ~w & kHigh) != 0;
}

// `s` as the inside of a JSON string (RFC 8259: quote, backslash and control characters
// escaped). Claim ids and codes rarely hold a byte to escape, so runs of 8 plain bytes are
// copied a word at a time.
void putEscaped(Stage& stage, std::string_view s) {
  // 4 to 16 bytes with none to escape (most ids, codes and message arguments): two overlapping
  // words from each end, not a byte at a time after the last whole word.
  const size_t size = s.size();
  if (size - 4 <= 12) {
    const char* const d = s.data();
    if (size >= 8) {
      uint64_t head, tail;
      std::memcpy(&head, d, 8);
      std::memcpy(&tail, d + size - 8, 8);
      if (!needsEscape(head) && !needsEscape(tail)) {
        char* const p = stage.room(size);
        std::memcpy(p, &head, 8);
        std::memcpy(p + size - 8, &tail, 8);
        stage.advance(p + size);
        return;
      }
    } else {
      uint32_t head, tail;
      std::memcpy(&head, d, 4);
      std::memcpy(&tail, d + size - 4, 4);
      if (!needsEscape(head | uint64_t{tail} << 32)) {
        char* const p = stage.room(size);
        std::memcpy(p, &head, 4);
        std::memcpy(p + size - 4, &tail, 4);
        stage.advance(p + size);
        return;
      }
    }
  }
  constexpr size_t kPiece = Stage::kSize / 6;  // bytes whose escaped form surely fits
  while (!s.empty()) {
    const size_t n = std::min(s.size(), kPiece);
    char* p = stage.room(n * 6);
    size_t i = 0;
    for (uint64_t w; i + 8 <= n; i += 8) {
      std::memcpy(&w, s.data() + i, 8);
      if (needsEscape(w)) break;
      std::memcpy(p, &w, 8);
      p += 8;
    }
    for (; i < n; ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      const uint8_t size = kEscape.size[c];
      if (size == 1) {
        *p++ = static_cast<char>(c);
      } else if (size == 2) {
        p[0] = '\\';
        p[1] = static_cast<char>(c);
        p += 2;
      } else {
        const char e[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        std::memcpy(p, e, 6);
        p += 6;
      }
    }
    stage.advance(p);
    s.remove_prefix(n);
  }
}

// The decimal text of v, as std::to_chars writes it.
void putInt(Stage& stage, int64_t v) {
  char* p = stage.room(20);
  if (static_cast<uint64_t>(v) < 10) {  // most line numbers
    *p = static_cast<char>('0' + v);
    stage.advance(p + 1);
    return;
  }
  if (v < 0) *p++ = '-';
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  size_t digits = 1;
  for (uint64_t x = u; x >= 10; x /= 10) ++digits;
  char* const end = p + digits;
  p = end;
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  stage.advance(end);
}

// Where text goes: straight into the stage, or escaped as the inside of a JSON string.
struct Sink {
  Stage* out;
  bool escape;

  void put(std::string_view s) const {
    if (escape) {
      putEscaped(*out, s);
    } else {
      out->put(s);
    }
  }
};

// Digits never need escaping.
void putInt(const Sink& sink, int64_t v) { putInt(*sink.out, v); }

void putDecimal(const Sink& sink, const Decimal& d) {
  char buf[Decimal::kMaxTextLength];
  const int n = d.format(buf);
  sink.put(std::string_view(buf, static_cast<size_t>(n)));
}

void putDate(const Sink& sink, int64_t days) {
  // formatDate clamps to years 0001..9999; clamp here first so the narrowing cannot wrap.
  const int32_t d = static_cast<int32_t>(std::clamp<int64_t>(days, kMinDateDays, kMaxDateDays));
  char buf[10];
  formatDate(d, buf);
  sink.put(std::string_view(buf, sizeof(buf)));
}

// What one message hole may print of a claim's facts. A message names the facts that failed for
// a person to read; without bounds, a hole over a claim's 100,000 diagnoses, repeated on each of
// its 999 lines, would turn a 1 MB claim into 500 MB of output.
constexpr uint32_t kMaxListArgElements = 10;  // then " and N more"
constexpr size_t kMaxStringArgBytes = 200;    // then "..."

// A string hole's text, cut after kMaxStringArgBytes at a UTF-8 character boundary.
void putString(const Sink& sink, std::string_view s) {
  if (s.size() <= kMaxStringArgBytes) {
    sink.put(s);
    return;
  }
  sink.put(s.substr(0, characterStart(s, kMaxStringArgBytes)));
  sink.put("...");
}

// One scalar (or list element) as a person reads it.
void putScalar(const Sink& sink, const Value& v, ValueKind kind) {
  if (v.absent) {
    sink.put("none");
    return;
  }
  switch (kind) {
    case ValueKind::kBool: sink.put(v.i ? "true" : "false"); return;
    case ValueKind::kInt: putInt(sink, v.i); return;
    case ValueKind::kDecimal: putDecimal(sink, v.d); return;
    case ValueKind::kString: putString(sink, v.s.view()); return;
    case ValueKind::kDate: putDate(sink, v.i); return;
    case ValueKind::kDuration:
      putInt(sink, v.i);
      sink.put(v.i == 1 || v.i == -1 ? " day" : " days");
      return;
    case ValueKind::kGroup: sink.put(groupName(static_cast<AdjustmentGroup>(v.i))); return;
    case ValueKind::kList:
    case ValueKind::kRecord:
    case ValueKind::kIter: break;  // not scalars: the checker does not let them into messages
  }
  sink.put("?");
}

// A message argument of `kind` (a list: its first `elemKind` elements, comma-separated).
void putArg(const Sink& sink, const Facts& facts, const Value& v, ValueKind kind, ValueKind elemKind) {
  if (kind != ValueKind::kList || v.absent) {
    putScalar(sink, v, kind);
    return;
  }
  if (v.list.count == 0) {  // "the claim's diagnoses (none) do not include ...", not "()"
    sink.put("none");
    return;
  }
  const uint32_t shown = std::min(v.list.count, kMaxListArgElements);
  for (uint32_t i = 0; i < shown; ++i) {
    if (i) sink.put(", ");
    putScalar(sink, facts.element(v.list, i), elemKind);
  }
  if (shown < v.list.count) {
    sink.put(" and ");
    putInt(sink, v.list.count - shown);
    sink.put(" more");
  }
}

// Arguments past `argCount` read as absent: a guard only, since the verifier makes FAIL and
// ADJUST capture exactly as many as their message names.
void render(const Sink& sink, const Facts& facts, const Message& message, const Value* args, uint32_t argCount) {
  for (const MessagePiece& piece : message.pieces) {
    if (piece.arg < 0) {
      sink.put(piece.text);
    } else if (static_cast<uint32_t>(piece.arg) < argCount) {
      putArg(sink, facts, args[piece.arg], piece.kind, piece.elemKind);
    } else {
      sink.put("none");
    }
  }
}

// A small streaming JSON writer: tracks commas and indentation for the fixed shapes we print.
// finish() puts the staged text into the string.
class JsonWriter {
 public:
  JsonWriter(std::string& out, bool pretty) : out_(out), pretty_(pretty) {}
  void finish() { out_.flush(); }

  void beginObject() { open('{'); }
  void endObject() { close('}'); }
  void beginArray() { open('['); }
  void endArray() { close(']'); }

  void key(std::string_view name) {
    element();
    out_.put('"');
    out_.put(name);  // our keys need no escaping
    if (pretty_) {
      out_.put("\": ", 3);
    } else {
      out_.put("\":", 2);
    }
    afterKey_ = true;
  }

  void string(std::string_view s) {
    element();
    out_.put('"');
    Sink{&out_, true}.put(s);
    out_.put('"');
  }
  // A string written piece by piece through sink() between these two.
  void beginString() {
    element();
    out_.put('"');
  }
  void endString() { out_.put('"'); }
  Sink sink() { return Sink{&out_, true}; }

  void null() {
    element();
    out_.put("null", 4);
  }
  void number(int64_t v) {
    element();
    putInt(Sink{&out_, false}, v);
  }
  void number(const Decimal& d) {
    element();
    putDecimal(Sink{&out_, false}, d);
  }

 private:
  static constexpr int kMaxDepth = 8;  // the decision nests 5 deep

  // Before a value or a key: the comma and, when pretty, a new line at the current depth.
  void element() {
    if (afterKey_) {  // the value of a key follows it on the same line
      afterKey_ = false;
      return;
    }
    if (depth_ == 0) return;
    if (!first_[depth_]) out_.put(',');
    first_[depth_] = false;
    newline(depth_);
  }
  void open(char c) {
    element();
    out_.put(c);
    ++depth_;
    first_[depth_] = true;
  }
  void close(char c) {
    const bool empty = first_[depth_];
    --depth_;
    if (!empty) newline(depth_);
    out_.put(c);
  }
  void newline(int depth) {
    if (!pretty_) return;
    out_.put('\n');
    for (int i = 0; i < depth; ++i) out_.put("  ", 2);
  }

  Stage out_;
  bool pretty_;
  bool afterKey_ = false;
  int depth_ = 0;
  bool first_[kMaxDepth] = {};
};

}  // namespace

void renderMessage(const Program&, const Facts& facts, const Message& message, const Value* args,
                   std::string& out) {
  Stage text(out);
  render(Sink{&text, false}, facts, message, args, message.argCount);
  text.flush();
}

void writeDecisionJson(const Program& program, const Facts& facts, const Decision& decision, bool pretty,
                       std::string& out) {
  const FactLayout& layout = program.layout;
  const PolicyInfo* policy =
      decision.policy >= 0 ? &program.policies[static_cast<size_t>(decision.policy)] : nullptr;
  JsonWriter w(out, pretty);

  w.beginObject();
  w.key("claim_id");
  const Value& claimId = facts.field(Facts::kRootBase, layout.claimIdSlot);
  if (claimId.absent) {
    w.null();
  } else {
    w.string(claimId.s.view());
  }
  w.key("policy");
  if (policy) {
    w.beginString();
    w.sink().put(policy->id);
    w.sink().put("@");
    w.sink().put(policy->version);
    w.endString();
  } else {
    w.null();
  }
  w.key("decision");
  w.string(verdictName(decision.verdict));

  w.key("lines");
  w.beginArray();
  const Value& linesValue = facts.field(Facts::kRootBase, layout.linesSlot);
  const ListRef lines = linesValue.absent ? ListRef{0, 0} : linesValue.list;
  const size_t lineCount = std::min<size_t>(lines.count, decision.lines.size());
  for (size_t i = 0; i < lineCount; ++i) {
    const LineDecision& line = decision.lines[i];
    const uint32_t base = facts.element(lines, static_cast<uint32_t>(i)).rec;
    w.beginObject();
    w.key("line_number");
    w.number(facts.field(base, layout.lineNumberSlot).i);
    w.key("hcpcs");
    w.string(facts.field(base, layout.hcpcsSlot).s.view());
    w.key("decision");
    w.string(verdictName(line.verdict));

    w.key("reasons");
    w.beginArray();
    for (uint32_t k = 0; policy && k < line.reasonCount; ++k) {
      const Reason& reason = decision.reasons[line.firstReason + k];
      const RuleInfo& rule = policy->rules[reason.rule];
      const Outcome& outcome = rule.outcomes[reason.outcome];
      w.beginObject();
      w.key("rule");
      w.string(rule.id);
      w.key("action");
      w.string(actionName(outcome.action));
      w.key("group");
      w.string(groupName(reason.group));
      w.key("carc");
      w.string(outcome.carc);
      w.key("rarc");
      w.beginArray();
      for (const std::string& rarc : outcome.rarcs) w.string(rarc);
      w.endArray();
      w.key("message");
      w.beginString();
      render(w.sink(), facts, outcome.message, reason.args, reason.argCount);
      w.endString();
      w.endObject();
    }
    w.endArray();

    w.key("adjustments");
    w.beginArray();
    for (uint32_t k = 0; policy && k < line.adjustmentCount; ++k) {
      const Adjustment& adjustment = decision.adjustments[line.firstAdjustment + k];
      const RuleInfo& rule = policy->rules[adjustment.rule];
      const AdjustmentSpec& spec = rule.adjustments[adjustment.adjustment];
      w.beginObject();
      w.key("rule");
      w.string(rule.id);
      w.key("group");
      w.string(groupName(spec.group));
      w.key("carc");
      w.string(spec.carc);
      w.key("percent");
      w.number(spec.percent);
      w.endObject();
    }
    w.endArray();
    w.endObject();
  }
  w.endArray();
  w.endObject();
  w.finish();
}

void writeErrorJson(const std::string* claimId, std::string_view message, bool pretty, std::string& out) {
  // One line even when pretty: an error is a record of a stream (`pplc eval --ndjson`).
  Stage text(out);
  const Sink plain{&text, false};
  const Sink escaped{&text, true};
  plain.put(pretty ? "{\"claim_id\": " : "{\"claim_id\":");
  if (claimId) {
    plain.put("\"");
    escaped.put(*claimId);
    plain.put("\"");
  } else {
    plain.put("null");
  }
  plain.put(pretty ? ", \"error\": \"" : ",\"error\":\"");
  escaped.put(message);
  plain.put("\"}");
  text.flush();
}

// ---- DecisionJsonWriter: the one-line form from pre-rendered pieces ----

namespace {

// `s` escaped as the inside of a JSON string, appended to `out` (for building the pieces).
void appendEscaped(std::string& out, std::string_view s) {
  Stage text(out);
  Sink{&text, true}.put(s);
  text.flush();
}

}  // namespace

DecisionJsonWriter::Span DecisionJsonWriter::add(std::string_view text) {
  Span span{static_cast<uint32_t>(text_.size()), static_cast<uint32_t>(text.size())};
  text_.append(text);
  return span;
}

DecisionJsonWriter::DecisionJsonWriter(const Program& program) : layout_(program.layout) {
  const Verdict verdicts[kVerdicts - 1] = {Verdict::kNotApplicable, Verdict::kApprove, Verdict::kPend,
                                           Verdict::kDeny};
  auto verdictText = [&](size_t v) -> std::string_view { return v < kVerdicts - 1 ? verdictName(verdicts[v]) : "?"; };
  const AdjustmentGroup groups[kGroups - 1] = {AdjustmentGroup::kCO, AdjustmentGroup::kPR, AdjustmentGroup::kOA};
  auto groupText = [&](size_t g) -> std::string_view { return g < kGroups - 1 ? groupName(groups[g]) : "?"; };

  std::string piece;
  for (size_t v = 0; v < kVerdicts; ++v) {
    piece = "\",\"decision\":\"";
    appendEscaped(piece, verdictText(v));
    piece += "\",\"reasons\":[";
    lineHead_[v] = add(piece);
  }

  // Policy heads: [0] for a claim no policy governs, then one per policy.
  auto addPolicy = [&](const PolicyInfo* policy) {
    PolicyText out;
    out.firstRule = static_cast<uint32_t>(rules_.size());
    for (size_t v = 0; v < kVerdicts; ++v) {
      piece = ",\"policy\":";
      if (policy) {
        piece += '"';
        appendEscaped(piece, policy->id);
        appendEscaped(piece, "@");
        appendEscaped(piece, policy->version);
        piece += '"';
      } else {
        piece += "null";
      }
      piece += ",\"decision\":\"";
      appendEscaped(piece, verdictText(v));
      piece += "\",\"lines\":[";
      out.head[v] = add(piece);
    }
    policies_.push_back(out);
  };
  addPolicy(nullptr);
  for (const PolicyInfo& policy : program.policies) {
    addPolicy(&policy);
    for (const RuleInfo& rule : policy.rules) {
      rules_.push_back({static_cast<uint32_t>(outcomes_.size()), static_cast<uint32_t>(adjustments_.size())});
      for (const Outcome& outcome : rule.outcomes) {
        OutcomeText text;
        for (size_t g = 0; g < kGroups; ++g) {
          piece = "{\"rule\":\"";
          appendEscaped(piece, rule.id);
          piece += "\",\"action\":\"";
          appendEscaped(piece, actionName(outcome.action));
          piece += "\",\"group\":\"";
          appendEscaped(piece, groupText(g));
          piece += "\",\"carc\":\"";
          appendEscaped(piece, outcome.carc);
          piece += "\",\"rarc\":[";
          for (size_t r = 0; r < outcome.rarcs.size(); ++r) {
            if (r) piece += ',';
            piece += '"';
            appendEscaped(piece, outcome.rarcs[r]);
            piece += '"';
          }
          piece += "],\"message\":\"";
          text.head[g] = add(piece);
        }
        // The message: runs of constant text joined and escaped, arguments as they are.
        text.firstPiece = static_cast<uint32_t>(pieces_.size());
        for (size_t k = 0; k < outcome.message.pieces.size();) {
          const MessagePiece& source = outcome.message.pieces[k];
          Piece out;
          if (source.arg >= 0) {
            out.arg = source.arg;
            out.kind = source.kind;
            out.elemKind = source.elemKind;
            ++k;
          } else {
            piece.clear();
            for (; k < outcome.message.pieces.size() && outcome.message.pieces[k].arg < 0; ++k) {
              appendEscaped(piece, outcome.message.pieces[k].text);
            }
            out.text = add(piece);
          }
          pieces_.push_back(out);
        }
        text.pieceCount = static_cast<uint32_t>(pieces_.size()) - text.firstPiece;
        outcomes_.push_back(text);
      }
      for (const AdjustmentSpec& spec : rule.adjustments) {
        piece = "{\"rule\":\"";
        appendEscaped(piece, rule.id);
        piece += "\",\"group\":\"";
        appendEscaped(piece, groupName(spec.group));
        piece += "\",\"carc\":\"";
        appendEscaped(piece, spec.carc);
        piece += "\",\"percent\":";
        piece += spec.percent.toString();
        piece += '}';
        adjustments_.push_back(add(piece));
      }
    }
  }
}

void DecisionJsonWriter::write(const Facts& facts, const Decision& decision, std::string& out) const {
  Stage stage(out);
  stage.put("{\"claim_id\":", 12);
  const Value& claimId = facts.field(Facts::kRootBase, layout_.claimIdSlot);
  if (claimId.absent) {
    stage.put("null", 4);
  } else {
    stage.put("\"", 1);
    putEscaped(stage, claimId.s.view());
    stage.put("\"", 1);
  }
  const bool hasPolicy = decision.policy >= 0;
  const PolicyText& policy = policies_[hasPolicy ? static_cast<size_t>(decision.policy) + 1 : 0];
  stage.put(view(policy.head[std::min<size_t>(static_cast<size_t>(decision.verdict), kVerdicts - 1)]));

  const Value& linesValue = facts.field(Facts::kRootBase, layout_.linesSlot);
  const ListRef lines = linesValue.absent ? ListRef{0, 0} : linesValue.list;
  const size_t lineCount = std::min<size_t>(lines.count, decision.lines.size());
  for (size_t i = 0; i < lineCount; ++i) {
    const LineDecision& line = decision.lines[i];
    const uint32_t base = facts.element(lines, static_cast<uint32_t>(i)).rec;
    if (i) stage.put(",", 1);
    stage.put("{\"line_number\":", 15);
    putInt(stage, facts.field(base, layout_.lineNumberSlot).i);
    stage.put(",\"hcpcs\":\"", 10);
    putEscaped(stage, facts.field(base, layout_.hcpcsSlot).s.view());
    stage.put(view(lineHead_[std::min<size_t>(static_cast<size_t>(line.verdict), kVerdicts - 1)]));

    for (uint32_t k = 0; hasPolicy && k < line.reasonCount; ++k) {
      const Reason& reason = decision.reasons[line.firstReason + k];
      const OutcomeText& outcome = outcomes_[rules_[policy.firstRule + reason.rule].firstOutcome + reason.outcome];
      if (k) stage.put(",", 1);
      stage.put(view(outcome.head[std::min<size_t>(static_cast<size_t>(reason.group), kGroups - 1)]));
      // Arguments past argCount read as absent (a guard: a verified FAIL captures them all).
      for (uint32_t p = 0; p < outcome.pieceCount; ++p) {
        const Piece& piece = pieces_[outcome.firstPiece + p];
        if (piece.arg < 0) {
          stage.put(view(piece.text));
        } else if (static_cast<uint32_t>(piece.arg) >= reason.argCount) {
          stage.put("none", 4);
        } else {
          putArg(Sink{&stage, true}, facts, reason.args[piece.arg], piece.kind, piece.elemKind);
        }
      }
      stage.put("\"}", 2);
    }
    stage.put("],\"adjustments\":[", 17);
    for (uint32_t k = 0; hasPolicy && k < line.adjustmentCount; ++k) {
      const Adjustment& adjustment = decision.adjustments[line.firstAdjustment + k];
      if (k) stage.put(",", 1);
      stage.put(view(adjustments_[rules_[policy.firstRule + adjustment.rule].firstAdjustment + adjustment.adjustment]));
    }
    stage.put("]}", 2);
  }
  stage.put("]}", 2);
  stage.flush();
}

}  // namespace ppl
