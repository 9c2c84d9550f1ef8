// Paired differences against hand computation and Boost.Math's Student t quantile.
#include "engine/stats/paired_difference.hpp"

#include <gtest/gtest.h>

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

namespace funnelsim::engine {
namespace {

ResultCube cube_of(const std::vector<double>& column, std::size_t metrics = 1) {
  ResultCube c(column.size(), 1, std::vector<std::string>(metrics, "m"));
  for (std::size_t i = 0; i < column.size(); ++i)
    for (std::size_t k = 0; k < metrics; ++k)
      c.at(i, 0, k) = column[i] * static_cast<double>(k + 1);
  return c;
}

TEST(PairedDifference, MatchesTheDefinitionsOnASmallSample) {
  const std::vector<double> b = {1, 2, 3, 4}, v = {2, 2, 5, 3};
  const auto d = paired_differences(cube_of(b), cube_of(v), {{0, 0}}).front();
  // d = {1, 0, 2, -1}
  const double mean = 0.5;
  const double var = (0.25 + 0.25 + 2.25 + 2.25) / 3.0;
  const double var_b = 5.0 / 3.0, var_v = (1.0 + 1.0 + 4.0 + 0.0) / 3.0;
  const double se = std::sqrt(var / 4.0);
  const double t = boost::math::quantile(boost::math::students_t(3.0), 0.95);
  EXPECT_DOUBLE_EQ(d.mean[0], mean);
  EXPECT_DOUBLE_EQ(d.sd[0], std::sqrt(var));
  EXPECT_DOUBLE_EQ(d.se[0], se);
  EXPECT_NEAR(d.lo90[0], mean - t * se, 1e-12);
  EXPECT_NEAR(d.hi90[0], mean + t * se, 1e-12);
  EXPECT_NEAR(t, 2.3533634, 1e-6);  // the tabulated t(0.95, 3)
  EXPECT_DOUBLE_EQ(d.p_higher[0], (1.0 + 0.5 + 1.0 + 0.0) / 4.0);
  EXPECT_DOUBLE_EQ(d.se_unpaired[0], std::sqrt((var_b + var_v) / 4.0));
  EXPECT_DOUBLE_EQ(d.narrowing[0], d.se_unpaired[0] / se);
}

TEST(PairedDifference, AConstantShiftIsExactAndInfinitelyNarrowerThanUnpaired) {
  std::vector<double> b, v;
  for (int i = 0; i < 50; ++i) {
    b.push_back(100.0 + 7.0 * std::sin(i));
    v.push_back(b.back() + 3.0);
  }
  const auto d = paired_differences(cube_of(b), cube_of(v), {{0, 0}}).front();
  EXPECT_NEAR(d.mean[0], 3.0, 1e-12);
  EXPECT_NEAR(d.sd[0], 0.0, 1e-12);
  EXPECT_DOUBLE_EQ(d.p_higher[0], 1.0);
  EXPECT_GT(d.narrowing[0], 1e6);
}

TEST(PairedDifference, IdenticalRunsGiveZeroAndEvenOdds) {
  const std::vector<double> b = {3, 1, 4, 1, 5, 9, 2, 6};
  const auto d = paired_differences(cube_of(b), cube_of(b), {{0, 0}}).front();
  EXPECT_EQ(d.mean[0], 0.0);
  EXPECT_EQ(d.sd[0], 0.0);
  EXPECT_EQ(d.lo90[0], 0.0);
  EXPECT_EQ(d.hi90[0], 0.0);
  EXPECT_EQ(d.p_higher[0], 0.5);
  EXPECT_EQ(d.narrowing[0], std::numeric_limits<double>::infinity());
}

TEST(PairedDifference, PairsMetricsByTheGivenIndices) {
  // The variant's metric 1 holds twice the base's metric 0 column.
  const std::vector<double> b = {1, 2, 3};
  const auto d = paired_differences(cube_of(b, 1), cube_of(b, 2), {{0, 1}}).front();
  EXPECT_DOUBLE_EQ(d.mean[0], 2.0);
}

TEST(PairedDifference, RefusesRunsOfDifferentShape) {
  EXPECT_THROW(paired_differences(cube_of({1, 2}), cube_of({1, 2, 3}), {{0, 0}}),
               std::invalid_argument);
  EXPECT_THROW(paired_differences(cube_of({1, 2}), cube_of({1, 2}), {{0, 1}}),
               std::invalid_argument);
}

}  // namespace
}  // namespace funnelsim::engine
