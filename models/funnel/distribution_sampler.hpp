// Draws from a scenario DistributionSpec (delays in days, deal values in dollars).
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/samplers.hpp"
#include "models/scenario/distribution_spec.hpp"

namespace funnelsim::models {

/// Precomputes what each draw needs (gamma constants, the empirical alias table) so that
/// operator() is a switch and one engine sampler: it runs once per lead per transition.
///
/// Tested by tests/models/distribution_sampler_test.cpp (against Boost.Math).
class DistributionSampler {
 public:
  DistributionSampler() : DistributionSampler(DistributionSpec{}) {}
  explicit DistributionSampler(const DistributionSpec& spec);

  double operator()(engine::RandomStream& rng) const {
    using Kind = DistributionSpec::Kind;
    switch (kind_) {
      case Kind::Fixed:
        return a_;
      case Kind::Exponential:
        return a_ * engine::detail::standard_exponential(rng);
      case Kind::Gamma:
        return gamma_(rng);
      case Kind::Lognormal:
        return std::exp(a_ + b_ * engine::sample_standard_normal(rng));
      case Kind::Weibull:
        return b_ * std::pow(engine::detail::standard_exponential(rng), 1.0 / a_);
      case Kind::Empirical: {
        const std::size_t bin = bins_(rng);
        return edges_[bin] + rng.uniform01() * (edges_[bin + 1] - edges_[bin]);
      }
    }
    return a_;
  }

  /// P(X > x).
  double survival(double x) const;

  /// A draw of X conditional on X > x, by exact inversion of the survival function. When
  /// P(X > x) is 0 (a fixed delay already exceeded, say) it returns x: the event is overdue
  /// and happens at once. Slow (Boost.Math quantiles): for the starting funnel only.
  double sample_above(engine::RandomStream& rng, double x) const;

  DistributionSpec::Kind kind() const { return kind_; }

 private:
  DistributionSpec::Kind kind_;
  double a_ = 0.0;
  double b_ = 0.0;
  engine::GammaSampler gamma_{1.0, 1.0};
  engine::AliasTable bins_;
  std::vector<double> edges_;
  std::vector<double> probabilities_;
};

}  // namespace funnelsim::models
