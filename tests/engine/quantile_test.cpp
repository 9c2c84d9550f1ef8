// Tests of type 7 quantiles: hand-derived values, edge cases and numpy's own output.
#include "engine/stats/quantile.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace funnelsim::engine {
namespace {

const std::array<double, 7> PERCENT_QS = {0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};

TEST(Quantile, OneToTenMatchesHandDerivedType7) {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  // h = (n - 1) q = 9 q; value = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]),
  // and with x[i] = i + 1 that is simply 1 + 9 q:
  //   q 0.05 -> 1.45, 0.10 -> 1.9, 0.25 -> 3.25, 0.50 -> 5.5, 0.75 -> 7.75, 0.90 -> 9.1,
  //   0.95 -> 9.55.
  // h and the interpolation are each rounded once, so the doubles are within a few ulp of
  // the decimals: EXPECT_DOUBLE_EQ (4 ulp). (numpy prints p95 as 9.549999999999999.)
  const std::array<double, 7> expected = {1.45, 1.9, 3.25, 5.5, 7.75, 9.1, 9.55};
  for (std::size_t i = 0; i < PERCENT_QS.size(); ++i)
    EXPECT_DOUBLE_EQ(quantile_sorted(x, PERCENT_QS[i]), expected[i]) << "q = " << PERCENT_QS[i];
  // The ends are order statistics, exactly.
  EXPECT_EQ(quantile_sorted(x, 0.0), 1.0);
  EXPECT_EQ(quantile_sorted(x, 1.0), 10.0);
}

TEST(Quantile, SingleElementIsEveryQuantile) {
  const std::vector<double> x = {42.5};
  for (const double q : {0.0, 0.05, 0.5, 0.95, 1.0}) EXPECT_EQ(quantile_sorted(x, q), 42.5);
}

TEST(Quantile, TwoElementsInterpolateLinearly) {
  const std::vector<double> x = {10, 20};
  // h = q: 0.25 -> 10 + 0.25 * 10 = 12.5 and 0.5 -> 15, both exact in binary; 0.9 -> 19
  // (0.9 is not exact in binary, so within 4 ulp).
  EXPECT_EQ(quantile_sorted(x, 0.25), 12.5);
  EXPECT_EQ(quantile_sorted(x, 0.5), 15.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.9), 19.0);
}

TEST(Quantile, EqualsNumpyPercentileBitForBit) {
  // np.percentile(x, [5, 10, 25, 50, 75, 90, 95]) with numpy 1.24, printed with float.hex.
  // For p05, h = 12 * 0.05 = 0.6000000000000001 and numpy interpolates back from the upper
  // value; the naive x[0] + h (x[1] - x[0]) gives 39.052400000000006, one ulp away.
  std::vector<double> x = {141.734, 15.413, 115.799, 67.727,  131.211, 67.662, 91.438,
                           54.812,  70.682, 141.575, 124.617, 87.95,   73.895};
  std::sort(x.begin(), x.end());
  const std::array<double, 7> numpy = {
      0x1.386b50b0f27bbp+5, 0x1.cb0e560418938p+5, 0x1.0ee872b020c4ap+6, 0x1.5fccccccccccdp+6,
      0x1.f277ced916873p+6, 0x1.1701205bc01a3p+7, 0x1.1b46f69446738p+7};
  for (std::size_t i = 0; i < PERCENT_QS.size(); ++i)
    EXPECT_EQ(quantile_sorted(x, PERCENT_QS[i]), numpy[i]) << "q = " << PERCENT_QS[i];
}

TEST(Quantile, RejectsUnsortedInput) {
  const std::vector<double> x = {1, 3, 2};
  EXPECT_THROW(quantile_sorted(x, 0.5), std::invalid_argument);
}

TEST(Quantile, RejectsEmptyInputAndProbabilityOutsideZeroOne) {
  const std::vector<double> empty;
  EXPECT_THROW(quantile_sorted(empty, 0.5), std::invalid_argument);
  const std::vector<double> x = {1, 2};
  EXPECT_THROW(quantile_sorted(x, -0.01), std::invalid_argument);
  EXPECT_THROW(quantile_sorted(x, 1.01), std::invalid_argument);
  EXPECT_THROW(quantile_sorted(x, std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
}

TEST(Quantile, PositionFollowsType7) {
  // n = 5, q = 0.3: h = 4 * 0.3 = 1.2 -> between order statistics 1 and 2, 0.2 of the way.
  const QuantilePosition position = quantile_position(5, 0.3);
  EXPECT_EQ(position.below, 1u);
  EXPECT_EQ(position.above, 2u);
  EXPECT_NEAR(position.fraction, 0.2, 1e-15);  // 1.2 - 1 loses bits of 1.2's rounding only
  const QuantilePosition top = quantile_position(5, 1.0);
  EXPECT_EQ(top.below, 4u);
  EXPECT_EQ(top.above, 4u);
  EXPECT_EQ(top.fraction, 0.0);
}

}  // namespace
}  // namespace funnelsim::engine
