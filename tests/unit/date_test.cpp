// Civil dates. Anchors are independently known day numbers (days since 1970-01-01); the
// round-trip walk counts days with its own month table rather than the code under test.
#include "runtime/date.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace {

int32_t date(const char* text) {
  int32_t days = 0;
  INFO("parsing " << text);
  REQUIRE(ppl::parseDate(text, days));
  return days;
}

bool parses(const char* text) {
  int32_t days = 0;
  return ppl::parseDate(text, days);
}

}  // namespace

TEST_CASE("date: known day numbers", "[date]") {
  CHECK(ppl::daysFromCivil(1970, 1, 1) == 0);
  CHECK(ppl::daysFromCivil(1969, 12, 31) == -1);
  CHECK(ppl::daysFromCivil(1900, 1, 1) == -25567);
  CHECK(ppl::daysFromCivil(2000, 3, 1) == 11017);
  CHECK(ppl::daysFromCivil(2024, 2, 29) == 19782);
  CHECK(ppl::daysFromCivil(2026, 10, 5) == 20731);
  CHECK(ppl::daysFromCivil(1600, 2, 29) == -135081);
  CHECK(ppl::daysFromCivil(1, 1, 1) == ppl::kMinDateDays);
  CHECK(ppl::daysFromCivil(9999, 12, 31) == ppl::kMaxDateDays);
  CHECK(date("2026-10-05") == 20731);
  CHECK(date("0001-01-01") == -719162);
  CHECK(date("9999-12-31") == 2932896);
}

TEST_CASE("date: leap years", "[date]") {
  CHECK_FALSE(ppl::isLeapYear(1900));
  CHECK(ppl::isLeapYear(2000));
  CHECK(ppl::isLeapYear(2024));
  CHECK_FALSE(ppl::isLeapYear(2025));
  CHECK_FALSE(parses("1900-02-29"));
  CHECK(parses("2000-02-29"));
  CHECK(parses("2024-02-29"));
  CHECK_FALSE(parses("2025-02-29"));
  // The day after Feb 28 is Feb 29 in a leap year and Mar 1 otherwise.
  CHECK(date("2024-03-01") - date("2024-02-28") == 2);
  CHECK(date("1900-03-01") - date("1900-02-28") == 1);
  CHECK(date("2000-03-01") - date("2000-02-28") == 2);
  // Year lengths.
  CHECK(date("1901-01-01") - date("1900-01-01") == 365);
  CHECK(date("2001-01-01") - date("2000-01-01") == 366);
  CHECK(date("2025-01-01") - date("2024-01-01") == 366);
}

TEST_CASE("date: every day from 1900 to 2100 round-trips", "[date]") {
  const unsigned kMonthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int32_t expected = -25567;  // 1900-01-01
  int checked = 0;
  for (int y = 1900; y <= 2100; ++y) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    for (unsigned m = 1; m <= 12; ++m) {
      const unsigned monthDays = kMonthDays[m - 1] + (m == 2 && leap ? 1 : 0);
      for (unsigned d = 1; d <= monthDays; ++d, ++expected, ++checked) {
        // Stop at the first failure: one broken day would otherwise report thousands.
        REQUIRE(ppl::daysFromCivil(y, m, d) == expected);
        int yy;
        unsigned mm, dd;
        ppl::civilFromDays(expected, yy, mm, dd);
        REQUIRE(yy == y);
        REQUIRE(mm == m);
        REQUIRE(dd == d);

        char text[11];
        std::snprintf(text, sizeof text, "%04d-%02u-%02u", y, m, d);
        int32_t parsed = 0;
        REQUIRE(ppl::parseDate(text, parsed));
        REQUIRE(parsed == expected);
        REQUIRE(ppl::formatDate(expected) == text);
      }
    }
  }
  CHECK(expected - 1 == 47846);  // 2100-12-31
  CHECK(checked == 73414);       // 201 years, 49 of them leap
}

// parseDate computes the day number in its own closed form: every date it can read agrees
// with daysFromCivil and round-trips through formatDate.
TEST_CASE("date: every day from 0001 to 9999 parses to its day number", "[date]") {
  char buf[10];
  ppl::DateReader reader;
  for (int32_t day = ppl::kMinDateDays; day <= ppl::kMaxDateDays; ++day) {
    ppl::formatDate(day, buf);
    int32_t parsed = 0;
    if (!ppl::parseDate(std::string_view(buf, sizeof buf), parsed) || parsed != day) {
      FAIL(std::string(buf, sizeof buf) << " parses to " << parsed << ", not " << day);
    }
    // A reader meets each month first on its 1st (remembered), then on the other days.
    if (!reader.parseAt(buf, parsed) || parsed != day) {
      FAIL("DateReader: " << std::string(buf, sizeof buf) << " parses to " << parsed << ", not " << day);
    }
    int y;
    unsigned m, d;
    ppl::civilFromDays(day, y, m, d);
    if (ppl::daysFromCivil(y, m, d) != day) FAIL("daysFromCivil disagrees at " << day);
  }
}

