// Exact decimal arithmetic. See decimal.h for the contract.
//
// Every operation works on magnitudes and a separate sign, computes the exact result (or the
// exact result plus a "sticky" flag saying that nonzero digits were cut off below it) in a
// 256-bit scratch integer, and hands it to finish(), the one place that rounds half-even,
// strips trailing zeros and checks the exponent range. A 38-digit by 38-digit product has at
// most 76 digits, which is why 256 bits (77 digits) is enough everywhere.
#include "runtime/decimal.h"

#include <cassert>
#include <cmath>
#include <cstring>

#include "runtime/decimal_general.h"

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

// Decimal digits of v (0 for v = 0: callers test for zero first). At most 39. From the bit length: v has
// floor(log10 v) + 1 digits, and floor(log10 v) is g or g - 1 for g = floor(bits * log10 2)
// (1233 / 4096 is log10 2 to within 1e-5, exact enough below 2^128), so one comparison decides.
inline int digitCount(UInt128 v) {
  const uint64_t hi = static_cast<uint64_t>(v >> 64), lo = static_cast<uint64_t>(v);
  const int bits = hi != 0 ? 128 - __builtin_clzll(hi) : 64 - __builtin_clzll(lo | 1);
  const int g = (bits * 1233) >> 12;
  return g + (v >= kPow10.v[g] ? 1 : 0);
}

// digitCount() of a 64-bit v, on one word.
inline int digitCount64(uint64_t v) {
  const int g = ((64 - __builtin_clzll(v | 1)) * 1233) >> 12;  // at most 19
  return g + (v >= kPow10U64.v[g] ? 1 : 0);
}

// (hi:lo) / d for hi < d, so the quotient fits 64 bits; *rem gets the remainder. On x86-64
// that is one DIV instruction; a 128-bit `/` would call the general __udivti3 instead.
inline uint64_t div128by64(uint64_t hi, uint64_t lo, uint64_t d, uint64_t* rem) {
  assert(hi < d);
#if defined(__x86_64__) && defined(__GNUC__)
  uint64_t q, r;
  __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d));
  *rem = r;
  return q;
#else
  const UInt128 cur = (static_cast<UInt128>(hi) << 64) | lo;
  *rem = static_cast<uint64_t>(cur % d);
  return static_cast<uint64_t>(cur / d);
#endif
}

