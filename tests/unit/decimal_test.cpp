// Decimal: exact claim arithmetic. Expected values are worked out independently (by hand, or
// with plain integer arithmetic on scaled values), never by calling the code under test twice.
#include "runtime/decimal.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

using ppl::Decimal;
using ppl::DecimalStatus;

namespace {

__extension__ typedef __int128 Int128;

Decimal dec(const char* text) {
  Decimal d;
  INFO("parsing " << text);
  REQUIRE(Decimal::parse(text, d));
  return d;
}

bool parses(const char* text) {
  Decimal d;
  return Decimal::parse(text, d);
}

Decimal addOk(const Decimal& a, const Decimal& b) {
  Decimal r;
  REQUIRE(ppl::add(a, b, r) == DecimalStatus::kOk);
  return r;
}
Decimal subOk(const Decimal& a, const Decimal& b) {
  Decimal r;
  REQUIRE(ppl::sub(a, b, r) == DecimalStatus::kOk);
  return r;
}
Decimal mulOk(const Decimal& a, const Decimal& b) {
  Decimal r;
  REQUIRE(ppl::mul(a, b, r) == DecimalStatus::kOk);
  return r;
}
Decimal divOk(const Decimal& a, const Decimal& b) {
  Decimal r;
  REQUIRE(ppl::div(a, b, r) == DecimalStatus::kOk);
  return r;
}
Decimal sqrtOk(const Decimal& a) {
  Decimal r;
  REQUIRE(ppl::sqrt(a, r) == DecimalStatus::kOk);
  return r;
}

std::string text(const Decimal& d) { return d.toString(); }

// Canonical text of units * 10^-scale, built with plain integer arithmetic as the reference.
std::string scaledText(Int128 units, int scale) {
  const bool negative = units < 0;
  unsigned __int128 mag = negative ? -static_cast<unsigned __int128>(units) : units;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(mag % 10)));
    mag /= 10;
  } while (mag != 0);
  while (static_cast<int>(digits.size()) <= scale) digits.insert(digits.begin(), '0');
  std::string s = digits.substr(0, digits.size() - scale);
  std::string frac = digits.substr(digits.size() - scale);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (!frac.empty()) s += "." + frac;
  if (negative && s != "0") s = "-" + s;
  return s;
}

}  // namespace

TEST_CASE("decimal: layout fits the VM value cell", "[decimal]") {
  STATIC_REQUIRE(std::is_trivially_copyable<Decimal>::value);
  STATIC_REQUIRE(sizeof(Decimal) <= 24);
  STATIC_REQUIRE(alignof(Decimal) <= 8);
  Decimal zero;
  CHECK(zero.isZero());
  CHECK(text(zero) == "0");
}

TEST_CASE("decimal: sums that binary floating point gets wrong are exact", "[decimal]") {
  CHECK(addOk(addOk(dec("30.1"), dec("8.3")), dec("21.6")) == Decimal::fromInt(60));
  CHECK(text(addOk(addOk(dec("30.1"), dec("8.3")), dec("21.6"))) == "60");
  CHECK(addOk(dec("0.1"), dec("0.2")) == dec("0.3"));
  CHECK(text(addOk(dec("0.1"), dec("0.2"))) == "0.3");
  CHECK(text(subOk(dec("0.3"), dec("0.1"))) == "0.2");
  CHECK(text(subOk(dec("5"), dec("5.25"))) == "-0.25");
  CHECK(text(subOk(dec("1.5"), dec("1.5"))) == "0");
  CHECK(text(mulOk(dec("82.5"), dec("1.1"))) == "90.75");
  CHECK(text(mulOk(dec("-3"), dec("0.5"))) == "-1.5");
  CHECK(text(mulOk(dec("0"), dec("-7.5"))) == "0");
}

