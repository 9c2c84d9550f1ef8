// Tests of engine/sampling: chi-square goodness of fit against Boost.Math at fixed seeds, moments,
// pinned first draws, argument checks, and proof that the fit harness can fail.
#include "engine/sampling/samplers.hpp"

#include <gtest/gtest.h>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/exponential.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/negative_binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <boost/math/distributions/weibull.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tests/engine/gof.hpp"

namespace {

using namespace funnelsim::engine;
using funnelsim::test::GOF_THRESHOLD;
namespace bm = boost::math;

// One fixed seed for the file; each test (and each parameter set) takes its own stream so that
// adding a case never shifts the draws, and so the p-values, of another.
constexpr std::uint64_t SEED = 20240917;
RandomStream stream_for(std::uint32_t test, std::uint32_t case_index = 0) {
  return RandomStream(StreamKey{SEED, 0, test, case_index});
}

template <class T, class Draw>
std::vector<T> draw_many(std::size_t n, RandomStream rng, Draw draw) {
  std::vector<T> out(n);
  for (T& x : out) x = draw(rng);
  return out;
}

// The chi-square test is the real one; the moments at 5 standard errors (two-sided
// P = 5.7e-7 under the null) add a check of the far tails that equiprobable bins dilute.
template <class T, class Distribution>
void expect_fits(const std::vector<T>& draws, const Distribution& reference) {
  const std::span<const T> view(draws);
  funnelsim::test::ChiSquare gof;
  if constexpr (std::is_integral_v<T>) {
    gof = funnelsim::test::discrete_gof(view, reference);
  } else {
    gof = funnelsim::test::continuous_gof(view, reference);
  }
  EXPECT_GE(gof.p_value, GOF_THRESHOLD)
      << "chi-square " << gof.statistic << " on " << gof.bins << " bins";
  const funnelsim::test::MomentCheck moments = funnelsim::test::moment_check(view, reference);
  EXPECT_LT(std::abs(moments.mean_z), 5.0) << "sample mean off by " << moments.mean_z << " se";
  EXPECT_LT(std::abs(moments.variance_z), 5.0)
      << "sample variance off by " << moments.variance_z << " se";
}

// Draws per parameter set: enough to reject a 3% scale error or a 1% mean error outright (see
// SamplersHarness), while the whole file runs in a few seconds.
constexpr std::size_t N = 500'000;

TEST(SamplersGof, StandardNormal) {
  expect_fits(draw_many<double>(1'000'000, stream_for(1), sample_standard_normal),
              bm::normal(0.0, 1.0));
}

// The ziggurat's base layer hands |z| > 3.654 to Marsaglia's tail algorithm, which 50
// equiprobable bins barely see. Beyond 3, P(|Z| > |z|) / P(|Z| > 3) is uniform on (0, 1).
TEST(SamplersGof, StandardNormalTail) {
  const bm::normal normal(0.0, 1.0);
  const double p3 = bm::cdf(bm::complement(normal, 3.0));
  RandomStream rng = stream_for(2);
  std::vector<double> u;
  std::uint64_t negative = 0;
  constexpr std::uint64_t DRAWS = 4'000'000;
  for (std::uint64_t i = 0; i < DRAWS; ++i) {
    const double z = sample_standard_normal(rng);
    if (std::abs(z) <= 3.0) continue;
    u.push_back(bm::cdf(bm::complement(normal, std::abs(z))) / p3);
    negative += z < 0.0;
  }
  const double expected = 2.0 * p3 * DRAWS;  // exceedances are Binomial(DRAWS, 2 p3)
  EXPECT_LT(std::abs(static_cast<double>(u.size()) - expected), 5.0 * std::sqrt(expected));
  const double half = 0.5 * static_cast<double>(u.size());
  EXPECT_LT(std::abs(static_cast<double>(negative) - half), 5.0 * std::sqrt(half / 2.0));
  EXPECT_GE(funnelsim::test::continuous_gof(std::span<const double>(u),
                                            bm::uniform_distribution<>(0.0, 1.0), 20)
                .p_value,
            GOF_THRESHOLD);
}

TEST(SamplersGof, Exponential) {
  expect_fits(draw_many<double>(1'000'000, stream_for(3),
                                [](RandomStream& r) { return sample_exponential(r, 2.5); }),
              bm::exponential_distribution<>(1.0 / 2.5));
}

// Beyond the ziggurat's r = 7.697 the sampler adds r and starts again; beyond 7 the excess over
// 7 is again a unit exponential.
TEST(SamplersGof, ExponentialTail) {
  RandomStream rng = stream_for(4);
  std::vector<double> excess;
  constexpr std::uint64_t DRAWS = 4'000'000;
  for (std::uint64_t i = 0; i < DRAWS; ++i) {
    const double x = sample_exponential(rng, 1.0);
    if (x > 7.0) excess.push_back(x - 7.0);
  }
  const double expected = std::exp(-7.0) * DRAWS;
  EXPECT_LT(std::abs(static_cast<double>(excess.size()) - expected), 5.0 * std::sqrt(expected));
  EXPECT_GE(funnelsim::test::continuous_gof(std::span<const double>(excess),
                                            bm::exponential_distribution<>(1.0), 20)
                .p_value,
            GOF_THRESHOLD);
}

TEST(SamplersGof, Gamma) {
  // 0.5, 1, 1.5, 2 and 3 take the sum-of-exponentials path; 0.3 the boost; 3.5 and 7.5 the
  // rejection method.
  const double shapes[] = {0.3, 0.5, 1.0, 1.5, 2.0, 3.0, 3.5, 7.5};
  for (std::uint32_t i = 0; i < 8; ++i) {
    SCOPED_TRACE("shape " + std::to_string(shapes[i]));
    const GammaSampler gamma(shapes[i], 1.7);
    expect_fits(draw_many<double>(N, stream_for(5, i), gamma),
                bm::gamma_distribution<>(shapes[i], 1.7));
    // The free function is the same algorithm: same draws from the same stream.
    RandomStream a = stream_for(5, i);
    RandomStream b = stream_for(5, i);
    for (int j = 0; j < 100; ++j) ASSERT_EQ(sample_gamma(a, shapes[i], 1.7), gamma(b));
  }
}

TEST(SamplersGof, Lognormal) {
  const double params[][2] = {{1.2, 0.6}, {-0.5, 2.0}};
  for (std::uint32_t i = 0; i < 2; ++i) {
    SCOPED_TRACE("mu " + std::to_string(params[i][0]) + " sigma " + std::to_string(params[i][1]));
    expect_fits(draw_many<double>(N, stream_for(6, i),
                                  [&](RandomStream& r) {
                                    return sample_lognormal(r, params[i][0], params[i][1]);
                                  }),
                bm::lognormal_distribution<>(params[i][0], params[i][1]));
  }
}

TEST(SamplersGof, Weibull) {
  const double params[][2] = {{0.7, 3.0}, {2.5, 1.0}};
  for (std::uint32_t i = 0; i < 2; ++i) {
    SCOPED_TRACE("shape " + std::to_string(params[i][0]));
    expect_fits(draw_many<double>(
                    N, stream_for(7, i),
                    [&](RandomStream& r) { return sample_weibull(r, params[i][0], params[i][1]); }),
                bm::weibull_distribution<>(params[i][0], params[i][1]));
  }
}

TEST(SamplersGof, Beta) {
  // (0.1, 0.2) and (0.3, 4) take the log-space path, where a plain ratio of gammas underflows.
  const double params[][2] = {{0.5, 0.5}, {2.0, 5.0}, {30.0, 70.0}, {0.1, 0.2}, {0.3, 4.0}};
  for (std::uint32_t i = 0; i < 5; ++i) {
    SCOPED_TRACE("alpha " + std::to_string(params[i][0]) + " beta " + std::to_string(params[i][1]));
    expect_fits(draw_many<double>(
                    N, stream_for(8, i),
                    [&](RandomStream& r) { return sample_beta(r, params[i][0], params[i][1]); }),
                bm::beta_distribution<>(params[i][0], params[i][1]));
  }
}

TEST(SamplersGof, Poisson) {
  // Both sides of the switch from inversion to PTRS at 10, and far into PTRS's range.
  const double means[] = {0.5, 5.0, 9.9, 10.0, 37.0, 1e4, 1e7};
  for (std::uint32_t i = 0; i < 7; ++i) {
    SCOPED_TRACE("mean " + std::to_string(means[i]));
    expect_fits(
        draw_many<std::uint64_t>(N, stream_for(9, i),
                                 [&](RandomStream& r) { return sample_poisson(r, means[i]); }),
        bm::poisson_distribution<>(means[i]));
  }
}

TEST(SamplersGof, Binomial) {
  // Inversion below n min(p, q) = 10, BTRS above; p > 1/2 through symmetry in both.
  const std::pair<std::uint64_t, double> params[] = {
      {1'000'000, 3e-6}, {200, 0.04}, {10, 0.5},  {1000, 0.995},
      {1000, 0.3},       {1000, 0.9}, {50, 0.25}, {1'000'000'000, 0.3}};
  for (std::uint32_t i = 0; i < 8; ++i) {
    const auto [n, p] = params[i];
    SCOPED_TRACE("n " + std::to_string(n) + " p " + std::to_string(p));
    expect_fits(draw_many<std::uint64_t>(N, stream_for(10, i),
                                         [&](RandomStream& r) { return sample_binomial(r, n, p); }),
                bm::binomial_distribution<>(static_cast<double>(n), p));
  }
}

TEST(SamplersGof, NegativeBinomial) {
  // Size below 1 takes the log-space gamma path. Boost counts failures before `size` successes
  // of probability size / (size + mean): the same law.
  const double params[][2] = {{20.0, 2.5}, {5.0, 0.3}, {1000.0, 50.0}, {0.7, 1e3}};
  for (std::uint32_t i = 0; i < 4; ++i) {
    const double mean = params[i][0];
    const double size = params[i][1];
    SCOPED_TRACE("mean " + std::to_string(mean) + " size " + std::to_string(size));
    expect_fits(draw_many<std::uint64_t>(
                    N, stream_for(11, i),
                    [&](RandomStream& r) { return sample_negative_binomial(r, mean, size); }),
                bm::negative_binomial_distribution<>(size, size / (size + mean)));
  }
}

// Each count, any sum of counts and the implicit rest are binomial; checking the marginals, a
// pair sum and the rest tests the joint law beyond the marginals.
void check_multinomial(std::uint32_t test, std::uint64_t n, const std::vector<double>& p,
                       std::size_t vectors) {
  RandomStream rng = stream_for(test);
  const std::size_t k = p.size();
  std::vector<std::vector<std::uint64_t>> marginals(k + 2, std::vector<std::uint64_t>(vectors));
  std::vector<std::uint64_t> counts(k);
  for (std::size_t v = 0; v < vectors; ++v) {
    sample_multinomial(rng, n, p, counts);
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < k; ++i) {
      marginals[i][v] = counts[i];
      sum += counts[i];
    }
    ASSERT_LE(sum, n);
    marginals[k][v] = counts[0] + counts[1];
    marginals[k + 1][v] = n - sum;
  }
  double total = 0.0;
  for (const double pi : p) total += pi;
  for (std::size_t i = 0; i < k + 2; ++i) {
    SCOPED_TRACE("marginal " + std::to_string(i));
    const double pi = i < k ? p[i] : i == k ? p[0] + p[1] : std::max(0.0, 1.0 - total);
    if (pi == 0.0) {
      EXPECT_EQ(*std::max_element(marginals[i].begin(), marginals[i].end()), 0u);
      continue;
    }
    expect_fits(marginals[i], bm::binomial_distribution<>(static_cast<double>(n), pi));
  }
}

TEST(SamplersGof, MultinomialWithImplicitCategory) {
  check_multinomial(12, 50, {0.2, 0.3, 0.1, 0.15}, 200'000);
}

TEST(SamplersGof, MultinomialLargeCounts) {
  check_multinomial(13, 100'000, {0.5, 0.25, 0.0, 0.125, 0.125}, 100'000);
}

// Within 1e-9 of 1 the sum is rounding: every trial lands in a reported category.
TEST(Samplers, MultinomialSumsToNWhenProbabilitiesSumToOne) {
  RandomStream rng = stream_for(14);
  const std::vector<std::vector<double>> cases = {{0.1, 0.2, 0.3, 0.4}, {1.0 / 3, 1.0 / 3, 1.0 / 3},
                                                  {0.6, 0.4 + 5e-10},   {0.6, 0.4 - 5e-10},
                                                  {0.0, 1.0, 0.0},      {0.25, 0.0, 0.75, 0.0}};
  for (const auto& p : cases) {
    std::vector<std::uint64_t> counts(p.size());
    for (std::uint64_t n : {0ull, 1ull, 7ull, 1000ull, 123456789ull}) {
      for (int rep = 0; rep < 200; ++rep) {
        sample_multinomial(rng, n, p, counts);
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < p.size(); ++i) {
          if (p[i] == 0.0) {
            ASSERT_EQ(counts[i], 0u);
          }
          sum += counts[i];
        }
        ASSERT_EQ(sum, n);
      }
    }
  }
}

TEST(SamplersGof, AliasTable) {
  const std::vector<double> weights = {1.0, 0.0, 3.0, 0.5, 2.0, 0.0, 7.0, 0.0};
  const AliasTable table(weights);
  ASSERT_EQ(table.size(), weights.size());
  const std::vector<std::size_t> draws = draw_many<std::size_t>(1'000'000, stream_for(15), table);
  std::vector<double> probabilities;
  for (const double w : weights) probabilities.push_back(w / 13.5);
  for (const std::size_t x : draws) ASSERT_NE(weights.at(x), 0.0) << "drew category " << x;
  EXPECT_GE(funnelsim::test::categorical_gof(draws, probabilities).p_value, GOF_THRESHOLD);
}

TEST(SamplersGof, AliasTableManyCategories) {
  // 1000 uneven weights, every 10th zero; about 2000 expected draws per positive category.
  std::vector<double> weights(1000);
  double total = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    weights[i] = i % 10 == 3 ? 0.0 : 0.5 + static_cast<double>((i * 7919) % 101);
    total += weights[i];
  }
  const AliasTable table(weights);
  const std::vector<std::size_t> draws = draw_many<std::size_t>(2'000'000, stream_for(16), table);
  std::vector<double> probabilities;
  for (const double w : weights) probabilities.push_back(w / total);
  for (const std::size_t x : draws) ASSERT_NE(weights.at(x), 0.0) << "drew category " << x;
  EXPECT_GE(funnelsim::test::categorical_gof(draws, probabilities).p_value, GOF_THRESHOLD);
}

TEST(Samplers, DegenerateParameters) {
  RandomStream rng = stream_for(17);
  const std::vector<double> one = {4.0};
  const AliasTable single(one);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(sample_poisson(rng, 0.0), 0u);
    EXPECT_EQ(sample_binomial(rng, 0, 0.5), 0u);
    EXPECT_EQ(sample_binomial(rng, 77, 0.0), 0u);
    EXPECT_EQ(sample_binomial(rng, 77, 1.0), 77u);
    EXPECT_EQ(sample_negative_binomial(rng, 0.0, 3.0), 0u);
    EXPECT_EQ(single(rng), 0u);
  }
}

