// The bytecode verifier (see verifier.h for what it establishes, vm/vm.cpp for who relies on it).
//
// Order of the checks: the schema and the link tables first (the rest indexes them), then the
// roles of chunks, then each chunk in three passes: operands of every instruction (so that the
// later passes may index tables freely), the loop structure, and the typed dataflow.
#include "bytecode/verifier.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "bytecode/instr_info.h"
#include "stdlib/functions.h"

namespace ppl {
namespace {

constexpr size_t kMaxRecords = 0x10000;  // T operands are 16 bits
constexpr size_t kMaxFlowStepsPerInstruction = 16;  // see checkFlow

bool isIntLike(ValueKind k) {
  return k == ValueKind::kBool || k == ValueKind::kInt || k == ValueKind::kDate || k == ValueKind::kDuration ||
         k == ValueKind::kGroup;
}
bool isScalar(ValueKind k) { return isIntLike(k) || k == ValueKind::kDecimal || k == ValueKind::kString; }
bool isKnownKind(uint32_t k) { return k <= static_cast<uint32_t>(ValueKind::kIter); }

// What the verifier knows about a register at one point of a chunk. Int-like kinds share one
// tag because they share Value::i; what matters for safety is which union member is live.
enum class Tag : uint8_t { kUndefined, kAbsent, kIntLike, kDecimal, kString, kList, kRecord, kIter };

struct RegType {
  Tag tag = Tag::kUndefined;
  ValueKind elem = ValueKind::kBool;  // kList, kIter: the elements' kind
  uint16_t record = 0;                // kRecord; kList and kIter of records

  friend bool operator==(RegType x, RegType y) {
    return x.tag == y.tag && x.elem == y.elem && x.record == y.record;
  }
  friend bool operator!=(RegType x, RegType y) { return !(x == y); }
};

RegType typeOf(Tag tag) {
  RegType t;
  t.tag = tag;
  return t;
}
RegType scalarType(ValueKind k) {
  if (isIntLike(k)) return typeOf(Tag::kIntLike);
  if (k == ValueKind::kDecimal) return typeOf(Tag::kDecimal);
  if (k == ValueKind::kString) return typeOf(Tag::kString);
  return typeOf(Tag::kUndefined);
}
RegType recordType(uint32_t record) {
  RegType t = typeOf(Tag::kRecord);
  t.record = static_cast<uint16_t>(record);
  return t;
}
RegType listType(ValueKind elem, uint32_t record) {
  RegType t = typeOf(Tag::kList);
  t.elem = elem;
  t.record = elem == ValueKind::kRecord ? static_cast<uint16_t>(record) : 0;
  return t;
}
RegType fieldType(const FieldType& f) {
  if (f.kind == ValueKind::kList) return listType(f.elemKind, f.record);
  if (f.kind == ValueKind::kRecord) return recordType(f.record);
  return scalarType(f.kind);
}
// The element of a list or iterator type.
RegType elementType(RegType t) {
  return t.elem == ValueKind::kRecord ? recordType(t.record) : scalarType(t.elem);
}

// Absent values have a zeroed payload, which every reader of every kind handles, so absent
// joins with any kind K to K; two different kinds join to undefined.
RegType join(RegType x, RegType y) {
  if (x == y || y.tag == Tag::kAbsent) return x;
  if (x.tag == Tag::kAbsent) return y;
  return typeOf(Tag::kUndefined);
}

struct Role {
  enum Kind : uint8_t { kNone, kPredicate, kRule };
  Kind kind = kNone;
  const RuleInfo* rule = nullptr;
  std::string description;  // "the governed predicate of policy `J9027`"
};

class ChunkVerifier {
 public:
  ChunkVerifier(const Program& p, const std::vector<std::vector<int32_t>>& slotFields, uint32_t index,
                const Role& role, std::string& error)
      : p_(p),
        slotFields_(slotFields),
        index_(index),
        chunk_(p.chunks[index]),
        code_(chunk_.code),
        registers_(chunk_.registerCount),
        role_(role),
        error_(error) {}

  bool run() {
    if (registers_ > kMaxRegisters) {
      return failChunk(fmt::format("{} registers; at most {} fit", registers_, kMaxRegisters));
    }
    if (code_.empty()) return failChunk("no instructions: it must end in " + terminatorNames());
    if (code_.size() > kMaxChunkInstructions) {
      return failChunk(fmt::format("{} instructions; at most {} fit (jump targets are 16-bit)", code_.size(),
                                   kMaxChunkInstructions));
    }
    if (!chunk_.positions.empty() && chunk_.positions.size() != code_.size()) {
      return failChunk(fmt::format("{} source positions for {} instructions (one each, or none)",
                                   chunk_.positions.size(), code_.size()));
    }
    for (size_t pc = 0; pc < chunk_.positions.size(); ++pc) {
      const SourcePos& pos = chunk_.positions[pc];
      if (pos.line != 0 && pos.file >= p_.files.size()) {
        return fail(static_cast<uint32_t>(pc), fmt::format("source position names file {}, but the program has {}",
                                                           pos.file, p_.files.size()));
      }
    }
    if (!markExtensions()) return false;
    for (uint32_t pc = 0; pc < code_.size(); ++pc) {
      if (!(extension_[pc] ? checkExtension(pc) : checkOperands(pc))) return false;
    }
    return checkLoops() && checkFlow();
  }

 private:
  // --- errors

  bool failChunk(const std::string& message) {
    error_ = fmt::format("chunk {} \"{}\": {}", index_, chunk_.name, message);
    return false;
  }
  bool fail(uint32_t pc, const std::string& message) {
    error_ = fmt::format("chunk {} \"{}\", instruction {} ({}): {}", index_, chunk_.name, pc, opcodeName(code_[pc].op),
                         message);
    return false;
  }
  std::string terminatorNames() const { return role_.kind == Role::kRule ? "FAIL, PASS or SKIP" : "RETBOOL or RETBOOLK"; }

  std::string describe(RegType t) const {
    switch (t.tag) {
      case Tag::kUndefined: return "nothing";
      case Tag::kAbsent: return "absent";
      case Tag::kIntLike: return "an integer-like value";
      case Tag::kDecimal: return "a decimal";
      case Tag::kString: return "a string";
      case Tag::kList: return "a list of " + elementName(t);
      case Tag::kRecord: return "a `" + p_.schema.records[t.record].name + "` record";
      case Tag::kIter: return "an iterator over " + elementName(t);
    }
    return "?";
  }
  std::string elementName(RegType t) const {
    return t.elem == ValueKind::kRecord ? "`" + p_.schema.records[t.record].name + "`" : valueKindName(t.elem);
  }

