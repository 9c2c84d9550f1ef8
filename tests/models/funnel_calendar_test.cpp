// The forecast's day grid: month lengths, leap years, year boundaries, working days.
#include <gtest/gtest.h>

#include "models/funnel/funnel_calendar.hpp"

namespace fm = funnelsim::models;

TEST(FunnelCalendar, A2027YearHasTheCalendarMonthLengths) {
  fm::Calendar c;  // 2027-01, 12 months, Monday to Friday
  const fm::FunnelCalendar cal(c);
  ASSERT_EQ(cal.months(), 12);
  EXPECT_EQ(cal.total_days(), 365);
  const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int start = 0;
  for (int m = 0; m < 12; ++m) {
    EXPECT_EQ(cal.month_days(m), lengths[m]) << m;
    EXPECT_EQ(cal.month_start(m), start) << m;
    EXPECT_EQ(cal.month_of_day(start), m);
    EXPECT_EQ(cal.calendar_month(m), m);
    start += lengths[m];
  }
  EXPECT_EQ(cal.labels().front(), "2027-01");
  EXPECT_EQ(cal.labels().back(), "2027-12");
}

TEST(FunnelCalendar, LeapFebruaryAndYearBoundary) {
  fm::Calendar c;
  c.start_year = 2027;
  c.start_month = 11;
  c.horizon_months = 4;
  const fm::FunnelCalendar cal(c);
  EXPECT_EQ(cal.labels(), (std::vector<std::string>{"2027-11", "2027-12", "2028-01", "2028-02"}));
  EXPECT_EQ(cal.month_days(3), 29);  // 2028 is a leap year
  EXPECT_EQ(cal.calendar_month(2), 0);
  EXPECT_EQ(cal.total_days(), 30 + 31 + 31 + 29);
}

TEST(FunnelCalendar, WeekendsAndHolidaysAreNotWorkingDays) {
  fm::Calendar c;
  c.holidays = {{2027, 1, 1}};
  const fm::FunnelCalendar cal(c);
  EXPECT_FALSE(cal.is_working_day(0));  // Friday 1 January 2027, a holiday
  EXPECT_FALSE(cal.is_working_day(1));  // Saturday
  EXPECT_FALSE(cal.is_working_day(2));  // Sunday
  EXPECT_TRUE(cal.is_working_day(3));   // Monday 4 January
  int working = 0;
  for (int d = 0; d < cal.month_days(0); ++d) working += cal.is_working_day(d);
  EXPECT_EQ(working, 20);  // 21 weekdays in January 2027, less New Year's Day
}
