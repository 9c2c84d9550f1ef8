#include "models/scenario/distribution_spec.hpp"

#include <cmath>

namespace funnelsim::models {

double DistributionSpec::mean() const {
  switch (kind) {
    case Kind::Fixed:
    case Kind::Exponential:
      return a;
    case Kind::Gamma:
      return a * b;
    case Kind::Lognormal:
      return std::exp(a + 0.5 * b * b);
    case Kind::Weibull:
      return b * std::tgamma(1.0 + 1.0 / a);
    case Kind::Empirical: {
      double m = 0.0;
      for (std::size_t i = 0; i < probabilities.size(); ++i)
        m += probabilities[i] * 0.5 * (edges[i] + edges[i + 1]);
      return m;
    }
  }
  return 0.0;
}

}  // namespace funnelsim::models
