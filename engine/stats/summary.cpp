#include "engine/stats/summary.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <span>
#include <stdexcept>
#include <string>

#include "engine/stats/neumaier_sum.hpp"
#include "engine/stats/order_statistics.hpp"
#include "engine/stats/quantile.hpp"

namespace funnelsim::engine {
namespace {

// Scratch memory of one task (it holds the columns of a few periods): large enough that a
// task reads long contiguous runs of the cube, small enough to stay a fraction of the cube.
constexpr std::size_t TASK_BUFFER_BYTES = std::size_t{32} << 20;

struct QuantilePlan {
  std::array<QuantilePosition, PeriodStats::QUANTILES.size()> positions;
  std::vector<std::size_t> ranks;  // every order statistic the positions need, ascending
  // Where positions[i].below and .above are in `ranks`.
  std::array<std::size_t, PeriodStats::QUANTILES.size()> below_index, above_index;
};

QuantilePlan plan_quantiles(std::size_t n) {
  QuantilePlan plan;
  for (std::size_t i = 0; i < PeriodStats::QUANTILES.size(); ++i) {
    plan.positions[i] = quantile_position(n, PeriodStats::QUANTILES[i]);
    plan.ranks.push_back(plan.positions[i].below);
    plan.ranks.push_back(plan.positions[i].above);
  }
  std::sort(plan.ranks.begin(), plan.ranks.end());
  plan.ranks.erase(std::unique(plan.ranks.begin(), plan.ranks.end()), plan.ranks.end());
  const auto index_of = [&plan](std::size_t rank) {
    return static_cast<std::size_t>(std::lower_bound(plan.ranks.begin(), plan.ranks.end(), rank) -
                                    plan.ranks.begin());
  };
  for (std::size_t i = 0; i < PeriodStats::QUANTILES.size(); ++i) {
    plan.below_index[i] = index_of(plan.positions[i].below);
    plan.above_index[i] = index_of(plan.positions[i].above);
  }
  return plan;
}

[[noreturn]] void throw_first_nan(const ResultCube& cube) {
  const auto& values = cube.values();
  const auto nan =
      std::find_if(values.begin(), values.end(), [](double x) { return std::isnan(x); });
  const auto index = static_cast<std::size_t>(nan - values.begin());
  const std::size_t per_replication = cube.periods() * cube.metrics();
  const std::size_t replication = index / per_replication;
  const std::size_t period = index % per_replication / cube.metrics();
  const std::size_t metric = index % cube.metrics();
  throw std::domain_error("summarise: value of metric '" + cube.metric_names()[metric] +
                          "' is NaN at replication " + std::to_string(replication) + ", period " +
                          std::to_string(period) + "; statistics of NaN are undefined");
}

/// Fills entry `period` of every field of `out` from one column, which holds the values in
/// replication order and is reordered. Returns false, leaving `out` alone, if it holds a NaN.
bool summarise_column(std::span<double> column, const QuantilePlan& plan, PeriodStats& out,
                      std::size_t period) {
  const std::size_t n = column.size();
  NeumaierSum sum;
  bool has_nan = false;
  for (const double x : column) {
    has_nan |= std::isnan(x);
    sum.add(x);
  }
  if (has_nan) return false;
  const double mean = sum.value() / static_cast<double>(n);
  NeumaierSum squares;
  for (const double x : column) squares.add((x - mean) * (x - mean));
  out.mean[period] = mean;
  out.sd[period] = n == 1 ? 0.0 : std::sqrt(squares.value() / static_cast<double>(n - 1));

  std::array<double, 2 * PeriodStats::QUANTILES.size()> selected{};
  select_order_statistics(column, plan.ranks, std::span(selected).first(plan.ranks.size()));
  for (std::size_t i = 0; i < plan.positions.size(); ++i)
    (out.*PeriodStats::FIELDS[PeriodStats::FIRST_QUANTILE_FIELD + i].values)[period] =
        interpolate_quantile(selected[plan.below_index[i]], selected[plan.above_index[i]],
                             plan.positions[i].fraction);
  return true;
}

}  // namespace

std::vector<PeriodStats> summarise(const ResultCube& cube) {
  const std::size_t n = cube.replications();
  const std::size_t periods = cube.periods();
  const std::size_t metrics = cube.metrics();
  if (n == 0)
    throw std::invalid_argument("summarise: the cube has 0 replications, but needs at least 1");

  std::vector<PeriodStats> stats(metrics);
  for (auto& metric_stats : stats)
    for (const auto& field : PeriodStats::FIELDS) (metric_stats.*field.values).resize(periods);
  if (periods == 0 || metrics == 0) return stats;

  const QuantilePlan plan = plan_quantiles(n);
  const std::vector<double>& values = cube.values();
  // A task takes a run of consecutive periods with all their metrics: in every replication's
  // row these are contiguous, so gathering them into columns reads whole cache lines in
  // order. (Gathering one column at a time fetches a line, and often a new page, for each
  // value: several times slower on a cube larger than the caches.)
  const std::size_t column_bytes = n * sizeof(double);
  const std::size_t periods_per_task =
      std::clamp<std::size_t>(TASK_BUFFER_BYTES / column_bytes / metrics, 1, periods);
  const std::size_t tasks = (periods + periods_per_task - 1) / periods_per_task;
  std::atomic<bool> found_nan{false};
  tbb::enumerable_thread_specific<std::vector<double>> scratch;

  // Every task writes only its own entries of the preallocated vectors: no sharing, and no
  // order to control.
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, tasks, 1),
      [&](const tbb::blocked_range<std::size_t>& range) {
        std::vector<double>& columns = scratch.local();  // [period - first][metric][replication]
        for (std::size_t task = range.begin(); task != range.end(); ++task) {
          const std::size_t first = task * periods_per_task;
          const std::size_t width = std::min(periods_per_task, periods - first) * metrics;
          columns.resize(width * n);
          for (std::size_t r = 0; r < n; ++r) {
            const double* row = values.data() + (r * periods + first) * metrics;
            for (std::size_t c = 0; c < width; ++c) columns[c * n + r] = row[c];
          }
          for (std::size_t c = 0; c < width; ++c) {
            const std::span<double> column(columns.data() + c * n, n);
            if (!summarise_column(column, plan, stats[c % metrics], first + c / metrics))
              found_nan = true;
          }
        }
      });
  if (found_nan) throw_first_nan(cube);
  return stats;
}

}  // namespace funnelsim::engine
