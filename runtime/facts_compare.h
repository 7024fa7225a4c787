// Two Facts compared value by value, for tests and fuzzers that check two loads of one claim
// agree (the loader's fast path against its general path).
#pragma once

#include "runtime/facts.h"
#include "runtime/schema.h"

namespace ppl {

// True when `a` and `b` hold the same layout and values under `schema`: every slot and element
// the root reaches, by its kind, strings by where they point (so both must come from one
// loader, whose buffers they share). Bytes will not do: a Value's padding is whatever its copy
// left there. What lies past the claim (Facts: a loader leaves the last claim's there) is not
// compared, nor are the vectors' sizes.
bool sameFacts(const Schema& schema, const Facts& a, const Facts& b);

// As sameFacts, with strings compared by their bytes: for loads of one claim from two copies of
// its text (ClaimLoader::load and loadPadded).
bool sameFactsText(const Schema& schema, const Facts& a, const Facts& b);

}  // namespace ppl