// v / d and v % d for a 64-bit divisor: two DIVs at most.
inline UInt128 divMod128by64(UInt128 v, uint64_t d, uint64_t& rem) {
  const uint64_t hi = static_cast<uint64_t>(v >> 64), lo = static_cast<uint64_t>(v);
  const uint64_t qh = hi / d;
  const uint64_t ql = div128by64(hi % d, lo, d, &rem);
  return (static_cast<UInt128>(qh) << 64) | ql;
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

// stripZeros() for a nonzero 64-bit coefficient, with divisions by constants. Claim numbers
// (60, 82.5, 100) have no or few trailing zeros: test once, strip big chunks only when there
// are at least four.
inline void stripZeros64(uint64_t& m, int64_t& exp) {
  if (m % 10 != 0) return;
  if (m % 10000 == 0) {
    if (m % 10000000000000000u == 0) {
      m /= 10000000000000000u;
      exp += 16;
    }
    if (m % 100000000 == 0) {
      m /= 100000000;
      exp += 8;
    }
    if (m % 10000 == 0) {
      m /= 10000;
      exp += 4;
    }
  }
  while (m % 10 == 0) {
    m /= 10;
    ++exp;
  }
}

// Whether v is a multiple of 5, with one multiplication: 2^64 = 1 (mod 5), so v = hi + lo
// (mod 5), the carry out of hi + lo counting 1; and a 64-bit s is a multiple of 5 exactly when
// s times the inverse of 5 modulo 2^64 is at most (2^64 - 1) / 5 (the multiples of 5 map onto
// 0 .. (2^64 - 1) / 5, the rest above it).
inline bool multipleOf5(UInt128 v) {
  uint64_t s;
  const bool carry = __builtin_add_overflow(static_cast<uint64_t>(v >> 64), static_cast<uint64_t>(v), &s);
  s += carry;  // cannot wrap: hi + lo <= 2^65 - 2
  return s * 0xCCCCCCCCCCCCCCCDu <= 0x3333333333333333u;
}

// Drops trailing zeros, raising the exponent to match; mag must end in 0. A product such as
// 25 * 2.46 = 61.50 ends in one or two zeros: a multiple of 10 divided by 10 is (mag / 2) times
// the inverse of 5 modulo 2^128, three multiplications, so the first few go one at a time. Exact
// quotients and roots (17424 / 3600 = 4.84 to 34 digits) end in many: mag's last 19 digits, one
// division away, end in the same zeros as mag unless they are all zero, so the zeros are counted
// on that 64-bit word and removed by one more division.
void stripZerosSlow(UInt128& mag, int64_t& exp) {
  constexpr UInt128 kInverseOf5 = (static_cast<UInt128>(0xCCCCCCCCCCCCCCCCu) << 64) | 0xCCCCCCCCCCCCCCCDu;
  for (int i = 0; i < 3; ++i) {
    mag = (mag >> 1) * kInverseOf5;
    ++exp;
    if ((static_cast<uint64_t>(mag) & 1) != 0 || !multipleOf5(mag)) return;
  }
  while ((mag >> 64) != 0) {
    if ((static_cast<uint64_t>(mag) & 1) != 0 || !multipleOf5(mag)) return;  // no division unless it ends in 0
    uint64_t last19;
    const UInt128 q = divMod128by64(mag, kPow10U64.v[kMaxDigits64], last19);
    if (last19 == 0) {
      mag = q;
      exp += kMaxDigits64;
      continue;
    }
    int64_t zeros = 0;
    stripZeros64(last19, zeros);  // 1 to 18
    uint64_t rem;
    mag = divMod128by64(mag, kPow10U64.v[zeros], rem);
    exp += zeros;
    return;
  }
  uint64_t m = static_cast<uint64_t>(mag);
  stripZeros64(m, exp);
  mag = m;
}

// The usual case inline: a coefficient that does not end in 0 (nine in ten 34-digit quotients
// and roots).
inline void stripZeros(UInt128& mag, int64_t& exp) {
  if ((static_cast<uint64_t>(mag) & 1) != 0 || !multipleOf5(mag)) return;
  stripZerosSlow(mag, exp);
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
  int i = 3;
  while (i >= 0 && x.w[i] == 0) --i;  // leading zero limbs: quotient 0, remainder still 0
  for (; i >= 0; --i) x.w[i] = div128by64(rem, x.w[i], d, &rem);
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
    if (mag == 0) return Decimal();  // one zero: exponent 0, never negative
    stripZeros(mag, exp);
    return pack(negative, mag, exp);
  }

  // make() for a nonzero magnitude without trailing zeros.
  static Decimal pack(bool negative, UInt128 mag, int64_t exp) {
    Decimal r;
    assert(mag != 0 && mag % 10 != 0);
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
  static DecimalStatus finish(bool negative, const U256& mag, int64_t exp, bool sticky, int maxDigits,
                              Decimal& out) {
    if (fits128(mag)) return finish128(negative, low128(mag), exp, sticky, maxDigits, out);
    return finishWide(negative, mag, exp, sticky, maxDigits, out);
  }

  // finish() for a magnitude below 2^128, the usual case (claim numbers, their products, the
  // 35-digit quotients and roots), on 64-bit words: at most 19 digits are dropped here, by
  // two DIVs, and wider drops go to finishWide().
  static DecimalStatus finish128(bool negative, UInt128 m, int64_t exp, bool sticky, int maxDigits,
                                 Decimal& out) {
    if (m == 0) {
      assert(!sticky);
      out = Decimal();
      return DecimalStatus::kOk;
    }
    const int64_t n = digitCount(m);
    int64_t drop = n - maxDigits;
    if (Decimal::kMinExponent - exp > drop) drop = Decimal::kMinExponent - exp;
    if (drop > 0) {
      if (drop > kMaxDigits64) return finishWide(negative, fromU128(m), exp, sticky, maxDigits, out);
      uint64_t r;
      m = divMod128by64(m, kPow10U64.v[drop], r);
      const uint64_t unit = kPow10U64.v[drop - 1];
      const uint64_t roundDigit = r / unit;
      sticky = sticky || r % unit != 0;
      exp += drop;
      if (roundDigit > 5 || (roundDigit == 5 && (sticky || (m & 1) != 0))) ++m;
      if (m == 0) {
        out = Decimal();
        return DecimalStatus::kOk;
      }
    } else {
      assert(!sticky);
    }
    stripZeros(m, exp);
    // At most 38 digits, so only an exponent above 10 can reach 10^48.
    if (exp > Decimal::kMaxIntegerDigits - kMaxDigits && exp + digitCount(m) > Decimal::kMaxIntegerDigits) {
      return DecimalStatus::kOverflow;
    }
    out = pack(negative, m, exp);
    return DecimalStatus::kOk;
  }

  static DecimalStatus finishWide(bool negative, U256 mag, int64_t exp, bool sticky, int maxDigits,
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
    out = pack(negative, m, exp);
    return DecimalStatus::kOk;
  }

  static DecimalStatus addGeneral(const Decimal& a, const Decimal& b, Decimal& out) {
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
    if (ex - ey <= kMaxDigits64 && ((mx | my) >> 64) == 0) {
      // Both coefficients fit 64 bits and align within 19 digits (units, days, money): the
      // aligned sum stays below 2^64 * 10^19 + 2^64 < 2^128.
      const UInt128 bx = static_cast<UInt128>(static_cast<uint64_t>(mx)) * kPow10U64.v[ex - ey];
      if (x.isNegative() == y.isNegative()) return finish128(x.isNegative(), bx + my, ey, false, kMaxDigits, out);
      if (bx >= my) return finish128(x.isNegative(), bx - my, ey, false, kMaxDigits, out);
      return finish128(y.isNegative(), my - bx, ey, false, kMaxDigits, out);
    }
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

  static DecimalStatus mulGeneral(const Decimal& a, const Decimal& b, Decimal& out) {
    if (a.isZero() || b.isZero()) {
      out = Decimal();
      return DecimalStatus::kOk;
    }
    const UInt128 ma = magnitude(a), mb = magnitude(b);
    if (((ma | mb) >> 64) == 0) {  // a 64 x 64-bit product fits 128 bits
      return finish128(a.isNegative() != b.isNegative(), ma * mb, static_cast<int64_t>(a.exp) + b.exp, false,
                       kMaxDigits, out);
    }
    const U256 m = mul128(ma, mb);  // below 10^76: exact
    return finish(a.isNegative() != b.isNegative(), m, static_cast<int64_t>(a.exp) + b.exp, false,
                  kMaxDigits, out);
  }

  static DecimalStatus divGeneral(const Decimal& a, const Decimal& b, Decimal& out) {
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

  // Square root: the root's 35 digits (34 kept, one to round with) are floor(sqrt(N)) for the
  // coefficient scaled to N = m * 100^k, with k chosen so that the root has exactly 35 digits;
  // the remainder N - root^2 is the sticky bit. floor(sqrt(N)) comes from rootByHalves() (the
  // fast path, when fastRoot) or isqrt() below, each proven by r^2 <= N < (r + 1)^2; the
  // digit-by-digit method backs up isqrt().
  static DecimalStatus sqrtWith(const Decimal& a, bool fastRoot, Decimal& out) {
    if (a.isNegative()) return DecimalStatus::kDomain;
    if (a.isZero()) {
      out = Decimal();
      return DecimalStatus::kOk;
    }
    int64_t rootExp;
    const U256 n = radicand(a, Decimal::kDivisionDigits + 1, rootExp);  // one more digit to round with
    UInt128 root, rest;
    bool exact;
    if (fastRoot && rootByHalves(n, root, rest)) {
      exact = rest == 0;
    } else if (!isqrt(n, root, exact)) {
      sqrtByDigits(n, root, exact);
    }
    // A tie (next digit 5, nothing after) cannot happen: an exact root of a 38-digit
    // coefficient has at most 20 digits. Half-even handles it anyway.
    return finish(false, fromU128(root), rootExp, !exact, Decimal::kDivisionDigits, out);
  }

  // A positive a's coefficient m scaled to n = m * 10^scale, the scale making a's exponent even
  // and floor(sqrt(n)) exactly rootDigits digits long (at most 35); and that root's exponent.
  static U256 radicand(const Decimal& a, int rootDigits, int64_t& rootExp) {
    const UInt128 m = magnitude(a);
    int digits = digitCount(m);
    int64_t e = a.exp;
    int64_t scale = 0;
    if (e % 2 != 0) {  // the root of 10^e needs an even e: move one power into the coefficient
      scale = 1;
      ++digits;
      --e;
    }
    const int pairs = (digits + 1) / 2;  // an odd count is read as if it had a leading zero
    scale += 2 * static_cast<int64_t>(rootDigits - pairs);
    // The first pair is nonzero, so the root has exactly rootDigits digits.
    rootExp = e / 2 - (rootDigits - pairs);
    // n = m * 10^scale has at most 70 digits (fits 256 bits), so m * 10^(scale - 38) has at most
    // 32: one 128-bit product either way.
    return scale <= kMaxDigits ? mul128(m, pow10(scale)) : mul128(m * pow10(scale - kMaxDigits), pow10(kMaxDigits));
  }

  // floor(sqrt(n)) for n < 2^234 (the root fits 117 bits), and whether it is exact. Starts from
  // the double square root (53 correct bits), then Newton steps r += (n - r^2) / 2r computed in
  // double (each at least doubles the correct bits: two reach +-1), and stops only when
  // r^2 <= n <= r^2 + 2r, i.e. r = floor(sqrt(n)) proven in exact integer arithmetic. Gives up
  // (false) after a few rounds, which the estimates never need; the caller then falls back to
  // the digit-by-digit method.
  static bool isqrt(const U256& n, UInt128& root, bool& exact) {
    constexpr double k2p64 = 18446744073709551616.0;
    auto toDouble = [&](const U256& x) {
      return ((static_cast<double>(x.w[3]) * k2p64 + static_cast<double>(x.w[2])) * k2p64 +
              static_cast<double>(x.w[1])) * k2p64 + static_cast<double>(x.w[0]);
    };
    if (n.w[3] >> 42 != 0) return false;  // n >= 2^234: outside the range this is for
    const double estimate = std::sqrt(toDouble(n));
    if (!(estimate >= 1.0 && estimate < 0x1p118)) return false;
    UInt128 r = static_cast<UInt128>(estimate);
    for (int round = 0; round < 8; ++round) {
      const U256 square = mul128(r, r);
      const bool below = compareU256(square, n) <= 0;
      U256 d = below ? n : square;  // |n - r^2|
      subFrom(d, below ? square : n);
      if (below && compareU256(d, fromU128(r << 1)) <= 0) {  // n < (r + 1)^2 = r^2 + 2r + 1
        root = r;
        exact = isZero(d);
        return true;
      }
      const double step = toDouble(d) / (2.0 * static_cast<double>(r));
      if (!(step < 0x1p100)) return false;
      const UInt128 s = step < 1.0 ? 1 : static_cast<UInt128>(step);
      if (below) {
        r += s;
      } else {
        if (s >= r) return false;
        r -= s;
      }
    }
    return false;
  }

  // The digit-by-digit (schoolbook) square root of isqrt()'s n, for the case it gives up:
  // each step brings down the next pair of digits and finds the largest digit x with
  // (20 * root + x) * x <= remainder. After j root digits the remainder is at most
  // 2 * root < 2 * 10^j, so the 35 digits never overflow 128 bits.
  static void sqrtByDigits(const U256& n, UInt128& root, bool& exact) {
    // n's digits, most significant first, from 19-digit chunks.
    char digits[80];
    int count = 0;
    U256 x = n;
    uint64_t chunks[4];
    int chunkCount = 0;
    while (!isZero(x)) chunks[chunkCount++] = divSmall(x, kPow10U64.v[kMaxDigits64]);
    for (int c = chunkCount - 1; c >= 0; --c) {
      char tmp[kMaxDigits64];
      uint64_t v = chunks[c];
      for (int i = kMaxDigits64 - 1; i >= 0; --i) {
        tmp[i] = static_cast<char>('0' + v % 10);
        v /= 10;
      }
      for (int i = 0; i < kMaxDigits64; ++i) {
        if (count == 0 && tmp[i] == '0') continue;  // leading zeros
        digits[count++] = tmp[i];
      }
    }
    const int lead = count % 2;
    const int pairs = (count + 1) / 2;
    auto digitAt = [&](int i) { return i < 0 ? 0 : digits[i] - '0'; };
    UInt128 r = 0, rem = 0;
    for (int i = 0; i < pairs; ++i) {
      const int pair = digitAt(2 * i - lead) * 10 + digitAt(2 * i + 1 - lead);
      const UInt128 cur = rem * 100 + static_cast<unsigned>(pair);
      const UInt128 base = r * 20;
      // (base + x) * x >= base * x, so cur / base bounds x from above.
      UInt128 d = 9;
      if (base != 0 && cur / base < d) d = cur / base;
      while ((base + d) * d > cur) --d;
      rem = cur - (base + d) * d;
      r = r * 10 + d;
    }
    root = r;
    exact = rem == 0;
  }

  // Rounds to a multiple of 10^target (target <= 0) in the given direction.
  static Decimal roundAtGeneral(const Decimal& a, int64_t target, RoundMode mode) {
    if (a.exp >= target) return a;
    const int64_t k = target - a.exp;
    const UInt128 mag = magnitude(a);
    UInt128 q = 0, r = mag;  // more than 38 digits to drop: everything is fraction
    if (k <= kMaxDigits64) {
      uint64_t r64;
      q = divMod128by64(mag, kPow10U64.v[k], r64);
      r = r64;
    } else if (k <= kMaxDigits) {
      q = mag / pow10(k);
      r = mag % pow10(k);
    }
    return roundQuotient(a.isNegative(), q, r, k, target, mode);
  }

  // roundAt()'s decision, given |a| = q * 10^k + r with 0 <= r < 10^k.
  static Decimal roundQuotient(bool negative, UInt128 q, UInt128 r, int64_t k, int64_t target, RoundMode mode) {
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

  // Negating the two's-complement coefficient keeps the magnitude, so the value stays normalized.
  static Decimal neg(const Decimal& a) {
    if (a.isZero()) return a;
    const UInt128 bits = -((static_cast<UInt128>(static_cast<uint64_t>(a.hi)) << 64) | a.lo);
    Decimal r = a;
    r.lo = static_cast<uint64_t>(bits);
    r.hi = static_cast<int64_t>(static_cast<uint64_t>(bits >> 64));
    return r;
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

  // Out of line, so that compare()'s int64 case, which the VM calls for a unit count against 60
  // (6e1), stays a leaf function without registers to save.
  [[gnu::noinline]] static int compareGeneral(const Decimal& a, const Decimal& b) {
    if (a.exp == b.exp) {  // aligned already: compare the two's-complement coefficients
      const Int128 ca = static_cast<Int128>((static_cast<UInt128>(static_cast<uint64_t>(a.hi)) << 64) | a.lo);
      const Int128 cb = static_cast<Int128>((static_cast<UInt128>(static_cast<uint64_t>(b.hi)) << 64) | b.lo);
      return ca < cb ? -1 : (ca > cb ? 1 : 0);
    }
    const int sa = a.isZero() ? 0 : (a.isNegative() ? -1 : 1);
    const int sb = b.isZero() ? 0 : (b.isNegative() ? -1 : 1);
    if (sa != sb) return sa < sb ? -1 : 1;
    if (sa == 0) return 0;
    const int c = compareMagnitude(a, b);
    return sa > 0 ? c : -c;
  }

  // ---- Fast paths. Claim numbers have at most 15 digits, so nearly every operand's
  // coefficient fits 64 bits; each operation below tests for its short case at the top, computes
  // it exactly in 64 or 128 bits, and leaves everything else to the general code above (which
  // decimal_general.h exposes to the differential tests).

  // The coefficient as an int64_t when hi is the sign extension of lo.
  static bool coefficient64(const Decimal& d, int64_t& c) {
    c = static_cast<int64_t>(d.lo);
    return d.hi == (c >> 63);
  }

  // finish128() for an exact result m * 10^exp (sign apart) with m below 2^64, on one word.
  // Between kMinExponent and kMaxIntegerDigits - 20 nothing can round (20 digits at most, fewer
  // than 38) or overflow (20 + exp <= 48), so only the zeros are left to strip.
  static DecimalStatus finishExact64(bool negative, uint64_t m, int64_t exp, Decimal& out) {
    if (exp < Decimal::kMinExponent || exp > Decimal::kMaxIntegerDigits - 20) {
      return finish128(negative, m, exp, false, kMaxDigits, out);
    }
    if (m == 0) {
      out = Decimal();
      return DecimalStatus::kOk;
    }
    stripZeros64(m, exp);
    out.lo = negative ? 0 - m : m;
    out.hi = negative ? -1 : 0;
    out.exp = static_cast<int32_t>(exp);
    return DecimalStatus::kOk;
  }

  // |c| of an int64_t, INT64_MIN included.
  static uint64_t magnitude64(int64_t c) { return c < 0 ? 0 - static_cast<uint64_t>(c) : static_cast<uint64_t>(c); }

  static DecimalStatus add(const Decimal& a, const Decimal& b, Decimal& out) {
    // Both coefficients in int64 and aligned within 18 digits: the aligned sum, when it does not
    // overflow int64, is the exact result.
    int64_t ca, cb;
    if (coefficient64(a, ca) && coefficient64(b, cb)) {
      const bool aHigher = a.exp >= b.exp;
      const int64_t cx = aHigher ? ca : cb, cy = aHigher ? cb : ca;
      const int64_t ey = aHigher ? b.exp : a.exp;
      const int64_t shift = static_cast<int64_t>(aHigher ? a.exp : b.exp) - ey;
      int64_t scaled, sum;
      if (shift <= 18 && !__builtin_mul_overflow(cx, static_cast<int64_t>(kPow10U64.v[shift]), &scaled) &&
          !__builtin_add_overflow(scaled, cy, &sum)) {
        return finishExact64(sum < 0, magnitude64(sum), ey, out);
      }
    }
    return addGeneral(a, b, out);
  }

  static DecimalStatus mul(const Decimal& a, const Decimal& b, Decimal& out) {
    // The product of two int64 coefficients, when it does not overflow int64, is exact.
    int64_t ca, cb, product;
    if (coefficient64(a, ca) && coefficient64(b, cb) && !__builtin_mul_overflow(ca, cb, &product)) {
      return finishExact64(product < 0, magnitude64(product), static_cast<int64_t>(a.exp) + b.exp, out);
    }
    // A wide operand (a quotient or a root) times a short one: when the product fits 128 bits,
    // finish128() rounds it without the 256-bit product. Below 10^38 (25 * a 34-digit root) it
    // is already the exact result, which needs only its zeros stripped when its exponent lies
    // between kMinExponent and kMaxIntegerDigits - 38 (no rounding at 10^-80, no overflow).
    const UInt128 ma = magnitude(a), mb = magnitude(b);
    UInt128 product128;
    if (!a.isZero() && !b.isZero() && !__builtin_mul_overflow(ma, mb, &product128)) {
      const int64_t exp = static_cast<int64_t>(a.exp) + b.exp;
      if (product128 < kPow10.v[kMaxDigits] && exp >= Decimal::kMinExponent &&
          exp <= Decimal::kMaxIntegerDigits - kMaxDigits) {
        out = make(a.isNegative() != b.isNegative(), product128, exp);
        return DecimalStatus::kOk;
      }
      return finish128(a.isNegative() != b.isNegative(), product128, exp, false, kMaxDigits, out);
    }
    return mulGeneral(a, b, out);
  }

  static DecimalStatus div(const Decimal& a, const Decimal& b, Decimal& out) {
    // Both magnitudes below 2^64: the kept digits directly, q = floor(|a| * 10^k / |b|) with k
    // chosen so that q has exactly kDivisionDigits digits, by long division in chunks of 19
    // digits, each one 128-by-64-bit DIV (the running remainder r is below |b|, so every chunk's
    // quotient fits 64 bits). Half-even rounding then compares r with |b| - r, which needs neither
    // a 35th digit nor finish128(). Exact where finish() would round at the same place and
    // cannot overflow: q's unit 10^exp at or above 10^kMinExponent, and exp + 34 below
    // kMaxIntegerDigits, so that even a carry to 10^34 stays below 10^48. divGeneral() for the rest.
    const UInt128 ma = magnitude(a), mb = magnitude(b);
    if (((ma | mb) >> 64) == 0 && !a.isZero() && !b.isZero()) {
      const uint64_t na = static_cast<uint64_t>(ma), nb = static_cast<uint64_t>(mb);
      // |a| / |b| lies in [10^(shift - 1), 10^(shift + 1)); q gains a digit when it reaches 10^shift.
      const int shift = digitCount64(na) - digitCount64(nb);  // -19 .. 19
      const bool high = shift >= 0 ? na >= static_cast<UInt128>(nb) * kPow10U64.v[shift]
                                   : static_cast<UInt128>(na) * kPow10U64.v[-shift] >= nb;
      int64_t k = Decimal::kDivisionDigits - shift - (high ? 1 : 0);  // 14 .. 53
      const int64_t exp = static_cast<int64_t>(a.exp) - b.exp - k;
      if (exp >= Decimal::kMinExponent && exp < Decimal::kMaxIntegerDigits - Decimal::kDivisionDigits) {
        UInt128 q = na / nb;
        uint64_t r = na % nb;
        // An exact quotient (17424 / 3600 = 4.84) stops at the zero remainder: the digits left
        // are zeros, and so are the last chunk's last ones, so they go straight to the exponent.
        int64_t qExp = exp;
        if (r == 0) {
          qExp += k;
          k = 0;
        }
        while (k > 0) {  // q stays below 10^34
          const int64_t c = k < kMaxDigits64 ? k : kMaxDigits64;
          const UInt128 scaled = static_cast<UInt128>(r) * kPow10U64.v[c];
          uint64_t digits = div128by64(static_cast<uint64_t>(scaled >> 64), static_cast<uint64_t>(scaled), nb, &r);
          k -= c;
          if (r == 0) {
            int64_t zeros = 0;
            stripZeros64(digits, zeros);  // digits is not 0, since the remainder before was not
            q = q * kPow10U64.v[c - zeros] + digits;
            qExp += k + zeros;
            break;
          }
          q = q * kPow10U64.v[c] + digits;
        }
        const uint64_t rest = nb - r;  // the remainder is more than half of |b| when r > |b| - r
        if (r > rest || (r == rest && (static_cast<uint64_t>(q) & 1) != 0)) ++q;
        out = make(a.isNegative() != b.isNegative(), q, qExp);
        return DecimalStatus::kOk;
      }
    }
    return divGeneral(a, b, out);
  }

  static DecimalStatus sqrt(const Decimal& a, Decimal& out) {
    // The kept digits directly: r = floor(sqrt(n)) of exactly 34 digits and the remainder n - r^2
    // from rootByHalves(). sqrt(n) >= r + 1/2 exactly when n >= r^2 + r + 1/4, i.e. (n being
    // whole) when the remainder exceeds r; a tie cannot happen. That is the correctly rounded
    // root without a 35th digit and finish(), which has nothing else to do here: for values in
    // range the root's last digit is at 10^-73 or above and the root below 10^24.
    if (!a.isNegative() && !a.isZero()) {
      int64_t rootExp;
      const U256 n = radicand(a, Decimal::kDivisionDigits, rootExp);
      UInt128 root, rest;
      if (rootByHalves(n, root, rest)) {
        if (rest > root) ++root;  // to 10^34 at most, which make() shortens
        out = make(false, root, rootExp);
        return DecimalStatus::kOk;
      }
    }
    return sqrtWith(a, true, out);
  }

  // floor(sqrt(n)) for sqrt()'s n (2^225 <= n < 2^234), by one step of Zimmermann's "Karatsuba
  // square root" on 64-bit halves: with n shifted left by an even count 2c so that its top word
  // is at least 2^62, the root's high word is the exact root x of the top 128 bits (double
  // estimate, one Newton step, then checked by squaring), and its low word is one division,
  // (n's top 192 bits - x^2 * 2^64) / 2x, which overshoots by at most one. The candidate shifted
  // back by c is then proven by r^2 <= n <= r^2 + 2r exactly as isqrt() does, and remainder is
  // n - r^2; false (use isqrt) if it is not.
  static bool rootByHalves(const U256& n, UInt128& root, UInt128& remainder) {
    if (n.w[3] == 0 || (n.w[3] >> 42) != 0) return false;
    const int c = __builtin_clzll(n.w[3]) / 2;  // at least 11: 2c < 64
    const uint64_t a3 = n.w[3] << (2 * c) | n.w[2] >> (64 - 2 * c);
    const uint64_t a2 = n.w[2] << (2 * c) | n.w[1] >> (64 - 2 * c);
    const uint64_t a1 = n.w[1] << (2 * c) | n.w[0] >> (64 - 2 * c);
    const UInt128 top = (static_cast<UInt128>(a3) << 64) | a2;  // at least 2^126
    const double estimate = std::sqrt(static_cast<double>(a3) * 18446744073709551616.0 + static_cast<double>(a2));
    if (!(estimate >= 0x1p63 && estimate < 0x1p64)) return false;
    uint64_t x = static_cast<uint64_t>(estimate);  // within 2^12 of the root
    if (a3 >= x) return false;                     // top / x would not fit 64 bits
    uint64_t unused;
    const uint64_t y = div128by64(a3, a2, x, &unused);
    x = static_cast<uint64_t>((static_cast<UInt128>(x) + y) >> 1);  // Newton: now within a unit or two
    while (static_cast<UInt128>(x) * x > top) --x;  // Newton's integer step never lands below the root
    const UInt128 rest = top - static_cast<UInt128>(x) * x;  // at most 2x < 2^65
    // floor((rest * 2^64 + a1) / 2x) = floor((rest * 2^63 + a1 / 2) / x), which fits 128 bits.
    uint64_t rem;
    const UInt128 low = divMod128by64((rest << 63) | (a1 >> 1), x, rem);
    UInt128 candidate;
    if (__builtin_add_overflow(static_cast<UInt128>(x) << 64, low, &candidate)) return false;
    UInt128 r = candidate >> c;
    for (int attempt = 0; attempt < 2; ++attempt, --r) {
      // d = n - r^2 on 128-bit halves; a borrow out of the top means r is one too big.
      const U256 square = mul128(r, r);
      const UInt128 nLow = low128(n), sLow = low128(square);
      const UInt128 nHigh = (static_cast<UInt128>(n.w[3]) << 64) | n.w[2];
      const UInt128 sHigh = (static_cast<UInt128>(square.w[3]) << 64) | square.w[2];
      const UInt128 borrow = nLow < sLow ? 1 : 0;
      if (nHigh < sHigh || nHigh - sHigh < borrow) continue;  // r^2 > n: try r - 1
      if (nHigh - sHigh - borrow != 0) return false;          // d >= 2^128 > 2r
      const UInt128 d = nLow - sLow;
      if (d > (r << 1)) return false;  // n >= r^2 + 2r + 1 = (r + 1)^2
      root = r;
      remainder = d;
      return true;
    }
    return false;
  }

  // Rounds to a multiple of 10^target (target <= 0) in the given direction.
  static Decimal roundAt(const Decimal& a, int64_t target, RoundMode mode) {
    if (a.exp >= target) return a;
    const int64_t k = target - a.exp;
    const UInt128 mag = magnitude(a);
    const uint64_t hi = static_cast<uint64_t>(mag >> 64), lo = static_cast<uint64_t>(mag);
    // Up to 38 digits to drop: the quotient and remainder by 10^k from two divisions, by 10^19
    // and 10^(k - 19) (mag = (q * 10^(k-19) + r2) * 10^19 + r1), not a 128-bit one. mag is below
    // 10^38, so hi is below 2^63 < 10^19: the first is one 128-by-64 DIV and its quotient a word.
    if (k > kMaxDigits64 && k <= kMaxDigits) {
      uint64_t r1;
      const uint64_t q1 = div128by64(hi, lo, kPow10U64.v[kMaxDigits64], &r1);
      const uint64_t unit = kPow10U64.v[k - kMaxDigits64];
      const UInt128 r = static_cast<UInt128>(q1 % unit) * kPow10U64.v[kMaxDigits64] + r1;
      return roundQuotient(a.isNegative(), q1 / unit, r, k, target, mode);
    }
    // A 64-bit magnitude (a claim number) with up to 19 digits to drop: one 64-bit division.
    if (hi == 0 && k <= kMaxDigits64) {
      return roundQuotient(a.isNegative(), lo / kPow10U64.v[k], lo % kPow10U64.v[k], k, target, mode);
    }
    return roundAtGeneral(a, target, mode);
  }

  static int compare(const Decimal& a, const Decimal& b) {
    // Both coefficients in int64: scale the one with the higher exponent to the other's. If that
    // overflows int64 (or needs 10^19 or more), its magnitude exceeds 2^63 > |other|, so its
    // sign decides.
    int64_t ca, cb;
    if (coefficient64(a, ca) && coefficient64(b, cb)) {
      if (a.exp == b.exp) return ca < cb ? -1 : (ca > cb ? 1 : 0);
      const bool aHigher = a.exp > b.exp;
      const int64_t cx = aHigher ? ca : cb, cy = aHigher ? cb : ca;
      const int64_t shift = aHigher ? static_cast<int64_t>(a.exp) - b.exp : static_cast<int64_t>(b.exp) - a.exp;
      int c;  // x against y
      int64_t scaled;
      if (cx == 0) {
        c = cy > 0 ? -1 : (cy < 0 ? 1 : 0);
      } else if (shift > 18 || __builtin_mul_overflow(cx, static_cast<int64_t>(kPow10U64.v[shift]), &scaled)) {
        c = cx > 0 ? 1 : -1;
      } else {
        c = scaled < cy ? -1 : (scaled > cy ? 1 : 0);
      }
      return aHigher ? c : -c;
    }
    return compareGeneral(a, b);
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
  // The usual claim number (82.5, 147.0, 0.000001): at most 18 digits with an optional
  // fraction and no exponent, read into 64 bits at once; make() drops the trailing zeros that
  // the digit loop below keeps pending, so the result is the same. Anything else falls through.
  if (n <= 20) {
    size_t j = n > 0 && text[0] == '-' ? 1 : 0;
    const bool negative = j == 1;
    uint64_t mag = 0;
    int digits = 0;
    int fraction = 0;
    bool ok = j < n && isDigit(text[j]) && !(text[j] == '0' && j + 1 < n && isDigit(text[j + 1]));
    for (; ok && j < n && isDigit(text[j]); ++j, ++digits) mag = mag * 10 + static_cast<unsigned>(text[j] - '0');
    if (ok && j < n && text[j] == '.') {
      ++j;
      ok = j < n && isDigit(text[j]);
      for (; ok && j < n && isDigit(text[j]); ++j, ++digits, ++fraction) {
        mag = mag * 10 + static_cast<unsigned>(text[j] - '0');
      }
    }
    if (ok && j == n && digits <= 18) {
      out = make(negative, mag, -fraction);
      return true;
    }
  }
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

bool Decimal::parse(std::string_view text, Decimal& out) { return DecimalOps::parse(text, out); }
bool Decimal::fitsClaimNumber() const { return DecimalOps::fitsClaimNumber(*this); }
bool Decimal::toInt64(int64_t& out) const { return DecimalOps::toInt64(*this, out); }
int Decimal::format(char* buf) const { return DecimalOps::format(*this, buf); }

std::string Decimal::toString() const {
  char buf[kMaxTextLength];
  const int n = format(buf);
  return std::string(buf, static_cast<size_t>(n));
}

namespace decimal_detail {
int compareOther(const Decimal& a, const Decimal& b) { return DecimalOps::compare(a, b); }
DecimalStatus addOther(const Decimal& a, const Decimal& b, Decimal& out) { return DecimalOps::add(a, b, out); }
}  // namespace decimal_detail

DecimalStatus sub(const Decimal& a, const Decimal& b, Decimal& out) {
  return DecimalOps::add(a, DecimalOps::neg(b), out);
}
DecimalStatus mul(const Decimal& a, const Decimal& b, Decimal& out) { return DecimalOps::mul(a, b, out); }
DecimalStatus div(const Decimal& a, const Decimal& b, Decimal& out) { return DecimalOps::div(a, b, out); }
DecimalStatus sqrt(const Decimal& a, Decimal& out) { return DecimalOps::sqrt(a, out); }

Decimal ceil(const Decimal& a) { return DecimalOps::roundAt(a, 0, RoundMode::kCeil); }
Decimal floor(const Decimal& a) { return DecimalOps::roundAt(a, 0, RoundMode::kFloor); }
namespace {
// Beyond -kMinExponent places nothing can change; clamping keeps -places from overflowing.
int64_t roundingTarget(int places) {
  if (places < 0) places = 0;
  if (places > -Decimal::kMinExponent) places = -Decimal::kMinExponent;
  return -static_cast<int64_t>(places);
}
}  // namespace

Decimal roundHalfEven(const Decimal& a, int places) {
  return DecimalOps::roundAt(a, roundingTarget(places), RoundMode::kHalfEven);
}
Decimal neg(const Decimal& a) { return DecimalOps::neg(a); }
Decimal abs(const Decimal& a) { return a.isNegative() ? DecimalOps::neg(a) : a; }

namespace decimal_general {
int compare(const Decimal& a, const Decimal& b) { return DecimalOps::compareGeneral(a, b); }
DecimalStatus add(const Decimal& a, const Decimal& b, Decimal& out) { return DecimalOps::addGeneral(a, b, out); }
DecimalStatus sub(const Decimal& a, const Decimal& b, Decimal& out) {
  return DecimalOps::addGeneral(a, DecimalOps::neg(b), out);
}
DecimalStatus mul(const Decimal& a, const Decimal& b, Decimal& out) { return DecimalOps::mulGeneral(a, b, out); }
DecimalStatus div(const Decimal& a, const Decimal& b, Decimal& out) { return DecimalOps::divGeneral(a, b, out); }
DecimalStatus sqrt(const Decimal& a, Decimal& out) { return DecimalOps::sqrtWith(a, false, out); }
Decimal ceil(const Decimal& a) { return DecimalOps::roundAtGeneral(a, 0, RoundMode::kCeil); }
Decimal floor(const Decimal& a) { return DecimalOps::roundAtGeneral(a, 0, RoundMode::kFloor); }
Decimal roundHalfEven(const Decimal& a, int places) {
  return DecimalOps::roundAtGeneral(a, roundingTarget(places), RoundMode::kHalfEven);
}
}  // namespace decimal_general

}  // namespace ppl
