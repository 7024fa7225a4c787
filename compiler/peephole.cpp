// The peephole optimizer's passes (peephole.h lists them in order). Fusing FIELD + test + branch
// is the one that matters most. Conditions on a record's fields are the most
// common shape in policies (`t.drug = "docetaxel"`, `m.start <= dos`, `m.end is absent`), and
// each costs three dispatches and two register writes that nothing reads; the fused form is one
// dispatch and no write. A test of registers followed by a branch on its result (`height is
// absent`, `l is governed`, `units <= 60`) becomes the test's branching form the same way, and
// a list field read + the ITERINIT of a loop over it (every quantifier and aggregate over a
// record's list) becomes one instruction that starts the loop from the field.
//
// Safety rests on liveness: a fused instruction no longer writes the field's register t or the
// test's register r, so both must be dead after the branch or the ITERINIT (not read on any path
// before being written again). Registers are found live by the usual backward dataflow over the
// chunk's control flow, loops included.
#include "compiler/peephole.h"

#include <algorithm>
#include <bitset>
#include <vector>

#include "bytecode/instr_info.h"

namespace ppl {
namespace {

using Registers = std::bitset<kMaxRegisters>;

bool isBranch(Opcode op) { return op == Opcode::JMPIF || op == Opcode::JMPIFNOT; }

// A jump to a JMP goes where that JMP goes, and a JMP to PASS, SKIP or RETBOOLK becomes that
// instruction (one dispatch less on those paths). Jumps still go forward; LOOP and ITERNEXT are
// left alone (the verifier pins their targets). Runs before any fusion: every word is an
// instruction of its own.
void threadJumps(std::vector<Instr>& code) {
  auto finalTarget = [&](uint32_t t) {
    while (t < code.size() && code[t].op == Opcode::JMP) t = code[t].b;  // forward only: ends
    return t;
  };
  for (Instr& in : code) {
    if (in.op != Opcode::JMP && !isBranch(in.op)) continue;
    in.b = static_cast<uint16_t>(finalTarget(in.b));
    // A conditional jump to a conditional jump on the same register (`a and b` in a condition
    // that is itself a conjunct): the register still holds what made the first one jump, so
    // the second one's way is known. Go there directly.
    while (in.op != Opcode::JMP && in.b < code.size() && isBranch(code[in.b].op) && code[in.b].a == in.a) {
      const Instr& next = code[in.b];
      in.b = static_cast<uint16_t>(finalTarget(next.op == in.op ? next.b : in.b + 1u));
    }
    if (in.op == Opcode::JMP && in.b < code.size() &&
        (code[in.b].op == Opcode::PASS || code[in.b].op == Opcode::SKIP || code[in.b].op == Opcode::RETBOOLK)) {
      in = code[in.b];
    }
  }
}

// The test-and-branch form of a test (JLEI for LEI), or NOP when it has none. The form keeps the
// test's operands b and c, takes the sense in a and the target in d.
Opcode branchFormOf(Opcode test) {
  switch (test) {
    case Opcode::ISPRESENT: return Opcode::JPRESENT;
    case Opcode::ISGOVERNED: return Opcode::JGOVERNED;
    case Opcode::EQSK: return Opcode::JEQSK;
    case Opcode::INSET: return Opcode::JINSET;
    case Opcode::CONTAINSK: return Opcode::JCONTAINSK;
    case Opcode::LTI: return Opcode::JLTI;
    case Opcode::LEI: return Opcode::JLEI;
    case Opcode::LED: return Opcode::JLED;
    default: return Opcode::NOP;
  }
}

// The registers the instruction at pc reads, and those it writes on every path out of it
// (bytecode/instr_info.h). Over-approximating reads and under-approximating writes only keeps
// more registers live.
void effectOf(const std::vector<Instr>& code, size_t pc, Registers& reads, Registers& writes) {
  reads.reset();
  writes.reset();
  forEachRead(code, pc, [&](uint32_t r) { reads.set(r); });
  if (alwaysWritesA(code[pc].op)) writes.set(code[pc].a);
}

// Registers live on entry to each instruction.
std::vector<Registers> liveIn(const std::vector<Instr>& code) {
  std::vector<Registers> in(code.size());
  Registers reads, writes;
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t pc = code.size(); pc-- > 0;) {
      Registers out;
      uint32_t next[2];
      const int n = successorsOf(code, pc, next);
      for (int i = 0; i < n; ++i) {
        if (next[i] < code.size()) out |= in[next[i]];
      }
      effectOf(code, pc, reads, writes);
      if (opcodeInfo(code[pc].op).flow == Flow::kIterate && next[0] < code.size()) {
        // The element register is written on the way into the body, not on the way out.
        Registers body = in[next[0]];
        body.reset(code[pc].b);
        out = body;
        if (next[1] < code.size()) out |= in[next[1]];
      }
      const Registers live = reads | (out & ~writes);
      if (live != in[pc]) {
        in[pc] = live;
        changed = true;
      }
    }
  }
  return in;
}

