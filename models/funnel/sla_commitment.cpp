#include "models/funnel/sla_commitment.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace funnelsim::models {

namespace {

using Direction = SlaTarget::Direction;

/// The values of one metric at one period over the replications.
std::vector<double> column(const Forecast& f, std::size_t metric, bool month, std::size_t period) {
  const engine::ResultCube& cube = month ? f.cube : f.total_cube;
  std::vector<double> v(cube.replications());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = cube.at(i, period, metric);
  return v;
}

}  // namespace

double commitment(std::vector<double> values, double confidence, bool at_least) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  // c = ceil(n q): how many replications must reach the commitment. The small allowance keeps
  // n q that is whole in exact arithmetic (40 x 0.9) from rounding up past it.
  const double nq = static_cast<double>(n) * confidence;
  const auto c =
      std::min(n, static_cast<std::size_t>(std::ceil(nq - 1e-9 * static_cast<double>(n))));
  // At least: the largest v with P(X >= v) >= q is the order statistic n - c (0-based); at
  // most: the smallest v with P(X <= v) >= q is the order statistic c - 1.
  if (at_least) return values[n - std::max<std::size_t>(c, 1)];
  return values[c == 0 ? 0 : c - 1];
}

namespace {

double share_meeting(const std::vector<double>& values, const SlaTarget& t, double scale) {
  double met = 0.0;
  for (double x : values)
    met += (t.direction == Direction::AtLeast ? x >= t.value * scale : x <= t.value * scale) ? 1.0
                                                                                             : 0.0;
  return met / static_cast<double>(values.size());
}

}  // namespace

CommitmentTable commitment_table(const Forecast& f, const SlaTarget& t, double q) {
  CommitmentTable table{t, {}, {}, {}, {}, {}, {}, {}};
  const std::size_t k = f.cube.metric_index(t.metric);
  const bool sums = f.total_rules[k] == engine::PeriodAggregation::Sum;
  auto add = [&](const std::string& label, const std::vector<double>& values, double scale) {
    table.labels.push_back(label);
    table.commit.push_back(commitment(values, q, t.direction == Direction::AtLeast));
    double sum = 0.0;
    for (double x : values) sum += x;
    table.mean.push_back(sum / static_cast<double>(values.size()));
    table.written.push_back(t.value * scale);
    table.p_meet.push_back(share_meeting(values, t, scale));
  };
  for (std::size_t m = 0; m < f.months.size(); ++m) add(f.months[m], column(f, k, true, m), 1.0);
  for (std::size_t g = 0; g < f.total_labels.size(); ++g)
    add(f.total_labels[g], column(f, k, false, g),
        sums ? static_cast<double>(f.total_groups[g].size()) : 1.0);
  return table;
}

}  // namespace funnelsim::models
