// Exact maps from one 64-bit generator output to uniforms on open intervals.
#pragma once

#include <cstdint>

namespace funnelsim::engine::detail {

/// Uniform on the open interval (0, 1): (k + 1/2) 2^-52 for k the top 52 bits of `bits`. k + 1/2
/// needs 53 significant bits, so the value is exact and never reaches 0 or 1 (a 53-bit k would
/// round k + 1/2 to even and could give exactly 1). Leaves the low 12 bits free.
inline double open_uniform(std::uint64_t bits) {
  return (static_cast<double>(static_cast<std::int64_t>(bits >> 12)) + 0.5) * 0x1.0p-52;
}

/// Uniform on the open interval (-1, 1), symmetric about 0: (j + 1/2) 2^-52 for j the top 53
/// bits of `bits` read as a signed integer in [-2^52, 2^52); exact, as |j| + 1/2 fits 53 bits.
/// Leaves the low 11 bits free.
inline double open_signed_uniform(std::uint64_t bits) {
  return (static_cast<double>(static_cast<std::int64_t>(bits) >> 11) + 0.5) * 0x1.0p-52;
}

}  // namespace funnelsim::engine::detail
