// Exact decimal arithmetic. See decimal.h for the contract.
//
// Every operation works on magnitudes and a separate sign, computes the exact result (or the
// exact result plus a "sticky" flag saying that nonzero digits were cut off below it) in a
// 256-bit scratch integer, and hands it to finish(), the one place that rounds half-even,
// strips trailing zeros and checks the exponent range. A 38-digit by 38-digit product has at
// most 76 digits, which is why 256 bits (77 digits) is enough everywhere.
#include "runtime/decimal.h"

#include <cassert>
#include <cstring>

namespace ppl {

// __extension__ keeps -Wpedantic quiet about the non-standard 128-bit types.
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

namespace {

constexpr int kMaxDigits = Decimal::kMaxDigits;

// Every value must print without an exponent in kMaxTextLength bytes, NUL included.
static_assert(1 + Decimal::kMaxIntegerDigits + 1 <= Decimal::kMaxTextLength,
              "largest integer does not fit the text buffer");
static_assert(3 - Decimal::kMinExponent + 1 <= Decimal::kMaxTextLength,
              "smallest fraction does not fit the text buffer");
static_assert(1 + kMaxDigits + 1 + 1 <= Decimal::kMaxTextLength,
              "38 digits with a point do not fit the text buffer");

// 10^0 .. 10^38: every power of ten below 2^128.
struct Pow10Table {
  UInt128 v[kMaxDigits + 1];
  constexpr Pow10Table() : v() {
    UInt128 p = 1;
    for (int i = 0; i <= kMaxDigits; ++i) {
      v[i] = p;
      p *= 10;
    }
  }
};
constexpr Pow10Table kPow10;

// 10^0 .. 10^19: every power of ten below 2^64, the divisors of the limb-wise routines.
constexpr int kMaxDigits64 = 19;
struct Pow10Table64 {
  uint64_t v[kMaxDigits64 + 1];
  constexpr Pow10Table64() : v() {
    uint64_t p = 1;
    for (int i = 0; i <= kMaxDigits64; ++i) {
      v[i] = p;
      p *= 10;
    }
  }
};
constexpr Pow10Table64 kPow10U64;

inline UInt128 pow10(int64_t n) {
  assert(n >= 0 && n <= kMaxDigits);
  return kPow10.v[n];
}

// Decimal digits of v, counting 0 as one digit. At most 39.
int digitCount(UInt128 v) {
  int n = 1;
  while (n <= kMaxDigits && v >= kPow10.v[n]) ++n;
  return n;
}

// Writes the digits of v (no sign, no NUL) and returns how many.
int writeDigits(UInt128 v, char* out) {
  // Peel 19-digit chunks so the printing itself runs on 64-bit words.
  const uint64_t chunk = kPow10U64.v[kMaxDigits64];
  uint64_t parts[3];
  int count = 0;
  do {
    parts[count++] = static_cast<uint64_t>(v % chunk);
    v /= chunk;
  } while (v != 0);

  char tmp[kMaxDigits64 + 1];
  int n = 0;
  for (int i = count - 1; i >= 0; --i) {
    uint64_t p = parts[i];
    int len = 0;
    do {
      tmp[len++] = static_cast<char>('0' + p % 10);
      p /= 10;
    } while (p != 0);
    // Lower chunks are zero-padded to their full 19 digits.
    if (i != count - 1) {
      while (len < kMaxDigits64) tmp[len++] = '0';
    }
    while (len > 0) out[n++] = tmp[--len];
  }
  return n;
}

// Drops trailing zeros, raising the exponent to match. mag must not be zero.
void stripZeros(UInt128& mag, int64_t& exp) {
  while ((mag >> 64) != 0) {
    if (mag % 10 != 0) return;
    mag /= 10;
    ++exp;
  }
  // The common case: the rest runs on a 64-bit word, which is far cheaper.
  uint64_t m = static_cast<uint64_t>(mag);
  while (m % 10 == 0) {
    m /= 10;
    ++exp;
  }
  mag = m;
}

// A 256-bit unsigned scratch integer, little-endian 64-bit limbs.
struct U256 {
  uint64_t w[4];
};

U256 fromU128(UInt128 v) {
  return U256{{static_cast<uint64_t>(v), static_cast<uint64_t>(v >> 64), 0, 0}};
}
bool fits128(const U256& x) { return (x.w[2] | x.w[3]) == 0; }
UInt128 low128(const U256& x) { return (static_cast<UInt128>(x.w[1]) << 64) | x.w[0]; }
bool isZero(const U256& x) { return (x.w[0] | x.w[1] | x.w[2] | x.w[3]) == 0; }

int compareU256(const U256& a, const U256& b) {
  for (int i = 3; i >= 0; --i) {
    if (a.w[i] != b.w[i]) return a.w[i] < b.w[i] ? -1 : 1;
  }
  return 0;
}

void addTo(U256& a, const U256& b) {
  uint64_t carry = 0;
  for (int i = 0; i < 4; ++i) {
    const UInt128 s = static_cast<UInt128>(a.w[i]) + b.w[i] + carry;
    a.w[i] = static_cast<uint64_t>(s);
    carry = static_cast<uint64_t>(s >> 64);
  }
  assert(carry == 0);
}

// a -= b; requires a >= b.
void subFrom(U256& a, const U256& b) {
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const uint64_t d = a.w[i] - b.w[i] - borrow;
    borrow = (a.w[i] < b.w[i] || (a.w[i] == b.w[i] && borrow)) ? 1 : 0;
    a.w[i] = d;
  }
  assert(borrow == 0);
}

void increment(U256& x) {
  for (int i = 0; i < 4; ++i) {
    if (++x.w[i] != 0) return;
  }
  assert(false && "U256 overflow");
}

// Full 128 x 128 -> 256-bit product, schoolbook on 64-bit halves.
U256 mul128(UInt128 a, UInt128 b) {
  const uint64_t a0 = static_cast<uint64_t>(a), a1 = static_cast<uint64_t>(a >> 64);
  const uint64_t b0 = static_cast<uint64_t>(b), b1 = static_cast<uint64_t>(b >> 64);
  const UInt128 p00 = static_cast<UInt128>(a0) * b0;
  const UInt128 p01 = static_cast<UInt128>(a0) * b1;
  const UInt128 p10 = static_cast<UInt128>(a1) * b0;
  const UInt128 p11 = static_cast<UInt128>(a1) * b1;

  U256 r;
  r.w[0] = static_cast<uint64_t>(p00);
  const UInt128 mid = (p00 >> 64) + static_cast<uint64_t>(p01) + static_cast<uint64_t>(p10);
  r.w[1] = static_cast<uint64_t>(mid);
  const UInt128 high = (mid >> 64) + (p01 >> 64) + (p10 >> 64) + static_cast<uint64_t>(p11);
  r.w[2] = static_cast<uint64_t>(high);
  r.w[3] = static_cast<uint64_t>((high >> 64) + (p11 >> 64));
  return r;
}

void mulSmall(U256& x, uint64_t m) {
  uint64_t carry = 0;
  for (int i = 0; i < 4; ++i) {
    const UInt128 p = static_cast<UInt128>(x.w[i]) * m + carry;
    x.w[i] = static_cast<uint64_t>(p);
    carry = static_cast<uint64_t>(p >> 64);
  }
  assert(carry == 0);
}

// x *= 10^k; callers guarantee the product stays below 2^256.
void scaleByPow10(U256& x, int64_t k) {
  while (k > 0) {
    const int64_t c = k < kMaxDigits64 ? k : kMaxDigits64;
    mulSmall(x, kPow10U64.v[c]);
    k -= c;
  }
}

// x /= d, returning the remainder. The 128-by-64 steps cannot overflow since rem < d.
uint64_t divSmall(U256& x, uint64_t d) {
  uint64_t rem = 0;
  for (int i = 3; i >= 0; --i) {
    const UInt128 cur = (static_cast<UInt128>(rem) << 64) | x.w[i];
    x.w[i] = static_cast<uint64_t>(cur / d);
    rem = static_cast<uint64_t>(cur % d);
  }
  return rem;
}

// q = n / d, r = n % d for a divisor below 2^127 (every coefficient is).
void divMod(const U256& n, UInt128 d, U256& q, UInt128& r) {
  if ((d >> 64) == 0) {
    q = n;
    r = divSmall(q, static_cast<uint64_t>(d));
    return;
  }
  if (fits128(n)) {
    q = fromU128(low128(n) / d);
    r = low128(n) % d;
    return;
  }
  // Binary long division: the running remainder stays below d < 2^127, so shifting it left
  // by one bit never overflows 128 bits. Only wide divisors of wide numerators get here.
  q = U256{{0, 0, 0, 0}};
  r = 0;
  for (int i = 255; i >= 0; --i) {
    r = (r << 1) | ((n.w[i / 64] >> (i % 64)) & 1);
    if (r >= d) {
      r -= d;
      q.w[i / 64] |= uint64_t{1} << (i % 64);
    }
  }
}

// Decimal digits of x (x > 0).
int digitCount(const U256& x) {
  U256 y = x;
  int extra = 0;
  while (!fits128(y)) {
    divSmall(y, kPow10U64.v[kMaxDigits64]);
    extra += kMaxDigits64;
  }
  return extra + digitCount(low128(y));
}

// Removes the k lowest digits of x (k >= 1). roundDigit gets the most significant removed
// digit and sticky whether any digit below it was nonzero: all that half-even rounding needs.
void dropDigits(U256& x, int64_t k, int& roundDigit, bool& sticky) {
  sticky = false;
  roundDigit = 0;
  while (k > 0) {
    const int64_t c = k < kMaxDigits64 ? k : kMaxDigits64;
    const uint64_t r = divSmall(x, kPow10U64.v[c]);
    k -= c;
    if (k == 0) {
      roundDigit = static_cast<int>(r / kPow10U64.v[c - 1]);
      sticky = sticky || (r % kPow10U64.v[c - 1]) != 0;
    } else {
      sticky = sticky || r != 0;
    }
  }
}

enum class RoundMode { kFloor, kCeil, kHalfEven };

}  // namespace

