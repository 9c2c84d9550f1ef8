// Per-period summary statistics of every metric in a result cube: mean, sd and quantiles.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include "engine/stats/result_cube.hpp"

namespace funnelsim::engine {

/// The summary of one metric: each vector holds one entry per period of the cube.
struct PeriodStats {
  std::vector<double> mean, sd, p05, p10, p25, p50, p75, p90, p95;

  /// The probabilities of the quantile fields p05 ... p95, in field order.
  static constexpr std::array<double, 7> QUANTILES = {0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};

  /// A statistic by name, so writers iterate instead of repeating nine field names:
  ///   for (const auto& field : PeriodStats::FIELDS) out[field.name] = stats.*field.values;
  struct Field {
    std::string_view name;
    std::vector<double> PeriodStats::*values;
  };
  /// FIELDS[FIRST_QUANTILE_FIELD + i] is the field of QUANTILES[i].
  static constexpr std::size_t FIRST_QUANTILE_FIELD = 2;
  static constexpr std::array<Field, 9> FIELDS = {{{"mean", &PeriodStats::mean},
                                                   {"sd", &PeriodStats::sd},
                                                   {"p05", &PeriodStats::p05},
                                                   {"p10", &PeriodStats::p10},
                                                   {"p25", &PeriodStats::p25},
                                                   {"p50", &PeriodStats::p50},
                                                   {"p75", &PeriodStats::p75},
                                                   {"p90", &PeriodStats::p90},
                                                   {"p95", &PeriodStats::p95}}};
};

/// One PeriodStats per metric, in the cube's metric order, over all replications:
/// - mean: compensated (Neumaier) sum in replication order, divided by n;
/// - sd: sqrt of the compensated sum of squared deviations from that mean over n - 1
///   (two passes, so no cancellation); 0 when n == 1;
/// - p05 ... p95: exact type 7 quantiles (numpy's default), equal bit for bit to
///   np.percentile on the same column.
///
/// Deterministic: each (period, metric) column is reduced by one task, sequentially and in
/// replication order, so the result is bit-identical for any thread count. Tasks (a few
/// consecutive periods with all their metrics) run in parallel on TBB threads, each with
/// scratch memory for its columns: about 32 MiB, or replications x metrics x 8 bytes if
/// that is more. Quantiles come from the exact order statistics (select_order_statistics:
/// the values a full sort gives, without the cost of sorting).
///
/// Throws std::invalid_argument if the cube has no replications, and std::domain_error
/// naming the replication, period and metric of the first NaN (in cube order) if any.
///
/// Tested by tests/engine/summary_test.cpp.
std::vector<PeriodStats> summarise(const ResultCube& cube);

}  // namespace funnelsim::engine
