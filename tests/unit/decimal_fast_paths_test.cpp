// Decimal's fast paths against its general code (runtime/decimal_general.h): on a large
// deterministic random set every operation must give the same bits and the same status. The
// operands cover 1 to 38 digits, the whole exponent range, both signs and zero, and the places
// where the fast paths change strategy: 2^63, 2^64, 10^18 and 10^19, the 10^48 overflow and the
// 10^-80 underflow limits. Hand-written cases with independently known answers follow. (The
// random loops run a tenth of their cases in sanitizer builds: PPL_TEST_SCALE.)
#include "runtime/decimal.h"
#include "runtime/decimal_general.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>

using ppl::Decimal;
using ppl::DecimalStatus;
namespace general = ppl::decimal_general;

namespace {

__extension__ typedef unsigned __int128 UInt128;

std::string digitsOf(UInt128 v) {
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v != 0);
  return s;
}

UInt128 pow10(int n) {
  UInt128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

class RandomDecimals {
 public:
  explicit RandomDecimals(uint64_t seed) : rng_(seed) {}

  uint64_t below(uint64_t n) { return rng_() % n; }

  // A coefficient of 1 to 38 digits, short ones (the fast paths' domain) most often, and the
  // boundary families half as often as the rest together.
  UInt128 coefficient() {
    const UInt128 max = pow10(38) - 1;
    switch (below(8)) {
      case 0: {  // near 2^63, 2^64, 10^18, 10^19, 2^127-ish, 10^38
        static const UInt128 anchors[] = {UInt128{1} << 63, UInt128{1} << 64, pow10(18), pow10(19),
                                          pow10(9), pow10(17), UInt128{1} << 100, pow10(38) - 1};
        const UInt128 anchor = anchors[below(8)];
        const int64_t delta = static_cast<int64_t>(below(41)) - 20;
        UInt128 c = anchor + static_cast<UInt128>(delta < 0 ? -static_cast<UInt128>(-delta) : UInt128(delta));
        if (c == 0 || c > max) c = anchor > max ? max : anchor;
        return c;
      }
      case 1: {  // all nines, or a power of ten times a small number (trailing zeros)
        const int n = 1 + static_cast<int>(below(38));
        return below(2) == 0 ? pow10(n) - 1 : (1 + below(99)) * pow10(static_cast<int>(below(37)));
      }
      case 2:
      case 3: {  // any length
        return randomDigits(1 + static_cast<int>(below(38)));
      }
      default:  // claim-sized: at most 15 digits
        return randomDigits(1 + static_cast<int>(below(15)));
    }
  }

  // A valid Decimal (zero sometimes) with an exponent near `nearExp` or anywhere in range.
  Decimal value(int nearExp) {
    if (below(40) == 0) return Decimal();
    const UInt128 c = coefficient();
    const int digits = static_cast<int>(digitsOf(c).size());
    const int lo = Decimal::kMinExponent, hi = Decimal::kMaxIntegerDigits - digits;
    int exp;
    switch (below(4)) {
      case 0: exp = lo + static_cast<int>(below(static_cast<uint64_t>(hi - lo + 1))); break;
      case 1: exp = below(2) == 0 ? lo + static_cast<int>(below(3)) : hi - static_cast<int>(below(3)); break;
      default: exp = nearExp + static_cast<int>(below(21)) - 10; break;
    }
    if (exp < lo) exp = lo;
    if (exp > hi) exp = hi;
    const std::string text = (below(2) == 0 ? "-" : "") + digitsOf(c) + "e" + std::to_string(exp);
    Decimal d;
    REQUIRE(Decimal::parse(text, d));
    return d;
  }

 private:
  UInt128 randomDigits(int n) {
    UInt128 v = 1 + rng_() % 9;
    for (int i = 1; i < n; ++i) v = v * 10 + rng_() % 10;
    return v;
  }

  std::mt19937_64 rng_;
};

// c * 10^exp, negative when asked (zero stays zero).
Decimal scaled(UInt128 c, int exp, bool negative) {
  Decimal d;
  REQUIRE(Decimal::parse((negative ? "-" : "") + digitsOf(c) + "e" + std::to_string(exp), d));
  return d;
}

// A coefficient below 2^64 of 1 to 20 digits, every length about as often.
UInt128 coefficient64(std::mt19937_64& rng) {
  const int digits = 1 + static_cast<int>(rng() % 20);
  UInt128 v = 1 + rng() % 9;
  for (int i = 1; i < digits; ++i) v = v * 10 + rng() % 10;
  const UInt128 max = ~uint64_t{0};
  return v > max ? max - rng() % 1000 : v;
}

// Same bits: a normalized value is fixed by its text and exponent.
std::string bits(const Decimal& d) { return d.toString() + " e" + std::to_string(d.exponent()); }

// Digits of the coefficient: the text's digits without leading and trailing zeros.
int significantDigits(const Decimal& d) {
  std::string digits;
  for (const char c : d.toString()) {
    if (c >= '0' && c <= '9') digits += c;
  }
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  return static_cast<int>(digits.find_last_not_of('0') - first + 1);
}

// Runs op with both implementations and checks status and result (out unchanged on an error).
template <typename Fast, typename General>
void sameResult(const char* name, Fast fast, General slow, const std::string& operands) {
  const Decimal sentinel = Decimal::fromInt(-7);
  Decimal f = sentinel, g = sentinel;
  const DecimalStatus sf = fast(f), sg = slow(g);
  INFO(name << " of " << operands);
  REQUIRE(static_cast<int>(sf) == static_cast<int>(sg));
  REQUIRE(bits(f) == bits(g));
}

}  // namespace

