// The gamma sampler (Marsaglia & Tsang 2000), with its constants precomputed for hot loops.
#pragma once

#include <cmath>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/argument_checks.hpp"
#include "engine/sampling/exponential.hpp"
#include "engine/sampling/standard_normal.hpp"
#include "engine/sampling/uniform_bits.hpp"

namespace funnelsim::engine {

/// Gamma(shape, scale) draws, mean shape * scale, exact in law.
///
/// Marsaglia & Tsang (2000, "A simple method for generating gamma variables", ACM TOMS 26):
/// for shape a >= 1, d (1 + c Z)^3 with d = a - 1/3 and c = 1 / sqrt(9 d) is accepted in at
/// least 95% of tries (more as a grows), mostly by a squeeze that needs no log. For a < 1 the
/// same paper's boost applies: Gamma(a) = Gamma(a + 1) * U^(1/a).
///
/// Shapes 1/2, 1, 3/2, ..., 3 (delays written as `shape: 2` are common) are drawn instead as a
/// sum of standard exponentials plus Z^2 / 2 for the half: exact (Gamma(k) is a sum of k unit
/// exponentials, Gamma(1/2) is chi-square(1) / 2) and about twice as fast as the rejection
/// method with the ziggurat samplers, up to three terms.
///
/// Tested by tests/engine/samplers_test.cpp (chi-square against Boost.Math, pinned draws).
class GammaSampler {
 public:
  GammaSampler(double shape, double scale) : shape_(shape), scale_(scale) {
    detail::check_positive_finite("GammaSampler", "shape", shape);
    detail::check_positive_finite("GammaSampler", "scale", scale);
    const double twice = 2.0 * shape;
    if (shape <= 3.0 && twice == std::floor(twice)) {
      exponentials_ = static_cast<int>(shape);
      half_ = static_cast<int>(twice) % 2 == 1;
    }
    boosted_ = shape < 1.0;
    d_ = (boosted_ ? shape + 1.0 : shape) - 1.0 / 3.0;
    c_ = 1.0 / std::sqrt(9.0 * d_);
    inverse_shape_ = 1.0 / shape;
  }

  double operator()(RandomStream& rng) const {
    if (exponentials_ > 0 || half_) {
      double x = 0.0;
      if (half_) {
        const double z = sample_standard_normal(rng);
        x = 0.5 * z * z;
      }
      for (int i = 0; i < exponentials_; ++i) x += detail::standard_exponential(rng);
      return scale_ * x;
    }
    const double unit = unit_scale_draw(rng);
    if (!boosted_) return scale_ * unit;
    // exp(log U / a) rather than pow keeps the libm functions the draws depend on to
    // exp/log/log1p/sqrt.
    return scale_ * unit * std::exp(std::log(detail::open_uniform(rng())) * inverse_shape_);
  }

  /// log of a Gamma(shape, 1) draw, which stays finite where the draw itself would underflow to
  /// 0 (shape well below 1); the Beta sampler needs that.
  double log_unit_draw(RandomStream& rng) const {
    const double log_unit = std::log(unit_scale_draw(rng));
    if (!boosted_) return log_unit;
    return log_unit + std::log(detail::open_uniform(rng())) * inverse_shape_;
  }

  double shape() const { return shape_; }
  double scale() const { return scale_; }

 private:
  // A Gamma(d + 1/3, 1) draw, i.e. Gamma(shape) or, when boosted, Gamma(shape + 1).
  double unit_scale_draw(RandomStream& rng) const {
    for (;;) {
      const double z = sample_standard_normal(rng);
      const double t = 1.0 + c_ * z;
      if (t <= 0.0) continue;  // outside the transformation's range: probability < 0.8%
      const double v = t * t * t;
      const double u = rng.uniform01();
      const double z2 = z * z;
      // The squeeze 1 - 0.0331 z^4 avoids both logs in most tries.
      if (u < 1.0 - 0.0331 * z2 * z2) return d_ * v;
      if (std::log(u) < 0.5 * z2 + d_ * (1.0 - v + std::log(v))) return d_ * v;
    }
  }

  double shape_;
  double scale_;
  bool boosted_ = false;
  int exponentials_ = 0;  ///< > 0 or half_: the sum-of-exponentials path
  bool half_ = false;
  double d_ = 0.0;
  double c_ = 0.0;
  double inverse_shape_ = 0.0;
};

/// One Gamma(shape, scale) draw; build a GammaSampler instead when the parameters repeat.
inline double sample_gamma(RandomStream& rng, double shape, double scale) {
  detail::check_positive_finite("sample_gamma", "shape", shape);
  detail::check_positive_finite("sample_gamma", "scale", scale);
  return GammaSampler(shape, scale)(rng);
}

}  // namespace funnelsim::engine
