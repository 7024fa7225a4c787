// Shared by the embedding tests: example claims, and claims replayed through the C builder API.
//
// A ClaimScript is a claim JSON document turned, once, into the sequence of builder calls that
// builds the same claim (fields resolved to handles by their dotted paths, in document order).
// Replaying it calls only the C API and allocates nothing itself, so the allocation test can
// measure the builder path; comparing its decisions with the JSON path's checks the builder.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ppl/ppl.h"

namespace ppl_test {

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct ExampleClaim {
  std::string name;      // file name without .json
  std::string json;      // the claim
  std::string expected;  // its .expected.json, without the final newline
};

// The example claims in `dir` (not their expectations), in name order.
inline std::vector<ExampleClaim> exampleClaims(const std::string& dir) {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string p = entry.path().string();
    if (p.size() > 5 && p.compare(p.size() - 5, 5, ".json") == 0 &&
        p.find(".expected.json") == std::string::npos) {
      paths.push_back(p);
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<ExampleClaim> claims;
  for (const std::string& p : paths) {
    ExampleClaim c;
    c.name = std::filesystem::path(p).stem().string();
    c.json = readFile(p);
    c.expected = readFile(p.substr(0, p.size() - 5) + ".expected.json");
    while (!c.expected.empty() && (c.expected.back() == '\n' || c.expected.back() == '\r')) c.expected.pop_back();
    claims.push_back(std::move(c));
  }
  return claims;
}

struct ScriptOp {
  enum Kind {
    kSetString, kSetInt, kSetBool, kSetDecimal, kSetDate,
    kSetRecord,  // pushes the child record
    kEndRecord,  // pops it (also ends an appended record)
    kListBegin, kAppendRecord, kAppendString, kAppendInt, kAppendBool, kAppendDecimal, kAppendDate, kListEnd,
  };
  explicit ScriptOp(Kind k = kSetString) : kind(k) {}
  Kind kind;
  ppl_field field = 0;
  std::string text;
  int64_t i = 0;
  int year = 0, month = 0, day = 0;
};

class ClaimScript {
 public:
  // Builds the script for `json` against `program`; false with `error` on a document this
  // converter does not handle (it handles the example claims).
  bool compile(const ppl_program* program, const std::string& json, std::string& error) {
    ops_.clear();
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded(json);
    simdjson::ondemand::document doc;
    if (parser.iterate(padded).get(doc)) return fail(error, "bad json");
    simdjson::ondemand::object obj;
    if (doc.get_object().get(obj)) return fail(error, "not an object");
    return object(program, obj, "", error);
  }

  // Replays the script: begins a claim, makes every call, and decides. Returns the status of the
  // first failing call (the builder's errors are sticky) or, with `checkEachCall` false (as an
  // engine that checks only ppl_claim_decide), of ppl_claim_decide.
  ppl_status run(ppl_evaluator* ev, const ppl_decision** decision, bool checkEachCall = true) const {
    ppl_record stack[64];
    int top = 0;
    ppl_status s = ppl_claim_begin(ev, &stack[0]);
    if (s != PPL_OK) return s;
    for (const ScriptOp& op : ops_) {
      const ppl_record r = stack[top];
      switch (op.kind) {
        case ScriptOp::kSetString: s = ppl_set_string(ev, r, op.field, op.text.data(), op.text.size()); break;
        case ScriptOp::kSetInt: s = ppl_set_int(ev, r, op.field, op.i); break;
        case ScriptOp::kSetBool: s = ppl_set_bool(ev, r, op.field, static_cast<int>(op.i)); break;
        case ScriptOp::kSetDecimal: s = ppl_set_decimal(ev, r, op.field, op.text.data(), op.text.size()); break;
        case ScriptOp::kSetDate: s = ppl_set_date(ev, r, op.field, op.year, op.month, op.day); break;
        case ScriptOp::kSetRecord: s = ppl_set_record(ev, r, op.field, &stack[++top]); break;
        case ScriptOp::kEndRecord: --top; break;
        case ScriptOp::kListBegin: s = ppl_list_begin(ev, r, op.field); break;
        case ScriptOp::kAppendRecord: s = ppl_list_append_record(ev, &stack[++top]); break;
        case ScriptOp::kAppendString: s = ppl_list_append_string(ev, op.text.data(), op.text.size()); break;
        case ScriptOp::kAppendInt: s = ppl_list_append_int(ev, op.i); break;
        case ScriptOp::kAppendBool: s = ppl_list_append_bool(ev, static_cast<int>(op.i)); break;
        case ScriptOp::kAppendDecimal: s = ppl_list_append_decimal(ev, op.text.data(), op.text.size()); break;
        case ScriptOp::kAppendDate: s = ppl_list_append_date(ev, op.year, op.month, op.day); break;
        case ScriptOp::kListEnd: s = ppl_list_end(ev); break;
      }
      if (s != PPL_OK && checkEachCall) return s;
    }
    return ppl_claim_decide(ev, decision);
  }

  const std::vector<ScriptOp>& ops() const { return ops_; }
  std::vector<ScriptOp>& ops() { return ops_; }

 private:
  static bool fail(std::string& error, std::string message) {
    error = std::move(message);
    return false;
  }

  static bool parseDate(std::string_view s, ScriptOp& op) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    op.year = std::atoi(std::string(s.substr(0, 4)).c_str());
    op.month = std::atoi(std::string(s.substr(5, 2)).c_str());
    op.day = std::atoi(std::string(s.substr(8, 2)).c_str());
    return true;
  }

  static std::string trimmed(std::string_view tok) {
    while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\n' || tok.back() == '\r' || tok.back() == '\t')) {
      tok.remove_suffix(1);
    }
    return std::string(tok);
  }

