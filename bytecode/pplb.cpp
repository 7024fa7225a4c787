// Writing and reading .pplb files (the format is documented in pplb.h).
//
// The reader is written for hostile input, like Lua's lundump.c: it reads byte by byte through a
// cursor that never passes the end, bounds every count by the bytes that remain before it
// allocates, and range-checks every enumeration as it decodes it. Cross-references (a chunk
// index in a policy, a register in an instruction) are left to link() and verifyProgram(),
// which check compiled programs too.
#include "bytecode/pplb.h"

#include <limits>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <simdjson.h>

#include "bytecode/instr_info.h"

namespace ppl {

// Versions grow down opcodes.def (instr_info.h checks), so the last opcode's is the highest.
static_assert(opcodeInfo(static_cast<Opcode>(static_cast<size_t>(Opcode::kCount) - 1)).version <= kFormatVersion,
              "opcodes.def gives an opcode a format version that writePplb does not write yet");

uint64_t pplbChecksum(std::string_view bytes) {
  // FNV-1a: h = (h ^ byte) * prime, modulo 2^64. For a fixed h, both steps are bijections (xor
  // with a byte; multiplication by an odd prime is invertible modulo 2^64), so two inputs that
  // differ in one byte differ in h from that byte on, and every later step keeps them apart: a
  // single changed byte always changes the checksum.
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Writing

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) {
    u8(static_cast<uint8_t>(v));
    u8(static_cast<uint8_t>(v >> 8));
  }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void i16(int16_t v) { u16(static_cast<uint16_t>(v)); }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void count(size_t n) {
    if (n > std::numeric_limits<uint32_t>::max()) failed_ = true;
    u32(static_cast<uint32_t>(n));
  }
  void str(std::string_view s) {
    count(s.size());
    out_.append(s.data(), s.size());
  }
  void decimal(const Decimal& d) {
    char buf[Decimal::kMaxTextLength];
    const int n = d.format(buf);
    str(std::string_view(buf, static_cast<size_t>(n)));
  }
  void pos(const SourcePos& p) {
    u32(p.file);
    u32(p.line);
    u32(p.col);
  }
  void fail() { failed_ = true; }
  bool failed() const { return failed_; }

 private:
  std::string& out_;
  bool failed_ = false;
};

void writeMessage(Writer& w, const Message& m) {
  w.count(m.pieces.size());
  for (const MessagePiece& piece : m.pieces) {
    w.str(piece.text);
    w.i16(piece.arg);
    w.u8(static_cast<uint8_t>(piece.kind));
    w.u8(static_cast<uint8_t>(piece.elemKind));
  }
  w.u8(m.argCount);
}

void writeDefault(Writer& w, const SchemaField& f) {
  switch (f.type.kind) {
    case ValueKind::kDecimal: w.decimal(f.defaultValue.d); return;
    case ValueKind::kString:
      // The schema has no pool to hold a loaded string default (see readDefault).
      if (f.defaultValue.s.size != 0) w.fail();
      w.str(f.defaultValue.s.view());
      return;
    case ValueKind::kList:
    case ValueKind::kRecord:
    case ValueKind::kIter: return;
    default: w.i64(f.defaultValue.i); return;
  }
}

void writeSchema(Writer& w, const Schema& s) {
  w.str(s.name);
  w.str(s.version);
  w.u32(s.root);
  w.count(s.records.size());
  for (const SchemaRecord& r : s.records) {
    w.str(r.name);
    w.count(r.fields.size());
    for (const SchemaField& f : r.fields) {
      w.str(f.name);
      w.u8(static_cast<uint8_t>(f.type.kind));
      w.u8(static_cast<uint8_t>(f.type.elemKind));
      w.u32(f.type.record);
      w.i32(f.type.enumIndex);
      w.u8(static_cast<uint8_t>(f.type.format));
      w.u32(f.slot);
      w.boolean(f.optional);
      w.boolean(f.hasDefault);
      if (f.hasDefault) writeDefault(w, f);
      w.boolean(f.nonEmpty);
      w.boolean(f.hasMin);
      w.boolean(f.minExclusive);
      w.decimal(f.min);
      w.i32(f.notBefore);
      w.i32(f.uniqueBy);
    }
  }
  w.count(s.enums.size());
  for (const auto& e : s.enums) {
    w.count(e.size());
    for (const std::string& name : e) w.str(name);
  }
}