struct DecimalOps {
  static UInt128 magnitude(const Decimal& d) {
    const UInt128 bits = (static_cast<UInt128>(static_cast<uint64_t>(d.hi)) << 64) | d.lo;
    return d.hi < 0 ? -bits : bits;  // two's complement negate; never the minimum
  }

  // Builds a normalized Decimal; the caller has checked the exponent range.
  static Decimal make(bool negative, UInt128 mag, int64_t exp) {
    Decimal r;
    if (mag == 0) return r;  // one zero: exponent 0, never negative
    stripZeros(mag, exp);
    assert(mag < kPow10.v[kMaxDigits]);
    assert(exp >= Decimal::kMinExponent && exp + digitCount(mag) <= Decimal::kMaxIntegerDigits);
    const UInt128 bits = negative ? -mag : mag;
    r.lo = static_cast<uint64_t>(bits);
    r.hi = static_cast<int64_t>(static_cast<uint64_t>(bits >> 64));
    r.exp = static_cast<int32_t>(exp);
    return r;
  }

  // Rounds mag * 10^exp (plus a sliver more when sticky) half-even to maxDigits significant
  // digits, and further at 10^kMinExponent when it is that small; then normalizes and checks
  // for overflow. When sticky is set, mag must have more than maxDigits digits so that the
  // rounding position lies inside it.
  static DecimalStatus finish(bool negative, U256 mag, int64_t exp, bool sticky, int maxDigits,
                              Decimal& out) {
    if (isZero(mag)) {
      assert(!sticky);
      out = Decimal();
      return DecimalStatus::kOk;
    }
    const int64_t n = digitCount(mag);
    int64_t drop = n - maxDigits;
    if (Decimal::kMinExponent - exp > drop) drop = Decimal::kMinExponent - exp;
    if (drop > 0) {
      // Dropping more than every digit plus one changes nothing: it all rounds to zero anyway.
      if (drop > n + 1) drop = n + 1;
      int roundDigit;
      bool below;
      dropDigits(mag, drop, roundDigit, below);
      sticky = sticky || below;
      exp += drop;
      const bool odd = (mag.w[0] & 1) != 0;
      if (roundDigit > 5 || (roundDigit == 5 && (sticky || odd))) increment(mag);
    } else {
      assert(!sticky);
    }
    // At most 10^maxDigits now (a carry out of all nines), which stripZeros shortens.
    assert(fits128(mag));
    UInt128 m = low128(mag);
    if (m == 0) {
      out = Decimal();
      return DecimalStatus::kOk;
    }
    stripZeros(m, exp);
    if (exp + digitCount(m) > Decimal::kMaxIntegerDigits) return DecimalStatus::kOverflow;
    out = make(negative, m, exp);
    return DecimalStatus::kOk;
  }

