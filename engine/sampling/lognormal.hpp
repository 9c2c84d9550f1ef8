// The lognormal sampler: exp(mu + sigma Z).
#pragma once

#include <cmath>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/argument_checks.hpp"
#include "engine/sampling/standard_normal.hpp"

namespace funnelsim::engine {

/// A draw whose logarithm is Normal(mu, sigma^2); median exp(mu), mean exp(mu + sigma^2 / 2).
inline double sample_lognormal(RandomStream& rng, double mu, double sigma) {
  detail::check_finite("sample_lognormal", "mu", mu);
  detail::check_positive_finite("sample_lognormal", "sigma", sigma);
  return std::exp(mu + sigma * sample_standard_normal(rng));
}

}  // namespace funnelsim::engine