TEST_CASE("decimal fast paths: every operation agrees with the general code", "[decimal]") {
  RandomDecimals random(20261127);
  for (int i = 0; i < 300000 / PPL_TEST_SCALE; ++i) {
    const int nearExp = static_cast<int>(random.below(30)) - 20;  // claim-like exponents mostly
    const Decimal a = random.value(nearExp), b = random.value(nearExp);
    const std::string operands = bits(a) + ", " + bits(b);
    {
      INFO("compare of " << operands);
      REQUIRE(ppl::compare(a, b) == general::compare(a, b));
    }
    sameResult("add", [&](Decimal& o) { return ppl::add(a, b, o); }, [&](Decimal& o) { return general::add(a, b, o); },
               operands);
    sameResult("sub", [&](Decimal& o) { return ppl::sub(a, b, o); }, [&](Decimal& o) { return general::sub(a, b, o); },
               operands);
    sameResult("mul", [&](Decimal& o) { return ppl::mul(a, b, o); }, [&](Decimal& o) { return general::mul(a, b, o); },
               operands);
    sameResult("div", [&](Decimal& o) { return ppl::div(a, b, o); }, [&](Decimal& o) { return general::div(a, b, o); },
               operands);
    sameResult("sqrt", [&](Decimal& o) { return ppl::sqrt(a, o); }, [&](Decimal& o) { return general::sqrt(a, o); },
               operands);
    const Decimal absA = ppl::abs(a);
    sameResult("sqrt |a|", [&](Decimal& o) { return ppl::sqrt(absA, o); },
               [&](Decimal& o) { return general::sqrt(absA, o); }, operands);
    const int places = static_cast<int>(random.below(8) == 0 ? random.below(100) : random.below(42)) - 2;
    INFO("places " << places);
    REQUIRE(bits(ppl::ceil(a)) == bits(general::ceil(a)));
    REQUIRE(bits(ppl::floor(a)) == bits(general::floor(a)));
    REQUIRE(bits(ppl::roundHalfEven(a, places)) == bits(general::roundHalfEven(a, places)));
  }
}