TEST_CASE("decimal: parse follows the JSON number grammar", "[decimal]") {
  CHECK(dec("1e2") == Decimal::fromInt(100));
  CHECK(text(dec("1e2")) == "100");
  CHECK(text(dec("82.50")) == "82.5");
  CHECK(text(dec("-0")) == "0");
  CHECK_FALSE(dec("-0").isNegative());
  CHECK(text(dec("0.000")) == "0");
  CHECK(text(dec("1E+2")) == "100");
  CHECK(text(dec("125e-2")) == "1.25");
  CHECK(text(dec("-0.5e1")) == "-5");
  CHECK(text(dec("0e999999999999")) == "0");
  CHECK(text(dec("82.500000000000000000000000000000000000000000000")) == "82.5");
  CHECK(text(dec("0.00000000000000000000000000000000000000000000001")) ==
        "0.00000000000000000000000000000000000000000000001");

  for (const char* bad : {"01", "1.", ".5", "1e", "--1", "", "NaN", "+1", "-", "1e+", "00",
                          "-01", " 1", "1 ", "1.5.", "1e5.5", "0x10", "Infinity", "1,5", "1..5"}) {
    INFO("text: '" << bad << "'");
    CHECK_FALSE(parses(bad));
  }
}

TEST_CASE("decimal: the short-number path of parse agrees with the digit loop", "[decimal]") {
  // parse reads numbers of at most 18 digits without an exponent in 64 bits; the same text with
  // "e0" appended takes the general digit loop, and must give the same value and exponent, or
  // fail alike.
  std::mt19937_64 rng(20261127);
  const char kChars[] = "0123456789.-e";
  for (int round = 0; round < 200000; ++round) {
    std::string text;
    if (round % 4 == 0) {
      const int len = 1 + static_cast<int>(rng() % 21);
      for (int i = 0; i < len; ++i) text += kChars[rng() % (round % 8 == 0 ? 13 : 12)];
    } else {
      if (rng() % 4 == 0) text += '-';
      const int intDigits = 1 + static_cast<int>(rng() % 19);
      for (int i = 0; i < intDigits; ++i) text += static_cast<char>('0' + rng() % (i == 0 && rng() % 3 == 0 ? 1 : 10));
      if (rng() % 2) {
        text += '.';
        const int fracDigits = 1 + static_cast<int>(rng() % 19);
        for (int i = 0; i < fracDigits; ++i) text += static_cast<char>('0' + rng() % (rng() % 3 == 0 ? 1 : 10));
      }
    }
    INFO(text);
    Decimal fast, general;
    const bool okFast = Decimal::parse(text, fast);
    const bool okGeneral = Decimal::parse(text + "e0", general);
    if (text.find('e') != std::string::npos) continue;  // "1e5e0" is not a number; "1e5" is
    REQUIRE(okFast == okGeneral);
    if (okFast) {
      CHECK(compare(fast, general) == 0);
      CHECK(fast.exponent() == general.exponent());
      CHECK(fast.isNegative() == general.isNegative());
    }
  }
}

TEST_CASE("decimal: parse rejects what it cannot hold exactly", "[decimal]") {
  // 38 significant digits fit; 39 do not, and parsing never rounds.
  CHECK(text(dec("12345678901234567890123456789012345678")) == "12345678901234567890123456789012345678");
  CHECK(text(dec("-1.2345678901234567890123456789012345678")) == "-1.2345678901234567890123456789012345678");
  CHECK_FALSE(parses("123456789012345678901234567890123456789"));
  CHECK_FALSE(parses("1.00000000000000000000000000000000000001"));
  // Trailing zeros are free: 1 followed by 47 zeros is 1e47.
  CHECK(dec("100000000000000000000000000000000000000000000000") == dec("1e47"));
  // Range: below 10^48 in magnitude, multiples of 10^-80.
  CHECK(parses("1e47"));
  CHECK(parses("-99999999999999999999999999999999999999e10"));
  CHECK_FALSE(parses("1e48"));
  CHECK_FALSE(parses("-1e48"));
  CHECK_FALSE(parses("1e49"));
  CHECK_FALSE(parses("1e1000"));
  CHECK(parses("1e-80"));
  CHECK_FALSE(parses("1e-81"));
  CHECK_FALSE(parses("1e-1000"));
  CHECK_FALSE(parses("1e99999999999999999999999"));
}