void writeStrings(Writer& w, const std::vector<std::string>& v) {
  w.count(v.size());
  for (const std::string& s : v) w.str(s);
}

void writePayload(Writer& w, const Program& p) {
  writeSchema(w, p.schema);
  writeStrings(w, p.files);
  writeStrings(w, p.strings);

  w.count(p.constants.size());
  for (const Constant& c : p.constants) {
    w.u8(static_cast<uint8_t>(c.kind));
    switch (c.kind) {
      case ValueKind::kDecimal: w.decimal(c.d); break;
      case ValueKind::kString: w.u32(c.str); break;
      default: w.i64(c.i); break;
    }
  }

  w.count(p.sets.size());
  for (const StringSet& s : p.sets) {
    w.count(s.members.size());
    for (uint32_t m : s.members) w.u32(m);
  }

  writeStrings(w, p.functions);

  w.count(p.chunks.size());
  for (const Chunk& c : p.chunks) {
    w.str(c.name);
    w.u16(c.registerCount);
    w.count(c.code.size());
    for (const Instr& ins : c.code) {
      w.u8(static_cast<uint8_t>(ins.op));
      w.u8(ins.a);
      w.u16(ins.b);
      w.u16(ins.c);
      w.u16(ins.d);
    }
    w.count(c.positions.size());
    for (const SourcePos& pos : c.positions) w.pos(pos);
  }

  w.count(p.policies.size());
  for (const PolicyInfo& pol : p.policies) {
    w.str(pol.id);
    w.str(pol.version);
    w.str(pol.title);
    writeStrings(w, pol.linesOfBusiness);
    w.i32(pol.effectiveFrom);
    w.i32(pol.effectiveThrough);
    w.u32(pol.governedChunk);
    w.count(pol.phasedClasses.size());
    for (const LineClass& cls : pol.phasedClasses) {
      w.str(cls.name);
      w.u32(cls.chunk);
      w.u32(cls.phase);
    }
    w.count(pol.rules.size());
    for (const RuleInfo& rule : pol.rules) {
      w.str(rule.id);
      w.str(rule.title);
      w.u32(rule.chunk);
      w.count(rule.outcomes.size());
      for (const Outcome& o : rule.outcomes) {
        w.u8(static_cast<uint8_t>(o.action));
        w.boolean(o.groupComputed);
        w.u8(static_cast<uint8_t>(o.group));
        w.str(o.carc);
        writeStrings(w, o.rarcs);
        writeMessage(w, o.message);
        w.pos(o.pos);
      }
      w.count(rule.adjustments.size());
      for (const AdjustmentSpec& a : rule.adjustments) {
        w.u8(static_cast<uint8_t>(a.group));
        w.str(a.carc);
        w.decimal(a.percent);
        writeMessage(w, a.message);
        w.pos(a.pos);
      }
      w.pos(rule.pos);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

// The smallest encoding of each repeated element, from the layout in pplb.h. A count is
// accepted only if that many elements could fit in the bytes that remain, so a hostile count
// cannot make the reader allocate more than a small multiple of the file's own size: at worst
// ~8x, where an empty string's 4 bytes become a 32-byte std::string. Constants, sets and
// functions, which operands name in 16 bits, are also held to 65,536 each (a constant was
// 5 bytes in the file and 80 in memory).
constexpr size_t kMinStr = 4;
constexpr uint32_t kMaxOperandTargets = uint32_t{1} << 16;  // K, E and F operands are 16 bits
constexpr size_t kMinDecimal = kMinStr;
constexpr size_t kMinPos = 12;
constexpr size_t kMinMessage = 4 + 1;
constexpr size_t kMinPiece = kMinStr + 2 + 1 + 1;
constexpr size_t kMinRecord = kMinStr + 4;
constexpr size_t kMinField = kMinStr + 1 + 1 + 4 + 4 + 1 + 4 + 1 + 1 + 1 + 1 + 1 + kMinDecimal + 4 + 4;
constexpr size_t kMinEnum = 4;
constexpr size_t kMinConstant = 1 + 4;
constexpr size_t kMinSet = 4;
constexpr size_t kMinMember = 4;
constexpr size_t kMinChunk = kMinStr + 2 + 4 + 4;
constexpr size_t kMinInstr = 8;
constexpr size_t kMinPolicy = 3 * kMinStr + 4 + 4 + 4 + 4 + 4 + 4;
constexpr size_t kMinClass = kMinStr + 4 + 4;
constexpr size_t kMinRule = 2 * kMinStr + 4 + 4 + 4 + kMinPos;
constexpr size_t kMinOutcome = 1 + 1 + 1 + kMinStr + 4 + kMinMessage + kMinPos;
constexpr size_t kMinAdjustment = 1 + kMinStr + kMinDecimal + kMinMessage + kMinPos;

class Reader {
 public:
  // `base` is the offset of `bytes` in the file, so that errors give file offsets.
  Reader(std::string_view bytes, size_t base) : bytes_(bytes), base_(base) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  size_t offset() const { return base_ + pos_; }
  bool atEnd() const { return pos_ == bytes_.size(); }

  // What is being read, for error messages: a stack of ("chunk", 3), ("code", none) frames.
  class Scope {
   public:
    Scope(Reader& r, const char* what, size_t index = kNoIndex) : r_(r) { r_.frames_.push_back({what, index}); }
    ~Scope() { r_.frames_.pop_back(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Reader& r_;
  };

  void fail(const std::string& what) {
    if (!ok()) return;  // keep the first error: later ones are its echoes
    error_ = what;
    if (!frames_.empty()) {
      error_ += " while reading";
      for (const Frame& f : frames_) {
        error_ += ' ';
        error_ += f.what;
        if (f.index != kNoIndex) error_ += fmt::format(" {}", f.index);
      }
    }
  }

  uint8_t u8() {
    if (!ok()) return 0;
    if (pos_ >= bytes_.size()) {
      fail(fmt::format("truncated at byte {}", offset()));
      return 0;
    }
    return static_cast<uint8_t>(bytes_[pos_++]);
  }
  uint16_t u16() {
    uint16_t v = u8();
    v = static_cast<uint16_t>(v | (u8() << 8));
    return v;
  }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(u8()) << (8 * i);
    return v;
  }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(u8()) << (8 * i);
    return v;
  }
  int16_t i16() { return static_cast<int16_t>(u16()); }
  int32_t i32() { return static_cast<int32_t>(u32()); }
  int64_t i64() { return static_cast<int64_t>(u64()); }

  bool boolean() {
    const size_t at = offset();
    const uint8_t v = u8();
    if (v > 1) fail(fmt::format("bad bool {} at byte {}", v, at));
    return v == 1;
  }

  // An enumeration stored as u8, accepted when <= last.
  template <typename E>
  E enumeration(E last, const char* name) {
    const size_t at = offset();
    const uint8_t v = u8();
    if (v > static_cast<uint8_t>(last)) {
      fail(fmt::format("bad {} {} at byte {}", name, v, at));
      return E{};
    }
    return static_cast<E>(v);
  }

  // A list's element count, bounded by the bytes that remain and by `max` (0 after an error).
  uint32_t count(size_t minElementSize, uint32_t max = UINT32_MAX) {
    const size_t at = offset();
    const uint32_t n = u32();
    if (!ok()) return 0;
    if (n > max) {
      fail(fmt::format("count {} at byte {} is more than the {} an instruction's operand can name", n, at, max));
      return 0;
    }
    const size_t remaining = bytes_.size() - pos_;
    if (n > remaining / minElementSize) {
      fail(fmt::format("count {} at byte {} is more than the {} bytes that remain can hold", n, at, remaining));
      return 0;
    }
    return n;
  }

  std::string str() {
    const size_t at = offset();
    const uint32_t n = u32();
    if (!ok()) return std::string();
    if (n > bytes_.size() - pos_) {
      fail(fmt::format("truncated at byte {}: a string of {} bytes starts at byte {}", base_ + bytes_.size(), n, at));
      return std::string();
    }
    // Names, messages and constants reach the decision JSON as they are: they must be UTF-8.
    if (!simdjson::validate_utf8(bytes_.data() + pos_, n)) {
      fail(fmt::format("the string of {} bytes at byte {} is not valid UTF-8", n, at));
      return std::string();
    }
    std::string s(bytes_.substr(pos_, n));
    pos_ += n;
    return s;
  }

  Decimal decimal() {
    const size_t at = offset();
    const std::string text = str();
    Decimal d;
    if (ok() && (text.size() >= static_cast<size_t>(Decimal::kMaxTextLength) || !Decimal::parse(text, d))) {
      // A damaged file can put any bytes here; a decimal's text is printable ASCII, so
      // anything else is shown as \xNN rather than written raw to a terminal.
      std::string shown;
      for (char ch : std::string_view(text).substr(0, 100)) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
          shown += ch;
        } else {
          shown += fmt::format("\\x{:02x}", c);
        }
      }
      if (text.size() > 100) shown += "...";
      fail(fmt::format("bad decimal \"{}\" at byte {}", shown, at));
    }
    return d;
  }

  SourcePos pos() {
    SourcePos p;
    p.file = u32();
    p.line = u32();
    p.col = u32();
    return p;
  }

 private:
  static constexpr size_t kNoIndex = static_cast<size_t>(-1);
  struct Frame {
    const char* what;
    size_t index;
  };

  std::string_view bytes_;
  size_t base_;
  size_t pos_ = 0;
  std::string error_;
  std::vector<Frame> frames_;
};

using Scope = Reader::Scope;

ValueKind readKind(Reader& r) { return r.enumeration(ValueKind::kIter, "value kind"); }

Message readMessage(Reader& r) {
  Scope scope(r, "message");
  Message m;
  const uint32_t n = r.count(kMinPiece);
  m.pieces.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    Scope piece(r, "piece", i);
    MessagePiece p;
    p.text = r.str();
    p.arg = r.i16();
    p.kind = readKind(r);
    p.elemKind = readKind(r);
    m.pieces.push_back(std::move(p));
  }
  m.argCount = r.u8();
  return m;
}

