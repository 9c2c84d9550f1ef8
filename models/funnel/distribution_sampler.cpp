#include "models/funnel/distribution_sampler.hpp"

#include <algorithm>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>

namespace funnelsim::models {

DistributionSampler::DistributionSampler(const DistributionSpec& spec)
    : kind_(spec.kind),
      a_(spec.a),
      b_(spec.b),
      edges_(spec.edges),
      probabilities_(spec.probabilities) {
  if (kind_ == DistributionSpec::Kind::Gamma) gamma_ = engine::GammaSampler(a_, b_);
  if (kind_ == DistributionSpec::Kind::Empirical) bins_ = engine::AliasTable(probabilities_);
}

double DistributionSampler::survival(double x) const {
  using Kind = DistributionSpec::Kind;
  if (x < 0.0) return 1.0;
  switch (kind_) {
    case Kind::Fixed:
      return a_ > x ? 1.0 : 0.0;
    case Kind::Exponential:
      return std::exp(-x / a_);
    case Kind::Gamma:
      return boost::math::cdf(
          boost::math::complement(boost::math::gamma_distribution<>(a_, b_), x));
    case Kind::Lognormal:
      return x == 0.0 ? 1.0
                      : boost::math::cdf(boost::math::complement(
                            boost::math::lognormal_distribution<>(a_, b_), x));
    case Kind::Weibull:
      return std::exp(-std::pow(x / b_, a_));
    case Kind::Empirical: {
      double s = 0.0;
      for (std::size_t i = 0; i < probabilities_.size(); ++i) {
        const double lo = edges_[i], hi = edges_[i + 1];
        if (x < lo)
          s += probabilities_[i];
        else if (x < hi)
          s += probabilities_[i] * (hi - x) / (hi - lo);
      }
      return s;
    }
  }
  return 0.0;
}

double DistributionSampler::sample_above(engine::RandomStream& rng, double x) const {
  using Kind = DistributionSpec::Kind;
  const double s = survival(x);
  if (!(s > 0.0)) return x;
  if (x <= 0.0) return (*this)(rng);
  // Inversion: X | X > x has survival S(y) / S(x) for y > x, so draw S(X) = u S(x).
  const double p = rng.uniform_open01() * s;
  double y = x;
  switch (kind_) {
    case Kind::Fixed:
      y = a_;
      break;
    case Kind::Exponential:
      y = -a_ * std::log(p);
      break;
    case Kind::Gamma:
      y = boost::math::quantile(
          boost::math::complement(boost::math::gamma_distribution<>(a_, b_), p));
      break;
    case Kind::Lognormal:
      y = boost::math::quantile(
          boost::math::complement(boost::math::lognormal_distribution<>(a_, b_), p));
      break;
    case Kind::Weibull:
      y = b_ * std::pow(-std::log(p), 1.0 / a_);
      break;
    case Kind::Empirical: {
      // Walk the bins from the top, where the survival mass p lies.
      double above = 0.0;
      for (std::size_t i = probabilities_.size(); i-- > 0;) {
        const double lo = edges_[i], hi = edges_[i + 1];
        if (probabilities_[i] <= 0.0) continue;
        if (above + probabilities_[i] >= p) {
          y = hi - (p - above) / probabilities_[i] * (hi - lo);
          break;
        }
        above += probabilities_[i];
      }
      break;
    }
  }
  // Rounding in a quantile can land a hair below x; the law is unaffected.
  return std::max(y, x);
}

}  // namespace funnelsim::models
