// Forecast scores: the ensemble CRPS against the normal closed form and a brute-force O(n^2)
// evaluation of its definition; interval coverage at the edges of type-7 quantiles.
#include "engine/stats/forecast_scores.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/standard_normal.hpp"
#include "engine/stats/quantile.hpp"

namespace funnelsim::engine {
namespace {

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::numbers::sqrt2);
}
double normal_pdf(double z) {
  return std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
}

// E|x - X| for X ~ N(mu, sigma^2): sigma [z (2 Phi(z) - 1) + 2 phi(z)], z = (x - mu) / sigma.
double normal_mean_distance(double x, double mu, double sigma) {
  const double z = (x - mu) / sigma;
  return sigma * (z * (2.0 * normal_cdf(z) - 1.0) + 2.0 * normal_pdf(z));
}

// The CRPS of N(mu, sigma^2) (Gneiting & Raftery 2007): E|X - y| - sigma / sqrt(pi).
double normal_crps(double mu, double sigma, double y) {
  return normal_mean_distance(y, mu, sigma) - sigma / std::sqrt(std::numbers::pi);
}

// The definition, term by term: E|X - y| - 1/2 E|X - X'| over all n^2 ordered pairs.
double brute_force_crps(const std::vector<double>& x, double y) {
  const double n = static_cast<double>(x.size());
  double to_outcome = 0.0, between = 0.0;
  for (double a : x) {
    to_outcome += std::abs(a - y);
    for (double b : x) between += std::abs(a - b);
  }
  return to_outcome / n - 0.5 * between / (n * n);
}

TEST(ForecastScores, CrpsOfALargeNormalEnsembleMatchesTheClosedForm) {
  const double mu = 3.0, sigma = 2.0;
  const std::size_t n = 20'000;
  RandomStream rng = RandomStream::from_word(20250301);
  std::vector<double> x(n);
  for (double& v : x) v = mu + sigma * sample_standard_normal(rng);

  for (double y : {3.0, 4.5, -1.0, 10.0}) {
    // To first order the ensemble score errs by the mean of h(x_i) = |x_i - y| - E|x_i - X|
    // (the Hoeffding projection of the pair average), so its standard error is sd(h) / sqrt(n);
    // the pair average over n^2 pairs (zero diagonal included) adds the bias E|X - X'| / (2n).
    double sum = 0.0, squares = 0.0;
    for (double v : x) {
      const double h = std::abs(v - y) - normal_mean_distance(v, mu, sigma);
      sum += h;
      squares += h * h;
    }
    const double nn = static_cast<double>(n);
    const double mean_h = sum / nn;
    const double se = std::sqrt((squares / nn - mean_h * mean_h) / nn);
    const double bias = sigma / (std::sqrt(std::numbers::pi) * nn);
    const double expected = normal_crps(mu, sigma, y) + bias;
    const double score = crps_ensemble(x, y);
    EXPECT_LT(std::abs(score - expected), 4.5 * se)
        << "y = " << y << ": " << score << " against " << expected << ", se " << se;
    EXPECT_GT(se, 0.0);
  }
}

TEST(ForecastScores, AOneMemberEnsembleScoresTheAbsoluteError) {
  const std::vector<double> x = {7.25};
  EXPECT_EQ(crps_ensemble(x, 7.25), 0.0);
  EXPECT_EQ(crps_ensemble(x, 10.0), 2.75);
  EXPECT_EQ(crps_ensemble(x, -1.0), 8.25);
}

TEST(ForecastScores, CrpsMatchesTheBruteForceDefinitionOnSmallRandomSets) {
  RandomStream rng = RandomStream::from_word(77);
  for (int set = 0; set < 200; ++set) {
    const std::size_t n = 1 + static_cast<std::size_t>(rng() % 40);
    std::vector<double> x(n);
    for (double& v : x) {
      v = 50.0 + 10.0 * sample_standard_normal(rng);
      if (rng() % 4 == 0) v = std::round(v);  // some ties
    }
    // Outcomes inside, at a member, and beyond either end of the ensemble.
    const double outcomes[] = {50.0 + 15.0 * sample_standard_normal(rng), x[n / 2], -100.0, 400.0};
    for (double y : outcomes) {
      const double expected = brute_force_crps(x, y);
      EXPECT_NEAR(crps_ensemble(x, y), expected, 1e-12 * std::abs(expected))
          << "set " << set << ", n " << n << ", y " << y;
    }
  }
}

