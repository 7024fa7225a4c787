// Civil dates as day numbers: days since 1970-01-01 in the proleptic Gregorian calendar.
//
// Claim rules compare dates and add or subtract days ("within 90 days of the auth"), so a date
// is a plain integer and date arithmetic is integer arithmetic. Conversion uses Howard
// Hinnant's days_from_civil / civil_from_days, which are exact for every date and need no
// tables or time zones.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "runtime/always_inline.h"

namespace ppl {

// The dates that parse and print: 0001-01-01 .. 9999-12-31.
constexpr int32_t kMinDateDays = -719162;  // 0001-01-01
constexpr int32_t kMaxDateDays = 2932896;  // 9999-12-31

bool isLeapYear(int y);
// Days in month m (1..12) of year y; 0 for a month out of range.
unsigned daysInMonth(int y, unsigned m);

// Days since 1970-01-01 of y-m-d. Expects a valid date; no checking.
int32_t daysFromCivil(int y, unsigned m, unsigned d);
void civilFromDays(int32_t days, int& y, unsigned& m, unsigned& d);

// True for a day number that formatDate can print (years 0001..9999).
inline bool dateInRange(int32_t days) { return days >= kMinDateDays && days <= kMaxDateDays; }

// Parses the ten bytes at `text` as "YYYY-MM-DD": years 0001-9999, and a day that exists in
// that month (2024-02-29 yes, 2025-02-29 no). Returns false, leaving days unchanged, on any
// problem. Always inline, without loops or calls: a claim holds a dozen dates and the loader
// reads them in its inner loop (GCC left it out of line there).
PPL_ALWAYS_INLINE bool parseDateAt(const char* text, int32_t& days) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  // "YYYY-MM-" as one word and "DD" as another: the dashes are compared exactly, every digit's
  // high nibble must be 3 and its low nibble at most 9 (adding 6 carries out of the nibble).
  constexpr uint64_t kZeros = 0x2D30302D30303030ull;  // byte i is what byte i of the text is at least
  uint64_t w;
  uint16_t dd;
  std::memcpy(&w, text, sizeof w);
  std::memcpy(&dd, text + 8, sizeof dd);
  if ((w & 0xFFF0F0FFF0F0F0F0ull) != kZeros || (dd & 0xF0F0u) != 0x3030u) return false;
  const uint64_t v = w - kZeros;  // no borrows: every byte is at least what it loses
  const unsigned e = dd - 0x3030u;
  if (((v + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) != 0 || ((e + 0x0606u) & 0xF0F0u) != 0) return false;
  // Each byte of v is a digit value (the dashes 0): byte i of `pairs` is 10 * digit i + digit
  // i + 1, at most 99, so no byte carries into the next.
  const uint64_t pairs = v * 10 + (v >> 8);
  const unsigned y = static_cast<unsigned>(pairs & 0xFF) * 100 + static_cast<unsigned>(pairs >> 16 & 0xFF);
  const unsigned m = static_cast<unsigned>(pairs >> 40 & 0xFF);
  const unsigned d = (e & 0xFF) * 10 + (e >> 8);
#else
  const unsigned char* t = reinterpret_cast<const unsigned char*>(text);
  if (t[4] != '-' || t[7] != '-') return false;
  const unsigned y0 = t[0] - 48u, y1 = t[1] - 48u, y2 = t[2] - 48u, y3 = t[3] - 48u;
  const unsigned m0 = t[5] - 48u, m1 = t[6] - 48u, d0 = t[8] - 48u, d1 = t[9] - 48u;
  if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) | (d1 > 9)) return false;
  const unsigned y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const unsigned m = m0 * 10 + m1;
  const unsigned d = d0 * 10 + d1;
#endif
  if (y < 1 || m - 1 > 11 || d - 1 > 30) return false;
  // Days 29..31: the month's length, February's by the leap rule.
  if (d > 28) {
    constexpr uint8_t kMonthDays[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    if (d > kMonthDays[m] + (m == 2 && leap ? 1u : 0u)) return false;
  }
  // daysFromCivil for a year >= 1, where the years counted from March are never negative and
  // its 400-year eras fold into one sum of unsigned divisions by constants.
  const unsigned yy = y - (m <= 2);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  days = static_cast<int32_t>(yy * 365 + yy / 4 - yy / 100 + yy / 400 + doy) - 719468;
  return true;
}

// parseDateAt with a memory of the months it met: a claim's dates fall in a few months (its
// lines mostly on one service date), and for a month met before ("YYYY-MM-" the same eight
// bytes) only the day is checked and added to the month's first day. Same answer as
// parseDateAt for every input; 16 KiB, for one reader at a time (the claim loader keeps one).
// 1,024 months: birth dates spread over a century of months, and with 64 a fifth of a claim's
// dates missed (mostly birth dates, and the months they pushed out).
class DateReader {
 public:
  PPL_ALWAYS_INLINE bool parseAt(const char* text, int32_t& days) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w;
    uint16_t dd;
    std::memcpy(&w, text, sizeof w);
    std::memcpy(&dd, text + 8, sizeof dd);
    const Month& month = months_[slotOf(w)];
    if (month.text != w) {
      const int64_t parsed = parseAndRemember(text);
      if (parsed == kNoDate) return false;
      days = static_cast<int32_t>(parsed);
      return true;
    }
    // The day's two digits as parseDateAt checks them, then within the month's length.
    const unsigned e = dd - 0x3030u;
    if ((dd & 0xF0F0u) != 0x3030u || ((e + 0x0606u) & 0xF0F0u) != 0) return false;
    const unsigned d = (e & 0xFF) * 10 + (e >> 8);
    if (d - 1 >= month.length) return false;
    days = month.firstDay + static_cast<int32_t>(d);
    return true;
#else
    return parseDateAt(text, days);
#endif
  }

 private:
  struct Month {
    uint64_t text = 0;  // "YYYY-MM-" as read; 0 (no such text: it has dashes) for none yet
    int32_t firstDay = 0;  // the day number of the month's day 0 (its 1st minus one)
    uint32_t length = 0;
  };
  static constexpr int kMonthBits = 10;
  static constexpr int kMonths = 1 << kMonthBits;
  // Fibonacci hashing: the product's top kMonthBits bits.
  static unsigned slotOf(uint64_t text) { return static_cast<unsigned>((text * 0x9E3779B97F4A7C15ull) >> (64 - kMonthBits)); }
  // parseDateAt, and on success the month remembered: the day number, or kNoDate. By value:
  // `days` given by reference made the caller keep every date it reads in memory.
  static constexpr int64_t kNoDate = INT64_MIN;
  int64_t parseAndRemember(const char* text);

  Month months_[kMonths];
};

// parseDateAt for a string of exactly 10 characters; false for any other length.
inline bool parseDate(std::string_view text, int32_t& days) {
  return text.size() == 10 && parseDateAt(text.data(), days);
}

// Writes exactly 10 characters "YYYY-MM-DD" (no terminator) into out. Days outside
// [kMinDateDays, kMaxDateDays] are clamped to it, so the output is always a valid date;
// callers that can leave the range should check dateInRange first.
void formatDate(int32_t days, char* out);
std::string formatDate(int32_t days);

}  // namespace ppl