TEST_CASE("decimal fast paths: the inline compare and add agree with the general code", "[decimal]") {
  // decimal.h decides compare() for one exponent and add() for a zero operand or int64
  // coefficients with one exponent inline: pairs drawn to land there (and just beside it: a sum
  // that ends in zeros, overflows int64 or sits at the top exponents), both signs, every length.
  RandomDecimals random(20261128);
  auto withExponent = [&](const Decimal& d, int exp) {
    Decimal out;
    const std::string text = d.toString();
    std::string digits;
    for (const char c : text) {
      if (c >= '0' && c <= '9') digits += c;
    }
    const size_t first = digits.find_first_not_of('0');
    digits = first == std::string::npos ? "0" : digits.substr(first);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    if (!Decimal::parse((d.isNegative() ? "-" : "") + digits + "e" + std::to_string(exp), out)) return Decimal();
    return out;
  };
  for (int i = 0; i < 300000 / PPL_TEST_SCALE; ++i) {
    const int exp = random.below(4) == 0 ? Decimal::kMaxIntegerDigits - 22 + static_cast<int>(random.below(8))
                                         : static_cast<int>(random.below(30)) - 20;
    Decimal a = withExponent(random.value(exp), exp), b = withExponent(random.value(exp), exp);
    switch (random.below(6)) {
      case 0: a = Decimal(); break;
      case 1: b = Decimal(); break;
      case 2: {  // b := 10 - a's last digit, so that the sum ends in 0
        Decimal ten, sum;
        if (Decimal::parse("1e" + std::to_string(exp + 1), ten) && ppl::sub(ten, a, sum) == DecimalStatus::kOk) {
          b = sum;
        }
        break;
      }
      default: break;
    }
    const std::string operands = bits(a) + ", " + bits(b);
    {
      INFO("compare of " << operands);
      REQUIRE(ppl::compare(a, b) == general::compare(a, b));
      REQUIRE(ppl::compare(b, a) == general::compare(b, a));
      REQUIRE(ppl::compare(a, a) == 0);
    }
    sameResult("add", [&](Decimal& o) { return ppl::add(a, b, o); }, [&](Decimal& o) { return general::add(a, b, o); },
               operands);
    sameResult("add b, a", [&](Decimal& o) { return ppl::add(b, a, o); },
               [&](Decimal& o) { return general::add(b, a, o); }, operands);
    // The result may be an operand.
    Decimal inPlace = a;
    Decimal expected;
    const DecimalStatus s = general::add(a, b, expected);
    if (ppl::add(inPlace, b, inPlace) == DecimalStatus::kOk) {
      REQUIRE(s == DecimalStatus::kOk);
      REQUIRE(bits(inPlace) == bits(expected));
    }
  }
  // Beside the int64 limit: 2^63 - 1 is odd, so the sum is tested before it ends in a zero.
  Decimal max, one, out, expected;
  REQUIRE(Decimal::parse("9223372036854775807", max));
  REQUIRE(Decimal::parse("1", one));
  REQUIRE(ppl::add(max, one, out) == general::add(max, one, expected));
  REQUIRE(bits(out) == bits(expected));
  REQUIRE(ppl::add(ppl::neg(max), ppl::neg(one), out) == general::add(ppl::neg(max), ppl::neg(one), expected));
  REQUIRE(bits(out) == bits(expected));
}

TEST_CASE("decimal fast paths: claim-sized arithmetic agrees with the general code", "[decimal]") {
  // Units, heights, weights and money: at most 9 integer and 6 fraction digits, the
  // body-surface-area chain included.
  std::mt19937_64 rng(1127);
  auto claimNumber = [&]() {
    const int fraction = static_cast<int>(rng() % 7);
    const uint64_t limit = static_cast<uint64_t>(pow10(9 + fraction));
    return Decimal::fromScaled(static_cast<int64_t>(rng() % limit), fraction);
  };
  for (int i = 0; i < 100000 / PPL_TEST_SCALE; ++i) {
    const Decimal h = claimNumber(), w = claimNumber();
    Decimal hw, hwGeneral, area2, area2General;
    REQUIRE(ppl::mul(h, w, hw) == general::mul(h, w, hwGeneral));
    REQUIRE(bits(hw) == bits(hwGeneral));
    REQUIRE(ppl::div(hw, Decimal::fromInt(3600), area2) == general::div(hw, Decimal::fromInt(3600), area2General));
    REQUIRE(bits(area2) == bits(area2General));
    Decimal area, areaGeneral, dose, doseGeneral;
    REQUIRE(ppl::sqrt(area2, area) == general::sqrt(area2, areaGeneral));
    REQUIRE(bits(area) == bits(areaGeneral));
    REQUIRE(ppl::mul(Decimal::fromInt(25), area, dose) == general::mul(Decimal::fromInt(25), area, doseGeneral));
    REQUIRE(bits(dose) == bits(doseGeneral));
    REQUIRE(bits(ppl::ceil(dose)) == bits(general::ceil(dose)));
    REQUIRE(ppl::compare(h, ppl::ceil(dose)) == general::compare(h, general::ceil(dose)));
  }
}

