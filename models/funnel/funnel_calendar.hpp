// The day grid of a forecast: months, their days, and which days are working days.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace funnelsim::models {

/// Day 0 is the first day of the start month; the horizon is [0, total_days()). Month m of
/// the forecast covers days [month_start(m), month_start(m) + month_days(m)).
///
/// Tested by tests/models/funnel_calendar_test.cpp.
class FunnelCalendar {
 public:
  explicit FunnelCalendar(const Calendar& calendar);

  int months() const { return static_cast<int>(month_days_.size()); }
  int total_days() const { return static_cast<int>(month_of_day_.size()); }
  int month_start(int m) const { return month_start_[static_cast<std::size_t>(m)]; }
  int month_days(int m) const { return month_days_[static_cast<std::size_t>(m)]; }
  /// 0 = January ... 11 = December, for month m of the forecast.
  int calendar_month(int m) const { return calendar_month_[static_cast<std::size_t>(m)]; }
  /// Forecast month containing day d (0 <= d < total_days()).
  int month_of_day(int d) const { return month_of_day_[static_cast<std::size_t>(d)]; }
  bool is_working_day(int d) const { return working_[static_cast<std::size_t>(d)] != 0; }
  /// Day of the week of day d: Monday = 0 ... Sunday = 6 (0 <= d < total_days()).
  int weekday(int d) const { return (first_weekday_ + d) % 7; }
  /// Whether day d is one of the scenario's holidays, whatever its weekday
  /// (0 <= d < total_days()). Holidays are never working days.
  bool is_holiday(int d) const { return holiday_[static_cast<std::size_t>(d)] != 0; }
  /// "YYYY-MM" labels of the forecast months.
  const std::vector<std::string>& labels() const { return labels_; }

 private:
  std::vector<int> month_start_;
  std::vector<int> month_days_;
  std::vector<int> calendar_month_;
  std::vector<std::uint16_t> month_of_day_;
  std::vector<std::uint8_t> working_;
  std::vector<std::uint8_t> holiday_;
  int first_weekday_ = 0;  ///< weekday of day 0, Monday = 0
  std::vector<std::string> labels_;
};

}  // namespace funnelsim::models