  // --- pass 1: operands

  // Which words are extension words: the word after each two-word instruction, read in order
  // from the first word. Every other word must be an instruction of its own, and an extension
  // word must say EXT.
  bool markExtensions() {
    extension_.assign(code_.size(), false);
    for (uint32_t pc = 0; pc < code_.size(); ++pc) {
      const Opcode op = code_[pc].op;
      if (op == Opcode::EXT) return fail(pc, "an extension word that follows no two-word instruction");
      if (static_cast<size_t>(op) >= static_cast<size_t>(Opcode::kCount) || !isTwoWord(op)) continue;
      if (pc + 1 >= code_.size()) return fail(pc, "the chunk ends before this instruction's extension word");
      if (code_[pc + 1].op != Opcode::EXT) {
        return fail(pc, fmt::format("the extension word after it is {}, not EXT", opcodeName(code_[pc + 1].op)));
      }
      extension_[++pc] = true;
    }
    return true;
  }

  // The extension word at pc, by the kinds its instruction (at pc - 1) gives it.
  bool checkExtension(uint32_t pc) {
    const Instr& x = code_[pc];
    const Opcode op = code_[pc - 1].op;
    const char* kinds = extensionOperandKinds(op);
    const uint32_t values[4] = {x.a, x.b, x.c, x.d};
    for (int i = 0; i < 4; ++i) {
      const uint32_t v = values[i];
      const char name = "abcd"[i];
      switch (kinds[i]) {
        case '_':
          if (v != 0) return fail(pc, fmt::format("unused operand x.{} of {} must be 0, not {}", name, opcodeName(op), v));
          break;
        case 'B':
          if (v > 1) return fail(pc, fmt::format("branch sense x.{} of {} must be 0 or 1, not {}", name, opcodeName(op), v));
          break;
        case 'R':
          if (!checkRegister(pc, v)) return false;
          break;
        case 'V':
          if (!checkValue(pc, v)) return false;
          break;
        case 'K':
          if (!checkConstant(pc, v)) return false;
          break;
        case 'E':
          if (!checkSet(pc, v)) return false;
          break;
        case 'N':
          if (op == Opcode::JFCONTAINS && (!isKnownKind(v) || !isScalar(static_cast<ValueKind>(v)))) {
            return fail(pc, fmt::format("element kind {} is not a scalar kind", v));
          }
          break;
        default:
          return fail(pc, fmt::format("opcodes.def gives operand x.{} of {} the unknown kind '{}'", name, opcodeName(op),
                                      kinds[i]));
      }
    }
    return true;
  }

  bool checkRegister(uint32_t pc, uint32_t r) {
    if (r < registers_) return true;
    return fail(pc, fmt::format("register R{} is out of range (the chunk has {} registers)", r, registers_));
  }
  // A V operand: a register, or a constant named from kConstantOperandBase on.
  bool checkValue(uint32_t pc, uint32_t v) {
    if (v < kConstantOperandBase) return checkRegister(pc, v);
    const uint32_t k = v - kConstantOperandBase;
    if (k < kMaxConstantOperands && k < p_.constants.size()) return true;
    return fail(pc, fmt::format("operand {} names constant K{}, which is out of range (the program has {}; operands "
                                "name at most the first {})",
                                v, k, p_.constants.size(), kMaxConstantOperands));
  }
  bool checkConstant(uint32_t pc, uint32_t k) {
    if (k < p_.constants.size()) return true;
    return fail(pc, fmt::format("constant K{} is out of range (the program has {})", k, p_.constants.size()));
  }
  bool checkSet(uint32_t pc, uint32_t e) {
    if (e < p_.sets.size()) return true;
    return fail(pc, fmt::format("string set E{} is out of range (the program has {})", e, p_.sets.size()));
  }
  // A run R[base] .. R[base + count - 1] (message arguments, builtin arguments).
  bool checkRange(uint32_t pc, uint32_t base, uint32_t count) {
    if (base + count <= registers_) return true;
    return fail(pc, fmt::format("registers R{} .. R{} are out of range (the chunk has {} registers)", base,
                                base + count - 1, registers_));
  }
  // ITERROOTPATH's b: a slot of the claim record holding a record of type `record`.
  bool checkClaimRecordField(uint32_t pc, uint32_t slot, uint32_t record) {
    const SchemaRecord& root = p_.schema.records[p_.schema.root];
    if (slot < 1 || slot >= root.slotCount() || slotFields_[p_.schema.root][slot] < 0) {
      return fail(pc, fmt::format("slot S{} is not a field of record `{}` (slots 1 .. {})", slot, root.name,
                                  root.slotCount() - 1));
    }
    const SchemaField& field = root.fields[static_cast<size_t>(slotFields_[p_.schema.root][slot])];
    if (field.type.kind == ValueKind::kRecord && field.type.record == record) return true;
    return fail(pc, fmt::format("field `{}.{}` holds {}, but ITERROOTPATH reads a `{}` record there", root.name,
                                field.name, describe(fieldType(field.type)), p_.schema.records[record].name));
  }

