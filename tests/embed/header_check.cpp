// ppl.hpp compiles cleanly under the warnings a strict engine build turns on (old-style casts in
// ppl.h's macros, conversions, shadowing): this file is built with them as errors.
#include "ppl/ppl.hpp"

namespace {
[[maybe_unused]] bool headerCheck(const ppl::embed::Program& program) {
  const ppl::embed::Field field = program.field("claim_id");
  return field.valid() && program.fieldType(field) != ppl::embed::Type::kNone &&
         field != ppl::embed::Field(PPL_FIELD_NONE);
}
// Every value macro of ppl.h, expanded where an engine would use it.
[[maybe_unused]] size_t headerMacros() {
  const ppl_load_options load = PPL_LOAD_OPTIONS_INIT;
  const ppl_evaluator_options evaluator = PPL_EVALUATOR_OPTIONS_INIT;
  char buffer[PPL_ERROR_BUFFER_SIZE] = {};
  return load.size + evaluator.size + sizeof buffer + PPL_DEFAULT_MAX_PROGRAM_BYTES + PPL_DEFAULT_MAX_CLAIM_BYTES +
         PPL_MAX_DECIMAL_SCALE + PPL_API_VERSION;
}
}  // namespace
