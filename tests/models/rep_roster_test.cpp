// A rep pool's per-replication roster: the headcount plan, ramp, attrition, backfill and
// working windows, against hand-computed values and closed forms (fixed seeds, tolerances
// of 4.5 standard errors); and the calendar's weekdays and holidays it relies on.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "models/capacity/rep_roster.hpp"
#include "models/funnel/funnel_streams.hpp"
#include "tests/models/run_test_support.hpp"

namespace fm = funnelsim::models;
namespace fe = funnelsim::engine;
using namespace funnelsim::models::testing;
using Kind = fm::DistributionSpec::Kind;

namespace {

constexpr std::uint64_t SEED = 20270101;

/// 2027-01 (1 January is a Friday), Monday to Friday, with the given holidays.
fm::FunnelCalendar calendar_2027(int months = 12,
                                 std::vector<std::array<int, 3>> holidays = {{2027, 3, 2}}) {
  fm::Calendar c;
  c.horizon_months = months;
  c.holidays = std::move(holidays);
  return fm::FunnelCalendar(c);
}

/// The stream a replication's roster draws from, as the model keys it.
fe::RandomStream roster_stream(std::uint64_t replication, std::uint32_t pool = 0) {
  return fe::RandomStream(fe::StreamKey{
      SEED, replication, static_cast<std::uint32_t>(fm::FunnelStream::CAPACITY),
      pool * fm::CAPACITY_SUBSTREAMS + static_cast<std::uint32_t>(fm::CapacitySubstream::ROSTER)});
}

/// Sample mean and standard error of the mean (Welford).
struct Moments {
  double n = 0.0, mean = 0.0, m2 = 0.0;
  void add(double x) {
    n += 1.0;
    const double delta = x - mean;
    mean += delta / n;
    m2 += delta * (x - mean);
  }
  double variance() const { return m2 / (n - 1.0); }
  double standard_error() const { return std::sqrt(variance() / n); }
};

/// 10 fully ramped reps, 2 hires starting 1 February, ramp 25/50/75 %; two more hires that
/// start past the horizon. No attrition.
fm::RepPool deterministic_pool() {
  fm::RepPool pool;
  pool.id = "sdr";
  pool.headcount = 10;
  pool.ramp = {0.25, 0.5, 0.75};
  pool.hires = {{1, 2, spec(Kind::Fixed, 0.0)},    // day 31, Monday 1 February
                {11, 1, spec(Kind::Fixed, 40.0)},  // day 334 + 40 >= 365: dropped
                {12, 3, spec(Kind::Fixed, 0.0)}};  // month 12 is past the horizon: dropped
  return pool;
}

}  // namespace

TEST(FunnelCalendarDays, WeekdaysAndHolidays) {
  const fm::FunnelCalendar cal = calendar_2027(12, {{2027, 1, 1}, {2027, 1, 2}});
  EXPECT_EQ(cal.weekday(0), 4);    // Friday 1 January 2027
  EXPECT_EQ(cal.weekday(3), 0);    // Monday 4 January
  EXPECT_EQ(cal.weekday(31), 0);   // Monday 1 February
  EXPECT_EQ(cal.weekday(364), 4);  // Friday 31 December
  EXPECT_TRUE(cal.is_holiday(0));
  EXPECT_TRUE(cal.is_holiday(1));  // a Saturday holiday is still a holiday
  EXPECT_FALSE(cal.is_holiday(2));
  EXPECT_FALSE(cal.is_working_day(0));
  int holidays = 0;
  for (int d = 0; d < cal.total_days(); ++d) holidays += cal.is_holiday(d);
  EXPECT_EQ(holidays, 2);
}

