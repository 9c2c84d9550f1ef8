// The beta sampler: X / (X + Y) for independent gammas, in log space when a shape is below 1.
#pragma once

#include <cmath>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/argument_checks.hpp"
#include "engine/sampling/gamma_sampler.hpp"

namespace funnelsim::engine {

/// A Beta(alpha, beta) draw in [0, 1], exact in law.
///
/// X ~ Gamma(alpha), Y ~ Gamma(beta) give X / (X + Y) ~ Beta(alpha, beta). For shapes below 1
/// the boosted gamma draws are tiny (U^(1/a)) and can underflow to 0, turning the ratio into
/// 0/0; there the ratio is formed from the logs as 1 / (1 + exp(log Y - log X)), which is
/// always defined. Results of exactly 0 or 1 can still occur when the true value is closer to
/// them than a double resolves.
inline double sample_beta(RandomStream& rng, double alpha, double beta) {
  detail::check_positive_finite("sample_beta", "alpha", alpha);
  detail::check_positive_finite("sample_beta", "beta", beta);
  const GammaSampler x(alpha, 1.0);
  const GammaSampler y(beta, 1.0);
  if (alpha >= 1.0 && beta >= 1.0) {
    const double gx = x(rng);
    return gx / (gx + y(rng));
  }
  const double log_x = x.log_unit_draw(rng);
  const double log_y = y.log_unit_draw(rng);
  return 1.0 / (1.0 + std::exp(log_y - log_x));
}

}  // namespace funnelsim::engine
