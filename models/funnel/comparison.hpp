// Paired what-if runs: two scenarios (or one scenario at several settings) simulated on the
// same random numbers, and the differences between them.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "engine/stats/paired_difference.hpp"
#include "models/funnel/forecast.hpp"

namespace funnelsim::models {

/// A base and a variant forecast of the same replications (same seed, same replication
/// indices, so replication i of both starts from the same random streams), and for every
/// metric both have, the paired difference variant - base per month and per total label.
///
/// Common random numbers reach stage by stage: every (stage or transition, source) pair
/// draws from its own stream, so a change to a late stage leaves the early stages' numbers,
/// and their metrics, bit-identical.
struct Comparison {
  Forecast base;
  Forecast variant;
  std::vector<std::string> metrics;                  ///< in both, in the base's order
  std::vector<std::array<std::size_t, 2>> index;     ///< per metric: base index, variant index
  std::vector<std::string> only_base, only_variant;  ///< metrics one scenario lacks
  std::vector<engine::DifferenceStats> monthly;      ///< per metric, over the months
  std::vector<engine::DifferenceStats> totals;       ///< per metric, over total_labels
};

/// Pairs two finished forecasts. Throws std::invalid_argument if their months or
/// replication counts differ (they cannot be paired).
Comparison pair_forecasts(Forecast base, Forecast variant);

}  // namespace funnelsim::models