TEST(RepRoster, DeterministicPlanGivesTheHandComputedFte) {
  const fm::FunnelCalendar cal = calendar_2027();  // holiday Tuesday 2 March (day 60)
  fm::RepPool pool = deterministic_pool();
  fm::RepRoster roster(pool, cal);
  fe::RandomStream rng = roster_stream(0);
  roster.draw(rng);
  ASSERT_EQ(roster.size(), 12u);
  EXPECT_EQ(roster.rep(0).tenure_at_start_months, 3.0);  // fully ramped: the ramp's length
  EXPECT_EQ(roster.rep(10).start_day, 31.0);
  EXPECT_EQ(roster.rep(10).tenure_at_start_months, 0.0);
  EXPECT_TRUE(std::isinf(roster.rep(11).leave_day));

  // A hire's tenure on day d is (d + 0.5 - 31) / 30.4375 months: tenure month 0 through
  // day 60 (2 March), month 1 from day 61 (3 March) to day 91 (2 April), month 2 from day 92
  // (3 April, a Saturday) to day 121 (2 May, a Sunday), ramped from day 122 (3 May).
  // Working days (Mon-Fri): Jan 21, Feb 20, Mar 23 less the holiday, Apr 22.
  // March: 1 March at 25 %, 2 March a holiday, 21 working days from 3 March at 50 %.
  // April: 1 and 2 April at 50 %, 20 working days from 5 April at 75 %.
  const double expected[12] = {10.0,
                               10.0 + 2 * 0.25,
                               10.0 + 2 * (0.25 + 21 * 0.5) / 22.0,
                               10.0 + 2 * (2 * 0.5 + 20 * 0.75) / 22.0,
                               12.0,
                               12.0,
                               12.0,
                               12.0,
                               12.0,
                               12.0,
                               12.0,
                               12.0};
  for (int m = 0; m < 12; ++m) {
    EXPECT_NEAR(roster.effective_fte(m), expected[m], 1e-12) << "month " << m;
    EXPECT_NEAR(fm::expected_effective_fte(pool, cal, m), expected[m], 1e-12) << "month " << m;
  }
  EXPECT_EQ(roster.headcount_at(30.0), 10.0);
  EXPECT_EQ(roster.headcount_at(31.0), 12.0);

  // Not observing holidays, 2 March is a working day at 25 %: March has 23 working days.
  pool.schedule.observe_holidays = false;
  fm::RepRoster all_days(pool, cal);
  all_days.draw(rng);
  EXPECT_NEAR(all_days.effective_fte(2), 10.0 + 2 * (2 * 0.25 + 21 * 0.5) / 23.0, 1e-12);
  EXPECT_NEAR(fm::expected_effective_fte(pool, cal, 2), 10.0 + 2 * 11.0 / 23.0, 1e-12);
}

TEST(RepRoster, RampMonthsAreLinearAndStartingRepsDefaultToFullyRamped) {
  const fm::FunnelCalendar cal = calendar_2027(12, {});
  fm::RepPool pool;
  pool.headcount = 1;
  pool.hires = {{0, 1, spec(Kind::Fixed, 0.0)}};
  pool.ramp_months = spec(Kind::Fixed, 4.0);
  pool.schedule.days = {true, true, true, true, true, true, true};
  fm::RepRoster roster(pool, cal);
  fe::RandomStream rng = roster_stream(0);
  roster.draw(rng);
  ASSERT_EQ(roster.size(), 2u);
  EXPECT_EQ(roster.rep(0).ramp_months, 4.0);
  EXPECT_EQ(roster.rep(0).tenure_at_start_months, 4.0);
  for (int d : {0, 10, 100}) {
    EXPECT_EQ(roster.productivity(0, d), 1.0);
    EXPECT_DOUBLE_EQ(roster.productivity(1, d), (d + 0.5) / fm::DAYS_PER_MONTH / 4.0);
  }
  EXPECT_EQ(roster.productivity(1, 122), 1.0);  // 122.5 days > 4 months
  EXPECT_THROW(fm::expected_effective_fte(pool, cal, 0), std::invalid_argument);
}

