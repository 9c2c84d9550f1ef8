// The standard normal sampler: a 256-layer ziggurat, one 64-bit draw in about 99% of calls.
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/uniform_bits.hpp"
#include "engine/sampling/ziggurat.hpp"

namespace funnelsim::engine {
namespace detail {

// r closes a 256-layer ziggurat under exp(-x^2/2); v = r f(r) + integral of f beyond r is the
// common layer area. Both were solved to 25 digits in decimal arithmetic (bisection on r until
// the top layer's recursion ends at f(0) = 1); they agree with Marsaglia & Tsang (2000) to the
// 11 digits those authors printed.
inline constexpr double NORMAL_ZIGGURAT_R = 3.654152885361008771645430;
inline constexpr double NORMAL_ZIGGURAT_V = 0.004928673233974655347361775;

// A function-local static rather than a namespace-scope one, so that a sampler called from
// another translation unit's static initialiser never sees unbuilt tables.
inline const ZigguratTables& normal_ziggurat() {
  static const ZigguratTables tables = make_ziggurat_tables(
      NORMAL_ZIGGURAT_R, NORMAL_ZIGGURAT_V, [](double x) { return std::exp(-0.5 * x * x); },
      [](double y) { return std::sqrt(-2.0 * std::log(y)); });
  return tables;
}

// Marsaglia (1964): for the normal tail beyond r, propose r + E/r with E exponential and accept
// with probability exp(-(E/r)^2 / 2), tested as 2 E' > (E/r)^2 with a second exponential E'.
[[gnu::noinline]] inline double normal_tail(RandomStream& rng, bool negative) {
  double x;
  double y;
  do {
    x = -std::log(open_uniform(rng())) / NORMAL_ZIGGURAT_R;
    y = -std::log(open_uniform(rng()));
  } while (2.0 * y < x * x);
  return negative ? -(NORMAL_ZIGGURAT_R + x) : NORMAL_ZIGGURAT_R + x;
}

// The whole ziggurat loop, entered with the output that missed the inner rectangles. Kept out of
// line so that the inline fast path needs no registers saved and no call setup.
[[gnu::noinline]] inline double normal_outside_rectangles(RandomStream& rng, std::uint64_t bits) {
  const ZigguratTables& zig = normal_ziggurat();
  for (;; bits = rng()) {
    // The layer comes from the low byte and the abscissa from the top 53 bits: disjoint bits,
    // so the two are independent.
    const double u = open_signed_uniform(bits);
    const std::size_t layer = bits & 0xFF;
    if (std::abs(u) < zig.inner_ratio[layer]) return u * zig.x[layer];
    if (layer == 0) return normal_tail(rng, u < 0.0);
    // Wedge: (x, y) is uniform on the part of the layer that sticks out past x[layer + 1].
    const double x = u * zig.x[layer];
    const double y = zig.f[layer] + rng.uniform01() * (zig.f[layer + 1] - zig.f[layer]);
    if (y < std::exp(-0.5 * x * x)) return x;
  }
}

}  // namespace detail

/// A standard normal draw (mean 0, variance 1), exact in law. About 99% of calls take one
/// generator output and end in the rectangle test below; the rest go out of line.
inline double sample_standard_normal(RandomStream& rng) {
  const detail::ZigguratTables& zig = detail::normal_ziggurat();
  const std::uint64_t bits = rng();
  const double u = detail::open_signed_uniform(bits);
  const std::size_t layer = bits & 0xFF;
  if (std::abs(u) < zig.inner_ratio[layer]) [[likely]]
    return u * zig.x[layer];
  return detail::normal_outside_rectangles(rng, bits);
}

}  // namespace funnelsim::engine