// The harness must be able to fail: draws from a slightly wrong law give p < 1e-6.
TEST(SamplersHarness, RejectsGammaWithScaleOffByThreePercent) {
  const GammaSampler wrong(2.0, 1.03);
  const std::vector<double> draws = draw_many<double>(N, stream_for(18), wrong);
  EXPECT_LT(funnelsim::test::continuous_gof(std::span<const double>(draws),
                                            bm::gamma_distribution<>(2.0, 1.0))
                .p_value,
            GOF_THRESHOLD);
}

TEST(SamplersHarness, RejectsPoissonWithMeanOffByOnePercent) {
  const std::vector<std::uint64_t> draws = draw_many<std::uint64_t>(
      N, stream_for(19), [](RandomStream& r) { return sample_poisson(r, 10.1); });
  EXPECT_LT(funnelsim::test::discrete_gof(std::span<const std::uint64_t>(draws),
                                          bm::poisson_distribution<>(10.0))
                .p_value,
            GOF_THRESHOLD);
}

// Known answers: the first three draws at a fixed key, generated once from this implementation
// after the goodness-of-fit tests above passed (Beta(2, 5) and the negative binomial with size
// 2.5 regenerated when gamma shapes 1/2 .. 3 moved to sums of exponentials). A change here means
// the draws of every model changed: deliberate (algorithm change, note it in the changelog) or a
// bug. Doubles are compared exactly; they depend on libm only through exp/log/log1p/sqrt.
template <class T, class Draw>
void expect_first_draws(Draw draw, const std::vector<T>& expected) {
  RandomStream rng(StreamKey{42, 7, 3, 1});
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(draw(rng), expected[i]) << i;
}

