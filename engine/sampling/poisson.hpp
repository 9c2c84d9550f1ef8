// The Poisson sampler: inversion for small means, PTRS (Hoermann 1993) from mean 10.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/argument_checks.hpp"
#include "engine/sampling/log_factorial.hpp"
#include "engine/sampling/reciprocal_table.hpp"
#include "engine/sampling/standard_normal.hpp"
#include "engine/sampling/uniform_bits.hpp"

namespace funnelsim::engine {
namespace detail {

/// Largest mean sample_poisson accepts. PTRS needs k + 1 and floor(... + mean + 0.43) to be
/// exact in a double, which holds below 2^52; 1e15 leaves room and is easy to state.
inline constexpr double POISSON_MAX_MEAN = 1e15;

/// Means below this use inversion, from it PTRS (whose constants Hoermann fitted for mean >= 10).
inline constexpr double POISSON_PTRS_MIN_MEAN = 10.0;

// Sequential search from 0: on average mean + 1 steps, cheaper than PTRS's setup below mean 10.
// The cumulative sum can fall short of 1 by rounding; a u beyond it would walk forever, so the
// walk restarts past 100, where the true tail (P(X > 100) < 1e-60 for mean < 10) is nil.
inline std::uint64_t poisson_inversion(RandomStream& rng, double mean) {
  const double p0 = std::exp(-mean);
  for (;;) {
    double u = rng.uniform01();
    double p = p0;
    std::size_t k = 0;
    while (u > p && k <= 100) {
      u -= p;
      ++k;
      p *= mean * RECIPROCALS[k];
    }
    if (k <= 100) return k;
  }
}

// PTRS, "transformed rejection with squeeze": Hoermann (1993), "The transformed rejection
// method for generating Poisson random variables", Insurance: Mathematics and Economics 12.
// About 1.13 uniform pairs per draw for large means (1.33 at mean 10); most candidates are
// accepted by the squeeze, without a log.
inline std::uint64_t poisson_ptrs(RandomStream& rng, double mean) {
  const double b = 0.931 + 2.53 * std::sqrt(mean);
  const double a = -0.059 + 0.02483 * b;
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  // Needed only by the full test: set on its first use.
  double inv_alpha = 0.0;
  double log_mean = 0.0;
  for (;;) {
    const double u = 0.5 * open_signed_uniform(rng());  // |u| < 1/2, so us > 0 below
    const double v = rng.uniform01();
    const double us = 0.5 - std::abs(u);
    const double x = (2.0 * a / us + b) * u + mean + 0.43;
    // x < 0 is outside the support. Beyond 2^62 (only reachable for us near 0) the Poisson
    // probability is below any double, so rejecting there changes nothing and keeps the
    // truncation below, which equals floor for x >= 0, defined.
    if (!(x >= 0.0 && x < 0x1.0p62)) continue;
    const double k = static_cast<double>(static_cast<std::int64_t>(x));
    if (us >= 0.07 && v <= v_r) return static_cast<std::uint64_t>(k);
    if (us < 0.013 && v > us) continue;
    if (inv_alpha == 0.0) {
      inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
      log_mean = std::log(mean);
    }
    double log_pmf;
    if (k < static_cast<double>(LOG_FACTORIAL_TABLE_SIZE)) {
      // Small k means a mean below about 1000: the textbook form loses under 1e-12 here.
      log_pmf = k * log_mean - mean - log_factorial_table()[static_cast<std::size_t>(k)];
    } else {
      // Written around delta = k + 1 - mean (exact by Sterbenz's lemma near the mode) so that
      // no term of size k log(mean) cancels: the textbook form loses all accuracy near 1e15.
      const double delta = k + 1.0 - mean;
      log_pmf = delta - k * std::log1p(delta / mean) - 0.5 * std::log(k + 1.0) - HALF_LOG_TWO_PI -
                stirling_tail(k);
    }
    if (std::log(v * inv_alpha / (a / (us * us) + b)) <= log_pmf) {
      return static_cast<std::uint64_t>(k);
    }
  }
}

/// Poisson draw without argument checks, for mixtures (negative binomial) whose mean is itself
/// random and may exceed POISSON_MAX_MEAN. Beyond 2^52 a double no longer resolves the support
/// one integer apart; there the Poisson's relative spread (below 1.5e-8) is itself at the
/// resolution limit, and the normal approximation is used, saturating at the uint64 maximum.
inline std::uint64_t poisson_unchecked(RandomStream& rng, double mean) {
  if (mean < POISSON_PTRS_MIN_MEAN) return mean > 0.0 ? poisson_inversion(rng, mean) : 0;
  if (mean < 0x1.0p52) return poisson_ptrs(rng, mean);
  const double x = std::round(mean + std::sqrt(mean) * sample_standard_normal(rng));
  if (!(x < 0x1.0p64)) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(x);
}

}  // namespace detail

/// A Poisson(mean) draw, exact in law (mean 0 gives 0). Mean must be in [0, 1e15].
inline std::uint64_t sample_poisson(RandomStream& rng, double mean) {
  if (!(mean >= 0.0 && mean <= detail::POISSON_MAX_MEAN)) {
    detail::throw_domain_error("sample_poisson", "mean", detail::format_argument(mean),
                               "must be non-negative, finite and at most 1e15");
  }
  return detail::poisson_unchecked(rng, mean);
}

}  // namespace funnelsim::engine
