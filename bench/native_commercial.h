// The commercial J9027 policy (policies/acme-commercial-j9027.ppl with pack.ppl and
// prior-authorization.ppl) written directly in C++: the floor the VM is measured against.
//
// It reads the same Facts the claim loader fills (slots resolved once by name from the program's
// schema) and fills the same Decision the VM does: the same rules in the same order, the same
// reasons with the same captured message arguments, so writeDecisionJson prints the two
// byte for byte alike (the benchmark checks that before it times anything). Like the policy, it
// evaluates each rule per line as written; what a C++ programmer would do anyway is done once per
// claim (each line's record base, whether it is governed, whether it carries JW).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bytecode/bytecode.h"
#include "runtime/decision.h"
#include "runtime/facts.h"

namespace ppl::bench {

class NativeCommercial {
 public:
  // Resolves every slot the policy reads by name from program.schema and finds the commercial
  // policy and its rules (which must be the ones this file implements, in this order). False
  // with `error` set when anything is missing.
  bool init(const Program& program, std::string& error);

  // Decides a claim of the commercial line of business into `out` (replaced), as the VM would.
  // False with `error` set for a claim of another line of business or on arithmetic failure.
  bool decide(const Facts& facts, Decision& out, std::string& error);

 private:
  struct Slots {
    // Claim
    uint32_t payer, patient, placeOfService, diagnoses, lines, authorizations, history;
    uint32_t lineOfBusiness;  // Payer
    uint32_t heightCm, weightKg;  // Patient
    // Line
    uint32_t lineNumber, hcpcs, modifiers, units, serviceDate, ndc, drug;
    // Drug
    uint32_t productName, lotNumber, acquisitionChannel, discounted;
    // Authorization
    uint32_t authStatus, authHcpcs, validFrom, validThrough, unitsApproved, unitsUsed;
    // History
    uint32_t administrations, therapies, medications, evidence;
    uint32_t adminHcpcs, adminDate;  // Administration
    uint32_t therapyDrug, therapyStart;  // Therapy
    uint32_t medDrug, medStart, medEnd;  // Medication
    uint32_t evidenceDate, evidenceFinding;  // Evidence
  };

  // What a rule did to the line being decided.
  enum class Exit { kPass, kFail, kSkip, kError };

  Exit rulePa(uint32_t line);
  Exit rulePaUnits(uint32_t line);
  Exit ruleDx();
  Exit ruleStep(uint32_t line);
  Exit ruleSteroid(uint32_t line);
  Exit ruleEfficacy(uint32_t line);
  Exit ruleFreq(uint32_t line);
  Exit ruleUnits(uint32_t line);
  Exit ruleDose(uint32_t line);
  Exit ruleNdc(uint32_t line);
  Exit ruleDocs(uint32_t line);
  Exit ruleSite();
  Exit ruleSource(uint32_t line);
  Exit ruleWaste(uint32_t line);

  bool decideLine(uint32_t index, std::string& error);
  Exit fail(uint32_t rule, uint32_t outcome, std::initializer_list<Value> args);
  int32_t dos(uint32_t line) const;
  bool coversLine(uint32_t auth, uint32_t line) const;

  const Program* program_ = nullptr;
  int32_t policy_ = -1;
  Slots s_{};
  Value drugCode_, docetaxelCode_, jevtanaNdc_, missing_;  // string constants captured in messages

  // Per claim.
  const Facts* facts_ = nullptr;
  Decision* out_ = nullptr;
  uint32_t currentRule_ = 0;
  const char* error_ = nullptr;
  std::vector<uint32_t> lineBase_;
  std::vector<uint8_t> governed_;
  std::vector<uint8_t> waste_;  // governed and carries JW: decided after the others
};

}  // namespace ppl::bench
