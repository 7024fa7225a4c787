// Embedding PPL from C++ (ppl/ppl.hpp): load a compiled policy pack, decide claims, print the
// decisions.
//
//   embed-cpp PACK.pplb CLAIM.json...
//
// stdout: each claim's decision as JSON, exactly as `pplc eval PACK.pplb CLAIM.json` prints it.
// stderr: one summary line per claim read through the accessors, in the form of a row of
// `pplc eval --format=table`: "CLAIM-ID DECISION L1 deny PA,C-DX; L3 deny C-WASTE" ("-" when no
// rule fired); a bad claim is reported as "FILE: /json/path: message".
// Exit status: 0 when every claim was decided, 1 when any was bad input, 2 on usage errors.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <ppl/ppl.hpp>

namespace pe = ppl::embed;

namespace {

bool readFile(const char* path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

std::string summary(const pe::Decision& d) {
  std::string text(d.claimId());
  text += ' ';
  text += pe::name(d.verdict());
  text += ' ';
  bool any = false;
  for (size_t i = 0; i < d.lineCount(); ++i) {
    const pe::Line line = d.line(i);
    if (line.reasonCount() == 0 && line.adjustmentCount() == 0) continue;
    text += any ? "; L" : "L";
    text += std::to_string(line.number()) + " ";
    text += pe::name(line.verdict());
    any = true;
    const char* sep = " ";
    for (size_t k = 0; k < line.reasonCount(); ++k) {
      text += sep;
      text += line.reason(k).rule();
      sep = ",";
    }
    for (size_t k = 0; k < line.adjustmentCount(); ++k) {
      const pe::Adjustment adjustment = line.adjustment(k);
      text += sep;
      text += adjustment.rule();
      text += "(-";
      text += adjustment.percent();
      text += "%)";
      sep = ",";
    }
  }
  if (!any) text += '-';
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: " << argv[0] << " PACK.pplb CLAIM.json...\n";
    return 2;
  }
  // Loaded once and verified; in an engine, shared by every thread.
  pe::Program program;
  if (pe::LoadStatus s = program.loadFile(argv[1]); !s) {
    std::cerr << s.message() << "\n";
    return 1;
  }
  // One evaluator per thread, reused for every claim.
  pe::Evaluator evaluator(program);
  if (!evaluator.valid()) {
    std::cerr << "cannot create an evaluator\n";
    return 1;
  }

  int bad = 0;
  std::string claim;
  for (int i = 2; i < argc; ++i) {
    if (!readFile(argv[i], claim)) {
      std::cerr << argv[i] << ": cannot read the file\n";
      bad = 1;
      continue;
    }
    if (pe::Status s = evaluator.decideJson(claim); !s) {
      std::cerr << argv[i] << ": " << s.path() << (s.path().empty() ? "" : ": ") << s.message() << "\n";
      bad = 1;
      continue;
    }
    const pe::Decision decision = evaluator.decision();
    std::string_view json;
    if (decision.json(json, /*pretty=*/true)) std::cout << json << "\n";
    std::cout.flush();
    std::cerr << summary(decision) << "\n";
  }
  return bad;
}