void readDefault(Reader& r, SchemaField& f) {
  switch (f.type.kind) {
    case ValueKind::kDecimal: f.defaultValue = Value::ofDecimal(r.decimal()); return;
    case ValueKind::kString: {
      // A Value cannot own its text and runtime/schema.h has no string pool to point into, so
      // only the empty string (which needs no storage) can be a loaded default.
      const size_t at = r.offset();
      if (!r.str().empty()) r.fail(fmt::format("string default at byte {} is not supported", at));
      f.defaultValue = Value::ofString(StrRef{nullptr, 0});
      return;
    }
    case ValueKind::kList:
    case ValueKind::kRecord:
    case ValueKind::kIter: return;
    default: {
      // As link() holds constants: a bool that is neither 0 nor 1 would be true to JMPIF and
      // unequal to `true` for EQI.
      const size_t at = r.offset();
      const int64_t v = r.i64();
      const bool inRange = f.type.kind == ValueKind::kBool    ? (v == 0 || v == 1)
                           : f.type.kind == ValueKind::kGroup ? (v >= 0 && v <= static_cast<int64_t>(AdjustmentGroup::kOA))
                                                              : true;
      if (!inRange) r.fail(fmt::format("{} default {} at byte {} is out of range", valueKindName(f.type.kind), v, at));
      f.defaultValue = Value::ofInt(v);
      return;
    }
  }
}