TEST(ForecastScores, CrpsIsZeroOnlyForAPointMassAtTheOutcome) {
  const std::vector<double> same(10, 4.0);
  EXPECT_EQ(crps_ensemble(same, 4.0), 0.0);
  EXPECT_EQ(crps_ensemble(same, 5.0), 1.0);
  const std::vector<double> two = {3.0, 5.0};
  // F = 1/2 on [3, 5]: (1/2)^2 * 1 on each side of y = 4.
  EXPECT_DOUBLE_EQ(crps_ensemble(two, 4.0), 0.5);
}

TEST(ForecastScores, CrpsRefusesEmptyAndNonFiniteInput) {
  const std::vector<double> none;
  EXPECT_THROW(crps_ensemble(none, 1.0), std::invalid_argument);
  const std::vector<double> x = {1.0, std::numeric_limits<double>::quiet_NaN()};
  EXPECT_THROW(crps_ensemble(x, 1.0), std::invalid_argument);
  const std::vector<double> ok = {1.0, 2.0};
  EXPECT_THROW(crps_ensemble(ok, std::numeric_limits<double>::infinity()), std::invalid_argument);
}

TEST(ForecastScores, CoversIncludesBothQuantilesAndNothingBeyond) {
  std::vector<double> x;
  for (int i = 0; i <= 10; ++i) x.push_back(i);
  // Type 7 on 0..10: the 10% quantile is 1, the 90% quantile 9.
  EXPECT_TRUE(covers(x, 1.0, 0.8));
  EXPECT_TRUE(covers(x, 9.0, 0.8));
  EXPECT_TRUE(covers(x, 5.0, 0.8));
  // One ulp outside either end. The first also needs the rounding of (1 - 0.8) / 2 to 0.1:
  // unrounded, the lower quantile would be 1 - 2^-52 and this outcome would count as inside.
  EXPECT_FALSE(covers(x, std::nextafter(1.0, 0.0), 0.8));
  EXPECT_FALSE(covers(x, std::nextafter(9.0, 10.0), 0.8));
  // level 1 is the ensemble's range; level 0 the median alone.
  EXPECT_TRUE(covers(x, 0.0, 1.0));
  EXPECT_TRUE(covers(x, 10.0, 1.0));
  EXPECT_FALSE(covers(x, -1e-9, 1.0));
  EXPECT_TRUE(covers(x, 5.0, 0.0));
  EXPECT_FALSE(covers(x, 5.0 + 1e-9, 0.0));
  EXPECT_FALSE(covers(x, std::numeric_limits<double>::quiet_NaN(), 1.0));
}

TEST(ForecastScores, CoversUsesInterpolatedQuantiles) {
  const std::vector<double> x = {0.0, 10.0};
  // 25% and 75% quantiles of {0, 10} by type 7: 2.5 and 7.5.
  EXPECT_EQ(quantile_sorted(x, 0.25), 2.5);
  EXPECT_TRUE(covers(x, 2.5, 0.5));
  EXPECT_TRUE(covers(x, 7.5, 0.5));
  EXPECT_FALSE(covers(x, 2.499, 0.5));
  EXPECT_FALSE(covers(x, 7.501, 0.5));
}

TEST(ForecastScores, CoversRefusesBadArguments) {
  const std::vector<double> unsorted = {2.0, 1.0, 3.0}, none;
  EXPECT_THROW(covers(unsorted, 2.0, 0.5), std::invalid_argument);
  EXPECT_THROW(covers(none, 2.0, 0.5), std::invalid_argument);
  const std::vector<double> x = {1.0, 2.0, 3.0};
  EXPECT_THROW(covers(x, 2.0, 1.5), std::invalid_argument);
  EXPECT_THROW(covers(x, 2.0, -0.1), std::invalid_argument);
  EXPECT_THROW(covers(x, 2.0, std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
}

}  // namespace
}  // namespace funnelsim::engine
