// The HTML report: one self-contained file with a chart per panel (Vega-Lite specs and their
// data inlined, with the charting libraries), a header that says what was run, and the
// scenario text, so the report reproduces itself.
#pragma once

#include <string>
#include <string_view>

#include "engine/run/run_config.hpp"
#include "models/funnel/forecast.hpp"
#include "models/scenario/scenario.hpp"

namespace funnelsim::report {

/// The libraries inlined into every report (empty when tools/report/node_modules was not
/// installed when funnelsim was built).
std::string_view vega_js();
std::string_view vega_lite_js();
std::string_view vega_embed_js();
bool libraries_available();

/// What a forecast report shows; the pointers must outlive the call.
struct ForecastReportInput {
  const models::Scenario* scenario = nullptr;
  const models::Forecast* forecast = nullptr;
  engine::RunConfig config;  ///< seed, first replication and replications of the run
};

/// The report's HTML. Panels, in order (docs/output_formats.md, "HTML report"):
/// - per stage, a fan chart of its monthly volume (P5-P95 and P25-P75 bands, median, mean),
///   with the SLA targets on that volume drawn as lines;
/// - pipeline created and bookings ($): monthly fans, and year to date by quarter;
/// - per rep pool: utilisation, first-response time, share contacted within the SLA;
/// - per valve: what it added each month;
/// then the SLA commitment table at the SLA's confidence. The data of every panel is in the
/// JSON block with id `funnelsim-report` (panels: id, section, title, metric, spec), which a
/// test reads back. Throws std::runtime_error if the libraries are not available.
std::string forecast_report(const ForecastReportInput& input);

/// Writes forecast_report(input) to `path` through an AtomicFile.
void write_forecast_report(const std::string& path, const ForecastReportInput& input);

}  // namespace funnelsim::report