void readSchema(Reader& r, Schema& s) {
  Scope scope(r, "schema");
  s.name = r.str();
  s.version = r.str();
  s.root = r.u32();
  const uint32_t records = r.count(kMinRecord);
  s.records.reserve(records);
  for (uint32_t i = 0; i < records && r.ok(); ++i) {
    Scope rec(r, "record", i);
    SchemaRecord record;
    record.name = r.str();
    const uint32_t fields = r.count(kMinField);
    record.fields.reserve(fields);
    for (uint32_t k = 0; k < fields && r.ok(); ++k) {
      Scope field(r, "field", k);
      SchemaField f;
      f.name = r.str();
      f.type.kind = readKind(r);
      f.type.elemKind = readKind(r);
      f.type.record = r.u32();
      f.type.enumIndex = r.i32();
      f.type.format = r.enumeration(StringFormat::kModifier, "string format");
      f.slot = r.u32();
      f.optional = r.boolean();
      f.hasDefault = r.boolean();
      if (f.hasDefault) readDefault(r, f);
      f.nonEmpty = r.boolean();
      f.hasMin = r.boolean();
      f.minExclusive = r.boolean();
      f.min = r.decimal();
      f.notBefore = r.i32();
      f.uniqueBy = r.i32();
      record.fields.push_back(std::move(f));
    }
    s.records.push_back(std::move(record));
  }
  const uint32_t enums = r.count(kMinEnum);
  s.enums.reserve(enums);
  for (uint32_t i = 0; i < enums && r.ok(); ++i) {
    Scope e(r, "enum", i);
    const uint32_t n = r.count(kMinStr);
    std::vector<std::string> names;
    names.reserve(n);
    for (uint32_t k = 0; k < n && r.ok(); ++k) names.push_back(r.str());
    s.enums.push_back(std::move(names));
  }
}