  static DecimalStatus add(const Decimal& a, const Decimal& b, Decimal& out) {
    if (a.isZero()) {
      out = b;
      return DecimalStatus::kOk;
    }
    if (b.isZero()) {
      out = a;
      return DecimalStatus::kOk;
    }
    // x has the larger exponent; y's digits reach further down.
    const Decimal& x = a.exp >= b.exp ? a : b;
    const Decimal& y = a.exp >= b.exp ? b : a;
    const UInt128 mx = magnitude(x), my = magnitude(y);
    const int64_t ex = x.exp, ey = y.exp;
    const int64_t topX = ex + digitCount(mx);  // |x| < 10^topX

    U256 bigX, bigY;
    int64_t e;
    if (topX - ey <= 75) {
      // Align exactly at y's exponent: x's scaled coefficient stays below 10^75.
      bigX = fromU128(mx);
      scaleByPow10(bigX, ex - ey);
      bigY = fromU128(my);
      e = ey;
    } else {
      // Aligning exactly would not fit 256 bits (1e30 + 1e-30). Then |y| < 10^(topX - 38),
      // so y cannot reach the 38 digits kept, and the result keeps digits only from
      // 10^(topX - 39) up. Cut y at 10^(topX - 75) and, if that drops anything, "jam" a 1 in
      // the digit below: the result then falls strictly between the same two multiples of
      // 10^(topX - 75) as the exact one, which is all that rounding at a far higher digit
      // can see.
      const int64_t cut = topX - 75;
      const int64_t k = cut - ey;
      UInt128 q = 0;
      bool rest = true;  // my != 0
      if (k <= kMaxDigits) {
        q = my / pow10(k);
        rest = my % pow10(k) != 0;
      }
      bigX = fromU128(mx);
      scaleByPow10(bigX, ex - cut + 1);  // below 10^76
      bigY = fromU128(q);
      mulSmall(bigY, 10);
      if (rest) increment(bigY);
      e = cut - 1;
    }

    U256 m;
    bool negative;
    if (x.isNegative() == y.isNegative()) {
      m = bigX;
      addTo(m, bigY);
      negative = x.isNegative();
    } else if (compareU256(bigX, bigY) >= 0) {
      m = bigX;
      subFrom(m, bigY);
      negative = x.isNegative();
    } else {
      m = bigY;
      subFrom(m, bigX);
      negative = y.isNegative();
    }
    return finish(negative, m, e, false, kMaxDigits, out);
  }

