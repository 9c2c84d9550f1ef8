// The HTML report: one self-contained file with a chart per panel (Vega-Lite specs and their
// data inlined, with the charting libraries), a header that says what was run, and the
// scenario text, so the report reproduces itself.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/run/run_config.hpp"
#include "models/calibration/backtest.hpp"
#include "models/funnel/comparison.hpp"
#include "models/funnel/forecast.hpp"
#include "models/scenario/scenario.hpp"

namespace funnelsim::report {

/// The libraries inlined into every report (empty when tools/report/node_modules was not
/// installed when funnelsim was built).
std::string_view vega_js();
std::string_view vega_lite_js();
std::string_view vega_embed_js();
bool libraries_available();

/// A metric's observed monthly values ("YYYY-MM", value), drawn over its forecast.
using Actuals = std::map<std::string, std::vector<std::pair<std::string, double>>>;

/// What a forecast report shows; the pointers must outlive the call.
struct ForecastReportInput {
  const models::Scenario* scenario = nullptr;
  const models::Forecast* forecast = nullptr;
  engine::RunConfig config;         ///< seed, first replication and replications of the run
  std::string run_date;             ///< YYYY-MM-DD; empty: not recorded
  Actuals actuals = {};             ///< by metric (`forecast --history`); drawn as black points
  std::string actuals_source = {};  ///< the history file, for the legend
};

/// The report's HTML. Panels, in order (docs/output_formats.md, "HTML report"):
/// - per stage, a fan chart of its monthly volume (P5-P95 and P25-P75 bands, median, mean),
///   with the SLA targets on that volume drawn as lines;
/// - pipeline created and bookings ($): monthly fans, and year to date by quarter;
/// - per rep pool: utilisation, backlog, first-response time, share contacted within the SLA;
/// - per valve: what it added each month;
/// then the SLA commitment table at the SLA's confidence. The data of every panel is in the
/// JSON block with id `funnelsim-report` (panels: id, section, title, metric, spec), which a
/// test reads back. Throws std::runtime_error if the libraries are not available.
std::string forecast_report(const ForecastReportInput& input);

/// Writes forecast_report(input) to `path` through an AtomicFile.
void write_forecast_report(const std::string& path, const ForecastReportInput& input);

/// What a comparison report shows (`compare --report`).
struct ComparisonReportInput {
  const models::Scenario* base = nullptr;
  const models::Scenario* variant = nullptr;
  const models::Comparison* comparison = nullptr;
  engine::RunConfig config;
  std::vector<std::string> metrics;  ///< panels; empty: every stage volume, pipeline, bookings
  std::string run_date;
  std::string section = "Variant - base, by month";  ///< the panels' heading
  std::string title = {};  ///< empty: "<variant name> against <base name>"
};

/// Per metric, the monthly paired difference variant - base: its mean and 90% interval as a
/// band, with zero marked; both scenario texts in the header. Format
/// funnelsim.comparison_report; metrics in only one scenario are left out.
std::string comparison_report(const ComparisonReportInput& input);
void write_comparison_report(const std::string& path, const ComparisonReportInput& input);

/// One lever of a tornado: its values at the two ends of the swing and the paired change of
/// the metric's mean there, with 90% intervals.
struct TornadoBar {
  std::string lever;
  double low_value = 0, high_value = 0;
  double low_change = 0, high_change = 0;
  double low_lo = 0, low_hi = 0, high_lo = 0, high_hi = 0;
};

/// What a sensitivity report shows (`sensitivity --report`): bars in the order given.
struct TornadoReportInput {
  const models::Scenario* scenario = nullptr;
  engine::RunConfig config;
  std::string metric, period;
  double swing = 0.2;
  double base_mean = 0.0;
  std::vector<TornadoBar> bars;
  std::string run_date;
};

/// The tornado chart: per lever, the change at the low and the high end, largest first.
/// Format funnelsim.sensitivity_report.
std::string tornado_report(const TornadoReportInput& input);
void write_tornado_report(const std::string& path, const TornadoReportInput& input);

/// What a backtest report shows (`backtest --report`).
struct BacktestReportInput {
  const models::Scenario* structure = nullptr;
  const calibration::Backtest* backtest = nullptr;
  std::string history;  ///< the history file's name
  engine::RunConfig config;
  int horizon = 0;
  std::string run_date;
};

/// Per metric, the forecast made one month ahead from each origin (median and 80% interval)
/// against what happened, titled with its coverage; then the coverage of every metric at each
/// level against the level. Format funnelsim.backtest_report.
std::string backtest_report(const BacktestReportInput& input);
void write_backtest_report(const std::string& path, const BacktestReportInput& input);

}  // namespace funnelsim::report