  bool checkOperands(uint32_t pc) {
    const Instr& ins = code_[pc];
    const auto opIndex = static_cast<size_t>(ins.op);
    if (opIndex >= static_cast<size_t>(Opcode::kCount)) return fail(pc, fmt::format("unknown opcode {}", opIndex));
    const char* kinds = operandKinds(ins.op);
    const uint32_t values[4] = {ins.a, ins.b, ins.c, ins.d};
    for (int i = 0; i < 4; ++i) {
      const uint32_t v = values[i];
      const char name = "abcd"[i];
      switch (kinds[i]) {
        case '_':
          if (v != 0) return fail(pc, fmt::format("unused operand {} must be 0, not {}", name, v));
          break;
        case 'R':
          if (ins.op == Opcode::FAIL && i == 3) break;  // a register or kNoRegister: checked below
          if (!checkRegister(pc, v)) return false;
          break;
        case 'A': break;  // a run, with the length in another operand: checked below
        case 'V':
          if (!checkValue(pc, v)) return false;
          break;
        case 'K':
          if (!checkConstant(pc, v)) return false;
          break;
        case 'J':
          if (ins.op == Opcode::LOOP) {
            if (v >= pc) {
              return fail(pc, fmt::format("LOOP must jump back to the ITERNEXT or ITERNEXTG heading its loop, not to ->{}", v));
            }
          } else if (v <= pc) {
            return fail(pc, fmt::format("jump ->{} does not go forward (only LOOP may jump back)", v));
          } else if (v >= code_.size()) {
            return fail(pc, fmt::format("jump ->{} leaves the chunk ({} instructions)", v, code_.size()));
          }
          if (extension_[v]) return fail(pc, fmt::format("jump ->{} lands on an extension word", v));
          break;
        case 'T':
          if (v >= p_.schema.records.size()) {
            return fail(pc, fmt::format("record type T{} does not exist (the schema has {} records)", v,
                                        p_.schema.records.size()));
          }
          break;
        case 'F':
          if (v >= p_.functions.size()) {
            return fail(pc, fmt::format("function F{} is out of range (the program uses {})", v, p_.functions.size()));
          }
          break;
        case 'E':
          if (!checkSet(pc, v)) return false;
          break;
        case 'B':
          if (v > 1) return fail(pc, fmt::format("branch sense {} of {} must be 0 or 1, not {}", name, opcodeName(ins.op), v));
          break;
        case 'O':
        case 'N':
        case 'S': break;  // depend on other operands: checked below
        default: return fail(pc, fmt::format("opcodes.def gives operand {} the unknown kind '{}'", name, kinds[i]));
      }
    }

    switch (ins.op) {
      case Opcode::ROOTFIELD:
      case Opcode::ITERROOTFIELD:
        if (ins.d != p_.schema.root) {
          return fail(pc, fmt::format("{} reads the claim record `{}`, not `{}`", opcodeName(ins.op),
                                      p_.schema.records[p_.schema.root].name, p_.schema.records[ins.d].name));
        }
        [[fallthrough]];
      case Opcode::LINEFIELD:
        if (ins.op == Opcode::LINEFIELD && ins.d != p_.layout.lineRecord) {
          return fail(pc, fmt::format("LINEFIELD reads the claim line record `{}`, not `{}`",
                                      p_.schema.records[p_.layout.lineRecord].name, p_.schema.records[ins.d].name));
        }
        [[fallthrough]];
      case Opcode::ITERROOTPATH:
        if (ins.op == Opcode::ITERROOTPATH && !checkClaimRecordField(pc, ins.b, ins.d)) return false;
        [[fallthrough]];
      case Opcode::FIELD:
      case Opcode::ITERFIELD:
      case Opcode::JFEQSK:
      case Opcode::JFINSET:
      case Opcode::JFEQI:
      case Opcode::JFLTI:
      case Opcode::JFLEI:
      case Opcode::JFPRESENT:
      case Opcode::JFCONTAINS:
      case Opcode::JFCONTAINSK: {
        const uint32_t slotCount = p_.schema.records[ins.d].slotCount();
        if (ins.c < 1 || ins.c >= slotCount) {
          return fail(pc, fmt::format("slot S{} is not a field of record `{}` (slots 1 .. {})", ins.c,
                                      p_.schema.records[ins.d].name, slotCount - 1));
        }
        break;
      }
      case Opcode::CONTAINS:
        if (!isKnownKind(ins.d) || !isScalar(static_cast<ValueKind>(ins.d))) {
          return fail(pc, fmt::format("element kind {} is not a scalar kind", ins.d));
        }
        break;
      case Opcode::CALL: {
        const Builtin& fn = builtinAt(p_.functionIds[ins.b]);
        if (ins.d != fn.argCount) {
          return fail(pc, fmt::format("`{}` takes {} arguments, not {}", fn.name, fn.argCount, ins.d));
        }
        if (!checkRange(pc, ins.c, ins.d)) return false;
        break;
      }
      case Opcode::ITERNEXT:
      case Opcode::ITERNEXTG:
        if (ins.a == ins.b) return fail(pc, fmt::format("the element register is the iterator R{} itself", ins.a));
        break;
      case Opcode::FAIL:
      case Opcode::ADJUST: {
        if (role_.kind != Role::kRule) {
          return fail(pc, fmt::format("{} may only appear in a rule chunk; this chunk is {}", opcodeName(ins.op),
                                      role_.description));
        }
        const RuleInfo& rule = *role_.rule;
        const Message* message = nullptr;
        if (ins.op == Opcode::FAIL) {
          if (ins.b >= rule.outcomes.size()) {
            return fail(pc, fmt::format("outcome O{} is out of range (rule `{}` has {})", ins.b, rule.id,
                                        rule.outcomes.size()));
          }
          const Outcome& outcome = rule.outcomes[ins.b];
          message = &outcome.message;
          if (outcome.groupComputed) {
            if (ins.d == kNoRegister) return fail(pc, "the outcome's group is computed, but d names no register");
            if (!checkRegister(pc, ins.d)) return false;
          } else if (ins.d != kNoRegister) {
            return fail(pc, fmt::format("the outcome's group is fixed, so d must be {} (no register), not {}",
                                        kNoRegister, ins.d));
          }
        } else {
          if (ins.b >= rule.adjustments.size()) {
            return fail(pc, fmt::format("adjustment O{} is out of range (rule `{}` has {})", ins.b, rule.id,
                                        rule.adjustments.size()));
          }
          message = &rule.adjustments[ins.b].message;
        }
        if (ins.c != message->argCount) {
          return fail(pc, fmt::format("passes {} message arguments, but the message takes {}", ins.c,
                                      message->argCount));
        }
        if (!checkRange(pc, ins.a, ins.c)) return false;
        break;
      }
      case Opcode::PASS:
      case Opcode::SKIP:
        if (role_.kind != Role::kRule) {
          return fail(pc, fmt::format("{} may only end a rule chunk; this chunk is {}", opcodeName(ins.op),
                                      role_.description));
        }
        break;
      case Opcode::RETBOOLK:
        if (ins.a > 1) return fail(pc, fmt::format("RETBOOLK returns 0 or 1, not {}", ins.a));
        [[fallthrough]];
      case Opcode::RETBOOL:
        if (role_.kind != Role::kPredicate) {
          return fail(pc, fmt::format("{} may only end a predicate chunk; this chunk is {}", opcodeName(ins.op),
                                      role_.description));
        }
        break;
      default: break;
    }
    return true;
  }

  // --- pass 2: loops

