// DistributionSampler against its specification: means, survival functions from Boost.Math,
// and the conditional draws used for the starting funnel.
#include <gtest/gtest.h>

#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <cmath>

#include "models/funnel/distribution_sampler.hpp"
#include "tests/models/run_test_support.hpp"

namespace fm = funnelsim::models;
namespace fe = funnelsim::engine;
using namespace funnelsim::models::testing;
using Kind = fm::DistributionSpec::Kind;

namespace {

fm::DistributionSpec empirical() {
  fm::DistributionSpec s;
  s.kind = Kind::Empirical;
  s.edges = {0.0, 1.0, 3.0, 7.0};
  s.probabilities = {0.5, 0.3, 0.2};
  return s;
}

std::vector<fm::DistributionSpec> all_kinds() {
  return {spec(Kind::Exponential, 4.0), spec(Kind::Gamma, 2.0, 5.0),
          spec(Kind::Lognormal, std::log(9000.0), 0.5), spec(Kind::Weibull, 1.5, 10.0),
          empirical()};
}

}  // namespace

// Sample means within 5 standard errors (from the sample sd) of the specified mean.
TEST(DistributionSampler, SampleMeansMatchSpecifiedMeans) {
  fe::RandomStream rng({99, 0, 0, 0});
  for (const auto& s : all_kinds()) {
    const fm::DistributionSampler sampler(s);
    const int n = 200000;
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < n; ++i) {
      const double x = sampler(rng);
      ASSERT_GE(x, 0.0);
      sum += x;
      sum2 += x * x;
    }
    const double mean = sum / n;
    const double sd = std::sqrt((sum2 - n * mean * mean) / (n - 1));
    EXPECT_LE(std::abs(mean - s.mean()), 5.0 * sd / std::sqrt(double{n}))
        << "kind " << static_cast<int>(s.kind);
  }
  const fm::DistributionSampler fixed(spec(Kind::Fixed, 3.5));
  EXPECT_EQ(fixed(rng), 3.5);
}

TEST(DistributionSampler, SurvivalAgreesWithBoostAndClosedForms) {
  const fm::DistributionSampler gamma(spec(Kind::Gamma, 2.0, 5.0));
  EXPECT_NEAR(
      gamma.survival(7.0),
      boost::math::cdf(boost::math::complement(boost::math::gamma_distribution<>(2.0, 5.0), 7.0)),
      1e-15);
  const fm::DistributionSampler weibull(spec(Kind::Weibull, 1.5, 10.0));
  EXPECT_NEAR(weibull.survival(10.0), std::exp(-1.0), 1e-15);
  const fm::DistributionSampler emp(empirical());
  EXPECT_NEAR(emp.survival(0.0), 1.0, 1e-15);
  EXPECT_NEAR(emp.survival(2.0), 0.15 + 0.2, 1e-15);  // half of [1, 3) plus all of [3, 7)
  EXPECT_NEAR(emp.survival(7.0), 0.0, 1e-15);
  const fm::DistributionSampler fixed(spec(Kind::Fixed, 3.0));
  EXPECT_EQ(fixed.survival(2.9), 1.0);
  EXPECT_EQ(fixed.survival(3.0), 0.0);
}

// X | X > a has P(X > y | X > a) = S(y) / S(a); checked at three points per kind at 5 SE.
TEST(DistributionSampler, ConditionalDrawsHaveTheConditionalLaw) {
  fe::RandomStream rng({7, 1, 2, 3});
  for (const auto& s : all_kinds()) {
    const fm::DistributionSampler sampler(s);
    const double a = s.mean() * 0.8;
    const int n = 100000;
    std::vector<double> draws(n);
    for (auto& x : draws) {
      x = sampler.sample_above(rng, a);
      ASSERT_GE(x, a);
    }
    for (double factor : {1.1, 1.5, 2.5}) {
      const double y = s.mean() * factor;
      const double p = sampler.survival(y) / sampler.survival(a);
      double hits = 0;
      for (double x : draws) hits += x > y;
      EXPECT_LE(std::abs(hits / n - p), 5.0 * std::sqrt(p * (1 - p) / n) + 1e-12)
          << "kind " << static_cast<int>(s.kind) << " y " << y;
    }
  }
}

TEST(DistributionSampler, OverdueFixedDelayHappensAtOnce) {
  fe::RandomStream rng({1, 1, 1, 1});
  const fm::DistributionSampler fixed(spec(Kind::Fixed, 3.0));
  EXPECT_EQ(fixed.sample_above(rng, 10.0), 10.0);
}