// Instructions some jump lands on (falling through to the next one does not count).
std::vector<bool> jumpTargets(const std::vector<Instr>& code) {
  std::vector<bool> target(code.size() + 1, false);
  for (size_t pc = 0; pc < code.size(); pc = nextInstruction(code, pc)) {
    uint32_t next[2];
    const int n = successorsOf(code, pc, next);
    for (int i = 0; i < n; ++i) {
      if (next[i] != pc + 1 && next[i] <= code.size()) target[next[i]] = true;
    }
  }
  return target;
}

// Registers the instruction at pc may write on some path (effectOf's writes are the sure ones).
Registers mayWrite(const std::vector<Instr>& code, size_t pc) {
  Registers w;
  forEachWrite(code[pc], [&](uint32_t r) { w.set(r); });
  return w;
}

// Moves each FIELD t down to just before the first instruction that reads t, over straight-line
// code that neither writes t nor the record register, so that a test of the field comes right
// after it (`a.from <= dos and dos <= a.through` loads both fields first). Nothing between may
// be a jump target, and t must be dead wherever a branch passed over goes: on those paths the
// FIELD no longer runs. FIELD cannot fail, so moving it changes no error. A FIELD does not move
// over FIELDs alone: two fields read by one comparison would otherwise trade places forever.
void sinkFields(Chunk& chunk) {
  std::vector<Instr>& code = chunk.code;
  const bool hasPositions = chunk.positions.size() == code.size();
  const std::vector<bool> target = jumpTargets(code);  // indices do not move past a target
  std::vector<Registers> live = liveIn(code);
  Registers reads, writes;
  // A moved FIELD has only FIELDs between it and its reader from then on, so it moves once; the
  // bound is a safety net.
  const size_t kMaxMoves = code.size();
  size_t moves = 0;
  for (size_t pc = 0; pc < code.size(); ++pc) {
    const Instr f = code[pc];
    if (f.op != Opcode::FIELD) continue;
    size_t use = pc + 1;
    bool found = false;
    bool overOthers = false;  // passes an instruction that is not a FIELD
    for (; use < code.size() && !target[use]; ++use) {
      const Instr& ins = code[use];
      effectOf(code, use, reads, writes);
      if (reads.test(f.a)) {
        found = true;
        break;
      }
      const Registers written = mayWrite(code, use);
      if (written.test(f.a) || written.test(f.b)) break;
      overOthers = overOthers || ins.op != Opcode::FIELD;
      if (isTwoWord(ins.op) || ins.op == Opcode::JMPIF || ins.op == Opcode::JMPIFNOT) {
        if (ins.b >= code.size() || live[ins.b].test(f.a)) break;
        if (isTwoWord(ins.op)) ++use;  // over the extension word
        continue;
      }
      uint32_t next[2];
      if (successorsOf(code, use, next) != 1 || next[0] != use + 1) break;  // loops, jumps, ends
    }
    if (!found || !overOthers || target[use] || moves == kMaxMoves) continue;
    ++moves;
    std::rotate(code.begin() + pc, code.begin() + pc + 1, code.begin() + use);
    if (hasPositions) {
      std::rotate(chunk.positions.begin() + pc, chunk.positions.begin() + pc + 1, chunk.positions.begin() + use);
    }
    live = liveIn(code);
    --pc;  // look again at what moved into pc
  }
}