  // Every LOOP goes back to an ITERNEXT or ITERNEXTG whose exit is the instruction after the
  // LOOP; loops nest; nothing strictly inside a loop writes its iterator. Then each pass through a LOOP advances an
  // iterator over a finite list that nothing else moves, and every chunk terminates.
  bool checkLoops() {
    std::vector<std::pair<uint32_t, uint32_t>> loops;  // (ITERNEXT pc, LOOP pc)
    std::vector<std::vector<uint32_t>> writes(registers_);  // pcs writing each register, ascending
    for (uint32_t pc = 0; pc < code_.size(); ++pc) {
      const Instr& ins = code_[pc];
      forEachWrite(ins, [&](uint32_t r) { writes[r].push_back(pc); });
      if (ins.op != Opcode::LOOP) continue;
      const Instr& head = code_[ins.b];
      if (head.op != Opcode::ITERNEXT && head.op != Opcode::ITERNEXTG) {
        return fail(pc, fmt::format("LOOP ->{} must go back to an ITERNEXT, but instruction {} is {}", ins.b, ins.b,
                                    opcodeName(head.op)));
      }
      if (head.c != pc + 1) {
        return fail(pc, fmt::format("the ITERNEXT at {} exits to ->{}, not to the instruction after this LOOP ({})",
                                    ins.b, head.c, pc + 1));
      }
      loops.emplace_back(ins.b, pc);
    }
    std::sort(loops.begin(), loops.end());
    std::vector<std::pair<uint32_t, uint32_t>> open;  // enclosing loops
    for (const auto& loop : loops) {
      while (!open.empty() && open.back().second < loop.first) open.pop_back();
      if (!open.empty() && open.back().second < loop.second) {
        return fail(loop.second, fmt::format("the loop from {} to {} overlaps the loop from {} to {}: loops must nest",
                                             loop.first, loop.second, open.back().first, open.back().second));
      }
      open.push_back(loop);
    }
    for (const auto& loop : loops) {
      const uint16_t iterator = code_[loop.first].a;
      const std::vector<uint32_t>& w = writes[iterator];
      const auto it = std::upper_bound(w.begin(), w.end(), loop.first);
      if (it != w.end() && *it < loop.second) {
        return fail(*it, fmt::format("writes R{}, the iterator of the loop from {} to {}: the loop could run forever",
                                     iterator, loop.first, loop.second));
      }
    }
    return true;
  }

  // --- pass 3: typed dataflow

  using State = std::vector<RegType>;

  bool checkFlow() {
    states_.assign(code_.size(), State());
    reached_.assign(code_.size(), false);
    reached_[0] = true;
    states_[0].assign(registers_, RegType{});  // nothing is defined on entry
    work_.insert(0);
    State s;
    // Compiled chunks settle within 2 steps an instruction (the pack: 1.07; 3,000 generated
    // policies: at most 1.87). A crafted loop that moves a type one register a pass would take
    // registers x code-size steps, each copying a state: minutes for a small file.
    const size_t budget = kMaxFlowStepsPerInstruction * code_.size() + 256;
    size_t steps = 0;
    while (!work_.empty()) {
      if (++steps > budget) {
        return failChunk(fmt::format("register types do not settle within {} steps ({} an instruction)", budget,
                                     kMaxFlowStepsPerInstruction));
      }
      // Lowest pc first: with forward jumps only, a pass in order settles everything but loop
      // heads, so a chunk is revisited about once per loop.
      const uint32_t pc = *work_.begin();
      work_.erase(work_.begin());
      s = states_[pc];
      if (!step(pc, s)) return false;
    }
    return true;
  }

  bool flowTo(uint32_t pc, uint32_t target, const State& s) {
    if (target >= code_.size()) {
      return fail(pc, "falls off the end of the chunk: every path must end in " + terminatorNames());
    }
    if (!reached_[target]) {
      reached_[target] = true;
      states_[target] = s;
      work_.insert(target);
      return true;
    }
    State& t = states_[target];
    bool changed = false;
    for (size_t r = 0; r < t.size(); ++r) {
      const RegType j = join(t[r], s[r]);
      if (j != t[r]) {
        t[r] = j;
        changed = true;
      }
    }
    if (changed) work_.insert(target);
    return true;
  }

  // What operand r holds: a register's type in s, or a named constant's (a V operand; checked in
  // range by pass 1, and only V operands reach kConstantOperandBase).
  RegType typeAt(const State& s, uint32_t r) const {
    if (r < kConstantOperandBase) return s[r];
    return scalarType(p_.constants[r - kConstantOperandBase].kind);
  }
  std::string operandName(uint32_t r) const {
    if (r < kConstantOperandBase) return fmt::format("R{}", r);
    return fmt::format("constant K{}", r - kConstantOperandBase);
  }

  bool badRead(uint32_t pc, uint32_t r, RegType t, const std::string& needed) {
    if (t.tag == Tag::kUndefined) {
      return fail(pc, fmt::format("reads {}, which is not written on every path to here", operandName(r)));
    }
    return fail(pc, fmt::format("{} holds {}, but {} needs {}", operandName(r), describe(t), opcodeName(code_[pc].op),
                                needed));
  }
  bool need(uint32_t pc, const State& s, uint32_t r, Tag tag) {
    const RegType t = typeAt(s, r);
    if (t.tag == tag || t.tag == Tag::kAbsent) return true;
    const char* needed = tag == Tag::kList ? "a list" : tag == Tag::kIter ? "an iterator" : nullptr;
    return badRead(pc, r, t, needed ? needed : describe(typeOf(tag)));
  }
  bool needDefined(uint32_t pc, const State& s, uint32_t r) {
    const RegType t = typeAt(s, r);
    if (t.tag != Tag::kUndefined) return true;
    return badRead(pc, r, t, "a value");
  }
  bool needRecord(uint32_t pc, const State& s, uint32_t r, uint32_t record) {
    const RegType t = typeAt(s, r);
    if (t.tag == Tag::kAbsent || (t.tag == Tag::kRecord && t.record == record)) return true;
    return badRead(pc, r, t, describe(recordType(record)));
  }
  // Kind names a scalar or list kind, as a builtin signature or a message piece does.
  bool needKind(uint32_t pc, const State& s, uint32_t r, ValueKind kind, ValueKind elemKind) {
    const RegType t = typeAt(s, r);
    if (t.tag == Tag::kAbsent) return true;
    if (kind == ValueKind::kList) {
      if (t.tag == Tag::kList && t.elem != ValueKind::kRecord && scalarType(t.elem) == scalarType(elemKind)) {
        return true;
      }
      return badRead(pc, r, t, std::string("a list of ") + valueKindName(elemKind));
    }
    if (t.tag != Tag::kUndefined && t == scalarType(kind)) return true;
    return badRead(pc, r, t, describe(scalarType(kind)));
  }
  bool needMessageArgs(uint32_t pc, const State& s, const Message& m, uint32_t base) {
    for (uint32_t i = 0; i < m.argCount; ++i) {
      if (!needDefined(pc, s, base + i)) return false;
    }
    for (const MessagePiece& piece : m.pieces) {
      if (piece.arg >= 0 && !needKind(pc, s, base + static_cast<uint32_t>(piece.arg), piece.kind, piece.elemKind)) {
        return false;
      }
    }
    return true;
  }

