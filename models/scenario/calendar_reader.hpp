// Reads the `calendar` section and the dates the scenario language writes (YYYY-MM, YYYY-MM-DD).
#pragma once

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

}  // namespace funnelsim::models
