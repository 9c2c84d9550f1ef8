// Running one scenario at several settings on the same random numbers (sweep, sensitivity).
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/run/run_config.hpp"
#include "engine/stats/paired_difference.hpp"
#include "models/funnel/forecast.hpp"
#include "models/scenario/diagnostic.hpp"
#include "models/scenario/scenario.hpp"
#include "tools/funnelsim/commands.hpp"

namespace funnelsim::cli {

/// One setting of the scenario: the --set overrides that make it, and its forecast.
struct Point {
  std::vector<std::string> sets;
  std::optional<models::Scenario> scenario;
  models::Forecast forecast;
};

/// A period of the forecast by label: a month ("2027-03"), a quarter ("2027-Q1") or "total".
struct PeriodRef {
  std::string label;
  bool month = false;  ///< else a total label
  std::size_t index = 0;
};
std::optional<PeriodRef> find_period(const models::Scenario& scenario, const std::string& label,
                                     std::vector<models::Diagnostic>& problems);

/// The overrides that switch off the twin run without capacity limits when none of `metrics`
/// needs it (`queue.*.conversions_lost`): it doubles the cost of every point and changes no
/// other metric.
std::vector<std::string> twin_off(const models::Scenario& scenario,
                                  const std::vector<std::string>& metrics);

/// Loads one point (input.overrides, then extra, then the point's sets); its problems are
/// appended, naming the point's settings. Returns false if the point is invalid.
bool load_point(const ScenarioInput& input, const std::vector<std::string>& extra, Point& point,
                std::vector<models::Diagnostic>& problems);
/// load_point for every point; returns false if any is invalid.
bool load_points(const ScenarioInput& input, const std::vector<std::string>& extra,
                 std::vector<Point>& points, std::vector<models::Diagnostic>& problems);

/// Runs every point with `config`, in order (each on all threads), on the same seed; returns
/// the wall time in seconds.
double run_points(std::vector<Point>& points, const engine::RunConfig& config, bool progress,
                  std::ostream& err);

/// The metric's statistic at `period` in a forecast (throws if the metric is missing).
struct MetricAt {
  double mean = 0, p10 = 0, p50 = 0, p90 = 0;
};
MetricAt metric_at(const models::Forecast& f, const std::string& metric, const PeriodRef& period);

/// The paired difference point - reference of `metric` at every month and total label.
struct PairedMetric {
  engine::DifferenceStats monthly, totals;
};
PairedMetric paired_metric(const models::Forecast& reference, const models::Forecast& point,
                           const std::string& metric);

}  // namespace funnelsim::cli
