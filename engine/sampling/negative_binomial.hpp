// The negative binomial sampler, as the Poisson-gamma mixture.
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/argument_checks.hpp"
#include "engine/sampling/gamma_sampler.hpp"
#include "engine/sampling/poisson.hpp"

namespace funnelsim::engine {

/// A negative binomial draw parametrised by its mean and size r (the dispersion):
/// variance = mean + mean^2 / r, and r -> infinity tends to Poisson(mean). Exact in law as the
/// mixture Poisson(L) with L ~ Gamma(r, mean / r). Mean must be in [0, 1e15], size positive.
inline std::uint64_t sample_negative_binomial(RandomStream& rng, double mean, double size) {
  if (!(mean >= 0.0 && mean <= detail::POISSON_MAX_MEAN)) {
    detail::throw_domain_error("sample_negative_binomial", "mean", detail::format_argument(mean),
                               "must be non-negative, finite and at most 1e15");
  }
  detail::check_positive_finite("sample_negative_binomial", "size", size);
  if (mean == 0.0) return 0;
  if (size >= 1.0) return detail::poisson_unchecked(rng, GammaSampler(size, mean / size)(rng));
  // Below size 1, mean / size can overflow and the boosted gamma draw can underflow; the log
  // of the rate stays finite, and exp() then saturates to 0 or infinity as the true value does.
  const double log_rate =
      GammaSampler(size, 1.0).log_unit_draw(rng) + std::log(mean) - std::log(size);
  return detail::poisson_unchecked(rng, std::exp(log_rate));
}

}  // namespace funnelsim::engine