TEST_CASE("decimal: claim number limits", "[decimal]") {
  CHECK_FALSE(dec("1234567890").fitsClaimNumber());
  CHECK(dec("123456789").fitsClaimNumber());
  CHECK(dec("123456789.123456").fitsClaimNumber());
  CHECK(dec("-123456789.123456").fitsClaimNumber());
  CHECK_FALSE(dec("0.1234567").fitsClaimNumber());
  CHECK(dec("82.500000000").fitsClaimNumber());
  CHECK(dec("0").fitsClaimNumber());
  CHECK(dec("0.000001").fitsClaimNumber());
  CHECK_FALSE(dec("0.0000001").fitsClaimNumber());
  CHECK_FALSE(dec("1e9").fitsClaimNumber());
  CHECK(dec("999999999.999999").fitsClaimNumber());
}

TEST_CASE("decimal: predicates and integer conversion", "[decimal]") {
  CHECK(dec("60.0").isInteger());
  CHECK(dec("1e3").isInteger());
  CHECK_FALSE(dec("2.5").isInteger());
  CHECK(dec("-2.5").isNegative());
  CHECK_FALSE(dec("0").isNegative());

  int64_t v = 0;
  CHECK(dec("60.000").toInt64(v));
  CHECK(v == 60);
  CHECK(dec("-1e18").toInt64(v));
  CHECK(v == -1000000000000000000);
  CHECK(dec("9223372036854775807").toInt64(v));
  CHECK(v == INT64_MAX);
  CHECK(dec("-9223372036854775808").toInt64(v));
  CHECK(v == INT64_MIN);
  CHECK_FALSE(dec("9223372036854775808").toInt64(v));
  CHECK_FALSE(dec("1e19").toInt64(v));
  CHECK_FALSE(dec("2.5").toInt64(v));
  CHECK(Decimal::fromInt(INT64_MIN).toInt64(v));
  CHECK(v == INT64_MIN);
  CHECK(text(Decimal::fromInt(INT64_MIN)) == "-9223372036854775808");
  CHECK(text(Decimal::fromInt(-1200)) == "-1200");
  CHECK(Decimal::fromInt(1200) == dec("1.2e3"));
  CHECK(Decimal::fromInt(1200).exponent() == 2);  // normalized: no trailing zeros
}

// fromInt strips trailing zeros inline, in 64 bits; parse is the reference for the result.
TEST_CASE("decimal: fromInt is the integer parsed from its text", "[decimal]") {
  std::mt19937_64 rng(1127);
  std::vector<int64_t> values = {0, 1, -1, 10, -10, 30, 180, 1200, -1200, INT64_MAX, INT64_MIN, INT64_MIN + 1,
                                 1000000000000000000, -1000000000000000000, 9000000000000000000};
  for (int i = 0; i < 20000; ++i) {
    int64_t v = static_cast<int64_t>(rng()) >> (rng() % 64);
    for (int zeros = static_cast<int>(rng() % 6); zeros > 0 && v > INT64_MIN / 10 && v < INT64_MAX / 10; --zeros) {
      v *= 10;
    }
    values.push_back(v);
  }
  for (const int64_t v : values) {
    const std::string digits = std::to_string(v);
    INFO(digits);
    const Decimal a = Decimal::fromInt(v);
    const Decimal b = dec(digits.c_str());
    CHECK(ppl::compare(a, b) == 0);
    CHECK(a.exponent() == b.exponent());
    CHECK(a.isNegative() == b.isNegative());
    CHECK(a.isZero() == b.isZero());
    CHECK(text(a) == digits);
  }
}

