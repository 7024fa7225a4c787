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
bool parseDate(std::string_view text, int32_t& days);

// Writes exactly 10 characters "YYYY-MM-DD" (no terminator) into out. Days outside
// [kMinDateDays, kMaxDateDays] are clamped to it, so the output is always a valid date;
// callers that can leave the range should check dateInRange first.
void formatDate(int32_t days, char* out);
std::string formatDate(int32_t days);

}  // namespace ppl
