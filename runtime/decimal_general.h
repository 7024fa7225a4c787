// The decimal operations without their fast paths: the general 128/256-bit code that the public
// functions in decimal.h fall back to. For the differential tests only, which check that the
// fast paths give the same bits and statuses; the toolchain calls decimal.h.
#pragma once

#include "runtime/decimal.h"

namespace ppl::decimal_general {

int compare(const Decimal& a, const Decimal& b);
DecimalStatus add(const Decimal& a, const Decimal& b, Decimal& out);
DecimalStatus sub(const Decimal& a, const Decimal& b, Decimal& out);
DecimalStatus mul(const Decimal& a, const Decimal& b, Decimal& out);
DecimalStatus div(const Decimal& a, const Decimal& b, Decimal& out);
DecimalStatus sqrt(const Decimal& a, Decimal& out);
Decimal ceil(const Decimal& a);
Decimal floor(const Decimal& a);
Decimal roundHalfEven(const Decimal& a, int places);

}  // namespace ppl::decimal_general
