// The disassembler. Operand decoding follows the kinds in opcodes.def, so a new opcode prints
// correctly without touching this file.
#include "bytecode/disasm.h"

#include <cstdint>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "runtime/date.h"

namespace ppl {
namespace {

constexpr size_t kPositionColumn = 56;  // where `; file:line:col` starts on an instruction line

bool isKnownKind(uint32_t k) { return k <= static_cast<uint32_t>(ValueKind::kIter); }

// A string as a C-like literal: one line whatever it holds.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", c);
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

std::string dateText(int64_t days) {
  if (days >= INT32_MIN && days <= INT32_MAX && dateInRange(static_cast<int32_t>(days))) {
    return formatDate(static_cast<int32_t>(days));
  }
  return fmt::format("day {}", days);
}

std::string stringAt(const Program& p, uint32_t index) {
  return index < p.strings.size() ? p.strings[index] : std::string("?");
}

std::string constantText(const Program& p, const Constant& c) {
  switch (c.kind) {
    case ValueKind::kBool: return c.i ? "true" : "false";
    case ValueKind::kInt: return fmt::format("{}", c.i);
    case ValueKind::kDecimal: return c.d.toString();
    case ValueKind::kString: return c.str < p.strings.size() ? quoted(p.strings[c.str]) : "?";
    case ValueKind::kDate: return dateText(c.i);
    case ValueKind::kDuration: return fmt::format("{} {}", c.i, c.i == 1 || c.i == -1 ? "day" : "days");
    case ValueKind::kGroup:
      if (c.i < 0 || c.i > static_cast<int64_t>(AdjustmentGroup::kOA)) return "?";
      return groupName(static_cast<AdjustmentGroup>(c.i));
    default: return "?";
  }
}

std::string kindText(ValueKind kind) {
  return isKnownKind(static_cast<uint32_t>(kind)) ? valueKindName(kind) : "?";
}

std::string setText(const Program& p, const StringSet& set) {
  std::string out = "{";
  for (size_t i = 0; i < set.members.size(); ++i) {
    if (i) out += ", ";
    out += stringAt(p, set.members[i]);
  }
  out += '}';
  return out;
}

// "units {0:decimal} exceed the authorization", arguments shown with their kinds.
std::string messageText(const Message& m) {
  std::string text;
  for (const MessagePiece& piece : m.pieces) {
    if (piece.arg < 0) {
      text += piece.text;
    } else if (piece.kind == ValueKind::kList) {
      text += fmt::format("{{{}:list of {}}}", piece.arg, kindText(piece.elemKind));
    } else {
      text += fmt::format("{{{}:{}}}", piece.arg, kindText(piece.kind));
    }
  }
  return quoted(text);
}

std::string outcomeText(const Outcome& o) {
  return fmt::format("{} {} {}", actionName(o.action), o.groupComputed ? "<computed>" : groupName(o.group), o.carc);
}

std::string adjustmentText(const AdjustmentSpec& a) {
  return fmt::format("{} {} {}%", groupName(a.group), a.carc, a.percent.toString());
}

std::string positionText(const Program& p, const SourcePos& pos) {
  if (pos.line == 0) return std::string();
  const std::string file = pos.file < p.files.size() ? p.files[pos.file] : std::string("?");
  return fmt::format("{}:{}:{}", file, pos.line, pos.col);
}

std::string recordName(const Program& p, uint32_t record) {
  return record < p.schema.records.size() ? p.schema.records[record].name : std::string("?");
}

// The field of `record` at `slot` (slots need not follow field order).
std::string fieldName(const Program& p, uint32_t record, uint32_t slot) {
  if (record >= p.schema.records.size()) return "?";
  for (const SchemaField& f : p.schema.records[record].fields) {
    if (f.slot == slot) return f.name;
  }
  return "?";
}

// The rule whose body `chunk` is, for decoding O operands; null for predicates.
const RuleInfo* ruleOf(const Program& p, uint32_t chunk) {
  for (const PolicyInfo& policy : p.policies) {
    for (const RuleInfo& rule : policy.rules) {
      if (rule.chunk == chunk) return &rule;
    }
  }
  return nullptr;
}

std::string constantOperandText(const Program& p, uint32_t k) {
  if (k >= p.constants.size()) return fmt::format("K{}", k);
  return fmt::format("K{} ={}", k, constantText(p, p.constants[k]));
}

// Operand i of `ins`, whose kinds are `kinds` (its opcode's, or for an extension word those
// its instruction gives it); `op` is the opcode they belong to.
std::string operandText(const Program& p, const Instr& ins, Opcode op, const char* kinds, const RuleInfo* rule,
                        int i) {
  const uint32_t values[4] = {ins.a, ins.b, ins.c, ins.d};
  const uint32_t v = values[i];
  switch (kinds[i]) {
    case 'R':
      if (ins.op == Opcode::FAIL && i == 3 && v == kNoRegister) return "-";
      return fmt::format("R{}", v);
    case 'A': return fmt::format("R{}", v);  // the first of a run
    case 'V':  // a register, or a constant named from kConstantOperandBase on
      return v < kConstantOperandBase ? fmt::format("R{}", v) : constantOperandText(p, v - kConstantOperandBase);
    case 'K': return constantOperandText(p, v);
    case 'N':
      if (op == Opcode::CONTAINS || op == Opcode::JFCONTAINS) return kindText(static_cast<ValueKind>(v <= 0xff ? v : 0xff));
      return fmt::format("{}", v);
    case 'J': return fmt::format("->{}", v);
    case 'B': return v == 1 ? "when true" : v == 0 ? "when false" : fmt::format("sense {}", v);
    case 'S':  // T is d wherever S is c; ITERROOTPATH's b is a field of the claim record
      return fmt::format("S{} ({})", v,
                         fieldName(p, op == Opcode::ITERROOTPATH && i == 1 ? p.schema.root : ins.d, v));
    case 'T': return fmt::format("T{} ({})", v, recordName(p, v));
    case 'F': return fmt::format("F{} ({})", v, v < p.functions.size() ? p.functions[v] : std::string("?"));
    case 'E': return v < p.sets.size() ? fmt::format("E{} {}", v, setText(p, p.sets[v])) : fmt::format("E{}", v);
    case 'O':
      if (rule && ins.op == Opcode::FAIL && v < rule->outcomes.size()) {
        return fmt::format("O{} ({})", v, outcomeText(rule->outcomes[v]));
      }
      if (rule && ins.op == Opcode::ADJUST && v < rule->adjustments.size()) {
        return fmt::format("O{} ({})", v, adjustmentText(rule->adjustments[v]));
      }
      return fmt::format("O{}", v);
    default: return std::string();  // '_': unused, not printed
  }
}

// `owner` is the two-word instruction whose extension word this is, or null.
void appendInstruction(std::string& out, const Program& p, const Chunk& chunk, uint32_t pc, const RuleInfo* rule,
                       const Instr* owner) {
  const Instr& ins = chunk.code[pc];
  const bool known = static_cast<size_t>(ins.op) < static_cast<size_t>(Opcode::kCount);
  std::string line = fmt::format("{:5}  {:<10}", pc, known ? opcodeName(ins.op) : "?");
  if (known) {
    const Opcode op = owner ? owner->op : ins.op;
    const char* kinds = owner ? extensionOperandKinds(owner->op) : operandKinds(ins.op);
    bool first = true;
    for (int i = 0; i < 4; ++i) {
      const std::string operand = operandText(p, ins, op, kinds, rule, i);
      if (operand.empty()) continue;
      line += first ? " " : ", ";
      line += operand;
      first = false;
    }
  } else {
    line += fmt::format(" op={} a={} b={} c={} d={}", static_cast<unsigned>(ins.op), ins.a, ins.b, ins.c, ins.d);
  }
  if (pc < chunk.positions.size()) {
    const std::string pos = positionText(p, chunk.positions[pc]);
    if (!pos.empty()) {
      if (line.size() < kPositionColumn) line.resize(kPositionColumn, ' ');
      line += "  ; " + pos;
    }
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line;
  out += '\n';
}

void appendPolicy(std::string& out, const Program& p, const PolicyInfo& policy) {
  out += fmt::format("policy {}@{} {}\n", policy.id, policy.version, quoted(policy.title));
  out += "  lines of business:";
  for (size_t i = 0; i < policy.linesOfBusiness.size(); ++i) out += (i ? ", " : " ") + policy.linesOfBusiness[i];
  out += '\n';
  if (policy.effectiveFrom == INT32_MIN && policy.effectiveThrough == INT32_MAX) {
    out += "  effective: always\n";
  } else {
    const std::string from = policy.effectiveFrom == INT32_MIN ? "open" : dateText(policy.effectiveFrom);
    const std::string through = policy.effectiveThrough == INT32_MAX ? "open" : dateText(policy.effectiveThrough);
    out += fmt::format("  effective: {} .. {}\n", from, through);
  }
  out += fmt::format("  governed: chunk {}\n", policy.governedChunk);
  for (const LineClass& cls : policy.phasedClasses) {
    out += fmt::format("  lines {} (phase {}): chunk {}\n", cls.name, cls.phase, cls.chunk);
  }
  for (const RuleInfo& rule : policy.rules) {
    out += fmt::format("  rule {} {}: chunk {}", rule.id, quoted(rule.title), rule.chunk);
    const std::string pos = positionText(p, rule.pos);
    out += pos.empty() ? "\n" : "  ; " + pos + "\n";
    for (size_t o = 0; o < rule.outcomes.size(); ++o) {
      const Outcome& outcome = rule.outcomes[o];
      out += fmt::format("    outcome {}: {}", o, outcomeText(outcome));
      for (const std::string& rarc : outcome.rarcs) out += " " + rarc;
      out += fmt::format(" {}\n", messageText(outcome.message));
    }
    for (size_t a = 0; a < rule.adjustments.size(); ++a) {
      const AdjustmentSpec& adj = rule.adjustments[a];
      out += fmt::format("    adjustment {}: {} {}\n", a, adjustmentText(adj), messageText(adj.message));
    }
  }
}

void appendPools(std::string& out, const Program& p) {
  out += fmt::format("schema {} {} (root {})\n", p.schema.name, quoted(p.schema.version), recordName(p, p.schema.root));
  if (!p.constants.empty()) {
    out += "constants\n";
    for (size_t k = 0; k < p.constants.size(); ++k) {
      const Constant& c = p.constants[k];
      out += fmt::format("  K{:<4} {:<8} {}\n", k, kindText(c.kind), constantText(p, c));
    }
  }
  if (!p.sets.empty()) {
    out += "sets\n";
    for (size_t s = 0; s < p.sets.size(); ++s) out += fmt::format("  E{:<4} {}\n", s, setText(p, p.sets[s]));
  }
  if (!p.functions.empty()) {
    out += "functions\n";
    for (size_t f = 0; f < p.functions.size(); ++f) out += fmt::format("  F{:<4} {}\n", f, p.functions[f]);
  }
}

}  // namespace

std::string disassembleChunk(const Program& p, uint32_t chunk) {
  if (chunk >= p.chunks.size()) return fmt::format("chunk {} does not exist\n", chunk);
  const Chunk& c = p.chunks[chunk];
  std::string out = fmt::format("chunk {} {} (registers {})\n", chunk, quoted(c.name), c.registerCount);
  const RuleInfo* rule = ruleOf(p, chunk);
  const Instr* owner = nullptr;  // the two-word instruction the next word extends
  for (uint32_t pc = 0; pc < c.code.size(); ++pc) {
    const Instr& ins = c.code[pc];
    if (ins.op != Opcode::EXT) owner = nullptr;  // not an extension word: decode it as itself
    appendInstruction(out, p, c, pc, rule, owner);
    owner = !owner && isTwoWord(ins.op) ? &ins : nullptr;
  }
  return out;
}

std::string disassemble(const Program& p) {
  std::string out;
  for (const PolicyInfo& policy : p.policies) {
    appendPolicy(out, p, policy);
    out += '\n';
  }
  appendPools(out, p);
  for (uint32_t c = 0; c < p.chunks.size(); ++c) {
    out += '\n';
    out += disassembleChunk(p, c);
  }
  return out;
}

}  // namespace ppl