TEST(SamplersKnownAnswers, FirstThreeDraws) {
  using D = std::vector<double>;
  using U = std::vector<std::uint64_t>;
  expect_first_draws<double>([](RandomStream& r) { return sample_standard_normal(r); },
                             D{-0.67687107170685856, 2.1991959979609712, -0.074622462457928154});
  expect_first_draws<double>([](RandomStream& r) { return sample_exponential(r, 2.5); },
                             D{3.7015358653411261, 4.1207110507927007, 1.7867387916577093});
  expect_first_draws<double>([](RandomStream& r) { return sample_gamma(r, 0.3, 1.7); },
                             D{0.6572999875716321, 2.9800721692725567, 0.90754480449032793});
  expect_first_draws<double>([](RandomStream& r) { return sample_gamma(r, 7.5, 1.7); },
                             D{9.3552154148582378, 11.846871685233971, 11.295376646399752});
  expect_first_draws<double>([](RandomStream& r) { return sample_lognormal(r, 1.2, 0.6); },
                             D{2.2119563650049301, 12.42260253924437, 3.1747424867669345});
  expect_first_draws<double>([](RandomStream& r) { return sample_weibull(r, 0.7, 3.0); },
                             D{5.2554481912210882, 6.1258617107891737, 1.8566188941040147});
  expect_first_draws<double>([](RandomStream& r) { return sample_beta(r, 2.0, 5.0); },
                             D{0.40974490446944117, 0.49109058093260699, 0.085628156097716249});
  expect_first_draws<double>([](RandomStream& r) { return sample_beta(r, 0.5, 0.5); },
                             D{0.20759903527284651, 0.79009455938143236, 0.0013212399444072337});
  expect_first_draws<std::uint64_t>([](RandomStream& r) { return sample_poisson(r, 5.0); },
                                    U{7, 5, 9});
  expect_first_draws<std::uint64_t>([](RandomStream& r) { return sample_poisson(r, 1e4); },
                                    U{9939, 9989, 9985});
  expect_first_draws<std::uint64_t>([](RandomStream& r) { return sample_binomial(r, 10, 0.5); },
                                    U{6, 5, 8});
  expect_first_draws<std::uint64_t>([](RandomStream& r) { return sample_binomial(r, 1000, 0.3); },
                                    U{291, 298, 296});
  expect_first_draws<std::uint64_t>([](RandomStream& r) { return sample_binomial(r, 1000, 0.9); },
                                    U{906, 901, 903});
  expect_first_draws<std::uint64_t>(
      [](RandomStream& r) { return sample_negative_binomial(r, 20.0, 2.5); }, U{21, 3, 2});
  expect_first_draws<std::uint64_t>(
      [](RandomStream& r) { return sample_negative_binomial(r, 5.0, 0.3); }, U{5, 12, 0});
  const AliasTable table(std::vector<double>{1.0, 0.0, 2.0, 3.0, 4.0, 5.0});
  expect_first_draws<std::uint64_t>([&](RandomStream& r) { return std::uint64_t{table(r)}; },
                                    U{4, 2, 5});
  RandomStream rng(StreamKey{42, 7, 3, 1});
  const std::vector<double> p = {0.2, 0.3, 0.1, 0.15};
  std::vector<std::uint64_t> counts(p.size());
  for (const U& expected : {U{8, 15, 9, 12}, U{9, 15, 3, 8}, U{11, 15, 4, 8}}) {
    sample_multinomial(rng, 50, p, counts);
    EXPECT_EQ(counts, expected);
  }
}

