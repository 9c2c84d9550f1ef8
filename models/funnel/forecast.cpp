#include "models/funnel/forecast.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>

#include "engine/run/replication_runner.hpp"
#include "engine/stats/period_aggregation.hpp"
#include "models/funnel/funnel_model.hpp"

namespace funnelsim::models {

void quarter_groups(const std::vector<std::string>& months, std::vector<std::string>& labels,
                    std::vector<std::vector<std::size_t>>& groups) {
  labels.clear();
  groups.clear();
  std::vector<std::size_t> all;
  for (std::size_t m = 0; m < months.size(); ++m) {
    const std::string& ym = months[m];  // "YYYY-MM"
    const int month = std::stoi(ym.substr(5, 2));
    const std::string label = ym.substr(0, 4) + "-Q" + std::to_string((month - 1) / 3 + 1);
    if (labels.empty() || labels.back() != label) {
      labels.push_back(label);
      groups.emplace_back();
    }
    groups.back().push_back(m);
    all.push_back(m);
  }
  labels.emplace_back("total");
  groups.push_back(std::move(all));
}

Forecast run_forecast(const Scenario& scenario, const engine::RunConfig& config,
                      engine::Progress* progress) {
  return run_forecast(FunnelModel(scenario), config, progress);
}

Forecast run_forecast(const FunnelModel& model, const engine::RunConfig& config,
                      engine::Progress* progress) {
  const auto start = std::chrono::steady_clock::now();
  engine::ResultCube cube = engine::run_replications(model, config, progress);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Forecast f = forecast_from_cube(model, std::move(cube));
  f.seconds = seconds;
  return f;
}

Forecast forecast_from_cube(const FunnelModel& model, engine::ResultCube cube) {
  if (cube.periods() != model.period_count() || cube.metric_names() != model.metric_names())
    throw std::invalid_argument(
        "the results do not match the scenario's model: " + std::to_string(cube.periods()) +
        " months and " + std::to_string(cube.metrics()) + " metrics against " +
        std::to_string(model.period_count()) + " and " +
        std::to_string(model.metric_names().size()) +
        " (written by another version of funnelsim, or edited?)");
  Forecast f;
  f.months = model.period_labels();
  f.cube = std::move(cube);
  f.monthly = engine::summarise(f.cube);
  quarter_groups(f.months, f.total_labels, f.total_groups);
  f.total_rules = model.metric_aggregations();
  f.total_cube =
      engine::aggregate_periods(f.cube, f.total_groups, f.total_rules, model.metric_derivations());
  f.totals = engine::summarise(f.total_cube);
  return f;
}

}  // namespace funnelsim::models
