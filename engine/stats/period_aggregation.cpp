#include "engine/stats/period_aggregation.hpp"

#include <span>
#include <stdexcept>
#include <string>

#include "engine/stats/neumaier_sum.hpp"

namespace funnelsim::engine {

ResultCube aggregate_periods(const ResultCube& cube,
                             const std::vector<std::vector<std::size_t>>& groups) {
  return aggregate_periods(cube, groups,
                           std::vector<PeriodAggregation>(cube.metrics(), PeriodAggregation::Sum));
}

ResultCube aggregate_periods(const ResultCube& cube,
                             const std::vector<std::vector<std::size_t>>& groups,
                             const std::vector<PeriodAggregation>& rules) {
  return aggregate_periods(cube, groups, rules, {});
}

ResultCube aggregate_periods(const ResultCube& cube,
                             const std::vector<std::vector<std::size_t>>& groups,
                             const std::vector<PeriodAggregation>& rules,
                             const std::vector<std::array<std::size_t, 2>>& ratio_of) {
  for (std::size_t m = 0; m < rules.size(); ++m)
    if (rules[m] == PeriodAggregation::Ratio &&
        (m >= ratio_of.size() || ratio_of[m][0] >= cube.metrics() ||
         ratio_of[m][1] >= cube.metrics()))
      throw std::invalid_argument("aggregate_periods: metric " + std::to_string(m) +
                                  " is a ratio without valid numerator and denominator");
  if (rules.size() != cube.metrics())
    throw std::invalid_argument("aggregate_periods: " + std::to_string(rules.size()) +
                                " rules for " + std::to_string(cube.metrics()) + " metrics");
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (const std::size_t period : groups[g])
      if (period >= cube.periods())
        throw std::out_of_range("aggregate_periods: group " + std::to_string(g) + " lists period " +
                                std::to_string(period) + ", but the cube has " +
                                std::to_string(cube.periods()) + " periods");

  const std::size_t metrics = cube.metrics();
  ResultCube totals(cube.replications(), groups.size(), cube.metric_names());
  // Metric innermost: a replication's period rows are contiguous, so this streams through
  // memory; each (replication, group, metric) still adds its periods in the listed order.
  std::vector<NeumaierSum> sums(metrics);
  for (std::size_t r = 0; r < cube.replications(); ++r) {
    const std::span<const double> row = cube.slice(r);
    const std::span<double> out = totals.slice(r);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      sums.assign(metrics, NeumaierSum{});
      for (const std::size_t period : groups[g])
        for (std::size_t m = 0; m < metrics; ++m) sums[m].add(row[period * metrics + m]);
      const auto count = static_cast<double>(groups[g].size());
      for (std::size_t m = 0; m < metrics; ++m) {
        double& value = out[g * metrics + m];
        switch (rules[m]) {
          case PeriodAggregation::Sum:
            value = sums[m].value();
            break;
          case PeriodAggregation::Mean:
            value = groups[g].empty() ? 0.0 : sums[m].value() / count;
            break;
          case PeriodAggregation::Last:
            value = groups[g].empty() ? 0.0 : row[groups[g].back() * metrics + m];
            break;
          case PeriodAggregation::Ratio:
            break;  // after every sum of the group is known
        }
      }
      for (std::size_t m = 0; m < metrics; ++m) {
        if (rules[m] != PeriodAggregation::Ratio) continue;
        const double below = sums[ratio_of[m][1]].value();
        out[g * metrics + m] = below != 0.0 ? sums[ratio_of[m][0]].value() / below : 0.0;
      }
    }
  }
  return totals;
}

}  // namespace funnelsim::engine