TEST(RepRoster, ConstantHazardMatchesTheClosedForm) {
  const fm::FunnelCalendar cal = calendar_2027();
  fm::RepPool pool;
  pool.headcount = 20;
  pool.ramp = {0.3, 0.6, 0.9};
  pool.hires = {{1, 3, spec(Kind::Fixed, 10.0)},  // day ceil(31 + 10) = 41
                {5, 2, spec(Kind::Fixed, 0.0)}};  // day 151
  const double h = 0.04;
  pool.attrition.monthly_hazard = h;
  fm::RepRoster roster(pool, cal);

  const int draws = 20000;
  std::vector<Moments> fte(12);
  Moments headcount;
  for (int r = 0; r < draws; ++r) {
    fe::RandomStream rng = roster_stream(static_cast<std::uint64_t>(r));
    roster.draw(rng);
    for (int m = 0; m < 12; ++m) fte[static_cast<std::size_t>(m)].add(roster.effective_fte(m));
    headcount.add(roster.headcount_at(365.0));
  }
  for (int m = 0; m < 12; ++m) {
    const Moments& x = fte[static_cast<std::size_t>(m)];
    const double expected = fm::expected_effective_fte(pool, cal, m);
    EXPECT_LT(std::abs(x.mean - expected), 4.5 * x.standard_error())
        << "month " << m << ": mean " << x.mean << ", expected " << expected;
  }

  // Each rep is still there at day 365 independently with p = exp(-lambda (365 - start)):
  // a sum of Bernoullis, of mean sum p, variance sum p (1 - p) and fourth cumulant
  // sum p (1 - p) (1 - 6 p (1 - p)).
  const double lambda = -std::log(1.0 - h) / 30.4375;
  double mean = 0.0, variance = 0.0, cumulant4 = 0.0;
  for (const auto& [start, count] :
       std::vector<std::pair<double, int>>{{0.0, 20}, {41.0, 3}, {151.0, 2}}) {
    const double p = std::exp(-lambda * (365.0 - start));
    mean += count * p;
    variance += count * p * (1.0 - p);
    cumulant4 += count * p * (1.0 - p) * (1.0 - 6.0 * p * (1.0 - p));
  }
  EXPECT_LT(std::abs(headcount.mean - mean), 4.5 * headcount.standard_error())
      << headcount.mean << " vs " << mean;
  // The sample variance has variance (mu4 - sigma^4) / n, mu4 = kappa4 + 3 sigma^4.
  const double variance_se = std::sqrt((cumulant4 + 2.0 * variance * variance) / draws);
  EXPECT_LT(std::abs(headcount.variance() - variance), 4.5 * variance_se)
      << headcount.variance() << " vs " << variance;
}

TEST(RepRoster, StartingRepsDrawTheirRemainingTenureGivenTheirTenure) {
  const fm::FunnelCalendar cal = calendar_2027(24, {});
  fm::RepPool pool;
  pool.headcount = 50;
  pool.starting_tenure_months = 6.0;
  pool.hires = {{0, 10, spec(Kind::Fixed, 0.0)}};
  const double mean_tenure = 18.0;
  pool.attrition.tenure_months = spec(Kind::Exponential, mean_tenure);
  fm::RepRoster roster(pool, cal);

  // Exponential tenure is memoryless: remaining tenure has the unconditional mean, for the
  // starting reps (6 months in) as for the hires (tenure 0).
  Moments starting, hired;
  bool all_positive = true;
  for (int r = 0; r < 2000; ++r) {
    fe::RandomStream rng = roster_stream(static_cast<std::uint64_t>(r));
    roster.draw(rng);
    ASSERT_EQ(roster.size(), 60u);
    for (std::size_t i = 0; i < roster.size(); ++i) {
      const fm::RepRoster::Rep& rep = roster.rep(i);
      const double remaining = (rep.leave_day - rep.start_day) / fm::DAYS_PER_MONTH;
      all_positive = all_positive && remaining > 0.0;
      (i < 50 ? starting : hired).add(remaining);
    }
  }
  EXPECT_TRUE(all_positive);
  EXPECT_LT(std::abs(starting.mean - mean_tenure), 4.5 * starting.standard_error())
      << starting.mean;
  EXPECT_LT(std::abs(hired.mean - mean_tenure), 4.5 * hired.standard_error()) << hired.mean;

  // A lognormal tenure (median 20 months, sigma 0.6) for reps 30 months in: every remaining
  // tenure is positive, and E[T | T > tau] = e^(mu + s^2/2) Phi(s - z) / Phi(-z),
  // z = (ln tau - mu) / s.
  const double mu = std::log(20.0), s = 0.6, tau = 30.0;
  pool.starting_tenure_months = tau;
  pool.hires.clear();
  pool.attrition.tenure_months = spec(Kind::Lognormal, mu, s);
  fm::RepRoster lognormal(pool, cal);
  Moments total;
  all_positive = true;
  for (int r = 0; r < 400; ++r) {
    fe::RandomStream rng = roster_stream(static_cast<std::uint64_t>(r));
    lognormal.draw(rng);
    for (const fm::RepRoster::Rep& rep : lognormal.reps()) {
      all_positive = all_positive && rep.leave_day > rep.start_day;
      total.add(tau + (rep.leave_day - rep.start_day) / fm::DAYS_PER_MONTH);
    }
  }
  EXPECT_TRUE(all_positive);
  const auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  const double z = (std::log(tau) - mu) / s;
  const double conditional_mean = std::exp(mu + s * s / 2) * phi(s - z) / phi(-z);
  EXPECT_LT(std::abs(total.mean - conditional_mean), 4.5 * total.standard_error())
      << total.mean << " vs " << conditional_mean;
}

