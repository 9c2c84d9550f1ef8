// The binomial sampler: inversion for small n min(p, 1 - p), BTRS (Hoermann 1993) otherwise.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/argument_checks.hpp"
#include "engine/sampling/log_factorial.hpp"
#include "engine/sampling/reciprocal_table.hpp"
#include "engine/sampling/uniform_bits.hpp"

namespace funnelsim::engine {
namespace detail {

/// Largest n sample_binomial accepts: BTRS computes with n - k + 1 in doubles, exact to 2^53.
inline constexpr std::uint64_t BINOMIAL_MAX_TRIALS = std::uint64_t{1} << 53;

/// From this n p (with p <= 1/2) BTRS is used; Hoermann's constants are fitted for n p >= 10.
inline constexpr double BINOMIAL_BTRS_MIN_MEAN = 10.0;

// Sequential search from 0 (Kachitvichyanukul & Schmeiser 1988, BINV), using
// P(k) / P(k - 1) = ((n + 1) / k - 1) p / q. On average n p + 1 < 11 steps. As for the Poisson,
// rounding can leave the cumulative sum short of 1; past `bound` (where the true tail is below
// 1e-50) the walk restarts instead of running on.
inline std::uint64_t binomial_inversion(RandomStream& rng, std::uint64_t n, double p) {
  const double q = 1.0 - p;
  const double s = p / q;
  const double a = (static_cast<double>(n) + 1.0) * s;
  const double p0 = std::exp(static_cast<double>(n) * std::log1p(-p));
  const std::uint64_t bound = std::min<std::uint64_t>(n, 110);
  for (;;) {
    double u = rng.uniform01();
    double pk = p0;
    std::uint64_t k = 0;
    while (u > pk && k <= bound) {
      u -= pk;
      ++k;
      pk *= a * RECIPROCALS[k] - s;
    }
    if (k <= bound) return k;
  }
}

// BTRS, "transformed rejection with squeeze": Hoermann (1993), "The generation of binomial
// random variates", J. Statist. Comput. Simul. 46. Requires p <= 1/2 and n p >= 10; about 1.13
// uniform pairs per draw for large n p (1.37 near n p = 10), most accepted by the squeeze
// without a log.
inline std::uint64_t binomial_btrs(RandomStream& rng, std::uint64_t trials, double p) {
  const double n = static_cast<double>(trials);
  const double q = 1.0 - p;
  const double spq = std::sqrt(n * p * q);
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = n * p + 0.5;
  const double v_r = 0.92 - 4.2 / b;
  // Constants of the full test, set on its first use: most draws end in the squeeze.
  double alpha = 0.0;
  double r = 0.0;
  double m = 0.0;                // the mode
  double fc_m = 0.0;             // large n
  double log_factorial_m = 0.0;  // small n: log m! + log (n - m)!
  double log_r = 0.0;
  for (;;) {
    const double u = 0.5 * open_signed_uniform(rng());  // |u| < 1/2, so us > 0 below
    const double v = rng.uniform01();
    const double us = 0.5 - std::abs(u);
    // Range check first, then truncation, which equals floor on [0, n + 1) and is cheaper.
    const double x = (2.0 * a / us + b) * u + c;
    if (!(x >= 0.0 && x < n + 1.0)) continue;
    const double k = static_cast<double>(static_cast<std::int64_t>(x));
    if (us >= 0.07 && v <= v_r) return static_cast<std::uint64_t>(k);
    if (alpha == 0.0) {
      alpha = (2.83 + 5.1 / b) * spq;
      r = p / q;
      m = std::floor((n + 1.0) * p);
      if (trials < LOG_FACTORIAL_TABLE_SIZE) {
        const auto& log_factorial = log_factorial_table();
        log_factorial_m = log_factorial[static_cast<std::size_t>(m)] +
                          log_factorial[trials - static_cast<std::size_t>(m)];
        log_r = std::log(r);
      } else {
        fc_m = stirling_tail(m) + stirling_tail(n - m);
      }
    }
    const double d = k - m;
    double log_ratio;  // log(P(k) / P(m))
    if (trials < LOG_FACTORIAL_TABLE_SIZE) {
      const auto& log_factorial = log_factorial_table();
      log_ratio = log_factorial_m - log_factorial[static_cast<std::size_t>(k)] -
                  log_factorial[trials - static_cast<std::size_t>(k)] + d * log_r;
    } else {
      // Stirling's formula with Hoermann's corrections fc. Hoermann's step 3.3 is regrouped
      // around d so that no term of size n log n cancels: each log below has an argument near 1
      // (or is a log1p of a small ratio), so the error stays near |d| ulp rather than n p ulp.
      log_ratio = d * std::log(r * (n - k + 1.0) / (k + 1.0)) -
                  (m + 0.5) * std::log1p(d / (m + 1.0)) +
                  (n - m + 0.5) * std::log1p(d / (n - k + 1.0)) + fc_m - stirling_tail(k) -
                  stirling_tail(n - k);
    }
    if (std::log(v * alpha / (a / (us * us) + b)) <= log_ratio) {
      return static_cast<std::uint64_t>(k);
    }
  }
}

/// Binomial draw without argument checks; the multinomial sampler's building block.
inline std::uint64_t binomial_unchecked(RandomStream& rng, std::uint64_t n, double p) {
  if (n == 0 || p <= 0.0) return 0;
  if (p >= 1.0) return n;
  // Symmetry: draw the count of the rarer outcome, so that both algorithms see p <= 1/2.
  const bool flipped = p > 0.5;
  const double p_small = flipped ? 1.0 - p : p;
  const std::uint64_t k = static_cast<double>(n) * p_small < BINOMIAL_BTRS_MIN_MEAN
                              ? binomial_inversion(rng, n, p_small)
                              : binomial_btrs(rng, n, p_small);
  return flipped ? n - k : k;
}

}  // namespace detail

/// A Binomial(n, p) draw, exact in law. n must be at most 2^53, p in [0, 1].
inline std::uint64_t sample_binomial(RandomStream& rng, std::uint64_t n, double p) {
  if (n > detail::BINOMIAL_MAX_TRIALS) {
    detail::throw_domain_error("sample_binomial", "n", detail::format_argument(n),
                               "must be at most 2^53 (9007199254740992)");
  }
  detail::check_probability("sample_binomial", "p", p);
  return detail::binomial_unchecked(rng, n, p);
}

}  // namespace funnelsim::engine
