// Sums (or means, or last values) of periods per replication (quarters, horizon totals) as
// a new result cube.
#pragma once

#include <cstddef>
#include <vector>

#include "engine/stats/result_cube.hpp"

namespace funnelsim::engine {

/// A cube with one period per group: its period g holds, for every replication and metric,
/// the sum of that replication's values over the periods listed in groups[g] (in the listed
/// order, compensated, so the sum is deterministic; sums of integers below 2^53 are exact).
/// Summing per replication before taking quantiles is what makes a quarter's p90 the p90 of
/// the quarter's total, which the sum of three monthly p90s is not. Metric names and order
/// are kept. An empty group gives 0. A period may appear in several groups (a quarter and
/// the whole horizon, say).
///
/// Throws std::out_of_range naming the group and the period if a period index is not in the
/// cube.
///
/// Tested by tests/engine/period_aggregation_test.cpp.
ResultCube aggregate_periods(const ResultCube& cube,
                             const std::vector<std::vector<std::size_t>>& groups);

/// How a metric's periods combine into a group: counts and dollars add up; levels such as
/// a utilisation or a share are averaged over the group's periods (each period weighs the
/// same); stocks such as a month-end backlog take the group's last listed period.
/// Derived metrics (see the overload taking `derived`): a Ratio such as a cost per lead is
/// the group's sum of its numerator metric over the sum of its denominator metric (0 when
/// that is 0); AtLeast / AtMost (a target met) is 1 when another metric, combined over the
/// group by its own rule, is at least / at most a target (times the number of periods when
/// that metric sums), else 0.
enum class PeriodAggregation { Sum, Mean, Last, Ratio, AtLeast, AtMost };

/// What a derived metric is derived from: Ratio: a / b; AtLeast and AtMost: metric a against
/// `target` per period.
struct PeriodDerivation {
  std::size_t a = 0;
  std::size_t b = 0;
  double target = 0.0;
};

/// As above, with a rule per metric (`rules.size()` must equal the cube's metric count;
/// throws std::invalid_argument otherwise). An empty group gives 0 under every rule.
ResultCube aggregate_periods(const ResultCube& cube,
                             const std::vector<std::vector<std::size_t>>& groups,
                             const std::vector<PeriodAggregation>& rules);

/// As above, with derived metrics: derived[metric] says what a Ratio, AtLeast or AtMost metric
/// is derived from (the parts must not be derived metrics themselves). Throws
/// std::invalid_argument if a derived metric's parts are missing or out of range.
ResultCube aggregate_periods(const ResultCube& cube,
                             const std::vector<std::vector<std::size_t>>& groups,
                             const std::vector<PeriodAggregation>& rules,
                             const std::vector<PeriodDerivation>& derived);

}  // namespace funnelsim::engine
