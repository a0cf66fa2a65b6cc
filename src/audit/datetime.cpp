#include "siteaudit/audit/datetime.hpp"

#include <fmt/format.h>

#include <array>

#include "audit/rule_text.hpp"

namespace siteaudit::audit {

namespace {

using namespace std::chrono;
using rules_detail::iequals;
using rules_detail::strip;

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kShortDays = {"Mon", "Tue", "Wed", "Thu",
                                                        "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

// Cursor reads fixed-format fields left to right; every read fails once one has failed, so
// a parser can read all fields and check ok() once.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool ok() const noexcept { return ok_; }
  bool at_end() const noexcept { return ok_ && text_.empty(); }

  // digits() reads exactly `count` ASCII digits.
  int digits(std::size_t count) {
    int value = 0;
    if (!ok_ || text_.size() < count) return fail();
    for (std::size_t i = 0; i < count; ++i) {
      if (text_[i] < '0' || text_[i] > '9') return fail();
      value = value * 10 + (text_[i] - '0');
    }
    text_.remove_prefix(count);
    return value;
  }
  void literal(std::string_view expected) {
    if (!ok_ || text_.size() < expected.size() ||
        !iequals(text_.substr(0, expected.size()), expected)) {
      fail();
      return;
    }
    text_.remove_prefix(expected.size());
  }
  // one_of() reads one of `names` (any case) and returns its index.
  template <std::size_t N>
  int one_of(const std::array<std::string_view, N>& names) {
    if (!ok_) return 0;
    for (std::size_t i = 0; i < N; ++i) {
      if (text_.size() >= names[i].size() && iequals(text_.substr(0, names[i].size()), names[i])) {
        text_.remove_prefix(names[i].size());
        return static_cast<int>(i);
      }
    }
    return fail();
  }
  bool peek(char c) const noexcept { return ok_ && !text_.empty() && text_.front() == c; }
  std::string_view rest() const noexcept { return text_; }

 private:
  int fail() {
    ok_ = false;
    return 0;
  }
  std::string_view text_;
  bool ok_ = true;
};

std::optional<UtcSeconds> make_time(int y, int mon, int d, int h, int min, int s) {
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mon)}, day{static_cast<unsigned>(d)}};
  // Second 60 is a leap second, allowed by the grammars of both formats.
  if (!ymd.ok() || h > 23 || min > 59 || s > 60) return std::nullopt;
  return sys_days(ymd) + hours(h) + minutes(min) + seconds(s);
}

void read_clock(Cursor& in, int& h, int& min, int& s) {
  h = in.digits(2);
  in.literal(":");
  min = in.digits(2);
  in.literal(":");
  s = in.digits(2);
}

}  // namespace

std::optional<UtcSeconds> parse_http_date(std::string_view raw, UtcSeconds now) {
  std::string_view text = strip(raw);
  int y = 0, mon = 0, d = 0, h = 0, min = 0, s = 0;
  std::size_t comma = text.find(',');
  if (comma == 3) {
    // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    Cursor in(text);
    in.one_of(kShortDays);
    in.literal(", ");
    d = in.digits(2);
    in.literal(" ");
    mon = in.one_of(kMonths) + 1;
    in.literal(" ");
    y = in.digits(4);
    in.literal(" ");
    read_clock(in, h, min, s);
    in.literal(" GMT");
    if (!in.at_end()) return std::nullopt;
  } else if (comma != std::string_view::npos) {
    // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    Cursor in(text);
    in.one_of(kLongDays);
    in.literal(", ");
    d = in.digits(2);
    in.literal("-");
    mon = in.one_of(kMonths) + 1;
    in.literal("-");
    int yy = in.digits(2);
    in.literal(" ");
    read_clock(in, h, min, s);
    in.literal(" GMT");
    if (!in.at_end()) return std::nullopt;
    int now_year = static_cast<int>(year_month_day(floor<days>(now)).year());
    y = now_year - now_year % 100 + yy;
    if (y > now_year + 50) y -= 100;
  } else {
    // asctime: Sun Nov  6 08:49:37 1994 (day of month padded with a space, or two digits)
    Cursor in(text);
    in.one_of(kShortDays);
    in.literal(" ");
    mon = in.one_of(kMonths) + 1;
    in.literal(" ");
    if (in.peek(' ')) {
      in.literal(" ");
      d = in.digits(1);
    } else {
      d = in.digits(2);
    }
    in.literal(" ");
    read_clock(in, h, min, s);
    in.literal(" ");
    y = in.digits(4);
    if (!in.at_end()) return std::nullopt;
  }
  return make_time(y, mon, d, h, min, s);
}

std::string format_http_date(UtcSeconds time) {
  const sys_days day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss clock(time - day);
  // weekday's c_encoding is 0 for Sunday; kShortDays starts on Monday.
  const unsigned weekday_index = (weekday(day).c_encoding() + 6) % 7;
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kShortDays[weekday_index],
                     static_cast<unsigned>(date.day()),
                     kMonths[static_cast<unsigned>(date.month()) - 1],
                     static_cast<int>(date.year()), clock.hours().count(), clock.minutes().count(),
                     clock.seconds().count());
}

std::optional<W3cDatetime> parse_w3c_datetime(std::string_view raw) {
  Cursor in(strip(raw));
  int y = in.digits(4);
  int mon = 1, d = 1;
  enum class Precision { year, month, day } precision = Precision::year;
  if (in.peek('-')) {
    in.literal("-");
    mon = in.digits(2);
    precision = Precision::month;
    if (in.peek('-')) {
      in.literal("-");
      d = in.digits(2);
      precision = Precision::day;
    }
  }
  if (!in.ok()) return std::nullopt;
  if (in.at_end()) {
    auto start = make_time(y, mon, d, 0, 0, 0);
    if (!start) return std::nullopt;
    sys_days first = floor<days>(*start);
    sys_days end = precision == Precision::year    ? sys_days(year{y + 1} / January / 1)
                   : precision == Precision::month ? sys_days(year_month_day(first) + months(1))
                                                   : first + days(1);
    // Local midnight in UTC+14 is 14 hours before UTC midnight; in UTC-12 it is 12 after.
    return W3cDatetime{*start - hours(14), UtcSeconds(end) + hours(12) - seconds(1), false};
  }
  if (precision != Precision::day) return std::nullopt;
  in.literal("T");
  int h = in.digits(2);
  in.literal(":");
  int min = in.digits(2);
  int s = 0;
  if (in.peek(':')) {
    in.literal(":");
    s = in.digits(2);
    if (in.peek('.')) {
      in.literal(".");
      in.digits(1);  // at least one digit of the fraction, which is dropped
      while (in.ok() && !in.rest().empty() && in.rest().front() >= '0' &&
             in.rest().front() <= '9') {
        in.digits(1);
      }
    }
  }
  seconds offset{0};
  if (in.peek('Z')) {
    in.literal("Z");
  } else {
    int sign = in.peek('+') ? 1 : in.peek('-') ? -1 : 0;
    if (sign == 0) return std::nullopt;
    in.literal(sign > 0 ? "+" : "-");
    int oh = in.digits(2);
    in.literal(":");
    int om = in.digits(2);
    if (oh > 14 || om > 59) return std::nullopt;
    offset = sign * (hours(oh) + minutes(om));
  }
  if (!in.at_end()) return std::nullopt;
  auto local = make_time(y, mon, d, h, min, s);
  if (!local) return std::nullopt;
  UtcSeconds instant = *local - offset;
  return W3cDatetime{instant, instant, true};
}

}  // namespace siteaudit::audit
