// What each instruction reads, writes and jumps to, derived from opcodes.def's columns: the one
// description the verifier, the peephole passes (compiler/peephole.cpp), the disassembler, the
// .pplb reader and the VM's Evaluator set-up all use. Nothing here runs on the VM's dispatch
// path: it serves compiling, verifying and building an Evaluator.
//
// The table is checked when it compiles: an opcodes.def entry without the version, R[a] and flow
// columns does not expand, and one whose columns disagree with its operand kinds fails a
// static_assert below.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bytecode/bytecode.h"

namespace ppl {

// What an instruction does with the register(s) its operand a names (opcodes.def's R[a] column).
enum class RegisterUse : uint8_t {
  kNone,       // `-`: a names no register
  kRead,       // `r`
  kWrite,      // `w`: on every path out of the instruction
  kReadWrite,  // `rw`: reads it, and writes it on some path (MAXI, ITERNEXT)
  kInvalid,    // not a value of the column
};

// Where control goes after an instruction (opcodes.def's flow column).
enum class Flow : uint8_t {
  kNext,     // `next`: the next instruction, and the J operand's target when there is one
  kJump,     // `jump`: the J operand's target only
  kEnd,      // `end`: the chunk ends
  kIterate,  // `iter`: the J operand's target when iterator R[a] is done, else the next
             // instruction with R[b] := the element (so R[b] is written, not read)
  kInvalid,
};

struct OpcodeInfo {
  const char* name = "?";
  const char* kinds = "____";             // operands a b c d: "RRST" for FIELD
  const char* extensionKinds = nullptr;   // the extension word's, for a two-word instruction
  uint16_t version = 0;                   // the .pplb format version that added the opcode
  RegisterUse a = RegisterUse::kNone;
  Flow flow = Flow::kEnd;
  int8_t jump = -1;                       // the operand (0..3 for a..d) holding the jump target
};

namespace detail {

constexpr bool sameText(const char* x, const char* y) {
  while (*x != '\0' && *x == *y) ++x, ++y;
  return *x == *y;
}
constexpr RegisterUse registerUseOf(const char* column) {
  return sameText(column, "-")    ? RegisterUse::kNone
         : sameText(column, "r")  ? RegisterUse::kRead
         : sameText(column, "w")  ? RegisterUse::kWrite
         : sameText(column, "rw") ? RegisterUse::kReadWrite
                                  : RegisterUse::kInvalid;
}
constexpr Flow flowOf(const char* column) {
  return sameText(column, "next")   ? Flow::kNext
         : sameText(column, "jump") ? Flow::kJump
         : sameText(column, "end")  ? Flow::kEnd
         : sameText(column, "iter") ? Flow::kIterate
                                    : Flow::kInvalid;
}
constexpr int8_t jumpOperandOf(const char* kinds) {
  for (int8_t i = 0; i < 4; ++i) {
    if (kinds[i] == 'J') return i;
  }
  return -1;
}

constexpr size_t kOpcodeCount = static_cast<size_t>(Opcode::kCount);

struct OpcodeTable {
  OpcodeInfo info[kOpcodeCount + 1];  // the last: what an unknown opcode gets
  constexpr OpcodeTable() : info() {
#define OPCODE(name_, a_, b_, c_, d_, version_, ra_, flow_, meaning_)                                        \
  info[static_cast<size_t>(Opcode::name_)] = OpcodeInfo{#name_, #a_ #b_ #c_ #d_, nullptr, version_,           \
                                                        registerUseOf(#ra_), flowOf(#flow_),                  \
                                                        jumpOperandOf(#a_ #b_ #c_ #d_)};
#define OPCODE_EXTENSION(name_, a_, b_, c_, d_) info[static_cast<size_t>(Opcode::name_)].extensionKinds = #a_ #b_ #c_ #d_;
#include "bytecode/opcodes.def"
#undef OPCODE_EXTENSION
#undef OPCODE
  }
};

}  // namespace detail

inline constexpr detail::OpcodeTable kOpcodeTable{};

// The row of opcodes.def for `op`; an unknown opcode (a corrupt file) gets a row of no operands,
// no registers and version 0.
constexpr const OpcodeInfo& opcodeInfo(Opcode op) {
  const auto i = static_cast<size_t>(op);
  return kOpcodeTable.info[i < detail::kOpcodeCount ? i : detail::kOpcodeCount];
}

// The words the instruction takes: 2 for a two-word instruction, else 1.
constexpr uint32_t wordsOf(Opcode op) { return opcodeInfo(op).extensionKinds ? 2 : 1; }

// The operand holding the instruction's jump target, or null when it has none.
inline uint16_t* jumpOperand(Instr& ins) {
  uint16_t* operands[4] = {nullptr, &ins.b, &ins.c, &ins.d};
  const int8_t j = opcodeInfo(ins.op).jump;
  return j < 0 ? nullptr : operands[j];
}
inline const uint16_t* jumpOperand(const Instr& ins) { return jumpOperand(const_cast<Instr&>(ins)); }

// Where control may go after the instruction at `pc` of `code`: the next instruction (past an
// extension word) first, then the jump target. Returns how many (0, 1 or 2) it put in `out`.
inline int successorsOf(const std::vector<Instr>& code, size_t pc, uint32_t out[2]) {
  const Instr& ins = code[pc];
  const uint32_t next = static_cast<uint32_t>(pc) + wordsOf(ins.op);
  const uint16_t* target = jumpOperand(ins);
  switch (opcodeInfo(ins.op).flow) {
    case Flow::kNext:
    case Flow::kIterate:
      out[0] = next;
      if (!target) return 1;
      out[1] = *target;
      return 2;
    case Flow::kJump:
      out[0] = *target;
      return 1;
    default: return 0;
  }
}

namespace detail {

// Calls visit(r) for each register of operand `value` of kind `kind` in `kinds` (operand index
// i): a register, a value that is one (below kConstantOperandBase), or a run.
template <class Visit>
void visitOperand(const char* kinds, int i, const uint32_t values[4], Visit& visit) {
  const uint32_t v = values[i];
  switch (kinds[i]) {
    case 'R':
    case 'V':
      if (v < kMaxRegisters) visit(v);  // not a constant, nor FAIL's kNoRegister
      return;
    case 'A': {  // R[v] .. R[v + n - 1], n the N operand after it
      uint32_t count = 0;
      for (int k = i + 1; k < 4; ++k) {
        if (kinds[k] == 'N') {
          count = values[k];
          break;
        }
      }
      for (uint32_t r = v; r < v + count && r < kMaxRegisters; ++r) visit(r);
      return;
    }
    default: return;
  }
}

}  // namespace detail

// Calls read(r) for each register the instruction at `pc` of `code` reads (a two-word
// instruction's extension word included). V operands that name constants are not registers.
template <class Read>
void forEachRead(const std::vector<Instr>& code, size_t pc, Read read) {
  const Instr& ins = code[pc];
  const OpcodeInfo& info = opcodeInfo(ins.op);
  const uint32_t values[4] = {ins.a, ins.b, ins.c, ins.d};
  for (int i = 0; i < 4; ++i) {
    if (i == 0 && (info.a == RegisterUse::kNone || info.a == RegisterUse::kWrite)) continue;
    if (i == 1 && info.flow == Flow::kIterate) continue;  // the element register: written
    detail::visitOperand(info.kinds, i, values, read);
  }
  if (info.extensionKinds) {
    const Instr& x = code[pc + 1];
    const uint32_t extension[4] = {x.a, x.b, x.c, x.d};
    for (int i = 0; i < 4; ++i) detail::visitOperand(info.extensionKinds, i, extension, read);
  }
}

// Calls write(r) for each register the instruction may write on some path out of it: R[a] when
// its R[a] column says w or rw, and ITERNEXT's element register.
template <class Write>
void forEachWrite(const Instr& ins, Write write) {
  const OpcodeInfo& info = opcodeInfo(ins.op);
  if (info.a == RegisterUse::kWrite || info.a == RegisterUse::kReadWrite) write(uint32_t{ins.a});
  if (info.flow == Flow::kIterate) write(uint32_t{ins.b});
}

// Calls visit(r) for each register the instruction at `pc` of `code` names, read or written (a
// register both read and written may be visited twice).
template <class Visit>
void forEachRegister(const std::vector<Instr>& code, size_t pc, Visit visit) {
  forEachRead(code, pc, visit);
  forEachWrite(code[pc], visit);
}

// Whether the instruction writes R[a] on every path out of it (the w of the R[a] column).
constexpr bool alwaysWritesA(Opcode op) { return opcodeInfo(op).a == RegisterUse::kWrite; }

// --- the table's consistency, checked when anything includes this header

namespace detail {

constexpr bool isRegisterKind(char k) { return k == 'R' || k == 'A'; }

constexpr bool rowIsConsistent(const OpcodeInfo& o) {
  if (o.a == RegisterUse::kInvalid || o.flow == Flow::kInvalid || o.version < 1) return false;
  // R[a] names a register exactly when operand a is one; a run is only read.
  if ((o.a != RegisterUse::kNone) != isRegisterKind(o.kinds[0])) return false;
  if (o.kinds[0] == 'A' && o.a != RegisterUse::kRead) return false;
  // A jump needs its target; an end has none; an iteration's element register is b.
  if ((o.flow == Flow::kJump || o.flow == Flow::kIterate) && o.jump < 0) return false;
  if (o.flow == Flow::kEnd && o.jump >= 0) return false;
  if (o.flow == Flow::kIterate && (o.kinds[1] != 'R' || o.a != RegisterUse::kReadWrite)) return false;
  // A run's length is an N operand after it.
  for (int i = 0; i < 4; ++i) {
    if (o.kinds[i] != 'A') continue;
    bool counted = false;
    for (int k = i + 1; k < 4; ++k) counted = counted || o.kinds[k] == 'N';
    if (!counted) return false;
  }
  // An extension word holds no jump and no run, and its instruction writes no register.
  if (o.extensionKinds) {
    for (int i = 0; i < 4; ++i) {
      if (o.extensionKinds[i] == 'J' || o.extensionKinds[i] == 'A') return false;
    }
    if (o.a != RegisterUse::kRead || o.flow != Flow::kNext) return false;
  }
  return true;
}

constexpr bool tableIsConsistent() {
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    if (!rowIsConsistent(kOpcodeTable.info[i])) return false;
    // Opcodes are appended: a later one never belongs to an older format.
    if (i > 0 && kOpcodeTable.info[i].version < kOpcodeTable.info[i - 1].version) return false;
  }
  return true;
}

}  // namespace detail

static_assert(detail::tableIsConsistent(),
              "opcodes.def: a row's version, R[a] or flow column disagrees with its operand kinds, or "
              "versions decrease (see the column rules at the top of opcodes.def)");

}  // namespace ppl