TEST_CASE("decimal: canonical text", "[decimal]") {
  CHECK(text(dec("0.000001")) == "0.000001");
  CHECK(text(dec("-3.25")) == "-3.25");
  CHECK(text(dec("100")) == "100");
  CHECK(text(dec("1e20")) == "100000000000000000000");
  CHECK(text(dec("-0.5")) == "-0.5");
  CHECK(text(dec("12.0034")) == "12.0034");

  // The extremes fit the buffer, and the returned length matches the NUL.
  for (const char* extreme : {"-99999999999999999999999999999999999999e10", "-1e-80",
                              "-9.9999999999999999999999999999999999999e-43"}) {
    char buf[Decimal::kMaxTextLength];
    const int n = dec(extreme).format(buf);
    CHECK(n < Decimal::kMaxTextLength);
    CHECK(static_cast<int>(std::strlen(buf)) == n);
  }
  CHECK(text(dec("-1e-80")) == "-0." + std::string(79, '0') + "1");
  CHECK(text(dec("-99999999999999999999999999999999999999e10")) ==
        "-" + std::string(38, '9') + std::string(10, '0'));
}

TEST_CASE("decimal: compare is by value and never overflows", "[decimal]") {
  CHECK(ppl::compare(dec("1e30"), dec("1e-30")) > 0);
  CHECK(ppl::compare(dec("1e-30"), dec("1e30")) < 0);
  CHECK(ppl::compare(dec("-1e30"), dec("1e-30")) < 0);
  CHECK(ppl::compare(dec("-1e30"), dec("-1e-30")) < 0);
  CHECK(ppl::compare(Decimal::fromInt(-5), Decimal::fromInt(3)) < 0);
  CHECK(ppl::compare(dec("2.50"), dec("2.5")) == 0);
  CHECK(dec("2.50") == dec("2.5"));
  CHECK(dec("60.0") == Decimal::fromInt(60));
  CHECK(dec("0") == dec("-0.000"));
  CHECK(dec("1.1") < dec("1.11"));
  CHECK(dec("-1.1") > dec("-1.11"));
  CHECK(dec("10") > dec("9.9999999999999999999999999999999999999"));
  CHECK(dec("0") < dec("1e-80"));
  CHECK(dec("0") > dec("-1e-80"));
  CHECK(dec("99999999999999999999999999999999999999e10") > dec("1e47"));
  CHECK(dec("3") >= dec("3"));
  CHECK(dec("3") <= dec("3.0"));
  CHECK(dec("3") != dec("3.0000000000000000000000000000000000001"));
}

TEST_CASE("decimal: add and sub round only beyond 38 digits", "[decimal]") {
  // Far apart operands cannot be aligned in 38 digits: the small one is rounded away.
  CHECK(addOk(dec("1e30"), dec("1e-30")) == dec("1e30"));
  CHECK(subOk(dec("1e30"), dec("1e-30")) == dec("1e30"));
  CHECK(addOk(dec("1e-30"), dec("1e30")) == dec("1e30"));
  CHECK(addOk(dec("1e47"), dec("-1e-80")) == dec("1e47"));
  // 1e37 + 0.1 is 39 digits; the 0.1 is below half a unit and rounds away.
  CHECK(addOk(dec("1e37"), dec("0.1")) == dec("1e37"));
  // Exactly 38 digits: exact.
  CHECK(text(addOk(dec("1e36"), dec("0.1"))) == "1000000000000000000000000000000000000.1");

  const Decimal nines = dec("99999999999999999999999999999999999999");  // 10^38 - 1
  // 10^38 - 0.5 is a tie; the last kept digit 9 is odd, so it rounds up to 10^38.
  CHECK(addOk(nines, dec("0.5")) == dec("1e38"));
  // 10^38 - 1.5 is a tie with an even last digit 8: stays.
  CHECK(addOk(dec("99999999999999999999999999999999999998"), dec("0.5")) ==
        dec("99999999999999999999999999999999999998"));
  // Just above the tie rounds up.
  CHECK(addOk(dec("99999999999999999999999999999999999998"), dec("0.50000001")) ==
        dec("99999999999999999999999999999999999999"));
  // Subtraction that borrows across far-apart operands: 1e40 - 1e-40 is 39 nines and more,
  // which rounds back up to 1e40.
  CHECK(subOk(dec("1e40"), dec("1e-40")) == dec("1e40"));
  // 1e40 - 6e2: 9999999999999999999999999999999999999400, exactly 37 nines then 4 then 00.
  CHECK(text(subOk(dec("1e40"), dec("6e2"))) == std::string(37, '9') + "400");
  // 1e47 - 1e8 is 39 nines then 8 zeros: 39 significant digits round to 1e47.
  CHECK(subOk(dec("1e47"), dec("1e8")) == dec("1e47"));
  // 1e47 - 1e9 is 38 nines then 9 zeros: exact.
  CHECK(text(subOk(dec("1e47"), dec("1e9"))) == std::string(38, '9') + std::string(9, '0'));
  // Too far apart to align in 256 bits, with a borrow: the tiny part pushes the exact result
  // below 1e47, by far less than half a unit of the 38th digit.
  CHECK(subOk(dec("1e47"), dec("123456789e-40")) == dec("1e47"));
  CHECK(addOk(dec("-123456789e-40"), dec("1e47")) == dec("1e47"));
  CHECK(addOk(dec("12345678901234567890123456789012345678e10"), dec("-1e-70")) ==
        dec("12345678901234567890123456789012345678e10"));
  CHECK(addOk(dec("-12345678901234567890123456789012345678e10"), dec("1e-70")) ==
        dec("-12345678901234567890123456789012345678e10"));
}

