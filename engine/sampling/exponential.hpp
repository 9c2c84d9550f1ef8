// The exponential sampler: a 256-layer ziggurat, one 64-bit draw in about 99% of calls.
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/argument_checks.hpp"
#include "engine/sampling/uniform_bits.hpp"
#include "engine/sampling/ziggurat.hpp"

namespace funnelsim::engine {
namespace detail {

// r closes a 256-layer ziggurat under exp(-x); v = (r + 1) exp(-r). Solved to 25 digits in
// decimal arithmetic; they agree with Marsaglia & Tsang (2000) to all 18 digits printed there.
inline constexpr double EXPONENTIAL_ZIGGURAT_R = 7.697117470131049714044628;
inline constexpr double EXPONENTIAL_ZIGGURAT_V = 0.003949659822581557219977572;

inline const ZigguratTables& exponential_ziggurat() {
  static const ZigguratTables tables = make_ziggurat_tables(
      EXPONENTIAL_ZIGGURAT_R, EXPONENTIAL_ZIGGURAT_V, [](double x) { return std::exp(-x); },
      [](double y) { return -std::log(y); });
  return tables;
}

// The whole ziggurat loop, entered with the output that missed the inner rectangles; out of line
// for the same reason as the normal's.
[[gnu::noinline]] inline double exponential_outside_rectangles(RandomStream& rng,
                                                               std::uint64_t bits) {
  const ZigguratTables& zig = exponential_ziggurat();
  // The exponential is memoryless: a draw beyond r is r plus a fresh draw, so the tail needs no
  // special algorithm, only this running offset.
  double offset = 0.0;
  for (;; bits = rng()) {
    const double u = open_uniform(bits);
    const std::size_t layer = bits & 0xFF;
    if (u < zig.inner_ratio[layer]) return offset + u * zig.x[layer];
    if (layer == 0) {
      offset += EXPONENTIAL_ZIGGURAT_R;
      continue;
    }
    const double x = u * zig.x[layer];
    const double y = zig.f[layer] + rng.uniform01() * (zig.f[layer + 1] - zig.f[layer]);
    if (y < std::exp(-x)) return offset + x;
  }
}

/// A unit-mean exponential draw, strictly positive. Unchecked: the building block of the
/// Weibull sampler and of callers with a rate already validated.
inline double standard_exponential(RandomStream& rng) {
  const ZigguratTables& zig = exponential_ziggurat();
  const std::uint64_t bits = rng();
  const double u = open_uniform(bits);
  const std::size_t layer = bits & 0xFF;
  if (u < zig.inner_ratio[layer]) [[likely]]
    return u * zig.x[layer];
  return exponential_outside_rectangles(rng, bits);
}

}  // namespace detail

/// An exponential draw with the given mean (> 0), exact in law and strictly positive.
inline double sample_exponential(RandomStream& rng, double mean) {
  detail::check_positive_finite("sample_exponential", "mean", mean);
  return mean * detail::standard_exponential(rng);
}

}  // namespace funnelsim::engine