// Every rejected argument names the function, the argument, its value and the rule.
template <class F>
void expect_domain_error(F f, std::initializer_list<std::string_view> parts) {
  try {
    f();
    ADD_FAILURE() << "no std::domain_error thrown";
  } catch (const std::domain_error& e) {
    const std::string what = e.what();
    for (const std::string_view part : parts) {
      EXPECT_NE(what.find(part), std::string::npos) << "'" << part << "' not in: " << what;
    }
  }
}

TEST(SamplersArguments, MessageNamesFunctionArgumentValueAndRule) {
  RandomStream rng = stream_for(20);
  try {
    sample_gamma(rng, -3.0, 1.0);
    ADD_FAILURE() << "no std::domain_error thrown";
  } catch (const std::domain_error& e) {
    EXPECT_STREQ(e.what(), "sample_gamma: shape is -3, but must be positive and finite");
  }
}

TEST(SamplersArguments, ContinuousSamplers) {
  RandomStream rng = stream_for(21);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  expect_domain_error([&] { sample_exponential(rng, 0.0); }, {"sample_exponential", "mean", "0"});
  expect_domain_error([&] { sample_exponential(rng, inf); }, {"sample_exponential", "mean", "inf"});
  expect_domain_error([&] { sample_gamma(rng, 2.0, -0.5); }, {"sample_gamma", "scale", "-0.5"});
  expect_domain_error([&] { GammaSampler(nan, 1.0); }, {"GammaSampler", "shape", "nan"});
  expect_domain_error([&] { GammaSampler(1.0, 0.0); }, {"GammaSampler", "scale", "0"});
  expect_domain_error([&] { sample_lognormal(rng, nan, 1.0); }, {"sample_lognormal", "mu", "nan"});
  expect_domain_error([&] { sample_lognormal(rng, 0.0, -1.0); },
                      {"sample_lognormal", "sigma", "-1", "positive"});
  expect_domain_error([&] { sample_weibull(rng, -1.5, 1.0); }, {"sample_weibull", "shape", "-1.5"});
  expect_domain_error([&] { sample_weibull(rng, 1.5, inf); }, {"sample_weibull", "scale", "inf"});
  expect_domain_error([&] { sample_beta(rng, 0.0, 1.0); }, {"sample_beta", "alpha", "0"});
  expect_domain_error([&] { sample_beta(rng, 1.0, -2.0); }, {"sample_beta", "beta", "-2"});
}

