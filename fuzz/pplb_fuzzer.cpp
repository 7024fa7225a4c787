// Fuzz target for the bytecode loader: bytes -> readPplb -> Program::link -> verifyProgram, and
// when all three accept, the VM decides a fixed valid claim (examples/claims/
// commercial-approve.json, loaded by the program's own schema) with the program.
//
// The verifier is the gate that makes untrusted bytecode safe to run (bytecode/verifier.h), so
// the checks are: no crash, hang or sanitizer report anywhere, in particular not in the VM, the
// claim loader, the decision writer or the disassembler running a verified program; a rejection
// comes with a message; whatever readPplb accepts writes back (and reads again) to the same
// bytes.
//
// Most mutations break the payload checksum, which would stop them at the header. So each input
// runs twice: as it is (the header checks), and with its payload length and checksum fixed
// (everything behind them).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bytecode/disasm.h"
#include "bytecode/pplb.h"
#include "bytecode/verifier.h"
#include "fuzz/fuzz_common.h"
#include "runtime/facts.h"
#include "vm/claim_loader.h"
#include "vm/decision_json.h"
#include "vm/vm.h"

namespace ppl::fuzz {
extern const char kFixedClaim[];
}

namespace {

void putLittleEndian(std::string& bytes, size_t at, uint64_t value, int size) {
  for (int i = 0; i < size; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

void run(std::string_view bytes) {
  ppl::Program program;
  std::string error;
  if (!ppl::readPplb(bytes, program, error)) {
    PPL_FUZZ_CHECK(!error.empty(), "readPplb failed without a message");
    return;
  }

  // What was read writes back, and reads again to the same bytes.
  std::string written;
  PPL_FUZZ_CHECK(ppl::writePplb(program, written), "writePplb refused a program readPplb accepted");
  {
    ppl::Program again;
    std::string againError;
    PPL_FUZZ_CHECK(ppl::readPplb(written, again, againError), "readPplb refused what writePplb wrote: %s",
                   againError.c_str());
    std::string rewritten;
    PPL_FUZZ_CHECK(ppl::writePplb(again, rewritten), "writePplb refused a re-read program");
    PPL_FUZZ_CHECK(rewritten == written, "a .pplb round trip changed the bytes");
  }

  if (!program.link(error)) {
    PPL_FUZZ_CHECK(!error.empty(), "link failed without a message");
    return;
  }
  if (!ppl::verifyProgram(program, error)) {
    PPL_FUZZ_CHECK(!error.empty(), "verifyProgram failed without a message");
    return;
  }

  // Verified: from here on nothing may go wrong but a runtime error the VM reports.
  (void)ppl::disassemble(program);
  ppl::ClaimLoader loader(program.schema);
  ppl::Facts facts;
  ppl::ClaimError claimError;
  if (!loader.load(ppl::fuzz::kFixedClaim, facts, claimError)) return;  // the schema is another
  ppl::Evaluator vm(program);
  ppl::Decision decision;
  ppl::EvalError evalError;
  std::string out;
  if (vm.decide(facts, decision, evalError)) {
    ppl::writeDecisionJson(program, facts, decision, true, out);
    out.clear();
    ppl::writeDecisionJson(program, facts, decision, false, out);
    // Deciding again with the same (now warm) evaluator gives the same decision.
    ppl::Decision again;
    PPL_FUZZ_CHECK(vm.decide(facts, again, evalError), "a second decision of the same claim failed: %s",
                   evalError.message.c_str());
    std::string outAgain;
    ppl::writeDecisionJson(program, facts, again, false, outAgain);
    PPL_FUZZ_CHECK(out == outAgain, "a second decision of the same claim differs:\n%s\n%s", out.c_str(),
                   outAgain.c_str());
  } else {
    PPL_FUZZ_CHECK(!evalError.message.empty(), "the VM failed without a message");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  run(bytes);
  if (size < ppl::kPplbHeaderSize) return 0;
  std::string fixed(bytes);
  const std::string_view payload = std::string_view(fixed).substr(ppl::kPplbHeaderSize);
  putLittleEndian(fixed, 8, payload.size(), 4);
  putLittleEndian(fixed, 12, ppl::pplbChecksum(payload), 8);
  if (fixed != bytes) run(fixed);
  return 0;
}
