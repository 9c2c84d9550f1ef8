#include "models/scenario/calendar_reader.hpp"

#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace funnelsim::models {

namespace {

const std::vector<std::string> WEEKDAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// Parses exactly `digits` decimal digits.
std::optional<int> parse_digits(std::string_view text, std::size_t digits) {
  if (text.size() != digits) return std::nullopt;
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "YYYY-MM" or "YYYY-MM-DD" split into numbers; day 0 when absent. No range checks.
std::optional<std::array<int, 3>> split_date(std::string_view text, bool with_day) {
  const std::size_t length = with_day ? 10 : 7;
  if (text.size() != length || text[4] != '-' || (with_day && text[7] != '-')) return std::nullopt;
  const auto year = parse_digits(text.substr(0, 4), 4);
  const auto month = parse_digits(text.substr(5, 2), 2);
  const auto day = with_day ? parse_digits(text.substr(8, 2), 2) : std::optional<int>(0);
  if (!year || !month || !day) return std::nullopt;
  return std::array<int, 3>{*year, *month, *day};
}

std::string year_range_rule() {
  return "year must be between " + std::to_string(MIN_YEAR) + " and " + std::to_string(MAX_YEAR);
}

std::optional<std::array<int, 3>> read_date(const YamlCursor& at) {
  const auto date = at.node().is_scalar() ? split_date(at.node().scalar, true) : std::nullopt;
  if (!date) {
    at.wrong_type("a date YYYY-MM-DD");
    return std::nullopt;
  }
  const auto [year, month, day] = *date;
  if (year < MIN_YEAR || year > MAX_YEAR) {
    at.error(year_range_rule());
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
    at.error("is not a valid date");
    return std::nullopt;
  }
  return date;
}

}  // namespace

std::optional<std::array<bool, 7>> read_weekdays(const YamlCursor& at) {
  const auto items = at.sequence();
  if (!items) return std::nullopt;
  std::array<bool, 7> days = {false, false, false, false, false, false, false};
  bool ok = true;
  for (const YamlCursor& item : *items) {
    const auto name = item.keyword(WEEKDAYS);
    if (!name) {
      ok = false;
      continue;
    }
    std::size_t index = 0;
    while (WEEKDAYS[index] != *name) ++index;
    if (days[index]) {
      item.error("is listed twice");
      ok = false;
    }
    days[index] = true;
  }
  if (ok && items->empty()) {
    at.error("must list at least one working day");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return days;
}

bool check_within_horizon(const YamlCursor& at, const Calendar& calendar, int month_index) {
  if (month_index >= 0 && month_index < calendar.horizon_months) return true;
  const int last = calendar.start_month - 1 + calendar.horizon_months - 1;
  char range[32];
  std::snprintf(range, sizeof range, "%04d-%02d to %04d-%02d", calendar.start_year,
                calendar.start_month, calendar.start_year + last / 12, last % 12 + 1);
  at.error(std::string("must be within the horizon, ") + range);
  return false;
}

int days_in_month(int year, int month) {
  static constexpr int DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : DAYS[month - 1];
}

std::optional<YearMonth> read_year_month(const YamlCursor& at) {
  const auto date = at.node().is_scalar() ? split_date(at.node().scalar, false) : std::nullopt;
  if (!date) {
    at.wrong_type("a month YYYY-MM");
    return std::nullopt;
  }
  const int year = (*date)[0];
  const int month = (*date)[1];
  if (year < MIN_YEAR || year > MAX_YEAR) {
    at.error(year_range_rule());
    return std::nullopt;
  }
  if (month < 1 || month > 12) {
    at.error("month must be between 01 and 12");
    return std::nullopt;
  }
  return YearMonth{year, month};
}

int months_since_start(const Calendar& calendar, YearMonth when) {
  return (when.year - calendar.start_year) * 12 + (when.month - calendar.start_month);
}

std::optional<Calendar> read_calendar(const MapCursor& root) {
  const auto at = root.require("calendar");
  if (!at) return std::nullopt;
  const auto map = MapCursor::open(*at, {"start", "horizon_months", "working_days", "holidays",
                                         "non_working_day_weight", "arrival_hours"});
  if (!map) return std::nullopt;
  Calendar calendar;
  bool usable = true;
  if (const auto start_at = map->require("start")) {
    if (const auto start = read_year_month(*start_at)) {
      calendar.start_year = start->year;
      calendar.start_month = start->month;
    } else {
      usable = false;
    }
  } else {
    usable = false;
  }
  if (const auto horizon_at = map->require("horizon_months")) {
    if (const auto horizon = horizon_at->integer(1, MAX_HORIZON_MONTHS))
      calendar.horizon_months = static_cast<int>(*horizon);
    else
      usable = false;
  } else {
    usable = false;
  }
  if (const auto days_at = map->get("working_days"))
    if (const auto days = read_weekdays(*days_at)) calendar.working_weekdays = *days;
  if (const auto holidays_at = map->get("holidays"))
    if (const auto items = holidays_at->sequence())
      for (const YamlCursor& item : *items)
        if (const auto date = read_date(item)) calendar.holidays.push_back(*date);
  if (const auto weight_at = map->get("non_working_day_weight"))
    if (const auto weight = weight_at->number(between(0.0, 1.0)))
      calendar.non_working_day_weight = *weight;
  if (const auto hours_at = map->get("arrival_hours")) {
    if (const auto items = hours_at->sequence()) {
      if (items->size() != 24) {
        hours_at->error("must have 24 weights, one per hour from 00:00 to 23:00 (found " +
                        std::to_string(items->size()) + ")");
      } else if (const auto weights = hours_at->numbers(between(0.0, 1000.0))) {
        double sum = 0.0;
        for (double w : *weights) sum += w;
        if (sum <= 0.0)
          hours_at->error("must have at least one positive weight");
        else
          calendar.arrival_hours = *weights;
      }
    }
  }
  if (!usable) return std::nullopt;
  return calendar;
}

}  // namespace funnelsim::models
