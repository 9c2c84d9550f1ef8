#include "engine/stats/forecast_scores.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/stats/neumaier_sum.hpp"
#include "engine/stats/quantile.hpp"

namespace funnelsim::engine {

double crps_ensemble(std::span<const double> samples, double y) {
  if (samples.empty()) throw std::invalid_argument("crps_ensemble: the ensemble is empty");
  if (!std::isfinite(y))
    throw std::invalid_argument("crps_ensemble: the outcome is " + std::to_string(y) +
                                ", but must be finite");
  std::vector<double> x(samples.begin(), samples.end());
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]))
      throw std::invalid_argument("crps_ensemble: member " + std::to_string(i) + " is " +
                                  std::to_string(x[i]) + ", but must be finite");
  std::sort(x.begin(), x.end());

  const std::size_t n = x.size();
  const double nn = static_cast<double>(n);
  NeumaierSum total;
  // Outside the ensemble's range F - 1{t >= y} is -1 (below x_(1), right of y) or 1.
  if (y < x.front()) total.add(x.front() - y);
  if (y > x.back()) total.add(y - x.back());
  // Between x_(i) and x_(i+1) the empirical distribution is F = i / n (1-based i).
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const double lo = x[i], hi = x[i + 1];
    if (hi == lo) continue;
    const double f = static_cast<double>(i + 1) / nn;
    const double below = f * f, above = (1.0 - f) * (1.0 - f);
    if (hi <= y) {
      total.add((hi - lo) * below);
    } else if (lo >= y) {
      total.add((hi - lo) * above);
    } else {
      total.add((y - lo) * below);
      total.add((hi - y) * above);
    }
  }
  return total.value();
}

bool covers(std::span<const double> sorted_samples, double y, double level) {
  if (!(level >= 0.0 && level <= 1.0))  // also rejects NaN
    throw std::invalid_argument("covers: level is " + std::to_string(level) +
                                ", but must be between 0 and 1");
  const auto decimals12 = [](double q) { return std::round(q * 1e12) / 1e12; };
  const double lo = quantile_sorted(sorted_samples, decimals12(0.5 * (1.0 - level)));
  const double hi = quantile_sorted(sorted_samples, decimals12(0.5 * (1.0 + level)));
  return lo <= y && y <= hi;
}

}  // namespace funnelsim::engine
