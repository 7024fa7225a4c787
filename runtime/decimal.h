// Exact decimal numbers for claim amounts: units, money, height, weight.
//
// Binary floating point cannot hold 0.1 exactly, so 30.1 + 8.3 + 21.6 would not be 60 and a
// dose rule could bill one unit too many. A Decimal is coefficient * 10^exponent with a signed
// coefficient of at most 38 decimal digits; add, sub and mul are exact whenever the exact
// result fits in 38 digits, div and sqrt keep kDivisionDigits significant digits and are exact
// when the true result fits in them.
//
// The VM keeps Decimals in its 32-byte Value cell and must not allocate while evaluating, so a
// Decimal is trivially copyable, never touches the heap, and is 24 bytes with 8-byte alignment:
// the 128-bit coefficient is stored as two 64-bit halves (an __int128 member would force
// 16-byte alignment and a 32-byte size).
//
// Values are kept normalized: the coefficient has no trailing zeros and zero has exponent 0, so
// 60.0 and 60 are the same bits. compare() still works by value and never overflows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/always_inline.h"
#include <type_traits>

namespace ppl {

enum class DecimalStatus : uint8_t { kOk, kOverflow, kDivisionByZero, kDomain };

class Decimal {
 public:
  static constexpr int kMaxDigits = 38;       // coefficient digits kept by add, sub, mul
  static constexpr int kDivisionDigits = 34;  // significant digits kept by div and sqrt

  // The range is bounded so that every value prints without an exponent in kMaxTextLength
  // bytes: magnitudes below 10^kMaxIntegerDigits, and multiples of 10^kMinExponent. Results at
  // or above 10^kMaxIntegerDigits are kOverflow; finer results round (half-even) at
  // 10^kMinExponent, to zero if need be, like gradual underflow. Where both the digit limit and
  // 10^kMinExponent cut a result, it is rounded once, from the exact value, at the coarser of
  // the two. Claims use a tiny part of this.
  static constexpr int kMaxIntegerDigits = 48;
  static constexpr int kMinExponent = -80;

  // Bytes format() may write, including its terminating NUL.
  static constexpr int kMaxTextLength = 96;

  constexpr Decimal() = default;  // zero

  // Inline, with the trailing zeros stripped in 64 bits: the claim loader makes one of most
  // numbers it reads (integers such as 30 or 180) this way, in its scanner's inner loop.
  PPL_ALWAYS_INLINE static Decimal fromInt(int64_t v) {
    Decimal r;
    if (v == 0) return r;
    uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    while (mag % 10 == 0) {
      mag /= 10;
      ++r.exp;
    }
    r.lo = v < 0 ? 0 - mag : mag;
    r.hi = v < 0 ? -1 : 0;
    return r;
  }

  // coefficient * 10^-scale, normalized as parse normalizes ("7350.0" is 735e1): for a reader
  // that has a short number's digits already. scale is 0..18.
  PPL_ALWAYS_INLINE static Decimal fromScaled(int64_t coefficient, int scale) {
    Decimal r = fromInt(coefficient);
    if (!r.isZero()) r.exp -= scale;
    return r;
  }

  // Parses the JSON number grammar exactly: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  // No leading '+', no leading zeros ("01"), no bare point ("1.", ".5"), no white space.
  // Returns false (leaving out unchanged) on bad syntax or when the value is not representable:
  // more than 38 significant digits once trailing zeros are dropped, a magnitude of
  // 10^kMaxIntegerDigits or more, or digits below 10^kMinExponent (parsing never rounds). "1e2" -> 100, "82.50" -> 82.5,
  // "-0" -> 0.
  static bool parse(std::string_view text, Decimal& out);

  // The claim-facts limit: at most 9 digits before the point and 6 after it, judged by value
  // (82.500000000 is 82.5 and fits).
  bool fitsClaimNumber() const;

  bool isZero() const { return lo == 0 && hi == 0; }
  bool isNegative() const { return hi < 0; }
  bool isInteger() const { return exp >= 0; }  // normalized: no trailing zeros to hide behind

  // Converts an integral value that fits int64_t; false (out unchanged) otherwise.
  bool toInt64(int64_t& out) const;

  // Canonical text: no exponent, no trailing zeros, "-" for negatives, "0" for zero
  // (82.5, 60, 0.000001, -3.25). Writes into buf, which must hold kMaxTextLength bytes,
  // NUL-terminates it and returns the length without the NUL.
  int format(char* buf) const;
  std::string toString() const;

  // The normalized exponent (0 for zero); for tests and debugging.
  int32_t exponent() const { return exp; }

