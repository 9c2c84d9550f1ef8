// Sums (or means, or last values) of periods per replication (quarters, horizon totals) as
// a new result cube.
#pragma once

#include <array>
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
/// A ratio such as a cost per lead is the group's sum of its numerator metric over the sum of
/// its denominator metric (0 when that is 0): see the overload taking `ratio_of`.
enum class PeriodAggregation { Sum, Mean, Last, Ratio };

/// As above, with a rule per metric (`rules.size()` must equal the cube's metric count;
/// throws std::invalid_argument otherwise). An empty group gives 0 under every rule.
ResultCube aggregate_periods(const ResultCube& cube,
                             const std::vector<std::vector<std::size_t>>& groups,
                             const std::vector<PeriodAggregation>& rules);

/// As above; a metric whose rule is Ratio takes sum(numerator) / sum(denominator) over the
/// group, with ratio_of[metric] = {numerator, denominator} metric indices (both Sum metrics).
/// Throws std::invalid_argument if a Ratio metric's parts are missing or out of range.
ResultCube aggregate_periods(const ResultCube& cube,
                             const std::vector<std::vector<std::size_t>>& groups,
                             const std::vector<PeriodAggregation>& rules,
                             const std::vector<std::array<std::size_t, 2>>& ratio_of);

}  // namespace funnelsim::engine
