// The Weibull sampler: scale * E^(1/shape) with E a unit exponential.
#pragma once

#include <cmath>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/argument_checks.hpp"
#include "engine/sampling/exponential.hpp"

namespace funnelsim::engine {

/// A Weibull(shape k, scale lambda) draw: P(X > x) = exp(-(x / lambda)^k). If E is a unit
/// exponential, lambda E^(1/k) has exactly that survival function; the ziggurat exponential is
/// cheaper than inverting a uniform with a log.
inline double sample_weibull(RandomStream& rng, double shape, double scale) {
  detail::check_positive_finite("sample_weibull", "shape", shape);
  detail::check_positive_finite("sample_weibull", "scale", scale);
  return scale * std::exp(std::log(detail::standard_exponential(rng)) / shape);
}

}  // namespace funnelsim::engine