// Registers live after the instruction at pc: on entry to any of its successors.
Registers liveAfter(const std::vector<Instr>& code, const std::vector<Registers>& live, size_t pc) {
  Registers after;
  uint32_t next[2];
  const int n = successorsOf(code, pc, next);
  for (int i = 0; i < n; ++i) {
    if (next[i] < code.size()) after |= live[next[i]];
  }
  return after;
}

// The loop-starting form of a read of a list (ITERFIELD for FIELD), or NOP when it has none.
Opcode iterFormOf(Opcode read) {
  switch (read) {
    case Opcode::FIELD: return Opcode::ITERFIELD;
    case Opcode::ROOTFIELD: return Opcode::ITERROOTFIELD;
    default: return Opcode::NOP;
  }
}

// The two words FIELD t + test r + branch on r become, or nothing (op NOP) when the test is not
// one a field test expresses on t.
struct Fused {
  Instr ins;
  Instr ext;
};

Fused fuse(const Instr& field, const Instr& test, const Instr& branch) {
  Fused f;
  f.ins.op = Opcode::NOP;
  const uint8_t t = field.a;
  uint8_t sense = branch.op == Opcode::JMPIF ? 1 : 0;
  Opcode op = Opcode::NOP;
  uint16_t operand = 0;
  uint16_t kind = 0;
  switch (test.op) {
    case Opcode::EQSK:
      if (test.b == t) op = Opcode::JFEQSK, operand = test.c;
      break;
    case Opcode::INSET:
      if (test.b == t) op = Opcode::JFINSET, operand = test.c;
      break;
    case Opcode::ISPRESENT:
      if (test.b == t) op = Opcode::JFPRESENT;
      break;
    case Opcode::CONTAINS:
      if (test.b == t && test.c != t) op = Opcode::JFCONTAINS, operand = test.c, kind = test.d;
      break;
    case Opcode::CONTAINSK:
      if (test.b == t) op = Opcode::JFCONTAINSK, operand = test.c;
      break;
    case Opcode::EQI:  // symmetric
      if (test.b == t && test.c != t) op = Opcode::JFEQI, operand = test.c;
      if (test.c == t && test.b != t) op = Opcode::JFEQI, operand = test.b;
      break;
    case Opcode::LTI:  // o < F is not (F <= o)
      if (test.b == t && test.c != t) op = Opcode::JFLTI, operand = test.c;
      if (test.c == t && test.b != t) op = Opcode::JFLEI, operand = test.b, sense ^= 1;
      break;
    case Opcode::LEI:  // o <= F is not (F < o)
      if (test.b == t && test.c != t) op = Opcode::JFLEI, operand = test.c;
      if (test.c == t && test.b != t) op = Opcode::JFLTI, operand = test.b, sense ^= 1;
      break;
    default: break;
  }
  if (op == Opcode::NOP) return f;
  f.ins.op = op;
  f.ins.a = field.b;  // the record
  f.ins.b = branch.b;
  f.ins.c = field.c;  // slot
  f.ins.d = field.d;  // record type
  f.ext.op = Opcode::EXT;
  f.ext.a = sense;
  f.ext.b = operand;
  f.ext.c = kind;
  return f;
}

// FIELD of a register that only LINE writes (the chunk's own line) becomes LINEFIELD, which reads
// the line without the register. Indices do not move.
void readLineFields(Chunk& chunk) {
  std::vector<Instr>& code = chunk.code;
  Registers line, other;  // registers LINE writes; registers anything else may write
  for (size_t pc = 0; pc < code.size(); pc = nextInstruction(code, pc)) {
    if (code[pc].op == Opcode::LINE) {
      line.set(code[pc].a);
    } else {
      other |= mayWrite(code, pc);
    }
  }
  for (size_t pc = 0; pc < code.size(); pc = nextInstruction(code, pc)) {
    Instr& ins = code[pc];
    if (ins.op == Opcode::FIELD && ins.b < kMaxRegisters && line.test(ins.b) && !other.test(ins.b)) {
      ins.op = Opcode::LINEFIELD;
      ins.b = 0;
    }
  }
}

