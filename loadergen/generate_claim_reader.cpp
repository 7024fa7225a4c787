// Writes the claim loader's generated reader for the built-in claim schema (stdlib/claim.ppl):
// one function per record type that reads a compact object whose fields come in schema order,
// each expected key compared against its own constant bytes and each value read by the
// operation its field needs, without the plan-driven reader's table lookups and dispatch.
//
// The output is C++ that vm/claim_loader.cpp includes inside ClaimLoader::Impl. It starts with
// a table of what the functions assume of every field (kGeneratedFields); the loader compares
// the table with the plans it builds from the schema it is given and uses the functions only
// when they agree, so a program compiled against another schema loads through the plan-driven
// path. Usage: ppl_claim_reader_gen OUTPUT
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "compiler/compiler.h"
#include "runtime/schema.h"
#include "vm/claim_loader.h"

namespace {

using namespace ppl;

// The mirror of ClaimLoader::Impl::opFor and planFor (the loader checks that each entry agrees
// with its own plan); fixedFormatLength is the schema's, the limits and name checks the loader's.

std::string opFor(const Schema& schema, const SchemaField& f, ValueKind kind) {
  switch (kind) {
    case ValueKind::kRecord: return "kRecord";
    case ValueKind::kList: return "kList";
    case ValueKind::kBool: return "kBool";
    case ValueKind::kInt: return "kInt";
    case ValueKind::kDecimal: return "kDecimal";
    case ValueKind::kDate: return "kDate";
    default: break;
  }
  if (f.type.enumIndex >= 0) {
    if (f.type.format != StringFormat::kAny) return "kString";
    for (const std::string& name : schema.enums[f.type.enumIndex]) {
      if (!ClaimLoader::isRawEnumName(name)) return "kString";
    }
    return "kEnum";
  }
  if (f.type.format == StringFormat::kHcpcs) return "kHcpcs";
  if (fixedFormatLength(f.type.format) > 0) return "kFixed";
  return f.type.format == StringFormat::kAny ? "kAnyText" : "kText";
}

bool holdsLists(const Schema& schema, uint32_t record) {
  for (const SchemaField& f : schema.records[record].fields) {
    if (f.type.kind == ValueKind::kList) return true;
    if (f.type.kind == ValueKind::kRecord && holdsLists(schema, f.type.record)) return true;
  }
  return false;
}

// A C++ string literal of `s` (printable ASCII without quote or backslash, and a quote).
std::string literal(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

struct Generator {
  const Schema& schema;
  std::ostringstream out;
  std::vector<std::vector<size_t>> fieldEntry;  // by record and field: its index in kGeneratedFields
  std::vector<size_t> enumBegin;                // by enumeration: its first name in kGeneratedEnumNames

  // What the reader does not take: records over the fast path's fields, names it cannot compare
  // raw or whose key's literal does not fit, a schema that nests itself or deeper than the
  // loader follows.
  bool supported() const {
    std::function<bool(uint32_t, int)> depthOk = [&](uint32_t record, int depth) {
      if (depth > ClaimLoader::kMaxDepth / 2) return false;  // a list of records takes two levels
      for (const SchemaField& f : schema.records[record].fields) {
        const bool child = f.type.kind == ValueKind::kRecord ||
                           (f.type.kind == ValueKind::kList && f.type.elemKind == ValueKind::kRecord);
        if (child && !depthOk(f.type.record, depth + 1)) return false;
      }
      return true;
    };
    for (const SchemaRecord& rec : schema.records) {
      if (rec.fields.size() > ClaimLoader::kMaxFastFields) return false;
      for (const SchemaField& f : rec.fields) {
        // The key's literal and its NUL fill at most the kRawNameBytes of GeneratedField::key.
        if (ClaimLoader::rawKeyLength(f.name) >= ClaimLoader::kRawNameBytes || !ClaimLoader::isPlainName(f.name)) {
          return false;
        }
      }
    }
    return depthOk(schema.root, 0);
  }

  void table() {
    out << "// What the readers below assume of each field: its record and index, its key (`,\"name\":`)\n"
           "// and length, slot, operations, minimum check, format, and how it may be absent.\n"
           "static constexpr GeneratedField kGeneratedFields[] = {\n";
    size_t entry = 0;
    for (size_t r = 0; r < schema.records.size(); ++r) {
      const SchemaRecord& rec = schema.records[r];
      fieldEntry.emplace_back();
      out << "    // record " << rec.name << "\n";
      for (size_t k = 0; k < rec.fields.size(); ++k) {
        const SchemaField& f = rec.fields[k];
        fieldEntry.back().push_back(entry++);
        std::string minCheck = "kNoMin";
        int64_t lowestInt = INT64_MIN;
        if (f.hasMin) {
          int64_t minInt = 0;
          if (f.min.isZero()) {
            minCheck = "kSign";
          } else if (f.min.isInteger() && f.min.toInt64(minInt) && !(f.minExclusive && minInt == INT64_MAX)) {
            minCheck = "kInt";
          } else {
            minCheck = "kDecimal";
          }
          if (minCheck != "kDecimal") lowestInt = f.minExclusive ? minInt + 1 : minInt;
        }
        const bool hasChild = f.type.kind == ValueKind::kRecord ||
                              (f.type.kind == ValueKind::kList && f.type.elemKind == ValueKind::kRecord);
        const bool leafList = f.type.kind == ValueKind::kList &&
                              (f.type.elemKind != ValueKind::kRecord || !holdsLists(schema, f.type.record));
        const std::string elemOp = f.type.kind == ValueKind::kList ? opFor(schema, f, f.type.elemKind) : "kRecord";
        const int notBeforeSlot = f.notBefore >= 0 ? static_cast<int>(rec.fields[f.notBefore].slot) : -1;
        const bool isEnum = f.type.enumIndex >= 0;
        const SchemaField* key = f.uniqueBy >= 0 ? &schema.records[f.type.record].fields[f.uniqueBy] : nullptr;
        const bool pairwise = key && (key->type.kind == ValueKind::kInt || key->type.kind == ValueKind::kDate ||
                                      key->type.kind == ValueKind::kBool);
        out << "    {" << r << ", " << k << ", " << literal(",\"" + f.name + "\":") << ", " << ClaimLoader::rawKeyLength(f.name) << ", "
            << f.slot << ", FastOp::" << opFor(schema, f, f.type.kind) << ", FastOp::" << elemOp
            << ", MinCheck::" << minCheck << ", ";
        if (lowestInt == INT64_MIN) {
          out << "INT64_MIN";
        } else {
          out << lowestInt;
        }
        out << ", StringFormat(" << static_cast<int>(f.type.format) << "), " << (f.nonEmpty ? "true" : "false") << ", "
            << fixedFormatLength(f.type.format) << ", " << (leafList ? "true" : "false") << ", "
            << (f.optional ? "true" : "false") << ", " << (f.hasDefault ? "true" : "false") << ", "
            << (hasChild ? static_cast<int>(f.type.record) : -1) << ", " << notBeforeSlot << ", "
            << (key ? "true" : "false") << ", " << (key ? static_cast<int>(key->slot) : -1) << ", "
            << (pairwise ? "true" : "false") << ", " << (isEnum ? f.type.enumIndex : -1) << ", "
            << (isEnum ? enumBegin[f.type.enumIndex] : 0) << ", "
            << (isEnum ? schema.enums[f.type.enumIndex].size() : 0) << "},  // " << f.name << "\n";
      }
    }
    out << "};\n\n";
    out << "// Each record's slot count, by record index.\n"
           "static constexpr uint32_t kGeneratedSlotCounts[] = {";
    for (size_t r = 0; r < schema.records.size(); ++r) out << (r ? ", " : "") << schema.records[r].slotCount();
    out << "};\nstatic constexpr uint32_t kGeneratedRoot = " << schema.root << ";\n\n";
  }

  // Every enumeration's names with their closing quotes, as QuotedName compares them.
  void enumNames() {
    out << "// The enumerations' names, each with its closing quote (QuotedName), by enumeration.\n"
           "static constexpr QuotedName kGeneratedEnumNames[] = {\n";
    size_t at = 0;
    for (const std::vector<std::string>& names : schema.enums) {
      enumBegin.push_back(at);
      for (const std::string& name : names) {
        ++at;
        // A kString's; or one whose literal with its quote leaves no room for the NUL in
        // QuotedName::text: not generated, and then the table does not fit.
        if (!ClaimLoader::isRawEnumName(name) || name.size() + 1 >= ClaimLoader::kRawNameBytes) {
          out << "    {{}, {0xFFFF, 0xFFFF}, 0, false},\n";
          continue;
        }
        uint32_t ignore[2] = {0xFFFF, 0xFFFF};
        for (size_t i = 0; i <= name.size(); ++i) ignore[i / 16] &= ~(uint32_t{1} << (i % 16));
        out << "    {" << literal(name + "\"") << ", {" << ignore[0] << ", " << ignore[1] << "}, " << name.size() << ", "
            << (name.size() + 1 > 16 ? "true" : "false") << "},\n";
      }
    }
    if (at == 0) out << "    {{}, {0xFFFF, 0xFFFF}, 0, false},\n";  // no empty array
    out << "};\n\n";
  }

  void record(size_t r) {
    const SchemaRecord& rec = schema.records[r];
    const bool root = r == schema.root;
    bool defaulted = false;
    for (const SchemaField& f : rec.fields) defaulted = defaulted || f.hasDefault;
    out << "// record " << rec.name << ": `p` after its opening brace, `rec` its slots (from `base`); the position after\n"
        << "// its closing brace, or null.\n"
        << "PPL_ALWAYS_INLINE const char* generatedRead(GeneratedRecord<" << r
        << ">, const char* p, uint32_t base, Value* rec, int depth" << (root ? ", uint64_t& seen" : "") << ") {\n"
        << "  uint32_t lead = 1;  // no key met yet: the byte before the next key is the brace, not a comma\n"
        << "  static_cast<void>(base);\n"
        << "  static_cast<void>(depth);\n";
    if (defaulted) out << "  uint64_t missing = 0;  // absent fields with a default, written when the object closes\n";
    // The fields met, kept in a register and given to `seen` (the caller's) at the end: each
    // `seen |=` through the reference was a load and a store, since slot stores may alias it.
    if (root) out << "  uint64_t met = 0;\n";
    out << "  --p;\n";
    for (size_t k = 0; k < rec.fields.size(); ++k) {
      const SchemaField& f = rec.fields[k];
      const size_t e = fieldEntry[r][k];
      out << "  if (generatedKeyIs<" << e << ">(p, lead)) {  // " << f.name << "\n";
      if (f.type.kind == ValueKind::kRecord) {
        out << "    p = generatedRecord<" << e << ">(p, rec, base, depth);\n";
      } else if (f.type.kind == ValueKind::kList) {
        out << "    p = generatedList<" << e << ">(p, rec, base, depth);\n";
      } else {
        out << "    p = generatedScalar<" << e << ">(p, rec);\n";
      }
      out << "    if (!p) return nullptr;\n"
          << "    lead = 0;\n";
      if (root) out << "    met |= uint64_t{1} << " << k << ";\n";
      out << "  } else {\n";
      if (f.hasDefault) {
        out << "    missing |= uint64_t{1} << " << k << ";\n";
      } else if (f.optional) {
        out << "    setNone(rec[" << f.slot << "]);\n";
      } else {
        out << "    return nullptr;  // required\n";
      }
      out << "  }\n";
    }
    out << "  p += lead;\n"
        << "  if (*p != '}') return nullptr;  // a key out of order, unknown, repeated, or spaced\n";
    if (defaulted) {  // in field order, as fastFinish writes them (a record's default is laid out here)
      out << "  if (missing) {\n";
      for (size_t k = 0; k < rec.fields.size(); ++k) {
        if (!rec.fields[k].hasDefault) continue;
        out << "    if ((missing & uint64_t{1} << " << k << ") && !generatedDefault<" << fieldEntry[r][k]
            << ">(rec, base, depth)) return nullptr;\n";
      }
      out << "  }\n";
    }
    for (const SchemaField& f : rec.fields) {
      if (f.notBefore < 0) continue;
      const SchemaField& other = rec.fields[f.notBefore];
      const auto mayBeAbsent = [](const SchemaField& date) {
        return date.optional || date.hasDefault ? "true" : "false";
      };
      out << "  if (before<" << mayBeAbsent(f) << ", " << mayBeAbsent(other) << ">(rec[" << f.slot << "], rec["
          << other.slot << "])) return nullptr;  // " << f.name << " not before " << other.name << "\n";
    }
    if (root) out << "  seen = met;\n";
    out << "  return p + 1;\n}\n\n";
  }

  std::string run() {
    out << "// Generated by loadergen/generate_claim_reader.cpp from stdlib/claim.ppl: do not edit.\n"
           "// Members of ClaimLoader::Impl (vm/claim_loader.cpp), included inside it.\n\n";
    if (!supported()) {
      out << "static constexpr bool kGeneratedReader = false;\n"
             "static constexpr GeneratedField kGeneratedFields[] = {{}};\n"
             "static constexpr QuotedName kGeneratedEnumNames[] = {{}};\n"
             "static constexpr uint32_t kGeneratedSlotCounts[] = {0};\n"
             "static constexpr uint32_t kGeneratedRoot = 0;\n"
             "const char* generatedRoot(const char*, uint32_t, uint64_t&) { return nullptr; }\n";
      return out.str();
    }
    out << "static constexpr bool kGeneratedReader = true;\n\n";
    enumNames();
    table();
    // Children before parents: each function calls those of its fields' records.
    std::vector<bool> done(schema.records.size());
    std::function<void(uint32_t)> emit = [&](uint32_t r) {
      if (done[r]) return;
      done[r] = true;
      for (const SchemaField& f : schema.records[r].fields) {
        const bool child = f.type.kind == ValueKind::kRecord ||
                           (f.type.kind == ValueKind::kList && f.type.elemKind == ValueKind::kRecord);
        if (child) emit(f.type.record);
      }
      record(r);
    };
    emit(schema.root);
    out << "// The root: `p` after the claim's opening brace.\n"
        << "PPL_NOINLINE const char* generatedRoot(const char* p, uint32_t base, uint64_t& seen) {\n"
        << "  return generatedRead(GeneratedRecord<" << schema.root << ">(), p, base, slotsData + base, 0, seen);\n}\n";
    return out.str();
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: ppl_claim_reader_gen OUTPUT\n");
    return 2;
  }
  Schema schema;
  Diagnostics diags;
  SourceManager sources;
  if (!builtinSchema(schema, diags, sources)) {
    std::fprintf(stderr, "%s", renderDiagnostics(diags, sources).c_str());
    return 1;
  }
  Generator gen{schema, {}, {}, {}};
  const std::string text = gen.run();
  std::ofstream file(argv[1], std::ios::binary);
  file << text;
  if (!file.flush()) {
    std::fprintf(stderr, "ppl_claim_reader_gen: cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}
