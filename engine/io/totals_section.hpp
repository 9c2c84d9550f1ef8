// Summaries over groups of periods (quarters, the whole horizon), written after the periods.
#pragma once

#include <string>
#include <vector>

#include "engine/stats/period_aggregation.hpp"
#include "engine/stats/summary.hpp"

namespace funnelsim::engine {

/// Labels of the aggregated periods (e.g. "2027-Q1", ..., "total") and, per metric in cube
/// order, their statistics: typically summarise(aggregate_periods(cube, groups)).
struct TotalsSection {
  std::vector<std::string> period_labels;
  std::vector<PeriodStats> stats;
  /// Per metric in cube order, how its periods were combined; empty = all summed.
  std::vector<PeriodAggregation> rules;
};

/// "sum", "mean", "last", "ratio", "at_least" or "at_most", as written in the JSON output.
inline const char* aggregation_name(PeriodAggregation rule) {
  switch (rule) {
    case PeriodAggregation::Mean:
      return "mean";
    case PeriodAggregation::Last:
      return "last";
    case PeriodAggregation::Ratio:
      return "ratio";
    case PeriodAggregation::AtLeast:
      return "at_least";
    case PeriodAggregation::AtMost:
      return "at_most";
    case PeriodAggregation::Sum:
      break;
  }
  return "sum";
}

}  // namespace funnelsim::engine
