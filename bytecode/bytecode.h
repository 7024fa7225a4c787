// The contract between compiler and VM: instructions, chunks and the compiled program.
//
// The compiler (compiler/codegen.cpp) builds a Program; `pplc build` writes it as a .pplb file
// (bytecode/pplb.h); the VM library loads it back, verifies it (bytecode/verifier.h) and runs
// it (vm/vm.h). Neither side includes the other: both include this header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/decimal.h"
#include "runtime/decision.h"
#include "runtime/schema.h"
#include "runtime/value.h"

namespace ppl {

enum class Opcode : uint8_t {
#define OPCODE(name, ...) name,
#include "bytecode/opcodes.def"
#undef OPCODE
  kCount
};
// An opcode's name and operand kinds, from its row of opcodes.def; bytecode/instr_info.h has
// the rest of the row (its format version, what it reads, writes and jumps to).
const char* opcodeName(Opcode op);
// The operand kinds of an instruction's word, a b c d ("RRST" for FIELD; opcodes.def).
const char* operandKinds(Opcode op);
// The operand kinds of a two-word instruction's extension word ("BK__", opcodes.def's
// OPCODE_EXTENSION), or null for an instruction of one word.
const char* extensionOperandKinds(Opcode op);
inline bool isTwoWord(Opcode op) { return extensionOperandKinds(op) != nullptr; }

// One instruction: 8 bytes, operands as opcodes.def declares them.
struct Instr {
  Opcode op = Opcode::NOP;
  uint8_t a = 0;
  uint16_t b = 0;
  uint16_t c = 0;
  uint16_t d = 0;
};
static_assert(sizeof(Instr) == 8, "instructions are 8 bytes");

// The index of the instruction after the one at `pc`, past its extension word if it has one:
// the step of a walk over a chunk's instructions (`for (pc = 0; pc < n; pc = nextInstruction(...))`).
inline size_t nextInstruction(const std::vector<Instr>& code, size_t pc) { return pc + (isTwoWord(code[pc].op) ? 2 : 1); }

constexpr uint16_t kNoRegister = 0xFFFF;  // FAIL's d when the outcome's group is static
constexpr int kMaxRegisters = 256;
// The most words a chunk's code may hold (the verifier refuses more): jump operands are 16-bit
// instruction indices.
constexpr size_t kMaxChunkInstructions = 0x10000;
// The most constants a program may use: K operands are 16-bit indices.
constexpr size_t kMaxConstants = 0x10000;
// A V operand (opcodes.def) at or above kConstantOperandBase names the constant
// K[v - kConstantOperandBase]; the first kMaxConstantOperands constants can be named so. The VM
// keeps copies of them right after its registers, so such a read costs what a register's does.
constexpr uint32_t kConstantOperandBase = kMaxRegisters;
constexpr uint32_t kMaxConstantOperands = 256;

struct SourcePos {
  uint32_t file = 0;  // index in Program::files
  uint32_t line = 0;  // 1-based; 0 = unknown
  uint32_t col = 0;   // 1-based
};

// A straight-line-with-loops piece of code: a rule's body, a predicate.
//
// The compiler begins every rule chunk with the same two words, and the VM is faster for it:
//   0  LINE R[l]                  the line being decided
//   1  LINEFIELD R[k], S, T       the line's date of service (`dos`), in a register k that is
//                                 the same in every rule of the policy and that no later
//                                 instruction of any of them writes
// The VM writes R[l] itself before it enters a rule, and when every rule of a policy begins so
// (vm.cpp's sharesLineField checks it), only the first rule run on a line runs word 1: the rules
// after it start at word 2 and read the date it left in R[k] (RuleStep::start). Where the rules
// do not all begin so, each runs all of its own code, so the convention buys speed, not safety;
// but a compiler change that moves either word, or writes R[k] again, quietly loses that speed.
struct Chunk {
  std::string name;                // for the disassembler: "rule C-DX", "governed", "lines waste"
  uint16_t registerCount = 0;      // registers the chunk uses: R[0] .. R[registerCount - 1]
  std::vector<Instr> code;
  std::vector<SourcePos> positions;  // one per instruction, or empty
};

// A constant: scalars only (lists of strings are string sets).
struct Constant {
  ValueKind kind = ValueKind::kInt;  // kBool kInt kDecimal kString kDate kDuration kGroup
  int64_t i = 0;                     // int-like kinds
  Decimal d;                         // kDecimal
  uint32_t str = 0;                  // kString: index in Program::strings
};

// A set of strings known at compile time (`{"prednisone", "prednisolone"}`).
struct StringSet {
  std::vector<uint32_t> members;  // indices in Program::strings, distinct
};

// A message with interpolated facts: literal pieces and arguments captured at failure time.
struct MessagePiece {
  std::string text;                          // literal text (when arg < 0)
  int16_t arg = -1;                          // index of the captured argument
  ValueKind kind = ValueKind::kString;       // how to render the argument
  ValueKind elemKind = ValueKind::kString;   // for lists: the elements' kind
};
struct Message {
  std::vector<MessagePiece> pieces;
  uint8_t argCount = 0;
};

struct Outcome {
  Action action = Action::kDeny;
  bool groupComputed = false;                    // FAIL's d register holds the group
  AdjustmentGroup group = AdjustmentGroup::kCO;  // when not computed
  std::string carc;
  std::vector<std::string> rarcs;
  Message message;
  SourcePos pos;
};

struct AdjustmentSpec {
  AdjustmentGroup group = AdjustmentGroup::kCO;
  std::string carc;
  Decimal percent;  // reduction of the allowed amount: 20 = pay 80%
  Message message;
  SourcePos pos;
};

struct RuleInfo {
  std::string id;     // as written: "C-DX"
  std::string title;
  uint32_t chunk = 0;  // index in Program::chunks; ends in FAIL, PASS or SKIP
  std::vector<Outcome> outcomes;
  std::vector<AdjustmentSpec> adjustments;
  SourcePos pos;
};

// A named class of lines (`lines waste: ...`) whose members are decided in a later phase
// because other lines' rules read their decisions.
struct LineClass {
  std::string name;
  uint32_t chunk = 0;  // predicate chunk: RETBOOL whether LINE belongs to the class
  uint32_t phase = 0;  // lines in the class are decided in this phase or later
};

struct PolicyInfo {
  std::string id;
  std::string version;
  std::string title;
  std::vector<std::string> linesOfBusiness;  // claims it governs, by payer.line_of_business
  int32_t effectiveFrom = INT32_MIN;         // dates of service, inclusive (days since epoch)
  int32_t effectiveThrough = INT32_MAX;
  uint32_t governedChunk = 0;                // predicate: LINE is governed (code and dates)
  std::vector<LineClass> phasedClasses;      // only classes with phase > 0
  std::vector<RuleInfo> rules;               // in reason order
};

// Where the VM and the output writer find the facts they need besides rule code. Resolved from
// the schema by the well-known names `claim_id`, `lines`, `line_number`, `hcpcs`,
// `payer.line_of_business` (stdlib/claim.ppl must declare them).
struct FactLayout {
  uint32_t claimIdSlot = 0;
  uint32_t linesSlot = 0;
  uint32_t lineRecord = 0;
  uint32_t lineNumberSlot = 0;
  uint32_t hcpcsSlot = 0;
  uint32_t payerSlot = 0;
  uint32_t payerRecord = 0;
  uint32_t lineOfBusinessSlot = 0;
};
// Fills `out` from the schema; false (with a message) when a well-known field is missing.
bool resolveFactLayout(const Schema& schema, FactLayout& out, std::string& error);

struct Program {
  Schema schema;
  std::vector<std::string> files;     // source file names, for positions
  std::vector<std::string> strings;   // string pool
  std::vector<Constant> constants;
  std::vector<StringSet> sets;
  std::vector<std::string> functions; // builtin functions used, by name: CALL's b indexes this
  std::vector<Chunk> chunks;
  std::vector<PolicyInfo> policies;

  // Derived by link() (after loading or compiling; again after any change above).
  FactLayout layout;
  std::vector<Value> constantValues;          // StrRefs point into `strings`
  std::vector<std::vector<StrRef>> setValues;
  std::vector<uint16_t> functionIds;          // builtin registry ids, per `functions` entry
  // Resolves constants, sets, builtin names and the fact layout; false with a message on error.
  bool link(std::string& error);

  uint32_t addString(const std::string& s);  // interns

 private:
  // addString's index of `strings`, rebuilt when `strings` was changed without it.
  std::unordered_map<std::string, uint32_t> stringIndex_;
};

}  // namespace ppl
