#include "models/funnel/funnel_calendar.hpp"

#include <chrono>
#include <cstdio>

namespace funnelsim::models {

FunnelCalendar::FunnelCalendar(const Calendar& calendar) {
  using namespace std::chrono;
  const year_month start{year{calendar.start_year},
                         month{static_cast<unsigned>(calendar.start_month)}};
  int day = 0;
  for (int m = 0; m < calendar.horizon_months; ++m) {
    const year_month ym = start + std::chrono::months{m};
    const int days = static_cast<int>(unsigned{(ym / last).day()});
    month_start_.push_back(day);
    month_days_.push_back(days);
    calendar_month_.push_back(static_cast<int>(unsigned{ym.month()}) - 1);
    char label[16];
    std::snprintf(label, sizeof label, "%04d-%02u", static_cast<int>(ym.year()),
                  unsigned{ym.month()});
    labels_.emplace_back(label);
    for (int d = 1; d <= days; ++d) {
      const year_month_day date = ym / std::chrono::day{static_cast<unsigned>(d)};
      // iso_encoding: Monday = 1 ... Sunday = 7; the scenario's working_weekdays is Monday-first.
      const unsigned weekday_index = std::chrono::weekday{sys_days{date}}.iso_encoding() - 1;
      if (m == 0 && d == 1) first_weekday_ = static_cast<int>(weekday_index);
      bool holiday = false;
      for (const auto& h : calendar.holidays)
        if (h[0] == static_cast<int>(ym.year()) && h[1] == static_cast<int>(unsigned{ym.month()}) &&
            h[2] == d)
          holiday = true;
      const bool working = calendar.working_weekdays[weekday_index] && !holiday;
      month_of_day_.push_back(static_cast<std::uint16_t>(m));
      working_.push_back(working ? 1 : 0);
      holiday_.push_back(holiday ? 1 : 0);
    }
    day += days;
  }
}

}  // namespace funnelsim::models
