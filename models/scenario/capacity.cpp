#include "models/scenario/capacity.hpp"

#include <algorithm>
#include <cmath>

namespace funnelsim::models {

double DecayCurve::operator()(double wait_minutes) const {
  // A negative (or NaN) wait is no wait at all.
  const double wait = wait_minutes > 0.0 ? wait_minutes : 0.0;
  switch (kind) {
    case Kind::None:
      return 1.0;
    case Kind::HalfLife:
      return std::exp2(-wait / half_life_minutes);
    case Kind::Points: {
      if (points.empty()) return 1.0;
      if (wait <= points.front().first) return points.front().second;
      if (wait >= points.back().first) return points.back().second;
      // The first point strictly after `wait`; the one before it is at or before `wait`.
      const auto next = std::upper_bound(
          points.begin(), points.end(), wait,
          [](double w, const std::pair<double, double>& point) { return w < point.first; });
      const auto& [x1, y1] = *next;
      const auto& [x0, y0] = *(next - 1);
      return y0 + (y1 - y0) * (wait - x0) / (x1 - x0);
    }
  }
  return 1.0;
}

}  // namespace funnelsim::models