TEST_CASE("decimal fast paths: 64-bit quotients at ties and at the exponent limits", "[decimal]") {
  // div() keeps the 34 digits of a quotient of 64-bit coefficients directly, stops early when
  // the remainder is zero, and rounds from the remainder. Ties: an odd a over b = 2^m is a * 5^m * 10^-m, exactly, which ends in 5 and
  // has 35 digits for the right lengths of a (m from 22 to 48); their neighbours a +- 1 round
  // away from the tie.
  std::mt19937_64 rng(34);
  auto check = [](const Decimal& a, const Decimal& b) {
    sameResult("div", [&](Decimal& o) { return ppl::div(a, b, o); },
               [&](Decimal& o) { return general::div(a, b, o); }, bits(a) + ", " + bits(b));
  };
  int ties = 0;
  UInt128 two = UInt128{1} << 21, five = pow10(21) >> 21;  // 2^21 and 5^21
  for (int m = 22; m <= 48; ++m) {
    two *= 2;
    five *= 5;
    const int fiveDigits = static_cast<int>(digitsOf(five).size());
    for (int i = 0; i < 60; ++i) {
      const int digits = 35 - fiveDigits + static_cast<int>(rng() % 3) - 1;  // 35 digits, or one beside
      if (digits < 1 || digits > 19) continue;
      UInt128 a = pow10(digits - 1) + rng() % static_cast<uint64_t>(pow10(digits - 1) * 9);
      a |= 1;
      if (digitsOf(a * five).size() == 35) ++ties;
      const bool negative = rng() % 2 == 0;
      const int exp = static_cast<int>(rng() % 21) - 10;
      for (const UInt128 nearA : {a - 1, a, a + 1}) {
        check(scaled(nearA, exp, negative), scaled(two, static_cast<int>(rng() % 11) - 5, rng() % 2 == 0));
      }
    }
  }
  CHECK(ties > 500);
  // Exact quotients whose digits end in the first, second or third 19-digit chunk of the long
  // division, or never: a over 2^m is exact with as many digits as a * 5^m has (up to 64), a
  // over 5^m with those of a * 2^m.
  for (int m = 0; m < 64; ++m) {
    for (int i = 0; i < 20; ++i) {
      const UInt128 a = coefficient64(rng);
      const int exp = static_cast<int>(rng() % 21) - 10;
      check(scaled(a, exp, rng() % 2 == 0), scaled(UInt128{1} << m, 0, rng() % 2 == 0));
      if (m <= 27) check(scaled(a, exp, rng() % 2 == 0), scaled(pow10(m) >> m, 0, rng() % 2 == 0));
    }
  }
  // Every exponent of a quotient: a's exponent runs over its whole range against b at the bottom,
  // the middle and the top of its own, so the quotient's crosses 10^kMinExponent (where rounding
  // moves up to that digit) and the exponents whose rounding could carry to 10^kMaxIntegerDigits.
  for (int i = 0; i < 600 / PPL_TEST_SCALE; ++i) {
    const UInt128 ca = coefficient64(rng), cb = coefficient64(rng);
    const bool na = rng() % 2 == 0, nb = rng() % 2 == 0;
    const int topA = Decimal::kMaxIntegerDigits - static_cast<int>(digitsOf(ca).size());
    for (const int bExp : {Decimal::kMinExponent, 0, Decimal::kMaxIntegerDigits - 20}) {
      const Decimal b = scaled(cb, bExp, nb);
      for (int aExp = Decimal::kMinExponent; aExp <= topA; ++aExp) check(scaled(ca, aExp, na), b);
    }
  }
}

TEST_CASE("decimal fast paths: 128-bit products beside 10^38 and at every exponent", "[decimal]") {
  // mul() takes a product of at most 38 digits as it is, when its exponent can neither round at
  // 10^kMinExponent nor overflow: products just below and above 10^38 (a wide coefficient times
  // 10^38 / it, give or take), and a's exponent over its whole range against b's at three
  // places, so that the product's crosses both limits.
  std::mt19937_64 rng(38);
  RandomDecimals random(39);
  auto check = [](const Decimal& a, const Decimal& b) {
    sameResult("mul", [&](Decimal& o) { return ppl::mul(a, b, o); },
               [&](Decimal& o) { return general::mul(a, b, o); }, bits(a) + ", " + bits(b));
  };
  for (int i = 0; i < 600 / PPL_TEST_SCALE; ++i) {
    UInt128 wide = random.coefficient();
    if (wide < pow10(19)) wide += pow10(19);
    const UInt128 shifted = pow10(38) / wide + rng() % 5;  // give or take two
    const UInt128 narrow = shifted > 2 ? shifted - 2 : 1;
    const bool na = rng() % 2 == 0, nb = rng() % 2 == 0;
    const int topA = Decimal::kMaxIntegerDigits - static_cast<int>(digitsOf(wide).size());
    for (const int bExp : {-40, 0, 20}) {
      const Decimal b = scaled(narrow, bExp, nb);
      for (int aExp = Decimal::kMinExponent; aExp <= topA; ++aExp) check(scaled(wide, aExp, na), b);
    }
  }
  // 2^38 * 5^38 is 10^38 exactly: at exponent 10 it reaches 10^48.
  for (int exp = 5; exp <= 12; ++exp) check(scaled(UInt128{1} << 38, exp, false), scaled(pow10(38) >> 38, 0, true));
}