// A register one instruction writes and nothing else: that instruction's pc, else -1.
std::vector<int> soleWriters(const std::vector<Instr>& code) {
  std::vector<int> writer(kMaxRegisters, -1);
  std::vector<bool> many(kMaxRegisters, false);
  for (size_t pc = 0; pc < code.size(); pc = nextInstruction(code, pc)) {
    const Registers w = mayWrite(code, pc);
    for (size_t r = 0; r < kMaxRegisters; ++r) {
      if (!w.test(r)) continue;
      many[r] = many[r] || writer[r] != -1;
      writer[r] = static_cast<int>(pc);
    }
  }
  for (size_t r = 0; r < kMaxRegisters; ++r) {
    if (many[r]) writer[r] = -1;
  }
  return writer;
}

// Makes a NOP of each load `isLoad` accepts (LOADK, field reads) whose register nothing reads
// afterwards; a load cannot fail, so no error is lost, and fuseTriples drops the NOPs. True when
// one went.
template <class IsLoad>
bool dropUnreadLoads(std::vector<Instr>& code, IsLoad isLoad) {
  const std::vector<Registers> live = liveIn(code);
  bool dropped = false;
  for (size_t pc = 0; pc < code.size(); pc = nextInstruction(code, pc)) {
    if (isLoad(code[pc].op) && !liveAfter(code, live, pc).test(code[pc].a)) {
      code[pc] = Instr{};  // NOP
      dropped = true;
    }
  }
  return dropped;
}

// Codegen reads a list once for all the loops over it (`C-UNITS` sums the lines' units twice),
// and a loop inside a loop reads its list before the outer one. An ITERINIT of a list that only
// a ROOTFIELD writes, or only a FIELD of a record register that only ROOT, LINE, ROOTFIELD or
// LINEFIELD writes, starts from the field itself: the register holds that field wherever the
// ITERINIT runs (the verifier proves it written on every path there, by that one instruction,
// and facts do not change during a decision). A field read whose register nothing reads then
// becomes a NOP, which fuseTriples drops; a field read cannot fail, so no error is lost.
void startLoopsFromFields(Chunk& chunk) {
  std::vector<Instr>& code = chunk.code;
  const std::vector<int> writer = soleWriters(code);
  auto isConstantRecord = [&](uint32_t r) {
    if (r >= kMaxRegisters || writer[r] < 0) return false;
    const Opcode op = code[static_cast<size_t>(writer[r])].op;
    return op == Opcode::ROOT || op == Opcode::LINE || op == Opcode::ROOTFIELD || op == Opcode::LINEFIELD;
  };
  bool started = false;
  for (size_t pc = 0; pc < code.size(); pc = nextInstruction(code, pc)) {
    Instr& ins = code[pc];
    if (ins.op != Opcode::ITERINIT || ins.b >= kMaxRegisters || writer[ins.b] < 0) continue;
    const Instr read = code[static_cast<size_t>(writer[ins.b])];
    if (read.op == Opcode::ROOTFIELD || (read.op == Opcode::FIELD && isConstantRecord(read.b))) {
      const uint8_t iterator = ins.a;
      ins = read;
      ins.op = iterFormOf(read.op);
      ins.a = iterator;
      started = true;
    }
  }
  if (!started) return;
  // Dropping one read may leave the read of its record dead too.
  auto isFieldRead = [](Opcode op) {
    return op == Opcode::FIELD || op == Opcode::ROOTFIELD || op == Opcode::LINEFIELD;
  };
  while (dropUnreadLoads(code, isFieldRead)) {
  }
}

