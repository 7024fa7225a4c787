#include "runtime/decision.h"

namespace ppl {

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::kNotApplicable: return "not_applicable";
    case Verdict::kApprove: return "approve";
    case Verdict::kPend: return "pend";
    case Verdict::kDeny: return "deny";
  }
  return "?";
}

const char* actionName(Action a) { return a == Action::kDeny ? "deny" : "pend"; }

}  // namespace ppl
