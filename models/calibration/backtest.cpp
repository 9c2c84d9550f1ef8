#include "models/calibration/backtest.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "engine/run/replication_runner.hpp"
#include "engine/stats/forecast_scores.hpp"
#include "engine/stats/quantile.hpp"
#include "models/funnel/funnel_model.hpp"
#include "models/scenario/diagnostic.hpp"
#include "models/scenario/scenario_loader.hpp"

namespace funnelsim::calibration {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

std::vector<std::vector<double>> monthly_actuals(const History& history,
                                                 const models::Scenario& structure,
                                                 const std::vector<std::string>& metrics,
                                                 MonthSpan span) {
  const std::size_t months = static_cast<std::size_t>(std::max(0, span.end - span.first));
  std::vector<std::vector<double>> actual(metrics.size(), std::vector<double>(months, 0.0));
  std::vector<std::size_t> volume_of(structure.stages.size(), metrics.size());
  std::size_t pipeline = metrics.size(), bookings = metrics.size();
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    if (metrics[i] == "pipeline.created") pipeline = i;
    if (metrics[i] == "bookings") bookings = i;
    for (std::size_t s = 0; s < structure.stages.size(); ++s)
      if (metrics[i] == "volume." + structure.stages[s].id) volume_of[s] = i;
  }
  for (const HistoryLead& lead : history.leads)
    for (std::uint32_t i = 0; i < lead.event_count; ++i) {
      const HistoryEvent& e = history.events[lead.first_event + i];
      const int m = month_of_day(e.time) - span.first;
      if (m < 0 || m >= static_cast<int>(months)) continue;
      const auto month = static_cast<std::size_t>(m);
      if (volume_of[e.stage] < metrics.size()) actual[volume_of[e.stage]][month] += 1.0;
      const double amount = std::max(0.0, lead.amount);
      if (structure.stages[e.stage].pipeline && pipeline < metrics.size())
        actual[pipeline][month] += amount;
      if (structure.stages[e.stage].bookings && bookings < metrics.size())
        actual[bookings][month] += amount;
    }
  return actual;
}

