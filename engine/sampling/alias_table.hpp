// Walker's alias method (in Vose's construction) for categorical draws in O(1).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/argument_checks.hpp"

namespace funnelsim::engine {
namespace detail {

struct Product128 {
  std::uint64_t high;
  std::uint64_t low;
};

/// The full 128-bit product a * b, the same on every platform.
inline Product128 multiply_wide(std::uint64_t a, std::uint64_t b) {
#if defined(__SIZEOF_INT128__)
  __extension__ typedef unsigned __int128 Uint128;
  const Uint128 product = static_cast<Uint128>(a) * b;
  return {static_cast<std::uint64_t>(product >> 64), static_cast<std::uint64_t>(product)};
#else
  const std::uint64_t a_lo = a & 0xFFFFFFFFu, a_hi = a >> 32;
  const std::uint64_t b_lo = b & 0xFFFFFFFFu, b_hi = b >> 32;
  const std::uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi;
  const std::uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xFFFFFFFFu) + lo_hi;
  return {a_hi * b_hi + (hi_lo >> 32) + (cross >> 32), (cross << 32) | (lo_lo & 0xFFFFFFFFu)};
#endif
}

}  // namespace detail

/// Draws category i with probability weights[i] / sum(weights) at O(1) cost: one generator
/// output, one multiply and one table lookup (Walker 1977; construction after Vose 1991).
///
/// The table is built in integer arithmetic: each slot holds 2^32 units of probability and the
/// weights are quantised so that all slots together hold exactly size() * 2^32 units (from
/// rounded prefix sums, so each probability moves by at most about one unit, 2^-32 / size()).
/// Exact integer bookkeeping means every slot closes exactly, a category of weight 0 gets 0
/// units and is never an alias, so it is never drawn, and the table is bit-identical on every
/// platform. A draw uses the high half of output * size() as the slot and the next 32 bits as
/// the uniform that picks between the slot's owner and its alias (Lemire 2019); both carry a
/// bias below size() / 2^64.
///
/// Tested by tests/engine/samplers_test.cpp (chi-square against the weights, zero weights).
class AliasTable {
 public:
  /// Largest number of categories: keeps size() * 2^32 units below 2^63.
  static constexpr std::size_t MAX_SIZE = (std::size_t{1} << 31) - 1;

  AliasTable() = default;

  /// Weights must be finite and non-negative with a positive, finite sum; 1 to MAX_SIZE of them.
  explicit AliasTable(std::span<const double> weights) {
    constexpr const char* function = "AliasTable";
    if (weights.empty() || weights.size() > MAX_SIZE) {
      detail::throw_domain_error(
          function, "weights.size()",
          detail::format_argument(static_cast<std::uint64_t>(weights.size())),
          "must be between 1 and 2147483647");
    }
    double total = 0.0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (!(weights[i] >= 0.0 && weights[i] < HUGE_VAL)) {
        detail::throw_domain_error(function, "weights[" + std::to_string(i) + "]",
                                   detail::format_argument(weights[i]),
                                   "must be non-negative and finite");
      }
      total += weights[i];
    }
    if (!(total > 0.0 && total < HUGE_VAL)) {
      detail::throw_domain_error(function, "sum(weights)", detail::format_argument(total),
                                 "must be positive and finite");
    }
    build(weights, total);
  }

  /// Precondition: size() > 0 (a default-constructed table has no categories).
  std::size_t operator()(RandomStream& rng) const {
    const detail::Product128 product = detail::multiply_wide(rng(), slots_.size());
    const std::uint64_t owner = product.high;
    const Slot slot = slots_[owner];
    // Branch-free select: which of owner and alias wins is a coin flip the predictor cannot
    // learn, and a mispredicted branch would cost more than the rest of the draw.
    const std::uint64_t take_alias = 0 - std::uint64_t{(product.low >> 32) >= slot.threshold};
    return owner ^ ((owner ^ slot.alias) & take_alias);
  }

  std::size_t size() const { return slots_.size(); }

 private:
  static constexpr std::uint64_t UNITS_PER_SLOT = std::uint64_t{1} << 32;

  struct Slot {
    // Units of the slot that belong to its owner; a full slot (2^32 units) stores 2^32 - 1 with
    // itself as alias, which gives the same draw.
    std::uint32_t threshold;
    std::uint32_t alias;
  };

  void build(std::span<const double> weights, double total) {
    const std::size_t n = weights.size();
    const std::uint64_t total_units = n * UNITS_PER_SLOT;
    const double total_units_d = static_cast<double>(total_units);  // exact: n < 2^31
    // units[i] = round(prefix_i / total * total_units) - round(prefix_{i-1} / ...): a monotone
    // rounding of the prefix sums, so units are never negative, a zero weight gets none, and
    // they add up to total_units exactly.
    std::vector<std::uint64_t> units(n);
    double prefix = 0.0;
    std::uint64_t previous = 0;
    for (std::size_t i = 0; i < n; ++i) {
      prefix += weights[i];
      const double scaled = prefix / total * total_units_d + 0.5;
      std::uint64_t cumulative =
          scaled < total_units_d ? static_cast<std::uint64_t>(scaled) : total_units;
      if (i + 1 == n) cumulative = total_units;
      units[i] = cumulative - previous;
      previous = cumulative;
    }
    // Vose: pair each under-full slot with an over-full category that tops it up. The integer
    // invariant "unassigned units = unassigned slots * 2^32" makes the leftovers exactly full.
    slots_.assign(n, Slot{0, 0});
    std::vector<std::uint32_t> small;
    std::vector<std::uint32_t> large;
    for (std::size_t i = 0; i < n; ++i) {
      (units[i] < UNITS_PER_SLOT ? small : large).push_back(static_cast<std::uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const std::uint32_t s = small.back();
      small.pop_back();
      const std::uint32_t l = large.back();
      slots_[s] = Slot{static_cast<std::uint32_t>(units[s]), l};
      units[l] -= UNITS_PER_SLOT - units[s];
      if (units[l] < UNITS_PER_SLOT) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (const std::uint32_t i : large) slots_[i] = Slot{0xFFFFFFFFu, i};
    for (const std::uint32_t i : small) slots_[i] = Slot{0xFFFFFFFFu, i};  // unreachable
  }

  std::vector<Slot> slots_;
};

}  // namespace funnelsim::engine
