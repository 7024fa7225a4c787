// Civil date conversion. The algorithms are Howard Hinnant's
// (http://howardhinnant.github.io/date_algorithms.html), which work in 400-year eras starting
// on March 1st so that the leap day is the last day of the year and needs no special case.
#include "runtime/date.h"

namespace ppl {

bool isLeapYear(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

unsigned daysInMonth(int y, unsigned m) {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  return m == 2 && isLeapYear(y) ? 29 : kDays[m - 1];
}

int32_t daysFromCivil(int y, unsigned m, unsigned d) {
  // 64-bit inside so that no int year can overflow before the final narrowing.
  const int64_t yy = static_cast<int64_t>(y) - (m <= 2 ? 1 : 0);  // years start in March
  const int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(yy - era * 400);            // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return static_cast<int32_t>(era * 146097 + static_cast<int64_t>(doe) - 719468);
}

void civilFromDays(int32_t days, int& y, unsigned& m, unsigned& d) {
  const int64_t z = static_cast<int64_t>(days) + 719468;  // shift the epoch to 0000-03-01
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);                // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  d = doy - (153 * mp + 2) / 5 + 1;                                            // [1, 31]
  m = mp < 10 ? mp + 3 : mp - 9;                                               // [1, 12]
  y = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0));
}

int64_t DateReader::parseAndRemember(const char* text) {
  int32_t days;
  if (!parseDateAt(text, days)) return kNoDate;
  // Valid digits now: the month's length from them, its day 0 from the day.
  const auto digit = [text](int i) { return static_cast<unsigned>(text[i] - '0'); };
  const unsigned y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const unsigned m = digit(5) * 10 + digit(6);
  static constexpr uint8_t kDays[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  Month month;
  std::memcpy(&month.text, text, sizeof month.text);
  month.firstDay = days - static_cast<int32_t>(digit(8) * 10 + digit(9));
  month.length = kDays[m] + (m == 2 && leap ? 1u : 0u);
  months_[slotOf(month.text)] = month;
  return days;
}

namespace {

void writeDigits(unsigned v, char* out, int count) {
  for (int i = count - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

}  // namespace

void formatDate(int32_t days, char* out) {
  if (days < kMinDateDays) days = kMinDateDays;
  if (days > kMaxDateDays) days = kMaxDateDays;
  int y;
  unsigned m, d;
  civilFromDays(days, y, m, d);
  writeDigits(static_cast<unsigned>(y), out, 4);
  out[4] = '-';
  writeDigits(m, out + 5, 2);
  out[7] = '-';
  writeDigits(d, out + 8, 2);
}

std::string formatDate(int32_t days) {
  char buf[10];
  formatDate(days, buf);
  return std::string(buf, sizeof buf);
}

}  // namespace ppl
