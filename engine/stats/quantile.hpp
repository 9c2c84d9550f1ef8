// Sample quantiles by linear interpolation ("type 7", numpy's default np.percentile).
#pragma once

#include <cstddef>
#include <span>

namespace funnelsim::engine {

/// Where quantile q of n sorted values lies: between order statistics `below` and `above`
/// (0-based), `fraction` of the way from one to the other. Type 7 of Hyndman & Fan (1996):
/// h = (n - 1) q, below = floor(h), above = min(below + 1, n - 1), fraction = h - below.
/// Throws std::invalid_argument if n == 0 or q is not in [0, 1].
struct QuantilePosition {
  std::size_t below = 0;
  std::size_t above = 0;
  double fraction = 0.0;
};
QuantilePosition quantile_position(std::size_t n, double q);

/// The value `fraction` of the way from `below_value` to `above_value`, rounded exactly as
/// numpy 1.22+ does (`_lerp`: from below when fraction < 0.5, back from above otherwise), so
/// our quantiles equal numpy's bit for bit on the same data.
double interpolate_quantile(double below_value, double above_value, double fraction);

/// Quantile q in [0, 1] of `sorted` (ascending), type 7: for 1..10, q = 0.1 gives 1.9 and
/// q = 0.5 gives 5.5. Throws std::invalid_argument if `sorted` is empty, q is outside [0, 1]
/// or NaN, or `sorted` is not in ascending order (checked, O(n): callers that have just
/// sorted and need many quantiles use quantile_position and interpolate_quantile directly).
///
/// Tested by tests/engine/quantile_test.cpp (hand-derived values and numpy's own output).
double quantile_sorted(std::span<const double> sorted, double q);

}  // namespace funnelsim::engine