  // Checks the reads of the instruction at pc against s, applies its writes, and passes the
  // state on to its successors.
  bool step(uint32_t pc, State& s) {
    const Instr& ins = code_[pc];
    const uint32_t next = pc + 1;
    if (isTwoWord(ins.op)) return stepFieldTest(pc, s);
    switch (ins.op) {
      case Opcode::NOP: break;
      case Opcode::LOADK: s[ins.a] = scalarType(p_.constants[ins.b].kind); break;
      case Opcode::LOADBOOL: s[ins.a] = typeOf(Tag::kIntLike); break;
      case Opcode::LOADABSENT: s[ins.a] = typeOf(Tag::kAbsent); break;
      case Opcode::MOVE:
        if (!needDefined(pc, s, ins.b)) return false;
        s[ins.a] = s[ins.b];
        break;
      case Opcode::ROOT: s[ins.a] = recordType(p_.schema.root); break;
      case Opcode::LINE: s[ins.a] = recordType(p_.layout.lineRecord); break;
      case Opcode::ROOTFIELD:
      case Opcode::LINEFIELD: {
        const int32_t field = slotFields_[ins.d][ins.c];
        s[ins.a] = fieldType(p_.schema.records[ins.d].fields[static_cast<size_t>(field)].type);
        break;
      }
      case Opcode::FIELD: {
        if (!needRecord(pc, s, ins.b, ins.d)) return false;
        const int32_t field = slotFields_[ins.d][ins.c];
        s[ins.a] = fieldType(p_.schema.records[ins.d].fields[static_cast<size_t>(field)].type);
        break;
      }
      case Opcode::ITERFIELD:
      case Opcode::ITERROOTFIELD:
      case Opcode::ITERROOTPATH: {  // ITERROOTPATH's record: pass 1 checked field b holds one of type d
        if (ins.op == Opcode::ITERFIELD && !needRecord(pc, s, ins.b, ins.d)) return false;
        const SchemaRecord& record = p_.schema.records[ins.d];
        const SchemaField& field = record.fields[static_cast<size_t>(slotFields_[ins.d][ins.c])];
        RegType it = fieldType(field.type);
        if (it.tag != Tag::kList) {
          return fail(pc, fmt::format("field `{}.{}` holds {}, but {} needs a list", record.name, field.name,
                                      describe(it), opcodeName(ins.op)));
        }
        it.tag = Tag::kIter;  // as ITERINIT of the list FIELD would have read
        s[ins.a] = it;
        break;
      }
      case Opcode::ISPRESENT:
        if (!needDefined(pc, s, ins.b)) return false;
        s[ins.a] = typeOf(Tag::kIntLike);
        break;
      case Opcode::COALESCE: {
        if (!needDefined(pc, s, ins.b) || !needDefined(pc, s, ins.c)) return false;
        const RegType j = join(s[ins.b], s[ins.c]);
        if (j.tag == Tag::kUndefined) {
          return fail(pc, fmt::format("R{} holds {} but R{} holds {}: COALESCE needs one kind", ins.b,
                                      describe(s[ins.b]), ins.c, describe(s[ins.c])));
        }
        s[ins.a] = j;
        break;
      }
      case Opcode::NOT:
      case Opcode::NEGI:
        if (!need(pc, s, ins.b, Tag::kIntLike)) return false;
        s[ins.a] = typeOf(Tag::kIntLike);
        break;
      case Opcode::ADDI:
      case Opcode::SUBI:
      case Opcode::MULI:
      case Opcode::ADDDAYS:
      case Opcode::SUBDAYS:
      case Opcode::DIFFDAYS:
      case Opcode::EQI:
      case Opcode::LTI:
      case Opcode::LEI:
        if (!need(pc, s, ins.b, Tag::kIntLike) || !need(pc, s, ins.c, Tag::kIntLike)) return false;
        s[ins.a] = typeOf(Tag::kIntLike);
        break;
      case Opcode::ITOD:
        if (!need(pc, s, ins.b, Tag::kIntLike)) return false;
        s[ins.a] = typeOf(Tag::kDecimal);
        break;
      case Opcode::NEGD:
        if (!need(pc, s, ins.b, Tag::kDecimal)) return false;
        s[ins.a] = typeOf(Tag::kDecimal);
        break;
      case Opcode::ADDD:
      case Opcode::SUBD:
      case Opcode::MULD:
      case Opcode::DIVD:
        if (!need(pc, s, ins.b, Tag::kDecimal) || !need(pc, s, ins.c, Tag::kDecimal)) return false;
        s[ins.a] = typeOf(Tag::kDecimal);
        break;
      case Opcode::EQD:
      case Opcode::LTD:
      case Opcode::LED:
        if (!need(pc, s, ins.b, Tag::kDecimal) || !need(pc, s, ins.c, Tag::kDecimal)) return false;
        s[ins.a] = typeOf(Tag::kIntLike);
        break;
      case Opcode::EQS:
        if (!need(pc, s, ins.b, Tag::kString) || !need(pc, s, ins.c, Tag::kString)) return false;
        s[ins.a] = typeOf(Tag::kIntLike);
        break;
      case Opcode::INSET:
        if (!need(pc, s, ins.b, Tag::kString)) return false;
        s[ins.a] = typeOf(Tag::kIntLike);
        break;
      case Opcode::CONTAINS: {
        const auto kind = static_cast<ValueKind>(ins.d);
        const RegType list = s[ins.b];
        if (list.tag != Tag::kAbsent && (list.tag != Tag::kList || list.elem != kind)) {
          return badRead(pc, ins.b, list, std::string("a list of ") + valueKindName(kind) + " (its d operand)");
        }
        if (!needKind(pc, s, ins.c, kind, kind)) return false;
        s[ins.a] = typeOf(Tag::kIntLike);
        break;
      }
      case Opcode::CONTAINSK: {
        if (p_.constants[ins.c].kind != ValueKind::kString) {
          return fail(pc, fmt::format("constant K{} is not a string, but CONTAINSK looks for a string", ins.c));
        }
        const RegType list = s[ins.b];
        if (list.tag != Tag::kAbsent && (list.tag != Tag::kList || list.elem != ValueKind::kString)) {
          return badRead(pc, ins.b, list, "a list of string");
        }
        s[ins.a] = typeOf(Tag::kIntLike);
        break;
      }
      case Opcode::LEN:
        if (!need(pc, s, ins.b, Tag::kList)) return false;
        s[ins.a] = typeOf(Tag::kIntLike);
        break;
      case Opcode::ITERINIT: {
        if (!need(pc, s, ins.b, Tag::kList)) return false;
        RegType it = s[ins.b];  // an absent list gives an absent (empty) iterator
        if (it.tag == Tag::kList) it.tag = Tag::kIter;
        s[ins.a] = it;
        break;
      }
      case Opcode::ITERNEXTG:
        // Its elements are claim lines: an iterator over another list of lines fails at run
        // time (the VM compares it with the claim's lines), one over other records here.
        if (s[ins.a].tag == Tag::kIter &&
            (s[ins.a].elem != ValueKind::kRecord || s[ins.a].record != p_.layout.lineRecord)) {
          return fail(pc, fmt::format("ITERNEXTG needs an iterator over claim lines in R{}, not over {}", ins.a,
                                      describe(s[ins.a])));
        }
        [[fallthrough]];
      case Opcode::ITERNEXT: {
        if (!need(pc, s, ins.a, Tag::kIter)) return false;
        if (!flowTo(pc, ins.c, s)) return false;  // done: the element register is untouched
        const RegType it = s[ins.a];
        s[ins.b] = it.tag == Tag::kIter ? elementType(it) : typeOf(Tag::kAbsent);
        break;
      }
      case Opcode::LOOP: return flowTo(pc, ins.b, s);
      case Opcode::MAXI:
      case Opcode::MINI:
        if (!need(pc, s, ins.a, Tag::kIntLike) || !need(pc, s, ins.b, Tag::kIntLike)) return false;
        s[ins.a] = typeOf(Tag::kIntLike);
        break;
      case Opcode::MAXD:
      case Opcode::MIND:
        if (!need(pc, s, ins.a, Tag::kDecimal) || !need(pc, s, ins.b, Tag::kDecimal)) return false;
        s[ins.a] = typeOf(Tag::kDecimal);
        break;
      case Opcode::JMP: return flowTo(pc, ins.b, s);
      // Test and branch: the reads of the test they stand for, no write, two successors.
      case Opcode::JPRESENT:
        if (!needDefined(pc, s, ins.b)) return false;
        return flowTo(pc, ins.d, s) && flowTo(pc, next, s);
      case Opcode::JGOVERNED:
        if (!needRecord(pc, s, ins.b, p_.layout.lineRecord)) return false;
        return flowTo(pc, ins.d, s) && flowTo(pc, next, s);
      case Opcode::JEQSK:
      case Opcode::JCONTAINSK:
        if (p_.constants[ins.c].kind != ValueKind::kString) {
          return fail(pc, fmt::format("constant K{} is not a string, but {} needs a string", ins.c, opcodeName(ins.op)));
        }
        if (ins.op == Opcode::JEQSK) {
          if (!need(pc, s, ins.b, Tag::kString)) return false;
        } else {
          const RegType list = s[ins.b];
          if (list.tag != Tag::kAbsent && (list.tag != Tag::kList || list.elem != ValueKind::kString)) {
            return badRead(pc, ins.b, list, "a list of string");
          }
        }
        return flowTo(pc, ins.d, s) && flowTo(pc, next, s);
      case Opcode::JINSET:
        if (!need(pc, s, ins.b, Tag::kString)) return false;
        return flowTo(pc, ins.d, s) && flowTo(pc, next, s);
      case Opcode::JLTI:
      case Opcode::JLEI:
        if (!need(pc, s, ins.b, Tag::kIntLike) || !need(pc, s, ins.c, Tag::kIntLike)) return false;
        return flowTo(pc, ins.d, s) && flowTo(pc, next, s);
      case Opcode::JLED:
        if (!need(pc, s, ins.b, Tag::kDecimal) || !need(pc, s, ins.c, Tag::kDecimal)) return false;
        return flowTo(pc, ins.d, s) && flowTo(pc, next, s);
      case Opcode::JMPIF:
      case Opcode::JMPIFNOT:
        if (!need(pc, s, ins.a, Tag::kIntLike)) return false;
        if (!flowTo(pc, ins.b, s)) return false;
        break;
      case Opcode::CALL: {
        const Builtin& fn = builtinAt(p_.functionIds[ins.b]);
        for (uint32_t i = 0; i < fn.argCount; ++i) {
          if (!needKind(pc, s, ins.c + i, fn.args[i], fn.args[i])) return false;
        }
        s[ins.a] = scalarType(fn.result);
        break;
      }
      case Opcode::DECISION:
        if (!needRecord(pc, s, ins.b, p_.layout.lineRecord)) return false;
        s[ins.a] = typeOf(Tag::kString);
        break;
      case Opcode::ISGOVERNED:
        if (!needRecord(pc, s, ins.b, p_.layout.lineRecord)) return false;
        s[ins.a] = typeOf(Tag::kIntLike);
        break;
      case Opcode::EQSK:
        if (p_.constants[ins.c].kind != ValueKind::kString) {
          return fail(pc, fmt::format("constant K{} is not a string, but EQSK compares strings", ins.c));
        }
        if (!need(pc, s, ins.b, Tag::kString)) return false;
        s[ins.a] = typeOf(Tag::kIntLike);
        break;
      case Opcode::FAIL: {
        const Outcome& outcome = role_.rule->outcomes[ins.b];
        if (!needMessageArgs(pc, s, outcome.message, ins.a)) return false;
        if (outcome.groupComputed && !need(pc, s, ins.d, Tag::kIntLike)) return false;
        return true;
      }
      case Opcode::ADJUST:
        if (!needMessageArgs(pc, s, role_.rule->adjustments[ins.b].message, ins.a)) return false;
        break;
      case Opcode::PASS:
      case Opcode::SKIP: return true;
      case Opcode::RETBOOL: return need(pc, s, ins.a, Tag::kIntLike);
      case Opcode::RETBOOLK: return true;
      case Opcode::EXT: return fail(pc, "an extension word cannot run on its own");
      case Opcode::JFEQSK:
      case Opcode::JFINSET:
      case Opcode::JFEQI:
      case Opcode::JFLTI:
      case Opcode::JFLEI:
      case Opcode::JFPRESENT:
      case Opcode::JFCONTAINS:
      case Opcode::JFCONTAINSK:
      case Opcode::kCount: return fail(pc, "unknown opcode");  // two-word: stepFieldTest
    }
    return flowTo(pc, next, s);
  }

