// Backtesting: calibrate on what was known at each origin, forecast, score against what came.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/calibration/calibrate.hpp"
#include "models/calibration/history.hpp"
#include "models/scenario/scenario.hpp"

namespace funnelsim::calibration {

/// The central intervals scored: 50%, 80% and 90%.
inline constexpr std::array<double, 3> BACKTEST_LEVELS = {0.5, 0.8, 0.9};

struct BacktestOptions {
  /// Origin months (year * 12 + month - 1); empty: every month with at least
  /// `min_history_months` complete months of history before it and at least one complete
  /// month from it on.
  std::vector<int> origins;
  int horizon = 3;  ///< months forecast from each origin
  int min_history_months = 3;
  std::size_t replications = 400;
  std::uint64_t seed = 20270101;
  std::size_t threads = 0;
  CalibrationOptions calibration;
};

/// One forecast month of one metric from one origin, with what happened.
struct BacktestPoint {
  int origin = 0;  ///< month
  int step = 0;    ///< 1 = the origin's own month
  std::size_t metric = 0;
  double actual = 0;
  double median = 0, mean = 0;
  std::array<double, 3> lower{}, upper{};  ///< per BACKTEST_LEVELS
  std::array<bool, 3> covered{};
  double crps = 0;
  /// Baselines' point forecasts: the month before the origin, the mean of the 3 months before
  /// it, and the same month a year earlier (NaN without a year of history before the origin).
  double last = 0, trailing3 = 0, seasonal = 0;
};

/// A metric's scores over every origin and step.
struct MetricScores {
  std::string metric;
  std::size_t points = 0;
  std::array<double, 3> coverage{};  ///< share of actuals inside each central interval
  double crps = 0;                   ///< mean CRPS (in the metric's unit)
  double mae_median = 0;             ///< mean |median - actual|
  double mae_last = 0, mae_trailing3 = 0;
  double mae_seasonal = 0;  ///< over the points that have one (seasonal_points)
  std::size_t seasonal_points = 0;
  double mean_actual = 0;
};

struct Backtest {
  std::vector<std::string> metrics;  ///< volume.<stage> for stages in the history, then dollars
  std::vector<int> origins;
  MonthSpan data;  ///< the history's complete months
  std::vector<BacktestPoint> points;
  std::vector<MetricScores> scores;  ///< per metric
  MetricScores overall_volume;       ///< every volume metric's points together (coverage only)
  std::vector<std::string> notes;
  double seconds = 0;
};

/// The monthly actuals of `history` for the backtest's metrics: volume.<stage> = leads
/// entering the stage in the month; pipeline.created and bookings = the amounts of leads
/// entering a pipeline or bookings stage. [metric][month - span.first].
std::vector<std::vector<double>> monthly_actuals(const History& history,
                                                 const models::Scenario& structure,
                                                 const std::vector<std::string>& metrics,
                                                 MonthSpan span);

/// For each origin: calibrate(history, structure, origin) — which sees only events before
/// the origin — then forecast `horizon` months with `replications` replications, and score
/// each complete month against the history. `on_origin` (may be empty) is called after each
/// origin with its index, for progress. Throws std::invalid_argument when no origin can be
/// scored.
Backtest run_backtest(const History& history, const models::Scenario& structure,
                      const BacktestOptions& options,
                      const std::function<void(std::size_t, std::size_t)>& on_origin = {});

}  // namespace funnelsim::calibration