  static DecimalStatus mul(const Decimal& a, const Decimal& b, Decimal& out) {
    if (a.isZero() || b.isZero()) {
      out = Decimal();
      return DecimalStatus::kOk;
    }
    const U256 m = mul128(magnitude(a), magnitude(b));  // below 10^76: exact
    return finish(a.isNegative() != b.isNegative(), m, static_cast<int64_t>(a.exp) + b.exp, false,
                  kMaxDigits, out);
  }

  static DecimalStatus div(const Decimal& a, const Decimal& b, Decimal& out) {
    if (b.isZero()) return DecimalStatus::kDivisionByZero;
    if (a.isZero()) {
      out = Decimal();
      return DecimalStatus::kOk;
    }
    const UInt128 ma = magnitude(a), mb = magnitude(b);
    const int da = digitCount(ma), db = digitCount(mb);
    // Scale the dividend to db + 35 digits (at most 73: fits 256 bits) so the integer quotient
    // has at least 35 digits: the 34 kept plus one to round with, the remainder being sticky.
    int k = db + Decimal::kDivisionDigits + 1 - da;
    if (k < 0) k = 0;
    U256 n = fromU128(ma);
    scaleByPow10(n, k);
    U256 q;
    UInt128 r;
    divMod(n, mb, q, r);
    return finish(a.isNegative() != b.isNegative(), q, static_cast<int64_t>(a.exp) - b.exp - k,
                  r != 0, Decimal::kDivisionDigits, out);
  }

