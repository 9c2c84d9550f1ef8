// Layer tables for 256-layer ziggurat samplers of decreasing densities (normal, exponential).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace funnelsim::engine::detail {

/// The ziggurat of Marsaglia & Tsang (2000), in the layout of Doornik (2005, "An improved
/// ziggurat method to generate normal random samples"): 256 layers of equal area `v` under an
/// unnormalised decreasing density f, the base layer holding the tail beyond `r`.
///
/// The method is exact in law for any table that keeps the layer areas equal, because the
/// wedge and tail tests use the true f; the table only decides how often they run. Built in
/// doubles, the areas are equal to about 1e-13 relative (the top layer, which absorbs the
/// recursion's rounding, was checked), far below what any sample can show.
/// The tables are computed once with std::exp/log/sqrt, so draws are bit-reproducible for a
/// given libm (glibc is what we pin against); a different libm may move a table entry by an
/// ulp and, with it, a rare draw.
struct ZigguratTables {
  static constexpr std::size_t LAYERS = 256;
  /// x[i] is the right edge of layer i: x[0] = v / f(r) (the base layer's width if its tail
  /// were a rectangle), x[1] = r, decreasing to x[LAYERS] = 0 at the mode.
  std::array<double, LAYERS + 1> x;
  /// f[i] = f(x[i]); layer i spans heights f[i] to f[i + 1].
  std::array<double, LAYERS + 1> f;
  /// x[i + 1] / x[i]: the share of layer i that lies wholly under the curve, where a draw is
  /// accepted with no further test (about 99% of draws for both densities).
  std::array<double, LAYERS> inner_ratio;
};

/// Builds the tables from r and v that close the ziggurat (the top layer's recursion ends at
/// f = f(0) to within rounding). `density` is f, `inverse_density` its inverse on (0, f(0)].
template <class Density, class InverseDensity>
ZigguratTables make_ziggurat_tables(double r, double v, Density density,
                                    InverseDensity inverse_density) {
  ZigguratTables t{};
  constexpr std::size_t n = ZigguratTables::LAYERS;
  t.f[1] = density(r);
  t.x[0] = v / t.f[1];
  t.f[0] = 0.0;  // never read: layer 0 has no wedge, its overflow is the tail
  t.x[1] = r;
  for (std::size_t i = 2; i < n; ++i) {
    // Layer i - 1 spans [0, x[i-1]] x [f(x[i-1]), f(x[i])] and must have area v.
    t.x[i] = inverse_density(v / t.x[i - 1] + t.f[i - 1]);
    t.f[i] = density(t.x[i]);
  }
  t.x[n] = 0.0;
  t.f[n] = density(0.0);
  for (std::size_t i = 0; i < n; ++i) t.inner_ratio[i] = t.x[i + 1] / t.x[i];
  return t;
}

}  // namespace funnelsim::engine::detail