std::vector<std::string> readStrings(Reader& r) {
  const uint32_t n = r.count(kMinStr);
  std::vector<std::string> v;
  v.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) v.push_back(r.str());
  return v;
}

// Before format 6 no operand could name a constant (the verifier refused registers past 255),
// so a file of an older version whose V operand (opcodes.def) is 256 or more is refused rather
// than read as format 6 would: the same file means the same to every toolchain.
void refuseConstantOperands(Reader& r, const Chunk& c, uint16_t version) {
  for (size_t i = 0; i < c.code.size() && r.ok(); ++i) {
    const Instr& ins = c.code[i];
    auto check = [&](const char* kinds, const Instr& word) {
      const uint16_t operands[] = {word.a, word.b, word.c, word.d};
      for (int k = 0; k < 4; ++k) {
        if (kinds[k] == 'V' && operands[k] >= kConstantOperandBase) {
          r.fail(fmt::format("instruction {} ({}) names constant K{} as an operand, which format version {} "
                             "cannot (format 6 can)",
                             i, opcodeName(ins.op), operands[k] - kConstantOperandBase, version));
          return;
        }
      }
    };
    check(operandKinds(ins.op), ins);
    if (const char* extension = extensionOperandKinds(ins.op); extension != nullptr && i + 1 < c.code.size()) {
      check(extension, c.code[i + 1]);
      ++i;
    }
  }
}

void readChunk(Reader& r, Chunk& c, uint16_t version) {
  c.name = r.str();
  c.registerCount = r.u16();
  {
    Scope scope(r, "code");
    const uint32_t n = r.count(kMinInstr);
    c.code.reserve(n);
    for (uint32_t i = 0; i < n && r.ok(); ++i) {
      Instr ins;
      const size_t at = r.offset();
      const uint8_t op = r.u8();
      if (op >= static_cast<uint8_t>(Opcode::kCount)) {
        r.fail(fmt::format("bad opcode {} at byte {} (instruction {})", op, at, i));
      } else if (opcodeInfo(static_cast<Opcode>(op)).version > version) {  // appended later
        r.fail(fmt::format("opcode {} ({}) at byte {} (instruction {}) does not exist in format version {}", op,
                           opcodeName(static_cast<Opcode>(op)), at, i, version));
      }
      ins.op = static_cast<Opcode>(op);
      ins.a = r.u8();
      ins.b = r.u16();
      ins.c = r.u16();
      ins.d = r.u16();
      c.code.push_back(ins);
    }
    if (version < 6) refuseConstantOperands(r, c, version);
  }
  Scope scope(r, "positions");
  const uint32_t n = r.count(kMinPos);
  c.positions.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) c.positions.push_back(r.pos());
}