  // Digit-by-digit (schoolbook) square root: each step brings down the next pair of digits
  // and finds the largest digit x with (20 * root + x) * x <= remainder. After j root digits
  // the remainder is at most 2 * root < 2 * 10^j, so 35 digits never overflow 128 bits.
  static DecimalStatus sqrt(const Decimal& a, Decimal& out) {
    if (a.isNegative()) return DecimalStatus::kDomain;
    if (a.isZero()) {
      out = Decimal();
      return DecimalStatus::kOk;
    }
    char digits[kMaxDigits + 2];
    int n = writeDigits(magnitude(a), digits);
    int64_t e = a.exp;
    if (e % 2 != 0) {  // the root of 10^e needs an even e: move one power into the digits
      digits[n++] = '0';
      --e;
    }
    const int lead = n % 2;  // an odd count is read as if it had a leading zero
    const int pairs = (n + 1) / 2;
    auto digitAt = [&](int i) { return i < 0 ? 0 : digits[i] - '0'; };

    const int rootDigits = Decimal::kDivisionDigits + 1;  // one more to round with
    UInt128 root = 0, rem = 0;
    for (int i = 0; i < rootDigits; ++i) {
      const int pair = i < pairs ? digitAt(2 * i - lead) * 10 + digitAt(2 * i + 1 - lead) : 0;
      const UInt128 cur = rem * 100 + static_cast<unsigned>(pair);
      const UInt128 base = root * 20;
      // (base + x) * x >= base * x, so cur / base bounds x from above.
      UInt128 x = 9;
      if (base != 0 && cur / base < x) x = cur / base;
      while ((base + x) * x > cur) --x;
      rem = cur - (base + x) * x;
      root = root * 10 + x;
    }
    // The first pair is nonzero, so root has exactly rootDigits digits. It is
    // floor(sqrt(digits * 100^(rootDigits - pairs))), and exact iff rem is zero.
    const int64_t rootExp = e / 2 - (rootDigits - pairs);
    // A tie (next digit 5, nothing after) cannot happen: an exact root of a 38-digit
    // coefficient has at most 20 digits. Half-even handles it anyway.
    return finish(false, fromU128(root), rootExp, rem != 0, Decimal::kDivisionDigits, out);
  }

  // Rounds to a multiple of 10^target (target <= 0) in the given direction.
  static Decimal roundAt(const Decimal& a, int64_t target, RoundMode mode) {
    if (a.exp >= target) return a;
    const int64_t k = target - a.exp;
    const UInt128 mag = magnitude(a);
    UInt128 q = 0, r = mag;  // more than 38 digits to drop: everything is fraction
    if (k <= kMaxDigits) {
      q = mag / pow10(k);
      r = mag % pow10(k);
    }
    const bool negative = a.isNegative();
    bool up = false;
    switch (mode) {
      case RoundMode::kFloor: up = negative && r != 0; break;
      case RoundMode::kCeil: up = !negative && r != 0; break;
      case RoundMode::kHalfEven:
        // Beyond 38 dropped digits r < 10^38 <= half a unit: round towards zero.
        if (k <= kMaxDigits) {
          const UInt128 half = 5 * pow10(k - 1);
          up = r > half || (r == half && (q & 1) != 0);
        }
        break;
    }
    if (up) ++q;  // k >= 1, so q < 10^37 and this cannot overflow
    return make(negative, q, target);
  }

  static Decimal neg(const Decimal& a) {
    return a.isZero() ? a : make(!a.isNegative(), magnitude(a), a.exp);
  }

