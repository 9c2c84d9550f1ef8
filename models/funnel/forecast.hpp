// One forecast run end to end: model, replications, monthly and quarterly summaries, metadata.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/run/progress.hpp"
#include "engine/run/run_config.hpp"
#include "engine/stats/period_aggregation.hpp"
#include "engine/stats/result_cube.hpp"
#include "engine/stats/summary.hpp"
#include "models/funnel/funnel_model.hpp"
#include "models/scenario/scenario.hpp"

namespace funnelsim::models {

/// Everything a forecast produces: the cube of every replication, its monthly statistics,
/// and the statistics of per-replication totals over calendar quarters and the horizon.
struct Forecast {
  std::vector<std::string> months;                     ///< "YYYY-MM"
  engine::ResultCube cube;                             ///< [replication][month][metric]
  std::vector<engine::PeriodStats> monthly;            ///< per metric
  std::vector<std::string> total_labels;               ///< "2027-Q1", ..., "total"
  std::vector<std::vector<std::size_t>> total_groups;  ///< months summed into each label
  std::vector<engine::PeriodStats> totals;             ///< per metric, over total_labels
  engine::ResultCube total_cube;  ///< [replication][total label][metric], by total_rules
  std::vector<engine::PeriodAggregation> total_rules;  ///< per metric: how months combine
  double seconds = 0.0;                                ///< wall time of the replications
};

/// Calendar quarters touched by the horizon (a quarter the horizon only partly covers sums
/// the months it has), then the whole horizon as "total".
void quarter_groups(const std::vector<std::string>& months, std::vector<std::string>& labels,
                    std::vector<std::vector<std::size_t>>& groups);

/// Runs `config.replications` replications of the model and summarises them.
Forecast run_forecast(const FunnelModel& model, const engine::RunConfig& config,
                      engine::Progress* progress = nullptr);

/// The statistics of results already simulated by `model` (read back from a file, say).
/// Throws std::invalid_argument when the cube's months or metrics are not the model's.
Forecast forecast_from_cube(const FunnelModel& model, engine::ResultCube cube);

/// The same, building the model from the scenario.
Forecast run_forecast(const Scenario& scenario, const engine::RunConfig& config,
                      engine::Progress* progress = nullptr);

}  // namespace funnelsim::models