void readRule(Reader& r, RuleInfo& rule) {
  rule.id = r.str();
  rule.title = r.str();
  rule.chunk = r.u32();
  const uint32_t outcomes = r.count(kMinOutcome);
  rule.outcomes.reserve(outcomes);
  for (uint32_t i = 0; i < outcomes && r.ok(); ++i) {
    Scope scope(r, "outcome", i);
    Outcome o;
    o.action = r.enumeration(Action::kPend, "action");
    o.groupComputed = r.boolean();
    o.group = r.enumeration(AdjustmentGroup::kOA, "adjustment group");
    o.carc = r.str();
    o.rarcs = readStrings(r);
    o.message = readMessage(r);
    o.pos = r.pos();
    rule.outcomes.push_back(std::move(o));
  }
  const uint32_t adjustments = r.count(kMinAdjustment);
  rule.adjustments.reserve(adjustments);
  for (uint32_t i = 0; i < adjustments && r.ok(); ++i) {
    Scope scope(r, "adjustment", i);
    AdjustmentSpec a;
    a.group = r.enumeration(AdjustmentGroup::kOA, "adjustment group");
    a.carc = r.str();
    a.percent = r.decimal();
    a.message = readMessage(r);
    a.pos = r.pos();
    rule.adjustments.push_back(std::move(a));
  }
  rule.pos = r.pos();
}

void readPolicy(Reader& r, PolicyInfo& pol) {
  pol.id = r.str();
  pol.version = r.str();
  pol.title = r.str();
  pol.linesOfBusiness = readStrings(r);
  pol.effectiveFrom = r.i32();
  pol.effectiveThrough = r.i32();
  pol.governedChunk = r.u32();
  const uint32_t classes = r.count(kMinClass);
  pol.phasedClasses.reserve(classes);
  for (uint32_t i = 0; i < classes && r.ok(); ++i) {
    Scope scope(r, "class", i);
    LineClass cls;
    cls.name = r.str();
    cls.chunk = r.u32();
    cls.phase = r.u32();
    pol.phasedClasses.push_back(std::move(cls));
  }
  const uint32_t rules = r.count(kMinRule);
  pol.rules.reserve(rules);
  for (uint32_t i = 0; i < rules && r.ok(); ++i) {
    Scope scope(r, "rule", i);
    RuleInfo rule;
    readRule(r, rule);
    pol.rules.push_back(std::move(rule));
  }
}

void readPayload(Reader& r, Program& p, uint16_t version) {
  readSchema(r, p.schema);
  {
    Scope scope(r, "files");
    p.files = readStrings(r);
  }
  {
    Scope scope(r, "strings");
    p.strings = readStrings(r);
  }
  {
    Scope scope(r, "constants");
    const uint32_t n = r.count(kMinConstant, kMaxOperandTargets);
    p.constants.reserve(n);
    for (uint32_t i = 0; i < n && r.ok(); ++i) {
      Scope item(r, "constant", i);
      Constant c;
      c.kind = readKind(r);
      switch (c.kind) {
        case ValueKind::kDecimal: c.d = r.decimal(); break;
        case ValueKind::kString: c.str = r.u32(); break;
        default: c.i = r.i64(); break;
      }
      p.constants.push_back(c);
    }
  }
  {
    Scope scope(r, "sets");
    const uint32_t n = r.count(kMinSet, kMaxOperandTargets);
    p.sets.reserve(n);
    for (uint32_t i = 0; i < n && r.ok(); ++i) {
      Scope item(r, "set", i);
      StringSet s;
      const uint32_t members = r.count(kMinMember);
      s.members.reserve(members);
      for (uint32_t k = 0; k < members && r.ok(); ++k) s.members.push_back(r.u32());
      p.sets.push_back(std::move(s));
    }
  }
  {
    Scope scope(r, "functions");
    p.functions = readStrings(r);
  }
  {
    const uint32_t n = r.count(kMinChunk);
    p.chunks.reserve(n);
    for (uint32_t i = 0; i < n && r.ok(); ++i) {
      Scope scope(r, "chunk", i);
      Chunk c;
      readChunk(r, c, version);
      p.chunks.push_back(std::move(c));
    }
  }
  const uint32_t n = r.count(kMinPolicy);
  p.policies.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    Scope scope(r, "policy", i);
    PolicyInfo pol;
    readPolicy(r, pol);
    p.policies.push_back(std::move(pol));
  }
}