TEST_CASE("decimal: mul is exact up to 38 digits, then rounds half-even", "[decimal]") {
  // 123456789123456 * 987654321654321 = 121932631315347490569424853376, scaled by 10^-12.
  CHECK(text(mulOk(dec("123456789.123456"), dec("987654321.654321"))) ==
        "121932631315347490.569424853376");
  // (1 - 10^-38)^2 = 1 - 2*10^-38 + 10^-76; 38 digits keep 0.9..98 and drop the 10^-76.
  CHECK(mulOk(dec("0.99999999999999999999999999999999999999"),
              dec("0.99999999999999999999999999999999999999")) ==
        dec("0.99999999999999999999999999999999999998"));
  // (10^24 - 1)^2 = 10^48 - 2*10^24 + 1: 48 digits, of which the 38 kept are 23 nines, an 8
  // and zeros.
  CHECK(mulOk(dec("999999999999999999999999"), dec("999999999999999999999999")) ==
        dec("999999999999999999999998e24"));
  // 1.5 * 0.333...337 (38 digits) is exactly 0.5000...0055 (39 digits): a tie on an odd 5,
  // which rounds up to ...06.
  CHECK(mulOk(dec("1.5"), dec("0.33333333333333333333333333333333333337")) ==
        dec("0.50000000000000000000000000000000000006"));
  // 1.5 * 1.5 exact; 1e-40 * 1e-40 underflows to zero (below 1e-80, rounded there).
  CHECK(text(mulOk(dec("1.5"), dec("1.5"))) == "2.25");
  CHECK(mulOk(dec("1e-40"), dec("1e-40")) == dec("1e-80"));
  CHECK(mulOk(dec("1e-41"), dec("1e-40")).isZero());
  CHECK(mulOk(dec("6e-41"), dec("1e-40")) == dec("1e-80"));   // 0.6 units rounds up
  CHECK(mulOk(dec("5e-41"), dec("1e-40")).isZero());          // a tie rounds to even 0
  CHECK(mulOk(dec("15e-41"), dec("1e-40")) == dec("2e-80"));  // 1.5 units: tie to even 2
  // Overflow: there is nothing at or above 10^48.
  Decimal r = dec("7");
  CHECK(ppl::mul(dec("1e37"), dec("1e37"), r) == DecimalStatus::kOverflow);
  CHECK(r == dec("7"));  // untouched on error
  CHECK(ppl::mul(dec("1e47"), dec("10"), r) == DecimalStatus::kOverflow);
  CHECK(ppl::mul(dec("1e24"), dec("1e24"), r) == DecimalStatus::kOverflow);
  CHECK(ppl::mul(dec("1e24"), dec("1e23"), r) == DecimalStatus::kOk);
  CHECK(r == dec("1e47"));
  CHECK(ppl::add(dec("99999999999999999999999999999999999999e10"), dec("1e10"), r) ==
        DecimalStatus::kOverflow);
  CHECK(ppl::sub(dec("-99999999999999999999999999999999999999e10"), dec("1e10"), r) ==
        DecimalStatus::kOverflow);
  // Rounding can overflow too: 10^48 - 0.5e10 is a tie on an odd 9 and rounds up to 10^48.
  CHECK(ppl::add(dec("99999999999999999999999999999999999999e10"), dec("5e9"), r) ==
        DecimalStatus::kOverflow);
  CHECK(ppl::add(dec("99999999999999999999999999999999999998e10"), dec("5e9"), r) ==
        DecimalStatus::kOk);  // a tie that stays on the even 8
  CHECK(r == dec("99999999999999999999999999999999999998e10"));
}

