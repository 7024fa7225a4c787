// ppl.hpp compiles cleanly under the warnings a strict engine build turns on (old-style casts in
// ppl.h's macros, conversions, shadowing): this file is built with them as errors.
#include "ppl/ppl.hpp"

namespace {
[[maybe_unused]] bool headerCheck(const ppl::embed::Program& program) {
  const ppl::embed::Field field = program.field("claim_id");
  return field.valid() && program.fieldType(field) != ppl::embed::Type::kNone &&
         field != ppl::embed::Field(PPL_FIELD_NONE);
}
}  // namespace