  // A field test (JFEQSK ... JFCONTAINS) and its extension word x: reads a field of R[a] as
  // FIELD does (without writing it), tests it, and goes to b or to the word after x.
  bool stepFieldTest(uint32_t pc, State& s) {
    const Instr& ins = code_[pc];
    const Instr& x = code_[pc + 1];
    if (!needRecord(pc, s, ins.a, ins.d)) return false;
    const SchemaRecord& record = p_.schema.records[ins.d];
    const SchemaField& field = record.fields[static_cast<size_t>(slotFields_[ins.d][ins.c])];
    const RegType f = fieldType(field.type);
    auto badField = [&](const std::string& needed) {
      return fail(pc, fmt::format("field `{}.{}` holds {}, but {} needs {}", record.name, field.name, describe(f),
                                  opcodeName(ins.op), needed));
    };
    switch (ins.op) {
      case Opcode::JFEQSK:
        if (p_.constants[x.b].kind != ValueKind::kString) {
          return fail(pc, fmt::format("constant K{} is not a string, but JFEQSK compares strings", x.b));
        }
        [[fallthrough]];
      case Opcode::JFINSET:
        if (f.tag != Tag::kString) return badField("a string");
        break;
      case Opcode::JFEQI:
      case Opcode::JFLTI:
      case Opcode::JFLEI:
        if (f.tag != Tag::kIntLike) return badField("an integer-like value");
        if (!need(pc, s, x.b, Tag::kIntLike)) return false;
        break;
      case Opcode::JFPRESENT: break;
      case Opcode::JFCONTAINS: {
        const auto kind = static_cast<ValueKind>(x.c);
        if (f.tag != Tag::kList || f.elem != kind) {
          return badField(std::string("a list of ") + valueKindName(kind) + " (its x.c operand)");
        }
        if (!needKind(pc, s, x.b, kind, kind)) return false;
        break;
      }
      case Opcode::JFCONTAINSK:
        if (p_.constants[x.b].kind != ValueKind::kString) {
          return fail(pc, fmt::format("constant K{} is not a string, but JFCONTAINSK looks for a string", x.b));
        }
        if (f.tag != Tag::kList || f.elem != ValueKind::kString) return badField("a list of string");
        break;
      default: return fail(pc, "not a field test");
    }
    return flowTo(pc, ins.b, s) && flowTo(pc, pc + 2, s);
  }