  // -1, 0 or 1 by numeric value. Never overflows (1e30 vs 1e-30 is fine).
  friend int compare(const Decimal& a, const Decimal& b);
  friend DecimalStatus add(const Decimal& a, const Decimal& b, Decimal& out);
  friend bool operator==(const Decimal& a, const Decimal& b) { return compare(a, b) == 0; }
  friend bool operator!=(const Decimal& a, const Decimal& b) { return compare(a, b) != 0; }
  friend bool operator<(const Decimal& a, const Decimal& b) { return compare(a, b) < 0; }
  friend bool operator<=(const Decimal& a, const Decimal& b) { return compare(a, b) <= 0; }
  friend bool operator>(const Decimal& a, const Decimal& b) { return compare(a, b) > 0; }
  friend bool operator>=(const Decimal& a, const Decimal& b) { return compare(a, b) >= 0; }

 private:
  // The operations live in decimal.cpp and reach the representation through this.
  friend struct DecimalOps;

  // In this order: the claim loader's SSE2 setDecimal (vm/claim_loader.cpp) stores the first 16
  // bytes as the coefficient and the exponent after them.
  uint64_t lo = 0;  // low 64 bits of the two's-complement 128-bit coefficient
  int64_t hi = 0;   // high 64 bits (carries the sign)
  int32_t exp = 0;  // value = coefficient * 10^exp
};

static_assert(std::is_trivially_copyable<Decimal>::value, "Decimal lives in the VM's Value union");
static_assert(sizeof(Decimal) <= 24 && alignof(Decimal) <= 8, "Decimal must fit a 32-byte Value");

namespace decimal_detail {
// compare() and add() for what their inline cases below leave (decimal.cpp).
int compareOther(const Decimal& a, const Decimal& b);
DecimalStatus addOther(const Decimal& a, const Decimal& b, Decimal& out);
}  // namespace decimal_detail

// Inline for operands with one exponent (the VM compares and sums claim amounts: units against
// 60, a day's units), where the two's-complement coefficients compare as they are; the rest out
// of line. A call cost more than this test (callgrind, ~44 instructions a compare).
inline int compare(const Decimal& a, const Decimal& b) {
  if (a.exp != b.exp) return decimal_detail::compareOther(a, b);
  if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
  return a.lo < b.lo ? -1 : (a.lo > b.lo ? 1 : 0);
}

// Exact add/sub/mul. When the exact result needs more than 38 digits (possible only with
// already-rounded operands, or operands far apart like 1e30 + 1e-30) it is rounded half-even to
// 38 significant digits. kOverflow when the magnitude reaches 10^kMaxIntegerDigits; out is left
// unchanged on any status but kOk.
//
// add() is inline for a zero operand (a sum starts at 0) and for int64 coefficients with one
// exponent whose sum neither overflows int64 nor ends in a zero: that sum is the normalized
// result, and below 10^19 * 10^28 it cannot reach 10^kMaxIntegerDigits. The rest (and every
// status but kOk) is decimal_detail::addOther's, which gives the same bits for these too.
inline DecimalStatus add(const Decimal& a, const Decimal& b, Decimal& out) {
  if ((a.lo | static_cast<uint64_t>(a.hi)) == 0) {  // normalized operands: 0 + b is b
    out = b;
    return DecimalStatus::kOk;
  }
  if ((b.lo | static_cast<uint64_t>(b.hi)) == 0) {
    out = a;
    return DecimalStatus::kOk;
  }
  const int64_t ca = static_cast<int64_t>(a.lo), cb = static_cast<int64_t>(b.lo);
  int64_t sum;
  if (a.exp == b.exp && a.exp <= Decimal::kMaxIntegerDigits - 20 && a.hi == (ca >> 63) && b.hi == (cb >> 63) &&
      !__builtin_add_overflow(ca, cb, &sum) && sum % 10 != 0) {
    out.lo = static_cast<uint64_t>(sum);
    out.hi = sum >> 63;
    out.exp = a.exp;
    return DecimalStatus::kOk;
  }
  return decimal_detail::addOther(a, b, out);
}
DecimalStatus sub(const Decimal& a, const Decimal& b, Decimal& out);
DecimalStatus mul(const Decimal& a, const Decimal& b, Decimal& out);

// a / b rounded half-even to kDivisionDigits significant digits; exact when the quotient
// terminates within them (17424/3600 is exactly 4.84). kDivisionByZero when b is zero.
DecimalStatus div(const Decimal& a, const Decimal& b, Decimal& out);

// Square root rounded half-even to kDivisionDigits significant digits (decided by the next
// digit and the remainder, so it is correctly rounded); exact when the root is exact
// (sqrt(4.84) is 2.2). kDomain for negatives.
DecimalStatus sqrt(const Decimal& a, Decimal& out);

Decimal ceil(const Decimal& a);
Decimal floor(const Decimal& a);
// Rounds half-even to `places` digits after the point; places < 0 counts as 0.
Decimal roundHalfEven(const Decimal& a, int places);
Decimal neg(const Decimal& a);
Decimal abs(const Decimal& a);

}  // namespace ppl