  // One scalar of type `type` (a field's, or a list's elements') as a set or append op.
  bool scalar(simdjson::ondemand::value v, ppl_type type, bool append, ScriptOp& op, std::string& error) {
    switch (type) {
      case PPL_TYPE_STRING: {
        std::string_view s;
        if (v.get_string().get(s)) return fail(error, "expected a string");
        op.kind = append ? ScriptOp::kAppendString : ScriptOp::kSetString;
        op.text = std::string(s);
        return true;
      }
      case PPL_TYPE_DATE: {
        std::string_view s;
        if (v.get_string().get(s) || !parseDate(s, op)) return fail(error, "expected a date");
        op.kind = append ? ScriptOp::kAppendDate : ScriptOp::kSetDate;
        return true;
      }
      case PPL_TYPE_INT: {
        if (v.get_int64().get(op.i)) return fail(error, "expected an integer");
        op.kind = append ? ScriptOp::kAppendInt : ScriptOp::kSetInt;
        return true;
      }
      case PPL_TYPE_DECIMAL: {
        op.text = trimmed(v.raw_json_token());
        op.kind = append ? ScriptOp::kAppendDecimal : ScriptOp::kSetDecimal;
        return true;
      }
      case PPL_TYPE_BOOL: {
        bool b = false;
        if (v.get_bool().get(b)) return fail(error, "expected a bool");
        op.i = b ? 1 : 0;
        op.kind = append ? ScriptOp::kAppendBool : ScriptOp::kSetBool;
        return true;
      }
      default: return fail(error, "not a scalar");
    }
  }

  bool object(const ppl_program* program, simdjson::ondemand::object obj, const std::string& prefix,
              std::string& error) {
    for (auto fieldResult : obj) {
      simdjson::ondemand::field f;
      if (std::move(fieldResult).get(f)) return fail(error, "bad field");
      std::string_view key;
      if (f.unescaped_key().get(key)) return fail(error, "bad key");
      const std::string path = prefix + std::string(key);
      ppl_field handle = 0;
      if (ppl_field_handle(program, path.c_str(), &handle) != PPL_OK) continue;  // unknown: ignored
      ppl_type type, element;
      ppl_field_type(program, handle, &type, &element);
      simdjson::ondemand::value v = f.value();
      if (type == PPL_TYPE_RECORD) {
        simdjson::ondemand::object child;
        if (v.get_object().get(child)) return fail(error, path + ": expected an object");
        ScriptOp op{ScriptOp::kSetRecord};
        op.field = handle;
        ops_.push_back(op);
        if (!object(program, child, path + ".", error)) return false;
        ops_.push_back(ScriptOp{ScriptOp::kEndRecord});
      } else if (type == PPL_TYPE_LIST) {
        simdjson::ondemand::array arr;
        if (v.get_array().get(arr)) return fail(error, path + ": expected an array");
        ScriptOp begin{ScriptOp::kListBegin};
        begin.field = handle;
        ops_.push_back(begin);
        for (auto elemResult : arr) {
          simdjson::ondemand::value elem;
          if (std::move(elemResult).get(elem)) return fail(error, path + ": bad element");
          if (element == PPL_TYPE_RECORD) {
            simdjson::ondemand::object child;
            if (elem.get_object().get(child)) return fail(error, path + ": expected an object");
            ops_.push_back(ScriptOp{ScriptOp::kAppendRecord});
            if (!object(program, child, path + ".", error)) return false;
            ops_.push_back(ScriptOp{ScriptOp::kEndRecord});
          } else {
            ScriptOp op{ScriptOp::kAppendString};
            if (!scalar(elem, element, true, op, error)) return fail(error, path + ": " + error);
            ops_.push_back(op);
          }
        }
        ops_.push_back(ScriptOp{ScriptOp::kListEnd});
      } else {
        ScriptOp op{ScriptOp::kSetString};
        op.field = handle;
        if (!scalar(v, type, false, op, error)) return fail(error, path + ": " + error);
        ops_.push_back(op);
      }
    }
    return true;
  }

  std::vector<ScriptOp> ops_;
};

}  // namespace ppl_test
