// Tests of aggregate_periods: per-replication sums over groups of periods.
#include "engine/stats/period_aggregation.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace funnelsim::engine {
namespace {

ResultCube small_integer_cube() {
  // value(r, p, m) = 100 r + 10 p + m: small integers, so every sum is exact.
  ResultCube cube(3, 6, {"leads", "won"});
  for (std::size_t r = 0; r < 3; ++r)
    for (std::size_t p = 0; p < 6; ++p)
      for (std::size_t m = 0; m < 2; ++m)
        cube.at(r, p, m) = static_cast<double>(100 * r + 10 * p + m);
  return cube;
}

TEST(AggregatePeriods, SumsEachReplicationExactly) {
  const ResultCube cube = small_integer_cube();
  const ResultCube totals = aggregate_periods(cube, {{0, 1, 2}, {3, 4, 5}, {0, 1, 2, 3, 4, 5}});
  ASSERT_EQ(totals.replications(), 3u);
  ASSERT_EQ(totals.periods(), 3u);
  EXPECT_EQ(totals.metric_names(), cube.metric_names());
  for (std::size_t r = 0; r < 3; ++r)
    for (std::size_t m = 0; m < 2; ++m) {
      // sum over p in {0,1,2} of 100 r + 10 p + m = 300 r + 30 + 3 m; {3,4,5}: 300 r + 120
      // + 3 m; all six: 600 r + 150 + 6 m.
      const double rd = static_cast<double>(r), md = static_cast<double>(m);
      EXPECT_EQ(totals.at(r, 0, m), 300 * rd + 30 + 3 * md);
      EXPECT_EQ(totals.at(r, 1, m), 300 * rd + 120 + 3 * md);
      EXPECT_EQ(totals.at(r, 2, m), 600 * rd + 150 + 6 * md);
    }
}

TEST(AggregatePeriods, EmptyGroupIsZeroAndRepeatedPeriodsCount) {
  const ResultCube cube = small_integer_cube();
  const ResultCube totals = aggregate_periods(cube, {{}, {2, 2}});
  EXPECT_EQ(totals.at(1, 0, 1), 0.0);
  EXPECT_EQ(totals.at(1, 1, 1), 2 * (100 + 20 + 1));
}

TEST(AggregatePeriods, RejectsPeriodOutsideTheCube) {
  const ResultCube cube = small_integer_cube();
  EXPECT_THROW(aggregate_periods(cube, {{0, 1}, {5, 6}}), std::out_of_range);
}

TEST(PeriodAggregation, RulesPerMetricAverageOrTakeTheLastPeriod) {
  // One replication, four periods, three metrics: a count, a share and a stock.
  ResultCube cube(1, 4, {"count", "share", "stock"});
  const double values[4][3] = {{1, 0.5, 10}, {2, 0.7, 20}, {3, 0.9, 30}, {4, 0.1, 40}};
  for (std::size_t p = 0; p < 4; ++p)
    for (std::size_t m = 0; m < 3; ++m) cube.at(0, p, m) = values[p][m];
  const ResultCube totals =
      aggregate_periods(cube, {{0, 1, 2}, {3}, {}},
                        {PeriodAggregation::Sum, PeriodAggregation::Mean, PeriodAggregation::Last});
  EXPECT_EQ(totals.at(0, 0, 0), 6.0);
  EXPECT_DOUBLE_EQ(totals.at(0, 0, 1), (0.5 + 0.7 + 0.9) / 3.0);
  EXPECT_EQ(totals.at(0, 0, 2), 30.0);  // the group's last listed period
  EXPECT_EQ(totals.at(0, 1, 1), 0.1);
  EXPECT_EQ(totals.at(0, 1, 2), 40.0);
  for (std::size_t m = 0; m < 3; ++m) EXPECT_EQ(totals.at(0, 2, m), 0.0);  // empty group
  EXPECT_THROW(aggregate_periods(cube, {{0}}, {PeriodAggregation::Sum}), std::invalid_argument);
}

TEST(AggregatePeriods, DerivedRatiosAndTargetsUseTheGroupsTotals) {
  // leads, won, won per lead (ratio), leads >= 25 a period (at least), won <= 12 (at most).
  ResultCube cube(3, 6, {"leads", "won", "per_lead", "enough", "few"});
  for (std::size_t r = 0; r < 3; ++r)
    for (std::size_t p = 0; p < 6; ++p) {
      cube.at(r, p, 0) = static_cast<double>(100 * r + 10 * p);
      cube.at(r, p, 1) = static_cast<double>(r + p);
    }
  using A = PeriodAggregation;
  const std::vector<A> rules = {A::Sum, A::Sum, A::Ratio, A::AtLeast, A::AtMost};
  const std::vector<PeriodDerivation> derived = {{}, {}, {1, 0, 0.0}, {0, 0, 25.0}, {1, 0, 4.0}};
  const ResultCube totals = aggregate_periods(cube, {{0, 1, 2}, {3, 4, 5}}, rules, derived);
  for (std::size_t r = 0; r < 3; ++r) {
    const double rd = static_cast<double>(r);
    // Group 0: leads 300 r + 30, won 3 r + 3; group 1: leads 300 r + 120, won 3 r + 12.
    const double leads0 = 300 * rd + 30, won0 = 3 * rd + 3;
    const double leads1 = 300 * rd + 120, won1 = 3 * rd + 12;
    EXPECT_DOUBLE_EQ(totals.at(r, 0, 2), won0 / leads0);  // not a mean of monthly ratios
    EXPECT_DOUBLE_EQ(totals.at(r, 1, 2), won1 / leads1);
    // Targets scale with the periods of a summed metric: 75 leads, 12 won a group of three.
    EXPECT_EQ(totals.at(r, 0, 3), leads0 >= 75.0 ? 1.0 : 0.0);
    EXPECT_EQ(totals.at(r, 1, 3), leads1 >= 75.0 ? 1.0 : 0.0);
    EXPECT_EQ(totals.at(r, 0, 4), won0 <= 12.0 ? 1.0 : 0.0);
    EXPECT_EQ(totals.at(r, 1, 4), won1 <= 12.0 ? 1.0 : 0.0);
  }
  EXPECT_EQ(totals.at(0, 0, 3), 0.0);  // 30 < 75
  EXPECT_EQ(totals.at(0, 1, 4), 1.0);  // 12 <= 12
}

TEST(AggregatePeriods, ATargetOnALevelIsNotScaled) {
  ResultCube cube(1, 2, {"share", "met"});
  cube.at(0, 0, 0) = 0.5;
  cube.at(0, 1, 0) = 0.7;
  using A = PeriodAggregation;
  const ResultCube totals =
      aggregate_periods(cube, {{0, 1}}, {A::Mean, A::AtLeast}, {{}, {0, 0, 0.6}});
  EXPECT_EQ(totals.at(0, 0, 1), 1.0);  // the mean 0.6 meets 0.6
}

TEST(AggregatePeriods, DerivedMetricsNeedValidParts) {
  ResultCube cube(1, 1, {"a", "b"});
  using A = PeriodAggregation;
  EXPECT_THROW(aggregate_periods(cube, {{0}}, {A::Sum, A::Ratio}, {}), std::invalid_argument);
  EXPECT_THROW(aggregate_periods(cube, {{0}}, {A::Sum, A::Ratio}, {{}, {0, 7, 0.0}}),
               std::invalid_argument);
  EXPECT_THROW(aggregate_periods(cube, {{0}}, {A::AtLeast, A::Ratio}, {{1, 0, 0.0}, {0, 0, 0.0}}),
               std::invalid_argument);
}

}  // namespace
}  // namespace funnelsim::engine
