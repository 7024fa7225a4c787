// The .pplb file: a compiled policy pack as bytes, for `pplc build` to write and the VM library
// to load. This comment is the format's documentation.
//
// Header (20 bytes):
//   offset  size  field
//        0     4  magic "PPLB"
//        4     2  format version (u16); this reader supports kMinFormatVersion..kMaxFormatVersion
//        6     2  flags (u16), none defined: must be 0
//        8     4  payload length in bytes (u32): exactly the bytes after the header
//       12     8  checksum (u64): FNV-1a 64 of the payload (any one changed byte changes it:
//                 see pplbChecksum)
//       20        payload
//
// Every integer is little-endian and fixed-width (u8, u16, i16, u32, i32, u64, i64), written and
// read one byte at a time, so the file means the same on every host and a reader never loads an
// unaligned word. Composite values in the payload:
//   str        u32 byte length, then the bytes (UTF-8, no terminator)
//   bool       u8: 0 or 1
//   decimal    str: the canonical text of Decimal::format ("82.5", "-3.25", "0")
//   list of X  u32 count, then the X's
//   pos        u32 file, u32 line, u32 col
//   message    list of piece {str text, i16 arg, u8 kind, u8 elemKind}, u8 argCount
//
// The payload, in Program's order (the derived fields layout, constantValues, setValues and
// functionIds are not stored: link() recomputes them):
//   schema     str name, str version, u32 root,
//              list of record {str name, list of field}, list of enum (list of str)
//     field    str name, u8 kind, u8 elemKind, u32 record, i32 enumIndex, u8 format, u32 slot,
//              bool optional, bool hasDefault, [default], bool nonEmpty, bool hasMin,
//              bool minExclusive, decimal min, i32 notBefore, i32 uniqueBy
//     default  present only when hasDefault, by the field's kind: i64 for bool, integer, date,
//              duration and group; decimal; str (only "": a Value cannot own text and the
//              Schema has no string pool yet); nothing for lists and records ([] and {})
//   files      list of str
//   strings    list of str
//   constants  list of {u8 kind, then by kind: i64 | decimal | u32 string index}
//   sets       list of (list of u32 string index)
//   functions  list of str (builtin names)
//   chunks     list of {str name, u16 registerCount, list of instr, list of pos}
//     instr    u8 op, u8 a, u16 b, u16 c, u16 d (8 bytes)
//   policies   list of {str id, str version, str title, list of str linesOfBusiness,
//              i32 effectiveFrom, i32 effectiveThrough, u32 governedChunk,
//              list of phased class {str name, u32 chunk, u32 phase > 0}, list of rule}
//     rule        str id, str title, u32 chunk, list of outcome, list of adjustment, pos
//     outcome     u8 action, bool groupComputed, u8 group, str carc, list of str rarcs, message, pos
//     adjustment  u8 group, str carc, decimal percent, message, pos
//
// Version history (bump kFormatVersion on any change to the layout above or to the meaning of an
// opcode; keep reading old versions while that is cheap, and say so in kMinFormatVersion). The
// version that added each opcode is opcodes.def's version column: a file may use the opcodes of
// its version and earlier ones only.
//   1  the first format.
//   2  opcode ISGOVERNED appended (a line's governed test, computed once per claim by the VM,
//      instead of the governed predicate inlined wherever `l is governed` names another line).
//      Opcode EQSK appended (a string compared with a string constant: LOADK + EQS in one).
//      Opcode ROOTFIELD appended (a field of the claim record: ROOT + FIELD in one).
//      Version 1 files are still read: their opcodes mean what they meant.
//   3  two-word instructions (opcodes.def, OPCODE_EXTENSION): opcode EXT (an extension word) and
//      the field tests JFEQSK, JFINSET, JFEQI, JFLTI, JFLEI, JFPRESENT, JFCONTAINS appended (a
//      field of a record tested and branched on: FIELD + a test + JMPIF/JMPIFNOT in one). The
//      layout is unchanged: an extension word is stored as one more instr. Versions 1 and 2
//      are still read, without the opcodes added after them.
//   4  opcodes CONTAINSK and JFCONTAINSK appended (a list of strings searched for a string
//      constant, with and without the field read and the branch), and the tests that branch
//      without writing a register: JPRESENT, JGOVERNED, JEQSK, JINSET, JCONTAINSK, JLTI, JLEI,
//      JLED; and LINEFIELD (a field of the line being decided: LINE + FIELD in one). The layout
//      is unchanged; versions 1 to 3 are still read, without the opcodes added after them.
//   5  opcodes ITERNEXTG (a loop over the claim's governed lines: ITERNEXT + JGOVERNED in one),
//      ITERFIELD and ITERROOTFIELD (a loop started straight from a list field of a record or of
//      the claim: FIELD / ROOTFIELD + ITERINIT in one) appended. The layout is unchanged;
//      versions 1 to 4 are still read, without the opcodes added after them.
//   6  operand kind V (opcodes.def): the compared values of JFEQI, JFLTI, JFLEI and the operands
//      b and c of JLTI, JLEI, JLED and of the integer, date and decimal arithmetic and
//      comparisons (not the negations NEGI and NEGD, nor ITOD) may name one of the first 256
//      constants (operand 256 + k for K[k]), read
//      without a LOADK. Opcodes RETBOOLK (a predicate's return of a constant: LOADBOOL +
//      RETBOOL in one) and ITERROOTPATH (a loop over a list of a record of the claim:
//      ROOTFIELD + ITERFIELD in one) appended. The layout is unchanged; versions 1 to 5 are
//      still read, without those opcodes, and one whose operand names a constant is refused
//      (their verifier refused such operands as registers out of range).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bytecode/bytecode.h"

namespace ppl {

constexpr char kPplbMagic[4] = {'P', 'P', 'L', 'B'};
// True when `bytes` begin with the magic: a compiled pack, whatever its file is called.
inline bool startsWithPplbMagic(std::string_view bytes) {
  return bytes.substr(0, sizeof kPplbMagic) == std::string_view(kPplbMagic, sizeof kPplbMagic);
}
constexpr uint16_t kFormatVersion = 6;     // what writePplb writes
constexpr uint16_t kMinFormatVersion = 1;  // what readPplb reads
constexpr uint16_t kMaxFormatVersion = 6;
constexpr size_t kPplbHeaderSize = 20;

// Encodes `program` into `out` (replacing its contents). False when the program does not fit
// the format's 32-bit lengths; a compiled program always fits.
bool writePplb(const Program& program, std::string& out);

// Decodes a .pplb file into `out` (replaced). Nothing in `bytes` is trusted: every length is
// checked against the bytes that remain before anything is allocated and every enumeration is
// range-checked, so any input gives a Program or an error ("truncated at byte 812 while reading
// chunk 3 code"), never undefined behaviour. On success the caller must still call out.link()
// and verifyProgram() (bytecode/verifier.h) before running it.
bool readPplb(std::string_view bytes, Program& out, std::string& error);

// The header's version and checksum of a file readPplb accepted, for an embedder's audit log
// (the checksum names the pack's exact bytes, whatever its policies' versions say).
struct PplbHeader {
  uint16_t formatVersion = 0;
  uint64_t checksum = 0;
};
PplbHeader readPplbHeader(std::string_view bytes);  // bytes: at least kPplbHeaderSize of them

// FNV-1a 64 of `bytes`: the payload checksum (exposed for tests and tools).
uint64_t pplbChecksum(std::string_view bytes);

}  // namespace ppl
