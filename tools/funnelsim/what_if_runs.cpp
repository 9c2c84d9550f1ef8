#include "tools/funnelsim/what_if_runs.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "engine/run/progress.hpp"
#include "models/funnel/funnel_calendar.hpp"
#include "models/funnel/funnel_model.hpp"
#include "tools/funnelsim/scenario_input.hpp"

namespace funnelsim::cli {

std::optional<PeriodRef> find_period(const models::Scenario& scenario, const std::string& label,
                                     std::vector<models::Diagnostic>& problems) {
  const models::FunnelCalendar calendar(scenario.calendar);
  const std::vector<std::string>& months = calendar.labels();
  std::vector<std::string> totals;
  std::vector<std::vector<std::size_t>> groups;
  models::quarter_groups(months, totals, groups);
  for (std::size_t i = 0; i < months.size(); ++i)
    if (months[i] == label) return PeriodRef{label, true, i};
  for (std::size_t i = 0; i < totals.size(); ++i)
    if (totals[i] == label) return PeriodRef{label, false, i};
  problems.push_back(command_line_problem(
      "--period", label,
      "is not a period of this forecast: give a month " + months.front() + " .. " + months.back() +
          ", a quarter " + totals.front() + " .. " + totals[totals.size() - 2] + ", or total"));
  return std::nullopt;
}

std::vector<std::string> twin_off(const models::Scenario& scenario,
                                  const std::vector<std::string>& metrics) {
  if (scenario.capacity.pools.empty() || !scenario.capacity.report_lost_conversions) return {};
  for (const std::string& m : metrics)
    if (m.ends_with(".conversions_lost")) return {};
  return {"capacity.report_lost_conversions=false"};
}

bool load_point(const ScenarioInput& input, const std::vector<std::string>& extra, Point& p,
                std::vector<models::Diagnostic>& problems) {
  ScenarioInput in = input;
  in.overrides.insert(in.overrides.end(), extra.begin(), extra.end());
  in.overrides.insert(in.overrides.end(), p.sets.begin(), p.sets.end());
  std::vector<models::Diagnostic> found;
  p.scenario = load_input(in, found);
  if (p.scenario) return true;
  std::string where;
  for (const auto& s : p.sets) where += (where.empty() ? "" : ", ") + s;
  for (auto& d : found) {
    if (!where.empty()) d.rule += " (at the point " + where + ")";
    if (std::find_if(problems.begin(), problems.end(), [&](const models::Diagnostic& q) {
          return q.format() == d.format();
        }) == problems.end())
      problems.push_back(d);
  }
  return false;
}

bool load_points(const ScenarioInput& input, const std::vector<std::string>& extra,
                 std::vector<Point>& points, std::vector<models::Diagnostic>& problems) {
  bool ok = true;
  for (Point& p : points) ok = load_point(input, extra, p, problems) && ok;
  return ok;
}

double run_points(std::vector<Point>& points, const engine::RunConfig& config, bool progress,
                  std::ostream& err) {
  const auto start = std::chrono::steady_clock::now();
  const bool show = progress && ::isatty(STDERR_FILENO);
  engine::Progress bar(err, points.size() * config.replications);
  engine::Progress silent;
  for (Point& p : points)
    p.forecast =
        models::run_forecast(models::FunnelModel(*p.scenario), config, show ? &bar : &silent);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

MetricAt metric_at(const models::Forecast& f, const std::string& metric, const PeriodRef& period) {
  const std::size_t k = f.cube.metric_index(metric);
  const engine::PeriodStats& s = period.month ? f.monthly[k] : f.totals[k];
  const std::size_t i = period.index;
  return {s.mean[i], s.p10[i], s.p50[i], s.p90[i]};
}

PairedMetric paired_metric(const models::Forecast& reference, const models::Forecast& point,
                           const std::string& metric) {
  const std::vector<std::array<std::size_t, 2>> index = {
      {reference.cube.metric_index(metric), point.cube.metric_index(metric)}};
  return {engine::paired_differences(reference.cube, point.cube, index).front(),
          engine::paired_differences(reference.total_cube, point.total_cube, index).front()};
}

}  // namespace funnelsim::cli