  // Compares |a| and |b| for nonzero a and b.
  static int compareMagnitude(const Decimal& a, const Decimal& b) {
    UInt128 ma = magnitude(a), mb = magnitude(b);
    const int64_t topA = a.exp + digitCount(ma), topB = b.exp + digitCount(mb);
    if (topA != topB) return topA < topB ? -1 : 1;
    // Same leading digit position, so the exponents differ by at most 37 and aligning
    // the one with more room stays below 10^38.
    if (a.exp > b.exp) ma *= pow10(a.exp - b.exp);
    if (b.exp > a.exp) mb *= pow10(b.exp - a.exp);
    return ma < mb ? -1 : (ma > mb ? 1 : 0);
  }

  static int compare(const Decimal& a, const Decimal& b) {
    if (a.lo == b.lo && a.hi == b.hi && a.exp == b.exp) return 0;  // normalized: same bits
    const int sa = a.isZero() ? 0 : (a.isNegative() ? -1 : 1);
    const int sb = b.isZero() ? 0 : (b.isNegative() ? -1 : 1);
    if (sa != sb) return sa < sb ? -1 : 1;
    if (sa == 0) return 0;
    const int c = compareMagnitude(a, b);
    return sa > 0 ? c : -c;
  }

  static bool parse(std::string_view text, Decimal& out);
  static bool fitsClaimNumber(const Decimal& d);
  static bool toInt64(const Decimal& d, int64_t& out);
  static int format(const Decimal& d, char* buf);
};

namespace {
inline bool isDigit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

bool DecimalOps::parse(std::string_view text, Decimal& out) {
  const size_t n = text.size();
  size_t i = 0;
  bool negative = false;
  if (i < n && text[i] == '-') {
    negative = true;
    ++i;
  }
  if (i >= n || !isDigit(text[i])) return false;

  // The digits seen so far are coef * 10^pendingZeros (leading zeros dropped). Zeros wait in
  // pendingZeros until a nonzero digit follows, so trailing zeros never count against the
  // 38-digit limit however many there are.
  UInt128 coef = 0;
  int64_t sig = 0;
  int64_t pendingZeros = 0;
  int64_t fracDigits = 0;
  auto takeDigit = [&](char c) {
    const int d = c - '0';
    if (d == 0) {
      if (sig > 0) ++pendingZeros;
      return true;
    }
    if (sig + pendingZeros + 1 > kMaxDigits) return false;
    coef = coef * pow10(pendingZeros + 1) + static_cast<unsigned>(d);
    sig += pendingZeros + 1;
    pendingZeros = 0;
    return true;
  };

  if (text[i] == '0') {
    ++i;
    if (i < n && isDigit(text[i])) return false;  // JSON: a leading zero stands alone
  } else {
    for (; i < n && isDigit(text[i]); ++i) {
      if (!takeDigit(text[i])) return false;
    }
  }
  if (i < n && text[i] == '.') {
    ++i;
    if (i >= n || !isDigit(text[i])) return false;
    for (; i < n && isDigit(text[i]); ++i) {
      if (!takeDigit(text[i])) return false;
      ++fracDigits;
    }
  }
  int64_t e = 0;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool expNegative = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) {
      expNegative = text[i] == '-';
      ++i;
    }
    if (i >= n || !isDigit(text[i])) return false;
    for (; i < n && isDigit(text[i]); ++i) {
      // Saturate: anything this large is out of range however many digits follow.
      if (e < 1000000000) e = e * 10 + (text[i] - '0');
    }
    if (expNegative) e = -e;
  }
  if (i != n) return false;

  if (sig == 0) {  // every spelling of zero, "-0" and "0e999" included
    out = Decimal();
    return true;
  }
  const int64_t exp = pendingZeros - fracDigits + e;
  if (exp < Decimal::kMinExponent || exp + sig > Decimal::kMaxIntegerDigits) return false;
  out = make(negative, coef, exp);
  return true;
}

bool DecimalOps::fitsClaimNumber(const Decimal& d) {
  if (d.isZero()) return true;
  // Normalized, so exp is -(digits after the point) when negative.
  return d.exp >= -6 && d.exp + digitCount(magnitude(d)) <= 9;
}