Backtest run_backtest(const History& history, const models::Scenario& structure,
                      const BacktestOptions& options,
                      const std::function<void(std::size_t, std::size_t)>& on_origin) {
  const auto started = std::chrono::steady_clock::now();
  Backtest bt;
  bt.data = complete_months(history);

  // The metrics: stages the history reaches, then dollars when it has amounts.
  std::vector<std::uint8_t> reached(structure.stages.size(), 0);
  for (const HistoryEvent& e : history.events) reached[e.stage] = 1;
  for (std::size_t s = 0; s < structure.stages.size(); ++s)
    if (reached[s]) bt.metrics.push_back("volume." + structure.stages[s].id);
  bool amounts = false;
  for (const HistoryLead& lead : history.leads) amounts = amounts || lead.amount >= 0.0;
  if (amounts) {
    bt.metrics.emplace_back("pipeline.created");
    bt.metrics.emplace_back("bookings");
  }
  const std::vector<std::vector<double>> actual =
      monthly_actuals(history, structure, bt.metrics, bt.data);
  auto actual_at = [&](std::size_t metric, int month) {
    return month >= bt.data.first && month < bt.data.end
               ? actual[metric][static_cast<std::size_t>(month - bt.data.first)]
               : NaN;
  };

  if (options.origins.empty()) {
    for (int m = bt.data.first + options.min_history_months; m < bt.data.end; ++m)
      bt.origins.push_back(m);
  } else {
    for (int m : options.origins) {
      if (m - bt.data.first < 1 || m >= bt.data.end) {
        bt.notes.push_back("origin " + month_label(m) +
                           " skipped: it needs a complete month of history before it and "
                           "its own month complete (the history's complete months are " +
                           month_label(bt.data.first) + " .. " + month_label(bt.data.end - 1) +
                           ")");
        continue;
      }
      bt.origins.push_back(m);
    }
  }
  if (bt.origins.empty())
    throw std::invalid_argument(
        "no origin can be scored: the history's complete months are " +
        (bt.data.end > bt.data.first
             ? month_label(bt.data.first) + " .. " + month_label(bt.data.end - 1)
             : std::string("none")) +
        ", and an origin needs " + std::to_string(options.min_history_months) +
        " complete months before it and its own month complete");

  std::vector<double> sorted;
  for (std::size_t o = 0; o < bt.origins.size(); ++o) {
    const int origin = bt.origins[o];
    CalibrationOptions copt = options.calibration;
    copt.horizon_months = options.horizon;
    const Calibration cal = calibrate(history, structure, origin, copt);
    const models::Scenario scenario =
        models::load_scenario_text(cal.scenario_text, "<calibrated " + month_label(origin) + ">");
    const models::FunnelModel model(scenario);
    engine::RunConfig config;
    config.seed = options.seed;
    config.replications = options.replications;
    config.threads = options.threads;
    const engine::ResultCube cube = engine::run_replications(model, config, nullptr);
    for (std::size_t k = 0; k < bt.metrics.size(); ++k) {
      const std::size_t metric = cube.metric_index(bt.metrics[k]);
      if (metric >= cube.metrics()) continue;  // a stage the fitted scenario never reaches
      for (int step = 1; step <= options.horizon; ++step) {
        const int month = origin + step - 1;
        const double y = actual_at(k, month);
        if (std::isnan(y)) continue;  // past the history's complete months
        sorted.clear();
        for (std::size_t r = 0; r < cube.replications(); ++r)
          sorted.push_back(cube.at(r, static_cast<std::size_t>(step - 1), metric));
        std::sort(sorted.begin(), sorted.end());
        BacktestPoint p;
        p.origin = origin;
        p.step = step;
        p.metric = k;
        p.actual = y;
        p.median = engine::quantile_sorted(sorted, 0.5);
        double sum = 0.0;
        for (double v : sorted) sum += v;
        p.mean = sum / static_cast<double>(sorted.size());
        for (std::size_t l = 0; l < BACKTEST_LEVELS.size(); ++l) {
          const double tail = 0.5 * (1.0 - BACKTEST_LEVELS[l]);
          p.lower[l] = engine::quantile_sorted(sorted, tail);
          p.upper[l] = engine::quantile_sorted(sorted, 1.0 - tail);
          p.covered[l] = engine::covers(sorted, y, BACKTEST_LEVELS[l]);
        }
        p.crps = engine::crps_ensemble(sorted, y);
        p.last = actual_at(k, origin - 1);
        double trailing = 0.0;
        int have = 0;
        for (int back = 1; back <= 3; ++back)
          if (const double v = actual_at(k, origin - back); !std::isnan(v)) {
            trailing += v;
            ++have;
          }
        p.trailing3 = have > 0 ? trailing / have : NaN;
        // Seasonal naive needs the same calendar month a year before the forecast month,
        // and that month must be before the origin.
        p.seasonal = month - 12 < origin ? actual_at(k, month - 12) : NaN;
        bt.points.push_back(p);
      }
    }
    if (on_origin) on_origin(o + 1, bt.origins.size());
  }
  if (bt.points.empty())
    throw std::invalid_argument("no forecast month falls inside the history's complete months");

  // Scores per metric, then all volumes together.
  bt.scores.resize(bt.metrics.size());
  auto add = [](MetricScores& s, const BacktestPoint& p) {
    ++s.points;
    for (std::size_t l = 0; l < BACKTEST_LEVELS.size(); ++l) s.coverage[l] += p.covered[l];
    s.crps += p.crps;
    s.mae_median += std::abs(p.median - p.actual);
    s.mae_last += std::abs(p.last - p.actual);
    s.mae_trailing3 += std::abs(p.trailing3 - p.actual);
    if (!std::isnan(p.seasonal)) {
      s.mae_seasonal += std::abs(p.seasonal - p.actual);
      ++s.seasonal_points;
    }
    s.mean_actual += p.actual;
  };
  auto finish = [](MetricScores& s) {
    if (s.points == 0) return;
    const double n = static_cast<double>(s.points);
    for (double& c : s.coverage) c /= n;
    s.crps /= n;
    s.mae_median /= n;
    s.mae_last /= n;
    s.mae_trailing3 /= n;
    s.mean_actual /= n;
    s.mae_seasonal =
        s.seasonal_points > 0 ? s.mae_seasonal / static_cast<double>(s.seasonal_points) : NaN;
  };
  bt.overall_volume.metric = "every volume";
  for (const BacktestPoint& p : bt.points) {
    add(bt.scores[p.metric], p);
    if (bt.metrics[p.metric].starts_with("volume.")) add(bt.overall_volume, p);
  }
  for (std::size_t k = 0; k < bt.metrics.size(); ++k) {
    bt.scores[k].metric = bt.metrics[k];
    finish(bt.scores[k]);
  }
  finish(bt.overall_volume);
  bt.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return bt;
}

}  // namespace funnelsim::calibration