  const Program& p_;
  const std::vector<std::vector<int32_t>>& slotFields_;
  const uint32_t index_;
  const Chunk& chunk_;
  const std::vector<Instr>& code_;
  const uint32_t registers_;
  const Role& role_;
  std::string& error_;

  std::vector<bool> extension_;  // per word: the extension word of the two-word instruction before it
  std::vector<State> states_;    // per pc: the join of the states flowing in
  std::vector<bool> reached_;
  std::set<uint32_t> work_;
};

class Verifier {
 public:
  Verifier(const Program& p, std::string& error) : p_(p), error_(error) {}

  bool run() {
    if (!checkSchema() || !checkLinked() || !assignRoles()) return false;
    for (uint32_t c = 0; c < p_.chunks.size(); ++c) {
      ChunkVerifier chunk(p_, slotFields_, c, roles_[c], error_);
      if (!chunk.run()) return false;
    }
    return true;
  }

 private:
  bool fail(const std::string& message) {
    error_ = message;
    return false;
  }

  // The loader and FIELD index facts by these: slots must be a permutation of 1..n, so that
  // every slot of a record has exactly one kind.
  bool checkSchema() {
    const Schema& s = p_.schema;
    const size_t nRecords = s.records.size();
    if (nRecords > kMaxRecords) {
      return fail(fmt::format("the schema has {} records; at most {} fit", nRecords, kMaxRecords));
    }
    if (s.root >= nRecords) return fail(fmt::format("the schema's root record {} does not exist", s.root));
    slotFields_.resize(nRecords);
    for (size_t r = 0; r < nRecords; ++r) {
      const SchemaRecord& rec = s.records[r];
      slotFields_[r].assign(rec.slotCount(), -1);
      for (size_t k = 0; k < rec.fields.size(); ++k) {
        const SchemaField& f = rec.fields[k];
        const std::string where = fmt::format("schema field `{}.{}`", rec.name, f.name);
        const ValueKind kind = f.type.kind;
        const ValueKind elem = kind == ValueKind::kList ? f.type.elemKind : kind;
        if (!isScalar(kind) && kind != ValueKind::kList && kind != ValueKind::kRecord) {
          return fail(where + fmt::format(" has the kind {}", valueKindName(kind)));
        }
        if (!isScalar(elem) && elem != ValueKind::kRecord) {
          return fail(where + fmt::format(" is a list of {}", valueKindName(elem)));
        }
        if (elem == ValueKind::kRecord && f.type.record >= nRecords) {
          return fail(where + fmt::format(" names record {}, but the schema has {}", f.type.record, nRecords));
        }
        if (f.type.enumIndex >= 0 && static_cast<size_t>(f.type.enumIndex) >= s.enums.size()) {
          return fail(where +
                      fmt::format(" names enumeration {}, but the schema has {}", f.type.enumIndex, s.enums.size()));
        }
        if (f.slot < 1 || f.slot >= rec.slotCount()) {
          return fail(where + fmt::format(" has slot {} (slots 1 .. {})", f.slot, rec.slotCount() - 1));
        }
        if (slotFields_[r][f.slot] >= 0) {
          return fail(where + fmt::format(" shares slot {} with field `{}`", f.slot,
                                          rec.fields[static_cast<size_t>(slotFields_[r][f.slot])].name));
        }
        slotFields_[r][f.slot] = static_cast<int32_t>(k);
        if (f.notBefore >= 0) {
          if (static_cast<size_t>(f.notBefore) >= rec.fields.size() || kind != ValueKind::kDate ||
              rec.fields[static_cast<size_t>(f.notBefore)].type.kind != ValueKind::kDate) {
            return fail(where + " is `not before` something that is not a sibling date field");
          }
        }
        if (f.uniqueBy >= 0) {
          if (kind != ValueKind::kList || elem != ValueKind::kRecord ||
              static_cast<size_t>(f.uniqueBy) >= s.records[f.type.record].fields.size()) {
            return fail(where + " is `unique` by something that is not a field of its elements");
          }
        }
      }
    }
    return checkRecordNesting();
  }