// A LOADK t, K[k] read only as V operands (comparisons, arithmetic, a field test's compared
// value: `dos >= 2020-01-01`, `units <= 60`, `dos - 18 days`) in the straight-line code after it:
// those operands name K[k] itself, and the LOADK, dead then, becomes a NOP (fuseTriples drops
// it). Within that code t holds K[k] on every path, since no jump lands there and nothing
// writes t. True when some LOADK went.
bool nameConstantOperands(Chunk& chunk) {
  std::vector<Instr>& code = chunk.code;
  const std::vector<bool> target = jumpTargets(code);
  Registers reads, writes;
  bool renamed = false;
  for (size_t pc = 0; pc < code.size(); pc = nextInstruction(code, pc)) {
    if (code[pc].op != Opcode::LOADK || code[pc].b >= kMaxConstantOperands) continue;
    const uint8_t t = code[pc].a;
    const auto named = static_cast<uint16_t>(kConstantOperandBase + code[pc].b);
    for (size_t use = pc + 1; use < code.size() && !target[use]; ++use) {
      Instr& ins = code[use];
      const bool twoWord = isTwoWord(ins.op);
      if (twoWord) {
        Instr& x = code[use + 1];
        if (extensionOperandKinds(ins.op)[1] == 'V' && x.b == t) x.b = named, renamed = true;
      } else {
        const char* kinds = operandKinds(ins.op);
        uint16_t* operands[3] = {&ins.b, &ins.c, &ins.d};
        for (int i = 0; i < 3; ++i) {
          if (kinds[i + 1] == 'V' && *operands[i] == t) *operands[i] = named, renamed = true;
        }
      }
      effectOf(code, use, reads, writes);
      if (reads.test(t) || mayWrite(code, use).test(t)) break;  // read otherwise, or no longer K[k]
      uint32_t next[2];
      const int n = successorsOf(code, use, next);
      if (n == 0 || next[0] != use + (twoWord ? 2 : 1)) break;  // ends, jumps and loops
      if (twoWord) ++use;
    }
  }
  if (!renamed) return false;
  return dropUnreadLoads(code, [](Opcode op) { return op == Opcode::LOADK; });
}

// An ITERFIELD of a record register that only ROOTFIELDs of one field write, besides iterators
// (the ITERFIELD itself and the ITERNEXTs that advance it: `history` is often read into the
// register of the iterator over one of its lists), starts from the claim's field itself, as
// ITERROOTPATH: the register holds that record wherever the ITERFIELD runs (the verifier proves
// a record there on every path, and only those ROOTFIELDs write one). A ROOTFIELD nothing reads
// then becomes a NOP. True when one did.
bool startLoopsFromClaimRecords(Chunk& chunk) {
  std::vector<Instr>& code = chunk.code;
  std::vector<std::vector<size_t>> writers(kMaxRegisters);
  for (size_t pc = 0; pc < code.size(); pc = nextInstruction(code, pc)) {
    const Registers w = mayWrite(code, pc);
    for (size_t r = 0; r < kMaxRegisters; ++r) {
      if (w.test(r)) writers[r].push_back(pc);
    }
  }
  bool started = false;
  for (size_t pc = 0; pc < code.size(); pc = nextInstruction(code, pc)) {
    Instr& ins = code[pc];
    if (ins.op != Opcode::ITERFIELD || ins.b >= kMaxRegisters) continue;
    const Instr* read = nullptr;
    bool fromClaim = true;
    const uint16_t record = ins.b;
    for (const size_t w : writers[record]) {
      const Instr& other = code[w];
      const bool advances = opcodeInfo(other.op).flow == Flow::kIterate && other.a == record && other.b != record;
      if (w == pc || advances) continue;
      fromClaim = fromClaim && other.op == Opcode::ROOTFIELD && (!read || (other.c == read->c && other.d == read->d));
      read = &other;
    }
    if (!fromClaim || !read) continue;
    const uint16_t slot = read->c;
    ins.op = Opcode::ITERROOTPATH;
    ins.b = slot;
    started = true;
  }
  if (!started) return false;
  dropUnreadLoads(code, [](Opcode op) { return op == Opcode::ROOTFIELD; });
  return true;
}

