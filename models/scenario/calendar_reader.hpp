// Reads the `calendar` section and the dates the scenario language writes (YYYY-MM, YYYY-MM-DD).
#pragma once

#include <array>
#include <optional>

#include "models/scenario/map_cursor.hpp"
#include "models/scenario/scenario.hpp"

namespace funnelsim::models {

struct YearMonth {
  int year = 0;
  int month = 0;  ///< 1..12
};

inline constexpr int MIN_YEAR = 1900;
inline constexpr int MAX_YEAR = 2200;
inline constexpr int MAX_HORIZON_MONTHS = 120;

int days_in_month(int year, int month);

/// A YYYY-MM scalar with year MIN_YEAR..MAX_YEAR; reports and returns nullopt otherwise.
std::optional<YearMonth> read_year_month(const YamlCursor& at);

/// Reads `calendar` from the scenario root. nullopt when the section is missing or its start
/// or horizon is unusable (other sections then skip their checks against the horizon).
std::optional<Calendar> read_calendar(const MapCursor& root);

/// Months from the calendar start to `when` (negative before the start).
int months_since_start(const Calendar& calendar, YearMonth when);

/// Reports "must be within the horizon, 2027-01 to 2027-12" against `at` unless `month_index`
/// (from months_since_start) lies within the calendar's horizon; returns whether it does.
bool check_within_horizon(const YamlCursor& at, const Calendar& calendar, int month_index);

/// A list of distinct weekday names `mon` .. `sun`, at least one, as Monday-first flags; every
/// problem is reported and nullopt returned.
std::optional<std::array<bool, 7>> read_weekdays(const YamlCursor& at);

}  // namespace funnelsim::models
