// Summaries over groups of periods (quarters, the whole horizon), written after the periods.
#pragma once

#include <string>
#include <vector>

#include "engine/stats/summary.hpp"

namespace funnelsim::engine {

/// Labels of the aggregated periods (e.g. "2027-Q1", ..., "total") and, per metric in cube
/// order, their statistics: typically summarise(aggregate_periods(cube, groups)).
struct TotalsSection {
  std::vector<std::string> period_labels;
  std::vector<PeriodStats> stats;
};

}  // namespace funnelsim::engine