void fuseTriples(Chunk& chunk) {
  if (chunk.code.size() < 3) return;
  sinkFields(chunk);
  const std::vector<Instr>& code = chunk.code;
  const std::vector<bool> target = jumpTargets(code);
  const std::vector<Registers> live = liveIn(code);

  std::vector<Instr> out;
  std::vector<SourcePos> positions;
  std::vector<uint32_t> newIndex(code.size() + 1, 0);
  const bool hasPositions = chunk.positions.size() == code.size();
  auto put = [&](const Instr& ins, size_t from) {
    out.push_back(ins);
    if (hasPositions) positions.push_back(chunk.positions[from]);
  };
  for (size_t pc = 0; pc < code.size();) {
    newIndex[pc] = static_cast<uint32_t>(out.size());
    if (code[pc].op == Opcode::NOP) {  // a dropped read (codegen emits no NOP): jumps go on
      ++pc;
      continue;
    }
    if (code[pc].op == Opcode::FIELD && pc + 2 < code.size() && !target[pc + 1] && !target[pc + 2] &&
        isBranch(code[pc + 2].op) && code[pc + 2].a == code[pc + 1].a) {
      const Fused f = fuse(code[pc], code[pc + 1], code[pc + 2]);
      const Registers after = liveAfter(code, live, pc + 2);
      if (f.ins.op != Opcode::NOP && !after.test(code[pc].a) && !after.test(code[pc + 1].a)) {
        put(f.ins, pc + 1);  // the test's position: the condition the source wrote
        put(f.ext, pc + 1);
        newIndex[pc + 1] = newIndex[pc + 2] = static_cast<uint32_t>(out.size() - 1);
        pc += 3;
        continue;
      }
    }
    // A list field read into t + ITERINIT on t, where t is not read afterwards (or is the
    // iterator itself): the loop starts from the field. The read's operands stay; a becomes
    // the iterator.
    const Opcode iterForm = iterFormOf(code[pc].op);
    if (iterForm != Opcode::NOP && pc + 1 < code.size() && !target[pc + 1] && code[pc + 1].op == Opcode::ITERINIT &&
        code[pc + 1].b == code[pc].a &&
        (code[pc + 1].a == code[pc].a || !liveAfter(code, live, pc + 1).test(code[pc].a))) {
      Instr start = code[pc];
      start.op = iterForm;
      start.a = code[pc + 1].a;
      put(start, pc + 1);  // the loop's position: the quantifier the source wrote
      newIndex[pc + 1] = static_cast<uint32_t>(out.size() - 1);
      pc += 2;
      continue;
    }
    // A test + branch on its register, which nothing reads afterwards: the test-and-branch form.
    const Opcode branchForm = branchFormOf(code[pc].op);
    if (branchForm != Opcode::NOP && pc + 1 < code.size() && !target[pc + 1] && isBranch(code[pc + 1].op) &&
        code[pc + 1].a == code[pc].a) {
      if (!liveAfter(code, live, pc + 1).test(code[pc].a)) {
        Instr j;
        j.op = branchForm;
        j.a = code[pc + 1].op == Opcode::JMPIF ? 1 : 0;
        j.b = code[pc].b;
        j.c = code[pc].c;
        j.d = code[pc + 1].b;
        put(j, pc);
        newIndex[pc + 1] = static_cast<uint32_t>(out.size() - 1);
        pc += 2;
        continue;
      }
    }
    if (isTwoWord(code[pc].op)) {  // already fused (a second run): keep the pair
      put(code[pc], pc);
      newIndex[pc + 1] = static_cast<uint32_t>(out.size());
      put(code[pc + 1], pc + 1);
      pc += 2;
      continue;
    }
    put(code[pc], pc);
    ++pc;
  }
  newIndex[code.size()] = static_cast<uint32_t>(out.size());
  if (out.size() == code.size()) return;

  for (size_t pc = 0; pc < out.size(); pc += wordsOf(out[pc].op)) {  // an extension word holds no jump
    if (uint16_t* target = jumpOperand(out[pc])) *target = static_cast<uint16_t>(newIndex[*target]);
  }
  chunk.code = std::move(out);
  if (hasPositions) chunk.positions = std::move(positions);
}

}  // namespace

void optimizeChunk(Chunk& chunk) {
  threadJumps(chunk.code);
  startLoopsFromFields(chunk);
  fuseTriples(chunk);
  const bool startedFromRecords = startLoopsFromClaimRecords(chunk);
  if (nameConstantOperands(chunk) || startedFromRecords) fuseTriples(chunk);  // drops the NOPs
  readLineFields(chunk);
}

}  // namespace ppl