bool DecimalOps::toInt64(const Decimal& d, int64_t& out) {
  if (d.exp < 0) return false;
  if (d.isZero()) {
    out = 0;
    return true;
  }
  if (d.exp > 18) return false;  // at least 10^19 in magnitude
  const UInt128 mag = magnitude(d);
  UInt128 v;
  if (__builtin_mul_overflow(mag, pow10(d.exp), &v)) return false;
  const UInt128 limit = d.isNegative() ? (static_cast<UInt128>(INT64_MAX) + 1) : INT64_MAX;
  if (v > limit) return false;
  out = d.isNegative() ? static_cast<int64_t>(-static_cast<Int128>(v)) : static_cast<int64_t>(v);
  return true;
}

int DecimalOps::format(const Decimal& d, char* buf) {
  char digits[kMaxDigits + 1];
  const size_t n = static_cast<size_t>(writeDigits(magnitude(d), digits));
  char* p = buf;
  if (d.isNegative()) *p++ = '-';
  if (d.exp >= 0) {
    std::memcpy(p, digits, n);
    p += n;
    if (!d.isZero()) {
      const size_t zeros = static_cast<size_t>(d.exp);
      std::memset(p, '0', zeros);
      p += zeros;
    }
  } else {
    const size_t frac = static_cast<size_t>(-d.exp);
    if (n > frac) {
      std::memcpy(p, digits, n - frac);
      p += n - frac;
      *p++ = '.';
      std::memcpy(p, digits + (n - frac), frac);
      p += frac;
    } else {
      *p++ = '0';
      *p++ = '.';
      std::memset(p, '0', frac - n);
      p += frac - n;
      std::memcpy(p, digits, n);
      p += n;
    }
  }
  *p = '\0';
  return static_cast<int>(p - buf);
}

Decimal Decimal::fromInt(int64_t v) {
  const UInt128 mag = v < 0 ? static_cast<UInt128>(-static_cast<Int128>(v)) : static_cast<UInt128>(v);
  return DecimalOps::make(v < 0, mag, 0);
}

bool Decimal::parse(std::string_view text, Decimal& out) { return DecimalOps::parse(text, out); }
bool Decimal::fitsClaimNumber() const { return DecimalOps::fitsClaimNumber(*this); }
bool Decimal::toInt64(int64_t& out) const { return DecimalOps::toInt64(*this, out); }
int Decimal::format(char* buf) const { return DecimalOps::format(*this, buf); }

std::string Decimal::toString() const {
  char buf[kMaxTextLength];
  const int n = format(buf);
  return std::string(buf, static_cast<size_t>(n));
}

int compare(const Decimal& a, const Decimal& b) { return DecimalOps::compare(a, b); }

DecimalStatus add(const Decimal& a, const Decimal& b, Decimal& out) { return DecimalOps::add(a, b, out); }
DecimalStatus sub(const Decimal& a, const Decimal& b, Decimal& out) {
  return DecimalOps::add(a, DecimalOps::neg(b), out);
}
DecimalStatus mul(const Decimal& a, const Decimal& b, Decimal& out) { return DecimalOps::mul(a, b, out); }
DecimalStatus div(const Decimal& a, const Decimal& b, Decimal& out) { return DecimalOps::div(a, b, out); }
DecimalStatus sqrt(const Decimal& a, Decimal& out) { return DecimalOps::sqrt(a, out); }

Decimal ceil(const Decimal& a) { return DecimalOps::roundAt(a, 0, RoundMode::kCeil); }
Decimal floor(const Decimal& a) { return DecimalOps::roundAt(a, 0, RoundMode::kFloor); }
Decimal roundHalfEven(const Decimal& a, int places) {
  // Beyond -kMinExponent places nothing can change; clamping keeps -places from overflowing.
  if (places < 0) places = 0;
  if (places > -Decimal::kMinExponent) places = -Decimal::kMinExponent;
  return DecimalOps::roundAt(a, -static_cast<int64_t>(places), RoundMode::kHalfEven);
}
Decimal neg(const Decimal& a) { return DecimalOps::neg(a); }
Decimal abs(const Decimal& a) { return a.isNegative() ? DecimalOps::neg(a) : a; }

}  // namespace ppl
