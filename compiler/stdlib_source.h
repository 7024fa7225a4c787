// The text of stdlib/claim.ppl, compiled into the binary so that pplc needs no data files.
#pragma once

namespace ppl {

extern const char* const kClaimSchemaSource;

}  // namespace ppl
