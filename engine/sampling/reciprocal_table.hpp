// 1/k for small k, so that the inversion samplers' search loops multiply instead of divide.
#pragma once

#include <array>
#include <cstddef>

namespace funnelsim::engine::detail {

/// RECIPROCALS[k] = 1/k for 1 <= k < 128 (entry 0 unused). Computed at compile time, where IEEE
/// division is correctly rounded, so the table is the same on every platform.
inline constexpr std::array<double, 128> RECIPROCALS = [] {
  std::array<double, 128> table{};
  for (std::size_t k = 1; k < table.size(); ++k) table[k] = 1.0 / static_cast<double>(k);
  return table;
}();

}  // namespace funnelsim::engine::detail