TEST(RepRoster, ImmediateBackfillKeepsTheHeadcount) {
  const fm::FunnelCalendar cal = calendar_2027(24);
  fm::RepPool pool;
  pool.headcount = 15;
  pool.attrition.monthly_hazard = 0.1;
  pool.attrition.backfill_lag_days = spec(Kind::Fixed, 0.0);
  fm::RepRoster roster(pool, cal);
  std::size_t reps = 0;
  for (int r = 0; r < 300; ++r) {
    fe::RandomStream rng = roster_stream(static_cast<std::uint64_t>(r));
    roster.draw(rng);
    reps += roster.size();
    for (std::size_t i = 15; i < roster.size(); ++i)
      ASSERT_EQ(roster.rep(i).tenure_at_start_months, 0.0);  // backfills start new
    for (int d = 0; d < cal.total_days(); ++d) {
      ASSERT_EQ(roster.headcount_at(d), 15.0) << "replication " << r << ", day " << d;
      if (!roster.is_working_day(d)) continue;
      int working = 0;
      for (std::size_t i = 0; i < roster.size(); ++i) working += roster.productivity(i, d) > 0.0;
      ASSERT_EQ(working, 15) << "replication " << r << ", day " << d;
    }
  }
  // About 2.4 departures per seat over two years: backfills did happen.
  EXPECT_GT(static_cast<double>(reps) / 300.0, 15.0 + 15 * 2.0);

  // A random lag: never more than the planned seats, and fewer on some days.
  pool.attrition.backfill_lag_days = spec(Kind::Exponential, 20.0);
  fm::RepRoster lagged(pool, cal);
  fe::RandomStream rng = roster_stream(0);
  lagged.draw(rng);
  double lowest = 15.0;
  for (int d = 0; d < cal.total_days(); ++d) {
    ASSERT_LE(lagged.headcount_at(d), 15.0);
    lowest = std::min(lowest, lagged.headcount_at(d));
  }
  EXPECT_LT(lowest, 15.0);
}

TEST(RepRoster, WindowsFollowTheSchedule) {
  const fm::FunnelCalendar cal = calendar_2027();  // holiday Tuesday 2 March (day 60)
  fm::RepPool pool;
  pool.headcount = 1;

  // 24/7 at full productivity, holidays worked: windows tile the horizon.
  pool.schedule.days = {true, true, true, true, true, true, true};
  pool.schedule.start_hour = 0.0;
  pool.schedule.hours_per_day = 24.0;
  pool.schedule.observe_holidays = false;
  fm::RepRoster around_the_clock(pool, cal);
  fe::RandomStream rng = roster_stream(0);
  around_the_clock.draw(rng);
  for (int d = 0; d < cal.total_days(); ++d) {
    const fm::RepRoster::Window w = around_the_clock.window(0, d);
    ASSERT_EQ(w.begin, static_cast<double>(d));
    ASSERT_EQ(w.end, static_cast<double>(d + 1));
    if (d + 1 < cal.total_days()) {
      ASSERT_EQ(w.end, around_the_clock.window(0, d + 1).begin);
    }
  }
  pool.schedule.observe_holidays = true;
  fm::RepRoster observing(pool, cal);
  observing.draw(rng);
  EXPECT_TRUE(observing.window(0, 60).empty());
  EXPECT_FALSE(observing.window(0, 61).empty());

  // Monday to Friday, 09:00 for 8 hours: [d + 0.375, d + 0.7083) on working days.
  pool.schedule = fm::WorkSchedule{};
  fm::RepRoster office(pool, cal);
  office.draw(rng);
  int working = 0;
  for (int d = 0; d < cal.total_days(); ++d) {
    const fm::RepRoster::Window w = office.window(0, d);
    const bool weekend = (4 + d) % 7 >= 5;  // day 0 is a Friday
    if (weekend || d == 60) {
      EXPECT_TRUE(w.empty()) << d;
      EXPECT_EQ(w.end, w.begin) << d;
      continue;
    }
    ++working;
    EXPECT_DOUBLE_EQ(w.begin, d + 0.375) << d;
    EXPECT_NEAR(w.end, d + 17.0 / 24.0, 1e-9) << d;
  }
  EXPECT_EQ(working, 260);  // 261 weekdays in 2027, less the holiday

  // Ramping: the window shrinks with productivity (half of 8 hours in the first month).
  pool.ramp = {0.5};
  pool.starting_tenure_months = 0.0;
  fm::RepRoster ramping(pool, cal);
  ramping.draw(rng);
  EXPECT_NEAR(ramping.window(0, 4).end - ramping.window(0, 4).begin, 4.0 / 24.0, 1e-12);
  EXPECT_NEAR(ramping.window(0, 40).end - ramping.window(0, 40).begin, 8.0 / 24.0, 1e-12);
}