TEST_CASE("decimal fast paths: square roots beside half a unit and at every exponent", "[decimal]") {
  // sqrt() rounds its 34-digit root r up when n - r^2 > r. The boundary n = r^2 + r (sqrt(n)
  // just below r + 1/2: round down) is reached for r = k * 10^30 - 1 and r = k * 10^30, 34 digits
  // long, as r * (r + 1) is then a 38-digit coefficient times 10^30, the scale sqrt() gives it.
  auto check = [](const Decimal& a) {
    sameResult("sqrt", [&](Decimal& o) { return ppl::sqrt(a, o); }, [&](Decimal& o) { return general::sqrt(a, o); },
               bits(a));
  };
  std::mt19937_64 rng(35);
  for (int i = 0; i < 2000 / PPL_TEST_SCALE; ++i) {
    const UInt128 k = 1000 + rng() % 9000;
    for (const UInt128 r : {k * pow10(30) - 1, k * pow10(30)}) {
      const UInt128 m = r % 10 == 0 ? k * (r + 1) : k * r;  // r * (r + 1) / 10^30, below 10^38
      const int exp = 2 * static_cast<int>(rng() % 45) + Decimal::kMinExponent;  // even, -80 to 8
      check(scaled(m, exp, false));
      check(scaled(m - 1, exp, false));
      check(scaled(m + 1, exp, false));
    }
  }
  // Every exponent, for coefficients of every length.
  RandomDecimals random(36);
  for (int i = 0; i < 1000 / PPL_TEST_SCALE; ++i) {
    const UInt128 c = random.coefficient();
    const int top = Decimal::kMaxIntegerDigits - static_cast<int>(digitsOf(c).size());
    for (int exp = Decimal::kMinExponent; exp <= top; ++exp) check(scaled(c, exp, false));
  }
}

TEST_CASE("decimal fast paths: rounding to places drops 1 to 38 digits and rounds ties to even", "[decimal]") {
  // roundAt() divides a 64-bit magnitude by 10^k for k up to 19 in one word, and any magnitude by
  // 10^19 and 10^(k - 19) for k from 20 to 38. Each k, at 2^64 and 10^19 give or take, and
  // coefficients q * 10^k + 5 * 10^(k - 1) (+-1), whose dropped part is half a unit or beside it.
  std::mt19937_64 rng(40);
  RandomDecimals random(41);
  auto check = [](const Decimal& a, int places) {
    INFO(bits(a) << " to " << places << " places");
    REQUIRE(bits(ppl::ceil(a)) == bits(general::ceil(a)));
    REQUIRE(bits(ppl::floor(a)) == bits(general::floor(a)));
    REQUIRE(bits(ppl::roundHalfEven(a, places)) == bits(general::roundHalfEven(a, places)));
  };
  for (int i = 0; i < 3000 / PPL_TEST_SCALE; ++i) {
    const int k = 1 + static_cast<int>(rng() % 38);  // digits to drop
    const int places = static_cast<int>(rng() % 4);
    const bool negative = rng() % 2 == 0;
    UInt128 c = random.coefficient();
    if (i % 3 == 0) {  // beside 2^64 and 10^19, where the one-word case ends
      const UInt128 anchor = i % 2 == 0 ? UInt128{1} << 64 : pow10(19);
      c = anchor - 3 + rng() % 7;
    } else if (i % 3 == 1 && k <= 37) {  // half a unit at the k-th digit, or one off
      const UInt128 q = static_cast<UInt128>(rng()) % pow10(38 - k > 19 ? 19 : 38 - k - 1);
      c = q * pow10(k) + 5 * pow10(k - 1) - 1 + rng() % 3;
    }
    if (c == 0) c = 1;
    check(scaled(c, -k - places, negative), places);
  }
}