uint16_t le16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) | static_cast<unsigned char>(b[at + 1]) << 8);
}
uint32_t le32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(b[at + i])) << (8 * i);
  return v;
}
uint64_t le64(std::string_view b, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(b[at + i])) << (8 * i);
  return v;
}

}  // namespace

bool writePplb(const Program& program, std::string& out) {
  out.clear();
  std::string payload;
  Writer body(payload);
  writePayload(body, program);
  if (body.failed() || payload.size() > std::numeric_limits<uint32_t>::max()) return false;

  Writer w(out);
  for (char c : kPplbMagic) w.u8(static_cast<uint8_t>(c));
  w.u16(kFormatVersion);
  w.u16(0);  // flags
  w.u32(static_cast<uint32_t>(payload.size()));
  w.u64(pplbChecksum(payload));
  out += payload;
  return true;
}

PplbHeader readPplbHeader(std::string_view bytes) {
  PplbHeader h;
  if (bytes.size() < kPplbHeaderSize) return h;
  h.formatVersion = le16(bytes, 4);
  h.checksum = le64(bytes, 12);
  return h;
}

bool readPplb(std::string_view bytes, Program& out, std::string& error) {
  out = Program{};
  // The magic first, so that a file of another kind is named as such rather than "truncated".
  for (size_t i = 0; i < sizeof(kPplbMagic) && i < bytes.size(); ++i) {
    if (bytes[i] != kPplbMagic[i]) {
      error = "bad magic: not a .pplb file";
      return false;
    }
  }
  if (bytes.size() < kPplbHeaderSize) {
    error = fmt::format("truncated at byte {} while reading the header", bytes.size());
    return false;
  }
  // Then the version, before the checksum: a newer format may checksum differently.
  const PplbHeader header = readPplbHeader(bytes);
  const uint16_t version = header.formatVersion;
  if (version < kMinFormatVersion || version > kMaxFormatVersion) {
    error = fmt::format("unsupported format version {} (this reader supports {}..{})", version, kMinFormatVersion,
                        kMaxFormatVersion);
    return false;
  }
  const uint16_t flags = le16(bytes, 6);
  if (flags != 0) {
    error = fmt::format("unknown flags 0x{:04x} in the header (this reader knows none)", flags);
    return false;
  }
  const uint64_t length = le32(bytes, 8);
  const size_t present = bytes.size() - kPplbHeaderSize;
  if (length > present) {
    error = fmt::format("truncated at byte {}: the header announces {} payload bytes, {} follow", bytes.size(), length,
                        present);
    return false;
  }
  if (length < present) {
    error = fmt::format("{} unexpected bytes after the payload, at byte {}", present - length,
                        kPplbHeaderSize + length);
    return false;
  }
  const std::string_view payload = bytes.substr(kPplbHeaderSize);
  const uint64_t stored = header.checksum;
  const uint64_t computed = pplbChecksum(payload);
  if (stored != computed) {
    error = fmt::format("checksum mismatch (header 0x{:016x}, payload 0x{:016x}): the file is corrupt", stored,
                        computed);
    return false;
  }

  Reader r(payload, kPplbHeaderSize);
  readPayload(r, out, version);
  if (r.ok() && !r.atEnd()) r.fail(fmt::format("unexpected bytes at byte {} after the program", r.offset()));
  if (!r.ok()) {
    error = r.error();
    out = Program{};
    return false;
  }
  return true;
}

}  // namespace ppl