TEST(SamplersArguments, DiscreteSamplers) {
  RandomStream rng = stream_for(22);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  expect_domain_error([&] { sample_poisson(rng, -1.0); }, {"sample_poisson", "mean", "-1"});
  expect_domain_error([&] { sample_poisson(rng, nan); }, {"sample_poisson", "mean", "nan"});
  expect_domain_error([&] { sample_poisson(rng, 2e15); },
                      {"sample_poisson", "mean", "2e+15", "at most 1e15"});
  expect_domain_error([&] { sample_binomial(rng, 10, 1.5); }, {"sample_binomial", "p", "1.5"});
  expect_domain_error([&] { sample_binomial(rng, 10, nan); }, {"sample_binomial", "p", "nan"});
  expect_domain_error([&] { sample_binomial(rng, (1ull << 53) + 1, 0.5); },
                      {"sample_binomial", "n", "9007199254740993"});
  expect_domain_error([&] { sample_negative_binomial(rng, -2.0, 1.0); },
                      {"sample_negative_binomial", "mean", "-2"});
  expect_domain_error([&] { sample_negative_binomial(rng, 2.0, 0.0); },
                      {"sample_negative_binomial", "size", "0"});
}

TEST(SamplersArguments, MultinomialAndAliasTable) {
  RandomStream rng = stream_for(23);
  std::vector<std::uint64_t> counts(2);
  const std::vector<double> three = {0.2, 0.3, 0.1};
  expect_domain_error([&] { sample_multinomial(rng, 5, three, counts); },
                      {"sample_multinomial", "counts.size()", "2", "3"});
  const std::vector<double> negative = {0.5, -0.1};
  expect_domain_error([&] { sample_multinomial(rng, 5, negative, counts); },
                      {"sample_multinomial", "probabilities[1]", "-0.1"});
  const std::vector<double> too_much = {0.7, 0.4};
  expect_domain_error([&] { sample_multinomial(rng, 5, too_much, counts); },
                      {"sample_multinomial", "sum(probabilities)", "1.1", "at most 1"});
  expect_domain_error([] { AliasTable(std::vector<double>{}); },
                      {"AliasTable", "weights.size()", "0"});
  expect_domain_error(
      [] {
        AliasTable(std::vector<double>{1.0, -1.0});
      },
      {"AliasTable", "weights[1]", "-1"});
  expect_domain_error([] { AliasTable(std::vector<double>{std::nan("")}); },
                      {"AliasTable", "weights[0]", "nan"});
  expect_domain_error(
      [] {
        AliasTable(std::vector<double>{0.0, 0.0});
      },
      {"AliasTable", "sum(weights)", "0", "positive"});
  expect_domain_error(
      [] {
        AliasTable(std::vector<double>{1e308, 1e308});
      },
      {"AliasTable", "sum(weights)", "inf"});
}

}  // namespace