TEST_CASE("decimal fast paths: exact quotients lose exactly their trailing zeros", "[decimal]") {
  // x / 1 is x: its 35-digit quotient ends in zeros, which stripping must remove all of, and only
  // them, whatever the coefficient's length (stripping works on 19-digit chunks).
  RandomDecimals random(5);
  for (int i = 0; i < 20000 / PPL_TEST_SCALE; ++i) {
    const Decimal x = random.value(0);
    if (significantDigits(x) > Decimal::kDivisionDigits) continue;  // the quotient would round
    Decimal q;
    REQUIRE(ppl::div(x, Decimal::fromInt(1), q) == DecimalStatus::kOk);
    INFO(bits(x));
    REQUIRE(bits(q) == bits(x));
    if (!x.isNegative()) {
      Decimal square, root;
      if (ppl::mul(x, x, square) == DecimalStatus::kOk && ppl::sqrt(square, root) == DecimalStatus::kOk &&
          significantDigits(x) <= 17 && 2 * x.exponent() >= Decimal::kMinExponent) {
        REQUIRE(bits(root) == bits(x));  // x * x is exact: 34 digits at most, none below 10^-80
      }
    }
  }
}

TEST_CASE("decimal fast paths: products lose exactly their trailing zeros", "[decimal]") {
  // (c * 2^z) * 5^z is c * 10^z, for c with no factor 2 or 5: its z zeros (none to 37, one at a
  // time or by 19-digit chunks, on one 64-bit word or two) must all go into the exponent, and no
  // digit of c with them; checked against c's own digits, not the general code, which strips
  // the same way. The factors themselves end in no zero.
  std::mt19937_64 rng(37);
  for (int i = 0; i < 40000 / PPL_TEST_SCALE; ++i) {
    const int zeros = static_cast<int>(rng() % 38);
    const int digits = 1 + static_cast<int>(rng() % static_cast<uint64_t>(38 - zeros));
    UInt128 c = pow10(digits - 1) + (static_cast<UInt128>(rng()) << 64 | rng()) % (pow10(digits - 1) * 9);
    while (c % 2 == 0 || c % 5 == 0) --c;
    UInt128 x = c, y = 1;
    for (int j = 0; j < zeros; ++j) {
      if (x > pow10(38) / 2 - 1) break;  // c * 2^z must stay a coefficient
      x *= 2;
      y *= 5;
    }
    int z = 0;  // the zeros the product ends in
    for (UInt128 p = x; p % 2 == 0; p /= 2) ++z;
    const int exp = static_cast<int>(rng() % 21) - 10;
    const bool negative = rng() % 2 == 0;
    Decimal product;
    REQUIRE(ppl::mul(scaled(x, exp, negative), scaled(y, 0, false), product) == DecimalStatus::kOk);
    INFO(digitsOf(x) << "e" << exp << " * " << digitsOf(y));
    CHECK(product.exponent() == exp + z);
    CHECK(bits(product) == bits(scaled(c, exp + z, negative)));  // c is odd: nothing to strip
  }
  // The halves of 2^65 - 2 (1 and 2^64 - 2) add up to 2^64 - 1, the largest sum whose
  // divisibility by 5 is tested; it ends in one zero.
  Decimal product;
  REQUIRE(ppl::mul(Decimal::fromInt(7378697629483820646), Decimal::fromInt(5), product) == DecimalStatus::kOk);
  CHECK(bits(product) == "36893488147419103230 e1");
}