TEST_CASE("date: arithmetic on day numbers", "[date]") {
  CHECK(ppl::formatDate(date("2026-10-05") - 90) == "2026-07-07");
  CHECK(date("2023-10-01") - date("2023-09-30") == 1);
  CHECK(ppl::formatDate(date("2023-12-31") + 1) == "2024-01-01");
  CHECK(ppl::formatDate(date("2024-03-01") - 1) == "2024-02-29");
}

TEST_CASE("date: parse accepts only YYYY-MM-DD", "[date]") {
  for (const char* bad :
       {"2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00",
        "2026-01-32", "0000-01-01", "2026-1-05", "2026-10-5", "20261005", "2026/10/05",
        " 2026-10-05", "2026-10-05 ", "2026-10-05T00:00:00", "", "2026-10-0x", "+026-10-05",
        "-026-10-05", "2026-+1-05", "2026--1-05", "2026-10-+5"}) {
    INFO("text: '" << bad << "'");
    int32_t days = 12345;
    CHECK_FALSE(ppl::parseDate(bad, days));
    CHECK(days == 12345);  // untouched on failure
  }
  CHECK(parses("2026-04-30"));
  CHECK(parses("2026-12-31"));
}

TEST_CASE("date: format writes exactly ten characters", "[date]") {
  char buf[12];
  std::memset(buf, '#', sizeof buf);
  ppl::formatDate(date("0987-06-05"), buf);
  CHECK(std::string(buf, 10) == "0987-06-05");
  CHECK(buf[10] == '#');  // no terminator written
  CHECK(ppl::formatDate(0) == "1970-01-01");
  CHECK(ppl::formatDate(ppl::kMinDateDays) == "0001-01-01");
  CHECK(ppl::formatDate(ppl::kMaxDateDays) == "9999-12-31");
  // Out of range clamps rather than writing a five-digit or negative year.
  CHECK(ppl::formatDate(ppl::kMaxDateDays + 1) == "9999-12-31");
  CHECK(ppl::formatDate(INT32_MIN) == "0001-01-01");
  CHECK(ppl::dateInRange(0));
  CHECK_FALSE(ppl::dateInRange(ppl::kMaxDateDays + 1));
}

namespace {

// parseDate as it was written first (digit loops, then the month's length), kept as the
// reference for the straight-line version.
bool referenceParseDate(const std::string& text, int32_t& days) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  unsigned v[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8}, counts[3] = {4, 2, 2};
  for (int part = 0; part < 3; ++part) {
    for (size_t i = starts[part]; i < starts[part] + counts[part]; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      v[part] = v[part] * 10 + static_cast<unsigned>(text[i] - '0');
    }
  }
  if (v[0] < 1 || v[2] < 1 || v[2] > ppl::daysInMonth(static_cast<int>(v[0]), v[1])) return false;
  days = ppl::daysFromCivil(static_cast<int>(v[0]), v[1], v[2]);
  return true;
}

// One reader for every check, so that its months are remembered from earlier texts (the base
// dates below are met before their variants) and both its paths run.
ppl::DateReader sharedReader;

// parseDate, a DateReader (for ten bytes) and the reference accept or refuse `text` alike,
// with the same day.
void expectSameAsReference(const std::string& text) {
  INFO(text);
  int32_t a = 7, b = 7;
  const bool okA = ppl::parseDate(text, a);
  const bool okB = referenceParseDate(text, b);
  REQUIRE(okA == okB);
  CHECK(a == b);
  if (text.size() == 10) {
    int32_t c = 7;
    REQUIRE(sharedReader.parseAt(text.data(), c) == okB);
    if (okB) CHECK(c == b);
  }
}

}  // namespace

TEST_CASE("date: parseDate agrees with the reference on near-dates", "[date]") {
  const char kChars[] = "0123456789-/ a\x00\xff:";
  uint64_t state = 20261127;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<unsigned>(state >> 33);
  };
  for (int round = 0; round < 300000; ++round) {
    char buf[11];
    const int32_t day = ppl::kMinDateDays + static_cast<int32_t>(next() % (ppl::kMaxDateDays - ppl::kMinDateDays + 1));
    ppl::formatDate(day, buf);
    std::string text(buf, 10);
    if (round % 2) text[next() % 10] = kChars[next() % (sizeof kChars - 1)];
    if (round % 7 == 0) text[next() % 10] = static_cast<char>('0' + next() % 10);  // days 29..39, months 0..19
    if (round % 11 == 0) text.resize(next() % 12, '1');
    expectSameAsReference(text);
  }
}

TEST_CASE("date: parseDate agrees with the reference on every byte at every position", "[date]") {
  // The word-at-a-time checks must refuse each wrong byte on its own, carries and borrows included.
  for (const char* base : {"2024-02-29", "2025-02-28", "1900-02-28", "2000-02-29", "0001-01-01", "9999-12-31",
                           "2024-12-31", "2024-04-30", "1999-09-19"}) {
    for (int pos = 0; pos < 10; ++pos) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string text(base);
        text[pos] = static_cast<char>(byte);
        expectSameAsReference(text);
      }
    }
  }
}
