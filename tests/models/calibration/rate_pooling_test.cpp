// Partial pooling of rates: simulated groups from a known beta population (the pooled estimates
// beat the raw rates, the prior strength is recovered), and the edge cases.
#include "models/calibration/rate_pooling.hpp"

#include <gtest/gtest.h>

#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/beta.hpp"
#include "engine/sampling/binomial.hpp"

namespace funnelsim::calibration {
namespace {

using engine::RandomStream;

// The population the groups' true rates come from: mean 0.3, strength kappa = 50.
constexpr double TRUE_MEAN = 0.3;
constexpr double TRUE_KAPPA = 50.0;

struct SimulatedSet {
  std::vector<RateGroup> groups;
  std::vector<double> rates;  // the true rate of each group
};

SimulatedSet simulate(RandomStream& rng, int groups, std::uint64_t min_trials,
                      std::uint64_t max_trials) {
  SimulatedSet set;
  for (int i = 0; i < groups; ++i) {
    const double rate =
        engine::sample_beta(rng, TRUE_KAPPA * TRUE_MEAN, TRUE_KAPPA * (1.0 - TRUE_MEAN));
    const std::uint64_t trials = min_trials + rng() % (max_trials - min_trials + 1);
    const auto successes = engine::sample_binomial(rng, trials, rate);
    set.groups.push_back({static_cast<double>(successes), static_cast<double>(trials)});
    set.rates.push_back(rate);
  }
  return set;
}

// The beta-binomial log marginal likelihood, straight from log-gamma functions.
double log_marginal(const std::vector<RateGroup>& groups, double p, double kappa) {
  using boost::math::lgamma;
  const double a = kappa * p, b = kappa * (1.0 - p);
  double total = 0.0;
  for (const RateGroup& g : groups)
    total += lgamma(a + g.successes) + lgamma(b + g.trials - g.successes) -
             lgamma(kappa + g.trials) - lgamma(a) - lgamma(b) + lgamma(kappa);
  return total;
}

TEST(RatePooling, PooledMeansBeatRawRatesOnAverage) {
  RandomStream rng = RandomStream::from_word(101);
  double raw_error = 0.0, pooled_error = 0.0;
  for (int set = 0; set < 150; ++set) {
    const SimulatedSet s = simulate(rng, 15, 5, 120);
    const RatePooling pooled = pool_rates(s.groups);
    for (std::size_t i = 0; i < s.rates.size(); ++i) {
      const double raw = s.groups[i].successes / s.groups[i].trials;
      raw_error += (raw - s.rates[i]) * (raw - s.rates[i]);
      const double mean = pooled.groups[i].mean();
      pooled_error += (mean - s.rates[i]) * (mean - s.rates[i]);
    }
  }
  // With 5 to 120 trials the binomial noise of a raw rate (variance 0.21 / n) is comparable to
  // the spread of the true rates (variance 0.3 * 0.7 / 51 = 0.0041), and shrinkage cuts the
  // error to about 0.4 of the raw rates' at this seed; 0.7 leaves room for other seeds.
  EXPECT_LT(pooled_error, 0.7 * raw_error) << "raw " << raw_error << ", pooled " << pooled_error;
}

TEST(RatePooling, RecoversThePriorStrengthWithFortyGroupsOfTwoHundred) {
  RandomStream rng = RandomStream::from_word(202);
  // Several independent sets, not one lucky draw: every one within a factor 3 of the truth.
  for (int set = 0; set < 20; ++set) {
    const SimulatedSet s = simulate(rng, 40, 200, 200);
    const RatePooling pooled = pool_rates(s.groups);
    EXPECT_GT(pooled.prior_strength, TRUE_KAPPA / 3.0) << "set " << set;
    EXPECT_LT(pooled.prior_strength, TRUE_KAPPA * 3.0) << "set " << set;
    EXPECT_NEAR(pooled.overall, TRUE_MEAN, 0.05);
  }
}

TEST(RatePooling, TheFittedStrengthMaximisesTheMarginalLikelihood) {
  RandomStream rng = RandomStream::from_word(303);
  const SimulatedSet s = simulate(rng, 25, 10, 300);
  const RatePooling pooled = pool_rates(s.groups);
  const double kappa = pooled.prior_strength, p = pooled.overall;
  ASSERT_GT(kappa, 1.0);
  ASSERT_LT(kappa, 1e6);
  const double best = log_marginal(s.groups, p, kappa);
  for (double factor : {1.001, 1.01, 1.1, 2.0}) {
    EXPECT_GE(best, log_marginal(s.groups, p, kappa * factor)) << "factor " << factor;
    EXPECT_GE(best, log_marginal(s.groups, p, kappa / factor)) << "factor " << factor;
  }
}

TEST(RatePooling, PosteriorsAddTheCountsToThePrior) {
  const std::vector<RateGroup> groups = {{3, 40}, {12, 50}, {30, 60}, {0, 0}, {7.5, 22.25}};
  const RatePooling pooled = pool_rates(groups);
  const double kappa = pooled.prior_strength;
  const double p = (3 + 12 + 30 + 7.5) / (40 + 50 + 60 + 22.25);
  EXPECT_DOUBLE_EQ(pooled.overall, p);
  ASSERT_EQ(pooled.groups.size(), groups.size());
  for (std::size_t i = 0; i < groups.size(); ++i) {
    EXPECT_DOUBLE_EQ(pooled.groups[i].alpha, kappa * p + groups[i].successes);
    EXPECT_DOUBLE_EQ(pooled.groups[i].beta,
                     kappa * (1 - p) + groups[i].trials - groups[i].successes);
  }
  // The group with no trials gets the prior itself, centred on the pooled rate.
  EXPECT_DOUBLE_EQ(pooled.groups[3].mean(), p);
  EXPECT_DOUBLE_EQ(pooled.groups[3].alpha + pooled.groups[3].beta, kappa);
  // Every posterior mean lies between the group's own rate and the pooled rate.
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (groups[i].trials == 0) continue;
    const double own = groups[i].successes / groups[i].trials;
    EXPECT_LE(std::min(own, p), pooled.groups[i].mean() + 1e-15);
    EXPECT_GE(std::max(own, p), pooled.groups[i].mean() - 1e-15);
  }
}

TEST(RatePooling, IdenticalGroupsPoolCompletely) {
  const std::vector<RateGroup> groups(6, RateGroup{30, 100});
  const RatePooling pooled = pool_rates(groups);
  EXPECT_EQ(pooled.prior_strength, 1e6);
  for (const PooledRate& g : pooled.groups) EXPECT_NEAR(g.mean(), 0.3, 1e-12);
}

TEST(RatePooling, WidelyDifferentGroupsBarelyPool) {
  const std::vector<RateGroup> groups = {{5, 1000}, {500, 1000}, {950, 1000}};
  const RatePooling pooled = pool_rates(groups);
  EXPECT_LT(pooled.prior_strength, 5.0);
  EXPECT_NEAR(pooled.groups[0].mean(), 0.005, 0.005);
  EXPECT_NEAR(pooled.groups[2].mean(), 0.95, 0.005);
}

TEST(RatePooling, WithoutTwoInformativeGroupsEachGetsItsJeffreysPosterior) {
  const std::vector<RateGroup> one = {{4, 10}};
  RatePooling pooled = pool_rates(one);
  EXPECT_EQ(pooled.prior_strength, 0.0);
  EXPECT_EQ(pooled.groups[0].alpha, 4.5);
  EXPECT_EQ(pooled.groups[0].beta, 6.5);

  const std::vector<RateGroup> one_with_data = {{4, 10}, {0, 0}};
  pooled = pool_rates(one_with_data);
  EXPECT_EQ(pooled.prior_strength, 0.0);
  EXPECT_EQ(pooled.groups[1].alpha, 0.5);
  EXPECT_EQ(pooled.groups[1].beta, 0.5);

  const std::vector<RateGroup> no_trials = {{0, 0}, {0, 0}};
  pooled = pool_rates(no_trials);
  EXPECT_EQ(pooled.overall, 0.0);
  EXPECT_EQ(pooled.overall_posterior.alpha, 0.5);
  EXPECT_EQ(pooled.overall_posterior.beta, 0.5);

  EXPECT_TRUE(pool_rates(std::vector<RateGroup>{}).groups.empty());
}

TEST(RatePooling, BetaParametersStayPositiveAtTheEdges) {
  const std::vector<std::vector<RateGroup>> cases = {
      {{0, 50}, {0, 80}, {0, 3}},           // no successes anywhere: pooled rate 0
      {{50, 50}, {80, 80}},                 // all successes: pooled rate 1
      {{0.25, 0.5}, {1e-9, 1e-6}, {2, 3}},  // fractional and tiny counts
      {{0, 1e9}, {1, 1e9}},                 // huge trial counts
      {{1, 1}, {0, 1}, {0, 0}},
  };
  for (const auto& groups : cases) {
    const RatePooling pooled = pool_rates(groups);
    EXPECT_GT(pooled.overall_posterior.alpha, 0.0);
    EXPECT_GT(pooled.overall_posterior.beta, 0.0);
    for (const PooledRate& g : pooled.groups) {
      EXPECT_GT(g.alpha, 0.0);
      EXPECT_GT(g.beta, 0.0);
      EXPECT_TRUE(std::isfinite(g.alpha) && std::isfinite(g.beta));
      EXPECT_TRUE(std::isfinite(g.mean()) && std::isfinite(g.sd()));
    }
  }
}

TEST(RatePooling, TheOverallPosteriorIsJeffreysOnTheTotals) {
  const std::vector<RateGroup> groups = {{3, 10}, {5, 30}};
  const RatePooling pooled = pool_rates(groups);
  EXPECT_EQ(pooled.overall_posterior.alpha, 8.5);
  EXPECT_EQ(pooled.overall_posterior.beta, 32.5);
  EXPECT_DOUBLE_EQ(pooled.overall_posterior.mean(), 8.5 / 41.0);
  EXPECT_DOUBLE_EQ(pooled.overall_posterior.sd(), std::sqrt(8.5 * 32.5 / (41.0 * 41.0 * 42.0)));
}

TEST(RatePooling, RefusesImpossibleCounts) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(pool_rates(std::vector<RateGroup>{{-1, 5}}), std::invalid_argument);
  EXPECT_THROW(pool_rates(std::vector<RateGroup>{{6, 5}}), std::invalid_argument);
  EXPECT_THROW(pool_rates(std::vector<RateGroup>{{nan, 5}}), std::invalid_argument);
  EXPECT_THROW(pool_rates(std::vector<RateGroup>{{1, -5}}), std::invalid_argument);
  // A rounding error in an expected count is forgiven (and clamped).
  const RatePooling pooled = pool_rates(std::vector<RateGroup>{{5 + 1e-12, 5}, {1, 5}});
  EXPECT_LE(pooled.groups[0].mean(), 1.0);
}

}  // namespace
}  // namespace funnelsim::calibration
