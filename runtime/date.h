// Civil dates as day numbers: days since 1970-01-01 in the proleptic Gregorian calendar.
//
// Claim rules compare dates and add or subtract days ("within 90 days of the auth"), so a date
// is a plain integer and date arithmetic is integer arithmetic. Conversion uses Howard
// Hinnant's days_from_civil / civil_from_days, which are exact for every date and need no
// tables or time zones.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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

// Parses exactly "YYYY-MM-DD": 10 characters, years 0001-9999, and a day that exists in that
// month (2024-02-29 yes, 2025-02-29 no). Returns false, leaving days unchanged, on any problem.
// Inline: a claim holds a dozen dates and the loader reads them in its inner loop.
inline bool parseDate(std::string_view text, int32_t& days) {
  // The ten characters are checked and read without loops.
  if (text.size() != 10) return false;
  const unsigned char* t = reinterpret_cast<const unsigned char*>(text.data());
  if (t[4] != '-' || t[7] != '-') return false;
  const unsigned y0 = t[0] - 48u, y1 = t[1] - 48u, y2 = t[2] - 48u, y3 = t[3] - 48u;
  const unsigned m0 = t[5] - 48u, m1 = t[6] - 48u, d0 = t[8] - 48u, d1 = t[9] - 48u;
  if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) | (d1 > 9)) return false;
  const unsigned y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const unsigned m = m0 * 10 + m1;
  const unsigned d = d0 * 10 + d1;
  if (y < 1 || m < 1 || m > 12 || d < 1 || (d > 28 && d > daysInMonth(static_cast<int>(y), m))) return false;
  // daysFromCivil for a year >= 1, where the years counted from March are never negative and
  // its 400-year eras fold into one sum of unsigned divisions by constants.
  const unsigned yy = y - (m <= 2);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  days = static_cast<int32_t>(yy * 365 + yy / 4 - yy / 100 + yy / 400 + doy) - 719468;
  return true;
}

// Writes exactly 10 characters "YYYY-MM-DD" (no terminator) into out. Days outside
// [kMinDateDays, kMaxDateDays] are clamped to it, so the output is always a valid date;
// callers that can leave the range should check dateInRange first.
void formatDate(int32_t days, char* out);
std::string formatDate(int32_t days);

}  // namespace ppl
