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

}  // namespace
}  // namespace funnelsim::engine