  // A record that contains itself (not through a list) would make the loader build `{}`
  // defaults forever.
  bool checkRecordNesting() {
    const Schema& s = p_.schema;
    enum : uint8_t { kNew, kOpen, kDone };
    std::vector<uint8_t> color(s.records.size(), kNew);
    std::vector<std::pair<uint32_t, size_t>> stack;  // (record, next field)
    for (uint32_t start = 0; start < s.records.size(); ++start) {
      if (color[start] != kNew) continue;
      color[start] = kOpen;
      stack.emplace_back(start, 0);
      while (!stack.empty()) {
        auto& [record, next] = stack.back();
        const std::vector<SchemaField>& fields = s.records[record].fields;
        if (next == fields.size()) {
          color[record] = kDone;
          stack.pop_back();
          continue;
        }
        const SchemaField& f = fields[next++];
        if (f.type.kind != ValueKind::kRecord) continue;
        const uint32_t child = f.type.record;
        if (color[child] == kOpen) {
          return fail(fmt::format("schema record `{}` contains itself (through field `{}.{}`)", s.records[child].name,
                                  s.records[record].name, f.name));
        }
        if (color[child] == kNew) {
          color[child] = kOpen;
          stack.emplace_back(child, 0);  // invalidates record/next: the loop re-reads back()
        }
      }
    }
    return true;
  }

  bool checkLinked() {
    if (p_.constantValues.size() != p_.constants.size() || p_.setValues.size() != p_.sets.size() ||
        p_.functionIds.size() != p_.functions.size()) {
      return fail("the program is not linked (Program::link must run before the verifier)");
    }
    for (uint16_t id : p_.functionIds) {
      if (id >= builtinCount()) return fail(fmt::format("builtin id {} does not exist", id));
    }
    FactLayout layout;
    std::string error;
    if (!resolveFactLayout(p_.schema, layout, error)) return fail(error);
    const FactLayout& l = p_.layout;
    if (layout.claimIdSlot != l.claimIdSlot || layout.linesSlot != l.linesSlot || layout.lineRecord != l.lineRecord ||
        layout.lineNumberSlot != l.lineNumberSlot || layout.hcpcsSlot != l.hcpcsSlot ||
        layout.payerSlot != l.payerSlot || layout.payerRecord != l.payerRecord ||
        layout.lineOfBusinessSlot != l.lineOfBusinessSlot) {
      return fail("the program's fact layout does not match its schema (link again after changing the schema)");
    }
    return true;
  }

  bool checkPos(const SourcePos& pos, const std::string& where) {
    if (pos.line == 0 || pos.file < p_.files.size()) return true;
    return fail(fmt::format("{}: source position names file {}, but the program has {}", where, pos.file,
                            p_.files.size()));
  }

  bool checkMessage(const Message& m, const std::string& where) {
    if (m.argCount > kMaxMessageArgs) {
      return fail(fmt::format("{}: the message takes {} arguments; at most {}", where, m.argCount, kMaxMessageArgs));
    }
    for (size_t i = 0; i < m.pieces.size(); ++i) {
      const MessagePiece& piece = m.pieces[i];
      if (piece.arg < 0) continue;
      if (piece.arg >= m.argCount) {
        return fail(fmt::format("{}: message piece {} reads argument {}, but the message takes {}", where, i, piece.arg,
                                m.argCount));
      }
      const bool renderable = isKnownKind(static_cast<uint32_t>(piece.kind)) &&
                              (isScalar(piece.kind) ||
                               (piece.kind == ValueKind::kList && isKnownKind(static_cast<uint32_t>(piece.elemKind)) &&
                                isScalar(piece.elemKind)));
      if (!renderable) return fail(fmt::format("{}: message piece {} has a kind that cannot be printed", where, i));
    }
    return true;
  }

  bool assignRole(uint32_t chunk, Role role) {
    if (chunk >= p_.chunks.size()) {
      return fail(fmt::format("{} is chunk {}, but the program has {} chunks", role.description, chunk,
                              p_.chunks.size()));
    }
    Role& slot = roles_[chunk];
    if (slot.kind != Role::kNone) {
      return fail(fmt::format("chunk {} \"{}\" has two roles: {} and {}", chunk, p_.chunks[chunk].name,
                              slot.description, role.description));
    }
    slot = std::move(role);
    return true;
  }

  bool assignRoles() {
    roles_.assign(p_.chunks.size(), Role{});
    for (const PolicyInfo& policy : p_.policies) {
      Role governed;
      governed.kind = Role::kPredicate;
      governed.description = fmt::format("the governed predicate of policy `{}`", policy.id);
      if (!assignRole(policy.governedChunk, std::move(governed))) return false;
      for (const LineClass& cls : policy.phasedClasses) {
        // Phases count up from 1, one at least per class: decide() steps from phase to phase
        // and would never reach a line in a phase past UINT32_MAX's sentinel.
        if (cls.phase == 0 || cls.phase > policy.phasedClasses.size()) {
          return fail(fmt::format("lines `{}` of policy `{}` are in phase {}, but its {} phased classes need "
                                  "phases 1 to {}",
                                  cls.name, policy.id, cls.phase, policy.phasedClasses.size(),
                                  policy.phasedClasses.size()));
        }
        Role role;
        role.kind = Role::kPredicate;
        role.description = fmt::format("the predicate of lines `{}` of policy `{}`", cls.name, policy.id);
        if (!assignRole(cls.chunk, std::move(role))) return false;
      }
      for (const RuleInfo& rule : policy.rules) {
        const std::string where = fmt::format("rule `{}` of policy `{}`", rule.id, policy.id);
        if (!checkPos(rule.pos, where)) return false;
        for (size_t o = 0; o < rule.outcomes.size(); ++o) {
          const std::string what = fmt::format("{}, outcome {}", where, o);
          if (!checkMessage(rule.outcomes[o].message, what) || !checkPos(rule.outcomes[o].pos, what)) return false;
        }
        for (size_t a = 0; a < rule.adjustments.size(); ++a) {
          const std::string what = fmt::format("{}, adjustment {}", where, a);
          if (!checkMessage(rule.adjustments[a].message, what) || !checkPos(rule.adjustments[a].pos, what)) {
            return false;
          }
        }
        Role role;
        role.kind = Role::kRule;
        role.rule = &rule;
        role.description = where;
        if (!assignRole(rule.chunk, std::move(role))) return false;
      }
    }
    for (uint32_t c = 0; c < p_.chunks.size(); ++c) {
      if (roles_[c].kind == Role::kNone) {
        return fail(fmt::format("chunk {} \"{}\" has no role: no policy runs it", c, p_.chunks[c].name));
      }
    }
    return true;
  }

  const Program& p_;
  std::string& error_;
  std::vector<std::vector<int32_t>> slotFields_;  // per record, per slot: the field index
  std::vector<Role> roles_;                       // per chunk
};

}  // namespace

bool verifyProgram(const Program& p, std::string& error) {
  error.clear();
  return Verifier(p, error).run();
}

}  // namespace ppl
