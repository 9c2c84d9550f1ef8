// log k! for the Poisson and binomial rejection tests: Stirling's formula with its remainder.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>

namespace funnelsim::engine::detail {

/// log(sqrt(2 pi)).
inline constexpr double HALF_LOG_TWO_PI = 0.91893853320467274178;

/// fc(k) = log k! - [log sqrt(2 pi) + (k + 1/2) log(k + 1) - (k + 1)], the correction term of
/// Hoermann (1993). Tabulated for k < 16 (values computed in 50-digit decimal arithmetic); above,
/// the Stirling series in n = k + 1 up to 1/(1188 n^9), whose truncation error is below 6e-17 for
/// k >= 16. `k` is a non-negative integer held in a double.
inline double stirling_tail(double k) {
  static constexpr double TABLE[16] = {
      0.08106146679532726,  0.0413406959554093,    0.02767792568499834,  0.020790672103765093,
      0.016644691189821193, 0.013876128823070748,  0.01189670994589177,  0.010411265261972096,
      0.009255462182712733, 0.00833056343336287,   0.007573675487951841, 0.00694284010720953,
      0.006408994188004207, 0.0059513701127588475, 0.005554733551962801, 0.0052076559196096404};
  if (k < 16.0) return TABLE[static_cast<int>(k)];
  const double inv_n = 1.0 / (k + 1.0);
  const double inv_n2 = inv_n * inv_n;
  return inv_n *
         (1.0 / 12.0 -
          inv_n2 * (1.0 / 360.0 -
                    inv_n2 * (1.0 / 1260.0 - inv_n2 * (1.0 / 1680.0 - inv_n2 * (1.0 / 1188.0)))));
}

/// Arguments below this are looked up in log_factorial_table().
inline constexpr std::size_t LOG_FACTORIAL_TABLE_SIZE = 1024;

/// log k! for k < LOG_FACTORIAL_TABLE_SIZE, so that the rejection tests of PTRS and BTRS need no
/// log for small arguments (a funnel's daily counts mostly are). Each entry is the same Stirling
/// expression the large-argument path evaluates, accurate to a few ulp; built once on first
/// use (a function-local static, so safe from static-initialisation order).
inline const std::array<double, LOG_FACTORIAL_TABLE_SIZE>& log_factorial_table() {
  static const std::array<double, LOG_FACTORIAL_TABLE_SIZE> table = [] {
    std::array<double, LOG_FACTORIAL_TABLE_SIZE> t{};
    for (std::size_t k = 0; k < t.size(); ++k) {
      const double x = static_cast<double>(k);
      t[k] = HALF_LOG_TWO_PI + (x + 0.5) * std::log(x + 1.0) - (x + 1.0) + stirling_tail(x);
    }
    return t;
  }();
  return table;
}

}  // namespace funnelsim::engine::detail