TEST_CASE("decimal: div keeps 34 significant digits, exact when it terminates", "[decimal]") {
  CHECK(text(divOk(dec("17424"), dec("3600"))) == "4.84");
  CHECK(text(divOk(dec("14685"), dec("3600"))).rfind("4.0791666666666666", 0) == 0);
  // 4.0791666... to 34 digits: 33 sixes after "4.079" would be too many; the 34th digit
  // rounds the repeating 6 up to 7.
  CHECK(text(divOk(dec("14685"), dec("3600"))) == "4.079166666666666666666666666666667");
  CHECK(text(divOk(dec("1"), dec("3"))) == "0." + std::string(34, '3'));
  CHECK(text(divOk(dec("2"), dec("3"))) == "0." + std::string(33, '6') + "7");
  CHECK(text(divOk(dec("-1"), dec("8"))) == "-0.125");
  CHECK(text(divOk(dec("1"), dec("-0.0004"))) == "-2500");
  CHECK(text(mulOk(divOk(dec("1"), dec("3")), dec("3"))) == "0." + std::string(34, '9'));
  // A 38-digit divisor: 1 / (10^38 - 1) = 1.00000...0001... * 10^-38; 34 digits give 1e-38.
  CHECK(divOk(dec("1"), dec("99999999999999999999999999999999999999")) == dec("1e-38"));
  // A wide divisor that does not divide: 10^37 / 3333333333333333333333333333333333333
  // (37 threes) is exactly 3.0000000000000000000000000000000000003..., 34 digits give 3.
  CHECK(divOk(dec("1e37"), dec("3333333333333333333333333333333333333")) == dec("3"));
  // A wide divisor that divides exactly.
  CHECK(divOk(dec("24691357802469135780246913578024691356"),
              dec("12345678901234567890123456789012345678")) == dec("2"));
  // A quotient that terminates after 35 digits is a true tie: half-even decides.
  CHECK(divOk(dec("10000000000000000000000000000000005"), dec("10")) ==
        dec("1000000000000000000000000000000000"));  // ...0.5 ties to even ...0
  CHECK(divOk(dec("10000000000000000000000000000000015"), dec("10")) ==
        dec("1000000000000000000000000000000002"));  // ...1.5 ties to even ...2

  Decimal r = dec("7");
  CHECK(ppl::div(dec("1"), dec("0"), r) == DecimalStatus::kDivisionByZero);
  CHECK(ppl::div(dec("0"), dec("0"), r) == DecimalStatus::kDivisionByZero);
  CHECK(r == dec("7"));
  CHECK(ppl::div(dec("1e47"), dec("1e-2"), r) == DecimalStatus::kOverflow);
  CHECK(divOk(dec("0"), dec("3")).isZero());
  CHECK(divOk(dec("1e-80"), dec("3")).isZero());  // underflow rounds to zero
}

