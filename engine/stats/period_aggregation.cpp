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
                             const std::vector<PeriodDerivation>& derived) {
  auto is_derived = [](PeriodAggregation rule) {
    return rule == PeriodAggregation::Ratio || rule == PeriodAggregation::AtLeast ||
           rule == PeriodAggregation::AtMost;
  };
  for (std::size_t m = 0; m < rules.size(); ++m) {
    if (!is_derived(rules[m])) continue;
    const bool ratio = rules[m] == PeriodAggregation::Ratio;
    if (m >= derived.size() || derived[m].a >= rules.size() ||
        (ratio && derived[m].b >= rules.size()) || is_derived(rules[derived[m].a]) ||
        (ratio && is_derived(rules[derived[m].b])))
      throw std::invalid_argument("aggregate_periods: metric " + std::to_string(m) +
                                  " is derived from missing or derived metrics");
  }
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
          case PeriodAggregation::AtLeast:
          case PeriodAggregation::AtMost:
            break;  // once the group's other values are known
        }
      }
      for (std::size_t m = 0; m < metrics; ++m) {
        const PeriodDerivation* d = m < derived.size() ? &derived[m] : nullptr;
        switch (rules[m]) {
          case PeriodAggregation::Ratio: {
            const double below = sums[d->b].value();
            out[g * metrics + m] = below != 0.0 ? sums[d->a].value() / below : 0.0;
            break;
          }
          case PeriodAggregation::AtLeast:
          case PeriodAggregation::AtMost: {
            const double value = out[g * metrics + d->a];
            const double target =
                rules[d->a] == PeriodAggregation::Sum ? d->target * count : d->target;
            const bool met =
                rules[m] == PeriodAggregation::AtLeast ? value >= target : value <= target;
            out[g * metrics + m] = groups[g].empty() ? 0.0 : (met ? 1.0 : 0.0);
            break;
          }
          default:
            break;
        }
      }
    }
  }
  return totals;
}

}  // namespace funnelsim::engine
