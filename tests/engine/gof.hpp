// Chi-square goodness-of-fit helpers for the sampler tests, with Boost.Math as the reference.
#pragma once

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/complement.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace funnelsim::test {

/// The rejection threshold of every goodness-of-fit test (as in Stan Math's distribution tests):
/// a wrong sampler with enough draws lands far below it, while a right one, run at a fixed seed,
/// gives the same p-value every time, so the test can fail but never flakes.
inline constexpr double GOF_THRESHOLD = 1e-6;

struct ChiSquare {
  double statistic = 0.0;
  std::size_t bins = 0;
  double p_value = 0.0;
};

/// Pearson's statistic over bins with the given expected probabilities (summing to 1), with
/// bins - 1 degrees of freedom (no parameter is fitted from the draws).
inline ChiSquare chi_square(std::span<const double> observed, std::span<const double> probability,
                            double draws) {
  ChiSquare result;
  result.bins = observed.size();
  for (std::size_t i = 0; i < observed.size(); ++i) {
    const double expected = draws * probability[i];
    result.statistic += (observed[i] - expected) * (observed[i] - expected) / expected;
  }
  const boost::math::chi_squared reference(static_cast<double>(result.bins - 1));
  result.p_value = boost::math::cdf(boost::math::complement(reference, result.statistic));
  return result;
}

/// Continuous distributions: `bins` equiprobable bins cut at Boost's quantiles.
template <class Distribution>
ChiSquare continuous_gof(std::span<const double> draws, const Distribution& reference,
                         std::size_t bins = 50) {
  std::vector<double> edges(bins - 1);
  for (std::size_t j = 1; j < bins; ++j) {
    edges[j - 1] = quantile(reference, static_cast<double>(j) / static_cast<double>(bins));
  }
  std::vector<double> observed(bins, 0.0);
  for (const double x : draws) {
    observed[static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), x) -
                                      edges.begin())] += 1.0;
  }
  const std::vector<double> probability(bins, 1.0 / static_cast<double>(bins));
  return chi_square(observed, probability, static_cast<double>(draws.size()));
}

/// Discrete distributions on 0, 1, 2, ...: one bin per value, the tails (and any thin value in
/// between) merged until every bin expects at least 5 draws, the usual validity rule for the
/// chi-square approximation.
template <class Distribution>
ChiSquare discrete_gof(std::span<const std::uint64_t> draws, const Distribution& reference) {
  const double n = static_cast<double>(draws.size());
  constexpr double MIN_EXPECTED = 5.0;
  // First bin [0, k0]: k0 is the smallest value whose cdf reaches MIN_EXPECTED / n, found by
  // bisection so that a distribution far from 0 (binomial with n = 1e9) is not walked from 0.
  // Unqualified calls (here and below) find Boost's overloads by argument-dependent lookup,
  // whatever order the distribution headers were included in.
  std::uint64_t lo = 0;
  std::uint64_t hi = std::uint64_t{1} << 53;
  if (const double sup = range(reference).second; sup < static_cast<double>(hi)) {
    hi = static_cast<std::uint64_t>(sup);
  }
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (n * cdf(reference, static_cast<double>(mid)) >= MIN_EXPECTED) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  std::vector<std::uint64_t> starts{0};
  std::vector<double> probability{cdf(reference, static_cast<double>(lo))};
  double tail = cdf(boost::math::complement(reference, static_cast<double>(lo)));
  std::uint64_t start = lo + 1;
  double pending = 0.0;
  for (std::uint64_t k = lo + 1; n * tail >= MIN_EXPECTED; ++k) {
    const double pk = pdf(reference, static_cast<double>(k));
    pending += pk;
    tail = cdf(boost::math::complement(reference, static_cast<double>(k)));
    if (n * pending >= MIN_EXPECTED && n * tail >= MIN_EXPECTED) {
      starts.push_back(start);
      probability.push_back(pending);
      start = k + 1;
      pending = 0.0;
    }
  }
  // The last bin is everything from `start` up, whatever its width.
  starts.push_back(start);
  probability.push_back(pending + tail);
  if (n * probability.back() < MIN_EXPECTED && probability.size() > 1) {
    probability[probability.size() - 2] += probability.back();
    probability.pop_back();
    starts.pop_back();
  }
  std::vector<double> observed(starts.size(), 0.0);
  for (const std::uint64_t x : draws) {
    observed[static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), x) -
                                      starts.begin()) -
             1] += 1.0;
  }
  return chi_square(observed, probability, n);
}

/// Categorical draws in 0..k-1 against probabilities (categories of probability 0 are left out
/// of the statistic; the caller checks they were never drawn). Every other category must expect
/// at least 5 draws.
inline ChiSquare categorical_gof(std::span<const std::size_t> draws,
                                 std::span<const double> probabilities) {
  std::vector<double> counts(probabilities.size(), 0.0);
  for (const std::size_t x : draws) counts[x] += 1.0;
  std::vector<double> observed;
  std::vector<double> probability;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    if (probabilities[i] > 0.0) {
      observed.push_back(counts[i]);
      probability.push_back(probabilities[i]);
    }
  }
  return chi_square(observed, probability, static_cast<double>(draws.size()));
}

/// Sample mean and variance against the distribution's at `k` standard errors. The standard
/// error of the sample variance is sigma^2 sqrt((kurtosis - 1) / n), with Boost's (non-excess)
/// kurtosis. A complement to the chi-square test: it sees errors in the far tails that
/// equiprobable bins dilute.
struct MomentCheck {
  double mean_z = 0.0;
  double variance_z = 0.0;
};

template <class Distribution, class T>
MomentCheck moment_check(std::span<const T> draws, const Distribution& reference) {
  const double n = static_cast<double>(draws.size());
  double sum = 0.0;
  for (const T x : draws) sum += static_cast<double>(x);
  const double sample_mean = sum / n;
  double squares = 0.0;
  for (const T x : draws) {
    const double d = static_cast<double>(x) - sample_mean;
    squares += d * d;
  }
  const double sample_variance = squares / (n - 1.0);
  const double mu = mean(reference);
  const double sigma2 = variance(reference);
  MomentCheck result;
  result.mean_z = (sample_mean - mu) / std::sqrt(sigma2 / n);
  result.variance_z =
      (sample_variance - sigma2) / (sigma2 * std::sqrt((kurtosis(reference) - 1.0) / n));
  return result;
}

}  // namespace funnelsim::test