TEST(RepRoster, DrawOrderAndDeterminism) {
  const fm::FunnelCalendar cal = calendar_2027(24);
  fm::RepPool pool;
  pool.headcount = 8;
  pool.starting_tenure_months = 2.0;
  pool.hires = {{2, 4, spec(Kind::Gamma, 2.0, 10.0)}, {6, 3, spec(Kind::Exponential, 30.0)}};
  pool.ramp_months = spec(Kind::Lognormal, std::log(5.0), 0.3);
  pool.attrition.tenure_months = spec(Kind::Lognormal, std::log(20.0), 0.8);
  pool.attrition.backfill_lag_days = spec(Kind::Exponential, 15.0);
  fm::RepRoster a(pool, cal), b(pool, cal);

  fe::RandomStream s1 = roster_stream(7), s2 = roster_stream(7);
  a.draw(s1);
  b.draw(s2);
  const auto equal = [](const fm::RepRoster& x, const fm::RepRoster& y) {
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const fm::RepRoster::Rep &p = x.rep(i), &q = y.rep(i);
      if (p.start_day != q.start_day || p.leave_day != q.leave_day ||
          p.tenure_at_start_months != q.tenure_at_start_months || p.ramp_months != q.ramp_months)
        return false;
    }
    return true;
  };
  EXPECT_TRUE(equal(a, b));

  // Redrawing reuses memory but keeps no state: another replication, then the first again.
  fe::RandomStream other = roster_stream(8), again = roster_stream(7);
  b.draw(other);
  EXPECT_FALSE(equal(a, b));
  b.draw(again);
  EXPECT_TRUE(equal(a, b));

  // Order: the starting reps, the hires in plan order, then backfills (tenure 0).
  ASSERT_GE(a.size(), 15u);
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(a.rep(i).start_day, 0.0);
    EXPECT_EQ(a.rep(i).tenure_at_start_months, 2.0);
  }
  for (std::size_t i = 8; i < 12; ++i) EXPECT_GE(a.rep(i).start_day, cal.month_start(2));
  for (std::size_t i = 12; i < 15; ++i) EXPECT_GE(a.rep(i).start_day, cal.month_start(6));
  for (std::size_t i = 8; i < a.size(); ++i) {
    EXPECT_EQ(a.rep(i).tenure_at_start_months, 0.0);
    EXPECT_EQ(a.rep(i).start_day, std::ceil(a.rep(i).start_day));
    EXPECT_LT(a.rep(i).start_day, cal.total_days());
  }
}

TEST(RepRoster, RejectsPlansOutsideTheRules) {
  const fm::FunnelCalendar cal = calendar_2027();
  fm::RepPool pool;
  pool.attrition.monthly_hazard = 1.0;
  EXPECT_THROW(fm::RepRoster(pool, cal), std::invalid_argument);
  pool.attrition.monthly_hazard = 0.1;
  pool.attrition.tenure_months = spec(Kind::Exponential, 12.0);
  EXPECT_THROW(fm::RepRoster(pool, cal), std::invalid_argument);
  pool.attrition.tenure_months.reset();
  EXPECT_NO_THROW(fm::RepRoster(pool, cal));
  pool.attrition.backfill_lag_days = spec(Kind::Fixed, 0.0);
  EXPECT_THROW(fm::expected_effective_fte(pool, cal, 0), std::invalid_argument);
  pool.attrition.backfill_lag_days.reset();
  pool.hires = {{0, 1, spec(Kind::Exponential, 5.0)}};
  EXPECT_THROW(fm::expected_effective_fte(pool, cal, 0), std::invalid_argument);
}
