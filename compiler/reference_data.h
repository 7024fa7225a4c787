// Reference code lists shipped in stdlib/codes/ (CARC, RARC, places of service, modifiers,
// HCPCS descriptors), compiled into the binary for the lints of `pplc check`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ppl {

struct ReferenceCode {
  std::string code;
  std::string text;
  std::string deactivated;  // when the code was deactivated, or empty
};

enum class CodeList { kCarc, kRarc, kPlaceOfService, kModifier, kHcpcs };

// The entry for `code` in `list`, or null when the (subset) list does not have it.
const ReferenceCode* findReferenceCode(CodeList list, std::string_view code);
// Every entry of a list, in file order.
const std::vector<ReferenceCode>& referenceCodes(CodeList list);
// The file a list comes from, for messages: "stdlib/codes/carc.tsv".
const char* referenceFile(CodeList list);

}  // namespace ppl
