#include "engine/stats/quantile.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace funnelsim::engine {

QuantilePosition quantile_position(std::size_t n, double q) {
  if (n == 0) throw std::invalid_argument("quantile: no values, but at least one is needed");
  if (!(q >= 0.0 && q <= 1.0))  // also rejects NaN
    throw std::invalid_argument("quantile: q is " + std::to_string(q) +
                                ", but must be between 0 and 1");
  // numpy computes the virtual index as (n - 1) * q in double precision; so do we.
  const double h = static_cast<double>(n - 1) * q;
  QuantilePosition position;
  position.below = std::min(static_cast<std::size_t>(std::floor(h)), n - 1);
  position.above = std::min(position.below + 1, n - 1);
  position.fraction =
      position.above == position.below ? 0.0 : h - static_cast<double>(position.below);
  return position;
}

double interpolate_quantile(double below_value, double above_value, double fraction) {
  if (fraction == 0.0) return below_value;
  const double difference = above_value - below_value;
  // Interpolating from the nearer end keeps the result monotone in q and exact at both ends;
  // it is also the rounding numpy uses, which makes our numbers comparable bit for bit.
  if (fraction < 0.5) return below_value + difference * fraction;
  return above_value - difference * (1.0 - fraction);
}

double quantile_sorted(std::span<const double> sorted, double q) {
  const QuantilePosition position = quantile_position(sorted.size(), q);
  const auto unsorted = std::is_sorted_until(sorted.begin(), sorted.end());
  if (unsorted != sorted.end())
    throw std::invalid_argument("quantile_sorted: values are not in ascending order (value " +
                                std::to_string(*unsorted) + " at index " +
                                std::to_string(unsorted - sorted.begin()) + " follows " +
                                std::to_string(*(unsorted - 1)) + ")");
  return interpolate_quantile(sorted[position.below], sorted[position.above], position.fraction);
}

}  // namespace funnelsim::engine