TEST_CASE("decimal: sqrt is correctly rounded near squares and at the edges of the range", "[decimal]") {
  // sqrt takes a double estimate and corrects it with exact integer Newton steps; these
  // expectations come from Python's decimal module (34 digits, ROUND_HALF_EVEN), trailing zeros
  // dropped as PPL does.
  CHECK(text(sqrtOk(dec("3.997536111111111111111111111111111"))) == "1.999383932893107729124600591040713");
  CHECK(text(sqrtOk(dec("99999999999999999999999999999999999999"))) == "10000000000000000000");
  CHECK(text(sqrtOk(dec("12345678901234567890123456789012345678e-20"))) == "351364182.8820144253111222381699883");
  CHECK(text(sqrtOk(dec("1.0000000000000000000000000000000001"))) == "1");
  CHECK(text(sqrtOk(dec("0.99999999999999999999999999999999"))) == "0.999999999999999999999999999999995");
  CHECK(text(sqrtOk(dec("8527.36"))) == "92.34370579525168698599841941539812");
  CHECK(text(sqrtOk(dec("4.75"))) == "2.179449471770336776118490991929808");
  CHECK(text(sqrtOk(dec("1e-79"))) == "0." + std::string(39, '0') + "3162277660168379331998893544432719");
}

TEST_CASE("decimal: sqrt is exact when the root is exact", "[decimal]") {
  CHECK(text(sqrtOk(dec("4.84"))) == "2.2");
  CHECK(text(sqrtOk(dec("0.0001"))) == "0.01");
  CHECK(text(sqrtOk(dec("1e-80"))) == "0." + std::string(39, '0') + "1");
  CHECK(text(sqrtOk(dec("144"))) == "12");
  CHECK(text(sqrtOk(dec("1e46"))) == "100000000000000000000000");
  CHECK(text(sqrtOk(dec("1e47"))) == "316227766016837933199889.3544432719");
  CHECK(text(sqrtOk(dec("0.09"))) == "0.3");
  CHECK(text(sqrtOk(dec("0.9"))) == "0.9486832980505137995996680633298156");
  CHECK(sqrtOk(dec("0")).isZero());
  // The largest exact square of a 19-digit root.
  CHECK(text(sqrtOk(dec("99999999999999999980000000000000000001"))) == "9999999999999999999");

  // Body surface area, Mosteller: sqrt(176 cm * 99 kg / 3600) is exactly 2.2 m^2, and a dose
  // of 25 mg/m^2 rounds up to 55 units.
  const Decimal bsa = sqrtOk(divOk(mulOk(dec("176"), dec("99")), dec("3600")));
  CHECK(bsa == dec("2.2"));
  CHECK(ppl::ceil(mulOk(dec("25"), bsa)) == dec("55"));

  // sqrt(2) = 1.41421356237309504880168872420969807856967...: 34 digits, correctly rounded
  // (the 35th digit is 0, so this one rounds down).
  const std::string root2 = text(sqrtOk(dec("2")));
  CHECK(root2.substr(0, 31) == "1.41421356237309504880168872420");  // the first 30 digits
  CHECK(root2 == "1.414213562373095048801688724209698");
  // sqrt(3) = 1.73205080756887729352744634150587236694...: 35th digit 3, rounds down.
  CHECK(text(sqrtOk(dec("3"))) == "1.732050807568877293527446341505872");
  // sqrt(10) = 3.16227766016837933199889354443271853371...: 35th digit 5 and more, rounds up.
  CHECK(text(sqrtOk(dec("10"))) == "3.162277660168379331998893544432719");
  // sqrt(13) = 3.60555127546398929311922126747049594625...: 35th digit 9, rounds up.
  CHECK(text(sqrtOk(dec("13"))) == "3.605551275463989293119221267470496");

  Decimal r = dec("7");
  CHECK(ppl::sqrt(dec("-1"), r) == DecimalStatus::kDomain);
  CHECK(ppl::sqrt(dec("-0.0001"), r) == DecimalStatus::kDomain);
  CHECK(r == dec("7"));
}