TEST_CASE("decimal fast paths: answers known independently", "[decimal]") {
  auto dec = [](const char* text) {
    Decimal d;
    REQUIRE(Decimal::parse(text, d));
    return d;
  };
  Decimal r;
  REQUIRE(ppl::add(dec("0.1"), dec("0.2"), r) == DecimalStatus::kOk);
  CHECK(r.toString() == "0.3");
  CHECK(r.exponent() == -1);
  REQUIRE(ppl::add(dec("0.5"), dec("0.5"), r) == DecimalStatus::kOk);  // 10 * 10^-1 is stored as 1
  CHECK(r.exponent() == 0);
  REQUIRE(ppl::sub(dec("60"), dec("60.0"), r) == DecimalStatus::kOk);
  CHECK(r.isZero());
  CHECK(r.exponent() == 0);
  // int64 edges: -2^63 is an int64 coefficient, 2^63 is not; their sum and product.
  REQUIRE(ppl::add(dec("-9223372036854775808"), dec("9223372036854775807"), r) == DecimalStatus::kOk);
  CHECK(r.toString() == "-1");
  REQUIRE(ppl::add(dec("9223372036854775807"), dec("1"), r) == DecimalStatus::kOk);
  CHECK(r.toString() == "9223372036854775808");
  REQUIRE(ppl::mul(dec("4294967296"), dec("2147483648"), r) == DecimalStatus::kOk);  // 2^32 * 2^31
  CHECK(r.toString() == "9223372036854775808");
  CHECK(ppl::compare(dec("9223372036854775807"), dec("9.223372036854775808e18")) < 0);
  CHECK(ppl::compare(dec("1e18"), dec("999999999999999999")) > 0);
  CHECK(ppl::compare(dec("-1e20"), dec("-99999999999999999999")) < 0);
  CHECK(ppl::compare(dec("0"), dec("-1e-80")) > 0);
  CHECK(ppl::compare(dec("30.1"), dec("30.10")) == 0);
  // Overflow at 10^48 and rounding at 10^-80, reached from short operands.
  CHECK(ppl::mul(dec("1e24"), dec("1e24"), r) == DecimalStatus::kOverflow);
  CHECK(ppl::add(dec("9e47"), dec("1e47"), r) == DecimalStatus::kOverflow);
  REQUIRE(ppl::mul(dec("1.5e-40"), dec("1e-40"), r) == DecimalStatus::kOk);  // 1.5e-80: tie, to even
  CHECK(r.toString() == "0." + std::string(79, '0') + "2");
  REQUIRE(ppl::mul(dec("2.5e-40"), dec("1e-40"), r) == DecimalStatus::kOk);
  CHECK(r.toString() == "0." + std::string(79, '0') + "2");
  // Division: terminating quotients are exact, others keep 34 digits rounded half-even.
  REQUIRE(ppl::div(dec("17424"), dec("3600"), r) == DecimalStatus::kOk);
  CHECK(r.toString() == "4.84");
  REQUIRE(ppl::div(dec("2"), dec("3"), r) == DecimalStatus::kOk);
  CHECK(r.toString() == "0.6666666666666666666666666666666667");
  REQUIRE(ppl::div(dec("1"), dec("8"), r) == DecimalStatus::kOk);
  CHECK(r.toString() == "0.125");
  CHECK(ppl::div(dec("1"), dec("0"), r) == DecimalStatus::kDivisionByZero);
  // Roots: sqrt(4.84) = 2.2 exactly; sqrt(2) = 1.41421356237309504880168872420969807856967...
  REQUIRE(ppl::sqrt(dec("4.84"), r) == DecimalStatus::kOk);
  CHECK(r.toString() == "2.2");
  REQUIRE(ppl::sqrt(dec("2"), r) == DecimalStatus::kOk);
  CHECK(r.toString() == "1.414213562373095048801688724209698");
  // sqrt(5) = 2.23606797749978969640917366873127623544...: 35th digit 2, rounds down.
  REQUIRE(ppl::sqrt(dec("5"), r) == DecimalStatus::kOk);
  CHECK(r.toString() == "2.236067977499789696409173668731276");
  // Rounding of values with few and many fraction digits; ties go to even.
  CHECK(ppl::ceil(dec("54.0000000000000000000000000000001")).toString() == "55");
  CHECK(ppl::floor(dec("-54.0000000000000000000000000000001")).toString() == "-55");
  CHECK(ppl::roundHalfEven(dec("0.5000000000000000000000000000000"), 0).isZero());
  CHECK(ppl::roundHalfEven(dec("1.500000000000000000000000000000000"), 0).toString() == "2");
  CHECK(ppl::roundHalfEven(dec("2.500000000000000000000000000000001"), 0).toString() == "3");
  CHECK(ppl::roundHalfEven(dec("2.25"), 1).toString() == "2.2");
  CHECK(ppl::roundHalfEven(dec("2.35"), 1).toString() == "2.4");
  CHECK(ppl::ceil(dec("55")).toString() == "55");
}
