#include "kjudge/problem/iso8601.h"

#include <cstdio>

namespace kjudge::problem {

namespace {

// Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2);
}

unsigned DaysInMonth(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}
  bool Done() const { return pos_ == text_.size(); }
  bool Next(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  /// Exactly `digits` decimal digits.
  bool Number(int digits, int* out) {
    int v = 0;
    for (int i = 0; i < digits; ++i) {
      if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9') return false;
      v = v * 10 + (text_[pos_++] - '0');
    }
    *out = v;
    return true;
  }
  void SkipDigits() {
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

Error Bad(std::string_view text, const std::string& why) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "'" + std::string(text) + "' is not an ISO-8601 date or time (" + why +
                       "; e.g. 2026-06-30 or 2026-06-30T23:59:59Z)");
}

}  // namespace

Result<std::int64_t> ParseIso8601(std::string_view text) {
  Reader r(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!r.Number(4, &year) || !r.Next('-') || !r.Number(2, &month) || !r.Next('-') || !r.Number(2, &day)) {
    return Bad(text, "expected YYYY-MM-DD");
  }
  if (year < 1970) return Bad(text, "year before 1970");
  if (month < 1 || month > 12) return Bad(text, "month out of range");
  if (day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month))) {
    return Bad(text, "day out of range");
  }
  int offset_s = 0;
  if (!r.Done()) {
    if (!r.Next('T') && !r.Next('t') && !r.Next(' ')) return Bad(text, "expected 'T' between date and time");
    if (!r.Number(2, &hour) || !r.Next(':') || !r.Number(2, &minute)) return Bad(text, "expected HH:MM");
    if (r.Next(':')) {
      if (!r.Number(2, &second)) return Bad(text, "expected seconds as SS");
      if (r.Next('.') || r.Next(',')) r.SkipDigits();
    }
    if (hour > 23 || minute > 59 || second > 59) return Bad(text, "time out of range");
    if (r.Next('Z') || r.Next('z')) {
      // UTC
    } else if (r.Peek() == '+' || r.Peek() == '-') {
      int sign = 1;
      if (r.Next('-')) {
        sign = -1;
      } else {
        r.Next('+');
      }
      int oh = 0, om = 0;
      if (!r.Number(2, &oh)) return Bad(text, "expected a zone offset as +HH:MM");
      r.Next(':');
      if (!r.Number(2, &om)) return Bad(text, "expected a zone offset as +HH:MM");
      if (oh > 23 || om > 59) return Bad(text, "zone offset out of range");
      offset_s = sign * (oh * 3600 + om * 60);
    }
    if (!r.Done()) return Bad(text, "unexpected characters after the time");
  }
  const std::int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
}

std::string FormatIso8601(std::int64_t unix_s) {
  std::int64_t days = unix_s / 86400;
  std::int64_t rem = unix_s % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(rem / 3600), static_cast<long long>(rem % 3600 / 60),
                static_cast<long long>(rem % 60));
  return buf;
}

}  // namespace kjudge::problem