TEST_CASE("decimal: ceil, floor, round", "[decimal]") {
  CHECK(ppl::ceil(dec("54.0000001")) == dec("55"));
  CHECK(ppl::ceil(dec("54")) == dec("54"));
  CHECK(ppl::ceil(dec("-1.5")) == dec("-1"));
  CHECK(ppl::floor(dec("-1.5")) == dec("-2"));
  CHECK(ppl::floor(dec("1.5")) == dec("1"));
  CHECK(text(ppl::ceil(dec("-0.5"))) == "0");  // no negative zero
  CHECK_FALSE(ppl::ceil(dec("-0.5")).isNegative());
  CHECK(ppl::ceil(dec("1e-80")) == dec("1"));
  CHECK(ppl::floor(dec("-1e-80")) == dec("-1"));
  CHECK(ppl::floor(dec("1e-80")).isZero());
  CHECK(ppl::ceil(dec("1e40")) == dec("1e40"));

  CHECK(ppl::roundHalfEven(dec("2.5"), 0) == dec("2"));
  CHECK(ppl::roundHalfEven(dec("3.5"), 0) == dec("4"));
  CHECK(ppl::roundHalfEven(dec("-2.5"), 0) == dec("-2"));
  CHECK(ppl::roundHalfEven(dec("2.51"), 0) == dec("3"));
  CHECK(ppl::roundHalfEven(dec("1.005"), 2) == dec("1"));
  CHECK(ppl::roundHalfEven(dec("1.015"), 2) == dec("1.02"));
  CHECK(ppl::roundHalfEven(dec("1.0151"), 2) == dec("1.02"));
  CHECK(ppl::roundHalfEven(dec("82.5"), 6) == dec("82.5"));
  CHECK(ppl::roundHalfEven(dec("0.4"), 0).isZero());
  CHECK(ppl::roundHalfEven(dec("1e-80"), 18).isZero());
  CHECK(ppl::roundHalfEven(dec("0.5e-40"), 40).isZero());  // tie at 0: even
  CHECK(ppl::roundHalfEven(dec("1.23"), -3) == dec("1"));  // negative places count as 0
  CHECK(ppl::roundHalfEven(dec("1.23"), 1000) == dec("1.23"));

  CHECK(ppl::neg(dec("1.5")) == dec("-1.5"));
  CHECK(ppl::neg(dec("0")).isZero());
  CHECK_FALSE(ppl::neg(dec("0")).isNegative());
  CHECK(ppl::abs(dec("-1.5")) == dec("1.5"));
  CHECK(ppl::abs(dec("1.5")) == dec("1.5"));
}

TEST_CASE("decimal: claim-sized values agree with scaled integer arithmetic", "[decimal]") {
  // Values with up to 9 integer and 6 fractional digits, as units of 10^-6 in an integer.
  std::mt19937_64 rng(20240229);
  auto randomUnits = [&]() -> int64_t {
    // Vary the length so small and large magnitudes both show up.
    const int digits = static_cast<int>(rng() % 15) + 1;
    int64_t limit = 1;
    for (int i = 0; i < digits; ++i) limit *= 10;
    int64_t v = static_cast<int64_t>(rng() % static_cast<uint64_t>(limit));
    return (rng() & 1) ? -v : v;
  };

  for (int i = 0; i < 5000; ++i) {
    const int64_t ua = randomUnits(), ub = randomUnits();
    const std::string ta = scaledText(ua, 6), tb = scaledText(ub, 6);
    INFO("a = " << ta << ", b = " << tb);
    const Decimal a = dec(ta.c_str()), b = dec(tb.c_str());
    REQUIRE(a.fitsClaimNumber());
    REQUIRE(text(a) == ta);

    CHECK(text(addOk(a, b)) == scaledText(static_cast<Int128>(ua) + ub, 6));
    CHECK(text(subOk(a, b)) == scaledText(static_cast<Int128>(ua) - ub, 6));
    CHECK(subOk(addOk(a, b), b) == a);
    const Decimal product = mulOk(a, b);
    CHECK(text(product) == scaledText(static_cast<Int128>(ua) * ub, 12));
    if (ub != 0) CHECK(divOk(product, b) == a);

    const int expected = ua < ub ? -1 : (ua > ub ? 1 : 0);
    CHECK(ppl::compare(a, b) == expected);
    CHECK((a < b) == (ua < ub));
    CHECK((a == b) == (ua == ub));

    CHECK(text(ppl::floor(a)) == scaledText((ua - (((ua % 1000000) + 1000000) % 1000000)) / 1000000, 0));
  }
}
